//! What `make bench` launches: the floor and the API binary of every function, each with the
//! event of one read route (from `events/`, placeholders swapped for a patient and staff of the
//! bench's own stack, so the read reaches real data in the emulated AWS).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use axum::body::Bytes;
use portal_local::demo_event::{FRONT_DESK_SUB, PATIENT_ID, PATIENT_SUB};
use portal_tests::{Patient, TestApp, workspace_root};

/// One binary to measure.
pub struct Subject {
    /// The folder under `functions/` (or `floor`).
    pub name: &'static str,
    /// The release binary under `target/release/`.
    pub binary: &'static str,
    /// The template's logical id, whose environment it runs with (none for the floor).
    pub logical_id: Option<&'static str>,
    /// The event file in `events/` it is invoked with.
    pub event: &'static str,
}

/// The hello-world `lambda_http` function (bench/floor) every figure is compared with.
pub const FLOOR: Subject = Subject {
    name: "floor",
    binary: "bench-floor",
    logical_id: None,
    event: "health",
};

/// Each function's API binary and a read route of it; where a route answers without the
/// database it is preferred (auth's `/health`).
pub const FUNCTIONS: [Subject; 14] = [
    subject("appointments", "AppointmentsFunction", "list-appointments"),
    subject("audit", "AuditFunction", "get-access-log"),
    subject("auth", "AuthFunction", "health"),
    subject("care-circle", "CareCircleFunction", "list-care-circle"),
    subject("education", "EducationFunction", "list-education"),
    subject("feedback", "FeedbackFunction", "my-feedback"),
    subject("messages", "MessagesFunction", "list-conversations"),
    subject(
        "notifications",
        "NotificationsFunction",
        "get-notification-preferences",
    ),
    subject("profile", "ProfileFunction", "get-profile"),
    subject("records", "RecordsFunction", "list-records"),
    subject("refills", "RefillsFunction", "list-refills"),
    subject("rollout", "RolloutFunction", "patient-features"),
    subject("staff", "StaffFunction", "list-staff"),
    subject("support", "SupportFunction", "list-patient-announcements"),
];

const fn subject(name: &'static str, logical_id: &'static str, event: &'static str) -> Subject {
    Subject {
        name,
        binary: name,
        logical_id: Some(logical_id),
        event,
    }
}

impl Subject {
    pub fn binary_path(&self) -> PathBuf {
        workspace_root().join("target/release").join(self.binary)
    }

    /// `GET /patients/{patientId}/profile`: the route of its event, for the tables.
    pub fn route(&self) -> Result<String> {
        let event = self.event_template()?;
        Ok(format!(
            "{} {}",
            event["httpMethod"].as_str().unwrap_or("?"),
            event["resource"].as_str().unwrap_or("?")
        ))
    }

    fn event_file(&self) -> PathBuf {
        workspace_root()
            .join("events")
            .join(format!("{}.json", self.event))
    }

    fn event_template(&self) -> Result<serde_json::Value> {
        let path = self.event_file();
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
    }

    /// The event with its placeholders swapped for `patient` and the stack's staff.
    pub fn event(&self, app: &TestApp, patient: &Patient) -> Result<Bytes> {
        let path = self.event_file();
        let mut text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        for (placeholder, value) in [
            (PATIENT_ID, patient.id.as_str()),
            (PATIENT_SUB, patient.actor.sub.as_str()),
            (FRONT_DESK_SUB, app.front_desk.sub.as_str()),
            ("demo-clinician-sub", app.clinician.sub.as_str()),
            ("demo-response-sub", app.response_team.sub.as_str()),
            ("demo-admin-sub", app.admin.sub.as_str()),
        ] {
            text = text.replace(placeholder, value);
        }
        Ok(Bytes::from(text))
    }
}

/// Folders under `functions/` that [`FUNCTIONS`] does not measure (a new function should be
/// added there).
pub fn unmeasured() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(workspace_root().join("functions")) else {
        return Vec::new();
    };
    let mut missing: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| FUNCTIONS.iter().all(|f| f.name != name))
        .collect();
    missing.sort();
    missing
}

/// Every function's environment on the bench's stack, as `portal-local up` writes it to
/// functions.env (the emulated AWS's endpoint and test credentials included), by logical id;
/// the floor gets the shared part.
pub async fn environments(app: &TestApp) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    app.on_stack(|stack| async move {
        let shared = portal_local::functions_env::for_stack(&stack).await?;
        let mut by_function = BTreeMap::new();
        for subject in FUNCTIONS.iter().chain([&FLOOR]) {
            let mut env = shared.clone();
            if let Some(id) = subject.logical_id {
                env.extend(stack.env_for(id)?);
            }
            by_function.insert(subject.name.to_owned(), env);
        }
        Ok(by_function)
    })
    .await
}
