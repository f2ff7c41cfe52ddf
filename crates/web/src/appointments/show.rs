//! An appointment's page, its status and its reminder, its `.ics`, and the case page's panel.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::CaseId;
use domain::appointments::{self as rules, CancelledBy, IcsEvent, Status};
use domain::audit::AuditAction;
use domain::policy::{self, CaseAccess};
use serde::Deserialize;
use store::Ts;
use store::appointments::Appointment;
use store::audit::NewAuditEvent;
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

use super::pages::{
    Choice, day_has_come, load, organisation, place_label, status_label, when, when_ts,
};
use super::reminder::{self, ReminderChoices};

// ---------------------------------------------------------------------------------------------
// An appointment's page and its status.

#[derive(Template, WebTemplate)]
#[template(path = "appointments/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    id: Uuid,
    title: String,
    when: String,
    worker: String,
    /// (person's page or empty, name)
    with: Option<(String, String)>,
    case_href: Option<String>,
    place: String,
    place_detail: Option<String>,
    purpose: Option<String>,
    details: bool,
    status: String,
    status_code: &'static str,
    version: i64,
    can_done: bool,
    can_cancel: bool,
    can_reset: bool,
    cancellers: Vec<Choice>,
    notice: Option<String>,
    /// What became of the reminder to the person (for those who see the details).
    reminder_status: Option<String>,
    /// The reminder's fieldset, while it may still be changed.
    reminder: Option<ReminderChoices>,
}

