//! The support function: the quick-response team's workplace. Patients, caregivers and staff
//! report problems with the portal (where they were is captured with the report); the team
//! triages them against response-time targets on the practice's business calendar, answers,
//! merges duplicates and can turn a feature off from a report; incidents on features are
//! published on a status route that needs no sign-in.
//!
//! Routes (kept in step with `template.yaml` by the consistency test):
//! - reporters: `/patients/{patientId}/reports*` (a patient, or a caregiver acting for them)
//!   and `/account/reports*` (staff);
//! - the team: `/support/reports*` (queue, report, triage, notes, replies, merge, switch-off);
//! - incidents: `/support/incidents*`, and `GET /public/status` (no sign-in);
//! - the portal leads' weekly digests: `/support/digests*` (composed by the `digest` job).
//!
//! Feature switch ([`FEATURE_ROUTES`]): the patient reporter routes belong to `problem-reports`.

mod announcements;
mod config;
mod digests;
mod incidents;
mod reports;
mod switch_off;

pub use announcements::{PublishSummary, publish_due};
pub use config::{SupportSettings, WeeklyDigestAt};
pub use digests::{DigestSummary, compose_digest};
pub use reports::targets::SupportTargets;

use aws_config::SdkConfig;
use lambda_http::{Body, Request, Response};
use portal_shared::ApiError;
use portal_shared::Platform;
use portal_shared::features::switches::Feature;
use portal_shared::platform::config::Settings;
use portal_shared::platform::http::{Route, dispatch, dispatch_public, is_public_route};

pub const FILE_PATIENT_REPORT: Route = Route::new("POST", "/patients/{patientId}/reports");
pub const PATIENT_REPORTS: Route = Route::new("GET", "/patients/{patientId}/reports");
pub const PATIENT_REPORT: Route = Route::new("GET", "/patients/{patientId}/reports/{reportId}");
pub const PATIENT_REPORT_REPLY: Route =
    Route::new("POST", "/patients/{patientId}/reports/{reportId}/replies");

pub const FILE_STAFF_REPORT: Route = Route::new("POST", "/account/reports");
pub const STAFF_REPORTS: Route = Route::new("GET", "/account/reports");
pub const STAFF_REPORT: Route = Route::new("GET", "/account/reports/{reportId}");
pub const STAFF_REPORT_REPLY: Route = Route::new("POST", "/account/reports/{reportId}/replies");

pub const REPORT_QUEUE: Route = Route::new("GET", "/support/reports");
pub const GET_REPORT: Route = Route::new("GET", "/support/reports/{reportId}");
pub const TRIAGE_REPORT: Route = Route::new("PATCH", "/support/reports/{reportId}");
pub const NOTE_REPORT: Route = Route::new("POST", "/support/reports/{reportId}/notes");
pub const ANSWER_REPORT: Route = Route::new("POST", "/support/reports/{reportId}/replies");
pub const MERGE_REPORT: Route = Route::new("POST", "/support/reports/{reportId}/merge");
pub const SWITCH_OFF: Route = Route::new("POST", "/support/reports/{reportId}/switch-off");

pub const LIST_INCIDENTS: Route = Route::new("GET", "/support/incidents");
pub const OPEN_INCIDENT: Route = Route::new("POST", "/support/incidents");
pub const GET_INCIDENT: Route = Route::new("GET", "/support/incidents/{incidentId}");
pub const UPDATE_INCIDENT: Route = Route::new("POST", "/support/incidents/{incidentId}/updates");
pub const PUBLIC_STATUS: Route = Route::new("GET", "/public/status");

pub const LIST_ANNOUNCEMENTS: Route = Route::new("GET", "/support/announcements");
pub const ANNOUNCE: Route = Route::new("POST", "/support/announcements");
pub const GET_ANNOUNCEMENT: Route = Route::new("GET", "/support/announcements/{announcementId}");
pub const EXPIRE_ANNOUNCEMENT: Route =
    Route::new("POST", "/support/announcements/{announcementId}/expire");
