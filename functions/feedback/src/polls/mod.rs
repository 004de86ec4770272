//! Priority polls: the practice asks staff (by role), patients (by cohort) and other practices
//! (through links that need no account) to rank or approve feature ideas between two dates,
//! then reads the results per stratum and a weighted overall order (JSON or CSV).
//!
//! - definitions: `GET/POST /feedback/polls`, `GET /feedback/polls/{pollId}` (with ballot
//!   counts and links), `POST .../close`, `GET .../results`, `POST .../links`;
//! - ballots, one per respondent and replaceable until the poll closes: staff
//!   (`/account/polls`), patients (`/patients/{patientId}/polls`), other practices
//!   (`/public/polls/lookup` and `/public/polls/ballots`, with the link's token, rate limited
//!   per client address);
//! - [`supporters_of`]: who supported an idea, for closing the loop when its status changes.
//!
//! One handler per file; `repo` owns every read and write; `count` is the pure counting.

mod close;
mod count;
mod create;
mod create_link;
mod get;
mod link_token;
mod list;
mod model;
mod patient_ballot;
mod patient_polls;
mod public;
mod repo;
mod respond;
mod results;
mod staff_ballot;
mod staff_polls;
mod supporters;
mod view;

pub use close::handle as close;
pub use create::handle as create;
pub use create_link::handle as create_link;
pub use get::handle as get;
pub use list::handle as list;
pub use patient_ballot::handle as patient_ballot;
pub use patient_polls::handle as patient_polls;
pub use public::{ballot as public_ballot, lookup as public_lookup};
pub use results::handle as results;
pub use staff_ballot::handle as staff_ballot;
pub use staff_polls::handle as staff_polls;
pub use supporters::supporters_of;

use portal_shared::ApiError;
use portal_shared::domain::ids::PollId;
use portal_shared::platform::http::Incoming;

use crate::Deps;
use crate::polls::model::Poll;
use crate::polls::repo::PollStore;

fn store(deps: &Deps) -> PollStore<'_> {
    PollStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

/// The poll id of `{pollId}`, when it is one (else 404: it names no poll).
fn poll_id_in_path(incoming: &Incoming) -> Option<PollId> {
    incoming
        .path_param("pollId")
        .and_then(|raw| PollId::parse(&raw))
}

/// The poll named by `{pollId}`, which must exist (404).
async fn poll_in_path(deps: &Deps, incoming: &Incoming) -> Result<Poll, ApiError> {
    let id = poll_id_in_path(incoming).ok_or(ApiError::NotFound)?;
    store(deps).load(id).await?.ok_or(ApiError::NotFound)
}
