//! `PUT /feedback/ideas/{ideaId}`: the portal lead replaces an idea (`{title, description,
//! benefit, feature?, status, declineReason?}`) under If-Match (428 without, 412 when stale).
//! `declineReason` goes with `declined` and only with it; the status may move between any two
//! statuses. The idea is saved first; then, if its status changed, everyone who supported it
//! is told (`tell`), and the answer says how many (`told`).
//!
//! A save that changes nothing writes nothing (the version stays). Either kind of save also
//! finishes telling of the current status if an earlier fan-out was cut short, so sending the
//! idea again unchanged is how a failed fan-out is completed; nobody is told twice.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::idea_status::IdeaStatus;
use portal_shared::features::switches::Feature;
use portal_shared::platform::etag::required_if_match;
use portal_shared::platform::http::Call;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::platform::write::LostWrite;
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::catalogue::idea::Idea;
use crate::ideas::{audit_resource, fields, idea_in_path, idea_response, store, tell};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct IdeaUpdate {
    title: String,
    description: String,
    benefit: String,
    /// Left out: the idea is linked to no feature.
    #[serde(default)]
    feature: Option<Feature>,
    status: IdeaStatus,
    #[serde(default)]
    decline_reason: Option<String>,
}

/// What the update answers: the idea as it now is, and how many people were told.
#[derive(Serialize)]
struct Updated<'a> {
    #[serde(flatten)]
    idea: &'a Idea,
    told: usize,
}

/// What a valid update sets.
struct Wanted {
    title: String,
    description: String,
    benefit: String,
    feature: Option<Feature>,
    status: IdeaStatus,
    decline_reason: Option<String>,
}

impl IdeaUpdate {
    fn checked(self) -> Result<Wanted, ApiError> {
        let mut errors = FieldErrors::new();
        let title = fields::title(&mut errors, &self.title);
        let description = fields::description(&mut errors, &self.description);
        let benefit = fields::benefit(&mut errors, &self.benefit);
        let decline_reason = fields::reason_iff_declined(
            &mut errors,
            "declineReason",
            self.decline_reason.as_deref(),
            self.status == IdeaStatus::Declined,
        );
        errors.finish()?;
        match (title, description, benefit) {
            (Some(title), Some(description), Some(benefit)) => Ok(Wanted {
                title,
                description,
                benefit,
                feature: self.feature,
                status: self.status,
                decline_reason,
            }),
            _ => Err(ApiError::internal("validated fields missing")),
        }
    }
}

impl Wanted {
    fn is_already(&self, idea: &Idea) -> bool {
        self.title == idea.title
            && self.description == idea.description
            && self.benefit == idea.benefit
            && self.feature == idea.feature
            && self.status == idea.status
            && self.decline_reason == idea.decline_reason
    }

    fn applied_to(self, idea: &Idea, now: Timestamp) -> Idea {
        Idea {
            idea_id: idea.idea_id,
            title: self.title,
            description: self.description,
            benefit: self.benefit,
            status: self.status,
            decline_reason: self.decline_reason,
            feature: self.feature,
            suggestion_id: idea.suggestion_id,
            created_at: idea.created_at,
            created_by: idea.created_by.clone(),
            updated_at: now,
            version: idea.version + 1,
        }
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageIdeas).await?;
    let id = idea_in_path(call)?;
    let expected = required_if_match(call)?;
    let wanted = call.json_body::<IdeaUpdate>()?.checked()?;
    let store = store(deps);
    let (current, telling) = store.load(&access, id).await?.ok_or(ApiError::NotFound)?;
    if expected.0 != current.version {
        return Err(ApiError::PreconditionFailed);
    }

    if wanted.is_already(&current) {
        let told = match telling.unfinished() {
            Some(status_version) => tell::close_the_loop(deps, &current, status_version).await?,
            None => 0,
        };
        let body = Updated {
            idea: &current,
            told,
        };
        return idea_response(StatusCode::OK, &current, &body);
    }

    let status_changed = wanted.status != current.status;
    let idea = wanted.applied_to(&current, Timestamp::now());
    let status_version = if status_changed {
        Some(idea.version)
    } else {
        telling.status_version
    };
    match store
        .save(&access, current.version, &idea, status_version)
        .await?
    {
        Ok(()) => {}
        Err(LostWrite::Changed | LostWrite::Contention) => {
            return Err(ApiError::PreconditionFailed);
        }
    }
    authorizer
        .record_staff_action(call, &access, &audit_resource(id), Outcome::Allowed)
        .await?;
    // The idea's own change stands; now its news (or what was left of an earlier one).
    let unfinished = if status_changed {
        status_version
    } else {
        telling.unfinished()
    };
    let told = match unfinished {
        Some(status_version) => tell::close_the_loop(deps, &idea, status_version).await?,
        None => 0,
    };
    idea_response(StatusCode::OK, &idea, &Updated { idea: &idea, told })
}
