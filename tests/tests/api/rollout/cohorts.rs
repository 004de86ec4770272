//! Cohorts: a portal lead creates them, adds patients by id, by their visits with a provider
//! or by uploading the practice's list (CSV), removes them, and reads the history. Every test
//! works in cohorts of its own (`new_cohort`), and a list's people have family names no other
//! test uses, so the tests can count what they wrote.

use futures::future::join_all;
use portal_shared::domain::ids::PatientId;
use portal_shared::features::cohort::CohortName;
use portal_shared::platform::keys;
use portal_tests::{
    Actor, Method, Reply, TestApp, assert_problem, fresh_client_address, registration, spawn_app,
    unique_family_name,
};
use serde_json::{Value, json};

use crate::appointments::support::{booked, local_date, practice_zone};

/// A cohort name no other test uses.
pub(crate) fn unique_cohort_name() -> String {
    format!("t-{}", ulid::Ulid::generate().to_string().to_lowercase())
}

fn cohort_path(name: &str) -> String {
    format!("/rollout/cohorts/{name}")
}

fn members_path(name: &str) -> String {
    format!("/rollout/cohorts/{name}/members")
}

/// A new cohort, created by the portal lead.
async fn new_cohort(app: &TestApp, beta: bool) -> String {
    let name = unique_cohort_name();
    let reply = app
        .send(
            Method::POST,
            "/rollout/cohorts",
            Some(&app.portal_lead),
            Some(json!({"name": name, "description": "Patients of a test", "beta": beta})),
        )
        .await;
    assert_eq!(reply.status, 201, "creating a cohort: {reply:#?}");
    name
}

async fn add(app: &TestApp, cohort: &str, body: Value) -> Reply {
    app.send(
        Method::POST,
        &members_path(cohort),
        Some(&app.portal_lead),
        Some(body),
    )
    .await
}

/// A new cohort holding the patients `patient_ids` (none: empty), created and filled through
/// the API by the portal lead.
pub(crate) async fn new_cohort_of(app: &TestApp, beta: bool, patient_ids: &[&str]) -> String {
    let name = new_cohort(app, beta).await;
    if !patient_ids.is_empty() {
        let added = add(app, &name, json!({ "patientIds": patient_ids })).await;
        assert_eq!(added.status, 200, "adding members: {added:#?}");
    }
    name
}

async fn upload(app: &TestApp, cohort: &str, csv: &str) -> Reply {
    app.send_raw(
        Method::POST,
        &format!("/rollout/cohorts/{cohort}/uploads"),
        &app.portal_lead,
        "text/csv",
        csv,
    )
    .await
}

async fn member_count(app: &TestApp, cohort: &str) -> u64 {
    let reply = app.get(&cohort_path(cohort), &app.portal_lead).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["memberCount"].as_u64().expect("memberCount")
}

/// Every member of the cohort, following the cursor.
async fn all_members(app: &TestApp, cohort: &str) -> Vec<Value> {
    all_items(app, &members_path(cohort)).await
}

async fn all_items(app: &TestApp, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = match &cursor {
            None => format!("{path}?limit=100"),
            Some(cursor) => format!("{path}?limit=100&cursor={cursor}"),
        };
        let reply = app.get(&page, &app.portal_lead).await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        items.extend(reply.body["items"].as_array().expect("items").clone());
        match reply.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|id| id.as_str().expect("an id").to_owned())
        .collect();
    ids.sort();
    ids
}

/// Whether the patient's own partition holds their half of the membership.
async fn patient_half(app: &TestApp, patient: &str, cohort: &str) -> Option<Value> {
    let patient = PatientId::parse(patient).expect("patient id");
    let cohort = CohortName::parse(cohort).expect("cohort name");
    app.app_item(keys::patient_cohort(patient, &cohort))
        .await
        .map(|item| serde_dynamo::from_item(item).expect("an item"))
}

