//! `JsonBody<T>`: the one way API handlers read a JSON body. It enforces the body limit,
//! asks for `Content-Type: application/json`, and names the field that failed to decode.

use crate::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
        if !is_json {
            return Err(AppError::NotJson);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::UnreadableBody(e.body_text())
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let problem = if path == "." { e.inner().to_string() } else { format!("{path}: {}", e.inner()) };
            if e.inner().is_data() {
                // Well-formed JSON that does not fit: name the field.
                AppError::BadBody(problem)
            } else {
                AppError::MalformedJson(problem)
            }
        })?;
        de.end().map_err(|e| AppError::MalformedJson(e.to_string()))?;
        Ok(JsonBody(value))
    }
}
