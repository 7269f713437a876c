//! Shared harness: a fresh database per test, on SQLite or PostgreSQL, and a way to send
//! one request through the app with no socket.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heard_server::{app, AppState, Db};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub enum Backend {
    Sqlite,
    Postgres,
}

/// A test database that removes itself when the test ends.
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    PgDatabase { admin_url: String, name: String },
}

/// Base URL of the PostgreSQL server for the `postgres_*` tests. The test command runs
/// them only when one is reachable and says so when it skips them.
pub fn postgres_base() -> String {
    std::env::var("HEARD_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("heard-test-{tag}.sqlite3"));
                let db = Db::connect(&format!("sqlite:{}?mode=rwc", path.display())).await.expect("open SQLite");
                TestDb { db, cleanup: Cleanup::File(path) }
            }
            Backend::Postgres => {
                let base = postgres_base();
                let admin_url = format!("{base}/postgres");
                let name = format!("heard_test_{tag}");
                let admin = sqlx::PgPool::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL tests need a server at {base} (HEARD_TEST_POSTGRES): {e}"));
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
                admin.close().await;
                let db = Db::connect(&format!("{base}/{name}")).await.expect("open PostgreSQL");
                TestDb { db, cleanup: Cleanup::PgDatabase { admin_url, name } }
            }
        }
    }

    pub async fn finish(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PgDatabase { admin_url, name } => {
                if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
                    admin.close().await;
                }
            }
        }
    }
}

/// Sends one request through the whole app and returns the status and the JSON body.
pub async fn call(db: &Db, method: &str, uri: &str, content_type: Option<&str>, body: impl Into<Body>) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let response = app(AppState::new(db.clone())).oneshot(req.body(body.into()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("{method} {uri} answered {status} with a body that is not JSON: {:?}", String::from_utf8_lossy(&bytes)));
    (status, json)
}

pub async fn post_json(db: &Db, body: &str) -> (StatusCode, Value) {
    call(db, "POST", "/api/v1/responses", Some("application/json"), body.to_string()).await
}

pub async fn held(db: &Db) -> u64 {
    let (status, json) = call(db, "GET", "/api/v1/stats", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    json["responses"].as_u64().expect("stats.responses is a number")
}

/// A response as the app sends it.
pub fn response_json(id: &str, face: u8) -> String {
    format!(
        r#"{{"id":"{id}","form_id":"early-years-check","form_version":1,"lang":"en","date":"2026-11-25","answers":[{{"question_id":"home","value":{{"face":{face}}}}}],"share":false}}"#
    )
}

pub fn batch(items: &[String]) -> String {
    format!(r#"{{"responses":[{}]}}"#, items.join(","))
}
