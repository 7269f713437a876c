//! The child's screens for one form: one question per screen, each answer saved on the
//! tablet as it is given, "I don't want to answer" and pause on every question, stop at any time,
//! and an end screen that thanks the child and asks whether their words and drawings may be
//! shared without their name. No timers, no scores, no nudges.

use crate::components::questions::QuestionBody;
use crate::components::{speaker, Choice, Scanner, SpeakButton, Step, StepButton, StepIcon};
use crate::device;
use crate::i18n::use_i18n;
use crate::route::{Link, Route};
use crate::session::{use_session, Session};
use crate::speech::use_speech;
use crate::store::{Store, StoreError, StoreName};
use heard_domain::{AnswerValue, Form, Lang, Response};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy, PartialEq)]
enum Saving {
    Idle,
    Saved,
    Failed,
    /// The tablet has no room left: this answer is not kept, every earlier one is.
    Full,
}

/// The route `/child/:form?lang=&scan=&resume=`: the form, its language (English when the
/// form is not written in the one asked for), switch scanning (Symbols forms only, 500–10000
/// ms), and the unfinished response to carry on with, if any. Read from the address each time
/// the screen is drawn: a form in progress keeps its response's id there, so after the tablet
/// locks (or the page reloads) the PIN brings the child back to the same answers.
#[component]
pub fn RunPage() -> impl IntoView {
    let nav = crate::route::use_nav();
    match nav.route.get_untracked() {
        Route::Run { form, lang, scan, resume } => run_page(form, lang, scan, resume),
        // The child finished and the address moved on (to the picker) while this screen stayed:
        // drawn again after the PIN, it shows the screen the address names.
        _ => {
            spawn_local(async move { nav.route.update(|_| {}) });
            ().into_any()
        }
    }
}

fn run_page(form: String, lang: Option<String>, scan: Option<u32>, resume: Option<String>) -> AnyView {
    let i18n = use_i18n();
    if let Some(id) = resume {
        return view! { <ResumeRun id form lang scan /> }.into_any();
    }
    let form = crate::forms::catalogue().latest(&form).cloned();
    let lang = lang.and_then(|l| Lang::new(&l).ok()).filter(|l| form.as_ref().is_some_and(|f| f.offers(l))).unwrap_or_else(Lang::en);
    let scan = scan.filter(|ms| (500..=10_000).contains(ms) && form.as_ref().is_some_and(|f| f.band == heard_domain::AgeBand::Symbols));
    match (form, use_session().0.get_untracked()) {
        (None, _) => view! { <h1>{i18n.t("app.not_found")}</h1> }.into_any(),
        (Some(_), None) => view! {
            <p class="notice">{i18n.t("session.needed")}</p>
            <p><Link href="/child".to_string()>{i18n.t("session.title")}</Link></p>
        }
        .into_any(),
        (Some(form), Some(session)) => view! { <FormRun form lang scan session /> }.into_any(),
    }
}

/// Carries on with an unfinished response (a draft the app closed on): its form and version,
/// every answer given, and its case; from the first question not yet answered (the child's
/// first name was never stored, so no greeting). With no session in progress (the tablet was
/// closed), the session becomes the draft's case; a session with another child stays theirs,
/// so the forms started after this one are that child's. With no such draft (the child had
/// answered nothing yet before the tablet locked), `form` anew.
#[component]
fn ResumeRun(id: String, form: String, lang: Option<String>, scan: Option<u32>) -> impl IntoView {
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let session = use_session();
    // None while reading; then the draft and its form, or nothing when it is gone.
    let found = RwSignal::new(None::<Option<(Response, Form)>>);
    spawn_local(async move {
        let draft = match Store::open(&store_name).await {
            Ok(store) => store.drafts().await.ok().and_then(|d| d.into_iter().find(|r| r.id.to_string() == id)),
            Err(_) => None,
        };
        let with_form = draft.and_then(|r| crate::forms::catalogue().get(&r.form_id, r.form_version).cloned().map(|f| (r, f)));
        if let Some((r, _)) = with_form.as_ref().filter(|_| session.0.get_untracked().is_none()) {
            crate::session::set_session(store_name, session, Some(Session::of(r.context.clone())));
        }
        found.set(Some(with_form));
    });
    move || {
        match found.get() {
            None => ().into_any(),
            // Read once: a change to the partnership's forms must not start the child's form again.
            Some(None) => untrack(|| run_page(form.clone(), lang.clone(), scan, None)),
            Some(Some((draft, form))) => {
                let lang = lang.clone().and_then(|l| Lang::new(&l).ok()).filter(|l| form.offers(l)).unwrap_or_else(|| draft.lang.clone());
                // The names the practitioner gave for this child, while their session lasts:
                // scrubbed from the words of a resumed form too.
                let session = crate::session::session_for(session, &draft.context.case).unwrap_or_else(|| Session::of(draft.context.clone()));
                view! { <FormRun form lang scan session draft /> }.into_any()
            }
        }
        .into_any()
    }
}

