//! `GET /rollout/adoption?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]`: the adoption report of a
//! range of the practice's days (at most 92; the last 30 by default), as JSON or CSV.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::sign_ins;
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

fn date(raw: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    (raw.len() == 10)
        .then(|| Date::parse(raw, &format).ok())
        .flatten()
}

fn day_text(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// The range asked for (422 naming `from`, `to` or `format`), and the answer's format.
fn asked(call: &Call, today: Date) -> Result<(Date, Date, Format), ApiError> {
    let mut errors = FieldErrors::new();
    let mut read = |name: &str| -> Option<Date> {
        let raw = call.query(name)?;
        let parsed = date(&raw);
        if parsed.is_none() {
            errors.add(name, "must be a date, YYYY-MM-DD");
        }
        parsed
    };
    let from = read("from");
    let to = read("to");
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
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    let mut errors = FieldErrors::new();
    if to > today {
        errors.add(
            "to",
            format!("must not be after today ({})", day_text(today)),
        );
    }
    if from > to {
        errors.add("from", "must not be after `to`");
    } else if (to - from).whole_days() + 1 > MAX_DAYS {
        errors.add(
            "from",
            format!("the range is at most {MAX_DAYS} days, `from` and `to` included"),
        );
    }
    errors.finish()?;
    Ok((from, to, format))
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ReadAdoption)
        .await?;
    let zone = deps.practice_zone.as_ref();
    let today = date(&sign_ins::day_of(zone, Timestamp::now()))
        .ok_or_else(|| ApiError::internal("today is not a date"))?;
    let (from, to, format) = asked(call, today)?;
    let first_read = from - Duration::days(WINDOW_DAYS - 1);
    let mut calendar = Vec::new();
    let mut day = first_read;
    while day <= to {
        calendar.push(day_text(day));
        day = day.next_day().unwrap_or(to + Duration::days(1));
    }
    let range: Vec<String> = calendar
        .iter()
        .filter(|day| day.as_str() >= day_text(from).as_str())
        .cloned()
        .collect();
    let read = read_days(deps, &access, &calendar).await?;
    let rows = report::rows(&range, &calendar, &read);
    let (from, to) = (day_text(from), day_text(to));
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
