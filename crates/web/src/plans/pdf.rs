//! The plan as a PDF for the person to keep ("Mon plan d'action", "My action plan"): their
//! goals in their own words, who does what by when, their victories and their agreement, in
//! plain language and in the person's language where documents are written in it (French,
//! English; Korean falls back to English words). Made by the `documents` engine from JSON data
//! (never spliced into markup), audited as an export before it is sent.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::CaseId;
use domain::audit::AuditAction;
use domain::plans::{GoalStatus, StepOwner, StepStatus};
use serde::Deserialize;
use serde_json::{Value, json};
use store::Ts;
use store::audit::NewAuditEvent;

use super::pages::{date_text, domain_label, method_label, readable, today};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::{Locale, Tr};

#[derive(Deserialize, Default)]
pub struct PdfQuery {
    /// `fr`, `en` or `ko`: another language than the person's.
    lang: Option<String>,
}

/// Who does a step, as the person reads it ("Me", "My social worker", the partner's name).
fn owner_words(t: &Tr, owner: StepOwner, partner: Option<&str>) -> String {
    match (owner, partner) {
        (StepOwner::Partner, Some(name)) => name.to_owned(),
        _ => t.msg(&format!("plan-pdf-owner-{}", owner.as_str())),
    }
}

pub async fn download(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Query(q): Query<PdfQuery>,
) -> Result<Response, WebError> {
    let loaded = readable(&state, &signed_in, id).await?;
    // An emergency grant reads the case on screen; it exports nothing.
    if loaded.access.emergency {
        return Err(WebError::NotFound);
    }
    let org = loaded.case.organisation_id;
    let db = &state.db;
    let person =
        store::persons::find(db, org, loaded.case.person_id).await?.ok_or(WebError::NotFound)?;
    let chosen = q.lang.as_deref().and_then(Locale::from_tag);
    let locale = chosen
        .or_else(|| {
            domain::plans::document_language(person.record.languages.as_deref())
                .and_then(Locale::from_tag)
        })
        .unwrap_or(Locale::Fr);
    let t = Tr::new(state.i18n.clone(), locale);
    let plan = store::plans::plan_of(db, org, id).await?;
    let lists = store::lists::for_organisation(db, org).await?;
    let settings = store::organisations::settings(db, org).await?;
    let me = store::accounts::find_user(db, signed_in.actor.user_id)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    let today = today(&signed_in);

    let mut goals = Vec::new();
    for g in plan.goals.iter().filter(|g| g.status() != GoalStatus::Abandoned) {
        let mut fields = Vec::new();
        if !g.domains.is_empty() {
            let domains: Vec<String> =
                g.domains.iter().map(|d| domain_label(&t, &lists, d)).collect();
            fields.push(json!([t.msg("plan-pdf-domains"), domains.join(", ")]));
        }
        if g.status() != GoalStatus::Active {
            fields.push(json!([
                t.msg("plan-pdf-goal-status"),
                t.msg(&format!("plan-pdf-goal-{}", g.status().as_str()))
            ]));
        }
        let steps: Vec<Value> = g
            .steps
            .iter()
            .filter(|s| !matches!(s.status(), StepStatus::Abandoned | StepStatus::Cancelled))
            .map(|s| {
                let when = s.due_on.map(date_text).unwrap_or_default();
                let status = t.msg(&format!("plan-pdf-step-{}", s.status().as_str()));
                let status = if s.overdue(today) {
                    format!("{status} {}", t.msg("plan-overdue"))
                } else {
                    status
                };
                json!([
                    s.action,
                    owner_words(&t, s.owner(), s.partner_name.as_deref()),
                    when,
                    status
                ])
            })
            .collect();
        goals.push(json!({
            "heading": t.msg_args("plan-pdf-goal", &[("n", &(goals.len() + 1).to_string())]),
            "words": g.person_words,
            "fields": fields,
            "steps": steps,
        }));
    }
    let victories: Vec<Value> = plan
        .victories
        .iter()
        .map(|v| json!({ "date": date_text(v.occurred_on), "words": v.person_words }))
        .collect();
    let agreement = match &plan.agreement {
        Some(a) => t.msg_args(
            "plan-pdf-agreed",
            &[
                ("date", &date_text(a.agreed_on)),
                ("method", &a.method().map(|m| method_label(&t, m)).unwrap_or_default()),
            ],
        ),
        None => t.msg("plan-pdf-not-agreed"),
    };
    let data = json!({
        "lang": t.lang(),
        "date": today.to_string(),
        "organisation": settings.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| t.msg("app-name")),
        "footer": settings.as_ref().and_then(|s| s.letterhead_footer.clone()).unwrap_or_default(),
        "title": t.msg("plan-pdf-title"),
        "subtitle": person.record.display_name(),
        "generated": t.msg_args("plan-pdf-generated", &[("date", &date_text(today)), ("name", &me)]),
        "page_format": t.msg("plan-pdf-page"),
        "intro": t.msg("plan-pdf-intro"),
        "goals_title": t.msg("plan-pdf-goals"),
        "goals_empty": t.msg("plan-pdf-goals-empty"),
        "goals": goals,
        "steps_header": [
            t.msg("plan-pdf-step-what"),
            t.msg("plan-pdf-step-who"),
            t.msg("plan-pdf-step-when"),
            t.msg("plan-pdf-step-where"),
        ],
        "steps_empty": t.msg("plan-pdf-steps-empty"),
        "victories_title": t.msg("plan-pdf-victories"),
        "victories_empty": t.msg("plan-pdf-victories-empty"),
        "victories": victories,
        "agreement_title": t.msg("plan-pdf-agreement"),
        "agreement": agreement,
        "changed": plan.changed_since_agreement().then(|| t.msg("plan-pdf-changed")),
    });
    let pdf =
        tokio::task::spawn_blocking(move || documents::render(documents::Template::Plan, &data))
            .await
            .map_err(|_| WebError::Internal("the plan's rendering task failed"))?
            .map_err(|e| {
                // The error names the template and line, never the data (ADR 0012).
                tracing::error!(error = %e, "plan PDF");
                WebError::Internal("the plan PDF could not be made")
            })?;

    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseExported, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", id.as_uuid())
        .detail("document", "plan")
        .detail("language", locale.tag())
        .detail("bytes", pdf.len() as u64);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;

    let file = format!(
        "attachment; filename=\"{}-{}.pdf\"",
        t.msg("plan-pdf-file-name"),
        Ts::now().get().date()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, file),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}
