//! JSON read with the browser's own reader (`JSON.parse`), then turned into Rust values the
//! way IndexedDB records are (`idb::from_js`). The bundle then carries no JSON parser of its
//! own: serde_json's, with a copy of every type's reader made for it, cost the tablet's first
//! visit 14 KB compressed. JSON is still written with serde_json (its writer is small).
//!
//! What reads the same: every type's own rules (checked newtypes such as dates and drawings,
//! enums, required fields), as serde applies them either way. What differs: a field a struct
//! does not have is passed over, not refused (serde-wasm-bindgen reads a struct's own fields by
//! name), so the strict check of what arrives stays the server's; an error names the field or
//! value, not the line and column; a number is read as JavaScript reads it (integers exact to
//! 2^53, which every count, version and time here is well inside). `tests/web.rs` holds both
//! readers to the same results on the shipped forms, wording and every kind of answer.

use serde::de::DeserializeOwned;

/// `text` read as JSON into a `T`; the error says what was wrong with it.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|e| String::from(js_sys::Error::from(e).message()))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}
