//! The forms this tablet offers: the built-in ones, and the partnership's own, which the
//! tablet downloads when it sends (`sync`), checks with the same validator the server used,
//! and keeps in IndexedDB for use with no network.
//!
//! The tablet keeps exactly the forms the server last listed that pass the checks. Pages read
//! `catalogue()`, which is reactive: a picker on screen shows newly downloaded forms at once.

use crate::store::{Store, StoreError};
use heard_domain::{Catalogue, Form};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    /// The built-in forms and the partnership's kept ones, checked once when they change. Read
    /// when first needed, not at start: reading the built-ins takes 4–9 ms of a tablet at 4x
    /// CPU throttling (`crate::json`), and the first screens (enrolment, the PIN) need none.
    /// Handed out shared (`Rc`): a page reading it copies nothing.
    static CATALOGUE: RefCell<Option<Rc<Catalogue>>> = const { RefCell::new(None) };
    static CHANGED: ArcTrigger = ArcTrigger::new();
}

/// The built-in forms and the partnership's forms kept on this tablet.
pub fn catalogue() -> Rc<Catalogue> {
    CHANGED.with(|c| c.track());
    CATALOGUE.with_borrow_mut(|kept| kept.get_or_insert_with(|| Rc::new(built_in())).clone())
}

/// A form's title in `lang`; its id where this tablet does not have that version.
pub fn title_of(catalogue: &Catalogue, id: &heard_domain::FormId, version: u32, lang: &heard_domain::Lang) -> String {
    catalogue.get(id, version).map_or_else(|| id.0.clone(), |f| f.title.get(lang).to_string())
}

/// The forms built into Heard, read with the browser's JSON reader (`crate::json`).
fn built_in() -> Catalogue {
    Catalogue::built_in_read_by(crate::json::from_str)
}

/// The built-in forms and those of `forms` that pass `Catalogue::add` (the server's own
/// check), and, for each one left out, which form and why.
fn checked(forms: &[Form]) -> (Catalogue, Vec<String>) {
    let mut catalogue = built_in();
    let mut refused = Vec::new();
    for form in forms {
        if let Err(e) = catalogue.add(form.clone()) {
            refused.push(format!("{} (version {}): {e}", form.id, form.version));
        }
    }
    (catalogue, refused)
}

fn publish(catalogue: Catalogue) {
    CATALOGUE.with_borrow_mut(|kept| *kept = Some(Rc::new(catalogue)));
    CHANGED.with(|c| c.notify());
}

/// Reads the forms kept on this tablet (at start; readable while locked). With none kept, the
/// built-in forms are read when first needed.
pub async fn load(store: &Store) {
    match store.partnership_forms().await {
        Ok(forms) if !forms.is_empty() => publish(checked(&forms).0),
        _ => {}
    }
}

/// Keeps the forms the server listed that pass the checks, in place of those kept before;
/// returns why each other one was left out, for the practitioner to pass on. A form kept
/// before that the server no longer lists stays while a child's unfinished answers to it
/// wait, so the child can still carry on (it goes at the first send after they are finished).
pub async fn keep(store: &Store, listed: Vec<Form>) -> Result<Vec<String>, StoreError> {
    let (mut catalogue, refused) = checked(&listed);
    let dropped: Vec<Form> = CATALOGUE.with_borrow(|kept| {
        let added = kept.as_deref().map(Catalogue::added).unwrap_or_default();
        added.into_iter().filter(|f| catalogue.get(&f.id, f.version).is_none()).cloned().collect()
    });
    if !dropped.is_empty() {
        // Unreadable drafts (a locked tablet) count as in use: nothing is let go unseen.
        let drafts = store.drafts().await;
        for form in dropped {
            let in_use = drafts.as_ref().map_or(true, |d| d.iter().any(|r| r.form_id == form.id && r.form_version == form.version));
            if in_use {
                // It passed the same checks when it was kept.
                let _ = catalogue.add(form);
            }
        }
    }
    // Unchanged (as at almost every send): nothing is written, and a picker on screen is not
    // drawn again under the practitioner's finger or keyboard focus.
    if CATALOGUE.with_borrow(|kept| kept.as_deref().map(Catalogue::added).unwrap_or_default() != catalogue.added()) {
        let valid: Vec<Form> = catalogue.added().into_iter().cloned().collect();
        store.keep_partnership_forms(&valid).await?;
        publish(catalogue);
    }
    Ok(refused)
}
