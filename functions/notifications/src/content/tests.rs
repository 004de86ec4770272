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
        Content::NewSignIn {
            at: start,
            reset: false,
            lock: None,
        },
        Content::IdeaStatusChanged {
            status: Some(IdeaStatus::Planned),
        },
        Content::SuggestionDecided { accepted: true },
        Content::FeedbackAnswered,
        Content::ProblemReportUpdated {
            report: ReportId::generate(),
            patient: None,
            status: Some(ReportStatus::InProgress),
        },
        news(true),
        digest(),
        Content::RefillDecided {
            refill: RefillId::generate(),
            patient: PatientId::generate(),
            status: Some(RefillNews::Approved),
        },
        Content::EducationAssigned {
            patient: PatientId::generate(),
        },
        Content::MfaChanged {
            at: start,
            change: portal_shared::features::mfa::MfaChange::BackupCodeUsed,
        },
    ]
}

/// Every wording of a refill request's news: each status and an unknown one.
fn refill_kinds(refill: RefillId, patient: PatientId) -> Vec<Content> {
    RefillNews::ALL
        .into_iter()
        .map(Some)
        .chain([None])
        .map(|status| Content::RefillDecided {
            refill,
            patient,
            status,
        })
        .collect()
}

/// A week's digest, for a portal lead.
fn digest() -> Content {
    Content::WeeklyDigest {
        digest: jiff::civil::date(2026, 11, 30),
        from: jiff::civil::date(2026, 11, 30),
        to: jiff::civil::date(2026, 12, 6),
        open_reports: 7,
        breached: 1,
        incidents_opened: 2,
        activated: 12,
    }
}

/// An announcement as the sender reads it: to a portal user, or to an address.
fn news(portal: bool) -> Content {
    Content::Announcement {
        title: "Online check-in <now> open".into(),
        body: "From Monday you can check in online.\n\nAsk the front desk if you need help & more."
            .into(),
        link: Some("https://practice.example/news?a=1&b=2".into()),
        portal,
    }
}

/// Every wording of a problem report's news: each status and an unknown one.
fn report_kinds(report: ReportId) -> Vec<Content> {
    let mut all: Vec<Content> = ReportStatus::ALL
        .into_iter()
        .map(|status| Content::ProblemReportUpdated {
            report,
            patient: None,
            status: Some(status),
        })
        .collect();
    all.push(Content::ProblemReportUpdated {
        report,
        patient: None,
        status: None,
    });
    all
}

