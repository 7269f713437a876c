//! Building the tables from the server's groups of cases, every count through `disclosure`.

use super::*;

/// Whether a group belongs to a row.
pub(super) type Member<'a, G> = Box<dyn Fn(&G) -> bool + 'a>;

/// A table's figure, if it has one: which, one per row, and the total's.
pub(super) type TableFigure = Option<(Figure, Vec<Option<Shown>>, Option<Shown>)>;

/// A table as it is built: which one, what its rows are (`dash.by.*`), its rows and columns,
/// its protected counts, whether a case may be in several rows, and its figure if it has one.
pub(super) struct TableSpec {
    id: TableId,
    rows_are: &'static str,
    rows: Vec<Label>,
    columns: Vec<Label>,
    counts: ProtectedTable,
    rows_overlap: bool,
    figure: TableFigure,
}

impl From<TableSpec> for Table {
    fn from(t: TableSpec) -> Table {
        let (figure, figures, total_figure) = match t.figure {
            Some((f, figures, total)) => (Some(f), figures, total),
            None => (None, vec![None; t.rows.len()], None),
        };
        let TableSpec { id, rows_are, rows, columns, counts, rows_overlap, .. } = t;
        Table { id, rows_are: rows_are.into(), rows, columns, counts, rows_overlap, figure, figures, total_figure }
    }
}

/// The rows a breakdown may have: which groups belong to each.
pub(super) struct Rows<'a, G> {
    labels: Vec<Label>,
    member: Vec<Member<'a, G>>,
}

impl<'a, G> Rows<'a, G> {
    fn new() -> Self {
        Rows { labels: Vec::new(), member: Vec::new() }
    }

    fn push(&mut self, label: Label, member: impl Fn(&G) -> bool + 'a) {
        self.labels.push(label);
        self.member.push(Box::new(member));
    }
}

pub(super) fn agency_rows<'a, G: 'a>(agencies: &'a [AgencyName], groups_agency: impl Fn(&G) -> &Option<String> + Copy + 'a, any_unknown: bool) -> Rows<'a, G> {
    let mut rows = Rows::new();
    for a in agencies {
        rows.push(Label::Name(a.name.clone()), move |g: &G| groups_agency(g).as_deref() == Some(a.id.as_str()));
    }
    if any_unknown {
        rows.push(Label::key("dash.row.no_agency"), move |g: &G| groups_agency(g).as_ref().is_none_or(|id| !agencies.iter().any(|a| &a.id == id)));
    }
    rows
}

