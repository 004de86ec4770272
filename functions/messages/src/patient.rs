//! The routes under `/patients/{patientId}/conversations`: the patient's side (the patient, or
//! a caregiver with the `messages` scope), which staff reach too when they read and answer.

use http::{StatusCode, header};
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::ids::{ConversationId, PatientId};
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::{Call, json_with_headers};
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::pagination::{Page, PageRequest};
use portal_shared::platform::store;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{Action, PatientAccess, Relationship};
use serde::Serialize;

use crate::Deps;
use crate::model::{
    Assignee, Author, Category, Conversation, Message, NewConversation, NewMessage,
    ReferenceTarget, Status,
};
use crate::notify::{self, Recipient};
use crate::repo::WriteConflict;

/// A write retries this often when another message or staff action lands at the same moment.
pub const WRITE_ATTEMPTS: u32 = 6;

/// The conversation named by the path (a malformed id names nothing: 404).
pub fn conversation_in_path(call: &Call) -> Result<ConversationId, ApiError> {
    call.path_param("conversationId")
        .and_then(|raw| ConversationId::parse(&raw))
        .ok_or(ApiError::NotFound)
}

pub fn resource(conversation: ConversationId) -> AuditResource {
    AuditResource::conversation(conversation)
}

/// Who is writing in a conversation of `category`, as the message shows it, and whether a
/// staff writer works that category (is in the team whose inbox holds it).
///
/// A staff writer is labelled with the category's team when they are in it (a member of both
/// the clinicians and the front desk answering a billing question answers as front desk), else
/// with the messaging team that let them write at all.
fn author(call: &Call, access: &PatientAccess, category: Category) -> (Author, bool) {
    let caller = call.caller();
    match access.relationship() {
        Relationship::Own => (Author::Patient, false),
        Relationship::Caregiver => (
            Author::Caregiver {
                sub: caller.sub.clone(),
                name: caller.display_name.clone(),
            },
            false,
        ),
        Relationship::Staff(role) => {
            let works_category = category.worked_by(caller);
            let role = if works_category {
                category.team()
            } else {
                role
            };
            let author = Author::Staff {
                sub: caller.sub.clone(),
                name: caller.display_name.clone(),
                role: role.group().to_owned(),
            };
            (author, works_category)
        }
    }
}

fn messages_link(call: &Call, patient: PatientId, conversation: ConversationId) -> String {
    call.link(&format!(
        "/patients/{patient}/conversations/{conversation}/messages"
    ))
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Started<'a> {
    conversation: &'a Conversation,
    message: &'a Message,
}

/// `POST /patients/{patientId}/conversations`.
pub async fn start(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::StartConversation,
            &AuditResource::Conversations,
        )
        .await?;
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConversationList {
    #[serde(flatten)]
    page: Page<Conversation>,
    /// Staff messages not yet marked read, across all the patient's conversations.
    total_unread: u64,
}

