//! The assessments and action plans of a case's history, written through
//! [`crate::assessments`] and [`crate::plans`] as the pages write them (each change with its
//! timeline event), at the times they would have happened: a first assessment with high needs,
//! goals in the person's words with their steps, the person's agreement, steps started and
//! done, victories, later assessments that improve — and sometimes relapse — and goals
//! achieved. Used by the generated data sets and by the demo.

use domain::assessments::{AssessmentContent, Rating};
use domain::ids::{AssessmentId, GoalId, StepId};
use domain::plans::{self, AgreementMethod, GoalStatus, StepOwner, StepStatus};
use domain::{CaseId, OrganisationId, UserId};
use rand::Rng;
use rand::seq::IndexedRandom;
use time::{Duration as Span, OffsetDateTime};

use crate::assessments::{self, NewAssessment};
use crate::plans::{self as store_plans, Change};
use crate::{StoreError, Ts, Tx};

/// A goal as people say it, its life domains, steps towards it and victories on the way.
pub(crate) struct GoalText {
    pub words: &'static str,
    pub worker: Option<&'static str>,
    pub domains: &'static [&'static str],
    pub steps: &'static [(&'static str, StepOwner)],
    pub victories: &'static [&'static str],
}

#[rustfmt::skip]
pub(crate) const GOALS: &[GoalText] = &[
    GoalText {
        words: "Je veux retrouver un logement pour moi et mes enfants",
        worker: Some("Accès à un logement autonome adapté à la composition familiale"),
        domains: &["housing", "family"],
        steps: &[("Renouveler la demande de logement social", StepOwner::Person),
                 ("Monter le dossier FSL pour le dépôt de garantie", StepOwner::Worker),
                 ("Visiter l'appartement proposé par Lône Habitat", StepOwner::Person)],
        victories: &["La demande de logement est enregistrée, j'ai enfin mon numéro",
                     "On a eu les clés ! Les enfants ont chacun leur chambre"],
    },
    GoalText {
        words: "Je ne veux plus avoir peur d'ouvrir mon courrier",
        worker: Some("Reprise en main des démarches administratives"),
        domains: &["rights", "budget"],
        steps: &[("Trier les courriers ensemble", StepOwner::Worker),
                 ("Ouvrir un espace en ligne à la CAF", StepOwner::Person)],
        victories: &["J'ai ouvert toutes mes lettres de la semaine toute seule"],
    },
    GoalText {
        words: "Payer mes dettes de loyer sans me priver de manger",
        worker: Some("Apurement de la dette locative, budget tenable"),
        domains: &["budget", "housing", "food"],
        steps: &[("Négocier un plan d'apurement avec le bailleur", StepOwner::Worker),
                 ("Tenir un cahier des dépenses pendant un mois", StepOwner::Person),
                 ("Demander l'aide alimentaire le temps du plan", StepOwner::Partner)],
        victories: &["Premier versement du plan fait, le bailleur a confirmé",
                     "Six mois de loyer payés sans retard"],
    },
    GoalText {
        words: "Retrouver du travail, même à mi-temps",
        worker: Some("Retour à l'emploi progressif"),
        domains: &["employment", "mobility"],
        steps: &[("S'inscrire à France Travail", StepOwner::Person),
                 ("Refaire le CV avec la conseillère", StepOwner::Partner),
                 ("Passer le code de la route", StepOwner::Person)],
        victories: &["J'ai eu un entretien d'embauche, le premier depuis deux ans",
                     "J'ai signé un contrat de six mois en cuisine"],
    },
    GoalText {
        words: "Que mes enfants retournent à l'école tous les jours",
        worker: None,
        domains: &["education", "family"],
        steps: &[("Rencontrer la directrice de l'école", StepOwner::Person),
                 ("Trouver un mode de garde pour le petit", StepOwner::Worker)],
        victories: &["Pas une absence ce mois-ci, la maîtresse me l'a dit"],
    },
    GoalText {
        words: "Me soigner, je n'en peux plus d'avoir mal",
        worker: Some("Accès aux soins et à une complémentaire santé"),
        domains: &["health", "rights"],
        steps: &[("Demander la complémentaire santé solidaire", StepOwner::Worker),
                 ("Prendre rendez-vous chez le médecin traitant", StepOwner::Person)],
        victories: &["J'ai vu le médecin, j'ai un traitement qui marche"],
    },
    GoalText {
        words: "Parler mieux le français pour faire mes papiers seule",
        worker: None,
        domains: &["french_language", "rights"],
        steps: &[("S'inscrire à l'atelier de français du centre social", StepOwner::Person)],
        victories: &["J'ai appelé la CAF toute seule, ils m'ont comprise"],
    },
    GoalText {
        words: "Voir du monde, je reste enfermé toute la journée",
        worker: Some("Rompre l'isolement"),
        domains: &["social_life", "mental_health"],
        steps: &[("Venir au café social le jeudi", StepOwner::Person),
                 ("Prendre contact avec le CMP", StepOwner::Worker)],
        victories: &["Je suis allé au café social trois jeudis de suite"],
    },
    GoalText {
        words: "Garder mon appartement",
        worker: Some("Prévention de l'expulsion locative"),
        domains: &["housing", "justice"],
        steps: &[("Saisir la commission de prévention des expulsions", StepOwner::Worker),
                 ("Aller à l'audience avec l'avocate", StepOwner::Person)],
        victories: &["Le juge a accordé des délais, on reste chez nous"],
    },
    GoalText {
        words: "Avoir mes papiers à jour pour toucher mes droits",
        worker: Some("Régularisation du séjour, réouverture des droits"),
        domains: &["rights", "budget"],
        steps: &[("Prendre rendez-vous à la préfecture", StepOwner::Person),
                 ("Rassembler les justificatifs de présence", StepOwner::Worker)],
        victories: &["Mon titre de séjour est renouvelé pour un an"],
    },
];

