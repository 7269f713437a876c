//! What coordinators and analysts do: log in and out, read counts, and (coordinators only)
//! set up agencies, enrolment codes, devices and analyst accounts. Everything that changes
//! the partnership's setup, and every login, is written to the audit log.

use crate::auth::{check_passwords, hash_password_off, new_enrolment_code, now, random_token, session_token, sha256_hex, Staff, LOCKOUT_SECS};
use crate::body::JsonBody;
use crate::db::SetupRefused;
use crate::{AppError, AppState};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::{AppendHeaders, IntoResponse};
use axum::Extension;
use axum::Json;
use heard_domain::access::{
    is_fingerprint, is_id, AgencyV1, AuditEntryV1, DeviceV1, EnrolmentCodeV1, LoginRequest, Me, NewAgency, NewEnrolmentCode, NewPartnership, NewUser, UserV1,
    MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
};
use heard_domain::enrolment::{display_code, is_sealed_key, normalise_code, SEALED_KEY_BYTES};
use heard_domain::wire::Stats;
use std::net::{IpAddr, SocketAddr};

/// How long a login lasts.
const SESSION_SECS: i64 = 8 * 60 * 60;
/// Failed logins allowed for one email from one address within `LOCKOUT_SECS`.
const MAX_FAILURES: i64 = 5;
/// Failed logins allowed for one email from all addresses together within `LOCKOUT_SECS`.
const MAX_ACCOUNT_FAILURES: i64 = 50;
/// Failed logins, enrolments and setups allowed from one address, whatever they were for,
/// within `LOCKOUT_SECS`.
pub const MAX_SOURCE_FAILURES: i64 = 100;
/// The pseudo-accounts under which wrong enrolment and setup codes are counted per address.
pub const ENROLMENT_ATTEMPT: &str = "(enrolment)";
const SETUP_ATTEMPT: &str = "(setup)";
/// Who the audit log names for a failed login: whoever typed it is not known.
const LOGIN_ATTEMPT: &str = "(login attempt)";
/// How long an enrolment code stays usable.
const CODE_SECS: i64 = 7 * 24 * 60 * 60;

fn normalise_email(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let name = crate::auth::session_cookie(state.secure_cookies);
    format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}")
}

fn me_of(staff: &crate::db::StaffRow) -> Me {
    Me {
        email: staff.email.clone(),
        role: staff.role,
        partnership: staff.partnership.clone(),
        key_fingerprint: staff.key_fingerprint.clone(),
        csrf_token: staff.csrf_token.clone(),
    }
}

/// Where a login came from, for the failed-login limit: the connection's address or, behind
/// a reverse proxy (`--behind-proxy`), the address the proxy appended last to
/// `X-Forwarded-For` (the ones before it are whatever the client sent). An IPv6 address counts
/// by its /64, the block one household or server is given.
pub(crate) fn login_source(state: &AppState, headers: &HeaderMap, connection: Option<Extension<ConnectInfo<SocketAddr>>>) -> String {
    let forwarded = || {
        let last = headers.get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?.rsplit(',').next()?.trim();
        // An address, or one with a port (`203.0.113.5:4711`, `[2001:db8::1]:80`) as some
        // proxies write it.
        last.parse::<IpAddr>()
            .ok()
            .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
            .or_else(|| last.trim_start_matches('[').trim_end_matches(']').parse().ok())
    };
    let ip = if state.behind_proxy { forwarded() } else { None }.or_else(|| connection.map(|Extension(ConnectInfo(addr))| addr.ip()));
    match ip.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(ip) => ip.to_string(),
        None => String::new(),
    }
}

