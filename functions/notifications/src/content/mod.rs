//! What a notification says: one fixed template per kind, in English and Spanish, as a subject,
//! plain text and HTML for email and a short text for SMS. Templates receive only what the
//! outbox record holds (ids, times, codes) and links into the web app: they cannot be given a
//! name, a message or a visit reason, because no type here carries one. The one text a
//! template shows is an announcement's: the practice's own news to a group, never about a
//! patient (see [`announcement`]). A portal lead's weekly digest is dates and counts only.

pub mod announcement;
mod english;
mod html;
pub mod language;
mod refill_news;
mod spanish;
pub mod when;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use portal_shared::domain::ids::{ConversationId, PatientId, RefillId, ReportId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::idea_status::IdeaStatus;
use portal_shared::features::mfa::MfaChange;
use portal_shared::features::notification::Kind;

pub use language::Language;
pub use portal_shared::features::report_status::ReportStatus;
pub use refill_news::RefillNews;

/// A one-time code to show, or a Cognito placeholder (`{####}`, `{username}`) for the
/// messages Cognito fills in itself: letters, digits and `-{}#@.+_` only, up to 64.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str) -> Option<Code> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-{}#@.+_".contains(c));
        ok.then(|| Code(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(<redacted>)")
    }
}

/// What one notification refers to: ids, times and codes only.
#[derive(Debug, Clone)]
pub enum Content {
    NewMessage {
        conversation: ConversationId,
    },
    AppointmentBooked {
        start: Timestamp,
    },
    AppointmentMoved {
        start: Timestamp,
    },
    AppointmentCancelled {
        start: Timestamp,
    },
    AppointmentReminder {
        start: Timestamp,
    },
    WaitlistOffer {
        slot_start: Timestamp,
        offer_until: Timestamp,
    },
    CareCircleInvitation {
        code: Code,
        expires: Timestamp,
    },
    ActivationInvitation {
        code: Code,
        expires: Timestamp,
    },
    StaffInvitation {
        username: Code,
        code: Code,
    },
    PasswordReset {
        code: Code,
    },
    /// A sign-in from a new client, or (`reset`) the password was reset. `lock`: the signed
    /// token of the "Not you? Lock your account" link (`features::lock_token`), which the sender
    /// adds ([`Content::with_lock`]); without one the notice points to the password reset.
    NewSignIn {
        at: Timestamp,
        reset: bool,
        lock: Option<String>,
    },
    /// An idea the reader supported has a new status (not its title: the app shows it). The
    /// status is named in the templates' own words, so no producer's text reaches the reader;
    /// `None` for a slug the sender does not know: the notice says only that it changed.
    IdeaStatusChanged {
        status: Option<IdeaStatus>,
    },
    /// The practice decided on the reader's suggestion (not its text, nor the reason).
    SuggestionDecided {
        accepted: bool,
    },
    /// The practice answered the reader's comment (neither the comment nor the answer).
    FeedbackAnswered,
    /// The quick-response team answered the problem the reader reported, or its status changed
    /// (neither what they wrote nor the team's answer: the app shows both). `report` is the
    /// reader's own report (for a merged duplicate, theirs, not the primary); `status` is
    /// named in the templates' own words, `None` for a slug the sender does not know.
    ProblemReportUpdated {
        report: ReportId,
        /// The patient it was filed for (a caregiver's report opens in that patient's portal).
        patient: Option<PatientId>,
        status: Option<ReportStatus>,
    },
    /// The practice's news to a group the reader is in: its own title, text (plain, lines
    /// kept) and optional https link, read through [`announcement`]. `portal`: the reader has
    /// a portal account (a patient, caregiver or staff member), so the notice also points to
    /// what's new in the app; another practice, told at an address, has none.
    Announcement {
        title: String,
        body: String,
        link: Option<String>,
        portal: bool,
    },
    /// A practice week's digest is ready, for a portal lead: the week (`digest`, its Monday,
    /// is the digest's id; `from` to `to`) and four counts. Never a report's, incident's or
    /// patient's words: the app shows the digest after sign-in.
    WeeklyDigest {
        digest: Date,
        from: Date,
        to: Date,
        open_reports: u32,
        breached: u32,
        incidents_opened: u32,
        activated: u32,
    },
    /// A clinician decided on the reader's prescription renewal request (approved, denied,
    /// asked for a visit), or it was sent to the pharmacy. Neither the medication, the pharmacy
    /// nor the clinician's message: the app shows them. `patient`: whose request (the link
    /// opens it in their portal); `status` named in the templates' own words, `None` for a
    /// slug the sender does not know.
    RefillDecided {
        refill: RefillId,
        patient: PatientId,
        status: Option<RefillNews>,
    },
    /// A clinician shared a health topic with the reader (or the patient they act for). Not
    /// which topic nor the clinician's note: a title could reveal a condition, so the app shows
    /// them after sign-in. `patient`: whose education page the link opens.
    EducationAssigned {
        patient: PatientId,
    },
    /// The reader's authenticator app (MFA) was turned on or off, a backup code was used, or
    /// the practice reset it: when, and which (a fixed set named in the templates' words).
    MfaChanged {
        at: Timestamp,
        change: MfaChange,
    },
}

impl Content {
    pub fn kind(&self) -> Kind {
        match self {
            Content::NewMessage { .. } => Kind::NewMessage,
            Content::AppointmentBooked { .. } => Kind::AppointmentBooked,
            Content::AppointmentMoved { .. } => Kind::AppointmentMoved,
            Content::AppointmentCancelled { .. } => Kind::AppointmentCancelled,
            Content::AppointmentReminder { .. } => Kind::AppointmentReminder,
            Content::WaitlistOffer { .. } => Kind::WaitlistOffer,
            Content::CareCircleInvitation { .. } => Kind::CareCircleInvitation,
            Content::ActivationInvitation { .. } => Kind::ActivationInvitation,
            Content::StaffInvitation { .. } => Kind::StaffInvitation,
            Content::PasswordReset { .. } => Kind::PasswordReset,
            Content::NewSignIn { .. } => Kind::NewSignIn,
            Content::IdeaStatusChanged { .. } => Kind::IdeaStatusChanged,
            Content::SuggestionDecided { .. } => Kind::SuggestionDecided,
            Content::FeedbackAnswered => Kind::FeedbackAnswered,
            Content::ProblemReportUpdated { .. } => Kind::ProblemReportUpdated,
            Content::Announcement { .. } => Kind::Announcement,
            Content::WeeklyDigest { .. } => Kind::WeeklyDigest,
            Content::RefillDecided { .. } => Kind::RefillDecided,
            Content::EducationAssigned { .. } => Kind::EducationAssigned,
            Content::MfaChanged { .. } => Kind::MfaChanged,
        }
    }

