//! Documents of a person, optionally of one of their cases (issue 9 point 3): the type from the
//! organisation's list (`ListName::DocumentType`, DOMAIN.md §2.13), an optional expiry date
//! shown visibly as it approaches, a confidential flag that defaults by type, and the name the
//! file is shown and downloaded under, cleaned of anything that could play tricks.
//!
//! The bytes themselves (sniffing, size, zip inspection, encryption) are the `files` crate's;
//! who reads a document is [`crate::policy::may_read_document`].

use time::Date;

use crate::lists::{ListName, Lists};

/// The types whose documents are confidential unless the uploader says otherwise (DOMAIN.md
/// §2.13: eviction, court, medical and report documents).
pub const CONFIDENTIAL_BY_DEFAULT: [&str; 4] =
    ["eviction_document", "court_decision", "medical_document", "report"];

/// The types whose expiry is tracked (identity, residence and domiciliation papers): the form
/// says so beside the expiry date.
pub const EXPIRY_TRACKED: [&str; 3] =
    ["identity_document", "residence_permit", "domiciliation_certificate"];

/// A document expiring within this many days shows as "expiring soon".
pub const EXPIRING_SOON_DAYS: i64 = 60;

/// The default number of days before expiry at which the referent gets a reminder task.
pub const DEFAULT_REMINDER_DAYS: i64 = 60;

/// The longest shown and downloaded file name, in characters (the extension kept).
pub const MAX_NAME_CHARS: usize = 120;

/// Share links last at most this many days.
pub const SHARE_MAX_DAYS: i64 = 30;
/// A share link's default life.
pub const SHARE_DEFAULT_DAYS: i64 = 7;

/// Whether documents of `type_code` are confidential when the uploader does not choose.
pub fn confidential_by_default(type_code: &str) -> bool {
    CONFIDENTIAL_BY_DEFAULT.contains(&type_code)
}

/// What the uploader chose for confidentiality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfidentialChoice {
    /// As the type says ([`confidential_by_default`]).
    ByType,
    Yes,
    No,
}

impl ConfidentialChoice {
    pub const ALL: [ConfidentialChoice; 3] =
        [ConfidentialChoice::ByType, ConfidentialChoice::Yes, ConfidentialChoice::No];

    pub fn as_str(self) -> &'static str {
        match self {
            ConfidentialChoice::ByType => "by_type",
            ConfidentialChoice::Yes => "yes",
            ConfidentialChoice::No => "no",
        }
    }

    pub fn parse(s: &str) -> Option<ConfidentialChoice> {
        ConfidentialChoice::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// Whether a document of `type_code` chosen so is confidential.
    pub fn resolve(self, type_code: &str) -> bool {
        match self {
            ConfidentialChoice::ByType => confidential_by_default(type_code),
            ConfidentialChoice::Yes => true,
            ConfidentialChoice::No => false,
        }
    }
}

/// Where a document stands with its expiry date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// No expiry date.
    None,
    Valid,
    /// Expires within [`EXPIRING_SOON_DAYS`] days (0: today).
    Soon {
        days: i64,
    },
    /// Expired this many days ago (at least 1).
    Expired {
        days: i64,
    },
}

/// The expiry status of a document expiring on `expires_on`, seen on `today`.
pub fn expiry(expires_on: Option<Date>, today: Date) -> Expiry {
    let Some(on) = expires_on else { return Expiry::None };
    let days = (on - today).whole_days();
    if days < 0 {
        Expiry::Expired { days: -days }
    } else if days <= EXPIRING_SOON_DAYS {
        Expiry::Soon { days }
    } else {
        Expiry::Valid
    }
}

/// Whether a document expiring on `expires_on` calls for a reminder on `today`, `days` ahead.
pub fn needs_reminder(expires_on: Date, today: Date, days: i64) -> bool {
    (expires_on - today).whole_days() <= days
}

