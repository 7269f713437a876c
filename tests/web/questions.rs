//! Each question type, found by the names a screen reader gives its controls.

use super::*;

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