/// Every wording of the feedback kinds: each status, an unknown one, both decisions.
fn feedback_kinds() -> Vec<Content> {
    let mut all: Vec<Content> = IdeaStatus::ALL
        .into_iter()
        .map(|status| Content::IdeaStatusChanged {
            status: Some(status),
        })
        .collect();
    all.push(Content::IdeaStatusChanged { status: None });
    all.push(Content::SuggestionDecided { accepted: true });
    all.push(Content::SuggestionDecided { accepted: false });
    all.push(Content::FeedbackAnswered);
    all
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
            // Security notices, and staff's news (staff have no preferences to turn it off).
            if !content.kind().is_choosable() {
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
    // A record written before lock links existed: no token, the password reset page.
    let content = Content::NewSignIn {
        at: at("2027-01-12T20:30:00Z"),
        reset: false,
        lock: None,
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

#[test]
fn sign_in_and_password_reset_notices_link_to_locking_the_account() {
    let token = "cGF5bG9hZA.dGFn";
    for reset in [false, true] {
        let content = Content::NewSignIn {
            at: at("2027-01-12T20:30:00Z"),
            reset,
            lock: None,
        }
        .with_lock(token.to_owned());
        let lock = format!("{ORIGIN}/lock?token={token}");
        let english = email(&content, Language::En, &zone(), &links(None));
        assert!(english.text.contains("Not you? Lock your account"));
        assert!(english.text.contains(&format!("Lock your account: {lock}")));
        assert!(english.html.contains(&lock));
        assert!(!english.text.contains("/forgot-password"));
        assert!(english.unsubscribe.is_none(), "a security notice");
        assert_eq!(
            english.subject.contains("password was reset"),
            reset,
            "{}",
            english.subject
        );
        assert!(english.text.contains("3:30 PM EST"));
        let spanish = email(&content, Language::Es, &zone(), &links(None));
        assert!(spanish.text.contains("¿No fue usted? Bloquee su cuenta"));
        assert!(spanish.text.contains(&lock));
        let text = sms(&content, Language::Es, &zone(), &links(None));
        assert!(text.ends_with(&lock), "{text}");
    }
}

#[test]
fn feedback_news_links_the_patient_to_their_feedback_page_and_staff_to_their_polls() {
    let patient = PatientId::generate();
    for content in feedback_kinds() {
        assert_eq!(
            content.path(Some(patient)),
            format!("/p/{patient}/feedback"),
            "{content:?}"
        );
        for language in Language::ALL {
            let mail = email(&content, language, &zone(), &links(Some(patient)));
            let link = format!("{ORIGIN}/p/{patient}/feedback");
            assert!(mail.text.contains(&link), "{content:?} {language:?}");
            assert!(mail.html.contains(&html::escape(&link)));
            assert!(mail.unsubscribe.is_some(), "it can be turned off");
            let text = sms(&content, language, &zone(), &links(Some(patient)));
            assert!(text.ends_with(&link), "{text}");
            assert!(text.chars().count() < 320, "{text}");
        }
    }
    // A staff member who voted: no patient's portal, their own polls.
    let staff = Links {
        web_origin: ORIGIN,
        patient: None,
        unsubscribe: None,
    };
    let idea = Content::IdeaStatusChanged {
        status: Some(IdeaStatus::Live),
    };
    assert_eq!(idea.path(None), "/staff/polls");
    let mail = email(&idea, Language::En, &zone(), &staff);
    assert!(mail.text.contains(&format!("{ORIGIN}/staff/polls")));
    assert!(mail.html.contains(&format!("{ORIGIN}/staff/polls")));
    assert!(mail.unsubscribe.is_none() && !mail.text.contains("unsubscribe"));
}

#[test]
fn an_ideas_new_status_is_named_in_words_in_both_languages() {
    let words = [
        (
            IdeaStatus::Proposed,
            "under consideration",
            "en consideración",
        ),
        (
            IdeaStatus::Planned,
            "it is now planned",
            "ahora está planificada",
        ),
        (IdeaStatus::InBeta, "tried out in a beta", "versión beta"),
        (
            IdeaStatus::Live,
            "live in the portal",
            "disponible en el portal",
        ),
        (
            IdeaStatus::Declined,
            "will not go ahead",
            "no se llevará a cabo",
        ),
    ];
    let patient = Some(PatientId::generate());
    for (status, english, spanish) in words {
        assert_eq!(IdeaStatus::parse(status.as_str()), Some(status));
        let content = Content::IdeaStatusChanged {
            status: Some(status),
        };
        let en = email(&content, Language::En, &zone(), &links(patient));
        assert_eq!(en.subject, "An idea you supported has news");
        assert!(en.text.contains(english), "{status:?}: {}", en.text);
        assert!(sms(&content, Language::En, &zone(), &links(patient)).contains(english));
        let es = email(&content, Language::Es, &zone(), &links(patient));
        assert_eq!(es.subject, "Hay novedades sobre una idea que usted apoyó");
        assert!(es.text.contains(spanish), "{status:?}: {}", es.text);
        assert!(es.html.contains(spanish));
        assert!(sms(&content, Language::Es, &zone(), &links(patient)).contains(spanish));
        // The slug itself is not what the reader sees.
        assert!(!en.text.contains(&format!(": {}.", status.as_str())));
    }
    // A status the sender does not know is not shown: the notice says only that it changed.
    assert_eq!(IdeaStatus::parse("Our new diabetes tracker"), None);
    assert_eq!(IdeaStatus::parse("Planned"), None);
    let unknown = email(
        &Content::IdeaStatusChanged { status: None },
        Language::En,
        &zone(),
        &links(patient),
    );
    assert!(
        unknown
            .text
            .contains("changed the status of an idea you voted for or gave feedback on.")
    );
}

#[test]
fn a_suggestion_decision_says_which_way_it_went_and_an_answer_says_there_is_one() {
    let patient = Some(PatientId::generate());
    let accepted = Content::SuggestionDecided { accepted: true };
    let declined = Content::SuggestionDecided { accepted: false };
    for language in Language::ALL {
        let yes = email(&accepted, language, &zone(), &links(patient));
        let no = email(&declined, language, &zone(), &links(patient));
        assert_ne!(yes.subject, no.subject, "{language:?}");
        assert_ne!(
            sms(&accepted, language, &zone(), &links(patient)),
            sms(&declined, language, &zone(), &links(patient))
        );
    }
    let yes = email(&accepted, Language::En, &zone(), &links(patient));
    assert!(yes.text.contains("accepted it"));
    let no = email(&declined, Language::Es, &zone(), &links(patient));
    assert!(no.text.contains("decidió no llevarla adelante"));
    let answered = email(
        &Content::FeedbackAnswered,
        Language::En,
        &zone(),
        &links(patient),
    );
    assert_eq!(answered.subject, "The practice answered your feedback");
    assert!(answered.text.contains("Sign in to read the answer."));
    let respuesta = sms(
        &Content::FeedbackAnswered,
        Language::Es,
        &zone(),
        &links(patient),
    );
    assert!(respuesta.starts_with("El consultorio respondió a su opinión"));
}

#[test]
fn report_news_links_to_the_report_in_the_patients_portal_or_the_readers_own() {
    let patient = PatientId::generate();
    let report = ReportId::generate();
    for content in report_kinds(report) {
        assert_eq!(
            content.path(Some(patient)),
            format!("/p/{patient}/reports/{report}"),
            "{content:?}"
        );
        for language in Language::ALL {
            let mail = email(&content, language, &zone(), &links(Some(patient)));
            let link = format!("{ORIGIN}/p/{patient}/reports/{report}");
            assert!(mail.text.contains(&link), "{content:?} {language:?}");
            assert!(mail.html.contains(&html::escape(&link)));
            assert!(mail.unsubscribe.is_some(), "it can be turned off");
            let text = sms(&content, language, &zone(), &links(Some(patient)));
            assert!(text.ends_with(&link), "{text}");
            assert!(text.chars().count() < 320, "{text}");
        }
    }
    // A caregiver told at their account's address: the report opens in the portal of the
    // patient it was filed for, which the record names.
    let filed_for = PatientId::generate();
    let caregivers = Content::ProblemReportUpdated {
        report,
        patient: Some(filed_for),
        status: Some(ReportStatus::Resolved),
    };
    assert_eq!(
        caregivers.path(None),
        format!("/p/{filed_for}/reports/{report}")
    );
    // A staff member's own report: no patient.
    let account = Links {
        web_origin: ORIGIN,
        patient: None,
        unsubscribe: None,
    };
    let resolved = Content::ProblemReportUpdated {
        report,
        patient: None,
        status: Some(ReportStatus::Resolved),
    };
    assert_eq!(resolved.path(None), format!("/account/reports/{report}"));
    let mail = email(&resolved, Language::En, &zone(), &account);
    assert!(
        mail.text
            .contains(&format!("{ORIGIN}/account/reports/{report}"))
    );
    assert!(
        mail.html
            .contains(&format!("{ORIGIN}/account/reports/{report}"))
    );
    assert!(mail.unsubscribe.is_none() && !mail.text.contains("unsubscribe"));
}

#[test]
fn a_reports_status_is_named_in_words_in_both_languages() {
    let words = [
        (ReportStatus::New, "received it", "lo recibió"),
        (ReportStatus::Triaged, "looked at it", "lo revisó"),
        (
            ReportStatus::InProgress,
            "the team is working on it",
            "está trabajando en él",
        ),
        (
            ReportStatus::WaitingOnReporter,
            "needs more information from you",
            "necesita más información de usted",
        ),
        (
            ReportStatus::Resolved,
            "the team has resolved it",
            "el equipo lo resolvió",
        ),
    ];
    let patient = Some(PatientId::generate());
    for (status, english, spanish) in words {
        assert_eq!(ReportStatus::parse(status.as_str()), Some(status));
        let content = Content::ProblemReportUpdated {
            report: ReportId::generate(),
            patient: None,
            status: Some(status),
        };
        let en = email(&content, Language::En, &zone(), &links(patient));
        assert_eq!(en.subject, "There is news about the problem you reported");
        assert!(en.text.contains(english), "{status:?}: {}", en.text);
        assert!(en.html.contains(english));
        assert!(sms(&content, Language::En, &zone(), &links(patient)).contains(english));
        let es = email(&content, Language::Es, &zone(), &links(patient));
        assert_eq!(
            es.subject,
            "Hay novedades sobre el problema que usted informó"
        );
        assert!(es.text.contains(spanish), "{status:?}: {}", es.text);
        assert!(es.html.contains(spanish));
        assert!(sms(&content, Language::Es, &zone(), &links(patient)).contains(spanish));
        // The slug itself is not what the reader sees.
        assert!(!en.text.contains(&format!(": {}.", status.as_str())));
    }
    // A status the sender does not know is not shown: the notice says only that there is news.
    assert_eq!(ReportStatus::parse("Booking fails for my mother"), None);
    assert_eq!(ReportStatus::parse("Resolved"), None);
    let unknown = email(
        &Content::ProblemReportUpdated {
            report: ReportId::generate(),
            patient: None,
            status: None,
        },
        Language::En,
        &zone(),
        &links(patient),
    );
    assert!(
        unknown
            .text
            .starts_with("There is news about the problem you reported in the patient portal.\n")
    );
}

#[test]
fn an_announcement_says_the_practices_own_words_and_points_to_whats_new() {
    let patient = PatientId::generate();
    let content = news(true);
    assert_eq!(
        content.path(Some(patient)),
        format!("/p/{patient}/whats-new")
    );
    for (language, subject, more, sign_in) in [
        (
            Language::En,
            "News from the practice: Online check-in <now> open",
            "Read more: https://practice.example/news?a=1&b=2",
            "Sign in to your patient portal",
        ),
        (
            Language::Es,
            "Noticias del consultorio: Online check-in <now> open",
            "Más información: https://practice.example/news?a=1&b=2",
            "Inicie sesión en su portal del paciente",
        ),
    ] {
        let mail = email(&content, language, &zone(), &links(Some(patient)));
        assert_eq!(mail.subject, subject);
        // Title, each paragraph of the text, the link, then what's new in the portal.
        assert!(
            mail.text.starts_with(
                "Online check-in <now> open\n\nFrom Monday you can check in online.\n\n\
                 Ask the front desk if you need help & more.\n\n"
            ),
            "{}",
            mail.text
        );
        assert!(mail.text.contains(more) && mail.text.contains(sign_in));
        let whats_new = format!("{ORIGIN}/p/{patient}/whats-new");
        assert!(mail.text.contains(&whats_new));
        assert!(mail.html.contains(&html::escape(&whats_new)));
        // The practice's words reach the HTML escaped, each paragraph its own.
        assert!(
            mail.html
                .contains("<p>Online check-in &lt;now&gt; open</p>")
        );
        assert!(
            mail.html
                .contains("<p>Ask the front desk if you need help &amp; more.</p>")
        );
        assert!(mail.html.contains("news?a=1&amp;b=2"));
        assert!(!mail.html.contains("<now>"));
        assert!(mail.unsubscribe.is_some(), "it can be turned off");
        let text = sms(&content, language, &zone(), &links(Some(patient)));
        assert!(text.contains("Online check-in <now> open"), "{text}");
        assert!(text.ends_with(&whats_new), "{text}");
    }
    // Staff and caregivers: what's new in their account.
    let account = Links {
        web_origin: ORIGIN,
        patient: None,
        unsubscribe: None,
    };
    assert_eq!(content.path(None), "/account/whats-new");
    let mail = email(&content, Language::En, &zone(), &account);
    assert!(mail.text.contains(&format!("{ORIGIN}/account/whats-new")));
    assert!(mail.html.contains(&format!("{ORIGIN}/account/whats-new")));
    assert!(mail.unsubscribe.is_none() && !mail.text.contains("unsubscribe"));
}

#[test]
fn another_practice_gets_the_news_without_a_portal_to_sign_in_to() {
    let content = news(false);
    let address = Links {
        web_origin: ORIGIN,
        patient: None,
        unsubscribe: None,
    };
    for language in Language::ALL {
        let mail = email(&content, language, &zone(), &address);
        assert!(mail.text.contains("https://practice.example/news?a=1&b=2"));
        assert!(!mail.text.contains(ORIGIN) && !mail.html.contains(ORIGIN));
        assert!(!mail.html.contains("background:#1d4ed8"), "no button");
        for sign_in in ["Sign in", "sign in", "Inicie sesión", "inicie sesión"] {
            assert!(!mail.text.contains(sign_in), "{language:?}: {}", mail.text);
        }
        assert!(mail.unsubscribe.is_none());
    }
    // Without a link of its own: the title and the text alone.
    let Content::Announcement { title, body, .. } = content else {
        panic!("sample");
    };
    let bare = Content::Announcement {
        title,
        body,
        link: None,
        portal: false,
    };
    let mail = email(&bare, Language::En, &zone(), &address);
    assert!(!mail.text.contains("https://") && !mail.html.contains("href"));
}

#[test]
fn a_weekly_digest_gives_the_week_and_counts_and_links_to_the_digest() {
    let content = digest();
    assert_eq!(content.path(None), "/staff/digests/2026-11-30");
    // Staff: no patient, no unsubscribe link (the sender gives none; the template adds none).
    let staff = Links {
        web_origin: ORIGIN,
        patient: None,
        unsubscribe: None,
    };
    let link = format!("{ORIGIN}/staff/digests/2026-11-30");
    for (language, subject, week, counts) in [
        (
            Language::En,
            "The portal's weekly digest: week of Monday, November 30, 2026",
            "from Monday, November 30, 2026 to Sunday, December 6, 2026",
            [
                "Open problem reports: 7",
                "Reports past their response target: 1",
                "Incidents opened in the week: 2",
                "Patients who activated their portal account in the week: 12",
            ],
        ),
        (
            Language::Es,
            "Resumen semanal del portal: semana del lunes, 30 de noviembre de 2026",
            "del lunes, 30 de noviembre de 2026 al domingo, 6 de diciembre de 2026",
            [
                "Informes de problemas abiertos: 7",
                "Informes que pasaron su plazo de respuesta: 1",
                "Incidentes abiertos en la semana: 2",
                "Pacientes que activaron su cuenta del portal en la semana: 12",
            ],
        ),
    ] {
        let mail = email(&content, language, &zone(), &staff);
        assert_eq!(mail.subject, subject);
        assert!(mail.text.contains(week), "{language:?}: {}", mail.text);
        for count in counts {
            assert!(mail.text.contains(count), "{language:?}: {count}");
            assert!(mail.html.contains(&format!("<p>{count}</p>")), "{count}");
        }
        assert!(mail.text.contains(&link) && mail.html.contains(&link));
        assert!(mail.unsubscribe.is_none() && !mail.text.contains("unsubscribe"));
        let text = sms(&content, language, &zone(), &staff);
        assert!(text.ends_with(&link), "{text}");
    }
    // Even given an unsubscribe link (staff are never given one), the digest carries none:
    // nobody chooses a channel for it.
    let mail = email(&content, Language::En, &zone(), &links(None));
    assert!(mail.unsubscribe.is_none() && !mail.text.contains("unsubscribe"));
}

#[test]
fn refill_news_links_to_the_request_in_the_patients_portal() {
    let (refill, patient) = (RefillId::generate(), PatientId::generate());
    let link = format!("{ORIGIN}/p/{patient}/refills/{refill}");
    for content in refill_kinds(refill, patient) {
        assert_eq!(content.kind(), Kind::RefillDecided);
        // The request's own patient, whoever reads it (a caregiver, or no portal named).
        assert_eq!(
            content.path(Some(PatientId::generate())),
            format!("/p/{patient}/refills/{refill}")
        );
        assert_eq!(content.path(None), format!("/p/{patient}/refills/{refill}"));
        for language in Language::ALL {
            let mail = email(&content, language, &zone(), &links(Some(patient)));
            assert!(mail.text.contains(&link), "{content:?} {language:?}");
            assert!(mail.html.contains(&html::escape(&link)));
            assert!(mail.unsubscribe.is_some(), "it can be turned off");
            let text = sms(&content, language, &zone(), &links(Some(patient)));
            assert!(text.ends_with(&link), "{text}");
            assert!(text.chars().count() < 320, "{text}");
        }
    }
}

#[test]
fn a_refill_decision_is_named_in_words_in_both_languages() {
    let words = [
        (
            RefillNews::Approved,
            "Your prescription renewal request was approved",
            "Se aprobó su solicitud de renovación de receta",
        ),
        (
            RefillNews::Denied,
            "Your prescription renewal request was not approved",
            "Su solicitud de renovación de receta no fue aprobada",
        ),
        (
            RefillNews::VisitNeeded,
            "Your prescription renewal request needs a visit",
            "Su solicitud de renovación de receta necesita una consulta",
        ),
        (
            RefillNews::Sent,
            "Your renewed prescription was sent to your pharmacy",
            "Su receta renovada se envió a su farmacia",
        ),
    ];
    let patient = PatientId::generate();
    let mut seen = Vec::new();
    for (status, english, spanish) in words {
        assert_eq!(RefillNews::parse(status.as_str()), Some(status));
        let content = Content::RefillDecided {
            refill: RefillId::generate(),
            patient,
            status: Some(status),
        };
        let en = email(&content, Language::En, &zone(), &links(Some(patient)));
        assert_eq!(en.subject, english);
        assert!(en.html.contains(&html::escape(english)));
        assert!(sms(&content, Language::En, &zone(), &links(Some(patient))).starts_with(english));
        let es = email(&content, Language::Es, &zone(), &links(Some(patient)));
        assert_eq!(es.subject, spanish);
        assert!(sms(&content, Language::Es, &zone(), &links(Some(patient))).starts_with(spanish));
        seen.push(en.text);
    }
    assert!(seen[2].contains("book a visit"), "{}", seen[2]);
    // A status the sender does not know is not shown: the notice says only that there is news.
    assert_eq!(RefillNews::parse("Metformin 500 mg"), None);
    assert_eq!(RefillNews::parse("Approved"), None);
    assert_eq!(RefillNews::parse("requested"), None);
    let unknown = email(
        &Content::RefillDecided {
            refill: RefillId::generate(),
            patient,
            status: None,
        },
        Language::En,
        &zone(),
        &links(Some(patient)),
    );
    assert_eq!(
        unknown.subject,
        "There is news about your prescription renewal request"
    );
}

#[test]
fn a_shared_topic_says_so_without_naming_it_and_links_to_the_education_page() {
    let patient = PatientId::generate();
    let content = Content::EducationAssigned { patient };
    assert_eq!(content.kind(), Kind::EducationAssigned);
    // The patient's own education page, whoever reads it (a caregiver included).
    assert_eq!(content.path(None), format!("/p/{patient}/education"));
    assert_eq!(
        content.path(Some(PatientId::generate())),
        format!("/p/{patient}/education")
    );
    let link = format!("{ORIGIN}/p/{patient}/education");
    for (language, subject) in [
        (
            Language::En,
            "Your care team shared a health topic with you",
        ),
        (
            Language::Es,
            "Su equipo de atención compartió un tema de salud con usted",
        ),
    ] {
        let mail = email(&content, language, &zone(), &links(Some(patient)));
        assert_eq!(mail.subject, subject);
        assert!(mail.text.contains(&link) && mail.html.contains(&html::escape(&link)));
        assert!(mail.unsubscribe.is_some(), "it can be turned off");
        let text = sms(&content, language, &zone(), &links(Some(patient)));
        assert!(text.ends_with(&link), "{text}");
        assert!(text.chars().count() < 320, "{text}");
    }
}
