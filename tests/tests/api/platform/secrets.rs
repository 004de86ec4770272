//! Secrets done properly: the cursor-signing and code-hashing secrets are read from Secrets
//! Manager (moto, locally) and rotated without breaking what was made before.
//!
//! Rotations change what every function of a stack uses, so those tests run on a stack of their
//! own (`spawn_own_stack("secrets")`, whose functions read the secrets again every 2 seconds:
//! `SecretRefreshSeconds`), one at a time. What needs no rotation runs on the shared stack.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use portal_shared::domain::ids::{ActivationCodeId, PatientId};
use portal_shared::domain::one_time_code::{ACTIVATION_CODE, CARE_INVITATION_CODE, Code};
use portal_shared::platform::cursor::CursorKeys;
use portal_shared::platform::keys;
use portal_tests::{
    CODE_HASHING_SECRET, CURSOR_SIGNING_SECRET, IssuedCode, Reply, TestApp, assert_problem,
    fresh_client_address, secret_reader, spawn_app, spawn_own_stack,
};
use serde_json::{Value, json};
use tokio::sync::Mutex;

const PASSWORD: &str = "Portal-Secrets-2026!";
/// The registered test patients' date of birth (`registration`).
const DATE_OF_BIRTH: &str = "1984-03-12";
/// Longer than the secrets stack's `SecretRefreshSeconds` (2): every function has read the
/// secret again.
const REFRESHED: Duration = Duration::from_millis(2600);

static TURN: Mutex<()> = Mutex::const_new(());

async fn secrets_stack() -> &'static TestApp {
    spawn_own_stack("secrets").await
}

async fn activate(app: &TestApp, code: &str, family: &str) -> Reply {
    let email = format!(
        "{}.{}@secrets.portal.test",
        family.to_lowercase(),
        ulid::Ulid::generate().to_string().to_lowercase()
    );
    app.send_public(
        fresh_client_address(),
        "/auth/activate",
        json!({"code": code, "dateOfBirth": DATE_OF_BIRTH, "email": email, "password": PASSWORD}),
        None,
    )
    .await
}

fn codes_page(patient: &str, cursor: Option<&str>) -> String {
    match cursor {
        Some(cursor) => {
            format!("/staff/patients/{patient}/activation-codes?limit=1&cursor={cursor}")
        }
        None => format!("/staff/patients/{patient}/activation-codes?limit=1"),
    }
}

async fn page(app: &TestApp, patient: &str, cursor: Option<&str>) -> Reply {
    app.get(&codes_page(patient, cursor), &app.front_desk).await
}

fn next_cursor(reply: &Reply) -> String {
    assert_eq!(reply.status, 200, "{reply:#?}");
    reply.body["nextCursor"]
        .as_str()
        .expect("another page")
        .to_owned()
}

#[tokio::test]
async fn a_rotated_cursor_secret_keeps_cursors_for_one_rotation() {
    let app = secrets_stack().await;
    let _turn = TURN.lock().await;
    let (patient, _) = app.register_patient().await;
    for _ in 0..4 {
        app.issue_code(&patient).await;
    }
    let oldest = next_cursor(&page(app, &patient, None).await);

    // First rotation: the cursor sealed before still opens; new pages use the new version.
    app.rotate_secret(CURSOR_SIGNING_SECRET).await;
    tokio::time::sleep(REFRESHED).await;
    let after_one = next_cursor(&page(app, &patient, Some(&oldest)).await);
    let second = next_cursor(&page(app, &patient, Some(&after_one)).await);

    // Second rotation: the version the oldest cursor was sealed with is gone; the one sealed
    // after the first rotation still opens.
    app.rotate_secret(CURSOR_SIGNING_SECRET).await;
    tokio::time::sleep(REFRESHED).await;
    let refused = page(app, &patient, Some(&oldest)).await;
    assert_problem(&refused, 422, Some("cursor"));
    assert_eq!(page(app, &patient, Some(&after_one)).await.status, 200);
    assert_eq!(page(app, &patient, Some(&second)).await.status, 200);
}

