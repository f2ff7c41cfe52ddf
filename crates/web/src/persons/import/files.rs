//! Reading the files people import, already in memory: CSV (comma, semicolon or tab; UTF-8
//! with or without BOM, UTF-16 with a BOM, else Windows-1252 as French Excel writes it) and
//! XLSX (the first sheet, dates as dates).
//!
//! This sits at the edge, with the other input formats of the web layer, rather than in
//! `domain`: it is pure (bytes in, a [`Table`] out, no I/O), but file formats are not rules,
//! and their parsers (`csv`, `calamine` and its zip and XML readers) stay out of the crate
//! every other one builds on. The command line links `web` already and reads through here.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use domain::import::{MAX_COLUMNS, MAX_ROWS, Row, Table};
use encoding_rs::{Encoding, WINDOWS_1252};

/// What kind of file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Why a file could not be read as a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// No header row (an empty file).
    Empty,
    /// An Excel 97–2003 workbook (`.xls`): to be saved as `.xlsx` or `.csv`.
    OldExcel,
    /// Binary content that is no spreadsheet, or a damaged XLSX.
    NotASpreadsheet,
    TooManyRows {
        max: usize,
    },
    TooManyColumns {
        max: usize,
    },
}

impl ReadError {
    /// The message key, in `import.ftl`.
    pub fn key(&self) -> &'static str {
        match self {
            ReadError::Empty => "import-file-empty",
            ReadError::OldExcel => "import-file-old-excel",
            ReadError::NotASpreadsheet => "import-file-unreadable",
            ReadError::TooManyRows { .. } => "import-file-too-many-rows",
            ReadError::TooManyColumns { .. } => "import-file-too-many-columns",
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads a CSV or XLSX file, told apart by their content (not their name).
pub fn read(bytes: &[u8]) -> Result<(Format, Table), ReadError> {
    if bytes.starts_with(ZIP_MAGIC) {
        return read_xlsx(bytes).map(|t| (Format::Xlsx, t));
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ReadError::OldExcel);
    }
    read_csv(bytes).map(|t| (Format::Csv, t))
}

/// The text of a CSV file: by its BOM if it has one, UTF-8 if it is valid UTF-8, else
/// Windows-1252 (every byte sequence decodes, so nothing is refused for its encoding).
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// The separator of the header line: the most frequent of `;`, `,` and tab outside quotes
/// (French Excel writes `;`); `,` when there is none.
fn delimiter(text: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.bytes() {
        match c {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
                    entry.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts.iter().filter(|(_, n)| *n > 0).max_by_key(|(_, n)| *n).map_or(b',', |(d, _)| *d)
}

fn read_csv(bytes: &[u8]) -> Result<Table, ReadError> {
    let text = decode(bytes);
    if text.contains('\0') {
        return Err(ReadError::NotASpreadsheet);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // Line numbers as a spreadsheet shows them: one per record, blank lines included (the
    // reader passes over them), a cell's line breaks not counted.
    let mut records: Vec<(usize, Vec<String>)> = Vec::new();
    let (mut next_physical, mut spreadsheet_line) = (1usize, 0usize);
    for record in reader.records() {
        let record = record.map_err(|_| ReadError::NotASpreadsheet)?;
        // The reader places a record after the blank lines it passed over: count them back.
        let start = record.position().map_or(next_physical, |p| {
            let skipped = text.as_bytes()[p.byte() as usize..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .filter(|b| **b == b'\n')
                .count();
            p.line() as usize + skipped
        });
        spreadsheet_line += 1 + start.saturating_sub(next_physical);
        let breaks: usize = record.iter().map(|f| f.matches('\n').count()).sum();
        next_physical = start + breaks + 1;
        if records.len() > MAX_ROWS {
            return Err(ReadError::TooManyRows { max: MAX_ROWS });
        }
        records.push((spreadsheet_line, record.iter().map(str::to_owned).collect()));
    }
    table(records)
}

/// The first record is the header; columns without a header nor any value are dropped (the
/// trailing `;;;` of many exports).
fn table(records: Vec<(usize, Vec<String>)>) -> Result<Table, ReadError> {
    let mut records = records.into_iter();
    let Some((_, headers)) = records.next() else { return Err(ReadError::Empty) };
    let rows: Vec<Row> = records.map(|(line, cells)| Row { line, cells }).collect();
    if rows.len() > MAX_ROWS {
        return Err(ReadError::TooManyRows { max: MAX_ROWS });
    }
    let width = rows.iter().map(|r| r.cells.len()).chain([headers.len()]).max().unwrap_or(0);
    let used: Vec<usize> = (0..width)
        .filter(|c| {
            headers.get(*c).is_some_and(|h| !h.trim().is_empty())
                || rows.iter().any(|r| r.cells.get(*c).is_some_and(|v| !v.trim().is_empty()))
        })
        .collect();
    if used.is_empty() {
        return Err(ReadError::Empty);
    }
    if used.len() > MAX_COLUMNS {
        return Err(ReadError::TooManyColumns { max: MAX_COLUMNS });
    }
    let pick = |cells: &[String]| -> Vec<String> {
        used.iter().map(|c| cells.get(*c).cloned().unwrap_or_default()).collect()
    };
    Ok(Table {
        headers: pick(&headers).into_iter().map(|h| h.trim().to_owned()).collect(),
        rows: rows.into_iter().map(|r| Row { line: r.line, cells: pick(&r.cells) }).collect(),
    })
}

/// A cell as text: dates as `yyyy-mm-dd`, whole numbers without a decimal part (a phone typed
/// as 612345678 stays 612345678: the validation says whether it is a phone), other numbers in
/// their shortest form.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        DataRef::DateTime(dt) => dt.as_f64().to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::NotASpreadsheet)?;
    let Some(first) = workbook.sheet_names().into_iter().next() else {
        return Err(ReadError::Empty);
    };
    // Cell by cell rather than as one range: a range spans from the first to the last used
    // cell, and one stray cell far away would make it enormous.
    let mut cells =
        workbook.worksheet_cells_reader(&first).map_err(|_| ReadError::NotASpreadsheet)?;
    let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|_| ReadError::NotASpreadsheet)? {
        let text = cell_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        if column as usize >= MAX_COLUMNS * 2 {
            return Err(ReadError::TooManyColumns { max: MAX_COLUMNS });
        }
        rows.entry(row).or_default().push((column, text));
        if rows.len() > MAX_ROWS + 1 {
            return Err(ReadError::TooManyRows { max: MAX_ROWS });
        }
    }
    let records = rows
        .into_iter()
        .map(|(row, cells)| {
            let width = cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
            let mut out = vec![String::new(); width];
            for (c, text) in cells {
                out[c as usize] = text;
            }
            // Rows and columns count from 0 in the file, from 1 on the screen.
            (row as usize + 1, out)
        })
        .collect();
    table(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_windows_1252_and_a_bom_are_understood() {
        let latin1: Vec<u8> =
            b"Nom;Pr\xe9nom;Ville\r\nL\xe9v\xeaque;Ir\xe8ne;Saint-\xc9tienne\r\n".to_vec();
        let (format, t) = read(&latin1).unwrap();
        assert_eq!(format, Format::Csv);
        assert_eq!(t.headers, vec!["Nom", "Prénom", "Ville"]);
        assert_eq!(t.rows[0].cells, vec!["Lévêque", "Irène", "Saint-Étienne"]);
        assert_eq!(t.rows[0].line, 2);
        let bom = "\u{feff}Nom,Prénom\nMartin,Zoé\n".as_bytes();
        let (_, t) = read(bom).unwrap();
        assert_eq!(t.headers, vec!["Nom", "Prénom"]);
        assert_eq!(t.rows[0].cells, vec!["Martin", "Zoé"]);
    }

    #[test]
    fn line_numbers_are_the_spreadsheets_with_blank_lines_and_line_breaks_in_cells() {
        let text = "Nom;Adresse\nA;\"1 rue X\nBât. B\"\n\nB;2 rue Y\n";
        let (_, t) = read(text.as_bytes()).unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4], "row 3 is blank; the line break inside a cell is no row");
        assert_eq!(t.rows[0].cells[1], "1 rue X\nBât. B");
    }

    #[test]
    fn the_delimiter_is_the_most_frequent_one_outside_quotes() {
        assert_eq!(delimiter("a;b;c\n1,2;3"), b';');
        assert_eq!(delimiter("\"a;b\",c,d\n"), b',');
        assert_eq!(delimiter("a\tb\n"), b'\t');
        assert_eq!(delimiter("alone\n"), b',');
    }

    #[test]
    fn empty_trailing_columns_are_dropped_and_empty_files_refused() {
        let (_, t) = read(b"Nom;Ville;;\nA;B;;\n").unwrap();
        assert_eq!(t.headers, vec!["Nom", "Ville"]);
        assert_eq!(read(b""), Err(ReadError::Empty));
        assert_eq!(read(b";;\n;;\n"), Err(ReadError::Empty));
        assert_eq!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Err(ReadError::OldExcel)
        );
        assert_eq!(read(b"PK\x03\x04garbage"), Err(ReadError::NotASpreadsheet));
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut text = String::from("Nom\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("P{i}\n"));
        }
        assert_eq!(read(text.as_bytes()), Err(ReadError::TooManyRows { max: MAX_ROWS }));
    }

    #[test]
    fn xlsx_cells_keep_dates_as_dates_and_numbers_as_typed() {
        use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = XFormat::new().set_num_format("dd/mm/yyyy");
        sheet.write_string(0, 0, "Nom").unwrap();
        sheet.write_string(0, 1, "Né(e) le").unwrap();
        sheet.write_string(0, 2, "Portable").unwrap();
        sheet.write_string(0, 3, "Montant").unwrap();
        sheet.write_string(2, 0, "Lévêque").unwrap();
        let birth = ExcelDateTime::from_ymd(1985, 3, 12).unwrap();
        sheet.write_datetime_with_format(2, 1, &birth, &date).unwrap();
        sheet.write_number(2, 2, 612_345_678.0).unwrap();
        sheet.write_number(2, 3, 607.75).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let (format, t) = read(&bytes).unwrap();
        assert_eq!(format, Format::Xlsx);
        assert_eq!(t.headers, vec!["Nom", "Né(e) le", "Portable", "Montant"]);
        assert_eq!(t.rows.len(), 1, "the blank row 2 is not a record");
        assert_eq!(t.rows[0].line, 3);
        assert_eq!(t.rows[0].cells, vec!["Lévêque", "1985-03-12", "612345678", "607.75"]);
    }
}
