//! The rules forms and responses keep, checked the same way on the device and the server.
//! Every error is located: `form middle-check, question worries: ...` or
//! `responses[2].answers[0].value: ...`.

use crate::form::{FollowUp, Form, QuestionKind, SignalAnswer};
use crate::i18n::{Lang, Text};
use crate::{AnswerValue, Catalogue, Response};
use std::collections::BTreeSet;

/// A broken rule, located: `path` is where, such as `responses[2].answers[0].value`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {kind}")]
pub struct ValidationError {
    pub path: String,
    pub kind: Rule,
}

impl ValidationError {
    pub fn new(path: impl Into<String>, kind: Rule) -> Self {
        ValidationError { path: path.into(), kind }
    }

    /// Puts this error under a parent path: `answers[0]` under `responses[2]`.
    pub fn within(self, parent: &str) -> Self {
        ValidationError { path: format!("{parent}.{}", self.path), kind: self.kind }
    }
}

/// Which rule a form, a response or a batch broke, worded for whoever wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rule {
    // A form.
    #[error("id must be lower-case letters, digits and dashes")]
    FormIdWritten,
    #[error("version starts at 1")]
    VersionZero,
    #[error("every form is written in English (\"en\") at least")]
    NoEnglish,
    #[error("a form has at least one question")]
    NoQuestions,
    #[error("question ids are unique and not empty")]
    QuestionIds,
    #[error("only faces, scale and yes / no / not sure questions can be ratings")]
    NotARating,
    #[error("faces come in 3 or 5, not {0}")]
    FacePoints(u8),
    #[error("an emoji pick offers at least 2 options")]
    TooFewOptions,
    #[error("option id \"{0}\" is empty or repeated")]
    OptionId(String),
    #[error("needs an emoji")]
    NoEmoji,
    #[error("a scale runs from a lower to a higher number, at most 10 (got {0} to {1})")]
    ScaleRange(u8, u8),
    #[error("max_chars is 1 to {MAX_TEXT_CHARS}")]
    MaxChars,
    #[error("missing translation for \"{0}\"")]
    MissingTranslation(String),
    #[error("no question \"{0}\"")]
    SignalQuestion(String),
    /// The signal as the form's author wrote it, e.g. `{"face_at_most":5}`.
    #[error("signal {0} does not fit question \"{1}\"")]
    SignalFit(String, String),
    /// A form whose id and version the catalogue already holds.
    #[error("version {0} is already known; give the changed form a new version number")]
    VersionKnown(u32),
    // A response.
    #[error("form {0} has no version {1}")]
    NoSuchVersion(String, u32),
    #[error("unknown form \"{0}\"")]
    UnknownForm(String),
    #[error("form {0} is not written in \"{1}\"")]
    NotInLanguage(String, String),
    #[error("the child did not agree to share their words and drawings, so they never leave the tablet: send \"own_words\"")]
    WordsNotShared,
    #[error("form {0} has no question \"{1}\"")]
    NoSuchQuestion(String, String),
    #[error("question \"{0}\" is answered twice")]
    AnsweredTwice(String),
    // An answer.
    #[error("words are not blank; an unanswered question is \"declined\"")]
    BlankWords,
    #[error("at most {0} characters, got {1}")]
    TooManyChars(usize, usize),
    /// Words of one of the three houses (`worries`, `good_things`, `dreams`).
    #[error("{0}.words: {1}")]
    HouseWords(&'static str, Box<Rule>),
    #[error("face must be 1 to {0}, got {1}")]
    FaceRange(u8, u8),
    #[error("pick at least one option, or decline")]
    NoChoice,
    #[error("this question takes one option")]
    OneChoice,
    #[error("no option \"{0}\"")]
    NoSuchOption(String),
    #[error("option \"{0}\" is picked twice")]
    PickedTwice(String),
    #[error("scale must be {0} to {1}, got {2}")]
    ScaleValue(u8, u8, u8),
    #[error("at least one house has a drawing or words, or the question is declined")]
    NoHouse,
    #[error("a {0} answer does not fit a {1} question")]
    WrongKind(&'static str, &'static str),
    // A batch.
    #[error("at most {max} {what} per batch, got {got}")]
    BatchTooLong { what: &'static str, max: usize, got: usize },
}

/// Longest words a child may give in one answer, whatever a form says.
pub const MAX_TEXT_CHARS: usize = 2000;

/// Checks a form definition: ids, question settings, follow-up signals, and that every piece
/// of wording exists in every language the form declares.
pub fn check_form(form: &Form) -> Result<(), ValidationError> {
    let at = format!("form {}", form.id);
    let err = |path: String, kind: Rule| ValidationError::new(path, kind);
    if form.id.0.is_empty() || !form.id.0.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(err(at, Rule::FormIdWritten));
    }
    if form.version == 0 {
        return Err(err(at, Rule::VersionZero));
    }
    if !form.languages.contains(&Lang::en()) {
        return Err(err(at, Rule::NoEnglish));
    }
    if form.questions.is_empty() {
        return Err(err(at, Rule::NoQuestions));
    }
    check_text(&form.title, &form.languages, &format!("{at}, title"))?;
    let mut ids = BTreeSet::new();
    for q in &form.questions {
        let qat = format!("{at}, question {}", q.id);
        if q.id.is_empty() || !ids.insert(q.id.as_str()) {
            return Err(err(qat, Rule::QuestionIds));
        }
        check_text(&q.prompt, &form.languages, &format!("{qat}, prompt"))?;
        if q.rating && !matches!(q.kind, QuestionKind::Faces { .. } | QuestionKind::Scale { .. } | QuestionKind::YesNoNotSure) {
            return Err(err(qat, Rule::NotARating));
        }
        match &q.kind {
            QuestionKind::Faces { points } if *points != 3 && *points != 5 => {
                return Err(err(qat, Rule::FacePoints(*points)));
            }
            QuestionKind::EmojiPick { options, .. } => {
                if options.len() < 2 {
                    return Err(err(qat, Rule::TooFewOptions));
                }
                let mut seen = BTreeSet::new();
                for o in options {
                    if o.id.is_empty() || !seen.insert(o.id.as_str()) {
                        return Err(err(qat, Rule::OptionId(o.id.clone())));
                    }
                    if o.emoji.is_empty() {
                        return Err(err(format!("{qat}, option {}", o.id), Rule::NoEmoji));
                    }
                    check_text(&o.label, &form.languages, &format!("{qat}, option {}", o.id))?;
                }
            }
            QuestionKind::Scale { min, max, low, high } => {
                if min >= max || *max > 10 {
                    return Err(err(qat, Rule::ScaleRange(*min, *max)));
                }
                check_text(low, &form.languages, &format!("{qat}, low"))?;
                check_text(high, &form.languages, &format!("{qat}, high"))?;
            }
            QuestionKind::FreeText { max_chars } if *max_chars == 0 || usize::from(*max_chars) > MAX_TEXT_CHARS => {
                return Err(err(qat, Rule::MaxChars));
            }
            _ => {}
        }
    }
    for (i, f) in form.follow_up.iter().enumerate() {
        check_follow_up(form, f).map_err(|rule| err(format!("{at}, follow_up[{i}]"), rule))?;
    }
    Ok(())
}

