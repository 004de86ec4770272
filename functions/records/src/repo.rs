//! The health record in DynamoDB. Every function over the patient's data takes the
//! `PatientAccess` the authorizer issued (and audited) for it, so nothing is read or written
//! unaudited; keys come from `portal_shared::platform::keys`.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Put, PutRequest, TransactWriteItem, WriteRequest};
use backon::BackoffBuilder;
use futures::stream::{self, StreamExt, TryStreamExt};
use portal_shared::ApiError;
use portal_shared::domain::ids::{ImportId, RecordId};
use portal_shared::features::profile_facts::{Fact, ProfileFacts};
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, string};
use portal_shared::platform::write::capacity_back_off;
use portal_shared::policy::authz::PatientAccess;

use crate::model::{Category, ListFilter, PageBudget, StoredImport, StoredRecord, merge_key};

/// BatchWriteItem takes at most 25 puts.
const BATCH: usize = 25;
/// Batches in flight at once: fast enough for thousands of entries within API Gateway's 29 s,
/// gentle enough on an on-demand table.
const CONCURRENT_BATCHES: usize = 4;
/// Sends of one batch (its unprocessed rest, after the capacity back-off) before giving up
/// (the client retries the whole request, which rewrites the same items: no duplicates).
const BATCH_ATTEMPTS: usize = 6;
/// Index items read per Query while a list page is filled.
const INDEX_READ: i32 = 100;

/// The profile's family name and birth date (ISO), to compare with a bundle's Patient.
pub struct ProfileIdentity {
    pub family: String,
    pub born: String,
}

