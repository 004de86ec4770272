//! The authorisation matrix: for every route in `template.yaml`, what each kind of caller gets.
//! A route missing here fails `every_route_is_in_the_matrix`, so every new route must be added.
//! Foreign patients' objects answer 404 (nobody learns they exist); a role that may not act, 403.

use std::collections::BTreeSet;

use portal_local::identity::DEMO_PASSWORD;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::policy::authz::Scope;
use portal_tests::fhir::{new_result, small_bundle};
use portal_tests::{
    Actor, GrantState, Method, Patient, TestApp, fresh_client_address, invitation_body,
    registration, spawn_app, spawn_switchboard, template_routes, unique_carer_email,
    unique_family_name,
};
use serde_json::{Value, json};

use crate::appointments::support as appointments;

/// Who calls. Caregivers' grants are written as the care-circle feature will write them.
#[derive(Debug, Clone, Copy)]
enum Who {
    Anonymous,
    /// The patient whose data the route names (or any patient, for staff routes).
    OwnPatient,
    /// Another patient, on the first one's data.
    OtherPatient,
    /// A caregiver with no grant for this patient.
    Caregiver,
    /// A caregiver with an active grant for this patient whose scopes include the route's.
    CaregiverInScope,
    /// A caregiver with an active grant for this patient, for other scopes only.
    CaregiverOutOfScope,
    /// A caregiver whose grant (with the scope) was revoked.
    CaregiverRevoked,
    /// A caregiver whose grant (with the scope) has ended.
    CaregiverExpired,
    Clinician,
    FrontDesk,
    ResponseTeam,
    Admin,
    PortalLead,
}

const WHO: [Who; 13] = [
    Who::Anonymous,
    Who::OwnPatient,
    Who::OtherPatient,
    Who::Caregiver,
    Who::CaregiverInScope,
    Who::CaregiverOutOfScope,
    Who::CaregiverRevoked,
    Who::CaregiverExpired,
    Who::Clinician,
    Who::FrontDesk,
    Who::ResponseTeam,
    Who::Admin,
    Who::PortalLead,
];

