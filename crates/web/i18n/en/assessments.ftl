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
