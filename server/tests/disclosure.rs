//! The attack suite: an analyst who knows one child a little (their agency, that they are a
//! young carer, when they were first heard) tries, with nothing but the dashboard's own views
//! and exports, to learn what happened to them and how their rating moved; and to tie a small
//! group's shared words to them. On a seeded partnership with a planted single case and a
//! planted small group, on SQLite and PostgreSQL. Each attack is also run against the exact
//! counts (`Read::EXACT`, never served) to show it is a real attack: there it succeeds.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::{enrol_new_device, get_text, Auth, World};
use heard_domain::case::Flag;
use heard_domain::dashboard::Filter;
use heard_domain::disclosure::MIN_CASES;
use heard_domain::AgeBand;
use heard_server::db::Read;
use serde_json::{json, Value};

on_each_backend!(attacks:
    a_day_level_period_is_refused_and_neighbouring_months_do_not_isolate_a_child,
    no_two_answered_views_differ_by_fewer_than_ten_cases,
    the_planted_childs_outcome_is_not_recovered_from_any_view_or_combination,
    the_planted_childs_rating_change_is_not_recovered_from_the_means,
    asking_again_or_downloading_gives_the_same_answer,
    a_small_groups_shared_words_are_never_tied_to_fewer_than_ten,
    reads_are_audited_and_limited_per_person,
);

const OUTCOMES: [&str; 8] = ["needs_met", "stepped_down", "stepped_up", "child_protection", "specialist", "disengaged", "moved_away", "other"];
const BANDS: [&str; 4] = ["early_years", "middle", "teen", "symbols"];

/// A deterministic stream of numbers.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn pseudonym(case: u32) -> String {
    format!("{case:064x}")
}

fn flags(send: bool, homeless: bool, eha: bool, cpp: bool, carer: bool) -> Value {
    json!({"send": send, "homeless": homeless, "early_help_assessment": eha, "child_protection_plan": cpp, "young_carer": carer})
}

fn response(n: u32, case: u32, day: &str, face: u8, band: &str, flags: &Value) -> String {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "form_id": "early-years-check", "form_version": 1, "lang": "en", "date": day,
        "answers": [{"question_id": "home", "value": {"face": face}}],
        "share": false,
        "context": {"case": pseudonym(case), "age_band": band, "flags": flags, "stage": "start"}
    })
    .to_string()
}

fn words(n: u32, case: u32, day: &str, text: &str, flags: &Value) -> String {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "form_id": "middle-check", "form_version": 1, "lang": "en", "date": day,
        "answers": [{"question_id": "words", "value": {"text": text}}],
        "share": true,
        "context": {"case": pseudonym(case), "age_band": "symbols", "flags": flags, "stage": "start"}
    })
    .to_string()
}

fn day(unix: i64) -> String {
    heard_domain::Day::from_unix_days(unix).unwrap().to_string()
}

/// What the analyst attacks: the planted child, whom they know a little.
struct Planted {
    /// Tiny Clinic: the only young carer it has ever seen.
    agency: String,
    band: AgeBand,
    outcome: usize,
    change: f64,
}

struct Scene {
    t: common::TestDb,
    w: World,
    partnership: String,
    agencies: Vec<String>,
    target: Planted,
    /// The small group's words: three children at Tiny Clinic, homeless, in June 2026.
    group_words: Vec<String>,
}

