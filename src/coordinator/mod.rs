//! The coordinator's first view: log in, then see how many responses the server holds for
//! the partnership.

use crate::i18n::use_i18n;
use crate::sync::{self, SendError};
use heard_domain::access::Me;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn CoordinatorPage() -> impl IntoView {
    let i18n = use_i18n();
    // None while finding out; Some(None) when nobody is logged in.
    let me = RwSignal::new(None::<Option<Me>>);
    spawn_local(async move { me.set(Some(sync::me().await.ok())) });
    view! {
        <h1>{move || i18n.t("coord.title")}</h1>
        {move || match me.get() {
            None => view! { <p>{i18n.t("coord.loading")}</p> }.into_any(),
            Some(None) => view! { <Login me /> }.into_any(),
            Some(Some(who)) => view! { <Overview who me /> }.into_any(),
        }}
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
                Err(SendError::Unreachable) => problem.set(Some(i18n.t("coord.unreachable"))),
                Err(SendError::Refused { detail } | SendError::NotAllowed { detail }) => {
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
fn Overview(who: Me, me: RwSignal<Option<Option<Me>>>) -> impl IntoView {
    let i18n = use_i18n();
    // None while loading; Some(Err) when the server could not be reached.
    let (held, set_held) = signal(None::<Result<heard_domain::wire::Stats, ()>>);
    let refresh = move || {
        set_held.set(None);
        spawn_local(async move {
            set_held.set(Some(sync::fetch_stats().await.map_err(|_| ())));
        });
    };
    refresh();
    let csrf = who.csrf_token.clone();
    let logout = move |_| {
        let csrf = csrf.clone();
        spawn_local(async move {
            let _ = sync::logout(&csrf).await;
            me.set(Some(None));
        });
    };
    view! {
        <p>{i18n.fill("coord.signed_in", &[("email", &who.email), ("partnership", &who.partnership)])}</p>
        <dl class="stats">
            <dt>{i18n.t("coord.held")}</dt>
            <dd data-testid="responses-held">
                {move || match held.get() {
                    None => i18n.t("coord.loading"),
                    Some(Ok(s)) => s.responses.to_string(),
                    Some(Err(())) => "—".to_string(),
                }}
            </dd>
            <dt>{i18n.t("coord.outcomes")}</dt>
            <dd data-testid="outcomes-held">
                {move || match held.get() {
                    None => i18n.t("coord.loading"),
                    Some(Ok(s)) => s.outcomes.to_string(),
                    Some(Err(())) => "—".to_string(),
                }}
            </dd>
        </dl>
        <p role="status">{move || matches!(held.get(), Some(Err(()))).then(|| i18n.t("coord.unreachable"))}</p>
        <button type="button" on:click=move |_| refresh()>{i18n.t("coord.refresh")}</button>
        <button type="button" on:click=logout>{i18n.t("coord.logout")}</button>
    }
}
