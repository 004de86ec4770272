//! A patient's care circle: the caregivers invited to act for them, and the grants the
//! authorizer reads.
//!
//! Three items (see `docs/access-patterns.md`), and an outbox record that emails the invitee
//! their code (`features::notification`, written with the invitation):
//! - the member (`keys::care_circle_member`, patient's partition): who was invited, with which
//!   scopes and end date, and where the invitation stands;
//! - the invitation lookup (`keys::care_invitation_lookup`), keyed by the code's SHA-256, from
//!   invitation until acceptance or revocation;
//! - the grant (`keys::caregiver_grant`), written on acceptance in the shape of
//!   [`authz::Grant`], listed in GSI1 under the caregiver while it is in force.
//!
//! Every change of state is one transaction over the items it touches, conditional on the
//! state it changes from. Used by the care-circle function (invite, list, revoke, guardians,
//! a caregiver's patients) and the auth function (accepting an invitation).

use std::collections::BTreeSet;
use std::fmt;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use crate::ApiError;
use crate::domain::ids::{InvitationId, PatientId};
use crate::domain::one_time_code::Code;
use crate::domain::person::{DateOfBirth, Email, clean_text};
use crate::domain::timestamp::Timestamp;
use crate::features::notification::{AboutInvitation, Kind, Notification, Recipient};
use crate::features::profile_facts::{Fact, ProfileFacts};
use crate::platform::keys::{self, Key};
use crate::platform::store::{self, Item, Transacted};
use crate::platform::write::{Contended, LostWrite};
use crate::policy::authz::{Grant, PatientAccess, Scope};
use crate::policy::caller::UserSub;

/// How long an invitation's code can be used.
pub const INVITATION_VALID_DAYS: u64 = 14;
/// After this many tries of a code with another email address, the invitation locks.
pub const MAX_WRONG_EMAILS: u32 = 5;
/// The age at which guardian access to a minor's record ends by default.
pub const AGE_OF_MAJORITY: i32 = 18;
const DAY: u64 = 24 * 60 * 60;

/// How the caregiver relates to the patient, in the patient's words ("daughter", "neighbour").
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RelationshipLabel(String);

impl RelationshipLabel {
    pub fn parse(raw: &str) -> Result<Self, String> {
        clean_text(raw, 40, "a relationship").map(RelationshipLabel)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RelationshipLabel {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        RelationshipLabel::parse(&raw)
    }
}
impl From<RelationshipLabel> for String {
    fn from(label: RelationshipLabel) -> String {
        label.0
    }
}
impl fmt::Debug for RelationshipLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RelationshipLabel(<redacted>)")
    }
}

/// The last day of a caregiver's access (`YYYY-MM-DD`); access ends when it does, at midnight
/// UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EndDate(Date);

impl EndDate {
    /// Any calendar date; [`EndDate::check_future`] is the rule for new grants.
    pub fn parse(raw: &str) -> Result<Self, String> {
        Date::parse(raw, format_description!("[year]-[month]-[day]"))
            .map(EndDate)
            .map_err(|_| "must be a date written YYYY-MM-DD".to_owned())
    }

    pub fn from_date(date: Date) -> Self {
        EndDate(date)
    }

    /// A new grant must end after today (and within fifty years: a typo guard).
    pub fn check_future(self, now: Timestamp) -> Result<Self, String> {
        let today = now.date();
        if self.0 < today {
            return Err("must not be in the past".into());
        }
        if self.0.year() > today.year() + 50 {
            return Err("must be within fifty years".into());
        }
        Ok(self)
    }

    /// When access ends: the start of the day after.
    pub fn access_ends(self) -> Timestamp {
        let next = self.0.next_day().unwrap_or(self.0);
        Timestamp::start_of(next)
    }

