//! A result a clinician of the practice adds (a lab result, a vital sign or a note, with an
//! explanation for the patient) as the record it becomes: a FHIR R4 Observation (the
//! explanation is its `note`), or for a note a DocumentReference with the note and the
//! explanation as plain-text attachments, from the practice's own source. Pure: no I/O.

use base64::Engine;
use portal_shared::ApiError;
use portal_shared::domain::ids::{ImportId, PatientId, RecordId};
use portal_shared::domain::text::Sensitive;
use portal_shared::domain::timestamp::Timestamp;
use serde::Deserialize;
use serde_json::json;

use crate::model::{
    Category, Coded, LOINC, Measured, Source, StoredRecord, day_of, index_group, merge_key,
};

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultKind {
    Lab,
    Vital,
    /// A clinical note (a FHIR DocumentReference with the text as a plain-text attachment).
    Note,
}

/// A result as checked (`requests::NewResult::check`): every field valid, trimmed.
#[derive(Debug)]
pub struct CheckedResult {
    pub kind: ResultKind,
    pub system: String,
    pub code: String,
    pub title: String,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub text: Option<Sensitive<String>>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub effective: Timestamp,
    pub explanation: Sensitive<String>,
}

/// The record of `result`, added for `patient` by `author` from the practice's `source` at `now`.
pub fn result_record(
    result: CheckedResult,
    patient: PatientId,
    source: Source,
    author: &str,
    now: Timestamp,
) -> Result<StoredRecord, ApiError> {
    let CheckedResult {
        kind,
        system,
        code,
        title,
        value,
        unit,
        text,
        low,
        high,
        effective,
        explanation,
    } = result;
    let is_note = matches!(kind, ResultKind::Note);
    let resource_id = ImportId::generate().to_string().to_lowercase();
    let resource_type = if is_note {
        "DocumentReference"
    } else {
        "Observation"
    };
    let record_id = RecordId::derive(&source.source_id, resource_type, &resource_id);
    let (category, category_code, category_display) = match kind {
        ResultKind::Lab => (Category::Labs, "laboratory", "Laboratory"),
        ResultKind::Vital => (Category::Vitals, "vital-signs", "Vital Signs"),
        ResultKind::Note => (Category::Documents, "", ""),
    };
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
                                "data": encode(text.as_deref().map_or("", String::as_str))}},
                {"attachment": {"contentType": "text/plain; charset=utf-8",
                                "title": "Explanation for the patient", "data": encode(&explanation)}},
            ],
        });
    }
    if !is_note {
        if let Some(value) = value {
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
    Ok(StoredRecord {
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
            value,
            unit,
            text,
            low,
            high,
            components: Vec::new(),
        }),
        source,
        merge_key: merge_key(category, None, &record_id),
        resource: Sensitive(serde_json::to_string(&resource).map_err(ApiError::internal)?),
        full_url: None,
        patient_references: vec![format!("Patient/{patient}")],
        organization_references: Vec::new(),
        import_id: ImportId::generate(),
        updated_at: now,
        explanation: Some(explanation),
        directory: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::practice_source;

    #[test]
    fn a_results_free_text_never_shows_in_debug() {
        let now = Timestamp::now();
        let result = CheckedResult {
            kind: ResultKind::Lab,
            system: LOINC.into(),
            code: "4548-4".into(),
            title: "Hemoglobin A1c".into(),
            value: None,
            unit: None,
            text: Some(Sensitive("positive for the thing".into())),
            low: None,
            high: None,
            effective: now,
            explanation: Sensitive("talk to me about your diagnosis".into()),
        };
        let record = result_record(
            result,
            PatientId::generate(),
            practice_source("Maple Street", None),
            "Dr Chen",
            now,
        )
        .expect("a record");
        let shown = format!("{record:?}");
        for secret in ["positive for the thing", "your diagnosis", "Dr Chen"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        let stored = serde_json::to_value(&record).expect("serialises");
        assert_eq!(stored["explanation"], "talk to me about your diagnosis");
        assert_eq!(stored["measured"]["text"], "positive for the thing");
    }
}
