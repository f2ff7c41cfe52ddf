# Tâches, rappels et « ma journée » (ticket 9, tranche a).
nav-my-day = Ma journée
nav-tasks = Tâches
my-day-title = Ma journée
my-day-link = Ma journée
my-day-all-tasks = Toutes mes tâches
my-day-nothing = Rien ne vous attend aujourd'hui : aucune tâche à échéance, aucun signalement en attente, aucun brouillon inachevé.
my-day-flags-heading = { $count ->
    [one] Un signalement d'urgence en attente
   *[other] { $count } signalements d'urgence en attente
}
my-day-flag-waiting = pas encore pris en compte, signalé le { $date }
my-day-flag-review = pris en compte, à réexaminer
my-day-overdue-heading = { $count ->
    [one] Une tâche en retard
   *[other] { $count } tâches en retard
}
my-day-today-heading = { $count ->
    [one] Une tâche pour aujourd'hui
   *[other] { $count } tâches pour aujourd'hui
}
my-day-soon-heading = { $count ->
    [one] Une tâche dans la semaine
   *[other] { $count } tâches dans la semaine
}
my-day-undated-heading = { $count ->
    [one] Une tâche sans date
   *[other] { $count } tâches sans date
}
my-day-later = { $count ->
    [one] Une autre tâche arrive plus tard : voir toutes mes tâches
   *[other] { $count } autres tâches arrivent plus tard : voir toutes mes tâches
}
task-list-title = Tâches
task-new = Ajouter une tâche
task-new-title = Nouvelle tâche
task-mine-heading = { $count ->
    [0] Confiées à moi
    [one] Confiées à moi (une)
   *[other] Confiées à moi ({ $count })
}
task-mine-none = Aucune tâche en cours ne vous est confiée.
task-given-heading = { $count ->
    [0] Confiées par moi à des collègues
    [one] Confiées par moi à des collègues (une)
   *[other] Confiées par moi à des collègues ({ $count })
}
task-given-none = Vous n'avez confié aucune tâche en cours à un ou une collègue.
task-closed-heading = Faites ou annulées ces 14 derniers jours
task-closed-none = Aucune tâche close ces 14 derniers jours.
task-due-on = Pour le { $date }
task-no-due = Sans échéance
task-case-link = Accompagnement
task-for = pour { $name }
task-done-plain = Marquer comme faite
task-cancel-plain = Annuler la tâche
task-reopen-plain = Rouvrir
task-urgency-overdue = En retard
task-urgency-today = Aujourd'hui
task-origin-system = Créée par Passerelle (rappel)
task-origin-by = Ajoutée par { $name }, { $date }
task-closed-by-system = Close par Passerelle, { $date } : ce qu'elle rappelait est fait
task-done-by = Faite par { $name }, { $date }
task-cancelled-by = Annulée par { $name }, { $date }
task-facts-heading = À propos de cette tâche
task-status = État
task-status-open = À faire
task-status-done = Faite
task-status-cancelled = Annulée
task-due = Échéance
task-due-hint = Facultative. Par exemple 15/12/2026.
task-assignee = Pour
task-assignee-me = Moi ({ $name })
task-person = Personne
task-origin = Origine
task-closed = Close
task-why = Pourquoi
task-why-automatic = Passerelle a créé ce rappel d'après ce qu'il a vu dans les dossiers. Il se ferme tout seul quand le travail est fait ; vous pouvez aussi le marquer comme fait ou le confier à un ou une collègue.
task-hand-over = Confier à
task-hand-over-button = Confier
task-edit-heading = Modifier la tâche
task-title = À faire
task-details = Précisions
task-details-hint = Facultatives. Seules les personnes qui voient la tâche les lisent.
task-save = Enregistrer la tâche
task-create = Ajouter la tâche
task-conflict-title = Quelqu'un a modifié cette tâche pendant votre saisie
task-conflict-text = Rien n'a été enregistré. Ce qui est enregistré maintenant figure à côté de votre saisie, qui reste dans le formulaire : vérifiez et enregistrez de nouveau.
task-conflict-caption = La tâche enregistrée et votre saisie
task-error-title-required = Indiquez ce qu'il faut faire.
task-error-title-long = { $max } caractères au plus.
task-error-details-long = { $max } caractères au plus.
task-error-due-invalid = Cette date n'existe pas. Écrivez-la ainsi : 15/12/2026.
task-error-due-far = Une échéance à plus de { $years } ans n'est pas acceptée.
task-error-assignee = Cette tâche ne peut pas être confiée à ce ou cette collègue (plus membre, ou sans accès à cet accompagnement).
task-notice-created = La tâche a été ajoutée.
task-notice-saved = La tâche a été enregistrée.
task-notice-done = La tâche est faite.
task-notice-cancelled = La tâche a été annulée.
task-notice-reopened = La tâche est de nouveau à faire.
task-notice-assigned = La tâche a été confiée.
task-notice-stale = La tâche a changé entre-temps (quelqu'un d'autre s'en est occupé) : rien n'a été fait. La voici telle qu'elle est maintenant.
task-case-heading = { $count ->
    [0] Tâches
    [one] Tâches (une en cours)
   *[other] Tâches ({ $count } en cours)
}
task-case-none = Aucune tâche en cours pour cet accompagnement.
task-case-add = Ajouter une tâche pour cet accompagnement
task-kind-manual = Tâche
task-kind-follow-up-due = Suivi après clôture à faire
task-kind-flag-unacknowledged = Signalement d'urgence non pris en compte
task-kind-assessment-old = Diagnostic à actualiser
task-kind-document-expiring = Document bientôt expiré
task-kind-referral-unanswered = Orientation restée sans réponse
task-action-follow-up-due = Ouvrir les suivis après clôture
task-action-flag-unacknowledged = Voir le signalement sur la fiche de la personne
task-action-assessment-old = Faire un nouveau diagnostic
task-action-document-expiring = Ouvrir l'accompagnement
task-action-referral-unanswered = Ouvrir l'accompagnement
task-kind-domiciliation-renewal = Domiciliation à renouveler
task-kind-aid-awaiting-documents = Demande d'aide en attente de justificatifs
task-action-aid-awaiting-documents = Ouvrir la demande d'aide et ses justificatifs
task-kind-domiciliation-mail-waiting = Courrier en attente à l'accueil
task-action-domiciliation-renewal = Ouvrir la domiciliation
task-action-domiciliation-mail-waiting = Ouvrir la domiciliation et son courrier
case-event-task-done = Tâche faite
notification-task_assigned = { $actor } vous a confié une tâche ({ $organisation }).
notification-tasks_due = { $count ->
    [one] Une de vos tâches arrive à échéance aujourd'hui ou est en retard ({ $organisation }).
   *[other] { $count } de vos tâches arrivent à échéance aujourd'hui ou sont en retard ({ $organisation }).
}
mail-kind-task_assigned = Un ou une collègue me confie une tâche
mail-kind-tasks_due = Mes tâches à échéance (une fois par jour)
