//! Counting a poll's ballots: pure, so the worked examples below are its tests.
//!
//! **Per stratum** (staff, patients, practices), each idea's points: with `rank` (top k =
//! `topK`), a ballot gives the idea it ranks r-th (1-based) k − r + 1 points and every idea it
//! does not rank 0 (a Borda count); with `approval`, 1 point per ballot approving the idea.
//! Ideas are ordered by points, most first; equal points share a rank (1, 2, 2, 4), and
//! among equals the order is by title, then by id.
//!
//! **Overall**, each idea's score is Σ over the strata *that have ballots* of
//! weight × points / ballots of that stratum (its points per ballot, so a large stratum does not
//! outvote a small one by size alone), rounded to 3 decimals; ranked the same way on the
//! rounded score. A stratum without ballots adds nothing (and divides by nothing).
//!
//! # Worked example 1 (rank, k = 2: first place 2 points, second 1)
//!
//! Ideas: A "Bills online", B "Booking", C "Check-in". Weights: staff 1, patients 2,
//! practices 1.
//!
//! | stratum   | ballots                              | A | B | C | ranking                    |
//! |-----------|--------------------------------------|---|---|---|----------------------------|
//! | staff     | [A,B] [A,C] [B,A] [C]                | 5 | 3 | 3 | A 1, B 2, C 2 (tie: title) |
//! | patients  | [C,B] [C,A]                          | 1 | 1 | 4 | C 1, A 2, B 2 (tie: title) |
//! | practices | [B]                                  | 0 | 2 | 0 | B 1, A 2, C 2              |
//!
//! Overall: A = 1×5/4 + 2×1/2 + 1×0/1 = 2.25; B = 1×3/4 + 2×1/2 + 1×2/1 = 3.75;
//! C = 1×3/4 + 2×4/2 + 1×0/1 = 4.75. Order: C 1, B 2, A 3.
//!
//! # Worked example 2 (approval; a stratum without ballots; a tie after rounding)
//!
//! Same ideas. Weights: staff 1, patients 100, practices 1. Staff: [A] [A,B] [B] → A 2, B 2,
//! C 0 (A 1, B 1, C 3). Patients: no ballots (excluded, whatever its weight). Practices: [C] →
//! C 1, A 0, B 0 (C 1, A 2, B 2). Overall: A = 1×2/3 = 0.667, B = 0.667, C = 1×1/1 = 1 →
//! C 1, A 2, B 2.

use std::cmp::Ordering;
use std::collections::HashMap;

use portal_shared::domain::ids::IdeaId;
use serde::Serialize;

use crate::polls::model::Method;
use crate::respondent::Stratum;

/// One idea of the poll, as the results name it.
#[derive(Debug, Clone)]
pub struct IdeaName {
    pub idea_id: IdeaId,
    pub title: String,
}

