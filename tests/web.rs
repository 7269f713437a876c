//! In-browser tests: real IndexedDB and real DOM in headless Chromium
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

#[wasm_bindgen_test]
async fn a_saved_response_survives_a_new_connection_until_confirmed() {
    let name = unique_db();
    let store = unlocked(&name).await;
    let (sad, happy) = (response(1), response(3));
    store.save_pending(&sad).await.unwrap();
    store.save_pending(&happy).await.unwrap();
    drop(store);

    // A fresh connection, as after a reload, is locked until the PIN is given; then sees both.
    let store = Store::open_named(&name).await.unwrap();
    assert!(matches!(store.pending().await, Err(heard::store::StoreError::Locked)));
    assert_eq!(store.unlock("1111").await, Err(heard::store::UnlockError::WrongPin { wait_secs: 0 }));
    store.unlock(PIN).await.unwrap();
    let mut pending = store.pending().await.unwrap();
    pending.sort_by_key(|r| r.answer("home") == Some(&AnswerValue::Face(3)));
    assert_eq!(pending, vec![sad.clone(), happy.clone()]);

    store.remove_confirmed(&[sad.id]).await.unwrap();
    assert_eq!(store.pending().await.unwrap(), vec![happy]);
}

/// A newer version of the app in another tab upgrades the database while this page holds it
/// open: this page lets go at once (the browser's `versionchange`), rather than leave the
/// upgrade waiting ("blocked") until this tab is closed.
#[wasm_bindgen_test]
async fn a_newer_page_upgrading_the_database_is_not_held_up_by_this_one() {
    use std::cell::Cell;
    use std::rc::Rc;
    let name = unique_db();
    let store = unlocked(&name).await;
    store.save_pending(&response(1)).await.unwrap();
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    // Far above any version the app has: an upgrade it does not know.
    let req = factory.open_with_u32(&name, 1000).unwrap();
    let (opened, blocked) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(false)));
    let on_success = {
        let (opened, req) = (opened.clone(), req.clone());
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            req.result().unwrap().unchecked_into::<web_sys::IdbDatabase>().close();
            opened.set(true);
        })
    };
    let on_blocked = {
        let blocked = blocked.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || blocked.set(true))
    };
    req.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
    req.set_onblocked(Some(on_blocked.as_ref().unchecked_ref()));
    wait_until("the other page's upgrade", || opened.get()).await;
    assert!(!blocked.get(), "the upgrade was held up by this page's connection");
}

/// A draft write slow to get going (its encryption or connection still under way) and the
/// finished response asked for just after it: on their own the finish lands first and the draft
/// after it, leaving the response both unfinished and waiting to send; on a `WriteLine` they land
/// in the order asked for.
#[wasm_bindgen_test]
async fn writes_of_one_response_land_in_the_order_they_were_made() {
    async fn draft_then_finish(store: std::rc::Rc<Store>, line: Option<heard::line::WriteLine>) -> (usize, usize) {
        let mut r = response(2);
        let draft = {
            let (store, r) = (store.clone(), r.clone());
            async move {
                sleep(60).await;
                store.save_draft(&r).await.unwrap();
            }
        };
        r.share = true;
        let finish = {
            let (store, r) = (store.clone(), r.clone());
            async move { store.finish(&r).await.unwrap() }
        };
        match &line {
            Some(line) => {
                line.run(draft);
                line.run(finish);
            }
            None => {
                wasm_bindgen_futures::spawn_local(draft);
                wasm_bindgen_futures::spawn_local(finish);
            }
        }
        sleep(400).await;
        (store.drafts().await.unwrap().len(), store.pending().await.unwrap().len())
    }
    let unordered = draft_then_finish(unlocked(&unique_db()).await, None).await;
    assert_eq!(unordered, (1, 1), "without the line the draft lands last: the response is in both");
    let ordered = draft_then_finish(unlocked(&unique_db()).await, Some(heard::line::WriteLine::default())).await;
    assert_eq!(ordered, (0, 1), "finished, and nowhere else");
}

#[wasm_bindgen_test]
async fn the_outbox_is_read_a_page_at_a_time_in_id_order_with_nothing_missed() {
    let store = unlocked(&unique_db()).await;
    let mut all: Vec<Response> = (0..7).map(|n| response(n % 3 + 1)).collect();
    for r in &all {
        store.save_pending(r).await.unwrap();
    }
    all.sort_by_key(|r| r.id.to_string());
    let (mut seen, mut after) = (Vec::new(), None::<String>);
    loop {
        let page = store.pending_page(after.as_deref(), 3, Waiting::All).await.unwrap();
        let Some(next) = page.next else { break };
        assert!(page.responses.len() <= 3, "a page holds at most what was asked for");
        assert_eq!(Some(&next), page.responses.last().map(|r| r.id.to_string()).as_ref());
        after = Some(next);
        seen.extend(page.responses);
    }
    assert_eq!(seen, all, "every pending response once, in id order");
    // A page starting after a removed response still goes on from there.
    store.remove_confirmed(&[all[2].id]).await.unwrap();
    assert_eq!(store.pending_page(Some(&all[2].id.to_string()), 2, Waiting::All).await.unwrap().responses, all[3..5].to_vec());
    // Refused ones are left out when asked, and the pages still go on past them.
    store.mark_failed(&all[3], "face must be 1 to 5, got 9").await.unwrap();
    store.mark_failed(&all[4], "face must be 1 to 5, got 9").await.unwrap();
    let page = store.pending_page(Some(&all[2].id.to_string()), 2, Waiting::NotRefused).await.unwrap();
    assert_eq!((page.responses, page.next), (vec![], Some(all[4].id.to_string())));
    let page = store.pending_page(Some(&all[4].id.to_string()), 2, Waiting::NotRefused).await.unwrap();
    assert_eq!(page.responses, all[5..7].to_vec());
}

#[wasm_bindgen_test]
async fn finishing_moves_a_draft_to_the_outbox_in_one_step() {
    let store = unlocked(&unique_db()).await;
    let mut r = response(2);
    store.save_draft(&r).await.unwrap();
    store.save_draft(&r).await.unwrap();
    assert_eq!(store.drafts().await.unwrap().len(), 1, "saving again replaces the draft");
    assert!(store.pending().await.unwrap().is_empty(), "a draft is not sent");
    r.share = true;
    store.finish(&r).await.unwrap();
    assert!(store.drafts().await.unwrap().is_empty());
    assert_eq!(store.pending().await.unwrap(), vec![r]);
}

#[wasm_bindgen_test]
async fn a_send_the_server_does_not_confirm_keeps_everything_pending() {
    // The test runner's own web server is not Heard: it confirms nothing.
    let store = unlocked(&unique_db()).await;
    let r = response(1);
    store.save_pending(&r).await.unwrap();
    assert!(matches!(send_pending(&store).await, Err(SendError::NotEnrolled)), "no token, no send");
    let enrolment = heard::store::Enrolment {
        device_token: "token".into(),
        partnership_key: "key".into(),
        key_fingerprint: "ab".into(),
        agency: "Agency".into(),
        partnership: "Partnership".into(),
        revoked: false,
        backup_secret: None,
        earlier: Vec::new(),
    };
    store.save_enrolment(&enrolment).await.unwrap();
    assert_eq!(store.enrolment().await.unwrap(), Some(enrolment));
    let outcome = send_pending(&store).await;
    assert!(matches!(outcome, Err(SendError::Refused { .. }) | Err(SendError::Unreachable)), "{outcome:?}");
    assert_eq!(store.pending().await.unwrap(), vec![r]);
}

