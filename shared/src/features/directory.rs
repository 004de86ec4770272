//! Reading accounts of the Cognito user pool: one account by its `sub` or email, with its
//! groups (AdminGetUser + AdminListGroupsForUser), and the members of a group
//! (ListUsersInGroup: an announcement's audience). The staff function administers staff
//! accounts on top of this; the messages function checks the colleague a conversation is
//! assigned to. Nothing here writes to the pool.

use std::collections::BTreeSet;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, UserType};

use crate::ApiError;
use crate::platform::store::sdk_error;
use crate::policy::caller::{Role, UserSub};

/// An account of the pool as the portal reads it. Holds names and an email: never logged.
#[derive(Debug, Clone)]
pub struct UserAccount {
    pub sub: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub enabled: bool,
    /// Cognito's `UserStatus` (`CONFIRMED`, `FORCE_CHANGE_PASSWORD`...), when it says.
    pub user_status: Option<String>,
    /// Every group, staff or not.
    pub groups: BTreeSet<String>,
    /// Set on patients' accounts only.
    pub has_patient_id: bool,
    /// When Cognito created the account (epoch seconds), when it says.
    pub created_at: Option<i64>,
    /// An authenticator app is enrolled (`custom:mfa` is `totp`, written by the backend only).
    pub mfa_enrolled: bool,
}

impl UserAccount {
    /// The staff roles among the account's groups.
    pub fn staff_roles(&self) -> BTreeSet<Role> {
        Role::ALL
            .into_iter()
            .filter(|role| role.is_staff() && self.groups.contains(role.group()))
            .collect()
    }

    pub fn has(&self, role: Role) -> bool {
        self.groups.contains(role.group())
    }

    /// "Given Family", as a caller's display name is built from the same attributes.
    pub fn display_name(&self) -> Option<String> {
        let name = format!("{} {}", self.given_name.trim(), self.family_name.trim());
        let name = name.trim();
        (!name.is_empty()).then(|| name.to_owned())
    }
}

/// The error code of a Cognito service error, if it is one.
pub fn code_of<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<&str> {
    error.as_service_error().and_then(|e| e.code())
}

fn value_of<'a>(attributes: &'a [AttributeType], name: &str) -> &'a str {
    attributes
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
        .unwrap_or_default()
}

/// An account from what Cognito lists about a user, with the groups read separately.
pub fn account_of(user: &UserType, groups: BTreeSet<String>) -> UserAccount {
    let attributes = user.attributes();
    let sub = match value_of(attributes, "sub") {
        "" => user.username().unwrap_or_default(),
        sub => sub,
    };
    UserAccount {
        sub: sub.to_owned(),
        email: value_of(attributes, "email").to_owned(),
        given_name: value_of(attributes, "given_name").to_owned(),
        family_name: value_of(attributes, "family_name").to_owned(),
        enabled: user.enabled(),
        user_status: user.user_status().map(|s| s.as_str().to_owned()),
        groups,
        has_patient_id: !value_of(attributes, "custom:patient_id").is_empty(),
        created_at: user.user_create_date().map(|at| at.secs()),
        mfa_enrolled: value_of(attributes, "custom:mfa") == crate::policy::caller::MFA_TOTP,
    }
}

/// Read access to the pool's accounts.
pub struct UserDirectory<'a> {
    pub cognito: &'a Client,
    pub pool_id: &'a str,
}

impl UserDirectory<'_> {
    /// The account with this `sub`, with its groups; `None` if there is none. Accounts are
    /// addressed by their `sub` (in a pool whose usernames are emails, Cognito accepts the
    /// `sub` as the username); an account found under another name is not this one.
    pub async fn account(&self, sub: &UserSub) -> Result<Option<UserAccount>, ApiError> {
        let account = self.lookup(sub.as_str()).await?;
        Ok(account.filter(|account| account.sub == sub.as_str()))
    }

    /// The account Cognito knows under `username` (a `sub` or an email), with its groups.
    pub async fn lookup(&self, username: &str) -> Result<Option<UserAccount>, ApiError> {
        let result = self
            .cognito
            .admin_get_user()
            .user_pool_id(self.pool_id)
            .username(username)
            .send()
            .await;
        let output = match result {
            Ok(output) => output,
            Err(error) if code_of(&error) == Some("UserNotFoundException") => return Ok(None),
            Err(error) => return Err(sdk_error(error)),
        };
        let user = UserType::builder()
            .username(output.username())
            .set_attributes(Some(output.user_attributes().to_vec()))
            .enabled(output.enabled())
            .set_user_status(output.user_status().cloned())
            .set_user_create_date(output.user_create_date().cloned())
            .build();
        let groups = self.groups_of(output.username()).await?;
        Ok(Some(account_of(&user, groups)))
    }

    /// One page of the accounts in `group` (ListUsersInGroup, up to 60), from `next` (the
    /// token of the page before; `None` for the first), and the token of the page after
    /// (`None` after the last). Each account's groups hold `group` alone (the others are not
    /// read); disabled accounts are included (`enabled` says).
    pub async fn group_page(
        &self,
        group: &str,
        next: Option<String>,
    ) -> Result<(Vec<UserAccount>, Option<String>), ApiError> {
        let output = self
            .cognito
            .list_users_in_group()
            .user_pool_id(self.pool_id)
            .group_name(group)
            .limit(60)
            .set_next_token(next)
            .send()
            .await
            .map_err(sdk_error)?;
        let accounts = output
            .users()
            .iter()
            .map(|user| account_of(user, BTreeSet::from([group.to_owned()])))
            .collect();
        Ok((accounts, output.next_token().map(str::to_owned)))
    }

    /// Every account in `group`, following `NextToken` (see [`UserDirectory::group_page`]).
    pub async fn group_members(&self, group: &str) -> Result<Vec<UserAccount>, ApiError> {
        let mut members = Vec::new();
        let mut next = None;
        loop {
            let (page, after) = self.group_page(group, next).await?;
            members.extend(page);
            match after {
                Some(token) if !token.is_empty() => next = Some(token),
                _ => return Ok(members),
            }
        }
    }

    /// Every group of the account, following `NextToken`.
    pub async fn groups_of(&self, username: &str) -> Result<BTreeSet<String>, ApiError> {
        let mut groups = BTreeSet::new();
        let mut next = None;
        loop {
            let output = self
                .cognito
                .admin_list_groups_for_user()
                .user_pool_id(self.pool_id)
                .username(username)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk_error)?;
            groups.extend(
                output
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_name().map(str::to_owned)),
            );
            next = output.next_token().map(str::to_owned);
            if next.is_none() {
                return Ok(groups);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_read_attributes_and_roles() {
        let attribute = |name: &str, value: &str| {
            AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .expect("attribute")
        };
        let user = UserType::builder()
            .username("someone@example.org")
            .attributes(attribute("sub", "1234-abcd"))
            .attributes(attribute("given_name", "Ada"))
            .attributes(attribute("family_name", "Lovelace"))
            .enabled(true)
            .build();
        let account = account_of(
            &user,
            BTreeSet::from(["clinicians".to_owned(), "patients".to_owned()]),
        );
        assert_eq!(account.sub, "1234-abcd");
        assert_eq!(account.display_name().as_deref(), Some("Ada Lovelace"));
        assert_eq!(account.staff_roles(), BTreeSet::from([Role::Clinician]));
        assert!(account.has(Role::Patient) && !account.has(Role::FrontDesk));
        assert!(!account.has_patient_id);
    }
}
