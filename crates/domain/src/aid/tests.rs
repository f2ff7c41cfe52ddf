//! The rules of aid requests, tested.

use super::*;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 26);

#[test]
fn a_commission_type_goes_through_the_commission_and_a_worker_type_does_not() {
    use Status::*;
    let c = DecidedBy::Commission;
    assert_eq!(next(Draft, c), vec![AwaitingDocuments, UnderReview, Dismissed, ClosedByPerson]);
    assert_eq!(
        next(UnderReview, c),
        vec![AwaitingDocuments, InCommittee, Dismissed, ClosedByPerson]
    );
    assert!(!may_move(UnderReview, InCommittee, DecidedBy::Worker));
    assert!(may_decide(InCommittee, c) && !may_decide(UnderReview, c));
    assert!(
        may_decide(UnderReview, DecidedBy::Worker) && !may_decide(InCommittee, DecidedBy::Manager)
    );
    assert!(may_move(Adjourned, InCommittee, c) && may_move(InCommittee, UnderReview, c));
    // Nothing moves a decided or closed request by hand, nothing skips to a decision.
    for from in [Refused, Paid, Dismissed, ClosedByPerson] {
        assert!(next(from, c).is_empty(), "{from:?}");
        assert!(!may_pay(from));
    }
    for to in [Accepted, PartlyAccepted, Refused, Paid] {
        for from in Status::ALL {
            assert!(!may_move(from, to, c), "{from:?} → {to:?}");
        }
    }
    assert_eq!(next(Accepted, c), Vec::<Status>::new());
    assert!(may_pay(Accepted) && may_pay(PartlyAccepted) && !may_pay(InCommittee));
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
}

fn ctx(asked: Option<i64>, max: Option<i64>, already: i64) -> DecisionContext {
    DecisionContext {
        asked_cents: asked,
        asks_amount: true,
        max_cents_per_year: max,
        granted_this_year: already,
        commission: true,
    }
}

fn decide(
    outcome: &str,
    granted: &str,
    reason: &str,
    c: DecisionContext,
) -> Result<Decision, Vec<(&'static str, Problem)>> {
    let input = DecisionInput {
        outcome: outcome.into(),
        granted: granted.into(),
        reason: reason.into(),
        comment: String::new(),
    };
    parse_decision(&input, c, |r| r == "over_income", Style::French)
}

#[test]
fn a_grant_stays_within_the_yearly_maximum_of_the_type() {
    // 500 € a year, 350 € already granted this year: 150 € left.
    let c = ctx(Some(20_000), Some(50_000), 35_000);
    assert_eq!(
        decide("accepted", "", "", c).unwrap_err(),
        vec![("granted", Problem::OverYearlyMaximum { remaining: 15_000 })]
    );
    let d = decide("partly_accepted", "150", "", c).unwrap();
    assert_eq!(d.granted_cents, Some(15_000));
    assert_eq!(
        decide("partly_accepted", "150,01", "", c).unwrap_err(),
        vec![("granted", Problem::OverYearlyMaximum { remaining: 15_000 })]
    );
    // More granted than the maximum already: nothing left, never a negative remainder.
    let over = ctx(Some(100), Some(50_000), 60_000);
    assert_eq!(
        decide("accepted", "", "", over).unwrap_err(),
        vec![("granted", Problem::OverYearlyMaximum { remaining: 0 })]
    );
    // No maximum: anything asked.
    assert_eq!(
        decide("accepted", "", "", ctx(Some(9_000_000), None, 0)).unwrap().granted_cents,
        Some(9_000_000)
    );
    // A refusal grants nothing, whatever the maximum.
    assert!(decide("refused", "", "over_income", over).is_ok());
}

#[test]
fn a_decision_says_what_it_must() {
    let c = ctx(Some(20_000), None, 0);
    let full = decide("accepted", "", "", c).unwrap();
    assert_eq!((full.outcome, full.granted_cents), (Status::Accepted, Some(20_000)));
    assert_eq!(
        decide("partly_accepted", "200", "", c).unwrap_err(),
        vec![("granted", Problem::PartialNotLess)]
    );
    assert_eq!(
        decide("partly_accepted", "", "", c).unwrap_err(),
        vec![("granted", Problem::AmountRequired)]
    );
    assert_eq!(decide("partly_accepted", "120,50", "", c).unwrap().granted_cents, Some(12_050));
    assert_eq!(
        decide("partly_accepted", "0", "", c).unwrap_err(),
        vec![("granted", Problem::AmountNotPositive)]
    );
    assert_eq!(
        decide("partly_accepted", "12,345", "", c).unwrap_err(),
        vec![("granted", Problem::Amount(MoneyError::TooManyDecimals))]
    );
    assert_eq!(
        decide("refused", "", "", c).unwrap_err(),
        vec![("reason", Problem::ReasonRequired)]
    );
    assert_eq!(
        decide("refused", "", "made_up", c).unwrap_err(),
        vec![("reason", Problem::ReasonRequired)]
    );
    let refused = decide("refused", "", "over_income", c).unwrap();
    assert_eq!(refused.refusal_reason.as_deref(), Some("over_income"));
    assert_eq!(refused.granted_cents, None);
    assert_eq!(decide("adjourned", "", "", c).unwrap().outcome, Status::Adjourned);
    let alone = DecisionContext { commission: false, ..c };
    assert_eq!(
        decide("adjourned", "", "", alone).unwrap_err(),
        vec![("outcome", Problem::OutcomeInvalid)]
    );
    assert_eq!(decide("paid", "", "", c).unwrap_err(), vec![("outcome", Problem::OutcomeInvalid)]);
}

