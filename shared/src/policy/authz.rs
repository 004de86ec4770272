//! The single authorisation entry point. Deny by default.
//!
//! [`decide`] is the pure rule (one row per action in [`Action::rule`], in `policy::rules`):
//! the caller's own compartment, a caregiver's active grant with the action's scope, or a staff
//! role the action allows. [`Authorizer`] applies it to a request: it loads a caregiver's grant when needed,
//! writes the audit event (allowed or denied) and hands out a [`PatientAccess`], the proof of
//! both, which the storage functions of a patient's data require. A handler therefore cannot
//! touch a patient's data unaudited.
//!
//! Feature switches are checked here too, after the decision: on a route a feature owns (the
//! function's `FEATURE_ROUTES`), an allowed caller whose feature is off is refused with
//! `feature-off` (403) and the event is recorded as denied. Only an allowed caller learns that
//! a feature is off, so nobody learns whether another's patient is in a cohort (a foreign
//! patient stays 404). Patients and caregivers are evaluated for the patient in the path, staff
//! for that patient with their roles ([`Authorizer::patient`]), staff work lists with no
//! patient ([`Authorizer::staff`]). Practice jobs are never gated. An allowed use by a patient
//! or caregiver is counted for adoption (see `platform::feature_gate`).
//!
//! Training gates staff work the same way: when staff are allowed an action that needs a
//! capability ([`Action::training`]), their onboarding plan is read (beside the feature gate)
//! and, unless it clears the capability ([`onboarding::cleared`]), they are refused with
//! `training-required` (403), audited as denied. The patient's side is never gated.
//!
//! Staff must have an authenticator app: every staff decision (a Staff relationship in
//! [`Authorizer::patient`], [`Authorizer::staff`]) refuses a caller whose token lacks
//! `custom:mfa` with `mfa-required` (403), audited as denied and checked before the switches
//! and training, again only after an allowed decision. Patients and caregivers never need it.
//! The gate is [`Authorizer::staff_mfa`]; routes about no patient that serve the patient's
//! side and staff alike pass through it too ([`Authorizer::about_no_patient`]).

pub use crate::policy::access::{
    JobAccess, JobRun, PatientAccess, ProvenPatientAccess, StaffAccess,
};
pub use crate::policy::rules::{
    Action, CaregiverNeeds, Decision, Denial, Grant, MESSAGING_TEAMS, PracticeJob, Relationship,
    Rule, Scope, decide,
};

use aws_sdk_dynamodb::Client;

use crate::ApiError;
use crate::domain::ids::PatientId;
use crate::domain::timestamp::Timestamp;
use crate::features::lock_state;
use crate::features::onboarding::{self, Capability};
use crate::features::switches::Subject;
use crate::platform::feature_gate::{FeatureGate, GateCheck};
use crate::platform::keys;
use crate::platform::store;
use crate::policy::audit::{AuditContext, AuditEvent, AuditLog, AuditResource, Outcome};
use crate::policy::caller::{Caller, Role, UserSub};

/// The relationship recorded for the practice's own jobs.
pub const SYSTEM_RELATIONSHIP: &str = "system";

pub struct Authorizer<'a> {
    dynamo: &'a Client,
    app_table: &'a str,
    audit: &'a AuditLog,
    features: Option<&'a FeatureGate>,
}

impl<'a> Authorizer<'a> {
    /// An authorizer that gates no route (see [`Authorizer::with_features`]).
    pub fn new(dynamo: &'a Client, app_table: &'a str, audit: &'a AuditLog) -> Self {
        Authorizer {
            dynamo,
            app_table,
            audit,
            features: None,
        }
    }

    /// Checks the routes `gate` knows against their features' switches.
    pub fn with_features(mut self, gate: &'a FeatureGate) -> Self {
        self.features = Some(gate);
        self
    }

    /// The gate's check of the call's route for `subject`; `None` off gated routes.
    async fn gate(
        &self,
        call: &impl AuditContext,
        subject: &Subject,
    ) -> Result<Option<GateCheck>, ApiError> {
        match self.features {
            Some(gate) => {
                gate.check(call.route_method(), call.route_path(), subject)
                    .await
            }
            None => Ok(None),
        }
    }

    /// The capability the caller (allowed `action` as staff) has yet to train for, if any:
    /// reads their plan only when the action needs training.
    async fn untrained(
        &self,
        caller: &Caller,
        action: Action,
    ) -> Result<Option<Capability>, ApiError> {
        let Some(capability) = action.training() else {
            return Ok(None);
        };
        let cleared =
            onboarding::member_cleared(self.dynamo, self.app_table, &caller.sub, capability)
                .await?;
        Ok((!cleared).then_some(capability))
    }

