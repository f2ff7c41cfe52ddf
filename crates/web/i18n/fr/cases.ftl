## Accompagnements : listes de valeurs, journal.

list-name-contact_medium = Types de contact et de note
list-name-orientation_source = Origines de l'orientation
list-name-case_closure_reason = Motifs de fin d'accompagnement

list-contact_medium-in_person_appointment = Entretien sur rendez-vous
list-contact_medium-walk_in = Accueil sans rendez-vous
list-contact_medium-phone = Téléphone
list-contact_medium-home_visit = Visite à domicile
list-contact_medium-external_appointment = Rendez-vous extérieur, accompagnement
list-contact_medium-postal_mail = Courrier
list-contact_medium-email = Courriel
list-contact_medium-video_call = Visioconférence
list-contact_medium-third_party = Entretien avec un tiers (sans la personne)
list-contact_medium-text_message = SMS, messagerie
list-contact_medium-group_session = Action collective
list-contact_medium-other = Autre

list-orientation_source-self_referral = Démarche spontanée
list-orientation_source-elected_official = Élu(e)
list-orientation_source-departement = Département
list-orientation_source-association = Association
list-orientation_source-third_party_report = Signalement d'un tiers
list-orientation_source-official_office = Cabinet (ministre, préfet)
list-orientation_source-caf_msa = CAF / MSA
list-orientation_source-france_travail = France Travail
list-orientation_source-mission_locale = Mission locale
list-orientation_source-health_service = Hôpital, médecin, PASS
list-orientation_source-social_landlord = Bailleur social
list-orientation_source-school = Établissement scolaire
list-orientation_source-justice = Justice (SPIP, PJJ, tribunal)
list-orientation_source-siao_115 = SIAO / 115
list-orientation_source-other = Autre

list-case_closure_reason-goals_achieved = Objectifs atteints
list-case_closure_reason-autonomy = Autonomie retrouvée
list-case_closure_reason-handed_over = Relais pris par un partenaire
list-case_closure_reason-moved_away = Déménagement hors territoire
list-case_closure_reason-person_ended = Fin à la demande de la personne
list-case_closure_reason-lost_contact = Perte de contact, injoignable
list-case_closure_reason-not_eligible = Ne relève plus du dispositif
list-case_closure_reason-entered_institution = Entrée en établissement
list-case_closure_reason-protection_officer = Relais par un mandataire
list-case_closure_reason-deceased = Décès
list-case_closure_reason-other = Autre

audit-action-case_file_read = Accompagnement consulté

## Pages.

case-title = Accompagnement de { $name }
case-status = Statut
case-status-open = En cours
case-status-paused = Suspendu
case-status-closed = Clos
case-opened = Ouvert le
case-closed = Clos
case-closed-on = le { $date } : { $reason }
case-team = Équipe
case-referent = Référent·e
case-co-referents = Co-référent·es
case-no-referent = Sans référent·e
case-reason = Motif de l'accompagnement
case-reason-hint = Pourquoi la personne est accompagnée, tel que convenu avec elle.
case-source = Orientée par
case-source-none = Non précisé
case-choose = Choisir…
case-summary-heading = L'accompagnement
case-identity-heading = La personne et son foyer
case-member-name = Nom
case-member-relationship = Lien
case-member-age = Âge
case-last-contacts = Derniers contacts
case-no-contact = Aucun contact enregistré pour l'instant.
case-actions-heading = Agir sur l'accompagnement
case-change-status = Nouveau statut
case-action-open = Rouvrir / reprendre
case-action-paused = Suspendre
case-action-closed = Clore
case-closure-reason = Motif de fin
case-closure-reason-hint = Nécessaire seulement pour clore l'accompagnement.
case-change-status-submit = Changer le statut
case-timeline = Chronologie
case-filter-label = Afficher seulement
case-filter-all = Tout
case-filter-submit = Afficher
case-metadata-only = Vous voyez le statut et l'attribution de l'accompagnement ; ses notes sont réservées aux personnes qui le suivent.
case-timeline-none = Rien dans la chronologie pour l'instant.
case-timeline-none-filtered = Aucune note de ce type.
case-timeline-older = Entrées plus anciennes
case-event-opened = Accompagnement ouvert
case-event-reopened = Accompagnement rouvert
case-event-paused = Accompagnement suspendu
case-event-closed = Accompagnement clos : { $reason }
case-entry-by = par { $name }
case-note-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
case-note-at-place = à { $place }
case-note-with = avec { $participants }
case-note-deleted = Supprimée par { $name } le { $date } : { $reason }
case-level-referents = Référent·es seulement
case-level-author = Auteur·rice seulement
case-level-normal-choice = Normale : toutes les personnes qui suivent l'accompagnement
case-level-referents-choice = Référent·es seulement : le ou la référent·e et les co-référent·es
case-level-author-choice = Auteur·rice seulement : moi seul·e
case-note-type-case_review = Synthèse, réunion d'équipe
case-note-new = Écrire une note
case-note-correct = Corriger
case-note-delete = Supprimer
case-note-versions = Versions précédentes
case-notice-opened = L'accompagnement est ouvert.
case-notice-status = Le statut a été changé.
case-notice-note-saved = La note est enregistrée.
case-notice-note-corrected = La note est corrigée ; son texte précédent est conservé.
case-notice-note-deleted = La note est supprimée.
case-conflict = Quelqu'un a modifié cet accompagnement depuis que vous avez ouvert la page : le voici tel qu'il est maintenant. Rien n'a été changé.
case-error-reason = Indiquez pourquoi la personne est accompagnée.
case-error-team = Choisissez l'équipe qui suit l'accompagnement.
case-error-referent = Choisissez un·e référent·e parmi les travailleur·ses sociaux·ales de la structure.
case-error-referent-co = Cette personne est déjà référente : décochez-la parmi les co-référent·es.
case-error-status = Choisissez un statut possible pour cet accompagnement.
case-error-closure-reason = Choisissez le motif de fin de l'accompagnement.

