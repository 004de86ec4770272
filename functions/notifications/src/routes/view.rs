//! What the preference routes answer (`NotificationPreferences`), and the contacts it shows.

use std::collections::BTreeMap;

use portal_shared::ApiError;
use portal_shared::domain::ids::InvitationId;
use portal_shared::domain::person::{Email, Phone};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::Member;
use portal_shared::features::notification::Kind;
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::authz::PatientAccess;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::contacts::{self, ContactsView};
use crate::preferences::{ChannelChoice, Person, Preferences};

/// `QuietHours`: no texts between `start` and `end`, local time in the practice's zone.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuietHoursView {
    start: String,
    end: String,
    time_zone: String,
}

impl QuietHoursView {
    fn of(deps: &Deps) -> Self {
        // `QUIET_HOURS` is `21:00-08:00`, checked at start-up.
        let (start, end) = deps
            .notify
            .quiet_hours
            .split_once('-')
            .unwrap_or((&deps.notify.quiet_hours, ""));
        QuietHoursView {
            start: start.trim().to_owned(),
            end: end.trim().to_owned(),
            time_zone: deps.notify.time_zone.clone(),
        }
    }
}

/// `NotificationPreferences`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreferencesView {
    channels: BTreeMap<Kind, ChannelChoice>,
    contacts: ContactsView,
    quiet_hours: QuietHoursView,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_at: Option<Timestamp>,
}

impl PreferencesView {
    pub fn new(deps: &Deps, prefs: Option<&Preferences>, reach: PersonContacts) -> Self {
        PreferencesView {
            channels: Preferences::filled(prefs, reach.has_phone),
            contacts: reach.view,
            quiet_hours: QuietHoursView::of(deps),
            updated_at: prefs.and_then(|prefs| prefs.updated_at),
        }
    }
}

/// How notifications reach the person whose preferences these are.
pub struct PersonContacts {
    pub has_phone: bool,
    /// The profile's appointment-reminder switch (the patient's own; `None` for a caregiver).
    pub reminders_on: Option<bool>,
    pub view: ContactsView,
}

/// The patient's: the profile's email and phone. A caregiver's: the address their invitation
/// went to (which accepting it proved), and no phone. A patient without a profile is 404.
pub async fn person_contacts(
    deps: &Deps,
    access: &PatientAccess,
    person: &Person,
) -> Result<PersonContacts, ApiError> {
    match person {
        Person::Patient => {
            let found = contacts::read_contacts(deps, access)
                .await?
                .ok_or(ApiError::NotFound)?;
            let view =
                contacts::contacts_view(deps, found.email.as_ref(), found.phone.as_ref()).await?;
            Ok(PersonContacts {
                has_phone: found.phone.is_some(),
                reminders_on: Some(found.reminders_on),
                view,
            })
        }
        Person::Caregiver(sub) => {
            let email = caregiver_email(deps, access, sub).await?;
            Ok(PersonContacts {
                has_phone: false,
                reminders_on: None,
                view: contacts::contacts_view(deps, email.as_ref(), None::<&Phone>).await?,
            })
        }
    }
}

/// Of a caregiver's grant, the invitation it came from (grants made before the care circle
/// existed, and guardians', may name none).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GrantInvitation {
    #[serde(default)]
    invitation_id: Option<InvitationId>,
}

/// The email a caregiver's invitation was sent to: grant → member item.
async fn caregiver_email(
    deps: &Deps,
    access: &PatientAccess,
    caregiver: &portal_shared::policy::caller::UserSub,
) -> Result<Option<Email>, ApiError> {
    let platform = &deps.platform;
    let grant = store::get_item(
        &platform.dynamo,
        &platform.app_table,
        &keys::caregiver_grant(access.patient(), caregiver),
        None,
    )
    .await?;
    let Some(grant) = grant else {
        return Ok(None);
    };
    let grant: GrantInvitation = store::from_item(grant)?;
    let Some(invitation) = grant.invitation_id else {
        return Ok(None);
    };
    let member = store::get_item(
        &platform.dynamo,
        &platform.app_table,
        &keys::care_circle_member(access.patient(), invitation),
        None,
    )
    .await?;
    let Some(member) = member else {
        return Ok(None);
    };
    let member: Member = store::from_item(member)?;
    Ok(Email::parse(&member.email).ok())
}
