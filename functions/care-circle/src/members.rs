//! `GET /patients/{patientId}/care-circle` and
//! `POST /patients/{patientId}/care-circle/{invitationId}/revoke`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::InvitationId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::{Lost, ShownStatus};
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, Relationship};

use crate::Deps;
use crate::view::MemberView;

/// Newest invitation first; every state, so the patient sees what they granted and revoked.
pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadCareCircle,
            &AuditResource::CareCircle,
        )
        .await?;
    let page = PageRequest::from_call(
        call,
        format!("care-circle:{patient}"),
        &deps.platform.cursor_key,
    )?;
    let (members, last) = deps
        .circle()
        .members(&access, page.limit, page.start_after.clone())
        .await?;
    let now = Timestamp::now();
    let views: Vec<MemberView> = members.iter().map(|m| MemberView::new(m, now)).collect();
    json(
        StatusCode::OK,
        &page.page(views, last, &deps.platform.cursor_key)?,
    )
}

/// Effective at once: the authorizer reads the grant on every request. Revoking what is
/// revoked already answers the member as it is.
pub async fn revoke(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let raw = call.path_param("invitationId").unwrap_or_default();
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ManageCareCircle,
            &AuditResource::CareCircleMember(raw.to_string()),
        )
        .await?;
    let invitation = InvitationId::parse(&raw).ok_or(ApiError::NotFound)?;
    let circle = deps.circle();
    let by = call.caller().sub.clone();
    for _ in 0..3 {
        let mut member = circle
            .member(&access, invitation)
            .await?
            .ok_or(ApiError::NotFound)?;
        let now = Timestamp::now();
        if member.guardian && access.relationship() == Relationship::Own {
            return Err(ApiError::Forbidden(
                "A guardian's access is managed by the practice: please ask the front desk.",
            ));
        }
        match member.shown_status(now) {
            ShownStatus::Revoked => return json(StatusCode::OK, &MemberView::new(&member, now)),
            ShownStatus::Ended => {
                return Err(ApiError::Conflict(
                    "This caregiver's access has ended already.".into(),
                ));
            }
            ShownStatus::Invited
            | ShownStatus::InvitationExpired
            | ShownStatus::InvitationLocked
            | ShownStatus::Active => {}
        }
        match circle.revoke(&member, &by, now).await? {
            Ok(()) => {
                member.status = portal_shared::features::care_circle::MemberStatus::Revoked;
                member.revoked_at = Some(now);
                member.revoked_by = Some(by);
                return json(StatusCode::OK, &MemberView::new(&member, now));
            }
            // Accepted (or revoked) meanwhile: read it again and revoke what it is now.
            Err(Lost::Changed | Lost::Contention | Lost::AlreadyActing) => continue,
        }
    }
    Err(ApiError::Conflict(
        "This member is being changed right now; retry.".into(),
    ))
}
