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
    /// The child chose to leave the drawing page blank (drawing questions only): a choice of
    /// its own, so an empty page is never stored as a drawing.
    Blank,
    /// "I don't want to answer": always offered, always respected.
    Declined,
    /// The child moved past the question with "Next" and gave no answer: not an answer, but
    /// known, so a skipped safety question is followed up and never taken for one answered.
    Skipped,
    /// The child answered in their own words or with a drawing and did not agree to share them:
    /// what they said stays on the tablet, and the server learns only that they answered
    /// (`Response::minimised`).
    OwnWords,
}

impl AnswerValue {
    /// Whether this is something the child said (not "I don't want to answer", not skipped).
    pub fn is_given(&self) -> bool {
        !matches!(self, AnswerValue::Declined | AnswerValue::Skipped)
    }
}

/// Whether an answer holds the child's own words or a drawing.
pub(crate) fn holds_words(value: &AnswerValue) -> bool {
    matches!(value, AnswerValue::Text(_) | AnswerValue::Drawing(_) | AnswerValue::Houses(_))
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

/// How a response's questions were left, for the practitioner's lists (the outbox, "sent
/// lately", the unfinished forms).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Answered (a blank page and "who helped" included).
    pub given: usize,
    /// "I don't want to answer".
    pub declined: usize,
    /// Moved past with "Next", nothing given.
    pub skipped: usize,
    /// Never reached: the form was stopped (or, for a form not finished, not yet come to).
    pub not_reached: usize,
}

impl Tally {
    /// A finished form that was ended before its last question ("Stop here", or sent as it was).
    pub fn stopped_early(&self) -> bool {
        self.not_reached > 0
    }
}

impl Response {
    /// What may leave the tablet (SPEC §5, "minimised"): when the child did not agree to share
    /// their words and drawings, each answer in words or a drawing (a house's too) becomes
    /// `OwnWords`. The same response always gives the same result, so a resend is recognised.
    pub fn minimised(&self) -> Response {
        let mut r = self.clone();
        if !r.share {
            for a in &mut r.answers {
                if holds_words(&a.value) {
                    a.value = AnswerValue::OwnWords;
                }
            }
        }
        r
    }

    /// How each of `form`'s questions was left in this response.
    pub fn tally(&self, form: &crate::Form) -> Tally {
        let mut t = Tally::default();
        for q in &form.questions {
            match self.answer(&q.id) {
                None => t.not_reached += 1,
                Some(AnswerValue::Declined) => t.declined += 1,
                Some(AnswerValue::Skipped) => t.skipped += 1,
                Some(_) => t.given += 1,
            }
        }
        t
    }

    /// Records `value` for `question_id`, replacing an earlier answer to it: a child who goes
    /// back and changes their mind leaves one answer, the last.
    pub fn set_answer(&mut self, question_id: &str, value: AnswerValue) {
        match self.answers.iter_mut().find(|a| a.question_id == question_id) {
            Some(a) => a.value = value,
            None => self.answers.push(Answer { question_id: question_id.to_string(), value }),
        }
    }

    /// What leaves the tablet, and what the server keeps, holds only what the child meant to
    /// give: free text redacted (`redact_free_text`) and drawings flattened to what can be seen
    /// (`flatten_drawings`). Done on the device before the response is queued, and again on
    /// the server; doing it twice changes nothing.
    pub fn scrub(&mut self, names: &[&str]) {
        self.redact_free_text(names);
        self.flatten_drawings();
    }

    /// Every drawing as it can be seen (`Drawing::flattened`): strokes a child rubbed out are
    /// gone from the data. A drawing rubbed clean is a blank page, as the child left it.
    pub fn flatten_drawings(&mut self) {
        for a in &mut self.answers {
            match &mut a.value {
                AnswerValue::Drawing(d) => match d.flattened() {
                    Some(flat) => *d = flat,
                    None => a.value = AnswerValue::Blank,
                },
                AnswerValue::Houses(h) => {
                    for house in [&mut h.worries, &mut h.good_things, &mut h.dreams] {
                        house.drawing = house.drawing.as_ref().and_then(Drawing::flattened);
                    }
                }
                _ => {}
            }
        }
    }

