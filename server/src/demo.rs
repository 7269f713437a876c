//! A demo partnership, so a newcomer can try everything at once: five agencies, a coordinator
//! login, synthetic responses and outcomes (generated, no real child) so the dashboard is
//! populated, and a fresh enrolment code on every start. Its partnership key is a fixed,
//! public demo key (a real partnership's key is made in the coordinator's browser and never
//! reaches the server); never use the demo partnership for real children.

use crate::auth::{hash_password, new_enrolment_code, now, random_token, sha256_hex};
use crate::synthetic::{self, Item};
use crate::Db;
use heard_domain::access::{AgencyKind, AgencyV1, Role};
use heard_domain::enrolment::{EnrolmentText, SECRET_BYTES};
use heard_domain::Day;

pub const PARTNERSHIP: &str = "Demo Partnership";
pub const AGENCY: &str = "Demo Early Help Team";
pub const COORDINATOR_EMAIL: &str = "coordinator@demo.heard";
pub const COORDINATOR_PASSWORD: &str = "demo-coordinator";
/// Synthetic cases the demo starts with (about 2.5 responses each).
pub const DEMO_CASES: usize = 800;

const OTHER_AGENCIES: [(&str, AgencyKind); 4] = [
    ("Demo Primary School", AgencyKind::School),
    ("Demo Health Visiting", AgencyKind::Health),
    ("Demo Housing Options", AgencyKind::Housing),
    ("Demo Family Support Charity", AgencyKind::VoluntarySector),
];

/// The demo partnership's key: public, for demonstration only.
pub fn demo_key() -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b"Heard demo partnership key: public, for demonstration only").into()
}

/// The demo partnership key's backup file, as a coordinator would have saved it.
pub fn key_backup() -> String {
    heard_domain::enrolment::KeyBackup::new(PARTNERSHIP, &demo_key(), &sha256_hex(&demo_key())).to_json()
}

/// Where the demo key's backup file goes: beside a SQLite database, else the working folder.
pub fn key_backup_path(database_url: &str) -> std::path::PathBuf {
    let name = "demo-partnership-key.json";
    let file = database_url.strip_prefix("sqlite:").map(|p| p.split('?').next().unwrap_or(p).trim_start_matches("//"));
    match file.and_then(|f| std::path::Path::new(f).parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(name),
        _ => std::path::PathBuf::from(name),
    }
}

pub struct Demo {
    /// `None` once someone started a new key for the demo partnership: codes are then made in
    /// the coordinator's app with the new key's file.
    pub enrolment_text: Option<String>,
}

/// Creates the demo partnership on first start, with its synthetic history, and issues a
/// fresh enrolment code each time.
pub async fn seed(db: &Db, cases: usize) -> Result<Demo, sqlx::Error> {
    let t = now();
    let partnership_id = match db.partnership_by_name(PARTNERSHIP).await? {
        Some(id) => id,
        None => {
            let id = db.create_partnership(PARTNERSHIP, &sha256_hex(&demo_key()), t).await?;
            db.create_agency(&id, AGENCY, AgencyKind::EarlyHelp, t).await?;
            for (name, kind) in OTHER_AGENCIES {
                db.create_agency(&id, name, kind, t).await?;
            }
            db.create_user(&id, COORDINATOR_EMAIL, &hash_password(COORDINATOR_PASSWORD), Role::Coordinator, t).await?;
            let agencies = db.agencies(&id).await?;
            seed_synthetic(db, &agencies, cases, 1, today()).await?;
            id
        }
    };
    let agency = db.agencies(&partnership_id).await?.into_iter().find(|a| a.name == AGENCY).expect("the demo partnership has its agency");
    if db.key_in_use(&partnership_id).await?.as_deref() != Some(sha256_hex(&demo_key()).as_str()) {
        return Ok(Demo { enrolment_text: None });
    }
    let code = new_enrolment_code();
    let (secret, sealed) = seal_for_enrolment(&demo_key());
    db.create_enrolment_code(&sha256_hex(code.as_bytes()), &agency.id, &sealed, "demo", t, t + 7 * 24 * 60 * 60).await?;
    Ok(Demo { enrolment_text: Some(EnrolmentText { code, secret }.to_string()) })
}

