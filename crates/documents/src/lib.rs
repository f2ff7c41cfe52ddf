//! Passerelle's PDF documents (ADR 0012).
//!
//! Typst is used as a library: [`render`] compiles one of the templates compiled into the binary
//! (`templates/*.typ`) against the data given as JSON and exports the pages as a PDF. The world
//! the compiler sees is closed: the templates, one virtual file `/data.json` holding the data,
//! and the fonts embedded with `include_bytes!` (`fonts/`). No file of the machine, no system
//! font, no package download, no network.
//!
//! User text only ever enters a document as a value of that JSON file, which templates read
//! with `json("/data.json")` and place as text: it is never spliced into Typst markup, so `#`,
//! `*`, `$`, `]` or `#import` in a person's note print as typed (tested).
//!
//! Errors ([`DocumentError`]) name the template and where in it compilation failed; they never
//! carry the data (quoted values in the compiler's messages are blanked).

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// A document template compiled into the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Template {
    /// A test page of the engine: the letterhead, a heading, paragraphs and a table of the data.
    Sample,
    /// The case summary ("synthèse") for a meeting or a transfer.
    CaseSummary,
    /// The action plan given to the person to keep ("Mon plan d'action").
    Plan,
    /// The referral letter for a partner outside Passerelle: the shared items only.
    Referral,
    /// The attestation of an election of domicile (postal address) given to the person.
    Domiciliation,
    /// The decision letter on an aid request, to the person.
    AidDecision,
    /// The minutes of a commission session.
    AidMinutes,
    /// The readable export of everything about a person, for a subject access request.
    SubjectAccess,
    /// The organisation's annual activity report: narrative, figures (suppressed) and charts.
    AnnualReport,
}

impl Template {
    /// The template's name, as used in errors and logs.
    pub fn name(self) -> &'static str {
        match self {
            Template::Sample => "sample",
            Template::CaseSummary => "case_summary",
            Template::Plan => "plan",
            Template::Referral => "referral",
            Template::Domiciliation => "domiciliation",
            Template::AidDecision => "aid_decision",
            Template::AidMinutes => "aid_minutes",
            Template::SubjectAccess => "subject_access",
            Template::AnnualReport => "annual_report",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Template::Sample => include_str!("../templates/sample.typ"),
            Template::CaseSummary => include_str!("../templates/case_summary.typ"),
            Template::Plan => include_str!("../templates/plan.typ"),
            Template::Referral => include_str!("../templates/referral.typ"),
            Template::Domiciliation => include_str!("../templates/domiciliation.typ"),
            Template::AidDecision => include_str!("../templates/aid_decision.typ"),
            Template::AidMinutes => include_str!("../templates/aid_minutes.typ"),
            Template::SubjectAccess => include_str!("../templates/subject_access.typ"),
            Template::AnnualReport => include_str!("../templates/annual_report.typ"),
        }
    }
}

/// Modules every template may import by path (`#import "/letterhead.typ": letterhead`).
const MODULES: &[(&str, &str)] =
    &[("/letterhead.typ", include_str!("../templates/letterhead.typ"))];

/// The fonts embedded in the binary: Noto Sans for Latin (French accents, œ, €, typographic
/// quotes) and NanumSquare for Hangul. All under the SIL Open Font License 1.1 (`fonts/OFL-*.txt`).
const FONT_FILES: &[&[u8]] = &[
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoSans-Italic.ttf"),
    include_bytes!("../fonts/NanumSquareR.ttf"),
    include_bytes!("../fonts/NanumSquareB.ttf"),
];

/// The number of bytes of embedded font files.
pub fn font_bytes() -> usize {
    FONT_FILES.iter().map(|f| f.len()).sum()
}

/// Why a document could not be made. Never carries the data it was given.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The data could not be serialised (never happens for a `serde_json::Value`).
    #[error("document data could not be serialised")]
    Data,
    /// The template failed to compile against the data.
    #[error("template {template} failed: {detail}")]
    Compile {
        template: &'static str,
        /// Where and what, with quoted values blanked: `main.typ:12: expected …`.
        detail: String,
    },
    /// The pages could not be written as a PDF.
    #[error("template {template}: PDF export failed: {detail}")]
    Export { template: &'static str, detail: String },
}

