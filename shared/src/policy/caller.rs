//! Who is calling, built once per request from the Cognito authorizer's claims. Never from the
//! path or the body: those are the caller's to choose, the claims are not.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use serde_json::Value;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;

/// A Cognito group, i.e. a role in the practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Patient,
    Caregiver,
    Clinician,
    FrontDesk,
    ResponseTeam,
    /// Runs the portal's rollout: cohorts, invitation waves, feature switches, agreements and
    /// adoption. Sees the names of the patients it puts in cohorts, nothing clinical.
    PortalLead,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Patient,
        Role::Caregiver,
        Role::Clinician,
        Role::FrontDesk,
        Role::ResponseTeam,
        Role::PortalLead,
        Role::Admin,
    ];

    /// The Cognito group name (as in template.yaml).
    pub fn group(self) -> &'static str {
        match self {
            Role::Patient => "patients",
            Role::Caregiver => "caregivers",
            Role::Clinician => "clinicians",
            Role::FrontDesk => "front-desk",
            Role::ResponseTeam => "response-team",
            Role::PortalLead => "portal-leads",
            Role::Admin => "admins",
        }
    }

    pub fn from_group(group: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.group() == group)
    }

    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Patient | Role::Caregiver)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.group())
    }
}

/// The Cognito user id (`sub`): stable, opaque, not PHI.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct UserSub(String);

/// Whether `raw` has the shape of an id Cognito puts in a token (`sub`, `origin_jti`): 1 to
/// 128 of ASCII letters, digits, `-` and `_`.
fn is_token_id(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 128
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl UserSub {
    pub fn parse(raw: &str) -> Option<Self> {
        is_token_id(raw).then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The actor of one of the practice's jobs (`system:<job>`, see `PracticeJob::actor`),
    /// which [`UserSub::parse`] never yields: only the authorizer names a job as an actor.
    pub(crate) fn of_job(actor: &'static str) -> Self {
        Self(actor.to_owned())
    }
}

impl fmt::Display for UserSub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One sign-in, as Cognito names it (`origin_jti`): every token issued from that sign-in,
/// renewals included, carries it; a new sign-in gets a new one. A sign-out revokes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    pub fn parse(raw: &str) -> Option<Self> {
        is_token_id(raw).then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub sub: UserSub,
    pub roles: BTreeSet<Role>,
    /// Set for patients' own sign-ins (`custom:patient_id`, writable by the backend only).
    pub patient_id: Option<PatientId>,
    /// For showing who did what (staff names in messages, the access log); never logged.
    pub display_name: Option<String>,
    /// What the token says of the sign-in it came from (revocation, fresh sign-in, MFA).
    pub sign_in: SignInFacts,
}

/// The sign-in behind a caller's token. Calls the portal makes itself (jobs, public routes)
/// have none of these: `Default`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInFacts {
    /// When the token was issued (`iat`): a revocation at or after it refuses the token.
    pub issued_at: Option<Timestamp>,
    /// When the user last typed their password (`auth_time`): "fresh sign-in" checks.
    pub auth_time: Option<Timestamp>,
    /// The sign-in the token was issued from (`origin_jti`): a sign-out refuses every token of
    /// it. Tokens issued before Cognito added the claim have none (no session check then).
    pub session: Option<SessionId>,
    /// The account has an authenticator app enrolled (`custom:mfa` is `totp`, written by the
    /// backend only when enrolment is verified).
    pub mfa: bool,
}

/// The value of `custom:mfa` once an authenticator app is enrolled.
pub const MFA_TOTP: &str = "totp";

