//! The care circle: a patient invites a caregiver, the caregiver accepts with the code (a new
//! account or the one they have), acts within the scopes, and loses access the moment the
//! patient revokes it; the front desk gives guardians access to minors' records.

use futures::future::join_all;
use portal_local::identity::DEMO_PASSWORD;
use portal_shared::domain::timestamp::Timestamp;
use portal_tests::{
    Actor, Invitation, Method, Reply, TestApp, assert_problem, fresh_client_address,
    invitation_body, new_caregiver_acceptance, spawn_app, unique_carer_email,
};
use serde_json::{Value, json};

fn circle_path(patient: &str) -> String {
    format!("/patients/{patient}/care-circle")
}

fn revoke_path(patient: &str, invitation: &str) -> String {
    format!("/patients/{patient}/care-circle/{invitation}/revoke")
}

async fn members(app: &TestApp, patient: &str, who: &Actor) -> Vec<Value> {
    let reply = app.get(&circle_path(patient), who).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

async fn member(app: &TestApp, patient: &str, invitation: &str) -> Value {
    members(app, patient, &app.front_desk)
        .await
        .into_iter()
        .find(|m| m["invitationId"] == invitation)
        .expect("the member is listed")
}

async fn accept(app: &TestApp, from: std::net::IpAddr, body: Value) -> Reply {
    app.send_public(from, "/auth/invitations/accept", body, None)
        .await
}

fn new_account(invitation: &Invitation) -> Value {
    new_caregiver_acceptance(invitation)
}

async fn acting_for(app: &TestApp, caregiver: &Actor) -> Vec<Value> {
    let reply = app.get("/caregivers/me/patients", caregiver).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn invite_accept_act_within_scope_revoke_and_the_log_shows_it_all() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let email = unique_carer_email();
    let ends_on = format!("{}-12-31", Timestamp::now().date().year() + 5);
    let invited = app
        .send(
            Method::POST,
            "/patients/me/care-circle",
            Some(&patient.actor),
            Some(json!({
                "email": email.to_uppercase(),
                "name": "Sam Carer",
                "relationship": "son",
                "scopes": ["profile", "records"],
                "endsOn": ends_on,
            })),
        )
        .await;
    assert_eq!(invited.status, 201, "{invited:#?}");
    assert_eq!(invited.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(invited.body["status"], "invited");
    assert_eq!(invited.body["email"], email.as_str(), "stored lowercase");
    assert_eq!(invited.body["scopes"], json!(["records", "profile"]));
    assert_eq!(invited.body["endsOn"], ends_on.as_str());
    let code = invited.body["code"].as_str().expect("the code, once");
    assert_eq!(code.len(), 11, "shown as XXXXX-XXXXX");
    let invitation = Invitation {
        invitation_id: invited.body["invitationId"]
            .as_str()
            .expect("id")
            .to_owned(),
        code: code.to_owned(),
        email: email.clone(),
    };
    let listed = member(app, &patient.id, &invitation.invitation_id).await;
    assert_eq!(listed["status"], "invited");
    assert!(listed.get("code").is_none() && listed.get("codeSha256").is_none());

    // The caregiver has no account: accepting creates one in `caregivers`.
    let accepted = accept(app, fresh_client_address(), new_account(&invitation)).await;
    assert_eq!(accepted.status, 201, "{accepted:#?}");
    assert_eq!(accepted.body["patientId"], patient.id.as_str());
    assert_eq!(accepted.body["accountCreated"], true);
    let caregiver = app.signed_in(&email).await;
    assert_eq!(
        member(app, &patient.id, &invitation.invitation_id).await["status"],
        "active"
    );

    // They see who they act for, and act within the scopes as the patient would.
    let list = acting_for(app, &caregiver).await;
    assert_eq!(list.len(), 1, "{list:#?}");
    assert_eq!(list[0]["patientId"], patient.id.as_str());
    assert_eq!(list[0]["name"], format!("Ana {}", patient.family));
    assert_eq!(list[0]["relationship"], "son");
    let profile = format!("/patients/{}/profile", patient.id);
    let read = app.get(&profile, &caregiver).await;
    assert_eq!(read.status, 200, "{read:#?}");
    let log = format!("/patients/{}/access-log", patient.id);
    assert_eq!(app.get(&log, &caregiver).await.status, 200);
    // Managing the circle is the patient's, whatever the grant holds.
    let meddling = app
        .send(
            Method::POST,
            &circle_path(&patient.id),
            Some(&caregiver),
            Some(invitation_body(&unique_carer_email())),
        )
        .await;
    assert_problem(&meddling, 403, None);

    // The patient revokes: refused at once, and gone from the caregiver's list.
    let revoked = app
        .send(
            Method::POST,
            &revoke_path("me", &invitation.invitation_id),
            Some(&patient.actor),
            None,
        )
        .await;
    assert_eq!(revoked.status, 200, "{revoked:#?}");
    assert_eq!(revoked.body["status"], "revoked");
    assert_problem(&app.get(&profile, &caregiver).await, 404, None);
    assert!(acting_for(app, &caregiver).await.is_empty());

    // The patient's access log shows the caregiver by name, and the refusal after revocation.
    let entries = app.get("/patients/me/access-log", &patient.actor).await;
    assert_eq!(entries.status, 200, "{entries:#?}");
    let entries = entries.body["items"].as_array().expect("items").clone();
    let by_caregiver = |action: &str, outcome: &str| {
        entries.iter().any(|e| {
            e["action"] == action
                && e["outcome"] == outcome
                && e["actor"]["kind"] == "caregiver"
                && e["actor"]["name"] == "Sam Carer"
        })
    };
    assert!(
        by_caregiver("care-circle.accept", "allowed"),
        "{entries:#?}"
    );
    assert!(by_caregiver("profile.read", "allowed"), "{entries:#?}");
    assert!(
        by_caregiver("care-circle.acting-for", "allowed"),
        "{entries:#?}"
    );
    let refused = entries
        .iter()
        .any(|e| e["action"] == "profile.read" && e["outcome"] == "denied");
    assert!(refused, "{entries:#?}");
    let revocation = entries
        .iter()
        .any(|e| e["action"] == "care-circle.manage" && e["actor"]["kind"] == "you");
    assert!(revocation, "{entries:#?}");
}

#[tokio::test]
async fn a_caregiver_outside_their_scopes_is_refused() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut body = invitation_body(&unique_carer_email());
    body["scopes"] = json!(["billing"]);
    let invitation = app
        .invite_caregiver_with(&patient.id, &patient.actor, body)
        .await;
    let caregiver = app.accept_as_new_caregiver(&invitation).await;
    let read = app
        .get(&format!("/patients/{}/profile", patient.id), &caregiver)
        .await;
    assert_problem(&read, 403, None);
    // Another patient stays unknown to them.
    let stranger = app.new_patient().await;
    let elsewhere = app
        .get(&format!("/patients/{}/profile", stranger.id), &caregiver)
        .await;
    assert_problem(&elsewhere, 404, None);
    // They still see that they act for the patient, and with which scopes.
    let list = acting_for(app, &caregiver).await;
    assert_eq!(list[0]["scopes"], json!(["billing"]));
}

#[tokio::test]
async fn bad_invitations_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let email = unique_carer_email();
    let valid = invitation_body(&email);
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("email", json!("not-an-email")), "email"),
        (with("scopes", json!([])), "scopes"),
        (with("scopes", json!(["everything"])), "scopes[0]"),
        (with("relationship", json!("  ")), "relationship"),
        (with("name", json!("")), "name"),
        (with("endsOn", json!("2020-01-01")), "endsOn"),
        (with("endsOn", json!("31/12/2099")), "endsOn"),
        (with("unexpected", json!(true)), "unexpected"),
    ];
    for (body, field) in cases {
        let reply = app
            .send(
                Method::POST,
                &circle_path(&patient.id),
                Some(&patient.actor),
                Some(body),
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let reply = app
        .send_raw(
            Method::POST,
            &circle_path(&patient.id),
            &patient.actor,
            "application/json",
            "{not json",
        )
        .await;
    assert_problem(&reply, 400, None);
    assert!(members(app, &patient.id, &patient.actor).await.is_empty());
}

#[tokio::test]
async fn strangers_wrong_roles_and_anonymous_callers_are_refused() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let body = invitation_body(&unique_carer_email());
    let invitation = app.invite_caregiver(&patient.id, &app.front_desk).await;
    let revoke = revoke_path(&patient.id, &invitation.invitation_id);
    for (method, path, body) in [
        (Method::POST, circle_path(&patient.id), Some(body.clone())),
        (Method::GET, circle_path(&patient.id), None),
        (Method::POST, revoke.clone(), None),
    ] {
        let foreign = app
            .send(method.clone(), &path, Some(&other.actor), body.clone())
            .await;
        assert_problem(&foreign, 404, None);
        let anonymous = app.send(method.clone(), &path, None, body.clone()).await;
        assert_eq!(anonymous.status, 401, "{anonymous:#?}");
        let admin = app
            .send(method.clone(), &path, Some(&app.admin), body.clone())
            .await;
        assert_problem(&admin, 403, None);
    }
    let clinician = app
        .send(Method::POST, &revoke, Some(&app.clinician), None)
        .await;
    assert_problem(&clinician, 403, None);
    // The clinician may see the circle (who speaks for the patient), not change it.
    assert_eq!(members(app, &patient.id, &app.clinician).await.len(), 1);
    // An unknown or malformed invitation id in the patient's own circle: 404.
    for id in ["01KAZ0DEM0C1RC1E0000000001", "nope"] {
        let reply = app
            .send(
                Method::POST,
                &revoke_path(&patient.id, id),
                Some(&patient.actor),
                None,
            )
            .await;
        assert_problem(&reply, 404, None);
    }
    // Nothing was revoked by anyone refused.
    assert_eq!(
        member(app, &patient.id, &invitation.invitation_id).await["status"],
        "invited"
    );
    // A patient's own account is no caregiver's: their list is refused.
    let list = app.get("/caregivers/me/patients", &patient.actor).await;
    assert_problem(&list, 403, None);
}

