//! Feature switches: which patient-facing features are on, and for whom. The rollout function
//! owns the switch items; every function evaluates them (through
//! [`crate::platform::feature_gate`], from a cached copy) on the routes its features own.
//!
//! One item per feature, PK `FEATURE_SWITCHES`, SK `<feature>` ([`keys::feature_switch`]):
//! `{ feature, mode, cohorts, percentage, staffRoles, killed, version, updatedAt, updatedBy }`.
//! A feature without an item is on for everyone (what the portal did before switches existed).
//!
//! [`evaluate`] is the pure rule, in this order (the first that applies decides):
//! 1. `killed` → off (`killed`): the kill switch beats every rule;
//! 2. mode `off` → off (`off`); mode `everyone` → on (`everyone`);
//! 3. mode `rules`: the caller holds one of `staffRoles` → on (`staff-role`); the patient is in
//!    one of `cohorts` → on (`cohort`); the patient's [`bucket`] is below `percentage` × 100 →
//!    on (`percentage`); a staff caller on a route about no patient (a work list) → on
//!    (`staff-route`); otherwise off (`not-in-rollout`).
//!
//! The bucket is sticky: the first 8 bytes of SHA-256 of `"<feature>:<patientId>"`, as a
//! big-endian u64, modulo 10 000. A patient's bucket never changes, so raising the percentage
//! only adds patients, and each feature has its own buckets (the feature's name is the salt),
//! so the first 10% of one feature are not the first 10% of every feature.
//!
//! [`keys::feature_switch`]: crate::platform::keys::feature_switch

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use strum::VariantArray;

use crate::ApiError;
use crate::domain::cohort_name::CohortName;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::platform::validation::FieldError;
use crate::policy::caller::{Caller, Role, UserSub};

/// A patient-facing feature that a switch turns on and off. Later features add variants (and
/// claim their routes in their function's `FEATURE_ROUTES`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, VariantArray,
)]
#[serde(rename_all = "kebab-case")]
pub enum Feature {
    /// Patients (and caregivers) importing FHIR bundles from other portals.
    RecordImport,
    /// Secure messaging with the care team.
    Messaging,
    /// Booking and rescheduling online.
    OnlineBooking,
    /// Asking for an earlier slot and taking an offered one.
    Waitlist,
    /// Checking in online before a visit.
    CheckIn,
    /// Inviting caregivers to act for the patient.
    CareCircle,
    /// Telling the practice what they think: polls, ratings, suggestions, usability surveys.
    Feedback,
    /// Reporting a problem with the portal to the quick-response team, and following it.
    ProblemReports,
    /// What's new: the practice's announcements in the app.
    Announcements,
    /// Asking the practice to renew a current medication (prescription refill requests).
    Refills,
    /// Health education matched to the record.
    Education,
}

impl Feature {
    /// Every feature, in declaration order (the order `feature_states` lists them in).
    pub const ALL: &'static [Feature] = Feature::VARIANTS;

    /// The feature's name in URLs, items and problems (`online-booking`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Feature::RecordImport => "record-import",
            Feature::Messaging => "messaging",
            Feature::OnlineBooking => "online-booking",
            Feature::Waitlist => "waitlist",
            Feature::CheckIn => "check-in",
            Feature::CareCircle => "care-circle",
            Feature::Feedback => "feedback",
            Feature::ProblemReports => "problem-reports",
            Feature::Announcements => "announcements",
            Feature::Refills => "refills",
            Feature::Education => "education",
        }
    }

    /// The feature named `raw` exactly (`messaging`), or `None`.
    pub fn parse(raw: &str) -> Option<Feature> {
        Feature::ALL
            .iter()
            .copied()
            .find(|feature| feature.as_str() == raw)
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a switch decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// On for everyone (the kill switch still wins).
    #[default]
    Everyone,
    /// Off for everyone.
    Off,
    /// On for the listed staff roles, cohorts and percentage of patients.
    Rules,
}

/// What a portal lead sets on a switch (also the `before` and `after` of its history).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchRules {
    pub mode: Mode,
    /// In `rules` mode: members of these cohorts have the feature.
    #[serde(default)]
    pub cohorts: Vec<CohortName>,
    /// In `rules` mode: this share of all patients (0–100) has the feature, chosen by
    /// [`bucket`].
    #[serde(default)]
    pub percentage: u8,
    /// In `rules` mode: staff holding one of these roles have the feature for every patient
    /// (Cognito group names: `front-desk`, `clinicians`...).
    #[serde(default, with = "crate::policy::caller::staff_groups")]
    pub staff_roles: Vec<Role>,
    /// The kill switch: off for everyone whatever the mode, until a change clears it.
    #[serde(default)]
    pub killed: bool,
}

