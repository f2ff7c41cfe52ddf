use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::audit::AuditAction;
use serde::Deserialize;
use store::accounts::{self, MembershipSummary};
use store::audit::NewAuditEvent;
use store::{Ts, second_factor, sessions};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::{SignedIn, new_token, session_cookie, token_hash};
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

pub struct SessionLine {
    pub device: String,
    pub started: String,
    pub last_seen: String,
    pub current: bool,
}

/// A refused field of the password form: the id of its input (the error summary links to it)
/// and the message.
pub struct PasswordError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/index.html")]
pub struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    memberships: Vec<MembershipSummary>,
    active: Option<OrganisationId>,
    sessions: Vec<SessionLine>,
    second_factor_on: bool,
    recovery_codes_left: i64,
    /// Invitations into organisations, waiting for the user's answer.
    invitations: Vec<super::invitations::InvitationLine>,
    notice: Option<&'static str>,
    /// Why the change of password was refused; the passwords typed are never sent back.
    password_errors: Vec<PasswordError>,
}

impl AccountPage {
    fn role_label(&self, m: &MembershipSummary) -> String {
        self.chrome.t.msg(&format!("role-{}", m.role.as_str()))
    }

    fn password_error(&self, field: &str) -> Option<&str> {
        self.password_errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<AccountPage, WebError> {
    // Notices by code in the query string, never any data.
    let notice = match q.notice.as_deref() {
        Some("password_changed") => Some("passwords-changed"),
        Some("invitation_accepted") => Some("invitations-notice-accepted"),
        Some("invitation_declined") => Some("invitations-notice-declined"),
        Some("invitation_gone") => Some("invitations-notice-gone"),
        _ => None,
    };
    account_page(&state, ctx, &signed_in, notice, vec![]).await
}

/// The account page, with a notice or the refusal of the password form.
pub(super) async fn account_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    notice: Option<&'static str>,
    password_errors: Vec<PasswordError>,
) -> Result<AccountPage, WebError> {
    let user_id = signed_in.actor.user_id;
    let memberships = accounts::memberships_of(&state.db, user_id).await?;
    let current = hex::encode(signed_in.token_hash);
    let sessions = sessions::list_of_user(&state.db, user_id, Ts::now())
        .await?
        .into_iter()
        .map(|s| SessionLine {
            current: hex::encode(&s.id) == current,
            device: s.device,
            started: crate::dates::for_user(s.created_at, signed_in),
            last_seen: crate::dates::for_user(s.last_seen_at, signed_in),
        })
        .collect();
    let factor = second_factor::state(&state.db, user_id).await?;
    let recovery_codes_left = second_factor::unused_recovery_codes(&state.db, user_id).await?;
    let invitations = super::invitations::pending_lines(state, &ctx.t, user_id).await?;
    Ok(AccountPage {
        name: signed_in.display_name.clone(),
        email: signed_in.email.clone(),
        active: signed_in.actor.organisation(),
        memberships,
        sessions,
        second_factor_on: factor.enabled(),
        recovery_codes_left,
        invitations,
        notice,
        password_errors,
        chrome: Chrome::new(ctx, state, Nav::Account),
    })
}

#[derive(Deserialize)]
pub struct SwitchForm {
    organisation_id: String,
}

/// Acts in another of the user's organisations. Privileges change, so the session id does.
/// The organisation is remembered: the next sign-in opens it again.
pub async fn switch_organisation(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<SwitchForm>,
) -> Result<Response, WebError> {
    let user_id = signed_in.actor.user_id;
    let target: OrganisationId =
        form.organisation_id.trim().parse().map_err(|_| WebError::NotFound)?;
    let memberships = accounts::memberships_of(&state.db, user_id).await?;
    // Not a member (or another organisation's id): the same answer as an unknown id.
    if !memberships.iter().any(|m| m.organisation_id == target) {
        return Err(WebError::NotFound);
    }
    let token = new_token();
    let mut tx = state.db.begin_write().await?;
    if !sessions::rotate(
        &mut tx,
        &signed_in.token_hash,
        &token_hash(&token),
        Some(target),
        Ts::now(),
    )
    .await?
    {
        return Err(WebError::NotFound);
    }
    accounts::set_last_organisation(&mut tx, user_id, target).await?;
    let event = NewAuditEvent::new(AuditAction::OrganisationSwitched, Some(target))
        .by(user_id)
        .on("organisation", target.as_uuid());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie(&state, Some(&token)));
    Ok(response)
}

/// Called by the session-expiry warning: the user is here, the idle clock starts again.
pub async fn keep_alive(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<StatusCode, WebError> {
    sessions::touch(&state.db, &signed_in.token_hash, Ts::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
