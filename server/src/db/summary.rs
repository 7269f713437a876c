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

/// Rows per multi-row statement (well under SQLite's and PostgreSQL's parameter limits).
pub(super) const CHUNK: usize = 200;

/// What a batch's responses say about one case, merged before it touches the database, so
/// each case is written once per batch.
struct CaseDelta<'a> {
    case: &'a str,
    band: &'static str,
    flags: i64,
    responses: i64,
    heard: i64,
    first_day: i64,
    last_day: i64,
    rated: i64,
    /// (day, rating) of the earliest and latest rated response.
    first_rating: Option<(i64, f64)>,
    last_rating: Option<(i64, f64)>,
}

impl<'a> CaseDelta<'a> {
    fn of(catalogue: &Catalogue, r: &'a Response) -> CaseDelta<'a> {
        let form = catalogue.get(&r.form_id, r.form_version);
        let day = r.date.unix_days();
        let rating = form.and_then(|f| r.rating(f)).map(|x| (day, x));
        CaseDelta {
            case: r.context.case.as_str(),
            band: r.context.age_band.code(),
            flags: i64::from(r.context.flags.bits()),
            responses: 1,
            heard: i64::from(form.is_some_and(|f| r.heard(f))),
            first_day: day,
            last_day: day,
            rated: i64::from(rating.is_some()),
            first_rating: rating,
            last_rating: rating,
        }
    }

    fn merge(&mut self, o: CaseDelta<'a>) {
        if o.last_day >= self.last_day {
            self.band = o.band;
        }
        self.flags |= o.flags;
        self.responses += o.responses;
        self.heard = self.heard.max(o.heard);
        self.first_day = self.first_day.min(o.first_day);
        self.last_day = self.last_day.max(o.last_day);
        self.rated += o.rated;
        if let Some(f) = o.first_rating {
            if self.first_rating.is_none_or(|s| f.0 < s.0) {
                self.first_rating = Some(f);
            }
        }
        if let Some(l) = o.last_rating {
            if self.last_rating.is_none_or(|s| l.0 >= s.0) {
                self.last_rating = Some(l);
            }
        }
    }

    /// The change and delta this delta alone implies (for a case new to the database).
    fn change(&self) -> (Option<&'static str>, f64) {
        match (self.rated, self.first_rating, self.last_rating) {
            (n, Some((_, f)), Some((_, l))) if n >= 2 => (Some(change_word(l - f)), l - f),
            _ => (None, 0.0),
        }
    }
}

fn change_word(delta: f64) -> &'static str {
    match Change::of(delta) {
        Change::Better => "better",
        Change::Same => "same",
        Change::Worse => "worse",
    }
}

