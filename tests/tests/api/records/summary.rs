//! `GET /patients/{patientId}/summary` and `.../observations/{code}/series`.

use portal_tests::{assert_problem, spawn_app};
use serde_json::Value;

use crate::records::read::{PRACTICE, SPECIALIST, URGENT_CARE, patient_with_three_sources};

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|r| r["code"]["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn the_summary_shows_what_is_in_force_from_every_source() {
    let app = spawn_app().await;
    let patient = patient_with_three_sources(app).await;
    let reply = app
        .get(&format!("/patients/{}/summary", patient.id), &patient.actor)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let summary = &reply.body;
    // The healed laceration is resolved: not an active problem.
    let mut problems = titles(&summary["activeProblems"]);
    problems.sort();
    assert_eq!(problems, ["38341003", "44054006"]);
    let mut medications = titles(&summary["currentMedications"]);
    medications.sort();
    assert_eq!(medications, ["314076", "860975"]);
    assert_eq!(summary["allergies"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        summary["allergies"][0]["sources"].as_array().map(Vec::len),
        Some(2)
    );
    // The newest weight is the practice's (October), not the urgent care's (August).
    let weight = summary["latestVitals"]
        .as_array()
        .expect("vitals")
        .iter()
        .find(|v| v["code"]["code"] == "29463-7")
        .expect("a weight");
    assert_eq!(weight["source"]["name"], PRACTICE);
    assert_eq!(weight["value"]["value"], 78.9);
    let results = summary["recentResults"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    assert!(results[0]["date"].as_str() >= results[1]["date"].as_str());
    assert_eq!(summary["sources"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_series_converts_units_it_knows_and_names_every_source() {
    let app = spawn_app().await;
    let patient = patient_with_three_sources(app).await;
    let reply = app
        .get(
            &format!("/patients/{}/observations/4548-4/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    let body = &reply.body;
    assert_eq!(body["system"], "http://loinc.org");
    // The specialist's HbA1c in mmol/mol joins the % chart, converted by the IFCC-NGSP master
    // equation (53 mmol/mol / 10.929 + 2.15 = 7.0 %) and marked with what it reported.
    assert_eq!(body["unitsDiffer"], false, "{body:#}");
    let series = body["series"].as_array().expect("series");
    assert_eq!(series.len(), 1, "{body:#}");
    let percent = series.iter().find(|s| s["unit"] == "%").expect("in %");
    let points = percent["points"].as_array().expect("points");
    assert_eq!(points.len(), 5);
    let dates: Vec<&str> = points
        .iter()
        .map(|p| p["date"].as_str().expect("date"))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "oldest first");
    assert!(points.iter().any(|p| p["source"]["name"] == URGENT_CARE));
    assert!(points.iter().any(|p| p["source"]["name"] == PRACTICE));
    assert_eq!(points[0]["high"], 5.7);
    let converted: Vec<&Value> = points
        .iter()
        .filter(|p| p.get("converted").is_some())
        .collect();
    assert_eq!(converted.len(), 1, "{points:#?}");
    assert_eq!(converted[0]["value"], 7.0);
    assert_eq!(
        converted[0]["converted"],
        serde_json::json!({"value": 53.0, "unit": "mmol/mol"})
    );
    assert_eq!(converted[0]["source"]["name"], SPECIALIST);
    assert!(
        points
            .iter()
            .filter(|p| p.get("converted").is_none())
            .all(|p| p["source"]["name"] != SPECIALIST)
    );

    let weight = app
        .get(
            &format!("/patients/{}/observations/29463-7/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(weight.body["unitsDiffer"], true, "{weight:#?}");
    let none = app
        .get(
            &format!("/patients/{}/observations/1234-5/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(none.status, 200);
    assert_eq!(none.body["series"], serde_json::json!([]));
    let bad = app
        .get(
            &format!("/patients/{}/observations/glucose/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_problem(&bad, 422, Some("code"));
}

/// A blood pressure comes as a panel whose values are its components (systolic, diastolic):
/// the summary's latest vitals show them, and each joins its own code's series.
#[tokio::test]
async fn blood_pressure_panels_show_their_systolic_and_diastolic_values() {
    let app = spawn_app().await;
    let patient = patient_with_three_sources(app).await;
    let summary = app
        .get(&format!("/patients/{}/summary", patient.id), &patient.actor)
        .await;
    assert_eq!(summary.status, 200, "{summary:#?}");
    let pressure = summary.body["latestVitals"]
        .as_array()
        .expect("vitals")
        .iter()
        .find(|v| v["code"]["code"] == "85354-9")
        .expect("the latest blood pressure");
    let parts: Vec<(String, f64, String)> = pressure["value"]["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| {
            (
                c["loinc"].as_str().expect("loinc").to_owned(),
                c["value"].as_f64().expect("value"),
                c["unit"].as_str().expect("unit").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("8480-6".to_owned(), 128.0, "mm[Hg]".to_owned()),
            ("8462-4".to_owned(), 82.0, "mm[Hg]".to_owned()),
        ],
        "October's reading"
    );

    let systolic = app
        .get(
            &format!("/patients/{}/observations/8480-6/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(systolic.status, 200, "{systolic:#?}");
    assert_eq!(systolic.body["series"].as_array().map(Vec::len), Some(1));
    let points = systolic.body["series"][0]["points"]
        .as_array()
        .expect("points");
    let values: Vec<f64> = points
        .iter()
        .map(|p| p["value"].as_f64().expect("value"))
        .collect();
    assert_eq!(values, [142.0, 136.0, 128.0], "oldest first");
    assert!(points.iter().all(|p| p["source"]["name"] == PRACTICE));

    let panels = app
        .get(
            &format!("/patients/{}/observations/85354-9/series", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(panels.status, 200);
    let points = panels.body["series"][0]["points"]
        .as_array()
        .expect("points");
    assert_eq!(points.len(), 3);
    assert!(
        points
            .iter()
            .all(|p| p["components"].as_array().map(Vec::len) == Some(2))
    );
}
