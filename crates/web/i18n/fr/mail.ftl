# Notifications par e-mail : les messages, les choix dans « Mon compte », l'état sur la page
# des tâches de fond.

mail-notification-subject = Nouvelle notification — { $organisation }
mail-digest-subject = { $count ->
    [one] Passerelle : votre notification non lue du jour
   *[other] Passerelle : vos { $count } notifications non lues du jour
}
mail-greeting = Bonjour { $name },
mail-notification-intro = Vous avez une nouvelle notification dans Passerelle :
mail-digest-intro = { $count ->
    [one] Voici votre notification non lue du jour :
   *[other] Voici vos { $count } notifications non lues du jour :
}
mail-open-app = Ouvrir mes notifications dans Passerelle
mail-why = Vous recevez cet e-mail parce que vous l'avez demandé dans votre compte. Pour changer ce que vous recevez :

mail-status-title = E-mail
mail-status-off = L'envoi d'e-mails n'est pas configuré : rien n'est envoyé par e-mail et les notifications restent dans l'application. Renseignez PASSERELLE_SMTP_URL et PASSERELLE_MAIL_FROM (voir le guide d'administration).
mail-status-on = L'envoi d'e-mails est configuré : les notifications partent par { $server } de la part de { $from }.

mail-prefs-title = Notifications par e-mail
mail-prefs-intro = Toutes les notifications apparaissent dans Passerelle. Pour chaque sorte, choisissez si vous la voulez aussi par e-mail : tout de suite, ou dans un e-mail par jour qui reprend les notifications non lues de la journée.
mail-prefs-off = L'envoi d'e-mails n'est pas encore configuré sur ce serveur : rien n'est envoyé. Vos choix sont gardés et s'appliqueront dès qu'il le sera.
mail-prefs-save = Enregistrer mes choix
mail-prefs-saved = Vos choix sont enregistrés.
mail-prefs-link = Choisir les notifications reçues aussi par e-mail
mail-delivery-in_app = Dans l'application seulement
mail-delivery-email = Aussi par e-mail, tout de suite
mail-delivery-digest = Aussi dans un récapitulatif quotidien par e-mail
mail-kind-role_changed = Mon rôle change
mail-kind-second_factor_reset = Ma vérification en deux étapes est désactivée
mail-kind-added_to_organisation = Je suis ajouté·e à une structure
mail-kind-membership_disabled = Mon accès à une structure est désactivé
mail-kind-password_reset_link_created = Un lien pour choisir un nouveau mot de passe est créé pour moi
mail-kind-urgency_raised = Une urgence est signalée pour une personne suivie par mon équipe
mail-kind-invitation_received = Je suis invité·e dans une structure
mail-prefs-language = Langue des e-mails