pub async fn login(
    State(state): State<AppState>,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<impl IntoResponse, AppError> {
    let email = normalise_email(&req.email);
    // Nothing longer than any account's could match one; refused before the database sees it.
    if email.chars().count() > MAX_EMAIL_CHARS || req.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::Unauthorized("that email and password do not match an account".into()));
    }
    let source = login_source(&state, &headers, connection);
    let t = now();
    // Each attempt is counted as a failure before the password is checked (and forgiven if it
    // was right), so guesses sent together are counted as they come: the fifth of twenty sent
    // at once sees at least five, exactly as if they had been sent one after another. Five
    // wrong passwords from one place make that place wait; fifty from anywhere (many places
    // guessing together) make the account wait; a hundred from one place, for any accounts
    // and codes, make that place wait.
    state.db.record_login_failure(&email, &source, t).await?;
    let (here, anywhere) = state.db.login_failures_since(&email, &source, t - LOCKOUT_SECS).await?;
    if here > MAX_FAILURES {
        return Err(AppError::TooManyAttempts);
    }
    if anywhere > MAX_ACCOUNT_FAILURES {
        return Err(AppError::AccountWaits);
    }
    if state.db.failures_from_since(&source, t - LOCKOUT_SECS).await? > MAX_SOURCE_FAILURES {
        return Err(AppError::SourceWaits);
    }
    // An email is unique only within a partnership: every account with it is checked.
    let users = state.db.user_logins(&email).await?;
    let matched = check_passwords(&req.password, users.iter().map(|u| u.password_hash.clone()).collect()).await?;
    match matched.as_slice() {
        [i] => {
            state.db.clear_login_failures(&email, &source).await?;
            start_session(&state, &users[*i].id, "login", "logged in").await
        }
        [_, _, ..] => Err(AppError::Conflict(
            "that email and password open accounts in more than one partnership; ask a coordinator of one of them to give you a different password there"
                .into(),
        )),
        [] => {
            // The account's partnership hears of wrong passwords: the first of a run, and when a
            // place or the account is made to wait (not each one: a flood would push everything
            // else out of the log's latest entries). Nobody is named as having typed them. An
            // email used in several partnerships: each hears of it.
            let detail = if anywhere == MAX_ACCOUNT_FAILURES {
                Some(format!("{MAX_ACCOUNT_FAILURES} wrong passwords for {email} in 15 minutes, from several places: every login to it waits 15 minutes"))
            } else if here == MAX_FAILURES {
                Some(format!("{MAX_FAILURES} wrong passwords in a row for {email} from one place: logins from there wait 15 minutes"))
            } else if anywhere == 1 {
                Some(format!("a wrong password for {email}"))
            } else {
                None
            };
            if let Some(detail) = detail {
                for user in &users {
                    state.db.audit(&user.partnership_id, LOGIN_ATTEMPT, "login_failed", &detail, t).await?;
                }
            }
            Err(AppError::Unauthorized("that email and password do not match an account".into()))
        }
    }
}

/// Logs `user_id` in: a new session, its cookie, and an audit entry.
async fn start_session(
    state: &AppState,
    user_id: &str,
    action: &str,
    detail: &str,
) -> Result<(AppendHeaders<[(axum::http::HeaderName, String); 1]>, Json<Me>), AppError> {
    let t = now();
    let token = random_token();
    state.db.create_session(&sha256_hex(token.as_bytes()), user_id, &random_token(), t + SESSION_SECS).await?;
    let staff = state.db.session(&sha256_hex(token.as_bytes()), t).await?.ok_or_else(|| AppError::Unauthorized("log in again".into()))?;
    state.db.audit(&staff.partnership_id, &staff.email, action, detail, t).await?;
    Ok((AppendHeaders([(SET_COOKIE, cookie(state, &token, SESSION_SECS))]), Json(me_of(&staff))))
}

/// Checks a staff account's email and password as typed; the normalised email.
fn check_account(email: &str, password: &str) -> Result<String, AppError> {
    let email = normalise_email(email);
    if !email.contains('@') || email.chars().count() > MAX_EMAIL_CHARS || email.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(AppError::BadRequest("email: that is not an email address".into()));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::BadRequest(format!("password: at least {MIN_PASSWORD_CHARS} characters")));
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::BadRequest(format!("password: at most {MAX_PASSWORD_CHARS} characters")));
    }
    Ok(email)
}

