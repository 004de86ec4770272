//! Feature switches at the API: a feature that is off answers one `feature-off` problem (403) on
//! every route it owns, and only there; a foreign patient still gets 404, never `feature-off`;
//! a rules switch opens a feature to its cohort (and to staff roles, and a percentage) and keeps
//! everyone else out; the uses it lets through are counted for adoption.
//!
//! Why these tests run on a stack of their own: a switch is global, and the suites share one
//! stack and run at the same time. Any switch state that is not "on for everyone" changes the
//! answers other suites get (mode `off` and the kill switch for everyone, a rules switch for
//! everyone outside its cohort), and the rules cannot turn a feature off for a single test
//! patient only: a percentage below 100 leaves some of the other suites' random patients out.
//! So this module runs on a stack of its own (`spawn_own_stack("switches")`: its own emulator,
//! tables, user pool and gateway, with `FeatureSwitchRefreshSeconds` 0 so a written switch is
//! seen by the next request), reached only from here (the matrix and the route events change
//! switches on `spawn_switchboard`'s). Its tests take turns ([`SwitchStack::turn`]),
//! and each writes the switch state it needs before it looks. The shared stack never holds a
//! switch item, so no other suite can see a feature off. A few seconds of start-up, once.
//!
//! The switches are written straight into the table as the rollout function stores them (its
//! routes are tested in their own suite); the evaluation itself is unit-tested in the shared
//! crate (`features::switches`, `platform::feature_gate`).

use std::collections::BTreeSet;

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::features::switches::{Feature, Mode, Switch, SwitchRules};
use portal_shared::platform::feature_gate::day_in;
use portal_shared::platform::http::Route;
use portal_shared::platform::keys;
use portal_shared::policy::caller::{Role, UserSub};
use portal_tests::{Actor, Method, Patient, Reply, TestApp, spawn_own_stack};
use serde_json::{Value, json};
use tokio::sync::{Mutex, MutexGuard};

/// The switch tests' own stack and the clinician who answers on it.
struct SwitchStack {
    app: &'static TestApp,
    clinician: Actor,
}

static TURN: Mutex<()> = Mutex::const_new(());

async fn switch_stack() -> SwitchStack {
    let app = spawn_own_stack("switches").await;
    SwitchStack {
        app,
        clinician: app.clinician.clone(),
    }
}

impl SwitchStack {
    /// One test at a time: each sets the switches it needs and looks at the answers.
    async fn turn(&self) -> MutexGuard<'static, ()> {
        TURN.lock().await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        who: &Actor,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Reply {
        match if_match {
            Some(tag) => {
                self.app
                    .send_with_headers(
                        method,
                        path,
                        who,
                        body.unwrap_or_default(),
                        &[("If-Match", tag)],
                    )
                    .await
            }
            None => self.app.send(method, path, Some(who), body).await,
        }
    }

    async fn get(&self, path: &str, who: &Actor) -> Reply {
        self.app.get(path, who).await
    }

    /// Registers a patient (as front desk) and gives them a sign-in.
    async fn new_patient(&self) -> Patient {
        self.app.new_patient().await
    }

    /// Writes `feature`'s switch as the rollout function stores it.
    async fn set_switch(&self, feature: Feature, rules: SwitchRules) {
        let switch = Switch {
            feature,
            rules,
            version: 1,
            updated_at: Timestamp::now(),
            updated_by: UserSub::parse("switch-tests").expect("sub"),
        };
        let mut item: portal_shared::platform::store::Item =
            serde_dynamo::to_item(&switch).expect("switch item");
        item.extend(keys::feature_switch(feature).attributes());
        self.app.put_app_item(item).await;
    }

