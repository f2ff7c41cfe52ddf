//! The search page: the form, and a page of events newest first with a button for older ones.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::audit::AuditAction;

use super::criteria::{self, CriteriaForm, FieldError};
use super::view::{Actors, EventView, label_id};
use super::{INSTANCE_AUDIT, Log, ORGANISATION_AUDIT};
use crate::AppState;
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

/// How many events a page shows.
pub const PAGE_SIZE: u32 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "audit/index.html")]
pub struct AuditPage {
    chrome: Chrome,
    log: Log,
    intro: String,
    /// A link to the other log, for someone who may search both.
    other_log: Option<(&'static str, String)>,
    form: CriteriaForm,
    errors: Vec<FieldError>,
    actions: Vec<ActionOption>,
    results: Option<Results>,
    /// Events removed under the access log's retention (ADR 0040), said above the results.
    purged: Option<String>,
}

pub struct ActionOption {
    code: &'static str,
    label: String,
    selected: bool,
}

pub struct Results {
    caption: String,
    rows: Vec<EventView>,
    /// Where the next, older page starts, when there is one.
    older: Option<String>,
}

impl AuditPage {
    /// The page for `log`, with what was typed and what went wrong.
    pub fn new(
        ctx: PageCtx,
        state: &AppState,
        signed_in: &SignedIn,
        log: Log,
        form: CriteriaForm,
        errors: Vec<FieldError>,
    ) -> AuditPage {
        let t = &ctx.t;
        let intro = match (log, &signed_in.organisation_name) {
            (Log::Organisation, Some(name)) => {
                t.msg_args("audit-intro-organisation", &[("organisation", name)])
            }
            _ => t.msg("audit-intro-instance"),
        };
        let actions = AuditAction::ALL
            .iter()
            .map(|a| ActionOption {
                code: a.as_str(),
                label: t.msg(&label_id(*a)),
                selected: form.action.trim() == a.as_str(),
            })
            .collect();
        let chrome = Chrome::new(ctx, state, Nav::Audit);
        let other_log = match log {
            Log::Organisation if chrome.can(INSTANCE_AUDIT) => {
                Some((Log::Instance.path(), chrome.t.msg("audit-link-instance")))
            }
            Log::Instance if chrome.can(ORGANISATION_AUDIT) => {
                Some((Log::Organisation.path(), chrome.t.msg("audit-link-organisation")))
            }
            _ => None,
        };
        AuditPage {
            chrome,
            log,
            intro,
            other_log,
            form,
            errors,
            actions,
            results: None,
            purged: None,
        }
    }

    /// The error of one field, if any.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// The `aria-describedby` of a field: its hint, and its error when it has one.
    fn described_by(&self, field: &str) -> String {
        match self.error(field) {
            Some(_) => format!("{field}-hint {field}-error"),
            None => format!("{field}-hint"),
        }
    }
}

pub async fn organisation_form(
    state: State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<Response, WebError> {
    form_page(state, ctx, signed_in, Log::Organisation).await
}

pub async fn instance_form(
    state: State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<Response, WebError> {
    form_page(state, ctx, signed_in, Log::Instance).await
}

pub async fn organisation_search(
    state: State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    form: Form<CriteriaForm>,
) -> Result<Response, WebError> {
    search(state, ctx, signed_in, Log::Organisation, form).await
}

pub async fn instance_search(
    state: State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    form: Form<CriteriaForm>,
) -> Result<Response, WebError> {
    search(state, ctx, signed_in, Log::Instance, form).await
}

/// What the access log's retention removed from this log, if anything: how many events, up
/// to which day (the last anchor's last event, in the reader's zone).
async fn purged(
    state: &AppState,
    t: &crate::i18n::Tr,
    signed_in: &SignedIn,
    log: Log,
) -> Result<Option<String>, WebError> {
    let organisation = match log {
        Log::Organisation => signed_in.actor.organisation(),
        Log::Instance => None,
    };
    let anchors = store::audit::purge::anchors(&state.db, organisation).await?;
    let count: i64 = anchors.iter().map(|a| a.purged).sum();
    let Some(last) = anchors.iter().filter_map(|a| a.last_at).max() else { return Ok(None) };
    if count == 0 {
        return Ok(None);
    }
    let day = crate::dates::utc_to_local(last, signed_in.time_zone.as_deref()).date();
    Ok(Some(
        t.msg_args("audit-purged", &[("date", &day.to_string()), ("count", &count.to_string())]),
    ))
}

async fn form_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    log: Log,
) -> Result<Response, WebError> {
    log.scope(&signed_in.actor)?;
    let notice = purged(&state, &ctx.t, &signed_in, log).await?;
    let mut page = AuditPage::new(ctx, &state, &signed_in, log, CriteriaForm::default(), vec![]);
    page.purged = notice;
    Ok(page.into_response())
}

async fn search(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    log: Log,
    Form(form): Form<CriteriaForm>,
) -> Result<Response, WebError> {
    let scope = log.scope(&signed_in.actor)?;
    let filter = match criteria::check(&state.db, scope, &form, &ctx.t).await? {
        Ok(filter) => filter,
        Err(errors) => return Ok(invalid(ctx, &state, &signed_in, log, form, errors)),
    };
    let after = criteria::decode_cursor(&form.cursor);
    let found = store::audit::search(&state.db, &filter, after, PAGE_SIZE).await?;
    let mut actors = Actors::default();
    actors.load(&state.db, &found.events).await?;
    let rows: Vec<EventView> = found.events.iter().map(|e| actors.view(&ctx.t, e)).collect();
    let caption = ctx.t.msg_count(
        if after.is_some() { "audit-results-caption-older" } else { "audit-results-caption" },
        &(rows.len() as i64),
    );
    let older = found.next.as_ref().map(criteria::encode_cursor);
    // The criteria fields show what this page was searched with; the search button starts
    // again from the newest event.
    let mut shown = form;
    shown.cursor.clear();
    let notice = purged(&state, &ctx.t, &signed_in, log).await?;
    let mut page = AuditPage::new(ctx, &state, &signed_in, log, shown, vec![]);
    page.results = Some(Results { caption, rows, older });
    page.purged = notice;
    Ok(page.into_response())
}

/// The form again, with everything typed and an error by each wrong field.
pub fn invalid(
    ctx: PageCtx,
    state: &AppState,
    signed_in: &SignedIn,
    log: Log,
    mut form: CriteriaForm,
    errors: Vec<FieldError>,
) -> Response {
    form.cursor.clear();
    let page = AuditPage::new(ctx, state, signed_in, log, form, errors);
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}
