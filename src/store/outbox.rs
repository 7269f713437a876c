//! Responses: drafts a child is still giving, the outbox of finished ones waiting to be sent
//! (read a page at a time), and the short list of those sent lately.

use super::*;

/// Responses read from the outbox at a time (sending, listing): memory stays bounded however
/// many wait.
pub const OUTBOX_PAGE: u32 = 500;

/// Which of the responses waiting in the outbox to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiting {
    All,
    /// Those the server has not refused (`Store::mark_failed`): what automatic sending takes.
    NotRefused,
}

/// A page of the outbox, in id order.
#[derive(Debug)]
pub struct PendingPage {
    pub responses: Vec<Response>,
    /// The id the next page starts after; `None` once the outbox is read to its end.
    pub next: Option<String>,
}

/// A response as kept on the tablet (inside the sealed record).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub id: String,
    pub form_id: String,
    pub form_version: u32,
    pub lang: String,
    pub date: String,
    pub answers: Vec<Answer>,
    #[serde(default)]
    pub share: bool,
    pub context: CaseContext,
    /// Why the server last refused it (rejected, or a different response under its id), so the
    /// outbox can show it as failed. Never sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// A response in the outbox, and why the server last refused it, if it did.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    pub response: Response,
    pub failure: Option<String>,
}

impl StoredResponse {
    /// `r` as kept, with why the server refused it, if it did.
    pub fn with_failure(r: &Response, failure: Option<String>) -> StoredResponse {
        StoredResponse { failure, ..StoredResponse::from(r) }
    }
}

impl From<&Response> for StoredResponse {
    fn from(r: &Response) -> Self {
        StoredResponse {
            id: r.id.to_string(),
            form_id: r.form_id.0.clone(),
            form_version: r.form_version,
            lang: r.lang.to_string(),
            date: r.date.to_string(),
            answers: r.answers.clone(),
            share: r.share,
            context: r.context.clone(),
            failure: None,
        }
    }
}

impl TryFrom<StoredResponse> for Response {
    type Error = StoreError;
    fn try_from(s: StoredResponse) -> Result<Response, StoreError> {
        let id = Uuid::parse_str(&s.id).map_err(|e| StoreError::Corrupt(format!("id: {e}")))?;
        let date: Day = s.date.parse().map_err(|e: heard_domain::day::DayError| StoreError::Corrupt(e.to_string()))?;
        let lang = Lang::new(&s.lang).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Response { id, form_id: FormId(s.form_id), form_version: s.form_version, lang, date, answers: s.answers, share: s.share, context: s.context })
    }
}

/// A response the server confirmed it holds, as the outbox remembers it: which form, for
/// which age band and stage, answered and sent on which days; never the answers, the case or
/// the family's circumstances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentItem {
    pub id: Uuid,
    pub form_id: FormId,
    pub form_version: u32,
    pub band: AgeBand,
    pub stage: Stage,
    pub answered: Day,
    pub sent: Day,
    /// The form was ended before its last question.
    #[serde(default)]
    pub stopped_early: bool,
}

impl SentItem {
    pub fn of(r: &Response, sent: Day, stopped_early: bool) -> SentItem {
        SentItem {
            id: r.id,
            form_id: r.form_id.clone(),
            form_version: r.form_version,
            band: r.context.age_band,
            stage: r.context.stage,
            answered: r.date,
            sent,
            stopped_early,
        }
    }
}

/// What the outbox screen shows.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxOverview {
    /// How many responses wait to be sent.
    pub count: usize,
    /// The first of them (in id order) the server has not refused.
    pub listed: Vec<Outgoing>,
    /// Every one the server refused, with why.
    pub failed: Vec<Outgoing>,
}

impl Store {
    async fn seal_response(&self, r: &Response) -> Result<SealedRecord, StoreError> {
        self.seal_record(&r.id.to_string(), &StoredResponse::from(r)).await
    }

    async fn open_response(&self, record: &SealedRecord) -> Result<Response, StoreError> {
        Ok(self.open_outgoing(record).await?.response)
    }

    async fn open_outgoing(&self, record: &SealedRecord) -> Result<Outgoing, StoreError> {
        let mut stored: StoredResponse = self.open_record(record).await?;
        let failure = stored.failure.take();
        Ok(Outgoing { response: Response::try_from(stored)?, failure })
    }

    /// Records why the server refused a response still waiting in the outbox (it stays there).
    pub async fn mark_failed(&self, r: &Response, reason: &str) -> Result<(), StoreError> {
        let record = self.seal_record(&r.id.to_string(), &StoredResponse::with_failure(r, Some(reason.to_string()))).await?;
        self.put_record(PENDING, SealedRecord { refused: true, ..record }).await
    }

    /// How many responses wait in the outbox (readable while locked: it counts records only).
    pub async fn count_pending(&self) -> Result<u32, StoreError> {
        self.count(PENDING).await
    }

    /// Deletes one response from the outbox for good: only for one the server keeps refusing,
    /// after the practitioner confirmed with the PIN (the outbox screen checks it).
    pub async fn discard_pending(&self, id: Uuid) -> Result<(), StoreError> {
        self.remove(PENDING, &[id]).await
    }

    /// Saves a finished response, ready to send; returns only after the transaction committed.
    pub async fn save_pending(&self, r: &Response) -> Result<(), StoreError> {
        self.put(PENDING, r).await
    }

    /// Saves a response the child is still giving; called after every answer.
    pub async fn save_draft(&self, r: &Response) -> Result<(), StoreError> {
        self.put(DRAFTS, r).await
    }

    async fn put(&self, store: &str, r: &Response) -> Result<(), StoreError> {
        let record = self.seal_response(r).await?;
        self.put_record(store, record).await
    }

