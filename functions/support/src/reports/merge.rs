//! `POST /support/reports/{reportId}/merge`: `{into: reportId}`: this report (the duplicate)
//! is the same problem as `into` → 200 with the duplicate's team view (now with `mergedInto`)
//! and its ETag.
//!
//! Both must exist and differ; `into` must not be merged itself and must have room for the
//! duplicate and whatever duplicates it had gathered (at most 100): 422 naming `into`
//! otherwise. This report merged already is 409. One transaction conditioned on both versions
//! as read (`ReportStore::merge`): when either changed meanwhile, 409 (read them again). A
//! resolved `into` is allowed. Nobody is told (no reply, no status change): from now on the
//! team's replies and status changes on `into` reach the duplicate's reporter. Both reports
//! are audited.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ReportId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::Call;
use serde::Deserialize;

use crate::Deps;
use crate::reports::model::{MAX_DUPLICATES, Report};
use crate::reports::repo::{NotSaved, OnChanged};
use crate::reports::team_repo::{audit_reached, not_merged, reached, team_access, team_response};
use crate::reports::{report_in_path, store};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    into: String,
}

/// `into` as sent: a report id other than `duplicate` (422 naming `into` otherwise).
fn target(raw: &str, duplicate: ReportId) -> Result<ReportId, ApiError> {
    let into = ReportId::parse(raw.trim())
        .ok_or_else(|| ApiError::invalid("into", "must be a report id"))?;
    if into == duplicate {
        return Err(ApiError::invalid("into", "is this report itself"));
    }
    Ok(into)
}

/// Whether `duplicate` may be merged into `primary` (`None`: no such report).
pub fn check_merge(duplicate: &Report, primary: Option<&Report>) -> Result<(), ApiError> {
    not_merged(duplicate).map_err(|_| {
        ApiError::Conflict(format!(
            "This report was merged already (into {}).",
            duplicate
                .merged_into
                .map(|id| id.to_string())
                .unwrap_or_default()
        ))
    })?;
    let primary = primary.ok_or_else(|| ApiError::invalid("into", "is no report"))?;
    if let Some(further) = primary.merged_into {
        return Err(ApiError::invalid(
            "into",
            format!("was merged into {further} itself; merge into that report"),
        ));
    }
    if primary.duplicates.len() + 1 + duplicate.duplicates.len() > MAX_DUPLICATES {
        return Err(ApiError::invalid(
            "into",
            format!("cannot gather more than {MAX_DUPLICATES} duplicates"),
        ));
    }
    Ok(())
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = team_access(deps, call).await?;
    let id = report_in_path(call)?;
    let into = target(&call.json_body::<MergeBody>()?.into, id)?;
    let by = &call.caller().sub;
    let store = store(deps);
    // Contention alone is retried (on a fresh read); a report that changed between the read
    // and the write is answered (409), since the merge was decided on what was read.
    let saved = store
        .retrying(OnChanged::Answer, || async {
            let duplicate = store.load(id).await?.ok_or(ApiError::NotFound)?;
            let primary = store.load(into).await?;
            check_merge(&duplicate, primary.as_ref())?;
            let primary = primary.ok_or_else(|| ApiError::invalid("into", "is no report"))?;
            store
                .merge(&duplicate, &primary, by, Timestamp::now())
                .await
        })
        .await?;
    let (merged, gaining) = match saved {
        Ok(saved) => saved,
        Err(NotSaved::Changed(_)) => {
            return Err(ApiError::Conflict(
                "One of the reports changed since it was read; read them again and retry.".into(),
            ));
        }
        Err(NotSaved::Contention) => {
            return Err(ApiError::Conflict(
                "Someone changed these reports at the same moment; read them again.".into(),
            ));
        }
    };
    audit_reached(deps, call, &access, &[reached(&merged), reached(&gaining)]).await?;
    // The duplicate as it now stands, with its `merged` entry (a consistent read).
    let (merged, timeline) = store
        .load_with_timeline(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    team_response(StatusCode::OK, &merged, &timeline, Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::Duplicate;
    use crate::reports::model::tests::report;

    fn field(error: ApiError) -> String {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn into_names_another_report() {
        let id = ReportId::generate();
        assert_eq!(field(target("nope", id).expect_err("bad")), "into");
        assert_eq!(
            field(target(&id.to_string(), id).expect_err("self")),
            "into"
        );
        let other = ReportId::generate();
        assert_eq!(target(&other.to_string(), id).ok(), Some(other));
    }

    #[test]
    fn what_may_be_merged() {
        let duplicate = report("ben");
        let mut primary = report("ana");
        assert!(check_merge(&duplicate, Some(&primary)).is_ok());
        assert_eq!(
            field(check_merge(&duplicate, None).expect_err("unknown")),
            "into"
        );

        let mut merged = duplicate.clone();
        merged.merged_into = Some(ReportId::generate());
        assert!(matches!(
            check_merge(&merged, Some(&primary)),
            Err(ApiError::Conflict(_))
        ));
        let mut merged_primary = primary.clone();
        merged_primary.merged_into = Some(ReportId::generate());
        assert_eq!(
            field(check_merge(&duplicate, Some(&merged_primary)).expect_err("merged")),
            "into"
        );

        // Room for 100 duplicates, counting those the duplicate brings along.
        let one = Duplicate {
            report_id: ReportId::generate(),
            reporter: duplicate.reporter.clone(),
        };
        primary.duplicates = vec![one.clone(); MAX_DUPLICATES - 1];
        assert!(check_merge(&duplicate, Some(&primary)).is_ok());
        let mut bringing = duplicate.clone();
        bringing.duplicates = vec![one];
        assert_eq!(
            field(check_merge(&bringing, Some(&primary)).expect_err("full")),
            "into"
        );
    }
}