#[wasm_bindgen_test]
async fn a_backup_holds_no_words_a_child_kept_private_in_its_finished_answers() {
    let enrolment = heard::store::Enrolment {
        device_token: "token".into(),
        partnership_key: heard_domain::b64::base64url_encode(&[9u8; 32]),
        key_fingerprint: "ab".into(),
        agency: "Agency".into(),
        partnership: "Partnership".into(),
        revoked: false,
        backup_secret: None,
        earlier: Vec::new(),
    };
    let form = Catalogue::built_in().latest("middle-check").unwrap().clone();
    let with_words = |n: u8| {
        let mut r = response(n);
        r.form_id = form.id.clone();
        r.answers.clear();
        r.set_answer("words", AnswerValue::Text("my secret".into()));
        r
    };
    let a = unlocked(&unique_db()).await;
    a.save_enrolment(&enrolment).await.unwrap();
    a.save_pending(&with_words(1)).await.unwrap();
    a.save_draft(&with_words(2)).await.unwrap();
    let (_, file, _) = heard::backup::export(&a).await.unwrap();
    let b = unlocked(&unique_db()).await;
    b.save_enrolment(&enrolment).await.unwrap();
    heard::backup::import(&b, &file).await.unwrap();
    assert_eq!(b.pending().await.unwrap()[0].answer("words"), Some(&AnswerValue::OwnWords), "finished, not shared: only that the child answered");
    assert_eq!(b.drafts().await.unwrap()[0].answer("words"), Some(&AnswerValue::Text("my secret".into())), "unfinished: carried on with the child");
}

#[wasm_bindgen_test]
async fn a_backup_taken_over_keeps_which_answers_the_server_refused_and_why() {
    let enrolment = heard::store::Enrolment {
        device_token: "token".into(),
        partnership_key: heard_domain::b64::base64url_encode(&[7u8; 32]),
        key_fingerprint: "ab".into(),
        agency: "Agency".into(),
        partnership: "Partnership".into(),
        revoked: false,
        backup_secret: None,
        earlier: Vec::new(),
    };
    let a = unlocked(&unique_db()).await;
    a.save_enrolment(&enrolment).await.unwrap();
    let (fine, refused) = (response(1), response(2));
    a.save_pending(&fine).await.unwrap();
    a.save_pending(&refused).await.unwrap();
    a.mark_failed(&refused, "form early-years-check: version 1 is not known").await.unwrap();
    let (_, file, counts) = heard::backup::export(&a).await.unwrap();
    assert_eq!(counts.responses, 2);

    let b = unlocked(&unique_db()).await;
    b.save_enrolment(&enrolment).await.unwrap();
    heard::backup::import(&b, &file).await.unwrap();
    let overview = b.outbox_overview(10).await.unwrap();
    assert_eq!(overview.count, 2);
    assert_eq!(overview.listed, vec![heard::store::Outgoing { response: fine.clone(), failure: None }]);
    let why = Some("form early-years-check: version 1 is not known".to_string());
    assert_eq!(overview.failed, vec![heard::store::Outgoing { response: refused.clone(), failure: why }]);
    // Automatic sending passes the refused one over on the new tablet too; Send offers both.
    assert_eq!(b.pending_page(None, 10, Waiting::NotRefused).await.unwrap().responses, vec![fine.clone()]);
    assert_eq!(b.pending_page(None, 10, Waiting::All).await.unwrap().responses.len(), 2);
}

#[wasm_bindgen_test]
async fn a_partnership_form_the_server_drops_stays_while_a_child_has_unfinished_answers_to_it() {
    let store = unlocked(&unique_db()).await;
    let mut north = Catalogue::built_in().latest("symbols-check").unwrap().clone();
    north.id = heard_domain::FormId("north-yes-or-no".into());
    let on_tablet = || heard::forms::catalogue().get(&north.id, north.version).is_some();
    assert_eq!(heard::forms::keep(&store, vec![north.clone()]).await.unwrap(), Vec::<String>::new());
    assert!(on_tablet());

    // A child starts the partnership's form and stops part-way; then the server stops listing it.
    let mut draft = response(1);
    draft.form_id = north.id.clone();
    draft.form_version = north.version;
    store.save_draft(&draft).await.unwrap();
    heard::forms::keep(&store, vec![]).await.unwrap();
    assert!(on_tablet(), "the child can still carry on");
    assert_eq!(store.partnership_forms().await.unwrap(), vec![north.clone()], "and after the app restarts");

    // Finished, the answers wait in the outbox as they are; the form goes at the next send.
    store.finish(&draft).await.unwrap();
    heard::forms::keep(&store, vec![]).await.unwrap();
    assert!(!on_tablet());
    assert_eq!(store.partnership_forms().await.unwrap(), vec![]);
    assert_eq!(store.pending().await.unwrap(), vec![draft]);
}

