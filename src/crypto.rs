//! Encryption at rest, through WebCrypto: the only module that knows it.
//!
//! A random 256-bit data key encrypts every record (AES-GCM, a fresh 96-bit IV per record).
//! The data key is stored only wrapped (AES-GCM) under a key derived from the practitioner's
//! PIN with PBKDF2-HMAC-SHA256, 600,000 iterations and a random 128-bit salt (OWASP 2023).
//! Unwrapped, the data key lives in memory only, as a non-extractable `CryptoKey`.
//!
//! Architecture invariant: nothing here awaits inside an IndexedDB transaction; callers seal
//! first, then write.

use heard_domain::b64::{base64url_decode, base64url_encode};
use heard_domain::enrolment::SECRET_BYTES;
use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

pub const PBKDF2_ITERATIONS: u32 = 600_000;
const IV_BYTES: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("this browser cannot encrypt (WebCrypto needs HTTPS or localhost)")]
    Unavailable,
    #[error("the PIN is not right")]
    WrongPin,
    #[error("a stored record could not be decrypted")]
    Damaged,
}

/// The unwrapped data key, in memory only.
#[derive(Clone, Debug)]
pub struct DataKey(CryptoKey);

/// What is stored about the data key: everything but the PIN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub salt: String,
    pub iterations: u32,
    /// The data key, sealed under the PIN-derived key.
    pub wrapped: String,
}

fn subtle() -> Result<SubtleCrypto, CryptoError> {
    Ok(web_sys::window().ok_or(CryptoError::Unavailable)?.crypto().map_err(|_| CryptoError::Unavailable)?.subtle())
}

/// `n` bytes from the browser's cryptographic generator; never zeros in their place.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, CryptoError> {
    let mut bytes = vec![0u8; n];
    let crypto = web_sys::window().ok_or(CryptoError::Unavailable)?.crypto().map_err(|_| CryptoError::Unavailable)?;
    crypto.get_random_values_with_u8_array(&mut bytes).map_err(|_| CryptoError::Unavailable)?;
    Ok(bytes)
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn usages(list: &[&str]) -> JsValue {
    list.iter().map(|u| JsValue::from_str(u)).collect::<Array>().into()
}

fn aes_gcm() -> Object {
    object(&[("name", "AES-GCM".into()), ("length", 256.into())])
}

async fn resolve(p: Result<js_sys::Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(p?).await
}

/// The key that wraps the data key, derived from the PIN.
async fn pin_key(pin: &str, salt: &[u8], iterations: u32) -> Result<CryptoKey, CryptoError> {
    let subtle = subtle()?;
    let raw = Uint8Array::from(pin.as_bytes());
    let base = resolve(subtle.import_key_with_object("raw", &raw, &object(&[("name", "PBKDF2".into())]), false, &usages(&["deriveKey"])))
        .await
        .map_err(|_| CryptoError::Unavailable)?;
    let params = object(&[("name", "PBKDF2".into()), ("hash", "SHA-256".into()), ("salt", Uint8Array::from(salt).into()), ("iterations", iterations.into())]);
    let key = resolve(subtle.derive_key_with_object_and_object(&params, &base.unchecked_into(), &aes_gcm(), false, &usages(&["encrypt", "decrypt"])))
        .await
        .map_err(|_| CryptoError::Unavailable)?;
    Ok(key.unchecked_into())
}

async fn import_data_key(raw: &[u8]) -> Result<DataKey, CryptoError> {
    let key = resolve(subtle()?.import_key_with_object("raw", &Uint8Array::from(raw), &aes_gcm(), false, &usages(&["encrypt", "decrypt"])))
        .await
        .map_err(|_| CryptoError::Unavailable)?;
    Ok(DataKey(key.unchecked_into()))
}

async fn seal_with(key: &CryptoKey, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let iv = random_bytes(IV_BYTES)?;
    let params = object(&[("name", "AES-GCM".into()), ("iv", Uint8Array::from(iv.as_slice()).into())]);
    let sealed = resolve(subtle()?.encrypt_with_object_and_u8_array(&params, key, plaintext)).await.map_err(|_| CryptoError::Unavailable)?;
    let mut out = iv;
    out.extend(Uint8Array::new(&sealed).to_vec());
    Ok(out)
}

