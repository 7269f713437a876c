//! The app's own small router: which screen the address names, links that change screen
//! without reloading, and the browser's back and forward buttons.
//!
//! Why not leptos_router: measured on the release bundle, it costs ~26 KB compressed of a
//! 150 KB first-visit budget, and Heard has five fixed routes. Owning navigation also lets
//! child mode decide later what "back" may do.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A screen of the app, parsed from the path and query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    /// Choosing a form before handing over.
    Child,
    /// A child answering `form` in `lang`, with switch scanning at `scan` ms when set; carrying
    /// on with the unfinished response `resume` (its id) when set.
    Run {
        form: String,
        lang: Option<String>,
        scan: Option<u32>,
        resume: Option<String>,
    },
    Outbox,
    /// Enrolling the tablet with the coordinator's code.
    Enrol,
    /// The coordinator's pages (another app), shown here only when the server could not be
    /// reached: the service worker then opens this app, which says they need a connection.
    Coordinator,
    NotFound,
}

impl Route {
    /// Reads a route from a path (`/child/teen-check`) and a query (`?lang=ar&scan=2500`).
    pub fn parse(path: &str, query: &str) -> Route {
        let param =
            |name: &str| query.trim_start_matches('?').split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Route::Home,
            ["child"] => Route::Child,
            ["child", form] => {
                Route::Run { form: form.to_string(), lang: param("lang"), scan: param("scan").and_then(|s| s.parse().ok()), resume: param("resume") }
            }
            ["outbox"] => Route::Outbox,
            ["enrol"] => Route::Enrol,
            ["coordinator", ..] => Route::Coordinator,
            _ => Route::NotFound,
        }
    }
}

impl Route {
    /// The address of a form run, as `parse` reads it back.
    pub fn run_href(form: &str, lang: Option<&str>, scan: Option<u32>, resume: Option<&str>) -> String {
        let mut href = format!("/child/{form}");
        let params = [lang.map(|l| format!("lang={l}")), scan.map(|ms| format!("scan={ms}")), resume.map(|id| format!("resume={id}"))];
        for (i, p) in params.into_iter().flatten().enumerate() {
            href.push(if i == 0 { '?' } else { '&' });
            href.push_str(&p);
        }
        href
    }
}

fn current() -> Route {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return Route::Home };
    Route::parse(&location.pathname().unwrap_or_default(), &location.search().unwrap_or_default())
}

/// The current route, shared through context.
#[derive(Clone, Copy)]
pub struct Nav {
    pub route: RwSignal<Route>,
}

impl Nav {
    /// Starts from the address bar and follows the browser's back and forward buttons.
    pub fn new() -> Nav {
        let route = RwSignal::new(current());
        if let Some(window) = web_sys::window() {
            let on_pop = Closure::<dyn FnMut()>::new(move || route.set(current()));
            window.set_onpopstate(Some(on_pop.as_ref().unchecked_ref()));
            on_pop.forget(); // lives as long as the page
        }
        Nav { route }
    }

    /// Goes to `href` (a path on this site) without reloading the page.
    pub fn go(&self, href: &str) {
        let Some(window) = web_sys::window() else { return };
        if window.history().and_then(|h| h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))).is_err() {
            let _ = window.location().set_href(href);
            return;
        }
        window.scroll_to_with_x_and_y(0.0, 0.0);
        self.route.set(current());
    }

    /// Changes the address in place (no new history entry) without changing screen: it is
    /// what the screen becomes when drawn again (after the PIN) or when the page reloads.
    pub fn replace_quietly(&self, href: &str) {
        let Some(window) = web_sys::window() else { return };
        if window.history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))).is_ok() {
            self.route.update_untracked(|r| *r = current());
        }
    }
}

impl Default for Nav {
    fn default() -> Self {
        Nav::new()
    }
}

pub fn use_nav() -> Nav {
    use_context::<Nav>().unwrap_or_else(|| {
        let nav = Nav::new();
        provide_context(nav);
        nav
    })
}

/// A left click with no modifier key: one that follows a link in place (with a modifier the
/// browser opens a new tab or window, and is left to it).
pub fn plain_click(ev: &web_sys::MouseEvent) -> bool {
    ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key())
}

/// A link to another screen of the app. A plain click changes screen in place; a click with
/// a modifier key (new tab, new window) is left to the browser.
#[component]
pub fn Link(
    /// Where it goes: a path on this site.
    #[prop(into)]
    href: Signal<String>,
    children: Children,
) -> impl IntoView {
    let nav = use_nav();
    // Whether it leads to the screen on show: marked so (`aria-current="page"`), and a click
    // leaves that screen as it is (a half-typed form, a send in progress).
    let current = move || {
        href.with(|h| {
            let (path, query) = h.split_once('?').unwrap_or((h, ""));
            nav.route.with(|r| *r == Route::parse(path, query))
        })
    };
    let click = move |ev: web_sys::MouseEvent| {
        if plain_click(&ev) {
            ev.prevent_default();
            if !untrack(current) {
                nav.go(&href.get_untracked());
            }
        }
    };
    view! { <a href=href on:click=click aria-current=move || current().then_some("page")>{children()}</a> }
}
