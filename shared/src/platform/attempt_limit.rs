//! Attempt limits: counters in the app table (`keys::attempt_counter`), one item per purpose
//! and subject (a keyed hash of the client's address or of an email), removed by TTL once idle.
//!
//! A window opens at the first attempt taken for a subject and lasts `window`; the first
//! attempt after it ends opens the next. Windows are the subject's own, not the clock's: no
//! counter resets at a quarter hour every client can time (and no test can straddle), and a
//! client told to wait is told how long its own window has left. Like any fixed window, a
//! client that times its tries around the end of its own window can get up to `2 × max - 1`
//! in a short time; the limits are set low enough for that.
//!
//! An attempt takes a slot *before* it is tried (an atomic conditional ADD: at most `max` slots
//! per window, however many requests arrive at once), and gives it back when it turns out not
//! to be a failure. A request that fails, or dies half-way, keeps its slot: it counts.

use std::time::Duration;

use crate::ApiError;
use crate::domain::timestamp::Timestamp;
use crate::platform::error::cause_chain;
use crate::platform::http::Incoming;
use crate::platform::keys::{self, Key};
use crate::platform::secrets::CodeHashingSecret;
use crate::platform::store;
use crate::platform::write::{LostWrite, retry_on_contention};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::ReturnValue;

/// A limit on failed attempts.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub purpose: &'static str,
    pub max: u32,
    pub window: Duration,
}

/// An attempt that counts unless given back.
pub struct Slot {
    key: Key,
    /// The window the slot was taken in: a slot given back after its window ended is not
    /// taken from the next one.
    window_start: i64,
}

pub struct Limiter<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
    /// Keys the subject's hash, so the table holds no address or email anyone could recover
    /// by hashing guesses (the code-hashing secret's current version: after a rotation,
    /// counting starts afresh, which lets a client at most one more window's attempts).
    pub key: &'a CodeHashingSecret,
}

impl<'a> Limiter<'a> {
    /// A limiter counting in `table` (the app table), hashing subjects with `key` (the
    /// platform's code-hashing secret, `Platform::code_hashing`).
    pub fn new(dynamo: &'a Client, table: &'a str, key: &'a CodeHashingSecret) -> Self {
        Limiter { dynamo, table, key }
    }
}

const ATTEMPTS: &str = "attempts";
const WINDOW_START: &str = "windowStart";

/// A subject's counter as stored (`keys::attempt_counter`).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredCounter {
    #[serde(default)]
    attempts: i64,
    window_start: i64,
}

/// What a subject's counter says when a slot could not be taken in its open window.
enum Counter {
    /// Removed meanwhile (TTL): counting again starts a window.
    Gone,
    /// Its window has ended and a new one may start.
    Ended { window_start: i64 },
    /// Its window is open and full.
    Full { window_start: i64 },
    /// Its window is open with room: a concurrent request opened it (or gave a slot back)
    /// after this one's count was refused; counting again takes a slot in it.
    Open,
}

