//! `POST /support/announcements/{announcementId}/expire`: the team ends an announcement now
//! (200 with it and its new ETag). Idempotent: one that has ended already stays as it was (its
//! end is not moved). No If-Match: ending is the same whatever changed; the write is still
//! conditioned on the version it read, and decided again on a fresh read when it lost.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::write::{CONTENTION_ATTEMPTS, LostWrite};
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::announcements::{announcement_in_path, audit_resource, store, team_response};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageAnnouncements).await?;
    let id = announcement_in_path(call)?;
    let store = store(deps);
    let mut ended = None;
    for _ in 0..CONTENTION_ATTEMPTS {
        let current = store.load(id).await?.ok_or(ApiError::NotFound)?;
        let now = Timestamp::now();
        let Some(next) = current.expired_at(now) else {
            ended = Some((current, now));
            break;
        };
        match store.expire(&current, &next).await? {
            Ok(()) => {
                ended = Some((next, now));
                break;
            }
            // Changed under us (another expire): read again and decide again.
            Err(LostWrite::Changed | LostWrite::Contention) => continue,
        }
    }
    let (announcement, now) = ended.ok_or_else(|| {
        ApiError::Unavailable("the announcement kept changing while it was ended".into())
    })?;
    authorizer
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    team_response(StatusCode::OK, &announcement, now)
}
