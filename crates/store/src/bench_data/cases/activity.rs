//! What the statistics count beside the timeline (issue 11 point 7): the appointments of a
//! case (done, missed, cancelled, planned), referrals to partner services with the partner's
//! answers (received, accepted or declined, then completed or not turned up), the documents
//! filed, urgency flags raised for the person (acknowledged or not, some closed), and the
//! follow-up checks at 3, 6 and 12 months after a closure (done with wellbeing, power to act
//! and what held per life domain, or missed).
//!
//! Drawn from a stream of their own of the seed, so the cases and timelines of a seed are the
//! same with or without them, and nothing here happens after [`END`]. Rows are those
//! [`crate::appointments`], [`crate::referrals`], [`crate::documents`], [`crate::intake`] and
//! [`crate::follow_ups`] write, without the timeline events some of them add (the ten entries
//! a case stay ten), in multi-row statements.

use domain::lists::ListName;
use domain::partners::PartnerKind;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration as Span, OffsetDateTime};
use uuid::Uuid;

use super::super::{Insert, V, placeholders, uuid_at};
use super::{CASES_STREAM, END, GenCase, Staff};
use crate::{StoreError, Ts, Tx};

/// A partner service the cases are referred to, and its partner's name.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: Uuid,
    pub partner: &'static str,
}

/// Partners of the generated organisation: (name, kind, services).
const PARTNERS: &[(&str, PartnerKind, &[&str])] = &[
    ("CAF de Valbourg", PartnerKind::Other, &["Accueil sur rendez-vous", "Plateforme partenaires"]),
    (
        "France Travail, agence de Valbourg",
        PartnerKind::EmploymentService,
        &["Accompagnement global"],
    ),
    ("Lône Habitat", PartnerKind::SocialLandlord, &["Service social du bailleur", "Mutations"]),
    ("Centre médico-psychologique", PartnerKind::HealthCentre, &["Consultations adultes"]),
    ("Mission locale du Val", PartnerKind::MissionLocale, &["Garantie jeunes"]),
    ("Restos du cœur, Valbourg", PartnerKind::Association, &["Aide alimentaire"]),
    ("Point justice", PartnerKind::LegalAid, &["Permanence d'avocats", "Aide aux victimes"]),
    ("Préfecture, service des étrangers", PartnerKind::Prefecture, &["Titres de séjour"]),
    ("Épicerie solidaire La Halte", PartnerKind::Association, &["Épicerie solidaire"]),
    (
        "Centre social des Tilleuls",
        PartnerKind::Association,
        &["Atelier de français", "Café social"],
    ),
];

/// Writes the partner organisations and their services, in `tx`.
pub(in crate::bench_data) async fn write_partners(
    tx: &mut Tx,
    rng: &mut ChaCha8Rng,
    created: Ts,
) -> Result<Vec<Service>, StoreError> {
    let mut partners = vec![];
    let mut services = vec![];
    let mut out = vec![];
    for (name, kind, names) in PARTNERS {
        let partner = uuid_at(rng, created);
        partners.extend([
            V::Uuid(partner),
            V::Text(Some(name)),
            V::Text(Some(kind.as_str())),
            V::Ts(created),
            V::Ts(created),
        ]);
        for service in *names {
            let id = uuid_at(rng, created);
            services.extend([
                V::Uuid(id),
                V::Uuid(partner),
                V::Text(Some(service)),
                V::Ts(created),
                V::Ts(created),
            ]);
            out.push(Service { id, partner: name });
        }
    }
    Insert {
        head: "INSERT INTO partner_organisations (id, name, kind, created_at, updated_at) VALUES ",
        width: 5,
        tuple: |p| format!("({})", placeholders(p, 5)),
        rows_divisor: 1,
    }
    .run(tx, &partners)
    .await?;
    Insert {
        head: "INSERT INTO partner_services (id, partner_id, name, created_at, updated_at) VALUES ",
        width: 5,
        tuple: |p| format!("({})", placeholders(p, 5)),
        rows_divisor: 1,
    }
    .run(tx, &services)
    .await?;
    Ok(out)
}

