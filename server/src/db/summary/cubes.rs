//! Cube bookkeeping: moving a case's counts between cube cells as its row changes, and
//! retiring cases (their counts kept in `retired_*_cube`).

use super::*;

/// The cube month a case counts in, besides month 0 (all time).
pub(super) fn month_of(since_day: i64) -> i64 {
    Day::from_unix_days(since_day).map_or(1, Day::month_number)
}

/// What the cubes count a case by, read from its summary.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CaseKey {
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
pub(super) async fn case_keys(tx: &mut Tx<'_>, partnership_id: &str, cases: &[&str]) -> Result<std::collections::HashMap<String, CaseKey>, sqlx::Error> {
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
pub(super) async fn move_in_cubes(
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

/// Adds the cases' counts to the retired cubes, in month 0 and in their month, as the live
/// cubes counted them.
pub(super) async fn retire(tx: &mut Tx<'_>, partnership_id: &str, keys: &std::collections::HashMap<String, CaseKey>) -> Result<(), sqlx::Error> {
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
