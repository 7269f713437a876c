//! Per-case summaries (`cases`) and shared words (`shared_words`), written in the same
//! transaction as the response or outcome they come from, and the dashboard's two grouped
//! scans over them. The tables themselves are built in `heard_domain::dashboard`.

use super::Db;
use heard_domain::case::Outcome;
use heard_domain::dashboard::{self, AgencyName, CaseGroup, Change, Dashboard, DriftGroup, Filter, Flag, Shared, CHANGE_THRESHOLD, MAX_SHARED};
use heard_domain::wire::{OutcomeV1, ResponseV1};
use heard_domain::{AgeBand, AnswerValue, Catalogue, Day, Response};
use sqlx::Row;

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// Adds a newly stored response to its case's summary, and keeps the words and drawings the
/// child agreed to share. Called once per response, only when it was first stored.
pub(super) async fn add_response(tx: &mut Tx<'_>, catalogue: &Catalogue, partnership_id: &str, agency_id: Option<&str>, r: &Response) -> Result<(), sqlx::Error> {
    let form = catalogue.get(&r.form_id, r.form_version);
    let heard = form.is_some_and(|f| r.heard(f));
    let rating = form.and_then(|f| r.rating(f));
    let day = r.date.unix_days();
    let band = r.context.age_band.code();
    let flags = i64::from(r.context.flags.bits());
    sqlx::query(
        "INSERT INTO cases (partnership_id, case_pseudonym, agency_id, age_band, flags, responses, heard, first_day, last_day, \
                            rated, first_rating_day, first_rating, last_rating_day, last_rating, since_day) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7, $8, CASE WHEN $8 > 0 THEN $7 END, CASE WHEN $8 > 0 THEN $9 END, \
                 CASE WHEN $8 > 0 THEN $7 END, CASE WHEN $8 > 0 THEN $9 END, $7) \
         ON CONFLICT (partnership_id, case_pseudonym) DO UPDATE SET \
           agency_id = COALESCE(cases.agency_id, excluded.agency_id), \
           age_band = CASE WHEN cases.last_day IS NULL OR excluded.last_day >= cases.last_day THEN excluded.age_band ELSE cases.age_band END, \
           flags = cases.flags | excluded.flags, \
           responses = cases.responses + 1, \
           heard = CASE WHEN excluded.heard > cases.heard THEN excluded.heard ELSE cases.heard END, \
           first_day = CASE WHEN cases.first_day IS NULL OR excluded.first_day < cases.first_day THEN excluded.first_day ELSE cases.first_day END, \
           last_day = CASE WHEN cases.last_day IS NULL OR excluded.last_day >= cases.last_day THEN excluded.last_day ELSE cases.last_day END, \
           rated = cases.rated + excluded.rated, \
           first_rating = CASE WHEN excluded.first_rating IS NOT NULL AND (cases.first_rating_day IS NULL OR excluded.first_rating_day < cases.first_rating_day) \
                          THEN excluded.first_rating ELSE cases.first_rating END, \
           first_rating_day = CASE WHEN excluded.first_rating IS NOT NULL AND (cases.first_rating_day IS NULL OR excluded.first_rating_day < cases.first_rating_day) \
                          THEN excluded.first_rating_day ELSE cases.first_rating_day END, \
           last_rating = CASE WHEN excluded.last_rating IS NOT NULL AND (cases.last_rating_day IS NULL OR excluded.last_rating_day >= cases.last_rating_day) \
                          THEN excluded.last_rating ELSE cases.last_rating END, \
           last_rating_day = CASE WHEN excluded.last_rating IS NOT NULL AND (cases.last_rating_day IS NULL OR excluded.last_rating_day >= cases.last_rating_day) \
                          THEN excluded.last_rating_day ELSE cases.last_rating_day END, \
           since_day = CASE WHEN excluded.since_day < cases.since_day THEN excluded.since_day ELSE cases.since_day END",
    )
    .bind(partnership_id)
    .bind(r.context.case.as_str())
    .bind(agency_id)
    .bind(band)
    .bind(flags)
    .bind(i64::from(heard))
    .bind(day)
    .bind(i64::from(rating.is_some()))
    // Never a NULL double: PostgreSQL can keep the type of a first NULL for the statement
    // and then refuse a real number ("incorrect binary data format"); $8 says if it counts.
    .bind(rating.unwrap_or(0.0))
    .execute(&mut **tx)
    .await?;
    if !r.share {
        return Ok(());
    }
    for (question_id, part, words, drawing) in shared_parts(r) {
        let id = format!("{}:{question_id}:{}", r.id, part.unwrap_or(""));
        sqlx::query(
            "INSERT INTO shared_words (id, partnership_id, agency_id, age_band, flags, day, form_id, form_version, question_id, part, words, drawing) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(partnership_id)
        .bind(agency_id)
        .bind(band)
        .bind(flags)
        .bind(day)
        .bind(&r.form_id.0)
        .bind(i64::from(r.form_version))
        .bind(question_id)
        .bind(part)
        .bind(words)
        .bind(drawing)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The words and drawings in a response: (question, house, words, drawing).
fn shared_parts(r: &Response) -> Vec<(&str, Option<&'static str>, Option<String>, Option<String>)> {
    let words = |w: &Option<String>| w.as_ref().filter(|w| !w.trim().is_empty()).cloned();
    let mut parts = Vec::new();
    for a in &r.answers {
        let q = a.question_id.as_str();
        match &a.value {
            AnswerValue::Text(w) if !w.trim().is_empty() => parts.push((q, None, Some(w.clone()), None)),
            AnswerValue::Drawing(d) => parts.push((q, None, None, Some(d.encode()))),
            AnswerValue::Houses(h) => {
                for (name, house) in [("worries", &h.worries), ("good_things", &h.good_things), ("dreams", &h.dreams)] {
                    if !house.is_empty() {
                        parts.push((q, Some(name), words(&house.words), house.drawing.as_ref().map(heard_domain::Drawing::encode)));
                    }
                }
            }
            _ => {}
        }
    }
    parts
}

/// Records a case's outcome in its summary: the latest outcome by date stands.
pub(super) async fn add_outcome(tx: &mut Tx<'_>, partnership_id: &str, agency_id: Option<&str>, o: &OutcomeV1) -> Result<(), sqlx::Error> {
    let day = o.date.unix_days();
    sqlx::query(
        "INSERT INTO cases (partnership_id, case_pseudonym, outcome_agency_id, outcome, outcome_day, since_day) \
         VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (partnership_id, case_pseudonym) DO UPDATE SET \
           outcome_agency_id = COALESCE(cases.outcome_agency_id, excluded.outcome_agency_id), \
           outcome = CASE WHEN cases.outcome_day IS NULL OR excluded.outcome_day >= cases.outcome_day THEN excluded.outcome ELSE cases.outcome END, \
           outcome_day = CASE WHEN cases.outcome_day IS NULL OR excluded.outcome_day >= cases.outcome_day THEN excluded.outcome_day ELSE cases.outcome_day END, \
           since_day = CASE WHEN excluded.since_day < cases.since_day THEN excluded.since_day ELSE cases.since_day END",
    )
    .bind(partnership_id)
    .bind(o.case.as_str())
    .bind(agency_id)
    .bind(o.outcome.code())
    .bind(day)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `WHERE` conditions for a filter over a table with `since_col`, agency, band and flags
/// columns, numbered after `$1` (the partnership), with the values to bind in order.
fn conditions(filter: &Filter, since_col: &str, agency_col: &str) -> (String, Vec<Bind>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut add = |cond: String, b: Bind| {
        binds.push(b);
        sql.push_str(&format!(" AND {}", cond.replace('?', &format!("${}", binds.len() + 1))));
    };
    if let Some(d) = filter.from {
        add(format!("{since_col} >= ?"), Bind::Int(d.unix_days()));
    }
    if let Some(d) = filter.to {
        add(format!("{since_col} <= ?"), Bind::Int(d.unix_days()));
    }
    if let Some(a) = &filter.agency {
        add(format!("{agency_col} = ?"), Bind::Text(a.clone()));
    }
    if let Some(b) = filter.band {
        add("age_band = ?".into(), Bind::Text(b.code().into()));
    }
    if let Some(f) = filter.flag {
        add("(flags & ?) <> 0".into(), Bind::Int(i64::from(f.bit())));
    }
    (sql, binds)
}

enum Bind {
    Int(i64),
    Text(String),
}

fn bind_all<'q>(mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, binds: &'q [Bind]) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Int(n) => q.bind(*n),
            Bind::Text(s) => q.bind(s.as_str()),
        };
    }
    q
}

