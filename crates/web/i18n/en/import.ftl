# Import of persons and households from a spreadsheet (CSV or XLSX).
import-action = Import from a spreadsheet
import-title = Import persons and households
import-intro = Send the spreadsheet (CSV or XLSX) in which the organisation kept its records. Nothing is saved until you have seen the report and confirmed.
import-intro-columns = The first row holds the column titles; columns are recognised by name ("Last name", "First name", "Birth date", "Phone", "Benefit number"…), and you can correct what each one feeds.
import-intro-households = A "Household" column groups the persons who live together: a household's first row is its reference person, the others give their relationship in a "Relationship" column (spouse, minor child…).
import-intro-dry-run = The report gives each error with its line; while a single one remains, nothing is imported.
import-intro-duplicates = A row that looks like someone already registered (or like an earlier row) is flagged and left out: importing the same file twice registers nobody twice.
import-file-label = File to import
import-file-hint = CSV (separated by semicolons or commas) or Excel .xlsx workbook (first sheet), 10 MB at most.
import-check-action = Check the file
import-cancelled = The import is cancelled and the file deleted.
import-file-missing = Choose a file to import.
import-file-too-large = This file is larger than { $count } MB: split it into several files.
import-file-not-sent = The file was not received. Choose it and send it again.
import-file-empty = This file is empty: it needs a row of titles and at least one row of data.
import-file-old-excel = This is an old Excel workbook (.xls): save it as .xlsx or .csv, then send it.
import-file-unreadable = This file is neither a CSV file nor a readable .xlsx workbook.
import-file-too-many-rows = This file has more than { $count } rows: split it into several files.
import-file-too-many-columns = This file has more than { $count } columns.
import-upload-gone = This file is no longer available: a file is kept for one hour at most. Send it again.
import-report-title = Check report
import-done-title = Import done
import-file-name = File "{ $file }":
import-lines-read = { $count ->
    [0] no data rows.
    [one] one data row.
   *[other] { $count } data rows.
}
import-blocked = Nothing is imported while errors remain: correct the file or the columns, then check again.
import-error-lines = { $count ->
    [one] One line with errors
   *[other] { $count } lines with errors
}
import-errors-caption = Errors, line by line (line numbers as the spreadsheet shows them, the title row being line 1)
import-col-line = Line
import-col-field = Field
import-col-column = Column of the file
import-col-problem = Problem
import-col-reason = Reason
import-col-example = Example (first value)
import-col-target = Passerelle field
import-skipped-heading = { $count ->
    [one] One row left out (possible duplicate)
   *[other] { $count } rows left out (possible duplicates)
}
import-skipped-hint = These rows are not imported. If they really are other persons, register them one by one from the Persons page. A household is imported whole or not at all.
import-skipped-caption = Rows not imported and why
import-back-to-persons = See the persons
import-columns-heading = Columns
import-columns-hint = Choose what each column holds, then check again. An ignored column is not imported.
import-columns-caption = Which Passerelle field each column of the file feeds
import-target-label = Field for the column "{ $column }"
import-ignored-columns = Ignored columns (not imported): { $columns }.
import-recheck-action = Check again
import-confirm-action = { $count ->
    [one] Import one person
   *[other] Import { $count } persons
}
import-cancel-action = Cancel and delete the file
import-target-household = Household (grouping key)
import-target-relationship = Relationship to the reference person
import-target-ignore = — ignore this column —
import-target-ignored = ignored
import-column-untitled = column { $letter } (untitled)
import-quoted = "{ $text }"
import-error-yes-no = Expected: yes or no.
import-error-relationship-unknown = This relationship is not in the organisation's list.
import-error-relationship-missing = Say how this person is related to the household's reference person.
import-error-second-reference = The household already has a reference person, on line { $line }.
import-skip-existing = Possible duplicate of { $name }, already registered.
import-skip-existing-born = Possible duplicate of { $name }, born { $birth_date }, already registered.
import-skip-earlier-line = Possible duplicate of line { $line } of the file.
import-skip-household = Household left out: line { $line } of this household is a possible duplicate.
import-mapping-same-target = Several columns feed "{ $target }": { $columns }. Keep one.
import-mapping-no-name = No column gives a name: choose at least "{ $birth_name }", "{ $used_name }" or "{ $first_names }".
import-mapping-relationship-without-household = A column gives the relationship but none gives the household: choose the household column.
import-mapping-problems-heading = Columns to correct:
import-text-file = File: { $file }
import-text-column = column "{ $column }"
import-text-error = line { $line }, { $field }: { $message }
import-text-skipped = line { $line }: { $message }
import-count-persons = { $count ->
    [0] no person
    [one] one person
   *[other] { $count } persons
}
import-count-households = { $count ->
    [0] no household
    [one] one household
   *[other] { $count } households
}
import-done = Imported: { $persons } and { $households }.
import-would = Ready to import: { $persons } and { $households }.
import-mapping-changed = The columns changed since the last check: here is the new report. Nothing is imported before you have seen it.
import-nothing-imported = Nothing was imported: the file has errors.
import-nothing-to-import = Nothing to import: every row is left out.
audit-action-import = Imported persons
