//! `GET /providers/{providerId}/slots?from=&to=&visitType=`: the open slots of a provider.
//! Not a patient's data: any signed-in caller may search them.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ProviderId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::authz::Authorizer;
use portal_shared::policy::caller::{Caller, Role};
use serde::Serialize;

use crate::Deps;
use crate::checks::provider_in_path;
use crate::model::schedule::{self, SLOT_UNIT_MINUTES, Schedule};
use crate::requests::SlotSearch;

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

/// Patients, caregivers and staff who do not book see only what may be booked online (the
/// self-booking notice); the front desk sees every future slot once past the Authorizer's staff
/// MFA gate. Short of it they see what patients see: the route serves everyone signed in.
fn sees_every_future_slot(caller: &Caller) -> bool {
    caller.has(Role::FrontDesk) && Authorizer::staff_mfa(caller).is_ok()
}

/// `?from=&to=&visitType=`: the slots of that visit type starting in `[from, to)` (at most
/// 31 days; `from` defaults to now, `to` to a week later) that no booking overlaps.
pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let provider_id = provider_in_path(call)?;
    let now = Timestamp::now();
    let SlotSearch { visit, from, to } = SlotSearch::from_call(call, now)?;
    let providers = deps.providers();
    let provider = providers
        .provider(provider_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut items = Vec::new();
    if provider.offers(visit.id)
        && let Some(stored) = providers.schedule(provider_id).await?
    {
        let published = Schedule::parse(&stored.doc)?;
        let not_before = if sees_every_future_slot(call.caller()) {
            now
        } else {
            now.plus(deps.practice.self_booking_notice)
        };
        let starts = published.slots(&deps.practice.zone, visit.minutes, from, to, not_before);
        if let (Some(first), Some(last)) = (starts.first(), starts.last()) {
            let until = schedule::plus_minutes(*last, visit.minutes - SLOT_UNIT_MINUTES);
            let taken = deps.slots().taken(provider_id, *first, until).await?;
            items = schedule::free_starts(starts, visit.minutes, &taken)
                .map(|start| OpenSlot {
                    start,
                    end: schedule::plus_minutes(start, visit.minutes),
                    visit_type: visit.id,
                })
                .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use portal_shared::policy::caller::{SignInFacts, UserSub};

    fn caller(roles: &[Role], mfa: bool) -> Caller {
        Caller {
            sign_in: SignInFacts {
                mfa,
                ..Default::default()
            },
            sub: UserSub::parse("user-1").expect("sub"),
            roles: roles.iter().copied().collect(),
            patient_id: None,
            display_name: None,
        }
    }

    #[test]
    fn only_the_front_desk_with_an_authenticator_app_sees_every_future_slot() {
        assert!(sees_every_future_slot(&caller(&[Role::FrontDesk], true)));
        assert!(!sees_every_future_slot(&caller(&[Role::FrontDesk], false)));
        assert!(!sees_every_future_slot(&caller(&[Role::Clinician], true)));
        assert!(!sees_every_future_slot(&caller(&[Role::Patient], true)));
        assert!(!sees_every_future_slot(&caller(&[Role::Caregiver], false)));
    }
}