    /// The web app's page the notification points to (`patient`: whose portal, for the patient
    /// and caregivers; `None` for staff and invitees).
    fn path(&self, patient: Option<PatientId>) -> String {
        match (self, patient) {
            (Content::NewMessage { conversation }, Some(patient)) => {
                format!("/p/{patient}/messages/{conversation}")
            }
            (Content::NewMessage { .. }, None) => "/staff/inbox".into(),
            (
                Content::AppointmentBooked { .. }
                | Content::AppointmentMoved { .. }
                | Content::AppointmentCancelled { .. }
                | Content::AppointmentReminder { .. }
                | Content::WaitlistOffer { .. },
                Some(patient),
            ) => format!("/p/{patient}/appointments"),
            (
                Content::IdeaStatusChanged { .. }
                | Content::SuggestionDecided { .. }
                | Content::FeedbackAnswered,
                Some(patient),
            ) => format!("/p/{patient}/feedback"),
            // A staff member who voted in a poll: their polls, with each one's outcome.
            (Content::IdeaStatusChanged { .. }, None) => "/staff/polls".into(),
            // The report in the portal of the patient it was filed for (a caregiver told at
            // their own address included).
            (
                Content::ProblemReportUpdated {
                    report,
                    patient: Some(filed_for),
                    ..
                },
                _,
            ) => format!("/p/{filed_for}/reports/{report}"),
            (Content::ProblemReportUpdated { report, .. }, Some(patient)) => {
                format!("/p/{patient}/reports/{report}")
            }
            // No patient: a staff member's own report (the web app's `/account/reports`).
            (Content::ProblemReportUpdated { report, .. }, None) => {
                format!("/account/reports/{report}")
            }
            // What's new: in the patient's portal, or the account's own (staff and caregivers).
            (Content::Announcement { .. }, Some(patient)) => format!("/p/{patient}/whats-new"),
            (Content::Announcement { .. }, None) => "/account/whats-new".into(),
            // Staff only: the digest's own page (its id is the week's Monday, yyyy-mm-dd).
            (Content::WeeklyDigest { digest, .. }, _) => format!("/staff/digests/{digest}"),
            // The request in the portal of the patient it is for (caregivers included).
            (
                Content::RefillDecided {
                    refill, patient, ..
                },
                _,
            ) => {
                format!("/p/{patient}/refills/{refill}")
            }
            // The education page in the portal of the patient it was shared with.
            (Content::EducationAssigned { patient }, _) => format!("/p/{patient}/education"),
            (Content::CareCircleInvitation { .. }, _) => "/accept-invitation".into(),
            (Content::ActivationInvitation { .. }, _) => "/activate".into(),
            // "If this was not you, reset your password."
            // "Not you? Lock your account" (the web app's /lock page posts the token).
            (
                Content::NewSignIn {
                    lock: Some(token), ..
                },
                _,
            ) => format!("/lock?token={token}"),
            (Content::PasswordReset { .. } | Content::NewSignIn { .. }, _) => {
                "/forgot-password".into()
            }
            // "If this was not you, reset your password."
            (Content::MfaChanged { .. }, _) => "/forgot-password".into(),
            _ => "/sign-in".into(),
        }
    }

