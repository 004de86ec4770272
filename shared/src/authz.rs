//! The single authorisation entry point. Deny by default.
//!
//! [`decide`] is the pure rule: the caller's own compartment, a caregiver's active grant with
//! the action's scope, or a staff role the action allows. [`Authorizer`] applies it to a
//! request: it loads a caregiver's grant when needed, writes the audit event (allowed or
//! denied) and hands out a [`PatientAccess`], the proof of both, which the storage functions of
//! a patient's data require. A handler therefore cannot touch a patient's data unaudited.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::Client;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::audit::{AuditEvent, AuditLog, Outcome};
use crate::caller::{Caller, Role};
use crate::http::Call;
use crate::ids::PatientId;
use crate::keys;
use crate::store;
use crate::timestamp::Timestamp;

/// What a caregiver may be granted (the care-circle feature issues grants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Records,
    Messages,
    Appointments,
    Billing,
    Profile,
}

/// Everything the API lets someone do. Each action says who may do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    RegisterPatient,
    ReadProfile,
    UpdateProfile,
    ReviewProfileChanges,
    /// Issue, list and revoke a patient's portal activation codes.
    ManageActivationCodes,
    /// Read a patient's access log (their accounting of disclosures).
    ReadAccessLog,
    /// Search the whole audit trail by actor or patient (practice oversight).
    ReadAuditTrail,
    /// See who is in a patient's care circle.
    ReadCareCircle,
    /// Invite caregivers to a patient's care circle and revoke them.
    ManageCareCircle,
    /// Give a parent or legal guardian access to a minor's record (identity checked in person).
    GrantGuardianAccess,
    /// A caregiver sees who they act for (the patient's name), under any grant in force.
    IdentifyPatientActedFor,
    /// Create staff accounts, change their roles, disable and enable them, list them.
    ManageStaff,
    /// Start a secure-messaging conversation with the care team.
    StartConversation,
    /// List a patient's conversations and read their messages.
    ReadConversations,
    /// Write a message in a conversation (patient side or staff reply).
    SendMessage,
    /// Mark a conversation read on the patient's side.
    MarkConversationRead,
    /// Assign, change the status of, or move a conversation (staff).
    ManageConversation,
    /// Work the staff message inboxes and their dashboard counts.
    WorkMessageInbox,
    /// Import a FHIR bundle from another organisation into the patient's health record.
    ImportRecords,
    /// See the reports of past imports into the health record.
    ReadImportReports,
    /// Read the consolidated health record (lists, detail, sources, summary, series).
    ReadRecords,
    /// Download the whole health record as a FHIR bundle.
    ExportRecords,
    /// Add a result (with an explanation for the patient) to the record, as the practice.
    AddResult,
    /// Book an open slot for a patient.
    BookAppointment,
    /// See a patient's upcoming and past appointments.
    ReadAppointments,
    /// Cancel or reschedule a patient's appointment.
    ChangeAppointment,
    /// Check in online before a visit (contact details, insurance, medications, questionnaire).
    CheckInAppointment,
    /// Add providers to the directory and publish their availability.
    ManageSchedules,
    /// Read a provider's published schedule (weekly hours, closed dates, blocks).
    ReadSchedule,
    /// The day's appointments across patients (per provider or the whole practice).
    ViewDaySchedule,
}

impl Action {
    /// Every action (so tests can check each is described, documented, decided).
    pub const ALL: [Action; 30] = [
        Action::RegisterPatient,
        Action::ReadProfile,
        Action::UpdateProfile,
        Action::ReviewProfileChanges,
        Action::ManageActivationCodes,
        Action::ReadAccessLog,
        Action::ReadAuditTrail,
        Action::ReadCareCircle,
        Action::ManageCareCircle,
        Action::GrantGuardianAccess,
        Action::IdentifyPatientActedFor,
        Action::ManageStaff,
        Action::StartConversation,
        Action::ReadConversations,
        Action::SendMessage,
        Action::MarkConversationRead,
        Action::ManageConversation,
        Action::WorkMessageInbox,
        Action::ImportRecords,
        Action::ReadImportReports,
        Action::ReadRecords,
        Action::ExportRecords,
        Action::AddResult,
        Action::BookAppointment,
        Action::ReadAppointments,
        Action::ChangeAppointment,
        Action::CheckInAppointment,
        Action::ManageSchedules,
        Action::ReadSchedule,
        Action::ViewDaySchedule,
    ];

