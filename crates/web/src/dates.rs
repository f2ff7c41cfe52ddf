//! How dates and times are shown. For now in UTC with the zone named; showing them in each
//! organisation's time zone needs a time-zone database and comes with the case file.

use store::Ts;

/// `2026-11-25 23:45 UTC`.
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
}
