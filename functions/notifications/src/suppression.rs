//! Suppressed addresses (`portal_shared::features::suppression`), read and written with this
//! function's clients.

use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
pub use portal_shared::features::suppression::{
    Address, Suppression, Why, email_address, phone_address,
};

use crate::Deps;

pub async fn find(deps: &Deps, address: &Address) -> Result<Option<Suppression>, ApiError> {
    portal_shared::features::suppression::find(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        address,
    )
    .await
}

/// Suppresses an address (again: the latest reason and time win).
pub async fn record(
    deps: &Deps,
    address: &Address,
    reason: Why,
    at: Timestamp,
) -> Result<(), ApiError> {
    portal_shared::features::suppression::record(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        address,
        reason,
        at,
    )
    .await
}
