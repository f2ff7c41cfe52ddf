//! Timestamps as stored: UTC, microsecond precision, identical on both engines.
//!
//! PostgreSQL keeps microseconds; SQLite has no date type. On SQLite a timestamp is TEXT of a
//! fixed width (`2026-11-25T23:45:05.123456Z`) so that text order is time order — sqlx's default
//! encoding trims trailing zeros, and then `05.5Z` sorts before `05Z`. Truncating to the
//! microsecond on the way in makes a value read back equal to the value written, on both.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

const SQLITE_FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// A point in time as Passerelle stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(OffsetDateTime);

impl Ts {
    pub fn now() -> Self {
        Self::from(OffsetDateTime::now_utc())
    }

    pub fn get(self) -> OffsetDateTime {
        self.0
    }

    /// The fixed-width UTC text form, `YYYY-MM-DDTHH:MM:SS.ffffffZ`: what SQLite stores, and
    /// what the audit chain hashes, so a hash does not depend on the engine.
    pub fn canonical(self) -> String {
        // Cannot fail: the value is UTC and every component is in range.
        self.0.format(SQLITE_FORMAT).expect("UTC timestamps always format")
    }

    fn from_sqlite_text(s: &str) -> Result<Self, BoxDynError> {
        let parsed = PrimitiveDateTime::parse(s, SQLITE_FORMAT)
            .map_err(|e| format!("timestamp {s:?} is not in the stored format: {e}"))?;
        Ok(Self(parsed.assume_utc()))
    }
}

impl From<OffsetDateTime> for Ts {
    fn from(t: OffsetDateTime) -> Self {
        let utc = t.to_offset(UtcOffset::UTC);
        let micros = utc.nanosecond() / 1_000 * 1_000;
        Self(utc.replace_nanosecond(micros).expect("truncated nanoseconds stay in range"))
    }
}

impl From<Ts> for OffsetDateTime {
    fn from(t: Ts) -> Self {
        t.0
    }
}

impl Type<Sqlite> for Ts {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl<'q> Encode<'q, Sqlite> for Ts {
    fn encode_by_ref(
        &self,
        args: &mut Vec<SqliteArgumentValue<'q>>,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.canonical(), args)
    }
}

impl<'r> Decode<'r, Sqlite> for Ts {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Self::from_sqlite_text(<&str as Decode<'r, Sqlite>>::decode(value)?)
    }
}

impl Type<Postgres> for Ts {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for Ts {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<'_, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Ts {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self(<OffsetDateTime as Decode<'r, Postgres>>::decode(value)?))
    }
}

/// The local date and time of `ts` in `zone` (UTC when the zone is unknown), to fill a form.
pub fn utc_to_local(ts: Ts, zone: Option<&str>) -> time::PrimitiveDateTime {
    let t = ts.get();
    let utc = time::PrimitiveDateTime::new(t.date(), t.time());
    let Some(tz) = zone.and_then(|z| jiff::tz::TimeZone::get(z).ok()) else { return utc };
    let Ok(instant) = jiff::Timestamp::new(t.unix_timestamp(), 0) else { return utc };
    let dt = instant.to_zoned(tz).datetime();
    let month = time::Month::try_from(dt.month() as u8).ok();
    let date = month
        .and_then(|m| time::Date::from_calendar_date(dt.year().into(), m, dt.day() as u8).ok());
    let time = time::Time::from_hms(dt.hour() as u8, dt.minute() as u8, 0).ok();
    match (date, time) {
        (Some(d), Some(t)) => time::PrimitiveDateTime::new(d, t),
        _ => utc,
    }
}

/// The date it is now in `zone` (UTC when unknown): an organisation's "today".
pub fn local_today(now: Ts, zone: Option<&str>) -> time::Date {
    utc_to_local(now, zone).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn sqlite_text_has_a_fixed_width_so_text_order_is_time_order() {
        let whole = Ts::from(datetime!(2026-11-25 23:45:05 UTC));
        let half = Ts::from(datetime!(2026-11-25 23:45:05.5 UTC));
        assert_eq!(whole.canonical(), "2026-11-25T23:45:05.000000Z");
        assert_eq!(half.canonical(), "2026-11-25T23:45:05.500000Z");
        assert!(whole.canonical() < half.canonical());
    }

    #[test]
    fn timestamps_are_kept_in_utc_to_the_microsecond() {
        let paris = datetime!(2026-07-01 10:00:00.123456789 +02:00);
        let ts = Ts::from(paris);
        assert_eq!(ts.get(), datetime!(2026-07-01 08:00:00.123456 UTC));
        assert_eq!(ts.get().offset(), UtcOffset::UTC);
        assert_eq!(Ts::from_sqlite_text(&ts.canonical()).unwrap(), ts);
    }

    #[test]
    fn malformed_sqlite_text_is_an_error_naming_the_value() {
        let err = Ts::from_sqlite_text("yesterday").unwrap_err();
        assert!(err.to_string().contains("yesterday"));
    }
}
