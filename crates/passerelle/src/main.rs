//! `passerelle`: the server and its administration commands. Wiring only; the rules live in
//! `domain`, the queries in `store`, the pages in `web`.

mod admin_cmd;
mod audit_cmd;
mod backup;
mod bench_cmd;
mod config;
mod files_cmd;
mod import_cmd;
mod retention_cmd;
mod statistics_cmd;
mod token_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use config::{ConfigError, Overrides, Settings};
use store::Db;

#[derive(Parser)]
#[command(
    name = "passerelle",
    version,
    about = "Passerelle: case management for social workers",
    long_about = "Passerelle: case management for social workers.\n\n\
        Configuration comes from defaults, then passerelle.toml (or --config), then PASSERELLE_* \
        environment variables. With no configuration, data is kept in ./data with SQLite."
)]
struct Cli {
    /// Configuration file (default: ./passerelle.toml when it exists; also PASSERELLE_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (also PASSERELLE_BIND).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// Run the demonstration: its own SQLite database in <data dir>/demo, filled with
        /// fictitious data; the configured database is never touched.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Check the configuration and the database, and print what was found.
    Check,
    /// Demonstration data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Organisations hosted on this instance.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens for /api/v1.
    Token {
        #[command(subcommand)]
        command: token_cmd::TokenCommand,
    },
    /// The tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import persons and households from a spreadsheet.
    Import {
        #[command(subcommand)]
        command: import_cmd::ImportCommand,
    },
    /// Write an encrypted backup of the database (and of the data folder's secret key) into a
    /// new folder inside DIR, while the server runs; then delete this folder's backups older
    /// than PASSERELLE_BACKUP_RETENTION_DAYS (35 by default).
    Backup {
        /// Folder in which each backup gets its own passerelle-backup-YYYYMMDDTHHMMSSZ folder.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Retention of persons' files: the review list, anonymisation and archiving.
    Retention {
        #[command(subcommand)]
        command: retention_cmd::RetentionCommand,
    },
    /// The statistics' summaries: compare them with the records, or compute them again.
    Statistics {
        #[command(subcommand)]
        command: statistics_cmd::StatisticsCommand,
    },
    /// Documents' stored files.
    Files {
        #[command(subcommand)]
        command: files_cmd::FilesCommand,
    },
    /// Restore a backup into an empty database and data folder: every file is verified
    /// before anything is written, and the audit log after.
    Restore {
        /// The backup's own folder (passerelle-backup-…).
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
    },
    /// Generate a benchmark data set into an empty database (see BENCHMARKS.md).
    #[command(long_about = bench_cmd::LONG_ABOUT)]
    BenchData(bench_cmd::Args),
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organisation (a CCAS, an association, a département service…).
    Create {
        /// Short stable name used on the command line and in the API: lowercase letters,
        /// digits and hyphens, e.g. ccas-valbourg.
        #[arg(long)]
        slug: String,
        /// Full name, e.g. "CCAS de Valbourg".
        #[arg(long)]
        name: String,
        /// IANA time zone in which its dates are shown.
        #[arg(long, default_value = "Europe/Paris")]
        time_zone: String,
    },
    /// List the organisations.
    List,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account and print a one-time link with which its owner sets a password.
    Create {
        #[arg(long)]
        email: String,
        /// The person's name as colleagues know it.
        #[arg(long)]
        name: String,
        /// The organisation's short name (see `passerelle org list`).
        #[arg(long, value_name = "SLUG")]
        org: Option<String>,
        /// manager, worker, reception, supervisor, dpo, peer-mediator, partner — or admin,
        /// without --org, for an instance administrator.
        #[arg(long)]
        role: Option<String>,
    },
    /// Print a one-time link with which the account's owner chooses a new password.
    ///
    /// The link is valid 24 hours and works once; earlier links of the account stop working,
    /// and its sessions end when the new password is saved.
    ResetPassword {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every hash chain of the audit log; exits with an error if one is broken.
    Verify,
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Fill the demo database (<data dir>/demo) with fictitious data; does nothing if it is
    /// already there.
    Seed {
        /// Seed of the generator: the same seed always gives the same data.
        #[arg(long, default_value_t = store::demo::DEFAULT_SEED)]
        seed: u64,
    },
}

/// A failure to report in one line.
#[derive(Debug)]
pub(crate) struct Failure(pub(crate) String);

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure(e.to_string())
    }
}

