//! Before handing the tablet over: choose the form and the language the child will use.
//! (The practitioner's sessions will choose for them once enrolment and PIN exist.)

use crate::i18n::use_i18n;
use crate::speech::use_speech;
use heard_domain::{AgeBand, Catalogue, Lang};
use leptos::prelude::*;
use crate::route::Link;

#[component]
pub fn ChildPage() -> impl IntoView {
    let i18n = use_i18n();
    let speech = use_speech();
    let catalogue = Catalogue::built_in();
    let lang = i18n.lang;
    let bands = [AgeBand::EarlyYears, AgeBand::Middle, AgeBand::Teen, AgeBand::Symbols];
    // Switch scanning, for Symbols forms: off, or the time in ms the highlight rests on each answer.
    let scan = RwSignal::new(None::<u32>);
    let scan_pace = RwSignal::new(2500u32);
    view! {
        <h1>{move || i18n.t("forms.title")}</h1>
        <label for="lang">{move || i18n.t("lang.label")}</label>
        <select
            id="lang"
            on:change=move |ev| {
                if let Ok(l) = Lang::new(&event_target_value(&ev)) {
                    i18n.set_lang(l);
                }
            }
        >
            {i18n
                .languages()
                .into_iter()
                .map(|(l, name)| {
                    let tag = l.to_string();
                    view! { <option value=tag.clone() selected=move || lang.get() == l>{name}</option> }
                })
                .collect_view()}
        </select>
        <p role="status" class="notice">
            {move || (!speech.can_speak(&lang.get())).then(|| i18n.t("speech.unavailable"))}
        </p>
        {bands
            .into_iter()
            .map(|band| {
                let forms: Vec<(String, heard_domain::Text)> = catalogue
                    .for_band(band)
                    .into_iter()
                    .map(|f| (f.id.0.clone(), f.title.clone()))
                    .collect();
                let band_key = format!("forms.band.{}", serde_json::to_value(band).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default());
                let heading_id = format!("band-{}", band_key.rsplit('.').next().unwrap_or_default());
                view! {
                    <section class="band" aria-labelledby=heading_id.clone()>
                        <h2 id=heading_id.clone()>{move || i18n.t(&band_key)}</h2>
                        <ul class="form-list">
                            {forms
                                .into_iter()
                                .map(|(id, title)| {
                                    let href = move || match (band, scan.get()) {
                                        (AgeBand::Symbols, Some(pace)) => format!("/child/{id}?lang={}&scan={pace}", lang.get()),
                                        _ => format!("/child/{id}?lang={}", lang.get()),
                                    };
                                    view! { <li><Link href=Signal::derive(href)>{move || title.get(&lang.get()).to_string()}</Link></li> }
                                })
                                .collect_view()}
                        </ul>
                        {(band == AgeBand::Symbols).then(|| view! { <ScanSettings scan scan_pace /> })}
                    </section>
                }
            })
            .collect_view()}
    }
}

/// The practitioner's choice of switch scanning for Symbols forms, and its pace.
#[component]
fn ScanSettings(scan: RwSignal<Option<u32>>, scan_pace: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let paces = [(4000u32, "scan.slow"), (2500, "scan.medium"), (1500, "scan.fast")];
    view! {
        <div class="scan-settings">
            <label>
                <input
                    type="checkbox"
                    prop:checked=move || scan.get().is_some()
                    on:change=move |ev| scan.set(event_target_checked(&ev).then(|| scan_pace.get_untracked()))
                />
                {move || i18n.t("scan.label")}
            </label>
            <label for="scan-pace">{move || i18n.t("scan.pace")}</label>
            <select
                id="scan-pace"
                on:change=move |ev| {
                    if let Ok(ms) = event_target_value(&ev).parse::<u32>() {
                        scan_pace.set(ms);
                        if scan.get_untracked().is_some() {
                            scan.set(Some(ms));
                        }
                    }
                }
            >
                {paces
                    .map(|(ms, key)| {
                        view! { <option value=ms.to_string() selected=move || scan_pace.get() == ms>{move || i18n.t(key)}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
