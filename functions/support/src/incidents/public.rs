//! `GET /public/status`: what anyone may know of the portal's health, without signing in:
//! the active incidents and those resolved in the last week, newest first. Built from a view
//! of its own ([`PublicIncident`]), so nothing more of an incident (who opened it, its
//! version) can reach it; nothing in an incident is about a patient. Shared caches may keep
//! it for 30 seconds. Like every answer, it carries the web app's CORS headers
//! (`dispatch_public`), with `Vary: Origin` for those caches.

use http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::IncidentId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switches::Feature;
use portal_shared::platform::http::{Incoming, json};
use serde::Serialize;

use crate::Deps;
use crate::incidents::model::{Incident, IncidentStatus};
use crate::incidents::store;

/// The most incidents the status shows (a practice has a few a year: never reached in
/// practice; it bounds the answer).
const MAX_SHOWN: i32 = 100;

/// How long browsers and shared caches may reuse the answer.
const CACHE_CONTROL: &str = "public, max-age=30";

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct PublicStatus {
    generated_at: Timestamp,
    incidents: Vec<PublicIncident>,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct PublicIncident {
    incident_id: IncidentId,
    title: String,
    features: Vec<Feature>,
    status: IncidentStatus,
    started_at: Timestamp,
    updated_at: Timestamp,
    resolved_at: Option<Timestamp>,
    updates: Vec<PublicUpdate>,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
struct PublicUpdate {
    at: Timestamp,
    status: IncidentStatus,
    text: String,
}

impl PublicStatus {
    /// The status at `now` from `incidents` (newest first), keeping the current ones only.
    fn of(incidents: Vec<Incident>, now: Timestamp) -> PublicStatus {
        PublicStatus {
            generated_at: now,
            incidents: incidents
                .into_iter()
                .filter(|incident| incident.is_current(now))
                .map(PublicIncident::from)
                .collect(),
        }
    }
}

impl From<Incident> for PublicIncident {
    fn from(incident: Incident) -> Self {
        PublicIncident {
            incident_id: incident.incident_id,
            title: incident.title,
            features: incident.features,
            status: incident.status,
            started_at: incident.started_at,
            updated_at: incident.updated_at,
            resolved_at: incident.resolved_at,
            updates: incident
                .updates
                .into_iter()
                .map(|update| PublicUpdate {
                    at: update.at,
                    status: update.status,
                    text: update.text,
                })
                .collect(),
        }
    }
}

pub async fn handle(deps: &Deps, _incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let now = Timestamp::now();
    let incidents = store(deps).current(now, MAX_SHOWN).await?;
    let mut response = json(StatusCode::OK, &PublicStatus::of(incidents, now))?;
    // Replaces the `no-store` every other answer carries: this one is about no one.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use portal_shared::policy::caller::UserSub;
    use serde_json::json;

    use super::*;
    use crate::incidents::model::Opening;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn opened(title: &str, started: Timestamp) -> Incident {
        Incident::open(
            IncidentId::generate(),
            Opening {
                title: title.into(),
                features: vec![Feature::Messaging],
                status: IncidentStatus::Investigating,
                text: "Looking into it.".into(),
            },
            UserSub::parse("staff-secret-sub").expect("sub"),
            started,
        )
    }

    #[test]
    fn the_status_shows_active_and_recently_resolved_incidents_with_the_public_fields_only() {
        let now = at("2025-03-10T12:00:00.000Z");
        let active = opened("Messaging is slow", at("2025-01-01T09:00:00.000Z"));
        let recent = opened("Booking failed", at("2025-03-05T09:00:00.000Z"))
            .with_update(
                IncidentStatus::Resolved,
                "Fixed.".into(),
                at("2025-03-05T10:00:00.000Z"),
            )
            .expect("room");
        let old = opened("Check-in down", at("2025-02-01T09:00:00.000Z"))
            .with_update(
                IncidentStatus::Resolved,
                "Fixed.".into(),
                at("2025-03-03T11:59:59.999Z"),
            )
            .expect("room");
        let (active_id, recent_id) = (active.incident_id, recent.incident_id);

        let status = PublicStatus::of(vec![recent, old, active], now);
        let shown: Vec<IncidentId> = status.incidents.iter().map(|i| i.incident_id).collect();
        assert_eq!(shown, [recent_id, active_id]);

        let body = serde_json::to_value(&status).expect("json");
        assert_eq!(
            body,
            json!({
                "generatedAt": "2025-03-10T12:00:00.000Z",
                "incidents": [
                    {
                        "incidentId": recent_id.to_string(),
                        "title": "Booking failed",
                        "features": ["messaging"],
                        "status": "resolved",
                        "startedAt": "2025-03-05T09:00:00.000Z",
                        "updatedAt": "2025-03-05T10:00:00.000Z",
                        "resolvedAt": "2025-03-05T10:00:00.000Z",
                        "updates": [
                            {"at": "2025-03-05T09:00:00.000Z", "status": "investigating",
                             "text": "Looking into it."},
                            {"at": "2025-03-05T10:00:00.000Z", "status": "resolved",
                             "text": "Fixed."}
                        ]
                    },
                    {
                        "incidentId": active_id.to_string(),
                        "title": "Messaging is slow",
                        "features": ["messaging"],
                        "status": "investigating",
                        "startedAt": "2025-01-01T09:00:00.000Z",
                        "updatedAt": "2025-01-01T09:00:00.000Z",
                        "resolvedAt": null,
                        "updates": [
                            {"at": "2025-01-01T09:00:00.000Z", "status": "investigating",
                             "text": "Looking into it."}
                        ]
                    }
                ]
            })
        );
        let text = body.to_string();
        assert!(!text.contains("staff-secret-sub"));
        assert!(!text.contains("version"));
        assert!(!text.contains("createdBy"));
    }

    #[test]
    fn no_incident_is_an_empty_list() {
        let now = at("2025-03-10T12:00:00.000Z");
        assert_eq!(
            serde_json::to_value(PublicStatus::of(vec![], now)).expect("json"),
            json!({"generatedAt": "2025-03-10T12:00:00.000Z", "incidents": []})
        );
    }
}
