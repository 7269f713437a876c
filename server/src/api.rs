//! `/api/v1`: devices post batches of responses; the coordinator reads counts.

use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use heard_domain::wire::{BatchReply, Stats, SubmitBatch, MAX_BODY_BYTES, RESPONSES_PATH, STATS_PATH};

pub fn routes() -> Router<AppState> {
    let api = Router::new()
        .route(RESPONSES_PATH, post(submit_responses))
        .route(STATS_PATH, get(stats))
        // The limit applies while the body is read, so an oversized upload is cut off
        // early instead of being buffered whole.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed });
    // Unknown paths under /api get a JSON 404, never the app's index.html.
    let api_fallback = Router::new().route("/api/{*rest}", axum::routing::any(api_not_found));
    api.merge(api_fallback)
}

async fn api_not_found(uri: Uri) -> AppError {
    AppError::NotFound(uri.path().to_string())
}

/// Decodes, checks and stores a batch. A batch that breaks any rule is refused whole
/// (4xx, nothing stored); a valid one gets one result per response.
async fn submit_responses(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<BatchReply>, AppError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::UnreadableBody(e.body_text())
        }
    })?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        return Err(AppError::NotJson);
    }
    let batch: SubmitBatch = serde_json::from_slice(&body).map_err(|e| AppError::MalformedJson(e.to_string()))?;
    let responses = batch.into_responses(&state.catalogue)?;
    let results = state.db.store_responses(&responses).await?;
    Ok(Json(BatchReply { results }))
}

async fn stats(State(state): State<AppState>) -> Result<Json<Stats>, AppError> {
    Ok(Json(Stats { responses: state.db.count_responses().await? }))
}
