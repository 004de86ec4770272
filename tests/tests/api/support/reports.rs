//! Reporting a problem: patients, caregivers acting for them and staff file reports, follow
//! their own (never anyone else's) and reply to the team.
//!
//! Every test files with patients and staff of its own, so lists are counted exactly.

use std::collections::BTreeSet;

use futures::future::join_all;
use portal_shared::policy::authz::Scope;
use portal_tests::{GrantState, Method, Patient, Reply, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

/// The keys a reporter's view has, and nothing else (no notes, severity, assignee, subs).
const REPORTER_VIEW_KEYS: [&str; 9] = [
    "appVersion",
    "createdAt",
    "feature",
    "page",
    "reportId",
    "status",
    "timeline",
    "updatedAt",
    "whatHappened",
];

fn keys_of(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("an object: {value:#?}"))
        .keys()
        .map(String::as_str)
        .collect()
}

#[track_caller]
fn assert_reporter_view(view: &Value) {
    assert_eq!(
        keys_of(view),
        REPORTER_VIEW_KEYS.into_iter().collect(),
        "the reporter's view: {view:#?}"
    );
    let text = view.to_string();
    for hidden in [
        "severity", "assignee", "\"by\"", "note", "switches", "version",
    ] {
        assert!(
            !text.contains(hidden),
            "{hidden} shown to a reporter: {text}"
        );
    }
}

async fn list(app: &TestApp, path: &str, who: &portal_tests::Actor) -> Reply {
    app.get(path, who).await
}

/// The ids listed at `path` (first page, up to 100), newest first.
async fn listed_ids(app: &TestApp, path: &str, who: &portal_tests::Actor) -> Vec<String> {
    let reply = list(app, &format!("{path}?limit=100"), who).await;
    assert_eq!(reply.status, 200, "{path}: {reply:#?}");
    reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| id_of(item, "reportId"))
        .collect()
}

#[tokio::test]
async fn a_patient_files_a_report_once_per_key_and_follows_it() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = patient_reports_path(&patient.id);
    let body = json!({
        "whatHappened": "  The send button does nothing.\r\nTried twice.  ",
        "page": "/p/messages/new",
        "feature": "messaging",
        "appVersion": "1.4.2+web",
    });
    let key = ulid::Ulid::generate().to_string();
    let created = app
        .send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let report = &created.body;
    let id = id_of(report, "reportId");
    assert_eq!(
        created.header("location"),
        Some(patient_report_path(&patient.id, &id))
    );
    assert_eq!(created.header("etag"), Some(etag(1)));
    assert_reporter_view(report);
    assert_eq!(
        report["whatHappened"],
        "The send button does nothing.\nTried twice."
    );
    assert_eq!(report["page"], "/p/messages/new");
    assert_eq!(report["feature"], "messaging");
    assert_eq!(report["appVersion"], "1.4.2+web");
    assert_eq!(report["status"], "new");
    let timeline = report["timeline"].as_array().expect("timeline");
    assert_eq!(timeline.len(), 1, "{report:#?}");
    assert_eq!(timeline[0]["kind"], "filed");
    assert_eq!(timeline[0]["from"], "you");

    // A retry answers the first response; the key with another body is 422.
    let again = app
        .send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            body,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(again.status, 201, "{again:#?}");
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body, created.body);
    let reused = app
        .send_with_headers(
            Method::POST,
            &path,
            &patient.actor,
            new_report_body("Something else"),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_problem(&reused, 422, None);

    // One report (the retry wrote nothing), read back as filed.
    assert_eq!(
        listed_ids(app, &path, &patient.actor).await,
        std::slice::from_ref(&id)
    );
    let read = app
        .get(&patient_report_path(&patient.id, &id), &patient.actor)
        .await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.body, created.body);

    // The team sees who filed it, the switches captured at filing and the targets.
    let team = team_report(app, &id).await;
    assert_eq!(
        team["reporter"],
        json!({"kind": "patient", "sub": patient.actor.sub, "patientId": patient.id})
    );
    let switches = team["switches"].as_array().expect("switches");
    assert!(
        switches
            .iter()
            .any(|s| s == &json!({"feature": "problem-reports", "on": true})),
        "{team:#?}"
    );
    assert!(
        switches
            .iter()
            .all(|s| keys_of(s) == ["feature", "on"].into()),
        "{team:#?}"
    );
    assert!(team["severity"].is_null(), "{team:#?}");
    assert!(team["assignee"].is_null(), "{team:#?}");
    assert_eq!(team["duplicates"], json!([]));
    assert_eq!(team["version"], 1);
    let due = team["targets"]["firstResponseDue"]
        .as_str()
        .expect("a first response due");
    assert!(
        due > report["createdAt"].as_str().expect("createdAt"),
        "{team:#?}"
    );
    assert!(team["targets"]["firstRespondedAt"].is_null(), "{team:#?}");
    assert_eq!(team["targets"]["breached"], false);
}

