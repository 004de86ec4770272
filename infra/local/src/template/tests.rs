use super::*;
use serde_json::json;

const FIXTURE: &str = include_str!("../../testdata/template.yaml");

fn fixture() -> Result<Template> {
    Template::parse(FIXTURE)
}

#[test]
fn tables_come_with_keys_indexes_and_ttl() -> Result<()> {
    let t = fixture()?;
    let ids: Vec<&str> = t.tables.iter().map(|t| t.logical_id.as_str()).collect();
    assert_eq!(ids, ["AppTable", "AuditTable"]);

    let app = &t.tables[0];
    assert_eq!(
        app.key_schema,
        [
            KeyElement {
                attribute_name: "PK".into(),
                key_type: KeyType::Hash
            },
            KeyElement {
                attribute_name: "SK".into(),
                key_type: KeyType::Range
            },
        ]
    );
    assert_eq!(app.attribute_definitions.len(), 4);
    assert!(
        app.attribute_definitions
            .iter()
            .all(|a| a.attribute_type == ScalarType::S)
    );
    assert_eq!(app.global_secondary_indexes.len(), 1);
    let gsi = &app.global_secondary_indexes[0];
    assert_eq!(gsi.index_name, "GSI1");
    assert_eq!(gsi.key_schema[0].attribute_name, "GSI1PK");
    assert_eq!(gsi.projection.projection_type, Some(ProjectionType::All));
    assert_eq!(app.ttl_attribute(), Some("expiresAt"));

    let audit = &t.tables[1];
    let projection = &audit.global_secondary_indexes[0].projection;
    assert_eq!(projection.projection_type, Some(ProjectionType::Include));
    assert_eq!(projection.non_key_attributes, ["action"]);
    Ok(())
}

#[test]
fn the_user_pool_client_and_groups_are_read() -> Result<()> {
    let t = fixture()?;
    let pool = &t.user_pool;
    assert_eq!(pool.logical_id, "UserPool");
    assert_eq!(pool.username_attributes, ["email"]);
    assert!(pool.admin_create_user_only());
    assert_eq!(pool.mfa_configuration.as_deref(), Some("OPTIONAL"));
    assert_eq!(pool.enabled_mfas, ["SOFTWARE_TOKEN_MFA"]);
    let policy = pool.password_policy().cloned().unwrap_or_default();
    assert_eq!(policy.minimum_length, Some(12));
    assert!(policy.require_uppercase && policy.require_lowercase);
    assert!(policy.require_numbers && policy.require_symbols);
    let custom: Vec<&SchemaAttribute> = pool.custom_attributes().collect();
    assert_eq!(custom.len(), 1);
    assert_eq!(custom[0].name, "patient_id");
    assert_eq!(
        custom[0].string_attribute_constraints,
        Some(StringConstraints {
            min_length: Some("26".into()),
            max_length: Some("26".into())
        })
    );

    let client = &t.user_pool_client;
    assert!(!client.generate_secret);
    assert!(
        client
            .explicit_auth_flows
            .contains(&"ALLOW_USER_PASSWORD_AUTH".to_owned())
    );
    assert!(
        client
            .read_attributes
            .contains(&"custom:patient_id".to_owned())
    );
    assert_eq!(client.write_attributes, ["email"]);
    assert_eq!(client.id_token_validity, Some(60));

    let mut groups: Vec<&str> = t.groups.iter().map(|g| g.group_name.as_str()).collect();
    groups.sort_unstable();
    assert_eq!(
        groups,
        [
            "admins",
            "caregivers",
            "clinicians",
            "front-desk",
            "patients",
            "portal-leads",
            "response-team"
        ]
    );
    Ok(())
}

