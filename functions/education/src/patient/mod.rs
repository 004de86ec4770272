//! The patient's side (a patient, or a caregiver with the `records` scope; clinicians read it
//! too): the topics matched to the record and assigned, one topic, the helpful vote. Every
//! route is the `education` feature's; the authorizer checks the switch, the relationship and
//! the scope, and audits the access.

mod get;
mod helpful;
mod list;

pub use get::handle as get;
pub use helpful::handle as helpful;
pub use list::handle as list;

use portal_records::model::StoredRecord;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;

use crate::Deps;
use crate::library::topic::TopicId;
use crate::matching::findings::{Finding, finding};
use crate::repo::PatientStore;

fn store(deps: &Deps) -> PatientStore<'_> {
    PatientStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// One topic of the patient's, as the access log names it (the id when it is one).
pub fn topic_resource(call: &Call) -> AuditResource {
    TopicId::in_path(call).map_or(AuditResource::Education, |topic| {
        AuditResource::EducationTopic(topic.to_string())
    })
}

/// What the record says now, for matching.
fn findings_of(records: &[StoredRecord]) -> Vec<Finding> {
    let today = Timestamp::now().date();
    records.iter().filter_map(|r| finding(r, today)).collect()
}