impl Limiter<'_> {
    /// Takes a slot of `limit` for `subject` (a keyed hash of it: no address or email is
    /// stored), or answers 429 saying when the subject's window ends.
    pub async fn acquire(&self, limit: Limit, subject: &str) -> Result<Slot, ApiError> {
        let subject = self.key.hasher().await?.hash_hex("attempts", subject);
        let key = keys::attempt_counter(limit.purpose, &subject);
        let window = limit.window.as_secs() as i64;
        // Each pass either takes a slot, refuses, or loses a race to start the next window to
        // a concurrent request (which then counts in it): a few passes always settle.
        let taken = retry_on_contention(|| async {
            let now = Timestamp::now().unix_seconds();
            if let Some(window_start) = self.count_in_open_window(&key, limit, now).await? {
                return Ok(Ok(Slot {
                    key: key.clone(),
                    window_start,
                }));
            }
            match self.counter(&key, limit, now).await? {
                Counter::Full { window_start } => Err(refusal(limit, window_start, now)),
                Counter::Ended { window_start }
                    if self.start_window(&key, window, window_start, now).await? =>
                {
                    Ok(Ok(Slot {
                        key: key.clone(),
                        window_start: now,
                    }))
                }
                // Opened, given back, replaced or removed by a concurrent request meanwhile.
                Counter::Open | Counter::Ended { .. } | Counter::Gone => {
                    Ok(Err(LostWrite::Contention))
                }
            }
        })
        .await?;
        // Still contended after every pass: so many requests for one subject at once that
        // refusing this one is the safe answer; the contention ends in moments.
        taken.map_err(|_| ApiError::TooManyRequests {
            limit: limit.max,
            window_seconds: limit.window.as_secs(),
            retry_after_seconds: 1,
        })
    }

    /// Counts an attempt in the subject's open window (or opens the first one); `None` when
    /// that window is full or has ended.
    async fn count_in_open_window(
        &self,
        key: &Key,
        limit: Limit,
        now: i64,
    ) -> Result<Option<i64>, ApiError> {
        let window = limit.window.as_secs() as i64;
        let result = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(key.attributes()))
            .update_expression(
                "ADD #count :one SET #start = if_not_exists(#start, :now), #ttl = if_not_exists(#ttl, :ttl)",
            )
            .condition_expression(
                "attribute_not_exists(#count) OR (#count < :max AND #start > :ended_before)",
            )
            .expression_attribute_names("#count", ATTEMPTS)
            .expression_attribute_names("#start", WINDOW_START)
            .expression_attribute_names("#ttl", keys::EXPIRES_AT)
            .expression_attribute_values(":one", store::number(1))
            .expression_attribute_values(":max", store::number(limit.max))
            .expression_attribute_values(":now", store::number(now))
            .expression_attribute_values(":ended_before", store::number(now - window))
            .expression_attribute_values(":ttl", store::number(expiry(now, window)))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let stored: StoredCounter =
                    store::from_item(output.attributes.unwrap_or_default())?;
                Ok(Some(stored.window_start))
            }
            Err(error) if store::is_condition_failure(&error) => Ok(None),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Reads the subject's counter (consistently) after a count was refused, to tell why.
    async fn counter(&self, key: &Key, limit: Limit, now: i64) -> Result<Counter, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            key,
            Some(&format!("{WINDOW_START}, {ATTEMPTS}")),
        )
        .await?;
        let Some(stored) = item.map(store::from_item::<StoredCounter>).transpose()? else {
            return Ok(Counter::Gone);
        };
        let window_start = stored.window_start;
        Ok(if window_start + limit.window.as_secs() as i64 <= now {
            Counter::Ended { window_start }
        } else if stored.attempts >= i64::from(limit.max) {
            Counter::Full { window_start }
        } else {
            Counter::Open
        })
    }

    /// Replaces an ended window with one that starts now and holds this attempt; `false` when
    /// a concurrent request replaced it first.
    async fn start_window(
        &self,
        key: &Key,
        window: i64,
        ended_start: i64,
        now: i64,
    ) -> Result<bool, ApiError> {
        let result = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(key.attributes()))
            .update_expression("SET #count = :one, #start = :now, #ttl = :ttl")
            .condition_expression("#start = :ended_start")
            .expression_attribute_names("#count", ATTEMPTS)
            .expression_attribute_names("#start", WINDOW_START)
            .expression_attribute_names("#ttl", keys::EXPIRES_AT)
            .expression_attribute_values(":one", store::number(1))
            .expression_attribute_values(":now", store::number(now))
            .expression_attribute_values(":ended_start", store::number(ended_start))
            .expression_attribute_values(":ttl", store::number(expiry(now, window)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if store::is_condition_failure(&error) => Ok(false),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Takes a slot of both limits, per client and per email, or none.
    pub async fn acquire_both(
        &self,
        limits: (Limit, Limit),
        client: &str,
        email: &str,
    ) -> Result<(Slot, Slot), ApiError> {
        let client = self.acquire(limits.0, client).await?;
        match self.acquire(limits.1, email).await {
            Ok(slot) => Ok((client, slot)),
            Err(error) => {
                self.release(client).await;
                Err(error)
            }
        }
    }

    /// Gives back both slots of [`Limiter::acquire_both`].
    pub async fn release_both(&self, slots: (Slot, Slot)) {
        self.release(slots.0).await;
        self.release(slots.1).await;
    }

    /// Gives a slot back: the attempt was not a failure. Best effort: if it cannot be given
    /// back, the client merely has one attempt fewer in this window.
    pub async fn release(&self, slot: Slot) {
        let result = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(slot.key.attributes()))
            .update_expression("ADD #count :minus_one")
            .condition_expression("#count > :zero AND #start = :start")
            .expression_attribute_names("#count", ATTEMPTS)
            .expression_attribute_names("#start", WINDOW_START)
            .expression_attribute_values(":minus_one", store::number(-1))
            .expression_attribute_values(":zero", store::number(0))
            .expression_attribute_values(":start", store::number(slot.window_start))
            .send()
            .await;
        match result {
            Ok(_) => {}
            // Its window has ended (and perhaps a new one begun): nothing to give back.
            Err(error) if store::is_condition_failure(&error) => {}
            Err(error) => {
                tracing::warn!(error = %cause_chain(&error), "an attempt slot was not given back");
            }
        }
    }
}

/// The client's address as API Gateway saw it; requests without one share a counter.
pub fn client_of(incoming: &Incoming) -> String {
    incoming.source_ip().unwrap_or_else(|| "unknown".into())
}

/// The counter is kept a little after its window ends, then TTL removes it.
fn expiry(window_start: i64, window: i64) -> i64 {
    window_start + window + 300
}

fn refusal(limit: Limit, window_start: i64, now: i64) -> ApiError {
    let window = limit.window.as_secs() as i64;
    ApiError::TooManyRequests {
        limit: limit.max,
        window_seconds: limit.window.as_secs(),
        retry_after_seconds: (window_start + window - now).max(1) as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        purpose: "test",
        max: 5,
        window: Duration::from_secs(15 * 60),
    };

    fn retry_after(error: ApiError) -> (u32, u64, u64) {
        match error {
            ApiError::TooManyRequests {
                limit,
                window_seconds,
                retry_after_seconds,
            } => (limit, window_seconds, retry_after_seconds),
            other => panic!("not a 429: {other:?}"),
        }
    }

    #[test]
    fn a_refusal_tells_how_long_the_subjects_own_window_has_left() {
        assert_eq!(retry_after(refusal(LIMIT, 1_000, 1_600)), (5, 900, 300));
    }

    #[test]
    fn a_refusal_at_the_end_of_the_window_asks_for_at_least_a_second() {
        assert_eq!(retry_after(refusal(LIMIT, 1_000, 1_900)).2, 1);
        assert_eq!(retry_after(refusal(LIMIT, 1_000, 2_000)).2, 1);
    }

    #[test]
    fn a_counter_is_kept_a_little_after_its_window_ends() {
        assert_eq!(expiry(1_000, 900), 2_200);
    }
}
