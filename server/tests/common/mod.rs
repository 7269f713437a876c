#![allow(dead_code)] // each test binary uses its own part of this shared harness

//! Shared harness: a fresh database per test, on SQLite or PostgreSQL, and a way to send
//! one request through the app with no socket.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heard_domain::access::{AgencyKind, Role};
use heard_server::auth::{hash_password, now, sha256_hex};
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
    /// Where it is, to open it again as a restarted server would.
    pub url: String,
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
                TestDb { db, url: format!("sqlite:{}", path.display()), cleanup: Cleanup::File(path) }
            }
            Backend::Postgres => {
                let base = postgres_base();
                let admin_url = format!("{base}/postgres");
                let name = format!("heard_test_{tag}");
                let admin =
                    sqlx::PgPool::connect(&admin_url).await.unwrap_or_else(|e| panic!("PostgreSQL tests need a server at {base} (HEARD_TEST_POSTGRES): {e}"));
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
                admin.close().await;
                let url = format!("{base}/{name}");
                let db = Db::connect(&url).await.expect("open PostgreSQL");
                TestDb { db, url, cleanup: Cleanup::PgDatabase { admin_url, name } }
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

/// Writes each listed test once and runs it on SQLite and on PostgreSQL, each time on a
/// fresh database set up as a `World`.
#[allow(unused_macros)] // a test binary may run its backends its own way (login_flood.rs)
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                let t = crate::common::TestDb::new(crate::common::Backend::Sqlite).await;
                super::$name(&crate::common::World::new(&t.db).await).await;
                t.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                let t = crate::common::TestDb::new(crate::common::Backend::Postgres).await;
                super::$name(&crate::common::World::new(&t.db).await).await;
                t.finish().await;
            })*
        }
    };
}

/// The same for tests that set up their own database (`TestDb`), to open it again as a
/// restarted server would: each listed `async fn name(backend: Backend)` runs once per backend,
/// as `group::sqlite::name` and `group::postgres::name`.
#[allow(unused_macros)]
macro_rules! on_each_backend {
    ($group:ident: $($name:ident),* $(,)?) => {
        mod $group {
            mod sqlite {
                $(#[tokio::test] async fn $name() {
                    super::super::$name(crate::common::Backend::Sqlite).await;
                })*
            }
            mod postgres {
                $(#[tokio::test] async fn $name() {
                    super::super::$name(crate::common::Backend::Postgres).await;
                })*
            }
        }
    };
}

