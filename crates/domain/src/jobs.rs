//! Background jobs: the rules of the queue, without the queue. A job is a row that a worker
//! claims for a while (a lease), runs, and marks done — or failed, to be tried again later,
//! until it has used its attempts and goes to the dead letters, where an administrator sees it.
//!
//! Delivery is at least once: a worker that dies mid-way leaves its lease to expire and the
//! job runs again, so every handler must be idempotent by the job's key.

use std::fmt;

use time::{Duration, OffsetDateTime};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for its time (`run_at`) and a free worker.
    Queued,
    /// A worker holds it until its lease ends.
    Running,
    Done,
    /// The last attempt failed; it runs again at `run_at`.
    Failed,
    /// Every attempt failed (or its worker died during the last one): nothing runs it again
    /// unless an administrator retries it.
    Dead,
    /// An administrator stopped it before it ran.
    Cancelled,
}

impl JobState {
    /// Every state, in the order the admin page lists them.
    pub const ALL: [JobState; 6] = [
        JobState::Queued,
        JobState::Running,
        JobState::Failed,
        JobState::Dead,
        JobState::Cancelled,
        JobState::Done,
    ];

    /// The stable code stored in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Dead => "dead",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|s| s.as_str() == code)
    }

    /// Whether the job still has work ahead: while it has, a second job of the same kind and
    /// key is not enqueued (the key is unique among pending jobs).
    pub const fn is_pending(self) -> bool {
        matches!(self, JobState::Queued | JobState::Running | JobState::Failed)
    }

    /// Whether an administrator may send it back to the queue: a job waiting for its next
    /// attempt runs now, a dead or cancelled one gets its attempts afresh. A queued or running
    /// job is already on its way; a done one has had its effect.
    pub const fn may_retry(self) -> bool {
        matches!(self, JobState::Failed | JobState::Dead | JobState::Cancelled)
    }

    /// Whether an administrator may cancel it: only before a worker takes it. A running job's
    /// handler cannot be stopped from another server; it is left to finish.
    pub const fn may_cancel(self) -> bool {
        matches!(self, JobState::Queued | JobState::Failed)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for JobState {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        JobState::parse(&s).ok_or_else(|| format!("unknown job state {s:?}"))
    }
}

/// The kinds of job this version runs, by their stable names (stored in every row: never
/// rename one, only add).
pub mod kinds {
    /// Deletes sessions past their absolute expiry.
    pub const PURGE_SESSIONS: &str = "purge_sessions";
    /// Deletes invitations that expired unanswered (they hold the name the manager typed).
    pub const PURGE_INVITATIONS: &str = "purge_invitations";
    /// Deletes import files kept past their hour.
    pub const PURGE_IMPORT_UPLOADS: &str = "purge_import_uploads";
    /// Deletes sign-in throttle counters whose window and block are over.
    pub const PURGE_SIGN_IN_THROTTLE: &str = "purge_sign_in_throttle";
    /// Deletes finished jobs once they are no longer worth showing.
    pub const PURGE_JOBS: &str = "purge_jobs";

    /// Every kind above.
    pub const ALL: &[&str] = &[
        PURGE_SESSIONS,
        PURGE_INVITATIONS,
        PURGE_IMPORT_UPLOADS,
        PURGE_SIGN_IN_THROTTLE,
        PURGE_JOBS,
    ];
}

/// Whether `name` may name a kind of job: 1 to 64 lowercase ASCII letters, digits, `_` or `.`,
/// starting with a letter — it is shown on the admin page and in logs as it is.
pub fn is_valid_kind(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

/// The attempts a job gets unless its kind says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;

/// How long a worker holds a job before another may take it, unless it renews the lease.
/// Workers renew it while the handler runs, so it only bounds how long a dead worker's job waits.
pub const DEFAULT_LEASE: Duration = Duration::minutes(5);

/// The wait before the next attempt: exponential from `base`, capped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    /// 30 s, 1 min, 2 min, 4 min… up to an hour: a passing outage (SMTP, the database
    /// restarting) costs a few quick retries; a lasting one does not flood the logs.
    fn default() -> Self {
        Backoff { base: Duration::seconds(30), cap: Duration::hours(1) }
    }
}

impl Backoff {
    /// The wait after the `attempts`-th failed attempt (1 for the first).
    pub fn delay(&self, attempts: i64) -> Duration {
        // 2^20 × the base is beyond any sensible cap: stop doubling there (and never overflow).
        let doublings = (attempts - 1).clamp(0, 20) as u32;
        let delay = self.base.checked_mul(1 << doublings).unwrap_or(self.cap);
        delay.min(self.cap)
    }
}

/// What becomes of a job whose attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Tried again at this time (state `failed`).
    RetryAt(OffsetDateTime),
    /// No attempt left (state `dead`).
    Dead,
}

/// The fate of a job that failed its `attempts`-th attempt out of `max_attempts`, at `now`.
pub fn after_failure(
    attempts: i64,
    max_attempts: i64,
    backoff: &Backoff,
    now: OffsetDateTime,
) -> AfterFailure {
    if attempts >= max_attempts {
        AfterFailure::Dead
    } else {
        AfterFailure::RetryAt(now + backoff.delay(attempts))
    }
}

