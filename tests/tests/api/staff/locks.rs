//! Locking patients' and caregivers' portal accounts (`/staff/patients/{patientId}/lock`,
//! `/staff/caregivers/{caregiverSub}/lock`, and their `unlock`): the front desk locks with a
//! reason, the sign-in is disabled and signed out, a locked patient's caregivers are refused at
//! once, unlocking restores, and every step shows in the patient's access log. Every test locks
//! patients and caregivers it made itself.

use std::time::Duration;

use portal_local::identity::DEMO_PASSWORD;
use portal_shared::domain::ids::PatientId;
use portal_shared::features::account_lock::{AccountLock, LockState};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::caller::UserSub;
use portal_tests::{
    Actor, Method, Patient, Reply, TestApp, assert_problem, fresh_client_address, spawn_app,
};
use serde_json::{Value, json};

const ACCOUNT_LOCKED: &str = "https://patient-portal.dev/problems/account-locked";

fn patient_path(patient: &str, what: &str) -> String {
    format!("/staff/patients/{patient}/{what}")
}

fn caregiver_path(sub: &str, what: &str) -> String {
    format!("/staff/caregivers/{sub}/{what}")
}

fn lock_body(reason: &str) -> Value {
    json!({"reason": reason, "note": "Called from a number we do not know"})
}

async fn post(app: &TestApp, path: &str, who: Option<&Actor>, body: Option<Value>) -> Reply {
    app.send(Method::POST, path, who, body).await
}

async fn lock_patient(app: &TestApp, patient: &str) -> Reply {
    let reply = post(
        app,
        &patient_path(patient, "lock"),
        Some(&app.front_desk),
        Some(lock_body("suspected-compromise")),
    )
    .await;
    assert_eq!(reply.status, 200, "locking: {reply:#?}");
    reply
}

async fn unlock_patient(app: &TestApp, patient: &str) -> Reply {
    let reply = post(
        app,
        &patient_path(patient, "unlock"),
        Some(&app.front_desk),
        Some(json!({"note": "Identity checked at the desk"})),
    )
    .await;
    assert_eq!(reply.status, 200, "unlocking: {reply:#?}");
    reply
}

/// A token issued in the same second as a lock counts as issued before it (the feed refuses
/// `iat <= revokedAt`): a sign-in meant to work after an unlock waits for the next second.
async fn next_second() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

/// `who`'s GET of `path` once refused 401: each function refreshes its copy of the revocation
/// feed every second on the test stack, so the refusal comes within a few.
async fn refused_within_the_window(app: &TestApp, path: &str, who: &Actor) -> Reply {
    let mut reply = app.get(path, who).await;
    for _ in 0..20 {
        if reply.status == 401 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        reply = app.get(path, who).await;
    }
    reply
}

async fn patient_lock_item(app: &TestApp, patient: &str) -> Option<AccountLock> {
    let patient = PatientId::parse(patient).expect("patient id");
    app.app_item(keys::patient_lock(patient))
        .await
        .map(|item| store::from_item(item).expect("a lock item"))
}

/// A new caregiver (their own account, through a real invitation) for each of `patients`.
async fn caregiver_of(app: &TestApp, patients: &[&Patient]) -> Actor {
    let first = app.invite_caregiver(&patients[0].id, &app.front_desk).await;
    let caregiver = app.accept_as_new_caregiver(&first).await;
    for patient in &patients[1..] {
        let mut body = portal_tests::invitation_body(&caregiver.email);
        body["name"] = json!("Sam Carer");
        let invited = app
            .invite_caregiver_with(&patient.id, &app.front_desk, body)
            .await;
        // An existing account: its password proves it is theirs.
        let accepted = app
            .send_public(
                fresh_client_address(),
                "/auth/invitations/accept",
                json!({"code": invited.code, "email": caregiver.email, "password": DEMO_PASSWORD}),
                None,
            )
            .await;
        assert!(accepted.status < 300, "accepting again: {accepted:#?}");
    }
    caregiver
}

