//! Outcome import: the coordinator picks a CSV from the case-management system; it is read
//! here, every problem line shown in plain words; then each case reference is pseudonymised
//! in this browser with the partnership key (as tablets do) and only pseudonyms are sent, in
//! batches, with a progress bar. Importing the same file again stores nothing twice.

use super::problem_text;
use crate::crypto::HmacKey;
use crate::i18n::{use_i18n, I18n};
use crate::sync;
use heard_domain::case::Pseudonym;
use heard_domain::import::{import_id, preview, ImportOutcomes, ImportRow, Preview, MAX_IMPORT_BATCH};
use heard_domain::wire::OutcomeV1;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// Problem lines listed at most (the count says how many there are).
const SHOWN_PROBLEMS: usize = 100;

#[derive(Clone, Debug, PartialEq)]
enum Progress {
    Idle,
    Running { done: usize, total: usize },
    Finished { stored: u64, already_had: u64 },
    Failed { done: usize, message: String },
}

#[component]
pub fn ImportView(csrf: String, fingerprint: String, held: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let read = RwSignal::new(None::<Result<Preview, String>>);
    let progress = RwSignal::new(Progress::Idle);
    let csrf = StoredValue::new(csrf);
    let fingerprint = StoredValue::new(fingerprint);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        progress.set(Progress::Idle);
        spawn_local(async move {
            let result = match crate::device::read_chosen_file(&input).await {
                None => Err(i18n.t("import.unreadable")),
                Some(text) => preview(&text, crate::device::today()).map_err(|e| {
                    let (key, values) = e.words();
                    i18n.fill("import.file_problem", &[("detail", &said(&i18n, key, &values))])
                }),
            };
            read.set(Some(result));
        });
    };
    let running = move || matches!(progress.get(), Progress::Running { .. });
    let start = move |_| {
        if untrack(running) {
            return;
        }
        let Some(Ok(p)) = read.get_untracked() else { return };
        spawn_local(async move {
            let Some(hmac) = super::key::held(&fingerprint.get_value()).await else {
                held.set(false);
                progress.set(Progress::Failed { done: 0, message: i18n.t("import.need_key") });
                return;
            };
            send_all(i18n, p.rows, hmac, csrf.get_value(), fingerprint.get_value(), progress).await
        });
    };
    view! {
        <section aria-labelledby="h-import">
            <h2 id="h-import">{move || i18n.t("import.title")}</h2>
            <p>{move || i18n.t("import.intro")}</p>
            {move || (!held.get()).then(|| view! { <p class="notice">{i18n.t("import.need_key")}</p> })}
            <label for="import-file">{move || i18n.t("import.file")}</label>
            <input id="import-file" type="file" accept=".csv,text/csv" on:change=on_file />
            {move || match read.get() {
                None => ().into_any(),
                Some(Err(message)) => view! { <p role="alert" class="problem">{message}</p> }.into_any(),
                Some(Ok(p)) => {
                    let ready = p.rows.len();
                    let problems = p.problems.len();
                    let listed = p.problems.iter().take(SHOWN_PROBLEMS).map(|x| {
                        let (key, values) = x.problem.words();
                        view! { <li>{i18n.fill("import.line", &[("line", &x.line.to_string()), ("problem", &said(&i18n, key, &values))])}</li> }
                    }).collect_view();
                    view! {
                        <p role="status" class="import-summary">{i18n.fill("import.ready", &[("n", &ready.to_string()), ("bad", &problems.to_string())])}</p>
                        {(problems > 0).then(|| view! {
                            <h3 id="h-problems">{i18n.t("import.problems")}</h3>
                            <ul aria-labelledby="h-problems" class="problem-lines">{listed}</ul>
                            {(problems > SHOWN_PROBLEMS).then(|| view! { <p>{i18n.fill("import.more", &[("n", &(problems - SHOWN_PROBLEMS).to_string())])}</p> })}
                        })}
                        // Busy while importing, but not disabled: a disabled button drops the
                        // focus (to the page's start, for a keyboard or screen-reader user).
                        <button type="button" class="primary" on:click=start
                            disabled=move || ready == 0 || !held.get()
                            aria-disabled=move || running().then_some("true")>
                            {i18n.fill("import.start", &[("n", &ready.to_string())])}
                        </button>
                    }.into_any()
                }
            }}
            {move || match progress.get() {
                Progress::Idle => ().into_any(),
                Progress::Running { done, total } => view! {
                    <label for="import-progress">{i18n.t("import.progress")}</label>
                    <progress id="import-progress" max=total value=done>{format!("{done} / {total}")}</progress>
                    <p role="status">{i18n.fill("import.running", &[("done", &done.to_string()), ("total", &total.to_string())])}</p>
                }.into_any(),
                Progress::Finished { stored, already_had } => view! {
                    <p role="status" class="import-done">{i18n.fill("import.finished", &[("n", &(stored + already_had).to_string()), ("new", &stored.to_string()), ("had", &already_had.to_string())])}</p>
                }.into_any(),
                Progress::Failed { done, message } => view! {
                    <p role="alert" class="problem">{i18n.fill("import.failed", &[("done", &done.to_string()), ("detail", &message)])}</p>
                }.into_any(),
            }}
        </section>
    }
}

/// A problem's words in the coordinator's language, its values filled in.
fn said(i18n: &I18n, key: &str, values: &[(&str, String)]) -> String {
    let values: Vec<(&str, &str)> = values.iter().map(|(name, value)| (*name, value.as_str())).collect();
    i18n.fill(key, &values)
}

/// Pseudonymises and sends every row, a batch at a time, updating `progress`.
async fn send_all(i18n: I18n, rows: Vec<ImportRow>, hmac: HmacKey, csrf: String, fingerprint: String, progress: RwSignal<Progress>) {
    let total = rows.len();
    progress.set(Progress::Running { done: 0, total });
    let (mut stored, mut already_had, mut done) = (0, 0, 0);
    for chunk in rows.chunks(MAX_IMPORT_BATCH) {
        let mut outcomes = Vec::with_capacity(chunk.len());
        for row in chunk {
            let Ok(mac) = hmac.sign(row.case_ref.as_bytes()).await else {
                progress.set(Progress::Failed { done, message: i18n.t("setup.key.unavailable") });
                return;
            };
            let case = Pseudonym::from_digest(&mac);
            outcomes.push(OutcomeV1 { id: import_id(&case, row.outcome, row.date), case, outcome: row.outcome, date: row.date });
        }
        let batch = ImportOutcomes { key_fingerprint: fingerprint.clone(), outcomes };
        match sync::import_outcomes(&csrf, &batch).await {
            Ok(reply) => {
                stored += reply.stored;
                already_had += reply.already_had;
                done += chunk.len();
                progress.set(Progress::Running { done, total });
            }
            Err(e) => {
                let message = problem_text(&i18n, e);
                progress.set(Progress::Failed { done, message });
                return;
            }
        }
    }
    progress.set(Progress::Finished { stored, already_had });
}
