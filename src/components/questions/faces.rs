use crate::components::{Choice, FaceIcon};
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Lang};
use leptos::prelude::*;

/// A row of 3 or 5 faces, saddest first.
#[component]
pub fn FacesQuestion(
    points: u8,
    lang: Lang,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="choices faces">
            {(1..=points)
                .map(|n| {
                    let label = i18n.t(&format!("faces.{points}.{n}"));
                    let pressed = Signal::derive(move || value.get() == Some(AnswerValue::Face(n)));
                    let on_press = Callback::new(move |()| on_answer.run(Some(AnswerValue::Face(n))));
                    view! {
                        <Choice label pressed on_press lang=lang.clone()>
                            <FaceIcon points n />
                        </Choice>
                    }
                })
                .collect_view()}
        </div>
    }
}
