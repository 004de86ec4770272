//! The care-circle function: who may act for a patient.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - `POST /patients/{patientId}/care-circle` — the patient (or front desk) invites a caregiver
//!   by email, with a relationship, scopes and an optional end date; the code is shown once.
//! - `GET  /patients/{patientId}/care-circle` — the circle: invitations and caregivers.
//! - `POST /patients/{patientId}/care-circle/{invitationId}/revoke` — takes effect at once.
//! - `POST /staff/patients/{patientId}/guardians` — front desk gives a parent or legal guardian
//!   access to a minor's record, until the minor comes of age.
//! - `GET  /caregivers/me/patients` — the patients a caregiver acts for.
//!
//! Feature switch ([`FEATURE_ROUTES`]): `care-circle` owns the invitation of caregivers
//! (`POST /patients/{patientId}/care-circle`). When its switch is off for the caller and
//! patient, that route answers the `feature-off` problem (403) after the usual authorisation.
//! Seeing who may act for the patient and revoking them are never switched off: a patient (or
//! the front desk for them) must always be able to withdraw access, and the grants already
//! given keep working whatever the switch says. The guardian route (front desk, in person) and
//! the caregiver's own list are not the feature's either.
//!
//! Invitations are accepted through the auth function (`POST /auth/invitations/accept`), which
//! creates the caregiver's account when they have none. The items and their transactions live
//! in `portal_shared::features::care_circle`, shared by both.

mod acting_for;
mod guardian;
mod invite;
mod members;
mod view;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::features::care_circle::CareCircleStore;
use portal_shared::features::switches::Feature;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch};

pub const INVITE: Route = Route::new("POST", "/patients/{patientId}/care-circle");
pub const LIST: Route = Route::new("GET", "/patients/{patientId}/care-circle");
pub const REVOKE: Route = Route::new(
    "POST",
    "/patients/{patientId}/care-circle/{invitationId}/revoke",
);
pub const GRANT_GUARDIAN: Route = Route::new("POST", "/staff/patients/{patientId}/guardians");
pub const ACTING_FOR: Route = Route::new("GET", "/caregivers/me/patients");

/// The routes a feature switch owns: inviting caregivers, `care-circle`'s.
pub const FEATURE_ROUTES: &[(Route, Feature)] = &[(INVITE, Feature::CareCircle)];

/// Every route this function serves.
pub const ROUTES: &[Route] = &[INVITE, LIST, REVOKE, GRANT_GUARDIAN, ACTING_FOR];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
}

impl Deps {
    pub fn new(settings: &Settings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk).with_feature_routes(FEATURE_ROUTES),
        }
    }

    fn circle(&self) -> CareCircleStore<'_> {
        CareCircleStore {
            dynamo: &self.platform.dynamo,
            table: &self.platform.app_table,
        }
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(INVITE) {
            invite::handle(deps, &call).await
        } else if call.is(LIST) {
            members::list(deps, &call).await
        } else if call.is(REVOKE) {
            members::revoke(deps, &call).await
        } else if call.is(GRANT_GUARDIAN) {
            guardian::handle(deps, &call).await
        } else if call.is(ACTING_FOR) {
            acting_for::handle(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