impl SwitchRules {
    /// A switch names at most this many cohorts (the cache reads each one's members).
    pub const MAX_COHORTS: usize = 20;

    /// The rules' own invariants, naming the offending fields: percentage 0–100, distinct
    /// cohorts (at most [`Self::MAX_COHORTS`]), distinct staff roles. Whether the cohorts
    /// exist is the rollout function's to check.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut errors = Vec::new();
        let mut error = |field: &str, message: &str| {
            errors.push(FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
            })
        };
        if self.percentage > 100 {
            error("percentage", "must be from 0 to 100");
        }
        if self.cohorts.len() > Self::MAX_COHORTS {
            error("cohorts", "may name at most 20 cohorts");
        }
        if self.cohorts.iter().collect::<BTreeSet<_>>().len() != self.cohorts.len() {
            error("cohorts", "must not name a cohort twice");
        }
        if self.staff_roles.iter().collect::<BTreeSet<_>>().len() != self.staff_roles.len() {
            error("staffRoles", "must not name a role twice");
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(errors))
        }
    }

    /// Evaluates these rules of `feature` for `subject` (see the module's documentation).
    pub fn evaluate(
        &self,
        feature: Feature,
        members: &CohortMembers,
        subject: &Subject,
    ) -> Evaluation {
        let (on, reason) = if self.killed {
            (false, Reason::Killed)
        } else {
            match self.mode {
                Mode::Off => (false, Reason::Off),
                Mode::Everyone => (true, Reason::Everyone),
                Mode::Rules => self.apply_rules(feature, members, subject),
            }
        };
        Evaluation { on, reason }
    }

    fn apply_rules(
        &self,
        feature: Feature,
        members: &CohortMembers,
        subject: &Subject,
    ) -> (bool, Reason) {
        if let Some(role) = self
            .staff_roles
            .iter()
            .copied()
            .find(|role| subject.staff_roles.contains(role))
        {
            return (true, Reason::StaffRole { role });
        }
        let Some(patient) = subject.patient else {
            return if subject.staff_roles.is_empty() {
                (false, Reason::NotInRollout { bucket: None })
            } else {
                (true, Reason::StaffRoute)
            };
        };
        if let Some(cohort) = self.cohorts.iter().find(|cohort| {
            members
                .get(*cohort)
                .is_some_and(|members| members.contains(&patient))
        }) {
            return (
                true,
                Reason::Cohort {
                    cohort: cohort.clone(),
                },
            );
        }
        let bucket = bucket(feature, patient);
        let percentage = self.percentage.min(100);
        if bucket < u16::from(percentage) * 100 {
            (true, Reason::Percentage { bucket, percentage })
        } else {
            (
                false,
                Reason::NotInRollout {
                    bucket: Some(bucket),
                },
            )
        }
    }
}

/// A feature's switch, as stored (see the module's documentation for the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Switch {
    pub feature: Feature,
    #[serde(flatten)]
    pub rules: SwitchRules,
    /// Optimistic locking: 1 for the first version, +1 on every change (the ETag).
    pub version: u64,
    pub updated_at: Timestamp,
    pub updated_by: UserSub,
}

/// The members of the cohorts a book knows, by cohort.
pub type CohortMembers = HashMap<CohortName, HashSet<PatientId>>;

/// Whom a switch is evaluated for: the patient whose data the route reaches (none on a staff
/// work list) and the caller's staff roles (none for patients and caregivers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    pub patient: Option<PatientId>,
    pub staff_roles: BTreeSet<Role>,
}

impl Subject {
    /// `caller` reaching `patient`'s data (or no patient's): only their staff roles count.
    pub fn of(caller: &Caller, patient: Option<PatientId>) -> Subject {
        Subject {
            patient,
            staff_roles: caller
                .roles
                .iter()
                .copied()
                .filter(|role| role.is_staff())
                .collect(),
        }
    }

    /// The patient themself (what "explain" answers about).
    pub fn patient(patient: PatientId) -> Subject {
        Subject {
            patient: Some(patient),
            staff_roles: BTreeSet::new(),
        }
    }
}

