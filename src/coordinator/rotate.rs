//! Starting a new partnership key. Made here, in this browser, like the first: the coordinator
//! opens the key in use from its backup file and saves the new key's backup file before it is
//! used. The server receives the new key's fingerprint and the new key sealed under a key
//! derived from the one in use (tablets open it on their next contact); and, for the case
//! references the coordinator gives, pairs of pseudonyms under the two keys, so each case stays
//! one case. The references never leave this browser.

use super::{key, problem_text};
use crate::crypto::HmacKey;
use crate::i18n::use_i18n;
use crate::sync;
use heard_domain::access::{KeyLink, KeyLinks, Me, NewKey, MAX_KEY_LINKS};
use heard_domain::case::Pseudonym;
use heard_domain::enrolment::KeyBackup;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A new key, made and sealed, waiting for its backup to be saved.
#[derive(Clone)]
struct Made {
    old: [u8; 32],
    new: [u8; 32],
    fingerprint: String,
    sealed: String,
    references: Vec<String>,
}

/// What the last new key came to, said again by the panel drawn for it (the whole signed-in
/// page is drawn again with the new key's fingerprint).
#[derive(Clone, Copy)]
pub struct KeyNotice(pub RwSignal<Option<String>>);

#[component]
pub fn NewKeyPanel(who: Me, held: RwSignal<bool>, on_new_key: Callback<Me>) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(None::<String>);
    let notice = use_context::<KeyNotice>();
    if let Some(said) = notice.and_then(|n| n.0.try_update(Option::take).flatten()) {
        // Put in once the page is drawn, so a screen reader hears it.
        request_animation_frame(move || status.set(Some(said)));
    }
    let made = RwSignal::new(None::<Made>);
    let saved = RwSignal::new(false);
    let confirmed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let old_file = NodeRef::<leptos::html::Input>::new();
    let references_file = NodeRef::<leptos::html::Input>::new();
    let who = StoredValue::new(who);
    let chosen = |input: NodeRef<leptos::html::Input>| input.get_untracked().filter(|i| i.files().is_some_and(|f| f.length() > 0));
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(old_input) = chosen(old_file) else {
            status.set(Some(i18n.t("setup.rotate.need_file")));
            return;
        };
        let references_input = chosen(references_file);
        spawn_local(async move {
            let Some(text) = crate::device::read_chosen_file(&old_input).await else {
                status.set(Some(i18n.t("setup.key.unreadable")));
                return;
            };
            let old = match key::read_backup(&text, &who.get_value().partnership, &who.get_value().key_fingerprint).await {
                Ok(k) => k,
                Err(e) => {
                    status.set(Some(e.words(&i18n)));
                    return;
                }
            };
            let references = match references_input {
                Some(input) => match crate::device::read_chosen_file(&input).await {
                    Some(text) => heard_domain::import::case_references(&text),
                    None => {
                        status.set(Some(i18n.t("import.unreadable")));
                        return;
                    }
                },
                None => Vec::new(),
            };
            let new = crate::crypto::random_bytes(32).ok().and_then(|b| <[u8; 32]>::try_from(b).ok());
            let sealed = match new {
                Some(new) => crate::crypto::seal_rotation(&old, &new).await.ok(),
                None => None,
            };
            let (Some(new), Some(sealed)) = (new, sealed) else {
                status.set(Some(i18n.t("setup.key.unavailable")));
                return;
            };
            let Some(fingerprint) = crate::device::sha256_hex(&new).await else {
                status.set(Some(i18n.t("setup.key.unavailable")));
                return;
            };
            status.set(Some(i18n.fill("setup.rotate.made", &[("count", &references.len().to_string())])));
            saved.set(false);
            confirmed.set(false);
            made.set(Some(Made { old, new, fingerprint, sealed: heard_domain::b64::base64url_encode(&sealed), references }));
        });
    };
    let save = move |_| {
        if let Some(m) = made.get_untracked() {
            let file = KeyBackup::new(&who.get_value().partnership, &m.new, &m.fingerprint).to_json();
            if crate::device::download("heard-partnership-key.json", &file, "application/json").is_some() {
                saved.set(true);
            }
        }
    };
    let start = move |_| {
        let Some(m) = made.get_untracked() else { return };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let me = who.get_value();
        spawn_local(async move {
            let request = NewKey { from_fingerprint: me.key_fingerprint.clone(), fingerprint: m.fingerprint.clone(), sealed_key: m.sealed.clone() };
            let now_me = match sync::rotate_key(&me.csrf_token, &request).await {
                Ok(now_me) => now_me,
                Err(e) => {
                    status.set(Some(problem_text(&i18n, e)));
                    busy.set(false);
                    return;
                }
            };
            made.set(None);
            // This browser now holds the new key (as a key no page can read back), not the old.
            key::forget_all().await;
            held.set(key::keep(&m.fingerprint, &m.new).await);
            let message = match link(&me.csrf_token, &m).await {
                Ok(linked) => i18n.fill("setup.rotate.done", &[("linked", &linked.to_string())]),
                Err(LinkError::Server(e)) => i18n.fill("setup.rotate.links_failed", &[("detail", &problem_text(&i18n, e))]),
                Err(LinkError::Key) => i18n.fill("setup.rotate.links_failed", &[("detail", &i18n.t("setup.key.unavailable"))]),
            };
            busy.set(false);
            match notice {
                Some(n) => n.0.set(Some(message)),
                None => status.set(Some(message)),
            }
            on_new_key.run(now_me);
        });
    };
    view! {
        <section aria-labelledby="h-rotate" class="setup-part">
            <h2 id="h-rotate">{move || i18n.t("setup.rotate.title")}</h2>
            <p>{move || i18n.t("setup.rotate.intro")}</p>
            {move || match made.get() {
                None => view! {
                    <form on:submit=make class="inline-form">
                        <div>
                            <label for="rotate-old-file">{i18n.t("setup.rotate.old_file")}</label>
                            <input id="rotate-old-file" type="file" accept=".json,application/json" node_ref=old_file />
                        </div>
                        <div>
                            <label for="rotate-references">{i18n.t("setup.rotate.references")}</label>
                            <input id="rotate-references" type="file" accept=".csv,.txt,text/csv,text/plain" node_ref=references_file />
                        </div>
                        <button type="submit">{i18n.t("setup.rotate.make")}</button>
                    </form>
                }.into_any(),
                Some(_) => view! {
                    <button type="button" class="primary" on:click=save>{i18n.t("setup.rotate.save")}</button>
                    <p>
                        <input id="rotate-saved" type="checkbox" disabled=move || !saved.get() prop:checked=move || confirmed.get()
                            on:change=move |ev| confirmed.set(event_target_checked(&ev)) />
                        <label for="rotate-saved">{i18n.t("setup.rotate.confirm")}</label>
                    </p>
                    <button type="button" class="primary" disabled=move || !(saved.get() && confirmed.get()) || busy.get() on:click=start>
                        {i18n.t("setup.rotate.start")}
                    </button>
                }.into_any(),
            }}
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

enum LinkError {
    /// This browser could not use the keys (WebCrypto).
    Key,
    Server(sync::SendError),
}

/// Sends the pairs of pseudonyms (under the old key and the new) of the references given, a
/// request at a time; how many cases the server linked.
async fn link(csrf: &str, m: &Made) -> Result<u64, LinkError> {
    let (Ok(old), Ok(new)) = (HmacKey::import(&m.old).await, HmacKey::import(&m.new).await) else { return Err(LinkError::Key) };
    let mut linked = 0;
    for chunk in m.references.chunks(MAX_KEY_LINKS) {
        let mut links = Vec::with_capacity(chunk.len());
        for reference in chunk {
            let (a, b) = (old.sign(reference.as_bytes()).await, new.sign(reference.as_bytes()).await);
            let (Ok(a), Ok(b)) = (a, b) else { return Err(LinkError::Key) };
            links.push(KeyLink { old: Pseudonym::from_digest(&a), new: Pseudonym::from_digest(&b) });
        }
        linked += sync::link_pseudonyms(csrf, &KeyLinks { links }).await.map_err(LinkError::Server)?.linked;
    }
    Ok(linked)
}
