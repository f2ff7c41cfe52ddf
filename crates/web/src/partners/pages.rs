//! The directory's pages: the list with its search, a partner's page with its services and the
//! organisation's private notes, and the forms that add and change partners and services. A
//! form made from an older version than the stored one is refused with both versions shown,
//! the user's typing kept in the form.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::lists::{ListName, Lists};
use domain::partners::{
    FieldProblem, PAGE_SIZE, PartnerDraft, PartnerFields, PartnerKind, SearchQuery, ServiceDraft,
    ServiceFields, validate_partner, validate_service,
};
use domain::policy;
use domain::{OrganisationId, PartnerId, PartnerServiceId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::partners::{Partner, Service};
use uuid::Uuid;

use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, list_label, value_of};

/// The life domain list of the user's organisation (the defaults for an instance
/// administrator acting in none).
pub(super) async fn lists_of(state: &AppState, signed_in: &SignedIn) -> Result<Lists, WebError> {
    Ok(match signed_in.actor.organisation() {
        Some(org) => store::lists::for_organisation(&state.db, org).await?,
        None => Lists::new(vec![]),
    })
}

/// The life domain codes a service may be tagged with by this user.
pub(super) fn allowed_domains(lists: &Lists) -> Vec<String> {
    lists.values(ListName::LifeDomain).into_iter().map(|v| v.code).collect()
}

fn domain_options(t: &Tr, lists: &Lists) -> Vec<(String, String)> {
    lists
        .offered(ListName::LifeDomain)
        .into_iter()
        .map(|v| {
            let label = list_label(t, lists, ListName::LifeDomain, &v.code);
            (v.code, label)
        })
        .collect()
}

pub(super) fn kind_label(t: &Tr, code: &str) -> String {
    let kind = PartnerKind::parse(code).unwrap_or(PartnerKind::Other);
    t.msg(&format!("partner-kind-{}", kind.as_str().replace('_', "-")))
}

fn kind_options(t: &Tr) -> Vec<(String, String)> {
    PartnerKind::ALL.iter().map(|k| (k.as_str().to_owned(), kind_label(t, k.as_str()))).collect()
}

pub(super) fn field_label(t: &Tr, field: &str) -> String {
    t.msg(&format!("partner-field-{}", field.replace('_', "-")))
}

pub(super) fn problem_text(t: &Tr, p: &FieldProblem) -> String {
    match p {
        FieldProblem::Required => t.msg("partner-error-required"),
        FieldProblem::TooLong { max } => t.msg_count("partner-error-too-long", &(*max as i64)),
        FieldProblem::Email => t.msg("partner-error-email"),
        FieldProblem::Website => t.msg("partner-error-website"),
        FieldProblem::Kind => t.msg("partner-error-kind"),
        FieldProblem::Domain(code) => t.msg_args("partner-error-domain", &[("code", code)]),
    }
}

