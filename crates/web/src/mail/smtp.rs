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

    /// A one-connection SMTP sink on loopback: answers like a server, keeps what it was told.
    async fn sink(rcpt_reply: &'static [u8]) -> (u16, tokio::task::JoinHandle<Vec<String>>) {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            let mut said = Vec::new();
            write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
            let mut in_data = false;
            while let Some(line) = lines.next_line().await.unwrap() {
                said.push(line.clone());
                let reply: &[u8] = if in_data {
                    if line == "." {
                        in_data = false;
                        b"250 queued\r\n"
                    } else {
                        continue;
                    }
                } else {
                    match line.split(' ').next().unwrap_or_default().to_ascii_uppercase().as_str() {
                        "EHLO" => b"250-sink\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
                        "AUTH" => b"235 authenticated\r\n",
                        "RCPT" => rcpt_reply,
                        "DATA" => {
                            in_data = true;
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    }
                };
                write.write_all(reply).await.unwrap();
            }
            said
        });
        (port, task)
    }

    #[tokio::test]
    async fn the_smtp_mailer_speaks_smtp_to_a_server_on_loopback() {
        use base64_sink::decode;
        let (port, task) = sink(b"250 ok\r\n").await;
        let config = MailConfig {
            smtp_url: secrecy::SecretString::from(format!("smtp://mailer@127.0.0.1:{port}")),
            password: Some(secrecy::SecretString::from("from-the-file".to_owned())),
            from: "Passerelle <passerelle@example.org>".into(),
        };
        let mailer = SmtpMailer::new(&config).unwrap();
        let email = OutgoingEmail {
            to_address: "camille@example.org".into(),
            to_name: "Camille, \"Martin\"".into(),
            lang: "fr",
            subject: "Nouvelle notification — CCAS".into(),
            text: "Bonjour Camille,\n\nUne urgence.".into(),
            html: "<p>Bonjour Camille,</p>".into(),
        };
        mailer.send(&email).await.unwrap();
        drop(mailer);
        let said = tokio::time::timeout(std::time::Duration::from_secs(5), task)
            .await
            .expect("the client ends the session")
            .unwrap();
        let all = said.join("\n");
        assert!(said[0].starts_with("EHLO "), "{all}");
        // AUTH PLAIN with the URL's user and the file's password.
        let auth = said.iter().find(|l| l.starts_with("AUTH PLAIN")).expect(&all);
        let plain = decode(auth.trim_start_matches("AUTH PLAIN ").trim());
        assert_eq!(plain, b"\0mailer\0from-the-file");
        assert!(
            said.contains(&"MAIL FROM:<passerelle@example.org>".to_owned())
                || all.contains("MAIL FROM:<passerelle@example.org>"),
            "{all}"
        );
        assert!(all.contains("RCPT TO:<camille@example.org>"), "{all}");
        assert!(all.contains("multipart/alternative"), "{all}");
        assert!(all.contains("text/plain") && all.contains("text/html"), "{all}");
        // The display name survives its comma and quotes (encoded, as headers want).
        let to = said.iter().find(|l| l.starts_with("To: ")).expect(&all);
        let encoded = to
            .trim_start_matches("To: =?utf-8?b?")
            .split_once("?=")
            .map(|(b64, _)| b64)
            .expect(&all);
        assert_eq!(decode(encoded), b"Camille, 'Martin'");
        assert!(to.ends_with("<camille@example.org>"), "{to}");
    }

    #[tokio::test]
    async fn a_refused_recipient_is_a_permanent_error_that_quotes_nothing_of_the_reply() {
        let (port, _task) = sink(b"550 5.1.1 <camille@example.org>: no such user\r\n").await;
        let config = MailConfig {
            smtp_url: secrecy::SecretString::from(format!("smtp://127.0.0.1:{port}")),
            password: None,
            from: "passerelle@example.org".into(),
        };
        let email = OutgoingEmail {
            to_address: "camille@example.org".into(),
            to_name: "Camille".into(),
            lang: "en",
            subject: "s".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
        };
        let e = SmtpMailer::new(&config).unwrap().send(&email).await.unwrap_err();
        assert_eq!(e.0, "permanent SMTP error 550");
    }

    /// Just enough base64 to read an AUTH PLAIN line (no dependency for a test).
    mod base64_sink {
        pub fn decode(s: &str) -> Vec<u8> {
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut bits = 0u32;
            let mut n = 0;
            let mut out = Vec::new();
            for c in s.bytes().filter(|&c| c != b'=') {
                let v = alphabet.iter().position(|&a| a == c).expect("base64") as u32;
                bits = (bits << 6) | v;
                n += 6;
                if n >= 8 {
                    n -= 8;
                    out.push((bits >> n) as u8);
                    bits &= (1 << n) - 1;
                }
            }
            out
        }
    }
}
