//! Invitation waves: a cohort's members sent activation codes through the notification sender,
//! at a rate. The rollout function owns waves (starting one, the job that issues the codes,
//! re-sending); this module holds what the other functions write when a wave's member moves
//! on, and the shapes every writer shares:
//!
//! - the sender marks a member **delivered** when it has sent their code ([`mark_delivered`]);
//! - activation marks them **activated** when they activate with it ([`mark_activated`]).
//!
//! Each move is one transaction: the member item (conditional on the status and code it moves
//! from, so a late or repeated move is a no-op), the wave's counts ([`WaveCounts`], `ADD`), and
//! the day's adoption counters for the wave's cohort and for all patients
//! (`keys::adoption_counter`, metrics [`INVITED`], [`DELIVERED`], [`ACTIVATED`]).
//!
//! The wave item counts members by how far they got: `queued`, `refused`, `invited` (sent a
//! code: a re-send takes them back to `queued`), `delivered` and `activated` (of the invited),
//! and `outstanding`: per hour at which their code expires, the invited who have not
//! activated. A wave's codes expire on the hour ([`wave_code_expiry`]), so the expired members
//! are counted at read time from one item: the outstanding whose hour has passed
//! ([`expired_of`]).

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::{ActivationCodeId, PatientId, WaveId};
use crate::domain::timestamp::Timestamp;
use crate::features::cohort::CohortName;
use crate::platform::keys;
use crate::platform::store::{self, Transacted};
use crate::platform::write;

/// The adoption metrics a wave writes (per day, for its cohort and for all patients).
pub const INVITED: &str = "invited";
pub const DELIVERED: &str = "delivered";
pub const ACTIVATED: &str = "activated";

/// The wave item's map of outstanding codes per expiry hour.
pub const OUTSTANDING: &str = "outstanding";

/// Where a wave's member stands, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    /// Waiting for the job to issue their code.
    Queued,
    /// Their code was issued and handed to the outbox.
    Invited,
    /// The sender sent it.
    Delivered,
    /// They activated their account with it.
    Activated,
    /// No code was issued (see [`Refusal`]).
    Refused,
}

/// Where a member stands as shown: an invited or delivered member whose code has expired is
/// `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShownMemberStatus {
    Queued,
    Invited,
    Delivered,
    Activated,
    Expired,
    Refused,
}

/// Why no code was issued to a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// No email address (or phone number, for texts) on the profile.
    NoContact,
    /// The address bounced or was marked as spam, or the number refused texts for good.
    Suppressed,
    /// The patient has a portal account already.
    AlreadyActive,
    /// No such patient any more (no profile).
    UnknownPatient,
}

/// A wave's member item (`keys::wave_member`). No name: ids, status and times.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaveMember {
    pub wave_id: WaveId,
    pub patient_id: PatientId,
    pub status: MemberStatus,
    #[serde(default)]
    pub reason: Option<Refusal>,
    pub queued_at: Timestamp,
    #[serde(default)]
    pub invited_at: Option<Timestamp>,
    /// The code issued (the latest, after a re-send) and when it expires.
    #[serde(default)]
    pub code_id: Option<ActivationCodeId>,
    #[serde(default)]
    pub code_expires: Option<Timestamp>,
    #[serde(default)]
    pub delivered_at: Option<Timestamp>,
    #[serde(default)]
    pub activated_at: Option<Timestamp>,
    /// How many codes the wave sent them (a re-send sends another).
    #[serde(default)]
    pub sends: u32,
}

impl WaveMember {
    pub fn shown_status(&self, now: Timestamp) -> ShownMemberStatus {
        let expired = self.code_expires.is_some_and(|expires| expires <= now);
        match self.status {
            MemberStatus::Queued => ShownMemberStatus::Queued,
            MemberStatus::Invited | MemberStatus::Delivered if expired => {
                ShownMemberStatus::Expired
            }
            MemberStatus::Invited => ShownMemberStatus::Invited,
            MemberStatus::Delivered => ShownMemberStatus::Delivered,
            MemberStatus::Activated => ShownMemberStatus::Activated,
            MemberStatus::Refused => ShownMemberStatus::Refused,
        }
    }
}

