//! The one write primitive: a conditional write either happens, loses (its conditions no
//! longer hold, or another transaction on the same items was in flight), or fails. A write
//! that lost to contention is tried again, after an exponential back-off with full jitter, by
//! [`retry_on_contention`]; a write whose conditions failed is an answer about the data and is
//! not retried. Repositories answer their own typed conflicts on top of [`LostWrite`].

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use crate::ApiError;
use crate::platform::store::{self, Transacted};

/// How many times in all a write that keeps losing to contention is sent.
pub const CONTENTION_ATTEMPTS: usize = 4;

/// Why a conditional write did not happen. Nothing was written either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostWrite {
    /// The conditions did not hold: what the write was based on changed, or what it was to
    /// create exists. Retrying the same write cannot succeed; re-read and decide again.
    Changed,
    /// Another transaction on the same items was in flight: the same write may well succeed
    /// a moment later.
    Contention,
}

/// A lost write that may be worth another attempt.
pub trait Contended {
    fn is_contention(&self) -> bool;
}

impl Contended for LostWrite {
    fn is_contention(&self) -> bool {
        *self == LostWrite::Contention
    }
}

impl Contended for Transacted {
    fn is_contention(&self) -> bool {
        *self == Transacted::Contention
    }
}

/// The pauses between attempts of a write that lost to contention: 20 ms, 40 ms, 80 ms...,
/// capped at 320 ms, each with a random part of up to as much again added (backon's jitter),
/// so that requests which collided once do not collide again in lockstep.
pub fn contention_back_off(attempts: usize) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_millis(320))
        .with_factor(2.0)
        .with_max_times(attempts.saturating_sub(1))
        .with_jitter()
}

/// The pauses between attempts of writes the table left unprocessed for want of capacity:
/// 50 ms, 100 ms..., capped at 1.6 s, each with a random part of up to as much again (capacity
/// frees more slowly than a conflicting transaction ends).
pub fn capacity_back_off(attempts: usize) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(50))
        .with_max_delay(Duration::from_millis(1600))
        .with_factor(2.0)
        .with_max_times(attempts.saturating_sub(1))
        .with_jitter()
}

enum Step<L> {
    Lost(L),
    Failed(ApiError),
}

/// Runs `attempt` (which reads what it needs, builds its writes and sends them) and runs it
/// again, after [`contention_back_off`], while it loses to contention, up to
/// [`CONTENTION_ATTEMPTS`] times in all. Any other loss is returned at once, as is an error;
/// the last loss to contention is returned when the attempts run out.
pub async fn retry_on_contention<T, L, F, Fut>(attempt: F) -> Result<Result<T, L>, ApiError>
where
    L: Contended,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Result<T, L>, ApiError>>,
{
    retry_on_contention_up_to(CONTENTION_ATTEMPTS, attempt).await
}

/// [`retry_on_contention`] with another number of attempts in all, for writes that many
/// requests make to one item at once (every reply to one conversation).
pub async fn retry_on_contention_up_to<T, L, F, Fut>(
    attempts: usize,
    mut attempt: F,
) -> Result<Result<T, L>, ApiError>
where
    L: Contended,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Result<T, L>, ApiError>>,
{
    let outcome = (|| {
        let sent = attempt();
        async move {
            match sent.await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(lost)) => Err(Step::Lost(lost)),
                Err(error) => Err(Step::Failed(error)),
            }
        }
    })
    .retry(contention_back_off(attempts))
    .sleep(tokio::time::sleep)
    .when(|step| matches!(step, Step::Lost(lost) if lost.is_contention()))
    .await;
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(Step::Lost(lost)) => Ok(Err(lost)),
        Err(Step::Failed(error)) => Err(error),
    }
}

/// Runs one transaction: done, or lost ([`LostWrite::Changed`] when a condition failed,
/// [`LostWrite::Contention`] when another transaction was in flight). For repositories whose
/// callers need not know which condition failed.
pub async fn transact(
    dynamo: &aws_sdk_dynamodb::Client,
    items: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
) -> Result<Result<(), LostWrite>, ApiError> {
    Ok(match store::transact(dynamo, items).await? {
        Transacted::Done => Ok(()),
        Transacted::ConditionsFailed(_) => Err(LostWrite::Changed),
        Transacted::Contention => Err(LostWrite::Contention),
    })
}

