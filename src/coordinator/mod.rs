//! The coordinator's app, at `/coordinator`: a separate, small bundle (`src/bin/coordinator.rs`)
//! so none of it is downloaded by a tablet. Log in, then the dashboard, the partnership's
//! setup (agencies, enrolment codes, devices, analysts) and the outcome import.
//!
//! It reads only aggregates from the server, protected there. The partnership key (`key.rs`)
//! leaves this browser only in the backup file the coordinator saves and sealed inside each
//! enrolment code's release; it is kept here only as a non-extractable key, until logout or the
//! session's end.

pub mod charts;
mod create;
mod dashboard;
mod import;
mod key;
mod rotate;
mod setup;

use crate::i18n::{use_i18n, I18n};
use crate::sync::{self, SendError};
use heard_domain::access::{Me, Role};
use heard_domain::wire::ErrorCode;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The parts of the coordinator's app, each at its own address (so Back, Forward, a
/// bookmark and a reload lead where they should).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Dashboard,
    Setup,
    Import,
}

impl Tab {
    fn path(self) -> &'static str {
        match self {
            Tab::Dashboard => "/coordinator",
            Tab::Setup => "/coordinator/setup",
            Tab::Import => "/coordinator/import",
        }
    }

    /// The part an address names; the dashboard for any other.
    fn from_path(path: &str) -> Tab {
        match path.trim_end_matches('/') {
            "/coordinator/setup" => Tab::Setup,
            "/coordinator/import" => Tab::Import,
            _ => Tab::Dashboard,
        }
    }

    /// The part the address bar names, of those `role` may open (the import is coordinators');
    /// the address becomes that part's when it named another (or none).
    fn in_address_bar(role: Role) -> Tab {
        let Some(window) = web_sys::window() else { return Tab::Dashboard };
        let path = window.location().pathname().unwrap_or_default();
        let tab = match Tab::from_path(&path) {
            Tab::Import if role != Role::Coordinator => Tab::Dashboard,
            t => t,
        };
        if path != tab.path() {
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(tab.path()));
            }
        }
        tab
    }
}

#[component]
pub fn CoordinatorApp() -> impl IntoView {
    provide_context(I18n::for_coordinator());
    provide_context(rotate::KeyNotice(RwSignal::new(None)));
    let i18n = use_i18n();
    // None while finding out; Some(None) when nobody is logged in.
    let me = RwSignal::new(None::<Option<Me>>);
    spawn_local(async move {
        let who = sync::me().await.ok();
        if who.is_none() {
            // The session ended while this browser was closed: its key goes with it.
            key::forget_all().await;
        }
        me.set(Some(who));
    });
    // Logging in or out replaces the form or button that had the focus: it goes to the title.
    Effect::new(move |before: Option<bool>| {
        let signed_in = matches!(me.get(), Some(Some(_)));
        if before.is_some_and(|b| b != signed_in) {
            crate::components::focus_heading_if_lost();
        }
        signed_in
    });
    // A session that runs out while the page is open (the server answers 401 to whatever is
    // asked next) goes back to the login, saying why, rather than "refused" on every table.
    let ended = RwSignal::new(false);
    sync::on_logged_out(move || {
        spawn_local(key::forget_all());
        if me.try_get_untracked().flatten().flatten().is_some() {
            ended.set(true);
            me.set(Some(None));
        }
    });
    // Setting up a new partnership instead of logging in.
    let creating = RwSignal::new(false);
    view! {
        <main id="main" class="coordinator">
            <h1>{move || i18n.t("coord.title")}</h1>
            <p class="own-lang">
                <label for="coord-lang">{move || i18n.t("lang.own")}</label>
                <crate::pages::LanguageSelect id="coord-lang" chosen=Signal::derive(move || i18n.own()) on_choose=Callback::new(move |l| i18n.set_own(l)) />
            </p>
            // Drawn again in a newly chosen language (the dashboard is read again with it).
            {move || {
                i18n.lang.track();
                match me.get() {
                None => view! { <p>{i18n.t("coord.loading")}</p> }.into_any(),
                Some(None) if creating.get() => view! { <create::CreatePartnership me back=Callback::new(move |()| creating.set(false)) /> }.into_any(),
                Some(None) => view! {
                    <p role="status" class="notice">{move || ended.get().then(|| i18n.t("coord.session_ended"))}</p>
                    <Login me />
                    <p><button type="button" class="link-like" on:click=move |_| creating.set(true)>{i18n.t("create.start")}</button></p>
                }.into_any(),
                Some(Some(who)) => view! { <Signed who me /> }.into_any(),
                }
            }}
        </main>
    }
}

/// Words for a failed request, for the coordinator.
pub(crate) fn problem_text(i18n: &I18n, e: SendError) -> String {
    match e {
        e if e.code() == Some(ErrorCode::StorageUnavailable) => i18n.t("coord.server_storage"),
        SendError::Refused { detail, .. } | SendError::NotAllowed { detail, .. } => i18n.fill("coord.refused", &[("detail", &detail)]),
        _ => i18n.t("coord.unreachable"),
    }
}

