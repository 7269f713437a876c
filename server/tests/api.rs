//! The API as a device and a coordinator use it, run against both backends: every test is
//! written once and instantiated for SQLite and for PostgreSQL.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::{call, response_json, Auth, World};
use heard_domain::wire::MAX_BODY_BYTES;

const ID_A: &str = "6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a0001";
const ID_B: &str = "6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a0002";

on_both_backends!(
    a_valid_response_is_stored_and_counted,
    a_resend_of_the_same_response_creates_no_duplicate,
    same_id_with_different_content_is_a_conflict_and_keeps_the_first,
    a_batch_is_answered_item_by_item_in_order,
    malformed_json_is_refused_with_a_named_problem,
    an_unknown_field_is_refused_by_name,
    an_oversized_body_is_refused_as_json,
    an_invalid_response_is_rejected_by_name_and_the_rest_are_stored,
    a_batch_that_is_too_big_is_refused_whole,
    a_body_that_is_not_json_is_refused,
    unknown_endpoints_and_methods_answer_json,
    outcomes_are_stored_once_and_bad_ones_rejected_by_name,
    a_batch_cut_at_any_item_and_resent_whole_leaves_each_response_once,
    an_id_twice_in_one_batch_is_stored_once,
);

on_each_backend!(redaction: the_server_redacts_again_what_a_tablet_left, a_rubbed_out_line_is_not_in_the_stored_drawing);

/// A tablet with an older app sends a drawing whose rubber strokes lie over a line (a name
/// written, then rubbed out): the drawing stored holds the rest of the picture and nothing of
/// that line, decoded from what the server keeps.
async fn a_rubbed_out_line_is_not_in_the_stored_drawing(backend: common::Backend) {
    use heard_domain::drawing::{Drawing, Point, Stroke};
    let t = common::TestDb::new(backend).await;
    let w = &World::new(&t.db).await;
    let line = |y: u16, from: u16, step: usize, eraser: bool| Stroke {
        colour: 0,
        brush: 1,
        eraser,
        points: (from..=500 - from).step_by(step).map(|x| Point { x, y, pressure: 128 }).collect(),
    };
    // The rubber's points lie further apart than the line's, and a little past its ends.
    let drawn = Drawing { width: 500, height: 500, strokes: vec![line(100, 100, 3, false), line(300, 100, 3, false), line(101, 90, 40, true)] };
    let body = serde_json::json!({
        "id": ID_A, "form_id": "early-years-check", "form_version": 1, "lang": "en", "date": "2026-05-04",
        "answers": [{"question_id": "draw", "value": {"drawing": drawn.encode()}}],
        "share": true,
        "context": {"case": format!("{:064x}", 8), "age_band": "early_years", "flags": {"send": false, "homeless": false, "early_help_assessment": false, "child_protection_plan": false, "young_carer": false}, "stage": "start"}
    })
    .to_string();
    let (status, json) = w.post_batch(&w.batch(std::slice::from_ref(&body))).await;
    assert_eq!((status, json["results"][0]["status"].as_str()), (StatusCode::OK, Some("accepted")), "{json}");
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT body FROM responses WHERE id = $1").bind(ID_A).fetch_one(&raw).await.unwrap();
    raw.close().await;
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    let kept = Drawing::decode(stored["answers"][0]["value"]["drawing"].as_str().unwrap()).unwrap();
    assert!(kept.strokes.iter().all(|s| !s.eraser), "no rubber strokes kept");
    assert!(kept.strokes.iter().flat_map(|s| &s.points).all(|p| p.y != 100), "nothing of the rubbed-out line: {:?}", kept.strokes);
    assert_eq!(kept.strokes, vec![line(300, 100, 3, false)], "the rest of the picture, as drawn");
    let (_, again) = w.post_batch(&w.batch(&[body])).await;
    assert_eq!(again["results"][0]["status"], "already_had", "{again}");
    t.finish().await;
}
on_each_backend!(conflicts: a_coordinator_sees_and_discards_conflicting_copies_and_they_are_bounded);

