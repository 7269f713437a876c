//! The only module that knows the app's IndexedDB database: here the sealed-record core
//! (connection, transactions, settings, sealing), in the submodules what is kept.
//!
//! Object stores: `drafts` holds responses a child is still giving (each answer written as it
//! is given), `pending_responses` finished ones waiting to be sent, `settings` the keyring
//! and the enrolment. Every record but the keyring is sealed with the data key (`crypto`):
//! what is on disk is an id and ciphertext, so a locked tablet shows no answer, name, token or
//! partnership key to anyone reading its storage.
//!
//! Architecture invariant: every answer is written here before the child sees it was taken;
//! a response moves from `drafts` to `pending_responses` in one transaction; and it leaves
//! `pending_responses` only when `remove_confirmed` is called with ids the server confirmed.
//! Records are sealed before a transaction opens (nothing else is awaited inside one).
//! Records on disk (`StoredResponse`, sealed) are their own type, converted explicitly to
//! and from the domain `Response`.

use crate::crypto::{self, CryptoError, DataKey, Keyring, PBKDF2_ITERATIONS};
use crate::idb::{self, Build, BuildPrimitive, BuildSerde, IdbError, KeyRange, QuerySource, Transaction};
use heard_domain::case::{CaseContext, Stage};
use heard_domain::pin::wait_after;
use heard_domain::{AgeBand, Answer, Day, FormId, Lang, Response};
use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;
use uuid::Uuid;

mod keyring;
mod outbox;
mod outcomes;
mod settings;

pub use keyring::UnlockError;
pub use outbox::{OutboxOverview, Outgoing, PendingPage, SentItem, StoredResponse, Waiting, OUTBOX_PAGE};
pub use outcomes::StoredOutcome;
pub use settings::{EarlierKey, Enrolment, Session, IDLE_LOCK_CHOICES, IDLE_LOCK_DEFAULT};

/// The database every page of the app shares.
pub const DB_NAME: &str = "heard";
const DB_VERSION: u32 = 4;
const PENDING: &str = "pending_responses";
const DRAFTS: &str = "drafts";
const OUTCOMES: &str = "pending_outcomes";
const SETTINGS: &str = "settings";
const ENROLMENT_KEY: &str = "enrolment";
const KEYRING_KEY: &str = "keyring";
const IDLE_LOCK_KEY: &str = "idle_lock";
const SESSION_KEY: &str = "session";
const AFTER_CHILD_KEY: &str = "after_child";
const SAID_KEY: &str = "said";
const FORMS_KEY: &str = "partnership_forms";
const SENT_KEY: &str = "sent";
/// How many of the responses sent lately the tablet remembers (`Store::note_sent`).
pub const SENT_KEPT: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("could not open the tablet's storage: {0}")]
    Open(String),
    #[error("storage operation failed: {0}")]
    Op(String),
    #[error("a saved record could not be read back: {0}")]
    Corrupt(String),
    /// The data key is not in memory: the practitioner must enter the PIN.
    #[error("the tablet is locked")]
    Locked,
    /// The browser refused the write for lack of space; it was not made, and nothing stored
    /// before it was touched.
    #[error("the tablet's storage is full")]
    Full,
    /// The connection to the database was closed under the page (Safari drops it when a
    /// tablet sleeps; any browser on a backing-store error). `with_db` opens a new one.
    #[error("the connection to the tablet's storage was closed: {0}")]
    Lost(String),
    /// A newer version of the app (in another tab) upgraded the database: this page must be
    /// reloaded to use it. Nothing saved is lost.
    #[error("a newer version of Heard has upgraded the tablet's storage")]
    Newer,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

impl StoreError {
    /// The wording (i18n key) that tells the practitioner what went wrong.
    pub fn message_key(&self) -> &'static str {
        match self {
            StoreError::Full => "store.full",
            StoreError::Newer => "store.reload",
            _ => "store.unavailable",
        }
    }
}

impl From<IdbError> for StoreError {
    fn from(e: IdbError) -> Self {
        match e.name.as_str() {
            // What a transaction started on a closed connection throws, and Safari's
            // "Connection to Indexed Database server lost".
            "InvalidStateError" | "UnknownError" => StoreError::Lost(e.to_string()),
            "QuotaExceededError" => StoreError::Full,
            "VersionError" => StoreError::Newer,
            _ => StoreError::Op(e.to_string()),
        }
    }
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        match e {
            indexed_db_futures::error::Error::Serialisation(e) => StoreError::Corrupt(e.to_string()),
            e => StoreError::from(IdbError::from(e)),
        }
    }
}

