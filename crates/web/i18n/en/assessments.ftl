## Assessments (ratings per life domain) and the radar.

list-name-life_domain = Life domains (assessment)
list-life_domain-housing = Housing
list-life_domain-employment = Employment, inclusion
list-life_domain-budget = Income, budget
list-life_domain-health = Health
list-life_domain-mental_health = Mental health
list-life_domain-family = Family, parenting
list-life_domain-justice = Justice
list-life_domain-education = Education, training
list-life_domain-mobility = Mobility
list-life_domain-social_life = Social life, isolation
list-life_domain-rights = Access to rights
list-life_domain-food = Food
list-life_domain-digital = Digital skills and access
list-life_domain-french_language = French language

case-event-assessment-added = Assessment recorded
case-event-assessment-corrected = Assessment corrected

assessment-level-0 = 0 — No need
assessment-level-1 = 1 — Slight need
assessment-level-2 = 2 — Moderate need
assessment-level-3 = 3 — Serious need
assessment-level-4 = 4 — Critical need
assessment-level-0-hint = No difficulty, the situation is stable.
assessment-level-1-hint = A small difficulty the person copes with on their own.
assessment-level-2-hint = A difficulty that needs some occasional help.
assessment-level-3-hint = A serious difficulty that needs regular support.
assessment-level-4-hint = An emergency or a danger, to deal with at once.

admin-nav-assessment-levels = Assessment levels
home-draft-assessment-new = Assessment in progress for { $name } (draft of { $date })
home-draft-assessment-edit = Correction of an assessment of { $name } (draft of { $date })

assessment-not-assessed = Not assessed
assessment-list-title = Assessments
assessment-list-caption = Assessments of the case, latest first
assessment-new = New assessment
assessment-none = No assessment yet.
assessment-date = Date of the assessment
assessment-date-hint = The day of the interview (not in the future).
assessment-by = By
assessment-by-line = Assessed by { $name }
assessment-corrected-by = corrected by { $name }
assessment-col-assessed = Domains assessed
assessment-col-priorities = Priorities
assessment-count-assessed = { $count ->
    [one] { $count } domain assessed
   *[other] { $count } domains assessed
}
assessment-count-priorities = { $count ->
    [one] { $count } priority
   *[other] { $count } priorities
}
assessment-of = Assessment of { $date }
assessment-correct = Correct this assessment
assessment-compare-with = Compare with the one of { $date }
assessment-compare-heading = Compare two assessments
assessment-compare-from = Before
assessment-compare-to = After
assessment-compare-submit = Compare
assessment-compare-title = Change from { $from } to { $to }
assessment-compare-hint = A lower need is progress (↘); a higher need, a setback (↗).
assessment-change-better = better
assessment-change-worse = worse
assessment-change-same = unchanged
assessment-change-new = assessed for the first time
assessment-change-dropped = no longer assessed
assessment-change-unrated = not assessed
assessment-priority-added = became a priority
assessment-priority-removed = no longer a priority
assessment-priority-kept = still a priority
assessment-evolution-heading = Change per domain
assessment-evolution-hint = Need level from 0 (none) to 4 (critical): the worker's rating as a solid line with circles, the person's as a dashed line with squares.
assessment-evolution-title = Change: { $domain }
assessment-evolution-desc = Need level (0 none, 4 critical) at each assessment, as the worker and as the person rated it.
assessment-table-of = Data: { $domain }
assessment-series-worker = Worker's rating
assessment-series-person = Person's own rating
assessment-radar-title = Needs per life domain
assessment-radar-desc = Need level from 0 (centre) to 4 (rim) for each domain assessed.
assessment-radar-desc-compare = Need level from 0 (centre) to 4 (rim) for each domain: the latest assessment as a solid line, the previous one dashed.
assessment-radar-latest = Assessment of { $date }
assessment-radar-previous = Previous, of { $date }
assessment-radar-caption = The smaller the shape, the lower the needs. The table holds the same figures.
assessment-ratings-caption = Ratings per life domain
assessment-domain = Domain
assessment-need = Need level (worker)
assessment-person = Person's own rating
assessment-priority = Priority
assessment-priority-yes = Priority
assessment-priority-label = Priority domain
assessment-person-words = In the person's words (optional)
assessment-strengths = Strengths, resources
assessment-new-title = New assessment
assessment-edit-title = Correct the assessment
assessment-form-intro = For each domain, rate the need and the person's own view on the same scale. Leave "Not assessed" for a domain you did not talk about. What you type is kept as a draft on the server.
assessment-save = Save the assessment
assessment-notice-added = The assessment is saved.
assessment-notice-corrected = The assessment is corrected.
assessment-error-date = Enter the date of the assessment.
assessment-error-future = The date of the assessment cannot be in the future.
assessment-error-level = Choose a level from 0 to 4, or "Not assessed".
assessment-error-nothing = Assess at least one domain (your rating or the person's).
assessment-error-domain = Your organisation no longer offers this domain.
assessment-error-one-line = Write this text on one line.
assessment-conflict = This assessment was changed meanwhile. What you typed is kept below: check it and save again.
assessment-conflict-heading = The assessment as it is stored now (of { $date })
assessment-conflict-caption = Version saved meanwhile
assessment-panel-heading = Assessment
assessment-panel-latest = Latest assessment: { $date }
assessment-panel-previous = previous: { $date }
assessment-panel-table = Need levels per domain (table)
assessment-panel-open = See the assessments and how they changed

assessment-levels-title = Assessment need levels
assessment-levels-intro = Describe each need level in a few words, for every domain or for one domain. An empty field keeps the default text.
assessment-levels-domain = Domain
assessment-levels-all-domains = All domains
assessment-levels-choose = Show
assessment-levels-for = Descriptions: { $domain }
assessment-levels-fr = Text in French
assessment-levels-en = Text in English
assessment-levels-default = Default: "{ $text }"
assessment-levels-inherited = For all domains: "{ $text }"
assessment-levels-stored = Saved meanwhile: { $text }
assessment-levels-save = Save the descriptions
assessment-levels-saved = The descriptions are saved.
assessment-levels-conflict = Another manager changed these descriptions meanwhile. What you typed is kept: check it and save again.
