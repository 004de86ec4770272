//! The prescription refills demo: two pharmacies in the practice's directory (added by the front
//! desk) and one open refill request from the second patient (Samuel), so the clinicians' queue
//! has something in it and the contract test a refill id. Written through the running gateway
//! with the front desk's and the patient's tokens, so the refills function's own code writes
//! every item. Ana's metformin renewal is not seeded: the README's walk-through asks for it
//! live (her practice visit of 2026-11-02, in the Maple Street bundle, makes it eligible).

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::seed_schedule::call;

/// The directory's demo pharmacies: one known by its NCPDP id, one by its NPI.
pub fn demo_pharmacies() -> [Value; 2] {
    [
        json!({
            "name": "Maple Street Pharmacy",
            "address": {"line": "125 Maple Street", "city": "Springfield", "state": "IL", "postalCode": "62701"},
            "phone": "+12175550140",
            "ncpdpId": "1234567",
        }),
        json!({
            "name": "Riverside Drugstore",
            "address": {"line": "8 River Road", "city": "Springfield", "state": "IL", "postalCode": "62704"},
            "phone": "+12175550188",
            "npi": "1497758544",
        }),
    ]
}

/// Adds the demo pharmacies as the front desk, then files the second patient's request to renew
/// one of their medications (not metformin: Ana asks for hers in the walk-through) at the first
/// pharmacy. Runs after the health records are imported: the request names a record.
pub async fn seed_refills(
    http: &reqwest::Client,
    api_url: &str,
    front_desk: &str,
    patient2: &str,
) -> Result<()> {
    let api = api_url.trim_end_matches('/');
    let mut pharmacy_ids = Vec::new();
    for pharmacy in demo_pharmacies() {
        let added = call(
            http.post(format!("{api}/staff/pharmacies")).json(&pharmacy),
            front_desk,
            "adding a demo pharmacy",
        )
        .await?;
        let id = added
            .get("pharmacyId")
            .and_then(Value::as_str)
            .context("a demo pharmacy has no id")?;
        pharmacy_ids.push(id.to_owned());
    }
    let pharmacy = pharmacy_ids.first().context("no demo pharmacy")?;

    let medications = call(
        http.get(format!("{api}/patients/me/refills/medications")),
        patient2,
        "listing the second demo patient's medications",
    )
    .await?;
    let record = renewable(&medications)
        .context("the second demo patient has no medication to renew (is the practice's visit in the Maple Street bundle older than RefillVisitMonths?)")?;
    call(
        http.post(format!("{api}/patients/me/refills"))
            .header("Idempotency-Key", "demo-refill-patient2")
            .json(&json!({
                "recordId": record,
                "pharmacy": {"pharmacyId": pharmacy},
                "note": "Running low: about a week of tablets left.",
            })),
        patient2,
        "filing the demo refill request",
    )
    .await?;
    Ok(())
}

/// The record id of the first medication that may be renewed, metformin last (the walk-through
/// renews Ana's, and the demo patients share one record's medications).
fn renewable(medications: &Value) -> Option<String> {
    let items = medications.get("items")?.as_array()?;
    let eligible = |item: &&Value| item.get("eligible").and_then(Value::as_bool) == Some(true);
    let is_metformin = |item: &&Value| {
        item.get("title")
            .and_then(Value::as_str)
            .is_some_and(|title| title.to_lowercase().contains("metformin"))
    };
    items
        .iter()
        .filter(eligible)
        .find(|item| !is_metformin(item))
        .or_else(|| items.iter().find(eligible))
        .and_then(|item| item.get("recordId")?.as_str())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_request_prefers_a_medication_other_than_metformin() {
        let list = json!({"items": [
            {"recordId": "R1", "title": "24 HR metformin hydrochloride 500 MG", "eligible": true},
            {"recordId": "R2", "title": "oxycodone 5 MG", "eligible": false},
            {"recordId": "R3", "title": "lisinopril 10 MG Oral Tablet", "eligible": true},
        ]});
        assert_eq!(renewable(&list).as_deref(), Some("R3"));
        let only_metformin = json!({"items": [
            {"recordId": "R1", "title": "metformin", "eligible": true},
            {"recordId": "R2", "title": "oxycodone", "eligible": false},
        ]});
        assert_eq!(renewable(&only_metformin).as_deref(), Some("R1"));
        assert_eq!(
            renewable(&json!({"items": [{"recordId": "R2", "eligible": false}]})),
            None
        );
    }

    #[test]
    fn each_demo_pharmacy_names_an_ncpdp_id_or_an_npi() {
        for pharmacy in demo_pharmacies() {
            assert!(pharmacy.get("ncpdpId").is_some() || pharmacy.get("npi").is_some());
        }
    }
}
