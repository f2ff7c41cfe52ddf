## Diagnostics (évaluations par domaine de vie) et radar.

list-name-life_domain = Domaines de vie (diagnostic)
list-life_domain-housing = Logement
list-life_domain-employment = Emploi, insertion
list-life_domain-budget = Ressources, budget
list-life_domain-health = Santé
list-life_domain-mental_health = Santé mentale
list-life_domain-family = Famille, parentalité
list-life_domain-justice = Justice
list-life_domain-education = Éducation, formation
list-life_domain-mobility = Mobilité
list-life_domain-social_life = Vie sociale, isolement
list-life_domain-rights = Accès aux droits
list-life_domain-food = Alimentation
list-life_domain-digital = Numérique
list-life_domain-french_language = Maîtrise du français

case-event-assessment-added = Diagnostic enregistré
case-event-assessment-corrected = Diagnostic corrigé

assessment-level-0 = 0 — Aucun besoin
assessment-level-1 = 1 — Besoin léger
assessment-level-2 = 2 — Besoin modéré
assessment-level-3 = 3 — Besoin important
assessment-level-4 = 4 — Besoin critique
assessment-level-0-hint = Pas de difficulté, la situation est stable.
assessment-level-1-hint = Une petite difficulté, la personne y fait face seule.
assessment-level-2-hint = Une difficulté qui demande un appui ponctuel.
assessment-level-3-hint = Une difficulté sérieuse qui demande un accompagnement suivi.
assessment-level-4-hint = Une situation d'urgence ou de danger, à traiter sans attendre.
