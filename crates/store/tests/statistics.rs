//! The activity dashboard's figures on both engines (issue 11): a known data set of cases,
//! contacts, flags, appointments, referrals and documents spread over three years is generated
//! from a seed; every figure of the organisation, a team and a worker for 2025 is checked
//! against counts the test makes itself from what it generated, and every drill-down lists
//! exactly the cases the test expects. Both engines give the same numbers (the same seed).

mod support;

use std::collections::{BTreeMap, BTreeSet};

use domain::statistics::{Figure, StatsScope};
use domain::{CaseId, OrganisationId, PersonId, TeamId, UserId};
use store::statistics::{self, Activity, Span};
use store::{Db, Ts};
use support::{at, organisation, person, user};
use testkit::engine_tests;
use time::Date;
use time::macros::datetime;
use uuid::Uuid;

/// Runs one statement with its values bound, on either engine.
macro_rules! run {
    ($db:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $db {
            Db::Sqlite(p) => { sqlx::query($sql)$(.bind($arg))*.execute(p).await.unwrap(); }
            Db::Postgres(p) => { sqlx::query($sql)$(.bind($arg))*.execute(p).await.unwrap(); }
        }
    };
}

/// A small deterministic generator (the same data on both engines).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A time between 2024-01-01 and 2026-12-31 (about 1 096 days), to the minute.
    fn time(&mut self) -> Ts {
        Ts::from(
            datetime!(2024-01-01 00:00 UTC)
                + time::Duration::minutes(self.below(1_096 * 1_440) as i64),
        )
    }
}

