//! `POST /rollout/cohorts/{cohort}/uploads` (`text/csv`): the practice's list of patients
//! joins the cohort. Each row is a person: matched to the registered patient of the same
//! family name, given names and date of birth (`features::patient_match`, normalised: case,
//! accents, spaces and punctuation do not count), or registered as the front desk would
//! register them (`features::profile_record`), or refused with the reason. Every matched and
//! created patient joins the cohort; a registered patient and their membership are written in
//! one transaction, so nothing is half-written. A file that cannot be read at all writes
//! nothing (`csv_list`). Uploading the same list again matches every row to the patients the
//! first upload registered, who are members already: nothing changes.
//!
//! The report names rows and patient ids only, never a name.

use std::collections::HashMap;

use futures::{StreamExt, TryStreamExt, stream};
use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::patient_match::{self, MatchKey};
use portal_shared::features::profile_record::{Contact, Profile, Registration};
use portal_shared::platform::http::{Call, json};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, StaffAccess};
use serde::Serialize;

use crate::Deps;
use crate::cohorts::csv_list::{self, Person};
use crate::cohorts::joining::{CONCURRENCY, members_of};
use crate::cohorts::model::{Change, Cohort, HistoryEntry};
use crate::cohorts::repo::{Joined, Joiner};
use crate::cohorts::{existing_cohort, store};

