//! The demo practice's patients get their records from three sources through the import route
//! (`portal-local up --seed demo`, what `make dev` runs), and the results the practice's
//! clinicians add join the practice's own imported source.

use portal_local::identity::{self, DEMO_PASSWORD};
use portal_local::seed::{DemoUser, seed_demo};
use portal_tests::{Actor, TestApp, spawn_app};
use serde_json::Value;
use tokio::sync::OnceCell;

/// The demo practice, seeded once into the shared stack (its users' emails are fixed).
async fn seeded(app: &TestApp) -> &'static Vec<DemoUser> {
    static DEMO: OnceCell<Vec<DemoUser>> = OnceCell::const_new();
    DEMO.get_or_init(|| async {
        let api_url = app.api_url.clone();
        app.on_stack(move |stack| async move { seed_demo(&stack, &api_url).await })
            .await
            .expect("seeding the demo")
    })
    .await
}

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
    let users = seeded(app).await.clone();
    let tokens = app
        .on_stack(move |stack| async move {
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
            Ok(tokens)
        })
        .await
        .expect("signing in the demo's users");
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

/// What the demo practice's seeding sent (booking confirmations, the caregiver's invitation)
/// names no demo patient and says nothing of their visits or messages. Runs after the seeding
/// above, whichever test seeds first: it waits for the demo's own addresses to hear something.
#[tokio::test]
async fn nothing_the_demo_sent_names_a_patient_or_their_health() {
    let app = spawn_app().await;
    seeded(app).await;
    // The booking confirmations go to the demo patients; the invitation to Ana's son.
    let mut sent = Vec::new();
    for address in [
        "samuel.okafor@demo.portal.test",
        "sam.lopez@demo.portal.test",
    ] {
        sent.extend(app.wait_for_emails(address, 1).await);
    }
    for address in ["ana.lopez@demo.portal.test", "mei.tanaka@demo.portal.test"] {
        sent.extend(app.emails_to(address).await);
    }
    for email in &sent {
        let text = format!("{}\n{}", email.subject, email.body).to_lowercase();
        for secret in [
            "ana",
            "lopez",
            "samuel",
            "okafor",
            "mei",
            "tanaka",
            "dizzy",
            "tablets",
            "blood pressure",
            "medication review",
            "adeyemi",
            "becker",
            "nair",
        ] {
            assert!(!text.contains(secret), "an email holds {secret:?}: {text}");
        }
    }
}
