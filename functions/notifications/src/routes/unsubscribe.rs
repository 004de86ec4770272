//! `POST /notifications/unsubscribe` (public): the link in an email turns that kind of email
//! off for the person it was sent to. The signed token is the proof of who that is; the access
//! is audited in the patient's log like any other. Using the link again changes nothing.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::Kind;
use portal_shared::platform::http::{Incoming, json};
use portal_shared::policy::audit::{AuditEvent, AuditResource, Outcome};
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::{Caller, Role, UserSub};
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::contacts;
use crate::preferences::{self, Change, ChannelChoice, NotSaved, Person, ReminderSwitch};
use crate::unsubscribe_token::UnsubscribeToken;

/// The most a token may be (`UnsubscribeRequest.token`).
const MAX_TOKEN_CHARS: usize = 512;

/// Who the audit trail names for a patient's own link: the link carries the patient's id, not
/// their sign-in, so the actor is the link itself.
const PATIENT_LINK_ACTOR: &str = "unsubscribe-link";

/// How many times a save that lost to a concurrent change is decided again.
const SAVE_ATTEMPTS: usize = 3;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnsubscribeRequest {
    token: String,
}

/// `Unsubscribed`: the kind whose email is now off.
#[derive(Debug, Serialize)]
struct Unsubscribed {
    kind: Kind,
    channel: &'static str,
}

pub async fn handle(deps: &Deps, incoming: &Incoming) -> Result<Response<Body>, ApiError> {
    let request: UnsubscribeRequest = incoming.json_body()?;
    if request.token.is_empty() || request.token.chars().count() > MAX_TOKEN_CHARS {
        return Err(ApiError::invalid(
            "token",
            format!("must be 1 to {MAX_TOKEN_CHARS} characters: the token from the link"),
        ));
    }
    let token = UnsubscribeToken::open(&deps.platform.cursor_key, &request.token).await?;
    audit(deps, incoming, &token).await?;

    for _ in 0..SAVE_ATTEMPTS {
        match turn_email_off(deps, &token).await? {
            Ok(()) => {
                return json(
                    StatusCode::OK,
                    &Unsubscribed {
                        kind: token.kind,
                        channel: ChannelChoice::Email.as_str(),
                    },
                );
            }
            Err(NotSaved::Changed) => continue,
        }
    }
    Err(ApiError::Conflict(
        "These preferences kept changing at the same moment; use the link again.".into(),
    ))
}

/// Sets the kind to `none` if it reaches the person by email now (else there is nothing to
/// do: already off, or by text), with the profile's reminder switch for the patient's
/// reminders.
async fn turn_email_off(
    deps: &Deps,
    token: &UnsubscribeToken,
) -> Result<Result<(), NotSaved>, ApiError> {
    let prefs = preferences::load_through_token(deps, token).await?;
    let (has_phone, reminders_on) = match token.person {
        Person::Patient => match contacts::contacts_through_token(deps, token).await? {
            Some(found) => (found.phone.is_some(), Some(found.reminders_on)),
            None => (false, None),
        },
        Person::Caregiver(_) => (false, None),
    };
    if preferences::channel_for(prefs.as_ref(), token.kind, has_phone) != ChannelChoice::Email {
        return Ok(Ok(()));
    }
    let channels = BTreeMap::from([(token.kind, ChannelChoice::None)]);
    let reminder_switch = (token.person == Person::Patient
        && token.kind == Kind::AppointmentReminder
        && reminders_on == Some(true))
    .then_some(ReminderSwitch {
        was: true,
        now: false,
    });
    let change = Change {
        person: &token.person,
        channels: &channels,
        reminder_switch,
        only_if_email: true,
    };
    preferences::save_through_token(deps, token, &change, Timestamp::now()).await
}

/// Records the access in the patient's log, before anything is read or changed.
async fn audit(deps: &Deps, incoming: &Incoming, token: &UnsubscribeToken) -> Result<(), ApiError> {
    let (sub, role, relationship) = match &token.person {
        Person::Patient => (
            UserSub::parse(PATIENT_LINK_ACTOR).ok_or_else(|| ApiError::internal("actor"))?,
            Role::Patient,
            "own",
        ),
        Person::Caregiver(sub) => (sub.clone(), Role::Caregiver, "caregiver"),
    };
    let actor = Caller {
        sign_in: Default::default(),
        sub,
        roles: BTreeSet::from([role]),
        patient_id: (token.person == Person::Patient).then_some(token.patient),
        display_name: None,
    };
    let event = AuditEvent::new(
        &actor,
        relationship,
        Some(token.patient),
        Action::UnsubscribeFromNotifications.name(),
        &AuditResource::NotificationPreferences,
        Outcome::Allowed,
        incoming.request_id(),
    );
    deps.platform.audit.record(&event).await
}
