//! One bad item must never take the dashboard down: an item the summariser cannot add to the
//! figures (a stored body that cannot be read; on PostgreSQL, text holding U+0000 stored before
//! the server refused it at the door) is set aside and named to the coordinator, and every
//! other item is counted, on both backends and after a restart.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::{Auth, World};
use heard_domain::wire::ResponseV1;
use heard_domain::Response;
use heard_server::auth::sha256_hex;
use serde_json::json;

on_both_backends!(a_nul_is_refused_at_the_door_by_the_field_that_holds_it);

async fn a_nul_is_refused_at_the_door_by_the_field_that_holds_it(w: &World) {
    let (status, json) = w.post_batch(&w.batch(&[words(GOOD, 2, "my teacher\u{0}listens")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    let detail = json["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("responses[0].answers[0].value.text: holds the character U+0000"), "{detail}");
    assert_eq!(w.held().await, 0, "nothing of the batch was stored");
    let (status, json) = w.call("GET", "/api/v1/dashboard?agency=%00", Auth::Staff(&w.us.analyst, false), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(json["detail"].as_str().unwrap_or_default().contains("query holds %00"), "{json}");
}

const POISON: &str = "00000000-0000-4000-8000-000000000001";
const UNREADABLE: &str = "00000000-0000-4000-8000-000000000002";
const GOOD: &str = "00000000-0000-4000-8000-000000000003";

fn words(id: &str, case: u32, text: &str) -> String {
    json!({
        "id": id, "form_id": "middle-check", "form_version": 1, "lang": "en", "date": "2026-05-04",
        "answers": [{"question_id": "words", "value": {"text": text}}],
        "share": true,
        "context": {"case": format!("{case:064x}"), "age_band": "middle",
            "flags": {"send": false, "homeless": false, "early_help_assessment": false, "child_protection_plan": false, "young_carer": false},
            "stage": "start"}
    })
    .to_string()
}

async fn one_item_the_summariser_cannot_take_never_stops_the_dashboard(backend: common::Backend) {
    let postgres = matches!(backend, common::Backend::Postgres);
    let t = common::TestDb::new(backend).await;
    let w = World::new(&t.db).await;
    let device = t.db.device_by_token(&sha256_hex(w.us.device.as_bytes())).await.unwrap().expect("our device");

    // Through the door, U+0000 is refused by name (tests/bad_input.rs), and the server's own
    // redaction drops it; stored before those rules (written into the body here), it is what
    // PostgreSQL cannot summarise.
    let poison: ResponseV1 = serde_json::from_str(&words(POISON, 1, "nul here")).unwrap();
    t.db.store_responses(&device, &[Response::from(poison)]).await.unwrap();
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    sqlx::query("UPDATE responses SET body = REPLACE(body, 'nul here', $1) WHERE id = $2").bind("nul \\u0000here").bind(POISON).execute(&raw).await.unwrap();
    // A stored body that cannot be read (a damaged row), queued like any other.
    sqlx::query(
        "INSERT INTO responses (id, form_id, form_version, day, body, received_on, device_id, partnership_id) \
         SELECT $1, form_id, form_version, day, '{\"damaged', received_on, device_id, partnership_id FROM responses WHERE id = $2",
    )
    .bind(UNREADABLE)
    .bind(POISON)
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query("INSERT INTO summary_queue (kind, item_id) VALUES ('response', $1)").bind(UNREADABLE).execute(&raw).await.unwrap();
    // And a good response from a tablet, after both.
    let (status, json) = w.post_batch(&w.batch(&[words(GOOD, 2, "my teacher listens")])).await;
    assert_eq!((status, json["results"][0]["status"].as_str()), (StatusCode::OK, Some("accepted")), "{json}");

    // The dashboard is read (too few cases here to show, which is said as such, not a 503)...
    let (status, d) = w.call("GET", "/api/v1/dashboard", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the dashboard answers: {d}");
    // ...and holds what the good items gave.
    let d = w.exact_dashboard().await;
    let shared: Vec<&str> = d["shared"].as_array().unwrap().iter().filter_map(|s| s["words"].as_str()).collect();
    assert!(shared.contains(&"my teacher listens"), "the good response was counted: {shared:?}");
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM summary_queue").fetch_one(&raw).await.unwrap();
    assert_eq!(queued, 0, "nothing is left waiting behind the bad items");
    let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE case_pseudonym = $1").bind(format!("{:064x}", 2)).fetch_one(&raw).await.unwrap();
    assert_eq!(cases, 1, "the good response's case is summarised");

    // The coordinator sees which items were set aside and why; they are still held.
    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    let set_aside: Vec<String> = log.as_array().unwrap().iter().filter(|e| e["action"] == "item_set_aside").map(|e| e["detail"].to_string()).collect();
    assert!(set_aside.iter().any(|d| d.contains(UNREADABLE) && d.contains("could not be read")), "{set_aside:?}");
    if postgres {
        assert!(set_aside.iter().any(|d| d.contains(POISON) && d.contains("refused")), "{set_aside:?}");
    }
    assert_eq!(set_aside.len(), if postgres { 2 } else { 1 }, "each named once: {set_aside:?}");
    assert_eq!(w.held().await, 3, "set aside, not deleted");
    let (_, theirs) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.them.coordinator, false), None).await;
    assert!(!theirs.to_string().contains("item_set_aside"), "another partnership hears nothing of ours");

    // A restart, and a rebuild of every summary, neither retry forever nor name them again.
    let restarted = heard_server::Db::connect(&t.url).await.unwrap();
    restarted.rebuild_summaries().await.unwrap();
    restarted.summarise_pending().await.unwrap();
    let w = w.on(&restarted);
    let (status, d) = w.call("GET", "/api/v1/dashboard", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "answered, as too few to show: {d}");
    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(log.as_array().unwrap().iter().filter(|e| e["action"] == "item_set_aside").count(), if postgres { 2 } else { 1 });
    restarted.close().await;
    raw.close().await;
    t.finish().await;
}

on_each_backend!(set_aside: one_item_the_summariser_cannot_take_never_stops_the_dashboard);
