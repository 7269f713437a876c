//! What the tablet keeps besides answers: its enrolment, the session in progress, what the
//! child said for the practitioner, the partnership's forms and the idle lock.

use super::*;

/// Minutes of no use after which the tablet locks itself, as the practitioner may choose them.
pub const IDLE_LOCK_CHOICES: [u32; 5] = [1, 2, 5, 10, 15];
/// The idle lock until the practitioner chooses another.
pub const IDLE_LOCK_DEFAULT: u32 = 5;

/// The practitioner's choice of idle lock. Not secret: stored as it is.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct IdleLockRecord {
    minutes: u32,
}

/// What enrolment gave this tablet. Stored sealed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub device_token: String,
    /// The partnership key, base64url: only ever on enrolled tablets and in the coordinator's browser.
    pub partnership_key: String,
    pub key_fingerprint: String,
    pub agency: String,
    pub partnership: String,
    /// The server said the coordinator revoked this tablet: the token and the partnership key
    /// are gone from it (`forget_credentials`); answers stay, for a backup or a new enrolment.
    #[serde(default)]
    pub revoked: bool,
    /// On a revoked tablet, base64url of `crypto::backup_secret`: enough to seal the outbox
    /// for another tablet of the partnership, not to pseudonymise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_secret: Option<String>,
    /// Keys this tablet held before the partnership started a new one: each one's fingerprint
    /// and backup secret, so a backup file from a tablet still on it can be taken over.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierKey>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlierKey {
    pub fingerprint: String,
    /// base64url of `crypto::backup_secret` of that key.
    pub backup_secret: String,
}

/// The practitioner's session with one child, as the tablet keeps it (sealed) so a reload
/// does not end it (`crate::session`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub context: CaseContext,
    /// Only for "Hello, Sam!" and for scrubbing the name from the child's words. Never sent.
    pub first_name: Option<String>,
    /// Other names the practitioner gave (a brother's, a parent's), only to scrub from the
    /// child's words. Never sent.
    #[serde(default)]
    pub other_names: Vec<String>,
}

impl Session {
    /// A session with one child and no names given.
    pub fn of(context: CaseContext) -> Session {
        Session { context, first_name: None, other_names: Vec::new() }
    }

    /// Every name to scrub from the child's words: theirs and the others given.
    pub fn names(&self) -> Vec<String> {
        self.first_name.iter().chain(&self.other_names).cloned().collect()
    }
}

impl Store {
    /// Minutes of no use after which this tablet locks itself (readable while locked).
    pub async fn idle_lock_minutes(&self) -> u32 {
        self.setting::<IdleLockRecord>(IDLE_LOCK_KEY)
            .await
            .ok()
            .flatten()
            .map(|r| r.minutes)
            .filter(|m| IDLE_LOCK_CHOICES.contains(m))
            .unwrap_or(IDLE_LOCK_DEFAULT)
    }

    /// Keeps the practitioner's choice of idle lock (one of `IDLE_LOCK_CHOICES`).
    pub async fn set_idle_lock_minutes(&self, minutes: u32) -> Result<(), StoreError> {
        if !IDLE_LOCK_CHOICES.contains(&minutes) {
            return Err(StoreError::Op(format!("{minutes} minutes is not one of the idle-lock choices")));
        }
        self.put_setting(IDLE_LOCK_KEY, &IdleLockRecord { minutes }).await
    }

    /// The server said this tablet is revoked: its token and the partnership key are deleted at
    /// once (a lost tablet then holds nothing that undoes pseudonyms or sends as the
    /// partnership); what it needs to save its outbox for another tablet is kept. Answers stay.
    pub async fn forget_credentials(&self) -> Result<(), StoreError> {
        let Some(e) = self.enrolment().await? else { return Ok(()) };
        if e.revoked {
            return Ok(());
        }
        let key = heard_domain::b64::base64url_decode(&e.partnership_key).unwrap_or_default();
        let secret = crypto::backup_secret(&key).await?;
        let forgotten = Enrolment {
            device_token: String::new(),
            partnership_key: String::new(),
            revoked: true,
            backup_secret: Some(heard_domain::b64::base64url_encode(&secret)),
            ..e
        };
        self.save_enrolment(&forgotten).await
    }

