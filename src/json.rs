//! JSON read with the browser's own reader (`JSON.parse`), then turned into Rust values by
//! serde-wasm-bindgen, as IndexedDB records are. The bundle then carries no JSON parser of its
//! own: serde_json's, with a copy of every type's reader made for it, cost the tablet's first
//! visit 14 KB compressed. JSON is still written with serde_json (its writer is small).
//! The price is speed: a value crosses from JavaScript a field at a time, several times slower
//! than serde_json reads it. Sending 10,000 queued responses (each record opened and read)
//! took 9.8 s against 9.5 s before (`bench/sync.sh`); what is read at start is kept small
//! (`read_ui_strings`; the built-in forms read when first needed).
//!
//! What reads the same: every type's own rules (checked newtypes such as dates and drawings,
//! enums, required fields), as serde applies them either way. What differs: a field a struct
//! does not have is passed over, not refused (serde-wasm-bindgen reads a struct's own fields by
//! name), so the strict check of what arrives stays the server's; an error names the field or
//! value, not the line and column; a number is read as JavaScript reads it (integers exact to
//! 2^53, which every count, version and time here is well inside). `tests/web/screens.rs` holds both
//! readers to the same results on the shipped forms, wording and every kind of answer.

use heard_domain::i18n::UiStrings;
use js_sys::{Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

/// `text` read as JSON into a `T`; the error says what was wrong with it.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_wasm_bindgen::from_value(parse(text)?).map_err(|e| e.to_string())
}

fn parse(text: &str) -> Result<JsValue, String> {
    js_sys::JSON::parse(text).map_err(|e| String::from(js_sys::Error::from(e).message()))
}

/// A translation file, as `from_str` reads it, but with its wording brought across from the
/// browser in one piece. Reading the three shipped files at start, 4x CPU throttling: each
/// string on its own (`from_str`) 19 ms, this way 6–9 ms (serde_json took 1–2 ms).
/// Only for the shipped files: a value that is not a string would be read as its text,
/// where `from_str` refuses it (tests/web/screens.rs holds both to the same result on them).
pub fn read_ui_strings(text: &str) -> Result<UiStrings, String> {
    let file = parse(text)?;
    let key = JsValue::from_str("strings");
    let strings = Reflect::get(&file, &key).ok().filter(JsValue::is_object).ok_or("strings: not an object")?;
    let strings: &Object = strings.unchecked_ref();
    // Every key and string, in order, joined by NUL (which no wording holds).
    let joined = String::from(Object::entries(strings).flat(1).join("\0"));
    let parts: Vec<&str> = if joined.is_empty() { Vec::new() } else { joined.split('\0').collect() };
    if parts.len() != 2 * Object::keys(strings).length() as usize {
        return Err("strings: a key or string holds a NUL character".into());
    }
    // The rest of the file (language, name, review) through the types' own rules.
    Reflect::set(&file, &key, &Object::new()).map_err(|_| "strings: cannot be read")?;
    let mut read: UiStrings = serde_wasm_bindgen::from_value(file).map_err(|e| e.to_string())?;
    for kv in parts.chunks(2) {
        read.strings.insert(kv[0].to_string(), kv[1].to_string());
    }
    Ok(read)
}
