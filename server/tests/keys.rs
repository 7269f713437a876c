//! A partnership starts a new key: tablets pick it up sealed on their next contact, answers
//! prepared under the old key are still taken, and a case keeps one pseudonym through links
//! the coordinator's browser computed. Run against both backends.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::{response_json, Auth, World};
use heard_server::auth::sha256_hex;

on_each_backend!(rotation: a_new_key_reaches_tablets_sealed_and_cases_stay_one_case);

/// A response for the case with `pseudonym`.
fn answer(id: &str, pseudonym: &str) -> String {
    let mut r: serde_json::Value = serde_json::from_str(&response_json(id, 2)).unwrap();
    r["context"]["case"] = pseudonym.into();
    r.to_string()
}

fn pseudonym(n: u8) -> String {
    heard_domain::case::Pseudonym::from_digest(&[n; 32]).to_string()
}

async fn a_new_key_reaches_tablets_sealed_and_cases_stay_one_case(backend: common::Backend) {
    let t = common::TestDb::new(backend).await;
    let world = World::new(&t.db).await;
    let w = &world;
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let stored_under = |id: &'static str| {
        let raw = raw.clone();
        async move {
            let (case, body): (String, String) =
                sqlx::query_as("SELECT case_pseudonym, body FROM responses WHERE id = $1").bind(id).fetch_one(&raw).await.unwrap();
            assert!(body.contains(&case), "the body names the same case as its column");
            case
        }
    };
    let coordinator = Auth::Staff(&w.us.coordinator, true);
    let send = |fingerprint: &str, items: &[String]| {
        let body = common::batch_with(fingerprint, items);
        async move { w.post_batch(&body).await }
    };
    let (a_old, a_new, b_old, b_new) = (pseudonym(1), pseudonym(2), pseudonym(3), pseudonym(4));
    assert_eq!(send(&w.us.fingerprint, &[answer("00000000-0000-4000-8000-000000000001", &a_old)]).await.0, StatusCode::OK);

    // A new key, sealed in the browser under a key derived from ours (here a stand-in of the
    // right size: the server can neither open nor check it).
    let new_key = [42u8; 32];
    let new_fingerprint = sha256_hex(&new_key);
    let (_, sealed) = heard_server::demo::seal_for_enrolment(&new_key);
    let rotate = |from: &str, to: &str, sealed: &str| {
        let body = serde_json::json!({"from_fingerprint": from, "fingerprint": to, "sealed_key": sealed}).to_string();
        async move { w.call("POST", "/api/v1/keys", coordinator, Some(&body)).await }
    };
    let (status, json) = rotate(&w.them.fingerprint, &new_fingerprint, &sealed).await;
    assert_eq!(status, StatusCode::CONFLICT, "a key that is not ours in use: {json}");
    let (status, json) = rotate(&w.us.fingerprint, &new_fingerprint, &heard_domain::b64::base64url_encode(&new_key)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the bare key is refused: {json}");
    let body = serde_json::json!({"from_fingerprint": w.us.fingerprint, "fingerprint": new_fingerprint, "sealed_key": sealed}).to_string();
    let (status, _) = w.call("POST", "/api/v1/keys", Auth::Staff(&w.us.analyst, true), Some(&body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "analysts change nothing");
    let (status, me) = rotate(&w.us.fingerprint, &new_fingerprint, &sealed).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["key_fingerprint"], new_fingerprint.as_str());
    assert_eq!(rotate(&w.us.fingerprint, &sha256_hex(&[43; 32]), &sealed).await.0, StatusCode::CONFLICT, "the old key no longer leads");

    // Tablets learn it on their next contact: the key in use and the step to it, sealed.
    let (status, forms) = w.call("GET", "/api/v1/forms", Auth::Device(&w.us.device), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(forms["key_fingerprint"], new_fingerprint.as_str());
    assert_eq!(forms["new_keys"], serde_json::json!([{"from": w.us.fingerprint, "to": new_fingerprint, "sealed_key": sealed}]));
    let (_, theirs) = w.call("GET", "/api/v1/forms", Auth::Device(&w.them.device), None).await;
    assert!(theirs.get("new_keys").is_none(), "another partnership's tablets see nothing of it: {theirs}");

    // A tablet offline since still sends what it prepared under the old key; another
    // partnership's key is still refused.
    assert_eq!(send(&w.us.fingerprint, &[answer("00000000-0000-4000-8000-000000000002", &b_new)]).await.0, StatusCode::OK);
    assert_eq!(send(&new_fingerprint, &[answer("00000000-0000-4000-8000-000000000003", &pseudonym(9))]).await.0, StatusCode::OK);
    assert_eq!(send(&w.them.fingerprint, &[answer("00000000-0000-4000-8000-000000000004", &a_old)]).await.0, StatusCode::FORBIDDEN);

    // The coordinator's browser links the cases it has references for: B was already heard
    // under its new pseudonym (moved to its first), A's later answers go to its first.
    let links = serde_json::json!({"links": [{"old": a_old, "new": a_new}, {"old": b_old, "new": b_new}]}).to_string();
    let (status, linked) = w.call("POST", "/api/v1/keys/links", coordinator, Some(&links)).await;
    assert_eq!(status, StatusCode::OK, "{linked}");
    assert_eq!(linked, serde_json::json!({"linked": 2, "moved": 1}));
    assert_eq!(stored_under("00000000-0000-4000-8000-000000000002").await, b_old);
    assert_eq!(send(&new_fingerprint, &[answer("00000000-0000-4000-8000-000000000005", &a_new)]).await.0, StatusCode::OK);
    assert_eq!(stored_under("00000000-0000-4000-8000-000000000005").await, a_old, "one case, not two");
    // Sent again, it is the same answer.
    let (_, again) = send(&new_fingerprint, &[answer("00000000-0000-4000-8000-000000000005", &a_new)]).await;
    assert_eq!(again["results"][0]["status"], "already_had");
    let (status, _) = w.call("POST", "/api/v1/keys/links", Auth::Staff(&w.us.analyst, true), Some(&links)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A third key: its pseudonyms link back to the first, through the second.
    let third = sha256_hex(&[44; 32]);
    assert_eq!(rotate(&new_fingerprint, &third, &sealed).await.0, StatusCode::OK);
    let a_third = pseudonym(5);
    let links = serde_json::json!({"links": [{"old": a_new, "new": a_third}]}).to_string();
    assert_eq!(w.call("POST", "/api/v1/keys/links", coordinator, Some(&links)).await.1["linked"], 1);
    assert_eq!(send(&third, &[answer("00000000-0000-4000-8000-000000000006", &a_third)]).await.0, StatusCode::OK);
    assert_eq!(stored_under("00000000-0000-4000-8000-000000000006").await, a_old);
    let (_, forms) = w.call("GET", "/api/v1/forms", Auth::Device(&w.us.device), None).await;
    assert_eq!(forms["new_keys"].as_array().unwrap().len(), 2, "a tablet two keys behind walks both steps");

    // Erased at the family's request by the reference typed today (the newest pseudonym): every
    // answer of the case goes, under whichever pseudonym it is kept.
    let body = serde_json::json!({"case": a_third}).to_string();
    let (status, erased) = w.call("POST", "/api/v1/cases/erase", coordinator, Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert_eq!(erased["responses"], 3, "{erased}");
    let (_, later) = send(&new_fingerprint, &[answer("00000000-0000-4000-8000-000000000007", &a_new)]).await;
    assert_eq!(later["results"][0]["status"], "rejected", "nothing more of it is kept: {later}");

    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    let log = log.to_string();
    assert!(log.contains("a new partnership key") && log.contains("2 cases linked"), "{log}");
    assert!(!log.contains(&a_old) && !log.contains(&new_fingerprint), "the log names no case and no key");
    raw.close().await;
    t.finish().await;
}
