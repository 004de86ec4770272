//! Staff need an authenticator app: every staff decision of the shared Authorizer refuses a
//! staff token without `custom:mfa` with `mfa-required` (audited as denied), on a patient's
//! data, a work list and the admin routes alike; patients and caregivers never need one.
//! Administrators see who has enrolled (`GET /admin/staff`'s `mfaEnrolled`) and reset a
//! member's app (`POST /admin/staff/{staffId}/mfa/reset`).

use portal_local::identity::DEMO_PASSWORD;
use portal_tests::{Actor, Method, Patient, Reply, TestApp, assert_problem, spawn_app};
use serde_json::Value;

const MFA_REQUIRED: &str = "https://patient-portal.dev/problems/mfa-required";

#[track_caller]
fn assert_mfa_required(reply: &Reply) {
    assert_problem(reply, 403, None);
    assert_eq!(reply.body["type"], MFA_REQUIRED, "{reply:#?}");
}

/// A 403 that says nothing of MFA (the caller was refused on their role).
#[track_caller]
fn assert_plain_forbidden(reply: &Reply) {
    assert_problem(reply, 403, None);
    assert_ne!(reply.body["type"], MFA_REQUIRED, "{reply:#?}");
}

fn profile(patient: &Patient) -> String {
    format!("/patients/{}/profile", patient.id)
}

const INBOX: &str = "/staff/inbox?category=medical-question";

fn reset_path(staff_id: &str) -> String {
    format!("/admin/staff/{staff_id}/mfa/reset")
}

async fn reset(app: &TestApp, staff_id: &str, who: Option<&Actor>) -> Reply {
    app.send(Method::POST, &reset_path(staff_id), who, None)
        .await
}

async fn listed(app: &TestApp, staff_id: &str) -> Value {
    let reply = app.get("/admin/staff", &app.admin).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["staffId"] == staff_id)
        .cloned()
        .unwrap_or_else(|| panic!("{staff_id} listed: {reply:#?}"))
}

/// The refusals audited for `who` (outcome denied) under `action`.
async fn denied(app: &TestApp, who: &Actor, action: &str) -> usize {
    app.actor_audit_events(who)
        .await
        .iter()
        .filter(|e| e["outcome"] == "denied" && e["action"] == action)
        .count()
}

#[tokio::test]
async fn staff_without_an_authenticator_app_are_refused_and_audited() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let clinician = app
        .new_staff_without_mfa("nomfa-clinician", &["clinicians"])
        .await;
    let desk = app
        .new_staff_without_mfa("nomfa-desk", &["front-desk"])
        .await;
    let admin = app.new_staff_without_mfa("nomfa-admin", &["admins"]).await;

    // A patient's data, a work list and an admin route: each refused for want of MFA.
    assert_mfa_required(&app.get(&profile(&patient), &clinician).await);
    assert_mfa_required(&app.get(INBOX, &clinician).await);
    assert_mfa_required(&app.get("/staff/profile-changes", &desk).await);
    assert_mfa_required(&app.get("/admin/staff", &admin).await);
    assert_mfa_required(&reset(app, &app.clinician.sub, Some(&admin)).await);
    // Staff training waits too: they enrol before anything else.
    assert_mfa_required(&app.get("/staff/training", &clinician).await);

    // Each refusal is audited as denied: on the patient in the patient's log, the others in
    // the caller's own.
    let on_patient: Vec<Value> = app
        .audit_events(&patient.id)
        .await
        .into_iter()
        .filter(|e| e["actorSub"] == clinician.sub.as_str())
        .collect();
    assert!(
        on_patient.iter().any(|e| e["action"] == "profile.read"),
        "{on_patient:#?}"
    );
    assert!(
        on_patient
            .iter()
            .all(|e| e["outcome"] == "denied" && e["relationship"] == "none"),
        "{on_patient:#?}"
    );
    let own_log = app.actor_audit_events(&clinician).await;
    assert!(
        own_log.len() >= 2 && own_log.iter().all(|e| e["outcome"] == "denied"),
        "the inbox and the training refused: {own_log:#?}"
    );
    assert!(denied(app, &desk, "profile-change.review").await >= 1);
    assert!(denied(app, &admin, "staff-account.manage").await >= 2);

    // A caller refused on their role learns nothing of MFA: plain 403.
    assert_plain_forbidden(&app.get("/admin/staff", &clinician).await);
    assert_plain_forbidden(&app.get(INBOX, &admin).await);
    assert_plain_forbidden(&app.get(INBOX, &patient.actor).await);
}

#[tokio::test]
async fn patients_and_caregivers_never_need_an_authenticator_app() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    assert_eq!(
        app.get(&profile(&patient), &patient.actor).await.status,
        200
    );
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    let caregiver = app.accept_as_new_caregiver(&invitation).await;
    let read = app.get(&profile(&patient), &caregiver).await;
    assert_eq!(read.status, 200, "{read:#?}");
    // A receptionist who is also a patient reads their own data as a patient.
    let both = app.new_patient_also_in(&["front-desk"]).await;
    assert_eq!(app.get(&profile(&both), &both.actor).await.status, 200);
    assert_mfa_required(&app.get("/staff/profile-changes", &both.actor).await);
}

