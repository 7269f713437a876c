//! What the practitioner sees first when they take the tablet back: the answers the form
//! marks as signals that the child may not be safe, the safety questions the child did not
//! answer plainly ("not sure", declined, moved past, or not reached), and then everything the
//! child said, words and drawings in full (Heard reads no signal in those: only a person can).
//! The child never sees this screen; it is shown only after the PIN.

use crate::components::ChildSaid;
use crate::i18n::use_i18n;
use crate::store::{Store, StoreName};
use heard_domain::form::{Concern, SafetyFollowUp};
use heard_domain::{Form, Response};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A child's finished form, waiting for the practitioner to look at its follow-ups.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub form: Form,
    pub response: Response,
}

/// Set when a child finishes a form; cleared when the practitioner has acknowledged. Kept
/// sealed on the tablet too, so a reload in between does not lose it.
#[derive(Clone, Copy)]
pub struct AfterChild(pub RwSignal<Option<Finished>>);

impl AfterChild {
    /// A child has finished: the practitioner sees the follow-ups after the next PIN.
    pub fn finished(self, store_name: StoreName, finished: Finished) {
        let response = finished.response.clone();
        self.0.set(Some(finished));
        spawn_local(async move {
            if let Ok(store) = Store::open(&store_name).await {
                let _ = store.save_after_child(&response).await;
            }
        });
    }

    /// The practitioner has seen them.
    pub fn seen(self, store_name: StoreName) {
        self.0.set(None);
        spawn_local(async move {
            if let Ok(store) = Store::open(&store_name).await {
                let _ = store.clear_after_child().await;
            }
        });
    }

    /// After the PIN: the finished response kept from before a reload, if there is none in memory.
    pub async fn restore(self, store: &Store) {
        if self.0.with_untracked(Option::is_some) {
            return;
        }
        if let Ok(Some(response)) = store.after_child().await {
            // Its signals are read from the form it answered, which the tablet still has (the
            // prompt comes at the first PIN after the child finished).
            if let Some(form) = crate::forms::catalogue().get(&response.form_id, response.form_version).cloned() {
                self.0.set(Some(Finished { form, response }));
            }
        }
    }
}

pub fn use_after_child() -> AfterChild {
    use_context::<AfterChild>().unwrap_or_else(|| {
        let a = AfterChild(RwSignal::new(None));
        provide_context(a);
        a
    })
}

/// Why a safety question is listed, in the practitioner's words.
fn concern_key(concern: Concern) -> &'static str {
    match concern {
        Concern::Signal => "followup.concern.signal",
        Concern::NotSure => "followup.concern.not_sure",
        Concern::Declined => "followup.concern.declined",
        Concern::Skipped => "followup.concern.skipped",
        Concern::NotReached => "followup.concern.not_reached",
    }
}

/// The follow-up prompt. `on_done` runs once the practitioner has acknowledged (or there was
/// nothing to follow up).
#[component]
pub fn FollowUpPrompt(finished: Finished, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang.get_untracked();
    let Finished { form, response } = finished;
    let concerns = form.safety_follow_ups(&response);
    let (signals, unanswered): (Vec<&SafetyFollowUp>, Vec<&SafetyFollowUp>) = concerns.iter().partition(|f| f.concern == Concern::Signal);
    let signals: Vec<(String, String)> = signals
        .into_iter()
        .map(|f| {
            let answer = response.answer(&f.question.id).and_then(|v| crate::components::child_said::answer_words(&i18n, f.question, v)).unwrap_or_default();
            (f.question.prompt.get(&lang).to_string(), answer)
        })
        .collect();
    let unanswered: Vec<(String, &'static str)> = unanswered.into_iter().map(|f| (f.question.prompt.get(&lang).to_string(), concern_key(f.concern))).collect();
    let any = !concerns.is_empty();
    let item = |prompt: String, detail: String| view! { <li><strong>{prompt}</strong><br />{detail}</li> };
    // Never a bare "nothing to follow up" beside a safety question the child did not answer.
    let signals_view = if signals.is_empty() {
        view! { <p>{i18n.t("followup.none")}</p> }.into_any()
    } else {
        view! {
            <p id="follow-up-signals">{i18n.t("followup.intro")}</p>
            <ul class="follow-up-list" aria-labelledby="follow-up-signals">
                {signals.into_iter().map(|(prompt, answer)| item(prompt, i18n.fill("followup.answer", &[("answer", &answer)]))).collect_view()}
            </ul>
        }
        .into_any()
    };
    let unanswered_view = (!unanswered.is_empty()).then(|| {
        view! {
            <p id="follow-up-unanswered">{i18n.t("followup.unanswered")}</p>
            <ul class="follow-up-list" aria-labelledby="follow-up-unanswered">
                {unanswered.into_iter().map(|(prompt, key)| item(prompt, i18n.t(key))).collect_view()}
            </ul>
        }
    });
    // Words and drawings are the child's own: Heard reads no signal in them.
    let own_words = (!form.in_own_words(&response).is_empty()).then(|| view! { <p class="notice">{i18n.t("followup.own_words")}</p> });
    // Answers from a form carried on for another child (or with no session): say whose, so
    // they are not taken for the child of the session in progress.
    let context = &response.context;
    let others = crate::session::use_session().0.with_untracked(|s| s.as_ref().is_none_or(|s| s.context.case != context.case));
    let whose = others.then(|| {
        let (band, stage) = i18n.band_and_stage(context.age_band, context.stage);
        let date = response.date.to_string();
        view! { <p class="notice">{i18n.fill("followup.other_child", &[("band", &band), ("stage", &stage), ("date", &date)])}</p> }
    });
    view! {
        <section class="follow-up" aria-labelledby="follow-up-title">
            <h1 id="follow-up-title">{i18n.t("followup.title")}</h1>
            {whose}
            {signals_view}
            {unanswered_view}
            <section class="said" aria-labelledby="follow-up-said">
                <h2 id="follow-up-said">{i18n.t("said.title")}</h2>
                {own_words}
                <ChildSaid form response />
            </section>
            {(!others).then(|| view! { <p class="notice">{i18n.t("said.kept")}</p> })}
            <button type="button" class="primary" on:click=move |_| on_done.run(())>
                {i18n.t(if any { "followup.ack" } else { "followup.continue" })}
            </button>
        </section>
    }
}