/// Commits `tx`, saying why when the browser aborted it: for lack of space (the write is not
/// made) or because the connection went (`with_db` then tries once more on a new one).
async fn commit(tx: Transaction<'_>) -> Result<(), StoreError> {
    idb::commit(tx).await.map_err(|e| match e.name.as_str() {
        "QuotaExceededError" => StoreError::Full,
        // Aborted with no DOMException to say why: not the connection.
        "Error" => StoreError::Op(format!("the browser ended the write without making it ({e})")),
        _ => StoreError::Lost(e.to_string()),
    })
}

/// What is on disk for a response: its random id (the record's key) and ciphertext.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SealedRecord {
    id: String,
    sealed: String,
    /// The server refused this response (why is inside the seal), so the outbox can find the
    /// refused ones without opening every record. Says nothing of the child.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    refused: bool,
}

/// Which IndexedDB database the app's pages use: `heard` in the app, a fresh one per test.
/// Pages take it from their context, so components never hard-code where data lives.
/// `Copy`, so async work that outlives a page can still name its database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreName(pub &'static str);

impl Default for StoreName {
    fn default() -> Self {
        StoreName(DB_NAME)
    }
}

thread_local! {
    static OPEN: RefCell<BTreeMap<String, Rc<Store>>> = const { RefCell::new(BTreeMap::new()) };
}

/// Opens (creating or upgrading) the database called `name`.
async fn connect(name: &str) -> Result<idb::Connection, StoreError> {
    idb::open(name, DB_VERSION, |db, old| {
        // Each step runs once, in order, so a tablet on any older version catches up
        // without touching what it holds.
        if old < 1.0 {
            idb::create_store(db, PENDING, Some("id"))?;
        }
        if old < 2.0 {
            idb::create_store(db, DRAFTS, Some("id"))?;
        }
        if old < 3.0 {
            idb::create_store(db, SETTINGS, None)?;
        }
        if old < 4.0 {
            idb::create_store(db, OUTCOMES, Some("id"))?;
        }
        Ok(())
    })
    .await
    .map_err(|e| if e.name == "VersionError" { StoreError::Newer } else { StoreError::Open(e.to_string()) })
}

/// An open connection to the tablet's Heard database, and the data key while unlocked.
pub struct Store {
    name: String,
    /// The live connection; replaced when the browser closes it (`with_db`).
    db: RefCell<idb::Connection>,
    /// How many times the connection was replaced: two operations that both find it closed
    /// open one new connection between them.
    generation: Cell<u32>,
    key: RefCell<Option<DataKey>>,
    /// Sent responses waiting to join the sealed "sent lately" list, newest first, and whether
    /// a call is writing it (`note_sent`).
    sent_queue: RefCell<Vec<SentItem>>,
    noting_sent: Cell<bool>,
    /// When the wait after the last wrong PIN began, on this page's own clock
    /// (`performance.now()`), which moving the tablet's date and time does not change. A new
    /// page (a reload) starts the whole wait again.
    wait_began: Cell<Option<f64>>,
}

/// Milliseconds on this page's monotonic clock.
fn page_clock_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

impl Store {
    /// The page's one connection to database `name`, opened on first use. Sharing it keeps
    /// writes in the order they were made (each write's transaction is created in the same
    /// tick as the call) and keeps the data key in one place.
    pub async fn open(name: &StoreName) -> Result<Rc<Store>, StoreError> {
        if let Some(store) = OPEN.with_borrow(|open| open.get(name.0).cloned()) {
            return Ok(store);
        }
        let store = Rc::new(Store::open_named(name.0).await?);
        let kept = OPEN.with_borrow_mut(|open| open.entry(name.0.to_string()).or_insert_with(|| store.clone()).clone());
        // Two screens asked at once and the other's connection was kept: this one is closed,
        // not left open to hold up a newer page's upgrade of the database.
        if !Rc::ptr_eq(&kept, &store) {
            store.db.borrow().db.clone().close();
        }
        Ok(kept)
    }

    /// Locks the page's open store `name`, if it has one, at once (no waiting): for a child's
    /// screen that is going away, so the next screen asks for the PIN.
    pub fn lock_now(name: &StoreName) {
        OPEN.with_borrow(|open| open.get(name.0).map(|s| s.lock()));
    }

    /// Opens (creating or upgrading) the database called `name`; tests use their own names.
    pub async fn open_named(name: &str) -> Result<Store, StoreError> {
        Ok(Store {
            name: name.to_string(),
            db: RefCell::new(connect(name).await?),
            generation: Cell::new(0),
            key: RefCell::new(None),
            sent_queue: RefCell::new(Vec::new()),
            noting_sent: Cell::new(false),
            wait_began: Cell::new(None),
        })
    }

