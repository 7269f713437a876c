//! Heard's server: serves the built app and the JSON API, and keeps responses in SQLite
//! (one file, the default) or PostgreSQL.
//!
//! `app(state)` builds the whole service as a `Router`, so tests drive it with
//! `oneshot` and no socket; `main` only reads the configuration and binds.

pub mod api;
pub mod auth;
pub mod body;
pub mod config;
pub mod demo;
pub mod db;
pub mod error;
pub mod forms;
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
}

impl AppState {
    pub fn new(db: Db) -> Self {
        AppState { db, secure_cookies: false }
    }
}

/// The API alone, for tests and for a server with no built app to serve.
pub fn app(state: AppState) -> Router {
    api::routes().with_state(state)
}

/// The API plus the built app from `dist`. Any path that is not the API or a file in
/// `dist` gets `index.html`, so the app's own routes (`/child`, `/outbox`) load on reload;
/// `/coordinator` is the coordinator's own page (`coordinator.html`, a separate bundle).
pub fn app_with_static(state: AppState, dist: PathBuf) -> Router {
    let index = ServeFile::new(dist.join("index.html")).precompressed_br().precompressed_gzip();
    let coordinator = ServeFile::new(dist.join("coordinator.html")).precompressed_br().precompressed_gzip();
    let files = ServeDir::new(&dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    app(state)
        .route_service("/coordinator", coordinator.clone())
        .route_service("/coordinator/{*rest}", coordinator)
        .fallback_service(files)
}
