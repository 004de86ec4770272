//! The one module that builds DynamoDB key strings. Every access pattern in
//! `docs/access-patterns.md` names the functions here; nothing else formats a key.
//!
//! Application table: a patient's items share the partition `PATIENT#<id>`, so one Query serves
//! one patient's list and the partition is the authorisation boundary. `GSI1` is overloaded for
//! work queues (sparse: an item leaves the index when its work is done).
//! Audit table: events sit in the patient's partition (or the actor's, for events about no
//! patient), and `GSI1` lists them by actor.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::domain::cohort_name::CohortName;
use crate::domain::ids::{
    ActivationCodeId, AnnouncementId, AppointmentId, BallotLinkId, ChangeId, ConversationId,
    EventId, FeedbackId, IdeaId, ImportId, IncidentId, InvitationId, NotificationId, PatientId,
    PharmacyId, PollId, ProviderId, RecordId, RefillId, ReportId, SuggestionId, SurveyId, WaveId,
};
use crate::domain::timestamp::Timestamp;
use crate::features::switches::Feature;
use crate::policy::caller::UserSub;

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
/// A patient's conversations by last activity, and live waitlist offers by expiry (sparse:
/// conversation items and waitlist entries holding an offer only).
pub const GSI2: &str = "GSI2";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";
/// The conversations assigned to one staff member that wait on someone (sparse: open or
/// waiting-on-patient conversations with an assignee only).
pub const GSI3: &str = "GSI3";
pub const GSI3PK: &str = "GSI3PK";
pub const GSI3SK: &str = "GSI3SK";
/// DynamoDB's TTL attribute on both tables (epoch seconds).
pub const EXPIRES_AT: &str = "expiresAt";

/// A primary key: partition and sort key strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Key {
            pk: pk.into(),
            sk: sk.into(),
        }
    }

    /// The key as a DynamoDB attribute map, for GetItem, UpdateItem and friends.
    pub fn attributes(&self) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (PK.to_owned(), AttributeValue::S(self.pk.clone())),
            (SK.to_owned(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

// ---- application table -------------------------------------------------------------------

pub fn patient_partition(patient: PatientId) -> String {
    format!("PATIENT#{patient}")
}

/// The item `GET /health` reads: it belongs to no patient and need not exist.
pub fn health_probe() -> Key {
    Key::new("SYSTEM", "HEALTH")
}

/// The sort key of every patient's profile item.
pub const PROFILE_SK: &str = "PROFILE";

/// The patient's demographics and contact details.
pub fn profile(patient: PatientId) -> Key {
    Key::new(patient_partition(patient), PROFILE_SK)
}

pub const PROFILE_CHANGE_PREFIX: &str = "PROFILE_CHANGE#";

/// A legal-identity change the patient asked for, in the patient's partition.
pub fn profile_change(patient: PatientId, change: ChangeId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{PROFILE_CHANGE_PREFIX}{change}"),
    )
}

/// Finds a change's patient from the change id alone (staff routes carry only the change id).
/// Written in the same transaction as the change.
pub fn profile_change_pointer(change: ChangeId) -> Key {
    Key::new(format!("{PROFILE_CHANGE_PREFIX}{change}"), "POINTER")
}

/// GSI1 partition of the staff queue of pending changes (sparse: decided changes leave it).
/// One partition serves the practice: identity changes are rare (a handful a day), far below
/// a partition's write limit, and one partition keeps "oldest first" a single Query.
pub const PENDING_PROFILE_CHANGES: &str = "QUEUE#PROFILE_CHANGES";

pub fn pending_profile_change_sort(requested_at: Timestamp, change: ChangeId) -> String {
    format!("{requested_at}#{change}")
}

/// A caregiver's grant to act for a patient: what the authorizer reads on every caregiver
/// request. Written by the care circle when an invitation is accepted.
pub fn caregiver_grant(patient: PatientId, caregiver: &UserSub) -> Key {
    Key::new(patient_partition(patient), format!("GRANT#{caregiver}"))
}

/// GSI1 partition listing the patients a caregiver acts for (their active grants; sparse: a
/// revoked grant leaves it). Sort key: [`patient_partition`].
pub fn caregiver_patients(caregiver: &UserSub) -> String {
    format!("CAREGIVER#{caregiver}")
}

pub const CARE_CIRCLE_PREFIX: &str = "CARE_CIRCLE#";

/// One member of a patient's care circle (invited, active, ended or revoked), as the patient and
/// staff list it.
pub fn care_circle_member(patient: PatientId, invitation: InvitationId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{CARE_CIRCLE_PREFIX}{invitation}"),
    )
}

/// Finds an invitation from the code the caregiver types: keyed by the code's keyed hash
/// (`Code::keyed_hash`; the plain SHA-256 for invitations sent before keyed hashes).
/// Written with the member item, deleted when the invitation is accepted or revoked.
pub fn care_invitation_lookup(code_hash_hex: &str) -> Key {
    Key::new(format!("CARE_INVITATION#{code_hash_hex}"), "LOOKUP")
}

/// The first response to a creating POST, kept for replays of the same Idempotency-Key.
/// Keyed by caller and a hash of route and key, so no caller can see another's responses.
pub fn idempotency_record(caller: &UserSub, route_and_key_hash: &str) -> Key {
    Key::new(
        format!("IDEMPOTENCY#{caller}#{route_and_key_hash}"),
        "IDEMPOTENCY",
    )
}

/// A portal activation code of a patient, as staff list it (never the code itself).
pub fn activation_code(patient: PatientId, code: ActivationCodeId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{ACTIVATION_CODE_PREFIX}{code}"),
    )
}

pub const ACTIVATION_CODE_PREFIX: &str = "ACTIVATION_CODE#";

/// Finds an activation code from what the patient types: keyed by the code's keyed hash
/// (`Code::keyed_hash`; the plain SHA-256 for codes issued before keyed hashes), so the table
/// never holds a usable code nor one a guess can be tested against. Written in the same
/// transaction as `activation_code`.
pub fn activation_lookup(code_hash_hex: &str) -> Key {
    Key::new(format!("ACTIVATION#{code_hash_hex}"), "LOOKUP")
}

/// A counter of attempts (e.g. failed activations from one client) in the subject's current
/// window, with TTL. One item per purpose and subject, so no partition is shared by every
/// request.
pub fn attempt_counter(purpose: &str, subject_hash_hex: &str) -> Key {
    Key::new(format!("ATTEMPTS#{purpose}#{subject_hash_hex}"), "COUNTER")
}

// ---- accounts -----------------------------------------------------------------------------

/// The partition of one portal account's own items (not a patient's: a caregiver's or staff
/// member's sign-in has no patient partition).
pub fn account_partition(account: &UserSub) -> String {
    format!("ACCOUNT#{account}")
}

pub const KNOWN_CLIENT_PREFIX: &str = "KNOWN_CLIENT#";

/// A client the account signed in from lately, keyed by a keyed hash of the client's user
/// agent and network (never either itself); TTL removes it after 90 days without a sign-in.
pub fn known_client(account: &UserSub, client_hash_hex: &str) -> Key {
    Key::new(
        account_partition(account),
        format!("{KNOWN_CLIENT_PREFIX}{client_hash_hex}"),
    )
}