/// The generator of the activity, one stream of the seed for the whole data set.
pub(in crate::bench_data) struct ActivityGenerator {
    rng: ChaCha8Rng,
}

impl ActivityGenerator {
    pub(super) fn new(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(CASES_STREAM + 2);
        ActivityGenerator { rng }
    }

    /// A time of office hours on a day between `from` and `until` (both within [`END`]).
    fn during(&mut self, from: OffsetDateTime, until: OffsetDateTime) -> OffsetDateTime {
        let seconds = (until - from).whole_seconds().max(1);
        let t = from + Span::seconds(self.rng.random_range(0..seconds));
        let day = t.date().midnight().assume_utc();
        let at = day
            + Span::hours(self.rng.random_range(7..17))
            + Span::minutes(5 * self.rng.random_range(0..12));
        at.clamp(from, until.max(from))
    }

    fn later(&mut self, at: OffsetDateTime, minutes: std::ops::Range<i64>) -> OffsetDateTime {
        at + Span::minutes(self.rng.random_range(minutes))
    }
}

/// Rows of one batch, bound as they are written.
#[derive(Default)]
struct Rows<'a> {
    appointments: Vec<V<'a>>,
    consents: Vec<V<'a>>,
    referrals: Vec<V<'a>>,
    steps: Vec<V<'a>>,
    documents: Vec<V<'a>>,
    flags: Vec<V<'a>>,
    follow_ups: Vec<V<'a>>,
    follow_up_domains: Vec<V<'a>>,
}

const APPOINTMENT_WIDTH: usize = 16;
const CONSENT_WIDTH: usize = 8;
const REFERRAL_WIDTH: usize = 16;
const STEP_WIDTH: usize = 6;
const DOCUMENT_WIDTH: usize = 14;
const FLAG_WIDTH: usize = 16;
const FOLLOW_UP_WIDTH: usize = 11;
const FOLLOW_UP_DOMAIN_WIDTH: usize = 7;

const PLACES: &[&str] = &["office", "office", "office", "home_visit", "partner", "phone", "video"];
const PURPOSES: &[&str] = &[
    "Point sur le budget",
    "Dossier FSL",
    "Suivi de la demande de logement",
    "Premier entretien",
    "Renouvellement des droits",
];
const REFERRAL_REASONS: &[&str] = &[
    "Accès aux droits bloqué depuis trois mois",
    "Recherche d'emploi, besoin d'un accompagnement renforcé",
    "Dette de loyer, plan d'apurement à négocier",
    "Souffrance psychique exprimée par la personne",
    "Aide alimentaire le temps de l'ouverture des droits",
];
const FILE_TYPES: &[(&str, &str)] = &[
    ("application/pdf", "justificatif.pdf"),
    ("image/jpeg", "photo.jpg"),
    ("image/png", "capture.png"),
];

/// A document to write: its object's name is its id, written out.
struct GenDocument {
    id: Uuid,
    person: Uuid,
    case: Uuid,
    code: &'static str,
    file: (&'static str, &'static str),
    size: i64,
    confidential: bool,
    uploaded_by: Uuid,
    at: Ts,
}

