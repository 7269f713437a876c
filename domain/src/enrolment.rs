//! The enrolment text a coordinator gives a practitioner: `HEARD-ABCDE-FGHJK-<secret>`. The
//! first part is a one-time code the server knows (hashed); the rest is a one-time secret
//! that only the text holds. The partnership key is not in the text: the coordinator's
//! browser seals it under the secret (AES-128-GCM) and leaves the sealed key with the code on
//! the server, which releases it once, to the tablet that spends the code, then deletes it.
//! So an old message alone (the sealed key is gone), or the server's database alone (no
//! secret), gives nothing. A device sends the server the code, never the secret.

use crate::b64::{base64url_decode, base64url_encode};
use std::fmt;

/// Characters of a one-time code: no 0/O, 1/I/L, U, so it can be read aloud and typed.
pub const CODE_ALPHABET: &[u8; 30] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
/// Characters in a one-time code (two groups of five: ~49 bits).
pub const CODE_LEN: usize = 10;
/// Bytes of the one-time secret: an AES-128 key, made at random for each code.
pub const SECRET_BYTES: usize = 16;
/// Bytes of a sealed partnership key: a 12-byte IV, the 32-byte key, a 16-byte GCM tag.
pub const SEALED_KEY_BYTES: usize = 12 + 32 + 16;

#[derive(Clone, PartialEq, Eq)]
pub struct EnrolmentText {
    /// The one-time code, normalised (upper case, no dashes).
    pub code: String,
    /// The one-time secret that opens the sealed partnership key.
    pub secret: [u8; SECRET_BYTES],
}

impl fmt::Debug for EnrolmentText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        write!(f, "EnrolmentText {{ code: {:?}, secret: <hidden> }}", self.code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrolmentError {
    #[error("an enrolment code starts with HEARD-")]
    Prefix,
    #[error("the code part should be {CODE_LEN} letters and digits, like ABCDE-FGHJK")]
    Code,
    #[error("the part after the code is incomplete or mistyped")]
    Key,
    /// A text made before keys were sealed: it carries the partnership key itself.
    #[error("this enrolment text is from an earlier version of Heard; ask the coordinator for a new one")]
    Old,
}

/// Normalises a one-time code as typed: upper case, without dashes or spaces.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !matches!(c, '-' | ' ')).collect::<String>().to_ascii_uppercase();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

impl EnrolmentText {
    pub fn parse(text: &str) -> Result<EnrolmentText, EnrolmentError> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let rest = compact.get(..6).filter(|p| p.eq_ignore_ascii_case("HEARD-")).map(|_| &compact[6..]).ok_or(EnrolmentError::Prefix)?;
        // Code: the first ten code characters, dashes allowed between; the secret follows a dash.
        let mut code = String::new();
        let mut at = 0;
        for (i, c) in rest.char_indices() {
            if code.len() == CODE_LEN {
                at = i;
                break;
            }
            if c != '-' {
                code.push(c.to_ascii_uppercase());
            }
            at = i + c.len_utf8();
        }
        let code = normalise_code(&code).ok_or(EnrolmentError::Code)?;
        // One dash parts the code from the secret; the secret's own first character may be a
        // dash too (base64url), so only one is taken away.
        let tail = rest[at..].strip_prefix('-').unwrap_or(&rest[at..]);
        let tail = base64url_decode(tail).ok_or(EnrolmentError::Key)?;
        match tail.len() {
            SECRET_BYTES => Ok(EnrolmentText { code, secret: tail.try_into().expect("length checked") }),
            32 => Err(EnrolmentError::Old),
            _ => Err(EnrolmentError::Key),
        }
    }
}

impl fmt::Display for EnrolmentText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HEARD-{}-{}-{}", &self.code[..5], &self.code[5..], base64url_encode(&self.secret))
    }
}

/// Whether `text` is a sealed partnership key as a coordinator's browser makes them:
/// base64url of `SEALED_KEY_BYTES` bytes.
pub fn is_sealed_key(text: &str) -> bool {
    base64url_decode(text).is_some_and(|b| b.len() == SEALED_KEY_BYTES)
}

/// The one-time code as shown to people: `ABCDE-FGHJK`.
pub fn display_code(code: &str) -> String {
    format!("{}-{}", &code[..5.min(code.len())], &code[5.min(code.len())..])
}

/// The partnership key's backup file, which the coordinator must save when the partnership is
/// created and can restore on another browser. JSON, so it can be read and checked by eye.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyBackup {
    /// Always `1`: names the file's kind and version.
    pub heard_partnership_key: u32,
    pub partnership: String,
    /// The key, base64url.
    pub key: String,
    /// SHA-256 (hex) of the key, as the server knows it.
    pub fingerprint: String,
    pub warning: String,
}

impl fmt::Debug for KeyBackup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyBackup {{ partnership: {:?}, key: <hidden> }}", self.partnership)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyBackupError {
    #[error("this is not a Heard partnership key backup file")]
    NotABackup,
    #[error("the key in this file is damaged")]
    Damaged,
}

