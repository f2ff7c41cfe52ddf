//! The aid catalogue's rules, editable without code by the organisation's managers: for each
//! type offered (the `aid_type` value list, where types are named, hidden or added), whether
//! the form asks an amount, the documents the file needs, the yearly maximum per person, who
//! decides; and whether commission agendas are pseudonymised.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::aid::{self as rules, DecidedBy, Rules};
use domain::audit::AuditAction;
use domain::lists::ListName;
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;

use super::{Choice, amount, notice, organisation, problem, style, type_label};
use crate::AppState;
use crate::admin::Section;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::persons::{form_pairs, list_label, value_of};

type Errors = Vec<(&'static str, String)>;

pub struct TypeRow {
    pub code: String,
    pub label: String,
    pub kind: String,
    pub amount: bool,
    pub documents: String,
    pub maximum: String,
    pub deciders: String,
}

/// The form of one type's rules, as stored or as typed.
#[derive(Default)]
pub struct Edit {
    pub code: String,
    pub label: String,
    pub asks_amount: bool,
    pub documents: Vec<Choice>,
    pub maximum: String,
    pub decided_by: Vec<Choice>,
    pub deciders: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "aid/catalogue.html")]
pub struct CataloguePage {
    chrome: Chrome,
    section: Section,
    rows: Vec<TypeRow>,
    pseudonymised: bool,
    edit: Option<Edit>,
    notice: Option<String>,
    errors: Errors,
}

impl CataloguePage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct IndexQuery {
    #[serde(rename = "type")]
    aid_type: Option<String>,
    done: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    edit: Option<Edit>,
    errors: Errors,
    done: Option<&str>,
) -> Result<CataloguePage, WebError> {
    let org = organisation(signed_in)?;
    let t = &ctx.t;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let mut rows = Vec::new();
    for v in lists.offered(ListName::AidType) {
        let r = store::aid::rules(&state.db, org, &v.code).await?;
        rows.push(TypeRow {
            label: type_label(t, &lists, &v.code),
            kind: t.msg(&format!("aid-kind-{}", rules::kind(&v.code).as_str())),
            amount: r.asks_amount,
            documents: r
                .required_documents
                .iter()
                .map(|d| list_label(t, &lists, ListName::DocumentType, d))
                .collect::<Vec<_>>()
                .join(", "),
            maximum: amount(t, r.max_cents_per_year),
            deciders: match r.deciders.trim() {
                "" => t.msg(&format!("aid-decided-by-{}", r.decided_by.as_str())),
                own => format!(
                    "{} ({own})",
                    t.msg(&format!("aid-decided-by-{}", r.decided_by.as_str()))
                ),
            },
            code: v.code,
        });
    }
    Ok(CataloguePage {
        rows,
        pseudonymised: store::aid::pseudonymised_agenda(&state.db, org).await?,
        edit,
        notice: notice(t, done),
        errors,
        section: Section::Aid,
        chrome: Chrome::new(ctx, state, Nav::Admin),
    })
}

fn edit_view(
    t: &crate::i18n::Tr,
    lists: &domain::lists::Lists,
    code: &str,
    r: &Rules,
    maximum: String,
) -> Edit {
    Edit {
        code: code.to_owned(),
        label: type_label(t, lists, code),
        asks_amount: r.asks_amount,
        documents: lists
            .values(ListName::DocumentType)
            .into_iter()
            .filter(|v| !v.hidden || r.required_documents.contains(&v.code))
            .map(|v| Choice {
                label: list_label(t, lists, ListName::DocumentType, &v.code),
                selected: r.required_documents.contains(&v.code),
                code: v.code,
            })
            .collect(),
        maximum,
        decided_by: DecidedBy::ALL
            .iter()
            .map(|d| Choice {
                code: d.as_str().into(),
                label: t.msg(&format!("aid-decided-by-{}", d.as_str())),
                selected: *d == r.decided_by,
            })
            .collect(),
        deciders: r.deciders.clone(),
    }
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<IndexQuery>,
) -> Result<CataloguePage, WebError> {
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let edit = match q.aid_type.as_deref() {
        Some(code) if lists.accepts(ListName::AidType, code, None) => {
            let r = store::aid::rules(&state.db, org, code).await?;
            let maximum = r
                .max_cents_per_year
                .map(|c| domain::money::format_input(c, style(&ctx.t)))
                .unwrap_or_default();
            Some(edit_view(&ctx.t, &lists, code, &r, maximum))
        }
        _ => None,
    };
    page(&state, ctx, &signed_in, edit, vec![], q.done.as_deref()).await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").to_owned();
    let code = get("code");
    if !lists.accepts(ListName::AidType, &code, None) {
        let errors = vec![("code", problem(&ctx.t, rules::Problem::TypeRequired))];
        let page = page(&state, ctx, &signed_in, None, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let documents: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| k == "documents" && lists.accepts(ListName::DocumentType, v, None))
        .map(|(_, v)| v.clone())
        .collect();
    let maximum = get("maximum");
    let mut errors: Errors = Vec::new();
    let max = rules::parse_amount(&maximum, style(&ctx.t)).unwrap_or_else(|p| {
        errors.push(("maximum", problem(&ctx.t, p)));
        None
    });
    let deciders = get("deciders").trim().to_owned();
    if deciders.chars().count() > rules::NAME_MAX {
        errors
            .push(("deciders", problem(&ctx.t, rules::Problem::TooLong { max: rules::NAME_MAX })));
    }
    let new = Rules {
        asks_amount: value_of(&pairs, "asks_amount") == Some("yes"),
        required_documents: documents,
        max_cents_per_year: max,
        decided_by: DecidedBy::parse(&get("decided_by")).unwrap_or(DecidedBy::Commission),
        deciders,
    };
    if !errors.is_empty() {
        let edit = edit_view(&ctx.t, &lists, &code, &new, maximum);
        let page = page(&state, ctx, &signed_in, Some(edit), errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin_write().await?;
    store::aid::set_rules(&mut tx, org, &code, &new, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(signed_in.actor.user_id)
        .detail("aid_type", code.clone())
        .detail("decided_by", new.decided_by.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/aid?done=saved").into_response())
}

#[derive(Deserialize, Default)]
pub struct AgendaForm {
    #[serde(default)]
    pseudonymised: String,
}

pub async fn save_agenda(
    State(state): State<AppState>,
    meta: RequestMeta,
    signed_in: SignedIn,
    axum::Form(form): axum::Form<AgendaForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let on = form.pseudonymised == "yes";
    let mut tx = state.db.begin_write().await?;
    store::aid::set_pseudonymised_agenda(&mut tx, org, on).await?;
    let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(signed_in.actor.user_id)
        .detail("aid_pseudonymised_agenda", on);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/aid?done=saved").into_response())
}
