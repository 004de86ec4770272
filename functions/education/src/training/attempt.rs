//! `POST /staff/training/{moduleId}/attempts` (`TakeTraining`): scores the caller's answers
//! ([`quiz::score`]; 422 naming `answers.<questionId>`) and records the attempt on their plan:
//! a pass completes the module (adding it, and the plan, when the caller had none); a fail is
//! counted on a module of their plan; a completed module never goes back. Written under the
//! plan's version, redone on a concurrent change (409 when it keeps changing). Audited in the
//! caller's own log (`training.take`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::onboarding::{
    ModuleProgress, ModuleStatus, OnboardingPlan, change_plan,
};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::{AuditResource, Outcome};
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::Caller;
use serde::Serialize;

use crate::Deps;
use crate::training::quiz::{self, Attempt, Reviewed, Scored};
use crate::training::{content, module_in_path, staff_roles};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AttemptResult {
    score: u32,
    passed: bool,
    correct: u32,
    total: u32,
    review: Vec<Reviewed>,
    /// The caller's progress on the module as it now is; `null` after a failed attempt at a
    /// module that is not in their plan (nothing is recorded: see [`after_attempt`]).
    progress: Option<ModuleProgress>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::TakeTraining).await?;
    let module = module_in_path(call)?;
    let attempt: Attempt = call.json_body()?;
    let content = content::module(module)?;
    let scored = quiz::score(&content.quiz, &attempt.answers)?;

    let caller = call.caller();
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    let stored = change_plan(dynamo, table, &caller.sub, |read| {
        let now = Timestamp::now();
        let previous = read.as_ref().and_then(|plan| plan.modules.get(&module));
        let Some(progress) = after_attempt(previous, &scored, now) else {
            return Ok(None);
        };
        let mut plan = read.unwrap_or_else(|| plan_of_own(caller, now));
        plan.modules.insert(module, progress);
        plan.updated_at = now;
        Ok(Some(plan))
    })
    .await?;
    let progress = stored.and_then(|plan| plan.modules.get(&module).cloned());
    authorizer
        .record_staff_action(
            call,
            &access,
            &AuditResource::StaffAccount {
                sub: caller.sub.to_string(),
                what: format!("training/{module}"),
            },
            Outcome::Allowed,
        )
        .await?;
    let Scored {
        score,
        passed,
        correct,
        total,
        review,
    } = scored;
    json(
        StatusCode::OK,
        &AttemptResult {
            score,
            passed,
            correct,
            total,
            review,
            progress,
        },
    )
}

/// A plan for a member who had none, holding only what they do themselves: their other
/// modules are not assigned by taking a quiz (that would gate a grandfathered member's work);
/// an admin assigns a full plan.
fn plan_of_own(caller: &Caller, now: Timestamp) -> OnboardingPlan {
    let mut plan = OnboardingPlan::new(caller.sub.clone(), caller.shown_name(), &[], now);
    plan.roles = staff_roles(caller);
    plan
}

/// The module's progress after an attempt scored `scored` at `now`, or `None` when nothing is
/// to be recorded: a failed attempt at a module that is not in the member's plan (adding it as
/// `assigned` would start gating work they were free to do).
///
/// - a pass completes an assigned or waived module (the waiver stays, for history) and adds
///   a module that was not in the plan as completed;
/// - a completed module stays completed, with its first completion time and its best score;
/// - a fail on an assigned or waived module keeps its status and records the score;
/// - every recorded attempt counts.
fn after_attempt(
    previous: Option<&ModuleProgress>,
    scored: &Scored,
    now: Timestamp,
) -> Option<ModuleProgress> {
    let score = u8::try_from(scored.score.min(100)).unwrap_or(100);
    let mut next = match previous {
        Some(previous) => previous.clone(),
        None if scored.passed => ModuleProgress::assigned(now),
        None => return None,
    };
    next.attempts = next.attempts.saturating_add(1);
    match (next.status, scored.passed) {
        (ModuleStatus::Completed, _) => {
            if scored.passed {
                next.score = Some(next.score.map_or(score, |best| best.max(score)));
            }
        }
        (_, true) => {
            next.status = ModuleStatus::Completed;
            next.completed_at = Some(now);
            next.score = Some(score);
        }
        (_, false) => next.score = Some(score),
    }
    Some(next)
}