/// A tablet sends an id already held with other content: the copy belongs to the partnership
/// whose tablet sent it, its coordinator sees what differs (never what it says) and discards it;
/// and a partnership keeps at most MAX_CONFLICTS_KEPT of them.
async fn a_coordinator_sees_and_discards_conflicting_copies_and_they_are_bounded(backend: common::Backend) {
    use heard_domain::access::MAX_CONFLICTS_KEPT;
    let t = common::TestDb::new(backend).await;
    let w = &World::new(&t.db).await;
    w.post_batch(&w.batch(&[response_json(ID_A, 1)])).await;
    let (_, json) = w.post_batch(&w.batch(&[response_json(ID_A, 3)])).await;
    assert_eq!(json["results"][0]["status"], "conflict", "{json}");
    let list = |who| w.call("GET", "/api/v1/conflicts", who, None);
    let (status, ours) = list(Auth::Staff(&w.us.coordinator, false)).await;
    assert_eq!(status, StatusCode::OK, "{ours}");
    assert_eq!(ours.as_array().unwrap().len(), 1, "{ours}");
    assert_eq!((ours[0]["id"].as_str(), ours[0]["kind"].as_str()), (Some(ID_A), Some("response")));
    assert_eq!(ours[0]["differs"], serde_json::json!(["answers"]));
    assert!(!ours.to_string().contains("face"), "what either says is never shown: {ours}");
    assert_eq!(list(Auth::Staff(&w.them.coordinator, false)).await.1, serde_json::json!([]), "not another partnership's");
    assert_eq!(list(Auth::Staff(&w.us.analyst, false)).await.0, StatusCode::FORBIDDEN);
    let discard = format!("/api/v1/conflicts/{ID_A}/discard");
    assert_eq!(w.call("POST", &discard, Auth::Staff(&w.them.coordinator, true), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(w.call("POST", &discard, Auth::Staff(&w.us.coordinator, true), None).await.0, StatusCode::OK);
    assert_eq!(list(Auth::Staff(&w.us.coordinator, false)).await.1, serde_json::json!([]));
    let (_, audit) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "conflict_discarded"), "{audit}");
    let (_, again) = w.post_batch(&w.batch(&[response_json(ID_A, 1)])).await;
    assert_eq!(again["results"][0]["status"], "already_had", "the first is still held: {again}");

    // Bounded: a partnership already holding the most kept gets `conflict`, and nothing more kept.
    let partnership = t.db.partnership_by_name("North").await.unwrap().unwrap();
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    for n in 0..MAX_CONFLICTS_KEPT {
        sqlx::query("INSERT INTO response_conflicts (id, body, received_on, partnership_id, kind) VALUES ($1, '{}', '2026-01-01', $2, 'response')")
            .bind(format!("00000000-0000-4000-a000-{n:012}"))
            .bind(&partnership)
            .execute(&raw)
            .await
            .unwrap();
    }
    w.post_batch(&w.batch(&[response_json(ID_B, 1)])).await;
    let (_, json) = w.post_batch(&w.batch(&[response_json(ID_B, 2)])).await;
    assert_eq!(json["results"][0]["status"], "conflict", "{json}");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_conflicts WHERE partnership_id = $1").bind(&partnership).fetch_one(&raw).await.unwrap();
    assert_eq!(kept as u64, MAX_CONFLICTS_KEPT);
    raw.close().await;
    t.finish().await;
}

/// A tablet with an older redactor sends a child's words with a phone number, a date, an
/// address and a handle: the server keeps them only as placeholders, and a resend is the same.
async fn the_server_redacts_again_what_a_tablet_left(backend: common::Backend) {
    let t = common::TestDb::new(backend).await;
    let w = &World::new(&t.db).await;
    let body = |text: &str| {
        serde_json::json!({
            "id": ID_A, "form_id": "middle-check", "form_version": 1, "lang": "en", "date": "2026-05-04",
            "answers": [{"question_id": "words", "value": {"text": text}}],
            "share": true,
            "context": {"case": format!("{:064x}", 7), "age_band": "middle", "flags": {"send": false, "homeless": false, "early_help_assessment": false, "child_protection_plan": false, "young_carer": false}, "stage": "start"}
        })
        .to_string()
    };
    let said = "ring me on +48 512 345 678, I was born 12/05/2015 and live at 42 Elm Road, I'm @sam_dances";
    let (status, json) = w.post_batch(&w.batch(&[body(said)])).await;
    assert_eq!((status, json["results"][0]["status"].as_str()), (StatusCode::OK, Some("accepted")), "{json}");
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT body FROM responses WHERE id = $1").bind(ID_A).fetch_one(&raw).await.unwrap();
    raw.close().await;
    assert!(stored.contains("ring me on [phone], I was born [date] and live at [address], I'm [handle]"), "{stored}");
    for secret in ["512 345", "12/05/2015", "Elm Road", "sam_dances"] {
        assert!(!stored.contains(secret), "{secret} kept in {stored}");
    }
    let (_, again) = w.post_batch(&w.batch(&[body(said)])).await;
    assert_eq!(again["results"][0]["status"], "already_had", "{again}");
    t.finish().await;
}

