//! Who may do what: enrolment, device tokens, staff logins, CSRF, roles, partnerships kept
//! apart, and the audit log. Every test runs on SQLite and PostgreSQL.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::{enrol_new_device, login, login_from, response_json, Auth, World, PASSWORD};
use heard_server::auth::sha256_hex;

on_both_backends!(
    every_endpoint_answers_each_kind_of_caller_as_it_should,
    an_enrolment_code_works_once,
    a_lost_enrolment_reply_is_asked_for_again_by_the_same_tablet_only,
    a_coordinator_removes_a_tablet_that_never_sent_anything,
    a_revoked_device_is_refused_and_told_why,
    a_batch_with_another_partnerships_key_is_refused,
    each_partnership_sees_only_its_own_responses,
    logins_are_rate_limited_per_account_and_address,
    twenty_wrong_passwords_sent_at_once_count_as_twenty,
    one_place_trying_many_accounts_or_codes_waits,
    a_wrong_setup_code_is_refused_before_any_password_is_hashed,
    many_places_guessing_together_make_the_account_wait,
    behind_a_proxy_the_client_address_it_appends_is_the_place,
    failed_logins_are_forgotten_once_they_no_longer_count,
    a_coordinator_lists_the_accounts_and_removes_one_whose_sessions_end_at_once,
    changes_need_the_csrf_token,
    logout_ends_the_session,
    staff_accounts_need_a_real_email_and_a_long_password,
    the_audit_log_records_logins_enrolments_and_revocations,
    a_partnership_is_created_once_per_setup_code_with_only_its_keys_fingerprint,
    an_email_another_partnership_uses_is_not_told_and_each_account_logs_in_to_its_own,
);

const ID: &str = "6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a00aa";

