//! Addresses no notification may go to any more (a permanent bounce, a complaint, a text that
//! failed for good): one item per address, keyed by the SHA-256 of its lower-cased spelling (the
//! table holds no address here), with why and since when. The sender skips them, the bounces
//! function records them, and the front desk cannot send an activation code to one.

use aws_sdk_dynamodb::Client;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::domain::person::{Email, Phone};
use crate::domain::timestamp::Timestamp;
use crate::platform::keys;
use crate::platform::store;

/// An address in the one spelling it is compared in. Never logged.
pub struct Address(String);

impl Address {
    pub fn of(raw: &str) -> Address {
        Address(raw.trim().to_lowercase())
    }

    /// The hex SHA-256 that keys its suppression item.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

pub fn email_address(email: &Email) -> Address {
    Address::of(email.as_str())
}

pub fn phone_address(phone: &Phone) -> Address {
    Address::of(phone.as_str())
}

/// Why an address is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Why {
    Bounce,
    Complaint,
    Rejected,
}

/// The suppression item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suppression {
    pub reason: Why,
    pub at: Timestamp,
}

/// The address's suppression, if it has one (strongly consistent: a bounce just recorded counts).
pub async fn find(
    dynamo: &Client,
    table: &str,
    address: &Address,
) -> Result<Option<Suppression>, ApiError> {
    let key = keys::contact_suppression(&address.digest());
    store::get_item(dynamo, table, &key, None)
        .await?
        .map(store::from_item)
        .transpose()
}

/// Suppresses an address (again: the latest reason and time win).
pub async fn record(
    dynamo: &Client,
    table: &str,
    address: &Address,
    reason: Why,
    at: Timestamp,
) -> Result<(), ApiError> {
    let key = keys::contact_suppression(&address.digest());
    let item = store::to_item(&key, &Suppression { reason, at })?;
    dynamo
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .map_err(store::sdk_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_address_share_a_key() {
        let a = Address::of("Ana@Example.org ").digest();
        let b = Address::of("ana@example.org").digest();
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert!(!keys::contact_suppression(&a).pk.contains('@'));
    }
}