/// What [`write`] planned for one case: how many timeline events it writes, between when.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlanSpec {
    pub case_id: CaseId,
    pub author: UserId,
    pub from: OffsetDateTime,
    pub until: OffsetDateTime,
    /// Timeline events to write, exactly (three at least: an assessment, a goal, a step).
    pub events: usize,
}

/// Writes `spec.events` events of assessments and plan changes for a case, spread between
/// `from` and `until`, through the store's functions. Returns how many it wrote (`events`).
pub(crate) async fn write(
    tx: &mut Tx,
    org: OrganisationId,
    spec: &PlanSpec,
    rng: &mut impl Rng,
) -> Result<usize, StoreError> {
    let mut left = spec.events;
    let span = (spec.until - spec.from).max(Span::days(1));
    // Times of the events, in order: office hours of days spread over the case's time.
    let mut times: Vec<OffsetDateTime> = (0..left)
        .map(|i| {
            let share = (i as f64 + rng.random_range(0.0..1.0)) / left as f64;
            let t = spec.from + span * share;
            (t.date().midnight().assume_utc()
                + Span::hours(rng.random_range(8..17))
                + Span::minutes(5 * rng.random_range(0..12)))
            .max(spec.from + Span::minutes(1))
        })
        .collect();
    times.sort();
    let mut times = times.into_iter();
    let mut next = || Ts::from(times.next().expect("one time per event"));

    // The first assessment: high needs in the goals' domains and a few others.
    let picked: Vec<&GoalText> = GOALS.choose_multiple(rng, 2).collect();
    let mut domains: Vec<&'static str> =
        picked.iter().flat_map(|g| g.domains.iter().copied()).collect();
    for d in domain::lists::ListName::LifeDomain.defaults().choose_multiple(rng, 2) {
        domains.push(d);
    }
    domains.sort();
    domains.dedup();
    let mut needs: Vec<u8> = domains.iter().map(|_| rng.random_range(2..=4)).collect();
    assess(tx, org, spec, &domains, &needs, next(), rng).await?;
    left -= 1;

    // Goals, each with its steps to come.
    struct Live {
        id: GoalId,
        text: &'static GoalText,
        version: i64,
        steps: Vec<(StepId, usize, i64, StepStatus)>,
        next_step: usize,
        victories: usize,
        achieved: bool,
    }
    let mut goals: Vec<Live> = vec![];
    let mut agreed = false;
    while left > 0 {
        let now = next();
        left -= 1;
        let roll = rng.random_range(0..100);
        // A goal to start with, a second one later; an agreement once there is a plan.
        if goals.is_empty() || (goals.len() < picked.len() && roll < 8) {
            let text = picked[goals.len()];
            let goal = plans::Goal {
                person_words: text.words.to_owned(),
                worker_words: text.worker.map(str::to_owned),
                domains: text.domains.iter().map(|d| (*d).to_owned()).collect(),
                status: GoalStatus::Active,
            };
            let id =
                store_plans::create_goal(tx, org, spec.case_id, &goal, spec.author, now).await?;
            goals.push(Live {
                id,
                text,
                version: 1,
                steps: vec![],
                next_step: 0,
                victories: 0,
                achieved: false,
            });
            continue;
        }
        if !agreed {
            let method = *AgreementMethod::ALL.choose(rng).expect("methods");
            let a = plans::Agreement { agreed_on: now.get().date(), method };
            store_plans::record_agreement(tx, org, spec.case_id, &a, spec.author, now).await?;
            agreed = true;
            continue;
        }
        let g = rng.random_range(0..goals.len());
        let goal = &mut goals[g];
        match roll {
            // A new step of the goal.
            0..35 if goal.next_step < goal.text.steps.len() => {
                let (action, owner) = goal.text.steps[goal.next_step];
                let step = plans::Step {
                    action: action.to_owned(),
                    owner,
                    partner_name: (owner == StepOwner::Partner)
                        .then(|| "France Travail".to_owned()),
                    due_on: Some(now.get().date() + Span::days(rng.random_range(14..60))),
                    status: StepStatus::Planned,
                };
                let id =
                    store_plans::add_step(tx, org, spec.case_id, goal.id, &step, spec.author, now)
                        .await?
                        .expect("the goal is the case's");
                goal.steps.push((id, goal.next_step, 1, StepStatus::Planned));
                goal.next_step += 1;
            }
            // A step moves on: started, then done (now and then set aside).
            0..70
                if goal
                    .steps
                    .iter()
                    .any(|s| matches!(s.3, StepStatus::Planned | StepStatus::InProgress)) =>
            {
                let s = goal
                    .steps
                    .iter_mut()
                    .find(|s| matches!(s.3, StepStatus::Planned | StepStatus::InProgress))
                    .expect("a step to move");
                let to = match s.3 {
                    StepStatus::Planned if rng.random_bool(0.1) => StepStatus::OnHold,
                    StepStatus::Planned => StepStatus::InProgress,
                    _ => StepStatus::Done,
                };
                let (action, owner) = goal.text.steps[s.1];
                let step = plans::Step {
                    action: action.to_owned(),
                    owner,
                    partner_name: (owner == StepOwner::Partner)
                        .then(|| "France Travail".to_owned()),
                    due_on: None,
                    status: to,
                };
                match store_plans::update_step(
                    tx,
                    org,
                    spec.case_id,
                    s.0,
                    s.2,
                    &step,
                    spec.author,
                    now,
                )
                .await?
                {
                    Change::Saved(_) => {
                        s.2 += 1;
                        s.3 = to;
                    }
                    _ => unreachable!("a generated step changes"),
                }
            }
            // A victory, in the person's words.
            0..85 if goal.victories < goal.text.victories.len() => {
                let v = plans::Victory {
                    occurred_on: now.get().date(),
                    person_words: goal.text.victories[goal.victories].to_owned(),
                    goal: Some(goal.id),
                };
                store_plans::add_victory(tx, org, spec.case_id, &v, spec.author, now).await?;
                goal.victories += 1;
            }
            // Achieved, once its steps are done and a victory told.
            0..90
                if !goal.achieved
                    && goal.victories > 0
                    && goal.steps.iter().all(|s| s.3 == StepStatus::Done)
                    && goal.next_step == goal.text.steps.len() =>
            {
                let done = plans::Goal {
                    person_words: goal.text.words.to_owned(),
                    worker_words: goal.text.worker.map(str::to_owned),
                    domains: goal.text.domains.iter().map(|d| (*d).to_owned()).collect(),
                    status: GoalStatus::Achieved,
                };
                match store_plans::update_goal(
                    tx,
                    org,
                    spec.case_id,
                    goal.id,
                    goal.version,
                    &done,
                    spec.author,
                    now,
                )
                .await?
                {
                    Change::Saved(_) => {
                        goal.version += 1;
                        goal.achieved = true;
                    }
                    _ => unreachable!("a generated goal changes"),
                }
            }
            // Otherwise a new assessment: needs ease off, or come back (a relapse).
            _ => {
                let relapse = rng.random_bool(0.25);
                for n in needs.iter_mut() {
                    *n = if relapse {
                        (*n + rng.random_range(0..=2)).min(4)
                    } else {
                        n.saturating_sub(rng.random_range(0..=1))
                    };
                }
                assess(tx, org, spec, &domains, &needs, now, rng).await?;
            }
        }
    }
    Ok(spec.events)
}

