//! Forms are data, not code: a versioned definition (id, version, age band, languages,
//! questions, follow-up signals) that the app renders and the server checks answers against.
//! Built-in forms live as JSON in `domain/forms/`; a partnership can add its own in the
//! same format. All wording is ours: never the wording of licensed scales.

use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A form's stable identifier, e.g. `early-years-check`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormId(pub String);

impl fmt::Display for FormId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who a form is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// 4 to 7.
    EarlyYears,
    /// 8 to 12.
    Middle,
    /// 13 to 18.
    Teen,
    /// Any age, additional needs: yes / no / not sure with symbols, switch access.
    Symbols,
}

impl AgeBand {
    pub const ALL: [AgeBand; 4] = [AgeBand::EarlyYears, AgeBand::Middle, AgeBand::Teen, AgeBand::Symbols];

    pub fn code(self) -> &'static str {
        match self {
            AgeBand::EarlyYears => "early_years",
            AgeBand::Middle => "middle",
            AgeBand::Teen => "teen",
            AgeBand::Symbols => "symbols",
        }
    }

    pub fn parse(code: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|b| b.code() == code)
    }

    /// The band for an age in years, when it is one Heard serves (4 to 18).
    pub fn for_age(years: u8) -> Option<AgeBand> {
        match years {
            4..=7 => Some(AgeBand::EarlyYears),
            8..=12 => Some(AgeBand::Middle),
            13..=18 => Some(AgeBand::Teen),
            _ => None,
        }
    }

    /// One question per screen, with progress as dots.
    pub fn one_question_per_screen(self) -> bool {
        matches!(self, AgeBand::EarlyYears | AgeBand::Symbols)
    }

    /// "Next" waits for an answer (or "I don't want to answer"): the youngest children and
    /// those answering with symbols never move past a question unseen by a stray tap.
    pub fn next_waits_for_an_answer(self) -> bool {
        matches!(self, AgeBand::EarlyYears | AgeBand::Symbols)
    }

    /// Read-aloud is on unless the practitioner turns it off.
    pub fn reads_aloud_by_default(self) -> bool {
        matches!(self, AgeBand::EarlyYears | AgeBand::Symbols)
    }
}

/// When in the support a form is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// How things are: at the start of support and at reviews.
    Check,
    /// "Help we got": at review and closing, did things get better, what helped.
    HelpWeGot,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub id: FormId,
    pub version: u32,
    pub band: AgeBand,
    pub purpose: Purpose,
    /// Languages the form is written in; every `Text` must have each.
    pub languages: Vec<Lang>,
    pub title: Text,
    pub questions: Vec<Question>,
    /// Answers that the practitioner must be shown to follow up (SPEC §3). Never shown to the child.
    #[serde(default)]
    pub follow_up: Vec<FollowUp>,
    /// For whoever writes or reviews forms (never shown to a child): why the form is as it is,
    /// e.g. why it has no three houses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub prompt: Text,
    pub kind: QuestionKind,
    /// The answer is one of the child's own ratings of how things are (faces, a scale, or
    /// yes / no / not sure, higher or "yes" being better). The dashboard compares a case's
    /// first and last rating; nothing is ever shown back to the child.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rating: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QuestionKind {
    /// A row of faces from saddest (1) to happiest (`points`, 3 or 5).
    Faces { points: u8 },
    /// Pick one (or, when `multiple`, several) of the pictured options.
    EmojiPick { options: Vec<Choice>, multiple: bool },
    /// Yes / no / not sure, each with a symbol.
    YesNoNotSure,
    /// A scale from `min` to `max` (0 to 10), chosen by tapping a number; no dragging needed.
    Scale { min: u8, max: u8, low: Text, high: Text },
    /// Words, up to `max_chars` characters.
    FreeText { max_chars: u16 },
    /// A drawing on the drawing pad.
    Drawing,
    /// Three houses: worries, good things, dreams; each a drawing and/or words.
    ThreeHouses,
    /// Who helped the child answer: alone, with their worker, with a parent or carer.
    WhoHelped,
}

/// One pictured option of an emoji pick.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub emoji: String,
    pub label: Text,
}

