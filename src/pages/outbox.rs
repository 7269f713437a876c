//! The practitioner's outbox: what is waiting on this tablet, "Send", and whether the browser
//! will keep what is saved here.

use crate::i18n::{use_i18n, I18n};
use crate::store::{OutboxOverview, SentItem, Store, StoreName, UnlockError};
use crate::sync::{send_pending_with, SendError, CONFLICT};
use heard_domain::wire::ErrorCode;
use heard_domain::{Catalogue, Response};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Lines listed at most: a tablet that was offline for weeks may hold thousands.
const LISTED: usize = 100;

#[derive(Clone, Debug, PartialEq)]
enum Pending {
    Loading,
    /// How many wait, the first `LISTED` of them and every one the server refused.
    Loaded(OutboxOverview),
    Unavailable,
}

/// One line per pending response: date, form, how its questions were left, and whether it
/// was stopped early.
fn describe(r: &Response, catalogue: &Catalogue, i18n: &I18n) -> String {
    let lang = i18n.lang.get_untracked();
    let title = crate::forms::title_of(catalogue, &r.form_id, r.form_version, &lang);
    let Some(form) = catalogue.get(&r.form_id, r.form_version) else {
        return format!("{} · {title}", r.date);
    };
    let t = r.tally(form);
    let counts =
        i18n.fill("outbox.item.counts", &[("answered", &t.given.to_string()), ("declined", &t.declined.to_string()), ("skipped", &t.skipped.to_string())]);
    let stopped = t.stopped_early().then(|| format!(" · {}", i18n.fill("outbox.item.stopped", &[("n", &t.not_reached.to_string())])));
    format!("{} · {title} · {counts}{}", r.date, stopped.unwrap_or_default())
}

/// One line per response sent lately: form, which child (band and stage), when.
fn describe_sent(s: &SentItem, catalogue: &Catalogue, i18n: &I18n) -> String {
    let title = crate::forms::title_of(catalogue, &s.form_id, s.form_version, &i18n.lang.get_untracked());
    let (band, stage) = i18n.band_and_stage(s.band, s.stage);
    let line = i18n.fill(
        "outbox.sent_list.item",
        &[("form", &title), ("band", &band), ("stage", &stage), ("date", &s.answered.to_string()), ("sent", &s.sent.to_string())],
    );
    if s.stopped_early {
        format!("{line} · {}", i18n.t("outbox.sent_list.stopped"))
    } else {
        line
    }
}

