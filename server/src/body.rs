//! `JsonBody<T>`: the one way API handlers read a JSON body. It enforces the body limit,
//! asks for `Content-Type: application/json`, refuses text no database can store (U+0000),
//! and names the field that failed to decode.

use crate::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

pub struct JsonBody<T>(pub T);

/// Every API request passes here before its handler: an address holding U+0000 (`%00`, in the
/// path or the query) is refused with a 400, like a body holding it, and so is a body sent
/// with a `Content-Encoding` the server does not decode (415): a gzip body read as plain
/// JSON would be refused as garbage at best, and never decoded past the size limit.
pub async fn screen(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let address = request.uri().path_and_query().map_or("", |p| p.as_str());
    if address.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
        let part = if request.uri().path().contains("%00") { "path" } else { "query" };
        return AppError::BadRequest(format!("the address's {part} holds %00 (the character U+0000), which Heard does not accept")).into_response();
    }
    for coding in request.headers().get_all(header::CONTENT_ENCODING) {
        let plain = coding.to_str().is_ok_and(|c| c.split(',').all(|c| c.trim().is_empty() || c.trim().eq_ignore_ascii_case("identity")));
        if !plain {
            return AppError::UnsupportedEncoding(String::from_utf8_lossy(coding.as_bytes()).chars().take(40).collect()).into_response();
        }
    }
    next.run(request).await
}

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
        if let Some(field) = field_with_nul(&bytes) {
            return Err(AppError::BadBody(format!("{field}: holds the character U+0000 (NUL), which Heard does not accept in any text")));
        }
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

/// The path of the first string (value or key) in a JSON body that holds U+0000, which
/// PostgreSQL cannot store in text (SQLite can; both refuse it the same way, here). JSON can
/// only carry it escaped, so bodies without `u0000` are passed over without a second parse.
fn field_with_nul(bytes: &[u8]) -> Option<String> {
    let escaped = bytes.windows(5).any(|w| w.eq_ignore_ascii_case(b"u0000"));
    if !escaped {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    fn walk(v: &serde_json::Value, path: &mut String) -> bool {
        match v {
            serde_json::Value::String(s) => s.contains('\0'),
            serde_json::Value::Array(items) => items.iter().enumerate().any(|(n, item)| {
                let len = path.len();
                path.push_str(&format!("[{n}]"));
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            serde_json::Value::Object(fields) => fields.iter().any(|(key, item)| {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key.replace('\0', "\\u0000"));
                let found = key.contains('\0') || walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(&value, &mut path).then(|| if path.is_empty() { ".".to_string() } else { path })
}
