//! The notification outbox: one record per thing someone is to be told ("You have a new message
//! in your portal", "An earlier appointment is held for you"), written in the same transaction
//! as the change it announces, for an email/SMS sender to deliver. A record says *that*
//! something happened and for whom: ids, a template name and, where the template needs them, a
//! date and time. Never message text, a subject, a reason, a provider or anything else about the
//! patient's health: the sender looks up the recipient's contact details itself.
//!
//! Every feature writes to the same outbox, `NOTIFICATIONS#<shard>` ([`keys::notification`]),
//! so one sender reads every shard oldest first and finds everything. Reminders are not here:
//! they fall due later, and wait in their own per-hour partitions (`keys::appointment_reminder`).

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::{
    ActivationCodeId, AnnouncementId, AppointmentId, ConversationId, FeedbackId, IdeaId,
    InvitationId, NotificationId, PatientId, RefillId, ReportId, SuggestionId, WaveId,
};
use crate::domain::person::Email;
use crate::domain::timestamp::Timestamp;
use crate::platform::keys::{self, Key};
use crate::platform::store;
use crate::policy::caller::UserSub;

/// What a notification is about: one fixed template per kind (in English and Spanish, plain
/// text and HTML, written by the sender), named in the outbox record's `template`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A new message or a reply in a conversation ([`AboutConversation`]).
    #[serde(rename = "new-portal-message")]
    NewMessage,
    /// An appointment was booked ([`AboutAppointment`]).
    AppointmentBooked,
    /// An appointment moved to another time ([`AboutAppointment`], the new start).
    AppointmentMoved,
    /// An appointment was cancelled ([`AboutAppointment`]).
    AppointmentCancelled,
    /// An upcoming appointment ([`AboutAppointment`]), released by the reminders step when due.
    AppointmentReminder,
    /// An earlier slot is held for the patient until a time ([`AboutOffer`]).
    WaitlistOffer,
    /// Someone is invited into a patient's care circle ([`AboutInvitation`], to an address).
    CareCircleInvitation,
    /// A patient's portal activation code ([`AboutActivation`]).
    ActivationInvitation,
    /// A staff member's account was created (Cognito's own message, through SES).
    StaffInvitation,
    /// A password reset code (Cognito's own message, through SES).
    PasswordReset,
    /// The account signed in from a client it has not used lately ([`AboutSignIn`]), to the
    /// account holder alone.
    NewSignIn,
    /// An idea the recipient supported (ranked or approved it in a poll, or rated its feature)
    /// changed status ([`AboutIdea`]): to a patient, or to a staff member who voted.
    IdeaStatusChanged,
    /// Staff accepted or declined the patient's suggestion of an idea ([`AboutSuggestion`]).
    SuggestionDecided,
    /// Staff answered the patient's comment on a feature ([`AboutFeedback`]).
    FeedbackAnswered,
    /// The quick-response team answered a problem report, or its status changed
    /// ([`AboutReport`]): to its reporter, and to the reporters of every duplicate merged into it.
    ProblemReportUpdated,
    /// The practice announced news to a group the recipient is in ([`AboutAnnouncement`]).
    Announcement,
    /// Last week's digest of the portal is ready ([`AboutDigest`]): to each portal lead.
    WeeklyDigest,
    /// A clinician decided on a prescription refill request, or it was sent to the pharmacy
    /// ([`AboutRefill`]): to the patient and caregivers with the `records` scope.
    RefillDecided,
    /// A clinician shared a health topic with the patient ([`AboutEducation`]): to the patient
    /// and caregivers with the `records` scope.
    EducationAssigned,
    /// The account's authenticator app (MFA) was turned on or off, a backup code was used, or
    /// the practice reset it ([`AboutMfaChange`]): to the account holder alone.
    ///
    /// [`AboutMfaChange`]: super::mfa::AboutMfaChange
    MfaChanged,
}

impl Kind {
    pub const ALL: &'static [Kind] = <Kind as strum::VariantArray>::VARIANTS;

