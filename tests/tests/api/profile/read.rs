//! `GET /patients/{patientId}/profile`.

use portal_tests::{Method, assert_problem, spawn_app};

#[tokio::test]
async fn patients_read_their_own_profile_by_id_and_as_me() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for path in [
        format!("/patients/{}/profile", patient.id),
        "/patients/me/profile".to_owned(),
    ] {
        let response = app.get(&path, &patient.actor).await;
        assert_eq!(response.status, 200, "{response:?}");
        assert_eq!(response.body["patientId"], patient.id.as_str());
        assert_eq!(response.header("etag").as_deref(), Some("\"1\""));
        assert_eq!(
            response.header("cache-control").as_deref(),
            Some("no-store")
        );
    }
    let events = app.audit_events(&patient.id).await;
    let reads: Vec<_> = events
        .iter()
        .filter(|e| e["action"] == "profile.read" && e["outcome"] == "allowed")
        .collect();
    assert_eq!(reads.len(), 2, "{events:?}");
    assert!(
        reads
            .iter()
            .all(|e| e["actorSub"] == patient.actor.sub.as_str()
                && e["relationship"] == "own"
                && e["requestId"].as_str().is_some_and(|id| !id.is_empty()))
    );
}

#[tokio::test]
async fn another_patients_profile_is_not_found_and_the_attempt_is_audited() {
    let app = spawn_app().await;
    let me = app.new_patient().await;
    let other = app.new_patient().await;
    let response = app
        .get(&format!("/patients/{}/profile", other.id), &me.actor)
        .await;
    assert_problem(&response, 404, None);
    // Indistinguishable from a patient that does not exist.
    let nobody = ulid::Ulid::generate().to_string();
    let missing = app
        .get(&format!("/patients/{nobody}/profile"), &me.actor)
        .await;
    assert_problem(&missing, 404, None);
    assert_eq!(response.body["title"], missing.body["title"]);

    let events = app.audit_events(&other.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "profile.read"
            && e["outcome"] == "denied"
            && e["actorSub"] == me.actor.sub.as_str()),
        "{events:?}"
    );
}

#[tokio::test]
async fn staff_read_by_role() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = format!("/patients/{}/profile", patient.id);
    for actor in [&app.front_desk, &app.clinician, &app.response_team] {
        let response = app.get(&path, actor).await;
        assert_eq!(response.status, 200, "{}: {response:?}", actor.email);
    }
    // Admins run the portal; patients' records need a clinical or front-desk role.
    let response = app.get(&path, &app.admin).await;
    assert_problem(&response, 403, None);
    // A caregiver without a grant for this patient learns nothing.
    let response = app.get(&path, &app.caregiver).await;
    assert_problem(&response, 404, None);
    let events = app.audit_events(&patient.id).await;
    assert!(
        events
            .iter()
            .any(|e| e["actorSub"] == app.admin.sub.as_str() && e["outcome"] == "denied")
    );
    assert!(
        events
            .iter()
            .any(|e| e["actorSub"] == app.clinician.sub.as_str()
                && e["outcome"] == "allowed"
                && e["relationship"] == "staff")
    );
}

#[tokio::test]
async fn malformed_ids_and_me_without_a_record_are_not_found() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for path in ["/patients/not-a-ulid/profile", "/patients/%00/profile"] {
        let response = app.get(path, &patient.actor).await;
        assert_problem(&response, 404, None);
    }
    // Staff have no patient record of their own.
    let response = app.get("/patients/me/profile", &app.front_desk).await;
    assert_problem(&response, 404, None);
    let response = app
        .send(Method::GET, "/patients/me/profile", None, None)
        .await;
    assert_eq!(response.status, 401);
}

#[tokio::test]
async fn a_caregiver_with_the_profile_scope_reads_and_it_is_audited_as_theirs() {
    use portal_shared::policy::authz::Scope;
    use portal_tests::GrantState;
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = format!("/patients/{}/profile", patient.id);
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Profile],
        GrantState::Active,
    )
    .await;
    let response = app.get(&path, &app.caregiver).await;
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.body["patientId"], patient.id.as_str());
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "profile.read"
            && e["actorSub"] == app.caregiver.sub.as_str()
            && e["relationship"] == "caregiver"
            && e["outcome"] == "allowed"),
        "{events:?}"
    );
    // Revoked: effective at once.
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Profile],
        GrantState::Revoked,
    )
    .await;
    assert_problem(&app.get(&path, &app.caregiver).await, 404, None);
}

#[tokio::test]
async fn refused_staff_routes_are_audited_under_the_caller() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let response = app.get("/staff/profile-changes", &patient.actor).await;
    assert_problem(&response, 403, None);
    let events = app.actor_audit_events(&patient.actor).await;
    assert!(
        events.iter().any(|e| e["action"] == "profile-change.review"
            && e["outcome"] == "denied"
            && e["requestId"] == response.body["requestId"]),
        "{events:?}"
    );
}
