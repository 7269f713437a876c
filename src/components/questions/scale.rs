use crate::components::SpeakButton;
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Lang};
use leptos::prelude::*;

/// A 0–10 (or `min`–`max`) scale. Every number is a button to tap; the slider beside them is
/// an extra, never the only way (no dragging required).
#[component]
pub fn ScaleQuestion(
    min: u8,
    max: u8,
    /// Wording for the low end.
    low: String,
    /// Wording for the high end.
    high: String,
    /// Id of the element holding the question's prompt, which names the slider.
    label_id: String,
    /// Language of `low` and `high`, for read-aloud.
    lang: Lang,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = move || match value.get() {
        Some(AnswerValue::Scale(n)) => Some(n),
        _ => None,
    };
    let choose = move |ev: &leptos::ev::Event| {
        if let Ok(n) = event_target_value(ev).parse::<u8>() {
            if value.get_untracked() != Some(AnswerValue::Scale(n)) {
                on_answer.run(Some(AnswerValue::Scale(n)));
            }
        }
    };
    let group_label = i18n.fill("scale.label", &[("min", &min.to_string()), ("max", &max.to_string())]);
    view! {
        <div class="scale">
            // The ends' words are in the numbers' names too; here they are for the eye, and to hear.
            <div class="scale-ends">
                <span class="with-speaker">
                    <span aria-hidden="true">{format!("{min} = {low}")}</span>
                    <SpeakButton text=format!("{min}, {low}") lang=lang.clone() />
                </span>
                <span class="with-speaker">
                    <span aria-hidden="true">{format!("{max} = {high}")}</span>
                    <SpeakButton text=format!("{max}, {high}") lang />
                </span>
            </div>
            <div class="scale-numbers" role="group" aria-label=group_label>
                {(min..=max)
                    .map(|n| {
                        let name = if n == min {
                            format!("{n}, {low}")
                        } else if n == max {
                            format!("{n}, {high}")
                        } else {
                            n.to_string()
                        };
                        view! {
                            <button
                                type="button"
                                class="scale-number"
                                aria-label=name
                                aria-pressed=move || if current() == Some(n) { "true" } else { "false" }
                                on:click=move |_| on_answer.run(Some(AnswerValue::Scale(n)))
                            >
                                {n}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <input
                type="range"
                class="scale-slider"
                min=min
                max=max
                step="1"
                aria-labelledby=label_id
                // With no answer yet the slider shows no thumb (style/app.css) and says so, rather
                // than standing at the middle as if the child had chosen it; a tap anywhere on it
                // answers, the middle included (a click comes even when the value does not change).
                class:unanswered=move || current().is_none()
                aria-valuetext=move || current().is_none().then(|| i18n.t("scale.unanswered"))
                prop:value=move || current().unwrap_or(min + (max - min) / 2).to_string()
                on:change=move |ev| choose(&ev)
                on:click=move |ev| choose(&ev)
            />
        </div>
    }
}
