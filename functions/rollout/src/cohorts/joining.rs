//! Turning registered patients into cohort members: what a member item copies from each
//! patient's profile (legal name and date of birth), read under an audited access.

use futures::{StreamExt, TryStreamExt, stream};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::profile_facts::{Fact, ProfileFacts};
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::StaffAccess;

use crate::Deps;
use crate::cohorts::model::CohortMember;

/// Patients read at once (each is an audit put and a GetItem): enough to keep a list of
/// thousands within the function's time, few enough not to flood the table.
pub const CONCURRENCY: usize = 16;

/// For each patient (in order), the member item they would join with, or `None` when the id
/// names no registered patient. Each patient is audited (in their own log) before their
/// profile is read.
pub async fn members_of(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    patients: &[PatientId],
    now: Timestamp,
) -> Result<Vec<Option<CohortMember>>, ApiError> {
    stream::iter(patients.iter().copied())
        .map(|patient| member_of(deps, call, access, patient, now))
        .buffered(CONCURRENCY)
        .try_collect()
        .await
}

async fn member_of(
    deps: &Deps,
    call: &Call,
    access: &StaffAccess,
    patient: PatientId,
    now: Timestamp,
) -> Result<Option<CohortMember>, ApiError> {
    let patient_access = deps
        .platform
        .authorizer()
        .patient_via_staff(call, access, patient, &AuditResource::Profile)
        .await?;
    let facts = ProfileFacts::read(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &patient_access,
        &[Fact::Name, Fact::DateOfBirth],
    )
    .await?;
    Ok(facts.and_then(|facts| {
        let name = facts.legal_name?;
        Some(CohortMember {
            patient_id: patient,
            family_name: name.family,
            given_name: name.given,
            birth_date: facts.date_of_birth?,
            added_at: now,
            added_by: call.caller().sub.clone(),
        })
    }))
}
