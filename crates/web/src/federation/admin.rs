//! Pairing with partner instances, for instance administrators: this instance's card and
//! fingerprint (to read to the partner's administrator by phone), the peers with their links
//! and tokens, the form that registers a peer from its pasted card, the inbound token issued
//! (shown once, kept as its SHA-256) and the outbound token recorded (never shown again).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::audit::AuditAction;
use domain::federation::{self as fed, CardProblem, InstanceCard};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::federation::{NewPeer, Peer};
use uuid::Uuid;

use super::{card, identity};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::referrals::pages::Choice;

#[derive(Template, WebTemplate)]
#[template(path = "federation/admin.html")]
pub struct AdminPage {
    chrome: Chrome,
    card_json: String,
    fingerprint: String,
    peers: Vec<Peer>,
    partners: Vec<Choice>,
    organisations: Vec<Choice>,
    typed_card: String,
    /// A token just issued, shown once: (peer name, token).
    issued: Option<(String, String)>,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
}

impl AdminPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct PeerForm {
    #[serde(default)]
    card: String,
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    organisation_id: String,
}

#[derive(Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

fn choices(list: Vec<(Uuid, String)>, chosen: &str) -> Vec<Choice> {
    list.into_iter()
        .map(|(id, name)| {
            let code = id.to_string();
            Choice { selected: code == chosen, code, label: name }
        })
        .collect()
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    form: PeerForm,
    issued: Option<(String, String)>,
    done: Option<&str>,
    errors: Vec<(&'static str, String)>,
) -> Result<AdminPage, WebError> {
    let me = identity(state).await?;
    let card = card(state, &me);
    let t = &ctx.t;
    Ok(AdminPage {
        card_json: serde_json::to_string_pretty(&card).expect("a card serialises"),
        fingerprint: card.fingerprint,
        peers: store::federation::peers(&state.db).await?,
        partners: choices(
            store::federation::directory_partners(&state.db).await?,
            &form.partner_id,
        ),
        organisations: choices(
            store::partners::hosted_organisations(&state.db).await?,
            &form.organisation_id,
        ),
        typed_card: form.card,
        issued,
        notice: done
            .filter(|d| ["added", "recorded"].contains(d))
            .map(|d| t.msg(&format!("federation-admin-notice-{d}"))),
        errors,
        chrome: Chrome::new(ctx, state, Nav::Federation),
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> Result<AdminPage, WebError> {
    page(&state, ctx, PeerForm::default(), None, q.done.as_deref(), vec![]).await
}

fn optional_id(raw: &str) -> Result<Option<Uuid>, ()> {
    match raw.trim() {
        "" => Ok(None),
        v => v.parse().map(Some).map_err(|_| ()),
    }
}

pub async fn add_peer(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    axum::Form(form): axum::Form<PeerForm>,
) -> Result<Response, WebError> {
    let t = &ctx.t;
    let mut errors = Vec::new();
    let parsed = InstanceCard::parse(&form.card);
    if let Err(p) = &parsed {
        let key = match p {
            CardProblem::NotACard => "federation-admin-error-card",
            CardProblem::BadKey => "federation-admin-error-key",
            CardProblem::BadUrl => "federation-admin-error-url",
            CardProblem::FingerprintMismatch => "federation-admin-error-fingerprint",
        };
        errors.push(("card", t.msg(key)));
    }
    let partners = store::federation::directory_partners(&state.db).await?;
    let organisations = store::partners::hosted_organisations(&state.db).await?;
    let partner = optional_id(&form.partner_id)
        .ok()
        .filter(|p| p.is_none_or(|p| partners.iter().any(|(id, _)| *id == p)));
    if partner.is_none() {
        errors.push(("partner_id", t.msg("federation-admin-error-choice")));
    }
    let organisation = optional_id(&form.organisation_id)
        .ok()
        .filter(|o| o.is_none_or(|o| organisations.iter().any(|(id, _)| *id == o)));
    if organisation.is_none() {
        errors.push(("organisation_id", t.msg("federation-admin-error-choice")));
    }
    let me = identity(&state).await?;
    if let Ok((c, _)) = &parsed
        && c.instance_id == me.instance_id
    {
        errors.push(("card", t.msg("federation-admin-error-self")));
    }
    let (Ok((c, keys)), Some(partner_id), Some(organisation_id), true) =
        (parsed, partner, organisation, errors.is_empty())
    else {
        let page = page(&state, ctx, form, None, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let new = NewPeer {
        instance_id: c.instance_id,
        name: c.name.trim(),
        base_url: &c.base_url,
        keys,
        partner_id,
        organisation_id: organisation_id.map(OrganisationId::from_uuid),
        by: signed_in.actor.user_id,
    };
    let mut tx = state.db.begin_write().await?;
    let id = match store::federation::add_peer(&mut tx, &new, Ts::now()).await {
        Ok(id) => id,
        Err(store::StoreError::Duplicate { .. }) => {
            drop(tx);
            let errors = vec![("card", ctx.t.msg("federation-admin-error-duplicate"))];
            let page = page(&state, ctx, form, None, None, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let event = NewAuditEvent::new(AuditAction::RecordCreated, None)
        .by(signed_in.actor.user_id)
        .on("federation_peer", id)
        .detail("instance", c.instance_id.to_string())
        .detail("fingerprint", c.fingerprint.clone());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/federation?done=added").into_response())
}

pub async fn issue_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(peer_id): Path<Uuid>,
) -> Result<Response, WebError> {
    let peer = store::federation::peer(&state.db, peer_id).await?.ok_or(WebError::NotFound)?;
    let token = fed::new_token();
    let mut tx = state.db.begin_write().await?;
    store::federation::set_inbound_token(&mut tx, peer.id, &fed::token_hash(&token), Ts::now())
        .await?;
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, None)
        .by(signed_in.actor.user_id)
        .on("federation_peer", peer.id)
        .detail("inbound_token", "issued");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    // Shown once, on this answer to the POST; never stored in clear.
    let page =
        page(&state, ctx, PeerForm::default(), Some((peer.name, token)), None, vec![]).await?;
    Ok(page.into_response())
}

pub async fn record_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(peer_id): Path<Uuid>,
    axum::Form(form): axum::Form<TokenForm>,
) -> Result<Response, WebError> {
    let peer = store::federation::peer(&state.db, peer_id).await?.ok_or(WebError::NotFound)?;
    let token = form.token.trim();
    let valid = token.len() == 69
        && token.starts_with("pslf_")
        && token[5..].bytes().all(|b| b.is_ascii_hexdigit());
    if !valid {
        let field = "peers";
        let errors = vec![(field, ctx.t.msg("federation-admin-error-token"))];
        let page = page(&state, ctx, PeerForm::default(), None, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin_write().await?;
    store::federation::set_outbound_token(&mut tx, peer.id, token, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, None)
        .by(signed_in.actor.user_id)
        .on("federation_peer", peer.id)
        .detail("outbound_token", "recorded");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/federation?done=recorded").into_response())
}
