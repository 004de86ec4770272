//! The one error type of the API, rendered as RFC 9457 `application/problem+json`.
//!
//! Client errors say what to fix; server errors say nothing about internals: their cause chain
//! goes to the log (with the request id, which the client also gets) and never to the client.

use std::error::Error as StdError;

use http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;

use crate::features::onboarding::Capability;
use crate::features::switches::Feature;
use crate::platform::validation::FieldError;

pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be read at all (not JSON, wrong encoding).
    #[error("malformed request: {0}")]
    Malformed(String),
    /// A signed token from a link (an unsubscribe link) that is not one the portal made:
    /// altered, made up or cut short.
    #[error("invalid token")]
    InvalidToken,
    /// The request was read but fields are missing, unknown or invalid.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("not authenticated")]
    Unauthenticated,
    /// A sign-in with a wrong email or password: one answer for both, so nobody learns
    /// whether an email has an account.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The caller is known but their role may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The route belongs to a feature whose switch is off for this caller and patient. The
    /// same problem on every route the feature owns, so the app can hide the feature.
    #[error("feature off: {0}")]
    FeatureOff(Feature),
    /// The caller's onboarding plan holds the training module of this capability and they have
    /// not finished it (nor was it waived): answered with the module to take, as `module`.
    #[error("training required: {0}")]
    TrainingRequired(Capability),
    /// Staff work needs an authenticator app: the caller's sign-in has no MFA enrolled yet
    /// (`custom:mfa`). Enrol through `/auth/mfa/totp`, then sign in again.
    #[error("mfa required")]
    MfaRequired,
    /// The account or the patient it acts for is locked by the practice (or by its owner).
    #[error("account locked")]
    AccountLocked,
    /// The change needs a recent sign-in (the token's `auth_time` is too old).
    #[error("fresh sign-in required")]
    FreshSignInRequired,
    /// Missing, or not the caller's to see: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A ballot for a poll that is not open (not yet, or no longer): what the poll's dates are.
    #[error("poll closed: {0}")]
    PollClosed(String),
    /// Something answered once only (a usability survey) was answered already.
    #[error("already answered: {0}")]
    AlreadyAnswered(String),
    /// An acknowledgement of an announcement that asks for none.
    #[error("no acknowledgement asked")]
    NoAcknowledgement,
    /// A refill asked for a medication that may not be renewed online: the reasons (kebab-case
    /// codes: `inactive`, `controlled-substance`, `no-recent-visit`, `request-open`,
    /// `not-prescribable`), answered as `reasons`.
    #[error("refill not eligible")]
    RefillNotEligible(Vec<String>),
    /// A refill asked for a medication that has an open request already (one open per record).
    #[error("refill already open")]
    RefillAlreadyOpen,
    /// A change to a refill request that is no longer open (decided, sent or withdrawn).
    #[error("refill closed: {0}")]
    RefillClosed(String),
    /// If-Match named a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed,
    /// An update came without If-Match.
    #[error("precondition required")]
    PreconditionRequired,
    /// The same Idempotency-Key was used with a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyKeyReused,
    #[error("payload too large")]
    PayloadTooLarge { limit_bytes: usize },
    #[error("unsupported media type")]
    /// The body is not of the one media type the route reads (named in the answer).
    UnsupportedMediaType { expected: &'static str },
    /// A client (or an account) went over an attempt limit; it may try again later.
    #[error("too many requests")]
    TooManyRequests {
        /// How many attempts the window allows.
        limit: u32,
        /// The window's length, for the message.
        window_seconds: u64,
        /// When the client may try again.
        retry_after_seconds: u64,
    },
    /// DynamoDB throttled us after retries: the client may try again shortly.
    #[error("temporarily unavailable")]
    Unavailable(#[source] BoxError),
    #[error("internal error")]
    Internal(#[source] BoxError),
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: Option<String>,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
    request_id: Option<&'a str>,
    /// For `feature-off`: the feature that is off (`messaging`).
    feature: Option<&'static str>,
    /// For `training-required`: the training module to finish (`message-inbox`).
    module: Option<&'static str>,
    /// For `refill-not-eligible`: why the medication may not be renewed online.
    reasons: Option<&'a [String]>,
    /// For `too-many-attempts`: the limit and when to try again.
    limit: Option<u32>,
    window_seconds: Option<u64>,
    retry_after_seconds: Option<u64>,
}

impl ApiError {
    pub fn internal(error: impl Into<BoxError>) -> Self {
        ApiError::Internal(error.into())
    }

    /// A 422 naming one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Malformed(_) | ApiError::InvalidToken => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) | ApiError::IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthenticated | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_)
            | ApiError::FeatureOff(_)
            | ApiError::TrainingRequired(_)
            | ApiError::MfaRequired
            | ApiError::AccountLocked
            | ApiError::FreshSignInRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_)
            | ApiError::PollClosed(_)
            | ApiError::AlreadyAnswered(_)
            | ApiError::NoAcknowledgement
            | ApiError::RefillNotEligible(_)
            | ApiError::RefillAlreadyOpen
            | ApiError::RefillClosed(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable identifier of the kind of problem; also the last segment of the `type` URI.
    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::Malformed(_) => "malformed-request",
            ApiError::InvalidToken => "invalid-token",
            ApiError::Invalid(_) => "invalid-fields",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::InvalidCredentials => "invalid-credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::FeatureOff(_) => "feature-off",
            ApiError::TrainingRequired(_) => "training-required",
            ApiError::MfaRequired => "mfa-required",
            ApiError::AccountLocked => "account-locked",
            ApiError::FreshSignInRequired => "fresh-sign-in-required",
            ApiError::NotFound => "not-found",
            ApiError::Conflict(_) => "conflict",
            ApiError::PollClosed(_) => "poll-closed",
            ApiError::AlreadyAnswered(_) => "already-answered",
            ApiError::NoAcknowledgement => "no-acknowledgement",
            ApiError::RefillNotEligible(_) => "refill-not-eligible",
            ApiError::RefillAlreadyOpen => "refill-already-open",
            ApiError::RefillClosed(_) => "refill-closed",
            ApiError::PreconditionFailed => "stale-etag",
            ApiError::PreconditionRequired => "if-match-required",
            ApiError::IdempotencyKeyReused => "idempotency-key-reused",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::UnsupportedMediaType { .. } => "unsupported-media-type",
            ApiError::TooManyRequests { .. } => "too-many-attempts",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Malformed(_) => "The request body could not be read",
            ApiError::InvalidToken => "The link is not valid",
            ApiError::Invalid(_) => "Some fields are missing or invalid",
            ApiError::Unauthenticated => "Sign-in required",
            ApiError::InvalidCredentials => "The email address or password is wrong",
            ApiError::Forbidden(_) => "Your role may not do this",
            ApiError::FeatureOff(_) => "This feature is not available",
            ApiError::TrainingRequired(_) => "Training required",
            ApiError::MfaRequired => "Set up an authenticator app first",
            ApiError::AccountLocked => "This account is locked",
            ApiError::FreshSignInRequired => "Sign in again to do this",
            ApiError::NotFound => "Not found",
            ApiError::Conflict(_) => "Conflict with the current state",
            ApiError::PollClosed(_) => "This poll is not open",
            ApiError::AlreadyAnswered(_) => "This was answered already",
            ApiError::NoAcknowledgement => "This announcement asks for no acknowledgement",
            ApiError::RefillNotEligible(_) => "This medication cannot be renewed online",
            ApiError::RefillAlreadyOpen => "A refill of this medication is already requested",
            ApiError::RefillClosed(_) => "This refill request is no longer open",
            ApiError::PreconditionFailed => "The resource changed since you read it",
            ApiError::PreconditionRequired => "If-Match is required",
            ApiError::IdempotencyKeyReused => "Idempotency-Key already used for another request",
            ApiError::PayloadTooLarge { .. } => "Request body too large",
            ApiError::UnsupportedMediaType { .. } => "Unsupported media type",
            ApiError::TooManyRequests { .. } => "Too many attempts",
            ApiError::Unavailable(_) => "Temporarily unavailable",
            ApiError::Internal(_) => "Something went wrong on our side",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::Malformed(why) => Some(why.clone()),
            ApiError::InvalidToken => Some(
                "Use the whole link from the email; if it still fails, sign in to change your preferences."
                    .into(),
            ),
            ApiError::Forbidden(why) => Some((*why).to_owned()),
            ApiError::FeatureOff(feature) => Some(format!(
                "The {feature} feature is not available here at the moment."
            )),
            ApiError::TrainingRequired(capability) => Some(format!(
                "Finish the {} training module before doing this work.",
                capability.module().as_str()
            )),
            ApiError::MfaRequired => Some(
                "Practice staff sign in with an authenticator app: set one up, then sign in again."
                    .into(),
            ),
            ApiError::AccountLocked => Some(
                "The practice has locked this portal account. Call the practice to have it unlocked."
                    .into(),
            ),
            ApiError::FreshSignInRequired => Some(
                "For your security this change needs a sign-in from the last few minutes.".into(),
            ),
            ApiError::Conflict(why)
            | ApiError::PollClosed(why)
            | ApiError::AlreadyAnswered(why)
            | ApiError::RefillClosed(why) => Some(why.clone()),
            ApiError::RefillNotEligible(reasons) => Some(format!(
                "The practice renews it at a visit or on the phone ({}).",
                reasons.join(", ")
            )),
            ApiError::RefillAlreadyOpen => Some(
                "Follow the open request; ask again once it is decided or withdrawn.".into(),
            ),
            ApiError::PreconditionFailed => {
                Some("Read the resource again and apply your change to the current version.".into())
            }
            ApiError::PreconditionRequired => Some(
                "Send If-Match with the ETag from your last read, so changes are not lost.".into(),
            ),
            ApiError::IdempotencyKeyReused => Some(
                "This Idempotency-Key was first used with a different request; use a new key."
                    .into(),
            ),
            ApiError::PayloadTooLarge { limit_bytes } => {
                Some(format!("The limit is {limit_bytes} bytes."))
            }
            ApiError::UnsupportedMediaType { expected } => Some(format!("Send {expected}.")),
            ApiError::InvalidCredentials => Some(
                "Check both and try again. After several failed attempts, sign-in pauses for a while."
                    .into(),
            ),
            ApiError::TooManyRequests {
                limit,
                window_seconds,
                retry_after_seconds,
            } => Some(format!(
                "The limit is {limit} attempts in {} minutes; try again in {} seconds.",
                window_seconds / 60,
                retry_after_seconds
            )),
            ApiError::Unavailable(_) => Some("Try again in a few seconds.".into()),
            ApiError::Internal(_) => {
                Some("The error was logged with this request id; try again later.".into())
            }
            ApiError::NoAcknowledgement => {
                Some("Mark it read instead: only some announcements ask to be acknowledged.".into())
            }
            ApiError::Invalid(_) | ApiError::Unauthenticated | ApiError::NotFound => None,
        }
    }

    /// The problem+json response. Logs the cause chain of server errors under the request id.
    pub fn to_response(&self, request_id: Option<&str>) -> Response<Body> {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(
                request_id = request_id.unwrap_or("-"),
                problem = self.slug(),
                cause = %cause_chain(self),
                "request failed"
            );
        }
        let empty: [FieldError; 0] = [];
        let mut problem = Problem {
            kind: format!("https://patient-portal.dev/problems/{}", self.slug()),
            title: self.title(),
            status: status.as_u16(),
            detail: self.detail(),
            errors: match self {
                ApiError::Invalid(errors) => errors,
                _ => &empty,
            },
            request_id,
            feature: match self {
                ApiError::FeatureOff(feature) => Some(feature.as_str()),
                _ => None,
            },
            module: match self {
                ApiError::TrainingRequired(capability) => Some(capability.module().as_str()),
                _ => None,
            },
            reasons: match self {
                ApiError::RefillNotEligible(reasons) => Some(reasons),
                _ => None,
            },
            limit: None,
            window_seconds: None,
            retry_after_seconds: None,
        };
        if let ApiError::TooManyRequests {
            limit,
            window_seconds,
            retry_after_seconds,
        } = self
        {
            problem.limit = Some(*limit);
            problem.window_seconds = Some(*window_seconds);
            problem.retry_after_seconds = Some(*retry_after_seconds);
        }
        let body = serde_json::to_string(&problem)
            .unwrap_or_else(|_| format!(r#"{{"title":"error","status":{}}}"#, status.as_u16()));
        let mut builder = Response::builder()
            .status(status)
            .header(http::header::CONTENT_TYPE, "application/problem+json")
            .header(http::header::CACHE_CONTROL, "no-store");
        match self {
            ApiError::Unavailable(_) => {
                builder = builder.header(http::header::RETRY_AFTER, "2");
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
                ..
            } => {
                builder =
                    builder.header(http::header::RETRY_AFTER, retry_after_seconds.to_string());
            }
            _ => {}
        }
        builder
            .body(Body::Text(body))
            .unwrap_or_else(|_| Response::new(Body::Empty))
    }
}

/// `outer: inner: innermost`, for the log.
pub fn cause_chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<serde_dynamo::Error> for ApiError {
    /// A stored item that does not fit its type. serde quotes the offending value ("invalid
    /// type: string \"Ana Lopez\", expected ..."), and stored values are PHI: the cause that
    /// reaches the log keeps only what names the schema.
    fn from(error: serde_dynamo::Error) -> Self {
        ApiError::internal(format!(
            "a stored item does not fit its type: {}",
            without_values(&error.to_string())
        ))
    }
}

/// serde's message without the values it quotes: messages about fields name only fields (kept
/// whole); any other keeps its kind ("invalid type", "invalid value", "unknown variant").
fn without_values(message: &str) -> String {
    let about_fields = ["missing field", "unknown field", "duplicate field"];
    if about_fields.iter().any(|kind| message.starts_with(kind)) {
        return message.to_owned();
    }
    let kind = message
        .split([':', '`', '"', '\''])
        .next()
        .unwrap_or_default()
        .trim();
    format!("{kind} (the value is not logged)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_never_reach_the_cause_of_a_decoding_error() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Named {
            name: u32,
        }
        let item = std::collections::HashMap::from([(
            "name".to_owned(),
            aws_sdk_dynamodb::types::AttributeValue::S("Ana Lopez".into()),
        )]);
        let error: ApiError = serde_dynamo::from_item::<_, Named>(item)
            .expect_err("a string is not a number")
            .into();
        let logged = crate::platform::error::cause_chain(&error);
        assert!(!logged.contains("Ana"), "{logged}");
        assert!(logged.contains("the value is not logged"), "{logged}");
        assert_eq!(
            without_values(r#"invalid type: string "Ana Lopez", expected u32"#),
            "invalid type (the value is not logged)"
        );
        assert_eq!(
            without_values("unknown variant `intersex`, expected one of `female`, `male`"),
            "unknown variant (the value is not logged)"
        );
        let missing: ApiError =
            serde_dynamo::from_item::<_, Named>(crate::platform::store::Item::new())
                .expect_err("no name")
                .into();
        assert!(crate::platform::error::cause_chain(&missing).contains("missing field `name`"));
    }

    fn body_json(response: &Response<Body>) -> serde_json::Value {
        match response.body() {
            Body::Text(text) => serde_json::from_str(text).expect("json"),
            other => panic!("unexpected body {other:?}"),
        }
    }

    #[test]
    fn invalid_fields_are_named() {
        let response =
            ApiError::invalid("contact.email", "not an email address").to_response(Some("r1"));
        assert_eq!(response.status(), 422);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let json = body_json(&response);
        assert_eq!(json["errors"][0]["field"], "contact.email");
        assert_eq!(json["requestId"], "r1");
        assert_eq!(json["status"], 422);
    }

    #[test]
    fn internals_never_reach_the_client() {
        let error = ApiError::internal(std::io::Error::other("table app-xyz is missing"));
        let response = error.to_response(None);
        assert_eq!(response.status(), 500);
        let text = body_json(&response).to_string();
        assert!(!text.contains("app-xyz"), "{text}");
    }

    #[test]
    fn too_many_requests_states_the_limit_and_when_to_retry() {
        let response = ApiError::TooManyRequests {
            limit: 10,
            window_seconds: 900,
            retry_after_seconds: 120,
        }
        .to_response(None);
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "120");
        let json = body_json(&response);
        assert_eq!(json["limit"], 10);
        assert_eq!(json["retryAfterSeconds"], 120);
        assert!(json["detail"].as_str().is_some_and(|d| d.contains("10")));
    }

    #[test]
    fn a_feature_that_is_off_is_named() {
        let response = ApiError::FeatureOff(Feature::OnlineBooking).to_response(Some("r2"));
        assert_eq!(response.status(), 403);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let json = body_json(&response);
        assert_eq!(
            json["type"],
            "https://patient-portal.dev/problems/feature-off"
        );
        assert_eq!(json["title"], "This feature is not available");
        assert_eq!(json["status"], 403);
        assert_eq!(json["feature"], "online-booking");
        assert!(
            json["detail"]
                .as_str()
                .is_some_and(|d| d.contains("online-booking")),
            "{json}"
        );
        // Other problems carry no `feature`.
        assert!(
            body_json(&ApiError::NotFound.to_response(None))
                .get("feature")
                .is_none()
        );
    }

    #[test]
    fn missing_training_names_the_module() {
        let response = ApiError::TrainingRequired(Capability::MessageInbox).to_response(Some("r3"));
        assert_eq!(response.status(), 403);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let json = body_json(&response);
        assert_eq!(
            json["type"],
            "https://patient-portal.dev/problems/training-required"
        );
        assert_eq!(json["title"], "Training required");
        assert_eq!(json["status"], 403);
        assert_eq!(json["module"], "message-inbox");
        assert_eq!(
            json["detail"],
            "Finish the message-inbox training module before doing this work."
        );
        assert!(json.get("feature").is_none());
        let rollout = body_json(&ApiError::TrainingRequired(Capability::Rollout).to_response(None));
        assert_eq!(rollout["module"], "portal-rollout");
        // Other problems carry no `module`.
        assert!(
            body_json(&ApiError::FeatureOff(Feature::Messaging).to_response(None))
                .get("module")
                .is_none()
        );
    }

    #[test]
    fn refill_problems_are_conflicts_with_their_own_types() {
        let response = ApiError::RefillNotEligible(vec![
            "controlled-substance".into(),
            "no-recent-visit".into(),
        ])
        .to_response(None);
        assert_eq!(response.status(), 409);
        let json = body_json(&response);
        assert_eq!(
            json["type"],
            "https://patient-portal.dev/problems/refill-not-eligible"
        );
        assert_eq!(
            json["reasons"],
            serde_json::json!(["controlled-substance", "no-recent-visit"])
        );
        let open = body_json(&ApiError::RefillAlreadyOpen.to_response(None));
        assert_eq!(
            open["type"],
            "https://patient-portal.dev/problems/refill-already-open"
        );
        assert!(open.get("reasons").is_none());
        let closed = ApiError::RefillClosed("it was denied".into()).to_response(None);
        assert_eq!(closed.status(), 409);
        assert_eq!(
            body_json(&closed)["type"],
            "https://patient-portal.dev/problems/refill-closed"
        );
    }

    #[test]
    fn cause_chain_lists_every_source() {
        let error = ApiError::internal(std::io::Error::other("disk gone"));
        assert_eq!(cause_chain(&error), "internal error: disk gone");
    }
}
