//! The adoption figures a sign-in and an activation add to (the rollout function reads them):
//! the day's set of patients who signed in (`portal_shared::features::sign_ins`), and an
//! invitation wave's member activated (`portal_shared::features::invitation_wave`). Best
//! effort: neither ever fails the sign-in or the activation; a problem is logged with ids only.

use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::{invitation_wave, sign_ins};
use portal_shared::platform::error::cause_chain;

use crate::Deps;
use crate::model::Lookup;

/// The patient's account signed in (a sign-in that completed, with tokens).
pub async fn signed_in(deps: &Deps, request_id: &str, patient: PatientId) {
    let platform = &deps.platform;
    let day = sign_ins::day_of(deps.practice_zone.as_ref(), Timestamp::now());
    if let Err(error) =
        sign_ins::record_sign_in(&platform.dynamo, &platform.app_table, &day, patient).await
    {
        tracing::warn!(
            request_id,
            patient_id = %patient,
            problem = error.slug(),
            cause = %cause_chain(&error),
            "the sign-in was not counted for adoption; the sign-in goes ahead"
        );
    }
}

/// The patient activated their account with the code `lookup` found: if an invitation wave
/// sent it, the wave's member is activated.
pub async fn activated(deps: &Deps, request_id: &str, lookup: &Lookup, at: Timestamp) {
    let Some(wave) = lookup.wave_id else {
        return;
    };
    let platform = &deps.platform;
    let day = sign_ins::day_of(deps.practice_zone.as_ref(), at);
    let marked = invitation_wave::mark_activated(
        &platform.dynamo,
        &platform.app_table,
        &day,
        wave,
        lookup.patient_id,
        lookup.code_id,
        lookup.expires,
        at,
    )
    .await;
    match marked {
        Ok(true) => {}
        Ok(false) => tracing::info!(
            request_id,
            wave_id = %wave,
            patient_id = %lookup.patient_id,
            "the wave's member had moved on; not marked activated"
        ),
        Err(error) => tracing::warn!(
            request_id,
            wave_id = %wave,
            patient_id = %lookup.patient_id,
            problem = error.slug(),
            cause = %cause_chain(&error),
            "the wave's member was not marked activated; the activation stands"
        ),
    }
}
