//! Before handing the tablet over: the practitioner starts a session for the child (case
//! reference, age, flags, stage), then chooses the language and the form, with the forms
//! for the child's age band first.

use crate::components::follow_up::{Finished, FollowUpPrompt};
use crate::components::{FieldProblem, SaidThisSession};
use crate::i18n::use_i18n;
use crate::route::{Link, Route};
use crate::session::{pseudonymise, use_session, Session};
use crate::speech::use_speech;
use crate::store::{Store, StoreName};
use heard_domain::case::{normalise_case_ref, CaseContext, ContextFlags, Flag, Stage};
use heard_domain::{AgeBand, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ChildPage() -> impl IntoView {
    let session = use_session();
    // Bumped when a form is kept among what the child said this session, so its list refreshes.
    let said_kept = RwSignal::new(0u32);
    view! {
        <OwnLanguage />
        <Unfinished said_kept />
        {move || match session.0.get() {
            None => view! { <SessionForm /> }.into_any(),
            Some(s) => view! { <FormPicker session=s said_kept /> }.into_any(),
        }}
    }
}

/// The practitioner's own language, for their screens (the child's is chosen with the form).
#[component]
fn OwnLanguage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="own-lang">
            <label for="own-lang">{move || i18n.t("lang.own")}</label>
            <LanguageSelect id="own-lang" chosen=Signal::derive(move || i18n.own()) on_choose=Callback::new(move |l| i18n.set_own(l)) />
        </p>
    }
}

/// A choice of the shipped languages, each named in itself.
#[component]
pub(crate) fn LanguageSelect(id: &'static str, chosen: Signal<Lang>, on_choose: Callback<Lang>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select
            id=id
            on:change=move |ev| {
                if let Ok(l) = Lang::new(&event_target_value(&ev)) {
                    on_choose.run(l);
                }
            }
        >
            {i18n
                .languages()
                .into_iter()
                .map(|(l, name)| {
                    let tag = l.to_string();
                    view! { <option value=tag lang=l.to_string() selected=move || chosen.get() == l>{name}</option> }
                })
                .collect_view()}
        </select>
    }
}

