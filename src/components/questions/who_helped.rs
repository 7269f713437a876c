use super::symbols::HelperIcon;
use crate::components::Choice;
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Helper, Lang};
use leptos::prelude::*;

/// Who helped the child answer: on their own, with their worker, with a parent or carer.
#[component]
pub fn WhoHelpedQuestion(
    lang: Lang,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="choices who-helped">
            {Helper::ALL
                .map(|helper| {
                    let key = match helper {
                        Helper::Alone => "helper.alone",
                        Helper::Worker => "helper.worker",
                        Helper::ParentOrCarer => "helper.parent_or_carer",
                    };
                    let pressed = Signal::derive(move || value.get() == Some(AnswerValue::WhoHelped(helper)));
                    let on_press = Callback::new(move |()| on_answer.run(Some(AnswerValue::WhoHelped(helper))));
                    view! {
                        <Choice label=i18n.t(key) pressed on_press lang=lang.clone()>
                            <HelperIcon helper />
                        </Choice>
                    }
                })
                .collect_view()}
        </div>
    }
}