    /// The template's name, as stored in the outbox record.
    pub fn template(self) -> &'static str {
        match self {
            Kind::NewMessage => "new-portal-message",
            Kind::AppointmentBooked => "appointment-booked",
            Kind::AppointmentMoved => "appointment-moved",
            Kind::AppointmentCancelled => "appointment-cancelled",
            Kind::AppointmentReminder => "appointment-reminder",
            Kind::WaitlistOffer => "waitlist-offer",
            Kind::CareCircleInvitation => "care-circle-invitation",
            Kind::ActivationInvitation => "activation-invitation",
            Kind::StaffInvitation => "staff-invitation",
            Kind::PasswordReset => "password-reset",
            Kind::NewSignIn => "new-sign-in",
            Kind::IdeaStatusChanged => "idea-status-changed",
            Kind::SuggestionDecided => "suggestion-decided",
            Kind::FeedbackAnswered => "feedback-answered",
            Kind::ProblemReportUpdated => "problem-report-updated",
            Kind::Announcement => "announcement",
            Kind::WeeklyDigest => "weekly-digest",
            Kind::RefillDecided => "refill-decided",
            Kind::EducationAssigned => "education-assigned",
            Kind::MfaChanged => "mfa-changed",
        }
    }

    pub fn from_template(name: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|kind| kind.template() == name)
    }

    /// Security notices reach the person whatever their preferences say.
    pub fn is_security_notice(self) -> bool {
        matches!(
            self,
            Kind::CareCircleInvitation
                | Kind::ActivationInvitation
                | Kind::StaffInvitation
                | Kind::PasswordReset
                | Kind::NewSignIn
                | Kind::MfaChanged
        )
    }

    /// News for staff alone (a portal lead's weekly digest). Staff have no notification
    /// preferences (they are told by email at their account's address), so no one chooses a
    /// channel for such a kind or unsubscribes from it.
    pub fn is_for_staff_only(self) -> bool {
        matches!(self, Kind::WeeklyDigest)
    }

    /// Whether a patient or caregiver chooses a channel for the kind, and can turn it off:
    /// neither a security notice nor staff-only news.
    pub fn is_choosable(self) -> bool {
        !self.is_security_notice() && !self.is_for_staff_only()
    }
}

/// How a notification travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

/// What a new-message notification refers to (the conversation, to link to it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutConversation {
    pub conversation_id: ConversationId,
}

/// What a booked, moved, cancelled or reminder notification refers to: the appointment and its
/// (new) start, nothing about the visit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutAppointment {
    pub appointment_id: AppointmentId,
    pub start: Timestamp,
}

/// A waitlist offer: the held slot's time and until when it is held.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutOffer {
    pub appointment_id: AppointmentId,
    pub slot_start: Timestamp,
    pub offer_until: Timestamp,
}

/// A care-circle invitation: the code the invitee types (removed from the record once sent)
/// and when it lapses.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutInvitation {
    pub invitation_id: InvitationId,
    pub code: String,
    pub code_expires: Timestamp,
}

/// A patient's activation code, by the channel the front desk (or an invitation wave) chose
/// (the code is removed from the record once sent). The code's id, and the wave's when a wave
/// sent it, let the sender mark the wave's member delivered
/// (`features::invitation_wave::mark_delivered`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutActivation {
    pub code: String,
    pub code_expires: Timestamp,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_id: Option<ActivationCodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave_id: Option<WaveId>,
}

/// A sign-in from a new client, or a password reset: when, and nothing else (no address,
/// device or place: the record stays minimal, and the email cannot show what the record does
/// not hold). `account` (the sign-in's Cognito `sub`) lets the sender sign the notice's "Not
/// you? Lock your account" link (`features::lock_token`); a record without it (written before
/// the link existed) is sent without the link.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutSignIn {
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<UserSub>,
    /// What happened: a sign-in from a new client, or the password was reset (absent: a new
    /// client). Stored as `signInReason`: a record's other fields never reach a template.
    #[serde(
        default,
        rename = "signInReason",
        skip_serializing_if = "Option::is_none"
    )]
    pub reason: Option<SignInReason>,
}

/// Why an account holder is told of their sign-in ([`AboutSignIn::reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignInReason {
    /// The account signed in from a browser or device it has not used lately.
    NewClient,
    /// The account's password was reset (`/auth/password/reset`).
    PasswordReset,
}

/// An idea's new status, for the people who supported it: the idea's id and the status's slug
/// ([`IdeaStatus::as_str`]; a string, so a sender that does not know a newer status still sends
/// the notice). Never the idea's title, description or decline reason: the app shows them after
/// sign-in. Stored as `ideaStatus`, since the record's own `status` is the sender's (`pending`,
/// `sent`, ...).
///
/// [`IdeaStatus::as_str`]: super::idea_status::IdeaStatus::as_str
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutIdea {
    pub idea_id: IdeaId,
    #[serde(rename = "ideaStatus")]
    pub status: String,
}