    /// Runs `op` on the connection. When the browser has closed it under the page, opens a new
    /// one and runs `op` once more: every operation here may run twice (puts by id, deletes,
    /// reads), and one the browser aborted wrote nothing. The data key stays in memory, so the
    /// practitioner notices nothing.
    async fn with_db<T, F, Fut>(&self, op: F) -> Result<T, StoreError>
    where
        F: Fn(Database) -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let generation = self.generation.get();
        let db = self.db.borrow().db.clone();
        match op(db).await {
            Err(StoreError::Lost(_)) => op(self.reconnect(generation).await?).await,
            done => done,
        }
    }

    /// A new connection in place of the one of `generation`, unless another operation has
    /// already replaced it.
    async fn reconnect(&self, generation: u32) -> Result<Database, StoreError> {
        if self.generation.get() == generation {
            let fresh = connect(&self.name).await?;
            if self.generation.get() == generation {
                self.generation.set(generation + 1);
                self.db.replace(fresh).db.close();
            } else {
                fresh.db.close();
            }
        }
        Ok(self.db.borrow().db.clone())
    }

    /// Makes the requests `ops` makes in one read-write transaction over `stores`, and waits
    /// until they are kept (`commit`); on a connection the browser closed, once more.
    async fn write(&self, stores: &[&str], ops: impl Fn(&Transaction<'_>) -> Result<(), idb::Error>) -> Result<(), StoreError> {
        let ops = &ops;
        self.with_db(|db| async move {
            let tx = idb::transaction(&db, stores, true)?;
            ops(&tx)?;
            commit(tx).await
        })
        .await
    }

    /// The result of the request `ask` makes of object store `store`, read-only.
    async fn read<T, Asked>(&self, store: &str, ask: impl Fn(&ObjectStore<'_>) -> Result<Asked, idb::Error>) -> Result<T, StoreError>
    where
        Asked: Future<Output = Result<T, idb::Error>>,
    {
        let ask = &ask;
        self.with_db(|db| async move {
            let tx = idb::transaction(&db, &[store], false)?;
            let asked = ask(&tx.object_store(store)?)?;
            Ok(asked.await?)
        })
        .await
    }

    fn key(&self) -> Result<DataKey, StoreError> {
        self.key.borrow().clone().ok_or(StoreError::Locked)
    }

    pub fn is_unlocked(&self) -> bool {
        self.key.borrow().is_some()
    }

    /// Forgets the data key: everything stays stored, unreadable until the PIN is entered.
    pub fn lock(&self) {
        self.key.replace(None);
    }

    /// A setting as stored (sealed or not).
    async fn setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        self.read(SETTINGS, |s| s.get::<T, _, _>(key).serde()).await
    }

    async fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        self.write(&[SETTINGS], |tx| tx.object_store(SETTINGS)?.delete(key).build().map(drop)).await
    }

    /// Keeps a setting sealed with the data key.
    async fn put_sealed_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let sealed = self.seal_record(key, value).await?;
        self.put_setting(key, &sealed).await
    }

    /// A sealed setting, opened with the data key (needs the tablet unlocked).
    async fn sealed_setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let Some(sealed) = self.setting::<SealedRecord>(key).await? else {
            return Ok(None);
        };
        self.open_record(&sealed).await.map(Some)
    }

    /// `value` as JSON, sealed with the data key, as the record `id`.
    async fn seal_record<T: Serialize>(&self, id: &str, value: &T) -> Result<SealedRecord, StoreError> {
        let json = serde_json::to_vec(value).expect("records always serialise");
        Ok(SealedRecord { id: id.to_string(), sealed: self.key()?.seal(&json).await?, refused: false })
    }

    /// What `seal_record` sealed.
    async fn open_record<T: serde::de::DeserializeOwned>(&self, record: &SealedRecord) -> Result<T, StoreError> {
        let json = self.key()?.open(&record.sealed).await?;
        let json = std::str::from_utf8(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        crate::json::from_str(json).map_err(StoreError::Corrupt)
    }

    async fn put_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        self.write(&[SETTINGS], |tx| tx.object_store(SETTINGS)?.put(value).with_key(key.to_string()).serde().map(drop)).await
    }

    async fn count(&self, store: &str) -> Result<u32, StoreError> {
        self.read(store, |s| s.count().primitive()).await
    }

    async fn put_record(&self, store: &str, record: SealedRecord) -> Result<(), StoreError> {
        self.write(&[store], |tx| tx.object_store(store)?.put(&record).serde().map(drop)).await
    }

    async fn remove(&self, store_name: &str, ids: &[Uuid]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        self.write(&[store_name], |tx| {
            let store = tx.object_store(store_name)?;
            ids.iter().try_for_each(|id| store.delete(id.as_str()).build().map(drop))
        })
        .await
    }

    /// Every record of `store`, still sealed.
    async fn sealed_records(&self, store: &str) -> Result<Vec<SealedRecord>, StoreError> {
        let all = self.read(store, |s| s.get_all::<SealedRecord>().serde()).await?;
        Ok(all.collect::<Result<_, _>>()?)
    }
}
