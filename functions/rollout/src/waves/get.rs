//! `GET /rollout/waves/{waveId}`: the wave and its counts (one item), with a page of its
//! members (`?limit=&cursor=`: ids, statuses and refusal reasons, never names). Each listed
//! member's access log shows the look.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::{Page, PageRequest};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::waves::model::{MemberView, WaveView};
use crate::waves::wave_in_path;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WithMembers<'a> {
    #[serde(flatten)]
    wave: WaveView<'a>,
    members_page: Page<MemberView>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::SendInvitationWaves)
        .await?;
    let wave_id = wave_in_path(call)?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, format!("rollout:wave:{wave_id}"), cursor_key).await?;
    let store = deps.waves();
    let wave = store
        .load(&access, wave_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (members, last_key) = store
        .members(&access, wave_id, page.limit, page.start_after.clone())
        .await?;
    let reached: Vec<_> = members
        .iter()
        .map(|member| (member.patient_id, AuditResource::ActivationCodes))
        .collect();
    deps.platform
        .authorizer()
        .record_staff_access(call, &access, &reached)
        .await?;
    let now = Timestamp::now();
    let views = members
        .iter()
        .map(|member| MemberView::new(member, now))
        .collect();
    json(
        StatusCode::OK,
        &WithMembers {
            wave: WaveView::new(&wave, now),
            members_page: page.page(views, last_key, cursor_key).await?,
        },
    )
}
