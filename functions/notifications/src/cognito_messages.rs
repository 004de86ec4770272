//! Cognito's own emails (the staff invitation with its temporary password, the password reset
//! code) in our templates and the user's language: the user pool's CustomMessage trigger.
//!
//! Cognito fills in the username and the code itself after the trigger answers, so the
//! templates are rendered around its placeholders and this function never sees either.

use aws_lambda_events::event::cognito::{
    CognitoEventUserPoolsCustomMessage,
    CognitoEventUserPoolsCustomMessageTriggerSource as TriggerSource,
};
use jiff::tz::TimeZone;
use portal_shared::platform::config::ConfigError;
use serde_json::Value;

use crate::content::{self, Code, Content, Language, Links};

/// What Cognito replaces with the code or the temporary password, when the event names none.
const CODE_PLACEHOLDER: &str = "{####}";
/// What Cognito replaces with an admin-created user's username, when the event names none.
const USERNAME_PLACEHOLDER: &str = "{username}";

/// The trigger's settings, from its environment.
#[derive(Debug, Clone)]
pub struct CognitoMessageSettings {
    /// The web app's origin (`WEB_ORIGIN`; the local dev server's when unset), for the link.
    pub web_origin: String,
    /// The practice's zone (`PRACTICE_TIME_ZONE`); neither message shows a time today.
    pub zone: TimeZone,
}

impl CognitoMessageSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let web_origin = lookup("WEB_ORIGIN")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| crate::LOCAL_WEB_ORIGIN.to_owned());
        let zone = lookup("PRACTICE_TIME_ZONE").filter(|v| !v.trim().is_empty());
        match zone.as_deref().map(TimeZone::get) {
            Some(Ok(zone)) => Ok(CognitoMessageSettings { web_origin, zone }),
            Some(Err(_)) => Err(ConfigError {
                problems: vec!["PRACTICE_TIME_ZONE is not an IANA time zone".into()],
            }),
            None => Err(ConfigError {
                problems: vec!["PRACTICE_TIME_ZONE is not set".into()],
            }),
        }
    }
}

/// Sets the email's subject and (HTML) body of a staff invitation or a password reset, in the
/// user's `locale` (English unless it is Spanish); any other trigger source is returned as it
/// came, so Cognito sends the pool's own message.
pub fn cognito_message(
    mut event: CognitoEventUserPoolsCustomMessage,
    web_origin: &str,
    zone: &TimeZone,
) -> CognitoEventUserPoolsCustomMessage {
    let Some(content) = content_for(&event) else {
        return event;
    };
    let links = Links {
        web_origin,
        patient: None,
        // Security notices carry no unsubscribe link.
        unsubscribe: None,
    };
    let email = content::email(&content, language_of(&event), zone, &links);
    event.response.email_subject = Some(email.subject);
    event.response.email_message = Some(email.html);
    event
}

/// The trigger's answer to Cognito's event as it arrived. An event this crate cannot read (a
/// trigger source newer than `aws_lambda_events`) goes back unchanged: Cognito then sends its
/// default message instead of failing the user's request.
pub fn answer(raw: Value, settings: &CognitoMessageSettings) -> Value {
    let Ok(event) = serde_json::from_value::<CognitoEventUserPoolsCustomMessage>(raw.clone())
    else {
        tracing::warn!("cognito message: unreadable event, left to Cognito");
        return raw;
    };
    let source = event.cognito_event_user_pools_header.trigger_source.clone();
    let answered = cognito_message(event, &settings.web_origin, &settings.zone);
    // The trigger source and whether we wrote the mail: never an address, a username or a code.
    tracing::info!(
        trigger_source = ?source,
        templated = answered.response.email_message.is_some(),
        "cognito message"
    );
    serde_json::to_value(answered).unwrap_or(raw)
}

fn content_for(event: &CognitoEventUserPoolsCustomMessage) -> Option<Content> {
    let code = placeholder(event.request.code_parameter.as_deref(), CODE_PLACEHOLDER)?;
    match event.cognito_event_user_pools_header.trigger_source {
        Some(TriggerSource::AdminCreateUser) => Some(Content::StaffInvitation {
            username: placeholder(
                event.request.username_parameter.as_deref(),
                USERNAME_PLACEHOLDER,
            )?,
            code,
        }),
        Some(TriggerSource::ForgotPassword) => Some(Content::PasswordReset { code }),
        _ => None,
    }
}

/// The placeholder the event names (Cognito checks the message contains it), else the one
/// Cognito documents (which always parses).
fn placeholder(named: Option<&str>, documented: &str) -> Option<Code> {
    named
        .and_then(Code::parse)
        .or_else(|| Code::parse(documented))
}

fn language_of(event: &CognitoEventUserPoolsCustomMessage) -> Language {
    Language::of_tag(
        event
            .request
            .user_attributes
            .get("locale")
            .and_then(Value::as_str),
    )
}

#[cfg(test)]
mod tests;
