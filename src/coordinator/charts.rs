//! SVG charts for the dashboard. Each is a picture of the table printed beside it (which is
//! its text alternative); colours come with a legend and every bar carries its numbers, so
//! no meaning rests on colour alone. A row whose total is hidden ("c") is not drawn; in a row
//! drawn, its hidden counts are one dashed part together (no secret: the table shows the row's
//! total and its other counts, so their sum can be worked out there anyway).

use crate::i18n::use_i18n;
use heard_domain::dashboard::{Label, Table};
use heard_domain::disclosure::Cell;
use leptos::prelude::*;

/// Colours that stay apart for the common colour-vision differences (Okabe and Ito).
const COLOURS: [&str; 9] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000", "#999999"];

/// The colour of column `c`: the same meaning keeps one colour in every chart (better green,
/// about the same grey, worse vermilion; heard blue, not heard orange); others by place.
fn colour(table: &Table, c: usize) -> &'static str {
    match &table.columns[c] {
        Label::Key(k) if k == "dash.col.heard" => "#0072b2",
        Label::Key(k) if k == "dash.col.not_heard" => "#e69f00",
        Label::Key(k) if k == "dash.col.better" => "#009e73",
        Label::Key(k) if k == "dash.col.same" => "#999999",
        Label::Key(k) if k == "dash.col.worse" => "#d55e00",
        _ => COLOURS[c % COLOURS.len()],
    }
}

/// Hidden counts: pale, with a dashed edge (`.chart-hidden-part`), unlike any colour above.
const HIDDEN_FILL: &str = "#f2f2f2";

const WIDTH: f64 = 640.0;
/// Each row: its heading on one line, its bar below.
const ROW: f64 = 44.0;
const BAR: f64 = 18.0;

/// One bar per row, split by column, as shares of the row.
#[component]
pub fn StackedBars(table: Table, title: String, words: Callback<String, String>) -> impl IntoView {
    let i18n = use_i18n();
    let height = ROW * table.rows.len() as f64 + 8.0;
    let bar = WIDTH - 2.0;
    // Whether a bar has a part for hidden counts, so the key names it.
    let mut drew_hidden = false;
    let rows = table
        .rows
        .iter()
        .enumerate()
        .map(|(r, label)| {
            let y = 4.0 + ROW * r as f64;
            let bar_y = y + 18.0;
            let name = label.text(&|k| words.run(k.to_string()));
            let cells = &table.counts.cells[r];
            let segments = match table.counts.row_totals[r] {
                Cell::Count(t) if t > 0 => {
                    let mut x = 1.0;
                    let mut part = |n: u64, fill: &'static str, dashed: bool, title: String| {
                        let w = bar * n as f64 / t as f64;
                        let seg = view! {
                            <rect x=x y=bar_y width=w height=BAR fill=fill class:chart-hidden-part=dashed>
                                <title>{title}</title>
                            </rect>
                        };
                        x += w;
                        seg
                    };
                    let mut parts: Vec<_> = cells
                        .iter()
                        .enumerate()
                        .filter_map(|(c, cell)| cell.count().filter(|n| *n > 0).map(|n| (c, n)))
                        .map(|(c, n)| part(n, colour(&table, c), false, format!("{}: {n}", table.columns[c].text(&|k| words.run(k.to_string())))))
                        .collect();
                    let hidden = t.saturating_sub(cells.iter().filter_map(|c| c.count()).sum());
                    if hidden > 0 {
                        drew_hidden = true;
                        parts.push(part(hidden, HIDDEN_FILL, true, i18n.t("dash.chart.hidden_part")));
                    }
                    parts.collect_view().into_any()
                }
                Cell::Count(_) => ().into_any(),
                _ => view! { <text x=1.0 y=bar_y + 14.0 class="chart-hidden">{i18n.t("dash.chart.hidden")}</text> }.into_any(),
            };
            view! {
                <text x=1.0 y=y + 13.0 class="chart-label">{name}</text>
                {segments}
            }
        })
        .collect_view();
    let legend = table
        .columns
        .iter()
        .enumerate()
        .map(|(c, label)| {
            view! {
                <li><span class="swatch" style:background=colour(&table, c)></span>{label.text(&|k| words.run(k.to_string()))}</li>
            }
        })
        .collect_view();
    let hidden_key = drew_hidden.then(|| {
        view! { <li><span class="swatch chart-hidden-part" style:background=HIDDEN_FILL></span>{i18n.t("dash.chart.hidden_part")}</li> }
    });
    let described = i18n.fill("dash.chart.label", &[("title", &title)]);
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=described width="100%">
                {rows}
            </svg>
            <ul class="legend" aria-label=i18n.t("dash.chart.legend")>{legend}{hidden_key}</ul>
        </figure>
    }
}
