//! `POST /support/reports/{reportId}/switch-off`: the quick-response team turns a feature off
//! from a problem report, without waiting for the portal lead: for everyone (the kill switch)
//! or for one cohort (taken out of the switch's `rules`). The switch and its history entry are
//! written exactly as the rollout function writes them (`portal_shared::features::
//! switch_change`), the history naming the report (`Problem report <id>: <reason>`,
//! `reportId`); then the report's timeline gains an internal `switch-off` entry, and both the
//! switch and the report are audited.
//!
//! No If-Match: like the rollout's kill, nobody should have to read the switch first; a change
//! that lands between the read and the write is read and decided again. A switch-off that
//! changes nothing (a killed switch killed again) writes nothing at all: no history entry, no
//! timeline entry, no audit record (as the rollout's kill), and answers the switch as it is.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ReportId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::features::switch_change::{
    Applied, ChangeKind, ChangeNote, SwitchChanges, checked_reason, killed, report_reason,
    without_cohort,
};
use portal_shared::features::switches::{Feature, Switch, SwitchRules};
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::store::Transacted;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::platform::write::transact_retrying;
use portal_shared::policy::audit::{AuditResource, Outcome};
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::reports::model::{EntryKind, ReportText, Side, TimelineEntry};
use crate::reports::repo::ReportStore;

/// Whom the feature is turned off for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Scope {
    Everyone,
    Cohort,
}

/// The body: `{feature?, scope, cohort?, reason}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SwitchOffRequest {
    /// Defaults to the report's own feature.
    #[serde(default)]
    feature: Option<Feature>,
    scope: Scope,
    /// Required with `scope: cohort`, refused otherwise.
    #[serde(default)]
    cohort: Option<CohortName>,
    reason: String,
}

/// What the switch-off does to the switch.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// The kill switch.
    Everyone,
    /// This cohort out of the rules' cohorts.
    Cohort(CohortName),
}

impl Target {
    fn scope(&self) -> &'static str {
        match self {
            Target::Everyone => "everyone",
            Target::Cohort(_) => "cohort",
        }
    }

    fn kind(&self) -> ChangeKind {
        match self {
            Target::Everyone => ChangeKind::Kill,
            Target::Cohort(_) => ChangeKind::Change,
        }
    }

    /// The switch's next rules from `current`: `None` when there is nothing to change (killed
    /// already); 422 naming `cohort` when the cohort cannot be taken out.
    fn next_rules(&self, current: Option<&Switch>) -> Result<Option<SwitchRules>, ApiError> {
        match self {
            Target::Everyone => Ok(killed(current)),
            Target::Cohort(cohort) => without_cohort(current, cohort)
                .map(Some)
                .map_err(|why| ApiError::invalid("cohort", why)),
        }
    }
}

/// A valid switch-off.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SwitchOff {
    feature: Feature,
    target: Target,
    /// The team's reason, as they wrote it (the history prefixes the report).
    reason: String,
}

/// A switch-off as far as it checked: each part `None` where its field was named.
#[derive(Debug)]
struct Draft {
    feature: Option<Feature>,
    target: Option<Target>,
    reason: Option<String>,
}

impl Draft {
    /// The switch-off, once every field checked (no field named).
    fn complete(self) -> Result<SwitchOff, ApiError> {
        match (self.feature, self.target, self.reason) {
            (Some(feature), Some(target), Some(reason)) => Ok(SwitchOff {
                feature,
                target,
                reason,
            }),
            _ => Err(ApiError::internal("a checked switch-off lost a field")),
        }
    }
}

