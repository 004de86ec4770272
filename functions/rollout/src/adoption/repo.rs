//! Reading the days' adoption partitions: shared with the support function's weekly digest
//! (`portal_shared::features::adoption`), read here under the caller's access.

use std::collections::BTreeMap;

use portal_shared::ApiError;
use portal_shared::features::adoption;
use portal_shared::policy::authz::StaffAccess;

pub use portal_shared::features::adoption::Day;

use crate::Deps;

/// Each of `days` (`yyyy-mm-dd`), read.
pub async fn read_days(
    deps: &Deps,
    _access: &StaffAccess,
    days: &[String],
) -> Result<BTreeMap<String, Day>, ApiError> {
    let platform = &deps.platform;
    adoption::read_days(&platform.dynamo, &platform.app_table, days).await
}
