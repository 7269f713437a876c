//! One error type for the API: every failure leaves as JSON `{"error", "detail"}` with the
//! right status. Details name the problem in the request, never personal data.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use heard_domain::wire::{codes, ApiError, MAX_BODY_BYTES};
use heard_domain::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request body is not valid JSON for this endpoint: {0}")]
    MalformedJson(String),
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    #[error("the request body is larger than the {MAX_BODY_BYTES} bytes this endpoint reads")]
    TooLarge,
    #[error("the request body could not be read: {0}")]
    UnreadableBody(String),
    #[error("send the body as JSON with the header Content-Type: application/json")]
    NotJson,
    #[error("the body is sent with Content-Encoding {0:?}, which this server does not decode; send it uncompressed")]
    UnsupportedEncoding(String),
    #[error("the request did not arrive whole within {0} seconds; send it again")]
    TooSlow(u64),
    #[error("the server is busy checking other logins; try again in a moment")]
    Busy,
    #[error("no such endpoint: {0}")]
    NotFound(String),
    #[error("this endpoint does not accept that method")]
    MethodNotAllowed,
    #[error("{0}")]
    BadBody(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Missing(String),
    #[error("{0}")]
    Conflict(String),
    #[error("this tablet's token is not known here; enrol it again")]
    DeviceUnknown,
    #[error("the coordinator revoked this tablet's enrolment; enrol it again with a new code")]
    DeviceRevoked,
    #[error("too many failed logins for this account from here; wait 15 minutes and try again")]
    TooManyAttempts,
    #[error("too many failed logins for this account; wait 15 minutes and try again")]
    AccountWaits,
    #[error("too many failed attempts from here; wait 15 minutes and try again")]
    SourceWaits,
    #[error("these outcomes were pseudonymised with another partnership's key; restore your partnership's key from its backup file and import again")]
    WrongPartnershipImport,
    #[error("these responses were prepared with another partnership's key; enrol this tablet again with a code from your coordinator")]
    WrongPartnership,
    #[error("{0}")]
    TooFewCases(String),
    #[error("you have read the dashboard {0} times in the last hour, the most it answers one person; wait a while and try again")]
    TooManyReads(u64),
    #[error("the server could not reach its database; nothing was stored, try again later")]
    Storage(#[source] sqlx::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Storage(e)
    }
}

impl From<crate::db::DashboardError> for AppError {
    fn from(e: crate::db::DashboardError) -> Self {
        match e {
            crate::db::DashboardError::TooFew(why) => AppError::TooFewCases(why.to_string()),
            crate::db::DashboardError::Storage(e) => AppError::Storage(e),
        }
    }
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            AppError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            AppError::UnreadableBody(_) => (StatusCode::BAD_REQUEST, "unreadable_body"),
            AppError::NotJson => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_json"),
            AppError::UnsupportedEncoding(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_encoding"),
            AppError::TooSlow(_) => (StatusCode::REQUEST_TIMEOUT, "too_slow"),
            AppError::Busy => (StatusCode::TOO_MANY_REQUESTS, "busy"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::BadBody(_) => (StatusCode::BAD_REQUEST, "invalid_body"),
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED),
            AppError::DeviceUnknown => (StatusCode::UNAUTHORIZED, codes::DEVICE_UNKNOWN),
            AppError::DeviceRevoked => (StatusCode::FORBIDDEN, codes::DEVICE_REVOKED),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::Missing(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::TooManyAttempts | AppError::AccountWaits | AppError::SourceWaits => (StatusCode::TOO_MANY_REQUESTS, codes::TOO_MANY_ATTEMPTS),
            AppError::WrongPartnership => (StatusCode::FORBIDDEN, codes::WRONG_PARTNERSHIP),
            AppError::WrongPartnershipImport => (StatusCode::BAD_REQUEST, codes::WRONG_PARTNERSHIP),
            AppError::TooFewCases(_) => (StatusCode::UNPROCESSABLE_ENTITY, codes::TOO_FEW_CASES),
            AppError::TooManyReads(_) => (StatusCode::TOO_MANY_REQUESTS, codes::TOO_MANY_READS),
            AppError::Storage(_) => (StatusCode::SERVICE_UNAVAILABLE, codes::STORAGE_UNAVAILABLE),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let AppError::Storage(e) = &self {
            // The sqlx error names tables and constraints, never request bodies.
            tracing::error!(error = %e, "storage error");
        }
        let body = ApiError { error: code.to_string(), detail: self.to_string() };
        (status, Json(body)).into_response()
    }
}
