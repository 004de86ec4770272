//! `POST /feedback/ideas`: the portal lead adds an idea (`{title, description, benefit,
//! feature?}`), `proposed` at version 1 (Idempotency-Key; 201 with Location and ETag).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::IdeaId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::idea_status::IdeaStatus;
use portal_shared::features::switches::Feature;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::catalogue::idea::Idea;
use crate::ideas::{audit_resource, fields, idea_link, store};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewIdea {
    title: String,
    description: String,
    benefit: String,
    #[serde(default)]
    feature: Option<Feature>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageIdeas).await?;
    let idempotency = Idempotency::from_call(call)?;
    let request: NewIdea = call.json_body()?;
    let mut errors = FieldErrors::new();
    let title = fields::title(&mut errors, &request.title);
    let description = fields::description(&mut errors, &request.description);
    let benefit = fields::benefit(&mut errors, &request.benefit);
    errors.finish()?;
    let (Some(title), Some(description), Some(benefit)) = (title, description, benefit) else {
        return Err(ApiError::internal("validated fields missing"));
    };
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }

    let now = Timestamp::now();
    let idea = Idea {
        idea_id: IdeaId::generate(),
        title,
        description,
        benefit,
        status: IdeaStatus::Proposed,
        decline_reason: None,
        feature: request.feature,
        suggestion_id: None,
        created_at: now,
        created_by: call.caller().sub.clone(),
        updated_at: now,
        version: Version::FIRST.0,
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&idea).map_err(ApiError::internal)?,
        location: Some(idea_link(call, idea.idea_id)),
        etag: Some(Version(idea.version).etag()),
        patient_id: None,
    };
    let writes = vec![store(deps).idea_creation(&idea)?];
    let created = match create_once(dynamo, table, idempotency.as_ref(), writes, response).await? {
        Outcome::Created(response) => response,
        Outcome::Replayed(first) => return first.render(true),
    };
    authorizer
        .record_staff_action(
            call,
            &access,
            &audit_resource(idea.idea_id),
            audit::Outcome::Allowed,
        )
        .await?;
    created.render(false)
}
