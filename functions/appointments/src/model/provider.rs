//! Providers of the practice's directory and their published schedules.

use portal_shared::domain::ids::ProviderId;
use portal_shared::domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::schedule::ScheduleDoc;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    pub provider_id: ProviderId,
    pub name: String,
    pub specialty: String,
    pub accepting_new_patients: bool,
    pub visit_types: Vec<String>,
    pub created_at: Timestamp,
    /// Optimistic lock (the ETag of `GET /providers/{providerId}`): 1 when added, one more per
    /// edit; 0 for a provider stored before providers had versions.
    #[serde(default)]
    pub version: u64,
}

impl Provider {
    /// Whether the provider sees visits of this type.
    pub fn offers(&self, visit_type: &str) -> bool {
        self.visit_types.iter().any(|offered| offered == visit_type)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSchedule {
    #[serde(flatten)]
    pub doc: ScheduleDoc,
    /// `None` only for the empty schedule of a provider who has none yet (never stored).
    pub published_at: Option<Timestamp>,
    /// Optimistic lock (the ETag); 0 means never published (or published before versions).
    #[serde(default)]
    pub version: u64,
}

impl StoredSchedule {
    /// The schedule of a provider without published hours: empty, at version 0.
    pub fn unpublished() -> StoredSchedule {
        StoredSchedule {
            doc: ScheduleDoc {
                weekly: Vec::new(),
                closed_dates: Vec::new(),
                date_hours: Vec::new(),
                blocks: Vec::new(),
            },
            published_at: None,
            version: 0,
        }
    }
}