const CASE_AGENCY: &str = "COALESCE(agency_id, outcome_agency_id)";

impl Db {
    /// Every dashboard table for a partnership, suppressed, and the latest shared words.
    pub async fn dashboard(&self, partnership_id: &str, filter: Filter) -> Result<Dashboard, sqlx::Error> {
        let agencies: Vec<AgencyName> = self.agencies(partnership_id).await?.into_iter().map(|a| AgencyName { id: a.id, name: a.name }).collect();
        let (cond, binds) = conditions(&filter, "since_day", CASE_AGENCY);
        let t = CHANGE_THRESHOLD;
        let cube_sql = format!(
            "SELECT {CASE_AGENCY}, age_band, flags, outcome, heard, \
               CASE WHEN rated < 2 THEN NULL WHEN last_rating - first_rating >= {t:.1} THEN 'better' \
                    WHEN last_rating - first_rating <= -{t:.1} THEN 'worse' ELSE 'same' END, \
               COUNT(*), SUM(CASE WHEN rated < 2 THEN 0.0 ELSE last_rating - first_rating END) \
             FROM cases WHERE partnership_id = $1{cond} GROUP BY 1, 2, 3, 4, 5, 6"
        );
        let rows = bind_all(sqlx::query(&cube_sql).bind(partnership_id), &binds).fetch_all(&self.pool).await?;
        let mut groups = Vec::with_capacity(rows.len());
        for row in rows {
            let change: Option<String> = row.try_get(5)?;
            let outcome: Option<String> = row.try_get(3)?;
            let band: Option<String> = row.try_get(1)?;
            groups.push(CaseGroup {
                agency: row.try_get(0)?,
                band: band.as_deref().and_then(AgeBand::parse),
                flags: row.try_get::<i64, _>(2)? as u8,
                outcome: outcome.as_deref().and_then(Outcome::parse),
                heard: row.try_get::<i64, _>(4)? > 0,
                change: change.as_deref().map(|c| match c {
                    "better" => Change::Better,
                    "worse" => Change::Worse,
                    _ => Change::Same,
                }),
                cases: row.try_get::<i64, _>(6)?.max(0) as u64,
                change_sum: row.try_get::<Option<f64>, _>(7)?.unwrap_or(0.0),
            });
        }
        let focus_bits = i64::from(Flag::Send.bit() | Flag::Homeless.bit());
        let drift_sql = format!(
            "SELECT {CASE_AGENCY}, flags & {focus_bits}, outcome_day - first_day, COUNT(*) FROM cases \
             WHERE partnership_id = $1{cond} AND outcome_day IS NOT NULL AND first_day IS NOT NULL AND outcome_day >= first_day \
             GROUP BY 1, 2, 3"
        );
        let rows = bind_all(sqlx::query(&drift_sql).bind(partnership_id), &binds).fetch_all(&self.pool).await?;
        let mut drift = Vec::with_capacity(rows.len());
        for row in rows {
            drift.push(DriftGroup {
                agency: row.try_get(0)?,
                flags: row.try_get::<i64, _>(1)? as u8,
                days: row.try_get(2)?,
                cases: row.try_get::<i64, _>(3)?.max(0) as u64,
            });
        }
        let shared = self.shared_words(partnership_id, &filter).await?;
        Ok(dashboard::build(filter, agencies, &groups, &drift, shared))
    }

