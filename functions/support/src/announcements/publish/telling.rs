//! Telling one recipient of an announcement, exactly once: one transaction whose first write
//! is the recipient's marker (`keys::announcement_sent`, created only if absent) and whose
//! second is the outbox record for the notifications' sender (as `feedback`'s ideas do). A
//! failed condition on the marker means that person was told already: nothing is written.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::TransactWriteItem;
use portal_shared::ApiError;
use portal_shared::domain::ids::AnnouncementId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{AboutAnnouncement, Kind, Notification, Recipient};
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Transacted};
use portal_shared::platform::write::transact_retrying;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::announcements::model::Announcement;

/// An unsent outbox record is useless after this (or after the announcement ends, if sooner);
/// TTL removes it. The announcement itself stays in the readers' what's new.
const KEEP_FOR: Duration = Duration::from_secs(14 * 24 * 60 * 60);

/// What one recipient's transaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    Told,
    /// The recipient had been told of this announcement already: nothing was written.
    AlreadyTold,
}

/// The recipient's stable name in its marker: `patient:<id>`, `account:<sub>` (a staff
/// member or a caregiver's account), `address:<sha256 of the address>` (no address is kept in
/// the marker). `None` for recipients the publisher never names (teams, invitees).
pub fn recipient_key(recipient: &Recipient) -> Option<String> {
    match recipient {
        Recipient::Patient { patient_id } => Some(format!("patient:{patient_id}")),
        Recipient::StaffMember { sub } | Recipient::Account { sub, .. } => {
            Some(format!("account:{sub}"))
        }
        Recipient::Address { email, .. } => Some(format!(
            "address:{}",
            hex::encode(Sha256::digest(email.as_str().to_lowercase().as_bytes()))
        )),
        Recipient::StaffTeam { .. } | Recipient::Invitee { .. } => None,
    }
}

/// Until when the outbox record is worth sending: [`KEEP_FOR`], or the announcement's end if
/// that comes first.
pub fn keep_until(announcement: &Announcement, now: Timestamp) -> Timestamp {
    let kept = now.plus(KEEP_FOR);
    match announcement.expires_at {
        Some(end) if end < kept => end,
        _ => kept,
    }
}

/// What the marker holds (ids and times only).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SentMarker {
    announcement_id: AnnouncementId,
    at: Timestamp,
}

/// One recipient's writes: the marker first (its condition is the one that may fail), then
/// the outbox record. `key` is [`recipient_key`] of `recipient`.
pub fn telling(
    table: &str,
    announcement: &Announcement,
    recipient: Recipient,
    key: &str,
    now: Timestamp,
) -> Result<Vec<TransactWriteItem>, ApiError> {
    let id = announcement.announcement_id;
    let marker = SentMarker {
        announcement_id: id,
        at: now,
    };
    let about = AboutAnnouncement {
        announcement_id: id,
        title: announcement.title.as_str().to_owned(),
        body: announcement.body.as_str().to_owned(),
        link: announcement
            .link
            .as_ref()
            .map(|link| link.as_str().to_owned()),
    };
    let record = Notification::pending(
        Kind::Announcement,
        recipient,
        about,
        now,
        keep_until(announcement, now),
    );
    Ok(vec![
        store::create_put(table, &keys::announcement_sent(id, key), &marker)?,
        record.put(table)?,
    ])
}

