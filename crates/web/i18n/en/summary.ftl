# The case summary as a PDF (crates/web/src/cases/summary.rs).
summary-link = Summary PDF
summary-title = Case summary for { $name }
summary-back = Case
summary-intro = Choose what the summary holds and what it is for. The PDF says "Confidential — professional secrecy" on every page; making it is recorded in the audit log.
summary-sections = Parts of the summary
summary-section-identity = Identity and household
summary-section-identity-hint = Name, date of birth and the people of the current household.
summary-section-reason = Reason and referents
summary-section-reason-hint = Why the case was opened, who referred the person, the team, the referent and co-referents.
summary-section-contacts = Last contacts
summary-section-contacts-hint = The five latest notes at the normal level; never notes for referents only or for their author only.
summary-section-flags = Urgency flags
summary-section-flags-hint = The person's urgency flags still open.
summary-purpose = Purpose
summary-purpose-meeting = Case meeting
summary-purpose-transfer = Handover (transfer)
summary-purpose-other = Other exchange between professionals
summary-language = Language of the document
summary-language-fr = French
summary-language-en = English
summary-error-sections = Choose at least one part.
summary-error-purpose = Choose the purpose of the summary.
summary-error-language = Choose the language of the document.
summary-confidential-hint = Pass this document on only to the professionals concerned.
summary-submit = Make the PDF
summary-file-name = case-summary
summary-pdf-title = Case summary
summary-pdf-subtitle = { $name } — { $purpose }
summary-pdf-generated = Made on { $date } by { $author }
summary-pdf-banner = Confidential — professional secrecy. Personal information, to be passed on only to the professionals concerned.
summary-pdf-page = Page { "{" }page{ "}" } of { "{" }pages{ "}" }
summary-pdf-name = Name
summary-pdf-birth-date = Date of birth
summary-pdf-household = Current household
summary-pdf-by = by { $author }
summary-pdf-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
summary-pdf-contacts-hint = Notes at the normal level only, latest first.
summary-pdf-no-flag = No urgency flag open.
summary-pdf-flag-since = since { $date }
audit-action-case_exported = Case summary made
