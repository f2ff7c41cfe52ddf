//! The cases of a generated data set and their timelines: the staff who follow them (teams of
//! workers), as many cases as persons (some persons with several, one after the other), and
//! ten timeline entries a case on average — notes of every contact medium and case reviews,
//! with lengths of their kind and a share of restricted levels, and status changes (opened,
//! paused and resumed, closed with a reason, reopened by a later case).
//!
//! Histories are as uneven as they are in a service: most cases have a few entries, some
//! followed for years have hundreds. Counts are exact: per batch of persons, as many cases, and
//! ten times as many entries. Everything is drawn from the seed (never from the clock), so a
//! seed gives the same rows twice.
//!
//! Rows are those [`crate::cases::open`], [`crate::cases::add_note`],
//! [`crate::cases::change_status`] and [`crate::cases::delete_note`] write, in multi-row
//! statements.

use domain::accounts::{Email, Role};
use domain::lists::ListName;
use domain::organisations::{DisplayName, NewTeam};
use domain::{MembershipId, OrganisationId, PersonId, TeamId, UserId};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::macros::datetime;
use time::{Duration as Span, OffsetDateTime};
use uuid::Uuid;

use super::{Insert, V, placeholders, uuid_at};

mod activity;
use crate::demo::population::Household;
use crate::{Db, StoreError, Ts, Tx, accounts, teams};

/// Timeline entries per case, on average (the data sets: 10 000 cases, 100 000 events).
pub const EVENTS_PER_CASE: usize = 10;

/// The generated data's "today": nothing happens after it, whatever the clock says.
pub const END: OffsetDateTime = datetime!(2026-11-01 17:00 UTC);

/// Cases each team follows, about; and each worker.
const CASES_PER_TEAM: usize = 1_000;
const CASES_PER_WORKER: usize = 80;

/// The random stream of the staff and cases (1 is the population's, 7 the search queries').
const CASES_STREAM: u64 = 11;

/// The teams and workers who follow the generated cases.
#[derive(Debug, Clone)]
pub struct Staff {
    pub teams: Vec<TeamId>,
    /// Each worker and the index of their team.
    pub workers: Vec<(UserId, usize)>,
    /// The partner services cases are referred to.
    pub services: Vec<activity::Service>,
}

impl Staff {
    fn of_team(&self, team: usize) -> impl Iterator<Item = UserId> + '_ {
        self.workers.iter().filter(move |(_, t)| *t == team).map(|(u, _)| *u)
    }
}

/// The name of the `i`-th team: the first sorts first.
pub fn team_name(i: usize) -> String {
    format!("Équipe {:03}", i + 1)
}

/// The e-mail address of the `i`-th worker.
pub fn worker_email(i: usize) -> String {
    format!("referent-{:05}@banc-essai.example", i + 1)
}

#[rustfmt::skip]
const WORKER_FIRST: &[&str] = &[
    "Camille", "Nadia", "Julien", "Aurélie", "Mehdi", "Sandrine", "Thomas", "Fatou", "Élodie",
    "Yannick", "Hélène", "Sébastien", "Laëtitia", "Karim", "Marion", "Jean-Baptiste", "Soo-ah",
    "Agnieszka", "Thanh", "Delphine",
];
#[rustfmt::skip]
const WORKER_FAMILY: &[&str] = &[
    "Martin", "Bernard", "Roux", "Lefèvre", "Mercier", "Benali", "Nguyen", "Kowalska",
    "Garnier", "Chevalier", "Faure", "Diallo", "Rousseau", "Blanc", "Guérin", "Le Goff",
    "Park", "Morin", "Henry", "Da Silva",
];

