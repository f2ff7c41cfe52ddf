//! The search form: what was typed, and the filter it gives once every field is checked.

use domain::accounts::Email;
use domain::audit::AuditAction;
use serde::Deserialize;
use store::audit::{AuditCursor, AuditFilter, AuditScope};
use store::{Db, StoreError, Ts};
use time::macros::format_description;
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use crate::i18n::Tr;

/// The criteria as typed, kept to show them back. Every field may be empty.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CriteriaForm {
    /// The e-mail address of whoever did it.
    #[serde(default)]
    pub user: String,
    /// The id of the record it was done to.
    #[serde(default)]
    pub subject: String,
    /// An action code, or empty for any.
    #[serde(default)]
    pub action: String,
    /// First day, `YYYY-MM-DD` (UTC), included.
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` (UTC), included.
    #[serde(default)]
    pub to: String,
    /// Where the page starts (an "older events" request); empty for the newest.
    #[serde(default)]
    pub cursor: String,
}

/// A problem with one field, shown next to it and in the summary that links to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's `id` and `name`.
    pub field: &'static str,
    pub message: String,
}

/// The search the form asks for, or what is wrong with it.
pub async fn check(
    db: &Db,
    scope: AuditScope,
    form: &CriteriaForm,
    t: &Tr,
) -> Result<Result<AuditFilter, Vec<FieldError>>, StoreError> {
    let mut errors = Vec::new();
    let mut error =
        |field: &'static str, message: String| errors.push(FieldError { field, message });
    let mut filter = AuditFilter::new(scope);

    let user = form.user.trim();
    if !user.is_empty() {
        match Email::parse(user) {
            Err(_) => error("user", t.msg("audit-error-user-format")),
            Ok(email) => {
                match store::audit::find_actor_by_email(db, scope, email.as_str()).await? {
                    Some(id) => filter.actor_user_id = Some(id),
                    None => error(
                        "user",
                        t.msg(match scope {
                            AuditScope::Organisation(_) => "audit-error-user-unknown-organisation",
                            AuditScope::Instance | AuditScope::Everything => {
                                "audit-error-user-unknown"
                            }
                        }),
                    ),
                }
            }
        }
    }
    match parse_subject(&form.subject) {
        Ok(subject) => filter.subject_id = subject,
        Err(()) => error("subject", t.msg("audit-error-subject")),
    }
    match parse_action(&form.action) {
        Ok(action) => filter.action = action,
        Err(()) => error("action", t.msg("audit-error-action")),
    }
    let from = parse_day(&form.from);
    let to = parse_day(&form.to);
    if from.is_err() {
        error("from", t.msg("audit-error-date"));
    }
    match (from, to) {
        (_, Err(())) => error("to", t.msg("audit-error-date")),
        (Ok(Some(from)), Ok(Some(to))) if to < from => {
            error("to", t.msg("audit-error-to-before-from"))
        }
        _ => {}
    }
    if errors.is_empty() {
        filter.from = from.ok().flatten().map(start_of);
        // The last day is included: the search stops at the start of the next one.
        filter.until = to.ok().flatten().and_then(Date::next_day).map(start_of);
        Ok(Ok(filter))
    } else {
        Ok(Err(errors))
    }
}

fn parse_subject(input: &str) -> Result<Option<Uuid>, ()> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // Only the usual hyphenated form: what the pages and the CSV show.
    if s.len() != 36 {
        return Err(());
    }
    Uuid::parse_str(s).map(Some).map_err(|_| ())
}

fn parse_action(input: &str) -> Result<Option<AuditAction>, ()> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    AuditAction::parse(s).map(Some).map_err(|_| ())
}

fn parse_day(input: &str) -> Result<Option<Date>, ()> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Date::parse(s, format_description!("[year padding:zero repr:full base:calendar]-[month]-[day]"))
        .map(Some)
        .map_err(|_| ())
}

/// Midnight UTC at the start of `day`.
fn start_of(day: Date) -> Ts {
    Ts::from(OffsetDateTime::new_utc(day, Time::MIDNIGHT))
}

/// The cursor as a form value: microseconds since the epoch and the event id.
pub fn encode_cursor(cursor: &AuditCursor) -> String {
    let micros = cursor.occurred_at.get().unix_timestamp_nanos() / 1_000;
    format!("{micros}_{}", cursor.id)
}

/// A cursor read back; `None` when empty or not one we made.
pub fn decode_cursor(value: &str) -> Option<AuditCursor> {
    let (micros, id) = value.trim().split_once('_')?;
    let micros: i128 = micros.parse().ok()?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1_000)?).ok()?;
    Some(AuditCursor { occurred_at: Ts::from(at), id: Uuid::parse_str(id).ok()? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn days_are_read_as_yyyy_mm_dd_only() {
        assert_eq!(parse_day(""), Ok(None));
        assert_eq!(parse_day(" 2026-11-25 "), Ok(Some(date!(2026 - 11 - 25))));
        for bad in ["25/11/2026", "2026-13-01", "2026-02-30", "2026-1-5", "yesterday", "20261125"] {
            assert_eq!(parse_day(bad), Err(()), "{bad:?}");
        }
        assert_eq!(start_of(date!(2026 - 11 - 25)), Ts::from(datetime!(2026-11-25 00:00 UTC)));
    }

    #[test]
    fn subjects_are_hyphenated_uuids_and_actions_known_codes() {
        let id = Uuid::now_v7();
        assert_eq!(parse_subject(&format!(" {id} ")), Ok(Some(id)));
        assert_eq!(parse_subject(""), Ok(None));
        assert_eq!(parse_subject("not-a-uuid"), Err(()));
        assert_eq!(parse_subject(&id.simple().to_string()), Err(()));
        assert_eq!(parse_action("export"), Ok(Some(AuditAction::Export)));
        assert_eq!(parse_action(""), Ok(None));
        assert_eq!(parse_action("drop_table"), Err(()));
    }

    #[test]
    fn a_cursor_survives_the_round_trip_through_the_form() {
        let cursor = AuditCursor { occurred_at: Ts::now(), id: Uuid::now_v7() };
        assert_eq!(decode_cursor(&encode_cursor(&cursor)), Some(cursor));
        for bad in [
            "",
            "x_y",
            "12",
            "12_not-a-uuid",
            "99999999999999999999999999999_00000000-0000-0000-0000-000000000000",
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad:?}");
        }
    }
}
