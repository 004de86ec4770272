//! Round trips to AWS per route: a happy-path request to each measured route on a stack whose
//! AWS calls are counted (`aws_calls`), warm (the route's function has served it once, so cached
//! switches, revocation feed and secrets are not counted), twice, keeping the cheaper.
//! `make bench` prints the table; `platform::round_trips` holds every route to a ceiling.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use portal_shared::domain::timestamp::Timestamp;
use serde_json::{Value, json};

use crate::aws_calls::{CallCount, count};
use crate::*;

/// What a route does, and so the round trips it may make (issue 15's goal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One round trip: the audit write runs alongside the read.
    Read,
    /// At most two.
    Write,
    /// Booking: at most three.
    Booking,
}

impl Kind {
    /// The goal: sequential calls at most.
    pub const fn budget(self) -> usize {
        match self {
            Kind::Read => 1,
            Kind::Write => 2,
            Kind::Booking => 3,
        }
    }
}

/// The measured routes, as `template.yaml` names them.
pub const MEASURED_ROUTES: &[(&str, &str, Kind)] = &[
    ("GET", "/patients/{patientId}/profile", Kind::Read),
    ("PATCH", "/patients/{patientId}/profile", Kind::Write),
    ("GET", "/staff/patients", Kind::Read),
    ("POST", "/staff/patients", Kind::Write),
    ("GET", "/patients/{patientId}/access-log", Kind::Read),
    ("GET", "/patients/{patientId}/features", Kind::Read),
    (
        "GET",
        "/patients/{patientId}/notification-preferences",
        Kind::Read,
    ),
    (
        "PUT",
        "/patients/{patientId}/notification-preferences",
        Kind::Write,
    ),
    ("GET", "/patients/{patientId}/records", Kind::Read),
    (
        "GET",
        "/patients/{patientId}/records/{recordId}",
        Kind::Read,
    ),
    ("GET", "/patients/{patientId}/summary", Kind::Read),
    (
        "GET",
        "/patients/{patientId}/observations/{code}/series",
        Kind::Read,
    ),
    ("GET", "/patients/{patientId}/export", Kind::Read),
    ("GET", "/patients/{patientId}/sources", Kind::Read),
    ("GET", "/patients/{patientId}/imports", Kind::Read),
    ("POST", "/patients/{patientId}/imports", Kind::Write),
    ("POST", "/patients/{patientId}/results", Kind::Write),
    ("POST", "/patients/{patientId}/conversations", Kind::Write),
    ("GET", "/patients/{patientId}/conversations", Kind::Read),
    (
        "GET",
        "/patients/{patientId}/conversations/{conversationId}/messages",
        Kind::Read,
    ),
    (
        "POST",
        "/patients/{patientId}/conversations/{conversationId}/messages",
        Kind::Write,
    ),
    (
        "POST",
        "/patients/{patientId}/conversations/{conversationId}/read",
        Kind::Write,
    ),
    ("GET", "/staff/inbox", Kind::Read),
    ("GET", "/staff/inbox/counts", Kind::Read),
    ("GET", "/visit-types", Kind::Read),
    ("GET", "/providers", Kind::Read),
    ("GET", "/providers/{providerId}/slots", Kind::Read),
    ("POST", "/patients/{patientId}/appointments", Kind::Booking),
    ("GET", "/patients/{patientId}/appointments", Kind::Read),
    (
        "GET",
        "/patients/{patientId}/appointments/{appointmentId}",
        Kind::Read,
    ),
    (
        "POST",
        "/patients/{patientId}/appointments/{appointmentId}/cancel",
        Kind::Write,
    ),
    ("GET", "/staff/appointments", Kind::Read),
    ("POST", "/patients/{patientId}/care-circle", Kind::Write),
    ("GET", "/patients/{patientId}/care-circle", Kind::Read),
    (
        "POST",
        "/patients/{patientId}/care-circle/{invitationId}/revoke",
        Kind::Write,
    ),
    ("GET", "/admin/staff", Kind::Read),
    ("GET", "/staff/colleagues", Kind::Read),
    (
        "GET",
        "/patients/{patientId}/refills/medications",
        Kind::Read,
    ),
    ("POST", "/patients/{patientId}/refills", Kind::Write),
    ("GET", "/patients/{patientId}/refills", Kind::Read),
    ("GET", "/staff/refills", Kind::Read),
    ("GET", "/patients/{patientId}/education", Kind::Read),
];

