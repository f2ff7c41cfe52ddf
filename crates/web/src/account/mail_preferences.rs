//! "Notifications by e-mail" in the account: for each kind of notification, in the app only,
//! also by e-mail at once, or also in a daily digest; and the language the e-mails are written
//! in. Saved in one transaction with an audit event when something changed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::mail::Delivery;
use serde::Deserialize;
use store::audit::NewAuditEvent;
use store::notifications::NotificationKind;
use store::{Ts, accounts, mail};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Locale;

/// One radio button.
pub struct Choice {
    pub id: String,
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

/// One kind of notification and its three choices.
pub struct KindLine {
    pub code: &'static str,
    pub label: String,
    pub choices: Vec<Choice>,
}

/// A language the e-mails can be written in.
pub struct LanguageOption {
    pub tag: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/mail_preferences.html")]
pub struct PreferencesPage {
    chrome: Chrome,
    kinds: Vec<KindLine>,
    languages: Vec<LanguageOption>,
    mail_configured: bool,
    saved: bool,
}

#[derive(Deserialize)]
pub struct PageQuery {
    saved: Option<String>,
}

/// The languages e-mails are complete in (others would fall back to English anyway).
const MAIL_LOCALES: [Locale; 2] = [Locale::Fr, Locale::En];

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<PreferencesPage, WebError> {
    let user_id = signed_in.actor.user_id;
    let prefs = mail::preferences(&state.db, user_id).await?;
    let user = accounts::find_user(&state.db, user_id).await?.ok_or(WebError::NotFound)?;
    let t = &ctx.t;
    // Until chosen, e-mails come in the language the user reads Passerelle in now.
    let current = user
        .preferred_locale
        .as_deref()
        .and_then(Locale::from_tag)
        .filter(|l| MAIL_LOCALES.contains(l))
        .unwrap_or(if MAIL_LOCALES.contains(&t.locale()) { t.locale() } else { Locale::DEFAULT });
    let kinds = prefs
        .into_iter()
        .map(|(kind, chosen)| KindLine {
            code: kind.as_str(),
            label: t.msg(&format!("mail-kind-{}", kind.as_str())),
            choices: Delivery::ALL
                .into_iter()
                .map(|d| Choice {
                    id: format!("{}-{}", kind.as_str(), d.as_str()),
                    code: d.as_str(),
                    label: t.msg(&format!("mail-delivery-{}", d.as_str())),
                    checked: d == chosen,
                })
                .collect(),
        })
        .collect();
    let languages = MAIL_LOCALES
        .into_iter()
        .map(|l| LanguageOption {
            tag: l.tag(),
            label: t.msg(&format!("lang-{}", l.tag())),
            selected: l == current,
        })
        .collect();
    Ok(PreferencesPage {
        kinds,
        languages,
        mail_configured: state.config.mail.is_some(),
        saved: query.saved.is_some(),
        chrome: Chrome::new(ctx, &state, Nav::Account),
    })
}

/// Saves the choices sent; kinds or values not known are ignored (an old form, a crafted
/// one), a kind not sent keeps its choice.
pub async fn save(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let user_id = signed_in.actor.user_id;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let mut changed: Vec<String> = Vec::new();
    for (name, value) in &fields {
        let (Some(kind), Some(delivery)) =
            (name.strip_prefix("kind-").and_then(NotificationKind::parse), Delivery::parse(value))
        else {
            continue;
        };
        if mail::set_preference(&mut tx, user_id, kind, delivery, now).await? {
            changed.push(format!("{}={}", kind.as_str(), delivery.as_str()));
        }
    }
    if let Some(locale) = fields
        .iter()
        .find(|(k, _)| k == "language")
        .and_then(|(_, v)| Locale::from_tag(v))
        .filter(|l| MAIL_LOCALES.contains(l))
    {
        let user = accounts::find_user(&mut tx, user_id).await?.ok_or(WebError::NotFound)?;
        if user.preferred_locale.as_deref() != Some(locale.tag()) {
            mail::set_preferred_locale(&mut tx, user_id, locale.tag(), now).await?;
            changed.push(format!("language={}", locale.tag()));
        }
    }
    if !changed.is_empty() {
        // Codes only: which kinds went to which delivery, never an address.
        let event = NewAuditEvent::new(AuditAction::RecordUpdated, signed_in.actor.organisation())
            .by(user_id)
            .on("user", user_id.as_uuid())
            .detail("notification_preferences", changed.join(","));
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/account/notifications?saved=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_delivery_has_a_label_in_french_and_english() {
        let i18n = crate::i18n::I18n::load();
        for locale in MAIL_LOCALES {
            let keys = i18n.keys(locale);
            for kind in NotificationKind::ALL {
                let key = format!("mail-kind-{}", kind.as_str());
                assert!(keys.contains(&key), "{key} missing in {locale:?}");
            }
            for d in Delivery::ALL {
                let key = format!("mail-delivery-{}", d.as_str());
                assert!(keys.contains(&key), "{key} missing in {locale:?}");
            }
        }
    }
}
