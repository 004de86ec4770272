//! What the three kinds of respondent share: the polls as they see them, checking a ballot's
//! choices against the poll, and casting it (201 first, 200 replaced, 409 not open).

use std::collections::{BTreeSet, HashSet};

use futures::{StreamExt, TryStreamExt};
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{IdeaId, PollId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::json;
use portal_shared::platform::validation::FieldErrors;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::catalogue;
use crate::polls::model::{Ballot, BallotView, Method, Poll, PollState};
use crate::polls::repo::{CONCURRENT_READS, Cast, PollStore};
use crate::polls::store;
use crate::polls::view::PollForRespondent;
use crate::respondent::Respondent;

/// `{choices}`: the body of a staff member's or a patient's ballot.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotRequest {
    pub choices: Vec<String>,
}

/// `{ballot}`: a ballot as recorded.
#[derive(Debug, Serialize)]
struct CastBallot {
    ballot: BallotView,
}

/// `{items}`: the polls of a respondent.
#[derive(Debug, Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// Each of `polls` as `respondent` sees it: the ideas, their ballot, and once closed the
/// outcome (the closed polls' ballots are read to count it).
pub async fn as_seen_by(
    deps: &Deps,
    polls: &[Poll],
    respondent: &Respondent,
) -> Result<Vec<PollForRespondent>, ApiError> {
    let now = Timestamp::now();
    let idea_ids: Vec<IdeaId> = polls
        .iter()
        .flat_map(|poll| poll.idea_ids.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let ideas =
        catalogue::load_many(&deps.platform.dynamo, &deps.platform.app_table, &idea_ids).await?;
    let store = &store(deps);
    let asked: Vec<(PollId, bool)> = polls
        .iter()
        .map(|poll| (poll.poll_id, poll.state(now) == PollState::Closed))
        .collect();
    let read: Vec<(Option<Ballot>, Option<Vec<Ballot>>)> = futures::stream::iter(asked)
        .map(|(poll, closed)| ballots_of(store, poll, closed, respondent))
        .buffered(CONCURRENT_READS)
        .try_collect()
        .await?;
    Ok(polls
        .iter()
        .zip(read)
        .map(|(poll, (mine, ballots))| {
            PollForRespondent::new(poll, now, &ideas, mine.as_ref(), ballots.as_deref())
        })
        .collect())
}

/// The respondent's ballot in the poll, and when it is closed every ballot (for the outcome).
async fn ballots_of(
    store: &PollStore<'_>,
    poll: PollId,
    closed: bool,
    respondent: &Respondent,
) -> Result<(Option<Ballot>, Option<Vec<Ballot>>), ApiError> {
    let mine = store.ballot(poll, respondent).await?;
    let ballots = if closed {
        Some(store.ballots(poll).await?)
    } else {
        None
    };
    Ok((mine, ballots))
}

/// The choices of a ballot, checked against the poll: with `rank`, 1 to `topK` of its ideas
/// in order; with `approval`, 1 to all of them; none twice. Names every offending field.
pub fn checked_choices(poll: &Poll, raw: &[String]) -> Result<Vec<IdeaId>, ApiError> {
    let mut errors = FieldErrors::new();
    let most = match poll.method {
        Method::Rank => poll.top_k as usize,
        Method::Approval => poll.idea_ids.len(),
    };
    if raw.is_empty() {
        errors.add("choices", "must name at least one of the poll's ideas");
    } else if raw.len() > most {
        errors.add(
            "choices",
            match poll.method {
                Method::Rank => format!("ranks at most {most} ideas in this poll"),
                Method::Approval => format!("names at most the poll's {most} ideas"),
            },
        );
    }
    let mut seen = HashSet::new();
    let mut choices = Vec::with_capacity(raw.len());
    for (index, raw) in raw.iter().enumerate() {
        match IdeaId::parse(raw).filter(|id| poll.idea_ids.contains(id)) {
            None => errors.add(
                format!("choices[{index}]"),
                "is not one of the poll's ideas",
            ),
            Some(id) if !seen.insert(id) => errors.add(
                format!("choices[{index}]"),
                "names an idea already chosen: each idea at most once",
            ),
            Some(id) => choices.push(id),
        }
    }
    errors.finish()?;
    Ok(choices)
}

/// The 409 for a ballot outside the voting period.
pub fn not_open(poll: &Poll, now: Timestamp) -> ApiError {
    ApiError::PollClosed(match poll.state(now) {
        PollState::Scheduled => format!(
            "This poll is not open yet: it takes ballots from {} until {}.",
            poll.opens_at, poll.closes_at
        ),
        PollState::Open | PollState::Closed => {
            "This poll has closed: ballots are no longer taken.".to_owned()
        }
    })
}

/// Casts `respondent`'s ballot in `poll` (replacing their earlier one): 201 for the first,
/// 200 for a replacement, 409 when the poll is not open at the write's time.
pub async fn cast(
    deps: &Deps,
    poll: &Poll,
    respondent: &Respondent,
    choices: Vec<IdeaId>,
) -> Result<Response<Body>, ApiError> {
    let ballot = Ballot {
        poll_id: poll.poll_id,
        stratum: respondent.stratum(),
        respondent: respondent.key_part(),
        choices,
        cast_at: Timestamp::now(),
    };
    let status = match store(deps).cast(poll.poll_id, &ballot).await? {
        Cast::First => StatusCode::CREATED,
        Cast::Replaced => StatusCode::OK,
        Cast::NotOpen => return Err(not_open(poll, ballot.cast_at)),
    };
    json(
        status,
        &CastBallot {
            ballot: BallotView::from(&ballot),
        },
    )
}
