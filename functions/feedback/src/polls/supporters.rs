//! Who supported an idea: every respondent whose ballot, in any poll listing the idea, ranked
//! or approved it (for closing the loop when the idea's status changes).

use std::collections::HashSet;

use portal_shared::ApiError;
use portal_shared::domain::ids::IdeaId;

use crate::Deps;
use crate::polls::store;
use crate::respondent::Respondent;

/// Everyone whose ballot, in any poll listing `idea`, ranked or approved it; each once, in the
/// order of the polls (newest first) and of their ballots' keys. Reads the `POLLS` partition
/// (a practice runs a few polls a year) and each such poll's ballots.
pub async fn supporters_of(deps: &Deps, idea: IdeaId) -> Result<Vec<Respondent>, ApiError> {
    let store = store(deps);
    let mut seen = HashSet::new();
    let mut supporters = Vec::new();
    for poll in store
        .all()
        .await?
        .into_iter()
        .filter(|poll| poll.idea_ids.contains(&idea))
    {
        for ballot in store.ballots(poll.poll_id).await? {
            if !ballot.choices.contains(&idea) {
                continue;
            }
            match ballot.respondent() {
                Some(respondent) => {
                    if seen.insert(respondent.clone()) {
                        supporters.push(respondent);
                    }
                }
                None => tracing::warn!(
                    poll_id = %poll.poll_id,
                    "a stored ballot names no respondent; skipped"
                ),
            }
        }
    }
    Ok(supporters)
}
