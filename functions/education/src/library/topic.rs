//! A health topic of the library, as stored and served: plain-language text in English (and
//! usually Spanish) with a link to read more, and the codes (and, for medications, the
//! ingredient names) that say which records it is about.

use std::fmt;

use portal_records::model::valid_loinc;
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

/// The longest title, and the longest summary (plain text).
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_SUMMARY_CHARS: usize = 1200;
/// The longest link (MedlinePlus links are well under 200 characters).
pub const MAX_URL_CHARS: usize = 500;

/// A topic's id: a slug (`type-2-diabetes`), stable, shown in links and keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TopicId(String);

impl TopicId {
    /// The topic named by the route's `{topicId}`; an id that cannot be a topic's names none
    /// (404, as every function answers an impossible id in a path).
    pub fn in_path(call: &portal_shared::platform::http::Call) -> Result<Self, ApiError> {
        call.path_param("topicId")
            .as_deref()
            .and_then(Self::parse)
            .ok_or(ApiError::NotFound)
    }

    /// `^[a-z0-9][a-z0-9-]{1,62}$`.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut chars = raw.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        (first_ok && rest_ok && (2..=63).contains(&raw.len())).then(|| TopicId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TopicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TopicId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        TopicId::parse(&raw).ok_or_else(|| format!("{raw:?} is not a topic id"))
    }
}

impl From<TopicId> for String {
    fn from(id: TopicId) -> Self {
        id.0
    }
}

/// What a topic is about; also the order in which matched topics are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TopicKind {
    Condition,
    Medication,
    Test,
}

impl TopicKind {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "condition" => Some(TopicKind::Condition),
            "medication" => Some(TopicKind::Medication),
            "test" => Some(TopicKind::Test),
            _ => None,
        }
    }
}

/// The code systems a topic's codes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeSystem {
    Icd10cm,
    Snomed,
    Loinc,
    Rxnorm,
}

impl CodeSystem {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "icd10cm" => Some(CodeSystem::Icd10cm),
            "snomed" => Some(CodeSystem::Snomed),
            "loinc" => Some(CodeSystem::Loinc),
            "rxnorm" => Some(CodeSystem::Rxnorm),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CodeSystem::Icd10cm => "icd10cm",
            CodeSystem::Snomed => "snomed",
            CodeSystem::Loinc => "loinc",
            CodeSystem::Rxnorm => "rxnorm",
        }
    }

    /// A code of this system as the library keeps it (ICD-10-CM upper case, dotted as sent),
    /// or what is wrong with it.
    pub fn code(self, raw: &str) -> Result<String, String> {
        let code = raw.trim();
        let ok = match self {
            CodeSystem::Icd10cm => icd10_well_formed(code),
            // SNOMED CT concept ids: 6 to 18 digits; RxNorm concept ids: 1 to 10 digits.
            CodeSystem::Snomed => digits(code, 6..=18),
            CodeSystem::Rxnorm => digits(code, 1..=10),
            CodeSystem::Loinc => valid_loinc(code),
        };
        if ok {
            Ok(code.to_owned())
        } else {
            Err(format!("is not a well-formed {} code", self.as_str()))
        }
    }
}

fn digits(code: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// An ICD-10-CM code or category: a letter, two more characters (a digit, then a digit or
/// letter), then optionally a dot and one to four more (`E11`, `E11.65`, `Z88.0`, `S52.521A`).
/// Upper case only: the library's codes are written as the classification writes them.
fn icd10_well_formed(code: &str) -> bool {
    let (category, rest) = match code.split_once('.') {
        Some((category, rest)) => (category, Some(rest)),
        None => (code, None),
    };
    let c: Vec<char> = category.chars().collect();
    let category_ok = c.len() == 3
        && c[0].is_ascii_uppercase()
        && c[1].is_ascii_digit()
        && (c[2].is_ascii_digit() || c[2].is_ascii_uppercase());
    let rest_ok = rest.is_none_or(|rest| {
        (1..=4).contains(&rest.len())
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    });
    category_ok && rest_ok
}

/// One code of a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicCode {
    pub system: CodeSystem,
    pub code: String,
}