/// Creates a partnership with a one-time setup code, and logs its first coordinator in.
/// The partnership key was made in the browser; only its fingerprint arrives.
pub async fn create_partnership(
    State(state): State<AppState>,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<NewPartnership>,
) -> Result<impl IntoResponse, AppError> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.contains(char::is_control) {
        return Err(AppError::BadRequest("name: a partnership's name is 1 to 120 characters, with no control characters".into()));
    }
    if !is_fingerprint(&req.key_fingerprint) {
        return Err(AppError::BadRequest("key_fingerprint: the SHA-256 of the partnership key, 64 lower-case hex digits".into()));
    }
    let email = check_account(&req.email, &req.password)?;
    let invalid_code = || AppError::BadRequest("setup_code: that setup code is not valid: it may be mistyped, already used or expired".into());
    // Wrong codes count towards the place's limit; the code is checked before any hash.
    let source = login_source(&state, &headers, connection);
    let t = now();
    if state.db.failures_from_since(&source, t - LOCKOUT_SECS).await? >= MAX_SOURCE_FAILURES {
        return Err(AppError::SourceWaits);
    }
    let code_hash = normalise_code(&req.setup_code).map(|code| sha256_hex(code.as_bytes()));
    let usable = match &code_hash {
        Some(hash) => state.db.setup_code_usable(hash, t).await?,
        None => false,
    };
    let (Some(code_hash), true) = (code_hash, usable) else {
        state.db.record_login_failure(SETUP_ATTEMPT, &source, t).await?;
        return Err(invalid_code());
    };
    let created = state.db.create_partnership_with_code(&code_hash, name, &req.key_fingerprint, &email, &hash_password_off(&req.password).await?, t).await?;
    let user_id = match created {
        Ok(id) => id,
        Err(SetupRefused::Code) => return Err(invalid_code()),
    };
    start_session(&state, &user_id, "partnership_created", &format!("partnership {name} created")).await
}

pub async fn logout(State(state): State<AppState>, Staff(staff): Staff, headers: HeaderMap) -> Result<impl IntoResponse, AppError> {
    if let Some(token) = session_token(&headers, state.secure_cookies) {
        state.db.delete_session(&sha256_hex(token.as_bytes())).await?;
    }
    state.db.audit(&staff.partnership_id, &staff.email, "logout", "logged out", now()).await?;
    Ok((AppendHeaders([(SET_COOKIE, cookie(&state, "", 0))]), Json(serde_json::json!({"logged_out": true}))))
}

pub async fn me_handler(Staff(staff): Staff) -> Json<Me> {
    Json(me_of(&staff))
}

pub use me_handler as me;

pub async fn stats(State(state): State<AppState>, Staff(staff): Staff) -> Result<Json<Stats>, AppError> {
    Ok(Json(Stats {
        responses: state.db.count_responses_for(&staff.partnership_id).await?,
        outcomes: state.db.count_outcomes_for(&staff.partnership_id).await?,
    }))
}

pub async fn agencies(State(state): State<AppState>, Staff(staff): Staff) -> Result<Json<Vec<AgencyV1>>, AppError> {
    Ok(Json(state.db.agencies(&staff.partnership_id).await?))
}

pub async fn create_agency(State(state): State<AppState>, staff: Staff, JsonBody(req): JsonBody<NewAgency>) -> Result<Json<AgencyV1>, AppError> {
    let staff = staff.coordinator()?;
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.contains(char::is_control) {
        return Err(AppError::BadRequest("name: an agency's name is 1 to 120 characters, with no control characters".into()));
    }
    // Two agencies of one name would split its tablets and its rows on the dashboard.
    let taken = state.db.agencies(&staff.partnership_id).await?.iter().any(|a| a.name.trim().to_lowercase() == name.to_lowercase());
    if taken {
        return Err(AppError::Conflict(format!("name: the partnership already has an agency called {name}")));
    }
    let agency = state.db.create_agency(&staff.partnership_id, name, req.kind, now()).await?;
    state.db.audit(&staff.partnership_id, &staff.email, "agency_created", &format!("agency {name} ({})", req.kind.as_str()), now()).await?;
    Ok(Json(agency))
}