#[tokio::test]
async fn a_portal_lead_creates_reads_and_lists_a_cohort() {
    let app = spawn_app().await;
    let name = unique_cohort_name();
    let body = json!({"name": name, "description": "First patients to try booking", "beta": true});
    let key = ulid::Ulid::generate().to_string();
    let created = app
        .send_with_headers(
            Method::POST,
            "/rollout/cohorts",
            &app.portal_lead,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(created.status, 201, "{created:#?}");
    assert_eq!(created.header("location"), Some(cohort_path(&name)));
    assert_eq!(created.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(created.body["name"], name.as_str());
    assert_eq!(created.body["beta"], true);
    assert_eq!(created.body["memberCount"], 0);
    assert_eq!(created.body["createdBy"], app.portal_lead.sub.as_str());
    assert!(created.body["createdAt"].is_string());

    // A retry with the same key answers the first response; another body with it is 422.
    let replay = app
        .send_with_headers(
            Method::POST,
            "/rollout/cohorts",
            &app.portal_lead,
            body.clone(),
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_eq!(replay.status, 201, "{replay:#?}");
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(replay.body, created.body);
    let mut other = body.clone();
    other["description"] = json!("Something else");
    let reused = app
        .send_with_headers(
            Method::POST,
            "/rollout/cohorts",
            &app.portal_lead,
            other,
            &[("Idempotency-Key", &key)],
        )
        .await;
    assert_problem(&reused, 422, None);
    assert_eq!(
        reused.body["type"],
        "https://patient-portal.dev/problems/idempotency-key-reused"
    );

    // The same name again, without a key, is a conflict.
    let duplicate = app
        .send(
            Method::POST,
            "/rollout/cohorts",
            Some(&app.portal_lead),
            Some(body),
        )
        .await;
    assert_problem(&duplicate, 409, None);

    let read = app.get(&cohort_path(&name), &app.portal_lead).await;
    assert_eq!(read.status, 200, "{read:#?}");
    assert_eq!(read.body, created.body);

    let listed = all_items(app, "/rollout/cohorts").await;
    let mine: Vec<&Value> = listed
        .iter()
        .filter(|c| c["name"] == name.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{listed:#?}");
    assert_eq!(mine[0]["description"], "First patients to try booking");
    let names: Vec<&str> = listed.iter().filter_map(|c| c["name"].as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "cohorts are listed by name");

    let history = all_items(app, &format!("{}/history", cohort_path(&name))).await;
    assert_eq!(history.len(), 1, "{history:#?}");
    assert_eq!(history[0]["change"], "created");
    assert_eq!(history[0]["by"], app.portal_lead.sub.as_str());
}

#[tokio::test]
async fn invalid_cohorts_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let name = unique_cohort_name();
    let cases = [
        (json!({"name": "Beta 1", "description": "x"}), "name"),
        (json!({"name": "beta--1", "description": "x"}), "name"),
        (json!({"name": "a".repeat(41), "description": "x"}), "name"),
        (json!({"name": name, "description": "   "}), "description"),
        (
            json!({"name": name, "description": "x".repeat(501)}),
            "description",
        ),
        (json!({"name": name}), "description"),
        (
            json!({"name": name, "description": "x", "beta": "yes"}),
            "beta",
        ),
        (
            json!({"name": name, "description": "x", "owner": "me"}),
            "owner",
        ),
    ];
    for (body, field) in cases {
        let reply = app
            .send(
                Method::POST,
                "/rollout/cohorts",
                Some(&app.portal_lead),
                Some(body),
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    let not_json = app
        .send_raw(
            Method::POST,
            "/rollout/cohorts",
            &app.portal_lead,
            "text/plain",
            "beta-1",
        )
        .await;
    assert_problem(&not_json, 415, None);
    let read = app.get(&cohort_path(&name), &app.portal_lead).await;
    assert_problem(&read, 404, None);
}

#[tokio::test]
async fn an_unknown_or_misspelt_cohort_is_404_on_every_route() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    for name in [unique_cohort_name(), "Beta_1".to_owned(), "x".repeat(41)] {
        let routes: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, cohort_path(&name), None),
            (Method::GET, members_path(&name), None),
            (
                Method::POST,
                members_path(&name),
                Some(json!({"patientIds": [patient.id]})),
            ),
            (
                Method::DELETE,
                format!("{}/{}", members_path(&name), patient.id),
                None,
            ),
            (Method::GET, format!("{}/history", cohort_path(&name)), None),
        ];
        for (method, path, body) in routes {
            let reply = app.send(method, &path, Some(&app.portal_lead), body).await;
            assert_problem(&reply, 404, None);
        }
        let uploaded = upload(app, &name, "family_name,given_name,date_of_birth\n").await;
        assert_problem(&uploaded, 404, None);
    }
}

#[tokio::test]
async fn other_roles_are_refused_and_no_token_is_401() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, false).await;
    let patient = app.new_patient().await;
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/rollout/cohorts".into(), None),
        (
            Method::POST,
            "/rollout/cohorts".into(),
            Some(json!({"name": unique_cohort_name(), "description": "x"})),
        ),
        (Method::GET, cohort_path(&cohort), None),
        (Method::GET, members_path(&cohort), None),
        (
            Method::POST,
            members_path(&cohort),
            Some(json!({"patientIds": [patient.id]})),
        ),
        (
            Method::DELETE,
            format!("{}/{}", members_path(&cohort), patient.id),
            None,
        ),
        (
            Method::GET,
            format!("{}/history", cohort_path(&cohort)),
            None,
        ),
    ];
    let others: [&Actor; 5] = [
        &app.front_desk,
        &app.admin,
        &app.clinician,
        &app.caregiver,
        &patient.actor,
    ];
    for (method, path, body) in &routes {
        for who in others {
            let reply = app
                .send(method.clone(), path, Some(who), body.clone())
                .await;
            assert_problem(&reply, 403, None);
        }
        let anonymous = app.send(method.clone(), path, None, body.clone()).await;
        assert_eq!(anonymous.status, 401, "{path}: {anonymous:#?}");
    }
    for who in others {
        let reply = app
            .send_raw(
                Method::POST,
                &format!("/rollout/cohorts/{cohort}/uploads"),
                who,
                "text/csv",
                "family_name,given_name,date_of_birth\nLopez,Ana,1984-03-12\n",
            )
            .await;
        assert_problem(&reply, 403, None);
    }
    // Nothing was written by the refused requests, and each refusal is in the caller's log.
    assert_eq!(member_count(app, &cohort).await, 0);
    assert!(patient_half(app, &patient.id, &cohort).await.is_none());
    let refused = app.actor_audit_events(&app.front_desk).await;
    assert!(
        refused
            .iter()
            .any(|e| e["action"] == "cohort.manage" && e["outcome"] == "denied"),
        "{refused:#?}"
    );
}

