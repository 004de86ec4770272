//! The staff accounts in the Cognito user pool: every call this function makes to Cognito.
//! Accounts are addressed by their `sub` (in a pool whose usernames are emails, Cognito's
//! username is the `sub`); nothing here reads or writes the app table.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType, UserType};
use portal_shared::ApiError;
use portal_shared::caller::{Role, UserSub};
use portal_shared::store::sdk_error;

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

fn code_of<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<&str> {
    error.as_service_error().and_then(|e| e.code())
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, ApiError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(ApiError::internal)
}

fn value_of<'a>(attributes: &'a [AttributeType], name: &str) -> &'a str {
    attributes
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
        .unwrap_or_default()
}

fn account_of(user: &UserType, groups: BTreeSet<String>) -> Account {
    let attributes = user.attributes();
    let sub = match value_of(attributes, "sub") {
        "" => user.username().unwrap_or_default(),
        sub => sub,
    };
    Account {
        sub: sub.to_owned(),
        email: value_of(attributes, "email").to_owned(),
        given_name: value_of(attributes, "given_name").to_owned(),
        family_name: value_of(attributes, "family_name").to_owned(),
        enabled: user.enabled(),
        status: AccountStatus::from_cognito(user.user_status().map(|s| s.as_str())),
        groups,
        has_patient_id: !value_of(attributes, "custom:patient_id").is_empty(),
        created_at: user.user_create_date().map(|at| at.secs()),
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

    /// The account with this `sub`, with its groups; `None` if there is none.
    pub async fn account(&self, sub: &UserSub) -> Result<Option<Account>, ApiError> {
        let account = self.lookup(sub.as_str()).await?;
        // The sub a caller names must be the account's own (never an email alias).
        Ok(account.filter(|account| account.sub == sub.as_str()))
    }

    /// The account whose email this is, with its groups.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>, ApiError> {
        self.lookup(email).await
    }

    async fn lookup(&self, username: &str) -> Result<Option<Account>, ApiError> {
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

    async fn groups_of(&self, username: &str) -> Result<BTreeSet<String>, ApiError> {
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

    /// Every member of one group, following `NextToken`.
    pub async fn members(&self, role: Role) -> Result<Vec<Account>, ApiError> {
        let mut members = Vec::new();
        let mut next = None;
        loop {
            let output = self
                .cognito
                .list_users_in_group()
                .user_pool_id(self.pool_id)
                .group_name(role.group())
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk_error)?;
            members.extend(
                output
                    .users()
                    .iter()
                    .map(|user| account_of(user, BTreeSet::from([role.group().to_owned()]))),
            );
            next = output.next_token().map(str::to_owned);
            if next.is_none() {
                return Ok(members);
            }
        }
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
