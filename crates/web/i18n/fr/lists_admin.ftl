# The organisation's value lists, for its manager (web::admin::lists).
admin-nav-lists = Listes de valeurs

list-name-sex = Sexe ou genre
list-name-housing_situation = Situation de logement
list-name-family_situation = Situation familiale
list-name-resources = Ressources et prestations
list-name-protection_measure = Mesure de protection juridique
list-name-relationship = Lien avec la personne de référence du foyer
list-name-urgency_flag = Motifs d'urgence

lists-admin-title = Listes de valeurs
lists-admin-intro = Les listes proposées dans les formulaires. Votre organisation peut masquer une valeur, lui donner son propre libellé, la déplacer ou ajouter ses propres valeurs ; les codes ne changent jamais, et une valeur masquée reste sur les dossiers qui la portent.
lists-admin-caption = Les listes et ce que votre organisation y a changé
lists-admin-col-list = Liste
lists-admin-col-name-fr = Nom en français
lists-admin-col-name-en = Nom en anglais
lists-admin-col-values = Valeurs
lists-admin-col-hidden-count = Masquées
lists-admin-col-relabelled-count = Renommées
lists-admin-col-own-count = Propres à l'organisation

lists-admin-back = Toutes les listes
lists-admin-list-intro = Un libellé laissé vide reprend le libellé par défaut. Une valeur masquée n'est plus proposée pour un nouveau choix mais reste sur les dossiers qui la portent. Les valeurs s'affichent par position croissante.
lists-admin-notice-saved = La liste est enregistrée.
lists-admin-notice-added = La valeur est ajoutée à la fin de la liste.

lists-admin-conflict-title = Quelqu'un a modifié cette liste entre-temps
lists-admin-conflict-text = Rien n'a été enregistré. Pour ces valeurs, un collègue a changé ce que vous avez changé, autrement. Le formulaire garde votre saisie : vérifiez-la puis enregistrez de nouveau pour la conserver.
lists-admin-conflict-caption = Les valeurs changées des deux côtés
lists-admin-conflict-value = Valeur
lists-admin-conflict-stored = Enregistré entre-temps
lists-admin-conflict-typed = Votre saisie

lists-admin-values-heading = Valeurs de la liste
lists-admin-values-caption = Chaque valeur, son libellé par défaut et ceux de votre organisation
lists-admin-col-code = Code
lists-admin-col-default = Libellé par défaut
lists-admin-col-fr = Libellé français
lists-admin-col-en = Libellé anglais
lists-admin-col-hidden = Masquée
lists-admin-col-position = Position
lists-admin-own-value = Valeur propre
lists-admin-input-fr = Libellé français de « { $value } »
lists-admin-input-en = Libellé anglais de « { $value } »
lists-admin-input-hidden = Masquer « { $value } »
lists-admin-input-position = Position de « { $value } »
lists-admin-save-hint = Toutes les lignes sont enregistrées ensemble.
lists-admin-save = Enregistrer la liste

lists-admin-add-heading = Ajouter une valeur propre à votre organisation
lists-admin-new-value = La nouvelle valeur
lists-admin-field-code = Code
lists-admin-field-code-hint = Lettres minuscules sans accents, chiffres et tirets bas (_), de 2 à 40 caractères, en commençant par une lettre. Le code ne pourra plus changer : les statistiques et les imports s'en servent.
lists-admin-field-fr = Libellé français
lists-admin-field-en = Libellé anglais (facultatif)
lists-admin-add = Ajouter la valeur

lists-admin-error-fr-required = { $value } : indiquez un libellé français.
lists-admin-error-label-long = { $value } : le libellé ne doit pas dépasser { $max } caractères.
lists-admin-error-label-control = { $value } : le libellé contient un caractère invisible ou un retour à la ligne.
lists-admin-error-position = { $value } : la position doit être un nombre entier entre -{ $max } et { $max }.
lists-admin-error-code-required = Indiquez un code.
lists-admin-error-code-invalid = Le code ne peut contenir que des lettres minuscules sans accents, des chiffres et des tirets bas (_), de 2 à 40 caractères, en commençant par une lettre.
lists-admin-error-code-taken = Le code « { $code } » existe déjà dans cette liste.

lists-admin-describe-default = libellé par défaut
lists-admin-describe-fr = français : { $label }
lists-admin-describe-en = anglais : { $label }
lists-admin-describe-hidden = masquée
lists-admin-describe-shown = proposée
lists-admin-describe-position = position { $position }
