//! Changing a feature switch: the one place a switch is written. The rollout function's routes
//! (the portal lead's change and kill) and the support function's switch-off from a problem
//! report all write here, so a switch and its history always change the same way: the switch
//! item (version + 1, under the version it was read at) and one history entry (who, when, why,
//! before and after) in one conditional transaction.
//!
//! The rules themselves and their evaluation are [`crate::features::switches`]'; reading the
//! history back and checking that cohorts exist are the rollout function's.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::Put;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::ReportId;
use crate::domain::text::plain_text;
use crate::domain::timestamp::Timestamp;
use crate::features::cohort::CohortName;
use crate::features::switches::{Feature, Mode, Switch, SwitchRules};
use crate::platform::keys;
use crate::platform::store::{self, Transacted};
use crate::platform::write::{LostWrite, retry_on_contention, transact_retrying};
use crate::policy::authz::StaffAccess;
use crate::policy::caller::UserSub;

pub const MIN_REASON_CHARS: usize = 3;
pub const MAX_REASON_CHARS: usize = 500;

/// Why a switch changed: plain text, 3–500 characters, line breaks allowed.
pub fn checked_reason(raw: &str) -> Result<String, String> {
    let reason = plain_text(raw, MAX_REASON_CHARS, true)?;
    if reason.chars().count() < MIN_REASON_CHARS {
        return Err(format!("must be at least {MIN_REASON_CHARS} characters"));
    }
    Ok(reason)
}

/// The history's reason for a change made from `report` with the team's `reason` (checked by
/// [`checked_reason`]): `Problem report <id>: <reason>`. The prefix comes on top of the
/// reason's 500 characters (43 more at most): the team's own words are limited as the lead's.
pub fn report_reason(report: ReportId, reason: &str) -> String {
    format!("Problem report {report}: {reason}")
}

/// What a history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// New rules: as the lead set them, or with a cohort taken out from a problem report.
    Change,
    /// The kill switch.
    Kill,
}

/// One change of a switch, as stored and as listed: who, when, why, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub feature: Feature,
    pub change: ChangeKind,
    pub at: Timestamp,
    pub by: UserSub,
    pub reason: String,
    /// The switch's version after the change.
    pub version: u64,
    pub before: SwitchRules,
    pub after: SwitchRules,
    /// The problem report the change was made from (the support team's switch-off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_id: Option<ReportId>,
}

/// Who changes a switch, how and why: what its history entry says besides the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeNote {
    pub kind: ChangeKind,
    pub by: UserSub,
    /// Checked already ([`checked_reason`], or [`report_reason`] from a report).
    pub reason: String,
    pub report: Option<ReportId>,
}

impl ChangeNote {
    /// The switch with `rules` replacing `current`'s at `at`, and the history entry that
    /// records the change.
    pub fn apply(
        &self,
        feature: Feature,
        current: Option<&Switch>,
        rules: SwitchRules,
        at: Timestamp,
    ) -> (Switch, HistoryEntry) {
        let switch = next_switch(feature, current, rules, at, &self.by);
        let entry = HistoryEntry {
            feature,
            change: self.kind,
            at,
            by: self.by.clone(),
            reason: self.reason.clone(),
            version: switch.version,
            before: current
                .map(|switch| switch.rules.clone())
                .unwrap_or_default(),
            after: switch.rules.clone(),
            report_id: self.report,
        };
        (switch, entry)
    }
}

/// The next state of `feature`'s switch: `rules` at the version after `current`'s (a feature
/// without a switch is at version 0 and on for everyone).
pub fn next_switch(
    feature: Feature,
    current: Option<&Switch>,
    rules: SwitchRules,
    at: Timestamp,
    by: &UserSub,
) -> Switch {
    Switch {
        feature,
        rules,
        version: current.map_or(0, |switch| switch.version) + 1,
        updated_at: at,
        updated_by: by.clone(),
    }
}

/// The rules of `current` with the kill switch on, or `None` when it is on already (a second
/// kill changes nothing and records nothing).
pub fn killed(current: Option<&Switch>) -> Option<SwitchRules> {
    let rules = current
        .map(|switch| switch.rules.clone())
        .unwrap_or_default();
    if rules.killed {
        return None;
    }
    Some(SwitchRules {
        killed: true,
        ..rules
    })
}