pub(super) fn focus_rows<'a, G: 'a>(flags: impl Fn(&G) -> ContextFlags + Copy + 'a) -> Rows<'a, G> {
    let mut rows = Rows::new();
    rows.push(Label::key("dash.row.all"), |_: &G| true);
    rows.push(Label::key("session.flag.send"), move |g: &G| flags(g).has(Flag::Send));
    rows.push(Label::key("session.flag.homeless"), move |g: &G| flags(g).has(Flag::Homeless));
    rows
}

pub(super) fn counts<G>(
    groups: &[G],
    rows: &Rows<'_, G>,
    columns: usize,
    column: impl Fn(&G) -> Option<usize>,
    n: impl Fn(&G) -> (u64, u64),
) -> Vec<Vec<Tally>> {
    let mut table = vec![vec![Tally::default(); columns]; rows.labels.len()];
    for g in groups {
        let Some(c) = column(g) else { continue };
        let (n, key) = n(g);
        for (r, member) in rows.member.iter().enumerate() {
            if member(g) {
                table[r][c].add(n, key);
            }
        }
    }
    table
}

pub(super) fn percent_first(t: &ProtectedTable) -> (Vec<Option<Shown>>, Option<Shown>) {
    let figures = t.cells.iter().zip(&t.row_totals).map(|(row, total)| share_first(row, *total)).collect();
    (figures, share_first(&t.column_totals, t.total))
}

/// How far a mean change's sum is moved by its cell key, either way, in rating points: a
/// child's whole scale, so a table's total less its other rows says nothing of one child's
/// change (a mean over 20 or more moves by half a point at most).
pub const CHANGE_SUM_SPREAD: f64 = 10.0;

/// Builds every table from the server's groups. Every count and figure in the result has been
/// through `disclosure`.
pub fn build(filter: Filter, agencies: Vec<AgencyName>, groups: &[CaseGroup], drift: &[DriftGroup], shared: Vec<Shared>) -> Dashboard {
    let tables = tables(&agencies, groups, drift, false);
    Dashboard { filter, agencies, tables, shared, still_counting: 0 }
}

/// The same tables with every count as it is and exact means: what the protection hides, for
/// the server's tests to check the summaries and the attacks against. Never served.
pub fn build_unprotected(filter: Filter, agencies: Vec<AgencyName>, groups: &[CaseGroup], drift: &[DriftGroup], shared: Vec<Shared>) -> Dashboard {
    let tables = tables(&agencies, groups, drift, true);
    Dashboard { filter, agencies, tables, shared, still_counting: 0 }
}

pub(super) fn tables(agencies: &[AgencyName], groups: &[CaseGroup], drift: &[DriftGroup], unprotected: bool) -> Vec<Table> {
    let protect = |rows: &[Vec<Tally>], overlap: bool| if unprotected { disclosure::unprotected(rows, overlap) } else { protect(rows, overlap) };
    let mean = |sum_milli: i64, tally: Tally| match unprotected {
        true => (tally.n > 0).then(|| Shown::Value(sum_milli as f64 / 1000.0 / tally.n as f64)),
        false => disclosure::mean(sum_milli, tally, CHANGE_SUM_SPREAD),
    };
    let known = |id: &Option<String>| id.as_ref().is_some_and(|id| agencies.iter().any(|a| &a.id == id));
    let unknown_case = groups.iter().any(|g| !known(&g.agency));
    let unknown_drift = drift.iter().any(|g| !known(&g.agency));
    let heard_cols = vec![Label::key("dash.col.heard"), Label::key("dash.col.not_heard")];
    let heard_col = |g: &CaseGroup| Some(usize::from(!g.heard));
    let change_cols: Vec<Label> = Change::ALL.iter().map(|c| Label::key(format!("dash.col.{}", c.code()))).collect();
    let change_col = |g: &CaseGroup| g.change.map(|c| Change::ALL.iter().position(|x| *x == c).expect("all changes listed"));
    let outcome_cols: Vec<Label> = Outcome::ALL.iter().map(|o| Label::key(format!("outcome.{}", o.code()))).collect();
    let outcome_col = |g: &CaseGroup| g.outcome.map(|o| Outcome::ALL.iter().position(|x| *x == o).expect("all outcomes listed"));
    let drift_cols: Vec<Label> = (0..=DRIFT_BUCKETS.len()).map(|i| Label::key(format!("dash.col.drift_{i}"))).collect();
    let cases = |g: &CaseGroup| (g.cases, g.key);

    let mut tables: Vec<TableSpec> = Vec::new();

    // Voice captured: cases with at least one response in which the child said something.
    let voice = |id: TableId, rows_are: &'static str, rows: Rows<'_, CaseGroup>, overlap: bool| {
        let counts = protect(&counts(groups, &rows, 2, heard_col, cases), overlap);
        let (figs, total) = percent_first(&counts);
        let figure = Some((Figure::PercentFirst, figs, total.filter(|_| !overlap)));
        TableSpec { id, rows_are, rows: rows.labels, columns: heard_cols.clone(), counts, rows_overlap: overlap, figure }
    };
    tables.push(voice(TableId::VoiceByAgency, "dash.by.agency", agency_rows(agencies, |g: &CaseGroup| &g.agency, unknown_case), false));
    let mut bands = Rows::new();
    for b in AgeBand::ALL {
        bands.push(Label::key(format!("forms.band.{}", b.code())), move |g: &CaseGroup| g.band == Some(b));
    }
    // A case's band comes from its child's answers or a tablet's outcome: one without is known
    // only from an imported outcome, so never heard (its row says so, or every band would
    // seem better heard than all cases together with no reason given).
    if groups.iter().any(|g| g.band.is_none()) {
        bands.push(Label::key("dash.row.no_band"), |g: &CaseGroup| g.band.is_none());
    }
    tables.push(voice(TableId::VoiceByBand, "dash.by.band", bands, false));
    // By circumstance: a case may have several, so each row counts its own cases.
    let mut labels: Vec<Label> = Flag::ALL.iter().map(|f| Label::key(format!("session.flag.{}", f.code()))).collect();
    labels.push(Label::key("dash.row.no_flag"));
    let mut raw = vec![vec![Tally::default(); 2]; labels.len()];
    for g in groups {
        for (i, (n, key)) in g.with_flag.rows().zip(g.flag_keys.rows()).enumerate() {
            raw[i][usize::from(!g.heard)].add(n, key);
        }
    }
    let counts_by_flag = protect(&raw, true);
    let (figs, _) = percent_first(&counts_by_flag);
    let figure = Some((Figure::PercentFirst, figs, None));
    tables.push(TableSpec {
        id: TableId::VoiceByFlag,
        rows_are: "dash.by.flag",
        rows: labels,
        columns: heard_cols.clone(),
        counts: counts_by_flag,
        rows_overlap: true,
        figure,
    });

    // Outcomes collated.
    let rows = agency_rows(agencies, |g: &CaseGroup| &g.agency, unknown_case);
    let shown = protect(&counts(groups, &rows, Outcome::ALL.len(), outcome_col, cases), false);
    let (id, columns) = (TableId::OutcomesByAgency, outcome_cols.clone());
    tables.push(TableSpec { id, rows_are: "dash.by.agency", rows: rows.labels, columns, counts: shown, rows_overlap: false, figure: None });

    // Change in the child's own ratings, first to last.
    let change = |id: TableId, rows_are: &'static str, rows: Rows<'_, CaseGroup>, overlap: bool| {
        let raw = counts(groups, &rows, Change::ALL.len(), change_col, cases);
        let shown = protect(&raw, overlap);
        // Each mean over its row's published count, its sum moved by the row's cell key.
        let sums: Vec<i64> = rows.member.iter().map(|m| groups.iter().filter(|g| g.change.is_some() && m(g)).map(|g| g.change_milli).sum()).collect();
        let figs = raw.iter().zip(&sums).map(|(row, s)| mean(*s, disclosure::row_total(row))).collect();
        let all_sum: i64 = groups.iter().filter(|g| g.change.is_some()).map(|g| g.change_milli).sum();
        let all = raw.iter().fold(Tally::default(), |a, row| a.plus(disclosure::row_total(row)));
        let total = if overlap { None } else { mean(all_sum, all) };
        let figure = Some((Figure::MeanChange, figs, total));
        TableSpec { id, rows_are, rows: rows.labels, columns: change_cols.clone(), counts: shown, rows_overlap: overlap, figure }
    };
    let mut by_outcome = Rows::new();
    for o in Outcome::ALL {
        by_outcome.push(Label::key(format!("outcome.{}", o.code())), move |g: &CaseGroup| g.outcome == Some(o));
    }
    by_outcome.push(Label::key("dash.row.no_outcome"), |g: &CaseGroup| g.outcome.is_none());
    tables.push(change(TableId::ChangeByOutcome, "dash.by.outcome", by_outcome, false));
    tables.push(change(TableId::ChangeByAgency, "dash.by.agency", agency_rows(agencies, |g: &CaseGroup| &g.agency, unknown_case), false));

    // Focus groups against all children.
    tables.push(voice(TableId::FocusVoice, "dash.by.group", focus_rows(|g: &CaseGroup| g.focus), true));
    let rows = focus_rows(|g: &CaseGroup| g.focus);
    let shown = protect(&counts(groups, &rows, Outcome::ALL.len(), outcome_col, cases), true);
    tables.push(TableSpec {
        id: TableId::FocusOutcomes,
        rows_are: "dash.by.group",
        rows: rows.labels,
        columns: outcome_cols,
        counts: shown,
        rows_overlap: true,
        figure: None,
    });
    tables.push(change(TableId::FocusChange, "dash.by.group", focus_rows(|g: &CaseGroup| g.focus), true));

    // Drift: days from the first response to the recorded outcome. The median is read from
    // the published bucket counts, never from the cases' days.
    let drift_table = |id: TableId, rows_are: &'static str, rows: Rows<'_, DriftGroup>, overlap: bool| {
        let raw = counts(drift, &rows, DRIFT_BUCKETS.len() + 1, |g| Some(drift_bucket(g.days)), |g| (g.cases, g.key));
        let shown = protect(&raw, overlap);
        let median = |row: &[Tally]| {
            let counts: Vec<u64> = row.iter().map(|t| if unprotected { t.n } else { t.perturbed() }).collect();
            disclosure::row_shown(row).then(|| grouped_median(&counts, &DRIFT_BUCKETS)).flatten()
        };
        let figs = raw.iter().map(|row| median(row)).collect();
        let all: Vec<Tally> = (0..=DRIFT_BUCKETS.len()).map(|c| raw.iter().fold(Tally::default(), |a, row| a.plus(row[c]))).collect();
        let total = if overlap { None } else { median(&all) };
        let figure = Some((Figure::MedianDays, figs, total));
        TableSpec { id, rows_are, rows: rows.labels, columns: drift_cols.clone(), counts: shown, rows_overlap: overlap, figure }
    };
    tables.push(drift_table(TableId::DriftByAgency, "dash.by.agency", agency_rows(agencies, |g: &DriftGroup| &g.agency, unknown_drift), false));
    tables.push(drift_table(TableId::DriftFocus, "dash.by.group", focus_rows(|g: &DriftGroup| g.focus), true));

    tables.into_iter().map(Table::from).collect()
}
