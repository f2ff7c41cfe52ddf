//! Booking, an appointment's page and its status, its `.ics` download, and the case page's
//! panel of appointments.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::appointments::{self as rules, AppointmentInput, Place, Problem, Status};
use domain::audit::AuditAction;
use domain::policy::{self, AppointmentAccess};
use domain::{CaseId, OrganisationId, PersonId, UserId};
use serde::Deserialize;
use store::Ts;
use store::appointments::{Appointment, NewAppointment};
use store::audit::NewAuditEvent;
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

use super::reminder::{self, ReminderChoices};

pub(super) fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

pub(super) fn zone(signed_in: &SignedIn) -> Option<&str> {
    signed_in.time_zone.as_deref()
}

/// `hh:mm` of an instant in the organisation's calendar.
pub(super) fn local_time(ts: Ts, signed_in: &SignedIn) -> String {
    domain::cases::hh_mm(crate::dates::utc_to_local(ts, zone(signed_in)).time())
}

pub(super) fn place_label(t: &Tr, place: Place) -> String {
    t.msg(&format!("appointment-place-{}", place.as_str().replace('_', "-")))
}

pub(super) fn status_label(t: &Tr, a: &Appointment) -> String {
    match (a.status(), a.cancelled_by.as_deref()) {
        (Status::Cancelled, Some(by)) => t.msg(&format!("appointment-cancelled-by-{by}")),
        (s, _) => t.msg(&format!("appointment-status-{}", s.as_str())),
    }
}

