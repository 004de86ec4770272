//! Incidents as stored and as the team sees them, the rules of their fields, and how an
//! update changes one. Pure: no I/O, so every rule is tested here.

use std::collections::HashSet;
use std::time::Duration;

use portal_shared::domain::ids::IncidentId;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::switches::Feature;
use portal_shared::platform::etag::Version;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

/// An incident's title: one line.
pub const MAX_TITLE_CHARS: usize = 120;
/// The text of one update (line breaks allowed).
pub const MAX_TEXT_CHARS: usize = 2000;
/// The features one incident may name.
pub const MAX_FEATURES: usize = 10;
/// The updates one incident may hold, its opening one included (they are stored inline).
pub const MAX_UPDATES: usize = 200;
/// The most an incident's item may grow to, measured as its JSON (which is never smaller than
/// DynamoDB's size of the same item). DynamoDB refuses items over 400 KB, and 200 updates of
/// 2000 characters (up to 4 bytes each) could reach that well before the 200th update.
pub const MAX_STORED_BYTES: usize = 350_000;
/// How long a resolved incident stays on the public status.
pub const RESOLVED_SHOWN_FOR: Duration = Duration::from_secs(7 * 24 * 60 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IncidentStatus {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

impl IncidentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Investigating => "investigating",
            IncidentStatus::Identified => "identified",
            IncidentStatus::Monitoring => "monitoring",
            IncidentStatus::Resolved => "resolved",
        }
    }
}

/// One update of an incident: what the team said, and the status it set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncidentUpdate {
    pub at: Timestamp,
    pub status: IncidentStatus,
    pub text: String,
}

/// One incident (`keys::incident`, in the `INCIDENTS` partition); as stored and as the team
/// sees it. Nothing in it is about a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    pub incident_id: IncidentId,
    pub title: String,
    pub features: Vec<Feature>,
    /// The status of the latest update.
    pub status: IncidentStatus,
    /// Oldest first; the first is the one it was opened with.
    pub updates: Vec<IncidentUpdate>,
    pub started_at: Timestamp,
    pub updated_at: Timestamp,
    /// When it became resolved; `null` while it is not (cleared when it moves back).
    pub resolved_at: Option<Timestamp>,
    pub created_by: UserSub,
    pub version: u64,
}

/// What a valid opening sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub title: String,
    pub features: Vec<Feature>,
    pub status: IncidentStatus,
    pub text: String,
}

/// Why an update cannot be added: the incident is full (open a follow-up incident instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRoom {
    /// It holds [`MAX_UPDATES`] already.
    TooManyUpdates,
    /// With it, the incident would outgrow [`MAX_STORED_BYTES`].
    TooLarge,
}

impl NoRoom {
    pub fn explanation(self) -> String {
        match self {
            NoRoom::TooManyUpdates => format!(
                "The incident holds {MAX_UPDATES} updates, the most it may; open a follow-up \
                 incident instead."
            ),
            NoRoom::TooLarge => "The incident's updates have reached the most text it may \
                                 hold; open a follow-up incident instead."
                .to_owned(),
        }
    }
}

impl Incident {
    /// A new incident at version 1, its opening text the first update.
    pub fn open(id: IncidentId, opening: Opening, by: UserSub, now: Timestamp) -> Incident {
        Incident {
            incident_id: id,
            title: opening.title,
            features: opening.features,
            status: opening.status,
            updates: vec![IncidentUpdate {
                at: now,
                status: opening.status,
                text: opening.text,
            }],
            started_at: now,
            updated_at: now,
            resolved_at: (opening.status == IncidentStatus::Resolved).then_some(now),
            created_by: by,
            version: Version::FIRST.0,
        }
    }

    /// The incident with one more update, which sets its status (the next version). A
    /// resolved incident keeps the time it was first resolved while it stays resolved, and
    /// loses it when it moves back.
    pub fn with_update(
        &self,
        status: IncidentStatus,
        text: String,
        now: Timestamp,
    ) -> Result<Incident, NoRoom> {
        if self.updates.len() >= MAX_UPDATES {
            return Err(NoRoom::TooManyUpdates);
        }
        let mut next = self.clone();
        next.updates.push(IncidentUpdate {
            at: now,
            status,
            text,
        });
        next.status = status;
        next.updated_at = now;
        next.resolved_at = match status {
            IncidentStatus::Resolved => self.resolved_at.or(Some(now)),
            _ => None,
        };
        next.version = self.version + 1;
        if stored_size(&next) > MAX_STORED_BYTES {
            return Err(NoRoom::TooLarge);
        }
        Ok(next)
    }

    pub fn is_active(&self) -> bool {
        self.status != IncidentStatus::Resolved
    }

