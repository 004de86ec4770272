//! What the routes take in, parsed and checked: an upload (the bundle and its query), the
//! list's filters, the export's page, a result the practice adds. Bad input is a 4xx naming
//! what is wrong; nothing here reads or writes the table.

use portal_shared::ApiError;
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::cursor::CursorKeys;
use portal_shared::platform::http::Call;
use portal_shared::platform::store::Item;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::{PatientAccess, Relationship};
use serde::Deserialize;

use crate::fhir::Bundle;
use crate::model::{Category, LOINC, ListFilter, storable};
use crate::practice::{CheckedResult, ResultKind};

// ---------------------------------------------------------------------------------------------
// An upload

/// What one request may carry: under Lambda's 6 MB synchronous request, in which the body is a
/// JSON string (its quotes, backslashes and line breaks escaped), with room for the event
/// around it and the 7-20% escaping adds to typical bundles. A few thousand typical entries fit.
/// A body that escaping takes past Lambda's limit never reaches us: API Gateway answers 413.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
const MAX_SOURCE_NAME: usize = 200;

/// A FHIR R4 Bundle to import, with what the query says about it.
pub struct Upload {
    pub bundle: Bundle,
    /// The organisation the uploader names (`source`), for a bundle that does not.
    pub named_source: Option<String>,
    /// Practice staff confirmed a bundle whose Patient differs from the profile.
    pub mismatch_confirmed: bool,
}

