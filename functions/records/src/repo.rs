//! The health record in DynamoDB. Every read takes the `PatientAccess` proof, so nothing is read
//! unaudited; keys come from `portal_shared::platform::keys`.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use futures::stream::{self, StreamExt, TryStreamExt};
use portal_shared::ApiError;
use portal_shared::domain::ids::{ImportId, RecordId};
use portal_shared::features::profile_facts::{self, Fact, ProfileFacts};
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, string};
use portal_shared::policy::authz::PatientAccess;

use crate::export::PageBudget;
use crate::model::{Category, StoredRecord, merge_key};
use crate::reports::StoredImport;

/// BatchWriteItem takes at most 25 puts.
const BATCH: usize = 25;
/// Batches in flight at once: fast enough for thousands of entries within API Gateway's 29 s,
/// gentle enough on an on-demand table.
const CONCURRENT_BATCHES: usize = 4;
/// Attempts at the unprocessed rest of one batch before giving up (the client retries the
/// whole request, which rewrites the same items: no duplicates).
const ATTEMPTS: u32 = 6;

pub struct Records<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
}

/// Filters of a list.
pub struct ListFilter {
    pub category: Option<Category>,
    pub source: Option<String>,
    pub since: Option<String>,
}

pub fn item_of(record: &StoredRecord) -> Result<Item, ApiError> {
    let mut item = store::to_item(
        &keys::health_record(record.patient_id, &record.record_id),
        record,
    )?;
    item.insert(
        keys::GSI1PK.to_owned(),
        string(keys::health_record_index(record.patient_id)),
    );
    item.insert(
        keys::GSI1SK.to_owned(),
        string(keys::health_record_index_sort(
            record.category.as_str(),
            &record.index_group,
            &record.record_id,
        )),
    );
    Ok(item)
}

