//! The practice's pharmacy directory: `GET /pharmacies?q=` (anyone signed in: patients, any
//! caregiver, every staff role; the directory is no one's health data, so reads are not
//! audited), `POST /staff/pharmacies` and `DELETE /staff/pharmacies/{pharmacyId}` (admin and
//! front desk: `Action::ManagePharmacies`, audited as actions about no patient). A pharmacy is
//! checked as a patient's entered one is (`pharmacy_input`: NCPDP id and/or NPI with its Luhn
//! check). Retiring keeps it (old requests name it) and hides it from the list.

mod add;
mod list;
mod model;
mod repo;
mod retire;

pub use add::handle as add;
pub use list::handle as list;
pub use retire::handle as retire;

use portal_shared::policy::audit::AuditResource;

use crate::Deps;
use crate::pharmacies::repo::PharmacyStore;

fn store(deps: &Deps) -> PharmacyStore<'_> {
    PharmacyStore::new(&deps.platform.dynamo, &deps.platform.app_table)
}

fn audit_resource(pharmacy: impl ToString) -> AuditResource {
    AuditResource::Pharmacy(pharmacy.to_string())
}
