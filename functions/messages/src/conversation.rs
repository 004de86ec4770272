//! What the routes under `/patients/{patientId}/conversations/{conversationId}` share: the
//! conversation named by the path, its audit resource and link, and who a caller writes as.

use portal_shared::ApiError;
use portal_shared::domain::ids::{ConversationId, PatientId};
use portal_shared::platform::http::Call;
use portal_shared::policy::audit::AuditResource;
use portal_shared::policy::authz::{PatientAccess, Relationship};

use crate::model::{Author, Category};

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
pub fn author(call: &Call, access: &PatientAccess, category: Category) -> (Author, bool) {
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

pub fn messages_link(call: &Call, patient: PatientId, conversation: ConversationId) -> String {
    call.link(&format!(
        "/patients/{patient}/conversations/{conversation}/messages"
    ))
}
