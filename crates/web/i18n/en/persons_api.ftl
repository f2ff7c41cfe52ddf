# The JSON API of persons and households (web::persons::api). Every key also exists in French
# (a test checks it).

persons-api-error-media-type = Send the body as JSON, with the header Content-Type: application/json.
persons-api-error-invalid-body = The body is not a JSON object of the expected shape: see the OpenAPI document (/api/v1/openapi.json).
persons-api-error-validation = Some fields were refused: each one is listed in "fields" with the reason.
persons-api-error-not-editable = Your role does not allow you to change these fields: { $fields }. Leave them out of the request.
persons-api-error-conflict = This record has changed since version { $version }: its current state is in "current". Apply your change to it and send it again with version { $current }.
persons-api-error-unknown-field = Unknown field.
persons-api-error-type-text = Expected a string, or null.
persons-api-error-type-flag = Expected true, false or null.
persons-api-error-type-phones = Expected an array of strings (one phone number each), or null.
persons-api-error-type-resources = Expected an array of objects, each with a "code" and an "amount_cents", or null.
persons-api-error-amount = The amount of { $resource } must be a whole number of cents, 0 or more.
persons-api-error-date = Not a date: write it as YYYY-MM-DD, for example 1985-03-12.
persons-api-error-phone = Phone number { $number } is not a phone number: digits, spaces, dots, dashes and a leading + only, 6 to 20 digits.
persons-api-error-version = Give the version of the record you are changing: the integer "version" that reading it returned.
persons-api-error-required = This field is required.
persons-api-error-person = No person of your organisation has this id.
persons-api-error-id = Expected the id of a record (a UUID).
persons-api-error-not-editable-field = Your role does not allow you to change this field.