    /// The name recorded in the audit trail.
    pub const fn name(self) -> &'static str {
        match self {
            Action::RegisterPatient => "patient.register",
            Action::ReadProfile => "profile.read",
            Action::UpdateProfile => "profile.update",
            Action::ReviewProfileChanges => "profile-change.review",
            Action::ManageActivationCodes => "activation-code.manage",
            Action::ReadAccessLog => "access-log.read",
            Action::ReadAuditTrail => "audit-trail.read",
            Action::ReadCareCircle => "care-circle.read",
            Action::ManageCareCircle => "care-circle.manage",
            Action::GrantGuardianAccess => "guardian.grant",
            Action::IdentifyPatientActedFor => "care-circle.acting-for",
            Action::ManageStaff => "staff-account.manage",
            Action::StartConversation => "conversation.start",
            Action::ReadConversations => "conversation.read",
            Action::SendMessage => "message.send",
            Action::MarkConversationRead => "conversation.mark-read",
            Action::ManageConversation => "conversation.manage",
            Action::WorkMessageInbox => "message-inbox.read",
            Action::ImportRecords => "records.import",
            Action::ReadImportReports => "records.imports.read",
            Action::ReadRecords => "records.read",
            Action::ExportRecords => "records.export",
            Action::AddResult => "records.add-result",
            Action::BookAppointment => "appointment.book",
            Action::ReadAppointments => "appointment.read",
            Action::ChangeAppointment => "appointment.change",
            Action::CheckInAppointment => "appointment.check-in",
            Action::ManageSchedules => "schedule.manage",
            Action::ReadSchedule => "schedule.read",
            Action::ViewDaySchedule => "schedule.day-view",
        }
    }

    /// Whether patients may do this in their own compartment.
    fn patient_may(self) -> bool {
        matches!(
            self,
            Action::ReadProfile
                | Action::UpdateProfile
                | Action::ReadAccessLog
                | Action::ReadCareCircle
                | Action::ManageCareCircle
                | Action::StartConversation
                | Action::ReadConversations
                | Action::SendMessage
                | Action::MarkConversationRead
                | Action::ImportRecords
                | Action::ReadImportReports
                | Action::ReadRecords
                | Action::ExportRecords
                | Action::BookAppointment
                | Action::ReadAppointments
                | Action::ChangeAppointment
                | Action::CheckInAppointment
        )
    }

    /// What a caregiver's grant must hold for this.
    fn caregiver_needs(self) -> CaregiverNeeds {
        match self {
            Action::ReadProfile | Action::UpdateProfile => CaregiverNeeds::Scope(Scope::Profile),
            // Who saw the record belongs with the record.
            Action::ReadAccessLog => CaregiverNeeds::Scope(Scope::Records),
            Action::IdentifyPatientActedFor => CaregiverNeeds::AnyScope,
            Action::StartConversation
            | Action::ReadConversations
            | Action::SendMessage
            | Action::MarkConversationRead => CaregiverNeeds::Scope(Scope::Messages),
            // A caregiver trusted with the record may also bring in a file from another portal
            // (an adult child gathering a parent's records); only staff may override a
            // patient mismatch.
            Action::ImportRecords
            | Action::ReadImportReports
            | Action::ReadRecords
            | Action::ExportRecords => CaregiverNeeds::Scope(Scope::Records),
            Action::BookAppointment
            | Action::ReadAppointments
            | Action::ChangeAppointment
            | Action::CheckInAppointment => CaregiverNeeds::Scope(Scope::Appointments),
            // Who may act for the patient is the patient's own decision (or the practice's); staff
            // work is staff's.
            Action::ManageConversation
            | Action::WorkMessageInbox
            | Action::RegisterPatient
            | Action::ReviewProfileChanges
            | Action::ManageActivationCodes
            | Action::ReadAuditTrail
            | Action::ReadCareCircle
            | Action::ManageCareCircle
            | Action::GrantGuardianAccess
            | Action::ManageStaff
            | Action::AddResult
            | Action::ManageSchedules
            | Action::ReadSchedule
            | Action::ViewDaySchedule => CaregiverNeeds::Never,
        }
    }

    /// The staff roles that may do this for any patient of the practice.
    /// Admins administer the portal; they see patients' data only with a clinical or
    /// front-desk role besides.
    fn staff_roles(self) -> &'static [Role] {
        match self {
            Action::RegisterPatient => &[Role::FrontDesk],
            Action::ReadProfile => &[Role::FrontDesk, Role::Clinician, Role::ResponseTeam],
            Action::UpdateProfile => &[Role::FrontDesk],
            Action::ReviewProfileChanges => &[Role::FrontDesk],
            Action::ManageActivationCodes => &[Role::FrontDesk],
            // Oversight of who accessed what is the administrators' job.
            Action::ReadAccessLog | Action::ReadAuditTrail => &[Role::Admin],
            // Whoever talks to patients needs to know who may speak for them.
            Action::ReadCareCircle => &[Role::FrontDesk, Role::Clinician, Role::ResponseTeam],
            Action::ManageCareCircle | Action::GrantGuardianAccess => &[Role::FrontDesk],
            Action::IdentifyPatientActedFor => &[],
            // Who works here, and with which powers, is the administrators' decision alone.
            Action::ManageStaff => &[Role::Admin],
            // Patients and caregivers start conversations and mark them read; staff answer.
            Action::StartConversation | Action::MarkConversationRead => &[],
            // Every team that answers messages may read, answer and route any conversation
            // (a misfiled question must reach the right team); inboxes split the work by
            // category, not the right to see it.
            Action::ReadConversations
            | Action::SendMessage
            | Action::ManageConversation
            | Action::WorkMessageInbox => MESSAGING_TEAMS,
            // Front desk scans in and uploads records that patients bring; clinicians import
            // from referrals. Reading the clinical record is the clinicians' (minimum necessary).
            // Who may bring records in may see what came of it.
            Action::ImportRecords | Action::ReadImportReports => {
                &[Role::FrontDesk, Role::Clinician]
            }
            Action::ReadRecords | Action::ExportRecords => &[Role::Clinician],
            // Results are the clinicians' to report and explain.
            Action::AddResult => &[Role::Clinician],
            // The front desk books, moves and checks in for anyone who calls or walks in.
            Action::BookAppointment | Action::ChangeAppointment | Action::CheckInAppointment => {
                &[Role::FrontDesk]
            }
            Action::ReadAppointments => &[Role::FrontDesk, Role::Clinician, Role::ResponseTeam],
            Action::ManageSchedules => &[Role::FrontDesk],
            // Those who publish a schedule read it back before changing it; clinicians check
            // the hours and blocks published for them. Patients see open slots, not a
            // provider's absences.
            Action::ReadSchedule => &[Role::FrontDesk, Role::Clinician],
            // Clinicians see whom they see today; the front desk runs the day.
            Action::ViewDaySchedule => &[Role::FrontDesk, Role::Clinician],
        }
    }
}