/// The next time a periodic job is due after the one that was due at `due`, seen at `now`: one
/// period later, or — when the servers were stopped for several periods — the first period
/// boundary after `now`, so that missed periods are skipped rather than run in a burst.
pub fn next_period(due: OffsetDateTime, every: Duration, now: OffsetDateTime) -> OffsetDateTime {
    let every = every.max(Duration::MINUTE);
    let next = due + every;
    if next > now {
        return next;
    }
    let behind = (now - due).whole_seconds();
    let periods = behind / every.whole_seconds() + 1;
    due + every * (periods as i32)
}

/// The longest error text kept on a job, in characters.
pub const MAX_ERROR_CHARS: usize = 500;

/// An error as the job keeps it: on one line, cut to [`MAX_ERROR_CHARS`]. Handlers write
/// errors that name ids and causes, never personal data; this only bounds the size.
pub fn error_summary(error: &str) -> String {
    let one_line: String =
        error.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
    let trimmed = one_line.trim();
    if trimmed.chars().count() <= MAX_ERROR_CHARS {
        trimmed.to_owned()
    } else {
        let mut cut: String = trimmed.chars().take(MAX_ERROR_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn states_round_trip_through_their_codes() {
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
            assert_eq!(JobState::try_from(state.as_str().to_owned()), Ok(state));
        }
        assert_eq!(JobState::parse("Done"), None);
        assert!(JobState::try_from("finished".to_owned()).is_err());
    }

    #[test]
    fn the_transition_table_holds_for_every_state() {
        // state → pending, may retry, may cancel
        let table = [
            (JobState::Queued, [true, false, true]),
            (JobState::Running, [true, false, false]),
            (JobState::Failed, [true, true, true]),
            (JobState::Dead, [false, true, false]),
            (JobState::Cancelled, [false, true, false]),
            (JobState::Done, [false, false, false]),
        ];
        for (state, expected) in table {
            assert_eq!(
                [state.is_pending(), state.may_retry(), state.may_cancel()],
                expected,
                "{state}"
            );
        }
    }

    #[test]
    fn back_off_doubles_from_the_base_up_to_the_cap() {
        let b = Backoff::default();
        assert_eq!(b.delay(1), Duration::seconds(30));
        assert_eq!(b.delay(2), Duration::minutes(1));
        assert_eq!(b.delay(3), Duration::minutes(2));
        assert_eq!(b.delay(7), Duration::minutes(32));
        assert_eq!(b.delay(8), Duration::hours(1));
        assert_eq!(b.delay(1_000_000), Duration::hours(1));
        // A nonsensical count (0, negative) waits the base, never less.
        assert_eq!(b.delay(0), Duration::seconds(30));
        assert_eq!(b.delay(-5), Duration::seconds(30));
    }

    #[test]
    fn a_failure_retries_until_the_last_attempt_then_goes_dead() {
        let now = datetime!(2026-03-02 09:00 UTC);
        let b = Backoff::default();
        assert_eq!(
            after_failure(1, 3, &b, now),
            AfterFailure::RetryAt(now + Duration::seconds(30))
        );
        assert_eq!(after_failure(2, 3, &b, now), AfterFailure::RetryAt(now + Duration::minutes(1)));
        assert_eq!(after_failure(3, 3, &b, now), AfterFailure::Dead);
        // A job reclaimed after a dead worker may have counted past its maximum.
        assert_eq!(after_failure(4, 3, &b, now), AfterFailure::Dead);
        assert_eq!(after_failure(1, 1, &b, now), AfterFailure::Dead);
    }

    #[test]
    fn periods_follow_each_other_and_skip_those_missed() {
        let due = datetime!(2026-03-02 09:00 UTC);
        let hour = Duration::hours(1);
        // On time, or a little late: one period later.
        assert_eq!(next_period(due, hour, due), datetime!(2026-03-02 10:00 UTC));
        assert_eq!(
            next_period(due, hour, due + Duration::minutes(59)),
            datetime!(2026-03-02 10:00 UTC)
        );
        // Exactly one period late: the boundary after now, not now.
        assert_eq!(
            next_period(due, hour, datetime!(2026-03-02 10:00 UTC)),
            datetime!(2026-03-02 11:00 UTC)
        );
        // Stopped for a weekend: the next boundary after now, on the original grid.
        let monday = datetime!(2026-03-04 09:30 UTC);
        assert_eq!(next_period(due, hour, monday), datetime!(2026-03-04 10:00 UTC));
        // A period under a minute is taken as a minute (every_minutes is the stored unit).
        assert_eq!(next_period(due, Duration::ZERO, due), due + Duration::MINUTE);
    }

    #[test]
    fn kinds_are_valid_and_distinct() {
        for kind in kinds::ALL {
            assert!(is_valid_kind(kind), "{kind}");
        }
        let mut sorted = kinds::ALL.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), kinds::ALL.len());
        for bad in ["", "Purge", "9lives", "purge sessions", "purge-sessions", &"a".repeat(65)] {
            assert!(!is_valid_kind(bad), "{bad:?}");
        }
    }

    #[test]
    fn errors_are_kept_on_one_line_and_bounded() {
        assert_eq!(
            error_summary("  connection refused\n(retrying)  "),
            "connection refused (retrying)"
        );
        let long = "é".repeat(2 * MAX_ERROR_CHARS);
        let kept = error_summary(&long);
        assert_eq!(kept.chars().count(), MAX_ERROR_CHARS);
        assert!(kept.ends_with('…'));
    }
}
