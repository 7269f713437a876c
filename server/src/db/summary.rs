//! What the dashboard reads, derived from the responses and outcomes stored:
//! - per-case summaries (`cases`), the cubes that count cases by everything the dashboard groups
//!   and filters by (`case_cube`, `drift_cube`), and the shared words (`shared_words`);
//! - kept up to date by the summariser, which takes items queued by the transaction that stored
//!   them (`summary_queue`) and adds them in one transaction of its own;
//! - read as grouped counts from the cubes (whole months) and the cases (days outside whole
//!   months). The tables themselves are built in `heard_domain::dashboard`.

use super::Db;
use heard_domain::case::Outcome;
use heard_domain::case::{ContextFlags, Flag};
use heard_domain::dashboard::{self, AgencyName, ByFlag, CaseGroup, Change, Dashboard, DriftGroup, Filter, Shared, TooFew, CHANGE_THRESHOLD, MAX_SHARED};
use heard_domain::wire::{ItemStatus, OutcomeV1, ResponseV1};
use heard_domain::{AgeBand, AnswerValue, Catalogue, Day, Response};
use sqlx::Row;

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// The record keys of cases (`heard_domain::disclosure`): a number from 0 to 255 per case,
/// from the case's pseudonym under this server's secret, which never leaves the database.
pub(super) struct RecordKeys(pub(super) Vec<u8>);

impl std::fmt::Debug for RecordKeys {
    /// Never the secret itself, in any log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKeys(..)")
    }
}

impl RecordKeys {
    pub(super) fn of(&self, partnership_id: &str, case: &str) -> i64 {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for part in [self.0.as_slice(), partnership_id.as_bytes(), case.as_bytes()] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        i64::from(h.finalize()[0])
    }
}

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
            (n, Some((_, f)), Some((_, l))) if n >= 2 => (Some(Change::of(l - f).code()), l - f),
            _ => (None, 0.0),
        }
    }
}

