//! The demo practice's feature ideas and an open priority poll of its staff and other
//! practices, so the portal lead's screens and the staff ballot have something in them. Written
//! through the running gateway with the portal lead's token, so the feedback function's own code
//! writes every item. (The demo has no cohorts: a poll of beta patients is the walk-through's.)

use anyhow::{Context, Result};

use crate::seed_schedule::call;
use portal_shared::domain::timestamp::Timestamp;
use serde_json::{Value, json};

/// (title, description, benefit)
const IDEAS: &[(&str, &str, &str)] = &[
    (
        "Pay bills online",
        "See your statements and pay them by card in the portal.",
        "No more paper statements or phone payments.",
    ),
    (
        "Ask for a prescription refill",
        "Ask your care team to renew a medication you take, and follow the request.",
        "Fewer calls to the practice, refills on time.",
    ),
    (
        "Text reminders in Spanish",
        "Appointment reminders and notices in the language you read best.",
        "Fewer missed visits for Spanish-speaking families.",
    ),
    (
        "Share your record with another doctor",
        "Send your consolidated record to a specialist with one link that expires.",
        "Specialists see your history before the visit.",
    ),
];

/// Adds the demo ideas and opens a poll over them for every staff role and other practices,
/// for 30 days. Returns the poll's id.
pub async fn seed_feedback(http: &reqwest::Client, api_url: &str, lead: &str) -> Result<String> {
    let api = api_url.trim_end_matches('/');
    let mut ideas = Vec::new();
    for (title, description, benefit) in IDEAS {
        let idea = call(
            http.post(format!("{api}/feedback/ideas")).json(&json!({
                "title": title,
                "description": description,
                "benefit": benefit,
            })),
            lead,
            "adding a demo idea",
        )
        .await?;
        ideas.push(
            idea.get("ideaId")
                .and_then(Value::as_str)
                .context("the new idea has no id")?
                .to_owned(),
        );
    }
    let now = Timestamp::now();
    let poll = call(
        http.post(format!("{api}/feedback/polls")).json(&json!({
            "title": "What should the portal do next?",
            "question": "Rank the three ideas that would help you most.",
            "ideaIds": ideas,
            "method": "rank",
            "topK": 3,
            "audience": {
                "staffRoles": ["clinicians", "front-desk", "response-team", "admins", "portal-leads"],
                "cohorts": [],
                "practices": true,
            },
            "weights": {"staff": 1, "patients": 2, "practices": 1},
            "opensAt": now.to_string(),
            "closesAt": now.plus(std::time::Duration::from_secs(30 * 24 * 3600)).to_string(),
        })),
        lead,
        "opening the demo poll",
    )
    .await?;
    poll.get("pollId")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .context("the demo poll has no id")
}