/// Responses a child started that were never finished: the app or tablet closed mid-form.
/// Every answer given is kept; the practitioner carries on with the child, or sends what was
/// answered as it is.
#[component]
fn Unfinished(
    /// Bumped once a form sent as it was is kept among what the child said this session.
    said_kept: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let drafts = RwSignal::new(Vec::<heard_domain::Response>::new());
    let message = RwSignal::new(None::<String>);
    // `refocus`: after a send, whose button has gone with its line, the focus goes to the
    // screen's heading.
    let load = move |refocus: bool| {
        spawn_local(async move {
            if let Ok(store) = Store::open(&store_name).await {
                if let Ok(mut found) = store.drafts().await {
                    found.sort_by_key(|r| (r.date, r.id));
                    drafts.try_set(found);
                }
            }
            if refocus {
                crate::components::focus_heading_if_lost();
            }
        })
    };
    load(false);
    // A draft just sent as it was: its follow-ups and what the child said are shown to the
    // practitioner here, as when a child hands the tablet back.
    let follow = RwSignal::new(None::<Finished>);
    let send = move |draft: heard_domain::Response| {
        // The child's name, while their session lasts (a draft from an ended session has none:
        // drafts never hold it); contact details, dates and addresses are scrubbed anyway.
        let mut queued = draft.clone();
        let names = crate::session::session_for(session, &draft.context.case).map(|s| s.names()).unwrap_or_default();
        queued.scrub(&names.iter().map(String::as_str).collect::<Vec<_>>());
        spawn_local(async move {
            let sent = async { Store::open(&store_name).await?.finish(&queued).await }.await;
            if sent.is_ok() {
                // The session's child: readable with the rest of the session, until it ends.
                crate::components::keep_said(store_name, session, draft.clone(), Some(said_kept));
                let form = crate::forms::catalogue().get(&draft.form_id, draft.form_version).cloned();
                follow.set(form.map(|form| Finished { form, response: draft }));
            }
            message.set(Some(i18n.t(sent.map_or_else(|e| e.message_key(), |()| "drafts.sent"))));
            load(true);
        });
    };
    let nav = crate::route::use_nav();
    let followed_up = Callback::new(move |()| follow.set(None));
    let shown = move || {
        if let Some(finished) = follow.get() {
            return Some(view! { <FollowUpPrompt finished on_done=followed_up /> }.into_any());
        }
        let list = drafts.get();
        let catalogue = crate::forms::catalogue();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|d| {
                    let form = catalogue.get(&d.form_id, d.form_version);
                    let title = crate::forms::title_of(&catalogue, &d.form_id, d.form_version, &i18n.lang.get_untracked());
                    let total = form.map_or(d.answers.len(), |f| f.questions.len());
                    let id = d.id.to_string();
                    let describe = format!("draft-{id}");
                    // Which child: the case is only a pseudonym here, so its age band and stage,
                    // and whether it is the child of the session in progress.
                    let (band, stage) = i18n.band_and_stage(d.context.age_band, d.context.stage);
                    let mut text = i18n.fill(
                        "drafts.item",
                        &[
                            ("form", &title),
                            ("date", &d.date.to_string()),
                            ("band", &band),
                            ("stage", &stage),
                            ("n", &d.answers.len().to_string()),
                            ("total", &total.to_string()),
                        ],
                    );
                    if session.0.with(|s| s.as_ref().is_some_and(|s| s.context.case == d.context.case)) {
                        text = format!("{text} {}", i18n.t("drafts.this_child"));
                    }
                    // Signals among what was answered are not left until it is sent or carried on.
                    let lang = i18n.lang.get_untracked();
                    let signals: Vec<String> = form
                        .map(|f| {
                            f.safety_follow_ups(&d)
                                .iter()
                                .filter(|s| s.concern != heard_domain::form::Concern::NotReached)
                                .map(|s| s.question.prompt.get(&lang).to_string())
                                .collect()
                        })
                        .unwrap_or_default();
                    let signals = (!signals.is_empty()).then(|| {
                        view! { <p class="notice">{i18n.fill("drafts.follow_up", &[("questions", &signals.join(" · "))])}</p> }
                    });
                    let href = Route::run_href(&d.form_id.0, Some(d.lang.as_str()), None, Some(&id));
                    let draft = StoredValue::new(d);
                    view! {
                        <li>
                            <p id=describe.clone()>{text}</p>
                            {signals}
                            <button type="button" class="primary" aria-describedby=describe.clone() on:click=move |_| nav.go(&href)>
                                {i18n.t("drafts.resume")}
                            </button>
                            <button type="button" aria-describedby=describe on:click=move |_| send(draft.get_value())>
                                {i18n.t("drafts.send")}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="unfinished" aria-labelledby="unfinished-title">
                    <h2 id="unfinished-title">{i18n.t("drafts.title")}</h2>
                    <p>{i18n.t("drafts.intro")}</p>
                    <ul class="draft-list">{items}</ul>
                </section>
            }
            .into_any()
        })
    };
    // What became of the last one sent, in one place that stays (a screen reader hears it
    // change), whether or not any are left.
    view! {
        {shown}
        <p role="status">{move || message.get()}</p>
    }
}

