//! Portal activation codes: what issuing one writes, whoever issues it. The front desk issues
//! them one by one (`functions/auth`, `POST /staff/patients/{patientId}/activation-codes`),
//! and the invitation waves' job issues them a cohort at a time (`functions/rollout`): both
//! build the code here and write it with [`NewCode::writes`], so a code is the same whoever
//! issued it, and activation (in `functions/auth`) reads both alike.
//!
//! Two items per code, written together: in the patient's partition (`keys::activation_code`,
//! what staff list) and the lookup item keyed by the code's SHA-256 (`keys::activation_lookup`,
//! what activation finds). Both carry `status`; every change of it is a transaction over both,
//! conditional on the status it changes from. A code to be sent (`deliverBy`) goes into an
//! outbox record ([`Invitation`]) written in the same transaction, for the sender to deliver
//! and then strip from the record; it is never shown.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::{ActivationCodeId, PatientId, WaveId};
use crate::domain::one_time_code::{ACTIVATION_CODE, Code};
use crate::domain::timestamp::Timestamp;
use crate::features::notification::{AboutActivation, Channel, Kind, Notification, Recipient};
use crate::features::profile_facts::{Fact, ProfileFacts};
use crate::features::suppression;
use crate::platform::keys::{self, Key};
use crate::platform::secrets::CodeHasher;
use crate::platform::store;
use crate::policy::access::{JobAccess, PatientAccess, ProvenPatientAccess};
use crate::policy::caller::UserSub;

pub const DEFAULT_EXPIRES_IN_DAYS: u32 = 30;
pub const MAX_EXPIRES_IN_DAYS: u32 = 90;
/// After this many wrong dates of birth a code is locked.
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
/// The lookup item outlives the code by this much, then TTL removes it.
const LOOKUP_KEPT_AFTER_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);
const DAY: u64 = 24 * 60 * 60;

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
    /// The staff member, or the job (`system:invitation-waves`), that issued it.
    pub issued_by: UserSub,
    /// The lookup item's key (the code's keyed hash), so a revocation reaches it. Codes issued
    /// before keyed hashes hold their plain SHA-256 under the old name, `codeSha256`.
    #[serde(alias = "codeSha256")]
    pub code_hash: String,
    #[serde(default)]
    pub failed_attempts: u32,
    #[serde(default)]
    pub used_at: Option<Timestamp>,
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
    #[serde(default)]
    pub revoked_by: Option<UserSub>,
    /// The invitation wave that sent it (`None`: the front desk issued it).
    #[serde(default)]
    pub wave_id: Option<WaveId>,
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
    /// The invitation wave that sent the code: activating with it marks the wave's member
    /// activated.
    #[serde(default)]
    pub wave_id: Option<WaveId>,
}

/// The outbox record that sends a code.
pub type Invitation = Notification<AboutActivation>;

/// The record that sends `code` (whose id is `code_id`, sent by `wave` if a wave sends it) to
/// the patient by `channel`; useless once the code expires.
pub fn invitation(
    patient: PatientId,
    code: &Code,
    code_id: ActivationCodeId,
    code_expires: Timestamp,
    channel: Channel,
    wave: Option<WaveId>,
    now: Timestamp,
) -> Invitation {
    Notification::pending(
        Kind::ActivationInvitation,
        Recipient::Patient {
            patient_id: patient,
        },
        AboutActivation {
            code: code.display(),
            code_expires,
            channel,
            code_id: Some(code_id),
            wave_id: wave,
        },
        now,
        code_expires,
    )
}

/// Why a code cannot be sent by a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreachable {
    /// The profile has no email address (or no phone number, for a text).
    NoContact,
    /// Mail to the address bounced or was marked as spam, or the number refused texts for
    /// good.
    Suppressed,
}

/// Whether the profile has the contact `channel` needs, and that address has not bounced, been
/// marked as spam or refused texts for good.
pub async fn reachable(
    dynamo: &Client,
    table: &str,
    facts: &ProfileFacts,
    channel: Channel,
) -> Result<Result<(), Unreachable>, ApiError> {
    let Some(address) = facts.address_for(channel) else {
        return Ok(Err(Unreachable::NoContact));
    };
    if suppression::find(dynamo, table, &address).await?.is_some() {
        return Ok(Err(Unreachable::Suppressed));
    }
    Ok(Ok(()))
}

