//! The staff function: the practice's staff accounts, for administrators only.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - `POST /admin/staff` — create a staff member with one or more roles; Cognito emails them
//!   an invitation with a temporary password (accepted through the auth function's
//!   `/auth/new-password`).
//! - `GET  /admin/staff` — every staff member with their roles, sorted by family name.
//! - `PUT  /admin/staff/{staffId}/roles` — the full new set of roles.
//! - `POST /admin/staff/{staffId}/disable` — no more sign-ins, refresh tokens revoked everywhere.
//! - `POST /admin/staff/{staffId}/enable` — undoes a disable.
//! - `POST /admin/staff/{staffId}/mfa/reset` — turns the member's authenticator app off (a lost
//!   phone); they enrol a new one before any staff work (`mfa_reset`).
//! - `POST /admin/staff/{staffId}/onboarding` — give the member the onboarding plan of their
//!   current roles, or complete it (progress kept); answers the plan. Creating a member and
//!   changing their roles assign training too (`onboarding`).
//! - `GET|POST /staff/patients/{patientId}/lock`, `POST /staff/patients/{patientId}/unlock`,
//!   and the same under `/staff/caregivers/{caregiverSub}` — the front desk locks and unlocks
//!   a patient's or a caregiver's portal account (`locks`); administrators may read a lock.
//! - `POST /staff/caregivers/{caregiverSub}/mfa/reset` — the front desk turns a caregiver's
//!   authenticator app off (a lost phone, identity checked) and they are told (`caregiver_mfa`).
//!
//! Why a function of its own rather than part of the auth function: the auth function serves
//! the public `/auth/*` routes, so it must not hold the power to put anyone in `admins` (least
//! privilege). Only this function may change group membership or disable users, and only
//! administrators reach the staff routes, where an id that is not a staff member's answers
//! 404. Patients' and caregivers' accounts it only locks and unlocks (the front desk's
//! `locks` routes: disable, sign out everywhere, enable again), and a caregiver's
//! authenticator app it resets; it never creates or otherwise changes them.

mod audit;
mod caregiver;
mod caregiver_mfa;
mod change;
mod create;
mod directory;
mod list;
mod locks;
mod member;
mod mfa_reset;
mod model;
mod onboarding;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::platform::config::{Settings, UserPoolSettings};
use portal_shared::platform::http::{Route, dispatch};

use crate::directory::Directory;

pub const CREATE_STAFF: Route = Route::new("POST", "/admin/staff");
pub const LIST_STAFF: Route = Route::new("GET", "/admin/staff");
pub const SET_ROLES: Route = Route::new("PUT", "/admin/staff/{staffId}/roles");
pub const DISABLE_STAFF: Route = Route::new("POST", "/admin/staff/{staffId}/disable");
pub const ENABLE_STAFF: Route = Route::new("POST", "/admin/staff/{staffId}/enable");
pub const RESET_STAFF_MFA: Route = Route::new("POST", "/admin/staff/{staffId}/mfa/reset");
pub const ASSIGN_ONBOARDING: Route = Route::new("POST", "/admin/staff/{staffId}/onboarding");
pub const READ_PATIENT_LOCK: Route = Route::new("GET", "/staff/patients/{patientId}/lock");
pub const LOCK_PATIENT: Route = Route::new("POST", "/staff/patients/{patientId}/lock");
pub const UNLOCK_PATIENT: Route = Route::new("POST", "/staff/patients/{patientId}/unlock");
pub const READ_CAREGIVER_LOCK: Route = Route::new("GET", "/staff/caregivers/{caregiverSub}/lock");
pub const LOCK_CAREGIVER: Route = Route::new("POST", "/staff/caregivers/{caregiverSub}/lock");
pub const UNLOCK_CAREGIVER: Route = Route::new("POST", "/staff/caregivers/{caregiverSub}/unlock");
pub const RESET_CAREGIVER_MFA: Route =
    Route::new("POST", "/staff/caregivers/{caregiverSub}/mfa/reset");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    CREATE_STAFF,
    LIST_STAFF,
    SET_ROLES,
    DISABLE_STAFF,
    ENABLE_STAFF,
    RESET_STAFF_MFA,
    ASSIGN_ONBOARDING,
    READ_PATIENT_LOCK,
    LOCK_PATIENT,
    UNLOCK_PATIENT,
    READ_CAREGIVER_LOCK,
    LOCK_CAREGIVER,
    UNLOCK_CAREGIVER,
    RESET_CAREGIVER_MFA,
];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    pub pool: UserPoolSettings,
}

impl Deps {
    pub fn new(settings: &Settings, pool: &UserPoolSettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk),
            cognito: aws_sdk_cognitoidentityprovider::Client::new(sdk),
            pool: pool.clone(),
        }
    }

    fn directory(&self) -> Directory<'_> {
        Directory {
            cognito: &self.cognito,
            pool_id: &self.pool.user_pool_id,
        }
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(CREATE_STAFF) {
            create::handle(deps, &call).await
        } else if call.is(LIST_STAFF) {
            list::handle(deps, &call).await
        } else if call.is(SET_ROLES) {
            change::set_roles(deps, &call).await
        } else if call.is(DISABLE_STAFF) {
            change::set_enabled(deps, &call, false).await
        } else if call.is(ENABLE_STAFF) {
            change::set_enabled(deps, &call, true).await
        } else if call.is(RESET_STAFF_MFA) {
            mfa_reset::handle(deps, &call).await
        } else if call.is(ASSIGN_ONBOARDING) {
            onboarding::assign(deps, &call).await
        } else if call.is(READ_PATIENT_LOCK) {
            locks::patient_read::handle(deps, &call).await
        } else if call.is(LOCK_PATIENT) {
            locks::patient_lock::handle(deps, &call).await
        } else if call.is(UNLOCK_PATIENT) {
            locks::patient_unlock::handle(deps, &call).await
        } else if call.is(READ_CAREGIVER_LOCK) {
            locks::caregiver_read::handle(deps, &call).await
        } else if call.is(LOCK_CAREGIVER) {
            locks::caregiver_lock::handle(deps, &call).await
        } else if call.is(UNLOCK_CAREGIVER) {
            locks::caregiver_unlock::handle(deps, &call).await
        } else if call.is(RESET_CAREGIVER_MFA) {
            caregiver_mfa::handle(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
