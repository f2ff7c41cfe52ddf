# Notifications.

notifications-title = Notifications
notifications-none = No notifications.
notifications-mark-read = Mark all as read
notifications-new = new
nav-notifications = Notifications
nav-notifications-unread = { $count ->
    [0] Notifications
    [one] Notifications (1 unread)
   *[other] Notifications ({ $count } unread)
}
notification-someone = Someone
notification-unknown = A notification of a kind this version does not know.
notification-role_changed = { $actor } changed your role in { $organisation }: { $role }.
notification-second_factor_reset = { $actor } turned off your two-step verification in { $organisation }. If you did not ask for it, tell your manager.
notification-added_to_organisation = { $actor } added you to { $organisation }. You can work there from "My account".
notification-membership_disabled = { $actor } disabled your access to { $organisation }.
notification-password_reset_link_created = { $actor } created a link to choose a new password for your account ({ $organisation }). If you did not ask for it, tell your manager.
notification-urgency_raised = { $actor } raised an urgency flag in { $organisation }: { $flag }. See the team queue.
notification-invitation_received = { $actor } invites you to join { $organisation }. Accept or decline the invitation from "My account".
