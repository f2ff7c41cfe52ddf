//! Logging set-up: one `tracing` subscriber, with the writer injectable so tests can read
//! what the application logged.

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Checks a `PASSERELLE_LOG` value (`info`, `warn,web=debug`…).
pub fn parse_filter(filter: &str) -> Result<EnvFilter, String> {
    EnvFilter::try_new(filter).map_err(|e| e.to_string())
}

/// A subscriber writing one line per event to `writer`.
/// `ansi` colours the output, for a terminal.
pub fn subscriber<W>(
    filter: EnvFilter,
    writer: W,
    ansi: bool,
) -> impl Subscriber + Send + Sync + 'static
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(false)
        .with_ansi(ansi)
        .finish()
}

/// Logs panics as an event with their location only: a panic message can quote the data being
/// processed, and personal data never goes to the logs.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location =
            info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        tracing::error!(%location, "panic");
        eprintln!("passerelle: internal error at {location} (details withheld from logs)");
    }));
}
