//! API types for enrolling devices and for the partnership's staff (coordinators and
//! analysts). Like `wire`, these are the only definitions of what crosses the network.

use serde::{Deserialize, Serialize};

pub const ENROL_PATH: &str = "/api/v1/enrol";
pub const LOGIN_PATH: &str = "/api/v1/login";
pub const LOGOUT_PATH: &str = "/api/v1/logout";
pub const ME_PATH: &str = "/api/v1/me";
pub const AGENCIES_PATH: &str = "/api/v1/agencies";
pub const ENROLMENT_CODES_PATH: &str = "/api/v1/enrolment-codes";
pub const DEVICES_PATH: &str = "/api/v1/devices";
pub const USERS_PATH: &str = "/api/v1/users";
pub const AUDIT_PATH: &str = "/api/v1/audit";
/// `POST`: a coordinator erases one case at a family's request (`EraseCase`); the pseudonym
/// travels in the body, never in an address a proxy would log.
pub const ERASE_CASE_PATH: &str = "/api/v1/cases/erase";
/// `GET`, and `POST` for a coordinator: how long a case's answers are kept (`Retention`).
pub const RETENTION_PATH: &str = "/api/v1/retention";
/// `GET` for a coordinator: the copies tablets sent with other content under an id already held
/// (`ConflictV1`); `POST {CONFLICTS_PATH}/{id}/discard` discards one.
pub const CONFLICTS_PATH: &str = "/api/v1/conflicts";
/// Conflicting copies kept per partnership at most; more are answered `conflict` and not kept.
pub const MAX_CONFLICTS_KEPT: u64 = 500;
/// The retention periods a partnership may choose, in months after a case's last activity.
pub const RETENTION_CHOICES: [u32; 6] = [12, 24, 36, 60, 84, 120];
/// `POST`: creates a partnership with a one-time setup code; answers like a login.
pub const PARTNERSHIPS_PATH: &str = "/api/v1/partnerships";
/// `POST` for a coordinator: the partnership starts a new key (`NewKey`).
pub const KEYS_PATH: &str = "/api/v1/keys";
/// `POST` for a coordinator: links between cases' pseudonyms under the key in use and under an
/// earlier one (`KeyLinks`), so each case stays one case.
pub const KEY_LINKS_PATH: &str = "/api/v1/keys/links";
/// Links taken in one request at most.
pub const MAX_KEY_LINKS: usize = 1000;
/// Header carrying the session's CSRF token on every request that changes something.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "heard_session";

/// A device exchanging its one-time code (never the text's secret) for a token and the sealed
/// partnership key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub code: String,
    /// Random, made by the tablet once and sent with every try of one enrolment: if the reply
    /// is lost, the same code and id enrol the same device again (`ENROL_RETRY_SECS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolment_id: Option<String>,
}

/// How long after a code is spent the tablet that spent it may ask again, with the same
/// enrolment id, while its device has not been used.
pub const ENROL_RETRY_SECS: i64 = 15 * 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolReply {
    /// Bearer token for this device; the server keeps only its hash.
    pub device_token: String,
    pub agency: String,
    pub partnership: String,
    /// SHA-256 of the partnership key, hex: the device checks the key it opens matches.
    pub key_fingerprint: String,
    /// The partnership key, sealed under the one-time secret of the enrolment text: given once
    /// (and again to the same enrolment within `ENROL_RETRY_SECS`), then deleted.
    pub sealed_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sets up agencies and devices, imports outcomes, reads and exports.
    Coordinator,
    /// Reads the dashboard; changes nothing.
    Analyst,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Analyst => "analyst",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "coordinator" => Some(Role::Coordinator),
            "analyst" => Some(Role::Analyst),
            _ => None,
        }
    }
}

/// Who is logged in, and the CSRF token their changes must carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub role: Role,
    pub partnership: String,
    /// SHA-256 (hex) of the partnership key: the coordinator's browser checks the key it
    /// holds (or restores from the backup file) against it.
    pub key_fingerprint: String,
    pub csrf_token: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    School,
    Health,
    EarlyHelp,
    Police,
    Housing,
    VoluntarySector,
    SocialCare,
    Other,
}