/// The name a file is shown and downloaded under: its last path component (browsers on some
/// systems send a whole path), Unicode-normalised (NFC), without control or bidirectional
/// formatting characters (a name that reads `invoice_fdp.exe` as `invoice_exe.pdf`), the
/// characters no file system takes replaced by `_`, no leading dots (hidden files) nor
/// trailing dots or spaces, at most [`MAX_NAME_CHARS`] characters with its extension kept;
/// `document` when nothing is left.
pub fn sanitize_file_name(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .nfc()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .map(|c| if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).trim();
    if trimmed.is_empty() {
        return "document".to_owned();
    }
    let chars: Vec<char> = trimmed.chars().collect();
    if chars.len() <= MAX_NAME_CHARS {
        return trimmed.to_owned();
    }
    // Keep the extension (up to 10 characters) and cut the stem.
    let ext: String = match trimmed.rfind('.') {
        Some(i) if trimmed[i..].chars().count() <= 10 => trimmed[i..].to_owned(),
        _ => String::new(),
    };
    let keep = MAX_NAME_CHARS - ext.chars().count();
    let stem: String = chars.iter().take(keep).collect();
    format!("{}{ext}", stem.trim_end())
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || c == '\u{FEFF}'
}

/// A refused value of the upload form (the file's own problems are the `files` crate's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentProblem {
    TypeRequired,
    TypeUnknown,
    ExpiryInvalid,
    ConfidentialInvalid,
}

/// The upload form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentInput {
    pub type_code: String,
    pub expires_on: String,
    pub confidential: String,
}

/// The upload form's fields, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFields {
    pub type_code: String,
    pub expires_on: Option<Date>,
    pub confidential: bool,
}

/// Parses the upload form against the organisation's document types. Problems name the field.
pub fn parse_fields(
    input: &DocumentInput,
    lists: &Lists,
) -> Result<DocumentFields, Vec<(&'static str, DocumentProblem)>> {
    let mut problems = Vec::new();
    let type_code = input.type_code.trim();
    if type_code.is_empty() {
        problems.push(("type", DocumentProblem::TypeRequired));
    } else if !lists.accepts(ListName::DocumentType, type_code, None) {
        problems.push(("type", DocumentProblem::TypeUnknown));
    }
    let expires_on = match crate::persons::parse_date(&input.expires_on) {
        Ok(d) => d,
        Err(_) => {
            problems.push(("expires_on", DocumentProblem::ExpiryInvalid));
            None
        }
    };
    let choice = if input.confidential.trim().is_empty() {
        Some(ConfidentialChoice::ByType)
    } else {
        ConfidentialChoice::parse(&input.confidential)
    };
    if choice.is_none() {
        problems.push(("confidential", DocumentProblem::ConfidentialInvalid));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let choice = choice.unwrap_or(ConfidentialChoice::ByType);
    Ok(DocumentFields {
        type_code: type_code.to_owned(),
        expires_on,
        confidential: choice.resolve(type_code),
    })
}

/// How long a share link lasts, as typed (whole days, 1 to [`SHARE_MAX_DAYS`]); blank gives
/// [`SHARE_DEFAULT_DAYS`].
pub fn parse_share_days(raw: &str) -> Option<i64> {
    let v = raw.trim();
    if v.is_empty() {
        return Some(SHARE_DEFAULT_DAYS);
    }
    v.parse::<i64>().ok().filter(|d| (1..=SHARE_MAX_DAYS).contains(d))
}

/// Who a share link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareRecipient {
    /// The person the document is about.
    Person,
    /// A partner organisation or service.
    Partner,
}

impl ShareRecipient {
    pub const ALL: [ShareRecipient; 2] = [ShareRecipient::Person, ShareRecipient::Partner];

