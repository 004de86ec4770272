//! The staff accounts in the Cognito user pool: every call this function makes to Cognito.
//! Accounts are addressed by their `sub` (in a pool whose usernames are emails, Cognito's
//! username is the `sub`); nothing here reads or writes the app table. Reading accounts (one,
//! or a group's members) is shared with the messages and support functions
//! (`portal_shared::features::directory`).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType, UserType};
use portal_shared::ApiError;
use portal_shared::features::directory::{UserAccount, UserDirectory, code_of};
use portal_shared::platform::store::sdk_error;
use portal_shared::policy::caller::{Role, UserSub};

use crate::model::{AccountStatus, StaffView, staff_roles};

/// An account of the pool as this function sees it.
#[derive(Debug, Clone)]
pub struct Account {
    pub sub: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub enabled: bool,
    pub status: AccountStatus,
    /// Every group, staff or not.
    pub groups: BTreeSet<String>,
    /// Set on patients' accounts only.
    pub has_patient_id: bool,
    /// When Cognito created the account (epoch seconds), when it says.
    pub created_at: Option<i64>,
    /// An authenticator app is enrolled (`custom:mfa`): staff need one for any staff work.
    pub mfa_enrolled: bool,
}

impl Account {
    pub fn staff_roles(&self) -> BTreeSet<Role> {
        staff_roles()
            .filter(|role| self.groups.contains(role.group()))
            .collect()
    }

    pub fn is_staff(&self) -> bool {
        !self.staff_roles().is_empty()
    }

    pub fn view(&self) -> StaffView {
        StaffView {
            staff_id: self.sub.clone(),
            email: self.email.clone(),
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            roles: self.staff_roles().into_iter().map(Role::group).collect(),
            enabled: self.enabled,
            status: self.status,
            mfa_enrolled: self.mfa_enrolled,
        }
    }
}

/// Why an account could not be created.
pub enum NotCreated {
    /// The email already has an account (of any kind).
    Exists,
    /// Cognito refused a value (e.g. an email it does not accept).
    Refused(String),
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, ApiError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(ApiError::internal)
}

fn account_of(user: &UserType, groups: BTreeSet<String>) -> Account {
    Account::from(portal_shared::features::directory::account_of(user, groups))
}

impl From<UserAccount> for Account {
    fn from(account: UserAccount) -> Self {
        Account {
            status: AccountStatus::from_cognito(account.user_status.as_deref()),
            sub: account.sub,
            email: account.email,
            given_name: account.given_name,
            family_name: account.family_name,
            enabled: account.enabled,
            groups: account.groups,
            has_patient_id: account.has_patient_id,
            created_at: account.created_at,
            mfa_enrolled: account.mfa_enrolled,
        }
    }
}

pub struct Directory<'a> {
    pub cognito: &'a Client,
    pub pool_id: &'a str,
}

impl Directory<'_> {
    /// Creates the account and has Cognito email the invitation (a temporary password, valid
    /// for the pool's `TemporaryPasswordValidityDays`). Returns the new account (no groups yet).
    pub async fn create(
        &self,
        email: &str,
        given_name: &str,
        family_name: &str,
    ) -> Result<Result<Account, NotCreated>, ApiError> {
        let result = self
            .cognito
            .admin_create_user()
            .user_pool_id(self.pool_id)
            .username(email)
            .user_attributes(attribute("email", email)?)
            .user_attributes(attribute("email_verified", "true")?)
            .user_attributes(attribute("given_name", given_name)?)
            .user_attributes(attribute("family_name", family_name)?)
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await;
        match result {
            Ok(output) => {
                let user = output
                    .user()
                    .ok_or_else(|| ApiError::internal("AdminCreateUser answered no user"))?;
                Ok(Ok(account_of(user, BTreeSet::new())))
            }
            Err(error) if code_of(&error) == Some("UsernameExistsException") => {
                Ok(Err(NotCreated::Exists))
            }
            Err(error) if code_of(&error) == Some("InvalidParameterException") => Ok(Err(
                NotCreated::Refused("is not accepted by the user pool".into()),
            )),
            Err(error) => Err(sdk_error(error)),
        }
    }

    fn reader(&self) -> UserDirectory<'_> {
        UserDirectory {
            cognito: self.cognito,
            pool_id: self.pool_id,
        }
    }

    /// The account with this `sub`, with its groups; `None` if there is none.
    pub async fn account(&self, sub: &UserSub) -> Result<Option<Account>, ApiError> {
        Ok(self.reader().account(sub).await?.map(Account::from))
    }

    /// The account whose email this is, with its groups.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>, ApiError> {
        Ok(self.reader().lookup(email).await?.map(Account::from))
    }

    /// Every member of one group (`UserDirectory::group_members`: ListUsersInGroup, following
    /// `NextToken`); each account's groups hold this group alone.
    pub async fn members(&self, role: Role) -> Result<Vec<Account>, ApiError> {
        let members = self.reader().group_members(role.group()).await?;
        Ok(members.into_iter().map(Account::from).collect())
    }

    /// Every member of the staff groups, merged by `sub` (ListUsersInGroup per staff group;
    /// never ListUsers over the whole pool).
    pub async fn staff(&self) -> Result<Vec<Account>, ApiError> {
        let mut by_sub: BTreeMap<String, Account> = BTreeMap::new();
        for role in staff_roles() {
            for account in self.members(role).await? {
                match by_sub.get_mut(&account.sub) {
                    Some(known) => known.groups.extend(account.groups),
                    None => {
                        by_sub.insert(account.sub.clone(), account);
                    }
                }
            }
        }
        Ok(by_sub.into_values().collect())
    }

    pub async fn add_role(&self, sub: &str, role: Role) -> Result<(), ApiError> {
        self.cognito
            .admin_add_user_to_group()
            .user_pool_id(self.pool_id)
            .username(sub)
            .group_name(role.group())
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub async fn remove_role(&self, sub: &str, role: Role) -> Result<(), ApiError> {
        self.cognito
            .admin_remove_user_from_group()
            .user_pool_id(self.pool_id)
            .username(sub)
            .group_name(role.group())
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// Undoes a creation whose roles could not be given, so that a retry starts afresh.
    pub async fn delete(&self, sub: &str) -> Result<(), ApiError> {
        self.cognito
            .admin_delete_user()
            .user_pool_id(self.pool_id)
            .username(sub)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    /// Disables the account and revokes its refresh tokens everywhere. ID and access tokens
    /// already issued stay valid until they expire (at most 60 minutes: the client's setting).
    pub async fn disable(&self, account: &Account) -> Result<(), ApiError> {
        self.cognito
            .admin_disable_user()
            .user_pool_id(self.pool_id)
            .username(&account.sub)
            .send()
            .await
            .map_err(sdk_error)?;
        // Addressed by email: Cognito accepts it as an alias, and the local emulator (moto)
        // only signs out sessions under the name they signed in with, which is the email.
        self.cognito
            .admin_user_global_sign_out()
            .user_pool_id(self.pool_id)
            .username(&account.email)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    pub async fn enable(&self, account: &Account) -> Result<(), ApiError> {
        self.cognito
            .admin_enable_user()
            .user_pool_id(self.pool_id)
            .username(&account.sub)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }
}
