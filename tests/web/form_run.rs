//! The form runner as a child uses it, and what the practitioner is shown after the hand-back.

use super::*;

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
