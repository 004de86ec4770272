//! A patient's portal account as the profile item records it (`portalAccount`), written by
//! the auth function when a patient activates their account and shown in the profile.
//! It is one attribute of the profile item, written with an UpdateItem of that attribute alone,
//! so the profile's own writes and this one never erase each other.

use serde::{Deserialize, Serialize};

use crate::domain::timestamp::Timestamp;
use crate::policy::caller::UserSub;

/// The attribute's name on the profile item.
pub const PORTAL_ACCOUNT_ATTRIBUTE: &str = "portalAccount";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    Active,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalAccount {
    pub status: AccountStatus,
    pub activated_at: Timestamp,
    /// The Cognito user's username (the email it signs in with): what a lock signs out.
    /// Absent on accounts activated before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The Cognito user's `sub`: what a lock disables and an unlock enables again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<UserSub>,
}

impl PortalAccount {
    /// The sign-in a lock of the patient disables, when activation recorded it.
    pub fn sign_in(&self) -> Option<SignIn> {
        Some(SignIn {
            username: self.username.clone()?,
            sub: self.sub.clone()?,
        })
    }
}

/// A patient's Cognito sign-in (what a lock disables): `username` is what it signs in with (the email; the local
/// emulator signs out only sessions under that name), `sub` what Cognito also accepts as the
/// username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    pub username: String,
    pub sub: UserSub,
}
