use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{move || i18n.t("app.name")}</h1>
        <p>{move || i18n.t("app.intro")}</p>
        <nav aria-label=move || i18n.t("nav.label")>
            <ul class="nav-list">
                <li><A href="/child">{move || i18n.t("nav.child")}</A></li>
                <li><A href="/outbox">{move || i18n.t("nav.outbox")}</A></li>
                <li><A href="/coordinator">{move || i18n.t("nav.coordinator")}</A></li>
            </ul>
        </nav>
    }
}
