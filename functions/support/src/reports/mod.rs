//! Problem reports: anyone who uses the portal tells the quick-response team what went wrong
//! (patients and caregivers in a patient's context, `/patients/{patientId}/reports*`; staff
//! from their account, `/account/reports*`), follows their own reports and replies; the team
//! works them (`/support/reports*`).
//!
//! A reporter reaches only the reports they filed, in the context they filed them: any other
//! report, like a foreign patient, is 404. Patient routes are authorised (and audited) by the
//! authorizer on the patient; staff routes by their role, and audited after they succeed.
//!
//! One handler per file; `repo` owns every read and write of reports, `tell` the outbox
//! records that tell reporters, `model` the shapes.

mod file;
mod list;
pub mod model;
mod reply;
pub mod repo;
pub mod targets;
pub mod tell;
mod view;
// The team's handlers (another helper's files).
mod answer;
mod get;
mod merge;
mod note;
mod queue;
mod team_repo;
mod triage;

pub use file::{for_patient as file_for_patient, for_staff as file_for_staff};
pub use list::{patient as patient_list, staff as staff_list};
pub use reply::{patient as patient_reply, staff as staff_reply};
pub use view::{patient as patient_get, staff as staff_get};

pub use answer::handle as answer;
pub use get::handle as get;
pub use merge::handle as merge;
pub use note::handle as note;
pub use queue::handle as queue;
pub use triage::handle as triage;

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, ReportId};
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess, Relationship, StaffAccess};
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::reports::model::{Report, ReporterKind};
use crate::reports::repo::ReportStore;

pub fn store(deps: &Deps) -> ReportStore<'_> {
    ReportStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The report named by `{reportId}`; an id that is not well-formed names none (404).
pub fn report_in_path(call: &Call) -> Result<ReportId, ApiError> {
    call.path_param("reportId")
        .and_then(|raw| ReportId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// What the audit trail names for one report (ids only).
pub fn report_resource(report: impl std::fmt::Display) -> AuditResource {
    AuditResource::Route(format!("problem-report/{report}"))
}

/// What the audit trail names for a reporter's reports as a whole (filing, listing).
pub fn reports_resource() -> AuditResource {
    AuditResource::Route("problem-reports".into())
}

/// A report's view with the report's version as the ETag.
pub fn report_response(
    status: StatusCode,
    version: u64,
    body: &impl serde::Serialize,
) -> Result<Response<Body>, ApiError> {
    json_with_headers(status, body, &[(header::ETAG, Version(version).etag())])
}

/// Whose reports a reporter route reaches: those the caller filed, in this patient's context
/// (`patient`), or from their staff account (`None`).
#[derive(Debug, Clone)]
pub struct ReporterScope {
    pub sub: UserSub,
    pub patient: Option<PatientId>,
}

impl ReporterScope {
    pub fn owns(&self, report: &Report) -> bool {
        report.reporter.sub == self.sub && report.reporter.patient_id == self.patient
    }

    /// The cursor scope of this reporter's list.
    fn list_scope(&self) -> String {
        match self.patient {
            Some(patient) => format!("problem-reports:{}:{patient}", self.sub),
            None => format!("problem-reports:{}:account", self.sub),
        }
    }
}

/// A patient reporter route: the patient in the path, authorised for `ReportProblem` and
/// audited as an access to `resource` (a foreign patient is 404; the `problem-reports`
/// switch is checked too). Staff report from their own account, not in a patient's name.
async fn patient_reporting(
    deps: &Deps,
    call: &Call,
    resource: AuditResource,
) -> Result<(PatientAccess, ReporterKind, ReporterScope), ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReportProblem, resource)
        .await?;
    let kind = match access.relationship() {
        Relationship::Own => ReporterKind::Patient,
        Relationship::Caregiver => ReporterKind::Caregiver,
        Relationship::Staff(_) => {
            return Err(ApiError::Forbidden(
                "Staff report problems from their own account (/account/reports).",
            ));
        }
    };
    let scope = ReporterScope {
        sub: call.caller().sub.clone(),
        patient: Some(access.patient()),
    };
    Ok((access, kind, scope))
}

/// A staff reporter route: the caller's staff role allows `ReportProblem` (the action is
/// audited by the handler once it succeeds).
async fn staff_reporting(
    deps: &Deps,
    call: &Call,
) -> Result<(StaffAccess, ReporterScope), ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ReportProblem)
        .await?;
    let scope = ReporterScope {
        sub: call.caller().sub.clone(),
        patient: None,
    };
    Ok((access, scope))
}

/// The most merges followed from a duplicate to the report the team works on.
const MAX_MERGE_HOPS: usize = 10;

/// The report `report` was merged into, followed to the end of the chain (a report merged
/// after it gathered duplicates), or `None` when it was not merged.
async fn primary_of(store: &ReportStore<'_>, report: &Report) -> Result<Option<Report>, ApiError> {
    let mut next = report.merged_into;
    let mut found = None;
    for _ in 0..MAX_MERGE_HOPS {
        let Some(id) = next else { break };
        let Some(primary) = store.load(id).await? else {
            break;
        };
        next = primary.merged_into;
        found = Some(primary);
    }
    Ok(found)
}
