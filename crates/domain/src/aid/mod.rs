//! Aid requests, the organisation's aid catalogue and the commission (issue 10 points 1, 2,
//! 3, 6; ADR 0030): which statuses follow which, what a decision must say, the yearly maximum
//! rule, what is missing from a request's file, and the pseudonymous reference a commission
//! sees. Amounts are integer cents ([`crate::money`]). Who reaches which page is
//! [`crate::policy`].

use time::Date;
use uuid::Uuid;

use crate::money::{self, MoneyError, Style};

/// Longest presentation of a request (what the commission reads), and longest comment.
pub const TEXT_MAX: usize = 4000;
/// Longest name of a payee (a landlord, an energy supplier), of a session's title, of who
/// decides a type.
pub const NAME_MAX: usize = 200;

/// Where an aid request is (DOMAIN.md §2.10, reconciled with issue 10's list: `draft` is
/// "being prepared", `under_review` "sent to instruction", `partly_accepted` "partly granted",
/// `dismissed` "closed without follow-up"). The codes are stored: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    AwaitingDocuments,
    UnderReview,
    InCommittee,
    Accepted,
    PartlyAccepted,
    Refused,
    Adjourned,
    Paid,
    Dismissed,
    ClosedByPerson,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::AwaitingDocuments,
        Status::UnderReview,
        Status::InCommittee,
        Status::Accepted,
        Status::PartlyAccepted,
        Status::Refused,
        Status::Adjourned,
        Status::Paid,
        Status::Dismissed,
        Status::ClosedByPerson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::AwaitingDocuments => "awaiting_documents",
            Status::UnderReview => "under_review",
            Status::InCommittee => "in_committee",
            Status::Accepted => "accepted",
            Status::PartlyAccepted => "partly_accepted",
            Status::Refused => "refused",
            Status::Adjourned => "adjourned",
            Status::Paid => "paid",
            Status::Dismissed => "dismissed",
            Status::ClosedByPerson => "closed_by_person",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// A decision on the request (what the letter notifies).
    pub fn is_decision(self) -> bool {
        matches!(self, Status::Accepted | Status::PartlyAccepted | Status::Refused)
    }

    /// Something was granted: an amount may be paid.
    pub fn is_granted(self) -> bool {
        matches!(self, Status::Accepted | Status::PartlyAccepted | Status::Paid)
    }

    /// Nothing follows it.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Refused | Status::Paid | Status::Dismissed | Status::ClosedByPerson)
    }
}

/// Who decides requests of a type: a commission in session, a manager on the request's page,
/// or the worker who prepares it (a delegation, e.g. food vouchers at the desk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecidedBy {
    Commission,
    Manager,
    Worker,
}

impl DecidedBy {
    pub const ALL: [DecidedBy; 3] = [DecidedBy::Commission, DecidedBy::Manager, DecidedBy::Worker];

    pub fn as_str(self) -> &'static str {
        match self {
            DecidedBy::Commission => "commission",
            DecidedBy::Manager => "manager",
            DecidedBy::Worker => "worker",
        }
    }

    pub fn parse(s: &str) -> Option<DecidedBy> {
        DecidedBy::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whether a request may move from `from` to `to` by hand (the buttons of its page). A
/// decision is not a move: it goes through [`may_decide`]; a payment through [`may_pay`].
pub fn may_move(from: Status, to: Status, decided_by: DecidedBy) -> bool {
    use Status::*;
    let commission = decided_by == DecidedBy::Commission;
    match (from, to) {
        (_, Dismissed | ClosedByPerson) => !from.is_final() && !from.is_granted(),
        (Draft, AwaitingDocuments | UnderReview) => true,
        (AwaitingDocuments, UnderReview) => true,
        (UnderReview, AwaitingDocuments) => true,
        (UnderReview | Adjourned, InCommittee) => commission,
        (InCommittee | Adjourned, UnderReview) => true,
        _ => false,
    }
}

/// The statuses a request in `from` may be moved to by hand, in the order buttons show them.
pub fn next(from: Status, decided_by: DecidedBy) -> Vec<Status> {
    Status::ALL.into_iter().filter(|to| may_move(from, *to, decided_by)).collect()
}

/// Whether a request in `from` may be decided now: under review when a manager or a worker
/// decides its type, before the commission when a commission does (the commission may also
/// adjourn it: [`Status::Adjourned`] through a session's decisions).
pub fn may_decide(from: Status, decided_by: DecidedBy) -> bool {
    match decided_by {
        DecidedBy::Commission => from == Status::InCommittee,
        DecidedBy::Manager | DecidedBy::Worker => from == Status::UnderReview,
    }
}

/// Whether a request may still be corrected (its type, date, amount asked, presentation):
/// while it is prepared, waits for documents or is under review — not once it is before the
/// commission (its agenda and the deciders' papers are made from it: move it back under review
/// first), nor after a decision, an adjournment or a closing (ADR 0030, 2026-11-27).
pub fn may_edit(from: Status) -> bool {
    matches!(from, Status::Draft | Status::AwaitingDocuments | Status::UnderReview)
}

/// A request waiting for documents longer than this many days gives its case's referent a
/// task, unless the organisation says otherwise.
pub const DEFAULT_DOCUMENTS_REMINDER_DAYS: i64 = 15;
/// Bounds of the organisation's setting of days a request may wait for documents.
pub const DOCUMENTS_REMINDER_DAYS_RANGE: (i64, i64) = (1, 90);

/// Whether a payment may be recorded: once something was granted, once.
pub fn may_pay(from: Status) -> bool {
    matches!(from, Status::Accepted | Status::PartlyAccepted)
}

/// To whom an aid is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payee {
    Person,
    Landlord,
    EnergySupplier,
    WaterSupplier,
    OtherCreditor,
}

