# English — the audit log search (web::audit). Every key also exists in French.
# Each audit action needs a label `audit-action-<code>` (here, or in the file of the feature
# that adds the action); a unit test checks it.

nav-audit = Audit log
audit-title = Audit log
audit-title-error-prefix = Error:
audit-heading = Audit log
audit-heading-instance = Audit log of the instance
audit-intro-organisation = Everything recorded about { $organisation }: sign-ins, files opened, changes, exports. The log holds identifiers, never the content of files.
audit-intro-instance = What concerns no organisation: organisations and accounts created from the command line, sign-in attempts with an unknown address, password changes. The logs of the organisations are searched by their managers and data protection officers.
audit-link-instance = Search the audit log of the instance
audit-link-organisation = Search the audit log of your organisation
audit-criteria-heading = Search criteria
audit-criteria-hint = Fill in only what you need; events must match every criterion given. Times are in UTC.
audit-field-user = Done by (e-mail address)
audit-hint-user = The address of the account that acted, such as name@example.org.
audit-field-subject = Record concerned (identifier)
audit-hint-subject = The identifier of a person, a file or an account, such as 0190f5c2-3a4b-7c8d-9e0f-1a2b3c4d5e6f.
audit-field-action = Action
audit-hint-action = What was done.
audit-action-any = Any action
audit-field-from = From
audit-field-to = To
audit-hint-date = The day is included (UTC).
audit-search = Search
audit-export = Export as CSV
audit-export-hint = The export holds every matching event (up to 100,000) and is itself recorded in the audit log.
audit-results-heading = Events found
audit-no-results = No event matches these criteria.
audit-results-caption = { $count ->
    [one] One event, newest first
   *[other] { $count } events, newest first
}
audit-results-caption-older = { $count ->
    [one] One older event, newest first
   *[other] { $count } older events, newest first
}
audit-older = Older events
audit-col-time = Time (UTC)
audit-col-actor = Done by
audit-col-action = Action
audit-col-subject = Record concerned
audit-col-client-addr = Client address
audit-col-request-id = Request id
audit-col-reason = Reason
audit-actor-system = system / command line
audit-error-summary = There is a problem
audit-error-user-format = Enter an e-mail address, such as name@example.org.
audit-error-user-unknown-organisation = No account of your organisation has this e-mail address.
audit-error-user-unknown = No account has this e-mail address.
audit-error-subject = Enter an identifier of 36 characters, such as 0190f5c2-3a4b-7c8d-9e0f-1a2b3c4d5e6f.
audit-error-action = Choose an action from the list.
audit-error-date = Enter a date as YYYY-MM-DD, such as 2026-11-25.
audit-error-to-before-from = The end date must be the same as or after the start date.
audit-csv-actor-name = Done by
audit-csv-actor-email = E-mail address
audit-csv-action-code = Action code
audit-csv-subject-type = Record type
audit-csv-subject-id = Record identifier
audit-csv-details = Details
audit-csv-event-id = Event identifier
audit-csv-capped = { $count ->
    [one] The export stops after one event: narrow the criteria (dates) to export the rest.
   *[other] The export stops after { $count } events: narrow the criteria (dates) to export the rest.
}

audit-action-login_succeeded = Signed in
audit-action-login_failed = Failed sign-in
audit-action-logout = Signed out
audit-action-logout_everywhere = Signed out everywhere
audit-action-session_expired = Session expired
audit-action-password_set = Password set
audit-action-person_file_read = Person's file opened
audit-action-record_created = Record created
audit-action-record_updated = Record updated
audit-action-record_deleted = Record deleted
audit-action-export = Export
audit-action-break_the_glass = Emergency access (break the glass)
audit-action-organisation_created = Organisation created
audit-action-team_created = Team created
audit-action-user_created = Account created
audit-action-membership_changed = Membership changed
audit-action-permission_changed = Permissions changed
audit-action-token_created = API token created
audit-action-token_used = API token used
audit-action-token_revoked = API token revoked
audit-action-admin_action = Administrative action
audit-purged = Events up to { $date } were removed under the access log's retention ({ $count } events); what the organisation must prove (erasures, anonymisations, exports, decisions) is kept, and the log is verified from there.