struct Case {
    id: CaseId,
    person: PersonId,
    household: Option<Uuid>,
    team: TeamId,
    referent: UserId,
    opened: Ts,
    closed: Option<(Ts, Option<&'static str>)>,
}

struct Note {
    case: usize,
    at: Ts,
    kind: &'static str,
    note_type: Option<&'static str>,
    minutes: Option<i64>,
    deleted: bool,
}

struct Flag {
    person: PersonId,
    raised: Ts,
    ack_after_minutes: Option<i64>,
}

struct Appointment {
    case: usize,
    starts: Ts,
    status: &'static str,
}

struct Referral {
    case: usize,
    service: Uuid,
    sent: Ts,
    answered_after_minutes: Option<i64>,
    steps: Vec<&'static str>,
}

struct Document {
    case: Option<usize>,
    person: PersonId,
    at: Ts,
}

struct World {
    org: OrganisationId,
    team_a: TeamId,
    workers: Vec<UserId>,
    cases: Vec<Case>,
    notes: Vec<Note>,
    flags: Vec<Flag>,
    appointments: Vec<Appointment>,
    referrals: Vec<Referral>,
    documents: Vec<Document>,
    services: Vec<Uuid>,
    ratings: Vec<Rating>,
    goals: Vec<Goal>,
    achieved: Vec<(usize, Ts)>,
    victories: Vec<(usize, Date)>,
    checks: Vec<Check>,
}

/// A need level of a domain at an assessment of a case.
struct Rating {
    case: usize,
    assessment: usize,
    on: Date,
    domain: &'static str,
    level: Option<i64>,
}

struct Goal {
    case: usize,
    created: Ts,
}

struct Check {
    case: usize,
    due: Date,
    status: &'static str,
    wellbeing: Option<i64>,
    power: Option<i64>,
    held: Vec<(&'static str, &'static str)>,
}

/// A date between 2024-01-01 and 2026-12-31.
fn day(rng: &mut Lcg) -> Date {
    time::macros::date!(2024 - 01 - 01) + time::Duration::days(rng.below(1_096) as i64)
}

const DOMAINS: [&str; 3] = ["housing", "income", "health"];

const NOTE_TYPES: [&str; 3] = ["interview", "home_visit", "phone"];
const REASONS: [Option<&str>; 4] = [Some("goals_reached"), Some("moved"), Some("no_contact"), None];
const STATES: [&str; 4] = ["planned", "done", "missed", "cancelled"];

async fn world(db: &Db, slug: &str) -> World {
    let (org, team_a) = organisation(db, slug).await;
    let team_b = TeamId::new();
    let new = domain::organisations::NewTeam {
        id: team_b,
        organisation_id: org,
        name: domain::organisations::DisplayName::parse("Logement").unwrap(),
    };
    store::teams::insert(db, &new, at(0)).await.unwrap();
    let workers = vec![
        user(db, org, "Alice").await,
        user(db, org, "Bruno").await,
        user(db, org, "Chloe").await,
    ];
    let mut rng = Lcg(42);
    let mut persons = Vec::new();
    for i in 0..24 {
        persons.push(person(db, org, &format!("Personne{i}")).await);
    }
    let mut households = Vec::new();
    for _ in 0..6 {
        let id = Uuid::now_v7();
        run!(
            db,
            "INSERT INTO households (id, organisation_id, created_at, updated_at) VALUES ($1, $2, $3, $3)",
            id,
            org.as_uuid(),
            at(0)
        );
        households.push(id);
    }

    // 40 cases: a person may have two; the household is one of six or none.
    let mut cases = Vec::new();
    for i in 0..40 {
        let p = persons[(i * 7) % persons.len()];
        let referent = workers[rng.below(3) as usize];
        // Alice and Bruno work in team A, Chloe in B; a case of team A may be Chloe's.
        let team = if referent == workers[2] && rng.below(4) != 0 { team_b } else { team_a };
        let household = (rng.below(3) != 0).then(|| households[rng.below(6) as usize]);
        let opened = rng.time();
        let closed = match rng.below(2) {
            0 => {
                let when = Ts::from(
                    opened.get() + time::Duration::minutes(rng.below(600 * 1_440) as i64 + 1),
                );
                Some((when, REASONS[rng.below(4) as usize]))
            }
            _ => None,
        };
        let id = CaseId::new();
        let new = store::cases::NewCase {
            id,
            organisation_id: org,
            person_id: p,
            household_id: household.map(domain::HouseholdId::from_uuid),
            team_id: team,
            referent_id: referent,
            co_referents: &[],
            reason: "Loyer",
            orientation_source: None,
            opened_by: referent,
        };
        let mut tx = db.begin_write().await.unwrap();
        store::cases::open(&mut tx, &new, opened).await.unwrap();
        tx.commit().await.unwrap();
        run!(db, "UPDATE cases SET opened_at = $1 WHERE id = $2", opened, id.as_uuid());
        if let Some((when, reason)) = closed {
            run!(
                db,
                "UPDATE cases SET status = 'closed', closed_at = $1, closure_reason = $2 WHERE id = $3",
                when,
                reason,
                id.as_uuid()
            );
        } else if rng.below(5) == 0 {
            run!(db, "UPDATE cases SET status = 'paused' WHERE id = $1", id.as_uuid());
        }
        cases.push(Case { id, person: p, household, team, referent, opened, closed });
    }

    // About 6 entries a case: notes of the three types (some without a duration, some deleted)
    // and status changes, which are no contact.
    let mut notes = Vec::new();
    for _ in 0..240 {
        let case = rng.below(40) as usize;
        let kind = if rng.below(6) == 0 { "status" } else { "note" };
        let note_type = (kind == "note").then(|| NOTE_TYPES[rng.below(3) as usize]);
        let minutes = (kind == "note" && rng.below(4) != 0).then(|| rng.below(90) as i64 + 5);
        let deleted = kind == "note" && rng.below(10) == 0;
        let n = Note { case, at: rng.time(), kind, note_type, minutes, deleted };
        run!(
            db,
            "INSERT INTO case_entries (id, organisation_id, case_id, kind, occurred_at, \
             author_id, note_type, duration_minutes, body, status, deleted_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $5, $5)",
            Uuid::now_v7(),
            org.as_uuid(),
            cases[case].id.as_uuid(),
            n.kind,
            n.at,
            cases[case].referent.as_uuid(),
            n.note_type,
            n.minutes,
            (kind == "note").then_some("Entretien"),
            (kind == "status").then_some("paused"),
            n.deleted.then_some(n.at)
        );
        notes.push(n);
    }

    let mut flags = Vec::new();
    for _ in 0..30 {
        // Some flags concern persons without any case (never counted).
        let p = if rng.below(6) == 0 {
            person(db, org, "SansDossier").await
        } else {
            persons[rng.below(24) as usize]
        };
        let raised = rng.time();
        let ack = match rng.below(4) {
            0 => None,
            1 => Some(rng.below(20 * 60) as i64 + 1),
            2 => Some(24 * 60),
            _ => Some(rng.below(6 * 1_440) as i64 + 1),
        };
        let acknowledged = ack.map(|m| Ts::from(raised.get() + time::Duration::minutes(m)));
        run!(
            db,
            "INSERT INTO urgency_flags (id, organisation_id, person_id, team_id, code, status, \
             raised_at, acknowledged_at, updated_at) VALUES ($1, $2, $3, $4, 'no_income', $5, $6, $7, $6)",
            Uuid::now_v7(),
            org.as_uuid(),
            p.as_uuid(),
            team_a.as_uuid(),
            if ack.is_some() { "acknowledged" } else { "raised" },
            raised,
            acknowledged
        );
        flags.push(Flag { person: p, raised, ack_after_minutes: ack });
    }

    let mut appointments = Vec::new();
    for _ in 0..60 {
        let case = rng.below(40) as usize;
        let a = Appointment { case, starts: rng.time(), status: STATES[rng.below(4) as usize] };
        let ends = Ts::from(a.starts.get() + time::Duration::minutes(45));
        run!(
            db,
            "INSERT INTO appointments (id, organisation_id, worker_id, person_id, case_id, \
             starts_at, ends_at, place, status, cancelled_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'office', $8, $9, $6, $6)",
            Uuid::now_v7(),
            org.as_uuid(),
            cases[case].referent.as_uuid(),
            cases[case].person.as_uuid(),
            cases[case].id.as_uuid(),
            a.starts,
            ends,
            a.status,
            (a.status == "cancelled").then_some("person")
        );
        appointments.push(a);
    }

    // Two partners' services; referrals with the partner's answers as steps.
    let mut services = Vec::new();
    for (partner, service) in
        [("Maison de l'emploi", "Atelier CV"), ("ADIL", "Permanence juridique")]
    {
        let p = Uuid::now_v7();
        run!(
            db,
            "INSERT INTO partner_organisations (id, name, kind, created_at, updated_at) \
             VALUES ($1, $2, 'association', $3, $3)",
            p,
            partner,
            at(0)
        );
        let s = Uuid::now_v7();
        run!(
            db,
            "INSERT INTO partner_services (id, partner_id, name, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4)",
            s,
            p,
            service,
            at(0)
        );
        services.push(s);
    }
    let mut referrals = Vec::new();
    for _ in 0..36 {
        let case = rng.below(40) as usize;
        let c = &cases[case];
        let consent = Uuid::now_v7();
        run!(
            db,
            "INSERT INTO consents (id, organisation_id, person_id, purpose, recipient, given_by, \
             method, given_on, created_at, updated_at) \
             VALUES ($1, $2, $3, 'referral', 'Partenaire', 'person', 'oral', $4, $5, $5)",
            consent,
            org.as_uuid(),
            c.person.as_uuid(),
            time::macros::date!(2024 - 01 - 01),
            at(0)
        );
        let sent = rng.time();
        let (steps, answered, status): (Vec<&str>, Option<i64>, &str) = match rng.below(5) {
            0 => (vec![], None, "sent"),
            1 => (vec!["received"], Some(rng.below(3 * 1_440) as i64 + 1), "received"),
            2 => (vec!["received", "accepted"], Some(rng.below(3 * 1_440) as i64 + 1), "accepted"),
            3 => {
                (vec!["accepted", "completed"], Some(rng.below(10 * 1_440) as i64 + 1), "completed")
            }
            _ => (vec!["declined"], Some(rng.below(2 * 1_440) as i64 + 1), "declined"),
        };
        let service = services[rng.below(2) as usize];
        let id = Uuid::now_v7();
        let answered_at = answered.map(|m| Ts::from(sent.get() + time::Duration::minutes(m)));
        run!(
            db,
            "INSERT INTO referrals (id, organisation_id, case_id, person_id, service_id, consent_id, \
             reason, request, urgency, status, sent_at, answered_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'Emploi', 'Atelier', 'normal', $7, $8, $9, $8, $8)",
            id,
            org.as_uuid(),
            c.id.as_uuid(),
            c.person.as_uuid(),
            service,
            consent,
            status,
            sent,
            answered_at
        );
        for (i, step) in steps.iter().enumerate() {
            let when =
                Ts::from(answered_at.unwrap().get() + time::Duration::minutes(i as i64 * 60));
            run!(
                db,
                "INSERT INTO referral_steps (id, referral_id, status, at, side) VALUES ($1, $2, $3, $4, 'partner')",
                Uuid::now_v7(),
                id,
                *step,
                when
            );
        }
        referrals.push(Referral { case, service, sent, answered_after_minutes: answered, steps });
    }

    let mut documents = Vec::new();
    for i in 0..30 {
        let case = (rng.below(5) != 0).then(|| rng.below(40) as usize);
        let person = case.map_or(persons[0], |c| cases[c].person);
        let d = Document { case, person, at: rng.time() };
        run!(
            db,
            "INSERT INTO documents (id, organisation_id, person_id, case_id, type_code, file_name, \
             file_type, size_bytes, object_name, key_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'id_card', 'piece.pdf', 'application/pdf', 10, $5, 'k1', $6, $6)",
            Uuid::now_v7(),
            org.as_uuid(),
            d.person.as_uuid(),
            case.map(|c| cases[c].id.as_uuid()),
            format!("obj-{i}"),
            d.at
        );
        documents.push(d);
    }

    // Assessments: up to three a case, each rating some domains (a level or none).
    let mut ratings = Vec::new();
    let mut assessment = 0;
    for (case, c) in cases.iter().enumerate() {
        for _ in 0..rng.below(4) {
            let id = Uuid::now_v7();
            let on = day(&mut rng);
            run!(
                db,
                "INSERT INTO assessments (id, organisation_id, case_id, assessed_on, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5)",
                id,
                org.as_uuid(),
                c.id.as_uuid(),
                on,
                at(0)
            );
            for domain in DOMAINS {
                if rng.below(4) == 0 {
                    continue;
                }
                let level = (rng.below(6) != 0).then(|| rng.below(5) as i64);
                run!(
                    db,
                    "INSERT INTO assessment_ratings (id, organisation_id, assessment_id, domain_code, need_level, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                    Uuid::now_v7(),
                    org.as_uuid(),
                    id,
                    domain,
                    level,
                    at(0)
                );
                ratings.push(Rating { case, assessment, on, domain, level });
            }
            assessment += 1;
        }
    }
    // Goals, some achieved (some twice: reopened, achieved again), and victories.
    let mut goals = Vec::new();
    let mut achieved = Vec::new();
    for i in 0..30 {
        let case = rng.below(40) as usize;
        let id = Uuid::now_v7();
        let created = rng.time();
        run!(
            db,
            "INSERT INTO plan_goals (id, organisation_id, case_id, person_words, status, position, created_at, updated_at) \
             VALUES ($1, $2, $3, 'Trouver un logement', 'active', $4, $5, $5)",
            id,
            org.as_uuid(),
            cases[case].id.as_uuid(),
            i as i64,
            created
        );
        goals.push(Goal { case, created });
        let times = match rng.below(5) {
            0 | 1 => 0,
            4 => 2,
            _ => 1,
        };
        for _ in 0..times {
            let when = rng.time();
            run!(
                db,
                "INSERT INTO case_entries (id, organisation_id, case_id, kind, occurred_at, subject_id, summary, detail, \
                 created_at, updated_at) VALUES ($1, $2, $3, 'goal', $4, $5, 'Trouver un logement', 'achieved', $4, $4)",
                Uuid::now_v7(),
                org.as_uuid(),
                cases[case].id.as_uuid(),
                when,
                id
            );
            achieved.push((i, when));
        }
    }
    let mut victories = Vec::new();
    for _ in 0..30 {
        let case = rng.below(40) as usize;
        let on = day(&mut rng);
        run!(
            db,
            "INSERT INTO plan_victories (id, organisation_id, case_id, occurred_on, person_words, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'J''ai ouvert un compte', $5, $5)",
            Uuid::now_v7(),
            org.as_uuid(),
            cases[case].id.as_uuid(),
            on,
            at(0)
        );
        victories.push((case, on));
    }
    // Follow-up checks after closure, done with their outcomes, missed or still to do.
    let mut checks = Vec::new();
    for _ in 0..30 {
        let case = rng.below(40) as usize;
        let due = day(&mut rng);
        let status = ["scheduled", "done", "done", "missed"][rng.below(4) as usize];
        let done = status == "done";
        let wellbeing = (done && rng.below(4) != 0).then(|| rng.below(11) as i64);
        let power = (done && rng.below(4) != 0).then(|| rng.below(11) as i64);
        let id = Uuid::now_v7();
        run!(
            db,
            "INSERT INTO case_follow_ups (id, organisation_id, case_id, due_on, status, done_on, wellbeing, \
             power_to_act, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            id,
            org.as_uuid(),
            cases[case].id.as_uuid(),
            due,
            status,
            done.then_some(due),
            wellbeing,
            power,
            at(0)
        );
        let mut held = Vec::new();
        if done {
            for domain in DOMAINS {
                if rng.below(2) == 0 {
                    let outcome = ["held", "partly", "not_held"][rng.below(3) as usize];
                    run!(
                        db,
                        "INSERT INTO case_follow_up_domains (id, organisation_id, follow_up_id, domain_code, outcome, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                        Uuid::now_v7(),
                        org.as_uuid(),
                        id,
                        domain,
                        outcome,
                        at(0)
                    );
                    held.push((domain, outcome));
                }
            }
        }
        checks.push(Check { case, due, status, wellbeing, power, held });
    }

    World {
        org,
        team_a,
        workers,
        cases,
        notes,
        flags,
        appointments,
        referrals,
        documents,
        services,
        ratings,
        goals,
        achieved,
        victories,
        checks,
    }
}

fn in_span(t: Ts, span: Span) -> bool {
    t >= span.from && t < span.until
}

impl World {
    fn in_scope(&self, c: &Case, scope: &StatsScope) -> bool {
        match scope {
            StatsScope::Organisation => true,
            StatsScope::Teams(teams) => teams.contains(&c.team),
            StatsScope::Worker(w) => c.referent == *w,
        }
    }

