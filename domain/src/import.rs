//! Outcome import: a CSV exported from a case-management system (case reference, outcome,
//! date), read in the coordinator's browser. Every line is checked here and each problem is
//! put in plain words, before anything is pseudonymised or sent.

use crate::case::{normalise_case_ref, CaseRefError, Outcome};
use crate::Day;
use serde::{Deserialize, Serialize};

/// `POST`: outcomes a coordinator imports (pseudonymised in the browser).
pub const IMPORT_PATH: &str = "/api/v1/outcomes/import";
/// Outcomes per import request.
pub const MAX_IMPORT_BATCH: usize = 500;
/// Lines one file may hold.
pub const MAX_IMPORT_LINES: usize = 1_000_000;

/// One good line: the case reference (normalised, still raw: it never leaves the browser),
/// how the case ended, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub line: usize,
    pub case_ref: String,
    pub outcome: Outcome,
    pub date: Day,
}

/// A line that cannot be imported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProblem {
    pub line: usize,
    pub problem: LineIssue,
}

/// Why a line cannot be imported. The coordinator's app says it in words (`words`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineIssue {
    NoCaseRef,
    CaseRefTooLong,
    NoOutcome,
    /// The outcome as written.
    UnknownOutcome(String),
    NoDate,
    /// The date as written.
    NotADate(String),
    AfterToday(Day),
    /// The same case has a different outcome on these lines.
    OtherOutcome(Vec<usize>),
}

impl LineIssue {
    /// The translation key (in the coordinator's files) and the values of its placeholders.
    pub fn words(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            LineIssue::NoCaseRef => ("import.issue.no_case_ref", vec![]),
            LineIssue::CaseRefTooLong => ("import.issue.case_ref_too_long", vec![("max", crate::case::MAX_CASE_REF.to_string())]),
            LineIssue::NoOutcome => ("import.issue.no_outcome", vec![]),
            LineIssue::UnknownOutcome(o) => ("import.issue.unknown_outcome", vec![("outcome", o.clone())]),
            LineIssue::NoDate => ("import.issue.no_date", vec![]),
            LineIssue::NotADate(d) => ("import.issue.not_a_date", vec![("date", d.clone())]),
            LineIssue::AfterToday(d) => ("import.issue.after_today", vec![("date", d.to_string())]),
            LineIssue::OtherOutcome(lines) => {
                ("import.issue.other_outcome", vec![("lines", lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "))])
            }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preview {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<LineProblem>,
}

/// Why a whole file cannot be read. The coordinator's app says it in words (`words`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    /// The first line names no column for this.
    MissingColumn(Column),
    TooLong,
    /// Its columns are separated by semicolons or tabs, not commas.
    Separator(Separator),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    CaseRef,
    Outcome,
    Date,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    Semicolons,
    Tabs,
}

impl FileProblem {
    /// The translation key (in the coordinator's files) and the values of its placeholders.
    pub fn words(self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            FileProblem::Empty => ("import.file.empty", vec![]),
            FileProblem::MissingColumn(Column::CaseRef) => ("import.file.no_case_ref_column", vec![]),
            FileProblem::MissingColumn(Column::Outcome) => ("import.file.no_outcome_column", vec![]),
            FileProblem::MissingColumn(Column::Date) => ("import.file.no_date_column", vec![]),
            FileProblem::TooLong => ("import.file.too_long", vec![("max", MAX_IMPORT_LINES.to_string())]),
            FileProblem::Separator(Separator::Semicolons) => ("import.file.semicolons", vec![]),
            FileProblem::Separator(Separator::Tabs) => ("import.file.tabs", vec![]),
        }
    }
}

/// CSV text as records of fields (the csv crate: quotes, doubled quotes, commas and line
/// breaks inside quotes, CRLF, LF or CR alone; lines may have more or fewer fields than the
/// header), each with the line it starts on (1-based). Lines with nothing in them are left out.
fn records(text: &str) -> Vec<(usize, Vec<String>)> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    // The crate's own line numbers count a CRLF late and a blank line as part of the record
    // after it; a record's line is counted here from where its first field begins, a line
    // ending as the crate ends one (CRLF, LF, or CR alone).
    let (mut counted_to, mut line) = (0, 1);
    let mut line_of = |byte: usize| {
        let rest = &text[byte.min(text.len())..];
        let start = text.len() - rest.trim_start_matches(['\r', '\n']).len();
        let between = &text.as_bytes()[counted_to.min(start)..start];
        line += between.iter().enumerate().filter(|(i, b)| **b == b'\n' || (**b == b'\r' && between.get(i + 1) != Some(&b'\n'))).count();
        counted_to = counted_to.max(start);
        line
    };
    reader
        .records()
        // Reading from text, a record can only fail as not UTF-8, which text cannot be.
        .filter_map(Result::ok)
        .map(|r| (line_of(r.position().map_or(0, |p| p.byte() as usize)), r.iter().map(unquoted).collect::<Vec<_>>()))
        .filter(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty()))
        .collect()
}

/// A field quoted after a space (`EH-1, "EH 2"`), which CSV reads with its quotes: some
/// exports write a space after each comma. Without them, as the quotes meant.
fn unquoted(field: &str) -> String {
    let t = field.trim();
    match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if field.starts_with(char::is_whitespace) => inner.replace("\"\"", "\""),
        _ => field.to_string(),
    }
}

