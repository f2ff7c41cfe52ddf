//! The organisation's descriptions of the need levels (0 none … 4 critical), in French and
//! English, organisation-wide or for one life domain: `/admin/assessment-levels`. An empty
//! text means the default of the message files. Each level is saved with its version: a form
//! older than what another manager saved writes nothing and shows both.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::assessments::{self as rules, LevelText};
use domain::audit::AuditAction;
use domain::lists::ListName;
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;

use super::pages::{domain_label, organisation};
use crate::AppState;
use crate::admin::Section;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::persons::{form_pairs, value_of};

/// One level's row of the form.
pub struct LevelRow {
    pub level: u8,
    pub name: String,
    /// The default text, shown as the hint.
    pub default: String,
    /// The organisation-wide text that applies when editing one domain, if any.
    pub inherited: Option<String>,
    pub fr: String,
    pub en: String,
    pub version: i64,
    pub fr_error: Option<String>,
    pub en_error: Option<String>,
    /// What another manager saved meanwhile (conflict), in words.
    pub stored: Option<String>,
}

/// A choice of the domain selector.
pub struct DomainChoice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "assessments/levels.html")]
pub struct LevelsPage {
    chrome: Chrome,
    section: Section,
    domain: String,
    domain_name: String,
    domains: Vec<DomainChoice>,
    rows: Vec<LevelRow>,
    errors: Vec<(String, String)>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct LevelsQuery {
    domain: Option<String>,
    saved: Option<String>,
}

/// The domain asked for: a code of the organisation's list, or empty (organisation-wide).
fn chosen_domain(lists: &domain::lists::Lists, raw: Option<&str>) -> Result<String, WebError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(String::new()),
        Some(code) if lists.values(ListName::LifeDomain).iter().any(|v| v.code == code) => {
            Ok(code.to_owned())
        }
        Some(_) => Err(WebError::NotFound),
    }
}

struct Typed {
    fr: String,
    en: String,
}

#[allow(clippy::too_many_arguments)] // The page, its domain, what was typed and what went wrong.
async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    domain: String,
    typed: Option<Vec<Typed>>,
    errors: Vec<(String, String)>,
    conflict: bool,
    notice: Option<String>,
) -> Result<LevelsPage, WebError> {
    let org = organisation(signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let levels = store::assessments::levels(&state.db, org).await?;
    let t = &ctx.t;
    let error = |field: &str| errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone());
    let rows = rules::LEVELS
        .iter()
        .map(|&l| {
            let stored = levels.stored(&domain, l);
            let (fr, en) = match &typed {
                Some(ts) => (ts[l as usize].fr.clone(), ts[l as usize].en.clone()),
                None => (
                    stored.and_then(|s| s.label_fr.clone()).unwrap_or_default(),
                    stored.and_then(|s| s.label_en.clone()).unwrap_or_default(),
                ),
            };
            let inherited = if domain.is_empty() {
                None
            } else {
                levels.own("", l, t.lang()).map(str::to_owned)
            };
            LevelRow {
                level: l,
                name: t.msg(&format!("assessment-level-{l}")),
                default: t.msg(&format!("assessment-level-{l}-hint")),
                inherited,
                fr,
                en,
                version: stored.map_or(0, |s| s.version),
                fr_error: error(&format!("fr-{l}")),
                en_error: error(&format!("en-{l}")),
                stored: if conflict {
                    stored.map(|s| {
                        format!(
                            "{} / {}",
                            s.label_fr.as_deref().unwrap_or("—"),
                            s.label_en.as_deref().unwrap_or("—")
                        )
                    })
                } else {
                    None
                },
            }
        })
        .collect();
    let mut domains = vec![DomainChoice {
        code: String::new(),
        label: t.msg("assessment-levels-all-domains"),
        selected: domain.is_empty(),
    }];
    domains.extend(lists.values(ListName::LifeDomain).into_iter().map(|v| DomainChoice {
        label: domain_label(t, &lists, &v.code),
        selected: v.code == domain,
        code: v.code,
    }));
    let domain_name = if domain.is_empty() {
        t.msg("assessment-levels-all-domains")
    } else {
        domain_label(t, &lists, &domain)
    };
    Ok(LevelsPage {
        section: Section::AssessmentLevels,
        domain,
        domain_name,
        domains,
        rows,
        errors,
        notice,
        chrome: Chrome::new(ctx, state, Nav::Admin),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(q): Query<LevelsQuery>,
) -> Result<LevelsPage, WebError> {
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let domain = chosen_domain(&lists, q.domain.as_deref())?;
    let notice = q.saved.is_some().then(|| ctx.t.msg("assessment-levels-saved"));
    page(&state, ctx, &signed_in, domain, None, vec![], false, notice).await
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
    let domain = chosen_domain(&lists, value_of(&pairs, "domain"))?;
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").to_owned();
    let typed: Vec<Typed> = rules::LEVELS
        .iter()
        .map(|l| Typed { fr: get(&format!("fr-{l}")), en: get(&format!("en-{l}")) })
        .collect();
    let mut errors = Vec::new();
    let mut texts = Vec::new();
    for (&l, ty) in rules::LEVELS.iter().zip(&typed) {
        let mut one = |lang: &str, raw: &str| match rules::parse_level_text(raw) {
            Ok(v) => v,
            Err(rules::Problem::TooLong { max }) => {
                errors.push((
                    format!("{lang}-{l}"),
                    ctx.t.msg_args("person-error-too-long", &[("max", &max.to_string())]),
                ));
                None
            }
            Err(_) => {
                errors.push((format!("{lang}-{l}"), ctx.t.msg("assessment-error-one-line")));
                None
            }
        };
        let fr = one("fr", &ty.fr);
        let en = one("en", &ty.en);
        let version: i64 =
            value_of(&pairs, &format!("version-{l}")).and_then(|v| v.parse().ok()).unwrap_or(0);
        let text =
            LevelText { domain: domain.clone(), level: l, label_fr: fr, label_en: en, version: 0 };
        texts.push((text, version));
    }
    if !errors.is_empty() {
        let p = page(&state, ctx, &signed_in, domain, Some(typed), errors, false, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    }
    let stored = store::assessments::levels(&state.db, org).await?;
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let mut changed = Vec::new();
    for (text, version) in &texts {
        let current = stored.stored(&domain, text.level);
        let same = match current {
            Some(c) => c.label_fr == text.label_fr && c.label_en == text.label_en,
            None => text.label_fr.is_none() && text.label_en.is_none(),
        };
        if same {
            // What is stored now is what was typed: nothing to write, whatever the version.
            continue;
        }
        if !store::assessments::save_level(&mut tx, org, text, *version, now).await? {
            drop(tx);
            let message = ctx.t.msg("assessment-levels-conflict");
            let p = page(
                &state,
                ctx,
                &signed_in,
                domain,
                Some(typed),
                vec![("levels-heading".to_owned(), message)],
                true,
                None,
            )
            .await?;
            return Ok((StatusCode::CONFLICT, p).into_response());
        }
        changed.push(i64::from(text.level));
    }
    if !changed.is_empty() {
        let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
            .by(signed_in.actor.user_id)
            .on("organisation", org.as_uuid())
            .detail("assessment_levels", changed)
            .detail("domain", domain.clone());
        audit_trail::record(&mut tx, &meta, event).await?;
    }
    tx.commit().await?;
    let mut to = "/admin/assessment-levels?saved=1".to_owned();
    if !domain.is_empty() {
        // A list code: lowercase letters, digits and underscores, nothing to escape.
        to.push_str(&format!("&domain={domain}"));
    }
    Ok(Redirect::to(&to).into_response())
}