impl Upload {
    /// In order: media type (415), size (413), query (422; 403 when `confirmPatientMismatch`
    /// comes from someone other than staff), JSON (400), FHIR structure (422 naming entries).
    pub fn from_call(call: &Call, access: &PatientAccess) -> Result<Self, ApiError> {
        let content_type = call.header("content-type").unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !(essence.eq_ignore_ascii_case("application/json")
            || essence.eq_ignore_ascii_case("application/fhir+json"))
        {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/json or application/fhir+json",
            });
        }
        let bytes = call.body_bytes();
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(ApiError::PayloadTooLarge {
                limit_bytes: MAX_IMPORT_BYTES,
            });
        }
        let named_source = match call.query("source") {
            None => None,
            Some(raw) => {
                let name = raw.trim().to_owned();
                if name.is_empty() || name.chars().count() > MAX_SOURCE_NAME {
                    return Err(ApiError::invalid(
                        "source",
                        format!("must be 1 to {MAX_SOURCE_NAME} characters"),
                    ));
                }
                Some(name)
            }
        };
        let mismatch_confirmed = match call.query("confirmPatientMismatch").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                return Err(ApiError::invalid(
                    "confirmPatientMismatch",
                    "must be true or false",
                ));
            }
        };
        if mismatch_confirmed && !matches!(access.relationship(), Relationship::Staff(_)) {
            return Err(ApiError::Forbidden(
                "Only practice staff may import a bundle whose patient does not match the profile.",
            ));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid("body", "a FHIR Bundle is required"));
        }
        let document: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|_| ApiError::Malformed("the body is not valid JSON".into()))?;
        Ok(Upload {
            bundle: Bundle::parse(document)?,
            named_source,
            mismatch_confirmed,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The list's filters

/// `category`, `source` and `since`.
pub fn list_filter(call: &Call) -> Result<ListFilter, ApiError> {
    let mut errors = FieldErrors::new();
    let category = call.query("category").and_then(|raw| {
        errors.check(
            "category",
            Category::parse(&raw).ok_or_else(|| {
                format!(
                    "must be one of {}",
                    Category::ALL.map(Category::as_str).join(", ")
                )
            }),
        )
    });
    let source = call.query("source").and_then(|raw| {
        errors.check(
            "source",
            (raw.len() == 20 && raw.bytes().all(|b| b.is_ascii_hexdigit()))
                .then_some(raw)
                .ok_or_else(|| "must be a sourceId from /sources".to_owned()),
        )
    });
    let since = call.query("since").and_then(|raw| {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        errors.check(
            "since",
            time::Date::parse(&raw, format)
                .map(|_| raw)
                .map_err(|_| "must be a date (YYYY-MM-DD)".to_owned()),
        )
    });
    errors.finish()?;
    Ok(ListFilter {
        category,
        source,
        since,
    })
}

/// The filters a list cursor is sealed with (its scope): a cursor resumes only the same query.
/// Another category's start key lies outside the query's key condition (DynamoDB refuses it),
/// and another source or date would skip or repeat records; such a cursor is 422 `cursor`.
pub fn filters_sealed(filter: &ListFilter) -> String {
    format!(
        "category={}&source={}&since={}",
        filter.category.map_or("", Category::as_str),
        filter.source.as_deref().unwrap_or_default(),
        filter.since.as_deref().unwrap_or_default(),
    )
}

// ---------------------------------------------------------------------------------------------
// The export's page

/// The largest `_count`.
pub const MAX_COUNT: usize = 1000;

/// `_count` and `cursor` of a page of the export.
pub struct ExportPage {
    pub count: usize,
    pub start_after: Option<Item>,
}

impl ExportPage {
    pub async fn from_call(
        call: &Call,
        cursor_key: &CursorKeys,
        scope: &str,
    ) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::new();
        let count = match call.query("_count") {
            None => Some(MAX_COUNT),
            Some(raw) => errors.check(
                "_count",
                raw.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_COUNT).contains(n))
                    .ok_or_else(|| format!("must be a whole number from 1 to {MAX_COUNT}")),
            ),
        };
        let start_after = match call.query("cursor") {
            None => None,
            Some(raw) => match cursor_key.open(scope, &raw).await {
                Ok(start) => Some(start),
                Err(ApiError::Invalid(found)) => {
                    for error in found {
                        errors.add(error.field, error.message);
                    }
                    None
                }
                Err(other) => return Err(other),
            },
        };
        errors.finish()?;
        Ok(ExportPage {
            count: count.unwrap_or(MAX_COUNT),
            start_after,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// A result the practice adds

const MAX_TITLE: usize = 200;
const MAX_EXPLANATION: usize = 2000;
const MAX_NOTE: usize = 20_000;
/// For a number DynamoDB could not store (see `storable`).
const OUT_OF_RANGE: &str = "must be 0 or of magnitude 1e-130 to 1e125";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Code {
    system: String,
    code: String,
    #[serde(default)]
    display: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Range {
    #[serde(default)]
    low: Option<f64>,
    #[serde(default)]
    high: Option<f64>,
}

/// The body of `POST /patients/{patientId}/results`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewResult {
    kind: ResultKind,
    /// Required for labs and vitals; a note defaults to LOINC 11506-3 (progress note).
    #[serde(default)]
    code: Option<Code>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    text: Option<Sensitive<String>>,
    #[serde(default)]
    reference_range: Option<Range>,
    #[serde(default)]
    effective: Option<String>,
    explanation: Sensitive<String>,
}

fn non_blank(value: Option<&String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl NewResult {
    /// The result checked (422 naming every field at fault); `now` is when it is added.
    pub fn check(self, now: Timestamp) -> Result<CheckedResult, ApiError> {
        let mut errors = FieldErrors::new();
        let is_note = matches!(self.kind, ResultKind::Note);
        let given_code = match (&self.code, is_note) {
            (Some(code), _) => Some((
                code.system.trim().to_owned(),
                code.code.trim().to_owned(),
                non_blank(code.display.as_ref()),
            )),
            (None, true) => Some((LOINC.to_owned(), "11506-3".to_owned(), None)),
            (None, false) => {
                errors.add("code", "is required for a lab result or vital sign");
                None
            }
        };
        let (system, code, display) = given_code.unwrap_or_default();
        if self.code.is_some() && system.is_empty() {
            errors.add("code.system", "is required");
        }
        if self.code.is_some() && (code.is_empty() || code.len() > 64) {
            errors.add("code.code", "must be 1 to 64 characters");
        }
        let title = non_blank(self.title.as_ref())
            .or(display)
            .or_else(|| is_note.then(|| "Progress note".to_owned()))
            .unwrap_or_default();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            errors.add(
                "title",
                format!("1 to {MAX_TITLE} characters (or a code.display) are required"),
            );
        }
        let unit = non_blank(self.unit.as_ref());
        let text = non_blank(self.text.as_deref()).map(Sensitive);
        match (self.value, &text, is_note) {
            (Some(_), _, true) => errors.add("value", "a note has no value: write it in text"),
            (None, None, true) => errors.add("text", "the note is required"),
            (None, Some(text), true) if text.chars().count() > MAX_NOTE => {
                errors.add("text", format!("at most {MAX_NOTE} characters"))
            }
            (None, None, false) => {
                errors.add("value", "a value (with its unit) or a text is required")
            }
            (Some(value), _, false) if !storable(value) => errors.add("value", OUT_OF_RANGE),
            (Some(_), _, false) if unit.is_none() => errors.add("unit", "is required with a value"),
            _ => {}
        }
        if let Some(range) = &self.reference_range {
            for (field, bound) in [
                ("referenceRange.low", range.low),
                ("referenceRange.high", range.high),
            ] {
                if bound.is_some_and(|n| !storable(n)) {
                    errors.add(field, OUT_OF_RANGE);
                }
            }
        }
        let explanation = Sensitive(self.explanation.trim().to_owned());
        if explanation.is_empty() || explanation.chars().count() > MAX_EXPLANATION {
            errors.add(
                "explanation",
                format!("1 to {MAX_EXPLANATION} characters for the patient are required"),
            );
        }
        let effective = match &self.effective {
            None => Some(now),
            Some(raw) => errors.check(
                "effective",
                Timestamp::parse(raw)
                    .filter(|at| *at <= now.plus(std::time::Duration::from_secs(300)))
                    .ok_or_else(|| "must be an RFC 3339 time, not in the future".to_owned()),
            ),
        };
        errors.finish()?;
        let (low, high) = self
            .reference_range
            .as_ref()
            .map_or((None, None), |r| (r.low, r.high));
        Ok(CheckedResult {
            kind: self.kind,
            system,
            code,
            title,
            value: self.value,
            unit,
            text,
            low,
            high,
            effective: effective.unwrap_or(now),
            explanation,
        })
    }
}