const PERSON_WORDS: &[&str] = &[
    "Ça va mieux qu'avant",
    "Je n'y arrive pas toute seule",
    "C'est le plus urgent pour moi",
    "Je m'en occupe, ça avance",
    "Je ne sais pas par où commencer",
];

async fn assess(
    tx: &mut Tx,
    org: OrganisationId,
    spec: &PlanSpec,
    domains: &[&'static str],
    needs: &[u8],
    now: Ts,
    rng: &mut impl Rng,
) -> Result<(), StoreError> {
    let top = needs.iter().copied().max().unwrap_or(0);
    let ratings = domains
        .iter()
        .zip(needs)
        .map(|(d, n)| Rating {
            domain: (*d).to_owned(),
            need: Some(*n),
            person: Some((*n + rng.random_range(0..=1)).saturating_sub(1).min(4)),
            person_words: rng
                .random_bool(0.3)
                .then(|| (*PERSON_WORDS.choose(rng).expect("words")).to_owned()),
            strengths: None,
            priority: *n == top && top >= 3,
        })
        .collect();
    let content = AssessmentContent { assessed_on: now.get().date(), ratings };
    let new = NewAssessment {
        id: AssessmentId::new(),
        organisation_id: org,
        case_id: spec.case_id,
        content: &content,
        by: spec.author,
    };
    assessments::record(tx, &new, now).await?;
    Ok(())
}
