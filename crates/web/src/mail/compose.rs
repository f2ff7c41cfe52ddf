//! The e-mails themselves: a notification, or a day's digest, in the recipient's language,
//! text and HTML (askama escapes every value in the HTML), with the organisation's letterhead
//! and links back to the app. They say what the notification says in the app, no more.

use askama::Template;
use store::Ts;
use store::notifications::Notification;
use store::organisations::SettingsRow;

use crate::i18n::Tr;

/// The sender's letterhead, from the organisation's settings.
#[derive(Debug, Clone, Default)]
pub struct Letterhead {
    pub organisation: Option<String>,
    pub address_lines: Vec<String>,
    pub signatory: Option<String>,
    pub footer: Option<String>,
    /// For the times shown (the organisation's zone).
    pub time_zone: Option<String>,
}

impl Letterhead {
    pub fn of(settings: Option<&SettingsRow>) -> Letterhead {
        let Some(s) = settings else { return Letterhead::default() };
        let non_empty = |v: &Option<String>| {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
        };
        Letterhead {
            organisation: Some(s.name.clone()),
            address_lines: s
                .letterhead_address
                .as_deref()
                .unwrap_or_default()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            signatory: non_empty(&s.letterhead_signatory),
            footer: non_empty(&s.letterhead_footer),
            time_zone: Some(s.time_zone.clone()),
        }
    }
}

/// One notification as the e-mail lists it.
pub struct Item {
    pub when: String,
    pub text: String,
}

/// What both versions of an e-mail are made of.
struct Parts<'a> {
    lang: &'static str,
    subject: &'a str,
    greeting: &'a str,
    intro: &'a str,
    items: &'a [Item],
    open_link: &'a str,
    open_label: &'a str,
    letterhead: &'a Letterhead,
    why: &'a str,
    preferences_link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlMail<'a> {
    p: &'a Parts<'a>,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextMail<'a> {
    p: &'a Parts<'a>,
}

/// The recipient as the e-mail greets them.
pub struct To<'a> {
    pub address: &'a str,
    pub name: &'a str,
}

/// The e-mail of one notification.
pub fn notification(
    t: &Tr,
    to: &To<'_>,
    n: &Notification,
    letterhead: &Letterhead,
    base_url: &str,
) -> super::OutgoingEmail {
    let organisation = letterhead.organisation.clone().unwrap_or_else(|| t.msg("app-name"));
    let subject = t.msg_args("mail-notification-subject", &[("organisation", &organisation)]);
    let intro = t.msg("mail-notification-intro");
    let items = [item(t, n, letterhead)];
    build(t, to, &subject, &intro, &items, letterhead, base_url)
}

/// The e-mail of a day's digest (`notifications` not empty).
pub fn digest(
    t: &Tr,
    to: &To<'_>,
    notifications: &[Notification],
    letterhead: &Letterhead,
    base_url: &str,
) -> super::OutgoingEmail {
    let count = notifications.len() as i64;
    let subject = t.msg_count("mail-digest-subject", &count);
    let intro = t.msg_count("mail-digest-intro", &count);
    let items: Vec<Item> = notifications.iter().map(|n| item(t, n, letterhead)).collect();
    build(t, to, &subject, &intro, &items, letterhead, base_url)
}

fn item(t: &Tr, n: &Notification, letterhead: &Letterhead) -> Item {
    Item {
        when: crate::dates::local_minutes(n.created_at, letterhead.time_zone.as_deref()),
        text: crate::notifications::text(t, n),
    }
}

fn build(
    t: &Tr,
    to: &To<'_>,
    subject: &str,
    intro: &str,
    items: &[Item],
    letterhead: &Letterhead,
    base_url: &str,
) -> super::OutgoingEmail {
    let base = base_url.trim_end_matches('/');
    let open_link = format!("{base}/notifications");
    let preferences_link = format!("{base}/account/notifications");
    let greeting = t.msg_args("mail-greeting", &[("name", to.name)]);
    let why = t.msg("mail-why");
    let open_label = t.msg("mail-open-app");
    let parts = Parts {
        lang: t.lang(),
        subject,
        greeting: &greeting,
        intro,
        items,
        open_link: &open_link,
        open_label: &open_label,
        letterhead,
        why: &why,
        preferences_link: &preferences_link,
    };
    // The templates have no fallible parts beyond formatting into a String.
    let html = HtmlMail { p: &parts }.render().expect("the HTML e-mail renders");
    let text = TextMail { p: &parts }.render().expect("the text e-mail renders");
    super::OutgoingEmail {
        to_address: to.address.to_owned(),
        to_name: to.name.to_owned(),
        lang: t.lang(),
        subject: subject.to_owned(),
        text,
        html,
    }
}

/// `ts` as a UTC date, for digest keys.
pub fn utc_day(ts: Ts) -> time::Date {
    ts.get().date()
}
