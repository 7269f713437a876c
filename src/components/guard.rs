//! The lock between the tablet's saved answers and whoever holds it: screens that read or
//! write answers show only once the tablet is enrolled and unlocked with the PIN. The
//! tablet locks itself after the idle minutes the practitioner chose (5 until they choose).

use crate::components::follow_up::{use_after_child, FollowUpPrompt};
use crate::i18n::use_i18n;
use crate::route::Link;
use crate::store::{Store, StoreName, UnlockError};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;

thread_local! {
    /// Minutes without a touch or key press before the tablet locks itself.
    static IDLE_MINUTES: Cell<u32> = const { Cell::new(crate::store::IDLE_LOCK_DEFAULT) };
    /// The page's idle wait, while one is mounted.
    static IDLE_WAIT: RefCell<Weak<IdleWait>> = const { RefCell::new(Weak::new()) };
}

/// Uses `minutes` as the idle lock from now on, starting the wait again.
pub fn use_idle_minutes(minutes: u32) {
    IDLE_MINUTES.with(|m| m.set(minutes));
    if let Some(wait) = IDLE_WAIT.with_borrow(Weak::upgrade) {
        wait.rearm();
    }
}

/// How long a paused child's screen is kept with no touch before the tablet locks after all.
const PAUSED_LOCK_MS: u32 = 30 * 60_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gate {
    Checking,
    NotEnrolled,
    /// The browser would not open the tablet's storage: said as such (never as "not
    /// enrolled", which would send the practitioner to enrol again over what is kept there).
    Unavailable,
    Locked,
    Open,
}

/// Set while a child is answering (`FormRun`): the practitioner's Lock button is hidden, so a
/// child cannot lock themselves out mid-form by a stray tap; and while the child has paused,
/// the idle lock waits, so a paused child's screen is never turned into the adult's PIN screen.
#[derive(Clone, Copy)]
pub struct ChildMode {
    pub on: RwSignal<bool>,
    pub paused: RwSignal<bool>,
}