    fn followed(c: &Case, span: Span) -> bool {
        c.opened < span.until && c.closed.is_none_or(|(when, _)| when >= span.from)
    }

    fn closed_in(c: &Case, span: Span) -> Option<&'static str> {
        c.closed.filter(|(when, _)| in_span(*when, span)).map(|(_, r)| r.unwrap_or(""))
    }

    fn contact(n: &Note, span: Span) -> bool {
        n.kind == "note" && !n.deleted && in_span(n.at, span)
    }

    /// The cases each figure lists, computed from what was generated.
    fn expected_behind(
        &self,
        scope: &StatsScope,
        span: Span,
        figure: Figure,
        code: Option<&str>,
    ) -> BTreeSet<CaseId> {
        let scoped = |i: usize| self.in_scope(&self.cases[i], scope);
        (0..self.cases.len())
            .filter(|&i| scoped(i))
            .filter(|&i| {
                let c = &self.cases[i];
                match figure {
                    Figure::Followed => Self::followed(c, span),
                    Figure::Opened => in_span(c.opened, span),
                    Figure::Closed => {
                        Self::closed_in(c, span).is_some_and(|r| code.is_none_or(|k| k == r))
                    }
                    Figure::Contacts => self.notes.iter().any(|n| {
                        n.case == i
                            && Self::contact(n, span)
                            && code.is_none_or(|k| n.note_type == Some(k))
                    }),
                    Figure::Flags => {
                        Self::followed(c, span)
                            && self
                                .flags
                                .iter()
                                .any(|f| f.person == c.person && in_span(f.raised, span))
                    }
                    Figure::Appointments => self.appointments.iter().any(|a| {
                        a.case == i && in_span(a.starts, span) && code.is_none_or(|k| a.status == k)
                    }),
                    Figure::Referrals => self.referrals.iter().any(|r| {
                        r.case == i
                            && in_span(r.sent, span)
                            && code.is_none_or(|k| r.service.to_string() == k)
                    }),
                    Figure::Documents => {
                        self.documents.iter().any(|d| d.case == Some(i) && in_span(d.at, span))
                    }
                }
            })
            .map(|i| self.cases[i].id)
            .collect()
    }

