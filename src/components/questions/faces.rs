use super::ChoiceRow;
use crate::components::FaceIcon;
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Lang};
use leptos::prelude::*;

/// A row of 3 or 5 faces, saddest first.
#[component]
pub fn FacesQuestion(points: u8, lang: Lang, #[prop(into)] value: Signal<Option<AnswerValue>>, on_answer: Callback<Option<AnswerValue>>) -> impl IntoView {
    let i18n = use_i18n();
    let items = (1..=points).map(|n| (i18n.t(&format!("faces.{points}.{n}")), AnswerValue::Face(n), view! { <FaceIcon points n /> }.into_any())).collect();
    view! { <ChoiceRow class="faces" items lang value on_answer /> }
}
