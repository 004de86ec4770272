//! The English wording of every kind.

use super::{Content, IdeaStatus, Language, RefillNews, ReportStatus, Wording, announcement, when};
use portal_shared::features::mfa::MfaChange;

pub fn wording(
    content: &Content,
    when: &dyn Fn(&portal_shared::domain::timestamp::Timestamp) -> String,
) -> Wording {
    match content {
        Content::NewMessage { .. } => Wording {
            subject: "You have a new message in your patient portal".into(),
            body: vec![
                "There is a new message for you in your patient portal. Sign in to read it.".into(),
            ],
            action: "Read the message",
            sms: "You have a new message in your patient portal.".into(),
        },
        Content::AppointmentBooked { start } => Wording {
            subject: "Your appointment is booked".into(),
            body: vec![format!("Your appointment is booked for {}.", when(start))],
            action: "See your appointments",
            sms: format!("Your appointment is booked for {}.", when(start)),
        },
        Content::AppointmentMoved { start } => Wording {
            subject: "Your appointment has moved".into(),
            body: vec![format!("Your appointment has moved to {}.", when(start))],
            action: "See your appointments",
            sms: format!("Your appointment has moved to {}.", when(start)),
        },
        Content::AppointmentCancelled { start } => Wording {
            subject: "Your appointment is cancelled".into(),
            body: vec![format!(
                "Your appointment on {} is cancelled. You can book another time in the portal.",
                when(start)
            )],
            action: "See your appointments",
            sms: format!("Your appointment on {} is cancelled.", when(start)),
        },
        Content::AppointmentReminder { start } => Wording {
            subject: "Reminder: you have an upcoming appointment".into(),
            body: vec![format!(
                "This is a reminder of your appointment on {}.",
                when(start)
            )],
            action: "See your appointments",
            sms: format!("Reminder: you have an appointment on {}.", when(start)),
        },
        Content::WaitlistOffer {
            slot_start,
            offer_until,
        } => Wording {
            subject: "An earlier appointment is held for you".into(),
            body: vec![
                format!(
                    "An earlier appointment time is available: {}.",
                    when(slot_start)
                ),
                format!(
                    "It is held for you until {}. Accept it in the portal before then.",
                    when(offer_until)
                ),
            ],
            action: "Accept or decline",
            sms: format!(
                "An earlier appointment ({}) is held for you until {}.",
                when(slot_start),
                when(offer_until)
            ),
        },
        Content::CareCircleInvitation { code, expires } => Wording {
            subject: "You are invited to a patient portal care circle".into(),
            body: vec![
                "You have been invited to help someone with their care in their patient portal."
                    .into(),
                format!(
                    "Your invitation code is {}. It works until {}.",
                    code.as_str(),
                    when(expires)
                ),
                "If you did not expect this invitation, you can ignore this email.".into(),
            ],
            action: "Accept the invitation",
            sms: format!("Your patient portal invitation code is {}.", code.as_str()),
        },
        Content::ActivationInvitation { code, expires } => Wording {
            subject: "Activate your patient portal account".into(),
            body: vec![
                format!(
                    "Your activation code is {}. It works until {}.",
                    code.as_str(),
                    when(expires)
                ),
                "Enter it on the activation page to create your account.".into(),
            ],
            action: "Activate your account",
            sms: format!(
                "Your patient portal activation code is {}. It works until {}.",
                code.as_str(),
                when(expires)
            ),
        },
        Content::StaffInvitation { username, code } => Wording {
            subject: "Your patient portal staff account".into(),
            body: vec![
                format!(
                    "A staff account was created for you. Your username is {}.",
                    username.as_str()
                ),
                format!(
                    "Your temporary password is {}. You will choose your own when you first sign in.",
                    code.as_str()
                ),
            ],
            action: "Sign in",
            sms: format!(
                "Your patient portal staff account is ready. Temporary password: {}.",
                code.as_str()
            ),
        },
        Content::PasswordReset { code } => Wording {
            subject: "Your password reset code".into(),
            body: vec![
                format!("Your password reset code is {}.", code.as_str()),
                "If you did not ask to reset your password, you can ignore this email.".into(),
            ],
            action: "Reset your password",
            sms: format!(
                "Your patient portal password reset code is {}.",
                code.as_str()
            ),
        },
        Content::NewSignIn {
            at,
            reset,
            lock: Some(_),
        } => {
            let (subject, news) = if *reset {
                (
                    "Your patient portal password was reset",
                    format!(
                        "The password of your patient portal account was reset on {}.",
                        when(at)
                    ),
                )
            } else {
                (
                    "New sign-in to your patient portal",
                    format!(
                        "Your patient portal account was signed in to on {} from a browser or device it has not been used from lately.",
                        when(at)
                    ),
                )
            };
            Wording {
                subject: subject.into(),
                body: vec![
                    news,
                    "If this was you, there is nothing to do.".into(),
                    "Not you? Lock your account with the link below: nobody can sign in to it until the practice unlocks it. Then call the practice.".into(),
                ],
                action: "Lock your account",
                sms: format!(
                    "{} on {}. Not you? Lock your account:",
                    if *reset {
                        "Your patient portal password was reset"
                    } else {
                        "New sign-in to your patient portal"
                    },
                    when(at)
                ),
            }
        }
        Content::NewSignIn { at, .. } => Wording {
            subject: "New sign-in to your patient portal".into(),
            body: vec![
                format!(
                    "Your patient portal account was signed in to on {} from a browser or device it has not been used from lately.",
                    when(at)
                ),
                "If this was you, there is nothing to do.".into(),
                "If this was not you, reset your password and tell the practice.".into(),
            ],
            action: "Reset your password",
            sms: format!(
                "New sign-in to your patient portal on {}. If this was not you, reset your password and tell the practice.",
                when(at)
            ),
        },
        Content::IdeaStatusChanged { status } => {
            let news = match status {
                Some(status) => format!(
                    "The practice changed the status of an idea you voted for or gave feedback on: {}.",
                    idea_status(*status)
                ),
                None => "The practice changed the status of an idea you voted for or gave feedback on.".into(),
            };
            Wording {
                subject: "An idea you supported has news".into(),
                body: vec![
                    news,
                    "Thank you for helping decide what the portal does next. Sign in to see the idea.".into(),
                ],
                action: "See what changed",
                sms: match status {
                    Some(status) => format!("News about an idea you supported: {}.", idea_status(*status)),
                    None => "News about an idea you supported in your patient portal.".into(),
                },
            }
        }
        Content::SuggestionDecided { accepted: true } => Wording {
            subject: "Thank you: your suggestion was accepted".into(),
            body: vec![
                "The practice read your suggestion for the patient portal and accepted it: it is now one of the ideas the practice is considering.".into(),
                "Sign in to see it and follow its progress.".into(),
            ],
            action: "See your suggestion",
            sms: "Your suggestion for the patient portal was accepted. Thank you!".into(),
        },
        Content::SuggestionDecided { accepted: false } => Wording {
            subject: "The practice answered your suggestion".into(),
            body: vec![
                "The practice read your suggestion for the patient portal and decided not to take it forward this time. Thank you for sharing it.".into(),
                "Sign in to see the practice's answer.".into(),
            ],
            action: "See your suggestion",
            sms: "The practice answered your suggestion for the patient portal.".into(),
        },
        Content::FeedbackAnswered => Wording {
            subject: "The practice answered your feedback".into(),
            body: vec![
                "Thank you for your feedback on the patient portal. The practice has answered your comment.".into(),
                "Sign in to read the answer.".into(),
            ],
            action: "Read the answer",
            sms: "The practice answered your feedback on the patient portal.".into(),
        },
        Content::ProblemReportUpdated { status, .. } => {
            let news = match status {
                Some(status) => format!(
                    "There is news about the problem you reported in the patient portal: {}.",
                    report_status(*status)
                ),
                None => "There is news about the problem you reported in the patient portal.".into(),
            };
            Wording {
                subject: "There is news about the problem you reported".into(),
                body: vec![
                    news,
                    "Thank you for telling us. Sign in to see your report and any answer from the team.".into(),
                ],
                action: "See your report",
                sms: match status {
                    Some(status) => format!(
                        "News about the problem you reported in the patient portal: {}.",
                        report_status(*status)
                    ),
                    None => "There is news about the problem you reported in the patient portal.".into(),
                },
            }
        }
        // The practice's own words, as it wrote them: the title, the text, the link.
        Content::Announcement {
            title,
            body,
            link,
            portal,
        } => {
            let mut paragraphs = vec![title.clone()];
            paragraphs.extend(announcement::paragraphs(body));
            if let Some(link) = link {
                paragraphs.push(format!("Read more: {link}"));
            }
            if *portal {
                paragraphs.push("Sign in to your patient portal to see all of the practice's news.".into());
            }
            Wording {
                subject: format!("News from the practice: {title}"),
                body: paragraphs,
                action: "See what's new",
                sms: format!("News from the practice: {title}"),
            }
        }
        // Dates and counts only: the digest itself is read after sign-in.
        Content::WeeklyDigest {
            from,
            to,
            open_reports,
            breached,
            incidents_opened,
            activated,
            ..
        } => {
            let (from, to) = (
                when::date(*from, Language::En),
                when::date(*to, Language::En),
            );
            Wording {
                subject: format!("The portal's weekly digest: week of {from}"),
                body: vec![
                    format!("The digest of the patient portal's week from {from} to {to} is ready."),
                    format!("Open problem reports: {open_reports}"),
                    format!("Reports past their response target: {breached}"),
                    format!("Incidents opened in the week: {incidents_opened}"),
                    format!("Patients who activated their portal account in the week: {activated}"),
                    "Sign in to read the whole digest.".into(),
                ],
                action: "Read the digest",
                sms: format!(
                    "The portal's weekly digest is ready: {open_reports} open reports, {breached} past target."
                ),
            }
        }
        // That something was shared, never which topic or the clinician's note.
        Content::EducationAssigned { .. } => Wording {
            subject: "Your care team shared a health topic with you".into(),
            body: vec![
                "Your care team shared a health topic with you in your patient portal.".into(),
                "Sign in to read it, along with any note from your care team.".into(),
            ],
            action: "See your health topics",
            sms: "Your care team shared a health topic with you in your patient portal.".into(),
        },
        Content::MfaChanged { at, change } => {
            let news = match change {
                MfaChange::TurnedOn => "an authenticator app was added to your patient portal account",
                MfaChange::TurnedOff => {
                    "the authenticator app was removed from your patient portal account"
                }
                MfaChange::BackupCodeUsed => {
                    "a backup code was used to sign in to your patient portal account, which turned off its authenticator app"
                }
                MfaChange::ResetByPractice => {
                    "the practice turned off the authenticator app of your patient portal account"
                }
            };
            Wording {
                subject: "Your patient portal sign-in security changed".into(),
                body: vec![
                    format!("On {}, {news}.", when(at)),
                    if *change == MfaChange::TurnedOn {
                        "If this was you, there is nothing to do.".into()
                    } else {
                        "If this was you, you can add an authenticator app again once you sign in.".into()
                    },
                    "If this was not you, reset your password and tell the practice.".into(),
                ],
                action: "Reset your password",
                sms: format!(
                    "On {}, {news}. If this was not you, reset your password and tell the practice.",
                    when(at)
                ),
            }
        }
        // What became of the request, never which medication or what the clinician wrote.
        Content::RefillDecided { status, .. } => {
            let (subject, news, sms) = refill_news(*status);
            Wording {
                subject: subject.into(),
                body: vec![news.into(), "Thank you for using your patient portal.".into()],
                action: "See your request",
                sms: sms.into(),
            }
        }
    }
}

