# Demandes des personnes sur leurs données et export du droit d'accès (ticket 12 point 4, ADR 0035).
nav-subject-requests = Demandes d'exercice des droits
subject-title = Demandes des personnes sur leurs données
subject-intro = Accès, portabilité, rectification, effacement, limitation ou opposition : chaque demande est enregistrée avec son délai légal, un mois à compter de la réception, prolongeable une fois de deux mois pour un motif communiqué à la personne (RGPD art. 12(3)).
subject-list-heading = Demandes
subject-overdue-count = { $count ->
    [one] Une demande ouverte a dépassé son délai.
   *[other] { $count } demandes ouvertes ont dépassé leur délai.
}
subject-none = Aucune demande enregistrée.
subject-list-caption = Demandes, les ouvertes d'abord, avec leur délai
subject-col-person = Personne
subject-col-kind = Demande
subject-col-received = Reçue le
subject-col-deadline = Délai
subject-col-status = État
subject-extended = prolongé
subject-overdue = En retard
subject-new-heading = Enregistrer une demande
subject-person-query = Nom de la personne
subject-person-query-hint = Nom, date de naissance ou numéro d'allocataire, comme dans la recherche de personnes. Choisissez la personne parmi les résultats, puis enregistrez la demande.
subject-person-choose = Quelle personne ?
subject-find-submit = Chercher la personne
subject-new-submit = Enregistrer la demande
subject-kind-access = Accès (art. 15)
subject-kind-portability = Portabilité (art. 20)
subject-kind-rectification = Rectification (art. 16)
subject-kind-erasure = Effacement (art. 17)
subject-kind-restriction = Limitation (art. 18)
subject-kind-objection = Opposition (art. 21)
subject-status-open = Ouverte
subject-status-answered = Répondue
subject-status-refused = Refusée
subject-error-kind = Choisissez ce que demande la personne.
subject-error-received = Indiquez la date de réception de la demande, aujourd'hui ou avant.
subject-error-person-none = Aucune personne ne correspond à ce nom : vérifiez l'orthographe ou cherchez par date de naissance.
subject-error-person-choose = Choisissez la personne parmi les résultats.
subject-request-title = Demande de { $name }
subject-facts-heading = La demande
subject-extension-reason = Motif de la prolongation
subject-extension-hint = La personne est informée dans le premier mois de la raison pour laquelle la réponse prend plus de temps.
subject-answered-on = Répondue le
subject-handled-by = Répondue par
subject-answer-note = Réponse
subject-answer-note-hint = Ce qui a été fait, ou pourquoi la demande est refusée (obligatoire pour un refus).
subject-export-heading = L'export des données de la personne
subject-export-intro = Tout ce que l'organisme détient sur la personne : sa fiche, ses accompagnements, notes, évaluations, plans, documents, orientations, consentements, aides, budgets, domiciliation, rendez-vous, et qui a consulté son dossier. En JSON avec les fichiers dans un zip, ou en PDF lisible. Les autres membres du ménage n'y figurent que par leur nombre et leur lien. Chaque téléchargement est inscrit au journal d'audit et ci-dessous.
subject-review-heading = À relire avant remise
subject-review-none = Rien dans l'export ne nomme un tiers, autant que Passerelle puisse en juger.
subject-review-caption = { $count ->
    [one] Un passage peut nommer un tiers
   *[other] { $count } passages peuvent nommer des tiers
}
subject-review-row = Ligne
subject-review-third-party-column = Concerne un tiers (représentant, destinataire, contact)
subject-review-names = Nomme { $names }
subject-review-names-someone = Peut nommer quelqu'un d'autre
subject-released-by = Remis le { $date } par { $name }.
subject-draft = Pas encore remis : les téléchargements portent la mention « projet à relire ».
subject-release-heading = Valider la remise de l'export
subject-reviewed = J'ai relu les passages listés ci-dessus et retiré de ce qui est remis ce que la personne ne peut pas recevoir.
subject-release-submit = Valider la remise
subject-download-zip = Télécharger les données (JSON et fichiers, zip)
subject-download-pdf = Télécharger le PDF lisible
subject-exports-caption = Exports faits pour cette demande
subject-exports-when = Quand
subject-exports-format = Format
subject-exports-by = Par
subject-answer-heading = Répondre à la demande
subject-outcome = Issue
subject-answer-submit = Enregistrer la réponse
subject-extend-heading = Prolonger le délai de deux mois
subject-extend-submit = Prolonger
subject-done-created = La demande est enregistrée.
subject-done-extended = Le délai est prolongé de deux mois.
subject-done-answered = La réponse est enregistrée.
subject-done-released = La remise de l'export est validée.
subject-error-reason = Indiquez le motif de la prolongation.
subject-error-refusal-reason = Indiquez le motif du refus.
subject-error-already-extended = Le délai a déjà été prolongé : la loi permet deux mois de plus, une fois.
subject-error-closed = Cette demande a reçu sa réponse : elle ne change plus.
subject-error-before-receipt = La réponse ne peut pas précéder la réception de la demande.
subject-error-too-long = 2 000 caractères au plus.
subject-error-changed = Quelqu'un a modifié cette demande entre-temps : la voici telle qu'elle est maintenant.
subject-error-outcome = Choisissez l'issue.
subject-error-answered-on = Indiquez la date de la réponse, aujourd'hui ou avant.
subject-error-reviewed = Confirmez avoir relu les passages avant de valider la remise.
subject-pdf-title = Vos données détenues par l'organisme
subject-pdf-page = Page {"{"}page{"}"} sur {"{"}pages{"}"}
subject-pdf-banner = Données personnelles — pour la seule personne concernée
subject-pdf-banner-draft = PROJET À RELIRE — à ne pas remettre avant validation
subject-pdf-generated = Établi le { $date }
subject-pdf-intro = Ce document liste tout ce que l'organisme enregistre à votre sujet, comme la loi vous donne le droit de le savoir (RGPD art. 15). Les codes sont ceux des listes de l'organisme. Les membres de votre ménage n'y figurent que par leur nombre et leur lien : leurs propres données leur appartiennent.
subject-pdf-household = Votre ménage
subject-pdf-household-members = Membres aujourd'hui
subject-pdf-household-own = Votre lien
subject-pdf-household-others = Liens des autres membres
subject-pdf-none = Rien d'enregistré.
subject-pdf-empty = Rien d'enregistré dans
subject-pdf-access = Qui a consulté votre dossier
subject-pdf-access-when = Quand
subject-pdf-access-what = Quoi
subject-pdf-access-who = Qui
subject-pdf-review = Passages relus pour les tiers
subject-pdf-review-table = Où
subject-pdf-review-column = Champ
subject-pdf-review-why = Pourquoi
subject-pdf-files = Fichiers remis avec ce document
subject-table-aid-requests = Demandes d'aide
subject-table-aid-steps = Étapes des demandes d'aide
subject-table-appointment-reminders = Rappels de rendez-vous
subject-table-appointments = Rendez-vous
subject-table-assessment-drafts = Évaluations en cours de rédaction
subject-table-assessment-ratings = Cotations des évaluations par domaine de vie
subject-table-assessments = Évaluations
subject-table-budget-lines = Lignes de budget
subject-table-budget-members = Votre place dans les budgets du ménage
subject-table-budgets = Budgets du ménage
subject-table-case-delegations = Remplacements de votre référent
subject-table-case-emergency-access = Accès d'urgence à votre accompagnement
subject-table-case-entries = Notes et événements de vos accompagnements
subject-table-case-entry-versions = Versions antérieures des notes
subject-table-case-follow-up-domains = Suivis après l'accompagnement par domaine de vie
subject-table-case-follow-ups = Suivis après l'accompagnement
subject-table-case-ties = Personnes et services autour de vous (écocarte)
subject-table-cases = Vos accompagnements
subject-table-consents = Vos consentements
subject-table-debts = Dettes du ménage
subject-table-document-shares = Liens de partage de documents
subject-table-documents = Documents
subject-table-domiciliation-mail = Courrier gardé pour vous
subject-table-domiciliations = Domiciliation (adresse postale)
subject-table-household-members = Vos appartenances à un ménage
subject-table-households = Vos ménages
subject-table-note-drafts = Notes en cours de rédaction
subject-table-person-distinct = Fiches confirmées comme une autre personne
subject-table-person-merges = Fusions de fiches en double
subject-table-person-resources = Vos ressources
subject-table-person-revisions = Versions antérieures de votre fiche
subject-table-persons = Votre fiche
subject-table-plan-agreements = Accords sur votre plan d'action
subject-table-plan-goal-domains = Domaines de vie de vos objectifs
subject-table-plan-goals = Objectifs de votre plan d'action
subject-table-plan-steps = Étapes de votre plan d'action
subject-table-plan-victories = Victoires
subject-table-referral-items = Informations partagées avec des partenaires
subject-table-referral-steps = Étapes des orientations
subject-table-referrals = Orientations vers des partenaires
subject-table-retention-reviews = Examen de la durée de conservation du dossier
subject-table-subject-request-exports = Exports faits pour vos demandes
subject-table-subject-requests = Vos demandes sur vos données
subject-table-tasks = Tâches vous concernant
subject-table-urgency-flags = Urgences
subject-table-visits = Passages à l'accueil
subject-table-voice-notes = Notes vocales
api-tokens-scope-privacy-export = Exporter les données d'une personne pour sa demande d'accès