/// Writes the teams and workers (accounts without a password, members of their team) of an
/// organisation that will follow `cases` cases.
pub(super) async fn write_staff(
    db: &Db,
    organisation_id: OrganisationId,
    cases: usize,
    seed: u64,
    created: Ts,
) -> Result<Staff, StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(CASES_STREAM);
    let team_count = cases.div_ceil(CASES_PER_TEAM).max(1);
    let worker_count = cases.div_ceil(CASES_PER_WORKER).max(2 * team_count);
    let mut tx = db.begin_write().await?;
    let mut staff =
        Staff { teams: Vec::with_capacity(team_count), workers: vec![], services: vec![] };
    for i in 0..team_count {
        let team = NewTeam {
            id: TeamId::from_uuid(uuid_at(&mut rng, created)),
            organisation_id,
            name: DisplayName::parse(&team_name(i)).expect("team names are valid"),
        };
        teams::insert(&mut tx, &team, created).await?;
        staff.teams.push(team.id);
    }
    for i in 0..worker_count {
        let id = UserId::from_uuid(uuid_at(&mut rng, created));
        let email = Email::parse(&worker_email(i)).expect("worker e-mails are valid");
        let name = format!(
            "{} {}",
            WORKER_FIRST[i % WORKER_FIRST.len()],
            WORKER_FAMILY[(i / WORKER_FIRST.len() + i) % WORKER_FAMILY.len()]
        );
        let name = DisplayName::parse(&name).expect("worker names are valid");
        let new =
            accounts::NewUser { id, email: &email, display_name: &name, instance_admin: false };
        accounts::insert_user(&mut tx, &new, created).await?;
        let membership = MembershipId::from_uuid(uuid_at(&mut rng, created));
        accounts::insert_membership(
            &mut tx,
            membership,
            id,
            organisation_id,
            Role::Worker,
            created,
        )
        .await?;
        let team = i % team_count;
        accounts::add_membership_team(&mut tx, membership, staff.teams[team], false).await?;
        staff.workers.push((id, team));
    }
    staff.services = activity::write_partners(&mut tx, &mut rng, created).await?;
    tx.commit().await?;
    Ok(staff)
}

/// What one batch of cases wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Written {
    pub cases: usize,
    pub entries: usize,
}

/// One case to write, with its timeline.
struct GenCase {
    id: Uuid,
    person_id: PersonId,
    household_id: Option<Uuid>,
    team: usize,
    referent: UserId,
    co_referent: Option<UserId>,
    reason: &'static str,
    source: &'static str,
    opened: Ts,
    /// The end of the case's time: when it closed, or [`END`].
    until: Ts,
    closed: bool,
    closure_reason: &'static str,
    entries: Vec<GenEntry>,
    /// Timeline events of assessments and of the plan, written after the case.
    plan_events: usize,
    status: &'static str,
    version: i64,
}

/// One timeline entry to write.
struct GenEntry {
    id: Uuid,
    at: Ts,
    written: Ts,
    author: UserId,
    what: What,
}

enum What {
    Status { status: &'static str, closure_reason: Option<&'static str> },
    Note(GenNote),
}

struct GenNote {
    note_type: &'static str,
    duration: Option<i64>,
    place: Option<&'static str>,
    participants: Option<&'static str>,
    confidentiality: &'static str,
    body: Option<String>,
    deleted: Option<(Ts, UserId, &'static str)>,
}

/// Cases with this many entries or more have assessments and a plan ([`super::plans`]).
const PLAN_FROM: usize = 30;
/// At most this many of their entries are assessments and plan changes.
const PLAN_EVENTS_MAX: usize = 12;

/// The generator of cases, one stream of the seed for the whole data set.
pub(super) struct CaseGenerator {
    rng: ChaCha8Rng,
    note_types: WeightedIndex<u32>,
    next_worker: usize,
    activity: activity::ActivityGenerator,
}

/// Contact media and case reviews, with how often they are met: the telephone first.
const NOTE_TYPES: &[(&str, u32)] = &[
    ("phone", 28),
    ("in_person_appointment", 20),
    ("email", 9),
    ("home_visit", 8),
    ("text_message", 8),
    ("walk_in", 6),
    ("external_appointment", 5),
    ("third_party", 4),
    ("postal_mail", 3),
    ("case_review", 4),
    ("video_call", 2),
    ("group_session", 2),
    ("other", 1),
];

impl CaseGenerator {
    pub(super) fn new(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Another stream than the staff's, so adding workers moves no case.
        rng.set_stream(CASES_STREAM + 1);
        CaseGenerator {
            rng,
            note_types: WeightedIndex::new(NOTE_TYPES.iter().map(|(_, w)| *w))
                .expect("note type weights"),
            next_worker: 0,
            activity: activity::ActivityGenerator::new(seed),
        }
    }