    /// Decides whether the caller may do `action` on `patient`'s data, records the audit event
    /// either way, and returns the access or the error to answer (404 or 403).
    pub async fn patient(
        &self,
        call: &impl AuditContext,
        patient: PatientId,
        action: Action,
        resource: &AuditResource,
    ) -> Result<PatientAccess, ApiError> {
        let caller = call.caller();
        let (grant, patient_locked) = if caller.has(Role::Caregiver) {
            self.load_grant(caller, patient).await?
        } else {
            (None, false)
        };
        let decision = decide(caller, patient, action, grant.as_ref(), Timestamp::now());
        // Only after an allowed decision: a refused caller learns nothing of the switches, nor
        // of their training. Staff only are held to their training.
        let (gated, untrained) = match decision {
            Decision::Allow(relationship) => {
                let subject = Subject::of(caller, Some(patient));
                let training = async {
                    match relationship {
                        // Refused for want of MFA anyway: no plan to read.
                        Relationship::Staff(_) if Self::staff_mfa(caller).is_err() => Ok(None),
                        Relationship::Staff(_) => self.untrained(caller, action).await,
                        Relationship::Own | Relationship::Caregiver => Ok(None),
                    }
                };
                futures::try_join!(self.gate(call, &subject), training)?
            }
            Decision::Deny(_) => (None, None),
        };
        // Staff without an authenticator enrolled are refused before anything else.
        let mfa_missing = match decision {
            Decision::Allow(Relationship::Staff(_)) => Self::staff_mfa(caller).err(),
            _ => None,
        };
        let refusal = mfa_missing
            .or_else(|| {
                gated
                    .as_ref()
                    .filter(|check| !check.evaluation.on)
                    .map(|check| ApiError::FeatureOff(check.feature))
            })
            .or(untrained.map(ApiError::TrainingRequired));
        let refusal = refusal.or_else(|| locked_out(decision, action, patient_locked));
        let (outcome, relationship) = match decision {
            Decision::Allow(_) if refusal.is_some() => (Outcome::Denied, "none"),
            Decision::Allow(relationship) => (Outcome::Allowed, relationship.as_str()),
            Decision::Deny(_) => (Outcome::Denied, "none"),
        };
        let event = AuditEvent::new(
            caller,
            relationship,
            Some(patient),
            action.name(),
            resource,
            outcome,
            call.request_id(),
        )
        .acting_as(match decision {
            Decision::Allow(Relationship::Staff(role)) if refusal.is_none() => Some(role),
            _ => None,
        });
        // A use of a feature by the patient's side counts for adoption, beside the audit write;
        // the count never fails the request.
        let counted = async {
            if let (
                Some(gate),
                Some(check),
                Decision::Allow(Relationship::Own | Relationship::Caregiver),
            ) = (self.features, &gated, decision)
                && check.evaluation.on
            {
                gate.count_use(check, patient).await;
            }
        };
        let (recorded, ()) = futures::join!(self.audit.record(&event), counted);
        recorded?;
        if let Some(refusal) = refusal {
            return Err(refusal);
        }
        match decision {
            Decision::Allow(relationship) => Ok(PatientAccess::new(patient, action, relationship)),
            Decision::Deny(Denial::NotYours) => Err(ApiError::NotFound),
            Decision::Deny(Denial::RoleMayNot) => Err(ApiError::Forbidden(
                "Your role does not allow this action on this patient's data.",
            )),
        }
    }

    /// For actions across patients (work lists, registration): the caller must hold one of the
    /// action's staff roles (and have trained for it, see [`Action::training`]). A refusal is
    /// audited as an event about no patient.
    pub async fn staff(
        &self,
        call: &impl AuditContext,
        action: Action,
    ) -> Result<StaffAccess, ApiError> {
        let caller = call.caller();
        // Staff work needs an authenticator app (see the module's documentation).
        let staff_role = action
            .staff_role_of(caller)
            .map(|role| Self::staff_mfa(caller).map(|()| role));
        let refusal = match staff_role {
            Some(Err(mfa_required)) => mfa_required,
            Some(Ok(role)) => {
                let subject = Subject::of(caller, None);
                match futures::try_join!(self.gate(call, &subject), self.untrained(caller, action))?
                {
                    (Some(check), _) if !check.evaluation.on => ApiError::FeatureOff(check.feature),
                    (_, Some(capability)) => ApiError::TrainingRequired(capability),
                    _ => return Ok(StaffAccess::new(action, role)),
                }
            }
            None => ApiError::Forbidden("This is for practice staff with another role."),
        };
        let event = AuditEvent::new(
            caller,
            "none",
            None,
            action.name(),
            &AuditResource::Route(call.route_path().to_owned()),
            Outcome::Denied,
            call.request_id(),
        );
        self.audit.record(&event).await?;
        Err(refusal)
    }

