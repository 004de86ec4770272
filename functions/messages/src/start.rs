//! `POST /patients/{patientId}/conversations`: the patient's side starts a conversation with
//! its first message (Idempotency-Key).

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::ConversationId;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess, Relationship};
use serde::Serialize;

use crate::Deps;
use crate::conversation::{author, messages_link};
use crate::model::{Conversation, Message, NewConversation, ReferenceTarget, Status};
use crate::notify::{self, Recipient};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Started<'a> {
    conversation: &'a Conversation,
    message: &'a Message,
}

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let access = deps
        .platform
        .authorize_patient_in_path(
            call,
            Action::StartConversation,
            AuditResource::Conversations,
        )
        .await?;
    let patient = access.patient();
    let idempotency = Idempotency::from_call(call)?;
    let request: NewConversation = call.json_body()?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }

    if let Some(about) = &request.about {
        check_about(deps, call, &access, about).await?;
    }

    let now = Timestamp::now();
    let id = ConversationId::generate();
    let conversation = Conversation {
        conversation_id: id,
        patient_id: patient,
        category: request.category,
        subject: request.subject,
        about: request.about.as_ref().map(ReferenceTarget::reference),
        status: Status::Open,
        status_since: now,
        waiting_since: Some(now),
        assignee: None,
        created_at: now,
        last_activity_at: now,
        message_count: 1,
        patient_unread: 0,
        version: Version::FIRST.0,
    };
    let message = Message {
        conversation_id: id,
        seq: 1,
        author: author(call, &access, request.category).0,
        text: request.message,
        sent_at: now,
    };
    let notification = notify::new_message(
        Recipient::StaffTeam {
            group: request.category.team().group().to_owned(),
        },
        id,
        now,
    );
    let items = deps
        .conversations()
        .start(&access, &conversation, &message, &notification)?;
    let body = serde_json::to_string(&Started {
        conversation: &conversation,
        message: &message,
    })
    .map_err(ApiError::internal)?;
    let response = StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        body,
        location: Some(messages_link(call, patient, id)),
        etag: Some(Version(conversation.version).etag()),
        patient_id: Some(patient),
    };
    match create_once(dynamo, table, idempotency.as_ref(), items, response).await? {
        Outcome::Created(response) => response.render(false),
        Outcome::Replayed(first) => first.render(true),
    }
}

/// `about` must name a record or appointment in the patient's partition that the caller may
/// see, else 422 naming `about`. A caregiver must hold the scope for that kind (`records` or
/// `appointments`; the check is audited like that read), so nobody learns whether a record they
/// may not see exists: not permitted and not there are the same answer.
async fn check_about(
    deps: &Deps,
    call: &Call,
    access: &PatientAccess,
    about: &ReferenceTarget,
) -> Result<(), ApiError> {
    let refused = || {
        ApiError::invalid(
            "about",
            format!(
                "must name one of the patient's {} that you may see",
                about.kind_plural()
            ),
        )
    };
    if access.relationship() == Relationship::Caregiver {
        let (action, resource) = (about.read_action(), about.audit_resource());
        let authorizer = deps.platform.authorizer();
        match authorizer
            .patient(call, access.patient(), action, &resource)
            .await
        {
            Ok(_) => {}
            Err(ApiError::NotFound | ApiError::Forbidden(_)) => return Err(refused()),
            Err(other) => return Err(other),
        }
    }
    if deps.conversations().reference_exists(access, about).await? {
        Ok(())
    } else {
        Err(refused())
    }
}
