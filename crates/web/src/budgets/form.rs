//! The form that records a new budget of a household: its date, who counts (adult or child
//! from the birth date on that date, or as the worker says when there is none; shared
//! custody), the monthly resources and charges. A new budget never replaces an older one.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::budget::{Band, CHARGE_CATEGORIES, counts_by_default};
use domain::lists::ListName;
use domain::money::parse_cents;
use domain::persons::{age_on, iso_date, parse_date};
use domain::{HouseholdId, PersonId};
use store::Ts;
use store::audit::NewAuditEvent;
use store::budgets::{Counted, Line, NewBudget, RecordError};
use uuid::Uuid;

use super::pages::{household, money_problem, names, organisation, style};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;

/// Rows offered for resources (each a category and an amount).
const RESOURCE_ROWS: usize = 6;

type Typed = HashMap<String, String>;

fn field<'a>(typed: &'a Typed, name: &str) -> &'a str {
    typed.get(name).map(String::as_str).unwrap_or_default()
}

pub struct MemberRow {
    pub person_id: PersonId,
    pub name: String,
    /// Age on the budget's date, from the birth date.
    pub age: Option<i32>,
    /// The band the birth date gives (nothing to choose), else what was typed.
    pub known: Option<String>,
    pub band: String,
    pub custody: bool,
}

pub struct ResourceRow {
    pub index: usize,
    pub category: String,
    pub amount: String,
}

pub struct ChargeRow {
    pub code: &'static str,
    pub label: String,
    pub amount: String,
    pub counts: bool,
}

pub struct Option_ {
    pub code: String,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "budgets/form.html")]
pub struct BudgetForm {
    chrome: Chrome,
    action: String,
    budget_href: String,
    names: String,
    date: String,
    members: Vec<MemberRow>,
    resources: Vec<ResourceRow>,
    resource_options: Vec<Option_>,
    charges: Vec<ChargeRow>,
    note: String,
    errors: Vec<(String, String)>,
}

