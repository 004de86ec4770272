//! "Your sign-in security changed": the account holder hears of every change to their
//! authenticator app (turned on or off, a backup code used, a reset by the practice) through
//! the outbox, like a new sign-in. A patient's account: the patient (never their caregivers);
//! any other account (a caregiver's, a staff member's): its own address. Best effort: the
//! change stands whatever the notice. Shared by the auth function (the holder's own changes,
//! the front desk's reset of a patient) and the staff function (the reset of a caregiver).

use std::time::Duration;

use aws_sdk_dynamodb::Client as Dynamo;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::person::Email;
use crate::domain::timestamp::Timestamp;
use crate::features::mfa::{AboutMfaChange, MfaChange};
use crate::features::notification::{Kind, Notification, Recipient};
use crate::platform::error::cause_chain;
use crate::platform::store;
use crate::policy::caller::UserSub;

/// A notice unsent after a week is stale news; TTL removes it.
const KEEP_FOR: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Whom an account's notice goes to.
pub struct Holder {
    pub sub: UserSub,
    pub patient_id: Option<PatientId>,
    pub email: Option<String>,
    pub locale: Option<String>,
}

impl Holder {
    fn recipient(&self) -> Option<Recipient> {
        if let Some(patient_id) = self.patient_id {
            return Some(Recipient::Patient { patient_id });
        }
        Some(Recipient::Account {
            sub: self.sub.clone(),
            email: Email::parse(self.email.as_deref()?).ok()?,
            language: self.locale.clone(),
        })
    }
}

/// Puts the notice of `change` in the outbox of the app `table`; a failure is logged by
/// request id alone.
pub async fn tell(
    dynamo: &Dynamo,
    table: &str,
    request_id: &str,
    holder: &Holder,
    change: MfaChange,
) {
    let Some(recipient) = holder.recipient() else {
        tracing::warn!(request_id, "an MFA change has no one to tell (no address)");
        return;
    };
    let now = Timestamp::now();
    let notice = Notification::pending(
        Kind::MfaChanged,
        recipient,
        AboutMfaChange { at: now, change },
        now,
        now.plus(KEEP_FOR),
    );
    let result = async {
        let item = store::to_item(&notice.key(), &notice)?;
        dynamo
            .put_item()
            .table_name(table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .map_err(store::sdk_error)?;
        Ok::<_, ApiError>(())
    }
    .await;
    if let Err(error) = result {
        tracing::warn!(
            request_id,
            error = %cause_chain(&error),
            "the MFA change notice could not be written"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(patient: Option<PatientId>, email: Option<&str>) -> Holder {
        Holder {
            sub: UserSub::parse("carer-1").expect("sub"),
            patient_id: patient,
            email: email.map(str::to_owned),
            locale: Some("es".into()),
        }
    }

    #[test]
    fn a_patient_hears_as_the_patient_and_any_other_account_at_its_address() {
        let patient = PatientId::generate();
        assert!(matches!(
            holder(Some(patient), Some("ana@example.org")).recipient(),
            Some(Recipient::Patient { patient_id }) if patient_id == patient
        ));
        assert!(matches!(
            holder(None, Some("carer@example.org")).recipient(),
            Some(Recipient::Account { language: Some(language), .. }) if language == "es"
        ));
        assert!(holder(None, None).recipient().is_none());
        assert!(holder(None, Some("not an address")).recipient().is_none());
    }
}
