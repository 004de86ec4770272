//! `GET /rollout/adoption?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]`: the adoption report of a
//! range of the practice's days (at most 92; the last 30 by default), as JSON or CSV.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::sign_ins;
use portal_shared::platform::day_range::{self, DayRange, RangeRule};
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::Action;
use serde::Serialize;
use time::{Date, Duration};

use crate::Deps;
use crate::adoption::repo::read_days;
use crate::adoption::report::{self, Row};

/// The longest range, in days (both ends included): a quarter.
pub const MAX_DAYS: i64 = 92;
/// The range when none is asked for, ending today.
pub const DEFAULT_DAYS: i64 = 30;
const RANGE: RangeRule = RangeRule {
    default_days: DEFAULT_DAYS,
    max_days: MAX_DAYS,
};
/// The longest window a figure looks back over (`signedIn30d`).
const WINDOW_DAYS: i64 = 30;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    from: &'a str,
    to: &'a str,
    /// The zone whose dates the days are.
    time_zone: &'a str,
    rows: Vec<Row>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// The range asked for (422 naming `from`, `to` or `format`), and the answer's format.
fn asked(call: &Call, today: Date) -> Result<(DayRange, Format), ApiError> {
    let mut errors = FieldErrors::new();
    let range = DayRange::from_query(|name| call.query(name), RANGE, today, &mut errors);
    let format = match call.query("format").as_deref() {
        None => {
            let accept = call
                .header("accept")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if accept.contains("text/csv") {
                Format::Csv
            } else {
                Format::Json
            }
        }
        Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some(_) => {
            errors.add("format", "must be json or csv");
            Format::Json
        }
    };
    errors.finish()?;
    let range = range.ok_or_else(|| ApiError::internal("validated range is missing"))?;
    Ok((range, format))
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ReadAdoption)
        .await?;
    let zone = deps.practice_zone.as_ref();
    let today = day_range::parse(&sign_ins::day_of(zone, Timestamp::now()))
        .ok_or_else(|| ApiError::internal("today is not a date"))?;
    let (asked, format) = asked(call, today)?;
    let calendar = DayRange {
        from: asked.from - Duration::days(WINDOW_DAYS - 1),
        to: asked.to,
    }
    .days();
    let range = asked.days();
    let read = read_days(deps, &access, &calendar).await?;
    let rows = report::rows(&range, &calendar, &read);
    let (from, to) = (day_range::text(asked.from), day_range::text(asked.to));
    match format {
        Format::Json => json(
            StatusCode::OK,
            &Report {
                from: &from,
                to: &to,
                time_zone: zone.map_or("UTC", |zone| zone.name.as_str()),
                rows,
            },
        ),
        Format::Csv => Response::builder()
            .status(StatusCode::OK)
            .header(http::header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(
                http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"adoption-{from}-to-{to}.csv\""),
            )
            .header(http::header::CACHE_CONTROL, "no-store")
            .body(Body::Text(report::csv(&rows)))
            .map_err(ApiError::internal),
    }
}