async fn open_with(key: &CryptoKey, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < IV_BYTES + 16 {
        return Err(CryptoError::Damaged);
    }
    let (iv, body) = sealed.split_at(IV_BYTES);
    let params = object(&[("name", "AES-GCM".into()), ("iv", Uint8Array::from(iv).into())]);
    // AES-GCM checks integrity: a wrong key or a changed byte fails here.
    let plain = resolve(subtle()?.decrypt_with_object_and_u8_array(&params, key, body)).await.map_err(|_| CryptoError::Damaged)?;
    Ok(Uint8Array::new(&plain).to_vec())
}

impl DataKey {
    /// Encrypts `plaintext`; the result is text, ready to store.
    pub async fn seal(&self, plaintext: &[u8]) -> Result<String, CryptoError> {
        Ok(base64url_encode(&seal_with(&self.0, plaintext).await?))
    }

    pub async fn open(&self, sealed: &str) -> Result<Vec<u8>, CryptoError> {
        open_with(&self.0, &base64url_decode(sealed).ok_or(CryptoError::Damaged)?).await
    }
}

/// Makes a new data key and wraps it under `pin`.
pub async fn new_keyring(pin: &str, iterations: u32) -> Result<(Keyring, DataKey), CryptoError> {
    let raw = random_bytes(32)?;
    let salt = random_bytes(16)?;
    let wrapping = pin_key(pin, &salt, iterations).await?;
    let wrapped = seal_with(&wrapping, &raw).await?;
    let key = import_data_key(&raw).await?;
    Ok((Keyring { salt: base64url_encode(&salt), iterations, wrapped: base64url_encode(&wrapped) }, key))
}

/// Unwraps the data key with `pin`; `WrongPin` when it does not open.
pub async fn unlock(keyring: &Keyring, pin: &str) -> Result<DataKey, CryptoError> {
    let salt = base64url_decode(&keyring.salt).ok_or(CryptoError::Damaged)?;
    let wrapped = base64url_decode(&keyring.wrapped).ok_or(CryptoError::Damaged)?;
    let wrapping = pin_key(pin, &salt, keyring.iterations).await?;
    let raw = open_with(&wrapping, &wrapped).await.map_err(|_| CryptoError::WrongPin)?;
    import_data_key(&raw).await
}

/// Seals the partnership key for one enrolment: a fresh one-time secret (an AES-128-GCM key,
/// for the enrolment text) and the key sealed under it (IV, ciphertext and tag, for the server).
pub async fn seal_for_enrolment(key: &[u8; 32]) -> Result<([u8; SECRET_BYTES], Vec<u8>), CryptoError> {
    let secret: [u8; SECRET_BYTES] = random_bytes(SECRET_BYTES)?.try_into().map_err(|_| CryptoError::Unavailable)?;
    let sealed = seal_with(&secret_key(&secret).await?, key).await?;
    Ok((secret, sealed))
}

/// Opens a key sealed by `seal_for_enrolment` with the text's secret; `Damaged` when it does
/// not open (another secret, or a changed byte).
pub async fn open_enrolment_key(secret: &[u8; SECRET_BYTES], sealed: &[u8]) -> Result<[u8; 32], CryptoError> {
    open_with(&secret_key(secret).await?, sealed).await?.try_into().map_err(|_| CryptoError::Damaged)
}

/// The key a partnership's next key is sealed under for tablets that hold `key`.
async fn rotation_key(key: &[u8; 32]) -> Result<DataKey, CryptoError> {
    import_data_key(&hmac_sha256(key, b"heard key rotation v1").await?).await
}

/// Seals a partnership's new key for the tablets holding the key in use (`old`): they open it
/// on their next contact; the server cannot.
pub async fn seal_rotation(old: &[u8; 32], new: &[u8; 32]) -> Result<Vec<u8>, CryptoError> {
    seal_with(&rotation_key(old).await?.0, new).await
}

