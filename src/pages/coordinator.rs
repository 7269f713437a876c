//! The coordinator's first view: how many responses the server holds.

use crate::sync::fetch_stats;
use crate::text;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn CoordinatorPage() -> impl IntoView {
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
        <h1>{text::COORD_TITLE}</h1>
        <dl class="stats">
            <dt>{text::COORD_HELD}</dt>
            <dd data-testid="responses-held">
                {move || match held.get() {
                    None => text::COORD_LOADING.to_string(),
                    Some(Ok(n)) => n.to_string(),
                    Some(Err(())) => "—".to_string(),
                }}
            </dd>
        </dl>
        <p role="status">{move || matches!(held.get(), Some(Err(()))).then_some(text::COORD_UNREACHABLE)}</p>
        <button type="button" on:click=move |_| refresh()>{text::COORD_REFRESH}</button>
    }
}
