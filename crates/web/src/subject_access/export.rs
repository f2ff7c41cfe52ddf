//! The subject access export (ADR 0035): from what `store::subject_access::export` gathered,
//! the JSON document (every table of the plan, the households told without the other members,
//! who accessed the file, what is to review), the zip that carries it with the files of the
//! person's documents and voice notes, the list of what may name third parties, and the data
//! of the readable PDF.

use std::io::{Cursor, Write};

use domain::inventory::Category;
use domain::subject_access::NameIndex;
use serde_json::{Map, Value, json};
use store::subject_access::export::{Gathered, TableRows};
use uuid::Uuid;

use crate::AppState;
use crate::errors::WebError;
use crate::i18n::Tr;

/// A value of the export that may name someone other than the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    pub table: &'static str,
    pub row: Option<Uuid>,
    pub column: &'static str,
    /// The folded names of others found in a free text; empty for a column about a third
    /// party (a representative, a recipient, an ecomap tie).
    pub names: Vec<String>,
}

/// What may name third parties: every filled third-party column, and every free text that
/// contains a name of a household member or of an ecomap tie.
pub fn review(g: &Gathered) -> Vec<ReviewItem> {
    let index = NameIndex::new(
        g.others_names.iter().map(String::as_str),
        g.own_names.iter().map(String::as_str),
    );
    let mut out = Vec::new();
    for t in &g.tables {
        for row in &t.rows {
            for ((column, category), value) in t.columns.iter().zip(&row.values) {
                let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) else { continue };
                let names = match category {
                    Category::ThirdParty => Vec::new(),
                    Category::FreeText => {
                        let found = index.found_in(v);
                        if found.is_empty() {
                            continue;
                        }
                        found
                    }
                    _ => continue,
                };
                out.push(ReviewItem { table: t.table, row: row.id, column, names });
            }
        }
    }
    out
}

fn rows_json(t: &TableRows) -> Value {
    Value::Array(
        t.rows
            .iter()
            .map(|row| {
                let mut o = Map::new();
                if let Some(id) = row.id {
                    o.insert("id".into(), json!(id));
                }
                for ((column, _), value) in t.columns.iter().zip(&row.values) {
                    o.insert((*column).into(), json!(value));
                }
                Value::Object(o)
            })
            .collect(),
    )
}

/// A file of the person to put in the zip: its path there and where it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub object_name: String,
}

fn value<'a>(t: &'a TableRows, row: usize, column: &str) -> Option<&'a str> {
    let i = t.columns.iter().position(|(c, _)| *c == column)?;
    t.rows[row].values[i].as_deref()
}

/// Keeps letters, digits, dots, dashes and underscores of a file name (zip paths stay plain).
fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(100)
        .collect();
    if s.trim_matches('.').is_empty() { "file".to_owned() } else { s }
}

/// The documents' and voice notes' files, with their paths in the zip.
pub fn files(g: &Gathered) -> Vec<FileEntry> {
    let mut out = Vec::new();
    for t in &g.tables {
        let folder = match t.table {
            "documents" => "documents",
            "voice_notes" => "voice-notes",
            _ => continue,
        };
        for (i, row) in t.rows.iter().enumerate() {
            let (Some(id), Some(object)) = (row.id, value(t, i, "object_name")) else { continue };
            // Anonymisation deleted the file and left a tombstone: nothing to read.
            if object.starts_with(store::retention::anonymise::TOMBSTONE) {
                continue;
            }
            // A voice note's recording deleted once filed (or by hand): the row stays with its
            // object's name, the file is gone (the cause of the access matrix's missing file).
            if value(t, i, "audio_deleted_at").is_some() {
                continue;
            }
            let name = match t.table {
                "documents" => value(t, i, "file_name").unwrap_or("file").to_owned(),
                _ => {
                    let ext = value(t, i, "file_type")
                        .and_then(files::FileType::parse)
                        .map_or("audio", |f| f.extension());
                    format!("recording.{ext}")
                }
            };
            out.push(FileEntry {
                path: format!("{folder}/{id}-{}", safe_name(&name)),
                object_name: object.to_owned(),
            });
        }
    }
    out
}

