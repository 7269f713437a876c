//! The practitioner's outbox: what is waiting on this tablet, "Send", and whether the browser
//! will keep what is saved here.

use crate::i18n::{use_i18n, I18n};
use crate::store::{Store, StoreName};
use crate::sync::{send_pending, SendError};
use heard_domain::{AnswerValue, Catalogue, Response};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug, PartialEq)]
enum Pending {
    Loading,
    Loaded(Vec<Response>),
    Unavailable,
}

/// One line per pending response: date, form, and how many questions were answered.
fn describe(r: &Response, catalogue: &Catalogue, i18n: &I18n) -> String {
    let lang = i18n.lang.get_untracked();
    let title = catalogue.get(&r.form_id, r.form_version).map_or(r.form_id.0.clone(), |f| f.title.get(&lang).to_string());
    let declined = r.answers.iter().filter(|a| a.value == AnswerValue::Declined).count();
    let answered = r.answers.len() - declined;
    format!("{} · {title} · {answered} ✓ · {declined} ✗", r.date)
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let catalogue = StoredValue::new(Catalogue::built_in());
    let (pending, set_pending) = signal(Pending::Loading);
    let (outcomes, set_outcomes) = signal(0usize);
    let (message, set_message) = signal(String::new());
    let (sending, set_sending) = signal(false);
    let store_name = use_context::<StoreName>().unwrap_or_default();

    let reload = move || {
        spawn_local(async move {
            let loaded = match Store::open(&store_name).await {
                Ok(store) => {
                    set_outcomes.set(store.pending_outcomes().await.map(|o| o.len()).unwrap_or(0));
                    store.pending().await.map(Pending::Loaded).unwrap_or(Pending::Unavailable)
                }
                Err(_) => Pending::Unavailable,
            };
            set_pending.set(loaded);
        })
    };
    reload();

    let send = move |_| {
        set_sending.set(true);
        set_message.set(String::new());
        spawn_local(async move {
            let outcome = match Store::open(&store_name).await {
                Ok(store) => send_pending(&store).await,
                Err(e) => Err(SendError::Store(e)),
            };
            let note = match outcome {
                Ok(report) => {
                    let mut note = sent(&i18n, report.confirmed);
                    if report.conflicts > 0 {
                        note = format!("{note} {}", i18n.fill("outbox.conflicts", &[("n", &report.conflicts.to_string())]));
                    }
                    if report.outcomes_confirmed > 0 {
                        note = format!("{note} {}", i18n.fill("outbox.sent_outcomes", &[("n", &report.outcomes_confirmed.to_string())]));
                    }
                    if report.rejected > 0 {
                        let reason = report.first_reason.unwrap_or_default();
                        note = format!("{note} {}", i18n.fill("outbox.rejected", &[("n", &report.rejected.to_string()), ("reason", &reason)]));
                    }
                    note
                }
                Err(SendError::Unreachable) => i18n.t("outbox.unreachable"),
                Err(SendError::Refused { detail }) => i18n.fill("outbox.refused", &[("detail", &detail)]),
                Err(SendError::Store(_)) => i18n.t("store.unavailable"),
                Err(SendError::NotEnrolled) => i18n.t("outbox.not_enrolled"),
                Err(SendError::NotAllowed { detail }) => i18n.fill("outbox.not_allowed", &[("detail", &detail)]),
            };
            set_message.set(note);
            set_sending.set(false);
            reload();
        });
    };

    let count = move || match pending.get() {
        Pending::Loaded(list) => Some(list.len()),
        _ => None,
    };

    view! {
        <h1>{move || i18n.t("outbox.title")}</h1>
        <p class="outbox-count">
            {move || match pending.get() {
                Pending::Loading => i18n.t("outbox.loading"),
                Pending::Unavailable => i18n.t("store.unavailable"),
                Pending::Loaded(list) if list.is_empty() => i18n.t("outbox.empty"),
                Pending::Loaded(list) if list.len() == 1 => i18n.t("outbox.waiting.one"),
                Pending::Loaded(list) => i18n.fill("outbox.waiting.many", &[("n", &list.len().to_string())]),
            }}
        </p>
        <p>{move || (outcomes.get() > 0).then(|| i18n.fill("outbox.outcomes_waiting", &[("n", &outcomes.get().to_string())]))}</p>
        <ul class="outbox-list" aria-label=move || i18n.t("outbox.list")>
            {move || match pending.get() {
                Pending::Loaded(list) => catalogue
                    .with_value(|c| list.iter().map(|r| view! { <li>{describe(r, c, &i18n)}</li> }).collect_view())
                    .into_any(),
                _ => ().into_any(),
            }}
        </ul>
        <button
            type="button"
            class="primary"
            on:click=send
            disabled=move || sending.get() || count().unwrap_or(0) + outcomes.get() == 0
        >
            {move || if sending.get() { i18n.t("outbox.sending") } else { i18n.t("outbox.send") }}
        </button>
        <p role="status" class="outbox-message">{move || message.get()}</p>
        <StorageSection />
    }
}

/// Whether the browser keeps Heard's data when space runs short (asked for here), and how much
/// space Heard uses of what the browser allows.
#[component]
fn StorageSection() -> impl IntoView {
    let i18n = use_i18n();
    let report = RwSignal::new(None::<crate::device::StorageReport>);
    spawn_local(async move { report.set(Some(crate::device::storage_report(true).await)) });
    let kept = move || {
        report.get().map(|r| match r.persisted {
            Some(true) => i18n.t("outbox.storage.kept"),
            Some(false) => i18n.t("outbox.storage.not_kept"),
            None => i18n.t("outbox.storage.unknown"),
        })
    };
    let used = move || {
        report.get().and_then(|r| Some((r.usage?, r.quota?))).map(|(usage, quota)| {
            i18n.fill("outbox.storage.used", &[("used", &crate::device::size_text(usage)), ("quota", &crate::device::size_text(quota))])
        })
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