/// Shows `children` only on an enrolled, unlocked tablet; otherwise the way there.
#[component]
pub fn Guarded(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let child_mode = ChildMode { on: RwSignal::new(false), paused: RwSignal::new(false) };
    provide_context(child_mode);
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let gate = RwSignal::new(Gate::Checking);
    let current = crate::session::use_session();
    spawn_local(async move {
        let opened = Store::open(&store_name).await;
        if let Ok(s) = &opened {
            use_idle_minutes(s.idle_lock_minutes().await);
        }
        let state = match opened {
            Ok(s) if s.is_unlocked() => {
                crate::session::restore_session(&s, current).await;
                crate::sync::start_auto_send(store_name);
                Gate::Open
            }
            Ok(s) => match s.has_pin().await {
                Ok(true) => Gate::Locked,
                Ok(false) => Gate::NotEnrolled,
                Err(_) => Gate::Unavailable,
            },
            Err(_) => Gate::Unavailable,
        };
        gate.set(state);
    });
    let lock = move || {
        spawn_local(async move {
            if let Ok(s) = Store::open(&store_name).await {
                s.lock();
            }
            // The PIN is the practitioner's to enter, in their own language (not a child's).
            i18n.to_own();
            gate.set(Gate::Locked);
        });
    };
    idle_lock(move |idle_ms| {
        if gate.get_untracked() != Gate::Open {
            return None;
        }
        // A paused child keeps their screen for a good while (the pause screen says that a
        // tablet left alone for long locks, and how they carry on); then it locks, as any.
        if child_mode.paused.get_untracked() && idle_ms < PAUSED_LOCK_MS {
            return Some(PAUSED_LOCK_MS - idle_ms);
        }
        lock();
        None
    });
    let after_child = use_after_child();
    // The follow-up prompt shows only here, after the PIN: never to whoever holds the tablet.
    let show_follow_up = RwSignal::new(false);
    let on_unlocked = Callback::new(move |()| {
        spawn_local(async move {
            // The session in progress before a reload comes back with the PIN, and so does a
            // finished child's response the practitioner has not yet looked at.
            if let Ok(s) = Store::open(&store_name).await {
                crate::session::restore_session(&s, current).await;
                after_child.restore(&s).await;
            }
            show_follow_up.set(after_child.0.with_untracked(Option::is_some));
            gate.set(Gate::Open);
        });
        crate::sync::start_auto_send(store_name);
    });
    // A new screen here (the PIN, the follow-ups, the page asked for) takes the focus to its
    // heading when the focus went with the old one, as a child's next question does: a
    // screen reader would otherwise be left on nothing.
    Effect::new(move |before: Option<(Gate, bool)>| {
        let now = (gate.get(), show_follow_up.get());
        if before.is_some_and(|b| b != now) && now.0 != Gate::Checking {
            focus_heading_if_lost();
        }
        now
    });
    // Then the screen the address names: the picker after a child handed the tablet back or
    // finished (`FormRun` leaves the address there), or wherever the practitioner went.
    let followed_up = Callback::new(move |()| {
        after_child.seen(store_name);
        show_follow_up.set(false);
    });
    view! {
        {move || match gate.get() {
            Gate::Checking => ().into_any(),
            Gate::NotEnrolled => view! {
                <h1>{move || i18n.t("gate.title")}</h1>
                <p class="notice">{move || i18n.t("gate.not_enrolled")}</p>
                <p><Link href="/enrol".to_string()>{move || i18n.t("nav.enrol")}</Link></p>
            }
            .into_any(),
            Gate::Unavailable => view! {
                <h1>{move || i18n.t("gate.unavailable.title")}</h1>
                <p role="alert" class="problem">{move || i18n.t("store.unavailable")}</p>
                <p>{move || i18n.t("gate.unavailable.kept")}</p>
                <button type="button" class="primary" on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                }>{move || i18n.t("gate.unavailable.retry")}</button>
            }
            .into_any(),
            Gate::Locked => view! { <Unlock on_unlocked /> }.into_any(),
            // A child has just handed the tablet back: follow-ups before anything else.
            Gate::Open if show_follow_up.get() => match after_child.0.get_untracked() {
                Some(finished) => view! { <FollowUpPrompt finished on_done=followed_up /> }.into_any(),
                None => ().into_any(),
            },
            Gate::Open => view! {
                <Show when=move || !child_mode.on.get()>
                    // The practitioner's way between screens (an installed app has no Back button).
                    <div class="lock-bar">
                        <nav aria-label=move || i18n.t("nav.label")>
                            <ul class="bar-links">
                                <li><Link href="/child".to_string()>{move || i18n.t("nav.child")}</Link></li>
                                <li><Link href="/outbox".to_string()>{move || i18n.t("nav.outbox")}</Link></li>
                            </ul>
                        </nav>
                        <button type="button" on:click=move |_| lock()>{move || i18n.t("lock.button")}</button>
                    </div>
                </Show>
                {children()}
            }
            .into_any(),
        }}
    }
}

/// Focuses the screen's heading if the focus is on nothing (the page itself).
pub fn focus_heading_if_lost() {
    focus_if_lost("main h1");
}

/// Focuses the first element `selector` finds (a heading, usually) if the focus is on nothing:
/// what had it has gone from the page. Looked at in the next frame, once the screen is drawn.
pub fn focus_if_lost(selector: &'static str) {
    request_animation_frame(move || focus_now_if_lost(selector));
}

fn focus_now_if_lost(selector: &str) {
    let document = document();
    if document.active_element().is_some_and(|e| e.tag_name() != "BODY") {
        return;
    }
    let Some(heading) = document.query_selector(selector).ok().flatten() else {
        return;
    };
    if !heading.has_attribute("tabindex") {
        let _ = heading.set_attribute("tabindex", "-1");
    }
    if let Ok(heading) = heading.dyn_into::<web_sys::HtmlElement>() {
        let _ = heading.focus();
    }
}

