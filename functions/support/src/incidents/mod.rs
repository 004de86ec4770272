//! Incidents on features, and the public status built from them.
//!
//! The quick-response team (`Action::ManageIncidents`) opens an incident on one or more
//! features (Idempotency-Key), reads them, and posts updates under If-Match, each setting the
//! incident's status; every one of these routes is audited against `incident/<id>` (the list
//! against `incidents`). `GET /public/status` needs no sign-in: the current incidents in a
//! view of their own ([`public`]), so nothing else of an incident can reach it.
//!
//! One handler per file; `repo` owns every read and write of incidents.

mod get;
mod list;
pub mod model;
mod open;
mod public;
pub mod repo;
mod update;

pub use get::handle as get;
pub use list::handle as list;
pub use open::handle as open;
pub use public::handle as public_status;
pub use update::handle as post_update;

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::IncidentId;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::AuditResource;

use crate::Deps;
use crate::incidents::model::Incident;
use crate::incidents::repo::IncidentStore;

pub fn store(deps: &Deps) -> IncidentStore<'_> {
    IncidentStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The incident named by `{incidentId}`; an id that is not well-formed names none (404).
fn incident_in_path(call: &Call) -> Result<IncidentId, ApiError> {
    call.path_param("incidentId")
        .and_then(|raw| IncidentId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// The incident's path under this request's base path (`Location`).
fn incident_link(call: &Call, incident: IncidentId) -> String {
    call.link(&format!("/support/incidents/{incident}"))
}

/// What the audit trail names for an incident (its id only).
fn audit_resource(incident: IncidentId) -> AuditResource {
    AuditResource::Route(format!("incident/{incident}"))
}

/// An incident with its version as the ETag.
fn incident_response(status: StatusCode, incident: &Incident) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        status,
        incident,
        &[(header::ETAG, Version(incident.version).etag())],
    )
}
