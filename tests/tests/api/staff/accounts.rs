//! Staff accounts (`/admin/staff...`, the staff function) and accepting a staff invitation
//! (`/auth/new-password`, the auth function). Every test works on staff members it creates
//! itself; the shared actors are only ever callers, never the subject of a change.

use std::time::Duration;

use portal_local::identity::DEMO_PASSWORD;
use portal_tests::{
    Actor, Method, Reply, TestApp, assert_problem, fresh_client_address, single_winner, spawn_app,
};
use serde_json::{Value, json};

use crate::education::fixtures::assert_training_required;

/// A temporary password as Cognito would email it (meets the pool's policy).
const TEMPORARY_PASSWORD: &str = "Temporary-Pass-2026!";
const CHOSEN_PASSWORD: &str = "Chosen-By-Them-2026!";
const MFA_REQUIRED: &str = "https://patient-portal.dev/problems/mfa-required";

fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@staff.portal.test", ulid::Ulid::generate()).to_lowercase()
}

fn new_staff(email: &str, family: &str, roles: &[&str]) -> Value {
    json!({"email": email, "givenName": "Sam", "familyName": family, "roles": roles})
}

async fn create(app: &TestApp, body: Value) -> Reply {
    app.send(Method::POST, "/admin/staff", Some(&app.admin), Some(body))
        .await
}

/// A staff member created through the API, with a permanent password and an authenticator
/// app enrolled (staff work needs one), signed in.
async fn staff_member(app: &TestApp, roles: &[&str]) -> Actor {
    let email = unique_email("member");
    let reply = create(app, new_staff(&email, "Member", roles)).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let sub = reply.body["staffId"].as_str().expect("staffId").to_owned();
    set_password(app, &email, DEMO_PASSWORD, true).await;
    let signed_in = sign_in(app, &email, DEMO_PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{signed_in:#?}");
    let member = Actor {
        email,
        sub,
        token: signed_in.body["idToken"]
            .as_str()
            .expect("idToken")
            .to_owned(),
    };
    app.enrol_mfa(&member, DEMO_PASSWORD).await.0
}

/// Sets a password on the emulator: `permanent: false` stands in for the temporary password
/// Cognito emails with the invitation (moto sends no email).
async fn set_password(app: &TestApp, email: &str, password: &str, permanent: bool) {
    let (email, password) = (email.to_owned(), password.to_owned());
    app.on_stack(move |stack| async move {
        stack
            .cognito()
            .admin_set_user_password()
            .user_pool_id(&stack.user_pool_id)
            .username(&email)
            .password(&password)
            .permanent(permanent)
            .send()
            .await?;
        Ok(())
    })
    .await
    .expect("setting a password");
}

/// The groups of an account, straight from the emulator.
async fn groups_of(app: &TestApp, email: &str) -> Vec<String> {
    let email = email.to_owned();
    app.on_stack(move |stack| async move {
        let output = stack
            .cognito()
            .admin_list_groups_for_user()
            .user_pool_id(&stack.user_pool_id)
            .username(&email)
            .send()
            .await?;
        let mut groups: Vec<String> = output
            .groups()
            .iter()
            .filter_map(|g| g.group_name().map(str::to_owned))
            .collect();
        groups.sort();
        Ok(groups)
    })
    .await
    .expect("listing groups")
}

async fn account_exists(app: &TestApp, email: &str) -> bool {
    let email = email.to_owned();
    app.on_stack(move |stack| async move {
        let result = stack
            .cognito()
            .admin_get_user()
            .user_pool_id(&stack.user_pool_id)
            .username(&email)
            .send()
            .await;
        Ok(result.is_ok())
    })
    .await
    .expect("looking the account up")
}

/// Through the API; an enrolled member's authenticator challenge is answered with its code.
async fn sign_in(app: &TestApp, email: &str, password: &str) -> Reply {
    app.sign_in_answering_mfa(email, password).await
}

async fn list(app: &TestApp, who: &Actor) -> Reply {
    app.get("/admin/staff", who).await
}

fn listed<'a>(reply: &'a Reply, staff_id: &str) -> Option<&'a Value> {
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["staffId"] == staff_id)
}