/// Runs `form` in `lang` for one child, as one new response (or carrying on with `draft`).
#[component]
pub fn FormRun(
    form: Form,
    lang: Lang,
    /// Switch scanning at this pace (ms per answer), or none.
    #[prop(default = None)]
    scan: Option<u32>,
    /// The practitioner's session: the case context the response records, and the name.
    session: Session,
    /// An unfinished response to carry on with, from its first unanswered question.
    #[prop(optional)]
    draft: Option<Response>,
) -> impl IntoView {
    let area = NodeRef::<leptos::html::Div>::new();
    let i18n = use_i18n();
    let speech = use_speech();
    i18n.set_lang(lang.clone());
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let total = form.questions.len();
    let form = StoredValue::new(form);
    let resuming = draft.is_some();
    // Carrying on: from the first question with no answer (the last when all have one).
    let first_step =
        draft.as_ref().map_or(0, |d| form.with_value(|f| f.questions.iter().position(|q| d.answer(&q.id).is_none()).unwrap_or(total.saturating_sub(1))));
    let response = RwSignal::new(draft.unwrap_or_else(|| {
        form.with_value(|f| Response {
            id: device::new_id(),
            form_id: f.id.clone(),
            form_version: f.version,
            lang: lang.clone(),
            date: device::today(),
            answers: Vec::new(),
            share: false,
            context: session.context.clone(),
        })
    }));
    let first_name = StoredValue::new(session.first_name.clone());
    let names = StoredValue::new(session.names());
    // The response's place in the address: if the tablet locks mid-form (the idle lock) or
    // the page reloads, the PIN brings back these answers, not a new form from question 1.
    let nav = crate::route::use_nav();
    let response_id = response.with_untracked(|r| r.id.to_string());
    if let Route::Run { form, lang, scan, resume } = nav.route.get_untracked() {
        if resume.as_deref() != Some(response_id.as_str()) {
            nav.replace_quietly(&Route::run_href(&form, lang.as_deref(), scan, Some(&response_id)));
        }
    }
    // 0..total are questions; total is the end screen.
    let step = RwSignal::new(first_step);
    let paused = RwSignal::new(false);
    // Child mode: the practitioner's Lock is not among the child's buttons, and while the child
    // has paused, the idle lock leaves their screen as it is.
    if let Some(mode) = use_context::<crate::components::ChildMode>() {
        mode.on.set(true);
        Effect::new(move |_| mode.paused.set(paused.get()));
        on_cleanup(move || {
            mode.on.try_set(false);
            mode.paused.try_set(false);
        });
    }
    // Child mode: full screen where the browser allows it, and whichever way the child leaves
    // this screen (the back button, a link, an address typed), the tablet locks, so the next
    // screen asks for the PIN.
    set_fullscreen(true);
    let held_id = response.with_untracked(|r| r.id);
    on_cleanup(move || {
        // However the child's screen goes (handed back, locked), the child can answer no more.
        crate::sync::release(held_id);
        Store::lock_now(&store_name);
        set_fullscreen(false);
        // The PIN and the follow-ups are the practitioner's, in their own language.
        i18n.to_own();
    });
    // A new form starts by telling the child who will read their answers, and the honest limit
    // of confidentiality; a form carried on has told them already.
    let told = RwSignal::new(resuming);
    // "Stop here" asks first: a stray tap (or a switch pressed a moment late while scanning)
    // must not end a child's form with no way back.
    let stopping = RwSignal::new(false);
    let saving = RwSignal::new(Saving::Idle);
    let band = form.with_value(|f| f.band);

    // Writes the response as it stands; the draft until the end, then the outbox, with free
    // text scrubbed of contact details and the child's first name first.
    // Whether the child gave words or drawings, the only answers ever shared.
    let gave_words = move || {
        response.with_untracked(|r| r.answers.iter().any(|a| matches!(a.value, AnswerValue::Text(_) | AnswerValue::Drawing(_) | AnswerValue::Houses(_))))
    };
    // The child has answered whether their words may be shared (or was not asked): until then
    // the finished response is held back from sending (`sync::hold`).
    let share_answered = RwSignal::new(false);
    // The response's writes land in the order they are made (`line.rs`): a draft written for a
    // last answer never lands after the finished response has taken the draft's place.
    let line = StoredValue::new_local(crate::line::WriteLine::default());
    // How many writes were asked for: only the latest says where the response stands.
    let writes = StoredValue::new(0u32);
    let save = move |finished: bool| {
        writes.update_value(|n| *n += 1);
        let this_write = writes.get_value();
        let mut snapshot = response.get_untracked();
        if finished {
            names.with_value(|names| snapshot.scrub(&names.iter().map(String::as_str).collect::<Vec<_>>()));
        }
        line.with_value(|line| {
            line.run(async move {
                let result = async {
                    let store = Store::open(&store_name).await?;
                    if finished {
                        store.finish(&snapshot).await
                    } else {
                        store.save_draft(&snapshot).await
                    }
                }
                .await;
                // A write made before the child answered about sharing, landing after they did:
                // it must neither show "All done" nor let the response be sent without that
                // answer (the write holding it is still to land).
                if writes.try_get_value().is_some_and(|latest| latest != this_write) {
                    return;
                }
                if result.is_ok() && finished && (!gave_words() || share_answered.get_untracked()) {
                    crate::sync::release(held_id);
                }
                saving.set(match result {
                    Ok(()) => Saving::Saved,
                    Err(StoreError::Full) => Saving::Full,
                    Err(_) => Saving::Failed,
                });
            })
        });
    };
    let answer = move |question_id: String, value: Option<AnswerValue>| {
        response.update(|r| match value {
            Some(v) => r.set_answer(&question_id, v),
            None => r.clear_answer(&question_id),
        });
        save(false);
    };
    // "Next" with nothing given records the question as skipped (kept like any answer). On the
    // last question (or stopping on one) the form's end writes it: a draft written too could
    // land after the finished response has taken the draft's place.
    let move_past = move |question_id: &str, ends_form: bool| {
        if response.try_update(|r| r.move_past(question_id)).unwrap_or(false) && !ends_form {
            save(false);
        }
    };
    // The practitioner sees the follow-ups after the PIN however the tablet next locks (handed
    // back, the idle lock), and a reload from here starts no form again.
    let after_child = crate::components::follow_up::use_after_child();
    let current_session = use_session();
    let go = move |to: usize| {
        speech.stop();
        step.set(to);
        if to == total {
            // Not sent while the child may still answer the question about sharing.
            if gave_words() {
                crate::sync::hold(held_id);
            }
            save(true);
            after_child.finished(store_name, crate::components::follow_up::Finished { form: form.get_value(), response: response.get_untracked() });
            crate::components::keep_said(store_name, current_session, response.get_untracked(), None);
            if matches!(nav.route.get_untracked(), Route::Run { .. }) {
                nav.replace_quietly("/child");
            }
        }
    };

    // "Hello, Sam!" on the first screen, when the practitioner gave a first name.
    let greeting = move || first_name.get_value().map(|name| i18n.fill("child.greeting", &[("name", &name)]));

    // Read each new screen aloud where the band expects it: the question, the stop
    // confirmation, the thanks and the question about sharing.
    let lang_for_reading = lang.clone();
    Effect::new(move |_| {
        let (s, stop, told) = (step.get(), stopping.get(), told.get());
        if !band.reads_aloud_by_default() || !speech.can_speak(&lang_for_reading) {
            return;
        }
        let lines = if paused.get() {
            vec![i18n.t("child.paused"), i18n.t("child.paused.long")]
        } else if !told {
            greeting().into_iter().chain([i18n.t("child.intro.title"), i18n.t("child.intro.text")]).collect()
        } else if stop && s < total {
            vec![i18n.t("child.stop.confirm")]
        } else if s < total {
            vec![form.with_value(|f| f.questions[s].prompt.get(&lang_for_reading).to_string())]
        } else if gave_words() {
            vec![i18n.t("child.end.thanks"), i18n.t("child.end.share_question")]
        } else {
            vec![i18n.t("child.end.thanks")]
        };
        speech.say_all(&lines, &lang_for_reading);
    });

    let lang_q = StoredValue::new(lang.clone());
    let question_screen = move || {
        let lang_q = lang_q.get_value();
        let s = step.get();
        let q = form.with_value(|f| f.questions[s].clone());
        let prompt = q.prompt.get(&lang_q).to_string();
        let qid = q.id.clone();
        let value = Signal::derive({
            let qid = qid.clone();
            move || response.with(|r| r.answer(&qid).cloned())
        });
        let declined = Signal::derive(move || value.get() == Some(AnswerValue::Declined));
        let on_answer = Callback::new({
            let qid = qid.clone();
            move |v: Option<AnswerValue>| answer(qid.clone(), v)
        });
        // "I don't want to answer" is chosen like any answer; Next moves on. What the child had
        // drawn or written goes from the screen with it (the answers are drawn afresh), so what
        // is shown is what is kept.
        let declines = RwSignal::new(0u32);
        let decline = {
            let qid = qid.clone();
            move |_| {
                answer(qid.clone(), Some(AnswerValue::Declined));
                declines.update(|n| *n += 1);
            }
        };
        let next = {
            let qid = qid.clone();
            Callback::new(move |()| {
                move_past(&qid, s + 1 == total);
                go(s + 1);
            })
        };
        // The youngest and those answering with symbols are offered Next once they have answered.
        let next_offered = move || !band.next_waits_for_an_answer() || value.with(|v| v.as_ref().is_some_and(|v| *v != AnswerValue::Skipped));
        let label_id = format!("prompt-{qid}");
        // Move focus to the new question so a screen reader announces it.
        let heading = focused_heading();
        view! {
            <div class="prompt">
                <h1 id=label_id.clone() tabindex="-1" node_ref=heading>{prompt.clone()}</h1>
                <SpeakButton text=prompt lang=lang_q.clone() />
            </div>
            {move || {
                declines.track();
                view! { <QuestionBody question=q.clone() lang=lang_q.clone() value on_answer /> }
            }}
            <div class="with-speaker">
                <p class="declined-note" role="status">{move || declined.get().then(|| i18n.t("child.declined"))}</p>
                <Show when=move || declined.get()>{speaker("child.declined")}</Show>
            </div>
            <div class="decline-row">
                <button type="button" class="decline" aria-pressed=move || if declined.get() { "true" } else { "false" } on:click=decline>
                    <StepIcon step=Step::Decline />
                    {i18n.t("child.decline")}
                </button>
                {speaker("child.decline")}
            </div>
            <div class="steps">
                <StepButton step=Step::Back words="child.back" disabled=s == 0 on_press=Callback::new(move |()| go(s.saturating_sub(1))) />
                <Show when=next_offered>
                    <StepButton step=Step::Next words="child.next" primary=true on_press=next />
                </Show>
            </div>
        }
        .into_any()
    };

    // The practitioner takes the tablet back: it locks, and after the PIN the follow-up
    // prompt comes first (`Guarded`; the end screen handed it the response, `go`).
    let hand_back = move || {
        speech.stop();
        let name = store_name;
        spawn_local(async move {
            if let Ok(store) = Store::open(&name).await {
                store.lock();
            }
            // A new screen behind the lock: nothing of this child stays on screen.
            nav.go("/child");
        });
    };
    // Before the first question: their worker will read what they say, and when they may need
    // to tell someone whose job is keeping children safe. Read aloud where the band expects it.
    let intro_screen = move || {
        let heading = focused_heading();
        let title = i18n.t("child.intro.title");
        let text = i18n.t("child.intro.text");
        view! {
            <p class="greeting">{greeting()}</p>
            <div class="prompt">
                <h1 tabindex="-1" node_ref=heading>{title.clone()}</h1>
                <SpeakButton text=title lang=lang_q.get_value() />
            </div>
            <div class="prompt intro-text">
                <p>{text.clone()}</p>
                <SpeakButton text lang=lang_q.get_value() />
            </div>
            <div class="steps intro-steps">
                <StepButton step=Step::Go words="child.intro.start" primary=true on_press=Callback::new(move |()| told.set(true)) />
            </div>
        }
        .into_any()
    };
    let stop_screen = move || {
        let heading = focused_heading();
        let question = i18n.t("child.stop.confirm");
        view! {
            <div class="prompt">
                <h1 tabindex="-1" node_ref=heading>{question.clone()}</h1>
                <SpeakButton text=question lang=lang_q.get_value() />
            </div>
            // "Carry on" comes first (to switch scanning and the keyboard) and stands where Next
            // always is (`.stop-steps` reverses the row), so neither a late press nor a tap from
            // habit ends the form.
            <div class="steps stop-steps">
                <StepButton step=Step::Go words="child.stop.no" primary=true on_press=Callback::new(move |()| stopping.set(false)) />
                <StepButton step=Step::Stop words="child.stop.yes" on_press=Callback::new(move |()| {
                    stopping.set(false);
                    // The question the child stopped on was seen and left unanswered.
                    let on_screen = form.with_value(|f| f.questions.get(step.get_untracked()).map(|q| q.id.clone()));
                    if let Some(qid) = on_screen {
                        move_past(&qid, true);
                    }
                    go(total);
                }) />
            </div>
        }
        .into_any()
    };
    let end_screen = move || {
        let heading = focused_heading();
        let share_chosen = RwSignal::new(None::<bool>);
        let choose = move |share: bool| {
            share_chosen.set(Some(share));
            share_answered.set(true);
            response.update(|r| r.share = share);
            // "All done" waits for the answer to be kept with the response.
            saving.set(Saving::Idle);
            save(true);
        };
        let thanks = i18n.t("child.end.thanks");
        let done = StoredValue::new(i18n.t("child.end.done"));
        // Only words and drawings are ever shown to people who plan services: a child who gave
        // none (a Symbols form, or stopped before any) is not asked about them. The question and
        // its answers are read aloud and pictured like any other, for children who cannot read.
        let share = gave_words().then(|| {
            let question = i18n.t("child.end.share_question");
            let answer = move |share: bool, key: &str, symbol: Step| {
                let on_press = Callback::new(move |()| choose(share));
                let pressed = Signal::derive(move || share_chosen.get() == Some(share));
                view! { <Choice label=i18n.t(key) pressed on_press lang=lang_q.get_value()><StepIcon step=symbol /></Choice> }
            };
            view! {
                <div class="prompt">
                    <p id="share-question">{question.clone()}</p>
                    <SpeakButton text=question lang=lang_q.get_value() />
                </div>
                <div class="choices share" role="group" aria-labelledby="share-question">
                    {answer(true, "child.end.share_yes", Step::Share)}
                    {answer(false, "child.end.share_no", Step::KeepPrivate)}
                </div>
            }
        });
        let asked = share.is_some();
        let finished = move || (!asked || share_chosen.get().is_some()) && saving.get() == Saving::Saved;
        // "All done" and the practitioner's button brought on screen (a phone showed neither).
        let handback = NodeRef::<leptos::html::Button>::new();
        Effect::new(move |_| {
            if finished() {
                if let Some(b) = handback.get_untracked() {
                    b.scroll_into_view_with_bool(false);
                }
            }
        });
        view! {
            <div class="prompt">
                <h1 tabindex="-1" node_ref=heading>{thanks.clone()}</h1>
                <SpeakButton text=thanks lang=lang_q.get_value() />
            </div>
            {share}
            <div class="with-speaker">
                <p role="status">{move || finished().then(|| done.get_value())}</p>
                <Show when=finished>
                    <SpeakButton text=done.get_value() lang=lang_q.get_value() />
                </Show>
            </div>
            // The practitioner's, in their own language.
            <button type="button" class="handback" node_ref=handback lang=i18n.own().to_string() on:click=move |_| hand_back()>{i18n.t_own("child.handback")}</button>
        }
        .into_any()
    };

    view! {
        <div class="run" class:paused=move || paused.get() node_ref=area>
            {scan.map(|pace_ms| view! { <Scanner area pace_ms lang=lang_q.get_value() /> })}
            // Nothing to pause or stop on the introduction or the end screen, nor while paused.
            // Pause, where the child is in the form, and Stop: one line, each in its place.
            <div class="run-bar">
                <div class="bar-start">
                <Show when=move || told.get() && step.get() < total && !paused.get()>
                    <StepButton step=Step::Pause words="child.pause" on_press=Callback::new(move |()| {
                        speech.stop();
                        paused.set(true);
                    }) />
                </Show>
                </div>
                <div class="bar-middle">
                    {move || {
                        let s = step.get();
                        (told.get() && s < total && !stopping.get() && !paused.get()).then(|| {
                            let dots = band.one_question_per_screen().then(|| {
                                response.with_untracked(|r| {
                                    form.with_value(|f| {
                                        f.questions
                                            .iter()
                                            .enumerate()
                                            .map(|(i, q)| match r.answer(&q.id) {
                                                _ if i == s => Dot::Current,
                                                None => Dot::Ahead,
                                                Some(AnswerValue::Skipped) => Dot::Skipped,
                                                Some(_) => Dot::Answered,
                                            })
                                            .collect()
                                    })
                                })
                            });
                            view! { <Progress step=s total dots /> }
                        })
                    }}
                </div>
                <div class="bar-end">
                <Show when=move || told.get() && step.get() < total && !stopping.get() && !paused.get()>
                    <StepButton step=Step::Stop words="child.stop" on_press=Callback::new(move |()| {
                        speech.stop();
                        stopping.set(true);
                    }) />
                </Show>
                </div>
            </div>
            <Show
                when=move || !paused.get()
                fallback=move || view! {
                    <div class="pause-screen">
                        <div class="with-speaker">
                            <h1 class="pause-message" tabindex="-1" node_ref=focused_heading()>{i18n.t("child.paused")}</h1>
                            {speaker("child.paused")}
                        </div>
                        <div class="with-speaker">
                            <p>{i18n.t("child.paused.long")}</p>
                            {speaker("child.paused.long")}
                        </div>
                        <StepButton step=Step::Go words="child.resume" primary=true on_press=Callback::new(move |()| paused.set(false)) />
                    </div>
                }
            >
                {move || match (told.get(), step.get() < total, stopping.get()) {
                    (false, _, _) => intro_screen(),
                    (true, true, false) => question_screen(),
                    (true, true, true) => stop_screen(),
                    (true, false, _) => end_screen(),
                }}
            </Show>
            <p class="save-failed" role="alert">
                {move || match saving.get() {
                    Saving::Failed => Some(i18n.t("child.save_failed")),
                    Saving::Full => Some(i18n.t("child.save_failed.full")),
                    _ => None,
                }}
            </p>
        </div>
    }
}

