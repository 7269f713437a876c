//! Disclosure control: what makes a dashboard count safe to publish, applied on the server to
//! every table before it leaves. The design follows the statistical agencies that publish
//! flexible tables (the ONS cell key method of Census 2021's custom tables, minimum population
//! thresholds, the DfE's "c" for small counts); ARCHITECTURE.md says why each part is there.
//!
//! - **Cell keys.** Every case has a secret record key from 0 to 255, kept on the server. A
//!   cell's key is the sum of its cases' record keys (mod 256), so it depends only on which
//!   cases are in the cell: asking again, or in another shape, gives the same cell the same key.
//! - **Perturbation.** Each published count is the true count moved by -2 to +2, chosen by the
//!   cell's key (`perturbation`): the same cases always give the same answer, so asking again
//!   and averaging learns nothing, and two views that differ by one case differ by a number
//!   that does not say what that case was. Zero stays zero (no cases, nothing to hide).
//!   Totals are cells of their own, so a table's counts need not add up to its totals.
//! - **Small counts.** A published count from 1 to `MAX_HIDDEN` is shown as `c`. A row of a
//!   table that counts fewer than `MIN_CASES` cases shows no counts at all (every entry `c`,
//!   no figure): a row of three children with a `c` in one column and 0 in the others would
//!   say what all three have in common.
//! - **Figures** (shares, means, medians) are computed from the published counts or from a sum
//!   moved by its own cell key, and rounded; where a share rests on a `c` in a row large enough,
//!   a band ("95% or more") is shown instead of nothing.
//! - **Thresholds** (`MIN_CASES`): a view is answered only when it counts at least that many
//!   cases and each of its choices leaves at least that many out of the view without it
//!   (`dashboard::Filter::wider`); the server checks before it reads a table.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The fewest cases a view may count, and the fewest each of its choices may leave out.
pub const MIN_CASES: u64 = 10;
/// Published counts from 1 up to this are shown as `c`.
pub const MAX_HIDDEN: u64 = 5;
/// Record keys run from 0 to `RECORD_KEYS - 1`; cell keys are taken modulo it.
pub const RECORD_KEYS: u64 = 256;
/// The largest perturbation a count can have, either way.
pub const MAX_PERTURBATION: u64 = 2;
/// A share band ("95% or more", "5% or less") is shown where a row's published total is at
/// least this: a `c` (at most `MAX_HIDDEN`, so at most `MAX_HIDDEN + MAX_PERTURBATION` cases)
/// is then a small share whatever it hides.
pub const BAND_TOTAL: u64 = 150;
/// The share bands, in whole percent.
pub const BAND_LOW: f64 = 5.0;
pub const BAND_HIGH: f64 = 95.0;
/// A median is shown only over a published count of at least this, a mean over
/// `MIN_FOR_MEAN`.
pub const MIN_FOR_FIGURE: u64 = 10;
pub const MIN_FOR_MEAN: u64 = 20;

/// The perturbation table: how much a count with this cell key moves. Keys 0-101 (40%) leave
/// it, 102-152 and 153-203 (20% each) add or take one, 204-229 and 230-255 (10% each) two;
/// the mean is 0. Public, as the ONS publishes its table: the protection is in the keys.
pub fn perturbation(cell_key: u64) -> i64 {
    match cell_key % RECORD_KEYS {
        0..=101 => 0,
        102..=152 => 1,
        153..=203 => -1,
        204..=229 => 2,
        _ => -2,
    }
}

/// The published count of a cell of `n` cases whose record keys sum to `key`.
pub fn perturbed(n: u64, key: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    (n as i64 + perturbation(key)).max(0) as u64
}

/// A published cell: a count, or `c`.
pub fn published(n: u64, key: u64) -> Cell {
    match perturbed(n, key) {
        1..=MAX_HIDDEN => Cell::Suppressed,
        p => Cell::Count(p),
    }
}

/// A second value drawn from a cell key, for moving a sum (not a count): from -1 to 1 in
/// 256 steps, by a mixing of the key unlike the perturbation table's ranges.
pub fn sum_noise(cell_key: u64) -> f64 {
    let mixed = (cell_key % RECORD_KEYS).wrapping_mul(149).wrapping_add(71) % RECORD_KEYS;
    (mixed as f64 - 127.5) / 127.5
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Count(u64),
    /// Shown as "c".
    Suppressed,
}

