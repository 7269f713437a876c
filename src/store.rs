//! The only module that knows IndexedDB.
//!
//! Two object stores: `drafts` holds responses a child is still giving (each answer is
//! written as it is given), `pending_responses` holds finished ones waiting to be sent.
//!
//! Architecture invariant: every answer is written here before the child sees it was
//! taken; a response moves from `drafts` to `pending_responses` in one transaction; and it
//! leaves `pending_responses` only when `remove_confirmed` is called with ids the server
//! confirmed. Records on disk (`StoredResponse`) are their own type, converted explicitly
//! to and from the domain `Response`.

use heard_domain::{Answer, Day, FormId, Lang, Response};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use uuid::Uuid;

/// The database every page of the app shares.
pub const DB_NAME: &str = "heard";
const DB_VERSION: u32 = 3;
const PENDING: &str = "pending_responses";
const DRAFTS: &str = "drafts";
const SETTINGS: &str = "settings";
const ENROLMENT_KEY: &str = "enrolment";

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
    #[serde(default = "english")]
    pub lang: String,
    pub date: String,
    pub answers: Vec<Answer>,
    #[serde(default)]
    pub share: bool,
}

fn english() -> String {
    "en".into()
}

impl From<&Response> for StoredResponse {
    fn from(r: &Response) -> Self {
        StoredResponse {
            id: r.id.to_string(),
            form_id: r.form_id.0.clone(),
            form_version: r.form_version,
            lang: r.lang.to_string(),
            date: r.date.to_string(),
            answers: r.answers.clone(),
            share: r.share,
        }
    }
}

impl TryFrom<StoredResponse> for Response {
    type Error = StoreError;
    fn try_from(s: StoredResponse) -> Result<Response, StoreError> {
        let id = Uuid::parse_str(&s.id).map_err(|e| StoreError::Corrupt(format!("id: {e}")))?;
        let date: Day = s.date.parse().map_err(|e: heard_domain::day::DayError| StoreError::Corrupt(e.to_string()))?;
        let lang = Lang::new(&s.lang).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Response {
            id,
            form_id: FormId(s.form_id),
            form_version: s.form_version,
            lang,
            date,
            answers: s.answers,
            share: s.share,
        })
    }
}

/// What enrolment gave this tablet. Until the PIN and encryption at rest arrive, this is kept
/// as plain IndexedDB data like everything else here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub device_token: String,
    /// The partnership key, base64url: only ever on enrolled tablets and in the coordinator's browser.
    pub partnership_key: String,
    pub key_fingerprint: String,
    pub agency: String,
    pub partnership: String,
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

thread_local! {
    static OPEN: RefCell<HashMap<String, Rc<Store>>> = RefCell::new(HashMap::new());
}

/// An open connection to the tablet's Heard database.
pub struct Store {
    db: Database,
}

impl Store {
    /// The page's one connection to database `name`, opened on first use. Sharing it keeps
    /// writes in the order they were made: each write's transaction is created in the same
    /// tick as the call.
    pub async fn open(name: &StoreName) -> Result<Rc<Store>, StoreError> {
        if let Some(store) = OPEN.with_borrow(|open| open.get(&name.0).cloned()) {
            return Ok(store);
        }
        let store = Rc::new(Store::open_named(&name.0).await?);
        OPEN.with_borrow_mut(|open| open.entry(name.0.clone()).or_insert(store).clone());
        Ok(OPEN.with_borrow(|open| open[&name.0].clone()))
    }

    /// Opens (creating or upgrading) the database called `name`; tests use their own names.
    pub async fn open_named(name: &str) -> Result<Store, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                // Each step runs once, in order, so a tablet on any older version catches up
                // without touching what it holds.
                let old = event.old_version();
                if old < 1.0 {
                    db.create_object_store(PENDING).with_key_path("id".into()).build()?;
                }
                if old < 2.0 {
                    db.create_object_store(DRAFTS).with_key_path("id".into()).build()?;
                }
                if old < 3.0 {
                    db.create_object_store(SETTINGS).build()?;
                }
                Ok(())
            })
            .await
            .map_err(|e| StoreError::Open(e.to_string()))?;
        Ok(Store { db })
    }

    /// Saves a finished response, ready to send; returns only after the transaction committed.
    pub async fn save_pending(&self, r: &Response) -> Result<(), StoreError> {
        self.put(PENDING, r).await
    }

    /// Saves a response the child is still giving; called after every answer.
    pub async fn save_draft(&self, r: &Response) -> Result<(), StoreError> {
        self.put(DRAFTS, r).await
    }

    async fn put(&self, store: &str, r: &Response) -> Result<(), StoreError> {
        let record = StoredResponse::from(r);
        let tx = self.db.transaction(store).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(store)?.put(record).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a response from drafts to the outbox in one transaction: it is never in
    /// neither, and never in both.
    pub async fn finish(&self, r: &Response) -> Result<(), StoreError> {
        let record = StoredResponse::from(r);
        let tx = self.db.transaction([PENDING, DRAFTS]).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(PENDING)?.put(record).serde()?.await?;
        tx.object_store(DRAFTS)?.delete(r.id.to_string()).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps this tablet's enrolment (replacing any earlier one).
    pub async fn save_enrolment(&self, e: &Enrolment) -> Result<(), StoreError> {
        let tx = self.db.transaction(SETTINGS).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(SETTINGS)?.put(e).with_key(ENROLMENT_KEY.to_string()).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// This tablet's enrolment, if it has one.
    pub async fn enrolment(&self) -> Result<Option<Enrolment>, StoreError> {
        let tx = self.db.transaction(SETTINGS).build()?;
        let e: Option<Enrolment> = tx.object_store(SETTINGS)?.get(ENROLMENT_KEY.to_string()).serde()?.await?;
        Ok(e)
    }

    /// Responses a child started and did not finish (e.g. the tab was closed).
    pub async fn drafts(&self) -> Result<Vec<Response>, StoreError> {
        self.all(DRAFTS).await
    }

    /// Every response still waiting to be sent, in id order.
    pub async fn pending(&self) -> Result<Vec<Response>, StoreError> {
        self.all(PENDING).await
    }

    async fn all(&self, store: &str) -> Result<Vec<Response>, StoreError> {
        let tx = self.db.transaction(store).build()?;
        let records: Vec<StoredResponse> = tx
            .object_store(store)?
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
