//! Referrals (orientations) from a case to a service of the partner directory, with the
//! person's consent and a closed loop (issue 8 points 2, 3, 5; ADR 0026): what a referral
//! says, which statuses follow which and who moves them, what may be shared (identity fields,
//! assessment domains, documents — never a note: there is no item for one), and when the
//! partner sees what was shared. Who reaches which page is [`crate::policy`].

use time::Date;
use uuid::Uuid;

/// Longest reason, and longest request.
pub const TEXT_MAX: usize = 4000;
/// Longest reason of a decline, or outcome of a completion.
pub const NOTE_MAX: usize = 2000;
/// Longest name of a representative who gave consent.
pub const NAME_MAX: usize = 200;

/// Default and bounds of the organisation's setting: days without an answer before the
/// referent gets a task.
pub const DEFAULT_REMINDER_DAYS: i64 = 10;
pub const REMINDER_DAYS_RANGE: (i64, i64) = (1, 90);

/// Where a referral is (DOMAIN.md §2.17). The codes are stored: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    Sent,
    Received,
    Accepted,
    Declined,
    Completed,
    /// Accepted, and the person never came.
    NoShow,
    /// Withdrawn by the sender.
    Revoked,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Sent,
        Status::Received,
        Status::Accepted,
        Status::Declined,
        Status::Completed,
        Status::NoShow,
        Status::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Sent => "sent",
            Status::Received => "received",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Completed => "completed",
            Status::NoShow => "no_show",
            Status::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Nothing follows it.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Declined | Status::Completed | Status::NoShow | Status::Revoked)
    }

    /// The partner answered (the referral is no longer waiting: its reminder is closed).
    pub fn answered(self) -> bool {
        !matches!(self, Status::Draft | Status::Sent)
    }
}

/// Who records a step: the organisation that referred, or the partner that received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Sender,
    Partner,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Sender => "sender",
            Side::Partner => "partner",
        }
    }
}

/// The partner's answers, in the order they come.
fn answer_follows(from: Status, to: Status) -> bool {
    use Status::*;
    matches!(
        (from, to),
        (Sent, Received | Accepted | Declined)
            | (Received, Accepted | Declined)
            | (Accepted, Completed | NoShow)
    )
}

/// Whether `side` may move a referral from `from` to `to`. The sender sends a draft and may
/// withdraw it until it is answered for good; the partner answers. When the partner is not on
/// this instance (`hosted` false), the sender records the partner's answers for it (told by
/// phone or mail); when it is, only the partner answers.
pub fn may_move(from: Status, to: Status, side: Side, hosted: bool) -> bool {
    use Status::*;
    match side {
        Side::Sender => match (from, to) {
            (Draft, Sent) => true,
            (Draft | Sent | Received | Accepted, Revoked) => true,
            _ => !hosted && answer_follows(from, to),
        },
        Side::Partner => hosted && answer_follows(from, to),
    }
}

/// The statuses `side` may move a referral in `from` to, in the order buttons show them.
pub fn next(from: Status, side: Side, hosted: bool) -> Vec<Status> {
    Status::ALL.into_iter().filter(|to| may_move(from, *to, side, hosted)).collect()
}

/// A decline says why; a completion or a no-show may say how it went; a withdrawal may say why.
pub fn needs_note(to: Status) -> bool {
    to == Status::Declined
}

/// Whether the partner sees what was shared: while the person's consent runs, once the
/// referral was sent and as long as the partner did not decline it or the sender withdraw it.
/// What the partner keeps otherwise is the referral's existence and its own answers.
pub fn shares_visible(status: Status, consent_withdrawn: bool) -> bool {
    use Status::*;
    !consent_withdrawn && matches!(status, Sent | Received | Accepted | Completed | NoShow)
}

