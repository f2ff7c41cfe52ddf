# E-mail of notifications: the messages, the preferences in "My account", the status on the
# jobs page.

mail-notification-subject = New notification — { $organisation }
mail-digest-subject = { $count ->
    [one] Passerelle: your unread notification of the day
   *[other] Passerelle: your { $count } unread notifications of the day
}
mail-greeting = Hello { $name },
mail-notification-intro = You have a new notification in Passerelle:
mail-digest-intro = { $count ->
    [one] Here is your unread notification of the day:
   *[other] Here are your { $count } unread notifications of the day:
}
mail-open-app = Open my notifications in Passerelle
mail-why = You receive this e-mail because you asked for it in your account. To change what you receive:

mail-status-title = E-mail
mail-status-off = Email is not configured: nothing is sent by e-mail and notifications stay in the app. Set PASSERELLE_SMTP_URL and PASSERELLE_MAIL_FROM (see the administrator's guide).
mail-status-on = Email is configured: notifications are sent through { $server } from { $from }.

mail-prefs-title = Notifications by e-mail
mail-prefs-intro = Every notification appears in Passerelle. For each kind, choose whether you also want it by e-mail: at once, or in one e-mail a day with the day's unread notifications.
mail-prefs-off = Email is not configured on this server yet: nothing is sent. Your choices are kept and apply once it is.
mail-prefs-save = Save my choices
mail-prefs-saved = Your choices are saved.
mail-prefs-link = Choose which notifications also come by e-mail
mail-delivery-in_app = In the app only
mail-delivery-email = Also by e-mail, at once
mail-delivery-digest = Also in a daily e-mail digest
mail-kind-role_changed = My role changes
mail-kind-second_factor_reset = My two-step verification is turned off
mail-kind-added_to_organisation = I am added to an organisation
mail-kind-membership_disabled = My access to an organisation is disabled
mail-kind-password_reset_link_created = A link to choose a new password is created for me
mail-kind-urgency_raised = An urgency flag is raised for a person my team follows
mail-kind-invitation_received = I am invited into an organisation
mail-prefs-language = Language of the e-mails