    pub fn as_str(self) -> &'static str {
        match self {
            ShareRecipient::Person => "person",
            ShareRecipient::Partner => "partner",
        }
    }

    pub fn parse(s: &str) -> Option<ShareRecipient> {
        ShareRecipient::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn eviction_court_medical_and_report_documents_are_confidential_by_default() {
        for code in ListName::DocumentType.defaults() {
            let expected = matches!(
                *code,
                "eviction_document" | "court_decision" | "medical_document" | "report"
            );
            assert_eq!(confidential_by_default(code), expected, "{code}");
            assert_eq!(ConfidentialChoice::ByType.resolve(code), expected, "{code}");
            assert!(ConfidentialChoice::Yes.resolve(code));
            assert!(!ConfidentialChoice::No.resolve(code));
        }
        for code in CONFIDENTIAL_BY_DEFAULT.iter().chain(&EXPIRY_TRACKED) {
            assert!(ListName::DocumentType.defaults().contains(code), "{code}");
        }
    }

    #[test]
    fn file_names_are_cleaned() {
        // typed → shown
        let table: &[(&str, &str)] = &[
            ("titre de séjour.pdf", "titre de séjour.pdf"),
            ("C:\\Users\\amel\\Documents\\bail.pdf", "bail.pdf"),
            ("/home/x/../../etc/passwd", "passwd"),
            ("../../secret.pdf", "secret.pdf"),
            (".htaccess", "htaccess"),
            ("scan.pdf.", "scan.pdf"),
            ("  ", "document"),
            ("", "document"),
            ("..", "document"),
            ("a\u{0}b\r\nc.pdf", "abc.pdf"),
            // Right-to-left override: "invoice_\u{202E}fdp.exe" reads as "invoice_exe.pdf".
            ("invoice_\u{202E}fdp.exe", "invoice_fdp.exe"),
            ("what?<now>|\"x\":*.png", "what__now___x___.png"),
            // Decomposed é becomes one character.
            ("re\u{0301}sume\u{0301}.pdf", "résumé.pdf"),
            ("보험 증서.pdf", "보험 증서.pdf"),
        ];
        for (typed, shown) in table {
            assert_eq!(sanitize_file_name(typed), *shown, "{typed:?}");
        }
        let long = format!("{}.docx", "a".repeat(300));
        let cleaned = sanitize_file_name(&long);
        assert_eq!(cleaned.chars().count(), MAX_NAME_CHARS);
        assert!(cleaned.ends_with(".docx"));
    }

    #[test]
    fn expiry_shows_expired_and_expiring_soon() {
        let today = date!(2026 - 11 - 26);
        assert_eq!(expiry(None, today), Expiry::None);
        assert_eq!(expiry(Some(date!(2026 - 11 - 25)), today), Expiry::Expired { days: 1 });
        assert_eq!(expiry(Some(today), today), Expiry::Soon { days: 0 });
        assert_eq!(expiry(Some(date!(2027 - 01 - 25)), today), Expiry::Soon { days: 60 });
        assert_eq!(expiry(Some(date!(2027 - 01 - 26)), today), Expiry::Valid);
        assert!(needs_reminder(date!(2027 - 01 - 25), today, 60));
        assert!(!needs_reminder(date!(2027 - 01 - 26), today, 60));
        assert!(needs_reminder(date!(2026 - 01 - 01), today, 60), "already expired");
    }

    #[test]
    fn the_upload_form_is_parsed_against_the_organisation_types() {
        let lists = Lists::default();
        let input = DocumentInput {
            type_code: "residence_permit".into(),
            expires_on: "2027-03-01".into(),
            confidential: String::new(),
        };
        let fields = parse_fields(&input, &lists).unwrap();
        assert_eq!(fields.expires_on, Some(date!(2027 - 03 - 01)));
        assert!(!fields.confidential);
        let court = DocumentInput { type_code: "court_decision".into(), ..Default::default() };
        assert!(parse_fields(&court, &lists).unwrap().confidential);
        let shown = DocumentInput { confidential: "no".into(), ..court };
        assert!(!parse_fields(&shown, &lists).unwrap().confidential);
        let bad = DocumentInput {
            type_code: "love_letter".into(),
            expires_on: "31/02/2027".into(),
            confidential: "maybe".into(),
        };
        assert_eq!(
            parse_fields(&bad, &lists).unwrap_err(),
            vec![
                ("type", DocumentProblem::TypeUnknown),
                ("expires_on", DocumentProblem::ExpiryInvalid),
                ("confidential", DocumentProblem::ConfidentialInvalid),
            ]
        );
        let empty = DocumentInput::default();
        assert_eq!(
            parse_fields(&empty, &lists).unwrap_err(),
            vec![("type", DocumentProblem::TypeRequired)]
        );
    }

    #[test]
    fn share_links_last_one_to_thirty_days() {
        assert_eq!(parse_share_days(""), Some(SHARE_DEFAULT_DAYS));
        assert_eq!(parse_share_days("1"), Some(1));
        assert_eq!(parse_share_days("30"), Some(30));
        assert_eq!(parse_share_days("0"), None);
        assert_eq!(parse_share_days("31"), None);
        assert_eq!(parse_share_days("x"), None);
    }
}
