//! Case outcomes the practitioner recorded, sealed until the server confirms them.

use super::*;

/// A case outcome the practitioner recorded, waiting to be sent (inside the seal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredOutcome {
    pub id: String,
    pub case: String,
    pub outcome: heard_domain::case::Outcome,
    pub date: String,
}

impl StoredOutcome {
    /// The protocol's form of it; `None` when a field is not what the server takes.
    pub fn wire(&self) -> Option<heard_domain::wire::OutcomeV1> {
        Some(heard_domain::wire::OutcomeV1 {
            id: uuid::Uuid::parse_str(&self.id).ok()?,
            case: self.case.clone().try_into().ok()?,
            outcome: self.outcome,
            date: self.date.parse().ok()?,
        })
    }

    fn sendable(&self) -> bool {
        self.wire().is_some()
    }
}

impl Store {
    /// Keeps a recorded case outcome, sealed, until the server confirms it.
    pub async fn save_outcome(&self, o: &StoredOutcome) -> Result<(), StoreError> {
        let record = self.seal_record(&o.id, o).await?;
        self.put_record(OUTCOMES, record).await
    }

    pub async fn pending_outcomes(&self) -> Result<Vec<StoredOutcome>, StoreError> {
        Ok(self.pending_outcomes_checked().await?.0)
    }

    /// The case outcomes waiting that can be read and sent, and the ids of those that cannot
    /// (damaged, or not a date or case the server takes): those are never sent, and the outbox
    /// says so and lets the practitioner delete them, rather than one blocking the rest or
    /// waiting unseen for ever.
    pub async fn pending_outcomes_checked(&self) -> Result<(Vec<StoredOutcome>, Vec<String>), StoreError> {
        let (mut readable, mut unreadable) = (Vec::new(), Vec::new());
        for r in self.sealed_records(OUTCOMES).await? {
            match self.open_record::<StoredOutcome>(&r).await {
                Ok(o) if o.sendable() => readable.push(o),
                Ok(_) | Err(StoreError::Corrupt(_) | StoreError::Crypto(_)) => unreadable.push(r.id),
                Err(e) => return Err(e),
            }
        }
        Ok((readable, unreadable))
    }

    /// Deletes case outcomes that cannot be read (`pending_outcomes_checked`).
    pub async fn delete_outcomes(&self, ids: &[String]) -> Result<(), StoreError> {
        self.write(&[OUTCOMES], |tx| ids.iter().try_for_each(|id| tx.object_store(OUTCOMES)?.delete(id.as_str()).build().map(drop))).await
    }

    /// How many case outcomes wait to be sent (readable while locked: it counts records only).
    pub async fn count_outcomes(&self) -> Result<u32, StoreError> {
        self.count(OUTCOMES).await
    }

    /// Drops the outcomes the server confirmed it holds.
    pub async fn remove_confirmed_outcomes(&self, ids: &[Uuid]) -> Result<(), StoreError> {
        self.remove(OUTCOMES, ids).await
    }
}