impl AgencyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::School => "school",
            AgencyKind::Health => "health",
            AgencyKind::EarlyHelp => "early_help",
            AgencyKind::Police => "police",
            AgencyKind::Housing => "housing",
            AgencyKind::VoluntarySector => "voluntary_sector",
            AgencyKind::SocialCare => "social_care",
            AgencyKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AgencyKind> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAgency {
    pub name: String,
    pub kind: AgencyKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyV1 {
    pub id: String,
    pub name: String,
    pub kind: AgencyKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEnrolmentCode {
    pub agency_id: String,
    /// The partnership key sealed under the code's one-time secret, in the coordinator's
    /// browser (`enrolment::is_sealed_key`); released once, to the tablet that spends the code.
    pub sealed_key: String,
}

/// A fresh one-time code. The coordinator's browser adds the one-time secret it sealed the
/// key under to make the text a practitioner enters (`enrolment::EnrolmentText`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentCodeV1 {
    /// As shown: `ABCDE-FGHJK`.
    pub code: String,
    pub agency: String,
    /// Unix seconds after which the code no longer works.
    pub expires_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceV1 {
    pub id: String,
    pub agency: String,
    pub enrolled_at: i64,
    pub last_sync_at: Option<i64>,
    pub revoked: bool,
}

/// A staff account of the partnership, as its coordinators see it (`GET` `USERS_PATH`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserV1 {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryV1 {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

/// A new partnership, made in the coordinator's browser: the key stays there; only its
/// fingerprint comes here, with the first coordinator's login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPartnership {
    /// The one-time code whoever runs the server made (`heard-server --new-partnership-code`).
    pub setup_code: String,
    pub name: String,
    /// SHA-256 (hex) of the partnership key.
    pub key_fingerprint: String,
    pub email: String,
    pub password: String,
}

/// A new partnership key, made in the coordinator's browser: its fingerprint, and the key sealed
/// under a key derived from the one in use (`enrolment::is_sealed_key`; opened by tablets that
/// hold the key in use on their next contact). The key itself never comes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// The key in use, as the coordinator's backup file holds it.
    pub from_fingerprint: String,
    pub fingerprint: String,
    pub sealed_key: String,
}

/// One step from a key to the key that followed it, as tablets receive it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewKeyV1 {
    pub from: String,
    pub to: String,
    /// `to`'s key, sealed under a key derived from `from`'s.
    pub sealed_key: String,
}

/// A case's pseudonym under an earlier key and under the key in use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyLink {
    pub old: crate::case::Pseudonym,
    pub new: crate::case::Pseudonym,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyLinks {
    pub links: Vec<KeyLink>,
}

/// What a batch of links did: links new to the server, and answers and outcomes that were
/// stored under a newer pseudonym and now count with the case's first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Linked {
    pub linked: u64,
    pub moved: u64,
}

/// Whether `text` is a SHA-256 fingerprint as Heard writes them: 64 lower-case hex digits.
pub fn is_fingerprint(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Longest email address the server accepts anywhere (RFC 5321's limit on a path).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest password the server reads: far past any passphrase, short of a hashing flood.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Whether `text` could be an id the server gave out (an agency, device or account: a UUID),
/// checked before any lookup so a hostile value never reaches the database.
pub fn is_id(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Shortest password a coordinator may set for a staff account.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A case to erase: its pseudonym, made in the coordinator's browser from the reference typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EraseCase {
    pub case: crate::case::Pseudonym,
}

/// What an erasure deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erased {
    pub responses: u64,
    pub outcomes: u64,
    /// Conflicting copies of its responses or outcomes.
    pub conflicts: u64,
}

/// How long a partnership keeps a case's answers after its last activity, in months; then they
/// are deleted and only the dashboard's protected counts stay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    pub months: u32,
}

/// A copy a tablet sent with other content under an id already held: what it is a copy of and
/// which parts differ, never what either says (the first stays; a copy can only be discarded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictV1 {
    pub id: String,
    /// `response` or `outcome`.
    pub kind: String,
    /// The day the latest copy arrived, `2026-11-25`.
    pub received_on: String,
    /// The top-level fields that differ from what is held: `answers`, `share`, `date`, ...
    pub differs: Vec<String>,
}
