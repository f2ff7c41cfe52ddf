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