/// An authenticator's one-time backup codes (keyed hashes, each usable once) of one account.
pub fn backup_codes(account: &UserSub) -> Key {
    Key::new(account_partition(account), "MFA#BACKUP_CODES")
}

/// A caregiver's or other non-patient account's lock (the practice locked the sign-in).
pub fn account_lock(account: &UserSub) -> Key {
    Key::new(account_partition(account), "LOCK")
}

/// A patient's portal account lock, in the patient's partition so that a caregiver's grant and
/// the lock are read together (one BatchGetItem) when the caregiver acts for the patient.
pub fn patient_lock(patient: PatientId) -> Key {
    Key::new(patient_partition(patient), "LOCK")
}

/// The partition of the token revocation feed: one item per revocation (sign-out, lock,
/// disable), read whole by every function at most every few seconds (cached), removed by TTL
/// once every token it could refuse has expired. Written only when a session ends, never per
/// request, so it is no hot write partition.
pub const REVOCATION_PARTITION: &str = "REVOKED";

/// One revocation: tokens of `subject` (`SUB#<sub>` or `PATIENT#<id>`) issued at or before
/// `at` are refused.
pub fn revocation(at: Timestamp, subject: &str) -> Key {
    Key::new(REVOCATION_PARTITION, format!("{at}#{subject}"))
}

// ---- secure messaging ----------------------------------------------------------------------

pub const CONVERSATION_PREFIX: &str = "CONVERSATION#";

/// A conversation's state (category, status, unread count, version) in the patient's partition.
pub fn conversation(patient: PatientId, conversation: ConversationId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{CONVERSATION_PREFIX}{conversation}"),
    )
}

/// The sort-key prefix of one conversation's messages: they follow in `seq` order.
pub fn message_prefix(conversation: ConversationId) -> String {
    format!("MESSAGE#{conversation}#")
}

/// Message number `seq` (1, 2, ...) of a conversation, in the patient's partition. The number
/// is zero-padded so the messages sort oldest first.
pub fn message(patient: PatientId, conversation: ConversationId, seq: u64) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{}{seq:010}", message_prefix(conversation)),
    )
}

/// The patient's unread total across conversations (one item per patient).
pub fn messaging_summary(patient: PatientId) -> Key {
    Key::new(patient_partition(patient), "MESSAGING_SUMMARY")
}

/// GSI2 partition of one patient's conversations, ordered by `conversation_activity_sort`.
pub fn patient_conversations(patient: PatientId) -> String {
    format!("CONVERSATIONS#{patient}")
}

pub fn conversation_activity_sort(
    last_activity: Timestamp,
    conversation: ConversationId,
) -> String {
    format!("{last_activity}#{conversation}")
}

/// Each category's inbox is spread over this many GSI1 partitions per state, so one busy
/// category cannot become a hot partition; readers query every shard and merge.
pub const INBOX_SHARDS: u32 = 4;

/// The shard (0 to `shards` − 1) of an id: the sum of its bytes, so it is fixed for the id's
/// life and spreads ULIDs evenly. Every sharded partition uses it.
fn shard_of(id: &str, shards: u32) -> u32 {
    id.bytes().map(u32::from).sum::<u32>() % shards
}

/// The shard of a conversation: fixed for its life (derived from its id), so a state change
/// moves it between partitions of the same shard number only.
pub fn inbox_shard(conversation: ConversationId) -> u32 {
    shard_of(&conversation.to_string(), INBOX_SHARDS)
}

/// GSI1 partition of one shard of a category's inbox in one state (`open`: the patient waits
/// for the practice; `waiting`: the practice waits for the patient).
pub fn inbox_partition(category: &str, state: &str, shard: u32) -> String {
    format!("INBOX#{category}#{state}#{shard}")
}

/// GSI1 sort key in an inbox: since when the conversation is in this state, oldest first.
pub fn inbox_sort(since: Timestamp, conversation: ConversationId) -> String {
    format!("{since}#{conversation}")
}

/// The bound below which an inbox's sort keys are those of conversations in it since before
/// `at` (`GSI1SK < :bound`): it sorts after every `<earlier instant>#<id>` and before every
/// `<at>#<id>`, because timestamps render with a fixed width.
pub fn inbox_sort_before(at: Timestamp) -> String {
    format!("{at}")
}

/// GSI3 partition of the conversations assigned to one staff member (their "mine" inbox),
/// sorted by [`inbox_sort`] across categories and states: oldest wait first. One person's
/// workload, so no sharding.
pub fn assigned_conversations(assignee: &UserSub) -> String {
    format!("ASSIGNED#{assignee}")
}

/// Notification records are spread over this many partitions (written on every message).
pub const NOTIFICATION_SHARDS: u32 = 4;

pub fn notification_partition(shard: u32) -> String {
    format!("NOTIFICATIONS#{shard}")
}

/// An outbox record for the email/SMS sender, which reads each shard oldest first (every
/// feature's notifications: `portal_shared::features::notification`).
pub fn notification(at: Timestamp, notification: NotificationId) -> Key {
    let shard = shard_of(&notification.to_string(), NOTIFICATION_SHARDS);
    Key::new(
        notification_partition(shard),
        format!("{at}#{notification}"),
    )
}

// ---- notification preferences --------------------------------------------------------------

pub const NOTIFICATION_PREFERENCES_PREFIX: &str = "NOTIFY_PREFS#";

/// The patient's own notification preferences (a channel per kind), in their partition.
pub fn patient_notification_preferences(patient: PatientId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{NOTIFICATION_PREFERENCES_PREFIX}PATIENT"),
    )
}

/// A caregiver's notification preferences about one patient they act for, in that patient's
/// partition: a caregiver of two patients has one item in each.
pub fn caregiver_notification_preferences(patient: PatientId, caregiver: &UserSub) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{NOTIFICATION_PREFERENCES_PREFIX}CAREGIVER#{caregiver}"),
    )
}

// ---- health record -------------------------------------------------------------------------

pub const RECORD_PREFIX: &str = "RECORD#";

/// One item of the patient's health record (one FHIR resource from one source). The record id
/// is derived from source, resource type and resource id, so a re-import overwrites it.
pub fn health_record(patient: PatientId, record: &RecordId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{RECORD_PREFIX}{record}"),
    )
}

/// GSI1 partition of one patient's health record, sorted by [`health_record_index_sort`]: one
/// Query lists a category, with the same coded thing from several sources side by side.
pub fn health_record_index(patient: PatientId) -> String {
    format!("{}#RECORDS", patient_partition(patient))
}

/// `<category>#<group>#<record id>`: `group` is the coded value for categories that are
/// de-duplicated across sources (conditions, medications...), else the inverted date so the
/// newest comes first.
pub fn health_record_index_sort(category: &str, group: &str, record: &RecordId) -> String {
    format!("{category}#{group}#{record}")
}

/// The prefix of [`health_record_index_sort`] of one category.
pub fn health_record_category_prefix(category: &str) -> String {
    format!("{category}#")
}

/// The prefix of [`health_record_index_sort`] of one group of a category: the records that are
/// the same thing from several sources.
pub fn health_record_group_prefix(category: &str, group: &str) -> String {
    format!("{category}#{group}#")
}

pub const IMPORT_PREFIX: &str = "IMPORT#";

