use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use store::Ts;
use store::notifications::{self, Notification, NotificationKind};

use crate::AppState;
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// How many of the latest notifications the page shows.
const SHOWN: i64 = 100;

pub struct Line {
    when: String,
    text: String,
    unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/index.html")]
pub struct NotificationsPage {
    chrome: Chrome,
    lines: Vec<Line>,
    unread: i64,
}

/// The sentence a person reads for a notification, in the app and in its e-mail (which
/// therefore shows nothing the app does not).
pub(crate) fn text(t: &Tr, n: &Notification) -> String {
    let organisation = n.organisation_name.clone().unwrap_or_default();
    let actor = n.actor_name.clone().unwrap_or_else(|| t.msg("notification-someone"));
    match n.kind() {
        Some(NotificationKind::RoleChanged) => {
            let role =
                n.details.as_deref().map(|r| t.msg(&format!("role-{r}"))).unwrap_or_default();
            t.msg_args(
                "notification-role_changed",
                &[("organisation", &organisation), ("actor", &actor), ("role", &role)],
            )
        }
        Some(NotificationKind::SecondFactorReset) => t.msg_args(
            "notification-second_factor_reset",
            &[("organisation", &organisation), ("actor", &actor)],
        ),
        Some(NotificationKind::AddedToOrganisation) => t.msg_args(
            "notification-added_to_organisation",
            &[("organisation", &organisation), ("actor", &actor)],
        ),
        Some(NotificationKind::MembershipDisabled) => t.msg_args(
            "notification-membership_disabled",
            &[("organisation", &organisation), ("actor", &actor)],
        ),
        Some(NotificationKind::PasswordResetLinkCreated) => t.msg_args(
            "notification-password_reset_link_created",
            &[("organisation", &organisation), ("actor", &actor)],
        ),
        Some(NotificationKind::UrgencyRaised) => {
            let flag = n
                .details
                .as_deref()
                .map(|code| t.msg(&format!("list-urgency_flag-{code}")))
                .unwrap_or_default();
            t.msg_args(
                "notification-urgency_raised",
                &[("organisation", &organisation), ("actor", &actor), ("flag", &flag)],
            )
        }
        Some(NotificationKind::InvitationReceived) => t.msg_args(
            "notification-invitation_received",
            &[("organisation", &organisation), ("actor", &actor)],
        ),
        Some(NotificationKind::CaseEmergencyAccess) => t.msg_args(
            "notification-case_emergency_access",
            &[("organisation", &organisation), ("actor", &actor)],
        ),
        Some(NotificationKind::TaskAssigned) => t.msg_args(
            "notification-task_assigned",
            &[("organisation", &organisation), ("actor", &actor)],
        ),
        Some(NotificationKind::TasksDue) => {
            let count = n.details.as_deref().and_then(|d| d.parse::<i64>().ok()).unwrap_or(1);
            t.msg_args(
                "notification-tasks_due",
                &[("organisation", &organisation), ("count", &count.to_string())],
            )
        }
        None => t.msg("notification-unknown"),
    }
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<NotificationsPage, WebError> {
    let list = notifications::latest(&state.db, signed_in.actor.user_id, SHOWN).await?;
    let lines = list
        .iter()
        .map(|n| Line {
            when: crate::dates::for_user(n.created_at, &signed_in),
            text: text(&ctx.t, n),
            unread: n.read_at.is_none(),
        })
        .collect();
    Ok(NotificationsPage {
        unread: signed_in.unread_notifications,
        chrome: Chrome::new(ctx, &state, Nav::Notifications),
        lines,
    })
}

pub async fn mark_all_read(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, WebError> {
    notifications::mark_all_read(&state.db, signed_in.actor.user_id, Ts::now()).await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_has_a_message_in_french_and_english() {
        let i18n = crate::i18n::I18n::load();
        for locale in [crate::i18n::Locale::Fr, crate::i18n::Locale::En] {
            let keys = i18n.keys(locale);
            for kind in store::notifications::NotificationKind::ALL {
                let key = format!("notification-{}", kind.as_str());
                assert!(keys.contains(&key), "{key} missing in {locale:?}");
            }
        }
    }
}
