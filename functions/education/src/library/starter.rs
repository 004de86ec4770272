//! The starter library: health topics written for the portal (plain language, English and
//! Spanish, MedlinePlus links, real codes), compiled in so every practice starts with them.
//! A clinician's edit is stored and overrides the starter topic of the same id.

use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use crate::library::input::{TopicBody, TopicFields};
use crate::library::topic::{Origin, Topic, TopicStatus};

const STARTER_JSON: &str = include_str!("../../content/starter-library.json");

#[derive(Deserialize)]
struct StarterFile {
    topics: Vec<Value>,
}

/// Every starter topic, checked as a clinician's topic would be (the unit tests make sure all
/// of them pass; one that did not would be left out and logged, never fail a request).
pub fn starter() -> &'static [Topic] {
    static STARTER: LazyLock<Vec<Topic>> = LazyLock::new(|| {
        parse(STARTER_JSON)
            .into_iter()
            .filter_map(|parsed| match parsed {
                Ok(topic) => Some(topic),
                Err(why) => {
                    tracing::error!(%why, "a starter topic is invalid and was left out");
                    None
                }
            })
            .collect()
    });
    &STARTER
}

/// Each topic of the file, or why it is not valid.
fn parse(json: &str) -> Vec<Result<Topic, String>> {
    let file: StarterFile = match serde_json::from_str(json) {
        Ok(file) => file,
        Err(error) => return vec![Err(format!("the starter library is not readable: {error}"))],
    };
    file.topics.into_iter().map(one).collect()
}

fn one(mut value: Value) -> Result<Topic, String> {
    // The file may spell out what the library sets itself.
    if let Value::Object(fields) = &mut value {
        for kept in ["origin", "status", "version"] {
            fields.remove(kept);
        }
    }
    let id = value
        .get("topicId")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned();
    let body: TopicBody =
        serde_json::from_value(value).map_err(|error| format!("{id}: {error}"))?;
    let fields = body
        .validate(None)
        .map_err(|error| format!("{id}: {error:?}"))?;
    Ok(of_fields(fields, Origin::Starter, 0))
}

/// A topic of valid fields, active, at `version`.
pub fn of_fields(fields: TopicFields, origin: Origin, version: u64) -> Topic {
    Topic {
        topic_id: fields.topic_id,
        kind: fields.kind,
        content: fields.content,
        codes: fields.codes,
        ingredients: fields.ingredients,
        origin,
        status: TopicStatus::Active,
        version,
        updated_at: None,
        updated_by: None,
        helpful: None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::library::topic::{CodeSystem, TopicKind};

    #[test]
    fn every_starter_topic_is_valid_in_both_languages() {
        let parsed = parse(STARTER_JSON);
        let problems: Vec<&String> = parsed.iter().filter_map(|p| p.as_ref().err()).collect();
        assert!(problems.is_empty(), "{problems:#?}");
        let topics: Vec<&Topic> = parsed.iter().filter_map(|p| p.as_ref().ok()).collect();
        let ids: HashSet<&str> = topics.iter().map(|t| t.topic_id.as_str()).collect();
        assert_eq!(ids.len(), topics.len(), "topic ids are unique");
        for topic in &topics {
            let es = topic.content.es.as_ref();
            assert!(es.is_some(), "{} has Spanish", topic.topic_id);
            assert!(
                topic.content.en.url.starts_with("https://medlineplus.gov/")
                    && es.is_some_and(|es| es.url.starts_with("https://medlineplus.gov/spanish/")),
                "{} links MedlinePlus in both languages",
                topic.topic_id
            );
            assert!(
                !topic.codes.is_empty(),
                "{} is matched by codes",
                topic.topic_id
            );
        }
        let count = |kind| topics.iter().filter(|t| t.kind == kind).count();
        assert!(count(TopicKind::Condition) >= 14);
        assert!(count(TopicKind::Medication) >= 12);
        assert!(count(TopicKind::Test) >= 10);
        assert_eq!(starter().len(), topics.len());
    }

    #[test]
    fn the_starter_library_has_what_the_demo_needs() {
        let has = |system: CodeSystem, code: &str| {
            starter()
                .iter()
                .any(|t| t.codes.iter().any(|c| c.system == system && c.code == code))
        };
        for (system, code) in [
            (CodeSystem::Icd10cm, "E11"),
            (CodeSystem::Snomed, "44054006"),
            (CodeSystem::Icd10cm, "I10"),
            (CodeSystem::Snomed, "38341003"),
            (CodeSystem::Rxnorm, "6809"),
            (CodeSystem::Rxnorm, "860975"),
            (CodeSystem::Rxnorm, "29046"),
            (CodeSystem::Rxnorm, "314076"),
            (CodeSystem::Loinc, "4548-4"),
            (CodeSystem::Loinc, "17856-6"),
            (CodeSystem::Icd10cm, "Z88.0"),
            (CodeSystem::Snomed, "91936005"),
        ] {
            assert!(has(system, code), "{system:?} {code}");
        }
        assert!(
            starter()
                .iter()
                .any(|t| t.ingredients.iter().any(|i| i == "metformin"))
        );
        // Every starter topic is a starter topic at version 0.
        assert!(
            starter()
                .iter()
                .all(|t| t.origin == Origin::Starter && t.version == 0 && t.is_active())
        );
    }
}
