//! The education and onboarding demo: a newly hired clinician, Dr. Noor Haddad, whose onboarding
//! plan has her role's modules assigned (so the message inbox refuses her with
//! `training-required` until she passes its module), and one health topic the demo clinician
//! shared with Ana (patient1), with a note. The other demo staff have no plan: accounts from
//! before onboarding are not gated.
//!
//! Noor is created in the user pool as the other demo staff are (a permanent password, no
//! invitation) and her plan is written with the shared onboarding code the staff function uses
//! (`assign_for_roles`); the shared topic goes through the running gateway with the clinician's
//! token, so the education function's own code writes it (and its `education-assigned` notice).

use anyhow::{Context, Result};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::onboarding;
use portal_shared::policy::caller::{Role, UserSub};
use serde_json::{Value, json};

use crate::identity::{self, DEMO_PASSWORD};
use crate::seed_schedule::call;
use crate::stack::Stack;

/// The new clinician's sign-in.
pub const NEW_CLINICIAN_EMAIL: &str = "newclinician@demo.portal.test";
/// Her short name for `make token WHO=...`.
pub const NEW_CLINICIAN_ROLE: &str = "newclinician";
const GIVEN: &str = "Noor";
const FAMILY: &str = "Haddad";

/// The starter library's hypertension topic (`functions/education/content/starter-library.json`).
pub const DEMO_TOPIC: &str = "high-blood-pressure";

/// The topic the demo clinician shares with Ana (`POST /staff/patients/{id}/education`).
pub fn demo_assignment() -> Value {
    json!({
        "topicId": DEMO_TOPIC,
        "note": "As we discussed: check your blood pressure at home twice a week and bring the readings to your next visit.",
    })
}

/// Creates Noor in `clinicians` and writes her onboarding plan: every module of her role
/// assigned, none done. Returns her Cognito `sub`.
pub async fn seed_new_clinician(stack: &Stack) -> Result<String> {
    let role = Role::Clinician;
    let sub = identity::create_staff_user(
        stack,
        NEW_CLINICIAN_EMAIL,
        GIVEN,
        FAMILY,
        &[role.group()],
        DEMO_PASSWORD,
    )
    .await?;
    let staff = UserSub::parse(&sub).context("the new clinician has no usable sub")?;
    let table = stack
        .table("AppTable")
        .context("the stack has no AppTable")?;
    let plan = onboarding::assign_for_roles(
        &stack.dynamodb(),
        table,
        &staff,
        &format!("{GIVEN} {FAMILY}"),
        &[role],
        Timestamp::now(),
    )
    .await
    .map_err(|error| anyhow::anyhow!("writing Noor's onboarding plan: {}", error.slug()))?;
    anyhow::ensure!(
        !onboarding::cleared(Some(&plan), onboarding::Capability::MessageInbox),
        "Noor's plan does not gate the message inbox"
    );
    Ok(sub)
}

/// The demo clinician shares the hypertension topic with `patient_id` (Ana), with a note. A
/// fixed `Idempotency-Key`: seeding twice shares it once.
pub async fn seed_education(
    http: &reqwest::Client,
    api_url: &str,
    clinician: &str,
    patient_id: &str,
) -> Result<()> {
    let api = api_url.trim_end_matches('/');
    call(
        http.post(format!("{api}/staff/patients/{patient_id}/education"))
            .header("Idempotency-Key", "demo-education-patient1")
            .json(&demo_assignment()),
        clinician,
        "sharing the demo health topic",
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_topic_is_in_the_starter_library() {
        let library: Value = serde_json::from_str(include_str!(
            "../../../functions/education/content/starter-library.json"
        ))
        .expect("the starter library is JSON");
        let ids: Vec<&str> = library["topics"]
            .as_array()
            .expect("topics")
            .iter()
            .filter_map(|topic| topic["topicId"].as_str())
            .collect();
        assert!(ids.contains(&DEMO_TOPIC), "{ids:?}");
        assert_eq!(demo_assignment()["topicId"], DEMO_TOPIC);
        assert!(
            demo_assignment()["note"]
                .as_str()
                .is_some_and(|note| note.len() <= 1000)
        );
    }

    #[test]
    fn a_new_clinician_is_gated_until_she_finishes_the_inbox_module() {
        let sub = UserSub::parse("demo-newclinician-sub").expect("sub");
        let at = Timestamp::parse("2026-05-01T09:00:00Z").expect("timestamp");
        let mut plan = onboarding::OnboardingPlan::new(
            sub,
            format!("{GIVEN} {FAMILY}"),
            &[Role::Clinician],
            at,
        );
        assert!(!onboarding::cleared(
            Some(&plan),
            onboarding::Capability::MessageInbox
        ));
        plan.modules
            .get_mut(&onboarding::TrainingModule::MessageInbox)
            .expect("the inbox module is hers")
            .status = onboarding::ModuleStatus::Completed;
        assert!(onboarding::cleared(
            Some(&plan),
            onboarding::Capability::MessageInbox
        ));
    }
}
