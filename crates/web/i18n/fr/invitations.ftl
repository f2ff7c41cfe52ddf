# Invitations dans une structure : ce que voit la personne invitée (web::account) et ce que
# voit le ou la responsable qui invite (web::admin). Chaque clé existe aussi en anglais.

invitations-heading = Invitations
invitations-intro = Des structures vous invitent à les rejoindre. Rien ne change tant que vous n'avez pas accepté ; refuser ne dit rien d'autre à la structure.
invitations-caption = Invitations en attente de votre réponse
invitations-col-invitation = Invitation
invitations-col-expires = Valable jusqu'au
invitations-col-answer = Réponse
invitations-line = { $actor } vous invite à rejoindre { $organisation }, comme { $role }.
invitations-expires = Valable jusqu'au { $date }.
invitations-accept = Accepter
invitations-decline = Refuser
invitations-notice-accepted = Invitation acceptée : la structure figure maintenant dans « Mes structures », où vous pouvez choisir d'y travailler.
invitations-notice-declined = Invitation refusée.
invitations-notice-gone = Cette invitation n'attend plus de réponse : elle a déjà reçu une réponse, a été remplacée ou a expiré.
invitations-link-title = Invitation
invitations-link-heading = Vous êtes invité·e dans Passerelle
invitations-link-text = { $organisation } vous invite à la rejoindre, comme { $role }. Connectez-vous avec votre compte Passerelle habituel, puis acceptez ou refusez l'invitation depuis « Mon compte ».
invitations-link-sign-in = Se connecter
invitations-link-account = Répondre depuis mon compte

admin-invitations-heading = Invitations en attente
admin-invitations-intro = Ces personnes n'ont pas encore rejoint la structure : elles le font en acceptant l'invitation (avec le lien que vous leur avez transmis). Une invitation non acceptée expire ; invitez de nouveau pour obtenir un nouveau lien.
admin-invitations-caption = Invitations en attente, les plus récentes d'abord
admin-invitations-col-invited = Invitée le
admin-invitations-col-expires = Expire le
admin-invited-title = Invitation prête
admin-invited-link-heading = Lien d'invitation
admin-invited-text = { $email } est invité·e à rejoindre cette structure, comme { $role }. La personne rejoint la structure en suivant le lien ci-dessous : selon sa situation, elle choisit un mot de passe ou se connecte à son compte, puis elle accepte.
admin-invited-no-email = Passerelle n'envoie pas encore d'e-mails sur cette instance : copiez ce lien et transmettez-le vous-même à la personne, par un canal qu'elle seule consulte. Il ne sera plus affiché.
admin-invited-link-label = Lien à usage unique, valable jusqu'au { $date }
admin-invited-once = En attendant sa réponse, l'invitation figure dans la liste des membres. Si le lien expire sans avoir servi, invitez de nouveau la personne.
admin-invited-another = Inviter une autre personne