pub async fn create_enrolment_code(
    State(state): State<AppState>,
    staff: Staff,
    JsonBody(req): JsonBody<NewEnrolmentCode>,
) -> Result<Json<EnrolmentCodeV1>, AppError> {
    let staff = staff.coordinator()?;
    if !is_id(&req.agency_id) {
        return Err(AppError::BadRequest("agency_id: is not an agency id".into()));
    }
    if !is_sealed_key(&req.sealed_key) {
        return Err(AppError::BadRequest(format!(
            "sealed_key: should be the partnership key sealed in your browser ({SEALED_KEY_BYTES} bytes, base64url); the key itself is never sent"
        )));
    }
    let agency = state
        .db
        .agency_in(&staff.partnership_id, &req.agency_id)
        .await?
        .ok_or_else(|| AppError::Missing(format!("agency_id: no agency {:?} in your partnership", req.agency_id)))?;
    let code = new_enrolment_code();
    let t = now();
    state.db.create_enrolment_code(&sha256_hex(code.as_bytes()), &req.agency_id, &req.sealed_key, &staff.email, t, t + CODE_SECS).await?;
    state.db.audit(&staff.partnership_id, &staff.email, "enrolment_code_issued", &format!("enrolment code for {agency}"), t).await?;
    Ok(Json(EnrolmentCodeV1 { code: display_code(&code), agency, expires_at: t + CODE_SECS }))
}

pub async fn devices(State(state): State<AppState>, Staff(staff): Staff) -> Result<Json<Vec<DeviceV1>>, AppError> {
    Ok(Json(state.db.devices(&staff.partnership_id).await?))
}

