//! The token revocation feed: after a sign-out, a lock or a disabled account, tokens issued
//! before it are refused within seconds, although API Gateway's authorizer would accept them
//! until they expire.
//!
//! Each revocation is one item of the partition `REVOKED` ([`keys::revocation`]), kept (TTL)
//! as long as any token it could refuse may still be presented. The request path reads the
//! whole partition from a per-process copy refreshed every few seconds (see the runbook,
//! "Revocation window"), never per request.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::platform::keys;
use crate::platform::store::{self, Item};
use crate::policy::caller::UserSub;

/// How long a revocation is kept: longer than the longest-lived token it must refuse (an ID
/// token lives 5 minutes in the cloud and an hour in the local emulator), with margin.
pub const KEEP_REVOCATIONS: std::time::Duration = std::time::Duration::from_secs(2 * 60 * 60);

/// Whose tokens a revocation refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokedSubject {
    /// Every token of one sign-in (`sub`): sign-out, a disabled staff member, a locked
    /// caregiver.
    Account(UserSub),
    /// Every token carrying `custom:patient_id` of this patient: the patient's account is
    /// locked.
    Patient(PatientId),
}

impl RevokedSubject {
    /// The subject as the item and the sort key carry it: `SUB#<sub>` or `PATIENT#<id>`.
    pub fn label(&self) -> String {
        match self {
            RevokedSubject::Account(sub) => format!("SUB#{sub}"),
            RevokedSubject::Patient(patient) => format!("PATIENT#{patient}"),
        }
    }
}

/// One revocation as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    /// [`RevokedSubject::label`].
    pub subject: String,
    /// Tokens issued at or before this instant are refused.
    pub revoked_at: Timestamp,
    /// TTL (epoch seconds).
    pub expires_at: i64,
}

/// The item of a revocation of `subject` at `at`.
pub fn revocation_item(at: Timestamp, subject: &RevokedSubject) -> Result<Item, ApiError> {
    let label = subject.label();
    let key = keys::revocation(at, &label);
    store::to_item(
        &key,
        &Revocation {
            subject: label,
            revoked_at: at,
            expires_at: at.plus(KEEP_REVOCATIONS).unix_seconds(),
        },
    )
}

/// The revocation as one put of a transaction (a lock writes it with the lock itself).
pub fn revocation_put(
    table: &str,
    at: Timestamp,
    subject: &RevokedSubject,
) -> Result<TransactWriteItem, ApiError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(revocation_item(at, subject)?));
    store::transact_put(put)
}