#[tokio::test]
async fn patients_are_added_by_id_listed_and_removed() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, true).await;
    let (first, first_family) = app.register_patient().await;
    let (second, _) = app.register_patient().await;
    let (third, _) = app.register_patient().await;
    let nobody = PatientId::generate().to_string();

    let reply = add(
        app,
        &cohort,
        json!({"patientIds": [first, second, nobody, first]}),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(ids(&reply.body["added"]), expected);
    assert_eq!(reply.body["alreadyIn"], json!([]));
    assert_eq!(
        reply.body["refused"],
        json!([{"patientId": nobody, "reason": "no patient has this id"}])
    );
    assert_eq!(member_count(app, &cohort).await, 2);

    // Adding them again changes nothing.
    let again = add(app, &cohort, json!({"patientIds": [first, third]})).await;
    assert_eq!(again.status, 200, "{again:#?}");
    assert_eq!(ids(&again.body["added"]), vec![third.clone()]);
    assert_eq!(ids(&again.body["alreadyIn"]), vec![first.clone()]);
    assert_eq!(member_count(app, &cohort).await, 3);

    // The member list pages, with names and birth dates; the patient's half says beta.
    let page = app
        .get(
            &format!("{}?limit=2", members_path(&cohort)),
            &app.portal_lead,
        )
        .await;
    assert_eq!(page.status, 200, "{page:#?}");
    assert_eq!(page.body["items"].as_array().expect("items").len(), 2);
    assert!(page.body["nextCursor"].is_string());
    let members = all_members(app, &cohort).await;
    assert_eq!(members.len(), 3);
    let member = members
        .iter()
        .find(|m| m["patientId"] == first.as_str())
        .expect("listed");
    assert_eq!(
        member["name"],
        json!({"given": "Ana", "family": first_family})
    );
    assert_eq!(member["birthDate"], "1984-03-12");
    assert_eq!(member["addedBy"], app.portal_lead.sub.as_str());
    assert!(member["addedAt"].is_string());
    let half = patient_half(app, &first, &cohort)
        .await
        .expect("patient's half");
    assert_eq!(half["cohort"], cohort.as_str());
    assert_eq!(half["beta"], true);
    let foreign_cursor = app
        .get(
            &format!(
                "{}?cursor={}",
                members_path(&new_cohort(app, false).await),
                page.body["nextCursor"].as_str().expect("cursor")
            ),
            &app.portal_lead,
        )
        .await;
    assert_problem(&foreign_cursor, 422, Some("cursor"));

    // Each patient reached is in their own access log.
    let events = app.audit_events(&first).await;
    assert!(
        events.iter().any(|e| e["action"] == "cohort.manage"
            && e["outcome"] == "allowed"
            && e["actorSub"] == app.portal_lead.sub.as_str()),
        "{events:#?}"
    );

    // Removal takes both halves and the count; a second removal is 404.
    let path = format!("{}/{}", members_path(&cohort), second);
    let removed = app
        .send(Method::DELETE, &path, Some(&app.portal_lead), None)
        .await;
    assert_eq!(removed.status, 204, "{removed:#?}");
    assert!(patient_half(app, &second, &cohort).await.is_none());
    assert_eq!(member_count(app, &cohort).await, 2);
    let twice = app
        .send(Method::DELETE, &path, Some(&app.portal_lead), None)
        .await;
    assert_problem(&twice, 404, None);
    let malformed = app
        .send(
            Method::DELETE,
            &format!("{}/not-an-id", members_path(&cohort)),
            Some(&app.portal_lead),
            None,
        )
        .await;
    assert_problem(&malformed, 404, None);
    assert_eq!(member_count(app, &cohort).await, 2);

    // The history, newest first: who did what to whom (ids only).
    let history = all_items(app, &format!("{}/history", cohort_path(&cohort))).await;
    let changes: Vec<(&str, Option<&str>)> = history
        .iter()
        .map(|h| {
            (
                h["change"].as_str().expect("change"),
                h["patientId"].as_str(),
            )
        })
        .collect();
    assert_eq!(changes.len(), 5, "{history:#?}");
    assert_eq!(changes[0], ("removed", Some(second.as_str())));
    assert_eq!(changes[1], ("added", Some(third.as_str())));
    assert_eq!(changes[4], ("created", None));
    assert!(
        history
            .iter()
            .all(|h| h["by"] == app.portal_lead.sub.as_str())
    );
    assert!(
        !serde_json::to_string(&history)
            .expect("json")
            .contains(&first_family)
    );
}

