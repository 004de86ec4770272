//! `GET /support/announcements`: the practice's announcements for the team, newest first, at
//! most [`MAX_LISTED`], each with its state and counts. Not paged: a practice announces a few a
//! month, so the newest hundred reach back years.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::announcements::view::{Items, TeamView};
use crate::announcements::{MAX_LISTED, audit_list, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageAnnouncements).await?;
    let announcements = store(deps).newest(MAX_LISTED, |_| true).await?;
    authorizer
        .record_staff_action(call, &access, &audit_list(), Outcome::Allowed)
        .await?;
    let now = Timestamp::now();
    let items = announcements
        .iter()
        .map(|announcement| TeamView::of(announcement, now))
        .collect();
    json(StatusCode::OK, &Items { items })
}
