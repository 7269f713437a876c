//! The coordinator's dashboard: the audit's questions answered from per-case summaries, every
//! count suppressed (`suppress`) before it leaves the server, and the same tables as CSV.
//!
//! The server groups its case summaries into `CaseGroup`s and `DriftGroup`s (one SQL scan
//! each); everything from there on, the tables, their suppression and the figures derived
//! from them, is here, so it is tested natively and is the same for SQLite and PostgreSQL.

use crate::case::{ContextFlags, Flag, Outcome};
use crate::disclosure::{self, grouped_median, protect, share_first, Cell, ProtectedTable, Shown, Tally, MIN_CASES};
use crate::{AgeBand, Day, FormId};
use serde::{Deserialize, Serialize};

mod build;
mod export;
mod filter;

pub use build::{build, build_unprotected, CHANGE_SUM_SPREAD};
pub use export::{figure_text, spreadsheet_safe, CsvFile};
pub use filter::{check_view, month_day, Choice, Filter, FilterQuery, TooFew, PERIOD_RULE};

pub const DASHBOARD_PATH: &str = "/api/v1/dashboard";
/// `GET {EXPORT_PATH}/{table id}.csv?{filter}`: one table as CSV, suppressed the same way.
pub const EXPORT_PATH: &str = "/api/v1/dashboard/export";
/// A change in a child's own rating (0 to 10) of at least this much counts as better or worse.
pub const CHANGE_THRESHOLD: f64 = 1.0;
/// Quotes and drawings shown at most, the most recent first.
pub const MAX_SHARED: usize = 24;
/// `POST {SHARED_PATH}/{id}/hide`: a coordinator hides a shared item.
pub const SHARED_PATH: &str = "/api/v1/dashboard/shared";
/// Dashboard reads and exports one person is answered in an hour; each is in the audit log.
pub const READS_PER_HOUR: u64 = 300;

/// How a child's own rating moved from their first to their last rated response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Better,
    Same,
    Worse,
}

impl Change {
    pub const ALL: [Change; 3] = [Change::Better, Change::Same, Change::Worse];

    /// As it is written in JSON, in the server's tables and in translation keys.
    pub fn code(self) -> &'static str {
        match self {
            Change::Better => "better",
            Change::Same => "same",
            Change::Worse => "worse",
        }
    }

    pub fn parse(code: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn of(delta: f64) -> Change {
        if delta >= CHANGE_THRESHOLD {
            Change::Better
        } else if delta <= -CHANGE_THRESHOLD {
            Change::Worse
        } else {
            Change::Same
        }
    }
}

/// A number for each circumstance and one for cases with none: a case with several
/// circumstances counts under each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ByFlag {
    /// In `Flag::ALL` order.
    pub each: [u64; 5],
    pub none: u64,
}

impl ByFlag {
    /// `n` under each of `flags`, or under none when there are none.
    pub fn of(flags: ContextFlags, n: u64) -> ByFlag {
        let each = Flag::ALL.map(|f| if flags.has(f) { n } else { 0 });
        ByFlag { each, none: if flags.is_empty() { n } else { 0 } }
    }

    /// The numbers in the order the dashboard's rows take: each flag, then none.
    pub fn rows(&self) -> impl Iterator<Item = u64> + '_ {
        self.each.iter().copied().chain([self.none])
    }
}

/// Cases alike in everything the dashboard breaks down by, counted together by the server.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseGroup {
    pub agency: Option<String>,
    pub band: Option<AgeBand>,
    /// The SEND and homeless flags the group's cases share (`ContextFlags::FOCUS`).
    pub focus: ContextFlags,
    /// Of the group's cases, how many have each circumstance.
    pub with_flag: ByFlag,
    pub outcome: Option<Outcome>,
    pub heard: bool,
    /// Only for cases with two or more rated responses.
    pub change: Option<Change>,
    pub cases: u64,
    /// The sum of the group's cases' record keys (`disclosure`), and of those with each
    /// circumstance as `with_flag` counts them.
    pub key: u64,
    pub flag_keys: ByFlag,
    /// The sum of (last rating - first rating) over the group's cases with a change, in
    /// thousandths of a rating point: whole numbers add up alike in any order, so SQLite and
    /// PostgreSQL, which list groups in different orders, show the same means.
    pub change_milli: i64,
}

