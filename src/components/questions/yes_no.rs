use super::symbols::YesNoIcon;
use super::ChoiceRow;
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Lang, YesNo};
use leptos::prelude::*;

/// Yes / no / not sure, each a large symbol.
#[component]
pub fn YesNoQuestion(lang: Lang, #[prop(into)] value: Signal<Option<AnswerValue>>, on_answer: Callback<Option<AnswerValue>>) -> impl IntoView {
    let i18n = use_i18n();
    let items = YesNo::ALL
        .into_iter()
        .map(|answer| {
            let key = match answer {
                YesNo::Yes => "yesno.yes",
                YesNo::No => "yesno.no",
                YesNo::NotSure => "yesno.not_sure",
            };
            (i18n.t(key), AnswerValue::YesNo(answer), view! { <YesNoIcon answer /> }.into_any())
        })
        .collect();
    view! { <ChoiceRow class="yes-no" items lang value on_answer /> }
}
