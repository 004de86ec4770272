//! Announcements as stored, the rules of their fields, who an announcement reaches and the
//! state it is in at an instant. Pure: no I/O, so every rule is tested here.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::time::Duration;

use portal_shared::domain::cohort_name::CohortName;
use portal_shared::domain::ids::AnnouncementId;
use portal_shared::domain::person::Email;
use portal_shared::domain::text::plain_text;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::caller::{Role, UserSub, staff_groups};
use serde::{Deserialize, Serialize};

/// A title: one line.
pub const MAX_TITLE_CHARS: usize = 120;
/// The text (line breaks allowed, no markup: it is shown and sent as plain text).
pub const MAX_BODY_CHARS: usize = 2000;
/// A link's length.
pub const MAX_LINK_CHARS: usize = 500;
/// The staff roles one announcement may name (every staff role, at most).
pub const MAX_ROLES: usize = 5;
/// The addresses of other practices one announcement may name.
pub const MAX_EMAILS: usize = 50;
/// How far ahead an announcement may be scheduled.
pub const MAX_SCHEDULED_AHEAD: Duration = Duration::from_secs(366 * 24 * 60 * 60);

macro_rules! checked_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                $name::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

checked_text!(
    /// An announcement's title: one line of plain text, 1 to [`MAX_TITLE_CHARS`] characters.
    Title
);
checked_text!(
    /// An announcement's text: plain text with line breaks, 1 to [`MAX_BODY_CHARS`].
    Body
);
checked_text!(
    /// A link to read more: an absolute `https` URL of at most [`MAX_LINK_CHARS`].
    Link
);

impl Title {
    pub fn parse(raw: &str) -> Result<Title, String> {
        plain_text(raw, MAX_TITLE_CHARS, false).map(Title)
    }
}

impl Body {
    pub fn parse(raw: &str) -> Result<Body, String> {
        plain_text(raw, MAX_BODY_CHARS, true).map(Body)
    }
}

impl Link {
    /// `https://host[:port][/path][?query][#fragment]`, printable ASCII only (a link is sent
    /// in emails: nothing there may hide where it leads), the host made of letters, digits,
    /// hyphens and dots.
    pub fn parse(raw: &str) -> Result<Link, String> {
        let raw = raw.trim();
        let bad = || "must be an https:// link of at most 500 characters".to_owned();
        if raw.len() > MAX_LINK_CHARS || !raw.chars().all(|c| c.is_ascii_graphic()) {
            return Err(bad());
        }
        let rest = match raw.get(..8) {
            Some(scheme) if scheme.eq_ignore_ascii_case("https://") => &raw[8..],
            _ => return Err(bad()),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let labels_ok = host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
        let port_ok = port.is_none_or(|port| {
            !port.is_empty() && port.len() <= 5 && port.chars().all(|c| c.is_ascii_digit())
        });
        if host.is_empty() || !labels_ok || !port_ok {
            return Err(bad());
        }
        Ok(Link(raw.to_owned()))
    }
}

/// Who an announcement is for (tagged by `kind`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Audience {
    /// Every patient (in their own context, and anyone acting for them).
    Patients,
    /// The patients of one cohort.
    Cohort { cohort: CohortName },
    /// Every caregiver (in the context of any patient they act for).
    Caregivers,
    /// The staff holding any of these roles (Cognito group names); the only audience that
    /// may be asked to acknowledge.
    Staff {
        #[serde(with = "staff_groups")]
        roles: Vec<Role>,
    },
    /// Other practices, at these addresses (they have no account: email only).
    Practices { emails: Vec<Email> },
}

impl Audience {
    pub fn is_staff(&self) -> bool {
        matches!(self, Audience::Staff { .. })
    }

    /// Whether someone viewing as `viewer` is in this audience.
    pub fn reaches(&self, viewer: &Viewer<'_>) -> bool {
        match (self, viewer) {
            (Audience::Patients, Viewer::Patient { .. }) => true,
            (Audience::Cohort { cohort }, Viewer::Patient { cohorts, .. }) => {
                cohorts.contains(cohort)
            }
            (Audience::Caregivers, Viewer::Patient { caregiver, .. }) => *caregiver,
            (Audience::Staff { roles }, Viewer::Staff { roles: held }) => {
                roles.iter().any(|role| held.contains(role))
            }
            _ => false,
        }
    }
}

