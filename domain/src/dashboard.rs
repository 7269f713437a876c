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

/// Which cases a dashboard counts. A case is in the period when it was first heard of (its
/// first response, or its outcome when it has no response) within it. A period is all time or
/// a whole month, calendar quarter or year (`check_period`): never a range of days, which could
/// single out one child by differencing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub from: Option<Day>,
    pub to: Option<Day>,
    /// An agency's id.
    pub agency: Option<String>,
    pub band: Option<AgeBand>,
    pub flag: Option<Flag>,
}

/// The dashboard's query string as it arrives (`from=2026-01-01&band=teen&flag=send`), read
/// by serde (axum's `Query` on the server): each filter's text, empty or absent for none,
/// checked into a `Filter` by `check`, which refuses any other parameter by its name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    /// Any other parameter, to be named in the error.
    #[serde(flatten, skip_serializing)]
    pub other: std::collections::BTreeMap<String, String>,
}

impl FilterQuery {
    /// The filter asked for; an error names the parameter that is wrong and how.
    pub fn check(self) -> Result<Filter, String> {
        if let Some(other) = self.other.keys().next() {
            return Err(format!("{other}: is not a dashboard filter (from, to, agency, band, flag)"));
        }
        let given = |v: Option<String>| v.filter(|v| !v.is_empty());
        let day = |key: &str, v: Option<String>| -> Result<Option<Day>, String> {
            given(v).map(|v| v.parse().map_err(|_| format!("{key}: {v:?} is not a date like 2026-04-01"))).transpose()
        };
        let f = Filter {
            from: day("from", self.from)?,
            to: day("to", self.to)?,
            agency: given(self.agency).map(|a| if crate::access::is_id(&a) { Ok(a) } else { Err("agency: is not an agency id".to_string()) }).transpose()?,
            band: given(self.band).map(|b| AgeBand::parse(&b).ok_or_else(|| format!("band: {b:?} is not an age band"))).transpose()?,
            flag: given(self.flag).map(|v| Flag::parse(&v).ok_or_else(|| format!("flag: {v:?} is not a circumstance the dashboard knows"))).transpose()?,
        };
        if let (Some(from), Some(to)) = (f.from, f.to) {
            if from > to {
                return Err(format!("to: {to} is before from: {from}"));
            }
        }
        f.check_period()?;
        Ok(f)
    }
}

/// What a day-level or odd range is told.
pub const PERIOD_RULE: &str = "from, to: the dashboard counts whole periods: a month (from its first day to its last), a quarter \
     (January to March, April to June, July to September, October to December) or a year (January to December, or April to March); \
     a range of days could single out one child";

/// The first day of a month counted as `Day::month_number` counts it.
pub fn month_day(number: i64) -> Option<Day> {
    Day::from_ymd(u16::try_from(number.div_euclid(12)).ok()?, (number.rem_euclid(12) + 1) as u8, 1)
}

/// One of the choices a view makes, each of which must leave enough cases out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Period,
    Agency,
    Band,
    Flag,
}

/// Why a view is not answered: too few cases in it, or too few left out by one of its choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TooFew {
    InView,
    LeftOut(Choice),
}

impl std::fmt::Display for TooFew {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TooFew::InView => write!(f, "this view counts fewer than {MIN_CASES} cases: too few to show safely; choose a longer period or fewer filters"),
            TooFew::LeftOut(choice) => {
                let what = match choice {
                    Choice::Period => "period",
                    Choice::Agency => "agency",
                    Choice::Band => "age band",
                    Choice::Flag => "circumstance",
                };
                write!(f, "the {what} chosen leaves fewer than {MIN_CASES} cases out of a wider view: too few to show safely, as the two views together could single out a child; choose another {what} or none")
            }
        }
    }
}

/// Whether a view may be answered, from how many cases it counts and how many cases are in
/// each of its wider views (`Filter::wider`): it must count at least `MIN_CASES`, and leave
/// none or at least `MIN_CASES` out of each wider view (none: the two views are the same cases
/// and give the same answer).
pub fn check_view(selected: u64, wider: &[(Choice, u64)]) -> Result<(), TooFew> {
    if selected < MIN_CASES {
        return Err(TooFew::InView);
    }
    match wider.iter().find(|(_, n)| (1..MIN_CASES).contains(&n.saturating_sub(selected))) {
        Some((choice, _)) => Err(TooFew::LeftOut(*choice)),
        None => Ok(()),
    }
}

impl Filter {
    /// Reads a query string such as `from=2026-01-01&band=teen&flag=send` (`FilterQuery`).
    pub fn parse_query(query: &str) -> Result<Filter, String> {
        serde_urlencoded::from_str::<FilterQuery>(query).map_err(|e| format!("the dashboard's filters (from, to, agency, band, flag): {e}"))?.check()
    }

