//! The provider directory, visit types, published schedules and open slots. None of this is a
//! patient's data: any signed-in caller may read the directory and open slots; the published
//! schedule itself (closed dates and blocks say when a provider is away) is for the staff who
//! run or work it, the front desk and clinicians; only the front desk changes it.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ProviderId;
use portal_shared::domain::person::clean_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::{Version, required_if_match};
use portal_shared::platform::http::{Call, json, json_with_headers};
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::pagination::PageRequest;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::audit::Outcome as AuditOutcome;
use portal_shared::policy::authz::Action;
use portal_shared::policy::caller::Role;
use serde::{Deserialize, Serialize};

use crate::Deps;
use crate::repo::{Provider, StoredSchedule};
use crate::schedule::{
    self, MAX_SEARCH_DAYS, SLOT_UNIT_MINUTES, Schedule, ScheduleDoc, VISIT_TYPES, VisitType,
};

#[derive(Serialize)]
struct VisitTypes {
    items: &'static [VisitType],
}

pub fn visit_types(_call: &Call) -> Result<Response<Body>, ApiError> {
    json(StatusCode::OK, &VisitTypes { items: VISIT_TYPES })
}

fn provider_in_path(call: &Call) -> Result<ProviderId, ApiError> {
    call.path_param("providerId")
        .and_then(|raw| ProviderId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

/// `?specialty=&acceptingNewPatients=true|false` filter the directory (a practice's directory
/// is small: Queries of the directory's index partition, in name order). The directory is read
/// on until the page is full or the directory ends, so a filter never gives a short page with a
/// cursor; the cursor is the key of the last provider answered, so the next page resumes just
/// after it whatever the filter skipped.
pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let mut errors = FieldErrors::new();
    let accepting = match call.query("acceptingNewPatients").as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.add("acceptingNewPatients", "must be true or false");
            None
        }
    };
    let specialty = call.query("specialty").map(|s| s.trim().to_lowercase());
    let page = PageRequest::from_call(call, "providers".into(), &deps.platform.cursor_key);
    let page = match page {
        Ok(page) => Some(page),
        Err(ApiError::Invalid(found)) => {
            for error in found {
                errors.add(error.field, error.message);
            }
            None
        }
        Err(other) => return Err(other),
    };
    errors.finish()?;
    let Some(page) = page else {
        return Err(ApiError::internal("page request missing"));
    };
    let matches = |p: &Provider| {
        specialty
            .as_ref()
            .is_none_or(|s| p.specialty.to_lowercase() == *s)
            && accepting.is_none_or(|a| p.accepting_new_patients == a)
    };
    let (items, last) = deps
        .repo()
        .providers(page.limit, page.start_after.clone(), matches)
        .await?;
    json(
        StatusCode::OK,
        &page.page(items, last, &deps.platform.cursor_key)?,
    )
}

pub async fn get(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let provider = provider_in_path(call)?;
    let found = deps
        .repo()
        .provider(provider)
        .await?
        .ok_or(ApiError::NotFound)?;
    json(StatusCode::OK, &found)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewProvider {
    name: String,
    specialty: String,
    accepting_new_patients: bool,
    visit_types: Vec<String>,
}

pub async fn add(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageSchedules).await?;
    let request: NewProvider = call.json_body()?;
    let mut errors = FieldErrors::new();
    let name = errors.check("name", clean_text(&request.name, 100, "a name"));
    let specialty = errors.check(
        "specialty",
        clean_text(&request.specialty, 60, "a specialty").map(|s| s.to_lowercase()),
    );
    if request.visit_types.is_empty() {
        errors.add("visitTypes", "must name at least one visit type");
    }
    for (index, id) in request.visit_types.iter().enumerate() {
        if schedule::visit_type(id).is_none() {
            errors.add(
                format!("visitTypes[{index}]"),
                format!("must be one of {}", schedule::visit_type_ids()),
            );
        }
    }
    errors.finish()?;
    let (Some(name), Some(specialty)) = (name, specialty) else {
        return Err(ApiError::internal("validated fields missing"));
    };
    let mut visit_types = request.visit_types;
    visit_types.sort();
    visit_types.dedup();
    let idempotency = Idempotency::from_call(call)?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let provider = Provider {
        provider_id: ProviderId::generate(),
        name,
        specialty,
        accepting_new_patients: request.accepting_new_patients,
        visit_types,
        created_at: Timestamp::now(),
    };
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&provider).map_err(ApiError::internal)?,
        location: Some(call.link(&format!("/providers/{}", provider.provider_id))),
        etag: None,
        patient_id: None,
    };
    let items = deps.repo().add_provider(&provider)?;
    match create_once(dynamo, table, idempotency.as_ref(), items, response).await? {
        Outcome::Created(created) => {
            authorizer
                .record_staff_action(
                    call,
                    &access,
                    &AuditResource::Provider(provider.provider_id.to_string()),
                    AuditOutcome::Allowed,
                )
                .await?;
            created.render(false)
        }
        Outcome::Replayed(first) => first.render(true),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PublishedSchedule<'a> {
    provider_id: ProviderId,
    time_zone: &'a str,
    #[serde(flatten)]
    schedule: &'a StoredSchedule,
}