pub const ANNOUNCEMENT_ACKNOWLEDGEMENTS: Route = Route::new(
    "GET",
    "/support/announcements/{announcementId}/acknowledgements",
);
pub const PATIENT_ANNOUNCEMENTS: Route = Route::new("GET", "/patients/{patientId}/announcements");
pub const PATIENT_READ_ANNOUNCEMENT: Route = Route::new(
    "POST",
    "/patients/{patientId}/announcements/{announcementId}/read",
);
pub const STAFF_ANNOUNCEMENTS: Route = Route::new("GET", "/account/announcements");
pub const STAFF_READ_ANNOUNCEMENT: Route =
    Route::new("POST", "/account/announcements/{announcementId}/read");
pub const ACKNOWLEDGE_ANNOUNCEMENT: Route = Route::new(
    "POST",
    "/account/announcements/{announcementId}/acknowledgement",
);

pub const LIST_DIGESTS: Route = Route::new("GET", "/support/digests");
pub const GET_DIGEST: Route = Route::new("GET", "/support/digests/{digestId}");

/// Every route this function serves.
pub const ROUTES: &[Route] = &[
    FILE_PATIENT_REPORT,
    PATIENT_REPORTS,
    PATIENT_REPORT,
    PATIENT_REPORT_REPLY,
    FILE_STAFF_REPORT,
    STAFF_REPORTS,
    STAFF_REPORT,
    STAFF_REPORT_REPLY,
    REPORT_QUEUE,
    GET_REPORT,
    TRIAGE_REPORT,
    NOTE_REPORT,
    ANSWER_REPORT,
    MERGE_REPORT,
    SWITCH_OFF,
    LIST_INCIDENTS,
    OPEN_INCIDENT,
    GET_INCIDENT,
    UPDATE_INCIDENT,
    PUBLIC_STATUS,
    LIST_ANNOUNCEMENTS,
    ANNOUNCE,
    GET_ANNOUNCEMENT,
    EXPIRE_ANNOUNCEMENT,
    ANNOUNCEMENT_ACKNOWLEDGEMENTS,
    PATIENT_ANNOUNCEMENTS,
    PATIENT_READ_ANNOUNCEMENT,
    STAFF_ANNOUNCEMENTS,
    STAFF_READ_ANNOUNCEMENT,
    ACKNOWLEDGE_ANNOUNCEMENT,
    LIST_DIGESTS,
    GET_DIGEST,
];

/// The route anyone reaches without signing in: the status page (nothing about any patient).
pub const PUBLIC_ROUTES: &[Route] = &[PUBLIC_STATUS];

/// The patient reporter routes belong to the `problem-reports` switch; staff's do not (the
/// team keeps working what was reported while the feature is off for patients).
pub const FEATURE_ROUTES: &[(Route, Feature)] = &[
    (FILE_PATIENT_REPORT, Feature::ProblemReports),
    (PATIENT_REPORTS, Feature::ProblemReports),
    (PATIENT_REPORT, Feature::ProblemReports),
    (PATIENT_REPORT_REPLY, Feature::ProblemReports),
    (PATIENT_ANNOUNCEMENTS, Feature::Announcements),
    (PATIENT_READ_ANNOUNCEMENT, Feature::Announcements),
];

/// Built once per process (in `main`, or by the local gateway) and shared by every request.
pub struct Deps {
    pub platform: Platform,
    /// Business hours to a first response and to each next update, per severity, on the
    /// practice's calendar (`SUPPORT_RESPONSE_TARGETS`, `PRACTICE_HOURS`, ...).
    pub targets: SupportTargets,
    /// Reads the user pool's groups (an announcement's audience); never writes to it.
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    pub user_pool_id: String,
    /// When last week's digest is due on Mondays (practice time).
    pub weekly_digest_at: WeeklyDigestAt,
}