/// The column headed by one of `names` (ignoring case, spaces and punctuation), or else the
/// first whose heading contains `part` ("Date closed", "Case ref no.").
fn column(headers: &[String], names: &[&str], part: &str) -> Option<usize> {
    let key = |h: &str| h.trim().to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>();
    headers.iter().position(|h| names.contains(&key(h).as_str())).or_else(|| headers.iter().position(|h| key(h).contains(part)))
}

/// A date as case-management exports write it: `2026-04-30`, or UK style `30/04/2026`.
pub fn parse_date(text: &str) -> Option<Day> {
    let t = text.trim();
    if let Ok(d) = t.parse() {
        return Some(d);
    }
    let parts: Vec<&str> = t.split(['/', '.', '-']).collect();
    if let [d, m, y] = parts.as_slice() {
        if y.len() == 4 {
            return Day::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        }
    }
    None
}

/// Reads a whole file. Lines with problems are listed and left out; the rest can be imported.
/// Also left out, as doubtful: a date after `today`, and a case given different outcomes.
pub fn preview(text: &str, today: Day) -> Result<Preview, FileProblem> {
    let mut records = records(text).into_iter();
    let (_, headers) = records.next().ok_or(FileProblem::Empty)?;
    // One column only, with another separator in it: semicolons (a spreadsheet set to a
    // European language) or tabs. Read as one column, every line would be "unknown".
    if let [only] = headers.as_slice() {
        for (separator, which) in [(';', Separator::Semicolons), ('\t', Separator::Tabs)] {
            if only.contains(separator) {
                return Err(FileProblem::Separator(which));
            }
        }
    }
    let case = column(&headers, &["casereference", "caseref", "reference", "ref", "case", "caseid", "casenumber"], "ref")
        .ok_or(FileProblem::MissingColumn(Column::CaseRef))?;
    let outcome = column(&headers, &["outcome", "closurereason", "reason", "result"], "outcome").ok_or(FileProblem::MissingColumn(Column::Outcome))?;
    let date =
        column(&headers, &["date", "closuredate", "outcomedate", "closed", "closedon", "enddate"], "date").ok_or(FileProblem::MissingColumn(Column::Date))?;
    let mut p = Preview::default();
    for (n, (line, fields)) in records.enumerate() {
        if n >= MAX_IMPORT_LINES {
            return Err(FileProblem::TooLong);
        }
        let get = |i: usize| fields.get(i).map(|f| f.trim()).unwrap_or("");
        let problem = |issue: LineIssue| LineProblem { line, problem: issue };
        let case_ref = match normalise_case_ref(get(case)) {
            Ok(r) => r,
            Err(CaseRefError::Empty) => {
                p.problems.push(problem(LineIssue::NoCaseRef));
                continue;
            }
            Err(CaseRefError::TooLong) => {
                p.problems.push(problem(LineIssue::CaseRefTooLong));
                continue;
            }
        };
        let Some(o) = Outcome::parse(get(outcome)) else {
            p.problems.push(problem(if get(outcome).is_empty() { LineIssue::NoOutcome } else { LineIssue::UnknownOutcome(get(outcome).to_string()) }));
            continue;
        };
        let Some(d) = parse_date(get(date)) else {
            p.problems.push(problem(if get(date).is_empty() { LineIssue::NoDate } else { LineIssue::NotADate(get(date).to_string()) }));
            continue;
        };
        if d > today {
            p.problems.push(problem(LineIssue::AfterToday(d)));
            continue;
        }
        p.rows.push(ImportRow { line, case_ref, outcome: o, date: d });
    }
    // The same case with different outcomes: which is right is the coordinator's to say, so
    // none of its lines is imported.
    let mut by_case: std::collections::HashMap<&str, Vec<(usize, Outcome)>> = std::collections::HashMap::new();
    for r in &p.rows {
        by_case.entry(r.case_ref.as_str()).or_default().push((r.line, r.outcome));
    }
    let mut doubtful = Vec::new();
    for r in &p.rows {
        let others: Vec<usize> = by_case[r.case_ref.as_str()].iter().filter(|(_, o)| *o != r.outcome).map(|(l, _)| *l).collect();
        if !others.is_empty() {
            doubtful.push(LineProblem { line: r.line, problem: LineIssue::OtherOutcome(others) });
        }
    }
    if !doubtful.is_empty() {
        // By a set: a file of a million lines with many doubtful ones stays quick in the browser.
        let left_out: std::collections::HashSet<usize> = doubtful.iter().map(|x| x.line).collect();
        p.rows.retain(|r| !left_out.contains(&r.line));
        p.problems.extend(doubtful);
        p.problems.sort_by_key(|x| x.line);
    }
    Ok(p)
}

