//! What the support suites share: valid bodies, the reporters' and the team's paths, filing a
//! report, reading it as the team, the outbox records that tell reporters, and incidents.

use portal_shared::domain::ids::ReportId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_tests::{Actor, Method, Patient, Reply, TestApp};
use serde_json::{Value, json};

pub const ACCOUNT_REPORTS: &str = "/account/reports";
pub const QUEUE: &str = "/support/reports";
pub const INCIDENTS: &str = "/support/incidents";
pub const TEMPLATE: &str = "problem-report-updated";

// Shared by every suite (the harness).
pub use portal_tests::{id_of, unique};

pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

/// A valid `NewReport` about messaging.
pub fn new_report_body(what: &str) -> Value {
    json!({
        "whatHappened": what,
        "page": "/p/messages",
        "feature": "messaging",
        "appVersion": "1.4.2+web",
    })
}

pub fn patient_reports_path(patient_id: &str) -> String {
    format!("/patients/{patient_id}/reports")
}

pub fn patient_report_path(patient_id: &str, report: &str) -> String {
    format!("/patients/{patient_id}/reports/{report}")
}

pub fn account_report_path(report: &str) -> String {
    format!("{ACCOUNT_REPORTS}/{report}")
}

pub fn team_path(report: &str) -> String {
    format!("{QUEUE}/{report}")
}

pub fn incident_path(incident: &str) -> String {
    format!("{INCIDENTS}/{incident}")
}

/// Files `body` in `patient_id`'s context as `who` (the patient or a caregiver).
pub async fn file_for(app: &TestApp, patient_id: &str, who: &Actor, body: Value) -> Reply {
    app.send(
        Method::POST,
        &patient_reports_path(patient_id),
        Some(who),
        Some(body),
    )
    .await
}

/// A report the patient files about messaging; as answered (the reporter's view).
pub async fn filed(app: &TestApp, patient: &Patient, what: &str) -> Value {
    filed_by(app, &patient.id, &patient.actor, what).await
}

/// A report `who` files in `patient_id`'s context; as answered.
pub async fn filed_by(app: &TestApp, patient_id: &str, who: &Actor, what: &str) -> Value {
    let reply = file_for(app, patient_id, who, new_report_body(what)).await;
    assert_eq!(reply.status, 201, "filing a report: {reply:#?}");
    reply.body
}

/// A report a staff member files for themselves; as answered.
pub async fn staff_filed(app: &TestApp, who: &Actor, what: &str) -> Value {
    let reply = app
        .send(
            Method::POST,
            ACCOUNT_REPORTS,
            Some(who),
            Some(new_report_body(what)),
        )
        .await;
    assert_eq!(reply.status, 201, "filing a staff report: {reply:#?}");
    reply.body
}

/// A new report filed by a new patient; its id and the patient.
pub async fn new_report(app: &TestApp, what: &str) -> (String, Patient) {
    let patient = app.new_patient().await;
    let report = filed(app, &patient, what).await;
    (id_of(&report, "reportId"), patient)
}

/// The team's view of a report (as the response team), which must be there.
pub async fn team_report(app: &TestApp, report: &str) -> Value {
    let reply = app.get(&team_path(report), &app.response_team).await;
    assert_eq!(reply.status, 200, "the team's report: {reply:#?}");
    reply.body
}

/// The team's report's current version.
pub async fn version_of(app: &TestApp, report: &str) -> u64 {
    team_report(app, report).await["version"]
        .as_u64()
        .expect("version")
}

/// A triage (PATCH) by the response team with this If-Match.
pub async fn triage(app: &TestApp, report: &str, if_match: &str, body: Value) -> Reply {
    app.patch(&team_path(report), &app.response_team, if_match, body)
        .await
}

/// A public reply by the response team.
pub async fn answer(app: &TestApp, report: &str, body: Value) -> Reply {
    app.send(
        Method::POST,
        &format!("{}/replies", team_path(report)),
        Some(&app.response_team),
        Some(body),
    )
    .await
}

/// `duplicate` merged into `into` by the response team.
pub async fn merge(app: &TestApp, duplicate: &str, into: &str) -> Reply {
    app.send(
        Method::POST,
        &format!("{}/merge", team_path(duplicate)),
        Some(&app.response_team),
        Some(json!({ "into": into })),
    )
    .await
}

/// Every item of the team's queue for `query` (`state=open`, ...), following the cursor.
pub async fn queue_all(app: &TestApp, who: &Actor, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("{QUEUE}?limit=100");
        if !query.is_empty() {
            path.push('&');
            path.push_str(query);
        }
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let reply = app.get(&path, who).await;
        assert_eq!(reply.status, 200, "the queue: {reply:#?}");
        items.extend(reply.body["items"].as_array().expect("items").clone());
        match reply.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

pub fn find<'a>(items: &'a [Value], field: &str, id: &str) -> Vec<&'a Value> {
    items.iter().filter(|item| item[field] == id).collect()
}

