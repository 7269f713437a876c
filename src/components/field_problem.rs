//! What was wrong with a form's last try, said in the app's words (the browser's own checks
//! are off, so that the message is in the practitioner's language): each problem beside the
//! field it is about (`about`), the field marked (`aria-invalid`), and the first of them given
//! the focus; or, for a problem about no one field, in a status line (`message`).

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct FieldProblem<F: Copy + PartialEq + Send + Sync + 'static> {
    /// The words for the status line, if anything is wrong.
    pub message: RwSignal<Option<String>>,
    /// Each field at fault, with what is wrong with it, in the order of the form.
    fields: RwSignal<Vec<(F, String)>>,
}

impl<F: Copy + PartialEq + Send + Sync + 'static> FieldProblem<F> {
    pub fn new() -> Self {
        FieldProblem { message: RwSignal::new(None), fields: RwSignal::new(Vec::new()) }
    }

    /// `text` is about `field`, whose input is `element`: said in the status line, marked,
    /// focused. (Safe after the form has gone: nothing is set then.)
    pub fn at(&self, field: F, element: Option<web_sys::HtmlElement>, text: String) {
        self.message.try_set(Some(text.clone()));
        self.fields.try_set(vec![(field, text)]);
        if let Some(element) = element {
            let _ = element.focus();
        }
    }

    /// Every problem at once, in the order of the form's fields: each said beside its field
    /// (`about`) and marked; the first field focused. None: all is well.
    pub fn all(&self, problems: Vec<(F, Option<web_sys::HtmlElement>, String)>) {
        self.message.try_set(None);
        let first = problems.first().and_then(|(_, e, _)| e.clone());
        self.fields.try_set(problems.into_iter().map(|(f, _, text)| (f, text)).collect());
        // Once the problems are on the page, so a screen reader reads the field with its own.
        if let Some(element) = first {
            let element = send_wrapper::SendWrapper::new(element);
            request_animation_frame(move || {
                let _ = element.focus();
            });
        }
    }

    /// `text` is about no one field (the server could not be reached, say).
    pub fn say(&self, text: String) {
        self.message.set(Some(text));
        self.fields.set(Vec::new());
    }

    pub fn clear(&self) {
        self.message.set(None);
        self.fields.set(Vec::new());
    }

    /// `aria-invalid` for `field`'s input.
    pub fn marked(self, field: F) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        move || self.fields.with(|f| f.iter().any(|(at, _)| *at == field)).then_some("true")
    }

    /// What is wrong with `field`, to say beside it.
    pub fn about(self, field: F) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
        move || self.fields.with(|f| f.iter().find(|(at, _)| *at == field).map(|(_, text)| text.clone()))
    }
}

impl<F: Copy + PartialEq + Send + Sync + 'static> Default for FieldProblem<F> {
    fn default() -> Self {
        Self::new()
    }
}