#[test]
fn functions_merge_globals_and_list_their_routes() -> Result<()> {
    let t = fixture()?;
    let f = t.function("ProfileFunction").context("ProfileFunction")?;
    assert_eq!(f.binary.as_deref(), Some("profile"));
    assert_eq!(f.timeout_seconds, 10);
    assert_eq!(
        f.environment.get("APP_TABLE"),
        Some(&json!({"Ref": "AppTable"}))
    );
    assert_eq!(
        f.environment.get("CURSOR_SIGNING_SECRET_ARN"),
        Some(&json!({"Ref": "CursorSigningSecret"}))
    );
    assert_eq!(
        f.environment.get("AUDIT_RETENTION_DAYS"),
        Some(&json!("2557"))
    );
    assert_eq!(f.environment.get("FEATURE_NAME"), Some(&json!("profile")));
    // The function's own value wins over the global one.
    assert_eq!(f.environment.get("RUST_LOG"), Some(&json!("debug")));

    let route = |name: &str| f.events.iter().find(|e| e.name == name).cloned();
    assert_eq!(
        route("GetProfile"),
        Some(ApiEvent {
            name: "GetProfile".into(),
            path: "/patients/{patientId}/profile".into(),
            method: "GET".into(),
            authorizer: Some("CognitoAuthorizer".into()),
        })
    );
    assert_eq!(
        route("RegisterPatient").map(|e| e.method),
        Some("POST".into())
    );
    assert!(route("Health").is_some_and(|e| e.is_public()));
    assert_eq!(f.events.len(), 6);
    Ok(())
}

#[test]
fn the_api_has_its_stage_authorizer_and_gateway_responses() -> Result<()> {
    let t = fixture()?;
    assert_eq!(t.api.logical_id, "PortalApi");
    assert_eq!(t.resolve_plain(&t.api.stage_name)?, "v1");
    assert_eq!(
        t.api.default_authorizer.as_deref(),
        Some("CognitoAuthorizer")
    );
    let missing = t.api.gateway_responses.get("MISSING_AUTHENTICATION_TOKEN");
    assert_eq!(missing.and_then(|r| r.status_code), Some(404));
    assert_eq!(
        missing.map(|r| r.headers.clone()),
        Some(vec![(
            "Content-Type".into(),
            "application/problem+json".into()
        )])
    );
    assert_eq!(t.secrets.len(), 2);
    assert!(t.secrets.iter().all(|s| s.generated_length() == 64));
    Ok(())
}

/// A minimal template around one function's events, for the error cases.
fn with_events(api_auth: &str, events: &str) -> String {
    format!(
        r#"
Resources:
  UserPool: {{ Type: AWS::Cognito::UserPool, Properties: {{}} }}
  UserPoolClient: {{ Type: AWS::Cognito::UserPoolClient, Properties: {{ UserPoolId: !Ref UserPool }} }}
  PortalApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
{api_auth}
  Fn:
    Type: AWS::Serverless::Function
    Metadata: {{ BuildProperties: {{ Binary: fn }} }}
    Properties:
      Events:
{events}
"#
    )
}

const COGNITO_AUTH: &str = "      Auth:
        DefaultAuthorizer: Cognito
        Authorizers:
          Cognito: { UserPoolArn: !GetAtt UserPool.Arn }";

#[test]
fn routes_must_name_the_api_and_a_known_authorizer() -> Result<()> {
    let ok = with_events(
        COGNITO_AUTH,
        "        A: { Type: Api, Properties: { RestApiId: !Ref PortalApi, Path: /a, Method: any } }
        S: { Type: Schedule, Properties: { Schedule: rate(1 hour) } }",
    );
    let t = Template::parse(&ok)?;
    let f = t.function("Fn").context("Fn")?;
    assert_eq!(f.events.len(), 1, "only Api events are routes");
    assert_eq!(f.events[0].method, "ANY");
    assert_eq!(f.timeout_seconds, 3, "SAM's default timeout");
    assert_eq!(f.schedules.len(), 1);
    assert_eq!(f.schedules[0].every, std::time::Duration::from_secs(3600));

    let disabled = with_events(
        COGNITO_AUTH,
        "        S: { Type: Schedule, Properties: { Schedule: rate(1 hour), Enabled: false } }",
    );
    assert!(
        Template::parse(&disabled)?.functions[0]
            .schedules
            .is_empty()
    );
    let cron = with_events(
        COGNITO_AUTH,
        "        S: { Type: Schedule, Properties: { Schedule: \"cron(0 * * * ? *)\" } }",
    );
    assert!(
        Template::parse(&cron).is_err(),
        "the local stack runs rates only"
    );

    let implicit_api = with_events(
        COGNITO_AUTH,
        "        A: { Type: Api, Properties: { Path: /a, Method: get } }",
    );
    assert!(Template::parse(&implicit_api).is_err());

    let unknown_authorizer = with_events(
        COGNITO_AUTH,
        "        A: { Type: Api, Properties: { RestApiId: !Ref PortalApi, Path: /a, Method: get, Auth: { Authorizer: Other } } }",
    );
    assert!(Template::parse(&unknown_authorizer).is_err());

    let lambda_authorizer = with_events(
        "      Auth:
        Authorizers:
          Custom: { FunctionArn: !GetAtt Fn.Arn }",
        "        A: { Type: Api, Properties: { RestApiId: !Ref PortalApi, Path: /a, Method: get } }",
    );
    assert!(Template::parse(&lambda_authorizer).is_err());
    Ok(())
}

