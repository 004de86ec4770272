//! The demo practice's patients get their records from three sources through the import route
//! (`portal-local up --seed demo`, what `make dev` runs), and the results the practice's
//! clinicians add join the practice's own imported source.

use portal_local::identity::{self, DEMO_PASSWORD};
use portal_local::seed::seed_demo;
use portal_tests::{Actor, spawn_app};
use serde_json::Value;

const SOURCES: [&str; 3] = [
    "Lakeside Endocrinology Clinic",
    "Maple Street Family Practice",
    "Riverside Urgent Care",
];

fn names_and_counts(sources: &Value) -> Vec<(String, u64)> {
    sources["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().expect("name").to_owned(),
                s["records"].as_u64().expect("records"),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_demo_patients_see_one_record_from_three_sources() {
    let app = spawn_app().await;
    let api_url = app.api_url.clone();
    let (users, tokens) = app
        .on_stack(move |stack| async move {
            let users = seed_demo(&stack, &api_url).await?;
            let mut tokens = Vec::new();
            for email in [
                "ana.lopez@demo.portal.test",
                "samuel.okafor@demo.portal.test",
                "mei.tanaka@demo.portal.test",
                "clinician@demo.portal.test",
            ] {
                let token = identity::sign_in(&stack, email, DEMO_PASSWORD).await?;
                tokens.push(Actor {
                    email: email.to_owned(),
                    sub: String::new(),
                    token,
                });
            }
            Ok((users, tokens))
        })
        .await
        .expect("seeding the demo");
    let patient_id = |role: &str| {
        users
            .iter()
            .find(|u| u.role == role)
            .and_then(|u| u.patient_id.clone())
            .unwrap_or_else(|| panic!("{role}"))
    };
    let (ana, clinician) = (&tokens[0], &tokens[3]);
    for patient in &tokens[..3] {
        let sources = app.get("/patients/me/sources", patient).await;
        assert_eq!(sources.status, 200, "{sources:#?}");
        let names: Vec<String> = names_and_counts(&sources.body)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, SOURCES, "{}", patient.email);
        let summary = app.get("/patients/me/summary", patient).await;
        assert_eq!(summary.status, 200, "{summary:#?}");
        assert!(
            summary.body["activeProblems"]
                .as_array()
                .is_some_and(|p| !p.is_empty()),
            "{summary:#?}"
        );
    }
    let patient1 = patient_id("patient1");
    let allergies = app.all_records(&patient1, ana, "?category=allergies").await;
    assert_eq!(allergies.len(), 1);
    assert_eq!(allergies[0]["sources"].as_array().map(Vec::len), Some(2));

    // A result the practice's clinician adds is the practice's: no fourth source.
    let before = names_and_counts(&app.get("/patients/me/sources", ana).await.body);
    let added = app.add_result(&patient1, clinician).await;
    assert_eq!(added.status, 201, "{added:#?}");
    assert_eq!(added.body["source"]["name"], "Maple Street Family Practice");
    let after = names_and_counts(&app.get("/patients/me/sources", ana).await.body);
    let expected: Vec<(String, u64)> = before
        .into_iter()
        .map(|(name, count)| {
            let added = u64::from(name == "Maple Street Family Practice");
            (name, count + added)
        })
        .collect();
    assert_eq!(after, expected);
}
