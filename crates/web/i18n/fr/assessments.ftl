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

admin-nav-assessment-levels = Niveaux du diagnostic
home-draft-assessment-new = Diagnostic en cours pour { $name } (brouillon du { $date })
home-draft-assessment-edit = Correction d'un diagnostic de { $name } (brouillon du { $date })

assessment-not-assessed = Non évalué
assessment-list-title = Diagnostics
assessment-list-caption = Diagnostics de l'accompagnement, du plus récent au plus ancien
assessment-new = Nouveau diagnostic
assessment-none = Aucun diagnostic pour l'instant.
assessment-date = Date du diagnostic
assessment-date-hint = Le jour de l'entretien (pas dans le futur).
assessment-by = Par
assessment-by-line = Diagnostic fait par { $name }
assessment-corrected-by = corrigé par { $name }
assessment-col-assessed = Domaines évalués
assessment-col-priorities = Priorités
assessment-count-assessed = { $count ->
    [one] { $count } domaine évalué
   *[other] { $count } domaines évalués
}
assessment-count-priorities = { $count ->
    [one] { $count } priorité
   *[other] { $count } priorités
}
assessment-of = Diagnostic du { $date }
assessment-correct = Corriger ce diagnostic
assessment-compare-with = Comparer avec celui du { $date }
assessment-compare-heading = Comparer deux diagnostics
assessment-compare-from = Avant
assessment-compare-to = Après
assessment-compare-submit = Comparer
assessment-compare-title = Évolution du { $from } au { $to }
assessment-compare-hint = Un besoin plus faible est un progrès (↘) ; un besoin plus fort, une dégradation (↗).
assessment-change-better = en progrès
assessment-change-worse = en dégradation
assessment-change-same = inchangé
assessment-change-new = évalué pour la première fois
assessment-change-dropped = plus évalué
assessment-change-unrated = non évalué
assessment-priority-added = devenu prioritaire
assessment-priority-removed = n'est plus prioritaire
assessment-priority-kept = toujours prioritaire
assessment-evolution-heading = Évolution par domaine
assessment-evolution-hint = Niveau de besoin de 0 (aucun) à 4 (critique) : l'évaluation du professionnel en trait plein avec des ronds, celle de la personne en pointillés avec des carrés.
assessment-evolution-title = Évolution : { $domain }
assessment-evolution-desc = Niveau de besoin (0 aucun, 4 critique) à chaque diagnostic, selon le professionnel et selon la personne.
assessment-table-of = Données : { $domain }
assessment-series-worker = Évaluation du professionnel
assessment-series-person = Avis de la personne
assessment-radar-title = Besoins par domaine de vie
assessment-radar-desc = Niveau de besoin de 0 (au centre) à 4 (au bord) pour chaque domaine évalué.
assessment-radar-desc-compare = Niveau de besoin de 0 (au centre) à 4 (au bord) pour chaque domaine : le diagnostic le plus récent en trait plein, le précédent en pointillés.
assessment-radar-latest = Diagnostic du { $date }
assessment-radar-previous = Précédent, du { $date }
assessment-radar-caption = Plus la forme est petite, plus les besoins sont faibles. Les mêmes données figurent dans le tableau.
assessment-ratings-caption = Évaluation par domaine de vie
assessment-domain = Domaine
assessment-need = Niveau de besoin (professionnel)
assessment-person = Avis de la personne
assessment-priority = Priorité
assessment-priority-yes = Prioritaire
assessment-priority-label = Domaine prioritaire
assessment-person-words = Avec les mots de la personne (facultatif)
assessment-strengths = Points d'appui, ressources
assessment-new-title = Nouveau diagnostic
assessment-edit-title = Corriger le diagnostic
assessment-form-intro = Pour chaque domaine, notez le niveau de besoin et l'avis de la personne sur la même échelle. Laissez « Non évalué » pour un domaine dont vous n'avez pas parlé. Ce que vous tapez est gardé en brouillon sur le serveur.
assessment-save = Enregistrer le diagnostic
assessment-notice-added = Le diagnostic est enregistré.
assessment-notice-corrected = Le diagnostic est corrigé.
assessment-error-date = Indiquez la date du diagnostic.
assessment-error-future = La date du diagnostic ne peut pas être dans le futur.
assessment-error-level = Choisissez un niveau de 0 à 4, ou « Non évalué ».
assessment-error-nothing = Évaluez au moins un domaine (votre niveau ou celui de la personne).
assessment-error-domain = Ce domaine n'est plus proposé par votre organisation.
assessment-error-one-line = Écrivez ce texte sur une seule ligne.
assessment-conflict = Ce diagnostic a été modifié entre-temps. Votre saisie est conservée ci-dessous : vérifiez-la puis enregistrez à nouveau.
assessment-conflict-heading = Le diagnostic tel qu'il est enregistré maintenant (du { $date })
assessment-conflict-caption = Version enregistrée entre-temps
assessment-panel-heading = Diagnostic
assessment-panel-latest = Dernier diagnostic : { $date }
assessment-panel-previous = précédent : { $date }
assessment-panel-table = Niveaux de besoin par domaine (tableau)
assessment-panel-open = Voir les diagnostics et leur évolution

assessment-levels-title = Niveaux de besoin du diagnostic
assessment-levels-intro = Décrivez en quelques mots chaque niveau de besoin, pour tous les domaines ou pour un domaine. Un champ vide reprend le texte par défaut.
assessment-levels-domain = Domaine
assessment-levels-all-domains = Tous les domaines
assessment-levels-choose = Afficher
assessment-levels-for = Descriptions : { $domain }
assessment-levels-fr = Texte en français
assessment-levels-en = Texte en anglais
assessment-levels-default = Par défaut : « { $text } »
assessment-levels-inherited = Pour tous les domaines : « { $text } »
assessment-levels-stored = Enregistré entre-temps : { $text }
assessment-levels-save = Enregistrer les descriptions
assessment-levels-saved = Les descriptions sont enregistrées.
assessment-levels-conflict = Un autre responsable a modifié ces descriptions entre-temps. Votre saisie est conservée : vérifiez puis enregistrez à nouveau.