#[test]
fn without_a_default_authorizer_routes_are_public() -> Result<()> {
    let t = Template::parse(&with_events(
        "",
        "        A: { Type: Api, Properties: { RestApiId: !Ref PortalApi, Path: /a, Method: get } }",
    ))?;
    assert!(t.functions[0].events[0].is_public());
    Ok(())
}

#[test]
fn one_user_pool_is_required() {
    let two_pools = with_events(COGNITO_AUTH, "        {}").replace(
        "  PortalApi:",
        "  OtherPool: { Type: AWS::Cognito::UserPool, Properties: {} }\n  PortalApi:",
    );
    let error = Template::parse(&two_pools).err().map(|e| format!("{e:#}"));
    assert!(error.is_some_and(|e| e.contains("supports one")));
}

#[test]
fn user_pool_triggers_name_functions_by_get_att_arn() -> Result<()> {
    let template = |lambda_config: &str| {
        with_events(COGNITO_AUTH, "        {}").replace(
            "  UserPool: { Type: AWS::Cognito::UserPool, Properties: {} }",
            &format!(
                "  UserPool: {{ Type: AWS::Cognito::UserPool, Properties: {{ LambdaConfig: {lambda_config} }} }}"
            ),
        )
    };
    let t = Template::parse(&template("{ CustomMessage: !GetAtt Fn.Arn }"))?;
    assert_eq!(
        t.user_pool
            .lambda_config
            .get("CustomMessage")
            .map(String::as_str),
        Some("Fn")
    );
    assert_eq!(
        t.user_pool.triggers_of("Fn").collect::<Vec<_>>(),
        ["CustomMessage"]
    );
    assert!(Template::parse(&template("{ CustomMessage: arn:aws:lambda:x }")).is_err());
    assert!(Template::parse(&template("{ CustomMessage: !GetAtt Fn.Name }")).is_err());
    assert!(
        Template::parse(&template("{ CustomMessage: !GetAtt Missing.Arn }")).is_err(),
        "the trigger must be a function of the template"
    );
    assert!(fixture()?.user_pool.lambda_config.is_empty());
    Ok(())
}

#[test]
fn rates_read_as_eventbridge_writes_them() -> Result<()> {
    use crate::template::parse_rate;
    use std::time::Duration;
    assert_eq!(parse_rate("rate(1 minute)")?, Duration::from_secs(60));
    assert_eq!(parse_rate("rate(5 minutes)")?, Duration::from_secs(300));
    assert_eq!(parse_rate("rate(2 hours)")?, Duration::from_secs(7200));
    assert_eq!(parse_rate("rate(1 day)")?, Duration::from_secs(86_400));
    for bad in [
        "rate(0 minutes)",
        "rate(1 minutes)",
        "rate(2 minute)",
        "rate(1 second)",
        "rate(-1 minute)",
        "rate(minute)",
        "every minute",
    ] {
        assert!(parse_rate(bad).is_err(), "{bad}");
    }
    Ok(())
}

