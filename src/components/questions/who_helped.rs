use super::symbols::HelperIcon;
use super::ChoiceRow;
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Helper, Lang};
use leptos::prelude::*;

/// Who helped the child answer: on their own, with their worker, with a parent or carer.
#[component]
pub fn WhoHelpedQuestion(lang: Lang, #[prop(into)] value: Signal<Option<AnswerValue>>, on_answer: Callback<Option<AnswerValue>>) -> impl IntoView {
    let i18n = use_i18n();
    let items = Helper::ALL
        .into_iter()
        .map(|helper| {
            let key = match helper {
                Helper::Alone => "helper.alone",
                Helper::Worker => "helper.worker",
                Helper::ParentOrCarer => "helper.parent_or_carer",
            };
            (i18n.t(key), AnswerValue::WhoHelped(helper), view! { <HelperIcon helper /> }.into_any())
        })
        .collect();
    view! { <ChoiceRow class="who-helped" items lang value on_answer /> }
}