fn published(
    deps: &Deps,
    provider: ProviderId,
    stored: &StoredSchedule,
) -> Result<Response<Body>, ApiError> {
    json_with_headers(
        StatusCode::OK,
        &PublishedSchedule {
            provider_id: provider,
            time_zone: &deps.practice.zone_name,
            schedule: stored,
        },
        &[(header::ETAG, Version(stored.version).etag())],
    )
}

/// `GET /providers/{providerId}/schedule`: the weekly hours, closed dates and blocks exactly as
/// published, with the ETag a replacement must send. A provider without published hours has
/// an empty schedule (`publishedAt` null) at version 0.
pub async fn get_schedule(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    deps.platform
        .authorizer()
        .staff(call, Action::ReadSchedule)
        .await?;
    let provider = provider_in_path(call)?;
    let repo = deps.repo();
    if repo.provider(provider).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    let stored = repo
        .schedule(provider)
        .await?
        .unwrap_or_else(|| StoredSchedule {
            doc: ScheduleDoc {
                weekly: Vec::new(),
                closed_dates: Vec::new(),
                date_hours: Vec::new(),
                blocks: Vec::new(),
            },
            published_at: None,
            version: 0,
        });
    published(deps, provider, &stored)
}

/// Replaces the provider's published availability, if it is still the version the caller read
/// (`If-Match`: 428 without it, 412 when someone published meanwhile; `"0"` for a provider
/// without hours yet). Booked visits stay booked: a slot that is no longer offered keeps its
/// appointment until staff move or cancel it.
pub async fn publish_schedule(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageSchedules).await?;
    let provider = provider_in_path(call)?;
    let expected = required_if_match(call)?;
    let doc: ScheduleDoc = call.json_body()?;
    Schedule::parse(&doc)?;
    let repo = deps.repo();
    if repo.provider(provider).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    let stored = StoredSchedule {
        doc,
        published_at: Some(Timestamp::now()),
        version: expected.next().0,
    };
    if !repo.publish_schedule(provider, &stored, expected.0).await? {
        return Err(ApiError::PreconditionFailed);
    }
    authorizer
        .record_staff_action(
            call,
            &access,
            &AuditResource::ProviderSchedule(provider.to_string()),
            AuditOutcome::Allowed,
        )
        .await?;
    published(deps, provider, &stored)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenSlot {
    start: Timestamp,
    end: Timestamp,
    visit_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenSlots<'a> {
    provider_id: ProviderId,
    time_zone: &'a str,
    items: Vec<OpenSlot>,
}

/// `?from=&to=&visitType=`: the slots of that visit type starting in `[from, to)` (at most
/// 31 days; `from` defaults to now, `to` to a week later) that no booking overlaps.
pub async fn open_slots(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let provider_id = provider_in_path(call)?;
    let now = Timestamp::now();
    let mut errors = FieldErrors::new();
    let mut instant = |name: &str| match call.query(name) {
        None => Ok(None),
        Some(raw) => match Timestamp::parse(&raw) {
            Some(at) => Ok(Some(at)),
            None => {
                errors.add(name, "must be an RFC 3339 timestamp");
                Err(())
            }
        },
    };
    let from = instant("from");
    let to = instant("to");
    let visit = match call.query("visitType") {
        None => {
            errors.add("visitType", "is required");
            None
        }
        Some(raw) => {
            let found = schedule::visit_type(&raw);
            if found.is_none() {
                errors.add(
                    "visitType",
                    format!("must be one of {}", schedule::visit_type_ids()),
                );
            }
            found
        }
    };
    let from = from.ok().flatten().unwrap_or(now);
    let to = to
        .ok()
        .flatten()
        .unwrap_or_else(|| from.plus(std::time::Duration::from_secs(7 * 24 * 3600)));
    if to <= from {
        errors.add("to", "must be after from");
    } else if to.unix_seconds() - from.unix_seconds() > MAX_SEARCH_DAYS * 24 * 3600 {
        errors.add(
            "to",
            format!("must be at most {MAX_SEARCH_DAYS} days after from"),
        );
    }
    errors.finish()?;
    let Some(visit) = visit else {
        return Err(ApiError::internal("validated visit type missing"));
    };
    let repo = deps.repo();
    let provider = repo
        .provider(provider_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut items = Vec::new();
    if provider.visit_types.iter().any(|v| v == visit.id)
        && let Some(stored) = repo.schedule(provider_id).await?
    {
        let published = Schedule::parse(&stored.doc)?;
        // Patients, caregivers and staff who do not book see only what may be booked online
        // (the self-booking notice); the front desk sees every future slot.
        let not_before = if call.caller().has(Role::FrontDesk) {
            now
        } else {
            now.plus(deps.practice.self_booking_notice)
        };
        let starts = published.slots(&deps.practice.zone, visit.minutes, from, to, not_before);
        if let (Some(first), Some(last)) = (starts.first(), starts.last()) {
            let until = schedule::plus_minutes(*last, visit.minutes - SLOT_UNIT_MINUTES);
            let taken = repo.taken_units(provider_id, *first, until).await?;
            for start in starts {
                let free = schedule::units(start, visit.minutes)
                    .iter()
                    .all(|unit| !taken.contains(unit));
                if free {
                    items.push(OpenSlot {
                        start,
                        end: schedule::plus_minutes(start, visit.minutes),
                        visit_type: visit.id,
                    });
                }
            }
        }
    }
    json(
        StatusCode::OK,
        &OpenSlots {
            provider_id,
            time_zone: &deps.practice.zone_name,
            items,
        },
    )
}