#[tokio::test]
async fn the_same_key_at_once_files_one_report() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = patient_reports_path(&patient.id);
    let key = ulid::Ulid::generate().to_string();
    let body = new_report_body("The page froze");
    let headers = [("Idempotency-Key", key.as_str())];
    let replies = join_all((0..4).map(|_| {
        app.send_with_headers(Method::POST, &path, &patient.actor, body.clone(), &headers)
    }))
    .await;
    assert!(replies.iter().all(|r| r.status == 201), "{replies:#?}");
    let ids: BTreeSet<String> = replies.iter().map(|r| id_of(&r.body, "reportId")).collect();
    assert_eq!(ids.len(), 1, "{replies:#?}");
    assert_eq!(
        listed_ids(app, &path, &patient.actor).await,
        ids.into_iter().collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn bad_reports_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let valid = new_report_body("Valid");
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = valid.clone();
        body.as_object_mut().expect("object").remove(field);
        body
    };
    let cases = [
        (with("whatHappened", json!("")), "whatHappened"),
        (with("whatHappened", json!("   \n ")), "whatHappened"),
        (
            with("whatHappened", json!("x".repeat(4001))),
            "whatHappened",
        ),
        (with("whatHappened", json!(42)), "whatHappened"),
        (without("whatHappened"), "whatHappened"),
        (with("page", json!("")), "page"),
        (with("page", json!("p/messages")), "page"),
        (with("page", json!("/p/messages?id=1")), "page"),
        (with("page", json!("/p/messages#top")), "page"),
        (with("page", json!(format!("/{}", "a".repeat(200)))), "page"),
        (without("page"), "page"),
        (with("feature", json!("teleport")), "feature"),
        (with("appVersion", json!("")), "appVersion"),
        (with("appVersion", json!("1.0 beta")), "appVersion"),
        (with("appVersion", json!("1".repeat(41))), "appVersion"),
        (without("appVersion"), "appVersion"),
        (with("switches", json!([])), "switches"),
        (with("status", json!("resolved")), "status"),
    ];
    for (body, field) in cases {
        let reply = file_for(app, &patient.id, &patient.actor, body.clone()).await;
        assert_problem(&reply, 422, Some(field));
        assert!(reply.body.to_string().len() < 5000, "no echo of the body");
    }
    // Not JSON at all.
    let garbled = app
        .send_raw(
            Method::POST,
            &patient_reports_path(&patient.id),
            &patient.actor,
            "application/json",
            "{not json",
        )
        .await;
    assert!(matches!(garbled.status, 400 | 422), "{garbled:#?}");
    // A page at most 200 characters long is fine; no feature is fine.
    let longest = with("page", json!(format!("/{}", "a".repeat(199))));
    let reply = file_for(app, &patient.id, &patient.actor, longest).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let reply = file_for(app, &patient.id, &patient.actor, without("feature")).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert!(reply.body["feature"].is_null(), "{reply:#?}");

    // Only the two valid ones were written.
    let ids = listed_ids(app, &patient_reports_path(&patient.id), &patient.actor).await;
    assert_eq!(ids.len(), 2, "{ids:#?}");

    // A staff member's report is checked the same way.
    let staff = app.new_staff("reporter", &["clinicians"]).await;
    let reply = app
        .send(
            Method::POST,
            ACCOUNT_REPORTS,
            Some(&staff),
            Some(with("page", json!("/staff/inbox?x=1"))),
        )
        .await;
    assert_problem(&reply, 422, Some("page"));
    assert!(listed_ids(app, ACCOUNT_REPORTS, &staff).await.is_empty());
}

