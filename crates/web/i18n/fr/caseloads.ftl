## Référents et portefeuilles, réaffectation, suivis après clôture (ADR 0015).
nav-caseloads = Portefeuilles

caseload-title = Portefeuilles
caseload-workers-heading = Travailleurs sociaux
caseload-workers-caption = Les accompagnements de chaque travailleur social comme référent (ouverts et suspendus), avec les signalements urgents, les actions en retard, les accompagnements comme co-référent et ceux tenus pour un collègue absent
caseload-no-worker = Aucun travailleur social pour l'instant.
caseload-col-worker = Travailleur social
caseload-col-open = Ouverts
caseload-col-paused = Suspendus
caseload-col-flagged = Avec un signalement urgent
caseload-col-overdue = Actions en retard
caseload-col-co-referent = Co-référent
caseload-col-delegated = Tenus pour un collègue
caseload-inactive = (ne travaille plus ici)
caseload-unassigned-heading = Accompagnements sans référent
caseload-unassigned-hint = Accompagnements ouverts ou suspendus dont le référent manque ou ne travaille plus ici.
caseload-unassigned-caption = Accompagnements sans référent, les urgents d'abord
caseload-worker-title = Accompagnements de { $name }
caseload-worker-caption = Accompagnements suivis par { $name } comme référent, les urgents d'abord
caseload-worker-inactive = Cette personne ne travaille plus ici comme travailleur social : confiez ses accompagnements à quelqu'un.
caseload-no-case = Aucun accompagnement.
caseload-col-select = Sélection
caseload-select-case = Sélectionner l'accompagnement de { $name }
caseload-col-person = Personne
caseload-col-flags = Signalements urgents
caseload-delegated-until = Tenu jusqu'au { $date }, puis rendu à { $name }
caseload-reassign-legend = Réaffecter les accompagnements sélectionnés
caseload-reassign-to = À
caseload-reassign-how = Pour combien de temps
caseload-reassign-permanent = Définitivement
caseload-reassign-temporary = Jusqu'à une date, puis retour au référent (une absence)
caseload-reassign-until = Jusqu'au (inclus)
caseload-reassign-until-hint = Seulement pour une réaffectation temporaire. Les accompagnements reviennent d'eux-mêmes le lendemain.
caseload-reassign-submit = Réaffecter
caseload-moved = { $count ->
    [0] Aucun accompagnement n'avait à changer.
    [one] Un accompagnement a été réaffecté.
   *[other] { $count } accompagnements ont été réaffectés.
}
caseload-conflict = { $count ->
    [one] Un des accompagnements sélectionnés a changé depuis que vous avez ouvert la page (ou est clos) : rien n'a été réaffecté. Voici la liste telle qu'elle est maintenant.
   *[other] { $count } des accompagnements sélectionnés ont changé depuis que vous avez ouvert la page (ou sont clos) : rien n'a été réaffecté. Voici la liste telle qu'elle est maintenant.
}
caseload-error-no-case = Sélectionnez au moins un accompagnement.
caseload-error-too-many = Réaffectez au plus { $max } accompagnements à la fois.
caseload-error-to = Choisissez le travailleur social qui reprend les accompagnements.
caseload-error-mode = Choisissez définitivement ou jusqu'à une date.
caseload-error-until-required = Indiquez la date jusqu'à laquelle les accompagnements sont repris.
caseload-error-until-invalid = Cette date n'existe pas ; écrivez-la jj/mm/aaaa.
caseload-error-until-past = La date de fin doit être après aujourd'hui.
caseload-error-until-far = La date de fin doit être dans les { $days } jours ; au-delà, réaffectez définitivement.

home-caseloads-link = Voir les portefeuilles
home-cases-without-referent = { $count ->
    [one] Un accompagnement ouvert n'a pas de référent : désignez-en un.
   *[other] { $count } accompagnements ouverts n'ont pas de référent : désignez-leur un référent.
}
home-follow-ups-heading = Suivis après clôture à faire
home-follow-up-due = { $name } : suivi prévu le { $date }

