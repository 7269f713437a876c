//! Reading the dashboard: which views may be answered, grouped counts from the cubes (whole
//! months) and the cases (days outside them), and the shared words.

use super::*;

/// `WHERE` conditions for a filter over a table with `since_col`, agency, band and flags
/// columns, numbered after the `taken` parameters already in the statement, with the values
/// to bind in order.
pub(super) fn conditions(filter: &Filter, since_col: &str, agency_col: &str, taken: usize) -> (String, Vec<Bind>) {
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

/// Where a dashboard's counts are read from: the cubes for whole months (month 0: all time),
/// the cases themselves for the days of a date range outside whole months.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Source {
    Months { from: i64, to: i64 },
    Days { from: Option<i64>, to: Option<i64> },
}

/// The sources that together count exactly the cases first heard of within the filter's dates.
pub(super) fn sources(filter: &Filter) -> Vec<Source> {
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

impl Db {
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
    pub(super) async fn check_view(&self, partnership_id: &str, filter: &Filter) -> Result<Result<(), TooFew>, sqlx::Error> {
        let wider = filter.wider();
        let views: Vec<Filter> = std::iter::once(filter.clone()).chain(wider.iter().map(|(_, v)| v.clone())).collect();
        let counts = self.views_cases(partnership_id, &views).await?;
        let wider: Vec<_> = wider.iter().map(|(choice, _)| *choice).zip(counts[1..].iter().copied()).collect();
        Ok(dashboard::check_view(counts[0], &wider))
    }

    pub(super) async fn dashboard_from(&self, partnership_id: &str, filter: Filter, sources: Vec<Source>, how: Read) -> Result<Dashboard, DashboardError> {
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
    pub(super) async fn read_source(&self, partnership_id: &str, filter: &Filter, source: &Source) -> Result<(Vec<CaseGroup>, Vec<DriftGroup>), sqlx::Error> {
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
    pub(super) async fn shared_words(&self, partnership_id: &str, filter: &Filter) -> Result<Vec<Shared>, sqlx::Error> {
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