    /// Every figure of the dashboard, counted by hand.
    fn expected(&self, scope: &StatsScope, span: Span) -> Activity {
        let scoped: Vec<usize> =
            (0..self.cases.len()).filter(|&i| self.in_scope(&self.cases[i], scope)).collect();
        let followed: Vec<&Case> =
            scoped.iter().map(|&i| &self.cases[i]).filter(|c| Self::followed(c, span)).collect();
        let mut a = Activity::default();
        a.cases.followed = followed.len() as i64;
        a.cases.persons = followed.iter().map(|c| c.person).collect::<BTreeSet<_>>().len() as i64;
        a.cases.households =
            followed.iter().filter_map(|c| c.household).collect::<BTreeSet<_>>().len() as i64;
        a.cases.opened = followed.iter().filter(|c| in_span(c.opened, span)).count() as i64;
        let closures: Vec<&str> =
            scoped.iter().filter_map(|&i| Self::closed_in(&self.cases[i], span)).collect();
        a.cases.closed = closures.len() as i64;
        let mut by_reason: BTreeMap<String, i64> = BTreeMap::new();
        for r in closures {
            *by_reason.entry(r.to_owned()).or_default() += 1;
        }
        a.closures =
            by_reason.into_iter().map(|(code, count)| statistics::Count { code, count }).collect();

        let mut contacts: BTreeMap<String, statistics::ContactCount> = BTreeMap::new();
        for n in self.notes.iter().filter(|n| scoped.contains(&n.case) && Self::contact(n, span)) {
            let code = n.note_type.unwrap().to_owned();
            let e = contacts.entry(code.clone()).or_insert(statistics::ContactCount {
                code,
                count: 0,
                minutes: 0,
                with_duration: 0,
            });
            e.count += 1;
            e.minutes += n.minutes.unwrap_or(0);
            e.with_duration += i64::from(n.minutes.is_some());
        }
        a.contacts = contacts.into_values().collect();

        let persons: BTreeSet<PersonId> = followed.iter().map(|c| c.person).collect();
        for f in
            self.flags.iter().filter(|f| persons.contains(&f.person) && in_span(f.raised, span))
        {
            a.flags.raised += 1;
            if let Some(m) = f.ack_after_minutes {
                a.flags.acknowledged += 1;
                a.flags.ack_seconds += m * 60;
                a.flags.ack_within_day += i64::from(m <= 24 * 60);
            }
        }

        let mut states: BTreeMap<String, i64> = BTreeMap::new();
        for ap in self
            .appointments
            .iter()
            .filter(|ap| scoped.contains(&ap.case) && in_span(ap.starts, span))
        {
            *states.entry(ap.status.to_owned()).or_default() += 1;
        }
        a.appointments =
            states.into_iter().map(|(code, count)| statistics::Count { code, count }).collect();

        for (i, service) in self.services.iter().enumerate() {
            let sent: Vec<&Referral> = self
                .referrals
                .iter()
                .filter(|r| {
                    r.service == *service && scoped.contains(&r.case) && in_span(r.sent, span)
                })
                .collect();
            if sent.is_empty() {
                continue;
            }
            a.referrals.push(statistics::ReferralCount {
                service_id: *service,
                service: ["Atelier CV", "Permanence juridique"][i].to_owned(),
                partner: ["Maison de l'emploi", "ADIL"][i].to_owned(),
                sent: sent.len() as i64,
                accepted: sent.iter().filter(|r| r.steps.contains(&"accepted")).count() as i64,
                declined: sent.iter().filter(|r| r.steps.contains(&"declined")).count() as i64,
                answered: sent.iter().filter(|r| r.answered_after_minutes.is_some()).count() as i64,
                answer_seconds: sent.iter().filter_map(|r| r.answered_after_minutes).sum::<i64>()
                    * 60,
            });
        }
        a.documents = self
            .documents
            .iter()
            .filter(|d| d.case.is_some_and(|c| scoped.contains(&c)) && in_span(d.at, span))
            .count() as i64;
        a
    }
}

impl World {
    fn expected_outcomes(
        &self,
        scope: &StatsScope,
        span: Span,
        first: Date,
        last: Date,
    ) -> statistics::Outcomes {
        let scoped = |i: usize| self.in_scope(&self.cases[i], scope);
        let followed = |i: usize| scoped(i) && Self::followed(&self.cases[i], span);
        let mut o = statistics::Outcomes::default();
        for domain in DOMAINS {
            let (mut cases, mut improved, mut same, mut worsened) = (0, 0, 0, 0);
            for case in (0..self.cases.len()).filter(|&i| followed(i)) {
                let mut rated: Vec<&Rating> = self
                    .ratings
                    .iter()
                    .filter(|r| {
                        r.case == case && r.domain == domain && r.level.is_some() && r.on <= last
                    })
                    .collect();
                if rated.len() < 2 {
                    continue;
                }
                rated.sort_by_key(|r| (r.on, r.assessment));
                let (a, b) = (rated[0].level.unwrap(), rated[rated.len() - 1].level.unwrap());
                cases += 1;
                improved += i64::from(b < a);
                same += i64::from(b == a);
                worsened += i64::from(b > a);
            }
            if cases > 0 {
                o.domains.push(statistics::DomainChange {
                    code: domain.to_owned(),
                    cases,
                    improved,
                    same,
                    worsened,
                });
            }
        }
        o.domains.sort_by(|a, b| a.code.cmp(&b.code));
        o.plans.goals =
            self.goals.iter().filter(|g| followed(g.case) && g.created < span.until).count() as i64;
        o.plans.achieved = self
            .achieved
            .iter()
            .filter(|(g, when)| scoped(self.goals[*g].case) && in_span(*when, span))
            .map(|(g, _)| *g)
            .collect::<BTreeSet<_>>()
            .len() as i64;
        let victories: Vec<&(usize, Date)> = self
            .victories
            .iter()
            .filter(|(c, on)| scoped(*c) && *on >= first && *on <= last)
            .collect();
        o.plans.victories = victories.len() as i64;
        o.plans.cases_with_victory =
            victories.iter().map(|(c, _)| *c).collect::<BTreeSet<_>>().len() as i64;
        let mut held: BTreeMap<(String, String), i64> = BTreeMap::new();
        for k in self.checks.iter().filter(|k| scoped(k.case) && k.due >= first && k.due <= last) {
            o.checks.due += 1;
            o.checks.done += i64::from(k.status == "done");
            o.checks.missed += i64::from(k.status == "missed");
            if let Some(w) = k.wellbeing {
                o.checks.wellbeing_n += 1;
                o.checks.wellbeing_sum += w;
            }
            if let Some(p) = k.power {
                o.checks.power_n += 1;
                o.checks.power_sum += p;
            }
            for (d, outcome) in &k.held {
                *held.entry(((*d).to_owned(), (*outcome).to_owned())).or_default() += 1;
            }
        }
        o.held = held.into_iter().map(|((d, outcome), n)| (d, outcome, n)).collect();
        o
    }
}

