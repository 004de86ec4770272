//! Who an outbox record reaches, with how to reach them: the patient (from the profile) and
//! the caregivers acting for them whose scope covers the kind, an invitee at the address they
//! gave, an account holder at their account's address, or staff (from the user pool). Holds
//! addresses: never logged.

use aws_sdk_cognitoidentityprovider::types::UserType;
use portal_shared::ApiError;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::person::{Email, Phone};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::{Member, ShownStatus};
use portal_shared::features::directory::account_of;
use portal_shared::features::notification::{Kind, Recipient};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::policy::authz::{JobAccess, Scope};
use portal_shared::policy::caller::UserSub;

use crate::Deps;
use crate::contacts::{prove_sending, read_contacts};
use crate::content::Language;
use crate::delivery_log::RecipientRole;
use crate::preferences::Person;

/// One person to tell.
#[derive(Clone)]
pub struct Target {
    /// Names the recipient within the notification (`patient`, `caregiver-<sub>`, `invitee`,
    /// `staff-<sub>`): the delivery record's key and the retry guard.
    pub slot: String,
    /// Whose history shows it (`None` for staff: no patient).
    pub history: Option<(PatientId, RecipientRole)>,
    /// Whose preferences apply (`None`: invitees and staff have none).
    pub person: Option<Person>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub language: Language,
    /// The patient turned appointment reminders off (their own deliveries only).
    pub reminders_off: bool,
}

/// The caregiver scope that covers a kind; `None`: the patient alone is told.
pub fn caregiver_scope(kind: Kind) -> Option<Scope> {
    match kind {
        Kind::NewMessage => Some(Scope::Messages),
        Kind::AppointmentBooked
        | Kind::AppointmentMoved
        | Kind::AppointmentCancelled
        | Kind::AppointmentReminder
        | Kind::WaitlistOffer => Some(Scope::Appointments),
        // Security notices are the account holder's alone: a caregiver never hears of the
        // patient's codes, resets or sign-ins.
        Kind::CareCircleInvitation
        | Kind::ActivationInvitation
        | Kind::StaffInvitation
        | Kind::PasswordReset
        | Kind::NewSignIn
        | Kind::MfaChanged => None,
        // What the patient themself voted, suggested or wrote: no caregiver scope covers their
        // own feedback, so the patient alone is told (a caregiver who acts for them sees the
        // same news in the app, on the patient's feedback page).
        Kind::IdeaStatusChanged | Kind::SuggestionDecided | Kind::FeedbackAnswered => None,
        // A problem report is its reporter's: the support service names whoever filed it (the
        // patient, a caregiver at their account's address, a staff member), so no caregiver
        // scope widens it to everyone acting for the patient.
        Kind::ProblemReportUpdated => None,
        // The practice's news to a group: the support service names each person in it (a
        // caregiver audience is told at each caregiver's account), so a patient's caregivers
        // are not told again through the patient.
        Kind::Announcement => None,
        // A portal lead's digest is staff's alone (the support service names each lead).
        Kind::WeeklyDigest => None,
        // A decision on a prescription renewal is news of the patient's record: caregivers who
        // may read (and ask for renewals on) the record hear of it.
        Kind::RefillDecided => Some(Scope::Records),
        // A topic shared from the record is news of the record: caregivers who may read it
        // (and its education page) hear of it.
        Kind::EducationAssigned => Some(Scope::Records),
    }
}

/// Whether a care-circle member is told of `kind` now.
pub fn caregiver_is_told(member: &Member, kind: Kind, now: Timestamp) -> bool {
    member.caregiver_sub.is_some()
        && member.shown_status(now) == ShownStatus::Active
        && caregiver_scope(kind).is_some_and(|scope| member.scopes.contains(&scope))
}