/// Expected status per caller, in the order of `WHO`, and the grant scope of the route.
#[rustfmt::skip]
const MATRIX: &[(&str, &str, Scope, [u16; 13])] = &[
    //                                                               anon own other carer scoped unscoped revoked ended clin desk resp admin lead
    ("POST", "/staff/patients", Scope::Profile,                     [401, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403]),
    // Finding a patient to open their page: the desk, clinicians and administrators.
    ("GET", "/staff/patients", Scope::Profile,                      [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403]),
    ("GET", "/patients/{patientId}/profile", Scope::Profile,       [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 403]),
    ("PATCH", "/patients/{patientId}/profile", Scope::Profile,     [401, 200, 404, 404, 200, 403, 404, 404, 403, 200, 403, 403, 403]),
    ("GET", "/staff/profile-changes", Scope::Profile,              [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403]),
    ("POST", "/staff/profile-changes/{changeId}/decision", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403]),
    ("GET", "/patients/{patientId}/access-log", Scope::Records,   [401, 200, 404, 404, 200, 403, 404, 404, 403, 403, 403, 200, 403]),
    ("GET", "/admin/audit", Scope::Records,                        [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    // Activation codes are the front desk's; a caregiver's grant never reaches them.
    ("POST", "/staff/patients/{patientId}/activation-codes", Scope::Profile,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 403, 201, 403, 403, 403]),
    ("GET", "/staff/patients/{patientId}/activation-codes", Scope::Profile,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 403]),
    ("POST", "/staff/patients/{patientId}/activation-codes/{codeId}/revoke", Scope::Profile,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 403]),
    // Locking an account is the front desk's; administrators may see a lock. Unlocking a
    // patient: the lock made for the case revoked the patient's own token (401).
    ("GET", "/staff/patients/{patientId}/lock", Scope::Profile,    [401, 403, 404, 404, 403, 403, 404, 404, 403, 200, 403, 200, 403]),
    ("POST", "/staff/patients/{patientId}/lock", Scope::Profile,   [401, 403, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 403]),
    ("POST", "/staff/patients/{patientId}/unlock", Scope::Profile, [401, 401, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 403]),
    ("GET", "/staff/caregivers/{caregiverSub}/lock", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200, 403]),
    ("POST", "/staff/caregivers/{caregiverSub}/lock", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403]),
    ("POST", "/staff/caregivers/{caregiverSub}/unlock", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403]),
    // A caregiver's authenticator app, reset by the front desk (a new caregiver of the patient).
    ("POST", "/staff/caregivers/{caregiverSub}/mfa/reset", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403]),
    // Public routes (no authorizer): whoever calls, with or without a token, gets the same.
    ("POST", "/auth/activate", Scope::Profile,                     [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    ("POST", "/auth/sign-in", Scope::Profile,                      [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/auth/refresh", Scope::Profile,                      [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/auth/sign-out", Scope::Profile,                     [204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    // A sign-in notice's signed link: whoever holds it locks the account it names (made up per case).
    ("POST", "/auth/lock-account", Scope::Profile,                 [204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST", "/auth/mfa", Scope::Profile,                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/auth/sign-in/backup-code", Scope::Profile,          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // The signed-in account's own authenticator app: anyone signed in, about their own account.
    // A body's access token is the matrix patient's: anyone else's sign-in gets 422. Removing
    // one's app: not staff (an administrator resets theirs). Removing the app and new backup
    // codes: each caregiver and staff cell is a new account of its kind, with an app, signed in
    // just now (`auth::mfa::FRESH_ENROLLED_CALLER_ROUTES`); the other patient has none (done
    // already: 204; no codes without an app: 409).
    ("GET", "/auth/mfa", Scope::Profile,                           [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/auth/mfa/totp", Scope::Profile,                     [401, 200, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422]),
    ("POST", "/auth/mfa/totp/verify", Scope::Profile,              [401, 200, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422]),
    ("DELETE", "/auth/mfa/totp", Scope::Profile,                   [401, 204, 204, 204, 204, 204, 204, 204, 403, 403, 403, 403, 403]),
    ("POST", "/auth/mfa/backup-codes", Scope::Profile,             [401, 200, 409, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // A patient's authenticator app, reset by the front desk (audited on the patient).
    ("POST", "/staff/patients/{patientId}/mfa/reset", Scope::Profile,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 403, 204, 403, 403, 403]),
    ("POST", "/auth/password/forgot", Scope::Profile,              [202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202]),
    ("POST", "/auth/password/reset", Scope::Profile,               [204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST", "/auth/invitations/accept", Scope::Profile,           [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    ("GET", "/health", Scope::Profile,                             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // Who may act for a patient is the patient's (or the practice's) decision: no grant reaches it.
    ("POST", "/patients/{patientId}/care-circle", Scope::Profile,  [401, 201, 404, 404, 403, 403, 404, 404, 403, 201, 403, 403, 403]),
    ("GET", "/patients/{patientId}/care-circle", Scope::Profile,   [401, 200, 404, 404, 403, 403, 404, 404, 200, 200, 200, 403, 403]),
    ("POST", "/patients/{patientId}/care-circle/{invitationId}/revoke", Scope::Profile,
                                                                   [401, 200, 404, 404, 403, 403, 404, 404, 403, 200, 403, 403, 403]),
    ("POST", "/staff/patients/{patientId}/guardians", Scope::Profile,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 403, 201, 403, 403, 403]),
    // A caregiver's own list: any caregiver account, whatever it holds.
    ("GET", "/caregivers/me/patients", Scope::Records,             [401, 403, 403, 200, 200, 200, 200, 200, 403, 403, 403, 403, 403]),
    // The health record: the patient, caregivers trusted with records, clinicians; the front
    // desk may bring records in (a file a patient hands over) but not read them.
    ("POST", "/patients/{patientId}/imports", Scope::Records,      [401, 201, 404, 404, 201, 403, 404, 404, 201, 201, 403, 403, 403]),
    // Who may bring records in may see what came of it.
    ("GET", "/patients/{patientId}/imports", Scope::Records,       [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 403, 403, 403]),
    ("GET", "/patients/{patientId}/imports/{importId}", Scope::Records,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 403, 403, 403]),
    ("GET", "/patients/{patientId}/records", Scope::Records,       [401, 200, 404, 404, 200, 403, 404, 404, 200, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/records/{recordId}", Scope::Records,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/sources", Scope::Records,       [401, 200, 404, 404, 200, 403, 404, 404, 200, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/export", Scope::Records,        [401, 200, 404, 404, 200, 403, 404, 404, 200, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/summary", Scope::Records,       [401, 200, 404, 404, 200, 403, 404, 404, 200, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/observations/{code}/series", Scope::Records,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 403, 403, 403, 403]),
    // Results are the clinicians' to report and explain; no grant reaches it.
    ("POST", "/patients/{patientId}/results", Scope::Records,      [401, 403, 404, 404, 403, 403, 404, 404, 201, 403, 403, 403, 403]),
    // The directory, visit types and open slots are no one's data: any signed-in caller reads them.
    ("GET", "/visit-types", Scope::Appointments,                   [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/providers", Scope::Appointments,                     [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/providers/{providerId}", Scope::Appointments,        [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/providers/{providerId}/slots", Scope::Appointments,  [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/staff/providers", Scope::Appointments,              [401, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403]),
    ("PATCH", "/staff/providers/{providerId}", Scope::Appointments,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403]),
    ("PUT", "/staff/providers/{providerId}/schedule", Scope::Appointments,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403]),
    // Those who publish a schedule, and the clinicians it is published for, read it as published.
    ("GET", "/providers/{providerId}/schedule", Scope::Appointments,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403]),
    ("POST", "/patients/{patientId}/appointments", Scope::Appointments,
                                                                   [401, 201, 404, 404, 201, 403, 404, 404, 403, 201, 403, 403, 403]),
    ("GET", "/patients/{patientId}/appointments", Scope::Appointments,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 403]),
    ("GET", "/patients/{patientId}/appointments/{appointmentId}", Scope::Appointments,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 403]),
    ("POST", "/patients/{patientId}/appointments/{appointmentId}/cancel", Scope::Appointments,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 403, 200, 403, 403, 403]),
    ("POST", "/patients/{patientId}/appointments/{appointmentId}/reschedule", Scope::Appointments,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 403, 200, 403, 403, 403]),
    ("POST", "/patients/{patientId}/appointments/{appointmentId}/check-in", Scope::Appointments,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 403, 200, 403, 403, 403]),
    ("GET", "/staff/appointments", Scope::Appointments,            [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403]),
    ("POST", "/patients/{patientId}/appointments/{appointmentId}/waitlist", Scope::Appointments,
                                                                   [401, 201, 404, 404, 201, 403, 404, 404, 403, 201, 403, 403, 403]),
    ("GET", "/patients/{patientId}/appointments/{appointmentId}/waitlist", Scope::Appointments,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 403]),
    ("POST", "/patients/{patientId}/appointments/{appointmentId}/waitlist/accept", Scope::Appointments,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 403, 200, 403, 403, 403]),
    // Secure messaging: the patient's side (own, caregivers with `messages`) and the three teams
    // that answer; administrators see no messages. Inboxes are per team (the request asks for
    // the clinicians' category).
    ("POST", "/patients/{patientId}/conversations", Scope::Messages,
                                                                   [401, 201, 404, 404, 201, 403, 404, 404, 403, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/conversations", Scope::Messages,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 403]),
    ("GET", "/patients/{patientId}/conversations/{conversationId}/messages", Scope::Messages,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 200, 403, 403]),
    ("POST", "/patients/{patientId}/conversations/{conversationId}/messages", Scope::Messages,
                                                                   [401, 201, 404, 404, 201, 403, 404, 404, 201, 201, 201, 403, 403]),
    ("POST", "/patients/{patientId}/conversations/{conversationId}/read", Scope::Messages,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 403, 403, 403, 403, 403]),
    ("PATCH", "/patients/{patientId}/conversations/{conversationId}", Scope::Messages,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 200, 200, 200, 403, 403]),
    ("GET", "/staff/inbox", Scope::Messages,                       [401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("GET", "/staff/inbox/counts", Scope::Messages,                [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 403]),
    ("GET", "/staff/inbox/mine", Scope::Messages,                  [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 403]),
    // Whom to assign a conversation to: any team that may assign, for any category.
    ("GET", "/staff/colleagues", Scope::Messages,                  [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 403]),
    // Invited staff choose their password (answering NEW_PASSWORD_REQUIRED): public as well.
    ("POST", "/auth/new-password", Scope::Profile,                 [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // Staff accounts are the administrators' alone; no grant or patient role reaches them.
    ("POST", "/admin/staff", Scope::Profile,                       [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403]),
    ("GET", "/admin/staff", Scope::Profile,                        [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    ("PUT", "/admin/staff/{staffId}/roles", Scope::Profile,        [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    ("POST", "/admin/staff/{staffId}/disable", Scope::Profile,     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    ("POST", "/admin/staff/{staffId}/enable", Scope::Profile,      [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    // Resetting a staff member's authenticator app: administrators only.
    ("POST", "/admin/staff/{staffId}/mfa/reset", Scope::Profile,   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 204, 403]),
    // Each person chooses how they hear about a patient (a caregiver whatever their scope);
    // staff have no preferences about a patient.
    ("GET", "/patients/{patientId}/notification-preferences", Scope::Profile,
                                                                   [401, 200, 404, 404, 200, 200, 404, 404, 403, 403, 403, 403, 403]),
    ("PUT", "/patients/{patientId}/notification-preferences", Scope::Profile,
                                                                   [401, 200, 404, 404, 200, 200, 404, 404, 403, 403, 403, 403, 403]),
    // What was sent (never its content) is for the staff who help a patient who heard nothing.
    ("GET", "/staff/patients/{patientId}/notification-deliveries", Scope::Profile,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 403, 200, 200, 200, 403]),
    // The link in an email: no sign-in; the signed token is the proof, whoever holds it.
    ("POST", "/notifications/unsubscribe", Scope::Profile,         [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // The rollout is the portal lead's (names of patients in cohorts, nothing clinical);
    // administrators read the adoption counts too; the response team explains a feature to a
    // patient who cannot find it (audited against the patient).
    ("GET", "/rollout/cohorts", Scope::Profile,                    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/rollout/cohorts", Scope::Profile,                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    ("GET", "/rollout/cohorts/{cohort}", Scope::Profile,           [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/rollout/cohorts/{cohort}/members", Scope::Profile,   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/rollout/cohorts/{cohort}/members", Scope::Profile,  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("DELETE", "/rollout/cohorts/{cohort}/members/{patientId}", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 204]),
    ("POST", "/rollout/cohorts/{cohort}/uploads", Scope::Profile,  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/rollout/cohorts/{cohort}/history", Scope::Profile,   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/rollout/cohorts/{cohort}/waves", Scope::Profile,    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    ("GET", "/rollout/waves", Scope::Profile,                      [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/rollout/waves/{waveId}", Scope::Profile,             [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/rollout/waves/{waveId}/resend", Scope::Profile,     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/rollout/features", Scope::Profile,                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("PUT", "/rollout/features/{feature}", Scope::Profile,         [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/rollout/features/{feature}/kill", Scope::Profile,   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/rollout/features/{feature}/history", Scope::Profile, [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/rollout/features/{feature}/explain", Scope::Profile, [401, 403, 404, 404, 403, 403, 404, 404, 403, 403, 200, 403, 200]),
    // Whoever uses the portal for a patient, or helps them with it, sees what is on for them.
    ("GET", "/patients/{patientId}/features", Scope::Profile,      [401, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 403, 200]),
    ("GET", "/rollout/agreements", Scope::Profile,                 [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("PUT", "/rollout/agreements/{kind}", Scope::Profile,          [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    // Every account accepts the terms for itself.
    ("GET", "/account/agreements", Scope::Profile,                 [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/account/agreements/{kind}/acceptance", Scope::Profile,
                                                                   [401, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    ("GET", "/rollout/adoption", Scope::Profile,                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    // Feedback: ideas and polls are the portal lead's; a patient's voice (suggestion, ballot,
    // rating, survey) is theirs or their caregiver's under any grant, never staff's.
    ("GET", "/feedback/ideas", Scope::Profile,                     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200]),
    ("POST", "/feedback/ideas", Scope::Profile,                    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    ("GET", "/feedback/ideas/{ideaId}", Scope::Profile,            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200]),
    ("PUT", "/feedback/ideas/{ideaId}", Scope::Profile,            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/patients/{patientId}/suggestions", Scope::Profile,  [401, 201, 404, 404, 201, 201, 404, 404, 403, 403, 403, 403, 403]),
    ("GET", "/feedback/suggestions", Scope::Profile,               [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("POST", "/patients/{patientId}/suggestions/{suggestionId}/decision", Scope::Profile,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 403, 403, 403, 403, 200]),
    ("GET", "/feedback/polls", Scope::Profile,                     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("POST", "/feedback/polls", Scope::Profile,                    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    ("GET", "/feedback/polls/{pollId}", Scope::Profile,            [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("POST", "/feedback/polls/{pollId}/close", Scope::Profile,     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
    ("GET", "/feedback/polls/{pollId}/results", Scope::Profile,    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("POST", "/feedback/polls/{pollId}/links", Scope::Profile,     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    ("GET", "/account/polls", Scope::Profile,                      [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("PUT", "/account/polls/{pollId}/ballot", Scope::Profile,      [401, 403, 403, 403, 403, 403, 403, 403, 201, 201, 201, 201, 201]),
    ("GET", "/patients/{patientId}/polls", Scope::Profile,         [401, 200, 404, 404, 200, 200, 404, 404, 403, 403, 403, 403, 403]),
    ("PUT", "/patients/{patientId}/polls/{pollId}/ballot", Scope::Profile,
                                                                   [401, 201, 404, 404, 201, 201, 404, 404, 403, 403, 403, 403, 403]),
    // Another practice's link is the proof: any caller, or none, gets the same.
    ("POST", "/public/polls/lookup", Scope::Profile,               [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST", "/public/polls/ballots", Scope::Profile,              [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    ("POST", "/patients/{patientId}/feedback/ratings", Scope::Profile,
                                                                   [401, 201, 404, 404, 201, 201, 404, 404, 403, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/feedback", Scope::Profile,      [401, 200, 404, 404, 200, 200, 404, 404, 403, 403, 403, 403, 403]),
    ("POST", "/patients/{patientId}/feedback/prompt", Scope::Profile,
                                                                   [401, 200, 404, 404, 200, 200, 404, 404, 403, 403, 403, 403, 403]),
    ("POST", "/patients/{patientId}/feedback/surveys/{surveyId}/response", Scope::Profile,
                                                                   [401, 201, 404, 404, 201, 201, 404, 404, 403, 403, 403, 403, 403]),
    ("POST", "/feedback/surveys", Scope::Profile,                  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201]),
    ("GET", "/feedback/surveys", Scope::Profile,                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200]),
    ("GET", "/feedback/surveys/{surveyId}", Scope::Profile,        [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200]),
    ("GET", "/feedback/ratings", Scope::Profile,                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200]),
    // Patients' own words: those who act on them.
    ("GET", "/feedback/comments", Scope::Profile,                  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST", "/patients/{patientId}/feedback/{feedbackId}/answer", Scope::Profile,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 403, 403, 200, 403, 200]),
    // Problem reports: a patient, or a caregiver under any grant, in the patient's context;
    // staff for themselves (`/account/*`). Each reporter sees only what they filed (a report
    // the patient filed is 404 to their caregivers; one the portal lead filed, to other staff).
    ("POST", "/patients/{patientId}/reports", Scope::Profile,     [401, 201, 404, 404, 201, 201, 404, 404, 403, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/reports", Scope::Profile,      [401, 200, 404, 404, 200, 200, 404, 404, 403, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/reports/{reportId}", Scope::Profile,
                                                                   [401, 200, 404, 404, 404, 404, 404, 404, 403, 403, 403, 403, 403]),
    ("POST", "/patients/{patientId}/reports/{reportId}/replies", Scope::Profile,
                                                                   [401, 201, 404, 404, 404, 404, 404, 404, 403, 403, 403, 403, 403]),
    ("POST", "/account/reports", Scope::Profile,                   [401, 403, 403, 403, 403, 403, 403, 403, 201, 201, 201, 201, 201]),
    ("GET", "/account/reports", Scope::Profile,                    [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("GET", "/account/reports/{reportId}", Scope::Profile,         [401, 403, 403, 403, 403, 403, 403, 403, 404, 404, 404, 404, 200]),
    ("POST", "/account/reports/{reportId}/replies", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 404, 404, 404, 404, 201]),
    // The quick-response team's work (and the portal lead's, who appoints it).
    ("GET", "/support/reports", Scope::Profile,                    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("GET", "/support/reports/{reportId}", Scope::Profile,         [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("PATCH", "/support/reports/{reportId}", Scope::Profile,       [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST", "/support/reports/{reportId}/notes", Scope::Profile,  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 201]),
    ("POST", "/support/reports/{reportId}/replies", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 201]),
    ("POST", "/support/reports/{reportId}/merge", Scope::Profile,  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST", "/support/reports/{reportId}/switch-off", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("GET", "/support/incidents", Scope::Profile,                  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST", "/support/incidents", Scope::Profile,                 [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 201]),
    ("GET", "/support/incidents/{incidentId}", Scope::Profile,     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST", "/support/incidents/{incidentId}/updates", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    // Announcements: the team makes them; patients (and caregivers acting for them) read
    // what is meant for their context, staff what is meant for their roles.
    ("GET", "/support/announcements", Scope::Profile,              [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST", "/support/announcements", Scope::Profile,             [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 201]),
    ("GET", "/support/announcements/{announcementId}", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("POST", "/support/announcements/{announcementId}/expire", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    ("GET", "/support/announcements/{announcementId}/acknowledgements", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 200]),
    // The weekly digest: the portal lead's (and an admin's); counts only, no patient in it.
    ("GET", "/support/digests", Scope::Profile,                    [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("GET", "/support/digests/{digestId}", Scope::Profile,         [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    // Staff may look at what a patient's context shows; they mark read from their account.
    ("GET", "/patients/{patientId}/announcements", Scope::Profile, [401, 200, 404, 404, 200, 200, 404, 404, 200, 200, 200, 200, 200]),
    ("POST", "/patients/{patientId}/announcements/{announcementId}/read", Scope::Profile,
                                                                   [401, 204, 404, 404, 204, 204, 404, 404, 403, 403, 403, 403, 403]),
    ("GET", "/account/announcements", Scope::Profile,              [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("POST", "/account/announcements/{announcementId}/read", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 204, 204, 204, 204, 204]),
    ("POST", "/account/announcements/{announcementId}/acknowledgement", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200]),
    // The status page: no sign-in, the same for everyone.
    ("GET", "/public/status", Scope::Profile,                      [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // Refill requests: the patient, or a caregiver trusted with the records, asks and withdraws;
    // clinicians and front desk read them and work the queue; only clinicians review and decide;
    // both mark approved ones sent. The pharmacy directory is the front desk's and the
    // administrators'; anyone signed in searches it.
    ("GET", "/patients/{patientId}/refills/medications", Scope::Records,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 403, 403, 403]),
    ("POST", "/patients/{patientId}/refills", Scope::Records,      [401, 201, 404, 404, 201, 403, 404, 404, 403, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/refills", Scope::Records,       [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 403, 403, 403]),
    ("GET", "/patients/{patientId}/refills/{refillId}", Scope::Records,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 200, 403, 403, 403]),
    ("POST", "/patients/{patientId}/refills/{refillId}/withdraw", Scope::Records,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 403, 403, 403, 403, 403]),
    ("GET", "/staff/refills", Scope::Records,                      [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403]),
    ("GET", "/staff/refills/{refillId}", Scope::Records,           [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403]),
    ("POST", "/staff/refills/{refillId}/review", Scope::Records,   [401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("POST", "/staff/refills/{refillId}/decision", Scope::Records, [401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("POST", "/staff/refills/{refillId}/sent", Scope::Records,     [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403]),
    ("POST", "/staff/pharmacies", Scope::Records,                  [401, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 201, 403]),
    ("DELETE", "/staff/pharmacies/{pharmacyId}", Scope::Records,   [401, 403, 403, 403, 403, 403, 403, 403, 403, 204, 403, 204, 403]),
    ("GET", "/pharmacies", Scope::Records,                         [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // Health education is part of the record: the patient, a caregiver trusted with records and
    // clinicians read it; only the patient's side votes; only clinicians share a topic. The
    // library is the clinicians' and the administrators'.
    ("GET", "/patients/{patientId}/education", Scope::Records,     [401, 200, 404, 404, 200, 403, 404, 404, 200, 403, 403, 403, 403]),
    ("GET", "/patients/{patientId}/education/{topicId}", Scope::Records,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 200, 403, 403, 403, 403]),
    ("PUT", "/patients/{patientId}/education/{topicId}/helpful", Scope::Records,
                                                                   [401, 200, 404, 404, 200, 403, 404, 404, 403, 403, 403, 403, 403]),
    ("POST", "/staff/patients/{patientId}/education", Scope::Records,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 201, 403, 403, 403, 403]),
    ("DELETE", "/staff/patients/{patientId}/education/{topicId}", Scope::Records,
                                                                   [401, 403, 404, 404, 403, 403, 404, 404, 204, 403, 403, 403, 403]),
    ("GET", "/staff/education/topics", Scope::Records,             [401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 200, 403]),
    ("POST", "/staff/education/topics", Scope::Records,            [401, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 201, 403]),
    ("PUT", "/staff/education/topics/{topicId}", Scope::Records,   [401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 200, 403]),
    ("DELETE", "/staff/education/topics/{topicId}", Scope::Records,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 204, 403, 403, 204, 403]),
    // Every staff member trains; onboarding progress, plans and waivers are the administrators'.
    ("GET", "/staff/training", Scope::Profile,                     [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("GET", "/staff/training/{moduleId}", Scope::Profile,          [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("POST", "/staff/training/{moduleId}/attempts", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 200]),
    ("GET", "/admin/training", Scope::Profile,                     [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    ("POST", "/admin/staff/{staffId}/training/{moduleId}/waiver", Scope::Profile,
                                                                   [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    ("POST", "/admin/staff/{staffId}/onboarding", Scope::Profile,  [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
];

struct Request {
    method: Method,
    path: String,
    body: Option<Value>,
    if_match: Option<String>,
}

/// A request to `route` that would succeed for a caller allowed to make it, about `patient`.
async fn request_for(app: &TestApp, route: (&str, &str), patient: &Patient) -> Request {
    let profile = format!("/patients/{}/profile", patient.id);
    match route {
        ("POST", "/staff/patients") => Request {
            method: Method::POST,
            path: "/staff/patients".into(),
            body: Some(registration(&unique_family_name())),
            if_match: None,
        },
        ("GET", "/staff/patients") => Request {
            method: Method::GET,
            path: "/staff/patients?q=lopez".into(),
            body: None,
            if_match: None,
        },
        ("GET", "/patients/{patientId}/profile") => Request {
            method: Method::GET,
            path: profile,
            body: None,
            if_match: None,
        },
        ("PATCH", "/patients/{patientId}/profile") => Request {
            method: Method::PATCH,
            path: profile,
            body: Some(json!({"preferredName": "Matrix"})),
            if_match: Some("\"1\"".into()),
        },
        ("GET", "/staff/profile-changes") => Request {
            method: Method::GET,
            path: "/staff/profile-changes".into(),
            body: None,
            if_match: None,
        },
        ("POST", "/staff/profile-changes/{changeId}/decision") => {
            let filed = app
                .patch(
                    "/patients/me/profile",
                    &patient.actor,
                    "\"1\"",
                    json!({"legalName": {"given": "Ana", "family": "Matrix"}}),
                )
                .await;
            let change = filed.body["changeRequests"][0]["changeId"]
                .as_str()
                .expect("a change request")
                .to_owned();
            Request {
                method: Method::POST,
                path: format!("/staff/profile-changes/{change}/decision"),
                body: Some(json!({"decision": "approve"})),
                if_match: None,
            }
        }
        ("GET", "/patients/{patientId}/access-log") => Request {
            method: Method::GET,
            path: format!("/patients/{}/access-log", patient.id),
            body: None,
            if_match: None,
        },
        ("GET", "/admin/audit") => Request {
            method: Method::GET,
            path: format!("/admin/audit?patient={}", patient.id),
            body: None,
            if_match: None,
        },
        ("POST", "/staff/patients/{patientId}/activation-codes")
        | ("GET", "/staff/patients/{patientId}/activation-codes") => Request {
            method: if route.0 == "POST" {
                Method::POST
            } else {
                Method::GET
            },
            path: format!("/staff/patients/{}/activation-codes", patient.id),
            body: (route.0 == "POST").then(|| json!({})),
            if_match: None,
        },
        ("POST", "/staff/patients/{patientId}/activation-codes/{codeId}/revoke") => {
            let code = app.issue_code(&patient.id).await;
            Request {
                method: Method::POST,
                path: format!(
                    "/staff/patients/{}/activation-codes/{}/revoke",
                    patient.id, code.code_id
                ),
                body: None,
                if_match: None,
            }
        }
        ("POST", "/auth/activate") => {
            let code = app.issue_code(&patient.id).await;
            Request {
                method: Method::POST,
                path: "/auth/activate".into(),
                body: Some(json!({
                    "code": code.code,
                    "dateOfBirth": "1984-03-12",
                    "email": format!("activated.{}", patient.email),
                    "password": DEMO_PASSWORD,
                })),
                if_match: None,
            }
        }
        ("GET", "/health") => Request {
            method: Method::GET,
            path: "/health".into(),
            body: None,
            if_match: None,
        },
        ("POST", "/auth/sign-in") => Request {
            method: Method::POST,
            path: "/auth/sign-in".into(),
            body: Some(json!({"email": patient.email, "password": DEMO_PASSWORD})),
            if_match: None,
        },
        ("POST", "/auth/refresh") | ("POST", "/auth/sign-out") => {
            let signed_in = app
                .send_public(
                    fresh_client_address(),
                    "/auth/sign-in",
                    json!({"email": patient.email, "password": DEMO_PASSWORD}),
                    None,
                )
                .await;
            let refresh_token = signed_in.body["refreshToken"]
                .as_str()
                .expect("a refresh token")
                .to_owned();
            Request {
                method: Method::POST,
                path: route.1.into(),
                body: Some(json!({"refreshToken": refresh_token})),
                if_match: None,
            }
        }
        ("POST", "/auth/mfa") => {
            let (_, secret) = app.enrol_mfa(&patient.actor, DEMO_PASSWORD).await;
            let challenged = app.sign_in_through_api(&patient.email, DEMO_PASSWORD).await;
            let session = challenged.body["session"].as_str().expect("a challenge");
            Request {
                method: Method::POST,
                path: "/auth/mfa".into(),
                body: Some(json!({
                    "email": patient.email,
                    "session": session,
                    "code": portal_local::totp::code_now(&secret).expect("a TOTP code"),
                })),
                if_match: None,
            }
        }
        ("POST", "/auth/lock-account") => Request {
            method: Method::POST,
            path: "/auth/lock-account".into(),
            body: Some(crate::auth::revocation::matrix_body(app).await),
            if_match: None,
        },
        ("POST", "/auth/password/forgot") => Request {
            method: Method::POST,
            path: "/auth/password/forgot".into(),
            body: Some(json!({"email": patient.email})),
            if_match: None,
        },
        // moto accepts any code without its own prefix: the emailed code stands in.
        ("POST", "/auth/password/reset") => Request {
            method: Method::POST,
            path: "/auth/password/reset".into(),
            body: Some(json!({
                "email": patient.email,
                "code": "123456",
                "newPassword": DEMO_PASSWORD,
            })),
            if_match: None,
        },
        ("POST", "/auth/invitations/accept") => {
            let invited = app.invite_caregiver(&patient.id, &app.front_desk).await;
            Request {
                method: Method::POST,
                path: "/auth/invitations/accept".into(),
                body: Some(json!({
                    "code": invited.code,
                    "email": invited.email,
                    "password": DEMO_PASSWORD,
                    "givenName": "Matrix",
                    "familyName": "Carer",
                })),
                if_match: None,
            }
        }
        ("POST", "/patients/{patientId}/care-circle")
        | ("GET", "/patients/{patientId}/care-circle") => Request {
            method: if route.0 == "POST" {
                Method::POST
            } else {
                Method::GET
            },
            path: format!("/patients/{}/care-circle", patient.id),
            body: (route.0 == "POST").then(|| invitation_body(&unique_carer_email())),
            if_match: None,
        },
        ("POST", "/patients/{patientId}/care-circle/{invitationId}/revoke") => {
            let invited = app.invite_caregiver(&patient.id, &app.front_desk).await;
            Request {
                method: Method::POST,
                path: format!(
                    "/patients/{}/care-circle/{}/revoke",
                    patient.id, invited.invitation_id
                ),
                body: None,
                if_match: None,
            }
        }
        ("POST", "/staff/patients/{patientId}/guardians") => {
            // A minor, whenever this runs.
            let born = format!("{}-05-20", Timestamp::now().date().year() - 10);
            app.set_profile_attribute(&patient.id, "dateOfBirth", json!(born))
                .await;
            Request {
                method: Method::POST,
                path: format!("/staff/patients/{}/guardians", patient.id),
                body: Some(json!({
                    "email": unique_carer_email(),
                    "name": "Pat Parent",
                    "relationship": "parent",
                })),
                if_match: None,
            }
        }
        ("GET", "/caregivers/me/patients") => Request {
            method: Method::GET,
            path: "/caregivers/me/patients".into(),
            body: None,
            if_match: None,
        },
        ("POST", "/auth/new-password") => {
            // An invited staff member, the emailed temporary password standing in as one set
            // on the emulator, and the session of their first sign-in.
            let email = throwaway_staff(app).await.1;
            set_temporary_password(app, &email).await;
            let challenged = app
                .send_public(
                    fresh_client_address(),
                    "/auth/sign-in",
                    json!({"email": email, "password": TEMPORARY_PASSWORD}),
                    None,
                )
                .await;
            let session = challenged.body["session"].as_str().expect("a challenge");
            Request {
                method: Method::POST,
                path: "/auth/new-password".into(),
                body: Some(json!({
                    "email": email,
                    "session": session,
                    "newPassword": DEMO_PASSWORD,
                })),
                if_match: None,
            }
        }
        ("POST", "/admin/staff") => Request {
            method: Method::POST,
            path: "/admin/staff".into(),
            body: Some(new_staff_body(&staff_email())),
            if_match: None,
        },
        ("GET", "/admin/staff") => Request {
            method: Method::GET,
            path: "/admin/staff".into(),
            body: None,
            if_match: None,
        },
        // Changes act on a staff member made for the case, never on the shared actors.
        ("PUT", "/admin/staff/{staffId}/roles") => Request {
            method: Method::PUT,
            path: format!("/admin/staff/{}/roles", throwaway_staff(app).await.0),
            body: Some(json!({"roles": ["front-desk", "clinicians"]})),
            if_match: None,
        },
        ("POST", "/admin/staff/{staffId}/disable") | ("POST", "/admin/staff/{staffId}/enable") => {
            let action = route.1.rsplit('/').next().unwrap_or_default();
            Request {
                method: Method::POST,
                path: format!("/admin/staff/{}/{action}", throwaway_staff(app).await.0),
                body: None,
                if_match: None,
            }
        }
        ("POST", "/admin/staff/{staffId}/mfa/reset") => Request {
            method: Method::POST,
            path: format!("/admin/staff/{}/mfa/reset", throwaway_staff(app).await.0),
            body: None,
            if_match: None,
        },
        ("POST", "/staff/caregivers/{caregiverSub}/mfa/reset") => {
            let (method, path, body) =
                crate::staff::caregiver_mfa::matrix_request(app, patient).await;
            Request {
                method,
                path,
                body,
                if_match: None,
            }
        }
        route if crate::auth::mfa::MATRIX_ROUTES.contains(&route) => {
            let (method, path, body) = crate::auth::mfa::matrix_request(app, route, patient).await;
            Request {
                method,
                path,
                body,
                if_match: None,
            }
        }
        ("POST", "/patients/{patientId}/conversations") => Request {
            method: Method::POST,
            path: format!("/patients/{}/conversations", patient.id),
            body: Some(json!({
                "category": "billing",
                "subject": "Matrix",
                "message": "A question about my bill."
            })),
            if_match: None,
        },
        ("GET", "/patients/{patientId}/conversations") => Request {
            method: Method::GET,
            path: format!("/patients/{}/conversations", patient.id),
            body: None,
            if_match: None,
        },
        ("GET", "/patients/{patientId}/conversations/{conversationId}/messages")
        | ("POST", "/patients/{patientId}/conversations/{conversationId}/messages")
        | ("POST", "/patients/{patientId}/conversations/{conversationId}/read")
        | ("PATCH", "/patients/{patientId}/conversations/{conversationId}") => {
            let conversation = start_conversation(app, patient).await;
            let base = format!("/patients/{}/conversations/{conversation}", patient.id);
            match route {
                ("GET", _) => Request {
                    method: Method::GET,
                    path: format!("{base}/messages"),
                    body: None,
                    if_match: None,
                },
                ("POST", path) if path.ends_with("/messages") => Request {
                    method: Method::POST,
                    path: format!("{base}/messages"),
                    body: Some(json!({"message": "Matrix reply"})),
                    if_match: None,
                },
                ("POST", _) => Request {
                    method: Method::POST,
                    path: format!("{base}/read"),
                    body: None,
                    if_match: None,
                },
                _ => Request {
                    method: Method::PATCH,
                    path: base,
                    body: Some(json!({"status": "waiting-on-patient"})),
                    if_match: Some("\"1\"".into()),
                },
            }
        }
        ("GET", "/staff/inbox") => Request {
            method: Method::GET,
            path: "/staff/inbox?category=medical-question".into(),
            body: None,
            if_match: None,
        },
        ("GET", "/staff/inbox/counts") => Request {
            method: Method::GET,
            path: "/staff/inbox/counts".into(),
            body: None,
            if_match: None,
        },
        ("GET", "/staff/inbox/mine") => Request {
            method: Method::GET,
            path: "/staff/inbox/mine?limit=5".into(),
            body: None,
            if_match: None,
        },
        ("GET", "/staff/colleagues") => Request {
            method: Method::GET,
            path: "/staff/colleagues?category=medical-question".into(),
            body: None,
            if_match: None,
        },
        ("POST", "/patients/{patientId}/imports") => Request {
            method: Method::POST,
            path: format!("/patients/{}/imports", patient.id),
            body: Some(small_bundle(&patient.family)),
            if_match: None,
        },
        ("GET", "/patients/{patientId}/records")
        | ("GET", "/patients/{patientId}/imports")
        | ("GET", "/patients/{patientId}/sources")
        | ("GET", "/patients/{patientId}/export")
        | ("GET", "/patients/{patientId}/summary")
        | ("GET", "/patients/{patientId}/observations/{code}/series") => Request {
            method: Method::GET,
            path: route
                .1
                .replace("{patientId}", &patient.id)
                .replace("{code}", "4548-4"),
            body: None,
            if_match: None,
        },
        ("POST", "/patients/{patientId}/results") => Request {
            method: Method::POST,
            path: format!("/patients/{}/results", patient.id),
            body: Some(new_result()),
            if_match: None,
        },
        ("GET", "/patients/{patientId}/imports/{importId}") => {
            let imported = app
                .import_bundle(
                    &patient.id,
                    &app.front_desk,
                    &small_bundle(&patient.family),
                    "",
                )
                .await;
            assert_eq!(imported.status, 201, "{imported:#?}");
            let import = imported.body["importId"].as_str().expect("an import id");
            Request {
                method: Method::GET,
                path: format!("/patients/{}/imports/{import}", patient.id),
                body: None,
                if_match: None,
            }
        }
        ("GET", "/patients/{patientId}/records/{recordId}") => {
            let imported = app
                .import_bundle(
                    &patient.id,
                    &app.front_desk,
                    &small_bundle(&patient.family),
                    "",
                )
                .await;
            assert_eq!(imported.status, 201, "{imported:#?}");
            let listed = app
                .get(&format!("/patients/{}/records", patient.id), &app.clinician)
                .await;
            let record = listed.body["items"][0]["recordId"]
                .as_str()
                .expect("an imported record")
                .to_owned();
            Request {
                method: Method::GET,
                path: format!("/patients/{}/records/{record}", patient.id),
                body: None,
                if_match: None,
            }
        }
        ("GET", "/visit-types") | ("GET", "/providers") | ("POST", "/staff/providers") => Request {
            method: if route.0 == "POST" {
                Method::POST
            } else {
                Method::GET
            },
            path: route.1.into(),
            body: (route.0 == "POST").then(|| appointments::new_provider_body("Dr. Matrix")),
            if_match: None,
        },
        ("GET", "/providers/{providerId}")
        | ("GET", "/providers/{providerId}/slots")
        | ("GET", "/providers/{providerId}/schedule") => {
            let provider = appointments::new_provider(app).await;
            Request {
                method: Method::GET,
                path: route
                    .1
                    .replace("{providerId}", &provider)
                    .replace("/slots", "/slots?visitType=follow-up"),
                body: None,
                if_match: None,
            }
        }
        ("PATCH", "/staff/providers/{providerId}") => Request {
            method: Method::PATCH,
            path: format!(
                "/staff/providers/{}",
                appointments::unscheduled_provider(app).await
            ),
            body: Some(json!({"acceptingNewPatients": false})),
            // A provider just added is at version 1.
            if_match: Some("\"1\"".into()),
        },
        ("PUT", "/staff/providers/{providerId}/schedule") => Request {
            method: Method::PUT,
            path: format!(
                "/staff/providers/{}/schedule",
                appointments::unscheduled_provider(app).await
            ),
            body: Some(appointments::around_the_clock()),
            // A provider without hours is at version 0.
            if_match: Some("\"0\"".into()),
        },
        ("POST", "/patients/{patientId}/appointments") => {
            let provider = appointments::new_provider(app).await;
            let start = appointments::slot_in(app, &provider, 48).await;
            Request {
                method: Method::POST,
                path: format!("/patients/{}/appointments", patient.id),
                body: Some(appointments::booking(&provider, "follow-up", &start)),
                if_match: None,
            }
        }
        ("GET", "/patients/{patientId}/appointments") => Request {
            method: Method::GET,
            path: format!("/patients/{}/appointments", patient.id),
            body: None,
            if_match: None,
        },
        ("POST", "/patients/{patientId}/appointments/{appointmentId}/cancel")
        | ("POST", "/patients/{patientId}/appointments/{appointmentId}/reschedule")
        | ("POST", "/patients/{patientId}/appointments/{appointmentId}/check-in") => {
            let (provider, appointment, start) = appointments::booked(app, &patient.id, 48).await;
            let action = route.1.rsplit('/').next().unwrap_or_default();
            let body = match action {
                "reschedule" => {
                    let later = appointments::slot_in(app, &provider, 72).await;
                    assert_ne!(later, start);
                    Some(json!({"start": later}))
                }
                "check-in" => Some(appointments::check_in_body()),
                _ => None,
            };
            Request {
                method: Method::POST,
                path: format!(
                    "/patients/{}/appointments/{appointment}/{action}",
                    patient.id
                ),
                body,
                if_match: None,
            }
        }
        ("GET", "/patients/{patientId}/appointments/{appointmentId}") => {
            let (_, appointment, _) = appointments::booked(app, &patient.id, 48).await;
            Request {
                method: Method::GET,
                path: format!("/patients/{}/appointments/{appointment}", patient.id),
                body: None,
                if_match: None,
            }
        }
        ("POST", "/patients/{patientId}/appointments/{appointmentId}/waitlist")
        | ("GET", "/patients/{patientId}/appointments/{appointmentId}/waitlist") => {
            let (_, appointment, _) = appointments::booked(app, &patient.id, 96).await;
            let path = format!(
                "/patients/{}/appointments/{appointment}/waitlist",
                patient.id
            );
            if route.0 == "GET" {
                let joined = app
                    .send(Method::POST, &path, Some(&app.front_desk), None)
                    .await;
                assert_eq!(joined.status, 201, "{joined:#?}");
            }
            Request {
                method: if route.0 == "POST" {
                    Method::POST
                } else {
                    Method::GET
                },
                path,
                body: None,
                if_match: None,
            }
        }
        ("POST", "/patients/{patientId}/appointments/{appointmentId}/waitlist/accept") => {
            let (appointment, _) = appointments::offered(app, &patient.id).await;
            Request {
                method: Method::POST,
                path: format!(
                    "/patients/{}/appointments/{appointment}/waitlist/accept",
                    patient.id
                ),
                body: None,
                if_match: None,
            }
        }
        ("GET", "/staff/appointments") => Request {
            method: Method::GET,
            path: "/staff/appointments".into(),
            body: None,
            if_match: None,
        },
        ("GET", "/patients/{patientId}/notification-preferences") => Request {
            method: Method::GET,
            path: format!("/patients/{}/notification-preferences", patient.id),
            body: None,
            if_match: None,
        },
        ("PUT", "/patients/{patientId}/notification-preferences") => Request {
            method: Method::PUT,
            path: format!("/patients/{}/notification-preferences", patient.id),
            body: Some(json!({"channels": {"new-portal-message": "none"}})),
            if_match: None,
        },
        ("GET", "/staff/patients/{patientId}/notification-deliveries") => Request {
            method: Method::GET,
            path: format!("/staff/patients/{}/notification-deliveries", patient.id),
            body: None,
            if_match: None,
        },
        ("POST", "/notifications/unsubscribe") => Request {
            method: Method::POST,
            path: "/notifications/unsubscribe".into(),
            body: Some(json!({
                "token": app.unsubscribe_token(&patient.id, None, "new-portal-message").await
            })),
            if_match: None,
        },
        ("GET", "/rollout/cohorts") | ("POST", "/rollout/cohorts") => Request {
            method: if route.0 == "POST" {
                Method::POST
            } else {
                Method::GET
            },
            path: "/rollout/cohorts".into(),
            body: (route.0 == "POST").then(
                || json!({"name": matrix_cohort_name(), "description": "Matrix", "beta": false}),
            ),
            if_match: None,
        },
        ("GET", "/rollout/cohorts/{cohort}")
        | ("GET", "/rollout/cohorts/{cohort}/members")
        | ("GET", "/rollout/cohorts/{cohort}/history") => Request {
            method: Method::GET,
            path: route
                .1
                .replace("{cohort}", &cohort_with(app, patient).await),
            body: None,
            if_match: None,
        },
        ("POST", "/rollout/cohorts/{cohort}/members") => Request {
            method: Method::POST,
            path: format!("/rollout/cohorts/{}/members", new_cohort(app).await),
            body: Some(json!({"patientIds": [patient.id]})),
            if_match: None,
        },
        ("DELETE", "/rollout/cohorts/{cohort}/members/{patientId}") => Request {
            method: Method::DELETE,
            path: format!(
                "/rollout/cohorts/{}/members/{}",
                cohort_with(app, patient).await,
                patient.id
            ),
            body: None,
            if_match: None,
        },
        // Sent as text/csv by the loop (see `send_case`).
        ("POST", "/rollout/cohorts/{cohort}/uploads") => Request {
            method: Method::POST,
            path: format!("/rollout/cohorts/{}/uploads", new_cohort(app).await),
            body: Some(Value::String(format!(
                "family_name,given_name,date_of_birth\n{},Ana,1984-03-12\n",
                patient.family
            ))),
            if_match: None,
        },
        ("POST", "/rollout/cohorts/{cohort}/waves") => Request {
            method: Method::POST,
            path: format!("/rollout/cohorts/{}/waves", cohort_with(app, patient).await),
            body: Some(json!({"ratePerHour": 60, "deliverBy": "email"})),
            if_match: None,
        },
        ("GET", "/rollout/waves") => Request {
            method: Method::GET,
            path: "/rollout/waves".into(),
            body: None,
            if_match: None,
        },
        ("GET", "/rollout/waves/{waveId}") | ("POST", "/rollout/waves/{waveId}/resend") => {
            let wave = new_wave(app, patient).await;
            Request {
                method: if route.0 == "POST" {
                    Method::POST
                } else {
                    Method::GET
                },
                path: route.1.replace("{waveId}", &wave),
                body: None,
                if_match: None,
            }
        }
        ("GET", "/rollout/features") => Request {
            method: Method::GET,
            path: "/rollout/features".into(),
            body: None,
            if_match: None,
        },
        // On the switchboard stack: everyone keeps the feature (the change changes nothing).
        ("PUT", "/rollout/features/{feature}") => Request {
            method: Method::PUT,
            path: format!("/rollout/features/{MATRIX_FEATURE}"),
            body: Some(everyone_on("Matrix: no change")),
            if_match: Some(format!("\"{}\"", switch_version(app).await)),
        },
        // On the switchboard stack; the loop switches it back on (see `send_case`).
        ("POST", "/rollout/features/{feature}/kill") => Request {
            method: Method::POST,
            path: format!("/rollout/features/{MATRIX_FEATURE}/kill"),
            body: Some(json!({"reason": "Matrix: kill switch"})),
            if_match: None,
        },
        ("GET", "/rollout/features/{feature}/history") => Request {
            method: Method::GET,
            path: format!("/rollout/features/{MATRIX_FEATURE}/history"),
            body: None,
            if_match: None,
        },
        ("GET", "/rollout/features/{feature}/explain") => Request {
            method: Method::GET,
            path: format!(
                "/rollout/features/{MATRIX_FEATURE}/explain?patientId={}",
                patient.id
            ),
            body: None,
            if_match: None,
        },
        ("GET", "/patients/{patientId}/features") => Request {
            method: Method::GET,
            path: format!("/patients/{}/features", patient.id),
            body: None,
            if_match: None,
        },
        ("GET", "/rollout/agreements") | ("GET", "/account/agreements") => Request {
            method: Method::GET,
            path: route.1.into(),
            body: None,
            if_match: None,
        },
        // On the switchboard stack: a new version of the terms asks every account again.
        ("PUT", "/rollout/agreements/{kind}") => Request {
            method: Method::PUT,
            path: "/rollout/agreements/terms-of-use".into(),
            body: Some(terms("Matrix terms")),
            if_match: None,
        },
        ("POST", "/account/agreements/{kind}/acceptance") => {
            let version = publish_terms(app).await;
            Request {
                method: Method::POST,
                path: "/account/agreements/terms-of-use/acceptance".into(),
                body: Some(json!({"version": version})),
                if_match: None,
            }
        }
        ("GET", "/rollout/adoption") => Request {
            method: Method::GET,
            path: "/rollout/adoption".into(),
            body: None,
            if_match: None,
        },
        other => match feedback_request(app, other, patient).await {
            Some(request) => request,
            None => match support_request(app, other, patient).await {
                Some(request) => request,
                None => match crate::refills::fixtures::matrix_request(app, other, patient).await {
                    Some((method, path, body, if_match)) => Request {
                        method,
                        path,
                        body,
                        if_match,
                    },
                    None => match crate::education::fixtures::matrix_request(app, other, patient)
                        .await
                    {
                        Some((method, path, body, if_match)) => Request {
                            method,
                            path,
                            body,
                            if_match,
                        },
                        None => {
                            match crate::staff::locks::matrix_request(app, other, patient).await {
                                Some((method, path, body, if_match)) => Request {
                                    method,
                                    path,
                                    body,
                                    if_match,
                                },
                                None => panic!("no request for {other:?}: add one to request_for"),
                            }
                        }
                    },
                },
            },
        },
    }
}

/// The feature whose switch the matrix changes and kills, on the switchboard stack only.
const MATRIX_FEATURE: &str = "check-in";

/// Routes that change what is practice-wide (a feature's switch, the published terms): they
/// run on the switchboard stack, never where the other tests run.
/// The feedback function's requests, built by its test modules (each knows its fixtures).
async fn feedback_request(
    app: &TestApp,
    route: (&str, &str),
    patient: &Patient,
) -> Option<Request> {
    let built = match crate::feedback::ideas::matrix_request(app, route, patient).await {
        Some(built) => Some(built),
        None => match crate::feedback::polls::matrix_request(app, route, patient).await {
            Some(built) => Some(built),
            None => crate::feedback::ratings::matrix_request(app, route, patient).await,
        },
    };
    built.map(|(method, path, body, if_match)| Request {
        method,
        path,
        body,
        if_match,
    })
}

/// The support function's requests, built by its test modules (switch-off kills the matrix
/// feature, on the switchboard stack).
async fn support_request(app: &TestApp, route: (&str, &str), patient: &Patient) -> Option<Request> {
    let built = match crate::support::reports::matrix_request(app, route, patient).await {
        Some(built) => Some(built),
        None => match crate::support::team::matrix_request(app, route, patient).await {
            Some(built) => Some(built),
            None => match crate::support::incidents::matrix_request(app, route, patient).await {
                Some(built) => Some(built),
                None => {
                    match crate::support::announcements::matrix_request(app, route, patient).await {
                        Some(built) => Some(built),
                        None => match crate::support::digests::matrix_request(app, route, patient)
                            .await
                        {
                            Some(built) => Some(built),
                            None => {
                                crate::support::switch_off::matrix_request(
                                    app,
                                    route,
                                    patient,
                                    MATRIX_FEATURE,
                                )
                                .await
                            }
                        },
                    }
                }
            },
        },
    };
    built.map(|(method, path, body, if_match)| Request {
        method,
        path,
        body,
        if_match,
    })
}

fn changes_the_practice(method: &str, path: &str) -> bool {
    matches!(
        (method, path),
        ("PUT", "/rollout/features/{feature}")
            | ("POST", "/rollout/features/{feature}/kill")
            | ("PUT", "/rollout/agreements/{kind}")
            | ("POST", "/account/agreements/{kind}/acceptance")
            | ("POST", "/support/reports/{reportId}/switch-off")
    )
}

fn matrix_cohort_name() -> String {
    format!("matrix-{}", ulid::Ulid::generate()).to_lowercase()
}

/// A new, empty cohort (made by the portal lead); its name.
async fn new_cohort(app: &TestApp) -> String {
    let name = matrix_cohort_name();
    let created = app
        .send(
            Method::POST,
            "/rollout/cohorts",
            Some(&app.portal_lead),
            Some(json!({"name": name, "description": "Matrix", "beta": false})),
        )
        .await;
    assert_eq!(created.status, 201, "creating a cohort: {created:#?}");
    name
}

/// A new cohort holding `patient`; its name.
async fn cohort_with(app: &TestApp, patient: &Patient) -> String {
    let name = new_cohort(app).await;
    let added = app
        .send(
            Method::POST,
            &format!("/rollout/cohorts/{name}/members"),
            Some(&app.portal_lead),
            Some(json!({"patientIds": [patient.id]})),
        )
        .await;
    assert_eq!(added.status, 200, "adding to a cohort: {added:#?}");
    name
}

/// An invitation wave to a cohort holding `patient`; its id.
async fn new_wave(app: &TestApp, patient: &Patient) -> String {
    let cohort = cohort_with(app, patient).await;
    let started = app
        .send(
            Method::POST,
            &format!("/rollout/cohorts/{cohort}/waves"),
            Some(&app.portal_lead),
            Some(json!({"ratePerHour": 60, "deliverBy": "email"})),
        )
        .await;
    assert_eq!(started.status, 201, "starting a wave: {started:#?}");
    started.body["waveId"].as_str().expect("waveId").to_owned()
}

fn everyone_on(reason: &str) -> Value {
    json!({
        "mode": "everyone",
        "cohorts": [],
        "percentage": 0,
        "staffRoles": [],
        "killed": false,
        "reason": reason,
    })
}

/// The current version of the matrix feature's switch.
async fn switch_version(app: &TestApp) -> u64 {
    let listed = app.get("/rollout/features", &app.portal_lead).await;
    assert_eq!(listed.status, 200, "{listed:#?}");
    listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["feature"] == MATRIX_FEATURE)
        .and_then(|item| item["version"].as_u64())
        .expect("the matrix feature's version")
}

fn terms(title: &str) -> Value {
    json!({"title": title, "body": "Use the portal for your own care and your family's."})
}

/// Publishes a new version of the terms of use; its number.
async fn publish_terms(app: &TestApp) -> u64 {
    let published = app
        .send(
            Method::PUT,
            "/rollout/agreements/terms-of-use",
            Some(&app.portal_lead),
            Some(terms("Matrix terms")),
        )
        .await;
    assert_eq!(published.status, 200, "publishing terms: {published:#?}");
    published.body["version"].as_u64().expect("version")
}

/// The temporary password an invitation would have emailed.
const TEMPORARY_PASSWORD: &str = "Temporary-Pass-2026!";

fn staff_email() -> String {
    format!("matrix-{}@staff.portal.test", ulid::Ulid::generate()).to_lowercase()
}

fn new_staff_body(email: &str) -> Value {
    json!({"email": email, "givenName": "Matrix", "familyName": "Staff", "roles": ["clinicians"]})
}

/// A staff member (clinician) created for one case by the shared admin: its id and email.
async fn throwaway_staff(app: &TestApp) -> (String, String) {
    let email = staff_email();
    let reply = app
        .send(
            Method::POST,
            "/admin/staff",
            Some(&app.admin),
            Some(new_staff_body(&email)),
        )
        .await;
    assert_eq!(reply.status, 201, "creating a staff member: {reply:#?}");
    let id = reply.body["staffId"].as_str().expect("staffId").to_owned();
    (id, email)
}

async fn set_temporary_password(app: &TestApp, email: &str) {
    let email = email.to_owned();
    app.on_stack(move |stack| async move {
        stack
            .cognito()
            .admin_set_user_password()
            .user_pool_id(&stack.user_pool_id)
            .username(&email)
            .password(TEMPORARY_PASSWORD)
            .permanent(false)
            .send()
            .await?;
        Ok(())
    })
    .await
    .expect("setting a temporary password");
}

fn caller<'a>(
    app: &'a TestApp,
    who: Who,
    own: &'a Patient,
    other: &'a Patient,
) -> Option<&'a Actor> {
    match who {
        Who::Anonymous => None,
        Who::OwnPatient => Some(&own.actor),
        Who::OtherPatient => Some(&other.actor),
        Who::Caregiver
        | Who::CaregiverInScope
        | Who::CaregiverOutOfScope
        | Who::CaregiverRevoked
        | Who::CaregiverExpired => Some(&app.caregiver),
        Who::Clinician => Some(&app.clinician),
        Who::FrontDesk => Some(&app.front_desk),
        Who::ResponseTeam => Some(&app.response_team),
        Who::Admin => Some(&app.admin),
        Who::PortalLead => Some(&app.portal_lead),
    }
}

#[test]
fn every_route_is_in_the_matrix() {
    let declared = template_routes();
    let covered: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(method, path, _, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    assert_eq!(
        covered, declared,
        "the matrix must list exactly the template's routes"
    );
}

/// A new account of `who`'s kind (a caregiver, or staff in the column's group), with an
/// authenticator app, signed in just now; `None` for the anonymous caller and the patients
/// (the case's own accounts). For the rows whose answer depends on the caller's own app.
async fn new_enrolled_account(app: &TestApp, who: Who) -> Option<Actor> {
    let groups: &'static [&'static str] = match who {
        Who::Anonymous | Who::OwnPatient | Who::OtherPatient => return None,
        Who::Caregiver
        | Who::CaregiverInScope
        | Who::CaregiverOutOfScope
        | Who::CaregiverRevoked
        | Who::CaregiverExpired => &["caregivers"],
        Who::Clinician => &["clinicians"],
        Who::FrontDesk => &["front-desk"],
        Who::ResponseTeam => &["response-team"],
        Who::Admin => &["admins"],
        Who::PortalLead => &["portal-leads"],
    };
    Some(app.new_staff("matrixaccount", groups).await)
}

/// `MATRIX_ONLY=<text>` runs only the rows whose path contains `<text>` (e.g.
/// `MATRIX_ONLY=/auth/mfa cargo test -p portal-tests --test api -- platform::authz_matrix`),
/// to check a few rows without the whole matrix's half hour. Unset: every row.
fn selected(path: &str) -> bool {
    std::env::var("MATRIX_ONLY").map_or(true, |only| path.contains(only.as_str()))
}

#[tokio::test]
async fn every_caller_gets_what_the_matrix_says() {
    let shared = spawn_app().await;
    let switchboard = spawn_switchboard().await;
    let other_on_shared = shared.new_patient().await;
    let other_on_switchboard = switchboard.new_patient().await;
    let mut failures = Vec::new();
    for (method, path, scope, expected) in MATRIX.iter().filter(|row| selected(row.1)) {
        let (app, other) = if changes_the_practice(method, path) {
            (switchboard, &other_on_switchboard)
        } else {
            (shared, &other_on_shared)
        };
        for (who, status) in WHO.iter().zip(expected) {
            // A fresh patient per case: allowed writes change state, and grants are per patient.
            let own = app.new_patient().await;
            let other_scope = if *scope == Scope::Billing {
                Scope::Messages
            } else {
                Scope::Billing
            };
            let new_account =
                if crate::auth::mfa::FRESH_ENROLLED_CALLER_ROUTES.contains(&(*method, *path)) {
                    new_enrolled_account(app, *who).await
                } else {
                    None
                };
            let actor = new_account
                .as_ref()
                .or_else(|| caller(app, *who, &own, other));
            let caregiver = actor.unwrap_or(&app.caregiver);
            match who {
                Who::CaregiverInScope => {
                    app.grant(&own.id, caregiver, &[*scope], GrantState::Active)
                        .await
                }
                Who::CaregiverOutOfScope => {
                    app.grant(&own.id, caregiver, &[other_scope], GrantState::Active)
                        .await
                }
                Who::CaregiverRevoked => {
                    app.grant(&own.id, caregiver, &[*scope], GrantState::Revoked)
                        .await
                }
                Who::CaregiverExpired => {
                    app.grant(&own.id, caregiver, &[*scope], GrantState::Expired)
                        .await
                }
                _ => {}
            }
            let request = request_for(app, (method, path), &own).await;
            let reply = match (&request.if_match, actor) {
                (Some(tag), Some(actor)) => {
                    app.send_with_headers(
                        request.method.clone(),
                        &request.path,
                        actor,
                        request.body.clone().unwrap_or_default(),
                        &[("If-Match", tag)],
                    )
                    .await
                }
                (None, Some(actor)) if *path == "/rollout/cohorts/{cohort}/uploads" => {
                    let csv = request.body.as_ref().and_then(Value::as_str).unwrap_or("");
                    app.send_raw(
                        request.method.clone(),
                        &request.path,
                        actor,
                        "text/csv",
                        csv,
                    )
                    .await
                }
                // The status page is read with a GET, with the caller's token if any (it
                // changes nothing).
                _ if path.starts_with("/public/") && *method == "GET" => {
                    app.send(request.method.clone(), &request.path, actor, None)
                        .await
                }
                // The account's own MFA routes are authenticated `/auth/*` routes: sent as they are.
                _ if crate::auth::mfa::ACCOUNT_ROUTES.contains(&(*method, *path)) => {
                    app.send(
                        request.method.clone(),
                        &request.path,
                        actor,
                        request.body.clone(),
                    )
                    .await
                }
                // Public routes limit attempts per client address: each case comes from its own,
                // with the caller's token if they have one (it changes nothing).
                _ if path.starts_with("/auth/") || path.starts_with("/public/") => {
                    app.send_public(
                        fresh_client_address(),
                        &request.path,
                        request.body.clone().unwrap_or_default(),
                        actor.map(|a| a.token.as_str()),
                    )
                    .await
                }
                _ => {
                    app.send(
                        request.method.clone(),
                        &request.path,
                        actor,
                        request.body.clone(),
                    )
                    .await
                }
            };
            // A kill (from the rollout, or a switch-off from a report) is undone at once.
            if (path.ends_with("/kill") || path.ends_with("/switch-off")) && reply.status == 200 {
                let back_on = app
                    .send_with_headers(
                        Method::PUT,
                        &format!("/rollout/features/{MATRIX_FEATURE}"),
                        &app.portal_lead,
                        everyone_on("Matrix: back on"),
                        &[("If-Match", &format!("\"{}\"", switch_version(app).await))],
                    )
                    .await;
                assert_eq!(back_on.status, 200, "switching back on: {back_on:#?}");
            }
            if reply.status != *status {
                failures.push(format!(
                    "{method} {path} as {who:?}: expected {status}, got {} {}",
                    reply.status, reply.body
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The patient starts a conversation; its id.
async fn start_conversation(app: &TestApp, patient: &Patient) -> String {
    let started = app
        .send(
            Method::POST,
            &format!("/patients/{}/conversations", patient.id),
            Some(&patient.actor),
            Some(json!({
                "category": "appointment",
                "subject": "Matrix",
                "message": "Can I come earlier?"
            })),
        )
        .await;
    assert_eq!(started.status, 201, "{started:#?}");
    started.body["conversation"]["conversationId"]
        .as_str()
        .expect("conversationId")
        .to_owned()
}
