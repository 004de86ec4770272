//! The `AWS::Serverless::Api` and the `AWS::Serverless::Function`s with their `Api` and
//! `Schedule` events.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value as Json;

#[derive(Debug, Clone)]
pub struct Api {
    pub logical_id: String,
    /// Usually `!Ref StageName`; resolve with [`super::Template::resolve_plain`].
    pub stage_name: Json,
    /// The authorizer every route uses unless it says otherwise.
    pub default_authorizer: Option<String>,
    /// Names of the API's Cognito user-pool authorizers.
    pub cognito_authorizers: Vec<String>,
    /// `GatewayResponses` by response type (`UNAUTHORIZED`, `DEFAULT_4XX`...): how API Gateway
    /// answers the requests it refuses itself.
    pub gateway_responses: BTreeMap<String, GatewayResponse>,
    /// SAM's `Cors`: the preflight (OPTIONS) answers SAM adds to every path.
    pub cors: Option<Cors>,
}

/// The API's `Cors` property, values as written (`'...'` quoted, the origin maybe a `!Sub`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cors {
    /// Unresolved: usually `!Sub "'${AllowedWebOrigin}'"`.
    pub allow_origin: Json,
    pub allow_methods: Option<String>,
    pub allow_headers: Option<String>,
    pub max_age: Option<String>,
}

/// One of the API's customised gateway responses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayResponse {
    pub status_code: Option<u16>,
    /// Static header values (the template's `'quoted'` form, unquoted).
    pub headers: Vec<(String, String)>,
    /// Header values built from parameters (`!Sub "'${AllowedWebOrigin}'"`), unresolved:
    /// the gateway resolves them against the stack (see `cors::resolve_responses`).
    pub parameter_headers: Vec<(String, Json)>,
    /// The `application/json` response template.
    pub template: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub logical_id: String,
    /// `Metadata.BuildProperties.Binary`: the cargo binary, which names the Rust handler.
    pub binary: Option<String>,
    /// Globals.Function.Environment.Variables merged with the function's own (which win), as
    /// unresolved CloudFormation values.
    pub environment: BTreeMap<String, Json>,
    /// The function's timeout in seconds (its own, else the global one, else SAM's 3).
    pub timeout_seconds: u64,
    pub events: Vec<ApiEvent>,
    /// Its enabled `Schedule` events (EventBridge rules), which the local stack runs itself.
    pub schedules: Vec<ScheduleEvent>,
    /// Its `DynamoDB` events (stream event source mappings), which the local stack polls.
    pub streams: Vec<StreamEvent>,
    /// The topics (logical ids) of its `SNS` events, whose messages the local stack hands it
    /// when something publishes through `topics::publish`.
    pub topics: Vec<String>,
}

/// A `DynamoDB` event: an event source mapping from a table's stream to the function.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamEvent {
    pub name: String,
    /// The table whose stream it reads (`!GetAtt <Table>.StreamArn`).
    pub table: String,
    pub batch_size: usize,
    /// Retries of a failing batch before it goes to the on-failure destination (-1: forever,
    /// which the local stack caps).
    pub maximum_retry_attempts: i64,
    /// `FunctionResponseTypes: [ReportBatchItemFailures]`.
    pub reports_item_failures: bool,
    /// `FilterCriteria.Filters[].Pattern`, parsed; a record passes if any pattern matches.
    pub filters: Vec<Json>,
    /// The SQS queue (`!GetAtt <Queue>.Arn`) of `DestinationConfig.OnFailure`.
    pub on_failure_queue: Option<String>,
}

/// A `Schedule` event: the function runs every `every`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleEvent {
    pub name: String,
    /// The expression as written (`rate(1 minute)`).
    pub expression: String,
    pub every: Duration,
}