/// Why a switch said what it said. Serialised with its name under `reason` and its details
/// beside it: `{"reason":"percentage","bucket":1234,"percentage":20}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// The kill switch is on.
    Killed,
    /// Mode `off`.
    Off,
    /// Mode `everyone`, or no switch at all.
    Everyone,
    /// Rules: the caller holds this listed staff role.
    StaffRole {
        #[serde(with = "crate::policy::caller::staff_group")]
        role: Role,
    },
    /// Rules: the patient is a member of this listed cohort.
    Cohort { cohort: CohortName },
    /// Rules: the patient's bucket is below `percentage` × 100.
    Percentage { bucket: u16, percentage: u8 },
    /// Rules: a staff caller on a route about no patient (a work list).
    StaffRoute,
    /// Rules: none applies (`bucket`: the patient's, when there is a patient).
    NotInRollout {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bucket: Option<u16>,
    },
}

impl Reason {
    /// The reason's name as serialised (`not-in-rollout`).
    pub fn name(&self) -> &'static str {
        match self {
            Reason::Killed => "killed",
            Reason::Off => "off",
            Reason::Everyone => "everyone",
            Reason::StaffRole { .. } => "staff-role",
            Reason::Cohort { .. } => "cohort",
            Reason::Percentage { .. } => "percentage",
            Reason::StaffRoute => "staff-route",
            Reason::NotInRollout { .. } => "not-in-rollout",
        }
    }
}

/// A switch's answer for one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub on: bool,
    #[serde(flatten)]
    pub reason: Reason,
}

