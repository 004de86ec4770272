//! `GET /caregivers/me/patients`: the patients a caregiver acts for, with what they may do.
//! Each listed patient is checked again through the authorizer (the index lags, and a grant may
//! have been revoked a moment ago) and audited in that patient's log. A patient whose account
//! the practice locked is listed as `locked` (the authorizer lets a caregiver see whom they act
//! for, and refuses everything else while the lock holds).

use std::collections::BTreeSet;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{InvitationId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::account_lock;
use portal_shared::features::care_circle::{EndDate, RelationshipLabel};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, Scope};
use portal_shared::policy::caller::Role;
use serde::Serialize;

use crate::Deps;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ActingFor {
    patient_id: PatientId,
    name: String,
    relationship: RelationshipLabel,
    scopes: BTreeSet<Scope>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ends_on: Option<EndDate>,
    guardian: bool,
    invitation_id: InvitationId,
    /// The practice locked the patient's account: the caregiver is refused acting for them
    /// (`account-locked`) until it is unlocked.
    locked: bool,
}

#[derive(Serialize)]
struct Patients {
    items: Vec<ActingFor>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let caller = call.caller();
    if !caller.has(Role::Caregiver) {
        return Err(ApiError::Forbidden(
            "This lists the patients a caregiver acts for; your account is not a caregiver's.",
        ));
    }
    let circle = deps.circle();
    let authorizer = deps.platform.authorizer();
    let now = Timestamp::now();
    let mut items = Vec::new();
    for grant in circle.grants_of(&caller.sub).await? {
        if !grant.grant().is_active(now) {
            continue;
        }
        let access = match authorizer
            .patient(
                call,
                grant.patient_id,
                Action::IdentifyPatientActedFor,
                &AuditResource::ActingFor,
            )
            .await
        {
            Ok(access) => access,
            // Revoked or ended since the index was written.
            Err(ApiError::NotFound | ApiError::Forbidden(_)) => continue,
            Err(error) => return Err(error),
        };
        let Some(name) = circle.patient_name(&access).await? else {
            continue;
        };
        let locked = account_lock::patient_locked(
            &deps.platform.dynamo,
            &deps.platform.app_table,
            grant.patient_id,
        )
        .await?;
        items.push(ActingFor {
            patient_id: grant.patient_id,
            name,
            relationship: grant.relationship,
            scopes: grant.scopes,
            ends_on: grant.ends_on,
            guardian: grant.guardian,
            invitation_id: grant.invitation_id,
            locked,
        });
    }
    items.sort_by(|a, b| a.name.cmp(&b.name));
    json(StatusCode::OK, &Patients { items })
}