pub async fn revoke_device(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Result<Json<serde_json::Value>, AppError> {
    let staff = staff.coordinator()?;
    if !is_id(&id) {
        return Err(AppError::BadRequest("the address does not end in a device id".into()));
    }
    if !state.db.revoke_device(&staff.partnership_id, &id, now()).await? {
        return Err(AppError::Missing(format!("no device {id:?} to revoke in your partnership (or it is already revoked)")));
    }
    state.db.audit(&staff.partnership_id, &staff.email, "device_revoked", &format!("device {id} revoked"), now()).await?;
    Ok(Json(serde_json::json!({"revoked": id})))
}

/// Removes a tablet that never sent anything (say, one whose enrolment reply was lost and
/// that enrolled again with a new code). One that has sent answers can only be revoked.
pub async fn remove_device(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Result<Json<serde_json::Value>, AppError> {
    let staff = staff.coordinator()?;
    if !is_id(&id) {
        return Err(AppError::BadRequest("the address does not end in a device id".into()));
    }
    match state.db.remove_unused_device(&staff.partnership_id, &id).await? {
        None => return Err(AppError::Missing(format!("no device {id:?} to remove in your partnership"))),
        Some(false) => return Err(AppError::Conflict("that tablet has sent answers, so it stays in the list; revoke it instead".into())),
        Some(true) => {}
    }
    state.db.audit(&staff.partnership_id, &staff.email, "device_removed", &format!("device {id} removed (it had never sent anything)"), now()).await?;
    Ok(Json(serde_json::json!({"removed": id})))
}

pub async fn create_user(State(state): State<AppState>, staff: Staff, JsonBody(req): JsonBody<NewUser>) -> Result<Json<serde_json::Value>, AppError> {
    let staff = staff.coordinator()?;
    let email = check_account(&req.email, &req.password)?;
    let id = state
        .db
        .create_user(&staff.partnership_id, &email, &hash_password_off(&req.password).await?, req.role, now())
        .await?
        .ok_or_else(|| AppError::Conflict(format!("email: {email} already has an account in this partnership")))?;
    state.db.audit(&staff.partnership_id, &staff.email, "user_created", &format!("{email} ({})", req.role.as_str()), now()).await?;
    Ok(Json(serde_json::json!({"id": id, "email": email, "role": req.role})))
}

/// The partnership's staff accounts (coordinators only: emails are theirs to see).
pub async fn users(State(state): State<AppState>, staff: Staff) -> Result<Json<Vec<UserV1>>, AppError> {
    let staff = staff.coordinator()?;
    Ok(Json(state.db.users(&staff.partnership_id).await?))
}

/// Removes a staff account (someone who left): its sessions end at once. Not one's own, so a
/// partnership always keeps a coordinator.
pub async fn remove_user(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Result<Json<serde_json::Value>, AppError> {
    let staff = staff.coordinator()?;
    if !is_id(&id) {
        return Err(AppError::BadRequest("the address does not end in an account id".into()));
    }
    if id == staff.user_id {
        return Err(AppError::Conflict("you cannot remove your own account; another coordinator can".into()));
    }
    let Some(email) = state.db.remove_user(&staff.partnership_id, &id, &staff.user_id).await? else {
        return Err(AppError::Missing(format!("no account {id:?} to remove in your partnership")));
    };
    state.db.audit(&staff.partnership_id, &staff.email, "user_removed", &format!("{email} removed"), now()).await?;
    Ok(Json(serde_json::json!({"removed": id})))
}

/// Outcomes imported from the case-management system, pseudonymised in the coordinator's
/// browser. Each is stored once however often the file is imported.
pub async fn import_outcomes(
    State(state): State<AppState>,
    staff: Staff,
    JsonBody(batch): JsonBody<heard_domain::import::ImportOutcomes>,
) -> Result<Json<heard_domain::import::ImportReply>, AppError> {
    use heard_domain::import::{ImportReply, MAX_IMPORT_BATCH};
    let staff = staff.coordinator()?;
    if batch.key_fingerprint != staff.key_fingerprint {
        return Err(AppError::WrongPartnershipImport);
    }
    if batch.outcomes.len() > MAX_IMPORT_BATCH {
        return Err(AppError::BadRequest(format!("outcomes: at most {MAX_IMPORT_BATCH} per request, got {}", batch.outcomes.len())));
    }
    let results = state.db.import_outcomes(&staff.partnership_id, &batch.outcomes).await?;
    let stored = results.iter().filter(|r| r.status == heard_domain::wire::ItemStatus::Accepted).count() as u64;
    let already_had = results.len() as u64 - stored;
    state.db.audit(&staff.partnership_id, &staff.email, "outcomes_imported", &format!("{} outcomes imported ({stored} new)", results.len()), now()).await?;
    Ok(Json(ImportReply { stored, already_had }))
}

/// `POST /api/v1/cases/erase`: a coordinator erases one case at a family's request, named by
/// its pseudonym (made in the browser from the reference typed). Audited with what it deleted,
/// never with the case.
pub async fn erase_case(
    State(state): State<AppState>,
    staff: Staff,
    JsonBody(req): JsonBody<heard_domain::access::EraseCase>,
) -> Result<Json<heard_domain::access::Erased>, AppError> {
    let staff = staff.coordinator()?;
    let erased = state.db.erase_case(&staff.partnership_id, req.case.as_str()).await?;
    let detail = format!(
        "a case erased at the family's request: {} responses, {} outcomes and {} conflicting copies deleted",
        erased.responses, erased.outcomes, erased.conflicts
    );
    state.db.audit(&staff.partnership_id, &staff.email, "case_erased", &detail, now()).await?;
    Ok(Json(erased))
}

/// `POST /api/v1/keys`: a coordinator starts a new partnership key. Only its fingerprint and the
/// key sealed for tablets (under a key derived from the one in use) come here. Audited.
pub async fn rotate_key(
    State(state): State<AppState>,
    staff: Staff,
    JsonBody(req): JsonBody<heard_domain::access::NewKey>,
) -> Result<Json<heard_domain::access::Me>, AppError> {
    let staff = staff.coordinator()?;
    if !is_fingerprint(&req.from_fingerprint) || !is_fingerprint(&req.fingerprint) {
        return Err(AppError::BadRequest("from_fingerprint, fingerprint: each is SHA-256 of a key, 64 lower-case hex digits".into()));
    }
    if !is_sealed_key(&req.sealed_key) {
        return Err(AppError::BadRequest(format!(
            "sealed_key: should be the new key sealed in your browser ({SEALED_KEY_BYTES} bytes, base64url); the key itself is never sent"
        )));
    }
    match state.db.rotate_key(&staff.partnership_id, &req.from_fingerprint, &req.fingerprint, &req.sealed_key, now()).await? {
        Ok(()) => {}
        Err(crate::db::RotateRefused::NotCurrent) => {
            return Err(AppError::Conflict("from_fingerprint: that is not the partnership's key in use; open the latest key backup file and try again".into()))
        }
        Err(crate::db::RotateRefused::Known) => return Err(AppError::Conflict("fingerprint: the partnership has used that key before; make a new one".into())),
    }
    state.db.audit(&staff.partnership_id, &staff.email, "key_rotated", "a new partnership key; tablets take it on their next contact", now()).await?;
    Ok(Json(Me { key_fingerprint: req.fingerprint, ..me_of(staff) }))
}

/// `POST /api/v1/keys/links`: links between cases' pseudonyms under an earlier key and under the
/// key in use, computed in the coordinator's browser, so each case stays one case. Audited with
/// how many, never which.
pub async fn link_pseudonyms(
    State(state): State<AppState>,
    staff: Staff,
    JsonBody(req): JsonBody<heard_domain::access::KeyLinks>,
) -> Result<Json<heard_domain::access::Linked>, AppError> {
    let staff = staff.coordinator()?;
    if req.links.len() > heard_domain::access::MAX_KEY_LINKS {
        return Err(AppError::BadRequest(format!("links: at most {} in one request", heard_domain::access::MAX_KEY_LINKS)));
    }
    let pairs: Vec<(String, String)> = req.links.iter().map(|l| (l.old.to_string(), l.new.to_string())).collect();
    let (linked, moved) = state.db.link_pseudonyms(&staff.partnership_id, &pairs).await?;
    let detail = format!("{linked} cases linked to their pseudonyms under an earlier key ({moved} answers and outcomes moved)");
    state.db.audit(&staff.partnership_id, &staff.email, "pseudonyms_linked", &detail, now()).await?;
    Ok(Json(heard_domain::access::Linked { linked, moved }))
}

/// `GET /api/v1/retention`: how long the partnership keeps a case's answers.
pub async fn retention(State(state): State<AppState>, Staff(staff): Staff) -> Result<Json<heard_domain::access::Retention>, AppError> {
    Ok(Json(heard_domain::access::Retention { months: state.db.retention_months(&staff.partnership_id).await? }))
}

/// `POST /api/v1/retention`: a coordinator chooses it, from `RETENTION_CHOICES`; audited.
pub async fn set_retention(
    State(state): State<AppState>,
    staff: Staff,
    JsonBody(req): JsonBody<heard_domain::access::Retention>,
) -> Result<Json<heard_domain::access::Retention>, AppError> {
    use heard_domain::access::RETENTION_CHOICES;
    let staff = staff.coordinator()?;
    if !RETENTION_CHOICES.contains(&req.months) {
        return Err(AppError::BadRequest(format!("months: {} is not one of the retention periods offered ({RETENTION_CHOICES:?})", req.months)));
    }
    state.db.set_retention_months(&staff.partnership_id, req.months).await?;
    let detail = format!("a case's answers are now kept for {} months after its last activity", req.months);
    state.db.audit(&staff.partnership_id, &staff.email, "retention_set", &detail, now()).await?;
    Ok(Json(req))
}

/// `GET /api/v1/conflicts`: the partnership's conflicting copies (coordinators only).
pub async fn conflicts(State(state): State<AppState>, staff: Staff) -> Result<Json<Vec<heard_domain::access::ConflictV1>>, AppError> {
    let staff = staff.coordinator()?;
    Ok(Json(state.db.conflicts(&staff.partnership_id).await?))
}

/// `POST /api/v1/conflicts/{id}/discard`: the copy goes; what was first received stays. Audited.
pub async fn discard_conflict(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Result<Json<serde_json::Value>, AppError> {
    let staff = staff.coordinator()?;
    if !heard_domain::access::is_id(&id) {
        return Err(AppError::BadRequest("id: is not an item's id".into()));
    }
    if !state.db.discard_conflict(&staff.partnership_id, &id).await? {
        return Err(AppError::Missing("no such conflicting copy in this partnership".into()));
    }
    state
        .db
        .audit(&staff.partnership_id, &staff.email, "conflict_discarded", &format!("the conflicting copy of {id} discarded; the first stays"), now())
        .await?;
    Ok(Json(serde_json::json!({ "discarded": id })))
}

pub async fn audit(State(state): State<AppState>, staff: Staff) -> Result<Json<Vec<AuditEntryV1>>, AppError> {
    let staff = staff.coordinator()?;
    Ok(Json(state.db.audit_log(&staff.partnership_id, 500).await?))
}
