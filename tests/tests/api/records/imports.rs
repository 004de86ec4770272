//! `GET /patients/{patientId}/imports` and `/imports/{importId}`: the reports of past imports,
//! newest first, a page at a time, each the report that the import answered.

use portal_shared::policy::authz::Scope;
use portal_tests::fhir::{DEMO_BUNDLES, demo_bundle_for, small_bundle};
use portal_tests::{GrantState, Method, assert_problem, spawn_app};
use serde_json::json;

#[tokio::test]
async fn past_imports_are_listed_newest_first_with_their_reports() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let mut answered = Vec::new();
    for (name, who) in DEMO_BUNDLES
        .iter()
        .zip([&patient.actor, &app.front_desk, &app.clinician])
    {
        let reply = app
            .import_bundle(
                &patient.id,
                who,
                &demo_bundle_for(name, &patient.family),
                "",
            )
            .await;
        assert_eq!(reply.status, 201, "{name}: {reply:#?}");
        answered.push(reply.body);
    }

    let listed = app
        .get(&format!("/patients/{}/imports", patient.id), &patient.actor)
        .await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    let items = listed.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(listed.body["nextCursor"], json!(null));
    for (item, report) in items.iter().zip(answered.iter().rev()) {
        assert_eq!(item["importId"], report["importId"], "newest first");
        for field in [
            "bundleType",
            "entries",
            "importedTotal",
            "skippedTotal",
            "errorCount",
            "warningCount",
            "sources",
        ] {
            assert_eq!(item[field], report[field], "{field}");
        }
        assert!(item.get("errors").is_none(), "the list carries totals only");
        let merged: u64 = report["perType"]
            .as_object()
            .expect("perType")
            .values()
            .map(|t| t["merged"].as_u64().expect("merged"))
            .sum();
        assert_eq!(item["mergedTotal"], json!(merged), "mergedTotal");
        assert!(
            item.get("perType").is_none(),
            "the list carries totals only"
        );
    }
    let relationships: Vec<&str> = items
        .iter()
        .map(|i| {
            i["importedBy"]["relationship"]
                .as_str()
                .expect("relationship")
        })
        .collect();
    assert_eq!(relationships, ["staff", "staff", "own"]);

    // One report in full, as answered.
    let first = &answered[0];
    let detail = app
        .get(
            &format!(
                "/patients/{}/imports/{}",
                patient.id,
                first["importId"].as_str().expect("id")
            ),
            &patient.actor,
        )
        .await;
    assert_eq!(detail.status, 200, "{detail:#?}");
    assert_eq!(&detail.body["report"], first);
    assert_eq!(detail.body["importedBy"]["relationship"], "own");

    // A page at a time.
    let page = app
        .get(
            &format!("/patients/{}/imports?limit=2", patient.id),
            &app.clinician,
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(2));
    let cursor = page.body["nextCursor"].as_str().expect("a next page");
    let rest = app
        .get(
            &format!("/patients/{}/imports?limit=2&cursor={cursor}", patient.id),
            &app.clinician,
        )
        .await;
    assert_eq!(rest.status, 200);
    assert_eq!(rest.body["items"][0]["importId"], answered[0]["importId"]);

    // Reading them leaves an audit event.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().any(|e| e["action"] == "records.imports.read"),
        "{events:#?}"
    );
}

#[tokio::test]
async fn the_list_counts_the_entries_an_import_merged() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    // The asthma condition twice (another entry, the same thing): one item, one merged entry.
    let mut bundle = small_bundle(&patient.family);
    let mut again = bundle["entry"][2].clone();
    again["fullUrl"] = json!("urn:uuid:0b5c6f1e-0000-4000-8000-000000000009");
    again["resource"]["id"] = json!("cond-again");
    bundle["entry"].as_array_mut().expect("entries").push(again);
    let reply = app
        .import_bundle(&patient.id, &patient.actor, &bundle, "")
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    assert_eq!(
        reply.body["perType"]["Condition"]["merged"], 1,
        "{reply:#?}"
    );
    let listed = app
        .get(&format!("/patients/{}/imports", patient.id), &patient.actor)
        .await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    assert_eq!(listed.body["items"][0]["importId"], reply.body["importId"]);
    assert_eq!(listed.body["items"][0]["mergedTotal"], 1, "{listed:#?}");
}

#[tokio::test]
async fn who_may_see_past_imports() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    let reply = app
        .import_bundle(
            &patient.id,
            &app.front_desk,
            &small_bundle(&patient.family),
            "",
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let import_id = reply.body["importId"].as_str().expect("id").to_owned();
    app.grant(
        &patient.id,
        &app.caregiver,
        &[Scope::Records],
        GrantState::Active,
    )
    .await;
    for path in [
        format!("/patients/{}/imports", patient.id),
        format!("/patients/{}/imports/{import_id}", patient.id),
    ] {
        assert_eq!(app.send(Method::GET, &path, None, None).await.status, 401);
        assert_problem(&app.get(&path, &other.actor).await, 404, None);
        for who in [
            &patient.actor,
            &app.caregiver,
            &app.front_desk,
            &app.clinician,
        ] {
            assert_eq!(app.get(&path, who).await.status, 200, "{path}");
        }
        for who in [&app.response_team, &app.admin] {
            assert_problem(&app.get(&path, who).await, 403, None);
        }
    }
    // Another patient's import, named under this patient: not found.
    let elsewhere = app
        .import_bundle(&other.id, &other.actor, &small_bundle(&other.family), "")
        .await;
    assert_eq!(elsewhere.status, 201, "{elsewhere:#?}");
    let theirs = elsewhere.body["importId"].as_str().expect("id");
    assert_problem(
        &app.get(
            &format!("/patients/{}/imports/{theirs}", patient.id),
            &patient.actor,
        )
        .await,
        404,
        None,
    );
    assert_problem(
        &app.get(
            &format!("/patients/{}/imports/not-an-id", patient.id),
            &patient.actor,
        )
        .await,
        404,
        None,
    );
}

#[tokio::test]
async fn bad_paging_of_past_imports_is_named() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let other = app.new_patient().await;
    for (query, field) in [("?limit=0", "limit"), ("?cursor=nonsense", "cursor")] {
        let reply = app
            .get(
                &format!("/patients/{}/imports{query}", patient.id),
                &patient.actor,
            )
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    // A cursor of another patient's list does not move into this one.
    for _ in 0..2 {
        let reply = app
            .import_bundle(&other.id, &other.actor, &small_bundle(&other.family), "")
            .await;
        assert_eq!(reply.status, 201);
    }
    let theirs = app
        .get(
            &format!("/patients/{}/imports?limit=1", other.id),
            &other.actor,
        )
        .await;
    let cursor = theirs.body["nextCursor"].as_str().expect("cursor");
    let reply = app
        .get(
            &format!("/patients/{}/imports?cursor={cursor}", patient.id),
            &patient.actor,
        )
        .await;
    assert_problem(&reply, 422, Some("cursor"));
}