    fn render(self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl TryFrom<String> for EndDate {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        EndDate::parse(&raw)
    }
}
impl From<EndDate> for String {
    fn from(end: EndDate) -> String {
        end.render()
    }
}

/// The day before the patient comes of age: the last day of a guardian's access by default.
/// `None` if the patient is of age already.
pub fn last_day_as_minor(date_of_birth: DateOfBirth, now: Timestamp) -> Option<EndDate> {
    let born = date_of_birth.date();
    let year = born.year() + AGE_OF_MAJORITY;
    // Born on 29 February: of age on 1 March in years without one.
    let of_age = Date::from_calendar_date(year, born.month(), born.day())
        .or_else(|_| Date::from_calendar_date(year, time::Month::March, 1))
        .ok()?;
    (now.date() < of_age).then(|| EndDate(of_age.previous_day().unwrap_or(of_age)))
}

/// A non-empty set of scopes.
pub fn check_scopes(scopes: &BTreeSet<Scope>) -> Result<(), ApiError> {
    if scopes.is_empty() {
        return Err(ApiError::invalid(
            "scopes",
            "must name at least one of records, messages, appointments, billing, profile",
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberStatus {
    Invited,
    Active,
    Revoked,
}

/// Where a member stands, as people see it (time and failed attempts taken into account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShownStatus {
    Invited,
    InvitationExpired,
    InvitationLocked,
    Active,
    Ended,
    Revoked,
}

/// The member item.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub invitation_id: InvitationId,
    pub patient_id: PatientId,
    /// Lowercase: the invitation is for this address alone.
    pub email: String,
    pub name: crate::domain::person::Name,
    pub relationship: RelationshipLabel,
    pub scopes: BTreeSet<Scope>,
    #[serde(default)]
    pub ends_on: Option<EndDate>,
    /// A parent or legal guardian of a minor, granted by the front desk; only staff revoke it.
    #[serde(default)]
    pub guardian: bool,
    pub status: MemberStatus,
    pub invited_at: Timestamp,
    pub invited_by: UserSub,
    /// The lookup item's key: the code's keyed hash (`Code::keyed_hash`). Invitations sent
    /// before keyed hashes hold their plain SHA-256 under the old name, `codeSha256`.
    #[serde(alias = "codeSha256")]
    pub code_hash: String,
    pub code_expires: Timestamp,
    #[serde(default)]
    pub failed_attempts: u32,
    #[serde(default)]
    pub caregiver_sub: Option<UserSub>,
    #[serde(default)]
    pub accepted_at: Option<Timestamp>,
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
    #[serde(default)]
    pub revoked_by: Option<UserSub>,
}

impl Member {
    pub fn shown_status(&self, now: Timestamp) -> ShownStatus {
        match self.status {
            MemberStatus::Invited if self.failed_attempts >= MAX_WRONG_EMAILS => {
                ShownStatus::InvitationLocked
            }
            MemberStatus::Invited if self.code_expires <= now => ShownStatus::InvitationExpired,
            MemberStatus::Invited => ShownStatus::Invited,
            MemberStatus::Active if self.access_ends().is_some_and(|end| end <= now) => {
                ShownStatus::Ended
            }
            MemberStatus::Active => ShownStatus::Active,
            MemberStatus::Revoked => ShownStatus::Revoked,
        }
    }

    pub fn access_ends(&self) -> Option<Timestamp> {
        self.ends_on.map(EndDate::access_ends)
    }

    /// Whether the invitation's code can still be accepted.
    pub fn acceptable(&self, now: Timestamp) -> bool {
        self.shown_status(now) == ShownStatus::Invited
    }
}

/// The lookup item: which member a code belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lookup {
    pub patient_id: PatientId,
    pub invitation_id: InvitationId,
    /// TTL: the code's expiry (an expired code's lookup goes by itself).
    pub expires_at: i64,
}

/// The grant item: [`authz::Grant`]'s fields (what the authorizer reads) and what the
/// caregiver's list shows.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantRecord {
    pub scopes: BTreeSet<Scope>,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default)]
    pub expires: Option<Timestamp>,
    pub patient_id: PatientId,
    pub caregiver_sub: UserSub,
    pub invitation_id: InvitationId,
    pub relationship: RelationshipLabel,
    #[serde(default)]
    pub ends_on: Option<EndDate>,
    #[serde(default)]
    pub guardian: bool,
    pub granted_at: Timestamp,
    /// In the caregiver's GSI1 partition while in force (removed on revocation).
    #[serde(rename = "GSI1PK", default)]
    pub gsi1pk: Option<String>,
    #[serde(rename = "GSI1SK", default)]
    pub gsi1sk: Option<String>,
}