async fn post(app: &TestApp, path: &str, who: Option<&Actor>) -> Reply {
    app.send(Method::POST, path, who, None).await
}

async fn put_roles(app: &TestApp, staff_id: &str, who: Option<&Actor>, roles: Value) -> Reply {
    app.send(
        Method::PUT,
        &format!("/admin/staff/{staff_id}/roles"),
        who,
        Some(json!({"roles": roles})),
    )
    .await
}

/// The admin's audit events about staff accounts, newest last.
async fn staff_events(app: &TestApp, actor: &Actor) -> Vec<Value> {
    app.actor_audit_events(actor)
        .await
        .into_iter()
        .filter(|e| e["action"] == "staff-account.manage")
        .collect()
}

#[tokio::test]
async fn an_admin_creates_a_staff_member_who_is_invited_by_email() {
    let app = spawn_app().await;
    let email = unique_email("create");
    // Mixed case in, one account under the lower-cased email out.
    let reply = create(
        app,
        new_staff(
            &email.to_uppercase(),
            "Okafor",
            &["front-desk", "clinicians"],
        ),
    )
    .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let staff_id = reply.body["staffId"].as_str().expect("staffId").to_owned();
    assert_eq!(reply.body["email"], email.as_str());
    assert_eq!(reply.body["givenName"], "Sam");
    assert_eq!(reply.body["familyName"], "Okafor");
    assert_eq!(reply.body["roles"], json!(["clinicians", "front-desk"]));
    assert_eq!(reply.body["enabled"], true);
    assert_eq!(reply.body["status"], "invited");
    assert_eq!(groups_of(app, &email).await, ["clinicians", "front-desk"]);

    let listing = list(app, &app.admin).await;
    assert_eq!(listing.status, 200, "{listing:#?}");
    let item = listed(&listing, &staff_id).expect("the new member is listed");
    assert_eq!(item["roles"], json!(["clinicians", "front-desk"]));
    assert_eq!(item["status"], "invited");

    // Audited about no patient, by id only.
    let events = staff_events(app, &app.admin).await;
    let event = events
        .iter()
        .find(|e| e["resource"] == format!("staff/{staff_id}"))
        .expect("an audit event for the creation");
    assert_eq!(event["outcome"], "allowed");
    assert!(event.get("patientId").is_none(), "{event}");
    assert_eq!(event["actorRole"], "admins");
}

#[tokio::test]
async fn bad_input_names_the_field_and_creates_nothing() {
    let app = spawn_app().await;
    let email = unique_email("bad");
    let cases: [(Value, &str); 8] = [
        (new_staff(&email, "Bad", &[]), "roles"),
        (new_staff(&email, "Bad", &["patients"]), "roles"),
        (new_staff(&email, "Bad", &["caregivers"]), "roles"),
        (
            new_staff(&email, "Bad", &["front-desk", "superusers"]),
            "roles",
        ),
        (new_staff("not-an-email", "Bad", &["clinicians"]), "email"),
        (new_staff(&email, "", &["clinicians"]), "familyName"),
        (
            json!({"email": email, "familyName": "Bad", "roles": ["clinicians"]}),
            "givenName",
        ),
        (
            json!({"email": email, "givenName": "Sam", "familyName": "Bad", "roles": ["clinicians"], "admin": true}),
            "admin",
        ),
    ];
    for (body, field) in cases {
        let reply = create(app, body).await;
        assert_problem(&reply, 422, Some(field));
    }
    assert!(!account_exists(app, &email).await, "nothing was created");
    // The same email is still free.
    let reply = create(app, new_staff(&email, "Bad", &["clinicians"])).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
}

#[tokio::test]
async fn an_email_with_an_account_is_a_conflict_and_nothing_changes() {
    let app = spawn_app().await;
    let email = unique_email("twice");
    let first = create(app, new_staff(&email, "Twice", &["clinicians"])).await;
    assert_eq!(first.status, 201, "{first:#?}");
    let again = create(app, new_staff(&email, "Twice", &["admins"])).await;
    assert_problem(&again, 409, None);
    assert_eq!(groups_of(app, &email).await, ["clinicians"]);

    // A patient's email: refused, and the patient stays a patient only.
    let patient = app.new_patient().await;
    let reply = create(app, new_staff(&patient.email, "Patient", &["admins"])).await;
    assert_problem(&reply, 409, None);
    assert_eq!(groups_of(app, &patient.email).await, ["patients"]);
    let refused = staff_events(app, &app.admin)
        .await
        .into_iter()
        .any(|e| e["outcome"] == "denied" && e["resource"] == "staff");
    assert!(refused, "the refusal is audited");
}

