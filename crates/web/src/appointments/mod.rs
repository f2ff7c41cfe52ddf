//! Appointments and calendars (issue 9, slice b): booking with a conflict check (from a case,
//! for a person, or an office-hour slot repeated weekly), the week and day views of a
//! worker's or a team's calendar, an appointment's page where it is marked done (which opens
//! a note), missed or cancelled (each on the case's timeline), its `.ics` download, and each
//! worker's private iCalendar feed behind a secret, revocable URL.
//!
//! Who sees what is [`domain::policy::appointment_access`]: colleagues see when others are
//! busy and with whom, the details are for those who follow; feeds show initials only unless
//! their owner chose names.

mod agenda;
mod feed;
mod pages;
mod reminder;
mod show;

use domain::policy::{AGENDA_USERS, Rule};

pub use agenda::{TodayLine, today_for};
pub use show::{CaseAppointments, case_appointments};

use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/agenda", AGENDA_USERS, agenda::show)
        .get("/agenda/feed", AGENDA_USERS, feed::show)
        .post("/agenda/feed", AGENDA_USERS, feed::create)
        .post("/agenda/feed/revoke", AGENDA_USERS, feed::revoke)
        // The feed itself: a calendar application fetches it with the secret in the URL,
        // without a session. The log shows the route's pattern, never the token.
        .get("/calendar/{token}", Rule::Public, feed::calendar)
        .get("/appointments/new", AGENDA_USERS, pages::new_form)
        .post("/appointments/new", AGENDA_USERS, pages::book)
        .get("/appointments/{appointment_id}", AGENDA_USERS, show::show)
        .post("/appointments/{appointment_id}/status", AGENDA_USERS, show::change_status)
        .post("/appointments/{appointment_id}/reminder", AGENDA_USERS, reminder::change)
        .get("/appointments/{appointment_id}/ics", AGENDA_USERS, show::download)
}