pub async fn resolve(
    deps: &Deps,
    recipient: &Recipient,
    kind: Kind,
    now: Timestamp,
) -> Result<Vec<Target>, ApiError> {
    match recipient {
        Recipient::Patient { patient_id } => {
            patient_and_caregivers(deps, *patient_id, kind, now).await
        }
        Recipient::Invitee {
            patient_id,
            email,
            language,
        } => Ok(vec![Target {
            slot: "invitee".into(),
            history: Some((*patient_id, RecipientRole::Invitee)),
            person: None,
            email: Some(email.clone()),
            phone: None,
            language: Language::of_tag(language.as_deref()),
            reminders_off: false,
        }]),
        // Someone with no account (another practice): to the address the practice gave, in no
        // patient's history and under no one's preferences.
        Recipient::Address { email, language } => Ok(vec![Target {
            slot: "address".into(),
            history: None,
            person: None,
            email: Some(email.clone()),
            phone: None,
            language: Language::of_tag(language.as_deref()),
            reminders_off: false,
        }]),
        // About the account itself (a caregiver's sign-in): to its address, in no patient's
        // history and under no one's preferences.
        Recipient::Account {
            sub: _,
            email,
            language,
        } => Ok(vec![Target {
            slot: "account".into(),
            history: None,
            person: None,
            email: Some(email.clone()),
            phone: None,
            language: Language::of_tag(language.as_deref()),
            reminders_off: false,
        }]),
        // Unassigned work waits in the team's inbox, which the team works through the day:
        // mailing every member about every new message would bury the one that matters (the
        // conversation assigned to them) under many that someone else answers.
        Recipient::StaffTeam { .. } => Ok(Vec::new()),
        Recipient::StaffMember { sub } => staff(deps, sub).await,
    }
}

async fn patient_and_caregivers(
    deps: &Deps,
    patient: PatientId,
    kind: Kind,
    now: Timestamp,
) -> Result<Vec<Target>, ApiError> {
    let access = prove_sending(deps, patient).await?;
    let mut targets = Vec::new();
    if let Some(contacts) = read_contacts(deps, &access).await? {
        targets.push(Target {
            slot: "patient".into(),
            history: Some((patient, RecipientRole::Patient)),
            person: Some(Person::Patient),
            email: contacts.email,
            phone: contacts.phone,
            language: contacts.language,
            reminders_off: !contacts.reminders_on,
        });
    }
    if caregiver_scope(kind).is_none() {
        return Ok(targets);
    }
    let members = care_circle(deps, &access).await?;
    for member in members {
        if !caregiver_is_told(&member, kind, now) {
            continue;
        }
        let Some(sub) = member.caregiver_sub.clone() else {
            continue;
        };
        targets.push(Target {
            slot: format!("caregiver-{sub}"),
            history: Some((patient, RecipientRole::Caregiver)),
            person: Some(Person::Caregiver(sub)),
            // The address the invitation went to, which accepting it proved.
            email: Email::parse(&member.email).ok(),
            phone: None,
            language: Language::En,
            reminders_off: false,
        });
    }
    Ok(targets)
}