#[tokio::test]
async fn of_two_simultaneous_creations_of_one_email_exactly_one_wins() {
    let app = spawn_app().await;
    let email = unique_email("race");
    let (a, b) = tokio::join!(
        create(app, new_staff(&email, "Race", &["clinicians"])),
        create(app, new_staff(&email, "Race", &["response-team"])),
    );
    let replies = [a, b];
    let winner = single_winner(&replies, 409);
    let roles = winner.body["roles"].clone();
    let groups = groups_of(app, &email).await;
    assert_eq!(json!(groups), roles, "only the winner's roles were given");
}

#[tokio::test]
async fn a_creation_that_died_half_way_is_finished_by_the_retry() {
    let app = spawn_app().await;
    // What a creation leaves when it dies between AdminCreateUser and the groups: an invited
    // account without any group.
    let email = unique_email("half");
    let young = unique_email("young");
    for address in [email.clone(), young.clone()] {
        app.on_stack(move |stack| async move {
            use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
            stack
                .cognito()
                .admin_create_user()
                .user_pool_id(&stack.user_pool_id)
                .username(&address)
                .user_attributes(
                    AttributeType::builder()
                        .name("email")
                        .value(&address)
                        .build()?,
                )
                .message_action(MessageActionType::Suppress)
                .send()
                .await?;
            Ok(())
        })
        .await
        .expect("a half-made account");
    }
    // One that may still be in the middle of its creation is not taken over.
    let reply = create(app, new_staff(&young, "Young", &["clinicians"])).await;
    assert_problem(&reply, 409, None);
    assert!(groups_of(app, &young).await.is_empty());
    // Once it is older than any creation can take, the retry finishes it.
    tokio::time::sleep(Duration::from_secs(62)).await;
    let reply = create(app, new_staff(&email, "Half", &["clinicians"])).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(reply.body["roles"], json!(["clinicians"]));
    assert_eq!(groups_of(app, &email).await, ["clinicians"]);
    // And only once: now it is a staff member, and a further create is a conflict.
    let reply = create(app, new_staff(&email, "Half", &["admins"])).await;
    assert_problem(&reply, 409, None);
    assert_eq!(groups_of(app, &email).await, ["clinicians"]);
}

#[tokio::test]
async fn the_list_holds_every_staff_member_sorted_and_no_patient_or_caregiver() {
    let app = spawn_app().await;
    let listing = list(app, &app.admin).await;
    assert_eq!(listing.status, 200, "{listing:#?}");
    for actor in [
        &app.front_desk,
        &app.clinician,
        &app.response_team,
        &app.admin,
    ] {
        let item = listed(&listing, &actor.sub).unwrap_or_else(|| panic!("{actor:?} listed"));
        assert_eq!(item["enabled"], true);
        assert_eq!(item["status"], "confirmed");
    }
    assert_eq!(
        listed(&listing, &app.admin.sub).expect("admin")["roles"],
        json!(["admins"])
    );
    assert!(listed(&listing, &app.caregiver.sub).is_none());
    let patient = app.new_patient().await;
    let listing = list(app, &app.admin).await;
    assert!(listed(&listing, &patient.actor.sub).is_none());
    let families: Vec<String> = listing.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            item["familyName"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
        })
        .collect();
    let mut sorted = families.clone();
    sorted.sort();
    assert_eq!(families, sorted, "sorted by family name");
    // A member in several groups is listed once.
    let both = staff_member(app, &["clinicians", "response-team"]).await;
    let listing = list(app, &app.admin).await;
    let count = listing.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| item["staffId"] == both.sub.as_str())
        .count();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn roles_are_replaced_as_a_set() {
    let app = spawn_app().await;
    let member = staff_member(app, &["clinicians"]).await;
    let reply = put_roles(
        app,
        &member.sub,
        Some(&app.admin),
        json!(["front-desk", "response-team", "front-desk"]),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["roles"], json!(["front-desk", "response-team"]));
    assert_eq!(
        groups_of(app, &member.email).await,
        ["front-desk", "response-team"]
    );
    // Their next sign-in carries the new roles.
    let signed_in = sign_in(app, &member.email, DEMO_PASSWORD).await;
    let token = signed_in.body["idToken"]
        .as_str()
        .expect("idToken")
        .to_owned();
    let member = Actor { token, ..member };
    // The front desk's identity review is theirs (the role added its training module, which
    // holds the work back until done); admin routes are not.
    let queue = app.get("/staff/profile-changes", &member).await;
    assert_training_required(&queue, "identity-review");
    assert_problem(&list(app, &member).await, 403, None);
    let events = staff_events(app, &app.admin).await;
    assert!(events.iter().any(
        |e| e["resource"] == format!("staff/{}/roles", member.sub) && e["outcome"] == "allowed"
    ));
}

