//! What the education and training suites share: the starter library and the training modules
//! as the repository ships them (read from the files, so the tests follow the content), a
//! bundle the matching is checked against, practice topics no other test can match (a made-up
//! ingredient word per topic), staff with an onboarding plan, and the matrix's requests.

use portal_shared::domain::timestamp::Timestamp;
use portal_tests::{Actor, Method, Patient, Reply, TestApp, assert_problem, workspace_root};
use serde_json::{Value, json};

// Shared by every suite (the harness).
pub use portal_tests::id_of;

pub const LIBRARY: &str = "/staff/education/topics";
pub const PROBLEMS: &str = "https://patient-portal.dev/problems";

pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
pub const SNOMED: &str = "http://snomed.info/sct";
pub const LOINC: &str = "http://loinc.org";
pub const NDC: &str = "http://hl7.org/fhir/sid/ndc";

/// The clinic of [`record_bundle`].
pub const CLINIC: &str = "Education Test Clinic";

// ---- content as shipped -------------------------------------------------------------------

fn content(file: &str) -> Value {
    let path = workspace_root()
        .join("functions/education/content")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// The starter library's topics, as shipped.
pub fn starter_topics() -> Vec<Value> {
    content("starter-library.json")["topics"]
        .as_array()
        .expect("topics")
        .clone()
}

/// The id of the starter topic coded `system` (`icd10cm`, `snomed`, `loinc`, `rxnorm`) `code`.
#[track_caller]
pub fn starter_topic(system: &str, code: &str) -> String {
    starter_topics()
        .iter()
        .find(|topic| {
            topic["codes"].as_array().is_some_and(|codes| {
                codes
                    .iter()
                    .any(|c| c["system"] == system && c["code"] == code)
            })
        })
        .map(|topic| id_of(topic, "topicId"))
        .unwrap_or_else(|| panic!("no starter topic coded {system} {code}"))
}

pub fn diabetes_topic() -> String {
    starter_topic("icd10cm", "E11")
}

pub fn hypertension_topic() -> String {
    starter_topic("icd10cm", "I10")
}

pub fn metformin_topic() -> String {
    starter_topic("rxnorm", "6809")
}

pub fn hba1c_topic() -> String {
    starter_topic("loinc", "4548-4")
}

/// A starter topic of `kind` that none of the topics above is, with a code of `system`: its id
/// and that code.
pub fn another_starter_topic(kind: &str, system: &str) -> (String, String) {
    let taken = [
        diabetes_topic(),
        hypertension_topic(),
        metformin_topic(),
        hba1c_topic(),
    ];
    starter_topics()
        .iter()
        .filter(|topic| topic["kind"] == kind)
        .filter(|topic| !taken.contains(&id_of(topic, "topicId")))
        .find_map(|topic| {
            let code = topic["codes"]
                .as_array()?
                .iter()
                .find(|c| c["system"] == system)?;
            Some((id_of(topic, "topicId"), id_of(code, "code")))
        })
        .unwrap_or_else(|| panic!("no other {kind} topic coded in {system}"))
}

/// The training modules, as shipped (with their answers: the test is the one who knows them).
pub fn training_module(module: &str) -> Value {
    content("training-modules.json")["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .find(|m| m["moduleId"] == module)
        .cloned()
        .unwrap_or_else(|| panic!("no training module {module}"))
}

/// Every question of `module` answered right.
pub fn right_answers(module: &str) -> Value {
    let module = training_module(module);
    let mut answers = serde_json::Map::new();
    for question in module["quiz"]["questions"].as_array().expect("questions") {
        answers.insert(id_of(question, "questionId"), question["answer"].clone());
    }
    json!({ "answers": answers })
}

/// Every question of `module` answered wrong (another choice than the answer).
pub fn wrong_answers(module: &str) -> Value {
    let module = training_module(module);
    let mut answers = serde_json::Map::new();
    for question in module["quiz"]["questions"].as_array().expect("questions") {
        let wrong = question["choices"]
            .as_array()
            .expect("choices")
            .iter()
            .find(|choice| choice["choiceId"] != question["answer"])
            .expect("a wrong choice");
        answers.insert(id_of(question, "questionId"), wrong["choiceId"].clone());
    }
    json!({ "answers": answers })
}

/// The question ids of `module`, in order.
pub fn question_ids(module: &str) -> Vec<String> {
    training_module(module)["quiz"]["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| id_of(q, "questionId"))
        .collect()
}

// ---- a record to match --------------------------------------------------------------------

/// `days` days ago, as a FHIR dateTime.
pub fn days_ago(days: u64) -> String {
    Timestamp::now()
        .minus(std::time::Duration::from_secs(days * 24 * 3600))
        .to_string()
}

fn entry(id: &str, resource: Value) -> Value {
    json!({"fullUrl": format!("urn:uuid:{id}"), "resource": resource})
}

fn clinical(status: &str) -> Value {
    json!({"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
        "code": status
    }]})
}

pub fn condition(id: &str, system: &str, code: &str, display: &str, status: &str) -> Value {
    entry(
        id,
        json!({
            "resourceType": "Condition",
            "id": id,
            "clinicalStatus": clinical(status),
            "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
            "subject": {"reference": "urn:uuid:patient"},
            "asserter": {"reference": "urn:uuid:clinic"},
            "recordedDate": "2024-01-05"
        }),
    )
}

/// An active medication named by `text` only (coded in NDC, which no topic carries), so only
/// an ingredient named in the text can match it.
pub fn medication(id: &str, text: &str) -> Value {
    entry(
        id,
        json!({
            "resourceType": "MedicationRequest",
            "id": id,
            "status": "active",
            "intent": "order",
            "medicationCodeableConcept": {
                "coding": [{"system": NDC, "code": "00000-0000-00", "display": text}],
                "text": text
            },
            "subject": {"reference": "urn:uuid:patient"},
            "requester": {"reference": "urn:uuid:clinic"},
            "authoredOn": "2025-02-10",
            "dosageInstruction": [{"text": "One tablet by mouth daily"}]
        }),
    )
}

pub fn lab(id: &str, code: &str, display: &str, days: u64) -> Value {
    entry(
        id,
        json!({
            "resourceType": "Observation",
            "id": id,
            "status": "final",
            "category": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "laboratory"
            }]}],
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
            "subject": {"reference": "urn:uuid:patient"},
            "performer": [{"reference": "urn:uuid:clinic"}],
            "effectiveDateTime": days_ago(days),
            "valueQuantity": {"value": 7.1, "unit": "%"}
        }),
    )
}

