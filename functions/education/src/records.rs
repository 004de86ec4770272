//! The patient's records that matching reads, from the consolidated record the records
//! function keeps (GSI1 `health_record_index`, one Query per category: conditions, allergies,
//! medications and results). Read only; the records function owns them.

use portal_records::RecordStore;
use portal_records::model::{Category, StoredRecord};
use portal_shared::ApiError;
use portal_shared::policy::authz::PatientAccess;

use crate::Deps;

/// The categories that can match a topic.
const MATCHED: [Category; 4] = [
    Category::Conditions,
    Category::Allergies,
    Category::Medications,
    Category::Labs,
];

/// Every record of the patient in the categories matching reads.
pub async fn matched_categories(
    deps: &Deps,
    access: &PatientAccess,
) -> Result<Vec<StoredRecord>, ApiError> {
    let store = RecordStore::new(&deps.platform.dynamo, &deps.platform.app_table);
    let pages = futures::future::try_join_all(
        MATCHED
            .iter()
            .map(|category| store.all_in_category(access, *category)),
    )
    .await?;
    Ok(pages.into_iter().flatten().collect())
}
