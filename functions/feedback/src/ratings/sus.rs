//! The System Usability Scale (Brooke, 1996): ten statements answered from 1 (strongly
//! disagree) to 5 (strongly agree). The odd-numbered statements are positive (each scores its
//! answer − 1), the even-numbered negative (each scores 5 − its answer); the sum of the ten
//! (0..=40) times 2.5 is the score, 0..=100. 68 is the usual "average" usability.

use serde::Serialize;

/// The questionnaire's statements.
pub const QUESTIONS: usize = 10;
/// The answers' range.
pub const ANSWERS: std::ops::RangeInclusive<u8> = 1..=5;

/// The SUS score (0..=100, a multiple of 2.5) of ten answers, each in [`ANSWERS`].
pub fn score(answers: &[u8; QUESTIONS]) -> f64 {
    let points: u32 = answers
        .iter()
        .enumerate()
        .map(|(index, &answer)| {
            let answer = u32::from(answer.clamp(*ANSWERS.start(), *ANSWERS.end()));
            // Index 0 is the first statement: odd-numbered, positive.
            if index % 2 == 0 {
                answer - 1
            } else {
                5 - answer
            }
        })
        .sum();
    f64::from(points) * 2.5
}

/// The mean score of `responses` whose scores sum to `score_sum`, to one decimal; `None`
/// without responses.
pub fn mean(score_sum: f64, responses: u64) -> Option<f64> {
    (responses > 0).then(|| (score_sum / responses as f64 * 10.0).round() / 10.0)
}

/// How many scores fall in each band: up to 50 (poor), above 50 and below 68 (below
/// average), 68 to 80 (good), above 80 (excellent). Scores are multiples of 2.5, so 67.5 is in
/// `51-67` and 50 in `0-50`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Bands {
    #[serde(rename = "0-50")]
    pub poor: u64,
    #[serde(rename = "51-67")]
    pub below_average: u64,
    #[serde(rename = "68-80")]
    pub good: u64,
    #[serde(rename = "81-100")]
    pub excellent: u64,
}

impl Bands {
    pub fn of(scores: impl IntoIterator<Item = f64>) -> Self {
        let mut bands = Bands::default();
        for score in scores {
            if score <= 50.0 {
                bands.poor += 1;
            } else if score < 68.0 {
                bands.below_average += 1;
            } else if score <= 80.0 {
                bands.good += 1;
            } else {
                bands.excellent += 1;
            }
        }
        bands
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worked_example_scores_85() {
        // Odd statements 4, 4, 5, 4, 5 → 3 + 3 + 4 + 3 + 4 = 17;
        // even statements 2, 1, 2, 2, 1 → 3 + 4 + 3 + 3 + 4 = 17; (17 + 17) × 2.5 = 85.
        assert_eq!(score(&[4, 2, 4, 1, 5, 2, 4, 2, 5, 1]), 85.0);
    }

    #[test]
    fn neutral_best_and_worst_answers() {
        assert_eq!(score(&[3; QUESTIONS]), 50.0);
        assert_eq!(score(&[5, 1, 5, 1, 5, 1, 5, 1, 5, 1]), 100.0);
        assert_eq!(score(&[1, 5, 1, 5, 1, 5, 1, 5, 1, 5]), 0.0);
        // All agree: the positive half scores 4 each, the negative half 0.
        assert_eq!(score(&[5; QUESTIONS]), 50.0);
        // One step off the best on the last statement.
        assert_eq!(score(&[5, 1, 5, 1, 5, 1, 5, 1, 5, 2]), 97.5);
    }

    #[test]
    fn the_mean_has_one_decimal() {
        assert_eq!(mean(0.0, 0), None);
        assert_eq!(mean(85.0 + 50.0, 2), Some(67.5));
        assert_eq!(mean(85.0 + 50.0 + 100.0, 3), Some(78.3));
        assert_eq!(mean(2.5 + 0.0 + 0.0, 3), Some(0.8));
    }

    #[test]
    fn scores_fall_in_bands_at_their_edges() {
        let bands = Bands::of([0.0, 50.0, 52.5, 67.5, 68.0, 80.0, 82.5, 100.0]);
        assert_eq!(
            bands,
            Bands {
                poor: 2,
                below_average: 2,
                good: 2,
                excellent: 2
            }
        );
        let json = serde_json::to_value(bands).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"0-50": 2, "51-67": 2, "68-80": 2, "81-100": 2})
        );
    }
}
