//! One message to one recipient by one channel: rendered from the outbox record's values in the
//! recipient's language, with their links, and handed to SES or SNS.

use portal_shared::ApiError;
use portal_shared::features::lock_token::{self, LockToken};
use portal_shared::features::notification::{Channel, Recipient};

use crate::Deps;
use crate::content::{self, Links};
use crate::sender::outbox::{About, Outbox};
use crate::sender::recipients::Target;
use crate::sender::transport::{self, Sent, Tags};

pub async fn send(deps: &Deps, outbox: &Outbox, target: &Target, channel: Channel) -> Sent {
    let Some(content) = outbox.content() else {
        return Sent::Rejected;
    };
    let content = match lock_token(deps, outbox).await {
        Ok(Some(token)) => content.with_lock(token),
        Ok(None) => content,
        // The signing secret could not be read: try again later rather than send no link.
        Err(error) => {
            tracing::warn!(error = %portal_shared::platform::error::cause_chain(&error), "cannot sign the lock link");
            return Sent::Retryable;
        }
    };
    let patient = target.history.map(|(patient, _)| patient);
    let unsubscribe = match (patient, &target.person) {
        (Some(patient), Some(person)) => {
            match deps.unsubscribe_link(patient, person, outbox.kind).await {
                Ok(link) => Some(link),
                // The signing secret could not be read: try again later rather than send no link.
                Err(error) => {
                    tracing::warn!(error = %portal_shared::platform::error::cause_chain(&error), "cannot sign the unsubscribe link");
                    return Sent::Retryable;
                }
            }
        }
        _ => None,
    };
    let links = Links {
        web_origin: deps.web_origin.trim_end_matches('/'),
        patient,
        unsubscribe,
    };
    let zone = deps.notify.quiet.zone();
    match channel {
        Channel::Email => {
            let Some(to) = &target.email else {
                return Sent::Rejected;
            };
            let email = content::email(&content, target.language, zone, &links);
            let tags = Tags {
                notification: outbox.notification_id,
                patient,
            };
            transport::send_email(deps, to, &email, &tags).await
        }
        Channel::Sms => {
            let Some(to) = &target.phone else {
                return Sent::Rejected;
            };
            let text = content::sms(&content, target.language, zone, &links);
            transport::send_sms(deps, to, &text, outbox.notification_id).await
        }
    }
}

/// The signed token of a sign-in notice's "Not you? Lock your account" link: the account
/// (`sub`) and, for a patient's, the patient; valid 7 days from the sign-in. `None` for other
/// notices, and for a record that does not name its account (written before the link existed).
async fn lock_token(deps: &Deps, outbox: &Outbox) -> Result<Option<String>, ApiError> {
    let About::SignIn(about) = &outbox.about else {
        return Ok(None);
    };
    let (sub, patient) = match &outbox.recipient {
        Recipient::Patient { patient_id } => match &about.account {
            Some(sub) => (sub.clone(), Some(*patient_id)),
            None => return Ok(None),
        },
        Recipient::Account { sub, .. } => (sub.clone(), None),
        _ => return Ok(None),
    };
    let key = deps
        .platform
        .cursor_key
        .derived_key(lock_token::PURPOSE)
        .await?;
    Ok(Some(LockToken::new(sub, patient, about.at).seal(&key)))
}