#[tokio::test]
async fn enrolling_through_the_api_and_signing_in_again_lets_them_in() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let clinician = app
        .new_staff_without_mfa("enrols-clinician", &["clinicians"])
        .await;
    assert_mfa_required(&app.get(INBOX, &clinician).await);
    assert_eq!(listed(app, &clinician.sub).await["mfaEnrolled"], false);

    // Through the API, as the web app does; signed in again with the app's code.
    let enrolled = app
        .enrol_mfa_through_api(&clinician, DEMO_PASSWORD)
        .await
        .actor;
    assert_eq!(app.get(INBOX, &enrolled).await.status, 200);
    let read = app.get(&profile(&patient), &enrolled).await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(listed(app, &clinician.sub).await["mfaEnrolled"], true);
    // The token from before enrolment still lacks the claim: sign in again to get one.
    assert_mfa_required(&app.get(INBOX, &clinician).await);
}

#[tokio::test]
async fn the_staff_list_says_who_has_enrolled() {
    let app = spawn_app().await;
    let enrolled = app.new_staff("listed-enrolled", &["clinicians"]).await;
    let not_yet = app
        .new_staff_without_mfa("listed-unenrolled", &["clinicians"])
        .await;
    assert_eq!(listed(app, &enrolled.sub).await["mfaEnrolled"], true);
    assert_eq!(listed(app, &not_yet.sub).await["mfaEnrolled"], false);
    assert_eq!(listed(app, &app.admin.sub).await["mfaEnrolled"], true);
}

#[tokio::test]
async fn an_admin_resets_a_staff_members_authenticator_app() {
    let app = spawn_app().await;
    let member = app.new_staff("reset-member", &["clinicians"]).await;
    assert_eq!(listed(app, &member.sub).await["mfaEnrolled"], true);

    let reply = reset(app, &member.sub, Some(&app.admin)).await;
    assert_eq!(reply.status, 204, "{reply:#?}");
    assert_eq!(listed(app, &member.sub).await["mfaEnrolled"], false);
    // Idempotent: nothing left to turn off.
    assert_eq!(reset(app, &member.sub, Some(&app.admin)).await.status, 204);
    let events = app.actor_audit_events(&app.admin).await;
    assert!(
        events
            .iter()
            .any(|e| e["resource"] == format!("staff/{}/mfa", member.sub)
                && e["outcome"] == "allowed"),
        "the reset is audited"
    );

    // Their next sign-in has no challenge and its token no claim: enrol again first.
    let signed_in = app
        .sign_in_answering_mfa(&member.email, DEMO_PASSWORD)
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:#?}");
    assert!(signed_in.body.get("challenge").is_none(), "{signed_in:#?}");
    let after = Actor {
        token: signed_in.body["idToken"]
            .as_str()
            .expect("idToken")
            .to_owned(),
        ..member.clone()
    };
    assert_mfa_required(&app.get(INBOX, &after).await);
    let (again, _) = app.enrol_mfa(&after, DEMO_PASSWORD).await;
    assert_eq!(app.get(INBOX, &again).await.status, 200);
}

#[tokio::test]
async fn only_admins_reset_staff_members_and_only_staff_members() {
    let app = spawn_app().await;
    let member = app.new_staff("reset-refused", &["front-desk"]).await;
    let patient = app.new_patient().await;
    // Other roles: 403, audited; nothing changes.
    for who in [
        &app.front_desk,
        &app.clinician,
        &app.portal_lead,
        &patient.actor,
    ] {
        assert_plain_forbidden(&reset(app, &member.sub, Some(who)).await);
    }
    assert!(denied(app, &app.front_desk, "staff-account.manage").await >= 1);
    assert_eq!(listed(app, &member.sub).await["mfaEnrolled"], true);
    // No token: 401 from the gateway.
    assert_problem(&reset(app, &member.sub, None).await, 401, None);
    // Nobody, a malformed id, a patient: 404 (audited as refused), nothing changes.
    let nobody = "00000000-0000-4000-8000-000000000000";
    for id in [nobody, "not a sub", patient.actor.sub.as_str()] {
        let path = reset_path(&id.replace(' ', "%20"));
        let reply = app.send(Method::POST, &path, Some(&app.admin), None).await;
        assert_problem(&reply, 404, None);
    }
    // Administrators do not reset their own: another administrator does.
    let own = reset(app, &app.admin.sub, Some(&app.admin)).await;
    assert_problem(&own, 409, None);
    assert_eq!(listed(app, &app.admin.sub).await["mfaEnrolled"], true);
}
