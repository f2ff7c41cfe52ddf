//! The calendar: a worker's or a team's week (or one day), as a list per day — readable by a
//! screen reader and on a phone, in columns on a wide screen — and today's appointments for
//! "my day".

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use domain::TeamId;
use domain::appointments::{self as rules, Status};
use domain::policy;
use domain::{OrganisationId, UserId};
use serde::Deserialize;
use store::Ts;
use store::appointments::{Appointment, Calendar};
use uuid::Uuid;

use super::pages::{Choice, day_label, local_time, organisation, place_label, status_label, zone};
use crate::AppState;
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// One appointment of a calendar.
pub struct Line {
    pub href: String,
    pub time: String,
    pub worker: Option<String>,
    pub with: String,
    pub place: String,
    /// "Done", "Cancelled by the person"... when not planned.
    pub status: Option<String>,
    pub status_code: &'static str,
    pub purpose: Option<String>,
}

pub struct Day {
    pub label: String,
    pub id: String,
    /// `yyyy-mm-dd`, for the link to the day.
    pub iso: String,
    pub today: bool,
    pub weekend: bool,
    pub lines: Vec<Line>,
}

#[derive(Template, WebTemplate)]
#[template(path = "appointments/agenda.html")]
pub struct AgendaPage {
    chrome: Chrome,
    heading: String,
    days: Vec<Day>,
    whos: Vec<Choice>,
    who: String,
    week: String,
    previous: String,
    next: String,
    this_week: String,
    day_view: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct AgendaQuery {
    week: Option<String>,
    day: Option<String>,
    who: Option<String>,
    booked: Option<String>,
}

enum Who {
    Worker(UserId, String),
    Team(TeamId, String),
}

async fn whose(
    state: &AppState,
    t: &Tr,
    org: OrganisationId,
    signed_in: &SignedIn,
    typed: &str,
) -> Result<(Who, Vec<Choice>), WebError> {
    let me = signed_in.actor.user_id;
    let colleagues = store::tasks::colleagues(&state.db, org).await?;
    let teams = store::teams::list_for_organisation(&state.db, org).await?;
    let chosen = if let Some(team) = typed.strip_prefix("team-") {
        let id = team.parse::<TeamId>().ok();
        teams.iter().find(|t| Some(t.id) == id).map(|t| Who::Team(t.id, t.name.clone()))
    } else {
        let id = typed.parse::<Uuid>().ok().map(UserId::from_uuid).unwrap_or(me);
        colleagues.iter().find(|c| c.user_id == id).map(|c| Who::Worker(c.user_id, c.name.clone()))
    };
    let chosen = chosen.unwrap_or_else(|| Who::Worker(me, signed_in.display_name.clone()));
    let code = match &chosen {
        Who::Worker(u, _) => u.to_string(),
        Who::Team(t, _) => format!("team-{t}"),
    };
    let mut choices: Vec<Choice> = colleagues
        .iter()
        .map(|c| Choice {
            code: c.user_id.to_string(),
            label: if c.user_id == me {
                t.msg_args("task-assignee-me", &[("name", &c.name)])
            } else {
                c.name.clone()
            },
            selected: c.user_id.to_string() == code,
        })
        .collect();
    choices.extend(teams.iter().map(|tm| Choice {
        code: format!("team-{}", tm.id),
        label: t.msg_args("agenda-team", &[("name", &tm.name)]),
        selected: format!("team-{}", tm.id) == code,
    }));
    Ok((chosen, choices))
}

/// The UTC instant local midnight of `d` is.
fn midnight(d: time::Date, signed_in: &SignedIn) -> Ts {
    crate::dates::local_to_utc(d.midnight(), zone(signed_in))
        .unwrap_or_else(|| Ts::from(d.midnight().assume_utc()))
}

fn line(t: &Tr, signed_in: &SignedIn, a: &Appointment, team: bool) -> Line {
    let org = signed_in.actor.organisation();
    let access = org
        .map(|o| {
            let by = a.created_by.map(UserId::from_uuid);
            policy::appointment_access(&signed_in.actor, o, a.worker_id, by, None)
        })
        .unwrap_or_default();
    let status = a.status();
    Line {
        href: format!("/appointments/{}", a.id),
        time: format!(
            "{}–{}",
            local_time(a.starts_at, signed_in),
            local_time(a.ends_at, signed_in)
        ),
        worker: team.then(|| a.worker_name.clone()),
        with: a.person_name().unwrap_or_else(|| t.msg("appointment-slot")),
        place: place_label(t, a.place()),
        status: (status != Status::Planned).then(|| status_label(t, a)),
        status_code: status.as_str(),
        purpose: a.purpose.clone().filter(|_| access.details),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<AgendaQuery>,
) -> Result<AgendaPage, WebError> {
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let today = store::ts::local_today(Ts::now(), zone(&signed_in));
    let parse = |s: &Option<String>| {
        s.as_deref().and_then(|d| domain::persons::parse_date(d).ok().flatten())
    };
    let day = parse(&q.day);
    let anchor = day.or(parse(&q.week)).unwrap_or(today);
    let monday = rules::week_start(anchor);
    let (who, whos) = whose(&state, t, org, &signed_in, q.who.as_deref().unwrap_or("")).await?;
    let (calendar, heading, team) = match &who {
        Who::Worker(u, name) => (Calendar::Worker(*u), name.clone(), false),
        Who::Team(tm, name) => {
            (Calendar::Team(*tm), t.msg_args("agenda-team", &[("name", name)]), true)
        }
    };
    let dates: Vec<time::Date> = match day {
        Some(d) => vec![d],
        None => rules::week_days(monday).to_vec(),
    };
    let from = midnight(dates[0], &signed_in);
    let until = midnight(dates[dates.len() - 1] + time::Duration::days(1), &signed_in);
    let all = store::appointments::between(&state.db, org, calendar, from, until).await?;
    let days = dates
        .iter()
        .map(|d| {
            let lines: Vec<Line> = all
                .iter()
                .filter(|a| crate::dates::utc_to_local(a.starts_at, zone(&signed_in)).date() == *d)
                .map(|a| line(t, &signed_in, a, team))
                .collect();
            Day {
                label: day_label(t, *d),
                id: format!("day-{}", domain::persons::iso_date(*d)),
                iso: domain::persons::iso_date(*d),
                today: *d == today,
                weekend: rules::weekend(*d),
                lines,
            }
        })
        // The weekend only when something is booked then.
        .filter(|d| day.is_some() || !d.lines.is_empty() || !d.weekend)
        .collect();
    let code = match &who {
        Who::Worker(u, _) => u.to_string(),
        Who::Team(tm, _) => format!("team-{tm}"),
    };
    let week_href =
        |d: time::Date| format!("/agenda?week={}&who={code}", domain::persons::iso_date(d));
    Ok(AgendaPage {
        heading,
        days,
        whos,
        who: code.clone(),
        week: domain::persons::iso_date(monday),
        previous: week_href(monday - time::Duration::weeks(1)),
        next: week_href(monday + time::Duration::weeks(1)),
        this_week: week_href(today),
        day_view: day.is_some(),
        notice: q.booked.map(|_| t.msg("appointment-notice-booked")),
        chrome: Chrome::new(ctx, &state, Nav::Agenda),
    })
}

/// One of today's appointments on "my day".
pub struct TodayLine {
    pub href: String,
    pub time: String,
    pub with: String,
    pub place: String,
    pub status: Option<String>,
}

/// The user's appointments of today (in the organisation's calendar), cancelled ones left out.
pub async fn today_for(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
) -> Result<Vec<TodayLine>, WebError> {
    let org = organisation(signed_in)?;
    let today = store::ts::local_today(Ts::now(), zone(signed_in));
    let from = midnight(today, signed_in);
    let until = midnight(today + time::Duration::days(1), signed_in);
    let me = Calendar::Worker(signed_in.actor.user_id);
    Ok(store::appointments::between(&state.db, org, me, from, until)
        .await?
        .iter()
        .filter(|a| a.status() != Status::Cancelled)
        .map(|a| {
            let l = line(t, signed_in, a, false);
            TodayLine { href: l.href, time: l.time, with: l.with, place: l.place, status: l.status }
        })
        .collect())
}