/// The rules of `current` without `cohort` among its cohorts; refused (with why, for the
/// field naming the cohort) when the switch is not in `rules` mode or does not name it. The
/// rest of the rules (percentage, staff roles, the kill switch) are kept.
pub fn without_cohort(
    current: Option<&Switch>,
    cohort: &CohortName,
) -> Result<SwitchRules, &'static str> {
    let rules = current
        .map(|switch| switch.rules.clone())
        .unwrap_or_default();
    if rules.mode != Mode::Rules {
        return Err("the switch is not in rules mode, so it opens the feature to no cohort");
    }
    if !rules.cohorts.contains(cohort) {
        return Err("the switch does not name this cohort");
    }
    Ok(SwitchRules {
        cohorts: rules
            .cohorts
            .into_iter()
            .filter(|named| named != cohort)
            .collect(),
        ..rules
    })
}

/// What [`SwitchChanges::update`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Written (with its history entry): the switch as it now is.
    Changed(Switch),
    /// Nothing to change, nothing written: the switch as it is (`None`: never set).
    Unchanged(Option<Switch>),
}

/// The switch items (one partition, `FEATURE_SWITCHES`) and each feature's history, as
/// written by a change.
pub struct SwitchChanges<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> SwitchChanges<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        SwitchChanges { dynamo, table }
    }

    /// One feature's switch; `None` when it was never set (on for everyone, version 0).
    pub async fn load(&self, feature: Feature) -> Result<Option<Switch>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::feature_switch(feature),
            None,
        )
        .await?;
        item.map(store::from_item).transpose()
    }

    /// Writes `switch` and its history `entry` together, only if the stored switch is still at
    /// version `expected` (0: no switch yet). A condition that failed is
    /// [`LostWrite::Changed`]; a transaction that kept colliding with another is
    /// [`LostWrite::Contention`].
    pub async fn save(
        &self,
        _access: &StaffAccess,
        expected: u64,
        switch: &Switch,
        entry: &HistoryEntry,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        debug_assert_eq!(switch.feature, entry.feature);
        let item = store::to_item(&keys::feature_switch(switch.feature), switch)?;
        let put = Put::builder().table_name(self.table).set_item(Some(item));
        let put = if expected == 0 {
            put.condition_expression("attribute_not_exists(PK)")
        } else {
            put.condition_expression("#version = :expected")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":expected", store::number(expected))
        };
        let history = store::to_item(
            &keys::feature_switch_history(entry.feature, entry.at, ulid::Ulid::generate()),
            entry,
        )?;
        let items = vec![
            store::transact_put(put)?,
            store::transact_put(
                Put::builder()
                    .table_name(self.table)
                    .set_item(Some(history))
                    .condition_expression("attribute_not_exists(PK)"),
            )?,
        ];
        Ok(match transact_retrying(self.dynamo, items).await? {
            Transacted::Done => Ok(()),
            Transacted::ConditionsFailed(_) => Err(LostWrite::Changed),
            Transacted::Contention => Err(LostWrite::Contention),
        })
    }

    /// Reads `feature`'s switch, lets `decide` choose its next rules from it (`None`: nothing
    /// to change; an error refuses the change) and writes them with their history entry
    /// ([`ChangeNote::apply`]) under the version read. Whatever the version the caller saw: a
    /// change that lands between the read and the write is read again and decided again (a
    /// lost condition is retried like a collision), so a kill never needs an If-Match.
    /// [`LostWrite::Contention`] when the switch kept changing.
    pub async fn update(
        &self,
        access: &StaffAccess,
        feature: Feature,
        note: &ChangeNote,
        decide: impl Fn(Option<&Switch>) -> Result<Option<SwitchRules>, ApiError>,
    ) -> Result<Result<Applied, LostWrite>, ApiError> {
        let decide = &decide;
        retry_on_contention(|| async move {
            let current = self.load(feature).await?;
            let Some(rules) = decide(current.as_ref())? else {
                return Ok(Ok(Applied::Unchanged(current)));
            };
            let (switch, entry) = note.apply(feature, current.as_ref(), rules, Timestamp::now());
            let expected = current.as_ref().map_or(0, |switch| switch.version);
            Ok(match self.save(access, expected, &switch, &entry).await? {
                Ok(()) => Ok(Applied::Changed(switch)),
                Err(_) => Err(LostWrite::Contention),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::caller::Role;

    fn lead() -> UserSub {
        UserSub::parse("lead-1").expect("sub")
    }

    fn cohort(name: &str) -> CohortName {
        CohortName::parse(name).expect("name")
    }

    fn note(report: Option<ReportId>) -> ChangeNote {
        ChangeNote {
            kind: ChangeKind::Change,
            by: lead(),
            reason: "Because".into(),
            report,
        }
    }

    fn rules_with(cohorts: &[&str]) -> SwitchRules {
        SwitchRules {
            mode: Mode::Rules,
            cohorts: cohorts.iter().map(|name| cohort(name)).collect(),
            percentage: 20,
            staff_roles: vec![Role::Clinician],
            killed: false,
        }
    }

    #[test]
    fn reasons_are_plain_text_of_three_to_five_hundred_characters() {
        assert!(checked_reason("ok").is_err());
        assert!(checked_reason("   ok   ").is_err());
        assert_eq!(checked_reason(" Bug 12 ").as_deref(), Ok("Bug 12"));
        assert!(checked_reason(&"x".repeat(500)).is_ok());
        assert!(checked_reason(&"x".repeat(501)).is_err());
        assert!(checked_reason("line one\nline two").is_ok());
        assert!(checked_reason("bad\u{202E}text").is_err());
    }

    #[test]
    fn a_reason_from_a_report_names_it() {
        let report = ReportId::generate();
        assert_eq!(
            report_reason(report, "Logins fail"),
            format!("Problem report {report}: Logins fail")
        );
        let longest = report_reason(report, &"x".repeat(MAX_REASON_CHARS));
        assert_eq!(longest.chars().count(), MAX_REASON_CHARS + 43);
    }

    #[test]
    fn versions_count_from_the_absent_switch() {
        let at = Timestamp::now();
        let first = next_switch(
            Feature::Messaging,
            None,
            SwitchRules::default(),
            at,
            &lead(),
        );
        assert_eq!(first.version, 1);
        let second = next_switch(
            Feature::Messaging,
            Some(&first),
            first.rules.clone(),
            at,
            &lead(),
        );
        assert_eq!(second.version, 2);
    }

    #[test]
    fn a_kill_keeps_the_rules_and_a_second_kill_changes_nothing() {
        let at = Timestamp::now();
        assert_eq!(
            killed(None),
            Some(SwitchRules {
                killed: true,
                ..SwitchRules::default()
            })
        );
        let rules = rules_with(&["beta-1"]);
        let on = next_switch(Feature::CheckIn, None, rules.clone(), at, &lead());
        let after = killed(Some(&on)).expect("kills");
        assert_eq!(
            after,
            SwitchRules {
                killed: true,
                ..rules
            }
        );
        let dead = next_switch(Feature::CheckIn, Some(&on), after, at, &lead());
        assert_eq!(killed(Some(&dead)), None);
    }

    #[test]
    fn taking_a_cohort_out_keeps_the_rest_of_the_rules() {
        let at = Timestamp::now();
        let on = next_switch(
            Feature::CheckIn,
            None,
            rules_with(&["beta-1", "beta-2"]),
            at,
            &lead(),
        );
        let after = without_cohort(Some(&on), &cohort("beta-1")).expect("listed");
        assert_eq!(after, rules_with(&["beta-2"]));
        let fewer = next_switch(Feature::CheckIn, Some(&on), after, at, &lead());
        let last = without_cohort(Some(&fewer), &cohort("beta-2")).expect("listed");
        assert_eq!(last.cohorts, []);
        assert_eq!(last.mode, Mode::Rules);

        assert!(without_cohort(Some(&on), &cohort("beta-3")).is_err());
        assert!(without_cohort(None, &cohort("beta-1")).is_err());
        let off = next_switch(
            Feature::CheckIn,
            Some(&on),
            SwitchRules {
                mode: Mode::Off,
                ..rules_with(&["beta-1"])
            },
            at,
            &lead(),
        );
        assert!(without_cohort(Some(&off), &cohort("beta-1")).is_err());
    }

    #[test]
    fn a_history_entry_records_before_after_and_the_report_only_when_there_is_one() {
        let at = Timestamp::now();
        let before = rules_with(&["beta-1"]);
        let current = next_switch(Feature::CheckIn, None, before.clone(), at, &lead());
        let after = killed(Some(&current)).expect("kills");
        let (switch, entry) = note(None).apply(Feature::CheckIn, Some(&current), after, at);
        assert_eq!(switch.version, 2);
        assert_eq!(entry.version, 2);
        assert_eq!(entry.before, before);
        assert_eq!(entry.after, switch.rules);
        let json = serde_json::to_value(&entry).expect("json");
        // The rollout's history entries as before: no `reportId` without a report.
        let mut keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "after", "at", "before", "by", "change", "feature", "reason", "version"
            ]
        );
        let read: HistoryEntry = serde_json::from_value(json).expect("reads back");
        assert_eq!(read, entry);

        let report = ReportId::generate();
        let (_, entry) =
            note(Some(report)).apply(Feature::CheckIn, None, SwitchRules::default(), at);
        assert_eq!(entry.before, SwitchRules::default());
        assert_eq!(entry.version, 1);
        let json = serde_json::to_value(&entry).expect("json");
        assert_eq!(json["reportId"], report.to_string());
        let read: HistoryEntry = serde_json::from_value(json).expect("reads back");
        assert_eq!(read.report_id, Some(report));
    }
}
