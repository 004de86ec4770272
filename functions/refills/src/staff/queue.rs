//! `GET /staff/refills?state=open|decided|all` (default `open`; clinicians and front desk): the
//! open requests soonest due first (then oldest), the decided ones newest decision first (the
//! newest 200), or both in that order; each with its patient's name and birth date, `dueAt`
//! and `overdue`. Each request listed is an access to its patient's data, audited in their log
//! before their profile is read.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::staff::store;
use crate::staff::view::{StaffRefill, StaffRefills};

/// Which requests the queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    Decided,
    All,
}

fn state_of(raw: Option<&str>) -> Result<State, ApiError> {
    match raw.map(str::trim) {
        None | Some("open") => Ok(State::Open),
        Some("decided") => Ok(State::Decided),
        Some("all") => Ok(State::All),
        Some(_) => Err(ApiError::invalid("state", "must be open, decided or all")),
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::WorkRefillQueue).await?;
    let state = state_of(call.query("state").as_deref())?;
    let store = store(deps);
    let mut requests = Vec::new();
    if matches!(state, State::Open | State::All) {
        requests.extend(store.open(&access).await?);
    }
    if matches!(state, State::Decided | State::All) {
        requests.extend(store.decided(&access).await?);
    }
    let reached: Vec<(PatientId, AuditResource)> = requests
        .iter()
        .map(|r| (r.patient_id, AuditResource::Refill(r.refill_id.to_string())))
        .collect();
    if !reached.is_empty() {
        authorizer
            .record_staff_access(call, &access, &reached)
            .await?;
    }
    let patients: Vec<PatientId> = requests.iter().map(|r| r.patient_id).collect();
    let summaries = store.summaries(&access, &patients).await?;
    let now = Timestamp::now();
    let items = requests
        .into_iter()
        .map(|request| {
            let patient = summaries
                .get(&request.patient_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("a listed patient without a summary"))?;
            Ok(StaffRefill::new(request, patient, now))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    json(StatusCode::OK, &StaffRefills { items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_defaults_to_open_and_names_itself_when_wrong() {
        assert_eq!(state_of(None).expect("default"), State::Open);
        assert_eq!(state_of(Some("decided")).expect("decided"), State::Decided);
        assert_eq!(state_of(Some("all")).expect("all"), State::All);
        match state_of(Some("closed")) {
            Err(ApiError::Invalid(errors)) => assert_eq!(errors[0].field, "state"),
            other => panic!("{other:?}"),
        }
    }
}
