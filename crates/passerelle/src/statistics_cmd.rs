//! `passerelle statistics verify|rebuild`: the organisations' statistics summaries (ADR 0043).
//! `verify` brings them up to date, then compares every day summary with the same SQL over all
//! the records and prints what differs (nothing, unless a write went around the triggers);
//! `rebuild` forgets them and computes them again from the records.

use clap::Subcommand;

use crate::Failure;
use crate::config::Settings;

#[derive(Subcommand)]
pub enum StatisticsCommand {
    /// Compare the summaries with the records; exits with an error if any day differs.
    Verify,
    /// Compute every summary again from the records.
    Rebuild,
}

pub async fn run(settings: &Settings, command: StatisticsCommand) -> Result<(), Failure> {
    let db = crate::open(settings).await?;
    let result = async {
        let status = db.migration_status().await?;
        if !status.pending.is_empty() {
            return Err(Failure(format!(
                "the database lacks {} migration(s): run `passerelle migrate` first",
                status.pending.len()
            )));
        }
        let organisations = store::organisations::list_with_team_counts(&db).await?;
        let mut differing = 0;
        for org in &organisations {
            let (id, slug) = (org.id, &org.slug);
            let started = std::time::Instant::now();
            match command {
                StatisticsCommand::Verify => {
                    let problems = store::statistics::days::verify(&db, id).await?;
                    for p in &problems {
                        println!("{slug}: {p}");
                    }
                    differing += problems.len();
                    println!(
                        "{slug}: {} in {:.1} s",
                        if problems.is_empty() { "exact".to_owned() } else { format!("{} differences", problems.len()) },
                        started.elapsed().as_secs_f64()
                    );
                }
                StatisticsCommand::Rebuild => {
                    store::statistics::days::rebuild(&db, id).await?;
                    println!("{slug}: rebuilt in {:.1} s", started.elapsed().as_secs_f64());
                }
            }
        }
        if differing > 0 {
            return Err(Failure(format!(
                "{differing} day summaries differ from the records: run `passerelle statistics rebuild`"
            )));
        }
        Ok(())
    }
    .await;
    db.close().await;
    result
}