/// The patient's sticky bucket for `feature`, 0..10 000 (see the module's documentation).
pub fn bucket(feature: Feature, patient: PatientId) -> u16 {
    let digest = Sha256::digest(format!("{feature}:{patient}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // The remainder is below 10 000, so it fits.
    (u64::from_be_bytes(first) % 10_000) as u16
}

/// Evaluates `switch` (a feature without one is on for everyone) for `subject`; `members`
/// holds the members of the cohorts the switch names.
pub fn evaluate(switch: Option<&Switch>, members: &CohortMembers, subject: &Subject) -> Evaluation {
    match switch {
        Some(switch) => switch.rules.evaluate(switch.feature, members, subject),
        None => Evaluation {
            on: true,
            reason: Reason::Everyone,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10 000 distinct, well-spread patient ids, the same on every run (no flaky tolerance).
    fn patients(count: u64) -> Vec<PatientId> {
        (0..count)
            .map(|n| {
                let ulid = ulid::Ulid::from_parts(
                    1_700_000_000_000 + n * 7919,
                    u128::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835),
                );
                PatientId::parse(&ulid.to_string()).expect("a canonical ULID")
            })
            .collect()
    }

    fn rules(mode: Mode) -> SwitchRules {
        SwitchRules {
            mode,
            ..SwitchRules::default()
        }
    }

    fn switch(feature: Feature, rules: SwitchRules) -> Switch {
        Switch {
            feature,
            rules,
            version: 1,
            updated_at: Timestamp::now(),
            updated_by: UserSub::parse("lead-1").expect("sub"),
        }
    }

    fn staff(roles: &[Role], patient: Option<PatientId>) -> Subject {
        Subject {
            patient,
            staff_roles: roles.iter().copied().collect(),
        }
    }

    fn cohort(name: &str) -> CohortName {
        CohortName::parse(name).expect("cohort name")
    }

    fn on_for(percentage: u8, feature: Feature, ids: &[PatientId]) -> HashSet<PatientId> {
        let switch = switch(
            feature,
            SwitchRules {
                percentage,
                ..rules(Mode::Rules)
            },
        );
        ids.iter()
            .copied()
            .filter(|patient| {
                evaluate(
                    Some(&switch),
                    &CohortMembers::new(),
                    &Subject::patient(*patient),
                )
                .on
            })
            .collect()
    }

    #[test]
    fn raising_the_percentage_only_adds_patients() {
        let ids = patients(10_000);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 10_000);
        let ten = on_for(10, Feature::OnlineBooking, &ids);
        let twenty = on_for(20, Feature::OnlineBooking, &ids);
        assert!(ten.is_subset(&twenty), "the 20% set holds the 10% set");
        // Binomial(10 000, p): the standard deviation is 30 at 10% and 40 at 20%; five of them
        // either way is a sane tolerance for a fair hash.
        assert!((850..=1150).contains(&ten.len()), "10%: {}", ten.len());
        assert!(
            (1800..=2200).contains(&twenty.len()),
            "20%: {}",
            twenty.len()
        );
        assert!(on_for(0, Feature::OnlineBooking, &ids).is_empty());
        assert_eq!(on_for(100, Feature::OnlineBooking, &ids).len(), 10_000);
        // Each feature is salted by its name: its 10% are other patients.
        let other = on_for(10, Feature::Messaging, &ids);
        assert!(
            ten.intersection(&other).count() < 300,
            "features share buckets"
        );
        for step in [1u8, 5, 25, 50, 75, 99] {
            let lower = on_for(step, Feature::CheckIn, &ids);
            let higher = on_for(step + 1, Feature::CheckIn, &ids);
            assert!(lower.is_subset(&higher), "{step}% ⊂ {}%", step + 1);
        }
    }

    #[test]
    fn buckets_are_sticky_and_in_range() {
        for patient in patients(500) {
            let b = bucket(Feature::Waitlist, patient);
            assert!(b < 10_000);
            assert_eq!(b, bucket(Feature::Waitlist, patient));
        }
        // The documented formula, spelled out once.
        let patient = PatientId::parse("01KAZ0DEM0PAT1ENT000000001").expect("id");
        let digest = Sha256::digest(format!("messaging:{patient}").as_bytes());
        let expected = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) % 10_000;
        assert_eq!(u64::from(bucket(Feature::Messaging, patient)), expected);
    }

    #[test]
    fn each_reason() {
        let patient = patients(1)[0];
        let members: CohortMembers = HashMap::from([(cohort("beta-1"), HashSet::from([patient]))]);
        let eval = |rules: SwitchRules, subject: &Subject| {
            evaluate(Some(&switch(Feature::Messaging, rules)), &members, subject)
        };
        let own = Subject::patient(patient);
        let outsider = Subject::patient(patients(2)[1]);

        // No switch: on for everyone.
        assert_eq!(
            evaluate(None, &members, &own),
            Evaluation {
                on: true,
                reason: Reason::Everyone
            }
        );
        // The kill switch beats every mode and rule.
        for mode in [Mode::Everyone, Mode::Off, Mode::Rules] {
            let killed = SwitchRules {
                killed: true,
                percentage: 100,
                cohorts: vec![cohort("beta-1")],
                staff_roles: vec![Role::FrontDesk],
                ..rules(mode)
            };
            let front_desk = staff(&[Role::FrontDesk], Some(patient));
            for subject in [&own, &front_desk] {
                assert_eq!(
                    eval(killed.clone(), subject),
                    Evaluation {
                        on: false,
                        reason: Reason::Killed
                    }
                );
            }
        }
        assert_eq!(eval(rules(Mode::Off), &own).reason, Reason::Off);
        assert!(!eval(rules(Mode::Off), &staff(&[Role::Clinician], None)).on);
        assert_eq!(
            eval(rules(Mode::Everyone), &outsider),
            Evaluation {
                on: true,
                reason: Reason::Everyone
            }
        );

        let cohort_rules = SwitchRules {
            cohorts: vec![cohort("wave-2"), cohort("beta-1")],
            staff_roles: vec![Role::FrontDesk, Role::Clinician],
            ..rules(Mode::Rules)
        };
        assert_eq!(
            eval(cohort_rules.clone(), &own),
            Evaluation {
                on: true,
                reason: Reason::Cohort {
                    cohort: cohort("beta-1")
                }
            }
        );
        let outside = eval(cohort_rules.clone(), &outsider);
        assert!(!outside.on);
        assert!(matches!(
            outside.reason,
            Reason::NotInRollout { bucket: Some(_) }
        ));
        // A listed staff role: on for any patient, and on work lists.
        let clinician = staff(&[Role::Clinician], Some(patients(2)[1]));
        assert_eq!(
            eval(cohort_rules.clone(), &clinician).reason,
            Reason::StaffRole {
                role: Role::Clinician
            }
        );
        // Another staff role: not for a patient outside the rollout, but on a work list.
        let response_team = staff(&[Role::ResponseTeam], Some(patients(2)[1]));
        assert!(!eval(cohort_rules.clone(), &response_team).on);
        assert_eq!(
            eval(cohort_rules.clone(), &staff(&[Role::ResponseTeam], None)),
            Evaluation {
                on: true,
                reason: Reason::StaffRoute
            }
        );
        // Nobody with no patient and no staff role.
        assert_eq!(
            eval(cohort_rules, &Subject::default()).reason,
            Reason::NotInRollout { bucket: None }
        );

        let all = SwitchRules {
            percentage: 100,
            ..rules(Mode::Rules)
        };
        assert_eq!(
            eval(all, &outsider),
            Evaluation {
                on: true,
                reason: Reason::Percentage {
                    bucket: bucket(Feature::Messaging, patients(2)[1]),
                    percentage: 100
                }
            }
        );
    }

    #[test]
    fn evaluations_serialise_their_reason_beside_its_details() {
        let json = |evaluation: Evaluation| serde_json::to_value(evaluation).expect("json");
        assert_eq!(
            json(Evaluation {
                on: true,
                reason: Reason::Percentage {
                    bucket: 12,
                    percentage: 20
                }
            }),
            serde_json::json!({"on": true, "reason": "percentage", "bucket": 12, "percentage": 20})
        );
        assert_eq!(
            json(Evaluation {
                on: true,
                reason: Reason::StaffRole {
                    role: Role::FrontDesk
                }
            }),
            serde_json::json!({"on": true, "reason": "staff-role", "role": "front-desk"})
        );
        assert_eq!(
            json(Evaluation {
                on: false,
                reason: Reason::NotInRollout { bucket: None }
            }),
            serde_json::json!({"on": false, "reason": "not-in-rollout"})
        );
        for reason in [
            Reason::Killed,
            Reason::Off,
            Reason::Everyone,
            Reason::StaffRoute,
            Reason::Cohort {
                cohort: cohort("beta-1"),
            },
            Reason::NotInRollout { bucket: Some(9) },
        ] {
            let value = json(Evaluation {
                on: false,
                reason: reason.clone(),
            });
            assert_eq!(value["reason"], reason.name());
            let back: Evaluation = serde_json::from_value(value).expect("round trip");
            assert_eq!(back.reason, reason);
        }
    }

    #[test]
    fn features_have_one_spelling() {
        for feature in Feature::ALL {
            assert_eq!(Feature::parse(feature.as_str()), Some(*feature));
            assert_eq!(
                serde_json::to_value(feature).expect("json"),
                serde_json::json!(feature.as_str())
            );
        }
        assert_eq!(Feature::parse("Messaging"), None);
        assert_eq!(Feature::parse("online_booking"), None);
        assert_eq!(Feature::ALL.len(), 11);
    }

    #[test]
    fn switches_round_trip_through_items() {
        let stored = switch(
            Feature::CheckIn,
            SwitchRules {
                mode: Mode::Rules,
                cohorts: vec![cohort("beta-1")],
                percentage: 20,
                staff_roles: vec![Role::FrontDesk],
                killed: false,
            },
        );
        let mut item: crate::platform::store::Item = serde_dynamo::to_item(&stored).expect("item");
        assert_eq!(
            item["staffRoles"],
            aws_sdk_dynamodb::types::AttributeValue::L(vec![
                aws_sdk_dynamodb::types::AttributeValue::S("front-desk".into())
            ])
        );
        assert_eq!(
            item["mode"],
            aws_sdk_dynamodb::types::AttributeValue::S("rules".into())
        );
        // As a Query returns it: with its key attributes.
        item.extend(crate::platform::keys::feature_switch(Feature::CheckIn).attributes());
        let read: Switch = serde_dynamo::from_item(item).expect("switch");
        assert_eq!(read, stored);
        // A bare item (written by hand) takes the defaults.
        let bare: SwitchRules =
            serde_json::from_value(serde_json::json!({"mode": "off"})).expect("rules");
        assert_eq!(bare, rules(Mode::Off));
        let patient_role: Result<SwitchRules, _> = serde_json::from_value(
            serde_json::json!({"mode": "rules", "staffRoles": ["patients"]}),
        );
        assert!(patient_role.is_err(), "patients are not a staff role");
    }

    #[test]
    fn rules_check_their_fields() {
        let fields = |rules: SwitchRules| match rules.check() {
            Ok(()) => Vec::new(),
            Err(ApiError::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
            Err(other) => panic!("{other:?}"),
        };
        assert!(fields(rules(Mode::Rules)).is_empty());
        assert_eq!(
            fields(SwitchRules {
                percentage: 101,
                cohorts: vec![cohort("a"), cohort("a")],
                staff_roles: vec![Role::Admin, Role::Admin],
                ..rules(Mode::Rules)
            }),
            ["percentage", "cohorts", "staffRoles"]
        );
    }
}
