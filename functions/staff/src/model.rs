//! What a staff account is, as the API shows it, and the roles an administrator may give.

use std::collections::BTreeSet;

use portal_shared::policy::caller::Role;
use serde::{Deserialize, Deserializer, Serialize};

/// The staff roles (Cognito groups) an account holds: at least one, staff roles only. Patients'
/// and caregivers' groups are never given or taken here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRoles(BTreeSet<Role>);

impl StaffRoles {
    pub fn parse(groups: &[String]) -> Result<Self, String> {
        if groups.is_empty() {
            return Err("must name at least one role".into());
        }
        let mut roles = BTreeSet::new();
        for group in groups {
            match Role::from_group(group.trim()).filter(|role| role.is_staff()) {
                Some(role) => {
                    roles.insert(role);
                }
                None => {
                    return Err(format!(
                        "may only name staff roles ({}); {group:?} is not one",
                        staff_group_names().join(", ")
                    ));
                }
            }
        }
        Ok(StaffRoles(roles))
    }

    pub fn roles(&self) -> &BTreeSet<Role> {
        &self.0
    }
}

impl<'de> Deserialize<'de> for StaffRoles {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let groups = Vec::<String>::deserialize(d)?;
        StaffRoles::parse(&groups).map_err(serde::de::Error::custom)
    }
}

/// The staff roles, in a stable order.
pub fn staff_roles() -> impl Iterator<Item = Role> {
    Role::ALL.into_iter().filter(|role| role.is_staff())
}

fn staff_group_names() -> Vec<&'static str> {
    staff_roles().map(Role::group).collect()
}

/// Where an account stands with Cognito.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    /// Created; the emailed temporary password has not been changed yet.
    Invited,
    /// Has signed in and chosen a password.
    Confirmed,
    /// Must reset the password before signing in again.
    ResetRequired,
    Other,
}

impl AccountStatus {
    pub fn from_cognito(status: Option<&str>) -> Self {
        match status {
            Some("FORCE_CHANGE_PASSWORD") => AccountStatus::Invited,
            Some("CONFIRMED") => AccountStatus::Confirmed,
            Some("RESET_REQUIRED") => AccountStatus::ResetRequired,
            _ => AccountStatus::Other,
        }
    }
}

/// A staff member as administrators see them. Never logged.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffView {
    /// The Cognito `sub`.
    pub staff_id: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub roles: Vec<&'static str>,
    pub enabled: bool,
    pub status: AccountStatus,
    /// Has an authenticator app enrolled; without one, every staff route refuses them.
    pub mfa_enrolled: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(groups: &[&str]) -> Result<StaffRoles, String> {
        StaffRoles::parse(&groups.iter().map(|g| (*g).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn staff_roles_only_and_at_least_one() {
        assert!(parse(&[]).unwrap_err().contains("at least one"));
        assert!(parse(&["patients"]).unwrap_err().contains("staff roles"));
        assert!(parse(&["caregivers"]).is_err());
        assert!(parse(&["superusers"]).is_err());
        let roles = parse(&["admins", "front-desk", "admins"]).expect("valid");
        assert_eq!(roles.roles().len(), 2);
        assert!(roles.roles().contains(&Role::Admin) && roles.roles().contains(&Role::FrontDesk));
    }

    #[test]
    fn statuses_read_cognito_names() {
        assert_eq!(
            AccountStatus::from_cognito(Some("FORCE_CHANGE_PASSWORD")),
            AccountStatus::Invited
        );
        assert_eq!(
            AccountStatus::from_cognito(Some("CONFIRMED")),
            AccountStatus::Confirmed
        );
        assert_eq!(AccountStatus::from_cognito(None), AccountStatus::Other);
    }
}
