//! What the device itself provides: fresh response ids, today's date, SHA-256, and what the
//! browser says about keeping Heard's data.

use heard_domain::Day;
use uuid::Uuid;
use wasm_bindgen::JsCast;

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

/// Whether the browser believes it has a network (it can be wrong the other way: a Wi-Fi
/// login page counts as online; sending finds that out).
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Whether this browser lets the page use local storage. gloo's `LocalStorage` throws where it
/// does not (site data blocked), so every use asks this first.
pub fn local_storage_allowed() -> bool {
    web_sys::window().is_some_and(|w| w.local_storage().is_ok_and(|s| s.is_some()))
}

/// Today's date on the device's own calendar. Only the date is kept, never the time.
pub fn today() -> Day {
    let now = js_sys::Date::new_0();
    Day::from_ymd(now.get_full_year() as u16, now.get_month() as u8 + 1, now.get_date() as u8).expect("the browser's clock gives a real date")
}

/// SHA-256 of `bytes`, as lower-case hex, through WebCrypto.
pub async fn sha256_hex(bytes: &[u8]) -> Option<String> {
    let subtle = web_sys::window()?.crypto().ok()?.subtle();
    let promise = subtle.digest_with_str_and_u8_array("SHA-256", bytes).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let digest = js_sys::Uint8Array::new(&buffer).to_vec();
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// What the browser says about Heard's data on this tablet: whether it will keep it when space
/// runs short (rather than clear it as it may clear a cache), and the bytes used and allowed.
/// `None` where the browser does not say.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StorageReport {
    pub persisted: Option<bool>,
    pub usage: Option<f64>,
    pub quota: Option<f64>,
}

/// Reads the storage report, first asking the browser to keep Heard's data when it does not
/// already (Chromium decides without a prompt).
pub async fn storage_report() -> StorageReport {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::JsCast;
    let Some(storage) = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"navigator".into()).ok())
        .and_then(|n| Reflect::get(&n, &"storage".into()).ok())
        .filter(|s| s.is_object())
    else {
        return StorageReport::default();
    };
    let call = |name: &str| -> Option<Promise> {
        let f: Function = Reflect::get(&storage, &name.into()).ok()?.dyn_into().ok()?;
        f.call0(&storage).ok()?.dyn_into().ok()
    };
    let answer = |p: Option<Promise>| async move { wasm_bindgen_futures::JsFuture::from(p?).await.ok() };
    let mut persisted = answer(call("persisted")).await.and_then(|v| v.as_bool());
    if persisted == Some(false) {
        persisted = answer(call("persist")).await.and_then(|v| v.as_bool()).or(persisted);
    }
    let estimate = answer(call("estimate")).await;
    let number = |key: &str| estimate.as_ref().and_then(|e| Reflect::get(e, &key.into()).ok()).and_then(|v| v.as_f64());
    StorageReport { persisted, usage: number("usage"), quota: number("quota") }
}

/// Bytes as people read them: "3.2 MB", "1.5 GB". Whole numbers only: formatting an `f64`
/// would bring the float printer (~5 KB compressed) into the tablet's bundle for this one line.
pub fn size_text(bytes: f64) -> String {
    let tenths_of = |unit: f64| (bytes.max(0.0) / unit * 10.0).round() as u64;
    // Each unit rounded from the bytes once: rounding the megabytes again would show
    // 1,549,960,000 bytes as 1.6 GB.
    let (tenths, unit) = match tenths_of(1e6) {
        mb if mb < 10_000 => (mb, "MB"),
        _ => (tenths_of(1e9), "GB"),
    };
    format!("{}.{} {unit}", tenths / 10, tenths % 10)
}

/// Offers `text` to the browser as a file download named `name`.
pub fn download(name: &str, text: &str, mime: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let a: web_sys::HtmlElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_attribute("href", &url).ok()?;
    a.set_attribute("download", name).ok()?;
    a.click();
    // Safari and Firefox may read the file after `click` returns: the address is released a
    // minute later rather than at once, or the download could come out empty.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}

/// The text of the file chosen in a file input.
pub async fn read_chosen_file(input: &web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok()?;
    text.as_string()
}
