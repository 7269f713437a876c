use crate::i18n::use_i18n;
use crate::speech::use_speech;
use heard_domain::Lang;
use leptos::prelude::*;

/// The speaker for the wording `key`, in the language of the screen.
pub fn speaker(key: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! { <SpeakButton text=i18n.t(key) lang=i18n.lang.get_untracked() /> }
}

/// A small speaker button that reads `text` aloud. Not shown where the device has no voice
/// for `lang`.
#[component]
pub fn SpeakButton(
    /// What to read.
    #[prop(into)]
    text: String,
    /// The language it is written in.
    lang: Lang,
) -> impl IntoView {
    let i18n = use_i18n();
    let speech = use_speech();
    let name = {
        let text = text.clone();
        move || format!("{}: {text}", i18n.t("child.listen"))
    };
    let lang_for_show = lang.clone();
    view! {
        <Show when=move || speech.can_speak(&lang_for_show)>
            <button
                type="button"
                class="speak"
                aria-label=name.clone()
                on:click={
                    let (text, lang) = (text.clone(), lang.clone());
                    move |_| speech.say(&text, &lang)
                }
            >
                <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
                    <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                </svg>
            </button>
        </Show>
    }
}
