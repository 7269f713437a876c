//! The built app as the server sends it: how long a browser may keep each file. Hashed bundle
//! files for a year; the page, the service worker and everything else checked each time, so
//! an app update's service worker never precaches an old page from the HTTP cache.

#[allow(unused_macros, dead_code)]
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

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("heard-dist-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
