# Invitations into an organisation: what the invitee sees (web::account) and what the manager
# who invites sees (web::admin). Every key also exists in French.

invitations-heading = Invitations
invitations-intro = Organisations invite you to join them. Nothing changes until you accept; declining tells the organisation nothing else.
invitations-caption = Invitations waiting for your answer
invitations-col-invitation = Invitation
invitations-col-expires = Valid until
invitations-col-answer = Answer
invitations-line = { $actor } invites you to join { $organisation }, as { $role }.
invitations-expires = Valid until { $date }.
invitations-accept = Accept
invitations-decline = Decline
invitations-notice-accepted = Invitation accepted: the organisation is now listed under "My organisations", where you can choose to work in it.
invitations-notice-declined = Invitation declined.
invitations-notice-gone = This invitation no longer waits for an answer: it was already answered, replaced, or it expired.
invitations-link-title = Invitation
invitations-link-heading = You are invited to Passerelle
invitations-link-text = { $organisation } invites you to join it, as { $role }. Sign in with your usual Passerelle account, then accept or decline the invitation from "My account".
invitations-link-sign-in = Sign in
invitations-link-account = Answer from my account

admin-invitations-heading = Invitations waiting
admin-invitations-intro = These people have not joined the organisation yet: they do so by accepting the invitation (with the link you gave them). An invitation nobody accepts expires; invite again to get a new link.
admin-invitations-caption = Invitations waiting, newest first
admin-invitations-col-invited = Invited on
admin-invitations-col-expires = Expires on
admin-invited-title = Invitation ready
admin-invited-link-heading = Invitation link
admin-invited-text = { $email } is invited to join this organisation, as { $role }. They join by following the link below: depending on their situation, they choose a password or sign in to their account, then accept.
admin-invited-no-email = Passerelle does not send e-mails on this instance yet: copy this link and give it to the person yourself, through a channel only they read. It will not be shown again.
admin-invited-link-label = One-time link, valid until { $date }
admin-invited-once = Until they answer, the invitation is listed with the members. If the link expires unused, invite the person again.
admin-invited-another = Invite another person