fn check_text(text: &Text, langs: &[Lang], at: &str) -> Result<(), ValidationError> {
    match text.missing(langs).first() {
        Some(lang) => Err(ValidationError::new(at, Rule::MissingTranslation(lang.as_str().to_string()))),
        None => Ok(()),
    }
}

fn check_follow_up(form: &Form, f: &FollowUp) -> Result<(), Rule> {
    let q = form.question(&f.question).ok_or_else(|| Rule::SignalQuestion(f.question.clone()))?;
    let fits = match (&q.kind, &f.when) {
        (QuestionKind::Faces { points }, SignalAnswer::FaceAtMost(n)) => (1..*points).contains(n),
        (QuestionKind::Scale { min, max, .. }, SignalAnswer::ScaleAtMost(n)) => (*min..*max).contains(n),
        (QuestionKind::EmojiPick { options, .. }, SignalAnswer::Choice(id)) => options.iter().any(|o| &o.id == id),
        (QuestionKind::YesNoNotSure, SignalAnswer::YesNo(_)) => true,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        // As the form's author wrote it, e.g. {"face_at_most":5}.
        let written = serde_json::to_string(&f.when).unwrap_or_default();
        Err(Rule::SignalFit(written, f.question.clone()))
    }
}

/// Checks a response against the form it says it answered.
pub fn check_response(catalogue: &Catalogue, r: &Response) -> Result<(), ValidationError> {
    let Some(form) = catalogue.get(&r.form_id, r.form_version) else {
        let rule =
            if catalogue.knows_id(&r.form_id) { Rule::NoSuchVersion(r.form_id.to_string(), r.form_version) } else { Rule::UnknownForm(r.form_id.0.clone()) };
        return Err(ValidationError::new("form_id", rule));
    };
    if !form.offers(&r.lang) {
        return Err(ValidationError::new("lang", Rule::NotInLanguage(form.id.to_string(), r.lang.as_str().to_string())));
    }
    let mut seen = BTreeSet::new();
    for (i, a) in r.answers.iter().enumerate() {
        let at = format!("answers[{i}]");
        if !r.share && crate::response::holds_words(&a.value) {
            return Err(ValidationError::new(format!("{at}.value"), Rule::WordsNotShared));
        }
        let Some(q) = form.question(&a.question_id) else {
            return Err(ValidationError::new(format!("{at}.question_id"), Rule::NoSuchQuestion(form.id.to_string(), a.question_id.clone())));
        };
        if !seen.insert(&a.question_id) {
            return Err(ValidationError::new(format!("{at}.question_id"), Rule::AnsweredTwice(a.question_id.clone())));
        }
        check_answer(&q.kind, &a.value).map_err(|rule| ValidationError::new(format!("{at}.value"), rule))?;
    }
    Ok(())
}