#[tokio::test]
async fn a_patients_reports_are_listed_newest_first_a_page_at_a_time() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(id_of(
            &filed(app, &patient, &format!("Problem {n}")).await,
            "reportId",
        ));
    }
    ids.reverse();
    let path = patient_reports_path(&patient.id);
    let first = list(app, &format!("{path}?limit=2"), &patient.actor).await;
    assert_eq!(first.status, 200, "{first:#?}");
    let page: Vec<String> = first.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| id_of(i, "reportId"))
        .collect();
    assert_eq!(page, ids[..2]);
    let cursor = first.body["nextCursor"].as_str().expect("a next page");
    let second = list(
        app,
        &format!("{path}?limit=2&cursor={cursor}"),
        &patient.actor,
    )
    .await;
    assert_eq!(second.status, 200, "{second:#?}");
    let page: Vec<String> = second.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| id_of(i, "reportId"))
        .collect();
    assert_eq!(page, ids[2..]);
    assert!(second.body["nextCursor"].is_null(), "{second:#?}");

    for query in ["?limit=0", "?limit=1000", "?limit=x"] {
        let reply = list(app, &format!("{path}{query}"), &patient.actor).await;
        assert_problem(&reply, 422, Some("limit"));
    }
    let reply = list(app, &format!("{path}?cursor=not-a-cursor"), &patient.actor).await;
    assert_problem(&reply, 422, Some("cursor"));
}

#[tokio::test]
async fn nobody_reads_or_answers_a_report_they_did_not_file() {
    let app = spawn_app().await;
    let owner = app.new_patient().await;
    let other = app.new_patient().await;
    let report = id_of(&filed(app, &owner, "Only mine").await, "reportId");
    let reply_body = json!({"text": "Me too"});

    // Another patient: not in their context (404 on both patients' paths).
    for patient_id in [&owner.id, &other.id] {
        let read = app
            .get(&patient_report_path(patient_id, &report), &other.actor)
            .await;
        assert_problem(&read, 404, None);
        let replied = app
            .send(
                Method::POST,
                &format!("{}/replies", patient_report_path(patient_id, &report)),
                Some(&other.actor),
                Some(reply_body.clone()),
            )
            .await;
        assert_problem(&replied, 404, None);
    }
    // A foreign patient's list and filing: 404, nothing written.
    assert_problem(
        &app.get(&patient_reports_path(&owner.id), &other.actor)
            .await,
        404,
        None,
    );
    let foreign = file_for(app, &owner.id, &other.actor, new_report_body("Sneaky")).await;
    assert_problem(&foreign, 404, None);
    // A caregiver without a grant: 404 too.
    assert_problem(
        &app.get(&patient_reports_path(&owner.id), &app.caregiver)
            .await,
        404,
        None,
    );

    // A caregiver acting for the patient files their own; each sees only what they filed.
    let invitation = app.invite_caregiver(&owner.id, &owner.actor).await;
    let carer = app.accept_as_new_caregiver(&invitation).await;
    let carers = filed_by(app, &owner.id, &carer, "Filed by the carer").await;
    let carers = id_of(&carers, "reportId");
    assert_eq!(
        listed_ids(app, &patient_reports_path(&owner.id), &owner.actor).await,
        std::slice::from_ref(&report)
    );
    assert_eq!(
        listed_ids(app, &patient_reports_path(&owner.id), &carer).await,
        std::slice::from_ref(&carers)
    );
    assert_problem(
        &app.get(&patient_report_path(&owner.id, &report), &carer)
            .await,
        404,
        None,
    );
    assert_problem(
        &app.get(&patient_report_path(&owner.id, &carers), &owner.actor)
            .await,
        404,
        None,
    );
    let team = team_report(app, &carers).await;
    assert_eq!(team["reporter"]["kind"], "caregiver");
    assert_eq!(team["reporter"]["sub"], carer.sub.as_str());
    assert_eq!(team["reporter"]["patientId"], owner.id.as_str());
    // The team's answer tells the caregiver at their own address, not the patient.
    let answered = answer(app, &carers, json!({"text": "Thanks, looking"})).await;
    assert_eq!(answered.status, 201, "{answered:#?}");
    let records = told(app, &carers).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["recipient"]["kind"], "account", "{records:#?}");
    assert_eq!(records[0]["recipient"]["sub"], carer.sub.as_str());
    assert_eq!(records[0]["recipient"]["email"], invitation.email.as_str());

    // Unknown and malformed ids: 404.
    for id in [ulid::Ulid::generate().to_string(), "not-an-id".to_owned()] {
        let read = app
            .get(&patient_report_path(&owner.id, &id), &owner.actor)
            .await;
        assert_problem(&read, 404, None);
    }
}

