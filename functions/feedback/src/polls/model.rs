//! Polls as stored and as shown: the definition (`keys::poll`, in the `POLLS` partition), the
//! ballots (`keys::ballot`, one per respondent, in the poll's partition), the practice links
//! (`keys::poll_link`) and the lookup of a link by its token's hash (`keys::poll_link_token`).

use portal_shared::domain::ids::{BallotLinkId, IdeaId, PatientId, PollId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::policy::caller::{Role, UserSub};
use serde::{Deserialize, Serialize};

use crate::respondent::{Respondent, Stratum};

/// How a ballot expresses its view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// The respondent's top `topK` ideas in order (Borda count).
    Rank,
    /// Any number of ideas approved, one point each.
    Approval,
}

/// Where a poll stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PollState {
    /// Before `opensAt`.
    Scheduled,
    Open,
    /// From `closesAt`, or since a portal lead closed it (`closedAt`).
    Closed,
}

/// Who is asked: staff holding one of the roles, patients in one of the cohorts, and other
/// practices through links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Audience {
    #[serde(default, with = "portal_shared::policy::caller::staff_groups")]
    pub staff_roles: Vec<Role>,
    #[serde(default)]
    pub cohorts: Vec<CohortName>,
    #[serde(default)]
    pub practices: bool,
}

impl Audience {
    /// Whether the stratum is asked at all.
    pub fn includes(&self, stratum: Stratum) -> bool {
        match stratum {
            Stratum::Staff => !self.staff_roles.is_empty(),
            Stratum::Patients => !self.cohorts.is_empty(),
            Stratum::Practices => self.practices,
        }
    }
}

/// How much each stratum's view counts in the overall order (0 to 100 each).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Weights {
    pub staff: f64,
    pub patients: f64,
    pub practices: f64,
}

impl Weights {
    pub fn of(&self, stratum: Stratum) -> f64 {
        match stratum {
            Stratum::Staff => self.staff,
            Stratum::Patients => self.patients,
            Stratum::Practices => self.practices,
        }
    }
}

/// A poll's definition; as stored and (with its state) as shown.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Poll {
    pub poll_id: PollId,
    pub title: String,
    pub question: String,
    pub idea_ids: Vec<IdeaId>,
    pub method: Method,
    /// With `rank`, how many ideas a ballot ranks; with `approval`, the number of ideas.
    pub top_k: u32,
    pub audience: Audience,
    pub weights: Weights,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    /// When a portal lead closed it early.
    #[serde(default)]
    pub closed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub created_by: UserSub,
    pub version: u64,
}

impl Poll {
    pub fn state(&self, now: Timestamp) -> PollState {
        if self.closed_at.is_some() || now >= self.closes_at {
            PollState::Closed
        } else if now < self.opens_at {
            PollState::Scheduled
        } else {
            PollState::Open
        }
    }

    /// Whether a staff member holding `roles` is asked.
    pub fn asks_staff<'a>(&self, roles: impl IntoIterator<Item = &'a Role>) -> bool {
        roles
            .into_iter()
            .any(|role| self.audience.staff_roles.contains(role))
    }

    /// Whether a patient in `cohorts` is asked.
    pub fn asks_patient_in<'a>(&self, cohorts: impl IntoIterator<Item = &'a CohortName>) -> bool {
        cohorts
            .into_iter()
            .any(|cohort| self.audience.cohorts.contains(cohort))
    }
}

/// One respondent's ballot (`keys::ballot`): replaced whole by the next one they cast.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ballot {
    pub poll_id: PollId,
    pub stratum: Stratum,
    /// The respondent's part of the key: a staff member's sub, a patient id or a link id.
    pub respondent: String,
    /// With `rank`, best first; with `approval`, the ideas approved.
    pub choices: Vec<IdeaId>,
    pub cast_at: Timestamp,
}

