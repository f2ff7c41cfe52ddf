//! Demo cases: a few reference persons of each organisation followed by the demo worker of a
//! team, each with one to three years of history — notes of every contact medium and case
//! reviews, assessments that improve and relapse, goals in the person's words with their steps
//! and victories — one case paused and one closed then reopened. Drawn from the seed (dates
//! count back from the day the demo is seeded); written once per organisation (skipped when the
//! organisation already has cases).

use domain::cases::{CaseStatus, Confidentiality};
use domain::{CaseId, OrganisationId, TeamId, UserId};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::Duration;

use super::population::Household;
use crate::cases::{NewCase, NoteRecord};
use crate::{StoreError, Ts, Tx, cases};

/// Where a demo organisation's cases go: its team and the worker who follows them.
pub(super) struct Followers {
    pub team: TeamId,
    pub referent: UserId,
    pub co_referent: Option<UserId>,
}

const REASONS: &[&str] = &[
    "Dettes de loyer, procédure d'expulsion engagée par le bailleur",
    "Retour à l'emploi après un long arrêt maladie, droits à ouvrir",
    "Séparation récente, recherche de logement et garde des enfants",
    "Factures d'énergie impayées, coupure annoncée",
    "Isolement depuis le décès du conjoint, démarches administratives en retard",
    "Sortie d'hébergement d'urgence, accès au logement",
];

/// (type, place, body) of the notes, in the order of a case's life.
const NOTES: &[(&str, &str, &str)] = &[
    (
        "in_person_appointment",
        "CCAS, bureau 2",
        "Premier entretien. La personne explique sa situation avec ses mots : **elle ne veut plus \
         subir** les relances.\n\nÀ faire :\n- demander le relevé de la CAF\n- appeler le bailleur",
    ),
    ("phone", "", "Appel au bailleur : accord de principe pour un *plan d'apurement*."),
    (
        "home_visit",
        "Domicile",
        "Visite à domicile. Logement propre mais froid, chauffage coupé dans une pièce.\nLa fille \
         aînée était présente et a aidé à trier les courriers.",
    ),
    ("email", "", "Courriel de la CAF : dossier complet, versement attendu le mois prochain."),
    (
        "case_review",
        "Réunion d'équipe",
        "Synthèse en équipe : **petite victoire**, le premier versement du plan est fait. \
         Prochaine étape : dossier FSL.",
    ),
    (
        "external_appointment",
        "Tribunal de proximité",
        "Accompagnement à l'audience. Délais accordés.",
    ),
    ("phone", "", "La personne rappelle, rassurée. Rendez-vous fixé dans un mois."),
];

/// Contact media and case reviews of the demo's notes, with how often they come.
const NOTE_TYPES: &[(&str, u32)] = &[
    ("phone", 26),
    ("in_person_appointment", 18),
    ("email", 8),
    ("home_visit", 9),
    ("text_message", 8),
    ("walk_in", 6),
    ("external_appointment", 6),
    ("third_party", 4),
    ("postal_mail", 4),
    ("case_review", 5),
    ("video_call", 2),
    ("group_session", 3),
    ("other", 1),
];

/// Where a note of a type took place.
fn place_of(note_type: &str, rng: &mut ChaCha8Rng) -> Option<String> {
    let places: &[&str] = match note_type {
        "in_person_appointment" | "walk_in" => &["CCAS, bureau 2", "CCAS, bureau 3", "Accueil"],
        "home_visit" => &["Domicile"],
        "external_appointment" => {
            &["CAF de Valbourg", "Tribunal de proximité", "France Travail", "Lône Habitat"]
        }
        "case_review" => &["Réunion d'équipe"],
        "group_session" => &["Atelier budget du centre social", "Café social"],
        _ => return None,
    };
    Some(places[rng.random_range(0..places.len())].to_owned())
}