impl KeyBackup {
    pub fn new(partnership: &str, key: &[u8; 32], fingerprint: &str) -> KeyBackup {
        KeyBackup {
            heard_partnership_key: 1,
            partnership: partnership.to_string(),
            key: base64url_encode(key),
            fingerprint: fingerprint.to_string(),
            warning: "This is your partnership's key. Keep it safe and private: without it no new tablet can be enrolled and no outcome imported; with it, case references can be matched to pseudonyms.".into(),
        }
    }

    /// Reads a backup file: the key (its fingerprint is for the caller to check).
    pub fn parse(text: &str) -> Result<(KeyBackup, [u8; 32]), KeyBackupError> {
        KeyBackup::read_by(text, |json| serde_json::from_str(json).map_err(|e| e.to_string()))
    }

    /// `parse`, the file's JSON read by `read`: the browser app passes the browser's own JSON
    /// reader, so its bundle carries no second one.
    pub fn read_by(text: &str, read: impl Fn(&str) -> Result<KeyBackup, String>) -> Result<(KeyBackup, [u8; 32]), KeyBackupError> {
        let backup = read(text.trim_start_matches('\u{feff}')).map_err(|_| KeyBackupError::NotABackup)?;
        if backup.heard_partnership_key != 1 {
            return Err(KeyBackupError::NotABackup);
        }
        let key = base64url_decode(&backup.key).and_then(|k| k.try_into().ok()).ok_or(KeyBackupError::Damaged)?;
        Ok((backup, key))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a backup always serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_backups_round_trip_and_refuse_other_files() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8 * 7);
        let file = KeyBackup::new("North", &key, "ab12").to_json();
        let (backup, read) = KeyBackup::parse(&file).unwrap();
        assert_eq!((read, backup.partnership.as_str(), backup.fingerprint.as_str()), (key, "North", "ab12"));
        assert!(!format!("{backup:?}").contains(&backup.key), "Debug never shows the key");
        assert_eq!(KeyBackup::parse("{\"name\": 1}").unwrap_err(), KeyBackupError::NotABackup);
        assert_eq!(KeyBackup::parse("case,outcome").unwrap_err(), KeyBackupError::NotABackup);
        let damaged = file.replace(&base64url_encode(&key), "abc");
        assert_eq!(KeyBackup::parse(&damaged).unwrap_err(), KeyBackupError::Damaged);
    }

    fn sample() -> EnrolmentText {
        EnrolmentText { code: "ABCDEFGHJK".into(), secret: core::array::from_fn(|i| i as u8 * 7) }
    }

    #[test]
    fn round_trips_and_tolerates_how_people_paste() {
        let text = sample().to_string();
        assert!(text.starts_with("HEARD-ABCDE-FGHJK-"));
        assert_eq!(EnrolmentText::parse(&text).unwrap(), sample());
        // The secret is case-sensitive; the prefix and code are not, and spaces are ignored.
        let messy = format!("  heard-abcde - fghjk-{}\n", base64url_encode(&sample().secret));
        assert_eq!(EnrolmentText::parse(&messy).unwrap(), sample());
    }

    #[test]
    fn mistakes_are_named() {
        let text = sample().to_string();
        assert_eq!(EnrolmentText::parse("ABCDE-FGHJK"), Err(EnrolmentError::Prefix));
        assert_eq!(EnrolmentText::parse(&text.replacen("ABCDE", "ABCD0", 1)), Err(EnrolmentError::Code));
        assert_eq!(EnrolmentText::parse(&text[..text.len() - 3]), Err(EnrolmentError::Key));
        assert!(!format!("{:?}", sample()).contains(&base64url_encode(&sample().secret)), "Debug never shows the secret");
    }

    #[test]
    fn a_secret_that_starts_with_a_dash_is_read_whole() {
        // 0xF8 in the first byte: base64url starts it with '-' (one enrolment in 64 did not enrol).
        let text = EnrolmentText { code: "ABCDEFGHJK".into(), secret: [0xF8; SECRET_BYTES] };
        assert!(text.to_string().starts_with("HEARD-ABCDE-FGHJK--"), "{text}");
        assert_eq!(EnrolmentText::parse(&text.to_string()), Ok(text));
    }

    #[test]
    fn the_text_carries_no_partnership_key_and_old_texts_that_did_are_named() {
        // A text as made before keys were sealed: the 32-byte partnership key after the code.
        let old = format!("HEARD-ABCDE-FGHJK-{}", base64url_encode(&[9u8; 32]));
        assert_eq!(EnrolmentText::parse(&old), Err(EnrolmentError::Old));
        // Today's: 16 bytes, which cannot hold a 32-byte key.
        let text = sample().to_string();
        assert_eq!(base64url_decode(text.rsplit('-').next().unwrap()).unwrap().len(), SECRET_BYTES);
        assert!(is_sealed_key(&base64url_encode(&[1u8; SEALED_KEY_BYTES])));
        assert!(!is_sealed_key(&base64url_encode(&[1u8; 32])));
        assert!(!is_sealed_key("not base64 at all!"));
    }

    #[test]
    fn codes_are_normalised() {
        assert_eq!(normalise_code("abcde-fghjk").as_deref(), Some("ABCDEFGHJK"));
        assert_eq!(normalise_code("ABCDE-FGHJ"), None);
        assert_eq!(normalise_code("ABCDE-FGHJO"), None, "O is not in the alphabet");
    }
}
