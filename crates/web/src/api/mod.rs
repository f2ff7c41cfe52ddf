//! The JSON API under `/api/v1`. Every endpoint is registered through [`OpenApiRouter`], so
//! the OpenAPI document is generated from the same code that routes requests: an endpoint
//! cannot exist undocumented.

mod aid_commission;
mod case_aid;
mod case_assessments;
mod case_file;
mod case_plan;
mod case_referrals;
mod household_budget;
mod me;
mod person_domiciliation;

use std::sync::Arc;

use axum::http::Method;
use axum::{Extension, Json};
use domain::api_tokens::Scope;
use domain::policy::{
    CASE_OPENERS, CASE_READERS, CASE_STATUS_CHANGERS, NOTE_WRITERS, PERSON_EDITORS, PERSON_FINDERS,
    Rule,
};
use serde::Serialize;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::SESSION_COOKIE;
use crate::middleware::{ApiErrorBody, ApiErrorDetail};
use crate::persons::api as persons;
use crate::routes::{RouteRule, Routes};

/// The access rule of every API route, by method and path as in the OpenAPI document, with
/// the scope an API token needs there (none: see `domain::api_tokens::token_may_use`). A test
/// checks that each documented operation has one.
const RULES: &[(Method, &str, Rule, Option<Scope>)] = &[
    (Method::GET, "/api/v1", Rule::Public, None),
    (Method::GET, "/api/v1/openapi.json", Rule::Public, None),
    (Method::GET, "/api/v1/me", Rule::SignedIn, None),
    (Method::POST, "/api/v1/persons", PERSON_EDITORS, Some(Scope::PersonsWrite)),
    (Method::POST, "/api/v1/persons/search", PERSON_FINDERS, Some(Scope::PersonsRead)),
    (Method::GET, "/api/v1/persons/{person_id}", PERSON_FINDERS, Some(Scope::PersonsRead)),
    (Method::PATCH, "/api/v1/persons/{person_id}", PERSON_EDITORS, Some(Scope::PersonsWrite)),
    (Method::POST, "/api/v1/households", PERSON_EDITORS, Some(Scope::PersonsWrite)),
    (Method::GET, "/api/v1/households/{household_id}", PERSON_FINDERS, Some(Scope::PersonsRead)),
    (
        Method::POST,
        "/api/v1/households/{household_id}/members",
        PERSON_EDITORS,
        Some(Scope::PersonsWrite),
    ),
    // The household's budget (ADR 0031): the person's situation, read as on its page.
    (
        Method::GET,
        "/api/v1/households/{household_id}/budget",
        domain::policy::BUDGET_READERS,
        Some(Scope::PersonsRead),
    ),
    (
        Method::POST,
        "/api/v1/households/{household_id}/budgets",
        domain::policy::BUDGET_WRITERS,
        Some(Scope::PersonsWrite),
    ),
    (
        Method::POST,
        "/api/v1/households/{household_id}/debts",
        domain::policy::BUDGET_WRITERS,
        Some(Scope::PersonsWrite),
    ),
    // The case file (issue 7 point 10): the routes admit every role some case may admit;
    // `policy::case_access` then decides for each case (404 when it says no).
    (Method::GET, "/api/v1/persons/{person_id}/cases", CASE_READERS, Some(Scope::CasesRead)),
    (Method::POST, "/api/v1/persons/{person_id}/cases", CASE_OPENERS, Some(Scope::CasesWrite)),
    (Method::GET, "/api/v1/cases/{case_id}", CASE_READERS, Some(Scope::CasesRead)),
    (Method::PATCH, "/api/v1/cases/{case_id}", CASE_STATUS_CHANGERS, Some(Scope::CasesWrite)),
    (Method::GET, "/api/v1/cases/{case_id}/timeline", CASE_READERS, Some(Scope::NotesRead)),
    (Method::POST, "/api/v1/cases/{case_id}/notes", NOTE_WRITERS, Some(Scope::NotesWrite)),
    (
        Method::GET,
        "/api/v1/cases/{case_id}/notes/{entry_id}",
        case_file::CONTENT_READERS,
        Some(Scope::NotesRead),
    ),
    (
        Method::PATCH,
        "/api/v1/cases/{case_id}/notes/{entry_id}",
        NOTE_WRITERS,
        Some(Scope::NotesWrite),
    ),
    (
        Method::DELETE,
        "/api/v1/cases/{case_id}/notes/{entry_id}",
        NOTE_WRITERS,
        Some(Scope::NotesWrite),
    ),
    // Assessments and the plan: the case's content, read by workers and supervisors and
    // written by workers, as on their pages.
    (
        Method::GET,
        "/api/v1/cases/{case_id}/assessments",
        case_file::CONTENT_READERS,
        Some(Scope::CasesRead),
    ),
    (Method::POST, "/api/v1/cases/{case_id}/assessments", NOTE_WRITERS, Some(Scope::CasesWrite)),
    (
        Method::GET,
        "/api/v1/cases/{case_id}/assessments/{assessment_id}",
        case_file::CONTENT_READERS,
        Some(Scope::CasesRead),
    ),
    (
        Method::PATCH,
        "/api/v1/cases/{case_id}/assessments/{assessment_id}",
        NOTE_WRITERS,
        Some(Scope::CasesWrite),
    ),
    (
        Method::GET,
        "/api/v1/cases/{case_id}/plan",
        case_file::CONTENT_READERS,
        Some(Scope::CasesRead),
    ),
    (Method::POST, "/api/v1/cases/{case_id}/plan/goals", NOTE_WRITERS, Some(Scope::CasesWrite)),
    (
        Method::PATCH,
        "/api/v1/cases/{case_id}/plan/goals/{goal_id}",
        NOTE_WRITERS,
        Some(Scope::CasesWrite),
    ),
    (
        Method::POST,
        "/api/v1/cases/{case_id}/plan/goals/{goal_id}/steps",
        NOTE_WRITERS,
        Some(Scope::CasesWrite),
    ),
    (
        Method::PATCH,
        "/api/v1/cases/{case_id}/plan/steps/{step_id}",
        NOTE_WRITERS,
        Some(Scope::CasesWrite),
    ),
    (Method::POST, "/api/v1/cases/{case_id}/plan/victories", NOTE_WRITERS, Some(Scope::CasesWrite)),
    // Referrals (ADR 0026), read-only: the readers of the case's content.
    (
        Method::GET,
        "/api/v1/cases/{case_id}/referrals",
        domain::policy::REFERRAL_READERS,
        Some(Scope::ReferralsRead),
    ),
    (
        Method::GET,
        "/api/v1/referrals/{referral_id}",
        domain::policy::REFERRAL_READERS,
        Some(Scope::ReferralsRead),
    ),
    // Aid requests (ADR 0030): `policy::aid_access` decides per case, as on the pages.
    (
        Method::GET,
        "/api/v1/cases/{case_id}/aid-requests",
        domain::policy::AID_READERS,
        Some(Scope::AidRead),
    ),
    (
        Method::POST,
        "/api/v1/cases/{case_id}/aid-requests",
        domain::policy::AID_WRITERS,
        Some(Scope::AidWrite),
    ),
    (
        Method::GET,
        "/api/v1/aid-requests/{aid_id}",
        domain::policy::AID_READERS,
        Some(Scope::AidRead),
    ),
    (
        Method::PATCH,
        "/api/v1/aid-requests/{aid_id}",
        domain::policy::AID_WRITERS,
        Some(Scope::AidWrite),
    ),
    (
        Method::POST,
        "/api/v1/aid-requests/{aid_id}/decision",
        domain::policy::AID_WRITERS,
        Some(Scope::AidWrite),
    ),
    (Method::GET, "/api/v1/aid/statistics", domain::policy::AID_MANAGERS, Some(Scope::ReportsRead)),
    (
        Method::POST,
        "/api/v1/aid-requests/{aid_id}/status",
        domain::policy::AID_WRITERS,
        Some(Scope::AidWrite),
    ),
    (
        Method::POST,
        "/api/v1/aid-requests/{aid_id}/payment",
        domain::policy::AID_WRITERS,
        Some(Scope::AidWrite),
    ),
    // The commission's sessions: managers, as on their pages.
    (Method::GET, "/api/v1/aid/sessions", domain::policy::AID_MANAGERS, Some(Scope::AidRead)),
    (Method::POST, "/api/v1/aid/sessions", domain::policy::AID_MANAGERS, Some(Scope::AidWrite)),
    (
        Method::GET,
        "/api/v1/aid/sessions/{session_id}",
        domain::policy::AID_MANAGERS,
        Some(Scope::AidRead),
    ),
    (
        Method::POST,
        "/api/v1/aid/sessions/{session_id}/agenda",
        domain::policy::AID_MANAGERS,
        Some(Scope::AidWrite),
    ),
    (
        Method::POST,
        "/api/v1/aid/sessions/{session_id}/decisions",
        domain::policy::AID_MANAGERS,
        Some(Scope::AidWrite),
    ),
    // Domiciliation (ADR 0032): reception's work on the person, as on the page.
    (
        Method::GET,
        "/api/v1/persons/{person_id}/domiciliation",
        domain::policy::DOMICILIATION_READERS,
        Some(Scope::PersonsRead),
    ),
    (
        Method::POST,
        "/api/v1/persons/{person_id}/domiciliation",
        domain::policy::DOMICILIATION_WRITERS,
        Some(Scope::PersonsWrite),
    ),
    (
        Method::POST,
        "/api/v1/persons/{person_id}/domiciliation/end",
        domain::policy::DOMICILIATION_WRITERS,
        Some(Scope::PersonsWrite),
    ),
    (
        Method::POST,
        "/api/v1/persons/{person_id}/domiciliation/mail",
        domain::policy::DOMICILIATION_WRITERS,
        Some(Scope::PersonsWrite),
    ),
    (
        Method::POST,
        "/api/v1/persons/{person_id}/domiciliation/mail/{mail_id}/collect",
        domain::policy::DOMICILIATION_WRITERS,
        Some(Scope::PersonsWrite),
    ),
    // The subject access export (ADR 0035): its own scope, for the DPO and managers.
    (
        Method::GET,
        "/api/v1/privacy/requests/{request_id}/export",
        domain::policy::SUBJECT_REQUEST_HANDLERS,
        Some(Scope::PrivacyExport),
    ),
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Passerelle API",
        description = "Case management for social work. Errors are `{\"error\": {\"code\", \"message\", \"request_id\"}}`; messages follow `Accept-Language` (fr, en).",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    modifiers(&SecuritySchemes),
    components(schemas(ApiErrorBody, ApiErrorDetail)),
    tags(
        (name = "meta", description = "About this API"),
        (name = "persons", description = "Persons' records: register, read (audited), change with the version read, search"),
        (name = "households", description = "Households: who lives with whom, and since when"),
        (name = "budgets", description = "A household's budget: monthly resources and charges, the reste à vivre per consumption unit per day against the organisation's threshold, the history of budgets, the debts; draw up a new budget, add a debt. Amounts in integer cents. Read by those who read a person's situation (audited), written by workers"),
        (name = "cases", description = "Cases (accompagnements): a person's cases, open one, read one (audited), change its status with the version read. Another team's case answers 404, as an unknown one."),
        (name = "assessments", description = "A case's assessments per life domain: the worker's need level beside the person's own rating; list and read (audited), record, correct with the version read"),
        (name = "plans", description = "A case's action plan: goals in the person's words with their life domains, steps, victories; read (audited), add, change goals and steps with the version read"),
        (name = "referrals", description = "A case's referrals to services of the partner directory, with the consent they rest on, the items shared and their steps: list and read (audited)"),
        (name = "aid", description = "Aid requests of a case (amounts in cents): list, prepare, read (audited) with their steps, move on their way, decide those a worker or a manager decides, record the payment; the commission's sessions with their agenda and their decisions in one go; the statistics inputs by type"),
        (name = "domiciliation", description = "A person's domiciliation (élection de domicile): the elections with their renewal and end, the mail kept for them; start and end an election, register mail, record its collection. Reception may do it all; every read is audited"),
        (name = "privacy", description = "Data-subject requests: the export of everything about the person who asked (audited, logged on the request), with the scope `privacy:export`"),
        (name = "notes", description = "A case's timeline and its notes: list with a cursor and filters (confidential notes only for those who may read them), read (audited), write, correct with the version read, delete with a reason (a tombstone stays)")
    )
)]
struct ApiDoc;

