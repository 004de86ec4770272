//! One outbox record, start to end: parse, claim, find the recipients, decide and act for
//! each (skipping those an earlier run dealt with), record each delivery, finish the record.

use std::collections::{BTreeSet, HashMap};

use portal_shared::ApiError;
use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::invitation_wave;
use portal_shared::features::notification::{Channel, Recipient};
use portal_shared::platform::store::Item;

use crate::Deps;
use crate::delivery_log::{self, DeliveryStatus, DeliveryView, Reason};
use crate::preferences::{self, ChannelChoice, Person, Preferences};
use crate::sender::claim::{self, Claim, Final, MAX_ATTEMPTS};
use crate::sender::outbox::{Malformed, Outbox};
use crate::sender::plan::{self, Plan, Situation};
use crate::sender::recipients::{self, Target};
use crate::sender::send::send;
use crate::sender::transport::Sent;
use crate::sender::{deferred, reach};

/// What one record came to, per recipient.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub sent: usize,
    pub suppressed: usize,
    pub deferred: usize,
    pub failed: usize,
    /// Recipients that may be sent to on a later try.
    pub retryable: usize,
    /// Recipients still refused for a passing reason on the last attempt (counted in `failed`
    /// too): the event source mapping's retries are spent as well, so the record is answered
    /// as failed once more for the mapping to set its batch aside in the failure destination.
    pub exhausted: usize,
}

impl Tally {
    /// How the outbox item ends: sent if anyone got it.
    pub fn outcome(&self) -> Final {
        if self.sent > 0 {
            Final::Sent
        } else if self.deferred > 0 {
            Final::Deferred
        } else if self.failed > 0 || self.retryable > 0 {
            Final::Failed
        } else {
            Final::Suppressed
        }
    }
}

#[derive(Debug)]
pub enum Delivered {
    Done(Tally),
    /// Finished already or another run holds it: nothing was sent.
    Duplicate,
    /// Cannot be read: reported, not retried.
    Malformed,
    /// Not an outbox item at all.
    NotOutbox,
    /// Some recipient may be sent to on a later try: the stream retries the record.
    Retry(Tally),
}

pub async fn deliver_item(deps: &Deps, item: Item, event_id: &str, now: Timestamp) -> Delivered {
    let outbox = match Outbox::parse(item.clone()) {
        Ok(outbox) => outbox,
        // Another item the stream's filter let through (a reminder, a held text): not work.
        Err(Malformed::NotAnOutboxItem) => return Delivered::NotOutbox,
        Err(problem) => {
            tracing::error!(event_id, ?problem, "outbox record cannot be read; not sent");
            return Delivered::Malformed;
        }
    };
    let (attempts, delivered) = match claim::claim(deps, &outbox.key, now).await {
        Ok(Claim::Claimed {
            attempts,
            delivered,
        }) => (attempts, delivered),
        Ok(Claim::Duplicate) => return Delivered::Duplicate,
        Err(error) => {
            tracing::warn!(notification_id = %outbox.notification_id, %error, "claim failed");
            return Delivered::Retry(Tally::default());
        }
    };
    let run = Run {
        deps,
        outbox: &outbox,
        item: &item,
        attempts,
        now,
    };
    match run.all(&delivered).await {
        Ok(tally) if tally.retryable > 0 && attempts < MAX_ATTEMPTS => {
            if let Err(error) = claim::retry_later(deps, &outbox.key).await {
                tracing::warn!(notification_id = %outbox.notification_id, %error, "not released");
            }
            Delivered::Retry(tally)
        }
        Ok(tally) => match claim::finish(deps, &outbox.key, tally.outcome(), now).await {
            Ok(()) if tally.exhausted > 0 => Delivered::Retry(tally),
            Ok(()) => Delivered::Done(tally),
            Err(error) => {
                tracing::warn!(notification_id = %outbox.notification_id, %error, "not finished");
                Delivered::Retry(tally)
            }
        },
        Err(error) if attempts < MAX_ATTEMPTS => {
            tracing::warn!(notification_id = %outbox.notification_id, %error, "will retry");
            let _ = claim::retry_later(deps, &outbox.key).await;
            Delivered::Retry(Tally::default())
        }
        Err(error) => {
            tracing::error!(notification_id = %outbox.notification_id, %error, "giving up");
            let _ = claim::finish(deps, &outbox.key, Final::Failed, now).await;
            // Spent like a recipient's passing failure: answered for the failure destination.
            Delivered::Retry(Tally {
                failed: 1,
                exhausted: 1,
                ..Tally::default()
            })
        }
    }
}

/// One claimed run of one record.
struct Run<'a> {
    deps: &'a Deps,
    outbox: &'a Outbox,
    item: &'a Item,
    attempts: u32,
    now: Timestamp,
}

/// What happened for one recipient.
enum Step {
    Sent(Channel),
    Deferred,
    Suppressed(Option<Channel>, Reason),
    Failed(Channel, Reason),
    Retry(Channel),
}

