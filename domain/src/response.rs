//! A child's response to one form: the answers they gave, on the day they gave them.

use crate::case::CaseContext;
use crate::drawing::Drawing;
use crate::i18n::Lang;
use crate::{Day, FormId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One completed (or partly completed) form. The id is generated on the device, so a
/// resend of the same response is recognised wherever it arrives.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub id: Uuid,
    pub form_id: FormId,
    pub form_version: u32,
    /// The language the child answered in.
    pub lang: Lang,
    pub date: Day,
    pub answers: Vec<Answer>,
    /// The child agreed that their words and drawings may be shown, without their name, to
    /// the people who plan services. False unless they said yes.
    pub share: bool,
    /// The case, age band, circumstances and stage the practitioner's session recorded.
    pub context: CaseContext,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub question_id: String,
    pub value: AnswerValue,
}

/// What the child chose, by question type. On the wire: `{"face": 3}`, `{"choices": ["cat"]}`,
/// `"declined"`, ...
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AnswerValue {
    /// The n-th face, 1 being the saddest.
    Face(u8),
    /// Ids of the emoji options picked.
    Choices(Vec<String>),
    YesNo(YesNo),
    /// A point on a scale question.
    Scale(u8),
    Text(String),
    Drawing(Drawing),
    Houses(Houses),
    WhoHelped(Helper),
    /// "I don't want to answer": always offered, always respected.
    Declined,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesNo {
    Yes,
    No,
    NotSure,
}

impl YesNo {
    pub const ALL: [YesNo; 3] = [YesNo::Yes, YesNo::No, YesNo::NotSure];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Helper {
    Alone,
    Worker,
    ParentOrCarer,
}

impl Helper {
    pub const ALL: [Helper; 3] = [Helper::Alone, Helper::Worker, Helper::ParentOrCarer];
}

/// The three houses: worries, good things, dreams.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Houses {
    pub worries: House,
    pub good_things: House,
    pub dreams: House,
}

/// One house: a drawing and/or words; either may be left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct House {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawing: Option<Drawing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<String>,
}

impl House {
    pub fn is_empty(&self) -> bool {
        self.drawing.is_none() && self.words.as_deref().is_none_or(|w| w.trim().is_empty())
    }
}

impl Response {
    /// Records `value` for `question_id`, replacing an earlier answer to it: a child who goes
    /// back and changes their mind leaves one answer, the last.
    pub fn set_answer(&mut self, question_id: &str, value: AnswerValue) {
        match self.answers.iter_mut().find(|a| a.question_id == question_id) {
            Some(a) => a.value = value,
            None => self.answers.push(Answer { question_id: question_id.to_string(), value }),
        }
    }

    /// Scrubs every free-text answer (words, and words in the three houses) of contact details
    /// and the child's given name. Done on the device before the response is queued.
    pub fn redact_free_text(&mut self, given_name: Option<&str>) {
        let scrub = |w: &mut String| *w = crate::redact::redact(w, given_name);
        for a in &mut self.answers {
            match &mut a.value {
                AnswerValue::Text(w) => scrub(w),
                AnswerValue::Houses(h) => {
                    for house in [&mut h.worries, &mut h.good_things, &mut h.dreams] {
                        if let Some(w) = &mut house.words {
                            scrub(w);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Takes back the answer to `question_id` (e.g. the child cleared their drawing).
    pub fn clear_answer(&mut self, question_id: &str) {
        self.answers.retain(|a| a.question_id != question_id);
    }

    pub fn answer(&self, question_id: &str) -> Option<&AnswerValue> {
        self.answers.iter().find(|a| a.question_id == question_id).map(|a| &a.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_and_house_words_are_redacted_and_nothing_else_changes() {
        let mut r = Response {
            id: Uuid::from_u128(1),
            form_id: FormId("middle-check".into()),
            form_version: 1,
            lang: Lang::en(),
            date: "2026-11-25".parse().unwrap(),
            answers: vec![],
            share: true,
            context: CaseContext::example(1),
        };
        r.set_answer("words", AnswerValue::Text("Sam here, 07700 900123".into()));
        let houses = Houses { dreams: House { drawing: None, words: Some("a house in M1 1AE".into()) }, ..Houses::default() };
        r.set_answer("houses", AnswerValue::Houses(houses));
        r.set_answer("home", AnswerValue::Face(2));
        r.redact_free_text(Some("Sam"));
        assert_eq!(r.answer("words"), Some(&AnswerValue::Text("[name] here, [phone]".into())));
        let Some(AnswerValue::Houses(h)) = r.answer("houses") else { panic!() };
        assert_eq!(h.dreams.words.as_deref(), Some("a house in [postcode]"));
        assert_eq!(r.answer("home"), Some(&AnswerValue::Face(2)));
    }
}
