//! The activation codes as stored (`portal_shared::features::activation`) and as staff see
//! them. Two items per code, written together: the code in the patient's partition and its
//! lookup by the code's hash.

use portal_shared::domain::ids::ActivationCodeId;
use portal_shared::domain::timestamp::Timestamp;
use serde::Serialize;

/// The items and their statuses are shared with the invitation waves' job, which issues codes
/// too (`portal_shared::features::activation`).
pub use portal_shared::features::activation::{
    CodeRecord, Lookup, MAX_FAILED_ATTEMPTS, ShownStatus, Status,
};

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