/// Who is looking, for [`Audience::reaches`].
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    /// In a patient's context (`/patients/{patientId}/...`): the patient's cohorts, and
    /// whether the caller acts for the patient as a caregiver.
    Patient {
        cohorts: &'a [CohortName],
        caregiver: bool,
    },
    /// A member of staff from their own account, with their roles.
    Staff { roles: &'a BTreeSet<Role> },
}

/// Where an announcement stands at an instant (derived, never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum State {
    /// Its `publishAt` is still ahead.
    Scheduled,
    Published,
    /// Its `expiresAt` has passed (also when that came before `publishAt`: ended early).
    Expired,
}

/// One announcement (`keys::announcement`, in the `ANNOUNCEMENTS` partition), as stored. The
/// team's and readers' views are built from it (`view`); nothing in it is about a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Announcement {
    pub announcement_id: AnnouncementId,
    pub title: Title,
    pub body: Body,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    pub audience: Audience,
    pub publish_at: Timestamp,
    /// Stored as `endsAt`: the tables' TTL attribute is `expiresAt` (shown as `expiresAt`).
    #[serde(rename = "endsAt", default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge_by: Option<Timestamp>,
    /// People who read it (once each): incremented with their first `READ#` marker.
    #[serde(default)]
    pub read_count: u64,
    /// Staff who acknowledged it (once each): incremented with their first `ACK#` marker.
    #[serde(default)]
    pub acknowledged_count: u64,
    /// The publisher has told its whole audience (it left `ANNOUNCEMENTS_TO_SEND`).
    #[serde(default)]
    pub sent: bool,
    pub created_by: UserSub,
    pub created_at: Timestamp,
    /// Bumped by the team's changes only (expire), not by reads or the publisher.
    pub version: u64,
    /// The publisher's resume point (a Cognito pagination token or a last evaluated key),
    /// written by `AnnouncementStore::save_cursor` only; never written on creation.
    #[serde(default, skip_serializing)]
    pub send_cursor: Option<String>,
}

/// What a valid new announcement sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: Title,
    pub body: Body,
    pub link: Option<Link>,
    pub audience: Audience,
    pub publish_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub acknowledge_by: Option<Timestamp>,
}

impl Announcement {
    /// A new announcement at version 1, counted by nobody and not yet sent.
    pub fn create(id: AnnouncementId, draft: Draft, by: UserSub, now: Timestamp) -> Self {
        Announcement {
            announcement_id: id,
            title: draft.title,
            body: draft.body,
            link: draft.link,
            audience: draft.audience,
            publish_at: draft.publish_at,
            expires_at: draft.expires_at,
            acknowledge_by: draft.acknowledge_by,
            read_count: 0,
            acknowledged_count: 0,
            sent: false,
            created_by: by,
            created_at: now,
            version: Version::FIRST.0,
            send_cursor: None,
        }
    }

    pub fn state(&self, now: Timestamp) -> State {
        if self.expires_at.is_some_and(|end| end <= now) {
            State::Expired
        } else if self.publish_at > now {
            State::Scheduled
        } else {
            State::Published
        }
    }

    /// Published and not expired at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.state(now) == State::Published
    }

    /// Live, and for `viewer`: what the readers' routes show and accept.
    pub fn visible_to(&self, viewer: &Viewer<'_>, now: Timestamp) -> bool {
        self.is_live(now) && self.audience.reaches(viewer)
    }

    pub fn asks_acknowledgement(&self) -> bool {
        self.acknowledge_by.is_some()
    }

    /// An acknowledgement at `at` came after `acknowledgeBy`.
    pub fn is_late(&self, at: Timestamp) -> bool {
        self.acknowledge_by.is_some_and(|by| at > by)
    }

    /// The announcement ended at `now` (expire): `None` when it already had (it stays as it
    /// was), else the next version.
    pub fn expired_at(&self, now: Timestamp) -> Option<Announcement> {
        if self.state(now) == State::Expired {
            return None;
        }
        let mut next = self.clone();
        next.expires_at = Some(now);
        next.version = self.version + 1;
        Some(next)
    }
}

