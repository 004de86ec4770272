//! An outbox record as the sender reads it: the envelope every feature writes (who, which
//! template, when) and the typed `About` values of its kind. Anything else on the item (a field
//! a producer should not have written) is never read, so it cannot reach a template.

use portal_shared::domain::ids::{ActivationCodeId, NotificationId, WaveId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::idea_status::IdeaStatus;
use portal_shared::features::mfa::AboutMfaChange;
use portal_shared::features::notification::{
    AboutActivation, AboutAnnouncement, AboutAppointment, AboutConversation, AboutDigest,
    AboutEducation, AboutFeedback, AboutIdea, AboutInvitation, AboutOffer, AboutRefill,
    AboutReport, AboutSignIn, AboutSuggestion, Channel, Kind, Recipient, SignInReason,
};
use portal_shared::platform::keys::{self, Key};
use portal_shared::platform::store::Item;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::content::{Code, Content, RefillNews, ReportStatus, announcement};

/// The attributes every outbox record has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    notification_id: NotificationId,
    template: String,
    recipient: Recipient,
    created_at: Timestamp,
    #[serde(default)]
    expires_at: Option<i64>,
}

/// What the template refers to, by kind.
#[derive(Debug, Clone)]
pub enum About {
    Conversation(AboutConversation),
    Appointment(AboutAppointment),
    Offer(AboutOffer),
    Invitation(AboutInvitation),
    Activation(AboutActivation),
    SignIn(AboutSignIn),
    Idea(AboutIdea),
    Suggestion(AboutSuggestion),
    Feedback(AboutFeedback),
    Report(AboutReport),
    Announcement(AboutAnnouncement),
    Digest(AboutDigest),
    Refill(AboutRefill),
    Education(AboutEducation),
    Mfa(AboutMfaChange),
}

/// One outbox record, parsed.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub key: Key,
    pub notification_id: NotificationId,
    pub kind: Kind,
    pub recipient: Recipient,
    pub about: About,
    pub created_at: Timestamp,
    pub expires_at: Option<i64>,
}

/// Why a record cannot be sent (logged with the record's id; parse errors are not kept, as
/// they may quote the item's values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    NotAnOutboxItem,
    Envelope,
    UnknownTemplate,
    /// Staff invitations and password resets are Cognito's own messages, not outbox records.
    NotSentFromTheOutbox,
    About,
    Code,
}

impl Outbox {
    /// Reads an outbox item (a stream image or a stored item).
    pub fn parse(item: Item) -> Result<Outbox, Malformed> {
        let pk = text(&item, keys::PK).ok_or(Malformed::NotAnOutboxItem)?;
        let sk = text(&item, keys::SK).ok_or(Malformed::NotAnOutboxItem)?;
        if !pk.starts_with("NOTIFICATIONS#") {
            return Err(Malformed::NotAnOutboxItem);
        }
        Outbox::read(&item, Key { pk, sk })
    }

    /// Reads the outbox record's attributes from `item`, whose outbox key is `key` (a held text
    /// carries a copy of its record under another key).
    pub fn read(item: &Item, key: Key) -> Result<Outbox, Malformed> {
        let envelope: Envelope =
            serde_dynamo::from_item(item.clone()).map_err(|_| Malformed::Envelope)?;
        let kind = Kind::from_template(&envelope.template).ok_or(Malformed::UnknownTemplate)?;
        let about = match kind {
            Kind::NewMessage => About::Conversation(about(item)?),
            Kind::AppointmentBooked
            | Kind::AppointmentMoved
            | Kind::AppointmentCancelled
            | Kind::AppointmentReminder => About::Appointment(about(item)?),
            Kind::WaitlistOffer => About::Offer(about(item)?),
            Kind::CareCircleInvitation => About::Invitation(about(item)?),
            Kind::ActivationInvitation => About::Activation(about(item)?),
            Kind::NewSignIn => About::SignIn(about(item)?),
            Kind::IdeaStatusChanged => About::Idea(about(item)?),
            Kind::SuggestionDecided => About::Suggestion(about(item)?),
            Kind::FeedbackAnswered => About::Feedback(about(item)?),
            Kind::ProblemReportUpdated => About::Report(about(item)?),
            Kind::Announcement => About::Announcement(news(item)?),
            Kind::WeeklyDigest => About::Digest(digest(item)?),
            Kind::RefillDecided => About::Refill(about(item)?),
            Kind::EducationAssigned => About::Education(about(item)?),
            Kind::MfaChanged => About::Mfa(about(item)?),
            Kind::StaffInvitation | Kind::PasswordReset => {
                return Err(Malformed::NotSentFromTheOutbox);
            }
        };
        let outbox = Outbox {
            key,
            notification_id: envelope.notification_id,
            kind,
            recipient: envelope.recipient,
            about,
            created_at: envelope.created_at,
            expires_at: envelope.expires_at,
        };
        // A code that could not be shown safely is refused now, not at sending time.
        outbox.content().map(|_| outbox).ok_or(Malformed::Code)
    }

