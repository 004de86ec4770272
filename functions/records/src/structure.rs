//! Elements FHIR R4 does not define (pure): inside the data types whose place in a resource
//! its element name gives away (an `attachment` is an Attachment, a `coding` a list of Coding,
//! `meta` a Meta, `valueQuantity` a Quantity, a `...Period` a Period), an element the type does
//! not define is dropped and named by its path, so the rest of the resource imports and the
//! export never emits it. Elements of the resources themselves are not checked here.

use serde_json::{Map, Value};

/// What every element may carry besides its own elements.
const ANY_ELEMENT: [&str; 2] = ["id", "extension"];

/// The R4 elements of the data types checked.
fn defined(datatype: &str) -> &'static [&'static str] {
    match datatype {
        "Attachment" => &[
            "contentType",
            "language",
            "data",
            "url",
            "size",
            "hash",
            "title",
            "creation",
        ],
        "Coding" => &["system", "version", "code", "display", "userSelected"],
        "Meta" => &[
            "versionId",
            "lastUpdated",
            "source",
            "profile",
            "security",
            "tag",
        ],
        "Quantity" => &["value", "comparator", "unit", "system", "code"],
        "Period" => &["start", "end"],
        _ => &[],
    }
}

/// The data type an element of this name holds, for the names that give it away.
fn datatype_of(name: &str) -> Option<&'static str> {
    match name {
        "attachment" | "contentAttachment" | "valueAttachment" | "photo" | "presentedForm" => {
            Some("Attachment")
        }
        "coding" | "security" | "tag" => Some("Coding"),
        "meta" => Some("Meta"),
        "valueQuantity" => Some("Quantity"),
        "period" | "effectivePeriod" | "performedPeriod" | "onsetPeriod" | "abatementPeriod"
        | "occurrencePeriod" | "validityPeriod" => Some("Period"),
        _ => None,
    }
}

/// Drops what the checked data types do not define, anywhere in `resource`; the paths dropped
/// (`content[0].attachment.note`), sorted.
pub fn strip_undefined(resource: &mut Map<String, Value>) -> Vec<String> {
    let mut dropped = Vec::new();
    for (name, value) in resource.iter_mut() {
        visit(name, value, name.clone(), &mut dropped);
    }
    dropped.sort();
    dropped
}

fn visit(name: &str, value: &mut Value, path: String, dropped: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                visit(name, item, format!("{path}[{index}]"), dropped);
            }
        }
        Value::Object(map) => {
            if let Some(datatype) = datatype_of(name) {
                let allowed = defined(datatype);
                let undefined: Vec<String> = map
                    .keys()
                    .filter(|key| {
                        let key = key.strip_prefix('_').unwrap_or(key);
                        !allowed.contains(&key) && !ANY_ELEMENT.contains(&key)
                    })
                    .cloned()
                    .collect();
                for key in undefined {
                    map.remove(&key);
                    dropped.push(format!("{path}.{key}"));
                }
            }
            // Extensions hold any data type under `value[x]`; contained resources are
            // resources: both are walked like the rest.
            for (key, inner) in map.iter_mut() {
                visit(key, inner, format!("{path}.{key}"), dropped);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn undefined_elements_of_known_data_types_are_dropped_and_named() {
        let mut resource = json!({
            "resourceType": "DocumentReference", "id": "d", "status": "current",
            "meta": {"source": "x", "importedBy": "someone"},
            "type": {"coding": [{"system": "http://loinc.org", "code": "34117-2", "colour": "red"}]},
            "content": [{"attachment": {"contentType": "text/plain", "data": "SGk=",
                                        "_title": {"extension": []}, "pages": 3}}],
            "context": {"period": {"start": "2024-01-01", "length": "1d"}},
            "extension": [{"url": "http://x", "valueQuantity": {"value": 1, "precision": 2}}],
        });
        let map = resource.as_object_mut().expect("an object");
        let dropped = strip_undefined(map);
        assert_eq!(
            dropped,
            [
                "content[0].attachment.pages",
                "context.period.length",
                "extension[0].valueQuantity.precision",
                "meta.importedBy",
                "type.coding[0].colour",
            ]
        );
        assert_eq!(
            resource["content"][0]["attachment"],
            json!({"contentType": "text/plain", "data": "SGk=", "_title": {"extension": []}})
        );
        assert_eq!(resource["meta"], json!({"source": "x"}));

        // A resource that keeps to R4 loses nothing.
        let mut clean = json!({"resourceType": "Observation", "id": "o", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7", "userSelected": true}]},
            "valueQuantity": {"value": 5.4, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
            "effectivePeriod": {"start": "2024-01-01", "end": "2024-01-02"}});
        let before = clean.clone();
        assert!(strip_undefined(clean.as_object_mut().expect("object")).is_empty());
        assert_eq!(clean, before);
    }
}
