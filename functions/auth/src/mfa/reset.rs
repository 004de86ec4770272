//! `POST /staff/patients/{patientId}/mfa/reset` (front desk): a patient who lost their
//! authenticator app and their backup codes calls or comes in; once the front desk has checked
//! who they are, this turns their account's MFA off (they sign in with their password alone and
//! may enrol again) and tells them. Audited on the patient, so it shows in their access log.

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::features::mfa::{MfaChange, reset};
use portal_shared::features::profile_facts::{Fact, ProfileFacts};
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::cognito::{attribute_value, error_code, get_user};
use crate::mfa::notice::{self, Holder};
use crate::mfa::{codes, no_content, pool};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ResetPatientMfa, AuditResource::Mfa)
        .await?;
    let patient = access.patient();
    let facts = ProfileFacts::read(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &access,
        &[Fact::PortalAccount, Fact::Contact],
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    let Some(sub) = account_of(deps, patient, &facts).await? else {
        return Err(ApiError::Conflict(
            "This patient has no portal account to reset.".into(),
        ));
    };
    // A repeat (or an account that never enrolled) changes nothing and is not news to tell.
    let done = reset(&pool(deps), &codes(deps), &sub).await?;
    if done.changed {
        let holder = Holder {
            sub,
            patient_id: Some(patient),
            email: None,
            locale: None,
        };
        notice::tell(deps, call.request_id(), &holder, MfaChange::ResetByPractice).await;
    }
    no_content()
}

/// The patient's sign-in: the one activation recorded, else the account at the email on file,
/// and only a user whose `custom:patient_id` names this patient.
async fn account_of(
    deps: &Deps,
    patient: PatientId,
    facts: &ProfileFacts,
) -> Result<Option<UserSub>, ApiError> {
    let recorded = facts
        .portal_account
        .as_ref()
        .and_then(|account| account.sub.as_ref())
        .map(|sub| sub.as_str().to_owned());
    let on_file = facts
        .contact_email()
        .map(|email| email.as_str().to_lowercase());
    for username in recorded.into_iter().chain(on_file) {
        let user = match get_user(deps, &username).await {
            Ok(user) => user,
            Err(error) if error_code(&error) == Some("UserNotFoundException") => continue,
            Err(error) => return Err(portal_shared::platform::store::sdk_error(error)),
        };
        let attributes = user.user_attributes();
        if attribute_value(attributes, "custom:patient_id") != Some(patient.to_string().as_str()) {
            continue;
        }
        if let Some(sub) = attribute_value(attributes, "sub").and_then(UserSub::parse) {
            return Ok(Some(sub));
        }
    }
    Ok(None)
}