/// Calls `on_idle` with the milliseconds since the last pointer or key activity once the
/// idle-lock minutes have passed with none; when it answers `Some(ms)`, calls it again after
/// `ms` more with no activity.
fn idle_lock(on_idle: impl Fn(u32) -> Option<u32> + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let wait = Rc::new(IdleWait { on_idle: Box::new(on_idle), armed_at: Cell::new(0.0), timer: RefCell::new(None) });
    let listeners: Vec<EventListener> = ["pointerdown", "keydown"]
        .into_iter()
        .map(|kind| {
            let wait = wait.clone();
            EventListener::new(&window, kind, move |_| wait.rearm())
        })
        .collect();
    wait.rearm();
    IDLE_WAIT.with_borrow_mut(|w| *w = Rc::downgrade(&wait));
    let held = SendWrapper::new((wait, listeners));
    on_cleanup(move || {
        let (wait, listeners) = held.take();
        // Only this page's own: a newer one may already have taken its place.
        IDLE_WAIT.with_borrow_mut(|w| {
            if w.ptr_eq(&Rc::downgrade(&wait)) {
                *w = Weak::new();
            }
        });
        drop(listeners);
        wait.timer.borrow_mut().take();
    });
}

/// One page's wait for the idle lock: its timer, and since when nobody touched the tablet.
struct IdleWait {
    on_idle: Box<dyn Fn(u32) -> Option<u32>>,
    armed_at: Cell<f64>,
    /// Dropping it clears the browser's timer.
    timer: RefCell<Option<Timeout>>,
}

impl IdleWait {
    /// Activity: the whole idle wait starts again.
    fn rearm(self: &Rc<Self>) {
        self.armed_at.set(js_sys::Date::now());
        self.wait(IDLE_MINUTES.with(Cell::get).saturating_mul(60_000));
    }

    /// Asks `on_idle` after `ms` (instead of any wait set before).
    fn wait(self: &Rc<Self>, ms: u32) {
        let me = Rc::downgrade(self);
        let timeout = Timeout::new(ms, move || {
            if let Some(me) = me.upgrade() {
                let idle_ms = (js_sys::Date::now() - me.armed_at.get()).max(0.0) as u32;
                if let Some(more) = (me.on_idle)(idle_ms) {
                    me.wait(more);
                }
            }
        });
        *self.timer.borrow_mut() = Some(timeout);
    }
}

/// "Please wait n seconds", said for one second too ("1 second", not "1 seconds").
pub fn wait_message(i18n: &crate::i18n::I18n, wait_secs: u32) -> String {
    if wait_secs == 1 {
        i18n.t("unlock.wait_one")
    } else {
        i18n.fill("unlock.wait", &[("n", &wait_secs.to_string())])
    }
}