/// The practitioner's form to start a session. The case reference becomes a pseudonym at
/// once; the field is cleared and the reference is not kept.
#[component]
fn SessionForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let reference = RwSignal::new(String::new());
    let age = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let other_names = RwSignal::new(String::new());
    let flags = RwSignal::new(ContextFlags::default());
    let stage = RwSignal::new(Stage::Start);
    let problem = FieldProblem::<&'static str>::new();
    let age_input = NodeRef::<leptos::html::Input>::new();
    let reference_input = NodeRef::<leptos::html::Input>::new();
    let marked = move |field: &'static str| problem.marked(field);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Every mistake at once, in the order of the fields, each said beside its field.
        let element = |input: NodeRef<leptos::html::Input>| input.get_untracked().map(Into::into);
        let age_band = age.get_untracked().trim().parse::<u8>().ok().and_then(AgeBand::for_age);
        let mut problems = Vec::new();
        if normalise_case_ref(&reference.get_untracked()).is_err() {
            problems.push(("case-ref", element(reference_input), i18n.t("session.error.case_ref")));
        }
        if age_band.is_none() {
            problems.push(("age", element(age_input), i18n.t("session.error.age")));
        }
        let Some(age_band) = age_band.filter(|_| problems.is_empty()) else {
            problem.all(problems);
            return;
        };
        problem.clear();
        let raw = reference.get_untracked();
        reference.set(String::new());
        spawn_local(async move {
            let enrolment = match Store::open(&store_name).await {
                Ok(store) => store.enrolment().await.ok().flatten(),
                Err(_) => None,
            };
            // A revoked tablet has no key left to pseudonymise with (`forget_credentials`).
            if enrolment.as_ref().is_some_and(|e| e.revoked) {
                problem.say(i18n.t("session.revoked"));
                return;
            }
            let key = enrolment.map(|e| e.partnership_key);
            // The reference was checked above: only the tablet's key can fail here.
            let Some(case) = (match key {
                Some(k) => pseudonymise(&k, &raw).await,
                None => None,
            }) else {
                problem.say(i18n.t("store.unavailable"));
                return;
            };
            let context = CaseContext { case, age_band, flags: flags.get_untracked(), stage: stage.get_untracked() };
            let name = first_name.get_untracked().trim().to_string();
            let others = other_names.get_untracked().split(',').map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect();
            crate::session::set_session(store_name, session, Some(Session { context, first_name: (!name.is_empty()).then_some(name), other_names: others }));
        });
    };
    view! {
        <h1>{i18n.t("session.title")}</h1>
        <p id="session-intro">{i18n.t("session.intro")}</p>
        <form novalidate on:submit=submit>
            <label for="case-ref">{i18n.t("session.case_ref")}</label>
            <input id="case-ref" node_ref=reference_input type="text" autocomplete="off" spellcheck="false" aria-describedby="session-intro case-ref-problem" required
                aria-invalid=marked("case-ref") prop:value=move || reference.get() on:input=move |ev| reference.set(event_target_value(&ev)) />
            <p id="case-ref-problem" class="problem field-problem" role="status">{problem.about("case-ref")}</p>
            <label for="age">{i18n.t("session.age")}</label>
            <input id="age" node_ref=age_input type="number" min="4" max="18" inputmode="numeric" required aria-describedby="age-problem"
                aria-invalid=marked("age") on:input=move |ev| age.set(event_target_value(&ev)) />
            <p id="age-problem" class="problem field-problem" role="status">{problem.about("age")}</p>
            <label for="first-name">{i18n.t("session.first_name")}</label>
            <input id="first-name" type="text" autocomplete="off" on:input=move |ev| first_name.set(event_target_value(&ev)) />
            <label for="other-names">{i18n.t("session.other_names")}</label>
            <input id="other-names" type="text" autocomplete="off" spellcheck="false" aria-describedby="other-names-hint" on:input=move |ev| other_names.set(event_target_value(&ev)) />
            <p id="other-names-hint" class="hint">{i18n.t("session.other_names_hint")}</p>
            <fieldset>
                <legend>{i18n.t("session.flags")}</legend>
                {Flag::ALL
                    .map(|flag| {
                        view! {
                            <label class="check">
                                <input type="checkbox" on:change=move |ev| flags.update(|f| f.set(flag, event_target_checked(&ev))) />
                                {i18n.t(&format!("session.flag.{}", flag.code()))}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>{i18n.t("session.stage")}</legend>
                {Stage::ALL
                    .map(|st| {
                        view! {
                            <label class="check">
                                <input type="radio" name="stage" checked=st == Stage::Start on:change=move |_| stage.set(st) />
                                {i18n.t(&format!("session.stage.{}", st.code()))}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="primary">{i18n.t("session.start")}</button>
        </form>
        <p role="status" class="problem">{move || problem.message.get()}</p>
    }
}

#[component]
fn FormPicker(
    session: Session,
    /// Bumped when a form is kept among what the child said this session.
    said_kept: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = use_session();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    // In the practitioner's own language; the child's is chosen below, for the form.
    let summary = {
        let context = session.context.clone();
        move || {
            let (band, stage) = i18n.band_and_stage(context.age_band, context.stage);
            i18n.fill("session.current", &[("band", &band), ("stage", &stage)])
        }
    };
    let speech = use_speech();
    // The language the child will answer in: as chosen for this child, else (until one is
    // chosen) the practitioner's own, following it. The picker itself is in the practitioner's.
    let chosen = crate::session::use_child_language();
    let child = session.context.case.clone();
    let lang = Signal::derive({
        let child = child.clone();
        move || chosen.0.with(|c| c.as_ref().filter(|(case, _)| *case == child).map(|(_, l)| l.clone())).unwrap_or_else(|| i18n.own())
    });
    // The child's own band first, then Symbols (any age), then the others.
    let own = session.context.age_band;
    let mut bands = vec![own, AgeBand::Symbols];
    bands.extend([AgeBand::EarlyYears, AgeBand::Middle, AgeBand::Teen].into_iter().filter(|b| *b != own));
    // Switch scanning, for Symbols forms: off, or the time in ms the highlight rests on each answer.
    let scan = RwSignal::new(None::<u32>);
    let scan_pace = RwSignal::new(2500u32);
    let case = session.context.case.clone();
    // This child's unfinished forms: (form id, draft id, its language, questions done, in all).
    let started = RwSignal::new(Vec::<(String, String, Lang, usize, usize)>::new());
    {
        // Read again when one of them is sent as it was (it is then kept among what was said).
        let case = case.clone();
        Effect::new(move |_| {
            said_kept.track();
            let case = case.clone();
            spawn_local(async move {
                let Ok(drafts) = async { Store::open(&store_name).await?.drafts().await }.await else { return };
                let catalogue = crate::forms::catalogue();
                let mine = drafts
                    .into_iter()
                    .filter(|d| d.context.case == case)
                    .map(|d| {
                        let total = catalogue.get(&d.form_id, d.form_version).map_or(d.answers.len(), |f| f.questions.len());
                        (d.form_id.0.clone(), d.id.to_string(), d.lang.clone(), d.answers.len(), total)
                    })
                    .collect();
                started.try_set(mine);
            });
        });
    }
    let ending = RwSignal::new(false);
    let keep_session = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(keep) = keep_session.get() {
            let _ = keep.focus();
        }
    });
    view! {
        <p class="notice">{summary}</p>
        // Ending asks first: it deletes what the child said this session from the tablet. The
        // question stands where "End the session" was, so a double tap lands on words.
        <Show
            when=move || ending.get()
            fallback=move || view! { <button type="button" id="end-session" on:click=move |_| ending.set(true)>{move || i18n.t("session.end")}</button> }
        >
            <div class="confirm" role="group" aria-labelledby="end-confirm">
                <p id="end-confirm">{move || i18n.t("session.end_confirm")}</p>
                <button type="button" class="primary" node_ref=keep_session on:click=move |_| {
                    ending.set(false);
                    crate::components::focus_if_lost("#end-session");
                }>{move || i18n.t("session.end_no")}</button>
                // The button goes with the session: the focus goes to the next one's form.
                <p class="own-line">
                    <button type="button" class="danger" on:click=move |_| {
                        crate::session::set_session(store_name, current, None);
                        crate::components::focus_heading_if_lost();
                    }>{move || i18n.t("session.end_yes")}</button>
                </p>
            </div>
        </Show>
        <SaidThisSession case=case.clone() refresh=said_kept />
        <OutcomeForm case />
        <h1>{move || i18n.t("forms.title")}</h1>
        <label for="child-lang">{move || i18n.t("lang.child")}</label>
        <LanguageSelect id="child-lang" chosen=lang on_choose=Callback::new(move |l: Lang| chosen.0.set(Some((child.clone(), l)))) />
        <p role="status" class="notice">
            {move || speech.known_silent(&lang.get()).then(|| i18n.t("speech.unavailable"))}
        </p>
        {bands
            .into_iter()
            .map(|band| {
                // Reactive: the partnership's forms appear as soon as the tablet has them.
                let forms = move || -> Vec<(String, heard_domain::Text)> {
                    crate::forms::catalogue().for_band(band).into_iter().map(|f| (f.id.0.clone(), f.title.clone())).collect()
                };
                let band_key = format!("forms.band.{}", band.code());
                let heading_id = format!("band-{}", band_key.rsplit('.').next().unwrap_or_default());
                view! {
                    <section class="band" aria-labelledby=heading_id.clone()>
                        <h2 id=heading_id.clone()>{move || i18n.t(&band_key)}</h2>
                        <ul class="form-list">
                            {move || forms()
                                .into_iter()
                                .map(|(id, title)| {
                                    // This child's unfinished copy of the form, if any: the tile
                                    // carries on with it rather than starting a second one.
                                    let id = StoredValue::new(id);
                                    let unfinished = move || started.with(|d| d.iter().find(|(form, ..)| id.with_value(|id| form == id)).cloned());
                                    let href = move || {
                                        let scan = scan.get().filter(|_| band == AgeBand::Symbols);
                                        // Carried on in the language the child began in.
                                        match unfinished() {
                                            Some((_, draft, draft_lang, ..)) => id.with_value(|id| Route::run_href(id, Some(draft_lang.as_str()), scan, Some(&draft))),
                                            None => id.with_value(|id| Route::run_href(id, Some(lang.get().as_str()), scan, None)),
                                        }
                                    };
                                    let name = move || {
                                        let title = title.get(&i18n.lang.get()).to_string();
                                        match unfinished() {
                                            Some((_, _, _, n, total)) => i18n.fill(
                                                "forms.carry_on",
                                                &[("form", &title), ("n", &n.to_string()), ("total", &total.to_string())],
                                            ),
                                            None => title,
                                        }
                                    };
                                    view! { <li><Link href=Signal::derive(href)>{name}</Link></li> }
                                })
                                .collect_view()}
                        </ul>
                        {(band == AgeBand::Symbols).then(|| view! { <ScanSettings scan scan_pace /> })}
                    </section>
                }
            })
            .collect_view()}
    }
}

/// The practitioner's choice of switch scanning for Symbols forms, and its pace.
#[component]
fn ScanSettings(scan: RwSignal<Option<u32>>, scan_pace: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let paces = [(4000u32, "scan.slow"), (2500, "scan.medium"), (1500, "scan.fast")];
    view! {
        <div class="scan-settings">
            <label>
                <input
                    type="checkbox"
                    prop:checked=move || scan.get().is_some()
                    on:change=move |ev| scan.set(event_target_checked(&ev).then(|| scan_pace.get_untracked()))
                />
                {move || i18n.t("scan.label")}
            </label>
            // The speed's label and its dropdown wrap as one, in either reading direction.
            <span class="scan-pace">
                <label for="scan-pace">{move || i18n.t("scan.pace")}</label>
                <select
                    id="scan-pace"
                    on:change=move |ev| {
                        if let Ok(ms) = event_target_value(&ev).parse::<u32>() {
                            scan_pace.set(ms);
                            if scan.get_untracked().is_some() {
                                scan.set(Some(ms));
                            }
                        }
                    }
                >
                    {paces
                        .map(|(ms, key)| {
                            view! { <option value=ms.to_string() selected=move || scan_pace.get() == ms>{move || i18n.t(key)}</option> }
                        })
                        .collect_view()}
                </select>
            </span>
        </div>
    }
}

/// Recording how the case ended, for this session's case: kept sealed on the tablet and sent
/// through the outbox with the answers.
#[component]
fn OutcomeForm(case: heard_domain::case::Pseudonym) -> impl IntoView {
    use heard_domain::case::Outcome;
    let i18n = use_i18n();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let choice = RwSignal::new(Outcome::NeedsMet);
    let date = RwSignal::new(crate::device::today().to_string());
    let message = RwSignal::new(None::<Result<String, String>>);
    let case = StoredValue::new(case);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(day) = date.get_untracked().parse::<heard_domain::Day>() else {
            message.set(Some(Err(i18n.t("outcome.bad_date"))));
            return;
        };
        let record = crate::store::StoredOutcome {
            id: crate::device::new_id().to_string(),
            case: case.get_value().to_string(),
            outcome: choice.get_untracked(),
            date: day.to_string(),
        };
        spawn_local(async move {
            let saved = async { Store::open(&store_name).await?.save_outcome(&record).await }.await;
            message.set(Some(saved.map(|()| i18n.t("outcome.saved")).map_err(|e| i18n.t(e.message_key()))));
        });
    };
    view! {
        <details class="outcome">
            <summary>{move || i18n.t("outcome.title")}</summary>
            <form on:submit=submit>
                <label for="outcome">{move || i18n.t("outcome.label")}</label>
                <select
                    id="outcome"
                    on:change=move |ev| {
                        if let Some(o) = Outcome::parse(&event_target_value(&ev)) {
                            choice.set(o);
                        }
                    }
                >
                    {Outcome::ALL
                        .map(|o| {
                            let code = o.code();
                            let key = format!("outcome.{code}");
                            view! { <option value=code>{move || i18n.t(&key)}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="outcome-date">{move || i18n.t("outcome.date")}</label>
                <input id="outcome-date" type="date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev)) />
                <button type="submit" class="primary">{move || i18n.t("outcome.save")}</button>
            </form>
            <p role="status" class:problem=move || matches!(message.get(), Some(Err(_)))>{move || message.get().map(|m| m.unwrap_or_else(|e| e))}</p>
        </details>
    }
}
