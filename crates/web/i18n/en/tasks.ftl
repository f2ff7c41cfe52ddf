# Tasks, reminders and "my day" (issue 9, slice a).
nav-my-day = My day
nav-tasks = Tasks
my-day-title = My day
my-day-link = My day
my-day-all-tasks = All my tasks
my-day-nothing = Nothing waits for you today: no task due, no urgency flag waiting, no unfinished draft.
my-day-flags-heading = { $count ->
    [one] One urgency flag waiting
   *[other] { $count } urgency flags waiting
}
my-day-flag-waiting = not acknowledged, raised { $date }
my-day-flag-review = acknowledged, review due
my-day-overdue-heading = { $count ->
    [one] One task overdue
   *[other] { $count } tasks overdue
}
my-day-today-heading = { $count ->
    [one] One task due today
   *[other] { $count } tasks due today
}
my-day-soon-heading = { $count ->
    [one] One task in the coming week
   *[other] { $count } tasks in the coming week
}
my-day-undated-heading = { $count ->
    [one] One task without a date
   *[other] { $count } tasks without a date
}
my-day-later = { $count ->
    [one] One more task is due later: see all my tasks
   *[other] { $count } more tasks are due later: see all my tasks
}
task-list-title = Tasks
task-new = Add a task
task-new-title = New task
task-mine-heading = { $count ->
    [0] Given to me
    [one] Given to me (one)
   *[other] Given to me ({ $count })
}
task-mine-none = No open task is given to you.
task-given-heading = { $count ->
    [0] Given by me to colleagues
    [one] Given by me to colleagues (one)
   *[other] Given by me to colleagues ({ $count })
}
task-given-none = You gave no open task to a colleague.
task-closed-heading = Done or cancelled in the last 14 days
task-closed-none = No task was closed in the last 14 days.
task-due-on = Due { $date }
task-no-due = No due date
task-case-link = Case
task-for = for { $name }
task-done-plain = Mark done
task-cancel-plain = Cancel the task
task-reopen-plain = Reopen
task-urgency-overdue = Overdue
task-urgency-today = Today
task-origin-system = Created by Passerelle (reminder)
task-origin-by = Added by { $name }, { $date }
task-closed-by-system = Closed by Passerelle, { $date }: what it reminded of is done
task-done-by = Done by { $name }, { $date }
task-cancelled-by = Cancelled by { $name }, { $date }
task-facts-heading = About this task
task-status = Status
task-status-open = To do
task-status-done = Done
task-status-cancelled = Cancelled
task-due = Due date
task-due-hint = Optional. For example 15/12/2026.
task-assignee = For
task-assignee-me = Me ({ $name })
task-person = Person
task-origin = Origin
task-closed = Closed
task-why = Why
task-why-automatic = Passerelle created this reminder from what it saw in the files. It closes by itself once the work is done; you can also mark it done or hand it to a colleague.
task-hand-over = Hand over to
task-hand-over-button = Hand over
task-edit-heading = Change the task
task-title = What to do
task-details = Details
task-details-hint = Optional. Only those who see the task read it.
task-save = Save the task
task-create = Add the task
task-conflict-title = Someone changed this task while you were typing
task-conflict-text = Nothing was saved. What is stored now is beside what you typed, which is still in the form: check it and save again.
task-conflict-caption = The task as stored and as you typed it
task-error-title-required = Say what is to be done.
task-error-title-long = At most { $max } characters.
task-error-details-long = At most { $max } characters.
task-error-due-invalid = This date does not exist. Write it as 15/12/2026.
task-error-due-far = A due date more than { $years } years ahead is not accepted.
task-error-assignee = This colleague cannot be given this task (not a member any more, or cannot open this case).
task-notice-created = The task was added.
task-notice-saved = The task was saved.
task-notice-done = The task is done.
task-notice-cancelled = The task was cancelled.
task-notice-reopened = The task is open again.
task-notice-assigned = The task was handed over.
task-notice-stale = The task changed meanwhile (someone else acted on it): nothing was done. Here it is as it is now.
task-case-heading = { $count ->
    [0] Tasks
    [one] Tasks (one open)
   *[other] Tasks ({ $count } open)
}
task-case-none = No open task on this case.
task-case-add = Add a task for this case
task-kind-manual = Task
task-kind-follow-up-due = Follow-up check to do
task-kind-flag-unacknowledged = Urgency flag not acknowledged
task-kind-assessment-old = Assessment to update
task-kind-document-expiring = Document about to expire
task-kind-referral-unanswered = Referral without an answer
task-action-follow-up-due = Open the follow-up checks
task-action-flag-unacknowledged = See the flag on the person's page
task-action-assessment-old = Make a new assessment
task-action-document-expiring = Open the case
task-action-referral-unanswered = Open the case
task-kind-domiciliation-renewal = Postal address to renew
task-kind-aid-awaiting-documents = Aid request waiting for documents
task-action-aid-awaiting-documents = Open the aid request and its checklist
task-kind-domiciliation-mail-waiting = Mail waiting at the desk
task-action-domiciliation-renewal = Open the postal address
task-action-domiciliation-mail-waiting = Open the postal address and its mail
case-event-task-done = Task done
notification-task_assigned = { $actor } gave you a task ({ $organisation }).
notification-tasks_due = { $count ->
    [one] One of your tasks is due today or overdue ({ $organisation }).
   *[other] { $count } of your tasks are due today or overdue ({ $organisation }).
}
mail-kind-task_assigned = A colleague gives me a task
mail-kind-tasks_due = My tasks due (once a day)
