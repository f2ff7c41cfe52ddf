# The organisation's value lists, for its manager (web::admin::lists).
admin-nav-lists = Value lists

list-name-sex = Sex or gender
list-name-housing_situation = Housing situation
list-name-family_situation = Family situation
list-name-resources = Resources and benefits
list-name-protection_measure = Legal protection measure
list-name-relationship = Relationship to the reference person of the household
list-name-urgency_flag = Urgency reasons

lists-admin-title = Value lists
lists-admin-intro = The lists the forms offer. Your organisation may hide a value, give it its own label, move it or add values of its own; codes never change, and a hidden value stays on the records that hold it.
lists-admin-caption = The lists and what your organisation changed in them
lists-admin-col-list = List
lists-admin-col-name-fr = Name in French
lists-admin-col-name-en = Name in English
lists-admin-col-values = Values
lists-admin-col-hidden-count = Hidden
lists-admin-col-relabelled-count = Relabelled
lists-admin-col-own-count = The organisation's own

lists-admin-back = All lists
lists-admin-list-intro = A label left empty uses the default label. A hidden value is no longer offered for a new choice but stays on the records that hold it. Values are shown by increasing position.
lists-admin-notice-saved = The list is saved.
lists-admin-notice-added = The value is added at the end of the list.

lists-admin-conflict-title = Someone changed this list meanwhile
lists-admin-conflict-text = Nothing was saved. For these values, a colleague changed what you changed, differently. The form keeps what you typed: check it, then save again to keep it.
lists-admin-conflict-caption = The values changed on both sides
lists-admin-conflict-value = Value
lists-admin-conflict-stored = Saved meanwhile
lists-admin-conflict-typed = What you typed

lists-admin-values-heading = Values of the list
lists-admin-values-caption = Each value, its default label and your organisation's labels
lists-admin-col-code = Code
lists-admin-col-default = Default label
lists-admin-col-fr = French label
lists-admin-col-en = English label
lists-admin-col-hidden = Hidden
lists-admin-col-position = Position
lists-admin-own-value = Own value
lists-admin-input-fr = French label of “{ $value }”
lists-admin-input-en = English label of “{ $value }”
lists-admin-input-hidden = Hide “{ $value }”
lists-admin-input-position = Position of “{ $value }”
lists-admin-save-hint = All rows are saved together.
lists-admin-save = Save the list

lists-admin-add-heading = Add a value of your organisation's own
lists-admin-new-value = The new value
lists-admin-field-code = Code
lists-admin-field-code-hint = Lowercase letters without accents, digits and underscores (_), 2 to 40 characters, starting with a letter. The code can never change: statistics and imports rely on it.
lists-admin-field-fr = French label
lists-admin-field-en = English label (optional)
lists-admin-add = Add the value

lists-admin-error-fr-required = { $value }: enter a French label.
lists-admin-error-label-long = { $value }: the label must be at most { $max } characters long.
lists-admin-error-label-control = { $value }: the label contains an invisible character or a line break.
lists-admin-error-position = { $value }: the position must be a whole number between -{ $max } and { $max }.
lists-admin-error-code-required = Enter a code.
lists-admin-error-code-invalid = The code may only contain lowercase letters without accents, digits and underscores (_), 2 to 40 characters, starting with a letter.
lists-admin-error-code-taken = The code “{ $code }” already exists in this list.

lists-admin-describe-default = default label
lists-admin-describe-fr = French: { $label }
lists-admin-describe-en = English: { $label }
lists-admin-describe-hidden = hidden
lists-admin-describe-shown = offered
lists-admin-describe-position = position { $position }