/// Runs one recipient's transaction (retried while it loses to contention).
pub async fn tell(dynamo: &Client, items: Vec<TransactWriteItem>) -> Result<Told, ApiError> {
    match transact_retrying(dynamo, items).await? {
        Transacted::Done => Ok(Told::Told),
        Transacted::ConditionsFailed(failed) if failed == [0] => Ok(Told::AlreadyTold),
        Transacted::ConditionsFailed(_) => Err(ApiError::internal(
            "a new outbox record collided with an existing item",
        )),
        Transacted::Contention => Err(ApiError::Unavailable(
            "telling an announcement's audience kept colliding with other writes".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use portal_shared::domain::ids::PatientId;
    use portal_shared::domain::person::Email;
    use portal_shared::policy::caller::UserSub;

    use super::*;
    use crate::announcements::model::{Audience, Body, Draft, Link, Title};

    fn sub(raw: &str) -> UserSub {
        UserSub::parse(raw).expect("sub")
    }

    fn announcement(expires_at: Option<Timestamp>) -> Announcement {
        let at = Timestamp::parse("2027-03-01T09:00:00Z").expect("at");
        Announcement::create(
            AnnouncementId::generate(),
            Draft {
                title: Title::parse("Online check-in").expect("title"),
                body: Body::parse("From Monday.\nAsk us.").expect("body"),
                link: Some(Link::parse("https://practice.example/news").expect("link")),
                audience: Audience::Patients,
                publish_at: at,
                expires_at,
                acknowledge_by: None,
            },
            sub("lead-1"),
            at,
        )
    }

    #[test]
    fn each_recipient_has_one_stable_key_and_no_address_in_it() {
        let patient = PatientId::generate();
        assert_eq!(
            recipient_key(&Recipient::Patient {
                patient_id: patient
            }),
            Some(format!("patient:{patient}"))
        );
        // A staff member and the same person's caregiver account are one account.
        let staff = recipient_key(&Recipient::StaffMember { sub: sub("abc-1") });
        let account = recipient_key(&Recipient::Account {
            sub: sub("abc-1"),
            email: Email::parse("carer@example.org").expect("email"),
            language: None,
        });
        assert_eq!(staff.as_deref(), Some("account:abc-1"));
        assert_eq!(staff, account);
        let address = |raw: &str| {
            recipient_key(&Recipient::Address {
                email: Email::parse(raw).expect("email"),
                language: None,
            })
            .expect("key")
        };
        let office = address("Office@Other-Practice.example");
        assert!(office.starts_with("address:") && office.len() == "address:".len() + 64);
        assert!(!office.contains("practice"));
        // Written differently, the same address.
        assert_eq!(office, address("office@other-practice.example"));
        assert_ne!(office, address("desk@other-practice.example"));
        // The publisher never tells a team or an invitee.
        assert_eq!(
            recipient_key(&Recipient::StaffTeam {
                group: "clinicians".into()
            }),
            None
        );
    }

    #[test]
    fn the_marker_comes_first_and_the_record_carries_the_words() {
        let news = announcement(None);
        let now = Timestamp::parse("2027-03-01T09:05:00Z").expect("now");
        let recipient = Recipient::StaffMember { sub: sub("abc-1") };
        let key = recipient_key(&recipient).expect("key");
        let items = telling("app", &news, recipient, &key, now).expect("items");
        assert_eq!(items.len(), 2);
        let put = |n: usize| items[n].put().expect("a put").clone();
        let marker = put(0);
        assert_eq!(
            marker.condition_expression(),
            Some("attribute_not_exists(PK)")
        );
        let pk = marker.item().get("PK").and_then(|v| v.as_s().ok()).cloned();
        let sk = marker.item().get("SK").and_then(|v| v.as_s().ok()).cloned();
        let expected = keys::announcement_sent(news.announcement_id, "account:abc-1");
        assert_eq!((pk, sk), (Some(expected.pk), Some(expected.sk)));
        let record = put(1);
        let s = |name: &str| record.item().get(name).and_then(|v| v.as_s().ok()).cloned();
        assert_eq!(s("template").as_deref(), Some("announcement"));
        assert_eq!(s("title").as_deref(), Some("Online check-in"));
        assert_eq!(s("body").as_deref(), Some("From Monday.\nAsk us."));
        assert_eq!(s("link").as_deref(), Some("https://practice.example/news"));
        assert_eq!(s("status").as_deref(), Some("pending"));
        assert!(s("PK").is_some_and(|pk| pk.starts_with("NOTIFICATIONS#")));
    }

    #[test]
    fn a_record_is_kept_two_weeks_or_until_the_announcement_ends() {
        let now = Timestamp::parse("2027-03-01T09:05:00Z").expect("now");
        assert_eq!(keep_until(&announcement(None), now), now.plus(KEEP_FOR));
        let soon = Timestamp::parse("2027-03-02T00:00:00Z").expect("end");
        assert_eq!(keep_until(&announcement(Some(soon)), now), soon);
        let late = Timestamp::parse("2027-06-01T00:00:00Z").expect("end");
        assert_eq!(
            keep_until(&announcement(Some(late)), now),
            now.plus(KEEP_FOR)
        );
    }
}
