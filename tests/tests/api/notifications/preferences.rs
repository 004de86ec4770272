//! `GET` and `PUT /patients/{patientId}/notification-preferences`.

use futures::future::join_all;
use portal_tests::{Method, assert_problem, spawn_app};
use serde_json::json;

use super::support::{
    KINDS, audited, preferences_path, put_preferences, read_preferences, reminder_switch,
};

#[tokio::test]
async fn a_patient_reads_the_defaults_with_contacts_and_quiet_hours() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let reply = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let channels = reply.body["channels"].as_object().expect("channels");
    assert_eq!(
        channels.len(),
        KINDS.len(),
        "every choosable kind, no security notice"
    );
    for kind in KINDS {
        // The registration gives a phone: a waitlist offer goes by text.
        let expected = if kind == "waitlist-offer" {
            "sms"
        } else {
            "email"
        };
        assert_eq!(channels[kind], expected, "{kind}");
    }
    assert_eq!(reply.body["contacts"]["email"]["status"], "ok");
    assert_eq!(reply.body["contacts"]["phone"]["status"], "ok");
    let quiet = &reply.body["quietHours"];
    for part in ["start", "end", "timeZone"] {
        assert!(
            quiet[part].as_str().is_some_and(|v| !v.is_empty()),
            "{quiet}"
        );
    }
    assert!(reply.body.get("updatedAt").is_none(), "never set");
    assert!(
        !reply.body.to_string().contains(&patient.email),
        "the address itself is not shown"
    );

    let events = audited(app, &patient.id, "notification-preferences.manage").await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["resource"], "notification-preferences");
    assert_eq!(events[0]["outcome"], "allowed");
}

#[tokio::test]
async fn a_change_sets_the_kinds_named_and_keeps_the_others() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let first = put_preferences(
        app,
        &patient.id,
        &patient.actor,
        json!({"channels": {"appointment-booked": "none", "new-portal-message": "sms"}}),
    )
    .await;
    assert_eq!(first.status, 200, "{first:#?}");
    assert_eq!(first.body["channels"]["appointment-booked"], "none");
    assert_eq!(first.body["channels"]["new-portal-message"], "sms");
    assert_eq!(first.body["channels"]["appointment-moved"], "email");
    assert!(first.body["updatedAt"].is_string());

    let second = put_preferences(
        app,
        "me",
        &patient.actor,
        json!({"channels": {"appointment-moved": "none"}}),
    )
    .await;
    assert_eq!(second.status, 200, "{second:#?}");
    let read = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(read.body["channels"], second.body["channels"]);
    assert_eq!(read.body["channels"]["appointment-booked"], "none");
    assert_eq!(read.body["channels"]["new-portal-message"], "sms");
    assert_eq!(read.body["channels"]["appointment-moved"], "none");
    assert_eq!(read.body["channels"]["waitlist-offer"], "sms");
}

#[tokio::test]
async fn the_reminder_choice_turns_the_profile_switch_in_step() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    assert_eq!(
        reminder_switch(app, "me", &patient.actor).await,
        (true, "\"1\"".to_owned())
    );
    let off = json!({"channels": {"appointment-reminder": "none"}});
    let reply = put_preferences(app, "me", &patient.actor, off.clone()).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    // The profile changed, so its version (and ETag) moves on with it.
    assert_eq!(
        reminder_switch(app, "me", &patient.actor).await,
        (false, "\"2\"".to_owned())
    );
    // The same again changes nothing more.
    let again = put_preferences(app, "me", &patient.actor, off).await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body["channels"], reply.body["channels"]);
    assert_eq!(
        reminder_switch(app, "me", &patient.actor).await,
        (false, "\"2\"".to_owned())
    );
    // Any channel turns reminders back on; other kinds leave the switch alone.
    let on = put_preferences(
        app,
        "me",
        &patient.actor,
        json!({"channels": {"appointment-reminder": "sms", "appointment-booked": "none"}}),
    )
    .await;
    assert_eq!(on.status, 200, "{on:#?}");
    assert_eq!(
        reminder_switch(app, "me", &patient.actor).await,
        (true, "\"3\"".to_owned())
    );
}