/// What a caregiver's grant must hold for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaregiverNeeds {
    /// Caregivers never may.
    Never,
    Scope(Scope),
    /// Any grant in force will do.
    AnyScope,
}

/// The staff roles that answer patients' messages.
pub const MESSAGING_TEAMS: &[Role] = &[Role::Clinician, Role::FrontDesk, Role::ResponseTeam];

/// A caregiver's grant, as the care-circle feature stores it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    pub scopes: BTreeSet<Scope>,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default)]
    pub expires: Option<Timestamp>,
}

impl Grant {
    pub fn is_active(&self, now: Timestamp) -> bool {
        !self.revoked && self.expires.is_none_or(|end| now < end)
    }
}

/// How the caller relates to the patient whose data they reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    Own,
    Caregiver,
    Staff(Role),
}

impl Relationship {
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Own => "own",
            Relationship::Caregiver => "caregiver",
            Relationship::Staff(_) => "staff",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The caller has no relation to this patient: answered as 404 so that nobody learns
    /// whether another patient (or their object) exists.
    NotYours,
    /// The caller may see this patient but their role may not do this: 403.
    RoleMayNot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow(Relationship),
    Deny(Denial),
}

/// The rule. `grant` is the caller's grant for this patient, when they hold one.
pub fn decide(
    caller: &Caller,
    patient: PatientId,
    action: Action,
    grant: Option<&Grant>,
    now: Timestamp,
) -> Decision {
    let own = caller.has(Role::Patient) && caller.patient_id == Some(patient);
    if own && action.patient_may() {
        return Decision::Allow(Relationship::Own);
    }
    if let Some(role) = action
        .staff_roles()
        .iter()
        .copied()
        .find(|role| caller.has(*role))
    {
        return Decision::Allow(Relationship::Staff(role));
    }
    let active_grant = grant.filter(|g| caller.has(Role::Caregiver) && g.is_active(now));
    if let Some(grant) = active_grant {
        let allowed = match action.caregiver_needs() {
            CaregiverNeeds::Scope(scope) => grant.scopes.contains(&scope),
            CaregiverNeeds::AnyScope => true,
            CaregiverNeeds::Never => false,
        };
        return if allowed {
            Decision::Allow(Relationship::Caregiver)
        } else {
            Decision::Deny(Denial::RoleMayNot)
        };
    }
    if own || caller.is_staff() {
        Decision::Deny(Denial::RoleMayNot)
    } else {
        Decision::Deny(Denial::NotYours)
    }
}

