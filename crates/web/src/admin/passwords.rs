//! Password reset links, made by the manager on a member's page. Until e-mail is configured
//! (the jobs issue), the link is shown once to the manager, in the answer to the POST, who
//! hands it on; it is never put in a URL of ours nor logged.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::accounts::{MembershipChange, check_membership_change};
use domain::audit::AuditAction;
use store::audit::NewAuditEvent;
use store::{Ts, accounts};

use super::users::{Typed, elsewhere, load_member, refusal_message, refused};
use super::{FieldError, Section};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

/// The id of the reset button on the member page, which a refusal's summary links to.
const FIELD: &str = "password-reset";

/// The answer to the creation of a reset link: the link, shown this once.
#[derive(Template, WebTemplate)]
#[template(path = "admin/password_link.html")]
pub struct ResetLinkPage {
    chrome: Chrome,
    section: Section,
    name: String,
    email: String,
    membership_id: String,
    link: String,
    expires: String,
}

/// Creates a one-time link with which the member chooses a new password; earlier links of the
/// account stop working. The password protects the whole account, so, as for the second
/// factor, this is refused when the account also opens another organisation or the instance's
/// administration (the instance administrator handles it: `passerelle user reset-password`),
/// and for the manager's own account, changed from their account page.
pub async fn reset_link(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (org, member) = load_member(&state, &signed_in, &id).await?;
    let own = member.user_id == signed_in.actor.user_id;
    let t = &ctx.t;
    let problem =
        if let Err(refusal) = check_membership_change(own, MembershipChange::ResetPassword) {
            Some(refusal_message(t, refusal, "passwords-error-own"))
        } else if elsewhere(&state, &member, org).await? {
            Some(t.msg("passwords-error-elsewhere"))
        } else {
            None
        };
    if let Some(message) = problem {
        let error = FieldError::new(FIELD, message);
        return refused(&state, ctx, &signed_in, org, member, Typed::default(), error).await;
    }
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let link = accounts::create_reset_link(&mut tx, member.user_id, now).await?;
    let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(signed_in.actor.user_id)
        .on("user", member.user_id.as_uuid())
        .detail("membership", member.membership_id.to_string())
        .detail("change", "password_reset_link");
    audit_trail::record(&mut tx, &meta, event).await?;
    // The owner learns of it at their next sign-in, whoever else uses the link.
    super::notify(
        &mut tx,
        org,
        &signed_in,
        member.user_id,
        store::notifications::NotificationKind::PasswordResetLinkCreated,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(ResetLinkPage {
        link: format!("{}{}", state.config.base_url, link.path()),
        expires: crate::dates::utc_minutes(link.expires_at),
        name: member.display_name,
        email: member.email,
        membership_id: member.membership_id.to_string(),
        chrome: Chrome::new(ctx, &state, Nav::Admin),
        section: Section::Users,
    }
    .into_response())
}
