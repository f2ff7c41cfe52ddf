//! The organisation's members: the list, invitations, and each member's page with its forms
//! (role, teams, disable or enable, second factor reset).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::{
    Email, INVITATION_HOURS, InvitationLink, InvitedAccount, LinkToken, MembershipChange, Role,
    SelfChangeRefused, check_membership_change, invitation_link,
};
use domain::audit::AuditAction;
use domain::ids::InvitationId;
use domain::organisations::{DisplayName, OrganisationError};
use domain::{MembershipId, OrganisationId, TeamId, UserId};
use serde::Deserialize;
use store::accounts::{self, Member, MemberTeam, NewUser};
use store::audit::NewAuditEvent;
use store::invitations::{self, NewInvitation};
use store::notifications::NotificationKind;
use store::teams::{self, Team};
use store::{StoreError, Ts, second_factor, sessions};

use super::{FieldError, Section, all_of, error_for, notify, one_of, organisation, role_label};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// The longest reason accepted for resetting a second factor.
const REASON_MAX_CHARS: usize = 500;

/// "Enabled", "Disabled" or "Account disabled", and whether the membership opens anything.
fn status(t: &Tr, m: &Member) -> (bool, String) {
    if m.user_disabled_at.is_some() {
        (false, t.msg("admin-status-account-disabled"))
    } else if m.disabled_at.is_some() {
        (false, t.msg("admin-status-disabled"))
    } else {
        (true, t.msg("admin-status-enabled"))
    }
}

fn second_factor_label(t: &Tr, m: &Member) -> String {
    t.msg(if m.second_factor_on() { "admin-second-factor-on" } else { "admin-second-factor-off" })
}

fn last_sign_in(t: &Tr, m: &Member) -> String {
    m.last_login_at.map_or_else(|| t.msg("admin-never"), crate::dates::utc_minutes)
}

/// A team as listed for a member: its name, and that they supervise it.
fn team_label(t: &Tr, team: &MemberTeam) -> String {
    if team.supervises {
        t.msg_args("admin-team-supervised", &[("team", &team.team_name)])
    } else {
        team.team_name.clone()
    }
}

/// One line of the members list.
pub struct MemberLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub teams: Vec<String>,
    pub enabled: bool,
    pub status: String,
    pub second_factor: String,
    pub last_sign_in: String,
}

/// One invitation waiting for its answer, in the members list.
pub struct InvitationLine {
    pub name: String,
    pub email: String,
    pub role: String,
    pub invited: String,
    pub expires: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    chrome: Chrome,
    section: Section,
    members: Vec<MemberLine>,
    /// Invitations waiting for an answer: the same for a new address and an existing account.
    invitations: Vec<InvitationLine>,
    by_name: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    sort: Option<String>,
}

/// The organisation's members, newest first or by name.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<UsersPage, WebError> {
    let org = organisation(&signed_in)?;
    let mut members = accounts::list_members(&state.db, org).await?;
    let by_name = q.sort.as_deref() == Some("name");
    if by_name {
        // Sorted here rather than in SQL, so both engines give the same order whatever their
        // collation.
        members.sort_by_cached_key(|m| (m.display_name.to_lowercase(), m.membership_id));
    }
    let teams = accounts::member_teams(&state.db, org).await?;
    let t = &ctx.t;
    let members = members
        .into_iter()
        .map(|m| {
            let (enabled, status) = status(t, &m);
            MemberLine {
                id: m.membership_id.to_string(),
                role: role_label(t, m.role),
                teams: teams
                    .iter()
                    .filter(|mt| mt.membership_id == m.membership_id)
                    .map(|mt| team_label(t, mt))
                    .collect(),
                enabled,
                status,
                second_factor: second_factor_label(t, &m),
                last_sign_in: last_sign_in(t, &m),
                name: m.display_name,
                email: m.email,
            }
        })
        .collect();
    let invitations = invitations::pending_in_organisation(&state.db, org, Ts::now())
        .await?
        .into_iter()
        .map(|i| InvitationLine {
            role: role_label(t, i.role),
            invited: crate::dates::utc_minutes(i.created_at),
            expires: crate::dates::utc_minutes(i.expires_at),
            name: i.invited_name,
            email: i.email,
        })
        .collect();
    Ok(UsersPage {
        chrome: Chrome::new(ctx, &state, Nav::Admin),
        section: Section::Users,
        members,
        invitations,
        by_name,
    })
}

