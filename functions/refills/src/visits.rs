//! The patient's last visit with the practice, for the `no-recent-visit` rule: the later of
//! - an `Encounter` record of the practice's own source (the records function's
//!   `practice_source`), `finished` or `in-progress`, dated on a full day not after today;
//! - a portal appointment (`keys::patient_appointments`, GSI1 by start) that is `booked` and
//!   started before now.
//!
//! Both are read from the window's first day on only: an older visit does not count anyway.

use portal_records::model::{Category, Source};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, string};
use portal_shared::policy::authz::PatientAccess;
use serde::Deserialize;
use time::Date;
use time::macros::format_description;

use crate::Deps;

/// What is read of a visit record.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VisitRecord {
    resource_type: String,
    #[serde(default)]
    status: Option<String>,
    /// The visit's day (YYYY-MM-DD, or shorter for a partial date).
    #[serde(default)]
    day: Option<String>,
    source: Source,
}

/// What is read of an appointment.
#[derive(Debug, Deserialize)]
struct BookedVisit {
    start: Timestamp,
    status: String,
}

/// The day of the patient's last visit with the practice on or after `from` and not after
/// `now`, if any.
pub async fn last_visit(
    deps: &Deps,
    access: &PatientAccess,
    from: Date,
    now: Timestamp,
) -> Result<Option<Date>, ApiError> {
    let encounter = last_encounter(deps, access, from, now.date()).await?;
    let appointment = last_appointment(deps, access, from, now).await?;
    Ok(encounter.max(appointment))
}

/// The latest practice encounter's day, in `[from, today]`.
async fn last_encounter(
    deps: &Deps,
    access: &PatientAccess,
    from: Date,
    today: Date,
) -> Result<Option<Date>, ApiError> {
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    let patient = access.patient();
    let prefix = keys::health_record_category_prefix(Category::Visits.as_str());
    let practice = deps.practice.source_id.clone();
    let records: Vec<VisitRecord> = store::query_all(|start_after| {
        dynamo
            .query()
            .table_name(table)
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :pk AND begins_with(GSI1SK, :prefix)")
            .filter_expression("#source.sourceId = :practice")
            .projection_expression("#type, #status, #day, #source")
            .expression_attribute_names("#type", "resourceType")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#day", "day")
            .expression_attribute_names("#source", "source")
            .expression_attribute_values(":pk", string(keys::health_record_index(patient)))
            .expression_attribute_values(":prefix", string(prefix.clone()))
            .expression_attribute_values(":practice", string(practice.clone()))
            .set_exclusive_start_key(start_after)
    })
    .await?;
    Ok(records
        .iter()
        .filter_map(|record| encounter_day(record, &deps.practice))
        .filter(|day| (from..=today).contains(day))
        .max())
}

/// The day of a practice encounter that took place (or is taking place); `None` for anything
/// else or a date that is not a full day.
fn encounter_day(record: &VisitRecord, practice: &Source) -> Option<Date> {
    let took_place = matches!(record.status.as_deref(), Some("finished" | "in-progress"));
    if record.resource_type != "Encounter"
        || !took_place
        || record.source.source_id != practice.source_id
    {
        return None;
    }
    parse_day(record.day.as_deref()?)
}

fn parse_day(raw: &str) -> Option<Date> {
    Date::parse(raw, format_description!("[year]-[month]-[day]")).ok()
}

/// The latest booked appointment's day that started in `[from, now)`.
async fn last_appointment(
    deps: &Deps,
    access: &PatientAccess,
    from: Date,
    now: Timestamp,
) -> Result<Option<Date>, ApiError> {
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    let patient = access.patient();
    let mut start_after = None;
    // Newest first: the first booked one is the answer; cancelled ones are skipped.
    loop {
        let query = dynamo
            .query()
            .table_name(table)
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :pk AND GSI1SK BETWEEN :from AND :now")
            .projection_expression("#start, #status")
            .expression_attribute_names("#start", "start")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pk", string(keys::patient_appointments(patient)))
            .expression_attribute_values(":from", string(Timestamp::start_of(from).to_string()))
            // Sort keys are `<start>#<id>`: every one starting before now sorts before `now`.
            .expression_attribute_values(":now", string(now.to_string()))
            .scan_index_forward(false)
            .set_exclusive_start_key(start_after.take());
        let (page, last) = store::query_page::<BookedVisit>(query).await?;
        if let Some(visit) = page
            .iter()
            .find(|visit| visit.status == "booked" && visit.start < now)
        {
            return Ok(Some(visit.start.date()));
        }
        match last {
            Some(last) if !last.is_empty() => start_after = Some(last),
            _ => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_records::sources::practice_source;
    use time::macros::date;

    fn visit(
        resource_type: &str,
        status: Option<&str>,
        day: Option<&str>,
        source: &Source,
    ) -> VisitRecord {
        VisitRecord {
            resource_type: resource_type.into(),
            status: status.map(str::to_owned),
            day: day.map(str::to_owned),
            source: source.clone(),
        }
    }

    #[test]
    fn only_practice_encounters_that_took_place_on_a_full_day_count() {
        let practice = practice_source("Maple Street Family Practice", None);
        let other = practice_source("Lakeside Hospital", None);
        let day = Some("2026-11-02");
        assert_eq!(
            encounter_day(
                &visit("Encounter", Some("finished"), day, &practice),
                &practice
            ),
            Some(date!(2026 - 11 - 02))
        );
        assert_eq!(
            encounter_day(
                &visit("Encounter", Some("in-progress"), day, &practice),
                &practice
            ),
            Some(date!(2026 - 11 - 02))
        );
        for (case, record) in [
            (
                "another source",
                visit("Encounter", Some("finished"), day, &other),
            ),
            (
                "planned",
                visit("Encounter", Some("planned"), day, &practice),
            ),
            (
                "cancelled",
                visit("Encounter", Some("cancelled"), day, &practice),
            ),
            ("no status", visit("Encounter", None, day, &practice)),
            (
                "no day",
                visit("Encounter", Some("finished"), None, &practice),
            ),
            (
                "a partial date",
                visit("Encounter", Some("finished"), Some("2026-11"), &practice),
            ),
            (
                "a procedure",
                visit("Procedure", Some("completed"), day, &practice),
            ),
        ] {
            assert_eq!(encounter_day(&record, &practice), None, "{case}");
        }
    }
}