    /// Moves a response from drafts to the outbox in one transaction: it is never in
    /// neither, and never in both.
    pub async fn finish(&self, r: &Response) -> Result<(), StoreError> {
        let record = self.seal_response(r).await?;
        let id = r.id.to_string();
        self.write(&[PENDING, DRAFTS], |tx| {
            tx.object_store(PENDING)?.put(&record).serde()?;
            tx.object_store(DRAFTS)?.delete(id.as_str()).build().map(drop)
        })
        .await
    }

    /// Responses a child started and did not finish (e.g. the tab was closed).
    pub async fn drafts(&self) -> Result<Vec<Response>, StoreError> {
        Ok(self.all(DRAFTS).await?.into_iter().map(|o| o.response).collect())
    }

    /// Every response still waiting to be sent, in id order.
    pub async fn pending(&self) -> Result<Vec<Response>, StoreError> {
        Ok(self.pending_outgoing().await?.into_iter().map(|o| o.response).collect())
    }

    /// The same, each with why the server last refused it, if it did (the backup file).
    pub async fn pending_outgoing(&self) -> Result<Vec<Outgoing>, StoreError> {
        self.all(PENDING).await
    }

    /// Of the next `limit` responses waiting to be sent, in id order, after the id `after` (from
    /// the first when `None`), those `waiting` asks for: the outbox sends a page at a time, so
    /// memory stays bounded however many are waiting.
    pub async fn pending_page(&self, after: Option<&str>, limit: u32, waiting: Waiting) -> Result<PendingPage, StoreError> {
        if !self.is_unlocked() {
            return Err(StoreError::Locked);
        }
        let records = self.sealed_page(after, limit).await?;
        let next = records.last().map(|r| r.id.clone());
        let mut responses = Vec::new();
        for r in records.iter().filter(|r| waiting == Waiting::All || !r.refused) {
            responses.push(self.open_response(r).await?);
        }
        Ok(PendingPage { responses, next })
    }

    /// How many responses wait, the first `listed` the server has not refused, and every one it
    /// refused. Reads the outbox a page at a time and opens only the records it returns, so
    /// the outbox opens as fast with 10,000 waiting as with 100.
    pub async fn outbox_overview(&self, listed: usize) -> Result<OutboxOverview, StoreError> {
        if !self.is_unlocked() {
            return Err(StoreError::Locked);
        }
        let mut overview = OutboxOverview { count: 0, listed: Vec::new(), failed: Vec::new() };
        let mut after: Option<String> = None;
        loop {
            let page = self.sealed_page(after.as_deref(), OUTBOX_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            overview.count += page.len();
            for record in page {
                if record.refused {
                    overview.failed.push(self.open_outgoing(&record).await?);
                } else if overview.listed.len() < listed {
                    overview.listed.push(self.open_outgoing(&record).await?);
                }
            }
        }
        Ok(overview)
    }

    /// Up to `limit` records of the outbox after the id `after`, still sealed.
    async fn sealed_page(&self, after: Option<&str>, limit: u32) -> Result<Vec<SealedRecord>, StoreError> {
        let page = match after {
            None => self.read(PENDING, |s| s.get_all::<SealedRecord>().with_limit(limit).serde()).await?,
            Some(id) => {
                self.read(PENDING, |s| s.get_all::<SealedRecord>().with_query::<&str, _>(KeyRange::LowerBound(id, true)).with_limit(limit).serde()).await?
            }
        };
        Ok(page.collect::<Result<_, _>>()?)
    }

    async fn all(&self, store: &str) -> Result<Vec<Outgoing>, StoreError> {
        if !self.is_unlocked() {
            return Err(StoreError::Locked);
        }
        let mut out = Vec::new();
        for r in self.sealed_records(store).await? {
            out.push(self.open_outgoing(&r).await?);
        }
        Ok(out)
    }

    /// Unfinished forms held (sealed; counted without the PIN, to say what a wipe loses).
    pub async fn count_drafts(&self) -> Result<u32, StoreError> {
        self.count(DRAFTS).await
    }

    /// Remembers (sealed) that `items` reached the server, newest first, the last `SENT_KEPT`.
    pub async fn note_sent(&self, items: Vec<SentItem>) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        // The list is read, added to and sealed again, with awaits between: two sends finishing
        // at once (sending by itself and the practitioner's Send) would each write the list
        // without the other's. So one call writes, taking in what others queue meanwhile.
        self.sent_queue.borrow_mut().splice(0..0, items);
        if self.noting_sent.replace(true) {
            return Ok(());
        }
        let written = loop {
            let queued = std::mem::take(&mut *self.sent_queue.borrow_mut());
            if queued.is_empty() {
                break Ok(());
            }
            // A response heard confirmed twice is listed once, where it was newest. A list that
            // cannot be read is started again (it only reminds).
            let earlier = self.sent_lately().await.unwrap_or_default();
            let mut all: Vec<SentItem> = Vec::with_capacity(SENT_KEPT);
            for item in queued.into_iter().chain(earlier) {
                if all.len() < SENT_KEPT && !all.iter().any(|a| a.id == item.id) {
                    all.push(item);
                }
            }
            if let Err(e) = self.put_sealed_setting(SENT_KEY, &all).await {
                break Err(e);
            }
        };
        self.noting_sent.set(false);
        written
    }

    /// The responses sent lately, newest first (needs the tablet unlocked).
    pub async fn sent_lately(&self) -> Result<Vec<SentItem>, StoreError> {
        Ok(self.sealed_setting(SENT_KEY).await?.unwrap_or_default())
    }

    /// Drops the responses the server confirmed it holds, in one transaction.
    pub async fn remove_confirmed(&self, ids: &[Uuid]) -> Result<(), StoreError> {
        self.remove(PENDING, ids).await
    }
}
