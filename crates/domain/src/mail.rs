//! E-mail of notifications: how each user wants each kind of notification delivered, and the
//! kinds of job that deliver them. The sending itself is in `web::mail`; what was sent is
//! recorded in `store::mail`.

use std::fmt;

/// How a user receives one kind of notification. Every notification is shown in the app;
/// e-mail comes on top of it, never instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Delivery {
    /// In the app only (the default: nobody gets e-mail they did not ask for).
    #[default]
    InApp,
    /// In the app, and at once by e-mail.
    Email,
    /// In the app, and in one e-mail a day with the day's unread notifications.
    Digest,
}

impl Delivery {
    /// In the order the preference form offers them.
    pub const ALL: [Delivery; 3] = [Delivery::InApp, Delivery::Email, Delivery::Digest];

    /// The stable code stored in the database and sent by the form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Delivery::InApp => "in_app",
            Delivery::Email => "email",
            Delivery::Digest => "digest",
        }
    }

    pub fn parse(code: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == code)
    }
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Delivery {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Delivery::parse(&s).ok_or_else(|| format!("unknown delivery {s:?}"))
    }
}

/// The kinds of job that send e-mail (stored in every job row: never rename one, only add).
pub mod kinds {
    /// Sends one notification to its user; the job's key is the notification's id.
    pub const NOTIFICATION: &str = "mail.notification";
    /// Once a day: enqueues one [`DIGEST_USER`] job per user who chose the digest.
    pub const DIGEST: &str = "mail.digest";
    /// Sends one user's digest of one day; the key is `user id@day`.
    pub const DIGEST_USER: &str = "mail.digest_user";

    pub const ALL: &[&str] = &[NOTIFICATION, DIGEST, DIGEST_USER];
}

/// The daily digest's period, in minutes.
pub const DIGEST_EVERY_MINUTES: i64 = 24 * 60;

/// The hour (UTC) the daily digest goes out: 17:00 in Paris in winter, 18:00 in summer — the
/// end of a working day, when the day's notifications are all in.
pub const DIGEST_HOUR_UTC: u8 = 16;

/// The first digest after `now`: the next [`DIGEST_HOUR_UTC`] o'clock, never `now` itself, so
/// that a server started in the morning does not send a digest of half a day.
pub fn first_digest_after(now: time::OffsetDateTime) -> time::OffsetDateTime {
    let now = now.to_offset(time::UtcOffset::UTC);
    let today =
        now.replace_time(time::Time::from_hms(DIGEST_HOUR_UTC, 0, 0).expect("a valid hour"));
    if today > now { today } else { today + time::Duration::days(1) }
}

/// The key under which a notification's e-mail is recorded as sent (and its job enqueued).
pub fn notification_key(notification_id: uuid::Uuid) -> String {
    notification_id.to_string()
}

/// The key under which a user's digest of `day` (a UTC date, `YYYY-MM-DD`) is recorded as
/// sent: one digest per user per day, whatever retries or servers do.
pub fn digest_key(user_id: uuid::Uuid, day: time::Date) -> String {
    format!("{user_id}@{day}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_round_trip_through_their_codes() {
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
            assert_eq!(Delivery::try_from(d.as_str().to_owned()), Ok(d));
        }
        assert_eq!(Delivery::parse("Email"), None);
        assert_eq!(Delivery::default(), Delivery::InApp);
    }

    #[test]
    fn mail_job_kinds_are_valid_and_distinct_from_the_runners_own() {
        for kind in kinds::ALL {
            assert!(crate::jobs::is_valid_kind(kind), "{kind}");
            assert!(!crate::jobs::kinds::ALL.contains(kind), "{kind}");
        }
    }

    #[test]
    fn the_first_digest_is_at_the_next_digest_hour() {
        use time::macros::datetime;
        assert_eq!(
            first_digest_after(datetime!(2026-03-02 09:12 UTC)),
            datetime!(2026-03-02 16:00 UTC)
        );
        assert_eq!(
            first_digest_after(datetime!(2026-03-02 16:00 UTC)),
            datetime!(2026-03-03 16:00 UTC)
        );
        assert_eq!(
            first_digest_after(datetime!(2026-03-02 23:30 +02:00)),
            datetime!(2026-03-03 16:00 UTC)
        );
    }

    #[test]
    fn a_digest_key_names_the_user_and_the_day() {
        let user = uuid::Uuid::nil();
        let day = time::macros::date!(2026 - 03 - 02);
        assert_eq!(digest_key(user, day), "00000000-0000-0000-0000-000000000000@2026-03-02");
    }
}
