//! What the device itself provides: fresh response ids and today's date.

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
