//! The dashboard for coordinators and analysts: every table suppressed on the server, and
//! each table as CSV. Every export is written to the audit log.

use crate::auth::{now, Staff};
use crate::{AppError, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::Json;
use heard_domain::dashboard::{Dashboard, Filter, TableId};
use heard_domain::i18n::shipped_coordinator_strings;

fn filter(query: Option<String>) -> Result<Filter, AppError> {
    Filter::parse_query(query.as_deref().unwrap_or("")).map_err(AppError::BadRequest)
}

pub async fn dashboard(State(state): State<AppState>, Staff(staff): Staff, RawQuery(query): RawQuery) -> Result<Json<Dashboard>, AppError> {
    let filter = filter(query)?;
    Ok(Json(state.db.dashboard(&staff.partnership_id, filter).await?))
}

/// `GET /api/v1/dashboard/export/{table}.csv`: one table, as on screen, with English headings.
pub async fn export(
    State(state): State<AppState>,
    Staff(staff): Staff,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<impl IntoResponse, AppError> {
    let code = file.strip_suffix(".csv").unwrap_or(&file);
    let id = TableId::parse(code).ok_or_else(|| AppError::Missing(format!("no dashboard table {code:?} to export")))?;
    let filter = filter(query)?;
    let described = match filter.to_query() {
        q if q.is_empty() => "no filter".to_string(),
        q => q,
    };
    let dashboard = state.db.dashboard(&staff.partnership_id, filter).await?;
    let table = dashboard.tables.iter().find(|t| t.id == id).expect("every table id is built");
    let english = shipped_coordinator_strings().into_iter().next().expect("English is shipped first");
    // Led by a byte-order mark: without one, Excel on Windows reads UTF-8 ("Early years (4–7)")
    // as another encoding.
    // Then which cases it counts: a table in a board report must say it is, say, teenagers only.
    let words = |key: &str| english.get(key).to_string();
    let mut csv = format!("\u{feff}{}{}", table.to_csv(&words), dashboard.filter.to_csv(&dashboard.agencies, &words));
    if dashboard.still_counting > 0 {
        let note = words("dash.still_counting").replace("{n}", &dashboard.still_counting.to_string());
        csv.push_str(&format!("\r\n{}\r\n", heard_domain::dashboard::csv_field(&note)));
    }
    state.db.audit(&staff.partnership_id, &staff.email, "export", &format!("table {code} ({described})"), now()).await?;
    let name = format!("attachment; filename=\"heard-{code}.csv\"");
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, name), (CACHE_CONTROL, "no-store".to_string())], csv))
}
