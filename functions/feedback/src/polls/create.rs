//! `POST /feedback/polls`: a portal lead starts a poll (`{title, question, ideaIds, method,
//! topK?, audience, weights, opensAt, closesAt}`), with `Idempotency-Key`. Every field is
//! checked and every offending one named (422, nothing written): 2 to 20 distinct existing
//! ideas, `topK` within them, an audience (existing cohorts, staff roles), weights 0 to 100
//! with an asked stratum above 0, and dates in order with `closesAt` in the future.

use std::collections::HashSet;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{IdeaId, PollId};
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::CohortName;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::Role;
use serde::Deserialize;

use crate::Deps;
use crate::catalogue;
use crate::polls::model::{Audience, Method, Poll, Weights, parse_staff_role};
use crate::polls::store;
use crate::polls::view::{self, PollView};
use crate::respondent::Stratum;

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_QUESTION_CHARS: usize = 500;
pub const MIN_IDEAS: usize = 2;
pub const MAX_IDEAS: usize = 20;
/// A rank poll's `topK` when none is given (or the number of ideas, when fewer).
pub const DEFAULT_TOP_K: u32 = 3;
/// The most cohorts one audience names.
pub const MAX_COHORTS: usize = 20;
pub const MAX_WEIGHT: f64 = 100.0;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewPoll {
    title: String,
    question: String,
    idea_ids: Vec<String>,
    method: Method,
    #[serde(default)]
    top_k: Option<u32>,
    audience: NewAudience,
    weights: Weights,
    opens_at: String,
    closes_at: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewAudience {
    #[serde(default)]
    staff_roles: Vec<String>,
    #[serde(default)]
    cohorts: Vec<String>,
    #[serde(default)]
    practices: bool,
}

/// A poll checked in itself (the ideas' and cohorts' existence is checked against the table).
#[derive(Debug)]
struct Checked {
    title: String,
    question: String,
    idea_ids: Vec<IdeaId>,
    method: Method,
    top_k: u32,
    audience: Audience,
    weights: Weights,
    opens_at: Timestamp,
    closes_at: Timestamp,
}

fn checked(request: NewPoll, now: Timestamp) -> Result<Checked, ApiError> {
    let mut errors = FieldErrors::new();
    let title = errors.check("title", plain_text(&request.title, MAX_TITLE_CHARS, false));
    let question = errors.check(
        "question",
        plain_text(&request.question, MAX_QUESTION_CHARS, true),
    );

    let count = request.idea_ids.len();
    if !(MIN_IDEAS..=MAX_IDEAS).contains(&count) {
        errors.add(
            "ideaIds",
            format!("must list {MIN_IDEAS} to {MAX_IDEAS} ideas"),
        );
    }
    let mut idea_ids = Vec::with_capacity(count);
    for (index, raw) in request.idea_ids.iter().enumerate() {
        match IdeaId::parse(raw) {
            None => errors.add(format!("ideaIds[{index}]"), "is not an idea id"),
            Some(id) if idea_ids.contains(&id) => errors.add(
                format!("ideaIds[{index}]"),
                "lists an idea already listed: each idea at most once",
            ),
            Some(id) => idea_ids.push(id),
        }
    }

    let ideas = count.clamp(1, MAX_IDEAS) as u32;
    let top_k = match (request.method, request.top_k) {
        (Method::Rank, None) => DEFAULT_TOP_K.min(ideas),
        (Method::Rank, Some(k)) if (1..=ideas).contains(&k) => k,
        (Method::Rank, Some(_)) => {
            errors.add(
                "topK",
                format!("must be from 1 to the number of ideas ({ideas})"),
            );
            1
        }
        // Not used with approval (a ballot approves up to every idea); checked if given.
        (Method::Approval, Some(k)) if !(1..=ideas).contains(&k) => {
            errors.add(
                "topK",
                format!("must be from 1 to the number of ideas ({ideas})"),
            );
            ideas
        }
        (Method::Approval, _) => ideas,
    };

    let mut staff_roles: Vec<Role> = Vec::new();
    for (index, raw) in request.audience.staff_roles.iter().enumerate() {
        let field = format!("audience.staffRoles[{index}]");
        match parse_staff_role(raw) {
            Err(message) => errors.add(field, message),
            Ok(role) if staff_roles.contains(&role) => {
                errors.add(field, "names a role already named")
            }
            Ok(role) => staff_roles.push(role),
        }
    }
    let mut cohorts: Vec<CohortName> = Vec::new();
    if request.audience.cohorts.len() > MAX_COHORTS {
        errors.add(
            "audience.cohorts",
            format!("may name at most {MAX_COHORTS} cohorts"),
        );
    }
    for (index, raw) in request.audience.cohorts.iter().enumerate() {
        let field = format!("audience.cohorts[{index}]");
        match CohortName::parse(raw) {
            Err(message) => errors.add(field, message),
            Ok(name) if cohorts.contains(&name) => {
                errors.add(field, "names a cohort already named")
            }
            Ok(name) => cohorts.push(name),
        }
    }
    let audience = Audience {
        staff_roles,
        cohorts,
        practices: request.audience.practices,
    };
    let asked = !request.audience.staff_roles.is_empty()
        || !request.audience.cohorts.is_empty()
        || request.audience.practices;
    if !asked {
        errors.add(
            "audience",
            "must ask someone: staffRoles, cohorts or practices",
        );
    }

    let weights = request.weights;
    for stratum in Stratum::ALL {
        let weight = weights.of(stratum);
        if !(0.0..=MAX_WEIGHT).contains(&weight) {
            errors.add(
                format!("weights.{}", stratum.as_str()),
                "must be from 0 to 100",
            );
        }
    }
    let weighted = Stratum::ALL.into_iter().any(|stratum| {
        let asked = match stratum {
            Stratum::Staff => !request.audience.staff_roles.is_empty(),
            Stratum::Patients => !request.audience.cohorts.is_empty(),
            Stratum::Practices => request.audience.practices,
        };
        asked && weights.of(stratum) > 0.0
    });
    if asked && !weighted {
        errors.add(
            "weights",
            "at least one group the poll asks must have a weight above 0",
        );
    }

    let mut instant = |field: &str, raw: &str| {
        let parsed = Timestamp::parse(raw);
        if parsed.is_none() {
            errors.add(field, "must be an RFC 3339 date and time");
        }
        parsed
    };
    let opens_at = instant("opensAt", &request.opens_at);
    let closes_at = instant("closesAt", &request.closes_at);
    if let (Some(opens), Some(closes)) = (opens_at, closes_at)
        && closes <= opens
    {
        errors.add("closesAt", "must be after opensAt");
    }
    if let Some(closes) = closes_at
        && closes <= now
    {
        errors.add("closesAt", "must be in the future");
    }

    errors.finish()?;
    match (title, question, opens_at, closes_at) {
        (Some(title), Some(question), Some(opens_at), Some(closes_at)) => Ok(Checked {
            title,
            question,
            idea_ids,
            method: request.method,
            top_k,
            audience,
            weights,
            opens_at,
            closes_at,
        }),
        _ => Err(ApiError::internal("a checked poll lost a field")),
    }
}

/// The ideas and cohorts that do not exist, named (422).
async fn check_existence(deps: &Deps, poll: &Checked) -> Result<(), ApiError> {
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    let store = store(deps);
    let (ideas, missing_cohorts) = futures::try_join!(
        catalogue::load_many(dynamo, table, &poll.idea_ids),
        store.missing_cohorts(&poll.audience.cohorts),
    )?;
    let mut errors = FieldErrors::new();
    let known: HashSet<&IdeaId> = ideas.keys().collect();
    for (index, id) in poll.idea_ids.iter().enumerate() {
        if !known.contains(id) {
            errors.add(format!("ideaIds[{index}]"), "names no idea");
        }
    }
    for index in missing_cohorts {
        errors.add(
            format!("audience.cohorts[{index}]"),
            "names no cohort; create it first",
        );
    }
    errors.finish()
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ManagePolls)
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    let request: NewPoll = call.json_body()?;
    let now = Timestamp::now();
    let checked = checked(request, now)?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    check_existence(deps, &checked).await?;

    let poll = Poll {
        poll_id: PollId::generate(),
        title: checked.title,
        question: checked.question,
        idea_ids: checked.idea_ids,
        method: checked.method,
        top_k: checked.top_k,
        audience: checked.audience,
        weights: checked.weights,
        opens_at: checked.opens_at,
        closes_at: checked.closes_at,
        closed_at: None,
        created_at: now,
        created_by: call.caller().sub.clone(),
        version: Version::FIRST.0,
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: view::to_json(&PollView::new(&poll, now))?,
        location: Some(call.link(&format!("/feedback/polls/{}", poll.poll_id))),
        etag: Some(Version(poll.version).etag()),
        patient_id: None,
    };
    let writes = store(deps).creation(&poll)?;
    match create_once(dynamo, table, idempotency.as_ref(), writes, response).await? {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: serde_json::Value) -> NewPoll {
        serde_json::from_value(body).expect("a request")
    }

    fn valid() -> serde_json::Value {
        serde_json::json!({
            "title": "What next?",
            "question": "Rank your top two.",
            "ideaIds": [IdeaId::generate().to_string(), IdeaId::generate().to_string(),
                        IdeaId::generate().to_string()],
            "method": "rank",
            "audience": {"staffRoles": ["clinicians"], "cohorts": ["beta-1"], "practices": true},
            "weights": {"staff": 1, "patients": 2, "practices": 0},
            "opensAt": "2020-01-01T00:00:00Z",
            "closesAt": "2999-01-01T00:00:00Z"
        })
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn a_rank_poll_ranks_three_by_default_or_fewer_with_fewer_ideas() {
        let poll = checked(request(valid()), Timestamp::now()).expect("valid");
        assert_eq!(poll.top_k, 3);
        let mut two = valid();
        two["ideaIds"] = serde_json::json!([
            IdeaId::generate().to_string(),
            IdeaId::generate().to_string()
        ]);
        assert_eq!(
            checked(request(two), Timestamp::now())
                .expect("valid")
                .top_k,
            2
        );
        let mut approval = valid();
        approval["method"] = "approval".into();
        assert_eq!(
            checked(request(approval), Timestamp::now())
                .expect("valid")
                .top_k,
            3
        );
    }

    #[test]
    fn every_offending_field_is_named() {
        let id = IdeaId::generate().to_string();
        let mut body = valid();
        body["title"] = "".into();
        body["ideaIds"] = serde_json::json!([id, id, "nope"]);
        body["topK"] = 4.into();
        body["audience"] =
            serde_json::json!({"staffRoles": ["patients", "clinicians", "clinicians"]});
        body["weights"] = serde_json::json!({"staff": 101, "patients": 0, "practices": 0});
        body["opensAt"] = "2999-02-01T00:00:00Z".into();
        body["closesAt"] = "yesterday".into();
        let named = fields(checked(request(body), Timestamp::now()).expect_err("invalid"));
        for field in [
            "title",
            "ideaIds[1]",
            "ideaIds[2]",
            "topK",
            "audience.staffRoles[0]",
            "audience.staffRoles[2]",
            "weights.staff",
            "closesAt",
        ] {
            assert!(named.iter().any(|f| f == field), "{field} in {named:?}");
        }
    }

    #[test]
    fn someone_must_be_asked_and_weighted() {
        let mut body = valid();
        body["audience"] = serde_json::json!({"staffRoles": [], "cohorts": [], "practices": false});
        let named = fields(checked(request(body), Timestamp::now()).expect_err("invalid"));
        assert_eq!(named, vec!["audience"]);
        let mut body = valid();
        // Only practices are weighted, and they are not asked.
        body["audience"] = serde_json::json!({"staffRoles": ["clinicians"]});
        body["weights"] = serde_json::json!({"staff": 0, "patients": 0, "practices": 5});
        let named = fields(checked(request(body), Timestamp::now()).expect_err("invalid"));
        assert_eq!(named, vec!["weights"]);
    }

    #[test]
    fn a_poll_closes_after_it_opens_and_in_the_future() {
        let mut body = valid();
        body["opensAt"] = "2999-01-01T00:00:00Z".into();
        let named = fields(checked(request(body), Timestamp::now()).expect_err("invalid"));
        assert_eq!(named, vec!["closesAt"]);
        let mut body = valid();
        body["closesAt"] = "2021-01-01T00:00:00Z".into();
        let named = fields(checked(request(body), Timestamp::now()).expect_err("invalid"));
        assert_eq!(named, vec!["closesAt"]);
    }
}
