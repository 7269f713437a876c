//! The summary queue and the summariser: items queued by the transaction that stored them,
//! taken a page at a time in a transaction of its own; one it cannot take is set aside.

use super::*;

/// Which table a queued item is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::db) enum Kind {
    Response,
    Outcome,
}

impl Kind {
    pub(super) fn code(self) -> &'static str {
        match self {
            Kind::Response => "response",
            Kind::Outcome => "outcome",
        }
    }

    /// The table the items of this kind are stored in.
    pub(super) fn table(self) -> &'static str {
        match self {
            Kind::Response => "responses",
            Kind::Outcome => "outcomes",
        }
    }
}

/// Queues the items of a batch that were stored for the first time, for the summariser.
pub(in crate::db) async fn enqueue(tx: &mut Tx<'_>, kind: Kind, ids: &[String], statuses: &[ItemStatus]) -> Result<(), sqlx::Error> {
    let new: Vec<&String> = ids.iter().zip(statuses).filter(|(_, s)| **s == ItemStatus::Accepted).map(|(id, _)| id).collect();
    for chunk in new.chunks(CHUNK) {
        let sql = format!("INSERT INTO summary_queue (kind, item_id) VALUES {}", placeholders(chunk.len(), 2));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(kind.code()).bind(id.as_str());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Items the summariser takes from the queue in one transaction.
pub(super) const SUMMARY_PAGE: i64 = 1000;

/// Any number held by every instance's summariser transaction on PostgreSQL, so that one
/// summarises at a time (SQLite has one writer anyway).
pub(super) const SUMMARY_LOCK: i64 = 0x4845_4152_4400;

/// Whether the database refused a statement for what it was given (a value it cannot store, a
/// constraint), rather than being out of reach, busy or short of room: only the first is one
/// item's doing, to be set aside; the rest are tried again.
pub(super) fn refused_by_database(backend: crate::db::Backend, e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let transient = match backend {
                // SQLSTATE classes: connection (08), serialisation and deadlock (40), resources
                // (53), operator intervention (57), system (58).
                crate::db::Backend::Postgres => ["08", "40", "53", "57", "58"].iter().any(|class| code.starts_with(class)),
                // Result codes, extended ones by their low byte: busy (5), locked (6), I/O (10),
                // full (13).
                crate::db::Backend::Sqlite => code.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 10 | 13)),
            };
            !transient
        }
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => true,
        _ => false,
    }
}