/// `(?, ?, ...)` rows of `width` parameters each, numbered from `$1`.
pub(super) fn placeholders(rows: usize, width: usize) -> String {
    (0..rows).map(|r| format!("({})", (1..=width).map(|c| format!("${}", r * width + c)).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join(", ")
}

/// Columns bound for each row of `responses_upsert`.
const UPSERT_COLUMNS: usize = 19;

/// The case summary upsert for responses. In `SET`, `cases.x` is the row before and
/// `excluded.x` this batch's merged delta; the `new_*` expressions are the row after, used
/// again for the columns derived from them. After the rows' values come `Change::of`'s rule:
/// its threshold and the codes of better, worse and same (`bind_change_rule`).
fn responses_upsert(rows: usize) -> String {
    let n = rows * UPSERT_COLUMNS;
    let (t, better, worse, same) = (format!("CAST(${} AS DOUBLE PRECISION)", n + 1), n + 2, n + 3, n + 4);
    let new_first_day = "CASE WHEN cases.first_day IS NULL OR excluded.first_day < cases.first_day THEN excluded.first_day ELSE cases.first_day END";
    // A rating's day is NULL when there is no rating (the rating itself is then 0.0).
    let takes_first = "(excluded.first_rating_day IS NOT NULL AND (cases.first_rating_day IS NULL OR excluded.first_rating_day < cases.first_rating_day))";
    let takes_last = "(excluded.last_rating_day IS NOT NULL AND (cases.last_rating_day IS NULL OR excluded.last_rating_day >= cases.last_rating_day))";
    let new_first = format!("CASE WHEN {takes_first} THEN excluded.first_rating ELSE cases.first_rating END");
    let new_last = format!("CASE WHEN {takes_last} THEN excluded.last_rating ELSE cases.last_rating END");
    let new_rated = "(cases.rated + excluded.rated)";
    let new_delta = format!("(({new_last}) - ({new_first}))");
    format!(
        "INSERT INTO cases (partnership_id, case_pseudonym, agency_id, agency, age_band, flags, responses, heard, first_day, last_day, \
                            rated, first_rating_day, first_rating, last_rating_day, last_rating, change, delta, since_day, record_key) \
         VALUES {} \
         ON CONFLICT (partnership_id, case_pseudonym) DO UPDATE SET \
           agency_id = COALESCE(cases.agency_id, excluded.agency_id), \
           agency = COALESCE(cases.agency_id, excluded.agency_id, cases.outcome_agency_id), \
           age_band = CASE WHEN cases.last_day IS NULL OR excluded.last_day >= cases.last_day THEN excluded.age_band ELSE cases.age_band END, \
           flags = cases.flags | excluded.flags, \
           responses = cases.responses + excluded.responses, \
           heard = CASE WHEN excluded.heard > cases.heard THEN excluded.heard ELSE cases.heard END, \
           first_day = {new_first_day}, \
           last_day = CASE WHEN cases.last_day IS NULL OR excluded.last_day >= cases.last_day THEN excluded.last_day ELSE cases.last_day END, \
           rated = {new_rated}, \
           first_rating = {new_first}, \
           first_rating_day = CASE WHEN {takes_first} THEN excluded.first_rating_day ELSE cases.first_rating_day END, \
           last_rating = {new_last}, \
           last_rating_day = CASE WHEN {takes_last} THEN excluded.last_rating_day ELSE cases.last_rating_day END, \
           change = CASE WHEN {new_rated} < 2 THEN NULL WHEN {new_delta} >= {t} THEN ${better} WHEN {new_delta} <= -{t} THEN ${worse} ELSE ${same} END, \
           delta = CASE WHEN {new_rated} < 2 THEN 0.0 ELSE {new_delta} END, \
           drift_days = CASE WHEN cases.outcome_day IS NULL OR cases.outcome_day < ({new_first_day}) THEN NULL ELSE cases.outcome_day - ({new_first_day}) END, \
           since_day = CASE WHEN excluded.since_day < cases.since_day THEN excluded.since_day ELSE cases.since_day END",
        placeholders(rows, UPSERT_COLUMNS),
    )
}

/// Adds newly stored responses (all from one device) to their cases' summaries, and keeps
/// the words and drawings the children agreed to share. Called only for responses stored
/// for the first time, in the transaction that stored them.
pub(super) async fn add_responses(
    tx: &mut Tx<'_>,
    catalogue: &Catalogue,
    keys: &RecordKeys,
    partnership_id: &str,
    agency_id: Option<&str>,
    responses: &[&Response],
) -> Result<(), sqlx::Error> {
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
                .bind(d.first_day)
                .bind(keys.of(partnership_id, d.case));
        }
        q.bind(CHANGE_THRESHOLD).bind(Change::Better.code()).bind(Change::Worse.code()).bind(Change::Same.code()).execute(&mut **tx).await?;
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

/// What a child shared in one answer: (question, house, words, drawing).
type SharedPart<'a> = (&'a str, Option<&'static str>, Option<String>, Option<String>);

/// The words and drawings in a response.
fn shared_parts(r: &Response) -> Vec<SharedPart<'_>> {
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
pub(super) async fn add_outcomes(
    tx: &mut Tx<'_>,
    keys: &RecordKeys,
    partnership_id: &str,
    agency_id: Option<&str>,
    outcomes: &[&OutcomeV1],
) -> Result<(), sqlx::Error> {
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
            "INSERT INTO cases (partnership_id, case_pseudonym, outcome_agency_id, agency, outcome, outcome_day, since_day, record_key) VALUES {} \
             ON CONFLICT (partnership_id, case_pseudonym) DO UPDATE SET \
               outcome_agency_id = COALESCE(cases.outcome_agency_id, excluded.outcome_agency_id), \
               agency = COALESCE(cases.agency_id, cases.outcome_agency_id, excluded.outcome_agency_id), \
               outcome = CASE WHEN cases.outcome_day IS NULL OR excluded.outcome_day >= cases.outcome_day THEN excluded.outcome ELSE cases.outcome END, \
               outcome_day = {new_day}, \
               drift_days = CASE WHEN cases.first_day IS NULL OR ({new_day}) < cases.first_day THEN NULL ELSE ({new_day}) - cases.first_day END, \
               since_day = CASE WHEN excluded.since_day < cases.since_day THEN excluded.since_day ELSE cases.since_day END",
            placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for o in chunk {
            let day = o.date.unix_days();
            let key = keys.of(partnership_id, o.case.as_str());
            q = q.bind(partnership_id).bind(o.case.as_str()).bind(agency_id).bind(agency_id).bind(o.outcome.code()).bind(day).bind(day).bind(key);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `WHERE` conditions for a filter over a table with `since_col`, agency, band and flags
/// columns, numbered after the `taken` parameters already in the statement, with the values
/// to bind in order.
fn conditions(filter: &Filter, since_col: &str, agency_col: &str, taken: usize) -> (String, Vec<Bind>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut add = |cond: String, b: Bind| {
        binds.push(b);
        sql.push_str(&format!(" AND {}", cond.replace('?', &format!("${}", binds.len() + taken))));
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

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Int(n) => q.bind(*n),
            Bind::Text(s) => q.bind(s.as_str()),
        };
    }
    q
}

/// Where a dashboard's counts are read from: the cubes for whole months (month 0: all time),
/// the cases themselves for the days of a date range outside whole months.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    Months { from: i64, to: i64 },
    Days { from: Option<i64>, to: Option<i64> },
}

/// The sources that together count exactly the cases first heard of within the filter's dates.
fn sources(filter: &Filter) -> Vec<Source> {
    if filter.from.is_none() && filter.to.is_none() {
        return vec![Source::Months { from: 0, to: 0 }];
    }
    // The whole months inside the range, and the days before and after them.
    let first = match filter.from {
        None => 1,
        Some(d) if d == d.first_of_month() => d.month_number(),
        Some(d) => d.month_number() + 1,
    };
    let last = match filter.to {
        None => i64::MAX,
        Some(d) if d == d.last_of_month() => d.month_number(),
        Some(d) => d.month_number() - 1,
    };
    let day = |d: Option<Day>| d.map(Day::unix_days);
    if first > last {
        return vec![Source::Days { from: day(filter.from), to: day(filter.to) }];
    }
    let mut out = vec![Source::Months { from: first, to: last }];
    if let Some(d) = filter.from.filter(|d| d.month_number() < first) {
        out.push(Source::Days { from: Some(d.unix_days()), to: Some(d.last_of_month().unix_days()) });
    }
    if let Some(d) = filter.to.filter(|d| d.month_number() > last) {
        out.push(Source::Days { from: Some(d.first_of_month().unix_days()), to: Some(d.unix_days()) });
    }
    out
}

/// The cube month a case counts in, besides month 0 (all time).
fn month_of(since_day: i64) -> i64 {
    Day::from_unix_days(since_day).map_or(1, Day::month_number)
}

/// What the cubes count a case by, read from its summary.
#[derive(Debug, Clone, PartialEq)]
struct CaseKey {
    agency: String,
    band: String,
    outcome: String,
    heard: i64,
    change: String,
    flags: i64,
    delta_milli: i64,
    month: i64,
    drift_days: Option<i64>,
    record_key: i64,
}

/// The cube keys of the given cases of a partnership, as their summaries stand now.
async fn case_keys(tx: &mut Tx<'_>, partnership_id: &str, cases: &[&str]) -> Result<std::collections::HashMap<String, CaseKey>, sqlx::Error> {
    let mut keys = std::collections::HashMap::with_capacity(cases.len());
    for chunk in cases.chunks(CHUNK) {
        let list = (2..chunk.len() + 2).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT case_pseudonym, COALESCE(agency, ''), COALESCE(age_band, ''), COALESCE(outcome, ''), heard, COALESCE(change, ''), flags, \
                    CAST(ROUND(delta * 1000) AS BIGINT), since_day, drift_days, record_key \
             FROM cases WHERE partnership_id = $1 AND case_pseudonym IN ({list})"
        );
        let mut q = sqlx::query(&sql).bind(partnership_id);
        for c in chunk {
            q = q.bind(*c);
        }
        for row in q.fetch_all(&mut **tx).await? {
            keys.insert(
                row.try_get(0)?,
                CaseKey {
                    agency: row.try_get(1)?,
                    band: row.try_get(2)?,
                    outcome: row.try_get(3)?,
                    heard: row.try_get(4)?,
                    change: row.try_get(5)?,
                    flags: row.try_get(6)?,
                    // Rounded by the database, as the day-by-day reading rounds it.
                    delta_milli: row.try_get(7)?,
                    month: month_of(row.try_get(8)?),
                    drift_days: row.try_get(9)?,
                    record_key: row.try_get(10)?,
                },
            );
        }
    }
    Ok(keys)
}

/// Moves each case from the cube cells of its key before (if it had a summary) to those of
/// its key after: in month 0 and in its month.
async fn move_in_cubes(
    tx: &mut Tx<'_>,
    partnership_id: &str,
    before: &std::collections::HashMap<String, CaseKey>,
    after: &std::collections::HashMap<String, CaseKey>,
) -> Result<(), sqlx::Error> {
    type CaseCell = (i64, String, String, String, i64, String, i64);
    type DriftCell = (i64, String, String, i64, i64);
    // Per cell: cases, their change in thousandths, the sum of their record keys.
    let mut cases: std::collections::HashMap<CaseCell, (i64, i64, i64)> = std::collections::HashMap::new();
    let mut drift: std::collections::HashMap<DriftCell, (i64, i64)> = std::collections::HashMap::new();
    let mut count = |k: &CaseKey, sign: i64| {
        for month in [0, k.month] {
            let c = cases.entry((month, k.agency.clone(), k.band.clone(), k.outcome.clone(), k.heard, k.change.clone(), k.flags)).or_default();
            c.0 += sign;
            c.1 += sign * k.delta_milli;
            c.2 += sign * k.record_key;
            if let Some(days) = k.drift_days {
                let d = drift.entry((month, k.agency.clone(), k.band.clone(), k.flags, days)).or_default();
                d.0 += sign;
                d.1 += sign * k.record_key;
            }
        }
    };
    for (case, new) in after {
        match before.get(case) {
            Some(old) if old == new => continue,
            Some(old) => count(old, -1),
            None => {}
        }
        count(new, 1);
    }
    // A case with no summary after (erased) leaves the cubes.
    for (case, old) in before {
        if !after.contains_key(case) {
            count(old, -1);
        }
    }
    let cases: Vec<_> = cases.into_iter().filter(|(_, v)| *v != (0, 0, 0)).collect();
    for chunk in cases.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO case_cube (partnership_id, month, agency, age_band, outcome, heard, change, flags, cases, delta_milli, key_sum) VALUES {} \
             ON CONFLICT (partnership_id, month, agency, age_band, outcome, heard, change, flags) DO UPDATE SET \
               cases = case_cube.cases + excluded.cases, delta_milli = case_cube.delta_milli + excluded.delta_milli, \
               key_sum = case_cube.key_sum + excluded.key_sum",
            placeholders(chunk.len(), 11)
        );
        let mut q = sqlx::query(&sql);
        for ((month, agency, band, outcome, heard, change, flags), (n, delta, key)) in chunk {
            q = q
                .bind(partnership_id)
                .bind(*month)
                .bind(agency.as_str())
                .bind(band.as_str())
                .bind(outcome.as_str())
                .bind(*heard)
                .bind(change.as_str())
                .bind(*flags)
                .bind(*n)
                .bind(*delta)
                .bind(*key);
        }
        q.execute(&mut **tx).await?;
    }
    let drift: Vec<_> = drift.into_iter().filter(|(_, v)| *v != (0, 0)).collect();
    for chunk in drift.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO drift_cube (partnership_id, month, agency, age_band, flags, drift_days, cases, key_sum) VALUES {} \
             ON CONFLICT (partnership_id, month, agency, age_band, flags, drift_days) DO UPDATE SET \
               cases = drift_cube.cases + excluded.cases, key_sum = drift_cube.key_sum + excluded.key_sum",
            placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for ((month, agency, band, flags, days), (n, key)) in chunk {
            q = q.bind(partnership_id).bind(*month).bind(agency.as_str()).bind(band.as_str()).bind(*flags).bind(*days).bind(*n).bind(*key);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Which table a queued item is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Response,
    Outcome,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Response => "response",
            Kind::Outcome => "outcome",
        }
    }

    /// The table the items of this kind are stored in.
    fn table(self) -> &'static str {
        match self {
            Kind::Response => "responses",
            Kind::Outcome => "outcomes",
        }
    }
}