pub struct RecordStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> RecordStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        RecordStore { dynamo, table }
    }

    // -- The patient ------------------------------------------------------------------------

    /// The profile's family name and birth date; `None` when the patient has no profile.
    pub async fn profile_identity(
        &self,
        access: &PatientAccess,
    ) -> Result<Option<ProfileIdentity>, ApiError> {
        let facts = self
            .profile_facts(access, &[Fact::Name, Fact::DateOfBirth])
            .await?;
        Ok(facts.map(|facts| ProfileIdentity {
            family: facts
                .legal_name
                .map(|name| name.family.as_str().to_owned())
                .unwrap_or_default(),
            born: facts
                .date_of_birth
                .map(|born| born.to_iso())
                .unwrap_or_default(),
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
    pub async fn export_patient(
        &self,
        access: &PatientAccess,
    ) -> Result<Option<ProfileFacts>, ApiError> {
        self.profile_facts(access, &[Fact::Name, Fact::DateOfBirth, Fact::Sex])
            .await
    }

    async fn profile_facts(
        &self,
        access: &PatientAccess,
        facts: &[Fact],
    ) -> Result<Option<ProfileFacts>, ApiError> {
        ProfileFacts::read(self.dynamo, self.table, access, facts).await
    }

    // -- Writes -----------------------------------------------------------------------------

    /// The first response to a create retried with the same Idempotency-Key, if any.
    pub async fn earlier_response(
        &self,
        idempotency: Option<&Idempotency>,
    ) -> Result<Option<StoredResponse>, ApiError> {
        match idempotency {
            Some(idempotency) => idempotency.lookup(self.dynamo, self.table).await,
            None => Ok(None),
        }
    }

    /// Writes (or overwrites: record ids are derived from the source's ids) every record, in
    /// batches, sending again what DynamoDB leaves unprocessed after the capacity back-off.
    pub async fn put_all(
        &self,
        access: &PatientAccess,
        records: &[StoredRecord],
    ) -> Result<(), ApiError> {
        let batches = records
            .chunks(BATCH)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|record| {
                        let put = PutRequest::builder()
                            .set_item(Some(item_of(access, record)?))
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
        let mut pauses = capacity_back_off(BATCH_ATTEMPTS).build();
        loop {
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
            match pauses.next() {
                Some(pause) => tokio::time::sleep(pause).await,
                None => {
                    return Err(ApiError::Unavailable(
                        "the table kept some writes unprocessed; retrying the request completes \
                         the import"
                            .into(),
                    ));
                }
            }
        }
    }

    /// Creates a result the practice adds (never over an existing record), once per
    /// Idempotency-Key.
    pub async fn create_result(
        &self,
        access: &PatientAccess,
        record: &StoredRecord,
        idempotency: Option<&Idempotency>,
        response: StoredResponse,
    ) -> Result<Outcome, ApiError> {
        let create = self.create_record(access, record)?;
        create_once(self.dynamo, self.table, idempotency, vec![create], response).await
    }

    /// The write that creates `record` (never over an existing one) exactly as an import or
    /// an added result writes it (the record and its index entry), for a caller's own
    /// transaction: the refills function puts a renewed prescription with the request's
    /// decision (see `prescription`).
    pub fn create_record(
        &self,
        access: &PatientAccess,
        record: &StoredRecord,
    ) -> Result<TransactWriteItem, ApiError> {
        self.create(item_of(access, record)?)
    }

    /// Keeps an import's report (the records are written before), once per Idempotency-Key.
    pub async fn create_import_report(
        &self,
        access: &PatientAccess,
        import: &StoredImport,
        idempotency: Option<&Idempotency>,
        response: StoredResponse,
    ) -> Result<Outcome, ApiError> {
        let item = store::to_item(
            &keys::health_record_import(access.patient(), import.import_id),
            import,
        )?;
        let create = self.create(item)?;
        create_once(self.dynamo, self.table, idempotency, vec![create], response).await
    }

    /// The write that puts `item` unless its key exists.
    fn create(&self, item: Item) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(PK)"),
        )
    }

    // -- Records ----------------------------------------------------------------------------

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

    /// A page of the list: up to `wanted` groups of records that are the same thing (records
    /// without resources), in index order after `start_after`, and the key to resume after
    /// when more follow. The same thing from several sources sits side by side in the index,
    /// so the index is read until one group more than the page holds has begun (or to its
    /// end): a page never splits a group.
    pub async fn list_page(
        &self,
        access: &PatientAccess,
        filter: &ListFilter,
        start_after: Option<Item>,
        wanted: usize,
    ) -> Result<(Vec<Vec<StoredRecord>>, Option<Item>), ApiError> {
        let mut groups: Vec<(String, Vec<StoredRecord>, Item)> = Vec::new();
        let mut start = start_after;
        let mut more = false;
        loop {
            let (items, last) = self.index_page(access, filter, start, INDEX_READ).await?;
            for (record, key) in items {
                match groups.last_mut() {
                    Some((merge_key, group, last_key)) if *merge_key == record.merge_key => {
                        group.push(record);
                        *last_key = key;
                    }
                    _ => groups.push((record.merge_key.clone(), vec![record], key)),
                }
            }
            start = last;
            if groups.len() > wanted {
                more = true;
                break;
            }
            if start.is_none() {
                break;
            }
        }
        groups.truncate(wanted);
        let next = if more {
            groups.last().map(|(_, _, key)| key.clone())
        } else {
            None
        };
        Ok((
            groups.into_iter().map(|(_, group, _)| group).collect(),
            next,
        ))
    }

    /// One page of the index (a category, or all), filtered by source and date.
    async fn index_page(
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
    /// as many as `budget` admits; and, when more follow, the key to resume after.
    pub async fn export_page(
        &self,
        access: &PatientAccess,
        start_after: Option<Item>,
        mut budget: PageBudget,
    ) -> Result<(Vec<StoredRecord>, Option<Item>), ApiError> {
        let mut page: Vec<StoredRecord> = Vec::new();
        let mut start = start_after;
        loop {
            let (records, next) =
                store::query_page::<StoredRecord>(self.record_items(access, start)).await?;
            for record in records {
                if !budget.admit(record.resource.len()) {
                    let resume = page.last().map(|last| {
                        keys::health_record(access.patient(), &last.record_id).attributes()
                    });
                    return Ok((page, resume));
                }
                page.push(record);
            }
            start = next;
            if start.is_none() {
                return Ok((page, None));
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

    /// Every record of the patient in one category, with its FHIR resource, in the index's order
    /// (the same thing from several sources side by side): what other functions read of the
    /// record (refills' medications, education's matching). The index is eventually consistent.
    pub async fn all_in_category(
        &self,
        access: &PatientAccess,
        category: Category,
    ) -> Result<Vec<StoredRecord>, ApiError> {
        let index = string(keys::health_record_index(access.patient()));
        let prefix = string(keys::health_record_category_prefix(category.as_str()));
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :pk AND begins_with(GSI1SK, :prefix)")
                .expression_attribute_values(":pk", index.clone())
                .expression_attribute_values(":prefix", prefix.clone())
                .set_exclusive_start_key(start_after)
        })
        .await
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

    // -- Import reports ---------------------------------------------------------------------

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
}

/// A record as stored: in the patient's partition, and in the patient's index (GSI1) by
/// category and group. Refused for a record of another patient than `access`'s.
fn item_of(access: &PatientAccess, record: &StoredRecord) -> Result<Item, ApiError> {
    if record.patient_id != access.patient() {
        return Err(ApiError::internal("a record of another patient"));
    }
    let mut item = store::to_item(
        &keys::health_record(access.patient(), &record.record_id),
        record,
    )?;
    // Who and where: exported and shown as the care team, never listed as a record.
    if record.category == Category::Directory {
        return Ok(item);
    }
    item.insert(
        keys::GSI1PK.to_owned(),
        string(keys::health_record_index(access.patient())),
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
const SUMMARY_ATTRIBUTES: [&str; 22] = [
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
    "directory",
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
