//! The waves' items and every write to them.
//!
//! - Starting a wave: the members (the cohort's snapshot, queued: in the wave's queue on GSI1)
//!   in transactions of up to 100 new items, then the wave item with the Idempotency-Key record
//!   in one more (`creation`): until that one, nothing shows the wave, and nothing sends.
//! - The job: each active wave (on GSI1 while it has members queued) is claimed for one turn
//!   by a conditional update of its `nextIssueAt` marker, so concurrent runs never share a
//!   turn and the rate holds across runs; each member is issued (or refused) by one transaction
//!   conditional on the member still being queued, so no member is ever issued twice.
//! - A re-send: the invited who have not activated are queued again with their code revoked,
//!   up to 30 members per transaction, each member's part conditional on what was read.
//!
//! A member's move and the wave's counts (`WaveCounts`, `ADD`) are always written together.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem, Update};
use futures::{StreamExt, TryStreamExt};
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, WaveId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::activation::{
    self, CodeRecord, IssuedCode, NewCode, Status as CodeStatus,
};
use portal_shared::features::cohort::CohortName;
use portal_shared::features::invitation_wave::{
    self, INVITED, MemberStatus, Refusal, WaveCounts, WaveMember,
};
use portal_shared::platform::keys::{self, GSI1, GSI1PK, GSI1SK};
use portal_shared::platform::store::{self, Item, Transacted};
use portal_shared::platform::write;
use portal_shared::policy::authz::{JobAccess, StaffAccess};
use portal_shared::policy::caller::UserSub;
use serde::Deserialize;

use crate::waves::model::Wave;

/// Items per transaction (DynamoDB's limit).
const TRANSACTION_ITEMS: usize = 100;
/// Members re-queued per transaction: three items each (the member, the code's two items) and
/// the wave's counts.
const REQUEUE_BATCH: usize = 30;
/// Transactions of new members written at once.
const PARALLEL_WRITES: usize = 4;

pub struct WaveStore<'a> {
    dynamo: &'a Client,
    table: &'a str,
}

/// What a re-send did.
#[derive(Debug, Default)]
pub struct Requeued {
    pub members: Vec<PatientId>,
    /// Members that moved on while this ran (activating right now, say): left as they are.
    pub skipped: usize,
}

fn status_value(status: MemberStatus) -> Result<AttributeValue, ApiError> {
    Ok(serde_dynamo::to_attribute_value(status)?)
}

fn transaction_update(
    update: aws_sdk_dynamodb::types::builders::UpdateBuilder,
) -> Result<TransactWriteItem, ApiError> {
    Ok(TransactWriteItem::builder()
        .update(update.build().map_err(ApiError::internal)?)
        .build())
}

impl<'a> WaveStore<'a> {
    pub fn new(dynamo: &'a Client, table: &'a str) -> Self {
        WaveStore { dynamo, table }
    }

    /// Whether the cohort exists (its definition item).
    pub async fn cohort_exists(&self, name: &CohortName) -> Result<bool, ApiError> {
        Ok(
            store::get_item(self.dynamo, self.table, &keys::cohort(name), Some("PK"))
                .await?
                .is_some(),
        )
    }

