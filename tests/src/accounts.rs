//! Portal accounts: activation codes, activation, sign-in, MFA, care-circle invitations.

use crate::*;
use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use portal_local::identity::{self, DEMO_PASSWORD};
use portal_shared::domain::ids::PatientId;
use portal_shared::platform::keys;
use serde_json::{Value, json};

/// A client address of its own (any 127.x.y.z reaches the local gateway over loopback), so a
/// test's failed attempts count against no other test's limits.
pub fn fresh_client_address() -> std::net::IpAddr {
    let id = ulid::Ulid::generate().random();
    let [a, b, c] = [(id >> 16) as u8, (id >> 8) as u8, id as u8];
    // 127.0.0.1 stays the shared default; 0 and 255 in the last byte are avoided.
    std::net::IpAddr::from([127, a | 1, b, c.clamp(2, 254)])
}

impl TestApp {
    /// Sets the auth function's attempt counter for `purpose` and `subject` (a client address
    /// or a lower-cased email) to `attempts` in a window that opened at `window_start` (epoch
    /// seconds), as if those attempts had been made then.
    pub async fn put_attempt_counter(
        &self,
        purpose: &str,
        subject: &str,
        attempts: u32,
        window_start: i64,
    ) {
        let subject = self.code_hasher().await.hash_hex("attempts", subject);
        let key = keys::attempt_counter(purpose, &subject);
        let mut item = key.attributes();
        item.insert("attempts".into(), AttributeValue::N(attempts.to_string()));
        item.insert(
            "windowStart".into(),
            AttributeValue::N(window_start.to_string()),
        );
        item.insert(
            keys::EXPIRES_AT.into(),
            AttributeValue::N((window_start + 3600).to_string()),
        );
        self.put_app_item(item).await;
    }
}

/// An activation code as the front desk got it.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub code_id: String,
    pub code: String,
}

impl TestApp {
    /// Sends an anonymous JSON request from `from` (the public `/auth/*` routes).
    pub async fn send_public(
        &self,
        from: std::net::IpAddr,
        path: &str,
        body: Value,
        bearer: Option<&str>,
    ) -> Reply {
        let client = reqwest::Client::builder()
            .local_address(from)
            .build()
            .expect("client");
        let mut request = client.post(self.url(path)).json(&body);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        Self::read(request.send().await.expect("request sent")).await
    }

    /// Sends an anonymous JSON request from `from` with this User-Agent, as a browser would
    /// (`send_public` sends none): the new sign-in notice tells clients apart by both.
    pub async fn send_public_as(
        &self,
        from: std::net::IpAddr,
        user_agent: &str,
        path: &str,
        body: Value,
    ) -> Reply {
        let client = reqwest::Client::builder()
            .local_address(from)
            .user_agent(user_agent)
            .build()
            .expect("client");
        let request = client.post(self.url(path)).json(&body);
        Self::read(request.send().await.expect("request sent")).await
    }

    /// Registers a patient through the API without giving them a sign-in (they get one by
    /// activating). Returns the patient id and the family name.
    pub async fn register_patient(&self) -> (String, String) {
        let family = unique_family_name();
        let reply = self
            .send(
                Method::POST,
                "/staff/patients",
                Some(&self.front_desk),
                Some(registration(&family)),
            )
            .await;
        assert_eq!(reply.status, 201, "registering a test patient: {reply:#?}");
        let id = reply.body["patientId"]
            .as_str()
            .expect("patientId")
            .to_owned();
        (id, family)
    }

    /// The front desk issues an activation code for the patient.
    pub async fn issue_code(&self, patient_id: &str) -> IssuedCode {
        let reply = self
            .send(
                Method::POST,
                &format!("/staff/patients/{patient_id}/activation-codes"),
                Some(&self.front_desk),
                Some(json!({})),
            )
            .await;
        assert_eq!(reply.status, 201, "issuing a code: {reply:#?}");
        IssuedCode {
            code_id: reply.body["codeId"].as_str().expect("codeId").to_owned(),
            code: reply.body["code"].as_str().expect("code").to_owned(),
        }
    }

