//! `/api/v1`: devices post batches of responses; the coordinator reads counts.

use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use heard_domain::wire::{BatchReply, Checked, IncomingBatch, ItemResult, ItemStatus, Stats, MAX_BODY_BYTES, RESPONSES_PATH, STATS_PATH};

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

/// Decodes, checks and stores a batch, answering each response separately: accepted,
/// already had, conflict, or rejected with the field and rule it broke. A body that is not
/// a batch at all (bad JSON, wrong shape, too large, too many responses) is refused whole
/// with a 4xx and nothing is stored.
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
    let batch: IncomingBatch = serde_json::from_slice(&body).map_err(|e| AppError::MalformedJson(e.to_string()))?;
    let checked = batch.check(&state.catalogue)?;
    let valid: Vec<_> = checked.iter().filter_map(|c| if let Checked::Valid(r) = c { Some(r.clone()) } else { None }).collect();
    let mut stored = state.db.store_responses(&valid).await?.into_iter();
    let results = checked
        .into_iter()
        .map(|c| match c {
            Checked::Valid(_) => stored.next().expect("one stored result per valid response"),
            Checked::Rejected { id, reason } => ItemResult { id, status: ItemStatus::Rejected, reason: Some(reason) },
        })
        .collect();
    Ok(Json(BatchReply { results }))
}

async fn stats(State(state): State<AppState>) -> Result<Json<Stats>, AppError> {
    Ok(Json(Stats { responses: state.db.count_responses().await? }))
}