impl GrantRecord {
    pub fn for_member(member: &Member, caregiver: &UserSub, now: Timestamp) -> Self {
        GrantRecord {
            scopes: member.scopes.clone(),
            revoked: false,
            expires: member.access_ends(),
            patient_id: member.patient_id,
            caregiver_sub: caregiver.clone(),
            invitation_id: member.invitation_id,
            relationship: member.relationship.clone(),
            ends_on: member.ends_on,
            guardian: member.guardian,
            granted_at: now,
            gsi1pk: Some(keys::caregiver_patients(caregiver)),
            gsi1sk: Some(keys::patient_partition(member.patient_id)),
        }
    }

    pub fn grant(&self) -> Grant {
        Grant {
            scopes: self.scopes.clone(),
            revoked: self.revoked,
            expires: self.expires,
        }
    }
}

/// Why accepting an invitation did not happen. Nothing was written either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptConflict {
    /// The caregiver already holds a grant in force for this patient.
    AlreadyActing,
    /// The invitation is no longer acceptable (revoked, locked or accepted meanwhile:
    /// [`LostWrite::Changed`]), or another transaction on it was in flight.
    Lost(LostWrite),
}

impl Contended for AcceptConflict {
    fn is_contention(&self) -> bool {
        matches!(self, AcceptConflict::Lost(lost) if lost.is_contention())
    }
}

/// A transaction's outcome as a write that happened or lost.
fn lost_write(outcome: Transacted) -> Result<(), LostWrite> {
    match outcome {
        Transacted::Done => Ok(()),
        Transacted::ConditionsFailed(_) => Err(LostWrite::Changed),
        Transacted::Contention => Err(LostWrite::Contention),
    }
}

pub struct CareCircleStore<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
}

fn status_value(status: MemberStatus) -> Result<AttributeValue, ApiError> {
    Ok(serde_dynamo::to_attribute_value(status)?)
}

fn transact_item(update: Update) -> TransactWriteItem {
    TransactWriteItem::builder().update(update).build()
}

