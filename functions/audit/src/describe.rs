//! How an audit event reads in a patient's access log: a plain-language description of what
//! was done, and who did it as the patient may know it — never another patient's identity.

use portal_shared::policy::audit::{ACCEPT_CARE_INVITATION, ACTIVATE_ACCOUNT, AuditEvent};
use portal_shared::policy::authz::{Action, SYSTEM_RELATIONSHIP};
use portal_shared::policy::caller::{Caller, Role};
use serde::Serialize;

/// What each action reads as. An action missing here shows its machine name.
const DESCRIPTIONS: &[(&str, &str)] = &[
    (Action::ReadProfile.name(), "Viewed the profile"),
    (Action::UpdateProfile.name(), "Changed the profile"),
    (
        Action::ReviewProfileChanges.name(),
        "Reviewed a change request",
    ),
    (Action::RegisterPatient.name(), "Registered the patient"),
    (
        Action::SearchPatients.name(),
        "Found the patient in a staff search",
    ),
    (Action::ReadAccessLog.name(), "Viewed the access log"),
    (
        Action::ReadAuditTrail.name(),
        "Reviewed the record's audit trail",
    ),
    (
        Action::ManageActivationCodes.name(),
        "Managed portal activation codes",
    ),
    (ACTIVATE_ACCOUNT, "Activated the portal account"),
    (
        Action::ResetPatientMfa.name(),
        "Turned off the portal account's authenticator app",
    ),
    (Action::ReadCareCircle.name(), "Viewed the care circle"),
    (
        Action::ManageCareCircle.name(),
        "Invited or removed a caregiver",
    ),
    (
        Action::GrantGuardianAccess.name(),
        "Gave a guardian access to the record",
    ),
    (
        ACCEPT_CARE_INVITATION,
        "Accepted an invitation to act for you",
    ),
    (
        Action::IdentifyPatientActedFor.name(),
        "Saw you in their list of people they care for",
    ),
    (Action::ManageStaff.name(), "Managed staff accounts"),
    (
        Action::StartConversation.name(),
        "Started a conversation with the care team",
    ),
    (Action::ReadConversations.name(), "Read messages"),
    (Action::SendMessage.name(), "Sent a message"),
    (Action::MarkConversationRead.name(), "Marked messages read"),
    (
        Action::ManageConversation.name(),
        "Assigned or routed a conversation",
    ),
    (
        Action::WorkMessageInbox.name(),
        "Saw a conversation in a staff inbox",
    ),
    (
        Action::ImportRecords.name(),
        "Imported records from another organisation",
    ),
    (
        Action::ReadImportReports.name(),
        "Viewed the reports of record imports",
    ),
    (Action::ReadRecords.name(), "Viewed the health record"),
    (
        Action::ExportRecords.name(),
        "Downloaded the whole health record",
    ),
    (
        Action::AddResult.name(),
        "Added a result to the health record",
    ),
    (Action::BookAppointment.name(), "Booked an appointment"),
    (Action::ReadAppointments.name(), "Viewed the appointments"),
    (
        Action::ChangeAppointment.name(),
        "Cancelled or rescheduled an appointment",
    ),
    (
        Action::CheckInAppointment.name(),
        "Checked in online for an appointment",
    ),
    (
        Action::ManageSchedules.name(),
        "Managed providers' schedules",
    ),
    (
        Action::ReadSchedule.name(),
        "Read a provider's published schedule",
    ),
    (
        Action::ViewDaySchedule.name(),
        "Saw the appointment in the day's schedule",
    ),
    (
        Action::ManageNotificationPreferences.name(),
        "Viewed or changed how they are notified",
    ),
    (
        Action::ReadNotificationDeliveries.name(),
        "Viewed which notifications were sent",
    ),
    (
        Action::UnsubscribeFromNotifications.name(),
        "Turned off an email from its unsubscribe link",
    ),
    (
        Action::OfferFreedSlot.name(),
        "Offered an earlier slot from the waitlist",
    ),
    (
        Action::EndLapsedOffer.name(),
        "Ended a waitlist offer that was not answered in time",
    ),
    (
        Action::ReleaseReminder.name(),
        "Prepared an appointment reminder",
    ),
    (Action::SendNotification.name(), "Sent a notification"),
    (
        Action::ReadFeatures.name(),
        "Checked which portal features are available",
    ),
    (
        Action::ManageFeatureSwitches.name(),
        "Changed which portal features are available",
    ),
    (
        Action::ExplainFeature.name(),
        "Checked why a portal feature is or is not available",
    ),
    (
        Action::ManageCohorts.name(),
        "Added to, removed from or listed in a portal rollout group",
    ),
    (Action::SendInvitationWaves.name(), "Invited to the portal"),
    (
        Action::ManageAgreements.name(),
        "Published new portal terms",
    ),
    (
        Action::ReadAdoption.name(),
        "Read the portal's adoption figures",
    ),
    (
        Action::IssueWaveInvitation.name(),
        "Sent a portal invitation",
    ),
    (Action::ReadIdeas.name(), "Read the portal's feature ideas"),
    (
        Action::ManageIdeas.name(),
        "Changed a feature idea or decided on a suggestion",
    ),
    (Action::SuggestIdea.name(), "Suggested a portal feature"),
    (Action::ManagePolls.name(), "Set up a feature poll"),
    (
        Action::ReadPollResults.name(),
        "Read a feature poll's results",
    ),
    (
        Action::RespondToPolls.name(),
        "Looked at or answered a feature poll",
    ),
    (
        Action::RespondToStaffPolls.name(),
        "Looked at or answered a staff feature poll",
    ),
    (
        Action::GiveFeedback.name(),
        "Gave or read feedback on the portal",
    ),
    (
        Action::ReadFeedbackSummary.name(),
        "Read the portal's feedback figures",
    ),
    (
        Action::ReadFeedbackComments.name(),
        "Read comments on the portal",
    ),
    (
        Action::AnswerFeedback.name(),
        "Answered a comment on the portal",
    ),
    (Action::ManageSurveys.name(), "Opened a usability survey"),
    (
        Action::ReportProblem.name(),
        "Reported or followed a problem with the portal",
    ),
    (
        Action::WorkProblemReports.name(),
        "Worked on a problem report about the portal",
    ),
    (
        Action::SwitchOffFromReport.name(),
        "Turned a portal feature off from a problem report",
    ),
    (
        Action::ManageIncidents.name(),
        "Opened or updated a portal incident",
    ),
    (
        Action::ManageAnnouncements.name(),
        "Announced news about the portal",
    ),
    (
        Action::ReadAnnouncements.name(),
        "Read or acknowledged the portal's news",
    ),
    (
        Action::ReadDigests.name(),
        "Read the portal's weekly digest",
    ),
    (
        Action::RequestRefill.name(),
        "Asked for or withdrew a prescription refill",
    ),
    (
        Action::ReadRefills.name(),
        "Viewed prescription refill requests",
    ),
    (
        Action::WorkRefillQueue.name(),
        "Worked on a prescription refill request",
    ),
    (
        Action::DecideRefill.name(),
        "Decided on a prescription refill request",
    ),
    (
        Action::ManagePharmacies.name(),
        "Changed the practice's pharmacy directory",
    ),
    (
        Action::ReadPharmacies.name(),
        "Searched the pharmacy directory",
    ),
    (
        Action::ReadEducation.name(),
        "Viewed health topics matched to the record",
    ),
    (
        Action::RateEducation.name(),
        "Said whether a health topic was helpful",
    ),
    (
        Action::AssignEducation.name(),
        "Shared a health topic with the patient",
    ),
    (
        Action::ReadEducationLibrary.name(),
        "Viewed the health education library",
    ),
    (
        Action::ManageEducationLibrary.name(),
        "Changed the health education library",
    ),
    (Action::TakeTraining.name(), "Took staff training"),
    (
        Action::ReadOnboarding.name(),
        "Viewed the staff's onboarding progress",
    ),
    (
        Action::WaiveTraining.name(),
        "Waived a staff member's training module",
    ),
    (
        Action::AssignTraining.name(),
        "Assigned training to a staff member",
    ),
    (
        Action::ReadAccountLock.name(),
        "Checked whether the portal account is locked",
    ),
    (Action::LockAccount.name(), "Locked your portal account"),
    (Action::UnlockAccount.name(), "Unlocked your portal account"),
];