/// The patient's care circle (who accepted, their scopes and end dates), under the sender's
/// proof.
async fn care_circle(deps: &Deps, access: &JobAccess) -> Result<Vec<Member>, ApiError> {
    let platform = &deps.platform;
    store::query_all(|start| {
        platform
            .dynamo
            .query()
            .table_name(&platform.app_table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(
                ":pk",
                store::string(keys::patient_partition(access.patient())),
            )
            .expression_attribute_values(":prefix", store::string(keys::CARE_CIRCLE_PREFIX))
            .consistent_read(true)
            .set_exclusive_start_key(start)
    })
    .await
}

/// Staff are written to in English, by email, at the address of their account.
async fn staff(deps: &Deps, sub: &UserSub) -> Result<Vec<Target>, ApiError> {
    let Some(pool) = deps.notify.user_pool_id.as_deref() else {
        tracing::warn!("USER_POOL_ID is not set: staff notifications are not sent");
        return Ok(Vec::new());
    };
    let mut users: Vec<UserType> = Vec::new();
    let mut next = None;
    loop {
        let out = deps
            .cognito
            .list_users()
            .user_pool_id(pool)
            .filter(format!("sub = \"{}\"", sub.as_str()))
            .set_pagination_token(next)
            .send()
            .await
            .map_err(store::sdk_error)?;
        let (page, token) = (
            out.users().to_vec(),
            out.pagination_token().map(str::to_owned),
        );
        users.extend(page);
        next = token;
        if next.is_none() {
            break;
        }
    }
    Ok(users
        .iter()
        .map(|user| account_of(user, Default::default()))
        .filter(|account| account.enabled)
        .map(|account| Target {
            slot: format!("staff-{}", account.sub),
            history: None,
            person: None,
            email: Email::parse(&account.email).ok(),
            phone: None,
            language: Language::En,
            reminders_off: false,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use portal_shared::domain::ids::InvitationId;
    use portal_shared::features::care_circle::{EndDate, MemberStatus, RelationshipLabel};

    use super::*;

    fn member(status: MemberStatus, scopes: &[Scope]) -> Member {
        Member {
            invitation_id: InvitationId::generate(),
            patient_id: PatientId::generate(),
            email: "carer@example.org".into(),
            name: portal_shared::domain::person::Name::parse("Sam Carer").expect("name"),
            relationship: RelationshipLabel::parse("son").expect("label"),
            scopes: scopes.iter().copied().collect::<BTreeSet<_>>(),
            ends_on: None,
            guardian: false,
            status,
            invited_at: Timestamp::now(),
            invited_by: UserSub::parse("patient-1").expect("sub"),
            code_hash: "ab".into(),
            code_expires: Timestamp::now(),
            failed_attempts: 0,
            caregiver_sub: Some(UserSub::parse("carer-1").expect("sub")),
            accepted_at: None,
            revoked_at: None,
            revoked_by: None,
        }
    }

    #[test]
    fn caregivers_hear_of_what_their_scope_covers_while_their_access_lasts() {
        let now = Timestamp::parse("2027-01-10T00:00:00Z").expect("now");
        let messages = member(MemberStatus::Active, &[Scope::Messages]);
        assert!(caregiver_is_told(&messages, Kind::NewMessage, now));
        assert!(!caregiver_is_told(
            &messages,
            Kind::AppointmentReminder,
            now
        ));
        let visits = member(MemberStatus::Active, &[Scope::Appointments]);
        for kind in [
            Kind::AppointmentBooked,
            Kind::AppointmentReminder,
            Kind::WaitlistOffer,
        ] {
            assert!(caregiver_is_told(&visits, kind, now), "{kind:?}");
        }
        // Security notices are the patient's alone.
        let all = member(
            MemberStatus::Active,
            &[Scope::Messages, Scope::Appointments],
        );
        assert!(!caregiver_is_told(&all, Kind::ActivationInvitation, now));
        assert!(!caregiver_is_told(&all, Kind::NewSignIn, now));
        // The patient's own feedback is theirs alone, whatever the caregiver's scopes.
        let every_scope = member(
            MemberStatus::Active,
            &[
                Scope::Records,
                Scope::Messages,
                Scope::Appointments,
                Scope::Billing,
                Scope::Profile,
            ],
        );
        for kind in [
            Kind::IdeaStatusChanged,
            Kind::SuggestionDecided,
            Kind::FeedbackAnswered,
            // A report is told to its reporter alone: the support service names them.
            Kind::ProblemReportUpdated,
            // Caregivers hear of announcements as an audience of their own.
            Kind::Announcement,
            // Staff's news.
            Kind::WeeklyDigest,
        ] {
            assert!(!caregiver_is_told(&every_scope, kind, now), "{kind:?}");
        }
        // Refill decisions and shared health topics: the record's scope, and no other.
        for kind in [Kind::RefillDecided, Kind::EducationAssigned] {
            assert!(
                caregiver_is_told(&member(MemberStatus::Active, &[Scope::Records]), kind, now),
                "{kind:?}"
            );
            assert!(
                !caregiver_is_told(
                    &member(
                        MemberStatus::Active,
                        &[Scope::Messages, Scope::Appointments, Scope::Billing]
                    ),
                    kind,
                    now
                ),
                "{kind:?}"
            );
        }
        assert!(!caregiver_is_told(
            &member(MemberStatus::Revoked, &[Scope::Messages]),
            Kind::NewMessage,
            now
        ));
        assert!(!caregiver_is_told(
            &member(MemberStatus::Invited, &[Scope::Messages]),
            Kind::NewMessage,
            now
        ));
        let mut ended = member(MemberStatus::Active, &[Scope::Messages]);
        ended.ends_on = Some(EndDate::parse("2027-01-09").expect("date"));
        assert!(!caregiver_is_told(&ended, Kind::NewMessage, now));
    }
}