referents-link = Changer les référents
referents-title = Référents de l'accompagnement de { $name }
referents-referent-hint = Le travailleur social qui répond de l'accompagnement. L'ancien référent ne le lit plus, sauf s'il est dans son équipe ou co-référent.
referents-submit = Enregistrer les référents
referents-saved = Les référents ont été enregistrés.
referents-error-form = Le formulaire est incomplet : réessayez.
referents-yours = Votre choix, non enregistré : { $choice }.

case-event-referents-changed = Référents modifiés
case-event-referents-reassigned = Accompagnement réaffecté
case-event-referents-delegated = Accompagnement repris pendant l'absence du référent
case-event-referents-returned = Rendu à son référent (fin de la reprise)
case-event-follow-up-scheduled = Suivi après clôture prévu
case-event-follow-up-done = Suivi après clôture fait
case-event-follow-up-missed = Suivi après clôture manqué

follow-up-link = Suivis après clôture
follow-up-title = Suivis après clôture de { $name }
follow-up-intro = Après la clôture, des suivis à 3, 6 et 12 mois demandent à la personne comment elle va et si les changements ont tenu.
follow-up-closed-on = Accompagnement clos le { $date }.
follow-up-none = Aucun suivi prévu.
follow-up-caption = Suivis après clôture, par date prévue
follow-up-col-due = Prévu le
follow-up-col-status = État
follow-up-col-done = Fait le
follow-up-col-domains = Le changement a-t-il tenu ?
follow-up-col-actions = Actions
follow-up-status-scheduled = Prévu
follow-up-status-done = Fait
follow-up-status-missed = Manqué
follow-up-outcome-held = A tenu
follow-up-outcome-partly = En partie
follow-up-outcome-not-held = N'a pas tenu
follow-up-outcome-not-asked = Non abordé
follow-up-record-link = Saisir
follow-up-missed-button = Marquer manqué le suivi du { $date }
follow-up-schedule-legend = Prévoir des suivis
follow-up-schedule-hint = Des dates après la clôture (jj/mm/aaaa). Laissez une ligne vide pour l'ignorer.
follow-up-schedule-date = Suivi { $n }
follow-up-schedule-submit = Prévoir
follow-up-record-title = Suivi après clôture de { $name }
follow-up-record-due = Prévu le { $date } ({ $status }).
follow-up-done-on = Date du contact
follow-up-wellbeing = Bien-être
follow-up-wellbeing-hint = Tel que la personne l'évalue, de 0 (très mal) à 10 (très bien).
follow-up-power-to-act = Pouvoir d'agir
follow-up-power-to-act-hint = À quel point la personne se sent capable d'agir sur sa situation, de 0 (pas du tout) à 10 (pleinement).
follow-up-domains-legend = Le changement a-t-il tenu ?
follow-up-domains-hint = Pour chaque domaine de vie dont la personne a parlé.
follow-up-record-submit = Enregistrer le suivi
follow-up-notice-closed = L'accompagnement est clos. Prévoyez ses suivis (dates proposées ci-dessous).
follow-up-notice-scheduled = { $count ->
    [one] Un suivi a été prévu.
   *[other] { $count } suivis ont été prévus.
}
follow-up-notice-recorded = Le suivi a été enregistré.
follow-up-notice-missed = Le suivi a été marqué manqué.
follow-up-conflict = Ce suivi a changé depuis que vous avez ouvert la page (il est maintenant : { $status }). Rien n'a été enregistré ; ce que vous avez saisi est ci-dessous.
follow-up-error-date-required = Indiquez au moins une date.
follow-up-error-date-invalid = Cette date n'existe pas ; écrivez-la jj/mm/aaaa.
follow-up-error-before-closure = Un suivi vient après la clôture.
follow-up-error-too-far = Un suivi vient dans les { $years } ans après la clôture.
follow-up-error-too-many = Prévoyez au plus { $max } suivis.
follow-up-error-future = Le contact n'a pas encore eu lieu : indiquez sa date.
follow-up-error-rating-required = Choisissez une note de 0 à 10.
follow-up-error-rating-invalid = Choisissez une note de 0 à { $max }.
follow-up-error-outcome = Choisissez a tenu, en partie, n'a pas tenu ou non abordé.
follow-up-error-not-closed = Les suivis se prévoient une fois l'accompagnement clos.
