//! The SMTP mailer (lettre over tokio, rustls on ring). `smtps://` speaks TLS from the first
//! byte (port 465); `smtp://` is plain unless the URL asks for STARTTLS with `?tls=required`
//! (or `?tls=opportunistic`), as lettre reads it.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use super::{MailConfig, MailError, Mailer, OutgoingEmail, SendFuture};

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Builds the transport; nothing connects until the first send. Errors never quote the
    /// URL.
    pub fn new(config: &MailConfig) -> Result<SmtpMailer, MailError> {
        let url = config.smtp_url.expose_secret();
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError(format!("PASSERELLE_SMTP_URL is not usable: {}", kind(&e))))?;
        if let Some(password) = &config.password {
            let user = user_of(url).ok_or_else(|| {
                MailError("a password file is set but PASSERELLE_SMTP_URL names no user".into())
            })?;
            builder =
                builder.credentials(Credentials::new(user, password.expose_secret().to_owned()));
        }
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|_| MailError("PASSERELLE_MAIL_FROM is not an e-mail address".into()))?;
        Ok(SmtpMailer { transport: builder.build(), from })
    }
}

/// The user part of the URL, percent-decoded as lettre does.
fn user_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (userinfo, _) = rest.rsplit_once('@')?;
    let user = userinfo.split(':').next()?;
    (!user.is_empty()).then(|| percent_decode(user))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What went wrong, without the server's reply text (it may echo addresses).
fn kind(e: &lettre::transport::smtp::Error) -> String {
    if e.is_transient() {
        format!("temporary SMTP error{}", code(e))
    } else if e.is_permanent() {
        format!("permanent SMTP error{}", code(e))
    } else if e.is_timeout() {
        "SMTP timeout".to_owned()
    } else if e.is_tls() {
        "TLS error with the SMTP server".to_owned()
    } else if e.is_client() {
        "SMTP client error (check PASSERELLE_SMTP_URL)".to_owned()
    } else {
        "SMTP connection error".to_owned()
    }
}

fn code(e: &lettre::transport::smtp::Error) -> String {
    e.status().map(|c| format!(" {c}")).unwrap_or_default()
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let to: Mailbox = format!("{} <{}>", quoted(&email.to_name), email.to_address)
                .parse()
                .or_else(|_| email.to_address.parse())
                .map_err(|_| MailError("the recipient's address is not valid".into()))?;
            let message = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(email.subject.clone())
                .multipart(MultiPart::alternative_plain_html(
                    email.text.clone(),
                    email.html.clone(),
                ))
                .map_err(|_| MailError("the message could not be built".into()))?;
            self.transport.send(message).await.map(|_| ()).map_err(|e| MailError(kind(&e)))
        })
    }
}

/// A display name as a quoted string, so commas and angle brackets in it stay in it.
fn quoted(name: &str) -> String {
    let clean: String =
        name.chars().filter(|c| !c.is_control()).map(|c| if c == '"' { '\'' } else { c }).collect();
    format!("\"{}\"", clean.replace('\\', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_is_read_from_the_url_percent_decoded() {
        assert_eq!(user_of("smtp://mailer@smtp.example.org").as_deref(), Some("mailer"));
        assert_eq!(
            user_of("smtps://a%40b.org:pw@smtp.example.org:465").as_deref(),
            Some("a@b.org")
        );
        assert_eq!(user_of("smtp://smtp.example.org"), None);
    }
}
