//! Taking cases out: erasure, retention, hiding a shared item, and rebuilding the summaries.

use super::*;

/// Why cases are removed: the partnership's retention period keeps their counts (in the retired
/// cubes); a family's request removes them from the figures too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::db) enum Removal {
    Request,
    Retention,
}

impl Removal {
    pub(super) fn code(self) -> &'static str {
        match self {
            Removal::Request => "request",
            Removal::Retention => "retention",
        }
    }
}

/// Deletes the given cases of a partnership: every response, outcome and conflicting copy,
/// their summaries, their cube counts (kept in the retired cubes for `Retention`), shared
/// words and queue entries; keeps each pseudonym in `erased_cases` so later arrivals are refused.
pub(super) async fn remove_cases(tx: &mut Tx<'_>, partnership_id: &str, cases: &[String], why: Removal) -> Result<heard_domain::access::Erased, sqlx::Error> {
    let mut erased = heard_domain::access::Erased::default();
    let refs: Vec<&str> = cases.iter().map(String::as_str).collect();
    let before = case_keys(tx, partnership_id, &refs).await?;
    move_in_cubes(tx, partnership_id, &before, &std::collections::HashMap::new()).await?;
    if why == Removal::Retention {
        retire(tx, partnership_id, &before).await?;
    }
    for chunk in cases.chunks(CHUNK) {
        let responses = ids_of(tx, "SELECT id FROM responses", partnership_id, chunk).await?;
        let outcomes = ids_of(tx, "SELECT id FROM outcomes", partnership_id, chunk).await?;
        ids_of(tx, "DELETE FROM cases", partnership_id, chunk).await?;
        for (kind, ids) in [(Kind::Response, &responses), (Kind::Outcome, &outcomes)] {
            for id in ids {
                sqlx::query(&format!("DELETE FROM {} WHERE id = $1", kind.table())).bind(id).execute(&mut **tx).await?;
                erased.conflicts += sqlx::query("DELETE FROM response_conflicts WHERE id = $1").bind(id).execute(&mut **tx).await?.rows_affected();
                sqlx::query("DELETE FROM summary_queue WHERE kind = $1 AND item_id = $2").bind(kind.code()).bind(id).execute(&mut **tx).await?;
                sqlx::query("DELETE FROM set_aside WHERE kind = $1 AND item_id = $2").bind(kind.code()).bind(id).execute(&mut **tx).await?;
            }
        }
        for id in &responses {
            sqlx::query("DELETE FROM shared_words WHERE partnership_id = $1 AND id LIKE $2")
                .bind(partnership_id)
                .bind(format!("{id}:%"))
                .execute(&mut **tx)
                .await?;
        }
        erased.responses += responses.len() as u64;
        erased.outcomes += outcomes.len() as u64;
    }
    for case in cases {
        sqlx::query(
            "INSERT INTO erased_cases (partnership_id, case_pseudonym, erased_on, why) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (partnership_id, case_pseudonym) DO NOTHING",
        )
        .bind(partnership_id)
        .bind(case)
        .bind(crate::db::today_utc().to_string())
        .bind(why.code())
        .execute(&mut **tx)
        .await?;
    }
    Ok(erased)
}

/// Runs `statement` (a SELECT of ids or a DELETE) over the rows of the partnership whose
/// `case_pseudonym` is one of `cases`; the ids a SELECT returns.
pub(super) async fn ids_of(tx: &mut Tx<'_>, statement: &str, partnership_id: &str, cases: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let list = (2..cases.len() + 2).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
    let sql = format!("{statement} WHERE partnership_id = $1 AND case_pseudonym IN ({list})");
    let mut q = sqlx::query(&sql).bind(partnership_id);
    for c in cases {
        q = q.bind(c.as_str());
    }
    if statement.starts_with("DELETE") {
        q.execute(&mut **tx).await?;
        return Ok(Vec::new());
    }
    q.fetch_all(&mut **tx).await?.iter().map(|row| row.try_get(0)).collect()
}

impl Db {
    /// Erases one case at a family's request: every response, outcome and conflicting copy of
    /// it, its summary, its place in the cubes and its shared words, in one transaction (the
    /// summariser waits); its pseudonym is kept in `erased_cases` so a tablet sending more of it
    /// later is refused.
    pub async fn erase_case(&self, partnership_id: &str, case: &str) -> Result<heard_domain::access::Erased, sqlx::Error> {
        // Typed under the key in use, the case may be kept under its first pseudonym (`keys.rs`).
        let mut cases = vec![case.to_string()];
        cases.extend(self.first_pseudonyms(partnership_id, std::iter::once(case)).await?.into_values());
        let mut tx = self.summary_tx().await?;
        let erased = remove_cases(&mut tx, partnership_id, &cases, Removal::Request).await?;
        tx.commit().await?;
        Ok(erased)
    }