/// A caregiver whose grant holds only what the authorizer reads (written as the matrix writes
/// grants, with no invitation behind it) files like any other. With no address of theirs known,
/// nobody is told by message (the patient did not file it and could not open it): the caregiver
/// follows it in the app.
#[tokio::test]
async fn a_caregiver_under_a_bare_grant_files_and_follows_it_in_the_app() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let carer = app.new_staff("carer", &["caregivers"]).await;
    app.grant(&patient.id, &carer, &[Scope::Billing], GrantState::Active)
        .await;
    let filed = file_for(app, &patient.id, &carer, new_report_body("Bare grant")).await;
    assert_eq!(filed.status, 201, "{filed:#?}");
    let report = id_of(&filed.body, "reportId");
    let answered = answer(app, &report, json!({"text": "Thanks"})).await;
    assert_eq!(answered.status, 201, "{answered:#?}");
    let records = told(app, &report).await;
    assert!(records.is_empty(), "{records:#?}");
    let view = app
        .get(
            &format!("/patients/{}/reports/{report}", patient.id),
            &carer,
        )
        .await;
    assert_eq!(view.status, 200, "{view:#?}");
    assert_eq!(
        view.body["timeline"].as_array().map(Vec::len),
        Some(2),
        "{view:#?}"
    );
}

