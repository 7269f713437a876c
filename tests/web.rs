//! In-browser tests: real IndexedDB and real DOM in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown`, see README).
#![cfg(target_arch = "wasm32")]

use heard::components::Face;
use heard::pages::{ChildPage, OutboxPage};
use heard::store::{Store, StoreName};
use leptos::prelude::{provide_context, view, IntoAny};
use heard::sync::{send_pending, SendError};
use heard_domain::{AnswerValue, Response};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn unique_db() -> String {
    format!("heard-test-{}", heard::device::new_id())
}

fn face_response(face: Face) -> Response {
    heard::pages::response_for(heard::device::new_id(), face)
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Polls until `cond` holds, for at most five seconds.
async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..100 {
        if cond() {
            return;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}");
}

/// Mounts a page in the document, with its own IndexedDB database named `db`.
fn mount(db: &str, view: impl FnOnce() -> leptos::prelude::AnyView + 'static) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let name = StoreName(db.to_string());
    std::mem::forget(leptos::mount::mount_to(host.clone(), move || {
        provide_context(name);
        view()
    }));
    host
}

fn button_named(host: &web_sys::HtmlElement, name: &str) -> web_sys::HtmlElement {
    let buttons = host.query_selector_all("button").unwrap();
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .map(|n| n.unchecked_into::<web_sys::HtmlElement>())
        .find(|b| b.text_content().unwrap_or_default().trim() == name)
        .unwrap_or_else(|| panic!("no button named {name:?}"))
}

#[wasm_bindgen_test]
async fn a_saved_response_survives_a_new_connection_until_confirmed() {
    let name = unique_db();
    let store = Store::open_named(&name).await.unwrap();
    let (sad, happy) = (face_response(Face::Sad), face_response(Face::Happy));
    store.save_pending(&sad).await.unwrap();
    store.save_pending(&happy).await.unwrap();
    drop(store);

    // A fresh connection, as after a reload, sees both.
    let store = Store::open_named(&name).await.unwrap();
    let mut pending = store.pending().await.unwrap();
    pending.sort_by_key(|r| r.answers[0].value == AnswerValue::Face(3));
    assert_eq!(pending, vec![sad.clone(), happy.clone()]);

    store.remove_confirmed(&[sad.id]).await.unwrap();
    assert_eq!(store.pending().await.unwrap(), vec![happy]);
}

#[wasm_bindgen_test]
async fn saving_the_same_response_twice_keeps_one_copy() {
    let store = Store::open_named(&unique_db()).await.unwrap();
    let r = face_response(Face::Okay);
    store.save_pending(&r).await.unwrap();
    store.save_pending(&r).await.unwrap();
    assert_eq!(store.pending().await.unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn a_send_the_server_does_not_confirm_keeps_everything_pending() {
    // The test runner's own web server is not Heard: it confirms nothing.
    let store = Store::open_named(&unique_db()).await.unwrap();
    let r = face_response(Face::Sad);
    store.save_pending(&r).await.unwrap();
    let outcome = send_pending(&store).await;
    assert!(matches!(outcome, Err(SendError::Refused { .. }) | Err(SendError::Unreachable)), "{outcome:?}");
    assert_eq!(store.pending().await.unwrap(), vec![r]);
}

#[wasm_bindgen_test]
async fn tapping_a_face_saves_it_before_thanking_the_child() {
    let db = unique_db();
    let store = Store::open_named(&db).await.unwrap();
    let host = mount(&db, || view! { <ChildPage /> }.into_any());

    let happy = button_named(&host, "Happy");
    assert_eq!(happy.get_attribute("type").as_deref(), Some("button"));
    happy.click();

    let status = host.query_selector("[role=status]").unwrap().unwrap();
    wait_until("the thank-you", || status.text_content().unwrap_or_default().contains("Your answer is saved")).await;
    let saved = store.pending().await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].form_id.0, "home-check");
    assert_eq!(saved[0].answers[0].value, AnswerValue::Face(3));
    assert_eq!(happy.get_attribute("aria-pressed").as_deref(), Some("true"));

    // Changing their mind replaces the answer; it does not add a second response.
    let sad = button_named(&host, "Sad");
    sad.click();
    wait_until("the new choice", || sad.get_attribute("aria-pressed").as_deref() == Some("true")).await;
    let saved = store.pending().await.unwrap();
    assert_eq!(saved.len(), 1, "one response per visit");
    assert_eq!(saved[0].answers[0].value, AnswerValue::Face(1));
    assert_eq!(happy.get_attribute("aria-pressed").as_deref(), Some("false"));
    host.remove();
}

#[wasm_bindgen_test]
async fn the_outbox_lists_what_is_waiting_on_the_tablet() {
    let db = unique_db();
    let store = Store::open_named(&db).await.unwrap();
    store.save_pending(&face_response(Face::Okay)).await.unwrap();
    store.save_pending(&face_response(Face::Sad)).await.unwrap();
    let host = mount(&db, || view! { <OutboxPage /> }.into_any());

    wait_until("the pending count", || host.text_content().unwrap_or_default().contains("2 answers waiting to send.")).await;
    let items = host.query_selector_all("li").unwrap();
    assert_eq!(items.length(), 2);
    let mut texts: Vec<String> = (0..2).map(|i| items.item(i).unwrap().text_content().unwrap()).collect();
    texts.sort();
    assert!(texts[0].ends_with("home-check · Okay") && texts[1].ends_with("home-check · Sad"), "{texts:?}");
    assert!(!button_named(&host, "Send").has_attribute("disabled"));
    host.remove();
}
