//! What each route shows of an announcement. The team sees everything but the publisher's
//! cursor; readers see the text, dates and their own marks, never who made it or the counts.

use portal_shared::domain::ids::AnnouncementId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::policy::caller::UserSub;
use serde::Serialize;

use crate::announcements::model::{Announcement, Audience, State};
use crate::announcements::repo::AckMarker;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub read: u64,
    pub acknowledged: u64,
}

/// `POST/GET /support/announcements*`: the announcement, its state at the time of the answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamView<'a> {
    pub announcement_id: AnnouncementId,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub audience: &'a Audience,
    pub publish_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub acknowledge_by: Option<Timestamp>,
    pub state: State,
    pub counts: Counts,
    pub sent: bool,
    pub created_by: &'a UserSub,
    pub created_at: Timestamp,
    pub version: u64,
}

impl<'a> TeamView<'a> {
    pub fn of(announcement: &'a Announcement, now: Timestamp) -> Self {
        TeamView {
            announcement_id: announcement.announcement_id,
            title: announcement.title.as_str(),
            body: announcement.body.as_str(),
            link: announcement.link.as_ref().map(|link| link.as_str()),
            audience: &announcement.audience,
            publish_at: announcement.publish_at,
            expires_at: announcement.expires_at,
            acknowledge_by: announcement.acknowledge_by,
            state: announcement.state(now),
            counts: Counts {
                read: announcement.read_count,
                acknowledged: announcement.acknowledged_count,
            },
            sent: announcement.sent,
            created_by: &announcement.created_by,
            created_at: announcement.created_at,
            version: announcement.version,
        }
    }
}

/// One item of `GET /patients/{patientId}/announcements`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientItem<'a> {
    pub announcement_id: AnnouncementId,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub publish_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    /// The caller has read it.
    pub read: bool,
}

impl<'a> PatientItem<'a> {
    pub fn of(announcement: &'a Announcement, read: bool) -> Self {
        PatientItem {
            announcement_id: announcement.announcement_id,
            title: announcement.title.as_str(),
            body: announcement.body.as_str(),
            link: announcement.link.as_ref().map(|link| link.as_str()),
            publish_at: announcement.publish_at,
            expires_at: announcement.expires_at,
            read,
        }
    }
}

/// One item of `GET /account/announcements`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffItem<'a> {
    #[serde(flatten)]
    pub item: PatientItem<'a>,
    pub acknowledge_by: Option<Timestamp>,
    /// When the caller acknowledged it (`null`: not yet, or none is asked).
    pub acknowledged_at: Option<Timestamp>,
}

impl<'a> StaffItem<'a> {
    pub fn of(announcement: &'a Announcement, read: bool, ack: Option<&AckMarker>) -> Self {
        StaffItem {
            item: PatientItem::of(announcement, read),
            acknowledge_by: announcement.acknowledge_by,
            acknowledged_at: ack.map(|marker| marker.at),
        }
    }
}

/// `{items}`, for every list.
#[derive(Debug, Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// Readers see the latest publication first (ties: the newer announcement first).
pub fn newest_published_first(announcements: &mut [Announcement]) {
    announcements.sort_by(|a, b| {
        b.publish_at
            .cmp(&a.publish_at)
            .then(b.announcement_id.cmp(&a.announcement_id))
    });
}

#[cfg(test)]
mod tests {
    use portal_shared::policy::caller::Role;
    use serde_json::json;

    use super::*;
    use crate::announcements::model::{Body, Draft, Link, Title};

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn staff_announcement() -> Announcement {
        let mut announcement = Announcement::create(
            AnnouncementId::generate(),
            Draft {
                title: Title::parse("New rota").expect("title"),
                body: Body::parse("Read it.").expect("body"),
                link: Some(Link::parse("https://intranet.example.org/rota").expect("link")),
                audience: Audience::Staff {
                    roles: vec![Role::Clinician],
                },
                publish_at: at("2025-03-10T12:00:00.000Z"),
                expires_at: None,
                acknowledge_by: Some(at("2025-03-12T12:00:00.000Z")),
            },
            UserSub::parse("lead-1").expect("sub"),
            at("2025-03-10T11:00:00.000Z"),
        );
        announcement.read_count = 3;
        announcement.acknowledged_count = 1;
        announcement.send_cursor = Some("secret-cursor".into());
        announcement
    }

    #[test]
    fn the_team_sees_state_and_counts_but_never_the_cursor() {
        let announcement = staff_announcement();
        let id = announcement.announcement_id.to_string();
        assert_eq!(
            serde_json::to_value(TeamView::of(&announcement, at("2025-03-11T00:00:00.000Z")))
                .expect("json"),
            json!({
                "announcementId": id,
                "title": "New rota",
                "body": "Read it.",
                "link": "https://intranet.example.org/rota",
                "audience": {"kind": "staff", "roles": ["clinicians"]},
                "publishAt": "2025-03-10T12:00:00.000Z",
                "expiresAt": null,
                "acknowledgeBy": "2025-03-12T12:00:00.000Z",
                "state": "published",
                "counts": {"read": 3, "acknowledged": 1},
                "sent": false,
                "createdBy": "lead-1",
                "createdAt": "2025-03-10T11:00:00.000Z",
                "version": 1
            })
        );
    }

    #[test]
    fn readers_see_the_text_dates_and_their_own_marks_only() {
        let announcement = staff_announcement();
        let id = announcement.announcement_id.to_string();
        let marker = AckMarker {
            announcement_id: announcement.announcement_id,
            sub: UserSub::parse("clin-1").expect("sub"),
            name: None,
            at: at("2025-03-11T09:00:00.000Z"),
            late: false,
        };
        assert_eq!(
            serde_json::to_value(StaffItem::of(&announcement, true, Some(&marker))).expect("json"),
            json!({
                "announcementId": id,
                "title": "New rota",
                "body": "Read it.",
                "link": "https://intranet.example.org/rota",
                "publishAt": "2025-03-10T12:00:00.000Z",
                "expiresAt": null,
                "read": true,
                "acknowledgeBy": "2025-03-12T12:00:00.000Z",
                "acknowledgedAt": "2025-03-11T09:00:00.000Z"
            })
        );
        let patient = serde_json::to_value(PatientItem::of(&announcement, false)).expect("json");
        assert_eq!(patient["read"], false);
        let text = patient.to_string();
        for hidden in [
            "lead-1",
            "counts",
            "secret-cursor",
            "audience",
            "acknowledge",
        ] {
            assert!(!text.contains(hidden), "{hidden} in {text}");
        }
    }
}
