//! One error type for the API: every failure leaves as JSON `{"error", "detail"}` with the
//! right status. Details name the problem in the request, never personal data.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use heard_domain::wire::{ApiError, ErrorCode, MAX_BODY_BYTES};
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
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            AppError::MalformedJson(_) => (StatusCode::BAD_REQUEST, ErrorCode::MalformedJson),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid),
            AppError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::TooLarge),
            AppError::UnreadableBody(_) => (StatusCode::BAD_REQUEST, ErrorCode::UnreadableBody),
            AppError::NotJson => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::NotJson),
            AppError::UnsupportedEncoding(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedEncoding),
            AppError::TooSlow(_) => (StatusCode::REQUEST_TIMEOUT, ErrorCode::TooSlow),
            AppError::Busy => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::Busy),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            AppError::BadBody(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidBody),
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            AppError::DeviceUnknown => (StatusCode::UNAUTHORIZED, ErrorCode::DeviceUnknown),
            AppError::DeviceRevoked => (StatusCode::FORBIDDEN, ErrorCode::DeviceRevoked),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            AppError::Missing(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            AppError::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            AppError::TooManyAttempts | AppError::AccountWaits | AppError::SourceWaits => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts),
            AppError::WrongPartnership => (StatusCode::FORBIDDEN, ErrorCode::WrongPartnership),
            AppError::WrongPartnershipImport => (StatusCode::BAD_REQUEST, ErrorCode::WrongPartnership),
            AppError::TooFewCases(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::TooFewCases),
            AppError::TooManyReads(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyReads),
            AppError::Storage(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::StorageUnavailable),
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
        let body = ApiError { error: code, detail: self.to_string() };
        (status, Json(body)).into_response()
    }
}
