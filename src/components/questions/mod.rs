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

use crate::components::DrawingPad;
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
        // One way to decline a drawing, as for every question: "I don't want to answer" (a
        // blank page beside it meant nearly the same to a young child). An empty page is never
        // saved as a drawing.
        QuestionKind::Drawing => {
            let drawing = Signal::derive(move || match value.get() {
                Some(AnswerValue::Drawing(d)) => Some(d),
                _ => None,
            });
            let on_change = Callback::new(move |d: Option<heard_domain::Drawing>| on_answer.run(d.map(AnswerValue::Drawing)));
            view! { <DrawingPad drawing on_change label_id /> }.into_any()
        }
        QuestionKind::ThreeHouses => view! { <HousesQuestion lang label_id value on_answer /> }.into_any(),
        QuestionKind::WhoHelped => view! { <WhoHelpedQuestion lang value on_answer /> }.into_any(),
    }
}
