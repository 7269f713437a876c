//! A partnership's own forms (the server's forms folder): offered to its tablets, and the
//! answers to them stored and counted like any other. Runs on SQLite and PostgreSQL.

#[macro_use]
#[allow(unused_macros)]
mod common;

use axum::http::StatusCode;
use common::{Auth, Backend, TestDb, World};
use heard_domain::case::CaseContext;
use heard_domain::wire::ResponseV1;
use heard_domain::{Answer, AnswerValue, Catalogue, Form, FormId, Lang, Response};
use serde_json::json;

fn north_form() -> Form {
    let mut form = Catalogue::built_in().latest("early-years-check").unwrap().clone();
    form.id = FormId("north-early-check".into());
    form
}

fn answer_to(form: &Form, case: u8) -> String {
    let r = Response {
        id: uuid::Uuid::from_u128(0x4000_8000_0000_0000_0000 + u128::from(case)),
        form_id: form.id.clone(),
        form_version: form.version,
        lang: Lang::en(),
        date: "2026-11-25".parse().unwrap(),
        answers: vec![Answer { question_id: "home".into(), value: AnswerValue::Face(2) }],
        share: false,
        context: CaseContext::example(case),
    };
    serde_json::to_string(&ResponseV1::from(&r)).unwrap()
}

async fn partnership_forms_reach_its_tablets_and_their_answers_count(backend: Backend) {
    let t = TestDb::new(backend).await;
    let form = north_form();
    // Through the server's own forms folder, as `--forms` reads it.
    let folder = std::env::temp_dir().join(format!("heard-forms-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("north-early-check.json"), serde_json::to_string(&form).unwrap()).unwrap();
    let catalogue = heard_server::forms::load(&folder).unwrap();
    std::fs::remove_dir_all(&folder).unwrap();
    let db = heard_server::Db::connect_with(&t.url, catalogue).await.unwrap();
    let w = World::new(&db).await;
    let (status, reply) = w.call("GET", "/api/v1/forms", Auth::Device(&w.us.device), None).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["forms"], json!([form]), "only the added form; the built-in ones are in the app");
    assert_eq!(reply["key_fingerprint"], w.us.fingerprint.as_str(), "and the key in use");

    let answers: Vec<String> = (1..=6).map(|case| answer_to(&form, case)).collect();
    let (status, reply) = w.post_batch(&w.batch(&answers)).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert!(reply["results"].as_array().unwrap().iter().all(|r| r["status"] == "accepted"), "{reply}");
    let dashboard = w.exact_dashboard().await;
    let voice = dashboard["tables"].as_array().unwrap().iter().find(|t| t["id"] == "voice_by_agency").unwrap();
    assert_eq!(voice["counts"]["cells"], json!([[6, 0]]), "six children heard through the partnership's own form");
    db.close().await;
    t.finish().await;
}

/// The server as `--forms` starts it with these forms in its folder.
async fn started_with(url: &str, forms: &[&Form]) -> Result<heard_server::Db, String> {
    let folder = std::env::temp_dir().join(format!("heard-forms-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    for form in forms {
        std::fs::write(folder.join(format!("{}-v{}.json", form.id, form.version)), serde_json::to_string_pretty(form).unwrap()).unwrap();
    }
    let catalogue = heard_server::forms::load(&folder);
    std::fs::remove_dir_all(&folder).unwrap();
    heard_server::Db::connect_with(url, catalogue?).await.map_err(|e| e.to_string())
}

fn accepted(reply: &serde_json::Value) -> usize {
    reply["results"].as_array().unwrap().iter().filter(|r| r["status"] == "accepted").count()
}

/// A child answers a form offline; before the tablet next has a signal the partnership
/// replaces that form with a new version, or withdraws it. The answers still count.
async fn answers_to_a_form_since_replaced_or_withdrawn_still_count(backend: Backend) {
    let t = TestDb::new(backend).await;
    let first = north_form();
    let mut second = first.clone();
    second.version = first.version + 1;

    let db = started_with(&t.url, &[&first]).await.unwrap();
    let w = World::new(&db).await;
    let offline: Vec<String> = (1..=4).map(|case| answer_to(&first, case)).collect();
    db.close().await;

    // Restarted with only the new version in the folder: tablets are offered that alone.
    let db = started_with(&t.url, &[&second]).await.unwrap();
    let w = w.on(&db);
    let (_, reply) = w.call("GET", "/api/v1/forms", Auth::Device(&w.us.device), None).await;
    assert_eq!(reply["forms"], json!([second]), "the replaced version is no longer offered");
    let mut batch = offline[..3].to_vec();
    batch.extend((5..=6).map(|case| answer_to(&second, case)));
    let (status, reply) = w.post_batch(&w.batch(&batch)).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(accepted(&reply), 5, "answers to the old version and the new: {reply}");
    db.close().await;

    // Restarted with no forms folder at all: nothing offered, earlier answers still accepted.
    let db = heard_server::Db::connect(&t.url).await.unwrap();
    let w = w.on(&db);
    let (_, reply) = w.call("GET", "/api/v1/forms", Auth::Device(&w.us.device), None).await;
    assert_eq!(reply["forms"], json!([]));
    let (status, reply) = w.post_batch(&w.batch(&[offline[3].clone()])).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(accepted(&reply), 1, "an answer to a withdrawn form: {reply}");
    let dashboard = w.exact_dashboard().await;
    let voice = dashboard["tables"].as_array().unwrap().iter().find(|t| t["id"] == "voice_by_agency").unwrap();
    assert_eq!(voice["counts"]["cells"], json!([[6, 0]]), "all six children heard");
    db.close().await;
    t.finish().await;
}

/// Changing a form without changing its version would change what earlier answers meant:
/// the server will not start, says which form and what to do, and keeps what it offered.
async fn a_form_changed_under_a_version_already_offered_stops_the_start(backend: Backend) {
    let t = TestDb::new(backend).await;
    let form = north_form();
    let db = started_with(&t.url, &[&form]).await.unwrap();
    db.close().await;
    let mut changed = form.clone();
    // Whether "home" counts as the child's rating changes what earlier answers add up to.
    changed.questions[0].rating = !changed.questions[0].rating;
    let error = started_with(&t.url, &[&changed]).await.unwrap_err();
    assert!(
        error.contains(&format!("form north-early-check version {} in the forms folder differs", form.version))
            && error.contains("give the changed form a new version number"),
        "{error}"
    );
    // The same form again, written out differently, is the same form.
    let db = started_with(&t.url, &[&form]).await.unwrap();
    assert_eq!(db.offered(), [form]);
    db.close().await;
    t.finish().await;
}

on_each_backend!(
    restarts:
    partnership_forms_reach_its_tablets_and_their_answers_count,
    answers_to_a_form_since_replaced_or_withdrawn_still_count,
    a_form_changed_under_a_version_already_offered_stops_the_start
);
