//! Tabular data packages (Frictionless): the tables of a JSON datapackage with its rows inline,
//! or of a CSV datapackage's files, and back.

use super::*;

/// One table: rows of named text values.
pub type Rows = Vec<BTreeMap<String, String>>;

/// The tables of a datapackage, by resource name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tables(pub BTreeMap<String, Rows>);

impl Tables {
    pub fn rows(&self, table: &str) -> &[BTreeMap<String, String>] {
        self.0.get(table).map_or(&[], Vec::as_slice)
    }

    fn largest(&self) -> usize {
        self.0.values().map(Vec::len).max().unwrap_or(0)
    }
}

pub(super) fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The tables of a JSON datapackage whose resources carry their rows inline (`data`).
pub fn tables_from_json(bytes: &[u8]) -> Result<Tables, FileProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(strip_bom(bytes)).map_err(|_| FileProblem::NotJson)?;
    let resources =
        value.get("resources").and_then(|r| r.as_array()).ok_or(FileProblem::NotDatapackage)?;
    let mut tables = Tables::default();
    for r in resources {
        let (Some(name), Some(data)) =
            (r.get("name").and_then(|n| n.as_str()), r.get("data").and_then(|d| d.as_array()))
        else {
            continue;
        };
        let rows = data
            .iter()
            .filter_map(|row| row.as_object())
            .map(|o| o.iter().map(|(k, v)| (k.clone(), json_text(v))).collect())
            .collect();
        tables.0.insert(name.to_owned(), rows);
    }
    if tables.0.is_empty() {
        return Err(FileProblem::NotDatapackage);
    }
    if tables.largest() > IMPORT_MAX_ROWS {
        return Err(FileProblem::TooManyRows { max: IMPORT_MAX_ROWS });
    }
    Ok(tables)
}

/// The tables of a CSV datapackage's files (file name, content): the CSV files its
/// `datapackage.json` names, or every `.csv` file when it names none.
pub fn tables_from_csv_files(files: &[(String, Vec<u8>)]) -> Result<Tables, FileProblem> {
    let base = |n: &str| n.rsplit('/').next().unwrap_or(n).to_owned();
    let mut wanted: Vec<(String, String)> = Vec::new();
    if let Some((_, descriptor)) = files.iter().find(|(n, _)| base(n) == "datapackage.json") {
        let value: serde_json::Value =
            serde_json::from_slice(strip_bom(descriptor)).map_err(|_| FileProblem::NotJson)?;
        for r in value.get("resources").and_then(|r| r.as_array()).into_iter().flatten() {
            if let (Some(name), Some(path)) =
                (r.get("name").and_then(|n| n.as_str()), r.get("path").and_then(|p| p.as_str()))
            {
                wanted.push((name.to_owned(), base(path)));
            }
        }
    }
    if wanted.is_empty() {
        for (n, _) in files {
            let b = base(n);
            if let Some(stem) = b.strip_suffix(".csv") {
                wanted.push((stem.to_owned(), b.clone()));
            }
        }
    }
    if wanted.is_empty() {
        return Err(FileProblem::NotDatapackage);
    }
    let mut tables = Tables::default();
    for (name, path) in wanted {
        let Some((_, bytes)) = files.iter().find(|(n, _)| base(n) == path) else { continue };
        let (headers, records) = read_csv(bytes)?;
        let rows = records
            .into_iter()
            .map(|rec| headers.iter().cloned().zip(rec).filter(|(_, v)| !v.is_empty()).collect())
            .collect();
        tables.0.insert(name, rows);
    }
    if tables.largest() > IMPORT_MAX_ROWS {
        return Err(FileProblem::TooManyRows { max: IMPORT_MAX_ROWS });
    }
    Ok(tables)
}

pub(super) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// A CSV file's header and records, its separator guessed from the header line (`;` as French
/// spreadsheets write it, `,` or tab).
pub(super) fn read_csv(bytes: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), FileProblem> {
    let bytes = strip_bom(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::NotCsv)?;
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| FileProblem::NotCsv)?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut records = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|_| FileProblem::NotCsv)?;
        if rec.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        records.push(rec.iter().map(|v| v.trim().to_owned()).collect());
        if records.len() > IMPORT_MAX_ROWS {
            return Err(FileProblem::TooManyRows { max: IMPORT_MAX_ROWS });
        }
    }
    Ok((headers, records))
}

/// The columns of each HSDS table we write, in order (the CSV files' headers).
pub const HSDS_COLUMNS: &[(&str, &[&str])] = &[
    ("organization", &["id", "name", "description", "email", "website"]),
    (
        "service",
        &[
            "id",
            "organization_id",
            "name",
            "description",
            "url",
            "email",
            "status",
            "application_process",
            "eligibility_description",
        ],
    ),
    ("location", &["id", "location_type", "organization_id", "name"]),
    (
        "address",
        &["id", "location_id", "address_1", "city", "postal_code", "country", "address_type"],
    ),
    ("service_at_location", &["id", "service_id", "location_id"]),
    ("phone", &["id", "organization_id", "service_id", "number"]),
    ("schedule", &["id", "service_id", "description"]),
    ("service_area", &["id", "service_id", "name"]),
    ("language", &["id", "service_id", "name"]),
    ("contact", &["id", "service_id", "name"]),
    ("taxonomy_term", &["id", "code", "name", "taxonomy"]),
    ("attribute", &["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"]),
];

/// The taxonomy our life domains are exported under (and recognised by on import).
pub const DOMAIN_TAXONOMY: &str = "passerelle_life_domain";
/// The taxonomy of partner kinds.
pub const KIND_TAXONOMY: &str = "passerelle_partner_type";

/// The tables as one JSON datapackage, rows inline.
pub fn tables_to_json(tables: &Tables) -> Vec<u8> {
    let resources: Vec<serde_json::Value> = HSDS_COLUMNS
        .iter()
        .map(|(name, _)| {
            serde_json::json!({
                "name": name,
                "profile": "tabular-data-resource",
                "data": tables.rows(name),
            })
        })
        .collect();
    let package = serde_json::json!({
        "name": "passerelle-partner-directory",
        "profile": "tabular-data-package",
        "title": "Open Referral HSDS 3.0",
        "resources": resources,
    });
    serde_json::to_vec_pretty(&package).unwrap_or_default()
}

/// The tables as a CSV datapackage: `datapackage.json` and one CSV file per table.
pub fn tables_to_csv_files(tables: &Tables) -> Vec<(String, Vec<u8>)> {
    let resources: Vec<serde_json::Value> = HSDS_COLUMNS
        .iter()
        .map(|(name, columns)| {
            let fields: Vec<serde_json::Value> =
                columns.iter().map(|c| serde_json::json!({"name": c, "type": "string"})).collect();
            serde_json::json!({
                "name": name,
                "path": format!("{name}.csv"),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields},
            })
        })
        .collect();
    let package = serde_json::json!({
        "name": "passerelle-partner-directory",
        "profile": "tabular-data-package",
        "title": "Open Referral HSDS 3.0",
        "resources": resources,
    });
    let mut files = vec![(
        "datapackage.json".to_owned(),
        serde_json::to_vec_pretty(&package).unwrap_or_default(),
    )];
    for (name, columns) in HSDS_COLUMNS {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(*columns);
        for row in tables.rows(name) {
            let _ = w.write_record(columns.iter().map(|c| row.get(*c).map_or("", String::as_str)));
        }
        files.push((format!("{name}.csv"), w.into_inner().unwrap_or_default()));
    }
    files
}