impl Payee {
    pub const ALL: [Payee; 5] = [
        Payee::Person,
        Payee::Landlord,
        Payee::EnergySupplier,
        Payee::WaterSupplier,
        Payee::OtherCreditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Payee::Person => "person",
            Payee::Landlord => "landlord",
            Payee::EnergySupplier => "energy_supplier",
            Payee::WaterSupplier => "water_supplier",
            Payee::OtherCreditor => "other_creditor",
        }
    }

    pub fn parse(s: &str) -> Option<Payee> {
        Payee::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whether a type of the default catalogue is a legal entitlement the organisation instructs
/// (its decision belongs to another body) or an optional aid of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Legal,
    Optional,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Legal => "legal",
            Kind::Optional => "optional",
        }
    }
}

/// The legal entitlements of the default catalogue (DOMAIN.md §2.12 and issue 10); every other
/// code, an organisation's own included, is optional.
const LEGAL: &[&str] = &[
    "domiciliation",
    "maintenance_obligation",
    "css",
    "puma",
    "aspa",
    "rsa",
    "social_aid",
    "care_home_older",
    "disability_facility",
    "housing_solidarity_fund",
    "energy_voucher",
    "apa",
];

pub fn kind(code: &str) -> Kind {
    if LEGAL.contains(&code) { Kind::Legal } else { Kind::Optional }
}

/// The rules of one aid type in an organisation's catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// The request's form asks for an amount.
    pub asks_amount: bool,
    /// Document types (`ListName::DocumentType` codes) the file needs.
    pub required_documents: Vec<String>,
    /// The most that may be granted to one person for this type in a calendar year.
    pub max_cents_per_year: Option<i64>,
    pub decided_by: DecidedBy,
    /// Who that is, in the organisation's words ("Commission permanente", "Directrice").
    pub deciders: String,
}

/// The rules a type has until the organisation sets its own: the usual file of a CCAS.
pub fn default_rules(code: &str) -> Rules {
    let docs = |d: &[&str]| d.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let money = |d: &[&str], max: Option<i64>| Rules {
        asks_amount: true,
        required_documents: docs(d),
        max_cents_per_year: max,
        decided_by: DecidedBy::Commission,
        deciders: String::new(),
    };
    match code {
        "energy_aid" => {
            money(&["identity_document", "utility_bill", "benefit_statement"], Some(50_000))
        }
        "grant" => money(&["identity_document", "bank_details", "benefit_statement"], Some(80_000)),
        "loan" => money(&["identity_document", "bank_details", "payslip"], Some(150_000)),
        "food_aid" | "food_voucher" => {
            Rules { decided_by: DecidedBy::Worker, ..money(&["identity_document"], Some(30_000)) }
        }
        "transport_aid" | "school_canteen" | "holiday_help" | "culture_aid" => {
            money(&["identity_document", "benefit_statement"], None)
        }
        _ => Rules {
            asks_amount: false,
            required_documents: docs(&["identity_document"]),
            max_cents_per_year: None,
            decided_by: if kind(code) == Kind::Legal {
                DecidedBy::Manager
            } else {
                DecidedBy::Worker
            },
            deciders: String::new(),
        },
    }
}

/// The required document types not found among `present` (the types of the documents in the
/// person's file), in the order the type lists them.
pub fn missing_documents(required: &[String], present: &[String]) -> Vec<String> {
    required.iter().filter(|r| !present.contains(r)).cloned().collect()
}

