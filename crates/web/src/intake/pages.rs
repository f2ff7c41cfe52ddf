use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::intake::{self, FlagProblem, Outcome, VisitProblem};
use domain::lists::ListName;
use domain::{OrganisationId, PersonId, TeamId};
use store::Ts;
use store::audit::NewAuditEvent;
use store::intake::QueueItem;
use store::notifications::{NewNotification, NotificationKind};
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{HitView, form_pairs, list_label, value_of};

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/desk.html")]
pub struct DeskPage {
    chrome: Chrome,
    query: String,
    searched: bool,
    hits: Vec<HitView>,
}

pub async fn desk(State(state): State<AppState>, ctx: PageCtx) -> DeskPage {
    DeskPage {
        chrome: Chrome::new(ctx, &state, Nav::Intake),
        query: String::new(),
        searched: false,
        hits: vec![],
    }
}

pub async fn desk_search(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    RawForm(body): RawForm,
) -> Result<DeskPage, WebError> {
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let query: String = value_of(&pairs, "q").unwrap_or("").chars().take(200).collect();
    let hits = store::persons::search(&state.db, org, &query, 25).await?;
    Ok(DeskPage {
        chrome: Chrome::new(ctx, &state, Nav::Intake),
        searched: !query.trim().is_empty(),
        query,
        hits: hits.iter().map(HitView::new).collect(),
    })
}

/// One choice of a list on the visit form.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/visit.html")]
pub struct VisitPage {
    chrome: Chrome,
    person: HitView,
    reason: String,
    note: String,
    flag_note: String,
    outcomes: Vec<Choice>,
    teams: Vec<Choice>,
    flags: Vec<Choice>,
    errors: Vec<(&'static str, String)>,
}

impl VisitPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

struct Typed<'a> {
    reason: &'a str,
    outcome: &'a str,
    team: &'a str,
    note: &'a str,
    flags: Vec<&'a str>,
    flag_note: &'a str,
}

async fn visit_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    person: PersonId,
    typed: Typed<'_>,
    errors: Vec<(&'static str, String)>,
) -> Result<VisitPage, WebError> {
    let org = organisation(signed_in)?;
    let p = store::persons::find(&state.db, org, person).await?.ok_or(WebError::NotFound)?;
    if p.merged_into.is_some() {
        return Err(WebError::NotFound);
    }
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let teams = store::teams::list_for_organisation(&state.db, org).await?;
    // The user's own first team is proposed when nothing was chosen.
    let default_team =
        signed_in.actor.membership.as_ref().and_then(|m| m.teams.first()).map(|t| t.to_string());
    let chosen_team = if typed.team.is_empty() {
        default_team.unwrap_or_default()
    } else {
        typed.team.to_owned()
    };
    let mut team_choices = vec![Choice {
        code: String::new(),
        label: t.msg("intake-no-team"),
        selected: chosen_team.is_empty(),
    }];
    team_choices.extend(teams.into_iter().map(|team| Choice {
        selected: team.id.to_string() == chosen_team,
        code: team.id.to_string(),
        label: team.name,
    }));
    Ok(VisitPage {
        person: HitView::of_person(&p),
        reason: typed.reason.to_owned(),
        note: typed.note.to_owned(),
        flag_note: typed.flag_note.to_owned(),
        outcomes: Outcome::ALL
            .iter()
            .map(|o| Choice {
                code: o.as_str().to_owned(),
                label: t.msg(&format!("intake-outcome-{}", o.as_str())),
                selected: o.as_str() == typed.outcome,
            })
            .collect(),
        teams: team_choices,
        flags: lists
            .offered(ListName::UrgencyFlag)
            .into_iter()
            .map(|v| Choice {
                label: list_label(t, &lists, ListName::UrgencyFlag, &v.code),
                selected: typed.flags.contains(&v.code.as_str()),
                code: v.code,
            })
            .collect(),
        errors,
        chrome: Chrome::new(ctx, state, Nav::Intake),
    })
}

pub async fn visit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(person): Path<PersonId>,
) -> Result<VisitPage, WebError> {
    let typed = Typed { reason: "", outcome: "", team: "", note: "", flags: vec![], flag_note: "" };
    visit_page(&state, ctx, &signed_in, person, typed, vec![]).await
}

fn visit_message(t: &Tr, p: &VisitProblem) -> String {
    match p {
        VisitProblem::ReasonRequired => t.msg("intake-error-reason"),
        VisitProblem::ReasonTooLong { max } | VisitProblem::NoteTooLong { max } => {
            t.msg_args("person-error-too-long", &[("max", &max.to_string())])
        }
        VisitProblem::OutcomeRequired => t.msg("intake-error-outcome"),
        VisitProblem::TeamRequired => t.msg("intake-error-team"),
        VisitProblem::ControlCharacters => t.msg("person-error-control"),
    }
}

