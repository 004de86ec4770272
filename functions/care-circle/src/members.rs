//! `GET /patients/{patientId}/care-circle` and
//! `POST /patients/{patientId}/care-circle/{invitationId}/revoke`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::InvitationId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::{MemberStatus, ShownStatus};
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::write::{LostWrite, retry_on_contention};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, Relationship};

use crate::Deps;
use crate::view::MemberView;

/// Newest invitation first; every state, so the patient sees what they granted and revoked.
pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadCareCircle, AuditResource::CareCircle)
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(
        call,
        format!("care-circle:{}", access.patient()),
        cursor_key,
    )
    .await?;
    let (members, last) = deps
        .circle()
        .members(&access, page.limit, page.start_after.clone())
        .await?;
    let now = Timestamp::now();
    let views: Vec<MemberView> = members.iter().map(|m| MemberView::new(m, now)).collect();
    json(StatusCode::OK, &page.page(views, last, cursor_key).await?)
}

/// Effective at once: the authorizer reads the grant on every request. Revoking what is
/// revoked already answers the member as it is.
pub async fn revoke(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let raw = call.path_param("invitationId").unwrap_or_default();
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ManageCareCircle,
            AuditResource::CareCircleMember(raw.to_string()),
        )
        .await?;
    let invitation = InvitationId::parse(&raw).ok_or(ApiError::NotFound)?;
    let circle = deps.circle();
    let by = &call.caller().sub;
    let revoked = retry_on_contention(|| async {
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
            ShownStatus::Revoked => return Ok(Ok((member, now))),
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
        Ok(match circle.revoke(&access, &member, by, now).await? {
            Ok(()) => {
                member.status = MemberStatus::Revoked;
                member.revoked_at = Some(now);
                member.revoked_by = Some(by.clone());
                Ok((member, now))
            }
            // Accepted (or revoked) since this attempt read it: read it again and revoke what
            // it is now.
            Err(_) => Err(LostWrite::Contention),
        })
    })
    .await?;
    match revoked {
        Ok((member, now)) => json(StatusCode::OK, &MemberView::new(&member, now)),
        Err(_) => Err(ApiError::Conflict(
            "This member is being changed right now; retry.".into(),
        )),
    }
}