    /// A sign-in notice with its lock link's token; any other content as it is.
    pub fn with_lock(self, token: String) -> Content {
        match self {
            Content::NewSignIn { at, reset, .. } => Content::NewSignIn {
                at,
                reset,
                lock: Some(token),
            },
            other => other,
        }
    }

    /// Whether the notice has a button into the web app: not for someone with no account.
    fn links_into_the_portal(&self) -> bool {
        !matches!(self, Content::Announcement { portal: false, .. })
    }
}

/// Where the reader is sent: the web app, in whose portal, and how to stop these emails.
#[derive(Debug, Clone)]
pub struct Links<'a> {
    pub web_origin: &'a str,
    pub patient: Option<PatientId>,
    /// The signed unsubscribe link; ignored for security notices, which cannot be turned off.
    pub unsubscribe: Option<String>,
}

/// A template's words before they are laid out (plain, unescaped).
pub(crate) struct Wording {
    subject: String,
    body: Vec<String>,
    action: &'static str,
    sms: String,
}

/// An email, ready to send.
#[derive(Debug, Clone)]
pub struct EmailContent {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The unsubscribe link, for the List-Unsubscribe header (none on security notices).
    pub unsubscribe: Option<String>,
}

/// `content` as an email, in `language`, times in `zone`.
pub fn email(
    content: &Content,
    language: Language,
    zone: &TimeZone,
    links: &Links<'_>,
) -> EmailContent {
    let words = wording(content, language, zone);
    let link = content
        .links_into_the_portal()
        .then(|| format!("{}{}", links.web_origin, content.path(links.patient)));
    // Only what a person chose to receive can be turned off (not security notices, nor staff's
    // news: staff have no preferences).
    let unsubscribe = if content.kind().is_choosable() {
        links.unsubscribe.clone()
    } else {
        None
    };
    let (footer, security, stop) = match language {
        Language::En => (
            english::FOOTER,
            english::SECURITY_NOTE,
            english::UNSUBSCRIBE,
        ),
        Language::Es => (
            spanish::FOOTER,
            spanish::SECURITY_NOTE,
            spanish::UNSUBSCRIBE,
        ),
    };
    // Someone with no account has nothing to sign in to.
    let footer = match (link.is_some(), language) {
        (true, _) => footer,
        (false, Language::En) => english::FOOTER_NO_ACCOUNT,
        (false, Language::Es) => spanish::FOOTER_NO_ACCOUNT,
    };
    let mut notes = vec![footer];
    if content.kind().is_security_notice() {
        notes.push(security);
    }
    let mut text = words.body.join("\n\n");
    if let Some(link) = &link {
        text.push_str(&format!("\n\n{}: {link}", words.action));
    }
    text.push_str(&format!("\n\n-- \n{}", notes.join("\n")));
    if let Some(unsubscribe) = &unsubscribe {
        text.push_str(&format!("\n{stop}: {unsubscribe}"));
    }
    let html = html::layout(
        language.tag(),
        &words.subject,
        &words.body,
        link.as_deref().map(|link| (words.action, link)),
        &notes,
        unsubscribe.as_deref().map(|u| (stop, u)),
    );
    EmailContent {
        subject: words.subject,
        text,
        html,
        unsubscribe,
    }
}

/// `content` as a text message (short: the words and the link).
pub fn sms(content: &Content, language: Language, zone: &TimeZone, links: &Links<'_>) -> String {
    let words = wording(content, language, zone);
    format!(
        "{} {}{}",
        words.sms,
        links.web_origin,
        content.path(links.patient)
    )
}

fn wording(content: &Content, language: Language, zone: &TimeZone) -> Wording {
    let when = |at: &Timestamp| when::date_time(*at, zone, language);
    match language {
        Language::En => english::wording(content, &when),
        Language::Es => spanish::wording(content, &when),
    }
}

#[cfg(test)]
mod tests;
