//! What's new for a patient: `GET /patients/{patientId}/announcements` (the live announcements
//! for this context, newest publication first, each with whether the CALLER read it) and
//! `POST /patients/{patientId}/announcements/{announcementId}/read` (204; idempotent; 404 when
//! it is not live for this caller in this context).
//!
//! A context sees `patients` announcements, those of a cohort the patient is in, and
//! `caregivers` ones when the caller acts for the patient as a caregiver. Staff may look at
//! what a patient sees, but mark announcements read from their own account only. Both routes
//! are authorised and audited by the authorizer on the patient (`announcement.read`), and
//! belong to the `announcements` feature.

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::cohort_name::CohortName;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::cohorts_of;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::authz::{Action, PatientAccess, Relationship};

use crate::Deps;
use crate::announcements::model::{Audience, Viewer};
use crate::announcements::repo::Marked;
use crate::announcements::view::{Items, PatientItem, newest_published_first};
use crate::announcements::{
    MAX_LISTED, announcement_in_path, audit_list, audit_resource, no_content, store,
};

fn is_caregiver(access: &PatientAccess) -> bool {
    access.relationship() == Relationship::Caregiver
}

pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadAnnouncements, audit_list())
        .await?;
    let cohorts: Vec<CohortName> = cohorts_of(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        access.patient(),
    )
    .await?
    .into_iter()
    .map(|membership| membership.cohort)
    .collect();
    let viewer = Viewer::Patient {
        cohorts: &cohorts,
        caregiver: is_caregiver(&access),
    };
    let now = Timestamp::now();
    let store = store(deps);
    let mut found = store
        .newest(MAX_LISTED, |announcement| {
            announcement.visible_to(&viewer, now)
        })
        .await?;
    newest_published_first(&mut found);
    let ids: Vec<_> = found.iter().map(|a| a.announcement_id).collect();
    let read = store.read_by(&ids, &call.caller().sub).await?;
    let items = found
        .iter()
        .map(|announcement| {
            PatientItem::of(announcement, read.contains(&announcement.announcement_id))
        })
        .collect();
    json(http::StatusCode::OK, &Items { items })
}

pub async fn read(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let id = announcement_in_path(call)?;
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadAnnouncements, audit_resource(id))
        .await?;
    if let Relationship::Staff(_) = access.relationship() {
        return Err(ApiError::Forbidden(
            "Staff mark announcements read from their own account (/account/announcements).",
        ));
    }
    let store = store(deps);
    let announcement = store.load(id).await?.ok_or(ApiError::NotFound)?;
    // Only a cohort audience needs to know the patient's cohorts: one GetItem of the member.
    let cohorts = match &announcement.audience {
        Audience::Cohort { cohort } if is_member(deps, cohort, &access).await? => {
            vec![cohort.clone()]
        }
        _ => Vec::new(),
    };
    let viewer = Viewer::Patient {
        cohorts: &cohorts,
        caregiver: is_caregiver(&access),
    };
    if !announcement.visible_to(&viewer, Timestamp::now()) {
        return Err(ApiError::NotFound);
    }
    match store
        .mark_read(id, &call.caller().sub, Timestamp::now())
        .await?
    {
        Marked::First | Marked::Already => no_content(),
        Marked::Gone => Err(ApiError::NotFound),
    }
}

/// Whether the patient of `access` is in `cohort` (`keys::cohort_member`).
async fn is_member(
    deps: &Deps,
    cohort: &CohortName,
    access: &PatientAccess,
) -> Result<bool, ApiError> {
    let member = store::get_item(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &keys::cohort_member(cohort, access.patient()),
        Some("PK"),
    )
    .await?;
    Ok(member.is_some())
}
