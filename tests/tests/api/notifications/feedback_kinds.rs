//! The feedback kinds through the sender: an idea's new status (to a patient who supported it
//! and to a staff member who voted), a suggestion decided and a comment answered. The records
//! are put into the outbox as the feedback function writes them, so the table's stream carries
//! them to the notification sender; the emulated SES holds what was really sent. No idea title,
//! suggestion text, comment or answer is in any of them: a link to sign in instead.

use std::time::Duration;

use portal_shared::domain::ids::{FeedbackId, IdeaId, PatientId, SuggestionId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{
    AboutFeedback, AboutIdea, AboutSuggestion, Kind, Notification, Recipient,
};
use portal_shared::platform::store;
use portal_shared::policy::caller::UserSub;
use portal_tests::{Patient, SentEmail, TestApp, spawn_app};
use serde::Serialize;
use serde_json::json;

use crate::notifications::support::{
    put_preferences, read_preferences, settled_delivery, unsubscribe,
};

/// What a careless producer might add to the record: none of it may reach an email.
const LEAKS: [(&str, &str); 3] = [
    ("title", "Insulin dose tracker"),
    ("comment", "my blood sugar chart is hard to read"),
    ("answer", "we enlarged the glucose chart"),
];

/// Puts a `kind` record for `recipient` into the outbox, with the stray fields of [`LEAKS`].
async fn put_outbox<About: Serialize>(
    app: &TestApp,
    kind: Kind,
    recipient: Recipient,
    about: About,
) {
    let now = Timestamp::now();
    let record = Notification::pending(
        kind,
        recipient,
        about,
        now,
        now.plus(Duration::from_secs(86_400)),
    );
    let mut item = store::to_item(&record.key(), &record).expect("an outbox item");
    for (name, value) in LEAKS {
        item.insert(name.into(), store::string(value));
    }
    app.put_app_item(item).await;
}

fn patient_recipient(patient: &Patient) -> Recipient {
    Recipient::Patient {
        patient_id: PatientId::parse(&patient.id).expect("patient id"),
    }
}

fn assert_nothing_leaked(email: &SentEmail) {
    let sent = format!("{}\n{}", email.subject, email.body).to_lowercase();
    for (_, value) in LEAKS {
        assert!(!sent.contains(&value.to_lowercase()), "{value:?} in {sent}");
    }
    for word in ["insulin", "glucose", "blood sugar"] {
        assert!(!sent.contains(word), "{word:?} in {sent}");
    }
}

#[tokio::test]
async fn an_ideas_new_status_reaches_a_supporting_patient_and_a_voting_staff_member() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let voter = app.new_staff("voter", &["clinicians"]).await;
    let idea = IdeaId::generate();

    put_outbox(
        app,
        Kind::IdeaStatusChanged,
        patient_recipient(&patient),
        AboutIdea {
            idea_id: idea,
            status: "planned".into(),
        },
    )
    .await;
    put_outbox(
        app,
        Kind::IdeaStatusChanged,
        Recipient::StaffMember {
            sub: UserSub::parse(&voter.sub).expect("sub"),
        },
        AboutIdea {
            idea_id: idea,
            status: "live".into(),
        },
    )
    .await;

    let to_patient = app.wait_for_emails(&patient.email, 1).await;
    assert_eq!(to_patient.len(), 1, "{to_patient:#?}");
    let email = &to_patient[0];
    assert_eq!(email.subject, "An idea you supported has news");
    assert!(email.body.contains("it is now planned"), "{}", email.body);
    assert!(
        email.body.contains(&format!("/p/{}/feedback", patient.id)),
        "the patient's feedback page: {}",
        email.body
    );
    assert!(
        email.body.contains("/unsubscribe?token="),
        "the patient can turn these off: {}",
        email.body
    );
    assert_nothing_leaked(email);
    let delivery = settled_delivery(app, &patient, "idea-status-changed").await;
    assert_eq!(delivery["status"], "sent", "{delivery:#?}");
    assert_eq!(delivery["recipient"], "patient");
    assert_eq!(delivery["channel"], "email");

    let to_staff = app.wait_for_emails(&voter.email, 1).await;
    assert_eq!(to_staff.len(), 1, "{to_staff:#?}");
    let email = &to_staff[0];
    assert_eq!(email.subject, "An idea you supported has news");
    assert!(email.body.contains("it is now live in the portal"));
    assert!(
        email.body.contains("/staff/polls"),
        "the staff member's polls: {}",
        email.body
    );
    assert!(
        !email.body.contains("/p/") && !email.body.contains("/unsubscribe"),
        "no patient's portal, no patient's preferences: {}",
        email.body
    );
    assert_nothing_leaked(email);
}

