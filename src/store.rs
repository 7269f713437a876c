//! The only module that knows IndexedDB.
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

/// Responses read from the outbox at a time (sending, listing): memory stays bounded however
/// many wait.
pub const OUTBOX_PAGE: u32 = 500;

/// Which of the responses waiting in the outbox to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiting {
    All,
    /// Those the server has not refused (`Store::mark_failed`): what automatic sending takes.
    NotRefused,
}

/// A page of the outbox, in id order.
#[derive(Debug)]
pub struct PendingPage {
    pub responses: Vec<Response>,
    /// The id the next page starts after; `None` once the outbox is read to its end.
    pub next: Option<String>,
}

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

/// Minutes of no use after which the tablet locks itself, as the practitioner may choose them.
pub const IDLE_LOCK_CHOICES: [u32; 5] = [1, 2, 5, 10, 15];
/// The idle lock until the practitioner chooses another.
pub const IDLE_LOCK_DEFAULT: u32 = 5;

/// The practitioner's choice of idle lock. Not secret: stored as it is.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct IdleLockRecord {
    minutes: u32,
}

#[derive(Debug, thiserror::Error)]
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
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

impl StoreError {
    /// The wording (i18n key) that tells the practitioner what went wrong.
    pub fn message_key(&self) -> &'static str {
        match self {
            StoreError::Full => "store.full",
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

/// A response as kept on the tablet (inside the sealed record).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub id: String,
    pub form_id: String,
    pub form_version: u32,
    pub lang: String,
    pub date: String,
    pub answers: Vec<Answer>,
    #[serde(default)]
    pub share: bool,
    pub context: CaseContext,
    /// Why the server last refused it (rejected, or a different response under its id), so the
    /// outbox can show it as failed. Never sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// A response in the outbox, and why the server last refused it, if it did.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub response: Response,
    pub failure: Option<String>,
}

impl StoredResponse {
    /// `r` as kept, with why the server refused it, if it did.
    pub fn with_failure(r: &Response, failure: Option<String>) -> StoredResponse {
        StoredResponse { failure, ..StoredResponse::from(r) }
    }
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
            context: r.context.clone(),
            failure: None,
        }
    }
}

impl TryFrom<StoredResponse> for Response {
    type Error = StoreError;
    fn try_from(s: StoredResponse) -> Result<Response, StoreError> {
        let id = Uuid::parse_str(&s.id).map_err(|e| StoreError::Corrupt(format!("id: {e}")))?;
        let date: Day = s.date.parse().map_err(|e: heard_domain::day::DayError| StoreError::Corrupt(e.to_string()))?;
        let lang = Lang::new(&s.lang).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Response { id, form_id: FormId(s.form_id), form_version: s.form_version, lang, date, answers: s.answers, share: s.share, context: s.context })
    }
}

/// A case outcome the practitioner recorded, waiting to be sent (inside the seal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredOutcome {
    pub id: String,
    pub case: String,
    pub outcome: heard_domain::case::Outcome,
    pub date: String,
}

impl StoredOutcome {
    /// The protocol's form of it; `None` when a field is not what the server takes.
    pub fn wire(&self) -> Option<heard_domain::wire::OutcomeV1> {
        Some(heard_domain::wire::OutcomeV1 {
            id: uuid::Uuid::parse_str(&self.id).ok()?,
            case: self.case.clone().try_into().ok()?,
            outcome: self.outcome,
            date: self.date.parse().ok()?,
        })
    }

    fn sendable(&self) -> bool {
        self.wire().is_some()
    }
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

/// A response the server confirmed it holds, as the outbox remembers it: which form, for
/// which age band and stage, answered and sent on which days; never the answers, the case or
/// the family's circumstances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentItem {
    pub id: Uuid,
    pub form_id: FormId,
    pub form_version: u32,
    pub band: AgeBand,
    pub stage: Stage,
    pub answered: Day,
    pub sent: Day,
    /// The form was ended before its last question.
    #[serde(default)]
    pub stopped_early: bool,
}

impl SentItem {
    pub fn of(r: &Response, sent: Day, stopped_early: bool) -> SentItem {
        SentItem {
            id: r.id,
            form_id: r.form_id.clone(),
            form_version: r.form_version,
            band: r.context.age_band,
            stage: r.context.stage,
            answered: r.date,
            sent,
            stopped_early,
        }
    }
}

