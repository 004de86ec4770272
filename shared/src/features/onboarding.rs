//! Staff onboarding: the training modules each role takes, each member's plan and progress, and
//! the gate that holds back the work a module stands for until it is done.
//!
//! One item per member, PK `ONBOARDING`, SK `STAFF#<sub>` ([`keys::onboarding_plan`]):
//! `{ staffId, name, roles, modules: { "<module>": ModuleProgress }, version, createdAt,
//! updatedAt }`. The staff function writes it when an account is created or gains a role
//! ([`assign_for_roles`]); the education function's training routes record attempts and
//! waivers on it ([`save_plan`]); the authorizer reads it on every gated action ([`cleared`]).
//!
//! Grandfathering: a member is refused a capability only if their plan holds its module and the
//! module is still `assigned`. No plan (an account older than onboarding) gates nothing; an
//! admin may give such a member a plan.
//!
//! [`keys::onboarding_plan`]: crate::platform::keys::onboarding_plan

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;

use aws_sdk_dynamodb::Client;
use serde::{Deserialize, Serialize};
use strum::VariantArray;

use crate::ApiError;
use crate::domain::timestamp::Timestamp;
use crate::platform::keys;
use crate::platform::store;
use crate::platform::write::CONTENTION_ATTEMPTS;
use crate::policy::caller::{Role, UserSub, staff_groups};
use crate::policy::rules::Action;

/// Work that a training module must be finished (or waived) before a member may do it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, VariantArray,
)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Working the message inboxes: taking, answering, assigning and moving conversations.
    MessageInbox,
    /// Reviewing patients' legal-identity changes.
    IdentityReview,
    /// Running the rollout: cohorts, invitation waves, feature switches, agreements.
    Rollout,
}

impl Capability {
    pub const ALL: &'static [Capability] = Capability::VARIANTS;

    pub const fn as_str(self) -> &'static str {
        match self {
            Capability::MessageInbox => "message-inbox",
            Capability::IdentityReview => "identity-review",
            Capability::Rollout => "rollout",
        }
    }

    /// The module that clears this capability.
    pub const fn module(self) -> TrainingModule {
        match self {
            Capability::MessageInbox => TrainingModule::MessageInbox,
            Capability::IdentityReview => TrainingModule::IdentityReview,
            Capability::Rollout => TrainingModule::PortalRollout,
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A training module (its content and quiz are the education function's).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, VariantArray,
)]
#[serde(rename_all = "kebab-case")]
pub enum TrainingModule {
    /// Every member: patients' data, minimum necessary, the audit trail, reporting problems.
    PortalBasics,
    MessageInbox,
    IdentityReview,
    PortalRollout,
}

impl TrainingModule {
    /// Every module, in the order plans list them.
    pub const ALL: &'static [TrainingModule] = TrainingModule::VARIANTS;

    /// The module's id in URLs, items and problems (`message-inbox`).
    pub const fn as_str(self) -> &'static str {
        match self {
            TrainingModule::PortalBasics => "portal-basics",
            TrainingModule::MessageInbox => "message-inbox",
            TrainingModule::IdentityReview => "identity-review",
            TrainingModule::PortalRollout => "portal-rollout",
        }
    }

    /// The module named `raw` exactly, or `None`.
    pub fn parse(raw: &str) -> Option<TrainingModule> {
        TrainingModule::ALL
            .iter()
            .copied()
            .find(|module| module.as_str() == raw)
    }

    /// The capability this module clears (the basics gate nothing).
    pub const fn gates(self) -> Option<Capability> {
        match self {
            TrainingModule::PortalBasics => None,
            TrainingModule::MessageInbox => Some(Capability::MessageInbox),
            TrainingModule::IdentityReview => Some(Capability::IdentityReview),
            TrainingModule::PortalRollout => Some(Capability::Rollout),
        }
    }

    /// The module's title, as lists show it.
    pub const fn title(self) -> &'static str {
        match self {
            TrainingModule::PortalBasics => "Portal basics",
            TrainingModule::MessageInbox => "Working the message inbox",
            TrainingModule::IdentityReview => "Reviewing identity changes",
            TrainingModule::PortalRollout => "Running the portal rollout",
        }
    }
}

