## Cases (accompagnements): value lists, audit.

list-name-contact_medium = Contact and note types
list-name-orientation_source = Orientation sources
list-name-case_closure_reason = Case closure reasons

list-contact_medium-in_person_appointment = In person, by appointment
list-contact_medium-walk_in = Walk-in
list-contact_medium-phone = Phone
list-contact_medium-home_visit = Home visit
list-contact_medium-external_appointment = Appointment elsewhere
list-contact_medium-postal_mail = Letter
list-contact_medium-email = Email
list-contact_medium-video_call = Video call
list-contact_medium-third_party = Contact with a third party
list-contact_medium-text_message = Text message
list-contact_medium-group_session = Group session
list-contact_medium-other = Other

list-orientation_source-self_referral = Self-referral
list-orientation_source-elected_official = Elected official
list-orientation_source-departement = Département services
list-orientation_source-association = Association
list-orientation_source-third_party_report = Report by a third party
list-orientation_source-official_office = Ministerial or prefect's office
list-orientation_source-caf_msa = Family benefits fund
list-orientation_source-france_travail = Employment service
list-orientation_source-mission_locale = Youth centre
list-orientation_source-health_service = Hospital, doctor
list-orientation_source-social_landlord = Social landlord
list-orientation_source-school = School
list-orientation_source-justice = Justice services
list-orientation_source-siao_115 = Shelter service
list-orientation_source-other = Other

list-case_closure_reason-goals_achieved = Goals achieved
list-case_closure_reason-autonomy = Person now independent
list-case_closure_reason-handed_over = Handed over to a partner
list-case_closure_reason-moved_away = Moved away
list-case_closure_reason-person_ended = Ended by the person
list-case_closure_reason-lost_contact = Lost contact
list-case_closure_reason-not_eligible = No longer eligible
list-case_closure_reason-entered_institution = Entered an institution
list-case_closure_reason-protection_officer = Protection officer took over
list-case_closure_reason-deceased = Deceased
list-case_closure_reason-other = Other

audit-action-case_file_read = Case opened

## Pages.

case-title = Case of { $name }
case-status = Status
case-status-open = Open
case-status-paused = Paused
case-status-closed = Closed
case-opened = Opened on
case-closed = Closed
case-closed-on = on { $date }: { $reason }
case-team = Team
case-referent = Referent
case-co-referents = Co-referents
case-no-referent = No referent
case-reason = Reason for the case
case-reason-hint = Why the person is followed, as agreed with them.
case-source = Referred by
case-source-none = Not stated
case-choose = Choose…
case-summary-heading = The case
case-identity-heading = The person and their household
case-member-name = Name
case-member-relationship = Relationship
case-member-age = Age
case-last-contacts = Last contacts
case-no-contact = No contact recorded yet.
case-actions-heading = Act on the case
case-change-status = New status
case-action-open = Reopen / resume
case-action-paused = Pause
case-action-closed = Close
case-closure-reason = Closure reason
case-closure-reason-hint = Needed only to close the case.
case-change-status-submit = Change the status
case-timeline = Timeline
case-filter-label = Show only
case-filter-all = Everything
case-filter-submit = Show
case-metadata-only = You see the case's status and assignment; its notes are for the people who follow it.
case-timeline-none = Nothing on the timeline yet.
case-timeline-none-filtered = No note of this type.
case-timeline-older = Older entries
case-event-opened = Case opened
case-event-reopened = Case reopened
case-event-paused = Case paused
case-event-closed = Case closed: { $reason }
case-entry-by = by { $name }
case-note-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
case-note-at-place = at { $place }
case-note-with = with { $participants }
case-note-deleted = Deleted by { $name } on { $date }: { $reason }
case-level-referents = Referents only
case-level-author = Author only
case-level-normal-choice = Normal: everyone who follows the case
case-level-referents-choice = Referents only: the referent and co-referents
case-level-author-choice = Author only: me alone
case-note-type-case_review = Case review
case-note-new = Write a note
case-note-correct = Correct
case-note-delete = Delete
case-note-versions = Previous versions
case-notice-opened = The case is open.
case-notice-status = The status was changed.
case-notice-note-saved = The note is saved.
case-notice-note-corrected = The note is corrected; its earlier text is kept.
case-notice-note-deleted = The note is deleted.
case-conflict = Someone changed this case since you opened the page: here it is as it is now. Nothing was changed.
case-error-reason = Say why the person is followed.
case-error-team = Choose the team that follows the case.
case-error-referent = Choose a referent among the organisation's social workers.
case-error-referent-co = The referent is already the referent: untick them among the co-referents.
case-error-status = Choose a status this case can move to.
case-error-closure-reason = Choose why the case is closed.