/// The `problem-report-updated` records about `report` (the recipient's own report).
pub async fn told(app: &TestApp, report: &str) -> Vec<Value> {
    app.outbox_where("reportId", report)
        .await
        .into_iter()
        .filter(|record| record["template"] == TEMPLATE)
        .collect()
}

/// The timeline entries of `view` of this kind.
pub fn entries<'a>(view: &'a Value, kind: &str) -> Vec<&'a Value> {
    view["timeline"]
        .as_array()
        .unwrap_or_else(|| panic!("a timeline in {view:#?}"))
        .iter()
        .filter(|entry| entry["kind"] == kind)
        .collect()
}

/// Sets every `firstResponseDue` and `nextUpdateDue` stored on the report item to an hour ago,
/// as if the report had waited past its targets (the API cannot move the clock).
pub async fn make_overdue(app: &TestApp, report: &str) {
    let key = keys::report(ReportId::parse(report).expect("report id"));
    let stored = app.app_item(key).await.expect("the report is stored");
    let mut value: Value = serde_dynamo::from_item(stored).expect("an item");
    let past = Timestamp::now()
        .minus(std::time::Duration::from_secs(3600))
        .to_string();
    fn set_due(value: &mut Value, past: &str) -> usize {
        let mut changed = 0;
        match value {
            Value::Object(map) => {
                for (name, inner) in map.iter_mut() {
                    if (name == "firstResponseDue" || name == "nextUpdateDue") && inner.is_string()
                    {
                        *inner = Value::String(past.to_owned());
                        changed += 1;
                    } else {
                        changed += set_due(inner, past);
                    }
                }
            }
            Value::Array(items) => {
                for inner in items {
                    changed += set_due(inner, past);
                }
            }
            _ => {}
        }
        changed
    }
    assert!(
        set_due(&mut value, &past) > 0,
        "no due time stored on the report: {value:#?}"
    );
    let item = serde_dynamo::to_item(value).expect("an item");
    app.put_app_item(item).await;
}

/// A valid new incident on messaging.
pub fn new_incident_body(title: &str) -> Value {
    json!({
        "title": title,
        "features": ["messaging"],
        "text": "Messages are slow to arrive; we are looking into it.",
    })
}

/// An incident opened by the response team; as answered.
pub async fn opened(app: &TestApp, title: &str) -> Value {
    let reply = app
        .send(
            Method::POST,
            INCIDENTS,
            Some(&app.response_team),
            Some(new_incident_body(title)),
        )
        .await;
    assert_eq!(reply.status, 201, "opening an incident: {reply:#?}");
    reply.body
}

/// An update to an incident by the response team.
pub async fn update_incident(app: &TestApp, incident: &str, if_match: &str, body: Value) -> Reply {
    app.send_with_headers(
        Method::POST,
        &format!("{}/updates", incident_path(incident)),
        &app.response_team,
        body,
        &[("If-Match", if_match)],
    )
    .await
}

/// A 422 naming `field` or a part of it (`features[0]` names `features`).
#[track_caller]
pub fn assert_invalid(reply: &Reply, field: &str) {
    portal_tests::assert_problem(reply, 422, None);
    let named = reply.body["errors"].as_array().is_some_and(|errors| {
        errors.iter().any(|e| {
            e["field"].as_str().is_some_and(|f| {
                f == field
                    || f.starts_with(&format!("{field}["))
                    || f.starts_with(&format!("{field}."))
            })
        })
    });
    assert!(named, "expected the problem to name {field}: {reply:#?}");
}

/// Runs one of the support crate's scheduled jobs once, on the stack's own configuration of
/// `function` (its template resource): `job` gets the dependencies the job's binary builds.
pub async fn run_support_job<F, Fut>(app: &TestApp, function: &'static str, job: F) -> Value
where
    F: FnOnce(portal_support::Deps) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Value, portal_shared::ApiError>> + Send + 'static,
{
    app.on_stack(move |stack| async move {
        let resource = stack
            .template
            .function(function)
            .ok_or_else(|| anyhow::anyhow!("{function} is not in the template"))?;
        let config = stack.function_config(resource)?;
        let support =
            portal_support::SupportSettings::from_lookup(|name| config.env.get(name).cloned())?;
        let deps = portal_support::Deps::new(&config.settings, &support, &stack.sdk);
        job(deps)
            .await
            .map_err(|error| anyhow::anyhow!("the job failed: {}", error.slug()))
    })
    .await
    .unwrap_or_else(|error| panic!("running {function}: {error:#}"))
}
