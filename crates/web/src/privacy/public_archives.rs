//! The public archives' sorting of a minor's file (ADR 0042), from the review list: the DPO or
//! a manager downloads the package for the archives service (the file as kept: the person's
//! data as the subject access export gathers it, the household members as the service knows
//! them, the files, who accessed the file, and a transfer slip), then records what the archives
//! did — took the file, or authorised its elimination — with their reference and the day. Until
//! then the line may be postponed or held but not approved, and the run never processes it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::OrganisationId;
use domain::audit::AuditAction;
use domain::retention::{ArchivesInput, ArchivesProblem, ArchivesStep, MAX_REFERENCE_CHARS};
use serde::Deserialize;
use serde_json::json;
use store::Ts;
use store::audit::NewAuditEvent;
use store::retention::public_archives::{self, Member};
use store::retention::{self, Review};
use uuid::Uuid;

use super::retention::{FieldError, LineView, line_view, line_where, organisation};
use crate::AppState;
use crate::audit::export::Csv;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::subject_access::export::{self as subject_export, table_title};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArchivesForm {
    #[serde(default)]
    line: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    step: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    on: String,
}

/// A choice of what the archives did.
pub struct StepChoice {
    code: &'static str,
    label: String,
}

/// What is recorded already.
pub struct Recorded {
    step: String,
    reference: String,
    on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy/retention_public_archives.html")]
pub struct ArchivesPage {
    chrome: Chrome,
    line: LineView,
    recorded: Option<Recorded>,
    steps: Vec<StepChoice>,
    form: ArchivesForm,
    reference_max: usize,
    errors: Vec<FieldError>,
    conflict: bool,
}

impl ArchivesPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Deserialize)]
pub struct ArchivesQuery {
    line: Option<String>,
}

/// A minor's line of the organisation not yet run, or `None`.
async fn minor_line(
    state: &AppState,
    org: OrganisationId,
    line: &str,
) -> Result<Option<Review>, WebError> {
    line_where(state, org, line, |r| r.outcome.is_none() && r.minor).await
}

fn step_label(t: &Tr, step: ArchivesStep) -> String {
    t.msg(&format!("archives-step-{}", step.code().replace('_', "-")))
}

fn steps(t: &Tr) -> Vec<StepChoice> {
    ArchivesStep::ALL
        .into_iter()
        .map(|s| StepChoice { code: s.code(), label: step_label(t, s) })
        .collect()
}

fn recorded(t: &Tr, r: &Review) -> Option<Recorded> {
    Some(Recorded {
        step: step_label(t, r.archives_step()?),
        reference: r.archives_reference.clone().unwrap_or_default(),
        on: r.archives_on.map(|d| d.to_string()).unwrap_or_default(),
    })
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    r: &Review,
    form: ArchivesForm,
    errors: Vec<FieldError>,
    conflict: bool,
) -> Result<ArchivesPage, WebError> {
    let org = organisation(signed_in)?;
    let (settings, _) = retention::settings(&state.db, org).await?;
    let t = &ctx.t;
    Ok(ArchivesPage {
        line: line_view(t, r, &settings, signed_in),
        recorded: recorded(t, r),
        steps: steps(t),
        form,
        reference_max: MAX_REFERENCE_CHARS,
        errors,
        conflict,
        chrome: Chrome::new(ctx, state, Nav::Privacy),
    })
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<ArchivesQuery>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let Some(r) = minor_line(&state, org, q.line.as_deref().unwrap_or_default()).await? else {
        return Ok(Redirect::to("/privacy/retention").into_response());
    };
    let form = ArchivesForm { line: r.id.to_string(), version: r.version, ..Default::default() };
    Ok(page(&state, ctx, &signed_in, &r, form, vec![], false).await?.into_response())
}

fn problem_message(t: &Tr, p: ArchivesProblem) -> String {
    match p {
        ArchivesProblem::Step => t.msg("archives-error-step"),
        ArchivesProblem::Reference => {
            t.msg_args("archives-error-reference", &[("max", &MAX_REFERENCE_CHARS.to_string())])
        }
        ArchivesProblem::On => t.msg("archives-error-on"),
    }
}

pub async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Form(form): Form<ArchivesForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let Some(r) = minor_line(&state, org, &form.line).await? else {
        return Ok(Redirect::to("/privacy/retention").into_response());
    };
    let input = ArchivesInput { step: &form.step, reference: &form.reference, on: &form.on };
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let answer = match input.parse(today) {
        Ok(a) => a,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|(field, p)| FieldError::new(field, problem_message(&ctx.t, p)))
                .collect();
            let page = page(&state, ctx, &signed_in, &r, form, errors, false).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let now = Ts::now();
    let by = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    if !retention::record_archives(&mut tx, org, r.id, form.version, &answer, by, now).await? {
        drop(tx);
        // What is stored now, beside what was typed (kept in the form).
        let current = retention::find(&state.db, org, r.id).await?.unwrap_or(r);
        let form = ArchivesForm { version: current.version, ..form };
        let page = page(&state, ctx, &signed_in, &current, form, vec![], true).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::RetentionDecided, Some(org))
        .by(by)
        .on("person", r.person_id.as_uuid())
        .detail("decision", "public_archives")
        .detail("archives", answer.step.code())
        .detail("archives_on", answer.on.to_string())
        // The archives' reference: the proof of their answer, kept with the chain.
        .because(answer.reference.clone());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/privacy/retention?archives=1").into_response())
}

