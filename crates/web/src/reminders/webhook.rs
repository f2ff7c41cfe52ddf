//! An SMS provider reached by an HTTP webhook: `POST` of `{"to", "text", "from"}` as JSON to
//! the configured URL, with `Authorization: Bearer <token>` when a token is configured. Most
//! SMS gateways (hosted, or a phone running a gateway app) take such a call, or a small relay
//! in front of them does. A 2xx answer is a send; anything else is an error naming the status
//! only (a gateway's reply may echo the number).

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::{OutgoingSms, SmsError, SmsFuture, SmsSender};

/// The webhook's settings, already checked (see the configuration in `passerelle`).
#[derive(Clone)]
pub struct SmsConfig {
    /// `https://…` (or `http://` for a gateway on the local network); a secret as a whole
    /// (providers put keys in URLs).
    pub url: SecretString,
    pub token: Option<SecretString>,
    /// The sender name or number the gateway shows, if it takes one.
    pub from: Option<String>,
}

impl std::fmt::Debug for SmsConfig {
    /// Never the URL's path or query, nor the token: the scheme and host only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &redacted(&self.url))
            .field("token", &self.token.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .finish()
    }
}

/// `scheme://host:port` of the URL, what logs and pages may show.
pub fn redacted(url: &SecretString) -> String {
    match reqwest::Url::parse(url.expose_secret()) {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme(),
            u.host_str().unwrap_or("?"),
            u.port().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        Err(_) => "(not a URL)".to_owned(),
    }
}

/// Whether `url` may be the webhook: http or https with a host, no user or password in it.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    let Ok(u) = reqwest::Url::parse(url) else {
        return Err("expected a URL such as https://sms.example.org/send");
    };
    if !matches!(u.scheme(), "http" | "https") {
        return Err("expected an http:// or https:// URL");
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host");
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err("put the secret in PASSERELLE_SMS_WEBHOOK_TOKEN, not in the URL");
    }
    Ok(())
}

pub struct WebhookSms {
    client: reqwest::Client,
    config: SmsConfig,
}

impl WebhookSms {
    pub fn new(config: SmsConfig) -> Result<WebhookSms, SmsError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SmsError(format!("the HTTP client could not start: {e}")))?;
        Ok(WebhookSms { client, config })
    }
}

impl SmsSender for WebhookSms {
    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SmsFuture<'a> {
        Box::pin(async move {
            let body = serde_json::json!({
                "to": sms.to,
                "text": sms.text,
                "from": self.config.from,
            });
            let mut request = self.client.post(self.config.url.expose_secret()).json(&body);
            if let Some(token) = &self.config.token {
                request = request.bearer_auth(token.expose_secret());
            }
            let answer = request.send().await.map_err(|e| {
                let why = if e.is_timeout() {
                    "timed out"
                } else if e.is_connect() {
                    "could not connect"
                } else {
                    "failed"
                };
                SmsError(format!("the SMS gateway {why}"))
            })?;
            let status = answer.status();
            if status.is_success() {
                Ok(())
            } else {
                Err(SmsError(format!("the SMS gateway answered {}", status.as_u16())))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webhook_url_must_be_http_with_a_host_and_no_password() {
        assert!(check_url("https://sms.example.org/send?account=7").is_ok());
        assert!(check_url("http://192.168.1.20:8080/message").is_ok());
        assert!(check_url("ftp://sms.example.org").is_err());
        assert!(check_url("sms.example.org").is_err());
        assert!(check_url("https://user:pw@sms.example.org").is_err());
    }

    #[test]
    fn the_configuration_never_shows_the_path_query_or_token() {
        let config = SmsConfig {
            url: SecretString::from("https://sms.example.org:8443/send?key=canary-key".to_owned()),
            token: Some(SecretString::from("canary-token".to_owned())),
            from: Some("CCAS".into()),
        };
        let shown = format!("{config:?}");
        assert!(shown.contains("https://sms.example.org:8443"), "{shown}");
        assert!(!shown.contains("canary"), "{shown}");
        assert!(!shown.contains("/send"), "{shown}");
    }
}
