use aws_lambda_events::event::dynamodb::Event;
use portal_shared::domain::ids::{AppointmentId, PatientId};
use portal_shared::features::notification::Notification;
use portal_shared::platform::store;
use serde_json::json;

use super::*;

/// A stream INSERT of an outbox record, as Lambda hands it over.
fn stream_insert(pk: &str, image: serde_json::Value) -> Event {
    serde_json::from_value(json!({"Records": [{
        "eventID": "1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1.7e9,
            "Keys": {"PK": {"S": pk}, "SK": {"S": "2027-01-01T00:00:00.000Z#X"}},
            "NewImage": image,
            "SequenceNumber": "111",
            "SizeBytes": 26,
            "StreamViewType": "NEW_IMAGE"
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/app/stream/2027"
    }]}))
    .expect("a stream event")
}

fn image_of(event: Event) -> Item {
    let record = event.records.into_iter().next().expect("one record");
    record.change.new_image.into()
}

#[test]
fn a_stream_insert_of_an_offer_reads_as_an_outbox_record() {
    let patient = PatientId::generate();
    let appointment = AppointmentId::generate();
    let image = json!({
        "PK": {"S": "NOTIFICATIONS#2"},
        "SK": {"S": "2027-01-01T00:00:00.000Z#01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "template": {"S": "waitlist-offer"},
        "recipient": {"M": {"kind": {"S": "patient"}, "patientId": {"S": patient.to_string()}}},
        "appointmentId": {"S": appointment.to_string()},
        "slotStart": {"S": "2027-01-12T20:30:00.000Z"},
        "offerUntil": {"S": "2027-01-11T20:30:00.000Z"},
        "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
        "status": {"S": "pending"},
        "expiresAt": {"N": "1800000000"}
    });
    let outbox = Outbox::parse(image_of(stream_insert("NOTIFICATIONS#2", image))).expect("parsed");
    assert_eq!(outbox.kind, Kind::WaitlistOffer);
    assert_eq!(
        outbox.recipient,
        Recipient::Patient {
            patient_id: patient
        }
    );
    assert_eq!(outbox.key.pk, "NOTIFICATIONS#2");
    assert_eq!(outbox.expires_at, Some(1_800_000_000));
    assert!(matches!(
        outbox.content(),
        Some(Content::WaitlistOffer { .. })
    ));
    assert!(!outbox.has_secret());
}

#[test]
fn what_a_producer_writes_reads_back_and_extra_fields_never_reach_a_template() {
    let at = Timestamp::parse("2027-01-01T00:00:00Z").expect("at");
    let record = Notification::pending(
        Kind::ActivationInvitation,
        Recipient::Patient {
            patient_id: PatientId::generate(),
        },
        AboutActivation {
            code: "AB12-CD34".into(),
            code_expires: at,
            channel: Channel::Sms,
            code_id: None,
            wave_id: None,
        },
        at,
        at,
    );
    let mut item = store::to_item(&record.key(), &record).expect("item");
    // A field no producer may write: ignored, so no template can show it.
    item.insert("visitReason".into(), store::string("chest pain"));
    let outbox = Outbox::parse(item).expect("parsed");
    assert_eq!(outbox.named_channel(), Some(Channel::Sms));
    assert!(outbox.has_secret());
    let content = format!("{:?}", outbox.content().expect("content"));
    assert!(!content.contains("chest pain") && !content.contains("AB12"));
}

#[test]
fn malformed_records_are_named_not_panicked_on() {
    let parse = |image: serde_json::Value| {
        Outbox::parse(image_of(stream_insert("NOTIFICATIONS#0", image))).map(|_| ())
    };
    assert_eq!(
        parse(json!({"PK": {"S": "REMINDERS#2027-01-01T00"}, "SK": {"S": "x"}})),
        Err(Malformed::NotAnOutboxItem)
    );
    assert_eq!(
        parse(json!({"garbage": {"N": "1"}})),
        Err(Malformed::NotAnOutboxItem)
    );
    assert_eq!(
        parse(json!({"PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"}, "template": {"S": "x"}})),
        Err(Malformed::Envelope)
    );
    let base = |template: &str| {
        json!({
            "PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"},
            "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
            "template": {"S": template},
            "recipient": {"M": {"kind": {"S": "staff-team"}, "group": {"S": "clinicians"}}},
            "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
            "status": {"S": "pending"}
        })
    };
    assert_eq!(
        parse(base("no-such-template")),
        Err(Malformed::UnknownTemplate)
    );
    assert_eq!(parse(base("new-portal-message")), Err(Malformed::About));
    assert_eq!(
        parse(base("password-reset")),
        Err(Malformed::NotSentFromTheOutbox)
    );
    let mut bad_code = base("care-circle-invitation");
    bad_code["invitationId"] = json!({"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"});
    bad_code["code"] = json!({"S": "<script>"});
    bad_code["codeExpires"] = json!({"S": "2027-01-01T00:00:00.000Z"});
    assert_eq!(parse(bad_code), Err(Malformed::Code));
}