impl From<store::StoreError> for Failure {
    fn from(e: store::StoreError) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("passerelle: error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("passerelle: error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let env = |k: &str| std::env::var(k).ok();
    let bind = match &cli.command {
        Command::Serve { bind, .. } => bind.clone(),
        _ => None,
    };
    let settings = Settings::load(cli.config.as_deref(), &env, &Overrides { bind })?;
    if matches!(cli.command, Command::BenchData(_) | Command::Backup { .. }) {
        // Its INSERTs of thousands of rows (a backup's VACUUM INTO) are slow by design: sqlx
        // would log each one (all of its text) as a slow statement.
        init_logging(&format!("{},sqlx::query=error", settings.log));
    } else {
        init_logging(&settings.log);
    }
    match cli.command {
        Command::Serve { demo, .. } => serve(settings, demo).await,
        Command::Migrate => {
            let db = open(&settings).await?;
            let applied = db.migrate().await?;
            println!("{applied} migration(s) applied; the database is up to date.");
            db.close().await;
            Ok(())
        }
        Command::Check => check(settings).await,
        Command::Org { command } => {
            let db = open(&settings).await?;
            db.migrate().await?;
            let result = match command {
                OrgCommand::Create { slug, name, time_zone } => {
                    admin_cmd::org_create(&db, &slug, &name, &time_zone).await
                }
                OrgCommand::List => admin_cmd::org_list(&db).await,
            };
            db.close().await;
            result
        }
        Command::User { command: UserCommand::Create { email, name, org, role } } => {
            let db = open(&settings).await?;
            db.migrate().await?;
            let result = admin_cmd::user_create(
                &db,
                &settings.base_url,
                &email,
                &name,
                org.as_deref(),
                role.as_deref(),
            )
            .await;
            db.close().await;
            result
        }
        Command::User { command: UserCommand::ResetPassword { email } } => {
            let db = open(&settings).await?;
            db.migrate().await?;
            let result = admin_cmd::user_reset_password(&db, &settings.base_url, &email).await;
            db.close().await;
            result
        }
        Command::Token { command } => {
            let db = open(&settings).await?;
            db.migrate().await?;
            let result = token_cmd::run(&db, command).await;
            db.close().await;
            result
        }
        Command::Import { command } => {
            let db = open(&settings).await?;
            db.migrate().await?;
            let result = import_cmd::run(&db, command).await;
            db.close().await;
            result
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let db = open(&settings).await?;
            let intact = audit_cmd::verify(&db).await;
            db.close().await;
            if intact.map_err(Failure)? {
                Ok(())
            } else {
                Err(Failure("the audit log does not verify: see the BROKEN chain(s) above".into()))
            }
        }
        Command::BenchData(args) => bench_cmd::run(settings, args).await,
        Command::Backup { to } => backup::backup(&settings, &to).await,
        Command::Files { command } => files_cmd::run(&settings, command).await,
        Command::Retention { command } => retention_cmd::run(&settings, command).await,
        Command::Statistics { command } => statistics_cmd::run(&settings, command).await,
        Command::Restore { from } => backup::restore(&settings, &from).await,
        Command::Demo { command: DemoCommand::Seed { seed } } => {
            let settings = settings.for_demo();
            let db = open(&settings).await?;
            db.migrate().await?;
            let summary = store::demo::seed(&db, seed, settings.password_hashing).await?;
            print_demo(&settings, &summary);
            db.close().await;
            Ok(())
        }
    }
}

fn init_logging(filter: &str) {
    // Validated with the configuration; logs go to standard error, standard output is for
    // what the commands print.
    if let Ok(filter) = web::telemetry::parse_filter(filter) {
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let subscriber = web::telemetry::subscriber(filter, std::io::stderr, ansi);
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
    web::telemetry::install_panic_hook();
}

/// Connects, creating the data folder for SQLite.
pub(crate) async fn open(settings: &Settings) -> Result<Db, Failure> {
    if let Some(path) = settings.sqlite_path()
        && let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            Failure(format!("cannot create the data folder {}: {e}", parent.display()))
        })?;
    }
    Ok(Db::connect(&settings.database_url, &store::db::PoolOptions::default()).await?)
}

