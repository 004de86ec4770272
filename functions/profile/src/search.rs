//! `GET /staff/patients?q=&birthDate=`: front desk, clinicians and administrators find a
//! patient by name and/or date of birth (`features::patient_search`), to open their page.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::person::{DateOfBirth, LegalName};
use portal_shared::features::account::{AccountStatus, PortalAccount};
use portal_shared::features::patient_search::{MAX_RESULTS, NameQuery};
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use serde::{Deserialize, Serialize};

use crate::Deps;

/// What a search asks for: a name, a date of birth, or both (then the patients born that day
/// whose name matches).
#[derive(Debug)]
pub enum Search {
    Name(NameQuery),
    BirthDate(DateOfBirth, Option<NameQuery>),
}

impl Search {
    /// Reads `q` and `birthDate`; a 422 naming each one that is wrong, or both when neither is
    /// given.
    fn from_call(call: &Call) -> Result<Search, ApiError> {
        let mut errors = FieldErrors::new();
        let q = call.query("q").filter(|q| !q.trim().is_empty());
        let birth_date = call.query("birthDate").filter(|d| !d.trim().is_empty());
        if q.is_none() && birth_date.is_none() {
            let message = "give a name (q) or a date of birth (birthDate), or both";
            errors.add("q", message);
            errors.add("birthDate", message);
        }
        let name = q.and_then(|q| errors.check("q", NameQuery::parse(&q)));
        let born = birth_date.and_then(|d| {
            errors.check(
                "birthDate",
                DateOfBirth::parse(d.trim())
                    .map_err(|why| format!("must be a date of birth as YYYY-MM-DD: {why}")),
            )
        });
        errors.finish()?;
        Ok(match (name, born) {
            (name, Some(born)) => Search::BirthDate(born, name),
            (Some(name), None) => Search::Name(name),
            (None, None) => unreachable!("finish() refused a search with neither"),
        })
    }
}

/// A profile as the search reads it (a projection: nothing else of the profile is read).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    pub patient_id: PatientId,
    pub legal_name: LegalName,
    pub date_of_birth: DateOfBirth,
    #[serde(default)]
    pub portal_account: Option<PortalAccount>,
}

/// One patient in the answer.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FoundView<'a> {
    patient_id: PatientId,
    /// The registered legal name, as the profile shows it.
    name: &'a LegalName,
    birth_date: DateOfBirth,
    /// `active` once the patient has activated their portal account; absent before.
    portal_status: Option<AccountStatus>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchView<'a> {
    items: Vec<FoundView<'a>>,
    /// More patients match than `items` holds (at most [`MAX_RESULTS`]): narrow the search.
    truncated: bool,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::SearchPatients).await?;
    let search = Search::from_call(call)?;
    let mut found = deps
        .profiles()
        .search(&access, &search, MAX_RESULTS + 1)
        .await?;
    let truncated = found.len() > MAX_RESULTS;
    found.truncate(MAX_RESULTS);
    // The answer reveals who is a patient: each patient named is in their access log.
    let reached: Vec<_> = found
        .iter()
        .map(|patient| (patient.patient_id, AuditResource::Profile))
        .collect();
    authorizer
        .record_staff_access(call, &access, &reached)
        .await?;
    let items = found
        .iter()
        .map(|patient| FoundView {
            patient_id: patient.patient_id,
            name: &patient.legal_name,
            birth_date: patient.date_of_birth,
            portal_status: patient
                .portal_account
                .as_ref()
                .map(|account| account.status),
        })
        .collect();
    json(StatusCode::OK, &SearchView { items, truncated })
}
