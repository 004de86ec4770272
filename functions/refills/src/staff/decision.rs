//! A clinician's decision as sent, checked (pure): `{outcome: approve|deny|visit-needed,
//! quantity?: {value > 0, unit}, refills?: 0..11, reasonCode?, message?}`. A quantity and
//! refills go with an approval alone, a reason code with a denial alone (and a denial needs
//! one); a denial and a request for a visit need a message for the patient (at most 2000
//! characters), an approval may carry one (it becomes the prescription's note). Every problem
//! names its field (422).

use portal_shared::ApiError;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::validation::FieldErrors;
use serde::Deserialize;

use crate::model::{
    Actor, Decision, DenyReason, Outcome, Quantity, RefillRequest, RefillStatus, StaffName,
};

pub const MAX_MESSAGE_CHARS: usize = 2000;
pub const MAX_REFILLS: i64 = 11;
pub const MAX_UNIT_CHARS: usize = 40;
/// A bound no real dispense reaches (a year of four doses a day is 1460), so a typo is caught.
pub const MAX_QUANTITY: f64 = 10_000.0;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QuantityInput {
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DecisionInput {
    pub outcome: Outcome,
    #[serde(default)]
    pub quantity: Option<QuantityInput>,
    #[serde(default)]
    pub refills: Option<i64>,
    #[serde(default)]
    pub reason_code: Option<DenyReason>,
    #[serde(default)]
    pub message: Option<String>,
}

/// A decision whose every field is valid for its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedDecision {
    pub outcome: Outcome,
    pub quantity: Option<Quantity>,
    pub refills: Option<u8>,
    pub reason_code: Option<DenyReason>,
    pub message: Option<String>,
}

impl DecisionInput {
    pub fn check(self) -> Result<CheckedDecision, ApiError> {
        let mut errors = FieldErrors::new();
        let approve = self.outcome == Outcome::Approve;
        let deny = self.outcome == Outcome::Deny;
        let quantity = match self.quantity {
            Some(_) if !approve => {
                errors.add("quantity", "goes with an approval only");
                None
            }
            Some(QuantityInput { value, unit }) => {
                let value = errors.check(
                    "quantity.value",
                    if value.is_finite() && value > 0.0 && value <= MAX_QUANTITY {
                        Ok(value)
                    } else {
                        Err(format!("must be more than 0 and at most {MAX_QUANTITY}"))
                    },
                );
                let unit = errors.check("quantity.unit", plain_text(&unit, MAX_UNIT_CHARS, false));
                value
                    .zip(unit)
                    .map(|(value, unit)| Quantity { value, unit })
            }
            None => None,
        };
        let refills = match self.refills {
            Some(_) if !approve => {
                errors.add("refills", "goes with an approval only");
                None
            }
            Some(count) => errors.check(
                "refills",
                u8::try_from(count)
                    .ok()
                    .filter(|c| i64::from(*c) <= MAX_REFILLS)
                    .ok_or_else(|| format!("must be from 0 to {MAX_REFILLS}")),
            ),
            None => None,
        };
        let reason_code = match self.reason_code {
            Some(_) if !deny => {
                errors.add("reasonCode", "goes with a denial only");
                None
            }
            None if deny => {
                errors.add(
                    "reasonCode",
                    "is required to deny: not-appropriate, needs-labs, changed-therapy, \
                     duplicate or other",
                );
                None
            }
            given => given,
        };
        let message = match self.message.as_deref().map(str::trim) {
            None | Some("") if !approve => {
                errors.add("message", "is required: the patient reads why");
                None
            }
            None | Some("") => None,
            Some(text) => errors.check("message", plain_text(text, MAX_MESSAGE_CHARS, true)),
        };
        errors.finish()?;
        Ok(CheckedDecision {
            outcome: self.outcome,
            quantity,
            refills,
            reason_code,
            message,
        })
    }
}