/// `(?, ?, ...)` rows of `width` parameters each, numbered from `$1`.
pub(super) fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", (1..=width).map(|c| format!("${}", r * width + c)).collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The case summary upsert for responses. In `SET`, `cases.x` is the row before and
/// `excluded.x` this batch's merged delta; the `new_*` expressions are the row after, used
/// again for the columns derived from them.
fn responses_upsert(rows: usize) -> String {
    let t = CHANGE_THRESHOLD;
    let new_first_day = "CASE WHEN cases.first_day IS NULL OR excluded.first_day < cases.first_day THEN excluded.first_day ELSE cases.first_day END";
    // A rating's day is NULL when there is no rating (the rating itself is then 0.0).
    let takes_first = "(excluded.first_rating_day IS NOT NULL AND (cases.first_rating_day IS NULL OR excluded.first_rating_day < cases.first_rating_day))";
    let takes_last = "(excluded.last_rating_day IS NOT NULL AND (cases.last_rating_day IS NULL OR excluded.last_rating_day >= cases.last_rating_day))";
    let new_first = format!("CASE WHEN {takes_first} THEN excluded.first_rating ELSE cases.first_rating END");
    let new_last = format!("CASE WHEN {takes_last} THEN excluded.last_rating ELSE cases.last_rating END");
    let new_rated = "(cases.rated + excluded.rated)";
    let new_delta = format!("(({new_last}) - ({new_first}))");
    format!(
        "INSERT INTO cases (partnership_id, case_pseudonym, agency_id, agency, age_band, flags, focus, responses, heard, first_day, last_day, \
                            rated, first_rating_day, first_rating, last_rating_day, last_rating, change, delta, since_day) \
         VALUES {} \
         ON CONFLICT (partnership_id, case_pseudonym) DO UPDATE SET \
           agency_id = COALESCE(cases.agency_id, excluded.agency_id), \
           agency = COALESCE(cases.agency_id, excluded.agency_id, cases.outcome_agency_id), \
           age_band = CASE WHEN cases.last_day IS NULL OR excluded.last_day >= cases.last_day THEN excluded.age_band ELSE cases.age_band END, \
           flags = cases.flags | excluded.flags, \
           focus = (cases.flags | excluded.flags) & {focus}, \
           responses = cases.responses + excluded.responses, \
           heard = CASE WHEN excluded.heard > cases.heard THEN excluded.heard ELSE cases.heard END, \
           first_day = {new_first_day}, \
           last_day = CASE WHEN cases.last_day IS NULL OR excluded.last_day >= cases.last_day THEN excluded.last_day ELSE cases.last_day END, \
           rated = {new_rated}, \
           first_rating = {new_first}, \
           first_rating_day = CASE WHEN {takes_first} THEN excluded.first_rating_day ELSE cases.first_rating_day END, \
           last_rating = {new_last}, \
           last_rating_day = CASE WHEN {takes_last} THEN excluded.last_rating_day ELSE cases.last_rating_day END, \
           change = CASE WHEN {new_rated} < 2 THEN NULL WHEN {new_delta} >= {t:.1} THEN 'better' WHEN {new_delta} <= -{t:.1} THEN 'worse' ELSE 'same' END, \
           delta = CASE WHEN {new_rated} < 2 THEN 0.0 ELSE {new_delta} END, \
           drift_days = CASE WHEN cases.outcome_day IS NULL OR cases.outcome_day < ({new_first_day}) THEN NULL ELSE cases.outcome_day - ({new_first_day}) END, \
           since_day = CASE WHEN excluded.since_day < cases.since_day THEN excluded.since_day ELSE cases.since_day END",
        placeholders(rows, 19),
        focus = i64::from(Flag::Send.bit() | Flag::Homeless.bit()),
    )
}

/// Adds newly stored responses (all from one device) to their cases' summaries, and keeps
/// the words and drawings the children agreed to share. Called only for responses stored
/// for the first time, in the transaction that stored them.
pub(super) async fn add_responses(tx: &mut Tx<'_>, catalogue: &Catalogue, partnership_id: &str, agency_id: Option<&str>, responses: &[&Response]) -> Result<(), sqlx::Error> {
    let mut cases: Vec<CaseDelta> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in responses {
        let d = CaseDelta::of(catalogue, r);
        match index.get(d.case) {
            Some(&i) => cases[i].merge(d),
            None => {
                index.insert(d.case, cases.len());
                cases.push(d);
            }
        }
    }
    let focus_bits = i64::from(Flag::Send.bit() | Flag::Homeless.bit());
    for chunk in cases.chunks(CHUNK) {
        let sql = responses_upsert(chunk.len());
        let mut q = sqlx::query(&sql);
        for d in chunk {
            let (change, delta) = d.change();
            // Never a NULL double: PostgreSQL can keep the type of a first NULL for the
            // statement and then refuse a real number; a rating's day of NULL marks "none".
            q = q
                .bind(partnership_id)
                .bind(d.case)
                .bind(agency_id)
                .bind(agency_id)
                .bind(d.band)
                .bind(d.flags)
                .bind(d.flags & focus_bits)
                .bind(d.responses)
                .bind(d.heard)
                .bind(d.first_day)
                .bind(d.last_day)
                .bind(d.rated)
                .bind(d.first_rating.map(|r| r.0))
                .bind(d.first_rating.map_or(0.0, |r| r.1))
                .bind(d.last_rating.map(|r| r.0))
                .bind(d.last_rating.map_or(0.0, |r| r.1))
                .bind(change)
                .bind(delta)
                .bind(d.first_day);
        }
        q.execute(&mut **tx).await?;
    }
    let shared: Vec<_> = responses.iter().filter(|r| r.share).flat_map(|r| shared_parts(r).into_iter().map(move |p| (*r, p))).collect();
    for chunk in shared.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO shared_words (id, partnership_id, agency_id, age_band, flags, day, form_id, form_version, question_id, part, words, drawing) \
             VALUES {} ON CONFLICT (id) DO NOTHING",
            placeholders(chunk.len(), 12)
        );
        let mut q = sqlx::query(&sql);
        for (r, (question_id, part, words, drawing)) in chunk {
            q = q
                .bind(format!("{}:{question_id}:{}", r.id, part.unwrap_or("")))
                .bind(partnership_id)
                .bind(agency_id)
                .bind(r.context.age_band.code())
                .bind(i64::from(r.context.flags.bits()))
                .bind(r.date.unix_days())
                .bind(&r.form_id.0)
                .bind(i64::from(r.form_version))
                .bind(*question_id)
                .bind(*part)
                .bind(words.clone())
                .bind(drawing.clone());
        }
        q.execute(&mut **tx).await?;
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

