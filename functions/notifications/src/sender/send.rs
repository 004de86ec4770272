//! One message to one recipient by one channel: rendered from the outbox record's values in the
//! recipient's language, with their links, and handed to SES or SNS.

use portal_shared::features::notification::Channel;

use crate::Deps;
use crate::content::{self, Links};
use crate::sender::outbox::Outbox;
use crate::sender::recipients::Target;
use crate::sender::transport::{self, Sent, Tags};

pub async fn send(deps: &Deps, outbox: &Outbox, target: &Target, channel: Channel) -> Sent {
    let Some(content) = outbox.content() else {
        return Sent::Rejected;
    };
    let patient = target.history.map(|(patient, _)| patient);
    let unsubscribe = match (patient, &target.person) {
        (Some(patient), Some(person)) => Some(deps.unsubscribe_link(patient, person, outbox.kind)),
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