    /// Removes `feature`'s switch: on for everyone again.
    async fn remove_switch(&self, feature: Feature) {
        self.app
            .on_stack(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                stack
                    .dynamodb()
                    .delete_item()
                    .table_name(table)
                    .set_key(Some(keys::feature_switch(feature).attributes()))
                    .send()
                    .await?;
                Ok(())
            })
            .await
            .expect("removing a switch");
    }

    /// Puts `patient` in `cohort` as the rollout function does: both halves of the membership.
    async fn add_to_cohort(&self, cohort: &CohortName, patient: &Patient) {
        let id = PatientId::parse(&patient.id).expect("patient id");
        let now = AttributeValue::S(Timestamp::now().to_string());
        for (key, extra) in [
            (
                keys::cohort_member(cohort, id),
                ("patientId", AttributeValue::S(id.to_string())),
            ),
            (
                keys::patient_cohort(id, cohort),
                ("cohort", AttributeValue::S(cohort.to_string())),
            ),
        ] {
            let mut item = key.attributes();
            item.insert("addedAt".into(), now.clone());
            item.insert(extra.0.into(), extra.1);
            self.app.put_app_item(item).await;
        }
    }

    /// Today in the zone the messages function counts its days in.
    fn messages_day(&self) -> String {
        let env = self
            .app
            .stack()
            .env_for("MessagesFunction")
            .expect("the messages function's environment");
        let zone = env
            .get("PRACTICE_TIME_ZONE")
            .map(|name| jiff::tz::TimeZone::get(name).expect("zone"))
            .unwrap_or(jiff::tz::TimeZone::UTC);
        day_in(&zone, Timestamp::now())
    }

    /// An adoption counter's value (0 when it was never added to).
    async fn counter(&self, day: &str, cohort: Option<&CohortName>, metric: &str) -> i64 {
        self.app
            .app_item(keys::adoption_counter(day, cohort, metric))
            .await
            .and_then(|item| item.get("n").cloned())
            .and_then(|n| n.as_n().ok().and_then(|n| n.parse().ok()))
            .unwrap_or(0)
    }

    /// The audit events in a patient's partition.
    async fn audit_events(&self, patient: &Patient) -> Vec<Value> {
        self.app.audit_events(&patient.id).await
    }
}

fn off() -> SwitchRules {
    SwitchRules {
        mode: Mode::Off,
        ..SwitchRules::default()
    }
}

fn rules(cohorts: &[&CohortName], percentage: u8, staff_roles: &[Role]) -> SwitchRules {
    SwitchRules {
        mode: Mode::Rules,
        cohorts: cohorts.iter().map(|c| (*c).clone()).collect(),
        percentage,
        staff_roles: staff_roles.to_vec(),
        killed: false,
    }
}

/// Checks the `feature-off` problem naming `feature`; returns it without its request id, to
/// compare problems across routes.
#[track_caller]
fn assert_feature_off(reply: &Reply, feature: Feature, what: &str) -> Value {
    assert_eq!(reply.status, 403, "{what}: {reply:#?}");
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/problem+json"),
        "{what}: {reply:#?}"
    );
    assert_eq!(
        reply.body["type"], "https://patient-portal.dev/problems/feature-off",
        "{what}: {reply:#?}"
    );
    assert_eq!(reply.body["title"], "This feature is not available");
    assert_eq!(reply.body["feature"], feature.as_str(), "{what}");
    assert!(
        reply.body["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains(feature.as_str())),
        "{what}: {reply:#?}"
    );
    let mut problem = reply.body.clone();
    problem
        .as_object_mut()
        .expect("a problem object")
        .remove("requestId");
    problem
}