#[test]
fn no_phi_reaches_a_notification_whatever_the_record_holds() {
    use crate::content::{Language, Links, email, sms};
    // What the demo's patients, messages and visits hold: none may appear in a notification,
    // even if a producer wrote it onto the outbox item by mistake.
    let phi = [
        "Maria",
        "Gonzalez",
        "chest pain",
        "Cardiology",
        "Dr. Patel",
        "my results",
    ];
    let at = Timestamp::parse("2027-01-12T20:30:00Z").expect("at");
    let patient = PatientId::generate();
    let zone = jiff::tz::TimeZone::get("America/New_York").expect("zone");
    for kind in Kind::ALL {
        // An announcement shows its own title and text (the practice's news, never about a
        // patient): what else it shows is `an_announcement_shows_its_words_and_nothing_else`.
        if *kind == Kind::Announcement {
            continue;
        }
        let mut about = json!({
            "conversationId": "01JD3Z6T7XK8Q2M4N5P6R7S8TB",
            "appointmentId": "01JD3Z6T7XK8Q2M4N5P6R7S8TC",
            "invitationId": "01JD3Z6T7XK8Q2M4N5P6R7S8TD",
            "start": at.to_string(), "slotStart": at.to_string(), "offerUntil": at.to_string(),
            "code": "AB12-CD34", "codeExpires": at.to_string(), "channel": "email",
            "at": at.to_string(),
            "ideaId": "01JD3Z6T7XK8Q2M4N5P6R7S8TE", "ideaStatus": "planned",
            "suggestionId": "01JD3Z6T7XK8Q2M4N5P6R7S8TF", "accepted": true,
            "feedbackId": "01JD3Z6T7XK8Q2M4N5P6R7S8TG",
            "reportId": "01JD3Z6T7XK8Q2M4N5P6R7S8TH", "reportStatus": "resolved",
            "digestId": "2026-11-30", "from": "2026-11-30", "to": "2026-12-06",
            "openReports": 7, "breached": 1, "incidentsOpened": 2, "activated": 12,
            "whatHappened": phi[2], "page": phi[5], "text": phi[4],
            "title": phi[5], "comment": phi[2], "answer": phi[4], "declineReason": phi[3],
            "patientName": phi[0], "familyName": phi[1], "reason": phi[2],
            "specialty": phi[3], "provider": phi[4], "body": phi[5], "subject": phi[5]
        });
        // A refill decision's ids and status, beside what it must never show (apart: the
        // macro's recursion limit).
        for (field, value) in [
            ("refillId", json!("01JD3Z6T7XK8Q2M4N5P6R7S8TJ")),
            ("patientId", json!(patient.to_string())),
            ("refillStatus", json!("approved")),
            ("medication", json!(phi[2])),
            ("pharmacy", json!(phi[3])),
            ("message", json!(phi[5])),
            // An MFA change's kind of change.
            ("change", json!("backup-code-used")),
        ] {
            about[field] = value;
        }
        let record = Notification::pending(
            *kind,
            Recipient::Patient {
                patient_id: patient,
            },
            about,
            at,
            at,
        );
        let item = store::to_item(&record.key(), &record).expect("item");
        let Ok(outbox) = Outbox::parse(item) else {
            assert!(matches!(kind, Kind::StaffInvitation | Kind::PasswordReset));
            continue;
        };
        let content = outbox.content().expect("content");
        let links = Links {
            web_origin: "https://portal.example.org",
            patient: Some(patient),
            unsubscribe: Some("https://portal.example.org/unsubscribe?token=t".into()),
        };
        for language in Language::ALL {
            let mail = email(&content, language, &zone, &links);
            let text = sms(&content, language, &zone, &links);
            for rendered in [&mail.subject, &mail.text, &mail.html, &text] {
                for word in phi {
                    assert!(
                        !rendered.contains(word),
                        "{kind:?} {language:?} shows {word}"
                    );
                }
            }
        }
    }
}

