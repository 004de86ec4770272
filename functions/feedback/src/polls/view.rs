//! What the API shows of polls: the definition with its state (staff), with the ballot counts
//! and links (`GET`), the poll as a respondent sees it, and results.

use std::collections::HashMap;

use portal_shared::ApiError;
use portal_shared::domain::ids::{BallotLinkId, IdeaId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::idea_status::IdeaStatus;
use serde::Serialize;

use crate::catalogue::idea::Idea;
use crate::polls::count::{self, Counted, IdeaName, StratumBallots};
use crate::polls::model::{Ballot, BallotCounts, BallotView, Method, Poll, PollLink, PollState};
use crate::respondent::Stratum;

/// A poll as staff see it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PollView<'a> {
    #[serde(flatten)]
    pub poll: &'a Poll,
    pub state: PollState,
    pub ballots: Option<BallotCounts>,
    pub links: Option<Vec<LinkView>>,
}

impl<'a> PollView<'a> {
    pub fn new(poll: &'a Poll, now: Timestamp) -> Self {
        PollView {
            poll,
            state: poll.state(now),
            ballots: None,
            links: None,
        }
    }
}

/// A practice link as `GET /feedback/polls/{pollId}` lists it (never its token).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    pub link_id: BallotLinkId,
    pub practice_name: String,
    pub created_at: Timestamp,
    /// Whether the practice has cast its ballot.
    pub voted: bool,
}

impl LinkView {
    pub fn new(link: PollLink, voted: bool) -> Self {
        LinkView {
            link_id: link.link_id,
            practice_name: link.practice_name,
            created_at: link.created_at,
            voted,
        }
    }
}

/// An idea as respondents see it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PollIdea {
    pub idea_id: IdeaId,
    pub title: String,
    pub description: String,
    pub benefit: String,
    pub status: IdeaStatus,
}

/// A poll as a respondent sees it (a staff member, a patient, another practice).
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PollForRespondent {
    pub poll_id: portal_shared::domain::ids::PollId,
    pub title: String,
    pub question: String,
    pub method: Method,
    pub top_k: u32,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub state: PollState,
    pub ideas: Vec<PollIdea>,
    pub my_ballot: Option<BallotView>,
    /// Once closed: the overall order.
    pub outcome: Option<Vec<count::OverallRow>>,
}

impl PollForRespondent {
    /// `ideas`: the poll's ideas that exist, by id; `ballots`: every ballot of the poll, for
    /// the outcome (only read when the poll is closed).
    pub fn new(
        poll: &Poll,
        now: Timestamp,
        ideas: &HashMap<IdeaId, Idea>,
        mine: Option<&Ballot>,
        ballots: Option<&[Ballot]>,
    ) -> Self {
        let state = poll.state(now);
        let outcome = match (state, ballots) {
            (PollState::Closed, Some(ballots)) => Some(results(poll, ideas, ballots).overall),
            _ => None,
        };
        PollForRespondent {
            poll_id: poll.poll_id,
            title: poll.title.clone(),
            question: poll.question.clone(),
            method: poll.method,
            top_k: poll.top_k,
            opens_at: poll.opens_at,
            closes_at: poll.closes_at,
            state,
            ideas: poll
                .idea_ids
                .iter()
                .filter_map(|id| ideas.get(id))
                .map(|idea| PollIdea {
                    idea_id: idea.idea_id,
                    title: idea.title.clone(),
                    description: idea.description.clone(),
                    benefit: idea.benefit.clone(),
                    status: idea.status,
                })
                .collect(),
            my_ballot: mine.map(BallotView::from),
            outcome,
        }
    }
}

/// The poll's ideas with their titles as now (an idea that is gone keeps its id, untitled).
pub fn idea_names(poll: &Poll, ideas: &HashMap<IdeaId, Idea>) -> Vec<IdeaName> {
    poll.idea_ids
        .iter()
        .map(|id| IdeaName {
            idea_id: *id,
            title: ideas
                .get(id)
                .map(|idea| idea.title.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// Counts `ballots` per stratum of the poll's audience and overall.
pub fn results(poll: &Poll, ideas: &HashMap<IdeaId, Idea>, ballots: &[Ballot]) -> Counted {
    let strata: Vec<StratumBallots> = Stratum::ALL
        .into_iter()
        .filter(|stratum| poll.audience.includes(*stratum))
        .map(|stratum| StratumBallots {
            stratum,
            weight: poll.weights.of(stratum),
            ballots: ballots
                .iter()
                .filter(|ballot| ballot.stratum == stratum)
                .map(|ballot| ballot.choices.clone())
                .collect(),
        })
        .collect();
    count::count(&idea_names(poll, ideas), poll.method, poll.top_k, &strata)
}

/// The poll's view as JSON text (for the idempotency record of a creation).
pub fn to_json(view: &PollView<'_>) -> Result<String, ApiError> {
    serde_json::to_string(view).map_err(ApiError::internal)
}
