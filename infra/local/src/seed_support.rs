//! The quick-response team's demo: one problem report from the first patient in its queue, one
//! incident that has already been resolved (so the status page has history, and no banner
//! covers the demo), and one announcement to every patient, published now (the patients' what's
//! new has news, and the contract test an announcement id). Written through the running gateway
//! with the patient's and the team's tokens, so the support function's own code writes every
//! item. Then the weekly digest due now (last week's, from Monday at `WEEKLY_DIGEST_AT`) is
//! composed as the `digest` job would ([`seed_digest`]), so the portal lead's digests page has
//! one and the contract test a digest id. The walk-through in the README (a beta patient's booking problem, a switch turned off,
//! an incident the patients see, the fix announced) is done live.

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::seed_schedule::call;
use crate::stack::Stack;

/// The template's function whose job composes the weekly digest.
const DIGEST_FUNCTION: &str = "DigestFunction";

/// Files the demo report as the patient; opens and resolves the demo incident and announces the
/// status page to every patient as the response team.
pub async fn seed_support(
    http: &reqwest::Client,
    api_url: &str,
    patient: &str,
    team: &str,
) -> Result<()> {
    let api = api_url.trim_end_matches('/');
    call(
        http.post(format!("{api}/patients/me/reports")).json(&json!({
            "whatHappened": "The messages page kept spinning this morning, then it worked after a reload.",
            "page": "/p/:id/messages",
            "feature": "messaging",
            "appVersion": "0.1.0",
        })),
        patient,
        "filing the demo problem report",
    )
    .await?;
    let incident = call(
        http.post(format!("{api}/support/incidents")).json(&json!({
            "title": "Slow sign-in for some patients",
            "features": ["messaging"],
            "status": "identified",
            "text": "Signing in took up to a minute for some patients. We found the cause.",
        })),
        team,
        "opening the demo incident",
    )
    .await?;
    let id = incident
        .get("incidentId")
        .and_then(Value::as_str)
        .context("the demo incident has no id")?;
    let version = incident
        .get("version")
        .and_then(Value::as_u64)
        .context("the demo incident has no version")?;
    call(
        http.post(format!("{api}/support/incidents/{id}/updates"))
            .header("If-Match", format!("\"{version}\""))
            .json(&json!({
                "status": "resolved",
                "text": "Sign-in is fast again for everyone.",
            })),
        team,
        "resolving the demo incident",
    )
    .await?;
    // To the portal leads, published at once, never expiring. Not to every patient: the test
    // suite seeds its shared stack, whose pool holds hundreds of test patients, and telling them
    // all would crowd the outbox other tests wait on for their emails.
    call(
        http.post(format!("{api}/support/announcements")).json(&json!({
            "title": "The portal now has a status page",
            "body": "When something in the portal is not working, the status page says what is wrong and what we are doing about it. You can read it without signing in.",
            "audience": {"kind": "staff", "roles": ["portal-leads"]},
        })),
        team,
        "announcing the status page",
    )
    .await?;
    Ok(())
}

/// Composes the weekly digest due now with the `digest` job's own code and settings (the
/// template's `DigestFunction`); answers the digest's id (the week's Monday). Nothing is written
/// when the stack has that week's digest already.
pub async fn seed_digest(stack: &Stack) -> Result<String> {
    let function = stack
        .template
        .function(DIGEST_FUNCTION)
        .with_context(|| format!("the template has no {DIGEST_FUNCTION}"))?;
    let config = stack.function_config(function)?;
    let support =
        portal_support::SupportSettings::from_lookup(|name| config.env.get(name).cloned())
            .with_context(|| format!("function {DIGEST_FUNCTION}"))?;
    let deps = portal_support::Deps::new(&config.settings, &support, &stack.sdk);
    let now = portal_shared::domain::timestamp::Timestamp::now();
    let summary = portal_support::compose_digest(&deps, now)
        .await
        .map_err(|error| anyhow::anyhow!("composing the demo digest: {}", error.slug()))?;
    summary.week.context("the demo digest has no week")
}
