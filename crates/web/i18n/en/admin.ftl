# Administration of an organisation by its manager: members and teams (web::admin).

nav-administration = Administration
admin-nav-label = Administration
admin-nav-users = Members
admin-nav-teams = Teams
admin-nav-settings = Settings

admin-users-title = Members
admin-users-heading = Members of the organisation
admin-users-intro = Everyone who works in this organisation, with their role and teams. Open a member to change their role or teams, disable their access or reset their two-step verification.
admin-users-count = { $count ->
    [one] One member
   *[other] { $count } members
}
admin-users-caption-newest = Members of the organisation, newest first
admin-users-caption-name = Members of the organisation, by name
admin-sort = Order:
admin-sort-newest = newest first
admin-sort-name = by name
admin-col-name = Name
admin-col-email = E-mail address
admin-col-role = Role
admin-col-teams = Teams
admin-col-status = Access
admin-col-second-factor = Two-step verification
admin-col-last-sign-in = Last sign-in
admin-status-enabled = Enabled
admin-status-disabled = Disabled
admin-status-account-disabled = Account disabled
admin-second-factor-on = On
admin-second-factor-off = Off
admin-never = Never
admin-no-team = No team
admin-team-supervised = { $team } (supervises)
admin-back-to-users = Back to the members

admin-invite-action = Invite someone
admin-invite-title = Invite someone
admin-invite-heading = Invite someone into the organisation
admin-invite-intro = The person gets an invitation, which they accept with the link you will pass on: without an account yet, they choose a password; with one, they sign in and accept from their account. They join the organisation only by accepting.
admin-field-email = E-mail address
admin-field-name = Full name
admin-field-role = Role
admin-field-role-choose = Choose a role
admin-field-teams = Teams
admin-field-teams-hint = Tick the teams this person works in.
admin-field-teams-hint-supervises = Tick the teams this person works in. "Supervises" is for supervisors only: they read the cases of the teams they supervise.
admin-field-supervises = supervises
admin-no-teams-yet = The organisation has no team yet.
admin-invite-no-email = E-mail sending is not set up on this instance yet: the invitation link will be shown on the next page, for you to pass on.
admin-invite-submit = Invite
admin-error-email = Enter an e-mail address such as name@example.org.
admin-error-name = Enter the person's name.
admin-error-name-long = The name is too long ({ $max } characters at most).
admin-error-role = Choose one of the organisation's roles.
admin-error-supervises = Only a supervisor supervises teams: untick "supervises", or choose the supervisor role.
admin-error-already-member = { $email } is already a member of this organisation. Open their page in the list of members to change their role or teams.
admin-error-try-again = An account was created for this address at the same moment. Send the form again.

admin-member-facts = Summary
admin-member-since = Member since
admin-member-own = This is your own membership: you cannot disable it or give up the manager role here.
admin-member-role-heading = Change the role
admin-member-role-hint = The new role applies from the person's next page: no need to sign in again.
admin-member-role-submit = Save the role
admin-member-teams-heading = Change the teams
admin-member-teams-submit = Save the teams
admin-member-access-heading = Access to the organisation
admin-member-disable-hint = Disabling ends this person's sessions in this organisation at once and keeps them out of it. Their account, their history and their other organisations stay; you can enable them again.
admin-member-disable = Disable access
admin-member-enable-hint = This person's access to the organisation is disabled.
admin-member-enable = Enable access again
admin-member-account-disabled = The whole account is disabled by the instance administrator: this person cannot sign in anywhere.
admin-member-second-factor-heading = Two-step verification
admin-member-second-factor-off = Two-step verification is off for this person.
admin-member-reset-intro = If the person lost their phone and has no recovery code left, turn two-step verification off: they then sign in with their password alone, and can turn it on again from their account.
admin-field-reason = Reason
admin-field-reason-hint = Kept in the audit log. For example: "phone lost, identity checked in person". No health or family details.
admin-member-reset-submit = Turn off two-step verification
admin-error-lock-out-role = You cannot give up your own manager role: nobody could then give it back to you. Ask another manager to change it.
admin-error-lock-out-disable = You cannot disable your own access: you would be locked out of the organisation. Ask another manager.
admin-error-own-second-factor = Turn your own two-step verification off from your account page, which asks for a code.
admin-error-second-factor-off = Two-step verification is already off for this person.
admin-error-reason = Give the reason for turning it off.
admin-error-reason-long = The reason is too long ({ $max } characters at most).
admin-error-second-factor-elsewhere = This account also opens another organisation or the instance's administration, which its two-step verification protects too: ask the instance administrator.
admin-notice-role = The role is changed.
admin-notice-teams = The teams are saved.
admin-notice-disabled = Access disabled; this person's sessions in the organisation are ended.
admin-notice-enabled = Access enabled again.
admin-notice-second-factor = Two-step verification is off: the person signs in with their password alone.
admin-notice-unchanged = Nothing to change.

admin-teams-title = Teams
admin-teams-heading = Teams of the organisation
admin-teams-intro = Services, branches or units: cases are followed by a team, and supervisors read the cases of the teams they supervise.
admin-teams-count = { $count ->
    [one] One team
   *[other] { $count } teams
}
admin-teams-caption = Teams of the organisation, with their number of members with access
admin-col-team = Team
admin-col-members = Members
admin-team-new-heading = New team
admin-field-team-name = Name of the team
admin-team-create = Create the team
admin-team-error-name = Enter the team's name.
admin-team-error-duplicate = The organisation already has a team called "{ $name }".
admin-team-notice-created = The team is created.
admin-back-to-teams = Back to the teams
admin-team-rename-heading = Rename
admin-team-rename = Rename the team
admin-team-notice-renamed = The team is renamed.
admin-team-members-caption = Members of the team
admin-team-supervises = supervises
admin-team-empty = Nobody is in this team yet. Add members from their page.
admin-team-conflict-title = Someone renamed this team while you were typing
admin-team-conflict-text = Nothing was overwritten. Compare the two names; the form below holds what you typed: send it again if your name should replace the saved one.
admin-team-conflict-stored = Saved name
admin-team-conflict-typed = The name you typed