/// One stratum's ballots (each a ballot's `choices`), with the stratum's weight.
#[derive(Debug, Clone)]
pub struct StratumBallots {
    pub stratum: Stratum,
    pub weight: f64,
    pub ballots: Vec<Vec<IdeaId>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RankingRow {
    pub idea_id: IdeaId,
    pub title: String,
    pub points: u64,
    pub rank: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StratumResult {
    pub stratum: Stratum,
    pub weight: f64,
    pub ballots: u64,
    pub ranking: Vec<RankingRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OverallRow {
    pub idea_id: IdeaId,
    pub title: String,
    pub score: f64,
    pub rank: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    pub strata: Vec<StratumResult>,
    pub overall: Vec<OverallRow>,
}

/// The points one ballot gives each idea it names.
fn ballot_points(
    method: Method,
    top_k: u32,
    choices: &[IdeaId],
) -> impl Iterator<Item = (IdeaId, u64)> + '_ {
    choices.iter().enumerate().map(move |(index, idea)| {
        let points = match method {
            Method::Rank => u64::from(top_k).saturating_sub(index as u64),
            Method::Approval => 1,
        };
        (*idea, points)
    })
}

/// Sorts `rows` by `value` (highest first), then title, then id, and gives equal values one
/// rank (1, 2, 2, 4).
fn ranked<T, V: Ord + Copy>(
    mut rows: Vec<T>,
    value: impl Fn(&T) -> V,
    name: impl Fn(&T) -> (&str, IdeaId),
    mut set_rank: impl FnMut(&mut T, u32),
) -> Vec<T> {
    rows.sort_by(|a, b| {
        value(b)
            .cmp(&value(a))
            .then_with(|| name(a).0.cmp(name(b).0))
            .then_with(|| name(a).1.cmp(&name(b).1))
    });
    let mut previous: Option<V> = None;
    let mut rank = 0;
    for (index, row) in rows.iter_mut().enumerate() {
        let current = value(row);
        if previous.is_none_or(|previous| previous.cmp(&current) != Ordering::Equal) {
            rank = index as u32 + 1;
            previous = Some(current);
        }
        set_rank(row, rank);
    }
    rows
}

/// A score in thousandths (rounded half away from zero), so equal rounded scores tie exactly.
fn thousandths(score: f64) -> i64 {
    (score * 1000.0).round() as i64
}

/// Counts every stratum's ballots and the weighted overall order. Choices naming an idea not
/// in `ideas` are ignored (ballots are checked against the poll when cast).
pub fn count(ideas: &[IdeaName], method: Method, top_k: u32, strata: &[StratumBallots]) -> Counted {
    let mut scores: HashMap<IdeaId, f64> = ideas.iter().map(|idea| (idea.idea_id, 0.0)).collect();
    let mut results = Vec::with_capacity(strata.len());
    for stratum in strata {
        let mut points: HashMap<IdeaId, u64> = ideas.iter().map(|idea| (idea.idea_id, 0)).collect();
        for ballot in &stratum.ballots {
            for (idea, earned) in ballot_points(method, top_k, ballot) {
                if let Some(total) = points.get_mut(&idea) {
                    *total += earned;
                }
            }
        }
        let ballots = stratum.ballots.len() as u64;
        if ballots > 0 {
            for (idea, total) in &points {
                if let Some(score) = scores.get_mut(idea) {
                    *score += stratum.weight * (*total as f64) / (ballots as f64);
                }
            }
        }
        let rows = ideas
            .iter()
            .map(|idea| RankingRow {
                idea_id: idea.idea_id,
                title: idea.title.clone(),
                points: points.get(&idea.idea_id).copied().unwrap_or_default(),
                rank: 0,
            })
            .collect();
        results.push(StratumResult {
            stratum: stratum.stratum,
            weight: stratum.weight,
            ballots,
            ranking: ranked(
                rows,
                |row| row.points,
                |row| (row.title.as_str(), row.idea_id),
                |row, rank| row.rank = rank,
            ),
        });
    }
    let overall = ideas
        .iter()
        .map(|idea| {
            let milli = thousandths(scores.get(&idea.idea_id).copied().unwrap_or_default());
            (
                milli,
                OverallRow {
                    idea_id: idea.idea_id,
                    title: idea.title.clone(),
                    score: milli as f64 / 1000.0,
                    rank: 0,
                },
            )
        })
        .collect();
    let overall = ranked(
        overall,
        |(milli, _)| *milli,
        |(_, row)| (row.title.as_str(), row.idea_id),
        |(_, row), rank| row.rank = rank,
    )
    .into_iter()
    .map(|(_, row)| row)
    .collect();
    Counted {
        strata: results,
        overall,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Example {
        a: IdeaId,
        b: IdeaId,
        c: IdeaId,
        ideas: Vec<IdeaName>,
    }

    fn example() -> Example {
        // Ids in the opposite order of the titles, so the title decides ties, not the id.
        let (c, b, a) = (IdeaId::generate(), IdeaId::generate(), IdeaId::generate());
        let name = |idea_id, title: &str| IdeaName {
            idea_id,
            title: title.into(),
        };
        Example {
            a,
            b,
            c,
            ideas: vec![
                name(c, "Check-in"),
                name(a, "Bills online"),
                name(b, "Booking"),
            ],
        }
    }

    fn rows(ranking: &[RankingRow]) -> Vec<(IdeaId, u64, u32)> {
        ranking
            .iter()
            .map(|row| (row.idea_id, row.points, row.rank))
            .collect()
    }

    fn overall(rows: &[OverallRow]) -> Vec<(IdeaId, f64, u32)> {
        rows.iter()
            .map(|row| (row.idea_id, row.score, row.rank))
            .collect()
    }

    #[test]
    fn worked_example_1_borda_per_stratum_and_the_weighted_order() {
        let Example { a, b, c, ideas } = example();
        let strata = [
            StratumBallots {
                stratum: Stratum::Staff,
                weight: 1.0,
                ballots: vec![vec![a, b], vec![a, c], vec![b, a], vec![c]],
            },
            StratumBallots {
                stratum: Stratum::Patients,
                weight: 2.0,
                ballots: vec![vec![c, b], vec![c, a]],
            },
            StratumBallots {
                stratum: Stratum::Practices,
                weight: 1.0,
                ballots: vec![vec![b]],
            },
        ];
        let counted = count(&ideas, Method::Rank, 2, &strata);
        let [staff, patients, practices] = &counted.strata[..] else {
            panic!("three strata: {counted:?}");
        };
        assert_eq!(
            (staff.stratum, staff.ballots, staff.weight),
            (Stratum::Staff, 4, 1.0)
        );
        assert_eq!(rows(&staff.ranking), vec![(a, 5, 1), (b, 3, 2), (c, 3, 2)]);
        assert_eq!(patients.ballots, 2);
        assert_eq!(
            rows(&patients.ranking),
            vec![(c, 4, 1), (a, 1, 2), (b, 1, 2)]
        );
        assert_eq!(practices.ballots, 1);
        assert_eq!(
            rows(&practices.ranking),
            vec![(b, 2, 1), (a, 0, 2), (c, 0, 2)]
        );
        assert_eq!(
            overall(&counted.overall),
            vec![(c, 4.75, 1), (b, 3.75, 2), (a, 2.25, 3)]
        );
        assert_eq!(counted.overall[0].title, "Check-in");
    }

    #[test]
    fn worked_example_2_approval_with_a_stratum_without_ballots_and_a_rounded_tie() {
        let Example { a, b, c, ideas } = example();
        let strata = [
            StratumBallots {
                stratum: Stratum::Staff,
                weight: 1.0,
                ballots: vec![vec![a], vec![a, b], vec![b]],
            },
            StratumBallots {
                stratum: Stratum::Patients,
                weight: 100.0,
                ballots: vec![],
            },
            StratumBallots {
                stratum: Stratum::Practices,
                weight: 1.0,
                ballots: vec![vec![c]],
            },
        ];
        let counted = count(&ideas, Method::Approval, 3, &strata);
        assert_eq!(
            rows(&counted.strata[0].ranking),
            vec![(a, 2, 1), (b, 2, 1), (c, 0, 3)]
        );
        assert_eq!(counted.strata[1].ballots, 0);
        assert_eq!(
            rows(&counted.strata[1].ranking),
            vec![(a, 0, 1), (b, 0, 1), (c, 0, 1)]
        );
        assert_eq!(
            overall(&counted.overall),
            vec![(c, 1.0, 1), (a, 0.667, 2), (b, 0.667, 2)]
        );
    }

    #[test]
    fn no_ballots_at_all_scores_nothing_and_every_idea_shares_the_first_rank() {
        let Example { a, b, c, ideas } = example();
        let strata = [StratumBallots {
            stratum: Stratum::Staff,
            weight: 1.0,
            ballots: vec![],
        }];
        let counted = count(&ideas, Method::Rank, 3, &strata);
        assert_eq!(
            overall(&counted.overall),
            vec![(a, 0.0, 1), (b, 0.0, 1), (c, 0.0, 1)]
        );
    }

    #[test]
    fn ranks_after_a_tie_skip_as_many_places_as_tied() {
        let Example { a, b, c, ideas } = example();
        let d = IdeaId::generate();
        let mut ideas = ideas;
        ideas.push(IdeaName {
            idea_id: d,
            title: "Directions".into(),
        });
        // k = 1: each ballot gives its one choice 1 point.
        let strata = [StratumBallots {
            stratum: Stratum::Staff,
            weight: 1.0,
            ballots: vec![vec![a], vec![a], vec![a], vec![b], vec![c], vec![d]],
        }];
        let counted = count(&ideas, Method::Rank, 1, &strata);
        assert_eq!(
            rows(&counted.strata[0].ranking),
            vec![(a, 3, 1), (b, 1, 2), (c, 1, 2), (d, 1, 2)]
        );
        let strata = [StratumBallots {
            stratum: Stratum::Staff,
            weight: 1.0,
            ballots: vec![vec![a], vec![b], vec![b], vec![c], vec![c]],
        }];
        let counted = count(&ideas, Method::Rank, 1, &strata);
        assert_eq!(
            rows(&counted.strata[0].ranking),
            vec![(b, 2, 1), (c, 2, 1), (a, 1, 3), (d, 0, 4)]
        );
    }

    #[test]
    fn a_third_of_a_point_rounds_to_three_decimals() {
        assert_eq!(thousandths(1.0 / 3.0), 333);
        assert_eq!(thousandths(2.0 / 3.0), 667);
        assert_eq!(thousandths(0.0005), 1);
    }
}