/// Compiles `template` against `data` and returns the PDF's bytes.
///
/// `data` is the template's input; every template reads, through the letterhead, `lang`
/// (`fr`, `en`, `ko`), `organisation`, `title`, `page_format` (e.g. `"Page {page} sur
/// {pages}"`) and optionally `banner` (a confidentiality notice printed on every page) and
/// `date` (today's date as `YYYY-MM-DD`, which also dates the PDF; the engine reads no clock).
///
/// Compiling is CPU-bound and takes tens of milliseconds: call it from a blocking task.
pub fn render(template: Template, data: &serde_json::Value) -> Result<Vec<u8>, DocumentError> {
    let json = serde_json::to_vec(data).map_err(|_| DocumentError::Data)?;
    let today = data.get("date").and_then(|d| d.as_str()).and_then(parse_date);
    let world = DocWorld {
        main: Source::new(main_id(), template.source().to_owned()),
        data: Bytes::new(json),
        today,
    };

    let result = typst::compile::<PagedDocument>(&world).output;
    let document = result.map_err(|errors| DocumentError::Compile {
        template: template.name(),
        detail: describe(&world, &errors),
    });
    let pdf = document.and_then(|document| {
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(format!("passerelle-{}", template.name())),
            creator: Smart::Custom(Some("Passerelle".to_owned())),
            timestamp: today.map(typst_pdf::Timestamp::new_utc),
            ..Default::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|errors| DocumentError::Export {
            template: template.name(),
            detail: describe(&world, &errors),
        })
    });
    // Typst memoises across compilations; drop what the last renders did not reuse so a
    // long-running server does not grow.
    typst::comemo::evict(10);
    pdf
}

fn parse_date(text: &str) -> Option<Datetime> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Datetime::from_ymd(year, month, day)
}

/// The first errors, each as `file:line: message` with anything quoted blanked, so a value of
/// the data the message quotes does not leave the engine.
fn describe(world: &DocWorld, errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .filter(|e| e.severity == Severity::Error)
        .take(3)
        .map(|e| {
            let place = e
                .span
                .id()
                .map(|id| {
                    let path = id.get().vpath().get_without_slash().to_owned();
                    let line = world
                        .source(id)
                        .ok()
                        .and_then(|s| {
                            let range = typst::WorldExt::range(world, e.span)?;
                            s.lines().byte_to_line(range.start)
                        })
                        .map(|l| format!(":{}", l + 1))
                        .unwrap_or_default();
                    format!("{path}{line}")
                })
                .unwrap_or_else(|| "?".to_owned());
            format!("{place}: {}", blank_quotes(&e.message))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn blank_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if quoted {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

fn main_id() -> FileId {
    file_id("/main.typ")
}

fn data_id() -> FileId {
    file_id("/data.json")
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path"))
        .intern()
}

static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> =
        FONT_FILES.iter().flat_map(|bytes| Font::iter(Bytes::new(*bytes))).collect();
    Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

/// The closed world of one compilation.
struct DocWorld {
    main: Source,
    data: Bytes,
    today: Option<Datetime>,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let path = id.get().vpath().get_with_slash();
        match MODULES.iter().find(|(name, _)| *name == path) {
            Some((_, text)) if *id.get().root() == VirtualRoot::Project => {
                Ok(Source::new(id, (*text).to_owned()))
            }
            _ => Err(FileError::NotFound(path.into())),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == data_id() {
            return Ok(self.data.clone());
        }
        // Modules may be read as bytes too; nothing else exists.
        self.source(id).map(|s| Bytes::from_string(s.text().to_owned()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_blanked() {
        assert_eq!(
            blank_quotes(r#"cannot convert "Mme Durand" to int"#),
            r#"cannot convert "…" to int"#
        );
        assert_eq!(blank_quotes("no quotes"), "no quotes");
    }

    #[test]
    fn dates_parse() {
        assert!(parse_date("2026-11-26").is_some());
        assert!(parse_date("26/11/2026").is_none());
    }

    #[test]
    fn every_font_loads() {
        assert_eq!(FONTS.fonts.len(), FONT_FILES.len());
        let families: Vec<_> = FONTS.fonts.iter().map(|f| f.info().family.clone()).collect();
        assert!(families.iter().any(|f| f == "Noto Sans"), "{families:?}");
        assert!(families.iter().any(|f| f == "NanumSquare"), "{families:?}");
    }
}