#[tokio::test]
async fn bad_roles_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let member = staff_member(app, &["clinicians"]).await;
    for roles in [
        json!([]),
        json!(["patients"]),
        json!(["caregivers", "clinicians"]),
        json!("admins"),
    ] {
        let reply = put_roles(app, &member.sub, Some(&app.admin), roles).await;
        assert_problem(&reply, 422, Some("roles"));
    }
    let reply = app
        .send(
            Method::PUT,
            &format!("/admin/staff/{}/roles", member.sub),
            Some(&app.admin),
            Some(json!({"roles": ["clinicians"], "enabled": false})),
        )
        .await;
    assert_problem(&reply, 422, Some("enabled"));
    assert_eq!(groups_of(app, &member.email).await, ["clinicians"]);
}

#[tokio::test]
async fn patients_caregivers_and_unknown_ids_are_not_staff_members() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let unknown = "0b5d7c1e-0000-4000-8000-000000000000";
    for id in [
        patient.actor.sub.as_str(),
        app.caregiver.sub.as_str(),
        unknown,
        "not%20a%20sub",
    ] {
        let reply = put_roles(app, id, Some(&app.admin), json!(["admins"])).await;
        assert_problem(&reply, 404, None);
        for action in ["disable", "enable"] {
            let reply = post(
                app,
                &format!("/admin/staff/{id}/{action}"),
                Some(&app.admin),
            )
            .await;
            assert_problem(&reply, 404, None);
        }
    }
    let refused = staff_events(app, &app.admin)
        .await
        .into_iter()
        .filter(|e| {
            e["outcome"] == "denied" && e["resource"] == format!("staff/{}", patient.actor.sub)
        })
        .count();
    assert_eq!(refused, 3, "each refusal is audited");
    // Untouched: the patient still signs in, as a patient only.
    assert_eq!(groups_of(app, &patient.email).await, ["patients"]);
    assert_eq!(groups_of(app, &app.caregiver.email).await, ["caregivers"]);
    assert_eq!(
        sign_in(app, &patient.email, DEMO_PASSWORD).await.status,
        200
    );
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let admin = staff_member(app, &["admins", "clinicians"]).await;
    let reply = put_roles(app, &admin.sub, Some(&admin), json!(["clinicians"])).await;
    assert_problem(&reply, 409, None);
    assert!(
        reply.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("own admin role")),
        "{reply:#?}"
    );
    let reply = post(
        app,
        &format!("/admin/staff/{}/disable", admin.sub),
        Some(&admin),
    )
    .await;
    assert_problem(&reply, 409, None);
    assert_eq!(groups_of(app, &admin.email).await, ["admins", "clinicians"]);
    assert_eq!(sign_in(app, &admin.email, DEMO_PASSWORD).await.status, 200);
    // Keeping admins while changing the rest is fine.
    let reply = put_roles(app, &admin.sub, Some(&admin), json!(["admins"])).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    // Another administrator may take the role away.
    let reply = put_roles(app, &admin.sub, Some(&app.admin), json!(["clinicians"])).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let refusals: Vec<Value> = staff_events(app, &admin)
        .await
        .into_iter()
        .filter(|e| e["outcome"] == "denied")
        .collect();
    assert_eq!(refusals.len(), 2, "{refusals:#?}");
}

