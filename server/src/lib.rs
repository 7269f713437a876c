//! Heard's server: serves the built app and the JSON API, and keeps responses in SQLite
//! (one file, the default) or PostgreSQL.
//!
//! `app(state)` builds the whole service as a `Router`, so tests drive it with
//! `oneshot` and no socket; `main` only reads the configuration and binds.

pub mod api;
pub mod auth;
pub mod body;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod forms;
pub mod serve;
pub use heard_domain::synthetic;

use axum::Router;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};

pub use db::{Db, RawRow};
pub use error::AppError;

#[derive(Clone)]
pub struct AppState {
    /// The database, and the forms responses are checked by (`Db::catalogue`).
    pub db: Db,
    /// Mark the session cookie `Secure` (set when served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Reached through a reverse proxy that appends the client's address to `X-Forwarded-For`.
    pub behind_proxy: bool,
}

impl AppState {
    pub fn new(db: Db) -> Self {
        AppState { db, secure_cookies: false, behind_proxy: false }
    }
}

/// The API alone, for tests and for a server with no built app to serve.
pub fn app(state: AppState) -> Router {
    let secure = state.secure_cookies;
    api::routes().with_state(state).layer(axum::middleware::from_fn(move |request, next| security_headers(secure, request, next)))
}

/// What every answer tells the browser, the app's pages, files and API alike (SPEC §5: a
/// child's answers and the partnership key are in these pages). Scripts and WebAssembly only
/// from this server, never inline or injected; nothing fetched from anywhere else; never in a
/// frame; no referrer; no sniffing a type. Over HTTPS, browsers keep to HTTPS for a year.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

async fn security_headers(secure: bool, request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if secure {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

/// The API plus the built app from `dist`. Any path that is not the API or a file in
/// `dist` gets `index.html`, so the app's own routes (`/child`, `/outbox`) load on reload;
/// `/coordinator` is the coordinator's own page (`coordinator.html`, a separate bundle).
pub fn app_with_static(state: AppState, dist: PathBuf) -> Router {
    let secure = state.secure_cookies;
    let index = ServeFile::new(dist.join("index.html")).precompressed_br().precompressed_gzip();
    let coordinator = ServeFile::new(dist.join("coordinator.html")).precompressed_br().precompressed_gzip();
    let files = ServeDir::new(&dist).precompressed_br().precompressed_gzip().fallback(index);
    let built_app = Router::new()
        .route_service("/coordinator", coordinator.clone())
        .route_service("/coordinator/{*rest}", coordinator)
        .fallback_service(files)
        .layer(axum::middleware::from_fn(cache_policy))
        .layer(axum::middleware::from_fn(move |request, next| security_headers(secure, request, next)));
    app(state).fallback_service(built_app)
}

/// How long a browser may keep a file of the built app without asking again. A file named
/// with its content's hash (`heard-0123456789ab.wasm`) never changes: a year, `immutable`.
/// Every other one (the page, the service worker, the manifest, icons) is checked each time
/// (`no-cache`; unchanged, the answer is a bodiless 304), so a new build's service worker
/// never precaches an old page out of the HTTP cache.
async fn cache_policy(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let hashed = is_hashed_name(request.uri().path());
    let mut response = next.run(request).await;
    // A hashed name that is not there gets the page (the fallback), which must not be kept.
    let page = response.headers().get(axum::http::header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    // A 304 renews what the browser holds, so it carries the same policy as the file itself.
    let kept = response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED;
    let policy = if hashed && kept && !page { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static(policy));
    response
}

/// Whether the last part of `path` is `name-<12 hex digits>.ext`, as `scripts/build-web.sh`
/// names the bundle's files.
fn is_hashed_name(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, _ext)) = file.rsplit_once('.') else { return false };
    stem.rsplit_once('-').is_some_and(|(name, hash)| !name.is_empty() && hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}
