//! The domiciliation page of a person and the desk's list of mail.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::domiciliation::{
    DEFAULT_MAIL_WAITING_DAYS, END_REASONS, MAIL_KINDS, parse_end, parse_mail, parse_start,
};
use domain::persons::{french_date, iso_date};
use domain::policy::DOMICILIATION_WRITERS;
use domain::{OrganisationId, PersonId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::domiciliations::Domiciliation;
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

type Typed = HashMap<String, String>;

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// How many days mail may wait at the desk in `org` (its setting; the default if unreadable).
async fn mail_days(state: &AppState, org: OrganisationId) -> Result<i64, WebError> {
    Ok(store::organisations::settings(&state.db, org)
        .await?
        .map_or(DEFAULT_MAIL_WAITING_DAYS, |s| s.reminder_mail_days))
}

/// Today in the user's organisation's time zone: mail received at 00:30 in Paris is today's.
pub(crate) fn today(signed_in: &SignedIn) -> time::Date {
    store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref())
}

fn field<'a>(typed: &'a Typed, name: &str) -> &'a str {
    typed.get(name).map(String::as_str).unwrap_or_default()
}

pub struct Choice {
    pub code: &'static str,
    pub label: String,
}

pub struct ElectionRow {
    pub version: i64,
    pub start: String,
    pub renewal: String,
    pub end: String,
    pub reason: String,
}

pub struct MailRow {
    pub id: Uuid,
    pub received: String,
    pub kind: String,
    pub sender: String,
    pub collected: String,
    /// Still at the desk, for longer than the organisation's days.
    pub overdue: bool,
    pub person_id: PersonId,
    pub person: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "domiciliation/show.html")]
pub struct DomiciliationPage {
    chrome: Chrome,
    person_id: PersonId,
    name: String,
    elections: Vec<ElectionRow>,
    current: Option<ElectionRow>,
    mail: Vec<MailRow>,
    can_write: bool,
    kinds: Vec<Choice>,
    reasons: Vec<Choice>,
    typed: Typed,
    today: String,
    errors: Vec<(&'static str, String)>,
    notice: Option<String>,
}

impl DomiciliationPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    fn typed(&self, name: &str) -> &str {
        field(&self.typed, name)
    }
}

fn election_row(t: &Tr, d: &Domiciliation) -> ElectionRow {
    ElectionRow {
        version: d.version,
        start: french_date(d.start_date),
        renewal: french_date(d.renewal_due),
        end: d.end_date.map(french_date).unwrap_or_default(),
        reason: d
            .end_reason
            .as_deref()
            .map(|r| t.msg(&format!("domiciliation-end-{r}")))
            .unwrap_or_default(),
    }
}

