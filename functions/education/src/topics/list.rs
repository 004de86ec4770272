//! `GET /staff/education/topics` (`ReadEducationLibrary`: clinicians, admins) → 200 `{items:
//! [Topic]}`: every topic of the library by (English) title, retired ones too, each with its `helpful`
//! tally (`{yes, no}`).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::library::{self, topic::Topic};

#[derive(Serialize)]
struct Page {
    items: Vec<Topic>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadEducationLibrary)
        .await?;
    let store = library::store(deps);
    let (library, tallies) = futures::try_join!(library::load(deps), store.tallies())?;
    let mut items: Vec<Topic> = library
        .into_all()
        .into_iter()
        .map(|mut topic| {
            topic.helpful = Some(
                tallies
                    .get(topic.topic_id.as_str())
                    .copied()
                    .unwrap_or_default(),
            );
            topic
        })
        .collect();
    items.sort_by_cached_key(|topic| {
        (
            topic.content.en.title.to_lowercase(),
            topic.topic_id.clone(),
        )
    });
    json(StatusCode::OK, &Page { items })
}
