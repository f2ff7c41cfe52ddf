## L'annuaire des partenaires : partenaires, services, recherche, notes privées, import et export (ADR 0018).
nav-partners = Annuaire des partenaires

partners-title = Annuaire des partenaires
partners-intro = Les organisations partenaires et leurs services, partagés par toutes les organisations de cette instance. Cherchez par besoin, lieu ou nom.
partners-add = Ajouter un partenaire
partners-import-link = Importer ou exporter l'annuaire
partners-search-label = Chercher dans l'annuaire
partners-search-text = Nom ou description
partners-search-domain = Besoin (domaine de vie)
partners-search-any-domain = Tous les besoins
partners-search-area = Lieu
partners-search-area-hint = Commune, code postal ou territoire desservi.
partners-search-submit = Chercher
partners-results = Résultats
partners-all = Tous les partenaires et services
partners-none = Aucun résultat.
partners-count = { $count ->
    [one] Un résultat
   *[other] { $count } résultats
}
partners-page-of = page { $page } sur { $pages }
partners-pages = Pages de résultats
partners-previous = Page précédente
partners-next = Page suivante
partners-someone = quelqu'un
partners-created = Ajouté par { $name } le { $date }
partners-changed = Modifié en dernier par { $name } le { $date }
partners-linked = Ce partenaire est { $organisation }, une organisation de cette instance : les orientations vers lui arriveront dans Passerelle.
partners-edit-link = Modifier { $name }
partners-add-service = Ajouter un service
partners-services = Services
partners-no-services = Aucun service enregistré.
partners-saved = Le partenaire est enregistré.
partners-saved-service = Le service est enregistré.
partners-saved-notes = Les notes de votre organisation sont enregistrées.
partners-notes-heading = Notes privées de { $organisation }
partners-notes-private = Seule votre organisation voit ces contacts et ces notes.
partners-notes-save = Enregistrer les notes
partners-notes-none = Aucune note privée.
partners-new-title = Nouveau partenaire
partners-edit-title = Modifier { $name }
partners-service-new-title = Nouveau service de { $partner }
partners-service-edit-title = Modifier le service { $name }
partners-save = Enregistrer
partners-not-linked = Pas sur cette instance
partners-conflict = Quelqu'un a modifié cette fiche pendant que vous la modifiiez. Votre texte est conservé ci-dessous ; comparez-le avec le sien, puis enregistrez de nouveau.
partners-conflict-heading = La version enregistrée entre-temps
partners-conflict-help = Enregistrer de nouveau la remplace par le contenu du formulaire.

partner-kind-ccas = CCAS / CPAS
partner-kind-mission-locale = Mission locale
partner-kind-employment-service = Service public de l'emploi
partner-kind-social-landlord = Bailleur social
partner-kind-health-centre = Centre de santé
partner-kind-gp = Médecin généraliste
partner-kind-association = Association
partner-kind-school = Établissement scolaire
partner-kind-legal-aid = Accès au droit
partner-kind-prefecture = Préfecture
partner-kind-other = Autre

partner-field-name = Nom
partner-field-kind = Type de structure
partner-field-description = Description
partner-field-website = Site web
partner-field-phone = Téléphone
partner-field-email = Courriel
partner-field-address = Adresse
partner-field-postal-code = Code postal
partner-field-city = Commune
partner-field-eligibility = Public concerné (conditions)
partner-field-area-served = Territoire desservi
partner-field-hours = Horaires
partner-field-languages = Langues parlées
partner-field-contacts = Contacts
partner-field-how-to-refer = Comment orienter
partner-field-domains = Domaines de vie
partner-field-linked-organisation = Organisation de cette instance
partner-field-private-contacts = Contacts directs
partner-field-notes = Notes
partner-field-partner-name = Nom du partenaire
partner-hint-area-served = Communes, codes postaux ou territoires, séparés par des points-virgules.
partner-hint-languages = Séparées par des points-virgules, par exemple français ; arabe.
partner-hint-contacts = Un contact par ligne.
partner-hint-linked-organisation = À choisir quand ce partenaire utilise Passerelle sur cette instance.

partner-error-required = obligatoire
partner-error-too-long = { $count ->
    [one] au plus un caractère
   *[other] au plus { $count } caractères
}
partner-error-email = ce n'est pas une adresse de courriel
partner-error-website = ce n'est pas une adresse web (http ou https)
partner-error-kind = type inconnu
partner-error-domain = domaine de vie « { $code } » inconnu