/// A route's path with its parameters filled: the patient, and a fresh id for anything else
/// (the gate answers before the object is looked up).
fn fill(route: Route, patient: &Patient) -> String {
    route
        .path
        .split('/')
        .map(|segment| match segment {
            "{patientId}" => patient.id.clone(),
            // A topic's id is a lowercase slug: a well-formed one, in no library.
            "{topicId}" => ulid::Ulid::generate().to_string().to_lowercase(),
            s if s.starts_with('{') => ulid::Ulid::generate().to_string(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
        + if route.path.starts_with("/staff/inbox") && !route.path.ends_with("counts") {
            "?category=medical-question"
        } else {
            ""
        }
}

/// Every function's table of the routes its features own.
fn feature_routes() -> Vec<(&'static str, &'static [(Route, Feature)])> {
    vec![
        ("messages", portal_messages::FEATURE_ROUTES),
        ("records", portal_records::FEATURE_ROUTES),
        ("appointments", portal_appointments::FEATURE_ROUTES),
        ("care-circle", portal_care_circle::FEATURE_ROUTES),
        ("feedback", portal_feedback::FEATURE_ROUTES),
        ("support", portal_support::FEATURE_ROUTES),
        ("refills", portal_refills::FEATURE_ROUTES),
        ("education", portal_education::FEATURE_ROUTES),
    ]
}

#[tokio::test]
async fn every_route_a_switched_off_feature_owns_answers_one_problem_and_no_other_route_does() {
    let stack = switch_stack().await;
    let _turn = stack.turn().await;
    let patient = stack.new_patient().await;
    for feature in Feature::ALL {
        stack.set_switch(*feature, off()).await;
    }
    let mut claimed = BTreeSet::new();
    for (function, routes) in feature_routes() {
        for feature in Feature::ALL {
            let mut problems = Vec::new();
            for (route, _) in routes.iter().filter(|(_, owner)| owner == feature) {
                assert!(
                    claimed.insert((route.method, route.path)),
                    "{} {} is claimed twice",
                    route.method,
                    route.path
                );
                // Staff work lists and the staff-only change of a conversation: as staff, whom
                // `off` refuses too.
                let who = if route.path.starts_with("/staff/")
                    || *route == portal_messages::UPDATE_CONVERSATION
                {
                    &stack.clinician
                } else {
                    &patient.actor
                };
                let method = Method::from_bytes(route.method.as_bytes()).expect("method");
                let body = (route.method != "GET").then(|| json!({}));
                let reply = stack
                    .send(method, &fill(*route, &patient), who, body, Some("\"1\""))
                    .await;
                let what = format!("{function}: {} {}", route.method, route.path);
                problems.push(assert_feature_off(&reply, *feature, &what));
            }
            problems.dedup();
            assert!(
                problems.len() <= 1,
                "one problem per feature: {problems:#?}"
            );
        }
    }
    // Every feature owns some route.
    for feature in Feature::ALL {
        assert!(
            feature_routes()
                .iter()
                .any(|(_, routes)| routes.iter().any(|(_, owner)| owner == feature)),
            "{feature} owns no route"
        );
    }

    // The routes no feature owns answer as always, with every switch off.
    for path in [
        format!("/patients/{}/appointments", patient.id),
        format!("/patients/{}/records", patient.id),
        format!("/patients/{}/care-circle", patient.id),
        "/providers".to_owned(),
        "/visit-types".to_owned(),
    ] {
        let reply = stack.get(&path, &patient.actor).await;
        assert_eq!(reply.status, 200, "{path}: {reply:#?}");
    }
    // A patient can always cancel (the gate never looks at this route: the appointment is
    // simply not there).
    let cancel = stack
        .send(
            Method::POST,
            &format!(
                "/patients/{}/appointments/{}/cancel",
                patient.id,
                ulid::Ulid::generate()
            ),
            &patient.actor,
            Some(json!({})),
            None,
        )
        .await;
    assert_eq!(cancel.status, 404, "{cancel:#?}");

    for feature in Feature::ALL {
        stack.remove_switch(*feature).await;
    }
}

/// One request to a messages route, as the one who would make it.
struct MessagesCall {
    route: Route,
    path: String,
    body: Option<Value>,
    /// Staff make it (the inboxes, the change of a conversation); else the patient.
    as_staff: bool,
}

impl MessagesCall {
    async fn send(&self, stack: &SwitchStack, patient: &Patient, thread: &str) -> Reply {
        let who = if self.as_staff {
            &stack.clinician
        } else {
            &patient.actor
        };
        // The change of a conversation needs its current version (read as staff).
        let etag = if self.route == portal_messages::UPDATE_CONVERSATION {
            stack
                .get(&format!("{thread}/messages"), &stack.clinician)
                .await
                .header("etag")
        } else {
            None
        };
        let method = Method::from_bytes(self.route.method.as_bytes()).expect("method");
        stack
            .send(method, &self.path, who, self.body.clone(), etag.as_deref())
            .await
    }
}

fn messages_calls(base: &str, thread: &str) -> Vec<MessagesCall> {
    use portal_messages::*;
    let call = |route: Route, path: String, body: Option<Value>, as_staff: bool| MessagesCall {
        route,
        path,
        body,
        as_staff,
    };
    vec![
        call(
            START_CONVERSATION,
            base.to_owned(),
            Some(json!({"category": "medical-question", "subject": "Again", "message": "Hello"})),
            false,
        ),
        call(LIST_CONVERSATIONS, base.to_owned(), None, false),
        call(READ_MESSAGES, format!("{thread}/messages"), None, false),
        call(
            SEND_MESSAGE,
            format!("{thread}/messages"),
            Some(json!({"message": "Still there?"})),
            false,
        ),
        call(MARK_READ, format!("{thread}/read"), None, false),
        call(
            UPDATE_CONVERSATION,
            thread.to_owned(),
            Some(json!({"assignee": "me"})),
            true,
        ),
        call(
            INBOX,
            "/staff/inbox?category=medical-question".into(),
            None,
            true,
        ),
        call(INBOX_COUNTS, "/staff/inbox/counts".into(), None, true),
        call(INBOX_MINE, "/staff/inbox/mine".into(), None, true),
        call(
            COLLEAGUES,
            "/staff/colleagues?category=medical-question".into(),
            None,
            true,
        ),
    ]
}

#[tokio::test]
async fn messaging_switched_off_answers_feature_off_for_its_own_patient_and_404_for_others() {
    let stack = switch_stack().await;
    let _turn = stack.turn().await;
    stack.remove_switch(Feature::Messaging).await;
    let patient = stack.new_patient().await;
    let stranger = stack.new_patient().await;
    let started = stack
        .send(
            Method::POST,
            &format!("/patients/{}/conversations", patient.id),
            &patient.actor,
            Some(json!({
                "category": "medical-question",
                "subject": "Switches",
                "message": "Is messaging on?"
            })),
            None,
        )
        .await;
    assert_eq!(started.status, 201, "{started:#?}");
    let conversation = started.body["conversation"]["conversationId"]
        .as_str()
        .expect("conversationId")
        .to_owned();
    let base = format!("/patients/{}/conversations", patient.id);
    let thread = format!("{base}/{conversation}");

    // Every route of the messages function, as the one who would use it.
    let calls = messages_calls(&base, &thread);
    let covered: BTreeSet<_> = calls
        .iter()
        .map(|call| (call.route.method, call.route.path))
        .collect();
    let all: BTreeSet<_> = portal_messages::ROUTES
        .iter()
        .map(|route| (route.method, route.path))
        .collect();
    assert_eq!(covered, all, "every messages route is tried");

    stack.set_switch(Feature::Messaging, off()).await;
    let mut problems = Vec::new();
    for call in &calls {
        let reply = call.send(&stack, &patient, &thread).await;
        problems.push(assert_feature_off(
            &reply,
            Feature::Messaging,
            &format!("{} {}", call.route.method, call.route.path),
        ));
    }
    problems.dedup();
    assert_eq!(
        problems.len(),
        1,
        "the same problem on every route: {problems:#?}"
    );
    let me = stack
        .get("/patients/me/conversations", &patient.actor)
        .await;
    assert_feature_off(&me, Feature::Messaging, "me");

    // The refusal is audited as a denied access.
    let events = stack.audit_events(&patient).await;
    assert!(
        events
            .iter()
            .any(|event| event["action"] == "conversation.read"
                && event["outcome"] == "denied"
                && event["actorSub"] == patient.actor.sub.as_str()),
        "{events:#?}"
    );

    // Nobody learns anything about a patient who is not theirs: 404 as ever, not feature-off;
    // a role that may not is refused for its role.
    for (method, path, body) in [
        (Method::GET, base.clone(), None),
        (Method::GET, format!("{thread}/messages"), None),
        (
            Method::POST,
            base.clone(),
            Some(json!({"category": "medical-question", "subject": "x", "message": "x"})),
        ),
    ] {
        let reply = stack.send(method, &path, &stranger.actor, body, None).await;
        assert_eq!(reply.status, 404, "{path}: {reply:#?}");
        assert_eq!(
            reply.body["type"],
            "https://patient-portal.dev/problems/not-found"
        );
    }
    let not_staff = stack.get("/staff/inbox/counts", &patient.actor).await;
    assert_eq!(not_staff.status, 403, "{not_staff:#?}");
    assert_eq!(
        not_staff.body["type"],
        "https://patient-portal.dev/problems/forbidden"
    );

    // The kill switch, whatever the mode.
    stack
        .set_switch(
            Feature::Messaging,
            SwitchRules {
                killed: true,
                ..SwitchRules::default()
            },
        )
        .await;
    let killed = stack.get(&base, &patient.actor).await;
    assert_feature_off(&killed, Feature::Messaging, "killed");

    // Without the item, every route works again; and with mode `everyone`.
    stack.remove_switch(Feature::Messaging).await;
    for call in &calls {
        let reply = call.send(&stack, &patient, &thread).await;
        assert!(
            (200..300).contains(&reply.status),
            "{} {}: {reply:#?}",
            call.route.method,
            call.route.path
        );
    }
    stack
        .set_switch(
            Feature::Messaging,
            SwitchRules {
                mode: Mode::Everyone,
                ..SwitchRules::default()
            },
        )
        .await;
    let everyone = stack.get(&base, &patient.actor).await;
    assert_eq!(everyone.status, 200, "{everyone:#?}");
    stack.remove_switch(Feature::Messaging).await;
}

#[tokio::test]
async fn a_rules_switch_opens_a_feature_to_its_cohort_staff_roles_and_percentage_and_counts_uses() {
    let stack = switch_stack().await;
    let _turn = stack.turn().await;
    let cohort = CohortName::parse(&format!(
        "beta-{}",
        ulid::Ulid::generate().to_string().to_lowercase()
    ))
    .expect("cohort name");
    let (member, outsider) = (stack.new_patient().await, stack.new_patient().await);
    stack.add_to_cohort(&cohort, &member).await;
    stack
        .set_switch(Feature::Messaging, rules(&[&cohort], 0, &[]))
        .await;
    let list = |patient: &Patient| format!("/patients/{}/conversations", patient.id);

    let day = stack.messages_day();
    let metric = keys::adoption_use_metric(Feature::Messaging);
    let before = (
        stack.counter(&day, None, &metric).await,
        stack.counter(&day, Some(&cohort), &metric).await,
    );
    let member_reply = stack.get(&list(&member), &member.actor).await;
    assert_eq!(member_reply.status, 200, "{member_reply:#?}");
    let outsider_reply = stack.get(&list(&outsider), &outsider.actor).await;
    assert_feature_off(&outsider_reply, Feature::Messaging, "outside the cohort");
    // The member's use counts for all and for the cohort; the refused call counts nowhere.
    if stack.messages_day() == day {
        let after = (
            stack.counter(&day, None, &metric).await,
            stack.counter(&day, Some(&cohort), &metric).await,
        );
        assert_eq!(after, (before.0 + 1, before.1 + 1));
    }

    // Staff: a work list about no patient is open to them; a patient's data only when the
    // patient is in the rollout or their role is listed.
    let counts = stack.get("/staff/inbox/counts", &stack.clinician).await;
    assert_eq!(counts.status, 200, "{counts:#?}");
    let members = stack.get(&list(&member), &stack.clinician).await;
    assert_eq!(members.status, 200, "{members:#?}");
    let outsiders = stack.get(&list(&outsider), &stack.clinician).await;
    assert_feature_off(&outsiders, Feature::Messaging, "staff, outside the rollout");
    stack
        .set_switch(Feature::Messaging, rules(&[&cohort], 0, &[Role::Clinician]))
        .await;
    let listed_role = stack.get(&list(&outsider), &stack.clinician).await;
    assert_eq!(listed_role.status, 200, "{listed_role:#?}");
    let still_out = stack.get(&list(&outsider), &outsider.actor).await;
    assert_feature_off(
        &still_out,
        Feature::Messaging,
        "a staff role opens nothing to patients",
    );

    // A percentage: everyone at 100.
    stack
        .set_switch(Feature::Messaging, rules(&[], 100, &[]))
        .await;
    let everyone = stack.get(&list(&outsider), &outsider.actor).await;
    assert_eq!(everyone.status, 200, "{everyone:#?}");
    stack.remove_switch(Feature::Messaging).await;
}

#[tokio::test]
async fn refills_switched_off_answers_feature_off_for_its_own_patient_and_404_for_others() {
    use crate::refills::fixtures::{METFORMIN, ask_body, asked, eligible_patient, record_of};
    let stack = switch_stack().await;
    let _turn = stack.turn().await;
    stack.remove_switch(Feature::Refills).await;
    let patient = eligible_patient(stack.app).await;
    let stranger = stack.new_patient().await;
    let refill = asked(stack.app, &patient, METFORMIN).await["refillId"]
        .as_str()
        .expect("refillId")
        .to_owned();
    let record = record_of(stack.app, &patient, METFORMIN).await;
    let base = format!("/patients/{}/refills", patient.id);
    let calls = [
        (Method::GET, format!("{base}/medications"), None),
        (Method::GET, base.clone(), None),
        (Method::GET, format!("{base}/{refill}"), None),
        (Method::POST, base.clone(), Some(ask_body(&record))),
        (Method::POST, format!("{base}/{refill}/withdraw"), None),
    ];
    assert_eq!(
        calls.len(),
        portal_refills::FEATURE_ROUTES.len(),
        "every patient route is tried"
    );

    stack.set_switch(Feature::Refills, off()).await;
    let mut problems = Vec::new();
    for (method, path, body) in &calls {
        let reply = stack
            .send(method.clone(), path, &patient.actor, body.clone(), None)
            .await;
        problems.push(assert_feature_off(
            &reply,
            Feature::Refills,
            &format!("{method} {path}"),
        ));
        // Another patient learns nothing: 404, never feature-off.
        let foreign = stack
            .send(method.clone(), path, &stranger.actor, body.clone(), None)
            .await;
        assert_eq!(foreign.status, 404, "{path}: {foreign:#?}");
        assert_eq!(
            foreign.body["type"],
            "https://patient-portal.dev/problems/not-found"
        );
    }
    problems.dedup();
    assert_eq!(problems.len(), 1, "one problem: {problems:#?}");

    // The practice keeps working the requests it has, and the directory stays open.
    let queue = stack.get("/staff/refills", &stack.clinician).await;
    assert_eq!(queue.status, 200, "{queue:#?}");
    let detail = stack
        .get(&format!("/staff/refills/{refill}"), &stack.clinician)
        .await;
    assert_eq!(detail.status, 200, "{detail:#?}");
    let pharmacies = stack.get("/pharmacies", &patient.actor).await;
    assert_eq!(pharmacies.status, 200, "{pharmacies:#?}");

    // Switched on again: the request is there, unchanged.
    stack.remove_switch(Feature::Refills).await;
    let back = stack.get(&format!("{base}/{refill}"), &patient.actor).await;
    assert_eq!(back.status, 200, "{back:#?}");
    assert_eq!(back.body["status"], "requested");
}

/// A starter-library topic (`functions/education/content/starter-library.json`).
const EDUCATION_TOPIC: &str = "high-blood-pressure";

#[tokio::test]
async fn education_switched_off_answers_feature_off_for_its_own_patient_and_404_for_others() {
    let stack = switch_stack().await;
    let _turn = stack.turn().await;
    stack.remove_switch(Feature::Education).await;
    let patient = stack.new_patient().await;
    let stranger = stack.new_patient().await;
    let base = format!("/patients/{}/education", patient.id);
    let calls = [
        (Method::GET, base.clone(), None),
        (Method::GET, format!("{base}/{EDUCATION_TOPIC}"), None),
        (
            Method::PUT,
            format!("{base}/{EDUCATION_TOPIC}/helpful"),
            Some(json!({"helpful": true})),
        ),
    ];
    assert_eq!(
        calls.len(),
        portal_education::FEATURE_ROUTES.len(),
        "every patient route is tried"
    );

    stack.set_switch(Feature::Education, off()).await;
    let mut problems = Vec::new();
    for (method, path, body) in &calls {
        let reply = stack
            .send(method.clone(), path, &patient.actor, body.clone(), None)
            .await;
        problems.push(assert_feature_off(
            &reply,
            Feature::Education,
            &format!("{method} {path}"),
        ));
        // Another patient learns nothing: 404, never feature-off.
        let foreign = stack
            .send(method.clone(), path, &stranger.actor, body.clone(), None)
            .await;
        assert_eq!(foreign.status, 404, "{path}: {foreign:#?}");
        assert_eq!(
            foreign.body["type"],
            "https://patient-portal.dev/problems/not-found"
        );
    }
    problems.dedup();
    assert_eq!(problems.len(), 1, "one problem: {problems:#?}");

    // Clinicians keep the library and keep sharing topics while patients cannot see them.
    let library = stack.get("/staff/education/topics", &stack.clinician).await;
    assert_eq!(library.status, 200, "{library:#?}");
    let shared = stack
        .send(
            Method::POST,
            &format!("/staff/patients/{}/education", patient.id),
            &stack.clinician,
            Some(json!({"topicId": EDUCATION_TOPIC, "note": "Read this before your next visit."})),
            None,
        )
        .await;
    assert_eq!(shared.status, 201, "{shared:#?}");

    // Switched on again: the shared topic comes first, with its note.
    stack.remove_switch(Feature::Education).await;
    let back = stack.get(&base, &patient.actor).await;
    assert_eq!(back.status, 200, "{back:#?}");
    let first = &back.body["items"][0];
    assert_eq!(first["topicId"], EDUCATION_TOPIC, "{back:#?}");
    assert_eq!(first["reasons"][0]["kind"], "assigned", "{back:#?}");
    assert_eq!(
        first["reasons"][0]["note"],
        "Read this before your next visit."
    );
}
