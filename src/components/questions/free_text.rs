use crate::i18n::use_i18n;
use heard_domain::AnswerValue;
use leptos::prelude::*;

/// The child's own words, up to `max_chars`. Saved as they type; emptying the box takes the
/// answer back.
#[component]
pub fn TextQuestion(max_chars: u16, #[prop(into)] value: Signal<Option<AnswerValue>>, on_answer: Callback<Option<AnswerValue>>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match value.get() {
        Some(AnswerValue::Text(t)) => t,
        _ => String::new(),
    };
    let id = "words";
    view! {
        <div class="free-text">
            <label for=id>{i18n.t("text.label")}</label>
            // No spellcheck or autocomplete: a browser's cloud spellcheck sends what is typed off
            // the device (SPEC §5), and suggestions are not the child's words.
            <textarea
                id=id
                spellcheck="false"
                autocomplete="off"
                rows="5"
                maxlength=max_chars
                prop:value=text
                on:input=move |ev| {
                    let words = event_target_value(&ev);
                    on_answer.run((!words.trim().is_empty()).then_some(AnswerValue::Text(words)));
                }
            ></textarea>
            <p class="count">
                {move || {
                    i18n.fill("text.count", &[("n", &text().chars().count().to_string()), ("max", &max_chars.to_string())])
                }}
            </p>
        </div>
    }
}
