//! A corpus of bad requests, each of which must get a clear 4xx JSON answer naming the
//! problem: never a 5xx, never a panic, never something stored. Runs on both backends.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::{call, call_with, response_json, Auth, World};

on_both_backends!(every_bad_request_gets_a_clear_4xx_and_stores_nothing);

const ID: &str = "6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a0c01";

/// (what is wrong, method, path, content type, body) for a device's endpoints.
fn device_corpus(w: &World) -> Vec<(String, &'static str, &'static str, &'static str, String)> {
    let fp = &w.us.fingerprint;
    let good = response_json(ID, 2);
    let mut corpus: Vec<(String, &str, &str, &str, String)> = Vec::new();
    let mut add = |what: &str, body: String| corpus.push((what.to_string(), "POST", "/api/v1/responses", "application/json", body));
    // Not JSON, or not a batch.
    for (what, body) in [
        ("empty body", ""),
        ("plain words", "hello"),
        ("truncated", r#"{"key_fingerprint":"#),
        ("a number", "42"),
        ("null", "null"),
        ("an array", "[]"),
        ("an empty object", "{}"),
        ("no fingerprint", r#"{"responses":[]}"#),
        ("no responses", r#"{"key_fingerprint":"x"}"#),
        ("responses not a list", r#"{"key_fingerprint":"x","responses":{}}"#),
        ("fingerprint a number", r#"{"key_fingerprint":1,"responses":[]}"#),
        ("an unknown top-level field", r#"{"key_fingerprint":"x","responses":[],"extra":1}"#),
        ("trailing garbage", r#"{"key_fingerprint":"x","responses":[]} trailing"#),
        ("invalid UTF-8 escape", r#"{"key_fingerprint":"\ud800","responses":[]}"#),
        ("deeply nested", &format!("{}{}", "[".repeat(200), "]".repeat(200))),
    ] {
        add(what, body.to_string());
    }
    // U+0000, which PostgreSQL cannot store in text: refused at the door by field, on both.
    add(
        "NUL in a shared answer's words",
        format!(r#"{{"key_fingerprint":"{fp}","responses":[{}]}}"#, good.replacen(r#"{"face":2}"#, r#"{"text":"a\u0000b"}"#, 1)),
    );
    add("NUL in the fingerprint", r#"{"key_fingerprint":"\u0000","responses":[]}"#.to_string());
    add("NUL in a field's name", format!(r#"{{"key_fingerprint":"{fp}","responses":[],"\u0000":1}}"#));
    add("another partnership's fingerprint", format!(r#"{{"key_fingerprint":"{}","responses":[]}}"#, w.them.fingerprint));
    add("too many responses", format!(r#"{{"key_fingerprint":"{fp}","responses":[{}]}}"#, vec![good.clone(); 201].join(",")));
    // Wrong content types, outcome batches and enrolment requests.
    for (what, path, ct, body) in [
        ("text/plain body", "/api/v1/responses", "text/plain", format!(r#"{{"key_fingerprint":"{fp}","responses":[]}}"#)),
        ("form-encoded body", "/api/v1/responses", "application/x-www-form-urlencoded", "a=1".to_string()),
        ("no content type", "/api/v1/responses", "", format!(r#"{{"key_fingerprint":"{fp}","responses":[]}}"#)),
        ("outcomes: not JSON", "/api/v1/outcomes", "application/json", "{".to_string()),
        ("outcomes: wrong shape", "/api/v1/outcomes", "application/json", r#"{"outcomes":[]}"#.to_string()),
        ("outcomes: other partnership", "/api/v1/outcomes", "application/json", format!(r#"{{"key_fingerprint":"{}","outcomes":[]}}"#, w.them.fingerprint)),
        ("outcomes: too many", "/api/v1/outcomes", "application/json", format!(r#"{{"key_fingerprint":"{fp}","outcomes":[{}]}}"#, vec!["{}"; 201].join(","))),
        ("enrol: not JSON", "/api/v1/enrol", "application/json", "code".to_string()),
        ("enrol: no code", "/api/v1/enrol", "application/json", "{}".to_string()),
        ("enrol: code a number", "/api/v1/enrol", "application/json", r#"{"code":12345}"#.to_string()),
        ("enrol: unknown code", "/api/v1/enrol", "application/json", r#"{"code":"ABCDE-FGHJK"}"#.to_string()),
        ("enrol: malformed code", "/api/v1/enrol", "application/json", r#"{"code":"0000"}"#.to_string()),
        ("enrol: extra field", "/api/v1/enrol", "application/json", r#"{"code":"ABCDE-FGHJK","key":"secret"}"#.to_string()),
        ("enrol: NUL in the code", "/api/v1/enrol", "application/json", r#"{"code":"ABCDE\u0000FGHJK"}"#.to_string()),
        ("outcomes: NUL in the case", "/api/v1/outcomes", "application/json", format!(r#"{{"key_fingerprint":"{fp}","outcomes":[{{"case":"\u0000"}}]}}"#)),
    ] {
        corpus.push((what.to_string(), "POST", path, ct, body));
    }
    corpus
}

/// (what is wrong, method, path, body) for a coordinator's endpoints.
fn staff_corpus() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    vec![
        ("login: not JSON", "POST", "/api/v1/login", "email=a"),
        ("login: no password", "POST", "/api/v1/login", r#"{"email":"a@b.c"}"#),
        ("login: numbers", "POST", "/api/v1/login", r#"{"email":1,"password":2}"#),
        ("login: extra field", "POST", "/api/v1/login", r#"{"email":"a@b.c","password":"x","admin":true}"#),
        ("agency: empty name", "POST", "/api/v1/agencies", r#"{"name":"  ","kind":"school"}"#),
        ("agency: long name", "POST", "/api/v1/agencies", "LONG_NAME"),
        ("agency: unknown kind", "POST", "/api/v1/agencies", r#"{"name":"X","kind":"army"}"#),
        ("agency: no kind", "POST", "/api/v1/agencies", r#"{"name":"X"}"#),
        ("code: unknown agency", "POST", "/api/v1/enrolment-codes", r#"{"agency_id":"nope"}"#),
        ("code: agency a number", "POST", "/api/v1/enrolment-codes", r#"{"agency_id":5}"#),
        ("code: no agency", "POST", "/api/v1/enrolment-codes", "{}"),
        ("user: bad email", "POST", "/api/v1/users", r#"{"email":"nobody","password":"long enough password","role":"analyst"}"#),
        ("user: short password", "POST", "/api/v1/users", r#"{"email":"x@y.z","password":"short","role":"analyst"}"#),
        ("user: unknown role", "POST", "/api/v1/users", r#"{"email":"x@y.z","password":"long enough password","role":"root"}"#),
        ("user: no role", "POST", "/api/v1/users", r#"{"email":"x@y.z","password":"long enough password"}"#),
        ("revoke: unknown device", "POST", "/api/v1/devices/not-a-device/revoke", ""),
        // Characters and lengths no backend should see: the same 4xx on SQLite and PostgreSQL.
        ("agency: NUL in the name", "POST", "/api/v1/agencies", r#"{"name":"North\u0000School","kind":"school"}"#),
        ("agency: a control character in the name", "POST", "/api/v1/agencies", r#"{"name":"North\u0007School","kind":"school"}"#),
        ("code: NUL in the agency id", "POST", "/api/v1/enrolment-codes", r#"{"agency_id":"a\u0000b"}"#),
        ("code: agency id of 3 KB", "POST", "/api/v1/enrolment-codes", "LONG_AGENCY_ID"),
        ("user: NUL in the email", "POST", "/api/v1/users", r#"{"email":"x\u0000@y.z","password":"long enough password","role":"analyst"}"#),
        ("user: email of 3 KB", "POST", "/api/v1/users", "LONG_USER_EMAIL"),
        ("user: password of 2 KB", "POST", "/api/v1/users", "LONG_USER_PASSWORD"),
        ("login: NUL in the email", "POST", "/api/v1/login", r#"{"email":"a\u0000@b.c","password":"x"}"#),
        ("login: email of 8 KB", "POST", "/api/v1/login", "LONG_LOGIN_EMAIL"),
        (
            "partnership: NUL in the name",
            "POST",
            "/api/v1/partnerships",
            r#"{"setup_code":"ABCDE-FGHJK","name":"a\u0000","key_fingerprint":"x","email":"a@b.c","password":"long enough password"}"#,
        ),
        ("dashboard: NUL in the agency filter", "GET", "/api/v1/dashboard?agency=%00", ""),
        ("dashboard: agency filter of 3 KB", "GET", "/api/v1/dashboard?agency=LONG_QUERY", ""),
        ("dashboard: NUL in the band", "GET", "/api/v1/dashboard?band=teen%00", ""),
        ("export: NUL in the table", "GET", "/api/v1/dashboard/export/a%00.csv", ""),
        ("revoke: NUL in the id", "POST", "/api/v1/devices/a%00b/revoke", ""),
        ("remove: NUL in the id", "POST", "/api/v1/users/a%00b/remove", ""),
        ("remove: id of 3 KB", "POST", "/api/v1/users/LONG_QUERY/remove", ""),
        ("unknown endpoint", "GET", "/api/v1/responses/all", ""),
        ("wrong method", "DELETE", "/api/v1/agencies", ""),
    ]
}

/// Responses broken one field at a time: each must be rejected by name, and nothing stored.
fn broken_responses() -> Vec<(&'static str, String)> {
    let good = response_json(ID, 2);
    let case = heard_domain::case::CaseContext::example(3).case.to_string();
    let replace = |from: &str, to: &str| good.replacen(from, to, 1);
    vec![
        ("id not a UUID", replace(ID, "not-a-uuid")),
        ("id a number", replace(&format!("\"{ID}\""), "7")),
        ("unknown form", replace("early-years-check", "nope")),
        ("form version 0", replace(r#""form_version":1"#, r#""form_version":0"#)),
        ("form version 9", replace(r#""form_version":1"#, r#""form_version":9"#)),
        ("form version negative", replace(r#""form_version":1"#, r#""form_version":-1"#)),
        ("form version text", replace(r#""form_version":1"#, r#""form_version":"1""#)),
        ("language unknown to the form", replace(r#""lang":"en""#, r#""lang":"fr""#)),
        ("language malformed", replace(r#""lang":"en""#, r#""lang":"English""#)),
        ("date with a time", replace("2026-11-25", "2026-11-25T10:00:00Z")),
        ("impossible date", replace("2026-11-25", "2026-02-30")),
        ("date in 1970", replace("2026-11-25", "1970-01-01")),
        ("date text", replace("2026-11-25", "yesterday")),
        ("face 0", replace(r#"{"face":2}"#, r#"{"face":0}"#)),
        ("face 4 of 3", replace(r#"{"face":2}"#, r#"{"face":4}"#)),
        ("face 300", replace(r#"{"face":2}"#, r#"{"face":300}"#)),
        ("face text", replace(r#"{"face":2}"#, r#"{"face":"happy"}"#)),
        ("unknown answer kind", replace(r#"{"face":2}"#, r#"{"smile":2}"#)),
        ("scale on a faces question", replace(r#"{"face":2}"#, r#"{"scale":2}"#)),
        ("text on a faces question", replace(r#"{"face":2}"#, r#"{"text":"hi"}"#)),
        ("declined spelled wrong", replace(r#"{"face":2}"#, r#""decline""#)),
        ("unknown question", replace(r#""question_id":"home""#, r#""question_id":"bedroom""#)),
        ("question id a number", replace(r#""question_id":"home""#, r#""question_id":1"#)),
        ("answers not a list", replace(r#""answers":[{"question_id":"home","value":{"face":2}}]"#, r#""answers":{}"#)),
        ("answer without value", replace(r#","value":{"face":2}"#, "")),
        (
            "the same question twice",
            replace(r#"{"question_id":"home","value":{"face":2}}"#, r#"{"question_id":"home","value":{"face":2}},{"question_id":"home","value":{"face":1}}"#),
        ),
        ("share not a boolean", replace(r#""share":false"#, r#""share":"no""#)),
        ("no share", replace(r#","share":false"#, "")),
        ("a child's name added", replace(r#""share":false"#, r#""share":false,"child_name":"Sam""#)),
        ("a date of birth added", replace(r#""share":false"#, r#""share":false,"dob":"2016-01-01""#)),
        ("raw case reference", replace(&case, "EH-2024-00123")),
        ("pseudonym upper case", replace(&case, &format!("AB{}", &case[2..]))),
        ("pseudonym too short", replace(&case, &case[..10])),
        ("no context", replace(&format!(r#","context":{}"#, serde_json::to_string(&heard_domain::case::CaseContext::example(3)).unwrap()), "")),
        ("unknown age band", replace(r#""age_band":"middle""#, r#""age_band":"toddler""#)),
        ("age instead of band", replace(r#""age_band":"middle""#, r#""age":9"#)),
        ("unknown stage", replace(r#""stage":"start""#, r#""stage":"middle""#)),
        ("flag not a boolean", replace(r#""send":false"#, r#""send":1"#)),
        ("unknown flag", replace(r#""send":false"#, r#""send":false,"vip":true"#)),
        ("missing flag", replace(r#""send":false,"#, "")),
        ("drawing not a drawing", replace(r#""question_id":"home","value":{"face":2}"#, r#""question_id":"draw","value":{"drawing":"picture.png"}"#)),
        ("empty drawing", replace(r#""question_id":"home","value":{"face":2}"#, r#""question_id":"draw","value":{"drawing":"d1.AQEA"}"#)),
        ("drawing truncated", replace(r#""question_id":"home","value":{"face":2}"#, r#""question_id":"draw","value":{"drawing":"d1.gAYA"}"#)),
        ("who helped unknown", replace(r#""question_id":"home","value":{"face":2}"#, r#""question_id":"who_helped","value":{"who_helped":"teacher"}"#)),
        ("yes/no unknown", replace(r#""question_id":"home","value":{"face":2}"#, r#""question_id":"safe","value":{"yes_no":"maybe"}"#)),
        ("response a string", "\"response\"".to_string()),
        ("response null", "null".to_string()),
        ("response an array", "[]".to_string()),
        ("response empty", "{}".to_string()),
    ]
}

/// Outcomes broken one field at a time.
fn broken_outcomes() -> Vec<(&'static str, String)> {
    let case = heard_domain::case::CaseContext::example(3).case.to_string();
    let good = format!(r#"{{"id":"{ID}","case":"{case}","outcome":"needs_met","date":"2026-11-20"}}"#);
    let replace = |from: &str, to: &str| good.replacen(from, to, 1);
    vec![
        ("outcome id not a UUID", replace(ID, "x")),
        ("outcome raw reference", replace(&case, "EH-1")),
        ("outcome unknown", replace("needs_met", "adopted")),
        ("outcome date bad", replace("2026-11-20", "20/11/2026")),
        ("outcome extra field", replace(r#""date":"2026-11-20""#, r#""date":"2026-11-20","name":"Sam""#)),
        ("outcome missing date", replace(r#","date":"2026-11-20""#, "")),
        ("outcome empty", "{}".to_string()),
    ]
}

async fn every_bad_request_gets_a_clear_4xx_and_stores_nothing(w: &World) {
    let device = Auth::Device(&w.us.device);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (what, method, path, ct, body) in device_corpus(w) {
        let auth = if path == "/api/v1/enrol" { Auth::Anonymous } else { device };
        let (status, json) = call(&w.db, method, path, auth, Some((ct, body))).await;
        let clear = json["error"].as_str().is_some_and(|e| !e.is_empty()) && json["detail"].as_str().is_some_and(|d| d.len() > 10);
        if !status.is_client_error() || !clear {
            wrong.push(format!("{what}: {status} {json}"));
        }
        checked += 1;
    }
    let coordinator = Auth::Staff(&w.us.coordinator, true);
    let long = "x".repeat(3000);
    // Random, so PostgreSQL cannot compress it under its index's limit (about 2.7 KB).
    let random: String = (0..250).map(|_| uuid::Uuid::new_v4().simple().to_string()).collect();
    for (what, method, path, body) in staff_corpus() {
        let path = path.replace("LONG_QUERY", &long);
        let body = body
            .replace("LONG_NAME", &format!(r#"{{"name":"{}","kind":"school"}}"#, "x".repeat(200)))
            .replace("LONG_AGENCY_ID", &format!(r#"{{"agency_id":"{long}"}}"#))
            .replace("LONG_USER_EMAIL", &format!(r#"{{"email":"{long}@y.z","password":"long enough password","role":"analyst"}}"#))
            .replace("LONG_USER_PASSWORD", &format!(r#"{{"email":"x@y.z","password":"{}","role":"analyst"}}"#, "p".repeat(2000)))
            .replace("LONG_LOGIN_EMAIL", &format!(r#"{{"email":"{random}@b.c","password":"x"}}"#));
        let body = (!body.is_empty()).then_some(("application/json", body));
        let (status, json) = call(&w.db, method, &path, coordinator, body).await;
        let clear = json["error"].as_str().is_some_and(|e| !e.is_empty()) && json["detail"].as_str().is_some_and(|d| d.len() > 10);
        if !status.is_client_error() || !clear {
            wrong.push(format!("{what}: {status} {json}"));
        }
        checked += 1;
    }
    let fp = &w.us.fingerprint;
    // A body labelled with a coding the server does not decode is refused as such (415),
    // never read as plain JSON, whether or not it really is compressed.
    let plain = format!(r#"{{"key_fingerprint":"{fp}","responses":[{}]}}"#, response_json(ID, 2));
    for coding in ["gzip", "deflate", "br", "x-made-up", "gzip, identity", "identity, gzip"] {
        let (status, json) =
            call_with(&w.db, "POST", "/api/v1/responses", device, Some(("application/json", plain.clone())), &[("content-encoding", coding)]).await;
        if status != StatusCode::UNSUPPORTED_MEDIA_TYPE || json["error"] != "unsupported_encoding" {
            wrong.push(format!("Content-Encoding {coding}: {status} {json}"));
        }
        checked += 1;
    }
    let (status, json) =
        call_with(&w.db, "POST", "/api/v1/login", Auth::Anonymous, Some(("application/json", "{}".into())), &[("content-encoding", "gzip")]).await;
    if status != StatusCode::UNSUPPORTED_MEDIA_TYPE {
        wrong.push(format!("Content-Encoding gzip on login: {status} {json}"));
    }
    for (what, item) in broken_responses() {
        let (status, json) =
            call(&w.db, "POST", "/api/v1/responses", device, Some(("application/json", format!(r#"{{"key_fingerprint":"{fp}","responses":[{item}]}}"#)))).await;
        let reason = json["results"][0]["reason"].as_str().unwrap_or_default();
        if status != StatusCode::OK || json["results"][0]["status"] != "rejected" || !reason.starts_with("responses[0]") {
            wrong.push(format!("{what}: {status} {json}"));
        }
        checked += 1;
    }
    for (what, item) in broken_outcomes() {
        let (status, json) =
            call(&w.db, "POST", "/api/v1/outcomes", device, Some(("application/json", format!(r#"{{"key_fingerprint":"{fp}","outcomes":[{item}]}}"#)))).await;
        let reason = json["results"][0]["reason"].as_str().unwrap_or_default();
        if status != StatusCode::OK || json["results"][0]["status"] != "rejected" || !reason.starts_with("outcomes[0]") {
            wrong.push(format!("{what}: {status} {json}"));
        }
        checked += 1;
    }
    assert!(wrong.is_empty(), "{} of {checked} bad requests not answered clearly:\n{}", wrong.len(), wrong.join("\n"));
    assert!(checked >= 100, "only {checked} bad requests in the corpus");
    let (_, stats) = w.call("GET", "/api/v1/stats", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!((stats["responses"].as_u64(), stats["outcomes"].as_u64()), (Some(0), Some(0)), "nothing from the corpus was stored");
}