/// `request` decided as `checked` by `by` at `now` (status, decision, history, version), or
/// `None` when its status allows no decision (it is no longer open).
pub fn decided(
    request: &RefillRequest,
    checked: CheckedDecision,
    by: &Actor,
    now: Timestamp,
) -> Option<RefillRequest> {
    if !request.status.is_open() {
        return None;
    }
    let status: RefillStatus = checked.outcome.status();
    let mut moved = request.moved(status, now, by.clone(), None)?;
    moved.decision = Some(Decision {
        outcome: checked.outcome,
        quantity: checked.quantity,
        refills: checked.refills,
        reason_code: checked.reason_code,
        message: checked.message,
        decided_by: StaffName {
            name: by.name.clone(),
        },
        decided_at: now,
        prescription_record_id: None,
    });
    Some(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ActorRole;
    use crate::model::tests::{at, sample};
    use serde_json::json;

    fn check(body: serde_json::Value) -> Result<CheckedDecision, Vec<String>> {
        let input: DecisionInput = serde_json::from_value(body).map_err(|e| vec![e.to_string()])?;
        input.check().map_err(|error| match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => vec![format!("{other:?}")],
        })
    }

    #[test]
    fn an_approval_takes_a_quantity_refills_and_an_optional_message() {
        let checked = check(
            json!({"outcome": "approve", "quantity": {"value": 90, "unit": "tablet"},
                                   "refills": 3}),
        )
        .expect("valid");
        assert_eq!(
            checked.quantity,
            Some(Quantity {
                value: 90.0,
                unit: "tablet".into()
            })
        );
        assert_eq!(checked.refills, Some(3));
        assert_eq!(checked.message, None);
        assert!(check(json!({"outcome": "approve"})).is_ok());
        assert_eq!(
            check(json!({"outcome": "approve", "message": "Take with food"}))
                .expect("valid")
                .message
                .as_deref(),
            Some("Take with food")
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(
            check(
                json!({"outcome": "approve", "quantity": {"value": 0, "unit": " "},
                         "refills": 12, "reasonCode": "other"})
            )
            .expect_err("invalid"),
            ["quantity.value", "quantity.unit", "refills", "reasonCode"]
        );
        assert_eq!(
            check(json!({"outcome": "approve", "refills": -1})).expect_err("invalid"),
            ["refills"]
        );
        assert_eq!(
            check(json!({"outcome": "deny"})).expect_err("invalid"),
            ["reasonCode", "message"]
        );
        assert_eq!(
            check(json!({"outcome": "deny", "reasonCode": "needs-labs", "message": "  "}))
                .expect_err("invalid"),
            ["message"]
        );
        assert_eq!(
            check(
                json!({"outcome": "visit-needed", "reasonCode": "other", "refills": 1,
                         "quantity": {"value": 1, "unit": "tablet"}})
            )
            .expect_err("invalid"),
            ["quantity", "refills", "reasonCode", "message"]
        );
        assert_eq!(
            check(json!({"outcome": "visit-needed", "message": "x".repeat(2001)}))
                .expect_err("invalid"),
            ["message"]
        );
        assert!(
            check(json!({"outcome": "deny", "reasonCode": "needs-labs",
                             "message": "Please have your A1c drawn first."}))
            .is_ok()
        );
        assert!(check(json!({"outcome": "visit-needed", "message": "Let's see you."})).is_ok());
        // Unknown outcomes and fields are the parser's (422 naming them through the handler).
        assert!(check(json!({"outcome": "maybe"})).is_err());
        assert!(check(json!({"outcome": "approve", "dose": 2})).is_err());
    }

    #[test]
    fn a_decision_closes_an_open_request_and_records_who_and_when() {
        let now = at("2026-03-03T10:00:00Z");
        let by = Actor {
            role: ActorRole::Clinician,
            name: Some("Dr Grey".into()),
        };
        let checked = check(json!({"outcome": "deny", "reasonCode": "duplicate",
                                   "message": "You have a refill waiting at the pharmacy."}))
        .expect("valid");
        for from in [RefillStatus::Requested, RefillStatus::InReview] {
            let moved = decided(&sample(from), checked.clone(), &by, now).expect("open");
            assert_eq!(moved.status, RefillStatus::Denied);
            let decision = moved.decision.expect("decision");
            assert_eq!(decision.reason_code, Some(DenyReason::Duplicate));
            assert_eq!(decision.decided_by.name.as_deref(), Some("Dr Grey"));
            assert_eq!(decision.decided_at, now);
            assert_eq!(
                moved.history.last().map(|h| h.status),
                Some(RefillStatus::Denied)
            );
        }
        for closed in [
            RefillStatus::Approved,
            RefillStatus::Denied,
            RefillStatus::VisitNeeded,
            RefillStatus::Sent,
            RefillStatus::Withdrawn,
        ] {
            assert!(decided(&sample(closed), checked.clone(), &by, now).is_none());
        }
    }
}