/// The report of one import of a FHIR bundle, in the patient's partition.
pub fn health_record_import(patient: PatientId, import: ImportId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{IMPORT_PREFIX}{import}"),
    )
}

// ---- appointments ------------------------------------------------------------------------

pub const APPOINTMENT_PREFIX: &str = "APPOINTMENT#";

/// One appointment, in the patient's partition (booking, status, check-in answers).
pub fn appointment(patient: PatientId, appointment: AppointmentId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{APPOINTMENT_PREFIX}{appointment}"),
    )
}

/// GSI1 partition of a patient's appointments by start time (sort key:
/// [`appointment_by_start`]): upcoming ascending from now, past descending.
pub fn patient_appointments(patient: PatientId) -> String {
    format!("APPOINTMENTS#{patient}")
}

pub fn appointment_by_start(start: Timestamp, appointment: AppointmentId) -> String {
    format!("{start}#{appointment}")
}

/// The patient's booking-limit counter: the upcoming appointments it counts, with a version
/// that every booking's transaction conditions on.
pub fn booking_counter(patient: PatientId) -> Key {
    Key::new(patient_partition(patient), "APPOINTMENT_LIMIT")
}

pub fn provider_partition(provider: ProviderId) -> String {
    format!("PROVIDER#{provider}")
}

/// A provider of the directory (name, specialty, visit types offered).
pub fn provider(provider: ProviderId) -> Key {
    Key::new(provider_partition(provider), "PROVIDER")
}

/// GSI1 partition of the provider directory (sort key: [`provider_directory_sort`]). One
/// partition: a practice has tens of providers and changes them rarely.
pub const PROVIDER_DIRECTORY: &str = "PROVIDERS";

pub fn provider_directory_sort(family_name: &str, provider: ProviderId) -> String {
    format!("{}#{provider}", family_name.to_lowercase())
}

/// A provider's published availability (weekly hours, closed dates, one-off blocks).
pub fn provider_schedule(provider: ProviderId) -> Key {
    Key::new(provider_partition(provider), "SCHEDULE")
}

pub const SLOT_PREFIX: &str = "SLOT#";

/// One taken slot unit of a provider's time, created only if absent: two bookings of one unit
/// cannot both succeed. A visit longer than one unit takes each of its units.
pub fn slot_unit(provider: ProviderId, start: Timestamp) -> Key {
    Key::new(
        provider_partition(provider),
        format!("{SLOT_PREFIX}{start}"),
    )
}

/// Sort-key bounds, for `BETWEEN`, of the slot units starting from `from` through `to`.
pub fn slot_unit_range(from: Timestamp, to: Timestamp) -> (String, String) {
    (format!("{SLOT_PREFIX}{from}"), format!("{SLOT_PREFIX}{to}"))
}

/// GSI1 partition of the practice's day (the first unit of each booked visit), for the staff
/// day view; one partition per calendar day of the practice, so no partition takes every write.
pub fn practice_day(local_date: &str) -> String {
    format!("DAY#{local_date}")
}

pub fn practice_day_sort(
    start: Timestamp,
    provider: ProviderId,
    appointment: AppointmentId,
) -> String {
    format!("{start}#{provider}#{appointment}")
}

pub const WAITLIST_PREFIX: &str = "WAITLIST#";

/// A patient's request for an earlier slot of a provider, in the provider's partition: in the
/// order asked, so the first waiting patient gets the first offer.
pub fn waitlist_entry(
    provider: ProviderId,
    requested_at: Timestamp,
    appointment: AppointmentId,
) -> Key {
    Key::new(
        provider_partition(provider),
        format!("{WAITLIST_PREFIX}{requested_at}#{appointment}"),
    )
}

/// Slots just freed (a cancellation, a move, an accepted or lapsed offer) whose offer to the
/// patients waiting has not run to its end yet, spread over this many partitions by provider.
/// The freeing transaction writes the marker; the offer step removes it; the sweeper offers
/// again any marker left behind (the function died or the offer failed).
pub const FREED_SLOT_SHARDS: u32 = 4;

/// One freed slot's marker: `FREED_SLOTS#<shard>` / `<provider>#<slotStart>`.
pub fn freed_slot(provider: ProviderId, slot_start: Timestamp) -> Key {
    let shard = shard_of(&provider.to_string(), FREED_SLOT_SHARDS);
    Key::new(
        freed_slots_partition(shard),
        format!("{provider}#{slot_start}"),
    )
}

/// The partition of one shard of freed-slot markers.
pub fn freed_slots_partition(shard: u32) -> String {
    format!("FREED_SLOTS#{shard}")
}

/// Live waitlist offers are spread over this many GSI2 partitions, sorted by expiry, so the
/// sweeper reads the lapsed ones with one Query per shard and no partition takes every offer.
pub const OFFER_EXPIRY_SHARDS: u32 = 4;

/// The shard of an appointment's offers: fixed for its life (derived from its id).
pub fn offer_expiry_shard(appointment: AppointmentId) -> u32 {
    shard_of(&appointment.to_string(), OFFER_EXPIRY_SHARDS)
}

/// GSI2 partition of one shard of the live waitlist offers (sparse: an entry is in it only
/// while it holds an offer; sort key [`offer_expiry_sort`]).
pub fn offer_expiry_partition(shard: u32) -> String {
    format!("OFFERS#{shard}")
}

/// `<until>#<appointment>`: the offers that lapsed before `now` are exactly the sort keys
/// `< now` (fixed-width timestamps; an offer until `now` itself has not lapsed).
pub fn offer_expiry_sort(until: Timestamp, appointment: AppointmentId) -> String {
    format!("{until}#{appointment}")
}

/// A reminder notification waiting for a sender (date and time only, no PHI): partitioned by the
/// UTC hour it is due, so a sender reads one hour with one Query and no partition takes every
/// booking.
pub fn appointment_reminder(send_at: Timestamp, appointment: AppointmentId) -> Key {
    let hour: String = send_at.to_string().chars().take(13).collect();
    Key::new(
        format!("REMINDERS#{hour}"),
        format!("{send_at}#{appointment}"),
    )
}

// ---- notifications -------------------------------------------------------------------------

pub const DELIVERY_PREFIX: &str = "DELIVERY#";

/// What became of one notification for one of its recipients (`slot`: `patient`,
/// `caregiver-<sub>`, `invitee`), in the patient's partition: the delivery history staff read,
/// newest first. Never the address or the content.
pub fn notification_delivery(
    patient: PatientId,
    created_at: Timestamp,
    notification: NotificationId,
    slot: &str,
) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{DELIVERY_PREFIX}{created_at}#{notification}#{slot}"),
    )
}

/// An address no notification may go to any more (a permanent bounce, a complaint, a text
/// that failed for good): keyed by the SHA-256 of the lower-cased address, so the table holds
/// no address here.
pub fn contact_suppression(address_sha256_hex: &str) -> Key {
    Key::new(format!("SUPPRESSED#{address_sha256_hex}"), "SUPPRESSION")
}

/// A text held over the quiet hours, in the partition of the UTC hour it may go
/// (`DEFERRED#<yyyy-mm-ddThh>`), so the release step reads one hour with one Query.
pub fn deferred_text(release_at: Timestamp, notification: NotificationId, slot: &str) -> Key {
    Key::new(
        deferred_texts_hour(release_at),
        format!("{release_at}#{notification}#{slot}"),
    )
}