    /// Keeps this tablet's enrolment (replacing any earlier one), sealed.
    pub async fn save_enrolment(&self, e: &Enrolment) -> Result<(), StoreError> {
        self.put_sealed_setting(ENROLMENT_KEY, e).await
    }

    /// Keeps the practitioner's session (the case context and the child's first name), sealed,
    /// so a reload does not end it; `end_session` wipes it.
    pub async fn save_session(&self, session: &Session) -> Result<(), StoreError> {
        self.put_sealed_setting(SESSION_KEY, session).await
    }

    /// The session in progress when the page was last closed, if any (needs the tablet unlocked).
    pub async fn session(&self) -> Result<Option<Session>, StoreError> {
        self.sealed_setting(SESSION_KEY).await
    }

    /// Ends the session on this tablet: its context, the child's first name and what the
    /// child said this session (`said`) are deleted, together.
    pub async fn end_session(&self) -> Result<(), StoreError> {
        self.write(&[SETTINGS], |tx| {
            let settings = tx.object_store(SETTINGS)?;
            settings.delete(SESSION_KEY).build()?;
            settings.delete(SAID_KEY).build().map(drop)
        })
        .await
    }

    /// Keeps, sealed, a form the child finished this session, as they gave it (words not yet
    /// scrubbed, and whether or not they agreed to share them), for the practitioner to read
    /// until the session ends. Finishing the same response again replaces it.
    pub async fn add_said(&self, response: &Response) -> Result<(), StoreError> {
        let mut said: Vec<StoredResponse> = self.sealed_setting(SAID_KEY).await?.unwrap_or_default();
        let record = StoredResponse::from(response);
        match said.iter_mut().find(|r| r.id == record.id) {
            Some(kept) => *kept = record,
            None => said.push(record),
        }
        self.put_sealed_setting(SAID_KEY, &said).await
    }

    /// What the children finished this session, oldest first (needs the tablet unlocked).
    pub async fn said(&self) -> Result<Vec<Response>, StoreError> {
        let said: Vec<StoredResponse> = self.sealed_setting(SAID_KEY).await?.unwrap_or_default();
        said.into_iter().map(Response::try_from).collect()
    }

    /// Keeps, sealed, a child's finished response whose follow-up signals the practitioner has
    /// not yet seen, so a reload before the PIN does not lose them; `clear_after_child` once seen.
    pub async fn save_after_child(&self, response: &heard_domain::Response) -> Result<(), StoreError> {
        self.put_sealed_setting(AFTER_CHILD_KEY, &StoredResponse::from(response)).await
    }

    /// The finished response still waiting for the practitioner's look, if any (needs the tablet
    /// unlocked).
    pub async fn after_child(&self) -> Result<Option<heard_domain::Response>, StoreError> {
        self.sealed_setting::<StoredResponse>(AFTER_CHILD_KEY).await?.map(Response::try_from).transpose()
    }

    pub async fn clear_after_child(&self) -> Result<(), StoreError> {
        self.delete_setting(AFTER_CHILD_KEY).await
    }

    /// The partnership's own forms kept on this tablet (readable while locked: a form holds
    /// questions, never answers).
    pub async fn partnership_forms(&self) -> Result<Vec<heard_domain::Form>, StoreError> {
        let Some(json) = self.setting::<String>(FORMS_KEY).await? else {
            return Ok(Vec::new());
        };
        crate::json::from_str(&json).map_err(StoreError::Corrupt)
    }

    /// Keeps `forms` as the partnership's forms, in place of those kept before.
    pub async fn keep_partnership_forms(&self, forms: &[heard_domain::Form]) -> Result<(), StoreError> {
        let json = serde_json::to_string(forms).expect("forms always serialise");
        self.put_setting(FORMS_KEY, &json).await
    }

    /// Whether this tablet has been enrolled (readable while locked).
    pub async fn is_enrolled(&self) -> Result<bool, StoreError> {
        Ok(self.setting::<SealedRecord>(ENROLMENT_KEY).await?.is_some())
    }

    /// This tablet's enrolment, if it has one (needs the tablet unlocked).
    pub async fn enrolment(&self) -> Result<Option<Enrolment>, StoreError> {
        self.sealed_setting(ENROLMENT_KEY).await
    }
}