/// A partnership of three agencies with 480 children over a year (the background), the planted
/// child and the planted small group. The server's secret is fixed, so the suite is the same
/// on every run (the protection does not rest on it: any secret gives the same guarantees).
async fn scene(backend: common::Backend) -> Scene {
    let t = common::TestDb::new(backend).await;
    let raw = sqlx::AnyPool::connect(&t.url).await.unwrap();
    sqlx::query("UPDATE server_secrets SET value = 'the attack suite''s fixed secret' WHERE name = 'record_keys'").execute(&raw).await.unwrap();
    raw.close().await;
    let db = heard_server::Db::connect(&t.url).await.unwrap();
    let w = World::new(&t.db).await.on(&db);
    let partnership = w.db.partnership_by_name("North").await.unwrap().unwrap();
    let now = heard_server::auth::now();
    let small = w.db.create_agency(&partnership, "Small Charity", heard_domain::access::AgencyKind::VoluntarySector, now).await.unwrap();
    let tiny = w.db.create_agency(&partnership, "Tiny Clinic", heard_domain::access::AgencyKind::Health, now).await.unwrap();
    let agencies = vec![w.us.agency_id.clone(), small.id.clone(), tiny.id.clone()];
    let devices =
        [w.us.device.clone(), enrol_new_device(&w.db, &w.us.coordinator, &small.id).await, enrol_new_device(&w.db, &w.us.coordinator, &tiny.id).await];

    // Per device: its responses and outcomes.
    let mut sent: Vec<(Vec<String>, Vec<Value>)> = vec![Default::default(); 3];
    let mut rng = Lcg(20_261_207);
    let start = "2025-10-01".parse::<heard_domain::Day>().unwrap().unix_days();
    let mut n = 0;
    let outcome_at = |case: u32, outcome: &str, when: i64| json!({"id": format!("00000000-0000-4000-9000-{case:012}"), "case": pseudonym(case), "outcome": outcome, "date": day(when)});
    for case in 1..=480u32 {
        let a = match rng.below(10) {
            0..=4 => 0,
            5..=7 => 1,
            _ => 2,
        };
        let mut first = start + rng.below(365) as i64;
        // The planted child is the only one first heard on 2 March 2026.
        if day(first) == "2026-03-02" {
            first += 1;
        }
        let band = BANDS[rng.below(4) as usize];
        // Tiny Clinic never sees a young carer but the planted child; Small Charity never a child on a plan.
        let f = flags(rng.below(5) == 0, rng.below(10) == 0, rng.below(3) == 0, a != 1 && rng.below(12) == 0, a != 2 && rng.below(12) == 0);
        for when in [first, first + 20] {
            n += 1;
            sent[a].0.push(response(n, case, &day(when), 1 + rng.below(3) as u8, band, &f));
        }
        if rng.below(4) > 0 {
            sent[a].1.push(outcome_at(case, OUTCOMES[rng.below(8) as usize], first + 40));
        }
    }
    // The planted child: Tiny Clinic's only young carer, first heard on 2 March 2026, a
    // teenager on a plan, faces 2 then 3 (a change of +5), stepped up.
    let target = Planted { agency: tiny.id.clone(), band: AgeBand::Teen, outcome: 2, change: 5.0 };
    let f = flags(false, false, false, true, true);
    sent[2].0.push(response(9001, 9001, "2026-03-02", 2, "teen", &f));
    sent[2].0.push(response(9002, 9001, "2026-04-20", 3, "teen", &f));
    sent[2].1.push(outcome_at(9001, OUTCOMES[target.outcome], "2026-05-01".parse::<heard_domain::Day>().unwrap().unix_days()));
    // The small group: three homeless children at Tiny Clinic in June 2026, who shared words.
    let group_words: Vec<String> = (1..=3).map(|i| format!("words only our group of three said, number {i}")).collect();
    let g = flags(false, true, false, false, false);
    for (i, text) in group_words.iter().enumerate() {
        let case = 9100 + i as u32;
        sent[2].0.push(words(case, case, "2026-06-10", text, &g));
    }
    for (k, (responses, outcomes)) in sent.iter().enumerate() {
        for chunk in responses.chunks(100) {
            let body = common::batch_with(&w.us.fingerprint, chunk);
            let (status, reply) = w.call("POST", "/api/v1/responses", Auth::Device(&devices[k]), Some(&body)).await;
            assert_eq!(status, StatusCode::OK, "{reply}");
        }
        for chunk in outcomes.chunks(100) {
            let body = json!({"key_fingerprint": w.us.fingerprint, "outcomes": chunk}).to_string();
            let (status, reply) = w.call("POST", "/api/v1/outcomes", Auth::Device(&devices[k]), Some(&body)).await;
            assert_eq!(status, StatusCode::OK, "{reply}");
        }
    }
    w.db.summarise_pending().await.unwrap();
    Scene { t, w, partnership, agencies, target, group_words }
}