/// Cases with both a response and an outcome, by how many days lay between the first
/// response and the outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct DriftGroup {
    pub agency: Option<String>,
    /// Only the SEND and homeless flags (`ContextFlags::FOCUS`).
    pub focus: ContextFlags,
    pub days: i64,
    pub cases: u64,
    /// The sum of the group's cases' record keys.
    pub key: u64,
}

/// Drift buckets: up to 30 days, 31-90, 91-180, more than 180.
pub const DRIFT_BUCKETS: [i64; 3] = [30, 90, 180];

fn drift_bucket(days: i64) -> usize {
    DRIFT_BUCKETS.iter().position(|&edge| days <= edge).unwrap_or(DRIFT_BUCKETS.len())
}

/// A row or column heading: a translation key (`outcome.stepped_up`, `dash.heard`, ...) or a
/// name the partnership gave (an agency).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Key(String),
    Name(String),
}

impl Label {
    fn key(k: impl Into<String>) -> Label {
        Label::Key(k.into())
    }

    /// The heading in words: `words(key)` for a key, the name as it is.
    pub fn text<'a>(&'a self, words: &'a dyn Fn(&str) -> String) -> String {
        match self {
            Label::Key(k) => words(k),
            Label::Name(n) => n.clone(),
        }
    }
}

/// What the per-row figure of a table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// The first column as a percentage of the row.
    PercentFirst,
    /// The mean change in the child's own rating, on 0 to 10.
    MeanChange,
    /// The median days from first response to outcome.
    MedianDays,
}

impl Figure {
    pub fn key(self) -> &'static str {
        match self {
            Figure::PercentFirst => "dash.figure.percent_heard",
            Figure::MeanChange => "dash.figure.mean_change",
            Figure::MedianDays => "dash.figure.median_days",
        }
    }
}

/// Every table the dashboard shows, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableId {
    VoiceByAgency,
    VoiceByBand,
    VoiceByFlag,
    OutcomesByAgency,
    ChangeByOutcome,
    ChangeByAgency,
    FocusVoice,
    FocusOutcomes,
    FocusChange,
    DriftByAgency,
    DriftFocus,
}

impl TableId {
    pub const ALL: [TableId; 11] = [
        TableId::VoiceByAgency,
        TableId::VoiceByBand,
        TableId::VoiceByFlag,
        TableId::OutcomesByAgency,
        TableId::ChangeByOutcome,
        TableId::ChangeByAgency,
        TableId::FocusVoice,
        TableId::FocusOutcomes,
        TableId::FocusChange,
        TableId::DriftByAgency,
        TableId::DriftFocus,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TableId::VoiceByAgency => "voice_by_agency",
            TableId::VoiceByBand => "voice_by_band",
            TableId::VoiceByFlag => "voice_by_flag",
            TableId::OutcomesByAgency => "outcomes_by_agency",
            TableId::ChangeByOutcome => "change_by_outcome",
            TableId::ChangeByAgency => "change_by_agency",
            TableId::FocusVoice => "focus_voice",
            TableId::FocusOutcomes => "focus_outcomes",
            TableId::FocusChange => "focus_change",
            TableId::DriftByAgency => "drift_by_agency",
            TableId::DriftFocus => "drift_focus",
        }
    }

    pub fn parse(code: &str) -> Option<TableId> {
        TableId::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The table's title: a translation key.
    pub fn title_key(self) -> String {
        format!("dash.table.{}", self.code())
    }
}

/// One dashboard table, suppressed: headings, counts (with totals) and per-row figures that
/// are `None` wherever a count they rest on is hidden.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub id: TableId,
    /// What the rows are (a translation key), e.g. `dash.by.agency`.
    pub rows_are: String,
    pub rows: Vec<Label>,
    pub columns: Vec<Label>,
    pub counts: ProtectedTable,
    /// Whether the rows overlap (a child can be in several), so the column totals are not a
    /// count of children and are not shown.
    pub rows_overlap: bool,
    pub figure: Option<Figure>,
    pub figures: Vec<Option<Shown>>,
    pub total_figure: Option<Shown>,
}