#[component]
fn Login(me: RwSignal<Option<Option<Me>>>) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match sync::login(&email.get_untracked(), &password.get_untracked()).await {
                Ok(who) => me.set(Some(Some(who))),
                Err(e) if e.code() == Some(ErrorCode::Unauthorized) => problem.set(Some(i18n.t("coord.login.wrong"))),
                Err(e) if e.code() == Some(ErrorCode::TooManyAttempts) => problem.set(Some(i18n.t("coord.login.wait"))),
                Err(e) if e.code() == Some(ErrorCode::StorageUnavailable) => problem.set(Some(i18n.t("coord.server_storage"))),
                Err(SendError::Refused { detail, .. } | SendError::NotAllowed { detail, .. }) => {
                    problem.set(Some(i18n.fill("coord.login_failed", &[("detail", &detail)])))
                }
                Err(_) => problem.set(Some(i18n.t("coord.unreachable"))),
            }
        });
    };
    view! {
        <form class="login" on:submit=submit>
            <h2>{i18n.t("coord.login_title")}</h2>
            <label for="email">{i18n.t("coord.email")}</label>
            <input id="email" type="email" autocomplete="username" required on:input=move |ev| email.set(event_target_value(&ev)) />
            <label for="password">{i18n.t("coord.password")}</label>
            <input id="password" type="password" autocomplete="current-password" required on:input=move |ev| password.set(event_target_value(&ev)) />
            <button type="submit" class="primary">{i18n.t("coord.login")}</button>
        </form>
        <p role="status" class="problem">{move || problem.get()}</p>
    }
}

#[component]
fn Signed(who: Me, me: RwSignal<Option<Option<Me>>>) -> impl IntoView {
    let i18n = use_i18n();
    let tab = RwSignal::new(Tab::in_address_bar(who.role));
    let role_for_history = who.role;
    let back_or_forward = window_event_listener(leptos::ev::popstate, move |_| tab.set(Tab::in_address_bar(role_for_history)));
    on_cleanup(move || back_or_forward.remove());
    // The partnership key, when this browser holds it (see `key.rs`); an analyst, who reads
    // the dashboard only, is never handed it.
    let coordinator = who.role == Role::Coordinator;
    let held = RwSignal::new(false);
    if coordinator {
        let fingerprint = who.key_fingerprint.clone();
        spawn_local(async move { held.set(key::held(&fingerprint).await.is_some()) });
    }
    let who_setup = StoredValue::new(who.clone());
    let csrf = who.csrf_token.clone();
    let logout = move |_| {
        let csrf = csrf.clone();
        spawn_local(async move {
            // Whoever uses this browser next does not find the key in it; the backup file
            // brings it back.
            key::forget_all().await;
            let _ = sync::logout(&csrf).await;
            me.set(Some(None));
        });
    };
    let role = if who.role == Role::Coordinator { i18n.t("coord.role.coordinator") } else { i18n.t("coord.role.analyst") };
    // Links to the parts' addresses: a plain click changes part in place (a new history
    // entry); with a modifier key it opens a new tab, as links do.
    let tab_link = move |t: Tab, key: &'static str| {
        let click = move |ev: web_sys::MouseEvent| {
            if !crate::route::plain_click(&ev) {
                return;
            }
            ev.prevent_default();
            if tab.get_untracked() != t {
                if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                    let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(t.path()));
                }
            }
            // The part on show is read again (a tablet just enrolled appears in the list).
            tab.set(t);
        };
        view! {
            <a href=t.path() class="tab" aria-current=move || (tab.get() == t).then_some("page") on:click=click>
                {move || i18n.t(key)}
            </a>
        }
    };
    view! {
        <p class="signed-in">
            {i18n.fill("coord.signed_in", &[("email", &who.email), ("partnership", &who.partnership), ("role", &role)])}
            " "
            <button type="button" on:click=logout>{i18n.t("coord.logout")}</button>
        </p>
        <nav class="tabs" aria-label=move || i18n.t("coord.sections")>
            {tab_link(Tab::Dashboard, "coord.tab.dashboard")}
            {tab_link(Tab::Setup, "coord.tab.setup")}
            {(who.role == Role::Coordinator).then(|| tab_link(Tab::Import, "coord.tab.import"))}
        </nav>
        {move || match tab.get() {
            Tab::Dashboard => {
                let who = who_setup.get_value();
                let csrf = (who.role == Role::Coordinator).then_some(who.csrf_token);
                view! { <dashboard::DashboardView csrf /> }.into_any()
            }
            Tab::Setup => {
                // A new key: who is logged in now names it (the page is drawn again with it).
                let on_new_key = Callback::new(move |now: Me| me.set(Some(Some(now))));
                view! { <setup::SetupView who=who_setup.get_value() held on_new_key /> }.into_any()
            }
            Tab::Import => {
                let who = who_setup.get_value();
                view! { <import::ImportView csrf=who.csrf_token fingerprint=who.key_fingerprint held /> }.into_any()
            }
        }}
    }
}
