//! API tokens, stored by the SHA-256 of their secret. A token acts through its user's
//! membership of one organisation; the scopes and lifetime rules live in
//! [`domain::api_tokens`].

use domain::accounts::Role;
use domain::api_tokens::{Scopes, TokenName};
use domain::{ApiTokenId, OrganisationId, UserId};
use uuid::Uuid;

use crate::{Exec, StoreError, Ts};

/// The columns of `api_tokens` that [`ApiToken`] reads (never the hash).
macro_rules! token_columns {
    ($t:literal) => {
        concat!(
            $t,
            ".id, ",
            $t,
            ".user_id, ",
            $t,
            ".organisation_id, ",
            $t,
            ".name, ",
            $t,
            ".scopes, ",
            $t,
            ".created_at, ",
            $t,
            ".expires_at, ",
            $t,
            ".last_used_at, ",
            $t,
            ".revoked_at, ",
            $t,
            ".created_by"
        )
    };
}

/// A token as stored, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    #[sqlx(try_from = "Uuid")]
    pub id: ApiTokenId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub scopes: Scopes,
    pub created_at: Ts,
    pub expires_at: Ts,
    pub last_used_at: Option<Ts>,
    pub revoked_at: Option<Ts>,
    /// The user who created it; `None` when it came from the command line.
    pub created_by: Option<Uuid>,
}

impl ApiToken {
    /// Neither revoked nor expired at `now`.
    pub fn is_active(&self, now: Ts) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

pub struct NewApiToken<'a> {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub organisation_id: OrganisationId,
    pub name: &'a TokenName,
    /// The SHA-256 of the secret (`TokenSecret::hash`).
    pub token_hash: &'a [u8],
    pub scopes: &'a Scopes,
    pub expires_at: Ts,
    pub created_by: Option<UserId>,
}

/// Stores a new token. The user must have a membership of the organisation (a foreign key
/// says so); whether it is enabled is the caller's check.
#[tracing::instrument(skip_all)]
pub async fn insert<'c>(
    exec: impl Into<Exec<'c>>,
    new: &NewApiToken<'_>,
    now: Ts,
) -> Result<ApiToken, StoreError> {
    sql!(
        as ApiToken,
        fetch_one,
        exec,
        concat!(
            "INSERT INTO api_tokens (id, user_id, organisation_id, name, token_hash, scopes, \
             created_at, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING ",
            token_columns!("api_tokens")
        ),
        new.id.as_uuid(),
        new.user_id.as_uuid(),
        new.organisation_id.as_uuid(),
        new.name.as_str(),
        new.token_hash,
        new.scopes.to_codes(),
        now,
        new.expires_at,
        new.created_by.map(|u| u.as_uuid()),
    )
    .map_err(|e| {
        StoreError::on_unique(e, &[("api_tokens_token_hash_key", "api_tokens.token_hash", "token")])
    })
}

/// An active token with what authenticating a request needs of its user and membership, in
/// one query.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenUser {
    #[sqlx(try_from = "Uuid")]
    pub token_id: ApiTokenId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    #[sqlx(try_from = "Uuid")]
    pub organisation_id: OrganisationId,
    #[sqlx(try_from = "String")]
    pub scopes: Scopes,
    pub expires_at: Ts,
    pub last_used_at: Option<Ts>,
    pub email: String,
    pub display_name: String,
    pub instance_admin: bool,
    pub user_disabled_at: Option<Ts>,
    /// The role of the user's membership of the token's organisation, if it is still enabled.
    pub role: Option<String>,
    pub organisation_name: String,
    /// The organisation requires a second factor, and whether the user has one.
    pub require_second_factor: bool,
    pub has_second_factor: bool,
}

impl TokenUser {
    /// The membership's role; `None` when the membership is disabled (the token then opens
    /// nothing).
    pub fn role(&self) -> Option<Role> {
        self.role.as_deref().and_then(Role::parse)
    }
}

