//! Every version of a partnership's own form the server has offered to tablets, kept in the
//! database. A tablet may hold a child's answers to a form for days before it next has a
//! signal; if the form has meanwhile left the forms folder (withdrawn, or replaced by a newer
//! version), its answers are still checked against the version they answered and counted.
//! Only the forms in the folder now are offered to tablets (`Db::offered`).

use super::{today_utc, ConnectError};
use heard_domain::{Catalogue, Form};
use sqlx::{AnyPool, Row};

/// The forms a server knows once the folder's forms are remembered.
pub(super) struct Known {
    /// Built in, in the folder now, and kept from before: responses are checked against these.
    pub catalogue: Catalogue,
    /// In the folder now: offered to tablets.
    pub offered: Vec<Form>,
}

/// Stores the folder's forms not stored before and adds the stored ones no longer in the
/// folder. A folder form whose id and version were stored with different content stops the
/// start (nothing is written): answers already given to that version mean what it said then.
pub(super) async fn remember(pool: &AnyPool, mut catalogue: Catalogue) -> Result<Known, ConnectError> {
    let rows = sqlx::query("SELECT id, version, body FROM forms ORDER BY id, version").fetch_all(pool).await?;
    let mut stored = Vec::with_capacity(rows.len());
    for row in rows {
        stored.push((row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?, row.try_get::<String, _>(2)?));
    }
    let offered: Vec<Form> = catalogue.added().into_iter().cloned().collect();
    let mut new = Vec::new();
    for form in &offered {
        let body = serde_json::to_value(form).expect("forms always serialise");
        match stored.iter().find(|(id, version, _)| *id == form.id.0 && *version == i64::from(form.version)) {
            // Compared as JSON values, so spacing and key order in the files do not matter.
            Some((_, _, text)) if serde_json::from_str::<serde_json::Value>(text).ok().as_ref() == Some(&body) => {}
            Some(_) => return Err(ConnectError::FormChanged { id: form.id.0.clone(), version: form.version }),
            None => new.push((form, body.to_string())),
        }
    }
    if !new.is_empty() {
        let today = today_utc().to_string();
        let mut tx = pool.begin().await?;
        for (form, body) in new {
            sqlx::query("INSERT INTO forms (id, version, body, added_on) VALUES ($1, $2, $3, $4) ON CONFLICT (id, version) DO NOTHING")
                .bind(form.id.0.clone())
                .bind(i64::from(form.version))
                .bind(body)
                .bind(today.clone())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    for (id, version, text) in stored {
        let offered_now = offered.iter().any(|f| f.id.0 == id && i64::from(f.version) == version);
        if offered_now {
            continue;
        }
        // A form kept from before that this server can no longer read or check (a later Heard
        // may check forms more strictly) cannot vouch for answers; they are refused, and whoever
        // runs the server is told which form once, at start. Forms hold no personal data.
        let added = serde_json::from_str::<Form>(&text).map_err(|e| e.to_string()).and_then(|form| catalogue.add(form).map_err(|e| e.to_string()));
        if let Err(e) = added {
            tracing::warn!(form = %id, version, error = %e, "answers to this form version, no longer in the forms folder, will be refused");
        }
    }
    Ok(Known { catalogue, offered })
}
