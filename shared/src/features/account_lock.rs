//! Locking a patient's or a caregiver's portal account: the practice's front desk (suspected
//! compromise, a deceased patient, a court order) or the account's owner (from a sign-in
//! notice's link) stops every sign-in of it at once.
//!
//! A lock is one item: `keys::patient_lock(patient)` (in the patient's partition, so the
//! authorizer reads it with a caregiver's grant in one BatchGetItem) or
//! `keys::account_lock(sub)` for a caregiver's account. Locking writes it together with a
//! revocation entry (`platform::revocation`) in one transaction, so the tokens already out are
//! refused from the next refresh of the revocation feed; then Cognito disables the sign-in and
//! signs it out everywhere (AdminDisableUser + AdminUserGlobalSignOut). Cognito runs after the
//! transaction: the lock holds even when Cognito is slow or fails, and a retry (locking a
//! locked account answers the lock) applies it again.
//!
//! The item stays after an unlock (state `unlocked`, with who unlocked it, when and why), and
//! its `version` counts every lock and unlock: each write is conditional on the version read
//! (or on no item at all for the first lock), so two concurrent locks write one lock and the
//! loser answers the winner's.

use std::time::Duration;

use aws_sdk_cognitoidentityprovider::Client as Cognito;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::text::plain_text;
use crate::domain::timestamp::Timestamp;
pub use crate::features::account::SignIn;
use crate::features::care_circle::CareCircleStore;
use crate::features::directory::{UserDirectory, code_of};
pub use crate::features::lock_state::{grant_and_lock, locked_in};
use crate::platform::keys::{self, Key};
use crate::platform::revocation::{RevokedSubject, revocation_item, revocation_put};
use crate::platform::store::{self, Transacted};
use crate::platform::write::contention_back_off;
use crate::policy::audit::{AuditEvent, AuditLog, AuditResource, Outcome};
use crate::policy::authz::Action;
use crate::policy::caller::{Caller, Role, UserSub};

/// The longest note a lock or an unlock may carry.
pub const MAX_NOTE_CHARS: usize = 500;

/// How many times a lock or unlock re-reads and writes again when another one won the race.
const ATTEMPTS: usize = 4;

/// Why an account was locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockReason {
    SuspectedCompromise,
    Deceased,
    CourtOrder,
    /// The account's owner asked (at the desk, or through a sign-in notice's link).
    OwnerRequest,
    Other,
}