/// The partition of the deferred texts that may go within the UTC hour of `at`.
pub fn deferred_texts_hour(at: Timestamp) -> String {
    format!("DEFERRED#{}", utc_hour(at))
}

/// The partition of the reminders due within the UTC hour of `at` (see
/// [`appointment_reminder`]).
pub fn reminders_hour(at: Timestamp) -> String {
    format!("REMINDERS#{}", utc_hour(at))
}

/// `yyyy-mm-ddThh` of an instant: the fixed-width rendering's first 13 characters.
fn utc_hour(at: Timestamp) -> String {
    at.to_string().chars().take(13).collect()
}

// ---- rollout: cohorts ------------------------------------------------------------------------

/// The practice's cohorts: one item each in one partition (a practice has tens, not thousands).
pub const COHORTS_PARTITION: &str = "COHORTS";

/// The sort key prefix of the cohort definitions in [`COHORTS_PARTITION`] (the list Query).
pub const COHORT_DEFINITION_PREFIX: &str = "COHORT#";

/// A cohort's definition (name, description, beta or not, member count).
pub fn cohort(name: &CohortName) -> Key {
    Key::new(
        COHORTS_PARTITION,
        format!("{COHORT_DEFINITION_PREFIX}{name}"),
    )
}

/// The partition of a cohort's members and history.
pub fn cohort_partition(name: &CohortName) -> String {
    format!("COHORT#{name}")
}

/// The sort key prefix of a cohort's member items.
pub const COHORT_MEMBER_PREFIX: &str = "MEMBER#";

/// One patient in a cohort (in the cohort's partition: the members Query and the switches'
/// cache read it).
pub fn cohort_member(name: &CohortName, patient: PatientId) -> Key {
    Key::new(
        cohort_partition(name),
        format!("{COHORT_MEMBER_PREFIX}{patient}"),
    )
}

/// The sort key prefix of a patient's cohort items.
pub const PATIENT_COHORT_PREFIX: &str = "COHORT#";

/// The same membership in the patient's partition: which cohorts a patient is in, one Query.
pub fn patient_cohort(patient: PatientId, name: &CohortName) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{PATIENT_COHORT_PREFIX}{name}"),
    )
}

/// The sort key prefix of a cohort's history, in the cohort's partition.
pub const COHORT_HISTORY_PREFIX: &str = "HISTORY#";

/// One change of a cohort (created, a patient added or removed, a list uploaded), written in
/// the transaction of the change: `HISTORY#<at>#<entry id>`, so a reverse Query reads the
/// newest first.
pub fn cohort_history(name: &CohortName, at: Timestamp, entry: &str) -> Key {
    Key::new(
        cohort_partition(name),
        format!("{COHORT_HISTORY_PREFIX}{at}#{entry}"),
    )
}

/// The registered patients of one normalised (family name, given names, date of birth): keyed
/// by its SHA-256 (`features::patient_match`), so a practice's list is matched to patients
/// without a Scan. Written by every registration in the profile's own transaction (the front
/// desk's and a list upload's), and moved by every change of a legal name or birth date.
pub fn patient_match(name_and_birth_sha256_hex: &str) -> Key {
    Key::new(
        format!("PATIENT_MATCH#{name_and_birth_sha256_hex}"),
        "MATCH",
    )
}

/// GSI1 partition of the staff patient search by name (`features::patient_search`): the patients
/// whose normalised family name starts with `family_start` (its first two characters, or the
/// one it has). Sort key: [`patient_search_sort`]. Set on the profile item by every write of it,
/// so a name change moves it; read by staff searches only, written at a registration's pace.
pub fn patients_by_name(family_start: &str) -> String {
    format!("PATIENTS_BY_NAME#{family_start}")
}

/// GSI2 partition of the staff patient search by date of birth (`YYYY-MM-DD`): the patients born
/// that day. Sort key: [`patient_search_sort`].
pub fn patients_by_birth_date(date_of_birth_iso: &str) -> String {
    format!("PATIENTS_BY_BIRTH#{date_of_birth_iso}")
}

/// The sort key of a profile in both search partitions: `<family>#<given>#<patientId>`, with the
/// names normalised (`patient_match::normalise`: letters and digits only, so never a `#`), so a
/// prefix of it is "family name starts with" or "this family name, given names start with".
pub fn patient_search_sort(family: &str, given: &str, patient: PatientId) -> String {
    format!("{family}#{given}#{patient}")
}

// ---- rollout: feature switches ---------------------------------------------------------------

/// Every feature switch in one partition: the switches' cache reads it with one Query.
pub const FEATURE_SWITCHES_PARTITION: &str = "FEATURE_SWITCHES";

/// One feature's switch (absent: on for everyone).
pub fn feature_switch(feature: Feature) -> Key {
    Key::new(FEATURE_SWITCHES_PARTITION, feature.as_str())
}

/// The partition of one feature's switch history, oldest first.
pub fn feature_switch_history_partition(feature: Feature) -> String {
    format!("FEATURE_SWITCH_HISTORY#{feature}")
}

/// One change of a feature's switch (`{at, by, reason, before, after}`), written in the
/// transaction of the change: SK `<timestamp>#<id>`, so the history sorts by time.
pub fn feature_switch_history(feature: Feature, at: Timestamp, id: impl std::fmt::Display) -> Key {
    Key::new(
        feature_switch_history_partition(feature),
        format!("{at}#{id}"),
    )
}

// ---- rollout: agreements -------------------------------------------------------------------

/// The current version of each agreement (`terms-of-use`, `beta-terms`): one item per kind in
/// one partition, so one Query reads them all at sign-in.
pub const AGREEMENTS_PARTITION: &str = "AGREEMENTS";

/// The current version of one kind of agreement (`kind` is its slug, e.g. `terms-of-use`).
pub fn agreement(kind: &str) -> Key {
    Key::new(AGREEMENTS_PARTITION, kind)
}

/// Every version ever published of one kind, kept (a patient accepted its words): in a
/// partition of its own, so the Query of the current versions never reads old bodies. The
/// version is zero-padded so the versions sort in order.
pub fn agreement_version(kind: &str, version: u64) -> Key {
    Key::new(
        format!("AGREEMENT#{kind}"),
        format!("VERSION#{version:010}"),
    )
}

/// The sort key prefix of an account's acceptances.
pub const AGREEMENT_ACCEPTANCE_PREFIX: &str = "AGREEMENT#";

/// The version of one kind of agreement an account last accepted, and when (in the account's
/// partition: a caregiver's or staff member's sign-in has no patient partition).
pub fn agreement_acceptance(account: &UserSub, kind: &str) -> Key {
    Key::new(
        account_partition(account),
        format!("{AGREEMENT_ACCEPTANCE_PREFIX}{kind}"),
    )
}

// ---- rollout: waves -------------------------------------------------------------------------

/// Every invitation wave of the practice, one item each in one partition, newest first by id
/// (a practice starts a few a month). The item holds the wave's settings and its counts.
pub const WAVES_PARTITION: &str = "WAVES";

/// One wave's item.
pub fn wave(wave: WaveId) -> Key {
    Key::new(WAVES_PARTITION, wave.to_string())
}