partners-import-title = Importer et exporter l'annuaire
partners-import-intro = Importez des partenaires et des services depuis un fichier. Vous voyez ce qui changerait, ligne par ligne, avant que rien ne soit écrit.
partners-import-intro-hsds = Open Referral HSDS 3.0 : un datapackage JSON (datapackage.json avec ses lignes) ou un datapackage CSV zippé.
partners-import-intro-di = data·inclusion : un fichier JSON avec ses « structures » et ses « services ».
partners-import-intro-csv = Un tableur enregistré en CSV, une ligne par service, avec les colonnes du modèle.
partners-import-intro-again = Importer de nouveau le même fichier met à jour les fiches qu'il a créées ; il ne les ajoute jamais deux fois.
partners-import-template = Télécharger le modèle
partners-import-file = Fichier à importer
partners-import-check = Vérifier le fichier
partners-import-not-sent = Le fichier n'est pas arrivé en entier. Veuillez réessayer.
partners-import-missing = Choisissez un fichier à importer.
partners-import-too-large = { $count ->
    [one] Le fichier dépasse 1 Mo.
   *[other] Le fichier dépasse { $count } Mo.
}
partners-import-not-json = Ce fichier n'est pas du JSON valide.
partners-import-not-datapackage = Ce fichier n'est pas un datapackage de l'annuaire (ressources HSDS, ou structures et services data·inclusion).
partners-import-not-zip = Cette archive zip est illisible.
partners-import-not-csv = Ce fichier CSV est illisible (il doit être en UTF-8).
partners-import-empty = Ce fichier est vide.
partners-import-too-many = { $count ->
    [one] Le fichier a plus d'une ligne dans une table.
   *[other] Le fichier a plus de { $count } lignes dans une table.
}
partners-import-missing-column = La colonne « { $column } » manque.
partners-import-expired = Cet import n'est plus disponible (les fichiers sont gardés une heure). Veuillez renvoyer le fichier.
partners-import-cancelled = L'import est annulé ; rien n'a été écrit.
partners-import-done = Import terminé : { $created } fiches ajoutées, { $updated } modifiées.
partners-import-preview = Aperçu de « { $file } »
partners-import-format = Format : { $format }
partners-import-counts = Ce que l'import ferait
partners-import-col-what = Fiches
partners-import-partners = Partenaires
partners-import-services = Services
partners-import-partner = Partenaire
partners-import-service = Service
partners-import-action-create = À ajouter
partners-import-action-update = À modifier
partners-import-action-unchanged = Inchangées
partners-import-problems = { $count ->
    [one] Un problème dans le fichier
   *[other] { $count } problèmes dans le fichier
}
partners-import-col-place = Où
partners-import-col-id = Identifiant
partners-import-col-problem = Problème
partners-import-col-outcome = Ce qui se passe
partners-import-place = { $table }, ligne { $row }
partners-import-skipped = Ligne écartée
partners-import-kept = Importée quand même
partners-import-missing-id = La ligne n'a pas d'identifiant.
partners-import-duplicate-id = Une autre ligne a le même identifiant.
partners-import-unknown-partner = La structure « { $id } » n'est pas dans le fichier (ou a été écartée).
partners-import-unmapped-theme = La thématique « { $theme } » ne correspond à aucun de vos domaines de vie : écartée.
partners-import-unknown-kind = Le type « { $kind } » est inconnu : enregistré comme « Autre ».
partners-import-entries = Chaque fiche et ce qu'elle devient
partners-import-more = { $count ->
    [one] et une autre.
   *[other] et { $count } autres.
}
partners-import-confirm-help = Rien n'est écrit avant votre confirmation.
partners-import-confirm = Importer
partners-import-nothing = L'annuaire contient déjà tout ce fichier : rien à importer.
partners-import-cancel = Annuler
partners-format-hsds-json = Datapackage JSON HSDS
partners-format-hsds-csv = Datapackage CSV HSDS (zip)
partners-format-data-inclusion = data·inclusion
partners-format-spreadsheet = Tableur (CSV)
partners-export-heading = Exporter
partners-export-json = Télécharger l'annuaire en datapackage JSON HSDS
partners-export-zip = Télécharger l'annuaire en datapackage CSV HSDS (zip)