#[tokio::test]
async fn disabling_signs_them_out_everywhere_and_enabling_lets_them_back() {
    let app = spawn_app().await;
    let member = staff_member(app, &["front-desk"]).await;
    let session = sign_in(app, &member.email, DEMO_PASSWORD).await;
    let refresh_token = session.body["refreshToken"]
        .as_str()
        .expect("refreshToken")
        .to_owned();

    let reply = post(
        app,
        &format!("/admin/staff/{}/disable", member.sub),
        Some(&app.admin),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["enabled"], false);
    let listing = list(app, &app.admin).await;
    assert_eq!(
        listed(&listing, &member.sub).expect("listed")["enabled"],
        false
    );
    assert_problem(&sign_in(app, &member.email, DEMO_PASSWORD).await, 401, None);
    let refreshed = app
        .send_public(
            fresh_client_address(),
            "/auth/refresh",
            json!({"refreshToken": refresh_token}),
            None,
        )
        .await;
    assert_problem(&refreshed, 401, None);

    let reply = post(
        app,
        &format!("/admin/staff/{}/enable", member.sub),
        Some(&app.admin),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["enabled"], true);
    assert_eq!(sign_in(app, &member.email, DEMO_PASSWORD).await.status, 200);
    // The old refresh token stays revoked: the sign-out was global.
    let refreshed = app
        .send_public(
            fresh_client_address(),
            "/auth/refresh",
            json!({"refreshToken": refresh_token}),
            None,
        )
        .await;
    assert_problem(&refreshed, 401, None);
    let events = staff_events(app, &app.admin).await;
    for action in ["disable", "enable"] {
        assert!(
            events
                .iter()
                .any(|e| e["resource"] == format!("staff/{}/{action}", member.sub)),
            "{action} audited"
        );
    }
}

