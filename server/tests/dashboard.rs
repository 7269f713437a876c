//! The coordinator's dashboard and its exports, on both backends: what it counts, that no
//! count from 1 to 5 ever leaves the server, shared words only with consent, filters, CSV.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::{get_text, Auth, World};
use serde_json::{json, Value};

on_both_backends!(
    the_dashboard_counts_cases_heard_their_outcomes_and_their_change,
    no_count_from_one_to_five_leaves_the_server_in_any_view_or_export,
    only_words_the_child_agreed_to_share_are_shown_and_never_with_their_case,
    filters_narrow_the_counts_and_bad_filters_are_named,
    exports_are_csv_audited_and_safe_in_a_spreadsheet,
    summaries_rebuilt_from_what_is_held_match_those_built_as_it_arrived,
    the_counted_cubes_agree_with_the_cases_for_any_dates_and_filters,
    each_stored_item_is_summarised_once_however_many_summarisers_run,
    summarising_for_a_read_stops_at_the_item_newest_when_it_began,
    a_read_that_cannot_wait_for_every_item_says_how_many_are_still_being_counted,
    imported_outcomes_are_kept_once_and_counted_with_the_cases,
    a_case_erased_at_the_familys_request_is_gone_and_stays_gone,
    cases_past_the_retention_period_go_and_their_counts_stay,
);

fn pseudonym(case: u32) -> String {
    format!("{case:064x}")
}

/// A response about `case` on `day`: an Early years check with `home` answered by `face`
/// (a rating), or declined when `face` is 0.
fn check(n: u32, case: u32, day: &str, face: u8, flags: Value) -> String {
    let home = if face == 0 { json!("declined") } else { json!({"face": face}) };
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "form_id": "early-years-check", "form_version": 1, "lang": "en", "date": day,
        "answers": [{"question_id": "home", "value": home}],
        "share": false,
        "context": {"case": pseudonym(case), "age_band": "early_years", "flags": flags, "stage": "start"}
    })
    .to_string()
}

fn no_flags() -> Value {
    json!({"send": false, "homeless": false, "early_help_assessment": false, "child_protection_plan": false, "young_carer": false})
}

fn send() -> Value {
    json!({"send": true, "homeless": false, "early_help_assessment": false, "child_protection_plan": false, "young_carer": false})
}

async fn post_all(w: &World, items: Vec<String>) {
    for chunk in items.chunks(100) {
        let (status, json) = w.post_batch(&w.batch(chunk)).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        assert!(json["results"].as_array().unwrap().iter().all(|r| r["status"] == "accepted"), "{json}");
    }
}

async fn post_outcomes(w: &World, outcomes: &[(u32, &str, &str)]) {
    let items: Vec<Value> = outcomes
        .iter()
        .enumerate()
        .map(|(i, (case, outcome, day))| json!({"id": format!("00000000-0000-4000-9000-{i:012}"), "case": pseudonym(*case), "outcome": outcome, "date": day}))
        .collect();
    let body = json!({"key_fingerprint": w.us.fingerprint, "outcomes": items}).to_string();
    let (status, json) = w.call("POST", "/api/v1/outcomes", Auth::Device(&w.us.device), Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
}

async fn dashboard(w: &World, query: &str) -> Value {
    let (status, json) = w.call("GET", &format!("/api/v1/dashboard{query}"), Auth::Staff(&w.us.analyst, false), None).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json
}

/// The counts before protection (`Read::EXACT`, never served): what the summaries hold.
async fn exact(w: &World, query: &str) -> Value {
    let filter = heard_domain::dashboard::Filter::parse_query(query.trim_start_matches('?')).unwrap();
    let d = w.db.dashboard_read(&partnership_id(w).await, filter, heard_server::db::Read::EXACT).await.unwrap();
    serde_json::to_value(d).unwrap()
}

fn table<'a>(d: &'a Value, id: &str) -> &'a Value {
    d["tables"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap_or_else(|| panic!("no table {id}"))
}

/// Ten cases heard (faces 1 then 3: better), seven only declined; the ten ended needs met
/// 40 days after their first response.
async fn ten_heard_seven_not(w: &World) {
    let mut items = Vec::new();
    for case in 1..=10 {
        items.push(check(case * 10, case, "2026-03-01", 1, no_flags()));
        items.push(check(case * 10 + 1, case, "2026-04-01", 3, no_flags()));
    }
    for case in 11..=17 {
        items.push(check(case * 10, case, "2026-03-02", 0, send()));
    }
    post_all(w, items).await;
    let outcomes: Vec<(u32, &str, &str)> = (1..=10).map(|c| (c, "needs_met", "2026-04-10")).collect();
    post_outcomes(w, &outcomes).await;
}

