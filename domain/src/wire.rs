//! Protocol v1: the only definition of what travels between a device and the server.
//!
//! Architecture invariant: wire types are separate from the domain `Response` and from
//! the app's stored records; conversions are explicit, so a field added to one never
//! leaks into another by accident. Every wire struct refuses unknown fields.

use crate::case::CaseContext;
use crate::validate::{check_response, Rule, ValidationError};
use crate::{Answer, Catalogue, Day, FormId, Lang, Response};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a device posts a batch of responses.
pub const RESPONSES_PATH: &str = "/api/v1/responses";
/// Where a device posts case outcomes recorded at closure.
pub const OUTCOMES_PATH: &str = "/api/v1/outcomes";
/// Where the coordinator reads how many responses the server holds.
pub const STATS_PATH: &str = "/api/v1/stats";
/// Where a device fetches the forms its partnership added to the built-in ones.
pub const FORMS_PATH: &str = "/api/v1/forms";
/// Most responses one batch may carry; a device with more sends several batches.
pub const MAX_BATCH_RESPONSES: usize = 200;
/// A device starts a new batch before its body would pass this many bytes.
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;
/// Largest request body the server reads, in bytes: room for a full batch of responses
/// with drawings (each at most a few tens of KB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitBatch {
    /// SHA-256 (hex) of the partnership key the device holds; the server refuses a batch
    /// whose fingerprint is not its partnership's.
    pub key_fingerprint: String,
    pub responses: Vec<ResponseV1>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseV1 {
    pub id: Uuid,
    pub form_id: FormId,
    pub form_version: u32,
    pub lang: Lang,
    pub date: Day,
    pub answers: Vec<Answer>,
    /// The child agreed their words and drawings may be shown without their name.
    pub share: bool,
    /// The case's pseudonym, age band, context flags and stage: never a name or reference.
    pub context: CaseContext,
}

impl From<&Response> for ResponseV1 {
    fn from(r: &Response) -> Self {
        ResponseV1 {
            id: r.id,
            form_id: r.form_id.clone(),
            form_version: r.form_version,
            lang: r.lang.clone(),
            date: r.date,
            answers: r.answers.clone(),
            share: r.share,
            context: r.context.clone(),
        }
    }
}

impl From<ResponseV1> for Response {
    fn from(w: ResponseV1) -> Response {
        Response {
            id: w.id,
            form_id: w.form_id,
            form_version: w.form_version,
            lang: w.lang,
            date: w.date,
            answers: w.answers,
            share: w.share,
            context: w.context,
        }
    }
}

/// A batch as the server receives it: each response still undecoded, so that one bad
/// response is answered on its own and the others are still stored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomingBatch {
    pub key_fingerprint: String,
    pub responses: Vec<serde_json::Value>,
}

/// One response of an incoming batch, decoded and checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    Valid(Response),
    /// Broke a rule; `reason` names the field and the rule. `id` when it could be read.
    Rejected {
        id: Option<Uuid>,
        reason: String,
    },
}

impl IncomingBatch {
    /// Decodes and checks every response. Only a batch that is too big is refused whole.
    pub fn check(self, catalogue: &Catalogue) -> Result<Vec<Checked>, ValidationError> {
        if self.responses.len() > MAX_BATCH_RESPONSES {
            return Err(ValidationError::new("responses", Rule::BatchTooLong { what: "responses", max: MAX_BATCH_RESPONSES, got: self.responses.len() }));
        }
        Ok(self
            .responses
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                let at = format!("responses[{i}]");
                let id = value.get("id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
                match serde_path_to_error::deserialize::<_, ResponseV1>(value) {
                    Err(e) => {
                        let path = e.path().to_string();
                        let reason = if path == "." { format!("{at}: {}", e.inner()) } else { format!("{at}.{path}: {}", e.inner()) };
                        Checked::Rejected { id, reason }
                    }
                    Ok(wire) => {
                        let r = Response::from(wire);
                        match check_response(catalogue, &r) {
                            Ok(()) => Checked::Valid(r),
                            Err(e) => Checked::Rejected { id, reason: e.within(&at).to_string() },
                        }
                    }
                }
            })
            .collect())
    }
}

