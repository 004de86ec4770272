//! Who wants to hear about what, and how: a channel per kind, for the patient and for each
//! caregiver who acts for them. One item per person in the patient's partition
//! (`NOTIFY_PREFS#PATIENT`, `NOTIFY_PREFS#CAREGIVER#<sub>`), one attribute per kind named by
//! the kind's template (`appointment-reminder: "none"`), so a change of some kinds is one
//! UpdateItem that leaves the others as they are: no read-modify-write, no lost update.
//!
//! Kinds never set have the defaults ([`channel_for`]). Security notices are not choosable
//! and never stored.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::Kind;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, Transacted};
use portal_shared::platform::write::retry_on_contention;
use portal_shared::policy::authz::PatientAccess;
use portal_shared::policy::caller::UserSub;
use serde::{Deserialize, Serialize};

use crate::Deps;
pub use crate::person::Person;

/// The channel a person chose for a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelChoice {
    Email,
    Sms,
    None,
}

impl ChannelChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelChoice::Email => "email",
            ChannelChoice::Sms => "sms",
            ChannelChoice::None => "none",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "email" => Some(ChannelChoice::Email),
            "sms" => Some(ChannelChoice::Sms),
            "none" => Some(ChannelChoice::None),
            _ => None,
        }
    }
}

/// One person's stored choices (only the kinds they set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    pub channels: BTreeMap<Kind, ChannelChoice>,
    pub updated_at: Option<Timestamp>,
}

impl Preferences {
    /// Every choosable kind with its channel, defaults filled in.
    pub fn filled(prefs: Option<&Preferences>, has_phone: bool) -> BTreeMap<Kind, ChannelChoice> {
        choosable_kinds()
            .map(|kind| (kind, channel_for(prefs, kind, has_phone)))
            .collect()
    }
}

/// The kinds a person may choose a channel for (the `NotificationKind` schema): every kind but
/// the security notices and staff's own news (a portal lead's weekly digest: staff have no
/// preferences), so the portal's news about a patient's own feedback (an idea they
/// supported changed status, their suggestion was decided, their comment answered), about
/// a problem they reported, and the practice's announcements can be turned off like any
/// other, and its unsubscribe link works.
pub fn choosable_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.iter().copied().filter(|kind| kind.is_choosable())
}

/// How `kind` reaches a person with these preferences: their choice, else email; a waitlist
/// offer by text when a phone is on file (its hold lapses in hours: a text is seen sooner).
/// A security notice is always email (it cannot be turned off).
pub fn channel_for(prefs: Option<&Preferences>, kind: Kind, has_phone: bool) -> ChannelChoice {
    if kind.is_security_notice() {
        return ChannelChoice::Email;
    }
    let chosen = prefs.and_then(|prefs| prefs.channels.get(&kind).copied());
    match chosen {
        // A text chosen when a phone was on file falls back to email once it is not.
        Some(ChannelChoice::Sms) if !has_phone => ChannelChoice::Email,
        Some(choice) => choice,
        None if kind == Kind::WaitlistOffer && has_phone => ChannelChoice::Sms,
        None => ChannelChoice::Email,
    }
}

/// The item as stored: who it is for, and when it last changed; the channels are attributes
/// named by kind, read and written by [`from_item`] and [`save`].
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    person: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    caregiver_sub: Option<UserSub>,
    #[serde(default)]
    updated_at: Option<Timestamp>,
}

fn from_item(item: &Item) -> Preferences {
    let channels = choosable_kinds()
        .filter_map(|kind| {
            let raw = item.get(kind.template())?.as_s().ok()?;
            Some((kind, ChannelChoice::parse(raw)?))
        })
        .collect();
    let updated_at = item
        .get("updatedAt")
        .and_then(|value| value.as_s().ok())
        .and_then(|raw| Timestamp::parse(raw));
    Preferences {
        channels,
        updated_at,
    }
}

fn person_of(item: &Item) -> Option<Person> {
    let envelope: Envelope = store::from_item(item.clone()).ok()?;
    match envelope.person.as_str() {
        "patient" => Some(Person::Patient),
        "caregiver" => envelope.caregiver_sub.map(Person::Caregiver),
        _ => None,
    }
}

