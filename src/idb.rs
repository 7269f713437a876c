//! The little of IndexedDB the store uses, straight on the browser's API: each request as a
//! future, a transaction's commit as a future, and records as JS objects. A general wrapper
//! crate (indexed_db_futures) cost the tablet's first visit 7.7 KB more, compressed, for the
//! same few calls.
//!
//! Only `store.rs` and the coordinator's `key.rs` use this. As there, nothing but IndexedDB may be awaited between a
//! transaction's creation and its end: the browser commits a transaction once the page goes
//! back to the event loop with no request of it pending. Write transactions therefore make all
//! their requests at once and then wait for `commit`.

use js_sys::{Array, Function, Promise};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomException, IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbRequest, IdbTransaction, IdbTransactionMode};

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

impl IdbError {
    fn new(name: &str, message: &str) -> Self {
        IdbError { name: name.to_string(), message: message.to_string() }
    }

    fn of(e: &DomException) -> Self {
        IdbError { name: e.name(), message: e.message() }
    }
}

impl From<JsValue> for IdbError {
    fn from(e: JsValue) -> Self {
        match e.dyn_ref::<DomException>() {
            Some(d) => IdbError::of(d),
            None => IdbError::new("Error", &js_sys::Error::from(e).message().as_string().unwrap_or_default()),
        }
    }
}

/// Waits for `req` to succeed or fail: its result, or why it failed.
pub async fn request(req: &IdbRequest) -> Result<JsValue, IdbError> {
    let done = Promise::new(&mut |resolve: Function, reject: Function| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    match outcome {
        Ok(_) => Ok(req.result()?),
        Err(_) => Err(req.error().ok().flatten().map_or_else(|| IdbError::new("UnknownError", "the request failed"), |e| IdbError::of(&e))),
    }
}

/// Opens database `name` at `version`; when it is older (or new), `upgrade` gets the database
/// and its old version (0 for a new one) to bring it up to date, before anything else sees it.
pub async fn open(name: &str, version: u32, upgrade: impl FnOnce(&IdbDatabase, f64) -> Result<(), JsValue> + 'static) -> Result<IdbDatabase, IdbError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| IdbError::new("NotSupportedError", "this browser offers no IndexedDB here"))?;
    let req = factory.open_with_u32(name, version)?;
    let on_upgrade = {
        let req = req.clone();
        Closure::once(move |event: web_sys::IdbVersionChangeEvent| {
            let upgraded = req.result().and_then(|db| upgrade(&db.unchecked_into(), event.old_version()));
            if upgraded.is_err() {
                // Nothing of a failed upgrade is kept; the open then fails with AbortError.
                if let Some(tx) = req.transaction() {
                    let _ = tx.abort();
                }
            }
        })
    };
    req.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let opened = request(&req).await;
    req.set_onupgradeneeded(None);
    Ok(opened?.unchecked_into())
}

/// Creates object store `name` during an upgrade, its records keyed by their `key_path`
/// property, or by the key given with each `put` when `None`.
pub fn create_store(db: &IdbDatabase, name: &str, key_path: Option<&str>) -> Result<(), JsValue> {
    let params = IdbObjectStoreParameters::new();
    if let Some(path) = key_path {
        params.set_key_path(&JsValue::from_str(path));
    }
    db.create_object_store_with_optional_parameters(name, &params).map(|_| ())
}

/// A transaction over `stores`, read-only or read-write.
pub fn transaction(db: &IdbDatabase, stores: &[&str], write: bool) -> Result<IdbTransaction, IdbError> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    let mode = if write { IdbTransactionMode::Readwrite } else { IdbTransactionMode::Readonly };
    Ok(db.transaction_with_str_sequence_and_mode(&names, mode)?)
}

/// Object store `name` of a read-only transaction of its own.
pub fn reading(db: &IdbDatabase, name: &str) -> Result<IdbObjectStore, IdbError> {
    Ok(transaction(db, &[name], false)?.object_store(name)?)
}

/// Ends `tx` (its requests all made) and waits until its writes are kept; if the browser
/// aborted it instead, the transaction's error says why (`None` if it gave none).
pub async fn commit(tx: &IdbTransaction) -> Result<(), Option<IdbError>> {
    let done = Promise::new(&mut |resolve: Function, reject: Function| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    });
    // Ending at once saves a turn of the event loop; browsers without `commit` (web-sys marks
    // it deprecated for them) end it anyway, as every request was made in this same task.
    #[allow(deprecated)]
    let _ = tx.commit();
    let outcome = JsFuture::from(done).await;
    tx.set_oncomplete(None);
    tx.set_onabort(None);
    outcome.map(|_| ()).map_err(|_| tx.error().map(|e| IdbError::of(&e)))
}

/// `value` as the JS object kept in IndexedDB (maps as plain objects).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true)).expect("records always serialise")
}

/// A record read back, as `to_js` wrote it.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// Every record in `array` (a `getAll` result), read back.
pub fn all_from_js<T: DeserializeOwned>(array: JsValue) -> Result<Vec<T>, String> {
    Array::from(&array).iter().map(from_js).collect()
}
