//! The only module that writes SQL. One set of statements serves SQLite and PostgreSQL
//! (both accept `$n` parameters and `ON CONFLICT`); only the migrations differ.
//!
//! Architecture invariant: the server keeps no state in process memory that another
//! instance would need; everything lives in the database.

mod access;
mod forms;
mod keys;
mod summary;
pub use keys::RotateRefused;
pub use summary::{DashboardError, Read};

pub use access::{DeviceRow, Enrolled, SetupRefused, StaffRow, UserLogin};

use heard_domain::wire::{ItemResult, ItemStatus, OutcomeV1, ResponseV1};
use heard_domain::{Catalogue, Day, Form, Response};
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use std::time::{SystemTime, UNIX_EPOCH};

/// How long a dashboard read waits for items stored before it to be added to the figures.
pub const READ_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Woken after items are queued for the summariser (`run_summariser`); a hint only, the
    /// queue itself is in the database.
    queued: std::sync::Arc<tokio::sync::Notify>,
    /// The forms responses are checked against and the summariser reads ratings and answers
    /// by: built in, the partnership's now, and its earlier ones (`forms`).
    catalogue: std::sync::Arc<Catalogue>,
    /// The partnership's forms offered to tablets: those in the forms folder now.
    offered: std::sync::Arc<Vec<Form>>,
    /// How long a dashboard read waits for items stored before it to be summarised.
    read_wait: std::time::Duration,
    /// The secret cases' record keys are derived under (`summary::RecordKeys`).
    record_keys: std::sync::Arc<summary::RecordKeys>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("database URL must start with sqlite: or postgres:// (got {0:?})")]
    UnknownScheme(String),
    #[error("could not open the database: {0}")]
    Open(#[from] sqlx::Error),
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "form {id} version {version} in the forms folder differs from the version {version} this server already offered to \
         tablets; give the changed form a new version number (answers to version {version} are checked against the one offered)"
    )]
    FormChanged { id: String, version: u32 },
}