case-person-heading = Accompagnements
case-person-none = Aucun accompagnement.
case-person-caption = Les accompagnements de la personne
case-link = Accompagnement ouvert le { $date }
case-followed-by = Suivie par { $referent } ({ $team }) depuis le { $date }.
case-open-action = Ouvrir un accompagnement
case-open-title = Ouvrir un accompagnement
case-open-heading = Ouvrir un accompagnement pour { $name }
case-open-submit = Ouvrir l'accompagnement
case-with-household = L'accompagnement concerne aussi le foyer ({ $members })

case-note-new-title = Nouvelle note
case-note-edit-title = Corriger une note
case-note-date = Date
case-note-time = Heure
case-note-duration = Durée (minutes)
case-note-type = Type
case-note-place = Lieu
case-note-participants = Participant·es
case-note-level = Qui peut la lire
case-note-body = Note
case-note-body-hint = Ligne vide : nouveau paragraphe. **gras**, *italique*, et les lignes commençant par « - » forment une liste.
case-note-save = Enregistrer la note
case-note-conflict = Cette note a changé depuis l'ouverture du formulaire (dans un autre onglet ?). Son texte actuel est affiché au-dessus ; le vôtre est conservé dessous. Enregistrer à nouveau remplace le texte actuel.
case-note-conflict-heading = La note telle qu'elle est maintenant
case-draft-saved = Brouillon enregistré à { $date }.
case-draft-restored = Brouillon restauré du { $date } : ce que vous aviez saisi est revenu. Enregistrez la note pour le garder.
case-draft-waiting = Vous avez un brouillon non terminé du { $date }.
case-error-date = Indiquez la date du contact.
case-error-time = Indiquez l'heure au format hh:mm.
case-error-future = Cette date est dans le futur : une note rend compte de ce qui a eu lieu.
case-error-duration = Une durée en minutes, de 0 à { $max }.
case-error-type = Choisissez le type de note.
case-error-level = Choisissez qui peut lire la note.
case-error-body = Écrivez la note.
case-error-delete-reason = Indiquez pourquoi la note est supprimée : le motif reste dans la chronologie.
case-note-delete-title = Supprimer une note
case-note-delete-reason = Pourquoi la supprimer ?
case-note-delete-hint = Le texte de la note disparaît ; qui l'a supprimée, quand et pourquoi restent dans la chronologie.
case-note-delete-submit = Supprimer la note
case-back = Retour à l'accompagnement
case-versions-title = Versions précédentes de la note
case-version-current = Texte actuel (depuis le { $date })
case-version-earlier = Écrit le { $date }, remplacé le { $replaced }

home-drafts-heading = Brouillons non terminés
home-draft-new = Nouvelle note pour { $name } (enregistrée le { $date })
home-draft-edit = Correction d'une note pour { $name } (enregistrée le { $date })

# Accès d'urgence (bris de glace).
case-emergency-link = Accès d'urgence
case-emergency-title = Accès d'urgence
case-emergency-heading = Accès d'urgence à l'accompagnement de { $name }
case-emergency-intro = Vous n'accompagnez pas cette personne. En cas d'urgence, vous pouvez lire son accompagnement pendant 24 heures (les notes de confidentialité normale, sans rien écrire). Votre motif est enregistré dans le journal d'audit et la ou le référent·e est prévenu·e.
case-emergency-reason = Motif de l'accès d'urgence
case-emergency-reason-hint = Entre 10 et 500 caractères.
case-emergency-submit = Accéder en urgence
case-emergency-error-required = Indiquez le motif de l'accès d'urgence.
case-emergency-error-short = Le motif doit compter au moins { $min } caractères.
case-emergency-banner = Accès d'urgence jusqu'au { $until }, motivé : { $reason }
notification-case_emergency_access = { $actor } a ouvert en urgence un accompagnement que vous suivez ({ $organisation }). Le motif est dans le journal d'audit.
mail-kind-case_emergency_access = Quelqu'un ouvre en urgence un accompagnement que je suis

# Événements des autres fonctions au fil du suivi (case-event-<type>-<détail>), et les groupes du filtre.
case-event-open = Ouvrir
case-filter-status = Changements de statut
case-filter-assessment = Diagnostics
case-filter-plan = Changements du plan d'action
case-filter-victory = Victoires
case-filter-referents = Changements de référent
case-filter-follow-up = Suivis après clôture