/// What issuing a code checks of the patient's profile (their portal account, and the contact
/// a sent code goes to); `None` when there is no such patient.
pub async fn issuing_facts(
    dynamo: &Client,
    table: &str,
    access: &impl ProvenPatientAccess,
) -> Result<Option<ProfileFacts>, ApiError> {
    ProfileFacts::read(dynamo, table, access, &[Fact::PortalAccount, Fact::Contact]).await
}

/// When a code issued at `now` for `days` days expires.
pub fn expiry(now: Timestamp, days: u32) -> Timestamp {
    now.plus(Duration::from_secs(u64::from(days) * DAY))
}

/// A new code and its items, not written yet.
pub struct NewCode {
    /// The code itself: shown once (if not sent), never stored.
    pub code: Code,
    pub record: CodeRecord,
    pub lookup: Lookup,
    /// The outbox record that sends it, when it is sent.
    pub sent: Option<Invitation>,
}

impl NewCode {
    /// A code the front desk issues for the patient `access` was granted for.
    pub fn by_staff(
        hasher: &CodeHasher,
        access: &PatientAccess,
        by: &UserSub,
        expires: Timestamp,
        deliver_by: Option<Channel>,
        now: Timestamp,
    ) -> Result<NewCode, ApiError> {
        NewCode::new(
            hasher,
            access.patient(),
            by.clone(),
            expires,
            deliver_by,
            None,
            now,
        )
    }

    /// A code an invitation wave's job sends (by `channel`) to the patient `access` was
    /// granted for, issued by the job's actor.
    pub fn by_wave(
        hasher: &CodeHasher,
        access: &JobAccess,
        wave: WaveId,
        expires: Timestamp,
        channel: Channel,
        now: Timestamp,
    ) -> Result<NewCode, ApiError> {
        NewCode::new(
            hasher,
            access.patient(),
            UserSub::of_job(access.job().actor()),
            expires,
            Some(channel),
            Some(wave),
            now,
        )
    }

    fn new(
        hasher: &CodeHasher,
        patient: PatientId,
        issued_by: UserSub,
        expires: Timestamp,
        deliver_by: Option<Channel>,
        wave: Option<WaveId>,
        now: Timestamp,
    ) -> Result<NewCode, ApiError> {
        let code = Code::generate()?;
        let record = CodeRecord {
            code_id: ActivationCodeId::generate(),
            patient_id: patient,
            status: Status::Issued,
            issued_at: now,
            expires,
            issued_by,
            code_hash: code.keyed_hash(hasher, ACTIVATION_CODE),
            failed_attempts: 0,
            used_at: None,
            revoked_at: None,
            revoked_by: None,
            wave_id: wave,
        };
        let lookup = Lookup {
            patient_id: patient,
            code_id: record.code_id,
            status: Status::Issued,
            expires,
            failed_attempts: 0,
            expires_at: expires.plus(LOOKUP_KEPT_AFTER_EXPIRY).unix_seconds(),
            claim_id: None,
            claimed_until: None,
            wave_id: wave,
        };
        let sent = deliver_by
            .map(|channel| invitation(patient, &code, record.code_id, expires, channel, wave, now));
        Ok(NewCode {
            code,
            record,
            lookup,
            sent,
        })
    }

    /// The puts that create the code (both items, new keys only) and the outbox record that
    /// sends it, for the caller's transaction.
    pub fn writes(&self, table: &str) -> Result<Vec<TransactWriteItem>, ApiError> {
        let items = [
            store::to_item(
                &keys::activation_code(self.record.patient_id, self.record.code_id),
                &self.record,
            )?,
            store::to_item(
                &keys::activation_lookup(&self.record.code_hash),
                &self.lookup,
            )?,
        ];
        let mut puts = store::create_puts(table, items.into())?;
        if let Some(invitation) = &self.sent {
            puts.push(invitation.put(table)?);
        }
        Ok(puts)
    }
}