/// The proof that the caller may do `action` on `patient`'s data and that this was audited.
/// Only [`Authorizer::patient`] makes one.
#[derive(Debug, Clone)]
pub struct PatientAccess {
    patient: PatientId,
    action: Action,
    relationship: Relationship,
}

impl PatientAccess {
    pub fn patient(&self) -> PatientId {
        self.patient
    }
    pub fn action(&self) -> Action {
        self.action
    }
    pub fn relationship(&self) -> Relationship {
        self.relationship
    }
}

/// The proof that the caller holds a staff role allowed to do `action` across patients
/// (work lists, registration). Accesses to individual patients found through it are audited
/// with [`Authorizer::record_staff_access`].
#[derive(Debug, Clone)]
pub struct StaffAccess {
    action: Action,
    role: Role,
}

impl StaffAccess {
    pub fn action(&self) -> Action {
        self.action
    }
    pub fn role(&self) -> Role {
        self.role
    }
}

pub struct Authorizer<'a> {
    dynamo: &'a Client,
    app_table: &'a str,
    audit: &'a AuditLog,
}

impl<'a> Authorizer<'a> {
    pub fn new(dynamo: &'a Client, app_table: &'a str, audit: &'a AuditLog) -> Self {
        Authorizer {
            dynamo,
            app_table,
            audit,
        }
    }

    /// Decides whether the caller may do `action` on `patient`'s data, records the audit event
    /// either way, and returns the access or the error to answer (404 or 403).
    pub async fn patient(
        &self,
        call: &Call,
        patient: PatientId,
        action: Action,
        resource: &str,
    ) -> Result<PatientAccess, ApiError> {
        let caller = call.caller();
        let grant = if caller.has(Role::Caregiver) {
            self.load_grant(caller, patient).await?
        } else {
            None
        };
        let decision = decide(caller, patient, action, grant.as_ref(), Timestamp::now());
        let (outcome, relationship) = match decision {
            Decision::Allow(relationship) => (Outcome::Allowed, relationship.as_str()),
            Decision::Deny(_) => (Outcome::Denied, "none"),
        };
        let event = AuditEvent::new(
            caller,
            relationship,
            Some(patient),
            action.name(),
            resource,
            outcome,
            call.request_id(),
        )
        .acting_as(match decision {
            Decision::Allow(Relationship::Staff(role)) => Some(role),
            _ => None,
        });
        self.audit.record(&event).await?;
        match decision {
            Decision::Allow(relationship) => Ok(PatientAccess {
                patient,
                action,
                relationship,
            }),
            Decision::Deny(Denial::NotYours) => Err(ApiError::NotFound),
            Decision::Deny(Denial::RoleMayNot) => Err(ApiError::Forbidden(
                "Your role does not allow this action on this patient's data.",
            )),
        }
    }

