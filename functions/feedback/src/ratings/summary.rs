//! `GET /feedback/ratings?from=YYYY-MM-DD&to=YYYY-MM-DD&feature=&cohort=`: the average rating
//! per feature, cohort and day → `{items: [{feature, cohort, day, count, average}]}` (average
//! to two decimals; only days with ratings; by feature, then day).
//!
//! Days are the practice's dates (`PRACTICE_TIME_ZONE`, else UTC's), as the ratings were
//! summed by; the range is at most 92 days, the last 30 by default, and ends today at the
//! latest. `feature`: one feature (default every one); `cohort`: a cohort's name or `all`
//! (the default: every rating). One Query per feature of `FEEDBACK_STATS#<feature>`, sort key
//! between `<cohort>#<from>` and `<cohort>#<to>`.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::features::sign_ins;
use portal_shared::features::switches::Feature;
use portal_shared::platform::day_range::{self, DayRange, RangeRule};
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::Action;
use serde::Serialize;
use time::Date;

use crate::Deps;
use crate::ratings::model::SummaryRow;
use crate::ratings::rate::ALL;
use crate::ratings::{feature_named, store};

/// The longest range, in days (both ends included): a quarter.
pub const MAX_DAYS: i64 = 92;
/// The range when none is asked for, ending today.
pub const DEFAULT_DAYS: i64 = 30;
const RANGE: RangeRule = RangeRule {
    default_days: DEFAULT_DAYS,
    max_days: MAX_DAYS,
};

#[derive(Serialize)]
struct Items {
    items: Vec<SummaryRow>,
}

struct Asked {
    range: DayRange,
    features: Vec<Feature>,
    cohort: String,
}

/// What was asked for (422 naming `from`, `to`, `feature` or `cohort`).
fn asked(call: &Call, today: Date) -> Result<Asked, ApiError> {
    let mut errors = FieldErrors::new();
    let range = DayRange::from_query(|name| call.query(name), RANGE, today, &mut errors);
    let features = match call.query("feature") {
        None => Some(Feature::ALL.to_vec()),
        Some(raw) => errors
            .check("feature", feature_named(&raw))
            .map(|feature| vec![feature]),
    };
    let cohort = match call.query("cohort") {
        None => Some(ALL.to_owned()),
        Some(raw) if raw == ALL => Some(raw),
        Some(raw) => errors.check(
            "cohort",
            CohortName::parse(&raw)
                .map(String::from)
                .map_err(|message| format!("must be `all` or a cohort's name: {message}")),
        ),
    };
    errors.finish()?;
    match (range, features, cohort) {
        (Some(range), Some(features), Some(cohort)) => Ok(Asked {
            range,
            features,
            cohort,
        }),
        _ => Err(ApiError::internal("validated parameters are missing")),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ReadFeedbackSummary)
        .await?;
    let today = day_range::parse(&sign_ins::day_of(
        deps.practice_zone.as_ref(),
        Timestamp::now(),
    ))
    .ok_or_else(|| ApiError::internal("today is not a date"))?;
    let asked = asked(call, today)?;
    let (from, to) = (
        day_range::text(asked.range.from),
        day_range::text(asked.range.to),
    );
    let ratings = store(deps);
    let read = futures::future::try_join_all(
        asked
            .features
            .iter()
            .map(|feature| ratings.stats(&access, *feature, &asked.cohort, &from, &to)),
    )
    .await?;
    let items = read.into_iter().flatten().map(SummaryRow::from).collect();
    json(StatusCode::OK, &Items { items })
}
