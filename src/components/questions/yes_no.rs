use super::symbols::YesNoIcon;
use crate::components::Choice;
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Lang, YesNo};
use leptos::prelude::*;

/// Yes / no / not sure, each a large symbol.
#[component]
pub fn YesNoQuestion(
    lang: Lang,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="choices yes-no">
            {YesNo::ALL
                .map(|answer| {
                    let key = match answer {
                        YesNo::Yes => "yesno.yes",
                        YesNo::No => "yesno.no",
                        YesNo::NotSure => "yesno.not_sure",
                    };
                    let pressed = Signal::derive(move || value.get() == Some(AnswerValue::YesNo(answer)));
                    let on_press = Callback::new(move |()| on_answer.run(Some(AnswerValue::YesNo(answer))));
                    view! {
                        <Choice label=i18n.t(key) pressed on_press lang=lang.clone()>
                            <YesNoIcon answer />
                        </Choice>
                    }
                })
                .collect_view()}
        </div>
    }
}