/// One imported outcome, as sent: the pseudonym only. The id is derived from the content by
/// the browser, so importing the same file twice stores each outcome once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportOutcomes {
    pub key_fingerprint: String,
    pub outcomes: Vec<crate::wire::OutcomeV1>,
}

/// The id of an imported outcome, derived from what it says (FNV-1a, 128 bits, over the
/// pseudonym, outcome and date), so importing the same line twice gives the same id and the
/// server keeps it once.
pub fn import_id(case: &crate::case::Pseudonym, outcome: Outcome, date: Day) -> uuid::Uuid {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in format!("heard-import|{case}|{}|{date}", outcome.code()).bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    uuid::Builder::from_custom_bytes(h.to_be_bytes()).into_uuid()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReply {
    /// Newly stored.
    pub stored: u64,
    /// Already held from an earlier import of the same lines.
    pub already_had: u64,
}

/// The case references in a file whose first column holds them (one per line, or a CSV from
/// the case-management system), normalised, each once: what the coordinator's browser links
/// across a new partnership key. A first line with no digit in it is a header, not a reference.
pub fn case_references(text: &str) -> Vec<String> {
    let mut lines = records(text).into_iter().map(|(_, fields)| fields).peekable();
    if lines.peek().is_some_and(|first| !first.iter().any(|f| f.chars().any(|c| c.is_ascii_digit()))) {
        lines.next();
    }
    // A one-column list kept by a spreadsheet set to semicolons or tabs: its first part.
    let mut refs: Vec<String> = lines
        .filter_map(|fields| fields.into_iter().next())
        .filter_map(|first| first.split([';', '\t']).next().and_then(|f| crate::case::normalise_case_ref(f.trim()).ok()))
        .collect();
    refs.sort_unstable();
    refs.dedup();
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Day {
        "2026-11-26".parse().unwrap()
    }

    #[test]
    fn a_future_date_and_a_case_with_two_outcomes_are_left_out_as_doubtful() {
        let csv = "Case reference,Outcome,Date\n\
                   EH-1,Needs met,2026-10-01\n\
                   EH-2,Other,2031-01-01\n\
                   EH-3,Stepped up,2026-10-02\n\
                   eh-3,Stepped down,2026-10-03\n\
                   EH-4,Moved away,2026-11-26\n\
                   EH-4,Moved away,2026-11-26\n";
        let p = preview(csv, today()).unwrap();
        assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 6, 7], "the same outcome twice is no doubt");
        let problems: Vec<(usize, LineIssue)> = p.problems.iter().map(|x| (x.line, x.problem.clone())).collect();
        assert_eq!(
            problems,
            [(3, LineIssue::AfterToday("2031-01-01".parse().unwrap())), (4, LineIssue::OtherOutcome(vec![5])), (5, LineIssue::OtherOutcome(vec![4])),]
        );
    }

    #[test]
    fn good_lines_are_read_and_bad_ones_named_by_line() {
        let csv = "Case Reference,Outcome,Closure date\r\n\
                   EH-2024-001,Stepped down,2026-04-30\r\n\
                   eh-2024 002,\"Closed, needs met\",30/04/2026\r\n\
                   EH-2024-003,adopted,2026-04-30\r\n\
                   EH-2024-004,Stepped up,31/02/2026\r\n\
                   ,Other,2026-01-01\r\n\
                   EH-2024-006,,2026-01-01\r\n\
                   \r\n\
                   \"EH-2024-007\",\"moved away\",2026-05-01\r\n";
        let p = preview(csv, today()).unwrap();
        let read: Vec<(usize, &str, Outcome)> = p.rows.iter().map(|r| (r.line, r.case_ref.as_str(), r.outcome)).collect();
        assert_eq!(read, vec![(2, "EH-2024-001", Outcome::SteppedDown), (3, "EH-2024002", Outcome::NeedsMet), (9, "EH-2024-007", Outcome::MovedAway)]);
        assert_eq!(p.rows[1].date.to_string(), "2026-04-30", "UK dates are read");
        let lines: Vec<(usize, LineIssue)> = p.problems.iter().map(|x| (x.line, x.problem.clone())).collect();
        assert_eq!(
            lines,
            [
                (4, LineIssue::UnknownOutcome("adopted".into())),
                (5, LineIssue::NotADate("31/02/2026".into())),
                (6, LineIssue::NoCaseRef),
                (7, LineIssue::NoOutcome)
            ]
        );
        // Each says what it is in words with the values it names.
        assert_eq!(p.problems[0].problem.words(), ("import.issue.unknown_outcome", vec![("outcome", "adopted".to_string())]));
        assert_eq!(LineIssue::OtherOutcome(vec![3, 9]).words().1, [("lines", "3, 9".to_string())]);
    }

    #[test]
    fn a_file_without_the_columns_is_refused_whole() {
        assert_eq!(preview("", today()), Err(FileProblem::Empty));
        assert_eq!(preview("ref,result\nA,other", today()), Err(FileProblem::MissingColumn(Column::Date)));
        assert_eq!(preview("name,date\nA,2026-01-01", today()), Err(FileProblem::MissingColumn(Column::CaseRef)));
        // Saved by a spreadsheet set to another separator: said so, not "unknown outcome" a line.
        assert_eq!(preview("Case reference;Outcome;Date closed\nEH-1;Needs met;2026-10-01", today()), Err(FileProblem::Separator(Separator::Semicolons)));
        assert_eq!(preview("Case reference\tOutcome\tDate closed\nEH-1\tNeeds met\t2026-10-01", today()), Err(FileProblem::Separator(Separator::Tabs)));
        let p = preview("Case ref no.,Closure outcome,Date closed\nA-1,other,2026-01-01", today()).unwrap();
        assert_eq!(p.rows.len(), 1, "headings are found by what they contain");
    }

    #[test]
    fn a_file_with_lines_ended_by_cr_alone_is_read_line_by_line() {
        let csv = "Case Reference,Outcome,Closure date\rEH-1,Stepped down,2026-04-30\rEH-2,moved away,2026-05-01\r";
        let p = preview(csv, today()).unwrap();
        let read: Vec<(usize, &str)> = p.rows.iter().map(|r| (r.line, r.case_ref.as_str())).collect();
        assert_eq!(read, vec![(2, "EH-1"), (3, "EH-2")]);
    }

    #[test]
    fn a_field_quoted_after_a_space_loses_its_quotes() {
        let p = preview("Case Reference, Outcome, Closure date\nEH-1, \"Stepped down\", 2026-04-30\n\"EH 2\", \"moved away\", 2026-05-01\n", today()).unwrap();
        let read: Vec<(usize, &str, Outcome)> = p.rows.iter().map(|r| (r.line, r.case_ref.as_str(), r.outcome)).collect();
        assert_eq!(read, vec![(2, "EH-1", Outcome::SteppedDown), (3, "EH2", Outcome::MovedAway)]);
        assert_eq!(records("a, \"say \"\"hi\"\"\"")[0].1, ["a", "say \"hi\""]);
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_line_breaks() {
        let r = records("a,\"b, c\",\"say \"\"hi\"\"\"\n\"two\nlines\",x,y\n");
        assert_eq!(r[0], (1, vec!["a".into(), "b, c".into(), "say \"hi\"".into()]));
        assert_eq!(r[1], (2, vec!["two\nlines".into(), "x".into(), "y".into()]));
    }

    #[test]
    fn the_same_line_gets_the_same_id_and_another_line_another() {
        let case = crate::case::Pseudonym::from_digest(&[7; 32]);
        let day: Day = "2026-04-30".parse().unwrap();
        let id = import_id(&case, Outcome::SteppedDown, day);
        assert_eq!(id, import_id(&case, Outcome::SteppedDown, day));
        assert_ne!(id, import_id(&case, Outcome::SteppedUp, day));
        assert_ne!(id, import_id(&case, Outcome::SteppedDown, "2026-05-01".parse().unwrap()));
        assert_ne!(id, import_id(&crate::case::Pseudonym::from_digest(&[8; 32]), Outcome::SteppedDown, day));
        assert_eq!(id.get_version_num(), 8, "a custom (v8) UUID");
    }

    #[test]
    fn uk_and_iso_dates_are_read() {
        assert_eq!(parse_date("2026-04-30").map(|d| d.to_string()).as_deref(), Some("2026-04-30"));
        assert_eq!(parse_date("30/04/2026").map(|d| d.to_string()).as_deref(), Some("2026-04-30"));
        assert_eq!(parse_date("1.5.2026").map(|d| d.to_string()).as_deref(), Some("2026-05-01"));
        assert_eq!(parse_date("04/30/2026"), None, "no 30th month");
        assert_eq!(parse_date("next week"), None);
    }

    #[test]
    fn case_references_are_read_from_the_first_column_each_once() {
        let file = "\u{feff}case_ref,outcome,date\r\n\"eh-2024 001\",closed,2026-01-02\nEH-2024001;x\n\n  \nEH-9\tfoo\n";
        assert_eq!(case_references(file), ["EH-2024001", "EH-9"]);
        assert_eq!(case_references("EH-1\nEH-2"), ["EH-1", "EH-2"], "no header");
    }
}
