//! The domiciliation page of a person and the desk's list of mail.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::domiciliation::{DEFAULT_MAIL_WAITING_DAYS, END_REASONS, MAIL_KINDS, renewal_due};
use domain::persons::{french_date, iso_date, parse_date};
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

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
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
    let day = today();
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

fn date_field(
    t: &Tr,
    typed: &Typed,
    name: &'static str,
    errors: &mut Vec<(&'static str, String)>,
) -> Option<time::Date> {
    match parse_date(field(typed, name)) {
        Ok(Some(d)) => Some(d),
        _ => {
            errors.push((name, t.msg("domiciliation-error-date")));
            None
        }
    }
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
    let t = &ctx.t;
    let mut errors = vec![];
    let start = date_field(t, &typed, "start_date", &mut errors);
    let renewal = match field(&typed, "renewal_due").trim() {
        "" => start.map(renewal_due),
        _ => date_field(t, &typed, "renewal_due", &mut errors),
    };
    if let (Some(s), Some(r)) = (start, renewal)
        && r <= s
    {
        errors.push(("renewal_due", t.msg("domiciliation-error-renewal")));
    }
    let running = store::domiciliations::of_person(&state.db, org, id).await?;
    if running.iter().any(|d| d.end_date.is_none()) {
        errors.push(("start_date", t.msg("domiciliation-error-running")));
    }
    let (Some(s), Some(r), true) = (start, renewal, errors.is_empty()) else {
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    };
    let by = Some(signed_in.actor.user_id);
    let d = store::domiciliations::start(&state.db, org, id, s, r, by, Ts::now()).await?;
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
    let t = &ctx.t;
    let mut errors = vec![];
    let end = date_field(t, &typed, "end_date", &mut errors);
    let reason = field(&typed, "end_reason");
    if !END_REASONS.contains(&reason) {
        errors.push(("end_reason", t.msg("domiciliation-error-reason")));
    }
    let running = store::domiciliations::of_person(&state.db, org, id).await?;
    let current = running.iter().find(|d| d.end_date.is_none());
    let version: i64 = field(&typed, "version").parse().unwrap_or_default();
    if let (Some(c), Some(e)) = (current, end)
        && e < c.start_date
    {
        errors.push(("end_date", t.msg("domiciliation-error-end-before-start")));
    }
    let (Some(c), Some(e), true) = (current, end, errors.is_empty()) else {
        if current.is_none() {
            errors.push(("end_date", t.msg("domiciliation-error-none-running")));
        }
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    };
    if !store::domiciliations::end(&state.db, org, c.id, version, e, reason, Ts::now()).await? {
        let errors = vec![("end_date", t.msg("domiciliation-error-changed"))];
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
    let t = &ctx.t;
    let mut errors = vec![];
    let received = date_field(t, &typed, "received_on", &mut errors);
    let kind = field(&typed, "kind");
    if !MAIL_KINDS.contains(&kind) {
        errors.push(("kind", t.msg("domiciliation-error-kind")));
    }
    let sender = field(&typed, "sender").trim();
    if sender.chars().count() > 200 {
        errors.push(("sender", t.msg("domiciliation-error-too-long")));
    }
    let running = store::domiciliations::of_person(&state.db, org, id).await?;
    let current = running.iter().find(|d| d.end_date.is_none());
    if current.is_none() {
        errors.push(("received_on", t.msg("domiciliation-error-none-running")));
    }
    let (Some(c), Some(r), true) = (current, received, errors.is_empty()) else {
        return refused(&state, ctx, &meta, &signed_in, id, typed, errors).await;
    };
    let sender = (!sender.is_empty()).then_some(sender);
    let by = Some(signed_in.actor.user_id);
    let m = store::domiciliations::add_mail(&state.db, org, c.id, r, kind, sender, by, Ts::now())
        .await?;
    recorded(&state, &meta, &signed_in, AuditAction::RecordCreated, ("mail", m), id).await?;
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
    store::domiciliations::collect(&state.db, org, m.id, today(), Ts::now()).await?;
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
    let day = today();
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
