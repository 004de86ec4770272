//! The local gateway answers like API Gateway with a Cognito authorizer.

use portal_tests::{Method, assert_problem, spawn_app};

#[tokio::test]
async fn no_token_is_401_and_the_handler_never_runs() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let response = app
        .send(
            Method::GET,
            &format!("/patients/{}/profile", patient.id),
            None,
            None,
        )
        .await;
    assert_eq!(response.status, 401, "{response:?}");
    // No handler ran, so nothing about this patient was audited.
    let events = app.audit_events(&patient.id).await;
    assert!(
        events.iter().all(|e| e["action"] != "profile.read"),
        "{events:?}"
    );
}

#[tokio::test]
async fn forged_and_garbage_tokens_are_401() {
    let app = spawn_app().await;
    let patient = app.new_patient().await;
    let path = format!("/patients/{}/profile", patient.id);
    for token in ["garbage", "Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."] {
        let response = app.send_with_token(Method::GET, &path, token).await;
        assert_eq!(response.status, 401, "token {token}: {response:?}");
    }
    // A real token with one byte of its signature changed.
    let mut forged = patient.actor.token.clone();
    let last = forged.pop().expect("token");
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let response = app.send_with_token(Method::GET, &path, &forged).await;
    assert_eq!(response.status, 401, "{response:?}");
}

#[tokio::test]
async fn unknown_routes_answer_like_the_deployed_api_gateway() {
    // API Gateway's "Missing Authentication Token" for an unknown route or method is mapped to
    // a 404 problem by template.yaml's GatewayResponses; the local gateway applies the same.
    let app = spawn_app().await;
    for (method, path) in [
        (Method::GET, "/no/such/route"),
        (Method::DELETE, "/staff/patients"),
        (Method::GET, "/patients"),
    ] {
        let response = app.send(method, path, Some(&app.front_desk), None).await;
        assert_problem(&response, 404, None);
    }
    let response = app.send(Method::GET, "/no/such/route", None, None).await;
    assert_problem(&response, 404, None);
}
