//! Server benchmarks, printed in one run (not part of the test command):
//!
//! - ingest: synthetic responses stored through the same path device batches take (checked
//!   responses, idempotent insert, queued for the summariser; batches of 200 in one
//!   transaction each), against a raw batch insert of the same rows into a bare table; then
//!   the summariser's time to add them all to the case summaries and cubes;
//! - dashboard: the whole dashboard (every table, suppressed, and the shared words) for the
//!   partnership, unfiltered and filtered, median of several runs;
//! - export: one table as CSV, as the export endpoint builds it.
//!
//! On SQLite always, and on PostgreSQL when HEARD_BENCH_POSTGRES (or the test default,
//! postgres://postgres@127.0.0.1:5432) is reachable. `HEARD_BENCH_RESPONSES` sets the size
//! (default 1,000,000) and `HEARD_BENCH_BACKENDS` the backends (default `sqlite,postgres`).
//! Run: `bash bench/server.sh`.

use heard_domain::access::{AgencyKind, Role};
use heard_domain::case::Flag;
use heard_domain::dashboard::{Filter, TableId};
use heard_domain::i18n::shipped_coordinator_strings;
use heard_domain::wire::ResponseV1;
use heard_domain::{AgeBand, Day};
use heard_server::auth::{now, sha256_hex};
use heard_server::synthetic::{self, Item};
use heard_server::{Db, RawRow};
use std::time::{Duration, Instant};

