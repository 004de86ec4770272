//! The practice's pharmacy directory: administrators and front desk add and retire pharmacies
//! (NCPDP id or NPI, checked); anyone signed in searches the active ones.

use portal_shared::policy::authz::Scope;
use portal_tests::{GrantState, Method, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::fixtures::*;

#[tokio::test]
async fn the_front_desk_and_administrators_add_pharmacies_that_everyone_finds() {
    let app = spawn_app().await;
    let token = ulid::Ulid::generate().to_string();
    let mut added = Vec::new();
    for (who, label) in [(&app.front_desk, "Desk"), (&app.admin, "Admin")] {
        let name = format!("{label} Pharmacy {token}");
        let reply = app
            .send(
                Method::POST,
                STAFF_PHARMACIES,
                Some(who),
                Some(pharmacy_body(&name)),
            )
            .await;
        assert_eq!(reply.status, 201, "{reply:#?}");
        let body = &reply.body;
        let id = id_of(body, "pharmacyId");
        assert_eq!(body["name"], name.as_str());
        assert_eq!(body["address"], address());
        assert_eq!(body["phone"], "+15555550188");
        assert_eq!(body["ncpdpId"], "1234567");
        assert_eq!(body["npi"], "1234567893");
        added.push(id);
    }
    // One id is enough: an NCPDP id alone, an NPI alone.
    for (id_field, value) in [("ncpdpId", "7654321"), ("npi", "1245319599")] {
        let mut body = pharmacy_body(&format!("Single Id Pharmacy {token}"));
        let other = if id_field == "npi" { "ncpdpId" } else { "npi" };
        body.as_object_mut().expect("object").remove(other);
        body[id_field] = json!(value);
        let reply = app
            .send(
                Method::POST,
                STAFF_PHARMACIES,
                Some(&app.front_desk),
                Some(body),
            )
            .await;
        assert_eq!(reply.status, 201, "{id_field} alone: {reply:#?}");
    }

    // Patients, caregivers and every staff role search the active ones by name.
    let patient = app.new_patient().await;
    let carer = app.new_staff("carer", &["caregivers"]).await;
    app.grant(&patient.id, &carer, &[Scope::Messages], GrantState::Active)
        .await;
    for who in [
        &patient.actor,
        &carer,
        &app.caregiver,
        &app.clinician,
        &app.front_desk,
        &app.response_team,
        &app.admin,
        &app.portal_lead,
    ] {
        let found = search_pharmacies(app, &token, who).await;
        assert_eq!(found.len(), 4, "{found:#?}");
        for item in &found {
            assert!(item["name"].as_str().is_some_and(|n| n.contains(&token)));
            assert!(item["pharmacyId"].is_string() && item["address"].is_object());
        }
    }
    // The name contains q.
    let desk = search_pharmacies(app, &format!("Desk Pharmacy {token}"), &patient.actor).await;
    assert_eq!(desk.len(), 1, "{desk:#?}");
    assert_eq!(desk[0]["pharmacyId"], added[0].as_str());
    // At most 50 without q.
    let all = app.get(PHARMACIES, &patient.actor).await;
    assert_eq!(all.status, 200, "{all:#?}");
    assert!(all.body["items"].as_array().is_some_and(|i| i.len() <= 50));

    let anonymous = app.send(Method::GET, PHARMACIES, None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
}

#[tokio::test]
async fn clinicians_patients_and_others_may_not_change_the_directory() {
    let app = spawn_app().await;
    let name = unique("Guarded Pharmacy");
    let patient = app.new_patient().await;
    for who in [
        &app.clinician,
        &app.response_team,
        &app.portal_lead,
        &patient.actor,
        &app.caregiver,
    ] {
        let reply = app
            .send(
                Method::POST,
                STAFF_PHARMACIES,
                Some(who),
                Some(pharmacy_body(&name)),
            )
            .await;
        assert_problem(&reply, 403, None);
    }
    let anonymous = app
        .send(
            Method::POST,
            STAFF_PHARMACIES,
            None,
            Some(pharmacy_body(&name)),
        )
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
    assert!(
        search_pharmacies(app, &name, &app.front_desk)
            .await
            .is_empty()
    );

    // Nor retire a pharmacy.
    let pharmacy = id_of(&new_pharmacy(app, &name).await, "pharmacyId");
    let path = format!("{STAFF_PHARMACIES}/{pharmacy}");
    for who in [&app.clinician, &patient.actor, &app.portal_lead] {
        let reply = app.send(Method::DELETE, &path, Some(who), None).await;
        assert_problem(&reply, 403, None);
    }
    assert_eq!(search_pharmacies(app, &name, &patient.actor).await.len(), 1);
}

#[tokio::test]
async fn bad_pharmacies_name_the_field_and_add_nothing() {
    let app = spawn_app().await;
    let name = unique("Invalid Pharmacy");
    let with = |change: Value| {
        let mut body = pharmacy_body(&name);
        for (key, value) in change.as_object().expect("object") {
            if value.is_null() {
                body.as_object_mut().expect("object").remove(key);
            } else {
                body[key] = value.clone();
            }
        }
        body
    };
    for (body, field) in [
        (with(json!({"ncpdpId": "123456"})), "ncpdpId"),
        (with(json!({"ncpdpId": "12345678"})), "ncpdpId"),
        (with(json!({"ncpdpId": "12345a7"})), "ncpdpId"),
        // A wrong check digit (the Luhn check with the 80840 prefix).
        (with(json!({"npi": "1234567890"})), "npi"),
        (with(json!({"npi": "123456789"})), "npi"),
        (with(json!({"npi": "12345678931"})), "npi"),
        (with(json!({"npi": null, "ncpdpId": null})), "ncpdpId"),
        (with(json!({"name": null})), "name"),
        (with(json!({"name": " "})), "name"),
        (with(json!({"address": null})), "address"),
        (with(json!({"address": {"line": "1 Main"}})), "address"),
        (with(json!({"phone": null})), "phone"),
    ] {
        let reply = app
            .send(
                Method::POST,
                STAFF_PHARMACIES,
                Some(&app.admin),
                Some(body.clone()),
            )
            .await;
        // Neither id names one of them (either is accepted).
        if field == "ncpdpId" && body.get("npi").is_none() && body.get("ncpdpId").is_none() {
            assert_problem(&reply, 422, None);
            let named = reply.body["errors"].as_array().is_some_and(|errors| {
                errors
                    .iter()
                    .any(|e| e["field"] == "ncpdpId" || e["field"] == "npi")
            });
            assert!(named, "{reply:#?}");
        } else {
            assert_invalid(&reply, field);
        }
    }
    assert!(search_pharmacies(app, &name, &app.admin).await.is_empty());
}

#[tokio::test]
async fn a_retired_pharmacy_is_hidden_from_the_list() {
    let app = spawn_app().await;
    let token = ulid::Ulid::generate().to_string();
    let kept = id_of(
        &new_pharmacy(app, &format!("Kept Pharmacy {token}")).await,
        "pharmacyId",
    );
    let retired = id_of(
        &new_pharmacy(app, &format!("Retired Pharmacy {token}")).await,
        "pharmacyId",
    );
    assert_eq!(
        search_pharmacies(app, &token, &app.clinician).await.len(),
        2
    );
    let path = format!("{STAFF_PHARMACIES}/{retired}");
    let reply = app
        .send(Method::DELETE, &path, Some(&app.admin), None)
        .await;
    assert!([200, 204].contains(&reply.status), "{reply:#?}");
    let found = search_pharmacies(app, &token, &app.clinician).await;
    let ids: Vec<&str> = found
        .iter()
        .filter_map(|p| p["pharmacyId"].as_str())
        .collect();
    assert_eq!(ids, [kept.as_str()]);
    // Retiring twice changes nothing; an unknown pharmacy is not found.
    let again = app
        .send(Method::DELETE, &path, Some(&app.front_desk), None)
        .await;
    assert!([200, 204, 404].contains(&again.status), "{again:#?}");
    for id in [ulid::Ulid::generate().to_string(), "not-an-id".to_owned()] {
        let reply = app
            .send(
                Method::DELETE,
                &format!("{STAFF_PHARMACIES}/{id}"),
                Some(&app.admin),
                None,
            )
            .await;
        assert_problem(&reply, 404, None);
    }
}
