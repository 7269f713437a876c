//! The app's wording, from the shipped translation files (`domain/i18n/*.json`), and the
//! current language. Changing the language also sets `<html lang dir>`, so right-to-left
//! languages mirror the whole layout.

use heard_domain::i18n::{shipped_ui_strings_read_by, Lang, UiStrings};
use leptos::prelude::*;
use std::sync::Arc;

/// Shared by every page through context: the current language and all shipped wording.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
    all: StoredValue<Arc<Vec<UiStrings>>>,
}

impl I18n {
    pub fn new() -> I18n {
        I18n::with(shipped_ui_strings_read_by(crate::json::read_ui_strings))
    }

    /// The coordinator's app: the tablet's wording and its own.
    pub fn for_coordinator() -> I18n {
        I18n::with(heard_domain::i18n::shipped_coordinator_strings_read_by(crate::json::read_ui_strings))
    }

    fn with(strings: Vec<UiStrings>) -> I18n {
        I18n { lang: RwSignal::new(Lang::en()), all: StoredValue::new(Arc::new(strings)) }
    }

    /// The shipped languages with their own names, English first.
    pub fn languages(&self) -> Vec<(Lang, String)> {
        self.all.with_value(|all| all.iter().map(|u| (u.lang.clone(), u.name.clone())).collect())
    }

    fn with_strings<R>(&self, f: impl FnOnce(&UiStrings) -> R) -> R {
        let lang = self.lang.get();
        self.all.with_value(|all| f(all.iter().find(|u| u.lang == lang).unwrap_or(&all[0])))
    }

    /// The wording for `key` in the current language (reactive).
    pub fn t(&self, key: &str) -> String {
        self.with_strings(|s| s.get(key).to_string())
    }

    /// `t` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.with_strings(|s| s.fill(key, args))
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
