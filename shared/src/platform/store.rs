//! Item mapping (serde_dynamo) and the reading of DynamoDB's errors: a failed condition is a
//! client-visible conflict, throttling is "try again", anything else is a server error.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::builders::PutBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ApiError;
use crate::platform::keys::Key;

pub type Item = HashMap<String, AttributeValue>;

/// Serialises a record and adds its key attributes.
pub fn to_item<T: Serialize>(key: &Key, record: &T) -> Result<Item, ApiError> {
    let mut item: Item = serde_dynamo::to_item(record)?;
    item.extend(key.attributes());
    Ok(item)
}

/// An UpdateItem's expression that writes every attribute of a record, and removes the listed
/// optional ones the record no longer has, leaving attributes that other features keep on the
/// same item untouched (which a whole-item PutItem would erase).
#[derive(Debug)]
pub struct SetAttributes {
    pub expression: String,
    pub names: HashMap<String, String>,
    pub values: HashMap<String, AttributeValue>,
}

pub fn set_attributes<T: Serialize>(
    record: &T,
    optional: &[&str],
) -> Result<SetAttributes, ApiError> {
    let item: Item = serde_dynamo::to_item(record)?;
    let mut names = HashMap::new();
    let mut values = HashMap::new();
    let mut sets = Vec::new();
    let mut attributes: Vec<_> = item.into_iter().collect();
    attributes.sort_by(|a, b| a.0.cmp(&b.0));
    for (index, (name, value)) in attributes.into_iter().enumerate() {
        sets.push(format!("#set{index} = :set{index}"));
        names.insert(format!("#set{index}"), name);
        values.insert(format!(":set{index}"), value);
    }
    let mut removes = Vec::new();
    for (index, name) in optional.iter().enumerate() {
        if !names.values().any(|present| present == name) {
            removes.push(format!("#remove{index}"));
            names.insert(format!("#remove{index}"), (*name).to_owned());
        }
    }
    let mut expression = format!("SET {}", sets.join(", "));
    if !removes.is_empty() {
        expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
    }
    Ok(SetAttributes {
        expression,
        names,
        values,
    })
}

/// One page of a patient's items of one kind (sort keys starting with `prefix`), newest first,
/// read strongly consistent: the partition is the patient, so `access` bounds what is read.
pub async fn newest_in_patient_partition<T: DeserializeOwned>(
    dynamo: &aws_sdk_dynamodb::Client,
    table: &str,
    access: &crate::policy::access::PatientAccess,
    prefix: &str,
    limit: i32,
    start_after: Option<Item>,
) -> Result<(Vec<T>, Option<Item>), ApiError> {
    let query = dynamo
        .query()
        .table_name(table)
        .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
        .expression_attribute_values(
            ":pk",
            string(crate::platform::keys::patient_partition(access.patient())),
        )
        .expression_attribute_values(":prefix", string(prefix))
        .scan_index_forward(false)
        .consistent_read(true)
        .limit(limit)
        .set_exclusive_start_key(start_after);
    query_page(query).await
}

/// Sends one Query and reads its page: the items as `T`, and where the next page starts.
pub async fn query_page<T: DeserializeOwned>(
    query: QueryFluentBuilder,
) -> Result<(Vec<T>, Option<Item>), ApiError> {
    let output = query.send().await.map_err(sdk_error)?;
    let items = output
        .items
        .unwrap_or_default()
        .into_iter()
        .map(from_item)
        .collect::<Result<Vec<T>, ApiError>>()?;
    Ok((items, output.last_evaluated_key))
}

/// Every item a Query finds, following `LastEvaluatedKey` page by page (`query` builds the
/// request for each page from the key to start after). For lists that are read whole and kept
/// small by design (a provider's waitlist, a shard of markers, a caregiver's grants).
pub async fn query_all<T: DeserializeOwned>(
    query: impl Fn(Option<Item>) -> QueryFluentBuilder,
) -> Result<Vec<T>, ApiError> {
    let mut found = Vec::new();
    let mut start_after = None;
    loop {
        let (page, last) = query_page::<T>(query(start_after.take())).await?;
        found.extend(page);
        match last {
            Some(last) if !last.is_empty() => start_after = Some(last),
            _ => return Ok(found),
        }
    }
}

