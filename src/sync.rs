//! The only module that talks to the server: sends pending responses in batches and
//! removes from the tablet exactly those the server confirmed.

use crate::store::{Store, StoreError};
use gloo_net::http::Request;
use heard_domain::wire::{batches, ApiError, BatchReply, ItemStatus, Stats, SubmitBatch, RESPONSES_PATH, STATS_PATH};
use uuid::Uuid;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SendReport {
    /// Responses the server now holds (stored now, or already had).
    pub confirmed: usize,
    /// Responses the server refused to store because it holds a different one under the id.
    pub conflicts: usize,
    /// Responses the server rejected as breaking a rule, and the first reason it gave.
    pub rejected: usize,
    pub first_reason: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Offline, server down, or the connection dropped: nothing is known to have arrived.
    #[error("the server could not be reached")]
    Unreachable,
    /// The server answered with an error; `detail` is its own explanation.
    #[error("the server refused the batch: {detail}")]
    Refused { detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sends everything pending. Each batch that the server confirms is removed at once, so an
/// interruption part-way leaves only unconfirmed responses pending.
pub async fn send_pending(store: &Store) -> Result<SendReport, SendError> {
    let pending = store.pending().await?;
    let mut report = SendReport::default();
    for batch in batches(&pending) {
        let reply = post_batch(&batch).await?;
        let confirmed: Vec<Uuid> = reply.results.iter().filter(|r| r.status.is_confirmed()).filter_map(|r| r.id).collect();
        report.confirmed += confirmed.len();
        for r in &reply.results {
            match r.status {
                ItemStatus::Conflict => report.conflicts += 1,
                ItemStatus::Rejected => {
                    report.rejected += 1;
                    if report.first_reason.is_none() {
                        report.first_reason = r.reason.clone();
                    }
                }
                ItemStatus::Accepted | ItemStatus::AlreadyHad => {}
            }
        }
        store.remove_confirmed(&confirmed).await?;
    }
    Ok(report)
}

async fn post_batch(batch: &SubmitBatch) -> Result<BatchReply, SendError> {
    let request = Request::post(RESPONSES_PATH).json(batch).map_err(|e| SendError::Refused { detail: e.to_string() })?;
    let response = request.send().await.map_err(|_| SendError::Unreachable)?;
    if response.ok() {
        // A 2xx whose body is not a reply (e.g. a captive portal) confirms nothing.
        response.json::<BatchReply>().await.map_err(|_| SendError::Unreachable)
    } else {
        Err(refusal(response).await)
    }
}

async fn refusal(response: gloo_net::http::Response) -> SendError {
    let status = response.status();
    match response.json::<ApiError>().await {
        Ok(e) => SendError::Refused { detail: e.detail },
        // Not our server's JSON: a proxy or gateway between us and it (e.g. 502) is as good as unreachable.
        Err(_) if status >= 500 => SendError::Unreachable,
        Err(_) => SendError::Refused { detail: format!("HTTP {status}") },
    }
}

/// How many responses the server holds.
pub async fn fetch_stats() -> Result<Stats, SendError> {
    let response = Request::get(STATS_PATH).send().await.map_err(|_| SendError::Unreachable)?;
    if response.ok() {
        response.json::<Stats>().await.map_err(|_| SendError::Unreachable)
    } else {
        Err(refusal(response).await)
    }
}