#[tokio::test]
async fn invalid_changes_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let cases = [
        (
            json!({"channels": {"fax-blast": "email"}}),
            "channels.fax-blast",
        ),
        // Security notices cannot be turned off, so they cannot be chosen.
        (
            json!({"channels": {"password-reset": "none"}}),
            "channels.password-reset",
        ),
        (
            json!({"channels": {"new-portal-message": "fax"}}),
            "channels.new-portal-message",
        ),
        (
            json!({"channels": {"appointment-booked": null}}),
            "channels.appointment-booked",
        ),
        (
            json!({"channels": {"appointment-moved": 1}}),
            "channels.appointment-moved",
        ),
        (json!({}), "channels"),
        (json!({"channels": []}), "channels"),
        (json!({"channels": {}, "quietHours": {}}), "quietHours"),
    ];
    for (body, field) in cases {
        let reply = put_preferences(app, "me", &patient.actor, body).await;
        assert_problem(&reply, 422, Some(field));
    }
    // Several bad kinds are all named, and the good one beside them is not written either.
    let several = put_preferences(
        app,
        "me",
        &patient.actor,
        json!({"channels": {"fax-blast": "email", "appointment-cancelled": "none", "waitlist-offer": "pigeon"}}),
    )
    .await;
    assert_problem(&several, 422, Some("channels.fax-blast"));
    assert_problem(&several, 422, Some("channels.waitlist-offer"));
    let malformed = app
        .send_raw(
            Method::PUT,
            &preferences_path("me"),
            &patient.actor,
            "application/json",
            "{\"channels\": {",
        )
        .await;
    assert_problem(&malformed, 400, None);
    let not_json = app
        .send_raw(
            Method::PUT,
            &preferences_path("me"),
            &patient.actor,
            "text/plain",
            "channels",
        )
        .await;
    assert_problem(&not_json, 415, None);

    // A text needs a mobile number on file.
    app.set_profile_attribute(&patient.id, "contact", json!({"email": patient.email}))
        .await;
    let no_phone = put_preferences(
        app,
        "me",
        &patient.actor,
        json!({"channels": {"appointment-reminder": "none", "waitlist-offer": "sms"}}),
    )
    .await;
    assert_problem(&no_phone, 422, Some("channels.waitlist-offer"));

    let read = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert!(
        read.body.get("updatedAt").is_none(),
        "nothing may be written: {read:#?}"
    );
    assert_eq!(read.body["contacts"]["phone"]["status"], "missing");
    // Without a phone, the waitlist offer falls back to email.
    assert_eq!(read.body["channels"]["waitlist-offer"], "email");
    assert_eq!(read.body["channels"]["appointment-reminder"], "email");
    assert!(reminder_switch(app, "me", &patient.actor).await.0);
}

#[tokio::test]
async fn a_caregiver_has_preferences_of_their_own() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    let carer = app.accept_as_new_caregiver(&invitation).await;

    let read = read_preferences(app, &patient.id, &carer).await;
    assert_eq!(read.status, 200, "{read:#?}");
    // The invitation's address; no phone, so every kind by email.
    assert_eq!(read.body["contacts"]["email"]["status"], "ok");
    assert_eq!(read.body["contacts"]["phone"]["status"], "missing");
    for kind in KINDS {
        assert_eq!(read.body["channels"][kind], "email", "{kind}");
    }

    let change = put_preferences(
        app,
        &patient.id,
        &carer,
        json!({"channels": {"new-portal-message": "none", "appointment-reminder": "none"}}),
    )
    .await;
    assert_eq!(change.status, 200, "{change:#?}");
    assert_eq!(change.body["channels"]["new-portal-message"], "none");
    // Caregivers have no phone on file: no texts.
    let text = put_preferences(
        app,
        &patient.id,
        &carer,
        json!({"channels": {"appointment-booked": "sms"}}),
    )
    .await;
    assert_problem(&text, 422, Some("channels.appointment-booked"));

    // The patient's own choices and the profile's switch are untouched.
    let own = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(own.body["channels"]["new-portal-message"], "email");
    assert_eq!(own.body["channels"]["appointment-reminder"], "email");
    assert_eq!(
        reminder_switch(app, "me", &patient.actor).await,
        (true, "\"1\"".to_owned())
    );
    let events = audited(app, &patient.id, "notification-preferences.manage").await;
    assert!(
        events
            .iter()
            .any(|e| e["relationship"] == "caregiver" && e["actorSub"] == carer.sub.as_str()),
        "{events:#?}"
    );
}

#[tokio::test]
async fn foreign_patients_staff_and_anonymous_callers_are_refused() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let change = json!({"channels": {"new-portal-message": "none"}});
    for path in [
        patient.id.as_str(),
        "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "not-an-id",
    ] {
        let read = read_preferences(app, path, &other.actor).await;
        assert_problem(&read, 404, None);
        let write = put_preferences(app, path, &other.actor, change.clone()).await;
        assert_problem(&write, 404, None);
    }
    // A caregiver without a grant for this patient does not learn it exists.
    let stranger = read_preferences(app, &patient.id, &app.caregiver).await;
    assert_problem(&stranger, 404, None);
    // Staff have no preferences about a patient.
    for staff in [
        &app.front_desk,
        &app.clinician,
        &app.response_team,
        &app.admin,
    ] {
        let read = read_preferences(app, &patient.id, staff).await;
        assert_problem(&read, 403, None);
        let write = put_preferences(app, &patient.id, staff, change.clone()).await;
        assert_problem(&write, 403, None);
    }
    for method in [Method::GET, Method::PUT] {
        let anonymous = app
            .send(
                method,
                &preferences_path(&patient.id),
                None,
                Some(change.clone()),
            )
            .await;
        assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    }
    let read = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(read.body["channels"]["new-portal-message"], "email");
    assert!(read.body.get("updatedAt").is_none());
    let denied = app
        .audit_events(&patient.id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "notification-preferences.manage" && e["outcome"] == "denied")
        .count();
    assert!(denied >= 6, "refusals are audited too ({denied})");
}

#[tokio::test]
async fn the_same_change_sent_at_once_leaves_one_state() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let body = json!({"channels": {"appointment-reminder": "none", "appointment-booked": "none"}});
    let replies =
        join_all((0..4).map(|_| put_preferences(app, "me", &patient.actor, body.clone()))).await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{replies:#?}");
        assert_eq!(reply.body["channels"], replies[0].body["channels"]);
    }
    // The profile's switch was turned once.
    assert_eq!(
        reminder_switch(app, "me", &patient.actor).await,
        (false, "\"2\"".to_owned())
    );
}