/// Runs one transaction, and runs it again (after the contention back-off) while it loses to
/// a concurrent transaction on the same items ([`retry_on_contention`]).
/// Only [`Transacted::Contention`] is retried: a failed condition is the answer. Still
/// `Contention` after the last attempt. For writes that stay valid unchanged; a caller whose
/// items depend on what it read re-reads and rebuilds them inside its own attempt.
pub async fn transact_retrying(
    dynamo: &aws_sdk_dynamodb::Client,
    items: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
) -> Result<Transacted, ApiError> {
    transact_retrying_up_to(CONTENTION_ATTEMPTS, dynamo, items).await
}

/// [`transact_retrying`] with another number of attempts in all, for transactions that
/// concurrent requests make on one item by design (a day's rating totals, a cohort's count).
pub async fn transact_retrying_up_to(
    attempts: usize,
    dynamo: &aws_sdk_dynamodb::Client,
    items: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
) -> Result<Transacted, ApiError> {
    let outcome = retry_on_contention_up_to(attempts, || async {
        Ok(match store::transact(dynamo, items.clone()).await? {
            Transacted::Done => Ok(()),
            lost => Err(lost),
        })
    })
    .await?;
    Ok(outcome.err().unwrap_or(Transacted::Done))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn pauses_grow_and_stay_bounded() {
        use backon::BackoffBuilder;
        let ms: Vec<u128> = contention_back_off(6)
            .build()
            .map(|pause| pause.as_millis())
            .collect();
        assert_eq!(ms.len(), 5, "six attempts, five pauses");
        // Each pause is its base and up to as much again, never beyond twice the cap.
        for (pause, base) in ms.iter().zip([20, 40, 80, 160, 320]) {
            assert!((base..=2 * base).contains(pause), "{ms:?}");
        }
        let capacity: Vec<u128> = capacity_back_off(8)
            .build()
            .map(|pause| pause.as_millis())
            .collect();
        assert_eq!(capacity.len(), 7);
        assert!(
            capacity.iter().all(|pause| (50..=3200).contains(pause)),
            "{capacity:?}"
        );
        assert!(capacity.last().is_some_and(|last| *last >= 1600), "capped");
    }

    #[tokio::test]
    async fn contention_is_retried_up_to_the_limit() {
        let sent = AtomicUsize::new(0);
        let outcome: Result<(), LostWrite> = retry_on_contention(|| async {
            sent.fetch_add(1, Ordering::SeqCst);
            Ok(Err(LostWrite::Contention))
        })
        .await
        .expect("no error");
        assert_eq!(outcome, Err(LostWrite::Contention));
        assert_eq!(sent.load(Ordering::SeqCst), CONTENTION_ATTEMPTS);
    }

    #[tokio::test]
    async fn a_changed_condition_is_the_answer_at_once() {
        let sent = AtomicUsize::new(0);
        let outcome: Result<(), LostWrite> = retry_on_contention(|| async {
            sent.fetch_add(1, Ordering::SeqCst);
            Ok(Err(LostWrite::Changed))
        })
        .await
        .expect("no error");
        assert_eq!(outcome, Err(LostWrite::Changed));
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_write_that_wins_after_contention_returns_its_value() {
        let sent = AtomicUsize::new(0);
        let outcome: Result<usize, LostWrite> = retry_on_contention(|| async {
            let n = sent.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(if n < 3 {
                Err(LostWrite::Contention)
            } else {
                Ok(n)
            })
        })
        .await
        .expect("no error");
        assert_eq!(outcome, Ok(3));
    }

    #[tokio::test]
    async fn errors_are_not_retried() {
        let sent = AtomicUsize::new(0);
        let outcome: Result<Result<(), LostWrite>, ApiError> = retry_on_contention(|| async {
            sent.fetch_add(1, Ordering::SeqCst);
            Err(ApiError::NotFound)
        })
        .await;
        assert!(matches!(outcome, Err(ApiError::NotFound)));
        assert_eq!(sent.load(Ordering::SeqCst), 1);
    }
}