/// A role in a role picker.
pub struct RoleChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The roles a manager may give: the organisation's, never the instance's `admin`.
fn role_choices(t: &Tr, selected: Option<Role>) -> Vec<RoleChoice> {
    Role::ORGANISATION_ROLES
        .iter()
        .map(|&role| RoleChoice {
            code: role.as_str(),
            label: role_label(t, role),
            selected: selected == Some(role),
        })
        .collect()
}

/// A role typed in a form, if it is one a membership can carry.
fn organisation_role(code: &str) -> Option<Role> {
    Role::parse(code).filter(|r| Role::ORGANISATION_ROLES.contains(r))
}

/// A team's pair of checkboxes: member of it, and supervising it.
pub struct TeamChoice {
    pub id: String,
    pub name: String,
    pub member: bool,
    pub supervises: bool,
}

fn team_choices(org_teams: &[Team], chosen: &[(TeamId, bool)]) -> Vec<TeamChoice> {
    org_teams
        .iter()
        .map(|team| {
            let choice = chosen.iter().find(|(id, _)| *id == team.id);
            TeamChoice {
                id: team.id.to_string(),
                name: team.name.clone(),
                member: choice.is_some(),
                supervises: choice.is_some_and(|(_, s)| *s),
            }
        })
        .collect()
}

/// The teams ticked in a form (`teams`, and `supervises`, which implies membership), in the
/// organisation's order. A team id that is not the organisation's can only come from a forged
/// form: "not found", as for any other organisation's record.
fn chosen_teams(
    fields: &[(String, String)],
    org_teams: &[Team],
) -> Result<Vec<(TeamId, bool)>, WebError> {
    let parse = |name: &str| -> Result<Vec<TeamId>, WebError> {
        all_of(fields, name)
            .iter()
            .map(|v| {
                let id: TeamId = v.parse().map_err(|_| WebError::NotFound)?;
                if org_teams.iter().any(|t| t.id == id) { Ok(id) } else { Err(WebError::NotFound) }
            })
            .collect()
    };
    let members = parse("teams")?;
    let supervised = parse("supervises")?;
    Ok(org_teams
        .iter()
        .filter(|t| members.contains(&t.id) || supervised.contains(&t.id))
        .map(|t| (t.id, supervised.contains(&t.id)))
        .collect())
}

fn team_ids(teams: &[(TeamId, bool)], supervised_only: bool) -> Vec<String> {
    teams.iter().filter(|(_, s)| !supervised_only || *s).map(|(id, _)| id.to_string()).collect()
}

