//! The outbox's backup file: everything a tablet holds for sending (finished responses,
//! unfinished ones and case outcomes), sealed with a key derived from the partnership key, so
//! another tablet enrolled in the same partnership can take it over (a broken or lost tablet's
//! work is not lost) and nobody else can read it. The file names only the key's fingerprint.
//! Taking over a backup twice, or on a tablet that already sent some of it, doubles nothing:
//! the ids stay the same and the server keeps each once.

use crate::crypto;
use crate::store::{Store, StoreError, StoredOutcome, StoredResponse};
use heard_domain::b64::base64url_decode;
use heard_domain::Response;
use serde::{Deserialize, Serialize};

/// Written in every backup file; a file with another value is not one of ours.
const FORMAT: &str = "heard-outbox-backup";

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    key_fingerprint: String,
    created: String,
    /// base64url(IV || AES-GCM ciphertext) of `Contents` as JSON.
    sealed: String,
}

#[derive(Default, Serialize, Deserialize)]
struct Contents {
    responses: Vec<StoredResponse>,
    drafts: Vec<StoredResponse>,
    outcomes: Vec<StoredOutcome>,
}

/// How much a backup holds, or how much of one was taken over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub responses: usize,
    pub drafts: usize,
    pub outcomes: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("this tablet is not enrolled")]
    NotEnrolled,
    #[error("the file is not a Heard backup")]
    NotABackup,
    #[error("the backup belongs to another partnership")]
    OtherPartnership,
    #[error("the backup is damaged")]
    Damaged,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The backup file's name and text, and what it holds.
pub async fn export(store: &Store) -> Result<(String, String, Counts), BackupError> {
    let enrolment = store.enrolment().await?.ok_or(BackupError::NotEnrolled)?;
    let contents = Contents {
        // With why the server refused any it refused: taken over, they stay marked, so
        // automatic sending passes them over there too, and the outbox says why. Finished ones
        // only as they would be sent: words the child did not agree to share stay here. (An
        // unfinished form keeps its words: the child has not been asked yet, and carries on.)
        responses: store.pending_outgoing().await?.iter().map(|o| StoredResponse::with_failure(&o.response.minimised(), o.failure.clone())).collect(),
        drafts: store.drafts().await?.iter().map(StoredResponse::from).collect(),
        outcomes: store.pending_outcomes().await?,
    };
    let counts = Counts { responses: contents.responses.len(), drafts: contents.drafts.len(), outcomes: contents.outcomes.len() };
    // A revoked tablet no longer holds the partnership key, only what seals a backup.
    let backup_key = match &enrolment.backup_secret {
        Some(secret) => crypto::backup_key_from_secret(&base64url_decode(secret).ok_or(BackupError::NotEnrolled)?).await,
        None => crypto::backup_key(&base64url_decode(&enrolment.partnership_key).ok_or(BackupError::NotEnrolled)?).await,
    };
    let sealed =
        backup_key.map_err(StoreError::from)?.seal(&serde_json::to_vec(&contents).expect("records always serialise")).await.map_err(StoreError::from)?;
    let today = crate::device::today().to_string();
    let envelope = Envelope { format: FORMAT.into(), version: 1, key_fingerprint: enrolment.key_fingerprint, created: today.clone(), sealed };
    let text = serde_json::to_string_pretty(&envelope).expect("the envelope serialises");
    Ok((format!("heard-backup-{today}.json"), text, counts))
}

/// Takes over a backup file's contents into this tablet's outbox and unfinished forms.
pub async fn import(store: &Store, text: &str) -> Result<Counts, BackupError> {
    let envelope: Envelope = crate::json::from_str(text).map_err(|_| BackupError::NotABackup)?;
    if envelope.format != FORMAT || envelope.version != 1 {
        return Err(BackupError::NotABackup);
    }
    let enrolment = store.enrolment().await?.filter(|e| !e.revoked).ok_or(BackupError::NotEnrolled)?;
    // Sealed under the key in use, or under one this tablet held before the partnership
    // started a new key (from a tablet that has not yet taken the new one).
    let backup_key = if envelope.key_fingerprint == enrolment.key_fingerprint {
        crypto::backup_key(&base64url_decode(&enrolment.partnership_key).ok_or(BackupError::NotEnrolled)?).await
    } else {
        let earlier = enrolment.earlier.iter().find(|e| e.fingerprint == envelope.key_fingerprint).ok_or(BackupError::OtherPartnership)?;
        crypto::backup_key_from_secret(&base64url_decode(&earlier.backup_secret).ok_or(BackupError::Damaged)?).await
    };
    let plain = backup_key.map_err(StoreError::from)?.open(&envelope.sealed).await.map_err(|_| BackupError::Damaged)?;
    let contents: Contents = std::str::from_utf8(&plain).ok().and_then(|text| crate::json::from_str(text).ok()).ok_or(BackupError::Damaged)?;
    // Every record is checked before any is kept: a damaged file adds nothing.
    let to_response = |s: StoredResponse| Response::try_from(s).map_err(|_| BackupError::Damaged);
    let responses = contents
        .responses
        .into_iter()
        .map(|mut s| {
            let failure = s.failure.take();
            to_response(s).map(|r| (r, failure))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let drafts = contents.drafts.into_iter().map(to_response).collect::<Result<Vec<_>, _>>()?;
    for (r, failure) in &responses {
        match failure {
            Some(reason) => store.mark_failed(r, reason).await?,
            None => store.save_pending(r).await?,
        }
    }
    for r in &drafts {
        store.save_draft(r).await?;
    }
    for o in &contents.outcomes {
        store.save_outcome(o).await?;
    }
    Ok(Counts { responses: responses.len(), drafts: drafts.len(), outcomes: contents.outcomes.len() })
}
