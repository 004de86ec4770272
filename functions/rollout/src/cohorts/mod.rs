//! Cohorts: named groups of patients (`beta-1`, `wave-2`) that the practice opens features to
//! and invites a wave at a time. A portal lead (`Action::ManageCohorts`) creates them, adds
//! patients one by one, by their visits with a provider, or by uploading the practice's list
//! as CSV (registering the people not registered yet), removes them, and reads who changed
//! what. Every patient reached is audited in their own log.
//!
//! One handler per file; `repo` owns every write (each membership is one transaction).

mod add_members;
mod create;
mod csv_list;
mod get;
mod history;
mod joining;
mod list;
mod members;
mod model;
mod remove_member;
mod repo;
mod upload;

pub use add_members::handle as add_members;
pub use create::handle as create;
pub use get::handle as get;
pub use history::handle as history;
pub use list::handle as list;
pub use members::handle as members;
pub use remove_member::handle as remove_member;
pub use upload::handle as upload;

use portal_shared::ApiError;
use portal_shared::features::cohort::CohortName;
use portal_shared::platform::http::Call;
use portal_shared::policy::authz::StaffAccess;

use crate::Deps;
use crate::cohorts::model::Cohort;
use crate::cohorts::repo::CohortStore;

fn store(deps: &Deps) -> CohortStore<'_> {
    CohortStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The cohort named by `{cohort}`. A name that is not a cohort's slug names none: 404.
fn cohort_in_path(call: &Call) -> Result<CohortName, ApiError> {
    call.path_param("cohort")
        .and_then(|raw| CohortName::parse(&raw).ok())
        .ok_or(ApiError::NotFound)
}

/// The cohort named by `{cohort}`, which must exist (404).
async fn existing_cohort(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
) -> Result<Cohort, ApiError> {
    let name = cohort_in_path(call)?;
    store(deps)
        .load(access, &name)
        .await?
        .ok_or(ApiError::NotFound)
}
