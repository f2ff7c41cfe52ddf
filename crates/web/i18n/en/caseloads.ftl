## Referents and caseloads, reassignment, follow-up checks after closure (ADR 0015).
nav-caseloads = Caseloads

caseload-title = Caseloads
caseload-workers-heading = Workers
caseload-workers-caption = Each worker's cases as referent (open and paused), with urgent flags, overdue plan steps, cases as co-referent and cases held for an absent colleague
caseload-no-worker = No worker here yet.
caseload-col-worker = Worker
caseload-col-open = Open
caseload-col-paused = Paused
caseload-col-flagged = With an urgent flag
caseload-col-overdue = Overdue steps
caseload-col-co-referent = Co-referent
caseload-col-delegated = Held for a colleague
caseload-inactive = (no longer a worker here)
caseload-unassigned-heading = Cases without a referent
caseload-unassigned-hint = Open or paused cases whose referent is missing or no longer works here.
caseload-unassigned-caption = Cases without a referent, urgent ones first
caseload-worker-title = Cases of { $name }
caseload-worker-caption = Cases followed by { $name } as referent, urgent ones first
caseload-worker-inactive = This person no longer works here as a worker: give their cases to someone.
caseload-no-case = No case.
caseload-col-select = Select
caseload-select-case = Select the case of { $name }
caseload-col-person = Person
caseload-col-flags = Urgent flags
caseload-delegated-until = Held until { $date }, then back to { $name }
caseload-reassign-legend = Reassign the selected cases
caseload-reassign-to = To
caseload-reassign-how = For how long
caseload-reassign-permanent = For good
caseload-reassign-temporary = Until a date, then back to their referent (an absence)
caseload-reassign-until = Until (included)
caseload-reassign-until-hint = Only for a temporary reassignment. The cases go back by themselves the next day.
caseload-reassign-submit = Reassign
caseload-moved = { $count ->
    [0] No case needed moving.
    [one] One case was reassigned.
   *[other] { $count } cases were reassigned.
}
caseload-conflict = { $count ->
    [one] One of the selected cases changed since you opened the page (or is closed): nothing was reassigned. Here is the list as it is now.
   *[other] { $count } of the selected cases changed since you opened the page (or are closed): nothing was reassigned. Here is the list as it is now.
}
caseload-error-no-case = Select at least one case.
caseload-error-too-many = Reassign at most { $max } cases at once.
caseload-error-to = Choose the worker who takes the cases.
caseload-error-mode = Choose for good or until a date.
caseload-error-until-required = Give the date until which the cases are held.
caseload-error-until-invalid = This date does not exist; write it as dd/mm/yyyy.
caseload-error-until-past = The end date must be after today.
caseload-error-until-far = The end date must be within { $days } days; for longer, reassign for good.

home-caseloads-link = See the caseloads
home-cases-without-referent = { $count ->
    [one] One open case has no referent: give it one.
   *[other] { $count } open cases have no referent: give them one.
}
home-follow-ups-heading = Follow-up checks due
home-follow-up-due = { $name }: check due on { $date }

referents-link = Change the referents
referents-title = Referents of the case of { $name }
referents-referent-hint = The worker who answers for the case. The previous referent no longer reads it unless they are in its team or a co-referent.
referents-submit = Save the referents
referents-saved = The referents were saved.
referents-error-form = The form is incomplete: try again.
referents-yours = Your choice, not saved: { $choice }.

case-event-referents-changed = Referents changed
case-event-referents-reassigned = Case reassigned
case-event-referents-delegated = Case held for an absent referent
case-event-referents-returned = Back to its referent (end of the delegation)
case-event-follow-up-scheduled = Follow-up check scheduled
case-event-follow-up-done = Follow-up check done
case-event-follow-up-missed = Follow-up check missed

follow-up-link = Follow-up checks
follow-up-title = Follow-up checks of { $name }
follow-up-intro = After a case is closed, checks at 3, 6 and 12 months ask the person how they are doing and whether the changes held.
follow-up-closed-on = Case closed on { $date }.
follow-up-none = No check scheduled.
follow-up-caption = Follow-up checks, by due date
follow-up-col-due = Due
follow-up-col-status = Status
follow-up-col-done = Done on
follow-up-col-domains = Did the change hold?
follow-up-col-actions = Actions
follow-up-status-scheduled = Scheduled
follow-up-status-done = Done
follow-up-status-missed = Missed
follow-up-outcome-held = Held
follow-up-outcome-partly = Partly
follow-up-outcome-not-held = Not held
follow-up-outcome-not-asked = Not asked
follow-up-record-link = Record
follow-up-missed-button = Mark the check of { $date } missed
follow-up-schedule-legend = Schedule checks
follow-up-schedule-hint = Dates after the closure (dd/mm/yyyy). Leave a line empty to skip it.
follow-up-schedule-date = Check { $n }
follow-up-schedule-submit = Schedule
follow-up-record-title = Follow-up check of { $name }
follow-up-record-due = Due on { $date } ({ $status }).
follow-up-done-on = Date of the contact
follow-up-wellbeing = Wellbeing
follow-up-wellbeing-hint = As the person rates it, from 0 (very bad) to 10 (very good).
follow-up-power-to-act = Power to act
follow-up-power-to-act-hint = How able the person feels to act on their situation, from 0 (not at all) to 10 (fully).
follow-up-domains-legend = Did the change hold?
follow-up-domains-hint = For each life domain the person talked about.
follow-up-record-submit = Record the check
follow-up-notice-closed = The case is closed. Schedule its follow-up checks (dates proposed below).
follow-up-notice-scheduled = { $count ->
    [one] One check was scheduled.
   *[other] { $count } checks were scheduled.
}
follow-up-notice-recorded = The check was recorded.
follow-up-notice-missed = The check was marked missed.
follow-up-conflict = This check changed since you opened the page (it is now: { $status }). Nothing was saved; what you typed is below.
follow-up-error-date-required = Give at least one date.
follow-up-error-date-invalid = This date does not exist; write it as dd/mm/yyyy.
follow-up-error-before-closure = A check comes after the closure.
follow-up-error-too-far = A check comes within { $years } years of the closure.
follow-up-error-too-many = Schedule at most { $max } checks.
follow-up-error-future = The contact has not happened yet: give its date.
follow-up-error-rating-required = Choose a rating from 0 to 10.
follow-up-error-rating-invalid = Choose a rating from 0 to { $max }.
follow-up-error-outcome = Choose held, partly, not held or not asked.
follow-up-error-not-closed = Follow-up checks are scheduled once the case is closed.
