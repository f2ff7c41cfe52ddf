//! The user's page of API tokens. Creating one asks for the current password (and the second
//! factor, when it is on), checked like a sign-in: a session left open on a shared desk must
//! not become a credential that outlives it (security review M3).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ApiTokenId;
use domain::api_tokens::{Scope, Scopes, TokenLifetime, TokenName, TokenSecret};
use domain::audit::AuditAction;
use domain::passwords::verify_password;
use serde::Deserialize;
use store::api_tokens::{self, NewApiToken, Revoker, TokenSummary};
use store::audit::NewAuditEvent;
use store::throttle::{self, Admission};
use store::{Ts, accounts, second_factor};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::auth::pages::{account_throttle_key, minutes_until};
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// The ids of the re-authentication inputs, which the error summary links to.
const CURRENT_PASSWORD: &str = "current-password";
const SECOND_FACTOR_CODE: &str = "second-factor-code";

/// The message id of a scope's label: `persons:read` → `api-tokens-scope-persons-read`.
fn scope_label(t: &Tr, scope: Scope) -> String {
    t.msg(&format!("api-tokens-scope-{}", scope.as_str().replace(':', "-")))
}

/// One line of the list of tokens.
pub struct TokenLine {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub scopes: Vec<&'static str>,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub status: String,
    pub active: bool,
}

impl TokenLine {
    fn new(t: &Tr, summary: TokenSummary, now: Ts) -> TokenLine {
        let token = summary.token;
        let status = match token.revoked_at {
            Some(at) => {
                t.msg_args("api-tokens-status-revoked", &[("date", &crate::dates::utc_minutes(at))])
            }
            None if token.expires_at <= now => t.msg("api-tokens-status-expired"),
            None => t.msg("api-tokens-status-active"),
        };
        TokenLine {
            id: token.id.to_string(),
            active: token.is_active(now),
            name: token.name,
            organisation: summary.organisation_name,
            scopes: token.scopes.as_slice().iter().map(|s| s.as_str()).collect(),
            created: crate::dates::utc_minutes(token.created_at),
            expires: crate::dates::utc_minutes(token.expires_at),
            last_used: token
                .last_used_at
                .map_or_else(|| t.msg("api-tokens-never"), crate::dates::utc_minutes),
            status,
        }
    }
}

/// A scope's checkbox.
pub struct ScopeChoice {
    pub code: &'static str,
    /// The input's id: `scope-persons-read`.
    pub id: String,
    pub label: String,
    pub checked: bool,
}

/// What was typed in the creation form, kept when it is refused.
pub struct TokenForm {
    pub name: String,
    pub days: String,
    pub scopes: Vec<String>,
}

impl Default for TokenForm {
    fn default() -> Self {
        TokenForm {
            name: String::new(),
            days: TokenLifetime::DEFAULT.in_days().to_string(),
            scopes: Vec::new(),
        }
    }
}

/// A refused field: the message and the id of the input it links to.
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// A token just created, shown once.
pub struct CreatedToken {
    pub secret: String,
    pub expires_line: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "api_tokens/index.html")]
pub struct TokensPage {
    chrome: Chrome,
    notice: Option<&'static str>,
    created: Option<CreatedToken>,
    /// The organisation new tokens act in (the session's); `None`: none can be created.
    organisation: Option<String>,
    form: TokenForm,
    choices: Vec<ScopeChoice>,
    /// The form asks for a second-factor code too.
    second_factor_on: bool,
    errors: Vec<FieldError>,
    tokens: Vec<TokenLine>,
}

impl TokensPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
}