/// An outbox item as a producer of `kind` writes it, with `about`.
fn record_of<About: serde::Serialize>(kind: Kind, recipient: Recipient, about: About) -> Item {
    let at = Timestamp::parse("2027-01-01T00:00:00Z").expect("at");
    let record = Notification::pending(kind, recipient, about, at, at);
    store::to_item(&record.key(), &record).expect("item")
}

#[test]
fn the_feedback_kinds_read_back_as_their_content() {
    use portal_shared::domain::ids::{FeedbackId, IdeaId, SuggestionId};
    use portal_shared::features::idea_status::IdeaStatus;
    use portal_shared::features::notification::{AboutFeedback, AboutIdea, AboutSuggestion};
    use portal_shared::policy::caller::UserSub;

    let patient = Recipient::Patient {
        patient_id: PatientId::generate(),
    };
    let staff = Recipient::StaffMember {
        sub: UserSub::parse("staff-1").expect("sub"),
    };
    for (recipient, slug, status) in [
        (&patient, "in-beta", Some(IdeaStatus::InBeta)),
        (&staff, "declined", Some(IdeaStatus::Declined)),
        // A slug the sender does not know: sent, without naming it.
        (&patient, "Our new diabetes tracker", None),
    ] {
        let item = record_of(
            Kind::IdeaStatusChanged,
            recipient.clone(),
            AboutIdea {
                idea_id: IdeaId::generate(),
                status: slug.into(),
            },
        );
        let outbox = Outbox::parse(item).expect("parsed");
        assert_eq!(outbox.kind, Kind::IdeaStatusChanged);
        assert_eq!(&outbox.recipient, recipient);
        assert!(!outbox.has_secret() && outbox.named_channel().is_none());
        let content = outbox.content().expect("content");
        assert!(
            matches!(content, Content::IdeaStatusChanged { status: s } if s == status),
            "{content:?}"
        );
        assert!(!format!("{content:?}").contains("diabetes"));
    }

    for accepted in [true, false] {
        let item = record_of(
            Kind::SuggestionDecided,
            patient.clone(),
            AboutSuggestion {
                suggestion_id: SuggestionId::generate(),
                accepted,
            },
        );
        let outbox = Outbox::parse(item).expect("parsed");
        assert!(matches!(
            outbox.content(),
            Some(Content::SuggestionDecided { accepted: a }) if a == accepted
        ));
    }

    let item = record_of(
        Kind::FeedbackAnswered,
        patient.clone(),
        AboutFeedback {
            feedback_id: FeedbackId::generate(),
        },
    );
    let outbox = Outbox::parse(item).expect("parsed");
    assert_eq!(outbox.kind, Kind::FeedbackAnswered);
    assert!(matches!(outbox.content(), Some(Content::FeedbackAnswered)));
}

