//! The practice's library of health topics: the compiled-in starter topics and the stored
//! ones (a stored topic overrides the starter topic of the same id: a clinician's edit or
//! retirement). Patients see the active topics; staff see all, with the helpful tallies.

pub mod input;
pub mod repo;
pub mod starter;
pub mod topic;

use std::collections::BTreeMap;

use portal_shared::ApiError;

use crate::Deps;
use crate::library::repo::LibraryStore;
use crate::library::topic::{Topic, TopicId};

pub fn store(deps: &Deps) -> LibraryStore<'_> {
    LibraryStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The library as it is now: every topic once, by id.
#[derive(Debug, Default)]
pub struct Library {
    topics: BTreeMap<TopicId, Topic>,
}

impl Library {
    /// Starter topics with the stored ones laid over them.
    pub fn of(starter: &[Topic], stored: Vec<Topic>) -> Self {
        let mut topics: BTreeMap<TopicId, Topic> = starter
            .iter()
            .map(|topic| (topic.topic_id.clone(), topic.clone()))
            .collect();
        for topic in stored {
            topics.insert(topic.topic_id.clone(), topic);
        }
        Library { topics }
    }

    pub fn get(&self, id: &TopicId) -> Option<&Topic> {
        self.topics.get(id)
    }

    /// The topics patients may see.
    pub fn active(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values().filter(|topic| topic.is_active())
    }

    /// Every topic, retired ones too, by id.
    pub fn into_all(self) -> Vec<Topic> {
        self.topics.into_values().collect()
    }
}

/// Reads the library (one Query of the stored topics).
pub async fn load(deps: &Deps) -> Result<Library, ApiError> {
    let stored = store(deps).stored_topics().await?;
    Ok(Library::of(starter::starter(), stored))
}

/// One topic as it is now: the stored one, else the starter one.
pub async fn topic(deps: &Deps, id: &TopicId) -> Result<Option<Topic>, ApiError> {
    Ok(match store(deps).stored_topic(id).await? {
        Some(stored) => Some(stored),
        None => starter::starter()
            .iter()
            .find(|topic| topic.topic_id == *id)
            .cloned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::topic::TopicStatus;

    #[test]
    fn a_stored_topic_overrides_the_starter_one() {
        let starter = starter::starter();
        let Some(first) = starter.first() else {
            panic!("the starter library is empty");
        };
        let mut retired = first.clone();
        retired.status = TopicStatus::Retired;
        retired.version = 1;
        let library = Library::of(starter, vec![retired]);
        assert_eq!(library.get(&first.topic_id).map(|t| t.version), Some(1));
        assert!(library.active().all(|t| t.topic_id != first.topic_id));
        assert_eq!(library.into_all().len(), starter.len());
    }
}