/// Writes the demo cases of one organisation in `tx`; returns how many.
///
/// Each case runs over one to three years up to now: a note every week or three (dozens of
/// each common type, a few of the rarer ones, some for the referents or the author only), the
/// first ones hand-written, and — except on the worker's earliest open case, kept plain for the
/// browser tests that write its first assessment — assessments that improve and relapse, goals
/// in the person's words with their steps, the agreement and victories, through
/// [`crate::plans`] and [`crate::assessments`]. One case is paused, one closed then reopened.
pub(super) async fn write(
    tx: &mut Tx,
    seed: u64,
    organisation_id: OrganisationId,
    households: &[Household],
    followers: &Followers,
    count: usize,
) -> Result<usize, StoreError> {
    // Each organisation its own stream, so that no two draw the same ids.
    let salt = organisation_id.as_uuid().as_u64_pair().1;
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(77) ^ salt);
    let types = WeightedIndex::new(NOTE_TYPES.iter().map(|(_, w)| *w)).expect("weights");
    let now = Ts::now();
    let mut written = 0;
    for (i, household) in households.iter().take(count).enumerate() {
        let Some(reference) = household.members.first() else { continue };
        // The first case the longest (three years), the others one to two and a half.
        let years = if i == 0 { 3.0 } else { 1.0 + (i % 4) as f64 * 0.5 };
        let days = (years * 365.0) as i64 - rng.random_range(0..20);
        let opened = Ts::from(
            (now.get() - Duration::days(days)).date().midnight().assume_utc()
                + Duration::hours(9 + (i as i64 % 6)),
        );
        let id = CaseId::from_uuid(super::demo_uuid(&mut rng, opened));
        let co: Vec<UserId> = followers.co_referent.filter(|_| i % 3 == 0).into_iter().collect();
        let new = NewCase {
            id,
            organisation_id,
            person_id: reference.person_id,
            household_id: (household.members.len() > 1).then_some(household.id),
            team_id: followers.team,
            referent_id: followers.referent,
            co_referents: &co,
            reason: REASONS[i % REASONS.len()],
            orientation_source: Some(["social_landlord", "self_referral", "caf_msa"][i % 3]),
            opened_by: followers.referent,
        };
        cases::open(tx, &new, opened).await?;
        // Notes up to a fortnight ago (the last status change comes after them).
        let stop = now.get() - Duration::days(14);
        let mut at = opened;
        let mut n = 0;
        loop {
            let next = at.get()
                + Duration::days(rng.random_range(4..22))
                + Duration::minutes(5 * rng.random_range(0..24));
            if next > stop {
                break;
            }
            at = Ts::from(next);
            let (kind, place, body) = if n < NOTES.len() {
                let (k, p, b) = NOTES[n];
                (k, (!p.is_empty()).then(|| p.to_owned()), b.to_owned())
            } else {
                let kind = NOTE_TYPES[types.sample(&mut rng)].0;
                let place = place_of(kind, &mut rng);
                (kind, place, crate::bench_data::cases::note_body(&mut rng, kind))
            };
            let note = NoteRecord {
                occurred_at: at,
                duration_minutes: match kind {
                    "email" | "text_message" | "postal_mail" => None,
                    "phone" => Some([5, 10, 15, 20][rng.random_range(0..4)]),
                    _ => Some([20, 30, 45, 60, 90][rng.random_range(0..5)]),
                },
                place,
                participants: None,
                note_type: kind.to_owned(),
                confidentiality: match rng.random_range(0..100) {
                    _ if n == 2 && i % 2 == 0 => Confidentiality::Referents,
                    0..7 => Confidentiality::Referents,
                    7..9 => Confidentiality::Author,
                    _ => Confidentiality::Normal,
                },
                body,
            };
            cases::add_note(tx, organisation_id, id, &note, followers.referent, at).await?;
            n += 1;
        }
        // Assessments and the plan, over the same years, on every case but the first.
        if i > 0 {
            let spec = crate::bench_data::plans::PlanSpec {
                case_id: id,
                author: followers.referent,
                from: opened.get() + Duration::days(10),
                until: stop,
                events: 14 + (i % 4) * 4,
            };
            crate::bench_data::plans::write(tx, organisation_id, &spec, &mut rng).await?;
        }
        // One case paused, one closed and reopened, after the rest: the timeline shows both.
        let later = Ts::from(stop + Duration::days(3));
        match i {
            1 => {
                cases::change_status(
                    tx,
                    organisation_id,
                    id,
                    1,
                    CaseStatus::Paused,
                    None,
                    followers.referent,
                    later,
                )
                .await?;
            }
            2 => {
                cases::change_status(
                    tx,
                    organisation_id,
                    id,
                    1,
                    CaseStatus::Closed,
                    Some("moved_away"),
                    followers.referent,
                    later,
                )
                .await?;
                let again = Ts::from(later.get() + Duration::days(7));
                cases::change_status(
                    tx,
                    organisation_id,
                    id,
                    2,
                    CaseStatus::Open,
                    None,
                    followers.referent,
                    again,
                )
                .await?;
            }
            _ => {}
        }
        if let Some((title, due_in)) = DEMO_TASKS.get(i) {
            let fields = domain::tasks::TaskFields {
                title: (*title).to_owned(),
                details: None,
                due_on: due_in.map(|d| (now.get() + Duration::days(d)).date()),
            };
            let task = crate::tasks::NewTask {
                organisation_id,
                fields: &fields,
                case_id: Some(id),
                person_id: Some(reference.person_id),
                assignee: followers.referent,
                by: followers.referent,
            };
            crate::tasks::create(tx, &task, Ts::from(now.get() - Duration::days(5))).await?;
        }
        written += 1;
    }
    Ok(written)
}

/// The referent's to-dos on their first cases (by case): what to do, due in how many days
/// from now (`None`: no date). Dates in UTC days; "my day" shows one overdue, one for today.
const DEMO_TASKS: [(&str, Option<i64>); 4] = [
    ("Proposer l'atelier budget du centre social", None),
    ("Relancer la CAF pour le dossier d'aide au logement", Some(-2)),
    ("Préparer le dossier FSL pour la commission", Some(0)),
    ("Visite à domicile : vérifier l'état du logement", Some(3)),
];
