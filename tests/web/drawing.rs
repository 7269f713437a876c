//! The drawing pad: strokes, undo and redo, rubbing out, clearing and declining.

use super::*;

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