#[test]
fn a_feedback_record_without_its_ids_is_malformed() {
    let base = |template: &str| {
        json!({
            "PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"},
            "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
            "template": {"S": template},
            "recipient": {"M": {"kind": {"S": "patient"}, "patientId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TA"}}},
            "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
            "status": {"S": "pending"}
        })
    };
    let parse = |image: serde_json::Value| {
        Outbox::parse(image_of(stream_insert("NOTIFICATIONS#0", image))).map(|_| ())
    };
    for template in [
        "idea-status-changed",
        "suggestion-decided",
        "feedback-answered",
    ] {
        assert_eq!(parse(base(template)), Err(Malformed::About), "{template}");
    }
    // The record's own `status` is the sender's, never taken for the idea's.
    let mut idea = base("idea-status-changed");
    idea["ideaId"] = json!({"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TB"});
    assert_eq!(parse(idea), Err(Malformed::About));
}

#[test]
fn a_problem_report_update_reads_back_as_its_content_for_every_reporter() {
    use portal_shared::domain::ids::ReportId;
    use portal_shared::domain::person::Email;
    use portal_shared::features::notification::AboutReport;
    use portal_shared::policy::caller::UserSub;

    use crate::content::ReportStatus;

    let patient = Recipient::Patient {
        patient_id: PatientId::generate(),
    };
    let staff = Recipient::StaffMember {
        sub: UserSub::parse("staff-1").expect("sub"),
    };
    // A caregiver who filed in a patient's context, told at their account's address.
    let caregiver = Recipient::Account {
        sub: UserSub::parse("carer-1").expect("sub"),
        email: Email::parse("carer@example.org").expect("email"),
        language: Some("es".into()),
    };
    for (recipient, slug, status) in [
        (
            &patient,
            "waiting-on-reporter",
            Some(ReportStatus::WaitingOnReporter),
        ),
        (&staff, "in-progress", Some(ReportStatus::InProgress)),
        (&caregiver, "resolved", Some(ReportStatus::Resolved)),
        // A slug the sender does not know: sent, without naming it.
        (&patient, "Booking fails for my mother", None),
    ] {
        let report = ReportId::generate();
        let item = record_of(
            Kind::ProblemReportUpdated,
            recipient.clone(),
            AboutReport {
                report_id: report,
                patient_id: None,
                status: slug.into(),
            },
        );
        // Stored as `reportStatus`: the record's own `status` is the sender's.
        assert_eq!(
            item.get("reportStatus").and_then(|v| v.as_s().ok()),
            Some(&slug.to_owned())
        );
        let outbox = Outbox::parse(item).expect("parsed");
        assert_eq!(outbox.kind, Kind::ProblemReportUpdated);
        assert_eq!(&outbox.recipient, recipient);
        assert!(!outbox.has_secret() && outbox.named_channel().is_none());
        let content = outbox.content().expect("content");
        assert!(
            matches!(content, Content::ProblemReportUpdated { report: r, status: s, .. } if r == report && s == status),
            "{content:?}"
        );
        assert!(!format!("{content:?}").contains("mother"));
    }
}

#[test]
fn a_problem_report_record_without_its_report_or_status_is_malformed() {
    let base = json!({
        "PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"},
        "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "template": {"S": "problem-report-updated"},
        "recipient": {"M": {"kind": {"S": "patient"}, "patientId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TA"}}},
        "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
        "status": {"S": "pending"}
    });
    let parse = |image: serde_json::Value| {
        Outbox::parse(image_of(stream_insert("NOTIFICATIONS#0", image))).map(|_| ())
    };
    assert_eq!(parse(base.clone()), Err(Malformed::About));
    // The record's own `status` is never taken for the report's.
    let mut report = base.clone();
    report["reportId"] = json!({"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TB"});
    assert_eq!(parse(report.clone()), Err(Malformed::About));
    report["reportStatus"] = json!({"S": "triaged"});
    assert_eq!(parse(report), Ok(()));
    // Nor is a report id that is not one.
    let mut bad = base;
    bad["reportId"] = json!({"S": "REPORT#1"});
    bad["reportStatus"] = json!({"S": "triaged"});
    assert_eq!(parse(bad), Err(Malformed::About));
}

