//! The coordinator's first view: how many responses the server holds.

use crate::sync::fetch_stats;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn CoordinatorPage() -> impl IntoView {
    let i18n = use_i18n();
    // None while loading; Some(Err) when the server could not be reached.
    let (held, set_held) = signal(None::<Result<u64, ()>>);
    let refresh = move || {
        set_held.set(None);
        spawn_local(async move {
            set_held.set(Some(fetch_stats().await.map(|s| s.responses).map_err(|_| ())));
        });
    };
    refresh();
    view! {
        <h1>{move || i18n.t("coord.title")}</h1>
        <dl class="stats">
            <dt>{move || i18n.t("coord.held")}</dt>
            <dd data-testid="responses-held">
                {move || match held.get() {
                    None => i18n.t("coord.loading"),
                    Some(Ok(n)) => n.to_string(),
                    Some(Err(())) => "—".to_string(),
                }}
            </dd>
        </dl>
        <p role="status">{move || matches!(held.get(), Some(Err(()))).then(|| i18n.t("coord.unreachable"))}</p>
        <button type="button" on:click=move |_| refresh()>{move || i18n.t("coord.refresh")}</button>
    }
}