#[tokio::test]
async fn a_container_that_read_the_secret_before_a_rotation_opens_newer_cursors() {
    let app = secrets_stack().await;
    let _turn = TURN.lock().await;
    let last_key = HashMap::from([("PK".to_owned(), AttributeValue::S("X".into()))]);
    let (opened, refused) = app
        .on_stack(move |stack| async move {
            // Started before the rotation; would not read the secret again for an hour.
            let old = CursorKeys::new(secret_reader(
                &stack,
                CURSOR_SIGNING_SECRET,
                Duration::from_secs(3600),
            )?);
            let before = old.seal("list", &last_key).await?;
            let arn = stack
                .env_for("AuthFunction")?
                .remove(CURSOR_SIGNING_SECRET)
                .context("arn")?;
            aws_sdk_secretsmanager::Client::new(&stack.sdk)
                .put_secret_value()
                .secret_id(arn)
                .secret_string(format!(
                    "{}{}",
                    ulid::Ulid::generate(),
                    ulid::Ulid::generate()
                ))
                .send()
                .await?;
            // Started after it.
            let new = CursorKeys::new(secret_reader(
                &stack,
                CURSOR_SIGNING_SECRET,
                Duration::from_secs(3600),
            )?);
            let sealed = new.seal("list", &last_key).await?;
            assert_ne!(
                sealed, before,
                "the new container seals with the new version"
            );
            assert!(new.open("list", &before).await.is_ok(), "previous version");
            // A refetch waits for the least interval since the old one's read.
            tokio::time::sleep(portal_shared::platform::secrets::MIN_REFETCH).await;
            let opened = old.open("list", &sealed).await.is_ok();
            let refused = old.open("list", "bm90.YSBjdXJzb3I").await.is_err();
            Ok((opened, refused))
        })
        .await
        .expect("the containers");
    assert!(
        opened,
        "the old container refetched the secret and opened the cursor"
    );
    assert!(refused, "a forged cursor is still refused");
}

#[tokio::test]
async fn a_code_issued_before_a_rotation_of_the_code_hashing_secret_still_activates() {
    let app = secrets_stack().await;
    let _turn = TURN.lock().await;
    let (before_patient, before_family) = app.register_patient().await;
    let before = app.issue_code(&before_patient).await;
    app.rotate_secret(CODE_HASHING_SECRET).await;
    tokio::time::sleep(REFRESHED).await;
    let reply = activate(app, &before.code, &before_family).await;
    assert_eq!(reply.status, 201, "{reply:#?}");

    // One issued after the rotation is stored under the new version, and activates too.
    let (after_patient, after_family) = app.register_patient().await;
    let after = app.issue_code(&after_patient).await;
    let hasher = app.code_hasher().await;
    let code = Code::normalise(&after.code).expect("code");
    let current = code.keyed_hash(&hasher, ACTIVATION_CODE);
    assert!(
        app.app_item(keys::activation_lookup(&current))
            .await
            .is_some()
    );
    let reply = activate(app, &after.code, &after_family).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
}

/// Rewrites an issued code as it was stored before keyed hashes: the lookup item under the
/// code's plain SHA-256, the code item naming it as `codeSha256`.
async fn make_legacy(app: &TestApp, patient: &str, issued: &IssuedCode) {
    let hasher = app.code_hasher().await;
    let code = Code::normalise(&issued.code).expect("code");
    let keyed = code.keyed_hash(&hasher, ACTIVATION_CODE);
    let legacy = code.legacy_sha256_hex();
    let record_key = keys::activation_code(
        PatientId::parse(patient).expect("patient"),
        ActivationCodeId::parse(&issued.code_id).expect("code id"),
    );
    let lookup = app
        .app_item(keys::activation_lookup(&keyed))
        .await
        .expect("the keyed lookup item");
    let mut moved = lookup.clone();
    moved.extend(keys::activation_lookup(&legacy).attributes());
    app.put_app_item(moved).await;
    let mut record = app.app_item(record_key).await.expect("the code item");
    record.remove("codeHash");
    record.insert("codeSha256".into(), AttributeValue::S(legacy));
    app.put_app_item(record).await;
    app.on_stack(move |stack| async move {
        stack
            .dynamodb()
            .delete_item()
            .table_name(stack.table("AppTable").context("app table")?)
            .set_key(Some(keys::activation_lookup(&keyed).attributes()))
            .send()
            .await?;
        Ok(())
    })
    .await
    .expect("removing the keyed lookup item");
}

