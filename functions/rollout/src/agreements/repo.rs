//! The agreements' reads and writes: the current versions (one partition), the versions kept,
//! and each account's acceptances (in the account's partition).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::Put;
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::features::cohort;
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::platform::write::{self, LostWrite};
use portal_shared::policy::authz::StaffAccess;
use portal_shared::policy::caller::UserSub;

use super::model::{Acceptance, Agreement, AgreementKind};

pub struct AgreementStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

impl<'a> AgreementStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        AgreementStore { dynamo, table }
    }

    /// The current version of every kind published so far: one Query of `AGREEMENTS`.
    pub async fn current_all(&self) -> Result<Vec<Agreement>, ApiError> {
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", store::string(keys::AGREEMENTS_PARTITION))
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// The current version of one kind, if any was published.
    pub async fn current(&self, kind: AgreementKind) -> Result<Option<Agreement>, ApiError> {
        let item =
            store::get_item(self.dynamo, self.table, &keys::agreement(kind.slug()), None).await?;
        item.map(store::from_item).transpose()
    }

    /// Publishes `agreement` as the new current version of its kind and keeps a copy of it,
    /// in one transaction: only if the current version is still the one before it (none for
    /// version 1), so of two publications of the same next version one wins and the other is
    /// [`LostWrite::Changed`].
    pub async fn publish(
        &self,
        _access: &StaffAccess,
        agreement: &Agreement,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let kind = agreement.kind.slug();
        let current = Put::builder()
            .table_name(self.table)
            .set_item(Some(store::to_item(&keys::agreement(kind), agreement)?));
        let current = if agreement.version <= 1 {
            current.condition_expression("attribute_not_exists(PK)")
        } else {
            current
                .condition_expression("#version = :previous")
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":previous", store::number(agreement.version - 1))
        };
        let kept = Put::builder()
            .table_name(self.table)
            .set_item(Some(store::to_item(
                &keys::agreement_version(kind, agreement.version),
                agreement,
            )?))
            .condition_expression("attribute_not_exists(PK)");
        let items = vec![store::transact_put(current)?, store::transact_put(kept)?];
        write::transact(self.dynamo, items).await
    }

    /// The account's acceptances, one per kind it ever accepted: one Query of its partition.
    pub async fn acceptances(&self, account: &UserSub) -> Result<Vec<Acceptance>, ApiError> {
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .expression_attribute_values(":pk", store::string(keys::account_partition(account)))
                .expression_attribute_values(
                    ":prefix",
                    store::string(keys::AGREEMENT_ACCEPTANCE_PREFIX),
                )
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    pub async fn acceptance(
        &self,
        account: &UserSub,
        kind: AgreementKind,
    ) -> Result<Option<Acceptance>, ApiError> {
        let key = keys::agreement_acceptance(account, kind.slug());
        let item = store::get_item(self.dynamo, self.table, &key, None).await?;
        item.map(store::from_item).transpose()
    }

    /// Records the account's acceptance, unless it has accepted this version or a later one
    /// already ([`LostWrite::Changed`]: read it again).
    pub async fn accept(
        &self,
        account: &UserSub,
        acceptance: &Acceptance,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        let key = keys::agreement_acceptance(account, acceptance.kind.slug());
        let outcome = self
            .dynamo
            .put_item()
            .table_name(self.table)
            .set_item(Some(store::to_item(&key, acceptance)?))
            .condition_expression("attribute_not_exists(PK) OR #version < :version")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":version", store::number(acceptance.version))
            .send()
            .await;
        match outcome {
            Ok(_) => Ok(Ok(())),
            Err(error) if store::is_condition_failure(&error) => Ok(Err(LostWrite::Changed)),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Whether the caller's own patient is in a beta cohort: one Query of the patient's cohort
    /// items (each carries its cohort's `beta` flag). The caller's own membership, shown to no
    /// one else.
    pub async fn in_beta_cohort(&self, own_patient: PatientId) -> Result<bool, ApiError> {
        Ok(cohort::cohorts_of(self.dynamo, self.table, own_patient)
            .await?
            .iter()
            .any(|membership| membership.beta))
    }
}
