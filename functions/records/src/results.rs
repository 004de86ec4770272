//! `POST /patients/{patientId}/results` — a clinician of the practice adds a lab result, a vital
//! sign or a note, with a short explanation for the patient. It is in the record at once: nothing holds
//! results back from the patient (21st Century Cures Act). The record is a FHIR R4 Observation
//! (the explanation is its `note`; a note is a DocumentReference with the note and the
//! explanation as plain-text attachments) from the practice's own source, so it is listed, merged into
//! series and exported like any imported one.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{ImportId, RecordId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Deserialize;
use serde_json::json;

use crate::Deps;
use crate::model::{
    Category, Coded, LOINC, Measured, StoredRecord, day_of, index_group, merge_key,
};
use crate::read::RecordView;
use crate::repo::{Records, item_of};

const MAX_TITLE: usize = 200;
const MAX_EXPLANATION: usize = 2000;
const MAX_NOTE: usize = 20_000;

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Lab,
    Vital,
    /// A clinical note (a FHIR DocumentReference with the text as a plain-text attachment).
    Note,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewResult {
    kind: Kind,
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
    text: Option<String>,
    #[serde(default)]
    reference_range: Option<Range>,
    #[serde(default)]
    effective: Option<String>,
    explanation: String,
}

fn non_blank(value: Option<&String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::AddResult,
            &AuditResource::RecordResults,
        )
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency
            .lookup(&deps.platform.dynamo, &deps.platform.app_table)
            .await?
    {
        return first.render(true);
    }
    let body: NewResult = call.json_body()?;
    let mut errors = FieldErrors::new();
    let is_note = matches!(body.kind, Kind::Note);
    let given_code = match (&body.code, is_note) {
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
    if body.code.is_some() && system.is_empty() {
        errors.add("code.system", "is required");
    }
    if body.code.is_some() && (code.is_empty() || code.len() > 64) {
        errors.add("code.code", "must be 1 to 64 characters");
    }
    let title = non_blank(body.title.as_ref())
        .or(display)
        .or_else(|| is_note.then(|| "Progress note".to_owned()))
        .unwrap_or_default();
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        errors.add(
            "title",
            format!("1 to {MAX_TITLE} characters (or a code.display) are required"),
        );
    }
    let unit = non_blank(body.unit.as_ref());
    let text = non_blank(body.text.as_ref());
    match (body.value, &text, is_note) {
        (Some(_), _, true) => errors.add("value", "a note has no value: write it in text"),
        (None, None, true) => errors.add("text", "the note is required"),
        (None, Some(text), true) if text.chars().count() > MAX_NOTE => {
            errors.add("text", format!("at most {MAX_NOTE} characters"))
        }
        (None, None, false) => errors.add("value", "a value (with its unit) or a text is required"),
        (Some(value), _, false) if !value.is_finite() => errors.add("value", "must be a number"),
        (Some(_), _, false) if unit.is_none() => errors.add("unit", "is required with a value"),
        _ => {}
    }
    let explanation = body.explanation.trim().to_owned();
    if explanation.is_empty() || explanation.chars().count() > MAX_EXPLANATION {
        errors.add(
            "explanation",
            format!("1 to {MAX_EXPLANATION} characters for the patient are required"),
        );
    }
    let now = Timestamp::now();
    let effective = match &body.effective {
        None => Some(now),
        Some(raw) => errors.check(
            "effective",
            Timestamp::parse(raw)
                .filter(|at| *at <= now.plus(std::time::Duration::from_secs(300)))
                .ok_or_else(|| "must be an RFC 3339 time, not in the future".to_owned()),
        ),
    };
    errors.finish()?;
    // Results go to patients of the practice only (a well-formed id of nobody is 404).
    Records {
        dynamo: &deps.platform.dynamo,
        table: &deps.platform.app_table,
    }
    .profile_identity(&access)
    .await?
    .ok_or(ApiError::NotFound)?;
    let effective = effective.unwrap_or(now);
    let (low, high) = body
        .reference_range
        .as_ref()
        .map_or((None, None), |r| (r.low, r.high));

    let source = deps.practice.clone();
    let resource_id = ImportId::generate().to_string().to_lowercase();
    let resource_type = if is_note {
        "DocumentReference"
    } else {
        "Observation"
    };
    let record_id = RecordId::derive(&source.source_id, resource_type, &resource_id);
    let (category, category_code, category_display) = match body.kind {
        Kind::Lab => (Category::Labs, "laboratory", "Laboratory"),
        Kind::Vital => (Category::Vitals, "vital-signs", "Vital Signs"),
        Kind::Note => (Category::Documents, "", ""),
    };
    let author = call
        .caller()
        .display_name
        .clone()
        .unwrap_or_else(|| "Clinician".into());
    let mut resource = json!({
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "category": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": category_code,
            "display": category_display,
        }]}],
        "code": {"coding": [{"system": system, "code": code, "display": title}], "text": title},
        "subject": {"reference": format!("Patient/{patient}")},
        "effectiveDateTime": effective.to_string(),
        "issued": now.to_string(),
        "performer": [{"display": author}],
        "note": [{"text": explanation}],
    });
    if is_note {
        use base64::Engine;
        let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
        resource = json!({
            "resourceType": "DocumentReference",
            "id": resource_id,
            "status": "current",
            "type": {"coding": [{"system": system, "code": code, "display": title}], "text": title},
            "subject": {"reference": format!("Patient/{patient}")},
            "date": effective.to_string(),
            "author": [{"display": author}],
            "description": title,
            "content": [
                {"attachment": {"contentType": "text/plain; charset=utf-8", "title": title,
                                "data": encode(text.as_deref().unwrap_or_default())}},
                {"attachment": {"contentType": "text/plain; charset=utf-8",
                                "title": "Explanation for the patient", "data": encode(&explanation)}},
            ],
        });
    }
    if !is_note {
        if let Some(value) = body.value {
            resource["valueQuantity"] = json!({"value": value, "unit": unit});
        } else if let Some(text) = &text {
            resource["valueString"] = json!(text);
        }
    }
    if !is_note && (low.is_some() || high.is_some()) {
        let mut range = json!({});
        if let Some(low) = low {
            range["low"] = json!({"value": low, "unit": unit});
        }
        if let Some(high) = high {
            range["high"] = json!({"value": high, "unit": unit});
        }
        resource["referenceRange"] = json!([range]);
    }
    let date = effective.to_string();
    let day = day_of(&date);
    let record = StoredRecord {
        record_id: record_id.clone(),
        patient_id: patient,
        category,
        resource_type: resource_type.into(),
        resource_id,
        title: title.clone(),
        status: Some(if is_note { "current" } else { "final" }.into()),
        date: Some(date),
        index_group: index_group(None, Some(&day)),
        day: Some(day),
        code: Some(Coded {
            system: Some(system.clone()),
            code: Some(code.clone()),
            display: Some(title),
        }),
        loinc: (system == LOINC && !is_note).then(|| code.clone()),
        measured: (!is_note).then_some(Measured {
            value: body.value,
            unit,
            text,
            low,
            high,
            components: Vec::new(),
        }),
        source,
        merge_key: merge_key(category, None, &record_id),
        resource: serde_json::to_string(&resource).map_err(ApiError::internal)?,
        full_url: None,
        patient_references: vec![format!("Patient/{patient}")],
        organization_references: Vec::new(),
        import_id: ImportId::generate(),
        updated_at: now,
        explanation: Some(explanation),
    };
    let put = Put::builder()
        .table_name(&deps.platform.app_table)
        .set_item(Some(item_of(&record)?))
        .condition_expression("attribute_not_exists(PK)")
        .build()
        .map_err(ApiError::internal)?;
    let view = RecordView::merged(vec![record]).ok_or_else(|| ApiError::internal("no view"))?;
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&view).map_err(ApiError::internal)?,
        location: Some(call.link(&format!("/patients/{patient}/records/{record_id}"))),
        etag: None,
        patient_id: Some(patient),
    };
    match create_once(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        idempotency.as_ref(),
        vec![TransactWriteItem::builder().put(put).build()],
        response,
    )
    .await?
    {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}
