//! The retention review list (issue 12 point 2, ADR 0034) for the DPO and the managers: the
//! persons whose file fell due, by their record's id only (the DPO sees no case content), with
//! the decision on each (approve, postpone till a date with a reason, legal hold with a reason),
//! the lines already run, and the organisation's retention settings.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::audit::AuditAction;
use domain::retention::{
    AUDIT_MONTHS_WITHOUT_REASON, AfterDue, Decision, DecisionInput, DecisionProblem,
    MAX_AUDIT_REASON_CHARS, RetentionSettings, SettingsInput, SettingsProblem, audit_reason,
    runs_on,
};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::retention::{self, ListFilter, Review};
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// Lines shown per table.
const SHOWN: i64 = 500;

pub(super) fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

fn today(signed_in: &SignedIn) -> time::Date {
    store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref())
}

/// One line, ready to show.
pub struct LineView {
    pub(super) id: Uuid,
    pub(super) person: String,
    pub(super) last_contact: String,
    pub(super) due_on: String,
    pub(super) runs: String,
    pub(super) minor: bool,
    pub(super) decision: String,
    pub(super) reason: String,
    pub(super) outcome: String,
    pub(super) processed: String,
    /// In the restricted archive: it may be opened, restored or anonymised.
    pub(super) archived: bool,
    /// A minor's file: what the public archives did, or that they are still to sort it.
    pub(super) archives: String,
}

