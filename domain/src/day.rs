//! A calendar date with no time of day. Heard generalises timestamps to dates before
//! anything leaves the device (SPEC §5), so the wire and the server only ever see a `Day`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid Gregorian date, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day {
    year: u16,
    month: u8,
    day: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a date written YYYY-MM-DD")]
pub struct DayError(pub String);

impl Day {
    /// Builds a day from its parts; `None` when no such date exists (e.g. 2025-02-29).
    pub fn from_ymd(year: u16, month: u8, day: u8) -> Option<Day> {
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        (day <= days_in_month(year, month)).then_some(Day { year, month, day })
    }

    /// The UTC day that `days` days after 1970-01-01 falls on (civil-from-days).
    pub fn from_unix_days(days: i64) -> Option<Day> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Day::from_ymd(u16::try_from(y).ok()?, m as u8, d as u8)
    }

    /// The month the day falls in, counted as `year * 12 + month - 1` (so never 0).
    pub fn month_number(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The first day of the day's month.
    pub fn first_of_month(self) -> Day {
        Day { day: 1, ..self }
    }

    /// The last day of the day's month.
    pub fn last_of_month(self) -> Day {
        Day { day: days_in_month(self.year, self.month), ..self }
    }

    /// Days since 1970-01-01 (days-from-civil), the inverse of `from_unix_days`.
    pub fn unix_days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
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
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
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