#[tokio::test]
async fn the_reporter_replies_and_sees_the_teams_answers_but_not_its_notes() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let report = id_of(
        &filed(app, &patient, "Can't attach a photo").await,
        "reportId",
    );
    let path = patient_report_path(&patient.id, &report);

    let note = app
        .send(
            Method::POST,
            &format!("{}/notes", team_path(&report)),
            Some(&app.response_team),
            Some(json!({"text": "Internal: S3 upload errors since 9am"})),
        )
        .await;
    assert_eq!(note.status, 201, "{note:#?}");
    let answered = answer(app, &report, json!({"text": "Which phone do you use?"})).await;
    assert_eq!(answered.status, 201, "{answered:#?}");

    let replied = app
        .send(
            Method::POST,
            &format!("{path}/replies"),
            Some(&patient.actor),
            Some(json!({"text": "  An old Android.  "})),
        )
        .await;
    assert_eq!(replied.status, 201, "{replied:#?}");
    let view = &replied.body;
    assert_reporter_view(view);
    assert!(!view.to_string().contains("S3 upload"), "{view:#?}");
    let replies = entries(view, "reply");
    assert_eq!(replies.len(), 2, "{view:#?}");
    assert_eq!(replies[0]["from"], "team");
    assert_eq!(replies[0]["text"], "Which phone do you use?");
    assert_eq!(replies[1]["from"], "you");
    assert_eq!(replies[1]["text"], "An old Android.");
    assert!(entries(view, "note").is_empty());
    assert_eq!(app.get(&path, &patient.actor).await.body, *view);

    // The team sees the reply, by the patient.
    let team = team_report(app, &report).await;
    let replies = entries(&team, "reply");
    assert_eq!(replies.len(), 2, "{team:#?}");
    assert_eq!(replies[1]["by"], patient.actor.sub.as_str());

    // A bad reply: named, nothing written.
    for body in [
        json!({}),
        json!({"text": ""}),
        json!({"text": "  "}),
        json!({"text": "x".repeat(4001)}),
    ] {
        let reply = app
            .send(
                Method::POST,
                &format!("{path}/replies"),
                Some(&patient.actor),
                Some(body),
            )
            .await;
        assert_problem(&reply, 422, Some("text"));
    }
    let stray = app
        .send(
            Method::POST,
            &format!("{path}/replies"),
            Some(&patient.actor),
            Some(json!({"text": "Hi", "status": "resolved"})),
        )
        .await;
    assert_problem(&stray, 422, Some("status"));
    assert_eq!(entries(&team_report(app, &report).await, "reply").len(), 2);
}

#[tokio::test]
async fn staff_file_and_follow_their_own_reports() {
    let app = spawn_app().await;
    let clinician = app.new_staff("reporter", &["clinicians"]).await;
    let colleague = app.new_staff("colleague", &["clinicians"]).await;
    let created = app
        .send(
            Method::POST,
            ACCOUNT_REPORTS,
            Some(&clinician),
            Some(new_report_body("The inbox counts are wrong")),
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    let id = id_of(&created.body, "reportId");
    assert_eq!(created.header("location"), Some(account_report_path(&id)));
    assert_eq!(created.header("etag"), Some(etag(1)));
    assert_reporter_view(&created.body);

    assert_eq!(
        listed_ids(app, ACCOUNT_REPORTS, &clinician).await,
        std::slice::from_ref(&id)
    );
    assert!(
        listed_ids(app, ACCOUNT_REPORTS, &colleague)
            .await
            .is_empty()
    );
    let read = app.get(&account_report_path(&id), &clinician).await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.body, created.body);
    assert_problem(
        &app.get(&account_report_path(&id), &colleague).await,
        404,
        None,
    );
    let replied = app
        .send(
            Method::POST,
            &format!("{}/replies", account_report_path(&id)),
            Some(&colleague),
            Some(json!({"text": "Not mine"})),
        )
        .await;
    assert_problem(&replied, 404, None);
    let replied = app
        .send(
            Method::POST,
            &format!("{}/replies", account_report_path(&id)),
            Some(&clinician),
            Some(json!({"text": "Still wrong today"})),
        )
        .await;
    assert_eq!(replied.status, 201, "{replied:#?}");
    assert_eq!(entries(&replied.body, "reply").len(), 1);

    let team = team_report(app, &id).await;
    assert_eq!(team["reporter"]["kind"], "staff");
    assert_eq!(team["reporter"]["sub"], clinician.sub.as_str());
    assert!(
        team["reporter"].get("patientId").is_none_or(Value::is_null),
        "{team:#?}"
    );

    // A staff report filed in a patient's context is not the staff member's to file there.
    let patient = app.new_patient().await;
    let in_context = file_for(app, &patient.id, &clinician, new_report_body("Here")).await;
    assert_problem(&in_context, 403, None);
}

