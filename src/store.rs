//! The only module that knows IndexedDB.
//!
//! Architecture invariant: every answer is written here before the child sees it was
//! taken, and a response leaves `pending` only when `remove_confirmed` is called with ids
//! the server confirmed. Records on disk (`StoredResponse`) are their own type, converted
//! explicitly to and from the domain `Response`.

use heard_domain::{Answer, Day, FormId, Response};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The database every page of the app shares.
pub const DB_NAME: &str = "heard";
const DB_VERSION: u32 = 1;
const PENDING: &str = "pending_responses";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not open the tablet's storage: {0}")]
    Open(String),
    #[error("storage operation failed: {0}")]
    Op(String),
    #[error("a saved record could not be read back: {0}")]
    Corrupt(String),
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StoreError::Op(e.to_string())
    }
}

/// A response as kept on the tablet, waiting to be sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub id: String,
    pub form_id: String,
    pub form_version: u32,
    pub date: String,
    pub answers: Vec<Answer>,
}

impl From<&Response> for StoredResponse {
    fn from(r: &Response) -> Self {
        StoredResponse {
            id: r.id.to_string(),
            form_id: r.form_id.0.clone(),
            form_version: r.form_version,
            date: r.date.to_string(),
            answers: r.answers.clone(),
        }
    }
}

impl TryFrom<StoredResponse> for Response {
    type Error = StoreError;
    fn try_from(s: StoredResponse) -> Result<Response, StoreError> {
        let id = Uuid::parse_str(&s.id).map_err(|e| StoreError::Corrupt(format!("id: {e}")))?;
        let date: Day = s.date.parse().map_err(|e: heard_domain::day::DayError| StoreError::Corrupt(e.to_string()))?;
        Ok(Response { id, form_id: FormId(s.form_id), form_version: s.form_version, date, answers: s.answers })
    }
}

/// Which IndexedDB database the app's pages use: `heard` in the app, a fresh one per test.
/// Pages take it from their context, so components never hard-code where data lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreName(pub String);

impl Default for StoreName {
    fn default() -> Self {
        StoreName(DB_NAME.to_string())
    }
}

/// An open connection to the tablet's Heard database.
pub struct Store {
    db: Database,
}

impl Store {
    pub async fn open(name: &StoreName) -> Result<Store, StoreError> {
        Store::open_named(&name.0).await
    }

    /// Opens (creating or upgrading) the database called `name`; tests use their own names.
    pub async fn open_named(name: &str) -> Result<Store, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                if event.old_version() < 1.0 {
                    db.create_object_store(PENDING).with_key_path("id".into()).build()?;
                }
                Ok(())
            })
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        Ok(Store { db })
    }

    /// Saves a response durably: returns only after the transaction committed.
    pub async fn save_pending(&self, r: &Response) -> Result<(), StoreError> {
        let record = StoredResponse::from(r);
        let tx = self.db.transaction(PENDING).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(PENDING)?.put(record).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every response still waiting to be sent, in id order.
    pub async fn pending(&self) -> Result<Vec<Response>, StoreError> {
        let tx = self.db.transaction(PENDING).build()?;
        let records: Vec<StoredResponse> = tx
            .object_store(PENDING)?
            .get_all()
            .serde()?
            .await?
            .collect::<Result<Vec<_>, _>>()?;
        records.into_iter().map(Response::try_from).collect()
    }

    /// Drops the responses the server confirmed it holds, in one transaction.
    pub async fn remove_confirmed(&self, ids: &[Uuid]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let tx = self.db.transaction(PENDING).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(PENDING)?;
        for id in ids {
            store.delete(id.to_string()).primitive()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
