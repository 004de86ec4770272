//! Whether a patient's portal account is locked, as the authorizer reads it on every
//! caregiver request: the lock item read raw beside the caregiver's grant (one BatchGetItem).
//! The lock's writes live in `features::account_lock`; this module only reads, so the
//! authorizer does not depend on the lock's workflow.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::platform::keys::{self, Key};
use crate::platform::store::{self, Item};
use crate::platform::write::contention_back_off;

/// How many times an unprocessed read is asked for again.
const ATTEMPTS: usize = 4;

/// The attribute a lock item's state is in (the authorizer reads it raw).
pub(crate) const STATE_ATTRIBUTE: &str = "state";

/// Whether a lock item read raw (the authorizer's BatchGetItem) is a lock in force.
pub fn locked_in(item: &Item) -> bool {
    matches!(item.get(STATE_ATTRIBUTE), Some(AttributeValue::S(state)) if state == "locked")
}

/// The item under `grant_key` (a caregiver's grant for `patient`), and whether `patient`'s
/// account is locked: one BatchGetItem of both, strongly consistent (BatchGetItem takes
/// `ConsistentRead` per table), so a grant just revoked or a lock just written is seen. Keys
/// DynamoDB leaves unprocessed (throttling) are asked for again, a few times.
pub async fn grant_and_lock(
    dynamo: &Client,
    table: &str,
    grant_key: &Key,
    patient: PatientId,
) -> Result<(Option<Item>, bool), ApiError> {
    let lock_key = keys::patient_lock(patient);
    let mut wanted = vec![grant_key.attributes(), lock_key.attributes()];
    let mut found: Vec<Item> = Vec::new();
    let mut pauses = contention_pauses();
    for _ in 0..ATTEMPTS {
        let request = KeysAndAttributes::builder()
            .set_keys(Some(std::mem::take(&mut wanted)))
            .consistent_read(true)
            .build()
            .map_err(ApiError::internal)?;
        let output = dynamo
            .batch_get_item()
            .request_items(table, request)
            .send()
            .await
            .map_err(store::sdk_error)?;
        if let Some(items) = output.responses.and_then(|mut r| r.remove(table)) {
            found.extend(items);
        }
        wanted = output
            .unprocessed_keys
            .and_then(|mut keys| keys.remove(table))
            .map(|keys| keys.keys)
            .unwrap_or_default();
        if wanted.is_empty() {
            let is = |item: &Item, key: &Key| {
                matches!(item.get(keys::SK), Some(AttributeValue::S(sk)) if *sk == key.sk)
                    && matches!(item.get(keys::PK), Some(AttributeValue::S(pk)) if *pk == key.pk)
            };
            let locked = found
                .iter()
                .any(|item| is(item, &lock_key) && locked_in(item));
            let grant = found.into_iter().find(|item| is(item, grant_key));
            return Ok((grant, locked));
        }
        pause(&mut pauses).await;
    }
    Err(ApiError::Unavailable(
        "DynamoDB left a grant read unprocessed".into(),
    ))
}

fn contention_pauses() -> impl Iterator<Item = Duration> {
    use backon::BackoffBuilder;
    contention_back_off(ATTEMPTS).build()
}

async fn pause(pauses: &mut impl Iterator<Item = Duration>) {
    if let Some(pause) = pauses.next() {
        tokio::time::sleep(pause).await;
    }
}