#[tokio::test]
async fn a_decided_suggestion_and_an_answered_comment_email_their_author() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    put_outbox(
        app,
        Kind::SuggestionDecided,
        patient_recipient(&patient),
        AboutSuggestion {
            suggestion_id: SuggestionId::generate(),
            accepted: true,
        },
    )
    .await;
    put_outbox(
        app,
        Kind::FeedbackAnswered,
        patient_recipient(&patient),
        AboutFeedback {
            feedback_id: FeedbackId::generate(),
        },
    )
    .await;

    let emails = app.wait_for_emails(&patient.email, 2).await;
    assert_eq!(emails.len(), 2, "{emails:#?}");
    let mut subjects: Vec<&str> = emails.iter().map(|e| e.subject.as_str()).collect();
    subjects.sort_unstable();
    assert_eq!(
        subjects,
        [
            "Thank you: your suggestion was accepted",
            "The practice answered your feedback"
        ]
    );
    for email in &emails {
        assert!(
            email.body.contains(&format!("/p/{}/feedback", patient.id)),
            "{}",
            email.body
        );
        assert_nothing_leaked(email);
    }
    for kind in ["suggestion-decided", "feedback-answered"] {
        let delivery = settled_delivery(app, &patient, kind).await;
        assert_eq!(delivery["status"], "sent", "{delivery:#?}");
    }
}

#[tokio::test]
async fn a_patient_turns_the_feedback_news_off_by_its_link_or_their_preferences() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let read = read_preferences(app, &patient.id, &patient.actor).await;
    assert_eq!(read.status, 200, "{read:#?}");
    for kind in [
        "idea-status-changed",
        "suggestion-decided",
        "feedback-answered",
    ] {
        assert_eq!(read.body["channels"][kind], "email", "{kind} by default");
    }

    let token = app
        .unsubscribe_token(&patient.id, None, "idea-status-changed")
        .await;
    let off = unsubscribe(app, json!({"token": token})).await;
    assert_eq!(off.status, 200, "{off:#?}");
    assert_eq!(off.body["kind"], "idea-status-changed");
    let saved = put_preferences(
        app,
        &patient.id,
        &patient.actor,
        json!({"channels": {"feedback-answered": "none"}}),
    )
    .await;
    assert_eq!(saved.status, 200, "{saved:#?}");
    assert_eq!(saved.body["channels"]["idea-status-changed"], "none");
    assert_eq!(saved.body["channels"]["feedback-answered"], "none");
    assert_eq!(saved.body["channels"]["suggestion-decided"], "email");

    put_outbox(
        app,
        Kind::IdeaStatusChanged,
        patient_recipient(&patient),
        AboutIdea {
            idea_id: IdeaId::generate(),
            status: "in-beta".into(),
        },
    )
    .await;
    put_outbox(
        app,
        Kind::FeedbackAnswered,
        patient_recipient(&patient),
        AboutFeedback {
            feedback_id: FeedbackId::generate(),
        },
    )
    .await;
    for kind in ["idea-status-changed", "feedback-answered"] {
        let delivery = settled_delivery(app, &patient, kind).await;
        assert_eq!(delivery["status"], "suppressed", "{delivery:#?}");
        assert_eq!(delivery["reason"], "preference");
    }
    assert!(app.emails_to(&patient.email).await.is_empty());
}