    async fn shared_words(&self, partnership_id: &str, filter: &Filter) -> Result<Vec<Shared>, sqlx::Error> {
        let (cond, binds) = conditions(filter, "day", "agency_id");
        let sql = format!(
            "SELECT form_id, form_version, question_id, part, age_band, day, words, drawing FROM shared_words \
             WHERE partnership_id = $1{cond} ORDER BY day DESC, id LIMIT {MAX_SHARED}"
        );
        let rows = bind_all(sqlx::query(&sql).bind(partnership_id), &binds).fetch_all(&self.pool).await?;
        let mut shared = Vec::with_capacity(rows.len());
        for row in rows {
            let band: String = row.try_get(4)?;
            let day = Day::from_unix_days(row.try_get(5)?);
            let (Some(band), Some(day)) = (AgeBand::parse(&band), day) else { continue };
            shared.push(Shared {
                form_id: heard_domain::FormId(row.try_get(0)?),
                form_version: row.try_get::<i64, _>(1)? as u32,
                question_id: row.try_get(2)?,
                part: row.try_get(3)?,
                band,
                month: day.to_string()[..7].to_string(),
                words: row.try_get(6)?,
                drawing: row.try_get(7)?,
            });
        }
        Ok(shared)
    }

    /// Builds the case summaries when they are missing (a database from before they existed).
    pub(super) async fn rebuild_summaries_if_missing(&self, catalogue: &Catalogue) -> Result<(), sqlx::Error> {
        let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&self.pool).await?;
        let held: i64 = sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM responses) + (SELECT COUNT(*) FROM outcomes)").fetch_one(&self.pool).await?;
        if cases > 0 || held == 0 {
            return Ok(());
        }
        self.rebuild_summaries(catalogue).await
    }

    /// Rebuilds every case summary and shared word from the responses and outcomes held, in
    /// one transaction: the same result as building them as they arrived (tested).
    pub async fn rebuild_summaries(&self, catalogue: &Catalogue) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM cases").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM shared_words").execute(&mut *tx).await?;
        let rows = sqlx::query(
            "SELECT r.body, r.partnership_id, d.agency_id FROM responses r LEFT JOIN devices d ON d.id = r.device_id WHERE r.partnership_id IS NOT NULL",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in rows {
            let body: String = row.try_get(0)?;
            let Ok(wire) = serde_json::from_str::<ResponseV1>(&body) else { continue };
            let partnership: String = row.try_get(1)?;
            let agency: Option<String> = row.try_get(2)?;
            add_response(&mut tx, catalogue, &partnership, agency.as_deref(), &Response::from(wire)).await?;
        }
        let rows = sqlx::query("SELECT o.body, o.partnership_id, d.agency_id FROM outcomes o LEFT JOIN devices d ON d.id = o.device_id")
            .fetch_all(&mut *tx)
            .await?;
        for row in rows {
            let body: String = row.try_get(0)?;
            let Ok(o) = serde_json::from_str::<OutcomeV1>(&body) else { continue };
            let partnership: String = row.try_get(1)?;
            let agency: Option<String> = row.try_get(2)?;
            add_outcome(&mut tx, &partnership, agency.as_deref(), &o).await?;
        }
        tx.commit().await
    }
}
