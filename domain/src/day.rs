//! A calendar date with no time of day. Heard generalises timestamps to dates before
//! anything leaves the device (SPEC §5), so the wire and the server only ever see a `Day`.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

/// A valid Gregorian date from 2000 to 2999, written `YYYY-MM-DD` (a `time::Date` inside).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day(Date);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a date written YYYY-MM-DD")]
pub struct DayError(pub String);

/// The Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

impl Day {
    /// Builds a day from its parts; `None` when no such date exists (e.g. 2025-02-29).
    pub fn from_ymd(year: u16, month: u8, day: u8) -> Option<Day> {
        if !(2000..=2999).contains(&year) {
            return None;
        }
        Date::from_calendar_date(i32::from(year), Month::try_from(month).ok()?, day).ok().map(Day)
    }

    /// The UTC day that `days` days after 1970-01-01 falls on.
    pub fn from_unix_days(days: i64) -> Option<Day> {
        let date = Date::from_julian_day(i32::try_from(days.checked_add(UNIX_EPOCH_JULIAN_DAY)?).ok()?).ok()?;
        Day::from_ymd(u16::try_from(date.year()).ok()?, date.month().into(), date.day())
    }

    /// The month the day falls in, counted as `year * 12 + month - 1` (so never 0).
    pub fn month_number(self) -> i64 {
        i64::from(self.0.year()) * 12 + i64::from(u8::from(self.0.month())) - 1
    }

    /// The first day of the day's month.
    pub fn first_of_month(self) -> Day {
        Day(self.0.replace_day(1).expect("every month has a first day"))
    }

    /// The last day of the day's month.
    pub fn last_of_month(self) -> Day {
        Day(self.0.replace_day(self.0.month().length(self.0.year())).expect("a month's length is one of its days"))
    }

    /// Days since 1970-01-01, the inverse of `from_unix_days`.
    pub fn unix_days(self) -> i64 {
        i64::from(self.0.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY
    }
}

impl std::str::FromStr for Day {
    type Err = DayError;
    fn from_str(s: &str) -> Result<Day, DayError> {
        let bad = || DayError(s.to_string());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let digits = |r: std::ops::Range<usize>| -> Result<u16, DayError> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        Day::from_ymd(y, m as u8, d as u8).ok_or_else(bad)
    }
}

impl TryFrom<String> for Day {
    type Error = DayError;
    fn try_from(s: String) -> Result<Day, DayError> {
        s.parse()
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.to_string()
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), u8::from(self.0.month()), self.0.day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_days_both_ways() {
        let d: Day = "2026-11-25".parse().unwrap();
        assert_eq!(d.unix_days(), 20_782);
        for n in [10_957, 11_016, 11_017, 20_782, 21_975, 40_000] {
            assert_eq!(Day::from_unix_days(n).unwrap().unix_days(), n);
        }
        let leap: Day = "2028-03-01".parse().unwrap();
        assert_eq!(leap.unix_days() - "2028-02-28".parse::<Day>().unwrap().unix_days(), 2);
    }

    #[test]
    fn knows_its_month_and_where_the_month_starts_and_ends() {
        let d: Day = "2028-02-14".parse().unwrap();
        assert_eq!(d.first_of_month().to_string(), "2028-02-01");
        assert_eq!(d.last_of_month().to_string(), "2028-02-29");
        assert_eq!("2027-02-03".parse::<Day>().unwrap().last_of_month().to_string(), "2027-02-28");
        // Consecutive months are consecutive numbers, across a new year too.
        let dec: Day = "2027-12-31".parse().unwrap();
        assert_eq!(d.month_number() - dec.month_number(), 2);
        assert_eq!(dec.month_number(), 2027 * 12 + 11);
    }

    #[test]
    fn parses_and_prints_real_dates() {
        let d: Day = "2026-11-25".parse().unwrap();
        assert_eq!(d.to_string(), "2026-11-25");
        assert!("2028-02-29".parse::<Day>().is_ok(), "2028 is a leap year");
    }

    #[test]
    fn refuses_impossible_or_badly_written_dates() {
        for bad in ["2025-02-29", "2026-13-01", "2026-04-31", "26-11-25", "2026-1-05", "2026-11-25T10:00", "", "2026-11-2x"] {
            assert!(bad.parse::<Day>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn counts_days_from_the_unix_epoch() {
        assert_eq!(Day::from_unix_days(10_957).unwrap().to_string(), "2000-01-01");
        assert_eq!(Day::from_unix_days(20_417).unwrap().to_string(), "2025-11-25");
        assert_eq!(Day::from_unix_days(20_513).unwrap().to_string(), "2026-03-01");
        assert_eq!(Day::from_unix_days(0), None, "1970 is before any Heard response");
    }

    #[test]
    fn serialises_as_a_plain_string() {
        let d = Day::from_ymd(2026, 3, 7).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-03-07\"");
        assert!(serde_json::from_str::<Day>("\"2026-02-30\"").is_err());
    }
}
