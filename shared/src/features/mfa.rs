//! Authenticator apps (TOTP multi-factor authentication) of portal accounts, and their one-time
//! backup codes. Cognito holds the app's secret and answers the sign-in's `SOFTWARE_TOKEN_MFA`
//! challenge; the portal keeps two things of its own:
//!
//! - `custom:mfa` on the user (`totp` once enrolment is verified, removed when MFA is turned
//!   off), written by the backend alone (not in the app client's WriteAttributes), so the ID
//!   token tells the authorizer whether a staff member has enrolled (`SignInFacts::mfa`);
//! - the account's backup codes: ten `XXXX-XXXX` codes shown once, stored as keyed hashes in
//!   one item (`keys::backup_codes`), each removed from the set by a conditional update when
//!   used, so a code works once even when two sign-ins race with it.
//!
//! [`turn_off`] is the one way MFA goes off (the account holder with a fresh sign-in, a backup
//! code, the front desk for a patient; [`reset`], the same when anything is on, for the front
//! desk's reset of a caregiver and an administrator's of a staff member): Cognito's preference
//! off, `custom:mfa` removed, the backup codes deleted. The holder hears of it through
//! `mfa_notice`.
//!
//! Codes and secrets never reach a log, an error message or `Debug`.

use aws_sdk_cognitoidentityprovider::Client as Cognito;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, SoftwareTokenMfaSettingsType};
use aws_sdk_dynamodb::Client as Dynamo;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::domain::one_time_code::{normalise_symbols, random_symbols};
use crate::domain::timestamp::Timestamp;
use crate::platform::keys;
use crate::platform::store;
use crate::policy::caller::{MFA_TOTP, UserSub};

/// How many backup codes a set holds.
pub const BACKUP_CODE_COUNT: usize = 10;
/// Symbols per code: 8 of 5 bits (40 bits each), shown as `XXXX-XXXX`.
pub const BACKUP_CODE_LENGTH: usize = 8;
/// The user attribute that says an authenticator app is enrolled.
pub const MFA_ATTRIBUTE: &str = "custom:mfa";
/// The context of a backup code's keyed hash (no other code hashes the same).
pub const BACKUP_CODE_HASH_CONTEXT: &str = "mfa-backup-code";

/// The attribute of the backup-codes item holding the set of hashes.
const CODES: &str = "codes";

/// One backup code as a person types it, normalised (upper case, no dash).
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCode(String);

impl std::fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupCode(<redacted>)")
    }
}

impl BackupCode {
    /// A new random code (the one-time codes' generator, over their alphabet).
    pub fn generate() -> Result<BackupCode, ApiError> {
        random_symbols(BACKUP_CODE_LENGTH).map(BackupCode)
    }

    /// What a person typed: any case, dashes and spaces anywhere, O for 0 and I or L for 1.
    /// `None` if it cannot be a backup code.
    pub fn normalise(typed: &str) -> Option<BackupCode> {
        normalise_symbols(typed, BACKUP_CODE_LENGTH).map(BackupCode)
    }

    /// How it is shown, once: `XXXX-XXXX`.
    pub fn display(&self) -> String {
        let half = BACKUP_CODE_LENGTH / 2;
        format!("{}-{}", &self.0[..half], &self.0[half..])
    }