pub(super) fn line_view(
    t: &Tr,
    r: &Review,
    s: &RetentionSettings,
    signed_in: &SignedIn,
) -> LineView {
    let decision = r.decision();
    let runs = match runs_on(decision, r.due_on, r.minor, r.archives_step.is_some(), s.grace_days) {
        Some(d) => d.to_string(),
        None if decision == Decision::Held => t.msg("retention-runs-never"),
        None if r.waits_for_archives() => t.msg("retention-runs-after-archives"),
        None => t.msg("retention-runs-after-decision"),
    };
    let archives = match r.archives_step() {
        Some(step) => t.msg_args(
            &format!("archives-recorded-{}", step.code().replace('_', "-")),
            &[("date", &r.archives_on.map(|d| d.to_string()).unwrap_or_default())],
        ),
        None if r.minor => t.msg("archives-to-do"),
        None => String::new(),
    };
    let decision_text = match decision {
        Decision::Postponed { until } => {
            t.msg_args("retention-decision-postponed-until", &[("date", &until.to_string())])
        }
        d => t.msg(&format!("retention-decision-{}", d.code())),
    };
    LineView {
        id: r.id,
        person: r.person_id.as_uuid().to_string(),
        last_contact: r.last_contact_on.to_string(),
        due_on: r.due_on.to_string(),
        runs,
        minor: r.minor,
        decision: decision_text,
        reason: r.reason.clone().unwrap_or_default(),
        outcome: r
            .outcome
            .as_deref()
            .map(|o| t.msg(&format!("retention-outcome-{o}")))
            .unwrap_or_default(),
        processed: r.processed_at.map(|p| crate::dates::for_user(p, signed_in)).unwrap_or_default(),
        archived: r.outcome.as_deref() == Some("archived"),
        archives,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/retention.html")]
pub struct ListPage {
    chrome: Chrome,
    settings: RetentionSettings,
    action: String,
    open: Vec<LineView>,
    processed: Vec<LineView>,
    decided: bool,
    /// The public archives' answer was just recorded.
    archives: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    decided: Option<String>,
    archives: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, WebError> {
    let org = organisation(&signed_in)?;
    let (settings, _) = retention::settings(&state.db, org).await?;
    let open = retention::list(&state.db, org, ListFilter::Open, SHOWN).await?;
    let processed = retention::list(&state.db, org, ListFilter::Processed, SHOWN).await?;
    let t = &ctx.t;
    Ok(ListPage {
        action: t.msg(&format!("retention-after-{}", settings.after_due.code())),
        open: open.iter().map(|r| line_view(t, r, &settings, &signed_in)).collect(),
        processed: processed.iter().map(|r| line_view(t, r, &settings, &signed_in)).collect(),
        settings,
        decided: q.decided.is_some(),
        archives: q.archives.is_some(),
        chrome: Chrome::new(ctx, &state, Nav::Privacy),
    })
}

/// One field's error, translated.
pub struct FieldError {
    pub(super) field: &'static str,
    pub(super) message: String,
}

impl FieldError {
    pub(super) fn new(field: &'static str, message: String) -> Self {
        FieldError { field, message }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    line: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    action: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/retention_decide.html")]
pub struct DecidePage {
    chrome: Chrome,
    line: LineView,
    form: DecideForm,
    errors: Vec<FieldError>,
    /// Someone decided or the run processed the line meanwhile.
    conflict: bool,
}

impl DecidePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Deserialize)]
pub struct DecideQuery {
    line: Option<String>,
}

/// The line `line` (as a form or a query gives it) of the organisation when `keep` says it
/// is one the page deals with, or `None`.
pub(super) async fn line_where(
    state: &AppState,
    org: OrganisationId,
    line: &str,
    keep: impl Fn(&Review) -> bool,
) -> Result<Option<Review>, WebError> {
    let Ok(id) = line.trim().parse::<Uuid>() else { return Ok(None) };
    Ok(retention::find(&state.db, org, id).await?.filter(|r| keep(r)))
}

/// The line of the organisation still open, or `None`.
async fn open_line(
    state: &AppState,
    org: OrganisationId,
    line: &str,
) -> Result<Option<Review>, WebError> {
    line_where(state, org, line, |r| r.outcome.is_none()).await
}

pub async fn decide_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<DecideQuery>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    // Without a line (or with one already run) the list is where to choose one.
    let Some(r) = open_line(&state, org, q.line.as_deref().unwrap_or_default()).await? else {
        return Ok(Redirect::to("/privacy/retention").into_response());
    };
    let (settings, _) = retention::settings(&state.db, org).await?;
    let form = DecideForm {
        line: r.id.to_string(),
        version: r.version,
        action: String::new(),
        until: r.until_on.map(|d| d.to_string()).unwrap_or_default(),
        reason: r.reason.clone().unwrap_or_default(),
    };
    let line = line_view(&ctx.t, &r, &settings, &signed_in);
    let page = DecidePage {
        chrome: Chrome::new(ctx, &state, Nav::Privacy),
        line,
        form,
        errors: vec![],
        conflict: false,
    };
    Ok(page.into_response())
}

fn decision_message(t: &Tr, p: DecisionProblem) -> String {
    t.msg(match p {
        DecisionProblem::UnknownAction => "retention-error-action",
        DecisionProblem::Until => "retention-error-until",
        DecisionProblem::Reason => "retention-error-reason",
        DecisionProblem::ArchivesFirst => "retention-error-archives-first",
    })
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<DecideForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let Some(r) = open_line(&state, org, &form.line).await? else {
        return Ok(Redirect::to("/privacy/retention").into_response());
    };
    let input = DecisionInput {
        action: &form.action,
        until: &form.until,
        reason: &form.reason,
        waits_for_archives: r.waits_for_archives(),
    };
    let (settings, _) = retention::settings(&state.db, org).await?;
    let (decision, reason) = match input.parse(today(&signed_in)) {
        Ok(d) => d,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|(field, p)| FieldError { field, message: decision_message(&ctx.t, p) })
                .collect();
            let line = line_view(&ctx.t, &r, &settings, &signed_in);
            let page = DecidePage {
                chrome: Chrome::new(ctx, &state, Nav::Privacy),
                line,
                form,
                errors,
                conflict: false,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let by = signed_in.actor.user_id;
    if !retention::decide(&mut tx, org, r.id, form.version, decision, reason.as_deref(), by, now)
        .await?
    {
        drop(tx);
        let mut form = form;
        form.version = r.version;
        let line = line_view(&ctx.t, &r, &settings, &signed_in);
        let page = DecidePage {
            chrome: Chrome::new(ctx, &state, Nav::Privacy),
            line,
            form,
            errors: vec![],
            conflict: true,
        };
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let mut event = NewAuditEvent::new(AuditAction::RetentionDecided, Some(org))
        .by(by)
        .on("person", r.person_id.as_uuid())
        .detail("decision", decision.code());
    if let Some(until) = decision.until() {
        event = event.detail("until", until.to_string());
    }
    if let Some(reason) = reason {
        // The DPO's written justification, which the law asks to keep.
        event = event.because(reason);
    }
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/privacy/retention?decided=1").into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    case_months: String,
    #[serde(default)]
    minor_months: String,
    #[serde(default)]
    audit_months: String,
    #[serde(default)]
    after_due: String,
    #[serde(default)]
    grace_days: String,
    /// Why the access log is kept beyond twelve months (required then).
    #[serde(default)]
    audit_reason: String,
    /// 0: the defaults were never saved.
    #[serde(default)]
    version: i64,
}

impl SettingsForm {
    fn from_settings(
        s: &RetentionSettings,
        audit_reason: Option<String>,
        version: Option<i64>,
    ) -> SettingsForm {
        SettingsForm {
            case_months: s.case_months.to_string(),
            minor_months: s.minor_months.to_string(),
            audit_months: s.audit_months.to_string(),
            after_due: s.after_due.code().to_owned(),
            grace_days: s.grace_days.to_string(),
            audit_reason: audit_reason.unwrap_or_default(),
            version: version.unwrap_or(0),
        }
    }
}

/// A number field of the settings form.
pub struct NumberField {
    field: &'static str,
    label: String,
    hint: String,
    value: String,
    min: u16,
    max: u16,
}

fn numbers(t: &Tr, form: &SettingsForm) -> Vec<NumberField> {
    [
        ("case_months", &form.case_months, 1, 120),
        ("minor_months", &form.minor_months, 1, 120),
        ("audit_months", &form.audit_months, 6, 36),
        ("grace_days", &form.grace_days, 0, 365),
    ]
    .into_iter()
    .map(|(field, value, min, max)| {
        let key = format!("retention-{}", field.replace('_', "-"));
        NumberField {
            field,
            label: t.msg(&key),
            hint: t.msg(&format!("{key}-hint")),
            value: value.clone(),
            min,
            max,
        }
    })
    .collect()
}

pub struct ActionChoice {
    code: &'static str,
    label: String,
    hint: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/retention_settings.html")]
pub struct SettingsPage {
    chrome: Chrome,
    form: SettingsForm,
    audit_reason_max: usize,
    numbers: Vec<NumberField>,
    actions: Vec<ActionChoice>,
    errors: Vec<FieldError>,
    saved: bool,
    conflict: bool,
}

impl SettingsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn actions(t: &Tr) -> Vec<ActionChoice> {
    AfterDue::ALL
        .into_iter()
        .map(|a| ActionChoice {
            code: a.code(),
            label: t.msg(&format!("retention-after-{}", a.code())),
            hint: t.msg(&format!("retention-after-{}-hint", a.code())),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct SettingsQuery {
    saved: Option<String>,
}

pub async fn settings_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<SettingsQuery>,
) -> Result<SettingsPage, WebError> {
    let org = organisation(&signed_in)?;
    let (settings, version) = retention::settings(&state.db, org).await?;
    let reason = retention::audit_reason(&state.db, org).await?;
    let form = SettingsForm::from_settings(&settings, reason, version);
    Ok(SettingsPage {
        numbers: numbers(&ctx.t, &form),
        actions: actions(&ctx.t),
        form,
        audit_reason_max: MAX_AUDIT_REASON_CHARS,
        errors: vec![],
        saved: q.saved.is_some(),
        conflict: false,
        chrome: Chrome::new(ctx, &state, Nav::Privacy),
    })
}

fn settings_message(t: &Tr, p: SettingsProblem) -> String {
    match p {
        SettingsProblem::OutOfRange { min, max } => t.msg_args(
            "retention-error-range",
            &[("min", &min.to_string()), ("max", &max.to_string())],
        ),
        SettingsProblem::UnknownAction => t.msg("retention-error-after"),
        SettingsProblem::AuditReason => t.msg_args(
            "retention-error-audit-reason",
            &[("months", &AUDIT_MONTHS_WITHOUT_REASON.to_string())],
        ),
    }
}

pub async fn save_settings(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let input = SettingsInput {
        case_months: &form.case_months,
        minor_months: &form.minor_months,
        audit_months: &form.audit_months,
        after_due: &form.after_due,
        grace_days: &form.grace_days,
    };
    let parsed = RetentionSettings::parse(&input).and_then(|settings| {
        match audit_reason(settings.audit_months, &form.audit_reason) {
            Ok(reason) => Ok((settings, reason)),
            Err(p) => Err(vec![("audit_reason", p)]),
        }
    });
    let (settings, reason) = match parsed {
        Ok(s) => s,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|(field, p)| FieldError { field, message: settings_message(&ctx.t, p) })
                .collect();
            let page = SettingsPage {
                numbers: numbers(&ctx.t, &form),
                actions: actions(&ctx.t),
                form,
                audit_reason_max: MAX_AUDIT_REASON_CHARS,
                errors,
                saved: false,
                conflict: false,
                chrome: Chrome::new(ctx, &state, Nav::Privacy),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let version = (form.version > 0).then_some(form.version);
    let by = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !retention::save_settings(&mut tx, org, &settings, version, reason.as_deref(), by, Ts::now())
        .await?
    {
        drop(tx);
        let (_, stored) = retention::settings(&state.db, org).await?;
        let mut form = form;
        form.version = stored.unwrap_or(0);
        let page = SettingsPage {
            numbers: numbers(&ctx.t, &form),
            actions: actions(&ctx.t),
            form,
            audit_reason_max: MAX_AUDIT_REASON_CHARS,
            errors: vec![],
            saved: false,
            conflict: true,
            chrome: Chrome::new(ctx, &state, Nav::Privacy),
        };
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(by)
        .on("organisation", org.as_uuid())
        .detail("change", "retention_settings")
        .detail("case_months", settings.case_months)
        .detail("minor_months", settings.minor_months)
        .detail("audit_months", settings.audit_months)
        .detail("after_due", settings.after_due.code())
        .detail("grace_days", settings.grace_days);
    let event = match reason {
        // The DPO's justification of the access log's duration, which the CNIL asks for.
        Some(reason) => event.because(reason),
        None => event,
    };
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/privacy/retention/settings?saved=1").into_response())
}
