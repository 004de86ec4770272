//! Invitation waves: a cohort's members sent activation codes through the notification sender,
//! at a rate per hour, with progress and a re-send. A portal lead (`Action::SendInvitationWaves`)
//! starts a wave for a cohort (`POST /rollout/cohorts/{cohort}/waves`: the cohort's members at
//! that moment, queued), follows it (`GET /rollout/waves`, `GET /rollout/waves/{waveId}`: counts
//! from the wave item, a page of members with ids and statuses, never names) and queues again
//! those who have not activated (`POST /rollout/waves/{waveId}/resend`: their code revoked, a new
//! one sent). The scheduled `invitation-waves` job ([`run_waves`]) sends. The sender marks a
//! member delivered and activation marks them activated
//! (`portal_shared::features::invitation_wave`).
//!
//! One handler per file; `repo` owns every write.

mod get;
mod job;
mod list;
mod model;
mod repo;
mod resend;
mod start;

pub use get::handle as get;
pub use job::{WavesSummary, run_waves};
pub use list::handle as list;
pub use resend::handle as resend;
pub use start::handle as start;

use portal_shared::ApiError;
use portal_shared::domain::ids::WaveId;
use portal_shared::platform::http::Call;

use crate::Deps;
use crate::waves::repo::WaveStore;

impl Deps {
    fn waves(&self) -> WaveStore<'_> {
        WaveStore::new(&self.platform.dynamo, &self.platform.app_table)
    }
}

/// The wave named by `{waveId}`; an id that is not well-formed names none: 404.
fn wave_in_path(call: &Call) -> Result<WaveId, ApiError> {
    call.path_param("waveId")
        .and_then(|raw| WaveId::parse(&raw))
        .ok_or(ApiError::NotFound)
}