/// Records newly stored outcomes (all from one device, or one import) in their cases'
/// summaries: the latest outcome by date stands.
pub(super) async fn add_outcomes(tx: &mut Tx<'_>, partnership_id: &str, agency_id: Option<&str>, outcomes: &[&OutcomeV1]) -> Result<(), sqlx::Error> {
    // One per case: the latest.
    let mut latest: Vec<&OutcomeV1> = Vec::new();
    for o in outcomes {
        match latest.iter_mut().find(|l| l.case == o.case) {
            Some(l) if o.date >= l.date => *l = o,
            Some(_) => {}
            None => latest.push(o),
        }
    }
    let new_day = "CASE WHEN cases.outcome_day IS NULL OR excluded.outcome_day >= cases.outcome_day THEN excluded.outcome_day ELSE cases.outcome_day END";
    for chunk in latest.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO cases (partnership_id, case_pseudonym, outcome_agency_id, agency, outcome, outcome_day, since_day) VALUES {} \
             ON CONFLICT (partnership_id, case_pseudonym) DO UPDATE SET \
               outcome_agency_id = COALESCE(cases.outcome_agency_id, excluded.outcome_agency_id), \
               agency = COALESCE(cases.agency_id, cases.outcome_agency_id, excluded.outcome_agency_id), \
               outcome = CASE WHEN cases.outcome_day IS NULL OR excluded.outcome_day >= cases.outcome_day THEN excluded.outcome ELSE cases.outcome END, \
               outcome_day = {new_day}, \
               drift_days = CASE WHEN cases.first_day IS NULL OR ({new_day}) < cases.first_day THEN NULL ELSE ({new_day}) - cases.first_day END, \
               since_day = CASE WHEN excluded.since_day < cases.since_day THEN excluded.since_day ELSE cases.since_day END",
            placeholders(chunk.len(), 7)
        );
        let mut q = sqlx::query(&sql);
        for o in chunk {
            let day = o.date.unix_days();
            q = q.bind(partnership_id).bind(o.case.as_str()).bind(agency_id).bind(agency_id).bind(o.outcome.code()).bind(day).bind(day);
        }
        q.execute(&mut **tx).await?;
    }
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

