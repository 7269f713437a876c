//! The PIN: the keyring that wraps the data key, unlocking (with the wait after wrong PINs)
//! and wiping the tablet.

use super::*;

/// The keyring, and the wrong-PIN count that slows guessing. Not secret: stored as it is.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct KeyringRecord {
    keyring: Keyring,
    failures: u32,
    last_failure_ms: f64,
}

/// Why an unlock did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnlockError {
    /// Wrong PIN; the next try is allowed after `wait_secs`.
    WrongPin { wait_secs: u32 },
    /// Too soon after a wrong PIN; try again after `wait_secs`.
    TooSoon { wait_secs: u32 },
    /// No PIN has been set on this tablet.
    NoPin,
    /// The tablet's storage failed (`StoreError::message_key` says whether it is full).
    Storage(StoreError),
}

impl Store {
    async fn keyring_record(&self) -> Result<Option<KeyringRecord>, StoreError> {
        self.setting(KEYRING_KEY).await
    }

    pub async fn has_pin(&self) -> Result<bool, StoreError> {
        Ok(self.keyring_record().await?.is_some())
    }

    /// Sets the first PIN: makes the data key, stores it wrapped, and unlocks.
    pub async fn set_pin(&self, pin: &str) -> Result<(), StoreError> {
        if self.has_pin().await? {
            return Err(StoreError::Op("this tablet already has a PIN".into()));
        }
        let (keyring, key) = crypto::new_keyring(pin, PBKDF2_ITERATIONS).await?;
        self.put_setting(KEYRING_KEY, &KeyringRecord { keyring, failures: 0, last_failure_ms: 0.0 }).await?;
        self.key.replace(Some(key));
        Ok(())
    }

    /// Unlocks with the PIN. Wrong PINs are counted (across reloads) and slow the next try;
    /// nothing is wiped. The wait is timed on the page's own clock, never the tablet's date and
    /// time, which anyone holding it can move forward.
    pub async fn unlock(&self, pin: &str) -> Result<(), UnlockError> {
        let mut record = self.keyring_record().await.map_err(UnlockError::Storage)?.ok_or(UnlockError::NoPin)?;
        let now = page_clock_ms();
        let wait_ms = f64::from(wait_after(record.failures)) * 1000.0;
        if wait_ms > 0.0 {
            let began = *self.wait_began.get().get_or_insert(now);
            self.wait_began.set(Some(began));
            let waited = now - began;
            if waited < wait_ms {
                return Err(UnlockError::TooSoon { wait_secs: ((wait_ms - waited) / 1000.0).ceil() as u32 });
            }
        }
        match crypto::unlock(&record.keyring, pin).await {
            Ok(key) => {
                self.wait_began.set(None);
                if record.failures > 0 {
                    record.failures = 0;
                    self.put_setting(KEYRING_KEY, &record).await.map_err(UnlockError::Storage)?;
                }
                self.key.replace(Some(key));
                Ok(())
            }
            Err(CryptoError::WrongPin) => {
                record.failures += 1;
                self.wait_began.set(Some(now));
                self.put_setting(KEYRING_KEY, &record).await.map_err(UnlockError::Storage)?;
                Err(UnlockError::WrongPin { wait_secs: wait_after(record.failures) })
            }
            Err(e) => Err(UnlockError::Storage(e.into())),
        }
    }

    /// Deletes everything on this tablet (after a forgotten PIN, with the practitioner's
    /// confirmation): unsent answers cannot be recovered without the PIN.
    pub async fn wipe(&self) -> Result<(), StoreError> {
        let all = [PENDING, DRAFTS, OUTCOMES, SETTINGS];
        self.write(&all, |tx| all.iter().try_for_each(|store| tx.object_store(store)?.clear().map(drop))).await?;
        self.lock();
        Ok(())
    }
}
