//! What the feedback suites share: names no other test uses, ids out of answers, ideas added
//! by the portal lead, and cohorts holding patients (made through the cohort routes, as
//! `rollout::cohorts` makes them).

use portal_tests::{Method, Patient, TestApp};
use serde_json::{Value, json};

use crate::rollout::cohorts::new_cohort_of;

pub const IDEAS: &str = "/feedback/ideas";

// Shared by every suite (the harness).
pub use portal_tests::{id_of, unique};

pub fn new_idea_body(title: &str) -> Value {
    json!({
        "title": title,
        "description": "See your statements and pay them with a card.",
        "benefit": "No phone call to settle a bill.",
    })
}

/// A new idea, added by the portal lead; as answered.
pub async fn new_idea(app: &TestApp, title: &str) -> Value {
    let created = app
        .send(
            Method::POST,
            IDEAS,
            Some(&app.portal_lead),
            Some(new_idea_body(title)),
        )
        .await;
    assert_eq!(created.status, 201, "adding an idea: {created:#?}");
    created.body
}

/// A new cohort (beta or not) holding `members`, made by the portal lead; its name.
pub async fn cohort_of(app: &TestApp, beta: bool, members: &[&Patient]) -> String {
    let ids: Vec<&str> = members.iter().map(|p| p.id.as_str()).collect();
    new_cohort_of(app, beta, &ids).await
}