/// Splits responses into batches bounded by count and by bytes, in order. A response larger
/// than the byte bound on its own travels alone (the server's body limit is far higher).
pub fn batches(key_fingerprint: &str, responses: &[Response]) -> Vec<SubmitBatch> {
    let empty = || SubmitBatch { key_fingerprint: key_fingerprint.to_string(), responses: Vec::new() };
    let mut out = Vec::new();
    let mut current = empty();
    let mut bytes = 0;
    for r in responses {
        // Only what may leave the tablet: words and drawings the child did not agree to share
        // stay on it.
        let wire = ResponseV1::from(&r.minimised());
        let size = serde_json::to_vec(&wire).map(|v| v.len()).unwrap_or(0) + 1;
        let full = current.responses.len() == MAX_BATCH_RESPONSES || (bytes + size > MAX_BATCH_BYTES && !current.responses.is_empty());
        if full {
            out.push(std::mem::replace(&mut current, empty()));
            bytes = 0;
        }
        bytes += size;
        current.responses.push(wire);
    }
    if !current.responses.is_empty() {
        out.push(current);
    }
    out
}

/// The server's answer to a batch: one result per response, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReply {
    pub results: Vec<ItemResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    /// The response's id; absent only when a rejected response had no readable id.
    pub id: Option<Uuid>,
    pub status: ItemStatus,
    /// Why a response was rejected: the field and the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Stored now.
    Accepted,
    /// The server already held this id with the same content: nothing changed.
    AlreadyHad,
    /// The server holds this id with different content; it kept the first and stored nothing.
    Conflict,
    /// The response broke a rule (see `reason`); nothing of it was stored.
    Rejected,
}

impl ItemStatus {
    /// Whether the device may drop the response from its outbox: the server holds it.
    pub fn is_confirmed(self) -> bool {
        matches!(self, ItemStatus::Accepted | ItemStatus::AlreadyHad)
    }
}

/// The forms the server's partnership added (the server's forms folder), each already checked
/// by `validate::check_form`; a device checks them again before it keeps them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormsReply {
    pub forms: Vec<crate::Form>,
    /// The partnership's key in use (its fingerprint), and every step from an earlier key to
    /// the one that followed it: a tablet holding an earlier key walks them to this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_keys: Vec<crate::access::NewKeyV1>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub responses: u64,
    pub outcomes: u64,
}

/// How a case ended, as a practitioner recorded it at closure: keyed by the case's
/// pseudonym, never its reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeV1 {
    /// Generated on the device, so a resend is recognised.
    pub id: Uuid,
    pub case: crate::case::Pseudonym,
    pub outcome: crate::case::Outcome,
    pub date: Day,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitOutcomes {
    pub key_fingerprint: String,
    pub outcomes: Vec<OutcomeV1>,
}

/// Outcomes as the server receives them, each decoded on its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomingOutcomes {
    pub key_fingerprint: String,
    pub outcomes: Vec<serde_json::Value>,
}

/// One outcome of a batch, decoded, or rejected with its id (when it had one) and why.
pub type CheckedOutcome = Result<OutcomeV1, (Option<Uuid>, String)>;

impl IncomingOutcomes {
    /// Decodes each outcome; a bad one is rejected by name. Only too many is refused whole.
    pub fn check(self) -> Result<Vec<CheckedOutcome>, ValidationError> {
        if self.outcomes.len() > MAX_BATCH_RESPONSES {
            return Err(ValidationError::new("outcomes", Rule::BatchTooLong { what: "outcomes", max: MAX_BATCH_RESPONSES, got: self.outcomes.len() }));
        }
        Ok(self
            .outcomes
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                let id = value.get("id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
                serde_path_to_error::deserialize::<_, OutcomeV1>(value).map_err(|e| {
                    let path = e.path().to_string();
                    let at = format!("outcomes[{i}]");
                    (id, if path == "." { format!("{at}: {}", e.inner()) } else { format!("{at}.{path}: {}", e.inner()) })
                })
            })
            .collect())
    }
}

/// What went wrong, as the API names it in every refusal (`ApiError::error`): one list for the
/// server, which sends it, and the apps, which say it in the user's own words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    MalformedJson,
    /// A batch or record that breaks a rule (the detail names the field).
    Invalid,
    TooLarge,
    UnreadableBody,
    NotJson,
    UnsupportedEncoding,
    TooSlow,
    /// The server is at capacity for slow work (password checks); try again shortly.
    Busy,
    NotFound,
    MethodNotAllowed,
    InvalidBody,
    BadRequest,
    /// A login with a wrong email or password (and any other missing or ended login).
    Unauthorized,
    /// A tablet token the server does not know (another server, or its database replaced).
    DeviceUnknown,
    /// A tablet's enrolment that the coordinator revoked.
    DeviceRevoked,
    Forbidden,
    Conflict,
    TooManyAttempts,
    /// Answers or outcomes made with another partnership's key.
    WrongPartnership,
    /// A dashboard view that counts too few cases, or leaves too few out, to show safely.
    TooFewCases,
    /// More dashboard reads in an hour than one person is answered.
    TooManyReads,
    /// The server could not reach its database; nothing was stored.
    StorageUnavailable,
    /// A code this version does not know (from a newer server).
    #[serde(other)]
    Unknown,
}

