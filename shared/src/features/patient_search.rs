//! Staff finding a patient by name and/or date of birth (`GET /staff/patients`), without a Scan.
//!
//! Every write of a profile item ([`crate::features::profile_record::Profile::stored`]) sets
//! four index attributes on it, derived from the legal name and the date of birth as they are in
//! that write, so a change of either moves the patient in both indexes with the profile itself:
//! - `GSI1PK` = [`keys::patients_by_name`] (the first two characters of the normalised family
//!   name), `GSI1SK` = [`keys::patient_search_sort`];
//! - `GSI2PK` = [`keys::patients_by_birth_date`], `GSI2SK` = the same sort key.
//!
//! Names are compared as the match index compares them ([`patient_match::normalise`]): without
//! accents, case, spaces or punctuation, so `lopez` finds `López` and `garcia lo` finds
//! `García-López`. A search is a prefix of the sort key: `lopez` (family names starting with
//! it) or, with a comma, `lopez, an` (family name `lopez`, given names starting with `an`).

use serde::Serialize;

use crate::domain::ids::PatientId;
use crate::domain::person::{DateOfBirth, LegalName};
use crate::features::patient_match::normalise;
use crate::platform::keys;

/// The fewest characters (letters or digits, once normalised) a name search must have: the
/// name partitions are keyed by two.
pub const MIN_NAME_CHARS: usize = 2;
/// The longest `q` accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// The most patients one search answers: a search that matches more must be narrowed.
pub const MAX_RESULTS: usize = 25;

/// The index attributes of a profile item (flattened into it by `Profile::stored`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchKeys {
    #[serde(rename = "GSI1PK")]
    pub by_name: String,
    #[serde(rename = "GSI1SK")]
    pub by_name_sort: String,
    #[serde(rename = "GSI2PK")]
    pub by_birth_date: String,
    #[serde(rename = "GSI2SK")]
    pub by_birth_date_sort: String,
}

impl SearchKeys {
    pub fn of(patient: PatientId, name: &LegalName, date_of_birth: DateOfBirth) -> SearchKeys {
        let family = normalise(name.family.as_str());
        let given = normalise(name.given.as_str());
        let sort = keys::patient_search_sort(&family, &given, patient);
        SearchKeys {
            by_name: keys::patients_by_name(&partition_of(&family)),
            by_name_sort: sort.clone(),
            by_birth_date: keys::patients_by_birth_date(&date_of_birth.to_iso()),
            by_birth_date_sort: sort,
        }
    }
}

/// The name partition a normalised family name (or the family part of a search) falls in.
fn partition_of(family: &str) -> String {
    family.chars().take(MIN_NAME_CHARS).collect()
}

/// A name search, parsed: which name partition to read and the sort-key prefix to read in it.
#[derive(Clone, PartialEq, Eq)]
pub struct NameQuery {
    family: String,
    prefix: String,
}

impl std::fmt::Debug for NameQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A name: never in a log.
        f.write_str("NameQuery(<redacted>)")
    }
}

impl NameQuery {
    /// `lopez` → family names starting with `lopez`; `lopez, an` → family name `lopez` (whole)
    /// and given names starting with `an`. Or why `raw` is no search.
    pub fn parse(raw: &str) -> Result<NameQuery, String> {
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("must be at most {MAX_QUERY_CHARS} characters"));
        }
        let (family, given) = match raw.split_once(',') {
            Some((family, given)) => (normalise(family), Some(normalise(given))),
            None => (normalise(raw), None),
        };
        if family.chars().count() < MIN_NAME_CHARS {
            return Err(format!(
                "needs at least {MIN_NAME_CHARS} letters or digits of the family name"
            ));
        }
        let prefix = match given {
            Some(given) => format!("{family}#{given}"),
            None => family.clone(),
        };
        Ok(NameQuery { family, prefix })
    }

    /// The GSI1 partition to query.
    pub fn partition(&self) -> String {
        keys::patients_by_name(&partition_of(&self.family))
    }

    /// The sort-key prefix (`begins_with`) in either index.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::person::Name;

    fn name(given: &str, family: &str) -> LegalName {
        LegalName {
            given: Name::parse(given).expect("name"),
            family: Name::parse(family).expect("name"),
        }
    }

    fn keys_of(given: &str, family: &str) -> SearchKeys {
        SearchKeys::of(
            PatientId::generate(),
            &name(given, family),
            DateOfBirth::parse("1984-03-12").expect("date"),
        )
    }

    fn finds(query: &str, keys: &SearchKeys) -> bool {
        let query = NameQuery::parse(query).expect("query");
        query.partition() == keys.by_name && keys.by_name_sort.starts_with(query.prefix())
    }

    #[test]
    fn a_family_name_is_found_by_its_start_whatever_the_accents_and_case() {
        let ana = keys_of("Ana", "López");
        assert_eq!(ana.by_name, "PATIENTS_BY_NAME#lo");
        assert_eq!(ana.by_birth_date, "PATIENTS_BY_BIRTH#1984-03-12");
        assert!(ana.by_name_sort.starts_with("lopez#ana#"));
        for query in ["lopez", "LÓPEZ", "Lo", "lóp", " l-o p"] {
            assert!(finds(query, &ana), "{query}");
        }
        for query in ["ana", "garcia", "lopezz"] {
            assert!(!finds(query, &ana), "{query}");
        }
    }

    #[test]
    fn a_comma_separates_the_whole_family_name_from_the_start_of_the_given_names() {
        let ana = keys_of("Ana María", "García-López");
        assert!(finds("garcia lopez, ana m", &ana));
        assert!(finds("García López,", &ana));
        assert!(finds("garcia", &ana));
        assert!(
            !finds("garcia, ana", &ana),
            "the family name is whole before a comma"
        );
        assert!(!finds("garcialopez, maria", &ana));
    }

    #[test]
    fn too_short_or_too_long_searches_are_refused() {
        for query in ["", "a", " é ", "--", "a, ana"] {
            assert!(NameQuery::parse(query).is_err(), "{query:?}");
        }
        assert!(NameQuery::parse(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
        assert!(NameQuery::parse(&"a".repeat(MAX_QUERY_CHARS)).is_ok());
    }

    #[test]
    fn a_query_is_never_printed() {
        let query = NameQuery::parse("lopez").expect("query");
        assert!(!format!("{query:?}").contains("lopez"));
    }
}