#[wasm_bindgen_test]
async fn a_child_answers_declines_and_stops_and_everything_given_is_kept() {
    let db = unique_db();
    let store = unlocked(&db).await;
    let form = Catalogue::built_in().latest("early-years-check").unwrap().clone();
    let session = heard::session::Session { first_name: Some("Sam".into()), ..heard::session::Session::of(heard_domain::case::CaseContext::example(2)) };
    let host = mount(&db, move || view! { <FormRun form lang=Lang::en() session /> }.into_any());
    assert!(host.text_content().unwrap().contains("Hello, Sam!"), "the child is greeted by name");
    // Before the first question: who will read the answers, and the limit of confidentiality.
    assert_eq!(host.query_selector("h1").unwrap().unwrap().text_content().unwrap(), "Before we start");
    let told = host.text_content().unwrap();
    assert!(told.contains("Your worker will read what you choose, write and draw"), "{told}");
    assert!(told.contains("may need to tell someone whose job is keeping children safe"), "{told}");
    let names = buttons(&host).iter().map(|b| name_of(b)).collect::<Vec<_>>();
    assert!(!names.iter().any(|n| n == "Stop here" || n == "Pause"), "nothing to stop or pause before the form starts: {names:?}");
    button_named(&host, "Start").click();
    wait_until("question 1", || host.query_selector("h1").unwrap().unwrap().text_content().unwrap() == "How are things at home?").await;
    let has_next = || buttons(&host).iter().any(|b| name_of(b) == "Next");
    assert!(!has_next(), "early years: Next waits for an answer, so no question is passed unseen");
    let happy = button_named(&host, "Happy");
    happy.click();
    wait_until("the answer to be shown as chosen", || pressed(&happy)).await;
    let drafts = store.drafts().await.unwrap();
    assert_eq!(drafts.len(), 1, "each answer is saved as it is given");
    assert_eq!(drafts[0].answer("home"), Some(&AnswerValue::Face(3)));
    assert!(store.pending().await.unwrap().is_empty(), "not sent before the child has finished");

    wait_until("Next, once answered", has_next).await;
    button_named(&host, "Next").click();
    wait_until("question 2", || host.text_content().unwrap().contains("Do you feel safe at home?")).await;
    assert!(!has_next());
    // "I don't want to answer" is chosen like an answer: the question stays until Next.
    let decline = button_named(&host, "I don't want to answer");
    decline.click();
    wait_until("the decline to be shown as chosen", || pressed(&decline)).await;
    assert!(host.text_content().unwrap().contains("Do you feel safe at home?"), "declining does not move on by itself");
    assert!(host.text_content().unwrap().contains("You don't have to answer"));
    button_named(&host, "Next").click();
    wait_until("question 3", || host.text_content().unwrap().contains("school or nursery")).await;
    // The dots: two answered (a decline is an answer), the current one, two ahead.
    let dots = host.query_selector_all(".dots li").unwrap();
    let classes: Vec<String> = (0..dots.length()).map(|i| dots.item(i).unwrap().unchecked_into::<web_sys::Element>().class_name()).collect();
    assert_eq!(classes, ["done", "done", "current", "", ""]);

    // Pause hides the question; carrying on brings it back.
    button_named(&host, "Pause").click();
    wait_until("the pause screen", || host.text_content().unwrap().contains("Take your time")).await;
    assert!(!host.text_content().unwrap().contains("school or nursery"));
    button_named(&host, "Carry on").click();
    wait_until("question 3 again", || host.text_content().unwrap().contains("school or nursery")).await;

    // Stopping asks first; "No" goes back to the same question, nothing changed.
    button_named(&host, "Stop here").click();
    wait_until("the question to stop", || host.text_content().unwrap().contains("Stop now?")).await;
    button_named(&host, "No, carry on").click();
    wait_until("question 3 once more", || host.text_content().unwrap().contains("school or nursery")).await;
    assert!(store.pending().await.unwrap().is_empty(), "not finished by asking to stop");
    button_named(&host, "Stop here").click();
    wait_until("the question to stop again", || host.text_content().unwrap().contains("Stop now?")).await;
    button_named(&host, "Yes, stop now").click();
    wait_until("the end screen", || host.text_content().unwrap().contains("Thank you for telling us.")).await;
    // A face and a decline: no words or drawings, so nothing to ask about sharing them.
    assert!(!host.text_content().unwrap().contains("We will not show your name"), "{}", host.text_content().unwrap());
    wait_until("the goodbye", || host.text_content().unwrap().contains("give the tablet back")).await;

    assert!(store.drafts().await.unwrap().is_empty());
    let pending = store.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].answer("home"), Some(&AnswerValue::Face(3)));
    assert_eq!(pending[0].answer("safe"), Some(&AnswerValue::Declined));
    assert_eq!(pending[0].answer("school"), Some(&AnswerValue::Skipped), "the question stopped on was seen and left");
    assert_eq!(pending[0].answer("draw"), None, "questions after stopping are simply not reached");
    assert!(!pending[0].share, "never shared unless the child says so");
    assert_eq!(pending[0].context, heard_domain::case::CaseContext::example(2), "the session's case context is recorded");
    host.remove();
}

#[wasm_bindgen_test]
async fn next_with_nothing_given_records_a_skip_that_the_dots_show_apart() {
    let db = unique_db();
    let store = unlocked(&db).await;
    let form = Catalogue::built_in().latest("middle-check").unwrap().clone();
    let session = heard::session::Session::of(heard_domain::case::CaseContext::example(3));
    let host = mount(&db, move || view! { <FormRun form lang=Lang::en() session /> }.into_any());
    button_named(&host, "Start").click();
    wait_until("question 1", || host.text_content().unwrap().contains("How are things at home?")).await;
    // Middle: Next is there at once, and moving on with nothing chosen is recorded as a skip.
    button_named(&host, "Next").click();
    wait_until("question 2", || host.text_content().unwrap().contains("Which of these show how you have been feeling?")).await;
    let mut skipped = None;
    for _ in 0..40 {
        skipped = store.drafts().await.unwrap().first().and_then(|d| d.answer("home").cloned());
        if skipped.is_some() {
            break;
        }
        sleep(50).await;
    }
    assert_eq!(skipped, Some(AnswerValue::Skipped));
    // Back: the skipped question shows nothing chosen, and answering it replaces the skip.
    button_named(&host, "Back").click();
    wait_until("question 1 again", || host.text_content().unwrap().contains("How are things at home?")).await;
    assert!(buttons(&host).iter().filter(|b| b.get_attribute("aria-pressed").is_some()).all(|b| !pressed(b)), "nothing shown as chosen");
    host.remove();

    // A draft with a skip, carried on in a band with dots: the skipped dot is not an answered one.
    let form = Catalogue::built_in().latest("early-years-check").unwrap().clone();
    let mut draft = response(3);
    draft.set_answer("safe", AnswerValue::Skipped);
    let session = heard::session::Session::of(draft.context.clone());
    let host = mount(&db, move || view! { <FormRun form lang=Lang::en() session draft /> }.into_any());
    wait_until("question 3, with no introduction again", || host.text_content().unwrap().contains("school or nursery")).await;
    let dots = host.query_selector_all(".dots li").unwrap();
    let classes: Vec<String> = (0..dots.length()).map(|i| dots.item(i).unwrap().unchecked_into::<web_sys::Element>().class_name()).collect();
    assert_eq!(classes, ["done", "skipped", "current", "", ""]);
    host.remove();
}

#[wasm_bindgen_test]
async fn declining_a_drawing_takes_it_off_the_page_so_what_is_shown_is_what_is_kept() {
    let db = unique_db();
    let store = unlocked(&db).await;
    let form = Catalogue::built_in().latest("early-years-check").unwrap().clone();
    let mut draft = response(3);
    draft.set_answer("safe", AnswerValue::YesNo(YesNo::Yes));
    draft.set_answer("school", AnswerValue::Face(2));
    let session = heard::session::Session::of(draft.context.clone());
    let host = mount(&db, move || view! { <FormRun form lang=Lang::en() session draft /> }.into_any());
    wait_until("the drawing question", || host.text_content().unwrap().contains("Draw something")).await;
    let canvas = host.query_selector("canvas").unwrap().unwrap();
    stroke(&canvas);
    wait_until("undo to be offered", || !button_named(&host, "Undo").has_attribute("disabled")).await;
    button_named(&host, "I don't want to answer").click();
    wait_until("a fresh page", || button_named(&host, "Undo").has_attribute("disabled")).await;
    let mut kept = None;
    for _ in 0..40 {
        kept = store.drafts().await.unwrap().first().and_then(|d| d.answer("draw").cloned());
        if kept == Some(AnswerValue::Declined) {
            break;
        }
        sleep(50).await;
    }
    assert_eq!(kept, Some(AnswerValue::Declined));
    host.remove();
}