#[test]
fn an_announcement_shows_its_words_and_nothing_else() {
    use portal_shared::domain::ids::AnnouncementId;
    use portal_shared::domain::person::Email;
    use portal_shared::features::notification::AboutAnnouncement;
    use portal_shared::policy::caller::UserSub;

    let patient = PatientId::generate();
    let practice = Recipient::Address {
        email: Email::parse("office@other-practice.example").expect("email"),
        language: None,
    };
    for (recipient, portal) in [
        (
            Recipient::Patient {
                patient_id: patient,
            },
            true,
        ),
        (
            Recipient::StaffMember {
                sub: UserSub::parse("staff-1").expect("sub"),
            },
            true,
        ),
        (
            Recipient::Account {
                sub: UserSub::parse("carer-1").expect("sub"),
                email: Email::parse("carer@example.org").expect("email"),
                language: Some("es".into()),
            },
            true,
        ),
        (practice.clone(), false),
    ] {
        let id = AnnouncementId::generate();
        let mut item = record_of(
            Kind::Announcement,
            recipient.clone(),
            AboutAnnouncement {
                announcement_id: id,
                title: "New:\r\nonline check-in".into(),
                body: "From Monday you can check in online.\n\nAsk us if you need help.".into(),
                link: Some("https://practice.example/news".into()),
            },
        );
        // A field no producer may write: ignored.
        item.insert("visitReason".into(), store::string("chest pain"));
        let outbox = Outbox::parse(item).expect("parsed");
        assert_eq!(outbox.kind, Kind::Announcement);
        assert_eq!(outbox.recipient, recipient);
        assert!(!outbox.has_secret() && outbox.named_channel().is_none());
        let Some(Content::Announcement {
            title,
            body,
            link,
            portal: shown_portal,
        }) = outbox.content()
        else {
            panic!("announcement content");
        };
        // The title is one line (it becomes the subject).
        assert_eq!(title, "New: online check-in");
        assert!(body.starts_with("From Monday") && body.ends_with("need help."));
        assert_eq!(link.as_deref(), Some("https://practice.example/news"));
        assert_eq!(shown_portal, portal, "{recipient:?}");
        assert!(!format!("{:?}", outbox.content()).contains("chest pain"));
    }
    // A link that is not https is left out; the announcement is still sent.
    let item = record_of(
        Kind::Announcement,
        practice,
        AboutAnnouncement {
            announcement_id: AnnouncementId::generate(),
            title: "News".into(),
            body: "Text".into(),
            link: Some("javascript:alert(1)".into()),
        },
    );
    let outbox = Outbox::parse(item).expect("parsed");
    assert!(matches!(
        outbox.content(),
        Some(Content::Announcement {
            link: None,
            portal: false,
            ..
        })
    ));
}

#[test]
fn an_announcement_without_its_words_is_malformed() {
    let base = json!({
        "PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"},
        "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "template": {"S": "announcement"},
        "recipient": {"M": {"kind": {"S": "address"}, "email": {"S": "office@example.org"}}},
        "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
        "status": {"S": "pending"}
    });
    let parse = |image: serde_json::Value| {
        Outbox::parse(image_of(stream_insert("NOTIFICATIONS#0", image))).map(|_| ())
    };
    assert_eq!(parse(base.clone()), Err(Malformed::About));
    let mut news = base;
    news["announcementId"] = json!({"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TB"});
    news["title"] = json!({"S": "Practice news"});
    assert_eq!(parse(news.clone()), Err(Malformed::About));
    // Text that is nothing once read as plain text is no text.
    news["body"] = json!({"S": " \r\n\u{7} "});
    assert_eq!(parse(news.clone()), Err(Malformed::About));
    news["body"] = json!({"S": "We open at 9 on Saturdays."});
    assert_eq!(parse(news.clone()), Ok(()));
    news["title"] = json!({"S": "\n"});
    assert_eq!(parse(news.clone()), Err(Malformed::About));
    // The record's id must be an announcement's.
    news["title"] = json!({"S": "Practice news"});
    news["announcementId"] = json!({"S": "ANNOUNCEMENT#1"});
    assert_eq!(parse(news), Err(Malformed::About));
}