#[tokio::test]
async fn an_idempotency_key_makes_one_invitation() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let body = invitation_body(&unique_carer_email());
    let path = circle_path(&patient.id);
    let send = || {
        app.send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            body.clone(),
            &[("Idempotency-Key", "invite-once-1")],
        )
    };
    let replies = join_all([send(), send(), send()]).await;
    let ids: std::collections::BTreeSet<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{r:#?}");
            r.body["invitationId"].as_str().expect("id").to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{replies:#?}");
    let with_code = replies
        .iter()
        .filter(|r| r.body["code"].is_string())
        .count();
    assert_eq!(with_code, 1, "the code is shown once");
    assert_eq!(members(app, &patient.id, &patient.actor).await.len(), 1);
}

#[tokio::test]
async fn wrong_emails_count_down_and_lock_the_invitation() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    for left in (0..5).rev() {
        let mut body = new_account(&invitation);
        body["email"] = json!(unique_carer_email());
        let reply = accept(app, fresh_client_address(), body).await;
        assert_problem(&reply, 422, Some("email"));
        let detail = reply.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        if left > 0 {
            assert!(detail.contains(&format!("{left} attempt")), "{detail}");
        } else {
            assert!(detail.contains("locked"), "{detail}");
        }
    }
    let right = accept(app, fresh_client_address(), new_account(&invitation)).await;
    assert_problem(&right, 422, Some("code"));
    assert_eq!(
        member(app, &patient.id, &invitation.invitation_id).await["status"],
        "invitation-locked"
    );
    // Each try is in the patient's log, by someone not identified.
    let events = app.audit_events(&patient.id).await;
    let denied = events
        .iter()
        .filter(|e| e["action"] == "care-circle.accept" && e["outcome"] == "denied")
        .count();
    assert_eq!(denied, 5);
}

