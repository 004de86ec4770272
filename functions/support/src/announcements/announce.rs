//! `POST /support/announcements`: the team announces (`{title, body, link?, audience,
//! publishAt?, expiresAt?, acknowledgeBy?}`), at version 1 and waiting for the publisher
//! (Idempotency-Key; 201 with Location and ETag). A cohort audience must name an existing
//! cohort (422 `audience.cohort`). One due at once is told to its audience in the request,
//! best effort (`publish_one`, a few seconds at most); the job tells the rest.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::cohort_name::CohortName;
use portal_shared::domain::ids::AnnouncementId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::keys;
use portal_shared::platform::store;
use portal_shared::platform::validation::FieldErrors;
use portal_shared::policy::audit;
use portal_shared::policy::authz::Action;
use serde::Deserialize;

use crate::Deps;
use crate::announcements::model::{self, Announcement, Audience, Draft, RawAudience};
use crate::announcements::publish::publish_one;
use crate::announcements::view::TeamView;
use crate::announcements::{announcement_link, audit_resource, store};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewAnnouncement {
    title: String,
    body: String,
    #[serde(default)]
    link: Option<String>,
    audience: RawAudience,
    #[serde(default)]
    publish_at: Option<Timestamp>,
    #[serde(default)]
    expires_at: Option<Timestamp>,
    #[serde(default)]
    acknowledge_by: Option<Timestamp>,
}

impl NewAnnouncement {
    fn checked(self, now: Timestamp) -> Result<Draft, ApiError> {
        let mut errors = FieldErrors::new();
        let title = model::title(&mut errors, &self.title);
        let body = model::body(&mut errors, &self.body);
        let link = model::link(&mut errors, self.link.as_deref());
        let audience = model::audience(&mut errors, self.audience);
        let dates = model::dates(
            &mut errors,
            audience.as_ref(),
            self.publish_at,
            self.expires_at,
            self.acknowledge_by,
            now,
        );
        errors.finish()?;
        match (title, body, link, audience, dates) {
            (
                Some(title),
                Some(body),
                Some(link),
                Some(audience),
                Some((publish_at, expires_at, acknowledge_by)),
            ) => Ok(Draft {
                title,
                body,
                link,
                audience,
                publish_at,
                expires_at,
                acknowledge_by,
            }),
            _ => Err(ApiError::internal("validated fields missing")),
        }
    }
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let authorizer = deps.platform.authorizer();
    let access = authorizer.staff(call, Action::ManageAnnouncements).await?;
    let idempotency = Idempotency::from_call(call)?;
    let now = Timestamp::now();
    let draft = call.json_body::<NewAnnouncement>()?.checked(now)?;
    let dynamo = &deps.platform.dynamo;
    let table = &deps.platform.app_table;
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    if let Audience::Cohort { cohort } = &draft.audience {
        require_cohort(deps, cohort).await?;
    }

    let announcement = Announcement::create(
        AnnouncementId::generate(),
        draft,
        call.caller().sub.clone(),
        now,
    );
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body: serde_json::to_string(&TeamView::of(&announcement, now))
            .map_err(ApiError::internal)?,
        location: Some(announcement_link(call, announcement.announcement_id)),
        etag: Some(Version(announcement.version).etag()),
        patient_id: None,
    };
    let writes = vec![store(deps).creation(&announcement)?];
    let created = match create_once(dynamo, table, idempotency.as_ref(), writes, response).await? {
        Outcome::Created(response) => response,
        Outcome::Replayed(first) => return first.render(true),
    };
    authorizer
        .record_staff_action(
            call,
            &access,
            &audit_resource(announcement.announcement_id),
            audit::Outcome::Allowed,
        )
        .await?;
    // Due at once: tell its audience now, best effort (the job finishes what this leaves, so
    // a failure here never fails the announcement).
    if let Err(error) = publish_one(deps, &announcement, now).await {
        tracing::warn!(
            announcement = %announcement.announcement_id,
            problem = error.slug(),
            "telling a new announcement's audience failed; the job will"
        );
    }
    created.render(false)
}

/// 422 naming `audience.cohort` when no cohort has this name.
async fn require_cohort(deps: &Deps, cohort: &CohortName) -> Result<(), ApiError> {
    let found = store::get_item(
        &deps.platform.dynamo,
        &deps.platform.app_table,
        &keys::cohort(cohort),
        Some("PK"),
    )
    .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(ApiError::invalid(
            "audience.cohort",
            "no cohort has this name",
        )),
    }
}

#[cfg(test)]
mod tests {
    use portal_shared::platform::http::parse_json;
    use portal_shared::policy::caller::Role;

    use super::*;

    fn now() -> Timestamp {
        Timestamp::parse("2025-03-10T12:00:00.000Z").expect("timestamp")
    }

    fn checked(body: &str) -> Result<Draft, ApiError> {
        parse_json::<NewAnnouncement>(body.as_bytes())?.checked(now())
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn a_staff_announcement_may_ask_for_acknowledgement_and_publishes_now_by_default() {
        let draft = checked(
            r#"{"title":" New rota ","body":"Read the new rota.\r\nThanks.",
                "link":"https://intranet.example.org/rota",
                "audience":{"kind":"staff","roles":["clinicians","front-desk"]},
                "acknowledgeBy":"2025-03-12T12:00:00Z"}"#,
        )
        .expect("valid");
        assert_eq!(draft.title.as_str(), "New rota");
        assert_eq!(draft.body.as_str(), "Read the new rota.\nThanks.");
        assert_eq!(
            draft.link.as_ref().map(|l| l.as_str()),
            Some("https://intranet.example.org/rota")
        );
        assert_eq!(
            draft.audience,
            Audience::Staff {
                roles: vec![Role::Clinician, Role::FrontDesk]
            }
        );
        assert_eq!(draft.publish_at, now());
        assert_eq!(draft.expires_at, None);
        assert!(draft.acknowledge_by.is_some());
    }

    #[test]
    fn every_bad_field_is_named() {
        let error = checked(
            r#"{"title":"","body":" ","link":"http://example.org",
                "audience":{"kind":"patients"},"publishAt":"2027-01-01T00:00:00Z",
                "expiresAt":"2026-01-01T00:00:00Z","acknowledgeBy":"2027-01-02T00:00:00Z"}"#,
        )
        .expect_err("invalid");
        assert_eq!(
            fields(error),
            [
                "title",
                "body",
                "link",
                "publishAt",
                "expiresAt",
                "acknowledgeBy"
            ]
        );
        let unknown =
            checked(r#"{"title":"t","body":"b","audience":{"kind":"patients"},"sent":true}"#)
                .expect_err("invalid");
        assert_eq!(fields(unknown), ["sent"]);
        let missing = checked(r#"{"title":"t","body":"b"}"#).expect_err("invalid");
        assert_eq!(fields(missing), ["audience"]);
        let bad_date = checked(
            r#"{"title":"t","body":"b","audience":{"kind":"patients"},"publishAt":"soon"}"#,
        )
        .expect_err("invalid");
        assert_eq!(fields(bad_date), ["publishAt"]);
        let cohort =
            checked(r#"{"title":"t","body":"b","audience":{"kind":"cohort","cohort":"Beta 1"}}"#)
                .expect_err("invalid");
        assert_eq!(fields(cohort), ["audience.cohort"]);
        let extra = checked(r#"{"title":"t","body":"b","audience":{"kind":"patients","size":3}}"#)
            .expect_err("invalid");
        assert_eq!(fields(extra), ["audience.size"]);
    }
}
