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