#[tokio::test]
async fn guessing_codes_from_one_client_is_stopped() {
    let app = spawn_app().await;
    let from = fresh_client_address();
    let guess = |n: u32| {
        json!({
            "code": format!("ZZZZZ-{n:05}"),
            "email": unique_carer_email(),
            "password": DEMO_PASSWORD,
            "givenName": "Guess",
            "familyName": "Er",
        })
    };
    for n in 0..10 {
        let reply = accept(app, from, guess(n)).await;
        assert_problem(&reply, 422, Some("code"));
    }
    let stopped = accept(app, from, guess(10)).await;
    assert_problem(&stopped, 429, None);
    assert!(stopped.header("retry-after").is_some(), "{stopped:#?}");
}

#[tokio::test]
async fn accepting_needs_names_and_a_good_password_for_a_new_account() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    let mut nameless = new_account(&invitation);
    nameless
        .as_object_mut()
        .expect("object")
        .remove("givenName");
    assert_problem(
        &accept(app, fresh_client_address(), nameless).await,
        422,
        Some("givenName"),
    );
    let mut weak = new_account(&invitation);
    weak["password"] = json!("short");
    assert_problem(
        &accept(app, fresh_client_address(), weak).await,
        422,
        Some("password"),
    );
    let mut bad_code = new_account(&invitation);
    bad_code["code"] = json!("not a code");
    assert_problem(
        &accept(app, fresh_client_address(), bad_code).await,
        422,
        Some("code"),
    );
    // None of that spent the invitation or made an account.
    assert_eq!(
        member(app, &patient.id, &invitation.invitation_id).await["status"],
        "invited"
    );
    let reply = accept(app, fresh_client_address(), new_account(&invitation)).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["accountCreated"], true);
    // The code works once.
    let again = accept(app, fresh_client_address(), new_account(&invitation)).await;
    assert_problem(&again, 422, Some("code"));
}