impl Scene {
    async fn finish(self) {
        self.w.db.close().await;
        self.t.finish().await;
    }

    /// A view as the analyst gets it: `None` when it is refused as too small.
    async fn served(&self, filter: &Filter) -> Option<Value> {
        match self.w.db.dashboard(&self.partnership, filter.clone()).await {
            Ok(d) => Some(serde_json::to_value(d).unwrap()),
            Err(heard_server::db::DashboardError::TooFew(_)) => None,
            Err(e) => panic!("{e}"),
        }
    }

    /// The same view as the exact counts would give it, with no threshold: what an analyst
    /// would have had without disclosure control.
    async fn exact(&self, filter: &Filter) -> Option<Value> {
        Some(serde_json::to_value(self.w.db.dashboard_read(&self.partnership, filter.clone(), Read::EXACT).await.unwrap()).unwrap())
    }

    /// Every period the dashboard offers that holds the planted child's first day: the month,
    /// its quarter, the calendar and April-to-March years, and all time.
    fn periods(&self) -> Vec<(Option<&'static str>, Option<&'static str>)> {
        vec![
            (Some("2026-03-01"), Some("2026-03-31")),
            (Some("2026-01-01"), Some("2026-03-31")),
            (Some("2026-01-01"), Some("2026-12-31")),
            (Some("2025-04-01"), Some("2026-03-31")),
            (None, None),
        ]
    }

    /// Every view that holds the planted child: each period, with or without each thing the
    /// analyst knows of them (agency, band, each circumstance).
    fn views_with_target(&self) -> Vec<Filter> {
        let mut out = Vec::new();
        for (from, to) in self.periods() {
            for agency in [None, Some(self.target.agency.clone())] {
                for band in [None, Some(self.target.band)] {
                    for flag in [None, Some(Flag::YoungCarer), Some(Flag::ChildProtectionPlan)] {
                        out.push(Filter { from: from.map(|d| d.parse().unwrap()), to: to.map(|d| d.parse().unwrap()), agency: agency.clone(), band, flag });
                    }
                }
            }
        }
        out
    }
}

