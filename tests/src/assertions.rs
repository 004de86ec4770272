//! Checks every suite makes: problem+json answers, races with one winner.

use crate::*;

/// Checks a problem+json answer: its status, and the field it names (if `field` is given).
#[track_caller]
pub fn assert_problem(reply: &Reply, status: u16, field: Option<&str>) {
    assert_eq!(reply.status, status, "{reply:#?}");
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/problem+json"),
        "{reply:#?}"
    );
    assert_eq!(reply.body["status"], status, "{reply:#?}");
    assert!(reply.body["title"].is_string(), "{reply:#?}");
    if let Some(field) = field {
        let named = reply.body["errors"]
            .as_array()
            .is_some_and(|errors| errors.iter().any(|e| e["field"] == field));
        assert!(named, "expected the problem to name {field}: {reply:#?}");
    }
}

/// Of concurrent attempts at one change, exactly one may win (200 or 201); every other must
/// lose with `loser_status`. Returns the winner.
#[track_caller]
pub fn single_winner(replies: &[Reply], loser_status: u16) -> &Reply {
    let winners: Vec<&Reply> = replies
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .collect();
    assert_eq!(winners.len(), 1, "exactly one must win: {replies:#?}");
    assert!(
        replies
            .iter()
            .all(|r| (200..300).contains(&r.status) || r.status == loser_status),
        "the others must answer {loser_status}: {replies:#?}"
    );
    winners[0]
}
