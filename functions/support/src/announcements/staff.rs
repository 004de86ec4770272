//! Staff from their own account: `GET /account/announcements` (the live staff announcements
//! for any of the caller's roles, newest publication first, with whether they read it, the
//! date asked for an acknowledgement and when they gave it), `POST
//! /account/announcements/{announcementId}/read` (204; idempotent) and `POST
//! /account/announcements/{announcementId}/acknowledgement` (200 `{acknowledgedAt, late}`;
//! idempotent: a second one answers the first; it marks the announcement read too; one after
//! `acknowledgeBy` is accepted and flagged `late`; 409 `no-acknowledgement` when none is
//! asked). Any other announcement, or one not live, is 404. Audited once they succeed.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::AnnouncementId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::{Action, StaffAccess};
use serde::Serialize;

use crate::Deps;
use crate::announcements::model::{Announcement, Viewer};
use crate::announcements::repo::{AckMarker, Marked};
use crate::announcements::view::{Items, StaffItem, newest_published_first};
use crate::announcements::{
    MAX_LISTED, announcement_in_path, audit_list, audit_resource, no_content, store,
};

pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ReadAnnouncements).await?;
    let caller = call.caller();
    let viewer = Viewer::Staff {
        roles: &caller.roles,
    };
    let now = Timestamp::now();
    let store = store(deps);
    let mut found = store
        .newest(MAX_LISTED, |announcement| {
            announcement.visible_to(&viewer, now)
        })
        .await?;
    newest_published_first(&mut found);
    let ids: Vec<AnnouncementId> = found.iter().map(|a| a.announcement_id).collect();
    let asking: Vec<AnnouncementId> = found
        .iter()
        .filter(|a| a.asks_acknowledgement())
        .map(|a| a.announcement_id)
        .collect();
    let (read, acks) = futures::try_join!(
        store.read_by(&ids, &caller.sub),
        store.acknowledged_by(&asking, &caller.sub)
    )?;
    authorizer
        .record_staff_action(call, &access, &audit_list(), Outcome::Allowed)
        .await?;
    let items = found
        .iter()
        .map(|announcement| {
            let id = announcement.announcement_id;
            StaffItem::of(announcement, read.contains(&id), acks.get(&id))
        })
        .collect();
    json(StatusCode::OK, &Items { items })
}

/// The live staff announcement named in the path, for the caller's roles (404 otherwise).
async fn visible(deps: &Deps, call: &Call) -> Result<(StaffAccess, Announcement), ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ReadAnnouncements)
        .await?;
    let id = announcement_in_path(call)?;
    let announcement = store(deps).load(id).await?.ok_or(ApiError::NotFound)?;
    let viewer = Viewer::Staff {
        roles: &call.caller().roles,
    };
    if !announcement.visible_to(&viewer, Timestamp::now()) {
        return Err(ApiError::NotFound);
    }
    Ok((access, announcement))
}

pub async fn read(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, announcement) = visible(deps, call).await?;
    let id = announcement.announcement_id;
    match store(deps)
        .mark_read(id, &call.caller().sub, Timestamp::now())
        .await?
    {
        Marked::First | Marked::Already => {}
        Marked::Gone => return Err(ApiError::NotFound),
    }
    deps.platform
        .authorizer()
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    no_content()
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Acknowledged {
    acknowledged_at: Timestamp,
    late: bool,
}

pub async fn acknowledge(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let (access, announcement) = visible(deps, call).await?;
    if !announcement.asks_acknowledgement() {
        return Err(ApiError::NoAcknowledgement);
    }
    let id = announcement.announcement_id;
    let caller = call.caller();
    let store = store(deps);
    let now = Timestamp::now();
    // Acknowledging is reading too: counted once like any read.
    if store.mark_read(id, &caller.sub, now).await? == Marked::Gone {
        return Err(ApiError::NotFound);
    }
    let marker = AckMarker {
        announcement_id: id,
        sub: caller.sub.clone(),
        name: caller.display_name.clone(),
        at: now,
        late: announcement.is_late(now),
    };
    let given = match store.acknowledge(&marker).await? {
        Marked::First => marker,
        Marked::Already => store
            .acknowledged_by(&[id], &caller.sub)
            .await?
            .remove(&id)
            .ok_or_else(|| ApiError::internal("an acknowledgement vanished"))?,
        Marked::Gone => return Err(ApiError::NotFound),
    };
    deps.platform
        .authorizer()
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    json(
        StatusCode::OK,
        &Acknowledged {
            acknowledged_at: given.at,
            late: given.late,
        },
    )
}
