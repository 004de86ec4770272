//! Announcements to stakeholder groups, with acknowledgement.
//!
//! The quick-response team (`Action::ManageAnnouncements`) announces news to patients, a
//! cohort, caregivers, staff roles or other practices (Idempotency-Key), lists, reads and ends
//! them, and sees which staff acknowledged one; every team route is audited against
//! `announcement/<id>` (the list against `announcements`). Readers (`Action::ReadAnnouncements`)
//! see what is live for them: patients and caregivers in a patient's context
//! (`/patients/{patientId}/announcements*`, the `announcements` feature), staff from their
//! account (`/account/announcements*`), and mark them read or acknowledge them; a first read
//! or acknowledgement is counted exactly once ([`repo`]).
//!
//! The publisher job (`publish`, another helper's) tells each announcement's audience once its
//! `publishAt` has come.
//!
//! One handler per file; `repo` owns every read and write, `model` the rules, `view` the shapes.

mod acknowledgements;
mod announce;
mod expire;
mod get;
mod list;
pub mod model;
mod patient;
mod publish;
pub mod repo;
mod staff;
mod view;

pub use acknowledgements::handle as acknowledgements;
pub use announce::handle as announce;
pub use expire::handle as expire;
pub use get::handle as get;
pub use list::handle as list;
pub use patient::{list as patient_list, read as patient_read};
pub use publish::{PublishSummary, publish_due, staff_members};
pub use staff::{acknowledge, list as staff_list, read as staff_read};

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::AnnouncementId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::AuditResource;

use crate::Deps;
use crate::announcements::model::Announcement;
use crate::announcements::repo::AnnouncementStore;
use crate::announcements::view::TeamView;

/// The most announcements one list answers (a practice announces a few a month).
pub const MAX_LISTED: i32 = 100;

pub fn store(deps: &Deps) -> AnnouncementStore<'_> {
    AnnouncementStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The announcement named by `{announcementId}`; an id that is not well-formed names none.
fn announcement_in_path(call: &Call) -> Result<AnnouncementId, ApiError> {
    call.path_param("announcementId")
        .and_then(|raw| AnnouncementId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// The announcement's path under this request's base path (`Location`).
fn announcement_link(call: &Call, id: AnnouncementId) -> String {
    call.link(&format!("/support/announcements/{id}"))
}

/// What the audit trail names for one announcement (its id only).
fn audit_resource(id: AnnouncementId) -> AuditResource {
    AuditResource::Route(format!("announcement/{id}"))
}

/// What the audit trail names for announcements as a whole (the lists).
fn audit_list() -> AuditResource {
    AuditResource::Route("announcements".into())
}

/// The team's view of an announcement with its version as the ETag.
fn team_response(
    status: StatusCode,
    announcement: &Announcement,
    now: Timestamp,
) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        status,
        &TeamView::of(announcement, now),
        &[(header::ETAG, Version(announcement.version).etag())],
    )
}

/// 204, for a read marked (or marked already).
fn no_content() -> Result<Response<Body>, ApiError> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Empty)
        .map_err(ApiError::internal)
}
