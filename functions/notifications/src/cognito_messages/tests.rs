use super::*;
use serde_json::json;

const ORIGIN: &str = "https://portal.example.org";

fn zone() -> TimeZone {
    TimeZone::get("America/New_York").expect("zone")
}

/// A CustomMessage event as Cognito sends it (its documentation's shape).
fn raw_event(trigger_source: &str, locale: Option<&str>) -> Value {
    let mut attributes = json!({
        "sub": "3f1c2a9e-0000-4000-8000-000000000001",
        "email": "new.staff@clinic.example",
        "email_verified": "true",
        "cognito:user_status": "FORCE_CHANGE_PASSWORD"
    });
    if let Some(locale) = locale {
        attributes["locale"] = json!(locale);
    }
    json!({
        "version": "1",
        "triggerSource": trigger_source,
        "region": "us-east-1",
        "userPoolId": "us-east-1_example",
        "userName": "3f1c2a9e-0000-4000-8000-000000000001",
        "callerContext": { "awsSdkVersion": "aws-sdk-rust", "clientId": "CLIENT_ID_NOT_APPLICABLE" },
        "request": {
            "userAttributes": attributes,
            "codeParameter": "{####}",
            "usernameParameter": "{username}",
            "clientMetadata": null
        },
        "response": { "smsMessage": null, "emailMessage": null, "emailSubject": null }
    })
}

fn event(trigger_source: &str, locale: Option<&str>) -> CognitoEventUserPoolsCustomMessage {
    serde_json::from_value(raw_event(trigger_source, locale)).expect("event")
}

fn answered(trigger_source: &str, locale: Option<&str>) -> (String, String) {
    let out = cognito_message(event(trigger_source, locale), ORIGIN, &zone());
    (
        out.response.email_subject.expect("subject"),
        out.response.email_message.expect("message"),
    )
}

#[test]
fn the_staff_invitation_keeps_cognitos_username_and_password_placeholders() {
    for (locale, lang, subject) in [
        (None, "en", "Your patient portal staff account"),
        (
            Some("es"),
            "es",
            "Su cuenta de personal del portal del paciente",
        ),
    ] {
        let (got_subject, html) = answered("CustomMessage_AdminCreateUser", locale);
        assert_eq!(got_subject, subject);
        assert!(html.contains("{username}"), "{lang}: username placeholder");
        assert!(html.contains("{####}"), "{lang}: password placeholder");
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(html.contains(&format!("href=\"{ORIGIN}/sign-in\"")));
        assert!(
            !html.contains("unsubscribe"),
            "security notices cannot be turned off"
        );
    }
}

#[test]
fn the_password_reset_keeps_cognitos_code_placeholder() {
    for (locale, lang, subject) in [
        (Some("en-US"), "en", "Your password reset code"),
        (
            Some("es-MX"),
            "es",
            "Su código para restablecer la contraseña",
        ),
    ] {
        let (got_subject, html) = answered("CustomMessage_ForgotPassword", locale);
        assert_eq!(got_subject, subject);
        assert!(html.contains("{####}"), "{lang}: code placeholder");
        assert!(!html.contains("{username}"));
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        assert!(html.contains(&format!("href=\"{ORIGIN}/forgot-password\"")));
    }
}

#[test]
fn no_address_or_user_id_goes_into_the_mail() {
    for source in [
        "CustomMessage_AdminCreateUser",
        "CustomMessage_ForgotPassword",
    ] {
        let (subject, html) = answered(source, None);
        for private in ["new.staff@clinic.example", "3f1c2a9e"] {
            assert!(!subject.contains(private) && !html.contains(private));
        }
    }
}

#[test]
fn other_trigger_sources_are_left_to_cognito() {
    for source in [
        "CustomMessage_SignUp",
        "CustomMessage_ResendCode",
        "CustomMessage_UpdateUserAttribute",
        "CustomMessage_VerifyUserAttribute",
        "CustomMessage_Authentication",
    ] {
        let before = event(source, Some("es"));
        let after = cognito_message(before.clone(), ORIGIN, &zone());
        assert_eq!(after, before, "{source}");
        assert!(after.response.email_message.is_none());
    }
}

#[test]
fn an_unreadable_event_goes_back_as_it_came() {
    let settings = CognitoMessageSettings {
        web_origin: ORIGIN.into(),
        zone: zone(),
    };
    let unknown = raw_event("CustomMessage_SomethingNew", None);
    assert_eq!(answer(unknown.clone(), &settings), unknown);

    let known = answer(raw_event("CustomMessage_ForgotPassword", None), &settings);
    assert_eq!(known["triggerSource"], "CustomMessage_ForgotPassword");
    assert_eq!(
        known["response"]["emailSubject"],
        "Your password reset code"
    );
    assert!(
        known["response"]["emailMessage"]
            .as_str()
            .is_some_and(|html| html.contains("{####}"))
    );
}

#[test]
fn a_missing_or_odd_locale_reads_as_english() {
    for locale in [None, Some(""), Some("fr-CA"), Some("-"), Some("e s")] {
        let (subject, html) = answered("CustomMessage_ForgotPassword", locale);
        assert_eq!(subject, "Your password reset code", "{locale:?}");
        assert!(html.contains("<html lang=\"en\">"));
    }
    // A locale that is not a string (Cognito sends strings; be safe anyway).
    let mut raw = raw_event("CustomMessage_ForgotPassword", None);
    raw["request"]["userAttributes"]["locale"] = json!(7);
    let event: CognitoEventUserPoolsCustomMessage = serde_json::from_value(raw).expect("event");
    let out = cognito_message(event, ORIGIN, &zone());
    assert_eq!(
        out.response.email_subject.as_deref(),
        Some("Your password reset code")
    );
}

#[test]
fn missing_placeholders_in_the_event_fall_back_to_cognitos_documented_ones() {
    let mut raw = raw_event("CustomMessage_AdminCreateUser", None);
    raw["request"]["codeParameter"] = Value::Null;
    raw["request"]["usernameParameter"] = json!("not a placeholder!");
    let event: CognitoEventUserPoolsCustomMessage = serde_json::from_value(raw).expect("event");
    let html = cognito_message(event, ORIGIN, &zone())
        .response
        .email_message
        .expect("message");
    assert!(html.contains("{username}") && html.contains("{####}"));
}

#[test]
fn settings_need_a_real_time_zone() {
    let with = |zone: Option<&'static str>| {
        CognitoMessageSettings::from_lookup(move |name| match name {
            "PRACTICE_TIME_ZONE" => zone.map(str::to_owned),
            _ => None,
        })
    };
    let ok = with(Some("America/New_York")).expect("settings");
    assert_eq!(ok.web_origin, crate::LOCAL_WEB_ORIGIN);
    assert!(with(Some("Mars/Olympus")).is_err());
    assert!(with(None).is_err());
}