/// GSI1 partition of the waves that still have members queued (sparse: a wave leaves it when
/// its queue is empty, and a re-send puts it back): the invitation job's work list. Sort key:
/// the wave's id.
pub const ACTIVE_WAVES: &str = "QUEUE#INVITATION_WAVES";

/// The partition of one wave's members (the snapshot of its cohort when it started).
pub fn wave_partition(wave: WaveId) -> String {
    format!("WAVE#{wave}")
}

/// The sort key prefix of a wave's member items.
pub const WAVE_MEMBER_PREFIX: &str = "MEMBER#";

/// One patient in a wave: queued, invited, delivered, activated or refused.
pub fn wave_member(wave: WaveId, patient: PatientId) -> Key {
    Key::new(
        wave_partition(wave),
        format!("{WAVE_MEMBER_PREFIX}{patient}"),
    )
}

/// GSI1 partition of one wave's queued members (sparse: a member leaves it when their code is
/// issued or they are refused). Sort key: the patient's id.
pub fn wave_queue(wave: WaveId) -> String {
    format!("QUEUE#WAVE#{wave}")
}

// ---- rollout: adoption ---------------------------------------------------------------------

/// One day's adoption counters (`yyyy-mm-dd` in the practice's zone): one Query reads a day.
pub fn adoption_day(local_date: &str) -> String {
    format!("ADOPTION#{local_date}")
}

/// The sort key word of the counters about all patients (beside the cohorts' names).
pub const ADOPTION_ALL: &str = "all";

/// One counter of a day (`n`, a Number added to; or `patients`, a String Set), for one cohort
/// or, with `None`, for all patients: SK `<cohort|all>#<metric>`.
pub fn adoption_counter(local_date: &str, cohort: Option<&CohortName>, metric: &str) -> Key {
    let who = cohort.map_or(ADOPTION_ALL, CohortName::as_str);
    Key::new(adoption_day(local_date), format!("{who}#{metric}"))
}

/// The adoption metric of a feature's uses (`use:<feature>`): one per request to a route the
/// feature owns that the gate let through, for a patient or caregiver.
pub fn adoption_use_metric(feature: Feature) -> String {
    format!("use:{feature}")
}

// ---- feedback: ideas, suggestions, polls, ratings, surveys ----------------------------------

/// The practice's feature ideas: one item each in one partition (tens, not thousands).
pub const IDEAS_PARTITION: &str = "IDEAS";

/// The sort key prefix of the ideas in [`IDEAS_PARTITION`].
pub const IDEA_PREFIX: &str = "IDEA#";

/// One feature idea (title, description, benefit, status, linked feature).
pub fn idea(idea: IdeaId) -> Key {
    Key::new(IDEAS_PARTITION, format!("{IDEA_PREFIX}{idea}"))
}

/// The sort key prefix of a patient's suggestions.
pub const SUGGESTION_PREFIX: &str = "SUGGESTION#";

/// A patient's suggestion of an idea, in their partition (their own list; and on GSI1 the staff
/// queue of its status, [`suggestions_queue`]).
pub fn suggestion(patient: PatientId, suggestion: SuggestionId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{SUGGESTION_PREFIX}{suggestion}"),
    )
}

/// GSI1 partition of the suggestions in one status (`pending`, `accepted`, `declined`); the
/// GSI1 sort key is `<createdAt>#<suggestionId>`.
pub fn suggestions_queue(status: &str) -> String {
    format!("SUGGESTIONS#{status}")
}

/// The sort key prefix of a patient's in-app feedback updates.
pub const FEEDBACK_UPDATE_PREFIX: &str = "FEEDBACK_UPDATE#";

/// One in-app update for a patient ("an idea you supported is planned", "we answered your
/// comment"). `dedupe` is deterministic for the event told (`idea:<id>:v<version>`), so a
/// retried fan-out, written with `attribute_not_exists`, never tells anyone twice.
pub fn feedback_update(patient: PatientId, dedupe: &str) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{FEEDBACK_UPDATE_PREFIX}{dedupe}"),
    )
}

/// The marker that a staff member was told `news` (an idea they voted for changed status):
/// staff have no in-app updates, so this item, written with `attribute_not_exists` beside the
/// outbox record, is what makes their telling exactly-once.
pub fn staff_told_marker(staff: &UserSub, news: &str) -> Key {
    Key::new(account_partition(staff), format!("FEEDBACK_TOLD#{news}"))
}

/// The practice's polls: one item each in one partition.
pub const POLLS_PARTITION: &str = "POLLS";

/// The sort key prefix of the polls in [`POLLS_PARTITION`].
pub const POLL_PREFIX: &str = "POLL#";

/// One poll's definition (ideas, method, audience, weights, dates).
pub fn poll(poll: PollId) -> Key {
    Key::new(POLLS_PARTITION, format!("{POLL_PREFIX}{poll}"))
}

/// The partition of one poll's ballots and practice links.
pub fn poll_partition(poll: PollId) -> String {
    format!("POLL#{poll}")
}

/// The sort key prefix of a poll's ballots (the results Query).
pub const BALLOT_PREFIX: &str = "BALLOT#";

/// One respondent's ballot: `stratum` is `staff`, `patients` or `practices`, `respondent` the
/// staff member's sub, the patient's id or the practice link's id. One key per respondent, so
/// concurrent submissions leave exactly one ballot.
pub fn ballot(poll: PollId, stratum: &str, respondent: &str) -> Key {
    Key::new(
        poll_partition(poll),
        format!("{BALLOT_PREFIX}{stratum}#{respondent}"),
    )
}

/// The sort key prefix of a poll's practice links.
pub const POLL_LINK_PREFIX: &str = "LINK#";

/// A link another practice votes through (its name and the token's hash).
pub fn poll_link(poll: PollId, link: BallotLinkId) -> Key {
    Key::new(poll_partition(poll), format!("{POLL_LINK_PREFIX}{link}"))
}

/// The lookup of a practice link by the SHA-256 of its token (hex): the public routes hold
/// only the token.
pub fn poll_link_token(token_sha256_hex: &str) -> Key {
    Key::new(format!("POLL_LINK#{token_sha256_hex}"), "POLL_LINK")
}

/// The sort key prefix of a patient's ratings of features.
pub const FEEDBACK_PREFIX: &str = "FEEDBACK#";

/// One rating of a feature by a patient (with its comment and the practice's answer), in the
/// patient's partition; on GSI1 under [`feature_feedback`].
pub fn feedback(patient: PatientId, feedback: FeedbackId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{FEEDBACK_PREFIX}{feedback}"),
    )
}

/// GSI1 partition of one feature's ratings (the comments list, and who rated a feature); the
/// GSI1 sort key is `<at>#<feedbackId>`.
pub fn feature_feedback(feature: Feature) -> String {
    format!("FEATURE_FEEDBACK#{feature}")
}

/// One day's rating totals of a feature for one cohort (or `all`): `count` and `sum`, added to
/// in each rating's transaction. `day` is the practice's date (YYYY-MM-DD).
pub fn feedback_stats(feature: Feature, cohort: &str, day: &str) -> Key {
    Key::new(
        format!("FEEDBACK_STATS#{feature}"),
        format!("{cohort}#{day}"),
    )
}