    /// What the template is given: the kind and its ids, times and code. Nothing else.
    pub fn content(&self) -> Option<Content> {
        Some(match (&self.about, self.kind) {
            (About::Conversation(about), _) => Content::NewMessage {
                conversation: about.conversation_id,
            },
            (About::Appointment(about), Kind::AppointmentBooked) => {
                Content::AppointmentBooked { start: about.start }
            }
            (About::Appointment(about), Kind::AppointmentMoved) => {
                Content::AppointmentMoved { start: about.start }
            }
            (About::Appointment(about), Kind::AppointmentCancelled) => {
                Content::AppointmentCancelled { start: about.start }
            }
            (About::Appointment(about), _) => Content::AppointmentReminder { start: about.start },
            (About::Offer(about), _) => Content::WaitlistOffer {
                slot_start: about.slot_start,
                offer_until: about.offer_until,
            },
            (About::Invitation(about), _) => Content::CareCircleInvitation {
                code: Code::parse(&about.code)?,
                expires: about.code_expires,
            },
            (About::Activation(about), _) => Content::ActivationInvitation {
                code: Code::parse(&about.code)?,
                expires: about.code_expires,
            },
            // The lock link's token is signed at sending time (`send`), never stored.
            (About::SignIn(about), _) => Content::NewSignIn {
                at: about.at,
                reset: about.reason == Some(SignInReason::PasswordReset),
                lock: None,
            },
            // The status's slug is read into a fixed set: no other text can ride on it.
            (About::Idea(about), _) => Content::IdeaStatusChanged {
                status: IdeaStatus::parse(&about.status),
            },
            (About::Suggestion(about), _) => Content::SuggestionDecided {
                accepted: about.accepted,
            },
            (About::Feedback(_), _) => Content::FeedbackAnswered,
            // Like an idea's: the status's slug is read into a fixed set.
            (About::Report(about), _) => Content::ProblemReportUpdated {
                report: about.report_id,
                patient: about.patient_id,
                status: ReportStatus::parse(&about.status),
            },
            // The practice's own words, read as `news` checked them; someone told at an
            // address has no portal to be pointed to.
            (About::Announcement(about), _) => Content::Announcement {
                title: announcement::title(&about.title)?,
                body: announcement::body(&about.body)?,
                link: announcement::link(about.link.as_deref()),
                portal: !matches!(self.recipient, Recipient::Address { .. }),
            },
            // The week's days are read as dates, as `digest` checked them: no other text rides
            // on them.
            (About::Digest(about), _) => Content::WeeklyDigest {
                digest: day(&about.digest_id)?,
                from: day(&about.from)?,
                to: day(&about.to)?,
                open_reports: about.open_reports,
                breached: about.breached,
                incidents_opened: about.incidents_opened,
                activated: about.activated,
            },
            // Like a report's: the status's slug is read into a fixed set.
            (About::Refill(about), _) => Content::RefillDecided {
                refill: about.refill_id,
                patient: about.patient_id,
                status: RefillNews::parse(&about.status),
            },
            (About::Education(about), _) => Content::EducationAssigned {
                patient: about.patient_id,
            },
            (About::Mfa(about), _) => Content::MfaChanged {
                at: about.at,
                change: about.change,
            },
        })
    }

    /// The channel the record itself names (an activation code by text or email).
    pub fn named_channel(&self) -> Option<Channel> {
        match &self.about {
            About::Activation(about) => Some(about.channel),
            _ => None,
        }
    }

    /// Until when a waitlist offer holds (sending it later is pointless).
    pub fn offer_until(&self) -> Option<Timestamp> {
        match &self.about {
            About::Offer(about) => Some(about.offer_until),
            _ => None,
        }
    }

    /// The invitation wave that sent this activation code, and the code's id: the wave's
    /// member is delivered once the code is sent.
    pub fn wave_code(&self) -> Option<(WaveId, ActivationCodeId)> {
        match &self.about {
            About::Activation(about) => Some((about.wave_id?, about.code_id?)),
            _ => None,
        }
    }

    /// Whether the record holds a secret (a code) to remove once it is sent.
    pub fn has_secret(&self) -> bool {
        matches!(self.about, About::Invitation(_) | About::Activation(_))
    }
}

fn text(item: &Item, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

fn about<T: DeserializeOwned>(item: &Item) -> Result<T, Malformed> {
    serde_dynamo::from_item(item.clone()).map_err(|_| Malformed::About)
}

/// A `yyyy-mm-dd` date, exactly (a digest's week).
fn day(raw: &str) -> Option<jiff::civil::Date> {
    let date: jiff::civil::Date = raw.parse().ok()?;
    (date.to_string() == raw).then_some(date)
}

/// A digest's week, refused when its days are not `yyyy-mm-dd` dates (so `content` always
/// has them).
fn digest(item: &Item) -> Result<AboutDigest, Malformed> {
    let digest: AboutDigest = about(item)?;
    let dates = [&digest.digest_id, &digest.from, &digest.to]
        .iter()
        .all(|raw| day(raw).is_some());
    dates.then_some(digest).ok_or(Malformed::About)
}

/// An announcement's words, refused when no title or text is left once read as one line and
/// plain text (so `content` always has them).
fn news(item: &Item) -> Result<AboutAnnouncement, Malformed> {
    let news: AboutAnnouncement = about(item)?;
    let complete =
        announcement::title(&news.title).is_some() && announcement::body(&news.body).is_some();
    complete.then_some(news).ok_or(Malformed::About)
}

#[cfg(test)]
mod tests;