impl Db {
    /// Opens (and for SQLite creates) the database and applies any pending migrations; the
    /// server offers no forms of the partnership's own (those it offered before still count).
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        Db::connect_with(url, Catalogue::built_in()).await
    }

    /// The same, with the forms the server offers to tablets (the built-in ones and any its
    /// partnership added: `forms::load`). Each added form is remembered in the database, so
    /// answers to it keep counting after it leaves the folder.
    pub async fn connect_with(url: &str, catalogue: Catalogue) -> Result<Db, ConnectError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            // Only the scheme is echoed: the rest of a URL may hold a password.
            let scheme = url.split(':').next().unwrap_or_default().to_string();
            return Err(ConnectError::UnknownScheme(scheme));
        };
        // Each new connection's settings. SQLite: WAL lets the coordinator read while a device
        // writes; a write waits up to 30 s for another's (the summariser's pages take seconds
        // when thousands of responses arrive a second; 5 s let a tablet's batch fail, in a soak). PostgreSQL: sqlx prepares each statement once per connection, and a generic
        // plan chosen while a table is still small would be kept as it grows (a case looked up
        // by scanning every case); planning with each call's values follows the table as it is.
        let setup = match backend {
            Backend::Sqlite => "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000;",
            Backend::Postgres => "SET plan_cache_mode = force_custom_plan",
        };
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute(setup).await?;
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        let known = forms::remember(&pool, catalogue).await?;
        let record_keys = std::sync::Arc::new(summary::RecordKeys(server_secret(&pool, "record_keys").await?));
        let db = Db {
            record_keys,
            pool,
            backend,
            queued: Default::default(),
            catalogue: std::sync::Arc::new(known.catalogue),
            offered: std::sync::Arc::new(known.offered),
            read_wait: READ_WAIT,
        };
        db.scrub_unshared_words().await?;
        db.rebuild_summaries_if_missing().await?;
        Ok(db)
    }

    /// Words and drawings a child did not agree to share never stay on the server (SPEC §5):
    /// responses, and conflicting copies, stored before tablets kept them back are rewritten
    /// once to say only that the child answered in their own words (`Response::minimised`).
    /// Returns how many bodies it rewrote.
    pub async fn scrub_unshared_words(&self) -> Result<u64, sqlx::Error> {
        const NAME: &str = "unshared_words";
        let done: Option<String> = sqlx::query_scalar("SELECT name FROM scrubs WHERE name = $1").bind(NAME).fetch_optional(&self.pool).await?;
        if done.is_some() {
            return Ok(0);
        }
        let mut tx = self.pool.begin().await?;
        let (mut changed, mut unreadable) = (0, 0);
        for table in ["responses", "response_conflicts"] {
            // Only bodies that say they were not shared and hold words, a drawing or houses.
            let rows: Vec<(String, String)> = sqlx::query_as(&format!(
                "SELECT id, body FROM {table} WHERE body LIKE '%\"share\":false%' \
                 AND (body LIKE '%{{\"text\":%' OR body LIKE '%{{\"drawing\":%' OR body LIKE '%{{\"houses\":%')"
            ))
            .fetch_all(&mut *tx)
            .await?;
            for (id, body) in rows {
                let Ok(wire) = serde_json::from_str::<ResponseV1>(&body) else {
                    unreadable += 1;
                    continue;
                };
                let kept = serde_json::to_string(&ResponseV1::from(&Response::from(wire).minimised())).expect("wire types always serialise");
                if kept != body {
                    sqlx::query(&format!("UPDATE {table} SET body = $1 WHERE id = $2 AND body = $3"))
                        .bind(&kept)
                        .bind(&id)
                        .bind(&body)
                        .execute(&mut *tx)
                        .await?;
                    changed += 1;
                }
            }
        }
        // Not done while a body could not be read (tried again at the next start); two servers
        // starting at once both finish, the second changing nothing.
        if unreadable == 0 {
            sqlx::query("INSERT INTO scrubs (name, done_on) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(NAME)
                .bind(today_utc().to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The forms this server knows: responses are checked and summarised by them.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The partnership's own forms in the forms folder now, offered to its tablets.
    pub fn offered(&self) -> &[Form] {
        &self.offered
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The same database, whose dashboard reads wait `wait` for what was stored before them
    /// (`READ_WAIT` unless changed; a test shortens it).
    pub fn with_read_wait(self, wait: std::time::Duration) -> Db {
        Db { read_wait: wait, ..self }
    }

    /// Stores checked responses in one transaction: all of the batch or none of it.
    /// An id already held with the same content is `AlreadyHad`; with different content
    /// it is a `Conflict`, recorded beside the first and never written over it.
    /// Each response stored for the first time is queued, in the same transaction, for the
    /// summariser to add to its case (`summary`).
    pub async fn store_responses(&self, device: &DeviceRow, responses: &[Response]) -> Result<Vec<ItemResult>, sqlx::Error> {
        // The tablet's scrubbing, run again: a tablet with an older or a broken one never leaves
        // a phone number, address or date, or a rubbed-out stroke, in what is kept (the server
        // knows no names). Scrubbed twice is the same, so a resend is still `already_had`.
        let mut redacted: Vec<Response> = responses
            .iter()
            .cloned()
            .map(|mut r| {
                r.scrub(&[]);
                r
            })
            .collect();
        // A case's pseudonym under a later key counts with its first (`keys.rs`).
        self.keep_as_first(&device.partnership_id, redacted.iter_mut().map(|r| &mut r.context.case)).await?;
        // Answers about a case erased at the family's request are refused, not kept again.
        let erased = self.erased_among(&device.partnership_id, redacted.iter().map(|r| r.context.case.as_str())).await?;
        let why: Vec<Option<String>> = redacted.iter().map(|r| erased.get(r.context.case.as_str()).cloned()).collect();
        let kept: Vec<Response> = redacted.into_iter().filter(|r| !erased.contains_key(r.context.case.as_str())).collect();
        let mut results = self.store_scrubbed(device, &kept).await?.into_iter();
        Ok(responses
            .iter()
            .zip(why)
            .map(|(r, why)| match why {
                Some(why) => refused_erased(Some(r.id), &why),
                None => results.next().expect("one result per response kept"),
            })
            .collect())
    }

    /// Which of these cases were erased (at a family's request, or past the retention period),
    /// and why: `request` or `retention`.
    async fn erased_among<'a>(
        &self,
        partnership_id: &str,
        cases: impl Iterator<Item = &'a str>,
    ) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
        self.pairs_among("SELECT case_pseudonym, why FROM erased_cases", "case_pseudonym", partnership_id, cases).await
    }

    /// The rows `select` (two text columns, the first `column`) finds for these cases of the
    /// partnership, a chunk of cases at a time: the first column to the second.
    async fn pairs_among<'a>(
        &self,
        select: &str,
        column: &str,
        partnership_id: &str,
        cases: impl Iterator<Item = &'a str>,
    ) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
        let mut cases: Vec<&str> = cases.collect();
        cases.sort_unstable();
        cases.dedup();
        let mut found = std::collections::HashMap::new();
        for chunk in cases.chunks(summary::CHUNK) {
            let list = (2..chunk.len() + 2).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
            let sql = format!("{select} WHERE partnership_id = $1 AND {column} IN ({list})");
            let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind(partnership_id);
            for c in chunk {
                q = q.bind(*c);
            }
            found.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(found)
    }

    async fn store_scrubbed(&self, device: &DeviceRow, responses: &[Response]) -> Result<Vec<ItemResult>, sqlx::Error> {
        let today = today_utc().to_string();
        let bodies: Vec<String> = responses.iter().map(|r| serde_json::to_string(&ResponseV1::from(r)).expect("wire types always serialise")).collect();
        let ids: Vec<String> = responses.iter().map(|r| r.id.to_string()).collect();
        let mut tx = self.pool.begin().await?;
        let columns = "form_id, form_version, day, received_on, device_id, partnership_id, case_pseudonym";
        let statuses = insert_and_settle(&mut tx, "responses", columns, &ids, &bodies, (&today, &device.partnership_id), &|q, n| {
            let r = &responses[n];
            q.bind(r.form_id.0.clone())
                .bind(i64::from(r.form_version))
                .bind(r.date.to_string())
                .bind(today.clone())
                .bind(device.id.clone())
                .bind(device.partnership_id.clone())
                .bind(r.context.case.as_str().to_string())
        })
        .await?;
        summary::enqueue(&mut tx, summary::Kind::Response, &ids, &statuses).await?;
        tx.commit().await?;
        self.queued.notify_one();
        Ok(responses.iter().zip(statuses).map(|(r, status)| ItemResult { id: Some(r.id), status, reason: None }).collect())
    }

    /// Stores outcomes a device recorded, like responses (see `settle`), in one transaction.
    pub async fn store_outcomes(&self, device: &DeviceRow, outcomes: &[OutcomeV1]) -> Result<Vec<ItemResult>, sqlx::Error> {
        self.store_outcomes_from(&device.partnership_id, Some(&device.id), outcomes).await
    }

    /// Stores outcomes a coordinator imported (no device, no agency), the same way.
    pub async fn import_outcomes(&self, partnership_id: &str, outcomes: &[OutcomeV1]) -> Result<Vec<ItemResult>, sqlx::Error> {
        self.store_outcomes_from(partnership_id, None, outcomes).await
    }

    async fn store_outcomes_from(&self, partnership_id: &str, device_id: Option<&str>, outcomes: &[OutcomeV1]) -> Result<Vec<ItemResult>, sqlx::Error> {
        let mut outcomes = outcomes.to_vec();
        self.keep_as_first(partnership_id, outcomes.iter_mut().map(|o| &mut o.case)).await?;
        let outcomes = &outcomes[..];
        let erased = self.erased_among(partnership_id, outcomes.iter().map(|o| o.case.as_str())).await?;
        let kept: Vec<OutcomeV1> = outcomes.iter().filter(|o| !erased.contains_key(o.case.as_str())).cloned().collect();
        let mut results = self.store_outcomes_kept(partnership_id, device_id, &kept).await?.into_iter();
        Ok(outcomes
            .iter()
            .map(|o| match erased.get(o.case.as_str()) {
                Some(why) => refused_erased(Some(o.id), why),
                None => results.next().expect("one result per outcome kept"),
            })
            .collect())
    }

    async fn store_outcomes_kept(&self, partnership_id: &str, device_id: Option<&str>, outcomes: &[OutcomeV1]) -> Result<Vec<ItemResult>, sqlx::Error> {
        let today = today_utc().to_string();
        let bodies: Vec<String> = outcomes.iter().map(|o| serde_json::to_string(o).expect("wire types always serialise")).collect();
        let ids: Vec<String> = outcomes.iter().map(|o| o.id.to_string()).collect();
        let mut tx = self.pool.begin().await?;
        let columns = "partnership_id, device_id, case_pseudonym, outcome, day, received_on";
        let statuses = insert_and_settle(&mut tx, "outcomes", columns, &ids, &bodies, (&today, partnership_id), &|q, n| {
            let o = &outcomes[n];
            q.bind(partnership_id.to_string())
                .bind(device_id.map(str::to_string))
                .bind(o.case.as_str().to_string())
                .bind(o.outcome.code())
                .bind(o.date.to_string())
                .bind(today.clone())
        })
        .await?;
        summary::enqueue(&mut tx, summary::Kind::Outcome, &ids, &statuses).await?;
        tx.commit().await?;
        self.queued.notify_one();
        Ok(outcomes.iter().zip(statuses).map(|(o, status)| ItemResult { id: Some(o.id), status, reason: None }).collect())
    }

    pub async fn count_outcomes_for(&self, partnership_id: &str) -> Result<u64, sqlx::Error> {
        self.count_in("outcomes", partnership_id).await
    }

    pub async fn count_responses_for(&self, partnership_id: &str) -> Result<u64, sqlx::Error> {
        self.count_in("responses", partnership_id).await
    }

    /// Rows of `table` (one of ours, never user input) belonging to a partnership.
    async fn count_in(&self, table: &'static str, partnership_id: &str) -> Result<u64, sqlx::Error> {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE partnership_id = $1")).bind(partnership_id).fetch_one(&self.pool).await?;
        Ok(n.max(0) as u64)
    }

    /// A partnership's conflicting copies, newest first: what each is a copy of and which of
    /// its fields differ from what is held, never the bodies.
    pub async fn conflicts(&self, partnership_id: &str) -> Result<Vec<heard_domain::access::ConflictV1>, sqlx::Error> {
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as("SELECT id, kind, received_on, body FROM response_conflicts WHERE partnership_id = $1 ORDER BY received_on DESC, id LIMIT 200")
                .bind(partnership_id)
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, kind, received_on, copy) in rows {
            let table = if kind == "outcome" { "outcomes" } else { "responses" };
            let held: Option<String> = sqlx::query_scalar(&format!("SELECT body FROM {table} WHERE id = $1")).bind(&id).fetch_optional(&self.pool).await?;
            let fields = |body: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(body).unwrap_or_default();
            let (copy, held) = (fields(&copy), fields(held.as_deref().unwrap_or("{}")));
            let mut differs: Vec<String> = copy.keys().chain(held.keys()).filter(|k| copy.get(*k) != held.get(*k)).cloned().collect();
            differs.sort();
            differs.dedup();
            out.push(heard_domain::access::ConflictV1 { id, kind, received_on, differs });
        }
        Ok(out)
    }

    /// Discards a partnership's conflicting copy (the first, held, stays). False when it has none by that id.
    pub async fn discard_conflict(&self, partnership_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("DELETE FROM response_conflicts WHERE partnership_id = $1 AND id = $2").bind(partnership_id).bind(id).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn count_conflicts(&self) -> Result<u64, sqlx::Error> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_conflicts").fetch_one(&self.pool).await?;
        Ok(n.max(0) as u64)
    }

    /// For the benchmark only: the rows `store_responses` writes to `responses`, inserted raw
    /// into a bare table of the same columns as fast as plain SQL allows (one multi-row insert
    /// per batch of 200, one transaction each; no checks, no idempotency, no queue), to compare
    /// ingest against.
    pub async fn bench_raw_insert(&self, rows: &[RawRow]) -> Result<u64, sqlx::Error> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, body TEXT NOT NULL, form_id TEXT NOT NULL, form_version BIGINT NOT NULL, \
             day TEXT NOT NULL, received_on TEXT NOT NULL, device_id TEXT, partnership_id TEXT)",
        )
        .execute(&self.pool)
        .await?;
        let mut n = 0;
        for batch in rows.chunks(summary::CHUNK) {
            let mut tx = self.pool.begin().await?;
            let sql = format!(
                "INSERT INTO bench_raw (id, body, form_id, form_version, day, received_on, device_id, partnership_id) VALUES {}",
                summary::placeholders(batch.len(), 8)
            );
            let mut q = sqlx::query(&sql);
            for r in batch {
                q = q
                    .bind(&r.id)
                    .bind(&r.body)
                    .bind(&r.form_id)
                    .bind(r.form_version)
                    .bind(&r.day)
                    .bind(&r.received_on)
                    .bind(&r.device_id)
                    .bind(&r.partnership_id);
            }
            n += q.execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
        }
        Ok(n)
    }

    /// Brings the query planner's statistics up to date (after a bulk load; PostgreSQL's
    /// autovacuum does this by itself in time, SQLite only when asked).
    pub async fn refresh_statistics(&self) -> Result<(), sqlx::Error> {
        match self.backend {
            Backend::Sqlite => sqlx::query("ANALYZE").execute(&self.pool).await?,
            Backend::Postgres => sqlx::query("VACUUM ANALYZE cases").execute(&self.pool).await?,
        };
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A response as the `responses` table holds it (for the benchmark's raw insert).
pub struct RawRow {
    pub id: String,
    pub body: String,
    pub form_id: String,
    pub form_version: i64,
    pub day: String,
    pub received_on: String,
    pub device_id: String,
    pub partnership_id: String,
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Stores a batch's items in `table` (one of ours: `id`, `body`, then `columns`) with
/// multi-row inserts, `RETURNING` naming the ids that were new, and answers each item with
/// `settle`: the first of an id is new; a repeat, in this batch or from an earlier one, is
/// already had or a conflict (kept for the partnership whose items these are). `bind(q, n)`
/// binds item `n`'s values for `columns`.
async fn insert_and_settle(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &'static str,
    columns: &str,
    ids: &[String],
    bodies: &[String],
    (today, partnership_id): (&str, &str),
    bind: &(dyn for<'q> Fn(AnyQuery<'q>, usize) -> AnyQuery<'q> + Sync),
) -> Result<Vec<ItemStatus>, sqlx::Error> {
    let width = 2 + columns.split(',').count();
    let mut new_ids = std::collections::HashSet::new();
    for start in (0..ids.len()).step_by(summary::CHUNK) {
        let end = (start + summary::CHUNK).min(ids.len());
        let sql =
            format!("INSERT INTO {table} (id, body, {columns}) VALUES {} ON CONFLICT (id) DO NOTHING RETURNING id", summary::placeholders(end - start, width));
        let mut q = sqlx::query(&sql);
        for n in start..end {
            q = bind(q.bind(ids[n].clone()).bind(bodies[n].clone()), n);
        }
        for row in q.fetch_all(&mut **tx).await? {
            new_ids.insert(row.try_get::<String, _>(0)?);
        }
    }
    let mut statuses = Vec::with_capacity(ids.len());
    for (id, body) in ids.iter().zip(bodies) {
        statuses.push(settle(tx, table, partnership_id, id, body, u64::from(new_ids.remove(id)), today).await?);
    }
    Ok(statuses)
}

/// What an `INSERT ... ON CONFLICT (id) DO NOTHING` into `table` (one of ours) meant for the
/// item: a new row is accepted; an id already held with the same body is already had; with a
/// different body it is a conflict, kept aside in `response_conflicts` (one copy per item, the
/// latest; at most `MAX_CONFLICTS_KEPT` per partnership) for its coordinator to see, and never
/// written over the first.
async fn settle(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &'static str,
    partnership_id: &str,
    id: &str,
    body: &str,
    inserted: u64,
    today: &str,
) -> Result<ItemStatus, sqlx::Error> {
    if inserted == 1 {
        return Ok(ItemStatus::Accepted);
    }
    let held: String = sqlx::query_scalar(&format!("SELECT body FROM {table} WHERE id = $1")).bind(id).fetch_one(&mut **tx).await?;
    if held == body {
        return Ok(ItemStatus::AlreadyHad);
    }
    // One copy per item, the latest: the same conflict re-sent does not grow the table; and a
    // new one only while the partnership holds fewer than the most kept.
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_conflicts WHERE partnership_id = $1 AND id <> $2")
        .bind(partnership_id)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if kept >= heard_domain::access::MAX_CONFLICTS_KEPT as i64 {
        return Ok(ItemStatus::Conflict);
    }
    let kind = if table == "outcomes" { "outcome" } else { "response" };
    sqlx::query(
        "INSERT INTO response_conflicts (id, body, received_on, partnership_id, kind) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, received_on = excluded.received_on",
    )
    .bind(id)
    .bind(body)
    .bind(today)
    .bind(partnership_id)
    .bind(kind)
    .execute(&mut **tx)
    .await?;
    Ok(ItemStatus::Conflict)
}

fn today_utc() -> Day {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Day::from_unix_days((secs / 86_400) as i64).expect("the system clock is set to a date after 2000")
}

/// A secret of this server's, made at random the first time it is asked for and kept in the
/// database (so every instance and every restart has the same one).
async fn server_secret(pool: &AnyPool, name: &str) -> Result<Vec<u8>, sqlx::Error> {
    use rand::RngCore;
    let mut fresh = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    let hex: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
    sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING").bind(name).bind(hex).execute(pool).await?;
    let kept: String = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1").bind(name).fetch_one(pool).await?;
    Ok(kept.into_bytes())
}

/// The answer for an item about a case erased at the family's request, or whose answers went
/// at the end of the partnership's retention period.
fn refused_erased(id: Option<uuid::Uuid>, why: &str) -> ItemResult {
    let reason = match why {
        "retention" => "this case's answers were deleted at the end of the partnership's retention period, so nothing more about it is kept; delete this item from the tablet",
        _ => "this case was erased at the family's request, so nothing more about it is kept; delete this item from the tablet",
    };
    ItemResult { id, status: ItemStatus::Rejected, reason: Some(reason.into()) }
}