impl fmt::Display for TrainingModule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    /// The capability whose training this action needs, when staff do it. `SendMessage` is
    /// the patient's too: the authorizer gates only staff decisions, so the patient side is
    /// never held back.
    pub const fn training(self) -> Option<Capability> {
        match self {
            Action::WorkMessageInbox | Action::ManageConversation | Action::SendMessage => {
                Some(Capability::MessageInbox)
            }
            Action::ReviewProfileChanges => Some(Capability::IdentityReview),
            Action::ManageCohorts
            | Action::SendInvitationWaves
            | Action::ManageFeatureSwitches
            | Action::ManageAgreements => Some(Capability::Rollout),
            _ => None,
        }
    }
}

/// The staff roles among `roles`, sorted, each once.
fn staff_only(roles: &[Role]) -> Vec<Role> {
    let mut staff: Vec<Role> = roles.iter().copied().filter(|r| r.is_staff()).collect();
    staff.sort();
    staff.dedup();
    staff
}

/// The modules that giving `added` roles to a member who holds `current` ones brings (those
/// the current roles did not already call for), in [`TrainingModule::ALL`]'s order.
pub fn modules_added_by(current: &[Role], added: &[Role]) -> Vec<TrainingModule> {
    let before = modules_for_roles(current);
    let mut all = current.to_vec();
    all.extend_from_slice(added);
    modules_for_roles(&all)
        .into_iter()
        .filter(|module| !before.contains(module))
        .collect()
}

/// Whether `role`'s rules allow some action that `capability` gates.
fn role_does(role: Role, capability: Capability) -> bool {
    Action::ALL
        .iter()
        .any(|action| action.training() == Some(capability) && action.rule().staff.contains(&role))
}

/// The modules a member with `roles` takes: the basics for every staff role, and the module of
/// each capability whose work one of the roles may do. Admins set the practice up and are not
/// given the rollout module for it. Non-staff roles take nothing. In [`TrainingModule::ALL`]'s
/// order, each once.
pub fn modules_for_roles(roles: &[Role]) -> Vec<TrainingModule> {
    let staff: Vec<Role> = roles.iter().copied().filter(|r| r.is_staff()).collect();
    if staff.is_empty() {
        return Vec::new();
    }
    TrainingModule::ALL
        .iter()
        .copied()
        .filter(|module| match module.gates() {
            None => true,
            Some(capability) => staff.iter().any(|role| {
                role_does(*role, capability)
                    && !(*role == Role::Admin && capability == Capability::Rollout)
            }),
        })
        .collect()
}

/// Where a member is with one module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModuleStatus {
    /// To do: the capability it gates is held back.
    Assigned,
    /// Passed its quiz.
    Completed,
    /// An admin waived it (with a reason).
    Waived,
    /// Only in views of a member without a plan (never stored): not gated.
    NotAssigned,
}

/// An admin's waiver of a module: who, why, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiver {
    pub by_id: UserSub,
    pub by_name: String,
    pub reason: String,
    pub at: Timestamp,
}

/// One module of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleProgress {
    pub status: ModuleStatus,
    pub assigned_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// The best passing score, 0–100 (or the last score while not passed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    /// Quiz attempts, passed or not.
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waiver>,
}

impl ModuleProgress {
    /// A module newly assigned at `at`.
    pub fn assigned(at: Timestamp) -> Self {
        ModuleProgress {
            status: ModuleStatus::Assigned,
            assigned_at: at,
            completed_at: None,
            score: None,
            attempts: 0,
            waiver: None,
        }
    }

    /// Completed or waived: the capability it gates is free.
    pub fn is_done(&self) -> bool {
        matches!(self.status, ModuleStatus::Completed | ModuleStatus::Waived)
    }
}

