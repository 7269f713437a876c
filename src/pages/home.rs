use crate::i18n::use_i18n;
use crate::route::Link;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{move || i18n.t("app.name")}</h1>
        <p>{move || i18n.t("app.intro")}</p>
        <nav aria-label=move || i18n.t("nav.label")>
            <ul class="nav-list">
                <li><Link href="/child".to_string()>{move || i18n.t("nav.child")}</Link></li>
                <li><Link href="/enrol".to_string()>{move || i18n.t("nav.enrol")}</Link></li>
                <li><Link href="/outbox".to_string()>{move || i18n.t("nav.outbox")}</Link></li>
                // The coordinator's pages are a separate, smaller app: a full page load.
                <li><a href="/coordinator">{move || i18n.t("nav.coordinator")}</a></li>
            </ul>
        </nav>
    }
}

/// The way back to the start, for screens that are a dead end when the app is installed (no
/// Back button).
fn back_to_start(i18n: crate::i18n::I18n) -> impl IntoView {
    view! { <p><Link href="/".to_string()>{move || i18n.t("nav.home")}</Link></p> }
}

/// The coordinator's pages asked for with no connection to the server (the service worker
/// answers with this app): they are not kept on the tablet.
#[component]
pub fn CoordinatorOffline() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{move || i18n.t("offline.coordinator.title")}</h1>
        <p>{move || i18n.t("offline.coordinator.body")}</p>
        // A full page load: the coordinator's pages are another app.
        <p><a href="/coordinator">{move || i18n.t("offline.coordinator.retry")}</a></p>
        {back_to_start(i18n)}
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{move || i18n.t("app.not_found")}</h1>
        {back_to_start(i18n)}
    }
}
