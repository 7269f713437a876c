//! The tables as CSV for a spreadsheet (the csv crate), no cell able to run as a formula.

use super::*;

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
