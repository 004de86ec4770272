//! `POST /rollout/cohorts/{cohort}/waves`: a portal lead starts a wave for a cohort
//! (`{ratePerHour, deliverBy, expiresInDays?}`). The wave's members are the cohort's members at
//! this moment, queued; the job sends them their codes at the rate. Each member's access log
//! shows the invitation. `Idempotency-Key` as for every creation.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::WaveId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::cohort::{self, CohortName};
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::waves::model::{MAX_WAVE_MEMBERS, NewWave, Wave, WaveView};

/// Audit events written at once.
const AUDIT_CHUNK: usize = 25;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::SendInvitationWaves)
        .await?;
    let name = call
        .path_param("cohort")
        .and_then(|raw| CohortName::parse(&raw).ok())
        .ok_or(ApiError::NotFound)?;
    let idempotency = Idempotency::from_call(call)?;
    let request: NewWave = call.json_body()?;
    let days = request.check()?;
    let platform = &deps.platform;
    let (dynamo, table) = (&platform.dynamo, platform.app_table.as_str());
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let store = deps.waves();
    if !store.cohort_exists(&name).await? {
        return Err(ApiError::NotFound);
    }
    let members = cohort::members_of(dynamo, table, &name).await?;
    if members.is_empty() {
        return Err(ApiError::Conflict(
            "The cohort has no members: add patients to it first.".into(),
        ));
    }
    if members.len() > MAX_WAVE_MEMBERS {
        return Err(ApiError::Conflict(format!(
            "The cohort has {} members; a wave takes at most {MAX_WAVE_MEMBERS}: split the cohort.",
            members.len()
        )));
    }
    // Each member's log shows that the portal lead invited them.
    let reached: Vec<_> = members
        .iter()
        .map(|patient| (*patient, AuditResource::ActivationCodes))
        .collect();
    for chunk in reached.chunks(AUDIT_CHUNK) {
        platform
            .authorizer()
            .record_staff_access(call, &access, chunk)
            .await?;
    }

    let now = Timestamp::now();
    let wave_id = WaveId::generate();
    // The members first: nothing shows or sends them until the wave item exists.
    store.write_members(wave_id, &members, now).await?;
    let count = i64::try_from(members.len()).unwrap_or(i64::MAX);
    let wave = Wave {
        wave_id,
        cohort: name,
        rate_per_hour: request.rate_per_hour,
        deliver_by: request.deliver_by,
        expires_in_days: days,
        created_at: now,
        created_by: call.caller().sub.clone(),
        members: count,
        queued: count,
        invited: 0,
        delivered: 0,
        activated: 0,
        refused: 0,
        outstanding: Default::default(),
        next_issue_at: None,
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&WaveView::new(&wave, now)).map_err(ApiError::internal)?,
        location: Some(call.link(&format!("/rollout/waves/{wave_id}"))),
        etag: None,
        patient_id: None,
    };
    match create_once(
        dynamo,
        table,
        idempotency.as_ref(),
        store.creation(&wave)?,
        response,
    )
    .await?
    {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}