#[tokio::test]
async fn a_code_stored_under_its_plain_sha256_still_activates() {
    let app = spawn_app().await;
    let (patient, family) = app.register_patient().await;
    let issued = app.issue_code(&patient).await;
    make_legacy(app, &patient, &issued).await;
    let reply = activate(app, &issued.code, &family).await;
    assert_eq!(reply.status, 201, "{reply:#?}");
    let listed = app
        .get(
            &format!("/staff/patients/{patient}/activation-codes"),
            &app.front_desk,
        )
        .await;
    assert_eq!(listed.body["items"][0]["status"], "used", "{listed:#?}");

    // A legacy code can still be revoked (the revocation finds its lookup by `codeSha256`).
    let (patient, family) = app.register_patient().await;
    let issued = app.issue_code(&patient).await;
    make_legacy(app, &patient, &issued).await;
    let revoked = app
        .send(
            portal_tests::Method::POST,
            &format!(
                "/staff/patients/{patient}/activation-codes/{}/revoke",
                issued.code_id
            ),
            Some(&app.front_desk),
            Some(json!({})),
        )
        .await;
    assert!(revoked.status < 300, "{revoked:#?}");
    assert_problem(
        &activate(app, &issued.code, &family).await,
        422,
        Some("code"),
    );
}

/// Every item of a patient's partition, as JSON text.
async fn partition_text(app: &TestApp, patient: &str) -> String {
    let pk = format!("PATIENT#{patient}");
    app.on_stack(move |stack| async move {
        let output = stack
            .dynamodb()
            .query()
            .table_name(stack.table("AppTable").context("app table")?)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(pk))
            .consistent_read(true)
            .send()
            .await?;
        Ok(format!("{:?}", output.items()))
    })
    .await
    .expect("the partition")
}

#[tokio::test]
async fn codes_are_stored_only_as_keyed_hashes() {
    let app = spawn_app().await;
    let (patient, _) = app.register_patient().await;
    let issued = app.issue_code(&patient).await;
    let invitation = app.invite_caregiver(&patient, &app.front_desk).await;
    let hasher = app.code_hasher().await;
    let stored = partition_text(app, &patient).await;
    for (shown, purpose) in [
        (&issued.code, ACTIVATION_CODE),
        (&invitation.code, CARE_INVITATION_CODE),
    ] {
        let code = Code::normalise(shown).expect("code");
        let plain: String = shown.chars().filter(|c| *c != '-').collect();
        let legacy = code.legacy_sha256_hex();
        assert!(!stored.contains(&plain) && !stored.contains(shown.as_str()));
        assert!(!stored.contains(&legacy), "no plain SHA-256 of a code");
        assert!(
            stored.contains(&code.keyed_hash(&hasher, purpose)),
            "the keyed hash names the lookup"
        );
        let lookup = |hash: &str| match purpose {
            ACTIVATION_CODE => keys::activation_lookup(hash),
            _ => keys::care_invitation_lookup(hash),
        };
        assert!(app.app_item(lookup(&legacy)).await.is_none());
        let item = app
            .app_item(lookup(&code.keyed_hash(&hasher, purpose)))
            .await
            .expect("the keyed lookup item");
        let text = format!("{item:?}");
        assert!(!text.contains(&plain) && !text.contains(&legacy), "{text}");
    }
    let record: Value = app
        .get(
            &format!("/staff/patients/{patient}/activation-codes"),
            &app.front_desk,
        )
        .await
        .body;
    let listed = record["items"][0].clone();
    assert!(listed.get("codeHash").is_none() && listed.get("codeSha256").is_none());
}
