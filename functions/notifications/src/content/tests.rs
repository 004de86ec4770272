use super::*;

const ORIGIN: &str = "https://portal.example.org";

fn at(raw: &str) -> Timestamp {
    Timestamp::parse(raw).expect("timestamp")
}

fn code(raw: &str) -> Code {
    Code::parse(raw).expect("code")
}

/// One of every kind, with the values an outbox record holds.
pub(crate) fn every_kind() -> Vec<Content> {
    let start = at("2027-01-12T20:30:00Z");
    let expires = at("2027-01-20T05:00:00Z");
    vec![
        Content::NewMessage {
            conversation: ConversationId::generate(),
        },
        Content::AppointmentBooked { start },
        Content::AppointmentMoved { start },
        Content::AppointmentCancelled { start },
        Content::AppointmentReminder { start },
        Content::WaitlistOffer {
            slot_start: start,
            offer_until: at("2027-01-11T20:30:00Z"),
        },
        Content::CareCircleInvitation {
            code: code("K7QX-9MPD"),
            expires,
        },
        Content::ActivationInvitation {
            code: code("AB12-CD34"),
            expires,
        },
        Content::StaffInvitation {
            username: code("{username}"),
            code: code("{####}"),
        },
        Content::PasswordReset {
            code: code("{####}"),
        },
        Content::NewSignIn { at: start },
    ]
}

fn zone() -> TimeZone {
    TimeZone::get("America/New_York").expect("zone")
}

fn links(patient: Option<PatientId>) -> Links<'static> {
    Links {
        web_origin: ORIGIN,
        patient,
        unsubscribe: Some(format!("{ORIGIN}/unsubscribe?token=a.b&x=<y>")),
    }
}

#[test]
fn every_kind_has_a_template() {
    let kinds: Vec<Kind> = every_kind().iter().map(Content::kind).collect();
    for kind in Kind::ALL {
        assert!(kinds.contains(kind), "{kind:?} has no sample");
    }
}

#[test]
fn every_template_renders_in_both_languages_with_its_link() {
    let patient = PatientId::generate();
    for content in every_kind() {
        let kind = content.kind();
        let mut subjects = Vec::new();
        for language in Language::ALL {
            let email = email(&content, language, &zone(), &links(Some(patient)));
            let link = format!("{ORIGIN}{}", content.path(Some(patient)));
            assert!(!email.subject.is_empty());
            assert!(
                email.text.contains(&link),
                "{kind:?} {language:?} text link"
            );
            assert!(
                email.html.contains(&html::escape(&link)),
                "{kind:?} html link"
            );
            assert!(email.html.contains(&html::escape(&email.subject)));
            subjects.push(email.subject);
            let text = sms(&content, language, &zone(), &links(Some(patient)));
            assert!(text.contains(&link), "{kind:?} sms link");
            assert!(text.chars().count() < 320, "{kind:?} {language:?}: {text}");
        }
        assert_ne!(subjects[0], subjects[1], "{kind:?} is not translated");
    }
}

#[test]
fn only_notices_that_can_be_turned_off_carry_the_unsubscribe_link() {
    for content in every_kind() {
        for language in Language::ALL {
            let email = email(
                &content,
                language,
                &zone(),
                &links(Some(PatientId::generate())),
            );
            let escaped = "unsubscribe?token=a.b&amp;x=&lt;y&gt;";
            if content.kind().is_security_notice() {
                assert!(email.unsubscribe.is_none());
                assert!(!email.html.contains("unsubscribe") && !email.text.contains("unsubscribe"));
            } else {
                assert!(email.unsubscribe.is_some());
                assert!(email.html.contains(escaped), "{:?}", content.kind());
                assert!(email.text.contains("unsubscribe?token=a.b&x=<y>"));
            }
            // Nothing inserted reaches the HTML unescaped.
            assert!(!email.html.contains("<y>"));
        }
    }
}

#[test]
fn codes_and_times_are_shown_where_they_matter() {
    let content = Content::ActivationInvitation {
        code: code("AB12-CD34"),
        expires: at("2027-01-20T05:00:00Z"),
    };
    let english = email(&content, Language::En, &zone(), &links(None));
    assert!(english.text.contains("AB12-CD34"));
    assert!(english.text.contains("January 20, 2027 at 12:00 AM EST"));
    let spanish = sms(&content, Language::Es, &zone(), &links(None));
    assert!(spanish.contains("AB12-CD34") && spanish.contains("20 de enero de 2027"));
    let offer = &every_kind()[5];
    let text = email(
        offer,
        Language::En,
        &zone(),
        &links(Some(PatientId::generate())),
    )
    .text;
    assert!(text.contains("Tuesday, January 12, 2027 at 3:30 PM EST"));
    assert!(text.contains("until Monday, January 11, 2027 at 3:30 PM EST"));
    // Cognito's placeholders pass through for it to fill in.
    let reset = email(&every_kind()[9], Language::En, &zone(), &links(None));
    assert!(reset.text.contains("{####}") && reset.html.contains("{####}"));
}

#[test]
fn the_html_escaper_leaves_cognitos_placeholders_intact() {
    // Cognito replaces `{####}` and `{username}` verbatim: as entities they would reach the user.
    assert_eq!(html::escape("{####} {username}"), "{####} {username}");
    let invitation = email(&every_kind()[8], Language::Es, &zone(), &links(None));
    assert!(invitation.html.contains("{####}") && invitation.html.contains("{username}"));
}

#[test]
fn codes_refuse_markup() {
    assert!(Code::parse("<b>").is_none());
    assert!(Code::parse("").is_none());
    assert!(Code::parse(&"A".repeat(65)).is_none());
    assert_eq!(format!("{:?}", code("SECRET1")), "Code(<redacted>)");
}

#[test]
fn links_point_into_the_readers_portal() {
    let patient = PatientId::generate();
    let message = &every_kind()[0];
    let Content::NewMessage { conversation } = message else {
        panic!("sample order")
    };
    assert_eq!(
        message.path(Some(patient)),
        format!("/p/{patient}/messages/{conversation}")
    );
    assert_eq!(message.path(None), "/staff/inbox");
    assert_eq!(
        every_kind()[1].path(Some(patient)),
        format!("/p/{patient}/appointments")
    );
    assert_eq!(every_kind()[6].path(Some(patient)), "/accept-invitation");
    assert_eq!(every_kind()[7].path(Some(patient)), "/activate");
}

#[test]
fn a_new_sign_in_says_when_in_the_practices_zone_and_where_to_reset() {
    let content = Content::NewSignIn {
        at: at("2027-01-12T20:30:00Z"),
    };
    let english = email(&content, Language::En, &zone(), &links(None));
    assert!(
        english
            .text
            .contains("Tuesday, January 12, 2027 at 3:30 PM EST")
    );
    assert!(
        english
            .text
            .contains("If this was not you, reset your password and tell the practice.")
    );
    assert!(english.text.contains(&format!("{ORIGIN}/forgot-password")));
    assert!(english.unsubscribe.is_none(), "a security notice");
    let spanish = email(&content, Language::Es, &zone(), &links(None));
    assert!(
        spanish
            .text
            .contains("martes, 12 de enero de 2027, 15:30 EST")
    );
    assert!(spanish.text.contains("restablezca su contraseña"));
    let text = sms(&content, Language::En, &zone(), &links(None));
    assert!(text.contains("3:30 PM EST") && text.ends_with("/forgot-password"));
}