impl CareCircleStore<'_> {
    /// The member, its lookup and the outbox record that emails `code` to the invitee at `to`:
    /// the puts that create an invitation (written with the idempotency record in one
    /// transaction). Receiving the code there is what proves the address.
    pub fn invite(
        &self,
        access: &PatientAccess,
        member: &Member,
        to: &Email,
        code: &Code,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        debug_assert_eq!(member.patient_id, access.patient());
        let lookup = Lookup {
            patient_id: member.patient_id,
            invitation_id: member.invitation_id,
            expires_at: member.code_expires.unix_seconds(),
        };
        let items = [
            store::to_item(
                &keys::care_circle_member(member.patient_id, member.invitation_id),
                member,
            )?,
            store::to_item(&keys::care_invitation_lookup(&member.code_hash), &lookup)?,
        ];
        let mut puts = store::create_puts(self.table, items.into())?;
        puts.push(invitation_notice(member, to, code).put(self.table)?);
        Ok(puts)
    }

    async fn get(&self, key: &Key, projection: Option<&str>) -> Result<Option<Item>, ApiError> {
        store::get_item(self.dynamo, self.table, key, projection).await
    }

    /// The patient's date of birth; `None` if there is no such patient.
    pub async fn profile_facts(
        &self,
        access: &PatientAccess,
    ) -> Result<Option<ProfileFacts>, ApiError> {
        ProfileFacts::read(self.dynamo, self.table, access, &[Fact::DateOfBirth]).await
    }

    /// The name a caregiver knows the patient by ([`ProfileFacts::display_name`]).
    pub async fn patient_name(&self, access: &PatientAccess) -> Result<Option<String>, ApiError> {
        let facts = ProfileFacts::read(self.dynamo, self.table, access, &[Fact::Name]).await?;
        Ok(facts.and_then(|facts| facts.display_name()))
    }

    pub async fn member(
        &self,
        access: &PatientAccess,
        invitation: InvitationId,
    ) -> Result<Option<Member>, ApiError> {
        self.get_member(access.patient(), invitation).await
    }

    /// The member an invitation code's lookup names: accepting reaches it by the code, on a
    /// public route, not by a caller's access (the route audits the attempt itself).
    pub async fn invited_member(&self, lookup: &Lookup) -> Result<Option<Member>, ApiError> {
        self.get_member(lookup.patient_id, lookup.invitation_id)
            .await
    }

    async fn get_member(
        &self,
        patient: PatientId,
        invitation: InvitationId,
    ) -> Result<Option<Member>, ApiError> {
        self.get(&keys::care_circle_member(patient, invitation), None)
            .await?
            .map(store::from_item)
            .transpose()
    }

    /// A page of the patient's care circle, newest invitation first.
    pub async fn members(
        &self,
        access: &PatientAccess,
        limit: i32,
        start_after: Option<Item>,
    ) -> Result<(Vec<Member>, Option<Item>), ApiError> {
        store::newest_in_patient_partition(
            self.dynamo,
            self.table,
            access,
            keys::CARE_CIRCLE_PREFIX,
            limit,
            start_after,
        )
        .await
    }

    /// The invitation a typed code names: its lookup item under the first of `hashes`
    /// (`Code::lookup_hashes`: keyed under the current and previous secret, then legacy) that
    /// has one.
    pub async fn lookup(&self, hashes: &[String]) -> Result<Option<Lookup>, ApiError> {
        for hash in hashes {
            if let Some(item) = self.get(&keys::care_invitation_lookup(hash), None).await? {
                return store::from_item(item).map(Some);
            }
        }
        Ok(None)
    }

    /// The grants listed under the caregiver (GSI1, eventually consistent: callers check each
    /// grant again through the authorizer).
    pub async fn grants_of(&self, caregiver: &UserSub) -> Result<Vec<GrantRecord>, ApiError> {
        let list = store::string(keys::caregiver_patients(caregiver));
        store::query_all(|start_after| {
            self.dynamo
                .query()
                .table_name(self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :caregiver")
                .expression_attribute_values(":caregiver", list.clone())
                .set_exclusive_start_key(start_after)
        })
        .await
    }

    /// Counts a try of the code with another email address; the last allowed one locks the
    /// invitation. Conditional on the count read, so concurrent tries cannot share a count.
    pub async fn record_wrong_email(
        &self,
        member: &Member,
    ) -> Result<Result<u32, LostWrite>, ApiError> {
        let count = member.failed_attempts + 1;
        let result = self
            .dynamo
            .update_item()
            .table_name(self.table)
            .set_key(Some(
                keys::care_circle_member(member.patient_id, member.invitation_id).attributes(),
            ))
            .update_expression("SET failedAttempts = :count")
            .condition_expression("#status = :invited AND failedAttempts = :seen")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":invited", status_value(MemberStatus::Invited)?)
            .expression_attribute_values(":seen", store::number(member.failed_attempts))
            .expression_attribute_values(":count", store::number(count))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Ok(count)),
            Err(error) if store::is_condition_failure(&error) => Ok(Err(LostWrite::Changed)),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// Accepts an invitation for `caregiver`: the member becomes active, the grant is written
    /// and the code's lookup goes, in one transaction. A grant of the caregiver's for this
    /// patient that is revoked or ended is replaced; one still in force is not.
    pub async fn accept(
        &self,
        member: &Member,
        caregiver: &UserSub,
        now: Timestamp,
    ) -> Result<Result<GrantRecord, AcceptConflict>, ApiError> {
        let grant = GrantRecord::for_member(member, caregiver, now);
        let member_update = Update::builder()
            .table_name(self.table)
            .set_key(Some(
                keys::care_circle_member(member.patient_id, member.invitation_id).attributes(),
            ))
            .update_expression("SET #status = :active, caregiverSub = :sub, acceptedAt = :now")
            .condition_expression(
                "#status = :invited AND failedAttempts < :max AND codeExpires > :now",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":active", status_value(MemberStatus::Active)?)
            .expression_attribute_values(":invited", status_value(MemberStatus::Invited)?)
            .expression_attribute_values(":sub", store::string(caregiver.as_str()))
            .expression_attribute_values(":now", serde_dynamo::to_attribute_value(now)?)
            .expression_attribute_values(":max", store::number(MAX_WRONG_EMAILS))
            .build()
            .map_err(ApiError::internal)?;
        let grant_put = Put::builder()
            .table_name(self.table)
            .set_item(Some(store::to_item(
                &keys::caregiver_grant(member.patient_id, caregiver),
                &grant,
            )?))
            .condition_expression(
                "attribute_not_exists(PK) OR revoked = :true OR (attribute_exists(expires) AND expires <= :now)",
            )
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":now", serde_dynamo::to_attribute_value(now)?)
            .build()
            .map_err(ApiError::internal)?;
        let lookup_delete = Delete::builder()
            .table_name(self.table)
            .set_key(Some(
                keys::care_invitation_lookup(&member.code_hash).attributes(),
            ))
            .condition_expression("attribute_exists(PK)")
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![
            transact_item(member_update),
            TransactWriteItem::builder().put(grant_put).build(),
            TransactWriteItem::builder().delete(lookup_delete).build(),
        ];
        Ok(match store::transact(self.dynamo, items).await? {
            // Only the grant's condition failed: one of the caregiver's is still in force.
            Transacted::ConditionsFailed(failed) if failed == [1] => {
                Err(AcceptConflict::AlreadyActing)
            }
            outcome => lost_write(outcome)
                .map(|()| grant)
                .map_err(AcceptConflict::Lost),
        })
    }

    /// Revokes a member: an invitation's code stops working, an accepted grant stops at once
    /// (the authorizer reads the grant on every request) and leaves the caregiver's list.
    pub async fn revoke(
        &self,
        access: &PatientAccess,
        member: &Member,
        by: &UserSub,
        now: Timestamp,
    ) -> Result<Result<(), LostWrite>, ApiError> {
        debug_assert_eq!(member.patient_id, access.patient());
        let member_update = Update::builder()
            .table_name(self.table)
            .set_key(Some(
                keys::care_circle_member(member.patient_id, member.invitation_id).attributes(),
            ))
            .update_expression("SET #status = :revoked, revokedAt = :now, revokedBy = :by")
            .condition_expression("#status = :was")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":revoked", status_value(MemberStatus::Revoked)?)
            .expression_attribute_values(":was", status_value(member.status)?)
            .expression_attribute_values(":now", serde_dynamo::to_attribute_value(now)?)
            .expression_attribute_values(":by", store::string(by.as_str()))
            .build()
            .map_err(ApiError::internal)?;
        let mut items = vec![transact_item(member_update)];
        match (member.status, &member.caregiver_sub) {
            (MemberStatus::Invited, _) => {
                // The lookup may have gone by TTL already: delete without a condition.
                let delete = Delete::builder()
                    .table_name(self.table)
                    .set_key(Some(
                        keys::care_invitation_lookup(&member.code_hash).attributes(),
                    ))
                    .build()
                    .map_err(ApiError::internal)?;
                items.push(TransactWriteItem::builder().delete(delete).build());
            }
            (MemberStatus::Active, Some(caregiver)) => {
                let grant = Update::builder()
                    .table_name(self.table)
                    .set_key(Some(
                        keys::caregiver_grant(member.patient_id, caregiver).attributes(),
                    ))
                    .update_expression("SET revoked = :true REMOVE GSI1PK, GSI1SK")
                    .condition_expression("invitationId = :invitation")
                    .expression_attribute_values(":true", AttributeValue::Bool(true))
                    .expression_attribute_values(
                        ":invitation",
                        store::string(member.invitation_id.to_string()),
                    )
                    .build()
                    .map_err(ApiError::internal)?;
                items.push(transact_item(grant));
            }
            _ => {}
        }
        Ok(lost_write(store::transact(self.dynamo, items).await?))
    }
}

