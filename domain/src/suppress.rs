//! Small-number suppression, as in published children's social care statistics: any count
//! from 1 to 5 is shown as `c`, and further cells are hidden (secondary suppression) so that
//! no hidden count can be worked out from the row and column totals. Applied on the server
//! to every table before it leaves; percentages and means are never shown for a `c`.
//!
//! A table is treated with its margins as one grid: the last column holds row totals, the
//! last row column totals, the corner the grand total. Every row and every column of that
//! grid is a sum rule a reader could use. Rule: no line may hold exactly one hidden entry;
//! when one does, the smallest other non-zero entry of the line is hidden too, and this
//! repeats until every line holds none or at least two.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Counts from 1 up to this are never shown.
pub const MAX_SUPPRESSED: u64 = 5;

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

    /// The share `self` is of `whole`, as a percentage, only when both are shown.
    pub fn percent_of(self, whole: Cell) -> Option<f64> {
        match (self, whole) {
            (Cell::Count(n), Cell::Count(d)) if d > 0 => Some(n as f64 * 100.0 / d as f64),
            _ => None,
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

/// A table of counts with its totals, safe to publish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressedTable {
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Vec<Cell>,
    pub total: Cell,
}

/// Suppresses a table of counts (`rows[r][c]`; every row the same length).
pub fn suppress(rows: &[Vec<u64>]) -> SuppressedTable {
    let r = rows.len();
    let c = rows.first().map_or(0, Vec::len);
    assert!(rows.iter().all(|row| row.len() == c), "every row of a table has the same number of columns");
    // The grid with margins: (r + 1) x (c + 1).
    let mut grid: Vec<Vec<u64>> = rows
        .iter()
        .map(|row| {
            let mut g = row.clone();
            g.push(row.iter().sum());
            g
        })
        .collect();
    let col_totals: Vec<u64> = (0..=c).map(|j| grid.iter().map(|g| g[j]).sum()).collect();
    grid.push(col_totals);
    let mut hidden: Vec<Vec<bool>> = grid.iter().map(|g| g.iter().map(|&n| (1..=MAX_SUPPRESSED).contains(&n)).collect()).collect();

    // Lines: every row and every column of the grid.
    let lines: Vec<Vec<(usize, usize)>> =
        (0..=r).map(|i| (0..=c).map(|j| (i, j)).collect()).chain((0..=c).map(|j| (0..=r).map(|i| (i, j)).collect())).collect();
    loop {
        let mut changed = false;
        for line in &lines {
            if line.iter().filter(|&&(i, j)| hidden[i][j]).count() != 1 {
                continue;
            }
            // Hide the smallest other non-zero entry; a line of zeros besides has nothing to hide.
            let pick = line.iter().filter(|&&(i, j)| !hidden[i][j] && grid[i][j] > 0).min_by_key(|&&(i, j)| (grid[i][j], i, j));
            if let Some(&(i, j)) = pick {
                hidden[i][j] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let cell = |i: usize, j: usize| if hidden[i][j] { Cell::Suppressed } else { Cell::Count(grid[i][j]) };
    SuppressedTable {
        cells: (0..r).map(|i| (0..c).map(|j| cell(i, j)).collect()).collect(),
        row_totals: (0..r).map(|i| cell(i, c)).collect(),
        column_totals: (0..c).map(|j| cell(r, j)).collect(),
        total: cell(r, c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid_of(t: &SuppressedTable) -> Vec<Vec<Cell>> {
        let mut g: Vec<Vec<Cell>> = t
            .cells
            .iter()
            .zip(&t.row_totals)
            .map(|(row, tot)| {
                let mut v = row.clone();
                v.push(*tot);
                v
            })
            .collect();
        let mut last = t.column_totals.clone();
        last.push(t.total);
        g.push(last);
        g
    }

    /// Every value each hidden entry could take, given what is published and that counts are
    /// whole numbers from 0 to `bound`: an exhaustive search over the hidden entries.
    fn possible_values(t: &SuppressedTable, bound: u64) -> Vec<((usize, usize), Vec<u64>)> {
        let g = grid_of(t);
        let (rows, cols) = (g.len(), g[0].len());
        let unknown: Vec<(usize, usize)> = (0..rows).flat_map(|i| (0..cols).map(move |j| (i, j))).filter(|&(i, j)| g[i][j] == Cell::Suppressed).collect();
        let mut seen: Vec<std::collections::BTreeSet<u64>> = vec![Default::default(); unknown.len()];
        let mut values: Vec<Vec<Option<u64>>> = g.iter().map(|row| row.iter().map(|c| c.count()).collect()).collect();
        fn consistent(v: &[Vec<Option<u64>>]) -> bool {
            let (rows, cols) = (v.len(), v[0].len());
            let line_ok = |cells: Vec<Option<u64>>| {
                let (parts, total) = cells.split_at(cells.len() - 1);
                let known: u64 = parts.iter().flatten().sum();
                match (parts.iter().all(Option::is_some), total[0]) {
                    (true, Some(t)) => known == t,
                    (false, Some(t)) => known <= t,
                    _ => true,
                }
            };
            (0..rows).all(|i| line_ok(v[i].clone())) && (0..cols).all(|j| line_ok((0..rows).map(|i| v[i][j]).collect()))
        }
        fn search(k: usize, unknown: &[(usize, usize)], v: &mut Vec<Vec<Option<u64>>>, seen: &mut [std::collections::BTreeSet<u64>], bound: u64) {
            if k == unknown.len() {
                for (n, &(i, j)) in unknown.iter().enumerate() {
                    seen[n].insert(v[i][j].unwrap());
                }
                return;
            }
            let (i, j) = unknown[k];
            for x in 0..=bound {
                v[i][j] = Some(x);
                if consistent(v) {
                    search(k + 1, unknown, v, seen, bound);
                }
            }
            v[i][j] = None;
        }
        search(0, &unknown, &mut values, &mut seen, bound);
        unknown.into_iter().zip(seen.into_iter().map(|s| s.into_iter().collect())).collect()
    }

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        *seed >> 33
    }

    fn shown_small(t: &SuppressedTable) -> bool {
        grid_of(t).iter().flatten().any(|c| matches!(c, Cell::Count(1..=5)))
    }

    #[test]
    fn counts_of_one_to_five_are_never_shown_and_zero_and_six_are() {
        let t = suppress(&[vec![0, 6, 7, 8]]);
        assert_eq!(t.cells[0], [Cell::Count(0), Cell::Count(6), Cell::Count(7), Cell::Count(8)]);
        for n in 1..=5 {
            let t = suppress(&[vec![n, 20, 30], vec![40, 50, 60]]);
            assert_eq!(t.cells[0][0], Cell::Suppressed, "{n}");
            assert!(!shown_small(&t));
        }
    }

    #[test]
    fn a_lone_small_cell_takes_a_neighbour_with_it_in_its_row_and_column() {
        let t = suppress(&[vec![3, 10, 20], vec![7, 12, 30], vec![9, 40, 50]]);
        // Row 0 hides 10 (its smallest other entry); column 0 hides 7; then row 1 and column 1
        // each have two hidden entries and are safe.
        assert_eq!(t.cells[0], [Cell::Suppressed, Cell::Suppressed, Cell::Count(20)]);
        assert_eq!(t.cells[1], [Cell::Suppressed, Cell::Suppressed, Cell::Count(30)]);
        assert_eq!(t.row_totals, [Cell::Count(33), Cell::Count(49), Cell::Count(99)]);
        assert_eq!(t.total, Cell::Count(181));
    }

    #[test]
    fn a_single_row_hides_another_cell_or_its_total() {
        let t = suppress(&[vec![2, 9]]);
        assert_eq!(t.cells[0], [Cell::Suppressed, Cell::Suppressed]);
        // The column totals equal the cells here, so they are hidden too.
        assert_eq!(t.column_totals, [Cell::Suppressed, Cell::Suppressed]);
        assert_eq!(t.total, Cell::Count(11));
        let t = suppress(&[vec![4, 0]]);
        assert_eq!(t.cells[0][1], Cell::Count(0), "a zero is not a secret");
        assert_eq!(t.row_totals[0], Cell::Suppressed, "the total would give the 4 away");
    }

    #[test]
    fn percentages_exist_only_between_shown_counts() {
        assert_eq!(Cell::Count(25).percent_of(Cell::Count(100)), Some(25.0));
        assert_eq!(Cell::Suppressed.percent_of(Cell::Count(100)), None);
        assert_eq!(Cell::Count(25).percent_of(Cell::Suppressed), None);
        assert_eq!(serde_json::to_string(&[Cell::Count(7), Cell::Suppressed]).unwrap(), r#"[7,"c"]"#);
    }

    #[test]
    fn on_every_small_table_no_hidden_count_can_be_worked_out() {
        // Exhaustive over random 1x2 .. 3x3 tables with small counts: each hidden entry must
        // have at least two possible values given everything published.
        let mut seed = 42;
        let mut checked = 0;
        for shape in [(1, 2), (2, 1), (2, 2), (2, 3), (3, 2), (3, 3)] {
            for _ in 0..60 {
                let rows: Vec<Vec<u64>> =
                    (0..shape.0).map(|_| (0..shape.1).map(|_| [0, 1, 2, 3, 4, 5, 6, 7, 9, 12][lcg(&mut seed) as usize % 10]).collect()).collect();
                let t = suppress(&rows);
                assert!(!shown_small(&t), "{rows:?} -> {t:?}");
                let grand: u64 = rows.iter().flatten().sum();
                let unknowns = grid_of(&t).iter().flatten().filter(|c| **c == Cell::Suppressed).count();
                if unknowns > 7 {
                    continue; // too slow to search exhaustively; covered by the line rule test
                }
                for (at, values) in possible_values(&t, grand) {
                    assert!(values.len() >= 2, "{rows:?}: entry {at:?} can only be {values:?}; published {t:?}");
                }
                checked += 1;
            }
        }
        assert!(checked > 200, "only {checked} tables searched");
    }

    #[test]
    fn no_line_is_left_with_exactly_one_hidden_entry() {
        let mut seed = 7;
        for _ in 0..2000 {
            let (r, c) = (1 + lcg(&mut seed) as usize % 6, 1 + lcg(&mut seed) as usize % 6);
            let rows: Vec<Vec<u64>> = (0..r).map(|_| (0..c).map(|_| lcg(&mut seed) % 15).collect()).collect();
            let t = suppress(&rows);
            let g = grid_of(&t);
            assert!(!shown_small(&t));
            for line in g.iter().cloned().chain((0..=c).map(|j| g.iter().map(|row| row[j]).collect())) {
                let hidden = line.iter().filter(|c| **c == Cell::Suppressed).count();
                let shown_nonzero = line.iter().filter(|c| matches!(c, Cell::Count(n) if *n > 0)).count();
                assert!(hidden != 1 || shown_nonzero == 0, "{rows:?}: line {line:?}");
            }
        }
    }
}