#[test]
fn a_weekly_digest_reads_back_as_its_week_and_counts() {
    use portal_shared::features::notification::AboutDigest;
    use portal_shared::policy::caller::UserSub;

    let lead = Recipient::StaffMember {
        sub: UserSub::parse("lead-1").expect("sub"),
    };
    let item = record_of(
        Kind::WeeklyDigest,
        lead.clone(),
        AboutDigest {
            digest_id: "2026-11-30".into(),
            from: "2026-11-30".into(),
            to: "2026-12-06".into(),
            open_reports: 7,
            breached: 1,
            incidents_opened: 2,
            activated: 12,
        },
    );
    let outbox = Outbox::parse(item).expect("parsed");
    assert_eq!(outbox.kind, Kind::WeeklyDigest);
    assert_eq!(outbox.recipient, lead);
    assert!(!outbox.has_secret() && outbox.named_channel().is_none());
    let Some(Content::WeeklyDigest {
        digest,
        from,
        to,
        open_reports,
        breached,
        incidents_opened,
        activated,
    }) = outbox.content()
    else {
        panic!("a digest");
    };
    assert_eq!(digest, jiff::civil::date(2026, 11, 30));
    assert_eq!(from, digest);
    assert_eq!(to, jiff::civil::date(2026, 12, 6));
    assert_eq!(
        (open_reports, breached, incidents_opened, activated),
        (7, 1, 2, 12)
    );
}

#[test]
fn a_digest_whose_days_are_not_dates_is_malformed() {
    let base = json!({
        "PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"},
        "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "template": {"S": "weekly-digest"},
        "recipient": {"M": {"kind": {"S": "staff-member"}, "sub": {"S": "lead-1"}}},
        "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
        "status": {"S": "pending"},
        "digestId": {"S": "2026-11-30"}, "from": {"S": "2026-11-30"}, "to": {"S": "2026-12-06"},
        "openReports": {"N": "7"}, "breached": {"N": "1"},
        "incidentsOpened": {"N": "2"}, "activated": {"N": "12"}
    });
    let parse = |image: serde_json::Value| {
        Outbox::parse(image_of(stream_insert("NOTIFICATIONS#0", image))).map(|_| ())
    };
    assert_eq!(parse(base.clone()), Ok(()));
    for (field, value) in [
        ("digestId", json!({"S": "Booking fails for my mother"})),
        ("from", json!({"S": "2026-11-30T07:00"})),
        ("to", json!({"S": "2026-13-01"})),
        ("openReports", json!({"N": "-1"})),
        ("activated", json!({"S": "twelve"})),
    ] {
        let mut bad = base.clone();
        bad[field] = value;
        assert_eq!(parse(bad), Err(Malformed::About), "{field}");
    }
    let mut missing = base;
    missing
        .as_object_mut()
        .expect("object")
        .remove("incidentsOpened");
    assert_eq!(parse(missing), Err(Malformed::About));
}

#[test]
fn a_refill_decision_reads_back_as_its_content() {
    use portal_shared::domain::ids::RefillId;
    use portal_shared::features::notification::AboutRefill;

    use crate::content::RefillNews;

    let patient = PatientId::generate();
    let to_patient = Recipient::Patient {
        patient_id: patient,
    };
    for (slug, status) in [
        ("approved", Some(RefillNews::Approved)),
        ("denied", Some(RefillNews::Denied)),
        ("visit-needed", Some(RefillNews::VisitNeeded)),
        ("sent", Some(RefillNews::Sent)),
        // A slug the sender does not know: sent, without naming it.
        ("Metformin 500 mg for my mother", None),
    ] {
        let refill = RefillId::generate();
        let item = record_of(
            Kind::RefillDecided,
            to_patient.clone(),
            AboutRefill {
                refill_id: refill,
                patient_id: patient,
                status: slug.into(),
            },
        );
        // Stored as `refillStatus`: the record's own `status` is the sender's.
        assert_eq!(
            item.get("refillStatus").and_then(|v| v.as_s().ok()),
            Some(&slug.to_owned())
        );
        let outbox = Outbox::parse(item).expect("parsed");
        assert_eq!(outbox.kind, Kind::RefillDecided);
        assert_eq!(outbox.recipient, to_patient);
        assert!(!outbox.has_secret() && outbox.named_channel().is_none());
        let content = outbox.content().expect("content");
        assert!(
            matches!(content, Content::RefillDecided { refill: r, patient: p, status: s }
                if r == refill && p == patient && s == status),
            "{content:?}"
        );
        assert!(!format!("{content:?}").contains("Metformin"));
    }
}

