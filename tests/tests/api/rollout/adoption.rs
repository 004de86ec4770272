//! Adoption: per day, per cohort and for all patients, counts only. Sign-ins add the patient
//! to the day's sets (7- and 30-day figures are distinct patients); a wave's codes count as
//! invited, delivered and activated on the days they were. As JSON or CSV; ranges of at most
//! 92 days. Every test reads its own cohorts' rows (the `all` rows are shared by every test).

use portal_shared::domain::timestamp::Timestamp;
use portal_tests::{Method, TestApp, assert_problem, spawn_app};
use serde_json::{Value, json};

use super::cohorts::new_cohort_of;
use super::waves::{activate, cohort_of_new_patients, job_lock, mailed_code, run_job, started};

/// A cohort of `count` patients who can sign in (created through the API).
async fn cohort_of_patients_with_sign_ins(
    app: &TestApp,
    count: usize,
) -> (String, Vec<portal_tests::Patient>) {
    let mut patients = Vec::new();
    for _ in 0..count {
        patients.push(app.new_patient().await);
    }
    let ids: Vec<&str> = patients.iter().map(|p| p.id.as_str()).collect();
    let name = new_cohort_of(app, false, &ids).await;
    (name, patients)
}

/// The report as JSON, as the portal lead reads it.
async fn report(app: &TestApp, query: &str) -> Value {
    let reply = app
        .get(&format!("/rollout/adoption{query}"), &app.portal_lead)
        .await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body
}

/// The value of one row, if the report has it.
fn value(report: &Value, day: &str, cohort: &str, metric: &str) -> Option<i64> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["day"] == day && row["cohort"] == cohort && row["metric"] == metric)
        .and_then(|row| row["value"].as_i64())
}

/// Today, as the report counts days (the practice's date).
async fn today(app: &TestApp) -> String {
    report(app, "").await["to"].as_str().expect("to").to_owned()
}

#[tokio::test]
async fn sign_ins_count_distinct_patients_per_cohort() {
    let app = spawn_app().await;
    let (cohort, patients) = cohort_of_patients_with_sign_ins(app, 3).await;
    let day = today(app).await;
    let query = format!("?from={day}&to={day}");
    let before = report(app, &query).await;
    assert_eq!(
        value(&before, &day, &cohort, "signedIn7d"),
        None,
        "{before:#}"
    );

    // Two of the three sign in, one of them twice.
    app.signed_in(&patients[0].email).await;
    app.signed_in(&patients[0].email).await;
    app.signed_in(&patients[1].email).await;
    let after = report(app, &query).await;
    assert_eq!(
        value(&after, &day, &cohort, "signedIn7d"),
        Some(2),
        "{after:#}"
    );
    assert_eq!(value(&after, &day, &cohort, "signedIn30d"), Some(2));
    assert_eq!(value(&after, &day, &cohort, "invited"), Some(0));
    let all_before = value(&before, &day, "all", "signedIn7d").unwrap_or(0);
    let all_after = value(&after, &day, "all", "signedIn7d").expect("all");
    assert!(all_after >= all_before + 2, "{all_before} → {all_after}");
    // Counts only: no id or name anywhere in the answer.
    let text = after.to_string();
    for patient in &patients {
        assert!(!text.contains(&patient.id) && !text.contains(&patient.family));
    }
}