#[cfg(test)]
mod tests {
    use portal_shared::features::onboarding::Waiver;
    use portal_shared::policy::caller::UserSub;

    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn scored(score: u32, passed: bool) -> Scored {
        Scored {
            score,
            passed,
            correct: score / 20,
            total: 5,
            review: Vec::new(),
        }
    }

    fn assigned() -> ModuleProgress {
        ModuleProgress::assigned(at("2026-05-01T09:00:00Z"))
    }

    #[test]
    fn a_pass_completes_an_assigned_module() {
        let now = at("2026-05-02T10:00:00Z");
        let next = after_attempt(Some(&assigned()), &scored(80, true), now).expect("recorded");
        assert_eq!(next.status, ModuleStatus::Completed);
        assert_eq!(next.completed_at, Some(now));
        assert_eq!(next.score, Some(80));
        assert_eq!(next.attempts, 1);
        assert_eq!(next.assigned_at, assigned().assigned_at);
    }

    #[test]
    fn a_fail_is_counted_and_keeps_the_module_assigned() {
        let now = at("2026-05-02T10:00:00Z");
        let once = after_attempt(Some(&assigned()), &scored(60, false), now).expect("recorded");
        assert_eq!(once.status, ModuleStatus::Assigned);
        assert_eq!(
            (once.attempts, once.score, once.completed_at),
            (1, Some(60), None)
        );
        let twice = after_attempt(Some(&once), &scored(100, true), now).expect("recorded");
        assert_eq!(twice.status, ModuleStatus::Completed);
        assert_eq!((twice.attempts, twice.score), (2, Some(100)));
    }

    #[test]
    fn a_completed_module_never_goes_back_and_keeps_its_best_score() {
        let first = at("2026-05-02T10:00:00Z");
        let later = at("2026-05-09T10:00:00Z");
        let done = after_attempt(Some(&assigned()), &scored(100, true), first).expect("done");
        let failed = after_attempt(Some(&done), &scored(20, false), later).expect("recorded");
        assert_eq!(failed.status, ModuleStatus::Completed);
        assert_eq!(failed.completed_at, Some(first));
        assert_eq!((failed.score, failed.attempts), (Some(100), 2));
        let lower = after_attempt(Some(&failed), &scored(80, true), later).expect("recorded");
        assert_eq!((lower.score, lower.attempts), (Some(100), 3));
        assert_eq!(lower.completed_at, Some(first));
    }

    #[test]
    fn a_module_outside_the_plan_is_added_only_by_a_pass() {
        let now = at("2026-05-02T10:00:00Z");
        assert_eq!(after_attempt(None, &scored(40, false), now), None);
        let added = after_attempt(None, &scored(80, true), now).expect("added");
        assert_eq!(added.status, ModuleStatus::Completed);
        assert_eq!(
            (added.assigned_at, added.completed_at, added.attempts),
            (now, Some(now), 1)
        );
    }

    #[test]
    fn a_pass_on_a_waived_module_completes_it_and_keeps_the_waiver() {
        let now = at("2026-05-02T10:00:00Z");
        let mut waived = assigned();
        waived.status = ModuleStatus::Waived;
        waived.waiver = Some(Waiver {
            by_id: UserSub::parse("admin-1").expect("sub"),
            by_name: "Ada Admin".into(),
            reason: "Trained elsewhere".into(),
            at: now,
        });
        let failed = after_attempt(Some(&waived), &scored(0, false), now).expect("recorded");
        assert_eq!(failed.status, ModuleStatus::Waived);
        let passed = after_attempt(Some(&waived), &scored(100, true), now).expect("recorded");
        assert_eq!(passed.status, ModuleStatus::Completed);
        assert!(passed.waiver.is_some());
    }

    #[test]
    fn the_result_says_null_progress_when_nothing_was_recorded() {
        let result = AttemptResult {
            score: 40,
            passed: false,
            correct: 2,
            total: 5,
            review: Vec::new(),
            progress: None,
        };
        let json = serde_json::to_value(result).expect("json");
        assert!(json["progress"].is_null());
        assert!(json.get("progress").is_some());
        assert_eq!(json["score"], 40);
    }
}
