//! The outbox item's own state, which makes a notification go once however often the stream
//! delivers it: a run CLAIMS the item (pending, or sending under a lapsed lease → sending), notes
//! each recipient it has dealt with (`deliveredTo`), and FINISHES it (sent, failed, suppressed
//! or deferred), removing the code it held. A retryable failure puts it back to pending.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys::Key;
use portal_shared::platform::store;

use crate::Deps;

/// How long a run may hold an item before another may take it over (a run that died).
pub const LEASE: Duration = Duration::from_secs(120);
/// After this many tries, a notification that still cannot go is failed, not retried.
pub const MAX_ATTEMPTS: u32 = 5;

/// What claiming found.
#[derive(Debug)]
pub enum Claim {
    Claimed {
        attempts: u32,
        /// Recipients an earlier run sent to (or held a text for): not again.
        delivered: BTreeSet<String>,
    },
    /// Finished already, or another run holds it, or gone: nothing to do.
    Duplicate,
}

/// How the item ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Final {
    Sent,
    Failed,
    Suppressed,
    /// Only held texts are left to go (the release step sends them).
    Deferred,
}

impl Final {
    pub fn as_str(self) -> &'static str {
        match self {
            Final::Sent => "sent",
            Final::Failed => "failed",
            Final::Suppressed => "suppressed",
            Final::Deferred => "deferred",
        }
    }
}

pub async fn claim(deps: &Deps, key: &Key, now: Timestamp) -> Result<Claim, ApiError> {
    let result = deps
        .platform
        .dynamo
        .update_item()
        .table_name(&deps.platform.app_table)
        .set_key(Some(key.attributes()))
        .update_expression(
            "SET #status = :sending, leaseUntil = :lease, \
             attempts = if_not_exists(attempts, :zero) + :one",
        )
        .condition_expression("#status = :pending OR (#status = :sending AND leaseUntil < :now)")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":sending", store::string("sending"))
        .expression_attribute_values(":pending", store::string("pending"))
        .expression_attribute_values(":lease", store::string(now.plus(LEASE).to_string()))
        .expression_attribute_values(":now", store::string(now.to_string()))
        .expression_attribute_values(":zero", store::number(0))
        .expression_attribute_values(":one", store::number(1))
        .return_values(ReturnValue::AllNew)
        .send()
        .await;
    let output = match result {
        Ok(output) => output,
        Err(error) if store::is_condition_failure(&error) => return Ok(Claim::Duplicate),
        Err(error) => return Err(store::sdk_error(error)),
    };
    let item = output.attributes.unwrap_or_default();
    let attempts = item
        .get("attempts")
        .and_then(|a| a.as_n().ok())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let delivered = item
        .get("deliveredTo")
        .and_then(|a| a.as_ss().ok())
        .map(|slots| slots.iter().cloned().collect())
        .unwrap_or_default();
    Ok(Claim::Claimed {
        attempts,
        delivered,
    })
}

/// Notes that `slot` was sent to (or its text held), so no later run sends it again.
pub async fn mark_delivered(deps: &Deps, key: &Key, slot: &str) -> Result<(), ApiError> {
    deps.platform
        .dynamo
        .update_item()
        .table_name(&deps.platform.app_table)
        .set_key(Some(key.attributes()))
        .update_expression("ADD deliveredTo :slot")
        .condition_expression("attribute_exists(PK)")
        .expression_attribute_values(":slot", AttributeValue::Ss(vec![slot.to_owned()]))
        .send()
        .await
        .map_err(store::sdk_error)?;
    Ok(())
}

/// Gives the item back for the stream's retry (its attempts stay counted).
pub async fn retry_later(deps: &Deps, key: &Key) -> Result<(), ApiError> {
    transition(
        deps,
        key,
        "sending",
        "SET #status = :to REMOVE leaseUntil",
        vec![(":to", store::string("pending"))],
    )
    .await
}

/// Ends the item, and removes the code it held (no one needs it once it is sent or not).
pub async fn finish(deps: &Deps, key: &Key, status: Final, now: Timestamp) -> Result<(), ApiError> {
    transition(
        deps,
        key,
        "sending",
        "SET #status = :to, finishedAt = :now REMOVE leaseUntil, code",
        vec![
            (":to", store::string(status.as_str())),
            (":now", store::string(now.to_string())),
        ],
    )
    .await
}

/// A held text went at last: the item reads `sent` (if it was only waiting on texts).
pub async fn deferred_sent(deps: &Deps, key: &Key) -> Result<(), ApiError> {
    transition(
        deps,
        key,
        "deferred",
        "SET #status = :to",
        vec![(":to", store::string("sent"))],
    )
    .await
}

/// Moves the item on from status `from` by `update` (which names `#status`); an item that moved
/// on meanwhile, or is gone, is no error: the run that moved it decides.
async fn transition(
    deps: &Deps,
    key: &Key,
    from: &str,
    update: &str,
    values: Vec<(&str, AttributeValue)>,
) -> Result<(), ApiError> {
    let mut request = deps
        .platform
        .dynamo
        .update_item()
        .table_name(&deps.platform.app_table)
        .set_key(Some(key.attributes()))
        .update_expression(update)
        .condition_expression("#status = :from")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":from", store::string(from));
    for (name, value) in values {
        request = request.expression_attribute_values(name, value);
    }
    match request.send().await {
        Ok(_) => Ok(()),
        Err(error) if store::is_condition_failure(&error) => Ok(()),
        Err(error) => Err(store::sdk_error(error)),
    }
}