impl LockReason {
    pub const ALL: [LockReason; 5] = [
        LockReason::SuspectedCompromise,
        LockReason::Deceased,
        LockReason::CourtOrder,
        LockReason::OwnerRequest,
        LockReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LockReason::SuspectedCompromise => "suspected-compromise",
            LockReason::Deceased => "deceased",
            LockReason::CourtOrder => "court-order",
            LockReason::OwnerRequest => "owner-request",
            LockReason::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        LockReason::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// The message of a 422 naming `reason`.
    pub fn expected() -> String {
        let names: Vec<&str> = LockReason::ALL.iter().map(|r| r.as_str()).collect();
        format!("must be one of: {}", names.join(", "))
    }
}

/// A lock's or an unlock's note: plain text, at most [`MAX_NOTE_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LockNote(String);

impl LockNote {
    /// `None` for a note of blanks only (no note).
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        plain_text(raw, MAX_NOTE_CHARS, true).map(|text| Some(LockNote(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whose account is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockSubject {
    /// A patient's own portal account.
    Patient(PatientId),
    /// A caregiver's (or other non-patient) account, by its Cognito `sub`.
    Account(UserSub),
}

impl LockSubject {
    pub fn key(&self) -> Key {
        match self {
            LockSubject::Patient(patient) => keys::patient_lock(*patient),
            LockSubject::Account(sub) => keys::account_lock(sub),
        }
    }

    fn revoked(&self) -> RevokedSubject {
        match self {
            LockSubject::Patient(patient) => RevokedSubject::Patient(*patient),
            LockSubject::Account(sub) => RevokedSubject::Account(sub.clone()),
        }
    }
}

/// Who locked or unlocked: a staff member, or the account's owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockedBy {
    pub sub: UserSub,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl LockedBy {
    pub fn caller(caller: &Caller) -> Self {
        LockedBy {
            sub: caller.sub.clone(),
            name: Some(caller.shown_name()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LockState {
    Locked,
    Unlocked,
}

/// The lock item (its key aside).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountLock {
    pub state: LockState,
    pub reason: LockReason,
    #[serde(default)]
    pub note: Option<LockNote>,
    pub locked_at: Timestamp,
    pub locked_by: LockedBy,
    /// Counts every lock and unlock of this account (1 for the first lock).
    pub version: u64,
    /// The Cognito user disabled, when the account has one.
    #[serde(default)]
    pub sign_in: Option<SignIn>,
    #[serde(default)]
    pub unlocked_at: Option<Timestamp>,
    #[serde(default)]
    pub unlocked_by: Option<LockedBy>,
    #[serde(default)]
    pub unlock_note: Option<LockNote>,
}

impl AccountLock {
    pub fn is_locked(&self) -> bool {
        self.state == LockState::Locked
    }
}

/// What the API answers about an account's lock.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LockView {
    pub locked: bool,
    pub reason: Option<LockReason>,
    pub note: Option<String>,
    pub locked_at: Option<Timestamp>,
    pub locked_by: Option<LockedBy>,
}

impl LockView {
    pub fn of(lock: Option<&AccountLock>) -> Self {
        match lock.filter(|lock| lock.is_locked()) {
            Some(lock) => LockView {
                locked: true,
                reason: Some(lock.reason),
                note: lock.note.as_ref().map(|note| note.as_str().to_owned()),
                locked_at: Some(lock.locked_at),
                locked_by: Some(lock.locked_by.clone()),
            },
            None => LockView {
                locked: false,
                reason: None,
                note: None,
                locked_at: None,
                locked_by: None,
            },
        }
    }
}

/// A lock asked for.
#[derive(Debug, Clone)]
pub struct NewLock {
    pub reason: LockReason,
    pub note: Option<LockNote>,
    pub by: LockedBy,
    /// The Cognito user to disable (`None`: the patient never activated an account).
    pub sign_in: Option<SignIn>,
}

/// How a lock ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locking {
    /// This request locked the account.
    Locked(AccountLock),
    /// It was locked already: the lock in force (its Cognito side applied again).
    AlreadyLocked(AccountLock),
}

impl Locking {
    pub fn lock(&self) -> &AccountLock {
        match self {
            Locking::Locked(lock) | Locking::AlreadyLocked(lock) => lock,
        }
    }
}

/// The lock items and the user pool.
pub struct Locks<'a> {
    pub dynamo: &'a Client,
    pub table: &'a str,
    pub cognito: &'a Cognito,
    pub pool_id: &'a str,
}

/// Reads the lock of `subject` (strongly consistent); `None` if it was never locked.
pub async fn read(
    dynamo: &Client,
    table: &str,
    subject: &LockSubject,
) -> Result<Option<AccountLock>, ApiError> {
    store::get_item(dynamo, table, &subject.key(), None)
        .await?
        .map(store::from_item)
        .transpose()
}

/// Whether the patient's account is locked now (activation refuses a locked patient).
pub async fn patient_locked(
    dynamo: &Client,
    table: &str,
    patient: PatientId,
) -> Result<bool, ApiError> {
    Ok(read(dynamo, table, &LockSubject::Patient(patient))
        .await?
        .is_some_and(|lock| lock.is_locked()))
}

/// The patients a caregiver holds a grant for (not revoked; the caregiver's GSI1 list), each
/// once: a caregiver's lock is audited on each of them.
pub async fn caregiver_patients(
    dynamo: &Client,
    table: &str,
    caregiver: &UserSub,
) -> Result<Vec<PatientId>, ApiError> {
    let grants = CareCircleStore { dynamo, table }
        .grants_of(caregiver)
        .await?;
    let mut patients: Vec<PatientId> = grants
        .iter()
        .filter(|grant| !grant.revoked)
        .map(|grant| grant.patient_id)
        .collect();
    patients.sort_by_key(|patient| patient.to_string());
    patients.dedup();
    Ok(patients)
}

impl Locks<'_> {
    pub async fn read(&self, subject: &LockSubject) -> Result<Option<AccountLock>, ApiError> {
        read(self.dynamo, self.table, subject).await
    }

    /// Locks `subject`'s account (or answers the lock in force), then disables its sign-in in
    /// Cognito and signs it out everywhere.
    pub async fn lock(&self, subject: &LockSubject, new: NewLock) -> Result<Locking, ApiError> {
        let locking = self.write_lock(subject, &new).await?;
        if let Locking::AlreadyLocked(_) = &locking {
            // Tokens issued since the first lock (Cognito had not disabled the user yet, say)
            // are refused too.
            self.revoke_again(subject).await?;
        }
        let lock = locking.lock();
        if let Some(sign_in) = lock.sign_in.as_ref().or(new.sign_in.as_ref()) {
            self.disable(sign_in).await?;
        }
        Ok(locking)
    }

    async fn write_lock(&self, subject: &LockSubject, new: &NewLock) -> Result<Locking, ApiError> {
        let mut pauses = contention_pauses();
        for _ in 0..ATTEMPTS {
            let current = self.read(subject).await?;
            if let Some(lock) = current.as_ref().filter(|lock| lock.is_locked()) {
                return Ok(Locking::AlreadyLocked(lock.clone()));
            }
            let now = Timestamp::now();
            let lock = AccountLock {
                state: LockState::Locked,
                reason: new.reason,
                note: new.note.clone(),
                locked_at: now,
                locked_by: new.by.clone(),
                version: current.as_ref().map_or(1, |lock| lock.version + 1),
                sign_in: new
                    .sign_in
                    .clone()
                    .or_else(|| current.as_ref().and_then(|lock| lock.sign_in.clone())),
                unlocked_at: None,
                unlocked_by: None,
                unlock_note: None,
            };
            let items = vec![
                self.lock_put(subject, &lock, current.as_ref())?,
                revocation_put(self.table, now, &subject.revoked())?,
            ];
            match store::transact(self.dynamo, items).await? {
                Transacted::Done => return Ok(Locking::Locked(lock)),
                Transacted::ConditionsFailed(_) => {}
                Transacted::Contention => pause(&mut pauses).await,
            }
        }
        Err(busy())
    }

    /// The put of the lock item, conditional on the item read (none, or this version).
    fn lock_put(
        &self,
        subject: &LockSubject,
        lock: &AccountLock,
        read: Option<&AccountLock>,
    ) -> Result<TransactWriteItem, ApiError> {
        let put = Put::builder()
            .table_name(self.table)
            .set_item(Some(store::to_item(&subject.key(), lock)?));
        let put = match read {
            None => put.condition_expression("attribute_not_exists(PK)"),
            Some(read) => put
                .condition_expression("version = :seen")
                .expression_attribute_values(":seen", store::number(read.version)),
        };
        store::transact_put(put)
    }

    async fn revoke_again(&self, subject: &LockSubject) -> Result<(), ApiError> {
        self.dynamo
            .put_item()
            .table_name(self.table)
            .set_item(Some(revocation_item(Timestamp::now(), &subject.revoked())?))
            .send()
            .await
            .map_err(store::sdk_error)?;
        Ok(())
    }

    /// Unlocks `subject`'s account and enables its sign-in again; `None` when it is not
    /// locked (nothing written).
    pub async fn unlock(
        &self,
        subject: &LockSubject,
        by: LockedBy,
        note: Option<LockNote>,
    ) -> Result<Option<AccountLock>, ApiError> {
        let mut pauses = contention_pauses();
        for _ in 0..ATTEMPTS {
            let Some(current) = self.read(subject).await?.filter(|lock| lock.is_locked()) else {
                return Ok(None);
            };
            let unlocked = AccountLock {
                state: LockState::Unlocked,
                version: current.version + 1,
                unlocked_at: Some(Timestamp::now()),
                unlocked_by: Some(by.clone()),
                unlock_note: note.clone(),
                ..current.clone()
            };
            let put = Put::builder()
                .table_name(self.table)
                .set_item(Some(store::to_item(&subject.key(), &unlocked)?))
                .condition_expression("version = :seen")
                .expression_attribute_values(":seen", store::number(current.version));
            match store::transact(self.dynamo, vec![store::transact_put(put)?]).await? {
                Transacted::Done => {
                    if let Some(sign_in) = &unlocked.sign_in {
                        self.enable(sign_in).await?;
                    }
                    return Ok(Some(unlocked));
                }
                Transacted::ConditionsFailed(_) => {}
                Transacted::Contention => pause(&mut pauses).await,
            }
        }
        Err(busy())
    }

    /// Disables the Cognito user and revokes its refresh tokens everywhere. A user that no
    /// longer exists has nothing to disable.
    async fn disable(&self, sign_in: &SignIn) -> Result<(), ApiError> {
        let disabled = self
            .cognito
            .admin_disable_user()
            .user_pool_id(self.pool_id)
            .username(sign_in.sub.as_str())
            .send()
            .await;
        match disabled {
            Ok(_) => {}
            Err(error) if code_of(&error) == Some("UserNotFoundException") => return Ok(()),
            Err(error) => return Err(store::sdk_error(error)),
        }
        let signed_out = self
            .cognito
            .admin_user_global_sign_out()
            .user_pool_id(self.pool_id)
            .username(&sign_in.username)
            .send()
            .await;
        match signed_out {
            Ok(_) => Ok(()),
            Err(error) if code_of(&error) == Some("UserNotFoundException") => Ok(()),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    async fn enable(&self, sign_in: &SignIn) -> Result<(), ApiError> {
        let enabled = self
            .cognito
            .admin_enable_user()
            .user_pool_id(self.pool_id)
            .username(sign_in.sub.as_str())
            .send()
            .await;
        match enabled {
            Ok(_) => Ok(()),
            Err(error) if code_of(&error) == Some("UserNotFoundException") => Ok(()),
            Err(error) => Err(store::sdk_error(error)),
        }
    }

    /// The Cognito user of `patient` that signs in with `email` (the pool's usernames are
    /// emails), for a patient whose activation did not record its sign-in (accounts activated
    /// before it was recorded): `None` unless that user carries this patient's
    /// `custom:patient_id`.
    pub async fn patient_sign_in_by_email(
        &self,
        email: &str,
        patient: PatientId,
    ) -> Result<Option<SignIn>, ApiError> {
        let found = self
            .cognito
            .admin_get_user()
            .user_pool_id(self.pool_id)
            .username(email)
            .send()
            .await;
        let user = match found {
            Ok(user) => user,
            Err(error) if code_of(&error) == Some("UserNotFoundException") => return Ok(None),
            Err(error) => return Err(store::sdk_error(error)),
        };
        let attribute = |name: &str| {
            user.user_attributes()
                .iter()
                .find(|a| a.name() == name)
                .and_then(|a| a.value())
        };
        let patient_id = patient.to_string();
        if attribute("custom:patient_id") != Some(patient_id.as_str()) {
            return Ok(None);
        }
        Ok(attribute("sub").and_then(UserSub::parse).map(|sub| SignIn {
            username: email.to_lowercase(),
            sub,
        }))
    }

    /// The Cognito user with this `sub` as a lock names it (`None` if there is none).
    pub async fn sign_in_of(&self, sub: &UserSub) -> Result<Option<SignIn>, ApiError> {
        let directory = UserDirectory {
            cognito: self.cognito,
            pool_id: self.pool_id,
        };
        Ok(directory.account(sub).await?.map(|account| SignIn {
            username: if account.email.is_empty() {
                account.sub
            } else {
                account.email
            },
            sub: sub.clone(),
        }))
    }
}

fn busy() -> ApiError {
    ApiError::Conflict("The account's lock is being changed right now; retry.".into())
}

fn contention_pauses() -> impl Iterator<Item = Duration> {
    use backon::BackoffBuilder;
    contention_back_off(ATTEMPTS).build()
}

async fn pause(pauses: &mut impl Iterator<Item = Duration>) {
    if let Some(pause) = pauses.next() {
        tokio::time::sleep(pause).await;
    }
}

/// The owner's own lock, from the "not you? lock your account" link of a sign-in notice
/// (`POST /auth/lock-account`, whose signed token names the account): reason
/// `owner-request`, no caller but the owner. `owner` is the account's Cognito `sub`,
/// `patient` its `custom:patient_id` when it is a patient's (then the patient's account is
/// locked, else the account itself, as a caregiver's). Audited as the owner's own act, on the
/// patient's log (a caregiver's: on the log of each patient they act for). Locking a locked
/// account answers the lock in force.
pub async fn lock_own_account(
    locks: &Locks<'_>,
    audit: &AuditLog,
    owner: &UserSub,
    patient: Option<PatientId>,
    request_id: &str,
) -> Result<LockView, ApiError> {
    let (subject, role) = match patient {
        Some(patient) => (LockSubject::Patient(patient), Role::Patient),
        None => (LockSubject::Account(owner.clone()), Role::Caregiver),
    };
    let actor = Caller {
        sign_in: Default::default(),
        sub: owner.clone(),
        roles: [role].into(),
        patient_id: patient,
        display_name: None,
    };
    let events: Vec<AuditEvent> = match patient {
        Some(patient) => vec![AuditEvent::new(
            &actor,
            "own",
            Some(patient),
            Action::LockAccount.name(),
            &AuditResource::AccountLock,
            Outcome::Allowed,
            request_id,
        )],
        None => {
            let resource = AuditResource::CaregiverLock(owner.to_string());
            let patients = caregiver_patients(locks.dynamo, locks.table, owner).await?;
            let about: Vec<Option<PatientId>> = if patients.is_empty() {
                vec![None]
            } else {
                patients.into_iter().map(Some).collect()
            };
            about
                .into_iter()
                .map(|patient| {
                    // On a patient's log the owner is their caregiver, not the patient.
                    let relationship = if patient.is_some() {
                        "caregiver"
                    } else {
                        "own"
                    };
                    AuditEvent::new(
                        &actor,
                        relationship,
                        patient,
                        Action::LockAccount.name(),
                        &resource,
                        Outcome::Allowed,
                        request_id,
                    )
                })
                .collect()
        }
    };
    audit.record_all(&events).await?;
    let new = NewLock {
        reason: LockReason::OwnerRequest,
        note: None,
        by: LockedBy {
            sub: owner.clone(),
            name: None,
        },
        sign_in: locks.sign_in_of(owner).await?,
    };
    let locking = locks.lock(&subject, new).await?;
    Ok(LockView::of(Some(locking.lock())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_have_one_spelling() {
        for reason in LockReason::ALL {
            assert_eq!(LockReason::parse(reason.as_str()), Some(reason));
            assert_eq!(
                serde_json::to_value(reason).expect("json"),
                serde_json::json!(reason.as_str())
            );
        }
        assert_eq!(LockReason::parse("Deceased"), None);
        assert_eq!(LockReason::parse(""), None);
        assert!(LockReason::expected().contains("court-order"));
    }

    #[test]
    fn notes_are_plain_text_within_the_limit() {
        assert_eq!(LockNote::parse("  "), Ok(None));
        assert_eq!(
            LockNote::parse(" Called from a new number ")
                .expect("note")
                .map(|n| n.as_str().to_owned()),
            Some("Called from a new number".to_owned())
        );
        assert!(LockNote::parse(&"x".repeat(MAX_NOTE_CHARS)).is_ok());
        assert!(LockNote::parse(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
        assert!(LockNote::parse("a\u{202E}b").is_err());
    }

    fn lock(state: LockState) -> AccountLock {
        AccountLock {
            state,
            reason: LockReason::CourtOrder,
            note: None,
            locked_at: Timestamp::now(),
            locked_by: LockedBy {
                sub: UserSub::parse("desk-1").expect("sub"),
                name: Some("Dee Desk".into()),
            },
            version: 1,
            sign_in: None,
            unlocked_at: None,
            unlocked_by: None,
            unlock_note: None,
        }
    }

    #[test]
    fn the_item_says_whether_the_lock_is_in_force() {
        let key = keys::patient_lock(PatientId::generate());
        let locked = store::to_item(&key, &lock(LockState::Locked)).expect("item");
        assert!(locked_in(&locked));
        let unlocked = store::to_item(&key, &lock(LockState::Unlocked)).expect("item");
        assert!(!locked_in(&unlocked));
        assert!(!LockView::of(Some(&lock(LockState::Unlocked))).locked);
        let shown =
            serde_json::to_value(LockView::of(Some(&lock(LockState::Locked)))).expect("json");
        assert_eq!(shown["locked"], true);
        assert_eq!(shown["reason"], "court-order");
        assert_eq!(shown["lockedBy"]["name"], "Dee Desk");
        assert_eq!(
            serde_json::to_value(LockView::of(None)).expect("json"),
            serde_json::json!({"locked": false})
        );
    }
}
