//! Finding a registered patient by name and date of birth without a Scan: the match index.
//!
//! Every registration (the front desk's `POST /staff/patients`, a cohort's list upload) writes,
//! in the profile's own transaction, the patient's id into the one item of its [`MatchKey`] (a
//! String Set `patients`, at [`keys::patient_match`]); a change of the legal name or the date
//! of birth moves it, in the profile's transaction too. So the item of a key lists exactly the
//! patients registered under it now: none, one, or (two people of one name and birthday, or a
//! patient registered twice) several, which a reader must treat as ambiguous.
//!
//! The key is the SHA-256 of the normalised names and date (see [`normalise`]): the table holds
//! no name here. (The profile items hold the names in full; a hash of a name and a birthday
//! can be guessed, so it adds no secrecy beyond them, and needs none.)

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::person::{DateOfBirth, LegalName};
use crate::platform::keys;
use crate::platform::store;

/// The attribute of the match item that lists its patients (a String Set).
const PATIENTS: &str = "patients";

/// The identity a patient is matched by: family name, given names and date of birth, each
/// normalised, hashed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MatchKey(String);

impl std::fmt::Debug for MatchKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A hash of a name and a birthday can be guessed back: never in a log.
        f.write_str("MatchKey(<redacted>)")
    }
}

impl MatchKey {
    pub fn of(name: &LegalName, date_of_birth: DateOfBirth) -> MatchKey {
        let mut hasher = Sha256::new();
        for part in [
            normalise(name.family.as_str()),
            normalise(name.given.as_str()),
            date_of_birth.to_iso(),
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        MatchKey(hex::encode(hasher.finalize()))
    }

    fn key(&self) -> keys::Key {
        keys::patient_match(&self.0)
    }
}

/// A name as matched: letters of the Latin alphabet without their accents (`López` → `lopez`,
/// `Søren` → `soren`), every letter in lower case, and nothing but letters and digits (spaces,
/// hyphens, apostrophes and dots dropped: `García-López` = `Garcia Lopez`, `O'Brien` =
/// `OBrien`). Letters of other scripts are kept as they are (lower-cased): folding them to ASCII
/// would make different names one.
pub fn normalise(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars().filter(|c| c.is_alphanumeric()) {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else if is_latin(c) {
            let ascii = deunicode::deunicode_char(c).unwrap_or_default();
            folded.extend(
                ascii
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            );
        } else {
            folded.extend(c.to_lowercase());
        }
    }
    folded
}

/// Latin-1 Supplement letters, Latin Extended-A and -B, IPA-free Latin Extended Additional.
fn is_latin(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Whether a registration may share its key with patients registered before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registering {
    /// The front desk registers whoever stands at the desk: two people may share a name and
    /// a birthday.
    Anyone,
    /// A list upload registers a person only if nobody holds the key yet: two uploads of one
    /// list at the same moment register them once (the second's condition fails, and it
    /// matches the patient the first registered).
    OnlyTheFirst,
}

/// The write, for the registration's transaction, that adds `patient` to its key's item.
/// With [`Registering::OnlyTheFirst`] its condition fails when the key lists someone already.
pub fn register(
    table: &str,
    key: &MatchKey,
    patient: PatientId,
    registering: Registering,
) -> Result<TransactWriteItem, ApiError> {
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key.key().attributes()))
        .update_expression("ADD #patients :patient")
        .expression_attribute_names("#patients", PATIENTS)
        .expression_attribute_values(":patient", AttributeValue::Ss(vec![patient.to_string()]));
    if registering == Registering::OnlyTheFirst {
        update = update.condition_expression("attribute_not_exists(#patients)");
    }
    let update = update.build().map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// The writes, for a profile's transaction, that move `patient` from the key of its identity
/// before to the key after; none when the identity matches as before. Unconditional: the
/// profile's own condition (its version) is what orders the changes of one patient.
pub fn moved(
    table: &str,
    patient: PatientId,
    before: &MatchKey,
    after: &MatchKey,
) -> Result<Vec<TransactWriteItem>, ApiError> {
    if before == after {
        return Ok(Vec::new());
    }
    let value = || AttributeValue::Ss(vec![patient.to_string()]);
    let remove = Update::builder()
        .table_name(table)
        .set_key(Some(before.key().attributes()))
        .update_expression("DELETE #patients :patient")
        .expression_attribute_names("#patients", PATIENTS)
        .expression_attribute_values(":patient", value())
        .build()
        .map_err(ApiError::internal)?;
    Ok(vec![
        TransactWriteItem::builder().update(remove).build(),
        register(table, after, patient, Registering::Anyone)?,
    ])
}

/// The patients registered under `key` now (one consistent GetItem). The read reaches no
/// patient's data, only ids; what the caller then reads of them it authorises and audits.
pub async fn patients_matching(
    dynamo: &Client,
    table: &str,
    key: &MatchKey,
) -> Result<Vec<PatientId>, ApiError> {
    let item = store::get_item(dynamo, table, &key.key(), Some(PATIENTS)).await?;
    let ids = match item.as_ref().and_then(|item| item.get(PATIENTS)) {
        Some(AttributeValue::Ss(ids)) => ids.as_slice(),
        _ => &[],
    };
    ids.iter()
        .map(|id| {
            PatientId::parse(id).ok_or_else(|| ApiError::internal("a match item holds a bad id"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::person::Name;

    fn name(given: &str, family: &str) -> LegalName {
        LegalName {
            given: Name::parse(given).expect("given"),
            family: Name::parse(family).expect("family"),
        }
    }

    fn born(raw: &str) -> DateOfBirth {
        DateOfBirth::parse(raw).expect("date")
    }

    #[test]
    fn names_match_whatever_their_case_accents_and_spacing() {
        assert_eq!(normalise(" García-López "), "garcialopez");
        assert_eq!(normalise("O'Brien"), "obrien");
        assert_eq!(normalise("SØREN"), "soren");
        assert_eq!(normalise("Zoë Anne"), "zoeanne");
        // Other scripts keep their letters: two different names stay two.
        assert_ne!(normalise("张伟"), normalise("章伟"));
        assert_eq!(normalise("Иван"), "иван");
        let dob = born("1984-03-12");
        assert_eq!(
            MatchKey::of(&name("Ana María", "López"), dob),
            MatchKey::of(&name("ana maria", "LOPEZ"), dob)
        );
        assert_ne!(
            MatchKey::of(&name("Ana", "López"), dob),
            MatchKey::of(&name("Ana", "López"), born("1984-03-13"))
        );
        // The parts are delimited: moving letters from one name to the other is another key.
        assert_ne!(
            MatchKey::of(&name("Ana", "Lopez"), dob),
            MatchKey::of(&name("Anal", "opez"), dob)
        );
        assert!(!format!("{:?}", MatchKey::of(&name("Ana", "Lopez"), dob)).contains("Lopez"));
    }

    #[test]
    fn an_unchanged_identity_moves_nothing() {
        let patient = PatientId::generate();
        let key = MatchKey::of(&name("Ana", "Lopez"), born("1984-03-12"));
        assert!(moved("t", patient, &key, &key).expect("writes").is_empty());
        let other = MatchKey::of(&name("Ana", "Lopez Ruiz"), born("1984-03-12"));
        assert_eq!(moved("t", patient, &key, &other).expect("writes").len(), 2);
    }
}
