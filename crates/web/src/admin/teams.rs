//! The organisation's teams: the list with member counts, creating one, and a team's page
//! where it is renamed (with optimistic locking: a stale form shows both names, overwrites
//! nothing).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewTeam, OrganisationError};
use domain::{OrganisationId, TeamId};
use serde::Deserialize;
use store::audit::NewAuditEvent;
use store::teams::{self, Team, TeamSummary};
use store::{StoreError, Ts};

use super::{FieldError, Section, error_for, organisation, role_label};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// The message for a refused team name.
fn name_error(t: &Tr, e: &OrganisationError) -> String {
    match e {
        OrganisationError::NameTooLong { max } => {
            t.msg_args("admin-error-name-long", &[("max", &max.to_string())])
        }
        _ => t.msg("admin-team-error-name"),
    }
}

fn duplicate_error(t: &Tr, name: &str) -> FieldError {
    FieldError::new("name", t.msg_args("admin-team-error-duplicate", &[("name", name)]))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/teams.html")]
pub struct TeamsPage {
    chrome: Chrome,
    section: Section,
    teams: Vec<TeamSummary>,
    /// The name typed in the creation form, kept when it is refused.
    name: String,
    errors: Vec<FieldError>,
    notice: Option<&'static str>,
}

impl TeamsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

async fn teams_page(
    state: &AppState,
    ctx: PageCtx,
    org: OrganisationId,
    name: String,
    errors: Vec<FieldError>,
    notice: Option<&'static str>,
) -> Result<TeamsPage, WebError> {
    let teams = teams::list_with_member_counts(&state.db, org).await?;
    Ok(TeamsPage {
        chrome: Chrome::new(ctx, state, Nav::Admin),
        section: Section::Teams,
        teams,
        name,
        errors,
        notice,
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<TeamsPage, WebError> {
    let org = organisation(&signed_in)?;
    let notice = match q.notice.as_deref() {
        Some("created") => Some("admin-team-notice-created"),
        _ => None,
    };
    teams_page(&state, ctx, org, String::new(), vec![], notice).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<CreateForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let name = match DisplayName::parse(&form.name) {
        Ok(name) => name,
        Err(e) => {
            let errors = vec![FieldError::new("name", name_error(&ctx.t, &e))];
            let page = teams_page(&state, ctx, org, form.name, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let now = Ts::now();
    let new = NewTeam { id: TeamId::new(), organisation_id: org, name };
    let mut tx = state.db.begin_write().await?;
    match teams::insert(&mut tx, &new, now).await {
        Ok(_) => {}
        Err(StoreError::Duplicate { .. }) => {
            drop(tx);
            let errors = vec![duplicate_error(&ctx.t, new.name.as_str())];
            let page = teams_page(&state, ctx, org, form.name, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    let event = NewAuditEvent::new(AuditAction::TeamCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("team", new.id.as_uuid());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/teams?notice=created").into_response())
}

/// A member of the team, as its page lists them.
pub struct TeamMemberLine {
    pub membership_id: String,
    pub name: String,
    pub role: String,
    pub supervises: bool,
    pub enabled: bool,
}

/// A rename refused because the team changed since the form was shown.
pub struct Conflict {
    pub stored: String,
    pub typed: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/team.html")]
pub struct TeamPage {
    chrome: Chrome,
    section: Section,
    team: Team,
    members: Vec<TeamMemberLine>,
    /// The name in the rename form: the stored one, or what was typed.
    name: String,
    /// The version the form sends back.
    version: i64,
    errors: Vec<FieldError>,
    conflict: Option<Conflict>,
    notice: Option<&'static str>,
}

impl TeamPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

async fn load_team(
    state: &AppState,
    signed_in: &SignedIn,
    id: &str,
) -> Result<(OrganisationId, Team), WebError> {
    let org = organisation(signed_in)?;
    let id: TeamId = id.parse().map_err(|_| WebError::NotFound)?;
    let team = teams::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    Ok((org, team))
}

/// What the team page shows besides the team: the name as typed, and what happened.
#[derive(Default)]
struct Outcome {
    name: Option<String>,
    errors: Vec<FieldError>,
    conflict: Option<Conflict>,
    notice: Option<&'static str>,
}

async fn team_page(
    state: &AppState,
    ctx: PageCtx,
    org: OrganisationId,
    team: Team,
    outcome: Outcome,
) -> Result<TeamPage, WebError> {
    let Outcome { name, errors, conflict, notice } = outcome;
    let t = &ctx.t;
    let members = teams::members(&state.db, org, team.id)
        .await?
        .into_iter()
        .map(|m| TeamMemberLine {
            membership_id: m.membership_id.to_string(),
            role: role_label(t, m.role),
            supervises: m.supervises,
            enabled: m.disabled_at.is_none(),
            name: m.display_name,
        })
        .collect();
    Ok(TeamPage {
        name: name.unwrap_or_else(|| team.name.clone()),
        version: team.version,
        chrome: Chrome::new(ctx, state, Nav::Admin),
        section: Section::Teams,
        team,
        members,
        errors,
        conflict,
        notice,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<TeamPage, WebError> {
    let (org, team) = load_team(&state, &signed_in, &id).await?;
    let notice = match q.notice.as_deref() {
        Some("renamed") => Some("admin-team-notice-renamed"),
        Some("unchanged") => Some("admin-notice-unchanged"),
        _ => None,
    };
    team_page(&state, ctx, org, team, Outcome { notice, ..Outcome::default() }).await
}

#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
}

/// Renames the team if nobody changed it since the form was shown; otherwise shows the stored
/// name beside the typed one and writes nothing.
pub async fn rename(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RenameForm>,
) -> Result<Response, WebError> {
    let (org, team) = load_team(&state, &signed_in, &id).await?;
    let name = match DisplayName::parse(&form.name) {
        Ok(name) => name,
        Err(e) => {
            let errors = vec![FieldError::new("name", name_error(&ctx.t, &e))];
            let page = team_page(
                &state,
                ctx,
                org,
                team,
                Outcome { name: Some(form.name), errors, ..Outcome::default() },
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // A version that is not a number can only come from a tampered form: treat it as stale.
    let expected = form.version.trim().parse::<i64>().unwrap_or(-1);
    let conflict = |team: Team, typed: String| Conflict { stored: team.name, typed };
    if expected != team.version {
        let c = conflict(team.clone(), name.as_str().to_owned());
        let page = team_page(
            &state,
            ctx,
            org,
            team,
            Outcome { name: Some(form.name), conflict: Some(c), ..Outcome::default() },
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    if name.as_str() == team.name {
        return Ok(
            Redirect::to(&format!("/admin/teams/{}?notice=unchanged", team.id)).into_response()
        );
    }
    let mut tx = state.db.begin_write().await?;
    match teams::rename(&mut tx, org, team.id, expected, &name, Ts::now()).await {
        Ok(true) => {}
        Ok(false) => {
            // Changed between reading it and writing: show what is stored now.
            drop(tx);
            let (org, team) = load_team(&state, &signed_in, &id).await?;
            let c = conflict(team.clone(), name.as_str().to_owned());
            let page = team_page(
                &state,
                ctx,
                org,
                team,
                Outcome { name: Some(form.name), conflict: Some(c), ..Outcome::default() },
            )
            .await?;
            return Ok((StatusCode::CONFLICT, page).into_response());
        }
        Err(StoreError::Duplicate { .. }) => {
            drop(tx);
            let errors = vec![duplicate_error(&ctx.t, name.as_str())];
            let page = team_page(
                &state,
                ctx,
                org,
                team,
                Outcome { name: Some(form.name), errors, ..Outcome::default() },
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(signed_in.actor.user_id)
        .on("team", team.id.as_uuid())
        .detail("action", "team_renamed")
        .detail("version", expected + 1);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/teams/{}?notice=renamed", team.id)).into_response())
}
