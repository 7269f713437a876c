//! Pictures for what the buttons around a child's answers do (Next, Back, Pause, Carry on,
//! Stop, "I don't want to answer", and the two answers about sharing), so a child who cannot
//! read the words beside them can tell the buttons apart; each also has a speaker. Decorative:
//! the button's words are its name.

use leptos::prelude::*;

/// What a button does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Next,
    Back,
    Pause,
    /// Carry on after a pause, or start a form.
    Go,
    Stop,
    /// "I don't want to answer": a face with a closed, zipped mouth.
    Decline,
    /// "Yes, you can show them": a page handed on.
    Share,
    /// "No, keep them private": a padlock (never a cross: keeping them private is not wrong).
    KeepPrivate,
}

impl Step {
    fn path(self) -> &'static str {
        match self {
            Step::Next => "M18 50 L80 50 M56 26 L80 50 L56 74",
            Step::Back => "M82 50 L20 50 M44 26 L20 50 L44 74",
            Step::Pause => "M36 22 L36 78 M64 22 L64 78",
            Step::Go => "M32 20 L80 50 L32 80 Z",
            Step::Stop => "M26 26 L74 26 L74 74 L26 74 Z",
            Step::Decline => "M50 6 A44 44 0 1 0 50.1 6 M34 38 L34 40 M66 38 L66 40 M28 64 L72 64 M36 58 L36 70 M50 58 L50 70 M64 58 L64 70",
            Step::Share => "M18 24 L52 24 L52 76 L18 76 Z M26 38 L44 38 M26 50 L44 50 M60 50 L86 50 M74 38 L86 50 L74 62",
            Step::KeepPrivate => "M28 48 L72 48 L72 84 L28 84 Z M38 48 L38 34 Q38 18 50 18 Q62 18 62 34 L62 48 M50 62 L50 70",
        }
    }

    /// Arrows and the play sign point the way the page reads (mirrored right to left).
    fn mirrored(self) -> bool {
        matches!(self, Step::Next | Step::Back | Step::Go | Step::Share)
    }
}

#[component]
pub fn StepIcon(step: Step) -> impl IntoView {
    view! {
        <svg class="step-icon" class:mirror=step.mirrored() viewBox="0 0 100 100" aria-hidden="true" focusable="false">
            <path d=step.path() fill="none" stroke="currentColor" stroke-width="8" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

/// A button that moves the child on (Next, Back, Pause, Stop, Carry on, Start): its picture, its
/// words (the button's name) and its speaker, as one piece.
#[component]
pub fn StepButton(
    step: Step,
    /// The key of its wording: the button's words, and what its speaker reads.
    words: &'static str,
    /// The main way on, drawn filled (and where switch scanning goes after an answer).
    #[prop(optional)]
    primary: bool,
    /// Not offered here (Back on the first question): greyed, and with no speaker.
    #[prop(optional)]
    disabled: bool,
    on_press: Callback<()>,
) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    view! {
        <span class="with-speaker">
            <button type="button" class:primary=primary disabled=disabled on:click=move |_| on_press.run(())>
                <StepIcon step />
                {i18n.t(words)}
            </button>
            {(!disabled).then(|| crate::components::speaker(words))}
        </span>
    }
}
