//! `POST /rollout/waves/{waveId}/resend`: the members sent a code who have not activated
//! (their code delivered or not, expired or not) are queued again; the job sends each a new
//! code at the wave's rate. Their current code is revoked as the front desk's revoke does, so
//! only the newest works. Answers how many were queued again. A member activating at this very
//! moment is left alone.

use futures::{StreamExt, TryStreamExt};
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::WaveId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::activation::Status as CodeStatus;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::waves::wave_in_path;

/// Codes read at once.
const PARALLEL_READS: usize = 8;

/// The body is empty, or an empty object.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Resend {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resent {
    wave_id: WaveId,
    /// Members queued again.
    requeued: usize,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::SendInvitationWaves)
        .await?;
    let wave_id = wave_in_path(call)?;
    if !call.body_bytes().iter().all(u8::is_ascii_whitespace) {
        let _: Resend = call.json_body()?;
    }
    let store = deps.waves();
    let wave = store
        .load(&access, wave_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let waiting = store.awaiting_activation(&access, wave_id).await?;
    let store = &store;
    let access_ref = &access;
    let with_codes: Vec<_> = futures::stream::iter(waiting)
        .map(|member| async move {
            let code = store.code_of(access_ref, &member).await?;
            Ok::<_, ApiError>((member, code))
        })
        .buffered(PARALLEL_READS)
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        // A used code: the member has just activated (their mark follows).
        .filter(|(_, code)| {
            code.as_ref()
                .is_none_or(|code| code.status != CodeStatus::Used)
        })
        .collect();
    // Each member's log shows that their code was revoked for a new one.
    let reached: Vec<_> = with_codes
        .iter()
        .filter_map(|(member, _)| {
            let code = member.code_id?;
            Some((
                member.patient_id,
                AuditResource::ActivationCode(code.to_string()),
            ))
        })
        .collect();
    for chunk in reached.chunks(25) {
        deps.platform
            .authorizer()
            .record_staff_access(call, &access, chunk)
            .await?;
    }
    let requeued = store
        .requeue(
            &access,
            &wave,
            &with_codes,
            &call.caller().sub,
            Timestamp::now(),
        )
        .await?;
    if requeued.skipped > 0 {
        tracing::info!(
            wave_id = %wave_id,
            skipped = requeued.skipped,
            "members that moved on during a re-send were left as they are"
        );
    }
    json(
        StatusCode::OK,
        &Resent {
            wave_id,
            requeued: requeued.members.len(),
        },
    )
}
