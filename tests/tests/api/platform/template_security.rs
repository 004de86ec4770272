//! What the emulator does not enforce, checked on the template that AWS will: the identity
//! settings that the portal's authorisation rests on.

use std::collections::BTreeSet;

use portal_local::Template;
use portal_shared::policy::caller::Role;
use portal_tests::workspace_root;

fn template() -> Template {
    Template::load(&workspace_root().join("template.yaml")).expect("template.yaml parses")
}

/// The authorizer trusts `custom:patient_id` to say whose compartment a patient owns: only the
/// backend may write it. Cognito lets an app client write every mutable attribute when
/// `WriteAttributes` is left out, so the list must be there and must not name it. (moto does
/// not enforce write attributes, so no end-to-end test can catch a regression here.)
#[test]
fn patients_cannot_write_their_own_patient_id() {
    let template = template();
    let client = &template.user_pool_client;
    assert!(
        !client.write_attributes.is_empty(),
        "UserPoolClient.WriteAttributes must be an explicit list"
    );
    assert!(
        !client
            .write_attributes
            .iter()
            .any(|a| a.starts_with("custom:")),
        "the app client must not write custom attributes: {:?}",
        client.write_attributes
    );
    assert!(
        client
            .read_attributes
            .iter()
            .any(|a| a == "custom:patient_id"),
        "the ID token must carry custom:patient_id"
    );
    assert!(
        template
            .user_pool
            .custom_attributes()
            .any(|a| a.name == "patient_id"),
        "the pool must define custom:patient_id"
    );
}

#[test]
fn accounts_are_made_by_the_practice_not_by_self_sign_up() {
    assert!(template().user_pool.admin_create_user_only());
}

#[test]
fn every_role_is_a_group_of_the_pool() {
    let groups: BTreeSet<String> = template()
        .groups
        .iter()
        .map(|g| g.group_name.clone())
        .collect();
    let roles: BTreeSet<String> = Role::ALL.iter().map(|r| r.group().to_owned()).collect();
    assert_eq!(groups, roles);
}

/// Only `/auth/*`, `GET /health` and the unsubscribe link are reachable without a token (the local gateway honours the same setting, but
/// a route made public by mistake would still pass every end-to-end test of an allowed caller).
#[test]
fn only_the_known_routes_are_public() {
    let public: BTreeSet<String> = template()
        .functions
        .iter()
        .flat_map(|f| f.events.iter())
        .filter(|e| e.authorizer.is_none())
        .map(|e| format!("{} {}", e.method, e.path))
        .collect();
    let expected: BTreeSet<String> = [
        "POST /auth/activate",
        "POST /auth/sign-in",
        "POST /auth/refresh",
        "POST /auth/sign-out",
        "POST /auth/mfa",
        "POST /auth/password/forgot",
        "POST /auth/password/reset",
        "POST /auth/invitations/accept",
        "POST /auth/new-password",
        // The password and a backup code are the proof (see auth::mfa::backup_sign_in).
        "POST /auth/sign-in/backup-code",
        // "Not you? Lock your account" in a sign-in notice: the signed token is the proof, and
        // all it can do is lock that account (see auth::revocation).
        "POST /auth/lock-account",
        // Uptime checks: reads no patient data (see platform::health).
        "GET /health",
        // The link in an email: its signed token is the proof (see notifications::unsubscribe).
        "POST /notifications/unsubscribe",
        // Another practice's poll link: the token in the body is the proof (see feedback::polls).
        "POST /public/polls/lookup",
        "POST /public/polls/ballots",
        // The portal's status page: incidents on features, nothing about any patient (see
        // support::incidents).
        "GET /public/status",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(public, expected);
}

/// The lines of a resource's block in the raw template (CloudFormation's short tags keep the
/// template from being read as plain YAML).
fn resource_lines(resource: &str) -> Vec<String> {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).expect("template");
    let header = format!("  {resource}:");
    text.lines()
        .skip_while(|line| *line != header)
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with("   "))
        .map(str::to_owned)
        .collect()
}

