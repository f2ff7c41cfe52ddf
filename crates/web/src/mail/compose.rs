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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::i18n::{I18n, Locale};

    fn urgency() -> Notification {
        Notification {
            id: uuid::Uuid::nil(),
            kind: "urgency_raised".into(),
            organisation_name: Some("CCAS de Valbourg".into()),
            actor_name: Some("Karim Benali".into()),
            details: Some("imminent_eviction".into()),
            created_at: Ts::from(time::macros::datetime!(2026-03-02 09:05 UTC)),
            read_at: None,
        }
    }

    #[test]
    fn the_text_version_reads_as_a_letter_with_its_letterhead_and_links() {
        let t = Tr::new(Arc::new(I18n::load()), Locale::Fr);
        let letterhead = Letterhead {
            organisation: Some("CCAS de Valbourg".into()),
            address_lines: vec!["1 place de la Mairie".into(), "12000 Valbourg".into()],
            signatory: Some("La directrice".into()),
            footer: Some("Accueil du lundi au vendredi".into()),
            time_zone: Some("Europe/Paris".into()),
        };
        let to = To { address: "claire@example.org", name: "Claire Fontaine" };
        let email = notification(&t, &to, &urgency(), &letterhead, "https://p.example.org/");
        assert_eq!(
            email.text,
            "CCAS de Valbourg\n1 place de la Mairie\n12000 Valbourg\n\nBonjour Claire Fontaine,\n\n\
             Vous avez une nouvelle notification dans Passerelle :\n\n- 2026-03-02 10:05 CET\n  \
             Karim Benali a signalé une urgence dans CCAS de Valbourg : Expulsion imminente. \
             Voir la file de l'équipe.\n\nOuvrir mes notifications dans Passerelle\n\
             https://p.example.org/notifications\n\nLa directrice\n\n--\nAccueil du lundi au \
             vendredi\nVous recevez cet e-mail parce que vous l'avez demandé dans votre compte. \
             Pour changer ce que vous recevez :\nhttps://p.example.org/account/notifications"
        );
    }

    #[test]
    fn without_an_organisation_the_email_has_no_letterhead_and_names_the_app() {
        let t = Tr::new(Arc::new(I18n::load()), Locale::En);
        let to = To { address: "claire@example.org", name: "Claire" };
        let email = notification(&t, &to, &urgency(), &Letterhead::default(), "http://x");
        assert_eq!(email.subject, "New notification — Passerelle");
        assert!(email.text.starts_with("Hello Claire,"), "{}", email.text);
        assert!(!email.html.contains("<header"));
        // Times in UTC when no zone is known.
        assert!(email.text.contains("2026-03-02 09:05 UTC"), "{}", email.text);
    }
}