/// A caregiver's account (its lock, its authenticator app) is audited on each patient they act
/// for: it reads as theirs, not the patient's own account. By how the resource starts when
/// written ([`AuditResource::CaregiverLock`], [`AuditResource::CaregiverMfa`]) and the action.
const CAREGIVER_DESCRIPTIONS: &[(&str, &str, &str)] = &[
    (
        CAREGIVER_LOCK_RESOURCE,
        Action::ReadAccountLock.name(),
        "Checked whether a caregiver's account is locked",
    ),
    (
        CAREGIVER_LOCK_RESOURCE,
        Action::LockAccount.name(),
        "Locked the account of a caregiver who acts for you",
    ),
    (
        CAREGIVER_LOCK_RESOURCE,
        Action::UnlockAccount.name(),
        "Unlocked the account of a caregiver who acts for you",
    ),
    (
        CAREGIVER_MFA_RESOURCE,
        Action::ResetPatientMfa.name(),
        "Turned off the authenticator app of a caregiver who acts for you",
    ),
];

/// [`description`], told apart by what was acted on where one action reaches several kinds
/// of thing (a patient's own account, or a caregiver's).
pub fn description_of(action: &str, resource: &str) -> String {
    match CAREGIVER_DESCRIPTIONS.iter().find(|(kind, known, _)| {
        *known == action
            && resource
                .strip_prefix(kind)
                .is_some_and(|rest| rest.starts_with('/'))
    }) {
        Some((_, _, text)) => (*text).to_owned(),
        None => description(action),
    }
}