/// The figures as the store gives them, put in the test's order (by code, by service).
fn normalised(mut a: Activity, services: &[Uuid]) -> Activity {
    a.closures.sort_by(|x, y| x.code.cmp(&y.code));
    a.contacts.sort_by(|x, y| x.code.cmp(&y.code));
    a.appointments.sort_by(|x, y| x.code.cmp(&y.code));
    a.referrals.sort_by_key(|r| services.iter().position(|s| *s == r.service_id));
    a
}

fn year_2025() -> Span {
    Span {
        from: Ts::from(datetime!(2025-01-01 00:00 UTC)),
        until: Ts::from(datetime!(2026-01-01 00:00 UTC)),
    }
}

engine_tests! {
    async fn every_figure_of_the_dashboard_is_the_count_made_by_hand(db) {
        let db = db.migrated().await;
        let w = world(&db, "stats-figures").await;
        let span = year_2025();
        let scopes = [
            StatsScope::Organisation,
            StatsScope::Teams(vec![w.team_a]),
            StatsScope::Worker(w.workers[2]),
        ];
        for scope in &scopes {
            let got = statistics::activity(&db, w.org, scope, span).await.unwrap();
            let want = w.expected(scope, span);
            // The set is large enough that every figure has something to count.
            if *scope == StatsScope::Organisation {
                assert!(want.cases.followed > 10 && want.cases.closed > 2, "{want:?}");
                assert!(want.contacts_total() > 20 && want.flags.raised > 3 && want.flags.acknowledged > 1);
                assert!(want.appointments_total() > 5 && want.referrals.len() == 2 && want.documents > 2);
                assert!(want.cases.households > 1 && want.cases.persons < want.cases.followed);
            }
            assert_eq!(normalised(got, &w.services), want, "{scope:?}");
        }
        // A team's and a worker's figures are a part of the organisation's.
        let org = statistics::activity(&db, w.org, &StatsScope::Organisation, span).await.unwrap();
        let team = statistics::activity(&db, w.org, &scopes[1], span).await.unwrap();
        assert!(team.cases.followed < org.cases.followed && team.contacts_total() < org.contacts_total());
    }

    async fn every_outcome_figure_is_the_count_made_by_hand(db) {
        let db = db.migrated().await;
        let w = world(&db, "stats-outcomes").await;
        let span = year_2025();
        let (first, last) = (time::macros::date!(2025 - 01 - 01), time::macros::date!(2025 - 12 - 31));
        for scope in [StatsScope::Organisation, StatsScope::Teams(vec![w.team_a]), StatsScope::Worker(w.workers[0])] {
            let got = statistics::outcomes(&db, w.org, &scope, span, first, last).await.unwrap();
            let want = w.expected_outcomes(&scope, span, first, last);
            if scope == StatsScope::Organisation {
                assert!(want.domains.iter().map(|d| d.cases).sum::<i64>() > 3, "{want:?}");
                assert!(want.domains.iter().any(|d| d.improved > 0) && want.domains.iter().any(|d| d.worsened > 0), "{want:?}");
                assert!(want.plans.goals > 3 && want.plans.achieved > 1 && want.plans.victories > 3, "{want:?}");
                assert!(want.checks.done > 1 && want.checks.wellbeing_n > 0 && !want.held.is_empty(), "{want:?}");
            }
            assert_eq!(got, want, "{scope:?}");
        }
    }

    async fn every_statistic_gives_the_same_totals_after_anonymisation(db) {
        // Issue 12: anonymisation removes identity, contact and free text, and keeps dates,
        // types, statuses and levels, so that every figure adds up the same.
        let db = db.migrated().await;
        let w = world(&db, "stats-anonymised").await;
        let span = year_2025();
        let (first, last) = (time::macros::date!(2025 - 01 - 01), time::macros::date!(2025 - 12 - 31));
        let scopes = [StatsScope::Organisation, StatsScope::Teams(vec![w.team_a]), StatsScope::Worker(w.workers[2])];
        let mut before = Vec::new();
        for scope in &scopes {
            before.push((
                statistics::activity(&db, w.org, scope, span).await.unwrap(),
                statistics::outcomes(&db, w.org, scope, span, first, last).await.unwrap(),
            ));
        }
        // Half the persons followed, anonymised one by one as the retention job does.
        let persons: BTreeSet<PersonId> = w.cases.iter().map(|c| c.person).collect();
        let mut anonymised = 0;
        for p in persons.iter().step_by(2) {
            let mut tx = db.begin_write().await.unwrap();
            store::retention::anonymise::anonymise_person(&mut tx, w.org, *p, at(10), false).await.unwrap();
            tx.commit().await.unwrap();
            anonymised += 1;
        }
        assert!(anonymised >= 8);
        for (scope, (activity, outcomes)) in scopes.iter().zip(before) {
            let drill = statistics::cases_behind(&db, w.org, scope, span, Figure::Contacts, None, w.workers[0]).await.unwrap().1;
            assert_eq!(statistics::activity(&db, w.org, scope, span).await.unwrap(), activity, "{scope:?}");
            assert_eq!(statistics::outcomes(&db, w.org, scope, span, first, last).await.unwrap(), outcomes, "{scope:?}");
            assert!(drill > 0);
        }
    }

    async fn every_drill_down_lists_exactly_the_cases_behind_its_figure(db) {
        let db = db.migrated().await;
        let w = world(&db, "stats-behind").await;
        let span = year_2025();
        let viewer = w.workers[0];
        for scope in [StatsScope::Organisation, StatsScope::Teams(vec![w.team_a]), StatsScope::Worker(w.workers[1])] {
            for figure in Figure::ALL {
                let mut codes: Vec<Option<String>> = vec![None];
                match figure {
                    Figure::Closed => codes.extend(["goals_reached", "moved", ""].map(|c| Some(c.to_owned()))),
                    Figure::Contacts => codes.extend(NOTE_TYPES.map(|c| Some(c.to_owned()))),
                    Figure::Appointments => codes.extend(STATES.map(|c| Some(c.to_owned()))),
                    Figure::Referrals => codes.extend(w.services.iter().map(|s| Some(s.to_string()))),
                    _ => {}
                }
                for code in codes {
                    let (lines, total) = statistics::cases_behind(&db, w.org, &scope, span, figure, code.as_deref(), viewer)
                        .await
                        .unwrap();
                    let got: BTreeSet<CaseId> = lines.iter().map(|l| l.id).collect();
                    let want = w.expected_behind(&scope, span, figure, code.as_deref());
                    assert_eq!(got, want, "{scope:?} {figure:?} {code:?}");
                    assert_eq!(total, want.len() as i64);
                    // Oldest first, with the person's name.
                    assert!(lines.windows(2).all(|p| p[0].opened_at <= p[1].opened_at));
                    assert!(lines.iter().all(|l| l.person_name().contains("PERSONNE") || l.person_name().contains("Personne")));
                }
            }
        }
        // The cases behind "followed" are the cases the dashboard counts.
        let org = statistics::activity(&db, w.org, &StatsScope::Organisation, span).await.unwrap();
        let (_, total) = statistics::cases_behind(&db, w.org, &StatsScope::Organisation, span, Figure::Followed, None, viewer)
            .await
            .unwrap();
        assert_eq!(total, org.cases.followed);
        // The drill-down's title names the service.
        assert_eq!(statistics::service_name(&db, w.services[0]).await.unwrap().as_deref(), Some("Atelier CV"));
        assert_eq!(statistics::service_name(&db, Uuid::now_v7()).await.unwrap(), None);
        // A code that is no service lists nothing rather than everything.
        let (lines, total) = statistics::cases_behind(&db, w.org, &StatsScope::Organisation, span, Figure::Referrals, Some("nope"), viewer)
            .await
            .unwrap();
        assert!(lines.is_empty() && total == 0);
    }

    async fn another_organisation_and_an_empty_period_count_nothing(db) {
        let db = db.migrated().await;
        let w = world(&db, "stats-own").await;
        let (other, _) = organisation(&db, "stats-other").await;
        let span = year_2025();
        let none = statistics::activity(&db, other, &StatsScope::Organisation, span).await.unwrap();
        assert_eq!(none, Activity::default());
        let before = Span { from: Ts::from(datetime!(2020-01-01 00:00 UTC)), until: Ts::from(datetime!(2021-01-01 00:00 UTC)) };
        let empty = statistics::activity(&db, w.org, &StatsScope::Organisation, before).await.unwrap();
        assert_eq!(empty, Activity::default());
        // A team scope with no team counts nothing, rather than everything.
        let nothing = statistics::activity(&db, w.org, &StatsScope::Teams(vec![]), span).await.unwrap();
        assert_eq!(nothing, Activity::default());
        // Workers offered to choose from: those of the organisation.
        let workers = statistics::workers(&db, w.org, &StatsScope::Organisation).await.unwrap();
        assert_eq!(workers.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(), ["Alice", "Bruno", "Chloe"]);
        // A worker of another organisation is not offered; someone no longer a worker here who
        // is still a case's referent is (their caseload is still read).
        let elsewhere = user(&db, other, "Zoe").await;
        let manager = user(&db, w.org, "Marc").await;
        let sql = "UPDATE memberships SET role = 'manager' WHERE user_id = $1";
        match &db {
            Db::Sqlite(p) => sqlx::query(sql).bind(manager.as_uuid()).execute(p).await.map(|_| ()),
            Db::Postgres(p) => sqlx::query(sql).bind(manager.as_uuid()).execute(p).await.map(|_| ()),
        }
        .unwrap();
        let names = |list: Vec<(UserId, String)>| list.into_iter().map(|(_, n)| n).collect::<Vec<_>>();
        assert_eq!(names(statistics::workers(&db, w.org, &StatsScope::Organisation).await.unwrap()), ["Alice", "Bruno", "Chloe"], "a manager with no case is not offered");
        let sql = "UPDATE cases SET referent_id = $1 WHERE id = (SELECT id FROM cases WHERE organisation_id = $2 ORDER BY id LIMIT 1)";
        match &db {
            Db::Sqlite(p) => sqlx::query(sql).bind(manager.as_uuid()).bind(w.org.as_uuid()).execute(p).await.map(|_| ()),
            Db::Postgres(p) => sqlx::query(sql).bind(manager.as_uuid()).bind(w.org.as_uuid()).execute(p).await.map(|_| ()),
        }
        .unwrap();
        let offered = names(statistics::workers(&db, w.org, &StatsScope::Organisation).await.unwrap());
        assert!(offered.contains(&"Marc".to_owned()) && !offered.contains(&"Zoe".to_owned()), "{offered:?}");
        assert!(statistics::workers(&db, other, &StatsScope::Organisation).await.unwrap().iter().any(|(id, _)| *id == elsewhere));
        let mine = statistics::workers(&db, w.org, &StatsScope::Worker(w.workers[1])).await.unwrap();
        assert_eq!(mine.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(), ["Bruno"]);
    }
}