/// How to authenticate: an API token (`bearer`), or the browser's session cookie (`session`).
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let scopes: Vec<String> = Scope::ALL.iter().map(|s| format!("`{s}`")).collect();
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("psl_ followed by 64 lowercase hex digits")
            .description(Some(format!(
                "An API token, created on the user's page (/account/tokens) or with \
                 `passerelle token create`. It acts with its user's rights in one organisation, \
                 narrowed by its scopes: {}. `all` means the user's own rights; a write scope \
                 includes reading the same records. Without the scope an operation lists under \
                 its security requirement, a token gets 403 `forbidden`; an invalid, revoked or \
                 expired token gets 401. Every use is recorded in the audit log.",
                scopes.join(", ")
            )))
            .build();
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The browser session of a signed-in user (state-changing requests also need the \
                 X-CSRF-Token header). Over https the cookie is named \
                 `__Host-passerelle_session`.",
            ))),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(index))
        .routes(routes!(openapi_json))
        .routes(routes!(me::me))
        .routes(routes!(persons::create))
        .routes(routes!(persons::search))
        .routes(routes!(persons::show, persons::update))
        .routes(routes!(persons::create_household))
        .routes(routes!(persons::show_household))
        .routes(routes!(persons::add_member))
        .routes(routes!(household_budget::show))
        .routes(routes!(household_budget::create_budget))
        .routes(routes!(household_budget::add_debt))
        .routes(routes!(case_file::person_cases, case_file::open_case))
        .routes(routes!(case_file::show_case, case_file::change_status))
        .routes(routes!(case_file::timeline))
        .routes(routes!(case_file::create_note))
        .routes(routes!(case_file::show_note, case_file::update_note, case_file::delete_note))
        .routes(routes!(case_assessments::list, case_assessments::create))
        .routes(routes!(case_assessments::show, case_assessments::update))
        .routes(routes!(case_plan::show))
        .routes(routes!(case_plan::create_goal))
        .routes(routes!(case_plan::update_goal))
        .routes(routes!(case_plan::create_step))
        .routes(routes!(case_plan::update_step))
        .routes(routes!(case_plan::create_victory))
        .routes(routes!(case_referrals::list))
        .routes(routes!(case_referrals::show))
        .routes(routes!(case_aid::list, case_aid::create))
        .routes(routes!(case_aid::show, case_aid::edit))
        .routes(routes!(case_aid::decide))
        .routes(routes!(case_aid::statistics))
        .routes(routes!(aid_commission::move_to))
        .routes(routes!(aid_commission::pay))
        .routes(routes!(aid_commission::sessions, aid_commission::create_session))
        .routes(routes!(aid_commission::show_session))
        .routes(routes!(aid_commission::add_to_agenda))
        .routes(routes!(aid_commission::decide))
        .routes(routes!(person_domiciliation::show, person_domiciliation::start))
        .routes(routes!(person_domiciliation::end))
        .routes(routes!(person_domiciliation::add_mail))
        .routes(routes!(person_domiciliation::collect))
        .routes(routes!(crate::subject_access::api::export))
}

/// The API's routes with their rules; the document describing them is served from them.
pub fn router() -> Routes {
    let (router, doc) = api_router().split_for_parts();
    let rules = RULES
        .iter()
        .map(|(method, path, rule, scope)| RouteRule {
            method: method.clone(),
            path,
            rule: *rule,
            scope: *scope,
        })
        .collect();
    Routes::new().with(router.layer(Extension(Arc::new(doc))), rules)
}

/// The OpenAPI document, for tests and tools.
pub fn openapi() -> OpenApiDoc {
    api_router().split_for_parts().1
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiInfo {
    pub name: &'static str,
    pub version: &'static str,
    /// Where this API's OpenAPI document is.
    pub openapi: &'static str,
}

/// What this API is and where its description lives.
#[utoipa::path(get, path = "/api/v1", tag = "meta", responses((status = 200, body = ApiInfo)))]
async fn index() -> Json<ApiInfo> {
    Json(ApiInfo {
        name: "Passerelle",
        version: env!("CARGO_PKG_VERSION"),
        openapi: "/api/v1/openapi.json",
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json"))
)]
async fn openapi_json(Extension(doc): Extension<Arc<OpenApiDoc>>) -> Json<OpenApiDoc> {
    Json(doc.as_ref().clone())
}