fn errors_of(t: &Tr, problems: &[(&'static str, FieldProblem)]) -> Vec<(String, String)> {
    problems
        .iter()
        .map(|(f, p)| {
            let msg = format!("{} : {}", field_label(t, f), problem_text(t, p));
            ((*f).to_owned(), msg)
        })
        .collect()
}

fn when(ts: Ts, signed_in: &SignedIn) -> String {
    crate::dates::for_user(ts, signed_in)
}

async fn audit(
    tx: &mut store::Tx,
    meta: &RequestMeta,
    signed_in: &SignedIn,
    action: AuditAction,
    subject: (&str, Uuid),
    detail: (&str, String),
) -> Result<(), WebError> {
    let event = NewAuditEvent::new(action, signed_in.actor.organisation())
        .by(signed_in.actor.user_id)
        .on(subject.0, subject.1)
        .detail(detail.0, detail.1);
    audit_trail::record(tx, meta, event).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The list and its search.

pub struct HitView {
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub kind: String,
    pub service: Option<String>,
    pub place: String,
    pub domains: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "partners/index.html")]
pub struct IndexPage {
    chrome: Chrome,
    q: String,
    domain: String,
    area: String,
    domains: Vec<(String, String)>,
    hits: Vec<HitView>,
    searched: bool,
    summary: String,
    prev: Option<String>,
    next: Option<String>,
    can_edit: bool,
}

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    area: String,
    page: Option<i64>,
}

fn page_url(p: &SearchParams, page: i64) -> String {
    let query = serde_urlencoded::to_string([
        ("q", p.q.as_str()),
        ("domain", p.domain.as_str()),
        ("area", p.area.as_str()),
        ("page", &page.to_string()),
    ])
    .unwrap_or_default();
    format!("/partners?{query}")
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Query(params): Query<SearchParams>,
) -> Result<IndexPage, WebError> {
    let lists = lists_of(&state, &signed_in).await?;
    let query = SearchQuery::parse(&params.q, &params.domain, &params.area, params.page);
    let (total, hits) = store::partners::search(&state.db, &query).await?;
    let t = &ctx.t;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let summary = if total == 0 {
        t.msg("partners-none")
    } else {
        format!(
            "{}, {}",
            t.msg_count("partners-count", &total),
            t.msg_args(
                "partners-page-of",
                &[("page", &query.page.to_string()), ("pages", &pages.to_string())],
            )
        )
    };
    let hits = hits
        .into_iter()
        .map(|h| HitView {
            partner_id: h.partner_id,
            kind: kind_label(t, &h.partner_kind),
            partner_name: h.partner_name,
            place: h
                .area_served
                .filter(|a| !a.is_empty())
                .or(h.service_city.filter(|c| !c.is_empty()))
                .unwrap_or(h.partner_city),
            service: h.service_name,
            domains: h
                .domains
                .iter()
                .map(|d| list_label(t, &lists, ListName::LifeDomain, d))
                .collect(),
        })
        .collect();
    Ok(IndexPage {
        domains: domain_options(t, &lists),
        hits,
        searched: !query.is_empty(),
        summary,
        prev: (query.page > 1).then(|| page_url(&params, query.page - 1)),
        next: (query.page < pages).then(|| page_url(&params, query.page + 1)),
        can_edit: policy::may_edit_directory(&signed_in.actor),
        q: params.q,
        domain: params.domain,
        area: params.area,
        chrome: Chrome::new(ctx, &state, Nav::Partners),
    })
}

// ---------------------------------------------------------------------------------------------
// A partner's page.

pub struct ServiceView {
    pub id: PartnerServiceId,
    pub name: String,
    /// (label, value) of the filled fields, in the form's order.
    pub details: Vec<(String, String)>,
    pub domains: Vec<String>,
    pub changed: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "partners/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    id: PartnerId,
    name: String,
    kind: String,
    details: Vec<(String, String)>,
    website: String,
    linked: Option<String>,
    created: String,
    changed: String,
    services: Vec<ServiceView>,
    can_edit: bool,
    /// The organisation's notes, when the user reads them.
    notes: Option<NotesView>,
    notice: Option<String>,
}

pub struct NotesView {
    pub organisation: String,
    pub contacts: String,
    pub notes: String,
    pub version: String,
    pub changed: Option<String>,
    pub write: bool,
    /// The stored notes when the user's form was made from an older version.
    pub conflict: Option<(String, String, String)>,
}

fn filled(t: &Tr, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(f, v)| (field_label(t, f), (*v).to_owned()))
        .collect()
}

fn partner_details(t: &Tr, p: &PartnerFields) -> Vec<(String, String)> {
    filled(
        t,
        &[
            ("description", &p.description),
            ("phone", &p.phone),
            ("email", &p.email),
            ("address", &p.address),
            ("postal_code", &p.postal_code),
            ("city", &p.city),
        ],
    )
}

fn service_details(t: &Tr, s: &ServiceFields) -> Vec<(String, String)> {
    filled(
        t,
        &[
            ("description", &s.description),
            ("eligibility", &s.eligibility),
            ("area_served", &s.area_served),
            ("address", &s.address),
            ("postal_code", &s.postal_code),
            ("city", &s.city),
            ("hours", &s.hours),
            ("languages", &s.languages),
            ("phone", &s.phone),
            ("email", &s.email),
            ("website", &s.website),
            ("contacts", &s.contacts),
            ("how_to_refer", &s.how_to_refer),
        ],
    )
}

