//! The ecomap's page: the drawing, the table of ties, and the form.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::ecomap::{self as rules, Strength, TieInput, TieKind, TieProblem};
use domain::referrals::Status as ReferralStatus;
use domain::{CaseId, OrganisationId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::ecomap::CaseTie;
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::cases::Loaded;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// A case whose content the user reads (the ecomap says who the person relies on).
async fn readable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, WebError> {
    let loaded = crate::cases::load(state, signed_in, id).await?;
    if !loaded.access.content {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TieForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    strength: String,
    #[serde(default)]
    note: String,
    /// The tie changed or removed (empty when adding).
    #[serde(default)]
    tie_id: String,
    #[serde(default)]
    version: i64,
    /// `remove`, else a change.
    #[serde(default)]
    action: String,
}

impl TieForm {
    fn input(&self) -> TieInput {
        TieInput {
            kind: self.kind.clone(),
            label: self.label.clone(),
            strength: self.strength.clone(),
            note: self.note.clone(),
        }
    }

    fn of(tie: &CaseTie) -> TieForm {
        TieForm {
            kind: tie.kind.clone(),
            label: tie.label.clone(),
            strength: tie.strength.clone(),
            note: tie.note.clone().unwrap_or_default(),
            tie_id: tie.id.to_string(),
            version: tie.version,
            action: String::new(),
        }
    }
}

pub struct Choice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

/// A tie in the drawing.
pub struct Node {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub informal: bool,
    pub width: f64,
    pub dash: &'static str,
    /// `strong`, `moderate`, `weak`, `stressful`, or `referral` (a service the case was
    /// referred to: its own line style).
    pub strength: &'static str,
    /// Where the label sits, under the node.
    pub label_y: f64,
}

/// A service the case was referred to, drawn from the referral itself (not editable here).
pub struct ReferralRow {
    pub href: String,
    pub service: String,
    pub status: String,
}

/// A tie in the table.
pub struct Row {
    pub id: Uuid,
    pub kind: String,
    pub label: String,
    pub strength: String,
    pub note: Option<String>,
    pub version: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "ecomap/show.html")]
pub struct EcomapPage {
    chrome: Chrome,
    case_href: String,
    person: String,
    size: f64,
    centre: f64,
    nodes: Vec<Node>,
    desc: String,
    rows: Vec<Row>,
    referrals: Vec<ReferralRow>,
    can_write: bool,
    form: TieForm,
    kinds: Vec<Choice>,
    strengths: Vec<Choice>,
    errors: Vec<(&'static str, String)>,
    notice: Option<String>,
    /// On a conflict: the tie as it is stored now (or none: removed meanwhile).
    conflict: Option<Option<Row>>,
}

impl EcomapPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

fn kind_label(t: &Tr, k: TieKind) -> String {
    t.msg(&format!("ecomap-kind-{}", k.as_str()))
}

fn strength_label(t: &Tr, s: Strength) -> String {
    t.msg(&format!("ecomap-strength-{}", s.as_str()))
}

fn row(t: &Tr, tie: &CaseTie) -> Row {
    Row {
        id: tie.id,
        kind: kind_label(t, tie.kind()),
        label: tie.label.clone(),
        strength: strength_label(t, tie.strength()),
        note: tie.note.clone(),
        version: tie.version,
    }
}

fn problem(t: &Tr, p: TieProblem) -> String {
    match p {
        TieProblem::KindRequired => t.msg("ecomap-error-kind"),
        TieProblem::LabelRequired => t.msg("ecomap-error-label"),
        TieProblem::StrengthRequired => t.msg("ecomap-error-strength"),
        TieProblem::TooLong { max } => {
            t.msg_args("ecomap-error-too-long", &[("max", &max.to_string())])
        }
    }
}

struct Shown {
    form: TieForm,
    errors: Vec<(&'static str, String)>,
    notice: Option<String>,
    conflict: Option<Option<Row>>,
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    shown: Shown,
) -> Result<EcomapPage, WebError> {
    let org = organisation(signed_in)?;
    let case = &loaded.case;
    let ties = store::ecomap::of_case(&state.db, org, case.id, rules::TIES_MAX as i64).await?;
    let person = store::persons::find(&state.db, org, case.person_id)
        .await?
        .map(|p| p.record.display_name())
        .unwrap_or_default();
    let t = &ctx.t;
    // The services the case was referred to (sent and not withdrawn), one per service, with
    // the latest referral's status: the partners involved, drawn without being typed again.
    let mut referred: Vec<store::referrals::Referral> = vec![];
    for r in store::referrals::of_case(&state.db, org, case.id).await? {
        let shown = !matches!(r.status(), ReferralStatus::Draft | ReferralStatus::Revoked);
        if shown && !referred.iter().any(|x| x.service_id == r.service_id) {
            referred.push(r);
        }
    }
    let n = ties.len() + referred.len();
    let mut nodes: Vec<Node> = ties
        .iter()
        .enumerate()
        .map(|(i, tie)| {
            let (x, y) = rules::position(i, n);
            let (width, dash) = tie.strength().stroke();
            Node {
                x,
                y,
                label: rules::short_label(&tie.label, 22),
                informal: tie.kind().is_informal(),
                width,
                dash,
                strength: tie.strength().as_str(),
                label_y: y + 44.0,
            }
        })
        .collect();
    for (j, r) in referred.iter().enumerate() {
        let (x, y) = rules::position(ties.len() + j, n);
        let (width, dash) = rules::REFERRAL_STROKE;
        nodes.push(Node {
            x,
            y,
            label: rules::short_label(&r.service_name, 22),
            informal: false,
            width,
            dash,
            strength: "referral",
            label_y: y + 44.0,
        });
    }
    let status = |r: &store::referrals::Referral| crate::referrals::status_label(t, r.status());
    let desc = if n == 0 {
        t.msg("ecomap-desc-empty")
    } else {
        let mut parts: Vec<String> = ties
            .iter()
            .map(|tie| format!("{} ({})", tie.label, strength_label(t, tie.strength())))
            .collect();
        parts.extend(referred.iter().map(|r| {
            t.msg_args(
                "ecomap-desc-referral",
                &[("service", &r.recipient()), ("status", &status(r))],
            )
        }));
        t.msg_args("ecomap-desc", &[("ties", &parts.join(", "))])
    };
    let referrals = referred
        .iter()
        .map(|r| ReferralRow {
            href: format!("/referrals/{}", r.id),
            service: r.recipient(),
            status: status(r),
        })
        .collect();
    let form = &shown.form;
    let kinds = TieKind::ALL
        .into_iter()
        .map(|k| Choice {
            code: k.as_str(),
            label: kind_label(t, k),
            selected: form.kind == k.as_str(),
        })
        .collect();
    let strengths = Strength::ALL
        .into_iter()
        .map(|s| Choice {
            code: s.as_str(),
            label: strength_label(t, s),
            selected: form.strength == s.as_str(),
        })
        .collect();
    Ok(EcomapPage {
        case_href: format!("/cases/{}", case.id),
        person,
        size: rules::SIZE,
        centre: rules::SIZE / 2.0,
        nodes,
        desc,
        rows: ties.iter().map(|tie| row(t, tie)).collect(),
        referrals,
        can_write: loaded.access.write
            && crate::chrome::allows(domain::policy::NOTE_WRITERS, signed_in),
        kinds,
        strengths,
        form: shown.form,
        errors: shown.errors,
        notice: shown.notice,
        conflict: shown.conflict,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    edit: Option<Uuid>,
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Query(q): Query<ShowQuery>,
) -> Result<EcomapPage, WebError> {
    let loaded = readable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", id.as_uuid())
        .detail("content", true)
        .detail("ecomap", true)
        .detail("emergency", loaded.access.emergency);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let form = match q.edit {
        Some(tie) if loaded.access.write => {
            store::ecomap::of_case(&state.db, org, id, rules::TIES_MAX as i64)
                .await?
                .iter()
                .find(|t| t.id == tie)
                .map(TieForm::of)
                .unwrap_or_default()
        }
        _ => TieForm::default(),
    };
    let notice = match q.done.as_deref() {
        Some(d @ ("added" | "changed" | "removed")) => {
            Some(ctx.t.msg(&format!("ecomap-notice-{d}")))
        }
        _ => None,
    };
    page(&state, ctx, &signed_in, &loaded, Shown { form, errors: vec![], notice, conflict: None })
        .await
}

/// A case the user writes, or not found.
async fn writable(state: &AppState, signed_in: &SignedIn, id: CaseId) -> Result<Loaded, WebError> {
    let loaded = readable(state, signed_in, id).await?;
    if !loaded.access.write {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

fn refused(t: &Tr, problems: Vec<(&'static str, TieProblem)>) -> Vec<(&'static str, String)> {
    problems.into_iter().map(|(f, p)| (f, problem(t, p))).collect()
}

pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Form(form): Form<TieForm>,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let count = store::ecomap::of_case(&state.db, org, id, rules::TIES_MAX as i64 + 1).await?.len();
    let tie = match rules::parse(&form.input()) {
        Ok(_) if count >= rules::TIES_MAX => Err(vec![(
            "label",
            ctx.t.msg_args("ecomap-error-full", &[("max", &rules::TIES_MAX.to_string())]),
        )]),
        Ok(tie) => Ok(tie),
        Err(problems) => Err(refused(&ctx.t, problems)),
    };
    let tie = match tie {
        Ok(tie) => tie,
        Err(errors) => {
            let shown = Shown { form, errors, notice: None, conflict: None };
            let page = page(&state, ctx, &signed_in, &loaded, shown).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let tie_id = store::ecomap::add(&mut tx, org, id, &tie, me, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("case_tie", tie_id)
        .detail("case", id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/cases/{id}/ecomap?done=added#ties")).into_response())
}

pub async fn change(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    Form(form): Form<TieForm>,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    // A tie id that names nothing is a tie removed meanwhile: the conflict below says so.
    let tie_id: Uuid = form.tie_id.parse().unwrap_or(Uuid::nil());
    let me = signed_in.actor.user_id;
    let remove = form.action == "remove";
    let tie = if remove {
        None
    } else {
        match rules::parse(&form.input()) {
            Ok(tie) => Some(tie),
            Err(problems) => {
                let errors = refused(&ctx.t, problems);
                let shown = Shown { form, errors, notice: None, conflict: None };
                let page = page(&state, ctx, &signed_in, &loaded, shown).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        }
    };
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let done = match &tie {
        None => store::ecomap::remove(&mut tx, org, id, tie_id, form.version).await?,
        Some(tie) => {
            store::ecomap::update(&mut tx, org, id, tie_id, form.version, tie, me, now).await?
        }
    };
    if !done {
        drop(tx);
        // Changed or removed meanwhile: the stored tie beside what was typed, nothing lost.
        let stored = store::ecomap::of_case(&state.db, org, id, rules::TIES_MAX as i64)
            .await?
            .into_iter()
            .find(|t| t.id == tie_id);
        let conflict = Some(stored.as_ref().map(|s| row(&ctx.t, s)));
        let mut form = form;
        if let Some(s) = &stored {
            form.version = s.version;
        }
        let shown = Shown { form, errors: vec![], notice: None, conflict };
        let page = page(&state, ctx, &signed_in, &loaded, shown).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let action = if remove { AuditAction::RecordDeleted } else { AuditAction::RecordUpdated };
    let event = NewAuditEvent::new(action, Some(org))
        .by(me)
        .on("case_tie", tie_id)
        .detail("case", id.to_string());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    let done = if remove { "removed" } else { "changed" };
    Ok(Redirect::to(&format!("/cases/{id}/ecomap?done={done}#ties")).into_response())
}
