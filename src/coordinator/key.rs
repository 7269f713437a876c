//! The partnership key in the coordinator's browser. It is made here (WebCrypto random) when
//! a partnership is created, saved by the coordinator as a backup file, and kept in this
//! browser's local storage so enrolment codes can carry it and outcome imports can be
//! pseudonymised. The server only ever sees its fingerprint. "Forget" removes it from this
//! browser; the backup file brings it back.

use heard_domain::b64::{base64url_decode, base64url_encode};
use heard_domain::enrolment::{KeyBackup, KeyBackupError};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn slot(fingerprint: &str) -> String {
    format!("heard.partnership-key.{fingerprint}")
}

/// The key this browser holds for the partnership with `fingerprint`, if any.
pub fn held(fingerprint: &str) -> Option<[u8; 32]> {
    let text = storage()?.get_item(&slot(fingerprint)).ok()??;
    base64url_decode(&text)?.try_into().ok()
}

pub fn keep(fingerprint: &str, key: &[u8; 32]) -> bool {
    storage().is_some_and(|s| s.set_item(&slot(fingerprint), &base64url_encode(key)).is_ok())
}

pub fn forget(fingerprint: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&slot(fingerprint));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreError {
    File(KeyBackupError),
    /// A real backup, of another partnership's key.
    OtherPartnership(String),
    Unavailable,
}

/// Reads a backup file and keeps its key, when it is this partnership's.
pub async fn restore(text: &str, fingerprint: &str) -> Result<[u8; 32], RestoreError> {
    let (backup, key) = KeyBackup::read_by(text, crate::json::from_str).map_err(RestoreError::File)?;
    let actual = crate::device::sha256_hex(&key).await.ok_or(RestoreError::Unavailable)?;
    if actual != fingerprint {
        return Err(RestoreError::OtherPartnership(backup.partnership));
    }
    if !keep(fingerprint, &key) {
        return Err(RestoreError::Unavailable);
    }
    Ok(key)
}