#[tokio::test]
async fn each_reporter_route_wants_its_caller() {
    let app = spawn_app().await;
    let patient: Patient = app.new_patient().await;
    let report = id_of(&filed(app, &patient, "Who may see this").await, "reportId");
    let staff_report = id_of(
        &staff_filed(app, &app.front_desk, "Staff side").await,
        "reportId",
    );
    let patient_routes = [
        (
            Method::POST,
            patient_reports_path(&patient.id),
            Some(new_report_body("x")),
        ),
        (Method::GET, patient_reports_path(&patient.id), None),
        (Method::GET, patient_report_path(&patient.id, &report), None),
        (
            Method::POST,
            format!("{}/replies", patient_report_path(&patient.id, &report)),
            Some(json!({"text": "x"})),
        ),
    ];
    let account_routes = [
        (
            Method::POST,
            ACCOUNT_REPORTS.to_owned(),
            Some(new_report_body("x")),
        ),
        (Method::GET, ACCOUNT_REPORTS.to_owned(), None),
        (Method::GET, account_report_path(&staff_report), None),
        (
            Method::POST,
            format!("{}/replies", account_report_path(&staff_report)),
            Some(json!({"text": "x"})),
        ),
    ];
    for (method, path, body) in patient_routes.iter().chain(account_routes.iter()) {
        let anonymous = app.send(method.clone(), path, None, body.clone()).await;
        assert_eq!(anonymous.status, 401, "{method} {path}: {anonymous:#?}");
    }
    // Staff do not report in a patient's context; patients and caregivers have no staff account.
    for (method, path, body) in &patient_routes {
        for who in [&app.clinician, &app.response_team, &app.portal_lead] {
            let reply = app
                .send(method.clone(), path, Some(who), body.clone())
                .await;
            assert_problem(&reply, 403, None);
        }
    }
    for (method, path, body) in &account_routes {
        for who in [&patient.actor, &app.caregiver] {
            let reply = app
                .send(method.clone(), path, Some(who), body.clone())
                .await;
            assert_problem(&reply, 403, None);
        }
    }
}

/// The authorisation matrix's requests for the reporter routes: a report the patient filed
/// (patient routes), a report the portal lead filed (account routes).
pub async fn matrix_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<(Method, String, Option<Value>, Option<String>)> {
    let request = match route {
        ("POST", "/patients/{patientId}/reports") => (
            Method::POST,
            patient_reports_path(&patient.id),
            Some(new_report_body("Matrix")),
        ),
        ("GET", "/patients/{patientId}/reports") => {
            (Method::GET, patient_reports_path(&patient.id), None)
        }
        ("GET", "/patients/{patientId}/reports/{reportId}") => {
            let report = id_of(&filed(app, patient, "Matrix").await, "reportId");
            (Method::GET, patient_report_path(&patient.id, &report), None)
        }
        ("POST", "/patients/{patientId}/reports/{reportId}/replies") => {
            let report = id_of(&filed(app, patient, "Matrix").await, "reportId");
            (
                Method::POST,
                format!("{}/replies", patient_report_path(&patient.id, &report)),
                Some(json!({"text": "Matrix reply"})),
            )
        }
        ("POST", "/account/reports") => (
            Method::POST,
            ACCOUNT_REPORTS.to_owned(),
            Some(new_report_body("Matrix")),
        ),
        ("GET", "/account/reports") => (Method::GET, ACCOUNT_REPORTS.to_owned(), None),
        ("GET", "/account/reports/{reportId}") => {
            let report = id_of(
                &staff_filed(app, &app.portal_lead, "Matrix").await,
                "reportId",
            );
            (Method::GET, account_report_path(&report), None)
        }
        ("POST", "/account/reports/{reportId}/replies") => {
            let report = id_of(
                &staff_filed(app, &app.portal_lead, "Matrix").await,
                "reportId",
            );
            (
                Method::POST,
                format!("{}/replies", account_report_path(&report)),
                Some(json!({"text": "Matrix reply"})),
            )
        }
        _ => return None,
    };
    let (method, path, body) = request;
    Some((method, path, body, None))
}
