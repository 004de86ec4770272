//! "Your sign-in security changed": the account holder hears of every change to their
//! authenticator app (turned on or off, a backup code used, a reset by the practice) through
//! the outbox, like a new sign-in. A patient's account: the patient (never their caregivers);
//! any other account: its own address. Best effort: the change stands whatever the notice.

use std::time::Duration;

use portal_shared::domain::ids::PatientId;
use portal_shared::domain::person::Email;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::mfa::{AboutMfaChange, MfaChange};
use portal_shared::features::notification::{Kind, Notification, Recipient};
use portal_shared::platform::error::cause_chain;
use portal_shared::platform::store;
use portal_shared::policy::caller::UserSub;

use crate::Deps;

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

/// Puts the notice of `change` in the outbox; a failure is logged by request id alone.
pub async fn tell(deps: &Deps, request_id: &str, holder: &Holder, change: MfaChange) {
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
        deps.platform
            .dynamo
            .put_item()
            .table_name(&deps.platform.app_table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .map_err(store::sdk_error)?;
        Ok::<_, portal_shared::ApiError>(())
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