/// Reads an EventBridge `rate(<n> <unit>)` expression. Cron expressions have no meaning the
/// local stack could honour simply, so they are refused (the template would need a rate).
pub fn parse_rate(expression: &str) -> Result<Duration> {
    let inner = expression
        .trim()
        .strip_prefix("rate(")
        .and_then(|rest| rest.strip_suffix(')'))
        .with_context(|| format!("{expression:?} is not a rate(<n> <unit>) expression"))?;
    let (count, unit) = inner
        .trim()
        .split_once(' ')
        .with_context(|| format!("{expression:?} needs a number and a unit"))?;
    let count: u64 = count
        .parse()
        .ok()
        .filter(|count| *count > 0)
        .with_context(|| format!("{expression:?}: the rate must be a positive whole number"))?;
    let seconds = match (count, unit.trim()) {
        (1, "minute") => 60,
        (1, "hour") => 3600,
        (1, "day") => 86_400,
        (_, "minutes") if count > 1 => 60,
        (_, "hours") if count > 1 => 3600,
        (_, "days") if count > 1 => 86_400,
        _ => bail!("{expression:?}: the unit must be minute(s), hour(s) or day(s), singular for 1"),
    };
    Ok(Duration::from_secs(count * seconds))
}

/// A route: an `Api` event of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiEvent {
    /// The event's name in the template (`GetProfile`).
    pub name: String,
    /// The resource path as written (`/patients/{patientId}/profile`).
    pub path: String,
    /// Upper case; `ANY` matches every method.
    pub method: String,
    /// The authorizer that guards the route, `None` for `Auth: { Authorizer: NONE }` (or an API
    /// without a default authorizer).
    pub authorizer: Option<String>,
}

impl ApiEvent {
    /// Whether the route is open to callers without a token.
    pub fn is_public(&self) -> bool {
        self.authorizer.is_none()
    }
}

/// SAM's default function timeout.
const DEFAULT_TIMEOUT_SECONDS: u64 = 3;

pub(super) fn parse_api(logical_id: &str, properties: &Json) -> Result<Api> {
    let auth = properties.get("Auth");
    let default_authorizer = match auth.and_then(|a| a.get("DefaultAuthorizer")) {
        None => None,
        Some(Json::String(name)) if name == "NONE" => None,
        Some(Json::String(name)) => Some(name.clone()),
        Some(other) => bail!("DefaultAuthorizer must be a name, found {other}"),
    };
    let mut cognito_authorizers = Vec::new();
    if let Some(Json::Object(authorizers)) = auth.and_then(|a| a.get("Authorizers")) {
        for (name, authorizer) in authorizers {
            // Lambda authorizers would need their function run; the portal uses Cognito only.
            if authorizer.get("UserPoolArn").is_none() {
                bail!("authorizer {name} is not a Cognito user-pool authorizer");
            }
            cognito_authorizers.push(name.clone());
        }
    }
    if let Some(name) = &default_authorizer
        && !cognito_authorizers.contains(name)
    {
        bail!("DefaultAuthorizer {name} is not declared under Auth.Authorizers");
    }
    let mut gateway_responses = BTreeMap::new();
    if let Some(Json::Object(declared)) = properties.get("GatewayResponses") {
        for (kind, response) in declared {
            gateway_responses.insert(
                kind.clone(),
                parse_gateway_response(response)
                    .with_context(|| format!("GatewayResponses.{kind}"))?,
            );
        }
    }
    let cors = match properties.get("Cors") {
        None => None,
        Some(Json::Object(cors)) => Some(Cors {
            allow_origin: cors
                .get("AllowOrigin")
                .cloned()
                .context("Cors needs AllowOrigin")?,
            allow_methods: cors
                .get("AllowMethods")
                .and_then(Json::as_str)
                .map(str::to_owned),
            allow_headers: cors
                .get("AllowHeaders")
                .and_then(Json::as_str)
                .map(str::to_owned),
            max_age: cors.get("MaxAge").and_then(Json::as_str).map(str::to_owned),
        }),
        // `Cors: "'https://example.org'"` is SAM's short form: the origin alone.
        Some(origin) => Some(Cors {
            allow_origin: origin.clone(),
            allow_methods: None,
            allow_headers: None,
            max_age: None,
        }),
    };
    Ok(Api {
        cors,
        logical_id: logical_id.to_owned(),
        stage_name: properties
            .get("StageName")
            .cloned()
            .context("the API has no StageName")?,
        default_authorizer,
        cognito_authorizers,
        gateway_responses,
    })
}