impl Caller {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|role| role.is_staff())
    }

    /// What the caller is shown as where their name is kept for others to read (who assigned a
    /// topic, edited it, waived a module): the sign-in's name, else [`Caller::UNNAMED`]. Never
    /// logged.
    pub fn shown_name(&self) -> String {
        self.display_name
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .unwrap_or(Caller::UNNAMED)
            .to_owned()
    }

    /// What a caller whose sign-in carries no name is shown as ([`Caller::shown_name`]).
    pub const UNNAMED: &'static str = "Practice staff";

    /// The role recorded in the audit trail: the most privileged one held.
    pub fn primary_role(&self) -> Option<Role> {
        self.roles.iter().next_back().copied()
    }

    /// Builds the caller from what API Gateway's Cognito authorizer put in the request context.
    /// No claims (no authorizer ran, or an unauthenticated route) means 401.
    pub fn from_request(req: &Request) -> Result<Caller, ApiError> {
        let claims = match req.request_context_ref() {
            Some(RequestContext::ApiGatewayV1(context)) => {
                context.authorizer.fields.get("claims").cloned()
            }
            _ => None,
        };
        let claims: HashMap<String, Value> = match claims {
            Some(Value::Object(map)) => map.into_iter().collect(),
            _ => return Err(ApiError::Unauthenticated),
        };
        Caller::from_claims(&claims)
    }

    pub fn from_claims(claims: &HashMap<String, Value>) -> Result<Caller, ApiError> {
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::trim);
        let sub = text("sub")
            .and_then(UserSub::parse)
            .ok_or(ApiError::Unauthenticated)?;
        if let Some(token_use) = text("token_use")
            && token_use != "id"
        {
            return Err(ApiError::Unauthenticated);
        }
        let roles = claims
            .get("cognito:groups")
            .map(parse_groups)
            .unwrap_or_default()
            .iter()
            .filter_map(|group| Role::from_group(group))
            .collect();
        let patient_id = text("custom:patient_id").and_then(PatientId::parse);
        let display_name = match (text("given_name"), text("family_name")) {
            (Some(given), Some(family)) => Some(format!("{given} {family}")),
            (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
            (None, None) => text("name").map(str::to_owned),
        };
        let sign_in = SignInFacts {
            issued_at: claims.get("iat").and_then(claim_time),
            auth_time: claims.get("auth_time").and_then(claim_time),
            session: text("origin_jti").and_then(SessionId::parse),
            mfa: text("custom:mfa") == Some(MFA_TOTP),
        };
        Ok(Caller {
            sub,
            roles,
            patient_id,
            display_name,
            sign_in,
        })
    }
}

/// A time claim as a number of seconds, its decimal text (`auth_time` through API Gateway) or
/// API Gateway's Java-style date (`iat`, `exp`: `"Tue Apr 04 18:39:39 UTC 2023"`).
fn claim_time(value: &Value) -> Option<Timestamp> {
    let seconds = match value {
        Value::Number(n) => n.as_i64()?,
        Value::String(raw) => {
            let raw = raw.trim();
            match raw.parse::<i64>() {
                Ok(seconds) => seconds,
                Err(_) => java_date_seconds(raw)?,
            }
        }
        _ => return None,
    };
    Timestamp::from_unix_seconds(seconds)
}

/// `"Tue Apr 04 18:39:39 UTC 2023"` as seconds since the epoch.
fn java_date_seconds(raw: &str) -> Option<i64> {
    let format = time::macros::format_description!(
        "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year]"
    );
    time::PrimitiveDateTime::parse(raw, &format)
        .ok()
        .map(|at| at.assume_utc().unix_timestamp())
}

/// API Gateway hands claims over as strings; Cognito's groups claim arrives as a JSON array,
/// as `"[a b]"` (REST API's rendering of an array) or as `"a,b"`. Accept all three.
fn parse_groups(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Value::String(raw) => {
            let raw = raw.trim();
            if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(raw) {
                return parse_groups(&Value::Array(items));
            }
            raw.trim_start_matches('[')
                .trim_end_matches(']')
                .split([',', ' '])
                .map(str::trim)
                .filter(|group| !group.is_empty())
                .map(str::to_owned)
                .collect()
        }
        _ => Vec::new(),
    }
}

/// One staff role as its Cognito group name (`front-desk`); only staff roles are accepted.
pub mod staff_group {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Role;

    pub fn serialize<S: Serializer>(role: &Role, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(role.group())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Role, D::Error> {
        let raw = String::deserialize(deserializer)?;
        parse(&raw).map_err(D::Error::custom)
    }

    pub fn parse(raw: &str) -> Result<Role, String> {
        Role::from_group(raw)
            .filter(|role| role.is_staff())
            .ok_or_else(|| {
                let staff: Vec<&str> = Role::ALL
                    .iter()
                    .filter(|role| role.is_staff())
                    .map(|role| role.group())
                    .collect();
                format!("a staff role must be one of {}", staff.join(", "))
            })
    }
}

/// Staff roles as a list of Cognito group names (`["clinicians", "front-desk"]`).
pub mod staff_groups {
    use serde::de::Error as _;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Role;