async fn a_valid_response_is_stored_and_counted(w: &World) {
    assert_eq!(w.held().await, 0);
    let (status, json) = w.post_batch(&w.batch(&[response_json(ID_A, 3)])).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["results"][0]["id"], ID_A);
    assert_eq!(json["results"][0]["status"], "accepted");
    assert_eq!(w.held().await, 1);
}

async fn a_resend_of_the_same_response_creates_no_duplicate(w: &World) {
    let body = w.batch(&[response_json(ID_A, 2)]);
    w.post_batch(&body).await;
    let (status, json) = w.post_batch(&body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["results"][0]["status"], "already_had");
    assert_eq!(w.held().await, 1);
}

async fn same_id_with_different_content_is_a_conflict_and_keeps_the_first(w: &World) {
    let first = w.batch(&[response_json(ID_A, 1)]);
    w.post_batch(&first).await;
    let (status, json) = w.post_batch(&w.batch(&[response_json(ID_A, 3)])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["results"][0]["status"], "conflict");
    assert_eq!(w.held().await, 1);
    assert_eq!(w.db.count_conflicts().await.unwrap(), 1, "the second version is kept aside for a coordinator");
    // Sent again and again (a tablet retrying), and changed once more: still one copy kept.
    for face in [3, 3, 2] {
        let (_, json) = w.post_batch(&w.batch(&[response_json(ID_A, face)])).await;
        assert_eq!(json["results"][0]["status"], "conflict");
    }
    assert_eq!(w.db.count_conflicts().await.unwrap(), 1, "one conflicting copy per item, however often it is re-sent");
    // The first version is still the one held: sending it again is recognised as the same.
    let (_, json) = w.post_batch(&first).await;
    assert_eq!(json["results"][0]["status"], "already_had");
}

