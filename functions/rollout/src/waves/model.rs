//! Waves as asked for, stored and shown, and the rate they are sent at.

use std::collections::BTreeMap;
use std::time::Duration;

use portal_shared::domain::ids::{PatientId, WaveId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::activation::{DEFAULT_EXPIRES_IN_DAYS, MAX_EXPIRES_IN_DAYS};
use portal_shared::features::cohort::CohortName;
use portal_shared::features::invitation_wave::{
    Refusal, ShownMemberStatus, WaveMember, expired_of,
};
use portal_shared::features::notification::Channel;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// The slowest and the fastest rate a wave may send at (codes per hour).
pub const MIN_RATE_PER_HOUR: u32 = 1;
pub const MAX_RATE_PER_HOUR: u32 = 1000;
/// The most members one wave takes (a larger cohort: split it, or send several waves). Bounds
/// what starting one writes in a request's time.
pub const MAX_WAVE_MEMBERS: usize = 5000;

/// `POST /rollout/cohorts/{cohort}/waves`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewWave {
    pub rate_per_hour: u32,
    pub deliver_by: Channel,
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

impl NewWave {
    /// 422 naming each field out of range; the code lifetime in days.
    pub fn check(&self) -> Result<u32, portal_shared::ApiError> {
        let mut errors = FieldErrors::new();
        if !(MIN_RATE_PER_HOUR..=MAX_RATE_PER_HOUR).contains(&self.rate_per_hour) {
            errors.add(
                "ratePerHour",
                format!(
                    "must be a whole number of codes per hour from {MIN_RATE_PER_HOUR} to {MAX_RATE_PER_HOUR}"
                ),
            );
        }
        let days = self.expires_in_days.unwrap_or(DEFAULT_EXPIRES_IN_DAYS);
        if !(1..=MAX_EXPIRES_IN_DAYS).contains(&days) {
            errors.add(
                "expiresInDays",
                format!("must be a whole number of days from 1 to {MAX_EXPIRES_IN_DAYS}"),
            );
        }
        errors.finish()?;
        Ok(days)
    }
}

/// The wave item (`keys::wave`). Counts are changed with `ADD` as members move
/// (`portal_shared::features::invitation_wave::WaveCounts`); `nextIssueAt` is the job's
/// marker: no run issues the wave's next codes before it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wave {
    pub wave_id: WaveId,
    pub cohort: CohortName,
    pub rate_per_hour: u32,
    pub deliver_by: Channel,
    pub expires_in_days: u32,
    pub created_at: Timestamp,
    pub created_by: UserSub,
    /// The cohort's members when the wave started.
    pub members: i64,
    pub queued: i64,
    pub invited: i64,
    pub delivered: i64,
    pub activated: i64,
    pub refused: i64,
    /// Invited members who have not activated, per the UTC hour their code expires.
    #[serde(default)]
    pub outstanding: BTreeMap<String, i64>,
    /// Epoch milliseconds before which no run issues this wave's next codes.
    #[serde(default)]
    pub next_issue_at: Option<i64>,
}

impl Wave {
    /// How many codes one run issues, and the least time between two runs that issue: at most
    /// `ceil(rate / 60)` a minute, and `rate` an hour.
    pub fn pace(&self) -> (u32, Duration) {
        pace(self.rate_per_hour)
    }
}

/// See [`Wave::pace`].
pub fn pace(rate_per_hour: u32) -> (u32, Duration) {
    let rate = rate_per_hour.clamp(MIN_RATE_PER_HOUR, MAX_RATE_PER_HOUR);
    let batch = rate.div_ceil(60);
    let millis = (3_600_000 * u64::from(batch)).div_ceil(u64::from(rate));
    (batch, Duration::from_millis(millis))
}

/// How far the members got, as shown. `queued`, `refused` and `invited` add up to the
/// members; `invited` counts every member sent a code (including those who then activated or
/// whose code expired), `delivered` those whose code the sender sent, `activated` those who
/// activated with it, `expired` the invited who did not activate before their code expired
/// (counted at read time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub queued: i64,
    pub invited: i64,
    pub delivered: i64,
    pub activated: i64,
    pub expired: i64,
    pub refused: i64,
}

/// A wave as the API shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaveView<'a> {
    pub wave_id: WaveId,
    pub cohort: &'a CohortName,
    pub rate_per_hour: u32,
    pub deliver_by: Channel,
    pub expires_in_days: u32,
    pub created_at: Timestamp,
    pub created_by: &'a UserSub,
    pub members: i64,
    /// Members are still queued: the job is sending.
    pub sending: bool,
    pub counts: Counts,
}

impl<'a> WaveView<'a> {
    pub fn new(wave: &'a Wave, now: Timestamp) -> Self {
        WaveView {
            wave_id: wave.wave_id,
            cohort: &wave.cohort,
            rate_per_hour: wave.rate_per_hour,
            deliver_by: wave.deliver_by,
            expires_in_days: wave.expires_in_days,
            created_at: wave.created_at,
            created_by: &wave.created_by,
            members: wave.members,
            sending: wave.queued > 0,
            counts: Counts {
                queued: wave.queued,
                invited: wave.invited,
                delivered: wave.delivered,
                activated: wave.activated,
                expired: expired_of(&wave.outstanding, now),
                refused: wave.refused,
            },
        }
    }
}

/// A member as the wave shows it: ids, status and times, never a name.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub patient_id: PatientId,
    pub status: ShownMemberStatus,
    pub reason: Option<Refusal>,
    pub invited_at: Option<Timestamp>,
    pub code_expires: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
    pub activated_at: Option<Timestamp>,
    pub sends: u32,
}

impl MemberView {
    pub fn new(member: &WaveMember, now: Timestamp) -> Self {
        MemberView {
            patient_id: member.patient_id,
            status: member.shown_status(now),
            reason: member.reason,
            invited_at: member.invited_at,
            code_expires: member.code_expires,
            delivered_at: member.delivered_at,
            activated_at: member.activated_at,
            sends: member.sends,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_keeps_both_the_hourly_rate_and_the_minute_cap() {
        for rate in [1, 7, 59, 60, 61, 90, 120, 500, 999, 1000] {
            let (batch, every) = pace(rate);
            assert_eq!(batch, rate.div_ceil(60), "{rate}");
            // Never more than `rate` an hour.
            let per_hour = 3_600_000.0 / every.as_millis() as f64 * f64::from(batch);
            assert!(per_hour <= f64::from(rate) + 1e-6, "{rate}: {per_hour}");
            assert!(every >= Duration::from_secs(60), "{rate}: {every:?}");
        }
        assert_eq!(pace(60), (1, Duration::from_secs(60)));
        assert_eq!(pace(10), (1, Duration::from_secs(360)));
        assert_eq!(pace(90), (2, Duration::from_secs(80)));
    }

    #[test]
    fn a_rate_or_lifetime_out_of_range_names_its_field() {
        let wave = |rate, days| NewWave {
            rate_per_hour: rate,
            deliver_by: Channel::Email,
            expires_in_days: days,
        };
        assert_eq!(wave(60, None).check().ok(), Some(DEFAULT_EXPIRES_IN_DAYS));
        for (rate, days, field) in [
            (0, None, "ratePerHour"),
            (1001, None, "ratePerHour"),
            (60, Some(0), "expiresInDays"),
            (60, Some(91), "expiresInDays"),
        ] {
            let error = wave(rate, days).check().expect_err("refused");
            let text = format!("{error:?}");
            assert!(text.contains(field), "{rate} {days:?}: {text}");
        }
    }
}