/// The actions of one service (`cognito-idp:`, `dynamodb:`) a function's IAM policies allow:
/// the `- <service>:...` lines of its resource block (the emulator enforces no IAM).
fn allowed_actions(function: &str, service: &str) -> BTreeSet<String> {
    resource_lines(function)
        .iter()
        .filter_map(|line| line.trim().strip_prefix("- "))
        .filter(|item| item.starts_with(service))
        .map(str::to_owned)
        .collect()
}

fn cognito_actions(function: &str) -> BTreeSet<String> {
    allowed_actions(function, "cognito-idp:")
}

/// Every `.rs` file under a folder, its subfolders (a crate's `store/`, `handlers/`) included.
fn rust_source(folder: &std::path::Path) -> String {
    std::fs::read_dir(folder)
        .expect("source folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .map(|path| {
            if path.is_dir() {
                rust_source(&path)
            } else if path.extension().is_some_and(|e| e == "rs") {
                std::fs::read_to_string(&path).expect("source")
            } else {
                String::new()
            }
        })
        .collect()
}

/// The batch operations a function crate calls itself must be in the policy of the function
/// built from it (the emulator enforces no IAM: a missing action fails only when deployed).
/// The shared crate's operations (GetItem, Query, Put/Update/DeleteItem, transactions) are
/// granted to every function that writes, and checked by use.
#[test]
fn every_batch_operation_a_function_calls_is_in_its_policy() {
    let template =
        std::fs::read_to_string(workspace_root().join("template.yaml")).expect("template");
    let mut checked = 0;
    let mut resource = String::new();
    for line in template.lines() {
        if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'))
            && !name.starts_with(' ')
        {
            resource = name.to_owned();
        }
        let Some(binary) = line.trim().strip_prefix("Binary: ") else {
            continue;
        };
        let source = workspace_root().join("functions").join(binary).join("src");
        if !source.is_dir() {
            continue; // a second binary of a crate (the waitlist sweeper) calls what its code calls
        }
        let code = rust_source(&source);
        let allowed = allowed_actions(&resource, "dynamodb:");
        for (call, action) in [
            (".batch_get_item()", "dynamodb:BatchGetItem"),
            (".batch_write_item()", "dynamodb:BatchWriteItem"),
        ] {
            if code.contains(call) {
                assert!(
                    allowed.contains(action),
                    "{resource} calls {call} without {action}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 2,
        "the records import and the day view batch: {checked}"
    );
}

/// Taking roles away, disabling accounts and signing people out belong to the staff function
/// alone (administrators only); the auth function serves public routes and must not hold them.
#[test]
fn only_the_staff_function_manages_staff_accounts() {
    let staff_only = [
        "cognito-idp:AdminRemoveUserFromGroup",
        "cognito-idp:AdminDisableUser",
        "cognito-idp:AdminEnableUser",
        "cognito-idp:AdminUserGlobalSignOut",
        "cognito-idp:AdminDeleteUser",
        "cognito-idp:ListUsersInGroup",
    ];
    let staff = cognito_actions("StaffFunction");
    assert!(
        !cognito_actions("AuthFunction").is_empty(),
        "the auth block is read"
    );
    for action in staff_only {
        assert!(staff.contains(action), "StaffFunction needs {action}");
    }
    // The auth function may sign out and disable an account, never enable one or take a role
    // away: a self-lock from a sign-in notice's link disables the holder's own account, which
    // at worst locks someone out and never lets anyone in.
    const SELF_LOCK: [&str; 2] = [
        "cognito-idp:AdminDisableUser",
        "cognito-idp:AdminUserGlobalSignOut",
    ];
    for function in ["AuthFunction", "ProfileFunction", "AuditFunction"] {
        let actions = cognito_actions(function);
        for action in staff_only {
            if function == "AuthFunction" && SELF_LOCK.contains(&action) {
                continue;
            }
            assert!(
                !actions.contains(action),
                "{function} must not hold {action}"
            );
        }
    }
    assert!(
        !staff.iter().any(|action| action.contains('*')),
        "no wildcard: {staff:?}"
    );
}

/// AWS's common rule set blocks bodies over 8 KB. FHIR bundle imports need more: only that one
/// rule is set to count, and a rule of ours blocks what it flags on every path but the import.
#[test]
fn only_the_import_route_takes_bodies_over_8_kb_past_waf() {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).expect("template");
    let template = portal_local::cfn::parse(&text).expect("parses");
    let rules = template["Resources"]["PortalWebAcl"]["Properties"]["Rules"]
        .as_array()
        .expect("rules");
    let common = rules
        .iter()
        .find(|r| r["Name"] == "AWSManagedRulesCommonRuleSet")
        .expect("the common rule set");
    let overrides = common["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"]
        .as_array()
        .expect("overrides");
    assert_eq!(overrides.len(), 1, "only the body-size rule may be relaxed");
    assert_eq!(overrides[0]["Name"], "SizeRestrictions_BODY");
    assert!(overrides[0]["ActionToUse"]["Count"].is_object());
    let guard = rules
        .iter()
        .find(|r| r["Name"] == "BodySizeExceptImports")
        .expect("the rule that blocks large bodies elsewhere");
    assert!(guard["Action"]["Block"].is_object());
    assert!(
        guard["Priority"].as_u64() > common["Priority"].as_u64(),
        "it must run after the rule set labels the request"
    );
    let statements = guard["Statement"]["AndStatement"]["Statements"]
        .as_array()
        .expect("and");
    assert_eq!(
        statements[0]["LabelMatchStatement"]["Key"],
        "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
    );
    assert_eq!(
        statements[1]["NotStatement"]["Statement"]["RegexMatchStatement"]["RegexString"],
        "^(/[^/]+)?(/patients/[^/]+/imports|/rollout/cohorts/[^/]+/uploads|/rollout/agreements/[^/]+)$",
        "only record imports, a cohort's CSV list and published terms may be larger than 8 KB"
    );
}

/// The template as JSON with intrinsics in their long form (`{"Ref": ...}`, `{"Fn::If": ...}`).
fn template_json() -> serde_json::Value {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).expect("template");
    portal_local::cfn::parse(&text).expect("parses")
}

/// `(logical id, resource)` of every resource of one type.
fn resources_of<'a>(
    template: &'a serde_json::Value,
    kind: &str,
) -> Vec<(&'a String, &'a serde_json::Value)> {
    template["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(_, resource)| resource["Type"] == kind)
        .collect()
}

/// The concurrency a function reserves when the stack reserves any: `!If [ReservesConcurrency,
/// <value>, !Ref AWS::NoValue]`, the value a number or a parameter (its default).
fn reserved_concurrency(template: &serde_json::Value, value: &serde_json::Value) -> u64 {
    let branches = value["Fn::If"].as_array().expect(
        "ReservedConcurrentExecutions: !If [ReservesConcurrency, <value>, !Ref AWS::NoValue]",
    );
    assert_eq!(branches[0], "ReservesConcurrency");
    assert_eq!(branches[2]["Ref"], "AWS::NoValue");
    let reserved = &branches[1];
    match reserved["Ref"].as_str() {
        Some(parameter) => {
            let default = &template["Parameters"][parameter]["Default"];
            default
                .as_u64()
                .or_else(|| default.as_str().and_then(|d| d.parse().ok()))
                .unwrap_or_else(|| panic!("parameter {parameter} has a numeric default"))
        }
        None => reserved.as_u64().expect("a number or !Ref <Parameter>"),
    }
}

/// Reserved concurrency caps how many DynamoDB callers (and how much cost) one function can
/// reach. Every function has it (its own or the globals'), none reserves 0 (which would stop it),
/// and together they leave Lambda's required 100 of a 1,000 quota unreserved.
#[test]
fn every_function_reserves_concurrency_within_the_account_quota() {
    let template = template_json();
    let global = &template["Globals"]["Function"]["ReservedConcurrentExecutions"];
    let functions = resources_of(&template, "AWS::Serverless::Function");
    assert!(functions.len() >= 9, "the functions are read");
    let mut total = 0;
    for (id, function) in functions {
        let own = &function["Properties"]["ReservedConcurrentExecutions"];
        let value = if own.is_null() { global } else { own };
        assert!(!value.is_null(), "{id} reserves no concurrency");
        let reserved = reserved_concurrency(&template, value);
        assert!(
            reserved >= 1,
            "{id} reserves 0: every invocation would be throttled"
        );
        total += reserved;
    }
    assert!(
        total <= 900,
        "the functions reserve {total} of 1,000; Lambda keeps 100 unreserved"
    );
    let zero_reserves_nothing = &template["Conditions"]["ReservesConcurrency"]["Fn::Not"][0];
    assert_eq!(
        zero_reserves_nothing["Fn::Equals"][0]["Ref"],
        "FunctionReservedConcurrency"
    );
    assert_eq!(zero_reserves_nothing["Fn::Equals"][1], "0");
}

/// A function run by a schedule is invoked asynchronously: nobody sees its failure unless the
/// event lands somewhere. It must dead-letter to an SQS queue that is encrypted and alarmed.
#[test]
fn scheduled_functions_dead_letter_to_an_encrypted_alarmed_queue() {
    let template = template_json();
    let scheduled: Vec<_> = resources_of(&template, "AWS::Serverless::Function")
        .into_iter()
        .filter(|(_, function)| {
            function["Properties"]["Events"]
                .as_object()
                .is_some_and(|events| events.values().any(|e| e["Type"] == "Schedule"))
        })
        .collect();
    assert!(
        scheduled
            .iter()
            .any(|(id, _)| *id == "WaitlistSweeperFunction"),
        "the waitlist sweeper runs on a schedule"
    );
    let alarms = resources_of(&template, "AWS::CloudWatch::Alarm");
    for (id, function) in scheduled {
        let dlq = &function["Properties"]["DeadLetterQueue"];
        assert_eq!(dlq["Type"], "SQS", "{id} dead-letters to SQS");
        let queue_id = dlq["TargetArn"]["Fn::GetAtt"][0]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: TargetArn is !GetAtt <Queue>.Arn"));
        assert_eq!(dlq["TargetArn"]["Fn::GetAtt"][1], "Arn");
        let queue = &template["Resources"][queue_id];
        assert_eq!(queue["Type"], "AWS::SQS::Queue");
        assert_eq!(
            queue["Properties"]["KmsMasterKeyId"]["Ref"], "DataKey",
            "{queue_id} is encrypted with the data key"
        );
        let alarmed = alarms.iter().any(|(_, alarm)| {
            let p = &alarm["Properties"];
            p["Namespace"] == "AWS/SQS"
                && p["MetricName"] == "ApproximateNumberOfMessagesVisible"
                && p["Dimensions"].as_array().is_some_and(|d| {
                    d.iter()
                        .any(|d| d["Value"]["Fn::GetAtt"][0].as_str() == Some(queue_id))
                })
                && p["AlarmActions"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|a| a["Ref"] == "AlarmTopic"))
        });
        assert!(
            alarmed,
            "an alarm on {queue_id}'s depth notifies AlarmTopic"
        );
    }
}