#[tokio::test]
async fn bad_member_requests_name_the_field_and_write_nothing() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, false).await;
    let patient = app.new_patient().await;
    let provider = crate::appointments::support::new_provider(app).await;
    let filter = |provider: &str, from: &str, to: &str| json!({"filter": {"providerId": provider, "from": from, "to": to}});
    let many: Vec<String> = (0..101)
        .map(|_| PatientId::generate().to_string())
        .collect();
    let cases = [
        (json!({}), "body"),
        (
            json!({"patientIds": [patient.id], "filter": {"providerId": provider, "from": "2026-01-01", "to": "2026-01-02"}}),
            "filter",
        ),
        (json!({"patientIds": []}), "patientIds"),
        (json!({"patientIds": many}), "patientIds"),
        (json!({"patientIds": [patient.id, "me"]}), "patientIds[1]"),
        (
            json!({"patientIds": [patient.id.to_lowercase()]}),
            "patientIds[0]",
        ),
        (
            json!({"patientIds": [patient.id], "everyone": true}),
            "everyone",
        ),
        (filter(&provider, "2026-01-01", "2026-02-01"), "filter.to"),
        (filter(&provider, "2026-01-02", "2026-01-01"), "filter.to"),
        (filter(&provider, "01/02/2026", "2026-01-03"), "filter.from"),
        (
            filter("dr-who", "2026-01-01", "2026-01-03"),
            "filter.providerId",
        ),
        (
            filter(
                &PatientId::generate().to_string(),
                "2026-01-01",
                "2026-01-03",
            ),
            "filter.providerId",
        ),
        (
            json!({"filter": {"providerId": provider, "from": "2026-01-01"}}),
            "filter.to",
        ),
    ];
    for (body, field) in cases {
        let reply = add(app, &cohort, body).await;
        assert_problem(&reply, 422, Some(field));
    }
    assert_eq!(member_count(app, &cohort).await, 0);
    assert!(patient_half(app, &patient.id, &cohort).await.is_none());
}