/// One route's cost, warm.
#[derive(Debug, Clone)]
pub struct RouteCalls {
    pub method: &'static str,
    pub route: &'static str,
    pub kind: Kind,
    /// The measured request's status (a failed one measures nothing useful).
    pub status: u16,
    pub calls: CallCount,
}

/// The stack the round trips are measured on: its own, its AWS calls counted.
pub async fn spawn_counted_stack() -> &'static TestApp {
    spawn_own_stack_with(
        "round-trips",
        Harness {
            count_aws_calls: true,
        },
    )
    .await
}

/// Measures every route of [`MEASURED_ROUTES`] on `app` (started by [`spawn_counted_stack`]),
/// one request at a time.
pub async fn measure_round_trips(app: &TestApp) -> Vec<RouteCalls> {
    let fixtures = Fixtures::new(app).await;
    let mut rows = Vec::with_capacity(MEASURED_ROUTES.len());
    for &(method, route, kind) in MEASURED_ROUTES {
        let (status, calls) = measure(app, &fixtures, (method, route)).await;
        rows.push(RouteCalls {
            method,
            route,
            kind,
            status,
            calls,
        });
    }
    rows
}

/// `make bench`'s table: starts the counted stack, measures, prints.
pub async fn print_call_table() {
    let app = spawn_counted_stack().await;
    let rows = measure_round_trips(app).await;
    println!("{}", format_call_table(&rows));
}

/// The table: route, calls in all, sequential calls, the goal, the operations in order.
pub fn format_call_table(rows: &[RouteCalls]) -> String {
    let mut out = String::from(
        "AWS calls per request (warm, local stack; sequential = longest chain of calls one after another)\n",
    );
    let _ = writeln!(
        out,
        "{:<70} {:>5} {:>4} {:>4}  operations",
        "route", "total", "seq", "goal"
    );
    for row in rows {
        let over = if row.calls.sequential > row.kind.budget() {
            "!"
        } else {
            " "
        };
        let status = if (200..300).contains(&row.status) {
            String::new()
        } else {
            format!(" [status {}]", row.status)
        };
        let _ = writeln!(
            out,
            "{:<70} {:>5} {:>4} {:>3}{over}  {}{status}",
            format!("{} {}", row.method, row.route),
            row.calls.total,
            row.calls.sequential,
            row.kind.budget(),
            operations(&row.calls.operations),
        );
    }
    out
}

