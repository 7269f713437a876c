//! The practitioner's session with one child: what may be said about the case (pseudonym,
//! age band, flags, stage) and the first name for the greeting. Held in memory, and sealed on
//! the tablet (`Store::save_session`) so a reload does not end it: the raw case reference is
//! turned into the pseudonym at once and never kept, the name is never sent, and both are
//! deleted when the session ends (`set_session(None)`).

use crate::crypto;
use heard_domain::b64::base64url_decode;
use heard_domain::case::{normalise_case_ref, Pseudonym};
use leptos::prelude::*;

pub use crate::store::Session;

/// The session in progress, shared by the pages.
#[derive(Clone, Copy)]
pub struct CurrentSession(pub RwSignal<Option<Session>>);

pub fn use_session() -> CurrentSession {
    use_context::<CurrentSession>().unwrap_or_else(|| {
        let s = CurrentSession(RwSignal::new(None));
        provide_context(s);
        s
    })
}

/// The session in progress, if it is this case's: its names go with a resumed form.
pub fn session_for(session: CurrentSession, case: &Pseudonym) -> Option<Session> {
    session.0.get_untracked().filter(|s| &s.context.case == case)
}

/// The language the practitioner chose for the session's child, kept while the app runs so
/// the child's next form opens in it too (keyed by the case: another child starts afresh).
#[derive(Clone, Copy)]
pub struct ChildLanguage(pub RwSignal<Option<(Pseudonym, heard_domain::Lang)>>);

pub fn use_child_language() -> ChildLanguage {
    use_context::<ChildLanguage>().unwrap_or_else(|| {
        let l = ChildLanguage(RwSignal::new(None));
        provide_context(l);
        l
    })
}

/// The case's pseudonym: HMAC-SHA256(partnership key, normalised reference), as hex.
/// `None` when the reference is empty or too long, or the key is unusable.
pub async fn pseudonymise(partnership_key_b64: &str, raw_reference: &str) -> Option<Pseudonym> {
    let reference = normalise_case_ref(raw_reference).ok()?;
    let key = base64url_decode(partnership_key_b64)?;
    let mac = crypto::hmac_sha256(&key, reference.as_bytes()).await.ok()?;
    Some(Pseudonym::from_digest(&mac))
}

/// Starts, changes or (with `None`) ends the session: in memory at once, and on the tablet,
/// sealed, so it survives a reload until it ends.
pub fn set_session(store_name: crate::store::StoreName, current: CurrentSession, session: Option<Session>) {
    current.0.set(session.clone());
    leptos::task::spawn_local(async move {
        if let Ok(store) = crate::store::Store::open(&store_name).await {
            let _ = match &session {
                Some(s) => store.save_session(s).await,
                None => store.end_session().await,
            };
        }
    });
}

/// After the PIN: the session that was in progress when the page was closed, if the page has
/// none of its own.
pub async fn restore_session(store: &crate::store::Store, current: CurrentSession) {
    if current.0.get_untracked().is_none() {
        if let Ok(Some(s)) = store.session().await {
            current.0.set(Some(s));
        }
    }
}