#[test]
fn a_refill_record_without_its_request_patient_or_status_is_malformed() {
    let base = json!({
        "PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"},
        "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "template": {"S": "refill-decided"},
        "recipient": {"M": {"kind": {"S": "patient"}, "patientId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TA"}}},
        "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
        "status": {"S": "pending"}
    });
    let parse = |image: serde_json::Value| {
        Outbox::parse(image_of(stream_insert("NOTIFICATIONS#0", image))).map(|_| ())
    };
    assert_eq!(parse(base.clone()), Err(Malformed::About));
    let mut refill = base.clone();
    refill["refillId"] = json!({"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TB"});
    refill["patientId"] = json!({"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TA"});
    // The record's own `status` is never taken for the request's.
    assert_eq!(parse(refill.clone()), Err(Malformed::About));
    refill["refillStatus"] = json!({"S": "approved"});
    assert_eq!(parse(refill.clone()), Ok(()));
    let mut no_patient = refill.clone();
    no_patient
        .as_object_mut()
        .expect("object")
        .remove("patientId");
    assert_eq!(parse(no_patient), Err(Malformed::About));
    let mut bad = refill;
    bad["refillId"] = json!({"S": "REFILL#1"});
    assert_eq!(parse(bad), Err(Malformed::About));
}

#[test]
fn a_shared_topic_reads_back_as_its_patient_alone() {
    use portal_shared::features::notification::AboutEducation;

    let patient = PatientId::generate();
    let to_patient = Recipient::Patient {
        patient_id: patient,
    };
    let mut item = record_of(
        Kind::EducationAssigned,
        to_patient.clone(),
        AboutEducation {
            patient_id: patient,
        },
    );
    // A field a producer should not have written never reaches the template.
    item.insert("topicId".into(), store::string("high-blood-pressure"));
    let outbox = Outbox::parse(item).expect("parsed");
    assert_eq!(outbox.kind, Kind::EducationAssigned);
    assert_eq!(outbox.recipient, to_patient);
    assert!(!outbox.has_secret() && outbox.named_channel().is_none());
    let content = outbox.content().expect("content");
    assert!(
        matches!(content, Content::EducationAssigned { patient: p } if p == patient),
        "{content:?}"
    );
    assert!(!format!("{content:?}").contains("blood"));
}

#[test]
fn a_shared_topic_without_its_patient_is_malformed() {
    let base = json!({
        "PK": {"S": "NOTIFICATIONS#0"}, "SK": {"S": "x"},
        "notificationId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8T9"},
        "template": {"S": "education-assigned"},
        "recipient": {"M": {"kind": {"S": "patient"}, "patientId": {"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TA"}}},
        "createdAt": {"S": "2027-01-01T00:00:00.000Z"},
        "status": {"S": "pending"}
    });
    let parse = |image: serde_json::Value| {
        Outbox::parse(image_of(stream_insert("NOTIFICATIONS#0", image))).map(|_| ())
    };
    assert_eq!(parse(base.clone()), Err(Malformed::About));
    let mut good = base.clone();
    good["patientId"] = json!({"S": "01JD3Z6T7XK8Q2M4N5P6R7S8TA"});
    assert_eq!(parse(good), Ok(()));
    let mut bad = base;
    bad["patientId"] = json!({"S": "PATIENT#1"});
    assert_eq!(parse(bad), Err(Malformed::About));
}