/// Seals a partnership key for one enrolment as the coordinator's browser does (AES-128-GCM
/// under a fresh one-time secret; IV, then ciphertext and tag): the secret for the text, the
/// sealed key (base64url) for the server. Here only for the demo, whose key is public.
pub fn seal_for_enrolment(key: &[u8; 32]) -> ([u8; SECRET_BYTES], String) {
    use aes_gcm::aead::{Aead, KeyInit};
    use rand::RngCore;
    let mut secret = [0u8; SECRET_BYTES];
    let mut iv = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    rand::rngs::OsRng.fill_bytes(&mut iv);
    let cipher = aes_gcm::Aes128Gcm::new_from_slice(&secret).expect("16 bytes is an AES-128 key");
    let sealed = cipher.encrypt(aes_gcm::Nonce::from_slice(&iv), key.as_slice()).expect("AES-GCM seals 32 bytes");
    (secret, heard_domain::b64::base64url_encode(&[iv.as_slice(), &sealed].concat()))
}

/// Opens a key sealed by `seal_for_enrolment` (or a coordinator's browser) with its secret.
pub fn open_enrolment_key(secret: &[u8; SECRET_BYTES], sealed: &str) -> Option<[u8; 32]> {
    use aes_gcm::aead::{Aead, KeyInit};
    let bytes = heard_domain::b64::base64url_decode(sealed)?;
    let (iv, body) = bytes.split_at_checked(12)?;
    let cipher = aes_gcm::Aes128Gcm::new_from_slice(secret).ok()?;
    cipher.decrypt(aes_gcm::Nonce::from_slice(iv), body).ok()?.try_into().ok()
}

fn today() -> Day {
    Day::from_unix_days(now() / 86_400).expect("the clock is set after 2000")
}

/// Stores `cases` synthetic cases for a partnership through the same path device batches
/// take, from one stand-in device per agency. Its token is random and thrown away, so no tablet
/// can use it; it is left active, having sent, so the tablets' list looks like a partnership's
/// in use (all "revoked, never sent" puzzled whoever tried the demo).
/// Returns the number of responses stored.
pub async fn seed_synthetic(db: &Db, agencies: &[AgencyV1], cases: usize, seed: u64, today: Day) -> Result<u64, sqlx::Error> {
    let items: Vec<Item> = synthetic::generate(seed, cases, agencies.len(), today).collect();
    store_items(db, agencies, items.iter()).await
}

/// Stores synthetic items as `seed_synthetic` does (the benchmark times this).
pub async fn store_items<'a>(db: &Db, agencies: &[AgencyV1], items: impl Iterator<Item = &'a Item>) -> Result<u64, sqlx::Error> {
    let t = now();
    let mut devices = Vec::new();
    for a in agencies {
        let token_hash = sha256_hex(random_token().as_bytes());
        db.create_device(&a.id, &token_hash, t).await?;
        devices.push(db.device_by_token(&token_hash).await?.expect("the device was just added"));
    }
    let mut responses: Vec<Vec<heard_domain::Response>> = vec![Vec::new(); agencies.len()];
    let mut outcomes: Vec<Vec<heard_domain::wire::OutcomeV1>> = vec![Vec::new(); agencies.len()];
    let mut stored = 0;
    for item in items {
        match item {
            Item::Response(a, r) => {
                let a = *a;
                responses[a].push(r.clone());
                if responses[a].len() == 200 {
                    stored += db.store_responses(&devices[a], &std::mem::take(&mut responses[a])).await?.len() as u64;
                }
            }
            Item::Outcome(a, o) => {
                let a = *a;
                outcomes[a].push(o.clone());
                if outcomes[a].len() == 200 {
                    db.store_outcomes(&devices[a], &std::mem::take(&mut outcomes[a])).await?;
                }
            }
        }
    }
    for (a, device) in devices.iter().enumerate() {
        stored += db.store_responses(device, &responses[a]).await?.len() as u64;
        db.store_outcomes(device, &outcomes[a]).await?;
        db.touch_device(&device.id, t).await?;
    }
    Ok(stored)
}
