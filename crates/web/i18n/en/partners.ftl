## The partner directory: partners, services, search, private notes, import and export (ADR 0018).
nav-partners = Partner directory

partners-title = Partner directory
partners-intro = Partner organisations and their services, shared by every organisation of this instance. Search by need, place or name.
partners-add = Add a partner
partners-import-link = Import or export the directory
partners-search-label = Search the directory
partners-search-text = Name or description
partners-search-domain = Need (life domain)
partners-search-any-domain = Any need
partners-search-area = Place
partners-search-area-hint = Town, postal code or area served.
partners-search-submit = Search
partners-results = Results
partners-all = All partners and services
partners-none = Nothing matches.
partners-count = { $count ->
    [one] One result
   *[other] { $count } results
}
partners-page-of = page { $page } of { $pages }
partners-pages = Pages of results
partners-previous = Previous page
partners-next = Next page
partners-someone = someone
partners-created = Added by { $name } on { $date }
partners-changed = Last changed by { $name } on { $date }
partners-linked = This partner is { $organisation }, an organisation on this instance: referrals to it will arrive in Passerelle.
partners-edit-link = Change { $name }
partners-add-service = Add a service
partners-services = Services
partners-no-services = No service recorded yet.
partners-saved = The partner is saved.
partners-saved-service = The service is saved.
partners-saved-notes = Your organisation's notes are saved.
partners-notes-heading = Private notes of { $organisation }
partners-notes-private = Only your organisation sees these contacts and notes.
partners-notes-save = Save the notes
partners-notes-none = No private note.
partners-new-title = New partner
partners-edit-title = Change { $name }
partners-service-new-title = New service of { $partner }
partners-service-edit-title = Change the service { $name }
partners-save = Save
partners-not-linked = Not on this instance
partners-conflict = Someone changed this entry while you were editing it. Your text is kept below; compare it with theirs, then save again.
partners-conflict-heading = The version saved meanwhile
partners-conflict-help = Saving again replaces it with what is in the form.

partner-kind-ccas = CCAS / CPAS (social action centre)
partner-kind-mission-locale = Mission locale (youth centre)
partner-kind-employment-service = Employment service
partner-kind-social-landlord = Social landlord
partner-kind-health-centre = Health centre
partner-kind-gp = General practitioner
partner-kind-association = Association
partner-kind-school = School
partner-kind-legal-aid = Legal aid
partner-kind-prefecture = Prefecture
partner-kind-other = Other

partner-field-name = Name
partner-field-kind = Type of organisation
partner-field-description = Description
partner-field-website = Website
partner-field-phone = Phone
partner-field-email = Email
partner-field-address = Address
partner-field-postal-code = Postal code
partner-field-city = Town
partner-field-eligibility = Who it is for (eligibility)
partner-field-area-served = Area served
partner-field-hours = Opening hours
partner-field-languages = Languages spoken
partner-field-contacts = Contacts
partner-field-how-to-refer = How to refer someone
partner-field-domains = Life domains
partner-field-linked-organisation = Organisation on this instance
partner-field-private-contacts = Direct contacts
partner-field-notes = Notes
partner-field-partner-name = Partner name
partner-hint-area-served = Towns, postal codes or areas, separated by semicolons.
partner-hint-languages = Separated by semicolons, e.g. French; Arabic.
partner-hint-contacts = One contact per line.
partner-hint-linked-organisation = Chosen when this partner uses Passerelle on this instance.

partner-error-required = required
partner-error-too-long = { $count ->
    [one] at most one character
   *[other] at most { $count } characters
}
partner-error-email = not an email address
partner-error-website = not a web address (http or https)
partner-error-kind = unknown type
partner-error-domain = unknown life domain “{ $code }”

partners-import-title = Import and export the directory
partners-import-intro = Import partners and services from a file. You see what would change, row by row, before anything is written.
partners-import-intro-hsds = Open Referral HSDS 3.0: a JSON datapackage (datapackage.json with its rows) or a zipped CSV datapackage.
partners-import-intro-di = data·inclusion: a JSON file with its “structures” and “services”.
partners-import-intro-csv = A spreadsheet saved as CSV, one row per service, with the columns of the template.
partners-import-intro-again = Importing the same file again updates the entries it created; it never adds them twice.
partners-import-template = Download the template
partners-import-file = File to import
partners-import-check = Check the file
partners-import-not-sent = The file did not arrive whole. Please try again.
partners-import-missing = Choose a file to import.
partners-import-too-large = { $count ->
    [one] The file is larger than 1 MB.
   *[other] The file is larger than { $count } MB.
}
partners-import-not-json = This file is not valid JSON.
partners-import-not-datapackage = This file is not a datapackage of the directory (HSDS resources or data·inclusion structures and services).
partners-import-not-zip = This zip archive cannot be read.
partners-import-not-csv = This CSV file cannot be read (it must be UTF-8).
partners-import-empty = This file is empty.
partners-import-too-many = { $count ->
    [one] The file has more than one row in a table.
   *[other] The file has more than { $count } rows in a table.
}
partners-import-missing-column = The column “{ $column }” is missing.
partners-import-expired = This import is no longer available (files are kept one hour). Please send the file again.
partners-import-cancelled = The import was cancelled; nothing was written.
partners-import-done = Import done: { $created } entries added, { $updated } changed.
partners-import-preview = Preview of “{ $file }”
partners-import-format = Format: { $format }
partners-import-counts = What the import would do
partners-import-col-what = Entries
partners-import-partners = Partners
partners-import-services = Services
partners-import-partner = Partner
partners-import-service = Service
partners-import-action-create = To add
partners-import-action-update = To change
partners-import-action-unchanged = Unchanged
partners-import-problems = { $count ->
    [one] One problem in the file
   *[other] { $count } problems in the file
}
partners-import-col-place = Where
partners-import-col-id = Identifier
partners-import-col-problem = Problem
partners-import-col-outcome = What happens
partners-import-place = { $table }, row { $row }
partners-import-skipped = Row left out
partners-import-kept = Imported anyway
partners-import-missing-id = The row has no identifier.
partners-import-duplicate-id = Another row has the same identifier.
partners-import-unknown-partner = The organisation “{ $id }” is not in the file (or was left out).
partners-import-unmapped-theme = The theme “{ $theme }” matches none of your life domains: left out.
partners-import-unknown-kind = The type “{ $kind }” is unknown: recorded as “Other”.
partners-import-entries = Every entry and what happens to it
partners-import-more = { $count ->
    [one] and one more.
   *[other] and { $count } more.
}
partners-import-confirm-help = Nothing is written until you confirm.
partners-import-confirm = Import
partners-import-nothing = The directory already holds everything in this file: nothing to import.
partners-import-cancel = Cancel
partners-format-hsds-json = HSDS JSON datapackage
partners-format-hsds-csv = HSDS CSV datapackage (zip)
partners-format-data-inclusion = data·inclusion
partners-format-spreadsheet = Spreadsheet (CSV)
partners-export-heading = Export
partners-export-json = Download the directory as an HSDS JSON datapackage
partners-export-zip = Download the directory as an HSDS CSV datapackage (zip)