/// One page of a list that is filtered after it is read (DynamoDB's `Limit` counts the items
/// read, not those kept): reads on from `start_after` until `limit` items pass `keep` or the
/// data ends. The position to resume from is that of the last item kept (`position` rebuilds
/// its key attributes), so the next page starts just after it, whatever was read and skipped;
/// `None` when the data ended.
pub async fn filled_page<T: DeserializeOwned>(
    query: impl Fn(Option<Item>) -> QueryFluentBuilder,
    limit: i32,
    mut start_after: Option<Item>,
    keep: impl Fn(&T) -> bool,
    position: impl Fn(&T) -> Item,
) -> Result<(Vec<T>, Option<Item>), ApiError> {
    let wanted = usize::try_from(limit.max(1)).unwrap_or(1);
    let mut kept = Vec::new();
    loop {
        let (read, last) = query_page::<T>(
            query(start_after.take()).limit(crate::platform::pagination::MAX_LIMIT),
        )
        .await?;
        let mut read = read.into_iter();
        for item in read.by_ref() {
            if keep(&item) {
                kept.push(item);
                if kept.len() == wanted {
                    break;
                }
            }
        }
        if kept.len() == wanted {
            let more = read.len() > 0 || last.is_some();
            let resume = if more {
                kept.last().map(&position)
            } else {
                None
            };
            return Ok((kept, resume));
        }
        match last {
            Some(last) => start_after = Some(last),
            None => return Ok((kept, None)),
        }
    }
}

/// One Put of a transaction, as built (its condition, if any, set on `put`).
pub fn transact_put(put: PutBuilder) -> Result<TransactWriteItem, ApiError> {
    let put = put.build().map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Reads one item, strongly consistent; `projection` limits the attributes read.
pub async fn get_item(
    dynamo: &aws_sdk_dynamodb::Client,
    table: &str,
    key: &Key,
    projection: Option<&str>,
) -> Result<Option<Item>, ApiError> {
    let mut request = dynamo
        .get_item()
        .table_name(table)
        .set_key(Some(key.attributes()))
        .consistent_read(true);
    if let Some(projection) = projection {
        request = request.projection_expression(projection);
    }
    Ok(request.send().await.map_err(sdk_error)?.item)
}

/// Puts that create `items`, each only if no item has its key yet (for one transaction).
pub fn create_puts(table: &str, items: Vec<Item>) -> Result<Vec<TransactWriteItem>, ApiError> {
    items
        .into_iter()
        .map(|item| create_item_put(table, item))
        .collect()
}

/// The Put (for a transaction) that creates `record` under `key`, never over an item.
pub fn create_put(
    table: &str,
    key: &Key,
    record: &impl Serialize,
) -> Result<TransactWriteItem, ApiError> {
    create_item_put(table, to_item(key, record)?)
}

fn create_item_put(table: &str, item: Item) -> Result<TransactWriteItem, ApiError> {
    transact_put(
        Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)"),
    )
}

/// How a transaction ended, when DynamoDB answered at all.
#[derive(Debug, PartialEq, Eq)]
pub enum Transacted {
    Done,
    /// Nothing was written: the conditions of these items (by index) did not hold. A real
    /// answer about the data: retrying the same writes cannot succeed.
    ConditionsFailed(Vec<usize>),
    /// Nothing was written: another transaction on the same items was in flight
    /// (`TransactionConflict`). Says nothing about the data: the same writes may well succeed
    /// a moment later (see [`transact_retrying`]).
    Contention,
}

/// What a cancelled transaction's per-item reasons (in item order; `None` or `"None"` for an
/// item that did not cause it) say. A failed condition wins over a conflict on another item:
/// the condition is an answer about the data, which a retry would meet again. `None` when the
/// reasons are neither (throttling, validation...): an error, not an outcome.
pub fn cancellation_outcome<'a>(
    reasons: impl IntoIterator<Item = Option<&'a str>>,
) -> Option<Transacted> {
    let mut failed = Vec::new();
    let mut conflict = false;
    for (index, code) in reasons.into_iter().enumerate() {
        match code {
            Some("ConditionalCheckFailed") => failed.push(index),
            Some("TransactionConflict") => conflict = true,
            _ => {}
        }
    }
    if !failed.is_empty() {
        Some(Transacted::ConditionsFailed(failed))
    } else if conflict {
        Some(Transacted::Contention)
    } else {
        None
    }
}

/// True when a cancellation's reasons say DynamoDB was throttled (a 503, "try again later").
fn cancelled_by_throttling<'a>(reasons: impl IntoIterator<Item = Option<&'a str>>) -> bool {
    reasons.into_iter().any(|code| {
        matches!(
            code,
            Some("ThrottlingError" | "ProvisionedThroughputExceeded" | "RequestLimitExceeded")
        )
    })
}

