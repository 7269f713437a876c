//! A partnership's keys over time, and the links between a case's pseudonyms under them. The
//! server never holds a key: a new one arrives sealed under a key derived from the one before
//! (in the coordinator's browser), for tablets to open; links arrive as pairs of pseudonyms the
//! coordinator's browser computed from references it holds.

use super::Db;
use heard_domain::access::NewKeyV1;
use heard_domain::case::Pseudonym;
use std::collections::HashMap;

/// Why a new key was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotateRefused {
    /// The key it follows is not the partnership's key in use (a stale backup file, or a
    /// coordinator in another browser started a new key first).
    NotCurrent,
    /// The partnership has used this key before.
    Known,
}

impl Db {
    /// Makes `fingerprint` the partnership's key, following `from`, with the new key sealed for
    /// tablets that hold `from`.
    pub async fn rotate_key(
        &self,
        partnership_id: &str,
        from: &str,
        fingerprint: &str,
        sealed_key: &str,
        now: i64,
    ) -> Result<Result<(), RotateRefused>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query("UPDATE partnerships SET key_fingerprint = $1 WHERE id = $2 AND key_fingerprint = $3")
            .bind(fingerprint)
            .bind(partnership_id)
            .bind(from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved != 1 {
            return Ok(Err(RotateRefused::NotCurrent));
        }
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM partnership_keys WHERE partnership_id = $1 AND fingerprint = $2")
            .bind(partnership_id)
            .bind(fingerprint)
            .fetch_one(&mut *tx)
            .await?;
        if known > 0 {
            return Ok(Err(RotateRefused::Known));
        }
        sqlx::query("INSERT INTO partnership_keys (partnership_id, fingerprint, from_fingerprint, sealed_key, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(partnership_id)
            .bind(fingerprint)
            .bind(from)
            .bind(sealed_key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Every key that followed another, oldest first: what a tablet walks from the key it holds.
    pub async fn key_steps(&self, partnership_id: &str) -> Result<Vec<NewKeyV1>, sqlx::Error> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT from_fingerprint, fingerprint, sealed_key FROM partnership_keys \
             WHERE partnership_id = $1 AND from_fingerprint IS NOT NULL ORDER BY created_at, fingerprint",
        )
        .bind(partnership_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(from, to, sealed_key)| NewKeyV1 { from, to, sealed_key }).collect())
    }

    /// The fingerprint of the partnership's key in use.
    pub async fn key_in_use(&self, partnership_id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT key_fingerprint FROM partnerships WHERE id = $1").bind(partnership_id).fetch_optional(&self.pool).await
    }

    /// Whether the partnership has ever used the key with `fingerprint`.
    pub async fn is_partnership_key(&self, partnership_id: &str, fingerprint: &str) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM partnership_keys WHERE partnership_id = $1 AND fingerprint = $2")
            .bind(partnership_id)
            .bind(fingerprint)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// The first pseudonym of each of these cases that has one (linked under a later key).
    pub async fn first_pseudonyms<'a>(&self, partnership_id: &str, cases: impl Iterator<Item = &'a str>) -> Result<HashMap<String, String>, sqlx::Error> {
        self.pairs_among("SELECT new_pseudonym, old_pseudonym FROM pseudonym_links", "new_pseudonym", partnership_id, cases).await
    }

    /// Puts each case's first pseudonym in place of one linked to it under a later key: what
    /// arrives under a later key is kept with the case's first.
    pub(super) async fn keep_as_first<'a>(&self, partnership_id: &str, cases: impl Iterator<Item = &'a mut Pseudonym>) -> Result<(), sqlx::Error> {
        let mut cases: Vec<&mut Pseudonym> = cases.collect();
        let first = self.first_pseudonyms(partnership_id, cases.iter().map(|c| c.as_str())).await?;
        for case in &mut cases {
            if let Some(p) = first.get(case.as_str()).and_then(|p| Pseudonym::try_from(p.clone()).ok()) {
                **case = p;
            }
        }
        Ok(())
    }

    /// Keeps links from pseudonyms under a later key to the same cases' earlier pseudonyms (each
    /// followed back to the first); what was already stored under a later one moves to the
    /// first, and the summaries are rebuilt when anything moved. Returns (links new, answers and
    /// outcomes moved).
    pub async fn link_pseudonyms(&self, partnership_id: &str, links: &[(String, String)]) -> Result<(u64, u64), sqlx::Error> {
        let olds = self.first_pseudonyms(partnership_id, links.iter().map(|(old, _)| old.as_str())).await?;
        let mut tx = self.pool.begin().await?;
        let (mut added, mut moved) = (0, 0);
        for (old, new) in links {
            let first = olds.get(old).unwrap_or(old);
            if first == new {
                continue;
            }
            added += sqlx::query(
                "INSERT INTO pseudonym_links (partnership_id, new_pseudonym, old_pseudonym) VALUES ($1, $2, $3) \
                 ON CONFLICT (partnership_id, new_pseudonym) DO NOTHING",
            )
            .bind(partnership_id)
            .bind(new)
            .bind(first)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // A pseudonym is 64 hex digits: it appears in a stored body only as the case.
            for table in ["responses", "outcomes"] {
                moved += sqlx::query(&format!(
                    "UPDATE {table} SET case_pseudonym = $1, body = REPLACE(body, $2, $1) WHERE partnership_id = $3 AND case_pseudonym = $2"
                ))
                .bind(first)
                .bind(new)
                .bind(partnership_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
        }
        tx.commit().await?;
        if moved > 0 {
            self.rebuild_summaries().await?;
        }
        Ok((added, moved))
    }
}