    pub fn serialize<S: Serializer>(roles: &[Role], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(roles.len()))?;
        for role in roles {
            seq.serialize_element(role.group())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Role>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|raw| super::staff_group::parse(raw).map_err(D::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_and_session_ids_take_the_same_shape_of_token_id() {
        let long = "a".repeat(129);
        for good in [
            "6f1c2b9e-4d7a-4c1e-9a0b-3f2e1d0c9b8a",
            "a_1",
            &"b".repeat(128),
        ] {
            assert!(UserSub::parse(good).is_some(), "{good}");
            assert!(SessionId::parse(good).is_some(), "{good}");
        }
        for bad in ["", "a b", "a/b", "système", long.as_str()] {
            assert!(UserSub::parse(bad).is_none(), "{bad}");
            assert!(SessionId::parse(bad).is_none(), "{bad}");
        }
    }

    fn claims(value: Value) -> HashMap<String, Value> {
        serde_json::from_value(value).expect("map")
    }

    #[test]
    fn groups_in_every_rendering() {
        for groups in [
            json!(["front-desk", "clinicians"]),
            json!("[front-desk clinicians]"),
            json!("front-desk,clinicians"),
            json!("[\"front-desk\",\"clinicians\"]"),
        ] {
            let caller =
                Caller::from_claims(&claims(json!({"sub": "abc-1", "cognito:groups": groups})))
                    .expect("caller");
            assert!(caller.has(Role::FrontDesk) && caller.has(Role::Clinician));
            assert!(caller.is_staff());
        }
    }

    #[test]
    fn unknown_groups_grant_nothing() {
        let caller = Caller::from_claims(&claims(
            json!({"sub": "abc", "cognito:groups": "[superusers]"}),
        ))
        .expect("caller");
        assert!(caller.roles.is_empty());
    }

    #[test]
    fn patient_id_comes_from_the_custom_claim() {
        let id = PatientId::generate();
        let caller = Caller::from_claims(&claims(json!({
            "sub": "abc", "cognito:groups": "patients", "custom:patient_id": id.to_string(),
            "token_use": "id"
        })))
        .expect("caller");
        assert_eq!(caller.patient_id, Some(id));
        assert!(caller.has(Role::Patient) && !caller.is_staff());
    }

    #[test]
    fn the_shown_name_is_the_sign_ins_name_or_one_fallback() {
        let shown = |value: Value| {
            Caller::from_claims(&claims(value))
                .expect("caller")
                .shown_name()
        };
        assert_eq!(
            shown(json!({"sub": "a", "given_name": "Noor", "family_name": "Haddad"})),
            "Noor Haddad"
        );
        assert_eq!(
            shown(json!({"sub": "a", "name": " Dr. Ortiz "})),
            "Dr. Ortiz"
        );
        assert_eq!(shown(json!({"sub": "a"})), Caller::UNNAMED);
        assert_eq!(
            shown(json!({"sub": "a", "given_name": " ", "family_name": ""})),
            Caller::UNNAMED
        );
    }

    #[test]
    fn access_tokens_and_missing_sub_are_refused() {
        assert!(Caller::from_claims(&claims(json!({"cognito:groups": "patients"}))).is_err());
        assert!(Caller::from_claims(&claims(json!({"sub": "a", "token_use": "access"}))).is_err());
    }

    #[test]
    fn sign_in_facts_come_from_the_time_claims_and_the_mfa_attribute() {
        let caller = Caller::from_claims(&claims(json!({
            "sub": "a",
            "iat": "Tue Apr 04 17:39:39 UTC 2023",
            "auth_time": "1680629979",
            "custom:mfa": "totp",
            "origin_jti": "0f8fad5b-d9cb-469f-a165-70867728950e",
        })))
        .expect("caller");
        assert_eq!(
            caller.sign_in.session.as_ref().map(SessionId::as_str),
            Some("0f8fad5b-d9cb-469f-a165-70867728950e")
        );
        assert_eq!(
            caller.sign_in.issued_at.map(|t| t.unix_seconds()),
            Some(1_680_629_979)
        );
        assert_eq!(
            caller.sign_in.auth_time.map(|t| t.unix_seconds()),
            Some(1_680_629_979)
        );
        assert!(caller.sign_in.mfa);
        let plain =
            Caller::from_claims(&claims(json!({"sub": "a", "iat": 1680629979}))).expect("caller");
        assert_eq!(
            plain.sign_in.issued_at.map(|t| t.unix_seconds()),
            Some(1_680_629_979)
        );
        assert!(!plain.sign_in.mfa);
        assert_eq!(plain.sign_in.auth_time, None);
        assert_eq!(plain.sign_in.session, None);
        let odd = Caller::from_claims(&claims(json!({"sub": "a", "origin_jti": "a b#c"})))
            .expect("caller");
        assert_eq!(
            odd.sign_in.session, None,
            "not a session id: no session check"
        );
    }
}