    /// Sets `attribute` on both items of an activation code (to age one, say).
    pub async fn set_code_attribute(
        &self,
        patient_id: &str,
        code_id: &str,
        attribute: &str,
        value: Value,
    ) {
        let patient = PatientId::parse(patient_id).expect("patient id");
        let code = portal_shared::domain::ids::ActivationCodeId::parse(code_id).expect("code id");
        let key = keys::activation_code(patient, code);
        let attribute = attribute.to_owned();
        let value: AttributeValue = serde_dynamo::to_attribute_value(value).expect("value");
        self.background
            .run(move |stack| async move {
                let table = stack.table("AppTable").context("app table")?.to_owned();
                let item = stack
                    .dynamodb()
                    .get_item()
                    .table_name(&table)
                    .set_key(Some(key.attributes()))
                    .consistent_read(true)
                    .send()
                    .await?
                    .item
                    .context("no code item")?;
                // `codeSha256` on codes stored before keyed hashes (the legacy tests make some).
                let hash = match item.get("codeHash").or_else(|| item.get("codeSha256")) {
                    Some(AttributeValue::S(hash)) => hash.clone(),
                    _ => anyhow::bail!("the code item has no codeHash"),
                };
                for key in [key, keys::activation_lookup(&hash)] {
                    stack
                        .dynamodb()
                        .update_item()
                        .table_name(&table)
                        .set_key(Some(key.attributes()))
                        .update_expression("SET #a = :v")
                        .expression_attribute_names("#a", attribute.clone())
                        .expression_attribute_values(":v", value.clone())
                        .send()
                        .await?;
                }
                Ok(())
            })
            .await
            .expect("changing the code items");
    }
}

/// An authenticator app enrolled through the API ([`TestApp::enrol_mfa_through_api`]).
#[derive(Debug, Clone)]
pub struct Enrolled {
    /// Signed in again after the enrolment (the challenge answered with the app's code): the
    /// ID token carries `custom:mfa`, and the password was typed just now.
    pub actor: Actor,
    /// The app's secret (base32), also made known to this process's sign-ins.
    pub secret: String,
    /// The backup codes the enrolment showed.
    pub backup_codes: Vec<String>,
}

/// Enrolling an authenticator app, then signing in again with it. Two ways, one per purpose:
/// [`TestApp::enrol_mfa`] as set-up (straight through Cognito, as the local stack enrols its
/// staff: no notice, no backup codes), [`TestApp::enrol_mfa_through_api`] when the API's
/// enrolment is what is tested or its effects are wanted (the holder's `mfa-changed` notice,
/// backup codes). Both compute real codes from the secret and set `custom:mfa`; neither signs
/// in through the API, so neither leaves a new-sign-in notice.
impl TestApp {
    /// Enrols an authenticator app for `who` (whose password this is) as the local stack
    /// enrols its staff, and signs them in again (answering the challenge with a computed
    /// code): the new token carries `custom:mfa`. The actor and the app's secret.
    pub async fn enrol_mfa(&self, who: &Actor, password: &str) -> (Actor, String) {
        let (email, typed) = (who.email.clone(), password.to_owned());
        let secret = self
            .background
            .run(move |stack| async move { identity::enrol_totp(&stack, &email, &typed).await })
            .await
            .expect("enrolling an authenticator app");
        let again = self.sign_in_directly(&who.email, password).await;
        (
            Actor {
                token: again.id_token,
                ..who.clone()
            },
            secret,
        )
    }

    /// Enrols an authenticator app for `who` (whose password this is) through the API, as the
    /// web app does ([`TestApp::add_authenticator`]), and signs them in again, answering the
    /// challenge with a code computed from the app's secret.
    pub async fn enrol_mfa_through_api(&self, who: &Actor, password: &str) -> Enrolled {
        let tokens = self.sign_in_directly(&who.email, password).await;
        let signed_in = Actor {
            token: tokens.id_token,
            ..who.clone()
        };
        let (secret, backup_codes) = self
            .add_authenticator(&signed_in, &tokens.access_token)
            .await;
        identity::remember_totp_secret(&who.email, &secret);
        let again = self.sign_in_directly(&who.email, password).await;
        Enrolled {
            actor: Actor {
                token: again.id_token,
                ..who.clone()
            },
            secret,
            backup_codes,
        }
    }

    /// `POST /auth/mfa/totp` as `who`, with an access token of the same sign-in: the new
    /// app's secret.
    pub async fn start_mfa_enrolment(&self, who: &Actor, access_token: &str) -> String {
        let started = self
            .send(
                Method::POST,
                "/auth/mfa/totp",
                Some(who),
                Some(json!({"accessToken": access_token})),
            )
            .await;
        assert_eq!(started.status, 200, "starting an enrolment: {started:#?}");
        started.body["secret"].as_str().expect("secret").to_owned()
    }

    /// Both steps of an enrolment through the API: [`TestApp::start_mfa_enrolment`], then
    /// `POST /auth/mfa/totp/verify` with the app's current code. The secret and the backup
    /// codes shown. `who`'s token still lacks `custom:mfa` (the next sign-in's has it).
    pub async fn add_authenticator(
        &self,
        who: &Actor,
        access_token: &str,
    ) -> (String, Vec<String>) {
        let secret = self.start_mfa_enrolment(who, access_token).await;
        let verified = self
            .send(
                Method::POST,
                "/auth/mfa/totp/verify",
                Some(who),
                Some(json!({
                    "accessToken": access_token,
                    "code": portal_local::totp::code_now(&secret).expect("a TOTP code"),
                    "deviceName": "Test phone",
                })),
            )
            .await;
        assert_eq!(
            verified.status, 200,
            "verifying an enrolment: {verified:#?}"
        );
        let backup_codes = verified.body["backupCodes"]
            .as_array()
            .expect("backupCodes")
            .iter()
            .map(|code| code.as_str().expect("a backup code").to_owned())
            .collect();
        (secret, backup_codes)
    }