/// A topic's text in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub title: String,
    pub summary: String,
    pub url: String,
}

pub use portal_shared::domain::language::Language;

/// A topic's text: English always, Spanish usually.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub en: Text,
    #[serde(default)]
    pub es: Option<Text>,
}

impl Content {
    /// The text in `language`, else in English: the text and the language it is in.
    pub fn in_language(&self, language: Language) -> (&Text, Language) {
        match (language, &self.es) {
            (Language::Es, Some(es)) => (es, Language::Es),
            _ => (&self.en, Language::En),
        }
    }
}

/// Where a topic comes from: the compiled-in starter library, or the practice's clinicians.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Starter,
    Practice,
}

/// Retired topics are hidden from patients and kept for history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TopicStatus {
    Active,
    Retired,
}

/// A staff member as a topic or an assignment names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffName {
    pub name: String,
}

impl StaffName {
    pub fn of(caller: &portal_shared::policy::caller::Caller) -> Self {
        StaffName {
            name: caller.shown_name(),
        }
    }
}

/// How patients found a topic: helpful or not, one vote each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub yes: u64,
    pub no: u64,
}

/// A topic of the library (`keys::education_topic` when stored; the starter topics at version
/// 0 until a clinician edits one).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Topic {
    pub topic_id: TopicId,
    pub kind: TopicKind,
    pub content: Content,
    pub codes: Vec<TopicCode>,
    /// Medication topics: ingredient names, matched as words in a medication's text.
    #[serde(default)]
    pub ingredients: Vec<String>,
    pub origin: Origin,
    pub status: TopicStatus,
    pub version: u64,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_by: Option<StaffName>,
    /// The votes, in staff views only (never stored on the topic: the tallies are their own
    /// items, so a vote never races an edit).
    #[serde(default, skip_deserializing)]
    pub helpful: Option<Tally>,
}

impl Topic {
    pub fn is_active(&self) -> bool {
        self.status == TopicStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_ids_are_slugs() {
        for good in ["e11", "type-2-diabetes", "a1", &"a".repeat(63)] {
            assert!(TopicId::parse(good).is_some(), "{good}");
        }
        for bad in [
            "",
            "a",
            "-a",
            "Type-2",
            "a_b",
            "a b",
            "ä1",
            &"a".repeat(64),
            "../x",
        ] {
            assert!(TopicId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn codes_are_checked_by_system() {
        for good in ["E11", "E11.65", "Z88.0", "S52.521A", "I10"] {
            assert!(CodeSystem::Icd10cm.code(good).is_ok(), "{good}");
        }
        for bad in ["e11", "E1", "E11.", "E11.12345", "11E", "E11-65"] {
            assert!(CodeSystem::Icd10cm.code(bad).is_err(), "{bad}");
        }
        assert!(CodeSystem::Snomed.code("44054006").is_ok());
        assert!(CodeSystem::Snomed.code("4405").is_err());
        assert!(CodeSystem::Loinc.code("4548-4").is_ok());
        assert!(CodeSystem::Loinc.code("4548").is_err());
        assert!(CodeSystem::Rxnorm.code("6809").is_ok());
        assert!(CodeSystem::Rxnorm.code("68x9").is_err());
        assert_eq!(CodeSystem::Rxnorm.code(" 860975 ").as_deref(), Ok("860975"));
    }

    #[test]
    fn a_missing_language_falls_back_to_english() {
        let text = |title: &str| Text {
            title: title.into(),
            summary: "s".into(),
            url: "https://medlineplus.gov/x.html".into(),
        };
        let only_en = Content {
            en: text("Diabetes"),
            es: None,
        };
        assert_eq!(only_en.in_language(Language::Es).1, Language::En);
        let both = Content {
            en: text("Diabetes"),
            es: Some(text("Diabetes tipo 2")),
        };
        let (es, language) = both.in_language(Language::Es);
        assert_eq!(
            (es.title.as_str(), language),
            ("Diabetes tipo 2", Language::Es)
        );
    }
}
