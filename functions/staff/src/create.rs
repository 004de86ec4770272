//! `POST /admin/staff`: a new staff member with one or more roles, invited by email, and the
//! onboarding plan of those roles (`crate::onboarding`).
//!
//! Cognito's AdminCreateUser is atomic on the username (the lower-cased email), so of two
//! concurrent creations of one email exactly one succeeds; the other is 409, as is an email
//! that already has any account (patient, caregiver or staff), and nothing is changed.
//! If the roles cannot be given after the account was created, the account is deleted again
//! so that a retry starts afresh. A crash in between (the function timed out, say) leaves an
//! account without any group, which can do nothing; a retry finishes it: an account that has
//! no group at all, is not a patient's, has never signed in and is older than any creation
//! still in flight ([`ABANDONED_AFTER_SECONDS`]) is taken over and given the roles.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::person::{Email, Name};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::Role;
use serde::Deserialize;

use crate::Deps;
use crate::audit::{self, account_resource};
use crate::directory::{Account, NotCreated};
use crate::model::{AccountStatus, StaffRoles};
use crate::onboarding;

/// Longer than any creation can take (the function's timeout is 10 s): an account this old
/// without a group was left by a creation that died half-way, not one still running.
pub const ABANDONED_AFTER_SECONDS: i64 = 60;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewStaff {
    email: Email,
    given_name: Name,
    family_name: Name,
    roles: StaffRoles,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageStaff)
        .await?;
    let request: NewStaff = call.json_body()?;
    let email = request.email.as_str().to_lowercase();
    let directory = deps.directory();
    let created = directory
        .create(
            &email,
            request.given_name.as_str(),
            request.family_name.as_str(),
        )
        .await?;
    let mut account = match created {
        Ok(account) => account,
        Err(NotCreated::Exists) => match abandoned(deps, &email).await? {
            Some(account) => account,
            None => {
                let error = ApiError::Conflict(
                    "An account with this email already exists. Staff members are listed at \
                 GET /admin/staff; change their roles there rather than creating them again."
                        .into(),
                );
                return Err(audit::refused(
                    deps,
                    call,
                    &access,
                    &AuditResource::StaffAccounts,
                    error,
                )
                .await);
            }
        },
        Err(NotCreated::Refused(message)) => return Err(ApiError::invalid("email", message)),
    };
    // Audited before the account gets any power; without the event there is no account. The
    // onboarding plan is written before the roles too: their work is gated from the start,
    // and a failed write undoes the account like a failed role.
    let given = async {
        audit::allowed(deps, call, &access, &account_resource(&account.sub, "")).await?;
        let roles: Vec<Role> = request.roles.roles().iter().copied().collect();
        onboarding::for_new_member(deps, &account, &roles).await?;
        for role in request.roles.roles() {
            directory.add_role(&account.sub, *role).await?;
        }
        Ok::<(), ApiError>(())
    }
    .await;
    if let Err(error) = given {
        if let Err(cleanup) = directory.delete(&account.sub).await {
            tracing::error!(
                request_id = %call.request_id(),
                staff_id = %account.sub,
                error = %portal_shared::platform::error::cause_chain(&cleanup),
                "a staff account without its roles could not be removed"
            );
        }
        return Err(error);
    }
    account.groups = request
        .roles
        .roles()
        .iter()
        .map(|role| role.group().to_owned())
        .collect();
    json(StatusCode::CREATED, &account.view())
}

/// The account of `email` if a creation left it half-made (see the module's comment).
async fn abandoned(deps: &Deps, email: &str) -> Result<Option<Account>, ApiError> {
    let Some(account) = deps.directory().account_by_email(email).await? else {
        return Ok(None);
    };
    let now = Timestamp::now().unix_seconds();
    let old_enough = account
        .created_at
        .is_some_and(|created| now - created > ABANDONED_AFTER_SECONDS);
    let half_made = account.groups.is_empty()
        && !account.has_patient_id
        && account.status == AccountStatus::Invited
        && old_enough;
    Ok(half_made.then_some(account))
}
