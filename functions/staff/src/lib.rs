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
//! - `POST /admin/staff/{staffId}/onboarding` — give the member the onboarding plan of their
//!   current roles, or complete it (progress kept); answers the plan. Creating a member and
//!   changing their roles assign training too (`onboarding`).
//!
//! Why a function of its own rather than part of the auth function: the auth function serves
//! the public `/auth/*` routes, so it must not hold the power to put anyone in `admins` (least
//! privilege). Only this function may change group membership or disable users, and only
//! administrators reach it. It never touches patients' or caregivers' accounts: an id that is
//! not a staff member's answers 404.

mod audit;
mod change;
mod create;
mod directory;
mod list;
mod member;
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
pub const ASSIGN_ONBOARDING: Route = Route::new("POST", "/admin/staff/{staffId}/onboarding");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    CREATE_STAFF,
    LIST_STAFF,
    SET_ROLES,
    DISABLE_STAFF,
    ENABLE_STAFF,
    ASSIGN_ONBOARDING,
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
    dispatch(request, |call| async move {
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
        } else if call.is(ASSIGN_ONBOARDING) {
            onboarding::assign(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