#[tokio::test]
async fn the_front_desk_locks_and_unlocks_a_patient() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let path = patient_path(&patient.id, "lock");
    let before = app.get(&path, &app.front_desk).await;
    assert_eq!(before.status, 200, "{before:#?}");
    assert_eq!(before.body, json!({"locked": false}));

    let locked = lock_patient(app, &patient.id).await;
    assert_eq!(locked.body["locked"], true);
    assert_eq!(locked.body["reason"], "suspected-compromise");
    assert_eq!(locked.body["note"], "Called from a number we do not know");
    assert!(locked.body["lockedAt"].is_string(), "{locked:#?}");
    assert_eq!(locked.body["lockedBy"]["sub"], app.front_desk.sub.as_str());
    // Administrators see it too.
    let seen = app.get(&path, &app.admin).await;
    assert_eq!(seen.status, 200, "{seen:#?}");
    assert_eq!(seen.body, locked.body);
    let item = patient_lock_item(app, &patient.id).await.expect("the lock");
    assert_eq!((item.state, item.version), (LockState::Locked, 1));

    // The sign-in is disabled.
    let refused = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_eq!(refused.status, 401, "{refused:#?}");

    let unlocked = unlock_patient(app, &patient.id).await;
    assert_eq!(unlocked.body, json!({"locked": false}));
    assert_eq!(app.get(&path, &app.front_desk).await.body["locked"], false);
    let item = patient_lock_item(app, &patient.id)
        .await
        .expect("the record");
    assert_eq!((item.state, item.version), (LockState::Unlocked, 2));
    assert_eq!(
        item.unlock_note.as_ref().map(|n| n.as_str()),
        Some("Identity checked at the desk")
    );

    next_second().await;
    let signed_in = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{signed_in:#?}");
    let token = signed_in.body["idToken"].as_str().expect("idToken");
    let profile = app
        .send_with_token(
            Method::GET,
            "/patients/me/profile",
            &format!("Bearer {token}"),
        )
        .await;
    assert_eq!(profile.status, 200, "{profile:#?}");

    // Locked again later: a new lock, the record's next version.
    let again = lock_patient(app, &patient.id).await;
    assert_eq!(again.body["locked"], true);
    let item = patient_lock_item(app, &patient.id).await.expect("the lock");
    assert_eq!((item.state, item.version), (LockState::Locked, 3));
}

#[tokio::test]
async fn a_locked_patients_tokens_are_refused() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let profile = format!("/patients/{}/profile", patient.id);
    assert_eq!(app.get(&profile, &patient.actor).await.status, 200);
    lock_patient(app, &patient.id).await;
    let refused = refused_within_the_window(app, &profile, &patient.actor).await;
    assert_problem(&refused, 401, None);
}

#[tokio::test]
async fn a_locked_patients_caregiver_is_refused_at_once_and_restored_by_the_unlock() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let caregiver = caregiver_of(app, &[&patient]).await;
    let profile = format!("/patients/{}/profile", patient.id);
    assert_eq!(app.get(&profile, &caregiver).await.status, 200);

    lock_patient(app, &patient.id).await;
    let refused = app.get(&profile, &caregiver).await;
    assert_problem(&refused, 403, None);
    assert_eq!(refused.body["type"], ACCOUNT_LOCKED, "{refused:#?}");
    // Their list still names the patient, marked locked.
    let listed = app.get("/caregivers/me/patients", &caregiver).await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    assert_eq!(listed.body["items"][0]["patientId"], patient.id.as_str());
    assert_eq!(listed.body["items"][0]["locked"], true, "{listed:#?}");
    let denied = app.audit_events(&patient.id).await.into_iter().any(|e| {
        e["actorSub"] == caregiver.sub.as_str()
            && e["action"] == "profile.read"
            && e["outcome"] == "denied"
    });
    assert!(denied, "the refusal is audited");

    unlock_patient(app, &patient.id).await;
    assert_eq!(app.get(&profile, &caregiver).await.status, 200);
    let listed = app.get("/caregivers/me/patients", &caregiver).await;
    assert_eq!(listed.body["items"][0]["locked"], false, "{listed:#?}");
}

