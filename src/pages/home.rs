use crate::i18n::use_i18n;
use leptos::prelude::*;
use crate::route::Link;

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
