//! Per-case rows (`cases`) and shared words, from the responses and outcomes a batch stored.

use super::*;

/// What a batch's responses say about one case, merged before it touches the database, so
/// each case is written once per batch.
pub(super) struct CaseDelta<'a> {
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

/// Columns bound for each row of `responses_upsert`.
pub(super) const UPSERT_COLUMNS: usize = 19;

/// The case summary upsert for responses. In `SET`, `cases.x` is the row before and
/// `excluded.x` this batch's merged delta; the `new_*` expressions are the row after, used
/// again for the columns derived from them. After the rows' values come `Change::of`'s rule:
/// its threshold and the codes of better, worse and same, bound after the rows.
pub(super) fn responses_upsert(rows: usize) -> String {
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
pub(in crate::db) async fn add_responses(
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
pub(super) type SharedPart<'a> = (&'a str, Option<&'static str>, Option<String>, Option<String>);

/// The words and drawings in a response.
pub(super) fn shared_parts(r: &Response) -> Vec<SharedPart<'_>> {
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
pub(in crate::db) async fn add_outcomes(
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
