//! `GET /pharmacies?q=`: the active pharmacies whose name contains `q` (any case; all when it is
//! absent or blank), by name, at most 50: `{items: [{pharmacyId, name, address, phone,
//! ncpdpId?, npi?}]}`. For anyone signed in (`Action::ReadPharmacies`): a patient, any
//! caregiver, every staff role. The directory is no one's health data: no audit event.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::{Action, Authorizer};
use portal_shared::policy::caller::Caller;

use crate::Deps;
use crate::pharmacies::model::{MAX_QUERY_CHARS, Pharmacies, search};
use crate::pharmacies::store;

/// Why `caller` may not search the directory, if they may not: `Action::ReadPharmacies` for
/// someone with no patient in question (the patient's side by its rule; its staff roles behind
/// the Authorizer's staff MFA gate).
pub fn refusal(caller: &Caller) -> Option<ApiError> {
    match Authorizer::about_no_patient(caller, Action::ReadPharmacies) {
        Ok(Some(_)) => None,
        Ok(None) => Some(ApiError::Forbidden(
            "The pharmacy directory is for patients, caregivers and practice staff.",
        )),
        Err(refusal) => Some(refusal),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    if let Some(refusal) = refusal(call.caller()) {
        return Err(refusal);
    }
    let q = call.query("q").unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::invalid(
            "q",
            format!("must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let found = search(store(deps).all().await?, &q);
    json(
        StatusCode::OK,
        &Pharmacies {
            items: found.iter().map(|p| p.view()).collect(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::policy::caller::{Role, SignInFacts, UserSub};

    fn caller(roles: &[Role]) -> Caller {
        Caller {
            sign_in: SignInFacts {
                mfa: true,
                ..Default::default()
            },
            sub: UserSub::parse("user-1").expect("sub"),
            roles: roles.iter().copied().collect(),
            patient_id: None,
            display_name: None,
        }
    }

    #[test]
    fn patients_caregivers_and_every_staff_role_may_search() {
        for role in [
            Role::Patient,
            Role::Caregiver,
            Role::Clinician,
            Role::FrontDesk,
            Role::ResponseTeam,
            Role::Admin,
            Role::PortalLead,
        ] {
            assert!(refusal(&caller(&[role])).is_none(), "{role:?}");
        }
        assert!(matches!(
            refusal(&caller(&[])),
            Some(ApiError::Forbidden(_))
        ));
    }

    #[test]
    fn staff_need_an_authenticator_and_patients_do_not() {
        let without_mfa = |roles: &[Role]| Caller {
            sign_in: SignInFacts::default(),
            ..caller(roles)
        };
        assert!(matches!(
            refusal(&without_mfa(&[Role::FrontDesk])),
            Some(ApiError::MfaRequired)
        ));
        assert!(refusal(&without_mfa(&[Role::Patient])).is_none());
        assert!(refusal(&without_mfa(&[Role::Caregiver])).is_none());
        assert!(refusal(&without_mfa(&[Role::Patient, Role::FrontDesk])).is_none());
    }
}
