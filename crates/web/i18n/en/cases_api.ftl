# The case file API (/api/v1/cases…): messages of refusals, for the caller's language.
cases-api-error-datetime = Not a date and time: write it as RFC 3339, for example 2026-01-15T10:30:00+01:00.
cases-api-error-team = No team of your organisation has this id.
cases-api-error-worker = No social worker of your organisation has this id.
cases-api-error-closed = This case is closed: reopen it before writing in it.
cases-api-error-limit = A number of entries from 1 to 100.
cases-api-error-cursor = Not a cursor of this API: pass the "next" of the previous page as it was.
