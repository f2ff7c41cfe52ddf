# Français — la recherche dans le journal d'audit (web::audit). Chaque clé existe aussi en anglais.
# Chaque action d'audit a un libellé `audit-action-<code>` (ici, ou dans le fichier de la
# fonctionnalité qui ajoute l'action) ; un test unitaire le vérifie.

nav-audit = Journal d'audit
audit-title = Journal d'audit
audit-title-error-prefix = Erreur :
audit-heading = Journal d'audit
audit-heading-instance = Journal d'audit de l'instance
audit-intro-organisation = Tout ce qui est enregistré pour { $organisation } : connexions, dossiers consultés, modifications, exports. Le journal contient des identifiants, jamais le contenu des dossiers.
audit-intro-instance = Ce qui ne concerne aucune structure : structures et comptes créés en ligne de commande, tentatives de connexion avec une adresse inconnue, changements de mot de passe. Les journaux des structures sont consultés par leurs responsables et leurs délégué·es à la protection des données.
audit-link-instance = Rechercher dans le journal d'audit de l'instance
audit-link-organisation = Rechercher dans le journal d'audit de votre structure
audit-criteria-heading = Critères de recherche
audit-criteria-hint = Ne remplissez que ce qui vous est utile ; les évènements doivent correspondre à tous les critères donnés. Les heures sont en UTC.
audit-field-user = Fait par (adresse e-mail)
audit-hint-user = L'adresse du compte qui a agi, par exemple nom@exemple.fr.
audit-field-subject = Élément concerné (identifiant)
audit-hint-subject = L'identifiant d'une personne, d'un dossier ou d'un compte, par exemple 0190f5c2-3a4b-7c8d-9e0f-1a2b3c4d5e6f.
audit-field-action = Action
audit-hint-action = Ce qui a été fait.
audit-action-any = Toutes les actions
audit-field-from = Du
audit-field-to = Au
audit-hint-date = Le jour est inclus (UTC).
audit-search = Rechercher
audit-export = Exporter en CSV
audit-export-hint = L'export contient tous les évènements correspondants (jusqu'à 100 000) et est lui-même enregistré dans le journal d'audit.
audit-results-heading = Évènements trouvés
audit-no-results = Aucun évènement ne correspond à ces critères.
audit-results-caption = { $count ->
    [one] { $count } évènement, du plus récent au plus ancien
   *[other] { $count } évènements, du plus récent au plus ancien
}
audit-results-caption-older = { $count ->
    [one] { $count } évènement plus ancien, du plus récent au plus ancien
   *[other] { $count } évènements plus anciens, du plus récent au plus ancien
}
audit-older = Évènements plus anciens
audit-col-time = Date et heure (UTC)
audit-col-actor = Fait par
audit-col-action = Action
audit-col-subject = Élément concerné
audit-col-client-addr = Adresse du client
audit-col-request-id = N° de requête
audit-col-reason = Motif
audit-actor-system = système / ligne de commande
audit-error-summary = Il y a un problème
audit-error-user-format = Saisissez une adresse e-mail, par exemple nom@exemple.fr.
audit-error-user-unknown-organisation = Aucun compte de votre structure n'a cette adresse e-mail.
audit-error-user-unknown = Aucun compte n'a cette adresse e-mail.
audit-error-subject = Saisissez un identifiant de 36 caractères, par exemple 0190f5c2-3a4b-7c8d-9e0f-1a2b3c4d5e6f.
audit-error-action = Choisissez une action dans la liste.
audit-error-date = Saisissez une date au format AAAA-MM-JJ, par exemple 2026-11-25.
audit-error-to-before-from = La date de fin doit être identique ou postérieure à la date de début.
audit-csv-actor-name = Fait par
audit-csv-actor-email = Adresse e-mail
audit-csv-action-code = Code de l'action
audit-csv-subject-type = Type d'élément
audit-csv-subject-id = Identifiant de l'élément
audit-csv-details = Détails
audit-csv-event-id = Identifiant de l'évènement
audit-csv-capped = { $count ->
    [one] L'export s'arrête après { $count } évènement : précisez les critères (dates) pour exporter la suite.
   *[other] L'export s'arrête après { $count } évènements : précisez les critères (dates) pour exporter la suite.
}

audit-action-login_succeeded = Connexion réussie
audit-action-login_failed = Échec de connexion
audit-action-logout = Déconnexion
audit-action-logout_everywhere = Déconnexion de toutes les sessions
audit-action-session_expired = Session expirée
audit-action-password_set = Mot de passe défini
audit-action-person_file_read = Dossier d'une personne consulté
audit-action-record_created = Élément créé
audit-action-record_updated = Élément modifié
audit-action-record_deleted = Élément supprimé
audit-action-export = Export
audit-action-break_the_glass = Accès d'urgence (bris de glace)
audit-action-organisation_created = Structure créée
audit-action-team_created = Équipe créée
audit-action-user_created = Compte créé
audit-action-membership_changed = Rattachement modifié
audit-action-permission_changed = Droits modifiés
audit-action-token_created = Jeton d'API créé
audit-action-token_used = Jeton d'API utilisé
audit-action-token_revoked = Jeton d'API révoqué
audit-action-admin_action = Action d'administration
audit-purged = Les événements jusqu'au { $date } ont été retirés selon la durée de conservation du journal ({ $count } événements) ; ce que la structure doit pouvoir prouver (effacements, anonymisations, exports, décisions) est gardé, et le journal se vérifie à partir de là.
