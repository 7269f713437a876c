//! What the device knows about a case, in the only forms that may leave it: the case
//! reference becomes a pseudonym (HMAC-SHA256 with the partnership key, computed where the
//! key lives: the device or the coordinator's browser), the age an age band, and the case's
//! circumstances a set of flags and a stage. The raw reference and the child's name never
//! appear in these types.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest case reference accepted, after normalising.
pub const MAX_CASE_REF: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseRefError {
    #[error("the case reference is empty")]
    Empty,
    #[error("the case reference is longer than {MAX_CASE_REF} characters")]
    TooLong,
}

/// Normalises a case reference as typed (by a practitioner) or exported (by the case system)
/// so both give the same pseudonym: spaces removed, ASCII letters upper-cased. Other characters
/// are kept, so "12/3" and "1/23" stay different cases.
pub fn normalise_case_ref(raw: &str) -> Result<String, CaseRefError> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if s.is_empty() {
        Err(CaseRefError::Empty)
    } else if s.chars().count() > MAX_CASE_REF {
        Err(CaseRefError::TooLong)
    } else {
        Ok(s)
    }
}

/// A case's pseudonym: HMAC-SHA256(partnership key, normalised reference), 64 lower-case hex
/// digits. Stable for a case across devices and imports; not reversible without the key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pseudonym(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a pseudonym is 64 lower-case hexadecimal digits")]
pub struct PseudonymError;

