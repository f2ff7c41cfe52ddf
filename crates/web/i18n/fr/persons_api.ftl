# L'API JSON des personnes et des ménages (web::persons::api). Chaque clé existe aussi en
# anglais (un test le vérifie).

persons-api-error-media-type = Envoyez le corps en JSON, avec l'en-tête Content-Type: application/json.
persons-api-error-invalid-body = Le corps n'est pas un objet JSON de la forme attendue : voyez le document OpenAPI (/api/v1/openapi.json).
persons-api-error-validation = Certains champs ont été refusés : chacun figure dans « fields » avec la raison.
persons-api-error-not-editable = Votre rôle ne vous permet pas de modifier ces champs : { $fields }. Retirez-les de la requête.
persons-api-error-conflict = Cette fiche a changé depuis la version { $version } : son état actuel est dans « current ». Appliquez-y votre modification et renvoyez-la avec la version { $current }.
persons-api-error-unknown-field = Champ inconnu.
persons-api-error-type-text = Une chaîne de caractères est attendue, ou null.
persons-api-error-type-flag = true, false ou null est attendu.
persons-api-error-type-phones = Un tableau de chaînes (un numéro de téléphone chacune) est attendu, ou null.
persons-api-error-type-resources = Un tableau d'objets, chacun avec un « code » et un « amount_cents », est attendu, ou null.
persons-api-error-amount = Le montant de { $resource } doit être un nombre entier de centimes, 0 ou plus.
persons-api-error-date = Ce n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 1985-03-12.
persons-api-error-phone = Le numéro { $number } n'est pas un numéro de téléphone : chiffres, espaces, points, tirets et un + au début seulement, de 6 à 20 chiffres.
persons-api-error-version = Indiquez la version de la fiche que vous modifiez : l'entier « version » renvoyé par sa lecture.
persons-api-error-required = Ce champ est obligatoire.
persons-api-error-person = Aucune personne de votre organisation n'a cet identifiant.
persons-api-error-id = L'identifiant d'une fiche (un UUID) est attendu.
persons-api-error-not-editable-field = Votre rôle ne vous permet pas de modifier ce champ.
