//! SQL for partnerships, agencies, enrolment, devices, staff, sessions and the audit log.

use super::Db;
use heard_domain::access::{AgencyKind, AgencyV1, AuditEntryV1, DeviceV1, Role, UserV1};
use sqlx::Row;

/// A device that presented a valid token.
#[derive(Clone, Debug)]
pub struct DeviceRow {
    pub id: String,
    pub agency_id: String,
    pub partnership_id: String,
    pub key_fingerprint: String,
    pub revoked: bool,
}

/// A logged-in coordinator or analyst.
#[derive(Clone, Debug)]
pub struct StaffRow {
    pub user_id: String,
    pub email: String,
    pub role: Role,
    pub partnership_id: String,
    pub partnership: String,
    pub key_fingerprint: String,
    pub csrf_token: String,
}

/// Why a partnership was not created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupRefused {
    /// Unknown, already used or expired.
    Code,
}

pub struct Enrolled {
    pub device_id: String,
    /// The same enrolment asked for again (its first reply was lost): the device is the one
    /// made then, with a new token.
    pub again: bool,
    pub agency: String,
    pub partnership_id: String,
    pub partnership: String,
    pub key_fingerprint: String,
    pub sealed_key: String,
}

pub struct UserLogin {
    pub id: String,
    pub password_hash: String,
    pub partnership_id: String,
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A new partnership; its id. (On a pooled connection or inside a transaction.)
async fn insert_partnership(conn: &mut sqlx::AnyConnection, name: &str, key_fingerprint: &str, now: i64) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query("INSERT INTO partnerships (id, name, key_fingerprint, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(name)
        .bind(key_fingerprint)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO partnership_keys (partnership_id, fingerprint, created_at) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(key_fingerprint)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// A new staff account; its id, or `None` when the email already has one in the partnership.
async fn insert_user(
    conn: &mut sqlx::AnyConnection,
    partnership_id: &str,
    email: &str,
    password_hash: &str,
    role: Role,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let id = new_id();
    let n = sqlx::query(
        "INSERT INTO users (id, partnership_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (partnership_id, email) DO NOTHING",
    )
    .bind(&id)
    .bind(partnership_id)
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok((n == 1).then_some(id))
}

impl Db {
    pub async fn create_partnership(&self, name: &str, key_fingerprint: &str, now: i64) -> Result<String, sqlx::Error> {
        insert_partnership(&mut *self.pool.acquire().await?, name, key_fingerprint, now).await
    }

    /// A one-time code for creating a partnership, valid until `expires_at`.
    pub async fn create_setup_code(&self, code_hash: &str, now: i64, expires_at: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO setup_codes (code_hash, created_at, expires_at) VALUES ($1, $2, $3)")
            .bind(code_hash)
            .bind(now)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Spends a setup code and creates the partnership and its first coordinator, all or
    /// nothing. `Ok(Err(..))` when the code is not usable.
    pub async fn create_partnership_with_code(
        &self,
        code_hash: &str,
        name: &str,
        key_fingerprint: &str,
        email: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Result<String, SetupRefused>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let spent = sqlx::query("UPDATE setup_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1")
            .bind(now)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if spent != 1 {
            return Ok(Err(SetupRefused::Code));
        }
        let partnership_id = insert_partnership(&mut tx, name, key_fingerprint, now).await?;
        // A new partnership has no accounts, so its first always goes in (an email is unique
        // only within a partnership).
        let Some(user_id) = insert_user(&mut tx, &partnership_id, email, password_hash, Role::Coordinator, now).await? else {
            return Err(sqlx::Error::RowNotFound);
        };
        tx.commit().await?;
        Ok(Ok(user_id))
    }

    pub async fn partnership_by_name(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT id FROM partnerships WHERE name = $1").bind(name).fetch_optional(&self.pool).await
    }

    pub async fn create_agency(&self, partnership_id: &str, name: &str, kind: AgencyKind, now: i64) -> Result<AgencyV1, sqlx::Error> {
        let id = new_id();
        sqlx::query("INSERT INTO agencies (id, partnership_id, name, kind, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(partnership_id)
            .bind(name)
            .bind(kind.as_str())
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(AgencyV1 { id, name: name.to_string(), kind })
    }

    pub async fn agencies(&self, partnership_id: &str) -> Result<Vec<AgencyV1>, sqlx::Error> {
        let rows =
            sqlx::query("SELECT id, name, kind FROM agencies WHERE partnership_id = $1 ORDER BY name").bind(partnership_id).fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| AgencyV1 { id: r.get("id"), name: r.get("name"), kind: AgencyKind::parse(&r.get::<String, _>("kind")).unwrap_or(AgencyKind::Other) })
            .collect())
    }

    /// The agency's name, when it belongs to `partnership_id`.
    pub async fn agency_in(&self, partnership_id: &str, agency_id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT name FROM agencies WHERE id = $1 AND partnership_id = $2")
            .bind(agency_id)
            .bind(partnership_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// A one-time code, with the partnership key sealed (in the coordinator's browser) under a
    /// secret this server never sees.
    pub async fn create_enrolment_code(
        &self,
        code_hash: &str,
        agency_id: &str,
        sealed_key: &str,
        created_by: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO enrolment_codes (code_hash, agency_id, sealed_key, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(code_hash)
            .bind(agency_id)
            .bind(sealed_key)
            .bind(created_by)
            .bind(now)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Spends a one-time code and registers a device with `token_hash`, in one transaction.
    /// The same code with the same `enrolment_id_hash` again (the tablet retrying after the
    /// reply was lost), no later than `retry_until_after_use` seconds after it was spent and
    /// while the device it made has never been used, gives that device `token_hash` instead.
    /// `None` when the code is unknown, expired, or spent by another enrolment. The sealed key
    /// is given with the device; it is deleted at once when no retry can come (no enrolment id),
    /// else by `forget_expired` with the code once the retry window has passed.
    pub async fn enrol(
        &self,
        code_hash: &str,
        enrolment_id_hash: Option<&str>,
        token_hash: &str,
        now: i64,
        retry_secs: i64,
    ) -> Result<Option<Enrolled>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let spent = sqlx::query(
            "UPDATE enrolment_codes SET used_at = $1, enrolment_id_hash = $3 \
             WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 AND sealed_key IS NOT NULL",
        )
        .bind(now)
        .bind(code_hash)
        .bind(enrolment_id_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let device_id = if spent == 1 {
            let device_id = new_id();
            sqlx::query("INSERT INTO devices (id, agency_id, token_hash, enrolled_at) SELECT $1, agency_id, $2, $3 FROM enrolment_codes WHERE code_hash = $4")
                .bind(&device_id)
                .bind(token_hash)
                .bind(now)
                .bind(code_hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE enrolment_codes SET device_id = $1 WHERE code_hash = $2").bind(&device_id).bind(code_hash).execute(&mut *tx).await?;
            device_id
        } else {
            let Some(id_hash) = enrolment_id_hash else { return Ok(None) };
            // The same tablet asking again: its device, if it has never been used or revoked.
            let again: Option<String> = sqlx::query_scalar(
                "SELECT c.device_id FROM enrolment_codes c JOIN devices d ON d.id = c.device_id \
                 WHERE c.code_hash = $1 AND c.enrolment_id_hash = $2 AND c.used_at >= $3 \
                 AND d.last_sync_at IS NULL AND d.revoked_at IS NULL",
            )
            .bind(code_hash)
            .bind(id_hash)
            .bind(now - retry_secs)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(device_id) = again else { return Ok(None) };
            sqlx::query("UPDATE devices SET token_hash = $1 WHERE id = $2").bind(token_hash).bind(&device_id).execute(&mut *tx).await?;
            device_id
        };
        let row = sqlx::query(
            "SELECT a.name AS agency, p.id AS partnership_id, p.name AS partnership, p.key_fingerprint, c.sealed_key \
             FROM devices d JOIN agencies a ON a.id = d.agency_id JOIN partnerships p ON p.id = a.partnership_id \
             JOIN enrolment_codes c ON c.code_hash = $2 \
             WHERE d.id = $1",
        )
        .bind(&device_id)
        .bind(code_hash)
        .fetch_one(&mut *tx)
        .await?;
        let Some(sealed_key) = row.get::<Option<String>, _>("sealed_key") else { return Ok(None) };
        if enrolment_id_hash.is_none() {
            sqlx::query("UPDATE enrolment_codes SET sealed_key = NULL WHERE code_hash = $1").bind(code_hash).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Some(Enrolled {
            device_id,
            again: spent != 1,
            agency: row.get("agency"),
            partnership_id: row.get("partnership_id"),
            partnership: row.get("partnership"),
            key_fingerprint: row.get("key_fingerprint"),
            sealed_key,
        }))
    }

    /// A device added directly, not by enrolment: the demo's stand-in for the tablets that
    /// sent its synthetic responses.
    pub async fn create_device(&self, agency_id: &str, token_hash: &str, now: i64) -> Result<String, sqlx::Error> {
        let id = new_id();
        sqlx::query("INSERT INTO devices (id, agency_id, token_hash, enrolled_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(agency_id)
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    pub async fn device_by_token(&self, token_hash: &str) -> Result<Option<DeviceRow>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT d.id, d.agency_id, d.revoked_at, a.partnership_id, p.key_fingerprint \
             FROM devices d JOIN agencies a ON a.id = d.agency_id JOIN partnerships p ON p.id = a.partnership_id \
             WHERE d.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| DeviceRow {
            id: r.get("id"),
            agency_id: r.get("agency_id"),
            partnership_id: r.get("partnership_id"),
            key_fingerprint: r.get("key_fingerprint"),
            revoked: r.get::<Option<i64>, _>("revoked_at").is_some(),
        }))
    }

    pub async fn touch_device(&self, device_id: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE devices SET last_sync_at = $1 WHERE id = $2").bind(now).bind(device_id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn devices(&self, partnership_id: &str) -> Result<Vec<DeviceV1>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT d.id, a.name AS agency, d.enrolled_at, d.last_sync_at, d.revoked_at \
             FROM devices d JOIN agencies a ON a.id = d.agency_id WHERE a.partnership_id = $1 ORDER BY d.enrolled_at",
        )
        .bind(partnership_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| DeviceV1 {
                id: r.get("id"),
                agency: r.get("agency"),
                enrolled_at: r.get("enrolled_at"),
                last_sync_at: r.get("last_sync_at"),
                revoked: r.get::<Option<i64>, _>("revoked_at").is_some(),
            })
            .collect())
    }

    /// Revokes a device of `partnership_id`; false when there is no such device there.
    pub async fn revoke_device(&self, partnership_id: &str, device_id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let n = sqlx::query(
            "UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
             AND agency_id IN (SELECT id FROM agencies WHERE partnership_id = $3)",
        )
        .bind(now)
        .bind(device_id)
        .bind(partnership_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Removes a device of `partnership_id` that never sent anything (a tablet whose enrolment
    /// reply was lost, or that was never used): `None` when there is no such device there,
    /// `Some(false)` when it has sent answers (it can only be revoked).
    pub async fn remove_unused_device(&self, partnership_id: &str, device_id: &str) -> Result<Option<bool>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let used: Option<Option<i64>> =
            sqlx::query_scalar("SELECT d.last_sync_at FROM devices d JOIN agencies a ON a.id = d.agency_id WHERE d.id = $1 AND a.partnership_id = $2")
                .bind(device_id)
                .bind(partnership_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(last_sync) = used else { return Ok(None) };
        let sent: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM responses WHERE device_id = $1) OR EXISTS (SELECT 1 FROM outcomes WHERE device_id = $1) THEN 1 ELSE 0 END",
        )
        .bind(device_id)
        .fetch_one(&mut *tx)
        .await?;
        if last_sync.is_some() || sent == 1 {
            return Ok(Some(false));
        }
        sqlx::query("UPDATE enrolment_codes SET device_id = NULL WHERE device_id = $1").bind(device_id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM devices WHERE id = $1").bind(device_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(true))
    }

    /// Creates a staff account; `None` when the email is taken.
    pub async fn create_user(&self, partnership_id: &str, email: &str, password_hash: &str, role: Role, now: i64) -> Result<Option<String>, sqlx::Error> {
        insert_user(&mut *self.pool.acquire().await?, partnership_id, email, password_hash, role, now).await
    }

    /// The partnership's staff accounts: coordinators, then analysts, each by email.
    pub async fn users(&self, partnership_id: &str) -> Result<Vec<UserV1>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, email, role, created_at FROM users WHERE partnership_id = $1 \
             ORDER BY CASE role WHEN 'coordinator' THEN 0 ELSE 1 END, email",
        )
        .bind(partnership_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(UserV1 { id: r.get("id"), email: r.get("email"), role: Role::parse(&r.get::<String, _>("role"))?, created_at: r.get("created_at") })
            })
            .collect())
    }

    /// Removes a staff account of the partnership and ends its sessions, in one transaction;
    /// its email, or `None` when the partnership has no such account or `by` (the coordinator
    /// removing it) was removed meanwhile. Removals in one partnership take turns (the
    /// partnership's row is written first), so two coordinators removing each other at once
    /// cannot leave it with none.
    pub async fn remove_user(&self, partnership_id: &str, user_id: &str, by: &str) -> Result<Option<String>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE partnerships SET name = name WHERE id = $1").bind(partnership_id).execute(&mut *tx).await?;
        let by_exists: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(by).fetch_optional(&mut *tx).await?;
        if by_exists.is_none() {
            return Ok(None);
        }
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1 AND partnership_id = $2")
            .bind(user_id)
            .bind(partnership_id)
            .fetch_optional(&mut *tx)
            .await?;
        if email.is_some() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(email)
    }

    /// Every account with `email`, in any partnership, oldest first (an email is unique only
    /// within a partnership).
    pub async fn user_logins(&self, email: &str) -> Result<Vec<UserLogin>, sqlx::Error> {
        let rows = sqlx::query("SELECT id, password_hash, partnership_id FROM users WHERE email = $1 ORDER BY created_at, id")
            .bind(email)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| UserLogin { id: r.get("id"), password_hash: r.get("password_hash"), partnership_id: r.get("partnership_id") }).collect())
    }

    /// Failed logins for `email` after `since`: from `source` (the address they came from),
    /// and from anywhere.
    pub async fn login_failures_since(&self, email: &str, source: &str, since: i64) -> Result<(i64, i64), sqlx::Error> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN source = $2 THEN 1 ELSE 0 END), 0) AS here, COUNT(*) AS anywhere \
             FROM login_failures WHERE email = $1 AND at > $3",
        )
        .bind(email)
        .bind(source)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get::<i64, _>("here")?, row.try_get::<i64, _>("anywhere")?))
    }

    /// Failed attempts from `source` since `since`, whatever account or code they were for.
    pub async fn failures_from_since(&self, source: &str, since: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE source = $1 AND at > $2").bind(source).bind(since).fetch_one(&self.pool).await
    }

    /// Whether a setup code can still be used (checked before any password is hashed).
    pub async fn setup_code_usable(&self, code_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM setup_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2")
            .bind(code_hash)
            .bind(now)
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 1)
    }

    /// Deletes what can no longer be used: expired sessions, and enrolment and setup codes that
    /// are expired, or used and past the enrolment retry window (with the sealed key each held).
    pub async fn forget_expired(&self, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        sqlx::query("DELETE FROM enrolment_codes WHERE expires_at <= $1 OR used_at < $2")
            .bind(now)
            .bind(now - heard_domain::access::ENROL_RETRY_SECS)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM setup_codes WHERE expires_at <= $1 OR used_at IS NOT NULL").bind(now).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn record_login_failure(&self, email: &str, source: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO login_failures (email, source, at) VALUES ($1, $2, $3)").bind(email).bind(source).bind(now).execute(&self.pool).await?;
        Ok(())
    }

    /// Forgets the failed logins from before `before`: they count for nothing any more, and
    /// the addresses they hold are personal data (`main` calls this every minute).
    pub async fn forget_login_failures(&self, before: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE at <= $1").bind(before).execute(&self.pool).await?;
        Ok(())
    }

    /// Forgets the failed logins for `email` from `source` (a login from there succeeded).
    pub async fn clear_login_failures(&self, email: &str, source: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE email = $1 AND source = $2").bind(email).bind(source).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn create_session(&self, token_hash: &str, user_id: &str, csrf_token: &str, expires_at: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<StaffRow>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.role, u.partnership_id, p.name AS partnership, p.key_fingerprint, s.csrf_token \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN partnerships p ON p.id = u.partnership_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|r| {
            Some(StaffRow {
                user_id: r.get("id"),
                email: r.get("email"),
                role: Role::parse(&r.get::<String, _>("role"))?,
                partnership_id: r.get("partnership_id"),
                partnership: r.get("partnership"),
                key_fingerprint: r.get("key_fingerprint"),
                csrf_token: r.get("csrf_token"),
            })
        }))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn audit(&self, partnership_id: &str, actor: &str, action: &str, detail: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO audit_log (partnership_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(partnership_id)
            .bind(now)
            .bind(actor)
            .bind(action)
            .bind(detail)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many months the partnership keeps a case's answers after its last activity.
    pub async fn retention_months(&self, partnership_id: &str) -> Result<u32, sqlx::Error> {
        let months: i64 = sqlx::query_scalar("SELECT retention_months FROM partnerships WHERE id = $1").bind(partnership_id).fetch_one(&self.pool).await?;
        Ok(months.clamp(0, i64::from(u32::MAX)) as u32)
    }

    pub async fn set_retention_months(&self, partnership_id: &str, months: u32) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE partnerships SET retention_months = $1 WHERE id = $2").bind(i64::from(months)).bind(partnership_id).execute(&self.pool).await?;
        Ok(())
    }

    /// How many dashboard reads and exports a person made since `since`.
    pub async fn reads_since(&self, partnership_id: &str, actor: &str, since: i64) -> Result<u64, sqlx::Error> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE partnership_id = $1 AND actor = $2 AND action IN ('dashboard', 'export') AND at >= $3")
                .bind(partnership_id)
                .bind(actor)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        Ok(n.max(0) as u64)
    }

    /// The newest `limit` audit entries of a partnership, newest first.
    pub async fn audit_log(&self, partnership_id: &str, limit: i64) -> Result<Vec<AuditEntryV1>, sqlx::Error> {
        let rows = sqlx::query("SELECT at, actor, action, detail FROM audit_log WHERE partnership_id = $1 ORDER BY seq DESC LIMIT $2")
            .bind(partnership_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| AuditEntryV1 { at: r.get("at"), actor: r.get("actor"), action: r.get("action"), detail: r.get("detail") }).collect())
    }
}
