//! The demo practice's appointments: two providers with published weekly hours (so every week
//! shows open slots), and booked visits for patient2 so the front desk's day view has
//! something in it: one tomorrow, and one later today when the practice is still open. Written through the running gateway with the front desk's token, so the
//! appointments function's own code writes every item.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

struct DemoProvider {
    name: &'static str,
    specialty: &'static str,
    accepting_new_patients: bool,
    visit_types: &'static [&'static str],
    /// (weekdays, start, end), local time of the practice.
    hours: &'static [(&'static [&'static str], &'static str, &'static str)],
}

const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday"];

const PROVIDERS: &[DemoProvider] = &[
    DemoProvider {
        name: "Dr. Grace Adeyemi",
        specialty: "family-medicine",
        accepting_new_patients: true,
        visit_types: &["new-patient", "follow-up", "telehealth"],
        hours: &[
            (WEEKDAYS, "09:00", "12:00"),
            (WEEKDAYS, "13:00", "17:00"),
            (&["saturday"], "09:00", "12:00"),
        ],
    },
    DemoProvider {
        name: "Dr. Luis Ortega",
        specialty: "cardiology",
        accepting_new_patients: false,
        visit_types: &["follow-up", "telehealth"],
        hours: &[(&["monday", "wednesday", "thursday"], "08:00", "16:00")],
    },
];

/// Sends `request` with `token`; the answer's JSON, or an error naming `what` failed.
pub(crate) async fn call(
    request: reqwest::RequestBuilder,
    token: &str,
    what: &str,
) -> Result<Value> {
    let response = request
        .bearer_auth(token)
        .send()
        .await
        .context("cannot reach the gateway")?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{what} failed with {status}: {body}");
    }
    Ok(body)
}

/// The ETag of a provider's published schedule, as a replacement must send it in `If-Match`.
async fn schedule_etag(http: &reqwest::Client, url: &str, token: &str) -> Result<String> {
    let response = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .context("cannot reach the gateway")?;
    let status = response.status();
    if !status.is_success() {
        bail!("reading a demo provider's schedule failed with {status}");
    }
    response
        .headers()
        .get(http::header::ETAG)
        .and_then(|etag| etag.to_str().ok())
        .map(str::to_owned)
        .context("the schedule came without an ETag")
}

/// Adds the demo providers and their hours; books patient2's follow-up with the first of them
/// at the first open slot from tomorrow. Returns the providers' ids.
pub async fn seed_schedule(
    http: &reqwest::Client,
    api_url: &str,
    front_desk: &str,
    patient2: Option<&str>,
) -> Result<Vec<String>> {
    let api = api_url.trim_end_matches('/');
    let mut ids = Vec::new();
    for provider in PROVIDERS {
        let added = call(
            http.post(format!("{api}/staff/providers")).json(&json!({
                "name": provider.name,
                "specialty": provider.specialty,
                "acceptingNewPatients": provider.accepting_new_patients,
                "visitTypes": provider.visit_types,
            })),
            front_desk,
            "adding a demo provider",
        )
        .await?;
        let id = added
            .get("providerId")
            .and_then(Value::as_str)
            .context("the new provider has no id")?
            .to_owned();
        let weekly: Vec<Value> = provider
            .hours
            .iter()
            .flat_map(|(days, start, end)| {
                days.iter()
                    .map(move |day| json!({"day": day, "start": start, "end": end}))
            })
            .collect();
        // Read, then replace with the ETag read (a replacement without If-Match is refused).
        let etag =
            schedule_etag(http, &format!("{api}/providers/{id}/schedule"), front_desk).await?;
        call(
            http.put(format!("{api}/staff/providers/{id}/schedule"))
                .header(http::header::IF_MATCH, etag)
                .json(&json!({"weekly": weekly})),
            front_desk,
            "publishing a demo provider's hours",
        )
        .await?;
        ids.push(id);
    }
    if let (Some(patient), Some(provider)) = (patient2, ids.first()) {
        let tomorrow = portal_shared::domain::timestamp::Timestamp::now()
            .plus(std::time::Duration::from_secs(24 * 3600))
            .to_string();
        let slots = call(
            http.get(format!("{api}/providers/{provider}/slots"))
                .query(&[("visitType", "follow-up"), ("from", tomorrow.as_str())]),
            front_desk,
            "finding a demo slot",
        )
        .await?;
        if let Some(start) = slots.pointer("/items/0/start").and_then(Value::as_str) {
            let visit = DemoVisit {
                provider,
                start,
                reason: "Blood pressure review",
            };
            book_follow_up(http, api, front_desk, patient, visit).await?;
        }
        // The day view opens on today: a visit later today, while the practice is open, gives
        // it something to show (outside hours it shows tomorrow's with `?date=`).
        book_later_today(http, api, front_desk, patient, provider).await?;
    }
    Ok(ids)
}

/// Books patient2 the first open follow-up later today (practice time), if there is one.
async fn book_later_today(
    http: &reqwest::Client,
    api: &str,
    front_desk: &str,
    patient: &str,
    provider: &str,
) -> Result<()> {
    let now = portal_shared::domain::timestamp::Timestamp::now();
    let from = now.plus(std::time::Duration::from_secs(30 * 60));
    let to = now.plus(std::time::Duration::from_secs(24 * 3600));
    let slots = call(
        http.get(format!("{api}/providers/{provider}/slots"))
            .query(&[
                ("visitType", "follow-up"),
                ("from", from.to_string().as_str()),
                ("to", to.to_string().as_str()),
            ]),
        front_desk,
        "finding a demo slot today",
    )
    .await?;
    let zone_name = slots
        .get("timeZone")
        .and_then(Value::as_str)
        .context("open slots come with the practice's time zone")?
        .to_owned();
    let zone = jiff::tz::TimeZone::get(&zone_name)
        .with_context(|| format!("the practice's time zone {zone_name}"))?;
    let today = portal_appointments::schedule::local_date(&zone, now);
    let later_today = slots
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|slot| slot.get("start").and_then(Value::as_str))
        .find(|start| {
            portal_shared::domain::timestamp::Timestamp::parse(start)
                .is_some_and(|at| portal_appointments::schedule::local_date(&zone, at) == today)
        });
    if let Some(start) = later_today {
        let visit = DemoVisit {
            provider,
            start,
            reason: "Medication review",
        };
        book_follow_up(http, api, front_desk, patient, visit).await?;
    }
    Ok(())
}

/// A follow-up the front desk books for a demo patient.
struct DemoVisit<'a> {
    provider: &'a str,
    start: &'a str,
    reason: &'a str,
}

async fn book_follow_up(
    http: &reqwest::Client,
    api: &str,
    front_desk: &str,
    patient: &str,
    visit: DemoVisit<'_>,
) -> Result<()> {
    call(
        http.post(format!("{api}/patients/{patient}/appointments"))
            .json(&json!({
                "providerId": visit.provider,
                "visitType": "follow-up",
                "start": visit.start,
                "reason": visit.reason,
            })),
        front_desk,
        "booking a demo visit",
    )
    .await?;
    Ok(())
}
