//! Erasure on request (GDPR art. 17; issue 12 point 5; ADR 0036): when the law lets a person's
//! file be erased, and why not otherwise. Art. 17(3) keeps what a legal duty, a public-interest
//! task or legal claims still need; in Passerelle's terms (DOMAIN.md §3.2–3.4):
//!
//! - a case still open or paused: the support is going on (the person's objection ends it;
//!   the worker closes the case first, which records why);
//! - a legal hold on the retention review list: the DPO recorded a legal duty or a claim;
//! - an aid request not finished (being prepared, decided but not paid, adjourned): the
//!   commission's decision and the payment must be traceable until it ends;
//! - a current domiciliation: the organisation is the person's postal address by law (CASF
//!   L.264-1) and must hand over their mail until it ends.
//!
//! Each is a fact the store reads in the erasure's own transaction; the page says which ones
//! stand in the way, in the user's language.

/// The job that scrubs the storage after an erasure (deleted rows overwritten or rewritten,
/// the WAL truncated, the files deleted): queued in the erasure's transaction, so a crash
/// after the commit still gets it done, and run by the job worker rather than in the request
/// (on PostgreSQL it rewrites tables, which takes their lock for a while).
pub const ERASURE_SCRUB_JOB: &str = "erasure_scrub";

/// What stands in the way of an erasure. The codes name messages: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    OpenCase,
    LegalHold,
    UnfinishedAid,
    CurrentDomiciliation,
}

impl Refusal {
    pub const ALL: [Refusal; 4] = [
        Refusal::OpenCase,
        Refusal::LegalHold,
        Refusal::UnfinishedAid,
        Refusal::CurrentDomiciliation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Refusal::OpenCase => "open_case",
            Refusal::LegalHold => "legal_hold",
            Refusal::UnfinishedAid => "unfinished_aid",
            Refusal::CurrentDomiciliation => "current_domiciliation",
        }
    }
}

/// The facts about one person that decide whether their file may be erased.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// Cases open or paused.
    pub open_cases: u32,
    /// A line of the retention review list held by the DPO.
    pub legal_hold: bool,
    /// Aid requests whose status is not final.
    pub unfinished_aid: u32,
    /// Domiciliations without an end date.
    pub current_domiciliations: u32,
}

/// Why the file may not be erased now: empty when it may.
pub fn refusals(f: &Facts) -> Vec<Refusal> {
    let mut out = Vec::new();
    if f.open_cases > 0 {
        out.push(Refusal::OpenCase);
    }
    if f.legal_hold {
        out.push(Refusal::LegalHold);
    }
    if f.unfinished_aid > 0 {
        out.push(Refusal::UnfinishedAid);
    }
    if f.current_domiciliations > 0 {
        out.push(Refusal::CurrentDomiciliation);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_file_without_hold_aid_or_domiciliation_may_be_erased() {
        assert!(refusals(&Facts::default()).is_empty());
    }

    #[test]
    fn each_fact_is_its_own_refusal() {
        let all =
            Facts { open_cases: 1, legal_hold: true, unfinished_aid: 2, current_domiciliations: 1 };
        assert_eq!(refusals(&all), Refusal::ALL);
        assert_eq!(refusals(&Facts { open_cases: 2, ..Facts::default() }), [Refusal::OpenCase]);
        assert_eq!(refusals(&Facts { legal_hold: true, ..Facts::default() }), [Refusal::LegalHold]);
        assert_eq!(
            refusals(&Facts { unfinished_aid: 1, ..Facts::default() }),
            [Refusal::UnfinishedAid]
        );
        assert_eq!(
            refusals(&Facts { current_domiciliations: 1, ..Facts::default() }),
            [Refusal::CurrentDomiciliation]
        );
    }

    #[test]
    fn codes_are_distinct() {
        let codes: std::collections::BTreeSet<_> = Refusal::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), Refusal::ALL.len());
    }
}