    /// Scrubs every free-text answer (words, and words in the three houses) of contact details,
    /// dates and addresses, and of `names` (the child's given name, and any other the
    /// practitioner gave).
    pub fn redact_free_text(&mut self, names: &[&str]) {
        let scrub = |w: &mut String| *w = crate::redact::redact_names(w, names);
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

    /// The child moves on from `question_id` with "Next". With no answer given, the question is
    /// recorded as skipped, so it is known to be unanswered (and a skipped safety question is
    /// followed up); an answer given, declined included, stays as it is. Returns whether the
    /// response changed.
    pub fn move_past(&mut self, question_id: &str) -> bool {
        if self.answer(question_id).is_some() {
            return false;
        }
        self.set_answer(question_id, AnswerValue::Skipped);
        true
    }

    /// Takes back the answer to `question_id` (e.g. the child cleared their drawing).
    pub fn clear_answer(&mut self, question_id: &str) {
        self.answers.retain(|a| a.question_id != question_id);
    }

    pub fn answer(&self, question_id: &str) -> Option<&AnswerValue> {
        self.answers.iter().find(|a| a.question_id == question_id).map(|a| &a.value)
    }

    /// Whether the child said something: at least one answer given (not declined, not
    /// skipped) to a question other than "who helped me answer".
    pub fn heard(&self, form: &crate::Form) -> bool {
        self.answers.iter().any(|a| a.value.is_given() && form.question(&a.question_id).is_some_and(|q| q.kind != crate::QuestionKind::WhoHelped))
    }

    /// The child's own rating of how things are, 0 (worst) to 10 (best): the mean of their
    /// answers to the form's rating questions, each put on 0 to 10. `None` when the form has
    /// no rating question or the child declined them all.
    pub fn rating(&self, form: &crate::Form) -> Option<f64> {
        use crate::QuestionKind;
        let scores: Vec<f64> = form
            .questions
            .iter()
            .filter(|q| q.rating)
            .filter_map(|q| match (&q.kind, self.answer(&q.id)?) {
                (QuestionKind::Faces { points }, AnswerValue::Face(n)) if *points > 1 => Some(f64::from(n.saturating_sub(1)) * 10.0 / f64::from(points - 1)),
                (QuestionKind::Scale { min, max, .. }, AnswerValue::Scale(n)) if max > min => {
                    Some(f64::from(n.saturating_sub(*min)) * 10.0 / f64::from(max - min))
                }
                (QuestionKind::YesNoNotSure, AnswerValue::YesNo(yn)) => Some(match yn {
                    YesNo::Yes => 10.0,
                    YesNo::NotSure => 5.0,
                    YesNo::No => 0.0,
                }),
                _ => None,
            })
            .collect();
        (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(form: &str, answers: &[(&str, AnswerValue)]) -> (Response, crate::Form) {
        let form = crate::Catalogue::built_in().latest(form).unwrap().clone();
        let mut r = Response {
            id: Uuid::from_u128(7),
            form_id: form.id.clone(),
            form_version: form.version,
            lang: Lang::en(),
            date: "2026-11-25".parse().unwrap(),
            answers: vec![],
            share: false,
            context: CaseContext::example(1),
        };
        for (q, v) in answers {
            r.set_answer(q, v.clone());
        }
        (r, form)
    }

    #[test]
    fn ratings_put_faces_scales_and_yes_no_on_zero_to_ten() {
        // Early years: home and school faces (3 points) are ratings; the drawing is not.
        let (r, form) = answered("early-years-check", &[("home", AnswerValue::Face(3)), ("school", AnswerValue::Face(2))]);
        assert_eq!(r.rating(&form), Some(7.5));
        // Teen: the 0-10 scale and the 5 faces for home.
        let (r, form) = answered("teen-check", &[("overall", AnswerValue::Scale(2)), ("home", AnswerValue::Face(1))]);
        assert_eq!(r.rating(&form), Some(1.0));
        // Symbols: "yes" to being happy at home, "not sure" about school.
        let (r, form) = answered("symbols-check", &[("happy_home", AnswerValue::YesNo(YesNo::Yes)), ("school", AnswerValue::YesNo(YesNo::NotSure))]);
        assert_eq!(r.rating(&form), Some(7.5));
        // Declined ratings are no rating at all, not a zero.
        let (r, form) = answered("middle-check", &[("home", AnswerValue::Declined), ("words", AnswerValue::Text("hi".into()))]);
        assert_eq!(r.rating(&form), None);
        // "Help we got" forms ask about change directly: no rating to compare.
        let (r, form) = answered("middle-help-we-got", &[("better", AnswerValue::Face(5))]);
        assert_eq!(r.rating(&form), None);
    }

    #[test]
    fn words_and_drawings_not_shared_never_leave_the_tablet_only_that_the_child_answered() {
        let houses = Houses { worries: House { drawing: None, words: Some("dad shouts".into()) }, ..Houses::default() };
        let (mut r, form) = answered(
            "middle-check",
            &[("home", AnswerValue::Face(2)), ("houses", AnswerValue::Houses(houses)), ("words", AnswerValue::Text("I am scared".into()))],
        );
        let kept = r.minimised();
        assert_eq!(kept.answer("houses"), Some(&AnswerValue::OwnWords));
        assert_eq!(kept.answer("words"), Some(&AnswerValue::OwnWords));
        assert_eq!(kept.answer("home"), Some(&AnswerValue::Face(2)), "choices and ratings are sent as they are");
        assert!(kept.heard(&form), "a child who answered in their own words was heard");
        assert_eq!(kept.tally(&form).given, 3);
        assert_eq!(r.minimised(), kept, "the same every time: a resend is recognised");
        r.share = true;
        assert_eq!(r.minimised(), r, "shared: sent as given");
    }

    #[test]
    fn moving_past_a_question_records_a_skip_only_when_nothing_was_given() {
        let (mut r, _) = answered("middle-check", &[("home", AnswerValue::Face(2)), ("safe", AnswerValue::Declined)]);
        assert!(!r.move_past("home") && !r.move_past("safe"), "an answer, a decline too, is kept as given");
        assert_eq!(r.answer("home"), Some(&AnswerValue::Face(2)));
        assert!(r.move_past("feelings"));
        assert_eq!(r.answer("feelings"), Some(&AnswerValue::Skipped));
        assert!(!r.move_past("feelings"), "skipped once is skipped");
        // Coming back and answering replaces the skip.
        r.set_answer("feelings", AnswerValue::Choices(vec!["happy".into()]));
        assert_eq!(r.answer("feelings"), Some(&AnswerValue::Choices(vec!["happy".into()])));
    }

    #[test]
    fn a_tally_tells_answered_declined_skipped_and_not_reached_apart() {
        let (r, form) = answered("middle-check", &[("home", AnswerValue::Face(2)), ("feelings", AnswerValue::Skipped), ("safe", AnswerValue::Declined)]);
        let t = r.tally(&form);
        assert_eq!(t, Tally { given: 1, declined: 1, skipped: 1, not_reached: form.questions.len() - 3 });
        assert!(t.stopped_early());
        let all: Vec<(&str, AnswerValue)> = form.questions.iter().map(|q| (q.id.as_str(), AnswerValue::Skipped)).collect();
        let (r, form) = answered("middle-check", &all);
        assert!(!r.tally(&form).stopped_early(), "moved through to the end is not stopped early");
    }

    #[test]
    fn a_child_who_only_declined_or_said_who_helped_was_not_heard() {
        let (r, form) = answered("middle-check", &[("home", AnswerValue::Declined), ("who_helped", AnswerValue::WhoHelped(Helper::Alone))]);
        assert!(!r.heard(&form));
        let (r, form) = answered("middle-check", &[("home", AnswerValue::Skipped), ("safe", AnswerValue::Declined)]);
        assert!(!r.heard(&form), "moving past questions is not being heard");
        let (r, form) = answered("middle-check", &[("home", AnswerValue::Declined), ("safe", AnswerValue::YesNo(YesNo::No))]);
        assert!(r.heard(&form));
    }

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
        r.redact_free_text(&["Sam"]);
        assert_eq!(r.answer("words"), Some(&AnswerValue::Text("[name] here, [phone]".into())));
        let Some(AnswerValue::Houses(h)) = r.answer("houses") else { panic!() };
        assert_eq!(h.dreams.words.as_deref(), Some("a house in [postcode]"));
        assert_eq!(r.answer("home"), Some(&AnswerValue::Face(2)));
    }
}
