//! The auth function: portal accounts.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - `POST /staff/patients/{patientId}/activation-codes` — front desk issues a code (shown once,
//!   or sent to the patient's email or phone on file through the outbox: `deliverBy`).
//! - `GET  /staff/patients/{patientId}/activation-codes` — the patient's codes, never the code.
//! - `POST /staff/patients/{patientId}/activation-codes/{codeId}/revoke` — revoke an issued code.
//! - `POST /auth/activate` (public) — a patient turns a code into an account.
//! - `POST /auth/sign-in`, `/auth/mfa`, `/auth/refresh`, `/auth/sign-out` (public) — Cognito's
//!   flows, with attempt limits, behind the portal's API. A sign-in from a client the account
//!   has not used in 90 days tells the account holder (`sign_in_notice`).
//! - `POST /auth/password/forgot`, `/auth/password/reset` (public) — a forgotten password.
//! - `POST /auth/invitations/accept` (public) — a caregiver accepts a care-circle invitation,
//!   with a new account or the one they have.
//! - `POST /auth/new-password` (public) — invited staff accept their invitation: the first
//!   sign-in with the emailed temporary password answers `NEW_PASSWORD_REQUIRED`, and this
//!   sets their own password. (The staff function creates those accounts; this one never can.)
//! - `GET /health` (public) — the deployment answers, DynamoDB included; no patient data.
//! - `POST /auth/lock-account` (public) — the account holder locks their own account from a
//!   sign-in notice's signed link (`lock_account`).
//! - `GET /auth/mfa`, `POST /auth/mfa/totp`, `POST /auth/mfa/totp/verify`,
//!   `DELETE /auth/mfa/totp`, `POST /auth/mfa/backup-codes` (any signed-in account) — the
//!   account's own authenticator app and backup codes (`mfa`); no staff decision, so staff
//!   without MFA can enrol.
//! - `POST /auth/sign-in/backup-code` (public) — sign in with a backup code (turns MFA off).
//! - `POST /staff/patients/{patientId}/mfa/reset` — the front desk turns a patient's MFA off.

mod activate;
mod adoption;
mod codes;
mod cognito;
mod delivery;
mod health;
mod invitation;
mod known_clients;
mod limits;
mod lock_account;
mod mfa;
mod model;
mod new_password;
mod password;
mod public;
mod recovery;
mod repo;
mod session;
mod sign_in_client;
mod sign_in_notice;
mod token_claims;
mod tokens;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::domain::practice::PracticeZone;
use portal_shared::features::care_circle::CareCircleStore;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch, dispatch_public};

use crate::limits::Limiter;
use crate::repo::CodeStore;

pub const ISSUE_CODE: Route = Route::new("POST", "/staff/patients/{patientId}/activation-codes");
pub const LIST_CODES: Route = Route::new("GET", "/staff/patients/{patientId}/activation-codes");
pub const REVOKE_CODE: Route = Route::new(
    "POST",
    "/staff/patients/{patientId}/activation-codes/{codeId}/revoke",
);
pub const ACTIVATE: Route = Route::new("POST", "/auth/activate");
pub const SIGN_IN: Route = Route::new("POST", "/auth/sign-in");
pub const REFRESH: Route = Route::new("POST", "/auth/refresh");
pub const SIGN_OUT: Route = Route::new("POST", "/auth/sign-out");
pub const FORGOT_PASSWORD: Route = Route::new("POST", "/auth/password/forgot");
pub const RESET_PASSWORD: Route = Route::new("POST", "/auth/password/reset");
pub const ANSWER_MFA: Route = Route::new("POST", "/auth/mfa");
pub const ACCEPT_INVITATION: Route = Route::new("POST", "/auth/invitations/accept");
pub const NEW_PASSWORD: Route = Route::new("POST", "/auth/new-password");
pub const HEALTH: Route = Route::new("GET", "/health");
pub const LOCK_ACCOUNT: Route = Route::new("POST", "/auth/lock-account");
pub const MFA_STATUS: Route = Route::new("GET", "/auth/mfa");
pub const START_TOTP: Route = Route::new("POST", "/auth/mfa/totp");
pub const VERIFY_TOTP: Route = Route::new("POST", "/auth/mfa/totp/verify");
pub const REMOVE_TOTP: Route = Route::new("DELETE", "/auth/mfa/totp");
pub const NEW_BACKUP_CODES: Route = Route::new("POST", "/auth/mfa/backup-codes");
pub const BACKUP_CODE_SIGN_IN: Route = Route::new("POST", "/auth/sign-in/backup-code");
pub const RESET_PATIENT_MFA: Route = Route::new("POST", "/staff/patients/{patientId}/mfa/reset");

/// Routes behind the Cognito authorizer.
const STAFF_ROUTES: &[Route] = &[ISSUE_CODE, LIST_CODES, REVOKE_CODE, RESET_PATIENT_MFA];

