//! What the device itself provides: fresh response ids, today's date, and SHA-256.

use heard_domain::Day;
use uuid::Uuid;

/// A random (version 4) UUID from the browser's cryptographic generator.
pub fn new_id() -> Uuid {
    let mut bytes = [0u8; 16];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .expect("Heard runs in a browser window with WebCrypto")
        .get_random_values_with_u8_array(&mut bytes)
        .expect("the browser supplies random values");
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Today's date on the device's own calendar. Only the date is kept, never the time.
pub fn today() -> Day {
    let now = js_sys::Date::new_0();
    Day::from_ymd(now.get_full_year() as u16, now.get_month() as u8 + 1, now.get_date() as u8)
        .expect("the browser's clock gives a real date")
}

/// SHA-256 of `bytes`, as lower-case hex, through WebCrypto.
pub async fn sha256_hex(bytes: &[u8]) -> Option<String> {
    let subtle = web_sys::window()?.crypto().ok()?.subtle();
    let mut data = bytes.to_vec();
    let promise = subtle.digest_with_str_and_u8_array("SHA-256", &mut data).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let digest = js_sys::Uint8Array::new(&buffer).to_vec();
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}
