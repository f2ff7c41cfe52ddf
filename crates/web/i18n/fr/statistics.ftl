## Statistiques issues du travail (issue 11, ADR 0037).
nav-statistics = Statistiques

stats-title = Statistiques d'activité
stats-intro = Chaque chiffre vient de ce qui a été noté pendant le travail : accompagnements, entretiens, rendez-vous, orientations, documents. Rien à ressaisir.
stats-filters = Période et périmètre
stats-from = Du
stats-to = Au
stats-team = Équipe
stats-worker = Travailleur social
stats-worker-hint = Les accompagnements dont il ou elle est référent·e.
stats-all-teams = Toutes les équipes
stats-all-workers = Tous
stats-show = Afficher
stats-error-from = Indiquez la date de début sous la forme jj/mm/aaaa.
stats-error-to = Indiquez la date de fin sous la forme jj/mm/aaaa.
stats-error-reversed = La date de fin est avant la date de début.
stats-error-too-long = La période ne peut pas dépasser { $years } ans.
stats-scope-organisation = Toute la structure
stats-scope-my-teams = Mes équipes
stats-scope-my-caseload = Mon portefeuille
stats-scope-team = Équipe { $name }
stats-scope-worker = Portefeuille de { $name }
stats-period = du { $from } au { $to }
stats-drill-hint = Chaque nombre en lien mène à la liste des accompagnements qui le composent.

stats-cases-heading = Personnes et accompagnements
stats-cases-caption = Personnes, ménages et accompagnements de la période
stats-persons = Personnes accompagnées
stats-households = Ménages accompagnés
stats-cases-followed = Accompagnements en cours pendant la période
stats-cases-opened = Accompagnements ouverts
stats-cases-closed = Accompagnements clos
stats-closures-caption = Accompagnements clos par motif
stats-col-reason = Motif de clôture
stats-col-cases = Accompagnements
stats-no-reason = Sans motif indiqué

stats-contacts-heading = Contacts avec les personnes
stats-no-contact = Aucun contact noté sur la période.
stats-contacts-caption = Contacts par type, avec le temps noté
stats-contacts-chart-title = Contacts par type
stats-contacts-chart-desc = Nombre de contacts de la période pour chaque type ; le tableau qui suit donne les mêmes nombres.
stats-col-type = Type de contact
stats-col-contacts = Contacts
stats-col-time = Temps noté
stats-col-with-duration = Dont avec durée
stats-contacts-total = Total des contacts
stats-minutes = { $minutes } min
stats-hours = { $hours } h { $minutes }

stats-flags-heading = Signalements d'urgence
stats-flags-raised = Urgences signalées
stats-flags-acknowledged = Prises en compte
stats-flags-ack-average = Délai moyen de prise en compte
stats-flags-within-day = Prises en compte en moins d'un jour
stats-of-acknowledged = des urgences prises en compte
stats-share = { $percent } % ({ $part } sur { $whole } { $of })
stats-no-denominator = rien à compter sur la période

stats-appointments-heading = Rendez-vous
stats-appointments-caption = Rendez-vous de la période par état
stats-col-state = État
stats-col-appointments = Rendez-vous
stats-appointments-kept = Rendez-vous honorés
stats-of-kept-or-missed = des rendez-vous honorés ou manqués

stats-referrals-heading = Orientations vers les partenaires
stats-no-referral = Aucune orientation envoyée sur la période.
stats-referrals-caption = Orientations envoyées par service partenaire
stats-col-service = Service
stats-col-partner = Partenaire
stats-col-sent = Envoyées
stats-col-accepted = Acceptées
stats-col-declined = Refusées
stats-col-acceptance = Taux d'acceptation
stats-col-answer-time = Délai moyen de réponse
stats-of-decisions = des réponses
stats-no-answer = pas encore de réponse

stats-documents-heading = Documents
stats-documents = Documents classés dans les dossiers

