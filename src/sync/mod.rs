//! The only module that talks to the server (with `gloo-net`): here the request and what its
//! failures mean; `tablet` enrols the tablet and sends pending responses in batches (removing
//! exactly those the server confirmed), `auto` sends by itself, `staff` is the coordinator's API.

use crate::store::{Store, StoreError, StoredOutcome, Waiting};
use gloo_net::http::Request;
use heard_domain::access::{EnrolReply, EnrolRequest, LoginRequest, Me, CSRF_HEADER, ENROL_PATH, LOGIN_PATH, LOGOUT_PATH, ME_PATH};
use heard_domain::wire::{
    batches, ApiError, BatchReply, ErrorCode, FormsReply, ItemStatus, Stats, SubmitOutcomes, FORMS_PATH, MAX_BATCH_RESPONSES, OUTCOMES_PATH, RESPONSES_PATH,
    STATS_PATH,
};
use uuid::Uuid;

mod auto;
mod staff;
mod tablet;

pub use auto::*;
pub use staff::*;
pub use tablet::*;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SendReport {
    /// Responses the server now holds (stored now, or already had).
    pub confirmed: usize,
    /// Responses the server refused to store because it holds a different one under the id.
    pub conflicts: usize,
    /// Responses the server rejected as breaking a rule, and the first reason it gave.
    pub rejected: usize,
    pub first_reason: Option<String>,
    /// Case outcomes the server now holds.
    pub outcomes_confirmed: usize,
    /// Case outcomes kept on the tablet that cannot be read, so are not sent.
    pub outcomes_unreadable: usize,
    /// The partnership's forms the tablet could not use, and why (see `forms::keep`).
    pub forms_refused: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Offline, server down, the connection dropped, or something else answered in its place
    /// (a proxy, a gateway, a Wi-Fi login page): nothing is known to have arrived.
    #[error("the server could not be reached")]
    Unreachable,
    /// The server answered with an error: its code (none when what answered was not our
    /// server's JSON) and its own explanation.
    #[error("the server refused the batch: {detail}")]
    Refused { code: Option<ErrorCode>, detail: String },
    /// The tablet has no enrolment, so it has no token to send with.
    #[error("this tablet is not enrolled")]
    NotEnrolled,
    /// The server says the caller must log in (staff) or enrol again (device).
    #[error("not allowed: {detail}")]
    NotAllowed { code: Option<ErrorCode>, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SendError {
    /// The server's refusal code; `None` when the server did not refuse.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            SendError::Refused { code, .. } | SendError::NotAllowed { code, .. } => *code,
            _ => None,
        }
    }
}

impl SendReport {
    /// Whether anything left the outbox or was marked refused in it.
    pub fn changed_outbox(&self) -> bool {
        self.confirmed + self.outcomes_confirmed + self.rejected + self.conflicts > 0
    }
}

thread_local! {
    static ON_LOGGED_OUT: std::cell::RefCell<Option<std::rc::Rc<dyn Fn()>>> = const { std::cell::RefCell::new(None) };
}

/// For the coordinator's app: `f` runs whenever the server answers that nobody is logged in
/// (401), e.g. after the session ran out while the page stayed open.
pub fn on_logged_out(f: impl Fn() + 'static) {
    ON_LOGGED_OUT.with_borrow_mut(|h| *h = Some(std::rc::Rc::new(f)));
}

fn refusal(status: u16, body: Option<&str>) -> SendError {
    if status == 401 {
        if let Some(hook) = ON_LOGGED_OUT.with_borrow(Clone::clone) {
            hook();
        }
    }
    match body.and_then(|b| crate::json::from_str::<ApiError>(b).ok()) {
        Some(e) if status == 401 || status == 403 => SendError::NotAllowed { code: Some(e.error), detail: e.detail },
        Some(e) => SendError::Refused { code: Some(e.error), detail: e.detail },
        // Not our server's JSON, from a gateway (5xx), a Wi-Fi login page (403, 511), a proxy
        // wanting its own login (407) or no Heard behind it (404): the server was not reached,
        // and saying the code or the answers were refused would send the practitioner looking
        // for a mistake that is not there.
        None if status >= 500 || matches!(status, 403 | 404 | 407 | 511) => SendError::Unreachable,
        // Any other (a proxy's 413 for a batch larger than it allows): refused, with its number
        // for whoever sets the proxy up.
        None => SendError::Refused { code: None, detail: format!("HTTP {status}") },
    }
}

/// Sends a JSON request and reads a JSON reply (`crate::json`), turning failures into `SendError`s.
/// No answer at all (offline, connection refused or dropped) is `Unreachable`.
async fn exchange<T: serde::de::DeserializeOwned>(request: Result<Request, gloo_net::Error>) -> Result<T, SendError> {
    let request = request.map_err(|e| SendError::Refused { code: None, detail: e.to_string() })?;
    let response = request.send().await.map_err(|_| SendError::Unreachable)?;
    let (status, body) = (response.status(), response.text().await.ok());
    if (200..300).contains(&status) {
        // A 2xx whose body is not a reply (e.g. a captive portal) confirms nothing.
        body.and_then(|b| crate::json::from_str::<T>(&b).ok()).ok_or(SendError::Unreachable)
    } else {
        Err(refusal(status, body.as_deref()))
    }
}