impl Cell {
    pub fn count(self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(n),
            Cell::Suppressed => None,
        }
    }
}

impl Serialize for Cell {
    /// A count is a JSON number; a suppressed cell is the string "c".
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Count(n) => s.serialize_u64(*n),
            Cell::Suppressed => s.serialize_str("c"),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    /// A JSON number, or the string "c".
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Count(u64),
            Text(String),
        }
        match Wire::deserialize(d)? {
            Wire::Count(n) => Ok(Cell::Count(n)),
            Wire::Text(t) if t == "c" => Ok(Cell::Suppressed),
            Wire::Text(t) => Err(serde::de::Error::custom(format!("a cell is a count or \"c\", not {t:?}"))),
        }
    }
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Count(n) => write!(f, "{n}"),
            Cell::Suppressed => f.write_str("c"),
        }
    }
}

/// A figure as published: a value, or a band where a share rests on a `c`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    Value(f64),
    /// This much or more.
    AtLeast(f64),
    /// This much or less.
    AtMost(f64),
}

impl Shown {
    pub fn value(self) -> Option<f64> {
        match self {
            Shown::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// A cell before it is published: how many cases, and the sum of their record keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub n: u64,
    pub key: u64,
}

impl Tally {
    pub fn add(&mut self, n: u64, key: u64) {
        self.n += n;
        self.key = (self.key + key) % RECORD_KEYS;
    }

    pub fn plus(self, o: Tally) -> Tally {
        Tally { n: self.n + o.n, key: (self.key + o.key) % RECORD_KEYS }
    }

    pub fn published(self) -> Cell {
        published(self.n, self.key)
    }

    /// The published count, `c` or not: what figures are computed from.
    pub fn perturbed(self) -> u64 {
        perturbed(self.n, self.key)
    }
}

/// A table of counts with its totals, safe to publish: every entry published by its own key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedTable {
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    /// Empty when the rows overlap (a case can be in several): their sums count no one.
    pub column_totals: Vec<Cell>,
    pub total: Cell,
}

/// The sum of a row's tallies.
pub fn row_total(row: &[Tally]) -> Tally {
    row.iter().fold(Tally::default(), |a, t| a.plus(*t))
}

/// A table of tallies (`rows[r][c]`, every row the same length) with its totals: a row's
/// entries and total published by `in_row(the row, the tally)`, the column totals and grand
/// total by `margin`; when the rows overlap, no column totals or grand total (their sums would
/// count no one).
fn table(rows: &[Vec<Tally>], rows_overlap: bool, in_row: impl Fn(&[Tally], Tally) -> Cell, margin: impl Fn(Tally) -> Cell) -> ProtectedTable {
    let c = rows.first().map_or(0, Vec::len);
    assert!(rows.iter().all(|row| row.len() == c), "every row of a table has the same number of columns");
    let column = |j: usize| rows.iter().fold(Tally::default(), |a, row| a.plus(row[j]));
    ProtectedTable {
        cells: rows.iter().map(|row| row.iter().map(|t| in_row(row, *t)).collect()).collect(),
        row_totals: rows.iter().map(|row| in_row(row, row_total(row))).collect(),
        column_totals: if rows_overlap { Vec::new() } else { (0..c).map(|j| margin(column(j))).collect() },
        total: if rows_overlap { Cell::Suppressed } else { margin(rows.iter().fold(Tally::default(), |a, row| a.plus(row_total(row)))) },
    }
}

/// Publishes a table of tallies with its totals: every entry by its own key, and a row of
/// fewer than `MIN_CASES` as `c` throughout.
pub fn protect(rows: &[Vec<Tally>], rows_overlap: bool) -> ProtectedTable {
    table(rows, rows_overlap, |row, t| if row_shown(row) { t.published() } else { Cell::Suppressed }, Tally::published)
}

/// Whether a row of a table may show its counts: none, or at least `MIN_CASES`.
pub fn row_shown(row: &[Tally]) -> bool {
    let n: u64 = row.iter().map(|t| t.n).sum();
    n == 0 || n >= MIN_CASES
}

/// The table with every count as it is, for tests of what protection hides; never published.
pub fn unprotected(rows: &[Vec<Tally>], rows_overlap: bool) -> ProtectedTable {
    table(rows, rows_overlap, |_, t| Cell::Count(t.n), |t| Cell::Count(t.n))
}

/// The share the first of a row's cells is of the row, from published values: a whole
/// percent where both are shown; a band where one of two cells is `c` and the row is large
/// enough (`BAND_TOTAL`); otherwise nothing.
pub fn share_first(cells: &[Cell], total: Cell) -> Option<Shown> {
    let Cell::Count(t) = total else { return None };
    let large = t >= BAND_TOTAL;
    match cells {
        _ if t == 0 => None,
        // The other of two cells hidden: the first is nearly all of the row.
        [Cell::Count(_), Cell::Suppressed] if large => Some(Shown::AtLeast(BAND_HIGH)),
        [Cell::Count(n), ..] => Some(Shown::Value((*n as f64 * 100.0 / t as f64).round().min(100.0))),
        [Cell::Suppressed, ..] if large => Some(Shown::AtMost(BAND_LOW)),
        _ => None,
    }
}

/// The mean of a sum (in thousandths) over a published count: the sum moved by up to
/// `spread` either way by its cell key, rounded to one decimal; only over `MIN_FOR_MEAN` or
/// more.
pub fn mean(sum_milli: i64, tally: Tally, spread: f64) -> Option<Shown> {
    let n = tally.perturbed();
    if n < MIN_FOR_MEAN || tally.n < MIN_FOR_MEAN {
        return None;
    }
    let sum = sum_milli as f64 / 1000.0 + spread * sum_noise(tally.key);
    Some(Shown::Value((sum / n as f64 * 10.0).round() / 10.0))
}

/// The median of grouped counts, interpolated within its group, from published counts: the
/// groups are `[edges[i-1] + 1, edges[i]]` with a first from 0 and a last open above. In the
/// open group the median is "more than" its lower edge. Only over `MIN_FOR_FIGURE` or more.
pub fn grouped_median(counts: &[u64], edges: &[i64]) -> Option<Shown> {
    let n: u64 = counts.iter().sum();
    if n < MIN_FOR_FIGURE {
        return None;
    }
    let half = n as f64 / 2.0;
    let mut below = 0.0;
    for (i, &c) in counts.iter().enumerate() {
        let c = c as f64;
        if below + c >= half && c > 0.0 {
            let low = if i == 0 { 0.0 } else { edges[i - 1] as f64 + 1.0 };
            return Some(match edges.get(i) {
                Some(&high) => Shown::Value((low + (half - below) / c * (high as f64 - low)).round()),
                None => Shown::AtLeast(low),
            });
        }
        below += c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: u64, key: u64) -> Tally {
        Tally { n, key }
    }

    #[test]
    fn the_perturbation_table_has_mean_zero_and_moves_at_most_two() {
        let all: Vec<i64> = (0..RECORD_KEYS).map(perturbation).collect();
        assert_eq!(all.iter().sum::<i64>(), 0);
        assert!(all.iter().all(|p| p.unsigned_abs() <= MAX_PERTURBATION));
        assert_eq!(all.iter().filter(|p| **p == 0).count(), 102);
        assert_eq!(perturbation(256 + 102), 1, "keys are taken modulo 256");
    }

    #[test]
    fn the_same_cases_always_publish_the_same_count_and_zero_stays_zero() {
        for key in 0..RECORD_KEYS {
            assert_eq!(published(0, key), Cell::Count(0));
            assert_eq!(published(40, key), published(40, key + RECORD_KEYS));
            let p = perturbed(40, key);
            assert!((38..=42).contains(&p));
        }
        // One case more (with its own key) moves the key, so the answer moves by chance, not by one.
        let moves: std::collections::BTreeSet<i64> = (0..RECORD_KEYS).map(|k| perturbed(41, 7 + k) as i64 - perturbed(40, 7) as i64).collect();
        assert_eq!(moves, (-1..=3).collect(), "from 40 to 41 cases the published count moves anywhere in -1..=3");
    }

    #[test]
    fn no_count_from_one_to_five_is_published() {
        for n in 0..30 {
            for key in 0..RECORD_KEYS {
                assert!(!matches!(published(n, key), Cell::Count(1..=MAX_HIDDEN)));
            }
        }
        assert_eq!(published(3, 0), Cell::Suppressed);
        assert_eq!(published(1, 153), Cell::Count(0), "a single case can be published as 0");
        assert_eq!(published(7, 230), Cell::Suppressed, "7 published as 5 is a c");
    }

    #[test]
    fn totals_are_cells_of_their_own_and_overlapping_rows_have_none() {
        let rows = vec![vec![t(30, 0), t(10, 0)], vec![t(20, 204), t(0, 0)]];
        let p = protect(&rows, false);
        assert_eq!(p.cells, vec![vec![Cell::Count(30), Cell::Count(10)], vec![Cell::Count(22), Cell::Count(0)]]);
        assert_eq!(p.row_totals, vec![Cell::Count(40), Cell::Count(22)]);
        assert_eq!(p.column_totals, vec![Cell::Count(52), Cell::Count(10)]);
        assert_eq!(p.total, Cell::Count(62));
        let p = protect(&rows, true);
        assert!(p.column_totals.is_empty());
        assert_eq!(p.total, Cell::Suppressed);
    }

    #[test]
    fn a_row_of_fewer_than_ten_shows_no_counts_so_its_zeros_say_nothing() {
        // Three children, all stepped up: "c, 0, 0" would say what happened to every one.
        let p = protect(&[vec![t(3, 0), t(0, 0), t(0, 0)], vec![t(9, 0), t(0, 0), t(1, 0)], vec![t(30, 0), t(12, 0), t(0, 0)]], false);
        assert_eq!(p.cells[0], vec![Cell::Suppressed; 3]);
        assert_eq!(p.row_totals[0], Cell::Suppressed);
        assert_eq!(p.cells[1], vec![Cell::Count(9), Cell::Count(0), Cell::Suppressed], "9 and 1: ten, shown");
        assert_eq!(p.cells[2], vec![Cell::Count(30), Cell::Count(12), Cell::Count(0)]);
        let p = protect(&[vec![t(9, 0), t(1, 0)]], false);
        assert_eq!(p.cells[0], vec![Cell::Count(9), Cell::Suppressed], "ten in the row: shown");
    }

    #[test]
    fn a_large_row_with_a_hidden_cell_keeps_its_meaning_as_a_band() {
        // 202 children, 3 not heard: the row is shown with "95% or more" heard.
        assert_eq!(share_first(&[Cell::Count(199), Cell::Suppressed], Cell::Count(202)), Some(Shown::AtLeast(95.0)));
        assert_eq!(share_first(&[Cell::Suppressed, Cell::Count(199)], Cell::Count(202)), Some(Shown::AtMost(5.0)));
        assert_eq!(share_first(&[Cell::Count(20), Cell::Suppressed], Cell::Count(23)), Some(Shown::Value(87.0)), "a small row: the share of what is shown");
        assert_eq!(share_first(&[Cell::Suppressed, Cell::Count(20)], Cell::Count(23)), None);
        assert_eq!(share_first(&[Cell::Count(30), Cell::Count(10)], Cell::Count(41)), Some(Shown::Value(73.0)));
        assert_eq!(share_first(&[Cell::Count(30), Cell::Count(10)], Cell::Suppressed), None);
        assert_eq!(share_first(&[Cell::Count(40), Cell::Count(0)], Cell::Count(39)), Some(Shown::Value(100.0)), "never over 100%");
    }

    #[test]
    fn means_are_moved_rounded_and_only_over_twenty_or_more() {
        assert_eq!(mean(45_000, t(19, 0), 1.0), None);
        assert_eq!(mean(45_000, t(18, 204), 1.0), None, "18 published as 20: still too few");
        assert_eq!(mean(46_000, t(20, 0), 0.0), Some(Shown::Value(2.3)));
        // Moved by at most `spread` over the sum, and one decimal.
        for key in 0..RECORD_KEYS {
            let Shown::Value(v) = mean(45_000, t(30, key), 2.0).unwrap() else { panic!() };
            let n = perturbed(30, key) as f64;
            assert!((v - 45.0 / n).abs() <= 2.0 / n + 0.05 + 1e-9, "{key}: {v}");
            assert_eq!((v * 10.0).round(), v * 10.0);
        }
    }

    #[test]
    fn the_grouped_median_interpolates_and_says_more_than_in_the_open_group() {
        let edges = [30, 90, 180];
        assert_eq!(grouped_median(&[0, 10, 0, 0], &edges), Some(Shown::Value(61.0)), "halfway through 31-90");
        assert_eq!(grouped_median(&[10, 0, 0, 0], &edges), Some(Shown::Value(15.0)));
        assert_eq!(grouped_median(&[2, 2, 2, 10], &edges), Some(Shown::AtLeast(181.0)));
        assert_eq!(grouped_median(&[2, 2, 2, 2], &edges), None, "under ten");
    }
}
