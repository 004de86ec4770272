//! `GET /support/digests?limit=&cursor=`: the weekly digests, newest first →
//! `{items: [DigestLine], nextCursor}` (`limit` 1 to 52, 12 by default; `nextCursor` is the
//! opaque cursor of the following page, `null` when there is no more).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::store::Item;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::Outcome;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::digests::model::{Digest, DigestLine};
use crate::digests::{audit_list, store};

/// A year of digests at most per page.
pub const MAX_LIMIT: i32 = 52;
/// A quarter by default.
pub const DEFAULT_LIMIT: i32 = 12;
/// The cursor's scope: a cursor of another list is refused.
const SCOPE: &str = "digests";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Digests {
    items: Vec<DigestLine>,
    /// `null` when there is no more (the crate's other lists' shape).
    next_cursor: Option<String>,
}

/// `limit`, when given: a whole number from 1 to [`MAX_LIMIT`].
fn limit(raw: Option<&str>) -> Result<i32, String> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(raw) => raw
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| format!("must be a whole number from 1 to {MAX_LIMIT}")),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ReadDigests).await?;
    let cursor_key = &deps.platform.cursor_key;
    let mut errors = FieldErrors::new();
    let limit = errors.check("limit", limit(call.query("limit").as_deref()));
    let start_after: Option<Item> = match call.query("cursor") {
        None => None,
        Some(raw) => match cursor_key.open(SCOPE, &raw).await {
            Ok(start) => Some(start),
            Err(ApiError::Invalid(found)) => {
                for error in found {
                    errors.add(error.field, error.message);
                }
                None
            }
            Err(other) => return Err(other),
        },
    };
    errors.finish()?;
    let (digests, last) = store(deps)
        .page(limit.unwrap_or(DEFAULT_LIMIT), start_after)
        .await?;
    authorizer
        .record_staff_action(call, &access, &audit_list(), Outcome::Allowed)
        .await?;
    let next_cursor = match last {
        Some(last) => Some(cursor_key.seal(SCOPE, &last).await?),
        None => None,
    };
    json(
        StatusCode::OK,
        &Digests {
            items: digests.iter().map(Digest::line).collect(),
            next_cursor,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_one_to_fifty_two_and_twelve_by_default() {
        assert_eq!(limit(None), Ok(12));
        assert_eq!(limit(Some("1")), Ok(1));
        assert_eq!(limit(Some("52")), Ok(52));
        for bad in ["0", "53", "-1", "ten", "", "1.5"] {
            assert!(limit(Some(bad)).is_err(), "{bad}");
        }
    }
}