/// Facts about the export itself, for its first lines.
pub struct Header<'a> {
    pub organisation: &'a str,
    pub person_id: Uuid,
    pub request_id: Uuid,
    pub request_kind: &'a str,
    pub received_on: String,
    /// When, in UTC (`YYYY-MM-DDTHH:MM:SS.ffffffZ`).
    pub generated_at: String,
    /// When, in the organisation's zone, as pages show it.
    pub generated_local: String,
    pub released: bool,
    pub zone: Option<&'a str>,
}

/// Every table of the plan with the person's rows, by table name.
pub fn data_json(g: &Gathered) -> Value {
    let mut data = Map::new();
    for t in &g.tables {
        data.insert(t.table.into(), rows_json(t));
    }
    Value::Object(data)
}

/// Who accessed the file, oldest first.
pub fn access_json(g: &Gathered) -> Value {
    g.access
        .iter()
        .map(|a| {
            json!({
                "at": a.occurred_at.canonical(),
                "action": a.action,
                "subject": a.subject_type,
                "by": a.actor_name,
            })
        })
        .collect()
}

/// The JSON document of the export.
pub fn json(h: &Header<'_>, g: &Gathered, review: &[ReviewItem], files: &[FileEntry]) -> Value {
    json!({
        "format": "passerelle-subject-access/1",
        "organisation": h.organisation,
        "generated_at": h.generated_at,
        "released": h.released,
        "request": { "id": h.request_id, "kind": h.request_kind, "received_on": h.received_on },
        "person_id": h.person_id,
        "households": g.households.iter().map(|x| json!({
            "members": x.members,
            "own_relationship": x.own_relationship,
            "others_relationships": x.others_relationships,
        })).collect::<Vec<_>>(),
        "data": data_json(g),
        "access_log": access_json(g),
        // Which values were reviewed, never the names found: those are other people's.
        "to_review": review.iter().map(|r| json!({
            "table": r.table, "id": r.row, "column": r.column,
            "why": if r.names.is_empty() { "third_party_column" } else { "names_someone_else" },
        })).collect::<Vec<_>>(),
        "files": files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(),
    })
}

/// The zip: `export.json` and the files, decrypted.
pub async fn zip(state: &AppState, json: &Value, files: &[FileEntry]) -> Result<Vec<u8>, WebError> {
    let text = serde_json::to_vec_pretty(json).map_err(|_| WebError::Internal("export json"))?;
    zip_with(state, &[("export.json", text)], files).await
}

/// A zip of `entries` (name, bytes) first, then the files, decrypted.
pub async fn zip_with(
    state: &AppState,
    entries: &[(&str, Vec<u8>)],
    files: &[FileEntry],
) -> Result<Vec<u8>, WebError> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).map_err(|_| WebError::Internal("zip entry"))?;
        zip.write_all(bytes).map_err(|_| WebError::Internal("zip write"))?;
    }
    // A file the store no longer has (deleted with its record, lost) does not withhold the
    // rest of the export: it is named in `missing-files.txt` for the person handling the
    // request, and logged.
    let mut missing = Vec::new();
    for f in files {
        let bytes = match state.config.files.store.read_all(&f.object_name).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::error!(error = %e, "a file of a subject access export could not be read");
                missing.push(f.path.clone());
                continue;
            }
        };
        zip.start_file(f.path.as_str(), options).map_err(|_| WebError::Internal("zip entry"))?;
        zip.write_all(&bytes).map_err(|_| WebError::Internal("zip write"))?;
    }
    if !missing.is_empty() {
        zip.start_file("missing-files.txt", options)
            .map_err(|_| WebError::Internal("zip entry"))?;
        zip.write_all(missing.join("\n").as_bytes())
            .map_err(|_| WebError::Internal("zip write"))?;
    }
    Ok(zip.finish().map_err(|_| WebError::Internal("zip finish"))?.into_inner())
}

/// The title of a table in the reader's language.
pub fn table_title(t: &Tr, table: &str) -> String {
    t.msg(&format!("subject-table-{}", table.replace('_', "-")))
}

