//! The rules every response keeps, checked the same way on the device and the server.

use crate::{AnswerValue, Catalogue, QuestionKind, Response};
use std::collections::HashSet;

/// A broken rule, located: `field` is a path such as `responses[2].answers[0].value`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct ValidationError {
    pub field: String,
    pub rule: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        ValidationError { field: field.into(), rule: rule.into() }
    }

    /// Puts this error under a parent path: `answers[0]` under `responses[2]`.
    pub fn within(self, parent: &str) -> Self {
        ValidationError { field: format!("{parent}.{}", self.field), rule: self.rule }
    }
}

/// Checks a response against the form it says it answered.
pub fn check_response(catalogue: &Catalogue, r: &Response) -> Result<(), ValidationError> {
    let Some(form) = catalogue.get(&r.form_id, r.form_version) else {
        let rule = if catalogue.knows_id(&r.form_id) {
            format!("form {} has no version {}", r.form_id, r.form_version)
        } else {
            format!("unknown form {:?}", r.form_id.0)
        };
        return Err(ValidationError::new("form_id", rule));
    };
    let mut seen = HashSet::new();
    for (i, a) in r.answers.iter().enumerate() {
        let at = format!("answers[{i}]");
        let Some(q) = form.question(&a.question_id) else {
            return Err(ValidationError::new(
                format!("{at}.question_id"),
                format!("form {} has no question {:?}", form.id, a.question_id),
            ));
        };
        if !seen.insert(&a.question_id) {
            return Err(ValidationError::new(
                format!("{at}.question_id"),
                format!("question {:?} is answered twice", a.question_id),
            ));
        }
        match (q.kind, a.value) {
            (_, AnswerValue::Declined) => {}
            (QuestionKind::Faces { points }, AnswerValue::Face(n)) => {
                if !(1..=points).contains(&n) {
                    return Err(ValidationError::new(
                        format!("{at}.value"),
                        format!("face must be 1 to {points}, got {n}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{form::home_check, Answer, Day};
    use uuid::Uuid;

    fn response(answers: Vec<Answer>) -> Response {
        let form = home_check();
        Response {
            id: Uuid::from_u128(7),
            form_id: form.id,
            form_version: form.version,
            date: "2026-11-25".parse::<Day>().unwrap(),
            answers,
        }
    }

    fn face(n: u8) -> Answer {
        Answer { question_id: "home".into(), value: AnswerValue::Face(n) }
    }

    #[test]
    fn accepts_each_face_and_a_declined_answer() {
        let c = Catalogue::built_in();
        for n in 1..=3 {
            assert_eq!(check_response(&c, &response(vec![face(n)])), Ok(()));
        }
        let declined = Answer { question_id: "home".into(), value: AnswerValue::Declined };
        assert_eq!(check_response(&c, &response(vec![declined])), Ok(()));
        assert_eq!(check_response(&c, &response(vec![])), Ok(()), "a child may stop before answering");
    }

    #[test]
    fn names_a_face_outside_the_scale() {
        let err = check_response(&Catalogue::built_in(), &response(vec![face(4)])).unwrap_err();
        assert_eq!(err.to_string(), "answers[0].value: face must be 1 to 3, got 4");
        assert!(check_response(&Catalogue::built_in(), &response(vec![face(0)])).is_err());
    }

    #[test]
    fn names_an_unknown_form_or_version() {
        let c = Catalogue::built_in();
        let mut r = response(vec![face(2)]);
        r.form_version = 9;
        assert_eq!(check_response(&c, &r).unwrap_err().rule, "form home-check has no version 9");
        r.form_id = crate::FormId("nope".into());
        assert_eq!(check_response(&c, &r).unwrap_err().rule, "unknown form \"nope\"");
    }

    #[test]
    fn refuses_unknown_or_repeated_questions() {
        let c = Catalogue::built_in();
        let stray = Answer { question_id: "school".into(), value: AnswerValue::Face(1) };
        assert_eq!(check_response(&c, &response(vec![stray])).unwrap_err().field, "answers[0].question_id");
        let err = check_response(&c, &response(vec![face(1), face(2)])).unwrap_err();
        assert_eq!(err.field, "answers[1].question_id");
    }
}
