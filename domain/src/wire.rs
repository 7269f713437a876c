//! Protocol v1: the only definition of what travels between a device and the server.
//!
//! Architecture invariant: wire types are separate from the domain `Response` and from
//! the app's stored records; conversions are explicit, so a field added to one never
//! leaks into another by accident. Every wire struct refuses unknown fields.

use crate::validate::{check_response, ValidationError};
use crate::{Answer, Catalogue, Day, FormId, Lang, Response};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a device posts a batch of responses.
pub const RESPONSES_PATH: &str = "/api/v1/responses";
/// Where the coordinator reads how many responses the server holds.
pub const STATS_PATH: &str = "/api/v1/stats";
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
        }
    }
}

impl SubmitBatch {
    /// Checks the whole batch and turns it into domain responses. The first broken rule
    /// is returned with its full path (`responses[3].answers[0].value`), so the refusal
    /// names exactly what was wrong.
    pub fn into_responses(self, catalogue: &Catalogue) -> Result<Vec<Response>, ValidationError> {
        if self.responses.len() > MAX_BATCH_RESPONSES {
            return Err(ValidationError::new(
                "responses",
                format!("at most {MAX_BATCH_RESPONSES} responses per batch, got {}", self.responses.len()),
            ));
        }
        self.responses
            .into_iter()
            .enumerate()
            .map(|(i, w)| {
                let r = Response {
                    id: w.id,
                    form_id: w.form_id,
                    form_version: w.form_version,
                    lang: w.lang,
                    date: w.date,
                    answers: w.answers,
                    share: w.share,
                };
                check_response(catalogue, &r).map(|()| r).map_err(|e| e.within(&format!("responses[{i}]")))
            })
            .collect()
    }
}

/// Splits responses into batches bounded by count and by bytes, in order. A response larger
/// than the byte bound on its own travels alone (the server's body limit is far higher).
pub fn batches(responses: &[Response]) -> Vec<SubmitBatch> {
    let mut out = Vec::new();
    let mut current = SubmitBatch { responses: Vec::new() };
    let mut bytes = 0;
    for r in responses {
        let wire = ResponseV1::from(r);
        let size = serde_json::to_vec(&wire).map(|v| v.len()).unwrap_or(0) + 1;
        let full = current.responses.len() == MAX_BATCH_RESPONSES || (bytes + size > MAX_BATCH_BYTES && !current.responses.is_empty());
        if full {
            out.push(std::mem::replace(&mut current, SubmitBatch { responses: Vec::new() }));
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
    pub id: Uuid,
    pub status: ItemStatus,
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
}

impl ItemStatus {
    /// Whether the device may drop the response from its outbox: the server holds it.
    pub fn is_confirmed(self) -> bool {
        matches!(self, ItemStatus::Accepted | ItemStatus::AlreadyHad)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub responses: u64,
}

/// Every refusal from the API has this shape: a short code and a sentence naming the problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnswerValue;

    fn wire_json(face: u8) -> String {
        format!(
            r#"{{"responses":[{{"id":"6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a0001","form_id":"early-years-check","form_version":1,"lang":"en","date":"2026-11-25","answers":[{{"question_id":"home","value":{{"face":{face}}}}}],"share":false}}]}}"#
        )
    }

    #[test]
    fn a_batch_from_the_device_decodes_and_checks() {
        let batch: SubmitBatch = serde_json::from_str(&wire_json(3)).unwrap();
        let rs = batch.into_responses(&Catalogue::built_in()).unwrap();
        assert_eq!(rs[0].answers[0].value, AnswerValue::Face(3));
        assert_eq!(rs[0].date.to_string(), "2026-11-25");
    }

    #[test]
    fn a_broken_rule_is_located_in_the_batch() {
        let batch: SubmitBatch = serde_json::from_str(&wire_json(5)).unwrap();
        let err = batch.into_responses(&Catalogue::built_in()).unwrap_err();
        assert_eq!(err.field, "responses[0].answers[0].value");
    }

    #[test]
    fn unknown_fields_are_refused() {
        // A field the protocol does not know, such as a name, must never be accepted silently.
        let with_name = wire_json(2).replacen(r#""date""#, r#""child_name":"Sam","date""#, 1);
        let err = serde_json::from_str::<SubmitBatch>(&with_name).unwrap_err();
        assert!(err.to_string().contains("unknown field `child_name`"), "{err}");
    }

    #[test]
    fn a_time_of_day_is_refused() {
        let with_time = wire_json(2).replace("2026-11-25", "2026-11-25T09:30:00Z");
        assert!(serde_json::from_str::<SubmitBatch>(&with_time).is_err());
    }

    #[test]
    fn too_many_responses_in_one_batch_are_refused() {
        let one: SubmitBatch = serde_json::from_str(&wire_json(1)).unwrap();
        let r = one.responses[0].clone();
        let big = SubmitBatch { responses: vec![r; MAX_BATCH_RESPONSES + 1] };
        assert_eq!(big.into_responses(&Catalogue::built_in()).unwrap_err().field, "responses");
    }

    #[test]
    fn batches_are_bounded_by_count_and_bytes_and_keep_order() {
        let one: SubmitBatch = serde_json::from_str(&wire_json(1)).unwrap();
        let base = one.into_responses(&Catalogue::built_in()).unwrap().remove(0);
        let many: Vec<Response> = (0..450u128)
            .map(|i| Response { id: Uuid::from_u128(i), ..base.clone() })
            .collect();
        let sizes: Vec<usize> = batches(&many).iter().map(|b| b.responses.len()).collect();
        assert_eq!(sizes, [200, 200, 50]);
        let words = "w".repeat(300_000);
        let big: Vec<Response> = (0..5u128)
            .map(|i| Response { id: Uuid::from_u128(i), answers: vec![], ..base.clone() })
            .map(|mut r| {
                r.form_id = FormId("teen-check".into());
                r.set_answer("working", crate::AnswerValue::Text(words.clone()));
                r
            })
            .collect();
        let split = batches(&big);
        assert_eq!(split.iter().map(|b| b.responses.len()).collect::<Vec<_>>(), [3, 2]);
        let ids: Vec<Uuid> = split.iter().flat_map(|b| b.responses.iter().map(|r| r.id)).collect();
        assert_eq!(ids, (0..5u128).map(Uuid::from_u128).collect::<Vec<_>>());
        assert!(split.iter().all(|b| serde_json::to_vec(b).unwrap().len() <= MAX_BATCH_BYTES + 64));
    }

    #[test]
    fn only_accepted_or_already_held_items_leave_the_outbox() {
        assert!(ItemStatus::Accepted.is_confirmed());
        assert!(ItemStatus::AlreadyHad.is_confirmed());
        assert!(!ItemStatus::Conflict.is_confirmed());
    }
}
