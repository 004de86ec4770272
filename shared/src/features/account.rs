//! A patient's portal account as the profile item records it (`portalAccount`), written by
//! the auth function when a patient activates their account and shown in the profile.
//! It is one attribute of the profile item, written with an UpdateItem of that attribute alone,
//! so the profile's own writes and this one never erase each other.

use serde::{Deserialize, Serialize};

use crate::domain::timestamp::Timestamp;

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
}
