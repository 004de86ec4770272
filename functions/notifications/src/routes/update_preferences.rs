//! `PUT /patients/{patientId}/notification-preferences`: sets the caller's channels for the
//! kinds named (the others keep theirs). A patient's `appointment-reminder` choice also turns
//! the profile's reminder switch, in the same transaction, so the two never disagree.

use std::collections::BTreeMap;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::Kind;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::preferences::{self, Change, ChannelChoice, NotSaved, Person, ReminderSwitch};
use crate::routes::view::{PreferencesView, person_contacts};

/// `NotificationPreferencesChange`, as sent: kinds and channels are checked one by one below,
/// so each bad one is named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PreferencesChange {
    channels: BTreeMap<String, serde_json::Value>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::ManageNotificationPreferences,
            AuditResource::NotificationPreferences,
        )
        .await?;
    let request: PreferencesChange = call.json_body()?;
    let channels = parse_channels(&request.channels)?;
    let person = Person::calling(call.caller(), &access).ok_or(ApiError::NotFound)?;
    // The profile's switch may turn between our read and our write (another device, the
    // profile's own form): then read again and decide again.
    for _ in 0..SAVE_ATTEMPTS {
        let reach = person_contacts(deps, &access, &person).await?;
        if !reach.has_phone {
            refuse_texts(&person, &channels)?;
        }
        if !channels.is_empty() {
            let change = Change {
                person: &person,
                channels: &channels,
                reminder_switch: reminder_switch(&person, &channels, reach.reminders_on),
                only_if_email: false,
            };
            match preferences::save(deps, &access, &change, Timestamp::now()).await? {
                Ok(()) => {}
                Err(NotSaved::Changed) => continue,
            }
        }
        let prefs = preferences::load(deps, &access, &person).await?;
        return json(
            StatusCode::OK,
            &PreferencesView::new(deps, prefs.as_ref(), reach),
        );
    }
    Err(ApiError::Conflict(
        "The profile's reminder setting kept changing at the same moment; retry.".into(),
    ))
}

/// How many times a save that lost to a change of the profile's switch is decided again.
const SAVE_ATTEMPTS: usize = 3;

/// `sms` for someone without a mobile number on file: 422 naming each such kind.
fn refuse_texts(person: &Person, channels: &BTreeMap<Kind, ChannelChoice>) -> Result<(), ApiError> {
    let mut errors = FieldErrors::new();
    for (kind, _) in channels.iter().filter(|(_, c)| **c == ChannelChoice::Sms) {
        errors.add(
            format!("channels.{}", kind.template()),
            match person {
                Person::Patient => "needs a mobile number in the profile's contact.phone",
                Person::Caregiver(_) => "is not available: caregivers receive email only",
            },
        );
    }
    errors.finish()
}

/// Every kind and channel named, or a 422 naming each bad one (`channels.<kind>`).
fn parse_channels(
    raw: &BTreeMap<String, serde_json::Value>,
) -> Result<BTreeMap<Kind, ChannelChoice>, ApiError> {
    let mut errors = FieldErrors::new();
    let mut channels = BTreeMap::new();
    for (name, value) in raw {
        let field = format!("channels.{name}");
        let kind = Kind::from_template(name).filter(|kind| kind.is_choosable());
        let Some(kind) = kind else {
            errors.add(
                field,
                "is not a kind of notification you can choose a channel for",
            );
            continue;
        };
        match serde_json::from_value::<ChannelChoice>(value.clone()) {
            Ok(choice) => {
                channels.insert(kind, choice);
            }
            Err(_) => errors.add(field, "must be email, sms or none"),
        }
    }
    errors.finish()?;
    Ok(channels)
}

/// The profile's switch, when a patient's `appointment-reminder` choice turns it.
fn reminder_switch(
    person: &Person,
    channels: &BTreeMap<Kind, ChannelChoice>,
    reminders_on: Option<bool>,
) -> Option<ReminderSwitch> {
    let was = reminders_on?;
    if *person != Person::Patient {
        return None;
    }
    let now = *channels.get(&Kind::AppointmentReminder)? != ChannelChoice::None;
    (was != now).then_some(ReminderSwitch { was, now })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(value: serde_json::Value) -> BTreeMap<String, serde_json::Value> {
        serde_json::from_value(value).expect("map")
    }

    #[test]
    fn names_every_bad_kind_and_channel() {
        let Err(ApiError::Invalid(errors)) = parse_channels(&raw(json!({
            "password-reset": "none",
            "new-portal-message": "fax",
            "appointment-booked": 3,
            "appointment-moved": "sms",
        }))) else {
            panic!("invalid");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "channels.appointment-booked",
                "channels.new-portal-message",
                "channels.password-reset"
            ]
        );
    }

    #[test]
    fn only_a_patients_reminder_choice_turns_the_profile_switch() {
        let off = BTreeMap::from([(Kind::AppointmentReminder, ChannelChoice::None)]);
        let sms = BTreeMap::from([(Kind::AppointmentReminder, ChannelChoice::Sms)]);
        assert_eq!(
            reminder_switch(&Person::Patient, &off, Some(true)),
            Some(ReminderSwitch {
                was: true,
                now: false
            })
        );
        assert_eq!(reminder_switch(&Person::Patient, &off, Some(false)), None);
        assert_eq!(
            reminder_switch(&Person::Patient, &sms, Some(false)),
            Some(ReminderSwitch {
                was: false,
                now: true
            })
        );
        let caregiver =
            Person::Caregiver(portal_shared::policy::caller::UserSub::parse("c-1").expect("sub"));
        assert_eq!(reminder_switch(&caregiver, &off, None), None);
    }
}