    /// The cases of a batch of households: as many as they have members, on the adults (the
    /// reference person always, another adult at times), with [`EVENTS_PER_CASE`] entries a
    /// case on average.
    fn cases_of(&mut self, households: &[Household], staff: &Staff) -> Vec<GenCase> {
        let persons: usize = households.iter().map(|h| h.members.len()).sum();
        // Who gets a case: (household, member).
        let mut eligible = Vec::new();
        for (hi, h) in households.iter().enumerate() {
            let adult_on = h.created_at.get().date() - Span::days(18 * 365);
            for (mi, m) in h.members.iter().enumerate() {
                let adult = m.record.birth_date.is_none_or(|b| b <= adult_on);
                if mi == 0 || (adult && self.rng.random_bool(0.35)) {
                    eligible.push((hi, mi));
                }
            }
        }
        if eligible.is_empty() {
            return vec![];
        }
        // One case each, then the rest to some of them: several cases, one after the other.
        let mut per_person = vec![0usize; eligible.len()];
        for (i, n) in per_person.iter_mut().enumerate() {
            if i < persons {
                *n = 1;
            }
        }
        for _ in eligible.len().min(persons)..persons {
            let i = self.rng.random_range(0..eligible.len());
            // At most four cases a person.
            match per_person.iter().position(|n| *n < 4) {
                _ if per_person[i] < 4 => per_person[i] += 1,
                Some(j) => per_person[j] += 1,
                None => per_person[i] += 1,
            }
        }
        // Weights of the histories: how long a case runs and how often the person is seen.
        let mut cases = Vec::with_capacity(persons);
        let mut weights = Vec::with_capacity(persons);
        for (&(hi, mi), &count) in eligible.iter().zip(&per_person) {
            if count == 0 {
                continue;
            }
            let h = &households[hi];
            let m = &h.members[mi];
            let start = h.created_at.get() + Span::days(self.rng.random_range(0..30));
            let end = END;
            if start >= end {
                continue;
            }
            let total = end - start;
            // Successive cases share the person's time, with gaps between them.
            for k in 0..count {
                let from = start + total * (k as f64 / count as f64);
                let slot = total / count as i32;
                let years = self.rng.random_range(1.0f64..10.0).powf(1.3) / 10f64.powf(0.3);
                let span = Span::seconds_f64(years.clamp(0.1, 10.0) * 365.25 * 86_400.0);
                let last = k + 1 == count;
                // An earlier case ends before the next; the last one runs on, or ends.
                let until = if last { from + span } else { from + (span.min(slot * 0.8)) };
                let closed = until < end;
                let until = until.min(end);
                let intensity = match self.rng.random_range(0..100) {
                    0..3 => 12.0,
                    3..15 => 3.0,
                    15..55 => 1.0,
                    _ => 0.4,
                };
                let days = (until - from).whole_days().max(1) as f64;
                weights.push(days.sqrt() * intensity);
                cases.push(self.case_shell(staff, m.person_id, h, from, until, closed));
            }
        }
        // Exactly as many cases as persons: the batch's last persons give up extra cases, or
        // the first ones take one more, when the draw came out otherwise.
        cases.truncate(persons);
        weights.truncate(persons);
        let entries = self.allocate(&weights, cases.len() * EVENTS_PER_CASE);
        for (case, n) in cases.iter_mut().zip(entries) {
            self.timeline(case, n, staff);
        }
        cases
    }

    /// Splits `total` entries among cases in proportion to `weights`, two at least each (the
    /// opening and one note).
    fn allocate(&mut self, weights: &[f64], total: usize) -> Vec<usize> {
        let n = weights.len();
        if n == 0 {
            return vec![];
        }
        let floor = 2.min(total / n);
        let spare = total - floor * n;
        let sum: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        let mut out: Vec<usize> =
            weights.iter().map(|w| floor + (w / sum * spare as f64).floor() as usize).collect();
        let mut given: usize = out.iter().sum();
        while given < total {
            let i = self.rng.random_range(0..n);
            out[i] += 1;
            given += 1;
        }
        out
    }