/// How urgent the sender says the referral is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Normal,
    Soon,
    Urgent,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Normal, Urgency::Soon, Urgency::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Soon => "soon",
            Urgency::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Urgency> {
        Urgency::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An identity field that may be shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdentityField {
    Name,
    BirthDate,
    Phone,
    Email,
    Address,
    Languages,
}

impl IdentityField {
    pub const ALL: [IdentityField; 6] = [
        IdentityField::Name,
        IdentityField::BirthDate,
        IdentityField::Phone,
        IdentityField::Email,
        IdentityField::Address,
        IdentityField::Languages,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityField::Name => "name",
            IdentityField::BirthDate => "birth_date",
            IdentityField::Phone => "phone",
            IdentityField::Email => "email",
            IdentityField::Address => "address",
            IdentityField::Languages => "languages",
        }
    }

    pub fn parse(s: &str) -> Option<IdentityField> {
        IdentityField::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One item shared with the partner. There is no variant for a note: notes are never shared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShareItem {
    Identity(IdentityField),
    /// The latest assessment's levels and the person's words for this life domain.
    Domain(String),
    Document(Uuid),
}

impl ShareItem {
    /// The stored (kind, item) pair.
    pub fn code(&self) -> (&'static str, String) {
        match self {
            ShareItem::Identity(f) => ("identity", f.as_str().to_owned()),
            ShareItem::Domain(d) => ("domain", d.clone()),
            ShareItem::Document(id) => ("document", id.to_string()),
        }
    }

    /// From a stored (kind, item) pair, or a form's `kind:item` value.
    pub fn parse(kind: &str, item: &str) -> Option<ShareItem> {
        match kind {
            "identity" => IdentityField::parse(item).map(ShareItem::Identity),
            "domain" if crate::lists::valid_code(item) => Some(ShareItem::Domain(item.to_owned())),
            "document" => item.parse().ok().map(ShareItem::Document),
            _ => None,
        }
    }

    /// `kind:item`, as forms and the consent's scope write it.
    pub fn token(&self) -> String {
        let (k, i) = self.code();
        format!("{k}:{i}")
    }

    pub fn parse_token(token: &str) -> Option<ShareItem> {
        let (k, i) = token.split_once(':')?;
        ShareItem::parse(k, i)
    }
}

/// What the worker may share for this case: the life domains rated in the latest assessment
/// and the documents they may read (neither confidential ones they may not read, nor another
/// person's).
#[derive(Debug, Clone, Default)]
pub struct Sharable {
    pub domains: Vec<String>,
    pub documents: Vec<Uuid>,
}

impl Sharable {
    pub fn admits(&self, item: &ShareItem) -> bool {
        match item {
            ShareItem::Identity(_) => true,
            ShareItem::Domain(d) => self.domains.contains(d),
            ShareItem::Document(id) => self.documents.contains(id),
        }
    }
}

/// How the consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentMethod {
    Oral,
    Written,
    SignedForm,
}

impl ConsentMethod {
    pub const ALL: [ConsentMethod; 3] =
        [ConsentMethod::Oral, ConsentMethod::Written, ConsentMethod::SignedForm];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Oral => "oral",
            ConsentMethod::Written => "written",
            ConsentMethod::SignedForm => "signed_form",
        }
    }

    pub fn parse(s: &str) -> Option<ConsentMethod> {
        ConsentMethod::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who gave the consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentGiver {
    Person,
    /// A legal representative (guardian, parent): named.
    Representative,
}

impl ConsentGiver {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentGiver::Person => "person",
            ConsentGiver::Representative => "representative",
        }
    }

    pub fn parse(s: &str) -> Option<ConsentGiver> {
        [ConsentGiver::Person, ConsentGiver::Representative].into_iter().find(|k| k.as_str() == s)
    }
}

/// Purposes of the consent register (DOMAIN.md lists no other purpose of its own yet).
pub const PURPOSE_REFERRAL: &str = "referral";

/// The referral form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralInput {
    pub reason: String,
    pub request: String,
    pub urgency: String,
    /// `kind:item` tokens of the checked boxes.
    pub items: Vec<String>,
    pub consent_given: bool,
    pub given_by: String,
    pub given_by_name: String,
    pub method: String,
    pub given_on: String,
}

/// A referral form that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFields {
    pub reason: String,
    pub request: String,
    pub urgency: Urgency,
    /// Sorted, without duplicates.
    pub items: Vec<ShareItem>,
    pub given_by: ConsentGiver,
    pub given_by_name: Option<String>,
    pub method: ConsentMethod,
    pub given_on: Date,
}

/// A refused value of the referral form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    ReasonRequired,
    RequestRequired,
    TooLong {
        max: usize,
    },
    UrgencyInvalid,
    /// An item that does not exist, or that the worker may not share (a note, another case's
    /// document, a domain not assessed).
    ItemRefused,
    ConsentRequired,
    GiverInvalid,
    RepresentativeNameRequired,
    MethodInvalid,
    DateInvalid,
    DateInFuture,
}

