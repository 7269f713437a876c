//! Single-switch scanning for Symbols forms: a highlight steps through the screen's buttons
//! at the pace the practitioner chose, and any key or any tap presses the highlighted one,
//! so a child with one switch (or one reliable movement) can answer everything.

use leptos::html::Div;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Event, HtmlElement};

const HIGHLIGHT: &str = "scanned";

fn targets(area: &HtmlElement) -> Vec<HtmlElement> {
    // The practitioner's button on the end screen is not the child's to choose.
    let Ok(list) = area.query_selector_all("button:not([disabled]):not(.handback)") else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into().ok()).collect()
}

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
) -> impl IntoView {
    let Some(window) = web_sys::window() else { return };
    let step = Closure::<dyn FnMut()>::new(move || {
        let Some(area) = area.get_untracked() else { return };
        let area: HtmlElement = area.into();
        let all = targets(&area);
        if all.is_empty() {
            return;
        }
        let now = highlighted(&area);
        let next = now.as_ref().and_then(|h| all.iter().position(|b| b == h)).map_or(0, |i| (i + 1) % all.len());
        if let Some(h) = now {
            let _ = h.class_list().remove_1(HIGHLIGHT);
        }
        let _ = all[next].class_list().add_1(HIGHLIGHT);
        let _ = all[next].focus();
    });
    // Any key, or a tap anywhere, presses what is highlighted (and nothing else).
    let choose = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
        if !ev.is_trusted() {
            return; // our own .click() below
        }
        let Some(area) = area.get_untracked() else { return };
        if let Some(h) = highlighted(&area.into()) {
            ev.prevent_default();
            ev.stop_propagation();
            // After this listener returns: clicking from inside it would run it again while it
            // runs (and a click that ends the form would remove it mid-call), which the browser
            // reports as an error on every press.
            leptos::task::spawn_local(async move { h.click() });
        }
    });
    let capture = AddEventListenerOptions::new();
    capture.set_capture(true);
    let timer = crate::timer::set_interval(step.as_ref().unchecked_ref(), pace_ms);
    for kind in ["keydown", "click"] {
        let _ = window.add_event_listener_with_callback_and_add_event_listener_options(kind, choose.as_ref().unchecked_ref(), &capture);
    }
    let held = SendWrapper::new((window, step, choose, timer));
    on_cleanup(move || {
        let (window, _step, choose, timer) = held.take();
        crate::timer::clear_interval(&timer);
        for kind in ["keydown", "click"] {
            let _ = window.remove_event_listener_with_callback_and_bool(kind, choose.as_ref().unchecked_ref(), true);
        }
    });
}
