//! `GET /staff/patients`: staff find a patient by name and/or date of birth.

use portal_tests::{Method, Reply, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

/// A family name no other test uses, with accents and a hyphen (`Núñez-Tëst<ulid>`), and the
/// way a desk would type it: no accents, upper case, the hyphen a space.
fn unusual_family() -> (String, String) {
    let tail = ulid::Ulid::generate().to_string();
    (format!("Núñez-Tëst{tail}"), format!("NUNEZ TEST{tail}"))
}

/// A date of birth no other test registers (the others use 1984-03-12): a day from 1901 to
/// 1999 drawn from a new ULID's random bits.
fn unusual_birth_date() -> String {
    let random = ulid::Ulid::generate().random();
    let year = 1901 + (random % 99) as u32;
    let month = 1 + ((random >> 8) % 12) as u32;
    let day = 1 + ((random >> 16) % 28) as u32;
    format!("{year}-{month:02}-{day:02}")
}

/// Registers a patient with these names and birth date; their id.
async fn register(app: &TestApp, given: &str, family: &str, born: &str) -> String {
    let reply = app
        .send(
            Method::POST,
            "/staff/patients",
            Some(&app.front_desk),
            Some(json!({
                "legalName": {"given": given, "family": family},
                "dateOfBirth": born,
                "sex": "female",
            })),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    reply.body["patientId"]
        .as_str()
        .expect("patientId")
        .to_owned()
}

fn query(q: Option<&str>, birth_date: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(q) = q {
        parts.push(format!("q={}", encoded(q)));
    }
    if let Some(date) = birth_date {
        parts.push(format!("birthDate={date}"));
    }
    format!("/staff/patients?{}", parts.join("&"))
}

/// `text` percent-encoded for a query string (every byte but ASCII letters and digits).
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn search(app: &TestApp, q: Option<&str>, birth_date: Option<&str>) -> Reply {
    app.get(&query(q, birth_date), &app.front_desk).await
}

fn ids(reply: &Reply) -> Vec<&str> {
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items: {reply:#?}"))
        .iter()
        .map(|item| item["patientId"].as_str().expect("patientId"))
        .collect()
}

#[tokio::test]
async fn finds_a_patient_by_the_start_of_the_family_name_whatever_the_accents_and_case() {
    let app = spawn_app().await;
    let (family, typed) = unusual_family();
    let born = unusual_birth_date();
    let ana = register(app, "José María", &family, &born).await;

    for q in [
        typed.clone(),
        typed.to_lowercase(),
        family.clone(),
        // The start only, as a desk types it.
        typed[..typed.len() - 4].to_owned(),
        format!("{typed}, jose m"),
        format!("{typed},"),
    ] {
        let found = search(app, Some(&q), None).await;
        assert_eq!(found.status, 200, "{q}: {found:#?}");
        assert_eq!(ids(&found), vec![ana.as_str()], "{q}");
        assert_eq!(found.body["truncated"], false);
    }
    let found = search(app, Some(&typed), None).await;
    assert_eq!(
        found.body["items"][0],
        json!({
            "patientId": ana,
            "name": {"given": "José María", "family": family},
            "birthDate": born,
        }),
        "the legal name as registered, no portal account yet: {found:#?}"
    );

    // Another given name, a longer family name, or only the given name: not her.
    for q in [
        format!("{typed}, maria"),
        format!("{typed}x"),
        "jose maria".to_owned(),
    ] {
        let found = search(app, Some(&q), None).await;
        assert_eq!(found.status, 200, "{q}: {found:#?}");
        assert!(!ids(&found).contains(&ana.as_str()), "{q}: {found:#?}");
    }
}

#[tokio::test]
async fn finds_patients_by_date_of_birth_and_by_both() {
    let app = spawn_app().await;
    let born = unusual_birth_date();
    let (first_family, first_typed) = unusual_family();
    let (second_family, _) = unusual_family();
    let first = register(app, "Ana", &first_family, &born).await;
    let second = register(app, "Bea", &second_family, &born).await;
    let elsewhere = register(app, "Ana", &first_family, "1984-03-12").await;

    let by_date = search(app, None, Some(&born)).await;
    assert_eq!(by_date.status, 200, "{by_date:#?}");
    let found = ids(&by_date);
    assert!(found.contains(&first.as_str()) && found.contains(&second.as_str()));
    assert!(!found.contains(&elsewhere.as_str()), "{by_date:#?}");

    let both = search(app, Some(&first_typed), Some(&born)).await;
    assert_eq!(both.status, 200, "{both:#?}");
    assert_eq!(ids(&both), vec![first.as_str()]);

    // The name alone finds both people of that name, in name order.
    let by_name = search(app, Some(&first_typed), None).await;
    let mut expected = vec![first.as_str(), elsewhere.as_str()];
    expected.sort_unstable();
    let mut found = ids(&by_name);
    found.sort_unstable();
    assert_eq!(found, expected, "{by_name:#?}");

    // Nobody: an empty list, not 404.
    let nobody = search(app, Some(&first_typed), Some("1901-01-01")).await;
    assert_eq!(nobody.status, 200, "{nobody:#?}");
    assert_eq!(nobody.body["items"], json!([]));
}

#[tokio::test]
async fn a_corrected_name_or_birth_date_moves_the_patient_in_the_search() {
    let app = spawn_app().await;
    let (family, typed) = unusual_family();
    let (new_family, new_typed) = unusual_family();
    let born = unusual_birth_date();
    let new_born = unusual_birth_date();
    let patient = register(app, "Ana", &family, &born).await;
    let corrected = app
        .patch(
            &format!("/patients/{patient}/profile"),
            &app.front_desk,
            "\"1\"",
            json!({"legalName": {"given": "Ana", "family": new_family}, "dateOfBirth": new_born}),
        )
        .await;
    assert_eq!(corrected.status, 200, "{corrected:#?}");

    assert_eq!(
        ids(&search(app, Some(&typed), None).await),
        Vec::<&str>::new()
    );
    assert!(
        !ids(&search(app, None, Some(&born)).await).contains(&patient.as_str()),
        "still under the old birth date"
    );
    let found = search(app, Some(&new_typed), Some(&new_born)).await;
    assert_eq!(ids(&found), vec![patient.as_str()], "{found:#?}");
    assert_eq!(
        found.body["items"][0]["name"]["family"],
        new_family.as_str()
    );
}

#[tokio::test]
async fn shows_whether_the_patient_has_activated_the_portal() {
    let app = spawn_app().await;
    let (family, typed) = unusual_family();
    let patient = register(app, "Ana", &family, &unusual_birth_date()).await;
    app.set_profile_attribute(
        &patient,
        "portalAccount",
        json!({"status": "active", "activatedAt": "2026-01-02T03:04:05.600Z"}),
    )
    .await;
    let found = search(app, Some(&typed), None).await;
    assert_eq!(
        found.body["items"][0]["portalStatus"], "active",
        "{found:#?}"
    );
}

#[tokio::test]
async fn clinicians_and_administrators_search_too_and_every_patient_shown_is_audited() {
    let app = spawn_app().await;
    let (family, typed) = unusual_family();
    let patient = register(app, "Ana", &family, &unusual_birth_date()).await;
    for who in [&app.front_desk, &app.clinician, &app.admin] {
        let found = app.get(&query(Some(&typed), None), who).await;
        assert_eq!(found.status, 200, "{}: {found:#?}", who.email);
        assert_eq!(ids(&found), vec![patient.as_str()]);
    }
    let events = app.audit_events(&patient).await;
    let searched: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "patient.search")
        .collect();
    assert_eq!(searched.len(), 3, "{events:#?}");
    for (event, who) in searched
        .iter()
        .zip([&app.front_desk, &app.clinician, &app.admin])
    {
        assert_eq!(event["actorSub"], who.sub.as_str(), "{event}");
        assert_eq!(event["outcome"], "allowed", "{event}");
        assert_eq!(event["resource"], "profile", "{event}");
    }
}

#[tokio::test]
async fn bad_searches_name_the_parameter() {
    let app = spawn_app().await;
    let nothing = app.get("/staff/patients", &app.front_desk).await;
    assert_problem(&nothing, 422, Some("q"));
    assert_problem(&nothing, 422, Some("birthDate"));
    let blank = search(app, Some("  "), Some("")).await;
    assert_problem(&blank, 422, Some("q"));
    for q in ["a", "é-", ", ana", &"a".repeat(101)] {
        let reply = search(app, Some(q), None).await;
        assert_problem(&reply, 422, Some("q"));
    }
    for date in ["12/03/1984", "1984-02-30", "2999-01-01", "1850-01-01"] {
        let reply = search(app, Some("lopez"), Some(date)).await;
        assert_problem(&reply, 422, Some("birthDate"));
    }
}

#[tokio::test]
async fn patients_caregivers_and_the_response_team_may_not_search() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let invitation = app.invite_caregiver(&patient.id, &app.front_desk).await;
    let caregiver = app.accept_as_new_caregiver(&invitation).await;
    for who in [&patient.actor, &caregiver, &app.response_team] {
        let reply = app.get(&query(Some(&patient.family), None), who).await;
        assert_problem(&reply, 403, None);
    }
    // Nothing was found for them, so nothing is in the patient's log as a search.
    let events = app.audit_events(&patient.id).await;
    assert!(
        !events
            .iter()
            .any(|e| e["action"] == "patient.search" && e["outcome"] == "allowed"),
        "{events:#?}"
    );
    let anonymous = app
        .send(Method::GET, &query(Some("lopez"), None), None, None)
        .await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
}

#[tokio::test]
async fn more_matches_than_a_page_holds_are_cut_and_said_to_be() {
    let app = spawn_app().await;
    let (family, typed) = unusual_family();
    let born = unusual_birth_date();
    // One more patient of that family than an answer holds (25).
    let families: Vec<String> = (0..26u8)
        .map(|i| format!("{family}{}", char::from(b'a' + i)))
        .collect();
    let registered =
        futures::future::join_all(families.iter().map(|f| register(app, "Ana", f, &born))).await;
    let found = search(app, Some(&typed), None).await;
    assert_eq!(found.status, 200, "{found:#?}");
    assert_eq!(found.body["truncated"], true, "{found:#?}");
    let listed = ids(&found);
    assert_eq!(listed.len(), 25, "{found:#?}");
    assert!(listed.iter().all(|id| registered.iter().any(|r| r == id)));
    // Narrowed to one of them: all of it, not cut.
    let one = search(app, Some(&format!("{typed}a")), None).await;
    assert_eq!(ids(&one), vec![registered[0].as_str()], "{one:#?}");
    assert_eq!(one.body["truncated"], false, "{one:#?}");
}
