//! Creating a partnership. The partnership key is made here, in this browser (WebCrypto
//! random), and the coordinator must save its backup file before the partnership exists;
//! the server receives only the key's fingerprint, with the setup code and the first
//! coordinator's login. This browser then keeps the key only as a non-extractable key
//! (`key.rs`).

use super::{key, problem_text};
use crate::i18n::use_i18n;
use crate::sync;
use heard_domain::access::{Me, NewPartnership};
use heard_domain::enrolment::KeyBackup;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn CreatePartnership(me: RwSignal<Option<Option<Me>>>, back: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // The key and its fingerprint once made; then whether its backup was saved and confirmed.
    let made = RwSignal::new(None::<([u8; 32], String)>);
    let saved = RwSignal::new(false);
    let confirmed = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let make_key = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(k) = crate::crypto::random_bytes(32).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
            problem.set(Some(i18n.t("setup.key.unavailable")));
            return;
        };
        spawn_local(async move {
            match crate::device::sha256_hex(&k).await {
                Some(fingerprint) => made.set(Some((k, fingerprint))),
                None => problem.set(Some(i18n.t("setup.key.unavailable"))),
            }
        });
    };
    let save = move |_| {
        if let Some((k, fingerprint)) = made.get_untracked() {
            let file = KeyBackup::new(name.get_untracked().trim(), &k, &fingerprint).to_json();
            if crate::device::download("heard-partnership-key.json", &file, "application/json").is_some() {
                saved.set(true);
            }
        }
    };
    let create = move |_| {
        let Some((k, fingerprint)) = made.get_untracked() else { return };
        let request = NewPartnership {
            setup_code: code.get_untracked(),
            name: name.get_untracked(),
            key_fingerprint: fingerprint.clone(),
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match sync::create_partnership(&request).await {
                Ok(who) => {
                    if !key::keep(&fingerprint, &k).await {
                        problem.set(Some(i18n.t("setup.key.unavailable")));
                    }
                    // Logged in; after logging out, the login comes first again.
                    back.run(());
                    me.set(Some(Some(who)));
                }
                Err(e) => problem.set(Some(problem_text(&i18n, e))),
            }
        });
    };
    view! {
        <section aria-labelledby="h-create">
            <h2 id="h-create">{move || i18n.t("create.title")}</h2>
            {move || match made.get() {
                None => view! {
                    <p>{i18n.t("create.intro")}</p>
                    <form class="login" on:submit=make_key>
                        <label for="setup-code">{i18n.t("create.code")}</label>
                        <input id="setup-code" type="text" autocomplete="off" required prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                        <label for="partnership-name">{i18n.t("create.name")}</label>
                        <input id="partnership-name" type="text" required maxlength="120" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                        <label for="new-email">{i18n.t("coord.email")}</label>
                        <input id="new-email" type="email" autocomplete="username" required prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                        <label for="new-password">{i18n.t("setup.analyst.password")}</label>
                        <input id="new-password" type="password" autocomplete="new-password" required minlength="12" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                        <button type="submit" class="primary">{i18n.t("create.make_key")}</button>
                    </form>
                }.into_any(),
                Some(_) => view! {
                    <p class="notice">{i18n.t("create.key_made")}</p>
                    <button type="button" class="primary" on:click=save>{i18n.t("create.save")}</button>
                    <p>
                        <input id="saved-check" type="checkbox" disabled=move || !saved.get() prop:checked=move || confirmed.get()
                            on:change=move |ev| confirmed.set(event_target_checked(&ev)) />
                        <label for="saved-check">{i18n.t("create.confirm_saved")}</label>
                    </p>
                    <button type="button" class="primary" disabled=move || !(saved.get() && confirmed.get()) on:click=create>{i18n.t("create.create")}</button>
                }.into_any(),
            }}
            <p role="alert" class="problem">{move || problem.get()}</p>
            <button type="button" class="link-like" on:click=move |_| back.run(())>{move || i18n.t("create.back")}</button>
        </section>
    }
}