/// Builds the page: the user's tokens, and the creation form as typed.
async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    form: TokenForm,
    errors: Vec<FieldError>,
    created: Option<CreatedToken>,
    notice: Option<&'static str>,
) -> Result<TokensPage, WebError> {
    let now = Ts::now();
    let tokens = api_tokens::list_of_user(&state.db, signed_in.actor.user_id)
        .await?
        .into_iter()
        .map(|summary| TokenLine::new(&ctx.t, summary, now))
        .collect();
    let choices = Scope::ALL
        .iter()
        .map(|&scope| ScopeChoice {
            code: scope.as_str(),
            id: format!("scope-{}", scope.as_str().replace(':', "-")),
            label: scope_label(&ctx.t, scope),
            checked: form.scopes.iter().any(|s| s == scope.as_str()),
        })
        .collect();
    let organisation = signed_in.actor.organisation().and(signed_in.organisation_name.clone());
    let second_factor_on =
        second_factor::state(&state.db, signed_in.actor.user_id).await?.enabled();
    Ok(TokensPage {
        chrome: Chrome::new(ctx, state, Nav::None),
        notice,
        created,
        organisation,
        form,
        choices,
        second_factor_on,
        errors,
        tokens,
    })
}

#[derive(Deserialize)]
pub struct IndexQuery {
    notice: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<IndexQuery>,
) -> Result<TokensPage, WebError> {
    // Notices by code in the query string, never any data.
    let notice = match q.notice.as_deref() {
        Some("revoked") => Some("api-tokens-revoked"),
        _ => None,
    };
    page(&state, ctx, &signed_in, TokenForm::default(), vec![], None, notice).await
}

/// Whether the current password (and code, when the second factor is on) typed in the
/// creation form are right. Each try is counted by the account's sign-in throttle before
/// anything is evaluated, shares its allowance with the sign-in form, and a wrong one is
/// recorded like a failed sign-in. Returns the errors to show (none: re-authenticated), and
/// whether the throttle refused.
async fn reauthenticate(
    state: &AppState,
    t: &Tr,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    password: String,
    code: &str,
) -> Result<(Vec<FieldError>, bool), WebError> {
    let user_id = signed_in.actor.user_id;
    let now = Ts::now();
    let key = account_throttle_key(state, &signed_in.email);
    let mut tx = state.db.begin_write().await?;
    let admission = throttle::admit(&mut tx, &key, &state.config.throttle_account, now).await?;
    tx.commit().await?;
    if let Admission::Blocked { until, .. } = admission {
        let message = t.msg_count("passwords-error-throttled", &minutes_until(until, now));
        return Ok((vec![FieldError { field: CURRENT_PASSWORD, message }], true));
    }
    let user = accounts::find_user(&state.db, user_id).await?.ok_or(WebError::NotFound)?;
    // An account without a password costs the same time and fails.
    let has_password = user.password_hash.is_some();
    let stored = user.password_hash.clone().unwrap_or_else(|| state.dummy_hash.clone());
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false)
        && has_password;
    let mut tx = state.db.begin_write().await?;
    let factor = second_factor::state(&mut tx, user_id).await?;
    let mut errors = Vec::new();
    let mut failure = None;
    if !matches {
        errors.push(FieldError {
            field: CURRENT_PASSWORD,
            message: t.msg("passwords-error-current"),
        });
        failure = Some("password");
    } else if factor.enabled() {
        // Only behind the right password, so a code is never spent on a wrong one.
        if crate::account::check_code(state, &mut tx, user_id, &factor, code).await?.is_none() {
            errors.push(FieldError {
                field: SECOND_FACTOR_CODE,
                message: t.msg("api-tokens-error-code"),
            });
            failure = Some("second_factor");
        }
    }
    match failure {
        Some(what) => {
            accounts::record_failed_login(&mut tx, user_id).await?;
            let event =
                NewAuditEvent::new(AuditAction::LoginFailed, signed_in.actor.organisation())
                    .by(user_id)
                    .detail("reauthentication", "api_token")
                    .detail("wrong", what);
            audit_trail::record(&mut tx, meta, event).await?;
        }
        // Right: the account's failures are forgotten, as at a sign-in.
        None => throttle::clear(&mut tx, &key).await?,
    }
    tx.commit().await?;
    Ok((errors, false))
}