impl SwitchOffRequest {
    /// Checks the fields for a report about `reported` (its own feature, if any), naming each
    /// bad one in `errors`: the reason (as the rollout's), the cohort for the scope, the
    /// feature (the report's when none is named). Whether the switch names the cohort is
    /// checked against the switch after.
    fn checked(self, reported: Option<Feature>, errors: &mut FieldErrors) -> Draft {
        let reason = errors.check("reason", checked_reason(&self.reason));
        let target = match (self.scope, self.cohort) {
            (Scope::Everyone, None) => Some(Target::Everyone),
            (Scope::Cohort, Some(cohort)) => Some(Target::Cohort(cohort)),
            (Scope::Cohort, None) => {
                errors.add("cohort", "is required when the scope is cohort");
                None
            }
            (Scope::Everyone, Some(_)) => {
                errors.add("cohort", "is only for the scope cohort");
                None
            }
        };
        let feature = self.feature.or(reported);
        if feature.is_none() {
            errors.add(
                "feature",
                "is required: the report names no feature, so say which to switch off",
            );
        }
        Draft {
            feature,
            target,
            reason,
        }
    }
}

/// The switch as answered: its rules and version.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SwitchState {
    #[serde(flatten)]
    rules: SwitchRules,
    version: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SwitchedOff {
    feature: Feature,
    switch: SwitchState,
}

impl SwitchedOff {
    fn new(feature: Feature, switch: Option<&Switch>) -> Self {
        SwitchedOff {
            feature,
            switch: SwitchState {
                rules: switch.map(|s| s.rules.clone()).unwrap_or_default(),
                version: switch.map_or(0, |s| s.version),
            },
        }
    }
}

