# Mots de passe : lien de réinitialisation créé par le responsable (web::admin), changement
# de son propre mot de passe depuis « Mon compte » (web::account).

passwords-member-heading = Mot de passe
passwords-member-hint = Si la personne a oublié son mot de passe, créez un lien à usage unique, valable 24 heures, avec lequel elle en choisit un nouveau. Son mot de passe actuel fonctionne jusqu'à ce qu'elle l'utilise ; ses sessions ouvertes se ferment alors. Un nouveau lien annule les précédents.
passwords-member-submit = Créer un lien de réinitialisation du mot de passe
passwords-member-own = Il s'agit de votre propre compte : changez votre mot de passe depuis votre page de compte.
passwords-member-own-link = Changer mon mot de passe
passwords-error-own = Changez votre propre mot de passe depuis votre page de compte, qui demande le mot de passe actuel.
passwords-error-elsewhere = Ce compte ouvre aussi une autre structure ou l'administration de l'instance, que son mot de passe protège également : adressez-vous à l'administrateur de l'instance.

passwords-link-title = Lien de réinitialisation créé
passwords-link-heading = Lien pour choisir un nouveau mot de passe : { $name }
passwords-link-text = Avec ce lien, la personne ({ $email }) choisit un nouveau mot de passe. Son mot de passe actuel fonctionne jusque-là ; dès que le nouveau est enregistré, toutes ses sessions se ferment. Les liens créés auparavant pour ce compte ne fonctionnent plus.
passwords-link-no-email = Passerelle n'envoie pas encore d'e-mails sur cette instance : copiez ce lien et transmettez-le vous-même à la personne, par un moyen qu'elle seule consulte. Il ne sera plus affiché.
passwords-link-label = Lien à usage unique, valable jusqu'au { $date }
passwords-link-once = Le lien ne fonctionne qu'une fois. S'il expire sans avoir servi, créez-en un autre depuis la page de la personne.
passwords-link-back = Revenir à la page de { $name }

passwords-change-heading = Changer mon mot de passe
passwords-change-intro = Saisissez votre mot de passe actuel, puis le nouveau deux fois.
passwords-field-current = Mot de passe actuel
passwords-change-sessions = Vos autres sessions se fermeront : sur les autres appareils, il faudra vous reconnecter avec le nouveau mot de passe. Celle-ci reste ouverte.
passwords-change-submit = Changer le mot de passe
passwords-changed = Votre mot de passe est changé. Vos autres sessions sont fermées.
passwords-error-current = Le mot de passe actuel est incorrect.
passwords-error-throttled = Trop de tentatives avec un mot de passe incorrect. Réessayez dans { $count ->
    [one] une minute
   *[other] { $count } minutes
}.