/// When a code a wave issues at `now` for `days` days expires: rounded up to the next full
/// hour, so that the wave's count of outstanding codes per expiry hour tells exactly how many
/// have expired (a code lives at most an hour longer than asked).
pub fn wave_code_expiry(now: Timestamp, days: u32) -> Timestamp {
    const HOUR_MS: i64 = 3_600_000;
    let end = now.plus(Duration::from_secs(u64::from(days) * 24 * 60 * 60));
    let past_the_hour = end.unix_millis().rem_euclid(HOUR_MS);
    if past_the_hour == 0 {
        end
    } else {
        end.plus(Duration::from_millis(
            u64::try_from(HOUR_MS - past_the_hour).unwrap_or(0),
        ))
    }
}

/// The key of `expires` in the wave's `outstanding` map: its UTC hour, `2026-05-01T13`.
pub fn expiry_hour(expires: Timestamp) -> String {
    expires.to_string().chars().take(13).collect()
}

/// How many of `outstanding` (per expiry hour) have expired by `now`: those whose hour is
/// `now`'s or earlier (a wave's codes expire on the hour, so at the start of it).
pub fn expired_of(outstanding: &BTreeMap<String, i64>, now: Timestamp) -> i64 {
    let hour = expiry_hour(now);
    outstanding
        .iter()
        .filter(|(expires, _)| expires.as_str() <= hour.as_str())
        .map(|(_, count)| *count)
        .sum()
}

/// Changes to a wave's counts, written with `ADD` (and, per expiry hour, a `SET` that adds).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WaveCounts {
    pub queued: i64,
    pub invited: i64,
    pub delivered: i64,
    pub activated: i64,
    pub refused: i64,
    /// Per expiry hour ([`expiry_hour`]).
    pub outstanding: BTreeMap<String, i64>,
}

impl WaveCounts {
    /// Counts one more outstanding code expiring at `expires` (or one less, with -1).
    pub fn outstanding(mut self, expires: Timestamp, by: i64) -> Self {
        *self.outstanding.entry(expiry_hour(expires)).or_default() += by;
        self
    }

    /// The UpdateItem of the wave item adding these counts, conditional on the wave existing.
    /// `extra_sets` are more assignments for the same `SET` (the caller adds their names and
    /// values to the builder, and may replace the condition).
    pub fn update(
        &self,
        table: &str,
        wave: WaveId,
        extra_sets: &[&str],
    ) -> Result<UpdateBuilder, ApiError> {
        let mut adds = Vec::new();
        let mut sets = Vec::new();
        let mut update = Update::builder()
            .table_name(table)
            .set_key(Some(keys::wave(wave).attributes()));
        for (name, delta) in [
            ("queued", self.queued),
            ("invited", self.invited),
            ("delivered", self.delivered),
            ("activated", self.activated),
            ("refused", self.refused),
        ] {
            if delta != 0 {
                adds.push(format!("#{name} :{name}"));
                update = update
                    .expression_attribute_names(format!("#{name}"), name)
                    .expression_attribute_values(format!(":{name}"), store::number(delta));
            }
        }
        let changed: Vec<_> = self.outstanding.iter().filter(|(_, d)| **d != 0).collect();
        if !changed.is_empty() {
            update = update
                .expression_attribute_names("#out", OUTSTANDING)
                .expression_attribute_values(":zero", store::number(0));
        }
        for (index, (hour, delta)) in changed.into_iter().enumerate() {
            sets.push(format!(
                "#out.#h{index} = if_not_exists(#out.#h{index}, :zero) + :d{index}"
            ));
            update = update
                .expression_attribute_names(format!("#h{index}"), hour)
                .expression_attribute_values(format!(":d{index}"), store::number(*delta));
        }
        sets.extend(extra_sets.iter().map(|set| (*set).to_owned()));
        let mut expression = String::new();
        if !sets.is_empty() {
            expression.push_str(&format!("SET {}", sets.join(", ")));
        }
        if !adds.is_empty() {
            if !expression.is_empty() {
                expression.push(' ');
            }
            expression.push_str(&format!("ADD {}", adds.join(", ")));
        }
        if expression.is_empty() {
            return Err(ApiError::internal("a wave update that changes nothing"));
        }
        Ok(update
            .update_expression(expression)
            .condition_expression("attribute_exists(PK)"))
    }

