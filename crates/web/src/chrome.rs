//! What every page's layout needs: the translator, who is signed in, the anti-forgery token for
//! the header's forms, the navigation state, asset URLs.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::policy::{self, Decision, Rule};

use crate::AppState;
use crate::assets::Assets;
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, SignedIn};
use crate::i18n::{Locale, Tr};

/// The main navigation's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    MyDay,
    Tasks,
    Agenda,
    Persons,
    Intake,
    Queue,
    Caseloads,
    Statistics,
    Partners,
    Referrals,
    /// The commission's sessions (aid requests).
    Aid,
    Account,
    Admin,
    Notifications,
    Audit,
    Privacy,
    /// The data-subject requests (under /privacy, with a menu entry of their own).
    SubjectRequests,
    Jobs,
    Federation,
    None,
}

/// What a page handler needs to render the layout, extracted in one go.
pub struct PageCtx {
    pub t: Tr,
    pub current: CurrentUser,
    pub csrf: String,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let t = Tr::from_request_parts(parts, state).await?;
        let current = CurrentUser::from_request_parts(parts, state).await?;
        let CsrfToken(csrf) = CsrfToken::from_request_parts(parts, state).await?;
        Ok(PageCtx { t, current, csrf })
    }
}

/// Whether a signed-in user passes `rule` (to show an action only to those who may take it).
pub fn allows(rule: Rule, signed_in: &SignedIn) -> bool {
    policy::check(rule, Some(&signed_in.actor)) == Decision::Allow
}

pub struct Chrome {
    pub t: Tr,
    pub nav: Nav,
    pub user: Option<SignedIn>,
    /// The anti-forgery token every form of the page carries.
    pub csrf: String,
    /// For the expiry warning: how long a signed-in session may stay idle.
    pub session_idle_seconds: i64,
    /// Tells this user's form drafts from another's in the same browser tab, without saying
    /// who they are (a keyed digest of the user id).
    pub draft_owner: String,
    assets: Arc<Assets>,
}

/// One entry of the language switcher.
pub struct LanguageLink {
    pub tag: &'static str,
    pub label: String,
    pub current: bool,
}

impl Chrome {
    pub fn new(ctx: PageCtx, state: &AppState, nav: Nav) -> Chrome {
        Chrome {
            t: ctx.t,
            nav,
            session_idle_seconds: ctx
                .current
                .0
                .as_ref()
                .map_or(state.config.session_idle, |u| u.session_idle)
                .whole_seconds(),
            draft_owner: ctx.current.0.as_ref().map_or_else(String::new, |u| {
                hex::encode(
                    &crate::secrets::keyed_digest(
                        &state.config.secret_key,
                        "draft-owner",
                        u.actor.user_id.as_uuid().as_bytes(),
                    )[..8],
                )
            }),
            user: ctx.current.0,
            csrf: ctx.csrf,
            assets: state.assets.clone(),
        }
    }

    /// For pages rendered outside a handler (errors), with nobody signed in.
    pub fn anonymous(t: Tr, state: &AppState) -> Chrome {
        Chrome {
            t,
            nav: Nav::None,
            draft_owner: String::new(),
            user: None,
            csrf: String::new(),
            session_idle_seconds: state.config.session_idle.whole_seconds(),
            assets: state.assets.clone(),
        }
    }

    /// The versioned URL of a static asset.
    pub fn asset(&self, name: &str) -> String {
        self.assets.url(name)
    }

    pub fn is_current(&self, nav: Nav) -> bool {
        self.nav == nav
    }

    /// Whether the signed-in user passes `rule`: to show only the links they may follow.
    pub fn can(&self, rule: Rule) -> bool {
        policy::check(rule, self.user.as_ref().map(|u| &u.actor)) == Decision::Allow
    }

    /// The organisation the user is acting in, shown in the header.
    pub fn organisation_name(&self) -> Option<&str> {
        self.user.as_ref().and_then(|u| u.organisation_name.as_deref())
    }

    /// The bell's label, with the unread count when there is one.
    pub fn notifications_label(&self) -> Option<String> {
        self.user
            .as_ref()
            .map(|u| self.t.msg_count("nav-notifications-unread", &u.unread_notifications))
    }

    pub fn unread_notifications(&self) -> i64 {
        self.user.as_ref().map_or(0, |u| u.unread_notifications)
    }

    pub fn signed_in_as(&self) -> Option<String> {
        self.user
            .as_ref()
            .map(|u| self.t.msg_args("nav-signed-in-as", &[("name", &u.display_name)]))
    }

    pub fn languages(&self) -> Vec<LanguageLink> {
        Locale::ALL
            .iter()
            .map(|l| LanguageLink {
                tag: l.tag(),
                label: self.t.msg(&format!("lang-{}", l.tag())),
                current: *l == self.t.locale(),
            })
            .collect()
    }

    pub fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}
