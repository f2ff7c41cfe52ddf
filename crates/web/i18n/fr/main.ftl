# Français — langue par défaut. Chaque clé existe aussi en anglais (un test le vérifie).

app-name = Passerelle
skip-to-content = Aller au contenu
nav-main = Navigation principale
nav-home = Accueil
nav-api = API
nav-language = Langue
lang-fr = Français
lang-en = English
lang-ko = 한국어
footer-tagline = Passerelle, logiciel libre d'accompagnement social
footer-version = Version { $version }
footer-api-doc = Description de l'API (OpenAPI)

home-title = Accueil
home-heading = Bienvenue sur Passerelle
home-intro = Passerelle réunit en un seul endroit la situation d'une personne accompagnée : son foyer, l'évaluation de ses besoins et de ses ressources, le plan d'action construit avec elle, et le suivi des partenaires.
home-figures = Cette instance en chiffres
home-count-organisations = { $count ->
    [one] structure
   *[other] structures
}
home-count-teams = { $count ->
    [one] équipe
   *[other] équipes
}
home-organisations-heading = Structures hébergées
home-organisations-caption = Structures hébergées sur cette instance, avec leurs équipes
home-col-name = Nom
home-col-slug = Identifiant court
home-col-teams = Équipes
home-col-time-zone = Fuseau horaire
home-empty = Aucune structure n'est encore enregistrée sur cette instance.
home-empty-hint = Pour découvrir Passerelle avec des données fictives, lancez la démonstration : « passerelle serve --demo ».

error-404-title = Page introuvable
error-404-text = Cette page n'existe pas, ou vous n'avez pas accès à ce qu'elle contient.
error-500-title = Une erreur est survenue
error-500-text = La demande n'a pas pu aboutir. Rien de ce que vous avez saisi n'a été enregistré à moitié ; vous pouvez réessayer. Si le problème persiste, donnez ce numéro de suivi à votre administrateur :
error-back-home = Revenir à l'accueil

api-error-not-found = Ressource introuvable.
api-error-internal = Erreur interne. Donnez le numéro de requête à votre administrateur.
api-error-unavailable = Service momentanément indisponible.
error-csrf-title = Formulaire expiré
error-csrf-text = Ce formulaire n'est plus valable (page restée ouverte longtemps, ou ouverte depuis un autre site). Rien n'a été enregistré. Revenez en arrière, rechargez la page et renvoyez-le.
api-error-unauthorized = Identification requise.
api-error-csrf = Jeton anti-falsification absent ou invalide.

nav-signed-in-as = Connecté·e en tant que { $name }
nav-logout = Se déconnecter
login-title = Connexion
login-heading = Se connecter à Passerelle
login-email = Adresse e-mail
login-password = Mot de passe
login-submit = Se connecter
login-failed = Adresse e-mail ou mot de passe incorrect.
login-error-summary = Il y a un problème
login-password-set = Votre mot de passe est enregistré. Vous pouvez vous connecter.
login-signed-out = Vous êtes déconnecté·e.
login-expired = Votre session a expiré. Connectez-vous à nouveau ; rien de ce qui était enregistré n'est perdu.
home-failed-logins = { $count ->
    [one] Une tentative de connexion a échoué sur votre compte depuis votre dernière connexion. Si ce n'était pas vous, changez votre mot de passe et prévenez votre administrateur.
   *[other] { $count } tentatives de connexion ont échoué sur votre compte depuis votre dernière connexion. Si ce n'était pas vous, changez votre mot de passe et prévenez votre administrateur.
}
home-your-organisation = Votre structure : { $organisation } ({ $role })
home-no-organisation = Vous n'êtes rattaché·e à aucune structure.
password-title = Choisir un mot de passe
password-heading = Choisir votre mot de passe
password-intro = Au moins 12 caractères. Une phrase de plusieurs mots est plus facile à retenir et plus difficile à deviner.
password-new = Nouveau mot de passe
password-confirm = Confirmer le mot de passe
password-submit = Enregistrer le mot de passe
password-invalid-link = Ce lien n'est plus valable : il a déjà servi ou il a expiré. Demandez-en un nouveau à votre administrateur.
password-mismatch = Les deux mots de passe ne sont pas identiques.
password-too-short = Le mot de passe doit contenir au moins { $min } caractères.
password-too-long = Le mot de passe doit contenir au plus { $max } caractères.
password-too-weak = Ce mot de passe est trop facile à deviner. Ajoutez des mots ou évitez votre nom et votre adresse e-mail.
role-manager = responsable
role-worker = travailleur·se social·e
role-reception = accueil
role-supervisor = superviseur·e
role-dpo = délégué·e à la protection des données
role-peer-mediator = pair·e médiateur·rice
role-partner = partenaire
role-admin = administrateur·rice