    /// The staff MFA gate: staff work needs an authenticator app (see the module's
    /// documentation), so a caller acting as staff passes only if their sign-in used one
    /// (`mfa-required` otherwise). Every staff decision here goes through it, and so do the
    /// routes that serve the patient's side and staff alike about no patient
    /// ([`Authorizer::about_no_patient`], the front desk's view of open slots).
    pub fn staff_mfa(caller: &Caller) -> Result<(), ApiError> {
        if caller.sign_in.mfa {
            Ok(())
        } else {
            Err(ApiError::MfaRequired)
        }
    }

    /// For an action about no patient that the patient's side may do too (a directory anyone
    /// signed in searches: no one's data, so no audit event): a patient when its rule admits
    /// their own compartment, a caregiver when it admits any grant, else one of its staff
    /// roles behind the staff MFA gate ([`Authorizer::staff_mfa`]). `Ok(None)`: the rule
    /// admits the caller in no way (the route answers 403, saying whom it is for).
    pub fn about_no_patient(
        caller: &Caller,
        action: Action,
    ) -> Result<Option<Relationship>, ApiError> {
        let rule = action.rule();
        if rule.own && caller.has(Role::Patient) {
            return Ok(Some(Relationship::Own));
        }
        if rule.caregiver != CaregiverNeeds::Never && caller.has(Role::Caregiver) {
            return Ok(Some(Relationship::Caregiver));
        }
        match action.staff_role_of(caller) {
            Some(role) => Self::staff_mfa(caller).map(|()| Some(Relationship::Staff(role))),
            None => Ok(None),
        }
    }

    /// Audits that staff, acting under `access`, reached these patients' data (one event each).
    pub async fn record_staff_access(
        &self,
        call: &impl AuditContext,
        access: &StaffAccess,
        patients_and_resources: &[(PatientId, AuditResource)],
    ) -> Result<(), ApiError> {
        let events: Vec<AuditEvent> = patients_and_resources
            .iter()
            .map(|(patient, resource)| {
                AuditEvent::new(
                    call.caller(),
                    Relationship::Staff(access.role()).as_str(),
                    Some(*patient),
                    access.action().name(),
                    resource,
                    Outcome::Allowed,
                    call.request_id(),
                )
                .acting_as(Some(access.role()))
            })
            .collect();
        self.audit.record_all(&events).await
    }

    /// Audits an action of staff, under `access`, that is about no patient (a staff account,
    /// say): allowed, or refused by a rule of the action itself (e.g. an administrator removing
    /// their own admin role). `resource` names what was acted on (ids only).
    pub async fn record_staff_action(
        &self,
        call: &impl AuditContext,
        access: &StaffAccess,
        resource: &AuditResource,
        outcome: Outcome,
    ) -> Result<(), ApiError> {
        let relationship = match outcome {
            Outcome::Allowed => Relationship::Staff(access.role()).as_str(),
            Outcome::Denied => "none",
        };
        let event = AuditEvent::new(
            call.caller(),
            relationship,
            None,
            access.action().name(),
            resource,
            outcome,
            call.request_id(),
        )
        .acting_as(Some(access.role()));
        self.audit.record(&event).await
    }

    /// Turns staff access into patient access for one patient it reached (e.g. the patient of
    /// a change being decided); audited like any other access.
    pub async fn patient_via_staff(
        &self,
        call: &impl AuditContext,
        access: &StaffAccess,
        patient: PatientId,
        resource: &AuditResource,
    ) -> Result<PatientAccess, ApiError> {
        self.patient(call, patient, access.action(), resource).await
    }

    /// The one way a practice job reaches a patient's data: `action` must name the job in its
    /// rule. Records the audit event either way (under the job's actor, with the run's id) and
    /// returns the proof; a job doing what its rule does not allow is a bug, answered as 500.
    pub async fn job(
        &self,
        run: &JobRun,
        patient: PatientId,
        action: Action,
        resource: &AuditResource,
    ) -> Result<JobAccess, ApiError> {
        let allowed = action.allows_job(run.job());
        let actor = Caller {
            sign_in: Default::default(),
            sub: UserSub::of_job(run.job().actor()),
            roles: Default::default(),
            patient_id: None,
            display_name: None,
        };
        let (relationship, outcome) = if allowed {
            (SYSTEM_RELATIONSHIP, Outcome::Allowed)
        } else {
            ("none", Outcome::Denied)
        };
        let event = AuditEvent::new(
            &actor,
            relationship,
            Some(patient),
            action.name(),
            resource,
            outcome,
            run.run_id(),
        );
        self.audit.record(&event).await?;
        if allowed {
            Ok(JobAccess::new(patient, run.job(), action))
        } else {
            Err(ApiError::internal(format!(
                "{} may not do {}",
                run.job().actor(),
                action.name()
            )))
        }
    }

