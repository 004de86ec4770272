//! What the refills suites share: the practice's own bundle (its Organization carries the
//! practice's NPI, so its records are from the practice's source as `functions/records` computes
//! it), another clinic's bundle, patients holding them, valid bodies, asking and deciding, the
//! outbox records that tell the patient, and the matrix's requests.

use portal_shared::domain::timestamp::Timestamp;
use portal_tests::fhir::made_out_to;
use portal_tests::{Actor, Method, Patient, Reply, TestApp, assert_problem};
use serde_json::{Value, json};

/// The local stack's practice (`PracticeName` and `PracticeNpi`, overridden in
/// `infra/local/src/local_stack.rs`; the demo's Maple Street bundle carries the same NPI).
pub const PRACTICE_NAME: &str = "Maple Street Family Practice";
pub const PRACTICE_NPI: &str = "1234567893";
pub const OTHER_CLINIC: &str = "Riverside Urgent Care";
pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";

/// The medications of [`practice_bundle`] and [`other_clinic_bundle`] by RxNorm code.
pub const METFORMIN: &str = "860975";
pub const OXYCODONE: &str = "1049621";
/// Stopped at the practice.
pub const LISINOPRIL: &str = "314076";
/// From the other clinic.
pub const ATORVASTATIN: &str = "617310";

pub const TEMPLATE: &str = "refill-decided";
pub const QUEUE: &str = "/staff/refills";
pub const PHARMACIES: &str = "/pharmacies";
pub const STAFF_PHARMACIES: &str = "/staff/pharmacies";

// Shared by every suite (the harness).
pub use portal_tests::{id_of, unique};

/// `days` days ago, as a FHIR dateTime.
pub fn days_ago(days: u64) -> String {
    Timestamp::now()
        .minus(std::time::Duration::from_secs(days * 24 * 3600))
        .to_string()
}

fn medication_request(id: &str, status: &str, code: &str, display: &str, org: &str) -> Value {
    json!({
        "fullUrl": format!("urn:uuid:{id}"),
        "resource": {
            "resourceType": "MedicationRequest",
            "id": id,
            "status": status,
            "intent": "order",
            "medicationCodeableConcept": {
                "coding": [{"system": RXNORM, "code": code, "display": display}],
                "text": display
            },
            "subject": {"reference": "urn:uuid:patient"},
            "requester": {"reference": format!("urn:uuid:{org}")},
            "authoredOn": "2025-02-10",
            "dosageInstruction": [{"text": "One tablet by mouth daily"}]
        }
    })
}

fn encounter(id: &str, org: &str, start: &str) -> Value {
    json!({
        "fullUrl": format!("urn:uuid:{id}"),
        "resource": {
            "resourceType": "Encounter",
            "id": id,
            "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "type": [{"text": "Encounter for check up"}],
            "subject": {"reference": "urn:uuid:patient"},
            "period": {"start": start, "end": start},
            "serviceProvider": {"reference": format!("urn:uuid:{org}")}
        }
    })
}

fn patient_entry(family: &str) -> Value {
    json!({
        "fullUrl": "urn:uuid:patient",
        "resource": {"resourceType": "Patient", "id": "patient",
                     "name": [{"family": family, "given": ["Ana"]}], "birthDate": "1984-03-12"}
    })
}

/// The practice's own export: its Organization (the practice's NPI and name), an encounter
/// `visit_days_ago` days ago (none if `None`), active metformin and oxycodone, and lisinopril
/// stopped.
pub fn practice_bundle(family: &str, visit_days_ago: Option<u64>) -> Value {
    let mut entries = vec![
        json!({
            "fullUrl": "urn:uuid:practice",
            "resource": {
                "resourceType": "Organization", "id": "practice",
                "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": PRACTICE_NPI}],
                "name": PRACTICE_NAME
            }
        }),
        patient_entry(family),
        medication_request(
            "rf-metformin",
            "active",
            METFORMIN,
            "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet",
            "practice",
        ),
        medication_request(
            "rf-oxycodone",
            "active",
            OXYCODONE,
            "oxycodone hydrochloride 5 MG Oral Tablet",
            "practice",
        ),
        medication_request(
            "rf-lisinopril",
            "stopped",
            LISINOPRIL,
            "lisinopril 10 MG Oral Tablet",
            "practice",
        ),
    ];
    if let Some(days) = visit_days_ago {
        entries.push(encounter("rf-visit", "practice", &days_ago(days)));
    }
    made_out_to(
        json!({"resourceType": "Bundle", "type": "collection", "entry": entries}),
        family,
    )
}