case-person-heading = Cases
case-person-none = No case.
case-person-caption = The person's cases
case-link = Case opened on { $date }
case-followed-by = Followed by { $referent } ({ $team }) since { $date }.
case-open-action = Open a case
case-open-title = Open a case
case-open-heading = Open a case for { $name }
case-open-submit = Open the case
case-with-household = The case covers the household too ({ $members })

case-note-new-title = New note
case-note-edit-title = Correct a note
case-note-date = Date
case-note-time = Time
case-note-duration = Duration (minutes)
case-note-type = Type
case-note-place = Place
case-note-participants = Participants
case-note-level = Who may read it
case-note-body = Note
case-note-body-hint = Blank line: new paragraph. **bold**, *italic*, and lines starting with "- " make a list.
case-note-save = Save the note
case-note-conflict = This note changed since you opened the form (in another tab?). Its current text is shown above; yours is kept below. Saving again replaces the current text.
case-note-conflict-heading = The note as it is now
case-draft-saved = Draft saved at { $date }.
case-draft-restored = Draft restored from { $date }: what you typed is back. Save the note to keep it.
case-draft-waiting = You have an unfinished draft of { $date }.
case-error-date = Give the date of the contact.
case-error-time = Give the time as hh:mm.
case-error-future = This date is in the future: a note records what happened.
case-error-duration = A duration in minutes, from 0 to { $max }.
case-error-type = Choose the type of note.
case-error-level = Choose who may read the note.
case-error-body = Write the note.
case-error-delete-reason = Say why the note is deleted: the reason stays on the timeline.
case-note-delete-title = Delete a note
case-note-delete-reason = Why delete it?
case-note-delete-hint = The note's text goes; who deleted it, when and why stay on the timeline.
case-note-delete-submit = Delete the note
case-back = Back to the case
case-versions-title = Previous versions of the note
case-version-current = Current text (since { $date })
case-version-earlier = Written { $date }, replaced { $replaced }

home-drafts-heading = Unfinished drafts
home-draft-new = New note for { $name } (saved { $date })
home-draft-edit = Correction of a note for { $name } (saved { $date })

# Emergency access (break the glass).
case-emergency-link = Emergency access
case-emergency-title = Emergency access
case-emergency-heading = Emergency access to the case of { $name }
case-emergency-intro = You do not follow this person. In an emergency, you may read their case for 24 hours (notes of normal confidentiality, without writing anything). Your reason is recorded in the audit log and the referent is told.
case-emergency-reason = Reason for emergency access
case-emergency-reason-hint = Between 10 and 500 characters.
case-emergency-submit = Open in an emergency
case-emergency-error-required = Give the reason for emergency access.
case-emergency-error-short = The reason must be at least { $min } characters long.
case-emergency-banner = Emergency access until { $until }, because: { $reason }
notification-case_emergency_access = { $actor } opened a case you follow in an emergency ({ $organisation }). The reason is in the audit log.
mail-kind-case_emergency_access = Someone opens a case I follow in an emergency

# Timeline events of other features (case-event-<kind>-<detail>), and the filter's groups.
case-event-open = Open
case-filter-status = Status changes
case-filter-assessment = Assessments
case-filter-plan = Plan changes
case-filter-victory = Victories
case-filter-referents = Referent changes
case-filter-follow-up = Follow-up checks