fn parse_gateway_response(response: &Json) -> Result<GatewayResponse> {
    let status_code = match response.get("StatusCode") {
        None => None,
        Some(Json::String(s)) => Some(s.parse().with_context(|| format!("StatusCode {s:?}"))?),
        Some(Json::Number(n)) => Some(
            n.as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .with_context(|| format!("StatusCode {n}"))?,
        ),
        Some(other) => bail!("StatusCode must be a number, found {other}"),
    };
    let mut headers = Vec::new();
    let mut parameter_headers = Vec::new();
    if let Some(Json::Object(declared)) = response.pointer("/ResponseParameters/Headers") {
        for (name, value) in declared {
            // Only static values ('...') and values built from parameters (a `!Sub` or `!Ref`
            // resolving to '...') have a meaning without a real API Gateway request.
            if value.get("Fn::Sub").is_some() || value.get("Ref").is_some() {
                parameter_headers.push((name.clone(), value.clone()));
                continue;
            }
            let value = value
                .as_str()
                .and_then(|v| v.strip_prefix('\'')?.strip_suffix('\''))
                .with_context(|| format!("header {name} must be a static 'value'"))?;
            headers.push((name.clone(), value.to_owned()));
        }
    }
    let template = response
        .pointer("/ResponseTemplates/application~1json")
        .and_then(Json::as_str)
        .map(str::to_owned);
    Ok(GatewayResponse {
        status_code,
        headers,
        parameter_headers,
        template,
    })
}