#[tokio::test]
async fn concurrent_acceptances_of_one_code_make_one_grant() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    let body = new_account(&invitation);
    let replies = join_all((0..5).map(|_| accept(app, fresh_client_address(), body.clone()))).await;
    let won = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(won, 1, "{replies:#?}");
    for reply in replies.iter().filter(|r| r.status != 201) {
        assert!(
            [401, 409, 422].contains(&reply.status),
            "a loser gets a clear refusal: {reply:#?}"
        );
    }
    let caregiver = app.signed_in(&invitation.email).await;
    assert_eq!(acting_for(app, &caregiver).await.len(), 1);
}

#[tokio::test]
async fn someone_with_an_account_accepts_with_their_password() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // Another patient of the practice cares for this one.
    let carer = app.new_patient().await;
    let invitation = app
        .invite_caregiver_with(&patient.id, &patient.actor, invitation_body(&carer.email))
        .await;
    let mut wrong = json!({
        "code": invitation.code,
        "email": carer.email,
        "password": "Not-The-Password-1!",
    });
    assert_eq!(
        accept(app, fresh_client_address(), wrong.clone())
            .await
            .status,
        401
    );
    wrong["password"] = json!(DEMO_PASSWORD);
    let accepted = accept(app, fresh_client_address(), wrong).await;
    assert_eq!(accepted.status, 201, "{accepted:#?}");
    assert_eq!(accepted.body["accountCreated"], false);
    // Signed in again, they are patient and caregiver both.
    let both = app.signed_in(&carer.email).await;
    assert_eq!(both.sub, carer.actor.sub, "the same account");
    let theirs = app.get("/patients/me/profile", &both).await;
    assert_eq!(theirs.status, 200, "{theirs:#?}");
    assert_eq!(theirs.body["patientId"], carer.id.as_str());
    let cared_for = app
        .get(&format!("/patients/{}/profile", patient.id), &both)
        .await;
    assert_eq!(cared_for.status, 200, "{cared_for:#?}");

    // A second invitation while the first grant is in force: refused, nothing changed.
    let second = app
        .invite_caregiver_with(&patient.id, &patient.actor, invitation_body(&carer.email))
        .await;
    let reply = accept(
        app,
        fresh_client_address(),
        json!({"code": second.code, "email": carer.email, "password": DEMO_PASSWORD}),
    )
    .await;
    assert_problem(&reply, 409, None);
    assert_eq!(
        member(app, &patient.id, &second.invitation_id).await["status"],
        "invited"
    );
}