#[tokio::test]
async fn a_lock_needs_a_known_reason_and_a_short_note() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let path = patient_path(&patient.id, "lock");
    let desk = Some(&app.front_desk);
    for (body, field) in [
        (json!({"reason": "holiday"}), "reason"),
        (json!({"reason": ""}), "reason"),
        (json!({"note": "No reason given"}), "reason"),
        (json!({"reason": 3}), "reason"),
        (json!({"reason": "other", "note": "x".repeat(501)}), "note"),
        (
            json!({"reason": "other", "note": "hidden\u{202E}text"}),
            "note",
        ),
    ] {
        let reply = post(app, &path, desk, Some(body.clone())).await;
        assert_problem(&reply, 422, Some(field));
    }
    let long_unlock = post(
        app,
        &patient_path(&patient.id, "unlock"),
        desk,
        Some(json!({"note": "x".repeat(501)})),
    )
    .await;
    assert_problem(&long_unlock, 422, Some("note"));
    // Nothing was written; the patient still signs in.
    assert!(patient_lock_item(app, &patient.id).await.is_none());
    assert_eq!(
        app.sign_in_through_api(&patient.email, DEMO_PASSWORD)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn foreign_or_unknown_patients_and_caregivers_are_not_found() {
    let app = spawn_app().await;
    let unknown = PatientId::generate().to_string();
    for (method, what, body) in [
        (Method::GET, "lock", None),
        (Method::POST, "lock", Some(lock_body("other"))),
        (Method::POST, "unlock", None),
    ] {
        let reply = app
            .send(
                method.clone(),
                &patient_path(&unknown, what),
                Some(&app.front_desk),
                body.clone(),
            )
            .await;
        assert_problem(&reply, 404, None);
        // Nobody's sub, a malformed one, and an account with no grant (the shared caregiver,
        // whose grants are not listed).
        for sub in ["nobody-at-all", "not%20a%20sub", app.caregiver.sub.as_str()] {
            let reply = app
                .send(
                    method.clone(),
                    &caregiver_path(sub, what),
                    Some(&app.front_desk),
                    body.clone(),
                )
                .await;
            assert_problem(&reply, 404, None);
        }
    }
    // A patient reaching for another's lock route: theirs is 404 as well.
    let mine = app.new_patient().await;
    let other = app.new_patient().await;
    let reply = post(
        app,
        &patient_path(&other.id, "lock"),
        Some(&mine.actor),
        Some(lock_body("other")),
    )
    .await;
    assert_problem(&reply, 404, None);
    assert!(patient_lock_item(app, &other.id).await.is_none());
}

#[tokio::test]
async fn only_the_front_desk_locks_and_unlocks() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let caregiver = caregiver_of(app, &[&patient]).await;
    let lock = patient_path(&patient.id, "lock");
    let unlock = patient_path(&patient.id, "unlock");
    let carer_lock = caregiver_path(&caregiver.sub, "lock");
    for who in [
        &app.clinician,
        &patient.actor,
        &caregiver,
        &app.admin,
        &app.response_team,
    ] {
        for path in [&lock, &carer_lock] {
            let reply = post(app, path, Some(who), Some(lock_body("other"))).await;
            assert_problem(&reply, 403, None);
        }
        let reply = post(app, &unlock, Some(who), None).await;
        assert_problem(&reply, 403, None);
    }
    for path in [&lock, &unlock, &carer_lock] {
        assert_problem(
            &post(app, path, None, Some(lock_body("other"))).await,
            401,
            None,
        );
    }
    assert_eq!(app.get(&lock, &app.admin).await.status, 200);
    assert_eq!(app.get(&carer_lock, &app.admin).await.status, 200);
    assert_problem(&app.get(&lock, &app.clinician).await, 403, None);
    assert!(patient_lock_item(app, &patient.id).await.is_none());
    assert_eq!(
        app.sign_in_through_api(&patient.email, DEMO_PASSWORD)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn concurrent_locks_answer_the_same_lock() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let path = patient_path(&patient.id, "lock");
    let (first, second) = tokio::join!(
        post(
            app,
            &path,
            Some(&app.front_desk),
            Some(lock_body("deceased"))
        ),
        post(
            app,
            &path,
            Some(&app.front_desk),
            Some(lock_body("court-order"))
        ),
    );
    assert_eq!(
        (first.status, second.status),
        (200, 200),
        "{first:#?} {second:#?}"
    );
    assert_eq!(first.body, second.body, "both answer the one lock");
    let item = patient_lock_item(app, &patient.id).await.expect("the lock");
    assert_eq!(item.version, 1, "one lock was written");
    // A retry answers the lock in force (and disables the sign-in again).
    let again = post(app, &path, Some(&app.front_desk), Some(lock_body("other"))).await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body, first.body);
    assert_eq!(
        app.sign_in_through_api(&patient.email, DEMO_PASSWORD)
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn unlocking_what_is_not_locked_conflicts() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    let caregiver = caregiver_of(app, &[&patient]).await;
    for path in [
        patient_path(&patient.id, "unlock"),
        caregiver_path(&caregiver.sub, "unlock"),
    ] {
        let reply = post(app, &path, Some(&app.front_desk), None).await;
        assert_problem(&reply, 409, None);
    }
    lock_patient(app, &patient.id).await;
    unlock_patient(app, &patient.id).await;
    let twice = post(
        app,
        &patient_path(&patient.id, "unlock"),
        Some(&app.front_desk),
        None,
    )
    .await;
    assert_problem(&twice, 409, None);
}

#[tokio::test]
async fn a_locked_caregiver_account_is_refused_everywhere() {
    let app = spawn_app().await;
    let mother = app.new_patient().await;
    let father = app.new_patient().await;
    let caregiver = caregiver_of(app, &[&mother, &father]).await;
    let path = caregiver_path(&caregiver.sub, "lock");
    assert_eq!(
        app.get(&path, &app.front_desk).await.body,
        json!({"locked": false})
    );

    let locked = post(
        app,
        &path,
        Some(&app.front_desk),
        Some(lock_body("court-order")),
    )
    .await;
    assert_eq!(locked.status, 200, "{locked:#?}");
    assert_eq!(locked.body["locked"], true);
    assert_eq!(locked.body["reason"], "court-order");
    let item = app
        .app_item(keys::account_lock(
            &UserSub::parse(&caregiver.sub).expect("sub"),
        ))
        .await
        .expect("the lock item");
    assert!(portal_shared::features::account_lock::locked_in(&item));

    // Audited on each patient they act for.
    for patient in [&mother, &father] {
        let audited = app.audit_events(&patient.id).await.into_iter().any(|e| {
            e["action"] == "account.lock"
                && e["resource"] == format!("caregiver-lock/{}", caregiver.sub)
                && e["outcome"] == "allowed"
        });
        assert!(audited, "the lock shows in {}'s log", patient.id);
    }
    // No sign-in, and the tokens out are refused (the revocation feed).
    assert_eq!(
        app.sign_in_through_api(&caregiver.email, DEMO_PASSWORD)
            .await
            .status,
        401
    );
    for route in [
        "/caregivers/me/patients".to_owned(),
        format!("/patients/{}/profile", mother.id),
    ] {
        assert_problem(
            &refused_within_the_window(app, &route, &caregiver).await,
            401,
            None,
        );
    }

    let unlocked = post(
        app,
        &caregiver_path(&caregiver.sub, "unlock"),
        Some(&app.front_desk),
        None,
    )
    .await;
    assert_eq!(unlocked.status, 200, "{unlocked:#?}");
    assert_eq!(unlocked.body, json!({"locked": false}));
    next_second().await;
    let back = app.signed_in(&caregiver.email).await;
    assert_eq!(
        app.get(&format!("/patients/{}/profile", father.id), &back)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn the_patients_access_log_shows_the_lock_and_the_unlock() {
    let app = spawn_app().await;
    let patient = app.new_patient_with_account().await;
    app.get(&patient_path(&patient.id, "lock"), &app.front_desk)
        .await;
    lock_patient(app, &patient.id).await;
    unlock_patient(app, &patient.id).await;
    let log = app
        .get(&format!("/patients/{}/access-log", patient.id), &app.admin)
        .await;
    assert_eq!(log.status, 200, "{log:#?}");
    let entries = log.body["items"].as_array().expect("items");
    for (action, description) in [
        (
            "account-lock.read",
            "Checked whether the portal account is locked",
        ),
        ("account.lock", "Locked your portal account"),
        ("account.unlock", "Unlocked your portal account"),
    ] {
        let entry = entries
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {entries:#?}"));
        assert_eq!(entry["description"], description);
        assert_eq!(entry["resource"], "account-lock");
        assert_eq!(entry["actor"]["kind"], "staff");
        assert_eq!(entry["outcome"], "allowed");
    }
}

#[tokio::test]
async fn activation_is_refused_while_the_patient_is_locked() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let code = app.issue_code(&patient).await;
    // No account yet: locked in the table alone (nothing to disable).
    lock_patient(app, &patient).await;
    let email = format!("{}.locked@activate.portal.test", family.to_lowercase());
    let activation = json!({
        "code": code.code,
        "dateOfBirth": "1984-03-12",
        "email": email,
        "password": DEMO_PASSWORD,
    });
    let refused = app
        .send_public(
            fresh_client_address(),
            "/auth/activate",
            activation.clone(),
            None,
        )
        .await;
    assert_problem(&refused, 403, None);
    assert_eq!(refused.body["type"], ACCOUNT_LOCKED, "{refused:#?}");

    unlock_patient(app, &patient).await;
    let activated = app
        .send_public(fresh_client_address(), "/auth/activate", activation, None)
        .await;
    assert_eq!(activated.status, 201, "{activated:#?}");
    // Activation recorded the sign-in a later lock disables.
    let profile = app.profile_item(&patient).await;
    assert_eq!(profile["portalAccount"]["username"], email.as_str());
    assert!(profile["portalAccount"]["sub"].is_string(), "{profile}");
    next_second().await;
    lock_patient(app, &patient).await;
    assert_eq!(
        app.sign_in_through_api(&email, DEMO_PASSWORD).await.status,
        401
    );
}

/// The authorisation matrix's requests for the lock routes (each would succeed for the front
/// desk). Caregivers' routes act on a new caregiver of `patient`, never the shared one.
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let request = match route {
        ("GET", "/staff/patients/{patientId}/lock") => {
            (Method::GET, patient_path(&patient.id, "lock"), None)
        }
        ("POST", "/staff/patients/{patientId}/lock") => (
            Method::POST,
            patient_path(&patient.id, "lock"),
            Some(lock_body("other")),
        ),
        // Locked first: the patient's own token is refused from then on (401 in the matrix),
        // once the functions' copies of the revocation feed are refreshed (every second here).
        ("POST", "/staff/patients/{patientId}/unlock") => {
            lock_patient(app, &patient.id).await;
            tokio::time::sleep(Duration::from_millis(1500)).await;
            (Method::POST, patient_path(&patient.id, "unlock"), None)
        }
        ("GET", "/staff/caregivers/{caregiverSub}/lock")
        | ("POST", "/staff/caregivers/{caregiverSub}/lock")
        | ("POST", "/staff/caregivers/{caregiverSub}/unlock") => {
            let caregiver = caregiver_of(app, &[patient]).await;
            let what = route.1.rsplit('/').next().unwrap_or_default();
            if what == "unlock" {
                let locked = post(
                    app,
                    &caregiver_path(&caregiver.sub, "lock"),
                    Some(&app.front_desk),
                    Some(lock_body("other")),
                )
                .await;
                assert_eq!(locked.status, 200, "{locked:#?}");
            }
            let method = if route.0 == "GET" {
                Method::GET
            } else {
                Method::POST
            };
            let body = (route.0 == "POST" && what == "lock").then(|| lock_body("other"));
            (method, caregiver_path(&caregiver.sub, what), body)
        }
        _ => return None,
    };
    let (method, path, body) = request;
    Some((method, path, body, None))
}