/// (method, path, JSON body) of every endpoint but login and enrol.
fn endpoints(w: &World, device_id: &str) -> Vec<(&'static str, String, Option<String>)> {
    vec![
        ("POST", "/api/v1/responses".into(), Some(w.batch(&[response_json(ID, 2)]))),
        ("POST", "/api/v1/outcomes".into(), Some(format!(r#"{{"key_fingerprint":"{}","outcomes":[]}}"#, w.us.fingerprint))),
        ("GET", "/api/v1/stats".into(), None),
        ("GET", "/api/v1/me".into(), None),
        ("GET", "/api/v1/agencies".into(), None),
        ("POST", "/api/v1/agencies".into(), Some(r#"{"name":"Health Visitors","kind":"health"}"#.into())),
        ("POST", "/api/v1/enrolment-codes".into(), Some(common::code_request(&w.us.agency_id))),
        ("GET", "/api/v1/devices".into(), None),
        ("POST", format!("/api/v1/devices/{device_id}/revoke"), None),
        ("POST", format!("/api/v1/devices/{device_id}/remove"), None),
        ("POST", "/api/v1/users".into(), Some(r#"{"email":"new@north.test","password":"a long enough password","role":"analyst"}"#.into())),
        ("GET", "/api/v1/users".into(), None),
        ("GET", "/api/v1/audit".into(), None),
        ("GET", "/api/v1/dashboard?band=teen".into(), None),
        ("POST", "/api/v1/outcomes/import".into(), Some(format!(r#"{{"key_fingerprint":"{}","outcomes":[]}}"#, w.us.fingerprint))),
        ("GET", "/api/v1/forms".into(), None),
    ]
}

async fn every_endpoint_answers_each_kind_of_caller_as_it_should(w: &World) {
    use StatusCode as S;
    // A second device of ours, revoked, and a spare one for the revoke endpoint to act on.
    let revoked = enrol_new_device(&w.db, &w.us.coordinator, &w.us.agency_id).await;
    let devices = w.call("GET", "/api/v1/devices", Auth::Staff(&w.us.coordinator, false), None).await.1;
    let revoked_id = devices.as_array().unwrap().last().unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(w.call("POST", &format!("/api/v1/devices/{revoked_id}/revoke"), Auth::Staff(&w.us.coordinator, true), None).await.0, S::OK);

    let callers: [(&str, Auth); 6] = [
        ("anonymous", Auth::Anonymous),
        ("device", Auth::Device(&w.us.device)),
        ("revoked device", Auth::Device(&revoked)),
        ("coordinator", Auth::Staff(&w.us.coordinator, true)),
        ("analyst", Auth::Staff(&w.us.analyst, true)),
        ("other partnership's coordinator", Auth::Staff(&w.them.coordinator, true)),
    ];
    // Expected status per endpoint, in the order of `callers`.
    let expected: [[S; 6]; 16] = [
        // anonymous, device, revoked, coordinator, analyst, other coordinator
        [S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED], // POST responses
        [S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED], // POST outcomes
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::OK, S::OK],                  // GET stats
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::OK, S::OK],                  // GET me
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::OK, S::OK],                  // GET agencies
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::OK],           // POST agencies
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::NOT_FOUND],    // POST enrolment code (our agency)
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::OK, S::OK],                  // GET devices
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::NOT_FOUND],    // revoke our device
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::NOT_FOUND],    // remove it (never used)
        // POST users: the same email in another partnership is not refused (nor told of).
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::OK],
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::OK], // GET users
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::OK], // GET audit
        // GET dashboard: these few cases are too few to show safely, to anyone allowed to ask.
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNPROCESSABLE_ENTITY, S::UNPROCESSABLE_ENTITY, S::UNPROCESSABLE_ENTITY],
        [S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::BAD_REQUEST], // import outcomes (our key)
        [S::UNAUTHORIZED, S::OK, S::FORBIDDEN, S::UNAUTHORIZED, S::UNAUTHORIZED, S::UNAUTHORIZED], // GET forms
    ];
    let mut wrong = Vec::new();
    for (k, (name, auth)) in callers.iter().enumerate() {
        // A fresh device to revoke for each caller, so "OK" means this caller revoked it.
        let target = enrol_new_device(&w.db, &w.us.coordinator, &w.us.agency_id).await;
        let list = w.call("GET", "/api/v1/devices", Auth::Staff(&w.us.coordinator, false), None).await.1;
        let target_id = list.as_array().unwrap().last().unwrap()["id"].as_str().unwrap().to_string();
        drop(target);
        for (e, (method, path, body)) in endpoints(w, &target_id).into_iter().enumerate() {
            let (status, json) = w.call(method, &path, *auth, body.as_deref()).await;
            assert!(json["error"].is_string() || status == S::OK, "{method} {path} as {name}: {status} without an error body: {json}");
            if status != expected[e][k] {
                wrong.push(format!("{method} {path} as {name}: got {status}, expected {} ({json})", expected[e][k]));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A code for our agency, as the coordinator issues it.
async fn new_code(w: &World) -> String {
    let body = common::code_request(&w.us.agency_id);
    let (_, code) = w.call("POST", "/api/v1/enrolment-codes", Auth::Staff(&w.us.coordinator, true), Some(&body)).await;
    code["code"].as_str().unwrap().to_string()
}

async fn devices(w: &World) -> Vec<serde_json::Value> {
    w.call("GET", "/api/v1/devices", Auth::Staff(&w.us.coordinator, false), None).await.1.as_array().unwrap().clone()
}

async fn a_lost_enrolment_reply_is_asked_for_again_by_the_same_tablet_only(w: &World) {
    let enrol = |code: &str, id: Option<&str>| {
        let body = match id {
            Some(id) => serde_json::json!({"code": code, "enrolment_id": id}),
            None => serde_json::json!({"code": code}),
        }
        .to_string();
        async move { w.call("POST", "/api/v1/enrol", Auth::Anonymous, Some(&body)).await }
    };
    let before = devices(w).await.len();
    let code = new_code(w).await;
    let tablet = "5b0c1f6e2d3a4c7b8e9f0a1b2c3d4e5f";
    let (status, first) = enrol(&code, Some(tablet)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    // The reply was lost on the way back: the same tablet asks again with the same code.
    let (status, again) = enrol(&code, Some(tablet)).await;
    assert_eq!(status, StatusCode::OK, "the same enrolment is answered again: {again}");
    assert_ne!(again["device_token"], first["device_token"], "with a new token");
    assert_eq!(devices(w).await.len(), before + 1, "one device, not a second one nobody holds");
    let token = again["device_token"].as_str().unwrap();
    let (status, _) = w.call("POST", "/api/v1/responses", Auth::Device(token), Some(&w.batch(&[response_json(ID, 2)]))).await;
    assert_eq!(status, StatusCode::OK, "the token it got works");
    let (status, _) = w.call("POST", "/api/v1/responses", Auth::Device(first["device_token"].as_str().unwrap()), Some(&w.batch(&[]))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the lost one no longer does");
    // Once the tablet has sent, the code is spent for good, even for it.
    assert_eq!(enrol(&code, Some(tablet)).await.0, StatusCode::BAD_REQUEST);

    // Never to another tablet, nor to one that sends no enrolment id.
    let code = new_code(w).await;
    assert_eq!(enrol(&code, Some(tablet)).await.0, StatusCode::OK);
    let (status, other) = enrol(&code, Some("0123456789abcdef0123456789abcdef")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{other}");
    assert!(other["detail"].as_str().unwrap().contains("already used"), "{other}");
    assert_eq!(enrol(&code, None).await.0, StatusCode::BAD_REQUEST);
    let (status, short) = enrol(&new_code(w).await, Some("guessable")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an enrolment id is long and random: {short}");
    // And not after the short window.
    let code = new_code(w).await;
    assert_eq!(enrol(&code, Some(tablet)).await.0, StatusCode::OK);
    let normalised = heard_domain::enrolment::normalise_code(&code).unwrap();
    let (code_hash, id_hash) = (sha256_hex(normalised.as_bytes()), sha256_hex(tablet.as_bytes()));
    let later = heard_server::auth::now() + heard_domain::access::ENROL_RETRY_SECS + 60;
    let late = w.db.enrol(&code_hash, Some(&id_hash), &sha256_hex(b"late token"), later, heard_domain::access::ENROL_RETRY_SECS).await.unwrap();
    assert!(late.is_none(), "a retry after the window is refused");
    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    assert!(log.to_string().contains("asked again: the first reply did not reach the tablet"), "{log}");
}

async fn a_coordinator_removes_a_tablet_that_never_sent_anything(w: &World) {
    let used = devices(w).await[0]["id"].as_str().unwrap().to_string();
    w.post_batch(&w.batch(&[response_json(ID, 2)])).await;
    enrol_new_device(&w.db, &w.us.coordinator, &w.us.agency_id).await;
    let listed = devices(w).await;
    let unused = listed.iter().find(|d| d["last_sync_at"].is_null()).expect("the new tablet shows as never used")["id"].as_str().unwrap().to_string();
    let remove = |id: &str| {
        let path = format!("/api/v1/devices/{id}/remove");
        async move { w.call("POST", &path, Auth::Staff(&w.us.coordinator, true), None).await }
    };
    let (status, json) = remove(&used).await;
    assert_eq!(status, StatusCode::CONFLICT, "a tablet that sent answers can only be revoked: {json}");
    let (status, json) = remove(&unused).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(devices(w).await.len(), listed.len() - 1);
    assert_eq!(remove(&unused).await.0, StatusCode::NOT_FOUND);
    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    assert!(log.to_string().contains(&format!("device {unused} removed")), "{log}");
}

async fn an_enrolment_code_works_once(w: &World) {
    let body = common::code_request(&w.us.agency_id);
    let (_, code) = w.call("POST", "/api/v1/enrolment-codes", Auth::Staff(&w.us.coordinator, true), Some(&body)).await;
    let code = code["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 11, "shown as ABCDE-FGHJK: {code}");
    let typed = format!(r#"{{"code":" {} "}}"#, code.to_lowercase());
    let (status, reply) = w.call("POST", "/api/v1/enrol", Auth::Anonymous, Some(&typed)).await;
    assert_eq!(status, StatusCode::OK, "codes are forgiving about case and spaces: {reply}");
    assert_eq!(reply["agency"], "North School");
    assert_eq!(reply["key_fingerprint"], w.us.fingerprint.as_str());
    let (status, again) = w.call("POST", "/api/v1/enrol", Auth::Anonymous, Some(&typed)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(again["detail"].as_str().unwrap().contains("already used"), "{again}");
    let (status, _) = w.call("POST", "/api/v1/enrol", Auth::Anonymous, Some(r#"{"code":"nonsense"}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The new token works.
    let token = reply["device_token"].as_str().unwrap();
    let (status, _) = w.call("POST", "/api/v1/responses", Auth::Device(token), Some(&w.batch(&[response_json(ID, 1)]))).await;
    assert_eq!(status, StatusCode::OK);
}

async fn a_revoked_device_is_refused_and_told_why(w: &World) {
    let devices = w.call("GET", "/api/v1/devices", Auth::Staff(&w.us.coordinator, false), None).await.1;
    let id = devices[0]["id"].as_str().unwrap().to_string();
    assert_eq!(devices[0]["revoked"], false);
    w.call("POST", &format!("/api/v1/devices/{id}/revoke"), Auth::Staff(&w.us.coordinator, true), None).await;
    let (status, json) = w.post_batch(&w.batch(&[response_json(ID, 2)])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["error"], "device_revoked", "a code the tablet says in its own words");
    assert!(json["detail"].as_str().unwrap().contains("revoked"), "{json}");
    assert_eq!(w.held().await, 0);
    // A token the server never issued is told apart from a revoked one.
    let (status, json) = w.call("POST", "/api/v1/responses", Auth::Device("not-a-token-this-server-issued"), Some(&w.batch(&[response_json(ID, 2)]))).await;
    assert_eq!((status, json["error"].as_str().unwrap()), (StatusCode::UNAUTHORIZED, "device_unknown"));
    let devices = w.call("GET", "/api/v1/devices", Auth::Staff(&w.us.coordinator, false), None).await.1;
    assert_eq!(devices[0]["revoked"], true);
}

async fn a_batch_with_another_partnerships_key_is_refused(w: &World) {
    let foreign = common::batch_with(&w.them.fingerprint, &[response_json(ID, 2)]);
    let (status, json) = w.post_batch(&foreign).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["error"], "wrong_partnership");
    assert!(json["detail"].as_str().unwrap().contains("another partnership's key"));
    assert_eq!(w.held().await, 0);
}

async fn each_partnership_sees_only_its_own_responses(w: &World) {
    w.post_batch(&w.batch(&[response_json(ID, 2)])).await;
    let theirs = common::batch_with(&w.them.fingerprint, &[response_json("6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a00bb", 3)]);
    let (status, _) = w.call("POST", "/api/v1/responses", Auth::Device(&w.them.device), Some(&theirs)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(w.held().await, 1);
    let (_, stats) = w.call("GET", "/api/v1/stats", Auth::Staff(&w.them.analyst, false), None).await;
    assert_eq!(stats["responses"], 1);
    let (_, devices) = w.call("GET", "/api/v1/devices", Auth::Staff(&w.them.coordinator, false), None).await;
    assert_eq!(devices.as_array().unwrap().len(), 1, "they see their own device only");
}

/// Before, each login read the count of failures and then checked the password: twenty sent
/// at once all read "none yet", and all twenty were checked.
async fn twenty_wrong_passwords_sent_at_once_count_as_twenty(w: &World) {
    const AWAY: &str = "203.0.113.20";
    let guesses = (0..20).map(|n| login_from(&w.db, "coordinator@north.test", if n == 19 { PASSWORD } else { "wrong password" }, AWAY));
    let answers = futures::future::join_all(guesses).await;
    let checked = answers.iter().filter(|a| matches!(a, Err((StatusCode::UNAUTHORIZED, _)) | Ok(_))).count();
    let waited = answers.iter().filter(|a| matches!(a, Err((StatusCode::TOO_MANY_REQUESTS, _)))).count();
    assert!(checked <= 5, "at most five passwords checked from one place, as if sent one by one: {checked} checked, {waited} told to wait");
    assert_eq!(checked + waited, 20);
    let (status, _) = login_from(&w.db, "coordinator@north.test", PASSWORD, AWAY).await.unwrap_err();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "that place waits now");
}

/// One place trying many accounts, or many enrolment codes, waits after a hundred failures in
/// all, whatever they were for; other places do not.
async fn one_place_trying_many_accounts_or_codes_waits(w: &World) {
    const AWAY: &str = "203.0.113.30";
    let enrol_from = |ip: &'static str| async move {
        let mut req = axum::http::Request::post("/api/v1/enrol")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(r#"{"code":"ABCDE-FGHJK"}"#))
            .unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(ip.parse().unwrap(), 4000)));
        let r = tower::ServiceExt::oneshot(heard_server::app(heard_server::AppState::new(w.db.clone())), req).await.unwrap();
        r.status()
    };
    for n in 0..95 {
        assert_eq!(enrol_from(AWAY).await, StatusCode::BAD_REQUEST, "wrong code {n}");
    }
    for n in 0..5 {
        let (status, _) = login_from(&w.db, &format!("guess-{n}@north.test"), "wrong password", AWAY).await.unwrap_err();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(enrol_from(AWAY).await, StatusCode::TOO_MANY_REQUESTS, "the hundred-and-first wrong code waits");
    let (status, json) = login_from(&w.db, "coordinator@north.test", PASSWORD, AWAY).await.unwrap_err();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{json}");
    assert_eq!(json["detail"], "too many failed attempts from here; wait 15 minutes and try again");
    assert_eq!(enrol_from("203.0.113.31").await, StatusCode::BAD_REQUEST, "another place is not affected");
    assert!(login_from(&w.db, "coordinator@north.test", PASSWORD, "203.0.113.31").await.is_ok());
}

/// A wrong setup code is answered without hashing the password (tens of milliseconds of a core
/// and 19 MiB each): before, every try with any code cost a hash.
async fn a_wrong_setup_code_is_refused_before_any_password_is_hashed(w: &World) {
    let started = std::time::Instant::now();
    heard_server::auth::hash_password(PASSWORD);
    let one_hash = started.elapsed();
    let body =
        serde_json::json!({"setup_code": "ABCDE-FGHJK", "name": "Nowhere", "key_fingerprint": "b".repeat(64), "email": "x@nowhere.test", "password": PASSWORD})
            .to_string();
    let started = std::time::Instant::now();
    for _ in 0..10 {
        let (status, json) = w.call("POST", "/api/v1/partnerships", Auth::Anonymous, Some(&body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
        assert!(json["detail"].as_str().unwrap().starts_with("setup_code:"), "{json}");
    }
    assert!(started.elapsed() < one_hash * 4, "ten wrong codes took {:?}; one hash takes {one_hash:?}", started.elapsed());
}

/// The enrolment text no longer holds the partnership key: the key is left here sealed under a
/// secret only the text holds, given once to the tablet that spends the code, then deleted. So
/// neither an old message (code and secret, after the release) nor the database (the sealed key,
/// without the secret) gives the key.
async fn the_partnership_key_is_released_sealed_once_then_deleted(backend: common::Backend) {
    let t = common::TestDb::new(backend).await;
    let world = World::new(&t.db).await;
    let w = &world;
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let held = |code: String| {
        let raw = raw.clone();
        let hash = sha256_hex(heard_domain::enrolment::normalise_code(&code).unwrap().as_bytes());
        async move {
            sqlx::query_scalar::<_, Option<String>>("SELECT sealed_key FROM enrolment_codes WHERE code_hash = $1")
                .bind(hash)
                .fetch_optional(&raw)
                .await
                .unwrap()
                .flatten()
        }
    };
    let issue = |sealed: String| {
        let body = serde_json::json!({"agency_id": w.us.agency_id, "sealed_key": sealed}).to_string();
        async move { w.call("POST", "/api/v1/enrolment-codes", Auth::Staff(&w.us.coordinator, true), Some(&body)).await }
    };
    let enrol = |code: String, id: Option<&'static str>| {
        let body = match id {
            Some(id) => serde_json::json!({"code": code, "enrolment_id": id}),
            None => serde_json::json!({"code": code}),
        }
        .to_string();
        async move { w.call("POST", "/api/v1/enrol", Auth::Anonymous, Some(&body)).await }
    };

    // The coordinator's browser seals our key; the server keeps only the sealed key.
    let (secret, sealed) = heard_server::demo::seal_for_enrolment(&w.us.key);
    let (status, issued) = issue(sealed.clone()).await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    let code = issued["code"].as_str().unwrap().to_string();
    let kept = held(code.clone()).await.expect("kept until the tablet comes");
    assert_eq!(kept, sealed);
    assert_eq!(heard_server::demo::open_enrolment_key(&[0; 16], &kept), None, "a database dump without the text's secret opens nothing");
    // The tablet spends the code and opens the key with the text's secret; the server deletes it.
    let (status, reply) = enrol(code.clone(), None).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let opened = heard_server::demo::open_enrolment_key(&secret, reply["sealed_key"].as_str().unwrap()).expect("the secret opens it");
    assert_eq!((opened, sha256_hex(&opened)), (w.us.key, reply["key_fingerprint"].as_str().unwrap().to_string()));
    assert_eq!(held(code.clone()).await, None, "released once, then deleted");
    // An old message (code and secret) later gives nothing.
    let (status, again) = enrol(code.clone(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{again}");
    assert!(again.get("sealed_key").is_none());

    // The key itself, or nothing, is refused: only a sealed key is taken.
    for (body, what) in [
        (serde_json::json!({"agency_id": w.us.agency_id}), "no sealed key"),
        (serde_json::json!({"agency_id": w.us.agency_id, "sealed_key": heard_domain::b64::base64url_encode(&w.us.key)}), "the bare key"),
        (serde_json::json!({"agency_id": w.us.agency_id, "sealed_key": "not base64!"}), "not base64"),
    ] {
        let (status, json) = w.call("POST", "/api/v1/enrolment-codes", Auth::Staff(&w.us.coordinator, true), Some(&body.to_string())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {json}");
        assert!(json["detail"].as_str().unwrap().contains("sealed_key"), "{what}: {json}");
    }
    // A tablet that may retry (it sent an enrolment id) gets the same sealed key again within
    // the window; after it, the code and its sealed key are deleted.
    let (_, sealed) = heard_server::demo::seal_for_enrolment(&w.us.key);
    let code = issue(sealed.clone()).await.1["code"].as_str().unwrap().to_string();
    let tablet = "5b0c1f6e2d3a4c7b8e9f0a1b2c3d4e5f";
    assert_eq!(enrol(code.clone(), Some(tablet)).await.1["sealed_key"], sealed.as_str());
    assert_eq!(enrol(code.clone(), Some(tablet)).await.1["sealed_key"], sealed.as_str(), "the lost reply is asked for again");
    w.db.forget_expired(heard_server::auth::now() + heard_domain::access::ENROL_RETRY_SECS + 60).await.unwrap();
    assert_eq!(held(code.clone()).await, None, "gone once no retry can come");
    // A code that was never spent takes its sealed key with it when it expires.
    let (_, sealed) = heard_server::demo::seal_for_enrolment(&w.us.key);
    let unspent = issue(sealed).await.1["code"].as_str().unwrap().to_string();
    w.db.forget_expired(heard_server::auth::now() + 8 * 24 * 60 * 60).await.unwrap();
    assert_eq!(held(unspent).await, None);

    raw.close().await;
    t.finish().await;
}

/// Codes made before keys were sealed carry the key in their text: they stop working.
async fn codes_made_before_keys_were_sealed_cannot_be_spent(backend: common::Backend) {
    let t = common::TestDb::new(backend).await;
    let w = World::new(&t.db).await;
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let code = "ABCDEFGHJK";
    sqlx::query("INSERT INTO enrolment_codes (code_hash, agency_id, created_by, created_at, expires_at) VALUES ($1, $2, 'old', $3, $4)")
        .bind(sha256_hex(code.as_bytes()))
        .bind(&w.us.agency_id)
        .bind(heard_server::auth::now())
        .bind(heard_server::auth::now() + 3600)
        .execute(&raw)
        .await
        .unwrap();
    let (status, json) = w.call("POST", "/api/v1/enrol", Auth::Anonymous, Some(&serde_json::json!({"code": code}).to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    raw.close().await;
    t.finish().await;
}

async fn expired_sessions_and_spent_codes_are_deleted(backend: common::Backend) {
    let t = common::TestDb::new(backend).await;
    let w = World::new(&t.db).await;
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let count = |sql: &'static str| {
        let raw = raw.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&raw).await.unwrap() }
    };
    assert!(count("SELECT COUNT(*) FROM sessions").await >= 4, "the world's logins");
    assert!(count("SELECT COUNT(*) FROM enrolment_codes").await >= 2, "the world's enrolments");
    // Now: nothing still usable is deleted.
    w.db.forget_expired(heard_server::auth::now()).await.unwrap();
    let (status, _) = w.call("GET", "/api/v1/me", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(status, StatusCode::OK, "a live session stays");
    // A day later every session has expired and every code is spent or expired: all gone.
    w.db.forget_expired(heard_server::auth::now() + 24 * 60 * 60).await.unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(count("SELECT COUNT(*) FROM enrolment_codes").await, 0);
    raw.close().await;
    t.finish().await;
}

on_each_backend!(
    sealed: the_partnership_key_is_released_sealed_once_then_deleted,
    codes_made_before_keys_were_sealed_cannot_be_spent
);

on_each_backend!(expiry: expired_sessions_and_spent_codes_are_deleted);

async fn logins_are_rate_limited_per_account_and_address(w: &World) {
    const AWAY: &str = "203.0.113.9";
    for _ in 0..5 {
        let (status, json) = login_from(&w.db, "coordinator@north.test", "wrong password", AWAY).await.unwrap_err();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(json["detail"], "that email and password do not match an account");
    }
    let (status, json) = login_from(&w.db, "coordinator@north.test", PASSWORD, AWAY).await.unwrap_err();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits: {json}");
    assert_eq!(json["detail"], "too many failed logins for this account from here; wait 15 minutes and try again");
    // Whoever typed them cannot lock the coordinator out: from elsewhere the account opens.
    let session = login(&w.db, "coordinator@north.test", PASSWORD).await.expect("the coordinator, from their own desk");
    // Another account is not affected, and an unknown email answers like a wrong password.
    assert!(login_from(&w.db, "analyst@north.test", PASSWORD, AWAY).await.is_ok());
    let (status, json) = login(&w.db, "nobody@north.test", PASSWORD).await.unwrap_err();
    assert_eq!((status, json["detail"].as_str().unwrap()), (StatusCode::UNAUTHORIZED, "that email and password do not match an account"));
    // The partnership hears of the run of wrong passwords and of the wait, naming nobody as
    // having typed them (not each one: a flood would push everything else out of the log).
    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&session, false), None).await;
    let failed: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "login_failed")
        .map(|e| (e["actor"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        failed,
        [
            ("(login attempt)", "5 wrong passwords in a row for coordinator@north.test from one place: logins from there wait 15 minutes"),
            ("(login attempt)", "a wrong password for coordinator@north.test"),
        ]
    );
    assert!(log.as_array().unwrap().iter().all(|e| !e["detail"].as_str().unwrap().contains("nobody")), "no partnership hears of unknown emails");
}

async fn many_places_guessing_together_make_the_account_wait(w: &World) {
    // Ten addresses, five wrong passwords each: no one place is stopped, the account is.
    for n in 0..10 {
        for _ in 0..5 {
            let (status, _) = login_from(&w.db, "analyst@north.test", "wrong password", &format!("198.51.100.{n}")).await.unwrap_err();
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    let (status, json) = login_from(&w.db, "analyst@north.test", PASSWORD, "192.0.2.77").await.unwrap_err();
    assert_eq!(
        (status, json["detail"].as_str().unwrap()),
        (StatusCode::TOO_MANY_REQUESTS, "too many failed logins for this account; wait 15 minutes and try again")
    );
    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(log[0]["detail"], "50 wrong passwords for analyst@north.test in 15 minutes, from several places: every login to it waits 15 minutes");
    // An IPv6 address counts by its /64: a household's many addresses are one place.
    for i in 1..=5 {
        login_from(&w.db, "coordinator@north.test", "wrong password", &format!("2001:db8:1:2::{i}")).await.unwrap_err();
    }
    assert_eq!(login_from(&w.db, "coordinator@north.test", PASSWORD, "2001:db8:1:2:ffff::9").await.unwrap_err().0, StatusCode::TOO_MANY_REQUESTS);
    assert!(login_from(&w.db, "coordinator@north.test", PASSWORD, "2001:db8:1:3::1").await.is_ok(), "the next /64 is another place");
}

async fn behind_a_proxy_the_client_address_it_appends_is_the_place(w: &World) {
    use common::login_through;
    const PROXY: &str = "127.0.0.1";
    // The client may send its own X-Forwarded-For; the proxy appends the address it saw last.
    for spoof in ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"] {
        let forwarded = format!("{spoof}, 203.0.113.50");
        assert_eq!(login_through(&w.db, "coordinator@north.test", "wrong", PROXY, Some(&forwarded), true).await.unwrap_err().0, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = login_through(&w.db, "coordinator@north.test", PASSWORD, PROXY, Some("10.0.0.6, 203.0.113.50"), true).await.unwrap_err();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a made-up address in front does not get round the wait");
    assert!(
        login_through(&w.db, "coordinator@north.test", PASSWORD, PROXY, Some("203.0.113.51"), true).await.is_ok(),
        "another client through the same proxy logs in"
    );
    // A proxy that writes the client's port too is read the same.
    assert!(login_through(&w.db, "coordinator@north.test", PASSWORD, PROXY, Some("203.0.113.52:4711"), true).await.is_ok());
    for _ in 0..5 {
        login_through(&w.db, "analyst@north.test", "wrong", PROXY, Some("[2001:db8:9::1]:80"), true).await.unwrap_err();
    }
    let (status, _) = login_through(&w.db, "analyst@north.test", PASSWORD, PROXY, Some("2001:db8:9::2"), true).await.unwrap_err();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the bracketed address with a port is the same /64");
    assert!(login_through(&w.db, "analyst@north.test", PASSWORD, PROXY, Some("203.0.113.53"), true).await.is_ok());
    // Without --behind-proxy the header is the client's own, and not believed.
    for spoof in ["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4", "10.0.1.5"] {
        let (status, _) = login_through(&w.db, "coordinator@north.test", "wrong", "198.51.100.200", Some(spoof), false).await.unwrap_err();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_from(&w.db, "coordinator@north.test", PASSWORD, "198.51.100.200").await.unwrap_err().0, StatusCode::TOO_MANY_REQUESTS);
}

async fn failed_logins_are_forgotten_once_they_no_longer_count(w: &World) {
    let t = heard_server::auth::now();
    w.db.record_login_failure("old@north.test", "192.0.2.5", t - 3600).await.unwrap();
    w.db.record_login_failure("new@north.test", "192.0.2.6", t).await.unwrap();
    assert_eq!(w.db.login_failures_since("old@north.test", "192.0.2.5", 0).await.unwrap(), (1, 1));
    // What the server forgets every minute: what is older than the 15 minutes that count.
    w.db.forget_login_failures(t - heard_server::auth::LOCKOUT_SECS).await.unwrap();
    assert_eq!(w.db.login_failures_since("old@north.test", "192.0.2.5", 0).await.unwrap(), (0, 0), "its address is not kept");
    assert_eq!(w.db.login_failures_since("new@north.test", "192.0.2.6", 0).await.unwrap(), (1, 1));
}

async fn a_coordinator_lists_the_accounts_and_removes_one_whose_sessions_end_at_once(w: &World) {
    let body = r#"{"email":"leaver@north.test","password":"a long enough password","role":"analyst"}"#;
    assert_eq!(w.call("POST", "/api/v1/users", Auth::Staff(&w.us.coordinator, true), Some(body)).await.0, StatusCode::OK);
    let leaver = login(&w.db, "leaver@north.test", "a long enough password").await.expect("the new analyst logs in");
    let (status, users) = w.call("GET", "/api/v1/users", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<(&str, &str)> = users.as_array().unwrap().iter().map(|u| (u["email"].as_str().unwrap(), u["role"].as_str().unwrap())).collect();
    assert_eq!(listed, [("coordinator@north.test", "coordinator"), ("analyst@north.test", "analyst"), ("leaver@north.test", "analyst")], "coordinators first");
    let id_of = |email: &str| users.as_array().unwrap().iter().find(|u| u["email"] == email).unwrap()["id"].as_str().unwrap().to_string();
    let remove = |id: String| format!("/api/v1/users/{id}/remove");

    // Not by an analyst, not without the CSRF token, not one's own, not another partnership's.
    assert_eq!(w.call("POST", &remove(id_of("leaver@north.test")), Auth::Staff(&w.us.analyst, true), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(w.call("POST", &remove(id_of("leaver@north.test")), Auth::Staff(&w.us.coordinator, false), None).await.0, StatusCode::FORBIDDEN);
    let (status, json) = w.call("POST", &remove(id_of("coordinator@north.test")), Auth::Staff(&w.us.coordinator, true), None).await;
    assert_eq!((status, json["detail"].as_str().unwrap()), (StatusCode::CONFLICT, "you cannot remove your own account; another coordinator can"));
    let (_, theirs) = w.call("GET", "/api/v1/users", Auth::Staff(&w.them.coordinator, false), None).await;
    let their_analyst = theirs.as_array().unwrap().iter().find(|u| u["role"] == "analyst").unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(w.call("POST", &remove(their_analyst), Auth::Staff(&w.us.coordinator, true), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(w.call("GET", "/api/v1/me", Auth::Staff(&leaver, false), None).await.0, StatusCode::OK, "still in, so far");

    let (status, _) = w.call("POST", &remove(id_of("leaver@north.test")), Auth::Staff(&w.us.coordinator, true), None).await;
    assert_eq!(status, StatusCode::OK);
    // The session open on their browser ends, and the password no longer opens anything.
    assert_eq!(w.call("GET", "/api/v1/dashboard", Auth::Staff(&leaver, false), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login(&w.db, "leaver@north.test", "a long enough password").await.unwrap_err().0, StatusCode::UNAUTHORIZED);
    let (_, users) = w.call("GET", "/api/v1/users", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(users.as_array().unwrap().len(), 2);
    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(log[0]["action"], "user_removed");
    assert_eq!(log[0]["detail"], "leaver@north.test removed");
    // Removing again: nothing there.
    assert_eq!(w.call("POST", &remove(id_of("leaver@north.test")), Auth::Staff(&w.us.coordinator, true), None).await.0, StatusCode::NOT_FOUND);
    // A coordinator removed a moment before (by another, at the same time) removes no one.
    let (_, me) = w.call("GET", "/api/v1/me", Auth::Staff(&w.us.coordinator, false), None).await;
    let partnership = w.db.partnership_by_name(me["partnership"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(w.db.remove_user(&partnership, &id_of("analyst@north.test"), &id_of("leaver@north.test")).await.unwrap(), None);
    assert_eq!(w.call("GET", "/api/v1/me", Auth::Staff(&w.us.analyst, false), None).await.0, StatusCode::OK, "the analyst is still there");
}

async fn changes_need_the_csrf_token(w: &World) {
    let body = r#"{"name":"Police Team","kind":"police"}"#;
    let (status, json) = w.call("POST", "/api/v1/agencies", Auth::Staff(&w.us.coordinator, false), Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(json["detail"].as_str().unwrap().contains("x-csrf-token"));
    let (_, agencies) = w.call("GET", "/api/v1/agencies", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(agencies.as_array().unwrap().len(), 1, "nothing was created");
    let (status, agency) = w.call("POST", "/api/v1/agencies", Auth::Staff(&w.us.coordinator, true), Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(agency["kind"], "police");
    // The same name again (in other letters' case) is refused: it would split the agency's rows.
    let again = r#"{"name":" police team","kind":"school"}"#;
    let (status, json) = w.call("POST", "/api/v1/agencies", Auth::Staff(&w.us.coordinator, true), Some(again)).await;
    assert_eq!((status, json["detail"].as_str().unwrap()), (StatusCode::CONFLICT, "name: the partnership already has an agency called police team"));
    let (_, agencies) = w.call("GET", "/api/v1/agencies", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(agencies.as_array().unwrap().len(), 2, "still one Police Team");
}

async fn logout_ends_the_session(w: &World) {
    let session = login(&w.db, "analyst@north.test", PASSWORD).await.unwrap();
    assert_eq!(w.call("GET", "/api/v1/me", Auth::Staff(&session, false), None).await.0, StatusCode::OK);
    assert_eq!(w.call("POST", "/api/v1/logout", Auth::Staff(&session, true), None).await.0, StatusCode::OK);
    let (status, json) = w.call("GET", "/api/v1/me", Auth::Staff(&session, false), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
}

async fn staff_accounts_need_a_real_email_and_a_long_password(w: &World) {
    let coordinator = Auth::Staff(&w.us.coordinator, true);
    let (status, json) =
        w.call("POST", "/api/v1/users", coordinator, Some(r#"{"email":"not-an-email","password":"long enough password","role":"analyst"}"#)).await;
    assert_eq!((status, json["detail"].as_str().unwrap()), (StatusCode::BAD_REQUEST, "email: that is not an email address"));
    let (status, json) = w.call("POST", "/api/v1/users", coordinator, Some(r#"{"email":"a@north.test","password":"short","role":"analyst"}"#)).await;
    assert_eq!((status, json["detail"].as_str().unwrap()), (StatusCode::BAD_REQUEST, "password: at least 12 characters"));
    let (status, json) =
        w.call("POST", "/api/v1/users", coordinator, Some(r#"{"email":"a@north.test","password":"long enough password","role":"boss"}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["detail"].as_str().unwrap().starts_with("role: unknown variant `boss`"), "{json}");
    let (status, _) =
        w.call("POST", "/api/v1/users", coordinator, Some(r#"{"email":" A@North.test ","password":"long enough password","role":"analyst"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(login(&w.db, "a@north.test", "long enough password").await.is_ok());
}

async fn the_audit_log_records_logins_enrolments_and_revocations(w: &World) {
    let devices = w.call("GET", "/api/v1/devices", Auth::Staff(&w.us.coordinator, false), None).await.1;
    let id = devices[0]["id"].as_str().unwrap().to_string();
    w.call("POST", &format!("/api/v1/devices/{id}/revoke"), Auth::Staff(&w.us.coordinator, true), None).await;
    let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["login", "enrolment_code_issued", "device_enrolled", "device_revoked"] {
        assert!(actions.contains(&action), "{action} missing from {actions:?}");
    }
    assert_eq!(actions[0], "device_revoked", "newest first");
    let text = log.to_string();
    assert!(!text.contains(&w.us.device), "no token in the audit log");
    assert!(!text.contains("South"), "no other partnership's entries");
}

async fn a_partnership_is_created_once_per_setup_code_with_only_its_keys_fingerprint(w: &World) {
    use heard_server::auth::{now, sha256_hex};
    let t = now();
    w.db.create_setup_code(&sha256_hex(b"ABCDEFGHJK"), t, t + 3600).await.unwrap();
    w.db.create_setup_code(&sha256_hex(b"KJHGFEDCBA"), t - 7200, t - 3600).await.unwrap();
    let fingerprint = "f".repeat(64);
    let body = |code: &str, fingerprint: &str, email: &str, password: &str| {
        serde_json::json!({"setup_code": code, "name": "  East Partnership ", "key_fingerprint": fingerprint, "email": email, "password": password}).to_string()
    };
    let post = |b: String| async move { w.call("POST", "/api/v1/partnerships", Auth::Anonymous, Some(&b)).await };
    // Each mistake named, and the code still usable afterwards.
    for (b, named) in [
        (body("ABCDE-FGHJK", "F00D", "lead@east.test", PASSWORD), "key_fingerprint"),
        (body("ABCDE-FGHJK", &fingerprint, "lead@east.test", "short"), "password"),
        (body("KJHGF-EDCBA", &fingerprint, "lead@east.test", PASSWORD), "setup_code"),
        (body("ABCDE-FGHJ", &fingerprint, "lead@east.test", PASSWORD), "setup_code"),
    ] {
        let (status, json) = post(b).await;
        assert!(status.is_client_error(), "{json}");
        assert!(json["detail"].as_str().unwrap().starts_with(named), "{named}: {json}");
    }
    let (status, me) = post(body("abcde-fghjk", &fingerprint, "Lead@East.test", PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        (me["partnership"].as_str(), me["role"].as_str(), me["key_fingerprint"].as_str()),
        (Some("East Partnership"), Some("coordinator"), Some(fingerprint.as_str()))
    );
    assert!(login(&w.db, "lead@east.test", PASSWORD).await.is_ok(), "the first coordinator can log in");
    let (status, json) = post(body("ABCDE-FGHJK", &fingerprint, "other@east.test", PASSWORD)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a setup code works once: {json}");
    // Whoever holds a setup code learns nothing of other partnerships' accounts: an email North
    // uses makes a partnership like any other (before, it was refused as "already has an account").
    w.db.create_setup_code(&sha256_hex(b"MNPQRSTVWX"), t, t + 3600).await.unwrap();
    let (status, json) = post(body("MNPQR-STVWX", &"e".repeat(64), "coordinator@north.test", "another long password")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
}

/// Emails are unique within a partnership, so a coordinator cannot learn which emails other
/// partnerships use by trying to add them (before: 409 "already has an account").
async fn an_email_another_partnership_uses_is_not_told_and_each_account_logs_in_to_its_own(w: &World) {
    let south = Auth::Staff(&w.them.coordinator, true);
    let add = |email: &str, password: &str| serde_json::json!({"email": email, "password": password, "role": "analyst"}).to_string();
    // South adds North's analyst's email, and an email nobody uses: the same answer.
    let (taken, taken_json) = w.call("POST", "/api/v1/users", south, Some(&add("analyst@north.test", "south's own long password"))).await;
    let (fresh, fresh_json) = w.call("POST", "/api/v1/users", south, Some(&add("nobody@else.test", "south's own long password"))).await;
    assert_eq!((taken, fresh), (StatusCode::OK, StatusCode::OK), "{taken_json} {fresh_json}");
    let shape = |v: &serde_json::Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
    assert_eq!(shape(&taken_json), shape(&fresh_json));
    // Within one partnership, an email is still one account.
    let (status, json) = w.call("POST", "/api/v1/users", south, Some(&add("nobody@else.test", "yet another long password"))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    // Each account logs in to its own partnership with its own password.
    let me = |session: &common::Session| {
        let session = session.clone();
        async move { w.call("GET", "/api/v1/me", Auth::Staff(&session, false), None).await.1["partnership"].clone() }
    };
    let north = login(&w.db, "analyst@north.test", PASSWORD).await.expect("North's analyst logs in");
    assert_eq!(me(&north).await, "North");
    let south_analyst = login(&w.db, "analyst@north.test", "south's own long password").await.expect("South's account logs in");
    assert_eq!(me(&south_analyst).await, "South");
    // A wrong password opens neither, and both partnerships hear of it.
    assert_eq!(login(&w.db, "analyst@north.test", "not either password").await.unwrap_err().0, StatusCode::UNAUTHORIZED);
    for coordinator in [&w.us.coordinator, &w.them.coordinator] {
        let (_, log) = w.call("GET", "/api/v1/audit", Auth::Staff(coordinator, false), None).await;
        assert!(log.to_string().contains("a wrong password for analyst@north.test"), "{log}");
    }
    // One password for accounts in two partnerships: the login says so rather than guess.
    w.call("POST", "/api/v1/users", south, Some(&add("coordinator@north.test", PASSWORD))).await;
    let (status, json) = login(&w.db, "coordinator@north.test", PASSWORD).await.unwrap_err();
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(json["detail"].as_str().unwrap().contains("more than one partnership"), "{json}");
}
