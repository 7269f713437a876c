use crate::components::{DrawingPad, SpeakButton};
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Drawing, House, Houses, Lang};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

#[derive(Clone, Copy)]
enum Which {
    Worries,
    GoodThings,
    Dreams,
}

impl Which {
    const ALL: [Which; 3] = [Which::Worries, Which::GoodThings, Which::Dreams];

    fn key(self) -> &'static str {
        match self {
            Which::Worries => "worries",
            Which::GoodThings => "good_things",
            Which::Dreams => "dreams",
        }
    }

    /// The house's name, as the child reads and hears it.
    fn name(self) -> String {
        use_i18n().t(&format!("houses.{}", self.key()))
    }

    fn of(self, h: &Houses) -> &House {
        match self {
            Which::Worries => &h.worries,
            Which::GoodThings => &h.good_things,
            Which::Dreams => &h.dreams,
        }
    }

    fn of_mut(self, h: &mut Houses) -> &mut House {
        match self {
            Which::Worries => &mut h.worries,
            Which::GoodThings => &mut h.good_things,
            Which::Dreams => &mut h.dreams,
        }
    }
}

/// Three houses (worries, good things, dreams), each a drawing and/or words. The houses stand
/// in a row as tabs, so a child sees all three at once (one below another, the third was off
/// the screen of a tablet with nothing to say it was there); the one chosen opens below.
#[component]
pub fn HousesQuestion(
    lang: Lang,
    /// Id of the question's prompt, which names the row of houses.
    label_id: String,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let houses = move || match value.get_untracked() {
        Some(AnswerValue::Houses(h)) => h,
        _ => Houses::default(),
    };
    let change = move |which: Which, f: &dyn Fn(&mut House)| {
        let mut h = houses();
        f(which.of_mut(&mut h));
        let empty = Which::ALL.iter().all(|w| w.of(&h).is_empty());
        on_answer.run((!empty).then_some(AnswerValue::Houses(h)));
    };
    let open = RwSignal::new(0usize);
    let tab_id = |i: usize| format!("house-tab-{}", Which::ALL[i].key());
    // Arrow keys move along the row (mirrored right to left), Home and End to its ends; the
    // house reached opens at once, as a tap would open it.
    let rtl = lang.is_rtl();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // Alt + arrow is the browser's Back and Forward.
        if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let now = open.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" if rtl => (now + 2) % 3,
            "ArrowLeft" if !rtl => (now + 2) % 3,
            "ArrowRight" | "ArrowLeft" => (now + 1) % 3,
            "Home" => 0,
            "End" => 2,
            _ => return,
        };
        ev.prevent_default();
        open.set(next);
        if let Some(tab) = document().get_element_by_id(&tab_id(next)).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = tab.focus();
        }
    };
    view! {
        <div class="houses">
            <div class="house-tabs" role="tablist" aria-labelledby=label_id on:keydown=on_key>
                {Which::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, which)| {
                        let chosen = move || open.get() == i;
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=tab_id(i)
                                class=format!("house-tab house-{}", which.key())
                                aria-selected=move || chosen().to_string()
                                aria-controls=format!("house-panel-{}", which.key())
                                tabindex=move || if chosen() { "0" } else { "-1" }
                                on:click=move |_| open.set(i)
                            >
                                <svg class="house-roof" viewBox="0 0 100 40" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                                    <path d="M4 38 L50 4 L96 38 Z" fill="currentColor" />
                                </svg>
                                <span>{which.name()}</span>
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            // Under each house, its speaker (a tab holds nothing but its own words).
            <div class="house-speakers">
                {Which::ALL.map(|which| view! { <SpeakButton text=which.name() lang=lang.clone() /> }).collect_view()}
            </div>
            {Which::ALL
                .iter()
                .enumerate()
                .map(|(i, &which)| {
                    let heading_id = format!("house-{}", which.key());
                    let words_id = format!("house-words-{}", which.key());
                    let words_label_id = format!("house-words-label-{}", which.key());
                    let drawing = Signal::derive(move || match value.get() {
                        Some(AnswerValue::Houses(h)) => which.of(&h).drawing.clone(),
                        _ => None,
                    });
                    let words = move || match value.get() {
                        Some(AnswerValue::Houses(h)) => which.of(&h).words.clone().unwrap_or_default(),
                        _ => String::new(),
                    };
                    let on_draw = Callback::new(move |d: Option<Drawing>| change(which, &|h: &mut House| h.drawing = d.clone()));
                    view! {
                        <section
                            id=format!("house-panel-{}", which.key())
                            role="tabpanel"
                            class=format!("house house-{}", which.key())
                            aria-labelledby=heading_id.clone()
                            hidden=move || open.get() != i
                        >
                            // Its name is on the house above; the heading is for screen readers.
                            <h2 id=heading_id.clone() class="visually-hidden">{which.name()}</h2>
                            <DrawingPad drawing on_change=on_draw label_id=heading_id.clone() compact=true />
                            <div class="with-speaker">
                                <label id=words_label_id.clone() for=words_id.clone()>{i18n.t("houses.words")}</label>
                                <SpeakButton text=i18n.t("houses.words") lang=lang.clone() />
                            </div>
                            // No spellcheck or autocomplete (free_text.rs).
                            <textarea
                                id=words_id
                                spellcheck="false"
                                autocomplete="off"
                                aria-labelledby=format!("{words_label_id} {heading_id}")
                                rows="2"
                                maxlength="500"
                                prop:value=words
                                on:input=move |ev| {
                                    let w = event_target_value(&ev);
                                    change(which, &|h: &mut House| h.words = (!w.trim().is_empty()).then(|| w.clone()));
                                }
                            ></textarea>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}
