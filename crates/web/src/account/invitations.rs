//! Invitations into an organisation, answered by their invitee: listed on the account page
//! with Accept and Decline, and the page a link handed over with an invitation opens. Nothing
//! opens an organisation before its invitee accepts (security review M1; ADR 0006).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::UserId;
use domain::audit::AuditAction;
use domain::ids::InvitationId;
use store::audit::NewAuditEvent;
use store::invitations::{self, Accepted, LinkedInvitation, PendingForUser};
use store::{StoreError, Ts};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// An invitation on the account page.
pub struct InvitationLine {
    pub id: String,
    pub organisation: String,
    pub text: String,
    pub expires: String,
}

/// The user's invitations waiting for their answer, as the account page shows them.
pub(super) async fn pending_lines(
    state: &AppState,
    t: &Tr,
    user_id: UserId,
) -> Result<Vec<InvitationLine>, StoreError> {
    let pending = invitations::pending_of_user(&state.db, user_id, Ts::now()).await?;
    Ok(pending.into_iter().map(|p| line(t, p)).collect())
}

fn line(t: &Tr, p: PendingForUser) -> InvitationLine {
    let role = t.msg(&format!("role-{}", p.role.as_str()));
    let inviter = p.inviter_name.unwrap_or_else(|| t.msg("notification-someone"));
    InvitationLine {
        id: p.id.to_string(),
        text: t.msg_args(
            "invitations-line",
            &[("organisation", &p.organisation_name), ("role", &role), ("actor", &inviter)],
        ),
        expires: t
            .msg_args("invitations-expires", &[("date", &crate::dates::utc_minutes(p.expires_at))]),
        organisation: p.organisation_name,
    }
}

/// The audit event of an accepted invitation, in the organisation's chain: the invitee joins
/// with the role and teams offered.
pub(crate) fn accepted_event(accepted: &Accepted, user_id: UserId) -> NewAuditEvent {
    let invitation = &accepted.invitation;
    let teams = |supervised_only: bool| -> Vec<String> {
        accepted
            .teams
            .iter()
            .filter(|(_, s)| !supervised_only || *s)
            .map(|(id, _)| id.to_string())
            .collect()
    };
    let mut event =
        NewAuditEvent::new(AuditAction::MembershipChanged, Some(invitation.organisation_id))
            .by(user_id)
            .on("user", user_id.as_uuid())
            .detail("change", "accepted")
            .detail("invitation", invitation.id.to_string())
            .detail("role", invitation.role.as_str())
            .detail("teams", teams(false))
            .detail("supervises", teams(true));
    if let Some(membership) = &accepted.membership {
        event = event.detail("membership", membership.id.to_string());
    }
    event
}

/// One of the signed-in user's invitations named by the path; anyone else's is unknown.
async fn own(
    state: &AppState,
    signed_in: &SignedIn,
    id: &str,
) -> Result<(InvitationId, bool), WebError> {
    let id: InvitationId = id.parse().map_err(|_| WebError::NotFound)?;
    let user_id = signed_in.actor.user_id;
    let invitation =
        invitations::find_of_user(&state.db, id, user_id).await?.ok_or(WebError::NotFound)?;
    Ok((id, invitation.is_pending(Ts::now())))
}

/// Accepts an invitation: the membership exists from now on, with the role and teams offered.
/// The session goes on in the organisation it was acting in; the account page offers the
/// switch.
pub async fn accept(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (id, pending) = own(&state, &signed_in, &id).await?;
    if !pending {
        return Ok(Redirect::to("/account?notice=invitation_gone").into_response());
    }
    let user_id = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let Some(accepted) = invitations::accept(&mut tx, id, user_id, Ts::now()).await? else {
        // Answered or expired meanwhile.
        return Ok(Redirect::to("/account?notice=invitation_gone").into_response());
    };
    audit_trail::record(&mut tx, &meta, accepted_event(&accepted, user_id)).await?;
    tx.commit().await?;
    Ok(Redirect::to("/account?notice=invitation_accepted").into_response())
}

/// Declines an invitation: nothing is created; the organisation may invite again.
pub async fn decline(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (id, pending) = own(&state, &signed_in, &id).await?;
    if !pending {
        return Ok(Redirect::to("/account?notice=invitation_gone").into_response());
    }
    let user_id = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let Some(declined) = invitations::decline(&mut tx, id, user_id, Ts::now()).await? else {
        return Ok(Redirect::to("/account?notice=invitation_gone").into_response());
    };
    let event = NewAuditEvent::new(AuditAction::MembershipChanged, Some(declined.organisation_id))
        .by(user_id)
        .on("invitation", declined.id.as_uuid())
        .detail("change", "declined");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/account?notice=invitation_declined").into_response())
}

/// What the holder of an existing account's invitation link reads: sign in, then answer.
#[derive(Template, WebTemplate)]
#[template(path = "account/invitation_link.html")]
pub struct InvitationLinkPage {
    chrome: Chrome,
    text: String,
    expires: String,
    signed_in: bool,
}

pub(crate) fn invitation_link_page(
    state: &AppState,
    ctx: PageCtx,
    invitation: LinkedInvitation,
) -> InvitationLinkPage {
    let t = &ctx.t;
    let role = t.msg(&format!("role-{}", invitation.role.as_str()));
    let text = t.msg_args(
        "invitations-link-text",
        &[("organisation", &invitation.organisation_name), ("role", &role)],
    );
    let expires = t.msg_args(
        "invitations-expires",
        &[("date", &crate::dates::utc_minutes(invitation.expires_at))],
    );
    let signed_in = ctx.current.0.is_some();
    InvitationLinkPage { chrome: Chrome::new(ctx, state, Nav::None), text, expires, signed_in }
}
