//! The partnership's setup: the key in this browser, agencies, enrolment codes, devices (with
//! revoke), staff accounts (analysts added, anyone who left removed) and the audit log.
//! Analysts see it but cannot change it.

use super::key;
use super::problem_text;
use crate::i18n::use_i18n;
use crate::sync;
use heard_domain::access::{AgencyKind, AgencyV1, AuditEntryV1, DeviceV1, Me, NewAgency, NewUser, Role, UserV1};
use heard_domain::enrolment::{normalise_code, EnrolmentText};
use heard_domain::Day;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

const KINDS: [AgencyKind; 8] = [
    AgencyKind::School,
    AgencyKind::Health,
    AgencyKind::EarlyHelp,
    AgencyKind::Police,
    AgencyKind::Housing,
    AgencyKind::VoluntarySector,
    AgencyKind::SocialCare,
    AgencyKind::Other,
];

/// A day from Unix seconds, as `2026-11-26`.
pub(crate) fn day_of(secs: i64) -> String {
    Day::from_unix_days(secs.div_euclid(86_400)).map(|d| d.to_string()).unwrap_or_default()
}

#[component]
pub fn SetupView(who: Me, held: RwSignal<bool>, on_new_key: Callback<Me>) -> impl IntoView {
    let i18n = use_i18n();
    let coordinator = who.role == Role::Coordinator;
    let agencies = RwSignal::new(Vec::<AgencyV1>::new());
    let devices = RwSignal::new(Vec::<DeviceV1>::new());
    let audit = RwSignal::new(Vec::<AuditEntryV1>::new());
    let users = RwSignal::new(Vec::<UserV1>::new());
    let problem = RwSignal::new(None::<String>);
    // The accounts and the audit log (only these change when an account is added or removed:
    // the tablets' list drawn again would take the focus to its own heading).
    let reload_accounts = move || async move {
        if coordinator {
            if let Ok(u) = sync::users().await {
                users.set(u);
            }
            if let Ok(a) = sync::audit_log().await {
                audit.set(a);
            }
        }
    };
    let reload = move || {
        spawn_local(async move {
            match sync::agencies().await {
                Ok(a) => agencies.set(a),
                Err(e) => problem.set(Some(problem_text(&i18n, e))),
            }
            if let Ok(d) = sync::devices().await {
                devices.set(d);
            }
            reload_accounts().await;
        });
    };
    reload();
    let csrf = StoredValue::new(who.csrf_token.clone());
    let fingerprint = StoredValue::new(who.key_fingerprint.clone());
    let partnership = StoredValue::new(who.partnership.clone());
    view! {
        <p role="alert" class="problem">{move || problem.get()}</p>
        {coordinator.then(|| view! { <KeyPanel who=who.clone() held /> })}
        <Agencies agencies coordinator csrf on_change=Callback::new(move |()| reload()) />
        {coordinator.then(|| view! { <Codes agencies partnership fingerprint partnership_csrf=csrf on_issue=Callback::new(move |()| reload()) /> })}
        <Devices devices coordinator csrf on_change=Callback::new(move |()| reload()) />
        {coordinator.then(|| view! { <RetentionSetting csrf on_change=Callback::new(move |()| spawn_local(reload_accounts())) /> })}
        {coordinator.then(|| view! { <Conflicts csrf on_change=Callback::new(move |()| spawn_local(reload_accounts())) /> })}
        {coordinator.then(|| view! { <EraseCase held fingerprint csrf on_erase=Callback::new(move |()| spawn_local(reload_accounts())) /> })}
        // Starting a new key is rare: below the parts used every week.
        {coordinator.then(|| view! { <super::rotate::NewKeyPanel who=who.clone() held on_new_key /> })}
        {coordinator.then(|| view! { <Accounts users me=who.email.clone() csrf on_change=Callback::new(move |()| spawn_local(reload_accounts())) /> })}
        {coordinator.then(|| view! { <Audit audit /> })}
    }
}