async fn serve(settings: Settings, demo: bool) -> Result<(), Failure> {
    let settings = if demo { settings.for_demo() } else { settings };
    let db = open(&settings).await?;
    let applied = db.migrate().await?;
    let secret_key = settings.secret_key()?;
    let file_store = open_file_store(&settings).await?;
    let demo_summary = if demo {
        Some(store::demo::seed(&db, store::demo::DEFAULT_SEED, settings.password_hashing).await?)
    } else {
        None
    };
    let config = web::WebConfig {
        base_url: settings.base_url.clone(),
        trusted_proxies: settings.trusted_proxies.clone(),
        secret_key,
        session_idle: web::WebConfig::DEFAULT_SESSION_IDLE,
        session_absolute: web::WebConfig::DEFAULT_SESSION_ABSOLUTE,
        password_hashing: settings.password_hashing,
        throttle_account: store::throttle::ThrottlePolicy::new(
            settings.sign_in_attempts_per_account,
        ),
        throttle_address: store::throttle::ThrottlePolicy::new(
            settings.sign_in_attempts_per_address,
        ),
        mail: settings.mail.clone(),
        sms: settings.sms.clone(),
        files: web::documents::FilesConfig {
            store: file_store,
            max_upload_bytes: settings.upload_max_bytes,
            reminder_days: settings.document_reminder_days,
        },
        transcription: settings.transcription.clone(),
    };
    // Housekeeping forgets sign-in counters once both policies' windows are over; they share
    // their window length today, the address policy stands for both.
    let throttle = config.throttle_address;
    let app = web::Application::build(config, db.clone(), settings.bind).await.map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                " (the address is already in use: is Passerelle already running? choose another with --bind or PASSERELLE_BIND)"
            }
            std::io::ErrorKind::PermissionDenied => " (permission denied: ports below 1024 need privileges)",
            _ => "",
        };
        Failure(format!("cannot listen on {}: {e}{hint}", settings.bind))
    })?;
    println!(
        "Passerelle {} on {} ({}), {applied} migration(s) applied",
        env!("CARGO_PKG_VERSION"),
        settings.engine.name(),
        describe_database(&settings),
    );
    if let Some(summary) = &demo_summary {
        print_demo(&settings, summary);
    }
    // Background jobs run beside the web server, on both engines (one worker on SQLite).
    let registry =
        store::jobs::housekeeping::register(store::jobs::runner::Registry::new(), throttle);
    let mail = mail_jobs(&settings, &app, &db)?;
    // Reminders of appointments to persons, by e-mail or SMS when configured (ADR 0027).
    let registry = web::reminders::jobs::register(registry, reminder_jobs(&settings, &mail)?);
    let registry = web::mail::jobs::register(registry, mail);
    // Delegated cases go back to their referent when the delegation ends (ADR 0015).
    let registry = store::caseloads::register(registry);
    let registry = store::tasks::register(registry);
    // Referents are reminded of documents about to expire (ADR 0019).
    let registry = store::documents::register(registry, settings.document_reminder_days);
    // Voice notes are transcribed by the configured server, if any (ADR 0024).
    let registry = web::voice_notes::jobs::register(registry, voice_jobs(&settings, &app, &db)?);
    // Packages to partner instances are delivered with retries (ADR 0029).
    let federation = web::federation::jobs::FederationJobs::new(db.clone()).map_err(Failure)?;
    let registry = web::federation::jobs::register(registry, federation);
    // Files fall due, are reviewed, then anonymised or archived once a day (ADR 0034).
    let registry = web::privacy::jobs::register(registry, app.state().config.files.store.clone());
    // The digest goes out at the end of the day, not whenever a server first started.
    store::mail::anchor_digest_schedule(&db, store::Ts::now()).await?;
    let options = store::jobs::runner::RunnerOptions::for_engine(db.engine());
    // `jobs = "off"`: this server answers requests only; another one runs the jobs.
    let runner =
        settings.jobs.then(|| store::jobs::runner::Runner::new(db, registry, options).spawn());
    if runner.is_none() {
        println!("Background jobs are off on this server (PASSERELLE_JOBS=off).");
    }
    println!("Passerelle listening on http://{}", app.local_addr());
    tracing::info!(address = %app.local_addr(), "listening");
    // On a signal the runner stops first (it finishes the jobs in hand for a few seconds while
    // requests are still served), then the web server drains and closes the database.
    let shutdown = async move {
        web::startup::shutdown_signal().await;
        if let Some(runner) = runner {
            runner.stop().await;
        }
    };
    app.run_until_stopped(shutdown).await.map_err(|e| Failure(format!("the server stopped: {e}")))
}