fn kinds(t: &Tr) -> Vec<Choice> {
    MAIL_KINDS
        .into_iter()
        .map(|code| Choice { code, label: t.msg(&format!("domiciliation-mail-{code}")) })
        .collect()
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    person_id: PersonId,
    typed: Typed,
    errors: Vec<(&'static str, String)>,
    notice: Option<String>,
) -> Result<DomiciliationPage, WebError> {
    let org = organisation(signed_in)?;
    let person =
        store::persons::find(&state.db, org, person_id).await?.ok_or(WebError::NotFound)?;
    let t = &ctx.t;
    let all = store::domiciliations::of_person(&state.db, org, person_id).await?;
    let elections: Vec<ElectionRow> = all.iter().map(|d| election_row(t, d)).collect();
    let current = all.iter().find(|d| d.end_date.is_none()).map(|d| election_row(t, d));
    let day = today(signed_in);
    let wait = mail_days(state, org).await?;
    let name = person.record.display_name();
    let mail = store::domiciliations::mail_of_person(&state.db, org, person_id)
        .await?
        .iter()
        .map(|m| MailRow {
            id: m.id,
            received: french_date(m.received_on),
            kind: t.msg(&format!("domiciliation-mail-{}", m.kind)),
            sender: m.sender.clone().unwrap_or_default(),
            collected: m.collected_on.map(french_date).unwrap_or_default(),
            overdue: m.collected_on.is_none()
                && domain::domiciliation::waits_too_long(m.received_on, day, wait),
            person_id,
            person: name.clone(),
        })
        .collect();
    let reasons = END_REASONS
        .into_iter()
        .map(|code| Choice { code, label: t.msg(&format!("domiciliation-end-{code}")) })
        .collect();
    Ok(DomiciliationPage {
        person_id,
        name,
        elections,
        current,
        mail,
        can_write: crate::chrome::allows(DOMICILIATION_WRITERS, signed_in),
        kinds: kinds(t),
        reasons,
        typed,
        today: iso_date(day),
        errors,
        notice,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

async fn audit_read(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    person_id: PersonId,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", person_id.as_uuid())
        .detail("view", "domiciliation");
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
    Query(q): Query<ShowQuery>,
) -> Result<DomiciliationPage, WebError> {
    let org = organisation(&signed_in)?;
    store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    audit_read(&state, &meta, &signed_in, id).await?;
    let notice = q.done.as_deref().and_then(|d| match d {
        "started" | "ended" | "mail" | "collected" => {
            Some(ctx.t.msg(&format!("domiciliation-done-{d}")))
        }
        _ => None,
    });
    page(&state, ctx, &signed_in, id, Typed::new(), vec![], notice).await
}

/// Answers a refused form: the page again, 422, with what was typed.
async fn refused(
    state: &AppState,
    ctx: PageCtx,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    id: PersonId,
    typed: Typed,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    audit_read(state, meta, signed_in, id).await?;
    let page = page(state, ctx, signed_in, id, typed, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn recorded(
    state: &AppState,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    action: AuditAction,
    subject: (&'static str, Uuid),
    person: PersonId,
) -> Result<(), WebError> {
    let org = organisation(signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(action, Some(org))
        .by(signed_in.actor.user_id)
        .on(subject.0, subject.1)
        .detail("person", person.to_string());
    audit_trail::record(&mut tx, meta, event).await?;
    tx.commit().await?;
    Ok(())
}

fn refusals(t: &Tr, problems: domain::domiciliation::Problems) -> Vec<(&'static str, String)> {
    problems.into_iter().map(|(f, p)| (f, t.msg(p.message_id()))).collect()
}

/// Starts an election of domicile (none may be running already).
pub async fn start(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let running = store::domiciliations::of_person(&state.db, org, id).await?;
    let running = running.iter().any(|d| d.end_date.is_none());
    let e = match parse_start(field(&typed, "start_date"), field(&typed, "renewal_due"), running) {
        Ok(e) => e,
        Err(p) => {
            let errors = refusals(&ctx.t, p);
            return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
        }
    };
    let by = Some(signed_in.actor.user_id);
    let d = store::domiciliations::start(&state.db, org, id, e.start, e.renewal_due, by, Ts::now())
        .await?;
    recorded(&state, &meta, &signed_in, AuditAction::RecordCreated, ("domiciliation", d), id)
        .await?;
    Ok(Redirect::to(&format!("/persons/{id}/domiciliation?done=started")).into_response())
}

/// Ends the running election with its reason.
pub async fn end(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let running = store::domiciliations::of_person(&state.db, org, id).await?;
    let current = running.iter().find(|d| d.end_date.is_none());
    let version: i64 = field(&typed, "version").parse().unwrap_or_default();
    let since = current.map(|c| c.start_date);
    let (c, e) =
        match (current, parse_end(field(&typed, "end_date"), field(&typed, "end_reason"), since)) {
            (Some(c), Ok(e)) => (c, e),
            (_, Err(p)) => {
                let errors = refusals(&ctx.t, p);
                return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
            }
            (None, Ok(_)) => {
                return Err(WebError::Internal("an end parsed without a running election"));
            }
        };
    let now = Ts::now();
    if !store::domiciliations::end(&state.db, org, c.id, version, e.end, e.reason, now).await? {
        let errors = vec![("end_date", ctx.t.msg("domiciliation-error-changed"))];
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    }
    recorded(&state, &meta, &signed_in, AuditAction::RecordUpdated, ("domiciliation", c.id), id)
        .await?;
    Ok(Redirect::to(&format!("/persons/{id}/domiciliation?done=ended")).into_response())
}

/// Registers mail received for the person's running election.
pub async fn add_mail(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let running = store::domiciliations::of_person(&state.db, org, id).await?;
    let current = running.iter().find(|d| d.end_date.is_none());
    let parsed = parse_mail(
        field(&typed, "received_on"),
        field(&typed, "kind"),
        field(&typed, "sender"),
        current.is_some(),
    );
    let (c, m) = match (current, parsed) {
        (Some(c), Ok(m)) => (c, m),
        (_, Err(p)) => {
            let errors = refusals(&ctx.t, p);
            return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
        }
        (None, Ok(_)) => return Err(WebError::Internal("mail parsed without a running election")),
    };
    let by = Some(signed_in.actor.user_id);
    let sender = m.sender.as_deref();
    let mail = store::domiciliations::add_mail(
        &state.db,
        org,
        c.id,
        m.received_on,
        m.kind,
        sender,
        by,
        Ts::now(),
    )
    .await?;
    recorded(&state, &meta, &signed_in, AuditAction::RecordCreated, ("mail", mail), id).await?;
    Ok(Redirect::to(&format!("/persons/{id}/domiciliation?done=mail#mail")).into_response())
}

/// Records that the person collected a piece of mail today.
pub async fn collect(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PersonId>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let mail = store::domiciliations::mail_of_person(&state.db, org, id).await?;
    let wanted: Option<Uuid> = field(&typed, "mail_id").parse().ok();
    // Only this person's mail still waiting: any other id is refused alike.
    let Some(m) = mail.iter().find(|m| Some(m.id) == wanted && m.collected_on.is_none()) else {
        let errors = vec![("mail", ctx.t.msg("domiciliation-error-collect"))];
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    };
    store::domiciliations::collect(&state.db, org, m.id, today(&signed_in), Ts::now()).await?;
    recorded(&state, &meta, &signed_in, AuditAction::RecordUpdated, ("mail", m.id), id).await?;
    let back = if field(&typed, "from") == "desk" {
        "/domiciliation/mail?done=collected".to_owned()
    } else {
        format!("/persons/{id}/domiciliation?done=collected#mail")
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "domiciliation/desk.html")]
pub struct DeskPage {
    chrome: Chrome,
    mail: Vec<MailRow>,
    active: i64,
    can_write: bool,
    notice: Option<String>,
}

/// The desk's list: today's mail and all mail still waiting.
pub async fn desk(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<ShowQuery>,
) -> Result<DeskPage, WebError> {
    let org = organisation(&signed_in)?;
    let day = today(&signed_in);
    let wait = mail_days(&state, org).await?;
    let t = &ctx.t;
    let mail = store::domiciliations::desk(&state.db, org, day)
        .await?
        .into_iter()
        .map(|m| {
            let family = m.used_name.as_deref().or(m.birth_name.as_deref());
            MailRow {
                id: m.id,
                received: french_date(m.received_on),
                kind: t.msg(&format!("domiciliation-mail-{}", m.kind)),
                sender: m.sender.clone().unwrap_or_default(),
                collected: m.collected_on.map(french_date).unwrap_or_default(),
                overdue: m.collected_on.is_none()
                    && domain::domiciliation::waits_too_long(m.received_on, day, wait),
                person_id: m.person_id,
                person: [family, m.first_names.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            }
        })
        .collect();
    let notice =
        (q.done.as_deref() == Some("collected")).then(|| ctx.t.msg("domiciliation-done-collected"));
    Ok(DeskPage {
        mail,
        active: store::domiciliations::active_count(&state.db, org, day).await?,
        can_write: crate::chrome::allows(DOMICILIATION_WRITERS, &signed_in),
        notice,
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    })
}
