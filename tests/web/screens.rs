//! Screens and helpers: the outbox, addresses, storage sizes, the JSON reader, charts.

use super::*;

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
