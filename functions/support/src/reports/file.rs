//! `POST /patients/{patientId}/reports` (a patient, or a caregiver for them) and
//! `POST /account/reports` (staff): file a problem report (`NewReport`; Idempotency-Key) →
//! 201 `ProblemReport` + Location + ETag.
//!
//! The server records the reporter's switch states itself, evaluated as the feature gate
//! decides for them now (the same evaluation as `GET /patients/{patientId}/features`; for
//! staff, their roles and no patient): what the client claims is never trusted. The report
//! starts `new`, severity unset, first response due after the `normal` target; the report and
//! its `filed` entry are written in one transaction.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, ReportId};
use portal_shared::domain::person::Email;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::{CareCircleStore, GrantRecord};
use portal_shared::features::switches::{Evaluation, Feature, Subject};
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::audit;
use portal_shared::policy::authz::PatientAccess;
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::reports::model::{
    EntryKind, NewReport, Report, ReportStatus, Reporter, ReporterKind, Side, SwitchState,
    TimelineEntry, ValidReport, reporter_view,
};
use crate::reports::{
    patient_reporting, report_resource, reports_resource, staff_reporting, store,
};

pub async fn for_patient(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, kind, scope) = patient_reporting(deps, call, reports_resource()).await?;
    let idempotency = Idempotency::from_call(call)?;
    let valid = call.json_body::<NewReport>()?.validate()?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let patient = access.patient();
    let states = deps.platform.feature_states(patient, call.caller()).await?;
    let email = match kind {
        ReporterKind::Caregiver => caregiver_address(deps, &access, &scope.sub).await?,
        _ => None,
    };
    let reporter = Reporter {
        kind,
        sub: scope.sub,
        patient_id: Some(patient),
        email,
        language: None,
    };
    let filed = file(deps, call, idempotency.as_ref(), valid, reporter, &states).await?;
    filed.response.render(filed.replayed)
}

pub async fn for_staff(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, scope) = staff_reporting(deps, call).await?;
    let idempotency = Idempotency::from_call(call)?;
    let valid = call.json_body::<NewReport>()?.validate()?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let states = deps
        .platform
        .features
        .states(&Subject::of(call.caller(), None))
        .await?;
    let reporter = Reporter {
        kind: ReporterKind::Staff,
        sub: scope.sub,
        patient_id: None,
        email: None,
        language: None,
    };
    let filed = file(deps, call, idempotency.as_ref(), valid, reporter, &states).await?;
    if !filed.replayed {
        deps.platform
            .authorizer()
            .record_staff_action(
                call,
                &access,
                &report_resource(filed.report_id),
                audit::Outcome::Allowed,
            )
            .await?;
    }
    filed.response.render(filed.replayed)
}

struct Filed {
    report_id: ReportId,
    response: StoredResponse,
    replayed: bool,
}

/// The switch states as the report keeps them.
fn switch_states(states: &[(Feature, Evaluation)]) -> Vec<SwitchState> {
    states
        .iter()
        .map(|(feature, evaluation)| SwitchState {
            feature: *feature,
            on: evaluation.on,
        })
        .collect()
}

/// The report as filed now by `reporter`, `first_response_due` counted from now.
fn new_report(
    valid: ValidReport,
    reporter: Reporter,
    switches: Vec<SwitchState>,
    now: Timestamp,
    first_response_due: Timestamp,
) -> (Report, TimelineEntry) {
    let report_id = ReportId::generate();
    let filed = TimelineEntry::new(
        report_id,
        now,
        EntryKind::Filed,
        Side::Reporter,
        reporter.sub.clone(),
    );
    let report = Report {
        report_id,
        what_happened: valid.what_happened,
        page: valid.page,
        feature: valid.feature,
        app_version: valid.app_version,
        reporter,
        switches,
        status: ReportStatus::New,
        severity: None,
        assignee: None,
        merged_into: None,
        merged_at: None,
        duplicates: Vec::new(),
        first_response_due,
        first_responded_at: None,
        next_update_from: None,
        next_update_due: None,
        resolved_at: None,
        created_at: now,
        updated_at: now,
        version: Version::FIRST.0,
    };
    (report, filed)
}

async fn file(
    deps: &Deps,
    call: &Call,
    idempotency: Option<&Idempotency>,
    valid: ValidReport,
    reporter: Reporter,
    states: &[(Feature, Evaluation)],
) -> Result<Filed, ApiError> {
    let now = Timestamp::now();
    let patient: Option<PatientId> = reporter.patient_id;
    let (report, filed) = new_report(
        valid,
        reporter,
        switch_states(states),
        now,
        deps.targets.first_response_due(None, now),
    );
    let link = match patient {
        Some(patient) => format!("/patients/{patient}/reports/{}", report.report_id),
        None => format!("/account/reports/{}", report.report_id),
    };
    let body = reporter_view(&report, std::slice::from_ref(&filed), None);
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&body).map_err(ApiError::internal)?,
        location: Some(call.link(&link)),
        etag: Some(Version(report.version).etag()),
        patient_id: patient,
    };
    let writes = store(deps).creation(&report, &filed)?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    Ok(
        match create_once(dynamo, table, idempotency, writes, response).await? {
            Outcome::Created(response) => Filed {
                report_id: report.report_id,
                response,
                replayed: false,
            },
            Outcome::Replayed(first) => Filed {
                report_id: report.report_id,
                response: first,
                replayed: true,
            },
        },
    )
}

/// The address a caregiver was invited to the patient's care circle at (their grant's
/// invitation), to tell them of their report; `None` when it cannot be read.
async fn caregiver_address(
    deps: &Deps,
    access: &PatientAccess,
    caregiver: &UserSub,
) -> Result<Option<Email>, ApiError> {
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    let grant = store::get_item(
        dynamo,
        table,
        &keys::caregiver_grant(access.patient(), caregiver),
        None,
    )
    .await?
    // A grant this cannot read in full (an older shape) only means the address is unknown.
    .and_then(|item| store::from_item::<GrantRecord>(item).ok());
    let Some(grant) = grant else {
        return Ok(None);
    };
    let circle = CareCircleStore { dynamo, table };
    let member = circle.member(access, grant.invitation_id).await?;
    Ok(member.and_then(|member| Email::parse(&member.email).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::tests::{at, sub};
    use portal_shared::features::switches::Reason;

    #[test]
    fn a_new_report_starts_new_with_the_first_response_clock() {
        let valid = NewReport {
            what_happened: "Blank page".into(),
            page: "/messages".into(),
            feature: None,
            app_version: "1.0.0".into(),
        }
        .validate()
        .expect("valid");
        let reporter = Reporter {
            kind: ReporterKind::Staff,
            sub: sub("grace"),
            patient_id: None,
            email: None,
            language: None,
        };
        let now = at("2026-01-05T09:00:00Z");
        let due = at("2026-01-05T17:00:00Z");
        let (report, filed) = new_report(valid, reporter, Vec::new(), now, due);
        assert_eq!(report.status, ReportStatus::New);
        assert_eq!(report.version, 1);
        assert_eq!(report.severity, None);
        assert_eq!(report.due(), Some(due));
        assert_eq!(filed.report_id, report.report_id);
        assert_eq!(filed.kind, EntryKind::Filed);
        assert_eq!(filed.by, sub("grace"));
    }

    #[test]
    fn switch_states_are_the_evaluations() {
        let states = vec![(
            Feature::Messaging,
            Evaluation {
                on: false,
                reason: Reason::Killed,
            },
        )];
        assert_eq!(
            switch_states(&states),
            vec![SwitchState {
                feature: Feature::Messaging,
                on: false
            }]
        );
    }
}