/// The repository's own template is what `portal-local up` and the end-to-end tests use: it must
/// stay readable by this crate; every function with routes must have a handler, and every
/// scheduled function a job.
#[tokio::test]
async fn the_repository_template_loads_and_every_function_has_a_handler() -> Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml");
    if !path.is_file() {
        bail!("{} is missing", path.display());
    }
    let t = Template::load(&path)?;
    assert!(t.tables.iter().any(|t| t.logical_id == "AppTable"));
    assert!(t.tables.iter().any(|t| t.logical_id == "AuditTable"));
    assert!(
        !t.user_pool_client
            .write_attributes
            .contains(&"custom:patient_id".to_owned())
    );

    let settings = portal_shared::platform::config::Settings::from_lookup(|name| match name {
        "APP_TABLE" => Some("app".into()),
        "AUDIT_TABLE" => Some("audit".into()),
        "CURSOR_SIGNING_SECRET_ARN" => {
            Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:c".into())
        }
        "CODE_HASHING_SECRET_ARN" => {
            Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:h".into())
        }
        _ => None,
    })?;
    let sdk =
        portal_shared::platform::aws::local_sdk_config("http://127.0.0.1:9", "us-east-1").await;
    let env: std::collections::HashMap<String, String> = [
        ("USER_POOL_ID", "us-east-1_local"),
        ("USER_POOL_CLIENT_ID", "local-client"),
        ("PRACTICE_NAME", "Test practice"),
        ("PRACTICE_TIME_ZONE", "America/New_York"),
        ("RESPONSE_TARGET_BUSINESS_DAYS", "billing=3"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for function in &t.functions {
        let binary = function
            .binary
            .as_deref()
            .context("a function without a binary")?;
        let pool_triggers: Vec<&str> = t.user_pool.triggers_of(&function.logical_id).collect();
        assert!(
            !function.events.is_empty()
                || !function.schedules.is_empty()
                || !function.streams.is_empty()
                || !function.topics.is_empty()
                || !pool_triggers.is_empty(),
            "{} is neither routed, scheduled nor triggered",
            function.logical_id
        );
        let mut env = env.clone();
        env.extend(
            [
                ("SENDER_EMAIL", "portal@example.org"),
                ("SES_CONFIGURATION_SET", "portal"),
                ("QUIET_HOURS", "21:00-08:00"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        if !function.streams.is_empty() {
            assert!(
                crate::registry::stream_consumer_for(binary, &settings, &sdk, &env).is_some(),
                "{} (binary {binary}) has no stream consumer in registry.rs",
                function.logical_id
            );
        }
        if !function.topics.is_empty() {
            assert!(
                crate::registry::topic_consumer_for(binary, &settings, &sdk, &env).is_some(),
                "{} (binary {binary}) has no topic consumer in registry.rs",
                function.logical_id
            );
        }
        for trigger in pool_triggers {
            assert!(
                crate::registry::cognito_trigger_for(binary, trigger, &env).is_some(),
                "{} (binary {binary}) has no {trigger} user pool trigger in registry.rs",
                function.logical_id
            );
        }
        if !function.events.is_empty() {
            assert!(
                crate::registry::handler_for(binary, &settings, &sdk, &env).is_some(),
                "{} (binary {binary}) has no handler in registry.rs",
                function.logical_id
            );
        }
        if !function.schedules.is_empty() {
            assert!(
                crate::registry::job_for(binary, &settings, &sdk, &env).is_some(),
                "{} (binary {binary}) has no scheduled job in registry.rs",
                function.logical_id
            );
        }
    }
    assert!(
        t.functions.iter().any(|f| !f.schedules.is_empty()),
        "the waitlist sweeper is scheduled"
    );
    assert_eq!(
        t.user_pool
            .lambda_config
            .get("CustomMessage")
            .and_then(|id| t.function(id))
            .and_then(|f| f.binary.as_deref()),
        Some("notification-cognito-messages"),
        "Cognito's own emails are worded by the notifications crate"
    );
    Ok(())
}

/// The local stack sets the demo practice's parameters as a deployment's overrides would; a
/// parameter the template does not declare is an error, not a silent no-op.
#[test]
fn parameters_can_be_overridden_like_a_deployment() -> Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml");
    let mut t = Template::load(&path)?;
    for (name, value) in crate::local_stack::DEMO_PRACTICE {
        t.override_parameter(name, value)?;
        assert_eq!(t.parameter_default(name)?, value);
    }
    assert!(t.override_parameter("NoSuchParameter", "x").is_err());
    Ok(())
}