/// The ids one query of the test gives (`$1` the organisation).
async fn ids(db: &Db, sql: &str, org: OrganisationId) -> Vec<Uuid> {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).bind(org.as_uuid()).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).bind(org.as_uuid()).fetch_all(p).await.unwrap(),
    }
}

/// The periods the day summaries are checked over: whole UTC days, a Paris year (two ragged
/// ends), odd minutes, less than a day, three years.
fn periods() -> Vec<(Span, Date, Date)> {
    use time::macros::date;
    let span = |from, until| Span { from: Ts::from(from), until: Ts::from(until) };
    vec![
        (year_2025(), date!(2025 - 01 - 01), date!(2025 - 12 - 31)),
        (
            span(datetime!(2024-12-31 23:00 UTC), datetime!(2025-12-31 23:00 UTC)),
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
        ),
        (
            span(datetime!(2025-03-10 07:13 UTC), datetime!(2025-09-02 18:47 UTC)),
            date!(2025 - 03 - 10),
            date!(2025 - 09 - 02),
        ),
        (
            span(datetime!(2025-05-04 10:00 UTC), datetime!(2025-05-05 09:00 UTC)),
            date!(2025 - 05 - 04),
            date!(2025 - 05 - 04),
        ),
        (
            span(datetime!(2024-01-01 05:30 UTC), datetime!(2026-12-31 22:00 UTC)),
            date!(2024 - 01 - 01),
            date!(2026 - 12 - 31),
        ),
        // Local days of Paris (winter, then summer time), read from the outcome steps.
        (
            span(datetime!(2025-03-09 23:00 UTC), datetime!(2025-09-02 22:00 UTC)),
            date!(2025 - 03 - 10),
            date!(2025 - 09 - 02),
        ),
        (
            span(datetime!(2023-12-31 23:00 UTC), datetime!(2026-12-31 23:00 UTC)),
            date!(2024 - 01 - 01),
            date!(2026 - 12 - 31),
        ),
    ]
}

