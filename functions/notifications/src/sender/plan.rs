//! What to do for one recipient of one notification: send by a channel, hold a text over the
//! quiet hours, or not send (and why). A pure function of what is known, so every rule is
//! tested without AWS.

use portal_shared::domain::timestamp::Timestamp;
use portal_shared::features::notification::{Channel, Kind};

use crate::delivery_log::Reason;
use crate::preferences::ChannelChoice;
use crate::sender::quiet_hours::QuietHours;

/// Whether a contact is on file and may be written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Ok,
    Missing,
    Suppressed,
}

/// Everything the decision depends on.
#[derive(Debug, Clone, Copy)]
pub struct Situation {
    pub kind: Kind,
    /// The channel the record itself names (an activation code by text).
    pub named_channel: Option<Channel>,
    /// The person's preference (`channel_for`), for kinds they may choose.
    pub choice: ChannelChoice,
    pub email: Reach,
    pub phone: Reach,
    /// The patient turned appointment reminders off (the profile's switch; patients only).
    pub reminders_off: bool,
    /// Until when a waitlist offer holds.
    pub offer_until: Option<Timestamp>,
    pub now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    Send(Channel),
    /// A text held until the quiet hours end.
    Defer(Timestamp),
    Suppress(Reason),
}

pub fn decide(situation: &Situation, quiet: &QuietHours) -> Plan {
    let s = situation;
    if s.kind == Kind::AppointmentReminder && s.reminders_off {
        return Plan::Suppress(Reason::RemindersOff);
    }
    if s.offer_until.is_some_and(|until| until <= s.now) {
        return Plan::Suppress(Reason::Expired);
    }
    let channel = if s.kind.is_security_notice() {
        // Cannot be turned off: by the channel it names, else email.
        s.named_channel.unwrap_or(Channel::Email)
    } else {
        match s.choice {
            ChannelChoice::None => return Plan::Suppress(Reason::Preference),
            ChannelChoice::Sms if s.phone == Reach::Ok => Channel::Sms,
            // A text that cannot go (no phone any more, or it failed for good) goes by email.
            ChannelChoice::Sms if s.email == Reach::Ok => Channel::Email,
            ChannelChoice::Sms => Channel::Sms,
            ChannelChoice::Email => Channel::Email,
        }
    };
    let reach = match channel {
        Channel::Email => s.email,
        Channel::Sms => s.phone,
    };
    match reach {
        Reach::Missing => return Plan::Suppress(Reason::NoContact),
        Reach::Suppressed => return Plan::Suppress(Reason::Undeliverable),
        Reach::Ok => {}
    }
    // A security notice by text is one the person just asked for (at the front desk): it goes
    // at once. Other texts wait for the morning.
    if channel == Channel::Sms
        && !s.kind.is_security_notice()
        && let Some(release) = quiet.release_at(s.now)
    {
        return match s.offer_until {
            Some(until) if until <= release && s.email == Reach::Ok => Plan::Send(Channel::Email),
            Some(until) if until <= release => Plan::Suppress(Reason::Expired),
            _ => Plan::Defer(release),
        };
    }
    Plan::Send(channel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).expect("timestamp")
    }

    fn quiet() -> QuietHours {
        QuietHours::parse("21:00-08:00", "America/New_York").expect("quiet")
    }

    /// Noon in New York.
    const NOON: &str = "2027-01-12T17:00:00Z";
    /// 23:00 in New York; the quiet hours end at 13:00Z the next day.
    const NIGHT: &str = "2027-01-13T04:00:00Z";

    fn situation(kind: Kind, choice: ChannelChoice, now: &str) -> Situation {
        Situation {
            kind,
            named_channel: None,
            choice,
            email: Reach::Ok,
            phone: Reach::Ok,
            reminders_off: false,
            offer_until: None,
            now: at(now),
        }
    }

    #[test]
    fn preferences_choose_the_channel() {
        let q = quiet();
        let s = situation(Kind::NewMessage, ChannelChoice::Email, NOON);
        assert_eq!(decide(&s, &q), Plan::Send(Channel::Email));
        let s = situation(Kind::NewMessage, ChannelChoice::Sms, NOON);
        assert_eq!(decide(&s, &q), Plan::Send(Channel::Sms));
        let s = situation(Kind::NewMessage, ChannelChoice::None, NOON);
        assert_eq!(decide(&s, &q), Plan::Suppress(Reason::Preference));
    }

    #[test]
    fn security_notices_ignore_preferences_and_quiet_hours() {
        let q = quiet();
        let mut s = situation(Kind::CareCircleInvitation, ChannelChoice::None, NIGHT);
        assert_eq!(decide(&s, &q), Plan::Send(Channel::Email));
        s.kind = Kind::ActivationInvitation;
        s.named_channel = Some(Channel::Sms);
        assert_eq!(decide(&s, &q), Plan::Send(Channel::Sms));
        s.phone = Reach::Missing;
        assert_eq!(decide(&s, &q), Plan::Suppress(Reason::NoContact));
    }

    #[test]
    fn the_reminder_switch_and_unreachable_contacts_suppress() {
        let q = quiet();
        let mut s = situation(Kind::AppointmentReminder, ChannelChoice::Email, NOON);
        s.reminders_off = true;
        assert_eq!(decide(&s, &q), Plan::Suppress(Reason::RemindersOff));
        s.reminders_off = false;
        s.email = Reach::Suppressed;
        assert_eq!(decide(&s, &q), Plan::Suppress(Reason::Undeliverable));
        s.email = Reach::Missing;
        assert_eq!(decide(&s, &q), Plan::Suppress(Reason::NoContact));
        // A text that cannot go falls back to email when there is one.
        let mut s = situation(Kind::AppointmentBooked, ChannelChoice::Sms, NOON);
        s.phone = Reach::Suppressed;
        assert_eq!(decide(&s, &q), Plan::Send(Channel::Email));
        s.email = Reach::Missing;
        assert_eq!(decide(&s, &q), Plan::Suppress(Reason::Undeliverable));
    }

    #[test]
    fn texts_wait_for_the_end_of_the_quiet_hours_but_email_does_not() {
        let q = quiet();
        let s = situation(Kind::AppointmentBooked, ChannelChoice::Sms, NIGHT);
        assert_eq!(decide(&s, &q), Plan::Defer(at("2027-01-13T13:00:00Z")));
        let s = situation(Kind::AppointmentBooked, ChannelChoice::Email, NIGHT);
        assert_eq!(decide(&s, &q), Plan::Send(Channel::Email));
    }

    #[test]
    fn an_offer_that_ends_in_the_night_goes_by_email_or_not_at_all() {
        let q = quiet();
        let mut s = situation(Kind::WaitlistOffer, ChannelChoice::Sms, NIGHT);
        s.offer_until = Some(at("2027-01-13T10:00:00Z"));
        assert_eq!(decide(&s, &q), Plan::Send(Channel::Email));
        s.email = Reach::Missing;
        assert_eq!(decide(&s, &q), Plan::Suppress(Reason::Expired));
        // Held past the morning: the text waits.
        s.offer_until = Some(at("2027-01-13T16:00:00Z"));
        assert_eq!(decide(&s, &q), Plan::Defer(at("2027-01-13T13:00:00Z")));
        // Lapsed already.
        s.offer_until = Some(at("2027-01-13T03:00:00Z"));
        assert_eq!(decide(&s, &q), Plan::Suppress(Reason::Expired));
    }
}
