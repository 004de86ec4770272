//! `POST /auth/activate` (public): a patient turns the code the front desk gave them into a
//! portal account, proving who they are with the code and their date of birth.
//!
//! Two limits stop guessing: per client address (failed attempts per window, `limits`) and
//! per code (wrong dates of birth lock it after `MAX_FAILED_ATTEMPTS`).

use std::collections::BTreeSet;

use aws_sdk_cognitoidentityprovider::types::UserStatusType;
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::person::{DateOfBirth, Email};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::account::{AccountStatus, PortalAccount};
use portal_shared::features::account_lock;
use portal_shared::platform::http::{Incoming, json};
use portal_shared::platform::write::{LostWrite, retry_on_contention};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::audit::{ACTIVATE_ACCOUNT, AuditEvent, Outcome};
use portal_shared::policy::caller::{Caller, Role, UserSub};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::adoption;
use crate::cognito::{
    Created, add_to_group, attempts_left, attribute_value, cognito_error, create_user, get_user,
    set_password, user_sub,
};
use crate::limits::{ACTIVATE_PER_CLIENT, client_of};
use crate::model::{Lookup, MAX_FAILED_ATTEMPTS, Status};
use crate::password::Password;
use crate::public::anonymous;
use portal_shared::domain::one_time_code::{ACTIVATION_CODE, Code};

/// How long an activation may hold its claim on a code before another may take it over.
const CLAIM_SECONDS: i64 = 60;
const PATIENT_ID_ATTRIBUTE: &str = "custom:patient_id";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Activation {
    code: String,
    date_of_birth: DateOfBirth,
    email: Email,
    password: Password,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Activated<'a> {
    patient_id: PatientId,
    email: &'a str,
}

fn code_error(message: &str) -> ApiError {
    ApiError::invalid("code", message)
}

pub async fn handle(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: Activation = incoming.json_body()?;
    if let Err(message) = request.password.check() {
        return Err(ApiError::invalid("password", message));
    }
    let limiter = deps.limiter();
    // Taken before the code is looked at; kept (counted) unless this turns out no guess.
    let slot = limiter
        .acquire(ACTIVATE_PER_CLIENT, &client_of(incoming))
        .await?;

    let code = Code::normalise(&request.code).ok_or_else(|| {
        code_error("is not an activation code: 10 letters and digits, like ABCDE-12345")
    })?;
    let hasher = deps.platform.code_hasher().await?;
    let store = deps.codes();
    let unknown = || {
        code_error("is not a valid activation code; check it, or ask the practice for a new one")
    };
    // The hash the code's items are keyed by: keyed (current or previous secret) or legacy.
    let (hash, lookup) = store
        .find(&code.lookup_hashes(&hasher, ACTIVATION_CODE))
        .await?
        .ok_or_else(unknown)?;
    let now = Timestamp::now();
    match lookup.status {
        Status::Used => {
            return Err(code_error(
                "has been used already; sign in with the account it created",
            ));
        }
        Status::Revoked => return Err(code_error("was revoked; ask the practice for a new one")),
        Status::Locked => return Err(locked()),
        Status::Issued | Status::Claimed if lookup.failed_attempts >= MAX_FAILED_ATTEMPTS => {
            return Err(locked());
        }
        Status::Issued | Status::Claimed if lookup.expires <= now => {
            return Err(code_error("has expired; ask the practice for a new one"));
        }
        Status::Claimed
            if lookup
                .claimed_until
                .is_some_and(|until| until >= now.unix_seconds()) =>
        {
            limiter.release(slot).await;
            return Err(ApiError::Conflict(
                "This code is being used to create an account right now.".into(),
            ));
        }
        Status::Issued | Status::Claimed => {}
    }

    let facts = store.profile_facts(&lookup).await?.ok_or_else(unknown)?;
    if facts.date_of_birth != Some(request.date_of_birth) {
        // The patient's log shows that someone tried their code with a wrong date of birth.
        let event = AuditEvent::new(
            &anonymous()?,
            "none",
            Some(lookup.patient_id),
            ACTIVATE_ACCOUNT,
            &AuditResource::ActivationCode(lookup.code_id.to_string()),
            Outcome::Denied,
            incoming.request_id(),
        );
        deps.platform.audit.record(&event).await?;
        return Err(wrong_date_of_birth(deps, &hash, lookup).await);
    }
    if facts.portal_account.is_some() {
        limiter.release(slot).await;
        return Err(ApiError::Conflict(
            "This patient has a portal account already: sign in with it.".into(),
        ));
    }
    // The practice locked this patient's portal access (a court order, say): no account now.
    if account_lock::patient_locked(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        lookup.patient_id,
    )
    .await?
    {
        limiter.release(slot).await;
        let event = AuditEvent::new(
            &anonymous()?,
            "none",
            Some(lookup.patient_id),
            ACTIVATE_ACCOUNT,
            &AuditResource::ActivationCode(lookup.code_id.to_string()),
            Outcome::Denied,
            incoming.request_id(),
        );
        deps.platform.audit.record(&event).await?;
        return Err(ApiError::AccountLocked);
    }

    // Code and date of birth are right: this is no guess.
    limiter.release(slot).await;
    let claim_id = ulid::Ulid::generate().to_string();
    if !store
        .claim(
            &hash,
            lookup.patient_id,
            &claim_id,
            now.unix_seconds(),
            CLAIM_SECONDS,
        )
        .await?
    {
        return Err(ApiError::Conflict(
            "This code was just used or changed, or another activation for this patient is under way; if you did not activate an account, try again in a minute."
                .into(),
        ));
    }
    let sub = match create_account(deps, &request, lookup.patient_id).await {
        Ok(sub) => sub,
        Err(error) => {
            store.release(&hash, lookup.patient_id, &claim_id).await?;
            return Err(error);
        }
    };

    let caller = Caller {
        sign_in: Default::default(),
        sub: sub.clone(),
        roles: BTreeSet::from([Role::Patient]),
        patient_id: Some(lookup.patient_id),
        display_name: None,
    };
    let event = AuditEvent::new(
        &caller,
        "own",
        Some(lookup.patient_id),
        ACTIVATE_ACCOUNT,
        &AuditResource::PortalAccount,
        Outcome::Allowed,
        incoming.request_id(),
    );
    deps.platform.audit.record(&event).await?;

    let account = PortalAccount {
        status: AccountStatus::Active,
        activated_at: Timestamp::now(),
        // What a lock of the patient disables and signs out (the username is the email).
        username: Some(request.email.as_str().to_lowercase()),
        sub: Some(sub.clone()),
    };
    match store
        .complete(&hash, &lookup, &claim_id, &account, sub.as_str())
        .await?
    {
        Ok(()) => {
            // An invitation wave's code: its member is activated (never fails the activation).
            adoption::activated(deps, incoming.request_id(), &lookup, account.activated_at).await;
            json(
                StatusCode::CREATED,
                &Activated {
                    patient_id: lookup.patient_id,
                    email: &request.email.as_str().to_lowercase(),
                },
            )
        }
        // The account exists; the code could not be marked (its claim lapsed and was taken
        // over, or it was revoked meanwhile). A retry with the same email completes it.
        Err(LostWrite::Changed | LostWrite::Contention) => Err(ApiError::Conflict(
            "The account was created but the code changed meanwhile; send the same request again."
                .into(),
        )),
    }
}

