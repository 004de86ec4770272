//! Secure messaging, the patient's side: start, list, read, reply, mark read; caregivers;
//! bad input; foreign patients; idempotency; pagination; notifications without content.

use futures::future::join_all;
use portal_shared::policy::authz::Scope;
use portal_tests::{GrantState, Method, assert_problem, spawn_app};
use serde_json::{Value, json};

use crate::messages::support::{
    conversation_path, conversations_path, counted_inbox, notifications, read, reply, start,
};

#[tokio::test]
async fn patient_writes_staff_answer_and_the_unread_count_drops() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (started, id) = start(
        app,
        &patient,
        &patient.actor,
        "medical-question",
        "Rash after new tablets",
        "Since Monday I have a rash on both arms.",
    )
    .await;
    assert!(
        started
            .header("location")
            .is_some_and(|l| l.ends_with(&format!("/conversations/{id}/messages"))),
        "{started:#?}"
    );
    let conversation = &started.body["conversation"];
    assert_eq!(conversation["status"], "open");
    assert_eq!(conversation["category"], "medical-question");
    assert_eq!(conversation["patientUnread"], 0);
    assert_eq!(started.body["message"]["author"]["kind"], "patient");
    assert_eq!(started.body["message"]["seq"], 1);

    // The clinician reads it (audited against the patient) and answers.
    read(app, &patient, &id, &app.clinician).await;
    let answer = reply(
        app,
        &patient,
        &id,
        &app.clinician,
        "Please stop the tablets and call us.",
    )
    .await;
    assert_eq!(answer.status, 201, "{answer:#?}");
    assert_eq!(answer.body["seq"], 2);
    let author = &answer.body["author"];
    assert_eq!(author["kind"], "staff");
    assert_eq!(author["name"], "Test clinician");
    assert_eq!(author["role"], "clinicians");

    let list = app.get(&conversations_path(&patient), &patient.actor).await;
    assert_eq!(list.status, 200, "{list:#?}");
    assert_eq!(list.body["totalUnread"], 1);
    assert_eq!(list.body["items"][0]["conversationId"], id.as_str());
    assert_eq!(list.body["items"][0]["patientUnread"], 1);
    assert_eq!(list.body["items"][0]["status"], "answered");
    assert_eq!(list.body["items"][0]["assignee"]["sub"], app.clinician.sub);

    let thread = read(app, &patient, &id, &patient.actor).await;
    let seqs: Vec<i64> = thread.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(seqs, [1, 2]);
    assert_eq!(thread.body["items"][1]["author"]["name"], "Test clinician");

    let marked = app
        .send(
            Method::POST,
            &format!("{}/read", conversation_path(&patient, &id)),
            Some(&patient.actor),
            None,
        )
        .await;
    assert_eq!(marked.status, 200, "{marked:#?}");
    assert_eq!(marked.body["patientUnread"], 0);
    let list = app.get(&conversations_path(&patient), &patient.actor).await;
    assert_eq!(list.body["totalUnread"], 0);
    assert_eq!(list.body["items"][0]["patientUnread"], 0);

    // Staff reading the thread and answering are in the patient's access trail.
    let events = app.audit_events(&patient.id).await;
    let staff_did = |action: &str| {
        events.iter().any(|e| {
            e["action"] == action
                && e["relationship"] == "staff"
                && e["actorSub"] == app.clinician.sub.as_str()
                && e["resource"] == format!("conversation/{id}")
        })
    };
    assert!(staff_did("conversation.read"), "{events:#?}");
    assert!(staff_did("message.send"), "{events:#?}");
}