impl ShowPage {
    /// The reminder's fieldset is shared with the booking form, which shows errors; this page
    /// has none (a refused change shows the appointment as it is now).
    fn error_for(&self, _field: &str) -> Option<&str> {
        None
    }
}

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    changed: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<NoticeQuery>,
) -> Result<ShowPage, WebError> {
    let (a, access) = load(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    if access.details && a.person_id.is_some() {
        // Its purpose and place say something of the person: the read is recorded.
        let mut tx = state.db.begin_write().await?;
        let event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
            .by(signed_in.actor.user_id)
            .on("appointment", a.id);
        audit_trail::record(&mut tx, &meta, event).await?;
        tx.commit().await?;
    }
    let t = &ctx.t;
    let status = a.status();
    let started = day_has_come(&a, &signed_in);
    let finds = policy::person_access(&signed_in.actor).find;
    let notice = match q.changed.as_deref() {
        Some(c @ ("done" | "missed" | "cancelled" | "planned" | "stale")) => {
            Some(t.msg(&format!("appointment-notice-{c}")))
        }
        Some("reminder") => Some(t.msg("reminder-notice-changed")),
        _ => None,
    };
    let reminder_status = match a.person() {
        Some(_) if access.details => {
            Some(reminder::status_line(&state, t, &a, |ts| when_ts(t, ts, &signed_in)).await?)
        }
        _ => None,
    };
    let reminder = match a.person() {
        Some(p) if access.change && status == Status::Planned => {
            let contact = reminder::contact(&state, org, p).await?;
            let locale = a.remind_locale.clone().unwrap_or_else(|| t.locale().tag().to_owned());
            let chosen = a.remind_by.clone().unwrap_or_default();
            Some(reminder::choices(&state, t, &contact, &chosen, &locale))
        }
        _ => None,
    };
    Ok(ShowPage {
        reminder_status,
        reminder,
        id: a.id,
        title: match a.person_name() {
            Some(n) => t.msg_args("appointment-title-with", &[("name", &n)]),
            None => t.msg("appointment-slot"),
        },
        when: when(t, &a, &signed_in),
        worker: a.worker_name.clone(),
        with: a.person_name().map(|n| {
            let href = a.person_id.filter(|_| finds).map(|p| format!("/persons/{p}"));
            (href.unwrap_or_default(), n)
        }),
        case_href: a.case().map(|c| format!("/cases/{c}")),
        place: place_label(t, a.place()),
        place_detail: a.place_detail.clone().filter(|_| access.details),
        purpose: a.purpose.clone().filter(|_| access.details),
        details: access.details,
        status: status_label(t, &a),
        status_code: status.as_str(),
        version: a.version,
        can_done: access.change && rules::may_change(status, Status::Done, started),
        can_cancel: access.change && rules::may_change(status, Status::Cancelled, started),
        can_reset: access.change && rules::may_change(status, Status::Planned, started),
        cancellers: CancelledBy::ALL
            .into_iter()
            .map(|c| Choice {
                code: c.as_str().to_owned(),
                label: t.msg(&format!("appointment-canceller-{}", c.as_str())),
                selected: c == CancelledBy::Person,
            })
            .collect(),
        notice,
        chrome: Chrome::new(ctx, &state, Nav::Agenda),
    })
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    cancelled_by: String,
    #[serde(default)]
    version: i64,
}

/// Marks an appointment done (then opens a note of the case, for those who write notes),
/// missed, cancelled (by whom) or back to planned; each on the case's timeline.
pub async fn change_status(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> Result<Response, WebError> {
    let (a, access) = load(&state, &signed_in, id).await?;
    let started = day_has_come(&a, &signed_in);
    let to = Status::parse(&form.to).filter(|to| rules::may_change(a.status(), *to, started));
    let Some(to) = to.filter(|_| access.change) else {
        return Ok(Redirect::to(&format!("/appointments/{id}?changed=stale")).into_response());
    };
    let cancelled_by = match to {
        Status::Cancelled => {
            Some(CancelledBy::parse(&form.cancelled_by).unwrap_or(CancelledBy::Worker))
        }
        _ => None,
    };
    let org = organisation(&signed_in)?;
    let me = signed_in.actor.user_id;
    let t = &ctx.t;
    let summary = format!("{} — {}", when(t, &a, &signed_in), place_label(t, a.place()));
    let mut tx = state.db.begin_write().await?;
    let changed = store::appointments::change_status(
        &mut tx,
        org,
        &a,
        form.version,
        to,
        cancelled_by,
        &summary,
        me,
        Ts::now(),
    )
    .await?;
    if !changed {
        drop(tx);
        return Ok(Redirect::to(&format!("/appointments/{id}?changed=stale")).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("appointment", a.id)
        .detail("status", to.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    // Done: the note of the meeting, prefilled, for those who write the case's notes.
    if let (Status::Done, Some(case)) = (to, a.case()) {
        let writes = crate::chrome::allows(policy::NOTE_WRITERS, &signed_in)
            && crate::cases::access_or_none(&state, &signed_in, case).await?.write;
        if writes {
            return Ok(
                Redirect::to(&format!("/cases/{case}/notes/new?appointment={id}")).into_response()
            );
        }
    }
    Ok(Redirect::to(&format!("/appointments/{id}?changed={}", to.as_str())).into_response())
}

// ---------------------------------------------------------------------------------------------
// iCalendar.

/// The event of an appointment for a calendar: names and purpose only when `names` (the
/// worker opted in), else initials and the kind of place.
pub(super) fn ics_event(t: &Tr, a: &Appointment, names: bool, host: &str) -> IcsEvent {
    let who = a
        .person_name()
        .map(|n| if names { n } else { rules::initials(&n) })
        .unwrap_or_else(|| t.msg("appointment-slot"));
    IcsEvent {
        uid: format!("{}@{host}", a.id),
        starts: a.starts_at.get(),
        ends: a.ends_at.get(),
        summary: format!("{} — {who}", place_label(t, a.place())),
        location: a.place_detail.clone().filter(|_| names),
        description: a.purpose.clone().filter(|_| names),
        cancelled: a.status() == Status::Cancelled,
        sequence: a.version,
    }
}

pub(super) fn ics_response(body: String, file: &str, attachment: bool) -> Response {
    let disposition = if attachment {
        format!("attachment; filename=\"{file}\"")
    } else {
        format!("inline; filename=\"{file}\"")
    };
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// One appointment as an `.ics` file, for the user's own calendar: with names only if they
/// chose names for their feed.
pub async fn download(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (a, access) = load(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let feed = store::appointments::active_feed(&state.db, org, signed_in.actor.user_id).await?;
    let names = access.details && feed.is_some_and(|f| f.show_names);
    let event = ics_event(&ctx.t, &a, names, "passerelle");
    let body = rules::ics(&ctx.t.msg("agenda-title"), &[event], time::OffsetDateTime::now_utc());
    Ok(ics_response(body, "rendez-vous.ics", true))
}

// ---------------------------------------------------------------------------------------------
// The case page's panel.

/// The case's coming appointments and whether the user may book one.
#[derive(Default)]
pub struct CaseAppointments {
    pub upcoming: Vec<(String, String, String)>,
    pub can_book: bool,
}

/// The next appointments of a case (href, when, with whom and where), for a user with `access`.
pub async fn case_appointments(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    case: CaseId,
    access: &CaseAccess,
) -> Result<CaseAppointments, WebError> {
    if policy::check(policy::AGENDA_USERS, Some(&signed_in.actor)) != policy::Decision::Allow {
        return Ok(CaseAppointments::default());
    }
    let org = organisation(signed_in)?;
    let now = Ts::now();
    let upcoming = store::appointments::of_case(&state.db, org, case)
        .await?
        .into_iter()
        .filter(|a| a.status() == Status::Planned && a.ends_at >= now)
        .rev()
        .take(5)
        .map(|a| {
            (
                format!("/appointments/{}", a.id),
                when(t, &a, signed_in),
                format!("{} — {}", a.worker_name, place_label(t, a.place())),
            )
        })
        .collect();
    Ok(CaseAppointments { upcoming, can_book: access.metadata && !access.emergency })
}