async fn the_dashboard_counts_cases_heard_their_outcomes_and_their_change(w: &World) {
    ten_heard_seven_not(w).await;
    let d = exact(w, "").await;
    let voice = table(&d, "voice_by_agency");
    assert_eq!(voice["rows"], json!([{"name": "North School"}]));
    assert_eq!(voice["counts"]["cells"], json!([[10, 7]]));
    assert_eq!(voice["figures"][0], json!({"value": 59.0}), "10 of 17 heard");
    let outcomes = table(&d, "outcomes_by_agency");
    assert_eq!(outcomes["counts"]["cells"][0][0], 10, "needs met");
    let change = table(&d, "change_by_outcome");
    assert_eq!(change["counts"]["cells"][0], json!([10, 0, 0]), "needs met: 10 better");
    let mean = change["figures"][0]["value"].as_f64().unwrap();
    assert!((9.7..=10.0).contains(&mean), "faces 1 to 3 of 3: from 0 to 10, the sum moved by at most 2 points over 10: {mean}");
    let drift = table(&d, "drift_by_agency");
    assert_eq!(drift["counts"]["cells"][0], json!([0, 10, 0, 0]), "40 days is in 31 to 90");
    assert_eq!(drift["figures"][0], json!({"value": 61.0}), "the median of the bucket counts: halfway through 31-90");
    let focus = table(&d, "focus_voice");
    assert_eq!(focus["counts"]["cells"][1], json!([0, 7]), "the SEND children were not heard");
    // As served: every count within two of the truth, or "c".
    let served = dashboard(w, "").await;
    for (shown, truth) in counts(&served).iter().zip(counts(&d)) {
        // (The total of rows that overlap is never published: "c" in both.)
        let Some(t) = truth.as_u64().map(|t| t as i64) else { continue };
        match shown.as_u64() {
            Some(n) => assert!((n as i64 - t).abs() <= 2 && (n == 0 || n > 5), "{n} shown for {t}"),
            // A small count, or any count of a row of fewer than ten.
            None => assert!(shown == "c" && t <= 9, "{shown} for {t}"),
        }
    }
    // The other partnership has no cases: too few to show, said as such.
    let (status, theirs) = w.call("GET", "/api/v1/dashboard", Auth::Staff(&w.them.coordinator, false), None).await;
    assert_eq!((status, theirs["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("too_few_cases")), "{theirs}");
    assert!(theirs["detail"].as_str().unwrap().contains("fewer than 10 cases"), "{theirs}");
}

/// Every count in a dashboard answer: cells, row and column totals, grand totals.
fn counts(d: &Value) -> Vec<Value> {
    let mut all = Vec::new();
    for t in d["tables"].as_array().unwrap() {
        let c = &t["counts"];
        for row in c["cells"].as_array().unwrap() {
            all.extend(row.as_array().unwrap().iter().cloned());
        }
        all.extend(c["row_totals"].as_array().unwrap().iter().cloned());
        all.extend(c["column_totals"].as_array().unwrap().iter().cloned());
        all.push(c["total"].clone());
    }
    all
}

async fn no_count_from_one_to_five_leaves_the_server_in_any_view_or_export(w: &World) {
    // A real spread of small numbers: synthetic cases over our agency and two more.
    let coordinator = Auth::Staff(&w.us.coordinator, true);
    for name in ["Small Charity", "Tiny Clinic"] {
        let body = json!({"name": name, "kind": "voluntary_sector"}).to_string();
        assert_eq!(w.call("POST", "/api/v1/agencies", coordinator, Some(&body)).await.0, StatusCode::OK);
    }
    let agencies = w.db.agencies(&partnership_id(w).await).await.unwrap();
    let today = "2026-11-25".parse().unwrap();
    heard_server::demo::seed_synthetic(&w.db, &agencies, 120, 9, today).await.unwrap();
    let mut queries =
        vec![String::new(), "?from=2026-04-01&to=2026-06-30".into(), "?from=2026-01-01&to=2026-12-31".into(), "?from=2026-10-01&to=2026-10-31".into()];
    queries.extend(["early_years", "middle", "teen", "symbols"].map(|b| format!("?band={b}")));
    queries.extend(["send", "homeless", "early_help_assessment", "child_protection_plan", "young_carer"].map(|f| format!("?flag={f}")));
    queries.extend(agencies.iter().map(|a| format!("?agency={}&flag=send", a.id)));
    let (mut small_seen, mut refused) = (0, 0);
    for q in &queries {
        let (status, d) = w.call("GET", &format!("/api/v1/dashboard{q}"), Auth::Staff(&w.us.analyst, false), None).await;
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            // Too few to show: the export is refused alike.
            refused += 1;
            let t = format!("/api/v1/dashboard/export/voice_by_agency.csv{q}");
            assert_eq!(get_text(&w.db, &t, Auth::Staff(&w.us.analyst, false)).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{q}: {d}");
        for c in counts(&d) {
            match c.as_u64() {
                Some(1..=5) => panic!("a count of {c} left the server for {q:?}"),
                None => {
                    assert_eq!(c, "c", "a count is a number or \"c\"");
                    small_seen += 1;
                }
                _ => {}
            }
        }
        // Every export carries the same cells as the view.
        for t in d["tables"].as_array().unwrap() {
            let id = t["id"].as_str().unwrap();
            let url = format!("/api/v1/dashboard/export/{id}.csv{q}");
            let (status, _, csv) = get_text(&w.db, &url, Auth::Staff(&w.us.analyst, false)).await;
            assert_eq!(status, StatusCode::OK, "{url}: {csv}");
            let ncols = t["columns"].as_array().unwrap().len();
            let fig = usize::from(!t["figure"].is_null());
            for (i, line) in csv.lines().skip(1).take(t["rows"].as_array().unwrap().len()).enumerate() {
                // From the right: [figure], total, the cells (last first), then the heading.
                let parts: Vec<&str> = line.rsplitn(ncols + 2 + fig, ',').collect();
                let from_csv: Vec<&str> = parts[1 + fig..1 + fig + ncols].iter().rev().copied().collect();
                let cells: Vec<String> = t["counts"]["cells"][i].as_array().unwrap().iter().map(|c| c.to_string().trim_matches('"').to_string()).collect();
                assert_eq!(from_csv, cells, "{url} line {}", i + 2);
            }
        }
    }
    assert!(small_seen > 20, "the synthetic data should have made small cells to hide ({small_seen})");
    assert!(refused > 0 && refused < queries.len() / 2, "some narrow views are refused, most answered ({refused} of {})", queries.len());
}

async fn partnership_id(w: &World) -> String {
    let (_, agencies) = w.call("GET", "/api/v1/agencies", Auth::Staff(&w.us.coordinator, false), None).await;
    assert!(agencies.as_array().is_some_and(|a| !a.is_empty()));
    w.db.partnership_by_name("North").await.unwrap().expect("our partnership")
}

async fn as_coordinator(w: &World) -> (StatusCode, Value) {
    w.call("GET", "/api/v1/dashboard", Auth::Staff(&w.us.coordinator, false), None).await
}

async fn only_words_the_child_agreed_to_share_are_shown_and_never_with_their_case(w: &World) {
    let words = |n: u32, case: u32, share: bool, value: Value| {
        json!({
            "id": format!("00000000-0000-4000-8000-{n:012}"),
            "form_id": "middle-check", "form_version": 1, "lang": "en", "date": "2026-05-04",
            "answers": [{"question_id": "words", "value": value}],
            "share": share,
            "context": {"case": pseudonym(case), "age_band": "middle", "flags": no_flags(), "stage": "start"}
        })
        .to_string()
    };
    // Words kept private reach the server only as "own_words" (api.rs: the words are refused).
    ten_heard_seven_not(w).await;
    post_all(w, vec![words(1, 1, true, json!({"text": "Nobody asked me before"})), words(2, 2, false, json!("own_words"))]).await;
    let (_, d) = as_coordinator(w).await;
    let shared = d["shared"].as_array().unwrap();
    assert_eq!(shared.len(), 1, "{shared:?}");
    assert_eq!(shared[0]["words"], "Nobody asked me before");
    // Nothing beside it that narrows who said it: no date, agency or circumstance.
    let keys: Vec<&String> = shared[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["band", "drawing", "form_id", "form_version", "id", "part", "question_id", "words"], "{shared:?}");
    let text = d.to_string();
    assert!(!text.contains("own_words") && !text.contains("2026-05-04"));
    assert!(!text.contains(&pseudonym(1)) && !text.contains(&pseudonym(2)), "no case pseudonym on the dashboard");
    // Never to an analyst.
    assert_eq!(dashboard(w, "").await["shared"], json!([]));
    // In a view too narrow to show, nothing at all.
    let (status, _) = w.call("GET", "/api/v1/dashboard?from=2026-05-01&to=2026-05-31", Auth::Staff(&w.us.coordinator, false), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A coordinator hides it, for good (a rebuild of the summaries too); audited. Analysts cannot.
    let id = shared[0]["id"].as_str().unwrap().to_string();
    let hide = format!("/api/v1/dashboard/shared/{id}/hide");
    assert_eq!(w.call("POST", &hide, Auth::Staff(&w.us.analyst, true), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(w.call("POST", &hide, Auth::Staff(&w.them.coordinator, true), None).await.0, StatusCode::NOT_FOUND, "not theirs to hide");
    assert_eq!(w.call("POST", &hide, Auth::Staff(&w.us.coordinator, true), None).await.0, StatusCode::OK);
    assert_eq!(as_coordinator(w).await.1["shared"], json!([]));
    w.db.rebuild_summaries().await.unwrap();
    assert_eq!(as_coordinator(w).await.1["shared"], json!([]), "still hidden after a rebuild");
    let (_, audit) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "shared_hidden" && e["detail"] == id), "{audit}");
}

async fn filters_narrow_the_counts_and_bad_filters_are_named(w: &World) {
    ten_heard_seven_not(w).await;
    let total = |d: &Value| table(d, "voice_by_agency")["counts"]["total"].clone();
    assert_eq!(total(&exact(w, "").await), 17);
    assert_eq!(total(&exact(w, "?band=teen").await), 0);
    assert_eq!(total(&exact(w, "?flag=send").await), 7);
    assert_eq!(total(&exact(w, "?from=2026-03-01&to=2026-03-31").await), 17, "first heard of in March");
    assert_eq!(total(&exact(w, "?from=2026-04-01&to=2026-06-30").await), 0, "answered again in April, but first heard of in March");
    assert_eq!(total(&exact(w, &format!("?agency={}", w.us.agency_id)).await), 17);
    for (query, named) in [
        ("band=adult", "band"),
        ("from=2026-02-30", "from"),
        ("flag=x", "flag"),
        ("case=1", "case"),
        ("from=2026-05-01&to=2026-04-01", "to"),
        ("from=2026-03-02", "from, to"),
        ("to=2026-03-01", "from, to"),
        ("from=2026-03-01&to=2026-03-02", "from, to"),
    ] {
        let (status, json) = w.call("GET", &format!("/api/v1/dashboard?{query}"), Auth::Staff(&w.us.analyst, false), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {json}");
        assert!(json["detail"].as_str().unwrap().starts_with(named), "{query}: {json}");
    }
}

async fn exports_are_csv_audited_and_safe_in_a_spreadsheet(w: &World) {
    let body = json!({"name": "=HYPERLINK(\"http://x\")", "kind": "health"}).to_string();
    assert_eq!(w.call("POST", "/api/v1/agencies", Auth::Staff(&w.us.coordinator, true), Some(&body)).await.0, StatusCode::OK);
    ten_heard_seven_not(w).await;
    // March holds every case, so March alone would leave none out of its quarter: all time.
    let url = "/api/v1/dashboard/export/voice_by_agency.csv";
    let (status, content_type, csv) = get_text(&w.db, url, Auth::Staff(&w.us.analyst, false)).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "\u{feff}Agency,Heard,Not heard,Total,Share heard", "led by a byte-order mark for Excel");
    assert!(lines.iter().any(|l| l.starts_with("\"'=HYPERLINK(\"\"http://x\"\")\",0,0,0")), "{csv}");
    // North School: 10 heard, 7 not, each published within two of the truth.
    let north: Vec<&str> = lines.iter().find(|l| l.starts_with("North School,")).expect("North School's row").split(',').collect();
    for (shown, truth) in north[1..4].iter().zip([10, 7, 17]) {
        match shown.parse::<i64>() {
            Ok(n) => assert!((n - truth).abs() <= 2, "{n} for {truth}: {csv}"),
            // 7 may be published as 5: a "c".
            Err(_) => assert!(*shown == "c" && truth <= 7, "{shown} for {truth}: {csv}"),
        }
    }
    assert_eq!(lines[lines.len() - 1], "Filter,none: every case the partnership holds", "the file says which cases it counts: {csv}");
    let (_, audit) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    let export = audit.as_array().unwrap().iter().find(|e| e["action"] == "export").expect("the export is in the audit log");
    assert_eq!(export["actor"], "analyst@north.test");
    assert!(export["detail"].as_str().unwrap().contains("voice_by_agency (no filter)"), "{export}");
    // Not for devices or strangers; unknown tables are named.
    assert_eq!(get_text(&w.db, "/api/v1/dashboard/export/voice_by_agency.csv", Auth::Device(&w.us.device)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(get_text(&w.db, "/api/v1/dashboard/export/voice_by_agency.csv", Auth::Anonymous).await.0, StatusCode::UNAUTHORIZED);
    let (status, _, body) = get_text(&w.db, "/api/v1/dashboard/export/children.csv", Auth::Staff(&w.us.analyst, false)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("children"), "{body}");
}

async fn summaries_rebuilt_from_what_is_held_match_those_built_as_it_arrived(w: &World) {
    ten_heard_seven_not(w).await;
    let agencies = w.db.agencies(&partnership_id(w).await).await.unwrap();
    heard_server::demo::seed_synthetic(&w.db, &agencies, 60, 3, "2026-11-25".parse().unwrap()).await.unwrap();
    let before = dashboard(w, "").await;
    w.db.rebuild_summaries().await.unwrap();
    assert_eq!(dashboard(w, "").await, before);
}

async fn the_counted_cubes_agree_with_the_cases_for_any_dates_and_filters(w: &World) {
    // Synthetic cases over two years, some answered again later (moving between cube cells),
    // some closed, some known only by their outcome.
    let partnership = partnership_id(w).await;
    w.db.create_agency(&partnership, "South Health", heard_domain::access::AgencyKind::Health, heard_server::auth::now()).await.unwrap();
    let agencies = w.db.agencies(&partnership).await.unwrap();
    heard_server::demo::seed_synthetic(&w.db, &agencies, 400, 7, "2026-11-25".parse().unwrap()).await.unwrap();
    ten_heard_seven_not(w).await;
    let dates = [
        (None, None),
        (Some("2026-01-01"), Some("2026-12-31")),
        (Some("2025-04-01"), Some("2026-03-31")),
        (Some("2026-04-01"), Some("2026-06-30")),
        (Some("2026-03-01"), Some("2026-03-31")),
        (Some("2025-11-01"), Some("2025-11-30")),
    ];
    let mut compared = 0;
    for (from, to) in dates {
        for (band, flag, agency) in
            [(None, None, None), (Some(heard_domain::AgeBand::Teen), None, None), (None, Some(heard_domain::case::Flag::Send), Some(agencies[1].id.clone()))]
        {
            let filter = heard_domain::dashboard::Filter { from: from.map(|d| d.parse().unwrap()), to: to.map(|d| d.parse().unwrap()), band, flag, agency };
            // Protected alike (the cubes keep the same sums of record keys), thresholds aside.
            let read = |from_cases| heard_server::db::Read { from_cases, exact: false, checked: false };
            let cubes = w.db.dashboard_read(&partnership, filter.clone(), read(false)).await.unwrap();
            let cases = w.db.dashboard_read(&partnership, filter.clone(), read(true)).await.unwrap();
            assert_eq!(serde_json::to_value(&cubes).unwrap(), serde_json::to_value(&cases).unwrap(), "{filter:?}");
            compared += cubes.tables.iter().map(|t| t.counts.total.count().unwrap_or(0)).sum::<u64>();
        }
    }
    assert!(compared > 500, "the filters counted real cases ({compared})");
}

async fn each_stored_item_is_summarised_once_however_many_summarisers_run(w: &World) {
    // 27 responses and 10 outcomes, stored and queued.
    ten_heard_seven_not(w).await;
    // Three summarisers at once, as three server instances would run them.
    let (a, b, c) = tokio::join!(w.db.summarise_pending(), w.db.summarise_pending(), w.db.summarise_pending());
    assert_eq!(a.unwrap() + b.unwrap() + c.unwrap(), 37, "every item summarised, none twice");
    assert_eq!(w.db.summarise_pending().await.unwrap(), 0, "nothing left queued");
    // Sent again: already had, so nothing new is queued or counted.
    let again: Vec<String> = (1..=10).map(|case| check(case * 10, case, "2026-03-01", 1, no_flags())).collect();
    let (status, json) = w.post_batch(&w.batch(&again)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert!(json["results"].as_array().unwrap().iter().all(|r| r["status"] == "already_had"), "{json}");
    assert_eq!(w.db.summarise_pending().await.unwrap(), 0);
    let d = exact(w, "").await;
    assert_eq!(table(&d, "voice_by_agency")["counts"]["cells"], json!([[10, 7]]));
    assert_eq!(table(&d, "drift_by_agency")["counts"]["cells"][0], json!([0, 10, 0, 0]));
}

async fn summarising_for_a_read_stops_at_the_item_newest_when_it_began(w: &World) {
    assert_eq!(w.db.last_queued().await.unwrap(), None, "nothing queued yet");
    // 27 responses and 10 outcomes stored before the read, 3 more responses after it began.
    ten_heard_seven_not(w).await;
    let last = w.db.last_queued().await.unwrap().expect("items are queued");
    let later: Vec<String> = (21..=23).map(|case| check(case * 10, case, "2026-05-01", 2, no_flags())).collect();
    post_all(w, later).await;
    assert_eq!(w.db.summarise_through(last).await.unwrap(), 37, "exactly the items stored before");
    let d = exact(w, "").await;
    assert_eq!(table(&d, "voice_by_agency")["counts"]["cells"], json!([[13, 7]]), "a new read counts the later ones too");
    assert_eq!(w.db.summarise_pending().await.unwrap(), 0, "the read left nothing queued");
}

/// A database whose summaries are missing (as migration 0007 leaves one) has them rebuilt when
/// the server next starts.
async fn summaries_missing_at_start_are_rebuilt(backend: common::Backend) {
    let t = common::TestDb::new(backend).await;
    let w = World::new(&t.db).await;
    ten_heard_seven_not(&w).await;
    let before = dashboard(&w, "").await;
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    for table in ["cases", "case_cube", "drift_cube", "shared_words"] {
        sqlx::query(&format!("DELETE FROM {table}")).execute(&raw).await.unwrap();
    }
    raw.close().await;
    let (status, _) = w.call("GET", "/api/v1/dashboard", Auth::Staff(&w.us.analyst, false), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the summaries are gone: no cases to show");
    let restarted = heard_server::Db::connect(&t.url).await.unwrap();
    assert_eq!(dashboard(&w, "").await, before);
    restarted.close().await;
    t.finish().await;
}

on_each_backend!(restart: summaries_missing_at_start_are_rebuilt);

async fn imported_outcomes_are_kept_once_and_counted_with_the_cases(w: &World) {
    ten_heard_seven_not(w).await;
    // Cases 11 to 17 (not heard) and 30 to 35 (never seen by a tablet) closed, from the
    // case-management system.
    let outcomes: Vec<Value> = (11..=17)
        .chain(30..=35)
        .map(|case| {
            let id = heard_domain::import::import_id(
                &heard_domain::case::Pseudonym::try_from(pseudonym(case)).unwrap(),
                heard_domain::case::Outcome::SteppedUp,
                "2026-06-01".parse().unwrap(),
            );
            json!({"id": id, "case": pseudonym(case), "outcome": "stepped_up", "date": "2026-06-01"})
        })
        .collect();
    let body = json!({"key_fingerprint": w.us.fingerprint, "outcomes": outcomes}).to_string();
    let coordinator = Auth::Staff(&w.us.coordinator, true);
    let (status, reply) = w.call("POST", "/api/v1/outcomes/import", coordinator, Some(&body)).await;
    assert_eq!((status, reply.clone()), (StatusCode::OK, json!({"stored": 13, "already_had": 0})));
    let (_, again) = w.call("POST", "/api/v1/outcomes/import", coordinator, Some(&body)).await;
    assert_eq!(again, json!({"stored": 0, "already_had": 13}), "importing the same file twice keeps each once");
    let d = exact(w, "").await;
    let outcomes = table(&d, "outcomes_by_agency");
    assert_eq!(outcomes["counts"]["cells"][0][0], 10, "needs met, from the tablet");
    assert_eq!(outcomes["counts"]["cells"][0][2], 7, "stepped up, imported for North School's cases");
    assert_eq!(outcomes["rows"][1], json!({"key": "dash.row.no_agency"}), "cases 30 to 35 have no agency");
    assert_eq!(outcomes["counts"]["cells"][1][2], 6);
    assert_eq!(table(&d, "voice_by_agency")["counts"]["total"], 23, "17 cases and 6 known only by their outcome");
    // Another partnership's key, too many at once, or a changed field: refused, by name.
    let theirs = json!({"key_fingerprint": w.them.fingerprint, "outcomes": []}).to_string();
    let (status, json) = w.call("POST", "/api/v1/outcomes/import", coordinator, Some(&theirs)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["detail"].as_str().unwrap().contains("another partnership's key"), "{json}");
    let many: Vec<Value> = (0..501).map(|_| outcomes_one()).collect();
    let (status, json) =
        w.call("POST", "/api/v1/outcomes/import", coordinator, Some(&json!({"key_fingerprint": w.us.fingerprint, "outcomes": many}).to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["detail"].as_str().unwrap().starts_with("outcomes: at most 500"), "{json}");
    let (status, json) = w
        .call("POST", "/api/v1/outcomes/import", coordinator, Some(&format!(r#"{{"key_fingerprint":"{}","outcomes":[{{"case":"EH-1"}}]}}"#, w.us.fingerprint)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(json["detail"].as_str().unwrap().contains("outcomes[0]"), "{json}");
}

fn outcomes_one() -> Value {
    json!({"id": "00000000-0000-4000-8000-000000000001", "case": pseudonym(1), "outcome": "other", "date": "2026-01-01"})
}

/// Items arriving faster than they are summarised must not make a coordinator's read wait
/// without end: it waits a few seconds (here: not at all), answers with what is counted, and
/// says how many are still being added, on screen and in an export.
async fn a_read_that_cannot_wait_for_every_item_says_how_many_are_still_being_counted(w: &World) {
    ten_heard_seven_not(w).await;
    w.db.summarise_pending().await.unwrap();
    let impatient = w.db.clone().with_read_wait(std::time::Duration::ZERO);
    // Items stored since: a fast database can summarise a few within a read's first step even
    // with no wait, so each try stores 300 more, until a read and an export are both cut short.
    let (mut said, mut noted) = (false, false);
    for attempt in 0..5u32 {
        let later: Vec<String> = (0..300).map(|i| check(10_000 + attempt * 1000 + i, 1000 + attempt * 1000 + i, "2026-05-01", 2, no_flags())).collect();
        post_all(w, later).await;
        let (status, d) = common::call(&impatient, "GET", "/api/v1/dashboard", Auth::Staff(&w.us.analyst, false), None).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        let waiting = d["still_counting"].as_u64().unwrap();
        assert!(waiting <= 300 * (attempt as u64 + 1), "{waiting}");
        said |= waiting > 0;
        let (status, _, csv) = get_text(&impatient, "/api/v1/dashboard/export/voice_by_band.csv", Auth::Staff(&w.us.analyst, false)).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        noted |= csv.contains("are still being added to these figures");
        if said && noted {
            break;
        }
    }
    assert!(said && noted, "a read cut short says how many answers are still being added, on screen ({said}) and in an export ({noted})");
    // A read that may wait counts them all, and says nothing is waiting.
    let d = dashboard(w, "").await;
    assert_eq!(d["still_counting"], 0, "{}", d["still_counting"]);
    let (_, _, csv) = get_text(&w.db, "/api/v1/dashboard/export/voice_by_band.csv", Auth::Staff(&w.us.analyst, false)).await;
    assert!(!csv.contains("still being added"), "{csv}");
}

async fn a_case_erased_at_the_familys_request_is_gone_and_stays_gone(w: &World) {
    ten_heard_seven_not(w).await;
    // A conflicting copy of case 1's first response.
    let (_, json) = w.post_batch(&w.batch(&[check(10, 1, "2026-03-01", 3, no_flags())])).await;
    assert_eq!(json["results"][0]["status"], "conflict", "{json}");
    let erase = |who, case: u32| {
        let body = json!({"case": pseudonym(case)}).to_string();
        async move { w.call("POST", "/api/v1/cases/erase", who, Some(&body)).await }
    };
    // Only a coordinator, and only in their own partnership.
    assert_eq!(erase(Auth::Staff(&w.us.analyst, true), 1).await.0, StatusCode::FORBIDDEN);
    assert_eq!(erase(Auth::Staff(&w.them.coordinator, true), 1).await.1, json!({"responses": 0, "outcomes": 0, "conflicts": 0}));
    assert_eq!(table(&exact(w, "").await, "voice_by_agency")["counts"]["total"], 17, "another partnership's erasure touches nothing of ours");
    let (status, bad) = w.call("POST", "/api/v1/cases/erase", Auth::Staff(&w.us.coordinator, true), Some(r#"{"case":"EH-1"}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");

    let (status, erased) = erase(Auth::Staff(&w.us.coordinator, true), 1).await;
    assert_eq!(status, StatusCode::OK, "{erased}");
    assert_eq!(erased, json!({"responses": 2, "outcomes": 1, "conflicts": 1}));
    let d = exact(w, "").await;
    assert_eq!(table(&d, "voice_by_agency")["counts"]["cells"], json!([[9, 7]]), "case 1 is no longer counted");
    assert_eq!(table(&d, "outcomes_by_agency")["counts"]["cells"][0][0], 9);
    w.db.rebuild_summaries().await.unwrap();
    assert_eq!(table(&exact(w, "").await, "voice_by_agency")["counts"]["cells"], json!([[9, 7]]), "nothing left to rebuild it from");
    // A tablet that still holds answers or an outcome for the case is told, and nothing is kept.
    let (_, json) = w.post_batch(&w.batch(&[check(11, 1, "2026-04-01", 3, no_flags()), check(999, 2, "2026-04-01", 3, no_flags())])).await;
    assert_eq!(json["results"][0]["status"], "rejected", "{json}");
    assert!(json["results"][0]["reason"].as_str().unwrap().contains("erased at the family's request"), "{json}");
    assert_eq!(json["results"][1]["status"], "accepted", "another case's answer in the same batch is kept: {json}");
    let outcome = json!({"key_fingerprint": w.us.fingerprint, "outcomes": [{"id": "00000000-0000-4000-9000-000000000777", "case": pseudonym(1), "outcome": "other", "date": "2026-05-01"}]});
    let (_, json) = w.call("POST", "/api/v1/outcomes", Auth::Device(&w.us.device), Some(&outcome.to_string())).await;
    assert_eq!(json["results"][0]["status"], "rejected", "{json}");
    // Audited, with what was deleted and never the case.
    let (_, audit) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    let entry = audit.as_array().unwrap().iter().find(|e| e["action"] == "case_erased").expect("audited").to_string();
    assert!(entry.contains("2 responses, 1 outcomes and 1 conflicting copies deleted") && !entry.contains(&pseudonym(1)), "{entry}");
}

async fn cases_past_the_retention_period_go_and_their_counts_stay(w: &World) {
    // Twelve children first heard in January 2023, thirteen in March 2026.
    let mut items: Vec<String> = (1..=12).map(|case| check(case * 10, case, "2023-01-10", 3, no_flags())).collect();
    items.extend((13..=25).map(|case| check(case * 10, case, "2026-03-10", 2, no_flags())));
    post_all(w, items).await;
    post_outcomes(w, &[(1, "needs_met", "2023-02-01"), (13, "stepped_down", "2026-06-01")]).await;
    // The coordinator chooses the period; analysts cannot, and only the periods offered.
    let set = |who, months: u32| {
        let body = json!({ "months": months }).to_string();
        async move { w.call("POST", "/api/v1/retention", who, Some(&body)).await }
    };
    assert_eq!(w.call("GET", "/api/v1/retention", Auth::Staff(&w.us.analyst, false), None).await.1, json!({"months": 24}), "24 months unless chosen");
    assert_eq!(set(Auth::Staff(&w.us.analyst, true), 12).await.0, StatusCode::FORBIDDEN);
    let (status, refused) = set(Auth::Staff(&w.us.coordinator, true), 5).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(refused["detail"].as_str().unwrap().starts_with("months: 5"), "{refused}");
    assert_eq!(set(Auth::Staff(&w.us.coordinator, true), 24).await.1, json!({"months": 24}));

    let all = exact(w, "").await;
    let then = exact(w, "?from=2023-01-01&to=2023-12-31").await;
    let served = dashboard(w, "").await;
    assert_eq!(w.db.apply_retention("2026-11-25".parse().unwrap()).await.unwrap(), 12, "the cases last active in 2023");
    assert_eq!(w.held().await, 13, "their answers are deleted");
    // The figures stay: exactly, and as served (each cell's key kept with its count).
    assert_eq!(exact(w, "").await["tables"], all["tables"]);
    assert_eq!(exact(w, "?from=2023-01-01&to=2023-12-31").await["tables"], then["tables"]);
    assert_eq!(dashboard(w, "").await["tables"], served["tables"]);
    w.db.rebuild_summaries().await.unwrap();
    assert_eq!(exact(w, "").await["tables"], all["tables"], "a rebuild keeps the retired counts");
    assert_eq!(w.db.apply_retention("2026-11-25".parse().unwrap()).await.unwrap(), 0, "once");
    // A late answer for one of them is refused (it would be counted twice), by name.
    let (_, json) = w.post_batch(&w.batch(&[check(999, 1, "2026-11-01", 3, no_flags())])).await;
    assert_eq!(json["results"][0]["status"], "rejected", "{json}");
    assert!(json["results"][0]["reason"].as_str().unwrap().contains("retention period"), "{json}");
    let (_, audit) = w.call("GET", "/api/v1/audit", Auth::Staff(&w.us.coordinator, false), None).await;
    let entries: Vec<String> = audit.as_array().unwrap().iter().map(|e| e["detail"].to_string()).collect();
    assert!(entries.iter().any(|d| d.contains("12 cases past the retention period (24 months")), "{entries:?}");
    assert!(entries.iter().any(|d| d.contains("kept for 24 months")), "{entries:?}");
}
