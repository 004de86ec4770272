//! Portal accounts: activation codes, activation, sign-in, MFA, care-circle invitations.

use crate::*;
use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use portal_local::identity::DEMO_PASSWORD;
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

impl TestApp {
    /// Turns on authenticator-app MFA for a user, as the patient would (moto accepts any code);
    /// `access_token` is from one of their sign-ins.
    pub async fn enable_mfa(&self, email: &str, access_token: &str) {
        let (email, access_token) = (email.to_owned(), access_token.to_owned());
        self.background
            .run(move |stack| async move {
                use aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaSettingsType;
                let cognito = stack.cognito();
                cognito
                    .associate_software_token()
                    .access_token(&access_token)
                    .send()
                    .await?;
                cognito
                    .verify_software_token()
                    .access_token(&access_token)
                    .user_code("123456")
                    .send()
                    .await?;
                cognito
                    .admin_set_user_mfa_preference()
                    .user_pool_id(&stack.user_pool_id)
                    .username(&email)
                    .software_token_mfa_settings(
                        SoftwareTokenMfaSettingsType::builder()
                            .enabled(true)
                            .preferred_mfa(true)
                            .build(),
                    )
                    .send()
                    .await?;
                Ok(())
            })
            .await
            .expect("setting up MFA");
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

/// The `sub` claim of an ID token (read, not verified: the gateway verifies).
fn token_sub(token: &str) -> String {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .expect("base64url payload");
    let claims: Value = serde_json::from_slice(&bytes).expect("JSON claims");
    claims["sub"].as_str().expect("sub").to_owned()
}