    /// What its keyed hash is made of (the normalised code, with
    /// [`BACKUP_CODE_HASH_CONTEXT`]).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new set of backup codes, to show once and store as hashes.
pub struct BackupCodes(Vec<BackupCode>);

impl BackupCodes {
    /// [`BACKUP_CODE_COUNT`] distinct new codes.
    pub fn generate() -> Result<BackupCodes, ApiError> {
        let mut codes: Vec<BackupCode> = Vec::with_capacity(BACKUP_CODE_COUNT);
        while codes.len() < BACKUP_CODE_COUNT {
            let code = BackupCode::generate()?;
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        Ok(BackupCodes(codes))
    }

    pub fn codes(&self) -> &[BackupCode] {
        &self.0
    }

    /// The codes as shown to the account holder (`XXXX-XXXX`).
    pub fn shown(&self) -> Vec<String> {
        self.0.iter().map(BackupCode::display).collect()
    }
}

/// The account's backup codes in the app table (`keys::backup_codes`).
pub struct BackupCodeStore<'a> {
    pub dynamo: &'a Dynamo,
    pub table: &'a str,
}

impl BackupCodeStore<'_> {
    /// Replaces the account's set with `hashes` (the old codes stop working at once).
    pub async fn replace(
        &self,
        sub: &UserSub,
        hashes: Vec<String>,
        now: Timestamp,
    ) -> Result<(), ApiError> {
        let key = keys::backup_codes(sub);
        let mut item = key.attributes();
        item.insert(CODES.into(), AttributeValue::Ss(hashes));
        item.insert("generatedAt".into(), store::string(now.to_string()));
        self.dynamo
            .put_item()
            .table_name(self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(store::sdk_error)?;
        Ok(())
    }

    /// How many unused codes the account has.
    pub async fn left(&self, sub: &UserSub) -> Result<usize, ApiError> {
        let item = store::get_item(
            self.dynamo,
            self.table,
            &keys::backup_codes(sub),
            Some(CODES),
        )
        .await?;
        Ok(match item.as_ref().and_then(|item| item.get(CODES)) {
            Some(AttributeValue::Ss(hashes)) => hashes.len(),
            _ => 0,
        })
    }

    /// Uses the code whose keyed hash is one of `candidates` (the hash under each key version
    /// still accepted): removes it from the set, only if it is there. `true` when this call
    /// used it; `false` for a wrong code, or one used already (by another request too: the
    /// condition lets exactly one of two racing uses through).
    pub async fn consume(&self, sub: &UserSub, candidates: &[String]) -> Result<bool, ApiError> {
        let key = keys::backup_codes(sub);
        for hash in candidates {
            let result = self
                .dynamo
                .update_item()
                .table_name(self.table)
                .set_key(Some(key.attributes()))
                .update_expression("DELETE #codes :used")
                .condition_expression("contains(#codes, :hash)")
                .expression_attribute_names("#codes", CODES)
                .expression_attribute_values(":used", AttributeValue::Ss(vec![hash.clone()]))
                .expression_attribute_values(":hash", store::string(hash.as_str()))
                .send()
                .await;
            match result {
                Ok(_) => return Ok(true),
                Err(error) if store::is_condition_failure(&error) => continue,
                Err(error) => return Err(store::sdk_error(error)),
            }
        }
        Ok(false)
    }

    pub async fn delete(&self, sub: &UserSub) -> Result<(), ApiError> {
        self.dynamo
            .delete_item()
            .table_name(self.table)
            .set_key(Some(keys::backup_codes(sub).attributes()))
            .send()
            .await
            .map_err(store::sdk_error)?;
        Ok(())
    }
}

/// The user pool an account lives in (the Cognito admin calls MFA needs).
pub struct Pool<'a> {
    pub cognito: &'a Cognito,
    pub user_pool_id: &'a str,
}

/// What Cognito says of an account's MFA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMfa {
    /// Software-token MFA is on (Cognito challenges every sign-in).
    pub enabled: bool,
    /// `custom:mfa` is `totp` (what the account's next ID token will say).
    pub marked: bool,
    pub email: Option<String>,
    pub locale: Option<String>,
}

fn no_such_user<E: ProvideErrorMetadata, R>(
    error: &aws_sdk_cognitoidentityprovider::error::SdkError<E, R>,
) -> bool {
    error.as_service_error().and_then(|e| e.code()) == Some("UserNotFoundException")
}

impl Pool<'_> {
    /// The account's MFA state; 404 when there is no such user. `username`: the sub (Cognito
    /// takes it, or the email, wherever a username goes).
    pub async fn account(&self, username: &str) -> Result<AccountMfa, ApiError> {
        let user = self
            .cognito
            .admin_get_user()
            .user_pool_id(self.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(|error| {
                if no_such_user(&error) {
                    ApiError::NotFound
                } else {
                    store::sdk_error(error)
                }
            })?;
        let attribute = |name: &str| {
            user.user_attributes()
                .iter()
                .find(|a| a.name() == name)
                .and_then(|a| a.value())
                .map(str::to_owned)
        };
        Ok(AccountMfa {
            enabled: user
                .user_mfa_setting_list()
                .iter()
                .any(|setting| setting == "SOFTWARE_TOKEN_MFA"),
            marked: attribute(MFA_ATTRIBUTE).as_deref() == Some(MFA_TOTP),
            email: attribute("email"),
            locale: attribute("locale"),
        })
    }

    /// Software-token MFA on and preferred (after Cognito verified the app's first code), and
    /// `custom:mfa` set.
    pub async fn turn_on(&self, username: &str) -> Result<(), ApiError> {
        self.preference(username, true).await?;
        let marked = AttributeType::builder()
            .name(MFA_ATTRIBUTE)
            .value(MFA_TOTP)
            .build()
            .map_err(ApiError::internal)?;
        self.cognito
            .admin_update_user_attributes()
            .user_pool_id(self.user_pool_id)
            .username(username)
            .user_attributes(marked)
            .send()
            .await
            .map_err(store::sdk_error)?;
        Ok(())
    }

    async fn preference(&self, username: &str, on: bool) -> Result<(), ApiError> {
        self.cognito
            .admin_set_user_mfa_preference()
            .user_pool_id(self.user_pool_id)
            .username(username)
            .software_token_mfa_settings(
                SoftwareTokenMfaSettingsType::builder()
                    .enabled(on)
                    .preferred_mfa(on)
                    .build(),
            )
            .send()
            .await
            .map_err(|error| {
                if no_such_user(&error) {
                    ApiError::NotFound
                } else {
                    store::sdk_error(error)
                }
            })?;
        Ok(())
    }
}