/// Queues the items of a batch that were stored for the first time, for the summariser.
pub(super) async fn enqueue(tx: &mut Tx<'_>, kind: Kind, ids: &[String], statuses: &[ItemStatus]) -> Result<(), sqlx::Error> {
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
const SUMMARY_PAGE: i64 = 1000;

/// Any number held by every instance's summariser transaction on PostgreSQL, so that one
/// summarises at a time (SQLite has one writer anyway).
const SUMMARY_LOCK: i64 = 0x4845_4152_4400;

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
    async fn summary_tx(&self) -> Result<Tx<'static>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        if self.backend == super::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SUMMARY_LOCK).execute(&mut *tx).await?;
        }
        Ok(tx)
    }

    async fn summarise_page(&self, after: i64, last: i64) -> Result<Option<(u64, i64)>, sqlx::Error> {
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
    async fn summarise_one_by_one(&self, items: &[(i64, String, String)], first: &sqlx::Error) -> Result<(), sqlx::Error> {
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

    /// Every dashboard table for a partnership, protected (`heard_domain::disclosure`), and the
    /// latest shared words. Anything stored before the call and not yet summarised is
    /// summarised first, so the dashboard always counts everything stored when it was asked for.
    /// A view that would count too few cases, or leave too few out of a wider one, is not
    /// answered (`DashboardError::TooFew`).
    pub async fn dashboard(&self, partnership_id: &str, filter: Filter) -> Result<Dashboard, DashboardError> {
        self.dashboard_read(partnership_id, filter, Read::SERVED).await
    }

    /// The dashboard read another way than it is served (`Read`): for tests only.
    pub async fn dashboard_read(&self, partnership_id: &str, filter: Filter, how: Read) -> Result<Dashboard, DashboardError> {
        let sources =
            if how.from_cases { vec![Source::Days { from: filter.from.map(Day::unix_days), to: filter.to.map(Day::unix_days) }] } else { sources(&filter) };
        self.dashboard_from(partnership_id, filter, sources, how).await
    }

    /// How many cases a view counts (from the cubes).
    pub async fn view_cases(&self, partnership_id: &str, filter: &Filter) -> Result<u64, sqlx::Error> {
        Ok(self.views_cases(partnership_id, std::slice::from_ref(filter)).await?[0])
    }

    /// How many cases each view counts: one read of the cubes (live and retired), one sum per
    /// view, over the months the dated views span and all time.
    pub async fn views_cases(&self, partnership_id: &str, views: &[Filter]) -> Result<Vec<u64>, sqlx::Error> {
        let months = |v: &Filter| v.from.zip(v.to).map(|(f, t)| (f.month_number(), t.month_number()));
        let dated: Vec<(i64, i64)> = views.iter().filter_map(months).collect();
        let (lo, hi) = (dated.iter().map(|d| d.0).min().unwrap_or(0), dated.iter().map(|d| d.1).max().unwrap_or(0));
        let mut binds = vec![Bind::Int(lo.max(1)), Bind::Int(hi)];
        let mut sums = Vec::with_capacity(views.len());
        for v in views {
            let mut next = |b: Bind| {
                binds.push(b);
                format!("${}", binds.len() + 1)
            };
            let mut cond = vec![match months(v) {
                Some((from, to)) => format!("month >= {} AND month <= {}", next(Bind::Int(from)), next(Bind::Int(to))),
                None => "month = 0".to_string(),
            }];
            if let Some(a) = &v.agency {
                cond.push(format!("agency = {}", next(Bind::Text(a.clone()))));
            }
            if let Some(b) = v.band {
                cond.push(format!("age_band = {}", next(Bind::Text(b.code().into()))));
            }
            if let Some(f) = v.flag {
                cond.push(format!("(flags & {}) <> 0", next(Bind::Int(i64::from(f.bit())))));
            }
            sums.push(format!("CAST(COALESCE(SUM(CASE WHEN {} THEN cases ELSE 0 END), 0) AS BIGINT)", cond.join(" AND ")));
        }
        let rows = |table: &str| {
            format!("SELECT month, agency, age_band, flags, cases FROM {table} WHERE partnership_id = $1 AND (month = 0 OR (month >= $2 AND month <= $3))")
        };
        let sql = format!("SELECT {} FROM ({} UNION ALL {}) c", sums.join(", "), rows("case_cube"), rows("retired_case_cube"));
        let row = bind_all(sqlx::query(&sql).bind(partnership_id), &binds).fetch_one(&self.pool).await?;
        (0..views.len()).map(|i| Ok(row.try_get::<i64, _>(i)?.max(0) as u64)).collect()
    }

    /// Whether a view may be answered (`dashboard::check_view`): it and each of its wider views
    /// counted as they stand.
    async fn check_view(&self, partnership_id: &str, filter: &Filter) -> Result<Result<(), TooFew>, sqlx::Error> {
        let wider = filter.wider();
        let views: Vec<Filter> = std::iter::once(filter.clone()).chain(wider.iter().map(|(_, v)| v.clone())).collect();
        let counts = self.views_cases(partnership_id, &views).await?;
        let wider: Vec<_> = wider.iter().map(|(choice, _)| *choice).zip(counts[1..].iter().copied()).collect();
        Ok(dashboard::check_view(counts[0], &wider))
    }

    async fn dashboard_from(&self, partnership_id: &str, filter: Filter, sources: Vec<Source>, how: Read) -> Result<Dashboard, DashboardError> {
        // What was stored before the read is counted first, for a few seconds at most: items
        // arriving faster than they are summarised must not make the read wait without end. A
        // page cut off is rolled back whole and left for the summariser.
        let mut still_counting = 0;
        if let Some(last) = self.last_queued().await? {
            if tokio::time::timeout(self.read_wait, self.summarise_through(last)).await.is_err() {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM summary_queue WHERE seq <= $1").bind(last).fetch_one(&self.pool).await?;
                still_counting = n.max(0) as u64;
            }
        }
        // Whether the view may be answered, found beside the reads (their result is thrown away
        // when it may not).
        let verdict = async {
            match how.checked {
                true => self.check_view(partnership_id, &filter).await,
                false => Ok(Ok(())),
            }
        };
        let counts = async {
            let (mut groups, mut drift) = (Vec::new(), Vec::new());
            for source in &sources {
                let (g, d) = self.read_source(partnership_id, &filter, source).await?;
                groups.extend(g);
                drift.extend(d);
            }
            Ok::<_, sqlx::Error>((groups, drift))
        };
        // Independent reads, at once, on connections of their own (SQLite's WAL and
        // PostgreSQL both let readers run side by side).
        let (agencies, (groups, drift), shared, verdict) =
            tokio::try_join!(self.agencies(partnership_id), counts, self.shared_words(partnership_id, &filter), verdict)?;
        verdict.map_err(DashboardError::TooFew)?;

        let agencies: Vec<AgencyName> = agencies.into_iter().map(|a| AgencyName { id: a.id, name: a.name }).collect();
        let build = if how.exact { dashboard::build_unprotected } else { dashboard::build };
        Ok(Dashboard { still_counting, ..build(filter, agencies, &groups, &drift, shared) })
    }

    /// The case groups and drift groups one source holds for the filter (its dates apart).
    async fn read_source(&self, partnership_id: &str, filter: &Filter, source: &Source) -> Result<(Vec<CaseGroup>, Vec<DriftGroup>), sqlx::Error> {
        // The source's own range is $2 and $3; the filter's dates are in it already.
        let (from, to) = match source {
            Source::Months { from, to } => (*from, *to),
            Source::Days { from, to } => (from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)),
        };
        let undated = Filter { from: None, to: None, ..filter.clone() };
        let (cond, rest) = conditions(&undated, "since_day", "agency", 3);
        let binds: Vec<Bind> = [Bind::Int(from), Bind::Int(to)].into_iter().chain(rest).collect();
        let focus = ContextFlags::FOCUS.bits();
        let flag_sums: String =
            (0..Flag::ALL.len()).map(|bit| format!("CAST(SUM(CASE WHEN ((flags >> {bit}) & 1) = 1 THEN {{n}} ELSE 0 END) AS BIGINT), ")).collect();
        // A cube's rows in the view (the live cube or the retired one: their sum is the count).
        let cube_rows = |table: &str| {
            format!(
                "SELECT agency, age_band, flags, outcome, heard, change, cases, delta_milli, key_sum FROM {table} \
                 WHERE partnership_id = $1 AND month >= $2 AND month <= $3{cond}"
            )
        };
        let drift_rows = |table: &str| {
            format!("SELECT agency, flags, drift_days, cases, key_sum FROM {table} WHERE partnership_id = $1 AND month >= $2 AND month <= $3{cond}")
        };
        let (cube_sql, drift_sql) = match source {
            Source::Months { .. } => {
                let cube = format!(
                    "SELECT agency, age_band, flags & {focus}, outcome, heard, change, CAST(SUM(cases) AS BIGINT), CAST(SUM(delta_milli) AS BIGINT), {sums}\
                     CAST(SUM(CASE WHEN flags = 0 THEN cases ELSE 0 END) AS BIGINT), CAST(SUM(key_sum) AS BIGINT), {keys}\
                     CAST(SUM(CASE WHEN flags = 0 THEN key_sum ELSE 0 END) AS BIGINT) \
                     FROM ({live} UNION ALL {retired}) c \
                     GROUP BY agency, age_band, flags & {focus}, outcome, heard, change",
                    live = cube_rows("case_cube"),
                    retired = cube_rows("retired_case_cube"),
                    sums = flag_sums.replace("{n}", "cases"),
                    keys = flag_sums.replace("{n}", "key_sum")
                );
                let drift = format!(
                    "SELECT agency, flags & {focus}, drift_days, CAST(SUM(cases) AS BIGINT), CAST(SUM(key_sum) AS BIGINT) \
                     FROM ({live} UNION ALL {retired}) d GROUP BY agency, flags & {focus}, drift_days",
                    live = drift_rows("drift_cube"),
                    retired = drift_rows("retired_drift_cube"),
                );
                (cube, drift)
            }
            Source::Days { .. } => {
                let cube = format!(
                    "SELECT COALESCE(agency, ''), COALESCE(age_band, ''), flags & {focus}, COALESCE(outcome, ''), heard, COALESCE(change, ''), COUNT(*), \
                     CAST(SUM(CAST(ROUND(delta * 1000) AS BIGINT)) AS BIGINT), {sums}CAST(SUM(CASE WHEN flags = 0 THEN 1 ELSE 0 END) AS BIGINT), \
                     CAST(SUM(record_key) AS BIGINT), {keys}CAST(SUM(CASE WHEN flags = 0 THEN record_key ELSE 0 END) AS BIGINT) \
                     FROM cases WHERE partnership_id = $1 AND since_day >= $2 AND since_day <= $3{cond} \
                     GROUP BY agency, age_band, flags & {focus}, outcome, heard, change",
                    sums = flag_sums.replace("{n}", "1"),
                    keys = flag_sums.replace("{n}", "record_key")
                );
                let drift = format!(
                    "SELECT COALESCE(agency, ''), flags & {focus}, drift_days, COUNT(*), CAST(SUM(record_key) AS BIGINT) FROM cases \
                     WHERE partnership_id = $1 AND since_day >= $2 AND since_day <= $3{cond} AND drift_days IS NOT NULL \
                     GROUP BY agency, flags & {focus}, drift_days"
                );
                (cube, drift)
            }
        };
        let (rows, drift_rows) = tokio::try_join!(
            bind_all(sqlx::query(&cube_sql).bind(partnership_id), &binds).fetch_all(&self.pool),
            bind_all(sqlx::query(&drift_sql).bind(partnership_id), &binds).fetch_all(&self.pool),
        )?;
        let none_if_empty = |s: String| Some(s).filter(|s| !s.is_empty());
        let mut groups = Vec::with_capacity(rows.len());
        for row in rows {
            let cases = row.try_get::<i64, _>(6)?.max(0) as u64;
            if cases == 0 {
                continue;
            }
            // Each flag's sum, then the sum of cases with none: cases from column 8, keys from 15.
            let by_flag = |first: usize| -> Result<ByFlag, sqlx::Error> {
                let n = |i: usize| row.try_get::<i64, _>(first + i).map(|v| v.max(0) as u64);
                let mut each = [0; 5];
                for (i, v) in each.iter_mut().enumerate() {
                    *v = n(i)?;
                }
                Ok(ByFlag { each, none: n(Flag::ALL.len())? })
            };
            let (with_flag, flag_keys) = (by_flag(8)?, by_flag(15)?);
            groups.push(CaseGroup {
                agency: none_if_empty(row.try_get(0)?),
                band: AgeBand::parse(&row.try_get::<String, _>(1)?),
                focus: ContextFlags::from_bits(row.try_get::<i64, _>(2)? as u8),
                with_flag,
                outcome: Outcome::parse(&row.try_get::<String, _>(3)?),
                heard: row.try_get::<i64, _>(4)? > 0,
                change: Change::parse(&row.try_get::<String, _>(5)?),
                cases,
                key: row.try_get::<i64, _>(14)?.max(0) as u64,
                flag_keys,
                change_milli: row.try_get::<i64, _>(7)?,
            });
        }
        let mut drift = Vec::with_capacity(drift_rows.len());
        for row in drift_rows {
            let cases = row.try_get::<i64, _>(3)?.max(0) as u64;
            if cases == 0 {
                continue;
            }
            let key = row.try_get::<i64, _>(4)?.max(0) as u64;
            drift.push(DriftGroup {
                agency: none_if_empty(row.try_get(0)?),
                focus: ContextFlags::from_bits(row.try_get::<i64, _>(1)? as u8),
                days: row.try_get(2)?,
                cases,
                key,
            });
        }
        Ok((groups, drift))
    }

    /// The latest words and drawings shared in a view, but for those a coordinator hid.
    async fn shared_words(&self, partnership_id: &str, filter: &Filter) -> Result<Vec<Shared>, sqlx::Error> {
        let (cond, binds) = conditions(filter, "day", "agency_id", 1);
        let sql = format!(
            "SELECT form_id, form_version, question_id, part, age_band, day, words, drawing, id FROM shared_words s \
             WHERE partnership_id = $1{cond} \
               AND NOT EXISTS (SELECT 1 FROM hidden_shared h WHERE h.partnership_id = s.partnership_id AND h.shared_id = s.id) \
             ORDER BY day DESC, id LIMIT {MAX_SHARED}"
        );
        let rows = bind_all(sqlx::query(&sql).bind(partnership_id), &binds).fetch_all(&self.pool).await?;
        let mut shared = Vec::with_capacity(rows.len());
        for row in rows {
            let band: String = row.try_get(4)?;
            let Some(band) = AgeBand::parse(&band) else { continue };
            shared.push(Shared {
                id: row.try_get(8)?,
                form_id: heard_domain::FormId(row.try_get(0)?),
                form_version: row.try_get::<i64, _>(1)? as u32,
                question_id: row.try_get(2)?,
                part: row.try_get(3)?,
                band,
                words: row.try_get(6)?,
                drawing: row.try_get(7)?,
            });
        }
        Ok(shared)
    }

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
    pub(super) async fn rebuild_summaries_if_missing(&self) -> Result<(), sqlx::Error> {
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

/// Why cases are removed: the partnership's retention period keeps their counts (in the retired
/// cubes); a family's request removes them from the figures too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Removal {
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
async fn remove_cases(tx: &mut Tx<'_>, partnership_id: &str, cases: &[String], why: Removal) -> Result<heard_domain::access::Erased, sqlx::Error> {
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
        .bind(super::today_utc().to_string())
        .bind(why.code())
        .execute(&mut **tx)
        .await?;
    }
    Ok(erased)
}

/// Runs `statement` (a SELECT of ids or a DELETE) over the rows of the partnership whose
/// `case_pseudonym` is one of `cases`; the ids a SELECT returns.
async fn ids_of(tx: &mut Tx<'_>, statement: &str, partnership_id: &str, cases: &[String]) -> Result<Vec<String>, sqlx::Error> {
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

/// Adds the cases' counts to the retired cubes, in month 0 and in their month, as the live
/// cubes counted them.
async fn retire(tx: &mut Tx<'_>, partnership_id: &str, keys: &std::collections::HashMap<String, CaseKey>) -> Result<(), sqlx::Error> {
    for k in keys.values() {
        for month in [0, k.month] {
            sqlx::query(
                "INSERT INTO retired_case_cube (partnership_id, month, agency, age_band, outcome, heard, change, flags, cases, delta_milli, key_sum) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10) \
                 ON CONFLICT (partnership_id, month, agency, age_band, outcome, heard, change, flags) DO UPDATE SET \
                   cases = retired_case_cube.cases + 1, delta_milli = retired_case_cube.delta_milli + excluded.delta_milli, \
                   key_sum = retired_case_cube.key_sum + excluded.key_sum",
            )
            .bind(partnership_id)
            .bind(month)
            .bind(&k.agency)
            .bind(&k.band)
            .bind(&k.outcome)
            .bind(k.heard)
            .bind(&k.change)
            .bind(k.flags)
            .bind(k.delta_milli)
            .bind(k.record_key)
            .execute(&mut **tx)
            .await?;
            if let Some(days) = k.drift_days {
                sqlx::query(
                    "INSERT INTO retired_drift_cube (partnership_id, month, agency, age_band, flags, drift_days, cases, key_sum) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1, $7) \
                     ON CONFLICT (partnership_id, month, agency, age_band, flags, drift_days) DO UPDATE SET \
                       cases = retired_drift_cube.cases + 1, key_sum = retired_drift_cube.key_sum + excluded.key_sum",
                )
                .bind(partnership_id)
                .bind(month)
                .bind(&k.agency)
                .bind(&k.band)
                .bind(k.flags)
                .bind(days)
                .bind(k.record_key)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}

/// How a dashboard is read. Served: from the cubes, protected, answered only for a view that
/// passes the thresholds. The others are for tests, never served: from every case summary (the
/// reference the cubes are tested against), exact (the counts before protection), unchecked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read {
    pub from_cases: bool,
    pub exact: bool,
    pub checked: bool,
}

impl Read {
    pub const SERVED: Read = Read { from_cases: false, exact: false, checked: true };
    pub const EXACT: Read = Read { from_cases: false, exact: true, checked: false };
}

/// Why a dashboard was not answered.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error("{0}")]
    TooFew(TooFew),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

/// Whether the database refused a statement for what it was given (a value it cannot store, a
/// constraint), rather than being out of reach, busy or short of room: only the first is one
/// item's doing, to be set aside; the rest are tried again.
fn refused_by_database(backend: super::Backend, e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let transient = match backend {
                // SQLSTATE classes: connection (08), serialisation and deadlock (40), resources
                // (53), operator intervention (57), system (58).
                super::Backend::Postgres => ["08", "40", "53", "57", "58"].iter().any(|class| code.starts_with(class)),
                // Result codes, extended ones by their low byte: busy (5), locked (6), I/O (10),
                // full (13).
                super::Backend::Sqlite => code.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 10 | 13)),
            };
            !transient
        }
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => true,
        _ => false,
    }
}

