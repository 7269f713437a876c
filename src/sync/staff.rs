//! The coordinator's and analyst's API: login, setup, staff, the dashboard and imports.

use super::*;

/// How many responses the server holds for the logged-in coordinator's partnership.
pub async fn fetch_stats() -> Result<Stats, SendError> {
    exchange(Request::get(STATS_PATH).build()).await
}

/// Who is logged in on this browser, if anyone.
pub async fn me() -> Result<Me, SendError> {
    exchange(Request::get(ME_PATH).build()).await
}

pub async fn login(email: &str, password: &str) -> Result<Me, SendError> {
    exchange(Request::post(LOGIN_PATH).json(&LoginRequest { email: email.to_string(), password: password.to_string() })).await
}

pub async fn logout(csrf_token: &str) -> Result<serde_json::Value, SendError> {
    exchange(Request::post(LOGOUT_PATH).header(CSRF_HEADER, csrf_token).build()).await
}

/// Creates a partnership (with a setup code) and logs its first coordinator in.
pub async fn create_partnership(request: &heard_domain::access::NewPartnership) -> Result<Me, SendError> {
    exchange(Request::post(heard_domain::access::PARTNERSHIPS_PATH).json(request)).await
}

pub async fn agencies() -> Result<Vec<heard_domain::access::AgencyV1>, SendError> {
    exchange(Request::get(heard_domain::access::AGENCIES_PATH).build()).await
}

pub async fn create_agency(csrf: &str, agency: &heard_domain::access::NewAgency) -> Result<heard_domain::access::AgencyV1, SendError> {
    exchange(Request::post(heard_domain::access::AGENCIES_PATH).header(CSRF_HEADER, csrf).json(agency)).await
}

/// A fresh one-time code for an agency, leaving the partnership key sealed (base64url) for the
/// tablet that spends it (the browser adds the secret it was sealed under to the text).
pub async fn issue_code(csrf: &str, agency_id: &str, sealed_key: &str) -> Result<heard_domain::access::EnrolmentCodeV1, SendError> {
    let body = heard_domain::access::NewEnrolmentCode { agency_id: agency_id.to_string(), sealed_key: sealed_key.to_string() };
    exchange(Request::post(heard_domain::access::ENROLMENT_CODES_PATH).header(CSRF_HEADER, csrf).json(&body)).await
}

pub async fn devices() -> Result<Vec<heard_domain::access::DeviceV1>, SendError> {
    exchange(Request::get(heard_domain::access::DEVICES_PATH).build()).await
}

/// `revoke` a tablet, or `remove` one that never sent anything from the partnership's list.
pub async fn device_action(csrf: &str, id: &str, action: &str) -> Result<serde_json::Value, SendError> {
    let path = format!("{}/{id}/{action}", heard_domain::access::DEVICES_PATH);
    exchange(Request::post(&path).header(CSRF_HEADER, csrf).build()).await
}

/// The partnership's conflicting copies (coordinators only).
pub async fn conflicts() -> Result<Vec<heard_domain::access::ConflictV1>, SendError> {
    exchange(Request::get(heard_domain::access::CONFLICTS_PATH).build()).await
}

pub async fn discard_conflict(csrf: &str, id: &str) -> Result<serde_json::Value, SendError> {
    let path = format!("{}/{id}/discard", heard_domain::access::CONFLICTS_PATH);
    exchange(Request::post(&path).header(CSRF_HEADER, csrf).build()).await
}

/// How long the partnership keeps a case's answers after its last activity.
pub async fn retention() -> Result<heard_domain::access::Retention, SendError> {
    exchange(Request::get(heard_domain::access::RETENTION_PATH).build()).await
}

pub async fn set_retention(csrf: &str, months: u32) -> Result<heard_domain::access::Retention, SendError> {
    exchange(Request::post(heard_domain::access::RETENTION_PATH).header(CSRF_HEADER, csrf).json(&heard_domain::access::Retention { months })).await
}

/// Starts a new partnership key (its fingerprint and the key sealed for tablets); who is
/// logged in, with the new fingerprint.
pub async fn rotate_key(csrf: &str, new_key: &heard_domain::access::NewKey) -> Result<Me, SendError> {
    exchange(Request::post(heard_domain::access::KEYS_PATH).header(CSRF_HEADER, csrf).json(new_key)).await
}

/// Links cases' pseudonyms under the old key to those under the new.
pub async fn link_pseudonyms(csrf: &str, links: &heard_domain::access::KeyLinks) -> Result<heard_domain::access::Linked, SendError> {
    exchange(Request::post(heard_domain::access::KEY_LINKS_PATH).header(CSRF_HEADER, csrf).json(links)).await
}

/// Erases one case at a family's request (coordinators only), named by its pseudonym.
pub async fn erase_case(csrf: &str, case: &heard_domain::access::EraseCase) -> Result<heard_domain::access::Erased, SendError> {
    exchange(Request::post(heard_domain::access::ERASE_CASE_PATH).header(CSRF_HEADER, csrf).json(case)).await
}

pub async fn create_user(csrf: &str, user: &heard_domain::access::NewUser) -> Result<serde_json::Value, SendError> {
    exchange(Request::post(heard_domain::access::USERS_PATH).header(CSRF_HEADER, csrf).json(user)).await
}

pub async fn users() -> Result<Vec<heard_domain::access::UserV1>, SendError> {
    exchange(Request::get(heard_domain::access::USERS_PATH).build()).await
}

pub async fn remove_user(csrf: &str, id: &str) -> Result<serde_json::Value, SendError> {
    let path = format!("{}/{id}/remove", heard_domain::access::USERS_PATH);
    exchange(Request::post(&path).header(CSRF_HEADER, csrf).build()).await
}

pub async fn audit_log() -> Result<Vec<heard_domain::access::AuditEntryV1>, SendError> {
    exchange(Request::get(heard_domain::access::AUDIT_PATH).build()).await
}

/// One batch of an outcome import (pseudonymised already).
pub async fn import_outcomes(csrf: &str, batch: &heard_domain::import::ImportOutcomes) -> Result<heard_domain::import::ImportReply, SendError> {
    exchange(Request::post(heard_domain::import::IMPORT_PATH).header(CSRF_HEADER, csrf).json(batch)).await
}

/// The dashboard for the logged-in coordinator or analyst; `query` is a `Filter::to_query`.
pub async fn dashboard(query: &str) -> Result<heard_domain::dashboard::Dashboard, SendError> {
    let path = heard_domain::dashboard::DASHBOARD_PATH;
    let url = if query.is_empty() { path.to_string() } else { format!("{path}?{query}") };
    exchange(Request::get(&url).build()).await
}

/// Hides what a child shared from the dashboard, for good (coordinators only).
pub async fn hide_shared(csrf: &str, id: &str) -> Result<serde_json::Value, SendError> {
    let path = format!("{}/{}/hide", heard_domain::dashboard::SHARED_PATH, js_sys::encode_uri_component(id));
    exchange(Request::post(&path).header(CSRF_HEADER, csrf).build()).await
}