/// Opens a key sealed by `seal_rotation` with the key it followed.
pub async fn open_rotation(old: &[u8; 32], sealed: &[u8]) -> Result<[u8; 32], CryptoError> {
    open_with(&rotation_key(old).await?.0, sealed).await?.try_into().map_err(|_| CryptoError::Damaged)
}

async fn secret_key(secret: &[u8; SECRET_BYTES]) -> Result<CryptoKey, CryptoError> {
    let algorithm = object(&[("name", "AES-GCM".into())]);
    let key = resolve(subtle()?.import_key_with_object("raw", &Uint8Array::from(secret.as_slice()), &algorithm, false, &usages(&["encrypt", "decrypt"])))
        .await
        .map_err(|_| CryptoError::Unavailable)?;
    Ok(key.unchecked_into())
}

/// An HMAC-SHA256 key imported once, for signing many messages (an outcome import
/// pseudonymises every line with the partnership key). Never extractable: the coordinator's
/// browser keeps it in IndexedDB as this `CryptoKey`, which no script can read back as bytes.
#[derive(Clone, Debug)]
pub struct HmacKey(web_sys::CryptoKey);

impl HmacKey {
    /// The `CryptoKey` itself, to keep in IndexedDB (structured clone keeps it non-extractable).
    pub fn as_js(&self) -> &JsValue {
        self.0.as_ref()
    }

    /// A key read back from IndexedDB, when it is a non-extractable HMAC key.
    pub fn from_js(value: JsValue) -> Option<HmacKey> {
        let key: CryptoKey = value.dyn_into().ok()?;
        let name = Reflect::get(&key.algorithm().ok()?.into(), &"name".into()).ok()?.as_string()?;
        (name == "HMAC" && !key.extractable()).then_some(HmacKey(key))
    }

    pub async fn import(key: &[u8]) -> Result<HmacKey, CryptoError> {
        let subtle = subtle()?;
        let algorithm = object(&[("name", "HMAC".into()), ("hash", "SHA-256".into())]);
        let key = resolve(subtle.import_key_with_object("raw", &Uint8Array::from(key), &algorithm, false, &usages(&["sign"])))
            .await
            .map_err(|_| CryptoError::Unavailable)?;
        Ok(HmacKey(key.unchecked_into()))
    }

    pub async fn sign(&self, data: &[u8]) -> Result<[u8; 32], CryptoError> {
        let mac = resolve(subtle()?.sign_with_str_and_u8_array("HMAC", &self.0, data)).await.map_err(|_| CryptoError::Unavailable)?;
        Uint8Array::new(&mac).to_vec().try_into().map_err(|_| CryptoError::Unavailable)
    }
}

pub async fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<[u8; 32], CryptoError> {
    let subtle = subtle()?;
    let algorithm = object(&[("name", "HMAC".into()), ("hash", "SHA-256".into())]);
    let key = resolve(subtle.import_key_with_object("raw", &Uint8Array::from(key), &algorithm, false, &usages(&["sign"])))
        .await
        .map_err(|_| CryptoError::Unavailable)?;
    let mac = resolve(subtle.sign_with_str_and_u8_array("HMAC", &key.unchecked_into(), data)).await.map_err(|_| CryptoError::Unavailable)?;
    Uint8Array::new(&mac).to_vec().try_into().map_err(|_| CryptoError::Unavailable)
}

/// The key an outbox backup file is sealed with: derived from the partnership key (HMAC-SHA256
/// of a fixed label), so any tablet enrolled in the partnership, and no other, can open it.
pub async fn backup_key(partnership_key: &[u8]) -> Result<DataKey, CryptoError> {
    import_data_key(&backup_secret(partnership_key).await?).await
}

/// What `backup_key` is made from: kept instead of the partnership key by a revoked tablet, so
/// it can still save its outbox for another tablet, and cannot pseudonymise (HMAC is one-way).
pub async fn backup_secret(partnership_key: &[u8]) -> Result<[u8; 32], CryptoError> {
    hmac_sha256(partnership_key, b"heard outbox backup v1").await
}

/// `backup_key` from a kept `backup_secret`.
pub async fn backup_key_from_secret(secret: &[u8]) -> Result<DataKey, CryptoError> {
    import_data_key(secret).await
}
