//! `PUT /admin/staff/{staffId}/roles`, `POST /admin/staff/{staffId}/disable` and `/enable`.
//! A role change assigns the training modules the new roles bring (`crate::onboarding`).
//!
//! Only staff accounts are reached: an id that names a patient, a caregiver or nobody is 404.
//! Two refusals keep the practice administrable: nobody removes their own `admins` role or
//! disables themselves, and no change may leave the practice without an enabled administrator.
//! (Cognito has no conditional writes: two administrators demoting each other at the same
//! instant could both pass that check. The runbook covers restoring an administrator.)

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::revocation::{RevokedSubject, revoke};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, StaffAccess};
use portal_shared::policy::caller::{Role, UserSub};
use serde::Deserialize;

use crate::Deps;
use crate::audit::{self, account_resource};
use crate::directory::Account;
use crate::member::staff_member;
use crate::model::StaffRoles;
use crate::onboarding;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RoleChange {
    roles: StaffRoles,
}

/// Whether an enabled administrator other than `sub` is among `admins`.
fn another_enabled_admin(admins: &[Account], sub: &str) -> bool {
    admins.iter().any(|admin| admin.enabled && admin.sub != sub)
}

/// Refuses (audited) a change that takes the last enabled administrator away.
async fn keep_an_admin(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    account: &Account,
    resource: &AuditResource,
) -> Result<(), ApiError> {
    if account.enabled
        && account.staff_roles().contains(&Role::Admin)
        && !another_enabled_admin(&deps.directory().members(Role::Admin).await?, &account.sub)
    {
        let error = ApiError::Conflict(
            "This would leave the practice without an enabled administrator; make someone \
             else an administrator first."
                .into(),
        );
        return Err(audit::refused(deps, call, access, resource, error).await);
    }
    Ok(())
}

pub async fn set_roles(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageStaff)
        .await?;
    let mut account = staff_member(deps, call, &access).await?;
    let request: RoleChange = call.json_body()?;
    let resource = account_resource(&account.sub, "roles");
    let current = account.staff_roles();
    let wanted = request.roles.roles();
    if current.contains(&Role::Admin) && !wanted.contains(&Role::Admin) {
        if account.sub == call.caller().sub.as_str() {
            let error = ApiError::Conflict(
                "You cannot remove your own admin role; another administrator can.".into(),
            );
            return Err(audit::refused(deps, call, &access, &resource, error).await);
        }
        keep_an_admin(deps, call, &access, &account, &resource).await?;
    }
    audit::allowed(deps, call, &access, &resource).await?;
    // The training of new roles is assigned before the roles are given: their work is gated
    // from the first moment it is theirs.
    let current_roles: Vec<Role> = current.iter().copied().collect();
    let wanted_roles: Vec<Role> = wanted.iter().copied().collect();
    onboarding::for_role_change(deps, &account, &current_roles, &wanted_roles).await?;
    let directory = deps.directory();
    // New roles are given before old ones are taken: a change cut short leaves the old roles
    // plus some new ones (the retry completes it), never an account without a role.
    for role in wanted.difference(&current) {
        directory.add_role(&account.sub, *role).await?;
        account.groups.insert(role.group().to_owned());
    }
    for role in current.difference(wanted) {
        directory.remove_role(&account.sub, *role).await?;
        account.groups.remove(role.group());
    }
    json(StatusCode::OK, &account.view())
}

pub async fn set_enabled(
    deps: &Deps,
    call: &Call,
    enabled: bool,
) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageStaff)
        .await?;
    let mut account = staff_member(deps, call, &access).await?;
    let resource = account_resource(&account.sub, if enabled { "enable" } else { "disable" });
    if !enabled {
        if account.sub == call.caller().sub.as_str() {
            let error = ApiError::Conflict(
                "You cannot disable your own account; another administrator can.".into(),
            );
            return Err(audit::refused(deps, call, &access, &resource, error).await);
        }
        keep_an_admin(deps, call, &access, &account, &resource).await?;
    }
    audit::allowed(deps, call, &access, &resource).await?;
    let directory = deps.directory();
    if enabled {
        directory.enable(&account).await?;
    } else {
        // Tokens already out are refused from the next refresh of every function's revocation
        // feed (before Cognito: if Cognito fails, the retry disables; nothing is let through).
        let sub = UserSub::parse(&account.sub)
            .ok_or_else(|| ApiError::internal("a staff account's sub is not a sub"))?;
        revoke(
            &deps.platform.dynamo,
            &deps.platform.app_table,
            &RevokedSubject::Account(sub),
        )
        .await?;
        directory.disable(&account).await?;
    }
    account.enabled = enabled;
    json(StatusCode::OK, &account.view())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AccountStatus;

    fn admin(sub: &str, enabled: bool) -> Account {
        Account {
            sub: sub.to_owned(),
            email: format!("{sub}@example.org"),
            given_name: "A".into(),
            family_name: "B".into(),
            enabled,
            status: AccountStatus::Confirmed,
            groups: ["admins".to_owned()].into(),
            has_patient_id: false,
            created_at: None,
            mfa_enrolled: true,
        }
    }

    #[test]
    fn the_last_enabled_admin_stays() {
        // Alone: taking them away leaves nobody.
        assert!(!another_enabled_admin(&[admin("a", true)], "a"));
        // Another admin who is disabled does not count.
        assert!(!another_enabled_admin(
            &[admin("a", true), admin("b", false)],
            "a"
        ));
        assert!(another_enabled_admin(
            &[admin("a", true), admin("b", true)],
            "a"
        ));
        // Someone else's change: the target does not count for themselves.
        assert!(another_enabled_admin(&[admin("a", true)], "b"));
    }
}