/// The configured file store, once it answers: a bucket that cannot be reached, or whose keys
/// do not open it, stops the start rather than the first upload.
pub(crate) async fn open_file_store(settings: &Settings) -> Result<files::FileStore, Failure> {
    let store = settings.file_store()?;
    store.check().await.map_err(|e| {
        // The service's answer may span lines (an XML error body): one line, as every error.
        let why = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        Failure(format!(
            "the file store {} does not answer: {why} (see PASSERELLE_FILE_STORE and the \
             PASSERELLE_S3_* settings)",
            store.location()
        ))
    })?;
    Ok(store)
}

/// The e-mail jobs' dependencies: without SMTP configured they send nothing.
fn mail_jobs(
    settings: &Settings,
    app: &web::Application,
    db: &store::Db,
) -> Result<web::mail::jobs::MailJobs, Failure> {
    let mailer: Option<std::sync::Arc<dyn web::mail::Mailer>> = match &settings.mail {
        Some(config) => {
            let mailer = web::mail::smtp::SmtpMailer::new(config)
                .map_err(|e| Failure(format!("configuration: {e}")))?;
            tracing::info!(smtp = %web::mail::redacted(&config.smtp_url), "e-mail through SMTP");
            Some(std::sync::Arc::new(mailer))
        }
        None => {
            tracing::info!("e-mail is not configured: notifications stay in the app");
            None
        }
    };
    Ok(web::mail::jobs::MailJobs {
        db: db.clone(),
        i18n: app.state().i18n.clone(),
        base_url: app.state().config.base_url.clone(),
        mailer,
    })
}

/// The reminder jobs' dependencies: the mailer of the notifications, and the SMS webhook when
/// configured; without either, reminders are written in the log only.
fn reminder_jobs(
    settings: &Settings,
    mail: &web::mail::jobs::MailJobs,
) -> Result<web::reminders::jobs::ReminderJobs, Failure> {
    let sms: Option<std::sync::Arc<dyn web::reminders::SmsSender>> = match &settings.sms {
        Some(config) => {
            let sender = web::reminders::webhook::WebhookSms::new(config.clone())
                .map_err(|e| Failure(format!("configuration: {e}")))?;
            tracing::info!(sms = %web::reminders::webhook::redacted(&config.url), "SMS reminders through a webhook");
            Some(std::sync::Arc::new(sender))
        }
        None => {
            tracing::info!("SMS is not configured: SMS reminders are written in the log only");
            None
        }
    };
    Ok(web::reminders::jobs::ReminderJobs {
        db: mail.db.clone(),
        i18n: mail.i18n.clone(),
        notifier: web::reminders::Notifier { mailer: mail.mailer.clone(), sms },
    })
}

/// The transcription job's dependencies: without a server, voice notes are written by hand.
fn voice_jobs(
    settings: &Settings,
    app: &web::Application,
    db: &store::Db,
) -> Result<web::voice_notes::jobs::VoiceJobs, Failure> {
    let transcriber = web::voice_notes::transcribe::from_config(settings.transcription.as_ref())
        .map_err(|e| Failure(format!("configuration: {e}")))?;
    match &settings.transcription {
        // The API and host only: the address may carry credentials.
        Some(t) => {
            tracing::info!(api = t.api.as_str(), "voice notes transcribed by a Whisper server")
        }
        None => tracing::info!("no transcription server: voice notes are written by hand"),
    }
    Ok(web::voice_notes::jobs::VoiceJobs {
        db: db.clone(),
        files: app.state().config.files.store.clone(),
        transcriber,
    })
}