/// Records queued items (kind code, id) that cannot be added to the figures, once each, and
/// names each to its partnership's coordinators in the audit log. The items stay stored.
async fn set_aside(tx: &mut Tx<'_>, items: &[(String, String)], reason: &str) -> Result<(), sqlx::Error> {
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
async fn summarise_items(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(from: Option<&str>, to: Option<&str>) -> Filter {
        Filter { from: from.map(|d| d.parse().unwrap()), to: to.map(|d| d.parse().unwrap()), ..Filter::default() }
    }

    fn day(d: &str) -> Option<i64> {
        Some(d.parse::<Day>().unwrap().unix_days())
    }

    fn month(d: &str) -> i64 {
        d.parse::<Day>().unwrap().month_number()
    }

    #[test]
    fn no_dates_read_the_all_time_cube_only() {
        assert_eq!(sources(&Filter::default()), vec![Source::Months { from: 0, to: 0 }]);
    }

    #[test]
    fn whole_months_come_from_the_cube_and_the_days_either_side_from_the_cases() {
        assert_eq!(
            sources(&filter(Some("2026-01-15"), Some("2026-04-10"))),
            vec![
                Source::Months { from: month("2026-02-01"), to: month("2026-03-01") },
                Source::Days { from: day("2026-01-15"), to: day("2026-01-31") },
                Source::Days { from: day("2026-04-01"), to: day("2026-04-10") },
            ]
        );
        assert_eq!(sources(&filter(Some("2026-01-01"), Some("2026-12-31"))), vec![Source::Months { from: month("2026-01-01"), to: month("2026-12-01") }]);
        assert_eq!(sources(&filter(Some("2025-12-01"), Some("2026-02-28"))), vec![Source::Months { from: month("2025-12-01"), to: month("2026-02-01") }]);
    }

    #[test]
    fn open_ended_ranges_run_to_the_first_or_last_month() {
        assert_eq!(
            sources(&filter(Some("2026-03-02"), None)),
            vec![Source::Months { from: month("2026-04-01"), to: i64::MAX }, Source::Days { from: day("2026-03-02"), to: day("2026-03-31") }]
        );
        assert_eq!(sources(&filter(None, Some("2026-03-31"))), vec![Source::Months { from: 1, to: month("2026-03-01") }]);
    }

    #[test]
    fn a_range_inside_one_month_is_read_from_the_cases() {
        assert_eq!(sources(&filter(Some("2026-03-02"), Some("2026-03-30"))), vec![Source::Days { from: day("2026-03-02"), to: day("2026-03-30") }]);
        assert_eq!(sources(&filter(Some("2026-03-05"), Some("2026-03-05"))), vec![Source::Days { from: day("2026-03-05"), to: day("2026-03-05") }]);
        // Two partial months side by side: no whole month between them.
        assert_eq!(sources(&filter(Some("2026-03-05"), Some("2026-04-05"))), vec![Source::Days { from: day("2026-03-05"), to: day("2026-04-05") }]);
    }
}
