//! A care-circle member as the patient and staff see it (never the code or its hash).

use std::collections::BTreeSet;

use portal_shared::domain::ids::InvitationId;
use portal_shared::domain::person::Name;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::care_circle::{EndDate, Member, RelationshipLabel, ShownStatus};
use portal_shared::policy::authz::Scope;
use portal_shared::policy::caller::UserSub;
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub invitation_id: InvitationId,
    pub name: Name,
    pub email: String,
    pub relationship: RelationshipLabel,
    pub scopes: BTreeSet<Scope>,
    pub ends_on: Option<EndDate>,
    pub guardian: bool,
    pub status: ShownStatus,
    pub invited_at: Timestamp,
    /// Until when the invitation's code works (while it is still an invitation).
    pub code_expires: Option<Timestamp>,
    pub accepted_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    /// The caregiver's account once they accepted: what the front desk locks
    /// (`/staff/caregivers/{caregiverSub}/lock`).
    pub caregiver_sub: Option<UserSub>,
}

impl MemberView {
    pub fn new(member: &Member, now: Timestamp) -> Self {
        let status = member.shown_status(now);
        MemberView {
            invitation_id: member.invitation_id,
            name: member.name.clone(),
            email: member.email.clone(),
            relationship: member.relationship.clone(),
            scopes: member.scopes.clone(),
            ends_on: member.ends_on,
            guardian: member.guardian,
            status,
            invited_at: member.invited_at,
            code_expires: (status == ShownStatus::Invited).then_some(member.code_expires),
            accepted_at: member.accepted_at,
            revoked_at: member.revoked_at,
            caregiver_sub: member.caregiver_sub.clone(),
        }
    }
}