/// What was typed in the invitation form, kept when it is refused.
#[derive(Default)]
pub struct InviteForm {
    pub email: String,
    pub name: String,
    pub role: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/invite.html")]
pub struct InvitePage {
    chrome: Chrome,
    section: Section,
    /// The role is chosen in the same form: "supervises" is offered, and checked on sending.
    show_supervises: bool,
    form: InviteForm,
    roles: Vec<RoleChoice>,
    teams: Vec<TeamChoice>,
    errors: Vec<FieldError>,
}

impl InvitePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

pub async fn invite_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<InvitePage, WebError> {
    let org = organisation(&signed_in)?;
    let org_teams = teams::list_for_organisation(&state.db, org).await?;
    Ok(InvitePage {
        roles: role_choices(&ctx.t, None),
        teams: team_choices(&org_teams, &[]),
        chrome: Chrome::new(ctx, &state, Nav::Admin),
        section: Section::Users,
        show_supervises: true,
        form: InviteForm::default(),
        errors: vec![],
    })
}

/// The answer to an invitation: the link to hand over. The same page whether the address had
/// an account or not, so that inviting tells a manager nothing about accounts elsewhere.
#[derive(Template, WebTemplate)]
#[template(path = "admin/invited.html")]
pub struct InvitedPage {
    chrome: Chrome,
    section: Section,
    email: String,
    role: String,
    link: String,
    expires: String,
}

/// Invites someone into the organisation. Nothing opens before they accept: a new address
/// gets an account without a password and a link with which choosing one accepts; an address
/// that has an account gets a link that tells them to sign in and answer from their account
/// page (its owner is also notified). The manager gets the same answer either way (see
/// `domain::accounts::invitation_link` for which link goes where, and ADR 0006).
pub async fn invite(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    // Teams are repeated fields, which only a list of pairs keeps.
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let org_teams = teams::list_for_organisation(&state.db, org).await?;
    let form = InviteForm {
        email: one_of(&fields, "email"),
        name: one_of(&fields, "name"),
        role: one_of(&fields, "role"),
    };
    let chosen = chosen_teams(&fields, &org_teams)?;
    let t = &ctx.t;
    let mut errors = Vec::new();
    let email = Email::parse(&form.email);
    if email.is_err() {
        errors.push(FieldError::new("email", t.msg("admin-error-email")));
    }
    let name = DisplayName::parse(&form.name);
    match &name {
        Err(OrganisationError::NameTooLong { max }) => errors.push(FieldError::new(
            "name",
            t.msg_args("admin-error-name-long", &[("max", &max.to_string())]),
        )),
        Err(_) => errors.push(FieldError::new("name", t.msg("admin-error-name"))),
        Ok(_) => {}
    }
    let role = organisation_role(&form.role);
    if role.is_none() {
        errors.push(FieldError::new("role", t.msg("admin-error-role")));
    }
    if role.is_some_and(|r| r != Role::Supervisor) && chosen.iter().any(|(_, s)| *s) {
        errors.push(FieldError::new("teams", t.msg("admin-error-supervises")));
    }
    let (Ok(email), Ok(name), Some(role), true) = (email, name, role, errors.is_empty()) else {
        return invite_refused(&state, ctx, form, &org_teams, &chosen, errors);
    };

    let now = Ts::now();
    let actor = signed_in.actor.user_id;
    let invitation_id = InvitationId::new();
    let mut tx = state.db.begin_write().await?;
    let existing = accounts::find_user_by_email(&mut tx, email.as_str()).await?;
    // A member already: the manager's own list shows them, so saying so tells nothing new.
    if let Some(user) = &existing
        && accounts::find_member_by_user(&mut tx, org, user.id).await?.is_some()
    {
        drop(tx);
        let message = t.msg_args("admin-error-already-member", &[("email", email.as_str())]);
        let errors = vec![FieldError::new("email", message)];
        return invite_refused(&state, ctx, form, &org_teams, &chosen, errors);
    }
    let described = match &existing {
        None => None,
        Some(user) => Some(InvitedAccount {
            has_password: user.password_hash.is_some(),
            instance_admin: user.instance_admin,
            disabled: user.disabled_at.is_some(),
            memberships: usize::try_from(invitations::membership_count(&mut tx, user.id).await?)
                .unwrap_or(usize::MAX),
            pending_elsewhere: usize::try_from(
                invitations::pending_elsewhere(&mut tx, user.id, org, now).await?,
            )
            .unwrap_or(usize::MAX),
        }),
    };
    let (user_id, token, expires_at) = match (&existing, invitation_link(described.as_ref())) {
        (None, _) => {
            let user = NewUser {
                id: UserId::new(),
                email: &email,
                display_name: &name,
                instance_admin: false,
            };
            let created = match accounts::create_with_link(&mut tx, &user, None, now).await {
                Ok(created) => created,
                // Created by someone else a moment ago: the manager tries again and meets it.
                Err(StoreError::Duplicate { .. }) => {
                    drop(tx);
                    let errors = vec![FieldError::new("email", t.msg("admin-error-try-again"))];
                    return invite_refused(&state, ctx, form, &org_teams, &chosen, errors);
                }
                Err(e) => return Err(e.into()),
            };
            // The account is the instance's, not the organisation's: its creation is recorded
            // in the instance's chain, where the organisation's managers do not search.
            let event = NewAuditEvent::new(AuditAction::UserCreated, None)
                .by(actor)
                .on("user", user.id.as_uuid())
                .detail("invitation", invitation_id.to_string());
            audit_trail::record(&mut tx, &meta, event).await?;
            (user.id, created.link.token, created.link.expires_at)
        }
        (Some(user), InvitationLink::ChoosePassword) => {
            // An account an earlier invitation created and nobody finished: a new link, and
            // the earlier ones stop working.
            let link = accounts::renew_set_password_link(&mut tx, user.id, now).await?;
            (user.id, link.token, link.expires_at)
        }
        (Some(user), InvitationLink::SignIn) => {
            let expires_at = Ts::from(now.get() + time::Duration::hours(INVITATION_HOURS));
            notify(&mut tx, org, &signed_in, user.id, NotificationKind::InvitationReceived, None)
                .await?;
            (user.id, LinkToken::generate(), expires_at)
        }
    };
    let invitation = NewInvitation {
        id: invitation_id,
        organisation_id: org,
        user_id,
        role,
        teams: &chosen,
        invited_name: name.as_str(),
        link_hash: &token.hash(),
        invited_by: Some(actor),
        expires_at,
    };
    invitations::insert(&mut tx, &invitation, now).await?;
    let event = NewAuditEvent::new(AuditAction::MembershipChanged, Some(org))
        .by(actor)
        .on("invitation", invitation_id.as_uuid())
        .detail("change", "invited")
        .detail("role", role.as_str())
        .detail("teams", team_ids(&chosen, false))
        .detail("supervises", team_ids(&chosen, true));
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    // The page answers the POST itself, so the link never travels in a URL.
    Ok(InvitedPage {
        role: role_label(t, role),
        email: email.as_str().to_owned(),
        link: format!("{}/account/password/{}", state.config.base_url, token.expose()),
        expires: crate::dates::utc_minutes(expires_at),
        chrome: Chrome::new(ctx, &state, Nav::Admin),
        section: Section::Users,
    }
    .into_response())
}

fn invite_refused(
    state: &AppState,
    ctx: PageCtx,
    form: InviteForm,
    org_teams: &[Team],
    chosen: &[(TeamId, bool)],
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let page = InvitePage {
        roles: role_choices(&ctx.t, organisation_role(&form.role)),
        teams: team_choices(org_teams, chosen),
        chrome: Chrome::new(ctx, state, Nav::Admin),
        section: Section::Users,
        show_supervises: true,
        form,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A member as their page shows them.
pub struct MemberView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub status: String,
    /// The membership is enabled (the account may still be disabled instance-wide).
    pub membership_enabled: bool,
    pub account_disabled: bool,
    pub second_factor_on: bool,
    pub second_factor: String,
    pub last_sign_in: String,
    pub since: String,
    pub teams: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/member.html")]
pub struct MemberPage {
    chrome: Chrome,
    section: Section,
    member: MemberView,
    roles: Vec<RoleChoice>,
    teams: Vec<TeamChoice>,
    /// The "supervises" boxes are offered to supervisors only.
    show_supervises: bool,
    /// The manager is looking at their own membership.
    own: bool,
    reason: String,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
}

impl MemberPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

/// What the member page shows besides the member: what a refused form had typed (in place of
/// the stored values) and why it was refused, or the notice of a change.
#[derive(Default)]
pub(super) struct Typed {
    role: Option<Role>,
    teams: Option<Vec<(TeamId, bool)>>,
    reason: String,
    errors: Vec<FieldError>,
    notice: Option<&'static str>,
}

async fn member_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    org: OrganisationId,
    member: Member,
    typed: Typed,
) -> Result<MemberPage, WebError> {
    let org_teams = teams::list_for_organisation(&state.db, org).await?;
    let current = accounts::teams_of_member(&state.db, org, member.membership_id).await?;
    let t = &ctx.t;
    let chosen = typed
        .teams
        .unwrap_or_else(|| current.iter().map(|mt| (mt.team_id, mt.supervises)).collect());
    let (_, status) = status(t, &member);
    let view = MemberView {
        id: member.membership_id.to_string(),
        role: role_label(t, member.role),
        status,
        membership_enabled: member.disabled_at.is_none(),
        account_disabled: member.user_disabled_at.is_some(),
        second_factor_on: member.second_factor_on(),
        second_factor: second_factor_label(t, &member),
        last_sign_in: last_sign_in(t, &member),
        since: crate::dates::utc_minutes(member.created_at),
        teams: current.iter().map(|mt| team_label(t, mt)).collect(),
        name: member.display_name.clone(),
        email: member.email.clone(),
    };
    Ok(MemberPage {
        roles: role_choices(t, Some(typed.role.unwrap_or(member.role))),
        teams: team_choices(&org_teams, &chosen),
        show_supervises: member.role == Role::Supervisor,
        own: member.user_id == signed_in.actor.user_id,
        reason: typed.reason,
        member: view,
        chrome: Chrome::new(ctx, state, Nav::Admin),
        section: Section::Users,
        notice: typed.notice,
        errors: typed.errors,
    })
}

/// The member a path names, only among the organisation's.
pub(super) async fn load_member(
    state: &AppState,
    signed_in: &SignedIn,
    id: &str,
) -> Result<(OrganisationId, Member), WebError> {
    let org = organisation(signed_in)?;
    let id: MembershipId = id.parse().map_err(|_| WebError::NotFound)?;
    let member = accounts::find_member(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    Ok((org, member))
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<MemberPage, WebError> {
    let (org, member) = load_member(&state, &signed_in, &id).await?;
    // Notices by code in the query string, never any data.
    let notice = match q.notice.as_deref() {
        Some("role") => Some("admin-notice-role"),
        Some("teams") => Some("admin-notice-teams"),
        Some("disabled") => Some("admin-notice-disabled"),
        Some("enabled") => Some("admin-notice-enabled"),
        Some("second_factor") => Some("admin-notice-second-factor"),
        Some("unchanged") => Some("admin-notice-unchanged"),
        _ => None,
    };
    member_page(&state, ctx, &signed_in, org, member, Typed { notice, ..Typed::default() }).await
}

fn back_to(member: &Member, notice: &str) -> Response {
    Redirect::to(&format!("/admin/users/{}?notice={notice}", member.membership_id)).into_response()
}

/// The member page again, with the refused form's values and the reason, answered 422.
pub(super) async fn refused(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    org: OrganisationId,
    member: Member,
    typed: Typed,
    error: FieldError,
) -> Result<Response, WebError> {
    let typed = Typed { errors: vec![error], ..typed };
    let page = member_page(state, ctx, signed_in, org, member, typed).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub(super) fn refusal_message(t: &Tr, refusal: SelfChangeRefused, lock_out_key: &str) -> String {
    match refusal {
        SelfChangeRefused::LockOut => t.msg(lock_out_key),
        SelfChangeRefused::OwnSecondFactor => t.msg("admin-error-own-second-factor"),
        SelfChangeRefused::OwnPassword => t.msg("passwords-error-own"),
    }
}

/// Gives the member another role. Takes effect at their next request: sessions read the role
/// from the membership each time, and their sessions in the organisation move to a new id at
/// their next page (a privilege change).
pub async fn change_role(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (org, member) = load_member(&state, &signed_in, &id).await?;
    let own = member.user_id == signed_in.actor.user_id;
    let Some(role) = organisation_role(&one_of(&fields, "role")) else {
        let message = ctx.t.msg("admin-error-role");
        return refused(
            &state,
            ctx,
            &signed_in,
            org,
            member,
            Typed::default(),
            FieldError::new("role", message),
        )
        .await;
    };
    if let Err(refusal) = check_membership_change(own, MembershipChange::Role(role)) {
        let message = refusal_message(&ctx.t, refusal, "admin-error-lock-out-role");
        let typed = Typed { role: Some(role), ..Typed::default() };
        return refused(
            &state,
            ctx,
            &signed_in,
            org,
            member,
            typed,
            FieldError::new("role", message),
        )
        .await;
    }
    if role == member.role {
        return Ok(back_to(&member, "unchanged"));
    }
    let mut tx = state.db.begin_write().await?;
    if !accounts::set_member_role(&mut tx, org, member.membership_id, role, Ts::now()).await? {
        return Err(WebError::NotFound);
    }
    sessions::mark_rotation_due(&mut tx, member.user_id, org).await?;
    let event = NewAuditEvent::new(AuditAction::PermissionChanged, Some(org))
        .by(signed_in.actor.user_id)
        .on("user", member.user_id.as_uuid())
        .detail("membership", member.membership_id.to_string())
        .detail("from", member.role.as_str())
        .detail("to", role.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    notify(
        &mut tx,
        org,
        &signed_in,
        member.user_id,
        NotificationKind::RoleChanged,
        Some(role.as_str().to_owned()),
    )
    .await?;
    tx.commit().await?;
    Ok(back_to(&member, "role"))
}

/// Replaces the member's teams; "supervises" only for a supervisor. What the member may read
/// changes: their sessions in the organisation move to a new id at their next page.
pub async fn change_teams(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (org, member) = load_member(&state, &signed_in, &id).await?;
    let org_teams = teams::list_for_organisation(&state.db, org).await?;
    let chosen = chosen_teams(&fields, &org_teams)?;
    if member.role != Role::Supervisor && chosen.iter().any(|(_, s)| *s) {
        let message = ctx.t.msg("admin-error-supervises");
        let typed = Typed { teams: Some(chosen), ..Typed::default() };
        return refused(
            &state,
            ctx,
            &signed_in,
            org,
            member,
            typed,
            FieldError::new("teams", message),
        )
        .await;
    }
    let current: Vec<(TeamId, bool)> =
        accounts::teams_of_member(&state.db, org, member.membership_id)
            .await?
            .iter()
            .map(|mt| (mt.team_id, mt.supervises))
            .collect();
    let mut sorted_current = current.clone();
    sorted_current.sort();
    let mut sorted_chosen = chosen.clone();
    sorted_chosen.sort();
    if sorted_current == sorted_chosen {
        return Ok(back_to(&member, "unchanged"));
    }
    let mut tx = state.db.begin_write().await?;
    accounts::set_member_teams(&mut tx, org, member.membership_id, &chosen, Ts::now()).await?;
    sessions::mark_rotation_due(&mut tx, member.user_id, org).await?;
    let event = NewAuditEvent::new(AuditAction::MembershipChanged, Some(org))
        .by(signed_in.actor.user_id)
        .on("user", member.user_id.as_uuid())
        .detail("membership", member.membership_id.to_string())
        .detail("change", "teams")
        .detail("teams", team_ids(&chosen, false))
        .detail("supervises", team_ids(&chosen, true));
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(back_to(&member, "teams"))
}

/// Disables the membership and ends the member's sessions in this organisation at once; their
/// account, their other organisations and their history stay.
pub async fn disable(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (org, member) = load_member(&state, &signed_in, &id).await?;
    let own = member.user_id == signed_in.actor.user_id;
    if let Err(refusal) = check_membership_change(own, MembershipChange::Disable) {
        let message = refusal_message(&ctx.t, refusal, "admin-error-lock-out-disable");
        return refused(
            &state,
            ctx,
            &signed_in,
            org,
            member,
            Typed::default(),
            FieldError::new("disable", message),
        )
        .await;
    }
    if member.disabled_at.is_some() {
        return Ok(back_to(&member, "unchanged"));
    }
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    if !accounts::set_member_disabled(&mut tx, org, member.membership_id, Some(now), now).await? {
        return Err(WebError::NotFound);
    }
    let ended = sessions::delete_of_user_in_organisation(&mut tx, member.user_id, org).await?;
    let event = NewAuditEvent::new(AuditAction::MembershipChanged, Some(org))
        .by(signed_in.actor.user_id)
        .on("user", member.user_id.as_uuid())
        .detail("membership", member.membership_id.to_string())
        .detail("change", "disabled")
        .detail("sessions_ended", ended);
    audit_trail::record(&mut tx, &meta, event).await?;
    notify(&mut tx, org, &signed_in, member.user_id, NotificationKind::MembershipDisabled, None)
        .await?;
    tx.commit().await?;
    Ok(back_to(&member, "disabled"))
}

pub async fn enable(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (org, member) = load_member(&state, &signed_in, &id).await?;
    if member.disabled_at.is_none() {
        return Ok(back_to(&member, "unchanged"));
    }
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    if !accounts::set_member_disabled(&mut tx, org, member.membership_id, None, now).await? {
        return Err(WebError::NotFound);
    }
    let event = NewAuditEvent::new(AuditAction::MembershipChanged, Some(org))
        .by(signed_in.actor.user_id)
        .on("user", member.user_id.as_uuid())
        .detail("membership", member.membership_id.to_string())
        .detail("change", "enabled");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(back_to(&member, "enabled"))
}

/// Turns off the member's second factor (a lost phone, no recovery code left), with a reason
/// kept in the audit event. Their password alone signs them in afterwards, until they enrol
/// again.
pub async fn reset_second_factor(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (org, member) = load_member(&state, &signed_in, &id).await?;
    let own = member.user_id == signed_in.actor.user_id;
    let typed_reason = one_of(&fields, "reason");
    let reason = typed_reason.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = &ctx.t;
    let problem =
        if let Err(refusal) = check_membership_change(own, MembershipChange::ResetSecondFactor) {
            Some(refusal_message(t, refusal, "admin-error-own-second-factor"))
        } else if !member.second_factor_on() {
            Some(t.msg("admin-error-second-factor-off"))
        } else if reason.is_empty() {
            Some(t.msg("admin-error-reason"))
        } else if reason.chars().count() > REASON_MAX_CHARS {
            Some(t.msg_args("admin-error-reason-long", &[("max", &REASON_MAX_CHARS.to_string())]))
        } else if elsewhere(&state, &member, org).await? {
            Some(t.msg("admin-error-second-factor-elsewhere"))
        } else {
            None
        };
    if let Some(message) = problem {
        let typed = Typed { reason: typed_reason, ..Typed::default() };
        return refused(
            &state,
            ctx,
            &signed_in,
            org,
            member,
            typed,
            FieldError::new("reason", message),
        )
        .await;
    }
    let mut tx = state.db.begin_write().await?;
    second_factor::disable(&mut tx, member.user_id).await?;
    let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(signed_in.actor.user_id)
        .on("user", member.user_id.as_uuid())
        .detail("membership", member.membership_id.to_string())
        .detail("action", "second_factor_reset")
        .because(reason);
    audit_trail::record(&mut tx, &meta, event).await?;
    notify(&mut tx, org, &signed_in, member.user_id, NotificationKind::SecondFactorReset, None)
        .await?;
    tx.commit().await?;
    Ok(back_to(&member, "second_factor"))
}

/// Whether the member's account also opens another organisation or the instance's
/// administration. The second factor protects the whole account, so one organisation's
/// manager must not weaken what protects another's data.
pub(super) async fn elsewhere(
    state: &AppState,
    member: &Member,
    org: OrganisationId,
) -> Result<bool, WebError> {
    if member.instance_admin {
        return Ok(true);
    }
    let memberships = accounts::memberships_of(&state.db, member.user_id).await?;
    Ok(memberships.iter().any(|m| m.organisation_id != org))
}
