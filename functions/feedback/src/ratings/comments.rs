//! `GET /feedback/comments?feature=&cursor=&limit=`: patients' comments, newest first →
//! `{items: [{feedbackId, patientId, feature, rating, comment, cohorts, switchState, at,
//! answer?}], nextCursor}`. Every feature's by default, or the one asked for (422 `feature`
//! for a name that is no feature). Read from each feature's ratings on GSI1, only those with
//! a comment, merged newest first; the cursor is the last listed rating's sort key
//! (`<at>#<feedbackId>`), so each page starts just after it in every feature.
//!
//! Patients' own words: each comment listed is audited as an access to its patient's data
//! (`record_staff_access`, resource `feedback/<feedbackId>`), before the page is answered.

use std::collections::HashMap;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::switches::Feature;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::keys::GSI1SK;
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::store::string;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::ratings::model::CommentView;
use crate::ratings::{feature_named, rating_resource, store};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ReadFeedbackComments).await?;
    let asked = call
        .query("feature")
        .map(|raw| feature_named(&raw))
        .transpose()
        .map_err(|message| ApiError::invalid("feature", message))?;
    let (features, scope) = match asked {
        Some(feature) => (vec![feature], format!("feedback-comments:{feature}")),
        None => (Feature::ALL.to_vec(), "feedback-comments:all".to_owned()),
    };
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, scope, cursor_key).await?;
    let before = match &page.start_after {
        None => None,
        Some(position) => Some(
            position
                .get(GSI1SK)
                .and_then(|value| value.as_s().ok())
                .cloned()
                .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor from this list"))?,
        ),
    };
    let (found, next) = store(deps)
        .comments(&access, &features, before.as_deref(), page.limit)
        .await?;
    let reached: Vec<_> = found
        .iter()
        .map(|feedback| {
            (
                feedback.patient_id,
                rating_resource(&feedback.feedback_id.to_string()),
            )
        })
        .collect();
    authorizer
        .record_staff_access(call, &access, &reached)
        .await?;
    let items: Vec<CommentView> = found.iter().filter_map(CommentView::of).collect();
    let last = next.map(|sort_key| HashMap::from([(GSI1SK.to_owned(), string(sort_key))]));
    json(StatusCode::OK, &page.page(items, last, cursor_key).await?)
}