/// Answers carry PHI and depend on the caller: API Gateway's stage cache must stay off.
#[test]
fn the_api_caches_nothing() {
    let template = template_json();
    for (id, api) in resources_of(&template, "AWS::Serverless::Api") {
        let properties = &api["Properties"];
        assert_ne!(properties["CacheClusterEnabled"], true, "{id} has a cache");
        for setting in properties["MethodSettings"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert_ne!(setting["CachingEnabled"], true, "{id} caches {setting}");
        }
    }
}

/// `make lint` runs checkov; a finding is fixed, or skipped on its resource with the reason.
#[test]
fn every_checkov_skip_gives_its_reason() {
    let template = template_json();
    let mut skips = 0;
    for (id, resource) in template["Resources"].as_object().expect("resources") {
        for skip in resource["Metadata"]["checkov"]["skip"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let check = skip["id"].as_str().unwrap_or_default();
            assert!(check.starts_with("CKV_"), "{id}: skip without a check id");
            let reason = skip["comment"].as_str().unwrap_or_default();
            assert!(
                reason.trim().len() >= 20,
                "{id}: skipping {check} needs a one-line reason"
            );
            skips += 1;
        }
    }
    assert!(skips > 0, "the skips are read");
}

/// The web app is served only through CloudFront over HTTPS: a private bucket read through an
/// origin access control, the security headers of `web/security-headers.json`, and every
/// unknown path answered by the app itself.
#[test]
fn the_web_app_is_private_behind_https_with_its_security_headers() {
    let template = template_json();
    let buckets = resources_of(&template, "AWS::S3::Bucket");
    let (_, bucket) = buckets
        .iter()
        .find(|(id, _)| id.as_str() == "WebBucket")
        .expect("WebBucket");
    let block = &bucket["Properties"]["PublicAccessBlockConfiguration"];
    for setting in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block[setting], true, "{setting}");
    }
    let (_, distribution) = resources_of(&template, "AWS::CloudFront::Distribution")
        .into_iter()
        .next()
        .expect("a distribution");
    let config = &distribution["Properties"]["DistributionConfig"];
    let behaviour = &config["DefaultCacheBehavior"];
    assert_eq!(behaviour["ViewerProtocolPolicy"], "redirect-to-https");
    assert_eq!(
        behaviour["ResponseHeadersPolicyId"]["Ref"],
        "WebResponseHeadersPolicy"
    );
    let origin = &config["Origins"][0];
    assert!(
        origin["OriginAccessControlId"].is_object(),
        "origin access control"
    );
    let fallbacks: Vec<_> = config["CustomErrorResponses"]
        .as_array()
        .expect("error responses")
        .iter()
        .map(|r| (r["ErrorCode"].as_u64(), r["ResponsePagePath"].as_str()))
        .collect();
    assert!(fallbacks.contains(&(Some(404), Some("/index.html"))));
    assert!(fallbacks.contains(&(Some(403), Some("/index.html"))));

    // The policy sends what the local stack sends (web/security-headers.json).
    let local: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("web/security-headers.json"))
            .expect("web/security-headers.json"),
    )
    .expect("json");
    let (_, policy) = resources_of(&template, "AWS::CloudFront::ResponseHeadersPolicy")
        .into_iter()
        .next()
        .expect("a response headers policy");
    let config = &policy["Properties"]["ResponseHeadersPolicyConfig"];
    let csp = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        ["Fn::Sub"]
        .as_str()
        .expect("a CSP with the region");
    let local_csp = local["Content-Security-Policy"]
        .as_str()
        .expect("local CSP");
    assert_eq!(
        csp.replace(
            "https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}",
            "{apiOrigin}"
        ),
        local_csp
    );
    let custom: Vec<(String, String)> = config["CustomHeadersConfig"]["Items"]
        .as_array()
        .expect("custom headers")
        .iter()
        .map(|h| {
            (
                h["Header"].as_str().unwrap_or_default().to_owned(),
                h["Value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for name in [
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Resource-Policy",
    ] {
        assert!(
            custom
                .iter()
                .any(|(header, value)| header == name && local[name] == value.as_str()),
            "{name}"
        );
    }
}
