# Data-subject requests and the subject access export (issue 12 point 4, ADR 0035).
nav-subject-requests = Subject requests
subject-title = Requests from persons about their data
subject-intro = Access, portability, rectification, erasure, restriction or objection: each request is logged with its legal deadline, one month from receipt, which can be extended once by two months with a reason the person is told (GDPR art. 12(3)).
subject-list-heading = Requests
subject-overdue-count = { $count ->
    [one] One open request is past its deadline.
   *[other] { $count } open requests are past their deadline.
}
subject-none = No request has been logged.
subject-list-caption = Requests, open ones first, with their deadline
subject-col-person = Person
subject-col-kind = Request
subject-col-received = Received on
subject-col-deadline = Deadline
subject-col-status = Status
subject-extended = extended
subject-overdue = Overdue
subject-new-heading = Log a request
subject-person-query = The person's name
subject-person-query-hint = Name, birth date or benefit number, as in the person search. Choose the person among the results, then log the request.
subject-person-choose = Which person?
subject-find-submit = Find the person
subject-new-submit = Log the request
subject-kind-access = Access (art. 15)
subject-kind-portability = Portability (art. 20)
subject-kind-rectification = Rectification (art. 16)
subject-kind-erasure = Erasure (art. 17)
subject-kind-restriction = Restriction (art. 18)
subject-kind-objection = Objection (art. 21)
subject-status-open = Open
subject-status-answered = Answered
subject-status-refused = Refused
subject-error-kind = Choose what the person asks for.
subject-error-received = Enter the date the request was received, today or earlier.
subject-error-person-none = No person matches this name: check the spelling, or search by birth date.
subject-error-person-choose = Choose the person among the results.
subject-request-title = Request of { $name }
subject-facts-heading = The request
subject-extension-reason = Reason for the extension
subject-extension-hint = The person is told within the first month why the answer takes longer.
subject-answered-on = Answered on
subject-handled-by = Answered by
subject-answer-note = Answer
subject-answer-note-hint = What was done, or why the request is refused (required for a refusal).
subject-export-heading = The export of the person's data
subject-export-intro = Everything the organisation holds about the person: their record, cases, notes, assessments, plans, documents, referrals, consents, aid, budgets, domiciliation, appointments, and who accessed their file. As JSON with the files in a zip, or as a readable PDF. Other household members appear only as a count and their relationship. Each download is recorded in the audit log and below.
subject-review-heading = To review before release
subject-review-none = Nothing in the export names someone else as far as Passerelle can tell.
subject-review-caption = { $count ->
    [one] One passage may name a third party
   *[other] { $count } passages may name third parties
}
subject-review-row = Row
subject-review-third-party-column = About a third party (representative, recipient, contact)
subject-review-names = Names { $names }
subject-review-names-someone = May name someone else
subject-released-by = Released on { $date } by { $name }.
subject-draft = Not released yet: the downloads are marked as a draft for review.
subject-release-heading = Release the export
subject-reviewed = I have reviewed the passages listed above and removed from what is given what the person may not receive.
subject-release-submit = Release
subject-download-zip = Download the data (JSON and files, zip)
subject-download-pdf = Download the readable PDF
subject-exports-caption = Exports made for this request
subject-exports-when = When
subject-exports-format = Format
subject-exports-by = By
subject-answer-heading = Answer the request
subject-outcome = Outcome
subject-answer-submit = Record the answer
subject-extend-heading = Extend the deadline by two months
subject-extend-submit = Extend
subject-done-created = The request is logged.
subject-done-extended = The deadline is extended by two months.
subject-done-answered = The answer is recorded.
subject-done-released = The export is released.
subject-error-reason = Give the reason for the extension.
subject-error-refusal-reason = Give the reason for the refusal.
subject-error-already-extended = The deadline was already extended: the law allows two more months once.
subject-error-closed = This request is answered: it no longer changes.
subject-error-before-receipt = The answer cannot come before the request was received.
subject-error-too-long = At most 2,000 characters.
subject-error-changed = Someone changed this request meanwhile: here it is as it is now.
subject-error-outcome = Choose the outcome.
subject-error-answered-on = Enter the date of the answer, today or earlier.
subject-error-reviewed = Confirm that you reviewed the passages before releasing.
subject-pdf-title = Your data held by the organisation
subject-pdf-page = Page {"{"}page{"}"} of {"{"}pages{"}"}
subject-pdf-banner = Personal data — for the person concerned only
subject-pdf-banner-draft = DRAFT FOR REVIEW — not to be given before release
subject-pdf-generated = Made on { $date }
subject-pdf-intro = This document lists everything the organisation records about you, as the law gives you the right to know (GDPR art. 15). Codes are those of the organisation's lists. The members of your household appear only as their number and relationship: their own data is theirs.
subject-pdf-household = Your household
subject-pdf-household-members = Members today
subject-pdf-household-own = Your relationship
subject-pdf-household-others = The others' relationships
subject-pdf-none = Nothing recorded.
subject-pdf-empty = Nothing recorded in
subject-pdf-access = Who accessed your file
subject-pdf-access-when = When
subject-pdf-access-what = What
subject-pdf-access-who = Who
subject-pdf-review = Passages reviewed for third parties
subject-pdf-review-table = Where
subject-pdf-review-column = Field
subject-pdf-review-why = Why
subject-pdf-files = Files given with this document
subject-table-aid-requests = Aid requests
subject-table-aid-steps = Steps of aid requests
subject-table-appointment-reminders = Appointment reminders
subject-table-appointments = Appointments
subject-table-assessment-drafts = Assessments being written
subject-table-assessment-ratings = Assessment ratings by life domain
subject-table-assessments = Assessments
subject-table-budget-lines = Budget lines
subject-table-budget-members = Your place in the household's budgets
subject-table-budgets = Household budgets
subject-table-case-delegations = Replacements of your referent
subject-table-case-emergency-access = Emergency access to your case
subject-table-case-entries = Notes and events of your cases
subject-table-case-entry-versions = Earlier versions of notes
subject-table-case-follow-up-domains = Follow-up checks by life domain
subject-table-case-follow-ups = Follow-up checks after the support
subject-table-case-ties = People and services around you (ecomap)
subject-table-cases = Your cases (support)
subject-table-consents = Your consents
subject-table-debts = Household debts
subject-table-document-shares = Share links of documents
subject-table-documents = Documents
subject-table-domiciliation-mail = Mail kept for you
subject-table-domiciliations = Domiciliation (postal address)
subject-table-household-members = Your household memberships
subject-table-households = Your households
subject-table-note-drafts = Notes being written
subject-table-person-distinct = Records confirmed as another person
subject-table-person-merges = Merges of duplicate records
subject-table-person-resources = Your resources
subject-table-person-revisions = Earlier versions of your record
subject-table-persons = Your record
subject-table-plan-agreements = Agreements on your action plan
subject-table-plan-goal-domains = Life domains of your goals
subject-table-plan-goals = Goals of your action plan
subject-table-plan-steps = Steps of your action plan
subject-table-plan-victories = Victories
subject-table-referral-items = Information shared with partners
subject-table-referral-steps = Steps of referrals
subject-table-referrals = Referrals to partners
subject-table-retention-reviews = Review of how long the file is kept
subject-table-subject-request-exports = Exports made for your requests
subject-table-subject-requests = Your requests about your data
subject-table-tasks = Tasks about you
subject-table-urgency-flags = Urgencies
subject-table-visits = Visits at the front desk
subject-table-voice-notes = Voice notes
api-tokens-scope-privacy-export = Export a person's data for their subject access request