const AGENCIES: [(&str, AgencyKind); 6] = [
    ("Bench Early Help", AgencyKind::EarlyHelp),
    ("Bench School", AgencyKind::School),
    ("Bench Health", AgencyKind::Health),
    ("Bench Housing", AgencyKind::Housing),
    ("Bench Police", AgencyKind::Police),
    ("Bench Charity", AgencyKind::VoluntarySector),
];

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run(label: &str, url: &str, responses: usize) {
    println!("\n== {label} ==");
    let db = Db::connect(url).await.expect("open the database");
    let t = now();
    let partnership = db.create_partnership(&format!("Bench {t}"), &sha256_hex(b"bench key"), t).await.unwrap();
    for (name, kind) in AGENCIES {
        db.create_agency(&partnership, name, kind, t).await.unwrap();
    }
    db.create_user(&partnership, &format!("bench-{t}@bench.test"), "x", Role::Coordinator, t).await.unwrap();
    let agencies = db.agencies(&partnership).await.unwrap();
    let today: Day = "2026-11-25".parse().unwrap();

    // Generate first, so the figures time storing only.
    // About 2.2 responses per case (some cases are known only by their outcome).
    let cases = responses * 10 / 22;
    let items: Vec<Item> = synthetic::generate(42, cases, agencies.len(), today).collect();
    let stored_responses = items.iter().filter(|i| matches!(i, Item::Response(..))).count();
    println!("generated {stored_responses} responses for {cases} cases");

    // Responses are timed against the raw insert of the same rows; the outcomes (about one
    // for every four responses) are stored after them, timed apart.
    let started = Instant::now();
    let stored = heard_server::demo::store_items(&db, &agencies, items.iter().filter(|i| matches!(i, Item::Response(..)))).await.unwrap();
    let ingest = started.elapsed();
    let started = Instant::now();
    heard_server::demo::store_items(&db, &agencies, items.iter().filter(|i| matches!(i, Item::Outcome(..)))).await.unwrap();
    let outcomes = started.elapsed();
    let ingest_rate = stored as f64 / ingest.as_secs_f64();
    println!("ingest (checked, idempotent, queued):       {stored} responses in {:.1} s = {ingest_rate:.0} responses/s", ingest.as_secs_f64());
    println!("outcomes stored after them:                 {:.1} s", outcomes.as_secs_f64());
    // What the server's summariser then does in the background, before the dashboard counts them.
    let started = Instant::now();
    let summarised = db.summarise_pending().await.unwrap();
    let summary = started.elapsed();
    println!(
        "summaries brought up to date (background):  {summarised} items in {:.1} s = {:.0} items/s; stored and summarised: {:.0} responses/s",
        summary.as_secs_f64(),
        summarised as f64 / summary.as_secs_f64(),
        stored as f64 / (ingest + outcomes + summary).as_secs_f64()
    );

    // The same rows, inserted raw into a bare table of the same columns: batches of 200 in a
    // transaction. (The devices' ids are as long as real ones.)
    let received_on = today.to_string();
    let bodies: Vec<RawRow> = items
        .iter()
        .filter_map(|i| match i {
            Item::Response(a, r) => Some(RawRow {
                id: r.id.to_string(),
                body: serde_json::to_string(&ResponseV1::from(r)).unwrap(),
                form_id: r.form_id.0.clone(),
                form_version: i64::from(r.form_version),
                day: r.date.to_string(),
                received_on: received_on.clone(),
                device_id: format!("{:0>36}", a),
                partnership_id: partnership.clone(),
            }),
            _ => None,
        })
        .collect();
    let started = Instant::now();
    let raw = db.bench_raw_insert(&bodies).await.unwrap();
    let raw_time = started.elapsed();
    let raw_rate = raw as f64 / raw_time.as_secs_f64();
    println!("raw batch insert of the same rows:          {raw} rows in {:.1} s = {raw_rate:.0} rows/s", raw_time.as_secs_f64());
    println!("ingest / raw: {:.2} (target at least 0.5)", ingest_rate / raw_rate);
    // As a live server's database would be after autovacuum (PostgreSQL) or ANALYZE (SQLite).
    db.refresh_statistics().await.unwrap();

    let filters = [
        ("no filter", Filter::default()),
        ("teen, SEND", Filter { band: Some(AgeBand::Teen), flag: Some(Flag::Send), ..Filter::default() }),
        (
            "one agency, 2026",
            Filter { agency: Some(agencies[0].id.clone()), from: "2026-01-01".parse().ok(), to: "2026-12-31".parse().ok(), ..Filter::default() },
        ),
        ("teen, one quarter", Filter { band: Some(AgeBand::Teen), from: "2026-07-01".parse().ok(), to: "2026-09-30".parse().ok(), ..Filter::default() }),
    ];
    for (name, filter) in filters {
        let mut times = Vec::new();
        for _ in 0..7 {
            let started = Instant::now();
            let d = db.dashboard(&partnership, filter.clone()).await.unwrap();
            times.push(started.elapsed());
            assert_eq!(d.tables.len(), TableId::ALL.len());
        }
        println!("dashboard ({name}): median {} of 7 runs (target 300 ms)", ms(median(times)));
    }
    let english = shipped_coordinator_strings().into_iter().next().unwrap();
    let started = Instant::now();
    let d = db.dashboard(&partnership, Filter::default()).await.unwrap();
    let mut bytes = 0;
    for t in &d.tables {
        bytes += t.to_csv(&|k| english.get(k).to_string()).len();
    }
    println!("export of every dashboard table as CSV ({} tables, {bytes} bytes): {}", d.tables.len(), ms(started.elapsed()));
    db.close().await;
}

#[tokio::main]
async fn main() {
    let responses: usize = std::env::var("HEARD_BENCH_RESPONSES").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("heard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = format!("sqlite:{}?mode=rwc", dir.join("bench.sqlite3").display());
    // HEARD_BENCH_BACKENDS=postgres (or sqlite) runs one backend only.
    let backends = std::env::var("HEARD_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    if backends.contains("sqlite") {
        run("SQLite", &sqlite, responses).await;
    }
    if std::env::var("HEARD_BENCH_KEEP").is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("kept {}", dir.display());
    }

    let base = std::env::var("HEARD_BENCH_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let name = format!("heard_bench_{}", std::process::id());
    if !backends.contains("postgres") {
        return;
    }
    match sqlx::PgPool::connect(&format!("{base}/postgres")).await {
        Ok(admin) => {
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
            run("PostgreSQL", &format!("{base}/{name}"), responses).await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
        }
        Err(e) => println!("\n== PostgreSQL: skipped, no server at {base} ({e}) =="),
    }
}
