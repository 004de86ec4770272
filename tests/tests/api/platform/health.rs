//! `GET /health`: public, answers without a token or patient data, and leaves no audit event.

use portal_tests::{Method, spawn_app};

#[tokio::test]
async fn health_answers_without_a_token_and_audits_nothing() {
    let app = spawn_app().await;
    // A caller of its own, so no other test's events are counted.
    let desk = app.new_staff("health", &["front-desk"]).await;
    let reply = app.send(Method::GET, "/health", None, None).await;
    assert_eq!(reply.status, 200, "{reply:#?}");
    assert_eq!(reply.body["status"], "ok");
    assert_eq!(reply.body["database"], "ok");
    assert_eq!(reply.header("cache-control").as_deref(), Some("no-store"));
    // A token changes nothing: the route is public and reads no caller.
    let with_token = app.send(Method::GET, "/health", Some(&desk), None).await;
    assert_eq!(with_token.status, 200);
    assert!(app.actor_audit_events(&desk).await.is_empty());
}

#[tokio::test]
async fn health_takes_get_only() {
    let app = spawn_app().await;
    let reply = app.send(Method::POST, "/health", None, None).await;
    assert!(
        matches!(reply.status, 404 | 405),
        "another method is not a health check: {reply:#?}"
    );
}