#[tokio::test]
async fn conversations_are_listed_by_latest_activity_with_unread_totals() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, first) = start(app, &patient, &patient.actor, "billing", "Invoice", "Why?").await;
    let (_, second) = start(
        app,
        &patient,
        &patient.actor,
        "appointment",
        "Move",
        "Later?",
    )
    .await;
    let list = app.get(&conversations_path(&patient), &patient.actor).await;
    let order: Vec<&str> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["conversationId"].as_str().expect("id"))
        .collect();
    assert_eq!(order, [second.as_str(), first.as_str()]);

    // Activity on the first brings it to the top; two staff answers make two unread.
    assert_eq!(
        reply(app, &patient, &first, &app.front_desk, "Paid.")
            .await
            .status,
        201
    );
    assert_eq!(
        reply(app, &patient, &second, &app.front_desk, "Yes.")
            .await
            .status,
        201
    );
    assert_eq!(
        reply(app, &patient, &first, &app.front_desk, "Receipt sent.")
            .await
            .status,
        201
    );
    let list = app.get(&conversations_path(&patient), &patient.actor).await;
    assert_eq!(list.body["items"][0]["conversationId"], first.as_str());
    assert_eq!(list.body["items"][0]["patientUnread"], 2);
    assert_eq!(list.body["items"][1]["patientUnread"], 1);
    assert_eq!(list.body["totalUnread"], 3);

    // Pages of one, newest activity first, then nothing more.
    let page = app
        .get(
            &format!("{}?limit=1", conversations_path(&patient)),
            &patient.actor,
        )
        .await;
    assert_eq!(page.body["items"][0]["conversationId"], first.as_str());
    let cursor = page.body["nextCursor"].as_str().expect("a next page");
    let page = app
        .get(
            &format!("{}?limit=1&cursor={cursor}", conversations_path(&patient)),
            &patient.actor,
        )
        .await;
    assert_eq!(page.body["items"][0]["conversationId"], second.as_str());

    app.send(
        Method::POST,
        &format!("{}/read", conversation_path(&patient, &first)),
        Some(&patient.actor),
        None,
    )
    .await;
    let list = app.get(&conversations_path(&patient), &patient.actor).await;
    assert_eq!(list.body["totalUnread"], 1);
}