impl BudgetForm {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

/// The household's members on `day` (those who had not left) with how each counts. The
/// arrival date is not used: a household's reference person gets the day it was recorded,
/// which would leave them out of a budget dated a little earlier.
async fn members_on(
    state: &AppState,
    id: HouseholdId,
    day: time::Date,
    typed: &Typed,
) -> Result<Vec<MemberRow>, WebError> {
    let all = store::households::members(&state.db, id).await?;
    Ok(all
        .iter()
        .filter(|m| m.current(day))
        .map(|m| {
            let key = m.person_id.to_string();
            let known = Band::on(m.birth_date, day).map(|b| b.as_str().to_owned());
            MemberRow {
                person_id: m.person_id,
                name: crate::persons::member_name(m),
                age: m.birth_date.map(|b| age_on(b, day)),
                band: known.clone().unwrap_or_else(|| field(typed, &format!("band_{key}")).into()),
                known,
                custody: !field(typed, &format!("custody_{key}")).is_empty(),
            }
        })
        .collect())
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    id: HouseholdId,
    typed: &Typed,
    errors: Vec<(String, String)>,
) -> Result<BudgetForm, WebError> {
    let org = organisation(signed_in)?;
    let t = &ctx.t;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let date = typed.get("budget_date").cloned().unwrap_or_else(|| iso_date(today));
    let day = parse_date(&date).ok().flatten().unwrap_or(today);
    let resource_options = lists
        .offered(ListName::Resources)
        .into_iter()
        .map(|v| Option_ {
            label: crate::persons::list_label(t, &lists, ListName::Resources, &v.code),
            code: v.code,
        })
        .collect();
    Ok(BudgetForm {
        action: format!("/households/{id}/budget/new"),
        budget_href: format!("/households/{id}/budget"),
        names: names(state, id).await?,
        members: members_on(state, id, day, typed).await?,
        resources: (0..RESOURCE_ROWS)
            .map(|i| ResourceRow {
                index: i,
                category: field(typed, &format!("resource_category_{i}")).into(),
                amount: field(typed, &format!("resource_amount_{i}")).into(),
            })
            .collect(),
        resource_options,
        charges: CHARGE_CATEGORIES
            .into_iter()
            .map(|code| ChargeRow {
                code,
                label: t.msg(&format!("budget-charge-{code}")),
                amount: field(typed, &format!("charge_{code}")).into(),
                counts: counts_by_default(code),
            })
            .collect(),
        note: field(typed, "note").into(),
        date,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<HouseholdId>,
) -> Result<BudgetForm, WebError> {
    let org = organisation(&signed_in)?;
    household(&state, org, id).await?;
    form_page(&state, ctx, &signed_in, id, &Typed::new(), vec![]).await
}

/// Reads the typed amounts; problems go to `errors` under each field's id.
fn read_lines(t: &Tr, typed: &Typed, errors: &mut Vec<(String, String)>) -> Vec<Line> {
    let s = style(t);
    let amount = |name: String, errors: &mut Vec<(String, String)>| -> Option<i64> {
        match field(typed, &name).trim() {
            "" => None,
            text => match parse_cents(text, s) {
                Ok(c) if c < 0 => {
                    errors.push((name, t.msg("budget-error-negative")));
                    None
                }
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push((name, money_problem(t, e)));
                    None
                }
            },
        }
    };
    let mut lines = vec![];
    for i in 0..RESOURCE_ROWS {
        let category = field(typed, &format!("resource_category_{i}"));
        let Some(cents) = amount(format!("resource_amount_{i}"), errors) else { continue };
        if category.is_empty() {
            errors.push((format!("resource_category_{i}"), t.msg("budget-error-category")));
            continue;
        }
        lines.push(Line {
            side: "resource".into(),
            category: category.into(),
            label: None,
            amount_cents: cents,
            counts: true,
        });
    }
    for code in CHARGE_CATEGORIES {
        if let Some(cents) = amount(format!("charge_{code}"), errors) {
            lines.push(Line {
                side: "charge".into(),
                category: code.into(),
                label: None,
                amount_cents: cents,
                counts: counts_by_default(code),
            });
        }
    }
    lines
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<HouseholdId>,
    Form(typed): Form<Typed>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    household(&state, org, id).await?;
    let t = &ctx.t;
    let mut errors: Vec<(String, String)> = vec![];
    let day = match parse_date(field(&typed, "budget_date")) {
        Ok(Some(d)) => Some(d),
        Ok(None) | Err(_) => {
            errors.push(("budget_date".into(), t.msg("budget-error-date")));
            None
        }
    };
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let mut lines = read_lines(t, &typed, &mut errors);
    lines.retain(|l| {
        l.side == "charge" || lists.accepts(ListName::Resources, &l.category, None) || {
            errors.push(("resource_category_0".into(), t.msg("budget-error-category")));
            false
        }
    });
    let members = match day {
        Some(d) => members_on(&state, id, d, &typed).await?,
        None => vec![],
    };
    let mut counted = vec![];
    for m in &members {
        match Band::parse(&m.band) {
            Some(band) => counted.push(Counted {
                person_id: m.person_id,
                band: band.as_str().into(),
                declared: m.known.is_none(),
                shared_custody: m.custody,
            }),
            None => errors.push((
                format!("band_{}", m.person_id),
                t.msg_args("budget-error-band", &[("name", &m.name)]),
            )),
        }
    }
    if let Some(day) = day.filter(|_| errors.is_empty()) {
        let note = field(&typed, "note").trim();
        let new = NewBudget {
            id: Uuid::now_v7(),
            organisation_id: org,
            household_id: id,
            budget_date: day,
            lines: &lines,
            members: &counted,
            note: (!note.is_empty()).then_some(note),
            by: Some(signed_in.actor.user_id),
        };
        let mut tx = state.db.begin_write().await?;
        match store::budgets::record(&mut tx, &new, Ts::now()).await {
            Ok(b) => {
                let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
                    .by(signed_in.actor.user_id)
                    .on("budget", b.id)
                    .detail("household", id.to_string());
                audit_trail::record(&mut tx, &meta, event).await?;
                tx.commit().await?;
                return Ok(
                    Redirect::to(&format!("/households/{id}/budget?done=budget")).into_response()
                );
            }
            Err(RecordError::Budget(e)) => errors.push(("members".into(), t.msg(e.code()))),
            Err(RecordError::Store(e)) => return Err(e.into()),
        }
    }
    let page = form_page(&state, ctx, &signed_in, id, &typed, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