/// A quote or drawing a child agreed to share, with nothing that points to them or their case:
/// no date, agency or circumstance beside it, only the question and the age band it was asked
/// in. Shown to coordinators only, in views that pass the thresholds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    /// What a coordinator names to hide it.
    pub id: String,
    pub form_id: FormId,
    pub form_version: u32,
    pub question_id: String,
    /// For three houses: `worries`, `good_things` or `dreams`.
    pub part: Option<String>,
    pub band: AgeBand,
    pub words: Option<String>,
    /// Compact strokes (`Drawing`'s text form).
    pub drawing: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencyName {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub filter: Filter,
    pub agencies: Vec<AgencyName>,
    pub tables: Vec<Table>,
    pub shared: Vec<Shared>,
    /// Answers and outcomes that reached the server before this read and are not in these
    /// figures yet: 0 unless they arrive faster than they can be counted (the read waits only
    /// a few seconds for them, then answers with what is counted and says how many wait).
    #[serde(default)]
    pub still_counting: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agencies() -> Vec<AgencyName> {
        vec![AgencyName { id: "a1".into(), name: "School".into() }, AgencyName { id: "a2".into(), name: "=Health".into() }]
    }

    fn group(agency: &str, flags: u8, outcome: Option<Outcome>, heard: bool, change: Option<(Change, f64)>, cases: u64) -> CaseGroup {
        let flags = ContextFlags::from_bits(flags);
        CaseGroup {
            agency: Some(agency.into()),
            band: Some(AgeBand::Middle),
            focus: flags.and(ContextFlags::FOCUS),
            with_flag: ByFlag::of(flags, cases),
            outcome,
            heard,
            change: change.map(|c| c.0),
            cases,
            key: 0,
            flag_keys: ByFlag::default(),
            change_milli: change.map_or(0, |c| (c.1 * 1000.0).round() as i64),
        }
    }

    fn table(d: &Dashboard, id: TableId) -> &Table {
        d.tables.iter().find(|t| t.id == id).unwrap()
    }

    fn every_count(d: &Dashboard) -> Vec<Cell> {
        d.tables
            .iter()
            .flat_map(|t| t.counts.cells.iter().flatten().chain(&t.counts.row_totals).chain(&t.counts.column_totals).chain([&t.counts.total]).copied())
            .collect()
    }

    #[test]
    fn voice_captured_counts_cases_heard_and_not_heard_by_agency() {
        let groups = vec![group("a1", 0, None, true, None, 30), group("a1", 0, None, false, None, 10), group("a2", 1, None, true, None, 20)];
        let d = build(Filter::default(), agencies(), &groups, &[], vec![]);
        let t = table(&d, TableId::VoiceByAgency);
        assert_eq!(t.rows, vec![Label::Name("School".into()), Label::Name("=Health".into())]);
        assert_eq!(t.counts.cells, vec![vec![Cell::Count(30), Cell::Count(10)], vec![Cell::Count(20), Cell::Count(0)]]);
        assert_eq!(t.figures, vec![Some(Shown::Value(75.0)), Some(Shown::Value(100.0))]);
        assert_eq!(t.total_figure, Some(Shown::Value(83.0)), "50 of 60, in whole percent");
        let flags = table(&d, TableId::VoiceByFlag);
        assert_eq!(flags.counts.cells[0], vec![Cell::Count(20), Cell::Count(0)], "SEND");
        assert_eq!(flags.counts.cells[5], vec![Cell::Count(30), Cell::Count(10)], "none of these");
    }

    #[test]
    fn small_counts_leave_as_c_and_take_their_figures_with_them() {
        // Three SEND children at School: hidden, and so is enough else to keep them hidden.
        let groups = vec![
            group("a1", 1, Some(Outcome::NeedsMet), true, Some((Change::Better, 6.0)), 3),
            group("a1", 0, Some(Outcome::NeedsMet), true, Some((Change::Better, 40.0)), 20),
            group("a2", 0, Some(Outcome::SteppedUp), false, Some((Change::Worse, -20.0)), 10),
        ];
        let d = build(Filter::default(), agencies(), &groups, &[], vec![]);
        for c in every_count(&d) {
            assert!(!matches!(c, Cell::Count(1..=5)), "a count of 1 to 5 left as {c}");
        }
        let focus = table(&d, TableId::FocusChange);
        assert_eq!(focus.counts.row_totals[1], Cell::Suppressed, "3 SEND children");
        assert_eq!(focus.figures[1], None, "no mean for a hidden count");
        // 26 points over 33 children, the sum moved by its cell key's noise (key 0: -4.43).
        assert_eq!(focus.figures[0], Some(Shown::Value(0.7)));
        let voice = table(&d, TableId::FocusVoice);
        assert_eq!(voice.figures[1], None, "no percentage for a hidden count");
    }

    #[test]
    fn mean_changes_do_not_depend_on_the_order_the_database_lists_groups_in() {
        // Sums whose floating-point total depends on the order they are added in:
        // (0.1 + 0.2) + 0.3 is not 0.1 + (0.2 + 0.3) in f64.
        let groups: Vec<CaseGroup> = [0.1, 0.2, 0.3, 1.7, 2.9, 0.7]
            .iter()
            .enumerate()
            .map(|(i, sum)| group(if i % 2 == 0 { "a1" } else { "a2" }, 0, Some(Outcome::NeedsMet), true, Some((Change::Better, *sum)), 7))
            .collect();
        let figures = |groups: &[CaseGroup]| {
            let d = build(Filter::default(), agencies(), groups, &[], vec![]);
            [TableId::ChangeByOutcome, TableId::ChangeByAgency].map(|id| (table(&d, id).figures.clone(), table(&d, id).total_figure))
        };
        let listed = figures(&groups);
        let reversed: Vec<CaseGroup> = groups.iter().rev().cloned().collect();
        assert_eq!(figures(&reversed), listed, "bit for bit the same means");
        // 5.9 points over 42, the sum moved by 10 x -0.44 (its key's noise): 0.035.
        assert_eq!(listed[0].1, Some(Shown::Value(0.0)));
    }

    #[test]
    fn drift_is_bucketed_with_the_median_in_days() {
        let drift = vec![
            DriftGroup { agency: Some("a1".into()), focus: ContextFlags::default(), days: 10, cases: 6, key: 0 },
            DriftGroup { agency: Some("a1".into()), focus: ContextFlags::default(), days: 100, cases: 7, key: 0 },
            DriftGroup { agency: Some("a2".into()), focus: ContextFlags::of([Flag::Homeless]), days: 200, cases: 8, key: 0 },
        ];
        let d = build(Filter::default(), agencies(), &[], &drift, vec![]);
        let t = table(&d, TableId::DriftByAgency);
        assert_eq!(t.counts.cells[0], vec![Cell::Count(6), Cell::Count(0), Cell::Count(7), Cell::Count(0)]);
        // From the bucket counts alone: School's 13 cases put the median 0.5 of 7 into 91-180.
        assert_eq!(t.figures, vec![Some(Shown::Value(97.0)), None], "Health's 8 are too few for a median");
        assert_eq!(t.total_figure, Some(Shown::Value(148.0)), "21 cases: 4.5 of 7 into 91-180");
        let focus = table(&d, TableId::DriftFocus);
        assert_eq!(focus.counts.row_totals, vec![Cell::Count(21), Cell::Count(0), Cell::Suppressed], "8 homeless: too few for a row");
        assert_eq!(focus.figures, vec![Some(Shown::Value(148.0)), None, None]);
        let more = vec![DriftGroup { agency: Some("a2".into()), focus: ContextFlags::default(), days: 365, cases: 30, key: 0 }];
        let d = build(Filter::default(), agencies(), &[], &more, vec![]);
        assert_eq!(table(&d, TableId::DriftByAgency).figures[1], Some(Shown::AtLeast(181.0)), "over 180 days has no upper edge");
    }

    #[test]
    fn cases_of_an_unknown_agency_get_their_own_row() {
        let groups = vec![CaseGroup { agency: None, ..group("a1", 0, None, true, None, 11) }];
        let d = build(Filter::default(), agencies(), &groups, &[], vec![]);
        let t = table(&d, TableId::VoiceByAgency);
        assert_eq!(t.rows.last(), Some(&Label::Key("dash.row.no_agency".into())));
        assert_eq!(t.counts.row_totals.last(), Some(&Cell::Count(11)));
    }

    #[test]
    fn an_exported_table_ends_with_the_cases_it_counts() {
        let words = |k: &str| k.to_string();
        assert_eq!(Filter::default().to_csv(&agencies(), &words), "\r\ndash.csv.filter,dash.csv.no_filter\r\n");
        let f = Filter::parse_query("from=2026-01-01&to=2026-03-31&agency=a2&band=teen&flag=send").unwrap();
        assert_eq!(
            f.to_csv(&agencies(), &words),
            "\r\ndash.csv.filter,\r\ndash.filter.from,2026-01-01\r\ndash.filter.to,2026-03-31\r\ndash.by.agency,'=Health\r\ndash.by.band,forms.band.teen\r\ndash.by.flag,session.flag.send\r\n",
            "the agency by its name, made safe in a spreadsheet"
        );
    }

    #[test]
    fn csv_keeps_suppression_and_defuses_formulas() {
        // School's 4 children have record keys summing to 230 (the table moves such a cell by -2).
        let groups =
            vec![CaseGroup { key: 230, ..group("a1", 0, None, true, None, 4) }, group("a2", 0, None, true, None, 30), group("a2", 0, None, false, None, 9)];
        let d = build(Filter::default(), agencies(), &groups, &[], vec![]);
        let csv = table(&d, TableId::VoiceByAgency).to_csv(&|k| k.to_string());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "dash.by.agency,dash.col.heard,dash.col.not_heard,dash.col.total,dash.figure.percent_heard");
        assert_eq!(lines[1], "School,c,c,c,", "four children: no counts at all, not even its zero");
        assert_eq!(lines[2], "'=Health,30,9,39,77%");
        // The totals are published by their own keys: 32 - 30 does not give School's 4 away.
        assert_eq!(lines[3], "dash.col.total,32,9,41,78%");
        assert!(!csv.lines().any(|l| l.split(',').any(|f| matches!(f.parse::<u64>(), Ok(1..=5)))));
        let field = |text: &str| {
            let mut file = CsvFile::default();
            file.line([text]);
            file.into_string().trim_end_matches("\r\n").to_string()
        };
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("-1.4"), "-1.4");
        assert_eq!(field("+1.1"), "+1.1");
        assert_eq!(field("-inf"), "'-inf");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
        assert_eq!(field("Stepped up"), "Stepped up");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn filters_read_back_what_they_write_and_name_what_is_wrong() {
        let f = Filter {
            from: "2026-01-01".parse().ok(),
            to: "2026-03-31".parse().ok(),
            agency: Some("0f8e2c1a-5b7d-4e3f-9a10-2b3c4d5e6f70".into()),
            band: Some(AgeBand::Teen),
            flag: Some(Flag::Homeless),
        };
        assert_eq!(Filter::parse_query(&f.to_query()), Ok(f));
        assert_eq!(Filter::parse_query(""), Ok(Filter::default()));
        assert_eq!(Filter::parse_query("from=&band="), Ok(Filter::default()));
        assert!(Filter::parse_query("from=2026-13-01").unwrap_err().starts_with("from:"));
        assert!(Filter::parse_query("band=adult").unwrap_err().starts_with("band:"));
        assert!(Filter::parse_query("flag=rich").unwrap_err().starts_with("flag:"));
        assert!(Filter::parse_query("case=123").unwrap_err().starts_with("case:"));
        assert!(Filter::parse_query("from=2026-02-01&to=2026-01-01").unwrap_err().starts_with("to:"));
        assert!(Filter::parse_query("agency=%ZZ").unwrap_err().starts_with("agency:"), "undecodable text is no agency id");
        // Only what could be an agency's id reaches the database: no NUL, nothing long.
        assert!(Filter::parse_query("agency=a%00b").unwrap_err().starts_with("agency:"));
        assert!(Filter::parse_query("agency=a%20b%2F1").unwrap_err().starts_with("agency:"));
        assert!(Filter::parse_query(&format!("agency={}", "a".repeat(65))).unwrap_err().starts_with("agency:"));
    }

    #[test]
    fn periods_are_whole_months_quarters_or_years_and_never_days() {
        let ok = |q: &str| Filter::parse_query(q).map(|_| ()).map_err(|e| e[..8].to_string());
        for q in ["", "from=2026-03-01&to=2026-03-31", "from=2026-02-01&to=2026-02-28", "from=2026-04-01&to=2026-06-30", "from=2026-01-01&to=2026-12-31"] {
            assert_eq!(ok(q), Ok(()), "{q}");
        }
        assert_eq!(ok("from=2026-04-01&to=2027-03-31"), Ok(()), "a financial year");
        for q in [
            "to=2026-03-01",
            "to=2026-03-02",
            "from=2026-03-02",
            "from=2026-03-01&to=2026-03-02",
            "from=2026-03-01&to=2026-04-30",
            "from=2026-02-01&to=2026-04-30",
            "from=2026-02-01&to=2027-01-31",
            "from=2026-01-01&to=2027-12-31",
            "from=2026-03-01",
        ] {
            let e = Filter::parse_query(q).unwrap_err();
            assert!(e.starts_with("from, to:") && e.contains("single out"), "{q}: {e}");
        }
    }

    #[test]
    fn each_choice_has_a_wider_view_and_a_view_needs_ten_cases_and_ten_left_out() {
        let q = |s: &str| Filter::parse_query(s).unwrap();
        let wider: Vec<Filter> = q("from=2026-05-01&to=2026-05-31&band=teen").wider().into_iter().map(|(_, v)| v).collect();
        assert_eq!(
            wider,
            [
                q("from=2026-05-01&to=2026-05-31"),
                q("from=2026-04-01&to=2026-06-30&band=teen"),
                q("from=2026-04-01&to=2026-06-30"),
                q("from=2026-01-01&to=2026-12-31&band=teen"),
                q("from=2026-01-01&to=2026-12-31"),
                q("from=2026-04-01&to=2027-03-31&band=teen"),
                q("from=2026-04-01&to=2027-03-31"),
                q("band=teen"),
                q(""),
            ],
            "May: its quarter, its calendar year, its April-to-March year, all time; each with and without the band"
        );
        let feb: Vec<Filter> = q("from=2026-02-01&to=2026-02-28").wider().into_iter().map(|(_, v)| v).collect();
        assert!(feb.contains(&q("from=2025-04-01&to=2026-03-31")), "February 2026 is in the year from April 2025");
        let q1 = q("from=2026-01-01&to=2026-03-31").wider();
        assert_eq!(q1.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(), [q("from=2026-01-01&to=2026-12-31"), q("from=2025-04-01&to=2026-03-31"), q("")]);
        assert_eq!(q("from=2026-04-01&to=2027-03-31").wider(), vec![(Choice::Period, Filter::default())], "a year widens to all time");
        assert!(Filter::default().wider().is_empty());
        assert_eq!(q("band=teen&flag=send").wider().into_iter().map(|(c, _)| c).collect::<Vec<_>>(), [Choice::Flag, Choice::Band, Choice::Band]);

        assert_eq!(check_view(9, &[]), Err(TooFew::InView));
        assert_eq!(check_view(10, &[]), Ok(()));
        assert_eq!(check_view(30, &[(Choice::Period, 100), (Choice::Band, 39)]), Err(TooFew::LeftOut(Choice::Band)), "only 9 not teenagers");
        assert_eq!(check_view(30, &[(Choice::Period, 100), (Choice::Band, 40)]), Ok(()));
        assert_eq!(check_view(30, &[(Choice::Period, 30), (Choice::Band, 40)]), Ok(()), "the same cases: the same answer, nothing to learn");
        assert!(TooFew::LeftOut(Choice::Agency).to_string().contains("agency chosen leaves fewer than 10"));
    }
}