/// Why the server refused a response, in words a practitioner understands.
fn failure_text(failure: &str, i18n: &I18n) -> String {
    if failure == CONFLICT {
        i18n.t("outbox.failed.conflict")
    } else {
        i18n.fill("outbox.failed", &[("reason", failure)])
    }
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let catalogue = StoredValue::new_local(crate::forms::catalogue());
    let (pending, set_pending) = signal(Pending::Loading);
    let (outcomes, set_outcomes) = signal(0usize);
    // Case outcomes kept here that cannot be read, so are never sent: shown, and deletable.
    let unreadable_outcomes = RwSignal::new(Vec::<String>::new());
    let sent_lately = RwSignal::new(Vec::<SentItem>::new());
    let (message, set_message) = signal(String::new());
    let (sending, set_sending) = signal(false);
    // (done, total) of the send in progress or last made.
    let progress = RwSignal::new(None::<(usize, usize)>);
    let store_name = use_context::<StoreName>().unwrap_or_default();

    // Reads can overlap (Send, sending by itself, a backup taken over): only the latest shows.
    let latest = StoredValue::new(0u32);
    let reload = move || {
        latest.update_value(|n| *n += 1);
        let this = latest.get_value();
        spawn_local(async move {
            let (loaded, waiting_outcomes, unreadable, sent) = match Store::open(&store_name).await {
                Ok(store) => {
                    let (readable, unreadable) = store.pending_outcomes_checked().await.unwrap_or_default();
                    (
                        store.outbox_overview(LISTED).await.map(Pending::Loaded).unwrap_or(Pending::Unavailable),
                        readable.len(),
                        unreadable,
                        store.sent_lately().await.unwrap_or_default(),
                    )
                }
                Err(_) => (Pending::Unavailable, 0, Vec::new(), Vec::new()),
            };
            if latest.try_get_value() == Some(this) {
                set_outcomes.set(waiting_outcomes);
                unreadable_outcomes.set(unreadable);
                sent_lately.set(sent);
                set_pending.set(loaded);
            }
        })
    };
    reload();
    // "Could not reach the server" after a Send is true only until the tablet is back online
    // (it then sends by itself): it goes when the connection comes back or something is sent.
    let unreachable_said = RwSignal::new(false);
    let forget_unreachable = move || {
        if unreachable_said.get_untracked() {
            unreachable_said.set(false);
            set_message.set(String::new());
        }
    };
    // What was sent by itself while this screen is open leaves it at once.
    let listener = window_event_listener_untyped(crate::sync::OUTBOX_CHANGED, move |_| {
        forget_unreachable();
        reload();
    });
    let online = RwSignal::new(crate::device::online());
    let went_online = window_event_listener_untyped("online", move |_| {
        online.set(true);
        forget_unreachable();
    });
    let went_offline = window_event_listener_untyped("offline", move |_| online.set(false));
    on_cleanup(move || {
        listener.remove();
        went_online.remove();
        went_offline.remove();
    });

    let send = move |_| {
        set_sending.set(true);
        set_message.set(String::new());
        unreachable_said.set(false);
        progress.set(None);
        spawn_local(async move {
            let (report, outcome, waiting) = match Store::open(&store_name).await {
                Ok(store) => {
                    let (report, outcome) = send_pending_with(&store, &|done, total| progress.set(Some((done, total)))).await;
                    let waiting = if outcome.is_err() { store.count_pending().await.unwrap_or_default() } else { 0 };
                    (report, outcome, waiting)
                }
                Err(e) => (Default::default(), Err(SendError::Store(e)), 0),
            };
            // What reached the server, said first even when the send then broke off.
            let done = {
                // Sent automatically a moment before: say so, not "Sent 0 answers".
                let mut note = match (report.confirmed, report.rejected + report.conflicts, &outcome) {
                    (0, 0, Ok(())) => i18n.t("outbox.sent.none"),
                    (0, _, _) => String::new(),
                    (n, _, _) => sent(&i18n, n),
                };
                if report.conflicts > 0 {
                    note = format!("{note} {}", i18n.fill("outbox.conflicts", &[("n", &report.conflicts.to_string())]));
                }
                if report.outcomes_confirmed > 0 {
                    note = format!("{note} {}", i18n.fill("outbox.sent_outcomes", &[("n", &report.outcomes_confirmed.to_string())]));
                }
                for problem in &report.forms_refused {
                    note = format!("{note} {}", i18n.fill("outbox.form_refused", &[("problem", problem)]));
                }
                if report.rejected > 0 {
                    let reason = report.first_reason.clone().unwrap_or_default();
                    note = format!("{note} {}", i18n.fill("outbox.rejected", &[("n", &report.rejected.to_string()), ("reason", &reason)]));
                }
                note.trim_start().to_string()
            };
            let problem = match outcome {
                Ok(()) => String::new(),
                // Some reached the server, then the signal went: what was sent, and what waits.
                Err(SendError::Unreachable) if report.changed_outbox() => {
                    unreachable_said.set(true);
                    i18n.fill("outbox.unreachable_rest", &[("n", &waiting.to_string())])
                }
                Err(SendError::Unreachable) => {
                    unreachable_said.set(true);
                    i18n.t("outbox.unreachable")
                }
                // The refusals a practitioner may meet, in their language; others with the
                // server's own words.
                Err(e) if e.code() == Some(ErrorCode::DeviceRevoked) => i18n.t("outbox.revoked"),
                Err(e) if e.code() == Some(ErrorCode::DeviceUnknown) => i18n.t("outbox.device_unknown"),
                Err(e) if e.code() == Some(ErrorCode::WrongPartnership) => i18n.t("outbox.wrong_partnership"),
                Err(e) if e.code() == Some(ErrorCode::StorageUnavailable) => i18n.t("outbox.server_storage"),
                Err(SendError::Refused { detail, .. }) => i18n.fill("outbox.refused", &[("detail", &detail)]),
                Err(SendError::Store(e)) => i18n.t(e.message_key()),
                Err(SendError::NotEnrolled) => i18n.t("outbox.not_enrolled"),
                Err(SendError::NotAllowed { detail, .. }) => i18n.fill("outbox.not_allowed", &[("detail", &detail)]),
            };
            let note = format!("{done} {problem}").trim().to_string();
            set_message.set(note);
            set_sending.set(false);
            reload();
        });
    };

    let count = move || match pending.get() {
        Pending::Loaded(o) => Some(o.count),
        _ => None,
    };
    let on_deleted = Callback::new(move |_: ()| {
        unreachable_said.set(false);
        set_message.set(i18n.t("outbox.delete.done"));
        reload();
    });

    view! {
        <h1>{move || i18n.t("outbox.title")}</h1>
        <p class="outbox-count">
            {move || match pending.get() {
                Pending::Loading => i18n.t("outbox.loading"),
                Pending::Unavailable => i18n.t("store.unavailable"),
                Pending::Loaded(o) if o.count == 0 => i18n.t("outbox.empty"),
                Pending::Loaded(o) if o.count == 1 => i18n.t("outbox.waiting.one"),
                Pending::Loaded(o) => i18n.fill("outbox.waiting.many", &[("n", &o.count.to_string())]),
            }}
        </p>
        <p>{move || (outcomes.get() > 0).then(|| i18n.fill("outbox.outcomes_waiting", &[("n", &outcomes.get().to_string())]))}</p>
        {move || {
            let ids = unreadable_outcomes.get();
            (!ids.is_empty()).then(|| {
                let delete = move |_| {
                    let sure = web_sys::window().and_then(|w| w.confirm_with_message(&i18n.t("outbox.unreadable_outcomes.confirm")).ok()).unwrap_or(false);
                    if !sure {
                        return;
                    }
                    let ids = unreadable_outcomes.get_untracked();
                    spawn_local(async move {
                        let deleted = match Store::open(&store_name).await {
                            Ok(store) => store.delete_outcomes(&ids).await.is_ok(),
                            Err(_) => false,
                        };
                        set_message.set(i18n.t(if deleted { "outbox.unreadable_outcomes.deleted" } else { "store.unavailable" }));
                        reload();
                    });
                };
                view! {
                    <div class="notice">
                        <p>{i18n.fill("outbox.unreadable_outcomes", &[("n", &ids.len().to_string())])}</p>
                        <button type="button" on:click=delete>{i18n.t("outbox.unreadable_outcomes.delete")}</button>
                    </div>
                }
            })
        }}
        // Offline with answers waiting: nothing to do but come back online.
        <p class="notice">
            {move || (!online.get() && (count().unwrap_or(0) > 0 || outcomes.get() > 0)).then(|| i18n.t("outbox.offline"))}
        </p>
        {move || match pending.get() {
            Pending::Loaded(OutboxOverview { failed, .. }) if !failed.is_empty() => view! {
                <h2 id="failed-title">{i18n.t("outbox.failed.title")}</h2>
                <ul class="outbox-list failed" aria-labelledby="failed-title">
                    {failed
                        .into_iter()
                        .map(|o| {
                            let line = catalogue.with_value(|c| describe(&o.response, c, &i18n));
                            let why = failure_text(o.failure.as_deref().unwrap_or_default(), &i18n);
                            view! { <FailedItem id=o.response.id line why on_deleted /> }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
            _ => ().into_any(),
        }}
        <ul class="outbox-list" aria-label=move || i18n.t("outbox.list")>
            {move || match pending.get() {
                Pending::Loaded(OutboxOverview { listed, .. }) => catalogue
                    .with_value(|c| listed.iter().map(|o| view! { <li>{describe(&o.response, c, &i18n)}</li> }).collect_view())
                    .into_any(),
                _ => ().into_any(),
            }}
        </ul>
        <p>
            {move || match pending.get() {
                Pending::Loaded(o) if o.count > o.listed.len() + o.failed.len() => {
                    Some(i18n.fill("outbox.more", &[("n", &(o.count - o.listed.len() - o.failed.len()).to_string())]))
                }
                _ => None,
            }}
        </p>
        <button
            type="button"
            class="primary"
            on:click=send
            disabled=move || sending.get() || count().unwrap_or(0) + outcomes.get() == 0
        >
            {move || if sending.get() { i18n.t("outbox.sending") } else { i18n.t("outbox.send") }}
        </button>
        {move || progress.get().map(|(done, total)| {
            let text = i18n.fill("outbox.progress", &[("done", &done.to_string()), ("total", &total.to_string())]);
            view! {
                <div class="send-progress">
                    <progress max=total.max(1).to_string() value=done.to_string() aria-label=text.clone()></progress>
                    <span aria-hidden="true">{text}</span>
                </div>
            }
        })}
        <p role="status" class="outbox-message">{move || message.get()}</p>
        {move || {
            let items = sent_lately.get();
            (!items.is_empty()).then(|| view! {
                <h2 id="sent-title">{i18n.t("outbox.sent_list.title")}</h2>
                <ul class="outbox-list" aria-labelledby="sent-title">
                    {catalogue.with_value(|c| items.iter().map(|s| view! { <li>{describe_sent(s, c, &i18n)}</li> }).collect_view())}
                </ul>
            })
        }}
        <BackupSection on_taken_over=Callback::new(move |_: ()| reload()) />
        <StorageSection />
        <IdleLockSetting />
    }
}

/// A backup file of everything this tablet holds for sending, sealed for the partnership's
/// tablets only; and taking one over from another tablet (a broken one, or one being replaced).
#[component]
fn BackupSection(on_taken_over: Callback<()>) -> impl IntoView {
    use crate::backup::{self, BackupError, Counts};
    let i18n = use_i18n();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let message = RwSignal::new(None::<Result<String, String>>);
    let counted = move |key: &str, c: Counts| {
        i18n.fill(key, &[("responses", &c.responses.to_string()), ("drafts", &c.drafts.to_string()), ("outcomes", &c.outcomes.to_string())])
    };
    let problem = move |e: BackupError| match e {
        BackupError::NotEnrolled => i18n.t("outbox.not_enrolled"),
        BackupError::NotABackup => i18n.t("outbox.backup.not_a_backup"),
        BackupError::OtherPartnership => i18n.t("outbox.backup.other_partnership"),
        BackupError::Damaged => i18n.t("outbox.backup.damaged"),
        BackupError::Store(e) => i18n.t(e.message_key()),
    };
    let save = move |_| {
        spawn_local(async move {
            let made = match Store::open(&store_name).await {
                Ok(store) => backup::export(&store).await,
                Err(e) => Err(BackupError::Store(e)),
            };
            message.set(Some(match made {
                Ok((name, text, counts)) if crate::device::download(&name, &text, "application/json").is_some() => Ok(counted("outbox.backup.saved", counts)),
                Ok(_) => Err(i18n.t("store.unavailable")),
                Err(e) => Err(problem(e)),
            }));
        });
    };
    let load = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        spawn_local(async move {
            let Some(text) = crate::device::read_chosen_file(&input).await else {
                message.set(Some(Err(i18n.t("outbox.backup.not_a_backup"))));
                return;
            };
            input.set_value("");
            let taken = match Store::open(&store_name).await {
                Ok(store) => backup::import(&store, &text).await,
                Err(e) => Err(BackupError::Store(e)),
            };
            message.set(Some(taken.map(|c| counted("outbox.backup.taken_over", c)).map_err(problem)));
            on_taken_over.run(());
        });
    };
    view! {
        <section class="backup" aria-labelledby="backup-title">
            <h2 id="backup-title">{move || i18n.t("outbox.backup.title")}</h2>
            <p>{move || i18n.t("outbox.backup.intro")}</p>
            <button type="button" on:click=save>{move || i18n.t("outbox.backup.save")}</button>
            <label for="backup-file">{move || i18n.t("outbox.backup.load")}</label>
            <input id="backup-file" type="file" accept=".json,application/json" on:change=load />
            <p role="status" class:problem=move || matches!(message.get(), Some(Err(_)))>{move || message.get().map(|m| m.unwrap_or_else(|e| e))}</p>
        </section>
    }
}

/// How long this tablet may lie unused before it locks itself: the practitioner's choice.
#[component]
fn IdleLockSetting() -> impl IntoView {
    use crate::store::IDLE_LOCK_CHOICES;
    let i18n = use_i18n();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let minutes = RwSignal::new(None::<u32>);
    let message = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok(store) = Store::open(&store_name).await {
            minutes.set(Some(store.idle_lock_minutes().await));
        }
    });
    // One string per choice: how a number of minutes is said differs by number and language
    // (Arabic has a form for two, another for three to ten, another from eleven).
    let words = move |n: u32| i18n.t(&format!("lock.minutes.{n}"));
    let choose = move |ev: leptos::ev::Event| {
        let Ok(n) = event_target_value(&ev).parse::<u32>() else { return };
        spawn_local(async move {
            let saved = async { Store::open(&store_name).await?.set_idle_lock_minutes(n).await }.await;
            message.set(Some(match saved {
                Ok(()) => {
                    minutes.set(Some(n));
                    crate::components::use_idle_minutes(n);
                    i18n.fill("lock.saved", &[("time", &words(n))])
                }
                Err(e) => i18n.t(e.message_key()),
            }));
        });
    };
    view! {
        <section class="idle-lock" aria-labelledby="idle-lock-title">
            <h2 id="idle-lock-title">{move || i18n.t("lock.title")}</h2>
            // Shown once the saved choice is read, so it never shows a choice that is not in force.
            <Show when=move || minutes.get().is_some()>
                <label for="idle-lock">{move || i18n.t("lock.after")}</label>
                <select id="idle-lock" on:change=choose>
                    {IDLE_LOCK_CHOICES
                        .map(|n| view! { <option value=n.to_string() selected=move || minutes.get() == Some(n)>{move || words(n)}</option> })
                        .collect_view()}
                </select>
            </Show>
            <p role="status">{move || message.get()}</p>
        </section>
    }
}

/// A response the server keeps refusing: why, and deleting it for good, only after the
/// practitioner confirms with the PIN.
#[component]
fn FailedItem(id: uuid::Uuid, line: String, why: String, on_deleted: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let asking = RwSignal::new(false);
    let pin = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let describe_id = format!("failed-{id}");
    let pin_id = format!("delete-pin-{id}");
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = pin.get_untracked();
        pin.set(String::new());
        spawn_local(async move {
            let Ok(store) = Store::open(&store_name).await else {
                problem.set(Some(i18n.t("store.unavailable")));
                return;
            };
            match store.unlock(&typed).await {
                Ok(()) => match store.discard_pending(id).await {
                    Ok(()) => on_deleted.run(()),
                    Err(e) => problem.set(Some(i18n.t(e.message_key()))),
                },
                Err(UnlockError::WrongPin { .. }) => problem.set(Some(i18n.t("outbox.delete.wrong_pin"))),
                Err(UnlockError::TooSoon { wait_secs }) => problem.set(Some(crate::components::wait_message(&i18n, wait_secs))),
                Err(UnlockError::Storage(e)) => problem.set(Some(i18n.t(e.message_key()))),
                Err(UnlockError::NoPin) => problem.set(Some(i18n.t("store.unavailable"))),
            }
        });
    };
    let (d1, d2) = (describe_id.clone(), describe_id);
    view! {
        <li>
            <p id=d1>{line}" · "{why}</p>
            <Show
                when=move || asking.get()
                fallback=move || {
                    let d = d2.clone();
                    view! { <button type="button" aria-describedby=d on:click=move |_| asking.set(true)>{i18n.t("outbox.delete")}</button> }
                }
            >
                <form class="confirm-delete" on:submit=confirm>
                    <p>{i18n.t("outbox.delete.explain")}</p>
                    <label for=pin_id.clone()>{i18n.t("outbox.delete.pin")}</label>
                    <input id=pin_id.clone() type="password" inputmode="numeric" autocomplete="off" required
                        prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev)) />
                    <button type="submit" class="danger">{i18n.t("outbox.delete.confirm")}</button>
                    <button type="button" on:click=move |_| {
                        asking.set(false);
                        problem.set(None);
                    }>{i18n.t("outbox.delete.keep")}</button>
                </form>
            </Show>
            <p role="status" class="problem">{move || problem.get()}</p>
        </li>
    }
}

