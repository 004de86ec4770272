//! An announcement's audience, a page at a time from a [`Cursor`]: the user pool's groups
//! (`patients` with a `custom:patient_id`, `caregivers`, each staff role's group; enabled
//! accounts only), a cohort's member items, or the practices' addresses. Holds addresses:
//! never logged.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, UserType};
use portal_shared::ApiError;
use portal_shared::domain::cohort_name::CohortName;
use portal_shared::domain::ids::PatientId;
use portal_shared::domain::person::Email;
use portal_shared::features::directory::code_of;
use portal_shared::features::notification::Recipient;
use portal_shared::platform::keys;
use portal_shared::platform::store::{self, Item, string};
use portal_shared::policy::caller::{Role, UserSub};

use super::cursor::Cursor;
use crate::Deps;
use crate::announcements::model::Audience;

/// Accounts per ListUsersInGroup page (Cognito's most).
const GROUP_PAGE: i32 = 60;
/// Cohort members per Query page.
const COHORT_PAGE: i32 = 100;

/// One page of recipients, and where the next starts (`None`: the audience is exhausted).
#[derive(Debug)]
pub struct Page {
    pub recipients: Vec<Recipient>,
    pub next: Option<Cursor>,
}

/// The page of `audience` that starts at `at`.
pub async fn page(deps: &Deps, audience: &Audience, at: &Cursor) -> Result<Page, ApiError> {
    match audience {
        Audience::Patients => group_page(deps, Role::Patient.group(), at, 1, patient_of).await,
        Audience::Caregivers => {
            group_page(deps, Role::Caregiver.group(), at, 1, caregiver_of).await
        }
        Audience::Staff { roles } => match roles.get(at.part) {
            Some(role) => group_page(deps, role.group(), at, roles.len(), staff_of).await,
            None => Ok(Page {
                recipients: Vec::new(),
                next: None,
            }),
        },
        Audience::Cohort { cohort } => cohort_page(deps, cohort, at).await,
        // At most fifty addresses: one page.
        Audience::Practices { emails } => Ok(Page {
            recipients: practices(emails),
            next: None,
        }),
    }
}

/// Every enabled member of `role`'s group, as staff recipients (all pages): for telling a
/// role's handful of people at once (the weekly digest's portal leads).
pub async fn staff_members(deps: &Deps, role: Role) -> Result<Vec<Recipient>, ApiError> {
    let mut at = Cursor::default();
    let mut members = Vec::new();
    loop {
        let page = group_page(deps, role.group(), &at, 1, staff_of).await?;
        members.extend(page.recipients);
        match page.next {
            Some(next) => at = next,
            None => return Ok(members),
        }
    }
}

/// One ListUsersInGroup page of `group` (part `at.part` of `parts`), read by `recipient`. A
/// saved token Cognito no longer accepts starts the group over (the markers skip who was
/// told).
async fn group_page(
    deps: &Deps,
    group: &str,
    at: &Cursor,
    parts: usize,
    recipient: fn(&UserType) -> Option<Recipient>,
) -> Result<Page, ApiError> {
    let list = |token: Option<String>| {
        deps.cognito
            .list_users_in_group()
            .user_pool_id(&deps.user_pool_id)
            .group_name(group)
            .limit(GROUP_PAGE)
            .set_next_token(token)
            .send()
    };
    let output = match list(at.next.clone()).await {
        Ok(output) => output,
        Err(error) if at.next.is_some() && code_of(&error) == Some("InvalidParameterException") => {
            tracing::warn!(
                group,
                "a saved pagination token was refused: the group starts over"
            );
            list(None).await.map_err(store::sdk_error)?
        }
        Err(error) => return Err(store::sdk_error(error)),
    };
    let recipients = output.users().iter().filter_map(recipient).collect();
    let next = match output.next_token() {
        Some(token) if !token.is_empty() => Some(Cursor {
            part: at.part,
            next: Some(token.to_owned()),
        }),
        _ => at.next_part(parts),
    };
    Ok(Page { recipients, next })
}

/// One Query page of the cohort's members, after the member `at.next` names.
async fn cohort_page(deps: &Deps, cohort: &CohortName, at: &Cursor) -> Result<Page, ApiError> {
    let partition = keys::cohort_partition(cohort);
    let start_after = at.next.as_ref().map(|sk| {
        Item::from([
            (keys::PK.to_owned(), string(partition.clone())),
            (keys::SK.to_owned(), string(sk.clone())),
        ])
    });
    let platform = &deps.platform;
    let output = platform
        .dynamo
        .query()
        .table_name(&platform.app_table)
        .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
        .expression_attribute_values(":pk", string(partition.clone()))
        .expression_attribute_values(":prefix", string(keys::COHORT_MEMBER_PREFIX))
        .projection_expression("PK, SK")
        .limit(COHORT_PAGE)
        .set_exclusive_start_key(start_after)
        .send()
        .await
        .map_err(store::sdk_error)?;
    let sort_keys: Vec<String> = output
        .items()
        .iter()
        .filter_map(|item| item.get(keys::SK)?.as_s().ok().cloned())
        .collect();
    let recipients = sort_keys
        .iter()
        .filter_map(|sk| member_patient(sk))
        .map(|patient_id| Recipient::Patient { patient_id })
        .collect();
    let last = output
        .last_evaluated_key()
        .and_then(|key| key.get(keys::SK)?.as_s().ok().cloned());
    let next = last.map(|sk| Cursor {
        part: 0,
        next: Some(sk),
    });
    Ok(Page { recipients, next })
}

