//! How dates and times are shown: stored in UTC, shown in the organisation's time zone
//! (DESIGN.md §5), with the zone's abbreviation so nobody wonders which clock it is.

use store::Ts;

/// `2026-11-25 23:45 UTC`: for pages outside an organisation (the instance's log).
pub fn utc_minutes(ts: Ts) -> String {
    let t = ts.get();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `2026-11-26 00:45 CET` in `zone` (an IANA name such as `Europe/Paris`); in UTC when the
/// zone is unknown or not given.
pub fn local_minutes(ts: Ts, zone: Option<&str>) -> String {
    let Some(tz) = zone.and_then(|z| jiff::tz::TimeZone::get(z).ok()) else {
        return utc_minutes(ts);
    };
    let t = ts.get();
    let Ok(instant) = jiff::Timestamp::new(t.unix_timestamp(), 0) else {
        return utc_minutes(ts);
    };
    instant.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// The time of `ts` for whoever is signed in: in their active organisation's zone.
pub fn for_user(ts: Ts, signed_in: &crate::auth::SignedIn) -> String {
    local_minutes(ts, signed_in.time_zone.as_deref())
}

/// Whether `zone` is a time zone this server knows (for the organisation settings form).
pub fn known_zone(zone: &str) -> bool {
    jiff::tz::TimeZone::get(zone).is_ok()
}

/// The instant a local date and time of `zone` names (UTC when the zone is unknown). A time
/// that does not exist (the hour skipped in spring) or exists twice (the hour repeated in
/// autumn) is taken as the clocks' "compatible" reading: later, and earlier, respectively.
pub fn local_to_utc(local: time::PrimitiveDateTime, zone: Option<&str>) -> Option<Ts> {
    let tz = zone.and_then(|z| jiff::tz::TimeZone::get(z).ok()).unwrap_or(jiff::tz::TimeZone::UTC);
    let dt = jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        u8::from(local.month()) as i8,
        local.day() as i8,
        local.hour() as i8,
        local.minute() as i8,
        0,
        0,
    )
    .ok()?;
    let seconds = dt.to_zoned(tz).ok()?.timestamp().as_second();
    time::OffsetDateTime::from_unix_timestamp(seconds).ok().map(Ts::from)
}

/// The local date and time of `ts` in `zone` (shared with the store's jobs).
pub use store::ts::utc_to_local;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_shown_to_the_minute_with_the_zone_named() {
        assert_eq!(
            utc_minutes(Ts::from(datetime!(2026-03-05 07:09:59 +01:00))),
            "2026-03-05 06:09 UTC"
        );
    }

    #[test]
    fn times_are_shown_in_the_organisations_zone_across_daylight_saving() {
        let winter = Ts::from(datetime!(2026-11-25 23:45:00 UTC));
        assert_eq!(local_minutes(winter, Some("Europe/Paris")), "2026-11-26 00:45 CET");
        let summer = Ts::from(datetime!(2026-07-01 10:00:00 UTC));
        assert_eq!(local_minutes(summer, Some("Europe/Paris")), "2026-07-01 12:00 CEST");
        assert_eq!(local_minutes(summer, Some("Indian/Reunion")), "2026-07-01 14:00 +04");
        assert_eq!(local_minutes(summer, Some("Mars/Olympus")), "2026-07-01 10:00 UTC");
        assert_eq!(local_minutes(summer, None), "2026-07-01 10:00 UTC");
        assert!(known_zone("America/Cayenne") && !known_zone("Europe/Valbourg"));
    }

    #[test]
    fn local_times_become_utc_in_the_organisations_zone() {
        use time::macros::datetime;
        let paris = Some("Europe/Paris");
        let winter = local_to_utc(datetime!(2026-11-20 14:30), paris).unwrap();
        assert_eq!(winter, Ts::from(datetime!(2026-11-20 13:30 UTC)));
        let summer = local_to_utc(datetime!(2026-07-01 14:30), paris).unwrap();
        assert_eq!(summer, Ts::from(datetime!(2026-07-01 12:30 UTC)));
        // 02:30 does not exist on 29 March 2026 in Paris: read as 03:30 CEST.
        let gap = local_to_utc(datetime!(2026-03-29 02:30), paris).unwrap();
        assert_eq!(gap, Ts::from(datetime!(2026-03-29 01:30 UTC)));
        assert_eq!(utc_to_local(winter, paris), datetime!(2026-11-20 14:30));
        assert_eq!(utc_to_local(summer, Some("Indian/Reunion")), datetime!(2026-07-01 16:30));
        assert_eq!(utc_to_local(summer, None), datetime!(2026-07-01 12:30));
    }
}