/// `DynamoDB.GetItem ×3, Cognito.ListUsers`: runs of one operation folded.
fn operations(names: &[String]) -> String {
    let mut runs: Vec<(&str, usize)> = Vec::new();
    for name in names {
        match runs.last_mut() {
            Some((last, n)) if *last == name.as_str() => *n += 1,
            _ => runs.push((name, 1)),
        }
    }
    runs.iter()
        .map(|(name, n)| {
            if *n == 1 {
                (*name).to_owned()
            } else {
                format!("{name} ×{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How long without a call before a request is sent: what the previous one set off (a stream
/// consumer's notification) has finished.
const QUIET: Duration = Duration::from_millis(300);
const SETTLE_LIMIT: Duration = Duration::from_secs(5);
const SAMPLES: usize = 2;

/// Warms the route up, then measures it [`SAMPLES`] times and keeps the cheapest (a cache
/// refresh falling due or a stream consumer's late call lands in one sample at most).
async fn measure(app: &TestApp, fixtures: &Fixtures, route: (&str, &str)) -> (u16, CallCount) {
    let log = app
        .aws_calls
        .as_ref()
        .expect("a stack started by spawn_counted_stack");
    let warm = fixtures.request(app, route).await;
    log.settle(QUIET, SETTLE_LIMIT).await;
    let reply = warm.send(app).await;
    if !(200..300).contains(&reply.status) {
        return (reply.status, count(&[]));
    }
    let mut best: Option<(u16, CallCount)> = None;
    for _ in 0..SAMPLES {
        let request = fixtures.request(app, route).await;
        log.settle(QUIET, SETTLE_LIMIT).await;
        let from = Instant::now();
        let reply = request.send(app).await;
        let calls = count(&log.during(from, Instant::now()));
        let better = best.as_ref().is_none_or(|(_, kept)| {
            (calls.sequential, calls.total) < (kept.sequential, kept.total)
        });
        if better || !(200..300).contains(&reply.status) {
            best = Some((reply.status, calls));
        }
        if !(200..300).contains(&reply.status) {
            break;
        }
    }
    best.unwrap_or_else(|| (0, count(&[])))
}

/// A request as one caller sends it.
struct Prepared {
    method: Method,
    path: String,
    who: Actor,
    body: Option<Value>,
    if_match: Option<&'static str>,
}

impl Prepared {
    fn new(method: Method, path: String, who: &Actor) -> Prepared {
        Prepared {
            method,
            path,
            who: who.clone(),
            body: None,
            if_match: None,
        }
    }

    fn body(mut self, body: Value) -> Prepared {
        self.body = Some(body);
        self
    }

    async fn send(self, app: &TestApp) -> Reply {
        match self.if_match {
            Some(tag) => {
                app.send_with_headers(
                    self.method,
                    &self.path,
                    &self.who,
                    self.body.unwrap_or_default(),
                    &[("If-Match", tag)],
                )
                .await
            }
            None => {
                app.send(self.method, &self.path, Some(&self.who), self.body)
                    .await
            }
        }
    }
}

/// What the reads need to find: a patient with records, a conversation and an appointment.
struct Fixtures {
    patient: Patient,
    record: String,
    conversation: String,
    provider: String,
    appointment: String,
}

impl Fixtures {
    async fn new(app: &TestApp) -> Fixtures {
        let patient = app.new_patient().await;
        let imported = app
            .import_bundle(
                &patient.id,
                &app.clinician,
                &crate::fhir::small_bundle(&patient.family),
                "",
            )
            .await;
        assert_eq!(imported.status, 201, "importing: {imported:#?}");
        import_prescription(app, &patient).await;
        let added = app.add_result(&patient.id, &app.clinician).await;
        assert_eq!(added.status, 201, "adding a result: {added:#?}");
        let listed = app
            .get(&format!("/patients/{}/records", patient.id), &patient.actor)
            .await;
        let record = id_of(&listed.body["items"][0], "recordId");
        let conversation = start_conversation(app, &patient).await;
        let provider = new_provider(app).await;
        let appointment = book(app, &patient, &provider).await;
        Fixtures {
            patient,
            record,
            conversation,
            provider,
            appointment,
        }
    }

    /// A request to `route` that succeeds, with what it needs made first.
    async fn request(&self, app: &TestApp, route: (&str, &str)) -> Prepared {
        let patient = &self.patient;
        let me = &patient.actor;
        let id = &patient.id;
        let conversation = format!("/patients/{id}/conversations/{}", self.conversation);
        match route {
            ("PATCH", "/patients/{patientId}/profile") => {
                // A patient of its own: version 1 every time.
                let fresh = app.new_patient().await;
                let mut prepared = Prepared::new(
                    Method::PATCH,
                    format!("/patients/{}/profile", fresh.id),
                    &fresh.actor,
                )
                .body(json!({"preferredName": "Bench"}));
                prepared.if_match = Some("\"1\"");
                prepared
            }
            ("GET", "/staff/patients") => Prepared::new(
                Method::GET,
                "/staff/patients?q=lopez".into(),
                &app.front_desk,
            ),
            ("POST", "/staff/patients") => {
                Prepared::new(Method::POST, "/staff/patients".into(), &app.front_desk)
                    .body(registration(&unique_family_name()))
            }
            ("PUT", "/patients/{patientId}/notification-preferences") => Prepared::new(
                Method::PUT,
                format!("/patients/{id}/notification-preferences"),
                me,
            )
            .body(json!({"channels": {"new-portal-message": "none"}})),
            ("GET", "/patients/{patientId}/records/{recordId}") => Prepared::new(
                Method::GET,
                format!("/patients/{id}/records/{}", self.record),
                me,
            ),
            ("GET", "/patients/{patientId}/observations/{code}/series") => Prepared::new(
                Method::GET,
                format!("/patients/{id}/observations/4548-4/series"),
                me,
            ),
            ("POST", "/patients/{patientId}/imports") => {
                // A patient of its own: a first import every time.
                let fresh = app.new_patient().await;
                Prepared::new(
                    Method::POST,
                    format!("/patients/{}/imports", fresh.id),
                    &fresh.actor,
                )
                .body(crate::fhir::small_bundle(&fresh.family))
            }
            ("POST", "/patients/{patientId}/results") => Prepared::new(
                Method::POST,
                format!("/patients/{id}/results"),
                &app.clinician,
            )
            .body(crate::fhir::new_result()),
            ("POST", "/patients/{patientId}/conversations") => {
                Prepared::new(Method::POST, format!("/patients/{id}/conversations"), me).body(
                    json!({"category": "billing", "subject": "Bench", "message": "A question."}),
                )
            }
            ("GET", "/patients/{patientId}/conversations/{conversationId}/messages") => {
                Prepared::new(Method::GET, format!("{conversation}/messages"), me)
            }
            ("POST", "/patients/{patientId}/conversations/{conversationId}/messages") => {
                Prepared::new(Method::POST, format!("{conversation}/messages"), me)
                    .body(json!({"message": "Bench reply"}))
            }
            ("POST", "/patients/{patientId}/conversations/{conversationId}/read") => {
                Prepared::new(Method::POST, format!("{conversation}/read"), me)
            }
            ("GET", "/staff/inbox") => Prepared::new(
                Method::GET,
                "/staff/inbox?category=medical-question".into(),
                &app.clinician,
            ),
            ("GET", "/staff/inbox/counts") => {
                Prepared::new(Method::GET, "/staff/inbox/counts".into(), &app.clinician)
            }
            ("GET", "/providers/{providerId}/slots") => Prepared::new(
                Method::GET,
                format!("/providers/{}/slots?visitType=follow-up", self.provider),
                me,
            ),
            // A patient of their own each time: a patient holds few upcoming appointments.
            ("POST", "/patients/{patientId}/appointments") => {
                let fresh = app.new_patient().await;
                let start = slot_in(app, &self.provider).await;
                Prepared::new(
                    Method::POST,
                    format!("/patients/{}/appointments", fresh.id),
                    &fresh.actor,
                )
                .body(booking(&self.provider, &start))
            }
            ("GET", "/patients/{patientId}/appointments/{appointmentId}") => Prepared::new(
                Method::GET,
                format!("/patients/{id}/appointments/{}", self.appointment),
                me,
            ),
            ("POST", "/patients/{patientId}/appointments/{appointmentId}/cancel") => {
                let fresh = app.new_patient().await;
                let appointment = book(app, &fresh, &self.provider).await;
                Prepared::new(
                    Method::POST,
                    format!("/patients/{}/appointments/{appointment}/cancel", fresh.id),
                    &fresh.actor,
                )
            }
            ("GET", "/staff/appointments") => {
                Prepared::new(Method::GET, "/staff/appointments".into(), &app.front_desk)
            }
            ("POST", "/patients/{patientId}/care-circle") => {
                Prepared::new(Method::POST, format!("/patients/{id}/care-circle"), me)
                    .body(invitation_body(&unique_carer_email()))
            }
            ("POST", "/patients/{patientId}/care-circle/{invitationId}/revoke") => {
                let invited = app.invite_caregiver(id, &app.front_desk).await;
                Prepared::new(
                    Method::POST,
                    format!(
                        "/patients/{id}/care-circle/{}/revoke",
                        invited.invitation_id
                    ),
                    me,
                )
            }
            ("GET", "/admin/staff") => {
                Prepared::new(Method::GET, "/admin/staff".into(), &app.admin)
            }
            ("GET", "/staff/colleagues") => Prepared::new(
                Method::GET,
                "/staff/colleagues?category=medical-question".into(),
                &app.clinician,
            ),
            // A patient of their own each time: one open request per medication.
            ("POST", "/patients/{patientId}/refills") => {
                let fresh = app.new_patient().await;
                let record = import_prescription(app, &fresh).await;
                Prepared::new(
                    Method::POST,
                    format!("/patients/{}/refills", fresh.id),
                    &fresh.actor,
                )
                .body(json!({
                    "recordId": record,
                    "pharmacy": {
                        "name": "Corner Pharmacy",
                        "address": {"line": "12 Elm Street", "city": "Springfield", "state": "IL", "postalCode": "62701"},
                        "phone": "+15555550123",
                        "npi": "1234567893",
                    },
                    "note": "Running out at the end of the week.",
                }))
            }
            ("GET", "/staff/refills") => {
                Prepared::new(Method::GET, "/staff/refills".into(), &app.clinician)
            }
            // The patient's own reads, and the directory any patient reads.
            (method, path) => {
                assert_eq!(method, "GET", "no request for {method} {path}");
                Prepared::new(Method::GET, path.replace("{patientId}", id), me)
            }
        }
    }
}

/// The patient starts a conversation; its id.
async fn start_conversation(app: &TestApp, patient: &Patient) -> String {
    let started = app
        .send(
            Method::POST,
            &format!("/patients/{}/conversations", patient.id),
            Some(&patient.actor),
            Some(json!({"category": "appointment", "subject": "Bench", "message": "Earlier?"})),
        )
        .await;
    assert_eq!(started.status, 201, "{started:#?}");
    id_of(&started.body["conversation"], "conversationId")
}

/// The practice's own export for the patient (a visit 30 days ago, active metformin), imported
/// by a clinician; the medication's record id, which the patient may ask to refill.
async fn import_prescription(app: &TestApp, patient: &Patient) -> String {
    let [(_, practice), (_, npi)] = portal_local::local_stack::DEMO_PRACTICE;
    let visit = Timestamp::now()
        .minus(Duration::from_secs(30 * 24 * 3600))
        .to_string();
    let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:practice", "resource": {
            "resourceType": "Organization", "id": "practice", "name": practice,
            "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": npi}]}},
        {"fullUrl": "urn:uuid:patient", "resource": {
            "resourceType": "Patient", "id": "patient",
            "name": [{"family": patient.family, "given": ["Ana"]}], "birthDate": "1984-03-12"}},
        {"fullUrl": "urn:uuid:metformin", "resource": {
            "resourceType": "MedicationRequest", "id": "metformin", "status": "active",
            "intent": "order",
            "medicationCodeableConcept": {
                "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                            "code": "860975", "display": "metformin 500 MG Oral Tablet"}],
                "text": "metformin 500 MG Oral Tablet"},
            "subject": {"reference": "urn:uuid:patient"},
            "requester": {"reference": "urn:uuid:practice"},
            "authoredOn": "2025-02-10",
            "dosageInstruction": [{"text": "One tablet by mouth daily"}]}},
        {"fullUrl": "urn:uuid:visit", "resource": {
            "resourceType": "Encounter", "id": "visit", "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "subject": {"reference": "urn:uuid:patient"},
            "period": {"start": visit, "end": visit},
            "serviceProvider": {"reference": "urn:uuid:practice"}}},
    ]});
    let imported = app
        .import_bundle(&patient.id, &app.clinician, &bundle, "")
        .await;
    assert_eq!(
        imported.status, 201,
        "importing a prescription: {imported:#?}"
    );
    let listed = app
        .get(
            &format!("/patients/{}/refills/medications", patient.id),
            &patient.actor,
        )
        .await;
    assert_eq!(listed.status, 200, "the medications: {listed:#?}");
    id_of(&listed.body["items"][0], "recordId")
}

