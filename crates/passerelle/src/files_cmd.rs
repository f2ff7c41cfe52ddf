//! `passerelle files`: the stored files of documents. `reencrypt` moves every file still
//! encrypted with an older key to the current one (the first of `PASSERELLE_FILE_KEY`), so the
//! old key can be removed (admin guide, "Rotating the file key"; ADR 0025).
//!
//! Each file is rewritten in place, then its row records the new key: a run stopped half way
//! (a crash, Ctrl-C) is resumed by running the command again, and a file rewritten but not yet
//! recorded is recognised by its header and only recorded. The servers keep serving meanwhile:
//! a file is replaced whole, and every configured key still decrypts.

use clap::Subcommand;
use store::Db;
use uuid::Uuid;

use crate::Failure;
use crate::config::Settings;

/// Rows read at a time.
const PAGE: i64 = 200;

#[derive(Subcommand)]
pub enum FilesCommand {
    /// Re-encrypt with the current file key every stored file recorded under another key;
    /// prints how many. Safe to run while the servers run, and to run again after an
    /// interruption: it carries on where it stopped.
    Reencrypt,
    /// How many files each key encrypts, and where the files are.
    Status,
}

pub async fn run(settings: &Settings, command: FilesCommand) -> Result<(), Failure> {
    let store = crate::open_file_store(settings).await?;
    let db = crate::open(settings).await?;
    let result = async {
        db.migrate().await?;
        match command {
            FilesCommand::Reencrypt => {
                let summary = reencrypt(&db, &store).await?;
                summary.print(store.keys().current_id());
                status(&db, &store).await?;
                if summary.failed > 0 {
                    return Err(Failure(format!(
                        "{} file(s) could not be re-encrypted (see above); the others are done, \
                         run the command again once the cause is fixed",
                        summary.failed
                    )));
                }
                Ok(())
            }
            FilesCommand::Status => status(&db, &store).await,
        }
    }
    .await;
    db.close().await;
    result
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Rewritten under the current key.
    pub reencrypted: u64,
    /// Already under the current key (an earlier run stopped before recording it): recorded.
    pub recorded: u64,
    pub failed: u64,
}

impl Summary {
    fn print(&self, current: &str) {
        println!(
            "{} file(s) re-encrypted with key {current}, {} already were and are now recorded so, \
             {} failed.",
            self.reencrypted, self.recorded, self.failed
        );
    }
}

/// Re-encrypts every document's file recorded under another key than the current one.
pub async fn reencrypt(db: &Db, store: &files::FileStore) -> Result<Summary, Failure> {
    let current = store.keys().current_id().to_owned();
    let mut summary = Summary::default();
    let mut after: Option<Uuid> = None;
    loop {
        let page = store::documents::under_other_keys(db, &current, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for object in page {
            match store.reencrypt(&object.object_name).await {
                Ok(done) => {
                    store::documents::set_key_id(db, object.id, &current).await?;
                    match done {
                        files::Reencrypted::Done => summary.reencrypted += 1,
                        files::Reencrypted::AlreadyCurrent => summary.recorded += 1,
                    }
                }
                Err(e) => {
                    // The document's id only: its name and its person stay out of the output.
                    eprintln!(
                        "document {}: its file (key {}) could not be re-encrypted: {e}",
                        object.id, object.key_id
                    );
                    summary.failed += 1;
                }
            }
            let done = summary.reencrypted + summary.recorded;
            if done > 0 && done.is_multiple_of(100) {
                println!("  {done} file(s) so far…");
            }
        }
    }
    tracing::info!(
        reencrypted = summary.reencrypted,
        recorded = summary.recorded,
        failed = summary.failed,
        key = %current,
        "file re-encryption finished"
    );
    Ok(summary)
}

async fn status(db: &Db, store: &files::FileStore) -> Result<(), Failure> {
    println!(
        "Files in {}; new files are encrypted with key {}.",
        store.location(),
        store.keys().current_id()
    );
    let counts = store::documents::count_by_key(db).await?;
    if counts.is_empty() {
        println!("  no document yet.");
    }
    let configured = store.keys().ids();
    for (key, n) in counts {
        let note = if key == store.keys().current_id() {
            " (current)"
        } else if configured.contains(&key.as_str()) {
            " (still needed: run `passerelle files reencrypt`)"
        } else {
            " (NOT CONFIGURED: these files cannot be read)"
        };
        println!("  key {key}: {n} file(s){note}");
    }
    Ok(())
}
