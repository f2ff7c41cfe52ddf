//! The decision letter on an aid request (to the person: what was asked, what was decided,
//! how it is paid, how to contest it) and the minutes of a commission session. Made in the
//! user's language; each is an audited export.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::aid::Status;
use domain::audit::AuditAction;
use domain::lists::ListName;
use serde_json::{Value, json};
use store::Ts;
use store::audit::NewAuditEvent;
use uuid::Uuid;

use super::sessions::{session_of, who};
use super::{amount, organisation, readable, status_label, type_label};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::PageCtx;
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;

/// The letterhead's part of the data: the organisation, the title, the date, the footer.
async fn letterhead(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    title: String,
    subtitle: String,
) -> Result<(Value, Option<String>), WebError> {
    let org = organisation(signed_in)?;
    let settings = store::organisations::settings(&state.db, org).await?;
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let name = settings.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| t.msg("app-name"));
    let signatory = settings.as_ref().and_then(|s| s.letterhead_signatory.clone());
    let address = settings.as_ref().and_then(|s| s.letterhead_address.clone());
    Ok((
        json!({
            "lang": t.lang(),
            "organisation": name,
            "footer": settings.as_ref().and_then(|s| s.letterhead_footer.clone()).unwrap_or_default(),
            "title": title,
            "subtitle": subtitle,
            "generated": t.msg_args("aid-letter-generated", &[("date", &domain::persons::french_date(today))]),
            "page_format": t.msg("aid-letter-page"),
            "address": address.unwrap_or_default(),
        }),
        signatory,
    ))
}

/// To whom a letter goes, as the envelope shows it: the name, then the person's postal
/// address — or, for a person whose election of domicile is running, the organisation's own
/// (their mail is kept there).
async fn recipient(
    state: &AppState,
    signed_in: &SignedIn,
    org: domain::OrganisationId,
    person_id: domain::PersonId,
    person: Option<&store::persons::Person>,
) -> Result<String, WebError> {
    let Some(p) = person else { return Ok(String::new()) };
    let mut lines = vec![p.record.display_name()];
    let today = crate::domiciliation::today(signed_in);
    let elections = store::domiciliations::of_person(&state.db, org, person_id).await?;
    if elections.iter().any(|d| d.active_on(today)) {
        let settings = store::organisations::settings(&state.db, org).await?;
        if let Some(s) = settings {
            lines.push(s.name);
            lines.extend(s.letterhead_address.iter().flat_map(|a| a.lines().map(str::to_owned)));
        }
    } else {
        lines.extend(p.record.postal_lines());
    }
    Ok(lines.join("\n"))
}

fn merge(mut base: Value, more: Value) -> Value {
    if let (Some(b), Value::Object(m)) = (base.as_object_mut(), more) {
        b.extend(m);
    }
    base
}

async fn render(template: documents::Template, data: Value) -> Result<Vec<u8>, WebError> {
    tokio::task::spawn_blocking(move || documents::render(template, &data))
        .await
        .map_err(|_| WebError::Internal("an aid document's rendering task failed"))?
        .map_err(|e| {
            tracing::error!(error = %e, "aid PDF");
            WebError::Internal("an aid document could not be made")
        })
}

fn pdf_response(pdf: Vec<u8>, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.pdf\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response()
}

