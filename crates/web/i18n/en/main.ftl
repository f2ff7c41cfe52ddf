# English. Every key also exists in French (a test checks it).

app-name = Passerelle
skip-to-content = Skip to content
nav-main = Main navigation
nav-home = Home
nav-api = API
nav-language = Language
lang-fr = Français
lang-en = English
lang-ko = 한국어
footer-tagline = Passerelle, open-source case management for social work
footer-version = Version { $version }
footer-api-doc = API description (OpenAPI)

home-title = Home
home-heading = Welcome to Passerelle
home-intro = Passerelle brings a supported person's whole situation into one place: their household, the assessment of their needs and strengths, the action plan built with them, and the follow-up with partners.
home-figures = This instance in figures
home-count-organisations = { $count ->
    [one] organisation
   *[other] organisations
}
home-count-teams = { $count ->
    [one] team
   *[other] teams
}
home-organisations-heading = Hosted organisations
home-organisations-caption = Organisations hosted on this instance, with their teams
home-col-name = Name
home-col-slug = Short name
home-col-teams = Teams
home-col-time-zone = Time zone
home-empty = No organisation is registered on this instance yet.
home-empty-hint = To discover Passerelle with fictitious data, start the demonstration: "passerelle serve --demo".

error-404-title = Page not found
error-404-text = This page does not exist, or you do not have access to what it holds.
error-500-title = Something went wrong
error-500-text = The request could not be completed. Nothing you typed was half-saved; you can try again. If the problem persists, give this reference to your administrator:
error-back-home = Back to the home page

api-error-not-found = Resource not found.
api-error-internal = Internal error. Give the request id to your administrator.
api-error-unavailable = Service temporarily unavailable.
error-csrf-title = Form expired
error-csrf-text = This form is no longer valid (the page stayed open a long time, or was opened from another site). Nothing was saved. Go back, reload the page and send it again.
api-error-unauthorized = Authentication required.
api-error-csrf = Missing or invalid anti-forgery token.

nav-signed-in-as = Signed in as { $name }
nav-logout = Sign out
login-title = Sign in
login-heading = Sign in to Passerelle
login-email = E-mail address
login-password = Password
login-submit = Sign in
login-failed = Wrong e-mail address or password.
login-error-summary = There is a problem
login-password-set = Your password is saved. You can sign in.
login-signed-out = You are signed out.
login-expired = Your session expired. Sign in again; nothing that was saved is lost.
home-failed-logins = { $count ->
    [one] One sign-in attempt on your account failed since your last sign-in. If it was not you, change your password and tell your administrator.
   *[other] { $count } sign-in attempts on your account failed since your last sign-in. If it was not you, change your password and tell your administrator.
}
home-your-organisation = Your organisation: { $organisation } ({ $role })
home-no-organisation = You do not belong to any organisation.
password-title = Choose a password
password-heading = Choose your password
password-intro = At least 12 characters. A sentence of several words is easier to remember and harder to guess.
password-new = New password
password-confirm = Confirm the password
password-submit = Save the password
password-invalid-link = This link is no longer valid: it was already used or it expired. Ask your administrator for a new one.
password-mismatch = The two passwords are not the same.
password-too-short = The password must be at least { $min } characters.
password-too-long = The password must be at most { $max } characters.
password-too-weak = This password is too easy to guess. Add words, or avoid your name and e-mail address.
role-manager = manager
role-worker = social worker
role-reception = reception
role-supervisor = supervisor
role-dpo = data protection officer
role-peer-mediator = peer mediator
role-partner = partner
role-admin = administrator
