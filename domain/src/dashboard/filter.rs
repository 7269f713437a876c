//! Which cases a dashboard counts: the filter, read from a query string, whole periods, and
//! which views may be answered (`Filter::wider`, `check_view`).

use super::*;

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