/// The code to revoke: which patient's, which, and its lookup's key.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub patient_id: PatientId,
    pub code_id: ActivationCodeId,
    pub code_hash: String,
}

impl From<&CodeRecord> for IssuedCode {
    fn from(record: &CodeRecord) -> Self {
        IssuedCode {
            patient_id: record.patient_id,
            code_id: record.code_id,
            code_hash: record.code_hash.clone(),
        }
    }
}

fn status_value(status: Status) -> Result<AttributeValue, ApiError> {
    Ok(serde_dynamo::to_attribute_value(status)?)
}

/// A conditional update of a code's item (its lookup or its record) for a transaction: `#status`
/// names the status attribute; `values` fill the expression and the condition.
pub fn status_update(
    table: &str,
    key: &Key,
    expression: &str,
    condition: &str,
    values: &[(&str, AttributeValue)],
) -> Result<TransactWriteItem, ApiError> {
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key.attributes()))
        .update_expression(expression)
        .condition_expression(condition)
        .expression_attribute_names("#status", "status");
    for (name, value) in values {
        update = update.expression_attribute_values(*name, value.clone());
    }
    let update = update.build().map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// The two updates that revoke an issued code at once (both items, each conditional on the
/// code still being issued: a code in use, used or locked is not revoked), by `by` at `at`.
pub fn revoke_writes(
    table: &str,
    code: &IssuedCode,
    by: &UserSub,
    at: Timestamp,
) -> Result<Vec<TransactWriteItem>, ApiError> {
    let values = [
        (":issued", status_value(Status::Issued)?),
        (":revoked", status_value(Status::Revoked)?),
        (":at", serde_dynamo::to_attribute_value(at)?),
        (":by", store::string(by.as_str())),
    ];
    Ok(vec![
        status_update(
            table,
            &keys::activation_code(code.patient_id, code.code_id),
            "SET #status = :revoked, revokedAt = :at, revokedBy = :by",
            "#status = :issued",
            &values,
        )?,
        status_update(
            table,
            &keys::activation_lookup(&code.code_hash),
            "SET #status = :revoked",
            "#status = :issued",
            &values[..2],
        )?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_holds_the_code_its_expiry_the_channel_and_the_ids() {
        let now = Timestamp::now();
        let expires = now.plus(std::time::Duration::from_secs(3600));
        let code = Code::generate().expect("code");
        let code_id = ActivationCodeId::generate();
        let wave = WaveId::generate();
        let record = invitation(
            PatientId::generate(),
            &code,
            code_id,
            expires,
            Channel::Sms,
            Some(wave),
            now,
        );
        let json = serde_json::to_value(&record).expect("json");
        assert_eq!(json["template"], "activation-invitation");
        assert_eq!(json["code"], code.display());
        assert_eq!(json["channel"], "sms");
        assert_eq!(json["codeId"], code_id.to_string());
        assert_eq!(json["waveId"], wave.to_string());
        assert_eq!(json["recipient"]["kind"], "patient");
        assert_eq!(record.expires_at, expires.unix_seconds());
        let front_desk = invitation(
            PatientId::generate(),
            &code,
            code_id,
            expires,
            Channel::Email,
            None,
            now,
        );
        let json = serde_json::to_value(&front_desk).expect("json");
        assert!(json.get("waveId").is_none(), "{json}");
    }

    #[test]
    fn a_code_past_its_expiry_shows_as_expired() {
        let now = Timestamp::now();
        let record = CodeRecord {
            code_id: ActivationCodeId::generate(),
            patient_id: PatientId::generate(),
            status: Status::Issued,
            issued_at: now,
            expires: now,
            issued_by: UserSub::parse("desk").expect("sub"),
            code_hash: "00".into(),
            failed_attempts: 0,
            used_at: None,
            revoked_at: None,
            revoked_by: None,
            wave_id: None,
        };
        assert_eq!(record.shown_status(now), ShownStatus::Expired);
        let json = serde_json::to_value(&record).expect("json");
        assert!(json.get("waveId").is_none(), "{json}");
    }
}