fn table<'a>(d: &'a Value, id: &str) -> &'a Value {
    d["tables"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap()
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// The index of an agency's row in a table, by the agency's name.
fn row_index(t: &Value, agency_name: &str) -> Option<usize> {
    t["rows"].as_array().unwrap().iter().position(|r| r["name"] == agency_name)
}

async fn a_day_level_period_is_refused_and_neighbouring_months_do_not_isolate_a_child(backend: common::Backend) {
    let s = scene(backend).await;
    // The attack that worked: to=1 March against to=2 March differ by exactly the child first
    // heard on 2 March. Both are refused now, by name, and so is every other day-level range.
    for q in ["to=2026-03-01", "to=2026-03-02", "from=2026-03-02&to=2026-03-02", "from=2026-03-01&to=2026-03-02", "from=2026-02-02&to=2026-03-01"] {
        let (status, json) = s.w.call("GET", &format!("/api/v1/dashboard?{q}"), Auth::Staff(&s.w.us.analyst, false), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {json}");
        assert!(json["detail"].as_str().unwrap().contains("single out one child"), "{q}: {json}");
        let (status, _, _) = get_text(&s.w.db, &format!("/api/v1/dashboard/export/outcomes_by_agency.csv?{q}"), Auth::Staff(&s.w.us.analyst, false)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "the export too: {q}");
    }
    // Without the rule, the two days give the child's outcome exactly.
    let upto = |d: &str| Filter { to: Some(d.parse().unwrap()), ..Filter::default() };
    let (a, b) = (s.exact(&upto("2026-03-01")).await.unwrap(), s.exact(&upto("2026-03-02")).await.unwrap());
    let col =
        |d: &Value| table(d, "outcomes_by_agency")["counts"]["column_totals"].as_array().unwrap().iter().map(|c| c.as_i64().unwrap_or(-99)).collect::<Vec<_>>();
    let diff: Vec<i64> = col(&b).iter().zip(col(&a)).map(|(b, a)| b - a).collect();
    let mut expect = vec![0; 8];
    expect[s.target.outcome] = 1;
    assert_eq!(diff, expect, "the exact counts of two neighbouring days give the planted child's outcome");
    s.finish().await;
}

/// Every view of the suite's space: each period the dashboard offers over the scene's year,
/// with any agency, band and circumstance.
fn all_views(s: &Scene) -> Vec<Filter> {
    let mut periods: Vec<(Option<String>, Option<String>)> = vec![(None, None)];
    for m in 0..12 {
        let first = heard_domain::dashboard::month_day(2025 * 12 + 9 + m).unwrap();
        periods.push((Some(first.to_string()), Some(first.last_of_month().to_string())));
    }
    for (f, t) in [("2025-10-01", "2025-12-31"), ("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-06-30"), ("2026-07-01", "2026-09-30")] {
        periods.push((Some(f.into()), Some(t.into())));
    }
    periods.push((Some("2026-01-01".into()), Some("2026-12-31".into())));
    periods.push((Some("2025-04-01".into()), Some("2026-03-31".into())));
    let mut out = Vec::new();
    for (from, to) in periods {
        for agency in std::iter::once(None).chain(s.agencies.iter().cloned().map(Some)) {
            for band in [None, Some(AgeBand::Teen), Some(AgeBand::Symbols)] {
                for flag in [None, Some(Flag::YoungCarer), Some(Flag::Homeless)] {
                    out.push(Filter {
                        from: from.as_ref().map(|d| d.parse().unwrap()),
                        to: to.as_ref().map(|d| d.parse().unwrap()),
                        agency: agency.clone(),
                        band,
                        flag,
                    });
                }
            }
        }
    }
    out
}

/// Whether every case `narrow` selects, `wide` selects too: the same or a wider period, and
/// each of its choices either the same or none.
fn within(narrow: &Filter, wide: &Filter) -> bool {
    let period = match (wide.from, wide.to) {
        (None, None) => true,
        (Some(f), Some(t)) => narrow.from.is_some_and(|nf| nf >= f) && narrow.to.is_some_and(|nt| nt <= t),
        _ => false,
    };
    period
        && (wide.agency.is_none() || wide.agency == narrow.agency)
        && (wide.band.is_none() || wide.band == narrow.band)
        && (wide.flag.is_none() || wide.flag == narrow.flag)
}

async fn no_two_answered_views_differ_by_fewer_than_ten_cases(backend: common::Backend) {
    // The rule behind every differencing attack: of two answered views, one inside the other,
    // the wider holds at least ten cases more (or the same cases), so their difference is never
    // one child, nor a few.
    let s = scene(backend).await;
    let views = all_views(&s);
    let mut answered = Vec::new();
    for v in &views {
        if s.served(v).await.is_some() {
            answered.push((v.clone(), s.w.db.view_cases(&s.partnership, v).await.unwrap()));
        }
    }
    assert!(answered.len() > 60 && answered.len() < views.len(), "{} of {} views answered", answered.len(), views.len());
    let mut pairs = 0;
    for (narrow, n) in &answered {
        assert!(*n >= MIN_CASES, "{narrow:?} answered with {n} cases");
        for (wide, m) in &answered {
            if narrow != wide && within(narrow, wide) {
                pairs += 1;
                assert!(m == n || m - n >= MIN_CASES, "{narrow:?} ({n} cases) and {wide:?} ({m}) differ by {}", m - n);
            }
        }
    }
    assert!(pairs > 200, "{pairs} nested pairs compared");
    // Without the thresholds, some pairs differ by one case.
    let mut thin = 0;
    for v in &views {
        let n = s.w.db.view_cases(&s.partnership, v).await.unwrap();
        for (_, wider) in v.wider() {
            let m = s.w.db.view_cases(&s.partnership, &wider).await.unwrap();
            if m > n && m - n < MIN_CASES && n > 0 {
                thin += 1;
            }
        }
    }
    assert!(thin > 10, "the space of views does hold thin differences for the thresholds to refuse ({thin})");
    s.finish().await;
}

/// A published count as the analyst reads it: its value, or 3 for a "c" (the middle of 1 to
/// 5), with the variance of what it may hide: 1.2 for the perturbation (the public table), and
/// 2 more for a "c" (1 to 5).
fn read_count(c: &Value) -> (f64, f64) {
    match c.as_f64() {
        Some(n) => (n, 1.2),
        None => (3.0, 3.2),
    }
}

/// The analyst's estimate of how many of the planted child's group (Tiny Clinic's young carers
/// in a view: only the child) had each outcome, from one view: the outcome column totals less
/// every other agency's row; and its variance.
fn outcome_estimate(d: &Value, tiny: &str) -> Option<(Vec<f64>, f64)> {
    let t = table(d, "outcomes_by_agency");
    let rows = t["rows"].as_array().unwrap();
    let at = row_index(t, tiny)?;
    let cells = t["counts"]["cells"].as_array().unwrap();
    let totals = t["counts"]["column_totals"].as_array().unwrap();
    let (mut est, mut var): (Vec<f64>, f64) = (totals.iter().map(|c| read_count(c).0).collect(), read_count(&totals[0]).1);
    for (r, _) in rows.iter().enumerate().filter(|(r, _)| *r != at) {
        for (c, v) in cells[r].as_array().unwrap().iter().enumerate() {
            let (n, v) = read_count(v);
            est[c] -= n;
            if c == 0 {
                var += v;
            }
        }
    }
    Some((est, var))
}

async fn the_planted_childs_outcome_is_not_recovered_from_any_view_or_combination(backend: common::Backend) {
    let s = scene(backend).await;
    let tiny = "Tiny Clinic";
    // Views where the child is the only one of Tiny Clinic's: those narrowed to young carers.
    let views: Vec<Filter> = s.views_with_target().into_iter().filter(|v| v.flag == Some(Flag::YoungCarer)).collect();
    // On the exact counts, every such view tells the outcome outright.
    let mut told = 0;
    for v in &views {
        if let Some((est, _)) = s.exact(v).await.as_ref().and_then(|d| outcome_estimate(d, tiny)) {
            let best = (0..8).max_by(|a, b| est[*a].total_cmp(&est[*b])).unwrap();
            told += usize::from(best == s.target.outcome && est[best] == 1.0);
        }
    }
    assert!(told >= 5, "the attack works on exact counts ({told} views give the outcome outright)");
    // As served: each view either refused, or its estimate noisy; all of them averaged.
    let (mut sum, mut used, mut variance) = (vec![0.0; 8], 0, 0.0);
    for v in &views {
        let Some(d) = s.served(v).await else { continue };
        // The child's own agency's row, where it is alone, shows nothing at all.
        let t = table(&d, "outcomes_by_agency");
        if let Some(at) = row_index(t, tiny) {
            if v.agency.is_none() {
                assert!(t["counts"]["cells"][at].as_array().unwrap().iter().all(|c| c == "c"), "a row of one child shows no counts: {v:?}");
            }
        }
        if let Some((est, var)) = outcome_estimate(&d, tiny) {
            used += 1;
            variance += var;
            sum.iter_mut().zip(&est).for_each(|(s, e)| *s += e);
        }
    }
    assert!(used > 0, "some views were answered and attacked");
    let mean: Vec<f64> = sum.iter().map(|s| s / used as f64).collect();
    let mut order: Vec<usize> = (0..8).collect();
    order.sort_by(|a, b| mean[*b].total_cmp(&mean[*a]));
    // The standard error of the mean of `used` estimates, each of the variance it reads.
    let se = variance.sqrt() / used as f64;
    let margin = (mean[order[0]] - mean[order[1]]) / se;
    eprintln!("outcome attack: {used} views, best guess {} (truth {}), margin {margin:.2} standard errors: {mean:?}", order[0], s.target.outcome);
    assert!(margin < 3.0, "the analyst would single out outcome {} with a margin of {margin:.1} standard errors", order[0]);
    s.finish().await;
}

async fn the_planted_childs_rating_change_is_not_recovered_from_the_means(backend: common::Backend) {
    // n·m₂ − (n−1)·m₁ needs two answered views that differ by the child alone: there are none
    // (`no_two_answered_views_differ_by_fewer_than_ten_cases`). Within a view, the total's mean
    // less the other agencies' means is what is left: the child's change, if the means were
    // exact. On the exact means it is close; served, the means say nothing of the child's row.
    let s = scene(backend).await;
    let tiny = "Tiny Clinic";
    let views: Vec<Filter> = s.views_with_target().into_iter().filter(|v| v.flag == Some(Flag::YoungCarer) && v.agency.is_none()).collect();
    let estimate = |d: &Value| -> Option<f64> {
        let t = table(d, "change_by_agency");
        let at = row_index(t, tiny)?;
        let n = |c: &Value| num(c);
        let mean = |f: &Value| f["value"].as_f64();
        let mut est = n(&t["counts"]["total"])? * mean(&t["total_figure"])?;
        for (r, total) in t["counts"]["row_totals"].as_array().unwrap().iter().enumerate().filter(|(r, _)| *r != at) {
            let count = n(total)?;
            if count > 0.0 {
                est -= count * mean(&t["figures"][r])?;
            }
        }
        Some(est)
    };
    // On the exact means, the identity gives the child's change outright.
    let mut exact = 0;
    for v in &views {
        if let Some(e) = s.exact(v).await.as_ref().and_then(estimate) {
            assert!((e - s.target.change).abs() < 1e-6, "{v:?}: {e}");
            exact += 1;
        }
    }
    assert!(exact >= 5, "the attack works on exact means ({exact} views)");
    // Each estimate: the value, and how many published sums it rests on.
    let mut served = Vec::new();
    for v in &views {
        let Some(d) = s.served(v).await else { continue };
        if let Some(e) = estimate(&d) {
            let t = table(&d, "change_by_agency");
            let terms = 1 + t["counts"]["row_totals"].as_array().unwrap().iter().filter(|c| c.as_u64().is_some_and(|n| n > 0)).count();
            served.push((e, terms));
        }
        // Tiny Clinic's own row never shows a mean for one child.
        let t = table(&d, "change_by_agency");
        let at = row_index(t, tiny).unwrap();
        assert!(t["figures"][at].is_null(), "{v:?}: {}", t["figures"][at]);
    }
    // Each published sum is moved uniformly by up to CHANGE_SUM_SPREAD (variance spread²/3):
    // the standard error of the average estimate, and how far it is from saying better or worse.
    let spread = heard_domain::dashboard::CHANGE_SUM_SPREAD;
    let n = served.len() as f64;
    let avg = served.iter().map(|(e, _)| e).sum::<f64>() / n.max(1.0);
    let se = (served.iter().map(|(_, k)| *k as f64).sum::<f64>() * spread * spread / 3.0).sqrt() / n.max(1.0);
    eprintln!("change attack: {} estimates from served means, average {avg:.1} (truth {}), standard error {se:.1}: {served:?}", served.len(), s.target.change);
    assert!(served.is_empty() || avg.abs() < 2.0 * se, "the analyst would say the child's rating moved by {avg:.1} (standard error {se:.1})");
    s.finish().await;
}

async fn reads_are_audited_and_limited_per_person(backend: common::Backend) {
    let s = scene(backend).await;
    let read = |who| s.w.call("GET", "/api/v1/dashboard", who, None);
    for _ in 0..heard_domain::dashboard::READS_PER_HOUR {
        assert_eq!(read(Auth::Staff(&s.w.us.analyst, false)).await.0, StatusCode::OK);
    }
    let (status, json) = read(Auth::Staff(&s.w.us.analyst, false)).await;
    assert_eq!((status, json["error"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_reads")), "{json}");
    let (status, _, _) = get_text(&s.w.db, "/api/v1/dashboard/export/voice_by_band.csv", Auth::Staff(&s.w.us.analyst, false)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "exports count too");
    assert_eq!(read(Auth::Staff(&s.w.us.coordinator, false)).await.0, StatusCode::OK, "one person's reads, not everyone's");
    let (_, audit) = s.w.call("GET", "/api/v1/audit", Auth::Staff(&s.w.us.coordinator, false), None).await;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "dashboard" && e["actor"] == "analyst@north.test" && e["detail"] == "no filter"));
    s.finish().await;
}

async fn asking_again_or_downloading_gives_the_same_answer(backend: common::Backend) {
    // Averaging learns nothing: the same view, asked again, in another order or as CSV, gives
    // the same numbers.
    let s = scene(backend).await;
    let q = "from=2026-01-01&to=2026-12-31&band=teen";
    let url = format!("/api/v1/dashboard?{q}");
    let call = || s.w.call("GET", &url, Auth::Staff(&s.w.us.analyst, false), None);
    let (status, first) = call().await;
    assert_eq!(status, StatusCode::OK, "{first}");
    for _ in 0..5 {
        assert_eq!(call().await.1, first);
    }
    let (_, _, csv) = get_text(&s.w.db, &format!("/api/v1/dashboard/export/outcomes_by_agency.csv?{q}"), Auth::Staff(&s.w.us.analyst, false)).await;
    let t = table(&first, "outcomes_by_agency");
    for (r, row) in t["counts"]["cells"].as_array().unwrap().iter().enumerate() {
        let line = csv.lines().nth(r + 1).unwrap();
        let shown: Vec<String> = row.as_array().unwrap().iter().map(|c| c.to_string().trim_matches('"').to_string()).collect();
        assert!(line.contains(&shown.join(",")), "{line} against {shown:?}");
    }
    // A rebuild of every summary keeps every cell's key: the same answers again.
    s.w.db.rebuild_summaries().await.unwrap();
    assert_eq!(call().await.1, first);
    // Every read is in the audit log, with the view asked for.
    let (_, audit) = s.w.call("GET", "/api/v1/audit", Auth::Staff(&s.w.us.coordinator, false), None).await;
    let reads = audit.as_array().unwrap().iter().filter(|e| e["action"] == "dashboard" && e["actor"] == "analyst@north.test" && e["detail"] == q).count();
    assert_eq!(reads, 7);
    s.finish().await;
}

async fn a_small_groups_shared_words_are_never_tied_to_fewer_than_ten(backend: common::Backend) {
    let s = scene(backend).await;
    let mut seen_in = 0;
    for v in all_views(&s) {
        // As a coordinator gets it (the only role shown what children said).
        let Some(d) = s.served(&v).await else { continue };
        let text = d["shared"].to_string();
        if s.group_words.iter().any(|g| text.contains(g.as_str())) {
            seen_in += 1;
            let n = s.w.db.view_cases(&s.partnership, &v).await.unwrap();
            assert!(n >= MIN_CASES, "{v:?}: the group's words shown in a view of {n} cases");
            for item in d["shared"].as_array().unwrap() {
                for key in ["month", "day", "date", "agency", "agency_id", "flags"] {
                    assert!(item.get(key).is_none(), "{key} beside a shared item: {item}");
                }
            }
        }
    }
    assert!(seen_in > 0, "the group's words are shown in some views");
    // The view that is the group (Tiny Clinic's homeless children in June) is refused.
    let q = format!("from=2026-06-01&to=2026-06-30&agency={}&flag=homeless", s.target.agency);
    assert_eq!(s.w.call("GET", &format!("/api/v1/dashboard?{q}"), Auth::Staff(&s.w.us.coordinator, false), None).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    s.finish().await;
}