/// The organisation's figures from the day summaries equal the same figures counted from the
/// rows, for every period, and `verify` finds no day that differs.
async fn summaries_match_rows(db: &Db, org: OrganisationId, when: &str) {
    let scope = StatsScope::Organisation;
    for (span, first, last) in periods() {
        let got = statistics::activity(db, org, &scope, span).await.unwrap();
        let want = statistics::activity_from_rows(db, org, &scope, span).await.unwrap();
        assert_eq!(got, want, "{when}: activity over {span:?}");
        let got = statistics::outcomes(db, org, &scope, span, first, last).await.unwrap();
        let want = statistics::outcomes_from_rows(db, org, &scope, span, first, last, true, true)
            .await
            .unwrap();
        assert_eq!(got, want, "{when}: outcomes over {span:?}");
    }
    let problems = statistics::days::verify(db, org).await.unwrap();
    assert!(problems.is_empty(), "{when}: {problems:?}");
}

engine_tests! {
    async fn the_day_summaries_follow_every_write_and_give_the_figures_of_the_rows(db) {
        // ADR 0043: every write marks its days, the next read recomputes them; whatever was
        // written, and however, the organisation's figures are those of the rows.
        let db = db.migrated().await;
        let w = world(&db, "stats-days").await;
        let org = w.org;
        summaries_match_rows(&db, org, "first read, everything built").await;
        // The Paris periods are read from the steps, the others from the rows.
        let paris = periods().iter().filter(|(span, first, last)| {
            statistics::steps::aligned(*span, *first, *last, Some("Europe/Paris"))
        }).count();
        assert_eq!(paris, 3);
        let cut = datetime!(2025-06-01 00:00 UTC);

        // Notes: one deleted, one moved to another day and type, one added, one removed for
        // good (as an erasure does).
        let notes = ids(&db, "SELECT id FROM case_entries WHERE organisation_id = $1 AND kind = 'note' \
            AND deleted_at IS NULL ORDER BY id", org).await;
        assert!(notes.len() > 10);
        run!(&db, "UPDATE case_entries SET deleted_at = $2 WHERE id = $1", notes[0], at(5));
        run!(&db, "UPDATE case_entries SET occurred_at = $2, note_type = 'phone', duration_minutes = 45 \
            WHERE id = $1", notes[1], Ts::from(datetime!(2025-12-31 23:30 UTC)));
        run!(&db, "INSERT INTO case_entries (id, organisation_id, case_id, kind, occurred_at, author_id, \
            note_type, duration_minutes, created_at, updated_at) SELECT $1, organisation_id, case_id, kind, \
            $2, author_id, 'home_visit', 30, created_at, updated_at FROM case_entries WHERE id = $3",
            Uuid::now_v7(), Ts::from(datetime!(2024-12-31 23:15 UTC)), notes[2]);
        run!(&db, "DELETE FROM case_entries WHERE id = $1", notes[3]);
        summaries_match_rows(&db, org, "after the notes").await;

        // Cases: one closed, one reopened, one moved to another person and out of its household.
        let open = ids(&db, "SELECT id FROM cases WHERE organisation_id = $1 AND closed_at IS NULL \
            ORDER BY id", org).await;
        let closed = ids(&db, "SELECT id FROM cases WHERE organisation_id = $1 AND closed_at IS NOT NULL \
            ORDER BY id", org).await;
        assert!(open.len() > 2 && closed.len() > 2);
        run!(&db, "UPDATE cases SET status = 'closed', closed_at = $2, closure_reason = 'moved' \
            WHERE id = $1 AND opened_at < $2", open[0], Ts::from(datetime!(2026-12-31 23:59 UTC)));
        run!(&db, "UPDATE cases SET status = 'open', closed_at = NULL, closure_reason = NULL WHERE id = $1", closed[0]);
        let other = w.cases.iter().map(|c| c.person).find(|p| {
            w.cases.iter().find(|c| c.id.as_uuid() == closed[1]).is_some_and(|c| c.person != *p)
        }).unwrap();
        run!(&db, "UPDATE cases SET person_id = $2, household_id = NULL WHERE id = $1", closed[1], other.as_uuid());
        summaries_match_rows(&db, org, "after the cases").await;
        // A case cannot close before it opens (the spans rely on it), on both engines.
        let refused = match &db {
            Db::Sqlite(p) => sqlx::query("UPDATE cases SET closed_at = $2 WHERE id = $1")
                .bind(open[1]).bind(Ts::from(datetime!(2000-01-01 00:00 UTC))).execute(p).await.is_err(),
            Db::Postgres(p) => sqlx::query("UPDATE cases SET closed_at = $2 WHERE id = $1")
                .bind(open[1]).bind(Ts::from(datetime!(2000-01-01 00:00 UTC))).execute(p).await.is_err(),
        };
        assert!(refused);

        // Appointments, referrals, documents, checks: a state changed, a row removed, a
        // partner's answer, a date moved.
        let appointments = ids(&db, "SELECT id FROM appointments WHERE organisation_id = $1 ORDER BY id", org).await;
        run!(&db, "UPDATE appointments SET status = 'missed' WHERE id = $1 AND status <> 'cancelled'", appointments[0]);
        run!(&db, "DELETE FROM appointment_reminders WHERE appointment_id = $1", appointments[1]);
        run!(&db, "DELETE FROM appointments WHERE id = $1", appointments[1]);
        let referrals = ids(&db, "SELECT id FROM referrals WHERE organisation_id = $1 AND sent_at IS NOT NULL ORDER BY id", org).await;
        run!(&db, "INSERT INTO referral_steps (id, referral_id, status, at, side) VALUES ($1, $2, 'declined', $3, 'partner')",
            Uuid::now_v7(), referrals[0], Ts::from(cut));
        run!(&db, "UPDATE referrals SET sent_at = $2 WHERE id = $1", referrals[1], Ts::from(datetime!(2025-02-14 12:00 UTC)));
        let documents = ids(&db, "SELECT id FROM documents WHERE organisation_id = $1 ORDER BY id", org).await;
        run!(&db, "UPDATE documents SET created_at = $2 WHERE id = $1", documents[0], Ts::from(datetime!(2025-07-01 01:00 UTC)));
        let checks = ids(&db, "SELECT id FROM case_follow_ups WHERE organisation_id = $1 ORDER BY id", org).await;
        run!(&db, "UPDATE case_follow_ups SET status = 'done', wellbeing = 7, power_to_act = 4 WHERE id = $1", checks[0]);
        run!(&db, "UPDATE case_follow_ups SET due_on = $2 WHERE id = $1", checks[1], time::macros::date!(2025 - 08 - 15));
        let held = ids(&db, "SELECT id FROM case_follow_up_domains WHERE organisation_id = $1 ORDER BY id", org).await;
        run!(&db, "UPDATE case_follow_up_domains SET outcome = 'not_held' WHERE id = $1", held[0]);
        run!(&db, "DELETE FROM case_follow_up_domains WHERE id = $1", held[1]);
        summaries_match_rows(&db, org, "after the other records").await;

        // Assessments and goals: a level changed, a rating removed, an assessment moved, a
        // rating dated long after its case closed, a goal added to a closed case, one removed.
        let ratings = ids(&db, "SELECT id FROM assessment_ratings WHERE organisation_id = $1 \
            AND need_level IS NOT NULL ORDER BY id", org).await;
        run!(&db, "UPDATE assessment_ratings SET need_level = 4 - need_level WHERE id = $1", ratings[0]);
        run!(&db, "DELETE FROM assessment_ratings WHERE id = $1", ratings[1]);
        let assessments = ids(&db, "SELECT id FROM assessments WHERE organisation_id = $1 ORDER BY id", org).await;
        run!(&db, "UPDATE assessments SET assessed_on = $2 WHERE id = $1", assessments[0], time::macros::date!(2025 - 06 - 30));
        let closed_now = ids(&db, "SELECT id FROM cases WHERE organisation_id = $1 AND closed_at IS NOT NULL \
            ORDER BY id", org).await;
        let late = Uuid::now_v7();
        run!(&db, "INSERT INTO assessments (id, organisation_id, case_id, assessed_on, created_at, updated_at) \
            VALUES ($1, $2, $3, $4, $5, $5)", late, org.as_uuid(), closed_now[0], time::macros::date!(2026 - 10 - 01), at(0));
        for (domain, level) in [("housing", 0_i64), ("income", 4)] {
            run!(&db, "INSERT INTO assessment_ratings (id, organisation_id, assessment_id, domain_code, need_level, \
                created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)", Uuid::now_v7(), org.as_uuid(), late, domain, level, at(0));
        }
        // A case closed in 2024 whose housing improved, then rated again (worse) in 2026:
        // on 2025-12-31 its latest rating is still the improvement, and it is not followed.
        let (old_case, old_at) = (Uuid::now_v7(), Ts::from(datetime!(2024-01-10 09:00 UTC)));
        run!(&db, "INSERT INTO cases (id, organisation_id, person_id, team_id, reason, status, opened_at, \
            closed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'logement', 'closed', $5, $6, $5, $5)",
            old_case, org.as_uuid(), w.cases[0].person.as_uuid(), w.team_a.as_uuid(), old_at,
            Ts::from(datetime!(2024-06-01 09:00 UTC)));
        for (on, level) in [(time::macros::date!(2024 - 02 - 01), 3_i64), (time::macros::date!(2024 - 04 - 01), 1),
                            (time::macros::date!(2026 - 10 - 01), 4)] {
            let a = Uuid::now_v7();
            run!(&db, "INSERT INTO assessments (id, organisation_id, case_id, assessed_on, created_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $5)", a, org.as_uuid(), old_case, on, old_at);
            run!(&db, "INSERT INTO assessment_ratings (id, organisation_id, assessment_id, domain_code, need_level, \
                created_at, updated_at) VALUES ($1, $2, $3, 'housing', $4, $5, $5)", Uuid::now_v7(), org.as_uuid(), a, level, old_at);
        }
        run!(&db, "INSERT INTO plan_goals (id, organisation_id, case_id, person_words, status, position, created_at, updated_at) \
            VALUES ($1, $2, $3, 'Garder le logement', 'active', 99, $4, $4)", Uuid::now_v7(), org.as_uuid(), closed_now[1],
            Ts::from(datetime!(2026-11-01 10:00 UTC)));
        let goals = ids(&db, "SELECT id FROM plan_goals WHERE organisation_id = $1 ORDER BY id", org).await;
        run!(&db, "DELETE FROM case_entries WHERE subject_id = $1", goals[0]);
        run!(&db, "DELETE FROM plan_goals WHERE id = $1", goals[0]);
        summaries_match_rows(&db, org, "after the assessments and goals").await;

        // Another time zone: the steps are kept by local day, so they are computed again.
        run!(&db, "UPDATE organisations SET time_zone = 'UTC' WHERE id = $1", org.as_uuid());
        summaries_match_rows(&db, org, "in UTC").await;

        // A summary changed behind the triggers' back is found by `verify`, and a rebuild
        // puts it right.
        run!(&db, "UPDATE stats_days SET n = n + 1 WHERE organisation_id = $1 AND figure = 'contacts'", org.as_uuid());
        let problems = statistics::days::verify(&db, org).await.unwrap();
        assert!(problems.iter().any(|p| p.starts_with("contacts: ")), "{problems:?}");
        statistics::days::rebuild(&db, org).await.unwrap();
        summaries_match_rows(&db, org, "after a rebuild").await;
    }
}