    /// For actions across patients (work lists, registration): the caller must hold one of the
    /// action's staff roles. A refusal is audited as an event about no patient.
    pub async fn staff(&self, call: &Call, action: Action) -> Result<StaffAccess, ApiError> {
        let caller = call.caller();
        let role = action
            .staff_roles()
            .iter()
            .copied()
            .find(|role| caller.has(*role));
        match role {
            Some(role) => Ok(StaffAccess { action, role }),
            None => {
                let event = AuditEvent::new(
                    caller,
                    "none",
                    None,
                    action.name(),
                    call.route_path(),
                    Outcome::Denied,
                    call.request_id(),
                );
                self.audit.record(&event).await?;
                Err(ApiError::Forbidden(
                    "This is for practice staff with another role.",
                ))
            }
        }
    }

    /// Audits that staff, acting under `access`, reached these patients' data (one event each).
    pub async fn record_staff_access(
        &self,
        call: &Call,
        access: &StaffAccess,
        patients_and_resources: &[(PatientId, String)],
    ) -> Result<(), ApiError> {
        let events: Vec<AuditEvent> = patients_and_resources
            .iter()
            .map(|(patient, resource)| {
                AuditEvent::new(
                    call.caller(),
                    Relationship::Staff(access.role).as_str(),
                    Some(*patient),
                    access.action.name(),
                    resource,
                    Outcome::Allowed,
                    call.request_id(),
                )
                .acting_as(Some(access.role))
            })
            .collect();
        self.audit.record_all(&events).await
    }

    /// Audits an action of staff, under `access`, that is about no patient (a staff account,
    /// say): allowed, or refused by a rule of the action itself (e.g. an administrator removing
    /// their own admin role). `resource` names what was acted on (ids only).
    pub async fn record_staff_action(
        &self,
        call: &Call,
        access: &StaffAccess,
        resource: &str,
        outcome: Outcome,
    ) -> Result<(), ApiError> {
        let relationship = match outcome {
            Outcome::Allowed => Relationship::Staff(access.role).as_str(),
            Outcome::Denied => "none",
        };
        let event = AuditEvent::new(
            call.caller(),
            relationship,
            None,
            access.action.name(),
            resource,
            outcome,
            call.request_id(),
        )
        .acting_as(Some(access.role));
        self.audit.record(&event).await
    }

    /// Turns staff access into patient access for one patient it reached (e.g. the patient of
    /// a change being decided); audited like any other access.
    pub async fn patient_via_staff(
        &self,
        call: &Call,
        access: &StaffAccess,
        patient: PatientId,
        resource: &str,
    ) -> Result<PatientAccess, ApiError> {
        self.patient(call, patient, access.action, resource).await
    }