/// What the outbox screen shows.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxOverview {
    /// How many responses wait to be sent.
    pub count: usize,
    /// The first of them (in id order) the server has not refused.
    pub listed: Vec<Outgoing>,
    /// Every one the server refused, with why.
    pub failed: Vec<Outgoing>,
}

/// The keyring, and the wrong-PIN count that slows guessing. Not secret: stored as it is.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct KeyringRecord {
    keyring: Keyring,
    failures: u32,
    last_failure_ms: f64,
}

/// What enrolment gave this tablet. Stored sealed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub device_token: String,
    /// The partnership key, base64url: only ever on enrolled tablets and in the coordinator's browser.
    pub partnership_key: String,
    pub key_fingerprint: String,
    pub agency: String,
    pub partnership: String,
    /// The server said the coordinator revoked this tablet: the token and the partnership key
    /// are gone from it (`forget_credentials`); answers stay, for a backup or a new enrolment.
    #[serde(default)]
    pub revoked: bool,
    /// On a revoked tablet, base64url of `crypto::backup_secret`: enough to seal the outbox
    /// for another tablet of the partnership, not to pseudonymise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_secret: Option<String>,
    /// Keys this tablet held before the partnership started a new one: each one's fingerprint
    /// and backup secret, so a backup file from a tablet still on it can be taken over.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierKey>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlierKey {
    pub fingerprint: String,
    /// base64url of `crypto::backup_secret` of that key.
    pub backup_secret: String,
}

