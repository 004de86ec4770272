//! The demo practice: one staff member per staff role (each with an authenticator app
//! enrolled, its secret in the stack file), a newly hired clinician still in onboarding
//! (`seed_education`), a clinician who has yet to enrol an authenticator app, three patients, a caregiver in the first patient's care circle,
//! every patient's health record from three sources, and two providers with weekly hours and one
//! booked visit (`seed_schedule`).
//!
//! Patients are registered through the running gateway (`POST /staff/patients` with the front
//! desk's real token), so the portal's own code writes their records; then each gets a sign-in
//! in the `patients` group carrying their patient id. The first patient has written to the care
//! team (a medical question, through the API with her own token), so the clinicians' inbox has
//! something in it. The pharmacy directory and one refill request (`seed_refills`), and a health
//! topic the clinician shared with the first patient (`seed_education`), follow the health
//! records.

use anyhow::{Context, Result, bail};
use portal_shared::policy::caller::Role;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::identity::{self, DEMO_PASSWORD};
use crate::stack::Stack;

/// A demo sign-in, as listed in the stack file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoUser {
    /// Short name to ask for a token by: `clinician`, `frontdesk`, `response`, `admin`,
    /// `patient1`...
    pub role: String,
    pub email: String,
    pub password: String,
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// The user's Cognito `sub` (what the authorizer's claims carry), for
    /// `portal-local event`; absent in stack files written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The base32 secret of the staff member's authenticator app (every demo staff member but
    /// one is enrolled): `portal-local token` and the e2e runner compute sign-in codes from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
}

struct Staff {
    role: &'static str,
    email: &'static str,
    given: &'static str,
    family: &'static str,
    group: &'static str,
}

const STAFF: &[Staff] = &[
    Staff {
        role: "clinician",
        email: "clinician@demo.portal.test",
        given: "Grace",
        family: "Adeyemi",
        group: "clinicians",
    },
    Staff {
        role: "frontdesk",
        email: "frontdesk@demo.portal.test",
        given: "Tom",
        family: "Becker",
        group: "front-desk",
    },
    Staff {
        role: "response",
        email: "response@demo.portal.test",
        given: "Priya",
        family: "Nair",
        group: "response-team",
    },
    Staff {
        role: "portallead",
        email: "portallead@demo.portal.test",
        given: "Jordan",
        family: "Reyes",
        group: "portal-leads",
    },
    Staff {
        role: "admin",
        email: "admin@demo.portal.test",
        given: "Alex",
        family: "Morgan",
        group: "admins",
    },
];

/// The registration bodies of the demo patients (`POST /staff/patients`).
pub fn demo_patients() -> Vec<Value> {
    let patient = |given: &str, family: &str, born: &str, sex: &str, email: &str, phone: &str| {
        json!({
            "legalName": {"given": given, "family": family},
            "dateOfBirth": born,
            "sex": sex,
            "contact": {"email": email, "phone": phone},
        })
    };
    vec![
        patient(
            "Ana",
            "Lopez",
            "1984-03-12",
            "female",
            "ana.lopez@demo.portal.test",
            "+15555550101",
        ),
        patient(
            "Samuel",
            "Okafor",
            "1957-11-30",
            "male",
            "samuel.okafor@demo.portal.test",
            "+15555550102",
        ),
        patient(
            "Mei",
            "Tanaka",
            "2001-06-05",
            "female",
            "mei.tanaka@demo.portal.test",
            "+15555550103",
        ),
    ]
}

