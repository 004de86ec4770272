//! Sending a new activation code to the patient (`deliverBy`) instead of showing it: the
//! contact on file must exist, and the code goes into an outbox record written with the code
//! itself (`portal_shared::features::activation`, shared with the invitation waves' job), for
//! the sender to deliver and then strip from the record.

use aws_sdk_dynamodb::Client;
use portal_shared::ApiError;
use portal_shared::features::activation::{Unreachable, reachable};
use portal_shared::features::notification::Channel;
use portal_shared::features::profile_facts::ProfileFacts;

/// 422 naming `deliverBy` unless the profile has the contact `channel` needs, and that
/// address has not bounced, been marked as spam or refused texts for good.
pub async fn check_contact(
    dynamo: &Client,
    table: &str,
    facts: &ProfileFacts,
    channel: Channel,
) -> Result<(), ApiError> {
    match reachable(dynamo, table, facts, channel).await? {
        Ok(()) => Ok(()),
        Err(Unreachable::NoContact) => Err(ApiError::invalid(
            "deliverBy",
            match channel {
                Channel::Email => "the patient's profile has no email address to send the code to",
                Channel::Sms => "the patient's profile has no phone number to text the code to",
            },
        )),
        Err(Unreachable::Suppressed) => Err(ApiError::invalid(
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
        )),
    }
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
}
