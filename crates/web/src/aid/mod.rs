//! Aid requests, the aid catalogue and the commission (issue 10 points 1, 2, 3; ADR 0030).
//!
//! - A case's requests (`pages`): a worker who writes the case prepares a request (type from
//!   the catalogue, date, amount asked, a presentation for the deciders), sees the checklist
//!   of the documents its type needs and the person's file lacks, corrects it before the
//!   commission (`edit`), moves it (awaiting documents, under review, before the commission),
//!   records a decision when their type is delegated to workers (a manager when managers
//!   decide), and records the payment.
//! - The commission (`sessions`): managers create a session, put the requests before the
//!   commission on its agenda (pseudonymised where the organisation wants it), record the
//!   decisions in one form, print the minutes.
//! - The letters (`letter`): the decision letter to the person, the session's minutes.
//! - The catalogue (`catalogue`): each type's rules, editable without code; the types, their
//!   names and which are offered are the `aid_type` value list.
//!
//! Every amount is integer cents, read and written in the user's language (`domain::money`).
//! A request, a session one may not reach answers "not found".

mod catalogue;
mod decisions;
mod edit;
mod letter;
mod pages;
mod sessions;

use domain::aid::Status;
use domain::lists::{ListName, Lists};
use domain::money::{self, Style};
use domain::policy::{self, AID_MANAGERS, AID_READERS, AID_WRITERS, AidAccess};
use domain::{CaseId, OrganisationId};
use store::aid::AidRequest;
use uuid::Uuid;

pub(crate) use decisions::parse_decision;
pub(crate) use edit::audit_edit;
pub(crate) use sessions::session_of;

use crate::AppState;
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/cases/{case_id}/aid", AID_READERS, pages::of_case)
        .get("/cases/{case_id}/aid/new", AID_WRITERS, pages::new_form)
        .post("/cases/{case_id}/aid/new", AID_WRITERS, pages::create)
        .get("/aid/{aid_id}", AID_READERS, pages::show)
        .get("/aid/{aid_id}/edit", AID_WRITERS, edit::form)
        .post("/aid/{aid_id}/edit", AID_WRITERS, edit::save)
        .post("/aid/{aid_id}/move", AID_WRITERS, pages::move_to)
        .post("/aid/{aid_id}/decide", AID_WRITERS, decisions::decide)
        .post("/aid/{aid_id}/pay", AID_WRITERS, decisions::pay)
        .get("/aid/{aid_id}/letter", AID_READERS, letter::decision)
        .get("/aid/sessions", AID_MANAGERS, sessions::index)
        .post("/aid/sessions", AID_MANAGERS, sessions::create)
        .get("/aid/sessions/{session_id}", AID_MANAGERS, sessions::show)
        .post("/aid/sessions/{session_id}/agenda", AID_MANAGERS, sessions::add_to_agenda)
        .post("/aid/sessions/{session_id}/decisions", AID_MANAGERS, sessions::decide)
        .get("/aid/sessions/{session_id}/minutes", AID_MANAGERS, letter::minutes)
        .get("/admin/aid", AID_MANAGERS, catalogue::index)
        .post("/admin/aid", AID_MANAGERS, catalogue::save)
        .post("/admin/aid/agenda", AID_MANAGERS, catalogue::save_agenda)
}

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// A case whose aid requests the user reads, with what they may do with them.
pub(crate) async fn case_of(
    state: &AppState,
    signed_in: &SignedIn,
    case: CaseId,
) -> Result<(crate::cases::Loaded, AidAccess), WebError> {
    let loaded = crate::cases::load(state, signed_in, case).await?;
    let access = policy::aid_access(&signed_in.actor, &loaded.access);
    if !access.read {
        return Err(WebError::NotFound);
    }
    Ok((loaded, access))
}

