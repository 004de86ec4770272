//! The rules: for each action, whether patients may do it in their own compartment, what a
//! caregiver's grant must hold, and which staff roles may do it for any patient. One row per
//! action in [`Action::rule`]; [`decide`] applies them. Deny by default.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use strum::VariantArray;

use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::policy::caller::{Caller, Role};

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

/// Everything the API lets someone do. Who may do each is its row in [`Action::rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, VariantArray)]
pub enum Action {
    RegisterPatient,
    /// Find patients by name and/or date of birth (`GET /staff/patients`): the answer reveals
    /// who is a patient, so every patient it names is audited.
    SearchPatients,
    ReadProfile,
    UpdateProfile,
    ReviewProfileChanges,
    /// Issue, list and revoke a patient's portal activation codes.
    ManageActivationCodes,
    /// Turn off a patient's (or a caregiver's) authenticator app (MFA) after checking who is
    /// calling: someone who lost their device and their backup codes.
    ResetPatientMfa,
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
    ManageNotificationPreferences,
    ReadNotificationDeliveries,
    UnsubscribeFromNotifications,
    /// Hold a freed slot for a waiting patient and tell them (the practice's waitlist offers).
    OfferFreedSlot,
    /// End a waiting patient's offer that lapsed unanswered (the practice's waitlist offers).
    EndLapsedOffer,
    /// Turn a patient's due appointment reminder into a notification to send.
    ReleaseReminder,
    /// Read a patient's contact details to send them a notification.
    SendNotification,
    /// See which portal features are on for a patient (the app hides the others).
    ReadFeatures,
    /// List, change and kill the feature switches, and read their history (no patient's data).
    ManageFeatureSwitches,
    /// Explain why a given patient does or does not see a feature (their cohorts and bucket).
    ExplainFeature,
    /// Create cohorts, add and remove patients (one by one, by filter, by a CSV of the
    /// practice's list, registering those not yet registered), read members and history.
    ManageCohorts,
    /// Send a cohort's invitation wave (activation codes through the sender) and follow it.
    SendInvitationWaves,
    /// Publish new versions of the terms of use and the beta terms.
    ManageAgreements,
    /// Read the adoption figures (counts per cohort, feature and day; never anyone's data).
    ReadAdoption,
    /// Issue a wave's activation code to one of its members and hand it to the outbox (the
    /// invitation waves' job: reads the patient's portal account and contact on file).
    IssueWaveInvitation,
    /// See the practice's feature ideas and their status.
    ReadIdeas,
    /// Add and edit feature ideas, change their status, accept or decline patients'
    /// suggestions.
    ManageIdeas,
    /// Suggest a feature idea to the practice (a patient, or a caregiver for them).
    SuggestIdea,
    /// Create feature-priority polls, close them, make links for other practices.
    ManagePolls,
    /// List the polls and read their results (counts and ranks, never a ballot's author).
    ReadPollResults,
    /// See the polls a patient is asked to answer and cast or replace their ballot.
    RespondToPolls,
    /// See the polls a staff member is asked to answer and cast or replace their ballot.
    RespondToStaffPolls,
    /// Rate a portal feature, answer a usability survey, read one's own feedback and updates.
    GiveFeedback,
    /// Read the averages of the ratings and the usability surveys' scores (no one's words).
    ReadFeedbackSummary,
    /// Read patients' comments on features (their own words: audited per patient).
    ReadFeedbackComments,
    /// Answer a patient's comment ("we changed this"), which tells its author.
    AnswerFeedback,
    /// Open a System Usability Scale survey of a cohort.
    ManageSurveys,
    /// Report a problem with the portal, follow one's own reports and reply to the team.
    ReportProblem,
    /// Work the quick-response team's queue: read reports, triage, assign, note, reply, merge.
    WorkProblemReports,
    /// Turn a feature off (for everyone, or for a cohort) from a problem report.
    SwitchOffFromReport,
    /// Open incidents on features and post their updates.
    ManageIncidents,
    /// Announce news to stakeholder groups and see who read and acknowledged it.
    ManageAnnouncements,
    /// Read the announcements meant for one (what's new), mark them read, acknowledge them.
    ReadAnnouncements,
    /// Read the weekly digests of the portal's week (counts, report ids, incident titles; no
    /// patient's words or identity).
    ReadDigests,
    /// Ask the practice to renew a current medication (a refill request), withdraw one.
    RequestRefill,
    /// Read a patient's refill requests and which of their medications may be renewed.
    ReadRefills,
    /// Work the refill queue: read the requests, claim one for review, mark approved ones sent.
    WorkRefillQueue,
    /// Approve, deny or ask for a visit on a refill request (a prescribing decision).
    DecideRefill,
    /// Add pharmacies to the practice's directory and retire them.
    ManagePharmacies,
    /// Search the practice's pharmacy directory.
    ReadPharmacies,
    /// Read the health topics matched to a patient's record (and those assigned to them).
    ReadEducation,
    /// Say whether a health topic was helpful (the patient's side only).
    RateEducation,
    /// Assign a health topic to a patient with a note, or withdraw it.
    AssignEducation,
    /// Read the practice's health education library (every topic, retired ones and tallies).
    ReadEducationLibrary,
    /// Add, edit and retire the library's health topics.
    ManageEducationLibrary,
    /// Read one's own training modules and take their quizzes.
    TakeTraining,
    /// See every staff member's onboarding progress.
    ReadOnboarding,
    /// Waive a staff member's training module, with a reason.
    WaiveTraining,
    /// Create or extend a staff member's onboarding plan from their current roles.
    AssignTraining,
    /// See whether a patient's or a caregiver's portal account is locked, and why.
    ReadAccountLock,
    /// Lock a patient's or a caregiver's portal account (signs it out everywhere).
    LockAccount,
    /// Unlock a locked portal account.
    UnlockAccount,
}