/// Asks the browser to show the page full screen, or to leave full screen. Browsers may refuse
/// (no recent tap, or not supported); the form works the same either way.
fn set_fullscreen(on: bool) {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let call = |target: &JsValue, name: &str| {
        if let Some(f) = Reflect::get(target, &name.into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) {
            // A refusal comes back as a rejected promise: caught here so it is not reported.
            if let Ok(p) = f.call0(target).and_then(|p| p.dyn_into::<js_sys::Promise>()) {
                spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
                });
            }
        }
    };
    let in_fullscreen = Reflect::get(&document, &"fullscreenElement".into()).is_ok_and(|e| !e.is_null() && !e.is_undefined());
    match (on, document.document_element()) {
        (true, Some(root)) if !in_fullscreen => call(&root.into(), "requestFullscreen"),
        (false, _) if in_fullscreen => call(&document.into(), "exitFullscreen"),
        _ => {}
    }
}

/// One question's dot in the progress row.
#[derive(Clone, Copy, PartialEq)]
enum Dot {
    Answered,
    /// Moved past with Next and nothing given: a hollow dot with a dash, not a filled one.
    Skipped,
    Current,
    Ahead,
}

/// Where the child is in the form: dots for the youngest (and Symbols), words for others.
/// Screen readers always hear "Question n of total".
#[component]
fn Progress(step: usize, total: usize, dots: Option<Vec<Dot>>) -> impl IntoView {
    let i18n = use_i18n();
    let text = i18n.fill("child.progress", &[("n", &(step + 1).to_string()), ("total", &total.to_string())]);
    let shown = dots.is_some();
    let dots = dots.map(|dots| {
        view! {
            <ol class="dots" aria-hidden="true">
                {dots
                    .into_iter()
                    .map(|d| view! { <li class:done={d == Dot::Answered} class:skipped={d == Dot::Skipped} class:current={d == Dot::Current}></li> })
                    .collect_view()}
            </ol>
        }
    });
    view! {
        <div class="progress">
            <p class:visually-hidden=shown>{text}</p>
            {dots}
        </div>
    }
}

/// A heading that takes the focus when it appears, so a screen reader announces the new screen.
fn focused_heading() -> NodeRef<leptos::html::H1> {
    let heading = NodeRef::<leptos::html::H1>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    heading
}
