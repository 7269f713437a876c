//! Sending by itself: when the tablet comes online, every 15 seconds when due, with backoff
//! after failures, and once at the first idle moment after start.

use super::*;

/// The window event sent when sending by itself changed what waits in the outbox.
pub const OUTBOX_CHANGED: &str = "heard-outbox-changed";

thread_local! {
    static AUTO: std::cell::RefCell<Option<AutoSend>> = const { std::cell::RefCell::new(None) };
}

/// State of automatic sending: how many attempts failed in a row, and when to try next.
struct AutoSend {
    failures: u32,
    next_ms: f64,
    busy: bool,
}

/// Starts sending automatically while the page is open: now, whenever the browser comes back
/// online, and on a timer, backing off with jitter after failures. Idempotent per page.
pub fn start_auto_send(store_name: crate::store::StoreName) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    if AUTO.with_borrow(Option::is_some) {
        return;
    }
    AUTO.with_borrow_mut(|a| *a = Some(AutoSend { failures: 0, next_ms: 0.0, busy: false }));
    let Some(window) = web_sys::window() else { return };
    let attempt = move |forced: bool| {
        let due = AUTO.with_borrow_mut(|a| match a {
            Some(a) if !a.busy && (forced || js_sys::Date::now() >= a.next_ms) => {
                a.busy = true;
                true
            }
            _ => false,
        });
        if !due {
            return;
        }
        leptos::task::spawn_local(async move {
            let ok = match Store::open(&store_name).await {
                // A locked tablet cannot read what it holds; it tries again once unlocked.
                Ok(store) if store.is_unlocked() => {
                    let (report, sent) = send_not_refused(&store).await;
                    // The outbox, if open, shows what waits now: something left it (even if the
                    // send then broke off), or the server refused something.
                    if report.changed_outbox() {
                        if let (Some(w), Ok(changed)) = (web_sys::window(), web_sys::Event::new(OUTBOX_CHANGED)) {
                            let _ = w.dispatch_event(&changed);
                        }
                    }
                    !matches!(sent, Err(SendError::Unreachable))
                }
                _ => true,
            };
            AUTO.with_borrow_mut(|a| {
                if let Some(a) = a {
                    a.busy = false;
                    a.failures = if ok { 0 } else { a.failures + 1 };
                    let wait = heard_domain::outbox::retry_after_secs(a.failures, js_sys::Math::random());
                    a.next_ms = js_sys::Date::now() + f64::from(wait) * 1000.0;
                }
            });
        });
    };
    // Both live as long as the page.
    gloo_events::EventListener::new(&window, "online", move |_| attempt(true)).forget();
    gloo_timers::callback::Interval::new(15_000, move || attempt(false)).forget();
    // The first attempt waits for the browser's first idle moment (at most 3 s; 1 s where there
    // is no requestIdleCallback, as in Safari), so opening hundreds of waiting answers to send
    // them does not compete with drawing the screen the practitioner just unlocked. Idle moments
    // can come while that screen still waits on storage: this lessens the delay, it does not
    // order the two.
    let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeout".into(), &3000.into());
    let scheduled = idle.is_some_and(|request| request.call2(&window, &Closure::once_into_js(move || attempt(true)), &options).is_ok());
    if !scheduled {
        gloo_timers::callback::Timeout::new(1000, move || attempt(true)).forget();
    }
}
