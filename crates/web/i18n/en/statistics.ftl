## Statistics that come from the work (issue 11, ADR 0037).
nav-statistics = Statistics

stats-title = Activity statistics
stats-intro = Every figure comes from what was recorded while working: cases, meetings, appointments, referrals, documents. Nothing to type again.
stats-filters = Period and scope
stats-from = From
stats-to = To
stats-team = Team
stats-worker = Social worker
stats-worker-hint = The cases they are the referent of.
stats-all-teams = All teams
stats-all-workers = Everyone
stats-show = Show
stats-error-from = Enter the start date as dd/mm/yyyy.
stats-error-to = Enter the end date as dd/mm/yyyy.
stats-error-reversed = The end date is before the start date.
stats-error-too-long = The period may not be longer than { $years } years.
stats-scope-organisation = The whole organisation
stats-scope-my-teams = My teams
stats-scope-my-caseload = My caseload
stats-scope-team = Team { $name }
stats-scope-worker = Caseload of { $name }
stats-period = from { $from } to { $to }
stats-drill-hint = Each linked number leads to the list of the cases behind it.

stats-cases-heading = Persons and cases
stats-cases-caption = Persons, households and cases of the period
stats-persons = Persons followed
stats-households = Households followed
stats-cases-followed = Cases followed during the period
stats-cases-opened = Cases opened
stats-cases-closed = Cases closed
stats-closures-caption = Cases closed by reason
stats-col-reason = Closure reason
stats-col-cases = Cases
stats-no-reason = No reason given

stats-contacts-heading = Contacts with persons
stats-no-contact = No contact recorded in the period.
stats-contacts-caption = Contacts by type, with the time recorded
stats-contacts-chart-title = Contacts by type
stats-contacts-chart-desc = Number of contacts in the period for each type; the table below gives the same numbers.
stats-col-type = Type of contact
stats-col-contacts = Contacts
stats-col-time = Time recorded
stats-col-with-duration = Of which with a duration
stats-contacts-total = All contacts
stats-minutes = { $minutes } min
stats-hours = { $hours } h { $minutes }

stats-flags-heading = Urgency flags
stats-flags-raised = Urgencies flagged
stats-flags-acknowledged = Acknowledged
stats-flags-ack-average = Average time to acknowledge
stats-flags-within-day = Acknowledged within a day
stats-of-acknowledged = acknowledged urgencies
stats-share = { $percent } % ({ $part } of { $whole } { $of })
stats-no-denominator = nothing to count in the period

stats-appointments-heading = Appointments
stats-appointments-caption = Appointments of the period by state
stats-col-state = State
stats-col-appointments = Appointments
stats-appointments-kept = Appointments kept
stats-of-kept-or-missed = appointments kept or missed

stats-referrals-heading = Referrals to partners
stats-no-referral = No referral sent in the period.
stats-referrals-caption = Referrals sent by partner service
stats-col-service = Service
stats-col-partner = Partner
stats-col-sent = Sent
stats-col-accepted = Accepted
stats-col-declined = Declined
stats-col-acceptance = Acceptance rate
stats-col-answer-time = Average time to answer
stats-of-decisions = answers
stats-no-answer = no answer yet

stats-documents-heading = Documents
stats-documents = Documents filed in the cases

stats-figure-followed = Cases followed
stats-figure-opened = Cases opened
stats-figure-closed = Cases closed
stats-figure-contacts = Cases with a contact
stats-figure-flags = Cases whose person had an urgency flagged
stats-figure-appointments = Cases with an appointment
stats-figure-referrals = Cases with a referral
stats-figure-documents = Cases with a document filed
stats-back = Back to the statistics
stats-behind-total = { $count ->
    [0] No case behind this figure.
    [one] One case behind this figure.
   *[other] { $count } cases behind this figure.
}
stats-behind-hidden = { $count ->
    [one] One of them is not open to you: it is counted, not named.
   *[other] { $count } of them are not open to you: they are counted, not named.
}
stats-behind-more = { $count ->
    [one] One more is not shown: narrow the period or the scope.
   *[other] { $count } more are not shown: narrow the period or the scope.
}
stats-behind-caption = The cases, oldest first
stats-col-person = Person
stats-col-team = Team
stats-col-referent = Referent
stats-col-opened = Opened on
stats-col-status = State
stats-closed-on = Closed on { $date }

stats-col-other = No answer or other
stats-all-services = All services
stats-export-heading = Export for outside the team
stats-export-hint = The same figures, without any name; counts under 5 are suppressed, with as many other cells as needed so that they cannot be worked out from the totals. Every export is logged.
stats-export-csv = Download as CSV
stats-export-xlsx = Download as XLSX (spreadsheet)
stats-export-suppressed = suppressed
stats-export-suppressed-note = “suppressed”: a count under { $threshold }, or hidden so that one cannot be worked out from the totals (statistical confidentiality).
stats-export-col-section = Section
stats-export-col-item = Figure
stats-export-col-count = Count

stats-outcomes-heading = What changed for the persons
stats-outcomes-hint = The change in needs between the first and the latest assessment, goals reached, small victories, and what held after the end of the support. Each share says what it is based on.
stats-no-reassessment = No domain has been assessed twice in these cases yet: the change will show with the reassessments.
stats-domains-caption = Change in need level per life domain, between the first and the latest assessment
stats-col-domain = Life domain
stats-col-rated-twice = Assessed twice or more
stats-col-improved = Less need
stats-col-same = Unchanged
stats-col-worsened = More need
stats-share-short = { $percent } % ({ $part })
stats-goals = Goals reached in the period
stats-goals-achieved = { $achieved } (goals in the plans: { $goals })
stats-victories = Small victories recorded
stats-victories-count = { $victories } in { $cases } case(s)
stats-checks = Follow-up checks after the end
stats-checks-count = { $done } done of { $due } due in the period ({ $missed } with no news)
stats-wellbeing = Wellbeing at the checks (out of 10)
stats-power = Power to act at the checks (out of 10)
stats-average = { $value } on average, from { $count } answer(s)
stats-decimal-sign = .
stats-held-caption = What held, per domain, at the checks done

# The list of the cases behind a figure, downloaded.
stats-col-reference = Case reference
stats-list-export-title = Download this list
stats-list-export-hint-named = The file lists the cases above (those you may open). By default it names nobody: each case is given by its reference.
stats-list-export-hint-unnamed = The file lists the cases above by their reference, without the persons' names.
stats-list-export-names-legend = Persons' names
stats-list-export-names = Put the persons' names in the file
stats-list-export-confirm = I confirm that I need these names for the follow-up of these cases and that the file will stay within the service, under professional secrecy
stats-list-export-confirm-missing = To put the names in the file, tick the confirmation.
stats-list-export-button = Download the list (CSV)
stats-list-export-named = With the persons' names, at the request of a manager or supervisor who confirmed it (professional secrecy).
stats-list-export-unnamed = Without the persons' names: each case is given by its reference.
stats-list-export-not-listed = { $count ->
    [one] One more case behind this figure is not yours to open: counted, not listed.
   *[other] { $count } more cases behind this figure are not yours to open, or over the file's limit: counted, not listed.
}