    /// Signs `email` in straight through Cognito, not the API (no new-sign-in notice),
    /// answering an MFA challenge with a code of the secret this process knows
    /// (`identity::remember_totp_secret`): ID and access tokens.
    pub async fn sign_in_directly(&self, email: &str, password: &str) -> identity::Tokens {
        let (email, password) = (email.to_owned(), password.to_owned());
        self.background
            .run(move |stack| async move {
                identity::sign_in_tokens(
                    &stack.cognito(),
                    &stack.user_pool_client_id,
                    &email,
                    &password,
                )
                .await
            })
            .await
            .expect("signing in")
    }
}

/// A care-circle invitation as its inviter got it.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub invitation_id: String,
    pub code: String,
    pub email: String,
}

impl TestApp {
    /// `by` (the patient or front desk) invites a new caregiver to the patient's care circle.
    pub async fn invite_caregiver(&self, patient_id: &str, by: &Actor) -> Invitation {
        let email = unique_carer_email();
        self.invite_caregiver_with(patient_id, by, invitation_body(&email))
            .await
    }

    /// Invites with this body (which names the email).
    pub async fn invite_caregiver_with(
        &self,
        patient_id: &str,
        by: &Actor,
        body: Value,
    ) -> Invitation {
        let reply = self
            .send(
                Method::POST,
                &format!("/patients/{patient_id}/care-circle"),
                Some(by),
                Some(body.clone()),
            )
            .await;
        assert_eq!(reply.status, 201, "inviting a caregiver: {reply:#?}");
        Invitation {
            invitation_id: reply.body["invitationId"]
                .as_str()
                .expect("invitationId")
                .to_owned(),
            code: reply.body["code"].as_str().expect("code").to_owned(),
            email: body["email"].as_str().expect("email").to_owned(),
        }
    }

    /// Accepts an invitation with a new account (the demo password) and signs the caregiver in.
    pub async fn accept_as_new_caregiver(&self, invitation: &Invitation) -> Actor {
        let reply = self
            .send_public(
                fresh_client_address(),
                "/auth/invitations/accept",
                new_caregiver_acceptance(invitation),
                None,
            )
            .await;
        assert_eq!(reply.status, 201, "accepting an invitation: {reply:#?}");
        self.signed_in(&invitation.email).await
    }

    /// `POST /auth/sign-in` from a client address of its own (so no other test's attempts
    /// count against it); an authenticator challenge is returned as it is.
    pub async fn sign_in_through_api(&self, email: &str, password: &str) -> Reply {
        self.send_public(
            fresh_client_address(),
            "/auth/sign-in",
            json!({"email": email, "password": password}),
            None,
        )
        .await
    }

    /// Signs in through the API (`/auth/sign-in`); an authenticator challenge is answered
    /// (`/auth/mfa`) with the current code of the secret this process knows for the account
    /// (`identity::totp_secret`: the harness's enrolled staff), else returned as it is.
    pub async fn sign_in_answering_mfa(&self, email: &str, password: &str) -> Reply {
        let from = fresh_client_address();
        let reply = self
            .send_public(
                from,
                "/auth/sign-in",
                json!({"email": email, "password": password}),
                None,
            )
            .await;
        let secret = portal_local::identity::totp_secret(email);
        match (
            reply.body["challenge"].as_str(),
            reply.body["session"].as_str(),
            secret,
        ) {
            (Some("SOFTWARE_TOKEN_MFA"), Some(session), Some(secret)) => {
                let code = portal_local::totp::code_now(&secret).expect("a TOTP code");
                self.send_public(
                    from,
                    "/auth/mfa",
                    json!({"email": email, "session": session, "code": code}),
                    None,
                )
                .await
            }
            _ => reply,
        }
    }

    /// Signs in through the API with the demo password (answering an authenticator challenge,
    /// see [`TestApp::sign_in_answering_mfa`]).
    pub async fn signed_in(&self, email: &str) -> Actor {
        let reply = self.sign_in_answering_mfa(email, DEMO_PASSWORD).await;
        assert_eq!(reply.status, 200, "signing in: {reply:#?}");
        let token = reply.body["idToken"].as_str().expect("idToken").to_owned();
        Actor {
            email: email.to_owned(),
            sub: token_sub(&token),
            token,
        }
    }
}

/// The claims of a token (read, not verified: the gateway verifies).
pub fn token_claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// The `sub` claim of an ID token.
fn token_sub(token: &str) -> String {
    token_claims(token)["sub"].as_str().expect("sub").to_owned()
}
