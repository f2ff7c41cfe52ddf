//! Throttling of sign-in attempts, in the database so that every app server sees the same
//! counts. An attempt is counted *before* the password is checked, atomically, so concurrent
//! requests cannot slip past the limit: once a key has used its allowance, it is blocked, and
//! attempts are refused without evaluating anything until the block ends. Refusals neither
//! count nor lengthen the block (so nobody can keep an account locked for free); each attempt
//! evaluated past the allowance doubles the next block, up to a cap.

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
            base_block: time::Duration::minutes(5),
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
    /// Refused; `started` is true for the attempt that began the block (worth an audit
    /// event), false for the refusals during it.
    Blocked {
        until: Ts,
        started: bool,
    },
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
    // While a block runs, nothing changes: the attempt is refused as it stands.
    let counter = sql!(
        as Counter,
        fetch_one,
        &mut *tx,
        "INSERT INTO login_throttle (key, window_started_at, attempts, blocked_until) \
         VALUES ($1, $2, 1, NULL) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE \
             WHEN login_throttle.blocked_until > $2 THEN login_throttle.attempts \
             WHEN login_throttle.window_started_at <= $3 THEN 1 \
             ELSE login_throttle.attempts + 1 END, \
           window_started_at = CASE \
             WHEN login_throttle.blocked_until > $2 THEN login_throttle.window_started_at \
             WHEN login_throttle.window_started_at <= $3 THEN $2 \
             ELSE login_throttle.window_started_at END, \
           blocked_until = CASE \
             WHEN login_throttle.blocked_until > $2 THEN login_throttle.blocked_until \
             WHEN login_throttle.window_started_at <= $3 THEN NULL \
             ELSE login_throttle.blocked_until END \
         RETURNING attempts, blocked_until",
        key,
        now,
        window_start,
    )?;
    if let Some(until) = counter.blocked_until.filter(|until| *until > now) {
        return Ok(Admission::Blocked { until, started: false });
    }
    let over = counter.attempts - policy.max_attempts;
    if over <= 0 {
        return Ok(Admission::Allowed);
    }
    // Past the allowance (again, if an earlier block has ended): block, longer each time.
    let until = Ts::from(now.get() + policy.block_for(over));
    sql!(
        execute,
        &mut *tx,
        "UPDATE login_throttle SET blocked_until = $1 WHERE key = $2",
        until,
        key
    )?;
    Ok(Admission::Blocked { until, started: true })
}

/// Forgets counters whose window and block are both over (they would start afresh anyway).
#[tracing::instrument(skip_all)]
pub async fn purge<'c>(
    exec: impl Into<Exec<'c>>,
    policy: &ThrottlePolicy,
    now: Ts,
) -> Result<u64, StoreError> {
    let window_start = Ts::from(now.get() - policy.window);
    Ok(sql!(
        execute,
        exec,
        "DELETE FROM login_throttle WHERE window_started_at <= $1 \
         AND (blocked_until IS NULL OR blocked_until <= $2)",
        window_start,
        now,
    )?)
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
        assert_eq!(p.block_for(1), time::Duration::minutes(5));
        assert_eq!(p.block_for(2), time::Duration::minutes(10));
        assert_eq!(p.block_for(3), time::Duration::minutes(15));
        assert_eq!(p.block_for(10), time::Duration::minutes(15));
        assert_eq!(p.block_for(1000), time::Duration::minutes(15));
    }
}