fn text(
    raw: &str,
    field: &'static str,
    required: Problem,
    max: usize,
    problems: &mut Vec<(&'static str, Problem)>,
) -> String {
    let v = raw.trim();
    if v.is_empty() {
        problems.push((field, required));
    } else if v.chars().count() > max {
        problems.push((field, Problem::TooLong { max }));
    }
    v.to_owned()
}

/// Checks a typed referral against what may be shared, on `today`. Problems name the field
/// (`reason`, `request`, `urgency`, `items`, `consent`, `given_by`, `given_by_name`, `method`,
/// `given_on`).
pub fn parse(
    input: &ReferralInput,
    sharable: &Sharable,
    today: Date,
) -> Result<ReferralFields, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    let reason = text(&input.reason, "reason", Problem::ReasonRequired, TEXT_MAX, &mut problems);
    let request =
        text(&input.request, "request", Problem::RequestRequired, TEXT_MAX, &mut problems);
    let urgency = Urgency::parse(input.urgency.trim());
    if urgency.is_none() {
        problems.push(("urgency", Problem::UrgencyInvalid));
    }
    let mut items = Vec::new();
    for token in &input.items {
        match ShareItem::parse_token(token.trim()) {
            Some(item) if sharable.admits(&item) => items.push(item),
            _ => {
                problems.push(("items", Problem::ItemRefused));
                break;
            }
        }
    }
    items.sort();
    items.dedup();
    if !input.consent_given {
        problems.push(("consent", Problem::ConsentRequired));
    }
    let given_by = ConsentGiver::parse(input.given_by.trim());
    let mut given_by_name = None;
    match given_by {
        None => problems.push(("given_by", Problem::GiverInvalid)),
        Some(ConsentGiver::Representative) => {
            let name = input.given_by_name.trim();
            if name.is_empty() {
                problems.push(("given_by_name", Problem::RepresentativeNameRequired));
            } else if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
                problems.push(("given_by_name", Problem::TooLong { max: NAME_MAX }));
            } else {
                given_by_name = Some(name.to_owned());
            }
        }
        Some(ConsentGiver::Person) => {}
    }
    let method = ConsentMethod::parse(input.method.trim());
    if method.is_none() {
        problems.push(("method", Problem::MethodInvalid));
    }
    let given_on = match crate::persons::parse_date(&input.given_on) {
        Ok(Some(d)) if d > today => {
            problems.push(("given_on", Problem::DateInFuture));
            None
        }
        Ok(Some(d)) => Some(d),
        _ => {
            problems.push(("given_on", Problem::DateInvalid));
            None
        }
    };
    match (urgency, given_by, method, given_on) {
        (Some(urgency), Some(given_by), Some(method), Some(given_on)) if problems.is_empty() => {
            Ok(ReferralFields {
                reason,
                request,
                urgency,
                items,
                given_by,
                given_by_name,
                method,
                given_on,
            })
        }
        _ => Err(problems),
    }
}

/// Checks the reason of a decline or the outcome of a completion: trimmed, required for a
/// decline, at most [`NOTE_MAX`] characters.
pub fn parse_note(to: Status, raw: &str) -> Result<Option<String>, Problem> {
    let v = raw.trim();
    if v.chars().count() > NOTE_MAX {
        return Err(Problem::TooLong { max: NOTE_MAX });
    }
    if v.is_empty() {
        return if needs_note(to) { Err(Problem::ReasonRequired) } else { Ok(None) };
    }
    Ok(Some(v.to_owned()))
}

