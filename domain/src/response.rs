//! A child's response to one form: the answers they gave, on the day they gave them.

use crate::{Day, FormId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One completed (or partly completed) form. The id is generated on the device, so a
/// resend of the same response is recognised wherever it arrives.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub id: Uuid,
    pub form_id: FormId,
    pub form_version: u32,
    pub date: Day,
    pub answers: Vec<Answer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub question_id: String,
    pub value: AnswerValue,
}

/// What the child chose. Written on the wire as `{"face": 3}` or `"declined"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AnswerValue {
    /// The n-th face, 1 being the saddest.
    Face(u8),
    /// "I don't want to answer": a choice the child is always offered and that is respected.
    Declined,
}
