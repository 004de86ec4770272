//! Conversations and messages: validated values, the stored records and what the API shows.

use std::fmt;

use portal_shared::domain::ids::{AppointmentId, ConversationId, PatientId, RecordId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::{Caller, Role, UserSub};
use serde::{Deserialize, Deserializer, Serialize};

/// What a conversation is about; decides which team's inbox it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    MedicalQuestion,
    Appointment,
    Prescription,
    Billing,
    PortalHelp,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::MedicalQuestion,
        Category::Appointment,
        Category::Prescription,
        Category::Billing,
        Category::PortalHelp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::MedicalQuestion => "medical-question",
            Category::Appointment => "appointment",
            Category::Prescription => "prescription",
            Category::Billing => "billing",
            Category::PortalHelp => "portal-help",
        }
    }

    pub fn parse(raw: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    /// The team whose inbox holds this category.
    pub fn team(self) -> Role {
        match self {
            Category::MedicalQuestion | Category::Prescription => Role::Clinician,
            Category::Appointment | Category::Billing => Role::FrontDesk,
            Category::PortalHelp => Role::ResponseTeam,
        }
    }

    /// Whether `caller` is in the team that works this category's inbox.
    pub fn worked_by(self, caller: &Caller) -> bool {
        caller.has(self.team())
    }

    /// Business days to a first answer unless `RESPONSE_TARGET_BUSINESS_DAYS` says otherwise
    /// (the shared targets' default for the target of the category's name).
    pub fn default_target_days(self) -> u32 {
        portal_shared::platform::response_targets::TargetName::from(self).default_days()
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The patient waits for the practice (in the category's open inbox).
    Open,
    /// Staff answered; nobody waits.
    Answered,
    /// Staff wait for the patient (in the category's waiting list).
    WaitingOnPatient,
    /// Done; the patient reopens it by replying.
    Closed,
}

impl Status {
    /// The inbox state this status is listed under, if any.
    pub fn inbox_state(self) -> Option<&'static str> {
        match self {
            Status::Open => Some(OPEN),
            Status::WaitingOnPatient => Some(WAITING),
            Status::Answered | Status::Closed => None,
        }
    }
}

pub const OPEN: &str = "open";
pub const WAITING: &str = "waiting";

macro_rules! text_value {
    ($name:ident, $max:expr, $multi_line:expr) => {
        #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, String> {
                portal_shared::domain::text::plain_text(raw, Self::MAX_CHARS, $multi_line)
                    .map($name)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                $name::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Debug for $name {
            // Message text is PHI: Debug never prints it, so it cannot reach a log.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(<redacted>)", stringify!($name))
            }
        }
    };
}

text_value!(Subject, 120, false);
text_value!(MessageText, 5000, true);

/// What a conversation is about, as stored and shown: one of the patient's records or
/// appointments. New conversations name it as a [`ReferenceTarget`] (checked); this stored form
/// stays lenient so conversations written before those checks still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Reference {
    pub kind: ReferenceKind,
    pub id: ReferenceId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceKind {
    Record,
    Appointment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReferenceId(String);

impl ReferenceId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(ReferenceId(raw.to_owned()))
        } else {
            Err("must be 1 to 64 letters, digits, '-', '_' or '.'".into())
        }
    }
}

impl TryFrom<String> for ReferenceId {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        ReferenceId::parse(&raw)
    }
}

impl From<ReferenceId> for String {
    fn from(id: ReferenceId) -> String {
        id.0
    }
}

/// The `about` of a new conversation: a record id (32 lower-case hex digits, as
/// `GET /patients/{patientId}/records/{recordId}` names it) or an appointment id (a ULID), parsed
/// by kind. The handler then checks that it exists in the patient's partition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Reference")]
pub enum ReferenceTarget {
    Record(RecordId),
    Appointment(AppointmentId),
}

impl ReferenceTarget {
    /// What it names, in the plural (`records`, `appointments`), for messages.
    pub fn kind_plural(&self) -> &'static str {
        match self {
            ReferenceTarget::Record(_) => "records",
            ReferenceTarget::Appointment(_) => "appointments",
        }
    }

    /// The action that reads it (a caregiver needs its scope to point at it).
    pub fn read_action(&self) -> Action {
        match self {
            ReferenceTarget::Record(_) => Action::ReadRecords,
            ReferenceTarget::Appointment(_) => Action::ReadAppointments,
        }
    }

    /// Its resource in the patient's access log.
    pub fn audit_resource(&self) -> portal_shared::policy::audit::AuditResource {
        match self {
            ReferenceTarget::Record(id) => portal_shared::policy::audit::AuditResource::record(id),
            ReferenceTarget::Appointment(id) => {
                portal_shared::policy::audit::AuditResource::appointment(id)
            }
        }
    }
}

