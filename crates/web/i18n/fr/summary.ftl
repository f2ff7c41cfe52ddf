# La synthèse de l'accompagnement en PDF (crates/web/src/cases/summary.rs).
summary-link = Synthèse PDF
summary-title = Synthèse de l'accompagnement de { $name }
summary-back = Accompagnement
summary-intro = Choisissez ce que la synthèse contient et pour quoi elle est faite. Le PDF porte la mention « Confidentiel — secret professionnel » sur chaque page ; son édition est enregistrée dans le journal d'audit.
summary-sections = Parties de la synthèse
summary-section-identity = Identité et foyer
summary-section-identity-hint = Nom, date de naissance et personnes du foyer actuel.
summary-section-reason = Motif et référents
summary-section-reason-hint = Motif de l'accompagnement, orientation, équipe, référent et co-référents.
summary-section-contacts = Derniers contacts
summary-section-contacts-hint = Les cinq dernières notes de niveau normal ; jamais les notes réservées aux référents ou à leur auteur.
summary-section-flags = Signalements d'urgence
summary-section-flags-hint = Les signalements en cours sur la personne.
summary-purpose = Objet
summary-purpose-meeting = Réunion de synthèse
summary-purpose-transfer = Passage de relais (transfert)
summary-purpose-other = Autre échange entre professionnels
summary-language = Langue du document
summary-language-fr = Français
summary-language-en = Anglais
summary-error-sections = Choisissez au moins une partie.
summary-error-purpose = Choisissez l'objet de la synthèse.
summary-error-language = Choisissez la langue du document.
summary-confidential-hint = Ne transmettez ce document qu'aux professionnels concernés.
summary-submit = Générer le PDF
summary-file-name = synthese
summary-pdf-title = Synthèse de l'accompagnement
summary-pdf-subtitle = { $name } — { $purpose }
summary-pdf-generated = Établie le { $date } par { $author }
summary-pdf-banner = Confidentiel — secret professionnel. Informations à caractère personnel, à ne communiquer qu'aux professionnels concernés (art. 226-13 du code pénal).
summary-pdf-page = Page { "{" }page{ "}" } sur { "{" }pages{ "}" }
summary-pdf-name = Nom
summary-pdf-birth-date = Date de naissance
summary-pdf-household = Foyer actuel
summary-pdf-by = par { $author }
summary-pdf-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
summary-pdf-contacts-hint = Notes de niveau normal uniquement, les plus récentes d'abord.
summary-pdf-no-flag = Aucun signalement en cours.
summary-pdf-flag-since = depuis le { $date }
audit-action-case_exported = Synthèse d'accompagnement éditée