/// How a test request authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    Anonymous,
    Device(&'a str),
    /// A staff session; with its CSRF token when the flag is true.
    Staff(&'a Session, bool),
}

#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// One partnership, set up as a coordinator would: an agency, an enrolled device, a
/// coordinator and an analyst, both logged in.
pub struct Party {
    pub agency_id: String,
    /// The partnership key (made in a coordinator's browser; here, from the name).
    pub key: [u8; 32],
    pub fingerprint: String,
    pub device: String,
    pub coordinator: Session,
    pub analyst: Session,
}

/// Everything the API tests need: the database, our partnership and another one.
pub struct World {
    pub db: Db,
    pub us: Party,
    pub them: Party,
}

pub const PASSWORD: &str = "correct horse battery staple";

impl World {
    pub async fn new(db: &Db) -> World {
        let us = Self::party(db, "North").await;
        let them = Self::party(db, "South").await;
        World { db: db.clone(), us, them }
    }

    async fn party(db: &Db, name: &str) -> Party {
        let t = now();
        let key: [u8; 32] = {
            use sha2::Digest;
            sha2::Sha256::digest(format!("{name} key").as_bytes()).into()
        };
        let fingerprint = sha256_hex(&key);
        let partnership_id = db.create_partnership(name, &fingerprint, t).await.unwrap();
        let agency = db.create_agency(&partnership_id, &format!("{name} School"), AgencyKind::School, t).await.unwrap();
        let lower = name.to_lowercase();
        for (who, role) in [("coordinator", Role::Coordinator), ("analyst", Role::Analyst)] {
            db.create_user(&partnership_id, &format!("{who}@{lower}.test"), &hash_password(PASSWORD), role, t).await.unwrap();
        }
        let coordinator = login(db, &format!("coordinator@{lower}.test"), PASSWORD).await.expect("coordinator logs in");
        let analyst = login(db, &format!("analyst@{lower}.test"), PASSWORD).await.expect("analyst logs in");
        let device = enrol_new_device(db, &coordinator, &agency.id).await;
        Party { agency_id: agency.id, key, fingerprint, device, coordinator, analyst }
    }

    /// The same partnerships, on the database opened again (as a restarted server).
    pub fn on(self, db: &Db) -> World {
        World { db: db.clone(), ..self }
    }

    pub async fn call(&self, method: &str, uri: &str, auth: Auth<'_>, body: Option<&str>) -> (StatusCode, Value) {
        call(&self.db, method, uri, auth, body.map(|b| ("application/json", b.to_string()))).await
    }

    /// Our partnership's dashboard before protection (`Read::EXACT`, never served), as JSON:
    /// what the summaries hold.
    pub async fn exact_dashboard(&self) -> Value {
        let id = self.db.partnership_by_name("North").await.unwrap().expect("our partnership");
        let d = self.db.dashboard_read(&id, Default::default(), heard_server::db::Read::EXACT).await.unwrap();
        serde_json::to_value(d).unwrap()
    }

    /// Our device posts a batch.
    pub async fn post_batch(&self, body: &str) -> (StatusCode, Value) {
        self.call("POST", "/api/v1/responses", Auth::Device(&self.us.device), Some(body)).await
    }

    /// How many responses our coordinator sees.
    pub async fn held(&self) -> u64 {
        let (status, json) = self.call("GET", "/api/v1/stats", Auth::Staff(&self.us.coordinator, false), None).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        json["responses"].as_u64().expect("stats.responses is a number")
    }

    /// A batch of our responses, carrying our partnership's key fingerprint.
    pub fn batch(&self, items: &[String]) -> String {
        batch_with(&self.us.fingerprint, items)
    }
}

/// Logs in through the API; the session cookie and CSRF token on success.
pub async fn login(db: &Db, email: &str, password: &str) -> Result<Session, (StatusCode, Value)> {
    login_from(db, email, password, "192.0.2.1").await
}

/// Logs in through the API as a connection from `ip` would.
pub async fn login_from(db: &Db, email: &str, password: &str, ip: &str) -> Result<Session, (StatusCode, Value)> {
    login_through(db, email, password, ip, None, false).await
}

/// Logs in through the API as a connection from `ip` would, with `forwarded` as its
/// X-Forwarded-For header if given, to a server run with `--behind-proxy` or not.
pub async fn login_through(
    db: &Db,
    email: &str,
    password: &str,
    ip: &str,
    forwarded: Option<&str>,
    behind_proxy: bool,
) -> Result<Session, (StatusCode, Value)> {
    let body = serde_json::json!({"email": email, "password": password}).to_string();
    let mut req = Request::post("/api/v1/login").header("content-type", "application/json");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    let addr = std::net::SocketAddr::new(ip.parse().expect("an IP address"), 50_000);
    req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
    let mut state = AppState::new(db.clone());
    state.behind_proxy = behind_proxy;
    let response = app(state).oneshot(req).await.unwrap();
    let status = response.status();
    let cookie = response.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    match (status, cookie) {
        (StatusCode::OK, Some(cookie)) => {
            assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
            let pair = cookie.split(';').next().unwrap().to_string();
            Ok(Session { cookie: pair, csrf: json["csrf_token"].as_str().unwrap().to_string() })
        }
        _ => Err((status, json)),
    }
}

/// The body a coordinator's browser sends for a new enrolment code: the agency, and a key
/// sealed under a one-time secret (here a stand-in key; `seal_for_enrolment` for a real one).
pub fn code_request(agency_id: &str) -> String {
    let (_, sealed) = heard_server::demo::seal_for_enrolment(&[7; 32]);
    serde_json::json!({"agency_id": agency_id, "sealed_key": sealed}).to_string()
}

/// Issues an enrolment code as the coordinator and enrols a device with it; its token.
pub async fn enrol_new_device(db: &Db, coordinator: &Session, agency_id: &str) -> String {
    let body = code_request(agency_id);
    let (status, code) = call(db, "POST", "/api/v1/enrolment-codes", Auth::Staff(coordinator, true), Some(("application/json", body))).await;
    assert_eq!(status, StatusCode::OK, "{code}");
    let body = serde_json::json!({"code": code["code"]}).to_string();
    let (status, reply) = call(db, "POST", "/api/v1/enrol", Auth::Anonymous, Some(("application/json", body))).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    reply["device_token"].as_str().unwrap().to_string()
}

/// Sends one request through the whole app and returns the status and the JSON body.
pub async fn call(db: &Db, method: &str, uri: &str, auth: Auth<'_>, body: Option<(&str, String)>) -> (StatusCode, Value) {
    call_with(db, method, uri, auth, body, &[]).await
}

/// The same, with extra headers (`Content-Encoding`, say).
pub async fn call_with(db: &Db, method: &str, uri: &str, auth: Auth<'_>, body: Option<(&str, String)>, headers: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    match auth {
        Auth::Anonymous => {}
        Auth::Device(token) => req = req.header("authorization", format!("Bearer {token}")),
        Auth::Staff(session, with_csrf) => {
            req = req.header("cookie", &session.cookie);
            if with_csrf {
                req = req.header("x-csrf-token", &session.csrf);
            }
        }
    }
    let body = match body {
        Some((content_type, text)) => {
            req = req.header("content-type", content_type);
            Body::from(text)
        }
        None => Body::empty(),
    };
    let response = app(AppState::new(db.clone())).oneshot(req.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("{method} {uri} answered {status} with a body that is not JSON: {:?}", String::from_utf8_lossy(&bytes)));
    (status, json)
}

/// A response as the app sends it.
pub fn response_json(id: &str, face: u8) -> String {
    let context = serde_json::to_string(&heard_domain::case::CaseContext::example(3)).unwrap();
    format!(
        r#"{{"id":"{id}","form_id":"early-years-check","form_version":1,"lang":"en","date":"2026-11-25","answers":[{{"question_id":"home","value":{{"face":{face}}}}}],"share":false,"context":{context}}}"#
    )
}

pub fn batch_with(fingerprint: &str, items: &[String]) -> String {
    format!(r#"{{"key_fingerprint":"{fingerprint}","responses":[{}]}}"#, items.join(","))
}

/// Sends a GET through the whole app and returns the status, content type and body as text
/// (for answers that are not JSON, such as CSV exports).
pub async fn get_text(db: &Db, uri: &str, auth: Auth<'_>) -> (StatusCode, String, String) {
    let mut req = Request::builder().method("GET").uri(uri);
    match auth {
        Auth::Anonymous => {}
        Auth::Device(token) => req = req.header("authorization", format!("Bearer {token}")),
        Auth::Staff(session, _) => req = req.header("cookie", &session.cookie),
    }
    let response = app(AppState::new(db.clone())).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, String::from_utf8(bytes.to_vec()).unwrap())
}