impl TryFrom<Reference> for ReferenceTarget {
    type Error = String;

    fn try_from(reference: Reference) -> Result<Self, String> {
        let id = reference.id.0.as_str();
        match reference.kind {
            ReferenceKind::Record => RecordId::parse(id)
                .map(ReferenceTarget::Record)
                .ok_or_else(|| "id must be a record id (32 lower-case hexadecimal digits)".into()),
            ReferenceKind::Appointment => AppointmentId::parse(id)
                .map(ReferenceTarget::Appointment)
                .ok_or_else(|| "id must be an appointment id (26 characters)".into()),
        }
    }
}

impl ReferenceTarget {
    /// The form stored on the conversation and shown.
    pub fn reference(&self) -> Reference {
        let (kind, id) = match self {
            ReferenceTarget::Record(id) => (ReferenceKind::Record, id.to_string()),
            ReferenceTarget::Appointment(id) => (ReferenceKind::Appointment, id.to_string()),
        };
        Reference {
            kind,
            id: ReferenceId(id),
        }
    }
}

/// Who wrote a message, as the patient and staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Author {
    /// The patient themselves.
    Patient,
    /// A caregiver acting for the patient.
    #[serde(rename_all = "camelCase")]
    Caregiver {
        sub: UserSub,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A member of the practice's staff, with the role they answered in.
    #[serde(rename_all = "camelCase")]
    Staff {
        sub: UserSub,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        role: String,
    },
}

/// The staff member a conversation is assigned to: checked against the user pool when
/// assigned (an enabled account in the team that works the category), with the name and the
/// team role it was assigned in, as staff and the patient see them.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignee {
    pub sub: UserSub,
    #[serde(default)]
    pub name: Option<String>,
    /// The staff group (`clinicians`, `front-desk`, `response-team`).
    #[serde(default)]
    pub role: Option<String>,
}

/// A conversation as stored (and shown: every attribute is fit for the patient and staff).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub conversation_id: ConversationId,
    pub patient_id: PatientId,
    pub category: Category,
    pub subject: Subject,
    #[serde(default)]
    pub about: Option<Reference>,
    pub status: Status,
    /// Since when the status holds.
    pub status_since: Timestamp,
    /// While `open`: since when the patient has been waiting for the practice.
    #[serde(default)]
    pub waiting_since: Option<Timestamp>,
    #[serde(default)]
    pub assignee: Option<Assignee>,
    pub created_at: Timestamp,
    pub last_activity_at: Timestamp,
    /// How many messages it holds: the last message's `seq`.
    pub message_count: u64,
    /// Staff messages the patient's side has not marked read.
    pub patient_unread: u64,
    /// Optimistic locking (the ETag); +1 on every change, messages included.
    pub version: u64,
}

impl Conversation {
    /// Since when it sits in its inbox state, when it is in one.
    pub fn inbox_since(&self) -> Option<Timestamp> {
        match self.status {
            Status::Open => Some(self.waiting_since.unwrap_or(self.status_since)),
            Status::WaitingOnPatient => Some(self.status_since),
            Status::Answered | Status::Closed => None,
        }
    }
}

/// One message as stored and shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub conversation_id: ConversationId,
    /// 1, 2, ...: the order of the conversation.
    pub seq: u64,
    pub author: Author,
    pub text: MessageText,
    pub sent_at: Timestamp,
}

/// `POST /patients/{patientId}/conversations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewConversation {
    pub category: Category,
    pub subject: Subject,
    pub message: MessageText,
    #[serde(default)]
    pub about: Option<ReferenceTarget>,
}

/// `POST .../conversations/{conversationId}/messages`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewMessage {
    pub message: MessageText,
}

/// `PATCH .../conversations/{conversationId}` (staff). `assignee`: `"me"`, a colleague's user
/// id, or `null` to unassign.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConversationPatch {
    #[serde(default, deserialize_with = "present")]
    pub assignee: Option<Option<AssigneeChoice>>,
    #[serde(default)]
    pub status: Option<StatusChoice>,
    #[serde(default)]
    pub category: Option<Category>,
}

fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeChoice {
    Me,
    Colleague(UserSub),
}

impl<'de> Deserialize<'de> for AssigneeChoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        if raw == "me" {
            return Ok(AssigneeChoice::Me);
        }
        UserSub::parse(&raw)
            .map(AssigneeChoice::Colleague)
            .ok_or_else(|| serde::de::Error::custom("must be \"me\" or a staff member's user id"))
    }
}

/// The statuses staff may set (`answered` follows from a reply; `open` from the patient's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusChoice {
    Open,
    WaitingOnPatient,
    Closed,
}

impl From<StatusChoice> for Status {
    fn from(choice: StatusChoice) -> Status {
        match choice {
            StatusChoice::Open => Status::Open,
            StatusChoice::WaitingOnPatient => Status::WaitingOnPatient,
            StatusChoice::Closed => Status::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_plain_and_bounded() {
        assert!(MessageText::parse("Hello,\nis the clinic open?").is_ok());
        assert_eq!(
            MessageText::parse("  a\r\nb  ").expect("valid").as_str(),
            "a\nb"
        );
        assert!(MessageText::parse("bell\u{7}").is_err());
        assert!(MessageText::parse("   ").is_err());
        assert!(MessageText::parse("evil\u{202E}txt").is_err());
        assert!(MessageText::parse(&"x".repeat(5001)).is_err());
        assert!(MessageText::parse(&"x".repeat(5000)).is_ok());
        assert!(Subject::parse("two\nlines").is_err());
        assert!(Subject::parse(&"s".repeat(121)).is_err());
        assert!(!format!("{:?}", Subject::parse("secret").expect("valid")).contains("secret"));
    }

    // Which characters plain text may hold is `portal_shared::domain::text`'s to decide (and test);
    // here, that subjects follow the one-line rule and bodies the multi-line one.
    #[test]
    fn subjects_are_one_line_plain_text() {
        assert!(Subject::parse("Café bill").is_ok());
        for raw in ["two\nlines", "rtl\u{200F}mark", "invoice\u{202E}2024"] {
            assert!(Subject::parse(raw).is_err(), "{raw:?} accepted");
        }
    }

    #[test]
    fn message_bodies_are_multi_line_plain_text() {
        let text = MessageText::parse("one\r\ntwo\u{2028}three").expect("valid");
        assert_eq!(text.as_str(), "one\ntwo\nthree");
        assert!(MessageText::parse("10 mg\u{200F}").is_ok());
        assert!(MessageText::parse("take 1\u{202E}0 tablets").is_err());
    }

    #[test]
    fn about_is_parsed_by_kind() {
        let target = |kind: &str, id: &str| {
            serde_json::from_value::<ReferenceTarget>(serde_json::json!({"kind": kind, "id": id}))
        };
        let record = "0123456789abcdef0123456789abcdef";
        let appointment = AppointmentId::generate().to_string();
        assert!(matches!(
            target("record", record),
            Ok(ReferenceTarget::Record(_))
        ));
        assert!(matches!(
            target("appointment", &appointment),
            Ok(ReferenceTarget::Appointment(_))
        ));
        for (kind, id) in [
            ("record", "APPT-123"),
            ("record", appointment.as_str()),
            ("record", "0123456789ABCDEF0123456789ABCDEF"),
            ("appointment", record),
            ("appointment", "APPT-123"),
        ] {
            assert!(target(kind, id).is_err(), "{kind} {id}");
        }
        let shown = target("record", record).expect("valid").reference();
        assert_eq!(
            serde_json::to_value(&shown).expect("json"),
            serde_json::json!({"kind": "record", "id": record})
        );
        // Stored before the check: still readable.
        let old: Reference =
            serde_json::from_value(serde_json::json!({"kind": "appointment", "id": "APPT-123"}))
                .expect("lenient");
        assert_eq!(old.kind, ReferenceKind::Appointment);
    }

    #[test]
    fn categories_belong_to_teams() {
        assert_eq!(Category::MedicalQuestion.team(), Role::Clinician);
        assert_eq!(Category::Prescription.team(), Role::Clinician);
        assert_eq!(Category::Appointment.team(), Role::FrontDesk);
        assert_eq!(Category::Billing.team(), Role::FrontDesk);
        assert_eq!(Category::PortalHelp.team(), Role::ResponseTeam);
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
    }
}
