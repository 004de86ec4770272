//! `POST /rollout/cohorts/{cohort}/members`: adds registered patients to a cohort, either
//! named (`{"patientIds": [...]}`, 1 to 100) or found by their visits
//! (`{"filter": {"providerId", "from", "to"}}`: the patients with an appointment with that
//! provider on a practice day from `from` through `to`, at most 31 days).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, ProviderId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::day_range::{self, DayRange};
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::keys::{self, GSI1};
use portal_shared::platform::store::{self, string};
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::authz::{Action, StaffAccess};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::Deps;
use crate::cohorts::joining::members_of;
use crate::cohorts::repo::{Joined, Joiner};
use crate::cohorts::{existing_cohort, store};

/// Patients one request may name.
pub const MAX_PATIENT_IDS: usize = 100;
/// Practice days one filter may span (both ends included).
pub const MAX_FILTER_DAYS: i64 = 31;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AddMembers {
    #[serde(default)]
    patient_ids: Option<Vec<String>>,
    #[serde(default)]
    filter: Option<VisitFilter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct VisitFilter {
    provider_id: String,
    from: String,
    to: String,
}

/// A visit of the practice's day (the first slot unit of a booked appointment, listed under
/// its local date), as far as the filter reads it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DayVisit {
    patient_id: PatientId,
    provider_id: ProviderId,
}

/// Why a patient was not added.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    pub patient_id: PatientId,
    pub reason: &'static str,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    /// The patients who joined with this request.
    added: Vec<PatientId>,
    /// The patients who were members already (nothing changed for them).
    already_in: Vec<PatientId>,
    refused: Vec<Refusal>,
}

enum Wanted {
    Named(Vec<PatientId>),
    Visiting {
        provider: ProviderId,
        days: Vec<String>,
    },
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorizer()
        .staff(call, Action::ManageCohorts)
        .await?;
    let cohort = existing_cohort(deps, call, &access).await?;
    let request: AddMembers = call.json_body()?;
    let wanted = checked(request)?;
    let patients = match wanted {
        Wanted::Named(patients) => patients,
        Wanted::Visiting { provider, days } => visiting(deps, &access, provider, &days).await?,
    };

    let now = Timestamp::now();
    let found = members_of(deps, call, &access, &patients, now).await?;
    let mut report = Report::default();
    let mut joiners = Vec::new();
    for (patient, member) in patients.iter().zip(found) {
        match member {
            Some(member) => joiners.push(Joiner {
                member,
                registering: None,
            }),
            None => report.refused.push(Refusal {
                patient_id: *patient,
                reason: "no patient has this id",
            }),
        }
    }
    let outcomes = store(deps).join(&access, &cohort, &joiners, None).await?;
    for (joiner, outcome) in joiners.iter().zip(outcomes) {
        let patient = joiner.member.patient_id;
        match outcome {
            Joined::Added => report.added.push(patient),
            Joined::AlreadyIn => report.already_in.push(patient),
            Joined::MatchTaken => return Err(ApiError::internal("a member was registered")),
        }
    }
    json(StatusCode::OK, &report)
}

/// Exactly one of `patientIds` and `filter`, each valid; every problem named at once.
fn checked(request: AddMembers) -> Result<Wanted, ApiError> {
    let mut errors = FieldErrors::new();
    match (request.patient_ids, request.filter) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "filter",
            "send either patientIds or filter, not both",
        )),
        (None, None) => Err(ApiError::invalid(
            "body",
            "send patientIds (1 to 100 patient ids) or filter ({providerId, from, to})",
        )),
        (Some(ids), None) => {
            if ids.is_empty() || ids.len() > MAX_PATIENT_IDS {
                return Err(ApiError::invalid(
                    "patientIds",
                    format!("must list 1 to {MAX_PATIENT_IDS} patient ids"),
                ));
            }
            let mut patients: Vec<PatientId> = Vec::with_capacity(ids.len());
            for (index, raw) in ids.iter().enumerate() {
                let parsed = PatientId::parse(raw).ok_or_else(|| "is not a patient id".to_owned());
                if let Some(patient) = errors.check(&format!("patientIds[{index}]"), parsed)
                    && !patients.contains(&patient)
                {
                    patients.push(patient);
                }
            }
            errors.finish()?;
            Ok(Wanted::Named(patients))
        }
        (None, Some(filter)) => {
            let provider = errors.check(
                "filter.providerId",
                ProviderId::parse(&filter.provider_id).ok_or_else(|| "is not a provider id".into()),
            );
            let from = errors.check("filter.from", practice_date(&filter.from));
            let to = errors.check("filter.to", practice_date(&filter.to));
            errors.finish()?;
            let (Some(provider), Some(from), Some(to)) = (provider, from, to) else {
                return Err(ApiError::internal("validated filter missing"));
            };
            let span = (to - from).whole_days() + 1;
            if span < 1 {
                return Err(ApiError::invalid(
                    "filter.to",
                    "must not be before filter.from",
                ));
            }
            if span > MAX_FILTER_DAYS {
                return Err(ApiError::invalid(
                    "filter.to",
                    format!(
                        "must be at most {MAX_FILTER_DAYS} days from filter.from, both included"
                    ),
                ));
            }
            let days = DayRange { from, to }.days();
            Ok(Wanted::Visiting { provider, days })
        }
    }
}

