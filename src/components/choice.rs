use crate::components::SpeakButton;
use heard_domain::Lang;
use leptos::prelude::*;

/// One large answer a child can choose: a picture and a word on a button (pressed when
/// chosen), with a speaker beside it that reads the word.
#[component]
pub fn Choice(
    /// The word for this answer; also the button's accessible name.
    #[prop(into)]
    label: String,
    /// Shown as chosen (`aria-pressed`).
    #[prop(into)]
    pressed: Signal<bool>,
    /// Called when the child chooses it.
    on_press: Callback<()>,
    /// Language of `label`, for read-aloud.
    lang: Lang,
    /// The picture (decorative).
    children: Children,
) -> impl IntoView {
    view! {
        <div class="choice">
            <button
                type="button"
                class="choice-button"
                aria-pressed=move || if pressed.get() { "true" } else { "false" }
                on:click=move |_| on_press.run(())
            >
                <span class="choice-picture" aria-hidden="true">{children()}</span>
                <span class="choice-label">{label.clone()}</span>
            </button>
            <SpeakButton text=label lang />
        </div>
    }
}
