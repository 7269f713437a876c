use crate::text;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <h1>{text::HOME_TITLE}</h1>
        <p>{text::HOME_INTRO}</p>
        <nav aria-label=text::NAV_LABEL>
            <ul class="nav-list">
                <li><A href="/child">{text::NAV_CHILD}</A></li>
                <li><A href="/outbox">{text::NAV_OUTBOX}</A></li>
                <li><A href="/coordinator">{text::NAV_COORDINATOR}</A></li>
            </ul>
        </nav>
    }
}
