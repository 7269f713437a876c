//! The built app as the server sends it: how long a browser may keep each file. Hashed bundle
//! files for a year; the page, the service worker and everything else checked each time, so
//! an app update's service worker never precaches an old page from the HTTP cache.

#[allow(unused_macros)]
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Backend, TestDb};
use heard_server::{app_with_static, AppState};
use tower::ServiceExt;

#[tokio::test]
async fn hashed_files_are_kept_for_a_year_and_everything_else_is_checked_each_time() {
    let t = TestDb::new(Backend::Sqlite).await;
    let dist = tempfile_dir();
    for (name, body) in [
        ("index.html", "<!doctype html><title>Heard</title>"),
        ("coordinator.html", "<!doctype html><title>Heard coordinator</title>"),
        ("heard-0123456789ab.wasm", "\0asm"),
        ("app-abcdef012345.css", "body{}"),
        ("sw.js", "// worker"),
        ("manifest.webmanifest", "{}"),
    ] {
        std::fs::write(dist.join(name), body).unwrap();
    }
    let get = |uri: &'static str| {
        let app = app_with_static(AppState::new(t.db.clone()), dist.clone());
        async move { app.oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap() }
    };
    let cache_control = |r: &axum::response::Response| r.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string());

    for uri in ["/heard-0123456789ab.wasm", "/app-abcdef012345.css"] {
        let r = get(uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert_eq!(cache_control(&r).as_deref(), Some("public, max-age=31536000, immutable"), "{uri}");
    }
    // The page (also under the app's own routes), the worker, the manifest, the coordinator's page.
    for uri in ["/", "/child", "/sw.js", "/manifest.webmanifest", "/coordinator"] {
        let r = get(uri).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert_eq!(cache_control(&r).as_deref(), Some("no-cache"), "{uri}");
    }
    // Asked again with the date the browser holds: "not modified", and still to be kept a year.
    let app = app_with_static(AppState::new(t.db.clone()), dist.clone());
    let again = Request::get("/heard-0123456789ab.wasm").header("if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT").body(Body::empty()).unwrap();
    let r = app.oneshot(again).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(cache_control(&r).as_deref(), Some("public, max-age=31536000, immutable"));
    // A hashed name that is not there is the page, which must not be kept.
    let r = get("/heard-ffffffffffff.wasm").await;
    assert_eq!(cache_control(&r).as_deref(), Some("no-cache"));
    std::fs::remove_dir_all(&dist).unwrap();
    t.finish().await;
}

/// Every answer, page, file or API, carries the security headers; over HTTPS the session
/// cookie is `__Host-` prefixed and only that one is accepted, and browsers are told to keep to
/// HTTPS. Before, an injected or inline script ran, and a cookie planted as `heard_session` by a
/// sibling site or a plain-HTTP page would have been taken as a session.
#[tokio::test]
async fn every_answer_carries_the_security_headers_and_secure_sessions_are_host_only() {
    let t = TestDb::new(Backend::Sqlite).await;
    let dist = tempfile_dir();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>Heard</title>").unwrap();
    std::fs::write(dist.join("heard-0123456789ab.wasm"), "\0asm").unwrap();
    for secure in [false, true] {
        let mut state = AppState::new(t.db.clone());
        state.secure_cookies = secure;
        for uri in ["/", "/child", "/heard-0123456789ab.wasm", "/api/v1/me", "/api/v1/nothing-here"] {
            let r = app_with_static(state.clone(), dist.clone()).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
            let h = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_string());
            let csp = h("content-security-policy").unwrap_or_else(|| panic!("{uri}: no Content-Security-Policy"));
            for part in ["script-src 'self' 'wasm-unsafe-eval';", "default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
                assert!(csp.contains(part), "{uri}: {csp}");
            }
            assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
            assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"), "{uri}");
            assert_eq!(h("referrer-policy").as_deref(), Some("no-referrer"), "{uri}");
            assert_eq!(h("strict-transport-security").is_some(), secure, "{uri}");
        }
    }
    // Over HTTPS: the session cookie is __Host- prefixed, Secure, and the only one taken.
    let user = t.db.create_partnership("Secure", &"a".repeat(64), 1).await.unwrap();
    t.db.create_user(&user, "c@secure.test", &heard_server::auth::hash_password(common::PASSWORD), heard_domain::access::Role::Coordinator, 1).await.unwrap();
    let mut state = AppState::new(t.db.clone());
    state.secure_cookies = true;
    let login = Request::post("/api/v1/login")
        .header("content-type", "application/json")
        .body(Body::from(format!(r#"{{"email":"c@secure.test","password":"{}"}}"#, common::PASSWORD)))
        .unwrap();
    let r = heard_server::app(state.clone()).oneshot(login).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-heard_session=") && cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string();
    let me = |cookie: String| {
        let app = heard_server::app(state.clone());
        async move { app.oneshot(Request::get("/api/v1/me").header("cookie", cookie).body(Body::empty()).unwrap()).await.unwrap().status() }
    };
    assert_eq!(me(format!("__Host-heard_session={token}")).await, StatusCode::OK);
    assert_eq!(me(format!("heard_session={token}")).await, StatusCode::UNAUTHORIZED, "an unprefixed cookie is not a session over HTTPS");
    std::fs::remove_dir_all(&dist).unwrap();
    t.finish().await;
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("heard-dist-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