// ---- the fields' rules, each problem named by its field ---------------------------------------

pub fn title(errors: &mut FieldErrors, raw: &str) -> Option<Title> {
    errors.check("title", Title::parse(raw))
}

pub fn body(errors: &mut FieldErrors, raw: &str) -> Option<Body> {
    errors.check("body", Body::parse(raw))
}

pub fn link(errors: &mut FieldErrors, raw: Option<&str>) -> Option<Option<Link>> {
    match raw {
        None => Some(None),
        Some(raw) => errors.check("link", Link::parse(raw)).map(Some),
    }
}

/// The audience as a request gives it, before its rules are checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAudience {
    pub kind: String,
    #[serde(default)]
    pub cohort: Option<String>,
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    #[serde(default)]
    pub emails: Option<Vec<String>>,
}

/// The audience, its fields named `audience.<field>` (whether a cohort exists is checked
/// against the table by the handler). Fields of another kind are refused, not ignored.
pub fn audience(errors: &mut FieldErrors, raw: RawAudience) -> Option<Audience> {
    let RawAudience {
        kind,
        cohort,
        roles,
        emails,
    } = raw;
    let mut foreign_fields = 0;
    let mut foreign = |present: bool, field: &str| {
        if present {
            foreign_fields += 1;
            errors.add(
                format!("audience.{field}"),
                format!("is not a field of a {kind} audience"),
            );
        }
    };
    match kind.as_str() {
        "patients" | "caregivers" => {
            foreign(cohort.is_some(), "cohort");
            foreign(roles.is_some(), "roles");
            foreign(emails.is_some(), "emails");
        }
        "cohort" => {
            foreign(roles.is_some(), "roles");
            foreign(emails.is_some(), "emails");
        }
        "staff" => {
            foreign(cohort.is_some(), "cohort");
            foreign(emails.is_some(), "emails");
        }
        "practices" => {
            foreign(cohort.is_some(), "cohort");
            foreign(roles.is_some(), "roles");
        }
        _ => {
            errors.add(
                "audience.kind",
                "must be patients, cohort, caregivers, staff or practices",
            );
            return None;
        }
    }
    if foreign_fields > 0 {
        return None;
    }
    match kind.as_str() {
        "patients" => Some(Audience::Patients),
        "caregivers" => Some(Audience::Caregivers),
        "cohort" => match cohort {
            None => {
                errors.add("audience.cohort", "is required");
                None
            }
            Some(raw) => errors
                .check(
                    "audience.cohort",
                    CohortName::parse(&raw).map_err(str::to_owned),
                )
                .map(|cohort| Audience::Cohort { cohort }),
        },
        "staff" => {
            staff_roles(errors, roles.unwrap_or_default()).map(|roles| Audience::Staff { roles })
        }
        _ => addresses(errors, emails.unwrap_or_default())
            .map(|emails| Audience::Practices { emails }),
    }
}

/// 1 to [`MAX_ROLES`] staff roles (group names), none twice; in the order given.
fn staff_roles(errors: &mut FieldErrors, raw: Vec<String>) -> Option<Vec<Role>> {
    if raw.is_empty() || raw.len() > MAX_ROLES {
        errors.add(
            "audience.roles",
            format!("must name 1 to {MAX_ROLES} staff roles"),
        );
        return None;
    }
    let mut roles = Vec::new();
    for (index, group) in raw.iter().enumerate() {
        let field = format!("audience.roles[{index}]");
        let role = errors.check(&field, staff_groups_parse(group))?;
        if roles.contains(&role) {
            errors.add(field, format!("names {group} more than once"));
            return None;
        }
        roles.push(role);
    }
    Some(roles)
}