#[tokio::test]
async fn two_adds_of_the_same_patient_at_once_add_them_once() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, false).await;
    let (patient, _) = app.register_patient().await;
    let (other, _) = app.register_patient().await;
    let replies = join_all((0..4).map(|n| {
        let body = if n % 2 == 0 {
            json!({"patientIds": [patient]})
        } else {
            json!({"patientIds": [patient, other]})
        };
        add(app, &cohort, body)
    }))
    .await;
    let mut added_patient = 0;
    let mut added_other = 0;
    for (n, reply) in replies.iter().enumerate() {
        assert_eq!(reply.status, 200, "{replies:#?}");
        let added = ids(&reply.body["added"]);
        let already = ids(&reply.body["alreadyIn"]);
        added_patient += added.iter().filter(|id| **id == patient).count();
        added_other += added.iter().filter(|id| **id == other).count();
        // Each patient asked for is either added or found in, never both, never lost.
        let mut answered: Vec<String> = added.into_iter().chain(already).collect();
        answered.sort();
        let mut asked = if n % 2 == 0 {
            vec![patient.clone()]
        } else {
            vec![patient.clone(), other.clone()]
        };
        asked.sort();
        assert_eq!(answered, asked, "{reply:#?}");
    }
    assert_eq!(added_patient, 1, "{replies:#?}");
    assert_eq!(added_other, 1, "{replies:#?}");
    assert_eq!(member_count(app, &cohort).await, 2);
    assert_eq!(all_members(app, &cohort).await.len(), 2);
}

#[tokio::test]
async fn patients_with_a_visit_with_a_provider_are_added_by_filter() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, false).await;
    let (visiting, _) = app.register_patient().await;
    let (staying_home, _) = app.register_patient().await;
    let (provider, _, start) = booked(app, &visiting, 48).await;
    let zone = practice_zone(app).await;
    let day = local_date(&zone, &start);
    let filter =
        |from: &str, to: &str| json!({"filter": {"providerId": provider, "from": from, "to": to}});

    let reply = add(app, &cohort, filter(&day, &day)).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(ids(&reply.body["added"]), vec![visiting.clone()]);
    assert_eq!(reply.body["refused"], json!([]));
    assert!(patient_half(app, &staying_home, &cohort).await.is_none());

    // Another window without the visit adds nobody; the same one again finds them in.
    let other_day = local_date(
        &zone,
        &crate::appointments::support::hours_from_now(24 * 20).to_string(),
    );
    let none = add(app, &cohort, filter(&other_day, &other_day)).await;
    assert_eq!(none.status, 200, "{none:#?}");
    assert_eq!(
        none.body,
        json!({"added": [], "alreadyIn": [], "refused": []})
    );
    let again = add(app, &cohort, filter(&day, &day)).await;
    assert_eq!(ids(&again.body["alreadyIn"]), vec![visiting.clone()]);
    assert_eq!(member_count(app, &cohort).await, 1);
}

/// A list row of a person: family name, given name, date of birth, email, phone.
fn csv_row(family: &str, given: &str, born: &str, email: &str, phone: &str) -> String {
    format!("{family},{given},{born},{email},{phone}\n")
}

const HEADER: &str = "family_name,given_name,date_of_birth,email,phone\n";

