//! `GET /support/announcements/{announcementId}/acknowledgements`: who of a staff audience
//! acknowledged and who has not: `{required, acknowledgeBy, acknowledged: [{sub, name, at,
//! late}], notAcknowledged: [{sub, name, email}], overdue}`. The staff of the audience's roles
//! are read from the user pool (each role's group, enabled accounts only, once each); anyone
//! who acknowledged stays listed even after leaving those roles. An announcement that asks no
//! acknowledgement (every non-staff one) answers `required: false` and empty lists.

use std::collections::{BTreeMap, HashSet};

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::directory::{UserAccount, UserDirectory};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::announcements::model::{Announcement, Audience};
use crate::announcements::repo::AckMarker;
use crate::announcements::{announcement_in_path, audit_resource, store};

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Acknowledgements {
    required: bool,
    acknowledge_by: Option<Timestamp>,
    acknowledged: Vec<AcknowledgedBy>,
    not_acknowledged: Vec<Outstanding>,
    /// `acknowledgeBy` has passed and someone has still not acknowledged.
    overdue: bool,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct AcknowledgedBy {
    sub: String,
    name: Option<String>,
    at: Timestamp,
    late: bool,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Outstanding {
    sub: String,
    name: Option<String>,
    email: String,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageAnnouncements).await?;
    let id = announcement_in_path(call)?;
    let store = store(deps);
    let announcement = store.load(id).await?.ok_or(ApiError::NotFound)?;
    let answer = match (&announcement.audience, announcement.asks_acknowledgement()) {
        (Audience::Staff { roles }, true) => {
            let directory = UserDirectory {
                cognito: &deps.cognito,
                pool_id: &deps.user_pool_id,
            };
            let groups = roles
                .iter()
                .map(|role| directory.group_members(role.group()));
            let (members, markers) = futures::try_join!(
                futures::future::try_join_all(groups),
                store.acknowledgements(id)
            )?;
            tally(
                &announcement,
                markers,
                members.into_iter().flatten().collect(),
                Timestamp::now(),
            )
        }
        _ => Acknowledgements {
            required: false,
            acknowledge_by: None,
            acknowledged: Vec::new(),
            not_acknowledged: Vec::new(),
            overdue: false,
        },
    };
    authorizer
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    json(StatusCode::OK, &answer)
}

/// Who acknowledged (oldest first) and which enabled members of the roles did not (by name,
/// then address), at `now`.
fn tally(
    announcement: &Announcement,
    markers: Vec<AckMarker>,
    members: Vec<UserAccount>,
    now: Timestamp,
) -> Acknowledgements {
    // One entry per account, whichever roles' groups it is in.
    let members: BTreeMap<String, UserAccount> = members
        .into_iter()
        .filter(|member| member.enabled)
        .map(|member| (member.sub.clone(), member))
        .collect();
    let acked: HashSet<&str> = markers.iter().map(|marker| marker.sub.as_str()).collect();
    let mut not_acknowledged: Vec<Outstanding> = members
        .values()
        .filter(|member| !acked.contains(member.sub.as_str()))
        .map(|member| Outstanding {
            sub: member.sub.clone(),
            name: member.display_name(),
            email: member.email.clone(),
        })
        .collect();
    not_acknowledged.sort_by(|a, b| {
        (a.name.is_none(), &a.name, &a.email).cmp(&(b.name.is_none(), &b.name, &b.email))
    });
    let mut acknowledged: Vec<AcknowledgedBy> = markers
        .iter()
        .map(|marker| AcknowledgedBy {
            sub: marker.sub.as_str().to_owned(),
            // The account's name now, else the one it had when it acknowledged.
            name: members
                .get(marker.sub.as_str())
                .and_then(UserAccount::display_name)
                .or_else(|| marker.name.clone()),
            at: marker.at,
            late: marker.late,
        })
        .collect();
    acknowledged.sort_by(|a, b| (a.at, &a.sub).cmp(&(b.at, &b.sub)));
    let overdue =
        announcement.acknowledge_by.is_some_and(|by| now > by) && !not_acknowledged.is_empty();
    Acknowledgements {
        required: true,
        acknowledge_by: announcement.acknowledge_by,
        acknowledged,
        not_acknowledged,
        overdue,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use portal_shared::domain::ids::AnnouncementId;
    use portal_shared::policy::caller::{Role, UserSub};
    use serde_json::json;

    use super::*;
    use crate::announcements::model::{Body, Draft, Title};

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn member(sub: &str, given: &str, enabled: bool) -> UserAccount {
        UserAccount {
            sub: sub.into(),
            email: format!("{sub}@practice.example.org"),
            given_name: given.into(),
            family_name: "Doe".into(),
            enabled,
            user_status: None,
            groups: BTreeSet::new(),
            has_patient_id: false,
            created_at: None,
            mfa_enrolled: true,
        }
    }

    fn ack(announcement: &Announcement, sub: &str, when: &str, late: bool) -> AckMarker {
        AckMarker {
            announcement_id: announcement.announcement_id,
            sub: UserSub::parse(sub).expect("sub"),
            name: Some("Old Name".into()),
            at: at(when),
            late,
        }
    }

    #[test]
    fn members_are_counted_once_disabled_ones_not_at_all_and_leavers_stay_acknowledged() {
        let announcement = Announcement::create(
            AnnouncementId::generate(),
            Draft {
                title: Title::parse("New rota").expect("title"),
                body: Body::parse("Read it.").expect("body"),
                link: None,
                audience: Audience::Staff {
                    roles: vec![Role::Clinician, Role::FrontDesk],
                },
                publish_at: at("2025-03-01T09:00:00.000Z"),
                expires_at: None,
                acknowledge_by: Some(at("2025-03-05T17:00:00.000Z")),
            },
            UserSub::parse("lead-1").expect("sub"),
            at("2025-03-01T09:00:00.000Z"),
        );
        let members = vec![
            member("ann", "Ann", true),
            member("bob", "Bob", true),
            // In both groups: listed once.
            member("bob", "Bob", true),
            member("cat", "Cat", false),
            member("dan", "Dan", true),
        ];
        let markers = vec![
            ack(&announcement, "dan", "2025-03-06T10:00:00.000Z", true),
            ack(&announcement, "ann", "2025-03-02T10:00:00.000Z", false),
            ack(&announcement, "eve", "2025-03-03T10:00:00.000Z", false),
        ];
        let before = tally(
            &announcement,
            markers.clone(),
            members.clone(),
            at("2025-03-05T16:00:00.000Z"),
        );
        assert!(!before.overdue);
        let after = tally(
            &announcement,
            markers,
            members,
            at("2025-03-07T09:00:00.000Z"),
        );
        assert_eq!(
            serde_json::to_value(&after).expect("json"),
            json!({
                "required": true,
                "acknowledgeBy": "2025-03-05T17:00:00.000Z",
                "acknowledged": [
                    {"sub": "ann", "name": "Ann Doe", "at": "2025-03-02T10:00:00.000Z", "late": false},
                    {"sub": "eve", "name": "Old Name", "at": "2025-03-03T10:00:00.000Z", "late": false},
                    {"sub": "dan", "name": "Dan Doe", "at": "2025-03-06T10:00:00.000Z", "late": true}
                ],
                "notAcknowledged": [
                    {"sub": "bob", "name": "Bob Doe", "email": "bob@practice.example.org"}
                ],
                "overdue": true
            })
        );
    }
}
