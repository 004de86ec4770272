//! The activation codes' items and their reads and writes (creating a code and revoking one
//! are `portal_shared::features::activation`'s, shared with the invitation waves).
//!
//! Two items per code, written together: in the patient's partition (`keys::activation_code`,
//! what staff list) and the lookup item keyed by the code's keyed hash (`keys::activation_lookup`,
//! what activation finds; the plain SHA-256 for codes issued before keyed hashes). Both carry `status`; every change of it is a transaction over both,
//! conditional on the status it changes from.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use portal_shared::ApiError;
use portal_shared::domain::ids::{ActivationCodeId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::account::{PORTAL_ACCOUNT_ATTRIBUTE, PortalAccount};
use portal_shared::features::profile_facts::{Fact, ProfileFacts};
use portal_shared::platform::keys::{self, Key};
use portal_shared::platform::store::{self, Item};
use portal_shared::platform::write::{self, LostWrite};
use portal_shared::policy::authz::PatientAccess;
use portal_shared::policy::caller::UserSub;

use crate::model::{CodeRecord, Lookup, MAX_FAILED_ATTEMPTS, Status};
use portal_shared::features::activation::{self, IssuedCode};

/// On the profile while an activation creates the patient's account (which one, until when):
/// one activation per patient at a time, whichever code it uses.
const ACTIVATION_CLAIM: &str = "activationClaim";
const ACTIVATION_CLAIM_UNTIL: &str = "activationClaimUntil";

pub struct CodeStore<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
}

fn status_value(status: Status) -> Result<aws_sdk_dynamodb::types::AttributeValue, ApiError> {
    Ok(serde_dynamo::to_attribute_value(status)?)
}