impl Db {
    /// Every dashboard table for a partnership, suppressed, and the latest shared words.
    pub async fn dashboard(&self, partnership_id: &str, filter: Filter) -> Result<Dashboard, sqlx::Error> {
        let (cond, binds) = conditions(&filter, "since_day", "agency");
        // Grouped in the order of the index cases_cube, so the database reads it in order;
        // each circumstance is summed rather than grouped by, which keeps the groups few.
        // Measured at a million responses against grouping by the flags: PostgreSQL 0.53 s
        // against 1.25 s, SQLite 1.9 s against 1.5 s.
        let flag_sums: String = (0..Flag::ALL.len()).map(|bit| format!("CAST(SUM((flags >> {bit}) & 1) AS BIGINT), ")).collect();
        let cube_sql = format!(
            "SELECT agency, age_band, focus, outcome, heard, change, COUNT(*), SUM(delta), {flag_sums}SUM(CASE WHEN flags = 0 THEN 1 ELSE 0 END) \
             FROM cases WHERE partnership_id = $1{cond} GROUP BY agency, age_band, focus, outcome, heard, change"
        );
        // In the order of the index cases_drift.
        let drift_sql = format!(
            "SELECT agency, focus, drift_days, COUNT(*) FROM cases \
             WHERE partnership_id = $1{cond} AND drift_days IS NOT NULL GROUP BY agency, focus, drift_days"
        );
        // The four reads are independent: run them at once, on connections of their own
        // (SQLite's WAL and PostgreSQL both let readers run side by side).
        let (agencies, rows, drift_rows, shared) = tokio::try_join!(
            self.agencies(partnership_id),
            bind_all(sqlx::query(&cube_sql).bind(partnership_id), &binds).fetch_all(&self.pool),
            bind_all(sqlx::query(&drift_sql).bind(partnership_id), &binds).fetch_all(&self.pool),
            self.shared_words(partnership_id, &filter),
        )?;
        let agencies: Vec<AgencyName> = agencies.into_iter().map(|a| AgencyName { id: a.id, name: a.name }).collect();
        let mut groups = Vec::with_capacity(rows.len());
        for row in rows {
            let change: Option<String> = row.try_get(5)?;
            let outcome: Option<String> = row.try_get(3)?;
            let band: Option<String> = row.try_get(1)?;
            let cases = row.try_get::<i64, _>(6)?.max(0) as u64;
            let mut with_flag = [0u64; 6];
            for (i, n) in with_flag.iter_mut().enumerate() {
                *n = row.try_get::<i64, _>(8 + i)?.max(0) as u64;
            }
            groups.push(CaseGroup {
                agency: row.try_get(0)?,
                band: band.as_deref().and_then(AgeBand::parse),
                focus: row.try_get::<i64, _>(2)? as u8,
                with_flag,
                outcome: outcome.as_deref().and_then(Outcome::parse),
                heard: row.try_get::<i64, _>(4)? > 0,
                change: change.as_deref().map(|c| match c {
                    "better" => Change::Better,
                    "worse" => Change::Worse,
                    _ => Change::Same,
                }),
                cases,
                change_sum: row.try_get::<Option<f64>, _>(7)?.unwrap_or(0.0),
            });
        }
        let mut drift = Vec::with_capacity(drift_rows.len());
        for row in drift_rows {
            drift.push(DriftGroup {
                agency: row.try_get(0)?,
                focus: row.try_get::<i64, _>(1)? as u8,
                days: row.try_get(2)?,
                cases: row.try_get::<i64, _>(3)?.max(0) as u64,
            });
        }
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
        // Run at every start: a row's existence is enough, never a count of millions.
        let missing: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM cases) \
                          AND (EXISTS (SELECT 1 FROM responses) OR EXISTS (SELECT 1 FROM outcomes)) THEN 1 ELSE 0 END",
        )
        .fetch_one(&self.pool)
        .await?;
        if missing == 0 {
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
        // A page at a time (keyed by id), each page's items grouped by partnership and agency.
        for table in ["responses", "outcomes"] {
            let mut after = String::new();
            loop {
                let sql = format!(
                    "SELECT t.id, t.body, t.partnership_id, d.agency_id FROM {table} t LEFT JOIN devices d ON d.id = t.device_id \
                     WHERE t.partnership_id IS NOT NULL AND t.id > $1 ORDER BY t.id LIMIT 2000"
                );
                let rows = sqlx::query(&sql).bind(&after).fetch_all(&mut *tx).await?;
                let Some(last) = rows.last() else { break };
                after = last.try_get(0)?;
                let mut groups: std::collections::BTreeMap<(String, Option<String>), Vec<String>> = std::collections::BTreeMap::new();
                for row in rows {
                    groups.entry((row.try_get(2)?, row.try_get(3)?)).or_default().push(row.try_get(1)?);
                }
                for ((partnership, agency), bodies) in groups {
                    if table == "responses" {
                        let responses: Vec<Response> = bodies.iter().filter_map(|b| serde_json::from_str::<ResponseV1>(b).ok()).map(Response::from).collect();
                        add_responses(&mut tx, catalogue, &partnership, agency.as_deref(), &responses.iter().collect::<Vec<_>>()).await?;
                    } else {
                        let outcomes: Vec<OutcomeV1> = bodies.iter().filter_map(|b| serde_json::from_str(b).ok()).collect();
                        add_outcomes(&mut tx, &partnership, agency.as_deref(), &outcomes.iter().collect::<Vec<_>>()).await?;
                    }
                }
            }
        }
        tx.commit().await
    }
}