/// The PIN prompt, with a way out for a forgotten PIN that says plainly what it costs.
#[component]
pub fn Unlock(on_unlocked: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let store_name = use_context::<StoreName>().unwrap_or_default();
    let pin = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let forgot = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let wiped = RwSignal::new(false);
    // What a wipe would lose, counted (records can be counted without the PIN), and the word
    // the practitioner types to wipe: nothing a child tapping about would do by chance.
    let losing = RwSignal::new(None::<(u32, u32, u32)>);
    let typed = RwSignal::new(String::new());
    let word_typed = move || typed.with(|t| t.trim().to_lowercase() == i18n.t("unlock.wipe_word").to_lowercase());
    Effect::new(move |_| {
        if confirming.get() {
            typed.set(String::new());
            spawn_local(async move {
                if let Ok(store) = Store::open(&store_name).await {
                    let (a, d, o) = (store.count_pending().await, store.count_drafts().await, store.count_outcomes().await);
                    losing.set(Some((a.unwrap_or_default(), d.unwrap_or_default(), o.unwrap_or_default())));
                }
            });
        }
    });
    let pin_input = NodeRef::<leptos::html::Input>::new();
    let keep_button = NodeRef::<leptos::html::Button>::new();
    let forgot_button = NodeRef::<leptos::html::Button>::new();
    // The question opens with the focus on keeping; see below for why it stands first.
    Effect::new(move |_| {
        if let Some(keep) = keep_button.get() {
            let _ = keep.focus();
        }
    });
    // After a wrong PIN the box is emptied and focused, ready for the next try (if the
    // prompt is still there: the check takes a moment).
    let try_again = move || {
        pin.try_set(String::new());
        if let Some(input) = pin_input.try_get_untracked().flatten() {
            let _ = input.focus();
        }
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            let result = match Store::open(&store_name).await {
                Ok(store) => store.unlock(&pin.get_untracked()).await,
                Err(e) => Err(UnlockError::Storage(e)),
            };
            busy.set(false);
            if matches!(result, Err(UnlockError::WrongPin { .. })) {
                try_again();
            }
            match result {
                Ok(()) => on_unlocked.run(()),
                Err(UnlockError::WrongPin { wait_secs: 0 }) => message.set(Some(i18n.t("unlock.wrong"))),
                Err(UnlockError::WrongPin { wait_secs }) => {
                    message.set(Some(format!("{} {}", i18n.t("unlock.wrong"), crate::components::wait_message(&i18n, wait_secs))))
                }
                Err(UnlockError::TooSoon { wait_secs }) => message.set(Some(crate::components::wait_message(&i18n, wait_secs))),
                Err(UnlockError::NoPin) => message.set(Some(i18n.t("store.unavailable"))),
                Err(UnlockError::Storage(e)) => message.set(Some(i18n.t(e.message_key()))),
            }
        });
    };
    let wipe = move |_| {
        if !word_typed() {
            return;
        }
        spawn_local(async move {
            if let Ok(store) = Store::open(&store_name).await {
                if store.wipe().await.is_ok() {
                    wiped.set(true);
                }
            }
        });
    };

    view! {
        <h1>{i18n.t("unlock.title")}</h1>
        <Show
            when=move || !wiped.get()
            fallback=move || view! {
                <p role="status">{i18n.t("unlock.wiped")}</p>
                <p><Link href="/enrol".to_string()>{i18n.t("nav.enrol")}</Link></p>
            }
        >
            <p>{i18n.t("unlock.intro")}</p>
            <form on:submit=submit>
                <label for="pin">{i18n.t("unlock.pin")}</label>
                <input
                    node_ref=pin_input
                    id="pin"
                    type="password"
                    inputmode="numeric"
                    autocomplete="off"
                    required
                    prop:value=move || pin.get()
                    on:input=move |ev| pin.set(event_target_value(&ev))
                />
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("unlock.working") } else { i18n.t("unlock.submit") }}
                </button>
            </form>
            <p role="status" class="problem">{move || message.get()}</p>
            <button type="button" class="link-like" node_ref=forgot_button aria-expanded=move || if forgot.get() { "true" } else { "false" } on:click=move |_| forgot.update(|f| *f = !*f)>
                {i18n.t("unlock.forgot")}
            </button>
            <Show when=move || forgot.get()>
                <div class="confirm">
                    <p>{i18n.t("unlock.forgot_text")}</p>
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! { <button type="button" on:click=move |_| confirming.set(true)>{i18n.t("unlock.wipe")}</button> }
                    >
                        // Keeping stands where "Wipe this tablet" was, and the wipe on a line
                        // of its own below: a double tap on "Wipe this tablet" keeps the tablet
                        // as it is, or lands beside "No, keep it" on nothing.
                        <button type="button" class="primary" node_ref=keep_button on:click=move |_| {
                            confirming.set(false);
                            forgot.set(false);
                            if let Some(b) = forgot_button.get_untracked() {
                                let _ = b.focus();
                            }
                        }>{i18n.t("unlock.keep")}</button>
                        <p>
                            {move || losing.get().map(|(answers, drafts, outcomes)| {
                                i18n.fill(
                                    "unlock.wipe_losing",
                                    &[("answers", &answers.to_string()), ("drafts", &drafts.to_string()), ("outcomes", &outcomes.to_string())],
                                )
                            })}
                        </p>
                        <p class="own-line">
                            <label for="wipe-word">{move || i18n.fill("unlock.wipe_type", &[("word", &i18n.t("unlock.wipe_word"))])}</label>
                            <input
                                id="wipe-word"
                                type="text"
                                autocomplete="off"
                                spellcheck="false"
                                prop:value=move || typed.get()
                                on:input=move |ev| typed.set(event_target_value(&ev))
                            />
                        </p>
                        <p class="own-line">
                            <button type="button" class="danger" disabled=move || !word_typed() on:click=wipe>{i18n.t("unlock.wipe_confirm")}</button>
                        </p>
                    </Show>
                </div>
            </Show>
        </Show>
    }
}