/// Writes the activity of a batch's cases, in `tx`.
pub(super) async fn write(
    tx: &mut Tx,
    organisation_id: domain::OrganisationId,
    cases: &[GenCase],
    staff: &Staff,
    generator: &mut ActivityGenerator,
) -> Result<(), StoreError> {
    let org = V::Uuid(organisation_id.as_uuid());
    let end = END;
    let mut rows = Rows::default();
    let mut docs: Vec<GenDocument> = vec![];
    let flags = ListName::UrgencyFlag.defaults();
    let documents = ListName::DocumentType.defaults();
    let domains = ListName::LifeDomain.defaults();
    for c in cases {
        let from = c.opened.get();
        let until = c.until.get().min(end);
        let person = V::Uuid(c.person_id.as_uuid());
        let case = V::Uuid(c.id);
        let referent = V::Uuid(c.referent.as_uuid());

        // Appointments: three at most, some still to come for the open cases.
        for _ in 0..generator.rng.random_range(0..4) {
            let horizon = if c.closed { until } else { until + Span::days(60) };
            let starts = generator.during(from, horizon);
            let ends = generator.later(starts, 30..91);
            let (status, cancelled_by) = match generator.rng.random_range(0..100) {
                _ if starts >= end => ("planned", None),
                0..72 => ("done", None),
                72..86 => ("missed", None),
                86..93 => ("cancelled", Some("person")),
                _ => ("cancelled", Some("worker")),
            };
            let created =
                Ts::from((starts - Span::days(generator.rng.random_range(1..30))).max(from));
            let changed = (status != "planned").then(|| Ts::from(ends.min(end)));
            rows.appointments.extend([
                V::Uuid(uuid_at(&mut generator.rng, created)),
                org,
                referent,
                person,
                case,
                V::Ts(Ts::from(starts)),
                V::Ts(Ts::from(ends)),
                V::Text(Some(PLACES.choose(&mut generator.rng).expect("places"))),
                V::Text(Some(PURPOSES.choose(&mut generator.rng).expect("purposes"))),
                V::Text(Some(status)),
                V::Text(cancelled_by),
                V::OptTs(changed),
                V::OptUuid(changed.map(|_| c.referent.as_uuid())),
                referent,
                V::Ts(created),
                V::Ts(changed.unwrap_or(created)),
            ]);
        }

        // Documents filed in the case: two on average.
        for _ in 0..generator.rng.random_range(0..5) {
            let at = Ts::from(generator.during(from, until));
            docs.push(GenDocument {
                id: uuid_at(&mut generator.rng, at),
                person: c.person_id.as_uuid(),
                case: c.id,
                code: documents.choose(&mut generator.rng).expect("document types"),
                file: *FILE_TYPES.choose(&mut generator.rng).expect("file types"),
                size: generator.rng.random_range(20_000..3_000_000),
                confidential: generator.rng.random_bool(0.05),
                uploaded_by: c.referent.as_uuid(),
                at,
            });
        }

        // Referrals: a third of the cases, a few twice.
        let referrals = match generator.rng.random_range(0..100) {
            0..28 => 1,
            28..33 => 2,
            _ => 0,
        };
        for _ in 0..referrals {
            let service = staff.services.choose(&mut generator.rng).expect("services");
            let sent = generator.during(from, until);
            let consent = uuid_at(&mut generator.rng, Ts::from(sent));
            rows.consents.extend([
                V::Uuid(consent),
                org,
                person,
                V::Text(Some(service.partner)),
                V::Date(Some(sent.date())),
                referent,
                V::Ts(Ts::from(sent)),
                V::Ts(Ts::from(sent)),
            ]);
            let id = uuid_at(&mut generator.rng, Ts::from(sent));
            // The partner's steps, as long as they happened before the data set's end.
            let mut steps: Vec<(&'static str, &'static str, OffsetDateTime)> =
                vec![("sent", "sender", sent)];
            let mut at = sent;
            let r = generator.rng.random_range(0..100);
            if r < 80 {
                at = generator.later(at, 60..(5 * 24 * 60));
                steps.push(("received", "partner", at));
            }
            if r < 85 {
                at = generator.later(at, 60..(20 * 24 * 60));
                let answer =
                    if generator.rng.random_range(0..100) < 75 { "accepted" } else { "declined" };
                steps.push((answer, "partner", at));
                if answer == "accepted" && generator.rng.random_bool(0.6) {
                    at = generator.later(at, (24 * 60)..(60 * 24 * 60));
                    let outcome =
                        if generator.rng.random_bool(0.85) { "completed" } else { "no_show" };
                    steps.push((outcome, "partner", at));
                }
            }
            steps.retain(|(_, _, t)| *t <= end);
            let (status, _, last) = *steps.last().expect("sent first");
            let answered = steps.iter().find(|(_, side, _)| *side == "partner").map(|s| s.2);
            let closed = matches!(status, "declined" | "completed" | "no_show").then_some(last);
            rows.referrals.extend([
                V::Uuid(id),
                org,
                case,
                person,
                V::Uuid(service.id),
                V::Uuid(consent),
                V::Text(Some(REFERRAL_REASONS.choose(&mut generator.rng).expect("reasons"))),
                V::Text(Some("Merci de recevoir la personne pour un premier rendez-vous.")),
                V::Text(Some(if generator.rng.random_bool(0.1) { "urgent" } else { "normal" })),
                V::Text(Some(status)),
                V::Ts(Ts::from(sent)),
                V::OptTs(answered.map(Ts::from)),
                V::OptTs(closed.map(Ts::from)),
                referent,
                V::Ts(Ts::from(sent)),
                V::Ts(Ts::from(last)),
            ]);
            for (status, side, t) in steps {
                rows.steps.extend([
                    V::Uuid(uuid_at(&mut generator.rng, Ts::from(t))),
                    V::Uuid(id),
                    V::Text(Some(status)),
                    V::Ts(Ts::from(t)),
                    V::OptUuid((side == "sender").then(|| c.referent.as_uuid())),
                    V::Text(Some(side)),
                ]);
            }
        }

        // Urgency flags raised for the person while the case ran: one case in ten.
        if generator.rng.random_range(0..10) == 0 {
            let raised = generator.during(from, until);
            let acknowledged = generator
                .rng
                .random_bool(0.85)
                .then(|| generator.later(raised, 10..(3 * 24 * 60)))
                .filter(|t| *t <= end);
            let closed = acknowledged
                .filter(|_| generator.rng.random_bool(0.6))
                .map(|t| generator.later(t, (24 * 60)..(30 * 24 * 60)))
                .filter(|t| *t <= end);
            let status = match (acknowledged, closed) {
                (_, Some(_)) => "closed",
                (Some(_), None) => "acknowledged",
                _ => "raised",
            };
            let raised = Ts::from(raised);
            rows.flags.extend([
                V::Uuid(uuid_at(&mut generator.rng, raised)),
                org,
                person,
                case,
                V::Uuid(staff.teams[c.team].as_uuid()),
                V::Text(Some(flags.choose(&mut generator.rng).expect("flags"))),
                V::Text(Some(status)),
                referent,
                V::Ts(raised),
                V::OptUuid(acknowledged.map(|_| c.referent.as_uuid())),
                V::OptTs(acknowledged.map(Ts::from)),
                V::OptUuid(closed.map(|_| c.referent.as_uuid())),
                V::OptTs(closed.map(Ts::from)),
                V::Ts(Ts::from(closed.or(acknowledged).unwrap_or(raised.get()))),
                V::Int(1 + i64::from(acknowledged.is_some()) + i64::from(closed.is_some())),
                V::Text(None),
            ]);
        }

        // Checks at 3, 6 and 12 months after a closure, those due by the end.
        if c.closed {
            let closed = c.until;
            for months in [3, 6, 12] {
                let due: Date = (closed.get() + Span::days(months * 365 / 12)).date();
                if due > end.date() {
                    break;
                }
                let id = uuid_at(&mut generator.rng, closed);
                let done = generator.rng.random_range(0..100) < 65;
                let done_on = done.then(|| due + Span::days(generator.rng.random_range(-10..20)));
                let done_on = done_on.map(|d| d.min(end.date()));
                let (wellbeing, power) = if done {
                    (
                        Some(generator.rng.random_range(2..11)),
                        Some(generator.rng.random_range(1..11)),
                    )
                } else {
                    (None, None)
                };
                let recorded =
                    done_on.map(|d| Ts::from(d.midnight().assume_utc() + Span::hours(10)));
                rows.follow_ups.extend([
                    V::Uuid(id),
                    org,
                    case,
                    V::Date(Some(due)),
                    V::Text(Some(if done { "done" } else { "missed" })),
                    V::Date(done_on),
                    V::OptInt(wellbeing),
                    V::OptInt(power),
                    V::OptUuid(done.then(|| c.referent.as_uuid())),
                    V::Ts(closed),
                    V::Ts(recorded.unwrap_or(closed)),
                ]);
                if let Some(recorded) = recorded {
                    let n = generator.rng.random_range(1..4);
                    for code in domains.choose_multiple(&mut generator.rng, n) {
                        let outcome = match generator.rng.random_range(0..100) {
                            0..60 => "held",
                            60..85 => "partly",
                            _ => "not_held",
                        };
                        rows.follow_up_domains.extend([
                            V::Uuid(uuid_at(&mut generator.rng, recorded)),
                            org,
                            V::Uuid(id),
                            V::Text(Some(code)),
                            V::Text(Some(outcome)),
                            V::Ts(recorded),
                            V::Ts(recorded),
                        ]);
                    }
                }
            }
        }
    }

    let names: Vec<String> = docs.iter().map(|d| d.id.to_string()).collect();
    for (d, name) in docs.iter().zip(&names) {
        rows.documents.extend([
            V::Uuid(d.id),
            org,
            V::Uuid(d.person),
            V::Uuid(d.case),
            V::Text(Some(d.code)),
            V::Text(Some(d.file.1)),
            V::Text(Some(d.file.0)),
            V::Int(d.size),
            V::Text(Some(name)),
            V::Text(Some("bench")),
            V::Bool(d.confidential),
            V::Uuid(d.uploaded_by),
            V::Ts(d.at),
            V::Ts(d.at),
        ]);
    }
    let tables: [(&'static str, usize, &Vec<V<'_>>, &'static str); 8] = [
        (
            "INSERT INTO appointments (id, organisation_id, worker_id, person_id, case_id, \
             starts_at, ends_at, place, purpose, status, cancelled_by, status_changed_at, \
             status_changed_by, created_by, created_at, updated_at) VALUES ",
            APPOINTMENT_WIDTH,
            &rows.appointments,
            "",
        ),
        (
            "INSERT INTO consents (id, organisation_id, person_id, recipient, given_on, \
             recorded_by, created_at, updated_at, purpose, given_by, method) VALUES ",
            CONSENT_WIDTH,
            &rows.consents,
            ", 'referral', 'person', 'oral'",
        ),
        (
            "INSERT INTO referrals (id, organisation_id, case_id, person_id, service_id, \
             consent_id, reason, request, urgency, status, sent_at, answered_at, closed_at, \
             created_by, created_at, updated_at) VALUES ",
            REFERRAL_WIDTH,
            &rows.referrals,
            "",
        ),
        (
            "INSERT INTO referral_steps (id, referral_id, status, at, by_user, side) VALUES ",
            STEP_WIDTH,
            &rows.steps,
            "",
        ),
        (
            "INSERT INTO documents (id, organisation_id, person_id, case_id, type_code, \
             file_name, file_type, size_bytes, object_name, key_id, confidential, uploaded_by, \
             created_at, updated_at) VALUES ",
            DOCUMENT_WIDTH,
            &rows.documents,
            "",
        ),
        (
            "INSERT INTO urgency_flags (id, organisation_id, person_id, case_id, team_id, code, \
             status, raised_by, raised_at, acknowledged_by, acknowledged_at, closed_by, \
             closed_at, updated_at, version, note) VALUES ",
            FLAG_WIDTH,
            &rows.flags,
            "",
        ),
        (
            "INSERT INTO case_follow_ups (id, organisation_id, case_id, due_on, status, \
             done_on, wellbeing, power_to_act, recorded_by, created_at, updated_at) VALUES ",
            FOLLOW_UP_WIDTH,
            &rows.follow_ups,
            "",
        ),
        (
            "INSERT INTO case_follow_up_domains (id, organisation_id, follow_up_id, \
             domain_code, outcome, created_at, updated_at) VALUES ",
            FOLLOW_UP_DOMAIN_WIDTH,
            &rows.follow_up_domains,
            "",
        ),
    ];
    for (head, width, values, tail) in tables {
        Insert {
            head,
            width,
            tuple: |p| format!("({}{tail})", placeholders(p, width)),
            rows_divisor: 1,
        }
        .run(tx, values)
        .await?;
    }
    Ok(())
}