impl Ballot {
    /// Who cast it; `None` for a stored respondent that names nobody (never written so).
    pub fn respondent(&self) -> Option<Respondent> {
        match self.stratum {
            Stratum::Staff => UserSub::parse(&self.respondent).map(Respondent::Staff),
            Stratum::Patients => PatientId::parse(&self.respondent).map(Respondent::Patient),
            Stratum::Practices => BallotLinkId::parse(&self.respondent).map(Respondent::Practice),
        }
    }
}

/// A ballot as its respondent sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BallotView {
    pub choices: Vec<IdeaId>,
    pub cast_at: Timestamp,
}

impl From<&Ballot> for BallotView {
    fn from(ballot: &Ballot) -> Self {
        BallotView {
            choices: ballot.choices.clone(),
            cast_at: ballot.cast_at,
        }
    }
}

/// Another practice's link (`keys::poll_link`), without its token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollLink {
    pub link_id: BallotLinkId,
    pub practice_name: String,
    pub created_at: Timestamp,
    pub created_by: UserSub,
}

/// The lookup of a link by the SHA-256 of its token (`keys::poll_link_token`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkByToken {
    pub poll_id: PollId,
    pub link_id: BallotLinkId,
    pub practice_name: String,
}

/// The ballots cast so far, per stratum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BallotCounts {
    pub staff: u64,
    pub patients: u64,
    pub practices: u64,
}

impl BallotCounts {
    pub fn add(&mut self, stratum: Stratum) {
        match stratum {
            Stratum::Staff => self.staff += 1,
            Stratum::Patients => self.patients += 1,
            Stratum::Practices => self.practices += 1,
        }
    }
}

pub use portal_shared::policy::caller::staff_group::parse as parse_staff_role;

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(opens: &str, closes: &str, closed: Option<&str>) -> Poll {
        let at = |raw: &str| Timestamp::parse(raw).expect("a timestamp");
        Poll {
            poll_id: PollId::generate(),
            title: "t".into(),
            question: "q".into(),
            idea_ids: vec![],
            method: Method::Rank,
            top_k: 1,
            audience: Audience {
                staff_roles: vec![Role::Clinician],
                cohorts: vec![],
                practices: false,
            },
            weights: Weights {
                staff: 1.0,
                patients: 0.0,
                practices: 0.0,
            },
            opens_at: at(opens),
            closes_at: at(closes),
            closed_at: closed.map(at),
            created_at: at(opens),
            created_by: UserSub::parse("lead").expect("sub"),
            version: 1,
        }
    }

    #[test]
    fn a_poll_is_open_from_opens_at_until_closes_at_or_until_closed() {
        let at = |raw: &str| Timestamp::parse(raw).expect("a timestamp");
        let p = poll("2026-03-02T08:00:00Z", "2026-03-16T18:00:00Z", None);
        assert_eq!(p.state(at("2026-03-02T07:59:59Z")), PollState::Scheduled);
        assert_eq!(p.state(at("2026-03-02T08:00:00Z")), PollState::Open);
        assert_eq!(p.state(at("2026-03-16T17:59:59Z")), PollState::Open);
        assert_eq!(p.state(at("2026-03-16T18:00:00Z")), PollState::Closed);
        let closed = poll(
            "2026-03-02T08:00:00Z",
            "2026-03-16T18:00:00Z",
            Some("2026-03-03T08:00:00Z"),
        );
        assert_eq!(closed.state(at("2026-03-04T00:00:00Z")), PollState::Closed);
    }

    #[test]
    fn staff_roles_are_group_names_and_only_staff_ones() {
        let audience: Audience = serde_json::from_value(serde_json::json!({
            "staffRoles": ["clinicians", "front-desk"], "cohorts": ["beta-1"], "practices": true
        }))
        .expect("an audience");
        assert_eq!(audience.staff_roles, vec![Role::Clinician, Role::FrontDesk]);
        assert_eq!(
            serde_json::to_value(&audience).expect("json")["staffRoles"],
            serde_json::json!(["clinicians", "front-desk"])
        );
        assert!(parse_staff_role("patients").is_err());
        assert!(parse_staff_role("doctors").is_err());
    }
}
