//! Who is calling: an enrolled device (bearer token) or a logged-in coordinator or analyst
//! (session cookie plus CSRF token on every change). Secrets are random, stored only as
//! hashes, and compared in constant time; passwords are argon2id.
//!
//! Password hashing uses argon2id with the argon2 crate's defaults (19 MiB memory, 2 passes,
//! 1 lane), the OWASP recommendation: about 50 ms a login on one core.

use crate::db::{DeviceRow, StaffRow};
use crate::{AppError, AppState};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use heard_domain::access::{Role, CSRF_HEADER, SESSION_COOKIE};
use heard_domain::b64::base64url_encode;
use heard_domain::enrolment::{CODE_ALPHABET, CODE_LEN};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix seconds now.
/// How long failed logins count towards a wait (and are kept: `Db::forget_login_failures`).
pub const LOCKOUT_SECS: i64 = 15 * 60;

pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// 32 random bytes as base64url: tokens for devices, sessions and CSRF.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64url_encode(&bytes)
}

/// A one-time enrolment code: ten characters from an alphabet that reads aloud clearly.
pub fn new_enrolment_code() -> String {
    (0..CODE_LEN).map(|_| CODE_ALPHABET[(OsRng.next_u32() as usize) % CODE_ALPHABET.len()] as char).collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashes any password").to_string()
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Spends the same time as a real check, so a wrong email cannot be told from a wrong password.
pub fn verify_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("not a real password, only for timing"));
    let _ = verify_password(password, phc);
}

/// Password hashes computed at once: each takes tens of milliseconds of a core and 19 MiB, so a
/// flood of logins must not take every core (tablets' uploads and the dashboard share them) or
/// the memory. One fewer than the cores, at least one; on threads of their own, always the
/// same few (hashing on tokio's blocking pool spread the 19 MiB over many threads' memory,
/// about 400 MB kept under a flood).
fn password_threads() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        rayon::ThreadPoolBuilder::new().num_threads(n).thread_name(|i| format!("heard-password-{i}")).build().expect("threads for password hashing")
    })
}

/// Password hashes waiting or running at once; a login beyond them is told the server is busy
/// (429) at once instead of queueing without end.
const PASSWORD_QUEUE: usize = 64;

/// Runs `work` (argon2) on the password threads, with at most `PASSWORD_QUEUE` waiting or
/// running; beyond that the caller is told the server is busy.
async fn password_work<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    static QUEUED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    use std::sync::atomic::Ordering::SeqCst;
    if QUEUED.fetch_add(1, SeqCst) >= PASSWORD_QUEUE {
        QUEUED.fetch_sub(1, SeqCst);
        return Err(AppError::Busy);
    }
    let (done, result) = tokio::sync::oneshot::channel();
    password_threads().spawn(move || {
        // Counted down here, not by the caller: a login whose client went away still holds
        // its place until its hash is done.
        let _ = done.send(work());
        QUEUED.fetch_sub(1, SeqCst);
    });
    Ok(result.await.expect("password hashing does not panic"))
}

/// Password checks a login makes at least: an email used in two partnerships (checked against
/// both accounts) takes as long as one used in one, or none.
pub const LOGIN_CHECKS: usize = 2;

/// Which of `phcs` (the accounts with the email typed, one per partnership) `password` matches.
/// Every account is checked, and at least `LOGIN_CHECKS` hashes are computed, so the time
/// taken does not tell how many partnerships use the email (up to `LOGIN_CHECKS`).
pub async fn check_passwords(password: &str, phcs: Vec<String>) -> Result<Vec<usize>, AppError> {
    let password = password.to_string();
    password_work(move || {
        let matched: Vec<usize> = phcs.iter().enumerate().filter(|(_, phc)| verify_password(&password, phc)).map(|(i, _)| i).collect();
        for _ in phcs.len()..LOGIN_CHECKS {
            verify_nothing(&password);
        }
        matched
    })
    .await
}

/// `hash_password`, off the async workers (`password_work`).
pub async fn hash_password_off(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    password_work(move || hash_password(&password)).await
}

/// An enrolled, unrevoked device, from `Authorization: Bearer <token>`.
pub struct Device(pub DeviceRow);

impl FromRequestParts<AppState> for Device {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| AppError::Unauthorized("this needs an enrolled tablet's token (Authorization: Bearer ...)".into()))?;
        let device = state.db.device_by_token(&sha256_hex(token.trim().as_bytes())).await?.ok_or(AppError::DeviceUnknown)?;
        if device.revoked {
            return Err(AppError::DeviceRevoked);
        }
        Ok(Device(device))
    }
}

/// The session cookie's name: over HTTPS (`--secure-cookies`) with the `__Host-` prefix, which a
/// browser accepts only from this host, over HTTPS, for the whole site, so neither a sibling
/// subdomain nor a plain-HTTP page can plant or overwrite it.
pub fn session_cookie(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

const SECURE_SESSION_COOKIE: &str = "__Host-heard_session";

/// The session token from the request's cookie of that name (and no other).
pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = session_cookie(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A logged-in coordinator or analyst. Any request that changes something must also carry
/// the session's CSRF token in the `x-csrf-token` header.
pub struct Staff(pub StaffRow);

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = session_token(&parts.headers, state.secure_cookies).ok_or_else(|| AppError::Unauthorized("log in first".into()))?;
        let staff = state
            .db
            .session(&sha256_hex(token.as_bytes()), now())
            .await?
            .ok_or_else(|| AppError::Unauthorized("your session has ended; log in again".into()))?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            // Compared in constant time (subtle): how long it takes says nothing of the token.
            if !bool::from(subtle::ConstantTimeEq::ct_eq(sent.as_bytes(), staff.csrf_token.as_bytes())) {
                return Err(AppError::Forbidden(format!("missing or wrong {CSRF_HEADER} header; reload the page and try again")));
            }
        }
        Ok(Staff(staff))
    }
}

impl Staff {
    /// Only coordinators may change the partnership's setup; analysts read.
    pub fn coordinator(&self) -> Result<&StaffRow, AppError> {
        match self.0.role {
            Role::Coordinator => Ok(&self.0),
            Role::Analyst => Err(AppError::Forbidden("analysts can read but not change anything".into())),
        }
    }
}