pub async fn decision(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let (r, loaded, _) = readable(&state, &signed_in, id).await?;
    let status = r.status();
    if !(status.is_decision() || status == Status::Paid) {
        return Err(WebError::NotFound);
    }
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let person = store::persons::find(&state.db, org, r.person_id).await?;
    let name = person.as_ref().map(|p| p.record.display_name()).unwrap_or_default();
    let aid_type = type_label(t, &lists, &r.aid_type);
    let (head, signatory) =
        letterhead(&state, t, &signed_in, t.msg("aid-letter-title"), aid_type.clone()).await?;
    let outcome = if status == Status::Paid {
        if r.granted_cents < r.asked_cents { Status::PartlyAccepted } else { Status::Accepted }
    } else {
        status
    };
    // A letter is dated by the day, in the organisation's time zone.
    let zone = signed_in.time_zone.as_deref();
    let decided_on = r
        .decided_at
        .map(|at| domain::persons::french_date(store::ts::local_today(at, zone)))
        .unwrap_or_default();
    let to = recipient(&state, &signed_in, org, r.person_id, person.as_ref()).await?;
    let by = match (&r.session_title, r.session_held_on) {
        (Some(title), Some(on)) => t.msg_args(
            "aid-letter-by-session",
            &[("title", title), ("date", &domain::persons::french_date(on))],
        ),
        _ => r.decided_by_name.clone().unwrap_or_default(),
    };
    let mut decision = vec![
        [t.msg("aid-decision"), t.msg(&format!("aid-outcome-{}", outcome.as_str()))],
        [t.msg("aid-decided-at"), decided_on],
        [t.msg("aid-decided-by"), by],
    ];
    if outcome != Status::Refused {
        decision.push([t.msg("aid-granted"), amount(t, r.granted_cents)]);
    }
    if let Some(reason) = r.refusal_reason.as_deref() {
        decision.push([
            t.msg("aid-refusal-reason"),
            list_label(t, &lists, ListName::AidRefusalReason, reason),
        ]);
    }
    let decision_text = [
        t.msg(&format!("aid-letter-text-{}", outcome.as_str())),
        r.decision_comment.clone().unwrap_or_default(),
    ]
    .join("\n\n");
    let payment: Vec<[String; 2]> = match r.paid_on {
        Some(on) => vec![
            [t.msg("aid-paid-on"), domain::persons::french_date(on)],
            [
                t.msg("aid-payment-method"),
                list_label(
                    t,
                    &lists,
                    ListName::PaymentMethod,
                    r.payment_method.as_deref().unwrap_or(""),
                ),
            ],
            [
                t.msg("aid-payee"),
                match r.payee_name.as_deref() {
                    Some(n) => n.to_owned(),
                    None => name.clone(),
                },
            ],
        ],
        None => vec![],
    };
    let data = merge(
        head,
        json!({
            "to": to,
            "request_title": t.msg("aid-letter-request"),
            "request": [
                [t.msg("aid-reference"), r.reference()],
                [t.msg("aid-type"), aid_type],
                [t.msg("aid-requested-on"), domain::persons::french_date(r.requested_on)],
                [t.msg("aid-asked"), amount(t, r.asked_cents)],
            ],
            "decision_title": t.msg("aid-letter-decision"),
            "decision": decision,
            "decision_text": decision_text,
            "payment_title": t.msg("aid-letter-payment"),
            "payment": payment,
            "recourse_title": t.msg("aid-letter-recourse-title"),
            "recourse": t.msg("aid-letter-recourse"),
            "signature": signatory.unwrap_or_default(),
        }),
    );
    let pdf = render(documents::Template::AidDecision, data).await?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseExported, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", loaded.case.id.as_uuid())
        .detail("document", "aid_decision_letter")
        .detail("aid", r.id.to_string())
        .detail("bytes", pdf.len() as u64);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(pdf_response(pdf, format!("{}-{}", t.msg("aid-letter-file-name"), r.reference())))
}

pub async fn minutes(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let session = session_of(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let t = &ctx.t;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let agenda = store::aid::agenda(&state.db, org, session.id).await?;
    let held_on = domain::persons::french_date(session.held_on);
    let (head, _) = letterhead(
        &state,
        t,
        &signed_in,
        t.msg("aid-minutes-title"),
        format!("{} — {held_on}", session.title),
    )
    .await?;
    let mut lines = Vec::new();
    let (mut granted, mut refused, mut other, mut total) = (0, 0, 0, 0i64);
    for r in &agenda {
        let status = r.status();
        match status {
            Status::Accepted | Status::PartlyAccepted | Status::Paid => {
                granted += 1;
                total += r.granted_cents.unwrap_or(0);
            }
            Status::Refused => refused += 1,
            _ => other += 1,
        }
        lines.push([
            who(&state, &session, r).await?,
            type_label(t, &lists, &r.aid_type),
            amount(t, r.asked_cents),
            status_label(t, status),
            amount(t, r.granted_cents),
            r.refusal_reason
                .as_deref()
                .map(|c| list_label(t, &lists, ListName::AidRefusalReason, c))
                .unwrap_or_default(),
        ]);
    }
    let data = merge(
        head,
        json!({
            "session_title": t.msg("aid-minutes-session"),
            "session": [
                [t.msg("aid-session-title"), session.title.clone()],
                [t.msg("aid-session-held-on"), held_on],
                [t.msg("aid-session-pseudonymised"), t.msg(if session.pseudonymised { "aid-yes" } else { "aid-no" })],
            ],
            "agenda_title": t.msg("aid-session-agenda"),
            "empty": t.msg("aid-session-empty"),
            "header": [
                t.msg("aid-session-who"),
                t.msg("aid-type"),
                t.msg("aid-asked"),
                t.msg("aid-decision"),
                t.msg("aid-granted"),
                t.msg("aid-refusal-reason"),
            ],
            "lines": lines,
            "totals_title": t.msg("aid-minutes-totals"),
            "totals": [
                [t.msg("aid-minutes-granted"), granted.to_string()],
                [t.msg("aid-minutes-refused"), refused.to_string()],
                [t.msg("aid-minutes-other"), other.to_string()],
                [t.msg("aid-minutes-total"), amount(t, Some(total))],
            ],
        }),
    );
    let pdf = render(documents::Template::AidMinutes, data).await?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::Export, Some(org))
        .by(signed_in.actor.user_id)
        .on("aid_session", session.id)
        .detail("document", "aid_minutes")
        .detail("lines", agenda.len() as u64)
        .detail("pseudonymised", session.pseudonymised);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(pdf_response(pdf, format!("{}-{}", t.msg("aid-minutes-file-name"), session.held_on)))
}
