//! The tablet's side: enrolment, and sending what waits (responses a page at a time in batches,
//! then case outcomes), taking the partnership's forms and any new key on the way.

use super::*;

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
        if e.code() == Some(ErrorCode::DeviceRevoked) {
            store.forget_credentials().await?;
        }
    }
    sent
}

async fn send_enrolled(store: &Store, waiting: Waiting, progress: &dyn Fn(usize, usize), report: &mut SendReport) -> Result<(), SendError> {
    let enrolment = store.enrolment().await?.ok_or(SendError::NotEnrolled)?;
    if enrolment.revoked {
        return Err(SendError::NotAllowed { code: Some(ErrorCode::DeviceRevoked), detail: "this tablet was revoked".into() });
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