#[component]
fn KeyPanel(who: Me, held: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(None::<String>);
    let fingerprint = StoredValue::new(who.key_fingerprint.clone());
    let who = StoredValue::new(who);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        spawn_local(async move {
            let Some(text) = crate::device::read_chosen_file(&input).await else {
                status.set(Some(i18n.t("setup.key.unreadable")));
                return;
            };
            status.set(Some(match key::restore(&text, &who.get_value().partnership, &fingerprint.get_value()).await {
                Ok(()) => {
                    held.set(true);
                    i18n.t("setup.key.restored")
                }
                Err(e) => e.words(&i18n),
            }));
        });
    };
    let forget = move |_| {
        spawn_local(async move {
            key::forget_all().await;
            held.set(false);
            status.set(Some(i18n.t("setup.key.forgotten")));
        });
    };
    view! {
        <section aria-labelledby="h-key" class="setup-part">
            <h2 id="h-key">{move || i18n.t("setup.key.title")}</h2>
            {move || match held.get() {
                true => view! {
                    <p>{i18n.t("setup.key.held")}</p>
                    <button type="button" on:click=forget>{i18n.t("setup.key.forget")}</button>
                }.into_any(),
                false => view! {
                    <p>{i18n.t("setup.key.missing")}</p>
                    <label for="key-file">{i18n.t("setup.key.restore")}</label>
                    <input id="key-file" type="file" accept=".json,application/json" on:change=on_file />
                }.into_any(),
            }}
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

#[component]
fn Agencies(agencies: RwSignal<Vec<AgencyV1>>, coordinator: bool, csrf: StoredValue<String>, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(AgencyKind::School);
    let status = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let agency = NewAgency { name: name.get_untracked(), kind: kind.get_untracked() };
        spawn_local(async move {
            match sync::create_agency(&csrf.get_value(), &agency).await {
                Ok(a) => {
                    status.set(Some(i18n.fill("setup.agency.added", &[("name", &a.name)])));
                    name.set(String::new());
                    on_change.run(());
                }
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
        });
    };
    view! {
        <section class="setup-part">
            <h2 id="h-agencies">{move || i18n.t("setup.agency.title")}</h2>
            <Table labelled_by="h-agencies" columns=&["setup.agency.name", "setup.agency.kind"]>
                {move || agencies.get().into_iter().map(|a| view! {
                    <tr><th scope="row">{a.name}</th><td>{i18n.t(&format!("setup.kind.{}", a.kind.as_str()))}</td></tr>
                }).collect_view()}
            </Table>
            {coordinator.then(|| view! {
                <form on:submit=add class="inline-form">
                    <div>
                        <label for="agency-name">{move || i18n.t("setup.agency.name")}</label>
                        <input id="agency-name" type="text" required maxlength="120" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    </div>
                    <div>
                        <label for="agency-kind">{move || i18n.t("setup.agency.kind")}</label>
                        <select id="agency-kind" on:change=move |ev| if let Some(k) = AgencyKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                            {KINDS.map(|k| view! { <option value=k.as_str()>{move || i18n.t(&format!("setup.kind.{}", k.as_str()))}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="primary">{move || i18n.t("setup.agency.add")}</button>
                </form>
            })}
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

#[component]
fn Codes(
    agencies: RwSignal<Vec<AgencyV1>>,
    partnership: StoredValue<String>,
    fingerprint: StoredValue<String>,
    partnership_csrf: StoredValue<String>,
    on_issue: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(String::new());
    let issued = RwSignal::new(None::<(String, String)>);
    let status = RwSignal::new(None::<String>);
    // The key file stays chosen, so several codes can be made one after another.
    let key_file = NodeRef::<leptos::html::Input>::new();
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = key_file.get_untracked().filter(|i| i.files().is_some_and(|f| f.length() > 0)) else {
            status.set(Some(i18n.t("setup.code.need_key")));
            return;
        };
        let agency_id = match chosen.get_untracked() {
            id if id.is_empty() => agencies.get_untracked().first().map(|a| a.id.clone()).unwrap_or_default(),
            id => id,
        };
        spawn_local(async move {
            let Some(text) = crate::device::read_chosen_file(&input).await else {
                status.set(Some(i18n.t("setup.key.unreadable")));
                return;
            };
            let k = match key::read_backup(&text, &partnership.get_value(), &fingerprint.get_value()).await {
                Ok(k) => k,
                Err(e) => {
                    status.set(Some(e.words(&i18n)));
                    return;
                }
            };
            // Sealed here under a fresh secret that only the text will hold.
            let Ok((secret, sealed)) = crate::crypto::seal_for_enrolment(&k).await else {
                status.set(Some(i18n.t("setup.key.unavailable")));
                return;
            };
            match sync::issue_code(&partnership_csrf.get_value(), &agency_id, &heard_domain::b64::base64url_encode(&sealed)).await {
                Ok(c) => {
                    let Some(code) = normalise_code(&c.code) else { return };
                    let text = EnrolmentText { code, secret }.to_string();
                    status.set(Some(i18n.fill("setup.code.expires", &[("date", &day_of(c.expires_at))])));
                    issued.set(Some((c.agency, text)));
                    on_issue.run(());
                }
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
        });
    };
    view! {
        <section aria-labelledby="h-codes" class="setup-part">
            <h2 id="h-codes">{move || i18n.t("setup.code.title")}</h2>
            <p>{move || i18n.t("setup.code.intro")}</p>
            <form on:submit=issue class="inline-form">
                <div>
                    <label for="code-agency">{move || i18n.t("setup.code.agency")}</label>
                    <select id="code-agency" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {move || agencies.get().into_iter().map(|a| view! { <option value=a.id>{a.name}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="code-key-file">{move || i18n.t("setup.code.key_file")}</label>
                    <input id="code-key-file" type="file" accept=".json,application/json" node_ref=key_file />
                </div>
                <button type="submit" class="primary">{move || i18n.t("setup.code.issue")}</button>
            </form>
            {move || issued.get().map(|(agency, text)| {
                // Copied to hand on in a message, or selected from the box.
                let copy = {
                    let text = text.clone();
                    move |_| {
                        let writing = web_sys::window().map(|w| w.navigator().clipboard().write_text(&text));
                        spawn_local(async move {
                            let copied = match writing {
                                Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
                                None => false,
                            };
                            status.set(Some(i18n.t(if copied { "setup.code.copied" } else { "setup.code.copy_failed" })));
                        });
                    }
                };
                view! {
                    <label for="code-text">{i18n.fill("setup.code.for", &[("agency", &agency)])}</label>
                    <textarea id="code-text" readonly rows="3" class="code-text">{text}</textarea>
                    <button type="button" on:click=copy>{i18n.t("setup.code.copy")}</button>
                }
            })}
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

/// Copies tablets sent with other content under an id already held: what differs, never what
/// either says. The first received stays; a copy can be discarded.
#[component]
fn Conflicts(csrf: StoredValue<String>, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let listed = RwSignal::new(Vec::<heard_domain::access::ConflictV1>::new());
    let status = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match sync::conflicts().await {
                Ok(c) => listed.set(c),
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
        })
    };
    load();
    let discard = move |id: String| {
        spawn_local(async move {
            match sync::discard_conflict(&csrf.get_value(), &id).await {
                Ok(_) => {
                    status.set(Some(i18n.t("setup.conflict.discarded")));
                    load();
                    on_change.run(());
                }
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
        });
    };
    view! {
        <section class="setup-part">
            <h2 id="h-conflicts">{move || i18n.t("setup.conflict.title")}</h2>
            <p>{move || i18n.t("setup.conflict.intro")}</p>
            {move || {
                if listed.with(Vec::is_empty) {
                    return view! { <p>{i18n.t("setup.conflict.none")}</p> }.into_any();
                }
                view! {
                    <Table labelled_by="h-conflicts" columns=&["setup.conflict.item", "setup.conflict.kind", "setup.conflict.received", "setup.conflict.differs", "setup.conflict.action"]>
                        {listed.get().into_iter().map(|c| {
                            let short: String = c.id.chars().take(8).collect();
                            let label = i18n.fill("setup.conflict.discard_named", &[("n", &short)]);
                            let kind = i18n.t(if c.kind == "outcome" { "setup.conflict.outcome" } else { "setup.conflict.response" });
                            let id = c.id.clone();
                            view! {
                                <tr>
                                    <th scope="row">{short}</th>
                                    <td>{kind}</td>
                                    <td>{c.received_on.clone()}</td>
                                    <td>{c.differs.join(", ")}</td>
                                    <td><button type="button" aria-label=label on:click=move |_| discard(id.clone())>{i18n.t("setup.conflict.discard")}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </Table>
                }
                .into_any()
            }}
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

/// How long a case's answers are kept after its last activity; then they are deleted and only
/// the dashboard's protected counts stay.
#[component]
fn RetentionSetting(csrf: StoredValue<String>, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let months = RwSignal::new(None::<u32>);
    let chosen = RwSignal::new(None::<u32>);
    let status = RwSignal::new(None::<String>);
    spawn_local(async move {
        match sync::retention().await {
            Ok(r) => months.set(Some(r.months)),
            Err(e) => status.set(Some(problem_text(&i18n, e))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(m) = chosen.get_untracked().or(months.get_untracked()) else { return };
        spawn_local(async move {
            match sync::set_retention(&csrf.get_value(), m).await {
                Ok(r) => {
                    months.set(Some(r.months));
                    status.set(Some(i18n.fill("setup.retention.saved", &[("months", &r.months.to_string())])));
                    on_change.run(());
                }
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
        });
    };
    view! {
        <section aria-labelledby="h-retention" class="setup-part">
            <h2 id="h-retention">{move || i18n.t("setup.retention.title")}</h2>
            <p>{move || i18n.t("setup.retention.intro")}</p>
            <form on:submit=save class="inline-form">
                <div>
                    <label for="retention-months">{move || i18n.t("setup.retention.label")}</label>
                    <select id="retention-months" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                        {move || heard_domain::access::RETENTION_CHOICES.map(|m| {
                            let label = i18n.fill("setup.retention.months", &[("months", &m.to_string())]);
                            view! { <option value=m.to_string() selected=months.get() == Some(m)>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">{move || i18n.t("setup.retention.save")}</button>
            </form>
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

/// Erasing one case at a family's request: the reference typed is turned into its pseudonym
/// here, with the partnership key, and never sent; asked twice, as it cannot be undone.
#[component]
fn EraseCase(held: RwSignal<bool>, fingerprint: StoredValue<String>, csrf: StoredValue<String>, on_erase: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let reference = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let status = RwSignal::new(None::<String>);
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !held.get_untracked() {
            status.set(Some(i18n.t("setup.erase.need_key")));
        } else if heard_domain::case::normalise_case_ref(&reference.get_untracked()).is_err() {
            status.set(Some(i18n.t("setup.erase.bad_ref")));
        } else {
            status.set(None);
            confirming.set(true);
        }
    };
    let erase = move |_| {
        let Ok(normal) = heard_domain::case::normalise_case_ref(&reference.get_untracked()) else { return };
        confirming.set(false);
        spawn_local(async move {
            let signed = match key::held(&fingerprint.get_value()).await {
                Some(hmac) => hmac.sign(normal.as_bytes()).await.ok(),
                None => None,
            };
            let Some(mac) = signed else {
                status.set(Some(i18n.t("setup.key.unavailable")));
                return;
            };
            let case = heard_domain::case::Pseudonym::from_digest(&mac);
            match sync::erase_case(&csrf.get_value(), &heard_domain::access::EraseCase { case }).await {
                Ok(e) if e == heard_domain::access::Erased::default() => status.set(Some(i18n.t("setup.erase.none"))),
                Ok(e) => {
                    let n = |v: u64| v.to_string();
                    status.set(Some(
                        i18n.fill("setup.erase.done", &[("responses", &n(e.responses)), ("outcomes", &n(e.outcomes)), ("conflicts", &n(e.conflicts))]),
                    ))
                }
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
            reference.set(String::new());
            on_erase.run(());
        });
    };
    view! {
        <section aria-labelledby="h-erase" class="setup-part">
            <h2 id="h-erase">{move || i18n.t("setup.erase.title")}</h2>
            <p>{move || i18n.t("setup.erase.intro")}</p>
            <form on:submit=ask class="inline-form">
                <div>
                    <label for="erase-ref">{move || i18n.t("setup.erase.reference")}</label>
                    <input id="erase-ref" type="text" autocomplete="off" spellcheck="false" prop:value=move || reference.get() on:input=move |ev| {
                        reference.set(event_target_value(&ev));
                        confirming.set(false);
                    } />
                </div>
                <button type="submit">{move || i18n.t("setup.erase.start")}</button>
            </form>
            {move || confirming.get().then(|| view! {
                <div role="group" aria-labelledby="erase-question" class="confirm">
                    <p id="erase-question">{i18n.t("setup.erase.confirm")}</p>
                    <button type="button" class="danger" on:click=erase>{i18n.t("setup.erase.yes")}</button>
                    <button type="button" on:click=move |_| confirming.set(false)>{i18n.t("setup.erase.no")}</button>
                </div>
            })}
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

/// What a coordinator does to a tablet: the API's action, the question asked first, what is said after.
type DeviceAction = (&'static str, &'static str, &'static str);
const REVOKE: DeviceAction = ("revoke", "setup.device.revoke_confirm", "setup.device.revoke_done");
const REMOVE: DeviceAction = ("remove", "setup.device.remove_confirm", "setup.device.remove_done");

#[component]
fn Devices(devices: RwSignal<Vec<DeviceV1>>, coordinator: bool, csrf: StoredValue<String>, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(None::<String>);
    // A revoked tablet's button goes with the list drawn again: the focus goes to the heading.
    Effect::new(move |_| {
        devices.track();
        crate::components::focus_if_lost("#h-devices");
    });
    // Revoke a tablet, or remove one that never sent anything (its enrolment reply was lost,
    // say): asked first, then said in the status line.
    let act = move |id: String, (action, confirm, done): DeviceAction| {
        let sure = web_sys::window().and_then(|w| w.confirm_with_message(&i18n.t(confirm)).ok()).unwrap_or(false);
        if !sure {
            return;
        }
        spawn_local(async move {
            match sync::device_action(&csrf.get_value(), &id, action).await {
                Ok(_) => {
                    status.set(Some(i18n.t(done)));
                    on_change.run(());
                }
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
        });
    };
    view! {
        <section class="setup-part">
            <h2 id="h-devices">{move || i18n.t("setup.device.title")}</h2>
            <Table labelled_by="h-devices" columns=&["setup.device.id", "setup.agency.name", "setup.device.enrolled", "setup.device.last_sync", "setup.device.state"]>
                {move || devices.get().into_iter().map(|d| {
                    let id = d.id.clone();
                    // Told apart by the start of their id, as the audit log names them.
                    let short: String = d.id.chars().take(8).collect();
                    let label = i18n.fill("setup.device.revoke_named", &[("n", &short), ("agency", &d.agency)]);
                    let remove_label = i18n.fill("setup.device.remove_named", &[("n", &short), ("agency", &d.agency)]);
                    let unused = coordinator && d.last_sync_at.is_none();
                    let remove_id = d.id.clone();
                    view! {
                        <tr>
                            <th scope="row">{short}</th>
                            <td>{d.agency.clone()}</td>
                            <td>{day_of(d.enrolled_at)}</td>
                            <td>{d.last_sync_at.map_or_else(|| i18n.t("setup.device.never"), day_of)}</td>
                            <td>
                                {if d.revoked {
                                    i18n.t("setup.device.is_revoked").into_any()
                                } else if coordinator {
                                    view! { <button type="button" aria-label=label on:click=move |_| act(id.clone(), REVOKE)>{i18n.t("setup.device.revoke")}</button> }.into_any()
                                } else {
                                    i18n.t("setup.device.active").into_any()
                                }}
                                {unused.then(|| view! {
                                    " "
                                    <button type="button" aria-label=remove_label on:click=move |_| act(remove_id.clone(), REMOVE)>{i18n.t("setup.device.remove")}</button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </Table>
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

/// The partnership's staff accounts: listed, an analyst added, someone who left removed.
#[component]
fn Accounts(users: RwSignal<Vec<UserV1>>, me: String, csrf: StoredValue<String>, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let me = StoredValue::new(me);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let status = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user = NewUser { email: email.get_untracked(), password: password.get_untracked(), role: Role::Analyst };
        spawn_local(async move {
            match sync::create_user(&csrf.get_value(), &user).await {
                Ok(_) => {
                    status.set(Some(i18n.fill("setup.analyst.created", &[("email", &user.email)])));
                    email.set(String::new());
                    password.set(String::new());
                    on_change.run(());
                }
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
        });
    };
    // A removed account's button goes with the list drawn again: the focus goes to the heading.
    Effect::new(move |_| {
        users.track();
        crate::components::focus_if_lost("#h-analysts");
    });
    let remove = move |user: UserV1| {
        let question = i18n.fill("setup.account.confirm", &[("email", &user.email)]);
        if !web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            match sync::remove_user(&csrf.get_value(), &user.id).await {
                Ok(_) => {
                    status.set(Some(i18n.fill("setup.account.removed", &[("email", &user.email)])));
                    on_change.run(());
                }
                Err(e) => status.set(Some(problem_text(&i18n, e))),
            }
        });
    };
    view! {
        <section class="setup-part">
            <h2 id="h-analysts">{move || i18n.t("setup.analyst.title")}</h2>
            <Table labelled_by="h-analysts" columns=&["coord.email", "setup.account.role", "setup.account.since", "setup.device.state"]>
                {move || users.get().into_iter().map(|u| {
                    let role = if u.role == Role::Coordinator { i18n.t("coord.role.coordinator") } else { i18n.t("coord.role.analyst") };
                    let yours = me.with_value(|m| *m == u.email);
                    let label = i18n.fill("setup.account.remove_named", &[("email", &u.email)]);
                    view! {
                        <tr>
                            <th scope="row">{u.email.clone()}</th>
                            <td>{role}</td>
                            <td>{day_of(u.created_at)}</td>
                            <td>
                                {if yours {
                                    i18n.t("setup.account.yours").into_any()
                                } else {
                                    view! { <button type="button" aria-label=label on:click=move |_| remove(u.clone())>{i18n.t("setup.account.remove")}</button> }.into_any()
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </Table>
            <p>{move || i18n.t("setup.analyst.intro")}</p>
            <form on:submit=create class="inline-form">
                <div>
                    <label for="analyst-email">{move || i18n.t("coord.email")}</label>
                    <input id="analyst-email" type="email" autocomplete="off" required prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                </div>
                <div>
                    <label for="analyst-password">{move || i18n.t("setup.analyst.password")}</label>
                    <input id="analyst-password" type="password" autocomplete="new-password" required minlength="12" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="primary">{move || i18n.t("setup.analyst.create")}</button>
            </form>
            <p role="status">{move || status.get()}</p>
        </section>
    }
}

/// A table of the setup page, named by the heading `labelled_by` above it, scrolling
/// sideways on a narrow screen in a region of the same name, which keyboard users reach with
/// Tab to scroll it (so the section around it is not named again: one landmark per table).
#[component]
fn Table(labelled_by: &'static str, columns: &'static [&'static str], children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby=labelled_by>
            <table aria-labelledby=labelled_by>
                <thead>
                    <tr>{columns.iter().map(|key| view! { <th scope="col">{move || i18n.t(key)}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Audit(audit: RwSignal<Vec<AuditEntryV1>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="setup-part">
            <h2 id="h-audit">{move || i18n.t("setup.audit.title")}</h2>
            // Dashboard reads (each recorded with who read which view) would push every change
            // out of sight: they are counted here, and listed apart from the changes.
            <p>{move || {
                let reads = audit.with(|a| a.iter().filter(|e| e.action == "dashboard").count());
                i18n.fill("setup.audit.reads", &[("n", &reads.to_string())])
            }}</p>
            <Table labelled_by="h-audit" columns=&["setup.audit.when", "setup.audit.who", "setup.audit.what"]>
                {move || audit.get().into_iter().filter(|e| e.action != "dashboard").take(50).map(|e| view! {
                    <tr><td>{day_of(e.at)}</td><td>{e.actor}</td><td>{e.detail}</td></tr>
                }).collect_view()}
            </Table>
        </section>
    }
}
