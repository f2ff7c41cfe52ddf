# Notifications.

notifications-title = Notifications
notifications-none = Aucune notification.
notifications-mark-read = Tout marquer comme lu
notifications-new = nouveau
nav-notifications = Notifications
nav-notifications-unread = { $count ->
    [0] Notifications
    [one] Notifications (1 non lue)
   *[other] Notifications ({ $count } non lues)
}
notification-someone = Quelqu'un
notification-unknown = Notification d'un type inconnu de cette version.
notification-role_changed = { $actor } a changé votre rôle dans { $organisation } : { $role }.
notification-second_factor_reset = { $actor } a désactivé votre vérification en deux étapes dans { $organisation }. Si vous ne l'avez pas demandé, prévenez votre responsable.
notification-added_to_organisation = { $actor } vous a ajouté·e à { $organisation }. Vous pouvez y travailler depuis « Mon compte ».
notification-membership_disabled = { $actor } a désactivé votre accès à { $organisation }.
notification-password_reset_link_created = { $actor } a créé un lien pour choisir un nouveau mot de passe pour votre compte ({ $organisation }). Si vous ne l'avez pas demandé, prévenez votre responsable.
notification-urgency_raised = { $actor } a signalé une urgence dans { $organisation } : { $flag }. Voir la file de l'équipe.
notification-invitation_received = { $actor } vous invite à rejoindre { $organisation }. Acceptez ou refusez l'invitation depuis « Mon compte ».
