//! Reading the days' adoption partitions (`keys::adoption_day`): one Query per day, all pages.
//! The rollout function's adoption report and the support function's weekly digest both read
//! them; the auth function, the invitation waves and the feature gate write them.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::Client;
use futures::{StreamExt, TryStreamExt};

use crate::ApiError;
use crate::features::sign_ins::{ACTIVE_METRIC, PATIENTS_ATTRIBUTE};
use crate::platform::keys;
use crate::platform::store::{self, Item};

/// Days read at once.
const PARALLEL_DAYS: usize = 8;

/// What one day's partition holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Day {
    /// `(cohort or "all", metric)` → count (`invited`, `delivered`, `activated`,
    /// `use:<feature>`).
    pub counts: BTreeMap<(String, String), i64>,
    /// Cohort (or `all`) → the ids of the patients who signed in (shards merged). Held to
    /// count them, never answered.
    pub signed_in: BTreeMap<String, BTreeSet<String>>,
}

impl Day {
    /// Adds one item of the partition.
    pub fn add(&mut self, item: &Item) {
        let Some(sk) = item.get(keys::SK).and_then(|value| value.as_s().ok()) else {
            return;
        };
        let Some((who, metric)) = sk.split_once('#') else {
            return;
        };
        if metric == ACTIVE_METRIC || metric.starts_with(&format!("{ACTIVE_METRIC}#")) {
            if let Some(patients) = item
                .get(PATIENTS_ATTRIBUTE)
                .and_then(|value| value.as_ss().ok())
            {
                self.signed_in
                    .entry(who.to_owned())
                    .or_default()
                    .extend(patients.iter().cloned());
            }
        } else if let Some(n) = item
            .get("n")
            .and_then(|value| value.as_n().ok())
            .and_then(|n| n.parse::<i64>().ok())
        {
            *self
                .counts
                .entry((who.to_owned(), metric.to_owned()))
                .or_default() += n;
        }
    }

    /// The day's count of `metric` for `who` (a cohort or `all`), 0 when none was written.
    pub fn count(&self, who: &str, metric: &str) -> i64 {
        self.counts
            .get(&(who.to_owned(), metric.to_owned()))
            .copied()
            .unwrap_or(0)
    }
}

/// Each of `days` (`yyyy-mm-dd`), read. Callers hold the access that allows it (the figures
/// are counts: `Action::ReadAdoption`, `Action::ReadDigests`).
pub async fn read_days(
    dynamo: &Client,
    table: &str,
    days: &[String],
) -> Result<BTreeMap<String, Day>, ApiError> {
    let read: Vec<(String, Day)> = futures::stream::iter(days.iter().cloned())
        .map(|day| async move {
            let partition = keys::adoption_day(&day);
            let mut found = Day::default();
            let mut start_after = None;
            loop {
                let output = dynamo
                    .query()
                    .table_name(table)
                    .key_condition_expression("PK = :pk")
                    .expression_attribute_values(":pk", store::string(partition.clone()))
                    .set_exclusive_start_key(start_after.take())
                    .send()
                    .await
                    .map_err(store::sdk_error)?;
                for item in output.items() {
                    found.add(item);
                }
                match output.last_evaluated_key {
                    Some(last) if !last.is_empty() => start_after = Some(last),
                    _ => break,
                }
            }
            Ok::<_, ApiError>((day, found))
        })
        .buffered(PARALLEL_DAYS)
        .try_collect()
        .await?;
    Ok(read.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn item(sk: &str, value: (&str, AttributeValue)) -> Item {
        Item::from([
            (keys::SK.to_owned(), store::string(sk)),
            (value.0.to_owned(), value.1),
        ])
    }

    #[test]
    fn counters_and_sharded_sets_are_read() {
        let mut day = Day::default();
        day.add(&item("all#invited", ("n", store::number(3))));
        day.add(&item("beta-1#use:messaging", ("n", store::number(2))));
        let set =
            |ids: &[&str]| AttributeValue::Ss(ids.iter().map(|id| (*id).to_owned()).collect());
        day.add(&item("all#active#03", ("patients", set(&["A", "B"]))));
        day.add(&item("all#active#07", ("patients", set(&["C"]))));
        day.add(&item("beta-1#active", ("patients", set(&["A"]))));
        day.add(&item("nonsense", ("n", store::number(1))));
        assert_eq!(day.counts[&("all".into(), "invited".into())], 3);
        assert_eq!(day.counts[&("beta-1".into(), "use:messaging".into())], 2);
        assert_eq!(day.count("all", "invited"), 3);
        assert_eq!(day.count("all", "delivered"), 0);
        assert_eq!(day.signed_in["all"].len(), 3);
        assert_eq!(day.signed_in["beta-1"].len(), 1);
        assert_eq!(day.counts.len(), 2);
    }
}
