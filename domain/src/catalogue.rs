//! The forms a device or server knows: the built-in ones (`domain/forms/*.json`) and a
//! partnership's own, each checked by `validate` before it is added.

use crate::form::{AgeBand, Form, FormId, Purpose};

/// The forms a device or server knows, by id and version.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    /// The built-in forms first, then those a partnership added.
    forms: Vec<Form>,
    built_in: usize,
}

const BUILT_IN: [&str; 8] = [
    include_str!("../forms/early-years-check.json"),
    include_str!("../forms/middle-check.json"),
    include_str!("../forms/teen-check.json"),
    include_str!("../forms/symbols-check.json"),
    include_str!("../forms/early-years-help-we-got.json"),
    include_str!("../forms/middle-help-we-got.json"),
    include_str!("../forms/teen-help-we-got.json"),
    include_str!("../forms/symbols-help-we-got.json"),
];

impl Catalogue {
    /// The forms built into every copy of Heard (`domain/forms/*.json`), parsed once.
    pub fn built_in() -> Catalogue {
        Catalogue::built_in_ref().clone()
    }

    fn built_in_ref() -> &'static Catalogue {
        static PARSED: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
        PARSED.get_or_init(|| Catalogue::built_in_read_by(|json| serde_json::from_str(json).map_err(|e| e.to_string())))
    }

    /// The built-in forms, each read from its JSON by `read`: the browser app passes the
    /// browser's own JSON reader, so its bundle carries no second one.
    pub fn built_in_read_by(read: impl Fn(&str) -> Result<Form, String>) -> Catalogue {
        let forms: Vec<Form> = BUILT_IN.iter().map(|json| read(json).expect("built-in forms parse (tested)")).collect();
        Catalogue { built_in: forms.len(), forms }
    }

    /// Adds a partnership's own form, checked by `check_form`; a form whose id and version
    /// are already known is refused rather than replacing the one known.
    pub fn add(&mut self, form: Form) -> Result<(), crate::validate::ValidationError> {
        crate::validate::check_form(&form)?;
        if self.get(&form.id, form.version).is_some() {
            return Err(crate::validate::ValidationError::new(format!("form {}", form.id), crate::validate::Rule::VersionKnown(form.version)));
        }
        self.forms.push(form);
        Ok(())
    }

    /// The forms a partnership added (not built in).
    pub fn added(&self) -> Vec<&Form> {
        self.forms[self.built_in..].iter().collect()
    }

    pub fn forms(&self) -> &[Form] {
        &self.forms
    }

    pub fn get(&self, id: &FormId, version: u32) -> Option<&Form> {
        self.forms.iter().find(|f| &f.id == id && f.version == version)
    }

    /// The newest version of a form.
    pub fn latest(&self, id: &str) -> Option<&Form> {
        self.forms.iter().filter(|f| f.id.0 == id).max_by_key(|f| f.version)
    }

    pub fn knows_id(&self, id: &FormId) -> bool {
        self.forms.iter().any(|f| &f.id == id)
    }

    /// The newest version of each form for a band, checks first.
    pub fn for_band(&self, band: AgeBand) -> Vec<&Form> {
        let mut out: Vec<&Form> = Vec::new();
        for f in self.forms.iter().filter(|f| f.band == band) {
            if self.latest(&f.id.0).is_some_and(|l| std::ptr::eq(l, f)) {
                out.push(f);
            }
        }
        out.sort_by_key(|f| (f.purpose != Purpose::Check, f.id.clone()));
        out
    }
}