/// A bundle from [`CLINIC`] for `family` holding `items`.
pub fn bundle(family: &str, items: Vec<Value>) -> Value {
    let mut entries = vec![
        entry(
            "clinic",
            json!({"resourceType": "Organization", "id": "clinic", "name": CLINIC}),
        ),
        entry(
            "patient",
            json!({"resourceType": "Patient", "id": "patient",
                   "name": [{"family": family, "given": ["Ana"]}], "birthDate": "1984-03-12"}),
        ),
    ];
    entries.extend(items);
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

/// The codes the matching suite's record holds.
pub const DIABETES_CODE: &str = "E11.65";
pub const HYPERTENSION_SNOMED: &str = "38341003";
pub const HBA1C_LOINC: &str = "4548-4";
pub const METFORMIN_TEXT: &str = "Glucophage (metformin hydrochloride) 500 MG Oral Tablet";

/// The record the matching is checked against: type 2 diabetes coded `E11.65` (ICD-10-CM),
/// hypertension (SNOMED), metformin named in the text only, an HbA1c last month and one three
/// years ago, another lab test only three years ago (`old_test` LOINC), and a resolved
/// condition (`resolved` ICD-10-CM).
pub fn record_bundle(family: &str, old_test: &str, resolved: &str) -> Value {
    bundle(
        family,
        vec![
            condition(
                "ed-diabetes",
                ICD10CM,
                DIABETES_CODE,
                "Type 2 diabetes mellitus with hyperglycemia",
                "active",
            ),
            condition(
                "ed-hypertension",
                SNOMED,
                HYPERTENSION_SNOMED,
                "Hypertensive disorder",
                "active",
            ),
            condition(
                "ed-resolved",
                ICD10CM,
                resolved,
                "A condition that has resolved",
                "resolved",
            ),
            medication("ed-metformin", METFORMIN_TEXT),
            lab("ed-a1c-recent", HBA1C_LOINC, "Hemoglobin A1c", 30),
            lab("ed-a1c-old", HBA1C_LOINC, "Hemoglobin A1c", 3 * 365),
            lab("ed-old-test", old_test, "An old test", 3 * 365),
        ],
    )
}

/// Imports `bundle` for the patient as a clinician.
pub async fn import(app: &TestApp, patient: &Patient, bundle: &Value) {
    let reply = app
        .import_bundle(&patient.id, &app.clinician, bundle, "")
        .await;
    assert_eq!(reply.status, 201, "importing a bundle: {reply:#?}");
}

/// The patient's record whose code is `code`: (record id, source name).
pub async fn record_coded(app: &TestApp, patient: &Patient, code: &str) -> (String, String) {
    let records = app.all_records(&patient.id, &patient.actor, "").await;
    let found = records
        .iter()
        .find(|r| r["code"]["code"] == code)
        .unwrap_or_else(|| panic!("no record coded {code}: {records:#?}"));
    (
        id_of(found, "recordId"),
        found["source"]["name"]
            .as_str()
            .expect("source name")
            .to_owned(),
    )
}

/// Every record of the patient (the import may merge nothing here: one source).
pub async fn records_of(app: &TestApp, patient: &Patient) -> Vec<Value> {
    app.all_records(&patient.id, &patient.actor, "").await
}

// ---- the patient's routes -----------------------------------------------------------------

pub fn education_path(patient_id: &str) -> String {
    format!("/patients/{patient_id}/education")
}

pub fn topic_path(patient_id: &str, topic: &str) -> String {
    format!("/patients/{patient_id}/education/{topic}")
}

pub fn helpful_path(patient_id: &str, topic: &str) -> String {
    format!("/patients/{patient_id}/education/{topic}/helpful")
}

pub fn assign_path(patient_id: &str) -> String {
    format!("/staff/patients/{patient_id}/education")
}

pub fn unassign_path(patient_id: &str, topic: &str) -> String {
    format!("/staff/patients/{patient_id}/education/{topic}")
}

/// The patient's topics as `who` reads them (`query` appended as is), asserting 200.
pub async fn topics(app: &TestApp, patient_id: &str, who: &Actor, query: &str) -> Value {
    let reply = app
        .get(&format!("{}{query}", education_path(patient_id)), who)
        .await;
    assert_eq!(reply.status, 200, "the patient's topics: {reply:#?}");
    reply.body
}

/// The ids of the items of a list.
pub fn topic_ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| id_of(item, "topicId"))
        .collect()
}