/// The practice's own work, done on its schedule (or right after a request frees a slot) for
/// no caller. Jobs are not callers: they reach a patient's data only through the actions whose
/// rule names them, audited under [`PracticeJob::actor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PracticeJob {
    /// Offers freed slots to waiting patients and ends lapsed offers (the sweeper, and the
    /// offer step that runs right after a cancellation or a move).
    WaitlistOffers,
    /// Turns due reminders into outbox records.
    NotificationRelease,
    /// Sends what the outbox records announce.
    NotificationSender,
    /// Issues invitation waves' activation codes, at each wave's rate.
    InvitationWaves,
}

impl PracticeJob {
    /// The actor the audit trail names. A colon never occurs in a Cognito sub (a UUID), so no
    /// account can be mistaken for a job.
    pub const fn actor(self) -> &'static str {
        match self {
            PracticeJob::WaitlistOffers => "system:waitlist-offers",
            PracticeJob::NotificationRelease => "system:notification-release",
            PracticeJob::NotificationSender => "system:notification-sender",
            PracticeJob::InvitationWaves => "system:invitation-waves",
        }
    }
}

/// Who may do one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The name recorded in the audit trail.
    pub name: &'static str,
    /// Whether patients may do it in their own compartment.
    pub own: bool,
    /// What a caregiver's grant must hold.
    pub caregiver: CaregiverNeeds,
    /// The staff roles that may do it for any patient of the practice. Admins administer the
    /// portal; they see patients' data only with a clinical or front-desk role besides.
    pub staff: &'static [Role],
    /// The practice's jobs that may do it (for no caller).
    pub jobs: &'static [PracticeJob],
    /// Whether a caregiver may still do it while the patient's account is locked (refused
    /// otherwise, `account-locked`). Only seeing whom they act for: their list shows the
    /// patient as locked.
    pub while_patient_locked: bool,
}

/// What a caregiver's grant must hold for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaregiverNeeds {
    /// Caregivers never may.
    Never,
    Scope(Scope),
    /// Any grant in force will do.
    AnyScope,
}

/// The staff roles that answer patients' messages. Every team that answers messages may read,
/// answer and route any conversation (a misfiled question must reach the right team); inboxes
/// split the work by category, not the right to see it.
pub const MESSAGING_TEAMS: &[Role] = &[Role::Clinician, Role::FrontDesk, Role::ResponseTeam];