    /// Whether the public status shows it at `now`: active, or resolved in the last
    /// [`RESOLVED_SHOWN_FOR`].
    pub fn is_current(&self, now: Timestamp) -> bool {
        self.is_active()
            || self
                .resolved_at
                .is_some_and(|at| at >= now.minus(RESOLVED_SHOWN_FOR))
    }
}

/// An upper bound of the incident's size in the table (JSON spells out more than DynamoDB).
fn stored_size(incident: &Incident) -> usize {
    serde_json::to_vec(incident).map_or(usize::MAX, |json| json.len())
}

// ---- the fields' rules, each problem named by its field ---------------------------------------

pub fn title(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    errors.check("title", plain_text(raw, MAX_TITLE_CHARS, false))
}

pub fn text(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    errors.check("text", plain_text(raw, MAX_TEXT_CHARS, true))
}

/// 1 to [`MAX_FEATURES`] features, none twice; kept in the order given.
pub fn features(errors: &mut FieldErrors, raw: Vec<Feature>) -> Option<Vec<Feature>> {
    if raw.is_empty() || raw.len() > MAX_FEATURES {
        errors.add(
            "features",
            format!("must name 1 to {MAX_FEATURES} features"),
        );
        return None;
    }
    let mut seen = HashSet::new();
    if let Some(twice) = raw.iter().find(|feature| !seen.insert(**feature)) {
        errors.add("features", format!("names {twice} more than once"));
        return None;
    }
    Some(raw)
}