/// Whether the browser keeps Heard's data when space runs short (asked for here), and how much
/// space Heard uses of what the browser allows.
#[component]
fn StorageSection() -> impl IntoView {
    let i18n = use_i18n();
    let report = RwSignal::new(None::<crate::device::StorageReport>);
    spawn_local(async move { report.set(Some(crate::device::storage_report().await)) });
    let kept = move || {
        report.get().map(|r| match r.persisted {
            Some(true) => i18n.t("outbox.storage.kept"),
            Some(false) => i18n.t("outbox.storage.not_kept"),
            None => i18n.t("outbox.storage.unknown"),
        })
    };
    let used = move || {
        report
            .get()
            .and_then(|r| Some((r.usage?, r.quota?)))
            .map(|(usage, quota)| i18n.fill("outbox.storage.used", &[("used", &crate::device::size_text(usage)), ("quota", &crate::device::size_text(quota))]))
    };
    view! {
        <section class="storage" aria-labelledby="storage-title">
            <h2 id="storage-title">{move || i18n.t("outbox.storage.title")}</h2>
            <p>{kept}</p>
            <p>{used}</p>
        </section>
    }
}

fn sent(i18n: &I18n, n: usize) -> String {
    if n == 1 {
        i18n.t("outbox.sent.one")
    } else {
        i18n.fill("outbox.sent.many", &[("n", &n.to_string())])
    }
}