/// An appointment of the organisation the user may see, with their access.
pub(super) async fn load(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<(Appointment, AppointmentAccess), WebError> {
    let org = organisation(signed_in)?;
    let a = store::appointments::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    // An appointment with a person of the restricted archive, as their page (ADR 0040).
    if let Some(person) = a.person_id.map(domain::PersonId::from_uuid) {
        crate::privacy::unless_archived(state, org, person, signed_in.actor.user_id).await?;
    }
    let case = match a.case() {
        Some(c) => Some(crate::cases::access_or_none(state, signed_in, c).await?),
        None => None,
    };
    let created_by = a.created_by.map(UserId::from_uuid);
    let access =
        policy::appointment_access(&signed_in.actor, org, a.worker_id, created_by, case.as_ref());
    if !access.see {
        return Err(WebError::NotFound);
    }
    Ok((a, access))
}

/// Whether the appointment's day has come (in the organisation's calendar): from then on it
/// may be marked done or missed — back from a visit booked for later that day, or the person
/// who called to say they will not come.
pub(super) fn day_has_come(a: &Appointment, signed_in: &SignedIn) -> bool {
    let today = store::ts::local_today(Ts::now(), zone(signed_in));
    crate::dates::utc_to_local(a.starts_at, zone(signed_in)).date() <= today
}

/// "Tuesday 1 December 2026, 14:30–15:15" style, in the organisation's calendar.
pub(super) fn when(t: &Tr, a: &Appointment, signed_in: &SignedIn) -> String {
    let local = crate::dates::utc_to_local(a.starts_at, zone(signed_in));
    t.msg_args(
        "appointment-when",
        &[
            ("day", &day_label(t, local.date())),
            ("start", &local_time(a.starts_at, signed_in)),
            ("end", &local_time(a.ends_at, signed_in)),
        ],
    )
}

/// "Mardi 01/12/2026, 14:30": an instant in the organisation's calendar.
pub(super) fn when_ts(t: &Tr, ts: Ts, signed_in: &SignedIn) -> String {
    let local = crate::dates::utc_to_local(ts, zone(signed_in));
    format!("{}, {}", day_label(t, local.date()), local_time(ts, signed_in))
}

/// "Mardi 01/12/2026".
pub(super) fn day_label(t: &Tr, d: time::Date) -> String {
    let weekday = format!("{:?}", d.weekday()).to_lowercase();
    t.msg_args(
        "agenda-day",
        &[
            ("weekday", &t.msg(&format!("weekday-{weekday}"))),
            ("date", &domain::persons::french_date(d)),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// Booking.

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BookingForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    place_detail: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    repeat: String,
    #[serde(default)]
    worker: String,
    #[serde(default)]
    case_id: String,
    #[serde(default)]
    person_id: String,
    /// Ticked after the conflicts were shown: book anyway.
    #[serde(default)]
    confirm: Option<String>,
    /// How the person is reminded (`sms`, `email`, or none) and in which language.
    #[serde(default)]
    remind_by: String,
    #[serde(default)]
    remind_locale: String,
}

impl BookingForm {
    fn input(&self) -> AppointmentInput {
        AppointmentInput {
            date: self.date.clone(),
            time: self.time.clone(),
            duration: self.duration.clone(),
            place: self.place.clone(),
            place_detail: self.place_detail.clone(),
            purpose: self.purpose.clone(),
            repeat: self.repeat.clone(),
        }
    }
}

pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "appointments/form.html")]
pub struct FormPage {
    chrome: Chrome,
    form: BookingForm,
    /// Who it is with: (their page, name), or nobody (an office-hour slot).
    with: Option<(String, String)>,
    /// The case's page, when booked from a case.
    case_href: Option<String>,
    workers: Vec<crate::tasks::ColleagueChoice>,
    places: Vec<Choice>,
    errors: Vec<(&'static str, String)>,
    /// Appointments of the worker the booking overlaps: (when, what).
    conflicts: Vec<(String, String)>,
    /// The reminder to the person, when the booking is with someone.
    reminder: Option<ReminderChoices>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

fn problem(t: &Tr, p: Problem) -> String {
    match p {
        Problem::DateRequired => t.msg("appointment-error-date-required"),
        Problem::DateInvalid => t.msg("appointment-error-date-invalid"),
        Problem::TimeRequired => t.msg("appointment-error-time-required"),
        Problem::TimeInvalid => t.msg("appointment-error-time-invalid"),
        Problem::InPast => t.msg("appointment-error-past"),
        Problem::TooFar { years } => {
            t.msg_args("appointment-error-far", &[("years", &years.to_string())])
        }
        Problem::DurationInvalid { min, max } => t.msg_args(
            "appointment-error-duration",
            &[("min", &min.to_string()), ("max", &max.to_string())],
        ),
        Problem::PlaceRequired => t.msg("appointment-error-place"),
        Problem::TooLong { max } => {
            t.msg_args("appointment-error-too-long", &[("max", &max.to_string())])
        }
        Problem::RepeatInvalid { max } => {
            t.msg_args("appointment-error-repeat", &[("max", &max.to_string())])
        }
    }
}

/// Who the booking is with and on which case, as the user may book them: a case they may see
/// (not by an emergency grant), else a person they may find, else nobody.
struct Subject {
    case: Option<store::cases::Case>,
    person: Option<(PersonId, String)>,
}

async fn subject(
    state: &AppState,
    signed_in: &SignedIn,
    case: &str,
    person: &str,
) -> Result<Subject, WebError> {
    let org = organisation(signed_in)?;
    let case = match case.trim() {
        "" => None,
        c => {
            let id: CaseId = c.parse().map_err(|_| WebError::NotFound)?;
            let loaded = crate::cases::load(state, signed_in, id).await?;
            if loaded.access.emergency {
                return Err(WebError::NotFound);
            }
            Some(loaded.case)
        }
    };
    let person_id = match (&case, person.trim()) {
        (Some(c), _) => Some(c.person_id),
        (None, "") => None,
        (None, p) => {
            if !policy::person_access(&signed_in.actor).find {
                return Err(WebError::NotFound);
            }
            Some(p.parse::<PersonId>().map_err(|_| WebError::NotFound)?)
        }
    };
    let person = match person_id {
        Some(id) => {
            let p = store::persons::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
            Some((id, p.record.display_name()))
        }
        None => None,
    };
    Ok(Subject { case, person })
}

fn place_choices(t: &Tr, chosen: &str) -> Vec<Choice> {
    Place::ALL
        .into_iter()
        .map(|p| Choice {
            code: p.as_str().to_owned(),
            label: place_label(t, p),
            selected: p.as_str() == chosen,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // The page and what a refused form said.
async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    subject: &Subject,
    form: BookingForm,
    errors: Vec<(&'static str, String)>,
    conflicts: Vec<(String, String)>,
) -> Result<FormPage, WebError> {
    let org = organisation(signed_in)?;
    let t = &ctx.t;
    let workers =
        crate::tasks::colleague_choices(state, t, org, signed_in.actor.user_id, &form.worker)
            .await?;
    let places = place_choices(t, &form.place);
    let finds = policy::person_access(&signed_in.actor).find;
    let reminder = match &subject.person {
        Some((p, _)) => {
            let contact = reminder::contact(state, org, *p).await?;
            Some(reminder::choices(state, t, &contact, &form.remind_by, &form.remind_locale))
        }
        None => None,
    };
    Ok(FormPage {
        reminder,
        with: subject.person.as_ref().map(|(id, name)| {
            (if finds { format!("/persons/{id}") } else { String::new() }, name.clone())
        }),
        case_href: subject.case.as_ref().map(|c| format!("/cases/{}", c.id)),
        form,
        workers,
        places,
        errors,
        conflicts,
        chrome: Chrome::new(ctx, state, Nav::Agenda),
    })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    case: Option<String>,
    person: Option<String>,
    date: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<NewQuery>,
) -> Result<FormPage, WebError> {
    let subject = subject(
        &state,
        &signed_in,
        q.case.as_deref().unwrap_or(""),
        q.person.as_deref().unwrap_or(""),
    )
    .await?;
    let form = BookingForm {
        date: q.date.filter(|d| domain::persons::parse_date(d).is_ok()).unwrap_or_default(),
        duration: "60".to_owned(),
        place: Place::Office.as_str().to_owned(),
        case_id: subject.case.as_ref().map(|c| c.id.to_string()).unwrap_or_default(),
        person_id: subject.person.as_ref().map(|(p, _)| p.to_string()).unwrap_or_default(),
        remind_locale: ctx.t.locale().tag().to_owned(),
        ..Default::default()
    };
    form_page(&state, ctx, &signed_in, &subject, form, vec![], vec![]).await
}

pub async fn book(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<BookingForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let me = signed_in.actor.user_id;
    let subject = subject(&state, &signed_in, &form.case_id, &form.person_id).await?;
    let now_local = crate::dates::utc_to_local(Ts::now(), zone(&signed_in));
    let parsed = rules::parse(&form.input(), now_local);
    // The worker: a member with a calendar (the desk books for others).
    let worker = match form.worker.trim() {
        "" => Some(me),
        w => match w.parse::<Uuid>().ok().map(UserId::from_uuid) {
            Some(u) => store::tasks::member_actor(&state.db, org, u)
                .await?
                .filter(|a| policy::check(policy::AGENDA_USERS, Some(a)) == policy::Decision::Allow)
                .map(|_| u),
            None => None,
        },
    };
    let contact = match &subject.person {
        Some((p, _)) => Some(reminder::contact(&state, org, *p).await?),
        None => None,
    };
    let remind = reminder::parse(&ctx.t, contact.as_ref(), &form.remind_by, &form.remind_locale);
    let booking = match (parsed, worker, &remind) {
        (Ok(b), Some(_), Ok(_)) => b,
        (parsed, worker, remind) => {
            let mut problems: Vec<(&'static str, String)> = parsed
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|(f, p)| (f, problem(&ctx.t, p)))
                .collect();
            if worker.is_none() {
                problems.push(("worker", ctx.t.msg("appointment-error-worker")));
            }
            if let Err(e) = remind {
                problems.push(("remind_by", e.clone()));
            }
            let page = form_page(&state, ctx, &signed_in, &subject, form, problems, vec![]).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let worker = worker.unwrap_or(me);
    let spans: Vec<(Ts, Ts)> = booking
        .occurrences()
        .into_iter()
        .filter_map(|start| {
            let s = crate::dates::local_to_utc(start, zone(&signed_in))?;
            Some((s, Ts::from(s.get() + time::Duration::minutes(booking.minutes))))
        })
        .collect();
    if form.confirm.is_none() {
        let conflicts =
            store::appointments::conflicts(&state.db, org, worker, &spans, None).await?;
        if !conflicts.is_empty() {
            let t = &ctx.t;
            let lines = conflicts
                .iter()
                .map(|c| {
                    let with = c.person_name().unwrap_or_else(|| t.msg("appointment-slot"));
                    (when(t, c, &signed_in), format!("{with} — {}", place_label(t, c.place())))
                })
                .collect();
            let page = form_page(&state, ctx, &signed_in, &subject, form, vec![], lines).await?;
            return Ok((StatusCode::CONFLICT, page).into_response());
        }
    }
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let new = NewAppointment {
        organisation_id: org,
        worker,
        person_id: subject.person.as_ref().map(|(p, _)| *p),
        case_id: subject.case.as_ref().map(|c| c.id),
        spans: &spans,
        place: booking.place,
        place_detail: booking.place_detail.as_deref(),
        purpose: booking.purpose.as_deref(),
        remind: remind.ok().flatten(),
        by: me,
    };
    let ids = store::appointments::book(&mut tx, &new, now).await?;
    let mut event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("appointment", ids[0])
        .detail("worker", worker.to_string())
        .detail("occurrences", ids.len() as i64);
    if let Some(c) = &subject.case {
        event = event.detail("case", c.id.to_string());
    }
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let week = domain::persons::iso_date(booking.starts.date());
    Ok(Redirect::to(&format!("/agenda?week={week}&who={worker}&booked=1#agenda-notice"))
        .into_response())
}