    /// Whether the dates are a period the dashboard answers for: none (all time), or from the
    /// first day of a month to the last day of the same month, of a calendar quarter, or of a
    /// year (January to December, or April to March).
    pub fn check_period(&self) -> Result<(), String> {
        let whole = match (self.from, self.to) {
            (None, None) => return Ok(()),
            (Some(f), Some(t)) if f == f.first_of_month() && t == t.last_of_month() => {
                let (first, months) = (f.month_number() % 12, t.month_number() - f.month_number() + 1);
                months == 1 || (months == 3 && first % 3 == 0) || (months == 12 && (first == 0 || first == 3))
            }
            _ => false,
        };
        if whole {
            Ok(())
        } else {
            Err(PERIOD_RULE.to_string())
        }
    }

    /// Every view of the dashboard that holds every case this one holds: each period that
    /// contains this one (a month's quarter, calendar year and April-to-March year; a quarter's
    /// two years; all time), with this view's agency, band and circumstance each kept or left
    /// out. Each is named by the first choice it leaves out or widens. A view is answered only
    /// when it leaves none or at least `MIN_CASES` cases out of each of them (`check_view`):
    /// so no two answered views, one inside the other, differ by a few cases.
    pub fn wider(&self) -> Vec<(Choice, Filter)> {
        let mut periods = vec![(self.from, self.to)];
        if let (Some(from), Some(to)) = (self.from, self.to) {
            let first = from.month_number();
            let span = |first: i64, n: i64| (month_day(first), month_day(first + n - 1).map(Day::last_of_month));
            let year = first - first.rem_euclid(12);
            // The April-to-March year a month falls in.
            let april = if first.rem_euclid(12) >= 3 { year + 3 } else { year - 9 };
            match to.month_number() - first + 1 {
                1 => periods.extend([span(first - first.rem_euclid(3), 3), span(year, 12), span(april, 12)]),
                3 => periods.extend([span(year, 12), span(april, 12)]),
                _ => {}
            }
            periods.push((None, None));
        }
        let mut out = Vec::new();
        for (p, (from, to)) in periods.into_iter().enumerate() {
            for agency in [self.agency.clone(), None].into_iter().take(if self.agency.is_some() { 2 } else { 1 }) {
                for band in [self.band, None].into_iter().take(if self.band.is_some() { 2 } else { 1 }) {
                    for flag in [self.flag, None].into_iter().take(if self.flag.is_some() { 2 } else { 1 }) {
                        let view = Filter { from, to, agency: agency.clone(), band, flag };
                        let choice = if p > 0 {
                            Choice::Period
                        } else if view.agency != self.agency {
                            Choice::Agency
                        } else if view.band != self.band {
                            Choice::Band
                        } else {
                            Choice::Flag
                        };
                        if view != *self && !out.iter().any(|(_, v)| *v == view) {
                            out.push((choice, view));
                        }
                    }
                }
            }
        }
        out
    }

    /// What the filter chose, as CSV lines after a blank one (a "Filter" line, then a line for
    /// each choice), so a table exported for a report says which cases it counts.
    pub fn to_csv(&self, agencies: &[AgencyName], words: &dyn Fn(&str) -> String) -> String {
        let mut file = CsvFile::default();
        file.blank_line();
        let mut part = |name: String, value: String| file.line([name, value]);
        if *self == Filter::default() {
            part(words("dash.csv.filter"), words("dash.csv.no_filter"));
        } else {
            part(words("dash.csv.filter"), String::new());
        }
        if let Some(d) = self.from {
            part(words("dash.filter.from"), d.to_string());
        }
        if let Some(d) = self.to {
            part(words("dash.filter.to"), d.to_string());
        }
        if let Some(id) = &self.agency {
            let name = agencies.iter().find(|a| &a.id == id).map_or(id.clone(), |a| a.name.clone());
            part(words("dash.by.agency"), name);
        }
        if let Some(b) = self.band {
            part(words("dash.by.band"), words(&format!("forms.band.{}", b.code())));
        }
        if let Some(f) = self.flag {
            part(words("dash.by.flag"), words(&format!("session.flag.{}", f.code())));
        }
        file.into_string()
    }

    /// The filter as a query string (without `?`), read back by `parse_query`.
    pub fn to_query(&self) -> String {
        let query = FilterQuery {
            from: self.from.map(|d| d.to_string()),
            to: self.to.map(|d| d.to_string()),
            agency: self.agency.clone(),
            band: self.band.map(|b| b.code().to_string()),
            flag: self.flag.map(|f| f.code().to_string()),
            other: Default::default(),
        };
        serde_urlencoded::to_string(query).expect("text fields always encode")
    }
}

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

/// Whether a group belongs to a row.
type Member<'a, G> = Box<dyn Fn(&G) -> bool + 'a>;

/// A table's figure, if it has one: which, one per row, and the total's.
type TableFigure = Option<(Figure, Vec<Option<Shown>>, Option<Shown>)>;

/// A table as it is built: which one, what its rows are (`dash.by.*`), its rows and columns,
/// its protected counts, whether a case may be in several rows, and its figure if it has one.
struct TableSpec {
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
struct Rows<'a, G> {
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

fn agency_rows<'a, G: 'a>(agencies: &'a [AgencyName], groups_agency: impl Fn(&G) -> &Option<String> + Copy + 'a, any_unknown: bool) -> Rows<'a, G> {
    let mut rows = Rows::new();
    for a in agencies {
        rows.push(Label::Name(a.name.clone()), move |g: &G| groups_agency(g).as_deref() == Some(a.id.as_str()));
    }
    if any_unknown {
        rows.push(Label::key("dash.row.no_agency"), move |g: &G| groups_agency(g).as_ref().is_none_or(|id| !agencies.iter().any(|a| &a.id == id)));
    }
    rows
}