# Erasure on request (issue 12 point 5, ADR 0036).
erasure-title = Erase the person's file
erasure-offer = The person asks for their data to be erased. Check first that no legal duty requires keeping it; the next page says what would go, or why it cannot go now.
erasure-open = See what would be erased
erasure-going-heading = What will be erased
erasure-intro = Everything below is deleted for good, in one go, and cannot be undone: the rows, the files, the search index entries, the drafts and the exports' logs. Backups are not changed: they expire after their retention period (35 days by default).
erasure-persons = { $count ->
    [one] One person (the person asking)
   *[other] { $count } persons: the person asking, and household members who are not followed themselves or records merged into theirs
}
erasure-households = { $count ->
    [0] No household: each of theirs still has a followed member
    [one] One household, with nobody left in it
   *[other] { $count } households, with nobody left in them
}
erasure-files = { $count ->
    [0] No file
    [one] One file (document or voice recording)
   *[other] { $count } files (documents and voice recordings)
}
erasure-going-caption = Rows deleted, by kind of data
erasure-col-what = Data
erasure-col-rows = Rows
erasure-kept = What stays: the access log, whose events name the file by its number only, with one more event, "erasure of subject #number"; and this request, without the person's name, as proof it was answered.
erasure-confirm-heading = Confirm the erasure
erasure-confirm = I have checked that the law allows this erasure, and I understand it cannot be undone.
erasure-submit = Erase the file for good
erasure-refused-heading = The file cannot be erased now
erasure-refused-next = When these no longer stand, come back to this page. If the law requires keeping the data, answer the request with a refusal and its reason.
erasure-back = Back to the request
erasure-refusal-open-case = A case of the person is still open or paused: close it first (the person's objection is a closure reason).
erasure-refusal-legal-hold = The file is under a legal hold on the retention review list (a legal duty or a claim).
erasure-refusal-unfinished-aid = An aid request is not finished (being prepared, decided but not paid, or adjourned): the decision and payment must stay traceable until it ends.
erasure-refusal-current-domiciliation = The person has a current domiciliation: the organisation is their postal address until it ends.
erasure-error-confirm = Tick the box to confirm the erasure.
erasure-error-refused = Something changed meanwhile: the file can no longer be erased now.
erasure-erased-person = Erased person
erasure-erased-at = File erased on
subject-done-erased = The person's file is erased and the request answered.
subject-table-form-drafts = Forms being typed
subject-table-notifications = Notifications
subject-table-person-terms = Search index
subject-table-federation-packages = Packages sent to other instances
audit-action-erased = File erased on request