impl Records<'_> {
    /// Writes (or overwrites: record ids are derived from the source's ids) every record, in
    /// batches, retrying what DynamoDB leaves unprocessed.
    pub async fn put_all(
        &self,
        access: &PatientAccess,
        records: &[StoredRecord],
    ) -> Result<(), ApiError> {
        if records.iter().any(|r| r.patient_id != access.patient()) {
            return Err(ApiError::internal("a record of another patient"));
        }
        let batches = records
            .chunks(BATCH)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|record| {
                        let put = PutRequest::builder()
                            .set_item(Some(item_of(record)?))
                            .build()
                            .map_err(ApiError::internal)?;
                        Ok(WriteRequest::builder().put_request(put).build())
                    })
                    .collect::<Result<Vec<_>, ApiError>>()
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        stream::iter(batches.into_iter().map(|batch| self.write_batch(batch)))
            .buffer_unordered(CONCURRENT_BATCHES)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    async fn write_batch(&self, mut requests: Vec<WriteRequest>) -> Result<(), ApiError> {
        for attempt in 0..ATTEMPTS {
            let output = self
                .dynamo
                .batch_write_item()
                .request_items(self.table, requests)
                .send()
                .await
                .map_err(store::sdk_error)?;
            requests = output
                .unprocessed_items
                .and_then(|mut left| left.remove(self.table))
                .unwrap_or_default();
            if requests.is_empty() {
                return Ok(());
            }
            if attempt + 1 < ATTEMPTS {
                store::back_off_for_capacity(attempt + 1).await;
            }
        }
        Err(ApiError::Unavailable(
            "the table kept some writes unprocessed; retrying the request completes the import"
                .into(),
        ))
    }

    pub async fn get(
        &self,
        access: &PatientAccess,
        record: &RecordId,
    ) -> Result<Option<StoredRecord>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::health_record(access.patient(), record),
            None,
        )
        .await?;
        item.map(store::from_item).transpose()
    }

    /// One page of the index (a category, or all), filtered by source and date.
    pub async fn index_page(
        &self,
        access: &PatientAccess,
        filter: &ListFilter,
        start_after: Option<Item>,
        limit: i32,
    ) -> Result<(Vec<(StoredRecord, Item)>, Option<Item>), ApiError> {
        let mut query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(keys::GSI1)
            .expression_attribute_values(":pk", string(keys::health_record_index(access.patient())))
            .limit(limit)
            .set_exclusive_start_key(start_after);
        // Everything but the FHIR resource, and the keys a cursor resumes after.
        query = projected(
            query,
            SUMMARY_ATTRIBUTES.iter().copied().chain([
                keys::PK,
                keys::SK,
                keys::GSI1PK,
                keys::GSI1SK,
            ]),
        );
        query = match filter.category {
            Some(category) => query
                .key_condition_expression("GSI1PK = :pk AND begins_with(GSI1SK, :prefix)")
                .expression_attribute_values(
                    ":prefix",
                    string(keys::health_record_category_prefix(category.as_str())),
                ),
            None => query.key_condition_expression("GSI1PK = :pk"),
        };
        let mut conditions = Vec::new();
        if let Some(source) = &filter.source {
            conditions.push("#source.sourceId = :source");
            query = query
                .expression_attribute_names("#source", "source")
                .expression_attribute_values(":source", string(source.clone()));
        }
        if let Some(since) = &filter.since {
            // A partial date covers a period: "2024" (or "2024-06") is on or after 2024-06-01
            // because its period ends after it. Full days compare as text; a partial date
            // before `since` as text is in range exactly when it is `since`'s year or month.
            conditions.push("(#day >= :since OR #day IN (:sinceYear, :sinceMonth))");
            let (year, month) = since_periods(since);
            query = query
                .expression_attribute_names("#day", "day")
                .expression_attribute_values(":since", string(since.clone()))
                .expression_attribute_values(":sinceYear", string(year))
                .expression_attribute_values(":sinceMonth", string(month));
        }
        if !conditions.is_empty() {
            query = query.filter_expression(conditions.join(" AND "));
        }
        let output = query.send().await.map_err(store::sdk_error)?;
        let items = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| {
                let key = index_key(&item);
                store::from_item::<StoredRecord>(item).map(|record| (record, key))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok((items, output.last_evaluated_key))
    }

    /// The records that are the same thing as `record` (itself included, once the index has
    /// it): its index group, which holds nothing else but a rare hash collision, filtered by merge
    /// key. Empty for a record that merges with nothing.
    pub async fn same_thing(
        &self,
        access: &PatientAccess,
        record: &StoredRecord,
    ) -> Result<Vec<StoredRecord>, ApiError> {
        if record.merge_key == merge_key(record.category, None, &record.record_id) {
            return Ok(Vec::new());
        }
        let index = string(keys::health_record_index(access.patient()));
        let group_prefix = string(keys::health_record_group_prefix(
            record.category.as_str(),
            &record.index_group,
        ));
        let mut group: Vec<StoredRecord> = store::query_all(|start| {
            let query = self
                .dynamo
                .query()
                .table_name(self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :pk AND begins_with(GSI1SK, :group)")
                .expression_attribute_values(":pk", index.clone())
                .expression_attribute_values(":group", group_prefix.clone())
                .set_exclusive_start_key(start);
            projected(query, SUMMARY_ATTRIBUTES.iter().copied())
        })
        .await?;
        group.retain(|r| r.merge_key == record.merge_key);
        Ok(group)
    }

    /// The export's next page: records with their resources in key order after `start_after`,
    /// as many as `budget` admits; and whether more follow.
    pub async fn export_page(
        &self,
        access: &PatientAccess,
        start_after: Option<Item>,
        mut budget: PageBudget,
    ) -> Result<(Vec<StoredRecord>, bool), ApiError> {
        let mut page = Vec::new();
        let mut start = start_after;
        loop {
            let (records, next) =
                store::query_page::<StoredRecord>(self.record_items(access, start)).await?;
            for record in records {
                if !budget.admit(record.resource.len()) {
                    return Ok((page, true));
                }
                page.push(record);
            }
            start = next;
            if start.is_none() {
                return Ok((page, false));
            }
        }
    }

    /// Every record of the patient without the FHIR resources (sources, summary, series).
    pub async fn all_summaries(
        &self,
        access: &PatientAccess,
    ) -> Result<Vec<StoredRecord>, ApiError> {
        let mut records = Vec::new();
        let mut start = None;
        loop {
            let query = projected(
                self.record_items(access, start),
                SUMMARY_ATTRIBUTES.iter().copied(),
            );
            let (page, next) = store::query_page::<StoredRecord>(query).await?;
            records.extend(page);
            start = next;
            if start.is_none() {
                return Ok(records);
            }
        }
    }

    /// The Query of the patient's record items (sort keys `RECORD#...`) in key order, strongly
    /// consistent, after `start_after`.
    fn record_items(
        &self,
        access: &PatientAccess,
        start_after: Option<Item>,
    ) -> QueryFluentBuilder {
        self.dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", string(keys::patient_partition(access.patient())))
            .expression_attribute_values(":prefix", string(keys::RECORD_PREFIX))
            .consistent_read(true)
            .set_exclusive_start_key(start_after)
    }

    /// One page of the patient's import reports, newest first (import ids sort by time).
    pub async fn import_page(
        &self,
        access: &PatientAccess,
        start_after: Option<Item>,
        limit: i32,
    ) -> Result<(Vec<StoredImport>, Option<Item>), ApiError> {
        store::newest_in_patient_partition(
            self.dynamo,
            self.table,
            access,
            keys::IMPORT_PREFIX,
            limit,
            start_after,
        )
        .await
    }

    pub async fn import_report(
        &self,
        access: &PatientAccess,
        import: ImportId,
    ) -> Result<Option<StoredImport>, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::health_record_import(access.patient(), import),
            None,
        )
        .await?;
        item.map(store::from_item).transpose()
    }

    /// The profile's family name and birth date, to compare with the bundle's Patient.
    pub async fn profile_identity(
        &self,
        access: &PatientAccess,
    ) -> Result<Option<(String, String)>, ApiError> {
        let facts = profile_facts::read(
            self.dynamo,
            self.table,
            access.patient(),
            &[Fact::Name, Fact::DateOfBirth],
        )
        .await?;
        Ok(facts.map(|facts| {
            let family = facts
                .legal_name
                .map(|name| name.family.as_str().to_owned())
                .unwrap_or_default();
            let born = facts
                .date_of_birth
                .map(|born| born.to_iso())
                .unwrap_or_default();
            (family, born)
        }))
    }

    /// 404 unless the patient has a profile (a well-formed id of nobody names no record).
    pub async fn require_patient(&self, access: &PatientAccess) -> Result<(), ApiError> {
        self.profile_identity(access)
            .await?
            .map(|_| ())
            .ok_or(ApiError::NotFound)
    }

    /// The profile as the export's Patient resource needs it.
    pub async fn profile(&self, access: &PatientAccess) -> Result<Option<ProfileFacts>, ApiError> {
        profile_facts::read(
            self.dynamo,
            self.table,
            access.patient(),
            &[Fact::Name, Fact::DateOfBirth, Fact::Sex],
        )
        .await
    }
}