fn check_words(words: &str, max: usize) -> Result<(), Rule> {
    let n = words.chars().count();
    if words.trim().is_empty() {
        Err(Rule::BlankWords)
    } else if n > max {
        Err(Rule::TooManyChars(max, n))
    } else {
        Ok(())
    }
}

fn check_answer(kind: &QuestionKind, value: &AnswerValue) -> Result<(), Rule> {
    use AnswerValue as A;
    use QuestionKind as Q;
    match (kind, value) {
        (_, A::Declined | A::Skipped) => Ok(()),
        (Q::FreeText { .. } | Q::Drawing | Q::ThreeHouses, A::OwnWords) => Ok(()),
        (Q::Faces { points }, A::Face(n)) if (1..=*points).contains(n) => Ok(()),
        (Q::Faces { points }, A::Face(n)) => Err(Rule::FaceRange(*points, *n)),
        (Q::EmojiPick { options, multiple }, A::Choices(ids)) => {
            if ids.is_empty() {
                return Err(Rule::NoChoice);
            }
            if !multiple && ids.len() > 1 {
                return Err(Rule::OneChoice);
            }
            let mut seen = BTreeSet::new();
            for id in ids {
                if !options.iter().any(|o| &o.id == id) {
                    return Err(Rule::NoSuchOption(id.clone()));
                }
                if !seen.insert(id) {
                    return Err(Rule::PickedTwice(id.clone()));
                }
            }
            Ok(())
        }
        (Q::YesNoNotSure, A::YesNo(_)) | (Q::WhoHelped, A::WhoHelped(_)) | (Q::Drawing, A::Drawing(_) | A::Blank) => Ok(()),
        (Q::Scale { min, max, .. }, A::Scale(n)) if (*min..=*max).contains(n) => Ok(()),
        (Q::Scale { min, max, .. }, A::Scale(n)) => Err(Rule::ScaleValue(*min, *max, *n)),
        (Q::FreeText { max_chars }, A::Text(words)) => check_words(words, usize::from(*max_chars)),
        (Q::ThreeHouses, A::Houses(h)) => {
            for (name, house) in [("worries", &h.worries), ("good_things", &h.good_things), ("dreams", &h.dreams)] {
                if let Some(w) = &house.words {
                    check_words(w, MAX_TEXT_CHARS).map_err(|e| Rule::HouseWords(name, Box::new(e)))?;
                }
            }
            if [&h.worries, &h.good_things, &h.dreams].iter().all(|house| house.is_empty()) {
                return Err(Rule::NoHouse);
            }
            Ok(())
        }
        (kind, value) => Err(Rule::WrongKind(value_name(value), kind_name(kind))),
    }
}

