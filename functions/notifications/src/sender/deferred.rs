//! Texts held over the quiet hours: a copy of the outbox record (ids and times, never a code:
//! security notices are not held) under the UTC hour it may go, with the recipient's slot.
//! The release step takes each due one (deleting it first, so two runs cannot both send it),
//! sends it, and puts it back if it may go on a later try.

use std::time::Duration;

use aws_sdk_dynamodb::types::ReturnValue;
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys::{self, Key};
use portal_shared::platform::store::{self, Item};

use serde::Deserialize;

use crate::Deps;
use crate::sender::outbox::{Malformed, Outbox};

/// How far back the release step looks (a run that failed for hours catches up).
pub const LOOK_BACK_HOURS: u64 = 6;
/// A held text left unsent this long after its release is dropped by TTL.
const KEEP_AFTER_RELEASE: Duration = Duration::from_secs(24 * 60 * 60);

const OUTBOX_PK: &str = "outboxPK";
const OUTBOX_SK: &str = "outboxSK";
const SLOT: &str = "slot";

/// The outbox attributes a held text does not copy (the run's state; `attempts` is kept).
const RUN_STATE: &[&str] = &["status", "leaseUntil", "deliveredTo", "code"];

/// Holds a text of `outbox` (read from `outbox_item`) for `slot` until `release_at`.
pub async fn hold(
    deps: &Deps,
    outbox_item: &Item,
    outbox: &Outbox,
    slot: &str,
    release_at: Timestamp,
    attempts: u32,
) -> Result<(), ApiError> {
    let mut item: Item = outbox_item
        .iter()
        .filter(|(name, _)| !RUN_STATE.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    item.extend(keys::deferred_text(release_at, outbox.notification_id, slot).attributes());
    item.insert(OUTBOX_PK.into(), store::string(&outbox.key.pk));
    item.insert(OUTBOX_SK.into(), store::string(&outbox.key.sk));
    item.insert(SLOT.into(), store::string(slot));
    item.insert("attempts".into(), store::number(attempts));
    item.insert("releaseAt".into(), store::string(release_at.to_string()));
    item.insert(
        keys::EXPIRES_AT.into(),
        store::number(release_at.plus(KEEP_AFTER_RELEASE).unix_seconds()),
    );
    deps.platform
        .dynamo
        .put_item()
        .table_name(&deps.platform.app_table)
        .set_item(Some(item))
        .send()
        .await
        .map_err(store::sdk_error)?;
    Ok(())
}

/// A held text taken for sending.
pub struct Held {
    pub outbox: Outbox,
    pub slot: String,
    /// The item as it was, to put back if the text may go on a later try.
    pub item: Item,
}

/// The keys of the held texts due by `now` (release time ≤ now), oldest hour first.
pub async fn due(deps: &Deps, now: Timestamp) -> Result<Vec<Key>, ApiError> {
    let platform = &deps.platform;
    let bound = format!("{now}$"); // after every `<now>#...` sort key
    let mut found = Vec::new();
    for hours_back in (0..=LOOK_BACK_HOURS).rev() {
        let hour = now.minus(Duration::from_secs(hours_back * 3600));
        let keys: Vec<StoredKey> = store::query_all(|start| {
            platform
                .dynamo
                .query()
                .table_name(&platform.app_table)
                .key_condition_expression("PK = :pk AND SK < :bound")
                .expression_attribute_values(":pk", store::string(keys::deferred_texts_hour(hour)))
                .expression_attribute_values(":bound", store::string(&bound))
                .projection_expression("PK, SK")
                .set_exclusive_start_key(start)
        })
        .await?;
        found.extend(keys.into_iter().map(|key| Key {
            pk: key.pk,
            sk: key.sk,
        }));
    }
    Ok(found)
}

/// Takes a held text (deletes it, answering what it held): `None` if another run took it.
pub async fn take(deps: &Deps, key: &Key) -> Result<Option<Result<Held, Malformed>>, ApiError> {
    let result = deps
        .platform
        .dynamo
        .delete_item()
        .table_name(&deps.platform.app_table)
        .set_key(Some(key.attributes()))
        .condition_expression("attribute_exists(PK)")
        .return_values(ReturnValue::AllOld)
        .send()
        .await;
    let item = match result {
        Ok(output) => output.attributes.unwrap_or_default(),
        Err(error) if store::is_condition_failure(&error) => return Ok(None),
        Err(error) => return Err(store::sdk_error(error)),
    };
    Ok(Some(read(item)))
}

fn read(item: Item) -> Result<Held, Malformed> {
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    let (Some(pk), Some(sk), Some(slot)) = (text(OUTBOX_PK), text(OUTBOX_SK), text(SLOT)) else {
        return Err(Malformed::Envelope);
    };
    let outbox = Outbox::read(&item, Key { pk, sk })?;
    Ok(Held { outbox, slot, item })
}

/// Puts a held text back, for the next run.
pub async fn put_back(deps: &Deps, held: Held) -> Result<(), ApiError> {
    deps.platform
        .dynamo
        .put_item()
        .table_name(&deps.platform.app_table)
        .set_item(Some(held.item))
        .send()
        .await
        .map_err(store::sdk_error)?;
    Ok(())
}

/// A held text's key, as a Query projected on it reads.
#[derive(Deserialize)]
struct StoredKey {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
}
