//! `POST /staff/patients/{patientId}/guardians`: the front desk, having checked a parent's or
//! legal guardian's identity and authority in person, gives them access to a minor's record.
//! Access ends the day before the minor comes of age (or earlier, if asked); only staff revoke
//! it. The guardian accepts with the code like any caregiver.

use std::collections::BTreeSet;

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::person::{Email, Name};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::{
    EndDate, RelationshipLabel, check_scopes, last_day_as_minor,
};
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, Scope};
use serde::Deserialize;

use crate::Deps;
use crate::invite::{NewMember, create};

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum GuardianKind {
    Parent,
    LegalGuardian,
}

impl GuardianKind {
    fn label(self) -> &'static str {
        match self {
            GuardianKind::Parent => "parent",
            GuardianKind::LegalGuardian => "legal guardian",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct GuardianRequest {
    email: Email,
    name: Name,
    relationship: GuardianKind,
    /// Every scope unless narrowed.
    #[serde(default)]
    scopes: Option<BTreeSet<Scope>>,
    #[serde(default)]
    ends_on: Option<EndDate>,
}

const ALL_SCOPES: [Scope; 5] = [
    Scope::Records,
    Scope::Messages,
    Scope::Appointments,
    Scope::Billing,
    Scope::Profile,
];

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::GrantGuardianAccess, AuditResource::CareCircle)
        .await?;
    let request: GuardianRequest = call.json_body()?;
    let scopes = request
        .scopes
        .unwrap_or_else(|| ALL_SCOPES.into_iter().collect());
    check_scopes(&scopes)?;
    let facts = deps
        .circle()
        .profile_facts(&access)
        .await?
        .ok_or(ApiError::NotFound)?;
    let born = facts
        .date_of_birth
        .ok_or_else(|| ApiError::internal("a profile without a date of birth"))?;
    let now = Timestamp::now();
    let last_day = last_day_as_minor(born, now).ok_or_else(|| {
        ApiError::invalid(
            "patientId",
            "is not a minor: an adult patient invites their own caregivers",
        )
    })?;
    let ends_on = match request.ends_on {
        None => last_day,
        Some(end) => {
            let end = end
                .check_future(now)
                .map_err(|message| ApiError::invalid("endsOn", message))?;
            if end > last_day {
                return Err(ApiError::invalid(
                    "endsOn",
                    "must not be after the day before the patient comes of age",
                ));
            }
            end
        }
    };
    let relationship = RelationshipLabel::parse(request.relationship.label())
        .map_err(|message| ApiError::invalid("relationship", message))?;
    let new = NewMember {
        email: request.email,
        name: request.name,
        relationship,
        scopes,
        ends_on: Some(ends_on),
        guardian: true,
    };
    create(deps, call, &access, new).await
}