impl CodeStore<'_> {
    async fn get(&self, key: &Key, projection: Option<&str>) -> Result<Option<Item>, ApiError> {
        store::get_item(self.dynamo, self.table, key, projection).await
    }

    /// What issuing a code checks of the patient's profile (their portal account, and the
    /// contact a sent code goes to); `None` when there is no such patient.
    pub async fn issuing_facts(
        &self,
        access: &PatientAccess,
    ) -> Result<Option<ProfileFacts>, ApiError> {
        activation::issuing_facts(self.dynamo, self.table, access).await
    }

    /// The profile facts activation checks (date of birth, portal account) of the patient a
    /// code's lookup names. Reached through the code, not a caller: activation audits the
    /// attempt itself, and its success before the account is created.
    pub async fn profile_facts(&self, lookup: &Lookup) -> Result<Option<ProfileFacts>, ApiError> {
        ProfileFacts::read_through_code(
            self.dynamo,
            self.table,
            lookup.patient_id,
            &[Fact::DateOfBirth, Fact::PortalAccount],
        )
        .await
    }

    pub async fn code(
        &self,
        access: &PatientAccess,
        code: ActivationCodeId,
    ) -> Result<Option<CodeRecord>, ApiError> {
        let item = self
            .get(&keys::activation_code(access.patient(), code), None)
            .await?;
        item.map(store::from_item).transpose()
    }

    /// A patient's codes, newest first (ULID ids sort by time).
    pub async fn codes(
        &self,
        access: &PatientAccess,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<CodeRecord>, Option<Item>), ApiError> {
        store::newest_in_patient_partition(
            self.dynamo,
            self.table,
            access,
            keys::ACTIVATION_CODE_PREFIX,
            limit,
            start_after,
        )
        .await
    }

    pub async fn lookup(&self, hash: &str) -> Result<Option<Lookup>, ApiError> {
        let item = self.get(&keys::activation_lookup(hash), None).await?;
        item.map(store::from_item).transpose()
    }

    /// The first of `hashes` (`Code::lookup_hashes`: keyed under the current and the previous
    /// secret, then the legacy SHA-256) that has a lookup item, with the item.
    pub async fn find(&self, hashes: &[String]) -> Result<Option<(String, Lookup)>, ApiError> {
        for hash in hashes {
            if let Some(lookup) = self.lookup(hash).await? {
                return Ok(Some((hash.clone(), lookup)));
            }
        }
        Ok(None)
    }

    fn update(
        &self,
        key: &Key,
        expression: &str,
        condition: &str,
        values: &[(&str, aws_sdk_dynamodb::types::AttributeValue)],
    ) -> Result<TransactWriteItem, ApiError> {
        activation::status_update(self.table, key, expression, condition, values)
    }

    /// Runs one transaction: it happened, or lost ([`LostWrite::Changed`]: a status or count
    /// is no longer what it was based on).
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        write::transact(self.dynamo, items).await
    }

    /// Revokes an issued code: both items, at once.
    pub async fn revoke(
        &self,
        access: &PatientAccess,
        record: &CodeRecord,
        by: &UserSub,
        at: Timestamp,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        debug_assert_eq!(record.patient_id, access.patient());
        let items = activation::revoke_writes(self.table, &IssuedCode::from(record), by, at)?;
        self.transact(items).await
    }

    /// Counts a wrong date of birth against the code (both items); the last allowed one locks
    /// it. Conditional on the count read, so concurrent guesses cannot share a count.
    pub async fn record_failure(
        &self,
        hash: &str,
        lookup: &Lookup,
    ) -> Result<Result<u32, LostWrite>, ApiError> {
        let count = lookup.failed_attempts + 1;
        let status = if count >= MAX_FAILED_ATTEMPTS {
            Status::Locked
        } else {
            Status::Issued
        };
        let values = [
            (":issued", status_value(Status::Issued)?),
            (":status", status_value(status)?),
            (":seen", store::number(lookup.failed_attempts)),
            (":count", store::number(count)),
        ];
        let items = vec![
            self.update(
                &keys::activation_lookup(hash),
                "SET #status = :status, failedAttempts = :count",
                "#status = :issued AND failedAttempts = :seen",
                &values,
            )?,
            self.update(
                &keys::activation_code(lookup.patient_id, lookup.code_id),
                "SET #status = :status, failedAttempts = :count",
                "#status = :issued",
                &[values[0].clone(), values[1].clone(), values[3].clone()],
            )?,
        ];
        Ok(self.transact(items).await?.map(|()| count))
    }

    /// Claims an issued code for one activation (or takes over a claim that lapsed), and the
    /// patient with it: one transaction, so two activations of one patient with two codes
    /// cannot both create an account.
    pub async fn claim(
        &self,
        hash: &str,
        patient: PatientId,
        claim_id: &str,
        now: i64,
        hold_seconds: i64,
    ) -> Result<bool, ApiError> {
        let values = [
            (":claimed", status_value(Status::Claimed)?),
            (":issued", status_value(Status::Issued)?),
            (":claim", store::string(claim_id)),
            (":until", store::number(now + hold_seconds)),
            (":now", store::number(now)),
            (":max", store::number(MAX_FAILED_ATTEMPTS)),
        ];
        let code = self.update(
            &keys::activation_lookup(hash),
            "SET #status = :claimed, claimId = :claim, claimedUntil = :until",
            "failedAttempts < :max AND (#status = :issued OR (#status = :claimed AND claimedUntil < :now))",
            &values,
        )?;
        let patient_claim = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::profile(patient).attributes()))
            .update_expression("SET #claim = :claim, #until = :until")
            .condition_expression(
                "attribute_exists(PK) AND attribute_not_exists(#account) AND (attribute_not_exists(#claim) OR #until < :now)",
            )
            .expression_attribute_names("#claim", ACTIVATION_CLAIM)
            .expression_attribute_names("#until", ACTIVATION_CLAIM_UNTIL)
            .expression_attribute_names("#account", PORTAL_ACCOUNT_ATTRIBUTE)
            .expression_attribute_values(":claim", store::string(claim_id))
            .expression_attribute_values(":until", store::number(now + hold_seconds))
            .expression_attribute_values(":now", store::number(now))
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![
            code,
            TransactWriteItem::builder().update(patient_claim).build(),
        ];
        Ok(self.transact(items).await?.is_ok())
    }

    /// Gives a claim back (the account could not be created): the code's and the patient's,
    /// each only if it is still ours.
    pub async fn release(
        &self,
        hash: &str,
        patient: PatientId,
        claim_id: &str,
    ) -> Result<(), ApiError> {
        let code = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::activation_lookup(hash).attributes()))
            .update_expression("SET #status = :issued REMOVE claimId, claimedUntil")
            .condition_expression("#status = :claimed AND claimId = :claim")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":claimed", status_value(Status::Claimed)?)
            .expression_attribute_values(":issued", status_value(Status::Issued)?)
            .expression_attribute_values(":claim", store::string(claim_id))
            .send()
            .await;
        let patient_claim = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::profile(patient).attributes()))
            .update_expression("REMOVE #claim, #until")
            .condition_expression("#claim = :claim")
            .expression_attribute_names("#claim", ACTIVATION_CLAIM)
            .expression_attribute_names("#until", ACTIVATION_CLAIM_UNTIL)
            .expression_attribute_values(":claim", store::string(claim_id))
            .send()
            .await;
        for result in [code.map(|_| ()), patient_claim.map(|_| ())] {
            match result {
                Ok(()) => {}
                // Lapsed and taken over meanwhile: nothing of ours to give back.
                Err(error) if store::is_condition_failure(&error) => {}
                Err(error) => return Err(store::sdk_error(error)),
            }
        }
        Ok(())
    }

    /// Marks the code used (both items) and records the account on the profile: one
    /// transaction. The profile gets an UpdateItem of `portalAccount` alone.
    pub async fn complete(
        &self,
        hash: &str,
        lookup: &Lookup,
        claim_id: &str,
        account: &PortalAccount,
        account_sub: &str,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let values = [
            (":claimed", status_value(Status::Claimed)?),
            (":used", status_value(Status::Used)?),
            (":claim", store::string(claim_id)),
            (
                ":at",
                serde_dynamo::to_attribute_value(account.activated_at)?,
            ),
            (":sub", store::string(account_sub)),
        ];
        let issued = (":issued", status_value(Status::Issued)?);
        let account_update = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::profile(lookup.patient_id).attributes()))
            .update_expression("SET #account = :account REMOVE #claim, #until")
            .condition_expression("attribute_exists(PK) AND #claim = :claim")
            .expression_attribute_names("#account", PORTAL_ACCOUNT_ATTRIBUTE)
            .expression_attribute_names("#claim", ACTIVATION_CLAIM)
            .expression_attribute_names("#until", ACTIVATION_CLAIM_UNTIL)
            .expression_attribute_values(":claim", store::string(claim_id))
            .expression_attribute_values(":account", serde_dynamo::to_attribute_value(account)?)
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![
            self.update(
                &keys::activation_lookup(hash),
                "SET #status = :used, usedAt = :at, accountSub = :sub REMOVE claimId, claimedUntil",
                "#status = :claimed AND claimId = :claim",
                &values,
            )?,
            self.update(
                &keys::activation_code(lookup.patient_id, lookup.code_id),
                "SET #status = :used, usedAt = :at",
                "#status = :issued",
                &[issued, values[1].clone(), values[3].clone()],
            )?,
            TransactWriteItem::builder().update(account_update).build(),
        ];
        self.transact(items).await
    }
}