/// The year and month of a `since` date (YYYY-MM-DD, checked by the handler).
fn since_periods(since: &str) -> (String, String) {
    (
        since.chars().take(4).collect(),
        since.chars().take(7).collect(),
    )
}

/// Whether a record's `day` (a full or partial date) falls on or after `since` by the same
/// rule as the list's filter: the period a partial date covers ends on or after `since`.
#[cfg(test)]
fn on_or_after(day: &str, since: &str) -> bool {
    let (year, month) = since_periods(since);
    day >= since || day == year || day == month
}

/// What lists, the summary and series read of a record: all but the FHIR resource.
const SUMMARY_ATTRIBUTES: [&str; 21] = [
    "recordId",
    "patientId",
    "category",
    "resourceType",
    "resourceId",
    "title",
    "status",
    "date",
    "day",
    "code",
    "loinc",
    "measured",
    "source",
    "mergeKey",
    "indexGroup",
    "fullUrl",
    "patientReferences",
    "organizationReferences",
    "importId",
    "updatedAt",
    "explanation",
];

/// `query` reading only the `attributes` named (as `#p0, #p1...`: some are reserved words).
fn projected<'n>(
    mut query: QueryFluentBuilder,
    attributes: impl Iterator<Item = &'n str>,
) -> QueryFluentBuilder {
    let mut placeholders = Vec::new();
    for (index, name) in attributes.enumerate() {
        let placeholder = format!("#p{index}");
        query = query.expression_attribute_names(&placeholder, name);
        placeholders.push(placeholder);
    }
    query.projection_expression(placeholders.join(", "))
}

/// The index key of an item (what a cursor resumes after).
fn index_key(item: &Item) -> Item {
    [keys::PK, keys::SK, keys::GSI1PK, keys::GSI1SK]
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), item.get(*name)?.clone())))
        .collect::<HashMap<String, AttributeValue>>()
}

#[cfg(test)]
mod tests {
    use super::on_or_after;

    #[test]
    fn partial_dates_count_by_the_period_they_cover() {
        let since = "2024-06-01";
        for day in [
            "2024-06-01",
            "2024-06-02",
            "2024-07",
            "2024-06",
            "2024",
            "2025",
            "2025-01",
        ] {
            assert!(on_or_after(day, since), "{day}");
        }
        for day in ["2024-05-31", "2024-05", "2023", "2023-12-31"] {
            assert!(!on_or_after(day, since), "{day}");
        }
        assert!(on_or_after("2024-06", "2024-06-30"));
        assert!(!on_or_after("2024-06", "2024-07-01"));
    }
}
