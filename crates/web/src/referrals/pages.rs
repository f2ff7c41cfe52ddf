//! The sending side: a case's referrals, the form to refer the person (service, reason,
//! urgency, request, items shared, consent), a referral's page with its steps and the moves
//! the sender may make.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::lists::{ListName, Lists};
use domain::policy::{self, DocumentFacts};
use domain::referrals::{
    self as rules, ConsentMethod, IdentityField, Problem, ReferralInput, Sharable, ShareItem, Side,
    Status, Urgency,
};
use domain::{CaseId, PartnerServiceId};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::referrals::{NewReferral, Referral};
use uuid::Uuid;

use super::shared::{self, SharedView};
use super::{
    StepView, case_of, move_label, notice, organisation, readable, status_label, step_views,
};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::{form_pairs, list_label, value_of};

/// A referral in a list.
pub struct RowView {
    pub id: Uuid,
    pub recipient: String,
    pub status: String,
    pub created: String,
    pub consent_withdrawn: bool,
}

fn row(t: &Tr, signed_in: &SignedIn, r: &Referral) -> RowView {
    RowView {
        id: r.id,
        recipient: r.recipient(),
        status: status_label(t, r.status()),
        created: crate::dates::for_user(r.created_at, signed_in),
        consent_withdrawn: r.consent_withdrawn_at.is_some(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/case.html")]
pub struct CasePage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    rows: Vec<RowView>,
    can_refer: bool,
}

async fn person_name(
    state: &AppState,
    signed_in: &SignedIn,
    case: &store::cases::Case,
) -> Result<String, WebError> {
    let org = organisation(signed_in)?;
    Ok(store::persons::find(&state.db, org, case.person_id)
        .await?
        .map(|p| p.record.display_name())
        .unwrap_or_default())
}

pub async fn of_case(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(case_id): Path<CaseId>,
) -> Result<CasePage, WebError> {
    let (loaded, write) = case_of(&state, &signed_in, case_id).await?;
    let org = organisation(&signed_in)?;
    let list = store::referrals::of_case(&state.db, org, case_id).await?;
    Ok(CasePage {
        case_id,
        person_name: person_name(&state, &signed_in, &loaded.case).await?,
        rows: list.iter().map(|r| row(&ctx.t, &signed_in, r)).collect(),
        can_refer: write,
        chrome: Chrome::new(ctx, &state, Nav::Persons),
    })
}

// ---------------------------------------------------------------------------------------------
// The form.

/// One box, radio or option.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub q: String,
    pub service: String,
    pub reason: String,
    pub request: String,
    pub urgency: String,
    pub items: Vec<String>,
    pub consent_given: bool,
    pub given_by: String,
    pub given_by_name: String,
    pub method: String,
    pub given_on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals/form.html")]
pub struct FormPage {
    chrome: Chrome,
    case_id: CaseId,
    person_name: String,
    typed: Typed,
    services: Vec<Choice>,
    identity: Vec<Choice>,
    domains: Vec<Choice>,
    documents: Vec<Choice>,
    urgencies: Vec<Choice>,
    methods: Vec<Choice>,
    errors: Vec<(&'static str, String)>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// What the user may share from this case: the domains of its latest assessment, the case's
/// documents they may read; with labels.
struct Offer {
    sharable: Sharable,
    domains: Vec<(String, String)>,
    documents: Vec<(Uuid, String)>,
    lists: Lists,
}

async fn offer(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    loaded: &crate::cases::Loaded,
) -> Result<Offer, WebError> {
    let org = organisation(signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let latest = store::assessments::latest_two(&state.db, org, loaded.case.id).await?;
    let domains: Vec<(String, String)> = latest
        .first()
        .map(|a| {
            a.content
                .ratings
                .iter()
                .map(|r| (r.domain.clone(), list_label(t, &lists, ListName::LifeDomain, &r.domain)))
                .collect()
        })
        .unwrap_or_default();
    let docs = store::documents::of_case(&state.db, org, loaded.case.id).await?;
    let documents: Vec<(Uuid, String)> = docs
        .into_iter()
        .filter(|d| {
            let facts = DocumentFacts {
                organisation_id: d.organisation_id,
                uploaded_by: d.uploader(),
                confidential: d.confidential,
                case: Some(loaded.access),
                follows_person: false,
            };
            policy::may_read_document(&signed_in.actor, &facts)
        })
        .map(|d| (d.id, d.file_name))
        .collect();
    Ok(Offer {
        sharable: Sharable {
            domains: domains.iter().map(|(c, _)| c.clone()).collect(),
            documents: documents.iter().map(|(id, _)| *id).collect(),
        },
        domains,
        documents,
        lists,
    })
}

#[allow(clippy::too_many_arguments)] // The page's parts, assembled in one place.
async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    loaded: &crate::cases::Loaded,
    offer: &Offer,
    typed: Typed,
    errors: Vec<(&'static str, String)>,
) -> Result<FormPage, WebError> {
    let t = &ctx.t;
    let query = domain::partners::SearchQuery::parse(&typed.q, "", "", None);
    let (_, hits) = store::partners::search(&state.db, &query).await?;
    let mut services: Vec<Choice> = hits
        .iter()
        .filter_map(|h| {
            let id = h.service_id?;
            Some(Choice {
                code: id.to_string(),
                label: format!(
                    "{} — {}",
                    h.service_name.clone().unwrap_or_default(),
                    h.partner_name
                ),
                selected: id.to_string() == typed.service,
            })
        })
        .collect();
    if let Ok(chosen) = typed.service.parse::<PartnerServiceId>()
        && !services.iter().any(|c| c.selected)
        && let Some(target) = store::referrals::target(&state.db, chosen).await?
    {
        services.insert(
            0,
            Choice { code: typed.service.clone(), label: target.recipient(), selected: true },
        );
    }
    let checked = |token: &str| typed.items.iter().any(|i| i == token);
    let identity = IdentityField::ALL
        .iter()
        .map(|f| {
            let code = ShareItem::Identity(*f).token();
            Choice { label: shared::identity_label(t, *f), selected: checked(&code), code }
        })
        .collect();
    let domains = offer
        .domains
        .iter()
        .map(|(d, label)| {
            let code = ShareItem::Domain(d.clone()).token();
            Choice { label: label.clone(), selected: checked(&code), code }
        })
        .collect();
    let documents = offer
        .documents
        .iter()
        .map(|(id, name)| {
            let code = ShareItem::Document(*id).token();
            Choice { label: name.clone(), selected: checked(&code), code }
        })
        .collect();
    let urgencies = Urgency::ALL
        .iter()
        .map(|u| Choice {
            code: u.as_str().into(),
            label: t.msg(&format!("referral-urgency-{}", u.as_str())),
            selected: typed.urgency == u.as_str(),
        })
        .collect();
    let methods = ConsentMethod::ALL
        .iter()
        .map(|m| Choice {
            code: m.as_str().into(),
            label: t.msg(&format!("referral-method-{}", m.as_str())),
            selected: typed.method == m.as_str(),
        })
        .collect();
    Ok(FormPage {
        case_id: loaded.case.id,
        person_name: person_name(state, signed_in, &loaded.case).await?,
        typed,
        services,
        identity,
        domains,
        documents,
        urgencies,
        methods,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// A case the user refers from: they write it.
async fn writable(
    state: &AppState,
    signed_in: &SignedIn,
    case: CaseId,
) -> Result<crate::cases::Loaded, WebError> {
    let (loaded, write) = case_of(state, signed_in, case).await?;
    if !write {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    q: Option<String>,
    service: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(case_id): Path<CaseId>,
    Query(q): Query<NewQuery>,
) -> Result<FormPage, WebError> {
    let loaded = writable(&state, &signed_in, case_id).await?;
    let offer = offer(&state, &ctx.t, &signed_in, &loaded).await?;
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let typed = Typed {
        q: q.q.unwrap_or_default(),
        service: q.service.unwrap_or_default(),
        urgency: Urgency::Normal.as_str().into(),
        given_by: "person".into(),
        method: ConsentMethod::Oral.as_str().into(),
        given_on: domain::persons::french_date(today),
        ..Default::default()
    };
    form_page(&state, ctx, &signed_in, &loaded, &offer, typed, vec![]).await
}

pub(crate) fn problem(t: &Tr, p: Problem) -> String {
    let key = match p {
        Problem::TooLong { max } => {
            return t.msg_args("referral-error-long", &[("max", &max.to_string())]);
        }
        Problem::ReasonRequired => "referral-error-reason",
        Problem::RequestRequired => "referral-error-request",
        Problem::UrgencyInvalid => "referral-error-urgency",
        Problem::ItemRefused => "referral-error-items",
        Problem::ConsentRequired => "referral-error-consent",
        Problem::GiverInvalid => "referral-error-given-by",
        Problem::RepresentativeNameRequired => "referral-error-given-by-name",
        Problem::MethodInvalid => "referral-error-method",
        Problem::DateInvalid => "referral-error-date",
        Problem::DateInFuture => "referral-error-date-future",
    };
    t.msg(key)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(case_id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = writable(&state, &signed_in, case_id).await?;
    let org = organisation(&signed_in)?;
    let t = ctx.t.clone();
    let offer = offer(&state, &t, &signed_in, &loaded).await?;
    let pairs = form_pairs(&body);
    let get = |k: &str| value_of(&pairs, k).unwrap_or("").to_owned();
    let typed = Typed {
        q: get("q"),
        service: get("service"),
        reason: get("reason"),
        request: get("request"),
        urgency: get("urgency"),
        items: pairs.iter().filter(|(k, _)| k == "items").map(|(_, v)| v.clone()).collect(),
        consent_given: value_of(&pairs, "consent") == Some("yes"),
        given_by: get("given_by"),
        given_by_name: get("given_by_name"),
        method: get("method"),
        given_on: get("given_on"),
    };
    let send = value_of(&pairs, "action") == Some("send");
    let today = store::ts::local_today(Ts::now(), signed_in.time_zone.as_deref());
    let input = ReferralInput {
        reason: typed.reason.clone(),
        request: typed.request.clone(),
        urgency: typed.urgency.clone(),
        items: typed.items.clone(),
        consent_given: typed.consent_given,
        given_by: typed.given_by.clone(),
        given_by_name: typed.given_by_name.clone(),
        method: typed.method.clone(),
        given_on: typed.given_on.clone(),
    };
    let parsed = rules::parse(&input, &offer.sharable, today);
    let target = match typed.service.parse::<PartnerServiceId>() {
        Ok(s) => store::referrals::target(&state.db, s).await?,
        Err(_) => None,
    };
    let (fields, target) = match (parsed, target) {
        (Ok(f), Some(target)) => (f, target),
        (parsed, target) => {
            let mut errors: Vec<(&'static str, String)> = Vec::new();
            if target.is_none() {
                errors.push(("service", t.msg("referral-error-service")));
            }
            for (field, p) in parsed.err().unwrap_or_default() {
                errors.push((field, problem(&t, p)));
            }
            let page = form_page(&state, ctx, &signed_in, &loaded, &offer, typed, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let me = signed_in.actor.user_id;
    let now = Ts::now();
    let recipient = target.recipient();
    // A service whose partner is a peer instance (and not hosted here): the referral travels
    // there (ADR 0029).
    let route = match send && target.linked_organisation_id.is_none() {
        true => crate::federation::outbox::route_of_service(&state, target.service_id).await?,
        false => None,
    };
    let mut tx = state.db.begin_write().await?;
    let new = NewReferral {
        organisation_id: org,
        case_id,
        person_id: loaded.case.person_id,
        service_id: PartnerServiceId::from_uuid(target.service_id),
        partner_organisation_id: target
            .linked_organisation_id
            .map(domain::OrganisationId::from_uuid),
        recipient: &recipient,
        fields: &fields,
        by: me,
    };
    let id = store::referrals::create(&mut tx, &new, now).await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(me)
        .on("referral", id)
        .detail("case", case_id.to_string())
        .detail("service", target.service_id.to_string())
        .detail("items", fields.items.len() as u64)
        .detail("consent_method", fields.method.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    if send {
        let referral = store::referrals::find(&mut tx, org, id).await?.ok_or(WebError::NotFound)?;
        store::referrals::move_to(&mut tx, &referral, 1, Status::Sent, Side::Sender, me, None, now)
            .await?;
        let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
            .by(me)
            .on("referral", id)
            .detail("status", Status::Sent.as_str());
        audit_trail::record(&mut tx, &meta, event).await?;
        if let Some(route) = &route {
            let sent = store::referrals::find(&mut tx, org, id).await?.ok_or(WebError::NotFound)?;
            crate::federation::outbox::send_referral(
                &mut tx, &state, &t, &meta, &signed_in, &sent, route, now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/referrals/{id}?done=created")).into_response())
}

// ---------------------------------------------------------------------------------------------
// A referral's page.

#[derive(Template, WebTemplate)]
#[template(path = "referrals/show.html")]
pub struct ShowPage {
    chrome: Chrome,
    id: Uuid,
    /// Sent to a peer instance: where each package is, and the package as a file.
    deliveries: Vec<crate::federation::outbox::DeliveryView>,
    package: bool,
    case_id: CaseId,
    person_name: String,
    recipient: String,
    hosted: bool,
    status: String,
    urgency: String,
    reason: String,
    request: String,
    consent: String,
    consent_withdrawn: Option<String>,
    items: Vec<String>,
    steps: Vec<StepView>,
    moves: Vec<Choice>,
    move_action: String,
    version: i64,
    note: String,
    letter: bool,
    notice: Option<String>,
    errors: Vec<(&'static str, String)>,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// "Given by the person, orally, on 26/11/2026, recorded by …".
pub(super) fn consent_text(t: &Tr, r: &Referral) -> String {
    let by = match r.given_by_name.as_deref() {
        Some(name) if r.given_by == "representative" => {
            t.msg_args("referral-consent-by-representative", &[("name", name)])
        }
        _ => t.msg("referral-consent-by-person"),
    };
    t.msg_args(
        "referral-consent-text",
        &[
            ("by", &by),
            ("method", &t.msg(&format!("referral-method-{}", r.method))),
            ("date", &domain::persons::french_date(r.given_on)),
            ("partner", &r.recipient()),
        ],
    )
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
}

impl ShowQuery {
    pub(crate) fn done_code(&self) -> Option<&str> {
        self.done.as_deref()
    }
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    id: Uuid,
    note: String,
    errors: Vec<(&'static str, String)>,
    done: Option<&str>,
) -> Result<ShowPage, WebError> {
    let (r, loaded, write) = readable(state, signed_in, id).await?;
    let t = &ctx.t;
    let org = organisation(signed_in)?;
    let items = store::referrals::items(&state.db, r.id).await?;
    let offer = offer(state, t, signed_in, &loaded).await?;
    let docs: Vec<(Uuid, String)> = store::documents::of_person(&state.db, org, r.person_id)
        .await?
        .into_iter()
        .map(|d| (d.id, d.file_name))
        .collect();
    let steps = store::referrals::steps(&state.db, r.id).await?;
    let status = r.status();
    let deliveries = crate::federation::outbox::deliveries(state, t, signed_in, r.id).await?;
    let federated = store::federation::peer_of_referral(&state.db, r.id).await?.is_some();
    let hosted = r.hosted() || federated;
    let moves = if write { rules::next(status, Side::Sender, hosted) } else { vec![] };
    Ok(ShowPage {
        id: r.id,
        case_id: r.case_id,
        person_name: person_name(state, signed_in, &loaded.case).await?,
        recipient: r.recipient(),
        hosted: r.hosted(),
        status: status_label(t, status),
        urgency: t.msg(&format!("referral-urgency-{}", r.urgency)),
        reason: r.reason.clone(),
        request: r.request.clone(),
        consent: consent_text(t, &r),
        consent_withdrawn: r.consent_withdrawn_at.map(|at| {
            t.msg_args(
                "referral-consent-withdrawn",
                &[("date", &crate::dates::for_user(at, signed_in))],
            )
        }),
        items: items.iter().map(|i| shared::item_label(t, &offer.lists, i, &docs)).collect(),
        steps: step_views(t, signed_in, &steps),
        moves: moves
            .into_iter()
            .map(|m| Choice { code: m.as_str().into(), label: move_label(t, m), selected: false })
            .collect(),
        move_action: format!("/referrals/{}/move", r.id),
        version: r.version,
        note,
        package: write && federated,
        deliveries,
        letter: write
            && !hosted
            && r.consent_withdrawn_at.is_none()
            && !matches!(status, Status::Declined | Status::Revoked),
        notice: notice(t, done),
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowQuery>,
) -> Result<ShowPage, WebError> {
    let (r, loaded, _) = readable(&state, &signed_in, id).await?;
    let org = organisation(&signed_in)?;
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", r.case_id.as_uuid())
        .detail("referral", r.id.to_string())
        .detail("emergency", loaded.access.emergency);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    show_page(&state, ctx, &signed_in, id, String::new(), vec![], q.done.as_deref()).await
}

/// The fields of a move, shared by both sides.
#[derive(Deserialize, Default)]
pub struct MoveForm {
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub note: String,
}

pub async fn move_to(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<MoveForm>,
) -> Result<Response, WebError> {
    let (r, _, write) = readable(&state, &signed_in, id).await?;
    if !write {
        return Err(WebError::NotFound);
    }
    // Sent to a peer instance (ADR 0029): its answers come from there, as from a hosted partner.
    let sent_route = crate::federation::outbox::route_of_referral(&state, r.id).await?;
    let hosted = r.hosted() || sent_route.is_some();
    // A step that does not follow (a stale page, a forged value) is refused with the page.
    let to =
        Status::parse(&form.to).filter(|to| rules::may_move(r.status(), *to, Side::Sender, hosted));
    let note = match to.map(|to| rules::parse_note(to, &form.note)) {
        Some(Ok(n)) => n,
        refused => {
            let message = match refused {
                Some(Err(p)) => problem(&ctx.t, p),
                _ => ctx.t.msg("referral-error-move"),
            };
            let errors = vec![("note", message)];
            let page = show_page(&state, ctx, &signed_in, id, form.note, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let to = to.expect("checked above");
    let me = signed_in.actor.user_id;
    let org = organisation(&signed_in)?;
    let now = Ts::now();
    // Sending to a service whose partner is a peer: the package leaves with the step.
    let route = match (to, &sent_route) {
        (Status::Sent, _) if !r.hosted() => {
            crate::federation::outbox::route_of_service(&state, r.service_id).await?
        }
        _ => None,
    };
    let mut tx = state.db.begin_write().await?;
    let done = store::referrals::move_to(
        &mut tx,
        &r,
        form.version,
        to,
        Side::Sender,
        me,
        note.as_deref(),
        now,
    )
    .await?;
    if !done {
        return Ok(Redirect::to(&format!("/referrals/{id}?done=stale")).into_response());
    }
    if let Some(route) = &route {
        let sent = store::referrals::find(&mut tx, org, id).await?.ok_or(WebError::NotFound)?;
        crate::federation::outbox::send_referral(
            &mut tx, &state, &ctx.t, &meta, &signed_in, &sent, route, now,
        )
        .await?;
    }
    if let (Status::Revoked, Some(route)) = (to, &sent_route) {
        crate::federation::outbox::send_withdrawal(&mut tx, route, r.id, now).await?;
    }
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(me)
        .on("referral", id)
        .detail("status", to.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/referrals/{id}?done=moved")).into_response())
}

/// The shared items for the letter (the sender reads them as the partner would).
pub(super) async fn shared_for_letter(
    state: &AppState,
    t: &Tr,
    r: &Referral,
) -> Result<SharedView, WebError> {
    let items = store::referrals::items(&state.db, r.id).await?;
    shared::load(state, t, r, &items, |_| None).await
}