/// When a patient was last prompted for feedback (the over-asking guard).
pub fn feedback_prompt(patient: PatientId) -> Key {
    Key::new(patient_partition(patient), "FEEDBACK_PROMPT")
}

/// The practice's usability surveys: one item each in one partition.
pub const SURVEYS_PARTITION: &str = "SURVEYS";

/// The sort key prefix of the surveys in [`SURVEYS_PARTITION`].
pub const SURVEY_PREFIX: &str = "SURVEY#";

/// One System Usability Scale survey of a cohort (with its response count and score sum).
pub fn survey(survey: SurveyId) -> Key {
    Key::new(SURVEYS_PARTITION, format!("{SURVEY_PREFIX}{survey}"))
}

/// The sort key prefix of a survey's responses.
pub const SURVEY_RESPONSE_PREFIX: &str = "RESPONSE#";

/// The partition of one survey's responses.
pub fn survey_partition(survey: SurveyId) -> String {
    format!("SURVEY#{survey}")
}

/// One patient's answers to a survey: one per patient.
pub fn survey_response(survey: SurveyId, patient: PatientId) -> Key {
    Key::new(
        survey_partition(survey),
        format!("{SURVEY_RESPONSE_PREFIX}{patient}"),
    )
}

// ---- support: problem reports and incidents --------------------------------------------------

/// The partition of one problem report: the report itself ([`report`]) and its timeline
/// ([`report_event`]), so one Query reads a report with everything said about it.
pub fn report_partition(report: ReportId) -> String {
    format!("REPORT#{report}")
}

/// One problem report (what happened, where, who, status, severity, targets, version). On GSI1
/// in the team's queue ([`report_queue`]) until merged into another; on GSI2 in its reporter's
/// list ([`reporter_reports`]); on GSI3 in its assignee's list while open
/// ([`assigned_reports`]).
pub fn report(report: ReportId) -> Key {
    Key::new(report_partition(report), "REPORT")
}

/// The sort key prefix of a report's timeline.
pub const REPORT_EVENT_PREFIX: &str = "EVENT#";

/// One entry of a report's timeline (a reply either way, an internal note, a change of
/// status, severity or assignee, a merge, a switch turned off), in order: `<at>#<id>`.
pub fn report_event(report: ReportId, at: Timestamp, id: EventId) -> Key {
    Key::new(
        report_partition(report),
        format!("{REPORT_EVENT_PREFIX}{at}#{id}"),
    )
}

/// GSI1 partition of the team's queue in one state: `open` (sorted by the next target due,
/// soonest first) or `resolved` (sorted by when it was resolved). Merged duplicates are in
/// neither (sparse). Tens of open reports at a practice, so no sharding.
pub fn report_queue(state: &str) -> String {
    format!("REPORT_QUEUE#{state}")
}

/// GSI1 and GSI3 sort key of a report: `<instant>#<reportId>` (the next target due while open,
/// the resolution time once resolved).
pub fn report_queue_sort(at: Timestamp, report: ReportId) -> String {
    format!("{at}#{report}")
}

/// GSI2 partition of the reports one person filed (patient, caregiver or staff member), sorted
/// by `createdAt#reportId`, newest first when read backwards.
pub fn reporter_reports(reporter: &UserSub) -> String {
    format!("REPORTS_BY#{reporter}")
}

/// GSI3 partition of the open reports assigned to one team member, sorted by
/// [`report_queue_sort`] (sparse: resolved and merged reports leave it).
pub fn assigned_reports(assignee: &UserSub) -> String {
    format!("REPORTS_ASSIGNED#{assignee}")
}

/// The practice's incidents: one item each in one partition (a few a year), newest first by
/// their ULIDs.
pub const INCIDENTS_PARTITION: &str = "INCIDENTS";

/// The sort key prefix of the incidents in [`INCIDENTS_PARTITION`].
pub const INCIDENT_PREFIX: &str = "INCIDENT#";

/// One incident (title, features, status, its updates inline, version).
pub fn incident(incident: IncidentId) -> Key {
    Key::new(INCIDENTS_PARTITION, format!("{INCIDENT_PREFIX}{incident}"))
}

// ---- announcements: news to stakeholder groups ----------------------------------------------

/// The practice's announcements: one item each in one partition (a few a month), newest first
/// by their ULIDs.
pub const ANNOUNCEMENTS_PARTITION: &str = "ANNOUNCEMENTS";

/// The sort key prefix of the announcements in [`ANNOUNCEMENTS_PARTITION`].
pub const ANNOUNCEMENT_PREFIX: &str = "ANNOUNCEMENT#";

/// One announcement (text, audience, dates, read and acknowledged counts, version). On GSI1 in
/// [`ANNOUNCEMENTS_TO_SEND`] until the publisher has told its audience.
pub fn announcement(announcement: AnnouncementId) -> Key {
    Key::new(
        ANNOUNCEMENTS_PARTITION,
        format!("{ANNOUNCEMENT_PREFIX}{announcement}"),
    )
}

/// GSI1 partition of the announcements not yet sent, sorted by [`announcement_send_sort`]
/// (sparse: an announcement leaves it once its whole audience was told).
pub const ANNOUNCEMENTS_TO_SEND: &str = "ANNOUNCEMENTS_TO_SEND";

/// GSI1 sort key in [`ANNOUNCEMENTS_TO_SEND`]: `<publishAt>#<id>`, the earliest due first.
pub fn announcement_send_sort(publish_at: Timestamp, announcement: AnnouncementId) -> String {
    format!("{publish_at}#{announcement}")
}

/// The partition of one announcement's people: who read it, who acknowledged it, who was told.
pub fn announcement_partition(announcement: AnnouncementId) -> String {
    format!("{ANNOUNCEMENT_PREFIX}{announcement}")
}

/// The sort key prefix of the people who read an announcement.
pub const ANNOUNCEMENT_READ_PREFIX: &str = "READ#";
/// The sort key prefix of the staff who acknowledged an announcement.
pub const ANNOUNCEMENT_ACK_PREFIX: &str = "ACK#";
/// The sort key prefix of the recipients the publisher told (one marker each).
pub const ANNOUNCEMENT_SENT_PREFIX: &str = "SENT#";

/// That `reader` read the announcement (created once: the read count's guard).
pub fn announcement_read(announcement: AnnouncementId, reader: &UserSub) -> Key {
    Key::new(
        announcement_partition(announcement),
        format!("{ANNOUNCEMENT_READ_PREFIX}{reader}"),
    )
}

/// That staff member `member` acknowledged the announcement (created once).
pub fn announcement_ack(announcement: AnnouncementId, member: &UserSub) -> Key {
    Key::new(
        announcement_partition(announcement),
        format!("{ANNOUNCEMENT_ACK_PREFIX}{member}"),
    )
}

/// That the publisher told `recipient` (a stable key of the recipient: `patient:<id>`,
/// `group:<name>`, `account:<sub>`, `address:<sha256 of the address>`), created once.
pub fn announcement_sent(announcement: AnnouncementId, recipient: &str) -> Key {
    Key::new(
        announcement_partition(announcement),
        format!("{ANNOUNCEMENT_SENT_PREFIX}{recipient}"),
    )
}

// ---- weekly digests: the portal lead's week ---------------------------------------------------

/// The weekly digests: one item per practice week (52 a year), newest first by reading
/// backwards.
pub const DIGESTS_PARTITION: &str = "DIGESTS";

