//! `passerelle import persons FILE --org SLUG`: the web import, from the command line, for
//! files too many to send one by one. Same rules, same report (in English), same single
//! transaction; exits with an error when a line is refused.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use domain::audit::AuditAction;
use domain::import::Mapping;
use store::audit::NewAuditEvent;
use store::{Db, Ts};
use web::i18n::{I18n, Locale, Tr};
use web::persons::import::{files, report};

use crate::Failure;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import persons and households from a CSV or XLSX file (first sheet).
    ///
    /// Columns are recognised by their titles, in French or English ("Nom", "Prénom(s)",
    /// "Né(e) le", "Téléphone", "N° allocataire", "Foyer", "Lien"…). Every line is checked
    /// first: if any is refused, nothing is imported. Rows that look like someone already
    /// registered, or like an earlier row, are left out and listed.
    Persons {
        /// The CSV (comma or semicolon separated, UTF-8 or Windows-1252) or XLSX file.
        file: PathBuf,
        /// The organisation's short name (see `passerelle org list`).
        #[arg(long, value_name = "SLUG")]
        org: String,
        /// What a column feeds, overriding the detection: "Column title=field", where field is
        /// a person field (birth_name, first_names, birth_date, phones…), household,
        /// relationship, or ignore. Repeatable.
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        map: Vec<String>,
        /// Check the file and print the report; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// The reason recorded on the audit event.
const CLI_REASON: &str = "command line";

pub async fn run(db: &Db, command: ImportCommand) -> Result<(), Failure> {
    let ImportCommand::Persons { file, org, map, dry_run } = command;
    let i18n = Arc::new(I18n::load());
    let t = Tr::new(i18n.clone(), Locale::En);
    let bytes = std::fs::read(&file)
        .map_err(|e| Failure(format!("cannot read {}: {e}", file.display())))?;
    let (format, table) = files::read(&bytes).map_err(|e| {
        let message = match e {
            files::ReadError::TooManyRows { max } | files::ReadError::TooManyColumns { max } => {
                t.msg_count(e.key(), &(max as i64))
            }
            _ => t.msg(e.key()),
        };
        Failure(format!("{}: {message}", file.display()))
    })?;
    let organisation = store::organisations::find_by_slug(db, &org)
        .await?
        .ok_or_else(|| Failure(format!("--org {org:?}: no such organisation")))?;
    let mut mapping = Mapping::detect(&table.headers, &report::header_labels(&i18n));
    for spec in &map {
        mapping
            .override_with(&table.headers, spec)
            .map_err(|e| Failure(format!("--map {spec:?}: {e}")))?;
    }
    let lists = store::lists::for_organisation(db, organisation.id).await?;
    let labels = report::choice_labels(&i18n, &lists);
    let today = time::OffsetDateTime::now_utc().date();
    let analysis =
        report::analyse(db, organisation.id, &table, mapping, &lists, &labels, today).await?;
    let view = report::report(&t, &lists, &analysis);
    let name = file
        .file_name()
        .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    if analysis.blocked() {
        print!("{}", report::text(&t, &name, &view, false));
        let why = if view.mapping_problems.is_empty() {
            format!("{} line(s) refused", view.error_lines)
        } else {
            "the columns cannot be used".to_owned()
        };
        return Err(Failure(format!("{}: {why}; nothing was imported", file.display())));
    }
    if dry_run || analysis.plan.persons.is_empty() {
        print!("{}", report::text(&t, &name, &view, !dry_run));
        return Ok(());
    }
    let now = Ts::now();
    let mut tx = db.begin_write().await?;
    let written = store::import::apply(&mut tx, organisation.id, &analysis.plan, None, now).await?;
    let event = NewAuditEvent::new(AuditAction::Import, Some(organisation.id))
        .because(CLI_REASON)
        .detail("format", format.code())
        .detail("lines", analysis.lines)
        .detail("persons", written.persons)
        .detail("households", written.households)
        .detail("skipped", analysis.plan.skipped.len());
    store::audit::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    print!("{}", report::text(&t, &name, &view, true));
    Ok(())
}
