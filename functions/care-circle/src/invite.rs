//! `POST /patients/{patientId}/care-circle`: the patient (or front desk, at the patient's
//! request) invites a caregiver. The code is emailed to the invited address (an outbox record
//! written with the invitation) and shown once, in this response; the caregiver accepts it with
//! the invited email address.

use std::collections::BTreeSet;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::InvitationId;
use portal_shared::domain::one_time_code::{CARE_INVITATION_CODE, Code};
use portal_shared::domain::person::{Email, Name};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::{
    self, EndDate, Member, MemberStatus, RelationshipLabel, check_scopes,
};
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess, Scope};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::view::MemberView;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct InviteRequest {
    email: Email,
    name: Name,
    relationship: RelationshipLabel,
    scopes: BTreeSet<Scope>,
    #[serde(default)]
    ends_on: Option<EndDate>,
}

/// What a new member is: from an invitation or a guardian grant.
pub struct NewMember {
    pub email: Email,
    pub name: Name,
    pub relationship: RelationshipLabel,
    pub scopes: BTreeSet<Scope>,
    pub ends_on: Option<EndDate>,
    pub guardian: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invited<'a> {
    #[serde(flatten)]
    member: &'a MemberView,
    /// Only in the first response: the code is stored as a hash alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ManageCareCircle, AuditResource::CareCircle)
        .await?;
    let request: InviteRequest = call.json_body()?;
    check_scopes(&request.scopes)?;
    let now = Timestamp::now();
    let ends_on = request
        .ends_on
        .map(|end| end.check_future(now))
        .transpose()
        .map_err(|message| ApiError::invalid("endsOn", message))?;
    let new = NewMember {
        email: request.email,
        name: request.name,
        relationship: request.relationship,
        scopes: request.scopes,
        ends_on,
        guardian: false,
    };
    create(deps, call, &access, new).await
}

/// Writes the member, its code's lookup and the invitee's email notification (once per
/// Idempotency-Key) and answers 201 with the code, shown this once.
pub async fn create(
    deps: &Deps,
    call: &Call,
    access: &PatientAccess,
    new: NewMember,
) -> Result<Response<Body>, ApiError> {
    let idempotency = Idempotency::from_call(call)?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let circle = deps.circle();
    if circle.profile_facts(access).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    let code = Code::generate()?;
    let hasher = deps.platform.code_hasher().await?;
    let now = Timestamp::now();
    let member = Member {
        invitation_id: InvitationId::generate(),
        patient_id: access.patient(),
        email: care_circle::invitation_email(&new.email),
        name: new.name,
        relationship: new.relationship,
        scopes: new.scopes,
        ends_on: new.ends_on,
        guardian: new.guardian,
        status: MemberStatus::Invited,
        invited_at: now,
        invited_by: call.caller().sub.clone(),
        code_hash: code.keyed_hash(&hasher, CARE_INVITATION_CODE),
        code_expires: care_circle::code_expires(now),
        failed_attempts: 0,
        caregiver_sub: None,
        accepted_at: None,
        revoked_at: None,
        revoked_by: None,
    };
    let view = MemberView::new(&member, now);
    // A retry with the same Idempotency-Key gets everything but the code.
    let replay = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&Invited {
            member: &view,
            code: None,
        })
        .map_err(ApiError::internal)?,
        location: None,
        etag: None,
        patient_id: Some(member.patient_id),
    };
    let items = circle.invite(access, &member, &new.email, &code)?;
    match create_once(dynamo, table, idempotency.as_ref(), items, replay).await? {
        Outcome::Created(_) => json(
            StatusCode::CREATED,
            &Invited {
                member: &view,
                code: Some(&code.display()),
            },
        ),
        Outcome::Replayed(first) => first.render(true),
    }
}
