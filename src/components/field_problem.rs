//! What was wrong with a form's last try, said in the app's words (the browser's own checks
//! are off, so that the message is in the practitioner's language): in a status line, with
//! the field it is about marked (`aria-invalid`) and given the focus.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct FieldProblem<F: Copy + PartialEq + Send + Sync + 'static> {
    /// The words for the status line, if anything is wrong.
    pub message: RwSignal<Option<String>>,
    field: RwSignal<Option<F>>,
}

impl<F: Copy + PartialEq + Send + Sync + 'static> FieldProblem<F> {
    pub fn new() -> Self {
        FieldProblem { message: RwSignal::new(None), field: RwSignal::new(None) }
    }

    /// `text` is about `field`, whose input is `element`: said, marked, focused. (Safe after
    /// the form has gone: nothing is set then.)
    pub fn at(&self, field: F, element: Option<web_sys::HtmlElement>, text: String) {
        self.message.try_set(Some(text));
        self.field.try_set(Some(field));
        if let Some(element) = element {
            let _ = element.focus();
        }
    }

    /// `text` is about no one field (the server could not be reached, say).
    pub fn say(&self, text: String) {
        self.message.set(Some(text));
        self.field.set(None);
    }

    pub fn clear(&self) {
        self.message.set(None);
        self.field.set(None);
    }

    /// `aria-invalid` for `field`'s input.
    pub fn marked(self, field: F) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        move || (self.field.get() == Some(field)).then_some("true")
    }
}

impl<F: Copy + PartialEq + Send + Sync + 'static> Default for FieldProblem<F> {
    fn default() -> Self {
        Self::new()
    }
}
