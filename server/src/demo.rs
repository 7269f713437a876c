//! A demo partnership, so a newcomer can try everything at once: one agency, a coordinator
//! login, and a fresh enrolment code on every start. Its partnership key is a fixed, public
//! demo key (a real partnership's key is made in the coordinator's browser and never reaches
//! the server); never use the demo partnership for real children.

use crate::auth::{hash_password, new_enrolment_code, now, sha256_hex};
use crate::Db;
use heard_domain::access::{AgencyKind, Role};
use heard_domain::enrolment::EnrolmentText;

pub const PARTNERSHIP: &str = "Demo Partnership";
pub const AGENCY: &str = "Demo Early Help Team";
pub const COORDINATOR_EMAIL: &str = "coordinator@demo.heard";
pub const COORDINATOR_PASSWORD: &str = "demo-coordinator";

/// The demo partnership's key: public, for demonstration only.
pub fn demo_key() -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b"Heard demo partnership key: public, for demonstration only").into()
}

pub struct Demo {
    pub enrolment_text: String,
}

/// Creates the demo partnership on first start, and issues a fresh enrolment code each time.
pub async fn seed(db: &Db) -> Result<Demo, sqlx::Error> {
    let t = now();
    let partnership_id = match db.partnership_by_name(PARTNERSHIP).await? {
        Some(id) => id,
        None => {
            let id = db.create_partnership(PARTNERSHIP, &sha256_hex(&demo_key()), t).await?;
            db.create_agency(&id, AGENCY, AgencyKind::EarlyHelp, t).await?;
            db.create_user(&id, COORDINATOR_EMAIL, &hash_password(COORDINATOR_PASSWORD), Role::Coordinator, t).await?;
            id
        }
    };
    let agency = db.agencies(&partnership_id).await?.into_iter().next().expect("the demo partnership has its agency");
    let code = new_enrolment_code();
    db.create_enrolment_code(&sha256_hex(code.as_bytes()), &agency.id, "demo", t, t + 7 * 24 * 60 * 60).await?;
    Ok(Demo { enrolment_text: EnrolmentText { code, key: demo_key() }.to_string() })
}
