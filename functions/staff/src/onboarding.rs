//! Staff members' onboarding plans, as this function writes them: a new member's plan when
//! their account is created, the modules a role change brings, and
//! `POST /admin/staff/{staffId}/onboarding` — an administrator gives an existing member (one
//! created before onboarding, say) the plan of their current roles, or completes it. Each is
//! written before the roles it is for are given, so no role's work is ever held without its
//! training (see `portal_shared::features::onboarding`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::onboarding::{self, OnboardingPlan, PlanView};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::{Role, UserSub};

use crate::Deps;
use crate::audit::{self, account_resource};
use crate::directory::Account;
use crate::member::staff_member;

/// The account's sub as the plan's key (Cognito's subs always parse; a bad one is a bug).
fn sub_of(account: &Account) -> Result<UserSub, ApiError> {
    UserSub::parse(&account.sub).ok_or_else(|| ApiError::internal("a staff sub did not parse"))
}

/// The member's name as plans show it.
fn name_of(account: &Account) -> String {
    format!("{} {}", account.given_name, account.family_name)
        .trim()
        .to_owned()
}

/// The plan of a new member holding `roles` (created, or completed for an account a creation
/// left half-made).
pub async fn for_new_member(
    deps: &Deps,
    account: &Account,
    roles: &[Role],
) -> Result<OnboardingPlan, ApiError> {
    onboarding::assign_for_roles(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &sub_of(account)?,
        &name_of(account),
        roles,
        Timestamp::now(),
    )
    .await
}

/// Adds the modules that `wanted` roles bring beyond the `current` ones. A member without a
/// plan gets one only when the new roles bring a module (their old work stays ungated).
pub async fn for_role_change(
    deps: &Deps,
    account: &Account,
    current: &[Role],
    wanted: &[Role],
) -> Result<(), ApiError> {
    let added: Vec<Role> = wanted
        .iter()
        .copied()
        .filter(|role| !current.contains(role))
        .collect();
    let modules = onboarding::modules_added_by(current, &added);
    onboarding::assign_modules(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &sub_of(account)?,
        &name_of(account),
        wanted,
        &modules,
        Timestamp::now(),
    )
    .await?;
    Ok(())
}

/// `POST /admin/staff/{staffId}/onboarding`: the plan of the member's current roles, created or
/// completed (progress kept) → 200 the plan view. 404 for an id that is not a staff member's.
pub async fn assign(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::AssignTraining)
        .await?;
    let account = staff_member(deps, call, &access).await?;
    audit::allowed(
        deps,
        call,
        &access,
        &account_resource(&account.sub, "onboarding"),
    )
    .await?;
    let roles: Vec<Role> = account.staff_roles().into_iter().collect();
    let plan = for_new_member(deps, &account, &roles).await?;
    json(StatusCode::OK, &PlanView::of(&plan))
}