fn staff_groups_parse(group: &str) -> Result<Role, String> {
    portal_shared::policy::caller::staff_group::parse(group)
}

/// 1 to [`MAX_EMAILS`] addresses, none twice (whatever their case).
fn addresses(errors: &mut FieldErrors, raw: Vec<String>) -> Option<Vec<Email>> {
    if raw.is_empty() || raw.len() > MAX_EMAILS {
        errors.add(
            "audience.emails",
            format!("must hold 1 to {MAX_EMAILS} addresses"),
        );
        return None;
    }
    let mut seen = HashSet::new();
    let mut emails = Vec::new();
    let mut ok = true;
    for (index, raw) in raw.iter().enumerate() {
        let field = format!("audience.emails[{index}]");
        match errors.check(&field, Email::parse(raw)) {
            Some(email) if !seen.insert(email.as_str().to_lowercase()) => {
                errors.add(field, "is given more than once");
                ok = false;
            }
            Some(email) => emails.push(email),
            None => ok = false,
        }
    }
    ok.then_some(emails)
}

/// The dates: `publishAt` (default `now`, at most [`MAX_SCHEDULED_AHEAD`] ahead), `expiresAt`
/// (after `publishAt` and after `now`), `acknowledgeBy` (staff audiences only, not before
/// `publishAt`). `audience` is `None` when it was invalid (its own error said so).
pub fn dates(
    errors: &mut FieldErrors,
    audience: Option<&Audience>,
    publish_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
    acknowledge_by: Option<Timestamp>,
    now: Timestamp,
) -> Option<(Timestamp, Option<Timestamp>, Option<Timestamp>)> {
    let mut problems: Vec<(&str, &str)> = Vec::new();
    let publish_at = publish_at.unwrap_or(now);
    if publish_at > now.plus(MAX_SCHEDULED_AHEAD) {
        problems.push(("publishAt", "must be within a year from now"));
    }
    if let Some(end) = expires_at {
        if end <= publish_at {
            problems.push(("expiresAt", "must be after publishAt"));
        } else if end <= now {
            problems.push(("expiresAt", "must be in the future"));
        }
    }
    if let Some(by) = acknowledge_by {
        if audience.is_some_and(|audience| !audience.is_staff()) {
            problems.push((
                "acknowledgeBy",
                "only a staff audience can be asked to acknowledge",
            ));
        } else if by < publish_at {
            problems.push(("acknowledgeBy", "must not be before publishAt"));
        }
    }
    let ok = problems.is_empty();
    for (field, message) in problems {
        errors.add(field, message);
    }
    ok.then_some((publish_at, expires_at, acknowledge_by))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_vec().into_iter().map(|e| e.field).collect()
    }

    fn cohort(name: &str) -> CohortName {
        CohortName::parse(name).expect("cohort")
    }

    fn raw(json: &str) -> RawAudience {
        serde_json::from_str(json).expect("raw audience")
    }

    fn announcement(audience: Audience, publish: &str, end: Option<&str>) -> Announcement {
        Announcement::create(
            AnnouncementId::generate(),
            Draft {
                title: Title::parse("News").expect("title"),
                body: Body::parse("Text").expect("body"),
                link: None,
                audience,
                publish_at: at(publish),
                expires_at: end.map(at),
                acknowledge_by: None,
            },
            UserSub::parse("lead-1").expect("sub"),
            at("2025-03-01T00:00:00.000Z"),
        )
    }

    #[test]
    fn titles_are_one_line_and_bodies_may_have_lines() {
        assert_eq!(
            Title::parse("  Hello ").map(String::from).ok().as_deref(),
            Some("Hello")
        );
        assert!(Title::parse(&"x".repeat(MAX_TITLE_CHARS)).is_ok());
        assert!(Title::parse(&"x".repeat(MAX_TITLE_CHARS + 1)).is_err());
        assert!(Title::parse("two\nlines").is_err());
        assert!(Title::parse(" ").is_err());
        assert_eq!(
            Body::parse("a\r\nb").map(String::from).ok().as_deref(),
            Some("a\nb")
        );
        assert!(Body::parse(&"x".repeat(MAX_BODY_CHARS)).is_ok());
        assert!(Body::parse(&"x".repeat(MAX_BODY_CHARS + 1)).is_err());
        assert!(Body::parse("").is_err());
        assert!(Body::parse("spoof \u{202E}txt").is_err());
    }

    #[test]
    fn links_are_https_urls_of_plain_ascii() {
        for good in [
            "https://example.org",
            "https://example.org/news?id=3#top",
            "HTTPS://intranet.example.org:8443/rota",
            " https://a.b/c ",
        ] {
            assert!(Link::parse(good).is_ok(), "{good}");
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_LINK_CHARS));
        for bad in [
            "http://example.org",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://exa mple.org",
            "https://exämple.org",
            "https://user@example.org",
            "https://-bad.org",
            "https://example.org:http",
            "https://example..org",
            "//example.org",
            long.as_str(),
        ] {
            assert!(Link::parse(bad).is_err(), "{bad}");
        }
        let mut errors = FieldErrors::new();
        assert_eq!(link(&mut errors, None), Some(None));
        assert_eq!(link(&mut errors, Some("ftp://x.org")), None);
        assert_eq!(fields(errors), ["link"]);
    }

    #[test]
    fn audiences_are_checked_field_by_field() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            audience(&mut errors, raw(r#"{"kind":"patients"}"#)),
            Some(Audience::Patients)
        );
        assert_eq!(
            audience(&mut errors, raw(r#"{"kind":"caregivers"}"#)),
            Some(Audience::Caregivers)
        );
        assert_eq!(
            audience(&mut errors, raw(r#"{"kind":"cohort","cohort":"beta-1"}"#)),
            Some(Audience::Cohort {
                cohort: cohort("beta-1")
            })
        );
        assert_eq!(
            audience(
                &mut errors,
                raw(r#"{"kind":"staff","roles":["admins","clinicians"]}"#)
            ),
            Some(Audience::Staff {
                roles: vec![Role::Admin, Role::Clinician]
            })
        );
        let practices = audience(
            &mut errors,
            raw(r#"{"kind":"practices","emails":["a@one.example.org","b@Two.example.org"]}"#),
        );
        match practices {
            Some(Audience::Practices { emails }) => assert_eq!(
                emails.iter().map(Email::as_str).collect::<Vec<_>>(),
                ["a@one.example.org", "b@two.example.org"]
            ),
            other => panic!("{other:?}"),
        }
        assert!(errors.is_empty());

        let cases = [
            (r#"{"kind":"everyone"}"#, "audience.kind"),
            (r#"{"kind":"cohort"}"#, "audience.cohort"),
            (r#"{"kind":"cohort","cohort":"Beta"}"#, "audience.cohort"),
            (
                r#"{"kind":"patients","cohort":"beta-1"}"#,
                "audience.cohort",
            ),
            (r#"{"kind":"staff"}"#, "audience.roles"),
            (r#"{"kind":"staff","roles":[]}"#, "audience.roles"),
            (
                r#"{"kind":"staff","roles":["patients"]}"#,
                "audience.roles[0]",
            ),
            (
                r#"{"kind":"staff","roles":["admins","admins"]}"#,
                "audience.roles[1]",
            ),
            (
                r#"{"kind":"staff","roles":["admins","clinicians","front-desk","response-team","portal-leads","admins"]}"#,
                "audience.roles",
            ),
            (
                r#"{"kind":"staff","roles":["admins"],"emails":[]}"#,
                "audience.emails",
            ),
            (r#"{"kind":"practices","emails":[]}"#, "audience.emails"),
            (
                r#"{"kind":"practices","emails":["nope"]}"#,
                "audience.emails[0]",
            ),
            (
                r#"{"kind":"practices","emails":["a@x.org","A@X.ORG"]}"#,
                "audience.emails[1]",
            ),
        ];
        for (json, field) in cases {
            let mut errors = FieldErrors::new();
            assert_eq!(audience(&mut errors, raw(json)), None, "{json}");
            assert_eq!(fields(errors), [field], "{json}");
        }
        let fifty_one: Vec<String> = (0..=MAX_EMAILS).map(|i| format!("p{i}@x.org")).collect();
        let mut errors = FieldErrors::new();
        let too_many = RawAudience {
            kind: "practices".into(),
            emails: Some(fifty_one),
            ..RawAudience::default()
        };
        assert_eq!(audience(&mut errors, too_many), None);
        assert_eq!(fields(errors), ["audience.emails"]);
    }

    #[test]
    fn the_stored_audience_is_tagged_by_kind() {
        let staff = Audience::Staff {
            roles: vec![Role::FrontDesk],
        };
        assert_eq!(
            serde_json::to_value(&staff).expect("json"),
            serde_json::json!({"kind": "staff", "roles": ["front-desk"]})
        );
        assert_eq!(
            serde_json::to_value(Audience::Cohort {
                cohort: cohort("beta-1")
            })
            .expect("json"),
            serde_json::json!({"kind": "cohort", "cohort": "beta-1"})
        );
        let back: Audience =
            serde_json::from_value(serde_json::json!({"kind": "caregivers"})).expect("audience");
        assert_eq!(back, Audience::Caregivers);
    }

    #[test]
    fn dates_default_to_now_and_keep_their_order() {
        let now = at("2025-03-10T12:00:00.000Z");
        let staff = Audience::Staff {
            roles: vec![Role::Clinician],
        };
        let mut errors = FieldErrors::new();
        assert_eq!(
            dates(
                &mut errors,
                Some(&Audience::Patients),
                None,
                None,
                None,
                now
            ),
            Some((now, None, None))
        );
        let ok = dates(
            &mut errors,
            Some(&staff),
            Some(at("2025-03-11T00:00:00.000Z")),
            Some(at("2025-04-01T00:00:00.000Z")),
            Some(at("2025-03-11T00:00:00.000Z")),
            now,
        );
        assert!(ok.is_some());
        assert!(errors.is_empty());

        let check =
            |audience: &Audience, publish: Option<&str>, end: Option<&str>, by: Option<&str>| {
                let mut errors = FieldErrors::new();
                let result = dates(
                    &mut errors,
                    Some(audience),
                    publish.map(at),
                    end.map(at),
                    by.map(at),
                    now,
                );
                assert!(result.is_none());
                fields(errors)
            };
        assert_eq!(
            check(
                &Audience::Patients,
                Some("2026-03-12T00:00:00Z"),
                None,
                None
            ),
            ["publishAt"]
        );
        assert_eq!(
            check(
                &Audience::Patients,
                Some("2025-03-12T00:00:00Z"),
                Some("2025-03-12T00:00:00Z"),
                None
            ),
            ["expiresAt"]
        );
        assert_eq!(
            check(
                &Audience::Patients,
                Some("2025-03-01T00:00:00Z"),
                Some("2025-03-05T00:00:00Z"),
                None
            ),
            ["expiresAt"]
        );
        assert_eq!(
            check(
                &Audience::Caregivers,
                None,
                None,
                Some("2025-03-12T00:00:00Z")
            ),
            ["acknowledgeBy"]
        );
        assert_eq!(
            check(&staff, None, None, Some("2025-03-10T11:59:59Z")),
            ["acknowledgeBy"]
        );
        // An invalid audience was named already: its acknowledgeBy is not blamed for it.
        let mut errors = FieldErrors::new();
        assert!(
            dates(
                &mut errors,
                None,
                None,
                None,
                Some(at("2025-03-12T00:00:00Z")),
                now
            )
            .is_some()
        );
    }

    #[test]
    fn the_state_is_derived_from_the_dates() {
        let a = announcement(
            Audience::Patients,
            "2025-03-10T12:00:00.000Z",
            Some("2025-03-20T12:00:00.000Z"),
        );
        assert_eq!(a.state(at("2025-03-10T11:59:59.999Z")), State::Scheduled);
        assert_eq!(a.state(at("2025-03-10T12:00:00.000Z")), State::Published);
        assert_eq!(a.state(at("2025-03-20T11:59:59.999Z")), State::Published);
        assert_eq!(a.state(at("2025-03-20T12:00:00.000Z")), State::Expired);
        let open = announcement(Audience::Patients, "2025-03-10T12:00:00.000Z", None);
        assert_eq!(open.state(at("2035-01-01T00:00:00.000Z")), State::Published);
        assert_eq!(
            serde_json::to_value(State::Scheduled).expect("json"),
            "scheduled"
        );
    }

    #[test]
    fn expiring_ends_it_now_once() {
        let a = announcement(Audience::Patients, "2025-03-10T12:00:00.000Z", None);
        let now = at("2025-03-11T00:00:00.000Z");
        let ended = a.expired_at(now).expect("ended");
        assert_eq!(ended.expires_at, Some(now));
        assert_eq!(ended.version, a.version + 1);
        assert_eq!(ended.state(now), State::Expired);
        assert_eq!(ended.expired_at(at("2025-03-12T00:00:00.000Z")), None);
        // A scheduled one ends before it starts: nobody sees it.
        let scheduled = announcement(Audience::Patients, "2025-04-01T00:00:00.000Z", None);
        assert_eq!(
            scheduled.expired_at(now).expect("ended").state(now),
            State::Expired
        );
    }

    #[test]
    fn audiences_reach_their_contexts_only() {
        let beta = [cohort("beta-1")];
        let none: [CohortName; 0] = [];
        let patient = Viewer::Patient {
            cohorts: &none,
            caregiver: false,
        };
        let beta_patient = Viewer::Patient {
            cohorts: &beta,
            caregiver: false,
        };
        let caregiver = Viewer::Patient {
            cohorts: &none,
            caregiver: true,
        };
        let clinician_roles = BTreeSet::from([Role::Clinician]);
        let clinician = Viewer::Staff {
            roles: &clinician_roles,
        };
        let cohort_audience = Audience::Cohort {
            cohort: cohort("beta-1"),
        };
        let staff_audience = Audience::Staff {
            roles: vec![Role::FrontDesk, Role::Clinician],
        };
        let admins = Audience::Staff {
            roles: vec![Role::Admin],
        };
        let practices = Audience::Practices {
            emails: vec![Email::parse("a@x.org").expect("email")],
        };

        assert!(Audience::Patients.reaches(&patient));
        assert!(Audience::Patients.reaches(&caregiver));
        assert!(!Audience::Patients.reaches(&clinician));
        assert!(cohort_audience.reaches(&beta_patient));
        assert!(!cohort_audience.reaches(&patient));
        assert!(Audience::Caregivers.reaches(&caregiver));
        assert!(!Audience::Caregivers.reaches(&patient));
        assert!(staff_audience.reaches(&clinician));
        assert!(!admins.reaches(&clinician));
        assert!(!staff_audience.reaches(&patient));
        for viewer in [patient, caregiver, clinician] {
            assert!(!practices.reaches(&viewer));
        }

        let live = announcement(
            Audience::Patients,
            "2025-03-10T12:00:00.000Z",
            Some("2025-03-20T12:00:00.000Z"),
        );
        assert!(live.visible_to(&patient, at("2025-03-15T00:00:00.000Z")));
        assert!(!live.visible_to(&patient, at("2025-03-09T00:00:00.000Z")));
        assert!(!live.visible_to(&patient, at("2025-03-21T00:00:00.000Z")));
    }

    #[test]
    fn an_acknowledgement_after_the_date_is_late() {
        let mut a = announcement(
            Audience::Staff {
                roles: vec![Role::Admin],
            },
            "2025-03-10T12:00:00.000Z",
            None,
        );
        assert!(!a.asks_acknowledgement());
        assert!(!a.is_late(at("2030-01-01T00:00:00.000Z")));
        a.acknowledge_by = Some(at("2025-03-12T12:00:00.000Z"));
        assert!(a.asks_acknowledgement());
        assert!(!a.is_late(at("2025-03-12T12:00:00.000Z")));
        assert!(a.is_late(at("2025-03-12T12:00:00.001Z")));
    }
}