impl Deps {
    pub fn new(settings: &Settings, support: &SupportSettings, sdk: &SdkConfig) -> Self {
        Deps {
            platform: Platform::new(settings, sdk).with_feature_routes(FEATURE_ROUTES),
            targets: support.targets.clone(),
            cognito: aws_sdk_cognitoidentityprovider::Client::new(sdk),
            user_pool_id: support.user_pool_id.clone(),
            weekly_digest_at: support.weekly_digest_at,
        }
    }
}

/// The function's router: one API Gateway event in, one response out.
pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    if is_public_route(&request, PUBLIC_ROUTES) {
        return dispatch_public(request, |incoming| async move {
            if incoming.is(PUBLIC_STATUS) {
                incidents::public_status(deps, &incoming).await
            } else {
                Err(ApiError::NotFound)
            }
        })
        .await;
    }
    dispatch(request, &deps.platform.revocations, |call| async move {
        if call.is(FILE_PATIENT_REPORT) {
            reports::file_for_patient(deps, &call).await
        } else if call.is(PATIENT_REPORTS) {
            reports::patient_list(deps, &call).await
        } else if call.is(PATIENT_REPORT) {
            reports::patient_get(deps, &call).await
        } else if call.is(PATIENT_REPORT_REPLY) {
            reports::patient_reply(deps, &call).await
        } else if call.is(FILE_STAFF_REPORT) {
            reports::file_for_staff(deps, &call).await
        } else if call.is(STAFF_REPORTS) {
            reports::staff_list(deps, &call).await
        } else if call.is(STAFF_REPORT) {
            reports::staff_get(deps, &call).await
        } else if call.is(STAFF_REPORT_REPLY) {
            reports::staff_reply(deps, &call).await
        } else if call.is(REPORT_QUEUE) {
            reports::queue(deps, &call).await
        } else if call.is(GET_REPORT) {
            reports::get(deps, &call).await
        } else if call.is(TRIAGE_REPORT) {
            reports::triage(deps, &call).await
        } else if call.is(NOTE_REPORT) {
            reports::note(deps, &call).await
        } else if call.is(ANSWER_REPORT) {
            reports::answer(deps, &call).await
        } else if call.is(MERGE_REPORT) {
            reports::merge(deps, &call).await
        } else if call.is(SWITCH_OFF) {
            switch_off::handle(deps, &call).await
        } else if call.is(LIST_INCIDENTS) {
            incidents::list(deps, &call).await
        } else if call.is(OPEN_INCIDENT) {
            incidents::open(deps, &call).await
        } else if call.is(GET_INCIDENT) {
            incidents::get(deps, &call).await
        } else if call.is(UPDATE_INCIDENT) {
            incidents::post_update(deps, &call).await
        } else if call.is(LIST_ANNOUNCEMENTS) {
            announcements::list(deps, &call).await
        } else if call.is(ANNOUNCE) {
            announcements::announce(deps, &call).await
        } else if call.is(GET_ANNOUNCEMENT) {
            announcements::get(deps, &call).await
        } else if call.is(EXPIRE_ANNOUNCEMENT) {
            announcements::expire(deps, &call).await
        } else if call.is(ANNOUNCEMENT_ACKNOWLEDGEMENTS) {
            announcements::acknowledgements(deps, &call).await
        } else if call.is(PATIENT_ANNOUNCEMENTS) {
            announcements::patient_list(deps, &call).await
        } else if call.is(PATIENT_READ_ANNOUNCEMENT) {
            announcements::patient_read(deps, &call).await
        } else if call.is(STAFF_ANNOUNCEMENTS) {
            announcements::staff_list(deps, &call).await
        } else if call.is(STAFF_READ_ANNOUNCEMENT) {
            announcements::staff_read(deps, &call).await
        } else if call.is(ACKNOWLEDGE_ANNOUNCEMENT) {
            announcements::acknowledge(deps, &call).await
        } else if call.is(LIST_DIGESTS) {
            digests::list(deps, &call).await
        } else if call.is(GET_DIGEST) {
            digests::get(deps, &call).await
        } else {
            Err(ApiError::NotFound)
        }
    })
    .await
}