/// What is wrong with what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    TooLong {
        max: usize,
    },
    TypeRequired,
    DateInvalid,
    DateInFuture,
    Amount(MoneyError),
    AmountRequired,
    AmountNotPositive,
    OutcomeInvalid,
    /// A partial grant is less than what was asked, and more than nothing.
    PartialNotLess,
    /// A refusal says why.
    ReasonRequired,
    /// The grant would pass the type's yearly maximum for the person; what is left is given.
    OverYearlyMaximum {
        remaining: i64,
    },
    PayeeInvalid,
    MethodRequired,
    PayeeNameRequired,
    TitleRequired,
}

/// An amount typed in a form: empty is none, otherwise more than zero.
pub fn parse_amount(raw: &str, style: Style) -> Result<Option<i64>, Problem> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let cents = money::parse_cents(raw, style).map_err(Problem::Amount)?;
    if cents <= 0 {
        return Err(Problem::AmountNotPositive);
    }
    Ok(Some(cents))
}

fn text(raw: &str, max: usize) -> Result<String, Problem> {
    let t = raw.trim();
    if t.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(t.to_owned())
}

/// A request as typed.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub aid_type: String,
    pub requested_on: String,
    pub asked: String,
    pub presentation: String,
}

/// A request that may be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFields {
    pub aid_type: String,
    pub requested_on: Date,
    pub asked_cents: Option<i64>,
    pub presentation: String,
}

/// Checks a request: `offered` tells whether the type is in the catalogue, `rules` gives its
/// rules. Every problem, by field.
pub fn parse_request(
    input: &RequestInput,
    offered: impl Fn(&str) -> Option<Rules>,
    today: Date,
    style: Style,
) -> Result<RequestFields, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    let rules = offered(input.aid_type.trim());
    if rules.is_none() {
        problems.push(("aid_type", Problem::TypeRequired));
    }
    let requested_on = match crate::persons::parse_date(&input.requested_on) {
        Ok(Some(d)) if d > today => {
            problems.push(("requested_on", Problem::DateInFuture));
            None
        }
        Ok(Some(d)) => Some(d),
        _ => {
            problems.push(("requested_on", Problem::DateInvalid));
            None
        }
    };
    let asked = match parse_amount(&input.asked, style) {
        Ok(None) if rules.as_ref().is_some_and(|r| r.asks_amount) => {
            problems.push(("asked", Problem::AmountRequired));
            None
        }
        Ok(a) => a,
        Err(p) => {
            problems.push(("asked", p));
            None
        }
    };
    let presentation = text(&input.presentation, TEXT_MAX).unwrap_or_else(|p| {
        problems.push(("presentation", p));
        String::new()
    });
    match (problems.is_empty(), requested_on) {
        (true, Some(requested_on)) => Ok(RequestFields {
            aid_type: input.aid_type.trim().to_owned(),
            requested_on,
            asked_cents: if rules.is_some_and(|r| r.asks_amount) { asked } else { None },
            presentation,
        }),
        _ => Err(problems),
    }
}

/// A decision as typed: the outcome code, the amount granted, the reason of a refusal (a code
/// of `ListName::AidRefusalReason`), a comment.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub outcome: String,
    pub granted: String,
    pub reason: String,
    pub comment: String,
}

/// A decision that may be recorded. `Adjourned` only comes from a commission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Status,
    pub granted_cents: Option<i64>,
    pub refusal_reason: Option<String>,
    pub comment: Option<String>,
}

/// What the decision is checked against.
#[derive(Debug, Clone, Copy)]
pub struct DecisionContext {
    pub asked_cents: Option<i64>,
    pub asks_amount: bool,
    pub max_cents_per_year: Option<i64>,
    /// Already granted to the person for this type in the year of the decision (other requests).
    pub granted_this_year: i64,
    /// A commission decides: it may adjourn.
    pub commission: bool,
}

