//! In-browser tests: real IndexedDB and real DOM in headless Chromium, a module per subject
//! (`cargo test --target wasm32-unknown-unknown`, see README). Elements are found by their
//! accessible names, as a screen-reader user finds them.
#![cfg(target_arch = "wasm32")]

use heard::components::questions::{EmojiQuestion, FacesQuestion, QuestionBody, ScaleQuestion, TextQuestion, YesNoQuestion};
use heard::components::DrawingPad;
use heard::pages::{FormRun, OutboxPage};
use heard::store::{Store, StoreName, Waiting};
use heard::sync::{send_pending, SendError};
use heard_domain::form::QuestionKind;
use heard_domain::{AnswerValue, Catalogue, Drawing, Lang, Response, YesNo};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod drawing;
mod form_run;
mod questions;
mod screens;
mod store;

fn unique_db() -> String {
    format!("heard-test-{}", heard::device::new_id())
}

/// A fresh response to the early-years check, answering "home" with face `n`.
fn response(n: u8) -> Response {
    let form = Catalogue::built_in().latest("early-years-check").unwrap().clone();
    let mut r = Response {
        id: heard::device::new_id(),
        form_id: form.id,
        form_version: form.version,
        lang: Lang::en(),
        date: heard::device::today(),
        answers: vec![],
        share: false,
        context: heard_domain::case::CaseContext::example(1),
    };
    r.set_answer("home", AnswerValue::Face(n));
    r
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

const PIN: &str = "2468";

/// A database name that lives as long as the test page (store names are `&'static str`).
fn leak(name: &str) -> &'static str {
    Box::leak(name.to_string().into_boxed_str())
}

/// The page's shared store for database `db`, with a PIN set and so unlocked.
async fn unlocked(db: &str) -> std::rc::Rc<Store> {
    let store = Store::open(&StoreName(leak(db))).await.unwrap();
    store.set_pin(PIN).await.unwrap();
    store
}

/// Mounts a view in the document, with its own IndexedDB database named `db`.
fn mount(db: &str, view: impl FnOnce() -> AnyView + 'static) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let name = StoreName(leak(db));
    std::mem::forget(leptos::mount::mount_to(host.clone(), move || {
        provide_context(name);
        view()
    }));
    host
}

/// A button's accessible name: its aria-label, or its text without decorative parts.
fn name_of(el: &web_sys::Element) -> String {
    if let Some(label) = el.get_attribute("aria-label") {
        return label;
    }
    let copy: web_sys::Element = el.clone_node_with_deep(true).unwrap().unchecked_into();
    let hidden = copy.query_selector_all("[aria-hidden=true]").unwrap();
    for i in 0..hidden.length() {
        let n = hidden.item(i).unwrap();
        n.parent_node().unwrap().remove_child(&n).unwrap();
    }
    copy.text_content().unwrap_or_default().trim().to_string()
}

fn buttons(host: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    let list = host.query_selector_all("button").unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.unchecked_into()).collect()
}

fn button_named(host: &web_sys::HtmlElement, name: &str) -> web_sys::HtmlElement {
    buttons(host)
        .into_iter()
        .find(|b| name_of(b) == name)
        .unwrap_or_else(|| panic!("no button named {name:?}; have {:?}", buttons(host).iter().map(|b| name_of(b)).collect::<Vec<_>>()))
}

fn pressed(b: &web_sys::HtmlElement) -> bool {
    b.get_attribute("aria-pressed").as_deref() == Some("true")
}

/// Records every answer a question component reports.
fn recorder() -> (RwSignal<Option<AnswerValue>>, Callback<Option<AnswerValue>>, RwSignal<usize>) {
    let value = RwSignal::new(None);
    let calls = RwSignal::new(0usize);
    let on = Callback::new(move |v: Option<AnswerValue>| {
        value.set(v);
        calls.update(|c| *c += 1);
    });
    (value, on, calls)
}

fn pointer(kind: &str, canvas: &web_sys::Element, x: f64, y: f64) {
    let rect = canvas.get_bounding_client_rect();
    let init = web_sys::PointerEventInit::new();
    init.set_bubbles(true);
    init.set_is_primary(true);
    init.set_pointer_id(1);
    init.set_pointer_type("mouse");
    init.set_client_x((rect.left() + x * rect.width()) as i32);
    init.set_client_y((rect.top() + y * rect.height()) as i32);
    let ev = web_sys::PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
    canvas.dispatch_event(&ev).unwrap();
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn stroke(canvas: &web_sys::Element) {
    pointer("pointerdown", canvas, 0.2, 0.2);
    pointer("pointermove", canvas, 0.4, 0.3);
    pointer("pointerup", canvas, 0.4, 0.3);
}

/// The Early years drawing question, mounted: its answer as it stands, the page, the canvas.
fn drawing_question() -> (RwSignal<Option<AnswerValue>>, web_sys::HtmlElement, web_sys::Element) {
    let (value, on_answer, _) = recorder();
    let question = Catalogue::built_in().latest("early-years-check").unwrap().question("draw").unwrap().clone();
    let host = mount(&unique_db(), move || view! { <QuestionBody question lang=Lang::en() value on_answer /> }.into_any());
    let canvas = host.query_selector("canvas").unwrap().unwrap();
    (value, host, canvas)
}

/// The panel of each house, by its name, and whether it is shown.
fn house_panels(host: &web_sys::HtmlElement) -> Vec<(String, bool)> {
    let list = host.query_selector_all("[role=tabpanel]").unwrap();
    (0..list.length())
        .map(|i| {
            let panel: web_sys::Element = list.item(i).unwrap().unchecked_into();
            let heading = panel.query_selector("h2").unwrap().unwrap();
            (heading.text_content().unwrap(), !panel.has_attribute("hidden"))
        })
        .collect()
}