/// The patient of a cohort member's sort key (`MEMBER#<patientId>`).
pub fn member_patient(sort_key: &str) -> Option<PatientId> {
    PatientId::parse(sort_key.strip_prefix(keys::COHORT_MEMBER_PREFIX)?)
}

fn attribute<'a>(user: &'a UserType, name: &str) -> Option<&'a str> {
    user.attributes()
        .iter()
        .find(|a: &&AttributeType| a.name() == name)
        .and_then(AttributeType::value)
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// A patient's enabled account, told through the patient (the sender reads their contacts
/// and preferences).
pub fn patient_of(user: &UserType) -> Option<Recipient> {
    if !user.enabled() {
        return None;
    }
    let patient_id = PatientId::parse(attribute(user, "custom:patient_id")?)?;
    Some(Recipient::Patient { patient_id })
}

/// A caregiver's enabled account, at its own address and language.
pub fn caregiver_of(user: &UserType) -> Option<Recipient> {
    if !user.enabled() {
        return None;
    }
    Some(Recipient::Account {
        sub: UserSub::parse(attribute(user, "sub")?)?,
        email: Email::parse(attribute(user, "email")?).ok()?,
        language: attribute(user, "locale").map(str::to_owned),
    })
}

/// A staff member's enabled account (the sender finds their address).
pub fn staff_of(user: &UserType) -> Option<Recipient> {
    if !user.enabled() {
        return None;
    }
    Some(Recipient::StaffMember {
        sub: UserSub::parse(attribute(user, "sub")?)?,
    })
}

/// Another practice at each address, once each.
pub fn practices(emails: &[Email]) -> Vec<Recipient> {
    let mut seen = std::collections::HashSet::new();
    emails
        .iter()
        .filter(|email| seen.insert(email.as_str().to_lowercase()))
        .map(|email| Recipient::Address {
            email: email.clone(),
            language: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(enabled: bool, attributes: &[(&str, &str)]) -> UserType {
        let attributes = attributes
            .iter()
            .map(|(name, value)| {
                AttributeType::builder()
                    .name(*name)
                    .value(*value)
                    .build()
                    .expect("attribute")
            })
            .collect();
        UserType::builder()
            .username("someone")
            .enabled(enabled)
            .set_attributes(Some(attributes))
            .build()
    }

    #[test]
    fn patients_are_told_through_their_patient_id() {
        let patient = PatientId::generate();
        let id = patient.to_string();
        assert_eq!(
            patient_of(&user(true, &[("sub", "p-1"), ("custom:patient_id", &id)])),
            Some(Recipient::Patient {
                patient_id: patient
            })
        );
        // No patient id (yet), a malformed one, or a disabled account: nobody.
        assert_eq!(patient_of(&user(true, &[("sub", "p-1")])), None);
        assert_eq!(
            patient_of(&user(true, &[("custom:patient_id", "PATIENT#1")])),
            None
        );
        assert_eq!(
            patient_of(&user(false, &[("custom:patient_id", &id)])),
            None
        );
    }

    #[test]
    fn caregivers_are_told_at_their_accounts_address_in_their_language() {
        let carer = user(
            true,
            &[
                ("sub", "c-1"),
                ("email", "Carer@Example.org"),
                ("locale", "es-MX"),
            ],
        );
        let Some(Recipient::Account {
            sub,
            email,
            language,
        }) = caregiver_of(&carer)
        else {
            panic!("an account");
        };
        assert_eq!(sub.as_str(), "c-1");
        assert_eq!(email.as_str(), "Carer@example.org");
        assert_eq!(language.as_deref(), Some("es-MX"));
        assert_eq!(caregiver_of(&user(true, &[("sub", "c-1")])), None);
        assert_eq!(
            caregiver_of(&user(true, &[("sub", "c-1"), ("email", "not an address")])),
            None
        );
        assert_eq!(
            caregiver_of(&user(false, &[("sub", "c-1"), ("email", "c@example.org")])),
            None
        );
    }

    #[test]
    fn staff_are_told_by_sub_while_their_account_is_enabled() {
        assert_eq!(
            staff_of(&user(true, &[("sub", "s-1"), ("email", "s@example.org")])),
            Some(Recipient::StaffMember {
                sub: UserSub::parse("s-1").expect("sub")
            })
        );
        assert_eq!(staff_of(&user(false, &[("sub", "s-1")])), None);
        assert_eq!(staff_of(&user(true, &[("email", "s@example.org")])), None);
    }

    #[test]
    fn each_practice_is_told_once_and_members_are_read_from_their_keys() {
        let emails: Vec<Email> = ["a@one.example", "A@ONE.example", "b@two.example"]
            .into_iter()
            .map(|raw| Email::parse(raw).expect("email"))
            .collect();
        assert_eq!(practices(&emails).len(), 2);
        let patient = PatientId::generate();
        let name = CohortName::parse("pilot").expect("name");
        let key = keys::cohort_member(&name, patient);
        assert_eq!(member_patient(&key.sk), Some(patient));
        assert_eq!(member_patient("HISTORY#2027"), None);
        assert_eq!(member_patient("MEMBER#nope"), None);
    }
}