/// A provider with hours every day around the clock (added and published by the front desk).
async fn new_provider(app: &TestApp) -> String {
    let added = app
        .send(
            Method::POST,
            "/staff/providers",
            Some(&app.front_desk),
            Some(json!({
                "name": unique("Dr. Bench"),
                "specialty": "family-medicine",
                "acceptingNewPatients": true,
                "visitTypes": ["new-patient", "follow-up", "telehealth"],
            })),
        )
        .await;
    assert_eq!(added.status, 201, "adding a provider: {added:#?}");
    let provider = id_of(&added.body, "providerId");
    let days = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let hours = json!({
        "weekly": days.iter().map(|day| json!({"day": day, "start": "00:00", "end": "24:00"})).collect::<Vec<_>>(),
        "closedDates": [],
        "blocks": [],
    });
    let published = app
        .send_with_headers(
            Method::PUT,
            &format!("/staff/providers/{provider}/schedule"),
            &app.front_desk,
            hours,
            &[("If-Match", "\"0\"")],
        )
        .await;
    assert_eq!(published.status, 200, "publishing hours: {published:#?}");
    provider
}

/// The first open follow-up slot two days or more from now.
async fn slot_in(app: &TestApp, provider: &str) -> String {
    let from = Timestamp::now().plus(Duration::from_secs(48 * 3600));
    let to = from.plus(Duration::from_secs(7 * 24 * 3600));
    let reply = app
        .get(
            &format!("/providers/{provider}/slots?visitType=follow-up&from={from}&to={to}"),
            &app.front_desk,
        )
        .await;
    assert_eq!(reply.status, 200, "open slots: {reply:#?}");
    id_of(&reply.body["items"][0], "start")
}

fn booking(provider: &str, start: &str) -> Value {
    json!({
        "providerId": provider,
        "visitType": "follow-up",
        "start": start,
        "reason": "Blood pressure check",
    })
}

/// The front desk books the patient's next open slot with `provider`; the appointment's id.
async fn book(app: &TestApp, patient: &Patient, provider: &str) -> String {
    let start = slot_in(app, provider).await;
    let booked = app
        .send(
            Method::POST,
            &format!("/patients/{}/appointments", patient.id),
            Some(&app.front_desk),
            Some(booking(provider, &start)),
        )
        .await;
    assert_eq!(booked.status, 201, "booking: {booked:#?}");
    id_of(&booked.body, "appointmentId")
}