fn describe_database(settings: &Settings) -> String {
    match settings.sqlite_path() {
        Some(path) => path.display().to_string(),
        None => store::redact_url(&settings.database_url),
    }
}

fn print_demo(settings: &Settings, summary: &store::demo::DemoSummary) {
    let state = if summary.created { "created" } else { "already present" };
    println!("Demo data ({state}) in {}:", settings.data_dir.display());
    for (slug, name) in &summary.organisations {
        println!("  - {name} [{slug}]");
    }
    println!("  {} teams in all.", summary.teams);
    println!(
        "  {} households, {} persons. Every name and place in the demo is fictitious.",
        summary.households, summary.persons
    );
    println!("Demo accounts (password for all: {}):", store::demo::DEMO_PASSWORD);
    for (email, role, org) in &summary.accounts {
        println!("  {email:<38} {role:<14} {org}");
    }
}

async fn check(settings: Settings) -> Result<(), Failure> {
    println!("Passerelle {}", env!("CARGO_PKG_VERSION"));
    println!("Configuration read from: {}", settings.sources.join(", "));
    println!("  data folder:     {}", settings.data_dir.display());
    println!("  listen address:  {}", settings.bind);
    println!("  base URL:        {}", settings.base_url);
    println!(
        "  trusted proxies: {}",
        if settings.trusted_proxies.is_empty() {
            "none".to_owned()
        } else {
            settings.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        }
    );
    println!("  log filter:      {}", settings.log);
    let key = match &settings.configured_secret_key {
        Some(_) => "set by configuration".to_owned(),
        None => {
            let path = settings.data_dir.join("secret.key");
            if path.exists() {
                format!("kept in {}", path.display())
            } else {
                format!("will be created in {} at first start", path.display())
            }
        }
    };
    println!("  secret key:      {key}");
    println!(
        "  backup key:      {}",
        if settings.backup_key.is_some() {
            "set by configuration"
        } else {
            "not set: passerelle backup needs PASSERELLE_BACKUP_KEY or PASSERELLE_BACKUP_KEY_FILE"
        }
    );
    println!(
        "  backups kept:    {}",
        match settings.backup_retention_days {
            0 => "every one".to_owned(),
            n => format!("{n} days"),
        }
    );
    println!(
        "  e-mail:          {}",
        match &settings.mail {
            Some(mail) => format!("{} from {}", web::mail::redacted(&mail.smtp_url), mail.from),
            None => "not configured: notifications stay in the app".to_owned(),
        }
    );
    println!(
        "  documents:       {}",
        match &settings.file_store {
            config::FileStoreSetting::Local => settings.files_dir().display().to_string(),
            config::FileStoreSetting::S3(c) => format!(
                "{} at {} ({})",
                c.location(),
                c.endpoint.as_deref().unwrap_or("AWS"),
                c.region
            ),
        }
    );
    println!("Database: {} ({})", settings.engine.name(), describe_database(&settings));
    if let Some(path) = settings.sqlite_path()
        && !path.exists()
    {
        println!("  the database file does not exist yet; it will be created at first start.");
        return Ok(());
    }
    let db = Db::connect(&settings.database_url, &store::db::PoolOptions::default()).await?;
    let version = store::dialect::server_version(&db).await?;
    println!("  server:          {version}");
    let status = db.migration_status().await?;
    println!(
        "  migrations:      {} applied, {} pending",
        status.applied.len(),
        status.pending.len()
    );
    for (v, d) in &status.pending {
        println!("    pending: {v} {d}");
    }
    if status.pending.is_empty() {
        let counts = store::home::instance_counts(&db).await?;
        println!("  organisations:   {}", counts.organisations);
        println!("  teams:           {}", counts.teams);
    } else {
        println!("  run `passerelle migrate` (or start the server) to apply them.");
    }
    db.close().await;
    println!("OK");
    Ok(())
}
