//! The only module that talks to the server: enrols the tablet, sends pending responses in
//! batches (removing from the tablet exactly those the server confirmed), and carries the
//! coordinator's login.

use crate::store::{Store, StoreError, StoredOutcome, Waiting};
use gloo_net::http::Request;
use heard_domain::access::{EnrolReply, EnrolRequest, LoginRequest, Me, CSRF_HEADER, ENROL_PATH, LOGIN_PATH, LOGOUT_PATH, ME_PATH};
use heard_domain::wire::{
    batches, ApiError, BatchReply, FormsReply, ItemStatus, Stats, SubmitOutcomes, FORMS_PATH, MAX_BATCH_RESPONSES, OUTCOMES_PATH, RESPONSES_PATH, STATS_PATH,
};
use uuid::Uuid;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SendReport {
    /// Responses the server now holds (stored now, or already had).
    pub confirmed: usize,
    /// Responses the server refused to store because it holds a different one under the id.
    pub conflicts: usize,
    /// Responses the server rejected as breaking a rule, and the first reason it gave.
    pub rejected: usize,
    pub first_reason: Option<String>,
    /// Case outcomes the server now holds.
    pub outcomes_confirmed: usize,
    /// Case outcomes kept on the tablet that cannot be read, so are not sent.
    pub outcomes_unreadable: usize,
    /// The partnership's forms the tablet could not use, and why (see `forms::keep`).
    pub forms_refused: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Offline, server down, the connection dropped, or something else answered in its place
    /// (a proxy, a gateway, a Wi-Fi login page): nothing is known to have arrived.
    #[error("the server could not be reached")]
    Unreachable,
    /// The server answered with an error: its code (`heard_domain::wire::codes`) and its own
    /// explanation.
    #[error("the server refused the batch: {detail}")]
    Refused { code: String, detail: String },
    /// The tablet has no enrolment, so it has no token to send with.
    #[error("this tablet is not enrolled")]
    NotEnrolled,
    /// The server says the caller must log in (staff) or enrol again (device).
    #[error("not allowed: {detail}")]
    NotAllowed { code: String, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sends everything pending. Each batch that the server confirms is removed at once, so an
/// interruption part-way leaves only unconfirmed responses pending.
pub async fn send_pending(store: &Store) -> Result<SendReport, SendError> {
    let (report, sent) = send_pending_with(store, &|_, _| {}).await;
    sent.map(|()| report)
}

/// The same, telling `progress(done, total)` after each batch the server answered: the
/// practitioner's Send, which offers the server again what it refused before. What was done
/// comes back even when the send then broke off (200 sent, then the signal went).
pub async fn send_pending_with(store: &Store, progress: &dyn Fn(usize, usize)) -> (SendReport, Result<(), SendError>) {
    let mut report = SendReport::default();
    let sent = send(store, Waiting::All, progress, &mut report).await;
    (report, sent)
}

/// What automatic sending sends: the responses the server has not refused (it would only
/// refuse them again, every minute), then the case outcomes, and it fetches the forms. What
/// was done comes back even when the send then broke off.
pub async fn send_not_refused(store: &Store) -> (SendReport, Result<(), SendError>) {
    let mut report = SendReport::default();
    let sent = send(store, Waiting::NotRefused, &|_, _| {}, &mut report).await;
    (report, sent)
}

impl SendError {
    /// The server's refusal code (`heard_domain::wire::codes`), or "" when the server did not
    /// refuse.
    pub fn code(&self) -> &str {
        match self {
            SendError::Refused { code, .. } | SendError::NotAllowed { code, .. } => code,
            _ => "",
        }
    }
}

impl SendReport {
    /// Whether anything left the outbox or was marked refused in it.
    pub fn changed_outbox(&self) -> bool {
        self.confirmed + self.outcomes_confirmed + self.rejected + self.conflicts > 0
    }
}

thread_local! {
    /// Responses finished on the child's screen that is still showing: the child may yet
    /// answer whether their words may be shared, which changes what is sent.
    static HELD: std::cell::RefCell<std::collections::HashSet<Uuid>> = std::cell::RefCell::new(std::collections::HashSet::new());
}

/// Keeps `id` back from sending while the child's end screen shows (`release` when it goes):
/// sent before the child said yes to sharing, the resend with their consent would be a
/// different response under the same id, refused as a conflict, and the consent lost.
pub fn hold(id: Uuid) {
    HELD.with_borrow_mut(|h| h.insert(id));
}

pub fn release(id: Uuid) {
    HELD.with_borrow_mut(|h| h.remove(&id));
}

/// Sends what `waiting` chooses, adding to `report` as it goes (so it tells what was done
/// even when the send breaks off). Told that the tablet is revoked, it deletes the tablet's
/// token and partnership key at once (`Store::forget_credentials`); the answers stay.
async fn send(store: &Store, waiting: Waiting, progress: &dyn Fn(usize, usize), report: &mut SendReport) -> Result<(), SendError> {
    let sent = send_enrolled(store, waiting, progress, report).await;
    if let Err(e) = &sent {
        if e.code() == heard_domain::wire::codes::DEVICE_REVOKED {
            store.forget_credentials().await?;
        }
    }
    sent
}

async fn send_enrolled(store: &Store, waiting: Waiting, progress: &dyn Fn(usize, usize), report: &mut SendReport) -> Result<(), SendError> {
    let enrolment = store.enrolment().await?.ok_or(SendError::NotEnrolled)?;
    if enrolment.revoked {
        return Err(SendError::NotAllowed { code: heard_domain::wire::codes::DEVICE_REVOKED.to_string(), detail: "this tablet was revoked".into() });
    }
    let total = store.count_pending().await? as usize;
    let mut done = 0;
    // The last responses the server confirmed, for the outbox's "Sent lately": written once a
    // send, even one that broke off after some were confirmed (only a reminder: not kept is
    // no loss).
    let mut sent = Vec::new();
    let responses = async {
        // A page at a time, in id order: what is held in memory stays bounded however many wait.
        let mut after: Option<String> = None;
        loop {
            let page = store.pending_page(after.as_deref(), crate::store::OUTBOX_PAGE, waiting).await?;
            let Some(next) = page.next else { break };
            after = Some(next);
            let ready: Vec<heard_domain::Response> = page.responses.into_iter().filter(|r| !HELD.with_borrow(|h| h.contains(&r.id))).collect();
            send_page(&enrolment, &ready, report, &mut sent, store, &mut |n| {
                done += n;
                progress(done, total.max(done));
            })
            .await?;
        }
        Ok::<(), SendError>(())
    }
    .await;
    sent.reverse();
    let _ = store.note_sent(sent).await;
    responses?;
    let (outcomes, unreadable) = store.pending_outcomes_checked().await?;
    report.outcomes_unreadable = unreadable.len();
    for chunk in outcomes.chunks(MAX_BATCH_RESPONSES) {
        let batch = SubmitOutcomes { key_fingerprint: enrolment.key_fingerprint.clone(), outcomes: chunk.iter().filter_map(StoredOutcome::wire).collect() };
        let request = Request::post(OUTCOMES_PATH).header("authorization", &format!("Bearer {}", enrolment.device_token)).json(&batch);
        let reply: BatchReply = exchange(request).await?;
        let confirmed: Vec<Uuid> = reply.results.iter().filter(|r| r.status.is_confirmed()).filter_map(|r| r.id).collect();
        report.outcomes_confirmed += confirmed.len();
        store.remove_confirmed_outcomes(&confirmed).await?;
    }
    // The partnership's forms, for offline use. A server that cannot list them leaves the
    // forms kept before as they are; the answers above are sent either way.
    let request = Request::get(FORMS_PATH).header("authorization", &format!("Bearer {}", enrolment.device_token)).build();
    if let Ok(listed) = exchange::<FormsReply>(request).await {
        report.forms_refused = crate::forms::keep(store, listed.forms).await?;
        if let Some(current) = listed.key_fingerprint.filter(|f| *f != enrolment.key_fingerprint) {
            take_new_key(store, enrolment.clone(), &current, &listed.new_keys).await?;
        }
    }
    Ok(())
}

/// The partnership started a new key: walks the steps from the key this tablet holds to
/// `current`, opening each with the one before and checking its fingerprint, then keeps it.
/// Answers already prepared keep their pseudonyms (the server links them to the case's first).
/// A step that does not open leaves the tablet with the key it had, which the server still takes.
async fn take_new_key(store: &Store, mut enrolment: crate::store::Enrolment, current: &str, steps: &[heard_domain::access::NewKeyV1]) -> Result<(), SendError> {
    let Some(mut key) = heard_domain::b64::base64url_decode(&enrolment.partnership_key).and_then(|k| <[u8; 32]>::try_from(k).ok()) else { return Ok(()) };
    let mut fingerprint = enrolment.key_fingerprint.clone();
    while fingerprint != current {
        let Some(step) = steps.iter().find(|s| s.from == fingerprint) else { return Ok(()) };
        let Some(sealed) = heard_domain::b64::base64url_decode(&step.sealed_key) else { return Ok(()) };
        let Ok(next) = crate::crypto::open_rotation(&key, &sealed).await else { return Ok(()) };
        if crate::device::sha256_hex(&next).await.as_deref() != Some(step.to.as_str()) {
            return Ok(());
        }
        let backup_secret = heard_domain::b64::base64url_encode(&crate::crypto::backup_secret(&key).await.map_err(StoreError::from)?);
        enrolment.earlier.push(crate::store::EarlierKey { fingerprint, backup_secret });
        (key, fingerprint) = (next, step.to.clone());
    }
    enrolment.partnership_key = heard_domain::b64::base64url_encode(&key);
    enrolment.key_fingerprint = fingerprint;
    store.save_enrolment(&enrolment).await?;
    Ok(())
}

/// What the outbox keeps as the failure of a response the server holds a different one for.
pub const CONFLICT: &str = "conflict";

/// Sends one page of pending responses in batches, removing each batch the server confirmed
/// as soon as it answers (and adding it to `sent`), and keeping with each refused one why it
/// was refused.
async fn send_page(
    enrolment: &crate::store::Enrolment,
    page: &[heard_domain::Response],
    report: &mut SendReport,
    sent: &mut Vec<crate::store::SentItem>,
    store: &Store,
    answered: &mut dyn FnMut(usize),
) -> Result<(), SendError> {
    for batch in batches(&enrolment.key_fingerprint, page) {
        let request = Request::post(RESPONSES_PATH).header("authorization", &format!("Bearer {}", enrolment.device_token)).json(&batch);
        let reply: BatchReply = exchange(request).await?;
        let confirmed: Vec<Uuid> = reply.results.iter().filter(|r| r.status.is_confirmed()).filter_map(|r| r.id).collect();
        report.confirmed += confirmed.len();
        for r in &reply.results {
            let failure = match r.status {
                ItemStatus::Conflict => {
                    report.conflicts += 1;
                    CONFLICT.to_string()
                }
                ItemStatus::Rejected => {
                    // Said of the response itself, so its place in this batch says nothing.
                    let reason = r.reason.clone().unwrap_or_default();
                    let reason = match reason.split_once("].") {
                        Some((place, rest)) if place.starts_with("responses[") => rest.to_string(),
                        _ => reason,
                    };
                    report.rejected += 1;
                    report.first_reason.get_or_insert_with(|| reason.clone());
                    reason
                }
                ItemStatus::Accepted | ItemStatus::AlreadyHad => continue,
            };
            if let Some(refused) = page.iter().find(|p| Some(p.id) == r.id) {
                store.mark_failed(refused, &failure).await?;
            }
        }
        store.remove_confirmed(&confirmed).await?;
        let today = crate::device::today();
        let catalogue = crate::forms::catalogue();
        let stopped_early = |p: &heard_domain::Response| catalogue.get(&p.form_id, p.form_version).is_some_and(|f| p.tally(f).stopped_early());
        sent.extend(page.iter().filter(|p| confirmed.contains(&p.id)).map(|p| crate::store::SentItem::of(p, today, stopped_early(p))));
        // Only the last few are remembered: memory stays bounded however many are sent.
        sent.drain(..sent.len().saturating_sub(crate::store::SENT_KEPT));
        answered(reply.results.len());
    }
    Ok(())
}

thread_local! {
    static ON_LOGGED_OUT: std::cell::RefCell<Option<std::rc::Rc<dyn Fn()>>> = const { std::cell::RefCell::new(None) };
}

/// For the coordinator's app: `f` runs whenever the server answers that nobody is logged in
/// (401), e.g. after the session ran out while the page stayed open.
pub fn on_logged_out(f: impl Fn() + 'static) {
    ON_LOGGED_OUT.with_borrow_mut(|h| *h = Some(std::rc::Rc::new(f)));
}

fn refusal(status: u16, body: Option<&str>) -> SendError {
    if status == 401 {
        if let Some(hook) = ON_LOGGED_OUT.with_borrow(Clone::clone) {
            hook();
        }
    }
    match body.and_then(|b| crate::json::from_str::<ApiError>(b).ok()) {
        Some(e) if status == 401 || status == 403 => SendError::NotAllowed { code: e.error, detail: e.detail },
        Some(e) => SendError::Refused { code: e.error, detail: e.detail },
        // Not our server's JSON, from a gateway (5xx), a Wi-Fi login page (403, 511), a proxy
        // wanting its own login (407) or no Heard behind it (404): the server was not reached,
        // and saying the code or the answers were refused would send the practitioner looking
        // for a mistake that is not there.
        None if status >= 500 || matches!(status, 403 | 404 | 407 | 511) => SendError::Unreachable,
        // Any other (a proxy's 413 for a batch larger than it allows): refused, with its number
        // for whoever sets the proxy up.
        None => SendError::Refused { code: String::new(), detail: format!("HTTP {status}") },
    }
}

/// Sends a JSON request and reads a JSON reply (`crate::json`), turning failures into `SendError`s.
/// No answer at all (offline, connection refused or dropped) is `Unreachable`.
async fn exchange<T: serde::de::DeserializeOwned>(request: Result<Request, gloo_net::Error>) -> Result<T, SendError> {
    let request = request.map_err(|e| SendError::Refused { code: String::new(), detail: e.to_string() })?;
    let response = request.send().await.map_err(|_| SendError::Unreachable)?;
    let (status, body) = (response.status(), response.text().await.ok());
    if (200..300).contains(&status) {
        // A 2xx whose body is not a reply (e.g. a captive portal) confirms nothing.
        body.and_then(|b| crate::json::from_str::<T>(&b).ok()).ok_or(SendError::Unreachable)
    } else {
        Err(refusal(status, body.as_deref()))
    }
}

/// How many responses the server holds for the logged-in coordinator's partnership.
pub async fn fetch_stats() -> Result<Stats, SendError> {
    exchange(Request::get(STATS_PATH).build()).await
}

thread_local! {
    /// Made at random for one enrolment and sent with each of its tries: when the server
    /// enrolled the tablet but its reply was lost, trying the same code again gets the same
    /// enrolment back (`heard_domain::access::ENROL_RETRY_SECS`) instead of "already used".
    /// A new one after each enrolment that arrives, so a used code typed again is refused.
    static ENROLMENT_ID: std::cell::RefCell<String> = std::cell::RefCell::new(crate::device::new_id().simple().to_string());
}

/// Exchanges the one-time part of an enrolment code for a device token and the sealed key.
pub async fn enrol(code: &str) -> Result<EnrolReply, SendError> {
    let enrolment_id = Some(ENROLMENT_ID.with_borrow(String::clone));
    exchange(Request::post(ENROL_PATH).json(&EnrolRequest { code: code.to_string(), enrolment_id })).await
}

/// An enrolment is complete (its key opened and kept): the next one gets a new enrolment id.
pub fn enrolment_done() {
    ENROLMENT_ID.set(crate::device::new_id().simple().to_string());
}

/// Who is logged in on this browser, if anyone.
pub async fn me() -> Result<Me, SendError> {
    exchange(Request::get(ME_PATH).build()).await
}

pub async fn login(email: &str, password: &str) -> Result<Me, SendError> {
    exchange(Request::post(LOGIN_PATH).json(&LoginRequest { email: email.to_string(), password: password.to_string() })).await
}

pub async fn logout(csrf_token: &str) -> Result<serde_json::Value, SendError> {
    exchange(Request::post(LOGOUT_PATH).header(CSRF_HEADER, csrf_token).build()).await
}

/// Creates a partnership (with a setup code) and logs its first coordinator in.
pub async fn create_partnership(request: &heard_domain::access::NewPartnership) -> Result<Me, SendError> {
    exchange(Request::post(heard_domain::access::PARTNERSHIPS_PATH).json(request)).await
}

pub async fn agencies() -> Result<Vec<heard_domain::access::AgencyV1>, SendError> {
    exchange(Request::get(heard_domain::access::AGENCIES_PATH).build()).await
}

pub async fn create_agency(csrf: &str, agency: &heard_domain::access::NewAgency) -> Result<heard_domain::access::AgencyV1, SendError> {
    exchange(Request::post(heard_domain::access::AGENCIES_PATH).header(CSRF_HEADER, csrf).json(agency)).await
}

/// A fresh one-time code for an agency, leaving the partnership key sealed (base64url) for the
/// tablet that spends it (the browser adds the secret it was sealed under to the text).
pub async fn issue_code(csrf: &str, agency_id: &str, sealed_key: &str) -> Result<heard_domain::access::EnrolmentCodeV1, SendError> {
    let body = heard_domain::access::NewEnrolmentCode { agency_id: agency_id.to_string(), sealed_key: sealed_key.to_string() };
    exchange(Request::post(heard_domain::access::ENROLMENT_CODES_PATH).header(CSRF_HEADER, csrf).json(&body)).await
}

pub async fn devices() -> Result<Vec<heard_domain::access::DeviceV1>, SendError> {
    exchange(Request::get(heard_domain::access::DEVICES_PATH).build()).await
}

/// `revoke` a tablet, or `remove` one that never sent anything from the partnership's list.
pub async fn device_action(csrf: &str, id: &str, action: &str) -> Result<serde_json::Value, SendError> {
    let path = format!("{}/{id}/{action}", heard_domain::access::DEVICES_PATH);
    exchange(Request::post(&path).header(CSRF_HEADER, csrf).build()).await
}

/// The partnership's conflicting copies (coordinators only).
pub async fn conflicts() -> Result<Vec<heard_domain::access::ConflictV1>, SendError> {
    exchange(Request::get(heard_domain::access::CONFLICTS_PATH).build()).await
}

pub async fn discard_conflict(csrf: &str, id: &str) -> Result<serde_json::Value, SendError> {
    let path = format!("{}/{id}/discard", heard_domain::access::CONFLICTS_PATH);
    exchange(Request::post(&path).header(CSRF_HEADER, csrf).build()).await
}

/// How long the partnership keeps a case's answers after its last activity.
pub async fn retention() -> Result<heard_domain::access::Retention, SendError> {
    exchange(Request::get(heard_domain::access::RETENTION_PATH).build()).await
}

pub async fn set_retention(csrf: &str, months: u32) -> Result<heard_domain::access::Retention, SendError> {
    exchange(Request::post(heard_domain::access::RETENTION_PATH).header(CSRF_HEADER, csrf).json(&heard_domain::access::Retention { months })).await
}

/// Starts a new partnership key (its fingerprint and the key sealed for tablets); who is
/// logged in, with the new fingerprint.
pub async fn rotate_key(csrf: &str, new_key: &heard_domain::access::NewKey) -> Result<Me, SendError> {
    exchange(Request::post(heard_domain::access::KEYS_PATH).header(CSRF_HEADER, csrf).json(new_key)).await
}

/// Links cases' pseudonyms under the old key to those under the new.
pub async fn link_pseudonyms(csrf: &str, links: &heard_domain::access::KeyLinks) -> Result<heard_domain::access::Linked, SendError> {
    exchange(Request::post(heard_domain::access::KEY_LINKS_PATH).header(CSRF_HEADER, csrf).json(links)).await
}

/// Erases one case at a family's request (coordinators only), named by its pseudonym.
pub async fn erase_case(csrf: &str, case: &heard_domain::access::EraseCase) -> Result<heard_domain::access::Erased, SendError> {
    exchange(Request::post(heard_domain::access::ERASE_CASE_PATH).header(CSRF_HEADER, csrf).json(case)).await
}

pub async fn create_user(csrf: &str, user: &heard_domain::access::NewUser) -> Result<serde_json::Value, SendError> {
    exchange(Request::post(heard_domain::access::USERS_PATH).header(CSRF_HEADER, csrf).json(user)).await
}

pub async fn users() -> Result<Vec<heard_domain::access::UserV1>, SendError> {
    exchange(Request::get(heard_domain::access::USERS_PATH).build()).await
}

pub async fn remove_user(csrf: &str, id: &str) -> Result<serde_json::Value, SendError> {
    let path = format!("{}/{id}/remove", heard_domain::access::USERS_PATH);
    exchange(Request::post(&path).header(CSRF_HEADER, csrf).build()).await
}

pub async fn audit_log() -> Result<Vec<heard_domain::access::AuditEntryV1>, SendError> {
    exchange(Request::get(heard_domain::access::AUDIT_PATH).build()).await
}

/// One batch of an outcome import (pseudonymised already).
pub async fn import_outcomes(csrf: &str, batch: &heard_domain::import::ImportOutcomes) -> Result<heard_domain::import::ImportReply, SendError> {
    exchange(Request::post(heard_domain::import::IMPORT_PATH).header(CSRF_HEADER, csrf).json(batch)).await
}

/// The dashboard for the logged-in coordinator or analyst; `query` is a `Filter::to_query`.
pub async fn dashboard(query: &str) -> Result<heard_domain::dashboard::Dashboard, SendError> {
    let path = heard_domain::dashboard::DASHBOARD_PATH;
    let url = if query.is_empty() { path.to_string() } else { format!("{path}?{query}") };
    exchange(Request::get(&url).build()).await
}

/// Hides what a child shared from the dashboard, for good (coordinators only).
pub async fn hide_shared(csrf: &str, id: &str) -> Result<serde_json::Value, SendError> {
    let path = format!("{}/{}/hide", heard_domain::dashboard::SHARED_PATH, js_sys::encode_uri_component(id));
    exchange(Request::post(&path).header(CSRF_HEADER, csrf).build()).await
}

/// The window event sent when sending by itself changed what waits in the outbox.
pub const OUTBOX_CHANGED: &str = "heard-outbox-changed";

thread_local! {
    static AUTO: std::cell::RefCell<Option<AutoSend>> = const { std::cell::RefCell::new(None) };
}

/// State of automatic sending: how many attempts failed in a row, and when to try next.
struct AutoSend {
    failures: u32,
    next_ms: f64,
    busy: bool,
}

/// Starts sending automatically while the page is open: now, whenever the browser comes back
/// online, and on a timer, backing off with jitter after failures. Idempotent per page.
pub fn start_auto_send(store_name: crate::store::StoreName) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    if AUTO.with_borrow(Option::is_some) {
        return;
    }
    AUTO.with_borrow_mut(|a| *a = Some(AutoSend { failures: 0, next_ms: 0.0, busy: false }));
    let Some(window) = web_sys::window() else { return };
    let attempt = move |forced: bool| {
        let due = AUTO.with_borrow_mut(|a| match a {
            Some(a) if !a.busy && (forced || js_sys::Date::now() >= a.next_ms) => {
                a.busy = true;
                true
            }
            _ => false,
        });
        if !due {
            return;
        }
        leptos::task::spawn_local(async move {
            let ok = match Store::open(&store_name).await {
                // A locked tablet cannot read what it holds; it tries again once unlocked.
                Ok(store) if store.is_unlocked() => {
                    let (report, sent) = send_not_refused(&store).await;
                    // The outbox, if open, shows what waits now: something left it (even if the
                    // send then broke off), or the server refused something.
                    if report.changed_outbox() {
                        if let (Some(w), Ok(changed)) = (web_sys::window(), web_sys::Event::new(OUTBOX_CHANGED)) {
                            let _ = w.dispatch_event(&changed);
                        }
                    }
                    !matches!(sent, Err(SendError::Unreachable))
                }
                _ => true,
            };
            AUTO.with_borrow_mut(|a| {
                if let Some(a) = a {
                    a.busy = false;
                    a.failures = if ok { 0 } else { a.failures + 1 };
                    let wait = heard_domain::outbox::retry_after_secs(a.failures, js_sys::Math::random());
                    a.next_ms = js_sys::Date::now() + f64::from(wait) * 1000.0;
                }
            });
        });
    };
    // Both live as long as the page.
    gloo_events::EventListener::new(&window, "online", move |_| attempt(true)).forget();
    gloo_timers::callback::Interval::new(15_000, move || attempt(false)).forget();
    // The first attempt waits for the browser's first idle moment (at most 3 s; 1 s where there
    // is no requestIdleCallback, as in Safari), so opening hundreds of waiting answers to send
    // them does not compete with drawing the screen the practitioner just unlocked. Idle moments
    // can come while that screen still waits on storage: this lessens the delay, it does not
    // order the two.
    let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeout".into(), &3000.into());
    let scheduled = idle.is_some_and(|request| request.call2(&window, &Closure::once_into_js(move || attempt(true)), &options).is_ok());
    if !scheduled {
        gloo_timers::callback::Timeout::new(1000, move || attempt(true)).forget();
    }
}
