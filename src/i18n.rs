//! The app's wording, from the shipped translation files (`domain/i18n/*.json`), and the
//! current language. Changing the language also sets `<html lang dir>`, so right-to-left
//! languages mirror the whole layout. Two languages matter: the practitioner's own (their
//! screens: the PIN, the follow-ups, the picker; kept in this browser) and, while a child
//! answers, the child's (`FormRun` sets it, and gives the practitioner's back when it ends).

use gloo_storage::{LocalStorage, Storage};
use heard_domain::i18n::{shipped_ui_strings_read_by, Lang, UiStrings};
use leptos::prelude::*;
use std::sync::Arc;

/// Shared by every page through context: the current language and all shipped wording.
#[derive(Clone, Copy)]
pub struct I18n {
    /// The language of the screen shown now.
    pub lang: RwSignal<Lang>,
    /// The practitioner's own language.
    own: RwSignal<Lang>,
    all: StoredValue<Arc<Vec<UiStrings>>>,
}

/// Where this browser keeps the practitioner's language (not about any child).
const OWN_LANG_KEY: &str = "heard.lang";

impl I18n {
    /// The tablet's app, in the practitioner's own language as this browser kept it.
    pub fn new() -> I18n {
        I18n::with(shipped_ui_strings_read_by(crate::json::read_ui_strings)).in_kept_language()
    }

    /// In the language this browser kept (`set_own`), if it is one of those shipped.
    fn in_kept_language(self) -> I18n {
        // Kept as JSON text (read with the browser's reader, `crate::json`); versions before
        // December 2026 kept the bare code.
        let text = crate::device::local_storage_allowed().then(|| LocalStorage::raw().get_item(OWN_LANG_KEY).ok().flatten()).flatten();
        let kept = text.map(|t| crate::json::from_str::<String>(&t).unwrap_or(t)).and_then(|l| Lang::new(&l).ok());
        if let Some(lang) = kept.filter(|l| self.languages().iter().any(|(shipped, _)| shipped == l)) {
            self.own.set(lang.clone());
            self.set_lang(lang);
        }
        self
    }

    /// The coordinator's app: the tablet's wording and its own.
    pub fn for_coordinator() -> I18n {
        I18n::with(heard_domain::i18n::shipped_coordinator_strings_read_by(crate::json::read_ui_strings)).in_kept_language()
    }

    fn with(strings: Vec<UiStrings>) -> I18n {
        I18n { lang: RwSignal::new(Lang::en()), own: RwSignal::new(Lang::en()), all: StoredValue::new(Arc::new(strings)) }
    }

    /// The practitioner's own language (reactive).
    pub fn own(&self) -> Lang {
        self.own.get()
    }

    /// The practitioner chooses their own language: their screens change at once, and this
    /// browser keeps it for the next time.
    pub fn set_own(&self, lang: Lang) {
        if crate::device::local_storage_allowed() {
            let _ = LocalStorage::set(OWN_LANG_KEY, lang.as_str());
        }
        self.own.set(lang.clone());
        self.set_lang(lang);
    }

    /// Back to the practitioner's own language (a child's form has ended, or the tablet locked).
    pub fn to_own(&self) {
        self.set_lang(self.own.get_untracked());
    }

    /// The shipped languages with their own names, English first.
    pub fn languages(&self) -> Vec<(Lang, String)> {
        self.all.with_value(|all| all.iter().map(|u| (u.lang.clone(), u.name.clone())).collect())
    }

    fn with_strings<R>(&self, f: impl FnOnce(&UiStrings) -> R) -> R {
        self.in_lang(&self.lang.get(), f)
    }

    fn in_lang<R>(&self, lang: &Lang, f: impl FnOnce(&UiStrings) -> R) -> R {
        self.all.with_value(|all| f(all.iter().find(|u| &u.lang == lang).unwrap_or(&all[0])))
    }

    /// The wording for `key` in the current language (reactive).
    pub fn t(&self, key: &str) -> String {
        self.with_strings(|s| s.get(key).to_string())
    }

    /// The wording for `key` in the practitioner's own language (for their one button on a
    /// child's screen).
    pub fn t_own(&self, key: &str) -> String {
        self.in_lang(&self.own.get_untracked(), |s| s.get(key).to_string())
    }

    /// `t` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.with_strings(|s| s.fill(key, args))
    }

    /// Which child, as far as the tablet can say (the case is only a pseudonym): the age band
    /// and the stage of support, in words.
    pub fn band_and_stage(&self, band: heard_domain::AgeBand, stage: heard_domain::case::Stage) -> (String, String) {
        (self.t(&format!("forms.band.{}", band.code())), self.t(&format!("session.stage.{}", stage.code())))
    }

    /// Switches language and mirrors the document for right-to-left scripts. Setting the
    /// language it already has changes nothing (and re-renders nothing).
    pub fn set_lang(&self, lang: Lang) {
        if self.lang.get_untracked() == lang {
            return;
        }
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("lang", lang.as_str());
            let _ = root.set_attribute("dir", lang.dir());
        }
        self.lang.set(lang);
    }
}

impl Default for I18n {
    fn default() -> Self {
        I18n::new()
    }
}

/// The `I18n` provided by the app (or a test); a fresh English one when none is.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| {
        let i18n = I18n::new();
        provide_context(i18n);
        i18n
    })
}
