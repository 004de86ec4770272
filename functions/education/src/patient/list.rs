//! `GET /patients/{patientId}/education[?lang=en|es]` (`ReadEducation`) → 200 `{language,
//! items: [PatientTopic]}`: the active topics a clinician assigned or the record matches
//! (see [`crate::matching`]), assigned first (newest first), then conditions, medications and
//! tests by title, in the language asked for (English where a topic has no other).

use std::collections::HashMap;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::Serialize;

use crate::Deps;
use crate::library::topic::{Language, TopicId};
use crate::matching::{Assigned, PatientTopic, patient_topics};
use crate::patient::{findings_of, store};
use crate::{language, library, records};

#[derive(Serialize)]
struct Page {
    language: Language,
    items: Vec<PatientTopic>,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::ReadEducation, AuditResource::Education)
        .await?;
    let language = language::of_call(call)?;
    let store = store(deps);
    let (library, records, assignments, votes) = futures::try_join!(
        library::load(deps),
        records::matched_categories(deps, &access),
        store.assignments(&access),
        store.votes(&access),
    )?;
    let assigned: Vec<Assigned> = assignments.iter().map(|a| a.as_assigned()).collect();
    let votes: HashMap<TopicId, bool> = votes
        .into_iter()
        .map(|vote| (vote.topic_id, vote.helpful))
        .collect();
    let items = patient_topics(
        library.active(),
        &findings_of(&records),
        &assigned,
        &votes,
        language,
    );
    json(StatusCode::OK, &Page { language, items })
}
