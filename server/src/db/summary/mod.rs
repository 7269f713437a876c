//! What the dashboard reads, derived from the responses and outcomes stored:
//! - per-case summaries (`cases`), the cubes that count cases by everything the dashboard groups
//!   and filters by (`case_cube`, `drift_cube`), and the shared words (`shared_words`);
//! - kept up to date by the summariser, which takes items queued by the transaction that stored
//!   them (`summary_queue`) and adds them in one transaction of its own;
//! - read as grouped counts from the cubes (whole months) and the cases (days outside whole
//!   months). The tables themselves are built in `heard_domain::dashboard`.

use super::Db;
use heard_domain::case::Outcome;
use heard_domain::case::{ContextFlags, Flag};
use heard_domain::dashboard::{self, AgencyName, ByFlag, CaseGroup, Change, Dashboard, DriftGroup, Filter, Shared, TooFew, CHANGE_THRESHOLD, MAX_SHARED};
use heard_domain::wire::{ItemStatus, OutcomeV1, ResponseV1};
use heard_domain::{AgeBand, AnswerValue, Catalogue, Day, Response};
use sqlx::Row;

mod cases;
mod cubes;
mod queue;
mod read;
mod remove;

use cases::*;
use cubes::*;
pub(in crate::db) use queue::{enqueue, Kind};
pub use read::{DashboardError, Read};

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// The record keys of cases (`heard_domain::disclosure`): a number from 0 to 255 per case,
/// from the case's pseudonym under this server's secret, which never leaves the database.
pub(super) struct RecordKeys(pub(super) Vec<u8>);

impl std::fmt::Debug for RecordKeys {
    /// Never the secret itself, in any log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKeys(..)")
    }
}

impl RecordKeys {
    pub(super) fn of(&self, partnership_id: &str, case: &str) -> i64 {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for part in [self.0.as_slice(), partnership_id.as_bytes(), case.as_bytes()] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        i64::from(h.finalize()[0])
    }
}

/// Rows per multi-row statement (well under SQLite's and PostgreSQL's parameter limits).
pub(super) const CHUNK: usize = 200;

/// `(?, ?, ...)` rows of `width` parameters each, numbered from `$1`.
pub(super) fn placeholders(rows: usize, width: usize) -> String {
    (0..rows).map(|r| format!("({})", (1..=width).map(|c| format!("${}", r * width + c)).collect::<Vec<_>>().join(", "))).collect::<Vec<_>>().join(", ")
}

enum Bind {
    Int(i64),
    Text(String),
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Int(n) => q.bind(*n),
            Bind::Text(s) => q.bind(s.as_str()),
        };
    }
    q
}
