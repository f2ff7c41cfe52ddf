# Passwords: the reset link a manager creates (web::admin), and changing one's own password
# from "My account" (web::account).

passwords-member-heading = Password
passwords-member-hint = If the person forgot their password, create a one-time link, valid 24 hours, with which they choose a new one. Their current password works until they use it; their open sessions then end. A new link cancels the earlier ones.
passwords-member-submit = Create a password reset link
passwords-member-own = This is your own account: change your password from your account page.
passwords-member-own-link = Change my password
passwords-error-own = Change your own password from your account page, which asks for the current one.
passwords-error-elsewhere = This account also opens another organisation or the instance's administration, which its password protects too: ask the instance administrator.

passwords-link-title = Password reset link created
passwords-link-heading = Link to choose a new password: { $name }
passwords-link-text = With this link, the person ({ $email }) chooses a new password. Their current password works until then; as soon as the new one is saved, all their sessions end. Links created earlier for this account no longer work.
passwords-link-no-email = Passerelle does not send e-mail yet on this instance: copy this link and give it to the person yourself, by a channel only they read. It will not be shown again.
passwords-link-label = One-time link, valid until { $date }
passwords-link-once = The link works once. If it expires unused, create another one from the person's page.
passwords-link-back = Back to the page of { $name }

passwords-change-heading = Change my password
passwords-change-intro = Type your current password, then the new one twice.
passwords-field-current = Current password
passwords-change-sessions = Your other sessions will end: on other devices, you will sign in again with the new password. This one stays open.
passwords-change-submit = Change the password
passwords-changed = Your password is changed. Your other sessions are ended.
passwords-error-current = The current password is wrong.
passwords-error-throttled = Too many attempts with a wrong password. Try again in { $count ->
    [one] one minute
   *[other] { $count } minutes
}.
