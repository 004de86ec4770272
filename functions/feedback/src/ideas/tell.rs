//! Closing the loop: when an idea's status changes, everyone who supported it is told, each
//! exactly once per change. Supporters are the respondents whose ballot, in any poll listing
//! the idea, ranked or approved it (`polls::supporters_of`), and the patients who rated the
//! feature the idea is linked to (`ratings::raters_of`); a person in both is told once.
//! Another practice answered through a link and has no account: it sees the outcome through
//! its link, so nobody is told for it.
//!
//! Each recipient gets one transaction whose first write is deterministic for the change
//! (`idea:<ideaId>:v<version>`) and created only if absent, beside the outbox record:
//! - a patient: their in-app update (`updates::put`) + `Kind::IdeaStatusChanged` to them;
//! - a staff member: a marker in their account's partition + the record to them (staff have
//!   no in-app updates; the sender emails them).
//!
//! A failed condition on the first write means that person was told already: skipped. So a
//! fan-out cut short can run again (the next save of the idea does it) and tells nobody twice.
//! The transactions run a few at a time ([`CONCURRENCY`]).

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_dynamodb::types::TransactWriteItem;
use futures::StreamExt;
use portal_shared::ApiError;
use portal_shared::domain::ids::{IdeaId, PatientId, SuggestionId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{
    AboutIdea, AboutSuggestion, Kind, Notification, Recipient,
};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::caller::UserSub;
use serde::Serialize;

use crate::Deps;
use crate::ideas::model::{Idea, Suggestion, SuggestionStatus};
use crate::ideas::repo::TellOutcome;
use crate::respondent::Respondent;
use crate::updates::{self, FeedbackUpdate, UpdateKind};
use crate::{polls, ratings};

/// How many recipients' transactions are in flight at once.
pub const CONCURRENCY: usize = 8;

/// Unsent outbox records are useless after this (as for the messages' notifications); TTL
/// removes them. The news itself stays in the patient's updates.
const KEEP_FOR: Duration = Duration::from_secs(14 * 24 * 60 * 60);

/// Someone to tell of an idea's new status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Supporter {
    Patient(PatientId),
    Staff(UserSub),
}

/// Everyone to tell, each once, in the order first met (ballots, then ratings): patients who
/// both voted and rated are one recipient; practices (no account) are nobody to tell.
pub fn recipients(voters: Vec<Respondent>, raters: Vec<PatientId>) -> Vec<Supporter> {
    let mut seen = HashSet::new();
    voters
        .into_iter()
        .filter_map(|respondent| match respondent {
            Respondent::Patient(patient) => Some(Supporter::Patient(patient)),
            Respondent::Staff(sub) => Some(Supporter::Staff(sub)),
            Respondent::Practice(_) => None,
        })
        .chain(raters.into_iter().map(Supporter::Patient))
        .filter(|supporter| seen.insert(supporter.clone()))
        .collect()
}

/// The deterministic name of the news of `idea`'s status change at `version`.
pub fn idea_news(idea: IdeaId, version: u64) -> String {
    format!("idea:{idea}:v{version}")
}

/// The deterministic name of the news of a decision on `suggestion` (decided once).
pub fn suggestion_news(suggestion: SuggestionId) -> String {
    format!("suggestion:{suggestion}")
}

/// What the marker holds (ids and times only).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ToldMarker<'a> {
    at: Timestamp,
    idea_id: IdeaId,
    status: &'a str,
}

