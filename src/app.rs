//! The app's routes.

use crate::pages::{ChildPage, CoordinatorPage, HomePage, OutboxPage};
use crate::text;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <main id="main">
                <Routes fallback=|| view! { <h1>{text::NOT_FOUND}</h1> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/child") view=ChildPage />
                    <Route path=path!("/outbox") view=OutboxPage />
                    <Route path=path!("/coordinator") view=CoordinatorPage />
                </Routes>
            </main>
        </Router>
    }
}
