//! The partnership key in the coordinator's browser. It is made here (WebCrypto random) when a
//! partnership is created and saved by the coordinator as a backup file: the only place it is
//! kept as bytes. This browser keeps it only as a non-extractable HMAC `CryptoKey` in IndexedDB
//! (no script can read it back as bytes), to pseudonymise references for outcome imports and
//! erasures, and deletes it at logout, when the session has ended, and on "Forget". An
//! enrolment code needs the key's bytes to seal it for one tablet: they are read from the backup
//! file at that moment and not kept. The server sees only the key's fingerprint and sealed copies.

use crate::crypto::HmacKey;
use crate::idb::{self, BuildPrimitive, QuerySource};
use gloo_storage::{LocalStorage, Storage};
use heard_domain::enrolment::{KeyBackup, KeyBackupError};
use indexed_db_futures::database::Database;
use wasm_bindgen::JsValue;

const DB_NAME: &str = "heard-coordinator";
const KEYS: &str = "keys";
/// Where an earlier version kept the key as text, in local storage.
const OLD_SLOT_PREFIX: &str = "heard.partnership-key.";

async fn open() -> Result<Database, idb::IdbError> {
    Ok(idb::open(DB_NAME, 1, |db, _| idb::create_store(db, KEYS, None)).await?.db)
}

/// The key this browser holds for the partnership with `fingerprint`, if any.
pub async fn held(fingerprint: &str) -> Option<HmacKey> {
    let db = open().await.ok()?;
    let found = async {
        let tx = idb::transaction(&db, &[KEYS], false)?;
        tx.object_store(KEYS)?.get::<JsValue, _, _>(fingerprint).primitive()?.await
    }
    .await;
    db.close();
    HmacKey::from_js(found.ok()??)
}

/// Keeps `key` for the partnership with `fingerprint`, as a non-extractable `CryptoKey`.
pub async fn keep(fingerprint: &str, key: &[u8; 32]) -> bool {
    let Ok(hmac) = HmacKey::import(key).await else { return false };
    let Ok(db) = open().await else { return false };
    let kept = async {
        let tx = idb::transaction(&db, &[KEYS], true).ok()?;
        tx.object_store(KEYS).ok()?.put(hmac.as_js()).with_key(fingerprint).primitive().ok()?;
        idb::commit(tx).await.ok()
    }
    .await
    .is_some();
    db.close();
    kept
}

/// Deletes every key this browser holds, and any an earlier version left in local storage as
/// text. Run at logout, when the session has ended, and on "Forget".
pub async fn forget_all() {
    // Where the browser refuses local storage there is nothing in it to clear.
    if crate::device::local_storage_allowed() {
        let storage = LocalStorage::raw();
        let old: Vec<String> = (0..LocalStorage::length()).filter_map(|i| storage.key(i).ok().flatten()).filter(|k| k.starts_with(OLD_SLOT_PREFIX)).collect();
        for k in old {
            LocalStorage::delete(k);
        }
    }
    let Ok(db) = open().await else { return };
    if let Ok(tx) = idb::transaction(&db, &[KEYS], true) {
        if tx.object_store(KEYS).and_then(|s| s.clear()).is_ok() {
            let _ = idb::commit(tx).await;
        }
    }
    db.close();
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreError {
    File(KeyBackupError),
    /// A real backup, of another partnership's key.
    OtherPartnership(String),
    /// A backup of this partnership's key before it started a new one.
    Earlier,
    Unavailable,
}

impl RestoreError {
    /// Why a backup file could not be used, in the coordinator's words.
    pub fn words(self, i18n: &crate::i18n::I18n) -> String {
        match self {
            RestoreError::OtherPartnership(name) => i18n.fill("setup.key.other_partnership", &[("partnership", &name)]),
            RestoreError::Earlier => i18n.t("setup.key.earlier"),
            RestoreError::File(e) => i18n.fill("setup.key.bad_file", &[("detail", &e.to_string())]),
            RestoreError::Unavailable => i18n.t("setup.key.unavailable"),
        }
    }
}

/// The key in a backup file, when it is the key in use of `partnership` (its name), whose
/// fingerprint is `fingerprint`.
pub async fn read_backup(text: &str, partnership: &str, fingerprint: &str) -> Result<[u8; 32], RestoreError> {
    let (backup, key) = KeyBackup::read_by(text, crate::json::from_str).map_err(RestoreError::File)?;
    let actual = crate::device::sha256_hex(&key).await.ok_or(RestoreError::Unavailable)?;
    if actual != fingerprint {
        return Err(if backup.partnership == partnership { RestoreError::Earlier } else { RestoreError::OtherPartnership(backup.partnership) });
    }
    Ok(key)
}

/// Reads a backup file and keeps its key, when it is this partnership's.
pub async fn restore(text: &str, partnership: &str, fingerprint: &str) -> Result<(), RestoreError> {
    let key = read_backup(text, partnership, fingerprint).await?;
    if !keep(fingerprint, &key).await {
        return Err(RestoreError::Unavailable);
    }
    Ok(())
}
