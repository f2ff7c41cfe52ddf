# Administration d'une structure par son ou sa responsable : membres et équipes (web::admin).

nav-administration = Administration
admin-nav-label = Administration
admin-nav-users = Membres
admin-nav-teams = Équipes
admin-nav-settings = Paramètres

admin-users-title = Membres
admin-users-heading = Membres de la structure
admin-users-intro = Toutes les personnes qui travaillent dans cette structure, avec leur rôle et leurs équipes. Ouvrez la fiche d'un membre pour changer son rôle ou ses équipes, suspendre son accès ou réinitialiser sa vérification en deux étapes.
admin-users-count = { $count ->
    [one] Un membre
   *[other] { $count } membres
}
admin-users-caption-newest = Membres de la structure, les plus récents d'abord
admin-users-caption-name = Membres de la structure, par nom
admin-sort = Ordre :
admin-sort-newest = les plus récents d'abord
admin-sort-name = par nom
admin-col-name = Nom
admin-col-email = Adresse e-mail
admin-col-role = Rôle
admin-col-teams = Équipes
admin-col-status = Accès
admin-col-second-factor = Vérification en deux étapes
admin-col-last-sign-in = Dernière connexion
admin-status-enabled = Actif
admin-status-disabled = Suspendu
admin-status-account-disabled = Compte désactivé
admin-second-factor-on = Activée
admin-second-factor-off = Non activée
admin-never = Jamais
admin-no-team = Aucune équipe
admin-team-supervised = { $team } (supervise)
admin-back-to-users = Retour aux membres

admin-invite-action = Inviter une personne
admin-invite-title = Inviter une personne
admin-invite-heading = Inviter une personne dans la structure
admin-invite-intro = La personne reçoit une invitation, qu'elle accepte avec le lien que vous lui transmettrez : si elle n'a pas encore de compte, elle choisit un mot de passe ; si elle en a un, elle se connecte et accepte depuis son compte. Elle ne rejoint la structure qu'en acceptant.
admin-field-email = Adresse e-mail
admin-field-name = Nom complet
admin-field-role = Rôle
admin-field-role-choose = Choisissez un rôle
admin-field-teams = Équipes
admin-field-teams-hint = Cochez les équipes dans lesquelles la personne travaille.
admin-field-teams-hint-supervises = Cochez les équipes dans lesquelles la personne travaille. « Supervise » est réservé aux superviseur·es : elles et ils lisent les accompagnements des équipes qu'elles et ils supervisent.
admin-field-supervises = supervise
admin-no-teams-yet = La structure n'a pas encore d'équipe.
admin-invite-no-email = L'envoi d'e-mails n'est pas encore configuré sur cette instance : le lien d'invitation s'affichera à la page suivante, pour que vous le transmettiez.
admin-invite-submit = Inviter
admin-error-email = Saisissez une adresse e-mail comme nom@exemple.fr.
admin-error-name = Saisissez le nom de la personne.
admin-error-name-long = Le nom est trop long ({ $max } caractères au plus).
admin-error-role = Choisissez l'un des rôles de la structure.
admin-error-supervises = Seul·e un·e superviseur·e supervise des équipes : décochez « supervise » ou choisissez le rôle superviseur·e.
admin-error-already-member = { $email } est déjà membre de cette structure. Ouvrez sa fiche dans la liste des membres pour changer son rôle ou ses équipes.
admin-error-try-again = Un compte vient d'être créé pour cette adresse au même moment. Envoyez le formulaire à nouveau.

