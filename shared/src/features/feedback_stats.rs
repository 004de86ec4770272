//! A feature's daily rating totals (`keys::feedback_stats`): `count` and `sum` per cohort (or
//! `all`) and practice day, added to in each rating's transaction by the feedback function.
//! Read by the feedback function's averages and the support function's weekly digest.

use aws_sdk_dynamodb::Client;
use serde::Deserialize;

use crate::ApiError;
use crate::features::switches::Feature;
use crate::platform::keys;
use crate::platform::store::{self, string};

/// One day's totals of a feature's ratings for one cohort or `all`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DayStats {
    pub feature: Feature,
    pub cohort: String,
    pub day: String,
    pub count: u64,
    pub sum: u64,
}

/// `feature`'s daily totals for `cohort` (or `all`) from `from` to `to` (`yyyy-mm-dd`, both
/// included), oldest first, read consistently. Callers hold the access that allows it.
pub async fn read_stats(
    dynamo: &Client,
    table: &str,
    feature: Feature,
    cohort: &str,
    from: &str,
    to: &str,
) -> Result<Vec<DayStats>, ApiError> {
    let first = keys::feedback_stats(feature, cohort, from);
    let last = keys::feedback_stats(feature, cohort, to);
    store::query_all(|start_after| {
        dynamo
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk AND SK BETWEEN :from AND :to")
            .expression_attribute_values(":pk", string(first.pk.clone()))
            .expression_attribute_values(":from", string(first.sk.clone()))
            .expression_attribute_values(":to", string(last.sk.clone()))
            .consistent_read(true)
            .set_exclusive_start_key(start_after)
    })
    .await
}