/// A staff member's onboarding plan, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnboardingPlan {
    /// The member's Cognito sub.
    pub staff_id: UserSub,
    /// Their display name (for the admins' progress view; never logged).
    pub name: String,
    /// Their staff roles when the plan last changed (Cognito group names).
    #[serde(with = "staff_groups")]
    pub roles: Vec<Role>,
    pub modules: BTreeMap<TrainingModule, ModuleProgress>,
    /// 1 once stored; each save adds one (the condition of the next).
    pub version: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl OnboardingPlan {
    /// A new plan (version 0, not stored yet) with the modules of `roles` assigned at `now`.
    pub fn new(staff_id: UserSub, name: String, roles: &[Role], now: Timestamp) -> Self {
        let mut plan = OnboardingPlan {
            staff_id,
            name,
            roles: Vec::new(),
            modules: BTreeMap::new(),
            version: 0,
            created_at: now,
            updated_at: now,
        };
        plan.extend_for_roles(roles, now);
        plan
    }

    /// Takes `roles` (staff ones) as the member's roles and assigns the modules of those roles
    /// that the plan lacks, at `now`. Progress on modules already in the plan is never touched
    /// (a removed role keeps its module and progress). True when anything changed.
    pub fn extend_for_roles(&mut self, roles: &[Role], now: Timestamp) -> bool {
        self.extend(roles, &modules_for_roles(roles), now)
    }

    /// Takes `roles` (staff ones) as the member's roles and assigns those of `modules` that the
    /// plan lacks, at `now`, never touching progress. True when anything changed.
    pub fn extend(&mut self, roles: &[Role], modules: &[TrainingModule], now: Timestamp) -> bool {
        let staff = staff_only(roles);
        let mut changed = staff != self.roles;
        self.roles = staff;
        for module in modules {
            if let Entry::Vacant(entry) = self.modules.entry(*module) {
                entry.insert(ModuleProgress::assigned(now));
                changed = true;
            }
        }
        changed
    }

    /// True when no module that gates a capability is still to do.
    pub fn all_cleared(&self) -> bool {
        self.modules
            .iter()
            .all(|(module, progress)| module.gates().is_none() || progress.is_done())
    }
}

/// The gate's rule: whether a member with `plan` may do `capability`'s work. Refused only when
/// the plan holds the capability's module and it is still assigned; no plan, or a plan without
/// the module, is cleared (grandfathering).
pub fn cleared(plan: Option<&OnboardingPlan>, capability: Capability) -> bool {
    plan.and_then(|plan| plan.modules.get(&capability.module()))
        .is_none_or(|progress| progress.status != ModuleStatus::Assigned)
}

// ---- the plan view (training and admin routes) -------------------------------------------

/// A plan as the training and admin routes answer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    pub staff_id: UserSub,
    pub name: String,
    #[serde(with = "staff_groups")]
    pub roles: Vec<Role>,
    /// Every gating module done (or none assigned).
    pub cleared: bool,
    pub modules: Vec<ModuleView>,
}

/// One module of a [`PlanView`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleView {
    pub module_id: TrainingModule,
    pub title: &'static str,
    /// The capability it gates; `null` for the basics.
    #[serialize_always]
    pub capability: Option<Capability>,
    pub status: ModuleStatus,
    pub assigned_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub score: Option<u8>,
    pub attempts: u32,
    pub waiver: Option<WaiverView>,
}

/// A waiver as views show it (no admin's id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaiverView {
    pub by_name: String,
    pub reason: String,
    pub at: Timestamp,
}

impl ModuleView {
    fn of(module: TrainingModule, progress: &ModuleProgress) -> Self {
        ModuleView {
            module_id: module,
            title: module.title(),
            capability: module.gates(),
            status: progress.status,
            assigned_at: Some(progress.assigned_at),
            completed_at: progress.completed_at,
            score: progress.score,
            attempts: progress.attempts,
            waiver: progress.waiver.as_ref().map(|waiver| WaiverView {
                by_name: waiver.by_name.clone(),
                reason: waiver.reason.clone(),
                at: waiver.at,
            }),
        }
    }

    fn not_assigned(module: TrainingModule) -> Self {
        ModuleView {
            module_id: module,
            title: module.title(),
            capability: module.gates(),
            status: ModuleStatus::NotAssigned,
            assigned_at: None,
            completed_at: None,
            score: None,
            attempts: 0,
            waiver: None,
        }
    }
}

