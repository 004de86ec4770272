//! Sending a new activation code to the patient (`deliverBy`) instead of showing it: the
//! contact on file must exist, and the code goes into an outbox record
//! (`portal_shared::features::notification`) written with the code itself, for the sender to
//! deliver and then strip from the record.

use aws_sdk_dynamodb::Client;
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::one_time_code::Code;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{
    AboutActivation, Channel, Kind, Notification, Recipient,
};
use portal_shared::features::profile_facts::ProfileFacts;
use portal_shared::features::suppression;

pub type Invitation = Notification<AboutActivation>;

/// 422 naming `deliverBy` unless the profile has the contact `channel` needs, and that
/// address has not bounced, been marked as spam or refused texts for good.
pub async fn check_contact(
    dynamo: &Client,
    table: &str,
    facts: &ProfileFacts,
    channel: Channel,
) -> Result<(), ApiError> {
    let Some(address) = facts.address_for(channel) else {
        return Err(ApiError::invalid(
            "deliverBy",
            match channel {
                Channel::Email => "the patient's profile has no email address to send the code to",
                Channel::Sms => "the patient's profile has no phone number to text the code to",
            },
        ));
    };
    if suppression::find(dynamo, table, &address).await?.is_some() {
        return Err(ApiError::invalid(
            "deliverBy",
            match channel {
                Channel::Email => {
                    "the patient's email address is undeliverable (mail to it bounced or was \
                     marked as spam): correct it on the profile, or show the code"
                }
                Channel::Sms => {
                    "the patient's phone number cannot receive texts: correct it on the \
                     profile, or show the code"
                }
            },
        ));
    }
    Ok(())
}

/// The record that sends `code` to the patient by `channel`; useless once the code expires.
pub fn invitation(
    patient: PatientId,
    code: &Code,
    code_expires: Timestamp,
    channel: Channel,
    now: Timestamp,
) -> Invitation {
    Notification::pending(
        Kind::ActivationInvitation,
        Recipient::Patient {
            patient_id: patient,
        },
        AboutActivation {
            code: code.display(),
            code_expires,
            channel,
        },
        now,
        code_expires,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_goes_only_where_the_profile_can_be_reached() {
        let email_only: ProfileFacts =
            serde_json::from_value(serde_json::json!({"contact": {"email": "ana@example.org"}}))
                .expect("facts");
        assert!(email_only.address_for(Channel::Email).is_some());
        assert!(email_only.address_for(Channel::Sms).is_none());
    }

    #[test]
    fn the_record_holds_the_code_its_expiry_and_the_channel() {
        let now = Timestamp::now();
        let expires = now.plus(std::time::Duration::from_secs(3600));
        let code = Code::generate().expect("code");
        let record = invitation(PatientId::generate(), &code, expires, Channel::Sms, now);
        let json = serde_json::to_value(&record).expect("json");
        assert_eq!(json["template"], "activation-invitation");
        assert_eq!(json["code"], code.display());
        assert_eq!(json["channel"], "sms");
        assert_eq!(json["recipient"]["kind"], "patient");
        assert_eq!(record.expires_at, expires.unix_seconds());
    }
}