/// The record that emails the invitee their code: the invitation's id, the code and its
/// expiry, never the patient's name or the invitee's (the sender's template names neither).
/// Useless once the code expires.
pub fn invitation_notice(
    member: &Member,
    to: &Email,
    code: &Code,
) -> Notification<AboutInvitation> {
    Notification::pending(
        Kind::CareCircleInvitation,
        Recipient::Invitee {
            patient_id: member.patient_id,
            email: to.clone(),
            language: None,
        },
        AboutInvitation {
            invitation_id: member.invitation_id,
            code: code.display(),
            code_expires: member.code_expires,
        },
        member.invited_at,
        member.code_expires,
    )
}

/// A code's validity, for callers that create the member.
pub fn code_expires(now: Timestamp) -> Timestamp {
    now.plus(std::time::Duration::from_secs(INVITATION_VALID_DAYS * DAY))
}

/// The email an invitation is for, in the one spelling it is compared in.
pub fn invitation_email(email: &Email) -> String {
    email.as_str().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    #[test]
    fn end_dates_end_at_the_next_midnight() {
        let end = EndDate::parse("2027-02-28").expect("date");
        assert_eq!(end.access_ends(), at("2027-03-01T00:00:00Z"));
        assert!(EndDate::parse("2027-02-30").is_err());
        assert!(EndDate::parse("28/02/2027").is_err());
        let now = at("2027-03-01T10:00:00Z");
        assert!(end.check_future(now).is_err());
        assert!(
            EndDate::parse("2027-03-01")
                .expect("d")
                .check_future(now)
                .is_ok()
        );
    }

    #[test]
    fn minors_come_of_age_on_their_birthday() {
        let born = DateOfBirth::parse("2012-02-29").expect("dob");
        let now = at("2026-11-25T00:00:00Z");
        // 2030 has no 29 February: of age on 1 March, so the last day is 28 February.
        assert_eq!(
            last_day_as_minor(born, now),
            Some(EndDate::parse("2030-02-28").expect("date"))
        );
        let adult = DateOfBirth::parse("2008-11-25").expect("dob");
        assert_eq!(last_day_as_minor(adult, now), None);
        let almost = DateOfBirth::parse("2008-11-26").expect("dob");
        assert_eq!(
            last_day_as_minor(almost, now),
            Some(EndDate::parse("2026-11-25").expect("date"))
        );
    }

    #[test]
    fn the_invitation_email_carries_the_code_to_the_address_and_no_names() {
        let expires = at("2027-01-15T00:00:00Z");
        let invited = member(MemberStatus::Invited, expires);
        let to = Email::parse("Carer@Example.org").expect("email");
        let code = Code::generate().expect("code");
        let notice = invitation_notice(&invited, &to, &code);
        assert_eq!(notice.template, "care-circle-invitation");
        assert_eq!(notice.about.code, code.display());
        assert_eq!(notice.expires_at, expires.unix_seconds());
        let json = serde_json::to_value(&notice).expect("json");
        assert_eq!(json["recipient"]["kind"], "invitee");
        assert_eq!(json["recipient"]["email"], "Carer@example.org");
        assert!(!json.to_string().contains("Sam"), "{json}");
    }

    fn member(status: MemberStatus, code_expires: Timestamp) -> Member {
        Member {
            invitation_id: InvitationId::generate(),
            patient_id: PatientId::generate(),
            email: "carer@example.org".into(),
            name: crate::domain::person::Name::parse("Sam Carer").expect("name"),
            relationship: RelationshipLabel::parse("son").expect("label"),
            scopes: BTreeSet::from([Scope::Records, Scope::Messages]),
            ends_on: None,
            guardian: false,
            status,
            invited_at: Timestamp::now(),
            invited_by: UserSub::parse("patient-1").expect("sub"),
            code_hash: "ab".into(),
            code_expires,
            failed_attempts: 0,
            caregiver_sub: None,
            accepted_at: None,
            revoked_at: None,
            revoked_by: None,
        }
    }

    #[test]
    fn the_grant_item_is_what_the_authorizer_reads() {
        let caregiver = UserSub::parse("carer-1").expect("sub");
        let mut member = member(MemberStatus::Invited, Timestamp::now());
        member.ends_on = Some(EndDate::parse("2099-01-01").expect("date"));
        let record = GrantRecord::for_member(&member, &caregiver, Timestamp::now());
        let item = store::to_item(
            &keys::caregiver_grant(member.patient_id, &caregiver),
            &record,
        )
        .expect("item");
        assert!(item.contains_key("GSI1PK") && item.contains_key("GSI1SK"));
        let read: Grant = store::from_item(item).expect("a Grant");
        assert_eq!(read.scopes, member.scopes);
        assert!(!read.revoked);
        assert_eq!(read.expires, member.access_ends());
    }

    #[test]
    fn shown_status_takes_time_and_attempts_into_account() {
        let now = at("2027-01-10T00:00:00Z");
        let mut member = member(MemberStatus::Invited, at("2027-01-11T00:00:00Z"));
        assert_eq!(member.shown_status(now), ShownStatus::Invited);
        member.failed_attempts = MAX_WRONG_EMAILS;
        assert_eq!(member.shown_status(now), ShownStatus::InvitationLocked);
        member.failed_attempts = 0;
        assert_eq!(
            member.shown_status(at("2027-01-11T00:00:00Z")),
            ShownStatus::InvitationExpired
        );
        member.status = MemberStatus::Active;
        member.ends_on = Some(EndDate::parse("2027-01-09").expect("date"));
        assert_eq!(member.shown_status(now), ShownStatus::Ended);
        member.ends_on = None;
        assert_eq!(member.shown_status(now), ShownStatus::Active);
    }
}