async fn a_batch_is_answered_item_by_item_in_order(w: &World) {
    w.post_batch(&w.batch(&[response_json(ID_B, 2)])).await;
    let (status, json) = w.post_batch(&w.batch(&[response_json(ID_A, 1), response_json(ID_B, 2)])).await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<&str> = json["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["accepted", "already_had"]);
    assert_eq!(w.held().await, 2);
}

async fn malformed_json_is_refused_with_a_named_problem(w: &World) {
    let (status, json) = w.post_batch(r#"{"responses": [ {"id": "#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "malformed_json");
    assert!(json["detail"].as_str().unwrap().contains("EOF"), "{json}");
    let (status, json) = w.post_batch(r#"{"answers": []}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["detail"].as_str().unwrap().contains("unknown field `answers`"), "{json}");
    let (status, json) = w.post_batch(r#"{"responses": {}}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert_eq!(w.held().await, 0);
}

fn rejected(json: &serde_json::Value, i: usize) -> &str {
    assert_eq!(json["results"][i]["status"], "rejected", "{json}");
    json["results"][i]["reason"].as_str().unwrap()
}

async fn an_unknown_field_is_refused_by_name(w: &World) {
    let named = response_json(ID_A, 2).replacen(r#""date""#, r#""child_name":"Sam","date""#, 1);
    let (status, json) = w.post_batch(&w.batch(&[named])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(rejected(&json, 0).contains("unknown field `child_name`"), "{json}");
    assert_eq!(w.held().await, 0);
}

async fn an_oversized_body_is_refused_as_json(w: &World) {
    let huge = format!(r#"{{"responses":[],"padding":"{}"}}"#, "x".repeat(MAX_BODY_BYTES + 1));
    let (status, json) = w.post_batch(&huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json["error"], "too_large");
    assert!(json["detail"].as_str().unwrap().contains(&MAX_BODY_BYTES.to_string()));
    assert_eq!(w.held().await, 0);
}

async fn an_invalid_response_is_rejected_by_name_and_the_rest_are_stored(w: &World) {
    let bad_id = response_json("not-a-uuid", 2);
    let (status, json) = w.post_batch(&w.batch(&[response_json(ID_A, 2), response_json(ID_B, 9), bad_id])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["results"][0]["status"], "accepted");
    assert_eq!(json["results"][1]["id"], ID_B);
    assert_eq!(rejected(&json, 1), "responses[1].answers[0].value: face must be 1 to 3, got 9");
    assert!(rejected(&json, 2).starts_with("responses[2].id: "), "{json}");
    assert!(json["results"][2]["id"].is_null());
    assert_eq!(w.held().await, 1, "only the valid response is stored");
    let unknown_form = response_json(ID_B, 2).replace("early-years-check", "school-check");
    let (_, json) = w.post_batch(&w.batch(&[unknown_form])).await;
    assert_eq!(rejected(&json, 0), "responses[0].form_id: unknown form \"school-check\"");
    assert_eq!(w.held().await, 1);
}

async fn a_batch_that_is_too_big_is_refused_whole(w: &World) {
    let items: Vec<String> = (0..=heard_domain::wire::MAX_BATCH_RESPONSES).map(|i| response_json(&format!("6f1c1a52-0d8e-4d4a-9c55-{i:012}"), 2)).collect();
    let (status, json) = w.post_batch(&w.batch(&items)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json["detail"], format!("responses: at most {} responses per batch, got {}", items.len() - 1, items.len()));
    assert_eq!(w.held().await, 0);
}

async fn a_body_that_is_not_json_is_refused(w: &World) {
    let device = Auth::Device(&w.us.device);
    let (status, json) = call(&w.db, "POST", "/api/v1/responses", device, Some(("text/plain", w.batch(&[response_json(ID_A, 2)])))).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json["error"], "not_json");
    let (status, _) = call(&w.db, "POST", "/api/v1/responses", device, None).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(w.held().await, 0);
}

async fn unknown_endpoints_and_methods_answer_json(w: &World) {
    let (status, json) = w.call("GET", "/api/v1/nothing-here", Auth::Anonymous, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["detail"], "no such endpoint: /api/v1/nothing-here");
    let (status, json) = w.call("GET", "/api/v1/responses", Auth::Device(&w.us.device), None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "a device token will never read responses back");
    assert_eq!(json["error"], "method_not_allowed");
}

async fn outcomes_are_stored_once_and_bad_ones_rejected_by_name(w: &World) {
    let case = heard_domain::case::CaseContext::example(3).case.to_string();
    let outcome = |id: &str, what: &str| format!(r#"{{"id":"{id}","case":"{case}","outcome":"{what}","date":"2026-11-20"}}"#);
    let batch = |items: &[String]| format!(r#"{{"key_fingerprint":"{}","outcomes":[{}]}}"#, w.us.fingerprint, items.join(","));
    let post = |body: String| async move { w.call("POST", "/api/v1/outcomes", Auth::Device(&w.us.device), Some(&body)).await };
    let (status, json) = post(batch(&[outcome(ID_A, "stepped_down")])).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["results"][0]["status"], "accepted");
    let (_, json) = post(batch(&[outcome(ID_A, "stepped_down"), outcome(ID_B, "adopted")])).await;
    assert_eq!(json["results"][0]["status"], "already_had");
    assert_eq!(json["results"][1]["status"], "rejected");
    assert!(json["results"][1]["reason"].as_str().unwrap().starts_with("outcomes[1].outcome: unknown variant `adopted`"), "{json}");
    let (_, json) = post(batch(&[outcome(ID_A, "moved_away")])).await;
    assert_eq!(json["results"][0]["status"], "conflict", "a changed outcome never overwrites the first");
    assert_eq!(w.db.count_conflicts().await.unwrap(), 1, "the changed outcome is kept aside for a coordinator");
    let raw = format!(r#"{{"id":"{ID_B}","case":"EH-2024-00123","outcome":"other","date":"2026-11-20"}}"#);
    let (_, json) = post(batch(&[raw])).await;
    assert!(json["results"][0]["reason"].as_str().unwrap().starts_with("outcomes[0].case: "), "a raw reference is refused: {json}");
    let (_, stats) = w.call("GET", "/api/v1/stats", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!((stats["responses"].as_u64(), stats["outcomes"].as_u64()), (Some(0), Some(1)));
    let foreign = format!(r#"{{"key_fingerprint":"{}","outcomes":[]}}"#, w.them.fingerprint);
    assert_eq!(post(foreign).await.0, StatusCode::FORBIDDEN);
}

async fn a_batch_cut_at_any_item_and_resent_whole_leaves_each_response_once(w: &World) {
    // For every cut point k of a batch of n: the first k arrived (their confirmation lost),
    // then the device resends the whole batch. Each response is held exactly once.
    const N: usize = 6;
    let mut held = 0;
    for k in 0..=N {
        let items: Vec<String> = (0..N).map(|i| response_json(&format!("6f1c1a52-0d8e-4d4a-9c55-{k:06}{i:06}"), (i % 3 + 1) as u8)).collect();
        let (status, _) = w.post_batch(&w.batch(&items[..k])).await;
        assert_eq!(status, StatusCode::OK);
        let (status, json) = w.post_batch(&w.batch(&items)).await;
        assert_eq!(status, StatusCode::OK);
        let statuses: Vec<&str> = json["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
        let expected: Vec<&str> = (0..N).map(|i| if i < k { "already_had" } else { "accepted" }).collect();
        assert_eq!(statuses, expected, "cut after {k}");
        held += N as u64;
        assert_eq!(w.held().await, held, "nothing lost or doubled after a cut at {k}");
    }
}

async fn an_id_twice_in_one_batch_is_stored_once(w: &World) {
    // The same response twice, then the same id with other content: stored once, the rest
    // answered as a resend and a conflict, in order.
    let body = w.batch(&[response_json(ID_A, 1), response_json(ID_A, 1), response_json(ID_A, 3), response_json(ID_B, 2)]);
    let (status, json) = w.post_batch(&body).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let statuses: Vec<&str> = json["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["accepted", "already_had", "conflict", "accepted"]);
    assert_eq!(w.held().await, 2);
    assert_eq!(w.db.count_conflicts().await.unwrap(), 1);
}

/// A teen's words, as a tablet sends them, shared or not.
fn words_json(id: &str, share: bool, value: &str) -> String {
    let context = serde_json::to_string(&heard_domain::case::CaseContext::example(3)).unwrap();
    format!(
        r#"{{"id":"{id}","form_id":"teen-check","form_version":1,"lang":"en","date":"2026-11-25","answers":[{{"question_id":"not_working","value":{value}}}],"share":{share},"context":{context}}}"#
    )
}

/// Words a child did not agree to share never stay on the server: a tablet sending them is
/// refused by name, "own_words" is accepted, and those stored before tablets kept them back
/// are rewritten when the server next starts (and only once).
async fn words_a_child_did_not_share_never_stay_on_the_server(backend: common::Backend) {
    let t = common::TestDb::new(backend).await;
    let w = World::new(&t.db).await;
    let secret = r#"{"text":"my stepdad shouts at me"}"#;
    let (status, json) = w.post_batch(&w.batch(&[words_json(ID_A, false, secret)])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(rejected(&json, 0).starts_with("responses[0].answers[0].value: the child did not agree to share"), "{json}");
    assert_eq!(w.held().await, 0);
    let (_, json) = w.post_batch(&w.batch(&[words_json(ID_A, false, r#""own_words""#)])).await;
    assert_eq!(json["results"][0]["status"], "accepted", "{json}");

    // A body stored before: shared words made unshared, as an older server held them.
    w.post_batch(&w.batch(&[words_json(ID_B, true, secret)])).await;
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let held = |raw: sqlx::AnyPool| async move {
        let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM responses").fetch_all(&raw).await.unwrap();
        bodies.join("\n")
    };
    sqlx::query("UPDATE responses SET body = REPLACE(body, '\"share\":true', '\"share\":false')").execute(&raw).await.unwrap();
    sqlx::query("DELETE FROM scrubs").execute(&raw).await.unwrap();
    assert!(held(raw.clone()).await.contains("stepdad"), "the old body holds the words");
    let restarted = heard_server::Db::connect(&t.url).await.unwrap();
    let bodies = held(raw.clone()).await;
    assert!(!bodies.contains("stepdad"), "{bodies}");
    assert_eq!(bodies.matches(r#""own_words""#).count(), 2, "{bodies}");
    // Done once: a body planted after it stays as it is at later starts (no second scan).
    sqlx::query("UPDATE responses SET body = REPLACE(body, '\"own_words\"', '{\"text\":\"planted later\"}') WHERE id = $1")
        .bind(ID_B)
        .execute(&raw)
        .await
        .unwrap();
    assert_eq!(restarted.scrub_unshared_words().await.unwrap(), 0);
    assert!(held(raw.clone()).await.contains("planted later"), "not scanned again");
    restarted.close().await;
    raw.close().await;
    t.finish().await;
}

on_each_backend!(scrub: words_a_child_did_not_share_never_stay_on_the_server);