/// Another clinic's export (no NPI of the practice's): an active atorvastatin and, when
/// `visit_days_ago` is given, a visit there (which is no visit with the practice).
pub fn other_clinic_bundle(family: &str, visit_days_ago: Option<u64>) -> Value {
    let mut entries = vec![
        json!({
            "fullUrl": "urn:uuid:clinic",
            "resource": {"resourceType": "Organization", "id": "clinic", "name": OTHER_CLINIC}
        }),
        patient_entry(family),
        medication_request(
            "rf-atorvastatin",
            "active",
            ATORVASTATIN,
            "atorvastatin 20 MG Oral Tablet",
            "clinic",
        ),
    ];
    if let Some(days) = visit_days_ago {
        entries.push(encounter("rf-clinic-visit", "clinic", &days_ago(days)));
    }
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

/// Imports `bundle` for the patient as a clinician (the practice's own system's export).
pub async fn import(app: &TestApp, patient: &Patient, bundle: &Value) {
    let reply = app
        .import_bundle(&patient.id, &app.clinician, bundle, "")
        .await;
    assert_eq!(reply.status, 201, "importing a bundle: {reply:#?}");
}

/// A new patient holding the practice's bundle (a visit `visit_days_ago` days ago, if any) and
/// the other clinic's.
pub async fn patient_with_visit(app: &TestApp, visit_days_ago: Option<u64>) -> Patient {
    let patient = app.new_patient().await;
    import(
        app,
        &patient,
        &practice_bundle(&patient.family, visit_days_ago),
    )
    .await;
    import(app, &patient, &other_clinic_bundle(&patient.family, None)).await;
    patient
}

/// A new patient who saw the practice a month ago: metformin may be renewed.
pub async fn eligible_patient(app: &TestApp) -> Patient {
    patient_with_visit(app, Some(30)).await
}

pub fn medications_path(patient_id: &str) -> String {
    format!("/patients/{patient_id}/refills/medications")
}

pub fn refills_path(patient_id: &str) -> String {
    format!("/patients/{patient_id}/refills")
}

pub fn refill_path(patient_id: &str, refill: &str) -> String {
    format!("/patients/{patient_id}/refills/{refill}")
}

pub fn staff_path(refill: &str) -> String {
    format!("{QUEUE}/{refill}")
}

/// The patient's medications with eligibility, as `who` sees them.
pub async fn medications(app: &TestApp, patient_id: &str, who: &Actor) -> Vec<Value> {
    let reply = app.get(&medications_path(patient_id), who).await;
    assert_eq!(reply.status, 200, "the medications: {reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

/// The medication item whose codes include the RxNorm `code`.
#[track_caller]
pub fn medication<'a>(items: &'a [Value], code: &str) -> &'a Value {
    items
        .iter()
        .find(|item| {
            item["codes"]
                .as_array()
                .is_some_and(|codes| codes.iter().any(|c| c["code"] == code))
        })
        .unwrap_or_else(|| panic!("no medication coded {code}: {items:#?}"))
}

/// The record id of the patient's medication coded `code`.
pub async fn record_of(app: &TestApp, patient: &Patient, code: &str) -> String {
    let items = medications(app, &patient.id, &patient.actor).await;
    id_of(medication(&items, code), "recordId")
}

pub fn address() -> Value {
    json!({"line": "12 Elm Street", "city": "Springfield", "state": "IL", "postalCode": "62701"})
}

/// A pharmacy the patient enters (not from the directory), with a valid NPI.
pub fn entered_pharmacy() -> Value {
    json!({
        "name": "Corner Pharmacy",
        "address": address(),
        "phone": "+15555550123",
        "npi": "1234567893",
    })
}

/// A valid request body for `record`.
pub fn ask_body(record: &str) -> Value {
    json!({
        "recordId": record,
        "pharmacy": entered_pharmacy(),
        "note": "Running out at the end of the week.",
    })
}

/// `who` asks for the patient's `record` with `body`.
pub async fn ask_with(app: &TestApp, patient_id: &str, who: &Actor, body: Value) -> Reply {
    app.send(
        Method::POST,
        &refills_path(patient_id),
        Some(who),
        Some(body),
    )
    .await
}

/// The patient asks to renew their medication coded `code`; the request as answered.
pub async fn asked(app: &TestApp, patient: &Patient, code: &str) -> Value {
    let record = record_of(app, patient, code).await;
    let reply = ask_with(app, &patient.id, &patient.actor, ask_body(&record)).await;
    assert_eq!(reply.status, 201, "asking for a refill: {reply:#?}");
    reply.body
}

/// A new eligible patient and their metformin request; (refill id, patient).
pub async fn new_request(app: &TestApp) -> (String, Patient) {
    let patient = eligible_patient(app).await;
    let refill = asked(app, &patient, METFORMIN).await;
    (id_of(&refill, "refillId"), patient)
}

/// The patient's requests, newest first.
pub async fn requests_of(app: &TestApp, patient: &Patient) -> Vec<Value> {
    let reply = app.get(&refills_path(&patient.id), &patient.actor).await;
    assert_eq!(reply.status, 200, "the patient's requests: {reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

/// `POST /staff/refills/{id}/review` as `who`.
pub async fn review(app: &TestApp, refill: &str, who: &Actor) -> Reply {
    app.send(
        Method::POST,
        &format!("{}/review", staff_path(refill)),
        Some(who),
        None,
    )
    .await
}

/// `POST /staff/refills/{id}/decision` as `who`.
pub async fn decide(app: &TestApp, refill: &str, who: &Actor, body: Value) -> Reply {
    app.send(
        Method::POST,
        &format!("{}/decision", staff_path(refill)),
        Some(who),
        Some(body),
    )
    .await
}

/// `POST /staff/refills/{id}/sent` as `who`.
pub async fn mark_sent(app: &TestApp, refill: &str, who: &Actor) -> Reply {
    app.send(
        Method::POST,
        &format!("{}/sent", staff_path(refill)),
        Some(who),
        None,
    )
    .await
}

pub fn approval() -> Value {
    json!({
        "outcome": "approve",
        "quantity": {"value": 90, "unit": "tablet"},
        "refills": 3,
        "message": "Renewed for three months; take it with your evening meal.",
    })
}

pub fn denial() -> Value {
    json!({
        "outcome": "deny",
        "reasonCode": "needs-labs",
        "message": "We need a new HbA1c before renewing this.",
    })
}

/// A request the clinician approved; as answered.
pub async fn approved(app: &TestApp, refill: &str) -> Value {
    let reply = decide(app, refill, &app.clinician, approval()).await;
    assert_eq!(reply.status, 200, "approving: {reply:#?}");
    reply.body
}

/// The statuses of a request's history, oldest first.
pub fn history(request: &Value) -> Vec<String> {
    request["history"]
        .as_array()
        .unwrap_or_else(|| panic!("a history in {request:#?}"))
        .iter()
        .map(|entry| entry["status"].as_str().expect("status").to_owned())
        .collect()
}

/// The `refill-decided` outbox records about `refill`.
pub async fn told(app: &TestApp, refill: &str) -> Vec<Value> {
    app.outbox_where("refillId", refill)
        .await
        .into_iter()
        .filter(|record| record["template"] == TEMPLATE)
        .collect()
}

/// A 422 naming `field` or a part of it (`pharmacy` is named by `pharmacy.npi`).
#[track_caller]
pub fn assert_invalid(reply: &Reply, field: &str) {
    assert_problem(reply, 422, None);
    let named = reply.body["errors"].as_array().is_some_and(|errors| {
        errors.iter().any(|e| {
            e["field"].as_str().is_some_and(|f| {
                f == field
                    || f.starts_with(&format!("{field}["))
                    || f.starts_with(&format!("{field}."))
            })
        })
    });
    assert!(named, "expected the problem to name {field}: {reply:#?}");
}

/// A 409 of the problem type `slug` (`refill-already-open`, `refill-closed`, ...).
#[track_caller]
pub fn assert_conflict(reply: &Reply, slug: &str) {
    assert_problem(reply, 409, None);
    assert_eq!(
        reply.body["type"],
        format!("https://patient-portal.dev/problems/{slug}"),
        "{reply:#?}"
    );
}

/// A pharmacy directory entry named `name` (NCPDP id and NPI as given).
pub fn pharmacy_body(name: &str) -> Value {
    json!({
        "name": name,
        "address": address(),
        "phone": "+15555550188",
        "ncpdpId": "1234567",
        "npi": "1234567893",
    })
}

/// A new directory pharmacy added by the front desk; as answered.
pub async fn new_pharmacy(app: &TestApp, name: &str) -> Value {
    let reply = app
        .send(
            Method::POST,
            STAFF_PHARMACIES,
            Some(&app.front_desk),
            Some(pharmacy_body(name)),
        )
        .await;
    assert_eq!(reply.status, 201, "adding a pharmacy: {reply:#?}");
    reply.body
}

/// `GET /pharmacies?q=` as `who`: the items.
pub async fn search_pharmacies(app: &TestApp, q: &str, who: &Actor) -> Vec<Value> {
    let reply = app.get(&format!("{PHARMACIES}?q={}", encode(q)), who).await;
    assert_eq!(reply.status, 200, "searching pharmacies: {reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

/// Percent-encodes a query value (letters, digits and `-_.~` pass).
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The authorisation matrix's request for a refills route, about `patient` (a fresh patient
/// per case, whom this gives the practice's bundle with a recent visit when the route needs a
/// medication or a request): (method, path, body, If-Match).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let request = match route {
        ("GET", "/patients/{patientId}/refills/medications") => {
            import(app, patient, &practice_bundle(&patient.family, Some(30))).await;
            (Method::GET, medications_path(&patient.id), None)
        }
        ("POST", "/patients/{patientId}/refills") => {
            import(app, patient, &practice_bundle(&patient.family, Some(30))).await;
            let record = record_of(app, patient, METFORMIN).await;
            (
                Method::POST,
                refills_path(&patient.id),
                Some(ask_body(&record)),
            )
        }
        ("GET", "/patients/{patientId}/refills") => (Method::GET, refills_path(&patient.id), None),
        ("GET", "/patients/{patientId}/refills/{refillId}")
        | ("POST", "/patients/{patientId}/refills/{refillId}/withdraw") => {
            let refill = matrix_refill(app, patient).await;
            if route.0 == "GET" {
                (Method::GET, refill_path(&patient.id, &refill), None)
            } else {
                (
                    Method::POST,
                    format!("{}/withdraw", refill_path(&patient.id, &refill)),
                    None,
                )
            }
        }
        ("GET", "/staff/refills") => (Method::GET, QUEUE.to_owned(), None),
        ("GET", "/staff/refills/{refillId}") | ("POST", "/staff/refills/{refillId}/review") => {
            let refill = matrix_refill(app, patient).await;
            if route.0 == "GET" {
                (Method::GET, staff_path(&refill), None)
            } else {
                (
                    Method::POST,
                    format!("{}/review", staff_path(&refill)),
                    None,
                )
            }
        }
        ("POST", "/staff/refills/{refillId}/decision") => {
            let refill = matrix_refill(app, patient).await;
            (
                Method::POST,
                format!("{}/decision", staff_path(&refill)),
                Some(approval()),
            )
        }
        ("POST", "/staff/refills/{refillId}/sent") => {
            let refill = matrix_refill(app, patient).await;
            approved(app, &refill).await;
            (Method::POST, format!("{}/sent", staff_path(&refill)), None)
        }
        ("POST", "/staff/pharmacies") => (
            Method::POST,
            STAFF_PHARMACIES.to_owned(),
            Some(pharmacy_body(&unique("Matrix Pharmacy"))),
        ),
        ("DELETE", "/staff/pharmacies/{pharmacyId}") => {
            let pharmacy = id_of(
                &new_pharmacy(app, &unique("Matrix Pharmacy")).await,
                "pharmacyId",
            );
            (
                Method::DELETE,
                format!("{STAFF_PHARMACIES}/{pharmacy}"),
                None,
            )
        }
        ("GET", "/pharmacies") => (Method::GET, format!("{PHARMACIES}?q=Matrix"), None),
        _ => return None,
    };
    let (method, path, body) = request;
    Some((method, path, body, None))
}

/// The patient's metformin request (the practice's bundle imported first); its id.
async fn matrix_refill(app: &TestApp, patient: &Patient) -> String {
    import(app, patient, &practice_bundle(&patient.family, Some(30))).await;
    id_of(&asked(app, patient, METFORMIN).await, "refillId")
}