/// The sort key prefix of the digests in [`DIGESTS_PARTITION`].
pub const DIGEST_PREFIX: &str = "DIGEST#";

/// The digest of the practice week that starts on `week_monday` (`yyyy-mm-dd`): ISO dates sort
/// as text, so the sort keys are in week order.
pub fn digest(week_monday: &str) -> Key {
    Key::new(DIGESTS_PARTITION, format!("{DIGEST_PREFIX}{week_monday}"))
}

// ---- refills: prescription refill requests and the pharmacy directory -----------------------

/// The sort key prefix of a patient's refill requests: the patient's list is one Query
/// `begins_with(SK, REFILL_PREFIX)`, newest first when read backwards (ULIDs sort by time).
pub const REFILL_PREFIX: &str = "REFILL#";

/// One refill request, in the patient's partition (medication, pharmacy, status, history,
/// decision, version). On GSI1 in [`REFILLS_OPEN`] while open, on GSI2 in [`REFILLS_DECIDED`]
/// once decided.
pub fn refill(patient: PatientId, refill: RefillId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{REFILL_PREFIX}{refill}"),
    )
}

/// The sort key prefix of the one-open guards.
pub const OPEN_REFILL_PREFIX: &str = "OPEN_REFILL#";

/// The guard that at most one request per medication record is open: put (on the condition
/// that it does not exist) with the request, deleted in the transaction that closes it.
pub fn open_refill(patient: PatientId, record: &RecordId) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{OPEN_REFILL_PREFIX}{record}"),
    )
}

/// GSI1 partition of the open refill requests (`requested`, `in-review`), sorted by
/// [`refill_queue_sort`] of the due time, soonest due first (sparse: a request leaves it when
/// it is decided or withdrawn). Tens open at a practice, so no sharding.
pub const REFILLS_OPEN: &str = "REFILLS_OPEN";

/// GSI2 partition of the decided refill requests, sorted by [`refill_queue_sort`] of the
/// decision time (newest first read backwards).
pub const REFILLS_DECIDED: &str = "REFILLS_DECIDED";

/// GSI1/GSI2 sort key of a refill request: `<instant>#<refillId>`.
pub fn refill_queue_sort(at: Timestamp, refill: RefillId) -> String {
    format!("{at}#{refill}")
}

/// GSI3 partition that finds one refill request by its id alone (the staff routes name no
/// patient): every request carries `GSI3PK = refill_by_id(id)`, `GSI3SK = REFILL_BY_ID_SK`.
pub fn refill_by_id(refill: RefillId) -> String {
    format!("{REFILL_PREFIX}{refill}")
}

/// GSI3 sort key of a refill request (one item per [`refill_by_id`] partition).
pub const REFILL_BY_ID_SK: &str = "REFILL";

/// The practice's pharmacy directory: one partition (a few hundred pharmacies at most).
pub const PHARMACIES_PARTITION: &str = "PHARMACIES";

/// The sort key prefix of the pharmacies in [`PHARMACIES_PARTITION`].
pub const PHARMACY_PREFIX: &str = "PHARMACY#";

/// One pharmacy of the directory (name, address, phone, NCPDP id, NPI, retired).
pub fn pharmacy(pharmacy: PharmacyId) -> Key {
    Key::new(PHARMACIES_PARTITION, format!("{PHARMACY_PREFIX}{pharmacy}"))
}

// ---- staff onboarding: training plans --------------------------------------------------------

/// The staff members' onboarding plans: one item each in one partition (tens of members at a
/// practice), so the admins' progress view is one Query.
pub const ONBOARDING_PARTITION: &str = "ONBOARDING";

/// The sort key prefix of the plans in [`ONBOARDING_PARTITION`].
pub const ONBOARDING_PLAN_PREFIX: &str = "STAFF#";

/// One staff member's onboarding plan (their modules and progress, version), which the
/// authorizer reads to gate the work a module stands for.
pub fn onboarding_plan(staff: &UserSub) -> Key {
    Key::new(
        ONBOARDING_PARTITION,
        format!("{ONBOARDING_PLAN_PREFIX}{staff}"),
    )
}

// ---- health education: the library, its tallies, patients' topics ---------------------------

/// The practice's own health topics (clinicians' edits of starter topics and new ones): one
/// partition, read whole (tens to a few hundred topics).
pub const EDUCATION_TOPICS_PARTITION: &str = "EDUCATION#TOPICS";

/// The sort key prefix of the topics in [`EDUCATION_TOPICS_PARTITION`] and of the tallies in
/// [`EDUCATION_TALLIES_PARTITION`].
pub const EDUCATION_TOPIC_PREFIX: &str = "TOPIC#";

/// One stored health topic (content, codes, status, version), by its slug.
pub fn education_topic(topic: &str) -> Key {
    Key::new(
        EDUCATION_TOPICS_PARTITION,
        format!("{EDUCATION_TOPIC_PREFIX}{topic}"),
    )
}

/// The "was this helpful?" tallies: one item per topic, in one partition (staff read them
/// with the library).
pub const EDUCATION_TALLIES_PARTITION: &str = "EDUCATION#TALLIES";

/// One topic's tally of helpful and not helpful votes.
pub fn education_tally(topic: &str) -> Key {
    Key::new(
        EDUCATION_TALLIES_PARTITION,
        format!("{EDUCATION_TOPIC_PREFIX}{topic}"),
    )
}

/// The sort key prefix of the topics assigned to a patient: one Query
/// `begins_with(SK, EDUCATION_ASSIGNMENT_PREFIX)` of the patient's partition lists them.
pub const EDUCATION_ASSIGNMENT_PREFIX: &str = "EDUCATION#ASSIGNED#";

/// A topic a clinician assigned to the patient (note, who, when), in the patient's partition.
pub fn education_assignment(patient: PatientId, topic: &str) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{EDUCATION_ASSIGNMENT_PREFIX}{topic}"),
    )
}

/// The sort key prefix that lists a patient's assigned topics ([`education_assignment`]).
pub fn education_assignment_prefix() -> &'static str {
    EDUCATION_ASSIGNMENT_PREFIX
}

/// The sort key prefix of a patient's votes on topics.
pub const EDUCATION_VOTE_PREFIX: &str = "EDUCATION#VOTE#";

/// The patient's one vote on a topic (helpful or not), in the patient's partition.
pub fn education_vote(patient: PatientId, topic: &str) -> Key {
    Key::new(
        patient_partition(patient),
        format!("{EDUCATION_VOTE_PREFIX}{topic}"),
    )
}

/// The sort key prefix that lists a patient's votes ([`education_vote`]).
pub fn education_vote_prefix() -> &'static str {
    EDUCATION_VOTE_PREFIX
}

// ---- audit table -------------------------------------------------------------------------

pub fn audit_event(patient: Option<PatientId>, actor: &UserSub, at: Timestamp, id: EventId) -> Key {
    let pk = match patient {
        Some(patient) => patient_partition(patient),
        None => audit_actor_partition(actor),
    };
    Key::new(pk, audit_event_sort(at, id))
}

/// The sort keys (SK, GSI1SK) of every audit event begin with this.
pub const AUDIT_EVENT_PREFIX: &str = "EVENT#";

