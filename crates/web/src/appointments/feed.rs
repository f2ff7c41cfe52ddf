//! A worker's private calendar feed: made (or made again, which revokes the old URL) and
//! revoked from the agenda's feed page; the URL is shown once; the feed itself answers with
//! the worker's appointments from a month ago to a year ahead, with initials only unless the
//! worker chose names. Every change is in the audit log.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::appointments::{self as rules, FeedToken};
use domain::audit::AuditAction;
use serde::Deserialize;
use store::Ts;
use store::appointments::Calendar;
use store::audit::NewAuditEvent;

use super::pages::organisation;
use super::show::{ics_event, ics_response};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

#[derive(Template, WebTemplate)]
#[template(path = "appointments/feed.html")]
pub struct FeedPage {
    chrome: Chrome,
    /// (made on, last used, with names)
    feed: Option<(String, Option<String>, bool)>,
    /// The URL, right after it was made: shown this once.
    url: Option<String>,
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    url: Option<String>,
    notice: Option<String>,
) -> Result<FeedPage, WebError> {
    let org = organisation(signed_in)?;
    let feed = store::appointments::active_feed(&state.db, org, signed_in.actor.user_id).await?;
    Ok(FeedPage {
        feed: feed.map(|f| {
            (
                crate::dates::for_user(f.created_at, signed_in),
                f.last_used_at.map(|u| crate::dates::for_user(u, signed_in)),
                f.show_names,
            )
        }),
        url,
        notice,
        chrome: Chrome::new(ctx, state, Nav::Agenda),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<FeedPage, WebError> {
    page(&state, ctx, &signed_in, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct FeedForm {
    #[serde(default)]
    show_names: Option<String>,
}

/// Makes the user's feed (revoking the one before) and shows its URL once.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<FeedForm>,
) -> Result<FeedPage, WebError> {
    let org = organisation(&signed_in)?;
    let me = signed_in.actor.user_id;
    let token = FeedToken::generate();
    let names = form.show_names.is_some();
    let mut tx = state.db.begin_write().await?;
    store::appointments::replace_feed(&mut tx, org, me, &token.hash(), names, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("calendar_feed", me.as_uuid())
        .detail("show_names", names);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let url =
        format!("{}/calendar/{}.ics", state.config.base_url.trim_end_matches('/'), token.expose());
    let notice = Some(ctx.t.msg("feed-notice-made"));
    page(&state, ctx, &signed_in, Some(url), notice).await
}

pub async fn revoke(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
) -> Result<FeedPage, WebError> {
    let org = organisation(&signed_in)?;
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if store::appointments::revoke_feed(&mut tx, org, me, Ts::now()).await? {
        let event = NewAuditEvent::new(AuditAction::RecordDeleted, Some(org))
            .by(me)
            .on("calendar_feed", me.as_uuid());
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    let notice = Some(ctx.t.msg("feed-notice-revoked"));
    page(&state, ctx, &signed_in, None, notice).await
}

/// The feed: a calendar application's request, with the secret in the path. An unknown,
/// malformed or revoked token answers 404, the same for all.
pub async fn calendar(
    State(state): State<AppState>,
    t: Tr,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let Some(token) = FeedToken::parse(&token) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let Some((org, user, names)) =
        store::appointments::open_feed(&mut tx, &token.hash(), now).await?
    else {
        drop(tx);
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    tx.commit().await?;
    let from = Ts::from(now.get() - time::Duration::days(31));
    let until = Ts::from(now.get() + time::Duration::days(366));
    let list =
        store::appointments::between(&state.db, org, Calendar::Worker(user), from, until).await?;
    let host = "passerelle";
    let events: Vec<_> = list.iter().map(|a| ics_event(&t, a, names, host)).collect();
    let body = rules::ics(&t.msg("agenda-title"), &events, now.get());
    Ok(ics_response(body, "passerelle.ics", false))
}