impl Run<'_> {
    async fn all(&self, delivered: &BTreeSet<String>) -> Result<Tally, ApiError> {
        let outbox = self.outbox;
        if outbox
            .expires_at
            .is_some_and(|expires| expires < self.now.unix_seconds())
        {
            return Ok(Tally {
                failed: 1,
                ..Tally::default()
            });
        }
        let targets =
            recipients::resolve(self.deps, &outbox.recipient, outbox.kind, self.now).await?;
        let prefs = match &outbox.recipient {
            Recipient::Patient { patient_id } => {
                preferences::load_all(self.deps, *patient_id).await?
            }
            _ => HashMap::new(),
        };
        let mut tally = Tally::default();
        for target in &targets {
            if delivered.contains(&target.slot) {
                tally.sent += 1;
                continue;
            }
            let step = self.one(target, &prefs).await?;
            self.record(target, &step).await?;
            match step {
                Step::Sent(_) => tally.sent += 1,
                Step::Deferred => tally.deferred += 1,
                Step::Suppressed(..) => tally.suppressed += 1,
                Step::Failed(_, Reason::Error) => {
                    tally.failed += 1;
                    tally.exhausted += 1;
                }
                Step::Failed(..) => tally.failed += 1,
                Step::Retry(_) => tally.retryable += 1,
            }
        }
        Ok(tally)
    }

    async fn one(
        &self,
        target: &Target,
        prefs: &HashMap<Person, Preferences>,
    ) -> Result<Step, ApiError> {
        let outbox = self.outbox;
        let choice = match &target.person {
            Some(person) => {
                preferences::channel_for(prefs.get(person), outbox.kind, target.phone.is_some())
            }
            None => ChannelChoice::Email,
        };
        let situation = Situation {
            kind: outbox.kind,
            named_channel: outbox.named_channel(),
            choice,
            email: reach::email(self.deps, target.email.as_ref()).await?,
            phone: reach::phone(self.deps, target.phone.as_ref()).await?,
            reminders_off: target.reminders_off,
            offer_until: outbox.offer_until(),
            now: self.now,
        };
        match plan::decide(&situation, &self.deps.notify.quiet) {
            Plan::Suppress(reason) => Ok(Step::Suppressed(None, reason)),
            Plan::Defer(release_at) => {
                deferred::hold(
                    self.deps,
                    self.item,
                    outbox,
                    &target.slot,
                    release_at,
                    self.attempts,
                )
                .await?;
                claim::mark_delivered(self.deps, &outbox.key, &target.slot).await?;
                Ok(Step::Deferred)
            }
            Plan::Send(channel) => Ok(match send(self.deps, outbox, target, channel).await {
                Sent::Sent => {
                    claim::mark_delivered(self.deps, &outbox.key, &target.slot).await?;
                    self.wave_member_delivered().await;
                    Step::Sent(channel)
                }
                Sent::Rejected => {
                    if channel == Channel::Sms {
                        reach::text_failed(self.deps, target.phone.as_ref(), self.now).await?;
                    }
                    Step::Failed(channel, Reason::Rejected)
                }
                Sent::Retryable if self.attempts >= MAX_ATTEMPTS => {
                    Step::Failed(channel, Reason::Error)
                }
                Sent::Retryable => Step::Retry(channel),
            }),
        }
    }

    /// An invitation wave's code was sent: the wave's member is delivered
    /// (`portal_shared::features::invitation_wave`). Never fails the delivery.
    async fn wave_member_delivered(&self) {
        let (Some((wave, code)), Recipient::Patient { patient_id }) =
            (self.outbox.wave_code(), &self.outbox.recipient)
        else {
            return;
        };
        let zone =
            jiff::tz::TimeZone::get(&self.deps.notify.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let day = portal_shared::platform::feature_gate::day_in(&zone, self.now);
        let platform = &self.deps.platform;
        if let Err(error) = invitation_wave::mark_delivered(
            &platform.dynamo,
            &platform.app_table,
            &day,
            wave,
            *patient_id,
            code,
            self.now,
        )
        .await
        {
            tracing::warn!(
                notification_id = %self.outbox.notification_id,
                wave_id = %wave,
                problem = error.slug(),
                "the wave's member was not marked delivered"
            );
        }
    }

    /// The recipient's line in the patient's delivery history (staff have none).
    async fn record(&self, target: &Target, step: &Step) -> Result<(), ApiError> {
        let Some((patient, role)) = target.history else {
            return Ok(());
        };
        let (status, channel, reason) = match *step {
            Step::Sent(channel) => (DeliveryStatus::Sent, Some(channel), None),
            Step::Deferred => (DeliveryStatus::Deferred, Some(Channel::Sms), None),
            Step::Suppressed(channel, reason) => {
                (DeliveryStatus::Suppressed, channel, Some(reason))
            }
            Step::Failed(channel, reason) => (DeliveryStatus::Failed, Some(channel), Some(reason)),
            Step::Retry(channel) => (DeliveryStatus::Pending, Some(channel), None),
        };
        let view = DeliveryView {
            notification_id: self.outbox.notification_id,
            kind: self.outbox.kind.template().to_owned(),
            recipient: role,
            channel,
            status,
            reason,
            attempts: self.attempts,
            created_at: self.outbox.created_at,
            updated_at: Some(self.now),
        };
        delivery_log::record(self.deps, patient, &target.slot, &view).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_sent_if_anyone_got_it() {
        let tally = |sent, deferred, failed, suppressed| Tally {
            sent,
            suppressed,
            deferred,
            failed,
            ..Tally::default()
        };
        assert_eq!(tally(1, 0, 1, 1).outcome(), Final::Sent);
        assert_eq!(tally(0, 1, 1, 0).outcome(), Final::Deferred);
        assert_eq!(tally(0, 0, 1, 1).outcome(), Final::Failed);
        assert_eq!(tally(0, 0, 0, 2).outcome(), Final::Suppressed);
        // No recipient at all (no profile, no one in the group): nothing to send.
        assert_eq!(tally(0, 0, 0, 0).outcome(), Final::Suppressed);
    }
}