impl Pseudonym {
    pub fn from_digest(bytes: &[u8; 32]) -> Pseudonym {
        Pseudonym(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Pseudonym {
    type Error = PseudonymError;
    fn try_from(s: String) -> Result<Pseudonym, PseudonymError> {
        let ok = s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then_some(Pseudonym(s)).ok_or(PseudonymError)
    }
}

impl From<Pseudonym> for String {
    fn from(p: Pseudonym) -> String {
        p.0
    }
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A circumstance of the family that the partnership looks at separately (audit points on
/// disability and homelessness).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Disability or special educational needs (SEND).
    Send,
    /// Homeless or in temporary accommodation.
    Homeless,
    /// An early help assessment (CAF) is in place.
    EarlyHelpAssessment,
    ChildProtectionPlan,
    YoungCarer,
}

impl Flag {
    pub const ALL: [Flag; 5] = [Flag::Send, Flag::Homeless, Flag::EarlyHelpAssessment, Flag::ChildProtectionPlan, Flag::YoungCarer];

    /// The bit this flag has in `ContextFlags::bits`, as the server stores them.
    pub const fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// As it is written in JSON, in query strings and in translation keys (`session.flag.send`).
    pub fn code(self) -> &'static str {
        match self {
            Flag::Send => "send",
            Flag::Homeless => "homeless",
            Flag::EarlyHelpAssessment => "early_help_assessment",
            Flag::ChildProtectionPlan => "child_protection_plan",
            Flag::YoungCarer => "young_carer",
        }
    }

    pub fn parse(code: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// The family's circumstances: which `Flag`s hold. On the wire and on the tablet, an object
/// of one boolean per flag (`{"send": true, "homeless": false, ...}`, every one required).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "FlagsV1", into = "FlagsV1")]
pub struct ContextFlags(u8);

impl ContextFlags {
    /// SEND and homeless: the focus groups the dashboard breaks down by.
    pub const FOCUS: ContextFlags = ContextFlags(Flag::Send.bit() | Flag::Homeless.bit());

    pub fn of(flags: impl IntoIterator<Item = Flag>) -> ContextFlags {
        ContextFlags(flags.into_iter().fold(0, |bits, f| bits | f.bit()))
    }

    pub fn has(self, flag: Flag) -> bool {
        self.0 & flag.bit() != 0
    }

    pub fn set(&mut self, flag: Flag, on: bool) {
        self.0 = if on { self.0 | flag.bit() } else { self.0 & !flag.bit() };
    }

    /// The flags that hold, in `Flag::ALL` order.
    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::ALL.into_iter().filter(move |f| self.has(*f))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Only the flags that are also in `other`.
    pub fn and(self, other: ContextFlags) -> ContextFlags {
        ContextFlags(self.0 & other.0)
    }

    /// The flags as bits (`Flag::bit`), as the server stores them.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Flags stored as `bits`; bits no flag has are dropped.
    pub fn from_bits(bits: u8) -> ContextFlags {
        ContextFlags(bits & ContextFlags::of(Flag::ALL).0)
    }
}

/// `ContextFlags` as protocol v1 and the tablet's records write them.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagsV1 {
    send: bool,
    homeless: bool,
    early_help_assessment: bool,
    child_protection_plan: bool,
    young_carer: bool,
}

impl From<FlagsV1> for ContextFlags {
    fn from(w: FlagsV1) -> Self {
        let on = [w.send, w.homeless, w.early_help_assessment, w.child_protection_plan, w.young_carer];
        ContextFlags::of(Flag::ALL.into_iter().zip(on).filter(|(_, on)| *on).map(|(f, _)| f))
    }
}

impl From<ContextFlags> for FlagsV1 {
    fn from(f: ContextFlags) -> Self {
        FlagsV1 {
            send: f.has(Flag::Send),
            homeless: f.has(Flag::Homeless),
            early_help_assessment: f.has(Flag::EarlyHelpAssessment),
            child_protection_plan: f.has(Flag::ChildProtectionPlan),
            young_carer: f.has(Flag::YoungCarer),
        }
    }
}

/// Where the support is when the child answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Start,
    Review,
    Closing,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Start, Stage::Review, Stage::Closing];

    /// As it is written in JSON and in translation keys (`session.stage.review`).
    pub fn code(self) -> &'static str {
        match self {
            Stage::Start => "start",
            Stage::Review => "review",
            Stage::Closing => "closing",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What a response says about its case: never a name or reference, only these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseContext {
    /// The case's pseudonym under the partnership key.
    pub case: Pseudonym,
    /// The child's age band (from their age in years; the age itself is not kept).
    pub age_band: crate::AgeBand,
    pub flags: ContextFlags,
    pub stage: Stage,
}

impl CaseContext {
    /// A made-up context for tests and examples: a pseudonym of all `digit`s, Middle, start.
    pub fn example(digit: u8) -> CaseContext {
        CaseContext {
            case: Pseudonym::from_digest(&[digit.wrapping_mul(17); 32]),
            age_band: crate::AgeBand::Middle,
            flags: ContextFlags::default(),
            stage: Stage::Start,
        }
    }
}

/// How a case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Closed with needs met.
    NeedsMet,
    /// Stepped down to universal services.
    SteppedDown,
    /// Stepped up to children's social care.
    SteppedUp,
    ChildProtection,
    /// Referred to a specialist service.
    Specialist,
    /// The family disengaged.
    Disengaged,
    MovedAway,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 8] = [
        Outcome::NeedsMet,
        Outcome::SteppedDown,
        Outcome::SteppedUp,
        Outcome::ChildProtection,
        Outcome::Specialist,
        Outcome::Disengaged,
        Outcome::MovedAway,
        Outcome::Other,
    ];

    /// As it is written in JSON and in translation keys (`outcome.needs_met`).
    pub fn code(self) -> &'static str {
        match self {
            Outcome::NeedsMet => "needs_met",
            Outcome::SteppedDown => "stepped_down",
            Outcome::SteppedUp => "stepped_up",
            Outcome::ChildProtection => "child_protection",
            Outcome::Specialist => "specialist",
            Outcome::Disengaged => "disengaged",
            Outcome::MovedAway => "moved_away",
            Outcome::Other => "other",
        }
    }

    /// Reads an outcome as a case-management export might write it: the snake_case code or
    /// the plain words, in any case ("Stepped up", "stepped_up", "STEPPED-UP").
    pub fn parse(text: &str) -> Option<Outcome> {
        let key: String = text.trim().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        Some(match key.as_str() {
            "needsmet" | "closedneedsmet" | "closed" => Outcome::NeedsMet,
            // The app's own words for each (the dashboard's, the tablet's) are read too.
            "steppeddown" | "stepdown" | "steppeddowntouniversalservices" => Outcome::SteppedDown,
            "steppedup" | "stepup" | "childrenssocialcare" | "steppeduptochildrenssocialcare" => Outcome::SteppedUp,
            "childprotection" | "cp" => Outcome::ChildProtection,
            "specialist" | "referredtospecialist" | "referredtoaspecialistservice" | "specialistservice" => Outcome::Specialist,
            "disengaged" | "familydisengaged" => Outcome::Disengaged,
            "movedaway" | "moved" => Outcome::MovedAway,
            "other" => Outcome::Other,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_have_one_bit_each_and_travel_as_booleans() {
        assert_eq!(ContextFlags::of(Flag::ALL).bits(), 0b11111);
        assert_eq!(ContextFlags::of([Flag::Homeless]).bits(), Flag::Homeless.bit());
        let f = ContextFlags::of([Flag::Send, Flag::YoungCarer]);
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, r#"{"send":true,"homeless":false,"early_help_assessment":false,"child_protection_plan":false,"young_carer":true}"#);
        assert_eq!(serde_json::from_str::<ContextFlags>(&json).unwrap(), f);
        assert!(serde_json::from_str::<ContextFlags>(r#"{"send":true}"#).is_err(), "every flag is required");
        assert_eq!(f.iter().collect::<Vec<_>>(), [Flag::Send, Flag::YoungCarer]);
        assert_eq!(ContextFlags::from_bits(0xff), ContextFlags::of(Flag::ALL));
        for flag in Flag::ALL {
            assert_eq!(Flag::parse(flag.code()), Some(flag));
            assert_eq!(serde_json::to_value(flag).unwrap(), flag.code(), "the code is the JSON name");
        }
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.code()), Some(stage));
        }
    }

    #[test]
    fn references_typed_differently_normalise_alike() {
        assert_eq!(normalise_case_ref(" eh-2024 00123 ").unwrap(), "EH-202400123");
        assert_eq!(normalise_case_ref("EH-2024 00123").unwrap(), normalise_case_ref("eh-202400123").unwrap());
        assert_ne!(normalise_case_ref("12/3").unwrap(), normalise_case_ref("1/23").unwrap());
        assert_eq!(normalise_case_ref("   "), Err(CaseRefError::Empty));
        assert_eq!(normalise_case_ref(&"x".repeat(65)), Err(CaseRefError::TooLong));
    }

    #[test]
    fn pseudonyms_are_64_hex_digits() {
        let p = Pseudonym::from_digest(&[0xab; 32]);
        assert_eq!(p.as_str().len(), 64);
        assert!(p.as_str().starts_with("abab"));
        assert_eq!(serde_json::from_str::<Pseudonym>(&format!("\"{p}\"")).unwrap(), p);
        assert!(serde_json::from_str::<Pseudonym>("\"EH-202400123\"").is_err(), "a raw reference is never a pseudonym");
        assert!(serde_json::from_str::<Pseudonym>(&format!("\"{}\"", "A".repeat(64))).is_err());
    }

    #[test]
    fn outcomes_are_read_from_export_wording() {
        assert_eq!(Outcome::parse("Stepped up"), Some(Outcome::SteppedUp));
        assert_eq!(Outcome::parse("STEPPED_DOWN"), Some(Outcome::SteppedDown));
        assert_eq!(Outcome::parse("Referred to a specialist service"), Some(Outcome::Specialist));
        assert_eq!(Outcome::parse("moved away"), Some(Outcome::MovedAway));
        assert_eq!(Outcome::parse("adopted"), None);
        // As the dashboard and the tablet name them.
        let en: serde_json::Value = serde_json::from_str(include_str!("../i18n/en.json")).unwrap();
        for o in Outcome::ALL {
            let code = serde_json::to_value(o).unwrap();
            let label = en["strings"][format!("outcome.{}", code.as_str().unwrap())].as_str().unwrap();
            assert_eq!(Outcome::parse(label), Some(o), "{label}");
        }
        for o in Outcome::ALL {
            let code = serde_json::to_value(o).unwrap();
            assert_eq!(Outcome::parse(code.as_str().unwrap()), Some(o));
        }
    }
}
