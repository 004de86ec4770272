//! Feature ideas, patients' suggestions, and closing the loop when an idea's status changes.
//!
//! The portal lead (`Action::ManageIdeas`) adds ideas and changes them under If-Match; the
//! portal lead, administrators and the response team read them (`Action::ReadIdeas`). A
//! patient, or a caregiver for them, suggests one (`Action::SuggestIdea`); the portal lead
//! reads the queue of suggestions (each patient listed audited) and accepts or declines each
//! on the patient's path, and the author is told. When an idea's status changes, everyone who
//! supported it is told once ([`tell`]).
//!
//! One handler per file; `repo` owns every read and write of ideas and suggestions.

mod create;
mod decide;
mod fields;
mod get;
mod list;
pub mod model;
mod repo;
mod suggest;
mod suggestions;
mod tell;
mod update;

pub use create::handle as create;
pub use decide::handle as decide;
pub use get::handle as get;
pub use list::handle as list;
pub use suggest::handle as suggest;
pub use suggestions::handle as suggestions;
pub use update::handle as update;

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::IdeaId;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::AuditResource;

use crate::Deps;
use crate::ideas::model::Idea;
use crate::ideas::repo::IdeaStore;

fn store(deps: &Deps) -> IdeaStore<'_> {
    IdeaStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The idea named by `{ideaId}`; an id that is not well-formed names none (404).
fn idea_in_path(call: &Call) -> Result<IdeaId, ApiError> {
    call.path_param("ideaId")
        .and_then(|raw| IdeaId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// The idea's path under this request's base path (`Location`).
fn idea_link(call: &Call, idea: IdeaId) -> String {
    call.link(&format!("/feedback/ideas/{idea}"))
}

/// What the audit trail names for a change of an idea (ids only).
fn audit_resource(idea: IdeaId) -> AuditResource {
    AuditResource::Route(format!("feedback/ideas/{idea}"))
}

/// An idea (or an answer built on one) with the idea's version as the ETag.
fn idea_response(
    status: StatusCode,
    idea: &Idea,
    body: &impl serde::Serialize,
) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        status,
        body,
        &[(header::ETAG, Version(idea.version).etag())],
    )
}
