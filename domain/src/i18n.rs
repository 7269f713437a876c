//! Languages and text. Every word a child or practitioner sees comes from here: a form
//! carries its own wording per language (`Text`), and the screens' wording comes from the
//! translation files in `domain/i18n/` (`UiStrings`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A language tag such as `en`, `pl` or `ar` (lower-case, 2 or 3 letters).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Lang(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a language tag (2 or 3 lower-case letters, e.g. \"en\")")]
pub struct LangError(pub String);

impl Lang {
    pub fn new(tag: &str) -> Result<Lang, LangError> {
        let ok = (2..=3).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_lowercase());
        ok.then(|| Lang(tag.to_string())).ok_or_else(|| LangError(tag.to_string()))
    }

    pub fn en() -> Lang {
        Lang("en".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the language is written right to left, so the layout must be mirrored.
    pub fn is_rtl(&self) -> bool {
        matches!(self.0.as_str(), "ar" | "he" | "fa" | "ur" | "ps" | "ckb" | "yi")
    }

    pub fn dir(&self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }
}

impl TryFrom<String> for Lang {
    type Error = LangError;
    fn try_from(s: String) -> Result<Lang, LangError> {
        Lang::new(&s)
    }
}

impl From<Lang> for String {
    fn from(l: Lang) -> String {
        l.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One piece of wording in every language a form offers: `{"en": "...", "ar": "..."}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(pub BTreeMap<Lang, String>);

impl Text {
    /// The wording in `lang`, or English when a form lacks it (validation prevents that for
    /// every language a form declares).
    pub fn get(&self, lang: &Lang) -> &str {
        self.0.get(lang).or_else(|| self.0.get(&Lang::en())).map(String::as_str).unwrap_or("")
    }

    /// Languages among `langs` with no (or blank) wording here.
    pub fn missing<'a>(&self, langs: &'a [Lang]) -> Vec<&'a Lang> {
        langs.iter().filter(|l| self.0.get(*l).is_none_or(|s| s.trim().is_empty())).collect()
    }
}

/// A shipped translation file: the screens' wording in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiStrings {
    pub lang: Lang,
    /// The language's own name, shown in the language picker (e.g. "Polski").
    pub name: String,
    /// True until a native speaker has reviewed the file.
    pub awaiting_review: bool,
    pub strings: BTreeMap<String, String>,
}

impl UiStrings {
    /// The string for `key`; the key itself when missing, which tests forbid for shipped files.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }

    /// `get` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

const SHIPPED_UI: [&str; 3] = [include_str!("../i18n/en.json"), include_str!("../i18n/pl.json"), include_str!("../i18n/ar.json")];

/// The coordinator's own wording (dashboard, setup, import), kept apart so tablets do not
/// download it.
const SHIPPED_COORDINATOR: [&str; 3] =
    [include_str!("../i18n/coordinator/en.json"), include_str!("../i18n/coordinator/pl.json"), include_str!("../i18n/coordinator/ar.json")];

fn parse_all(files: &[&str]) -> Vec<UiStrings> {
    read_all(files, |json| serde_json::from_str(json).map_err(|e| e.to_string()))
}

fn read_all(files: &[&str], read: impl Fn(&str) -> Result<UiStrings, String>) -> Vec<UiStrings> {
    files.iter().map(|json| read(json).expect("shipped translation files are valid (tested)")).collect()
}

/// The translation files shipped with Heard (the tablet's screens), English first.
pub fn shipped_ui_strings() -> Vec<UiStrings> {
    parse_all(&SHIPPED_UI)
}

/// The same, each file read from its JSON by `read`: the browser app passes the browser's own
/// JSON reader, so its bundle carries no second one.
pub fn shipped_ui_strings_read_by(read: impl Fn(&str) -> Result<UiStrings, String>) -> Vec<UiStrings> {
    read_all(&SHIPPED_UI, read)
}

/// The tablet's wording and the coordinator's, per language, English first: what the
/// coordinator's app and the server's CSV headings use.
pub fn shipped_coordinator_strings() -> Vec<UiStrings> {
    shipped_coordinator_strings_read_by(|json| serde_json::from_str(json).map_err(|e| e.to_string()))
}

/// The same, each file read from its JSON by `read` (see `shipped_ui_strings_read_by`).
pub fn shipped_coordinator_strings_read_by(read: impl Fn(&str) -> Result<UiStrings, String>) -> Vec<UiStrings> {
    let mut all = read_all(&SHIPPED_UI, &read);
    for extra in read_all(&SHIPPED_COORDINATOR, &read) {
        if let Some(base) = all.iter_mut().find(|u| u.lang == extra.lang) {
            base.strings.extend(extra.strings);
        }
    }
    all
}

/// The shipped languages, English first.
pub fn shipped_langs() -> Vec<Lang> {
    shipped_ui_strings().into_iter().map(|u| u.lang).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_checked_and_know_their_direction() {
        assert!(Lang::new("ar").unwrap().is_rtl());
        assert_eq!(Lang::new("pl").unwrap().dir(), "ltr");
        for bad in ["", "EN", "english", "e1"] {
            assert!(Lang::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_shipped_translation_has_every_english_key_and_no_others() {
        for all in [shipped_ui_strings(), shipped_coordinator_strings()] {
            check_translations(&all);
        }
        let coordinator: Vec<Lang> = shipped_coordinator_strings().into_iter().map(|u| u.lang).collect();
        assert_eq!(coordinator, shipped_langs(), "the coordinator's wording comes in the same languages");
    }

    fn check_translations(all: &[UiStrings]) {
        let en = &all[0];
        assert_eq!(en.lang, Lang::en());
        assert!(!en.awaiting_review);
        for other in &all[1..] {
            assert!(other.awaiting_review, "{} must be marked awaiting review by a native speaker", other.lang);
            let missing: Vec<_> = en.strings.keys().filter(|k| !other.strings.contains_key(*k)).collect();
            let extra: Vec<_> = other.strings.keys().filter(|k| !en.strings.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", other.lang);
            assert!(extra.is_empty(), "{} has keys English lacks: {extra:?}", other.lang);
            for (k, v) in &other.strings {
                assert!(!v.trim().is_empty(), "{}: {k} is blank", other.lang);
                // Placeholders must survive translation.
                for placeholder in en.strings[k].split('{').skip(1).filter_map(|s| s.split('}').next()) {
                    assert!(v.contains(&format!("{{{placeholder}}}")), "{}: {k} lost {{{placeholder}}}", other.lang);
                }
            }
        }
    }

    #[test]
    fn shipped_languages_include_one_right_to_left() {
        let langs = shipped_langs();
        assert!(langs.len() >= 3);
        assert!(langs.iter().any(Lang::is_rtl));
    }

    #[test]
    fn text_falls_back_to_english_and_reports_gaps() {
        let t: Text = serde_json::from_str(r#"{"en": "Hello", "pl": " "}"#).unwrap();
        let ar = Lang::new("ar").unwrap();
        assert_eq!(t.get(&ar), "Hello");
        let langs = [Lang::en(), Lang::new("pl").unwrap(), ar.clone()];
        assert_eq!(t.missing(&langs), vec![&langs[1], &ar]);
    }
}