/// Checks a decision. Granting in full with the amount left empty grants what was asked; a
/// partial grant must be less than what was asked; the yearly maximum is never passed.
pub fn parse_decision(
    input: &DecisionInput,
    ctx: DecisionContext,
    reason_known: impl Fn(&str) -> bool,
    style: Style,
) -> Result<Decision, Vec<(&'static str, Problem)>> {
    let outcome = Status::parse(input.outcome.trim())
        .filter(|s| s.is_decision() || (ctx.commission && *s == Status::Adjourned));
    let Some(outcome) = outcome else { return Err(vec![("outcome", Problem::OutcomeInvalid)]) };
    let comment = match text(&input.comment, TEXT_MAX) {
        Ok(c) => (!c.is_empty()).then_some(c),
        Err(p) => return Err(vec![("comment", p)]),
    };
    let granted = match outcome {
        Status::Accepted | Status::PartlyAccepted => {
            match (parse_amount(&input.granted, style), outcome, ctx.asked_cents) {
                (Err(p), _, _) => return Err(vec![("granted", p)]),
                (Ok(None), Status::Accepted, asked) if !ctx.asks_amount || asked.is_some() => asked,
                (Ok(None), _, _) => return Err(vec![("granted", Problem::AmountRequired)]),
                (Ok(Some(g)), Status::PartlyAccepted, Some(asked)) if g >= asked => {
                    return Err(vec![("granted", Problem::PartialNotLess)]);
                }
                (Ok(Some(g)), _, _) => Some(g),
            }
        }
        _ => None,
    };
    if let (Some(g), Some(max)) = (granted, ctx.max_cents_per_year) {
        let remaining = (max - ctx.granted_this_year).max(0);
        if g > remaining {
            return Err(vec![("granted", Problem::OverYearlyMaximum { remaining })]);
        }
    }
    let refusal_reason = if outcome == Status::Refused {
        let r = input.reason.trim();
        if r.is_empty() || !reason_known(r) {
            return Err(vec![("reason", Problem::ReasonRequired)]);
        }
        Some(r.to_owned())
    } else {
        None
    };
    Ok(Decision { outcome, granted_cents: granted, refusal_reason, comment })
}

/// A payment as typed.
#[derive(Debug, Clone, Default)]
pub struct PaymentInput {
    pub method: String,
    pub payee: String,
    pub payee_name: String,
    pub paid_on: String,
}

/// A payment that may be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// A code of `ListName::PaymentMethod`.
    pub method: String,
    pub payee: Payee,
    /// The creditor paid, when it is not the person.
    pub payee_name: Option<String>,
    pub paid_on: Date,
}

/// Checks a payment: the method from the organisation's list, a payee, the creditor's name
/// when the person is not paid, a date not in the future.
pub fn parse_payment(
    input: &PaymentInput,
    method_known: impl Fn(&str) -> bool,
    today: Date,
) -> Result<Payment, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    let method = input.method.trim();
    if !method_known(method) {
        problems.push(("method", Problem::MethodRequired));
    }
    let payee = Payee::parse(input.payee.trim());
    if payee.is_none() {
        problems.push(("payee", Problem::PayeeInvalid));
    }
    let name = text(&input.payee_name, NAME_MAX).unwrap_or_else(|p| {
        problems.push(("payee_name", p));
        String::new()
    });
    if payee.is_some_and(|p| p != Payee::Person) && name.is_empty() {
        problems.push(("payee_name", Problem::PayeeNameRequired));
    }
    let paid_on = match crate::persons::parse_date(&input.paid_on) {
        Ok(Some(d)) if d > today => {
            problems.push(("paid_on", Problem::DateInFuture));
            None
        }
        Ok(Some(d)) => Some(d),
        _ => {
            problems.push(("paid_on", Problem::DateInvalid));
            None
        }
    };
    match (problems.is_empty(), payee, paid_on) {
        (true, Some(payee), Some(paid_on)) => Ok(Payment {
            method: method.to_owned(),
            payee,
            payee_name: (!name.is_empty() && payee != Payee::Person).then_some(name),
            paid_on,
        }),
        _ => Err(problems),
    }
}

/// A commission session as typed: a title and the day it sits.
pub fn parse_session(
    title: &str,
    held_on: &str,
) -> Result<(String, Date), Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    let title = title.trim();
    if title.is_empty() {
        problems.push(("title", Problem::TitleRequired));
    } else if title.chars().count() > NAME_MAX {
        problems.push(("title", Problem::TooLong { max: NAME_MAX }));
    }
    let held_on = match crate::persons::parse_date(held_on) {
        Ok(Some(d)) => Some(d),
        _ => {
            problems.push(("held_on", Problem::DateInvalid));
            None
        }
    };
    match held_on {
        Some(d) if problems.is_empty() => Ok((title.to_owned(), d)),
        _ => Err(problems),
    }
}

/// The reference of a request a pseudonymised agenda shows instead of the person's name: it
/// says nothing of the person, and the worker finds it on the request's page.
pub fn reference(id: Uuid) -> String {
    let hex = id.simple().to_string();
    format!("A-{}", hex[hex.len() - 6..].to_ascii_uppercase())
}

/// Whole days between a request and its decision (time to decision, for statistics).
pub fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

#[cfg(test)]
mod tests;