const fn rule(
    name: &'static str,
    own: bool,
    caregiver: CaregiverNeeds,
    staff: &'static [Role],
) -> Rule {
    Rule {
        name,
        own,
        caregiver,
        staff,
        jobs: &[],
        while_patient_locked: false,
    }
}

impl Rule {
    /// This rule, also for a caregiver while the patient's account is locked.
    const fn also_while_patient_locked(self) -> Rule {
        Rule {
            while_patient_locked: true,
            ..self
        }
    }
}

/// A row for the practice's own work: no patient, caregiver or staff member may do it.
const fn job_rule(name: &'static str, jobs: &'static [PracticeJob]) -> Rule {
    Rule {
        name,
        own: false,
        caregiver: CaregiverNeeds::Never,
        staff: &[],
        jobs,
        while_patient_locked: false,
    }
}

impl Action {
    /// Every action (so tests can check each is described, documented, decided).
    pub const ALL: &'static [Action] = Action::VARIANTS;

    /// The one table of who may do what. Caregivers: who may act for the patient is the
    /// patient's own decision (or the practice's), and staff work is staff's, so those rows say
    /// `Never`.
    pub const fn rule(self) -> Rule {
        use CaregiverNeeds::{AnyScope, Never, Scope as Needs};
        use Role::{Admin, Clinician, FrontDesk, PortalLead, ResponseTeam};
        const YES: bool = true;
        const NO: bool = false;
        match self {
            // action                       audit name              own  caregiver                    staff
            Action::RegisterPatient => rule("patient.register", NO, Never, &[FrontDesk]),
            Action::SearchPatients => {
                rule("patient.search", NO, Never, &[FrontDesk, Clinician, Admin])
            }
            Action::ReadProfile => rule(
                "profile.read",
                YES,
                Needs(Scope::Profile),
                &[FrontDesk, Clinician, ResponseTeam],
            ),
            Action::UpdateProfile => {
                rule("profile.update", YES, Needs(Scope::Profile), &[FrontDesk])
            }
            Action::ReviewProfileChanges => rule("profile-change.review", NO, Never, &[FrontDesk]),
            Action::ManageActivationCodes => {
                rule("activation-code.manage", NO, Never, &[FrontDesk])
            }
            // The front desk checks identity in person or on the phone, as for activation codes.
            Action::ResetPatientMfa => rule("mfa.reset", NO, Never, &[FrontDesk]),
            // Who saw the record belongs with the record; oversight of who accessed what is
            // the administrators' job.
            Action::ReadAccessLog => rule("access-log.read", YES, Needs(Scope::Records), &[Admin]),
            Action::ReadAuditTrail => rule("audit-trail.read", NO, Never, &[Admin]),
            // Whoever talks to patients needs to know who may speak for them.
            Action::ReadCareCircle => rule(
                "care-circle.read",
                YES,
                Never,
                &[FrontDesk, Clinician, ResponseTeam],
            ),
            Action::ManageCareCircle => rule("care-circle.manage", YES, Never, &[FrontDesk]),
            Action::GrantGuardianAccess => rule("guardian.grant", NO, Never, &[FrontDesk]),
            // A locked patient's caregivers still see whom they act for (shown as locked).
            Action::IdentifyPatientActedFor => {
                rule("care-circle.acting-for", NO, AnyScope, &[]).also_while_patient_locked()
            }
            // Who works here, and with which powers, is the administrators' decision alone.
            Action::ManageStaff => rule("staff-account.manage", NO, Never, &[Admin]),
            // Patients and caregivers start conversations and mark them read; staff answer.
            Action::StartConversation => {
                rule("conversation.start", YES, Needs(Scope::Messages), &[])
            }
            Action::ReadConversations => rule(
                "conversation.read",
                YES,
                Needs(Scope::Messages),
                MESSAGING_TEAMS,
            ),
            Action::SendMessage => {
                rule("message.send", YES, Needs(Scope::Messages), MESSAGING_TEAMS)
            }
            Action::MarkConversationRead => {
                rule("conversation.mark-read", YES, Needs(Scope::Messages), &[])
            }
            Action::ManageConversation => rule("conversation.manage", NO, Never, MESSAGING_TEAMS),
            Action::WorkMessageInbox => rule("message-inbox.read", NO, Never, MESSAGING_TEAMS),
            // Front desk scans in and uploads records that patients bring; clinicians import
            // from referrals; who may bring records in may see what came of it. A caregiver
            // trusted with the record may also bring in a file from another portal (an adult
            // child gathering a parent's records); only staff may override a patient mismatch.
            Action::ImportRecords => rule(
                "records.import",
                YES,
                Needs(Scope::Records),
                &[FrontDesk, Clinician],
            ),
            Action::ReadImportReports => rule(
                "records.imports.read",
                YES,
                Needs(Scope::Records),
                &[FrontDesk, Clinician],
            ),
            // Reading the clinical record is the clinicians' (minimum necessary).
            Action::ReadRecords => rule("records.read", YES, Needs(Scope::Records), &[Clinician]),
            Action::ExportRecords => {
                rule("records.export", YES, Needs(Scope::Records), &[Clinician])
            }
            // Results are the clinicians' to report and explain.
            Action::AddResult => rule("records.add-result", NO, Never, &[Clinician]),
            // The front desk books, moves and checks in for anyone who calls or walks in.
            Action::BookAppointment => rule(
                "appointment.book",
                YES,
                Needs(Scope::Appointments),
                &[FrontDesk],
            ),
            Action::ReadAppointments => rule(
                "appointment.read",
                YES,
                Needs(Scope::Appointments),
                &[FrontDesk, Clinician, ResponseTeam],
            ),
            Action::ChangeAppointment => rule(
                "appointment.change",
                YES,
                Needs(Scope::Appointments),
                &[FrontDesk],
            ),
            Action::CheckInAppointment => rule(
                "appointment.check-in",
                YES,
                Needs(Scope::Appointments),
                &[FrontDesk],
            ),
            Action::ManageSchedules => rule("schedule.manage", NO, Never, &[FrontDesk]),
            // Those who publish a schedule read it back before changing it; clinicians check
            // the hours and blocks published for them. Patients see open slots, not a
            // provider's absences.
            Action::ReadSchedule => rule("schedule.read", NO, Never, &[FrontDesk, Clinician]),
            // Clinicians see whom they see today; the front desk runs the day.
            Action::ViewDaySchedule => {
                rule("schedule.day-view", NO, Never, &[FrontDesk, Clinician])
            }
            // Each person chooses how they hear about a patient: the patient, and every
            // caregiver for themselves (whatever their scope).
            Action::ManageNotificationPreferences => {
                rule("notification-preferences.manage", YES, AnyScope, &[])
            }
            // What was sent (never its content) is for whoever helps a patient who heard nothing.
            Action::ReadNotificationDeliveries => rule(
                "notification-delivery.read",
                NO,
                Never,
                &[FrontDesk, ResponseTeam, Admin],
            ),
            // Only the signed link in an email does this (no caller): audited under this name.
            Action::UnsubscribeFromNotifications => {
                rule("notification-preferences.unsubscribe", NO, Never, &[])
            }
            // The practice's own jobs: what they do for patients shows in their access logs.
            Action::OfferFreedSlot => job_rule("waitlist.offer", &[PracticeJob::WaitlistOffers]),
            Action::EndLapsedOffer => {
                job_rule("waitlist.offer-lapse", &[PracticeJob::WaitlistOffers])
            }
            Action::ReleaseReminder => {
                job_rule("reminder.release", &[PracticeJob::NotificationRelease])
            }
            Action::SendNotification => {
                job_rule("notification.send", &[PracticeJob::NotificationSender])
            }
            // Whoever uses the portal for a patient, or helps them with it, sees what is on.
            Action::ReadFeatures => rule(
                "features.read",
                YES,
                AnyScope,
                &[FrontDesk, Clinician, ResponseTeam, PortalLead],
            ),
            // The rollout is the portal lead's; the response team explains to a patient who
            // cannot find a feature why they do not see it.
            Action::ManageFeatureSwitches => {
                rule("feature-switch.manage", NO, Never, &[PortalLead])
            }
            Action::ExplainFeature => rule(
                "feature-switch.explain",
                NO,
                Never,
                &[PortalLead, ResponseTeam],
            ),
            Action::ManageCohorts => rule("cohort.manage", NO, Never, &[PortalLead]),
            Action::SendInvitationWaves => rule("invitation-wave.send", NO, Never, &[PortalLead]),
            Action::ManageAgreements => rule("agreement.manage", NO, Never, &[PortalLead]),
            // Counts only: administrators oversee the portal too.
            Action::ReadAdoption => rule("adoption.read", NO, Never, &[PortalLead, Admin]),
            Action::IssueWaveInvitation => {
                job_rule("invitation-wave.issue", &[PracticeJob::InvitationWaves])
            }
            // Ideas and polls are about the portal, not a patient; the portal lead runs them.
            Action::ReadIdeas => rule(
                "feature-idea.read",
                NO,
                Never,
                &[PortalLead, Admin, ResponseTeam],
            ),
            Action::ManageIdeas => rule("feature-idea.manage", NO, Never, &[PortalLead]),
            Action::SuggestIdea => rule("feature-idea.suggest", YES, AnyScope, &[]),
            Action::ManagePolls => rule("poll.manage", NO, Never, &[PortalLead]),
            Action::ReadPollResults => rule("poll-results.read", NO, Never, &[PortalLead, Admin]),
            // A ballot is the patient's own voice: staff never cast it for them.
            Action::RespondToPolls => rule("poll.respond", YES, AnyScope, &[]),
            Action::RespondToStaffPolls => rule(
                "staff-poll.respond",
                NO,
                Never,
                &[Clinician, FrontDesk, ResponseTeam, Admin, PortalLead],
            ),
            Action::GiveFeedback => rule("feedback.give", YES, AnyScope, &[]),
            Action::ReadFeedbackSummary => rule(
                "feedback-summary.read",
                NO,
                Never,
                &[PortalLead, Admin, ResponseTeam],
            ),
            // Patients' own words: those who act on them, not every administrator.
            Action::ReadFeedbackComments => rule(
                "feedback-comment.read",
                NO,
                Never,
                &[PortalLead, ResponseTeam],
            ),
            Action::AnswerFeedback => {
                rule("feedback.answer", NO, Never, &[PortalLead, ResponseTeam])
            }
            Action::ManageSurveys => rule("usability-survey.manage", NO, Never, &[PortalLead]),
            // Anyone who uses the portal may tell the team it went wrong: patients, the
            // caregivers who act for them (any grant), and every staff role for themselves.
            Action::ReportProblem => rule(
                "problem-report.report",
                YES,
                AnyScope,
                &[Clinician, FrontDesk, ResponseTeam, Admin, PortalLead],
            ),
            // The quick-response team, and the portal lead who appoints it.
            Action::WorkProblemReports => rule(
                "problem-report.work",
                NO,
                Never,
                &[ResponseTeam, PortalLead],
            ),
            // The team stops the harm first and explains after: the switch's history says why.
            Action::SwitchOffFromReport => rule(
                "problem-report.switch-off",
                NO,
                Never,
                &[ResponseTeam, PortalLead],
            ),
            Action::ManageIncidents => {
                rule("incident.manage", NO, Never, &[ResponseTeam, PortalLead])
            }
            // Telling every group what changed is the quick-response team's job.
            Action::ManageAnnouncements => rule(
                "announcement.manage",
                NO,
                Never,
                &[ResponseTeam, PortalLead],
            ),
            Action::ReadAnnouncements => rule(
                "announcement.read",
                YES,
                AnyScope,
                &[Clinician, FrontDesk, ResponseTeam, Admin, PortalLead],
            ),
            // Counts about the portal's week, like the adoption figures.
            Action::ReadDigests => rule("digest.read", NO, Never, &[PortalLead, Admin]),
            Action::RequestRefill => rule("refill.request", YES, Needs(Scope::Records), &[]),
            Action::ReadRefills => rule(
                "refill.read",
                YES,
                Needs(Scope::Records),
                &[Clinician, FrontDesk],
            ),
            // Front desk claims nothing clinical: it reads the queue and sends approved ones.
            Action::WorkRefillQueue => rule("refill.work", NO, Never, &[Clinician, FrontDesk]),
            // Renewing a prescription is a clinician's decision alone.
            Action::DecideRefill => rule("refill.decide", NO, Never, &[Clinician]),
            Action::ManagePharmacies => rule("pharmacy.manage", NO, Never, &[Admin, FrontDesk]),
            // The directory is no one's data: anyone signed in may search it.
            Action::ReadPharmacies => rule(
                "pharmacy.read",
                YES,
                AnyScope,
                &[Clinician, FrontDesk, ResponseTeam, Admin, PortalLead],
            ),
            // Education matched to the record is part of the record (minimum necessary: the
            // clinicians, like the record itself).
            Action::ReadEducation => {
                rule("education.read", YES, Needs(Scope::Records), &[Clinician])
            }
            // "Was this helpful?" is the patient's own voice.
            Action::RateEducation => rule("education.rate", YES, Needs(Scope::Records), &[]),
            // Choosing what a patient should read about their health is clinical.
            Action::AssignEducation => rule("education.assign", NO, Never, &[Clinician]),
            // The library is no one's data: clinicians write it, administrators look after it.
            Action::ReadEducationLibrary => {
                rule("education-library.read", NO, Never, &[Clinician, Admin])
            }
            Action::ManageEducationLibrary => {
                rule("education-library.manage", NO, Never, &[Clinician, Admin])
            }
            // Every member of staff learns the portal for themselves.
            Action::TakeTraining => rule(
                "training.take",
                NO,
                Never,
                &[Clinician, FrontDesk, ResponseTeam, PortalLead, Admin],
            ),
            // Who works here and whether they are ready for it: the administrators'.
            Action::ReadOnboarding => rule("onboarding.read", NO, Never, &[Admin]),
            Action::WaiveTraining => rule("training.waive", NO, Never, &[Admin]),
            Action::AssignTraining => rule("training.assign", NO, Never, &[Admin]),
            // Locking is the front desk's (they check who is calling); administrators oversee
            // the portal and may see that an account is locked. The owner's own lock (from a
            // sign-in notice's link) is no caller's action: `account_lock::lock_own_account`.
            Action::ReadAccountLock => rule("account-lock.read", NO, Never, &[FrontDesk, Admin]),
            Action::LockAccount => rule("account.lock", NO, Never, &[FrontDesk]),
            Action::UnlockAccount => rule("account.unlock", NO, Never, &[FrontDesk]),
        }
    }