#[wasm_bindgen_test]
async fn the_practitioner_sees_every_answer_words_and_drawings_and_each_safety_question_not_answered() {
    use heard::components::follow_up::{Finished, FollowUpPrompt};
    let form = Catalogue::built_in().latest("middle-check").unwrap().clone();
    let mut r = response(1);
    r.form_id = form.id.clone();
    r.form_version = form.version;
    r.answers.clear();
    r.set_answer("home", AnswerValue::Face(4));
    r.set_answer("feelings", AnswerValue::Skipped);
    r.set_answer("safe", AnswerValue::YesNo(YesNo::NotSure));
    use heard_domain::drawing::{Point, Stroke};
    let points = (0..10).map(|i| Point { x: 10 + i * 20, y: 20 + i * 10, pressure: 128 }).collect();
    let drawing = Drawing { width: 400, height: 300, strokes: vec![Stroke { colour: 1, brush: 1, eraser: false, points }] };
    let houses = heard_domain::Houses {
        worries: heard_domain::House { drawing: Some(drawing), words: Some("My stepdad shouts and I am scared to go home".into()) },
        ..Default::default()
    };
    r.set_answer("houses", AnswerValue::Houses(houses));
    r.set_answer("words", AnswerValue::Declined);
    let finished = Finished { form, response: r };
    let done = RwSignal::new(false);
    let on_done = Callback::new(move |()| done.set(true));
    let host = mount(&unique_db(), move || view! { <FollowUpPrompt finished on_done /> }.into_any());
    let text = host.text_content().unwrap();
    // No signal met, but "not sure" and a skip to a safety question are put first.
    assert!(text.contains("None of the child's answers is one the form marks"), "{text}");
    let list = |id: &str| -> Vec<String> {
        let items = host.query_selector_all(&format!("ul[aria-labelledby={id}] li")).unwrap();
        (0..items.length()).map(|i| items.item(i).unwrap().text_content().unwrap()).collect()
    };
    assert_eq!(
        list("follow-up-unanswered"),
        [
            "Do you feel safe at home?The child answered \u{201c}Not sure\u{201d}",
            "Which of these show how you have been feeling? Pick as many as you like.The child moved on without answering"
        ]
    );
    // Then every answer, question by question: the child's words in full, the drawing as a
    // picture with a name, and how each unanswered question was left.
    let said = host.query_selector("section[aria-labelledby=follow-up-said]").unwrap().expect("a region for what the child said");
    let said_text = said.text_content().unwrap();
    for expected in ["Happy", "Moved on without answering", "Not sure", "My stepdad shouts and I am scared to go home", "Chose not to answer", "Not reached"] {
        assert!(said_text.contains(expected), "{expected:?} in {said_text}");
    }
    let picture = said.query_selector("svg[role=img]").unwrap().expect("the drawing is shown");
    assert_eq!(picture.get_attribute("aria-label").as_deref(), Some("The child's drawing for: House of worries"));
    assert!(picture.query_selector("polyline").unwrap().is_some());
    button_named(&host, "I have read these and will follow them up").click();
    wait_until("the acknowledgement", || done.get_untracked()).await;
    host.remove();
}

#[wasm_bindgen_test]
async fn what_the_child_said_is_kept_sealed_until_the_session_ends() {
    let store = unlocked(&unique_db()).await;
    let (a, b) = (response(1), response(2));
    store.add_said(&a).await.unwrap();
    store.add_said(&b).await.unwrap();
    let mut again = a.clone();
    again.share = true;
    store.add_said(&again).await.unwrap();
    assert_eq!(store.said().await.unwrap(), vec![again, b], "finishing the same response again replaces it");
    store.end_session().await.unwrap();
    assert!(store.said().await.unwrap().is_empty(), "ending the session deletes what the child said");
}

#[wasm_bindgen_test]
async fn five_faces_are_named_saddest_to_happiest() {
    let (value, on_answer, _) = recorder();
    let host = mount(&unique_db(), move || view! { <FacesQuestion points=5 lang=Lang::en() value on_answer /> }.into_any());
    let names: Vec<String> = buttons(&host).iter().map(|b| name_of(b)).collect();
    assert_eq!(names, ["Very sad", "Sad", "Okay", "Happy", "Very happy"]);
    button_named(&host, "Very sad").click();
    assert_eq!(value.get_untracked(), Some(AnswerValue::Face(1)));
    host.remove();
}

#[wasm_bindgen_test]
async fn yes_no_not_sure_has_three_named_symbols() {
    let (value, on_answer, _) = recorder();
    let host = mount(&unique_db(), move || view! { <YesNoQuestion lang=Lang::en() value on_answer /> }.into_any());
    button_named(&host, "Not sure").click();
    assert_eq!(value.get_untracked(), Some(AnswerValue::YesNo(YesNo::NotSure)));
    wait_until("pressed", || pressed(&button_named(&host, "Not sure"))).await;
    assert!(!pressed(&button_named(&host, "Yes")));
    host.remove();
}

#[wasm_bindgen_test]
async fn several_emoji_can_be_picked_and_unpicked() {
    let form = Catalogue::built_in().latest("middle-check").unwrap().clone();
    let QuestionKind::EmojiPick { options, multiple } = form.question("feelings").unwrap().kind.clone() else { panic!() };
    let (value, on_answer, _) = recorder();
    let host = mount(&unique_db(), move || view! { <EmojiQuestion options multiple lang=Lang::en() value on_answer /> }.into_any());
    button_named(&host, "Calm").click();
    button_named(&host, "Tired").click();
    assert_eq!(value.get_untracked(), Some(AnswerValue::Choices(vec!["calm".into(), "tired".into()])));
    button_named(&host, "Calm").click();
    assert_eq!(value.get_untracked(), Some(AnswerValue::Choices(vec!["tired".into()])));
    button_named(&host, "Tired").click();
    assert_eq!(value.get_untracked(), None, "nothing picked is no answer");
    host.remove();
}

#[wasm_bindgen_test]
async fn the_scale_is_answered_by_tapping_a_number() {
    let (value, on_answer, _) = recorder();
    let host = mount(&unique_db(), move || {
        view! { <ScaleQuestion min=0 max=10 low="Really bad".into() high="Really good".into() label_id="x".into() lang=Lang::en() value on_answer /> }
            .into_any()
    });
    assert_eq!(buttons(&host).len(), 11);
    button_named(&host, "7").click();
    assert_eq!(value.get_untracked(), Some(AnswerValue::Scale(7)));
    button_named(&host, "0, Really bad").click();
    assert_eq!(value.get_untracked(), Some(AnswerValue::Scale(0)));
    host.remove();
}

#[wasm_bindgen_test]
async fn the_slider_stands_for_no_answer_until_the_child_uses_it() {
    let (value, on_answer, calls) = recorder();
    let host = mount(&unique_db(), move || {
        view! { <ScaleQuestion min=0 max=10 low="Really bad".into() high="Really good".into() label_id="x".into() lang=Lang::en() value on_answer /> }
            .into_any()
    });
    let slider: web_sys::HtmlInputElement = host.query_selector("input[type=range]").unwrap().unwrap().unchecked_into();
    // Wherever it stands, not as if that number were chosen: no thumb is drawn (the class), and
    // a screen reader hears there is no answer.
    assert_eq!(slider.get_attribute("aria-valuetext").as_deref(), Some("No answer yet"));
    assert!(slider.class_list().contains("unanswered"));
    assert_eq!(calls.get_untracked(), 0);
    // A tap on it answers, even where it stands.
    let stands: u8 = slider.value().parse().unwrap();
    slider.click();
    assert_eq!(value.get_untracked(), Some(AnswerValue::Scale(stands)));
    wait_until("the slider shows the answer", || slider.get_attribute("aria-valuetext").is_none()).await;
    assert!(!slider.class_list().contains("unanswered"));
    // A number tapped moves the slider with it; tapping the slider again changes nothing.
    button_named(&host, "7").click();
    wait_until("the slider at 7", || slider.value() == "7").await;
    let before = calls.get_untracked();
    slider.click();
    assert_eq!(calls.get_untracked(), before, "the same answer is not given twice");
    host.remove();
}

