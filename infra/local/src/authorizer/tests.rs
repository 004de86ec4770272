use super::*;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::json;

const KEY_A: &str = include_str!("../../testdata/rsa_a.pem");
const KEY_B: &str = include_str!("../../testdata/rsa_b.pem");
const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test";
const CLIENT: &str = "client-123";
const KID: &str = "dummy";

fn verifier() -> Result<TokenVerifier> {
    let key = EncodingKey::from_rsa_pem(KEY_A.as_bytes())?;
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256)?;
    jwk.common.key_id = Some(KID.to_owned());
    Ok(TokenVerifier::with_keys(
        JwkSet { keys: vec![jwk] },
        ISSUER.to_owned(),
        CLIENT.to_owned(),
    ))
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn claims() -> Value {
    json!({
        "sub": "user-1",
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "cognito:groups": ["front-desk"],
        "iat": now(),
        "exp": now() + 3600,
    })
}

fn sign_with(pem: &str, kid: &str, claims: &Value) -> Result<String> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    Ok(encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(pem.as_bytes())?,
    )?)
}

fn sign(claims: &Value) -> Result<String> {
    sign_with(KEY_A, KID, claims)
}

fn with(field: &str, value: Value) -> Value {
    let mut c = claims();
    c[field] = value;
    c
}

#[tokio::test]
async fn accepts_a_valid_id_token_raw_or_as_bearer() -> Result<()> {
    let v = verifier()?;
    let token = sign(&claims())?;
    let verified = v.verify(Some(&token)).await;
    assert_eq!(
        verified.as_ref().ok().and_then(|c| c.get("sub")),
        Some(&json!("user-1"))
    );
    assert!(v.verify(Some(&format!("Bearer {token}"))).await.is_ok());
    assert!(v.verify(Some(&format!("bearer  {token}"))).await.is_ok());
    Ok(())
}

#[tokio::test]
async fn rejects_a_missing_or_garbled_token() -> Result<()> {
    let v = verifier()?;
    assert_eq!(v.verify(None).await.err(), Some(Rejection::MissingToken));
    assert_eq!(
        v.verify(Some("Bearer ")).await.err(),
        Some(Rejection::MissingToken)
    );
    assert_eq!(
        v.verify(Some("not.a.jwt")).await.err(),
        Some(Rejection::Malformed)
    );
    Ok(())
}

#[tokio::test]
async fn rejects_an_expired_token() -> Result<()> {
    let v = verifier()?;
    let token = sign(&with("exp", json!(now() - 1)))?;
    assert_eq!(v.verify(Some(&token)).await.err(), Some(Rejection::Expired));
    Ok(())
}

#[tokio::test]
async fn rejects_another_audience() -> Result<()> {
    let v = verifier()?;
    let token = sign(&with("aud", json!("some-other-client")))?;
    assert_eq!(
        v.verify(Some(&token)).await.err(),
        Some(Rejection::WrongAudience)
    );

    let mut no_aud = claims();
    no_aud.as_object_mut().map(|c| c.remove("aud"));
    let token = sign(&no_aud)?;
    assert_eq!(
        v.verify(Some(&token)).await.err(),
        Some(Rejection::WrongAudience)
    );
    Ok(())
}

#[tokio::test]
async fn rejects_another_issuer() -> Result<()> {
    let v = verifier()?;
    let token = sign(&with(
        "iss",
        json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"),
    ))?;
    assert_eq!(
        v.verify(Some(&token)).await.err(),
        Some(Rejection::WrongIssuer)
    );
    Ok(())
}

#[tokio::test]
async fn rejects_an_access_token() -> Result<()> {
    let v = verifier()?;
    let token = sign(&with("token_use", json!("access")))?;
    assert_eq!(
        v.verify(Some(&token)).await.err(),
        Some(Rejection::NotAnIdToken)
    );

    let mut no_use = claims();
    no_use.as_object_mut().map(|c| c.remove("token_use"));
    let token = sign(&no_use)?;
    assert_eq!(
        v.verify(Some(&token)).await.err(),
        Some(Rejection::NotAnIdToken)
    );
    Ok(())
}

#[tokio::test]
async fn rejects_a_token_signed_by_another_key() -> Result<()> {
    let v = verifier()?;
    // Same key id, different private key: what a forger would send.
    let token = sign_with(KEY_B, KID, &claims())?;
    assert_eq!(
        v.verify(Some(&token)).await.err(),
        Some(Rejection::BadSignature)
    );
    Ok(())
}

#[tokio::test]
async fn rejects_a_tampered_payload() -> Result<()> {
    let v = verifier()?;
    let token = sign(&claims())?;
    let forged = sign(&with("cognito:groups", json!(["admins"])))?;
    // The original header and signature with the forged claims.
    let parts: Vec<&str> = token.split('.').collect();
    let forged_parts: Vec<&str> = forged.split('.').collect();
    let spliced = format!("{}.{}.{}", parts[0], forged_parts[1], parts[2]);
    assert_eq!(
        v.verify(Some(&spliced)).await.err(),
        Some(Rejection::BadSignature)
    );
    Ok(())
}

#[tokio::test]
async fn rejects_an_unknown_key_id_and_other_algorithms() -> Result<()> {
    let v = verifier()?;
    let token = sign_with(KEY_A, "other-kid", &claims())?;
    assert_eq!(
        v.verify(Some(&token)).await.err(),
        Some(Rejection::UnknownKey)
    );

    let hs = encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(b"secret"),
    )?;
    assert_eq!(v.verify(Some(&hs)).await.err(), Some(Rejection::Malformed));
    Ok(())
}

#[test]
fn bearer_token_forms() {
    assert_eq!(bearer_token(Some("abc")), Some("abc"));
    assert_eq!(bearer_token(Some("Bearer abc")), Some("abc"));
    assert_eq!(bearer_token(Some("BEARER abc ")), Some("abc"));
    assert_eq!(bearer_token(Some("  ")), None);
    assert_eq!(bearer_token(None), None);
}
