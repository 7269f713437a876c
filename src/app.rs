//! The app's screens, chosen by the current route, and the context every page shares
//! (navigation, wording, read-aloud).

use crate::i18n::{use_i18n, I18n};
use crate::pages::{ChildPage, CoordinatorPage, EnrolPage, HomePage, OutboxPage, RunPage};
use crate::route::{Nav, Route};
use crate::speech::Speech;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    provide_context(I18n::new());
    provide_context(Speech::new());
    let nav = Nav::new();
    provide_context(nav);
    let i18n = use_i18n();
    let screen = move || match nav.route.get() {
        Route::Home => view! { <HomePage /> }.into_any(),
        Route::Child => view! { <ChildPage /> }.into_any(),
        Route::Run { form, lang, scan } => view! { <RunPage form lang scan /> }.into_any(),
        Route::Outbox => view! { <OutboxPage /> }.into_any(),
        Route::Enrol => view! { <EnrolPage /> }.into_any(),
        Route::Coordinator => view! { <CoordinatorPage /> }.into_any(),
        Route::NotFound => view! { <h1>{i18n.t("app.not_found")}</h1> }.into_any(),
    };
    view! { <main id="main">{screen}</main> }
}
