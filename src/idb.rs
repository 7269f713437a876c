//! The app's IndexedDB databases, through indexed_db_futures: opening one (upgrading it, and
//! letting go of it when another page of the app upgrades it), committing a transaction with
//! the browser's own reason when it refused, and what the crate's errors are called.
//!
//! Only `store/` and the coordinator's `key.rs` use this. As there, nothing but IndexedDB may
//! be awaited between a transaction's creation and its end: the browser commits a transaction
//! once the page goes back to the event loop with no request of it pending. Write
//! transactions therefore make all their requests at once and then wait for `commit`.

use gloo_events::EventListener;
use indexed_db_futures::database::{Database, VersionChangeEvent};
pub use indexed_db_futures::error::Error;
use indexed_db_futures::error::{JSError, OpenDbError};
use indexed_db_futures::internals::SystemRepr;
pub use indexed_db_futures::prelude::*;
pub use indexed_db_futures::transaction::{Transaction, TransactionMode};
pub use indexed_db_futures::KeyRange;
use wasm_bindgen::JsCast;

/// Why IndexedDB refused: the DOMException's name (such as `QuotaExceededError`) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdbError {
    pub name: String,
    pub message: String,
}

impl std::fmt::Display for IdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl From<Error> for IdbError {
    fn from(e: Error) -> Self {
        match e {
            Error::DomException(d) => IdbError { name: d.name().into_owned(), message: d.message() },
            Error::Unknown(JSError::Error(js)) => IdbError { name: js.name().into(), message: js.message().into() },
            // A record that does not read back as its type is `Serialisation`; the store says so.
            other => IdbError { name: "Error".into(), message: other.to_string() },
        }
    }
}

impl From<OpenDbError> for IdbError {
    fn from(e: OpenDbError) -> Self {
        match e {
            OpenDbError::Base(e) => e.into(),
            other => IdbError { name: "NotSupportedError".into(), message: other.to_string() },
        }
    }
}

/// An open database. When another page of the app (a newer version, in another tab) asks to
/// upgrade it, this connection closes at once rather than hold that upgrade up ("blocked");
/// this page's next operation then finds it closed and opens it again (`Store::with_db`).
pub struct Connection {
    pub db: Database,
    _closes_for_upgrade: EventListener,
}

/// Opens database `name` at `version`; when it is older (or new), `upgrade` gets the database
/// and its old version (0 for a new one) to bring it up to date, before anything else sees it.
/// An error from `upgrade` keeps nothing of it, and the open fails with that error. While an
/// older page still holds the database open, this waits for it to let go.
pub async fn open(name: &str, version: u32, upgrade: impl FnOnce(&Database, f64) -> Result<(), Error> + 'static) -> Result<Connection, IdbError> {
    let db = Database::open(name)
        .with_version(version)
        // Waits: the other page closes its connection when told (below), or when it goes.
        .with_on_blocked(|_: VersionChangeEvent| Ok(()))
        .with_on_upgrade_needed(move |event: VersionChangeEvent, db: Database| upgrade(&db, event.old_version()))
        .await?;
    let raw: web_sys::IdbDatabase = db.as_sys().unchecked_ref::<web_sys::IdbDatabase>().clone();
    let closes = EventListener::new(&raw.clone(), "versionchange", move |_| raw.close());
    Ok(Connection { db, _closes_for_upgrade: closes })
}

/// Creates object store `name` during an upgrade, its records keyed by their `key_path`
/// property, or by the key given with each `put` when `None`.
pub fn create_store(db: &Database, name: &str, key_path: Option<&str>) -> Result<(), Error> {
    match key_path {
        Some(path) => db.create_object_store(name).with_key_path(indexed_db_futures::KeyPath::One(path)).build().map(drop),
        None => db.create_object_store(name).build().map(drop),
    }
}

/// A transaction over `stores`, read-only or read-write.
pub fn transaction<'a>(db: &'a Database, stores: &[&str], write: bool) -> Result<Transaction<'a>, Error> {
    let mode = if write { TransactionMode::Readwrite } else { TransactionMode::Readonly };
    db.transaction(stores).with_mode(mode).build()
}

/// Ends `tx` (its requests all made) and waits until its writes are kept. When the browser
/// aborted it instead, the transaction's own error says why (`QuotaExceededError` for lack of
/// space), else the first failed request's.
pub async fn commit(tx: Transaction<'_>) -> Result<(), IdbError> {
    let raw: web_sys::IdbTransaction = tx.as_sys().unchecked_ref::<web_sys::IdbTransaction>().clone();
    tx.commit().await.map_err(|e| match raw.error() {
        Some(d) => IdbError { name: d.name(), message: d.message() },
        None => IdbError::from(e),
    })
}
