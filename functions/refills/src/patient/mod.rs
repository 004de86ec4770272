//! The patient's side (a patient, or a caregiver with the `records` scope): which medications
//! may be renewed, asking for a refill, the requests, one request, withdrawing it. Every
//! route is the `refills` feature's; the authorizer checks the switch, the relationship and
//! the scope, and audits the access.

mod ask;
mod get;
mod list;
mod medications;
mod withdraw;

pub use ask::handle as ask;
pub use get::handle as get;
pub use list::handle as list;
pub use medications::handle as medications;
pub use withdraw::handle as withdraw;

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::RefillId;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};

use crate::Deps;
use crate::model::RefillRequest;
use crate::repo::RefillStore;

fn store(deps: &Deps) -> RefillStore<'_> {
    RefillStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The request named by `{refillId}`; an id that is not well-formed names none (404).
fn refill_in_path(call: &Call) -> Result<RefillId, ApiError> {
    call.path_param("refillId")
        .and_then(|raw| RefillId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// A request as JSON, its version as the ETag.
fn refill_response(status: StatusCode, refill: &RefillRequest) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        status,
        refill,
        &[(header::ETAG, Version(refill.version).etag())],
    )
}
