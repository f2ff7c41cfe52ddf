//! The reminder itself, in the language chosen at booking: a short SMS (the organisation,
//! the day, the time, how it takes place — no purpose, no worker, nothing of the case: a
//! phone is often shared) and an e-mail saying the same with the letterhead.

use askama::Template;
use domain::appointments::Place;
use time::PrimitiveDateTime;

use crate::i18n::Tr;
use crate::mail::OutgoingEmail;
use crate::mail::compose::Letterhead;

/// What the reminder says, whichever way it goes.
pub struct Reminder<'a> {
    pub organisation: &'a str,
    /// The start, in the organisation's calendar.
    pub local_start: PrimitiveDateTime,
    pub place: Place,
}

fn day(t: &Tr, d: time::Date) -> String {
    let weekday = format!("{:?}", d.weekday()).to_lowercase();
    t.msg_args(
        "agenda-day",
        &[
            ("weekday", &t.msg(&format!("weekday-{weekday}"))),
            ("date", &domain::persons::french_date(d)),
        ],
    )
}

/// The sentence both messages carry.
pub fn sentence(t: &Tr, r: &Reminder<'_>) -> String {
    t.msg_args(
        "reminder-text",
        &[
            ("organisation", r.organisation),
            ("day", &day(t, r.local_start.date())),
            ("time", &domain::cases::hh_mm(r.local_start.time())),
            ("place", &t.msg(&format!("reminder-place-{}", r.place.as_str().replace('_', "-")))),
        ],
    )
}

/// The SMS: the sentence alone.
pub fn sms(t: &Tr, r: &Reminder<'_>) -> String {
    sentence(t, r)
}

struct Parts<'a> {
    lang: &'static str,
    subject: &'a str,
    greeting: &'a str,
    text: &'a str,
    letterhead: &'a Letterhead,
    why: &'a str,
}

#[derive(Template)]
#[template(path = "mail/reminder.html")]
struct HtmlReminder<'a> {
    p: &'a Parts<'a>,
}

#[derive(Template)]
#[template(path = "mail/reminder.txt")]
struct TextReminder<'a> {
    p: &'a Parts<'a>,
}

/// The e-mail: greeting, the sentence, the letterhead and why the person receives it.
pub fn email(
    t: &Tr,
    to_address: &str,
    to_name: &str,
    r: &Reminder<'_>,
    letterhead: &Letterhead,
) -> OutgoingEmail {
    let subject = t.msg_args("reminder-subject", &[("organisation", r.organisation)]);
    let greeting = t.msg_args("reminder-greeting", &[("name", to_name)]);
    let text = sentence(t, r);
    let why = t.msg("reminder-why");
    let parts = Parts {
        lang: t.locale().tag(),
        subject: &subject,
        greeting: &greeting,
        text: &text,
        letterhead,
        why: &why,
    };
    OutgoingEmail {
        to_address: to_address.to_owned(),
        to_name: to_name.to_owned(),
        lang: parts.lang,
        subject: subject.clone(),
        text: TextReminder { p: &parts }.render().unwrap_or_else(|_| text.clone()),
        html: HtmlReminder { p: &parts }.render().unwrap_or_default(),
    }
}