impl PlanView {
    /// The view of a stored plan, its modules in [`TrainingModule::ALL`]'s order.
    pub fn of(plan: &OnboardingPlan) -> Self {
        PlanView {
            staff_id: plan.staff_id.clone(),
            name: plan.name.clone(),
            roles: plan.roles.clone(),
            cleared: plan.all_cleared(),
            modules: plan
                .modules
                .iter()
                .map(|(module, progress)| ModuleView::of(*module, progress))
                .collect(),
        }
    }

    /// The view of a member without a plan: the modules of their roles, `not-assigned`, and
    /// cleared (nothing gates them).
    pub fn without_plan(staff_id: UserSub, name: String, roles: &[Role]) -> Self {
        let staff = staff_only(roles);
        PlanView {
            staff_id,
            name,
            modules: modules_for_roles(&staff)
                .into_iter()
                .map(ModuleView::not_assigned)
                .collect(),
            roles: staff,
            cleared: true,
        }
    }
}

// ---- store ---------------------------------------------------------------------------------

/// The member's plan, read strongly consistent; `None` when they have none.
pub async fn read_plan(
    dynamo: &Client,
    table: &str,
    staff: &UserSub,
) -> Result<Option<OnboardingPlan>, ApiError> {
    let item = store::get_item(dynamo, table, &keys::onboarding_plan(staff), None).await?;
    item.map(store::from_item).transpose()
}

/// Whether the member `staff` may do `capability`'s work: reads their plan and applies
/// [`cleared`]. The authorizer's gate on the caller and the checks of another member (the
/// assignee of a conversation) both ask this.
pub async fn member_cleared(
    dynamo: &Client,
    table: &str,
    staff: &UserSub,
    capability: Capability,
) -> Result<bool, ApiError> {
    let plan = read_plan(dynamo, table, staff).await?;
    Ok(cleared(plan.as_ref(), capability))
}

/// Every member's plan (one Query of [`keys::ONBOARDING_PARTITION`], all pages), in sort-key
/// order (by sub: callers sort for display).
pub async fn list_plans(dynamo: &Client, table: &str) -> Result<Vec<OnboardingPlan>, ApiError> {
    store::query_all(|start_after| {
        dynamo
            .query()
            .table_name(table)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", store::string(keys::ONBOARDING_PARTITION))
            .expression_attribute_values(":prefix", store::string(keys::ONBOARDING_PLAN_PREFIX))
            .consistent_read(true)
            .set_exclusive_start_key(start_after)
    })
    .await
}

/// Writes `plan` at version `expected_version + 1`, only if the stored plan is still at
/// `expected_version` (0: no plan stored yet). Returns the plan as stored. A stale version is
/// [`ApiError::Conflict`] (nothing written): read the plan again and redo the change.
pub async fn save_plan(
    dynamo: &Client,
    table: &str,
    plan: &OnboardingPlan,
    expected_version: u64,
) -> Result<OnboardingPlan, ApiError> {
    let mut stored = plan.clone();
    stored.version = expected_version + 1;
    let item = store::to_item(&keys::onboarding_plan(&stored.staff_id), &stored)?;
    let put = dynamo.put_item().table_name(table).set_item(Some(item));
    let put = if expected_version == 0 {
        put.condition_expression("attribute_not_exists(PK)")
    } else {
        put.condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", store::number(expected_version))
    };
    match put.send().await {
        Ok(_) => Ok(stored),
        Err(error) if store::is_condition_failure(&error) => Err(ApiError::Conflict(
            "The onboarding plan changed meanwhile; read it again.".into(),
        )),
        Err(error) => Err(store::sdk_error(error)),
    }
}

/// Creates the member's plan with the modules of `roles`, or adds to their plan the modules of
/// `roles` it lacks (as `assigned`), keeping every module's progress; takes `name` and `roles`
/// as the member's. Read again and retried when another write lands in between. Returns the
/// plan as stored (unchanged plans are not written).
pub async fn assign_for_roles(
    dynamo: &Client,
    table: &str,
    staff: &UserSub,
    name: &str,
    roles: &[Role],
    now: Timestamp,
) -> Result<OnboardingPlan, ApiError> {
    let modules = modules_for_roles(roles);
    assign_modules(dynamo, table, staff, name, roles, &modules, now)
        .await?
        .ok_or_else(|| ApiError::internal("a plan with no module was not written"))
}

