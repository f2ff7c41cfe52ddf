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
}
