//! Forms are data, not code: a versioned definition the app renders and the server
//! checks answers against. The skeleton ships one built-in form; the catalogue, age bands
//! and translations arrive with the child-experience work.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A form's stable identifier, e.g. `home-check`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormId(pub String);

impl fmt::Display for FormId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Form {
    pub id: FormId,
    pub version: u32,
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    /// Key of the prompt in the translation files.
    pub prompt: String,
    pub kind: QuestionKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// A row of faces from saddest (1) to happiest (`points`).
    Faces { points: u8 },
}

impl Form {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

/// The forms a device or server knows, by id and version.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    forms: Vec<Form>,
}

impl Catalogue {
    /// The forms built into every copy of Heard.
    pub fn built_in() -> Catalogue {
        Catalogue { forms: vec![home_check()] }
    }

    pub fn get(&self, id: &FormId, version: u32) -> Option<&Form> {
        self.forms.iter().find(|f| &f.id == id && f.version == version)
    }

    pub fn knows_id(&self, id: &FormId) -> bool {
        self.forms.iter().any(|f| &f.id == id)
    }
}

pub const HOME_CHECK_ID: &str = "home-check";

/// "How are things at home?" with three faces: the skeleton's one question.
pub fn home_check() -> Form {
    Form {
        id: FormId(HOME_CHECK_ID.into()),
        version: 1,
        questions: vec![Question {
            id: "home".into(),
            prompt: "home.prompt".into(),
            kind: QuestionKind::Faces { points: 3 },
        }],
    }
}
