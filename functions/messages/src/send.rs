//! `POST /patients/{patientId}/conversations/{conversationId}/messages`: a reply from either
//! side (Idempotency-Key), written after whatever landed first.

use http::StatusCode;
use lambda_http::{Body, Response};
use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::platform::etag::Version;
use portal_shared::platform::http::Call;
use portal_shared::platform::idempotency::{Idempotency, Outcome, StoredResponse, create_once};
use portal_shared::platform::write::{LostWrite, retry_on_contention_up_to};
use portal_shared::policy::authz::Action;

use crate::Deps;
use crate::conversation::{author, conversation_in_path, messages_link, resource};
use crate::model::{Assignee, Author, Conversation, Message, NewMessage, Status};
use crate::notify::{self, Recipient};

pub async fn handle(deps: &Deps, call: &Call) -> Result<Response<Body>, ApiError> {
    let id = conversation_in_path(call)?;
    let access = deps
        .platform
        .authorize_patient_in_path(call, Action::SendMessage, resource(id))
        .await?;
    let patient = access.patient();
    let idempotency = Idempotency::from_call(call)?;
    let request: NewMessage = call.json_body()?;
    let (dynamo, table) = (&deps.platform.dynamo, &deps.platform.app_table);
    if let Some(idempotency) = &idempotency
        && let Some(first) = idempotency.lookup(dynamo, table).await?
    {
        return first.render(true);
    }
    let store = deps.conversations();
    let sent = retry_on_contention_up_to(crate::WRITE_ATTEMPTS, || async {
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
            Ok(outcome) => Ok(Ok(outcome)),
            // Someone else's message or action landed first: read again and go after it.
            Err(ApiError::Conflict(_)) => Ok(Err(LostWrite::Contention)),
            Err(other) => Err(other),
        }
    })
    .await?;
    match sent {
        Ok(Outcome::Created(response)) => response.render(false),
        Ok(Outcome::Replayed(first)) => first.render(true),
        Err(_) => Err(ApiError::Conflict(
            "The conversation kept changing while your message was saved; send it again.".into(),
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, MessageText, Subject};
    use portal_shared::domain::ids::{ConversationId, PatientId};
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
