//! The TOTP second factor: the encrypted secret, the last accepted step, recovery codes, and
//! sign-ins waiting for their second factor.

use domain::UserId;
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// A user's second factor as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TotpState {
    /// Encrypted secret; present but not enabled while enrolment awaits its first code.
    pub totp_secret_encrypted: Option<String>,
    pub totp_enabled_at: Option<Ts>,
    pub totp_last_step: Option<i64>,
}

impl TotpState {
    pub fn enabled(&self) -> bool {
        self.totp_enabled_at.is_some() && self.totp_secret_encrypted.is_some()
    }
}

pub async fn state<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<TotpState, StoreError> {
    Ok(sql!(
        as TotpState,
        fetch_one,
        exec,
        "SELECT totp_secret_encrypted, totp_enabled_at, totp_last_step FROM users WHERE id = $1",
        user_id.as_uuid(),
    )?)
}

/// Keeps a new secret for enrolment; the factor is off until a first code confirms it. False
/// if the factor is already on (nothing is written).
pub async fn begin_enrolment<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    sealed: &str,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE users SET totp_secret_encrypted = $1, totp_enabled_at = NULL, totp_last_step = NULL \
         WHERE id = $2 AND totp_enabled_at IS NULL",
        sealed,
        user_id.as_uuid(),
    )?;
    Ok(n == 1)
}

/// Turns the factor on, with the step of the confirming code already used.
pub async fn enable<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    step: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE users SET totp_enabled_at = $1, totp_last_step = $2, version = version + 1 \
         WHERE id = $3 AND totp_secret_encrypted IS NOT NULL AND totp_enabled_at IS NULL",
        now,
        step,
        user_id.as_uuid(),
    )?;
    Ok(n == 1)
}

/// Turns the factor off and forgets its secret and recovery codes.
pub async fn disable<'c>(exec: impl Into<Exec<'c>>, user_id: UserId) -> Result<(), StoreError> {
    let mut exec = exec.into();
    sql!(
        execute,
        &mut exec,
        "UPDATE users SET totp_secret_encrypted = NULL, totp_enabled_at = NULL, totp_last_step = NULL, \
         version = version + 1 WHERE id = $1",
        user_id.as_uuid(),
    )?;
    sql!(execute, exec, "DELETE FROM recovery_codes WHERE user_id = $1", user_id.as_uuid())?;
    Ok(())
}

/// Records that `step`'s code was used; false if that step (or a later one) already was, so
/// two requests racing with one code cannot both pass.
pub async fn consume_step<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    step: i64,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE users SET totp_last_step = $1 \
         WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        step,
        user_id.as_uuid(),
    )?;
    Ok(n == 1)
}

/// Replaces the recovery codes by new ones (their keyed hashes).
pub async fn replace_recovery_codes<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    hashes: &[[u8; 32]],
) -> Result<(), StoreError> {
    let mut exec = exec.into();
    sql!(execute, &mut exec, "DELETE FROM recovery_codes WHERE user_id = $1", user_id.as_uuid())?;
    for hash in hashes {
        sql!(
            execute,
            &mut exec,
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
            user_id.as_uuid(),
            &hash[..],
        )?;
    }
    Ok(())
}

/// Uses a recovery code: works once.
pub async fn use_recovery_code<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
    hash: &[u8; 32],
    now: Ts,
) -> Result<bool, StoreError> {
    let n = sql!(
        execute,
        exec,
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        now,
        user_id.as_uuid(),
        &hash[..],
    )?;
    Ok(n == 1)
}

pub async fn unused_recovery_codes<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<i64, StoreError> {
    Ok(sql!(
        scalar i64,
        fetch_one,
        exec,
        "SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        user_id.as_uuid(),
    )?)
}

/// A sign-in whose password was right, waiting for its second factor.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingSignIn {
    pub user_id: Uuid,
    pub expires_at: Ts,
    pub attempts: i64,
}

pub async fn insert_pending<'c>(
    exec: impl Into<Exec<'c>>,
    id_hash: &[u8],
    user_id: UserId,
    now: Ts,
    expires_at: Ts,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "INSERT INTO pending_sign_ins (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        id_hash,
        user_id.as_uuid(),
        now,
        expires_at,
    )?;
    Ok(())
}

/// The pending sign-in, counting one more attempt at its second factor.
pub async fn attempt_pending<'c>(
    exec: impl Into<Exec<'c>>,
    id_hash: &[u8],
    now: Ts,
) -> Result<Option<PendingSignIn>, StoreError> {
    Ok(sql!(
        as PendingSignIn,
        fetch_optional,
        exec,
        "UPDATE pending_sign_ins SET attempts = attempts + 1 WHERE id = $1 AND expires_at > $2 \
         RETURNING user_id, expires_at, attempts",
        id_hash,
        now,
    )?)
}

pub async fn find_pending<'c>(
    exec: impl Into<Exec<'c>>,
    id_hash: &[u8],
    now: Ts,
) -> Result<Option<PendingSignIn>, StoreError> {
    Ok(sql!(
        as PendingSignIn,
        fetch_optional,
        exec,
        "SELECT user_id, expires_at, attempts FROM pending_sign_ins WHERE id = $1 AND expires_at > $2",
        id_hash,
        now,
    )?)
}

pub async fn delete_pending<'c>(
    exec: impl Into<Exec<'c>>,
    id_hash: &[u8],
) -> Result<(), StoreError> {
    sql!(execute, exec, "DELETE FROM pending_sign_ins WHERE id = $1", id_hash)?;
    Ok(())
}

/// Ends the user's sign-ins that wait for their second factor: their password just changed,
/// and a sign-in begun with the old one must not finish. Returns how many ended.
pub async fn delete_pending_of_user<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<u64, StoreError> {
    Ok(sql!(execute, exec, "DELETE FROM pending_sign_ins WHERE user_id = $1", user_id.as_uuid())?)
}