/// A decision on a patient's suggestion: which one, and whether it was accepted. Never its
/// title, text or the reason given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutSuggestion {
    pub suggestion_id: SuggestionId,
    pub accepted: bool,
}

/// An answer to a patient's comment on a feature: which rating it answers. Never the comment
/// or the answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutFeedback {
    pub feedback_id: FeedbackId,
}

/// The practice's news to a stakeholder group: about the portal, never about a patient, so its
/// title, text and link travel in the record (another practice, told by email, has no portal to
/// read it in).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutAnnouncement {
    pub announcement_id: AnnouncementId,
    pub title: String,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// News of a problem report: which report (the one the recipient filed) and its status now
/// (`triaged`, `resolved`, ...). Never what the reporter wrote or the team's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutReport {
    pub report_id: ReportId,
    /// The patient the report was filed for (by them or a caregiver acting for them), so the
    /// link opens it in that patient's portal; none for a staff member's own report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<PatientId>,
    #[serde(rename = "reportStatus")]
    pub status: String,
}

/// A practice week's digest, for a portal lead: which week (its Monday's date, the digest's id,
/// and its first and last days, `yyyy-mm-dd`) and a few counts. Counts only: never a report's,
/// incident's or patient's words, nor who anyone is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutDigest {
    pub digest_id: String,
    pub from: String,
    pub to: String,
    /// Problem reports open when the digest was composed.
    pub open_reports: u32,
    /// Open reports past their first-response or next-update target.
    pub breached: u32,
    /// Incidents opened in the week.
    pub incidents_opened: u32,
    /// Patients who activated their portal account in the week.
    pub activated: u32,
}

/// News of a refill request: which request, whose, and its status's slug (`approved`,
/// `denied`, `visit-needed`, `sent`). Never the medication, the pharmacy or the clinician's
/// message: the app shows them after sign-in. Stored as `refillStatus`, since the record's own
/// `status` is the sender's (`pending`, `sent`, ...).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutRefill {
    pub refill_id: RefillId,
    pub patient_id: PatientId,
    #[serde(rename = "refillStatus")]
    pub status: String,
}

/// A health topic shared with a patient: whose portal, nothing else. Not even the topic's id,
/// since a slug such as `high-blood-pressure` names a condition: the app lists what was shared
/// after sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutEducation {
    pub patient_id: PatientId,
}

/// Who is to be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Recipient {
    /// The patient (and, by the sender's choice, caregivers who act for them).
    #[serde(rename_all = "camelCase")]
    Patient { patient_id: PatientId },
    /// Everyone in a staff group (unassigned work in that team's queue).
    #[serde(rename_all = "camelCase")]
    StaffTeam { group: String },
    /// One staff member (the one the work is assigned to).
    #[serde(rename_all = "camelCase")]
    StaffMember { sub: UserSub },
    /// Someone who is not (yet) a portal user, at an address they gave: a care-circle invitee,
    /// on behalf of `patient_id` (whose delivery history shows it).
    #[serde(rename_all = "camelCase")]
    Invitee {
        patient_id: PatientId,
        email: Email,
        language: Option<String>,
    },
    /// Someone with no portal account at all (another practice told of an announcement), at
    /// the address the practice gave.
    #[serde(rename_all = "camelCase")]
    Address {
        email: Email,
        language: Option<String>,
    },
    /// The holder of one portal account that is not a patient's (a caregiver's), at the
    /// account's address: about the account itself, so no patient's history shows it.
    #[serde(rename_all = "camelCase")]
    Account {
        sub: UserSub,
        email: Email,
        language: Option<String>,
    },
}

/// One outbox record. `About` holds what the template refers to (a conversation's id; an
/// appointment's id and the held slot's time): ids and times only.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification<About> {
    pub notification_id: NotificationId,
    /// The fixed text the sender sends, by name.
    pub template: String,
    pub recipient: Recipient,
    #[serde(flatten)]
    pub about: About,
    pub created_at: Timestamp,
    /// `pending` until the sender records what it did.
    pub status: String,
    /// Unsent records are useless after this; TTL removes them.
    pub expires_at: i64,
}

