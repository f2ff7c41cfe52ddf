//! Throttling of sign-in attempts, in the database so that every app server sees the same
//! counts. An attempt is counted *before* the password is checked, atomically, so concurrent
//! requests cannot slip past the limit: once a key has used its allowance, further attempts are
//! refused without evaluating anything, and each refusal lengthens the block (exponential
//! back-off, capped).

use crate::{Exec, StoreError, Ts, Tx};

/// Limits for one kind of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Attempts evaluated per window before the key is blocked.
    pub max_attempts: i64,
    pub window: time::Duration,
    /// The first block; each further refused attempt doubles it.
    pub base_block: time::Duration,
    pub max_block: time::Duration,
}

impl ThrottlePolicy {
    pub const fn new(max_attempts: i64) -> ThrottlePolicy {
        ThrottlePolicy {
            max_attempts,
            window: time::Duration::minutes(15),
            base_block: time::Duration::seconds(30),
            max_block: time::Duration::minutes(15),
        }
    }

    /// How long a key is blocked after `over` attempts beyond its allowance.
    pub fn block_for(&self, over: i64) -> time::Duration {
        let doublings = (over - 1).clamp(0, 20) as u32;
        let block = self.base_block * 2_i32.pow(doublings.min(30));
        block.min(self.max_block)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    Blocked { until: Ts },
}

#[derive(sqlx::FromRow)]
struct Counter {
    attempts: i64,
    blocked_until: Option<Ts>,
}

/// Counts one attempt for `key` and says whether it may be evaluated.
#[tracing::instrument(skip_all)]
pub async fn admit(
    tx: &mut Tx,
    key: &[u8],
    policy: &ThrottlePolicy,
    now: Ts,
) -> Result<Admission, StoreError> {
    let window_start = Ts::from(now.get() - policy.window);
    // A new window starts when the old one is over and no block is running.
    let counter = sql!(
        as Counter,
        fetch_one,
        &mut *tx,
        "INSERT INTO login_throttle (key, window_started_at, attempts, blocked_until) \
         VALUES ($1, $2, 1, NULL) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN login_throttle.window_started_at <= $3 \
                            AND (login_throttle.blocked_until IS NULL OR login_throttle.blocked_until <= $2) \
                      THEN 1 ELSE login_throttle.attempts + 1 END, \
           window_started_at = CASE WHEN login_throttle.window_started_at <= $3 \
                            AND (login_throttle.blocked_until IS NULL OR login_throttle.blocked_until <= $2) \
                      THEN $2 ELSE login_throttle.window_started_at END \
         RETURNING attempts, blocked_until",
        key,
        now,
        window_start,
    )?;
    let over = counter.attempts - policy.max_attempts;
    let blocked = counter.blocked_until.is_some_and(|until| until > now);
    if over <= 0 && !blocked {
        return Ok(Admission::Allowed);
    }
    let until = Ts::from(now.get() + policy.block_for(over.max(1)));
    sql!(
        execute,
        &mut *tx,
        "UPDATE login_throttle SET blocked_until = $1 WHERE key = $2",
        until,
        key
    )?;
    Ok(Admission::Blocked { until })
}

/// Gives back the attempt of a successful sign-in (for keys shared by many people, such as an
/// office's address).
#[tracing::instrument(skip_all)]
pub async fn give_back<'c>(exec: impl Into<Exec<'c>>, key: &[u8]) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "UPDATE login_throttle SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0",
        key
    )?;
    Ok(())
}

/// Forgets a key's failures (a successful sign-in of that account).
#[tracing::instrument(skip_all)]
pub async fn clear<'c>(exec: impl Into<Exec<'c>>, key: &[u8]) -> Result<(), StoreError> {
    sql!(execute, exec, "DELETE FROM login_throttle WHERE key = $1", key)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_double_from_the_base_up_to_the_cap() {
        let p = ThrottlePolicy::new(5);
        assert_eq!(p.block_for(1), time::Duration::seconds(30));
        assert_eq!(p.block_for(2), time::Duration::seconds(60));
        assert_eq!(p.block_for(4), time::Duration::seconds(240));
        assert_eq!(p.block_for(10), time::Duration::minutes(15));
        assert_eq!(p.block_for(1000), time::Duration::minutes(15));
    }
}
