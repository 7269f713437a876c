//! Single-switch scanning for Symbols forms: a highlight steps through the screen's buttons
//! at the pace the practitioner chose, and any key or any tap presses the highlighted one,
//! so a child with one switch (or one reliable movement) can answer everything.
//! Where the device has a voice, each button's words are said as the highlight reaches it
//! (auditory scanning, for children who cannot read them), and the highlight waits while
//! anything is being read, the question first; the speaker buttons are not scanned, as the
//! highlight says what they would.

use crate::speech::use_speech;
use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use gloo_timers::callback::Interval;
use heard_domain::Lang;
use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement};

const HIGHLIGHT: &str = "scanned";

/// The buttons to step through: the answers, then Next, then "I don't want to answer" and
/// Back, then Pause and Stop. A press a moment late after an answer lands on Next (the answer
/// kept), not on declining; a cycle that began on Pause and Stop put every answer two steps
/// further away. The practitioner's button on the end screen is not the child's.
fn targets(area: &HtmlElement) -> Vec<HtmlElement> {
    let Ok(list) = area.query_selector_all("button:not([disabled]):not(.handback):not(.speak)") else { return Vec::new() };
    let mut all: Vec<HtmlElement> = (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into().ok()).collect();
    let within = |b: &HtmlElement, selector: &str| b.closest(selector).ok().flatten().is_some();
    all.sort_by_key(|b| match () {
        _ if within(b, ".run-bar") => 4,
        _ if within(b, ".steps") && b.class_list().contains("primary") => 1,
        _ if b.class_list().contains("decline") => 2,
        _ if within(b, ".steps") => 3,
        _ => 0,
    });
    all
}

/// What a button says: its label, or the word on it (a choice's picture is not words).
fn words(button: &HtmlElement) -> String {
    let label = button.get_attribute("aria-label");
    let word = || button.query_selector(".choice-label").ok().flatten().and_then(|l| l.text_content());
    label.or_else(word).or_else(|| button.text_content()).unwrap_or_default().trim().to_string()
}

/// The longest the highlight waits for reading to end: a voice that never says it has
/// finished must not stop a child's scanning.
const MAX_WAIT_MS: u32 = 8_000;

fn highlighted(area: &HtmlElement) -> Option<HtmlElement> {
    area.query_selector(&format!("button.{HIGHLIGHT}")).ok().flatten().and_then(|e| e.dyn_into().ok())
}

/// Scans the buttons inside `area` every `pace_ms` milliseconds while mounted.
#[component]
pub fn Scanner(
    /// The part of the page whose buttons are scanned.
    area: NodeRef<Div>,
    /// Time the highlight rests on each button.
    pace_ms: u32,
    /// The language the buttons' words are in, to say them.
    lang: Lang,
) -> impl IntoView {
    let Some(window) = web_sys::window() else { return };
    let speech = use_speech();
    let mut waited_ms = 0;
    // "I don't want to answer" was just pressed: the highlight goes next to Next, which moves
    // on (as after an answer), not round by Back, Pause and Stop first.
    let declined = std::rc::Rc::new(std::cell::Cell::new(false));
    let declined_in_step = declined.clone();
    let step = move || {
        let Some(area) = area.get_untracked() else { return };
        let area: HtmlElement = area.into();
        let all = targets(&area);
        if all.is_empty() {
            return;
        }
        let speaks = speech.can_speak(&lang);
        if speaks && speech.speaking() && waited_ms < MAX_WAIT_MS {
            waited_ms += pace_ms;
            return;
        }
        waited_ms = 0;
        let now = highlighted(&area);
        let mut next = now.as_ref().and_then(|h| all.iter().position(|b| b == h)).map_or(0, |i| (i + 1) % all.len());
        if declined_in_step.replace(false) {
            if let Some(i) = all.iter().position(|b| b.closest(".steps").ok().flatten().is_some() && b.class_list().contains("primary")) {
                next = i;
            }
        }
        // One button only (the pause screen's "Carry on"): it stays highlighted, said once.
        if now.as_ref() == Some(&all[next]) {
            return;
        }
        if let Some(h) = now {
            let _ = h.class_list().remove_1(HIGHLIGHT);
        }
        let _ = all[next].class_list().add_1(HIGHLIGHT);
        let _ = all[next].focus();
        if speaks {
            speech.say(&words(&all[next]), &lang);
        }
    };
    // Any key, or a tap anywhere, presses what is highlighted (and nothing else).
    let choose = move |ev: &Event| {
        if !ev.is_trusted() {
            return; // our own .click() below
        }
        // A switch held down repeats its key: one press, however long it is held (else each
        // button the highlight reached while it was held would be pressed in turn).
        if ev.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(web_sys::KeyboardEvent::repeat) {
            ev.prevent_default();
            ev.stop_propagation();
            return;
        }
        let Some(area) = area.get_untracked() else { return };
        if let Some(h) = highlighted(&area.into()) {
            ev.prevent_default();
            ev.stop_propagation();
            declined.set(h.class_list().contains("decline"));
            // After this listener returns: clicking from inside it would run it again while it
            // runs (and a click that ends the form would remove it mid-call), which the browser
            // reports as an error on every press.
            leptos::task::spawn_local(async move { h.click() });
        }
    };
    let timer = Interval::new(pace_ms, step);
    // In the capture phase, before the buttons' own handlers, and able to stop them.
    let capture = || EventListenerOptions { phase: EventListenerPhase::Capture, passive: false };
    let choose = std::rc::Rc::new(choose);
    let listeners: Vec<EventListener> = ["keydown", "click"]
        .into_iter()
        .map(|kind| {
            let choose = choose.clone();
            EventListener::new_with_options(&window, kind, capture(), move |ev| choose(ev))
        })
        .collect();
    // Dropping them clears the interval and removes the listeners.
    let held = SendWrapper::new((timer, listeners));
    on_cleanup(move || drop(held.take()));
}
