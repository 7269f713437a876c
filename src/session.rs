//! The practitioner's session with one child: what may be said about the case (pseudonym,
//! age band, flags, stage) and the first name for the greeting. Held in memory only: the
//! raw case reference is turned into the pseudonym at once and never kept, and the name
//! goes when the session ends (or the page reloads).

use crate::crypto;
use heard_domain::b64::base64url_decode;
use heard_domain::case::{normalise_case_ref, CaseContext, Pseudonym};
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub context: CaseContext,
    /// Only for "Hello, Sam!" and for scrubbing the name from the child's words. Never sent.
    pub first_name: Option<String>,
}

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

/// The case's pseudonym: HMAC-SHA256(partnership key, normalised reference), as hex.
/// `None` when the reference is empty or too long, or the key is unusable.
pub async fn pseudonymise(partnership_key_b64: &str, raw_reference: &str) -> Option<Pseudonym> {
    let reference = normalise_case_ref(raw_reference).ok()?;
    let key = base64url_decode(partnership_key_b64)?;
    let mac = crypto::hmac_sha256(&key, reference.as_bytes()).await.ok()?;
    Some(Pseudonym::from_digest(&mac))
}