/// Seeds the demo practice into `stack`, whose gateway answers at `api_url`.
pub async fn seed_demo(stack: &Stack, api_url: &str) -> Result<Vec<DemoUser>> {
    let mut users = Vec::new();
    for staff in STAFF {
        let sub = identity::create_staff_user(
            stack,
            staff.email,
            staff.given,
            staff.family,
            &[staff.group],
            DEMO_PASSWORD,
        )
        .await?;
        users.push(DemoUser {
            role: staff.role.to_owned(),
            email: staff.email.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            groups: vec![staff.group.to_owned()],
            patient_id: None,
            sub: non_empty(sub),
            totp_secret: identity::totp_secret(staff.email),
        });
    }
    // Hired after onboarding began: her plan gates the message inbox until she is trained.
    let sub = crate::seed_education::seed_new_clinician(stack).await?;
    users.push(DemoUser {
        role: crate::seed_education::NEW_CLINICIAN_ROLE.to_owned(),
        email: crate::seed_education::NEW_CLINICIAN_EMAIL.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
        groups: vec![Role::Clinician.group().to_owned()],
        patient_id: None,
        sub: non_empty(sub),
        totp_secret: identity::totp_secret(crate::seed_education::NEW_CLINICIAN_EMAIL),
    });
    users.push(seed_unenrolled_clinician(stack).await?);

    let front_desk = identity::sign_in(stack, "frontdesk@demo.portal.test", DEMO_PASSWORD).await?;
    let http = reqwest::Client::new();
    for (n, registration) in demo_patients().into_iter().enumerate() {
        let email = registration
            .pointer("/contact/email")
            .and_then(Value::as_str)
            .context("demo patient without an email")?
            .to_owned();
        let patient_id = register_patient(&http, api_url, &front_desk, &registration).await?;
        let sub = identity::create_patient_login(stack, &email, &patient_id, DEMO_PASSWORD).await?;
        users.push(DemoUser {
            role: format!("patient{}", n + 1),
            email,
            password: DEMO_PASSWORD.to_owned(),
            groups: vec![identity::PATIENTS_GROUP.to_owned()],
            patient_id: Some(patient_id),
            sub: non_empty(sub),
            totp_secret: None,
        });
    }
    let first_patient = demo_patients()
        .first()
        .and_then(|p| {
            p.pointer("/contact/email")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .context("no demo patient")?;
    let patient_token = identity::sign_in(stack, &first_patient, DEMO_PASSWORD).await?;
    start_conversation(&http, api_url, &patient_token, &demo_conversation()).await?;
    let patient2 = users
        .iter()
        .find(|user| user.role == "patient2")
        .and_then(|user| user.patient_id.clone());
    crate::seed_schedule::seed_schedule(&http, api_url, &front_desk, patient2.as_deref()).await?;
    users.push(seed_caregiver(stack, &http, api_url).await?);
    let lead = identity::sign_in(stack, "portallead@demo.portal.test", DEMO_PASSWORD).await?;
    crate::seed_feedback::seed_feedback(&http, api_url, &lead).await?;
    let team = identity::sign_in(stack, "response@demo.portal.test", DEMO_PASSWORD).await?;
    crate::seed_support::seed_support(&http, api_url, &patient_token, &team).await?;
    crate::seed_support::seed_digest(stack).await?;
    for (n, registration) in demo_patients().iter().enumerate() {
        let role = format!("patient{}", n + 1);
        let user = users
            .iter()
            .find(|u| u.role == role)
            .with_context(|| format!("no {role}"))?;
        let patient_id = user.patient_id.as_deref().context("no patient id")?;
        seed_health_record(stack, &http, api_url, patient_id, &user.email, registration).await?;
    }
    // After the records: the demo refill request names one of the second patient's medications.
    let patient2_email = users
        .iter()
        .find(|user| user.role == "patient2")
        .map(|user| user.email.clone())
        .context("no patient2")?;
    let patient2_token = identity::sign_in(stack, &patient2_email, DEMO_PASSWORD).await?;
    crate::seed_refills::seed_refills(&http, api_url, &front_desk, &patient2_token).await?;
    // The clinician shares the hypertension topic with Ana (her record matches the rest).
    let patient1 = users
        .iter()
        .find(|user| user.role == "patient1")
        .and_then(|user| user.patient_id.clone())
        .context("no patient1")?;
    let clinician = identity::sign_in(stack, "clinician@demo.portal.test", DEMO_PASSWORD).await?;
    crate::seed_education::seed_education(&http, api_url, &clinician, &patient1).await?;
    Ok(users)
}

/// Who hands a demo bundle in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploader {
    Clinician,
    /// The patient, with a file downloaded from another portal.
    ThePatient,
    FrontDesk,
}

/// The FHIR bundles of every demo patient's record, shipped in `infra/local/demo/`: their own
/// practice's, an urgent care's and a specialist clinic's. They are written out to patient1
/// (Ana Lopez); [`bundle_for`] makes them out to each demo patient.
pub const DEMO_BUNDLES: [(Uploader, &str); 3] = [
    (
        Uploader::Clinician,
        include_str!("../demo/maple-street-family-practice.json"),
    ),
    // A file the patient downloaded from the urgent care's portal and uploaded herself.
    (
        Uploader::ThePatient,
        include_str!("../demo/riverside-urgent-care.json"),
    ),
    // The specialist's summary, which the patient handed to the front desk.
    (
        Uploader::FrontDesk,
        include_str!("../demo/lakeside-endocrinology.json"),
    ),
];

/// `bundle` with every Patient resource made out to the demo patient of `registration` (a
/// `POST /staff/patients` body): name, birth date and sex, so the import's patient check
/// matches the profile.
pub fn bundle_for(bundle: &str, registration: &Value) -> Result<String> {
    let mut bundle: Value = serde_json::from_str(bundle).context("a demo bundle is not JSON")?;
    let name = &registration["legalName"];
    // The profile's sex values are FHIR's AdministrativeGender codes.
    let gender =
        serde_json::from_value::<portal_shared::domain::person::Sex>(registration["sex"].clone())
            .unwrap_or(portal_shared::domain::person::Sex::Unknown);
    for entry in bundle["entry"]
        .as_array_mut()
        .context("a demo bundle without entries")?
    {
        let resource = &mut entry["resource"];
        if resource["resourceType"] == "Patient" {
            resource["name"] = json!([{
                "use": "official", "family": name["family"], "given": [name["given"]]
            }]);
            resource["birthDate"] = registration["dateOfBirth"].clone();
            resource["gender"] = json!(gender);
        }
    }
    Ok(bundle.to_string())
}

/// One demo patient's record from three sources, through the real import route.
async fn seed_health_record(
    stack: &Stack,
    http: &reqwest::Client,
    api_url: &str,
    patient_id: &str,
    patient_email: &str,
    registration: &Value,
) -> Result<()> {
    let api = api_url.trim_end_matches('/');
    for (uploader, bundle) in DEMO_BUNDLES {
        let who = match uploader {
            Uploader::Clinician => "clinician@demo.portal.test",
            Uploader::ThePatient => patient_email,
            Uploader::FrontDesk => "frontdesk@demo.portal.test",
        };
        let token = identity::sign_in(stack, who, DEMO_PASSWORD).await?;
        checked(
            http.post(format!("{api}/patients/{patient_id}/imports"))
                .bearer_auth(&token)
                .header("Content-Type", "application/fhir+json")
                .body(bundle_for(bundle, registration)?)
                .send()
                .await
                .context("cannot reach the gateway")?,
            "importing a demo FHIR bundle",
        )
        .await?;
    }
    Ok(())
}

/// patient1's son, in her care circle (records, messages, appointments), through the real
/// path: she invites him (`POST /patients/me/care-circle`) and he accepts the code with a new
/// account (`POST /auth/invitations/accept`).
async fn seed_caregiver(stack: &Stack, http: &reqwest::Client, api_url: &str) -> Result<DemoUser> {
    const EMAIL: &str = "sam.lopez@demo.portal.test";
    let api = api_url.trim_end_matches('/');
    let patient = identity::sign_in(stack, "ana.lopez@demo.portal.test", DEMO_PASSWORD).await?;
    let invited: Value = checked(
        http.post(format!("{api}/patients/me/care-circle"))
            .bearer_auth(&patient)
            .json(&serde_json::json!({
                "email": EMAIL,
                "name": "Sam Lopez",
                "relationship": "son",
                "scopes": ["records", "messages", "appointments"],
            }))
            .send()
            .await
            .context("cannot reach the gateway")?,
        "inviting the demo caregiver",
    )
    .await?;
    let code = invited
        .get("code")
        .and_then(Value::as_str)
        .context("the invitation has no code")?;
    checked(
        http.post(format!("{api}/auth/invitations/accept"))
            .json(&serde_json::json!({
                "code": code,
                "email": EMAIL,
                "password": DEMO_PASSWORD,
                "givenName": "Sam",
                "familyName": "Lopez",
            }))
            .send()
            .await
            .context("cannot reach the gateway")?,
        "accepting the demo caregiver's invitation",
    )
    .await?;
    let sub = identity::user_sub(stack, EMAIL).await?;
    Ok(DemoUser {
        role: "caregiver".to_owned(),
        email: EMAIL.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
        groups: vec!["caregivers".to_owned()],
        patient_id: None,
        sub: non_empty(sub),
        totp_secret: None,
    })
}

/// The clinician who has not enrolled an authenticator app yet: signing in, the web app asks
/// him to enrol one before he reaches the inbox (every staff route answers `mfa-required`).
pub const UNENROLLED_CLINICIAN_ROLE: &str = "unenrolled";
pub const UNENROLLED_CLINICIAN_EMAIL: &str = "unenrolled@demo.portal.test";

async fn seed_unenrolled_clinician(stack: &Stack) -> Result<DemoUser> {
    let group = Role::Clinician.group();
    let sub = identity::create_staff_user_without_mfa(
        stack,
        UNENROLLED_CLINICIAN_EMAIL,
        "Omar",
        "Farouk",
        &[group],
        DEMO_PASSWORD,
    )
    .await?;
    Ok(DemoUser {
        role: UNENROLLED_CLINICIAN_ROLE.to_owned(),
        email: UNENROLLED_CLINICIAN_EMAIL.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
        groups: vec![group.to_owned()],
        patient_id: None,
        sub: non_empty(sub),
        totp_secret: None,
    })
}

/// The JSON body of a successful response, or an error saying what failed.
async fn checked(response: reqwest::Response, what: &str) -> Result<Value> {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{what} failed with {status}: {body}");
    }
    Ok(body)
}

