//! Enrolling the tablet once, with the text the coordinator gave: the one-time code goes to
//! the server for a device token; the partnership key stays here, checked against the
//! fingerprint the server knows.

use crate::components::{FieldProblem, Unlock};
use crate::device;
use crate::i18n::use_i18n;
use crate::route::Link;
use crate::store::{Enrolment, Store, StoreName};
use crate::sync::{self, SendError};
use heard_domain::b64::base64url_encode;
use heard_domain::enrolment::{EnrolmentError, EnrolmentText};
use heard_domain::pin::{check_new_pin, PinError};
use heard_domain::wire::ErrorCode;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the tablet stands before enrolling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Before {
    Checking,
    /// First enrolment: the practitioner also chooses the PIN.
    NoPin,
    /// Enrolled before and locked: the PIN first.
    Locked,
    /// Unlocked: a new code replaces the enrolment; the PIN stays.
    Unlocked,
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    let i18n = use_i18n();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let before = RwSignal::new(Before::Checking);
    let text = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let pin_again = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // What the tablet is enrolled for, once it is: kept on show whatever a new code does.
    let current = RwSignal::new(None::<String>);
    let enrolled_for = move |key: &str, e: &Enrolment| i18n.fill(key, &[("agency", &e.agency), ("partnership", &e.partnership)]);
    // The problem with the last try, if any, and the field it is about (marked and focused).
    let said = FieldProblem::<Field>::new();
    let code_input = NodeRef::<leptos::html::Textarea>::new();
    let pin_input = NodeRef::<leptos::html::Input>::new();
    let pin_again_input = NodeRef::<leptos::html::Input>::new();
    let fault = move |field: Field, text: String| {
        let element: Option<web_sys::HtmlElement> = match field {
            Field::Code => code_input.try_get_untracked().flatten().map(Into::into),
            Field::Pin => pin_input.try_get_untracked().flatten().map(Into::into),
            Field::PinAgain => pin_again_input.try_get_untracked().flatten().map(Into::into),
        };
        said.at(field, element, text);
    };
    let marked = move |field: Field| said.marked(field);

    let show_current = move || {
        spawn_local(async move {
            if let Ok(Some(e)) = async { Store::open(&store_name).await?.enrolment().await }.await {
                current.set(Some(enrolled_for("enrol.done", &e)));
            }
        })
    };
    spawn_local(async move {
        let state = match Store::open(&store_name).await {
            Ok(s) if s.is_unlocked() => Before::Unlocked,
            Ok(s) if s.has_pin().await.unwrap_or(false) => Before::Locked,
            _ => Before::NoPin,
        };
        before.set(state);
        if state == Before::Unlocked {
            show_current();
        }
    });
    let on_unlocked = Callback::new(move |()| {
        before.set(Before::Unlocked);
        show_current();
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = match EnrolmentText::parse(&text.get_untracked()) {
            Ok(p) => p,
            Err(e) => {
                let key = match e {
                    EnrolmentError::Prefix => "enrol.error.prefix",
                    EnrolmentError::Code => "enrol.error.code",
                    EnrolmentError::Key => "enrol.error.key",
                    EnrolmentError::Old => "enrol.error.old",
                };
                fault(Field::Code, i18n.t(key));
                return;
            }
        };
        let new_pin = if before.get_untracked() == Before::NoPin {
            match check_new_pin(&pin.get_untracked(), &pin_again.get_untracked()) {
                Ok(p) => Some(p),
                Err(e) => {
                    let (field, key) = match e {
                        PinError::Length => (Field::Pin, "enrol.pin.length"),
                        PinError::NotDigits => (Field::Pin, "enrol.pin.digits"),
                        PinError::Mismatch => (Field::PinAgain, "enrol.pin.mismatch"),
                    };
                    fault(field, i18n.t(key));
                    return;
                }
            }
        } else {
            None
        };
        busy.set(true);
        spawn_local(async move {
            let outcome = enrol(&store_name, parsed, new_pin).await;
            match outcome {
                Ok(e) => {
                    before.set(Before::Unlocked);
                    crate::sync::start_auto_send(store_name);
                    // Said anew even when enrolled again for the same team: the line is taken
                    // away, then put back with words of its own, so a screen reader hears it.
                    current.set(None);
                    // The code is used up: the box is emptied for the next one, if ever.
                    text.set(String::new());
                    let now = enrolled_for("enrol.done_now", &e);
                    request_animation_frame(move || current.set(Some(now)));
                    said.clear();
                }
                Err(problem) => match problem {
                    Problem::Server(SendError::Unreachable) => said.say(i18n.t("enrol.unreachable")),
                    // Not the code's fault: the server could not store anything.
                    Problem::Server(e) if e.code() == Some(ErrorCode::StorageUnavailable) => said.say(i18n.t("enrol.server_storage")),
                    // The server refuses an enrolment otherwise only for its code.
                    Problem::Server(SendError::Refused { .. } | SendError::NotAllowed { .. }) => fault(Field::Code, i18n.t("enrol.refused")),
                    Problem::Server(_) | Problem::Storage => said.say(i18n.t("store.unavailable")),
                    Problem::KeyMismatch => fault(Field::Code, i18n.t("enrol.key_mismatch")),
                    Problem::KeyUnopened => fault(Field::Code, i18n.t("enrol.key_unopened")),
                },
            }
            busy.set(false);
        });
    };

    let form = move || {
        view! {
            <div role="status">{move || current.get().map(|c| view! { <p class="notice">{c}</p> })}</div>
            // Enrolled: where the practitioner goes next, and what a new code would do.
            {move || current.get().is_some().then(|| view! {
                <p><Link href="/child".to_string()>{move || i18n.t("nav.child")}</Link></p>
                <p>{move || i18n.t("enrol.again")}</p>
            })}
            <p id="enrol-intro">{move || i18n.t("enrol.intro")}</p>
            <form on:submit=submit>
                <label for="enrolment-code">{move || i18n.t("enrol.code")}</label>
                <textarea
                    id="enrolment-code"
                    node_ref=code_input
                    aria-invalid=marked(Field::Code)
                    rows="3"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="enrol-intro"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <Show when=move || before.get() == Before::NoPin>
                    <p id="pin-hint">{move || i18n.t("enrol.pin_hint")}</p>
                    <label for="new-pin">{move || i18n.t("enrol.pin")}</label>
                    <input
                        id="new-pin"
                        node_ref=pin_input
                        aria-invalid=marked(Field::Pin)
                        type="password"
                        inputmode="numeric"
                        autocomplete="off"
                        aria-describedby="pin-hint"
                        on:input=move |ev| pin.set(event_target_value(&ev))
                    />
                    <label for="new-pin-again">{move || i18n.t("enrol.pin_again")}</label>
                    <input
                        id="new-pin-again"
                        node_ref=pin_again_input
                        aria-invalid=marked(Field::PinAgain)
                        type="password"
                        inputmode="numeric"
                        autocomplete="off"
                        on:input=move |ev| pin_again.set(event_target_value(&ev))
                    />
                </Show>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("enrol.working") } else { i18n.t("enrol.submit") }}
                </button>
            </form>
            <p role="status" class="problem">{move || said.message.get()}</p>
        }
    };
    // One screen at a time, each with one first-level heading: the PIN prompt has its own.
    move || match before.get() {
        Before::Checking => ().into_any(),
        Before::Locked => view! { <Unlock on_unlocked /> }.into_any(),
        Before::NoPin | Before::Unlocked => view! {
            <h1>{move || i18n.t("enrol.title")}</h1>
            {form()}
        }
        .into_any(),
    }
}

