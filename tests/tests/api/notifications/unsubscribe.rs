//! `POST /notifications/unsubscribe`: the link in an email, without signing in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::future::join_all;
use portal_tests::{Method, assert_problem, spawn_app};
use serde_json::json;

use super::support::{audited, put_preferences, read_preferences, reminder_switch, unsubscribe};

#[tokio::test]
async fn the_link_turns_one_kind_of_email_off_once_and_is_audited() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let token = app
        .unsubscribe_token(&patient.id, None, "new-portal-message")
        .await;
    let reply = unsubscribe(app, json!({"token": token})).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(
        reply.body,
        json!({"kind": "new-portal-message", "channel": "email"})
    );
    let read = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(read.body["channels"]["new-portal-message"], "none");
    assert_eq!(read.body["channels"]["appointment-booked"], "email");
    let updated = read.body["updatedAt"].clone();
    assert!(updated.is_string(), "{read:#?}");

    // Again: the same answer, and nothing more is written.
    let again = unsubscribe(app, json!({"token": token})).await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(again.body, reply.body);
    let reread = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(reread.body["channels"], read.body["channels"]);
    assert_eq!(reread.body["updatedAt"], updated);

    let events = audited(app, &patient.id, "notification-preferences.unsubscribe").await;
    assert_eq!(events.len(), 2, "each use is audited: {events:#?}");
    assert!(
        events
            .iter()
            .all(|e| e["resource"] == "notification-preferences"
                && e["relationship"] == "own"
                && e["outcome"] == "allowed")
    );
}

#[tokio::test]
async fn unsubscribing_from_reminders_turns_the_profile_switch_off() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let token = app
        .unsubscribe_token(&patient.id, None, "appointment-reminder")
        .await;
    let reply = unsubscribe(app, json!({"token": token})).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(
        reminder_switch(app, "me", &patient.actor).await,
        (false, "\"2\"".to_owned())
    );
    let read = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(read.body["channels"]["appointment-reminder"], "none");
}

#[tokio::test]
async fn a_caregivers_link_changes_their_preferences_alone() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &patient.actor).await;
    let carer = app.accept_as_new_caregiver(&invitation).await;
    let token = app
        .unsubscribe_token(&patient.id, Some(&carer), "appointment-reminder")
        .await;
    let reply = unsubscribe(app, json!({"token": token})).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let theirs = read_preferences(app, &patient.id, &carer).await;
    assert_eq!(theirs.body["channels"]["appointment-reminder"], "none");
    let own = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(own.body["channels"]["appointment-reminder"], "email");
    assert!(reminder_switch(app, "me", &patient.actor).await.0);
    let events = audited(app, &patient.id, "notification-preferences.unsubscribe").await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["relationship"], "caregiver");
    assert_eq!(events[0]["actorSub"], carer.sub.as_str());
}

#[tokio::test]
async fn a_kind_chosen_by_text_is_left_alone() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let set = put_preferences(
        app,
        "me",
        &patient.actor,
        json!({"channels": {"appointment-booked": "sms"}}),
    )
    .await;
    assert_eq!(set.status, 200, "{set:#?}");
    // The waitlist offer goes by text by default (a phone is on file).
    for kind in ["appointment-booked", "waitlist-offer"] {
        let token = app.unsubscribe_token(&patient.id, None, kind).await;
        let reply = unsubscribe(app, json!({"token": token})).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
    }
    let read = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(read.body["channels"]["appointment-booked"], "sms");
    assert_eq!(read.body["channels"]["waitlist-offer"], "sms");
}

#[tokio::test]
async fn altered_made_up_and_malformed_tokens_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let token = app
        .unsubscribe_token(&patient.id, None, "new-portal-message")
        .await;
    let (payload, tag) = token.split_once('.').expect("two parts");
    let altered_payload = URL_SAFE_NO_PAD.encode(
        String::from_utf8(URL_SAFE_NO_PAD.decode(payload).expect("base64"))
            .expect("text")
            .replace("new-portal-message", "appointment-booked"),
    );
    let security_notice = app
        .unsubscribe_token(&patient.id, None, "password-reset")
        .await;
    for bad in [
        format!("{altered_payload}.{tag}"),
        format!("{payload}.{}", &tag[2..]),
        format!("{payload}.{tag}x"),
        "made-up".to_owned(),
        security_notice,
    ] {
        let reply = unsubscribe(app, json!({"token": bad})).await;
        assert_problem(&reply, 400, None);
        assert!(
            reply.body["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("/invalid-token")),
            "{reply:#?}"
        );
    }
    for (body, field) in [
        (json!({}), "token"),
        (json!({"token": ""}), "token"),
        (json!({"token": "x".repeat(513)}), "token"),
        (json!({"token": 7}), "token"),
        (json!({"token": token, "kind": "all"}), "kind"),
    ] {
        let reply = unsubscribe(app, body).await;
        assert_problem(&reply, 422, Some(field));
    }
    let malformed = app
        .send_raw(
            Method::POST,
            "/notifications/unsubscribe",
            &patient.actor,
            "application/json",
            "{\"token\": ",
        )
        .await;
    assert_problem(&malformed, 400, None);

    let read = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(read.body["channels"]["new-portal-message"], "email");
    assert_eq!(read.body["channels"]["appointment-booked"], "email");
    assert!(read.body.get("updatedAt").is_none(), "{read:#?}");
    assert!(
        audited(app, &patient.id, "notification-preferences.unsubscribe")
            .await
            .is_empty(),
        "a refused token reaches no patient"
    );
}

#[tokio::test]
async fn the_same_link_used_at_once_gives_one_state() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let token = app
        .unsubscribe_token(&patient.id, None, "appointment-reminder")
        .await;
    let replies = join_all((0..4).map(|_| unsubscribe(app, json!({"token": token})))).await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{replies:#?}");
    }
    let read = read_preferences(app, "me", &patient.actor).await;
    assert_eq!(read.body["channels"]["appointment-reminder"], "none");
    // The profile's switch turned once.
    assert_eq!(
        reminder_switch(app, "me", &patient.actor).await,
        (false, "\"2\"".to_owned())
    );
}
