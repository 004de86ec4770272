//! The clinicians' (and admins') library editor: every topic with its helpful tallies, adding
//! a topic, editing one (a starter topic too: the edit is stored and overrides it) and
//! retiring one. Not about any patient; each change is audited as a staff action.

mod add;
mod edit;
mod list;
mod retire;

pub use add::handle as add;
pub use edit::handle as edit;
pub use list::handle as list;
pub use retire::handle as retire;

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::{self, AuditResource};
use portal_shared::policy::authz::StaffAccess;
use portal_shared::policy::caller::Caller;

use crate::Deps;
use crate::library::topic::{StaffName, Topic, TopicId};

/// A topic as JSON, its version as the ETag.
fn topic_response(status: StatusCode, topic: &Topic) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        status,
        topic,
        &[(header::ETAG, Version(topic.version).etag())],
    )
}

/// Marks `topic` changed now by `caller`, at its next version.
fn touched(mut topic: Topic, caller: &Caller) -> Topic {
    topic.version += 1;
    topic.updated_at = Some(Timestamp::now());
    topic.updated_by = Some(StaffName::of(caller));
    topic.helpful = None;
    topic
}

/// Audits a change to the library (about no patient).
async fn audit_change(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    topic: &TopicId,
) -> Result<(), ApiError> {
    deps.platform
        .authorizer()
        .record_staff_action(
            call,
            access,
            &AuditResource::LibraryTopic(topic.to_string()),
            audit::Outcome::Allowed,
        )
        .await
}