/// A field of the form a problem can be about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Code,
    Pin,
    PinAgain,
}

enum Problem {
    Server(SendError),
    KeyMismatch,
    /// The text's secret does not open the key the server released (mistyped).
    KeyUnopened,
    Storage,
}

/// Spends the code; the partnership key comes back sealed under the text's secret, and is
/// opened here and checked against the partnership's fingerprint.
async fn enrol(store_name: &StoreName, parsed: EnrolmentText, new_pin: Option<String>) -> Result<Enrolment, Problem> {
    let reply = sync::enrol(&parsed.code).await.map_err(Problem::Server)?;
    // A mistyped secret does not open it: the same code, fixed, may be tried again (the server
    // keeps the sealed key for this enrolment a while), so the enrolment id is kept too.
    let sealed = heard_domain::b64::base64url_decode(&reply.sealed_key).ok_or(Problem::KeyUnopened)?;
    let key = crate::crypto::open_enrolment_key(&parsed.secret, &sealed).await.map_err(|_| Problem::KeyUnopened)?;
    let fingerprint = device::sha256_hex(&key).await.ok_or(Problem::Storage)?;
    if reply.key_fingerprint != fingerprint {
        return Err(Problem::KeyMismatch);
    }
    let enrolment = Enrolment {
        device_token: reply.device_token,
        partnership_key: base64url_encode(&key),
        key_fingerprint: fingerprint,
        agency: reply.agency,
        partnership: reply.partnership,
        revoked: false,
        backup_secret: None,
        earlier: Vec::new(),
    };
    let store = Store::open(store_name).await.map_err(|_| Problem::Storage)?;
    if let Some(pin) = new_pin {
        store.set_pin(&pin).await.map_err(|_| Problem::Storage)?;
    }
    store.save_enrolment(&enrolment).await.map_err(|_| Problem::Storage)?;
    sync::enrolment_done();
    Ok(enrolment)
}
