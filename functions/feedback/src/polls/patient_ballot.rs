//! `PUT /patients/{patientId}/polls/{pollId}/ballot`: a patient (or a caregiver for them)
//! casts or replaces the patient's ballot (`{choices}`) in a poll addressed to one of the
//! patient's cohorts (else 404, as for no poll): 201 first, 200 replaced, 409 when the poll is
//! not open. Audited as an access to the patient's ballot in that poll.

use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::features::cohort::cohorts_of;
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::polls::respond::{BallotRequest, cast, checked_choices};
use crate::polls::{poll_id_in_path, store};
use crate::respondent::Respondent;

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let poll_id = poll_id_in_path(call);
    let resource = AuditResource::PollBallot(
        poll_id.map_or_else(|| "unknown".to_owned(), |id| id.to_string()),
    );
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::RespondToPolls, resource)
        .await?;
    let patient = access.patient();
    let poll_id = poll_id.ok_or(ApiError::NotFound)?;
    let store = store(deps);
    let (poll, cohorts) = futures::try_join!(
        store.load(poll_id),
        cohorts_of(&deps.platform.dynamo, &deps.platform.app_table, patient),
    )?;
    let poll = poll
        .filter(|poll| poll.asks_patient_in(cohorts.iter().map(|member| &member.cohort)))
        .ok_or(ApiError::NotFound)?;
    let request: BallotRequest = call.json_body()?;
    let choices = checked_choices(&poll, &request.choices)?;
    cast(deps, &poll, &Respondent::Patient(patient), choices).await
}