/// Creates a token acting through the session's membership, and shows it once. The form must
/// carry the current password, and a code when the second factor is on.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    // The scopes are repeated fields, which only a list of pairs keeps.
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let Some(organisation_id) = signed_in.actor.organisation() else {
        // No membership to act through: the page says so, as when it is shown.
        let page = page(&state, ctx, &signed_in, TokenForm::default(), vec![], None, None).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    };
    let field = |name: &str| {
        fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let form = TokenForm {
        name: field("name"),
        days: field("days"),
        scopes: fields.iter().filter(|(k, _)| k == "scopes").map(|(_, v)| v.clone()).collect(),
    };
    let t = &ctx.t;
    let mut errors = Vec::new();
    let name = TokenName::parse(&form.name);
    if name.is_err() {
        errors.push(FieldError { field: "name", message: t.msg("api-tokens-error-name") });
    }
    let scopes = form
        .scopes
        .iter()
        .map(|code| Scope::parse(code).ok_or(()))
        .collect::<Result<Vec<_>, ()>>()
        .ok()
        .and_then(|list| Scopes::from_list(list).ok());
    if scopes.is_none() {
        errors.push(FieldError {
            field: "scope-persons-read",
            message: t.msg("api-tokens-error-scopes"),
        });
    }
    let lifetime = TokenLifetime::parse(&form.days);
    if lifetime.is_err() {
        errors.push(FieldError { field: "days", message: t.msg("api-tokens-error-days") });
    }
    // Checked whatever else is wrong, so that every try counts; never sent back.
    let (reauth_errors, throttled) =
        reauthenticate(&state, t, &meta, &signed_in, field("password"), &field("code")).await?;
    errors.extend(reauth_errors);
    let (Ok(name), Some(scopes), Ok(lifetime), true) = (name, scopes, lifetime, errors.is_empty())
    else {
        let status = if throttled {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let page = page(&state, ctx, &signed_in, form, errors, None, None).await?;
        return Ok((status, page).into_response());
    };

    let secret = TokenSecret::generate();
    let now = Ts::now();
    let user_id = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let token = api_tokens::insert(
        &mut tx,
        &NewApiToken {
            id: ApiTokenId::new(),
            user_id,
            organisation_id,
            name: &name,
            token_hash: &secret.hash(),
            scopes: &scopes,
            expires_at: Ts::from(now.get() + time::Duration::days(lifetime.in_days().into())),
            created_by: Some(user_id),
        },
        now,
    )
    .await?;
    audit_trail::record(
        &mut tx,
        &meta,
        NewAuditEvent::new(AuditAction::TokenCreated, Some(organisation_id))
            .by(user_id)
            .on("api_token", token.id.as_uuid())
            .detail("scopes", scopes.to_codes())
            .detail("days", lifetime.in_days()),
    )
    .await?;
    tx.commit().await?;
    let created = CreatedToken {
        expires_line: t.msg_args(
            "api-tokens-created-expires",
            &[("name", name.as_str()), ("date", &crate::dates::utc_minutes(token.expires_at))],
        ),
        secret: secret.expose().to_owned(),
    };
    // The page answers the POST itself (no redirect): the token must not travel in a URL, and
    // is not kept anywhere it could be shown from again.
    let page =
        page(&state, ctx, &signed_in, TokenForm::default(), vec![], Some(created), None).await?;
    Ok(page.into_response())
}

/// Revokes one of the user's own tokens; anyone else's is "not found".
pub async fn revoke(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: ApiTokenId = id.parse().map_err(|_| WebError::NotFound)?;
    let user_id = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let revocation = api_tokens::revoke(&mut tx, id, Revoker::Owner(user_id), Ts::now())
        .await?
        .ok_or(WebError::NotFound)?;
    if revocation.newly_revoked {
        audit_trail::record(
            &mut tx,
            &meta,
            NewAuditEvent::new(AuditAction::TokenRevoked, Some(revocation.token.organisation_id))
                .by(user_id)
                .on("api_token", id.as_uuid()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/account/tokens?notice=revoked").into_response())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::i18n::{I18n, Locale};

    #[test]
    fn every_scope_has_a_label_in_french_and_english() {
        let i18n = I18n::load();
        for locale in [Locale::Fr, Locale::En] {
            let keys = i18n.keys(locale);
            for scope in Scope::ALL {
                let id = format!("api-tokens-scope-{}", scope.as_str().replace(':', "-"));
                assert!(keys.contains(&id), "{id} missing in {}", locale.tag());
            }
        }
        let t = Tr::new(Arc::new(i18n), Locale::En);
        assert!(scope_label(&t, Scope::All).contains("all"));
    }
}
