//! The app's routes, and the context every page shares (wording, read-aloud).

use crate::i18n::{use_i18n, I18n};
use crate::pages::{ChildPage, CoordinatorPage, HomePage, OutboxPage, RunPage};
use crate::speech::Speech;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_context(I18n::new());
    provide_context(Speech::new());
    let i18n = use_i18n();
    view! {
        <Router>
            <main id="main">
                <Routes fallback=move || view! { <h1>{i18n.t("app.not_found")}</h1> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/child") view=ChildPage />
                    <Route path=path!("/child/:form") view=RunPage />
                    <Route path=path!("/outbox") view=OutboxPage />
                    <Route path=path!("/coordinator") view=CoordinatorPage />
                </Routes>
            </main>
        </Router>
    }
}