#[tokio::test]
async fn caregivers_with_the_messages_scope_write_as_themselves() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let body =
        json!({"category": "prescription", "subject": "Refill", "message": "Mum needs more."});
    // Without a grant the patient is nobody they know; with another scope they may not.
    let refused = app
        .send(
            Method::POST,
            &conversations_path(&patient),
            Some(&app.caregiver),
            Some(body.clone()),
        )
        .await;
    assert_problem(&refused, 404, None);
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Records],
        GrantState::Active,
    )
    .await;
    let refused = app
        .send(
            Method::POST,
            &conversations_path(&patient),
            Some(&app.caregiver),
            Some(body.clone()),
        )
        .await;
    assert_problem(&refused, 403, None);
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Messages],
        GrantState::Active,
    )
    .await;
    let (started, id) = start(
        app,
        &patient,
        &app.caregiver,
        "prescription",
        "Refill",
        "Mum needs more.",
    )
    .await;
    let author = &started.body["message"]["author"];
    assert_eq!(author["kind"], "caregiver");
    assert_eq!(author["sub"], app.caregiver.sub.as_str());
    // The patient sees who wrote it; the caregiver reads the answer.
    let thread = read(app, &patient, &id, &patient.actor).await;
    assert_eq!(thread.body["items"][0]["author"]["kind"], "caregiver");
    reply(app, &patient, &id, &app.clinician, "Sent to the pharmacy.").await;
    let list = app.get(&conversations_path(&patient), &app.caregiver).await;
    assert_eq!(list.status, 200, "{list:#?}");
    assert_eq!(list.body["totalUnread"], 1);
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = conversations_path(&patient);
    let valid = json!({"category": "billing", "subject": "Invoice", "message": "Why?"});
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("category", json!("gossip")), "category"),
        (with("subject", json!("two\nlines")), "subject"),
        (with("subject", json!("two\u{2028}lines")), "subject"),
        (with("subject", json!("next\u{0085}line")), "subject"),
        (with("subject", json!("invoice \u{061C}2024")), "subject"),
        (with("subject", json!("invoice \u{200F}2024")), "subject"),
        (with("subject", json!("bill\u{2062}ing")), "subject"),
        (
            with("message", json!("take \u{2066}10\u{2069} tablets")),
            "message",
        ),
        (with("subject", json!("   ")), "subject"),
        (with("subject", json!("s".repeat(121))), "subject"),
        (with("message", json!("x".repeat(5001))), "message"),
        (with("message", json!("bell \u{7}")), "message"),
        (
            with("message", json!("right-to-left \u{202E} trick")),
            "message",
        ),
        (
            with("about", json!({"kind": "record", "id": "../etc"})),
            "about.id",
        ),
        (
            with("about", json!({"kind": "invoice", "id": "A1"})),
            "about.kind",
        ),
        // Each kind has its own id: a record's is 32 hex digits, an appointment's a ULID.
        (
            with("about", json!({"kind": "appointment", "id": "APPT-123"})),
            "about",
        ),
        (
            with(
                "about",
                json!({"kind": "record", "id": "01J00000000000000000000000"}),
            ),
            "about",
        ),
        (with("admin", json!(true)), "admin"),
        (json!({"subject": "Invoice", "message": "Why?"}), "category"),
    ];
    for (body, field) in cases {
        let refused = app
            .send(Method::POST, &path, Some(&patient.actor), Some(body))
            .await;
        assert_problem(&refused, 422, Some(field));
    }
    let list = app.get(&path, &patient.actor).await;
    assert_eq!(list.body["items"], json!([]), "{list:#?}");

    // A bad reply changes nothing.
    let (_, id) = start(app, &patient, &patient.actor, "billing", "Invoice", "Why?").await;
    for text in ["", "  ", "\u{0}"] {
        let refused = reply(app, &patient, &id, &patient.actor, text).await;
        assert_problem(&refused, 422, Some("message"));
    }
    let thread = read(app, &patient, &id, &patient.actor).await;
    assert_eq!(thread.body["conversation"]["messageCount"], 1);
    assert_eq!(thread.body["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn another_patients_conversation_is_not_found_and_tokens_are_required() {
    let app = spawn_app().await;
    let _inbox = app.shared(&counted_inbox("portal-help")).await;
    let owner = app.new_patient().await;
    let other = app.new_patient().await;
    let (_, id) = start(app, &owner, &owner.actor, "portal-help", "Login", "Help").await;
    // Through the owner's path, and through the other patient's own partition.
    for path in [
        format!("{}/messages", conversation_path(&owner, &id)),
        format!("/patients/me/conversations/{id}/messages"),
        format!("/patients/{}/conversations/{id}/messages", other.id),
    ] {
        let refused = app.get(&path, &other.actor).await;
        assert_problem(&refused, 404, None);
    }
    let refused = app
        .send(
            Method::POST,
            &format!("/patients/me/conversations/{id}/messages"),
            Some(&other.actor),
            Some(json!({"message": "Hi"})),
        )
        .await;
    assert_problem(&refused, 404, None);
    let refused = app
        .send(
            Method::POST,
            &format!("/patients/me/conversations/{id}/read"),
            Some(&other.actor),
            None,
        )
        .await;
    assert_problem(&refused, 404, None);
    let refused = app
        .get("/patients/me/conversations/NOTANID/messages", &owner.actor)
        .await;
    assert_problem(&refused, 404, None);
    for (method, path) in [
        (Method::GET, conversations_path(&owner)),
        (Method::POST, conversations_path(&owner)),
        (
            Method::GET,
            format!("{}/messages", conversation_path(&owner, &id)),
        ),
        (
            Method::POST,
            format!("{}/read", conversation_path(&owner, &id)),
        ),
        (Method::GET, "/staff/inbox?category=portal-help".to_owned()),
        (Method::GET, "/staff/inbox/counts".to_owned()),
    ] {
        let refused = app.send(method, &path, None, Some(json!({}))).await;
        assert_eq!(refused.status, 401, "{path}: {refused:#?}");
    }
}

#[tokio::test]
async fn a_retried_start_or_reply_is_written_once() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = conversations_path(&patient);
    let body = json!({"category": "appointment", "subject": "Parking", "message": "Where?"});
    let key = [("Idempotency-Key", "start-1")];
    let sends = (0..3)
        .map(|_| app.send_with_headers(Method::POST, &path, &patient.actor, body.clone(), &key));
    let replies = join_all(sends).await;
    let ids: Vec<&Value> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{r:#?}");
            &r.body["conversation"]["conversationId"]
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{replies:#?}");
    let list = app.get(&path, &patient.actor).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    let reused = app
        .send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            json!({"category": "appointment", "subject": "Parking", "message": "Other"}),
            &key,
        )
        .await;
    assert_problem(&reused, 422, None);

    let id = ids[0].as_str().expect("id");
    let messages = format!("{}/messages", conversation_path(&patient, id));
    let key = [("Idempotency-Key", "reply-1")];
    let first = app
        .send_with_headers(
            Method::POST,
            &messages,
            &patient.actor,
            json!({"message": "Thanks"}),
            &key,
        )
        .await;
    let again = app
        .send_with_headers(
            Method::POST,
            &messages,
            &patient.actor,
            json!({"message": "Thanks"}),
            &key,
        )
        .await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(first.body, again.body);
    let thread = read(app, &patient, id, &patient.actor).await;
    assert_eq!(thread.body["conversation"]["messageCount"], 2);
}

#[tokio::test]
async fn long_conversations_page_oldest_first() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, id) = start(
        app,
        &patient,
        &patient.actor,
        "billing",
        "Plan",
        "Message 1",
    )
    .await;
    for n in 2..=23 {
        let who = if n % 2 == 0 {
            &app.front_desk
        } else {
            &patient.actor
        };
        let sent = reply(app, &patient, &id, who, &format!("Message {n}")).await;
        assert_eq!(sent.status, 201, "{sent:#?}");
    }
    let base = format!("{}/messages", conversation_path(&patient, &id));
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("{base}?limit=10"),
            Some(c) => format!("{base}?limit=10&cursor={c}"),
        };
        let page = app.get(&path, &patient.actor).await;
        assert_eq!(page.status, 200, "{page:#?}");
        for message in page.body["items"].as_array().expect("items") {
            seen.push(message["text"].as_str().expect("text").to_owned());
        }
        match page.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = (1..=23).map(|n| format!("Message {n}")).collect();
    assert_eq!(seen, expected);

    // A cursor belongs to its conversation.
    let (_, other) = start(app, &patient, &patient.actor, "billing", "Other", "Hi").await;
    let page = app.get(&format!("{base}?limit=5"), &patient.actor).await;
    let cursor = page.body["nextCursor"].as_str().expect("cursor");
    let misused = app
        .get(
            &format!(
                "{}/messages?cursor={cursor}",
                conversation_path(&patient, &other)
            ),
            &patient.actor,
        )
        .await;
    assert_problem(&misused, 422, Some("cursor"));
}