/// Patients audited per batch of audit puts when the upload registers them.
const AUDIT_BATCH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Outcome {
    /// A new patient, registered from the row, now a member.
    Created,
    /// The registered patient of the row's name and birth date, now a member (or one already:
    /// `alreadyIn`).
    Matched,
    /// Not read, or not matched to one patient: `reason` says why.
    Refused,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RowReport {
    row: usize,
    outcome: Outcome,
    patient_id: Option<PatientId>,
    /// On matched rows: the patient was a member before this upload.
    already_in: Option<bool>,
    reason: Option<String>,
}

impl RowReport {
    fn refused(row: usize, reason: impl Into<String>) -> Self {
        RowReport {
            row,
            outcome: Outcome::Refused,
            patient_id: None,
            already_in: None,
            reason: Some(reason.into()),
        }
    }

    fn joined(row: usize, outcome: Outcome, patient: PatientId, already_in: bool) -> Self {
        RowReport {
            row,
            outcome,
            patient_id: Some(patient),
            already_in: (outcome == Outcome::Matched).then_some(already_in),
            reason: None,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UploadReport {
    upload_id: String,
    rows: Vec<RowReport>,
    created: usize,
    matched: usize,
    refused: usize,
    /// Patients who joined the cohort with this upload (created, and matched ones who were
    /// not members yet).
    added: usize,
    /// Matched patients who were members already.
    already_in: usize,
}

/// A person of the list, read and not a repeat of an earlier row.
struct Candidate {
    row: usize,
    person: Person,
    key: MatchKey,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageCohorts).await?;
    let cohort = existing_cohort(deps, call, &access).await?;
    let rows = csv_list::read(call.header("content-type"), call.body_bytes())?;
    let upload_id = ulid::Ulid::generate().to_string();
    let now = Timestamp::now();

    let mut report: Vec<RowReport> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut first_row_of: HashMap<MatchKey, usize> = HashMap::new();
    for row in rows {
        match row.read {
            Err(reason) => report.push(RowReport::refused(row.number, reason)),
            Ok(person) => {
                let key = MatchKey::of(&person.legal_name, person.date_of_birth);
                if let Some(first) = first_row_of.get(&key) {
                    report.push(RowReport::refused(
                        row.number,
                        format!("repeats row {first} (the same name and date of birth)"),
                    ));
                } else {
                    first_row_of.insert(key.clone(), row.number);
                    candidates.push(Candidate {
                        row: row.number,
                        person,
                        key,
                    });
                }
            }
        }
    }

    let mut upload = Upload {
        deps,
        call,
        access: &access,
        cohort: &cohort,
        upload_id: &upload_id,
        now,
        report,
    };
    let taken = upload.place(candidates, true).await?;
    // People another upload registered at the same moment: match them now (no second try at
    // registering them).
    upload.place(taken, false).await?;

    let mut report = upload.report;
    report.sort_by_key(|row| row.row);
    let count = |outcome: Outcome| report.iter().filter(|r| r.outcome == outcome).count();
    let already_in = report.iter().filter(|r| r.already_in == Some(true)).count();
    let created = count(Outcome::Created);
    let matched = count(Outcome::Matched);
    let added = created + matched - already_in;
    store(deps)
        .record_upload(
            &access,
            &cohort.name,
            &HistoryEntry {
                at: Timestamp::now(),
                by: call.caller().sub.clone(),
                change: Change::Uploaded,
                patient_id: None,
                count: Some(added as u64),
                upload_id: Some(upload_id.clone()),
            },
        )
        .await?;
    json(
        StatusCode::OK,
        &UploadReport {
            upload_id,
            created,
            matched,
            refused: count(Outcome::Refused),
            added,
            already_in,
            rows: report,
        },
    )
}

/// One upload's work on its rows.
struct Upload<'a> {
    deps: &'a Deps,
    call: &'a Call,
    access: &'a StaffAccess,
    cohort: &'a Cohort,
    upload_id: &'a str,
    now: Timestamp,
    report: Vec<RowReport>,
}

impl Upload<'_> {
    /// Matches each candidate (one GetItem of its match item each), registers those nobody
    /// matches (when `may_register`), and adds them all to the cohort. Returns the candidates
    /// whose registration lost to another registration of the same person.
    async fn place(
        &mut self,
        candidates: Vec<Candidate>,
        may_register: bool,
    ) -> Result<Vec<Candidate>, ApiError> {
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let platform = &self.deps.platform;
        let keys: Vec<MatchKey> = candidates.iter().map(|c| c.key.clone()).collect();
        let found: Vec<Vec<PatientId>> = stream::iter(keys)
            .map(|key| async move {
                patient_match::patients_matching(&platform.dynamo, &platform.app_table, &key).await
            })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;

        let mut to_match: Vec<(Candidate, PatientId)> = Vec::new();
        let mut to_create: Vec<(Candidate, Profile)> = Vec::new();
        for (candidate, patients) in candidates.into_iter().zip(found) {
            match patients.as_slice() {
                [] if may_register => {
                    let profile = register(&candidate.person, self.now)?;
                    to_create.push((candidate, profile));
                }
                [] => self.report.push(RowReport::refused(
                    candidate.row,
                    "another upload was registering this person at the same moment: upload the \
                     list again",
                )),
                [patient] => to_match.push((candidate, *patient)),
                several => self.report.push(RowReport::refused(
                    candidate.row,
                    format!(
                        "matches {} registered patients of this name and date of birth: add the \
                         right one by id",
                        several.len()
                    ),
                )),
            }
        }

        // Matched patients are audited as their profiles are read; new ones before they are
        // written (no patient exists without the event of their registration).
        let ids: Vec<PatientId> = to_match.iter().map(|(_, patient)| *patient).collect();
        let members = members_of(self.deps, self.call, self.access, &ids, self.now).await?;
        let created: Vec<(PatientId, AuditResource)> = to_create
            .iter()
            .map(|(_, profile)| (profile.patient_id, AuditResource::Profile))
            .collect();
        for batch in created.chunks(AUDIT_BATCH) {
            platform
                .authorizer()
                .record_staff_access(self.call, self.access, batch)
                .await?;
        }

        let mut joiners: Vec<Joiner> = Vec::new();
        let mut joining: Vec<(Candidate, Outcome)> = Vec::new();
        for ((candidate, _), member) in to_match.into_iter().zip(members) {
            match member {
                // The match item moves with every change of a name or birth date: a profile
                // that no longer matches the row means a change landed just now.
                Some(member)
                    if MatchKey::of(
                        &portal_shared::domain::person::LegalName {
                            given: member.given_name.clone(),
                            family: member.family_name.clone(),
                        },
                        member.birth_date,
                    ) == candidate.key =>
                {
                    joiners.push(Joiner {
                        member,
                        registering: None,
                    });
                    joining.push((candidate, Outcome::Matched));
                }
                _ => self.report.push(RowReport::refused(
                    candidate.row,
                    "the matching patient's name or date of birth was being changed: upload \
                     the list again",
                )),
            }
        }
        for (candidate, profile) in to_create {
            joiners.push(Joiner {
                member: crate::cohorts::model::CohortMember {
                    patient_id: profile.patient_id,
                    family_name: profile.legal_name.family.clone(),
                    given_name: profile.legal_name.given.clone(),
                    birth_date: profile.date_of_birth,
                    added_at: self.now,
                    added_by: self.call.caller().sub.clone(),
                },
                registering: Some(profile),
            });
            joining.push((candidate, Outcome::Created));
        }

        let outcomes = store(self.deps)
            .join(self.access, self.cohort, &joiners, Some(self.upload_id))
            .await?;
        let mut taken = Vec::new();
        for ((joiner, (candidate, outcome)), joined) in joiners.iter().zip(joining).zip(outcomes) {
            let patient = joiner.member.patient_id;
            match joined {
                Joined::Added => {
                    self.report
                        .push(RowReport::joined(candidate.row, outcome, patient, false))
                }
                Joined::AlreadyIn => {
                    self.report
                        .push(RowReport::joined(candidate.row, outcome, patient, true))
                }
                Joined::MatchTaken => taken.push(candidate),
            }
        }
        Ok(taken)
    }
}

/// The registration of a person of the list, as the front desk's: no preferred name,
/// language or communication preferences (the portal's defaults), the contact details the
/// list gives.
fn register(person: &Person, now: Timestamp) -> Result<Profile, ApiError> {
    let registration = Registration {
        legal_name: person.legal_name.clone(),
        preferred_name: None,
        date_of_birth: person.date_of_birth,
        sex: person.sex,
        contact: Contact {
            email: person.email.clone(),
            phone: person.phone.clone(),
            address: None,
        },
        language: None,
        communication: None,
    };
    // The default channel (the portal) reaches everyone: this cannot be refused.
    Profile::register(registration, now)
        .map_err(|(field, _)| ApiError::internal(format!("a list registration refused {field}")))
}
