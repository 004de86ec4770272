//! `GET /patients/{patientId}/refills/medications`: every medication of the consolidated record
//! with whether the practice may renew it and every reason why not (inactive, a controlled
//! substance, no visit with the practice within the window, a request already open).

use portal_shared::policy::authz::Scope;
use portal_tests::{GrantState, Method, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;
use crate::appointments::support::seed_past_appointment;

fn reasons(item: &Value) -> Vec<String> {
    item["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("reasons in {item:#?}"))
        .iter()
        .map(|r| r.as_str().expect("a reason code").to_owned())
        .collect()
}

#[track_caller]
fn assert_eligible(item: &Value) {
    assert_eq!(item["eligible"], true, "{item:#?}");
    assert_eq!(reasons(item), Vec::<String>::new(), "{item:#?}");
}

#[track_caller]
fn assert_reasons(item: &Value, expected: &[&str]) {
    assert_eq!(item["eligible"], false, "{item:#?}");
    let mut got = reasons(item);
    got.sort();
    let mut want: Vec<String> = expected.iter().map(|r| (*r).to_owned()).collect();
    want.sort();
    assert_eq!(got, want, "{item:#?}");
}

#[tokio::test]
async fn a_patient_who_saw_the_practice_may_renew_what_is_active_and_not_controlled() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    let items = medications(app, &patient.id, &patient.actor).await;
    assert_eq!(items.len(), 4, "every medication of the record: {items:#?}");

    let metformin = medication(&items, METFORMIN);
    assert_eligible(metformin);
    assert_eq!(metformin["sourceName"], PRACTICE_NAME, "{metformin:#?}");
    assert_eq!(metformin["status"], "active");
    assert!(
        metformin["title"]
            .as_str()
            .is_some_and(|t| t.contains("metformin")),
        "{metformin:#?}"
    );
    let code = &metformin["codes"][0];
    assert_eq!(
        (code["system"].as_str(), code["code"].as_str()),
        (Some(RXNORM), Some(METFORMIN))
    );
    // The visit a month ago, as a date.
    let last_visit = metformin["lastVisit"].as_str().expect("lastVisit");
    assert_eq!(last_visit.len(), 10, "a date: {last_visit}");
    assert!(
        last_visit >= &days_ago(32)[..10] && last_visit <= &days_ago(28)[..10],
        "{last_visit}"
    );
    assert!(metformin.get("openRefillId").is_none_or(Value::is_null));

    // Oxycodone by its RxNorm product code (the ingredient's name in the display): controlled.
    assert_reasons(medication(&items, OXYCODONE), &["controlled-substance"]);
    // Stopped.
    assert_reasons(medication(&items, LISINOPRIL), &["inactive"]);
    // From another clinic: the visit is with the practice, whoever prescribed it.
    let atorvastatin = medication(&items, ATORVASTATIN);
    assert_eq!(
        atorvastatin["sourceName"], OTHER_CLINIC,
        "{atorvastatin:#?}"
    );
    assert_eligible(atorvastatin);

    // A caregiver trusted with the records, and the staff who work the queue, see the same.
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Records],
        GrantState::Active,
    )
    .await;
    for who in [&app.caregiver, &app.clinician, &app.front_desk] {
        let seen = medications(app, &patient.id, who).await;
        assert_eq!(seen, items);
    }
    // Each read is audited against the patient.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events
            .iter()
            .any(|e| e["action"] == "refill.read" && e["actorSub"] == patient.actor.sub.as_str()),
        "{events:#?}"
    );
}