/// Statistics inputs (issue 8 point 7): the share of answered referrals that were accepted, in
/// per cent, rounded down; `None` when none was answered.
pub fn acceptance_rate(accepted: i64, declined: i64) -> Option<i64> {
    let answered = accepted + declined;
    (answered > 0).then(|| accepted * 100 / answered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_sender_sends_and_withdraws_the_partner_answers() {
        use Side::*;
        use Status::*;
        // Hosted partner: only it answers.
        assert!(may_move(Draft, Sent, Sender, true));
        assert!(!may_move(Sent, Accepted, Sender, true));
        assert!(may_move(Sent, Received, Partner, true));
        assert!(may_move(Sent, Accepted, Partner, true));
        assert!(may_move(Received, Declined, Partner, true));
        assert!(may_move(Accepted, Completed, Partner, true));
        assert!(may_move(Accepted, NoShow, Partner, true));
        assert!(!may_move(Received, Completed, Partner, true), "accepted first");
        assert!(!may_move(Draft, Received, Partner, true), "a draft is not sent");
        assert!(!may_move(Sent, Revoked, Partner, true), "only the sender withdraws");
        assert!(may_move(Accepted, Revoked, Sender, true));
        assert!(!may_move(Completed, Revoked, Sender, true), "an outcome stays");
        // Nothing leaves a final status.
        for from in Status::ALL.into_iter().filter(|s| s.is_final()) {
            for to in Status::ALL {
                assert!(!may_move(from, to, Sender, false) && !may_move(from, to, Partner, true));
            }
        }
        // Partner outside Passerelle: the sender records its answers; the partner has no say
        // here.
        assert!(may_move(Sent, Accepted, Sender, false));
        assert!(may_move(Accepted, Completed, Sender, false));
        assert!(!may_move(Sent, Accepted, Partner, false));
        assert_eq!(next(Sent, Partner, true), vec![Received, Accepted, Declined]);
        assert_eq!(next(Sent, Sender, true), vec![Revoked]);
        assert_eq!(next(Draft, Sender, true), vec![Sent, Revoked]);
        assert!(next(Completed, Sender, false).is_empty());
    }

    #[test]
    fn shares_are_seen_while_consent_runs_and_the_referral_lives() {
        use Status::*;
        for s in [Sent, Received, Accepted, Completed, NoShow] {
            assert!(shares_visible(s, false), "{s:?}");
            assert!(!shares_visible(s, true), "withdrawn consent hides {s:?}");
        }
        for s in [Draft, Declined, Revoked] {
            assert!(!shares_visible(s, false), "{s:?}");
        }
        assert!(Received.answered() && !Sent.answered() && !Draft.answered());
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for u in Urgency::ALL {
            assert_eq!(Urgency::parse(u.as_str()), Some(u));
        }
        for f in IdentityField::ALL {
            let item = ShareItem::Identity(f);
            assert_eq!(ShareItem::parse_token(&item.token()), Some(item));
        }
        for m in ConsentMethod::ALL {
            assert_eq!(ConsentMethod::parse(m.as_str()), Some(m));
        }
        let doc = ShareItem::Document(Uuid::now_v7());
        assert_eq!(ShareItem::parse_token(&doc.token()), Some(doc));
    }

    fn input(items: &[&str]) -> ReferralInput {
        ReferralInput {
            reason: " Needs housing ".into(),
            request: "An appointment".into(),
            urgency: "soon".into(),
            items: items.iter().map(|s| s.to_string()).collect(),
            consent_given: true,
            given_by: "person".into(),
            given_by_name: "ignored".into(),
            method: "oral".into(),
            given_on: "26/11/2026".into(),
        }
    }

    #[test]
    fn only_identity_assessed_domains_and_readable_documents_are_shared() {
        let today = date!(2026 - 11 - 26);
        let doc = Uuid::now_v7();
        let sharable = Sharable { domains: vec!["housing".into()], documents: vec![doc] };
        let ok = parse(
            &input(&[
                "identity:name",
                "domain:housing",
                &format!("document:{doc}"),
                "identity:name",
            ]),
            &sharable,
            today,
        )
        .unwrap();
        assert_eq!(
            ok.items,
            vec![
                ShareItem::Identity(IdentityField::Name),
                ShareItem::Domain("housing".into()),
                ShareItem::Document(doc)
            ]
        );
        assert_eq!(ok.reason, "Needs housing");
        assert_eq!(ok.given_by_name, None, "the person gave it: no representative kept");
        // A note, a domain not assessed, someone else's document: refused.
        for bad in [
            format!("note:{}", Uuid::now_v7()),
            "domain:health".to_owned(),
            format!("document:{}", Uuid::now_v7()),
            "identity:nir".to_owned(),
            "garbage".to_owned(),
        ] {
            let err = parse(&input(&[&bad]), &sharable, today).unwrap_err();
            assert_eq!(err, vec![("items", Problem::ItemRefused)], "{bad}");
        }
    }

    #[test]
    fn consent_is_required_with_who_how_and_when() {
        let today = date!(2026 - 11 - 26);
        let s = Sharable::default();
        let mut i = input(&[]);
        i.consent_given = false;
        i.given_by = "representative".into();
        i.given_by_name = " ".into();
        i.method = "telepathy".into();
        i.given_on = "27/11/2026".into();
        i.reason = String::new();
        i.urgency = "yesterday".into();
        assert_eq!(
            parse(&i, &s, today).unwrap_err(),
            vec![
                ("reason", Problem::ReasonRequired),
                ("urgency", Problem::UrgencyInvalid),
                ("consent", Problem::ConsentRequired),
                ("given_by_name", Problem::RepresentativeNameRequired),
                ("method", Problem::MethodInvalid),
                ("given_on", Problem::DateInFuture),
            ]
        );
        let mut r = input(&[]);
        r.given_by = "representative".into();
        r.given_by_name = " Me Durand, tutrice ".into();
        r.method = "signed_form".into();
        let ok = parse(&r, &s, today).unwrap();
        assert_eq!(ok.given_by_name.as_deref(), Some("Me Durand, tutrice"));
        assert_eq!(ok.method, ConsentMethod::SignedForm);
    }

    #[test]
    fn a_decline_says_why() {
        assert_eq!(parse_note(Status::Declined, "  "), Err(Problem::ReasonRequired));
        assert_eq!(parse_note(Status::Declined, " full "), Ok(Some("full".into())));
        assert_eq!(parse_note(Status::Completed, ""), Ok(None));
        assert_eq!(
            parse_note(Status::Completed, &"x".repeat(NOTE_MAX + 1)),
            Err(Problem::TooLong { max: NOTE_MAX })
        );
    }

    #[test]
    fn acceptance_rate_counts_answers_only() {
        assert_eq!(acceptance_rate(0, 0), None);
        assert_eq!(acceptance_rate(2, 1), Some(66));
        assert_eq!(acceptance_rate(3, 0), Some(100));
    }
}