/// An answer that signals the child may not be safe, to be followed up by the practitioner
/// under their safeguarding procedure. It informs; it never decides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub question: String,
    pub when: SignalAnswer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SignalAnswer {
    /// A face at or below this point (1 is the saddest).
    FaceAtMost(u8),
    /// A scale value at or below this.
    ScaleAtMost(u8),
    /// This emoji option was picked.
    Choice(String),
    /// This yes / no / not sure answer.
    YesNo(crate::response::YesNo),
}

impl Form {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn offers(&self, lang: &Lang) -> bool {
        self.languages.contains(lang)
    }

    /// The follow-up signals a response's answers meet, in the form's order: what the
    /// practitioner must look at, under their safeguarding procedure, before anything else.
    pub fn follow_ups(&self, response: &crate::Response) -> Vec<&FollowUp> {
        use crate::AnswerValue as A;
        self.follow_up
            .iter()
            .filter(|f| match (response.answer(&f.question), &f.when) {
                (Some(A::Face(n)), SignalAnswer::FaceAtMost(max)) => n <= max,
                (Some(A::Scale(n)), SignalAnswer::ScaleAtMost(max)) => n <= max,
                (Some(A::Choices(ids)), SignalAnswer::Choice(id)) => ids.contains(id),
                (Some(A::YesNo(a)), SignalAnswer::YesNo(b)) => a == b,
                _ => false,
            })
            .collect()
    }

    /// Whether the form watches this question for a follow-up signal: a question about the
    /// child's safety or wellbeing, whose every answer that is not a plain one is followed up.
    pub fn is_safety_question(&self, question_id: &str) -> bool {
        self.follow_up.iter().any(|f| f.question == question_id)
    }

    /// Every safety question the practitioner must look at, with why: an answer meeting a
    /// signal, then (in the form's order) "not sure", "I don't want to answer", moved past with
    /// no answer, and not reached because the form ended first. A draft's questions are all
    /// "not reached" until answered: its callers leave those out.
    pub fn safety_follow_ups(&self, response: &crate::Response) -> Vec<SafetyFollowUp<'_>> {
        use crate::AnswerValue as A;
        let signalled: Vec<&str> = self.follow_ups(response).iter().map(|f| f.question.as_str()).collect();
        let mut out: Vec<SafetyFollowUp<'_>> = self
            .questions
            .iter()
            .filter(|q| self.is_safety_question(&q.id))
            .filter_map(|q| {
                let concern = if signalled.contains(&q.id.as_str()) {
                    Concern::Signal
                } else {
                    match response.answer(&q.id) {
                        Some(A::YesNo(crate::YesNo::NotSure)) => Concern::NotSure,
                        Some(A::Declined) => Concern::Declined,
                        Some(A::Skipped) => Concern::Skipped,
                        None => Concern::NotReached,
                        Some(_) => return None,
                    }
                };
                Some(SafetyFollowUp { question: q, concern })
            })
            .collect();
        // Signals first, each group in the form's order (the sort is stable).
        out.sort_by_key(|f| f.concern);
        out
    }

    /// The questions the child answered in words or a drawing, in the form's order: Heard
    /// reads no signal in them, so only a person can tell what they say.
    pub fn in_own_words(&self, response: &crate::Response) -> Vec<&Question> {
        use crate::AnswerValue as A;
        self.questions
            .iter()
            .filter(|q| match response.answer(&q.id) {
                Some(A::Text(t)) => !t.trim().is_empty(),
                Some(A::Drawing(_) | A::OwnWords) => true,
                Some(A::Houses(h)) => [&h.worries, &h.good_things, &h.dreams].iter().any(|house| !house.is_empty()),
                _ => false,
            })
            .collect()
    }
}

/// Why a safety question is put before the practitioner, most pressing first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Concern {
    /// The answer is one the form marks as a sign the child may not be safe.
    Signal,
    /// The child answered "not sure".
    NotSure,
    /// The child chose "I don't want to answer" (their right; they may be asked gently).
    Declined,
    /// The child moved past it with "Next" and gave no answer.
    Skipped,
    /// The form ended ("Stop here") before the child reached it.
    NotReached,
}

/// A safety question the practitioner must look at, and why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SafetyFollowUp<'a> {
    pub question: &'a Question,
    pub concern: Concern,
}