/// The signed-in account's own MFA routes, behind the Cognito authorizer too. They make no
/// staff decision (a staff member without MFA enrols through them).
const ACCOUNT_ROUTES: &[Route] = &[
    MFA_STATUS,
    START_TOTP,
    VERIFY_TOTP,
    REMOVE_TOTP,
    NEW_BACKUP_CODES,
];

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    ISSUE_CODE,
    LIST_CODES,
    REVOKE_CODE,
    ACTIVATE,
    SIGN_IN,
    REFRESH,
    SIGN_OUT,
    FORGOT_PASSWORD,
    RESET_PASSWORD,
    ANSWER_MFA,
    ACCEPT_INVITATION,
    NEW_PASSWORD,
    HEALTH,
    LOCK_ACCOUNT,
    MFA_STATUS,
    START_TOTP,
    VERIFY_TOTP,
    REMOVE_TOTP,
    NEW_BACKUP_CODES,
    BACKUP_CODE_SIGN_IN,
    RESET_PATIENT_MFA,
];

/// The user pool this function creates accounts in and signs people in to (the type is
/// shared with the staff function, which administers the same pool).
pub use portal_shared::platform::config::UserPoolSettings as AuthSettings;

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    pub auth: AuthSettings,
    /// The practice's zone (`PRACTICE_TIME_ZONE`), for the day adoption counts go under.
    pub practice_zone: Option<PracticeZone>,
}

impl Deps {
    pub fn new(settings: &Settings, auth: &AuthSettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk),
            cognito: aws_sdk_cognitoidentityprovider::Client::new(sdk),
            auth: auth.clone(),
            practice_zone: settings.practice_zone.clone(),
        }
    }

    fn codes(&self) -> CodeStore<'_> {
        CodeStore {
            dynamo: &self.platform.dynamo,
            table: &self.platform.app_table,
        }
    }

    /// The care circles' items, for accepting an invitation (`portal_shared::features`).
    fn circle(&self) -> CareCircleStore<'_> {
        CareCircleStore {
            dynamo: &self.platform.dynamo,
            table: &self.platform.app_table,
        }
    }

    fn limiter(&self) -> Limiter<'_> {
        Limiter {
            dynamo: &self.platform.dynamo,
            table: &self.platform.app_table,
            key: &self.platform.code_hashing,
        }
    }
}

fn route_of(request: &Request) -> Option<Route> {
    use lambda_http::RequestExt;
    use lambda_http::request::RequestContext;
    let resource = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.resource_path.clone(),
        _ => None,
    }?;
    ROUTES
        .iter()
        .copied()
        .find(|route| route.path == resource && route.method == request.method().as_str())
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    match route_of(&request) {
        Some(route) if STAFF_ROUTES.contains(&route) => {
            dispatch(request, &deps.platform.revocations, |call| async move {
                if call.is(ISSUE_CODE) {
                    codes::issue(deps, &call).await
                } else if call.is(LIST_CODES) {
                    codes::list(deps, &call).await
                } else if call.is(RESET_PATIENT_MFA) {
                    mfa::reset::handle(deps, &call).await
                } else {
                    codes::revoke(deps, &call).await
                }
            })
            .await
        }
        Some(route) if ACCOUNT_ROUTES.contains(&route) => {
            dispatch(request, &deps.platform.revocations, |call| async move {
                if call.is(MFA_STATUS) {
                    mfa::status::handle(deps, &call).await
                } else if call.is(START_TOTP) {
                    mfa::enrol::handle(deps, &call).await
                } else if call.is(VERIFY_TOTP) {
                    mfa::verify::handle(deps, &call).await
                } else if call.is(REMOVE_TOTP) {
                    mfa::remove::handle(deps, &call).await
                } else {
                    mfa::backup_codes::handle(deps, &call).await
                }
            })
            .await
        }
        _ => {
            dispatch_public(request, |incoming| async move {
                if incoming.is(ACTIVATE) {
                    activate::handle(deps, &incoming).await
                } else if incoming.is(SIGN_IN) {
                    session::sign_in(deps, &incoming).await
                } else if incoming.is(REFRESH) {
                    session::refresh(deps, &incoming).await
                } else if incoming.is(SIGN_OUT) {
                    session::sign_out(deps, &incoming).await
                } else if incoming.is(FORGOT_PASSWORD) {
                    recovery::forgot(deps, &incoming).await
                } else if incoming.is(RESET_PASSWORD) {
                    recovery::reset(deps, &incoming).await
                } else if incoming.is(ANSWER_MFA) {
                    recovery::mfa(deps, &incoming).await
                } else if incoming.is(ACCEPT_INVITATION) {
                    invitation::accept(deps, &incoming).await
                } else if incoming.is(NEW_PASSWORD) {
                    new_password::new_password(deps, &incoming).await
                } else if incoming.is(BACKUP_CODE_SIGN_IN) {
                    mfa::backup_sign_in::handle(deps, &incoming).await
                } else if incoming.is(LOCK_ACCOUNT) {
                    lock_account::handle(deps, &incoming).await
                } else if incoming.is(HEALTH) {
                    health::handle(deps).await
                } else {
                    Err(ApiError::NotFound)
                }
            })
            .await
        }
    }
}
