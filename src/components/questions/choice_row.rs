use crate::components::Choice;
use heard_domain::{AnswerValue, Lang};
use leptos::prelude::*;

/// A row of fixed answers (faces, yes / no / not sure, who helped): each a large `Choice` with
/// its word and picture, shown pressed when it is the child's answer.
#[component]
pub fn ChoiceRow(
    /// Extra class for the row, for its layout.
    class: &'static str,
    /// Each answer: its word (also its accessible name), what it records, its picture.
    items: Vec<(String, AnswerValue, AnyView)>,
    lang: Lang,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    view! {
        <div class=format!("choices {class}")>
            {items
                .into_iter()
                .map(|(label, answer, picture)| {
                    let shown = answer.clone();
                    let pressed = Signal::derive(move || value.with(|v| v.as_ref() == Some(&shown)));
                    let on_press = Callback::new(move |()| on_answer.run(Some(answer.clone())));
                    view! { <Choice label pressed on_press lang=lang.clone()>{picture}</Choice> }
                })
                .collect_view()}
        </div>
    }
}