fn locked() -> ApiError {
    code_error("is locked after too many wrong dates of birth; ask the practice for a new one")
}

/// Counts a wrong date of birth against the code, and says how many attempts are left.
async fn wrong_date_of_birth(deps: &Deps, hash: &str, lookup: Lookup) -> ApiError {
    let store = &deps.codes();
    // The first attempt counts on the lookup read; a later one reads it again.
    let mut read = Some(lookup);
    let counted = retry_on_contention(|| {
        let read = read.take();
        async move {
            let lookup = match read {
                Some(lookup) => lookup,
                None => match store.lookup(hash).await? {
                    Some(fresh) if fresh.status == Status::Issued => fresh,
                    Some(fresh) if fresh.status == Status::Locked => return Err(locked()),
                    _ => {
                        return Err(code_error(
                            "is no longer valid; ask the practice for a new one",
                        ));
                    }
                },
            };
            // A concurrent guess counted since this attempt read the count: read it again.
            Ok(store
                .record_failure(hash, &lookup)
                .await?
                .map_err(|_| LostWrite::Contention))
        }
    })
    .await;
    let count = match counted {
        Ok(Ok(count)) => count,
        Ok(Err(_)) => {
            return ApiError::Conflict("Too many attempts at once on this code; try again.".into());
        }
        Err(error) => return error,
    };
    let left = MAX_FAILED_ATTEMPTS.saturating_sub(count);
    if left == 0 {
        ApiError::invalid(
            "dateOfBirth",
            "does not match our records; the code is now locked: ask the practice for a new one",
        )
    } else {
        ApiError::invalid(
            "dateOfBirth",
            format!(
                "does not match our records; {} before the code locks",
                attempts_left(left)
            ),
        )
    }
}

/// Creates the Cognito user: email as the username (verified: the practice gave the code to
/// this patient), `custom:patient_id` set here and nowhere else, a permanent password, the
/// `patients` group. Returns the user's `sub`.
async fn create_account(
    deps: &Deps,
    request: &Activation,
    patient: PatientId,
) -> Result<UserSub, ApiError> {
    let email = request.email.as_str().to_lowercase();
    let email = email.as_str();
    let patient_id = patient.to_string();
    if create_user(deps, email, &[(PATIENT_ID_ATTRIBUTE, &patient_id)]).await? == Created::Exists {
        resumable(deps, email, patient).await?.ok_or_else(|| {
            ApiError::Conflict(
                "An account with this email exists already: sign in with it, or activate with another email address."
                    .into(),
            )
        })?;
    }
    set_password(deps, email, &request.password).await?;
    add_to_group(deps, email, Role::Patient).await?;
    let sub = user_sub(deps, email).await?;
    UserSub::parse(&sub).ok_or_else(|| ApiError::internal("Cognito returned no usable sub"))
}

/// An existing user may be this patient's own half-made account (an earlier activation that
/// stopped after creating it, before a password was set): then activation carries on with it.
async fn resumable(deps: &Deps, email: &str, patient: PatientId) -> Result<Option<()>, ApiError> {
    let user = get_user(deps, email).await.map_err(cognito_error)?;
    let same_patient = attribute_value(user.user_attributes(), PATIENT_ID_ATTRIBUTE)
        == Some(patient.to_string().as_str());
    let unfinished = user.user_status() == Some(&UserStatusType::ForceChangePassword);
    Ok((same_patient && unfinished).then_some(()))
}
