//! What a digest is composed from, read for the job (no caller: the digest holds counts, ids,
//! statuses and the team's incident titles only). Reports and incidents through their own
//! stores; adoption days and rating totals through `portal_shared::features` (as the rollout
//! and feedback functions read them); suggestions counted on their GSI1 queues.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::Select;
use futures::{StreamExt, TryStreamExt};
use portal_shared::ApiError;
use portal_shared::features::adoption::{self, Day};
use portal_shared::features::feedback_stats::{self, DayStats};
use portal_shared::features::switches::Feature;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, string};

use crate::Deps;
use crate::digests::figures::{ALL, Window};
use crate::digests::week::Week;
use crate::incidents::model::Incident;
use crate::reports::model::{QueueState, Report};

/// Features whose rating totals are read at once.
const PARALLEL_FEATURES: usize = 4;
/// The suggestions' statuses (`SuggestionStatus` in the feedback function) and the one that
/// waits for a portal lead.
const SUGGESTION_STATUSES: [&str; 3] = ["pending", "accepted", "declined"];
const WAITING: &str = "pending";

/// The open queue now, and the resolved queue from the week's start.
pub async fn reports(deps: &Deps, week: Window) -> Result<(Vec<Report>, Vec<Report>), ApiError> {
    let store = crate::reports::store(deps);
    let open = store.whole_queue(QueueState::Open, None).await?;
    let resolved = store
        .whole_queue(QueueState::Resolved, Some(week.start))
        .await?;
    Ok((open, resolved))
}

pub async fn incidents(deps: &Deps) -> Result<Vec<Incident>, ApiError> {
    crate::incidents::store(deps).all().await
}

/// The day partitions of `week` and the week before it.
pub async fn adoption_days(deps: &Deps, week: Week) -> Result<BTreeMap<String, Day>, ApiError> {
    let days: Vec<String> = week
        .previous()
        .days()
        .into_iter()
        .chain(week.days())
        .collect();
    let platform = &deps.platform;
    adoption::read_days(&platform.dynamo, &platform.app_table, &days).await
}

/// Every feature's daily rating totals for all patients over `week` and the week before it.
pub async fn rating_totals(
    deps: &Deps,
    week: Week,
) -> Result<Vec<(Feature, Vec<DayStats>)>, ApiError> {
    let from = week.previous().id();
    let to = week.sunday().to_string();
    let platform = &deps.platform;
    let (from, to) = (&from, &to);
    futures::stream::iter(Feature::ALL.iter().copied())
        .map(|feature| async move {
            let stats = feedback_stats::read_stats(
                &platform.dynamo,
                &platform.app_table,
                feature,
                ALL,
                from,
                to,
            )
            .await?;
            Ok::<_, ApiError>((feature, stats))
        })
        .buffered(PARALLEL_FEATURES)
        .try_collect()
        .await
}

/// Suggestions made in the week (every status), and those waiting for a decision now.
pub async fn suggestions(deps: &Deps, week: Window) -> Result<(u64, u64), ApiError> {
    let mut made = 0;
    for status in SUGGESTION_STATUSES {
        made += count_queue(deps, status, Some(week)).await?;
    }
    let waiting = count_queue(deps, WAITING, None).await?;
    Ok((made, waiting))
}

/// How many suggestions the GSI1 queue of `status` holds, created within `within` when given
/// (its sort key is `<createdAt>#<suggestionId>`).
async fn count_queue(deps: &Deps, status: &str, within: Option<Window>) -> Result<u64, ApiError> {
    let platform = &deps.platform;
    let queue = keys::suggestions_queue(status);
    let mut total: u64 = 0;
    let mut start_after = None;
    loop {
        let query = platform
            .dynamo
            .query()
            .table_name(&platform.app_table)
            .index_name(keys::GSI1)
            .select(Select::Count)
            .expression_attribute_values(":queue", string(queue.clone()))
            .set_exclusive_start_key(start_after.take());
        let query = match within {
            // `<end>#…` sorts after `<end>`: BETWEEN leaves the end out, as the window does.
            Some(window) => query
                .key_condition_expression("GSI1PK = :queue AND GSI1SK BETWEEN :from AND :to")
                .expression_attribute_values(":from", string(window.start.to_string()))
                .expression_attribute_values(":to", string(window.end.to_string())),
            None => query.key_condition_expression("GSI1PK = :queue"),
        };
        let output = query.send().await.map_err(store::sdk_error)?;
        total += u64::try_from(output.count()).unwrap_or(0);
        match output.last_evaluated_key {
            Some(last) if !last.is_empty() => start_after = Some(last),
            _ => return Ok(total),
        }
    }
}
