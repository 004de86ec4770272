//! `POST /auth/invitations/accept` (public): a caregiver accepts a patient's care-circle
//! invitation with its code and the email address it was sent for.
//!
//! - No account with that email: one is created in `caregivers` (names and a password needed).
//! - An account exists (another patient's caregiver, or a patient of the practice): its
//!   password proves it is theirs, and it joins `caregivers`.
//!
//! Either way the grant is written by `portal_shared::features::care_circle` and the caregiver signs in
//! (again) to get a token that carries the `caregivers` group. Guessing is limited per client
//! address, and trying a code with other email addresses locks its invitation.

use std::collections::BTreeSet;

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, UserStatusType};
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{InvitationId, PatientId};
use portal_shared::domain::one_time_code::{CARE_INVITATION_CODE, Code};
use portal_shared::domain::person::{Email, Name};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::{
    self, AcceptConflict, CareCircleStore, EndDate, Lookup, MAX_WRONG_EMAILS, Member, ShownStatus,
};
use portal_shared::platform::http::{Incoming, json};
use portal_shared::platform::write::{LostWrite, retry_on_contention};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::audit::{ACCEPT_CARE_INVITATION, AuditEvent, Outcome};
use portal_shared::policy::authz::Scope;
use portal_shared::policy::caller::{Caller, Role, UserSub};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::cognito::{
    add_to_group, attempts_left, attribute_value, cognito_error, create_user, error_code, get_user,
    set_password, user_sub,
};
use crate::limits::{ACCEPT_INVITATION_PER_CLIENT, SIGN_IN_PER_EMAIL, client_of};
use crate::password::Password;
use crate::public::anonymous;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Acceptance {
    code: String,
    email: Email,
    password: Password,
    /// Needed when the account is to be created.
    #[serde(default)]
    given_name: Option<Name>,
    #[serde(default)]
    family_name: Option<Name>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Accepted {
    patient_id: PatientId,
    invitation_id: InvitationId,
    scopes: BTreeSet<Scope>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ends_on: Option<EndDate>,
    /// Whether this created the caregiver's account.
    account_created: bool,
    /// What to do next.
    next: &'static str,
}

/// Who accepts: their account's `sub` and name, and whether it was made now.
struct Account {
    sub: UserSub,
    display_name: Option<String>,
    created: bool,
}

fn code_error(message: &str) -> ApiError {
    ApiError::invalid("code", message)
}

pub async fn accept(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: Acceptance = incoming.json_body()?;
    if request.password.as_str().is_empty() {
        return Err(ApiError::invalid("password", "is required"));
    }
    let limiter = deps.limiter();
    // Taken before the code is looked at; kept (counted) unless this turns out no guess.
    let slot = limiter
        .acquire(ACCEPT_INVITATION_PER_CLIENT, &client_of(incoming))
        .await?;
    let code = Code::normalise(&request.code).ok_or_else(|| {
        code_error("is not an invitation code: 10 letters and digits, like ABCDE-12345")
    })?;
    let circle = deps.circle();
    let unknown = || code_error("is not a valid invitation code; check it, or ask for a new one");
    let hasher = deps.platform.code_hasher().await?;
    let lookup = circle
        .lookup(&code.lookup_hashes(&hasher, CARE_INVITATION_CODE))
        .await?
        .ok_or_else(unknown)?;
    let member = circle.invited_member(&lookup).await?.ok_or_else(unknown)?;
    let now = Timestamp::now();
    match member.shown_status(now) {
        ShownStatus::Invited => {}
        ShownStatus::InvitationExpired => {
            return Err(code_error("has expired; ask for a new invitation"));
        }
        ShownStatus::InvitationLocked => return Err(locked()),
        ShownStatus::Active | ShownStatus::Ended | ShownStatus::Revoked => return Err(unknown()),
    }
    if care_circle::invitation_email(&request.email) != member.email {
        let event = AuditEvent::new(
            &anonymous()?,
            "none",
            Some(member.patient_id),
            ACCEPT_CARE_INVITATION,
            &AuditResource::CareCircleMember(member.invitation_id.to_string()),
            Outcome::Denied,
            incoming.request_id(),
        );
        deps.platform.audit.record(&event).await?;
        return Err(wrong_email(&circle, &lookup, member).await);
    }
    // The right code with the right email: no guess.
    limiter.release(slot).await;

    let account = account_for(deps, &request).await?;
    let caregiver = Caller {
        sign_in: Default::default(),
        sub: account.sub.clone(),
        roles: BTreeSet::from([Role::Caregiver]),
        patient_id: None,
        display_name: account.display_name.clone(),
    };
    let event = AuditEvent::new(
        &caregiver,
        "caregiver",
        Some(member.patient_id),
        ACCEPT_CARE_INVITATION,
        &AuditResource::CareCircleMember(member.invitation_id.to_string()),
        Outcome::Allowed,
        incoming.request_id(),
    );
    deps.platform.audit.record(&event).await?;
    match circle.accept(&member, &account.sub, now).await? {
        Ok(grant) => json(
            StatusCode::CREATED,
            &Accepted {
                patient_id: grant.patient_id,
                invitation_id: grant.invitation_id,
                scopes: grant.scopes,
                ends_on: grant.ends_on,
                account_created: account.created,
                next: "Sign in (again) to act for this patient: POST /auth/sign-in.",
            },
        ),
        Err(AcceptConflict::AlreadyActing) => Err(ApiError::Conflict(
            "You act for this patient already; ask them to revoke that access first if it should change."
                .into(),
        )),
        Err(AcceptConflict::Lost(LostWrite::Changed)) => Err(code_error(
            "was revoked, locked or accepted a moment ago; ask for a new invitation",
        )),
        Err(AcceptConflict::Lost(LostWrite::Contention)) => Err(ApiError::Conflict(
            "This invitation is being accepted right now; if that was not you, retry.".into(),
        )),
    }
}

fn locked() -> ApiError {
    code_error(
        "is locked after too many tries with other email addresses; ask for a new invitation",
    )
}

/// Counts a try with another email address against the invitation and says how many are left.
async fn wrong_email(circle: &CareCircleStore<'_>, lookup: &Lookup, member: Member) -> ApiError {
    // The first attempt counts on the member read; a later one reads it again.
    let mut read = Some(member);
    let counted = retry_on_contention(|| {
        let read = read.take();
        async move {
            let member = match read {
                Some(member) => member,
                None => match circle.invited_member(lookup).await? {
                    Some(fresh) if fresh.acceptable(Timestamp::now()) => fresh,
                    Some(fresh)
                        if fresh.shown_status(Timestamp::now())
                            == ShownStatus::InvitationLocked =>
                    {
                        return Err(locked());
                    }
                    _ => return Err(code_error("is no longer valid; ask for a new invitation")),
                },
            };
            // A concurrent try counted since this attempt read the count: read it again.
            Ok(circle
                .record_wrong_email(&member)
                .await?
                .map_err(|_| LostWrite::Contention))
        }
    })
    .await;
    let count = match counted {
        Ok(Ok(count)) => count,
        Ok(Err(_)) => {
            return ApiError::Conflict(
                "Too many attempts at once on this invitation; try again.".into(),
            );
        }
        Err(error) => return error,
    };
    let left = MAX_WRONG_EMAILS.saturating_sub(count);
    if left == 0 {
        ApiError::invalid(
            "email",
            "is not the address this invitation was sent for; the invitation is now locked",
        )
    } else {
        ApiError::invalid(
            "email",
            format!(
                "is not the address this invitation was sent for; {} before it locks",
                attempts_left(left)
            ),
        )
    }
}

/// The caregiver's account: created, resumed (a creation that stopped half-way), or an existing
/// one whose password the request proves.
async fn account_for(deps: &Deps, request: &Acceptance) -> Result<Account, ApiError> {
    let email = care_circle::invitation_email(&request.email);
    let existing = get_user(deps, &email).await;
    let user = match existing {
        Ok(user) => Some(user),
        Err(error) if error_code(&error) == Some("UserNotFoundException") => None,
        Err(error) => return Err(cognito_error(error)),
    };
    let Some(user) = user else {
        return create_account(deps, request, &email).await;
    };
    let attribute_of =
        |name: &str| attribute_value(user.user_attributes(), name).map(str::to_owned);
    let sub = attribute_of("sub")
        .and_then(|sub| UserSub::parse(&sub))
        .ok_or_else(|| ApiError::internal("the user has no usable sub"))?;
    if user.user_status() == Some(&UserStatusType::ForceChangePassword)
        && groups_of(deps, &email).await?.is_empty()
    {
        // An earlier acceptance created the user and stopped before its password was set.
        let mut account = create_account(deps, request, &email).await?;
        account.created = true;
        return Ok(account);
    }
    prove_password(deps, &email, &request.password).await?;
    add_to_caregivers(deps, &email).await?;
    let display_name = match (attribute_of("given_name"), attribute_of("family_name")) {
        (Some(given), Some(family)) => Some(format!("{given} {family}")),
        (one, other) => one.or(other),
    };
    Ok(Account {
        sub,
        display_name,
        created: false,
    })
}

async fn groups_of(deps: &Deps, email: &str) -> Result<Vec<String>, ApiError> {
    let output = deps
        .cognito
        .admin_list_groups_for_user()
        .user_pool_id(&deps.auth.user_pool_id)
        .username(email)
        .send()
        .await
        .map_err(cognito_error)?;
    Ok(output
        .groups()
        .iter()
        .filter_map(|g| g.group_name().map(str::to_owned))
        .collect())
}

/// The password is right when Cognito answers tokens or a further challenge (MFA comes only
/// after a right password). Counted like a sign-in for the email, so this is no way around
/// the sign-in limits.
async fn prove_password(deps: &Deps, email: &str, password: &Password) -> Result<(), ApiError> {
    let limiter = deps.limiter();
    let slot = limiter.acquire(SIGN_IN_PER_EMAIL, email).await?;
    let output = deps
        .cognito
        .initiate_auth()
        .client_id(&deps.auth.user_pool_client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password.as_str())
        .send()
        .await;
    match output {
        Ok(_) => {
            limiter.release(slot).await;
            Ok(())
        }
        Err(error)
            if matches!(
                error_code(&error),
                Some(
                    "NotAuthorizedException"
                        | "UserNotFoundException"
                        | "PasswordResetRequiredException"
                        | "UserNotConfirmedException"
                )
            ) =>
        {
            Err(ApiError::InvalidCredentials)
        }
        Err(error) => {
            limiter.release(slot).await;
            Err(cognito_error(error))
        }
    }
}

async fn add_to_caregivers(deps: &Deps, email: &str) -> Result<(), ApiError> {
    add_to_group(deps, email, Role::Caregiver).await
}

/// A new caregiver account: email as the username, a permanent password, the names given, the
/// `caregivers` group, and no `custom:patient_id` (a caregiver reaches patients by grants).
async fn create_account(
    deps: &Deps,
    request: &Acceptance,
    email: &str,
) -> Result<Account, ApiError> {
    let given = request
        .given_name
        .as_ref()
        .ok_or_else(|| ApiError::invalid("givenName", "is required to create your account"))?;
    let family = request
        .family_name
        .as_ref()
        .ok_or_else(|| ApiError::invalid("familyName", "is required to create your account"))?;
    if let Err(message) = request.password.check() {
        return Err(ApiError::invalid("password", message));
    }
    // An existing user here is a half-made account of this flow: carry on with it.
    create_user(
        deps,
        email,
        &[
            ("given_name", given.as_str()),
            ("family_name", family.as_str()),
        ],
    )
    .await?;
    set_password(deps, email, &request.password).await?;
    add_to_caregivers(deps, email).await?;
    let sub = user_sub(deps, email).await?;
    Ok(Account {
        sub: UserSub::parse(&sub)
            .ok_or_else(|| ApiError::internal("Cognito returned no usable sub"))?,
        display_name: Some(format!("{} {}", given.as_str(), family.as_str())),
        created: true,
    })
}