/// Adds `modules` (as `assigned`, those the plan lacks) to the member's plan, creating it when
/// there is none, and takes `name` and `roles` as the member's; never touches progress. With no
/// module to add and no plan, writes nothing and returns `None` (a member without a plan stays
/// ungated: see the module's comment). Retried on a concurrent write.
pub async fn assign_modules(
    dynamo: &Client,
    table: &str,
    staff: &UserSub,
    name: &str,
    roles: &[Role],
    modules: &[TrainingModule],
    now: Timestamp,
) -> Result<Option<OnboardingPlan>, ApiError> {
    let mut unchanged = None;
    let stored = change_plan(dynamo, table, staff, |read| match read {
        Some(mut plan) => {
            let renamed = plan.name != name;
            plan.name = name.to_owned();
            let extended = plan.extend(roles, modules, now);
            if !renamed && !extended {
                unchanged = Some(plan);
                return Ok(None);
            }
            plan.updated_at = now;
            Ok(Some(plan))
        }
        None if modules.is_empty() => Ok(None),
        None => {
            let mut plan = OnboardingPlan::new(staff.clone(), name.to_owned(), &[], now);
            plan.extend(roles, modules, now);
            Ok(Some(plan))
        }
    })
    .await?;
    Ok(stored.or(unchanged))
}

