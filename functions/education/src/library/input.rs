//! A topic as clinicians (and the starter library) write it, read loosely and then checked
//! field by field: every problem is named by its JSON path (`content.en.title`,
//! `codes[2].code`, `content.es.url`).

use portal_shared::ApiError;
use portal_shared::domain::text::plain_text;
use portal_shared::platform::validation::FieldErrors;
use serde::Deserialize;

use crate::library::topic::{
    CodeSystem, Content, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, Text, TopicCode,
    TopicId, TopicKind,
};

/// The most codes and ingredients one topic lists.
pub const MAX_CODES: usize = 40;
pub const MAX_INGREDIENTS: usize = 20;
const MAX_INGREDIENT_CHARS: usize = 60;

/// The body of `POST /staff/education/topics` and `PUT /staff/education/topics/{topicId}`:
/// a topic without what the library keeps itself (origin, status, version, tallies).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TopicBody {
    #[serde(default)]
    pub topic_id: Option<String>,
    pub kind: String,
    pub content: ContentBody,
    #[serde(default)]
    pub codes: Vec<CodeBody>,
    #[serde(default)]
    pub ingredients: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentBody {
    #[serde(default)]
    pub en: Option<TextBody>,
    #[serde(default)]
    pub es: Option<TextBody>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextBody {
    pub title: String,
    pub summary: String,
    pub url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    pub system: String,
    pub code: String,
}

/// A valid topic body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicFields {
    pub topic_id: TopicId,
    pub kind: TopicKind,
    pub content: Content,
    pub codes: Vec<TopicCode>,
    pub ingredients: Vec<String>,
}

impl TopicBody {
    /// Checks every field. `path_id`: the topic the URL names (an edit), which the body may
    /// repeat but not contradict; without it (a new topic) `topicId` is required.
    pub fn validate(self, path_id: Option<&TopicId>) -> Result<TopicFields, ApiError> {
        let mut errors = FieldErrors::new();
        let topic_id = match (self.topic_id.as_deref().map(str::trim), path_id) {
            (None, Some(id)) => Some(id.clone()),
            (None, None) => {
                errors.add("topicId", "is required");
                None
            }
            (Some(raw), path) => match TopicId::parse(raw) {
                None => {
                    errors.add(
                        "topicId",
                        "must be 2 to 63 lower-case letters, digits and hyphens, starting with a \
                         letter or digit",
                    );
                    None
                }
                Some(id) if path.is_some_and(|path| *path != id) => {
                    errors.add("topicId", "must be the topic of the URL");
                    None
                }
                Some(id) => Some(id),
            },
        };
        let kind = errors.check(
            "kind",
            TopicKind::parse(self.kind.trim())
                .ok_or_else(|| "must be condition, medication or test".to_owned()),
        );
        let en = match self.content.en {
            Some(en) => text(en, "content.en", &mut errors),
            None => {
                errors.add("content.en", "is required");
                None
            }
        };
        let es = self
            .content
            .es
            .map(|es| text(es, "content.es", &mut errors));
        let codes = codes(self.codes, &mut errors);
        let ingredients = ingredients(self.ingredients, kind, &mut errors);
        errors.finish()?;
        // No error was named, so every field is there (`es` too, when it was sent).
        let (Some(topic_id), Some(kind), Some(en)) = (topic_id, kind, en) else {
            return Err(ApiError::internal("validated topic fields are missing"));
        };
        Ok(TopicFields {
            topic_id,
            kind,
            content: Content {
                en,
                es: es.flatten(),
            },
            codes,
            ingredients,
        })
    }
}

fn text(body: TextBody, prefix: &str, errors: &mut FieldErrors) -> Option<Text> {
    let title = errors.check(
        &format!("{prefix}.title"),
        plain_text(&body.title, MAX_TITLE_CHARS, false),
    );
    let summary = errors.check(
        &format!("{prefix}.summary"),
        plain_text(&body.summary, MAX_SUMMARY_CHARS, true),
    );
    let url = errors.check(&format!("{prefix}.url"), https_url(&body.url));
    Some(Text {
        title: title?,
        summary: summary?,
        url: url?,
    })
}

/// A link patients may follow: `https://` and a host, at most [`MAX_URL_CHARS`], visible
/// ASCII only (no spaces, quotes or angle brackets), no user name or password.
pub fn https_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    let invalid = || format!("must be an https:// link of at most {MAX_URL_CHARS} characters");
    let rest = url.strip_prefix("https://").ok_or_else(invalid)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !host.starts_with(['.', '-', ':']);
    let chars_ok = url.chars().all(|c| {
        c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
    });
    if url.len() > MAX_URL_CHARS || !host_ok || !chars_ok {
        return Err(invalid());
    }
    Ok(url.to_owned())
}

fn codes(bodies: Vec<CodeBody>, errors: &mut FieldErrors) -> Vec<TopicCode> {
    if bodies.len() > MAX_CODES {
        errors.add("codes", format!("must list at most {MAX_CODES} codes"));
        return Vec::new();
    }
    let mut codes: Vec<TopicCode> = Vec::new();
    for (index, body) in bodies.into_iter().enumerate() {
        let Some(system) = errors.check(
            &format!("codes[{index}].system"),
            CodeSystem::parse(body.system.trim())
                .ok_or_else(|| "must be icd10cm, snomed, loinc or rxnorm".to_owned()),
        ) else {
            continue;
        };
        let Some(code) = errors.check(&format!("codes[{index}].code"), system.code(&body.code))
        else {
            continue;
        };
        let code = TopicCode { system, code };
        if codes.contains(&code) {
            errors.add(format!("codes[{index}]"), "is listed twice");
        } else {
            codes.push(code);
        }
    }
    codes
}