fn focus_rows<'a, G: 'a>(flags: impl Fn(&G) -> ContextFlags + Copy + 'a) -> Rows<'a, G> {
    let mut rows = Rows::new();
    rows.push(Label::key("dash.row.all"), |_: &G| true);
    rows.push(Label::key("session.flag.send"), move |g: &G| flags(g).has(Flag::Send));
    rows.push(Label::key("session.flag.homeless"), move |g: &G| flags(g).has(Flag::Homeless));
    rows
}

fn counts<G>(groups: &[G], rows: &Rows<'_, G>, columns: usize, column: impl Fn(&G) -> Option<usize>, n: impl Fn(&G) -> (u64, u64)) -> Vec<Vec<Tally>> {
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

fn percent_first(t: &ProtectedTable) -> (Vec<Option<Shown>>, Option<Shown>) {
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

fn tables(agencies: &[AgencyName], groups: &[CaseGroup], drift: &[DriftGroup], unprotected: bool) -> Vec<Table> {
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

/// A spreadsheet cell that cannot run as a formula: text starting with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading `'` (a plain signed number, such as a change of
/// `-1.4`, is left as it is: it runs nothing, and a `'` would show in the board's report).
pub fn spreadsheet_safe(text: &str) -> String {
    let number = text.parse::<f64>().is_ok_and(f64::is_finite);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A CSV file for a spreadsheet, written by the csv crate (fields quoted where needed, CRLF line
/// ends), every cell made `spreadsheet_safe`.
pub struct CsvFile(csv::Writer<Vec<u8>>);

impl Default for CsvFile {
    fn default() -> Self {
        CsvFile::after(Vec::new())
    }
}

impl CsvFile {
    /// Writing on after `bytes`.
    fn after(bytes: Vec<u8>) -> CsvFile {
        CsvFile(csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(bytes))
    }

    pub fn line<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) {
        self.0.write_record(fields.into_iter().map(|f| spreadsheet_safe(f.as_ref()))).expect("writing to memory does not fail");
    }

    /// An empty line, between parts of a file (the csv crate writes an empty record as `""`).
    pub fn blank_line(&mut self) {
        let mut bytes = std::mem::take(self).into_bytes();
        bytes.extend_from_slice(b"\r\n");
        *self = CsvFile::after(bytes);
    }

    fn into_bytes(self) -> Vec<u8> {
        self.0.into_inner().expect("writing to memory does not fail")
    }

    pub fn into_string(self) -> String {
        String::from_utf8(self.into_bytes()).expect("written from text")
    }
}

/// A figure in words: the number as the table shows it, or its band (`words` gives the
/// `dash.figure.at_least` and `dash.figure.at_most` wordings, with `{v}`); empty for none.
pub fn figure_text(v: Option<Shown>, figure: Figure, words: &dyn Fn(&str) -> String) -> String {
    let number = |v: f64| match figure {
        Figure::PercentFirst => format!("{v:.0}%"),
        Figure::MeanChange => format!("{v:+.1}"),
        Figure::MedianDays => format!("{v:.0}"),
    };
    match v {
        None => String::new(),
        Some(Shown::Value(v)) => number(v),
        Some(Shown::AtLeast(v)) => words("dash.figure.at_least").replace("{v}", &number(v)),
        Some(Shown::AtMost(v)) => words("dash.figure.at_most").replace("{v}", &number(v)),
    }
}

impl Table {
    /// The table as CSV, headings in words (`words` turns a key into words): the same
    /// suppressed cells, totals and figures as on screen.
    pub fn to_csv(&self, words: &dyn Fn(&str) -> String) -> String {
        let mut out = CsvFile::default();
        let mut line = |fields: Vec<String>| out.line(fields);
        let mut head = vec![words(&self.rows_are)];
        head.extend(self.columns.iter().map(|c| c.text(words)));
        head.push(words("dash.col.total"));
        if let Some(f) = self.figure {
            head.push(words(f.key()));
        }
        line(head);
        for (i, label) in self.rows.iter().enumerate() {
            let mut row = vec![label.text(words)];
            row.extend(self.counts.cells[i].iter().map(Cell::to_string));
            row.push(self.counts.row_totals[i].to_string());
            if let Some(f) = self.figure {
                row.push(figure_text(self.figures[i], f, words));
            }
            line(row);
        }
        if !self.rows_overlap {
            let mut total = vec![words("dash.col.total")];
            total.extend(self.counts.column_totals.iter().map(Cell::to_string));
            total.push(self.counts.total.to_string());
            if let Some(f) = self.figure {
                total.push(figure_text(self.total_figure, f, words));
            }
            line(total);
        }
        out.into_string()
    }
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