/// The data of the readable PDF: the same content as the JSON, each table a section whose
/// rows list their filled fields; tables without rows named together at the end.
pub fn pdf_data(
    t: &Tr,
    h: &Header<'_>,
    g: &Gathered,
    review: &[ReviewItem],
    files: &[FileEntry],
) -> Value {
    let mut sections = Vec::new();
    let mut empty = Vec::new();
    for table in &g.tables {
        if table.rows.is_empty() {
            empty.push(table_title(t, table.table));
            continue;
        }
        let rows: Vec<Value> = table
            .rows
            .iter()
            .map(|row| {
                let fields: Vec<Value> = table
                    .columns
                    .iter()
                    .zip(&row.values)
                    .filter_map(|((c, _), v)| {
                        v.as_deref().filter(|v| !v.is_empty()).map(|v| json!([c, v]))
                    })
                    .collect();
                Value::Array(fields)
            })
            .collect();
        sections.push(json!({ "title": table_title(t, table.table), "rows": rows }));
    }
    let households: Vec<Value> = g
        .households
        .iter()
        .map(|x| {
            let others = x.others_relationships.join(", ");
            json!([
                [t.msg("subject-pdf-household-members"), x.members.to_string()],
                [
                    t.msg("subject-pdf-household-own"),
                    x.own_relationship.clone().unwrap_or_default()
                ],
                [t.msg("subject-pdf-household-others"), others],
            ])
        })
        .collect();
    let access: Vec<Value> = g
        .access
        .iter()
        .map(|a| {
            json!([
                crate::dates::local_minutes(a.occurred_at, h.zone),
                t.msg(&format!("audit-action-{}", a.action)),
                a.actor_name.clone().unwrap_or_default(),
            ])
        })
        .collect();
    let review_rows: Vec<Value> = review
        .iter()
        .map(|r| {
            json!([
                table_title(t, r.table),
                r.column,
                t.msg(if r.names.is_empty() {
                    "subject-review-third-party-column"
                } else {
                    "subject-review-names-someone"
                }),
            ])
        })
        .collect();
    json!({
        "lang": t.lang(),
        "organisation": h.organisation,
        "title": t.msg("subject-pdf-title"),
        "page_format": t.msg("subject-pdf-page"),
        "banner": if h.released { t.msg("subject-pdf-banner") } else { t.msg("subject-pdf-banner-draft") },
        "generated": t.msg_args("subject-pdf-generated", &[("date", &h.generated_local)]),
        "date": h.generated_at.get(..10).unwrap_or_default(),
        "intro": t.msg("subject-pdf-intro"),
        "household_title": t.msg("subject-pdf-household"),
        "households": households,
        "none": t.msg("subject-pdf-none"),
        "sections": sections,
        "empty_title": t.msg("subject-pdf-empty"),
        "empty": empty.join(", "),
        "access_title": t.msg("subject-pdf-access"),
        "access_header": [t.msg("subject-pdf-access-when"), t.msg("subject-pdf-access-what"), t.msg("subject-pdf-access-who")],
        "access": access,
        "review_title": t.msg("subject-pdf-review"),
        "review_header": [t.msg("subject-pdf-review-table"), t.msg("subject-pdf-review-column"), t.msg("subject-pdf-review-why")],
        "review": review_rows,
        "files_title": t.msg("subject-pdf-files"),
        "files": files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::subject_access::export::ExportRow;

    fn voice_note(id: Uuid, object: &str, deleted: Option<&str>) -> ExportRow {
        ExportRow {
            id: Some(id),
            values: vec![Some(object.into()), Some("audio/webm".into()), deleted.map(Into::into)],
        }
    }

    #[test]
    fn a_voice_note_whose_recording_was_deleted_has_no_file_to_export() {
        let (kept, gone) = (Uuid::now_v7(), Uuid::now_v7());
        let g = Gathered {
            tables: vec![TableRows {
                table: "voice_notes",
                columns: vec![
                    ("object_name", Category::File),
                    ("file_type", Category::Technical),
                    ("audio_deleted_at", Category::Activity),
                ],
                rows: vec![
                    voice_note(kept, "obj-kept", None),
                    voice_note(gone, "obj-gone", Some("2026-11-20T10:00:00.000000Z")),
                ],
            }],
            households: vec![],
            access: vec![],
            others_names: vec![],
            own_names: vec![],
        };
        let files = files(&g);
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(files[0].object_name, "obj-kept");
        assert!(files[0].path.starts_with(&format!("voice-notes/{kept}-recording.")));
    }
}