#[tokio::test]
async fn only_admins_manage_staff_and_refusals_are_audited() {
    let app = spawn_app().await;
    let member = staff_member(app, &["clinicians"]).await;
    let patient = app.new_patient().await;
    let email = unique_email("refused");
    let callers = [
        &app.front_desk,
        &app.clinician,
        &app.response_team,
        &app.caregiver,
        &patient.actor,
    ];
    for who in callers {
        let replies = [
            app.send(
                Method::POST,
                "/admin/staff",
                Some(who),
                Some(new_staff(&email, "Refused", &["admins"])),
            )
            .await,
            list(app, who).await,
            put_roles(app, &member.sub, Some(who), json!(["admins"])).await,
            post(
                app,
                &format!("/admin/staff/{}/disable", member.sub),
                Some(who),
            )
            .await,
            post(
                app,
                &format!("/admin/staff/{}/enable", member.sub),
                Some(who),
            )
            .await,
        ];
        for reply in &replies {
            assert_problem(reply, 403, None);
        }
        let refused = app
            .actor_audit_events(who)
            .await
            .into_iter()
            .filter(|e| e["action"] == "staff-account.manage" && e["outcome"] == "denied")
            .count();
        assert!(refused >= 5, "{who:?}: {refused} refusals audited");
    }
    // Without a token: 401 from the gateway.
    assert_problem(
        &app.send(
            Method::POST,
            "/admin/staff",
            None,
            Some(new_staff(&email, "Anon", &["admins"])),
        )
        .await,
        401,
        None,
    );
    assert_problem(
        &app.send(Method::GET, "/admin/staff", None, None).await,
        401,
        None,
    );
    assert_problem(
        &put_roles(app, &member.sub, None, json!(["admins"])).await,
        401,
        None,
    );
    for action in ["disable", "enable"] {
        let reply = post(app, &format!("/admin/staff/{}/{action}", member.sub), None).await;
        assert_problem(&reply, 401, None);
    }
    assert!(!account_exists(app, &email).await);
    assert_eq!(groups_of(app, &member.email).await, ["clinicians"]);
    assert_eq!(sign_in(app, &member.email, DEMO_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn invited_staff_choose_their_password_and_get_their_roles() {
    let app = spawn_app().await;
    let email = unique_email("invited");
    let reply = create(app, new_staff(&email, "Invited", &["front-desk"])).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let staff_id = reply.body["staffId"].as_str().expect("staffId").to_owned();
    set_password(app, &email, TEMPORARY_PASSWORD, false).await;

    let challenged = sign_in(app, &email, TEMPORARY_PASSWORD).await;
    assert_eq!(challenged.status, 200, "{challenged:#?}");
    assert_eq!(challenged.body["challenge"], "NEW_PASSWORD_REQUIRED");
    let session = challenged.body["session"]
        .as_str()
        .expect("session")
        .to_owned();

    let answer = |body: Value| async move {
        app.send_public(fresh_client_address(), "/auth/new-password", body, None)
            .await
    };
    // A password below the policy: 422, and the session still works afterwards.
    let weak = answer(json!({"email": email, "session": session, "newPassword": "short"})).await;
    assert_problem(&weak, 422, Some("newPassword"));
    let missing = answer(json!({"email": email, "newPassword": CHOSEN_PASSWORD})).await;
    assert_problem(&missing, 422, Some("session"));
    let bad_email =
        answer(json!({"email": "nope", "session": session, "newPassword": CHOSEN_PASSWORD})).await;
    assert_problem(&bad_email, 422, Some("email"));
    let made_up = answer(
        json!({"email": email, "session": "made-up-session", "newPassword": CHOSEN_PASSWORD}),
    )
    .await;
    assert_problem(&made_up, 401, None);

    let accepted =
        answer(json!({"email": email, "session": session, "newPassword": CHOSEN_PASSWORD})).await;
    assert_eq!(accepted.status, 200, "{accepted:#?}");
    for field in ["idToken", "accessToken", "refreshToken"] {
        assert!(accepted.body[field].is_string(), "{field}: {accepted:#?}");
    }
    let token = accepted.body["idToken"]
        .as_str()
        .expect("idToken")
        .to_owned();
    let invited = Actor {
        email: email.clone(),
        sub: staff_id.clone(),
        token,
    };
    // Their token carries their role, but staff work waits for an authenticator app; staff
    // admin is not theirs at all (plain 403: a refused caller learns nothing of MFA).
    let queue = app.get("/staff/profile-changes", &invited).await;
    assert_problem(&queue, 403, None);
    assert_eq!(queue.body["type"], MFA_REQUIRED, "{queue:#?}");
    assert_problem(&list(app, &invited).await, 403, None);
    assert_ne!(list(app, &invited).await.body["type"], MFA_REQUIRED);
    // Enrolled, the front desk's identity review is theirs once trained (a new account's
    // onboarding plan holds it back until then).
    let (invited, _) = app.enrol_mfa(&invited, CHOSEN_PASSWORD).await;
    let queue = app.get("/staff/profile-changes", &invited).await;
    assert_training_required(&queue, "identity-review");

    // From now on the chosen password signs them in, and the temporary one no longer does.
    assert_eq!(sign_in(app, &email, CHOSEN_PASSWORD).await.status, 200);
    assert_problem(&sign_in(app, &email, TEMPORARY_PASSWORD).await, 401, None);
    let listing = list(app, &app.admin).await;
    assert_eq!(
        listed(&listing, &staff_id).expect("listed")["status"],
        "confirmed"
    );
}

#[tokio::test]
async fn wrong_answers_to_the_new_password_challenge_are_limited_per_email() {
    let app = spawn_app().await;
    let email = unique_email("limited");
    let reply = create(app, new_staff(&email, "Limited", &["clinicians"])).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    set_password(app, &email, TEMPORARY_PASSWORD, false).await;
    for _ in 0..5 {
        let reply = app
            .send_public(
                fresh_client_address(),
                "/auth/new-password",
                json!({"email": email, "session": "guessed", "newPassword": CHOSEN_PASSWORD}),
                None,
            )
            .await;
        assert_problem(&reply, 401, None);
    }
    // The limit holds even with a real session.
    let challenged = sign_in(app, &email, TEMPORARY_PASSWORD).await;
    let session = challenged.body["session"].as_str().expect("session");
    let reply = app
        .send_public(
            fresh_client_address(),
            "/auth/new-password",
            json!({"email": email, "session": session, "newPassword": CHOSEN_PASSWORD}),
            None,
        )
        .await;
    assert_problem(&reply, 429, None);
    assert_eq!(reply.body["limit"], 5);
}