/// Ingredient names, lower case: letters, digits, spaces and hyphens (`metformin`,
/// `insulin glargine`). Only medication topics have them.
fn ingredients(raw: Vec<String>, kind: Option<TopicKind>, errors: &mut FieldErrors) -> Vec<String> {
    if raw.is_empty() {
        return raw;
    }
    if kind.is_some_and(|kind| kind != TopicKind::Medication) {
        errors.add("ingredients", "only medication topics name ingredients");
        return Vec::new();
    }
    if raw.len() > MAX_INGREDIENTS {
        errors.add(
            "ingredients",
            format!("must list at most {MAX_INGREDIENTS} ingredients"),
        );
        return Vec::new();
    }
    let mut found: Vec<String> = Vec::new();
    for (index, name) in raw.iter().enumerate() {
        let name = name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let ok = (2..=MAX_INGREDIENT_CHARS).contains(&name.chars().count())
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
        if !ok {
            errors.add(
                format!("ingredients[{index}]"),
                format!("must be 2 to {MAX_INGREDIENT_CHARS} letters, digits, spaces and hyphens"),
            );
        } else if !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn validate(body: Value, path: Option<&str>) -> Result<TopicFields, ApiError> {
        let path = path.and_then(TopicId::parse);
        portal_shared::platform::http::parse_json::<TopicBody>(body.to_string().as_bytes())?
            .validate(path.as_ref())
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("not a 422: {other:?}"),
        }
    }

    fn en() -> Value {
        json!({"title": "Metformin", "summary": "Metformin lowers blood sugar.",
               "url": "https://medlineplus.gov/druginfo/meds/a696005.html"})
    }

    #[test]
    fn a_valid_topic() {
        let topic = validate(
            json!({"topicId": "metformin", "kind": "medication",
                   "content": {"en": en()},
                   "codes": [{"system": "rxnorm", "code": "6809"}],
                   "ingredients": ["  Metformin "]}),
            None,
        )
        .expect("valid");
        assert_eq!(topic.topic_id.as_str(), "metformin");
        assert_eq!(topic.ingredients, ["metformin"]);
        assert_eq!(topic.content.es, None);
        // An edit may leave the id out, or repeat it.
        let edited = validate(
            json!({"kind": "medication", "content": {"en": en()}}),
            Some("metformin"),
        )
        .expect("valid");
        assert_eq!(edited.topic_id.as_str(), "metformin");
    }

    #[test]
    fn every_bad_field_is_named() {
        let named = fields(
            validate(
                json!({"topicId": "Bad Id", "kind": "drug",
                       "content": {"en": {"title": "", "summary": "ok", "url": "http://x.org"},
                                   "es": {"title": "t", "summary": "s", "url": "https://"}},
                       "codes": [{"system": "icd10cm", "code": "E11"},
                                 {"system": "cpt", "code": "1"},
                                 {"system": "loinc", "code": "4548"},
                                 {"system": "icd10cm", "code": "E11"}]}),
                None,
            )
            .expect_err("invalid"),
        );
        assert_eq!(
            named,
            [
                "topicId",
                "kind",
                "content.en.title",
                "content.en.url",
                "content.es.url",
                "codes[1].system",
                "codes[2].code",
                "codes[3]"
            ]
        );
        assert_eq!(
            fields(validate(json!({"kind": "test", "content": {}}), None).expect_err("no id")),
            ["topicId", "content.en"]
        );
        assert_eq!(
            fields(
                validate(
                    json!({"topicId": "other", "kind": "test", "content": {"en": en()}}),
                    Some("hba1c")
                )
                .expect_err("another id")
            ),
            ["topicId"]
        );
        assert_eq!(
            fields(
                validate(
                    json!({"topicId": "a1c", "kind": "test", "content": {"en": en()},
                                "ingredients": ["metformin"]}),
                    None
                )
                .expect_err("ingredients of a test")
            ),
            ["ingredients"]
        );
        // Unknown fields (what the library keeps itself) are named by the body's reader.
        assert_eq!(
            fields(
                validate(
                    json!({"topicId": "a1c", "kind": "test", "content": {"en": en()},
                                "version": 3}),
                    None
                )
                .expect_err("unknown")
            ),
            ["version"]
        );
    }

    #[test]
    fn links_are_https_with_a_host() {
        assert!(https_url("https://medlineplus.gov/spanish/diabetestype2.html").is_ok());
        assert!(https_url("https://medlineplus.gov").is_ok());
        for bad in [
            "http://medlineplus.gov",
            "https://",
            "https:///x",
            "https://a b.org",
            "javascript:alert(1)",
            "https://user@evil.org/",
            "https://x.org/\"onmouseover",
        ] {
            assert!(https_url(bad).is_err(), "{bad}");
        }
    }
}
