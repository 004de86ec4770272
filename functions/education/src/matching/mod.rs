//! Which topics of the library are about this patient, and why: pure, no I/O. A topic matches
//! a finding of its kind (condition topics: conditions and allergies; medication topics:
//! current medications; test topics: recent results) by code — ICD-10-CM by prefix, so the
//! category `E11` covers `E11.65` and `E1165`; SNOMED CT, LOINC and RxNorm exactly — or, for a
//! medication, by an ingredient's name as a word of its text. A topic a clinician assigned is
//! listed whether or not the record says anything about it.

pub mod findings;

use std::cmp::Reverse;
use std::collections::HashMap;

use portal_shared::domain::ids::RecordId;
use portal_shared::domain::timestamp::Timestamp;
use serde::Serialize;

use crate::library::topic::{CodeSystem, Language, StaffName, Topic, TopicId, TopicKind};
use crate::matching::findings::{Finding, FindingKind};

/// Why a topic is on the patient's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasonKind {
    Condition,
    Medication,
    Result,
    Assigned,
}

/// One reason: a record that matched (`display`, the code that matched, the record and its
/// source), or a clinician's assignment (`note`, `assignedBy`, `assignedAt`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    pub kind: ReasonKind,
    pub display: Option<String>,
    pub system: Option<CodeSystem>,
    pub code: Option<String>,
    pub record_id: Option<RecordId>,
    pub source_name: Option<String>,
    pub note: Option<String>,
    pub assigned_by: Option<StaffName>,
    pub assigned_at: Option<Timestamp>,
}

/// A clinician's assignment of a topic, as matching needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub topic_id: TopicId,
    pub note: Option<String>,
    pub assigned_by: StaffName,
    pub assigned_at: Timestamp,
}

impl Assigned {
    pub fn reason(&self) -> Reason {
        Reason {
            kind: ReasonKind::Assigned,
            display: None,
            system: None,
            code: None,
            record_id: None,
            source_name: None,
            note: self.note.clone(),
            assigned_by: Some(self.assigned_by.clone()),
            assigned_at: Some(self.assigned_at),
        }
    }
}

/// A topic as the patient reads it, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientTopic {
    pub topic_id: TopicId,
    pub kind: TopicKind,
    pub title: String,
    pub summary: String,
    pub url: String,
    /// The language served: the one asked for, or English when the topic has no other.
    pub language: Language,
    pub reasons: Vec<Reason>,
    /// The patient's vote; `null` before they vote.
    pub helpful: Option<bool>,
}

impl PatientTopic {
    pub fn of(
        topic: &Topic,
        language: Language,
        reasons: Vec<Reason>,
        helpful: Option<bool>,
    ) -> Self {
        let (text, language) = topic.content.in_language(language);
        PatientTopic {
            topic_id: topic.topic_id.clone(),
            kind: topic.kind,
            title: text.title.clone(),
            summary: text.summary.clone(),
            url: text.url.clone(),
            language,
            reasons,
            helpful,
        }
    }
}

/// The patient's topics: every active topic assigned or matched, with its reasons — assigned
/// ones first (newest first), then conditions, medications and tests, each by title.
pub fn patient_topics<'a>(
    topics: impl IntoIterator<Item = &'a Topic>,
    findings: &[Finding],
    assigned: &[Assigned],
    votes: &HashMap<TopicId, bool>,
    language: Language,
) -> Vec<PatientTopic> {
    let mut listed: Vec<(Option<Timestamp>, PatientTopic)> = topics
        .into_iter()
        .filter(|topic| topic.is_active())
        .filter_map(|topic| {
            let assignment = assigned.iter().find(|a| a.topic_id == topic.topic_id);
            let reasons = reasons(topic, findings, assignment);
            if reasons.is_empty() {
                return None;
            }
            let helpful = votes.get(&topic.topic_id).copied();
            Some((
                assignment.map(|a| a.assigned_at),
                PatientTopic::of(topic, language, reasons, helpful),
            ))
        })
        .collect();
    listed.sort_by_cached_key(|(at, topic)| {
        (
            at.is_none(),
            Reverse(*at),
            topic.kind,
            topic.title.to_lowercase(),
        )
    });
    listed.into_iter().map(|(_, topic)| topic).collect()
}