/// The report's internal `switch-off` timeline entry.
fn timeline_entry(
    report: ReportId,
    at: Timestamp,
    by: &portal_shared::policy::caller::UserSub,
    feature: Feature,
    off: &SwitchOff,
) -> Result<TimelineEntry, ApiError> {
    let text = ReportText::parse(&off.reason)
        .map_err(|_| ApiError::internal("a switch-off reason is not a report text"))?;
    let mut entry = TimelineEntry::new(report, at, EntryKind::SwitchOff, Side::Team, by.clone())
        .with_text(text);
    entry.feature = Some(feature);
    entry.scope = Some(off.target.scope().to_owned());
    entry.cohort = match &off.target {
        Target::Everyone => None,
        Target::Cohort(cohort) => Some(cohort.clone()),
    };
    Ok(entry)
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::SwitchOffFromReport).await?;
    let report_id = call
        .path_param("reportId")
        .and_then(|raw| ReportId::parse(&raw))
        .ok_or(ApiError::NotFound)?;
    let request: SwitchOffRequest = call.json_body()?;

    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    let reports = ReportStore::new(dynamo, table);
    let report = reports.load(report_id).await?.ok_or(ApiError::NotFound)?;
    let changes = SwitchChanges::new(dynamo, table);
    // Every bad field named at once, the cohort against the switch as it is now (decided
    // again when written, should the switch change in between).
    let mut errors = FieldErrors::new();
    let draft = request.checked(report.feature, &mut errors);
    if let (Some(feature), Some(target @ Target::Cohort(_))) = (draft.feature, &draft.target) {
        let current = changes.load(feature).await?;
        if let Err(ApiError::Invalid(named)) = target.next_rules(current.as_ref()) {
            for error in named {
                errors.add(error.field, error.message);
            }
        }
    }
    errors.finish()?;
    let off = draft.complete()?;
    let feature = off.feature;

    let by = &call.caller().sub;
    let note = ChangeNote {
        kind: off.target.kind(),
        by: by.clone(),
        reason: report_reason(report_id, &off.reason),
        report: Some(report_id),
    };
    let outcome = changes
        .update(&access, feature, &note, |current| {
            off.target.next_rules(current)
        })
        .await?;
    let switch = match outcome {
        Ok(Applied::Changed(switch)) => switch,
        // Killed already: nothing written, nothing to audit or note (as the rollout's kill).
        Ok(Applied::Unchanged(current)) => {
            return json(StatusCode::OK, &SwitchedOff::new(feature, current.as_ref()));
        }
        Err(_) => {
            return Err(ApiError::Conflict(
                "The switch kept changing while it was being switched off; send it again.".into(),
            ));
        }
    };

    // The switch changed: audited first, then noted on the report.
    for resource in [
        format!("feature-switches/{feature}"),
        format!("problem-report/{report_id}"),
    ] {
        authorizer
            .record_staff_action(
                call,
                &access,
                &AuditResource::Route(resource),
                Outcome::Allowed,
            )
            .await?;
    }
    // The entry alone, without the report's version: it changes none of the report's fields,
    // so it never makes a triage under If-Match lose, and never loses to one.
    let entry = timeline_entry(report_id, switch.updated_at, by, feature, &off)?;
    if transact_retrying(dynamo, vec![reports.entry_write(&entry)?]).await? != Transacted::Done {
        tracing::error!(report = %report_id, feature = %feature,
            "a switch was turned off from a report but its timeline entry was not written");
        return Err(ApiError::internal(
            "a switch-off timeline entry was not written",
        ));
    }
    json(StatusCode::OK, &SwitchedOff::new(feature, Some(&switch)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::features::switches::Mode;
    use portal_shared::platform::http::parse_json;
    use portal_shared::policy::caller::UserSub;

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    /// The body checked for a report about `reported`.
    fn checked_for(
        json: serde_json::Value,
        reported: Option<Feature>,
    ) -> Result<SwitchOff, ApiError> {
        let request: SwitchOffRequest = parse_json(json.to_string().as_bytes())?;
        let mut errors = FieldErrors::new();
        let draft = request.checked(reported, &mut errors);
        errors.finish()?;
        draft.complete()
    }

    fn checked(json: serde_json::Value) -> Result<SwitchOff, ApiError> {
        checked_for(json, Some(Feature::CheckIn))
    }

    fn cohort(name: &str) -> CohortName {
        CohortName::parse(name).expect("name")
    }

    fn switch(rules: SwitchRules) -> Switch {
        Switch {
            feature: Feature::CheckIn,
            rules,
            version: 4,
            updated_at: Timestamp::now(),
            updated_by: UserSub::parse("lead-1").expect("sub"),
        }
    }

    #[test]
    fn a_body_names_each_bad_field() {
        let everyone = checked(serde_json::json!({"scope": "everyone", "reason": " Crashes "}))
            .expect("valid");
        assert_eq!(
            everyone,
            SwitchOff {
                feature: Feature::CheckIn,
                target: Target::Everyone,
                reason: "Crashes".into(),
            }
        );
        let one = checked(serde_json::json!({
            "feature": "check-in", "scope": "cohort", "cohort": "beta-1", "reason": "Beta fails",
        }))
        .expect("valid");
        assert_eq!(one.feature, Feature::CheckIn);
        assert_eq!(one.target, Target::Cohort(cohort("beta-1")));

        for (body, named) in [
            (
                serde_json::json!({"scope": "cohort", "reason": "ok"}),
                vec!["reason", "cohort"],
            ),
            (
                serde_json::json!({"scope": "everyone", "cohort": "beta-1", "reason": "Crashes"}),
                vec!["cohort"],
            ),
            (
                serde_json::json!({"scope": "everyone", "reason": "x".repeat(501)}),
                vec!["reason"],
            ),
            (
                serde_json::json!({"scope": "some", "reason": "Crashes"}),
                vec!["scope"],
            ),
            (serde_json::json!({"reason": "Crashes"}), vec!["scope"]),
            (serde_json::json!({"scope": "everyone"}), vec!["reason"]),
            (
                serde_json::json!({"scope": "everyone", "reason": "Crashes", "feature": "nope"}),
                vec!["feature"],
            ),
            (
                serde_json::json!({"scope": "cohort", "cohort": "Beta 1", "reason": "Crashes"}),
                vec!["cohort"],
            ),
            (
                serde_json::json!({"scope": "everyone", "reason": "Crashes", "version": 2}),
                vec!["version"],
            ),
        ] {
            assert_eq!(fields(checked(body.clone()).unwrap_err()), named, "{body}");
        }
        assert!(
            checked(serde_json::json!({"scope": "everyone", "reason": "x".repeat(500)})).is_ok()
        );
    }

    #[test]
    fn the_feature_named_wins_over_the_reports_and_one_is_needed() {
        let body = serde_json::json!({"scope": "everyone", "reason": "Crashes"});
        let mut named = body.clone();
        named["feature"] = "messaging".into();
        assert_eq!(
            checked_for(named.clone(), Some(Feature::CheckIn))
                .map(|off| off.feature)
                .ok(),
            Some(Feature::Messaging)
        );
        assert_eq!(
            checked_for(named, None).map(|off| off.feature).ok(),
            Some(Feature::Messaging)
        );
        assert_eq!(
            checked_for(body.clone(), Some(Feature::CheckIn))
                .map(|off| off.feature)
                .ok(),
            Some(Feature::CheckIn)
        );
        assert_eq!(fields(checked_for(body, None).unwrap_err()), ["feature"]);
        let everything = serde_json::json!({"scope": "cohort", "reason": "x"});
        assert_eq!(
            fields(checked_for(everything, None).unwrap_err()),
            ["reason", "cohort", "feature"]
        );
    }

    #[test]
    fn everyone_kills_once_and_a_cohort_must_be_in_the_rules() {
        let rules = SwitchRules {
            mode: Mode::Rules,
            cohorts: vec![cohort("beta-1"), cohort("beta-2")],
            percentage: 10,
            staff_roles: Vec::new(),
            killed: false,
        };
        let on = switch(rules.clone());
        let dead = Target::Everyone
            .next_rules(Some(&on))
            .expect("ok")
            .expect("kills");
        assert!(dead.killed);
        assert_eq!(
            Target::Everyone
                .next_rules(Some(&switch(dead)))
                .expect("ok"),
            None
        );

        let out = Target::Cohort(cohort("beta-2"))
            .next_rules(Some(&on))
            .expect("ok")
            .expect("changes");
        assert_eq!(out.cohorts, [cohort("beta-1")]);
        let unlisted = Target::Cohort(cohort("beta-3")).next_rules(Some(&on));
        assert_eq!(fields(unlisted.unwrap_err()), ["cohort"]);
        let never_set = Target::Cohort(cohort("beta-1")).next_rules(None);
        assert_eq!(fields(never_set.unwrap_err()), ["cohort"]);
        assert_eq!(Target::Everyone.kind(), ChangeKind::Kill);
        assert_eq!(Target::Cohort(cohort("beta-1")).kind(), ChangeKind::Change);
    }

    #[test]
    fn the_answer_is_the_feature_and_its_switch() {
        let json = serde_json::to_value(SwitchedOff::new(Feature::Waitlist, None)).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"feature": "waitlist", "switch": {
                "mode": "everyone", "cohorts": [], "percentage": 0, "staffRoles": [],
                "killed": false, "version": 0,
            }})
        );
    }

    #[test]
    fn the_timeline_entry_carries_the_reason_feature_and_scope() {
        let report = ReportId::generate();
        let by = UserSub::parse("team-1").expect("sub");
        let off = SwitchOff {
            feature: Feature::CheckIn,
            target: Target::Cohort(cohort("beta-1")),
            reason: "Beta fails".into(),
        };
        let entry =
            timeline_entry(report, Timestamp::now(), &by, Feature::CheckIn, &off).expect("entry");
        assert_eq!(entry.kind, EntryKind::SwitchOff);
        assert_eq!(entry.side, Side::Team);
        assert_eq!(
            entry.text.as_ref().map(ReportText::as_str),
            Some("Beta fails")
        );
        assert_eq!(entry.feature, Some(Feature::CheckIn));
        assert_eq!(entry.scope.as_deref(), Some("cohort"));
        assert_eq!(entry.cohort, Some(cohort("beta-1")));
    }
}