#[tokio::test]
async fn without_a_visit_in_the_window_nothing_may_be_renewed_and_every_reason_is_given() {
    let app = spawn_app().await;
    // A visit thirteen months ago: outside the default twelve.
    let patient = patient_with_visit(app, Some(400)).await;
    let items = medications(app, &patient.id, &patient.actor).await;
    assert_reasons(medication(&items, METFORMIN), &["no-recent-visit"]);
    assert_reasons(medication(&items, ATORVASTATIN), &["no-recent-visit"]);
    assert_reasons(
        medication(&items, OXYCODONE),
        &["controlled-substance", "no-recent-visit"],
    );
    assert_reasons(
        medication(&items, LISINOPRIL),
        &["inactive", "no-recent-visit"],
    );

    // And none at all.
    let never = patient_with_visit(app, None).await;
    let items = medications(app, &never.id, &never.actor).await;
    let metformin = medication(&items, METFORMIN);
    assert_reasons(metformin, &["no-recent-visit"]);
    assert!(metformin.get("lastVisit").is_none_or(Value::is_null));
}

#[tokio::test]
async fn a_visit_elsewhere_is_no_visit_with_the_practice() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    import(app, &patient, &practice_bundle(&patient.family, None)).await;
    import(
        app,
        &patient,
        &other_clinic_bundle(&patient.family, Some(10)),
    )
    .await;
    let items = medications(app, &patient.id, &patient.actor).await;
    assert_reasons(medication(&items, METFORMIN), &["no-recent-visit"]);
    assert_reasons(medication(&items, ATORVASTATIN), &["no-recent-visit"]);
}

#[tokio::test]
async fn a_past_appointment_booked_through_the_portal_is_a_visit() {
    let app = spawn_app().await;
    let patient = patient_with_visit(app, None).await;
    seed_past_appointment(app, &patient.id, 48).await;
    let items = medications(app, &patient.id, &patient.actor).await;
    assert_eligible(medication(&items, METFORMIN));
    assert_reasons(medication(&items, OXYCODONE), &["controlled-substance"]);
}

#[tokio::test]
async fn an_open_request_makes_its_medication_ineligible_and_names_the_request() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    let refill = id_of(&asked(app, &patient, METFORMIN).await, "refillId");
    let items = medications(app, &patient.id, &patient.actor).await;
    let metformin = medication(&items, METFORMIN);
    assert_reasons(metformin, &["request-open"]);
    assert_eq!(metformin["openRefillId"], refill.as_str(), "{metformin:#?}");
    // The others are unchanged.
    assert_eligible(medication(&items, ATORVASTATIN));

    // Once withdrawn, it may be asked for again.
    let withdrawn = app
        .send(
            Method::POST,
            &format!("{}/withdraw", refill_path(&patient.id, &refill)),
            Some(&patient.actor),
            None,
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{withdrawn:#?}");
    let items = medications(app, &patient.id, &patient.actor).await;
    assert_eligible(medication(&items, METFORMIN));
}

#[tokio::test]
async fn a_record_without_medications_lists_none() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let reply = app
        .get(&medications_path(&patient.id), &patient.actor)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["items"], json!([]));
}

#[tokio::test]
async fn only_those_who_may_read_the_record_see_its_medications() {
    let app = spawn_app().await;
    let patient = eligible_patient(app).await;
    let stranger = app.new_patient().await;
    let path = medications_path(&patient.id);

    let anonymous = app.send(Method::GET, &path, None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    // Another patient learns nothing: 404, as for a patient who does not exist.
    let foreign = app.get(&path, &stranger.actor).await;
    assert_problem(&foreign, 404, None);
    let nobody = app
        .get(
            &medications_path(&ulid::Ulid::generate().to_string()),
            &patient.actor,
        )
        .await;
    assert_problem(&nobody, 404, None);
    // A caregiver trusted with messages only; roles that do not work refills.
    let carer = app.new_staff("carer", &["caregivers"]).await;
    app.grant(&patient.id, &carer, &[Scope::Messages], GrantState::Active)
        .await;
    for who in [&carer, &app.admin, &app.response_team, &app.portal_lead] {
        let refused = app.get(&path, who).await;
        assert_problem(&refused, 403, None);
    }
}