/// A refill request's news: subject, first paragraph, and the text message's words.
fn refill_news(status: Option<RefillNews>) -> (&'static str, &'static str, &'static str) {
    match status {
        Some(RefillNews::Approved) => (
            "Your prescription renewal request was approved",
            "The practice approved your request to renew a prescription. Sign in to see the details.",
            "Your prescription renewal request was approved.",
        ),
        Some(RefillNews::Denied) => (
            "Your prescription renewal request was not approved",
            "The practice reviewed your request to renew a prescription and did not approve it. Sign in to read the practice's message.",
            "Your prescription renewal request was not approved. Sign in to read why.",
        ),
        Some(RefillNews::VisitNeeded) => (
            "Your prescription renewal request needs a visit",
            "The practice needs to see you before renewing your prescription. Sign in to read the practice's message and book a visit.",
            "Your prescription renewal request needs a visit. Sign in to book one.",
        ),
        Some(RefillNews::Sent) => (
            "Your renewed prescription was sent to your pharmacy",
            "The practice sent your renewed prescription to the pharmacy you chose.",
            "Your renewed prescription was sent to your pharmacy.",
        ),
        None => (
            "There is news about your prescription renewal request",
            "There is news about your request to renew a prescription. Sign in to see it.",
            "There is news about your prescription renewal request.",
        ),
    }
}

/// What a report's status means, as the end of a sentence.
fn report_status(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::New => "the team has received it and will look at it soon",
        ReportStatus::Triaged => "the team has looked at it and will work on it",
        ReportStatus::InProgress => "the team is working on it",
        ReportStatus::WaitingOnReporter => "the team needs more information from you",
        ReportStatus::Resolved => "the team has resolved it",
    }
}

/// What an idea's status means, as the end of a sentence.
fn idea_status(status: IdeaStatus) -> &'static str {
    match status {
        IdeaStatus::Proposed => "it is now under consideration",
        IdeaStatus::Planned => "it is now planned",
        IdeaStatus::InBeta => "it is now being tried out in a beta",
        IdeaStatus::Live => "it is now live in the portal",
        IdeaStatus::Declined => "it will not go ahead for now",
    }
}

pub const UNSUBSCRIBE: &str = "Stop these emails";
pub const SECURITY_NOTE: &str = "This is a security notice from your patient portal; it is sent whatever your notification preferences.";
pub const FOOTER_NO_ACCOUNT: &str =
    "This email is from the practice's patient portal. It holds no health information.";
pub const FOOTER: &str = "This email is from your patient portal. It holds no health information: sign in to see the details.";