fn outcome_of(
    error: &SdkError<TransactWriteItemsError, impl std::fmt::Debug>,
) -> Option<Transacted> {
    match error.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
            cancellation_outcome(cancelled.cancellation_reasons().iter().map(|r| r.code()))
        }
        // Another request with the same client token is still running: a conflict too.
        Some(TransactWriteItemsError::TransactionInProgressException(_)) => {
            Some(Transacted::Contention)
        }
        _ => None,
    }
}

/// Runs one transaction; a failed condition or a conflict is an answer, not an error.
pub async fn transact(
    dynamo: &aws_sdk_dynamodb::Client,
    items: Vec<TransactWriteItem>,
) -> Result<Transacted, ApiError> {
    match dynamo
        .transact_write_items()
        .set_transact_items(Some(items))
        .send()
        .await
    {
        Ok(_) => Ok(Transacted::Done),
        Err(error) => match outcome_of(&error) {
            Some(outcome) => Ok(outcome),
            None => {
                let throttled = match error.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
                        cancelled_by_throttling(
                            cancelled.cancellation_reasons().iter().map(|r| r.code()),
                        )
                    }
                    _ => false,
                };
                if throttled {
                    Err(ApiError::Unavailable(Box::new(error)))
                } else {
                    Err(sdk_error(error))
                }
            }
        },
    }
}

pub fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, ApiError> {
    Ok(serde_dynamo::from_item(item)?)
}

pub fn string(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn number(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

const THROTTLING: [&str; 4] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "LimitExceededException",
];

/// Maps an SDK error to the API error a client should see (503 when throttled, else 500).
pub fn sdk_error<E, R>(error: SdkError<E, R>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let throttled = error
        .as_service_error()
        .and_then(|service| service.code())
        .is_some_and(|code| THROTTLING.contains(&code));
    if throttled {
        ApiError::Unavailable(Box::new(error))
    } else {
        ApiError::internal(error)
    }
}

/// True when a single-item write failed only because its condition did not hold.
pub fn is_condition_failure<E, R>(error: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    error.as_service_error().and_then(|service| service.code())
        == Some("ConditionalCheckFailedException")
}

/// For a cancelled transaction: the index of each item whose condition failed. `None` when the
/// transaction failed for another reason (throttling, a conflict with another transaction...).
pub fn failed_conditions<R: std::fmt::Debug>(
    error: &SdkError<TransactWriteItemsError, R>,
) -> Option<Vec<usize>> {
    match outcome_of(error) {
        Some(Transacted::ConditionsFailed(failed)) => Some(failed),
        _ => None,
    }
}

/// True when a transaction lost a race with another one on the same items (and no condition
/// failed): worth retrying.
pub fn is_transaction_conflict<R: std::fmt::Debug>(
    error: &SdkError<TransactWriteItemsError, R>,
) -> bool {
    outcome_of(error) == Some(Transacted::Contention)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Record {
        a: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
    }

    #[test]
    fn sets_present_attributes_and_removes_absent_optional_ones() {
        let update = set_attributes(&Record { a: 1, b: None }, &["b"]).expect("update");
        assert_eq!(update.expression, "SET #set0 = :set0 REMOVE #remove0");
        assert_eq!(update.names["#set0"], "a");
        assert_eq!(update.names["#remove0"], "b");
        let update = set_attributes(
            &Record {
                a: 1,
                b: Some("x".into()),
            },
            &["b"],
        )
        .expect("update");
        assert_eq!(update.expression, "SET #set0 = :set0, #set1 = :set1");
    }

    #[test]
    fn cancellation_reasons_map_to_outcomes() {
        let outcome = |codes: &[Option<&str>]| cancellation_outcome(codes.iter().copied());
        assert_eq!(
            outcome(&[Some("None"), Some("ConditionalCheckFailed"), None]),
            Some(Transacted::ConditionsFailed(vec![1]))
        );
        assert_eq!(
            outcome(&[Some("TransactionConflict"), Some("None")]),
            Some(Transacted::Contention)
        );
        // A failed condition is the answer, whatever else conflicted.
        assert_eq!(
            outcome(&[
                Some("TransactionConflict"),
                Some("ConditionalCheckFailed"),
                Some("ConditionalCheckFailed")
            ]),
            Some(Transacted::ConditionsFailed(vec![1, 2]))
        );
        assert_eq!(outcome(&[Some("ThrottlingError"), Some("None")]), None);
        assert_eq!(outcome(&[Some("ValidationError")]), None);
        assert_eq!(outcome(&[]), None);
        assert!(cancelled_by_throttling([
            Some("None"),
            Some("ThrottlingError")
        ]));
        assert!(!cancelled_by_throttling([Some("TransactionConflict")]));
    }
}