    /// The caller's grant for `patient`, and whether the patient's account is locked: read
    /// together, one BatchGetItem (`lock_state::grant_and_lock`), so a locked patient's
    /// caregivers are refused from the lock's first moment at no extra round trip.
    async fn load_grant(
        &self,
        caller: &Caller,
        patient: PatientId,
    ) -> Result<(Option<Grant>, bool), ApiError> {
        let grant_key = keys::caregiver_grant(patient, &caller.sub);
        let (grant, locked) =
            lock_state::grant_and_lock(self.dynamo, self.app_table, &grant_key, patient).await?;
        Ok((grant.map(store::from_item).transpose()?, locked))
    }
}

/// A caregiver acting for a locked patient is refused (`account-locked`, audited as denied),
/// except in what the action's rule allows while the patient is locked
/// ([`Action::allowed_while_patient_locked`]: seeing whom they act for).
fn locked_out(decision: Decision, action: Action, patient_locked: bool) -> Option<ApiError> {
    let caregiver = matches!(decision, Decision::Allow(Relationship::Caregiver));
    (patient_locked && caregiver && !action.allowed_while_patient_locked())
        .then_some(ApiError::AccountLocked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::caller::SignInFacts;

    fn caller(roles: &[Role], mfa: bool) -> Caller {
        Caller {
            sign_in: SignInFacts {
                mfa,
                ..Default::default()
            },
            sub: UserSub::parse("user-1").expect("sub"),
            roles: roles.iter().copied().collect(),
            patient_id: None,
            display_name: None,
        }
    }

    #[test]
    fn a_locked_patients_caregivers_only_see_whom_they_act_for() {
        let caregiver = Decision::Allow(Relationship::Caregiver);
        for action in Action::ALL.iter().copied() {
            let refused = locked_out(caregiver, action, true).is_some();
            assert_eq!(
                refused,
                action != Action::IdentifyPatientActedFor,
                "{action:?}"
            );
            assert!(locked_out(caregiver, action, false).is_none(), "{action:?}");
        }
        // The patient and staff are not held to the lock here.
        for decision in [
            Decision::Allow(Relationship::Own),
            Decision::Allow(Relationship::Staff(Role::FrontDesk)),
            Decision::Deny(Denial::NotYours),
        ] {
            assert!(locked_out(decision, Action::ReadProfile, true).is_none());
        }
        assert!(matches!(
            locked_out(caregiver, Action::ReadProfile, true),
            Some(ApiError::AccountLocked)
        ));
    }

    #[test]
    fn staff_need_an_authenticator_app() {
        assert!(Authorizer::staff_mfa(&caller(&[Role::Clinician], true)).is_ok());
        assert!(matches!(
            Authorizer::staff_mfa(&caller(&[Role::Clinician], false)),
            Err(ApiError::MfaRequired)
        ));
    }

    #[test]
    fn about_no_patient_the_patients_side_first_then_staff_with_an_authenticator_app() {
        let action = Action::ReadPharmacies;
        let admitted =
            |roles: &[Role], mfa: bool| Authorizer::about_no_patient(&caller(roles, mfa), action);
        for mfa in [true, false] {
            assert!(matches!(
                admitted(&[Role::Patient], mfa),
                Ok(Some(Relationship::Own))
            ));
            assert!(matches!(
                admitted(&[Role::Caregiver], mfa),
                Ok(Some(Relationship::Caregiver))
            ));
            // A receptionist who is also a patient searches as a patient.
            assert!(matches!(
                admitted(&[Role::Patient, Role::FrontDesk], mfa),
                Ok(Some(Relationship::Own))
            ));
            assert!(matches!(admitted(&[], mfa), Ok(None)));
        }
        for role in Role::ALL.into_iter().filter(|role| role.is_staff()) {
            assert!(matches!(
                admitted(&[role], true),
                Ok(Some(Relationship::Staff(r))) if r == role
            ));
            assert!(matches!(
                admitted(&[role], false),
                Err(ApiError::MfaRequired)
            ));
        }
        // An action staff may not do is refused on the role, saying nothing of MFA.
        assert!(matches!(
            Authorizer::about_no_patient(&caller(&[Role::Clinician], false), Action::ManageStaff),
            Ok(None)
        ));
    }
}