/// The item of `topic` in a list, if there.
pub fn item<'a>(list: &'a Value, topic: &str) -> Option<&'a Value> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["topicId"] == topic)
}

/// `PUT .../helpful` as the patient.
pub async fn vote(app: &TestApp, patient: &Patient, topic: &str, helpful: bool) -> Reply {
    app.send(
        Method::PUT,
        &helpful_path(&patient.id, topic),
        Some(&patient.actor),
        Some(json!({ "helpful": helpful })),
    )
    .await
}

/// `POST /staff/patients/{id}/education` as `who`.
pub async fn assign(app: &TestApp, patient_id: &str, who: &Actor, body: Value) -> Reply {
    app.send(
        Method::POST,
        &assign_path(patient_id),
        Some(who),
        Some(body),
    )
    .await
}

/// The `education-assigned` outbox records about the patient.
pub async fn told(app: &TestApp, patient_id: &str) -> Vec<Value> {
    app.outbox_where("patientId", patient_id)
        .await
        .into_iter()
        .filter(|record| record["template"] == "education-assigned")
        .collect()
}

/// The patient's feedback ratings of the `education` feature.
pub async fn education_ratings(app: &TestApp, patient: &Patient) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/patients/{}/feedback", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(reply.status, 200, "the patient's feedback: {reply:#?}");
    reply.body["ratings"]
        .as_array()
        .expect("ratings")
        .iter()
        .filter(|r| r["feature"] == "education")
        .cloned()
        .collect()
}

// ---- the library --------------------------------------------------------------------------

/// A word of letters no other test uses (an ingredient no real medication names).
pub fn unique_word() -> String {
    let id = ulid::Ulid::generate().to_string().to_lowercase();
    let letters: String = id
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from(b'a' + d as u8),
            None => c,
        })
        .collect();
    format!("zed{}", &letters[letters.len() - 12..])
}

/// A topic id no other test uses.
pub fn unique_topic_id() -> String {
    format!("practice-{}", unique_word())
}

/// A valid new practice topic, English only: a medication topic matched by `ingredient`.
pub fn topic_body(topic_id: &str, ingredient: &str) -> Value {
    json!({
        "topicId": topic_id,
        "kind": "medication",
        "content": {"en": {
            "title": format!("Taking {ingredient}"),
            "summary": "Take it with food. Tell us if your stomach is upset. Do not stop it on your own.",
            "url": "https://medlineplus.gov/druginfo/meds/a696005.html"
        }},
        "codes": [{"system": "rxnorm", "code": "999999901"}],
        "ingredients": [ingredient],
    })
}