/// Records queued items (kind code, id) that cannot be added to the figures, once each, and
/// names each to its partnership's coordinators in the audit log. The items stay stored.
pub(super) async fn set_aside(tx: &mut Tx<'_>, items: &[(String, String)], reason: &str) -> Result<(), sqlx::Error> {
    let at = crate::auth::now();
    for (kind, id) in items {
        let (table, what) = if kind == Kind::Outcome.code() { (Kind::Outcome.table(), "outcome") } else { (Kind::Response.table(), "response") };
        let partnership: Option<String> =
            sqlx::query_scalar(&format!("SELECT partnership_id FROM {table} WHERE id = $1")).bind(id).fetch_optional(&mut **tx).await?.flatten();
        let new =
            sqlx::query("INSERT INTO set_aside (kind, item_id, partnership_id, reason, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, item_id) DO NOTHING")
                .bind(kind)
                .bind(id)
                .bind(&partnership)
                .bind(reason)
                .bind(at)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        if let (1, Some(p)) = (new, &partnership) {
            let detail = format!(
                "{what} {id} is not in the dashboard's figures: {reason}. It is kept; the others were counted. Ask whoever runs the server to look at it."
            );
            sqlx::query("INSERT INTO audit_log (partnership_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)")
                .bind(p)
                .bind(at)
                .bind("(server)")
                .bind("item_set_aside")
                .bind(detail)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Adds queued items (stored, never summarised) to their cases, cubes and shared words. Per
/// partnership the cases' cube keys are read once before and once after, so a case that got
/// a response and an outcome in the same page moves between cube cells once.
/// Returns the items (kind code, id) whose stored body could not be read, which it leaves out.
pub(super) async fn summarise_items(
    tx: &mut Tx<'_>,
    catalogue: &Catalogue,
    keys: &RecordKeys,
    items: &[(i64, String, String)],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let mut unreadable = Vec::new();
    // partnership -> (agency of the sending device, its responses, its outcomes), in queue order.
    type ByAgency = Vec<(Option<String>, Vec<Response>, Vec<OutcomeV1>)>;
    let mut groups: Vec<(String, ByAgency)> = Vec::new();
    for kind in [Kind::Response, Kind::Outcome] {
        let ids: Vec<&str> = items.iter().filter(|i| i.1 == kind.code()).map(|i| i.2.as_str()).collect();
        for chunk in ids.chunks(CHUNK) {
            let list = (1..=chunk.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "SELECT t.id, t.body, t.partnership_id, d.agency_id FROM {} t LEFT JOIN devices d ON d.id = t.device_id \
                 WHERE t.id IN ({list}) AND t.partnership_id IS NOT NULL",
                kind.table()
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            let mut rows: std::collections::HashMap<String, (String, String, Option<String>)> = std::collections::HashMap::new();
            for row in q.fetch_all(&mut **tx).await? {
                rows.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?));
            }
            for id in chunk {
                let Some((body, partnership, agency)) = rows.remove(*id) else { continue };
                let p = match groups.iter().position(|g| g.0 == partnership) {
                    Some(p) => p,
                    None => {
                        groups.push((partnership, Vec::new()));
                        groups.len() - 1
                    }
                };
                let agencies = &mut groups[p].1;
                let a = match agencies.iter().position(|a| a.0 == agency) {
                    Some(a) => a,
                    None => {
                        agencies.push((agency, Vec::new(), Vec::new()));
                        agencies.len() - 1
                    }
                };
                let read = match kind {
                    Kind::Response => serde_json::from_str::<ResponseV1>(&body).map(|r| agencies[a].1.push(Response::from(r))),
                    Kind::Outcome => serde_json::from_str::<OutcomeV1>(&body).map(|o| agencies[a].2.push(o)),
                };
                if read.is_err() {
                    unreadable.push((kind.code().to_string(), id.to_string()));
                }
            }
        }
    }
    for (partnership, agencies) in &groups {
        let mut cases: Vec<&str> = agencies
            .iter()
            .flat_map(|(_, responses, outcomes)| responses.iter().map(|r| r.context.case.as_str()).chain(outcomes.iter().map(|o| o.case.as_str())))
            .collect();
        cases.sort_unstable();
        cases.dedup();
        let before = case_keys(tx, partnership, &cases).await?;
        // Responses before outcomes, as they were stored.
        for (agency, responses, _) in agencies {
            add_responses(tx, catalogue, keys, partnership, agency.as_deref(), &responses.iter().collect::<Vec<_>>()).await?;
        }
        for (agency, _, outcomes) in agencies {
            add_outcomes(tx, keys, partnership, agency.as_deref(), &outcomes.iter().collect::<Vec<_>>()).await?;
        }
        let after = case_keys(tx, partnership, &cases).await?;
        move_in_cubes(tx, partnership, &before, &after).await?;
    }
    Ok(unreadable)
}

impl Db {
    /// Adds every queued item to its case summary, cubes and shared words, including items
    /// queued while it runs; returns how many it added. Safe to call from any number of tasks
    /// or instances at once.
    pub async fn summarise_pending(&self) -> Result<u64, sqlx::Error> {
        // With nothing queued, a read, not a write transaction.
        let queued: Option<i64> = sqlx::query_scalar("SELECT seq FROM summary_queue LIMIT 1").fetch_optional(&self.pool).await?;
        if queued.is_none() {
            return Ok(0);
        }
        self.summarise_through(i64::MAX).await
    }

    /// The number of the newest queued item, if any is queued.
    pub async fn last_queued(&self) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT MAX(seq) FROM summary_queue").fetch_one(&self.pool).await
    }

    /// Adds the queued items numbered up to `last` (see `last_queued`); items queued later are
    /// left to the summariser. A dashboard read summarises what was stored before it was
    /// asked for, and never chases tablets that keep sending while it runs.
    pub async fn summarise_through(&self, last: i64) -> Result<u64, sqlx::Error> {
        // Pages are taken after the last one's highest number, so PostgreSQL never walks the
        // index entries of rows this call already deleted (kept until vacuum). A batch that
        // committed late with a lower number is found by a last pass from the start.
        let (mut done, mut after) = (0, 0);
        loop {
            match self.summarise_page(after, last).await? {
                Some((n, taken)) => {
                    done += n;
                    after = taken;
                }
                None if after == 0 => return Ok(done),
                None => after = 0,
            }
        }
    }

    /// Summarises queued items as they come, until the process ends: woken when a batch is
    /// stored, and every few seconds for items another instance stored. Errors are reported
    /// (never with any item's content) and retried.
    pub async fn run_summariser(&self) {
        loop {
            if let Err(e) = self.summarise_pending().await {
                tracing::warn!(error = %e, "summarising stored items failed; will retry");
            }
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.queued.notified()).await;
        }
    }

    /// Summarises the first page of queued items numbered after `after` and up to `last`;
    /// returns how many and the highest number taken, or `None` when there were none.
    /// A transaction that changes summaries: on PostgreSQL it first takes the summariser's
    /// advisory lock, so summarisers, rebuilds, erasures and retention take turns.
    pub(super) async fn summary_tx(&self) -> Result<Tx<'static>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        if self.backend == crate::db::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SUMMARY_LOCK).execute(&mut *tx).await?;
        }
        Ok(tx)
    }

    pub(super) async fn summarise_page(&self, after: i64, last: i64) -> Result<Option<(u64, i64)>, sqlx::Error> {
        let mut tx = self.summary_tx().await?;
        // Taking the items off the queue is the first write, so on SQLite the transaction
        // holds the write lock before it reads anything.
        let taken = sqlx::query(&format!(
            "DELETE FROM summary_queue WHERE seq IN (SELECT seq FROM summary_queue WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT {SUMMARY_PAGE}) RETURNING seq, kind, item_id"
        ))
        .bind(after)
        .bind(last)
        .fetch_all(&mut *tx)
        .await?;
        if taken.is_empty() {
            tx.commit().await?;
            return Ok(None);
        }
        let mut items: Vec<(i64, String, String)> = Vec::with_capacity(taken.len());
        for row in taken {
            items.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
        }
        items.sort();
        let taken = items.last().map_or(after, |i| i.0);
        match summarise_items(&mut tx, &self.catalogue, &self.record_keys, &items).await {
            Ok(unreadable) => {
                set_aside(&mut tx, &unreadable, "its stored body could not be read").await?;
                tx.commit().await?;
            }
            // One item the database will not take (PostgreSQL refuses U+0000 in text) must not
            // stop every partnership's dashboard: the page again, one item at a time.
            Err(e) if refused_by_database(self.backend, &e) => {
                tx.rollback().await?;
                self.summarise_one_by_one(&items, &e).await?;
            }
            Err(e) => return Err(e),
        }
        Ok(Some((items.len() as u64, taken)))
    }

    /// Summarises `items` (a page the whole of which the database refused), each under a
    /// savepoint of one transaction: those it takes are counted, each it refuses is set aside
    /// (`set_aside`) and the queue goes on.
    pub(super) async fn summarise_one_by_one(&self, items: &[(i64, String, String)], first: &sqlx::Error) -> Result<(), sqlx::Error> {
        tracing::warn!(items = items.len(), first = %first, "the database refused a page of queued items; summarising them one by one");
        let mut tx = self.summary_tx().await?;
        let seqs: Vec<i64> = items.iter().map(|i| i.0).collect();
        for chunk in seqs.chunks(CHUNK) {
            let list = (1..=chunk.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
            let sql = format!("DELETE FROM summary_queue WHERE seq IN ({list})");
            let mut q = sqlx::query(&sql);
            for seq in chunk {
                q = q.bind(*seq);
            }
            q.execute(&mut *tx).await?;
        }
        for item in items {
            let mut one = sqlx::Acquire::begin(&mut *tx).await?;
            match summarise_items(&mut one, &self.catalogue, &self.record_keys, std::slice::from_ref(item)).await {
                Ok(unreadable) => {
                    set_aside(&mut one, &unreadable, "its stored body could not be read").await?;
                    one.commit().await?;
                }
                Err(e) if refused_by_database(self.backend, &e) => {
                    one.rollback().await?;
                    tracing::warn!(kind = %item.1, item = %item.2, error = %e, "set aside: the database refused to summarise it");
                    set_aside(&mut tx, &[(item.1.clone(), item.2.clone())], "the database refused to add it to the figures").await?;
                }
                Err(e) => return Err(e),
            }
        }
        tx.commit().await
    }
}
