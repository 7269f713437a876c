use crate::components::{DrawingPad, SpeakButton};
use crate::i18n::use_i18n;
use heard_domain::{AnswerValue, Drawing, House, Houses, Lang};
use leptos::prelude::*;

#[derive(Clone, Copy)]
enum Which {
    Worries,
    GoodThings,
    Dreams,
}

impl Which {
    const ALL: [Which; 3] = [Which::Worries, Which::GoodThings, Which::Dreams];

    fn key(self) -> &'static str {
        match self {
            Which::Worries => "worries",
            Which::GoodThings => "good_things",
            Which::Dreams => "dreams",
        }
    }

    fn of(self, h: &Houses) -> &House {
        match self {
            Which::Worries => &h.worries,
            Which::GoodThings => &h.good_things,
            Which::Dreams => &h.dreams,
        }
    }

    fn of_mut(self, h: &mut Houses) -> &mut House {
        match self {
            Which::Worries => &mut h.worries,
            Which::GoodThings => &mut h.good_things,
            Which::Dreams => &mut h.dreams,
        }
    }
}

/// Three houses (worries, good things, dreams), each a drawing and/or words.
#[component]
pub fn HousesQuestion(
    lang: Lang,
    #[prop(into)] value: Signal<Option<AnswerValue>>,
    on_answer: Callback<Option<AnswerValue>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let houses = move || match value.get_untracked() {
        Some(AnswerValue::Houses(h)) => h,
        _ => Houses::default(),
    };
    let change = move |which: Which, f: &dyn Fn(&mut House)| {
        let mut h = houses();
        f(which.of_mut(&mut h));
        let empty = Which::ALL.iter().all(|w| w.of(&h).is_empty());
        on_answer.run((!empty).then_some(AnswerValue::Houses(h)));
    };
    view! {
        <div class="houses">
            {Which::ALL
                .map(|which| {
                    let heading_id = format!("house-{}", which.key());
                    let words_id = format!("house-words-{}", which.key());
                    let words_label_id = format!("house-words-label-{}", which.key());
                    let drawing = Signal::derive(move || match value.get() {
                        Some(AnswerValue::Houses(h)) => which.of(&h).drawing.clone(),
                        _ => None,
                    });
                    let words = move || match value.get() {
                        Some(AnswerValue::Houses(h)) => which.of(&h).words.clone().unwrap_or_default(),
                        _ => String::new(),
                    };
                    let on_draw = Callback::new(move |d: Option<Drawing>| change(which, &|h: &mut House| h.drawing = d.clone()));
                    let name = i18n.t(&format!("houses.{}", which.key()));
                    view! {
                        <section class=format!("house house-{}", which.key()) aria-labelledby=heading_id.clone()>
                            <div class="with-speaker">
                                <h2 id=heading_id.clone()>
                                    <svg class="house-roof" viewBox="0 0 100 40" aria-hidden="true" focusable="false">
                                        <path d="M4 38 L50 4 L96 38 Z" fill="currentColor" />
                                    </svg>
                                    {name.clone()}
                                </h2>
                                <SpeakButton text=name lang=lang.clone() />
                            </div>
                            <DrawingPad drawing on_change=on_draw label_id=heading_id.clone() compact=true />
                            <div class="with-speaker">
                                <label id=words_label_id.clone() for=words_id.clone()>{i18n.t("houses.words")}</label>
                                <SpeakButton text=i18n.t("houses.words") lang=lang.clone() />
                            </div>
                            <textarea
                                id=words_id
                                aria-labelledby=format!("{words_label_id} {heading_id}")
                                rows="2"
                                maxlength="500"
                                prop:value=words
                                on:input=move |ev| {
                                    let w = event_target_value(&ev);
                                    change(which, &|h: &mut House| h.words = (!w.trim().is_empty()).then(|| w.clone()));
                                }
                            ></textarea>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}
