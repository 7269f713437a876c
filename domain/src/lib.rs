//! Heard's domain: what a form is, what a child's answer is, the rules a response must
//! keep, and the wire protocol between device and server.
//!
//! Architecture invariant: this crate does no I/O and knows nothing of browsers, HTTP
//! servers or databases (no web-sys, no sqlx, no tokio). It builds for wasm32 and the
//! host alike, so the app and the server apply exactly the same rules.

pub mod access;
pub mod b64;
pub mod case;
pub mod catalogue;
pub mod dashboard;
pub mod day;
pub mod disclosure;
pub mod drawing;
pub mod enrolment;
pub mod form;
pub mod i18n;
pub mod import;
pub mod outbox;
pub mod pin;
pub mod redact;
pub mod response;
pub mod synthetic;
pub mod validate;
pub mod wire;

pub use catalogue::Catalogue;
pub use day::Day;
pub use drawing::Drawing;
pub use form::{AgeBand, Form, FormId, Purpose, Question, QuestionKind};
pub use i18n::{Lang, Text, UiStrings};
pub use response::{Answer, AnswerValue, Helper, House, Houses, Response, Tally, YesNo};
pub use validate::{Rule, ValidationError};