/// The token whose secret hashes to `token_hash`, unless it is revoked or expired at `now`.
/// Whether its user or membership is disabled is in the row, for the caller to refuse.
#[tracing::instrument(skip_all)]
pub async fn find_active_by_hash<'c>(
    exec: impl Into<Exec<'c>>,
    token_hash: &[u8],
    now: Ts,
) -> Result<Option<TokenUser>, StoreError> {
    Ok(sql!(
        as TokenUser,
        fetch_optional,
        exec,
        "SELECT t.id AS token_id, t.user_id, t.organisation_id, t.scopes, t.expires_at, \
         t.last_used_at, u.email, u.display_name, u.instance_admin, \
         u.disabled_at AS user_disabled_at, m.role, o.name AS organisation_name, \
         o.require_second_factor, (u.totp_enabled_at IS NOT NULL) AS has_second_factor \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         JOIN organisations o ON o.id = t.organisation_id \
         LEFT JOIN memberships m ON m.user_id = t.user_id \
              AND m.organisation_id = t.organisation_id AND m.disabled_at IS NULL \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2",
        token_hash,
        now,
    )?)
}

/// How stale `last_used_at` may get: one write a minute at most per token, not one per call.
pub const TOUCH_INTERVAL: time::Duration = time::Duration::minutes(1);

/// Records that the token was used at `now`, unless that was already recorded less than
/// [`TOUCH_INTERVAL`] ago. Returns whether it wrote.
#[tracing::instrument(skip_all)]
pub async fn touch<'c>(
    exec: impl Into<Exec<'c>>,
    id: ApiTokenId,
    now: Ts,
) -> Result<bool, StoreError> {
    let stale_before = Ts::from(now.get() - TOUCH_INTERVAL);
    let n = sql!(
        execute,
        exec,
        "UPDATE api_tokens SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
        now,
        id.as_uuid(),
        stale_before,
    )?;
    Ok(n > 0)
}

/// One line of a user's list of tokens.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenSummary {
    #[sqlx(flatten)]
    pub token: ApiToken,
    pub organisation_name: String,
    pub organisation_slug: String,
}

/// Every token of a user, active or not, newest first.
#[tracing::instrument(skip_all)]
pub async fn list_of_user<'c>(
    exec: impl Into<Exec<'c>>,
    user_id: UserId,
) -> Result<Vec<TokenSummary>, StoreError> {
    Ok(sql!(
        as TokenSummary,
        fetch_all,
        exec,
        concat!(
            "SELECT ",
            token_columns!("t"),
            ", o.name AS organisation_name, o.slug AS organisation_slug \
             FROM api_tokens t JOIN organisations o ON o.id = t.organisation_id \
             WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id DESC"
        ),
        user_id.as_uuid(),
    )?)
}

/// Who is revoking a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoker {
    /// Its owner: any other user's token is "not found".
    Owner(UserId),
    /// An administrator (the command line on the server): any token.
    Administrator,
}

/// A token after [`revoke`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub token: ApiToken,
    /// False when it was already revoked: nothing changed, nothing to audit.
    pub newly_revoked: bool,
}

/// Revokes a token at `now`. `None` when there is no such token, or it belongs to someone
/// else and `by` is its owner. Revoking twice keeps the first time.
#[tracing::instrument(skip_all)]
pub async fn revoke<'c>(
    exec: impl Into<Exec<'c>>,
    id: ApiTokenId,
    by: Revoker,
    now: Ts,
) -> Result<Option<Revocation>, StoreError> {
    let owner = match by {
        Revoker::Owner(user) => Some(user.as_uuid()),
        Revoker::Administrator => None,
    };
    let token: Option<ApiToken> = sql!(
        as ApiToken,
        fetch_optional,
        exec,
        concat!(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) \
             WHERE id = $1 AND user_id = COALESCE($3, user_id) RETURNING ",
            token_columns!("api_tokens")
        ),
        id.as_uuid(),
        now,
        owner,
    )?;
    Ok(token.map(|token| Revocation { newly_revoked: token.revoked_at == Some(now), token }))
}

/// Revokes every token of a user still in force (their password changed: whatever a thief set
/// up with the old one stops working). Returns how many.
#[tracing::instrument(skip_all)]
pub async fn revoke_all_of_user<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    now: Ts,
) -> Result<u64, StoreError> {
    Ok(sql!(
        execute,
        exec,
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        now,
        user.as_uuid(),
    )?)
}