/// The status a new incident starts in: `investigating` unless given; never `resolved`.
pub fn opening_status(
    errors: &mut FieldErrors,
    raw: Option<IncidentStatus>,
) -> Option<IncidentStatus> {
    match raw.unwrap_or(IncidentStatus::Investigating) {
        IncidentStatus::Resolved => {
            errors.add(
                "status",
                "a new incident cannot start resolved: investigating, identified or monitoring",
            );
            None
        }
        status => Some(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn sub() -> UserSub {
        UserSub::parse("lead-1").expect("sub")
    }

    fn opened(status: IncidentStatus, now: Timestamp) -> Incident {
        Incident::open(
            IncidentId::generate(),
            Opening {
                title: "Booking is slow".into(),
                features: vec![Feature::OnlineBooking],
                status,
                text: "Looking into it.".into(),
            },
            sub(),
            now,
        )
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn titles_are_one_line_within_the_limit_and_texts_may_have_lines() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            title(&mut errors, "  Messaging down ").as_deref(),
            Some("Messaging down")
        );
        assert!(title(&mut errors, &"x".repeat(MAX_TITLE_CHARS)).is_some());
        assert!(errors.is_empty());
        assert!(title(&mut errors, &"x".repeat(MAX_TITLE_CHARS + 1)).is_none());
        assert!(title(&mut errors, "two\nlines").is_none());
        assert!(title(&mut errors, "   ").is_none());
        assert_eq!(fields(errors), ["title", "title", "title"]);

        let mut errors = FieldErrors::new();
        assert!(text(&mut errors, "Found it.\nFixing.").is_some());
        assert!(text(&mut errors, &"é".repeat(MAX_TEXT_CHARS)).is_some());
        assert!(errors.is_empty());
        assert!(text(&mut errors, &"x".repeat(MAX_TEXT_CHARS + 1)).is_none());
        assert!(text(&mut errors, "").is_none());
        assert!(text(&mut errors, "hidden\u{202E}txt").is_none());
        assert_eq!(fields(errors), ["text", "text", "text"]);
    }

    #[test]
    fn features_are_one_to_ten_and_distinct() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            features(&mut errors, vec![Feature::Messaging, Feature::CheckIn]),
            Some(vec![Feature::Messaging, Feature::CheckIn])
        );
        assert!(errors.is_empty());
        assert!(features(&mut errors, vec![]).is_none());
        assert!(features(&mut errors, vec![Feature::Messaging, Feature::Messaging]).is_none());
        assert!(features(&mut errors, vec![Feature::Messaging; MAX_FEATURES + 1]).is_none());
        assert_eq!(fields(errors), ["features", "features", "features"]);
    }

    #[test]
    fn a_new_incident_starts_investigating_unless_told_and_never_resolved() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            opening_status(&mut errors, None),
            Some(IncidentStatus::Investigating)
        );
        assert_eq!(
            opening_status(&mut errors, Some(IncidentStatus::Monitoring)),
            Some(IncidentStatus::Monitoring)
        );
        assert!(errors.is_empty());
        assert_eq!(
            opening_status(&mut errors, Some(IncidentStatus::Resolved)),
            None
        );
        assert_eq!(fields(errors), ["status"]);
    }

    #[test]
    fn opening_makes_the_text_the_first_update_at_version_one() {
        let now = at("2025-03-01T10:00:00.000Z");
        let incident = opened(IncidentStatus::Identified, now);
        assert_eq!(incident.version, 1);
        assert_eq!(incident.status, IncidentStatus::Identified);
        assert_eq!(
            incident.updates,
            [IncidentUpdate {
                at: now,
                status: IncidentStatus::Identified,
                text: "Looking into it.".into()
            }]
        );
        assert_eq!((incident.started_at, incident.updated_at), (now, now));
        assert_eq!(incident.resolved_at, None);
    }

    #[test]
    fn updates_set_the_status_and_resolved_at_comes_and_goes() {
        let start = at("2025-03-01T10:00:00.000Z");
        let incident = opened(IncidentStatus::Investigating, start);

        let t1 = at("2025-03-01T11:00:00.000Z");
        let resolved = incident
            .with_update(IncidentStatus::Resolved, "Fixed.".into(), t1)
            .expect("room");
        assert_eq!(resolved.status, IncidentStatus::Resolved);
        assert_eq!(resolved.resolved_at, Some(t1));
        assert_eq!(resolved.updated_at, t1);
        assert_eq!(resolved.version, 2);
        assert_eq!(resolved.updates.len(), 2);
        assert_eq!(resolved.started_at, start);

        // Another word while resolved keeps when it was resolved.
        let t2 = at("2025-03-01T12:00:00.000Z");
        let still = resolved
            .with_update(
                IncidentStatus::Resolved,
                "Post-mortem to follow.".into(),
                t2,
            )
            .expect("room");
        assert_eq!(still.resolved_at, Some(t1));

        let t3 = at("2025-03-01T13:00:00.000Z");
        let back = still
            .with_update(IncidentStatus::Monitoring, "It came back.".into(), t3)
            .expect("room");
        assert_eq!(back.resolved_at, None);
        assert_eq!(back.version, 4);
        assert!(back.is_active());
    }

    #[test]
    fn an_incident_holds_at_most_two_hundred_updates_and_a_bounded_size() {
        let now = at("2025-03-01T10:00:00.000Z");
        let mut incident = opened(IncidentStatus::Investigating, now);
        while incident.updates.len() < MAX_UPDATES {
            incident = incident
                .with_update(IncidentStatus::Investigating, "Still on it.".into(), now)
                .expect("room");
        }
        assert_eq!(
            incident.with_update(IncidentStatus::Resolved, "Done.".into(), now),
            Err(NoRoom::TooManyUpdates)
        );

        // Long texts in four-byte characters fill the item long before 200 updates.
        let long = "😀".repeat(MAX_TEXT_CHARS);
        let mut incident = opened(IncidentStatus::Investigating, now);
        let outcome = loop {
            match incident.with_update(IncidentStatus::Identified, long.clone(), now) {
                Ok(next) => incident = next,
                Err(full) => break full,
            }
        };
        assert_eq!(outcome, NoRoom::TooLarge);
        assert!(incident.updates.len() < MAX_UPDATES);
        assert!(stored_size(&incident) <= MAX_STORED_BYTES);
    }

    #[test]
    fn current_means_active_or_resolved_within_a_week() {
        let start = at("2025-03-01T10:00:00.000Z");
        let active = opened(IncidentStatus::Monitoring, start);
        assert!(active.is_current(at("2026-01-01T00:00:00.000Z")));

        let resolved = active
            .with_update(IncidentStatus::Resolved, "Fixed.".into(), start)
            .expect("room");
        assert!(resolved.is_current(at("2025-03-08T10:00:00.000Z")));
        assert!(!resolved.is_current(at("2025-03-08T10:00:00.001Z")));
    }

    #[test]
    fn the_stored_shape_names_every_field_and_null_when_unresolved() {
        let incident = opened(
            IncidentStatus::Investigating,
            at("2025-03-01T10:00:00.000Z"),
        );
        let json = serde_json::to_value(&incident).expect("json");
        let mut names: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "createdBy",
                "features",
                "incidentId",
                "resolvedAt",
                "startedAt",
                "status",
                "title",
                "updatedAt",
                "updates",
                "version"
            ]
        );
        assert!(json["resolvedAt"].is_null());
        assert_eq!(json["features"], serde_json::json!(["online-booking"]));
        assert_eq!(
            json["updates"][0],
            serde_json::json!({
                "at": "2025-03-01T10:00:00.000Z",
                "status": "investigating",
                "text": "Looking into it."
            })
        );
    }
}
