//! `GET /feedback/polls/{pollId}/results[?format=json|csv]`: the poll's results, counted from
//! every ballot at the moment of reading (one Query of the poll's partition): per stratum of
//! its audience the weight, the ballots and the ideas by points; and the weighted overall
//! order (see `count`). CSV with `?format=csv` or `Accept: text/csv` (the query wins).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PollId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::catalogue;
use crate::polls::count::{Counted, OverallRow, StratumResult};
use crate::polls::model::{Method, PollState};
use crate::polls::view::results;
use crate::polls::{poll_in_path, store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

fn format_asked(call: &Call) -> Result<Format, ApiError> {
    match call.query("format").as_deref() {
        Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some(_) => Err(ApiError::invalid("format", "must be json or csv")),
        None => {
            let accept = call
                .header("accept")
                .unwrap_or_default()
                .to_ascii_lowercase();
            Ok(if accept.contains("text/csv") {
                Format::Csv
            } else {
                Format::Json
            })
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Results<'a> {
    poll_id: PollId,
    state: PollState,
    method: Method,
    strata: &'a [StratumResult],
    overall: &'a [OverallRow],
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadPollResults)
        .await?;
    let format = format_asked(call)?;
    let poll = poll_in_path(deps, call).await?;
    let store = store(deps);
    let (ballots, ideas) = futures::try_join!(
        store.ballots(poll.poll_id),
        catalogue::load_many(
            &deps.platform.dynamo,
            &deps.platform.app_table,
            &poll.idea_ids
        ),
    )?;
    let counted = results(&poll, &ideas, &ballots);
    match format {
        Format::Json => json(
            StatusCode::OK,
            &Results {
                poll_id: poll.poll_id,
                state: poll.state(Timestamp::now()),
                method: poll.method,
                strata: &counted.strata,
                overall: &counted.overall,
            },
        ),
        Format::Csv => Response::builder()
            .status(StatusCode::OK)
            .header(http::header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(
                http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"poll-{}.csv\"", poll.poll_id),
            )
            .header(http::header::CACHE_CONTROL, "no-store")
            .body(Body::Text(csv(&counted)?))
            .map_err(ApiError::internal),
    }
}

/// A cell a spreadsheet would read as a formula gets a leading apostrophe.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// `stratum,rank,ideaId,title,points,ballots` (CRLF): each stratum's rows, then the `overall`
/// rows with the weighted score as `points` and every ballot counted as `ballots`.
fn csv(counted: &Counted) -> Result<String, ApiError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut row = |fields: [String; 6]| writer.write_record(fields).map_err(ApiError::internal);
    row([
        "stratum".into(),
        "rank".into(),
        "ideaId".into(),
        "title".into(),
        "points".into(),
        "ballots".into(),
    ])?;
    let mut all_ballots = 0;
    for stratum in &counted.strata {
        all_ballots += stratum.ballots;
        for line in &stratum.ranking {
            row([
                stratum.stratum.as_str().into(),
                line.rank.to_string(),
                line.idea_id.to_string(),
                cell(&line.title),
                line.points.to_string(),
                stratum.ballots.to_string(),
            ])?;
        }
    }
    for line in &counted.overall {
        row([
            "overall".into(),
            line.rank.to_string(),
            line.idea_id.to_string(),
            cell(&line.title),
            line.score.to_string(),
            all_ballots.to_string(),
        ])?;
    }
    let bytes = writer.into_inner().map_err(ApiError::internal)?;
    String::from_utf8(bytes).map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use portal_shared::domain::ids::IdeaId;

    use super::*;
    use crate::polls::count::RankingRow;
    use crate::respondent::Stratum;

    #[test]
    fn csv_lists_each_stratum_then_the_overall_order_and_defuses_formulas() {
        let idea = IdeaId::generate();
        let counted = Counted {
            strata: vec![StratumResult {
                stratum: Stratum::Staff,
                weight: 1.0,
                ballots: 2,
                ranking: vec![RankingRow {
                    idea_id: idea,
                    title: "=Pay, online".into(),
                    points: 4,
                    rank: 1,
                }],
            }],
            overall: vec![OverallRow {
                idea_id: idea,
                title: "=Pay, online".into(),
                score: 2.5,
                rank: 1,
            }],
        };
        assert_eq!(
            csv(&counted).expect("csv"),
            format!(
                "stratum,rank,ideaId,title,points,ballots\r\n\
                 staff,1,{idea},\"'=Pay, online\",4,2\r\n\
                 overall,1,{idea},\"'=Pay, online\",2.5,2\r\n"
            )
        );
    }
}
