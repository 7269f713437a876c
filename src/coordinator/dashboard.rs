//! The dashboard: filters, then each of the audit's questions as a chart and a table (with a
//! CSV download of the same suppressed table), then what children agreed to share.

use super::charts::StackedBars;
use super::problem_text;
use crate::components::DrawingImage;
use crate::i18n::{use_i18n, I18n};
use crate::sync;
use heard_domain::case::Flag;
use heard_domain::dashboard::{month_day, Dashboard, Figure, Filter, Shared, Table, EXPORT_PATH};
use heard_domain::disclosure::{Cell, Shown};
use heard_domain::wire::ErrorCode;
use heard_domain::AgeBand;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The sections of the dashboard, each a question from the audit, with its tables.
const SECTIONS: [(&str, &[&str]); 5] = [
    ("voice", &["voice_by_agency", "voice_by_band", "voice_by_flag"]),
    ("outcomes", &["outcomes_by_agency", "change_by_outcome", "change_by_agency"]),
    ("focus", &["focus_voice", "focus_outcomes", "focus_change"]),
    ("drift", &["drift_by_agency", "drift_focus"]),
    ("said", &[]),
];

#[derive(Clone, Debug, PartialEq)]
enum Loaded {
    Loading,
    Ready(Box<Dashboard>),
    Failed(String),
}

/// `csrf`: a coordinator's, who may hide what a child shared; none for an analyst.
#[component]
pub fn DashboardView(csrf: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(Filter::default());
    let loaded = RwSignal::new(Loaded::Loading);
    // The agencies, once known, for the filter.
    let agencies = RwSignal::new(Vec::<(String, String)>::new());
    let load = move || {
        loaded.set(Loaded::Loading);
        let query = filter.get_untracked().to_query();
        spawn_local(async move {
            match sync::dashboard(&query).await {
                Ok(d) => {
                    agencies.set(d.agencies.iter().map(|a| (a.id.clone(), a.name.clone())).collect());
                    loaded.set(Loaded::Ready(Box::new(d)));
                }
                // A view too narrow to show safely, or too many reads: said in the coordinator's words.
                Err(e) if e.code() == Some(ErrorCode::TooFewCases) => loaded.set(Loaded::Failed(i18n.t("dash.too_few"))),
                Err(e) if e.code() == Some(ErrorCode::TooManyReads) => loaded.set(Loaded::Failed(i18n.t("dash.too_many_reads"))),
                Err(e) => loaded.set(Loaded::Failed(problem_text(&i18n, e))),
            }
        });
    };
    load();
    let held = RwSignal::new(None::<heard_domain::wire::Stats>);
    spawn_local(async move { held.set(sync::fetch_stats().await.ok()) });
    let count = move |n: fn(&heard_domain::wire::Stats) -> u64| move || held.get().map_or_else(|| i18n.t("coord.loading"), |s| n(&s).to_string());
    view! {
        <dl class="stats">
            <dt>{move || i18n.t("coord.held")}</dt>
            <dd data-testid="responses-held">{count(|s| s.responses)}</dd>
            <dt>{move || i18n.t("coord.outcomes")}</dt>
            <dd data-testid="outcomes-held">{count(|s| s.outcomes)}</dd>
        </dl>
        <Filters filter agencies on_apply=Callback::new(move |()| load()) />
        <p class="suppression-note">{move || i18n.t("dash.c_means")}</p>
        {move || match loaded.get() {
            Loaded::Loading => view! { <p role="status">{i18n.t("dash.loading")}</p> }.into_any(),
            Loaded::Failed(text) => view! { <p role="alert" class="problem">{text}</p> }.into_any(),
            Loaded::Ready(d) => view! { <Views dashboard=*d csrf=csrf.clone() /> }.into_any(),
        }}
    }
}