/// Why `topic` is the patient's: a clinician's assignment of it first, then the records
/// ([`reasons_for`]); none when it is not theirs.
pub fn reasons(topic: &Topic, findings: &[Finding], assignment: Option<&Assigned>) -> Vec<Reason> {
    let mut reasons: Vec<Reason> = assignment.map(Assigned::reason).into_iter().collect();
    reasons.extend(reasons_for(topic, findings));
    reasons
}

/// Every record that makes `topic` the patient's, once per thing and source (the newest
/// result of a code from a source stands for the older ones).
pub fn reasons_for(topic: &Topic, findings: &[Finding]) -> Vec<Reason> {
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    // Newest first (undated last), so the reason shown for repeated results is the latest.
    ordered.sort_by(|a, b| (a.kind, Reverse(&a.day)).cmp(&(b.kind, Reverse(&b.day))));
    let mut reasons: Vec<Reason> = Vec::new();
    for finding in ordered {
        let Some(reason) = reason(topic, finding) else {
            continue;
        };
        let same = |r: &Reason| {
            r.kind == reason.kind
                && r.system == reason.system
                && r.code == reason.code
                && r.source_name == reason.source_name
                && (r.code.is_some() || r.display == reason.display)
        };
        if !reasons.iter().any(same) {
            reasons.push(reason);
        }
    }
    reasons
}

/// Why `finding` makes `topic` the patient's, if it does.
fn reason(topic: &Topic, finding: &Finding) -> Option<Reason> {
    let kind = match (topic.kind, finding.kind) {
        (TopicKind::Condition, FindingKind::Condition) => ReasonKind::Condition,
        (TopicKind::Medication, FindingKind::Medication) => ReasonKind::Medication,
        (TopicKind::Test, FindingKind::Result) => ReasonKind::Result,
        _ => return None,
    };
    let by_code = finding.codings.iter().find(|coding| {
        topic.codes.iter().any(|code| {
            code.system == coding.system && same_code(code.system, &code.code, &coding.code)
        })
    });
    let (system, code) = match by_code {
        Some(coding) => (Some(coding.system), Some(coding.code.clone())),
        None if topic.kind == TopicKind::Medication
            && topic.ingredients.iter().any(|ingredient| {
                finding
                    .words
                    .iter()
                    .any(|text| names_word(text, ingredient))
            }) =>
        {
            (None, None)
        }
        None => return None,
    };
    Some(Reason {
        kind,
        display: Some(finding.display.clone()),
        system,
        code,
        record_id: Some(finding.record_id.clone()),
        source_name: Some(finding.source_name.clone()),
        note: None,
        assigned_by: None,
        assigned_at: None,
    })
}

/// Whether a record's code is the topic's: ICD-10-CM by prefix without dots (a category
/// covers its subcodes), the other systems exactly.
pub fn same_code(system: CodeSystem, topic: &str, record: &str) -> bool {
    match system {
        CodeSystem::Icd10cm => {
            let plain = |code: &str| -> String {
                code.trim()
                    .chars()
                    .filter(|c| *c != '.')
                    .map(|c| c.to_ascii_uppercase())
                    .collect()
            };
            let topic = plain(topic);
            !topic.is_empty() && plain(record).starts_with(&topic)
        }
        CodeSystem::Snomed | CodeSystem::Loinc | CodeSystem::Rxnorm => {
            topic.trim() == record.trim()
        }
    }
}

/// Whether `text` (lower case) names `word` (lower case) as a whole word: `metformin` in
/// "24 hr metformin hydrochloride 500 mg", not in "metforminx".
pub fn names_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests;
