//! `passerelle retention run [--dry-run]`: the daily retention run, at once (ADR 0034). It
//! brings every organisation's review list up to date, anonymises or archives what may run
//! (one person per transaction: a run stopped half way leaves each person fully processed or
//! untouched, and the next run carries on), then deletes the files those anonymisations
//! unlinked, and purges the access log past its period (ADR 0040). `--dry-run` prints the same counts and changes nothing.

use clap::Subcommand;
use store::Ts;
use store::retention::RunOptions;

use crate::Failure;
use crate::config::Settings;

#[derive(Subcommand)]
pub enum RetentionCommand {
    /// Build the review list and run what may run today; prints counts.
    Run {
        /// Count only: change nothing, delete nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(settings: &Settings, command: RetentionCommand) -> Result<(), Failure> {
    let RetentionCommand::Run { dry_run } = command;
    // A dry run touches no file: it does not need the file store to answer.
    let files = if dry_run { None } else { Some(crate::open_file_store(settings).await?) };
    let db = crate::open(settings).await?;
    let result = async {
        let status = db.migration_status().await?;
        if !status.pending.is_empty() {
            return Err(Failure(format!(
                "the database lacks {} migration(s): run `passerelle migrate` first",
                status.pending.len()
            )));
        }
        let options = RunOptions { dry_run, fail_after: None };
        let report = web::privacy::jobs::run_all(&db, files.as_ref(), Ts::now(), options).await?;
        let c = report.counts;
        println!(
            "{}due: {}, newly listed: {}, anonymised: {}, archived: {}, postponed: {}, held: {}, \
             waiting: {}, files deleted: {}{}, audit events purged: {}{}",
            if dry_run { "dry run, nothing changed — " } else { "" },
            c.due,
            c.listed,
            c.anonymised,
            c.archived,
            c.postponed,
            c.held,
            c.waiting,
            report.files_deleted,
            if report.files_failed > 0 { " (some could not be deleted: run again)" } else { "" },
            report.audit_purged,
            if report.audit_refused > 0 {
                " (a chain does not verify and was left whole: run `passerelle audit verify`)"
            } else {
                ""
            },
        );
        Ok(())
    }
    .await;
    db.close().await;
    result
}