    /// [`WaveCounts::update`] as a transaction item.
    pub fn write(&self, table: &str, wave: WaveId) -> Result<TransactWriteItem, ApiError> {
        let update = self
            .update(table, wave, &[])?
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

/// Adds `by` to `metric` of `day` for `cohort` and for all patients: two transaction items.
pub fn adoption_adds(
    table: &str,
    day: &str,
    cohort: &CohortName,
    metric: &str,
    by: i64,
) -> Result<Vec<TransactWriteItem>, ApiError> {
    [Some(cohort), None]
        .into_iter()
        .map(|who| {
            let update = Update::builder()
                .table_name(table)
                .set_key(Some(keys::adoption_counter(day, who, metric).attributes()))
                .update_expression("ADD #n :by")
                .expression_attribute_names("#n", "n")
                .expression_attribute_values(":by", store::number(by))
                .build()
                .map_err(ApiError::internal)?;
            Ok(TransactWriteItem::builder().update(update).build())
        })
        .collect()
}

/// The cohort a wave invites (immutable, so any read will do).
async fn cohort_of(
    dynamo: &Client,
    table: &str,
    wave: WaveId,
) -> Result<Option<CohortName>, ApiError> {
    #[derive(Deserialize)]
    struct Cohort {
        cohort: CohortName,
    }
    let item = dynamo
        .get_item()
        .table_name(table)
        .set_key(Some(keys::wave(wave).attributes()))
        .projection_expression("#cohort")
        .expression_attribute_names("#cohort", "cohort")
        .send()
        .await
        .map_err(store::sdk_error)?
        .item;
    Ok(item
        .map(store::from_item::<Cohort>)
        .transpose()?
        .map(|found| found.cohort))
}

/// The update that moves `patient`'s member item of `wave` on from `from` (any of them) if it
/// still holds `code`.
fn member_move(
    table: &str,
    (wave, patient, code): (WaveId, PatientId, ActivationCodeId),
    from: &[MemberStatus],
    to: MemberStatus,
    at_attribute: &str,
    at: Timestamp,
) -> Result<TransactWriteItem, ApiError> {
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(keys::wave_member(wave, patient).attributes()))
        .update_expression("SET #status = :to, #at = :at")
        .expression_attribute_names("#status", "status")
        .expression_attribute_names("#at", at_attribute)
        .expression_attribute_names("#code", "codeId")
        .expression_attribute_values(":to", serde_dynamo::to_attribute_value(to)?)
        .expression_attribute_values(":at", serde_dynamo::to_attribute_value(at)?)
        .expression_attribute_values(":code", store::string(code.to_string()));
    let mut alternatives = Vec::new();
    for (index, status) in from.iter().enumerate() {
        alternatives.push(format!("#status = :from{index}"));
        update = update.expression_attribute_values(
            format!(":from{index}"),
            serde_dynamo::to_attribute_value(status)?,
        );
    }
    let update = update
        .condition_expression(format!("#code = :code AND ({})", alternatives.join(" OR ")))
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// Runs a member's move: `true` if it moved, `false` if it had moved on already (re-sent,
/// activated, or this was a repeat).
async fn run_move(dynamo: &Client, items: Vec<TransactWriteItem>) -> Result<bool, ApiError> {
    match write::transact_retrying(dynamo, items).await? {
        Transacted::Done => Ok(true),
        Transacted::ConditionsFailed(_) => Ok(false),
        Transacted::Contention => Err(ApiError::Unavailable(
            "the wave is being changed by many at once".into(),
        )),
    }
}

/// The sender sent the wave's code `code` to `patient` (on `day`, the practice's date of `at`):
/// the member is delivered, and the wave's and the day's `delivered` counts go up. `false`
/// when the member had moved on (re-sent meanwhile, activated, or this was a repeat).
pub async fn mark_delivered(
    dynamo: &Client,
    table: &str,
    day: &str,
    wave: WaveId,
    patient: PatientId,
    code: ActivationCodeId,
    at: Timestamp,
) -> Result<bool, ApiError> {
    let Some(cohort) = cohort_of(dynamo, table, wave).await? else {
        return Ok(false);
    };
    let mut items = vec![
        member_move(
            table,
            (wave, patient, code),
            &[MemberStatus::Invited],
            MemberStatus::Delivered,
            "deliveredAt",
            at,
        )?,
        WaveCounts {
            delivered: 1,
            ..WaveCounts::default()
        }
        .write(table, wave)?,
    ];
    items.extend(adoption_adds(table, day, &cohort, DELIVERED, 1)?);
    run_move(dynamo, items).await
}

/// `patient` activated their account with the wave's code `code` (expiring at `code_expires`)
/// on `day` (the practice's date of `at`): the member is activated, their code no longer
/// outstanding, and the wave's and the day's `activated` counts go up. `false` when the member
/// had moved on (the code was superseded by a re-send, or this was a repeat).
#[allow(clippy::too_many_arguments)]
pub async fn mark_activated(
    dynamo: &Client,
    table: &str,
    day: &str,
    wave: WaveId,
    patient: PatientId,
    code: ActivationCodeId,
    code_expires: Timestamp,
    at: Timestamp,
) -> Result<bool, ApiError> {
    let Some(cohort) = cohort_of(dynamo, table, wave).await? else {
        return Ok(false);
    };
    let mut items = vec![
        member_move(
            table,
            (wave, patient, code),
            &[MemberStatus::Invited, MemberStatus::Delivered],
            MemberStatus::Activated,
            "activatedAt",
            at,
        )?,
        WaveCounts {
            activated: 1,
            ..WaveCounts::default()
        }
        .outstanding(code_expires, -1)
        .write(table, wave)?,
    ];
    items.extend(adoption_adds(table, day, &cohort, ACTIVATED, 1)?);
    run_move(dynamo, items).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    #[test]
    fn a_wave_code_expires_on_the_hour() {
        let expires = wave_code_expiry(at("2026-05-01T12:34:56Z"), 30);
        assert_eq!(expires, at("2026-05-31T13:00:00Z"));
        assert_eq!(expiry_hour(expires), "2026-05-31T13");
        // Already on the hour: kept.
        assert_eq!(
            wave_code_expiry(at("2026-05-01T12:00:00Z"), 1),
            at("2026-05-02T12:00:00Z")
        );
    }

    #[test]
    fn expired_codes_are_the_outstanding_whose_hour_has_come() {
        let outstanding = BTreeMap::from([
            ("2026-05-31T13".to_owned(), 2),
            ("2026-05-31T14".to_owned(), 3),
            ("2026-06-01T09".to_owned(), 0),
        ]);
        assert_eq!(expired_of(&outstanding, at("2026-05-31T12:59:59Z")), 0);
        assert_eq!(expired_of(&outstanding, at("2026-05-31T13:00:00Z")), 2);
        assert_eq!(expired_of(&outstanding, at("2026-05-31T14:30:00Z")), 5);
        assert_eq!(expired_of(&outstanding, at("2027-01-01T00:00:00Z")), 5);
    }

    #[test]
    fn an_invited_member_past_the_expiry_shows_as_expired() {
        let now = at("2026-05-31T13:00:00Z");
        let mut member = WaveMember {
            wave_id: WaveId::generate(),
            patient_id: PatientId::generate(),
            status: MemberStatus::Delivered,
            reason: None,
            queued_at: now,
            invited_at: Some(now),
            code_id: Some(ActivationCodeId::generate()),
            code_expires: Some(now),
            delivered_at: None,
            activated_at: None,
            sends: 1,
        };
        assert_eq!(member.shown_status(now), ShownMemberStatus::Expired);
        member.code_expires = Some(at("2026-05-31T14:00:00Z"));
        assert_eq!(member.shown_status(now), ShownMemberStatus::Delivered);
        member.status = MemberStatus::Activated;
        member.code_expires = Some(now);
        assert_eq!(member.shown_status(now), ShownMemberStatus::Activated);
        let json = serde_json::to_value(Refusal::AlreadyActive).expect("json");
        assert_eq!(json, "already-active");
    }

    #[test]
    fn counts_are_added_and_each_expiry_hour_set() {
        let counts = WaveCounts {
            queued: 1,
            invited: -1,
            ..WaveCounts::default()
        }
        .outstanding(at("2026-05-31T13:00:00Z"), -1);
        let update = counts
            .update("app", WaveId::generate(), &[])
            .expect("update")
            .build()
            .expect("built");
        let expression = update.update_expression();
        assert!(
            expression.starts_with("SET #out.#h0 = if_not_exists(#out.#h0, :zero) + :d0"),
            "{expression}"
        );
        assert!(
            expression.contains("ADD #queued :queued, #invited :invited"),
            "{expression}"
        );
        assert!(!expression.contains("delivered"), "{expression}");
    }
}