#[wasm_bindgen_test]
async fn words_are_reported_as_typed_and_emptying_takes_them_back() {
    let (value, on_answer, _) = recorder();
    let host = mount(&unique_db(), move || view! { <TextQuestion max_chars=20 value on_answer /> }.into_any());
    let area: web_sys::HtmlTextAreaElement = host.query_selector("textarea").unwrap().unwrap().unchecked_into();
    assert_eq!(area.labels().length(), 1, "the box has a label");
    assert_eq!(area.max_length(), 20);
    let input = |text: &str| {
        area.set_value(text);
        area.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    };
    input("my dog");
    assert_eq!(value.get_untracked(), Some(AnswerValue::Text("my dog".into())));
    wait_until("the count", || host.text_content().unwrap().contains("6 of 20 characters")).await;
    input("  ");
    assert_eq!(value.get_untracked(), None);
    host.remove();
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

#[wasm_bindgen_test]
async fn the_drawing_pad_keeps_strokes_with_undo_redo_and_confirmed_clear() {
    let drawn = RwSignal::new(None::<Drawing>);
    let reports = RwSignal::new(0usize);
    let on_change = Callback::new(move |d: Option<Drawing>| {
        drawn.set(d);
        reports.update(|n| *n += 1);
    });
    let host = mount(&unique_db(), move || view! { <DrawingPad drawing=Signal::derive(|| None) on_change label_id="x".to_string() /> }.into_any());
    let canvas = host.query_selector("canvas").unwrap().unwrap();
    assert_eq!(canvas.get_attribute("aria-label").as_deref(), Some("Drawing space"));
    assert_eq!(buttons(&host).iter().filter(|b| b.class_name() == "swatch").count(), 10, "at least 8 named colours");
    button_named(&host, "Red").click();
    button_named(&host, "Thick brush").click();

    pointer("pointerdown", &canvas, 0.1, 0.1);
    for i in 1..=20 {
        pointer("pointermove", &canvas, 0.1 + f64::from(i) * 0.02, 0.1 + f64::from(i) * 0.01);
    }
    pointer("pointerup", &canvas, 0.5, 0.3);
    let d = drawn.get_untracked().expect("a finished stroke is reported");
    assert_eq!(d.strokes.len(), 1);
    assert_eq!((d.strokes[0].colour, d.strokes[0].brush), (1, 2));
    assert!(d.strokes[0].points.len() >= 10, "{} points", d.strokes[0].points.len());
    assert_eq!(Drawing::decode(&d.encode()).unwrap(), d, "stored strokes read back identically");

    let enabled = |name: &str| !button_named(&host, name).has_attribute("disabled");
    for tool in ["Rubber", "Undo", "Redo", "Clear the page"] {
        assert!(button_named(&host, tool).query_selector("svg").unwrap().is_some(), "{tool} has a picture beside its word");
    }
    assert!(!enabled("Redo"));
    wait_until("undo to be offered", || enabled("Undo")).await;
    button_named(&host, "Undo").click();
    assert_eq!(drawn.get_untracked(), None, "an empty pad is no drawing");
    wait_until("redo to be offered", || enabled("Redo")).await;
    button_named(&host, "Redo").click();
    assert_eq!(drawn.get_untracked().unwrap().strokes.len(), 1);

    wait_until("clear to be offered", || enabled("Clear the page")).await;
    button_named(&host, "Clear the page").click();
    wait_until("the confirmation", || host.text_content().unwrap().contains("Clear everything you drew?")).await;
    button_named(&host, "No, keep it").click();
    assert!(drawn.get_untracked().is_some(), "nothing is cleared without a yes");
    button_named(&host, "Clear the page").click();
    wait_until("the confirmation", || host.text_content().unwrap().contains("Clear everything you drew?")).await;
    button_named(&host, "Yes, clear it").click();
    assert_eq!(drawn.get_untracked(), None);
    host.remove();
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

#[wasm_bindgen_test]
async fn rubbing_along_a_line_leaves_no_outline_of_it() {
    let (_, host, canvas) = drawing_question();
    let line = |canvas: &web_sys::Element| {
        pointer("pointerdown", canvas, 0.2, 0.3);
        for i in 1..=10 {
            pointer("pointermove", canvas, 0.2 + f64::from(i) * 0.05, 0.3 + f64::from(i) * 0.02);
        }
        pointer("pointerup", canvas, 0.7, 0.5);
    };
    button_named(&host, "Red").click();
    button_named(&host, "Thick brush").click();
    line(&canvas);
    button_named(&host, "Rubber").click();
    line(&canvas);
    let canvas: web_sys::HtmlCanvasElement = canvas.unchecked_into();
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let pixels = ctx.get_image_data(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height())).unwrap().data();
    let left = pixels.chunks(4).filter(|p| p[3] > 16).count();
    // The rubber was the brush's width, so the line's soft edges stayed: a pale halo.
    assert_eq!(left, 0, "pixels of the rubbed-out line still showing");
    host.remove();
}

#[wasm_bindgen_test]
async fn rubbing_a_blank_page_draws_nothing_and_clearing_gives_back_the_pen() {
    let (value, host, canvas) = drawing_question();
    let pressed = |name: &str| button_named(&host, name).get_attribute("aria-pressed").as_deref() == Some("true");
    let enabled = |name: &str| !button_named(&host, name).has_attribute("disabled");

    button_named(&host, "Rubber").click();
    stroke(&canvas);
    assert_eq!(value.get_untracked(), None, "a rubbed blank page is no drawing");
    assert!(!enabled("Undo"), "nothing to undo");

    button_named(&host, "Red").click();
    stroke(&canvas);
    button_named(&host, "Rubber").click();
    stroke(&canvas);
    let Some(AnswerValue::Drawing(d)) = value.get_untracked() else { panic!("the red line is a drawing") };
    assert_eq!(d.strokes.iter().map(|s| s.eraser).collect::<Vec<_>>(), [false, true]);

    wait_until("clear to be offered", || enabled("Clear the page")).await;
    button_named(&host, "Clear the page").click();
    wait_until("the question, with the focus on keeping", || document().active_element().is_some_and(|e| e.text_content().as_deref() == Some("No, keep it")))
        .await;
    button_named(&host, "Yes, clear it").click();
    assert_eq!(value.get_untracked(), None);
    // Starting again draws: the pen in red, with the focus on it.
    wait_until("the pen to be back", || !pressed("Rubber") && pressed("Red")).await;
    assert_eq!(document().active_element().and_then(|e| e.get_attribute("aria-label")).as_deref(), Some("Red"));
    stroke(&canvas);
    assert!(matches!(value.get_untracked(), Some(AnswerValue::Drawing(d)) if !d.strokes[0].eraser));
    host.remove();
}

#[wasm_bindgen_test]
async fn a_drawing_question_offers_one_way_to_decline_and_never_keeps_an_empty_page() {
    let (value, host, canvas) = drawing_question();
    assert_eq!(value.get_untracked(), None, "an untouched page is no answer");
    // "I don't want to answer" (the form's) is the one way to decline: no second, near-same
    // "Leave the page blank" for a young child to tell apart.
    assert!(buttons(&host).iter().all(|b| !name_of(b).to_lowercase().contains("blank")), "{:?}", buttons(&host).iter().map(|b| name_of(b)).collect::<Vec<_>>());
    pointer("pointerdown", &canvas, 0.2, 0.2);
    pointer("pointermove", &canvas, 0.4, 0.3);
    pointer("pointerup", &canvas, 0.4, 0.3);
    assert!(matches!(value.get_untracked(), Some(AnswerValue::Drawing(_))));
    host.remove();
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

#[wasm_bindgen_test]
async fn the_three_houses_stand_in_a_row_and_each_keeps_its_own_drawing_and_words() {
    let (value, on_answer, _) = recorder();
    let question = Catalogue::built_in().latest("middle-check").unwrap().question("houses").unwrap().clone();
    let host = mount(&unique_db(), move || view! { <QuestionBody question lang=Lang::en() value on_answer /> }.into_any());
    let tabs: Vec<web_sys::HtmlElement> = buttons(&host).into_iter().filter(|b| b.get_attribute("role").as_deref() == Some("tab")).collect();
    let names: Vec<String> = tabs.iter().map(|t| name_of(t)).collect();
    assert_eq!(names, ["House of worries", "House of good things", "House of dreams"], "all three houses are there to choose");
    let selected = || tabs.iter().map(|t| t.get_attribute("aria-selected").as_deref() == Some("true")).collect::<Vec<_>>();
    assert_eq!(selected(), [true, false, false]);
    let shown = |name: &str| house_panels(&host).into_iter().filter(|(_, shown)| *shown).map(|(n, _)| n).collect::<Vec<_>>() == [name];
    assert!(shown("House of worries"), "only the first house is open: {:?}", house_panels(&host));

    // A drawing in the house of worries, then words in the house of dreams: both are kept.
    let open_canvas = || host.query_selector("[role=tabpanel]:not([hidden]) canvas").unwrap().unwrap();
    stroke(&open_canvas());
    button_named(&host, "House of dreams").click();
    wait_until("the house of dreams to open", || shown("House of dreams")).await;
    assert_eq!(selected(), [false, false, true]);
    let area: web_sys::HtmlTextAreaElement = host.query_selector("[role=tabpanel]:not([hidden]) textarea").unwrap().unwrap().unchecked_into();
    area.set_value("a dog");
    area.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    let Some(AnswerValue::Houses(h)) = value.get_untracked() else { panic!("the houses are an answer") };
    assert!(h.worries.drawing.is_some() && h.worries.words.is_none(), "the worries drawing stays: {h:?}");
    assert_eq!(h.dreams.words.as_deref(), Some("a dog"));
    assert!(h.good_things.is_empty() && h.dreams.drawing.is_none());

    // From the keyboard: the arrow keys move along the row (round from the last to the first).
    let key = |k: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        tabs[2].dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    };
    key("ArrowRight");
    wait_until("the house of worries to open again", || shown("House of worries")).await;
    assert_eq!(document().active_element().map(|e| e.text_content().unwrap()).as_deref(), Some("House of worries"), "the focus moves with it");
    assert_eq!(tabs.iter().map(|t| t.tab_index()).collect::<Vec<_>>(), [0, -1, -1], "one stop in the row for Tab");
    // Its drawing is still on the page.
    assert!(value.get_untracked().is_some_and(|v| matches!(v, AnswerValue::Houses(h) if h.worries.drawing.is_some())));
    host.remove();

    // Right to left the row runs the other way: the left arrow goes on to the next house.
    let (value, on_answer, _) = recorder();
    let question = Catalogue::built_in().latest("middle-check").unwrap().question("houses").unwrap().clone();
    let host = mount(&unique_db(), move || view! { <QuestionBody question lang=Lang::new("ar").unwrap() value on_answer /> }.into_any());
    let first = buttons(&host).into_iter().find(|b| b.get_attribute("role").as_deref() == Some("tab")).unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowLeft");
    init.set_bubbles(true);
    first.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    wait_until("the second house to open", || house_panels(&host).iter().position(|(_, shown)| *shown) == Some(1)).await;
    host.remove();
}

#[wasm_bindgen_test]
async fn the_outbox_overview_counts_all_lists_the_first_and_every_refused_one() {
    let store = unlocked(&unique_db()).await;
    let waiting: Vec<Response> = (1..=3).chain(1..=3).map(response).collect();
    for r in &waiting {
        store.save_pending(r).await.unwrap();
    }
    let refused = waiting.iter().max_by_key(|r| r.id).unwrap();
    store.mark_failed(refused, "no question \"x\"").await.unwrap();

    let overview = store.outbox_overview(2).await.unwrap();
    assert_eq!(overview.count, 6);
    assert_eq!(overview.listed.len(), 2, "only as many listed as asked");
    assert!(overview.listed.iter().all(|o| o.failure.is_none() && o.response.id != refused.id));
    assert_eq!(overview.failed.len(), 1, "the refused one, though it is last of all");
    assert_eq!(overview.failed[0].response, *refused);
    assert_eq!(overview.failed[0].failure.as_deref(), Some("no question \"x\""));
}

#[wasm_bindgen_test]
async fn the_outbox_lists_what_is_waiting_on_the_tablet() {
    let db = unique_db();
    let store = unlocked(&db).await;
    store.save_pending(&response(2)).await.unwrap();
    store.save_pending(&response(1)).await.unwrap();
    let host = mount(&db, || view! { <OutboxPage /> }.into_any());

    wait_until("the pending count", || host.text_content().unwrap_or_default().contains("2 answers waiting to send.")).await;
    let items = host.query_selector_all("li").unwrap();
    assert_eq!(items.length(), 2);
    assert!(items.item(0).unwrap().text_content().unwrap().contains("How are things? · 1 answered, 0 chose not to answer"));
    assert!(!button_named(&host, "Send").has_attribute("disabled"));
    host.remove();
}

#[wasm_bindgen_test]
fn addresses_name_their_screens() {
    use heard::route::Route;
    assert_eq!(Route::parse("/", ""), Route::Home);
    assert_eq!(Route::parse("/child/", ""), Route::Child);
    assert_eq!(
        Route::parse("/child/symbols-check", "?lang=ar&scan=2500"),
        Route::Run { form: "symbols-check".into(), lang: Some("ar".into()), scan: Some(2500), resume: None }
    );
    assert_eq!(Route::parse("/child/teen-check", "?scan=soon"), Route::Run { form: "teen-check".into(), lang: None, scan: None, resume: None });
    assert_eq!(
        Route::parse("/child/teen-check", "?lang=en&resume=6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a00aa"),
        Route::Run { form: "teen-check".into(), lang: Some("en".into()), scan: None, resume: Some("6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a00aa".into()) }
    );
    assert_eq!(Route::parse("/outbox", ""), Route::Outbox);
    assert_eq!(Route::parse("/enrol", "?x=1"), Route::Enrol);
    assert_eq!(Route::parse("/coordinator", ""), Route::Coordinator, "opened here only offline");
    assert_eq!(Route::parse("/child/a/b", ""), Route::NotFound);
    // The addresses the app writes read back as the runs they name.
    let id = "6f1c1a52-0d8e-4d4a-9c55-6a1f7b0a00aa";
    assert_eq!(Route::run_href("teen-check", None, None, None), "/child/teen-check");
    let href = Route::run_href("symbols-check", Some("ar"), Some(2500), Some(id));
    assert_eq!(href, format!("/child/symbols-check?lang=ar&scan=2500&resume={id}"));
    let (path, query) = href.split_once('?').unwrap();
    assert_eq!(Route::parse(path, query), Route::Run { form: "symbols-check".into(), lang: Some("ar".into()), scan: Some(2500), resume: Some(id.into()) });
}

#[wasm_bindgen_test]
fn storage_sizes_read_as_megabytes_then_gigabytes_to_one_decimal() {
    use heard::device::size_text;
    assert_eq!(size_text(0.0), "0.0 MB");
    assert_eq!(size_text(3_249_000.0), "3.2 MB");
    assert_eq!(size_text(3_250_000.0), "3.3 MB");
    assert_eq!(size_text(999_940_000.0), "999.9 MB");
    assert_eq!(size_text(999_960_000.0), "1.0 GB");
    assert_eq!(size_text(1_549_000_000.0), "1.5 GB");
    assert_eq!(size_text(1_549_960_000.0), "1.5 GB", "rounded once, from the bytes");
    assert_eq!(size_text(64_000_000_000.0), "64.0 GB");
}

/// The tablet reads JSON with the browser's reader (`heard::json`); the server with serde_json.
/// Both must read the shipped forms and wording, and every kind of answer, the same.
#[wasm_bindgen_test]
fn the_browsers_json_reader_reads_what_serde_json_reads() {
    assert_eq!(Catalogue::built_in_read_by(heard::json::from_str).forms(), Catalogue::built_in().forms());
    let shipped = heard_domain::i18n::shipped_ui_strings();
    assert_eq!(heard_domain::i18n::shipped_ui_strings_read_by(heard::json::from_str), shipped);
    assert_eq!(heard_domain::i18n::shipped_ui_strings_read_by(heard::json::read_ui_strings), shipped);
    assert_eq!(heard_domain::i18n::shipped_coordinator_strings_read_by(heard::json::read_ui_strings), heard_domain::i18n::shipped_coordinator_strings());
    let key_file = heard_domain::enrolment::KeyBackup::new("North", &[9; 32], "ab").to_json();
    // (No Debug on a key backup: the key is never printed.)
    let read = heard_domain::enrolment::KeyBackup::read_by(&key_file, heard::json::from_str);
    assert!(read.is_ok() && read == heard_domain::enrolment::KeyBackup::parse(&key_file));
    // The quick way refuses what would shift every string after it, and what is not wording.
    let nul = r#"{"lang":"en","name":"English","awaiting_review":false,"strings":{"a":"x\u0000y","b":"z"}}"#;
    assert!(heard::json::read_ui_strings(nul).unwrap_err().contains("NUL"));
    assert!(heard::json::read_ui_strings(r#"{"lang":"en","name":"English","awaiting_review":false}"#).is_err());
    assert!(heard::json::read_ui_strings(r#"{"lang":"EN","name":"English","awaiting_review":false,"strings":{}}"#).is_err());

    let stroke = |colour: u8, n: u16| heard_domain::drawing::Stroke {
        colour,
        brush: 2,
        eraser: colour == 0,
        points: (0..n).map(|i| heard_domain::drawing::Point { x: i, y: 599 - i, pressure: (i % 256) as u8 }).collect(),
    };
    let drawing = Drawing { width: 800, height: 600, strokes: vec![stroke(3, 500), stroke(0, 20)] };
    let house = |words: Option<&str>, drawing: Option<Drawing>| heard_domain::response::House { drawing, words: words.map(String::from) };
    let mut r = response(2);
    r.context.flags.set(heard_domain::case::Flag::Send, true);
    let answers = [
        ("a", AnswerValue::Choices(vec!["sun".into(), "rain".into()])),
        ("b", AnswerValue::YesNo(YesNo::NotSure)),
        ("c", AnswerValue::Scale(10)),
        ("d", AnswerValue::Text("Mum \"says\" \u{1F600} \\ ok\nnew line, مرحبا".into())),
        ("e", AnswerValue::Drawing(drawing.clone())),
        (
            "f",
            AnswerValue::Houses(heard_domain::response::Houses {
                worries: house(Some("dark"), None),
                good_things: house(None, Some(drawing)),
                dreams: house(None, None),
            }),
        ),
        ("g", AnswerValue::WhoHelped(heard_domain::response::Helper::ParentOrCarer)),
        ("h", AnswerValue::Blank),
        ("i", AnswerValue::Declined),
    ];
    for (q, value) in answers {
        r.set_answer(q, value);
    }
    // As sealed on the tablet, and as sent.
    let mut stored = heard::store::StoredResponse::from(&r);
    stored.failure = Some("conflict".into());
    let text = serde_json::to_string(&stored).unwrap();
    assert_eq!(heard::json::from_str::<heard::store::StoredResponse>(&text).unwrap(), stored);
    let wire = heard_domain::wire::ResponseV1::from(&r);
    let text = serde_json::to_string(&wire).unwrap();
    assert_eq!(heard::json::from_str::<heard_domain::wire::ResponseV1>(&text).unwrap(), wire);

    // Bad JSON and breaches of a type's rules are refused with a reason, as serde_json refuses them.
    type V1 = heard_domain::wire::ResponseV1;
    assert!(!heard::json::from_str::<V1>(&text[..text.len() - 1]).unwrap_err().is_empty());
    // But a field the type does not have is passed over (serde-wasm-bindgen reads a struct's own
    // fields by name), where serde_json refuses it: the server's check stays the strict one.
    let unknown = text.replacen('{', r#"{"surname":"x","#, 1);
    assert!(serde_json::from_str::<V1>(&unknown).is_err());
    assert_eq!(heard::json::from_str::<V1>(&unknown).unwrap(), wire);
    let date = format!(r#""date":"{}""#, r.date);
    for (good, bad) in [(r#"{"face":2}"#, r#"{"face":-1}"#), (r#""lang":"en""#, r#""lang":"EN""#), (&date, r#""date":"2026-02-30""#)] {
        let broken = text.replacen(good, bad, 1);
        assert_ne!(broken, text, "{good} is in the response");
        assert!(serde_json::from_str::<V1>(&broken).is_err(), "{bad}");
        assert!(heard::json::from_str::<V1>(&broken).is_err(), "{bad}");
    }
}

#[wasm_bindgen_test]
async fn fingerprints_are_sha256_as_the_server_computes_them() {
    // The FIPS 180-2 test vector for "abc".
    assert_eq!(heard::device::sha256_hex(b"abc").await.unwrap(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[wasm_bindgen_test]
async fn the_outbox_remembers_the_last_twenty_sent_newest_first_and_each_once() {
    use heard::store::{SentItem, SENT_KEPT};
    let store = unlocked(&unique_db()).await;
    let day = heard::device::today();
    let sent = |n: usize| (0..n).map(|_| SentItem::of(&response(1), day, false)).collect::<Vec<_>>();
    let (first, newer) = (sent(15), sent(10));
    store.note_sent(first.clone()).await.unwrap();
    // Five confirmed again (sending by itself and the practitioner's Send at once), then ten more.
    store.note_sent(first[..5].to_vec()).await.unwrap();
    store.note_sent(newer.clone()).await.unwrap();
    let kept = store.sent_lately().await.unwrap();
    assert_eq!(kept.len(), SENT_KEPT);
    let expected: Vec<_> = newer.iter().chain(&first[..5]).chain(&first[5..10]).map(|s| s.id).collect();
    assert_eq!(kept.iter().map(|s| s.id).collect::<Vec<_>>(), expected, "newest first, each once, the oldest let go");
    assert!(matches!(&kept[0], SentItem { band: heard_domain::AgeBand::Middle, form_version: 1, .. }), "{:?}", kept[0]);
}

#[wasm_bindgen_test]
async fn two_sends_finishing_at_once_both_reach_the_sent_list() {
    use heard::store::SentItem;
    let db = unique_db();
    let store = unlocked(&db).await;
    let day = heard::device::today();
    let (a, b) = (SentItem::of(&response(1), day, false), SentItem::of(&response(2), day, false));
    // Sending by itself notes one while the practitioner's Send notes another.
    let other = store.clone();
    let first = a.clone();
    wasm_bindgen_futures::spawn_local(async move { other.note_sent(vec![first]).await.unwrap() });
    store.note_sent(vec![b.clone()]).await.unwrap();
    let mut kept = Vec::new();
    for _ in 0..100 {
        kept = store.sent_lately().await.unwrap();
        if kept.len() == 2 {
            break;
        }
        sleep(20).await;
    }
    let mut ids: Vec<_> = kept.iter().map(|s| s.id).collect();
    ids.sort();
    let mut expected = vec![a.id, b.id];
    expected.sort();
    assert_eq!(ids, expected, "neither write lost the other's");
}

#[wasm_bindgen_test]
async fn records_are_sealed_under_a_key_only_the_pin_unwraps() {
    use heard::crypto::{new_keyring, unlock, CryptoError};
    // Fewer PBKDF2 rounds than the app's 600,000, to keep the test quick.
    let (keyring, key) = new_keyring("2468", 1_000).await.unwrap();
    let sealed = key.seal(b"I feel safe at home").await.unwrap();
    assert!(!sealed.contains("safe"));
    assert_ne!(sealed, key.seal(b"I feel safe at home").await.unwrap(), "a fresh IV every time");
    assert_eq!(key.open(&sealed).await.unwrap(), b"I feel safe at home");

    assert_eq!(unlock(&keyring, "1357").await.unwrap_err(), CryptoError::WrongPin);
    let again = unlock(&keyring, "2468").await.unwrap();
    assert_eq!(again.open(&sealed).await.unwrap(), b"I feel safe at home", "the PIN unwraps the same data key");

    let mut tampered = sealed.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    assert_eq!(key.open(&String::from_utf8(tampered).unwrap()).await.unwrap_err(), CryptoError::Damaged);
}

#[wasm_bindgen_test]
async fn wrong_pins_are_counted_across_reloads_and_a_wipe_forgets_everything() {
    let name = unique_db();
    let store = unlocked(&name).await;
    store.save_pending(&response(2)).await.unwrap();
    drop(store);
    let store = Store::open_named(&name).await.unwrap();
    for _ in 0..2 {
        assert_eq!(store.unlock("0000").await, Err(heard::store::UnlockError::WrongPin { wait_secs: 0 }));
    }
    assert_eq!(store.unlock("0000").await, Err(heard::store::UnlockError::WrongPin { wait_secs: 5 }));
    // A reload does not reset the count.
    let store = Store::open_named(&name).await.unwrap();
    assert!(matches!(store.unlock(PIN).await, Err(heard::store::UnlockError::TooSoon { wait_secs: 1..=5 })), "even the right PIN waits");
    // Forgotten PIN: wiping leaves no PIN, no answers.
    store.wipe().await.unwrap();
    assert!(!store.has_pin().await.unwrap());
    assert!(!store.is_enrolled().await.unwrap());
}

/// Before, the wait was measured from the tablet's date and time: moving the clock forward a
/// day let the next guess in at once.
#[wasm_bindgen_test]
async fn moving_the_tablets_clock_forward_does_not_skip_the_wait_after_wrong_pins() {
    let name = unique_db();
    drop(unlocked(&name).await);
    let store = Store::open_named(&name).await.unwrap();
    for _ in 0..3 {
        assert!(matches!(store.unlock("0000").await, Err(heard::store::UnlockError::WrongPin { .. })));
    }
    js_sys::eval("window.realDateNow = Date.now; Date.now = () => window.realDateNow() + 86400000").unwrap();
    let tried = store.unlock(PIN).await;
    js_sys::eval("Date.now = window.realDateNow").unwrap();
    assert!(matches!(tried, Err(heard::store::UnlockError::TooSoon { wait_secs: 1..=5 })), "a day on the clock is not a wait: {tried:?}");
}

#[wasm_bindgen_test]
async fn case_references_become_hmac_pseudonyms_under_the_partnership_key() {
    // RFC 4231 test case 2.
    let mac = heard::crypto::hmac_sha256(b"Jefe", b"what do ya want for nothing?").await.unwrap();
    assert_eq!(heard_domain::case::Pseudonym::from_digest(&mac).as_str(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    let key = heard_domain::b64::base64url_encode(&[7u8; 32]);
    let a = heard::session::pseudonymise(&key, " eh-2024 00123 ").await.unwrap();
    let b = heard::session::pseudonymise(&key, "EH-202400123").await.unwrap();
    assert_eq!(a, b, "the same case however it is typed");
    let other_key = heard_domain::b64::base64url_encode(&[8u8; 32]);
    assert_ne!(heard::session::pseudonymise(&other_key, "EH-202400123").await.unwrap(), a, "another partnership, another pseudonym");
    assert!(heard::session::pseudonymise(&key, "   ").await.is_none());
}

#[wasm_bindgen_test]
async fn a_chart_draws_a_row_with_a_hidden_count_and_leaves_out_a_row_with_a_hidden_total() {
    use heard_domain::dashboard::{Label, Table, TableId};
    use heard_domain::disclosure::{Cell, ProtectedTable};
    let table = Table {
        id: TableId::VoiceByAgency,
        rows_are: "dash.by.agency".into(),
        rows: vec![Label::Name("School".into()), Label::Name("Police".into())],
        columns: vec![Label::Key("dash.col.heard".into()), Label::Key("dash.col.not_heard".into())],
        counts: ProtectedTable {
            cells: vec![vec![Cell::Count(40), Cell::Suppressed], vec![Cell::Suppressed, Cell::Suppressed]],
            row_totals: vec![Cell::Count(43), Cell::Suppressed],
            column_totals: vec![Cell::Suppressed, Cell::Suppressed],
            total: Cell::Suppressed,
        },
        rows_overlap: false,
        figure: None,
        figures: vec![None, None],
        total_figure: None,
    };
    let words = Callback::new(|k: String| k);
    let host = mount(&unique_db(), move || view! { <heard::coordinator::charts::StackedBars table title="Voice".into() words /> }.into_any());
    let rects = host.query_selector_all("svg rect").unwrap();
    let rects: Vec<web_sys::Element> = (0..rects.length()).map(|i| rects.item(i).unwrap().unchecked_into()).collect();
    // School: 40 heard, drawn as 40/43 of the bar, and the hidden rest as one dashed part
    // (the bar used to be left out whole for one "c").
    assert_eq!(rects.len(), 2, "School's two parts, nothing for Police");
    let width = |r: &web_sys::Element| r.get_attribute("width").unwrap().parse::<f64>().unwrap();
    assert!((width(&rects[0]) - 638.0 * 40.0 / 43.0).abs() < 0.01, "{}", width(&rects[0]));
    assert_eq!(rects[0].text_content().unwrap(), "dash.col.heard: 40");
    assert!(!rects[0].class_list().contains("chart-hidden-part"));
    assert!(rects[1].class_list().contains("chart-hidden-part"), "the hidden part is told apart without colour");
    assert!((width(&rects[0]) + width(&rects[1]) - 638.0).abs() < 0.01, "the two fill the bar");
    assert!(!rects[1].text_content().unwrap().contains('3'), "the hidden part does not print its count");
    // Police's total is hidden: not drawn, and said so.
    assert_eq!(host.query_selector_all(".chart-hidden").unwrap().length(), 1);
    // The key names the hidden part as well as the two columns.
    let key = host.query_selector_all(".legend li").unwrap();
    assert_eq!(key.length(), 3);
}
