//! Agreements: the practice's terms of use (everyone accepts them) and the beta terms (patients
//! in a beta cohort agree to be asked for feedback). Both are versioned; each account's
//! acceptance (version, time) is recorded, and a new version is asked for at the next sign-in.
//!
//! - `GET /rollout/agreements`, `PUT /rollout/agreements/{kind}`: the portal lead reads and
//!   publishes versions (`ManageAgreements`; no patient's data).
//! - `GET /account/agreements`, `POST /account/agreements/{kind}/acceptance`: any signed-in
//!   caller reads what applies to them and accepts it (the caller's own account; no patient's
//!   data is read or shown, so no patient authorisation).

mod accept;
mod list;
mod mine;
mod model;
mod publish;
mod repo;

pub use accept::accept;
pub use list::list;
pub use mine::mine;
pub use publish::publish;

use portal_shared::ApiError;
use portal_shared::platform::http::Call;

use crate::Deps;
use model::AgreementKind;
use repo::AgreementStore;

fn store(deps: &Deps) -> AgreementStore<'_> {
    AgreementStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The kind named by `{kind}`; an unknown kind names nothing (404).
fn kind_in_path(call: &Call) -> Result<AgreementKind, ApiError> {
    call.path_param("kind")
        .and_then(|raw| AgreementKind::parse(&raw))
        .ok_or(ApiError::NotFound)
}
