//! `/api/v1`: devices enrol and post responses; coordinators and analysts log in, set up
//! agencies and devices, and read counts. Every failure is JSON (`AppError`).

mod dashboard;
mod device;
mod staff;

use crate::{AppError, AppState};
use axum::extract::DefaultBodyLimit;
use axum::http::Uri;
use axum::routing::{get, post};
use axum::Router;
use heard_domain::access::{AGENCIES_PATH, AUDIT_PATH, DEVICES_PATH, ENROLMENT_CODES_PATH, ENROL_PATH, LOGIN_PATH, LOGOUT_PATH, ME_PATH, USERS_PATH};
use heard_domain::dashboard::{DASHBOARD_PATH, EXPORT_PATH, SHARED_PATH};
use heard_domain::wire::{FORMS_PATH, MAX_BODY_BYTES, OUTCOMES_PATH, RESPONSES_PATH, STATS_PATH};

pub fn routes() -> Router<AppState> {
    let api = Router::new()
        .route(ENROL_PATH, post(device::enrol))
        .route(RESPONSES_PATH, post(device::submit_responses))
        .route(OUTCOMES_PATH, post(device::submit_outcomes))
        .route(FORMS_PATH, get(device::forms))
        .route(LOGIN_PATH, post(staff::login))
        .route(heard_domain::access::PARTNERSHIPS_PATH, post(staff::create_partnership))
        .route(LOGOUT_PATH, post(staff::logout))
        .route(ME_PATH, get(staff::me))
        .route(STATS_PATH, get(staff::stats))
        .route(AGENCIES_PATH, get(staff::agencies).post(staff::create_agency))
        .route(ENROLMENT_CODES_PATH, post(staff::create_enrolment_code))
        .route(DEVICES_PATH, get(staff::devices))
        .route(&format!("{DEVICES_PATH}/{{id}}/revoke"), post(staff::revoke_device))
        .route(&format!("{DEVICES_PATH}/{{id}}/remove"), post(staff::remove_device))
        .route(USERS_PATH, get(staff::users).post(staff::create_user))
        .route(&format!("{USERS_PATH}/{{id}}/remove"), post(staff::remove_user))
        .route(AUDIT_PATH, get(staff::audit))
        .route(heard_domain::access::ERASE_CASE_PATH, post(staff::erase_case))
        .route(heard_domain::access::KEYS_PATH, post(staff::rotate_key))
        .route(heard_domain::access::KEY_LINKS_PATH, post(staff::link_pseudonyms))
        .route(heard_domain::access::RETENTION_PATH, get(staff::retention).post(staff::set_retention))
        .route(heard_domain::access::CONFLICTS_PATH, get(staff::conflicts))
        .route(&format!("{}/{{id}}/discard", heard_domain::access::CONFLICTS_PATH), post(staff::discard_conflict))
        .route(DASHBOARD_PATH, get(dashboard::dashboard))
        .route(heard_domain::import::IMPORT_PATH, post(staff::import_outcomes))
        .route(&format!("{EXPORT_PATH}/{{file}}"), get(dashboard::export))
        .route(&format!("{SHARED_PATH}/{{id}}/hide"), post(dashboard::hide_shared))
        // The limit applies while the body is read, so an oversized upload is cut off
        // early instead of being buffered whole.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed });
    // Unknown paths under /api get a JSON 404, never the app's index.html.
    let api_fallback = Router::new().route("/api/{*rest}", axum::routing::any(api_not_found));
    api.merge(api_fallback).layer(axum::middleware::from_fn(crate::body::screen))
}

async fn api_not_found(uri: Uri) -> AppError {
    AppError::NotFound(uri.path().to_string())
}