engine_tests! {
    async fn a_reading_waits_for_a_write_that_marked_and_counts_it_once_committed(db) {
        // ADR 0043: a write marks its day in its own transaction; a dashboard that recomputes
        // that day meanwhile must not read it without the write and then forget the mark. (A
        // reading with nothing committed to recompute reads the committed figures at once.)
        let db = db.migrated().await;
        let w = world(&db, "stats-concurrent").await;
        let org = w.org;
        let scope = StatsScope::Organisation;
        let span = year_2025();
        let before = statistics::activity(&db, org, &scope, span).await.unwrap();
        let note = ids(&db, "SELECT id FROM case_entries WHERE organisation_id = $1 AND kind = 'note' \
            AND deleted_at IS NULL ORDER BY id", org).await[0];
        let sql = "INSERT INTO case_entries (id, organisation_id, case_id, kind, occurred_at, author_id, \
            note_type, duration_minutes, created_at, updated_at) SELECT $1, organisation_id, case_id, kind, \
            $2, author_id, 'home_visit', 20, created_at, updated_at FROM case_entries WHERE id = $3";
        let (added, when) = (Uuid::now_v7(), Ts::from(datetime!(2025-04-02 10:00 UTC)));
        // A note of the same day, committed: the next reading has that day to recompute.
        run!(&db, sql, Uuid::now_v7(), Ts::from(datetime!(2025-04-02 08:00 UTC)), note);
        let mut tx = db.begin_write().await.unwrap();
        match &mut tx {
            store::db::Tx::Sqlite(t) => { sqlx::query(sql).bind(added).bind(when).bind(note).execute(&mut **t).await.unwrap(); }
            store::db::Tx::Postgres(t) => { sqlx::query(sql).bind(added).bind(when).bind(note).execute(&mut **t).await.unwrap(); }
        }
        let reader = {
            let db = db.clone();
            tokio::spawn(async move { statistics::activity(&db, org, &StatsScope::Organisation, span).await.unwrap() })
        };
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(!reader.is_finished(), "the reading did not wait for the write that marked");
        tx.commit().await.unwrap();
        let during = reader.await.unwrap();
        assert_eq!(during.contacts_total(), before.contacts_total() + 2);
        let after = statistics::activity(&db, org, &scope, span).await.unwrap();
        assert_eq!(after, statistics::activity_from_rows(&db, org, &scope, span).await.unwrap());
        assert_eq!(after, during);
    }
}