stats-figure-followed = Accompagnements en cours
stats-figure-opened = Accompagnements ouverts
stats-figure-closed = Accompagnements clos
stats-figure-contacts = Accompagnements avec un contact
stats-figure-flags = Accompagnements dont la personne a eu une urgence signalée
stats-figure-appointments = Accompagnements avec un rendez-vous
stats-figure-referrals = Accompagnements avec une orientation
stats-figure-documents = Accompagnements avec un document classé
stats-back = Retour aux statistiques
stats-behind-total = { $count ->
    [0] Aucun accompagnement derrière ce chiffre.
    [one] Un accompagnement derrière ce chiffre.
   *[other] { $count } accompagnements derrière ce chiffre.
}
stats-behind-hidden = { $count ->
    [one] Un d'entre eux ne vous est pas ouvert : il est compté, pas nommé.
   *[other] { $count } d'entre eux ne vous sont pas ouverts : ils sont comptés, pas nommés.
}
stats-behind-more = { $count ->
    [one] Un de plus n'est pas affiché : réduisez la période ou le périmètre.
   *[other] { $count } de plus ne sont pas affichés : réduisez la période ou le périmètre.
}
stats-behind-caption = Les accompagnements, du plus ancien au plus récent
stats-col-person = Personne
stats-col-team = Équipe
stats-col-referent = Référent·e
stats-col-opened = Ouvert le
stats-col-status = État
stats-closed-on = Clos le { $date }

stats-col-other = Sans réponse ou autre
stats-all-services = Tous les services
stats-export-heading = Exporter pour l'extérieur de l'équipe
stats-export-hint = Les mêmes chiffres, sans aucun nom ; les effectifs de moins de 5 sont masqués, avec ce qu'il faut d'autres cases pour qu'on ne puisse pas les retrouver par les totaux. Chaque export est tracé.
stats-export-csv = Télécharger en CSV
stats-export-xlsx = Télécharger en XLSX (tableur)
stats-export-suppressed = masqué
stats-export-suppressed-note = « masqué » : effectif de moins de { $threshold }, ou masqué pour qu'il ne puisse pas être déduit des totaux (secret statistique).
stats-export-col-section = Rubrique
stats-export-col-item = Chiffre
stats-export-col-count = Effectif

stats-outcomes-heading = Ce qui a changé pour les personnes
stats-outcomes-hint = L'évolution des besoins entre la première et la dernière évaluation, les objectifs atteints, les petites victoires, et ce qui a tenu après la fin de l'accompagnement. Chaque part dit sur combien elle est calculée.
stats-no-reassessment = Aucun domaine n'a encore été évalué deux fois dans ces accompagnements : l'évolution apparaîtra avec les réévaluations.
stats-domains-caption = Évolution du niveau de besoin par domaine de vie, entre la première et la dernière évaluation
stats-col-domain = Domaine de vie
stats-col-rated-twice = Évalués deux fois ou plus
stats-col-improved = Besoin en baisse
stats-col-same = Inchangé
stats-col-worsened = Besoin en hausse
stats-share-short = { $percent } % ({ $part })
stats-goals = Objectifs atteints sur la période
stats-goals-achieved = { $achieved } (objectifs des plans : { $goals })
stats-victories = Petites victoires notées
stats-victories-count = { $victories } dans { $cases } accompagnement(s)
stats-checks = Points de suivi après la fin
stats-checks-count = { $done } faits sur { $due } prévus sur la période ({ $missed } sans nouvelles)
stats-wellbeing = Bien-être aux points de suivi (sur 10)
stats-power = Pouvoir d'agir aux points de suivi (sur 10)
stats-average = { $value } en moyenne, sur { $count } réponse(s)
stats-decimal-sign = ,
stats-held-caption = Ce qui a tenu, par domaine, aux points de suivi faits

# La liste des accompagnements derrière un chiffre, téléchargée.
stats-col-reference = Référence de l'accompagnement
stats-list-export-title = Télécharger cette liste
stats-list-export-hint-named = Le fichier liste les accompagnements ci-dessus (ceux que vous pouvez ouvrir). Par défaut, il ne nomme personne : chaque accompagnement est désigné par sa référence.
stats-list-export-hint-unnamed = Le fichier liste les accompagnements ci-dessus par leur référence, sans le nom des personnes.
stats-list-export-names-legend = Nom des personnes
stats-list-export-names = Mettre le nom des personnes dans le fichier
stats-list-export-confirm = Je confirme avoir besoin de ces noms pour le suivi de ces accompagnements et que le fichier restera dans le service, sous le secret professionnel
stats-list-export-confirm-missing = Pour mettre les noms dans le fichier, cochez la confirmation.
stats-list-export-button = Télécharger la liste (CSV)
stats-list-export-named = Avec le nom des personnes, à la demande d'un ou d'une responsable qui l'a confirmé (secret professionnel).
stats-list-export-unnamed = Sans le nom des personnes : chaque accompagnement est désigné par sa référence.
stats-list-export-not-listed = { $count ->
    [one] Un autre accompagnement derrière ce chiffre ne vous est pas ouvert : compté, non listé.
   *[other] { $count } autres accompagnements derrière ce chiffre ne vous sont pas ouverts, ou dépassent la limite du fichier : comptés, non listés.
}
