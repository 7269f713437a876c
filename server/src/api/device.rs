//! What a tablet does: enrol with a one-time code, fetch its partnership's own forms, then post
//! batches of responses and outcomes.

use crate::api::staff::{login_source, ENROLMENT_ATTEMPT, MAX_SOURCE_FAILURES};
use crate::auth::{now, random_token, sha256_hex, Device, LOCKOUT_SECS};
use crate::body::JsonBody;
use crate::{AppError, AppState};
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Extension;
use axum::Json;
use heard_domain::access::{is_id, EnrolReply, EnrolRequest, ENROL_RETRY_SECS};
use heard_domain::enrolment::normalise_code;
use heard_domain::wire::{BatchReply, Checked, FormsReply, IncomingBatch, IncomingOutcomes, ItemResult, ItemStatus};
use std::net::SocketAddr;

/// Exchanges a one-time enrolment code for a device token and the partnership key sealed under
/// the text's one-time secret, which never comes here: the device opens the key and checks it
/// against the fingerprint in the reply. Asked again
/// with the same code and enrolment id (the reply was lost on the way), it answers again for
/// the same device, with a new token; never for another enrolment id.
pub async fn enrol(
    State(state): State<AppState>,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<EnrolRequest>,
) -> Result<Json<EnrolReply>, AppError> {
    let invalid =
        || AppError::BadRequest("that enrolment code is not valid: it may be mistyped, already used or expired; ask the coordinator for a new one".into());
    // Wrong codes count towards the place's limit of failed attempts (staff.rs).
    let source = login_source(&state, &headers, connection);
    let t = now();
    if state.db.failures_from_since(&source, t - LOCKOUT_SECS).await? >= MAX_SOURCE_FAILURES {
        return Err(AppError::SourceWaits);
    }
    let Some(code) = normalise_code(&req.code) else {
        state.db.record_login_failure(ENROLMENT_ATTEMPT, &source, t).await?;
        return Err(invalid());
    };
    let enrolment_id = match &req.enrolment_id {
        Some(id) if id.len() < 16 || !is_id(id) => {
            return Err(AppError::BadRequest("enrolment_id: 16 to 64 letters, digits or hyphens, made at random by the tablet".into()))
        }
        id => id.as_deref().map(|id| sha256_hex(id.as_bytes())),
    };
    let token = random_token();
    let enrolled = state.db.enrol(&sha256_hex(code.as_bytes()), enrolment_id.as_deref(), &sha256_hex(token.as_bytes()), t, ENROL_RETRY_SECS).await?;
    let Some(enrolled) = enrolled else {
        state.db.record_login_failure(ENROLMENT_ATTEMPT, &source, t).await?;
        return Err(invalid());
    };
    let detail = if enrolled.again {
        format!("device {} enrolled for {} (asked again: the first reply did not reach the tablet)", enrolled.device_id, enrolled.agency)
    } else {
        format!("device {} enrolled for {}", enrolled.device_id, enrolled.agency)
    };
    state.db.audit(&enrolled.partnership_id, "device", "device_enrolled", &detail, now()).await?;
    Ok(Json(EnrolReply {
        device_token: token,
        agency: enrolled.agency,
        partnership: enrolled.partnership,
        key_fingerprint: enrolled.key_fingerprint,
        sealed_key: enrolled.sealed_key,
    }))
}

/// Decodes, checks and stores a batch, answering each response separately: accepted,
/// already had, conflict, or rejected with the field and rule it broke. A body that is not
/// a batch at all (bad JSON, wrong shape, too large, too many responses), or one prepared
/// with another partnership's key, is refused whole with a 4xx and nothing is stored. One
/// prepared under a key the partnership used before is taken: a tablet offline since the key
/// changed still sends what it holds.
pub async fn submit_responses(
    State(state): State<AppState>,
    Device(device): Device,
    JsonBody(batch): JsonBody<IncomingBatch>,
) -> Result<Json<BatchReply>, AppError> {
    check_key(&state, &device, &batch.key_fingerprint).await?;
    let checked = batch.check(state.db.catalogue())?;
    let valid: Vec<_> = checked.iter().filter_map(|c| if let Checked::Valid(r) = c { Some(r.clone()) } else { None }).collect();
    let mut stored = state.db.store_responses(&device, &valid).await?.into_iter();
    state.db.touch_device(&device.id, now()).await?;
    let results = checked
        .into_iter()
        .map(|c| match c {
            Checked::Valid(_) => stored.next().expect("one stored result per valid response"),
            Checked::Rejected { id, reason } => ItemResult { id, status: ItemStatus::Rejected, reason: Some(reason) },
        })
        .collect();
    Ok(Json(BatchReply { results }))
}

/// Stores case outcomes recorded on a device, each answered on its own like responses.
pub async fn submit_outcomes(
    State(state): State<AppState>,
    Device(device): Device,
    JsonBody(batch): JsonBody<IncomingOutcomes>,
) -> Result<Json<BatchReply>, AppError> {
    check_key(&state, &device, &batch.key_fingerprint).await?;
    let checked = batch.check()?;
    let valid: Vec<_> = checked.iter().filter_map(|c| c.as_ref().ok().cloned()).collect();
    let mut stored = state.db.store_outcomes(&device, &valid).await?.into_iter();
    state.db.touch_device(&device.id, now()).await?;
    let results = checked
        .into_iter()
        .map(|c| match c {
            Ok(_) => stored.next().expect("one stored result per valid outcome"),
            Err((id, reason)) => ItemResult { id, status: ItemStatus::Rejected, reason: Some(reason) },
        })
        .collect();
    Ok(Json(BatchReply { results }))
}

/// Whether a batch was prepared under the device's partnership's key, in use or earlier.
async fn check_key(state: &AppState, device: &crate::db::DeviceRow, fingerprint: &str) -> Result<(), AppError> {
    if fingerprint == device.key_fingerprint || state.db.is_partnership_key(&device.partnership_id, fingerprint).await? {
        Ok(())
    } else {
        Err(AppError::WrongPartnership)
    }
}

/// The forms the partnership added to the built-in ones, for the tablet to keep for offline use:
/// those in the forms folder now (answers to earlier ones still count, see `Db::catalogue`);
/// and the partnership's key in use, with the steps a tablet holding an earlier one walks.
pub async fn forms(State(state): State<AppState>, Device(device): Device) -> Result<Json<FormsReply>, AppError> {
    let new_keys = state.db.key_steps(&device.partnership_id).await?;
    Ok(Json(FormsReply { forms: state.db.offered().to_vec(), key_fingerprint: Some(device.key_fingerprint), new_keys }))
}