fn practice_date(raw: &str) -> Result<Date, String> {
    day_range::parse(raw)
        .ok_or_else(|| "must be a date written YYYY-MM-DD (the practice's calendar)".to_owned())
}

/// The patients with a visit with `provider` on the practice days `days` (in the order of
/// their first visit, each once): the provider must exist (422 otherwise), then one Query of
/// each day's partition of the staff day view (`keys::practice_day`, GSI1).
async fn visiting(
    deps: &Deps,
    _access: &StaffAccess,
    provider: ProviderId,
    days: &[String],
) -> Result<Vec<PatientId>, ApiError> {
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    let listed = store::get_item(dynamo, table, &keys::provider(provider), Some("PK")).await?;
    if listed.is_none() {
        return Err(ApiError::invalid(
            "filter.providerId",
            "is not a provider of the practice",
        ));
    }
    let mut patients: Vec<PatientId> = Vec::new();
    for day in days {
        let visits: Vec<DayVisit> = store::query_all(|start_after| {
            dynamo
                .query()
                .table_name(table)
                .index_name(GSI1)
                .key_condition_expression("GSI1PK = :day")
                .expression_attribute_values(":day", string(keys::practice_day(day)))
                .projection_expression("patientId, providerId")
                .set_exclusive_start_key(start_after)
        })
        .await?;
        for visit in visits {
            if visit.provider_id == provider && !patients.contains(&visit.patient_id) {
                patients.push(visit.patient_id);
            }
        }
    }
    Ok(patients)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(from: &str, to: &str) -> AddMembers {
        AddMembers {
            patient_ids: None,
            filter: Some(VisitFilter {
                provider_id: ProviderId::generate().to_string(),
                from: from.into(),
                to: to.into(),
            }),
        }
    }

    fn field_of(error: ApiError) -> String {
        match error {
            ApiError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_filter_spans_at_most_31_practice_days() {
        let Ok(Wanted::Visiting { days, .. }) = checked(filter("2026-01-31", "2026-03-02")) else {
            panic!("31 days are allowed");
        };
        assert_eq!(days.len(), 31);
        assert_eq!(days[0], "2026-01-31");
        assert_eq!(days[30], "2026-03-02");
        let Ok(Wanted::Visiting { days, .. }) = checked(filter("2026-05-04", "2026-05-04")) else {
            panic!("one day is allowed");
        };
        assert_eq!(days, vec!["2026-05-04".to_owned()]);
        assert_eq!(
            field_of(
                checked(filter("2026-01-31", "2026-03-03"))
                    .map(|_| ())
                    .unwrap_err()
            ),
            "filter.to"
        );
        assert_eq!(
            field_of(
                checked(filter("2026-05-04", "2026-05-03"))
                    .map(|_| ())
                    .unwrap_err()
            ),
            "filter.to"
        );
        assert_eq!(
            field_of(
                checked(filter("2026-5-4", "2026-05-03"))
                    .map(|_| ())
                    .unwrap_err()
            ),
            "filter.from"
        );
    }

    #[test]
    fn named_patients_are_checked_one_by_one_and_counted_once() {
        let id = PatientId::generate().to_string();
        let request = |ids: Vec<String>| AddMembers {
            patient_ids: Some(ids),
            filter: None,
        };
        let Ok(Wanted::Named(patients)) = checked(request(vec![id.clone(), id.clone()])) else {
            panic!("valid");
        };
        assert_eq!(patients.len(), 1);
        let error = checked(request(vec![id.clone(), "me".into()]))
            .map(|_| ())
            .unwrap_err();
        assert_eq!(field_of(error), "patientIds[1]");
        assert_eq!(
            field_of(checked(request(vec![])).map(|_| ()).unwrap_err()),
            "patientIds"
        );
        assert_eq!(
            field_of(checked(request(vec![id; 101])).map(|_| ()).unwrap_err()),
            "patientIds"
        );
        let both = AddMembers {
            patient_ids: Some(vec![PatientId::generate().to_string()]),
            filter: filter("2026-01-01", "2026-01-02").filter,
        };
        assert_eq!(field_of(checked(both).map(|_| ()).unwrap_err()), "filter");
    }
}