    fn case_shell(
        &mut self,
        staff: &Staff,
        person_id: PersonId,
        h: &Household,
        from: OffsetDateTime,
        until: OffsetDateTime,
        closed: bool,
    ) -> GenCase {
        // Workers take the cases in turn, so each follows about the same number.
        let (referent, team) = staff.workers[self.next_worker % staff.workers.len()];
        self.next_worker += 1;
        let co_referent = if self.rng.random_bool(0.15) {
            let colleagues: Vec<UserId> = staff.of_team(team).filter(|u| *u != referent).collect();
            colleagues.choose(&mut self.rng).copied()
        } else {
            None
        };
        let opened = Ts::from(from);
        GenCase {
            id: uuid_at(&mut self.rng, opened),
            person_id,
            household_id: (h.members.len() > 1).then_some(h.id.as_uuid()),
            team,
            referent,
            co_referent,
            reason: pick(&mut self.rng, REASONS),
            source: pick(&mut self.rng, ListName::OrientationSource.defaults()),
            opened,
            until: Ts::from(until),
            closed,
            closure_reason: pick(&mut self.rng, ListName::CaseClosureReason.defaults()),
            entries: vec![],
            plan_events: 0,
            status: "open",
            version: 1,
        }
    }

    /// `n` entries between the opening and the end of `case`: the opening, the closing when
    /// the case closed, a pause and its resumption now and then, notes for the rest.
    fn timeline(&mut self, case: &mut GenCase, n: usize, staff: &Staff) {
        // Long histories have an assessment and a plan: some of their entries are its events.
        if n >= PLAN_FROM {
            case.plan_events = (n / 4).min(PLAN_EVENTS_MAX);
        }
        let n = n - case.plan_events;
        let from = case.opened.get();
        let until = case.until.get();
        let seconds = (until - from).whole_seconds().max(3_600);
        let mut times: Vec<OffsetDateTime> = (1..n)
            .map(|_| {
                // Office hours (7:00–17:55 UTC, 8:00–18:55 in Paris in winter), on a day of
                // the case's time.
                let t = from + Span::seconds(self.rng.random_range(0..seconds));
                let day = t.date().midnight().assume_utc();
                let at = day
                    + Span::hours(self.rng.random_range(7..18))
                    + Span::minutes(5 * self.rng.random_range(0..12));
                at.max(from + Span::minutes(1)).min(until)
            })
            .collect();
        times.sort();
        let mut kinds: Vec<Option<(&'static str, Option<&'static str>)>> = vec![None; times.len()];
        if case.closed && !times.is_empty() {
            let last = times.len() - 1;
            times[last] = until;
            kinds[last] = Some(("closed", Some(case.closure_reason)));
        }
        // A pause and its resumption in some longer cases; a few open cases are paused now.
        if times.len() >= 8 && self.rng.random_bool(0.15) {
            let i = self.rng.random_range(1..times.len() / 2);
            let j = i + self.rng.random_range(1..times.len() / 2);
            if kinds[i].is_none() && kinds[j].is_none() {
                kinds[i] = Some(("paused", None));
                kinds[j] = Some(("open", None));
            }
        }
        if !case.closed && times.len() >= 3 && self.rng.random_bool(0.06) {
            let last = times.len() - 1;
            if kinds[last].is_none() && !kinds.iter().any(|k| matches!(k, Some(("paused", _)))) {
                kinds[last] = Some(("paused", None));
            }
        }
        let mut entries = Vec::with_capacity(n);
        entries.push(GenEntry {
            id: uuid_at(&mut self.rng, case.opened),
            at: case.opened,
            written: case.opened,
            author: case.referent,
            what: What::Status { status: "open", closure_reason: None },
        });
        let team: Vec<UserId> = staff.of_team(case.team).take(8).collect();
        for (at, kind) in times.into_iter().zip(kinds) {
            let at = Ts::from(at);
            let written = Ts::from(
                (at.get() + Span::minutes(self.rng.random_range(0..240))).min(until.max(at.get())),
            );
            let author = match self.rng.random_range(0..100) {
                0..85 => case.referent,
                85..95 => case.co_referent.unwrap_or(case.referent),
                _ => *team.choose(&mut self.rng).unwrap_or(&case.referent),
            };
            let what = match kind {
                Some((status, closure_reason)) => {
                    case.status = status;
                    case.version += 1;
                    What::Status { status, closure_reason }
                }
                None => What::Note(self.note(at, author)),
            };
            let author = if matches!(what, What::Status { .. }) { case.referent } else { author };
            entries.push(GenEntry {
                id: uuid_at(&mut self.rng, written),
                at,
                written,
                author,
                what,
            });
        }
        case.entries = entries;
    }