/// How [`AuditResource::CaregiverLock`] starts when written.
const CAREGIVER_LOCK_RESOURCE: &str = "caregiver-lock";
/// How [`AuditResource::CaregiverMfa`] starts when written.
const CAREGIVER_MFA_RESOURCE: &str = "caregiver-mfa";

pub fn description(action: &str) -> String {
    DESCRIPTIONS
        .iter()
        .find(|(known, _)| *known == action)
        .map_or_else(|| action.to_owned(), |(_, text)| (*text).to_owned())
}

/// What the "other" actor reads as.
pub const SOMEONE_WITHOUT_ACCESS: &str = "Someone without access to this record";

/// Who did it, as the access log shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ActorView {
    /// The patient whose record this is.
    You,
    /// A member of the practice's staff: their name and the role they acted in.
    Staff {
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        role: String,
    },
    /// A caregiver acting under the patient's grant.
    Caregiver {
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// The portal itself, doing the practice's own work (offering a freed slot, sending a
    /// notification).
    Portal,
    /// Anyone else (another patient, a caregiver without a grant): never identified.
    Other { description: &'static str },
}

/// The actor of `event`, in the log of the patient `viewer` is reading.
pub fn actor(event: &AuditEvent, viewer: &Caller) -> ActorView {
    let viewer_is_patient = viewer.has(Role::Patient)
        && viewer.patient_id.is_some()
        && viewer.patient_id == event.patient_id;
    let by_viewer = event.actor_sub == viewer.sub;
    if event.relationship == "own" || (viewer_is_patient && by_viewer) {
        return ActorView::You;
    }
    if event.relationship == SYSTEM_RELATIONSHIP {
        return ActorView::Portal;
    }
    if event.relationship == "caregiver" {
        return ActorView::Caregiver {
            name: event.actor_name.clone(),
        };
    }
    // Allowed staff access names its role; a refused one (relationship `none`) by someone with
    // a staff role shows the most senior staff role they held.
    let role = event
        .actor_role
        .clone()
        .filter(|_| event.relationship == "staff")
        .or_else(|| {
            event
                .actor_roles
                .iter()
                .filter_map(|group| Role::from_group(group))
                .filter(|role| role.is_staff())
                .max()
                .map(|role| role.group().to_owned())
        });
    match role {
        Some(role) => ActorView::Staff {
            name: event.actor_name.clone(),
            role,
        },
        None => ActorView::Other {
            description: SOMEONE_WITHOUT_ACCESS,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::domain::ids::PatientId;
    use portal_shared::policy::audit::{AuditResource, Outcome};
    use portal_shared::policy::caller::UserSub;
    use serde_json::json;

    fn caller(sub: &str, roles: &[Role], patient: Option<PatientId>, name: &str) -> Caller {
        Caller {
            sign_in: Default::default(),
            sub: UserSub::parse(sub).expect("sub"),
            roles: roles.iter().copied().collect(),
            patient_id: patient,
            display_name: Some(name.to_owned()),
        }
    }

    fn event(actor: &Caller, relationship: &str, patient: PatientId) -> AuditEvent {
        AuditEvent::new(
            actor,
            relationship,
            Some(patient),
            Action::ReadProfile.name(),
            &AuditResource::Profile,
            Outcome::Allowed,
            "r1",
        )
    }

    #[test]
    fn every_kind_of_actor_reads_as_the_patient_may_know_them() {
        let patient = PatientId::generate();
        let me = caller("me", &[Role::Patient], Some(patient), "Ana Lopez");
        let own = event(&me, "own", patient);
        assert_eq!(actor(&own, &me), ActorView::You);

        let desk = caller(
            "desk",
            &[Role::FrontDesk, Role::Clinician],
            None,
            "Dee Desk",
        );
        let staff = event(&desk, "staff", patient).acting_as(Some(Role::Clinician));
        assert_eq!(
            actor(&staff, &me),
            ActorView::Staff {
                name: Some("Dee Desk".into()),
                role: "clinicians".into()
            }
        );
        let refused_admin = event(&caller("adm", &[Role::Admin], None, "Al"), "none", patient);
        assert_eq!(
            actor(&refused_admin, &me),
            ActorView::Staff {
                name: Some("Al".into()),
                role: "admins".into()
            }
        );

        // The practice's own jobs read as the portal, whatever their actor is called.
        let job = caller("waitlist-offers", &[], None, "");
        let portal = event(&job, SYSTEM_RELATIONSHIP, patient);
        assert_eq!(
            serde_json::to_value(actor(&portal, &me)).expect("json"),
            json!({"kind": "portal"})
        );

        let carer = caller("carer", &[Role::Caregiver], None, "Cara Giver");
        let cared = event(&carer, "caregiver", patient);
        assert_eq!(
            actor(&cared, &me),
            ActorView::Caregiver {
                name: Some("Cara Giver".into())
            }
        );

        let stranger = caller(
            "other",
            &[Role::Patient],
            Some(PatientId::generate()),
            "Eve",
        );
        for refused in [
            event(&stranger, "none", patient),
            event(&carer, "none", patient),
        ] {
            let shown = serde_json::to_value(actor(&refused, &me)).expect("json");
            assert_eq!(
                shown,
                json!({"kind": "other", "description": SOMEONE_WITHOUT_ACCESS})
            );
        }
    }

    #[test]
    fn a_patients_own_refused_attempt_is_theirs_only_in_their_own_log() {
        let patient = PatientId::generate();
        let me = caller("me", &[Role::Patient], Some(patient), "Ana");
        let refused = event(&me, "none", patient);
        assert_eq!(actor(&refused, &me), ActorView::You);
        let carer = caller("carer", &[Role::Caregiver], None, "Cara");
        assert!(matches!(actor(&refused, &carer), ActorView::Other { .. }));
    }

    #[test]
    fn a_caregivers_lock_reads_as_theirs() {
        let own = AuditResource::AccountLock.to_string();
        let carer = AuditResource::CaregiverLock("carer-1".into()).to_string();
        assert_eq!(
            description_of(Action::LockAccount.name(), &own),
            "Locked your portal account"
        );
        assert_eq!(
            description_of(Action::LockAccount.name(), &carer),
            "Locked the account of a caregiver who acts for you"
        );
        assert_eq!(
            description_of(Action::ReadProfile.name(), &carer),
            "Viewed the profile"
        );
    }

    #[test]
    fn a_caregivers_authenticator_reset_reads_as_theirs() {
        let own = AuditResource::Mfa.to_string();
        let carer = AuditResource::CaregiverMfa("carer-1".into()).to_string();
        assert_eq!(
            description_of(Action::ResetPatientMfa.name(), &own),
            "Turned off the portal account's authenticator app"
        );
        assert_eq!(
            description_of(Action::ResetPatientMfa.name(), &carer),
            "Turned off the authenticator app of a caregiver who acts for you"
        );
    }

    #[test]
    fn actions_read_in_plain_language() {
        assert_eq!(description("profile.read"), "Viewed the profile");
        assert_eq!(description("access-log.read"), "Viewed the access log");
        assert_eq!(description("something.new"), "something.new");
        for action in Action::ALL {
            assert_ne!(description(action.name()), action.name(), "{action:?}");
        }
    }
}
