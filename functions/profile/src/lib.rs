//! The profile function: patient demographics and contact details, and the staff review of
//! changes to a patient's legal identity.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - `POST  /staff/patients` — front desk registers a patient.
//! - `GET   /staff/patients` — staff find a patient by name and/or date of birth.
//! - `GET   /patients/{patientId}/profile` — `me` for the caller's own.
//! - `PATCH /patients/{patientId}/profile` — merge patch with If-Match.
//! - `GET   /staff/profile-changes` — pending legal-identity changes, oldest first.
//! - `POST  /staff/profile-changes/{changeId}/decision` — approve or reject.

mod model;
mod read;
mod register;
mod repo;
mod requests;
mod review;
mod search;
mod update;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch};

use crate::repo::ProfileStore;

pub const REGISTER_PATIENT: Route = Route::new("POST", "/staff/patients");
pub const SEARCH_PATIENTS: Route = Route::new("GET", "/staff/patients");
pub const GET_PROFILE: Route = Route::new("GET", "/patients/{patientId}/profile");
pub const UPDATE_PROFILE: Route = Route::new("PATCH", "/patients/{patientId}/profile");
pub const LIST_PROFILE_CHANGES: Route = Route::new("GET", "/staff/profile-changes");
pub const DECIDE_PROFILE_CHANGE: Route =
    Route::new("POST", "/staff/profile-changes/{changeId}/decision");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    REGISTER_PATIENT,
    SEARCH_PATIENTS,
    GET_PROFILE,
    UPDATE_PROFILE,
    LIST_PROFILE_CHANGES,
    DECIDE_PROFILE_CHANGE,
];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
}

impl Deps {
    pub fn new(settings: &Settings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk),
        }
    }

    fn profiles(&self) -> ProfileStore<'_> {
        ProfileStore::new(&self.platform.dynamo, &self.platform.app_table)
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(REGISTER_PATIENT) {
            register::handle(deps, &call).await
        } else if call.is(SEARCH_PATIENTS) {
            search::handle(deps, &call).await
        } else if call.is(GET_PROFILE) {
            read::handle(deps, &call).await
        } else if call.is(UPDATE_PROFILE) {
            update::handle(deps, &call).await
        } else if call.is(LIST_PROFILE_CHANGES) {
            review::list(deps, &call).await
        } else if call.is(DECIDE_PROFILE_CHANGE) {
            review::decide(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