    fn note(&mut self, at: Ts, author: UserId) -> GenNote {
        let note_type = NOTE_TYPES[self.note_types.sample(&mut self.rng)].0;
        let rng = &mut self.rng;
        let (duration, place) = match note_type {
            "phone" => (Some(5 * rng.random_range(1..7)), None),
            "in_person_appointment" | "walk_in" => {
                (Some(15 * rng.random_range(1..5)), Some(*OFFICES.choose(rng).expect("offices")))
            }
            "home_visit" => (Some(15 * rng.random_range(2..7)), Some("Domicile")),
            "external_appointment" => {
                (Some(15 * rng.random_range(2..9)), Some(*PARTNERS.choose(rng).expect("partners")))
            }
            "case_review" => (Some(15 * rng.random_range(2..5)), Some("Réunion d'équipe")),
            "video_call" | "group_session" => (Some(15 * rng.random_range(2..7)), None),
            _ => (None, None),
        };
        let participants = match note_type {
            "home_visit" | "in_person_appointment" | "external_appointment" | "group_session"
                if rng.random_bool(0.4) =>
            {
                Some(*PARTICIPANTS.choose(rng).expect("participants"))
            }
            "case_review" => Some("Équipe, cheffe de service"),
            _ => None,
        };
        let confidentiality = match rng.random_range(0..100) {
            0..90 => "normal",
            90..98 => "referents",
            _ => "author",
        };
        let deleted = rng.random_bool(0.003).then(|| {
            (
                Ts::from(at.get() + Span::days(rng.random_range(0..5))),
                author,
                "Note écrite dans le mauvais dossier",
            )
        });
        let body = match deleted {
            Some(_) => None,
            None => Some(note_body(rng, note_type)),
        };
        GenNote {
            note_type,
            duration,
            place: if deleted.is_some() { None } else { place },
            participants: if deleted.is_some() { None } else { participants },
            confidentiality,
            body,
            deleted,
        }
    }
}

/// Writes the cases of a batch of households, their co-referents and timelines, in `tx`.
pub(super) async fn write_cases(
    tx: &mut Tx,
    organisation_id: OrganisationId,
    households: &[Household],
    staff: &Staff,
    generator: &mut CaseGenerator,
) -> Result<Written, StoreError> {
    let cases = generator.cases_of(households, staff);
    let org = V::Uuid(organisation_id.as_uuid());

    const CASE_WIDTH: usize = 16;
    let mut values = Vec::with_capacity(cases.len() * CASE_WIDTH);
    for c in &cases {
        values.extend([
            V::Uuid(c.id),
            org,
            V::Uuid(c.person_id.as_uuid()),
            V::OptUuid(c.household_id),
            V::Uuid(staff.teams[c.team].as_uuid()),
            V::Uuid(c.referent.as_uuid()),
            V::Text(Some(c.reason)),
            V::Text(Some(c.source)),
            V::Text(Some(c.status)),
            V::Ts(c.opened),
            V::OptTs((c.status == "closed").then_some(c.until)),
            V::Text((c.status == "closed").then_some(c.closure_reason)),
            V::Uuid(c.referent.as_uuid()),
            V::Ts(c.opened),
            V::Ts(c.entries.last().map(|e| e.written).unwrap_or(c.opened).max(c.opened)),
            V::Int(c.version),
        ]);
    }
    Insert {
        head: "INSERT INTO cases (id, organisation_id, person_id, household_id, team_id, \
               referent_id, reason, orientation_source, status, opened_at, closed_at, \
               closure_reason, created_by, created_at, updated_at, version) VALUES ",
        width: CASE_WIDTH,
        tuple: |p| format!("({})", placeholders(p, CASE_WIDTH)),
        rows_divisor: 1,
    }
    .run(tx, &values)
    .await?;

    values.clear();
    for c in &cases {
        if let Some(co) = c.co_referent {
            values.extend([V::Uuid(c.id), V::Uuid(co.as_uuid())]);
        }
    }
    Insert {
        head: "INSERT INTO case_co_referents (case_id, user_id) VALUES ",
        width: 2,
        tuple: |p| format!("({})", placeholders(p, 2)),
        rows_divisor: 1,
    }
    .run(tx, &values)
    .await?;

    const ENTRY_WIDTH: usize = 19;
    values.clear();
    let mut entries = 0;
    for c in &cases {
        for e in &c.entries {
            entries += 1;
            let (kind, note, status, closure) = match &e.what {
                What::Status { status, closure_reason } => {
                    ("status", None, Some(*status), *closure_reason)
                }
                What::Note(n) => ("note", Some(n), None, None),
            };
            let deleted = note.and_then(|n| n.deleted);
            values.extend([
                V::Uuid(e.id),
                org,
                V::Uuid(c.id),
                V::Text(Some(kind)),
                V::Ts(e.at),
                V::Uuid(e.author.as_uuid()),
                V::Text(note.map(|n| n.note_type)),
                V::OptInt(note.and_then(|n| n.duration)),
                V::Text(note.and_then(|n| n.place)),
                V::Text(note.and_then(|n| n.participants)),
                V::Text(Some(note.map(|n| n.confidentiality).unwrap_or("normal"))),
                V::Text(note.and_then(|n| n.body.as_deref())),
                V::Text(status),
                V::Text(closure),
                V::OptTs(deleted.map(|d| d.0)),
                V::OptUuid(deleted.map(|d| d.1.as_uuid())),
                V::Text(deleted.map(|d| d.2)),
                V::Ts(e.written),
                V::Ts(deleted.map(|d| d.0).unwrap_or(e.written)),
            ]);
        }
    }
    Insert {
        head: "INSERT INTO case_entries (id, organisation_id, case_id, kind, occurred_at, \
               author_id, note_type, duration_minutes, place, participants, confidentiality, \
               body, status, closure_reason, deleted_at, deleted_by, delete_reason, created_at, \
               updated_at, version) VALUES ",
        width: ENTRY_WIDTH,
        tuple: |p| format!("({}, 1)", placeholders(p, ENTRY_WIDTH)),
        // Note bodies are long: fewer of them a statement.
        rows_divisor: 2,
    }
    .run(tx, &values)
    .await?;

    activity::write(tx, organisation_id, &cases, staff, &mut generator.activity).await?;

    // Assessments and plans through the store's functions, each change with its event.
    for c in cases.iter().filter(|c| c.plan_events > 0) {
        let spec = super::plans::PlanSpec {
            case_id: domain::CaseId::from_uuid(c.id),
            author: c.referent,
            from: c.opened.get() + Span::days(7),
            until: (c.until.get() - Span::days(1)).max(c.opened.get() + Span::days(8)),
            events: c.plan_events,
        };
        entries += super::plans::write(tx, organisation_id, &spec, &mut generator.rng).await?;
    }
    Ok(Written { cases: cases.len(), entries })
}

// ---------------------------------------------------------------------------------------------
// Words

const REASONS: &[&str] = &[
    "Dettes de loyer, procédure d'expulsion engagée par le bailleur",
    "Retour à l'emploi après un long arrêt maladie, droits à ouvrir",
    "Séparation récente, recherche de logement et garde des enfants",
    "Factures d'énergie impayées, coupure annoncée",
    "Isolement depuis le décès du conjoint, démarches administratives en retard",
    "Sortie d'hébergement d'urgence, accès au logement",
    "Surendettement, dossier à monter avec la Banque de France",
    "Perte d'emploi, fin de droits au chômage dans trois mois",
    "Arrivée en France, ouverture des droits et apprentissage du français",
    "Logement insalubre signalé par l'école",
    "Difficultés éducatives, demande d'aide de la mère",
    "Sortie de prison, hébergement et papiers d'identité à refaire",
    "Perte d'autonomie, maintien à domicile à organiser",
    "Violences conjugales, mise à l'abri et accompagnement juridique",
    "Jeune de 19 ans sans ressources, rupture familiale",
    "Renouvellement du titre de séjour bloqué, droits suspendus",
    "Accompagnement budgétaire demandé par la personne",
    "Santé mentale, lien avec le centre médico-psychologique",
];

const OFFICES: &[&str] = &[
    "Bureau 1",
    "Bureau 2",
    "Bureau 3",
    "Permanence de la mairie annexe",
    "Accueil du CCAS",
    "Maison des solidarités",
];

const PARTNERS: &[&str] = &[
    "CAF de Valbourg",
    "France Travail, agence de Valbourg",
    "Tribunal de proximité",
    "Bailleur social, agence Lône Habitat",
    "Centre médico-psychologique",
    "Banque de France",
    "Préfecture, service des étrangers",
    "École élémentaire Jules-Ferry",
];

const PARTICIPANTS: &[&str] = &[
    "La personne et sa fille aînée",
    "La personne et son conjoint",
    "La personne, l'interprète",
    "La personne, la conseillère France Travail",
    "La personne et sa curatrice",
    "Les deux parents",
];

/// Openings, by kind of contact.
const PHONE: &[&str] = &[
    "Appel de la personne.",
    "J'appelle la personne comme convenu.",
    "Appel au bailleur.",
    "Appel à la CAF, plateforme partenaires.",
    "La personne rappelle, elle avait oublié un document.",
    "Message laissé sur le répondeur, rappel dans la journée.",
    "Appel de l'assistante sociale de l'hôpital.",
];
const WRITTEN: &[&str] = &[
    "Courriel de la CAF : le dossier est complet.",
    "Message de la personne : elle confirme le rendez-vous.",
    "Courrier du bailleur reçu, copie au dossier.",
    "Réponse de France Travail à ma demande.",
    "SMS envoyé pour rappeler le rendez-vous de jeudi.",
    "Courrier de relance de l'huissier, transmis par la personne.",
];
const MEETING: &[&str] = &[
    "Entretien au bureau.",
    "Premier entretien : la personne explique sa situation avec ses mots.",
    "Rendez-vous de suivi.",
    "La personne vient sans rendez-vous, inquiète.",
    "Visite à domicile.",
    "Accompagnement physique au rendez-vous.",
    "Entretien en visio, la personne ne peut pas se déplacer.",
];
const REVIEW: &[&str] = &[
    "Synthèse en équipe.",
    "Point en réunion d'équipe avec la cheffe de service.",
    "Étude de situation en commission.",
];
/// What happened, said plainly; any kind of contact.
const MIDDLE: &[&str] = &[
    "Le dossier de la CAF est enfin complet, le versement est attendu le mois prochain.",
    "Le bailleur accepte un plan d'apurement de 50 € par mois.",
    "La personne dit qu'elle dort mal depuis la lettre de l'huissier.",
    "Elle ne veut plus **subir** les relances et souhaite reprendre la main sur son budget.",
    "Le chauffage est coupé dans une pièce, les enfants dorment dans le salon.",
    "Il a retrouvé un emploi à mi-temps en restauration, contrat de six mois.",
    "Les factures d'énergie sont à jour depuis le versement du chèque énergie.",
    "La demande de FSL est partie, réponse sous un mois.",
    "Elle a pris rendez-vous seule avec le médecin traitant, c'est une première.",
    "Le fils aîné a été exclu trois jours du collège ; la mère est démunie.",
    "Le titre de séjour est renouvelé pour un an, les droits vont être rouverts.",
    "Il parle de sa fatigue et de son isolement depuis l'hiver.",
    "Le budget a été revu ensemble : reste à vivre de 180 € par mois pour trois personnes.",
    "La demande de logement social est renouvelée, numéro unique à jour.",
    "L'audience est reportée au mois prochain, l'avocate est prévenue.",
    "Elle a ouvert un compte bancaire, le RIB est transmis à la CAF.",
    "Les courriers sont triés avec la personne : beaucoup de publicités, deux relances.",
    "La fille aînée était présente et a traduit une partie de l'entretien.",
    "La personne semble plus sereine qu'au dernier rendez-vous.",
    "Rechute : il a de nouveau des impayés de loyer depuis deux mois.",
    "Le dossier de surendettement est déclaré recevable.",
    "Elle dit : « je veux que mes enfants aient chacun leur chambre ».",
    "L'aide alimentaire est prolongée de trois mois.",
    "Il refuse pour l'instant l'orientation vers le CMP, on en reparlera.",
    "La curatrice confirme la prise en charge du loyer d'octobre.",
    "La mutuelle solidaire est accordée à partir du mois prochain.",
];
const TODO: &[&str] = &[
    "demander le relevé de la CAF",
    "appeler le bailleur",
    "relancer France Travail",
    "envoyer le dossier FSL",
    "prendre rendez-vous à la préfecture",
    "faire le point sur le budget",
    "préparer le dossier de surendettement",
    "contacter l'école",
    "vérifier l'ouverture des droits à la complémentaire santé",
    "proposer un rendez-vous au CMP",
    "rappeler la personne dans quinze jours",
];
const CLOSINGS: &[&str] = &[
    "Prochain rendez-vous dans un mois.",
    "Je rappelle la personne la semaine prochaine.",
    "À revoir en synthèse.",
    "La personne repart rassurée.",
    "",
];

/// The text of a note of `note_type`, of a length of its kind: a line for a call or a message,
/// paragraphs and a list of things to do for a meeting or a case review.
pub(crate) fn note_body(rng: &mut impl Rng, note_type: &str) -> String {
    let (opening, sentences, todo) = match note_type {
        "phone" | "third_party" => (pick(rng, PHONE), rng.random_range(0..3), 0.1),
        "email" | "text_message" | "postal_mail" | "other" => {
            (pick(rng, WRITTEN), rng.random_range(0..2), 0.05)
        }
        "case_review" => (pick(rng, REVIEW), rng.random_range(3..8), 0.9),
        _ => (pick(rng, MEETING), rng.random_range(2..9), 0.5),
    };
    let mut out = String::from(opening);
    for i in 0..sentences {
        // A new paragraph now and then in a long note.
        out.push_str(if i > 0 && i % 3 == 0 { "\n\n" } else { " " });
        out.push_str(pick(rng, MIDDLE));
    }
    if rng.random_bool(todo) {
        out.push_str("\n\nÀ faire :");
        for _ in 0..rng.random_range(1..4) {
            out.push_str("\n- ");
            out.push_str(pick(rng, TODO));
        }
    }
    let closing = pick(rng, CLOSINGS);
    if !closing.is_empty() && sentences > 0 {
        out.push(' ');
        out.push_str(closing);
    }
    out
}

fn pick<R: Rng + ?Sized>(rng: &mut R, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_lengths_follow_their_kind() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mean = |rng: &mut ChaCha8Rng, t: &str| {
            (0..200).map(|_| note_body(rng, t).chars().count()).sum::<usize>() / 200
        };
        let phone = mean(&mut rng, "phone");
        let meeting = mean(&mut rng, "in_person_appointment");
        let review = mean(&mut rng, "case_review");
        assert!((30..200).contains(&phone), "{phone}");
        assert!(meeting > 2 * phone, "{meeting} vs {phone}");
        assert!(review > meeting, "{review} vs {meeting}");
    }

    #[test]
    fn entries_are_shared_out_exactly_with_two_at_least_each() {
        let mut g = CaseGenerator::new(1);
        let weights = [1.0, 100.0, 0.5, 3.0, 40.0];
        let out = g.allocate(&weights, 50);
        assert_eq!(out.iter().sum::<usize>(), 50);
        assert!(out.iter().all(|n| *n >= 2), "{out:?}");
        assert!(out[1] > out[0] * 10, "{out:?}");
    }
}
