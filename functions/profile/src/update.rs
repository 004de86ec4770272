//! `PATCH /patients/{patientId}/profile`: contact details, preferred name, language and
//! communication preferences apply at once; legal name, date of birth and sex become a change
//! request for staff to review, unless staff make the change themselves.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ChangeId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::{Version, required_if_match};
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, Relationship};

use crate::Deps;
use crate::model::{ChangeRequest, ChangeStatus, IdentityEdits, Profile, ProfileView};
use crate::read::RECENT_CHANGES;
use crate::requests::ProfilePatch;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::UpdateProfile, AuditResource::Profile)
        .await?;
    let expected = required_if_match(call)?;
    let patch: ProfilePatch = call.json_body()?;
    if let Some(field) = patch.nulled_object() {
        return Err(ApiError::invalid(
            field,
            "cannot be null; send the parts to change",
        ));
    }
    if patch.is_empty() {
        return Err(ApiError::invalid("body", "names no field to change"));
    }
    let identity = patch
        .identity()
        .map_err(|field| ApiError::invalid(field, "cannot be removed, only corrected"))?;

    let store = deps.profiles();
    let mut profile = store.load(&access).await?.ok_or(ApiError::NotFound)?;
    if profile.version != expected.0 {
        return Err(ApiError::PreconditionFailed);
    }
    let matched_before = profile.match_key();
    apply_now(&mut profile, patch);

    let requested = profile.identity_changes(&identity);
    let staff_edit = matches!(access.relationship(), Relationship::Staff(_));
    let now = Timestamp::now();
    let new_change = if requested.is_empty() {
        None
    } else {
        if profile.pending_change_id.is_some() {
            return Err(ApiError::Conflict(if staff_edit {
                "The patient's own change request is waiting for review: decide it first.".into()
            } else {
                "A change to the legal name, date of birth or sex is already waiting for review."
                    .into()
            }));
        }
        let mut change = ChangeRequest {
            change_id: ChangeId::generate(),
            patient_id: access.patient(),
            previous: profile.identity_before(&requested),
            requested,
            status: ChangeStatus::Pending,
            requested_at: now,
            requested_by: call.caller().sub.clone(),
            decided_at: None,
            decided_by: None,
            reason: None,
        };
        if staff_edit {
            // Staff check documents at the desk: their correction applies now, and is kept as
            // an approved change so the record shows what changed, when and by whom.
            profile.apply_identity(&change.requested);
            change.status = ChangeStatus::Approved;
            change.decided_at = Some(now);
            change.decided_by = Some(call.caller().sub.clone());
        } else {
            profile.pending_change_id = Some(change.change_id);
        }
        Some(change)
    };
    if let Err((field, message)) = profile.check_reachable() {
        return Err(ApiError::invalid(field, message));
    }
    profile.version = expected.next().0;
    profile.updated_at = now;

    match store
        .save(
            &access,
            &profile,
            expected.0,
            new_change.as_ref(),
            &matched_before,
        )
        .await?
    {
        Ok(()) => {}
        Err(LostWrite::Changed) => return Err(ApiError::PreconditionFailed),
        Err(LostWrite::Contention) => {
            return Err(ApiError::Conflict(
                "Another change to this profile was being saved at the same moment; retry.".into(),
            ));
        }
    }
    let changes = store.recent_changes(&access, RECENT_CHANGES).await?;
    json_with_headers(
        StatusCode::OK,
        &ProfileView::new(&profile, &changes),
        &[(header::ETAG, Version(profile.version).etag())],
    )
}

/// The fields that take effect at once.
fn apply_now(profile: &mut Profile, patch: ProfilePatch) {
    if let Some(preferred) = patch.preferred_name {
        profile.preferred_name = preferred;
    }
    if let Some(Some(contact)) = patch.contact {
        if let Some(email) = contact.email {
            profile.contact.email = email;
        }
        if let Some(phone) = contact.phone {
            profile.contact.phone = phone;
        }
        if let Some(address) = contact.address {
            profile.contact.address = address;
        }
    }
    if let Some(language) = patch.language {
        profile.language = language;
    }
    if let Some(Some(communication)) = patch.communication {
        profile.communication = communication;
    }
}