#[tokio::test]
async fn a_waves_invitations_and_activations_count_for_its_cohort() {
    let app = spawn_app().await;
    let _job = job_lock(app).await;
    let (cohort, invitees) = cohort_of_new_patients(app, 2).await;
    started(
        app,
        &cohort,
        json!({"ratePerHour": 1000, "deliverBy": "email"}),
    )
    .await;
    run_job(app, Timestamp::now()).await;
    let code = mailed_code(app, &invitees[0], 1).await;
    mailed_code(app, &invitees[1], 1).await;
    let activated = activate(app, &code, &invitees[0].email).await;
    assert_eq!(activated.status, 201, "{activated:#?}");
    let day = today(app).await;
    let query = format!("?from={day}&to={day}");
    // The sender marks deliveries behind the stream: wait for both.
    let deadline = tokio::time::Instant::now() + portal_tests::DELIVERY_WAIT;
    let found = loop {
        let found = report(app, &query).await;
        if value(&found, &day, &cohort, "delivered") == Some(2)
            || tokio::time::Instant::now() > deadline
        {
            break found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    assert_eq!(
        value(&found, &day, &cohort, "invited"),
        Some(2),
        "{found:#}"
    );
    assert_eq!(
        value(&found, &day, &cohort, "delivered"),
        Some(2),
        "{found:#}"
    );
    assert_eq!(
        value(&found, &day, &cohort, "activated"),
        Some(1),
        "{found:#}"
    );
    assert!(value(&found, &day, "all", "invited").is_some_and(|n| n >= 2));
}

/// A GET with an `Accept` header: status, headers and the body as text.
async fn get_text(
    app: &TestApp,
    path: &str,
    accept: &str,
) -> (u16, reqwest::header::HeaderMap, String) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", app.api_url))
        .bearer_auth(&app.portal_lead.token)
        .header("Accept", accept)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

#[tokio::test]
async fn the_report_downloads_as_csv_with_the_same_rows() {
    let app = spawn_app().await;
    let (cohort, patients) = cohort_of_patients_with_sign_ins(app, 1).await;
    app.signed_in(&patients[0].email).await;
    let day = today(app).await;
    let query = format!("?from={day}&to={day}");
    let json_rows = report(app, &query).await["rows"]
        .as_array()
        .expect("rows")
        .len();
    for (path, accept) in [
        (format!("/rollout/adoption{query}"), "text/csv"),
        (format!("/rollout/adoption{query}&format=csv"), "*/*"),
    ] {
        let (status, headers, text) = get_text(app, &path, accept).await;
        assert_eq!(status, 200, "{path}: {text}");
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("text/csv; charset=utf-8")
        );
        let disposition = headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(disposition.starts_with("attachment"), "{disposition}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "day,cohort,metric,value");
        assert!(
            lines
                .iter()
                .skip(1)
                .all(|line| line.split(',').count() == 4)
        );
        assert!(lines.len() > 1 && json_rows > 0, "{text}");
        assert!(
            lines.contains(&format!("{day},{cohort},signedIn7d,1").as_str()),
            "{text}"
        );
    }
    // JSON unless CSV is asked for.
    let (_, headers, _) = get_text(app, &format!("/rollout/adoption{query}"), "*/*").await;
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
}

#[tokio::test]
async fn ranges_are_checked_and_the_default_is_the_last_30_days() {
    let app = spawn_app().await;
    let whole = report(app, "").await;
    let to = whole["to"].as_str().expect("to").to_owned();
    let from = whole["from"].as_str().expect("from").to_owned();
    let days: std::collections::BTreeSet<&str> = whole["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|row| row["day"].as_str())
        .collect();
    assert_eq!(days.len(), 30, "{from}..{to}");
    assert_eq!(days.first().copied(), Some(from.as_str()));
    assert_eq!(days.last().copied(), Some(to.as_str()));

    let today = time::Date::parse(
        &to,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .expect("a date");
    let day = |offset: i64| {
        let date = today + time::Duration::days(offset);
        format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    };
    for (query, field) in [
        (format!("?from={}&to={}", day(-1), day(-2)), "from"),
        (format!("?from={}&to={}", day(-92), day(0)), "from"),
        ("?from=2026-13-01".to_owned(), "from"),
        ("?to=yesterday".to_owned(), "to"),
        (format!("?to={}", day(1)), "to"),
        ("?format=xml".to_owned(), "format"),
    ] {
        let reply = app
            .get(&format!("/rollout/adoption{query}"), &app.portal_lead)
            .await;
        assert_problem(&reply, 422, Some(field));
    }
    // 92 days is the most.
    let longest = report(app, &format!("?from={}&to={}", day(-91), day(0))).await;
    assert_eq!(longest["from"], day(-91).as_str());

    // Portal leads and administrators read it; no one else; no token is 401.
    let admin = app.get("/rollout/adoption", &app.admin).await;
    assert_eq!(admin.status, 200, "{admin:#?}");
    for who in [&app.front_desk, &app.clinician, &app.response_team] {
        let reply = app.get("/rollout/adoption", who).await;
        assert_eq!(reply.status, 403, "{reply:#?}");
    }
    let anonymous = app.send(Method::GET, "/rollout/adoption", None, None).await;
    assert_eq!(anonymous.status, 401, "{anonymous:#?}");
}
