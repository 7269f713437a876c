//! A partnership's own forms (the server's forms folder): offered to its tablets, and the
//! answers to them stored and counted like any other. Runs on SQLite and PostgreSQL.

#[macro_use]
#[allow(unused_macros, dead_code)]
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
    assert_eq!(reply, json!({ "forms": [form] }), "only the added form; the built-in ones are in the app");

    let answers: Vec<String> = (1..=6).map(|case| answer_to(&form, case)).collect();
    let (status, reply) = w.post_batch(&w.batch(&answers)).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert!(reply["results"].as_array().unwrap().iter().all(|r| r["status"] == "accepted"), "{reply}");
    let (_, dashboard) = w.call("GET", "/api/v1/dashboard", Auth::Staff(&w.us.analyst, false), None).await;
    let voice = dashboard["tables"].as_array().unwrap().iter().find(|t| t["id"] == "voice_by_agency").unwrap();
    assert_eq!(voice["counts"]["cells"], json!([[6, 0]]), "six children heard through the partnership's own form");
    db.close().await;
    t.finish().await;
}

mod sqlite {
    #[tokio::test]
    async fn partnership_forms_reach_its_tablets_and_their_answers_count() {
        super::partnership_forms_reach_its_tablets_and_their_answers_count(crate::common::Backend::Sqlite).await;
    }
}

mod postgres {
    #[tokio::test]
    async fn partnership_forms_reach_its_tablets_and_their_answers_count() {
        super::partnership_forms_reach_its_tablets_and_their_answers_count(crate::common::Backend::Postgres).await;
    }
}
