//! The two ways out: email by SES v2 (from the sending identity, through the configuration set
//! whose events report bounces) and texts by SNS (transactional). Each answers whether the
//! message went, may go on a later try, or was refused for good.

use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::types::{
    Body, Content as SesContent, Destination, EmailContent as SesEmailContent, Message,
    MessageHeader, MessageTag,
};
use aws_sdk_sns::types::MessageAttributeValue;
use portal_shared::domain::ids::{NotificationId, PatientId};
use portal_shared::domain::person::{Email, Phone};

use crate::Deps;
use crate::content::EmailContent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Sent,
    /// Throttling, a server error, a timeout: try again later.
    Retryable,
    /// The service refused this message for good (a bad address, a rejected message).
    Rejected,
}

/// Error codes that no retry changes.
const PERMANENT: &[&str] = &[
    // SES v2
    "MessageRejected",
    "BadRequestException",
    "MailFromDomainNotVerifiedException",
    // SNS (query protocol codes and their exception names)
    "InvalidParameter",
    "InvalidParameterValue",
    "InvalidParameterException",
    "InvalidParameterValueException",
    "ValidationException",
    "EndpointDisabled",
    "EndpointDisabledException",
];

/// How an SDK error reads: a service error with a permanent code is a rejection; anything
/// else (throttling, 5xx, timeouts, no connection) may pass on a later try.
pub fn classify<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Sent {
    match error.as_service_error().and_then(|e| e.code()) {
        Some(code) if PERMANENT.contains(&code) => Sent::Rejected,
        _ => Sent::Retryable,
    }
}

/// Ids to find a message by in SES's events (ULIDs: no PHI).
pub struct Tags {
    pub notification: NotificationId,
    pub patient: Option<PatientId>,
}

pub async fn send_email(deps: &Deps, to: &Email, email: &EmailContent, tags: &Tags) -> Sent {
    let Ok(message) = build_message(email) else {
        return Sent::Rejected;
    };
    let mut request = deps
        .ses
        .send_email()
        .from_email_address(&deps.notify.sender_email)
        .destination(Destination::builder().to_addresses(to.as_str()).build())
        .configuration_set_name(&deps.notify.configuration_set)
        .content(SesEmailContent::builder().simple(message).build());
    let mut pairs = vec![("notificationId", tags.notification.to_string())];
    if let Some(patient) = tags.patient {
        pairs.push(("patientId", patient.to_string()));
    }
    for (name, value) in pairs {
        if let Ok(tag) = MessageTag::builder().name(name).value(value).build() {
            request = request.email_tags(tag);
        }
    }
    match request.send().await {
        Ok(_) => Sent::Sent,
        Err(error) => {
            let outcome = classify(&error);
            tracing::warn!(
                notification_id = %tags.notification,
                code = error.code().unwrap_or("none"),
                ?outcome,
                "email not sent"
            );
            outcome
        }
    }
}

fn build_message(email: &EmailContent) -> Result<Message, aws_sdk_sesv2::error::BuildError> {
    let text = |data: &str| SesContent::builder().data(data).charset("UTF-8").build();
    let mut message = Message::builder().subject(text(&email.subject)?).body(
        Body::builder()
            .text(text(&email.text)?)
            .html(text(&email.html)?)
            .build(),
    );
    if let Some(link) = &email.unsubscribe {
        // One-click unsubscribe (RFC 8058) lets mail clients offer it next to the sender.
        message = message
            .headers(
                MessageHeader::builder()
                    .name("List-Unsubscribe")
                    .value(format!("<{link}>"))
                    .build()?,
            )
            .headers(
                MessageHeader::builder()
                    .name("List-Unsubscribe-Post")
                    .value("List-Unsubscribe=One-Click")
                    .build()?,
            );
    }
    Ok(message.build())
}

pub async fn send_sms(deps: &Deps, to: &Phone, text: &str, notification: NotificationId) -> Sent {
    let transactional = MessageAttributeValue::builder()
        .data_type("String")
        .string_value("Transactional")
        .build();
    let Ok(transactional) = transactional else {
        return Sent::Rejected;
    };
    let result = deps
        .sns
        .publish()
        .phone_number(to.as_str())
        .message(text)
        .message_attributes("AWS.SNS.SMS.SMSType", transactional)
        .send()
        .await;
    match result {
        Ok(_) => Sent::Sent,
        Err(error) => {
            let outcome = classify(&error);
            tracing::warn!(
                notification_id = %notification,
                code = aws_sdk_sns::error::ProvideErrorMetadata::code(&error).unwrap_or("none"),
                ?outcome,
                "text not sent"
            );
            outcome
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(unsubscribe: Option<&str>) -> EmailContent {
        EmailContent {
            subject: "s".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
            unsubscribe: unsubscribe.map(str::to_owned),
        }
    }

    #[test]
    fn emails_that_can_be_turned_off_carry_one_click_unsubscribe_headers() {
        let message =
            build_message(&email(Some("https://p.example/unsubscribe?token=t"))).expect("message");
        let headers: Vec<(&str, &str)> = message
            .headers()
            .iter()
            .map(|h| (h.name(), h.value()))
            .collect();
        assert_eq!(
            headers,
            vec![
                (
                    "List-Unsubscribe",
                    "<https://p.example/unsubscribe?token=t>"
                ),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
        );
        let security = build_message(&email(None)).expect("message");
        assert!(security.headers().is_empty());
        assert!(security.body().and_then(|b| b.html()).is_some());
    }

    #[test]
    fn only_permanent_codes_are_rejections() {
        assert!(PERMANENT.contains(&"MessageRejected"));
        assert!(PERMANENT.contains(&"InvalidParameter"));
        assert!(!PERMANENT.contains(&"TooManyRequestsException"));
        assert!(!PERMANENT.contains(&"Throttled"));
    }
}
