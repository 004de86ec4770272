//! `GET /admin/audit?actor=|patient=&from=&to=&limit=&cursor=`: administrators search the
//! trail of one actor or one patient, newest first.

use std::collections::BTreeSet;

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::repo::TimeRange;

/// Whose trail: exactly one of the two (each a single Query; there is no search across all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Actor(UserSub),
    Patient(PatientId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub subject: Subject,
    pub range: TimeRange,
}

impl Filter {
    /// Reads the query parameters; every problem is named by its parameter.
    pub fn parse(query: impl Fn(&str) -> Option<String>) -> Result<Filter, ApiError> {
        let mut errors = FieldErrors::new();
        let actor = query("actor").map(|raw| {
            errors.check(
                "actor",
                UserSub::parse(&raw).ok_or_else(|| "is not a user id (Cognito sub)".to_owned()),
            )
        });
        let patient = query("patient").map(|raw| {
            errors.check(
                "patient",
                PatientId::parse(&raw).ok_or_else(|| "is not a patient id".to_owned()),
            )
        });
        let mut time = |name: &str| {
            query(name).and_then(|raw| {
                errors.check(
                    name,
                    Timestamp::parse(&raw).ok_or_else(|| {
                        "must be an RFC 3339 timestamp, e.g. 2026-01-02T03:04:05Z".to_owned()
                    }),
                )
            })
        };
        let from = time("from");
        let to = time("to");
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            errors.add("from", "must not be later than to");
        }
        let subject = match (actor, patient) {
            (Some(actor), None) => actor.map(Subject::Actor),
            (None, Some(patient)) => patient.map(Subject::Patient),
            (None, None) => {
                for field in ["actor", "patient"] {
                    errors.add(field, "give either actor or patient");
                }
                None
            }
            (Some(_), Some(_)) => {
                for field in ["actor", "patient"] {
                    errors.add(field, "give either actor or patient, not both");
                }
                None
            }
        };
        errors.finish()?;
        let subject = subject.ok_or_else(|| ApiError::invalid("actor", "is required"))?;
        Ok(Filter {
            subject,
            range: TimeRange { from, to },
        })
    }

    /// The cursor scope: a cursor resumes only the search it came from (same subject, same
    /// range), so it can neither move to another partition nor outside the range.
    fn scope(&self) -> String {
        let subject = match &self.subject {
            Subject::Actor(actor) => format!("actor:{actor}"),
            Subject::Patient(patient) => format!("patient:{patient}"),
        };
        let end = |t: Option<Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
        format!(
            "admin-audit:{subject}:{}:{}",
            end(self.range.from),
            end(self.range.to)
        )
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ReadAuditTrail).await?;
    let filter = Filter::parse(|name| call.query(name))?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, filter.scope(), cursor_key).await?;
    let trail = deps.trail();
    let (events, last_key) = match &filter.subject {
        Subject::Patient(patient) => {
            // The patient is known before the read: audit first, as for any patient access.
            authorizer
                .record_staff_access(call, &access, &[(*patient, AuditResource::AuditTrail)])
                .await?;
            trail
                .by_patient(&access, *patient, filter.range, &page)
                .await?
        }
        Subject::Actor(actor) => {
            // Which patients an actor's page reaches is known only once it is read: one event
            // per patient on the page, written before any of it is answered.
            let found = trail.by_actor(&access, actor, filter.range, &page).await?;
            let patients: BTreeSet<PatientId> = found
                .0
                .iter()
                .filter_map(|event| event.patient_id)
                .collect();
            let reached: Vec<_> = patients
                .into_iter()
                .map(|patient| (patient, AuditResource::AuditTrail))
                .collect();
            authorizer
                .record_staff_access(call, &access, &reached)
                .await?;
            found
        }
    };
    json(
        StatusCode::OK,
        &page.page(events, last_key, cursor_key).await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<Filter, ApiError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Filter::parse(|name| map.get(name).cloned())
    }

    fn fields(result: Result<Filter, ApiError>) -> Vec<String> {
        match result {
            Err(ApiError::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn exactly_one_subject() {
        let patient = PatientId::generate().to_string();
        assert_eq!(fields(parse(&[])), ["actor", "patient"]);
        assert_eq!(
            fields(parse(&[("actor", "abc"), ("patient", &patient)])),
            ["actor", "patient"]
        );
        assert_eq!(fields(parse(&[("actor", "not a sub!")])), ["actor"]);
        assert_eq!(fields(parse(&[("patient", "not-a-ulid")])), ["patient"]);
        let filter = parse(&[("patient", &patient)]).expect("valid");
        assert!(matches!(filter.subject, Subject::Patient(_)));
    }

    #[test]
    fn time_ranges_are_checked() {
        let ok = parse(&[
            ("actor", "abc"),
            ("from", "2026-01-01T00:00:00Z"),
            ("to", "2026-01-01T00:00:00Z"),
        ])
        .expect("from = to is a range");
        assert!(ok.range.from.is_some() && ok.range.to.is_some());
        assert_eq!(
            fields(parse(&[("actor", "abc"), ("from", "yesterday")])),
            ["from"]
        );
        assert_eq!(
            fields(parse(&[("actor", "abc"), ("to", "2026-13-01T00:00:00Z")])),
            ["to"]
        );
        assert_eq!(
            fields(parse(&[
                ("actor", "abc"),
                ("from", "2026-01-02T00:00:00Z"),
                ("to", "2026-01-01T00:00:00Z")
            ])),
            ["from"]
        );
    }

    #[test]
    fn cursors_are_bound_to_subject_and_range() {
        let a = parse(&[("actor", "abc")]).expect("valid");
        let b = parse(&[("actor", "abd")]).expect("valid");
        let c = parse(&[("actor", "abc"), ("from", "2026-01-01T00:00:00Z")]).expect("valid");
        assert_ne!(a.scope(), b.scope());
        assert_ne!(a.scope(), c.scope());
    }
}