/// Everyone's preferences about `patient` (the patient's and each caregiver's), in one Query of
/// the patient's partition: for the sender, which decides per recipient.
pub async fn load_all(
    deps: &Deps,
    patient: PatientId,
) -> Result<HashMap<Person, Preferences>, ApiError> {
    let platform = &deps.platform;
    let mut found = HashMap::new();
    let mut start = None;
    loop {
        let page = platform
            .dynamo
            .query()
            .table_name(&platform.app_table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", store::string(keys::patient_partition(patient)))
            .expression_attribute_values(
                ":prefix",
                store::string(keys::NOTIFICATION_PREFERENCES_PREFIX),
            )
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(store::sdk_error)?;
        for item in page.items() {
            if let Some(person) = person_of(item) {
                found.insert(person, from_item(item));
            }
        }
        start = page.last_evaluated_key;
        if start.is_none() {
            return Ok(found);
        }
    }
}

/// One person's preferences about the patient `access` was granted for; `None` if never set.
pub async fn load(
    deps: &Deps,
    access: &PatientAccess,
    person: &Person,
) -> Result<Option<Preferences>, ApiError> {
    load_one(deps, access.patient(), person).await
}

/// Like [`load`], for the unsubscribe link: the verified token is what proves the access, and
/// the route audits it itself.
pub async fn load_through_token(
    deps: &Deps,
    token: &crate::unsubscribe_token::UnsubscribeToken,
) -> Result<Option<Preferences>, ApiError> {
    load_one(deps, token.patient, &token.person).await
}

async fn load_one(
    deps: &Deps,
    patient: PatientId,
    person: &Person,
) -> Result<Option<Preferences>, ApiError> {
    let platform = &deps.platform;
    let item = store::get_item(
        &platform.dynamo,
        &platform.app_table,
        &person.preferences_key(patient),
        None,
    )
    .await?;
    Ok(item.as_ref().map(from_item))
}

/// The profile's appointment-reminder switch (`communication.appointmentReminders`), which
/// the patient's `appointment-reminder` choice keeps in step, changed from `was` to `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderSwitch {
    pub was: bool,
    pub now: bool,
}

/// A change of one person's channels: the kinds named, set; the others kept.
pub struct Change<'a> {
    pub person: &'a Person,
    pub channels: &'a BTreeMap<Kind, ChannelChoice>,
    /// Only when this change turns the profile's switch (the patient's own reminders).
    pub reminder_switch: Option<ReminderSwitch>,
    /// Only set a kind that is still `email` (or unset): the unsubscribe link turns off email,
    /// never a channel chosen since.
    pub only_if_email: bool,
}

/// Why a change was not written. Nothing was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSaved {
    /// The profile's reminder switch changed meanwhile, the profile is gone, or (with
    /// `only_if_email`) a kind is no longer email: re-read and decide again.
    Changed,
}

/// Writes `change` for the patient `access` was granted for (and the profile's switch with it,
/// in one transaction).
pub async fn save(
    deps: &Deps,
    access: &PatientAccess,
    change: &Change<'_>,
    now: Timestamp,
) -> Result<Result<(), NotSaved>, ApiError> {
    save_for(deps, access.patient(), change, now).await
}

/// Like [`save`], for the unsubscribe link (the verified token proves the access).
pub async fn save_through_token(
    deps: &Deps,
    token: &crate::unsubscribe_token::UnsubscribeToken,
    change: &Change<'_>,
    now: Timestamp,
) -> Result<Result<(), NotSaved>, ApiError> {
    save_for(deps, token.patient, change, now).await
}

async fn save_for(
    deps: &Deps,
    patient: PatientId,
    change: &Change<'_>,
    now: Timestamp,
) -> Result<Result<(), NotSaved>, ApiError> {
    let mut items = vec![preferences_update(deps, patient, change, now)?];
    if let Some(switch) = change.reminder_switch {
        items.push(reminder_switch_update(deps, patient, switch, now)?);
    }
    let outcome = retry_on_contention(|| async {
        Ok(
            match store::transact(&deps.platform.dynamo, items.clone()).await? {
                Transacted::Done => Ok(()),
                lost => Err(lost),
            },
        )
    })
    .await?;
    match outcome {
        Ok(()) => Ok(Ok(())),
        Err(Transacted::ConditionsFailed(_)) => Ok(Err(NotSaved::Changed)),
        Err(_) => Err(ApiError::Conflict(
            "Another change to these preferences was being saved at the same moment; retry.".into(),
        )),
    }
}