    async fn load_grant(
        &self,
        caller: &Caller,
        patient: PatientId,
    ) -> Result<Option<Grant>, ApiError> {
        let key = keys::caregiver_grant(patient, &caller.sub);
        let item = store::get_item(self.dynamo, self.app_table, &key, None).await?;
        item.map(store::from_item).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caller::UserSub;

    fn caller(roles: &[Role], patient: Option<PatientId>) -> Caller {
        Caller {
            sub: UserSub::parse("user-1").expect("sub"),
            roles: roles.iter().copied().collect(),
            patient_id: patient,
            display_name: None,
        }
    }

    fn grant(scopes: &[Scope], revoked: bool, expires: Option<Timestamp>) -> Grant {
        Grant {
            scopes: scopes.iter().copied().collect(),
            revoked,
            expires,
        }
    }

    #[test]
    fn patients_reach_only_their_own_compartment() {
        let me = PatientId::generate();
        let other = PatientId::generate();
        let patient = caller(&[Role::Patient], Some(me));
        let now = Timestamp::now();
        assert_eq!(
            decide(&patient, me, Action::ReadProfile, None, now),
            Decision::Allow(Relationship::Own)
        );
        assert_eq!(
            decide(&patient, other, Action::ReadProfile, None, now),
            Decision::Deny(Denial::NotYours)
        );
        assert_eq!(
            decide(&patient, me, Action::ReviewProfileChanges, None, now),
            Decision::Deny(Denial::RoleMayNot)
        );
    }

    #[test]
    fn staff_roles_are_per_action() {
        let patient = PatientId::generate();
        let now = Timestamp::now();
        let clinician = caller(&[Role::Clinician], None);
        assert!(matches!(
            decide(&clinician, patient, Action::ReadProfile, None, now),
            Decision::Allow(Relationship::Staff(Role::Clinician))
        ));
        assert_eq!(
            decide(&clinician, patient, Action::UpdateProfile, None, now),
            Decision::Deny(Denial::RoleMayNot)
        );
        let admin = caller(&[Role::Admin], None);
        assert_eq!(
            decide(&admin, patient, Action::ReadProfile, None, now),
            Decision::Deny(Denial::RoleMayNot)
        );
        let nobody = caller(&[], None);
        assert_eq!(
            decide(&nobody, patient, Action::ReadProfile, None, now),
            Decision::Deny(Denial::NotYours)
        );
    }

    #[test]
    fn only_admins_manage_staff() {
        let patient = PatientId::generate();
        let now = Timestamp::now();
        for role in Role::ALL {
            let who = caller(&[role], Some(patient));
            let allowed = matches!(
                decide(&who, patient, Action::ManageStaff, None, now),
                Decision::Allow(_)
            );
            assert_eq!(allowed, role == Role::Admin, "{role}");
        }
        let carer = caller(&[Role::Caregiver], None);
        let everything = grant(
            &[
                Scope::Records,
                Scope::Messages,
                Scope::Appointments,
                Scope::Billing,
                Scope::Profile,
            ],
            false,
            None,
        );
        assert_eq!(
            decide(&carer, patient, Action::ManageStaff, Some(&everything), now),
            Decision::Deny(Denial::RoleMayNot)
        );
    }

    #[test]
    fn appointments_are_the_patients_the_appointments_scope_and_the_front_desks() {
        let patient = PatientId::generate();
        let now = Timestamp::now();
        let own = caller(&[Role::Patient], Some(patient));
        let carer = caller(&[Role::Caregiver], None);
        let scoped = grant(&[Scope::Appointments], false, None);
        let records = grant(&[Scope::Records], false, None);
        for action in [
            Action::BookAppointment,
            Action::ReadAppointments,
            Action::ChangeAppointment,
            Action::CheckInAppointment,
        ] {
            assert_eq!(
                decide(&own, patient, action, None, now),
                Decision::Allow(Relationship::Own)
            );
            assert_eq!(
                decide(&carer, patient, action, Some(&scoped), now),
                Decision::Allow(Relationship::Caregiver)
            );
            assert_eq!(
                decide(&carer, patient, action, Some(&records), now),
                Decision::Deny(Denial::RoleMayNot)
            );
            assert!(matches!(
                decide(
                    &caller(&[Role::FrontDesk], None),
                    patient,
                    action,
                    None,
                    now
                ),
                Decision::Allow(Relationship::Staff(Role::FrontDesk))
            ));
            assert_eq!(
                decide(&caller(&[Role::Admin], None), patient, action, None, now),
                Decision::Deny(Denial::RoleMayNot)
            );
        }
        let clinician = caller(&[Role::Clinician], None);
        assert!(matches!(
            decide(&clinician, patient, Action::ReadAppointments, None, now),
            Decision::Allow(_)
        ));
        assert_eq!(
            decide(&clinician, patient, Action::BookAppointment, None, now),
            Decision::Deny(Denial::RoleMayNot)
        );
        // Schedules and the day view are staff work, whatever a grant holds.
        for action in [
            Action::ManageSchedules,
            Action::ReadSchedule,
            Action::ViewDaySchedule,
        ] {
            assert_eq!(
                decide(&own, patient, action, None, now),
                Decision::Deny(Denial::RoleMayNot)
            );
            assert_eq!(
                decide(&carer, patient, action, Some(&scoped), now),
                Decision::Deny(Denial::RoleMayNot)
            );
        }
    }

    #[test]
    fn caregivers_need_an_active_grant_with_the_scope() {
        let patient = PatientId::generate();
        let now = Timestamp::now();
        let carer = caller(&[Role::Caregiver], None);
        let allowed = grant(&[Scope::Profile], false, None);
        assert_eq!(
            decide(&carer, patient, Action::ReadProfile, Some(&allowed), now),
            Decision::Allow(Relationship::Caregiver)
        );
        let wrong_scope = grant(&[Scope::Billing], false, None);
        assert_eq!(
            decide(
                &carer,
                patient,
                Action::ReadProfile,
                Some(&wrong_scope),
                now
            ),
            Decision::Deny(Denial::RoleMayNot)
        );
        let revoked = grant(&[Scope::Profile], true, None);
        assert_eq!(
            decide(&carer, patient, Action::ReadProfile, Some(&revoked), now),
            Decision::Deny(Denial::NotYours)
        );
        let ended = grant(&[Scope::Profile], false, Some(now));
        assert_eq!(
            decide(&carer, patient, Action::ReadProfile, Some(&ended), now),
            Decision::Deny(Denial::NotYours)
        );
        assert_eq!(
            decide(&carer, patient, Action::ReadProfile, None, now),
            Decision::Deny(Denial::NotYours)
        );
        // Any grant in force lets a caregiver see whom they act for; none lets them manage
        // the circle.
        let billing_only = grant(&[Scope::Billing], false, None);
        assert_eq!(
            decide(
                &carer,
                patient,
                Action::IdentifyPatientActedFor,
                Some(&billing_only),
                now
            ),
            Decision::Allow(Relationship::Caregiver)
        );
        assert_eq!(
            decide(
                &carer,
                patient,
                Action::IdentifyPatientActedFor,
                Some(&revoked),
                now
            ),
            Decision::Deny(Denial::NotYours)
        );
        assert_eq!(
            decide(
                &carer,
                patient,
                Action::ManageCareCircle,
                Some(&allowed),
                now
            ),
            Decision::Deny(Denial::RoleMayNot)
        );
        // A grant never lets a caregiver do what only staff do.
        assert_eq!(
            decide(
                &carer,
                patient,
                Action::ReviewProfileChanges,
                Some(&allowed),
                now
            ),
            Decision::Deny(Denial::RoleMayNot)
        );
    }

    #[test]
    fn messaging_is_for_the_patient_side_and_the_answering_teams() {
        let patient = PatientId::generate();
        let now = Timestamp::now();
        let own = caller(&[Role::Patient], Some(patient));
        let carer = caller(&[Role::Caregiver], None);
        let messages = grant(&[Scope::Messages], false, None);
        let patient_side = [
            Action::StartConversation,
            Action::ReadConversations,
            Action::SendMessage,
            Action::MarkConversationRead,
        ];
        for action in patient_side {
            assert_eq!(
                decide(&own, patient, action, None, now),
                Decision::Allow(Relationship::Own)
            );
            assert_eq!(
                decide(&carer, patient, action, Some(&messages), now),
                Decision::Allow(Relationship::Caregiver)
            );
        }
        assert_eq!(
            decide(&own, patient, Action::ManageConversation, None, now),
            Decision::Deny(Denial::RoleMayNot)
        );
        for role in MESSAGING_TEAMS {
            let staff = caller(&[*role], None);
            for action in [
                Action::ReadConversations,
                Action::SendMessage,
                Action::ManageConversation,
            ] {
                assert_eq!(
                    decide(&staff, patient, action, None, now),
                    Decision::Allow(Relationship::Staff(*role))
                );
            }
            for action in [Action::StartConversation, Action::MarkConversationRead] {
                assert_eq!(
                    decide(&staff, patient, action, None, now),
                    Decision::Deny(Denial::RoleMayNot)
                );
            }
        }
        let admin = caller(&[Role::Admin], None);
        assert_eq!(
            decide(&admin, patient, Action::ReadConversations, None, now),
            Decision::Deny(Denial::RoleMayNot)
        );
    }
}