    /// The name recorded in the audit trail.
    pub const fn name(self) -> &'static str {
        self.rule().name
    }

    /// Whether the practice's `job` may do this action.
    pub fn allows_job(self, job: PracticeJob) -> bool {
        self.rule().jobs.contains(&job)
    }

    /// Whether a caregiver may still do this while the patient's account is locked.
    pub const fn allowed_while_patient_locked(self) -> bool {
        self.rule().while_patient_locked
    }

    /// The first of the action's staff roles the caller holds.
    pub fn staff_role_of(self, caller: &Caller) -> Option<Role> {
        self.rule()
            .staff
            .iter()
            .copied()
            .find(|role| caller.has(*role))
    }
}

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
    let rule = action.rule();
    if own && rule.own {
        return Decision::Allow(Relationship::Own);
    }
    if let Some(role) = action.staff_role_of(caller) {
        return Decision::Allow(Relationship::Staff(role));
    }
    let active_grant = grant.filter(|g| caller.has(Role::Caregiver) && g.is_active(now));
    if let Some(grant) = active_grant {
        let allowed = match rule.caregiver {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::caller::UserSub;

    fn caller(roles: &[Role], patient: Option<PatientId>) -> Caller {
        Caller {
            sign_in: Default::default(),
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
    fn only_seeing_whom_they_act_for_outlasts_the_patients_lock() {
        let allowed: Vec<Action> = Action::ALL
            .iter()
            .copied()
            .filter(|action| action.allowed_while_patient_locked())
            .collect();
        assert_eq!(allowed, [Action::IdentifyPatientActedFor]);
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