/// The UpdateItem of one person's item (created if new): the kinds named, and who and when.
fn preferences_update(
    deps: &Deps,
    patient: PatientId,
    change: &Change<'_>,
    now: Timestamp,
) -> Result<TransactWriteItem, ApiError> {
    let (person, caregiver) = match change.person {
        Person::Patient => ("patient", None),
        Person::Caregiver(sub) => ("caregiver", Some(sub)),
    };
    let mut sets = vec![
        "#person = :person".to_owned(),
        "#updatedAt = :now".to_owned(),
    ];
    let mut names = HashMap::from([
        ("#person".to_owned(), "person".to_owned()),
        ("#updatedAt".to_owned(), "updatedAt".to_owned()),
    ]);
    let mut values = HashMap::from([
        (":person".to_owned(), store::string(person)),
        (":now".to_owned(), store::string(now.to_string())),
    ]);
    if let Some(sub) = caregiver {
        sets.push("#caregiverSub = :caregiverSub".into());
        names.insert("#caregiverSub".into(), "caregiverSub".into());
        values.insert(":caregiverSub".into(), store::string(sub.as_str()));
    }
    let mut conditions = Vec::new();
    for (index, (kind, choice)) in change.channels.iter().enumerate() {
        sets.push(format!("#k{index} = :k{index}"));
        names.insert(format!("#k{index}"), kind.template().to_owned());
        values.insert(format!(":k{index}"), store::string(choice.as_str()));
        if change.only_if_email {
            conditions.push(format!(
                "(attribute_not_exists(#k{index}) OR #k{index} = :email)"
            ));
        }
    }
    let mut update = Update::builder()
        .table_name(&deps.platform.app_table)
        .set_key(Some(change.person.preferences_key(patient).attributes()))
        .update_expression(format!("SET {}", sets.join(", ")));
    if !conditions.is_empty() {
        values.insert(
            ":email".into(),
            store::string(ChannelChoice::Email.as_str()),
        );
        update = update.condition_expression(conditions.join(" AND "));
    }
    let update = update
        .set_expression_attribute_names(Some(names))
        .set_expression_attribute_values(Some(values))
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// The profile's reminder switch, turned from `was` to `now` on the existing profile, with its
/// version bumped so the profile's ETag changes with it.
fn reminder_switch_update(
    deps: &Deps,
    patient: PatientId,
    switch: ReminderSwitch,
    now: Timestamp,
) -> Result<TransactWriteItem, ApiError> {
    let update = Update::builder()
        .table_name(&deps.platform.app_table)
        .set_key(Some(keys::profile(patient).attributes()))
        .update_expression(
            "SET #communication.#reminders = :now, #version = #version + :one, #updatedAt = :at",
        )
        .condition_expression("attribute_exists(PK) AND #communication.#reminders = :was")
        .expression_attribute_names("#communication", "communication")
        .expression_attribute_names("#reminders", "appointmentReminders")
        .expression_attribute_names("#version", "version")
        .expression_attribute_names("#updatedAt", "updatedAt")
        .expression_attribute_values(":now", AttributeValue::Bool(switch.now))
        .expression_attribute_values(":was", AttributeValue::Bool(switch.was))
        .expression_attribute_values(":one", store::number(1))
        .expression_attribute_values(":at", store::string(now.to_string()))
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_email_and_a_waitlist_offer_by_text_when_a_phone_is_on_file() {
        for kind in choosable_kinds() {
            let expected = if kind == Kind::WaitlistOffer {
                ChannelChoice::Sms
            } else {
                ChannelChoice::Email
            };
            assert_eq!(channel_for(None, kind, true), expected, "{kind:?}");
            assert_eq!(channel_for(None, kind, false), ChannelChoice::Email);
        }
    }

    #[test]
    fn choices_win_but_security_notices_and_a_missing_phone_do_not_obey_them() {
        let prefs = Preferences {
            channels: BTreeMap::from([
                (Kind::NewMessage, ChannelChoice::None),
                (Kind::AppointmentReminder, ChannelChoice::Sms),
            ]),
            updated_at: None,
        };
        assert_eq!(
            channel_for(Some(&prefs), Kind::NewMessage, true),
            ChannelChoice::None
        );
        assert_eq!(
            channel_for(Some(&prefs), Kind::AppointmentReminder, true),
            ChannelChoice::Sms
        );
        assert_eq!(
            channel_for(Some(&prefs), Kind::AppointmentReminder, false),
            ChannelChoice::Email
        );
        assert_eq!(
            channel_for(Some(&prefs), Kind::PasswordReset, true),
            ChannelChoice::Email
        );
    }

    #[test]
    fn every_kind_but_the_security_notices_and_staffs_news_is_choosable() {
        let kinds: Vec<&str> = choosable_kinds().map(Kind::template).collect();
        assert_eq!(
            kinds,
            [
                "new-portal-message",
                "appointment-booked",
                "appointment-moved",
                "appointment-cancelled",
                "appointment-reminder",
                "waitlist-offer",
                "idea-status-changed",
                "suggestion-decided",
                "feedback-answered",
                "problem-report-updated",
                "announcement",
                "refill-decided",
                "education-assigned"
            ]
        );
    }

    #[test]
    fn reads_the_channels_back_from_the_item() {
        let mut item = Item::new();
        item.insert("appointment-reminder".into(), store::string("none"));
        item.insert("password-reset".into(), store::string("none"));
        item.insert("person".into(), store::string("caregiver"));
        item.insert("caregiverSub".into(), store::string("abc-123"));
        let prefs = from_item(&item);
        assert_eq!(
            prefs.channels,
            BTreeMap::from([(Kind::AppointmentReminder, ChannelChoice::None)])
        );
        assert_eq!(
            person_of(&item),
            Some(Person::Caregiver(UserSub::parse("abc-123").expect("sub")))
        );
    }
}
