//! The app's screens, chosen by the current route, and the context every page shares
//! (navigation, wording, read-aloud).

use crate::components::Guarded;
use crate::i18n::I18n;
use crate::pages::{ChildPage, CoordinatorOffline, EnrolPage, HomePage, NotFound, OutboxPage, RunPage};
use crate::route::{Nav, Route};
use crate::speech::Speech;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    provide_context(I18n::new());
    provide_context(Speech::new());
    provide_context(crate::session::CurrentSession(RwSignal::new(None)));
    provide_context(crate::session::ChildLanguage(RwSignal::new(None)));
    provide_context(crate::components::follow_up::AfterChild(RwSignal::new(None)));
    // The partnership's forms kept on this tablet, ready before the practitioner unlocks.
    let store_name = use_context::<crate::store::StoreName>().unwrap_or_default();
    leptos::task::spawn_local(async move {
        if let Ok(store) = crate::store::Store::open(&store_name).await {
            crate::forms::load(&store).await;
        }
    });
    let nav = Nav::new();
    provide_context(nav);
    let screen = move || match nav.route.get() {
        Route::Home => view! { <HomePage /> }.into_any(),
        // Screens that read or write children's answers need an enrolled, unlocked tablet.
        Route::Child => view! { <Guarded><ChildPage /></Guarded> }.into_any(),
        // RunPage reads the route each time it is drawn: a form in progress keeps its place
        // in the address (`Nav::replace_quietly`), so the PIN or a reload brings it back.
        Route::Run { .. } => view! { <Guarded><RunPage /></Guarded> }.into_any(),
        Route::Outbox => view! { <Guarded><OutboxPage /></Guarded> }.into_any(),
        Route::Enrol => view! { <EnrolPage /> }.into_any(),
        Route::Coordinator => view! { <CoordinatorOffline /> }.into_any(),
        Route::NotFound => view! { <NotFound /> }.into_any(),
    };
    view! { <main id="main">{screen}</main> }
}
