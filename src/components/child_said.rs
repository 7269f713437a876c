//! What the child said, question by question, for the practitioner beside them: ratings,
//! choices, words and drawings in full, and which questions the child did not answer and how.
//! Shown only behind the PIN (the follow-up screen, and "What the child said" while the
//! session lasts), never to the child. Nothing here changes what leaves the tablet: the
//! child's sharing answer governs that.

use crate::components::{DrawingImage, FaceIcon};
use crate::i18n::{use_i18n, I18n};
use crate::session::CurrentSession;
use crate::store::{Store, StoreName};
use heard_domain::case::Pseudonym;
use heard_domain::form::QuestionKind;
use heard_domain::{AnswerValue, Form, Helper, House, Lang, Question, Response, YesNo};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Every question of `form` with what the child gave in `response`, in the form's order.
#[component]
pub fn ChildSaid(form: Form, response: Response) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang.get_untracked();
    let child_lang = response.lang.clone();
    let items = form
        .questions
        .iter()
        .map(|q| {
            let prompt = q.prompt.get(&lang).to_string();
            let answer = answer_view(&i18n, q, response.answer(&q.id), &prompt, &child_lang);
            view! {
                <li>
                    <p class="said-prompt"><strong>{prompt}</strong></p>
                    {answer}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="child-said">{items}</ol> }
}

/// A chosen answer in the practitioner's words (a face's name, the options picked, yes / no /
/// not sure, a point on the scale with its ends, who helped); `None` for words, drawings and
/// answers not given, which are shown otherwise.
pub(crate) fn answer_words(i18n: &I18n, q: &Question, value: &AnswerValue) -> Option<String> {
    let lang = i18n.lang.get_untracked();
    Some(match (&q.kind, value) {
        (QuestionKind::Faces { points }, AnswerValue::Face(n)) => i18n.t(&format!("faces.{points}.{n}")),
        (QuestionKind::EmojiPick { options, .. }, AnswerValue::Choices(ids)) => ids
            .iter()
            .filter_map(|id| options.iter().find(|o| &o.id == id))
            .map(|o| format!("{} {}", o.emoji, o.label.get(&lang)))
            .collect::<Vec<_>>()
            .join(", "),
        (_, AnswerValue::YesNo(a)) => i18n.t(match a {
            YesNo::Yes => "yesno.yes",
            YesNo::No => "yesno.no",
            YesNo::NotSure => "yesno.not_sure",
        }),
        (QuestionKind::Scale { min, max, low, high }, AnswerValue::Scale(n)) => i18n.fill(
            "said.scale",
            &[("n", &n.to_string()), ("min", &min.to_string()), ("max", &max.to_string()), ("low", low.get(&lang)), ("high", high.get(&lang))],
        ),
        (_, AnswerValue::WhoHelped(h)) => i18n.t(match h {
            Helper::Alone => "helper.alone",
            Helper::Worker => "helper.worker",
            Helper::ParentOrCarer => "helper.parent_or_carer",
        }),
        _ => return None,
    })
}

/// The answer to `q` as the practitioner reads it; words in the child's language, `child_lang`.
fn answer_view(i18n: &I18n, q: &Question, value: Option<&AnswerValue>, prompt: &str, child_lang: &Lang) -> AnyView {
    let plain = |text: String| view! { <p class="said-answer">{text}</p> }.into_any();
    let not_given = |key: &str| view! { <p class="said-answer said-none">{i18n.t(key)}</p> }.into_any();
    let drawing_label = i18n.fill("said.drawing", &[("question", prompt)]);
    match (&q.kind, value) {
        (_, None) => not_given("said.not_reached"),
        (_, Some(AnswerValue::Declined)) => not_given("said.declined"),
        (_, Some(AnswerValue::Skipped)) => not_given("said.skipped"),
        (_, Some(AnswerValue::Blank)) => not_given("said.blank"),
        (_, Some(AnswerValue::OwnWords)) => not_given("said.own_words"),
        (QuestionKind::Faces { points }, Some(AnswerValue::Face(n))) => {
            let (points, n) = (*points, *n);
            view! {
                <p class="said-answer said-face"><FaceIcon points n />{i18n.t(&format!("faces.{points}.{n}"))}</p>
            }
            .into_any()
        }
        (_, Some(AnswerValue::Text(words))) => words_view(words, child_lang),
        (_, Some(AnswerValue::Drawing(d))) => view! { <DrawingImage drawing=d.clone() label=drawing_label /> }.into_any(),
        (_, Some(AnswerValue::Houses(h))) => {
            let houses = [("houses.worries", &h.worries), ("houses.good_things", &h.good_things), ("houses.dreams", &h.dreams)]
                .into_iter()
                .map(|(key, house)| house_view(i18n, key, house, child_lang))
                .collect_view();
            view! { <ul class="said-houses">{houses}</ul> }.into_any()
        }
        (_, Some(v)) => match answer_words(i18n, q, v) {
            Some(words) => plain(words),
            // An answer that does not fit its question (the server refuses these; a tablet
            // never makes one): said as not given rather than guessed at.
            None => not_given("said.not_reached"),
        },
    }
}

fn words_view(words: &str, child_lang: &Lang) -> AnyView {
    view! { <blockquote class="said-words" lang=child_lang.to_string()>{words.to_string()}</blockquote> }.into_any()
}

fn house_view(i18n: &I18n, key: &str, house: &House, child_lang: &Lang) -> AnyView {
    let name = i18n.t(key);
    let inside = if house.is_empty() {
        view! { <p class="said-answer said-none">{i18n.t("said.house_empty")}</p> }.into_any()
    } else {
        let label = i18n.fill("said.drawing", &[("question", &name)]);
        let drawing = house.drawing.clone().map(|drawing| view! { <DrawingImage drawing label /> });
        let words = house.words.as_deref().filter(|w| !w.trim().is_empty()).map(|w| words_view(w, child_lang));
        view! { {drawing}{words} }.into_any()
    };
    view! {
        <li>
            <p class="said-prompt">{name}</p>
            {inside}
        </li>
    }
    .into_any()
}

/// Keeps what the session's child said in `response` for the practitioner to read again until
/// the session ends (`SaidThisSession`); another child's (a form carried on for them) is not
/// kept. `refresh` is bumped once it is written, so a list on screen shows it.
pub fn keep_said(store_name: StoreName, current: CurrentSession, response: Response, refresh: Option<RwSignal<u32>>) {
    if !current.0.with_untracked(|s| s.as_ref().is_some_and(|s| s.context.case == response.context.case)) {
        return;
    }
    spawn_local(async move {
        if let Ok(store) = Store::open(&store_name).await {
            if store.add_said(&response).await.is_ok() {
                if let Some(refresh) = refresh {
                    refresh.try_update(|n| *n += 1);
                }
            }
        }
    });
}

/// Everything the session's child finished this session, newest first, for the practitioner
/// to read again until the session ends (kept sealed on the tablet, `Store::said`). Hidden
/// until asked for, so a glance at the picker shows no child's words.
#[component]
pub fn SaidThisSession(
    case: Pseudonym,
    /// Read again from the tablet each time this changes (a form just kept, `keep_said`).
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let said = RwSignal::new(Vec::<Response>::new());
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        refresh.track();
        let case = case.clone();
        spawn_local(async move {
            if let Ok(store) = Store::open(&store_name).await {
                if let Ok(mut found) = store.said().await {
                    found.retain(|r| r.context.case == case);
                    found.reverse();
                    said.try_set(found);
                }
            }
        });
    });
    let forms = move || {
        let catalogue = crate::forms::catalogue();
        let lang = i18n.lang.get_untracked();
        said.get()
            .into_iter()
            .filter_map(|r| catalogue.get(&r.form_id, r.form_version).cloned().map(|f| (f, r)))
            .map(|(form, response)| {
                let title = form.title.get(&lang).to_string();
                view! {
                    <section class="said-form">
                        <h3>{title}</h3>
                        <ChildSaid form response />
                    </section>
                }
            })
            .collect_view()
    };
    move || {
        let n = said.with(Vec::len);
        (n > 0).then(|| {
            view! {
                <section class="said" aria-labelledby="said-title">
                    <h2 id="said-title">{i18n.t("said.session_title")}</h2>
                    <p>{i18n.fill("said.session_count", &[("n", &n.to_string())])}</p>
                    <button type="button" aria-expanded=move || if open.get() { "true" } else { "false" } aria-controls="said-forms"
                        on:click=move |_| open.update(|o| *o = !*o)>
                        {move || i18n.t(if open.get() { "said.hide" } else { "said.show" })}
                    </button>
                    <div id="said-forms" hidden=move || !open.get()>{move || open.get().then(forms)}</div>
                </section>
            }
        })
    }
}