/// `POST /staff/education/topics` as `who`.
pub async fn add_topic(app: &TestApp, who: &Actor, body: Value) -> Reply {
    app.send(Method::POST, LIBRARY, Some(who), Some(body)).await
}

/// A new practice topic matched by `ingredient`, added by the clinician; as answered.
pub async fn new_topic(app: &TestApp, ingredient: &str) -> Value {
    let reply = add_topic(
        app,
        &app.clinician,
        topic_body(&unique_topic_id(), ingredient),
    )
    .await;
    assert_eq!(reply.status, 201, "adding a topic: {reply:#?}");
    reply.body
}

/// The library as `who` reads it, asserting 200.
pub async fn library(app: &TestApp, who: &Actor) -> Vec<Value> {
    let reply = app.get(LIBRARY, who).await;
    assert_eq!(reply.status, 200, "the library: {reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

/// The library's topic `id`, if listed.
pub async fn library_topic(app: &TestApp, id: &str) -> Option<Value> {
    library(app, &app.clinician)
        .await
        .into_iter()
        .find(|t| t["topicId"] == id)
}

/// The If-Match value for a topic's version.
pub fn etag_of(topic: &Value) -> String {
    format!(
        "\"{}\"",
        topic["version"]
            .as_u64()
            .unwrap_or_else(|| panic!("version in {topic:#?}"))
    )
}

/// A topic as a PUT body: what a clinician may change.
pub fn editable(topic: &Value) -> Value {
    let mut body = json!({
        "topicId": topic["topicId"],
        "kind": topic["kind"],
        "content": topic["content"],
        "codes": topic["codes"],
        "ingredients": topic["ingredients"],
    });
    if body["ingredients"].is_null() {
        body["ingredients"] = json!([]);
    }
    body
}

/// A patient holding a medication whose text names `ingredient`.
pub async fn patient_taking(app: &TestApp, ingredient: &str) -> Patient {
    let patient = app.new_patient().await;
    let text = format!("{ingredient} 10 MG Oral Tablet");
    import(
        app,
        &patient,
        &bundle(&patient.family, vec![medication("ed-practice-med", &text)]),
    )
    .await;
    patient
}

// ---- training and onboarding --------------------------------------------------------------

pub fn module_path(module: &str) -> String {
    format!("/staff/training/{module}")
}

pub fn attempts_path(module: &str) -> String {
    format!("/staff/training/{module}/attempts")
}

pub fn waiver_path(staff: &str, module: &str) -> String {
    format!("/admin/staff/{staff}/training/{module}/waiver")
}

pub fn onboarding_path(staff: &str) -> String {
    format!("/admin/staff/{staff}/onboarding")
}

/// `who` answers `module`'s quiz.
pub async fn attempt(app: &TestApp, who: &Actor, module: &str, body: Value) -> Reply {
    app.send(Method::POST, &attempts_path(module), Some(who), Some(body))
        .await
}

/// The admin gives `member` an onboarding plan from their roles; the plan view.
pub async fn give_plan(app: &TestApp, member: &Actor) -> Value {
    let reply = app
        .send(
            Method::POST,
            &onboarding_path(&member.sub),
            Some(&app.admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "assigning a plan: {reply:#?}");
    reply.body
}

/// A new clinician with an onboarding plan (portal basics and the message inbox assigned).
pub async fn new_trainee(app: &TestApp, name: &str) -> (Actor, Value) {
    let member = app.new_staff(name, &["clinicians"]).await;
    let plan = give_plan(app, &member).await;
    (member, plan)
}

/// A plan view's module entry.
#[track_caller]
pub fn module_in<'a>(plan: &'a Value, module: &str) -> &'a Value {
    plan["modules"]
        .as_array()
        .unwrap_or_else(|| panic!("modules in {plan:#?}"))
        .iter()
        .find(|m| m["moduleId"] == module)
        .unwrap_or_else(|| panic!("no {module} in {plan:#?}"))
}

/// The clinicians' inbox of medical questions, as `who`.
pub async fn inbox(app: &TestApp, who: &Actor) -> Reply {
    app.get("/staff/inbox?category=medical-question", who).await
}

/// Checks the `training-required` problem naming `module`.
#[track_caller]
pub fn assert_training_required(reply: &Reply, module: &str) {
    assert_problem(reply, 403, None);
    assert_eq!(
        reply.body["type"],
        format!("{PROBLEMS}/training-required"),
        "{reply:#?}"
    );
    assert_eq!(reply.body["title"], "Training required", "{reply:#?}");
    assert_eq!(reply.body["module"], module, "{reply:#?}");
}

// ---- problems -----------------------------------------------------------------------------

/// A 422 naming `field` exactly.
#[track_caller]
pub fn assert_invalid(reply: &Reply, field: &str) {
    assert_problem(reply, 422, Some(field));
}

/// A problem of type `slug` with `status`.
#[track_caller]
pub fn assert_type(reply: &Reply, status: u16, slug: &str) {
    assert_problem(reply, status, None);
    assert_eq!(
        reply.body["type"],
        format!("{PROBLEMS}/{slug}"),
        "{reply:#?}"
    );
}

// ---- the authorisation matrix -------------------------------------------------------------

/// The authorisation matrix's request for an education or training route, about `patient` (a
/// fresh patient per case): (method, path, body, If-Match).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let hypertension = hypertension_topic();
    let request = match route {
        ("GET", "/patients/{patientId}/education") => {
            (Method::GET, education_path(&patient.id), None, None)
        }
        ("GET", "/patients/{patientId}/education/{topicId}") => (
            Method::GET,
            topic_path(&patient.id, &hypertension),
            None,
            None,
        ),
        ("PUT", "/patients/{patientId}/education/{topicId}/helpful") => (
            Method::PUT,
            helpful_path(&patient.id, &hypertension),
            Some(json!({"helpful": true})),
            None,
        ),
        ("POST", "/staff/patients/{patientId}/education") => (
            Method::POST,
            assign_path(&patient.id),
            Some(json!({"topicId": hypertension, "note": "Matrix"})),
            None,
        ),
        ("DELETE", "/staff/patients/{patientId}/education/{topicId}") => {
            let assigned = assign(
                app,
                &patient.id,
                &app.clinician,
                json!({"topicId": hypertension}),
            )
            .await;
            assert_eq!(assigned.status, 201, "assigning: {assigned:#?}");
            (
                Method::DELETE,
                unassign_path(&patient.id, &hypertension),
                None,
                None,
            )
        }
        ("GET", "/staff/education/topics") => (Method::GET, LIBRARY.to_owned(), None, None),
        ("POST", "/staff/education/topics") => (
            Method::POST,
            LIBRARY.to_owned(),
            Some(topic_body(&unique_topic_id(), &unique_word())),
            None,
        ),
        ("PUT", "/staff/education/topics/{topicId}") => {
            let topic = new_topic(app, &unique_word()).await;
            let tag = etag_of(&topic);
            let mut body = editable(&topic);
            body["content"]["en"]["title"] = json!("Matrix title");
            (
                Method::PUT,
                format!("{LIBRARY}/{}", id_of(&topic, "topicId")),
                Some(body),
                Some(tag),
            )
        }
        ("DELETE", "/staff/education/topics/{topicId}") => {
            let topic = new_topic(app, &unique_word()).await;
            (
                Method::DELETE,
                format!("{LIBRARY}/{}", id_of(&topic, "topicId")),
                None,
                None,
            )
        }
        ("GET", "/staff/training") => (Method::GET, "/staff/training".to_owned(), None, None),
        ("GET", "/staff/training/{moduleId}") => {
            (Method::GET, module_path("portal-basics"), None, None)
        }
        // Portal basics gates nothing: the shared staff who pass it stay cleared for their work.
        ("POST", "/staff/training/{moduleId}/attempts") => (
            Method::POST,
            attempts_path("portal-basics"),
            Some(right_answers("portal-basics")),
            None,
        ),
        ("GET", "/admin/training") => (Method::GET, "/admin/training".to_owned(), None, None),
        ("POST", "/admin/staff/{staffId}/onboarding") => {
            let member = app.new_staff("matrixplan", &["clinicians"]).await;
            (Method::POST, onboarding_path(&member.sub), None, None)
        }
        ("POST", "/admin/staff/{staffId}/training/{moduleId}/waiver") => {
            let (member, _) = new_trainee(app, "matrixwaiver").await;
            (
                Method::POST,
                waiver_path(&member.sub, "message-inbox"),
                Some(json!({"reason": "Matrix: trained at her last practice."})),
                None,
            )
        }
        _ => return None,
    };
    Some(request)
}
