//! The dashboard for coordinators and analysts: every table protected on the server
//! (`heard_domain::disclosure`), each table as CSV, and what children agreed to share (to
//! coordinators only, who may hide an item). Every read and export is written to the audit log
//! first, and one person's reads are limited to `READS_PER_HOUR`.

use crate::auth::{now, Staff};
use crate::{AppError, AppState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::Json;
use heard_domain::access::Role;
use heard_domain::dashboard::{Dashboard, Filter, FilterQuery, TableId, READS_PER_HOUR};
use heard_domain::i18n::shipped_coordinator_strings;

/// The filter asked for; a query that is not one is a 400 naming what is wrong.
fn filter(query: Result<Query<FilterQuery>, QueryRejection>) -> Result<Filter, AppError> {
    let Query(query) = query.map_err(|e| AppError::BadRequest(format!("the dashboard's filters (from, to, agency, band, flag): {}", e.body_text())))?;
    query.check().map_err(AppError::BadRequest)
}

/// The filter as the audit log says it.
fn described(filter: &Filter) -> String {
    match filter.to_query() {
        q if q.is_empty() => "no filter".to_string(),
        q => q,
    }
}

/// Writes a read to the audit log, unless this person has read `READS_PER_HOUR` times in the
/// last hour (views refused as too small count too: probing them is what the limit is for).
async fn note_read(state: &AppState, staff: &crate::db::StaffRow, action: &str, detail: &str) -> Result<(), AppError> {
    let at = now();
    let read = state.db.reads_since(&staff.partnership_id, &staff.email, at - 3600).await?;
    if read >= READS_PER_HOUR {
        return Err(AppError::TooManyReads(read));
    }
    state.db.audit(&staff.partnership_id, &staff.email, action, detail, at).await?;
    Ok(())
}

/// The dashboard; what children said only for coordinators.
async fn read(state: &AppState, staff: &crate::db::StaffRow, filter: Filter) -> Result<Dashboard, AppError> {
    let mut dashboard = state.db.dashboard(&staff.partnership_id, filter).await?;
    if staff.role != Role::Coordinator {
        dashboard.shared.clear();
    }
    Ok(dashboard)
}

pub async fn dashboard(
    State(state): State<AppState>,
    Staff(staff): Staff,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> Result<Json<Dashboard>, AppError> {
    let filter = filter(query)?;
    note_read(&state, &staff, "dashboard", &described(&filter)).await?;
    Ok(Json(read(&state, &staff, filter).await?))
}

/// `GET /api/v1/dashboard/export/{table}.csv`: one table, as on screen, with English headings.
pub async fn export(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(file): Path<String>,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> Result<impl IntoResponse, AppError> {
    let code = file.strip_suffix(".csv").unwrap_or(&file);
    let id = TableId::parse(code).ok_or_else(|| AppError::Missing(format!("no dashboard table {code:?} to export")))?;
    let filter = filter(query)?;
    note_read(&state, &staff, "export", &format!("table {code} ({})", described(&filter))).await?;
    let dashboard = read(&state, &staff, filter).await?;
    let table = dashboard.tables.iter().find(|t| t.id == id).expect("every table id is built");
    let english = shipped_coordinator_strings().into_iter().next().expect("English is shipped first");
    // Led by a byte-order mark: without one, Excel on Windows reads UTF-8 ("Early years (4–7)")
    // as another encoding.
    // Then which cases it counts: a table in a board report must say it is, say, teenagers only.
    let words = |key: &str| english.get(key).to_string();
    let mut csv = format!("\u{feff}{}{}", table.to_csv(&words), dashboard.filter.to_csv(&dashboard.agencies, &words));
    if dashboard.still_counting > 0 {
        let note = words("dash.still_counting").replace("{n}", &dashboard.still_counting.to_string());
        let mut file = heard_domain::dashboard::CsvFile::default();
        file.blank_line();
        file.line([note]);
        csv.push_str(&file.into_string());
    }
    let name = format!("attachment; filename=\"heard-{code}.csv\"");
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, name), (CACHE_CONTROL, "no-store".to_string())], csv))
}

/// `POST /api/v1/dashboard/shared/{id}/hide`: a coordinator hides what a child shared from
/// the dashboard, for good; audited.
pub async fn hide_shared(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Result<Json<serde_json::Value>, AppError> {
    let me = staff.coordinator()?;
    if id.len() > 200 || id.chars().any(char::is_control) {
        return Err(AppError::BadRequest("id: is not a shared item's id".into()));
    }
    if !state.db.hide_shared(&me.partnership_id, &id).await? {
        return Err(AppError::Missing("no such shared item in this partnership".into()));
    }
    state.db.audit(&me.partnership_id, &me.email, "shared_hidden", &id, now()).await?;
    Ok(Json(serde_json::json!({ "hidden": id })))
}
