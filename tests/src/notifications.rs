//! Notification preferences: the signed token an email's unsubscribe link carries, made as the
//! sender makes it (with the notifications function's own secret).

use crate::*;
use portal_notifications::preferences::Person;
use portal_notifications::unsubscribe_token::UnsubscribeToken;
use portal_shared::domain::ids::PatientId;
use portal_shared::features::notification::Kind;
use portal_shared::policy::caller::UserSub;

impl TestApp {
    /// The token of the unsubscribe link that an email of `kind` (a template name) about
    /// `patient_id` carries, for the patient (`caregiver: None`) or that caregiver.
    pub async fn unsubscribe_token(
        &self,
        patient_id: &str,
        caregiver: Option<&Actor>,
        kind: &str,
    ) -> String {
        let token = UnsubscribeToken {
            patient: PatientId::parse(patient_id).expect("patient id"),
            person: match caregiver {
                None => Person::Patient,
                Some(actor) => Person::Caregiver(UserSub::parse(&actor.sub).expect("sub")),
            },
            kind: Kind::from_template(kind).expect("a kind"),
        };
        token.seal(&self.cursor_key().await)
    }
}
