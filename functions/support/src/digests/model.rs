//! A weekly digest as stored (`keys::digest`, its attributes via serde_dynamo) and as the
//! portal lead reads it, and the line of it the list shows. Counts, ids, statuses, times and
//! the team's own incident titles only: nothing a patient or caregiver wrote, nobody's name.

use std::collections::BTreeMap;

use portal_shared::domain::ids::{IncidentId, ReportId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::AboutDigest;
use portal_shared::features::report_status::ReportStatus;
use portal_shared::features::switches::Feature;
use serde::{Deserialize, Serialize};

use crate::digests::id::DigestId;
use crate::incidents::model::IncidentStatus;
use crate::reports::model::Severity;

/// The most breached reports a digest lists (`breachedCount` has them all).
pub const MAX_BREACHES: usize = 50;
/// The most incidents opened in the week a digest lists (a practice opens a few a year).
pub const MAX_INCIDENTS: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Digest {
    pub digest_id: DigestId,
    /// The week's Monday and Sunday, `yyyy-mm-dd` (the practice's dates).
    pub from: String,
    pub to: String,
    pub created_at: Timestamp,
    pub reports: ReportFigures,
    pub incidents: IncidentFigures,
    pub adoption: AdoptionFigures,
    pub feedback: FeedbackFigures,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportFigures {
    /// Reports neither resolved nor merged when the digest was composed.
    pub open: u32,
    /// The open ones by status slug (every status but `resolved`, zeros included).
    pub open_by_status: BTreeMap<String, u32>,
    /// Reports filed in the week (merged duplicates aside).
    pub opened_in_week: u32,
    /// Reports resolved in the week (and still resolved).
    pub resolved_in_week: u32,
    /// Open reports past their target when composed, most overdue first, at most
    /// [`MAX_BREACHES`].
    pub breached: Vec<Breach>,
    pub breached_count: u32,
}

/// Which response-time target a report is past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    FirstResponse,
    NextUpdate,
}

/// One breached report: ids and the state of its target only (the page links to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Breach {
    pub report_id: ReportId,
    pub status: ReportStatus,
    /// `null` while not triaged (held to `normal`'s targets).
    pub severity: Option<Severity>,
    pub target: Target,
    pub due_at: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncidentFigures {
    /// Incidents that started in the week, oldest first (at most [`MAX_INCIDENTS`]).
    pub opened_in_week: Vec<IncidentLine>,
    /// Incidents not resolved when the digest was composed.
    pub ongoing: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncidentLine {
    pub incident_id: IncidentId,
    /// The team's public words (shown on the status page too).
    pub title: String,
    pub status: IncidentStatus,
    pub started_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdoptionFigures {
    pub week: AdoptionWeek,
    pub previous: AdoptionWeek,
    /// Every feature used in either week, by name.
    pub feature_use: Vec<FeatureUse>,
}

/// One week's adoption, all patients (cohort `all`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdoptionWeek {
    pub invited: u32,
    pub delivered: u32,
    pub activated: u32,
    /// Distinct patients who signed in during the week's seven days.
    #[serde(rename = "signedIn7d")]
    pub signed_in_7d: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureUse {
    pub feature: Feature,
    pub week: u32,
    pub previous: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackFigures {
    /// Every feature rated in either week.
    pub ratings: Vec<RatingLine>,
    /// Suggestions patients made in the week.
    pub new_suggestions: u32,
    /// Suggestions waiting for a portal lead's decision when composed.
    pub suggestions_waiting: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingLine {
    pub feature: Feature,
    pub week: RatingFigure,
    pub previous: RatingFigure,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingFigure {
    pub count: u32,
    /// To two decimals; `null` without ratings.
    pub average: Option<f64>,
}

/// One digest in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestLine {
    pub digest_id: DigestId,
    pub from: String,
    pub to: String,
    pub created_at: Timestamp,
    pub open_reports: u32,
    pub breached_count: u32,
    pub incidents_opened: u32,
    pub activated: u32,
    #[serde(rename = "signedIn7d")]
    pub signed_in_7d: u32,
}

impl Digest {
    pub fn line(&self) -> DigestLine {
        DigestLine {
            digest_id: self.digest_id,
            from: self.from.clone(),
            to: self.to.clone(),
            created_at: self.created_at,
            open_reports: self.reports.open,
            breached_count: self.reports.breached_count,
            incidents_opened: count(self.incidents.opened_in_week.len()),
            activated: self.adoption.week.activated,
            signed_in_7d: self.adoption.week.signed_in_7d,
        }
    }

    /// What the portal leads' notice says: counts only.
    pub fn about(&self) -> AboutDigest {
        AboutDigest {
            digest_id: self.digest_id.to_string(),
            from: self.from.clone(),
            to: self.to.clone(),
            open_reports: self.reports.open,
            breached: self.reports.breached_count,
            incidents_opened: count(self.incidents.opened_in_week.len()),
            activated: self.adoption.week.activated,
        }
    }
}

/// A count as the digest holds it (saturating: a week never comes near).
pub fn count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use portal_shared::platform::keys;
    use portal_shared::platform::store;

    use super::*;
    use crate::digests::week::Week;

    fn digest() -> Digest {
        let week = Week::starting("2026-11-30".parse().expect("date")).expect("Monday");
        let at = Timestamp::parse("2026-12-07T12:00:12Z").expect("time");
        Digest {
            digest_id: DigestId::of(week),
            from: "2026-11-30".into(),
            to: "2026-12-06".into(),
            created_at: at,
            reports: ReportFigures {
                open: 7,
                open_by_status: BTreeMap::from([("new".into(), 7)]),
                opened_in_week: 5,
                resolved_in_week: 4,
                breached: vec![Breach {
                    report_id: ReportId::generate(),
                    status: ReportStatus::New,
                    severity: None,
                    target: Target::FirstResponse,
                    due_at: at,
                }],
                breached_count: 1,
            },
            incidents: IncidentFigures {
                opened_in_week: vec![IncidentLine {
                    incident_id: IncidentId::generate(),
                    title: "Messages are slow".into(),
                    status: IncidentStatus::Monitoring,
                    started_at: at,
                    resolved_at: None,
                }],
                ongoing: 1,
            },
            adoption: AdoptionFigures {
                week: AdoptionWeek {
                    invited: 40,
                    delivered: 38,
                    activated: 12,
                    signed_in_7d: 55,
                },
                previous: AdoptionWeek::default(),
                feature_use: vec![FeatureUse {
                    feature: Feature::Messaging,
                    week: 120,
                    previous: 98,
                }],
            },
            feedback: FeedbackFigures {
                ratings: vec![RatingLine {
                    feature: Feature::Messaging,
                    week: RatingFigure {
                        count: 4,
                        average: Some(4.25),
                    },
                    previous: RatingFigure::default(),
                }],
                new_suggestions: 3,
                suggestions_waiting: 5,
            },
        }
    }

    #[test]
    fn a_digest_reads_back_from_its_item_and_names_its_fields() {
        let digest = digest();
        let item = store::to_item(&keys::digest("2026-11-30"), &digest).expect("item");
        assert_eq!(
            item.get("SK")
                .and_then(|v| v.as_s().ok())
                .map(String::as_str),
            Some("DIGEST#2026-11-30")
        );
        let back: Digest = store::from_item(item).expect("back");
        assert_eq!(back, digest);
        let json = serde_json::to_value(&digest).expect("json");
        assert_eq!(json["digestId"], "2026-11-30");
        assert_eq!(json["createdAt"], "2026-12-07T12:00:12.000Z");
        assert_eq!(json["reports"]["openByStatus"]["new"], 7);
        assert_eq!(json["reports"]["breached"][0]["target"], "first-response");
        assert!(json["reports"]["breached"][0]["severity"].is_null());
        assert_eq!(json["adoption"]["week"]["signedIn7d"], 55);
        assert_eq!(json["adoption"]["featureUse"][0]["feature"], "messaging");
        assert!(json["feedback"]["ratings"][0]["previous"]["average"].is_null());
        assert_eq!(json["feedback"]["suggestionsWaiting"], 5);
    }

    #[test]
    fn the_list_line_and_the_notice_hold_counts_only() {
        let digest = digest();
        let line = serde_json::to_value(digest.line()).expect("json");
        assert_eq!(
            line,
            serde_json::json!({
                "digestId": "2026-11-30", "from": "2026-11-30", "to": "2026-12-06",
                "createdAt": "2026-12-07T12:00:12.000Z", "openReports": 7, "breachedCount": 1,
                "incidentsOpened": 1, "activated": 12, "signedIn7d": 55
            })
        );
        let about = digest.about();
        assert_eq!(about.digest_id, "2026-11-30");
        assert_eq!((about.open_reports, about.breached), (7, 1));
        assert_eq!((about.incidents_opened, about.activated), (1, 12));
    }
}