#[component]
fn Filters(filter: RwSignal<Filter>, agencies: RwSignal<Vec<(String, String)>>, on_apply: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let choose = |v: String| (!v.is_empty()).then_some(v);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_apply.run(());
    };
    // A period is a value "from/to" (`periods`); all time is empty.
    let pick_period = move |v: String| {
        let (from, to) = v.split_once('/').map_or((None, None), |(f, t)| (f.parse().ok(), t.parse().ok()));
        filter.update(|f| (f.from, f.to) = (from, to));
    };
    view! {
        <form class="filters" on:submit=submit aria-label=move || i18n.t("dash.filters")>
            <div>
                <label for="f-period">{move || i18n.t("dash.filter.period")}</label>
                <select id="f-period" aria-describedby="dates-hint" on:change=move |ev| pick_period(event_target_value(&ev))>
                    <option value="">{move || i18n.t("dash.filter.all_time")}</option>
                    {move || periods(&i18n)}
                </select>
            </div>
            <div>
                <label for="f-agency">{move || i18n.t("dash.by.agency")}</label>
                <select id="f-agency" on:change=move |ev| filter.update(|f| f.agency = choose(event_target_value(&ev)))>
                    <option value="">{move || i18n.t("dash.filter.all_agencies")}</option>
                    {move || agencies.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-band">{move || i18n.t("dash.by.band")}</label>
                <select id="f-band" on:change=move |ev| filter.update(|f| f.band = AgeBand::parse(&event_target_value(&ev)))>
                    <option value="">{move || i18n.t("dash.filter.all_bands")}</option>
                    {AgeBand::ALL.map(|b| view! { <option value=b.code()>{move || i18n.t(&format!("forms.band.{}", b.code()))}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-flag">{move || i18n.t("dash.by.flag")}</label>
                <select id="f-flag" on:change=move |ev| filter.update(|f| f.flag = Flag::parse(&event_target_value(&ev)))>
                    <option value="">{move || i18n.t("dash.filter.all_children")}</option>
                    {Flag::ALL.map(|fl| view! { <option value=fl.code()>{move || i18n.t(&format!("session.flag.{}", fl.code()))}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="primary">{move || i18n.t("dash.filter.apply")}</button>
            <p id="dates-hint" class="filter-hint">{move || i18n.t("dash.filter.dates_hint")}</p>
        </form>
    }
}

/// The periods the dashboard answers for, up to this month, newest year first: each year's
/// whole year, its April-to-March year, its quarters and its months, grouped by year.
fn periods(i18n: &I18n) -> impl IntoView {
    let now = crate::device::today().month_number();
    let month = |m: i64| i18n.t(&format!("month.{}", m.rem_euclid(12) + 1));
    let option = move |first: i64, months: i64, label: String| {
        let (Some(from), Some(last)) = (month_day(first), month_day(first + months - 1)) else { return None };
        (first <= now).then(|| view! { <option value=format!("{from}/{}", last.last_of_month())>{label}</option> })
    };
    let year_of = |m: i64| m.div_euclid(12);
    (0..3)
        .map(|back| {
            let year = year_of(now) - back;
            let jan = year * 12;
            let mut options = vec![option(jan, 12, i18n.fill("dash.period.year", &[("year", &year.to_string())]))];
            let fy = i18n.fill("dash.period.range", &[("from", &format!("{} {year}", month(jan + 3))), ("to", &format!("{} {}", month(jan + 14), year + 1))]);
            options.push(option(jan + 3, 12, fy));
            for q in (0..4).rev() {
                let first = jan + q * 3;
                options.push(option(first, 3, i18n.fill("dash.period.range", &[("from", &month(first)), ("to", &format!("{} {year}", month(first + 2)))])));
            }
            for m in (0..12).rev() {
                options.push(option(jan + m, 1, format!("{} {year}", month(jan + m))));
            }
            view! { <optgroup label=year.to_string()>{options.into_iter().flatten().collect_view()}</optgroup> }
        })
        .collect_view()
}

fn words(i18n: I18n) -> Callback<String, String> {
    Callback::new(move |key: String| i18n.t(&key))
}

#[component]
fn Views(dashboard: Dashboard, csrf: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let query = dashboard.filter.to_query();
    let sections = SECTIONS
        .iter()
        .map(|(section, ids)| {
            let tables = ids
                .iter()
                .filter_map(|id| dashboard.tables.iter().find(|t| t.id.code() == *id).cloned())
                .map(|t| view! { <TableView table=t query=query.clone() /> })
                .collect_view();
            let heading = format!("dash.section.{section}");
            let intro = format!("dash.section.{section}.intro");
            // What children said is shown to coordinators only (the server sends analysts none).
            let said = (*section == "said").then(|| match csrf.clone() {
                Some(csrf) => view! { <SharedWords shared=dashboard.shared.clone() csrf=Some(csrf) /> }.into_any(),
                None => view! { <p>{i18n.t("dash.said.coordinators_only")}</p> }.into_any(),
            });
            view! {
                <section class="dash-section" aria-labelledby=format!("s-{section}")>
                    <h2 id=format!("s-{section}")>{i18n.t(&heading)}</h2>
                    <p>{i18n.t(&intro)}</p>
                    {tables}
                    {said}
                </section>
            }
        })
        .collect_view();
    // Answers arriving faster than they are counted: the figures say they are not final yet.
    let still = (dashboard.still_counting > 0)
        .then(|| view! { <p role="status" class="notice">{i18n.fill("dash.still_counting", &[("n", &dashboard.still_counting.to_string())])}</p> });
    view! { <div class="dashboard">{still}{sections}</div> }
}

fn figure_text(i18n: &I18n, figure: Figure, value: Option<Shown>) -> String {
    let text = heard_domain::dashboard::figure_text(value, figure, &|k| i18n.t(k));
    match (value, figure) {
        // A figure over a hidden count is not shown, and says so (a dash reads as nothing).
        (None, _) => i18n.t("dash.figure.not_shown"),
        (Some(_), Figure::MedianDays) => i18n.fill("dash.days", &[("n", &text)]),
        _ => text,
    }
}

#[component]
fn TableView(table: Table, query: String) -> impl IntoView {
    let i18n = use_i18n();
    let words = words(i18n);
    let code = table.id.code();
    let title = i18n.t(&table.id.title_key());
    let heading_id = format!("t-{code}");
    let (region_label, table_label) = (heading_id.clone(), heading_id.clone());
    let text = move |l: &heard_domain::dashboard::Label| l.text(&|k| i18n.t(k));
    let cell = |c: &Cell| view! { <td class=matches!(c, Cell::Suppressed).then_some("hidden")>{c.to_string()}</td> };
    let head = view! {
        <tr>
            <th scope="col">{i18n.t(&table.rows_are)}</th>
            {table.columns.iter().map(|c| view! { <th scope="col">{text(c)}</th> }).collect_view()}
            <th scope="col">{i18n.t("dash.col.total")}</th>
            {table.figure.map(|f| view! { <th scope="col">{i18n.t(f.key())}</th> })}
        </tr>
    };
    let body = table
        .rows
        .iter()
        .enumerate()
        .map(|(r, label)| {
            view! {
                <tr>
                    <th scope="row">{text(label)}</th>
                    {table.counts.cells[r].iter().map(cell).collect_view()}
                    {cell(&table.counts.row_totals[r])}
                    {table.figure.map(|f| view! { <td>{figure_text(&i18n, f, table.figures[r])}</td> })}
                </tr>
            }
        })
        .collect_view();
    let foot = (!table.rows_overlap).then(|| {
        view! {
            <tfoot>
                <tr>
                    <th scope="row">{i18n.t("dash.col.total")}</th>
                    {table.counts.column_totals.iter().map(cell).collect_view()}
                    {cell(&table.counts.total)}
                    {table.figure.map(|f| view! { <td>{figure_text(&i18n, f, table.total_figure)}</td> })}
                </tr>
            </tfoot>
        }
    });
    let href = if query.is_empty() { format!("{EXPORT_PATH}/{code}.csv") } else { format!("{EXPORT_PATH}/{code}.csv?{query}") };
    let download = i18n.fill("dash.download", &[("title", &title)]);
    view! {
        <div class="dash-table">
            <h3 id=heading_id>{title.clone()}</h3>
            <StackedBars table=table.clone() title=title.clone() words />
            // A wide table scrolls on its own; keyboard users reach it with Tab (WCAG 2.1.1).
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby=region_label>
                <table aria-labelledby=table_label>
                    <thead>{head}</thead>
                    <tbody>{body}</tbody>
                    {foot}
                </table>
            </div>
            <a class="download" href=href download="">{download}</a>
        </div>
    }
}

#[component]
fn SharedWords(shared: Vec<Shared>, csrf: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let catalogue = crate::forms::catalogue();
    if shared.is_empty() {
        return view! { <p>{i18n.t("dash.said.none")}</p> }.into_any();
    }
    // Items a coordinator hid in this view, and what went wrong hiding one.
    let hidden = RwSignal::new(Vec::<String>::new());
    let problem = RwSignal::new(None::<String>);
    let lang = i18n.lang.get_untracked();
    let items = shared
        .into_iter()
        .map(|s| {
            let prompt =
                catalogue.get(&s.form_id, s.form_version).and_then(|f| f.question(&s.question_id)).map(|q| q.prompt.get(&lang).to_string()).unwrap_or_default();
            let part = s.part.as_ref().map(|p| i18n.t(&format!("houses.{p}")));
            let context = i18n.t(&format!("forms.band.{}", s.band.code()));
            let label = i18n.fill("dash.said.drawing", &[("prompt", &prompt)]);
            let id = s.id.clone();
            let hide = csrf.clone().map(|csrf| {
                let id = id.clone();
                let click = move |_| {
                    let (csrf, id) = (csrf.clone(), id.clone());
                    spawn_local(async move {
                        match sync::hide_shared(&csrf, &id).await {
                            Ok(_) => hidden.update(|h| h.push(id)),
                            Err(e) => problem.set(Some(problem_text(&i18n, e))),
                        }
                    });
                };
                view! { <button type="button" on:click=click aria-label=i18n.fill("dash.said.hide_named", &[("prompt", &prompt)])>{i18n.t("dash.said.hide")}</button> }
            });
            view! {
                <li class="shared" hidden=move || hidden.with(|h| h.contains(&id))>
                    <p class="prompt">{prompt.clone()}{part.map(|p| format!(" · {p}"))}</p>
                    {s.words.map(|w| view! { <blockquote>{w}</blockquote> })}
                    {s.drawing.and_then(|d| heard_domain::Drawing::decode(&d).ok()).map(|drawing| view! { <DrawingImage drawing label /> })}
                    <p class="context">{context}</p>
                    {hide}
                </li>
            }
        })
        .collect_view();
    view! {
        <p role="status" class="problem">{move || problem.get()}</p>
        <ul class="shared-list" aria-label=i18n.t("dash.said.list")>{items}</ul>
    }
    .into_any()
}
