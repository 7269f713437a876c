//! Synthetic responses and outcomes: generated, no real child. The demo partnership is seeded
//! with them so a newcomer sees a populated dashboard at once, and the benchmarks use the
//! same generator: the server's at a million responses, the tablet's sync bench at ten
//! thousand. Deterministic for a given seed.

use crate::case::{CaseContext, ContextFlags, Flag, Outcome, Pseudonym, Stage};
use crate::drawing::{Point, Stroke};
use crate::wire::OutcomeV1;
use crate::{AgeBand, AnswerValue, Catalogue, Day, Drawing, Helper, House, Houses, Purpose, QuestionKind, Response, YesNo};
use uuid::Uuid;

/// splitmix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0 <= n < `below`.
    pub fn below(&mut self, below: u64) -> u64 {
        self.next_u64() % below.max(1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn uuid(&mut self) -> Uuid {
        let hi = u128::from(self.next_u64()) << 64;
        uuid::Builder::from_random_bytes((hi | u128::from(self.next_u64())).to_be_bytes()).into_uuid()
    }
}

/// Made-up words, in the voice of children and young people, none of them real.
const WORDS: [&str; 16] = [
    "I like it when my worker listens to me",
    "Mum is less stressed now",
    "I want my own bed",
    "School is better since I got help with reading",
    "I worry about money at home",
    "We have a new flat and it is warm",
    "I miss my dad",
    "Nobody asked me before",
    "The group on Tuesdays helped",
    "I feel safer now",
    "Sometimes the shouting scares me",
    "I would like more time to play football",
    "Moving again was hard",
    "My teacher understands me now",
    "I want to stay with my brother",
    "It helped to draw it instead of saying it",
];

/// One synthetic response or outcome, with the agency (by index) whose device sent it.
pub enum Item {
    Response(usize, Response),
    Outcome(usize, OutcomeV1),
}

/// How a case tends to go, by outcome: the usual change in the child's rating (0 to 10).
fn drift_of(outcome: Option<Outcome>) -> i64 {
    match outcome {
        Some(Outcome::NeedsMet | Outcome::SteppedDown) => 3,
        Some(Outcome::Specialist | Outcome::Other) => 1,
        Some(Outcome::SteppedUp | Outcome::ChildProtection) => -2,
        Some(Outcome::Disengaged | Outcome::MovedAway) => 0,
        None => 1,
    }
}

fn outcome_for(rng: &mut Rng) -> Outcome {
    match rng.below(100) {
        0..=39 => Outcome::NeedsMet,
        40..=59 => Outcome::SteppedDown,
        60..=69 => Outcome::SteppedUp,
        70..=73 => Outcome::ChildProtection,
        74..=83 => Outcome::Specialist,
        84..=91 => Outcome::Disengaged,
        92..=96 => Outcome::MovedAway,
        _ => Outcome::Other,
    }
}

fn doodle(rng: &mut Rng) -> Drawing {
    let (cx, cy, r) = (200 + rng.below(400) as i64, 150 + rng.below(300) as i64, 40 + rng.below(80) as i64);
    let points = (0..24)
        .map(|i| {
            let a = f64::from(i) * std::f64::consts::TAU / 23.0;
            Point { x: (cx + (r as f64 * a.cos()) as i64) as u16, y: (cy + (r as f64 * a.sin()) as i64) as u16, pressure: 128 }
        })
        .collect();
    Drawing { width: 800, height: 600, strokes: vec![Stroke { colour: rng.below(10) as u8, brush: 1, eraser: false, points }] }
}

/// A response to `form` whose rating questions aim at `rating` (0 to 10).
fn answer(rng: &mut Rng, catalogue: &Catalogue, form_id: &str, rating: i64, heard: bool) -> Vec<(String, AnswerValue)> {
    let form = catalogue.latest(form_id).expect("built-in form");
    let r = rating.clamp(0, 10) as f64 / 10.0;
    let mut answers = Vec::new();
    for q in &form.questions {
        if !heard || rng.chance(6) {
            answers.push((q.id.clone(), AnswerValue::Declined));
            continue;
        }
        let value = match &q.kind {
            QuestionKind::Faces { points } => AnswerValue::Face(1 + (r * f64::from(points - 1)).round() as u8),
            QuestionKind::Scale { min, max, .. } => AnswerValue::Scale(min + (r * f64::from(max - min)).round() as u8),
            QuestionKind::YesNoNotSure if q.rating => AnswerValue::YesNo(if r >= 0.65 {
                YesNo::Yes
            } else if r >= 0.35 {
                YesNo::NotSure
            } else {
                YesNo::No
            }),
            QuestionKind::YesNoNotSure => AnswerValue::YesNo(*rng.pick(&YesNo::ALL)),
            QuestionKind::EmojiPick { options, .. } => AnswerValue::Choices(vec![rng.pick(options).id.clone()]),
            QuestionKind::FreeText { .. } => AnswerValue::Text(rng.pick(&WORDS).to_string()),
            QuestionKind::Drawing => AnswerValue::Drawing(doodle(rng)),
            QuestionKind::ThreeHouses => AnswerValue::Houses(Houses {
                worries: House { drawing: None, words: Some(rng.pick(&WORDS).to_string()) },
                good_things: House { drawing: Some(doodle(rng)), words: None },
                dreams: House::default(),
            }),
            QuestionKind::WhoHelped => AnswerValue::WhoHelped(*rng.pick(&Helper::ALL)),
        };
        answers.push((q.id.clone(), value));
    }
    answers
}

fn form_for(band: AgeBand, purpose: Purpose) -> &'static str {
    match (band, purpose) {
        (AgeBand::EarlyYears, Purpose::Check) => "early-years-check",
        (AgeBand::Middle, Purpose::Check) => "middle-check",
        (AgeBand::Teen, Purpose::Check) => "teen-check",
        (AgeBand::Symbols, Purpose::Check) => "symbols-check",
        (AgeBand::EarlyYears, Purpose::HelpWeGot) => "early-years-help-we-got",
        (AgeBand::Middle, Purpose::HelpWeGot) => "middle-help-we-got",
        (AgeBand::Teen, Purpose::HelpWeGot) => "teen-help-we-got",
        (AgeBand::Symbols, Purpose::HelpWeGot) => "symbols-help-we-got",
    }
}