/// Why an unlock did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockError {
    /// Wrong PIN; the next try is allowed after `wait_secs`.
    WrongPin {
        wait_secs: u32,
    },
    /// Too soon after a wrong PIN; try again after `wait_secs`.
    TooSoon {
        wait_secs: u32,
    },
    /// No PIN has been set on this tablet.
    NoPin,
    Storage(String),
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
    .map_err(|e| StoreError::Open(e.to_string()))
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
        OPEN.with_borrow_mut(|open| open.entry(name.0.to_string()).or_insert(store).clone());
        Ok(OPEN.with_borrow(|open| open[name.0].clone()))
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

    async fn keyring_record(&self) -> Result<Option<KeyringRecord>, StoreError> {
        self.setting(KEYRING_KEY).await
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

    /// Minutes of no use after which this tablet locks itself (readable while locked).
    pub async fn idle_lock_minutes(&self) -> u32 {
        self.setting::<IdleLockRecord>(IDLE_LOCK_KEY)
            .await
            .ok()
            .flatten()
            .map(|r| r.minutes)
            .filter(|m| IDLE_LOCK_CHOICES.contains(m))
            .unwrap_or(IDLE_LOCK_DEFAULT)
    }

    /// Keeps the practitioner's choice of idle lock (one of `IDLE_LOCK_CHOICES`).
    pub async fn set_idle_lock_minutes(&self, minutes: u32) -> Result<(), StoreError> {
        if !IDLE_LOCK_CHOICES.contains(&minutes) {
            return Err(StoreError::Op(format!("{minutes} minutes is not one of the idle-lock choices")));
        }
        self.put_setting(IDLE_LOCK_KEY, &IdleLockRecord { minutes }).await
    }

    pub async fn has_pin(&self) -> Result<bool, StoreError> {
        Ok(self.keyring_record().await?.is_some())
    }

    /// Sets the first PIN: makes the data key, stores it wrapped, and unlocks.
    pub async fn set_pin(&self, pin: &str) -> Result<(), StoreError> {
        if self.has_pin().await? {
            return Err(StoreError::Op("this tablet already has a PIN".into()));
        }
        let (keyring, key) = crypto::new_keyring(pin, PBKDF2_ITERATIONS).await?;
        self.put_setting(KEYRING_KEY, &KeyringRecord { keyring, failures: 0, last_failure_ms: 0.0 }).await?;
        self.key.replace(Some(key));
        Ok(())
    }

    /// Unlocks with the PIN. Wrong PINs are counted (across reloads) and slow the next try;
    /// nothing is wiped. The wait is timed on the page's own clock, never the tablet's date and
    /// time, which anyone holding it can move forward.
    pub async fn unlock(&self, pin: &str) -> Result<(), UnlockError> {
        let storage = |e: StoreError| UnlockError::Storage(e.to_string());
        let mut record = self.keyring_record().await.map_err(storage)?.ok_or(UnlockError::NoPin)?;
        let now = page_clock_ms();
        let wait_ms = f64::from(wait_after(record.failures)) * 1000.0;
        if wait_ms > 0.0 {
            let began = *self.wait_began.get().get_or_insert(now);
            self.wait_began.set(Some(began));
            let waited = now - began;
            if waited < wait_ms {
                return Err(UnlockError::TooSoon { wait_secs: ((wait_ms - waited) / 1000.0).ceil() as u32 });
            }
        }
        match crypto::unlock(&record.keyring, pin).await {
            Ok(key) => {
                self.wait_began.set(None);
                if record.failures > 0 {
                    record.failures = 0;
                    self.put_setting(KEYRING_KEY, &record).await.map_err(storage)?;
                }
                self.key.replace(Some(key));
                Ok(())
            }
            Err(CryptoError::WrongPin) => {
                record.failures += 1;
                self.wait_began.set(Some(now));
                self.put_setting(KEYRING_KEY, &record).await.map_err(storage)?;
                Err(UnlockError::WrongPin { wait_secs: wait_after(record.failures) })
            }
            Err(e) => Err(UnlockError::Storage(e.to_string())),
        }
    }

    /// Deletes everything on this tablet (after a forgotten PIN, with the practitioner's
    /// confirmation): unsent answers cannot be recovered without the PIN.
    pub async fn wipe(&self) -> Result<(), StoreError> {
        let all = [PENDING, DRAFTS, OUTCOMES, SETTINGS];
        self.write(&all, |tx| all.iter().try_for_each(|store| tx.object_store(store)?.clear().map(drop))).await?;
        self.lock();
        Ok(())
    }

    async fn seal_response(&self, r: &Response) -> Result<SealedRecord, StoreError> {
        self.seal_record(&r.id.to_string(), &StoredResponse::from(r)).await
    }

    async fn open_response(&self, record: &SealedRecord) -> Result<Response, StoreError> {
        Ok(self.open_outgoing(record).await?.response)
    }

    async fn open_outgoing(&self, record: &SealedRecord) -> Result<Outgoing, StoreError> {
        let mut stored: StoredResponse = self.open_record(record).await?;
        let failure = stored.failure.take();
        Ok(Outgoing { response: Response::try_from(stored)?, failure })
    }

    /// Records why the server refused a response still waiting in the outbox (it stays there).
    pub async fn mark_failed(&self, r: &Response, reason: &str) -> Result<(), StoreError> {
        let record = self.seal_record(&r.id.to_string(), &StoredResponse::with_failure(r, Some(reason.to_string()))).await?;
        self.put_record(PENDING, SealedRecord { refused: true, ..record }).await
    }

    /// How many responses wait in the outbox (readable while locked: it counts records only).
    pub async fn count_pending(&self) -> Result<u32, StoreError> {
        self.count(PENDING).await
    }

    async fn count(&self, store: &str) -> Result<u32, StoreError> {
        self.read(store, |s| s.count().primitive()).await
    }

    /// Deletes one response from the outbox for good: only for one the server keeps refusing,
    /// after the practitioner confirmed with the PIN (the outbox screen checks it).
    pub async fn discard_pending(&self, id: Uuid) -> Result<(), StoreError> {
        self.remove(PENDING, &[id]).await
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
        let record = self.seal_response(r).await?;
        self.put_record(store, record).await
    }

    async fn put_record(&self, store: &str, record: SealedRecord) -> Result<(), StoreError> {
        self.write(&[store], |tx| tx.object_store(store)?.put(&record).serde().map(drop)).await
    }

    /// Moves a response from drafts to the outbox in one transaction: it is never in
    /// neither, and never in both.
    pub async fn finish(&self, r: &Response) -> Result<(), StoreError> {
        let record = self.seal_response(r).await?;
        let id = r.id.to_string();
        self.write(&[PENDING, DRAFTS], |tx| {
            tx.object_store(PENDING)?.put(&record).serde()?;
            tx.object_store(DRAFTS)?.delete(id.as_str()).build().map(drop)
        })
        .await
    }

    /// The server said this tablet is revoked: its token and the partnership key are deleted at
    /// once (a lost tablet then holds nothing that undoes pseudonyms or sends as the
    /// partnership); what it needs to save its outbox for another tablet is kept. Answers stay.
    pub async fn forget_credentials(&self) -> Result<(), StoreError> {
        let Some(e) = self.enrolment().await? else { return Ok(()) };
        if e.revoked {
            return Ok(());
        }
        let key = heard_domain::b64::base64url_decode(&e.partnership_key).unwrap_or_default();
        let secret = crypto::backup_secret(&key).await?;
        let forgotten = Enrolment {
            device_token: String::new(),
            partnership_key: String::new(),
            revoked: true,
            backup_secret: Some(heard_domain::b64::base64url_encode(&secret)),
            ..e
        };
        self.save_enrolment(&forgotten).await
    }

    /// Keeps this tablet's enrolment (replacing any earlier one), sealed.
    pub async fn save_enrolment(&self, e: &Enrolment) -> Result<(), StoreError> {
        self.put_sealed_setting(ENROLMENT_KEY, e).await
    }

    /// Keeps the practitioner's session (the case context and the child's first name), sealed,
    /// so a reload does not end it; `end_session` wipes it.
    pub async fn save_session(&self, session: &crate::session::Session) -> Result<(), StoreError> {
        self.put_sealed_setting(SESSION_KEY, session).await
    }

    /// The session in progress when the page was last closed, if any (needs the tablet unlocked).
    pub async fn session(&self) -> Result<Option<crate::session::Session>, StoreError> {
        self.sealed_setting(SESSION_KEY).await
    }

    /// Ends the session on this tablet: its context, the child's first name and what the
    /// child said this session (`said`) are deleted, together.
    pub async fn end_session(&self) -> Result<(), StoreError> {
        self.write(&[SETTINGS], |tx| {
            let settings = tx.object_store(SETTINGS)?;
            settings.delete(SESSION_KEY).build()?;
            settings.delete(SAID_KEY).build().map(drop)
        })
        .await
    }

    /// Keeps, sealed, a form the child finished this session, as they gave it (words not yet
    /// scrubbed, and whether or not they agreed to share them), for the practitioner to read
    /// until the session ends. Finishing the same response again replaces it.
    pub async fn add_said(&self, response: &Response) -> Result<(), StoreError> {
        let mut said: Vec<StoredResponse> = self.sealed_setting(SAID_KEY).await?.unwrap_or_default();
        let record = StoredResponse::from(response);
        match said.iter_mut().find(|r| r.id == record.id) {
            Some(kept) => *kept = record,
            None => said.push(record),
        }
        self.put_sealed_setting(SAID_KEY, &said).await
    }

    /// What the children finished this session, oldest first (needs the tablet unlocked).
    pub async fn said(&self) -> Result<Vec<Response>, StoreError> {
        let said: Vec<StoredResponse> = self.sealed_setting(SAID_KEY).await?.unwrap_or_default();
        said.into_iter().map(Response::try_from).collect()
    }

    /// Keeps, sealed, a child's finished response whose follow-up signals the practitioner has
    /// not yet seen, so a reload before the PIN does not lose them; `clear_after_child` once seen.
    pub async fn save_after_child(&self, response: &heard_domain::Response) -> Result<(), StoreError> {
        self.put_sealed_setting(AFTER_CHILD_KEY, &StoredResponse::from(response)).await
    }

    /// The finished response still waiting for the practitioner's look, if any (needs the tablet
    /// unlocked).
    pub async fn after_child(&self) -> Result<Option<heard_domain::Response>, StoreError> {
        self.sealed_setting::<StoredResponse>(AFTER_CHILD_KEY).await?.map(Response::try_from).transpose()
    }

    pub async fn clear_after_child(&self) -> Result<(), StoreError> {
        self.delete_setting(AFTER_CHILD_KEY).await
    }

    /// The partnership's own forms kept on this tablet (readable while locked: a form holds
    /// questions, never answers).
    pub async fn partnership_forms(&self) -> Result<Vec<heard_domain::Form>, StoreError> {
        let Some(json) = self.setting::<String>(FORMS_KEY).await? else {
            return Ok(Vec::new());
        };
        crate::json::from_str(&json).map_err(StoreError::Corrupt)
    }

    /// Keeps `forms` as the partnership's forms, in place of those kept before.
    pub async fn keep_partnership_forms(&self, forms: &[heard_domain::Form]) -> Result<(), StoreError> {
        let json = serde_json::to_string(forms).expect("forms always serialise");
        self.put_setting(FORMS_KEY, &json).await
    }

    /// Whether this tablet has been enrolled (readable while locked).
    pub async fn is_enrolled(&self) -> Result<bool, StoreError> {
        Ok(self.setting::<SealedRecord>(ENROLMENT_KEY).await?.is_some())
    }

    /// This tablet's enrolment, if it has one (needs the tablet unlocked).
    pub async fn enrolment(&self) -> Result<Option<Enrolment>, StoreError> {
        self.sealed_setting(ENROLMENT_KEY).await
    }

    /// Responses a child started and did not finish (e.g. the tab was closed).
    pub async fn drafts(&self) -> Result<Vec<Response>, StoreError> {
        Ok(self.all(DRAFTS).await?.into_iter().map(|o| o.response).collect())
    }

    /// Every response still waiting to be sent, in id order.
    pub async fn pending(&self) -> Result<Vec<Response>, StoreError> {
        Ok(self.pending_outgoing().await?.into_iter().map(|o| o.response).collect())
    }

    /// The same, each with why the server last refused it, if it did (the backup file).
    pub async fn pending_outgoing(&self) -> Result<Vec<Outgoing>, StoreError> {
        self.all(PENDING).await
    }

    /// Of the next `limit` responses waiting to be sent, in id order, after the id `after` (from
    /// the first when `None`), those `waiting` asks for: the outbox sends a page at a time, so
    /// memory stays bounded however many are waiting.
    pub async fn pending_page(&self, after: Option<&str>, limit: u32, waiting: Waiting) -> Result<PendingPage, StoreError> {
        if !self.is_unlocked() {
            return Err(StoreError::Locked);
        }
        let records = self.sealed_page(after, limit).await?;
        let next = records.last().map(|r| r.id.clone());
        let mut responses = Vec::new();
        for r in records.iter().filter(|r| waiting == Waiting::All || !r.refused) {
            responses.push(self.open_response(r).await?);
        }
        Ok(PendingPage { responses, next })
    }

    /// How many responses wait, the first `listed` the server has not refused, and every one it
    /// refused. Reads the outbox a page at a time and opens only the records it returns, so
    /// the outbox opens as fast with 10,000 waiting as with 100.
    pub async fn outbox_overview(&self, listed: usize) -> Result<OutboxOverview, StoreError> {
        if !self.is_unlocked() {
            return Err(StoreError::Locked);
        }
        let mut overview = OutboxOverview { count: 0, listed: Vec::new(), failed: Vec::new() };
        let mut after: Option<String> = None;
        loop {
            let page = self.sealed_page(after.as_deref(), OUTBOX_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            overview.count += page.len();
            for record in page {
                if record.refused {
                    overview.failed.push(self.open_outgoing(&record).await?);
                } else if overview.listed.len() < listed {
                    overview.listed.push(self.open_outgoing(&record).await?);
                }
            }
        }
        Ok(overview)
    }

    /// Up to `limit` records of the outbox after the id `after`, still sealed.
    async fn sealed_page(&self, after: Option<&str>, limit: u32) -> Result<Vec<SealedRecord>, StoreError> {
        let page = match after {
            None => self.read(PENDING, |s| s.get_all::<SealedRecord>().with_limit(limit).serde()).await?,
            Some(id) => {
                self.read(PENDING, |s| s.get_all::<SealedRecord>().with_query::<&str, _>(KeyRange::LowerBound(id, true)).with_limit(limit).serde()).await?
            }
        };
        Ok(page.collect::<Result<_, _>>()?)
    }

    async fn all(&self, store: &str) -> Result<Vec<Outgoing>, StoreError> {
        if !self.is_unlocked() {
            return Err(StoreError::Locked);
        }
        let mut out = Vec::new();
        for r in self.sealed_records(store).await? {
            out.push(self.open_outgoing(&r).await?);
        }
        Ok(out)
    }

    /// Keeps a recorded case outcome, sealed, until the server confirms it.
    pub async fn save_outcome(&self, o: &StoredOutcome) -> Result<(), StoreError> {
        let record = self.seal_record(&o.id, o).await?;
        self.put_record(OUTCOMES, record).await
    }

    pub async fn pending_outcomes(&self) -> Result<Vec<StoredOutcome>, StoreError> {
        Ok(self.pending_outcomes_checked().await?.0)
    }

    /// The case outcomes waiting that can be read and sent, and the ids of those that cannot
    /// (damaged, or not a date or case the server takes): those are never sent, and the outbox
    /// says so and lets the practitioner delete them, rather than one blocking the rest or
    /// waiting unseen for ever.
    pub async fn pending_outcomes_checked(&self) -> Result<(Vec<StoredOutcome>, Vec<String>), StoreError> {
        let (mut readable, mut unreadable) = (Vec::new(), Vec::new());
        for r in self.sealed_records(OUTCOMES).await? {
            match self.open_record::<StoredOutcome>(&r).await {
                Ok(o) if o.sendable() => readable.push(o),
                Ok(_) | Err(StoreError::Corrupt(_) | StoreError::Crypto(_)) => unreadable.push(r.id),
                Err(e) => return Err(e),
            }
        }
        Ok((readable, unreadable))
    }

    /// Deletes case outcomes that cannot be read (`pending_outcomes_checked`).
    pub async fn delete_outcomes(&self, ids: &[String]) -> Result<(), StoreError> {
        self.write(&[OUTCOMES], |tx| ids.iter().try_for_each(|id| tx.object_store(OUTCOMES)?.delete(id.as_str()).build().map(drop))).await
    }

    /// How many case outcomes wait to be sent (readable while locked: it counts records only).
    pub async fn count_outcomes(&self) -> Result<u32, StoreError> {
        self.count(OUTCOMES).await
    }

    /// Unfinished forms held (sealed; counted without the PIN, to say what a wipe loses).
    pub async fn count_drafts(&self) -> Result<u32, StoreError> {
        self.count(DRAFTS).await
    }

    /// Drops the outcomes the server confirmed it holds.
    pub async fn remove_confirmed_outcomes(&self, ids: &[Uuid]) -> Result<(), StoreError> {
        self.remove(OUTCOMES, ids).await
    }

    /// Remembers (sealed) that `items` reached the server, newest first, the last `SENT_KEPT`.
    pub async fn note_sent(&self, items: Vec<SentItem>) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        // The list is read, added to and sealed again, with awaits between: two sends finishing
        // at once (sending by itself and the practitioner's Send) would each write the list
        // without the other's. So one call writes, taking in what others queue meanwhile.
        self.sent_queue.borrow_mut().splice(0..0, items);
        if self.noting_sent.replace(true) {
            return Ok(());
        }
        let written = loop {
            let queued = std::mem::take(&mut *self.sent_queue.borrow_mut());
            if queued.is_empty() {
                break Ok(());
            }
            // A response heard confirmed twice is listed once, where it was newest. A list that
            // cannot be read is started again (it only reminds).
            let earlier = self.sent_lately().await.unwrap_or_default();
            let mut all: Vec<SentItem> = Vec::with_capacity(SENT_KEPT);
            for item in queued.into_iter().chain(earlier) {
                if all.len() < SENT_KEPT && !all.iter().any(|a| a.id == item.id) {
                    all.push(item);
                }
            }
            if let Err(e) = self.put_sealed_setting(SENT_KEY, &all).await {
                break Err(e);
            }
        };
        self.noting_sent.set(false);
        written
    }

    /// The responses sent lately, newest first (needs the tablet unlocked).
    pub async fn sent_lately(&self) -> Result<Vec<SentItem>, StoreError> {
        Ok(self.sealed_setting(SENT_KEY).await?.unwrap_or_default())
    }

    /// Drops the responses the server confirmed it holds, in one transaction.
    pub async fn remove_confirmed(&self, ids: &[Uuid]) -> Result<(), StoreError> {
        self.remove(PENDING, ids).await
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