/// A request of the user's organisation whose case they read, with what they may do.
pub(crate) async fn readable(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<(AidRequest, crate::cases::Loaded, AidAccess), WebError> {
    let org = organisation(signed_in)?;
    let r = store::aid::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let (loaded, access) = case_of(state, signed_in, r.case_id).await?;
    Ok((r, loaded, access))
}

/// Checks a request as typed (prepared or corrected, on a page or through the API) against
/// the organisation's catalogue — the types it offers and their rules — on the user's day.
pub(crate) async fn check_request(
    state: &AppState,
    signed_in: &SignedIn,
    org: OrganisationId,
    typed: &domain::aid::RequestInput,
    style: Style,
) -> Result<Result<domain::aid::RequestFields, Vec<(&'static str, domain::aid::Problem)>>, WebError>
{
    let code = typed.aid_type.trim();
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let offered = lists.accepts(ListName::AidType, code, None);
    let type_rules = store::aid::rules(&state.db, org, code).await?;
    let today = store::ts::local_today(store::Ts::now(), signed_in.time_zone.as_deref());
    Ok(domain::aid::parse_request(typed, |_| offered.then(|| type_rules.clone()), today, style))
}

/// How the user's language writes amounts.
pub(crate) fn style(t: &Tr) -> Style {
    t.money_style()
}

/// An amount as the user's language writes it (`1 234,56 €`, `€1,234.56`).
pub(crate) fn amount(t: &Tr, cents: Option<i64>) -> String {
    cents.map(|c| money::format_cents(c, style(t))).unwrap_or_default()
}

pub(crate) fn status_label(t: &Tr, s: Status) -> String {
    t.msg(&format!("aid-status-{}", s.as_str()))
}

pub(crate) fn type_label(t: &Tr, lists: &Lists, code: &str) -> String {
    list_label(t, lists, ListName::AidType, code)
}

/// The words of a problem with what was typed.
pub(crate) fn problem(t: &Tr, p: domain::aid::Problem) -> String {
    use domain::aid::Problem;
    match p {
        Problem::TooLong { max } => t.msg_args("aid-error-long", &[("max", &max.to_string())]),
        Problem::Amount(e) => t.msg(e.code()),
        Problem::OverYearlyMaximum { remaining } => t.msg_args(
            "aid-error-yearly-maximum",
            &[("remaining", &money::format_cents(remaining, style(t)))],
        ),
        Problem::TypeRequired => t.msg("aid-error-type"),
        Problem::DateInvalid => t.msg("aid-error-date"),
        Problem::DateInFuture => t.msg("aid-error-date-future"),
        Problem::AmountRequired => t.msg("aid-error-amount-required"),
        Problem::AmountNotPositive => t.msg("aid-error-amount-positive"),
        Problem::OutcomeInvalid => t.msg("aid-error-outcome"),
        Problem::PartialNotLess => t.msg("aid-error-partial"),
        Problem::ReasonRequired => t.msg("aid-error-reason"),
        Problem::PayeeInvalid => t.msg("aid-error-payee"),
        Problem::MethodRequired => t.msg("aid-error-method"),
        Problem::PayeeNameRequired => t.msg("aid-error-payee-name"),
        Problem::TitleRequired => t.msg("aid-error-title"),
    }
}

/// One option of a select, a radio or a box.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a value list, hidden ones left out (but `current` kept).
pub(crate) fn list_choices(t: &Tr, lists: &Lists, list: ListName, current: &str) -> Vec<Choice> {
    lists
        .values(list)
        .into_iter()
        .filter(|v| !v.hidden || v.code == current)
        .map(|v| Choice {
            label: list_label(t, lists, list, &v.code),
            selected: v.code == current,
            code: v.code,
        })
        .collect()
}

/// The notice a page shows after an action (`?done=...`).
fn notice(t: &Tr, code: Option<&str>) -> Option<String> {
    let code = code?;
    ["created", "moved", "decided", "paid", "stale", "saved", "added", "edited", "unchanged"]
        .contains(&code)
        .then(|| t.msg(&format!("aid-notice-{code}")))
}