#[tokio::test]
async fn a_revoked_invitation_cannot_be_accepted_and_revoking_twice_is_harmless() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    let path = revoke_path(&patient.id, &invitation.invitation_id);
    let replies = join_all([
        app.send(Method::POST, &path, Some(&patient.actor), None),
        app.send(Method::POST, &path, Some(&app.front_desk), None),
    ])
    .await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{reply:#?}");
        assert_eq!(reply.body["status"], "revoked");
    }
    let reply = accept(app, fresh_client_address(), new_account(&invitation)).await;
    assert_problem(&reply, 422, Some("code"));
}

#[tokio::test]
async fn front_desk_gives_a_guardian_access_to_a_minor_until_they_come_of_age() {
    let app = spawn_app().await;
    let child = app.new_patient().await;
    // Ten years old on 20 May this year (UTC, as the grant's dates are), whenever this runs.
    let year = Timestamp::now().date().year();
    app.set_profile_attribute(
        &child.id,
        "dateOfBirth",
        json!(format!("{}-05-20", year - 10)),
    )
    .await;
    let eighteenth_birthday = format!("{}-05-20", year + 8);
    let path = format!("/staff/patients/{}/guardians", child.id);
    let email = unique_carer_email();
    let body = json!({"email": email, "name": "Pat Parent", "relationship": "legal-guardian"});
    let granted = app
        .send(
            Method::POST,
            &path,
            Some(&app.front_desk),
            Some(body.clone()),
        )
        .await;
    assert_eq!(granted.status, 201, "{granted:#?}");
    assert_eq!(granted.body["guardian"], true);
    assert_eq!(
        granted.body["endsOn"],
        format!("{}-05-19", year + 8),
        "the day before 18"
    );
    assert_eq!(granted.body["relationship"], "legal guardian");
    assert_eq!(
        granted.body["scopes"],
        json!(["records", "messages", "appointments", "billing", "profile"])
    );
    let invitation = Invitation {
        invitation_id: granted.body["invitationId"]
            .as_str()
            .expect("id")
            .to_owned(),
        code: granted.body["code"].as_str().expect("code").to_owned(),
        email,
    };
    let guardian = app.accept_as_new_caregiver(&invitation).await;
    let list = acting_for(app, &guardian).await;
    assert_eq!(list[0]["guardian"], true);
    assert_eq!(
        app.get(&format!("/patients/{}/profile", child.id), &guardian)
            .await
            .status,
        200
    );

    // The minor cannot cut off their guardian; the practice can.
    let revoke = revoke_path(&child.id, &invitation.invitation_id);
    let by_child = app
        .send(Method::POST, &revoke, Some(&child.actor), None)
        .await;
    assert_problem(&by_child, 403, None);
    let by_desk = app
        .send(Method::POST, &revoke, Some(&app.front_desk), None)
        .await;
    assert_eq!(by_desk.status, 200, "{by_desk:#?}");

    // Bad input, an end after coming of age, and an adult patient are refused.
    for (body, field) in [
        (
            json!({"email": "x", "name": "P", "relationship": "parent"}),
            "email",
        ),
        (
            json!({"email": unique_carer_email(), "name": "P", "relationship": "uncle"}),
            "relationship",
        ),
        (
            json!({"email": unique_carer_email(), "name": "P", "relationship": "parent", "endsOn": eighteenth_birthday}),
            "endsOn",
        ),
    ] {
        let reply = app
            .send(Method::POST, &path, Some(&app.front_desk), Some(body))
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let adult = app.new_patient().await;
    let reply = app
        .send(
            Method::POST,
            &format!("/staff/patients/{}/guardians", adult.id),
            Some(&app.front_desk),
            Some(body),
        )
        .await;
    assert_problem(&reply, 422, Some("patientId"));
    assert!(members(app, &adult.id, &app.front_desk).await.is_empty());
    // Only the front desk grants guardianship.
    let reply = app
        .send(
            Method::POST,
            &path,
            Some(&app.clinician),
            Some(json!({"email": unique_carer_email(), "name": "P", "relationship": "parent"})),
        )
        .await;
    assert_problem(&reply, 403, None);
}
