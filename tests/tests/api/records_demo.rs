//! The demo practice's patient1 gets her record from three sources through the import route
//! (`portal-local up --seed demo`, what `make dev` runs).

use portal_local::identity::{self, DEMO_PASSWORD};
use portal_local::seed::seed_demo;
use portal_tests::{Actor, spawn_app};

#[tokio::test]
async fn the_demo_patient_sees_one_record_from_three_sources() {
    let app = spawn_app().await;
    let api_url = app.api_url.clone();
    let (users, token) = app
        .on_stack(move |stack| async move {
            let users = seed_demo(&stack, &api_url).await?;
            let token =
                identity::sign_in(&stack, "ana.lopez@demo.portal.test", DEMO_PASSWORD).await?;
            Ok((users, token))
        })
        .await
        .expect("seeding the demo");
    let patient1 = users
        .iter()
        .find(|u| u.role == "patient1")
        .and_then(|u| u.patient_id.clone())
        .expect("patient1");
    let ana = Actor {
        email: "ana.lopez@demo.portal.test".into(),
        sub: String::new(),
        token,
    };
    let sources = app.get("/patients/me/sources", &ana).await;
    assert_eq!(sources.status, 200, "{sources:#?}");
    let names: Vec<&str> = sources.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Lakeside Endocrinology Clinic",
            "Maple Street Family Practice",
            "Riverside Urgent Care"
        ]
    );
    let allergies = app
        .all_records(&patient1, &ana, "?category=allergies")
        .await;
    assert_eq!(allergies.len(), 1);
    assert_eq!(allergies[0]["sources"].as_array().map(Vec::len), Some(2));
}
