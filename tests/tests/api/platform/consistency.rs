//! One truth about the routes: `template.yaml` (what API Gateway serves), each function's
//! router, `events/` and `docs/openapi.yaml` must list the same routes.

use std::collections::BTreeSet;
use std::path::PathBuf;

use portal_local::Template;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::Route;
use portal_tests::{spawn_app, spawn_switchboard, template_routes, workspace_root};
use serde_json::Value;

type Routes = BTreeSet<(String, String)>;

/// Every function crate's router, by its cargo binary (Metadata.BuildProperties.Binary).
/// A new function must be added here — the test below fails until it is.
fn routers() -> Vec<(&'static str, &'static [Route])> {
    vec![
        ("profile", portal_profile::ROUTES),
        ("audit", portal_audit::ROUTES),
        ("auth", portal_auth::ROUTES),
        ("care-circle", portal_care_circle::ROUTES),
        ("staff", portal_staff::ROUTES),
        ("messages", portal_messages::ROUTES),
        ("records", portal_records::ROUTES),
        ("appointments", portal_appointments::ROUTES),
        ("notifications", portal_notifications::ROUTES),
        ("rollout", portal_rollout::ROUTES),
        ("feedback", portal_feedback::ROUTES),
        ("support", portal_support::ROUTES),
        ("refills", portal_refills::ROUTES),
        ("education", portal_education::ROUTES),
        // Scheduled, streamed, subscribed or a user pool trigger, no routes (their jobs,
        // consumers and triggers are checked in infra/local's template tests).
        ("waitlist-sweeper", &[]),
        ("invitation-waves", &[]),
        ("announcements", &[]),
        ("digest", &[]),
        ("notification-sender", &[]),
        ("notification-release", &[]),
        ("notification-bounces", &[]),
        ("notification-cognito-messages", &[]),
    ]
}

/// The routes API Gateway serves without the authorizer (`Auth: {Authorizer: NONE}`).
fn public_routes() -> Routes {
    template()
        .functions
        .iter()
        .flat_map(|f| f.events.iter())
        .filter(|e| e.authorizer.is_none())
        .map(|e| (e.method.clone(), e.path.clone()))
        .collect()
}

fn template() -> Template {
    Template::load(&workspace_root().join("template.yaml")).expect("template.yaml parses")
}

fn as_set(routes: &[Route]) -> Routes {
    routes
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect()
}

fn event_files() -> Vec<(PathBuf, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(workspace_root().join("events"))
        .expect("events/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let json = serde_json::from_str(&text).expect("event is JSON");
            (path, json)
        })
        .collect()
}

#[test]
fn every_template_function_has_a_router_that_serves_exactly_its_routes() {
    let routers = routers();
    for function in &template().functions {
        let binary = function.binary.as_deref().expect("BuildProperties.Binary");
        let (_, routes) = routers
            .iter()
            .find(|(name, _)| *name == binary)
            .unwrap_or_else(|| panic!("no router registered for {binary} in routers()"));
        let declared: Routes = function
            .events
            .iter()
            .map(|e| (e.method.clone(), e.path.clone()))
            .collect();
        assert_eq!(
            declared,
            as_set(routes),
            "{} vs template.yaml",
            function.logical_id
        );
    }
}

#[test]
fn every_route_has_one_event_in_events() {
    let mut seen = Routes::new();
    for (path, event) in event_files() {
        let method = event["httpMethod"].as_str().expect("httpMethod").to_owned();
        let resource = event["resource"].as_str().expect("resource").to_owned();
        assert_eq!(
            event["requestContext"]["resourcePath"],
            resource,
            "{}: resourcePath",
            path.display()
        );
        // Authenticated routes carry a demo caller's claims; public ones (`/auth/*`, no
        // authorizer) carry none, as API Gateway sends them.
        let public = public_routes().contains(&(method.clone(), resource.clone()));
        assert_eq!(
            event["requestContext"]["authorizer"]["claims"]["sub"].is_string(),
            !public,
            "{}: claims {}",
            path.display(),
            if public {
                "on a public route"
            } else {
                "missing"
            }
        );
        for name in resource
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        {
            assert!(
                event["pathParameters"][name].is_string(),
                "{}: pathParameters.{name}",
                path.display()
            );
        }
        assert!(
            seen.insert((method, resource)),
            "{}: a second event for one route",
            path.display()
        );
    }
    assert_eq!(seen, template_routes(), "events/ vs template.yaml");
}

