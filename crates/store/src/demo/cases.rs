//! Demo cases: a few reference persons of each organisation followed by the demo worker of a
//! team, with a plausible run of notes (home visits, phone calls, a case review), one case
//! paused and one closed then reopened. Deterministic from the seed; written once per
//! organisation (skipped when the organisation already has cases).

use domain::cases::{CaseStatus, Confidentiality};
use domain::{CaseId, OrganisationId, TeamId, UserId};
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

/// Writes the demo cases of one organisation in `tx`; returns how many.
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
    let mut written = 0;
    for (i, household) in households.iter().take(count).enumerate() {
        let Some(reference) = household.members.first() else { continue };
        let opened = Ts::from(household.created_at.get() + Duration::days(rng.random_range(1..20)));
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
        let notes = 3 + (i % 5);
        let mut at = opened;
        for n in 0..notes {
            at = Ts::from(at.get() + Duration::days(rng.random_range(5..40)) + Duration::hours(2));
            if at.get() > Ts::now().get() {
                break;
            }
            let (kind, place, body) = NOTES[n % NOTES.len()];
            let note = NoteRecord {
                occurred_at: at,
                duration_minutes: Some([20, 30, 45, 60, 90][rng.random_range(0..5)]),
                place: (!place.is_empty()).then(|| place.to_owned()),
                participants: None,
                note_type: kind.to_owned(),
                confidentiality: if n == 2 && i % 2 == 0 {
                    Confidentiality::Referents
                } else {
                    Confidentiality::Normal
                },
                body: body.to_owned(),
            };
            cases::add_note(tx, organisation_id, id, &note, followers.referent, at).await?;
        }
        // One case paused, one closed and reopened: the timeline shows both.
        let later = Ts::from(at.get() + Duration::days(3));
        if later.get() < Ts::now().get() {
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
                    let again = Ts::from(later.get() + Duration::days(30));
                    if again.get() < Ts::now().get() {
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
                }
                _ => {}
            }
        }
        written += 1;
    }
    Ok(written)
}