#[tokio::test]
async fn notification_records_say_only_that_there_is_a_message() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let subject = "Lump in left breast";
    let text = "I found a lump and I am worried it is cancer.";
    let (_, id) = start(
        app,
        &patient,
        &patient.actor,
        "medical-question",
        subject,
        text,
    )
    .await;
    let answer = "Please come in tomorrow at 9 for an examination.";
    reply(app, &patient, &id, &app.clinician, answer).await;
    reply(app, &patient, &id, &patient.actor, "Thank you, I will.").await;

    let records = notifications(app, &id).await;
    assert_eq!(records.len(), 3, "{records:#?}");
    let recipients: Vec<&Value> = records.iter().map(|r| &r["recipient"]).collect();
    // Unassigned: the team; the clinician's answer: the patient; then the clinician who owns it.
    assert_eq!(
        *recipients[0],
        json!({"kind": "staff-team", "group": "clinicians"})
    );
    assert_eq!(
        *recipients[1],
        json!({"kind": "patient", "patientId": patient.id})
    );
    assert_eq!(
        *recipients[2],
        json!({"kind": "staff-member", "sub": app.clinician.sub})
    );
    for record in &records {
        assert_eq!(record["template"], "new-portal-message");
        // `pending` until the sender (running behind the stream) records how it ended.
        assert!(
            ["pending", "sending", "sent", "suppressed", "failed"]
                .contains(&record["status"].as_str().unwrap_or_default()),
            "{record}"
        );
        assert!(record["expiresAt"].is_number());
        let flat = record.to_string().to_lowercase();
        for secret in [
            subject,
            text,
            answer,
            "medical",
            "lump",
            "cancer",
            "thank you",
        ] {
            assert!(
                !flat.contains(&secret.to_lowercase()),
                "{secret:?} leaked into {record:#}"
            );
        }
    }
}

#[tokio::test]
async fn a_closed_conversation_reopens_when_the_patient_replies() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, id) = start(
        app,
        &patient,
        &patient.actor,
        "medical-question",
        "Dose",
        "How much?",
    )
    .await;
    reply(app, &patient, &id, &app.clinician, "Two a day.").await;
    let etag = read(app, &patient, &id, &app.clinician)
        .await
        .header("etag")
        .expect("etag");
    let closed = app
        .patch(
            &conversation_path(&patient, &id),
            &app.clinician,
            &etag,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{closed:#?}");
    assert_eq!(closed.body["status"], "closed");
    assert!(closed.body.get("waitingSince").is_none(), "{closed:#?}");

    let reopened = reply(app, &patient, &id, &patient.actor, "Also with food?").await;
    assert_eq!(reopened.status, 201);
    let thread = read(app, &patient, &id, &patient.actor).await;
    let conversation = &thread.body["conversation"];
    assert_eq!(conversation["status"], "open");
    assert_eq!(conversation["waitingSince"], reopened.body["sentAt"]);
    let inbox = crate::messages::support::whole_inbox(
        app,
        &app.clinician,
        "category=medical-question",
        100,
    )
    .await;
    assert!(
        crate::messages::support::ids(&inbox).contains(&id),
        "reopened conversation missing from the inbox"
    );
}

#[tokio::test]
async fn list_parameters_are_checked() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let (_, id) = start(app, &patient, &patient.actor, "billing", "Limits", "x").await;
    start(app, &patient, &patient.actor, "billing", "Second", "y").await;
    let messages = format!("{}/messages", conversation_path(&patient, &id));
    for path in [
        format!("{}?limit=0", conversations_path(&patient)),
        format!("{}?limit=101", conversations_path(&patient)),
        format!("{messages}?limit=abc"),
    ] {
        let refused = app.get(&path, &patient.actor).await;
        assert_problem(&refused, 422, Some("limit"));
    }
    for path in [
        format!("{}?cursor=forged", conversations_path(&patient)),
        format!("{messages}?cursor=forged.cursor"),
    ] {
        let refused = app.get(&path, &patient.actor).await;
        assert_problem(&refused, 422, Some("cursor"));
    }
    let refused = app
        .get("/staff/inbox?category=billing&limit=0", &app.front_desk)
        .await;
    assert_problem(&refused, 422, Some("limit"));
    let refused = app
        .get("/staff/inbox?category=billing&cursor=x.y", &app.front_desk)
        .await;
    assert_problem(&refused, 422, Some("cursor"));
    // A cursor of the open view does not page the waiting view.
    let page = app
        .get("/staff/inbox?category=billing&limit=1", &app.front_desk)
        .await;
    let cursor = page.body["nextCursor"]
        .as_str()
        .expect("two open: a next page");
    let refused = app
        .get(
            &format!("/staff/inbox?category=billing&view=waiting&cursor={cursor}"),
            &app.front_desk,
        )
        .await;
    assert_problem(&refused, 422, Some("cursor"));
}