impl<About: Serialize> Notification<About> {
    /// A record to send, made at `at`, kept until `keep_until`.
    pub fn pending(
        kind: Kind,
        recipient: Recipient,
        about: About,
        at: Timestamp,
        keep_until: Timestamp,
    ) -> Self {
        Notification {
            notification_id: NotificationId::generate(),
            template: kind.template().to_owned(),
            recipient,
            about,
            created_at: at,
            status: "pending".to_owned(),
            expires_at: keep_until.unix_seconds(),
        }
    }

    pub fn key(&self) -> Key {
        keys::notification(self.created_at, self.notification_id)
    }

    /// The write that puts this record in the outbox (new ids only), for the transaction of
    /// the change it announces.
    pub fn put(&self, table: &str) -> Result<TransactWriteItem, ApiError> {
        store::transact_put(
            Put::builder()
                .table_name(table)
                .set_item(Some(store::to_item(&self.key(), self)?))
                .condition_expression("attribute_not_exists(PK)"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AboutThing {
        thing_id: String,
    }

    #[test]
    fn every_kind_names_its_template_once() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_template(kind.template()), Some(*kind));
            let json = serde_json::to_value(kind).expect("json");
            assert_eq!(json, kind.template());
        }
    }

    #[test]
    fn what_it_is_about_sits_beside_the_envelope() {
        let at = Timestamp::now();
        let note = Notification::pending(
            Kind::NewMessage,
            Recipient::StaffTeam {
                group: "clinicians".into(),
            },
            AboutThing {
                thing_id: "T1".into(),
            },
            at,
            at,
        );
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["thingId"], "T1");
        assert_eq!(json["recipient"]["kind"], "staff-team");
        assert_eq!(json["status"], "pending");
        let back: Notification<AboutThing> = serde_json::from_value(json).expect("back");
        assert_eq!(back.about.thing_id, "T1");
        assert!(note.key().pk.starts_with("NOTIFICATIONS#"));
    }

    #[test]
    fn the_feedback_kinds_are_not_security_notices() {
        for (kind, template) in [
            (Kind::IdeaStatusChanged, "idea-status-changed"),
            (Kind::SuggestionDecided, "suggestion-decided"),
            (Kind::FeedbackAnswered, "feedback-answered"),
        ] {
            assert_eq!(kind.template(), template);
            assert!(!kind.is_security_notice(), "{kind:?}");
        }
    }

    #[test]
    fn an_idea_notice_keeps_its_status_apart_from_the_records() {
        let at = Timestamp::now();
        let idea = IdeaId::generate();
        let note = Notification::pending(
            Kind::IdeaStatusChanged,
            Recipient::StaffMember {
                sub: UserSub::parse("staff-1").expect("sub"),
            },
            AboutIdea {
                idea_id: idea,
                status: "planned".into(),
            },
            at,
            at,
        );
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["template"], "idea-status-changed");
        assert_eq!(json["ideaId"], idea.to_string());
        assert_eq!(json["ideaStatus"], "planned");
        // The sender's own field is not overwritten by the idea's.
        assert_eq!(json["status"], "pending");
        assert_eq!(json["recipient"]["kind"], "staff-member");
        let back: Notification<AboutIdea> = serde_json::from_value(json).expect("back");
        assert_eq!(back.about.idea_id, idea);
        assert_eq!(back.about.status, "planned");
        assert_eq!(back.status, "pending");
        // And through the table's item, as the sender reads it.
        let item = store::to_item(&note.key(), &note).expect("item");
        assert_eq!(
            item["ideaStatus"].as_s().ok().map(String::as_str),
            Some("planned")
        );
        assert_eq!(
            item["status"].as_s().ok().map(String::as_str),
            Some("pending")
        );
    }

    #[test]
    fn suggestion_and_answer_notices_round_trip() {
        let at = Timestamp::now();
        let patient = PatientId::generate();
        let suggestion = SuggestionId::generate();
        let note = Notification::pending(
            Kind::SuggestionDecided,
            Recipient::Patient {
                patient_id: patient,
            },
            AboutSuggestion {
                suggestion_id: suggestion,
                accepted: true,
            },
            at,
            at,
        );
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["template"], "suggestion-decided");
        assert_eq!(json["suggestionId"], suggestion.to_string());
        assert_eq!(json["accepted"], true);
        let back: Notification<AboutSuggestion> = serde_json::from_value(json).expect("back");
        assert_eq!(back.about.suggestion_id, suggestion);
        assert!(back.about.accepted);

        let feedback = FeedbackId::generate();
        let note = Notification::pending(
            Kind::FeedbackAnswered,
            Recipient::Patient {
                patient_id: patient,
            },
            AboutFeedback {
                feedback_id: feedback,
            },
            at,
            at,
        );
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["template"], "feedback-answered");
        assert_eq!(json["feedbackId"], feedback.to_string());
        let back: Notification<AboutFeedback> = serde_json::from_value(json).expect("back");
        assert_eq!(back.about.feedback_id, feedback);
        assert_eq!(
            back.recipient,
            Recipient::Patient {
                patient_id: patient
            }
        );
    }

    #[test]
    fn a_digest_notice_holds_the_week_and_counts_only() {
        let at = Timestamp::now();
        let note = Notification::pending(
            Kind::WeeklyDigest,
            Recipient::StaffMember {
                sub: UserSub::parse("lead-1").expect("sub"),
            },
            AboutDigest {
                digest_id: "2026-11-30".into(),
                from: "2026-11-30".into(),
                to: "2026-12-06".into(),
                open_reports: 7,
                breached: 1,
                incidents_opened: 2,
                activated: 12,
            },
            at,
            at,
        );
        assert!(!Kind::WeeklyDigest.is_security_notice());
        assert!(Kind::WeeklyDigest.is_for_staff_only() && !Kind::WeeklyDigest.is_choosable());
        assert!(Kind::Announcement.is_choosable() && !Kind::NewSignIn.is_choosable());
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["template"], "weekly-digest");
        assert_eq!(json["digestId"], "2026-11-30");
        assert_eq!(json["openReports"], 7);
        assert_eq!(json["incidentsOpened"], 2);
        assert_eq!(json["status"], "pending");
        let back: Notification<AboutDigest> = serde_json::from_value(json).expect("back");
        assert_eq!(back.about.to, "2026-12-06");
        assert_eq!(back.about.activated, 12);
    }

    #[test]
    fn a_refill_notice_keeps_its_status_apart_from_the_records() {
        let at = Timestamp::now();
        let (refill, patient) = (RefillId::generate(), PatientId::generate());
        let note = Notification::pending(
            Kind::RefillDecided,
            Recipient::Patient {
                patient_id: patient,
            },
            AboutRefill {
                refill_id: refill,
                patient_id: patient,
                status: "visit-needed".into(),
            },
            at,
            at,
        );
        assert!(!Kind::RefillDecided.is_security_notice() && Kind::RefillDecided.is_choosable());
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["template"], "refill-decided");
        assert_eq!(json["refillId"], refill.to_string());
        assert_eq!(json["patientId"], patient.to_string());
        assert_eq!(json["refillStatus"], "visit-needed");
        assert_eq!(json["status"], "pending");
        let back: Notification<AboutRefill> = serde_json::from_value(json).expect("back");
        assert_eq!(back.about.refill_id, refill);
        assert_eq!(back.about.status, "visit-needed");
    }

    #[test]
    fn an_education_notice_names_the_patient_alone() {
        let at = Timestamp::now();
        let patient = PatientId::generate();
        let note = Notification::pending(
            Kind::EducationAssigned,
            Recipient::Patient {
                patient_id: patient,
            },
            AboutEducation {
                patient_id: patient,
            },
            at,
            at,
        );
        let kind = Kind::EducationAssigned;
        assert!(!kind.is_security_notice() && !kind.is_for_staff_only() && kind.is_choosable());
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["template"], "education-assigned");
        assert_eq!(json["patientId"], patient.to_string());
        assert!(json.get("topicId").is_none());
        let back: Notification<AboutEducation> = serde_json::from_value(json).expect("back");
        assert_eq!(back.about.patient_id, patient);
    }

    #[test]
    fn a_sign_in_notice_holds_when_and_who_only() {
        let at = Timestamp::now();
        let note = Notification::pending(
            Kind::NewSignIn,
            Recipient::Account {
                sub: UserSub::parse("carer-1").expect("sub"),
                email: Email::parse("carer@example.org").expect("email"),
                language: None,
            },
            AboutSignIn {
                at,
                account: None,
                reason: None,
            },
            at,
            at,
        );
        assert!(Kind::NewSignIn.is_security_notice());
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["template"], "new-sign-in");
        assert_eq!(json["recipient"]["kind"], "account");
        assert_eq!(json["recipient"]["sub"], "carer-1");
        assert_eq!(json["at"], at.to_string());
    }
}
