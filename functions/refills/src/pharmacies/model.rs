//! A pharmacy of the directory as stored (`keys::pharmacy`) and as listed.

use portal_shared::domain::ids::PharmacyId;
use portal_shared::domain::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{PharmacyAddress, PharmacySnapshot};

/// The stored item: what a request's snapshot copies, when it was added, and when it was
/// retired (then hidden from the list, kept for the requests that name it).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pharmacy {
    pub pharmacy_id: PharmacyId,
    pub name: String,
    pub address: PharmacyAddress,
    pub phone: String,
    #[serde(default)]
    pub ncpdp_id: Option<String>,
    #[serde(default)]
    pub npi: Option<String>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub retired_at: Option<Timestamp>,
}

impl Pharmacy {
    /// A new directory entry from a checked pharmacy.
    pub fn new(checked: PharmacySnapshot, now: Timestamp) -> Self {
        Pharmacy {
            pharmacy_id: PharmacyId::generate(),
            name: checked.name,
            address: checked.address,
            phone: checked.phone,
            ncpdp_id: checked.ncpdp_id,
            npi: checked.npi,
            created_at: now,
            retired_at: None,
        }
    }

    /// As the API shows it (and a request's snapshot copies it): `{pharmacyId, name, address,
    /// phone, ncpdpId?, npi?}`.
    pub fn view(&self) -> PharmacySnapshot {
        PharmacySnapshot {
            pharmacy_id: Some(self.pharmacy_id),
            name: self.name.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            ncpdp_id: self.ncpdp_id.clone(),
            npi: self.npi.clone(),
        }
    }
}

/// `{items: [...]}`.
#[derive(Debug, Serialize)]
pub struct Pharmacies {
    pub items: Vec<PharmacySnapshot>,
}

/// The most a search answers.
pub const MAX_LISTED: usize = 50;
/// The longest search text.
pub const MAX_QUERY_CHARS: usize = 100;

/// The active pharmacies whose name contains `q` (case and accents as typed aside: compared in
/// lower case), by name, at most [`MAX_LISTED`].
pub fn search(all: Vec<Pharmacy>, q: &str) -> Vec<Pharmacy> {
    let q = q.trim().to_lowercase();
    let mut found: Vec<Pharmacy> = all
        .into_iter()
        .filter(|p| p.retired_at.is_none() && p.name.to_lowercase().contains(&q))
        .collect();
    found.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.pharmacy_id.to_string().cmp(&b.pharmacy_id.to_string()))
    });
    found.truncate(MAX_LISTED);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pharmacy(name: &str, retired: bool) -> Pharmacy {
        let now = Timestamp::now();
        Pharmacy {
            pharmacy_id: PharmacyId::generate(),
            name: name.into(),
            address: PharmacyAddress {
                line: "1 Main St".into(),
                city: "Springfield".into(),
                state: "IL".into(),
                postal_code: "62701".into(),
            },
            phone: "217 555 0100".into(),
            ncpdp_id: Some("1234567".into()),
            npi: None,
            created_at: now,
            retired_at: retired.then_some(now),
        }
    }

    #[test]
    fn a_search_lists_active_pharmacies_whose_name_contains_it_by_name() {
        let all = vec![
            pharmacy("Oak Pharmacy", false),
            pharmacy("Maple Street Pharmacy", false),
            pharmacy("Old Maple Drugs", true),
            pharmacy("maple corner", false),
        ];
        let names = |found: Vec<Pharmacy>| found.into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(
            names(search(all.clone(), " MAPLE ")),
            ["maple corner", "Maple Street Pharmacy"]
        );
        assert_eq!(
            names(search(all, "")),
            ["maple corner", "Maple Street Pharmacy", "Oak Pharmacy"]
        );
        let many: Vec<Pharmacy> = (0..60)
            .map(|n| pharmacy(&format!("P{n:02}"), false))
            .collect();
        assert_eq!(search(many, "p").len(), MAX_LISTED);
    }

    #[test]
    fn the_view_is_the_snapshot_a_request_copies() {
        let p = pharmacy("Oak Pharmacy", false);
        let json = serde_json::to_value(p.view()).expect("json");
        assert_eq!(json["pharmacyId"], p.pharmacy_id.to_string());
        assert_eq!(json["address"]["postalCode"], "62701");
        assert!(json.get("npi").is_none() && json.get("createdAt").is_none());
        let stored = serde_json::to_value(&p).expect("json");
        assert!(stored.get("retiredAt").is_none());
    }
}