/// `GET /patients/{patientId}/conversations`: most recent activity first.
pub async fn list(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let access = deps
        .platform
        .authorizer()
        .patient(
            call,
            patient,
            Action::ReadConversations,
            &AuditResource::Conversations,
        )
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, format!("conversations:{patient}"), cursor_key)?;
    let store = deps.conversations();
    let (conversations, last_key) = store
        .conversations(&access, page.limit, page.start_after.clone())
        .await?;
    let total_unread = store.unread_total(&access).await?;
    json_with_headers(
        StatusCode::OK,
        &ConversationList {
            page: page.page(conversations, last_key, cursor_key)?,
            total_unread,
        },
        &[],
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConversationMessages {
    conversation: Conversation,
    #[serde(flatten)]
    page: Page<Message>,
}

/// `GET .../conversations/{conversationId}/messages`: the conversation and a page of its
/// messages, oldest first. The ETag is the conversation's (for staff's PATCH).
pub async fn read(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let id = conversation_in_path(call)?;
    let access = deps
        .platform
        .authorizer()
        .patient(call, patient, Action::ReadConversations, &resource(id))
        .await?;
    let cursor_key = &deps.platform.cursor_key;
    let page = PageRequest::from_call(call, format!("messages:{patient}:{id}"), cursor_key)?;
    let store = deps.conversations();
    let conversation = store.load(&access, id).await?.ok_or(ApiError::NotFound)?;
    let (messages, last_key) = store
        .messages(&access, id, page.limit, page.start_after.clone())
        .await?;
    let etag = Version(conversation.version).etag();
    json_with_headers(
        StatusCode::OK,
        &ConversationMessages {
            conversation,
            page: page.page(messages, last_key, cursor_key)?,
        },
        &[(header::ETAG, etag)],
    )
}

/// The conversation after `author` wrote one more message at `now`, the change to the
/// patient's unread total, and whom to notify. `works_category`: a staff author is in the team
/// that handles the conversation's category; only then does a first answer make them its owner.
fn after_message(
    current: &Conversation,
    author: &Author,
    works_category: bool,
    now: Timestamp,
) -> (Conversation, i64, Recipient) {
    let mut next = current.clone();
    // Messages are ordered by `seq`; keep the times in the same order as well.
    let now = now.max(current.last_activity_at);
    next.message_count += 1;
    next.version += 1;
    next.last_activity_at = now;
    if let Author::Staff { sub, name, role } = author {
        next.patient_unread += 1;
        if matches!(current.status, Status::Open | Status::Closed) {
            next.status = Status::Answered;
            next.status_since = now;
            next.waiting_since = None;
        }
        if next.assignee.is_none() && works_category {
            // Whoever of the category's team answers first owns the thread until someone
            // reassigns it. Anyone else (a clinician answering a billing question) leaves it in
            // the team's shared queue, as an assignment to them would be refused (422).
            next.assignee = Some(Assignee {
                sub: sub.clone(),
                name: name.clone(),
                role: Some(role.clone()),
            });
        }
        let recipient = Recipient::Patient {
            patient_id: current.patient_id,
        };
        return (next, 1, recipient);
    }
    if current.status != Status::Open {
        // A reply from the patient's side reopens a closed or answered conversation.
        next.status = Status::Open;
        next.status_since = now;
        next.waiting_since = Some(now);
    }
    let recipient = match &next.assignee {
        Some(assignee) => Recipient::StaffMember {
            sub: assignee.sub.clone(),
        },
        None => Recipient::StaffTeam {
            group: next.category.team().group().to_owned(),
        },
    };
    (next, 0, recipient)
}

/// `POST .../conversations/{conversationId}/messages`: a reply from either side.
pub async fn send(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let id = conversation_in_path(call)?;
    let access = deps
        .platform
        .authorizer()
        .patient(call, patient, Action::SendMessage, &resource(id))
        .await?;
    let idempotency = Idempotency::from_call(call)?;
    let request: NewMessage = call.json_body()?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let store = deps.conversations();
    for attempt in 0..WRITE_ATTEMPTS {
        let current = store.load(&access, id).await?.ok_or(ApiError::NotFound)?;
        // Per attempt: a staff member may have moved the conversation to another category.
        let (author, works_category) = author(call, &access, current.category);
        let (next, unread_delta, recipient) =
            after_message(&current, &author, works_category, Timestamp::now());
        let message = Message {
            conversation_id: id,
            seq: next.message_count,
            author,
            text: request.message.clone(),
            sent_at: next.last_activity_at,
        };
        let notification = notify::new_message(recipient, id, next.last_activity_at);
        let items = store.send(
            &access,
            &next,
            current.version,
            &message,
            unread_delta,
            &notification,
        )?;
        let response = StoredResponse {
            status: StatusCode::CREATED.as_u16(),
            body: serde_json::to_string(&message).map_err(ApiError::internal)?,
            location: Some(messages_link(call, patient, id)),
            etag: Some(Version(next.version).etag()),
            patient_id: Some(patient),
        };
        match create_once(dynamo, table, idempotency.as_ref(), items, response).await {
            Ok(Outcome::Created(response)) => return response.render(false),
            Ok(Outcome::Replayed(first)) => return first.render(true),
            // Someone else's message or action landed first: read again and go after it.
            Err(ApiError::Conflict(_)) if attempt + 1 < WRITE_ATTEMPTS => {
                store::back_off(attempt + 1).await
            }
            Err(ApiError::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Err(ApiError::Conflict(
        "The conversation kept changing while your message was saved; send it again.".into(),
    ))
}

/// `POST .../conversations/{conversationId}/read`: the patient's side has read every message.
pub async fn mark_read(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let patient = call.patient_in_path()?;
    let id = conversation_in_path(call)?;
    let access = deps
        .platform
        .authorizer()
        .patient(call, patient, Action::MarkConversationRead, &resource(id))
        .await?;
    let store = deps.conversations();
    for attempt in 0..WRITE_ATTEMPTS {
        let current = store.load(&access, id).await?.ok_or(ApiError::NotFound)?;
        if current.patient_unread == 0 {
            let etag = Version(current.version).etag();
            return json_with_headers(StatusCode::OK, &current, &[(header::ETAG, etag)]);
        }
        let mut next = current.clone();
        next.patient_unread = 0;
        next.version += 1;
        let delta = -(current.patient_unread as i64);
        match store.save(&access, &next, current.version, delta).await? {
            Ok(()) => {
                let etag = Version(next.version).etag();
                return json_with_headers(StatusCode::OK, &next, &[(header::ETAG, etag)]);
            }
            Err(WriteConflict::Changed | WriteConflict::Contention) => {
                if attempt + 1 < WRITE_ATTEMPTS {
                    store::back_off(attempt + 1).await;
                }
            }
        }
    }
    Err(ApiError::Conflict(
        "The conversation kept changing; try again.".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, MessageText, Subject};
    use portal_shared::policy::caller::UserSub;

    fn conversation(status: Status) -> Conversation {
        let at = Timestamp::parse("2026-01-05T09:00:00Z").expect("time");
        Conversation {
            conversation_id: ConversationId::generate(),
            patient_id: PatientId::generate(),
            category: Category::MedicalQuestion,
            subject: Subject::parse("Rash").expect("subject"),
            about: None,
            status,
            status_since: at,
            waiting_since: (status == Status::Open).then_some(at),
            assignee: None,
            created_at: at,
            last_activity_at: at,
            message_count: 1,
            patient_unread: 0,
            version: 1,
        }
    }

    fn staff() -> Author {
        Author::Staff {
            sub: UserSub::parse("nurse-1").expect("sub"),
            name: Some("Grace Adeyemi".into()),
            role: "clinicians".into(),
        }
    }

    #[test]
    fn a_staff_reply_answers_assigns_and_counts_unread() {
        let now = Timestamp::parse("2026-01-05T10:00:00Z").expect("time");
        let (next, delta, recipient) =
            after_message(&conversation(Status::Open), &staff(), true, now);
        assert_eq!(next.status, Status::Answered);
        assert_eq!(next.waiting_since, None);
        assert_eq!(next.patient_unread, 1);
        assert_eq!(delta, 1);
        assert_eq!(next.message_count, 2);
        assert_eq!(next.version, 2);
        let assignee = next
            .assignee
            .expect("assigned to the first answer's author");
        assert_eq!(assignee.role.as_deref(), Some("clinicians"));
        assert!(matches!(recipient, Recipient::Patient { .. }));
    }

    #[test]
    fn a_reply_from_outside_the_categorys_team_does_not_take_the_conversation() {
        let now = Timestamp::parse("2026-01-05T10:00:00Z").expect("time");
        let mut billing = conversation(Status::Open);
        billing.category = Category::Billing;
        let (next, _, _) = after_message(&billing, &staff(), false, now);
        assert_eq!(next.status, Status::Answered);
        assert_eq!(next.assignee, None);
        // So the patient's next message goes to the front desk's queue, not to the clinician.
        let (_, _, recipient) = after_message(&next, &Author::Patient, false, now);
        assert_eq!(
            recipient,
            Recipient::StaffTeam {
                group: "front-desk".into()
            }
        );
    }

    #[test]
    fn the_patient_side_reopens_and_waits_from_its_reply() {
        let now = Timestamp::parse("2026-01-06T10:00:00Z").expect("time");
        let closed = conversation(Status::Closed);
        let (next, delta, recipient) = after_message(&closed, &Author::Patient, false, now);
        assert_eq!(next.status, Status::Open);
        assert_eq!(next.waiting_since, Some(now));
        assert_eq!(delta, 0);
        assert_eq!(
            recipient,
            Recipient::StaffTeam {
                group: "clinicians".into()
            }
        );
        // Still waiting: a second message does not restart the clock.
        let open = conversation(Status::Open);
        let (next, _, _) = after_message(&open, &Author::Patient, false, now);
        assert_eq!(next.waiting_since, open.waiting_since);
        let _ = MessageText::parse("x").expect("text");
    }
}