admin-member-facts = En bref
admin-member-since = Membre depuis
admin-member-own = C'est votre propre rattachement : vous ne pouvez ni le suspendre ni renoncer ici au rôle de responsable.
admin-member-role-heading = Changer le rôle
admin-member-role-hint = Le nouveau rôle s'applique dès la page suivante de la personne, sans qu'elle ait à se reconnecter.
admin-member-role-submit = Enregistrer le rôle
admin-member-teams-heading = Changer les équipes
admin-member-teams-submit = Enregistrer les équipes
admin-member-access-heading = Accès à la structure
admin-member-disable-hint = Suspendre l'accès ferme aussitôt les sessions de la personne dans cette structure et l'en tient à l'écart. Son compte, son historique et ses autres structures restent ; vous pourrez rétablir l'accès.
admin-member-disable = Suspendre l'accès
admin-member-enable-hint = L'accès de cette personne à la structure est suspendu.
admin-member-enable = Rétablir l'accès
admin-member-account-disabled = Le compte entier est désactivé par l'administrateur·rice de l'instance : la personne ne peut se connecter nulle part.
admin-member-second-factor-heading = Vérification en deux étapes
admin-member-second-factor-off = La vérification en deux étapes n'est pas activée pour cette personne.
admin-member-reset-intro = Si la personne a perdu son téléphone et n'a plus de code de secours, désactivez sa vérification en deux étapes : elle se connecte alors avec son seul mot de passe, et pourra la réactiver depuis son compte.
admin-field-reason = Motif
admin-field-reason-hint = Conservé dans le journal d'audit. Par exemple : « téléphone perdu, identité vérifiée en personne ». Aucun détail de santé ou de famille.
admin-member-reset-submit = Désactiver la vérification en deux étapes
admin-error-lock-out-role = Vous ne pouvez pas renoncer à votre propre rôle de responsable : personne ne pourrait vous le rendre. Demandez à un·e autre responsable de le changer.
admin-error-lock-out-disable = Vous ne pouvez pas suspendre votre propre accès : vous seriez exclu·e de la structure. Demandez à un·e autre responsable.
admin-error-own-second-factor = Désactivez votre propre vérification en deux étapes depuis la page de votre compte, qui demande un code.
admin-error-second-factor-off = La vérification en deux étapes est déjà désactivée pour cette personne.
admin-error-reason = Indiquez le motif de la désactivation.
admin-error-reason-long = Le motif est trop long ({ $max } caractères au plus).
admin-error-second-factor-elsewhere = Ce compte ouvre aussi une autre structure ou l'administration de l'instance, que sa vérification en deux étapes protège également : adressez-vous à l'administrateur·rice de l'instance.
admin-notice-role = Le rôle est changé.
admin-notice-teams = Les équipes sont enregistrées.
admin-notice-disabled = Accès suspendu ; les sessions de la personne dans la structure sont fermées.
admin-notice-enabled = Accès rétabli.
admin-notice-second-factor = La vérification en deux étapes est désactivée : la personne se connecte avec son seul mot de passe.
admin-notice-unchanged = Rien à changer.

admin-teams-title = Équipes
admin-teams-heading = Équipes de la structure
admin-teams-intro = Services, antennes ou pôles : les accompagnements sont suivis par une équipe, et les superviseur·es lisent ceux des équipes qu'elles et ils supervisent.
admin-teams-count = { $count ->
    [one] Une équipe
   *[other] { $count } équipes
}
admin-teams-caption = Équipes de la structure, avec leur nombre de membres ayant accès
admin-col-team = Équipe
admin-col-members = Membres
admin-team-new-heading = Nouvelle équipe
admin-field-team-name = Nom de l'équipe
admin-team-create = Créer l'équipe
admin-team-error-name = Saisissez le nom de l'équipe.
admin-team-error-duplicate = La structure a déjà une équipe nommée « { $name } ».
admin-team-notice-created = L'équipe est créée.
admin-back-to-teams = Retour aux équipes
admin-team-rename-heading = Renommer
admin-team-rename = Renommer l'équipe
admin-team-notice-renamed = L'équipe est renommée.
admin-team-members-caption = Membres de l'équipe
admin-team-supervises = supervise
admin-team-empty = Personne n'est encore dans cette équipe. Ajoutez des membres depuis leur fiche.
admin-team-conflict-title = Quelqu'un a renommé cette équipe pendant votre saisie
admin-team-conflict-text = Rien n'a été écrasé. Comparez les deux noms ; le formulaire ci-dessous garde votre saisie : envoyez-le à nouveau si votre nom doit remplacer celui enregistré.
admin-team-conflict-stored = Nom enregistré
admin-team-conflict-typed = Le nom que vous avez saisi