/// The one way a plan changes: reads the member's plan (`None`: they have none), lets `change`
/// make the plan to store (`None`: nothing to write) and saves it under the version read; when
/// another write lands in between, reads again and applies `change` again. Returns the plan as
/// stored, or `None` when nothing was written. A plan that keeps changing is
/// [`ApiError::Conflict`].
pub async fn change_plan(
    dynamo: &Client,
    table: &str,
    staff: &UserSub,
    mut change: impl FnMut(Option<OnboardingPlan>) -> Result<Option<OnboardingPlan>, ApiError>,
) -> Result<Option<OnboardingPlan>, ApiError> {
    for _ in 0..CONTENTION_ATTEMPTS {
        let read = read_plan(dynamo, table, staff).await?;
        let expected = read.as_ref().map_or(0, |plan| plan.version);
        let Some(plan) = change(read)? else {
            return Ok(None);
        };
        match save_plan(dynamo, table, &plan, expected).await {
            Err(ApiError::Conflict(_)) => continue,
            done => return done.map(Some),
        }
    }
    Err(ApiError::Conflict(
        "The training record kept changing at the same moment; try again.".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn sub(raw: &str) -> UserSub {
        UserSub::parse(raw).expect("sub")
    }

    #[test]
    fn modules_follow_the_roles_rules() {
        use TrainingModule::*;
        assert_eq!(
            modules_for_roles(&[Role::Clinician]),
            [PortalBasics, MessageInbox]
        );
        assert_eq!(
            modules_for_roles(&[Role::FrontDesk]),
            [PortalBasics, MessageInbox, IdentityReview]
        );
        assert_eq!(
            modules_for_roles(&[Role::PortalLead]),
            [PortalBasics, PortalRollout]
        );
        // Admins set the practice up: basics only.
        assert_eq!(modules_for_roles(&[Role::Admin]), [PortalBasics]);
        assert_eq!(
            modules_for_roles(&[Role::Admin, Role::Clinician, Role::Clinician]),
            [PortalBasics, MessageInbox]
        );
        assert!(modules_for_roles(&[Role::Patient, Role::Caregiver]).is_empty());
        assert!(modules_for_roles(&[]).is_empty());
    }

    #[test]
    fn a_role_change_brings_only_what_the_new_roles_call_for() {
        use TrainingModule::*;
        assert_eq!(
            modules_added_by(&[Role::Clinician], &[Role::FrontDesk]),
            [IdentityReview]
        );
        assert!(modules_added_by(&[Role::Clinician], &[Role::ResponseTeam]).is_empty());
        assert_eq!(
            modules_added_by(&[], &[Role::PortalLead]),
            [PortalBasics, PortalRollout]
        );
        assert!(modules_added_by(&[Role::FrontDesk], &[Role::Admin]).is_empty());
    }

    #[test]
    fn actions_name_the_training_they_need() {
        assert_eq!(
            Action::WorkMessageInbox.training(),
            Some(Capability::MessageInbox)
        );
        assert_eq!(
            Action::ManageConversation.training(),
            Some(Capability::MessageInbox)
        );
        assert_eq!(
            Action::SendMessage.training(),
            Some(Capability::MessageInbox)
        );
        assert_eq!(
            Action::ReviewProfileChanges.training(),
            Some(Capability::IdentityReview)
        );
        for action in [
            Action::ManageCohorts,
            Action::SendInvitationWaves,
            Action::ManageFeatureSwitches,
            Action::ManageAgreements,
        ] {
            assert_eq!(action.training(), Some(Capability::Rollout), "{action:?}");
        }
        assert_eq!(Action::ReadRecords.training(), None);
        assert_eq!(Action::TakeTraining.training(), None);
        // Every capability is some action's, and its module clears it.
        for capability in Capability::ALL {
            assert!(
                Action::ALL
                    .iter()
                    .any(|a| a.training() == Some(*capability))
            );
            assert_eq!(capability.module().gates(), Some(*capability));
        }
    }

    #[test]
    fn modules_have_one_spelling_and_a_title() {
        for module in TrainingModule::ALL {
            assert_eq!(TrainingModule::parse(module.as_str()), Some(*module));
            assert_eq!(
                serde_json::to_value(module).expect("json"),
                serde_json::json!(module.as_str())
            );
            assert!(!module.title().is_empty());
        }
        assert_eq!(TrainingModule::parse("Message-Inbox"), None);
        assert_eq!(TrainingModule::PortalBasics.gates(), None);
        for capability in Capability::ALL {
            assert_eq!(
                serde_json::to_value(capability).expect("json"),
                serde_json::json!(capability.as_str())
            );
        }
    }

    fn plan(modules: &[(TrainingModule, ModuleStatus)]) -> OnboardingPlan {
        let now = at("2026-05-01T09:00:00Z");
        let mut plan = OnboardingPlan::new(sub("staff-1"), "Noor Haddad".into(), &[], now);
        for (module, status) in modules {
            let mut progress = ModuleProgress::assigned(now);
            progress.status = *status;
            plan.modules.insert(*module, progress);
        }
        plan
    }

    #[test]
    fn only_an_assigned_module_in_a_plan_holds_its_work_back() {
        use ModuleStatus::*;
        assert!(
            cleared(None, Capability::MessageInbox),
            "no plan: grandfathered"
        );
        let assigned = plan(&[(TrainingModule::MessageInbox, Assigned)]);
        assert!(!cleared(Some(&assigned), Capability::MessageInbox));
        assert!(cleared(Some(&assigned), Capability::IdentityReview));
        assert!(!assigned.all_cleared());
        for done in [Completed, Waived] {
            let plan = plan(&[(TrainingModule::MessageInbox, done)]);
            assert!(cleared(Some(&plan), Capability::MessageInbox));
            assert!(plan.all_cleared());
        }
        // The basics gate nothing.
        let basics = plan(&[(TrainingModule::PortalBasics, Assigned)]);
        assert!(basics.all_cleared());
        assert!(Capability::ALL.iter().all(|c| cleared(Some(&basics), *c)));
    }

    #[test]
    fn a_new_role_adds_its_modules_and_keeps_progress() {
        let created = at("2026-05-01T09:00:00Z");
        let later = at("2026-05-03T09:00:00Z");
        let mut plan =
            OnboardingPlan::new(sub("staff-1"), "Noor".into(), &[Role::Clinician], created);
        assert_eq!(plan.roles, [Role::Clinician]);
        assert_eq!(plan.version, 0);
        let inbox = plan
            .modules
            .get_mut(&TrainingModule::MessageInbox)
            .expect("inbox");
        inbox.status = ModuleStatus::Completed;
        inbox.completed_at = Some(later);
        inbox.score = Some(100);
        inbox.attempts = 2;
        let kept = inbox.clone();
        assert!(plan.extend_for_roles(&[Role::Clinician, Role::FrontDesk], later));
        assert_eq!(plan.roles, [Role::Clinician, Role::FrontDesk]);
        assert_eq!(plan.modules[&TrainingModule::MessageInbox], kept);
        let review = &plan.modules[&TrainingModule::IdentityReview];
        assert_eq!(review.status, ModuleStatus::Assigned);
        assert_eq!(review.assigned_at, later);
        assert_eq!(
            plan.modules[&TrainingModule::PortalBasics].assigned_at,
            created
        );
        // The same roles again change nothing; a removed role keeps its module.
        assert!(!plan.extend_for_roles(&[Role::FrontDesk, Role::Clinician], later));
        assert!(plan.extend_for_roles(&[Role::Clinician], later));
        assert!(plan.modules.contains_key(&TrainingModule::IdentityReview));
    }

    #[test]
    fn plans_round_trip_through_items() {
        let now = at("2026-05-01T09:00:00Z");
        let mut plan = OnboardingPlan::new(
            sub("staff-1"),
            "Noor Haddad".into(),
            &[Role::FrontDesk],
            now,
        );
        plan.version = 3;
        let review = plan
            .modules
            .get_mut(&TrainingModule::IdentityReview)
            .expect("review");
        review.status = ModuleStatus::Waived;
        review.waiver = Some(Waiver {
            by_id: sub("admin-1"),
            by_name: "Ada Admin".into(),
            reason: "Did this for years".into(),
            at: now,
        });
        let mut item = store::to_item(&keys::onboarding_plan(&plan.staff_id), &plan).expect("item");
        assert_eq!(
            item["roles"],
            aws_sdk_dynamodb::types::AttributeValue::L(vec![
                aws_sdk_dynamodb::types::AttributeValue::S("front-desk".into())
            ])
        );
        match &item["modules"] {
            aws_sdk_dynamodb::types::AttributeValue::M(modules) => {
                assert!(modules.contains_key("message-inbox"), "{modules:?}");
                assert!(modules.contains_key("identity-review"));
            }
            other => panic!("{other:?}"),
        }
        item.insert("extra".into(), store::string("ignored"));
        let read: OnboardingPlan = store::from_item(item).expect("plan");
        assert_eq!(read, plan);
    }

    #[test]
    fn views_list_modules_with_titles_and_hide_the_waivers_author() {
        let now = at("2026-05-01T09:00:00Z");
        let mut plan = OnboardingPlan::new(sub("staff-1"), "Noor".into(), &[Role::Clinician], now);
        let basics = plan
            .modules
            .get_mut(&TrainingModule::PortalBasics)
            .expect("basics");
        basics.status = ModuleStatus::Waived;
        basics.waiver = Some(Waiver {
            by_id: sub("admin-1"),
            by_name: "Ada Admin".into(),
            reason: "Trained elsewhere".into(),
            at: now,
        });
        let view = serde_json::to_value(PlanView::of(&plan)).expect("json");
        assert_eq!(view["staffId"], "staff-1");
        assert_eq!(view["roles"], serde_json::json!(["clinicians"]));
        assert_eq!(view["cleared"], false);
        assert_eq!(view["modules"][0]["moduleId"], "portal-basics");
        assert_eq!(view["modules"][0]["title"], "Portal basics");
        assert!(view["modules"][0]["capability"].is_null());
        assert!(view["modules"][0].get("capability").is_some());
        assert_eq!(view["modules"][0]["status"], "waived");
        assert_eq!(view["modules"][0]["waiver"]["byName"], "Ada Admin");
        assert!(view["modules"][0]["waiver"].get("byId").is_none());
        assert_eq!(view["modules"][1]["moduleId"], "message-inbox");
        assert_eq!(view["modules"][1]["capability"], "message-inbox");
        assert_eq!(view["modules"][1]["status"], "assigned");
        assert_eq!(view["modules"][1]["attempts"], 0);
        assert!(view["modules"][1].get("completedAt").is_none());
        assert!(view["modules"][1].get("score").is_none());

        let none = serde_json::to_value(PlanView::without_plan(
            sub("staff-2"),
            "Lee".into(),
            &[Role::PortalLead],
        ))
        .expect("json");
        assert_eq!(none["cleared"], true);
        assert_eq!(none["modules"][1]["moduleId"], "portal-rollout");
        assert_eq!(none["modules"][1]["status"], "not-assigned");
        assert!(none["modules"][1].get("assignedAt").is_none());
    }
}