/// Tells every supporter of `idea` of its status, as changed at `status_version` (the
/// idea's version that changed it). The number newly told; an error when some transaction
/// failed (the others stand; running it again finishes the job).
pub async fn close_the_loop(
    deps: &Deps,
    idea: &Idea,
    status_version: u64,
) -> Result<usize, ApiError> {
    let voters = polls::supporters_of(deps, idea.idea_id).await?;
    let raters = match idea.feature {
        Some(feature) => ratings::raters_of(deps, feature).await?,
        None => Vec::new(),
    };
    let everyone = recipients(voters, raters);
    let store = super::store(deps);
    let news = idea_news(idea.idea_id, status_version);
    let now = Timestamp::now();
    let outcomes: Vec<Result<TellOutcome, ApiError>> = futures::stream::iter(everyone)
        .map(|supporter| {
            let (store, news) = (&store, news.as_str());
            async move {
                let items = telling(store.table(), idea, news, &supporter, now)?;
                store.tell(items).await
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut told = 0;
    let mut failure = None;
    for outcome in outcomes {
        match outcome {
            Ok(TellOutcome::Told) => told += 1,
            Ok(TellOutcome::AlreadyTold) => {}
            Err(error) => {
                failure.get_or_insert(error);
            }
        }
    }
    if let Some(error) = failure {
        tracing::error!(
            idea = %idea.idea_id,
            status_version,
            told,
            "telling an idea's supporters was cut short"
        );
        return Err(error);
    }
    store.mark_told(idea.idea_id, status_version).await?;
    Ok(told)
}

/// One supporter's writes: the deduplicating one first, then the outbox record.
fn telling(
    table: &str,
    idea: &Idea,
    news: &str,
    supporter: &Supporter,
    now: Timestamp,
) -> Result<Vec<TransactWriteItem>, ApiError> {
    let about = AboutIdea {
        idea_id: idea.idea_id,
        status: idea.status.as_str().to_owned(),
    };
    let (first, recipient) = match supporter {
        Supporter::Patient(patient) => {
            let update = FeedbackUpdate {
                at: now,
                kind: UpdateKind::IdeaStatus,
                idea_id: Some(idea.idea_id),
                title: Some(idea.title.clone()),
                status: Some(idea.status.as_str().to_owned()),
                reason: idea.decline_reason.clone(),
                suggestion_id: None,
                feedback_id: None,
            };
            (
                updates::put(table, *patient, news, &update)?,
                Recipient::Patient {
                    patient_id: *patient,
                },
            )
        }
        Supporter::Staff(sub) => {
            let marker = ToldMarker {
                at: now,
                idea_id: idea.idea_id,
                status: idea.status.as_str(),
            };
            (
                store::create_put(table, &keys::staff_told_marker(sub, news), &marker)?,
                Recipient::StaffMember { sub: sub.clone() },
            )
        }
    };
    let record = Notification::pending(
        Kind::IdeaStatusChanged,
        recipient,
        about,
        now,
        now.plus(KEEP_FOR),
    );
    Ok(vec![first, record.put(table)?])
}

/// The author's news of a decision on their suggestion: the in-app update (created only if
/// absent) and the outbox record, for the decision's transaction.
pub fn decision_telling(
    table: &str,
    decided: &Suggestion,
    now: Timestamp,
) -> Result<Vec<TransactWriteItem>, ApiError> {
    let accepted = decided.status == SuggestionStatus::Accepted;
    let update = FeedbackUpdate {
        at: now,
        kind: UpdateKind::SuggestionDecided,
        idea_id: decided.idea_id,
        title: Some(decided.title.clone()),
        status: Some(decided.status.as_str().to_owned()),
        reason: decided.reason.clone(),
        suggestion_id: Some(decided.suggestion_id),
        feedback_id: None,
    };
    let record = Notification::pending(
        Kind::SuggestionDecided,
        Recipient::Patient {
            patient_id: decided.patient_id,
        },
        AboutSuggestion {
            suggestion_id: decided.suggestion_id,
            accepted,
        },
        now,
        now.plus(KEEP_FOR),
    );
    Ok(vec![
        updates::put(
            table,
            decided.patient_id,
            &suggestion_news(decided.suggestion_id),
            &update,
        )?,
        record.put(table)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::domain::ids::BallotLinkId;

    fn sub(raw: &str) -> UserSub {
        UserSub::parse(raw).expect("a sub")
    }

    #[test]
    fn each_supporter_is_told_once_and_practices_not_at_all() {
        let (ana, ben, cy) = (
            PatientId::generate(),
            PatientId::generate(),
            PatientId::generate(),
        );
        let lead = sub("3f1c2d4e-0000-4000-8000-000000000001");
        let voters = vec![
            Respondent::Patient(ana),
            Respondent::Staff(lead.clone()),
            Respondent::Practice(BallotLinkId::generate()),
            Respondent::Patient(ben),
            // The same staff member in a second poll.
            Respondent::Staff(lead.clone()),
        ];
        // Ben voted and rated; Cy only rated, twice (two ratings of the feature).
        let raters = vec![ben, cy, cy];
        assert_eq!(
            recipients(voters, raters),
            vec![
                Supporter::Patient(ana),
                Supporter::Staff(lead),
                Supporter::Patient(ben),
                Supporter::Patient(cy),
            ]
        );
    }

    #[test]
    fn nobody_supported_it() {
        assert!(recipients(Vec::new(), Vec::new()).is_empty());
        let practices = vec![Respondent::Practice(BallotLinkId::generate())];
        assert!(recipients(practices, Vec::new()).is_empty());
    }

    #[test]
    fn the_news_is_named_by_the_change() {
        let idea = IdeaId::generate();
        assert_eq!(idea_news(idea, 3), format!("idea:{idea}:v3"));
        let staff = sub("3f1c2d4e-0000-4000-8000-000000000002");
        let marker = keys::staff_told_marker(&staff, &idea_news(idea, 3));
        assert_eq!(marker.pk, keys::account_partition(&staff));
        assert_eq!(marker.sk, format!("FEEDBACK_TOLD#idea:{idea}:v3"));
    }
}