#[tokio::test]
async fn a_list_registers_new_people_matches_patients_and_refuses_bad_rows() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, true).await;
    // Registered at the desk as "Ana <family>", 1984-03-12 (`registration`).
    let (known, known_family) = app.register_patient().await;
    let new_family = unique_family_name();
    let refused_family = unique_family_name();
    let repeated_family = unique_family_name();
    let mut csv = String::from(HEADER);
    // Row 2: the registered patient, spelt otherwise.
    csv.push_str(&csv_row(
        &format!(" {} ", known_family.to_uppercase()),
        "ÁNA",
        "1984-03-12",
        "",
        "",
    ));
    // Row 3: a new person, with contact details.
    csv.push_str(&csv_row(
        &new_family,
        "Zoë Marie",
        "1991-07-30",
        &format!("{}@list.portal.test", new_family.to_lowercase()),
        "+1 555 555 0199",
    ));
    // Rows 4–6: refused (a bad date, no given name, a bad email), nothing registered.
    csv.push_str(&csv_row(&refused_family, "Sam", "30/07/1991", "", ""));
    csv.push_str(&csv_row(&refused_family, "", "1991-07-30", "", ""));
    csv.push_str(&csv_row(
        &refused_family,
        "Sam",
        "1991-07-30",
        "sam-at-home",
        "",
    ));
    // Rows 7–8: one person twice.
    csv.push_str(&csv_row(&repeated_family, "Lee", "1970-01-01", "", ""));
    csv.push_str(&csv_row(&repeated_family, "Lee", "1970-01-01", "", ""));

    let reply = upload(app, &cohort, &csv).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let text = reply.body.to_string();
    for family in [
        &known_family,
        &new_family,
        &refused_family,
        &repeated_family,
    ] {
        assert!(
            !text.contains(family.as_str()),
            "the report names nobody: {text}"
        );
    }
    let rows = reply.body["rows"].as_array().expect("rows").clone();
    assert_eq!(rows.len(), 7, "{rows:#?}");
    let row = |n: u64| {
        rows.iter()
            .find(|r| r["row"] == n)
            .expect("reported")
            .clone()
    };
    assert_eq!(row(2)["outcome"], "matched");
    assert_eq!(row(2)["patientId"], known.as_str());
    assert_eq!(row(2)["alreadyIn"], false);
    assert_eq!(row(3)["outcome"], "created");
    let created = row(3)["patientId"]
        .as_str()
        .expect("new patient")
        .to_owned();
    for (n, column) in [(4, "date_of_birth"), (5, "given_name"), (6, "email")] {
        assert_eq!(row(n)["outcome"], "refused", "{rows:#?}");
        assert!(row(n).get("patientId").is_none());
        let reason = row(n)["reason"].as_str().expect("reason").to_owned();
        assert!(reason.contains(column), "row {n}: {reason}");
    }
    assert_eq!(row(7)["outcome"], "created");
    assert_eq!(row(8)["outcome"], "refused");
    assert!(row(8)["reason"].as_str().expect("reason").contains("row 7"));
    assert_eq!(reply.body["created"], 2);
    assert_eq!(reply.body["matched"], 1);
    assert_eq!(reply.body["refused"], 4);
    assert_eq!(reply.body["added"], 3);
    assert_eq!(reply.body["alreadyIn"], 0);

    // What was written: the new patients' profiles (as the front desk registers them), no
    // profile for a refused row, each member once, both halves of each membership.
    assert_eq!(app.count_profiles_named(&new_family).await, 1);
    assert_eq!(app.count_profiles_named(&refused_family).await, 0);
    assert_eq!(app.count_profiles_named(&repeated_family).await, 1);
    assert_eq!(app.count_profiles_named(&known_family).await, 1);
    let profile = app
        .get(&format!("/patients/{created}/profile"), &app.front_desk)
        .await;
    assert_eq!(profile.status, 200, "{profile:#?}");
    assert_eq!(
        profile.body["legalName"],
        json!({"given": "Zoë Marie", "family": new_family})
    );
    assert_eq!(profile.body["dateOfBirth"], "1991-07-30");
    assert_eq!(profile.body["sex"], "unknown");
    assert_eq!(profile.body["contact"]["phone"], "+15555550199");
    assert_eq!(profile.body["communication"]["preferredChannel"], "portal");
    assert_eq!(profile.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(member_count(app, &cohort).await, 3);
    let members = all_members(app, &cohort).await;
    assert_eq!(members.len(), 3);
    for member in &members {
        let id = member["patientId"].as_str().expect("id");
        let half = patient_half(app, id, &cohort)
            .await
            .expect("patient's half");
        assert_eq!(half["beta"], true);
    }
    let registered = app.audit_events(&created).await;
    assert!(
        registered.iter().any(
            |e| e["action"] == "cohort.manage" && e["actorSub"] == app.portal_lead.sub.as_str()
        ),
        "{registered:#?}"
    );
    let history = all_items(app, &format!("{}/history", cohort_path(&cohort))).await;
    assert_eq!(history[0]["change"], "uploaded", "{history:#?}");
    assert_eq!(history[0]["count"], 3);
    assert_eq!(history[0]["uploadId"], reply.body["uploadId"]);
    assert_eq!(history.iter().filter(|h| h["change"] == "added").count(), 3);
}

