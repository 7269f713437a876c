//! The practitioner's outbox: what is waiting on this tablet, and "Send".

use crate::components::Face;
use crate::store::{Store, StoreName};
use crate::sync::{send_pending, SendError};
use crate::text;
use heard_domain::{AnswerValue, Response};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug, PartialEq)]
enum Pending {
    Loading,
    Loaded(Vec<Response>),
    Unavailable,
}

fn describe(r: &Response) -> String {
    let answers: Vec<&str> = r
        .answers
        .iter()
        .map(|a| match a.value {
            AnswerValue::Face(n) => Face::from_point(n).map_or("?", Face::label),
            AnswerValue::Declined => "Did not want to answer",
        })
        .collect();
    format!("{} · {} · {}", r.date, r.form_id, answers.join(", "))
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let (pending, set_pending) = signal(Pending::Loading);
    let (message, set_message) = signal(String::new());
    let (sending, set_sending) = signal(false);
    let store_name = StoredValue::new(use_context::<StoreName>().unwrap_or_default());

    let reload = move || {
        spawn_local(async move {
            let loaded = match Store::open(&store_name.get_value()).await {
                Ok(store) => store.pending().await.map(Pending::Loaded).unwrap_or(Pending::Unavailable),
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
            let outcome = match Store::open(&store_name.get_value()).await {
                Ok(store) => send_pending(&store).await,
                Err(e) => Err(SendError::Store(e)),
            };
            let note = match outcome {
                Ok(report) if report.conflicts > 0 => format!("{} {}", text::sent(report.confirmed), text::conflicts(report.conflicts)),
                Ok(report) => text::sent(report.confirmed),
                Err(SendError::Unreachable) => text::SEND_UNREACHABLE.to_string(),
                Err(SendError::Refused { detail }) => text::send_refused(&detail),
                Err(SendError::Store(_)) => text::STORE_UNAVAILABLE.to_string(),
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
        <h1>{text::OUTBOX_TITLE}</h1>
        <p class="outbox-count">
            {move || match pending.get() {
                Pending::Loading => text::OUTBOX_LOADING.to_string(),
                Pending::Unavailable => text::STORE_UNAVAILABLE.to_string(),
                Pending::Loaded(list) if list.is_empty() => text::OUTBOX_EMPTY.to_string(),
                Pending::Loaded(list) => text::waiting(list.len()),
            }}
        </p>
        <ul class="outbox-list" aria-label=text::OUTBOX_LIST_LABEL>
            {move || match pending.get() {
                Pending::Loaded(list) => list.iter().map(|r| view! { <li>{describe(r)}</li> }).collect_view().into_any(),
                _ => ().into_any(),
            }}
        </ul>
        <button
            type="button"
            class="primary"
            on:click=send
            disabled=move || sending.get() || count().unwrap_or(0) == 0
        >
            {move || if sending.get() { text::OUTBOX_SENDING } else { text::OUTBOX_SEND }}
        </button>
        <p role="status" class="outbox-message">{move || message.get()}</p>
    }
}
