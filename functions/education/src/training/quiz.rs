//! Scoring a quiz attempt: pure, so every rule is unit-tested. The body names one choice per
//! question (`{"answers": {"<questionId>": "<choiceId>"}}`); every question must be answered
//! with one of its choices, and nothing else may be named (422 `answers.<questionId>`).

use std::collections::BTreeMap;

use portal_shared::ApiError;
use portal_shared::platform::validation::FieldErrors;
use serde::{Deserialize, Serialize};

use crate::training::content::Quiz;

/// `POST /staff/training/{moduleId}/attempts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    pub answers: BTreeMap<String, String>,
}

/// One question's outcome, with its explanation (shown after an attempt, pass or fail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reviewed {
    pub question_id: String,
    pub correct: bool,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// `round(100 × correct / total)`, 0–100.
    pub score: u32,
    pub passed: bool,
    pub correct: u32,
    pub total: u32,
    /// In the quiz's order.
    pub review: Vec<Reviewed>,
}

/// Question ids are short slugs: an unknown key is echoed in the field name only when it looks
/// like one (a body cannot fill the problem document with its own text).
fn echoable(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Scores `answers` against `quiz`; 422 naming every question left out, answered with a choice
/// it does not have, or not in the quiz at all.
pub fn score(quiz: &Quiz, answers: &BTreeMap<String, String>) -> Result<Scored, ApiError> {
    let mut errors = FieldErrors::new();
    let mut review = Vec::with_capacity(quiz.questions.len());
    let mut correct = 0u32;
    for question in &quiz.questions {
        let field = format!("answers.{}", question.question_id);
        let Some(chosen) = answers.get(&question.question_id) else {
            errors.add(field, "must be answered");
            continue;
        };
        if !question.choices.iter().any(|c| &c.choice_id == chosen) {
            errors.add(field, "is not one of this question's choices");
            continue;
        }
        let right = *chosen == question.answer;
        correct += u32::from(right);
        review.push(Reviewed {
            question_id: question.question_id.clone(),
            correct: right,
            explanation: question.explanation.clone(),
        });
    }
    let mut unknown = false;
    for key in answers.keys() {
        if quiz.questions.iter().any(|q| &q.question_id == key) {
            continue;
        }
        if echoable(key) {
            errors.add(format!("answers.{key}"), "is not a question of this module");
        } else if !unknown {
            unknown = true;
            errors.add("answers", "names a question this module does not have");
        }
    }
    errors.finish()?;
    let total = u32::try_from(quiz.questions.len())
        .map_err(|_| ApiError::internal("a quiz has too many questions"))?;
    if total == 0 {
        return Err(ApiError::internal("a quiz has no questions"));
    }
    let score = percent(correct, total);
    Ok(Scored {
        score,
        passed: score >= quiz.pass_mark,
        correct,
        total,
        review,
    })
}

/// `round(100 × correct / total)`, halves up, in integers (`total` > 0).
fn percent(correct: u32, total: u32) -> u32 {
    (200 * correct + total) / (2 * total)
}

#[cfg(test)]
mod tests {
    use portal_shared::platform::http::parse_json;

    use super::*;
    use crate::training::content::{Choice, Question};

    fn question(id: &str, answer: &str) -> Question {
        Question {
            question_id: id.into(),
            text: format!("{id}?"),
            choices: ["a", "b", "c"]
                .into_iter()
                .map(|c| Choice {
                    choice_id: c.into(),
                    text: c.into(),
                })
                .collect(),
            answer: answer.into(),
            explanation: format!("because {id}"),
        }
    }

    fn quiz() -> Quiz {
        Quiz {
            pass_mark: 80,
            questions: vec![
                question("q1", "a"),
                question("q2", "b"),
                question("q3", "c"),
                question("q4", "a"),
                question("q5", "b"),
            ],
        }
    }

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(q, c)| ((*q).to_owned(), (*c).to_owned()))
            .collect()
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn all_right_passes_with_100() {
        let scored = score(
            &quiz(),
            &answers(&[
                ("q1", "a"),
                ("q2", "b"),
                ("q3", "c"),
                ("q4", "a"),
                ("q5", "b"),
            ]),
        )
        .expect("scored");
        assert_eq!((scored.score, scored.passed), (100, true));
        assert_eq!((scored.correct, scored.total), (5, 5));
        assert!(scored.review.iter().all(|r| r.correct));
        assert_eq!(scored.review[2].explanation, "because q3");
    }

    #[test]
    fn four_of_five_is_80_and_passes_three_is_60_and_fails() {
        let four = score(
            &quiz(),
            &answers(&[
                ("q1", "a"),
                ("q2", "b"),
                ("q3", "c"),
                ("q4", "a"),
                ("q5", "c"),
            ]),
        )
        .expect("scored");
        assert_eq!((four.score, four.passed, four.correct), (80, true, 4));
        assert_eq!(
            four.review
                .iter()
                .map(|r| (r.question_id.as_str(), r.correct))
                .collect::<Vec<_>>(),
            [
                ("q1", true),
                ("q2", true),
                ("q3", true),
                ("q4", true),
                ("q5", false)
            ]
        );
        let three = score(
            &quiz(),
            &answers(&[
                ("q1", "a"),
                ("q2", "b"),
                ("q3", "c"),
                ("q4", "b"),
                ("q5", "c"),
            ]),
        )
        .expect("scored");
        assert_eq!((three.score, three.passed), (60, false));
        let none = score(
            &quiz(),
            &answers(&[
                ("q1", "b"),
                ("q2", "a"),
                ("q3", "a"),
                ("q4", "b"),
                ("q5", "c"),
            ]),
        )
        .expect("scored");
        assert_eq!((none.score, none.passed, none.correct), (0, false, 0));
    }

    #[test]
    fn scores_round_half_up() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(7, 9), 78);
        assert_eq!(percent(0, 7), 0);
        assert_eq!(percent(7, 7), 100);
    }

    #[test]
    fn every_missing_unknown_or_bad_answer_is_named() {
        let error = score(
            &quiz(),
            &answers(&[
                ("q1", "a"),
                ("q2", "z"),
                ("q4", "a"),
                ("q5", "b"),
                ("q9", "a"),
            ]),
        )
        .expect_err("invalid");
        assert_eq!(fields(error), ["answers.q2", "answers.q3", "answers.q9"]);
        let empty = score(&quiz(), &answers(&[])).expect_err("invalid");
        assert_eq!(fields(empty).len(), 5);
        let long = "x".repeat(200);
        let odd = score(
            &quiz(),
            &answers(&[
                ("q1", "a"),
                ("q2", "b"),
                ("q3", "c"),
                ("q4", "a"),
                ("q5", "b"),
                (&long, "a"),
                ("<script>", "a"),
            ]),
        )
        .expect_err("invalid");
        assert_eq!(fields(odd), ["answers"]);
    }

    #[test]
    fn the_body_is_an_object_of_strings_and_nothing_else() {
        let attempt: Attempt = parse_json(br#"{"answers":{"q1":"a"}}"#).expect("valid");
        assert_eq!(attempt.answers.get("q1").map(String::as_str), Some("a"));
        assert!(parse_json::<Attempt>(br#"{"answers":{"q1":"a"},"score":100}"#).is_err());
        assert!(parse_json::<Attempt>(br#"{"answers":{"q1":1}}"#).is_err());
        assert!(parse_json::<Attempt>(br#"{}"#).is_err());
    }
}