#[tokio::test]
async fn uploading_the_same_list_again_changes_nothing() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, false).await;
    let families: Vec<String> = (0..3).map(|_| unique_family_name()).collect();
    let mut csv = String::from(HEADER);
    for family in &families {
        csv.push_str(&csv_row(family, "Kim", "1965-11-05", "", ""));
    }
    let first = upload(app, &cohort, &csv).await;
    assert_eq!(first.status, 200, "{first:#?}");
    assert_eq!(first.body["created"], 3);

    // Again, and twice at the same moment: every row is matched to the patient the first
    // upload registered, who is in already.
    let replies = join_all((0..2).map(|_| upload(app, &cohort, &csv))).await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{reply:#?}");
        assert_eq!(reply.body["created"], 0, "{reply:#?}");
        assert_eq!(reply.body["matched"], 3);
        assert_eq!(reply.body["alreadyIn"], 3);
        assert_eq!(reply.body["added"], 0);
        for (row, first_row) in reply.body["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .zip(first.body["rows"].as_array().expect("rows"))
        {
            assert_eq!(row["patientId"], first_row["patientId"]);
        }
    }
    for family in &families {
        assert_eq!(app.count_profiles_named(family).await, 1);
    }
    assert_eq!(member_count(app, &cohort).await, 3);

    // A list uploaded twice at the same moment into a new cohort registers each person once.
    let other = new_cohort(app, false).await;
    let fresh = unique_family_name();
    let mut csv = String::from(HEADER);
    csv.push_str(&csv_row(&fresh, "Jo", "1980-02-29", "", ""));
    let replies = join_all((0..2).map(|_| upload(app, &other, &csv))).await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{reply:#?}");
    }
    assert_eq!(app.count_profiles_named(&fresh).await, 1, "{replies:#?}");
    assert_eq!(member_count(app, &other).await, 1);
}

#[tokio::test]
async fn a_file_that_is_not_a_readable_list_writes_nothing() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, false).await;
    let family = unique_family_name();
    let good_row = csv_row(&family, "Ana", "1984-03-12", "", "");
    let path = format!("/rollout/cohorts/{cohort}/uploads");
    let send = |content_type: &'static str, body: String| {
        let path = path.clone();
        async move {
            app.send_raw(Method::POST, &path, &app.portal_lead, content_type, &body)
                .await
        }
    };

    let json_type = send("application/json", format!("{HEADER}{good_row}")).await;
    assert_problem(&json_type, 415, None);
    assert_eq!(json_type.body["detail"], "Send text/csv.", "{json_type:#?}");
    let json_body = send("text/csv", json!({"patients": [family]}).to_string()).await;
    assert_problem(&json_body, 422, Some("family_name"));
    assert_problem(&json_body, 422, Some("date_of_birth"));
    let no_given = send(
        "text/csv",
        format!("family_name,date_of_birth\n{family},1984-03-12\n"),
    )
    .await;
    assert_problem(&no_given, 422, Some("given_name"));
    let header_only = send("text/csv", HEADER.to_owned()).await;
    assert_problem(&header_only, 422, Some("body"));
    let mut too_many = String::from(HEADER);
    for _ in 0..2_001 {
        too_many.push_str(&good_row);
    }
    let many = send("text/csv", too_many).await;
    assert_problem(&many, 422, Some("body"));
    let mut too_large = String::from(HEADER);
    too_large.push_str(&good_row);
    too_large.push_str(&"x".repeat(1024 * 1024));
    let large = send("text/csv", too_large).await;
    assert_problem(&large, 413, None);

    // Bytes that are not UTF-8 text (a spreadsheet file, not its CSV export).
    let binary = reqwest::Client::new()
        .post(format!("{}{path}", app.api_url))
        .bearer_auth(&app.portal_lead.token)
        .header("Content-Type", "text/csv")
        .body(vec![0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x9c])
        .send()
        .await
        .expect("sent");
    assert_eq!(binary.status().as_u16(), 400);

    assert_eq!(app.count_profiles_named(&family).await, 0);
    assert_eq!(member_count(app, &cohort).await, 0);
    let history = all_items(app, &format!("{}/history", cohort_path(&cohort))).await;
    assert_eq!(history.len(), 1, "only its creation: {history:#?}");
}