#[test]
fn openapi_documents_exactly_the_template_routes() {
    let text =
        std::fs::read_to_string(workspace_root().join("docs/openapi.yaml")).expect("openapi");
    let doc: Value = serde_norway::from_str(&text).expect("openapi parses");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    let methods = ["get", "put", "post", "patch", "delete", "head", "options"];
    let mut documented = Routes::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in methods {
            if item.get(method).is_some() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    assert_eq!(
        documented,
        template_routes(),
        "docs/openapi.yaml vs template.yaml"
    );
}

/// Events whose routes change what is practice-wide.
const PRACTICE_WIDE_EVENTS: &[&str] = &[
    "change-feature-switch.json",
    "kill-feature.json",
    "publish-agreement.json",
    "accept-agreement.json",
    // A feature off for a cohort (its placeholder report answers 404 first), and an incident
    // on the public status page.
    "switch-off-from-report.json",
    "open-incident.json",
    // An announcement to every patient (in everyone's what's new), and ending one (its
    // placeholder answers 404 first).
    "announce.json",
    "expire-announcement.json",
    // A pharmacy in the practice's directory (every patient's pharmacy search lists it).
    "add-pharmacy.json",
];

/// Runs each `(file, function, event)` through the function's real handler on `app`'s stack;
/// the status each answered.
async fn run_events(
    app: &'static portal_tests::TestApp,
    events: Vec<(String, String, String)>,
    binaries: std::collections::HashMap<String, String>,
) -> Vec<(String, u16)> {
    app.on_stack(move |stack| async move {
        let mut outcomes = Vec::new();
        for (path, function, text) in events {
            let env = stack.env_for(&function)?;
            let settings = Settings::from_lookup(|name| env.get(name).cloned())?;
            let handler = portal_local::registry::handler_for(
                &binaries[&function],
                &settings,
                &stack.sdk,
                &env,
            )
            .ok_or_else(|| anyhow::anyhow!("no handler for {function}"))?;
            let request = lambda_http::request::from_str(&text)?;
            let response = handler.call(request).await;
            outcomes.push((path, response.status().as_u16()));
        }
        Ok(outcomes)
    })
    .await
    .expect("events ran")
}

/// Each event is one `cargo lambda invoke` / `sam local invoke -e` would deliver: run it
/// through the real handler of the function whose route it is, as Lambda would, against the
/// test stack.
#[tokio::test]
async fn every_event_runs_through_its_handler() {
    let app = spawn_app().await;
    let functions = template().functions;
    let events: Vec<(String, String, String)> = event_files()
        .into_iter()
        .map(|(path, json)| {
            let route = (
                json["httpMethod"].as_str().unwrap_or_default().to_owned(),
                json["resource"].as_str().unwrap_or_default().to_owned(),
            );
            let function = functions
                .iter()
                .find(|f| {
                    f.events
                        .iter()
                        .any(|e| (e.method.clone(), e.path.clone()) == route)
                })
                .unwrap_or_else(|| panic!("{}: no function serves {route:?}", path.display()));
            (
                path.display().to_string(),
                function.logical_id.clone(),
                json.to_string(),
            )
        })
        .collect();
    let binaries: std::collections::HashMap<String, String> = functions
        .iter()
        .map(|f| (f.logical_id.clone(), f.binary.clone().unwrap_or_default()))
        .collect();
    // Events that change what is practice-wide (a feature's switch, the published terms) run on
    // the switchboard stack: on the shared one they would reach every test running meanwhile.
    let (practice_wide, ordinary): (Vec<_>, Vec<_>) = events
        .into_iter()
        .partition(|(path, _, _)| PRACTICE_WIDE_EVENTS.iter().any(|name| path.ends_with(name)));
    let mut outcomes = run_events(app, ordinary, binaries.clone()).await;
    outcomes.extend(run_events(spawn_switchboard().await, practice_wide, binaries).await);
    for (path, status) in outcomes {
        // Placeholder ids name no one in a fresh stack (404); anything else must be a real
        // answer, not an authentication or server failure. The sign-in and refresh events carry
        // the demo's credentials, which a fresh test stack does not have, and the MFA answer a
        // placeholder session: 401 is their answer, as it is for accepting a staff invitation.
        let placeholder_credentials = [
            "sign-in.json",
            "refresh.json",
            "answer-mfa.json",
            "accept-staff-invitation.json",
            "sign-in-with-backup-code.json",
        ]
        .iter()
        .any(|name| path.ends_with(name));
        assert!(
            status < 500 && status != 403 && (status != 401 || placeholder_credentials),
            "{path}: {status}"
        );
        if path.ends_with("register-patient.json") {
            assert_eq!(status, 201, "{path}");
        }
    }
}
