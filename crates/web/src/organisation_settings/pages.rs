use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::audit::AuditAction;
use domain::money::{self, Style};
use domain::organisations::{OrganisationSettings, SettingsInput, SettingsProblem};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::organisations::{self, SettingsRow};

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// The form's values as typed (or as stored), so a refused form keeps everything.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    require_second_factor: Option<String>,
    #[serde(default)]
    session_idle_minutes: String,
    #[serde(default)]
    session_absolute_hours: String,
    #[serde(default)]
    letterhead_address: String,
    #[serde(default)]
    letterhead_signatory: String,
    #[serde(default)]
    letterhead_footer: String,
    #[serde(default)]
    reminder_flag_hours: String,
    #[serde(default)]
    reminder_assessment_months: String,
    #[serde(default)]
    reminder_referral_days: String,
    #[serde(default)]
    reminder_mail_days: String,
    #[serde(default)]
    reminder_aid_days: String,
    #[serde(default)]
    budget_threshold: String,
    #[serde(default)]
    budget_day_divisor: String,
    #[serde(default)]
    statistics_threshold: String,
    #[serde(default)]
    version: i64,
}

impl SettingsForm {
    fn from_row(row: &SettingsRow, style: Style) -> SettingsForm {
        SettingsForm {
            name: row.name.clone(),
            time_zone: row.time_zone.clone(),
            require_second_factor: row.require_second_factor.then(|| "on".to_owned()),
            session_idle_minutes: row.session_idle_minutes.to_string(),
            session_absolute_hours: row.session_absolute_hours.to_string(),
            letterhead_address: row.letterhead_address.clone().unwrap_or_default(),
            letterhead_signatory: row.letterhead_signatory.clone().unwrap_or_default(),
            letterhead_footer: row.letterhead_footer.clone().unwrap_or_default(),
            reminder_flag_hours: row.reminder_flag_hours.to_string(),
            reminder_assessment_months: row.reminder_assessment_months.to_string(),
            reminder_referral_days: row.reminder_referral_days.to_string(),
            reminder_mail_days: row.reminder_mail_days.to_string(),
            reminder_aid_days: row.reminder_aid_days.to_string(),
            budget_threshold: row
                .budget_threshold_cents
                .map(|c| money::format_input(c, style))
                .unwrap_or_default(),
            budget_day_divisor: row.budget_day_divisor.to_string(),
            statistics_threshold: row.statistics_threshold.to_string(),
            version: row.version,
        }
    }

    fn requires_second_factor(&self) -> bool {
        self.require_second_factor.is_some()
    }
}

/// One field's error, translated, for the summary and the field.
pub struct FieldError {
    field: &'static str,
    message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "organisation_settings/index.html")]
pub struct SettingsPage {
    chrome: Chrome,
    form: SettingsForm,
    errors: Vec<FieldError>,
    saved: bool,
    /// Someone else saved meanwhile: what is stored now, beside what the user typed.
    conflict: Option<SettingsForm>,
}

impl SettingsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

#[derive(Deserialize)]
pub struct ShowQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<ShowQuery>,
) -> Result<SettingsPage, WebError> {
    let row = organisations::settings(&state.db, organisation(&signed_in)?)
        .await?
        .ok_or(WebError::NotFound)?;
    let form = SettingsForm::from_row(&row, ctx.t.money_style());
    Ok(SettingsPage {
        chrome: Chrome::new(ctx, &state, Nav::Admin),
        form,
        errors: vec![],
        saved: q.saved.is_some(),
        conflict: None,
    })
}

fn message(t: &Tr, problem: SettingsProblem) -> String {
    match problem {
        SettingsProblem::NameEmpty => t.msg("settings-error-name-empty"),
        SettingsProblem::NameTooLong => t.msg("settings-error-name-long"),
        SettingsProblem::TimeZone => t.msg("settings-error-time-zone"),
        SettingsProblem::OutOfRange { min, max } => t.msg_args(
            "settings-error-range",
            &[("min", &min.to_string()), ("max", &max.to_string())],
        ),
        SettingsProblem::TooLong { max } => {
            t.msg_args("settings-error-too-long", &[("max", &max.to_string())])
        }
        SettingsProblem::Amount(e) => t.msg(e.code()),
    }
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let input = SettingsInput {
        name: &form.name,
        time_zone: &form.time_zone,
        require_second_factor: form.requires_second_factor(),
        session_idle_minutes: &form.session_idle_minutes,
        session_absolute_hours: &form.session_absolute_hours,
        letterhead_address: &form.letterhead_address,
        letterhead_signatory: &form.letterhead_signatory,
        letterhead_footer: &form.letterhead_footer,
        reminder_flag_hours: &form.reminder_flag_hours,
        reminder_assessment_months: &form.reminder_assessment_months,
        reminder_referral_days: &form.reminder_referral_days,
        reminder_mail_days: &form.reminder_mail_days,
        reminder_aid_days: &form.reminder_aid_days,
        budget_threshold: &form.budget_threshold,
        budget_day_divisor: &form.budget_day_divisor,
        statistics_threshold: &form.statistics_threshold,
        money_style: Some(ctx.t.money_style()),
    };
    // A well-formed name is not enough: times are shown in this zone, so it must exist.
    let parsed = OrganisationSettings::parse(&input).and_then(|s| {
        if crate::dates::known_zone(s.time_zone.as_str()) {
            Ok(s)
        } else {
            Err(vec![("time_zone", SettingsProblem::TimeZone)])
        }
    });
    let settings = match parsed {
        Ok(s) => s,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|(field, p)| FieldError { field, message: message(&ctx.t, p) })
                .collect();
            let page = SettingsPage {
                chrome: Chrome::new(ctx, &state, Nav::Admin),
                form,
                errors,
                saved: false,
                conflict: None,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.db.begin_write().await?;
    if !organisations::update_settings(&mut tx, org, form.version, &settings, Ts::now()).await? {
        drop(tx);
        // Never overwrite: show what is stored now beside what was typed, and let the manager
        // send their version again knowingly.
        let stored = organisations::settings(&state.db, org).await?.ok_or(WebError::NotFound)?;
        let mut typed = form;
        typed.version = stored.version;
        let style = ctx.t.money_style();
        let page = SettingsPage {
            chrome: Chrome::new(ctx, &state, Nav::Admin),
            form: typed,
            errors: vec![],
            saved: false,
            conflict: Some(SettingsForm::from_row(&stored, style)),
        };
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(signed_in.actor.user_id)
        .on("organisation", org.as_uuid())
        .detail("change", "organisation_settings")
        .detail("require_second_factor", settings.require_second_factor)
        .detail("session_idle_minutes", settings.session_idle_minutes)
        .detail("session_absolute_hours", settings.session_absolute_hours)
        .detail("reminder_flag_hours", settings.reminder_flag_hours)
        .detail("reminder_assessment_months", settings.reminder_assessment_months)
        .detail("reminder_referral_days", settings.reminder_referral_days)
        .detail("reminder_mail_days", settings.reminder_mail_days)
        .detail("reminder_aid_days", settings.reminder_aid_days)
        .detail("budget_threshold_cents", settings.budget_threshold_cents.unwrap_or(-1))
        .detail("budget_day_divisor", settings.budget_day_divisor)
        .detail("statistics_threshold", settings.statistics_threshold);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/organisation?saved=1").into_response())
}