/// The demo patient's question to the care team (`POST /patients/me/conversations`).
pub fn demo_conversation() -> Value {
    json!({
        "category": "medical-question",
        "subject": "Dizzy after the new blood pressure tablets",
        "message": "Since I started the new tablets last week I feel dizzy when I stand up. Should I keep taking them?",
    })
}

/// Starts a conversation as the patient whose token this is.
pub async fn start_conversation(
    http: &reqwest::Client,
    api_url: &str,
    patient_token: &str,
    conversation: &Value,
) -> Result<()> {
    let response = http
        .post(format!(
            "{}/patients/me/conversations",
            api_url.trim_end_matches('/')
        ))
        .bearer_auth(patient_token)
        .header("Idempotency-Key", ulid::Ulid::generate().to_string())
        .json(conversation)
        .send()
        .await
        .context("cannot reach the gateway")?;
    let status = response.status();
    if !status.is_success() {
        let body: Value = response.json().await.unwrap_or(Value::Null);
        bail!("starting the demo conversation failed with {status}: {body}");
    }
    Ok(())
}

fn non_empty(value: String) -> Option<String> {
    Some(value).filter(|v| !v.is_empty())
}

/// Registers a patient through the API as a front-desk user; returns the new patient id.
pub async fn register_patient(
    http: &reqwest::Client,
    api_url: &str,
    front_desk_token: &str,
    registration: &Value,
) -> Result<String> {
    let response = http
        .post(format!("{}/staff/patients", api_url.trim_end_matches('/')))
        .bearer_auth(front_desk_token)
        .header("Idempotency-Key", ulid::Ulid::generate().to_string())
        .json(registration)
        .send()
        .await
        .context("cannot reach the gateway")?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("registering a demo patient failed with {status}: {body}");
    }
    Ok(body
        .get("patientId")
        .and_then(Value::as_str)
        .context("the registration response has no patientId")?
        .to_owned())
}