/// Records the visit, raises the flags ticked, and tells the team, in one transaction.
pub async fn record_visit(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(person): Path<PersonId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("");
    let typed = Typed {
        reason: get("reason"),
        outcome: get("outcome"),
        team: get("team"),
        note: get("note"),
        flags: pairs.iter().filter(|(k, _)| k == "flag").map(|(_, v)| v.as_str()).collect(),
        flag_note: get("flag_note"),
    };
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let team: Option<TeamId> = match typed.team.parse::<TeamId>() {
        Ok(id) => store::teams::find(&state.db, org, id).await?.map(|t| t.id),
        Err(_) => None,
    };
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    if !typed.team.is_empty() && team.is_none() {
        errors.push(("team", ctx.t.msg("intake-error-team")));
    }
    let flags: Vec<&str> = typed.flags.clone();
    if flags.iter().any(|c| !lists.accepts(ListName::UrgencyFlag, c, None)) {
        errors.push(("flags", ctx.t.msg("person-error-unknown-value")));
    }
    if !flags.is_empty() && team.is_none() && !errors.iter().any(|(f, _)| *f == "team") {
        errors.push(("team", ctx.t.msg("intake-error-flag-team")));
    }
    let flag_note = typed.flag_note.trim();
    if flag_note.chars().count() > intake::NOTE_MAX {
        errors.push((
            "flag_note",
            ctx.t.msg_args("person-error-too-long", &[("max", &intake::NOTE_MAX.to_string())]),
        ));
    }
    let visit = match intake::parse_visit(typed.reason, typed.outcome, typed.note, team.is_some()) {
        Ok(v) if errors.is_empty() => v,
        Ok(_) => {
            let page = visit_page(&state, ctx, &signed_in, person, typed, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(problems) => {
            for (field, p) in &problems {
                if !errors.iter().any(|(f, _)| f == field) {
                    errors.push((field, visit_message(&ctx.t, p)));
                }
            }
            let page = visit_page(&state, ctx, &signed_in, person, typed, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let p = store::persons::find(&state.db, org, person).await?.ok_or(WebError::NotFound)?;
    if p.merged_into.is_some() {
        return Err(WebError::NotFound);
    }
    let now = Ts::now();
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let visit_id =
        store::intake::record_visit(&mut tx, org, person, &visit, team, Some(me), now).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("person", person.as_uuid())
        .detail("visit", visit_id.to_string())
        .detail("outcome", visit.outcome.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    let note = (!flag_note.is_empty()).then_some(flag_note);
    for code in &flags {
        let flag = store::intake::raise_flag(&mut tx, org, person, code, note, team, Some(me), now)
            .await?;
        let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
            .by(me)
            .on("person", person.as_uuid())
            .detail("urgency_flag", flag.to_string())
            .detail("code", *code);
        audit_trail::record(&mut tx, &meta, event).await?;
        if let Some(team) = team {
            for user in store::intake::team_user_ids(&mut tx, org, team).await? {
                if user == me {
                    continue;
                }
                let n = NewNotification {
                    user_id: user,
                    organisation_id: Some(org),
                    kind: NotificationKind::UrgencyRaised,
                    actor_user_id: Some(me),
                    details: Some((*code).to_owned()),
                };
                store::notifications::insert(&mut tx, &n, now).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/persons/{person}?visit=1")).into_response())
}

/// A line of the queue as shown.
pub struct QueueLine {
    pub person_id: PersonId,
    pub name: String,
    pub birth_date: String,
    /// "flag-raised", "flag-due", "flag-acknowledged" or "visit".
    pub kind: &'static str,
    pub what: String,
    pub team: String,
    pub since: String,
    pub note: String,
    pub item_id: Uuid,
    pub version: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "intake/queue.html")]
pub struct QueuePage {
    chrome: Chrome,
    lines: Vec<QueueLine>,
    can_handle: bool,
    all_teams: bool,
}

pub(crate) fn name_of(p: &store::intake::QueuePerson) -> String {
    store::persons::list_name(
        p.used_name.as_deref(),
        p.birth_name.as_deref(),
        p.first_names.as_deref(),
    )
}

/// The teams whose queue the user sees (and whether that is all of them): managers and
/// reception see every team's; others their teams' and those they supervise.
pub(crate) async fn queue_teams(
    state: &AppState,
    signed_in: &SignedIn,
) -> Result<(Vec<TeamId>, bool), WebError> {
    let org = organisation(signed_in)?;
    let membership = signed_in.actor.membership.as_ref().ok_or(WebError::NotFound)?;
    let all_teams = matches!(
        membership.role,
        domain::accounts::Role::Manager | domain::accounts::Role::Reception
    );
    let teams: Vec<TeamId> = if all_teams {
        store::teams::list_for_organisation(&state.db, org)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect()
    } else {
        let mut t = membership.teams.clone();
        t.extend(membership.supervised_teams.iter().copied());
        t
    };
    Ok((teams, all_teams))
}

pub async fn queue(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<QueuePage, WebError> {
    let org = organisation(&signed_in)?;
    let (teams, all_teams) = queue_teams(&state, &signed_in).await?;
    let today = today();
    let items = store::intake::queue(&state.db, org, &teams, today).await?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let t = &ctx.t;
    let lines = items
        .iter()
        .map(|item| {
            let person = item.person();
            let base = |kind,
                        what: String,
                        team: Option<String>,
                        since: Ts,
                        note: Option<String>,
                        id,
                        version| QueueLine {
                person_id: person.id,
                name: name_of(person),
                birth_date: person.birth_date.map(domain::persons::french_date).unwrap_or_default(),
                kind,
                what,
                team: team.unwrap_or_default(),
                since: crate::dates::for_user(since, &signed_in),
                note: note.unwrap_or_default(),
                item_id: id,
                version,
            };
            match item {
                QueueItem::Flag { flag, .. } => {
                    let kind = match flag.status() {
                        intake::FlagStatus::Raised => "flag-raised",
                        s if intake::due(s, flag.review_date, today) => "flag-due",
                        _ => "flag-acknowledged",
                    };
                    base(
                        kind,
                        list_label(t, &lists, ListName::UrgencyFlag, &flag.code),
                        flag.team_name.clone(),
                        flag.raised_at,
                        flag.note.clone(),
                        flag.id,
                        flag.version,
                    )
                }
                QueueItem::Visit { visit, .. } => base(
                    "visit",
                    format!(
                        "{} — {}",
                        t.msg(&format!("intake-outcome-{}", visit.outcome)),
                        visit.reason
                    ),
                    visit.team_name.clone(),
                    visit.created_at,
                    visit.note.clone(),
                    visit.id,
                    visit.version,
                ),
            }
        })
        .collect();
    Ok(QueuePage {
        can_handle: crate::chrome::allows(domain::policy::FLAG_HANDLERS, &signed_in),
        chrome: Chrome::new(ctx, &state, Nav::Queue),
        lines,
        all_teams,
    })
}

/// Where to go back after acting on a queue line: the page the form came from.
fn back(pairs: &[(String, String)], person: PersonId) -> String {
    match value_of(pairs, "back") {
        Some("queue") => "/queue".to_owned(),
        _ => format!("/persons/{person}"),
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(flag_id): Path<Uuid>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let flag =
        store::intake::find_flag(&state.db, org, flag_id).await?.ok_or(WebError::NotFound)?;
    let pairs = form_pairs(&body);
    let version: i64 = value_of(&pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let review =
        domain::persons::parse_date(value_of(&pairs, "review_date").unwrap_or("")).ok().flatten();
    let to = back(&pairs, flag.person_id);
    let review = match intake::acknowledge(flag.status(), review, today()) {
        Ok(d) => d,
        Err(FlagProblem::NotAllowed) => {
            return Ok(Redirect::to(&format!("{to}?flag=stale")).into_response());
        }
        Err(_) => return Ok(Redirect::to(&format!("{to}?flag=review")).into_response()),
    };
    let mut tx = state.db.begin_write().await?;
    if !store::intake::acknowledge_flag(
        &mut tx,
        org,
        flag_id,
        version,
        review,
        signed_in.actor.user_id,
        Ts::now(),
    )
    .await?
    {
        drop(tx);
        return Ok(Redirect::to(&format!("{to}?flag=stale")).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", flag.person_id.as_uuid())
        .detail("urgency_flag", flag_id.to_string())
        .detail("status", "acknowledged");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{to}?flag=acknowledged")).into_response())
}

pub async fn close(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(flag_id): Path<Uuid>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let flag =
        store::intake::find_flag(&state.db, org, flag_id).await?.ok_or(WebError::NotFound)?;
    let pairs = form_pairs(&body);
    let version: i64 = value_of(&pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let to = back(&pairs, flag.person_id);
    let note: String = value_of(&pairs, "close_note")
        .unwrap_or("")
        .trim()
        .chars()
        .take(intake::NOTE_MAX)
        .collect();
    if intake::close(flag.status()).is_err() {
        return Ok(Redirect::to(&format!("{to}?flag=stale")).into_response());
    }
    let mut tx = state.db.begin_write().await?;
    let note = (!note.is_empty()).then_some(note.as_str());
    if !store::intake::close_flag(
        &mut tx,
        org,
        flag_id,
        version,
        note,
        signed_in.actor.user_id,
        Ts::now(),
    )
    .await?
    {
        drop(tx);
        return Ok(Redirect::to(&format!("{to}?flag=stale")).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", flag.person_id.as_uuid())
        .detail("urgency_flag", flag_id.to_string())
        .detail("status", "closed");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{to}?flag=closed")).into_response())
}

pub async fn handle_visit(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(visit_id): Path<Uuid>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let visit =
        store::intake::find_visit(&state.db, org, visit_id).await?.ok_or(WebError::NotFound)?;
    let pairs = form_pairs(&body);
    let version: i64 = value_of(&pairs, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut tx = state.db.begin_write().await?;
    if !store::intake::handle_visit(
        &mut tx,
        org,
        visit_id,
        version,
        signed_in.actor.user_id,
        Ts::now(),
    )
    .await?
    {
        drop(tx);
        return Ok(Redirect::to("/queue?visit=stale").into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", visit.person_id.as_uuid())
        .detail("visit", visit_id.to_string())
        .detail("status", "handled");
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/queue?visit=handled").into_response())
}