pub(super) fn parse_function(
    id: &str,
    properties: &Json,
    metadata: &Json,
    globals: &Json,
    api: &Api,
) -> Result<Function> {
    let binary = metadata
        .pointer("/BuildProperties/Binary")
        .and_then(Json::as_str)
        .map(str::to_owned);

    let mut environment = BTreeMap::new();
    for source in [globals, properties] {
        if let Some(Json::Object(vars)) = source.pointer("/Environment/Variables") {
            environment.extend(vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }

    let timeout_seconds = properties
        .get("Timeout")
        .or_else(|| globals.get("Timeout"))
        .and_then(Json::as_u64)
        .unwrap_or(DEFAULT_TIMEOUT_SECONDS);

    let mut events = Vec::new();
    let mut schedules = Vec::new();
    let mut streams = Vec::new();
    let mut topics = Vec::new();
    if let Some(Json::Object(declared)) = properties.get("Events") {
        for (name, event) in declared {
            let kind = event.get("Type").and_then(Json::as_str);
            if kind == Some("SNS") {
                let topic = event
                    .pointer("/Properties/Topic/Ref")
                    .and_then(Json::as_str)
                    .with_context(|| format!("event {name}: Topic must be !Ref <topic>"))?;
                topics.push(topic.to_owned());
                continue;
            }
            if kind == Some("DynamoDB") {
                let event_properties = event.get("Properties").unwrap_or(&Json::Null);
                streams.push(
                    parse_stream_event(name, event_properties)
                        .with_context(|| format!("event {name}"))?,
                );
                continue;
            }
            if kind == Some("Schedule") {
                let event_properties = event.get("Properties").unwrap_or(&Json::Null);
                if event_properties.get("Enabled") == Some(&Json::Bool(false)) {
                    continue;
                }
                let expression = event_properties
                    .get("Schedule")
                    .and_then(Json::as_str)
                    .with_context(|| format!("event {name}: Schedule must be a plain string"))?;
                schedules.push(ScheduleEvent {
                    name: name.clone(),
                    expression: expression.to_owned(),
                    every: parse_rate(expression).with_context(|| format!("event {name}"))?,
                });
                continue;
            }
            if kind != Some("Api") {
                continue;
            }
            let event_properties = event.get("Properties").unwrap_or(&Json::Null);
            events.push(
                parse_api_event(name, event_properties, api)
                    .with_context(|| format!("event {name}"))?,
            );
        }
    }
    Ok(Function {
        logical_id: id.to_owned(),
        binary,
        environment,
        timeout_seconds,
        events,
        schedules,
        streams,
        topics,
    })
}

fn parse_stream_event(name: &str, properties: &Json) -> Result<StreamEvent> {
    let get_att = |value: Option<&Json>, attribute: &str| -> Result<String> {
        let parts = value
            .and_then(|v| v.get("Fn::GetAtt"))
            .and_then(Json::as_array)
            .with_context(|| format!("must be !GetAtt <resource>.{attribute}"))?;
        match parts.as_slice() {
            [Json::String(resource), Json::String(found)] if found == attribute => {
                Ok(resource.clone())
            }
            _ => bail!("must be !GetAtt <resource>.{attribute}"),
        }
    };
    let table = get_att(properties.get("Stream"), "StreamArn").context("Stream")?;
    let filters = match properties.pointer("/FilterCriteria/Filters") {
        None => Vec::new(),
        Some(Json::Array(filters)) => filters
            .iter()
            .map(|filter| {
                let pattern = filter
                    .get("Pattern")
                    .and_then(Json::as_str)
                    .context("FilterCriteria: each filter needs a Pattern string")?;
                serde_json::from_str(pattern).context("FilterCriteria: a Pattern is not JSON")
            })
            .collect::<Result<Vec<Json>>>()?,
        Some(other) => bail!("FilterCriteria.Filters must be a list, found {other}"),
    };
    let on_failure_queue = match properties.pointer("/DestinationConfig/OnFailure") {
        None => None,
        Some(on_failure) => Some(
            get_att(on_failure.get("Destination"), "Arn")
                .context("DestinationConfig.OnFailure.Destination")?,
        ),
    };
    Ok(StreamEvent {
        name: name.to_owned(),
        table,
        batch_size: properties
            .get("BatchSize")
            .and_then(Json::as_u64)
            .map_or(100, |size| size as usize),
        maximum_retry_attempts: properties
            .get("MaximumRetryAttempts")
            .and_then(Json::as_i64)
            .unwrap_or(-1),
        reports_item_failures: properties
            .get("FunctionResponseTypes")
            .and_then(Json::as_array)
            .is_some_and(|types| types.iter().any(|t| t == "ReportBatchItemFailures")),
        filters,
        on_failure_queue,
    })
}

fn parse_api_event(name: &str, properties: &Json, api: &Api) -> Result<ApiEvent> {
    let text = |key: &str| {
        properties
            .get(key)
            .and_then(Json::as_str)
            .with_context(|| format!("{key} must be a plain string"))
    };
    let path = text("Path")?;
    if !path.starts_with('/') {
        bail!("Path {path:?} must start with '/'");
    }
    let method = text("Method")?.to_ascii_uppercase();

    // Without RestApiId SAM creates an implicit API with no authorizer, which is not the one
    // the local gateway emulates.
    match properties.get("RestApiId") {
        Some(Json::Object(r)) if r.get("Ref").and_then(Json::as_str) == Some(&api.logical_id) => {}
        other => bail!(
            "RestApiId must be !Ref {}, found {}",
            api.logical_id,
            other.map_or_else(|| "nothing".to_owned(), Json::to_string)
        ),
    }

    let authorizer = match properties.pointer("/Auth/Authorizer") {
        None => api.default_authorizer.clone(),
        Some(Json::String(value)) if value == "NONE" => None,
        Some(Json::String(value)) if api.cognito_authorizers.contains(value) => Some(value.clone()),
        Some(other) => bail!("Auth.Authorizer {other} is not one of the API's authorizers"),
    };
    Ok(ApiEvent {
        name: name.to_owned(),
        path: path.to_owned(),
        method,
        authorizer,
    })
}
