//! `POST /patients/{patientId}/feedback/ratings`: a patient rates a feature
//! (`{feature, rating, comment?, prompted?}`) → 201 Feedback. Idempotency-Key accepted.
//!
//! The rating keeps the patient's cohorts and the feature's switch state as they are now, and
//! adds 1 to `count` and the rating to `sum` of the day's totals (the practice's date) for
//! each of those cohorts and for `all`, in the rating's own transaction: the averages never
//! disagree with the ratings.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, StoredResponse};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::ratings::model::MAX_TEXT_CHARS;
use crate::ratings::repo::Rated;
pub use crate::ratings::writes::ALL;
use crate::ratings::writes::{self, rating_writes};
use crate::ratings::{feature_named, feedback_resource, store};

/// The ratings' range.
pub const RATINGS: std::ops::RangeInclusive<i64> = 1..=5;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewRating {
    feature: String,
    rating: i64,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    prompted: Option<bool>,
}

struct Valid {
    feature: portal_shared::features::switches::Feature,
    rating: u8,
    comment: Option<String>,
    prompted: bool,
}

fn validate(request: NewRating) -> Result<Valid, ApiError> {
    let mut errors = FieldErrors::new();
    let feature = errors.check("feature", feature_named(&request.feature));
    let rating = errors.check(
        "rating",
        u8::try_from(request.rating)
            .ok()
            .filter(|_| RATINGS.contains(&request.rating))
            .ok_or_else(|| "must be a whole number from 1 to 5".to_owned()),
    );
    let comment = match &request.comment {
        None => None,
        Some(raw) => errors.check("comment", plain_text(raw, MAX_TEXT_CHARS, true)),
    };
    errors.finish()?;
    match (feature, rating) {
        (Some(feature), Some(rating)) => Ok(Valid {
            feature,
            rating,
            comment,
            prompted: request.prompted.unwrap_or(false),
        }),
        _ => Err(ApiError::internal("validated fields are missing")),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::GiveFeedback, feedback_resource())
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    let valid = validate(call.json_body()?)?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }

    let patient = access.patient();
    let (feedback, mut items) = rating_writes(
        &deps.platform,
        deps.practice_zone.as_ref(),
        &access,
        call.caller(),
        writes::NewRating {
            feature: valid.feature,
            rating: valid.rating,
            comment: valid.comment,
            prompted: valid.prompted,
        },
        Timestamp::now(),
    )
    .await?;
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&feedback).map_err(ApiError::internal)?,
        location: None,
        etag: None,
        patient_id: Some(patient),
    };
    let record_index = items.len();
    if let Some(idempotency) = &idempotency {
        items.push(idempotency.record(table, &response)?);
    }
    match store(deps).record_rating(&access, items).await? {
        Rated::Recorded => response.render(false),
        Rated::Refused(failed) => {
            // A concurrent request with the same key won: its response.
            if let Some(idempotency) = &idempotency
                && let Some(first) = idempotency
                    .race_winner(dynamo, table, &failed, record_index)
                    .await?
            {
                return first.render(true);
            }
            Err(ApiError::internal(
                "a new rating collided with an existing item",
            ))
        }
    }
}
