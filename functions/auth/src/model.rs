//! The activation codes as stored and as staff see them. Two items per code, written
//! together (`repo`): the code in the patient's partition and its lookup by the code's hash.

use portal_shared::domain::ids::{ActivationCodeId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// After this many wrong dates of birth a code is locked.
pub const MAX_FAILED_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Issued,
    /// An activation is creating the account right now (lookup item only).
    Claimed,
    Used,
    Revoked,
    Locked,
}

/// The status staff see: `issued` past its expiry shows as `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShownStatus {
    Issued,
    Used,
    Revoked,
    Locked,
    Expired,
}

/// The item in the patient's partition.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeRecord {
    pub code_id: ActivationCodeId,
    pub patient_id: PatientId,
    pub status: Status,
    pub issued_at: Timestamp,
    pub expires: Timestamp,
    pub issued_by: UserSub,
    /// The lookup item's key (the code's hash), so a revocation reaches it.
    pub code_sha256: String,
    #[serde(default)]
    pub failed_attempts: u32,
    #[serde(default)]
    pub used_at: Option<Timestamp>,
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
    #[serde(default)]
    pub revoked_by: Option<UserSub>,
}

impl CodeRecord {
    pub fn shown_status(&self, now: Timestamp) -> ShownStatus {
        match self.status {
            Status::Issued | Status::Claimed if self.expires <= now => ShownStatus::Expired,
            Status::Issued | Status::Claimed => ShownStatus::Issued,
            Status::Used => ShownStatus::Used,
            Status::Revoked => ShownStatus::Revoked,
            Status::Locked => ShownStatus::Locked,
        }
    }
}

/// The lookup item.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lookup {
    pub patient_id: PatientId,
    pub code_id: ActivationCodeId,
    pub status: Status,
    pub expires: Timestamp,
    #[serde(default)]
    pub failed_attempts: u32,
    /// TTL: a little after `expires` (a used code's item is kept no longer either).
    pub expires_at: i64,
    /// Which activation holds the claim, and until when (a crashed one's claim lapses).
    #[serde(default)]
    pub claim_id: Option<String>,
    #[serde(default)]
    pub claimed_until: Option<i64>,
}

/// The codes staff see (never the code).
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    pub code_id: ActivationCodeId,
    pub status: ShownStatus,
    pub issued_at: Timestamp,
    pub expires: Timestamp,
    pub failed_attempts: u32,
    pub used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl CodeView {
    pub fn new(record: &CodeRecord, now: Timestamp) -> Self {
        CodeView {
            code_id: record.code_id,
            status: record.shown_status(now),
            issued_at: record.issued_at,
            expires: record.expires,
            failed_attempts: record.failed_attempts,
            used_at: record.used_at,
            revoked_at: record.revoked_at,
        }
    }
}