#[tokio::test]
async fn headers_are_read_in_common_spellings_and_ambiguous_people_are_refused() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, false).await;
    // Two patients registered at the desk with one name and birthday.
    let family = unique_family_name();
    let mut twins = Vec::new();
    for _ in 0..2 {
        let reply = app
            .send(
                Method::POST,
                "/staff/patients",
                Some(&app.front_desk),
                Some(registration(&family)),
            )
            .await;
        assert_eq!(reply.status, 201, "{reply:#?}");
        twins.push(reply.body["patientId"].as_str().expect("id").to_owned());
    }
    let fresh = unique_family_name();
    let csv = format!(
        "Last Name;First Name;DOB;Sex;MRN\n{family};Ana;1984-03-12;female;1\n{fresh};Rui;2001-12-01;M;2\n"
    );
    let reply = upload(app, &cohort, &csv).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let rows = reply.body["rows"].as_array().expect("rows");
    assert_eq!(rows[0]["outcome"], "refused");
    assert!(
        rows[0]["reason"]
            .as_str()
            .expect("reason")
            .contains("2 registered patients"),
        "{rows:#?}"
    );
    assert_eq!(rows[1]["outcome"], "created");
    let created = rows[1]["patientId"].as_str().expect("id");
    let profile = app
        .get(&format!("/patients/{created}/profile"), &app.front_desk)
        .await;
    assert_eq!(profile.body["sex"], "male");
    for twin in &twins {
        assert!(patient_half(app, twin, &cohort).await.is_none());
    }
}

#[tokio::test]
async fn a_corrected_name_is_matched_under_the_new_name() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, false).await;
    let (patient, family) = app.register_patient().await;
    let read = app
        .get(&format!("/patients/{patient}/profile"), &app.front_desk)
        .await;
    let etag = read.header("etag").expect("etag");
    let corrected = format!("{family}-Ruiz");
    let patched = app
        .patch(
            &format!("/patients/{patient}/profile"),
            &app.front_desk,
            &etag,
            json!({"legalName": {"given": "Ana", "family": corrected}}),
        )
        .await;
    assert_eq!(patched.status, 200, "{patched:#?}");
    let csv = format!(
        "{HEADER}{}{}",
        csv_row(&corrected, "Ana", "1984-03-12", "", ""),
        csv_row(&family, "Ana", "1984-03-12", "", "")
    );
    let reply = upload(app, &cohort, &csv).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let rows = reply.body["rows"].as_array().expect("rows");
    assert_eq!(rows[0]["outcome"], "matched", "{rows:#?}");
    assert_eq!(rows[0]["patientId"], patient.as_str());
    // The old name no longer matches the patient: it is someone new.
    assert_eq!(rows[1]["outcome"], "created", "{rows:#?}");
    assert_ne!(rows[1]["patientId"], patient.as_str());
}

#[tokio::test]
async fn a_patient_registered_from_a_list_activates_like_any_other() {
    let app = spawn_app().await;
    let cohort = new_cohort(app, true).await;
    let family = unique_family_name();
    let email = format!("{}@list.portal.test", family.to_lowercase());
    let csv = format!(
        "{HEADER}{}",
        csv_row(&family, "Ana", "1984-03-12", &email, "")
    );
    let reply = upload(app, &cohort, &csv).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let patient = reply.body["rows"][0]["patientId"]
        .as_str()
        .expect("created")
        .to_owned();

    let code = app.issue_code(&patient).await;
    let from = fresh_client_address();
    let password = "Portal-Cohort-2026!";
    let activated = app
        .send_public(
            from,
            "/auth/activate",
            json!({"code": code.code, "dateOfBirth": "1984-03-12", "email": email, "password": password}),
            None,
        )
        .await;
    assert_eq!(activated.status, 201, "{activated:#?}");
    let signed_in = app
        .send_public(
            from,
            "/auth/sign-in",
            json!({"email": email, "password": password}),
            None,
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:#?}");
    let token = signed_in.body["idToken"].as_str().expect("idToken");
    let own = app
        .send_with_token(
            Method::GET,
            "/patients/me/profile",
            &format!("Bearer {token}"),
        )
        .await;
    assert_eq!(own.status, 200, "{own:#?}");
    assert_eq!(own.body["patientId"], patient.as_str());
    assert_eq!(own.body["portalAccount"]["status"], "active");
}