#[tokio::test]
async fn about_names_one_of_the_patients_own_records_or_appointments() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let imported = app
        .import_bundle(
            &patient.id,
            &patient.actor,
            &portal_tests::fhir::small_bundle(&patient.family),
            "",
        )
        .await;
    assert_eq!(imported.status, 201, "{imported:#?}");
    let records = app.all_records(&patient.id, &patient.actor, "").await;
    let record = records[0]["recordId"]
        .as_str()
        .expect("recordId")
        .to_owned();
    let (_, appointment, _) = crate::appointments::support::booked(app, &patient.id, 48).await;
    let path = conversations_path(&patient);
    let about = |kind: &str, id: &str| {
        json!({
            "category": "medical-question",
            "subject": "About this",
            "message": "What does it mean?",
            "about": {"kind": kind, "id": id},
        })
    };
    let start_about = |kind: &'static str, id: String| {
        app.send(
            Method::POST,
            &path,
            Some(&patient.actor),
            Some(about(kind, &id)),
        )
    };
    for (kind, id) in [("record", record.as_str()), ("appointment", &appointment)] {
        let started = start_about(kind, id.to_owned()).await;
        assert_eq!(started.status, 201, "{started:#?}");
        assert_eq!(
            started.body["conversation"]["about"],
            json!({"kind": kind, "id": id})
        );
    }
    // Well-formed ids of nothing in this patient's partition, and ids of the other kind.
    let nowhere_record = "0123456789abcdef0123456789abcdef";
    let nowhere_appointment = portal_shared::domain::ids::AppointmentId::generate().to_string();
    for (kind, id) in [
        ("record", nowhere_record),
        ("appointment", nowhere_appointment.as_str()),
        ("appointment", record.as_str()),
        ("record", appointment.as_str()),
    ] {
        let refused = start_about(kind, id.to_owned()).await;
        assert_problem(&refused, 422, Some("about"));
    }
    // Another patient's appointment is not this patient's.
    let other = app.new_patient().await;
    let refused = app
        .send(
            Method::POST,
            &conversations_path(&other),
            Some(&other.actor),
            Some(about("appointment", &appointment)),
        )
        .await;
    assert_problem(&refused, 422, Some("about"));

    // A caregiver may point only at what their grant lets them see: without the records scope
    // an existing record is answered like a missing one (and the try is in the access log).
    let carer = app.new_staff("carer-about", &["caregivers"]).await;
    app.grant(&patient.id, &carer, &[Scope::Messages], GrantState::Active)
        .await;
    let carer_starts_about_the_record = || {
        app.send(
            Method::POST,
            &path,
            Some(&carer),
            Some(about("record", &record)),
        )
    };
    let refused = carer_starts_about_the_record().await;
    assert_problem(&refused, 422, Some("about"));
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "records.read"
            && e["actorSub"] == carer.sub.as_str()
            && e["outcome"] == "denied"),
        "{events:#?}"
    );
    app.grant(
        &patient.id,
        &carer,
        &[Scope::Messages, Scope::Records],
        GrantState::Active,
    )
    .await;
    let started = carer_starts_about_the_record().await;
    assert_eq!(started.status, 201, "{started:#?}");
    let list = app.get(&path, &patient.actor).await;
    assert_eq!(
        list.body["items"].as_array().map(Vec::len),
        Some(3),
        "{list:#?}"
    );
}