#[test]
fn a_request_needs_a_type_of_the_catalogue_a_past_date_and_its_amount() {
    let offered = |code: &str| (code == "energy_aid").then(|| default_rules(code));
    let input = RequestInput {
        aid_type: "energy_aid".into(),
        requested_on: "26/11/2026".into(),
        asked: "1 234,56 €".into(),
        presentation: "  Facture de régularisation  ".into(),
    };
    let f = parse_request(&input, offered, TODAY, Style::French).unwrap();
    assert_eq!(f.asked_cents, Some(123_456));
    assert_eq!(f.presentation, "Facture de régularisation");
    let english = RequestInput { asked: "€1,234.56".into(), ..input.clone() };
    assert_eq!(
        parse_request(&english, offered, TODAY, Style::English).unwrap().asked_cents,
        Some(123_456)
    );
    let bad = RequestInput {
        aid_type: "castle".into(),
        requested_on: "27/11/2026".into(),
        asked: "12,345".into(),
        ..Default::default()
    };
    let problems = parse_request(&bad, offered, TODAY, Style::French).unwrap_err();
    assert_eq!(
        problems,
        vec![
            ("aid_type", Problem::TypeRequired),
            ("requested_on", Problem::DateInFuture),
            ("asked", Problem::Amount(MoneyError::TooManyDecimals)),
        ]
    );
    let no_amount = RequestInput { asked: String::new(), ..input };
    assert_eq!(
        parse_request(&no_amount, offered, TODAY, Style::French).unwrap_err(),
        vec![("asked", Problem::AmountRequired)]
    );
}

#[test]
fn a_payment_to_a_creditor_names_it() {
    let known = |m: &str| m == "paid_to_creditor" || m == "bank_transfer";
    let input = PaymentInput {
        method: "paid_to_creditor".into(),
        payee: "energy_supplier".into(),
        payee_name: "".into(),
        paid_on: "2026-11-26".into(),
    };
    assert_eq!(
        parse_payment(&input, known, TODAY).unwrap_err(),
        vec![("payee_name", Problem::PayeeNameRequired)]
    );
    let named = PaymentInput { payee_name: "Énergie Ouest".into(), ..input.clone() };
    let p = parse_payment(&named, known, TODAY).unwrap();
    assert_eq!((p.payee, p.payee_name.as_deref()), (Payee::EnergySupplier, Some("Énergie Ouest")));
    let person = PaymentInput {
        payee: "person".into(),
        method: "bank_transfer".into(),
        payee_name: "x".into(),
        ..input.clone()
    };
    assert_eq!(parse_payment(&person, known, TODAY).unwrap().payee_name, None);
    let bad = PaymentInput {
        method: "gold".into(),
        payee: "dragon".into(),
        paid_on: "2026-12-01".into(),
        ..input
    };
    let problems: Vec<_> =
        parse_payment(&bad, known, TODAY).unwrap_err().into_iter().map(|(f, _)| f).collect();
    assert_eq!(problems, vec!["method", "payee", "paid_on"]);
}

#[test]
fn the_checklist_lists_what_the_file_lacks_and_the_reference_hides_the_person() {
    let rules = default_rules("energy_aid");
    assert!(rules.asks_amount && rules.decided_by == DecidedBy::Commission);
    assert_eq!(
        missing_documents(
            &rules.required_documents,
            &["identity_document".into(), "payslip".into()]
        ),
        vec!["utility_bill".to_owned(), "benefit_statement".to_owned()]
    );
    assert!(missing_documents(&rules.required_documents, &rules.required_documents).is_empty());
    assert_eq!(kind("rsa"), Kind::Legal);
    assert_eq!(kind("energy_aid"), Kind::Optional);
    assert_eq!(kind("our_own"), Kind::Optional);
    let id = Uuid::parse_str("0193b3a0-0000-7000-8000-00000abcdef1").unwrap();
    assert_eq!(reference(id), "A-BCDEF1");
    assert_eq!(days_between(date!(2026 - 11 - 01), TODAY), 25);
}

#[test]
fn a_session_needs_a_title_and_a_day() {
    assert_eq!(
        parse_session("  Commission de décembre ", "03/12/2026"),
        Ok(("Commission de décembre".to_owned(), time::macros::date!(2026 - 12 - 03)))
    );
    assert_eq!(
        parse_session(" ", "31/02/2026"),
        Err(vec![("title", Problem::TitleRequired), ("held_on", Problem::DateInvalid)])
    );
    let long = "x".repeat(NAME_MAX + 1);
    assert_eq!(
        parse_session(&long, "2026-12-03"),
        Err(vec![("title", Problem::TooLong { max: NAME_MAX })])
    );
}

#[test]
fn a_request_is_corrected_only_before_the_commission_and_its_decision() {
    use Status::*;
    let editable: Vec<Status> = Status::ALL.into_iter().filter(|s| may_edit(*s)).collect();
    assert_eq!(editable, vec![Draft, AwaitingDocuments, UnderReview]);
    // Every status a decision, a payment or a closing reaches is past correcting.
    for s in Status::ALL {
        if s.is_decision() || s.is_final() || s.is_granted() || s == Adjourned {
            assert!(!may_edit(s), "{s:?}");
        }
    }
}
