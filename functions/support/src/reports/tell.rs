//! Telling the reporters: on a team reply and on a status change, one outbox record
//! `Kind::ProblemReportUpdated` per reporter of the report and of each duplicate merged into
//! it, each about the recipient's own report and the report's status now. A person who filed
//! several of them is told once (about the first of theirs: the report itself, then
//! duplicates in merge order). Notes, severity and assignee changes tell nobody.
//!
//! The records go into the change's own transaction (`repo::Change::outbox`); only when a
//! report has gathered more distinct reporters than a transaction holds are the rest written
//! right after it (`ReportStore::write_overflow`).
//!
//! Whom: a patient's own report tells the patient; a caregiver's tells their account at the
//! address known when they filed, else the patient (whose caregivers the sender may reach);
//! a staff member's tells them.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_dynamodb::types::TransactWriteItem;
use portal_shared::ApiError;
use portal_shared::domain::ids::{PatientId, ReportId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{AboutReport, Kind, Notification, Recipient};
use portal_shared::policy::caller::UserSub;

use crate::reports::model::{Report, Reporter, ReporterKind};

/// Unsent records are useless after this; TTL removes them (the news stays on the report).
pub const KEEP_FOR: Duration = Duration::from_secs(14 * 24 * 60 * 60);

/// Whom to tell of news of `reporter`'s report. `None` for a caregiver's or patient's report
/// without a patient (never stored so).
pub fn recipient_of(reporter: &Reporter) -> Option<Recipient> {
    match reporter.kind {
        ReporterKind::Staff => Some(Recipient::StaffMember {
            sub: reporter.sub.clone(),
        }),
        // Without an address, nobody: the patient did not file it and cannot open it; the
        // caregiver follows it in the app (their reports list).
        ReporterKind::Caregiver => reporter.email.as_ref().map(|email| Recipient::Account {
            sub: reporter.sub.clone(),
            email: email.clone(),
            language: reporter.language.clone(),
        }),
        ReporterKind::Patient => reporter
            .patient_id
            .map(|patient_id| Recipient::Patient { patient_id }),
    }
}

/// Everyone to tell of `report`'s news, once each, with their own report; `except` (the
/// reporter whose own reply made the news) is not told.
#[cfg(test)]
pub fn recipients(report: &Report, except: Option<&UserSub>) -> Vec<(ReportId, Recipient)> {
    told(report, except)
        .into_iter()
        .map(|(id, _, recipient)| (id, recipient))
        .collect()
}

/// [`recipients`], each with the patient their report was filed for (for the link).
fn told(
    report: &Report,
    except: Option<&UserSub>,
) -> Vec<(ReportId, Option<PatientId>, Recipient)> {
    let mut seen: HashSet<&UserSub> = except.into_iter().collect();
    report
        .reporters()
        .filter(|(_, reporter)| seen.insert(&reporter.sub))
        .filter_map(|(id, reporter)| {
            recipient_of(reporter).map(|recipient| (id, reporter.patient_id, recipient))
        })
        .collect()
}

/// The outbox records of `report`'s news (its status as it now is), made at `now`, for the
/// change's transaction (`Change::outbox`).
pub fn outbox(
    table: &str,
    report: &Report,
    except: Option<&UserSub>,
    now: Timestamp,
) -> Result<Vec<TransactWriteItem>, ApiError> {
    told(report, except)
        .into_iter()
        .map(|(report_id, patient_id, recipient)| {
            Notification::pending(
                Kind::ProblemReportUpdated,
                recipient,
                AboutReport {
                    report_id,
                    patient_id,
                    status: report.status.as_str().to_owned(),
                },
                now,
                now.plus(KEEP_FOR),
            )
            .put(table)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::Duplicate;
    use crate::reports::model::tests::{report, sub};
    use portal_shared::domain::person::Email;

    #[test]
    fn each_reporter_is_told_once_about_their_own_report() {
        let mut primary = report("ana");
        let ben = report("ben");
        let mut ana_again = report("ana");
        ana_again.reporter.patient_id = primary.reporter.patient_id;
        let mut staff = report("grace");
        staff.reporter.kind = ReporterKind::Staff;
        staff.reporter.patient_id = None;
        for duplicate in [&ben, &ana_again, &staff] {
            primary.duplicates.push(Duplicate {
                report_id: duplicate.report_id,
                reporter: duplicate.reporter.clone(),
            });
        }
        let told = recipients(&primary, None);
        let ids: Vec<ReportId> = told.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [primary.report_id, ben.report_id, staff.report_id]);
        assert_eq!(told[2].1, Recipient::StaffMember { sub: sub("grace") });

        // Ben's own reply made the news: the others hear of it.
        let told = recipients(&primary, Some(&sub("ben")));
        let ids: Vec<ReportId> = told.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [primary.report_id, staff.report_id]);
    }

    #[test]
    fn a_caregiver_is_told_at_their_address_when_known() {
        let mut filed = report("carer");
        filed.reporter.kind = ReporterKind::Caregiver;
        // Without an address, nobody: the patient did not file it and could not open it.
        assert_eq!(recipient_of(&filed.reporter), None);
        let email = Email::parse("carer@example.org").expect("email");
        filed.reporter.email = Some(email.clone());
        filed.reporter.language = Some("es".into());
        assert_eq!(
            recipient_of(&filed.reporter),
            Some(Recipient::Account {
                sub: sub("carer"),
                email,
                language: Some("es".into()),
            })
        );
    }

    #[test]
    fn the_records_carry_ids_and_status_only() {
        let report = report("ana");
        let items = outbox("table", &report, None, report.created_at).expect("records");
        assert_eq!(items.len(), 1);
        let put = items[0].put().expect("a put");
        let item = put.item();
        let s = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        assert_eq!(s("template").as_deref(), Some("problem-report-updated"));
        assert_eq!(s("reportId"), Some(report.report_id.to_string()));
        assert_eq!(s("reportStatus").as_deref(), Some("new"));
        assert!(!item.contains_key("whatHappened"));
    }
}