/// Turns the account's MFA off: Cognito stops challenging its sign-ins, `custom:mfa` goes (the
/// next ID token lacks it) and its backup codes are deleted. Safe to repeat; 404 when Cognito
/// has no such user. `sub` names the account (Cognito takes it as the username).
pub async fn turn_off(
    pool: &Pool<'_>,
    codes: &BackupCodeStore<'_>,
    sub: &UserSub,
) -> Result<(), ApiError> {
    let account = pool.account(sub.as_str()).await?;
    switch_off(pool, codes, sub, &account).await
}

/// What [`reset`] found: the account as it was, and whether anything of its MFA was on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reset {
    pub account: AccountMfa,
    /// Something was turned off (the holder is to be told); `false`: nothing was on.
    pub changed: bool,
}

/// The practice's reset of an account's MFA (a lost phone, after the holder's identity was
/// checked): [`turn_off`], only when something is on (Cognito's MFA, `custom:mfa` or unused
/// backup codes), so a repeat changes nothing and is not news to tell. 404 when Cognito has no
/// such user.
pub async fn reset(
    pool: &Pool<'_>,
    codes: &BackupCodeStore<'_>,
    sub: &UserSub,
) -> Result<Reset, ApiError> {
    let account = pool.account(sub.as_str()).await?;
    let changed = account.enabled || account.marked || codes.left(sub).await? > 0;
    if changed {
        switch_off(pool, codes, sub, &account).await?;
    }
    Ok(Reset { account, changed })
}

async fn switch_off(
    pool: &Pool<'_>,
    codes: &BackupCodeStore<'_>,
    sub: &UserSub,
    account: &AccountMfa,
) -> Result<(), ApiError> {
    pool.preference(sub.as_str(), false).await?;
    // Only when present: deleting an attribute the user lacks is refused. A reset running at
    // the same moment may have deleted it since it was read: that refusal is the same outcome.
    if account.marked {
        let deleted = pool
            .cognito
            .admin_delete_user_attributes()
            .user_pool_id(pool.user_pool_id)
            .username(sub.as_str())
            .user_attribute_names(MFA_ATTRIBUTE)
            .send()
            .await;
        match deleted {
            Ok(_) => {}
            Err(error) if error.code() == Some("InvalidParameterException") => {}
            Err(error) => return Err(store::sdk_error(error)),
        }
    }
    codes.delete(sub).await
}

/// What happened to an account's MFA, for the notice its holder gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MfaChange {
    /// The holder enrolled an authenticator app.
    TurnedOn,
    /// The holder removed it (after a fresh sign-in).
    TurnedOff,
    /// A backup code was used to sign in, which turns MFA off.
    BackupCodeUsed,
    /// The practice turned it off (the front desk for a patient, an administrator for staff).
    ResetByPractice,
}

/// What an `mfa-changed` notice refers to: when, and which change. Nothing else.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AboutMfaChange {
    pub at: Timestamp,
    pub change: MfaChange,
}

/// Whether a fresh sign-in (the password typed within `window`) backs the caller's token.
pub fn is_fresh(auth_time: Option<Timestamp>, now: Timestamp, window_seconds: i64) -> bool {
    auth_time.is_some_and(|at| {
        let age = now.unix_seconds() - at.unix_seconds();
        (-60..=window_seconds).contains(&age)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::one_time_code::ALPHABET;

    #[test]
    fn generated_codes_are_distinct_and_shown_as_two_groups() {
        let set = BackupCodes::generate().expect("codes");
        let shown = set.shown();
        assert_eq!(shown.len(), BACKUP_CODE_COUNT);
        for code in &shown {
            assert_eq!(code.len(), 9);
            assert_eq!(&code[4..5], "-");
            assert!(
                code.chars()
                    .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
            );
            assert!(BackupCode::normalise(code).is_some());
        }
        let mut unique = shown.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), BACKUP_CODE_COUNT);
    }

    #[test]
    fn typing_is_forgiving_and_codes_stay_secret() {
        let code = BackupCode::normalise("ABCD-0123").expect("code");
        assert_eq!(BackupCode::normalise("abcd o123"), Some(code.clone()));
        assert_eq!(BackupCode::normalise("ABCD-012"), None);
        assert_eq!(BackupCode::normalise("ABCD-0123U"), None);
        assert_eq!(BackupCode::normalise("ÀBCD-0123"), None);
        assert_eq!(code.display(), "ABCD-0123");
        assert!(!format!("{code:?}").contains("ABCD"));
    }

    #[test]
    fn a_fresh_sign_in_is_a_recent_one() {
        let now = Timestamp::now();
        let ago = |seconds: i64| Timestamp::from_unix_seconds(now.unix_seconds() - seconds);
        assert!(is_fresh(ago(30), now, 600));
        assert!(is_fresh(ago(600), now, 600));
        assert!(!is_fresh(ago(601), now, 600));
        assert!(!is_fresh(None, now, 600));
    }

    #[test]
    fn changes_are_named_in_kebab_case() {
        let about = AboutMfaChange {
            at: Timestamp::now(),
            change: MfaChange::BackupCodeUsed,
        };
        let json = serde_json::to_value(&about).expect("json");
        assert_eq!(json["change"], "backup-code-used");
    }
}