fn member_json(m: &Member) -> serde_json::Value {
    json!({
        "person_id": m.person_id,
        "birth_name": m.birth_name,
        "used_name": m.used_name,
        "first_names": m.first_names,
        "birth_date": m.birth_date.map(|d| d.to_string()),
        "relationship": m.relationship,
        "from": m.from_date.map(|d| d.to_string()),
        "to": m.to_date.map(|d| d.to_string()),
    })
}

fn households_json(members: &[Member]) -> serde_json::Value {
    let mut out: Vec<(Uuid, Vec<serde_json::Value>)> = Vec::new();
    for m in members {
        match out.last_mut() {
            Some((h, list)) if *h == m.household_id => list.push(member_json(m)),
            _ => out.push((m.household_id, vec![member_json(m)])),
        }
    }
    out.into_iter().map(|(id, members)| json!({ "household_id": id, "members": members })).collect()
}

/// The transfer slip ("bordereau de versement"): who sends what, its dates, what it holds, and
/// the lines the archives fill in.
#[allow(clippy::too_many_arguments)] // The slip's facts, each named at the call.
fn slip(
    t: &Tr,
    organisation: &str,
    r: &Review,
    first_day: time::Date,
    g: &store::subject_access::export::Gathered,
    files: usize,
    members: usize,
    prepared: (&str, &str),
) -> Vec<u8> {
    let mut csv = Csv::new(0);
    csv.row(&[t.msg("archives-slip-heading"), String::new()]);
    let mut facts = vec![
        (t.msg("archives-slip-producer"), organisation.to_owned()),
        (t.msg("archives-slip-description"), t.msg("archives-slip-description-value")),
        (t.msg("archives-slip-person"), r.person_id.as_uuid().to_string()),
        (t.msg("archives-slip-line"), r.id.to_string()),
        (t.msg("archives-slip-first-day"), first_day.to_string()),
        (t.msg("archives-slip-last-contact"), r.last_contact_on.to_string()),
        (t.msg("archives-slip-due"), r.due_on.to_string()),
        (t.msg("archives-slip-legal"), t.msg("archives-slip-legal-value")),
        (t.msg("archives-slip-members"), members.to_string()),
        (t.msg("archives-slip-files"), files.to_string()),
        (t.msg("archives-slip-accesses"), g.access.len().to_string()),
    ];
    for table in g.tables.iter().filter(|x| !x.rows.is_empty()) {
        facts.push((
            t.msg_args("archives-slip-records", &[("table", &table_title(t, table.table))]),
            table.rows.len().to_string(),
        ));
    }
    facts.push((t.msg("archives-slip-prepared-by"), prepared.0.to_owned()));
    facts.push((t.msg("archives-slip-prepared-at"), prepared.1.to_owned()));
    for key in [
        "archives-slip-their-reference",
        "archives-slip-their-answer",
        "archives-slip-their-date",
        "archives-slip-their-signature",
    ] {
        facts.push((t.msg(key), String::new()));
    }
    for (label, value) in facts {
        csv.row(&[label, value]);
    }
    csv.out.into_bytes()
}

/// The package for the archives: `dossier.json`, `bordereau.csv`, the files.
pub async fn package(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(line): Path<Uuid>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let Some(r) = minor_line(&state, org, &line.to_string()).await? else {
        return Err(WebError::NotFound);
    };
    let zone = signed_in.time_zone.as_deref();
    let (g, _) = crate::subject_access::pages::gathered(&state, org, r.person_id).await?;
    let members = public_archives::household_members(&state.db, org, r.person_id).await?;
    let (created, first_case) = public_archives::first_traces(&state.db, org, r.person_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let first_day = first_case.map_or(created, |c| c.min(created));
    let first_day = store::ts::local_today(first_day, zone);
    let files = subject_export::files(&g);
    let organisation = store::organisations::settings(&state.db, org)
        .await?
        .map(|s| s.name)
        .or_else(|| signed_in.organisation_name.clone())
        .unwrap_or_default();
    let now = Ts::now();
    let dossier = json!({
        "format": "passerelle-public-archives/1",
        "organisation": organisation,
        "generated_at": now.canonical(),
        "person_id": r.person_id.as_uuid(),
        "retention": {
            "line": r.id,
            "first_day": first_day.to_string(),
            "last_contact_on": r.last_contact_on.to_string(),
            "due_on": r.due_on.to_string(),
            "minor": r.minor,
        },
        "households": households_json(&members),
        "data": subject_export::data_json(&g),
        "access_log": subject_export::access_json(&g),
        "files": files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(),
    });
    let dossier =
        serde_json::to_vec_pretty(&dossier).map_err(|_| WebError::Internal("archives json"))?;
    let prepared_at = crate::dates::local_minutes(now, zone);
    let slip = slip(
        &ctx.t,
        &organisation,
        &r,
        first_day,
        &g,
        files.len(),
        members.len(),
        (&signed_in.display_name, &prepared_at),
    );
    let bytes = subject_export::zip_with(
        &state,
        &[("dossier.json", dossier), ("bordereau.csv", slip)],
        &files,
    )
    .await?;
    // An export of the person's whole file: audited like the subject access export.
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::Export, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", r.person_id.as_uuid())
        .detail("purpose", "public_archives")
        .detail("retention_line", r.id.to_string())
        .detail("files", files.len() as u64);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let day = now.canonical();
    let disposition = format!(
        "attachment; filename=\"public-archives-{}-{}.zip\"",
        r.id,
        day.get(..10).unwrap_or_default()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
