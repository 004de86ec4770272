//! Feature switches: the portal lead's routes (list, change, kill, history), the explanation of
//! one patient's answer (portal lead, response team), and what the app asks for a patient.
//!
//! The rules and their evaluation live in the shared crate
//! (`portal_shared::features::switches`), and every function applies them from a cached copy
//! (`portal_shared::platform::feature_gate`); these routes write the switches and explain them.
//! `GET /patients/{patientId}/features` is never gated itself: it is how the app learns what to
//! hide.

mod change;
mod explain;
mod history;
mod kill;
mod list;
mod model;
mod patient_features;
mod repo;

pub use change::change;
pub use explain::explain;
pub use history::history;
pub use kill::kill;
pub use list::list;
pub use patient_features::patient_features;

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::switches::Feature;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::AuditResource;

use crate::Deps;
use model::SwitchView;
use repo::SwitchStore;

fn store(deps: &Deps) -> SwitchStore<'_> {
    SwitchStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The feature named by `{feature}`; an unknown one names nothing (404).
fn feature_in_path(call: &Call) -> Result<Feature, ApiError> {
    call.path_param("feature")
        .and_then(|raw| Feature::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// What the audit trail names for a switch (ids only).
fn audit_resource(feature: Feature) -> AuditResource {
    AuditResource::Route(format!("feature-switches/{feature}"))
}

/// A switch as answered after a change, with its version as the ETag.
fn switch_response(view: &SwitchView) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        StatusCode::OK,
        view,
        &[(header::ETAG, Version(view.version).etag())],
    )
}