# Effacement sur demande (ticket 12 point 5, ADR 0036).
erasure-title = Effacer le dossier de la personne
erasure-offer = La personne demande l'effacement de ses données. Vérifiez d'abord qu'aucune obligation légale n'impose de les conserver ; la page suivante indique ce qui serait effacé, ou pourquoi ce n'est pas possible maintenant.
erasure-open = Voir ce qui serait effacé
erasure-going-heading = Ce qui sera effacé
erasure-intro = Tout ce qui suit est supprimé définitivement, en une fois, sans retour possible : les lignes, les fichiers, les entrées de l'index de recherche, les brouillons et le journal des exports. Les sauvegardes ne sont pas modifiées : elles expirent au bout de leur durée de conservation (35 jours par défaut).
erasure-persons = { $count ->
    [one] Une personne (la personne qui demande)
   *[other] { $count } personnes : la personne qui demande, et les membres du foyer qui ne sont pas accompagnés eux-mêmes ou les fiches fusionnées dans la sienne
}
erasure-households = { $count ->
    [0] Aucun foyer : chacun des siens compte encore un membre accompagné
    [one] Un foyer, où il ne reste plus personne
   *[other] { $count } foyers, où il ne reste plus personne
}
erasure-files = { $count ->
    [0] Aucun fichier
    [one] Un fichier (document ou enregistrement vocal)
   *[other] { $count } fichiers (documents et enregistrements vocaux)
}
erasure-going-caption = Lignes supprimées, par nature de données
erasure-col-what = Données
erasure-col-rows = Lignes
erasure-kept = Ce qui reste : le journal des accès, dont les événements ne désignent le dossier que par son numéro, avec un événement de plus, « effacement du sujet n° » ; et cette demande, sans le nom de la personne, comme preuve qu'elle a reçu une réponse.
erasure-confirm-heading = Confirmer l'effacement
erasure-confirm = J'ai vérifié que la loi permet cet effacement, et je comprends qu'il est définitif.
erasure-submit = Effacer définitivement le dossier
erasure-refused-heading = Le dossier ne peut pas être effacé maintenant
erasure-refused-next = Revenez sur cette page quand ces motifs ne tiendront plus. Si la loi impose de conserver les données, répondez à la demande par un refus motivé.
erasure-back = Retour à la demande
erasure-refusal-open-case = Un accompagnement de la personne est encore ouvert ou suspendu : clôturez-le d'abord (l'opposition de la personne est un motif de clôture).
erasure-refusal-legal-hold = Le dossier fait l'objet d'un gel légal sur la liste de revue de la conservation (obligation légale ou contentieux).
erasure-refusal-unfinished-aid = Une demande d'aide n'est pas terminée (en préparation, décidée mais non versée, ou ajournée) : la décision et le versement doivent rester traçables jusqu'à son terme.
erasure-refusal-current-domiciliation = La personne a une domiciliation en cours : l'organisme est son adresse postale jusqu'à son terme.
erasure-error-confirm = Cochez la case pour confirmer l'effacement.
erasure-error-refused = Quelque chose a changé entre-temps : le dossier ne peut plus être effacé maintenant.
erasure-erased-person = Personne effacée
erasure-erased-at = Dossier effacé le
subject-done-erased = Le dossier de la personne est effacé et la demande a reçu sa réponse.
subject-table-form-drafts = Formulaires en cours de saisie
subject-table-notifications = Notifications
subject-table-person-terms = Index de recherche
subject-table-federation-packages = Paquets envoyés à d'autres instances
audit-action-erased = Dossier effacé sur demande
