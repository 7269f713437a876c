//! The tablet's benchmark page (`bash bench/sync.sh`, `bash bench/tablet.sh`; never part of the
//! app's bundle). In a real Chromium it enrols an IndexedDB store with the enrolment text in the
//! page's address (`?enrol=HEARD-…`) and queues synthetic responses (`&n=10000`) sealed as the app
//! seals them; then, by `&mode=`:
//! - `sync` (default): sends them all with the app's own `send_pending`;
//! - `tablet`: uses the app's own database (so the app, opened next, finds them) and times how
//!   long each answer takes to become durable, as the form runner saves it.
//!
//! The figures are written into the page as JSON (`#result`) for the bench's script to print.

use heard::store::{Enrolment, Store};
use heard::{device, sync};
use heard_domain::b64::base64url_encode;
use heard_domain::enrolment::EnrolmentText;
use heard_domain::synthetic::{self, Item};
use serde_json::json;
use wasm_bindgen::JsValue;

fn main() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let result = match run().await {
            Ok(figures) => figures,
            Err(e) => json!({ "error": e }),
        };
        let document = web_sys::window().and_then(|w| w.document()).expect("a page");
        let pre = document.create_element("pre").expect("an element");
        pre.set_id("result");
        pre.set_text_content(Some(&result.to_string()));
        document.body().expect("a body").append_child(&pre).expect("appended");
    });
}

fn param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let value = search.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix(&format!("{name}=")))?;
    js_sys::decode_uri_component(value).ok().map(String::from)
}

/// Bytes of WebAssembly memory (it only grows: after a run, the most the run needed).
fn wasm_bytes() -> f64 {
    let buffer = js_sys::Reflect::get(&wasm_bindgen::memory(), &JsValue::from_str("buffer")).unwrap_or(JsValue::UNDEFINED);
    js_sys::Reflect::get(&buffer, &JsValue::from_str("byteLength")).ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
}

/// Chromium's JavaScript heap in use (`performance.memory`, Chromium only).
fn js_heap_bytes() -> f64 {
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let window: JsValue = web_sys::window().map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
    get(&get(&get(&window, "performance"), "memory"), "usedJSHeapSize").as_f64().unwrap_or(0.0)
}

/// Milliseconds, to a fraction of one (`performance.now()`).
fn now_ms() -> f64 {
    let window: JsValue = web_sys::window().map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
    js_sys::Reflect::get(&window, &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| js_sys::Reflect::get(&p, &JsValue::from_str("now")).ok().map(|f| (p, f)))
        .and_then(|(p, f)| js_sys::Function::from(f).call0(&p).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or_else(js_sys::Date::now)
}

fn mib(bytes: f64) -> f64 {
    (bytes / 1048576.0 * 10.0).round() / 10.0
}

async fn run() -> Result<serde_json::Value, String> {
    let text = param("enrol").ok_or("no ?enrol= in the address")?;
    let n: usize = param("n").and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let parsed = EnrolmentText::parse(&text).map_err(|e| e.to_string())?;
    let reply = sync::enrol(&parsed.code).await.map_err(|e| e.to_string())?;
    let sealed = heard_domain::b64::base64url_decode(&reply.sealed_key).ok_or("the sealed key is not base64url")?;
    let key = heard::crypto::open_enrolment_key(&parsed.secret, &sealed).await.map_err(|e| e.to_string())?;
    let tablet = param("mode").as_deref() == Some("tablet");
    let name = if tablet { heard::store::DB_NAME.to_string() } else { format!("heard-bench-{}", device::new_id()) };
    let store = Store::open_named(&name).await.map_err(|e| e.to_string())?;
    store.set_pin("246813").await.map_err(|e| e.to_string())?;
    let enrolment = Enrolment {
        device_token: reply.device_token,
        partnership_key: base64url_encode(&key),
        key_fingerprint: device::sha256_hex(&key).await.ok_or("no WebCrypto")?,
        agency: reply.agency,
        partnership: reply.partnership,
        revoked: false,
        backup_secret: None,
        earlier: Vec::new(),
    };
    store.save_enrolment(&enrolment).await.map_err(|e| e.to_string())?;

    // Queued as a practitioner's tablet would hold them: each sealed and saved on its own.
    let started = js_sys::Date::now();
    let mut queued = 0;
    let mut bytes = 0;
    for item in synthetic::generate(7, n, 1, device::today()) {
        if queued == n {
            break;
        }
        if let Item::Response(_, r) = item {
            bytes += serde_json::to_vec(&heard_domain::wire::ResponseV1::from(&r)).map(|v| v.len()).unwrap_or(0);
            store.save_pending(&r).await.map_err(|e| e.to_string())?;
            queued += 1;
        }
    }
    let queue_ms = js_sys::Date::now() - started;
    if tablet {
        return answer_to_durable(&store, queued, queue_ms).await;
    }
    let (wasm_before, heap_before) = (wasm_bytes(), js_heap_bytes());

    let started = js_sys::Date::now();
    let report = sync::send_pending(&store).await.map_err(|e| e.to_string())?;
    let sync_ms = js_sys::Date::now() - started;
    let left = store.count_pending().await.map_err(|e| e.to_string())?;

    Ok(json!({
        "responses": queued,
        "wire_mib": mib(bytes as f64),
        "queue_s": (queue_ms / 100.0).round() / 10.0,
        "sync_s": (sync_ms / 100.0).round() / 10.0,
        "confirmed": report.confirmed,
        "still_pending": left,
        "wasm_mib_before_sync": mib(wasm_before),
        "wasm_mib_after_sync": mib(wasm_bytes()),
        "js_heap_mib_before_sync": mib(heap_before),
        "js_heap_mib_after_sync": mib(js_heap_bytes()),
    }))
}

/// With `stored` responses already on the tablet, a child answers one form over and over: each
/// answer is saved as the form runner saves it (the whole draft sealed and written, the
/// transaction committed) and timed until the write is durable.
async fn answer_to_durable(store: &Store, stored: usize, queue_ms: f64) -> Result<serde_json::Value, String> {
    use heard_domain::{AnswerValue, Catalogue, Response};
    let form = Catalogue::built_in().latest("middle-check").cloned().ok_or("no middle-check form")?;
    let mut draft = Response {
        id: device::new_id(),
        form_id: form.id.clone(),
        form_version: form.version,
        lang: heard_domain::Lang::en(),
        date: device::today(),
        answers: Vec::new(),
        share: false,
        context: heard_domain::case::CaseContext::example(1),
    };
    let mut times = Vec::with_capacity(300);
    for i in 0..300u32 {
        draft.set_answer("home", AnswerValue::Face(1 + (i % 5) as u8));
        draft.set_answer("words", AnswerValue::Text(format!("answer number {i}")));
        let started = now_ms();
        store.save_draft(&draft).await.map_err(|e| e.to_string())?;
        times.push(now_ms() - started);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Ok(json!({
        "responses": stored,
        "queue_s": (queue_ms / 100.0).round() / 10.0,
        "answers_saved": times.len(),
        "durable_ms_p50": (at(0.5) * 10.0).round() / 10.0,
        "durable_ms_p95": (at(0.95) * 10.0).round() / 10.0,
        "durable_ms_max": (at(1.0) * 10.0).round() / 10.0,
    }))
}