    /// Deletes every case of every partnership whose last activity (a response or an outcome)
    /// is older than the partnership's retention period, as `erase_case` does, except that its
    /// counts move to the retired cubes: the dashboard keeps counting it, protected like every
    /// other count, with nothing left that is about one case. Returns how many cases went.
    pub async fn apply_retention(&self, today: Day) -> Result<u64, sqlx::Error> {
        let partnerships: Vec<(String, i64)> = sqlx::query_as("SELECT id, retention_months FROM partnerships").fetch_all(&self.pool).await?;
        let mut total = 0;
        for (partnership_id, months) in partnerships {
            // The same day `months` months ago (the last day of that month where it has fewer).
            let into_month = today.unix_days() - today.first_of_month().unix_days();
            let cutoff = dashboard::month_day(today.month_number() - months)
                .map_or(i64::MIN, |first| (first.unix_days() + into_month).min(first.last_of_month().unix_days()));
            let mut removed = 0;
            loop {
                let mut tx = self.summary_tx().await?;
                let last = "CASE WHEN COALESCE(last_day, since_day) >= COALESCE(outcome_day, since_day) \
                            THEN COALESCE(last_day, since_day) ELSE COALESCE(outcome_day, since_day) END";
                let cases: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT case_pseudonym FROM cases WHERE partnership_id = $1 AND {last} < $2 LIMIT {CHUNK}"))
                        .bind(&partnership_id)
                        .bind(cutoff)
                        .fetch_all(&mut *tx)
                        .await?;
                if cases.is_empty() {
                    break;
                }
                remove_cases(&mut tx, &partnership_id, &cases, Removal::Retention).await?;
                tx.commit().await?;
                removed += cases.len() as u64;
            }
            if removed > 0 {
                let detail = format!(
                    "{removed} cases past the retention period ({months} months after their last activity) deleted; their counts stay in the dashboard"
                );
                self.audit(&partnership_id, "(retention)", "retention", &detail, crate::auth::now()).await?;
            }
            total += removed;
        }
        Ok(total)
    }

    /// Hides a shared item from the dashboard for good. False when the partnership has no such item.
    pub async fn hide_shared(&self, partnership_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let known: Option<String> = sqlx::query_scalar("SELECT id FROM shared_words WHERE partnership_id = $1 AND id = $2")
            .bind(partnership_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        if known.is_none() {
            return Ok(false);
        }
        sqlx::query("INSERT INTO hidden_shared (partnership_id, shared_id) VALUES ($1, $2) ON CONFLICT (partnership_id, shared_id) DO NOTHING")
            .bind(partnership_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(true)
    }

    /// Builds the case summaries when they are missing (a database from before they existed,
    /// or whose summaries a migration emptied).
    pub(in crate::db) async fn rebuild_summaries_if_missing(&self) -> Result<(), sqlx::Error> {
        // Run at every start: a row's existence is enough, never a count of millions.
        let missing: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM cases) AND NOT EXISTS (SELECT 1 FROM summary_queue) \
                          AND (EXISTS (SELECT 1 FROM responses) OR EXISTS (SELECT 1 FROM outcomes)) THEN 1 ELSE 0 END",
        )
        .fetch_one(&self.pool)
        .await?;
        if missing == 0 {
            return Ok(());
        }
        self.rebuild_summaries().await
    }

    /// Empties every case summary, cube and shared word and queues every response and outcome
    /// held for the summariser, responses first: the same result as summarising them as they
    /// arrived (tested).
    pub async fn rebuild_summaries(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.summary_tx().await?;
        for table in ["summary_queue", "cases", "case_cube", "drift_cube", "shared_words"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
        }
        // An item another instance stored (and queued) after the DELETE above is queued once.
        for kind in [Kind::Response, Kind::Outcome] {
            sqlx::query(&format!(
                "INSERT INTO summary_queue (kind, item_id) SELECT '{code}', t.id FROM {table} t \
                 WHERE t.partnership_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM summary_queue q WHERE q.kind = '{code}' AND q.item_id = t.id) \
                 ORDER BY t.id",
                code = kind.code(),
                table = kind.table()
            ))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.queued.notify_one();
        Ok(())
    }
}