    /// Writes the wave's members, queued (in transactions of new items only).
    pub async fn write_members(
        &self,
        wave: WaveId,
        patients: &[PatientId],
        now: Timestamp,
    ) -> Result<(), ApiError> {
        let items = patients
            .iter()
            .map(|patient| {
                let member = WaveMember {
                    wave_id: wave,
                    patient_id: *patient,
                    status: MemberStatus::Queued,
                    reason: None,
                    queued_at: now,
                    invited_at: None,
                    code_id: None,
                    code_expires: None,
                    delivered_at: None,
                    activated_at: None,
                    sends: 0,
                };
                let mut item = store::to_item(&keys::wave_member(wave, *patient), &member)?;
                item.insert(GSI1PK.into(), store::string(keys::wave_queue(wave)));
                item.insert(GSI1SK.into(), store::string(patient.to_string()));
                Ok(item)
            })
            .collect::<Result<Vec<Item>, ApiError>>()?;
        let chunks: Vec<Vec<Item>> = items
            .chunks(TRANSACTION_ITEMS)
            .map(<[Item]>::to_vec)
            .collect();
        futures::stream::iter(chunks)
            .map(|chunk| async move {
                let puts = store::create_puts(self.table, chunk)?;
                match write::transact_retrying(self.dynamo, puts).await? {
                    Transacted::Done => Ok(()),
                    // New wave, new keys: nothing can be there.
                    lost => Err(ApiError::internal(format!(
                        "a new wave's members could not be written: {lost:?}"
                    ))),
                }
            })
            .buffer_unordered(PARALLEL_WRITES)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    /// The put of the wave item, in the job's list of active waves while members are queued.
    pub fn creation(&self, wave: &Wave) -> Result<Vec<TransactWriteItem>, ApiError> {
        let mut item = store::to_item(&keys::wave(wave.wave_id), wave)?;
        if wave.queued > 0 {
            item.insert(GSI1PK.into(), store::string(keys::ACTIVE_WAVES));
            item.insert(GSI1SK.into(), store::string(wave.wave_id.to_string()));
        }
        store::create_puts(self.table, vec![item])
    }

    /// The wave, read strongly consistent.
    pub async fn load(
        &self,
        _access: &StaffAccess,
        wave: WaveId,
    ) -> Result<Option<Wave>, ApiError> {
        self.wave(wave).await
    }

    async fn wave(&self, wave: WaveId) -> Result<Option<Wave>, ApiError> {
        store::get_item(self.dynamo, self.table, &keys::wave(wave), None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// One page of the practice's waves, newest first.
    pub async fn waves(
        &self,
        _access: &StaffAccess,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Wave>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", store::string(keys::WAVES_PARTITION))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start_after);
        store::query_page(query).await
    }

    /// One page of a wave's members (by patient id).
    pub async fn members(
        &self,
        _access: &StaffAccess,
        wave: WaveId,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<WaveMember>, Option<Item>), ApiError> {
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", store::string(keys::wave_partition(wave)))
            .expression_attribute_values(":prefix", store::string(keys::WAVE_MEMBER_PREFIX))
            .limit(limit)
            .set_exclusive_start_key(start_after);
        store::query_page(query).await
    }

    /// Every member sent a code who has not activated (invited or delivered, expired or not).
    pub async fn awaiting_activation(
        &self,
        _access: &StaffAccess,
        wave: WaveId,
    ) -> Result<Vec<WaveMember>, ApiError> {
        let invited = status_value(MemberStatus::Invited)?;
        let delivered = status_value(MemberStatus::Delivered)?;
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
                .filter_expression("#status IN (:invited, :delivered)")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":pk", store::string(keys::wave_partition(wave)))
                .expression_attribute_values(":prefix", store::string(keys::WAVE_MEMBER_PREFIX))
                .expression_attribute_values(":invited", invited.clone())
                .expression_attribute_values(":delivered", delivered.clone())
                .consistent_read(true)
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// The code a member was sent (in the patient's partition).
    pub async fn code_of(
        &self,
        _access: &StaffAccess,
        member: &WaveMember,
    ) -> Result<Option<CodeRecord>, ApiError> {
        let Some(code) = member.code_id else {
            return Ok(None);
        };
        store::get_item(
            self.dynamo,
            self.table,
            &keys::activation_code(member.patient_id, code),
            None,
        )
        .await?
        .map(store::from_item)
        .transpose()
    }

    /// Queues `members` (each with the code it was sent, read just before) again: their code
    /// is revoked if it is still issued, and the wave is back in the job's list. By batches;
    /// a member that moved on meanwhile (activating, say) is left out of its batch, which is
    /// tried again without it.
    pub async fn requeue(
        &self,
        _access: &StaffAccess,
        wave: &Wave,
        members: &[(WaveMember, Option<CodeRecord>)],
        by: &UserSub,
        now: Timestamp,
    ) -> Result<Requeued, ApiError> {
        let mut done = Requeued::default();
        for batch in members.chunks(REQUEUE_BATCH) {
            let mut batch: Vec<&(WaveMember, Option<CodeRecord>)> = batch.iter().collect();
            // Each round either writes the batch or drops at least one member from it.
            while !batch.is_empty() {
                let (items, owners) = self.requeue_items(wave, &batch, by, now)?;
                match write::transact_retrying(self.dynamo, items).await? {
                    Transacted::Done => {
                        done.members
                            .extend(batch.iter().map(|(member, _)| member.patient_id));
                        break;
                    }
                    Transacted::ConditionsFailed(failed) => {
                        let moved: Vec<usize> = failed
                            .iter()
                            .filter_map(|index| owners.get(*index).copied().flatten())
                            .collect();
                        if moved.is_empty() {
                            // The wave item itself: it cannot fail (it exists).
                            return Err(ApiError::internal("a re-send's wave update failed"));
                        }
                        done.skipped += moved.len();
                        batch = batch
                            .into_iter()
                            .enumerate()
                            .filter(|(index, _)| !moved.contains(index))
                            .map(|(_, member)| member)
                            .collect();
                    }
                    Transacted::Contention => {
                        return Err(ApiError::Conflict(
                            "The wave is being changed right now; retry.".into(),
                        ));
                    }
                }
            }
        }
        Ok(done)
    }

    /// The items of one re-send batch, and for each item the index (in `batch`) of the member
    /// it belongs to (`None`: the wave's counts).
    fn requeue_items(
        &self,
        wave: &Wave,
        batch: &[&(WaveMember, Option<CodeRecord>)],
        by: &UserSub,
        now: Timestamp,
    ) -> Result<(Vec<TransactWriteItem>, Vec<Option<usize>>), ApiError> {
        let mut items = Vec::new();
        let mut owners = Vec::new();
        let mut counts = WaveCounts::default();
        for (index, (member, code)) in batch.iter().enumerate() {
            let code_id = member
                .code_id
                .ok_or_else(|| ApiError::internal("an invited member without a code"))?;
            let update = Update::builder()
                .table_name(self.table)
                .set_key(Some(
                    keys::wave_member(wave.wave_id, member.patient_id).attributes(),
                ))
                .update_expression(
                    "SET #status = :queued, #queuedAt = :now, #gsi1pk = :queue, #gsi1sk = :patient \
                     REMOVE #deliveredAt",
                )
                .condition_expression("#status = :was AND #codeId = :code")
                .expression_attribute_names("#status", "status")
                .expression_attribute_names("#queuedAt", "queuedAt")
                .expression_attribute_names("#deliveredAt", "deliveredAt")
                .expression_attribute_names("#codeId", "codeId")
                .expression_attribute_names("#gsi1pk", GSI1PK)
                .expression_attribute_names("#gsi1sk", GSI1SK)
                .expression_attribute_values(":queued", status_value(MemberStatus::Queued)?)
                .expression_attribute_values(":was", status_value(member.status)?)
                .expression_attribute_values(":code", store::string(code_id.to_string()))
                .expression_attribute_values(":now", serde_dynamo::to_attribute_value(now)?)
                .expression_attribute_values(
                    ":queue",
                    store::string(keys::wave_queue(wave.wave_id)),
                )
                .expression_attribute_values(
                    ":patient",
                    store::string(member.patient_id.to_string()),
                );
            items.push(transaction_update(update)?);
            owners.push(Some(index));
            // A code still issued is revoked; a locked, revoked or expired one is useless
            // already. (A used one is not here: its member is activating.)
            if let Some(code) = code
                .as_ref()
                .filter(|code| code.status == CodeStatus::Issued)
            {
                for revoke in
                    activation::revoke_writes(self.table, &IssuedCode::from(code), by, now)?
                {
                    items.push(revoke);
                    owners.push(Some(index));
                }
            }
            counts.queued += 1;
            counts.invited -= 1;
            if member.status == MemberStatus::Delivered {
                counts.delivered -= 1;
            }
            if let Some(expires) = member.code_expires {
                counts = counts.outstanding(expires, -1);
            }
        }
        let update = counts
            .update(
                self.table,
                wave.wave_id,
                &["#gsi1pk = :active", "#gsi1sk = :wave"],
            )?
            .expression_attribute_names("#gsi1pk", GSI1PK)
            .expression_attribute_names("#gsi1sk", GSI1SK)
            .expression_attribute_values(":active", store::string(keys::ACTIVE_WAVES))
            .expression_attribute_values(":wave", store::string(wave.wave_id.to_string()));
        items.push(transaction_update(update)?);
        owners.push(None);
        Ok((items, owners))
    }

    // ---- the job ------------------------------------------------------------------------

    /// The waves with members queued (eventually consistent: the job claims each before use).
    pub async fn active(&self) -> Result<Vec<Wave>, ApiError> {
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(":pk", store::string(keys::ACTIVE_WAVES))
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// Claims the wave's turn: moves its marker from `seen` (as the job read it; `None`: no
    /// turn yet) to `next` (epoch milliseconds), if members are queued and no other run moved
    /// it meanwhile. The wave as it is now, or `None` when another run took the turn.
    pub async fn claim_turn(
        &self,
        wave: WaveId,
        seen: Option<i64>,
        next: i64,
    ) -> Result<Option<Wave>, ApiError> {
        let mut request = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::wave(wave).attributes()))
            .update_expression("SET #next = :next")
            .expression_attribute_names("#gsi1pk", GSI1PK)
            .expression_attribute_names("#next", "nextIssueAt")
            .expression_attribute_names("#queued", "queued")
            .expression_attribute_values(":next", store::number(next))
            .expression_attribute_values(":zero", store::number(0))
            .return_values(ReturnValue::AllNew);
        request = match seen {
            None => request.condition_expression(
                "attribute_exists(#gsi1pk) AND #queued > :zero AND attribute_not_exists(#next)",
            ),
            Some(seen) => request
                .condition_expression(
                    "attribute_exists(#gsi1pk) AND #queued > :zero AND #next = :seen",
                )
                .expression_attribute_values(":seen", store::number(seen)),
        };
        match request.send().await {
            Ok(output) => output.attributes.map(store::from_item).transpose(),
            Err(error) if store::is_condition_failure(&error) => Ok(None),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Up to `limit` of the wave's queued members (the queue on GSI1: eventually consistent,
    /// so one may have been issued a moment ago; the issue's condition tells).
    pub async fn queued(&self, wave: WaveId, limit: i32) -> Result<Vec<PatientId>, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Queued {
            patient_id: PatientId,
        }
        let query = self
            .dynamo
            .query()
            .table_name(self.table)
            .index_name(GSI1)
            .key_condition_expression("GSI1PK = :pk")
            .expression_attribute_values(":pk", store::string(keys::wave_queue(wave)))
            .limit(limit);
        let (found, _) = store::query_page::<Queued>(query).await?;
        Ok(found.into_iter().map(|queued| queued.patient_id).collect())
    }

    /// The member, read strongly consistent.
    pub async fn member(
        &self,
        wave: WaveId,
        patient: PatientId,
    ) -> Result<Option<WaveMember>, ApiError> {
        store::get_item(
            self.dynamo,
            self.table,
            &keys::wave_member(wave, patient),
            None,
        )
        .await?
        .map(store::from_item)
        .transpose()
    }

    /// The member's move out of the queue (`set`, with `values`): conditional on it being
    /// queued.
    fn leave_queue(
        &self,
        wave: WaveId,
        patient: PatientId,
        set: &str,
        names: &[(&str, &str)],
        mut values: HashMap<String, AttributeValue>,
    ) -> Result<TransactWriteItem, ApiError> {
        values.insert(":queued".to_owned(), status_value(MemberStatus::Queued)?);
        let mut update = Update::builder()
            .table_name(self.table)
            .set_key(Some(keys::wave_member(wave, patient).attributes()))
            .update_expression(format!("SET {set} REMOVE #gsi1pk, #gsi1sk"))
            .condition_expression("#status = :queued")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#gsi1pk", GSI1PK)
            .expression_attribute_names("#gsi1sk", GSI1SK)
            .set_expression_attribute_values(Some(values));
        for (placeholder, name) in names {
            update = update.expression_attribute_names(*placeholder, *name);
        }
        transaction_update(update)
    }

    /// Issues `new` (the member's code, to be sent) for `access`'s patient: the member is
    /// invited, the code's items and its outbox record written, the wave's and the day's counts
    /// added, at once. `false` if the member was no longer queued (another run issued it).
    pub async fn issue(
        &self,
        access: &JobAccess,
        wave: &Wave,
        new: &NewCode,
        day: &str,
        now: Timestamp,
    ) -> Result<bool, ApiError> {
        let patient = portal_shared::policy::access::ProvenPatientAccess::patient(access);
        let values = HashMap::from([
            (":invited".to_owned(), status_value(MemberStatus::Invited)?),
            (":at".to_owned(), serde_dynamo::to_attribute_value(now)?),
            (
                ":code".to_owned(),
                store::string(new.record.code_id.to_string()),
            ),
            (
                ":expires".to_owned(),
                serde_dynamo::to_attribute_value(new.record.expires)?,
            ),
            (":zero".to_owned(), store::number(0)),
            (":one".to_owned(), store::number(1)),
        ]);
        let mut items = vec![self.leave_queue(
            wave.wave_id,
            patient,
            "#status = :invited, #invitedAt = :at, #codeId = :code, #codeExpires = :expires, \
             #sends = if_not_exists(#sends, :zero) + :one",
            &[
                ("#invitedAt", "invitedAt"),
                ("#codeId", "codeId"),
                ("#codeExpires", "codeExpires"),
                ("#sends", "sends"),
            ],
            values,
        )?];
        items.extend(new.writes(self.table)?);
        items.push(
            WaveCounts {
                queued: -1,
                invited: 1,
                ..WaveCounts::default()
            }
            .outstanding(new.record.expires, 1)
            .write(self.table, wave.wave_id)?,
        );
        items.extend(invitation_wave::adoption_adds(
            self.table,
            day,
            &wave.cohort,
            INVITED,
            1,
        )?);
        Ok(match write::transact_retrying(self.dynamo, items).await? {
            Transacted::Done => true,
            Transacted::ConditionsFailed(_) => false,
            Transacted::Contention => {
                return Err(ApiError::Unavailable(
                    "the wave is being changed by many at once".into(),
                ));
            }
        })
    }

    /// Refuses the queued member `patient` for `reason`: no code. `false` if it was no longer
    /// queued.
    pub async fn refuse(
        &self,
        wave: &Wave,
        patient: PatientId,
        reason: Refusal,
    ) -> Result<bool, ApiError> {
        let values = HashMap::from([
            (":refused".to_owned(), status_value(MemberStatus::Refused)?),
            (
                ":reason".to_owned(),
                serde_dynamo::to_attribute_value(reason)?,
            ),
        ]);
        let items = vec![
            self.leave_queue(
                wave.wave_id,
                patient,
                "#status = :refused, #reason = :reason",
                &[("#reason", "reason")],
                values,
            )?,
            WaveCounts {
                queued: -1,
                refused: 1,
                ..WaveCounts::default()
            }
            .write(self.table, wave.wave_id)?,
        ];
        Ok(match write::transact_retrying(self.dynamo, items).await? {
            Transacted::Done => true,
            Transacted::ConditionsFailed(_) => false,
            Transacted::Contention => {
                return Err(ApiError::Unavailable(
                    "the wave is being changed by many at once".into(),
                ));
            }
        })
    }

    /// Takes the wave out of the job's list if no member is queued (a re-send puts it back).
    /// `true` if it left.
    pub async fn finish_if_done(&self, wave: WaveId) -> Result<bool, ApiError> {
        let result = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(keys::wave(wave).attributes()))
            .update_expression("REMOVE #gsi1pk, #gsi1sk")
            .condition_expression("attribute_exists(#gsi1pk) AND #queued <= :zero")
            .expression_attribute_names("#gsi1pk", GSI1PK)
            .expression_attribute_names("#queued", "queued")
            .expression_attribute_names("#gsi1sk", GSI1SK)
            .expression_attribute_values(":zero", store::number(0))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) if store::is_condition_failure(&error) => Ok(false),
            Err(error) => Err(store::sdk_error(error)),
        }
    }
}
