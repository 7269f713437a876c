//! One component per question type. Each shows its current answer (`value`) and reports
//! every change through `on_answer` (`None` when the child takes an answer back, e.g. clears
//! their words); the form runner saves it at once.

mod choice_row;
mod emoji;
mod faces;
mod free_text;
mod houses;
mod scale;
mod symbols;
mod who_helped;
mod yes_no;

pub use choice_row::ChoiceRow;
pub use emoji::EmojiQuestion;
pub use faces::FacesQuestion;
pub use free_text::TextQuestion;
pub use houses::HousesQuestion;
pub use scale::ScaleQuestion;
pub use symbols::YesNoIcon;
pub use who_helped::WhoHelpedQuestion;
pub use yes_no::YesNoQuestion;

use crate::components::{DrawingPad, SpeakButton};
use heard_domain::{AnswerValue, Lang, Question, QuestionKind};
use leptos::prelude::*;

/// The answer controls for `question`, by its type.
#[component]
pub fn QuestionBody(
    question: Question,
    lang: Lang,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    let label_id = format!("prompt-{}", question.id);
    match question.kind {
        QuestionKind::Faces { points } => view! { <FacesQuestion points lang value on_answer /> }.into_any(),
        QuestionKind::EmojiPick { options, multiple } => view! { <EmojiQuestion options multiple lang value on_answer /> }.into_any(),
        QuestionKind::YesNoNotSure => view! { <YesNoQuestion lang value on_answer /> }.into_any(),
        QuestionKind::Scale { min, max, low, high } => {
            view! { <ScaleQuestion min max low=low.get(&lang).to_string() high=high.get(&lang).to_string() label_id lang=lang.clone() value on_answer /> }
                .into_any()
        }
        QuestionKind::FreeText { max_chars } => view! { <TextQuestion max_chars value on_answer /> }.into_any(),
        QuestionKind::Drawing => {
            let drawing = Signal::derive(move || match value.get() {
                Some(AnswerValue::Drawing(d)) => Some(d),
                _ => None,
            });
            let on_change = Callback::new(move |d: Option<heard_domain::Drawing>| on_answer.run(d.map(AnswerValue::Drawing)));
            // An empty page is never saved as a drawing; leaving it blank is the child's choice,
            // kept as one (drawing on afterwards replaces it).
            let i18n = crate::i18n::use_i18n();
            let blank = move || value.get() == Some(AnswerValue::Blank);
            let drawn = move || matches!(value.get(), Some(AnswerValue::Drawing(_)));
            view! {
                <DrawingPad drawing on_change label_id />
                <div class="with-speaker">
                    <button
                        type="button"
                        class="leave-blank"
                        aria-pressed=move || if blank() { "true" } else { "false" }
                        disabled=drawn
                        on:click=move |_| on_answer.run(Some(AnswerValue::Blank))
                    >
                        {i18n.t("draw.leave_blank")}
                    </button>
                    <SpeakButton text=i18n.t("draw.leave_blank") lang />
                </div>
                <p role="status">{move || blank().then(|| i18n.t("draw.left_blank"))}</p>
            }
            .into_any()
        }
        QuestionKind::ThreeHouses => view! { <HousesQuestion lang label_id value on_answer /> }.into_any(),
        QuestionKind::WhoHelped => view! { <WhoHelpedQuestion lang value on_answer /> }.into_any(),
    }
}
