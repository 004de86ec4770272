//! Elements FHIR R4 does not define (pure): each resource is walked with R4's own element
//! table (`r4_elements`, generated from the R4 definitions): in the resource, its backbone
//! elements, every data type and extension value, contained resources by their own type. An
//! element the type does not define (or a `_name` sibling of an element that is not a
//! primitive) is dropped and named by its path, so the rest of the resource imports and the
//! export never emits it. A resource of a type R4 does not define is left to the caller (the
//! import refuses it by type).

use serde_json::{Map, Value};

use crate::r4_elements::R4_TYPES;

/// The elements R4 defines for `type_name`, as `"name:Type,name:,..."`; `None` for a type R4
/// does not define.
fn elements_of(type_name: &str) -> Option<&'static str> {
    R4_TYPES
        .binary_search_by(|(name, _)| (*name).cmp(type_name))
        .ok()
        .map(|index| R4_TYPES[index].1)
}

/// The complex type of `element` in `elements` (`Some("")` for a primitive), `None` when the
/// type does not define it.
fn element_type(elements: &'static str, element: &str) -> Option<&'static str> {
    elements.split(',').find_map(|entry| {
        let (name, type_name) = entry.split_once(':')?;
        (name == element).then_some(type_name)
    })
}

/// Drops what R4 does not define, anywhere in `resource`; the paths dropped
/// (`content[0].attachment.note`), sorted.
pub fn strip_undefined(resource: &mut Map<String, Value>) -> Vec<String> {
    let mut dropped = Vec::new();
    let resource_type = resource
        .get("resourceType")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(resource_type) = resource_type {
        visit_object(&resource_type, resource, "", &mut dropped);
    }
    dropped.sort();
    dropped
}

fn visit_object(
    type_name: &str,
    map: &mut Map<String, Value>,
    path: &str,
    dropped: &mut Vec<String>,
) {
    let Some(elements) = elements_of(type_name) else {
        return;
    };
    let joined = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    let mut undefined = Vec::new();
    for (key, value) in map.iter_mut() {
        let inner_type = match key.strip_prefix('_') {
            // A primitive's id and extensions sit in its `_name` sibling.
            Some(primitive) => match element_type(elements, primitive) {
                Some("") => Some("Element"),
                _ => None,
            },
            None => element_type(elements, key),
        };
        match inner_type {
            None => undefined.push(key.clone()),
            Some("") => {}
            Some(inner) => visit_value(inner, value, &joined(key), dropped),
        }
    }
    for key in undefined {
        map.remove(&key);
        dropped.push(joined(&key));
    }
}

fn visit_value(type_name: &str, value: &mut Value, path: &str, dropped: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                visit_value(type_name, item, &format!("{path}[{index}]"), dropped);
            }
        }
        Value::Object(map) => {
            // A contained (or bundled) resource is checked as its own type.
            let own_type = match type_name {
                "Resource" => map
                    .get("resourceType")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                _ => Some(type_name.to_owned()),
            };
            if let Some(own_type) = own_type {
                visit_object(&own_type, map, path, dropped);
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

    #[test]
    fn undefined_elements_of_resources_backbones_and_contained_ones_are_dropped() {
        let mut resource = json!({
            "resourceType": "Observation", "id": "o", "status": "final", "colour": "red",
            "_status": {"extension": [{"url": "http://x", "valueString": "s", "weight": 1}]},
            "_code": {"id": "not-a-primitive"},
            "code": {"text": "HbA1c"},
            "component": [{"code": {"text": "a"}, "valueString": "x", "note": "undefined here"}],
            "referenceRange": [{"low": {"value": 4, "unit": "%", "scale": 2}, "text": "4-6"}],
            "contained": [{"resourceType": "Practitioner", "id": "p", "active": true,
                           "name": [{"family": "Ng", "nickname": "Doc"}], "rank": 1},
                          {"resourceType": "NotAnR4Type", "whatever": 1}],
        });
        let map = resource.as_object_mut().expect("an object");
        let dropped = strip_undefined(map);
        assert_eq!(
            dropped,
            [
                "_code",
                "_status.extension[0].weight",
                "colour",
                "component[0].note",
                "contained[0].name[0].nickname",
                "contained[0].rank",
                "referenceRange[0].low.scale",
            ]
        );
        assert_eq!(resource["contained"][0]["name"], json!([{"family": "Ng"}]));
        assert_eq!(
            resource["contained"][1],
            json!({"resourceType": "NotAnR4Type", "whatever": 1})
        );
        assert_eq!(resource["_status"]["extension"][0]["valueString"], "s");
    }

    #[test]
    fn the_generated_table_is_sorted_and_knows_r4() {
        assert!(R4_TYPES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        let patient = elements_of("Patient").expect("Patient is an R4 resource");
        assert_eq!(element_type(patient, "name"), Some("HumanName"));
        assert_eq!(element_type(patient, "birthDate"), Some(""));
        assert_eq!(element_type(patient, "resourceType"), Some(""));
        assert_eq!(element_type(patient, "deceasedBoolean"), Some(""));
        assert_eq!(element_type(patient, "deceased"), None);
        let coding = elements_of("Coding").expect("a data type");
        assert_eq!(element_type(coding, "resourceType"), None);
        assert!(elements_of("MedicationRequestDispenseRequest").is_some());
        assert!(elements_of("NotAnR4Type").is_none());
    }
}