fn kind_name(k: &QuestionKind) -> &'static str {
    match k {
        QuestionKind::Faces { .. } => "faces",
        QuestionKind::EmojiPick { .. } => "emoji pick",
        QuestionKind::YesNoNotSure => "yes / no / not sure",
        QuestionKind::Scale { .. } => "scale",
        QuestionKind::FreeText { .. } => "free text",
        QuestionKind::Drawing => "drawing",
        QuestionKind::ThreeHouses => "three houses",
        QuestionKind::WhoHelped => "who helped",
    }
}

fn value_name(v: &AnswerValue) -> &'static str {
    match v {
        AnswerValue::Face(_) => "face",
        AnswerValue::Choices(_) => "choices",
        AnswerValue::YesNo(_) => "yes/no",
        AnswerValue::Scale(_) => "scale",
        AnswerValue::Text(_) => "text",
        AnswerValue::Drawing(_) => "drawing",
        AnswerValue::Houses(_) => "houses",
        AnswerValue::WhoHelped(_) => "who helped",
        AnswerValue::Blank => "blank page",
        AnswerValue::Declined => "declined",
        AnswerValue::Skipped => "skipped",
        AnswerValue::OwnWords => "own words",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::shipped_langs;
    use crate::response::{House, Houses, YesNo};
    use crate::{AgeBand, Answer, Day, FormId};
    use uuid::Uuid;

    fn catalogue() -> Catalogue {
        Catalogue::built_in()
    }

    fn response(form: &str, answers: Vec<(&str, AnswerValue)>) -> Response {
        let f = catalogue().latest(form).unwrap().clone();
        Response {
            id: Uuid::from_u128(7),
            form_id: f.id,
            form_version: f.version,
            lang: Lang::en(),
            date: "2026-11-25".parse::<Day>().unwrap(),
            answers: answers.into_iter().map(|(q, value)| Answer { question_id: q.into(), value }).collect(),
            // Shared, so that words and drawings may be checked here (see the test below).
            share: true,
            context: crate::case::CaseContext::example(1),
        }
    }

    /// A partnership's own form: the middle check under a new id, or as given by `change`.
    fn own_form(change: impl FnOnce(&mut Form)) -> Form {
        let mut f = catalogue().latest("middle-check").unwrap().clone();
        f.id = FormId("north-school-check".into());
        change(&mut f);
        f
    }

    /// The built-in forms and `extra`, each added with `Catalogue::add` in turn.
    fn with_forms(extra: Vec<Form>) -> Result<Catalogue, ValidationError> {
        let mut c = catalogue();
        for form in extra {
            c.add(form)?;
        }
        Ok(c)
    }

    #[test]
    fn a_partnership_adds_its_own_forms_checked_and_never_over_a_known_one() {
        let c = with_forms(vec![own_form(|_| {})]).unwrap();
        assert!(c.latest("north-school-check").is_some());
        assert_eq!(c.added().len(), 1, "only the added form is the partnership's");
        assert_eq!(c.forms().len(), catalogue().forms().len() + 1);
        // A broken form is named with its problem.
        let broken = with_forms(vec![own_form(|f| f.questions.clear())]).unwrap_err();
        assert_eq!(broken.to_string(), "form north-school-check: a form has at least one question");
        // A form that would replace a built-in one, or one added before, is refused.
        let clash = with_forms(vec![own_form(|f| f.id = FormId("middle-check".into()))]).unwrap_err();
        assert!(clash.to_string().contains("already known"), "{clash}");
        assert!(with_forms(vec![own_form(|_| {}), own_form(|_| {})]).is_err());
        assert!(with_forms(vec![own_form(|_| {}), own_form(|f| f.version = 2)]).is_ok(), "a new version is fine");
    }

    #[test]
    fn every_built_in_form_is_valid_in_every_shipped_language() {
        let c = catalogue();
        assert_eq!(c.forms().len(), 8, "a check and a help-we-got form for each of the 4 bands");
        for form in c.forms() {
            check_form(form).unwrap_or_else(|e| panic!("{e}"));
            for lang in shipped_langs() {
                assert!(form.offers(&lang), "form {} lacks {lang}", form.id);
            }
        }
    }

    #[test]
    fn every_band_has_a_check_and_a_help_we_got_form() {
        use crate::form::{AgeBand, Purpose};
        let c = catalogue();
        for band in [AgeBand::EarlyYears, AgeBand::Middle, AgeBand::Teen, AgeBand::Symbols] {
            let purposes: Vec<Purpose> = c.for_band(band).iter().map(|f| f.purpose).collect();
            assert_eq!(purposes, [Purpose::Check, Purpose::HelpWeGot], "{band:?}");
        }
    }

    #[test]
    fn a_missing_translation_is_located() {
        let mut form = catalogue().latest("middle-check").unwrap().clone();
        let q = form.questions[1].id.clone();
        form.questions[1].prompt.0.remove(&Lang::new("ar").unwrap());
        let e = check_form(&form).unwrap_err();
        assert_eq!(e.path, format!("form middle-check, question {q}, prompt"));
        assert_eq!(e.kind, Rule::MissingTranslation("ar".into()));
    }

    #[test]
    fn bad_form_settings_are_named() {
        let mut form = catalogue().latest("teen-check").unwrap().clone();
        form.questions[0].kind = QuestionKind::Faces { points: 4 };
        assert!(check_form(&form).unwrap_err().kind.to_string().contains("3 or 5"));
        let mut form = catalogue().latest("teen-check").unwrap().clone();
        form.questions.push(form.questions[0].clone());
        assert!(check_form(&form).unwrap_err().kind.to_string().contains("unique"));
        let mut form = catalogue().latest("teen-check").unwrap().clone();
        form.follow_up.push(FollowUp { question: "nope".into(), when: SignalAnswer::FaceAtMost(1) });
        assert!(check_form(&form).unwrap_err().path.starts_with("form teen-check, follow_up["));
    }

    #[test]
    fn answers_must_fit_their_question() {
        let c = catalogue();
        let ok = response("early-years-check", vec![("home", AnswerValue::Face(3)), ("safe", AnswerValue::YesNo(YesNo::No))]);
        assert_eq!(check_response(&c, &ok), Ok(()));
        let bad = response("early-years-check", vec![("home", AnswerValue::Face(4))]);
        assert_eq!(check_response(&c, &bad).unwrap_err().to_string(), "answers[0].value: face must be 1 to 3, got 4");
        let wrong_kind = response("early-years-check", vec![("home", AnswerValue::Scale(2))]);
        assert_eq!(check_response(&c, &wrong_kind).unwrap_err().kind.to_string(), "a scale answer does not fit a faces question");
        let blank = response("teen-check", vec![("working", AnswerValue::Text("   ".into()))]);
        assert!(check_response(&c, &blank).unwrap_err().kind.to_string().contains("not blank"));
        let long = response("teen-check", vec![("working", AnswerValue::Text("a".repeat(10_000)))]);
        assert!(check_response(&c, &long).unwrap_err().kind.to_string().starts_with("at most"));
        let scale = response("teen-check", vec![("overall", AnswerValue::Scale(11))]);
        assert_eq!(check_response(&c, &scale).unwrap_err().kind.to_string(), "scale must be 0 to 10, got 11");
    }

    #[test]
    fn a_blank_page_is_a_choice_on_drawing_questions_only() {
        let c = catalogue();
        let left_blank = response("early-years-check", vec![("draw", AnswerValue::Blank)]);
        assert_eq!(check_response(&c, &left_blank), Ok(()));
        assert_eq!(serde_json::to_string(&left_blank.answers[0].value).unwrap(), "\"blank\"");
        let on_faces = response("early-years-check", vec![("home", AnswerValue::Blank)]);
        assert_eq!(check_response(&c, &on_faces).unwrap_err().kind.to_string(), "a blank page answer does not fit a faces question");
    }

    #[test]
    fn emoji_picks_are_checked_against_their_options() {
        let c = catalogue();
        let form = c.latest("middle-check").unwrap();
        let (qid, first) = form
            .questions
            .iter()
            .find_map(|q| match &q.kind {
                QuestionKind::EmojiPick { options, multiple: true } => Some((q.id.as_str(), options[0].id.clone())),
                _ => None,
            })
            .expect("middle-check has a several-choice emoji question");
        let ok = response("middle-check", vec![(qid, AnswerValue::Choices(vec![first.clone()]))]);
        assert_eq!(check_response(&c, &ok), Ok(()));
        let twice = response("middle-check", vec![(qid, AnswerValue::Choices(vec![first.clone(), first]))]);
        assert!(check_response(&c, &twice).unwrap_err().kind.to_string().contains("twice"));
        let unknown = response("middle-check", vec![(qid, AnswerValue::Choices(vec!["unicorn".into()]))]);
        assert_eq!(check_response(&c, &unknown).unwrap_err().kind.to_string(), "no option \"unicorn\"");
        let none = response("middle-check", vec![(qid, AnswerValue::Choices(vec![]))]);
        assert!(check_response(&c, &none).is_err());
    }

    #[test]
    fn follow_up_signals_are_found_and_declines_are_not_signals() {
        let c = catalogue();
        let form = c.latest("middle-check").unwrap();
        let calm = response("middle-check", vec![("home", AnswerValue::Face(4)), ("safe", AnswerValue::YesNo(YesNo::Yes))]);
        assert!(form.follow_ups(&calm).is_empty());
        let worrying = response(
            "middle-check",
            vec![
                ("home", AnswerValue::Face(1)),
                ("feelings", AnswerValue::Choices(vec!["tired".into(), "scared".into()])),
                ("safe", AnswerValue::YesNo(YesNo::No)),
            ],
        );
        let hits: Vec<&str> = form.follow_ups(&worrying).iter().map(|f| f.question.as_str()).collect();
        assert_eq!(hits, ["safe", "home", "feelings"]);
        let declined = response("middle-check", vec![("safe", AnswerValue::Declined)]);
        assert!(form.follow_ups(&declined).is_empty(), "declining is respected, not treated as a signal");
        let teen = c.latest("teen-check").unwrap();
        let low = response("teen-check", vec![("overall", AnswerValue::Scale(1))]);
        assert_eq!(teen.follow_ups(&low).len(), 1);
        let ok = response("teen-check", vec![("overall", AnswerValue::Scale(2))]);
        assert!(teen.follow_ups(&ok).is_empty());
    }

    #[test]
    fn a_safety_question_not_answered_plainly_is_followed_up_and_told_apart_from_words() {
        use crate::form::Concern;
        let c = catalogue();
        let teen = c.latest("teen-check").unwrap();
        let concerns = |r: &Response| -> Vec<(String, Concern)> { teen.safety_follow_ups(r).iter().map(|f| (f.question.id.clone(), f.concern)).collect() };
        // No signal met, yet the child declined "safe" and wrote something: not "nothing".
        let r = response(
            "teen-check",
            vec![
                ("overall", AnswerValue::Scale(8)),
                ("home", AnswerValue::Face(4)),
                ("safe", AnswerValue::Declined),
                ("listened", AnswerValue::Declined),
                ("not_working", AnswerValue::Text("My stepdad hits me".into())),
                ("working", AnswerValue::Text("  ".into())),
            ],
        );
        assert!(teen.follow_ups(&r).is_empty());
        assert_eq!(concerns(&r), [("safe".to_string(), Concern::Declined)], "only questions with a signal; not the one that has none");
        let words: Vec<&str> = teen.in_own_words(&r).iter().map(|q| q.id.as_str()).collect();
        assert_eq!(words, ["not_working"], "blank words are no words");
        // Moved past with Next, "not sure", and never reached (the child stopped first): each
        // is a follow-up, after the signals met.
        let r = response("teen-check", vec![("overall", AnswerValue::Skipped), ("home", AnswerValue::Face(1)), ("safe", AnswerValue::YesNo(YesNo::NotSure))]);
        assert_eq!(concerns(&r), [("home".to_string(), Concern::Signal), ("safe".to_string(), Concern::NotSure), ("overall".to_string(), Concern::Skipped)]);
        let stopped = response("teen-check", vec![("overall", AnswerValue::Scale(7))]);
        assert!(concerns(&stopped).iter().all(|(q, c)| *c == Concern::NotReached && q != "overall"));
        assert!(!concerns(&stopped).is_empty());
        let calm = response("teen-check", vec![("overall", AnswerValue::Scale(9)), ("home", AnswerValue::Face(5)), ("safe", AnswerValue::YesNo(YesNo::Yes))]);
        assert!(concerns(&calm).is_empty() && teen.in_own_words(&calm).is_empty());
    }

    #[test]
    fn a_skipped_question_is_accepted_for_every_kind_and_counts_as_not_heard() {
        let c = catalogue();
        for form in c.forms() {
            let answers = form.questions.iter().map(|q| (q.id.as_str(), AnswerValue::Skipped)).collect();
            let r = response(&form.id.0, answers);
            assert_eq!(check_response(&c, &r), Ok(()), "{}", form.id);
            assert!(!r.heard(form), "{}: a form moved through with Next is not a child heard", form.id);
        }
    }

    #[test]
    fn every_band_has_a_check_with_the_three_houses_or_says_why_not() {
        for band in [AgeBand::EarlyYears, AgeBand::Middle, AgeBand::Teen, AgeBand::Symbols] {
            let c = catalogue();
            let checks: Vec<&Form> = c.for_band(band).into_iter().filter(|f| f.purpose == crate::Purpose::Check).collect();
            assert!(!checks.is_empty(), "{band:?} has a check");
            for f in checks {
                let houses = f.questions.iter().any(|q| q.kind == QuestionKind::ThreeHouses);
                let why = f.notes.as_deref().is_some_and(|n| n.contains("three houses"));
                assert!(houses || why, "{}: no three houses and no note saying why", f.id);
            }
        }
    }

    #[test]
    fn words_and_drawings_the_child_did_not_share_are_refused_and_own_words_accepted() {
        let c = catalogue();
        let mut r = response("middle-check", vec![("home", AnswerValue::Face(2)), ("words", AnswerValue::Text("my dad hits me".into()))]);
        r.share = false;
        let e = check_response(&c, &r).unwrap_err();
        assert_eq!(e.path, "answers[1].value");
        assert_eq!(e.kind, Rule::WordsNotShared, "{e}");
        assert_eq!(check_response(&c, &r.minimised()), Ok(()));
        let own = response("early-years-check", vec![("home", AnswerValue::OwnWords)]);
        assert!(check_response(&c, &own).unwrap_err().kind.to_string().contains("does not fit"), "own words only for words and drawings");
    }

    #[test]
    fn three_houses_need_something_in_a_house() {
        let c = catalogue();
        let empty = response("middle-check", vec![("houses", AnswerValue::Houses(Houses::default()))]);
        assert!(check_response(&c, &empty).unwrap_err().kind.to_string().contains("at least one house"));
        let words = Houses { dreams: House { drawing: None, words: Some("a dog".into()) }, ..Houses::default() };
        assert_eq!(check_response(&c, &response("middle-check", vec![("houses", AnswerValue::Houses(words))])), Ok(()));
    }

    #[test]
    fn unknown_forms_versions_questions_and_languages_are_named() {
        let c = catalogue();
        let mut r = response("early-years-check", vec![]);
        assert_eq!(check_response(&c, &r), Ok(()), "a child may stop before answering");
        r.lang = Lang::new("fr").unwrap();
        assert_eq!(check_response(&c, &r).unwrap_err().path, "lang");
        r.lang = Lang::en();
        r.form_version = 99;
        assert_eq!(check_response(&c, &r).unwrap_err().kind.to_string(), "form early-years-check has no version 99");
        r.form_id = FormId("nope".into());
        assert_eq!(check_response(&c, &r).unwrap_err().kind.to_string(), "unknown form \"nope\"");
        let stray = response("early-years-check", vec![("school-dinners", AnswerValue::Face(1))]);
        assert_eq!(check_response(&c, &stray).unwrap_err().path, "answers[0].question_id");
        let repeated = response("early-years-check", vec![("home", AnswerValue::Face(1)), ("home", AnswerValue::Face(2))]);
        assert_eq!(check_response(&c, &repeated).unwrap_err().path, "answers[1].question_id");
    }
}