/// A case pseudonym for synthetic case `n` of `seed`: 32 bytes from a generator of its own, so
/// the same case always gets the same pseudonym and the main sequence is left as it is.
fn synthetic_pseudonym(seed: u64, n: u64) -> Pseudonym {
    let mut rng = Rng::new(seed ^ n.wrapping_mul(0xA24B_AED4_963E_E407));
    let mut digest = [0u8; 32];
    for chunk in digest.chunks_mut(8) {
        chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
    }
    Pseudonym::from_digest(&digest)
}

/// `cases` synthetic cases spread over `agencies` agencies, first seen within the 400 days
/// before `today`: about 2.5 responses per case, and an outcome for most older cases.
pub fn generate(seed: u64, cases: usize, agencies: usize, today: Day) -> impl Iterator<Item = Item> {
    let catalogue = Catalogue::built_in();
    let mut rng = Rng::new(seed);
    let today = today.unix_days();
    (0..cases).flat_map(move |n| {
        let mut items = Vec::new();
        let agency = rng.below(agencies as u64) as usize;
        let case = synthetic_pseudonym(seed, n as u64);
        let band = match rng.below(10) {
            0..=2 => AgeBand::EarlyYears,
            3..=5 => AgeBand::Middle,
            6..=8 => AgeBand::Teen,
            _ => AgeBand::Symbols,
        };
        // Drawn in this order, so a seed gives the same cases as before.
        let mut flags = ContextFlags::default();
        flags.set(Flag::Send, band == AgeBand::Symbols || rng.chance(18));
        flags.set(Flag::Homeless, rng.chance(10));
        flags.set(Flag::EarlyHelpAssessment, rng.chance(40));
        flags.set(Flag::ChildProtectionPlan, rng.chance(5));
        flags.set(Flag::YoungCarer, rng.chance(8));
        let start = today - 20 - rng.below(380) as i64;
        // Older cases are more likely to have ended.
        let ended = (today - start) > 60 && rng.chance(75);
        let outcome = ended.then(|| outcome_for(&mut rng));
        let close = start + 10 + rng.below(((today - start - 10).max(1)) as u64) as i64;
        // As the audit found: for some cases nobody asked the child at all; the partnership
        // knows of them only from their outcome.
        if let Some(outcome) = outcome.filter(|_| rng.chance(22)) {
            if let Some(date) = Day::from_unix_days(close) {
                let id = rng.uuid();
                items.push(Item::Outcome(agency, OutcomeV1 { id, case: case.clone(), outcome, date }));
            }
            return items;
        }
        // Homeless families' cases drift longer; the SEND children's ratings improve less.
        let close = if flags.has(Flag::Homeless) { (close + 45).min(today) } else { close };
        let change = drift_of(outcome) + rng.below(3) as i64 - 1 - i64::from(flags.has(Flag::Send));
        let first = 2 + rng.below(5) as i64;
        let heard = rng.chance(88);
        let share = rng.chance(45);
        let mut visit = |day: i64, stage: Stage, purpose: Purpose, rating: i64, rng: &mut Rng| {
            let Some(date) = Day::from_unix_days(day) else { return };
            let form = form_for(band, purpose);
            let form_def = catalogue.latest(form).expect("built-in form");
            let mut r = Response {
                id: rng.uuid(),
                form_id: form_def.id.clone(),
                form_version: form_def.version,
                lang: crate::Lang::en(),
                date,
                answers: vec![],
                share,
                context: CaseContext { case: case.clone(), age_band: band, flags, stage },
            };
            for (q, v) in answer(rng, &catalogue, form, rating, heard || stage != Stage::Start) {
                r.set_answer(&q, v);
            }
            // As a tablet sends it: unshared words and drawings stay on the tablet.
            items.push(Item::Response(agency, r.minimised()));
        };
        visit(start, Stage::Start, Purpose::Check, first, &mut rng);
        if close - start > 30 && rng.chance(60) {
            visit(start + (close - start) / 2, Stage::Review, Purpose::Check, first + change / 2, &mut rng);
        }
        if let Some(outcome) = outcome {
            if rng.chance(85) {
                visit(close, Stage::Closing, Purpose::Check, first + change, &mut rng);
                visit(close, Stage::Closing, Purpose::HelpWeGot, first + change, &mut rng);
            }
            // Recorded up to ten days after the last visit, never after today.
            if let Some(date) = Day::from_unix_days((close + rng.below(10) as i64).min(today)) {
                let id = rng.uuid();
                items.push(Item::Outcome(agency, OutcomeV1 { id, case: case.clone(), outcome, date }));
            }
        }
        items
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_responses_are_valid_and_the_same_every_time() {
        let today: Day = "2026-11-25".parse().unwrap();
        let catalogue = Catalogue::built_in();
        let items: Vec<Item> = generate(7, 200, 5, today).collect();
        let responses: Vec<&Response> = items.iter().filter_map(|i| if let Item::Response(_, r) = i { Some(r) } else { None }).collect();
        let outcomes = items.len() - responses.len();
        assert!(responses.len() > 300, "{} responses for 200 cases", responses.len());
        assert!(outcomes > 60, "{outcomes} outcomes");
        for r in &responses {
            crate::validate::check_response(&catalogue, r).unwrap_or_else(|e| panic!("{e}"));
            assert!(r.date <= today);
        }
        for item in &items {
            if let Item::Outcome(_, o) = item {
                assert!(o.date <= today, "an outcome dated {} after today", o.date);
            }
        }
        let again: Vec<Item> = generate(7, 200, 5, today).collect();
        assert_eq!(again.len(), items.len());
        let Item::Response(_, first_again) = &again[0] else { panic!() };
        assert_eq!(first_again, responses[0]);
    }
}