fn changed_line(t: &Tr, who: &Option<String>, at: Ts, signed_in: &SignedIn, key: &str) -> String {
    let unknown = t.msg("partners-someone");
    t.msg_args(key, &[("name", who.as_deref().unwrap_or(&unknown)), ("date", &when(at, signed_in))])
}

async fn partner_or_404(state: &AppState, id: PartnerId) -> Result<Partner, WebError> {
    store::partners::find_partner(&state.db, id).await?.ok_or(WebError::NotFound)
}

#[allow(clippy::too_many_arguments)] // The page, and what a failed notes form said.
async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    partner: Partner,
    notice: Option<String>,
    typed_notes: Option<(String, String, String)>,
    conflict: Option<(String, String, String)>,
) -> Result<ShowPage, WebError> {
    let lists = lists_of(state, signed_in).await?;
    let services = store::partners::services_of(&state.db, partner.id).await?;
    let t = &ctx.t;
    let notes = match policy::partner_notes_access(&signed_in.actor) {
        None => None,
        Some(access) => {
            let stored =
                store::partners::notes(&state.db, partner.id, access.organisation_id).await?;
            let (contacts, text, version) = match (&typed_notes, &stored) {
                (Some(typed), _) => typed.clone(),
                (None, Some(n)) => (n.contacts.clone(), n.notes.clone(), n.version.to_string()),
                (None, None) => Default::default(),
            };
            Some(NotesView {
                organisation: signed_in.organisation_name.clone().unwrap_or_default(),
                contacts,
                notes: text,
                version,
                changed: stored.as_ref().map(|n| {
                    changed_line(t, &n.updated_by_name, n.updated_at, signed_in, "partners-changed")
                }),
                write: access.write,
                conflict,
            })
        }
    };
    let fields = partner.fields();
    Ok(ShowPage {
        id: partner.id,
        kind: kind_label(t, &partner.kind),
        details: partner_details(t, &fields),
        website: fields.website.clone(),
        linked: partner.linked_organisation_name.clone(),
        created: changed_line(
            t,
            &partner.created_by_name,
            partner.created_at,
            signed_in,
            "partners-created",
        ),
        changed: changed_line(
            t,
            &partner.updated_by_name,
            partner.updated_at,
            signed_in,
            "partners-changed",
        ),
        services: services
            .iter()
            .map(|s| ServiceView {
                id: s.id,
                name: s.name.clone(),
                details: service_details(t, &s.fields()),
                domains: s
                    .domains
                    .iter()
                    .map(|d| list_label(t, &lists, ListName::LifeDomain, d))
                    .collect(),
                changed: changed_line(
                    t,
                    &s.updated_by_name,
                    s.updated_at,
                    signed_in,
                    "partners-changed",
                ),
            })
            .collect(),
        can_edit: policy::may_edit_directory(&signed_in.actor),
        notes,
        notice,
        name: partner.name,
        chrome: Chrome::new(ctx, state, Nav::Partners),
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<PartnerId>,
    Query(q): Query<ShowQuery>,
) -> Result<ShowPage, WebError> {
    let partner = partner_or_404(&state, id).await?;
    let notice = q.saved.as_deref().map(|what| match what {
        "service" => ctx.t.msg("partners-saved-service"),
        "notes" => ctx.t.msg("partners-saved-notes"),
        _ => ctx.t.msg("partners-saved"),
    });
    show_page(&state, ctx, &signed_in, partner, notice, None, None).await
}

pub async fn save_notes(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PartnerId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let access = policy::partner_notes_access(&signed_in.actor)
        .filter(|a| a.write)
        .ok_or(WebError::NotFound)?;
    let partner = partner_or_404(&state, id).await?;
    let pairs = form_pairs(&body);
    let contacts = value_of(&pairs, "contacts").unwrap_or("").trim().to_owned();
    let notes = value_of(&pairs, "notes").unwrap_or("").trim().to_owned();
    let version_text = value_of(&pairs, "version").unwrap_or("").trim().to_owned();
    let expected = version_text.parse::<i64>().ok();
    if contacts.chars().count() > domain::partners::TEXT_MAX
        || notes.chars().count() > domain::partners::TEXT_MAX
    {
        let typed = (contacts, notes, version_text);
        let notice =
            Some(ctx.t.msg_count("partner-error-too-long", &(domain::partners::TEXT_MAX as i64)));
        let page = show_page(&state, ctx, &signed_in, partner, notice, Some(typed), None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let org: OrganisationId = access.organisation_id;
    let mut tx = state.db.begin_write().await?;
    let me = signed_in.actor.user_id;
    let saved =
        store::partners::save_notes(&mut tx, id, org, expected, &contacts, &notes, me, Ts::now())
            .await?;
    if !saved {
        drop(tx);
        let stored = store::partners::notes(&state.db, id, org).await?;
        let (theirs, version) = match &stored {
            Some(n) => (
                (
                    n.contacts.clone(),
                    n.notes.clone(),
                    changed_line(
                        &ctx.t,
                        &n.updated_by_name,
                        n.updated_at,
                        &signed_in,
                        "partners-changed",
                    ),
                ),
                n.version.to_string(),
            ),
            None => (Default::default(), String::new()),
        };
        // The user's text stays in the form, now made from the stored version: saving again
        // replaces the colleague's, knowingly.
        let typed = (contacts, notes, version);
        let page =
            show_page(&state, ctx, &signed_in, partner, None, Some(typed), Some(theirs)).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let action =
        if expected.is_none() { AuditAction::RecordCreated } else { AuditAction::RecordUpdated };
    audit(
        &mut tx,
        &meta,
        &signed_in,
        action,
        ("partner_private_notes", id.as_uuid()),
        ("partner", id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/partners/{id}?saved=notes#notes")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Form fields, as the templates show them.

/// One text field of a form.
pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    pub hint: Option<String>,
    /// `text`, `email`, `url`, `tel`; `textarea` for several lines.
    pub input: &'static str,
    pub autocomplete: &'static str,
}

fn field_views(
    t: &Tr,
    errors: &[(String, String)],
    specs: &[(&'static str, &str, &'static str, &'static str)],
) -> Vec<FieldView> {
    specs
        .iter()
        .map(|(name, value, input, autocomplete)| FieldView {
            name,
            label: field_label(t, name),
            value: (*value).to_owned(),
            error: errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone()),
            hint: matches!(*name, "area_served" | "languages" | "contacts")
                .then(|| t.msg(&format!("partner-hint-{}", name.replace('_', "-")))),
            input,
            autocomplete,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The partner form.

#[derive(Template, WebTemplate)]
#[template(path = "partners/partner_form.html")]
pub struct PartnerFormPage {
    chrome: Chrome,
    /// The partner changed (none when adding one).
    id: Option<PartnerId>,
    draft: PartnerDraft,
    fields: Vec<FieldView>,
    linked: String,
    kinds: Vec<(String, String)>,
    organisations: Vec<(String, String)>,
    version: String,
    errors: Vec<(String, String)>,
    /// The stored entry, field by field, when the form was made from an older version.
    conflict: Option<Vec<(String, String)>>,
}

impl PartnerFormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

fn partner_draft(pairs: &[(String, String)]) -> PartnerDraft {
    let v = |k: &str| value_of(pairs, k).unwrap_or("").to_owned();
    PartnerDraft {
        name: v("name"),
        kind: v("kind"),
        description: v("description"),
        website: v("website"),
        phone: v("phone"),
        email: v("email"),
        address: v("address"),
        postal_code: v("postal_code"),
        city: v("city"),
    }
}

#[allow(clippy::too_many_arguments)] // The form, and what a failed submission said.
async fn partner_form(
    state: &AppState,
    ctx: PageCtx,
    id: Option<PartnerId>,
    draft: PartnerDraft,
    linked: String,
    version: String,
    errors: Vec<(String, String)>,
    conflict: Option<Vec<(String, String)>>,
) -> Result<PartnerFormPage, WebError> {
    let organisations = store::partners::hosted_organisations(&state.db)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let d = &draft;
    let fields = field_views(
        &ctx.t,
        &errors,
        &[
            ("name", &d.name, "text", "organization"),
            ("description", &d.description, "textarea", "off"),
            ("website", &d.website, "url", "url"),
            ("phone", &d.phone, "tel", "tel"),
            ("email", &d.email, "email", "email"),
            ("address", &d.address, "text", "street-address"),
            ("postal_code", &d.postal_code, "text", "postal-code"),
            ("city", &d.city, "text", "address-level2"),
        ],
    );
    Ok(PartnerFormPage {
        fields,
        kinds: kind_options(&ctx.t),
        organisations,
        chrome: Chrome::new(ctx, state, Nav::Partners),
        id,
        draft,
        linked,
        version,
        errors,
        conflict,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
) -> Result<PartnerFormPage, WebError> {
    partner_form(
        &state,
        ctx,
        None,
        PartnerDraft { kind: PartnerKind::Other.as_str().to_owned(), ..Default::default() },
        String::new(),
        String::new(),
        vec![],
        None,
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<PartnerId>,
) -> Result<PartnerFormPage, WebError> {
    let p = partner_or_404(&state, id).await?;
    let linked = p.linked_organisation_id.map(|o| o.to_string()).unwrap_or_default();
    partner_form(
        &state,
        ctx,
        Some(id),
        p.fields().draft(),
        linked,
        p.version.to_string(),
        vec![],
        None,
    )
    .await
}

/// The hosted organisation chosen, if it is one.
async fn linked_of(state: &AppState, raw: &str) -> Result<Option<OrganisationId>, WebError> {
    let Ok(id) = raw.trim().parse::<Uuid>() else { return Ok(None) };
    let known = store::partners::hosted_organisations(&state.db).await?;
    Ok(known.iter().any(|(o, _)| *o == id).then_some(OrganisationId::from_uuid(id)))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let pairs = form_pairs(&body);
    let draft = partner_draft(&pairs);
    let linked_raw = value_of(&pairs, "linked_organisation").unwrap_or("").to_owned();
    let fields = match validate_partner(&draft) {
        Ok(f) => f,
        Err(problems) => {
            let errors = errors_of(&ctx.t, &problems);
            let page =
                partner_form(&state, ctx, None, draft, linked_raw, String::new(), errors, None)
                    .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let linked = linked_of(&state, &linked_raw).await?;
    let id = PartnerId::new();
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    store::partners::insert_partner(&mut tx, id, None, &fields, linked, Some(me), Ts::now())
        .await?;
    audit(
        &mut tx,
        &meta,
        &signed_in,
        AuditAction::RecordCreated,
        ("partner", id.as_uuid()),
        ("kind", fields.kind.as_str().to_owned()),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/partners/{id}?saved=partner")).into_response())
}

fn partner_conflict(t: &Tr, p: &Partner) -> Vec<(String, String)> {
    let f = p.fields();
    let mut out = vec![
        (field_label(t, "name"), f.name.clone()),
        (field_label(t, "kind"), kind_label(t, &p.kind)),
    ];
    out.extend(filled(t, &[("website", &f.website)]));
    out.extend(partner_details(t, &f));
    out
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<PartnerId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let stored = partner_or_404(&state, id).await?;
    let pairs = form_pairs(&body);
    let draft = partner_draft(&pairs);
    let linked_raw = value_of(&pairs, "linked_organisation").unwrap_or("").to_owned();
    let version = value_of(&pairs, "version").unwrap_or("").to_owned();
    let fields = match validate_partner(&draft) {
        Ok(f) => f,
        Err(problems) => {
            let errors = errors_of(&ctx.t, &problems);
            let page =
                partner_form(&state, ctx, Some(id), draft, linked_raw, version, errors, None)
                    .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let linked = linked_of(&state, &linked_raw).await?;
    let expected = version.trim().parse::<i64>().unwrap_or(0);
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let changed = store::partners::update_partner(
        &mut tx,
        id,
        Some(expected),
        &fields,
        linked,
        Some(me),
        Ts::now(),
    )
    .await?;
    if !changed {
        drop(tx);
        let current = partner_or_404(&state, id).await.unwrap_or(stored);
        let theirs = partner_conflict(&ctx.t, &current);
        let errors = vec![("conflict".to_owned(), ctx.t.msg("partners-conflict"))];
        let page = partner_form(
            &state,
            ctx,
            Some(id),
            draft,
            linked_raw,
            current.version.to_string(),
            errors,
            Some(theirs),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let link_changed = stored.linked_organisation_id != linked.map(|o| o.as_uuid());
    let mut event = NewAuditEvent::new(AuditAction::RecordUpdated, signed_in.actor.organisation())
        .by(me)
        .on("partner", id.as_uuid())
        .detail("version", expected + 1);
    if link_changed {
        event = event.detail("linked_organisation", linked.map(|o| o.to_string()));
    }
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/partners/{id}?saved=partner")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The service form.

#[derive(Template, WebTemplate)]
#[template(path = "partners/service_form.html")]
pub struct ServiceFormPage {
    chrome: Chrome,
    partner_id: PartnerId,
    partner_name: String,
    id: Option<PartnerServiceId>,
    draft: ServiceDraft,
    fields: Vec<FieldView>,
    domains: Vec<(String, String)>,
    version: String,
    errors: Vec<(String, String)>,
    conflict: Option<Vec<(String, String)>>,
}

impl ServiceFormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    fn checked(&self, code: &str) -> bool {
        self.draft.domains.iter().any(|d| d == code)
    }
}

fn service_draft(pairs: &[(String, String)]) -> ServiceDraft {
    let v = |k: &str| value_of(pairs, k).unwrap_or("").to_owned();
    ServiceDraft {
        name: v("name"),
        description: v("description"),
        eligibility: v("eligibility"),
        area_served: v("area_served"),
        address: v("address"),
        postal_code: v("postal_code"),
        city: v("city"),
        phone: v("phone"),
        email: v("email"),
        website: v("website"),
        hours: v("hours"),
        languages: v("languages"),
        contacts: v("contacts"),
        how_to_refer: v("how_to_refer"),
        domains: pairs.iter().filter(|(k, _)| k == "domains").map(|(_, v)| v.clone()).collect(),
    }
}

#[allow(clippy::too_many_arguments)] // The form, and what a failed submission said.
async fn service_form(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    partner: &Partner,
    id: Option<PartnerServiceId>,
    draft: ServiceDraft,
    version: String,
    errors: Vec<(String, String)>,
    conflict: Option<Vec<(String, String)>>,
) -> Result<ServiceFormPage, WebError> {
    let lists = lists_of(state, signed_in).await?;
    let d = &draft;
    let fields = field_views(
        &ctx.t,
        &errors,
        &[
            ("name", &d.name, "text", "off"),
            ("description", &d.description, "textarea", "off"),
            ("eligibility", &d.eligibility, "textarea", "off"),
            ("area_served", &d.area_served, "text", "off"),
            ("address", &d.address, "text", "street-address"),
            ("postal_code", &d.postal_code, "text", "postal-code"),
            ("city", &d.city, "text", "address-level2"),
            ("hours", &d.hours, "textarea", "off"),
            ("languages", &d.languages, "text", "off"),
            ("phone", &d.phone, "tel", "tel"),
            ("email", &d.email, "email", "email"),
            ("website", &d.website, "url", "url"),
            ("contacts", &d.contacts, "textarea", "off"),
            ("how_to_refer", &d.how_to_refer, "textarea", "off"),
        ],
    );
    Ok(ServiceFormPage {
        fields,
        domains: domain_options(&ctx.t, &lists),
        chrome: Chrome::new(ctx, state, Nav::Partners),
        partner_id: partner.id,
        partner_name: partner.name.clone(),
        id,
        draft,
        version,
        errors,
        conflict,
    })
}

pub async fn new_service_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(partner_id): Path<PartnerId>,
) -> Result<ServiceFormPage, WebError> {
    let partner = partner_or_404(&state, partner_id).await?;
    service_form(
        &state,
        ctx,
        &signed_in,
        &partner,
        None,
        ServiceDraft::default(),
        String::new(),
        vec![],
        None,
    )
    .await
}

async fn service_or_404(
    state: &AppState,
    partner: PartnerId,
    id: PartnerServiceId,
) -> Result<Service, WebError> {
    store::partners::find_service(&state.db, partner, id).await?.ok_or(WebError::NotFound)
}

pub async fn edit_service_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path((partner_id, id)): Path<(PartnerId, PartnerServiceId)>,
) -> Result<ServiceFormPage, WebError> {
    let partner = partner_or_404(&state, partner_id).await?;
    let s = service_or_404(&state, partner_id, id).await?;
    service_form(
        &state,
        ctx,
        &signed_in,
        &partner,
        Some(id),
        s.fields().draft(),
        s.version.to_string(),
        vec![],
        None,
    )
    .await
}

pub async fn create_service(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(partner_id): Path<PartnerId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let partner = partner_or_404(&state, partner_id).await?;
    let draft = service_draft(&form_pairs(&body));
    let lists = lists_of(&state, &signed_in).await?;
    let fields = match validate_service(&draft, &allowed_domains(&lists)) {
        Ok(f) => f,
        Err(problems) => {
            let errors = errors_of(&ctx.t, &problems);
            let page = service_form(
                &state,
                ctx,
                &signed_in,
                &partner,
                None,
                draft,
                String::new(),
                errors,
                None,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let id = PartnerServiceId::new();
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    store::partners::insert_service(&mut tx, id, partner_id, None, &fields, Some(me), Ts::now())
        .await?;
    audit(
        &mut tx,
        &meta,
        &signed_in,
        AuditAction::RecordCreated,
        ("partner_service", id.as_uuid()),
        ("partner", partner_id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/partners/{partner_id}?saved=service#service-{id}")).into_response())
}

pub async fn update_service(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path((partner_id, id)): Path<(PartnerId, PartnerServiceId)>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let partner = partner_or_404(&state, partner_id).await?;
    let stored = service_or_404(&state, partner_id, id).await?;
    let pairs = form_pairs(&body);
    let draft = service_draft(&pairs);
    let version = value_of(&pairs, "version").unwrap_or("").to_owned();
    let lists = lists_of(&state, &signed_in).await?;
    // A code the user's list lacks but the service already had stays possible (another
    // organisation's editor tagged it).
    let mut allowed = allowed_domains(&lists);
    allowed.extend(stored.domains.iter().cloned());
    let fields = match validate_service(&draft, &allowed) {
        Ok(f) => f,
        Err(problems) => {
            let errors = errors_of(&ctx.t, &problems);
            let page = service_form(
                &state,
                ctx,
                &signed_in,
                &partner,
                Some(id),
                draft,
                version,
                errors,
                None,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let expected = version.trim().parse::<i64>().unwrap_or(0);
    let me = signed_in.actor.user_id;
    let mut tx = state.db.begin_write().await?;
    let changed = store::partners::update_service(
        &mut tx,
        id,
        partner_id,
        Some(expected),
        &fields,
        Some(me),
        Ts::now(),
    )
    .await?;
    if !changed {
        drop(tx);
        let current = service_or_404(&state, partner_id, id).await.unwrap_or(stored);
        let t = &ctx.t;
        let mut theirs = vec![(field_label(t, "name"), current.name.clone())];
        theirs.extend(service_details(t, &current.fields()));
        theirs.push((
            field_label(t, "domains"),
            current
                .domains
                .iter()
                .map(|d| list_label(t, &lists, ListName::LifeDomain, d))
                .collect::<Vec<_>>()
                .join(", "),
        ));
        let errors = vec![("conflict".to_owned(), t.msg("partners-conflict"))];
        let page = service_form(
            &state,
            ctx,
            &signed_in,
            &partner,
            Some(id),
            draft,
            current.version.to_string(),
            errors,
            Some(theirs),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    audit(
        &mut tx,
        &meta,
        &signed_in,
        AuditAction::RecordUpdated,
        ("partner_service", id.as_uuid()),
        ("partner", partner_id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/partners/{partner_id}?saved=service#service-{id}")).into_response())
}