pub fn audit_event_sort(at: Timestamp, id: EventId) -> String {
    format!("{AUDIT_EVENT_PREFIX}{at}#{id}")
}

/// Inclusive bounds, for `BETWEEN`, of the sort keys (SK or GSI1SK) of events from `from` to
/// `to` (either open), to the millisecond: an event at `to` itself is in range.
pub fn audit_event_range(from: Option<Timestamp>, to: Option<Timestamp>) -> (String, String) {
    let low = match from {
        Some(from) => format!("{AUDIT_EVENT_PREFIX}{from}"),
        None => AUDIT_EVENT_PREFIX.to_owned(),
    };
    // `~` sorts after every character of a timestamp and after the `#` that follows it.
    let high = match to {
        Some(to) => format!("{AUDIT_EVENT_PREFIX}{to}~"),
        None => format!("{AUDIT_EVENT_PREFIX}~"),
    };
    (low, high)
}

/// GSI1 partition listing one actor's events.
pub fn audit_actor_partition(actor: &UserSub) -> String {
    format!("ACTOR#{actor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patient_items_share_the_partition() {
        let patient = PatientId::generate();
        let change = ChangeId::generate();
        assert_eq!(profile(patient).pk, profile_change(patient, change).pk);
        assert_ne!(profile_change_pointer(change).pk, profile(patient).pk);
    }

    #[test]
    fn messages_sort_in_sequence_and_shards_are_in_range() {
        let patient = PatientId::generate();
        let conversation = ConversationId::generate();
        let nine = message(patient, conversation, 9).sk;
        let ten = message(patient, conversation, 10).sk;
        assert!(nine < ten, "{nine} < {ten}");
        assert!(nine.starts_with(&message_prefix(conversation)));
        assert_eq!(message(patient, conversation, 1).pk, profile(patient).pk);
        for _ in 0..50 {
            assert!(inbox_shard(ConversationId::generate()) < INBOX_SHARDS);
        }
    }

    #[test]
    fn the_inbox_bound_splits_at_its_instant() {
        let at = |raw: &str| Timestamp::parse(raw).expect("timestamp");
        let bound = inbox_sort_before(at("2026-01-14T05:00:00Z"));
        let id = ConversationId::generate();
        assert!(inbox_sort(at("2026-01-14T04:59:59.999Z"), id) < bound);
        assert!(inbox_sort(at("2025-12-31T23:00:00Z"), id) < bound);
        assert!(inbox_sort(at("2026-01-14T05:00:00Z"), id) > bound);
        assert!(inbox_sort(at("2026-01-14T05:00:00.001Z"), id) > bound);
    }

    #[test]
    fn audit_ranges_hold_exactly_the_events_between_their_ends() {
        let at = |raw: &str| Timestamp::parse(raw).expect("timestamp");
        let sort = |raw: &str| audit_event_sort(at(raw), EventId::generate());
        let (low, high) = audit_event_range(
            Some(at("2026-01-02T03:04:05.600Z")),
            Some(at("2026-01-02T03:04:06Z")),
        );
        let inside = |key: &str| low.as_str() <= key && key <= high.as_str();
        assert!(inside(&sort("2026-01-02T03:04:05.600Z")));
        assert!(inside(&sort("2026-01-02T03:04:06.000Z")));
        assert!(!inside(&sort("2026-01-02T03:04:05.599Z")));
        assert!(!inside(&sort("2026-01-02T03:04:06.001Z")));
        let (low, high) = audit_event_range(None, None);
        let key = sort("2026-01-02T03:04:05.600Z");
        assert!(low <= key && key <= high);
    }

    #[test]
    fn release_partitions_are_the_hours_of_their_items() {
        let at = Timestamp::parse("2027-01-12T20:30:00.123Z").expect("timestamp");
        let appointment = AppointmentId::generate();
        assert_eq!(reminders_hour(at), appointment_reminder(at, appointment).pk);
        assert_eq!(reminders_hour(at), "REMINDERS#2027-01-12T20");
        let held = deferred_text(at, NotificationId::generate(), "patient");
        assert_eq!(held.pk, deferred_texts_hour(at));
        assert_eq!(held.pk, "DEFERRED#2027-01-12T20");
        let patient = PatientId::generate();
        let delivery = notification_delivery(patient, at, NotificationId::generate(), "patient");
        assert_eq!(delivery.pk, profile(patient).pk);
        assert!(delivery.sk.starts_with(DELIVERY_PREFIX));
        assert!(!contact_suppression("ab").pk.contains(&patient.to_string()));
    }

    #[test]
    fn known_clients_sit_in_the_accounts_partition() {
        let sub = UserSub::parse("abc-123").expect("sub");
        let key = known_client(&sub, "ff00");
        assert_eq!(key.pk, "ACCOUNT#abc-123");
        assert_eq!(key.sk, "KNOWN_CLIENT#ff00");
        assert_eq!(key.pk, account_partition(&sub));
    }

    #[test]
    fn lapsed_offers_are_the_expiry_keys_before_now() {
        let at = |raw: &str| Timestamp::parse(raw).expect("timestamp");
        let appointment = AppointmentId::generate();
        let now = at("2026-03-01T10:00:00.000Z").to_string();
        let lapsed = offer_expiry_sort(at("2026-03-01T09:59:59.999Z"), appointment);
        let exactly_now = offer_expiry_sort(at("2026-03-01T10:00:00.000Z"), appointment);
        let live = offer_expiry_sort(at("2026-03-01T10:00:00.001Z"), appointment);
        assert!(lapsed < now);
        assert!(exactly_now > now, "an offer until now still holds");
        assert!(live > now);
        for _ in 0..50 {
            assert!(offer_expiry_shard(AppointmentId::generate()) < OFFER_EXPIRY_SHARDS);
        }
        assert_eq!(
            offer_expiry_shard(appointment),
            offer_expiry_shard(appointment)
        );
    }

    #[test]
    fn onboarding_and_education_keys_keep_to_their_partitions() {
        let sub = UserSub::parse("abc-123").expect("sub");
        let plan = onboarding_plan(&sub);
        assert_eq!(plan.pk, ONBOARDING_PARTITION);
        assert_eq!(plan.sk, "STAFF#abc-123");
        assert!(plan.sk.starts_with(ONBOARDING_PLAN_PREFIX));
        let topic = education_topic("type-2-diabetes");
        assert_eq!(topic.pk, "EDUCATION#TOPICS");
        assert_eq!(topic.sk, "TOPIC#type-2-diabetes");
        let tally = education_tally("type-2-diabetes");
        assert_eq!(tally.pk, "EDUCATION#TALLIES");
        assert_eq!(tally.sk, topic.sk);
        let patient = PatientId::generate();
        let assigned = education_assignment(patient, "hypertension");
        assert_eq!(assigned.pk, profile(patient).pk);
        assert_eq!(assigned.sk, "EDUCATION#ASSIGNED#hypertension");
        assert!(assigned.sk.starts_with(education_assignment_prefix()));
        let vote = education_vote(patient, "hypertension");
        assert_eq!(vote.pk, profile(patient).pk);
        assert_eq!(vote.sk, "EDUCATION#VOTE#hypertension");
        assert!(vote.sk.starts_with(education_vote_prefix()));
        assert!(!vote.sk.starts_with(education_assignment_prefix()));
    }
}
