//! Referrals with consent and a closed loop, the partner inbox and the consent register
//! (issue 8 points 2, 3, 5; ADR 0026).
//!
//! - The sending side (`pages`): a worker who writes a case refers the person to a service of
//!   the directory — reason, urgency, what is asked, the items shared one by one, the consent
//!   (who, how, when) — then sends, withdraws, and, for a partner outside Passerelle, records
//!   its answers and prints the letter (`letter`). Every step is on the case's timeline.
//! - The receiving side (`inbox`): when the service's partner is an organisation of this
//!   instance, its partner users (and managers and workers) find the referral in their inbox
//!   and answer it; they see the shared items and nothing else of the person, while the consent
//!   runs. Every one of their reads is written in the referring organisation's audit log.
//! - The consent register (`consents`) on the person's page: every consent, its withdrawal
//!   taking effect at once on every share.
//!
//! A referral, a consent, a shared document one may not reach answers "not found".

mod consents;
mod inbox;
mod letter;
pub(crate) mod pages;
pub(crate) mod shared;

use domain::policy::{self, CONSENT_READERS, CONSENT_WITHDRAWERS, REFERRAL_INBOX};
use domain::policy::{REFERRAL_READERS, REFERRAL_SENDERS};
use domain::referrals::Status;
use domain::{CaseId, OrganisationId};
use store::referrals::Referral;
use uuid::Uuid;

use crate::AppState;
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/cases/{case_id}/referrals", REFERRAL_READERS, pages::of_case)
        .get("/cases/{case_id}/referrals/new", REFERRAL_SENDERS, pages::new_form)
        .post("/cases/{case_id}/referrals/new", REFERRAL_SENDERS, pages::create)
        .get("/referrals/{referral_id}", REFERRAL_READERS, pages::show)
        .post("/referrals/{referral_id}/move", REFERRAL_SENDERS, pages::move_to)
        .get("/referrals/{referral_id}/letter", REFERRAL_SENDERS, letter::pdf)
        .get("/referrals/inbox", REFERRAL_INBOX, inbox::index)
        .get("/referrals/inbox/{received_id}", REFERRAL_INBOX, inbox::show)
        .post("/referrals/inbox/{received_id}/move", REFERRAL_INBOX, inbox::move_to)
        .get(
            "/referrals/inbox/{received_id}/documents/{document_id}",
            REFERRAL_INBOX,
            inbox::document,
        )
        .get("/persons/{person_id}/consents", CONSENT_READERS, consents::index)
        .post(
            "/persons/{person_id}/consents/{consent_id}/withdraw",
            CONSENT_WITHDRAWERS,
            consents::withdraw,
        )
}

/// A referral of the user's organisation whose case they read, with whether they write it
/// (for the federation's pages).
pub(crate) async fn readable_referral(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<(Referral, crate::cases::Loaded, bool), WebError> {
    readable(state, signed_in, id).await
}

/// The shared items of a referral read now, without download links (what a package carries).
pub(crate) async fn shared_view(
    state: &AppState,
    t: &Tr,
    r: &Referral,
    items: &[domain::referrals::ShareItem],
) -> Result<shared::SharedView, WebError> {
    shared::load(state, t, r, items, |_| None).await
}

fn organisation(signed_in: &SignedIn) -> Result<OrganisationId, WebError> {
    signed_in.actor.organisation().ok_or(WebError::NotFound)
}

/// A referral of the user's organisation whose case they read, with whether they may move it.
async fn readable(
    state: &AppState,
    signed_in: &SignedIn,
    id: Uuid,
) -> Result<(Referral, crate::cases::Loaded, bool), WebError> {
    let org = organisation(signed_in)?;
    let referral = store::referrals::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let (loaded, write) = case_of(state, signed_in, referral.case_id).await?;
    Ok((referral, loaded, write))
}

/// A case whose referrals the user reads, and whether they write them.
async fn case_of(
    state: &AppState,
    signed_in: &SignedIn,
    case: CaseId,
) -> Result<(crate::cases::Loaded, bool), WebError> {
    let loaded = crate::cases::load(state, signed_in, case).await?;
    let access = policy::referral_access(&loaded.access);
    if !access.read {
        return Err(WebError::NotFound);
    }
    Ok((loaded, access.write))
}

pub(crate) fn status_label(t: &Tr, s: Status) -> String {
    t.msg(&format!("referral-status-{}", s.as_str()))
}

/// The button of a move to `to`.
pub(crate) fn move_label(t: &Tr, to: Status) -> String {
    t.msg(&format!("referral-move-{}", to.as_str()))
}

/// The notice a page shows after an action (`?done=...`).
fn notice(t: &Tr, code: Option<&str>) -> Option<String> {
    let code = code?;
    ["created", "moved", "stale", "withdrawn"]
        .contains(&code)
        .then(|| t.msg(&format!("referral-notice-{code}")))
}

/// One step as pages show it.
pub struct StepView {
    pub status: String,
    pub when: String,
    pub by: String,
    pub side: String,
    pub note: Option<String>,
}

fn step_views(t: &Tr, signed_in: &SignedIn, steps: &[store::referrals::Step]) -> Vec<StepView> {
    steps
        .iter()
        .map(|s| StepView {
            status: Status::parse(&s.status).map(|st| status_label(t, st)).unwrap_or_default(),
            when: crate::dates::for_user(s.at, signed_in),
            by: s.by_name.clone().unwrap_or_default(),
            side: t.msg(&format!("referral-side-{}", s.side)),
            note: s.note.clone(),
        })
        .collect()
}
