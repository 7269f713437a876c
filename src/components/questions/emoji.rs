use crate::components::Choice;
use heard_domain::form::Choice as Option_;
use heard_domain::{AnswerValue, Lang};
use leptos::prelude::*;

/// Pictured options; one, or with `multiple` as many as the child likes (tap again to undo).
#[component]
pub fn EmojiQuestion(
    options: Vec<Option_>,
    multiple: bool,
    lang: Lang,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    let picked = move || match value.get() {
        Some(AnswerValue::Choices(ids)) => ids,
        _ => Vec::new(),
    };
    view! {
        <div class="choices emoji">
            {options
                .into_iter()
                .map(|o| {
                    let id = o.id.clone();
                    let pressed = Signal::derive({
                        let id = id.clone();
                        move || picked().contains(&id)
                    });
                    let on_press = Callback::new(move |()| {
                        let mut ids = picked();
                        if let Some(at) = ids.iter().position(|x| x == &id) {
                            ids.remove(at);
                        } else if multiple {
                            ids.push(id.clone());
                        } else {
                            ids = vec![id.clone()];
                        }
                        on_answer.run((!ids.is_empty()).then_some(AnswerValue::Choices(ids)));
                    });
                    view! {
                        <Choice label=o.label.get(&lang).to_string() pressed on_press lang=lang.clone()>
                            <span class="emoji">{o.emoji.clone()}</span>
                        </Choice>
                    }
                })
                .collect_view()}
        </div>
    }
}