/// Every refusal from the API has this shape: a short code and a sentence naming the problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ErrorCode,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_travel_as_snake_case_and_an_unknown_one_is_read_as_unknown() {
        let e = ApiError { error: ErrorCode::TooFewCases, detail: "x".into() };
        assert_eq!(serde_json::to_value(&e).unwrap()["error"], "too_few_cases");
        let newer: ApiError = serde_json::from_str(r#"{"error": "something_new", "detail": "y"}"#).unwrap();
        assert_eq!(newer.error, ErrorCode::Unknown);
    }
    use crate::AnswerValue;

    fn wire_json(face: u8) -> String {
        format!(
            r#"{{"key_fingerprint":"ab","responses":[{{"id":"6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a0001","form_id":"early-years-check","form_version":1,"lang":"en","date":"2026-11-25","answers":[{{"question_id":"home","value":{{"face":{face}}}}}],"share":false,"context":{}}}]}}"#,
            context_json()
        )
    }

    fn context_json() -> String {
        serde_json::to_string(&CaseContext::example(3)).unwrap()
    }

    #[test]
    fn a_case_reference_or_a_name_cannot_pass_for_a_pseudonym() {
        let raw_ref = wire_json(2).replace(&CaseContext::example(3).case.to_string(), "EH-2024-00123");
        assert!(check(&raw_ref).iter().all(|c| matches!(c, Checked::Rejected { reason, .. } if reason.starts_with("responses[0].context.case"))));
        let with_name = wire_json(2).replace(r#""stage":"start""#, r#""stage":"start","first_name":"Sam""#);
        assert!(matches!(&check(&with_name)[0], Checked::Rejected { reason, .. } if reason.contains("unknown field `first_name`")));
    }

    fn check(json: &str) -> Vec<Checked> {
        serde_json::from_str::<IncomingBatch>(json).unwrap().check(&Catalogue::built_in()).unwrap()
    }

    fn base() -> Response {
        match check(&wire_json(1)).remove(0) {
            Checked::Valid(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_batch_from_the_device_decodes_and_checks() {
        let Checked::Valid(r) = check(&wire_json(3)).remove(0) else { panic!() };
        assert_eq!(r.answers[0].value, AnswerValue::Face(3));
        assert_eq!(r.date.to_string(), "2026-11-25");
    }

    fn rejection(json: &str) -> String {
        match check(json).remove(0) {
            Checked::Rejected { reason, id } => {
                assert_eq!(id, Some(Uuid::parse_str("6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a0001").unwrap()));
                reason
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_broken_rule_is_located_in_the_batch() {
        assert_eq!(rejection(&wire_json(5)), "responses[0].answers[0].value: face must be 1 to 3, got 5");
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        // A field the protocol does not know, such as a name, must never be accepted silently.
        let with_name = wire_json(2).replacen(r#""date""#, r#""child_name":"Sam","date""#, 1);
        assert!(rejection(&with_name).contains("unknown field `child_name`"));
    }

    #[test]
    fn a_time_of_day_is_refused_at_its_field() {
        let with_time = wire_json(2).replace("2026-11-25", "2026-11-25T09:30:00Z");
        assert!(rejection(&with_time).starts_with("responses[0].date: "));
    }

    #[test]
    fn a_badly_typed_answer_is_named_by_its_path() {
        let bad = wire_json(2).replace(r#"{"face":2}"#, r#"{"smile":2}"#);
        assert!(rejection(&bad).starts_with("responses[0].answers[0].value: unknown variant `smile`"), "{}", rejection(&bad));
    }

    #[test]
    fn too_many_responses_in_one_batch_are_refused() {
        let item: serde_json::Value = serde_json::from_str::<IncomingBatch>(&wire_json(1)).unwrap().responses.remove(0);
        let big = IncomingBatch { key_fingerprint: "ab".into(), responses: vec![item; MAX_BATCH_RESPONSES + 1] };
        assert_eq!(big.check(&Catalogue::built_in()).unwrap_err().path, "responses");
    }

    #[test]
    fn what_leaves_the_tablet_holds_no_unshared_words_and_keeps_skips() {
        let mut r = Response { answers: vec![], ..base() };
        r.form_id = FormId("teen-check".into());
        r.share = false;
        r.set_answer("not_working", crate::AnswerValue::Text("my stepdad shouts".into()));
        r.set_answer("overall", crate::AnswerValue::Skipped);
        let json = serde_json::to_string(&batches("ab", &[r])[0]).unwrap();
        assert!(!json.contains("stepdad"), "{json}");
        assert!(json.contains(r#""value":"own_words""#) && json.contains(r#""value":"skipped""#), "{json}");
        let back = serde_json::from_str::<IncomingBatch>(&json).unwrap().check(&Catalogue::built_in()).unwrap();
        assert!(matches!(&back[0], Checked::Valid(r) if r.answer("overall") == Some(&crate::AnswerValue::Skipped)), "{back:?}");
    }

    #[test]
    fn batches_are_bounded_by_count_and_bytes_and_keep_order() {
        let base = base();
        let many: Vec<Response> = (0..450u128).map(|i| Response { id: Uuid::from_u128(i), ..base.clone() }).collect();
        let sizes: Vec<usize> = batches("ab", &many).iter().map(|b| b.responses.len()).collect();
        assert_eq!(sizes, [200, 200, 50]);
        let words = "w".repeat(300_000);
        let big: Vec<Response> = (0..5u128)
            .map(|i| Response { id: Uuid::from_u128(i), answers: vec![], ..base.clone() })
            .map(|mut r| {
                r.form_id = FormId("teen-check".into());
                r.share = true;
                r.set_answer("working", crate::AnswerValue::Text(words.clone()));
                r
            })
            .collect();
        let split = batches("ab", &big);
        assert_eq!(split.iter().map(|b| b.responses.len()).collect::<Vec<_>>(), [3, 2]);
        let ids: Vec<Uuid> = split.iter().flat_map(|b| b.responses.iter().map(|r| r.id)).collect();
        assert_eq!(ids, (0..5u128).map(Uuid::from_u128).collect::<Vec<_>>());
        assert!(split.iter().all(|b| serde_json::to_vec(b).unwrap().len() <= MAX_BATCH_BYTES + 64));
    }

    #[test]
    fn the_decoder_never_panics_on_mangled_batches() {
        // Mutation fuzzing, natively: flip, drop, duplicate and insert bytes of a valid batch
        // (with a drawing and words in it) many thousands of times; decoding and checking
        // must answer every input without panicking.
        let drawing = crate::Drawing {
            width: 100,
            height: 100,
            strokes: vec![crate::drawing::Stroke {
                colour: 1,
                brush: 0,
                eraser: false,
                points: (0..20).map(|i| crate::drawing::Point { x: i * 3, y: i * 2, pressure: 128 }).collect(),
            }],
        };
        let mut r = base();
        r.form_id = FormId("middle-check".into());
        // Shared: words and drawings of a response not shared are refused before any is read.
        r.share = true;
        r.answers.clear();
        r.set_answer("words", AnswerValue::Text("hello".into()));
        r.set_answer("houses", AnswerValue::Houses(crate::Houses { worries: crate::House { drawing: Some(drawing), words: None }, ..Default::default() }));
        let valid = serde_json::to_vec(&SubmitBatch { key_fingerprint: "ab".into(), responses: vec![ResponseV1::from(&r)] }).unwrap();
        let catalogue = Catalogue::built_in();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut decoded = 0;
        for _ in 0..20_000 {
            let mut bytes = valid.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % bytes.len().max(1);
                match next() % 4 {
                    0 => bytes[at] = next() as u8,
                    1 => {
                        bytes.remove(at);
                    }
                    2 => bytes.insert(at, bytes[at]),
                    _ => bytes.insert(at, b"{}[]\",:0e-\"u"[(next() % 12) as usize]),
                }
            }
            if let Ok(batch) = serde_json::from_slice::<IncomingBatch>(&bytes) {
                if batch.check(&catalogue).is_ok() {
                    decoded += 1;
                }
            }
        }
        assert!(decoded > 100, "the mutations still reach the checks sometimes ({decoded})");
    }

    #[test]
    fn only_accepted_or_already_held_items_leave_the_outbox() {
        assert!(ItemStatus::Accepted.is_confirmed());
        assert!(ItemStatus::AlreadyHad.is_confirmed());
        assert!(!ItemStatus::Conflict.is_confirmed());
        assert!(!ItemStatus::Rejected.is_confirmed());
    }
}
