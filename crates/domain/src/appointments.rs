//! Appointments (issue 9, slice b): a worker's calendar — meetings with a person (linked to a
//! case or not) and office-hour slots, at a place (office, home visit, partner, phone, video),
//! planned then done, missed or cancelled (by the person, the worker or the organisation);
//! weekly recurring slots; a conflict check when booking; and the iCalendar text of an
//! appointment and of a worker's private feed. Times are typed in the organisation's calendar
//! and stored in UTC; this module works on local times and leaves the conversion to the
//! caller.

use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};

/// Longest purpose ("what for") of an appointment, and longest place detail.
pub const PURPOSE_MAX: usize = 300;
pub const PLACE_DETAIL_MAX: usize = 300;
/// An appointment lasts from 5 minutes to 12 hours.
pub const DURATION_MIN: i64 = 5;
pub const DURATION_MAX: i64 = 12 * 60;
/// A recurring slot repeats weekly, at most this many times.
pub const REPEAT_MAX: u32 = 52;
/// Furthest an appointment may be booked ahead, in years.
pub const AHEAD_MAX_YEARS: i32 = 3;

/// Where an appointment takes place. The codes are stored: never rename one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Office,
    HomeVisit,
    Partner,
    Phone,
    Video,
}

impl Place {
    pub const ALL: [Place; 5] =
        [Place::Office, Place::HomeVisit, Place::Partner, Place::Phone, Place::Video];

    pub fn as_str(self) -> &'static str {
        match self {
            Place::Office => "office",
            Place::HomeVisit => "home_visit",
            Place::Partner => "partner",
            Place::Phone => "phone",
            Place::Video => "video",
        }
    }

    pub fn parse(s: &str) -> Option<Place> {
        Place::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// The note type (contact medium, DOMAIN.md §2.7) a note of this appointment starts with.
    pub fn note_type(self) -> &'static str {
        match self {
            Place::Office => "in_person_appointment",
            Place::HomeVisit => "home_visit",
            Place::Partner => "external_appointment",
            Place::Phone => "phone",
            Place::Video => "video_call",
        }
    }
}

/// Where an appointment stands. The codes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Planned,
    Done,
    Missed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Planned, Status::Done, Status::Missed, Status::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Done => "done",
            Status::Missed => "missed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }
}

/// Who cancelled. The codes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelledBy {
    Person,
    Worker,
    Organisation,
}

impl CancelledBy {
    pub const ALL: [CancelledBy; 3] =
        [CancelledBy::Person, CancelledBy::Worker, CancelledBy::Organisation];

    pub fn as_str(self) -> &'static str {
        match self {
            CancelledBy::Person => "person",
            CancelledBy::Worker => "worker",
            CancelledBy::Organisation => "organisation",
        }
    }

    pub fn parse(s: &str) -> Option<CancelledBy> {
        CancelledBy::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }
}

/// Whether a planned appointment may move to `to`: done and missed once its day has come
/// (`its_day`), cancelled any time; nothing leaves done, missed or cancelled but a correction
/// back to planned.
pub fn may_change(from: Status, to: Status, its_day: bool) -> bool {
    match (from, to) {
        (Status::Planned, Status::Done | Status::Missed) => its_day,
        (Status::Planned, Status::Cancelled) => true,
        (Status::Done | Status::Missed | Status::Cancelled, Status::Planned) => true,
        _ => false,
    }
}

/// The booking form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppointmentInput {
    /// `yyyy-mm-dd` or `dd/mm/yyyy`.
    pub date: String,
    /// `hh:mm`.
    pub time: String,
    /// Minutes.
    pub duration: String,
    pub place: String,
    pub place_detail: String,
    pub purpose: String,
    /// Weekly repetitions in all (blank or 1: once).
    pub repeat: String,
}

/// A booking that passed the checks, in local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub starts: PrimitiveDateTime,
    pub minutes: i64,
    pub place: Place,
    pub place_detail: Option<String>,
    pub purpose: Option<String>,
    /// How many weekly occurrences (1: once).
    pub repeat: u32,
}

impl Booking {
    /// The local start of each occurrence, a week apart.
    pub fn occurrences(&self) -> Vec<PrimitiveDateTime> {
        (0..self.repeat).map(|i| self.starts + Duration::weeks(i as i64)).collect()
    }
}

/// A refused value of the booking form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    DateRequired,
    DateInvalid,
    TimeRequired,
    TimeInvalid,
    /// Booked in the past (a meeting that happened is a note).
    InPast,
    TooFar {
        years: i32,
    },
    DurationInvalid {
        min: i64,
        max: i64,
    },
    PlaceRequired,
    TooLong {
        max: usize,
    },
    RepeatInvalid {
        max: u32,
    },
}

fn text(
    raw: &str,
    max: usize,
    field: &'static str,
    problems: &mut Vec<(&'static str, Problem)>,
) -> Option<String> {
    let v = raw.trim().replace("\r\n", "\n");
    if v.chars().count() > max {
        problems.push((field, Problem::TooLong { max }));
    }
    let clean: String = v.chars().filter(|c| !c.is_control() || *c == '\n').collect();
    (!clean.is_empty()).then_some(clean)
}

/// Checks a booking typed at local time `now`. Problems name the field (`date`, `time`,
/// `duration`, `place`, `place_detail`, `purpose`, `repeat`).
pub fn parse(
    input: &AppointmentInput,
    now: PrimitiveDateTime,
) -> Result<Booking, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    let date = match crate::persons::parse_date(&input.date) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(("date", Problem::DateRequired));
            None
        }
        Err(_) => {
            problems.push(("date", Problem::DateInvalid));
            None
        }
    };
    let time = if input.time.trim().is_empty() {
        problems.push(("time", Problem::TimeRequired));
        None
    } else {
        let t = crate::cases::parse_time(&input.time);
        if t.is_none() {
            problems.push(("time", Problem::TimeInvalid));
        }
        t
    };
    let starts = date.zip(time).map(|(d, t): (Date, Time)| PrimitiveDateTime::new(d, t));
    if let Some(s) = starts {
        if s < now.replace_second(0).unwrap_or(now) - Duration::minutes(1) {
            problems.push(("date", Problem::InPast));
        } else if s.year() > now.year() + AHEAD_MAX_YEARS {
            problems.push(("date", Problem::TooFar { years: AHEAD_MAX_YEARS }));
        }
    }
    let minutes = match input.duration.trim() {
        "" => Some(60),
        v => v.parse::<i64>().ok().filter(|m| (DURATION_MIN..=DURATION_MAX).contains(m)),
    };
    if minutes.is_none() {
        problems
            .push(("duration", Problem::DurationInvalid { min: DURATION_MIN, max: DURATION_MAX }));
    }
    let place = Place::parse(&input.place);
    if place.is_none() {
        problems.push(("place", Problem::PlaceRequired));
    }
    let place_detail = text(&input.place_detail, PLACE_DETAIL_MAX, "place_detail", &mut problems);
    let purpose = text(&input.purpose, PURPOSE_MAX, "purpose", &mut problems);
    let repeat = match input.repeat.trim() {
        "" => Some(1),
        v => v.parse::<u32>().ok().filter(|r| (1..=REPEAT_MAX).contains(r)),
    };
    if repeat.is_none() {
        problems.push(("repeat", Problem::RepeatInvalid { max: REPEAT_MAX }));
    }
    match (starts, minutes, place, repeat) {
        (Some(starts), Some(minutes), Some(place), Some(repeat)) if problems.is_empty() => {
            Ok(Booking { starts, minutes, place, place_detail, purpose, repeat })
        }
        _ => Err(problems),
    }
}

/// Whether two spans `[a_start, a_end)` and `[b_start, b_end)` overlap (touching is not).
pub fn overlaps<T: PartialOrd>(a_start: T, a_end: T, b_start: T, b_end: T) -> bool {
    a_start < b_end && b_start < a_end
}

/// The Monday of the week of `d`.
pub fn week_start(d: Date) -> Date {
    d - Duration::days(d.weekday().number_days_from_monday() as i64)
}

/// The days of the week starting on `monday`.
pub fn week_days(monday: Date) -> [Date; 7] {
    std::array::from_fn(|i| monday + Duration::days(i as i64))
}

/// Whether `d` is a Saturday or a Sunday.
pub fn weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Initials of a name, for a calendar feed that shows no personal data: "Martin Camille" →
/// "M. C.".
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphabetic()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// iCalendar (RFC 5545).

/// One event of an iCalendar text, in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    pub uid: String,
    pub starts: time::OffsetDateTime,
    pub ends: time::OffsetDateTime,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub cancelled: bool,
    /// Increases each time the appointment changes, so calendars take the new version.
    pub sequence: i64,
}

fn ics_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A TEXT value escaped (backslash, semicolon, comma, line breaks).
pub fn ics_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (never inside a character), ended by CRLF.
fn fold(line: &str, out: &mut String) {
    let mut len = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if len + n > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += n;
    }
    out.push_str("\r\n");
}

/// A VCALENDAR with `events`, stamped at `now`.
pub fn ics(calendar_name: &str, events: &[IcsEvent], now: time::OffsetDateTime) -> String {
    let mut out = String::new();
    let mut line = |l: String| fold(&l, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Passerelle//Agenda//FR".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", ics_escape(calendar_name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", e.uid));
        line(format!("DTSTAMP:{}", ics_time(now)));
        line(format!("DTSTART:{}", ics_time(e.starts)));
        line(format!("DTEND:{}", ics_time(e.ends)));
        line(format!("SEQUENCE:{}", e.sequence));
        line(format!("SUMMARY:{}", ics_escape(&e.summary)));
        if let Some(l) = &e.location {
            line(format!("LOCATION:{}", ics_escape(l)));
        }
        if let Some(d) = &e.description {
            line(format!("DESCRIPTION:{}", ics_escape(d)));
        }
        line(format!("STATUS:{}", if e.cancelled { "CANCELLED" } else { "CONFIRMED" }));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// The secret of a calendar feed URL: a prefix and 256 random bits in hex. Only its SHA-256 is
/// stored; its owner sees it once, when it is made.
pub struct FeedToken(String);

const FEED_PREFIX: &str = "pcal_";

impl FeedToken {
    pub fn generate() -> FeedToken {
        FeedToken(format!("{FEED_PREFIX}{}", hex::encode(rand::random::<[u8; 32]>())))
    }

    /// A token as a calendar sent it, if it has the shape of one (the `.ics` ending allowed).
    pub fn parse(input: &str) -> Option<FeedToken> {
        let v = input.strip_suffix(".ics").unwrap_or(input);
        let hex = v.strip_prefix(FEED_PREFIX)?;
        let ok = hex.len() == 64
            && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| FeedToken(v.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(self.0.as_bytes()).into()
    }
}

impl std::fmt::Debug for FeedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FeedToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn input() -> AppointmentInput {
        AppointmentInput {
            date: "2026-12-01".into(),
            time: "14:30".into(),
            duration: "45".into(),
            place: "home_visit".into(),
            place_detail: " 12 rue des Lilas ".into(),
            purpose: "Point sur le budget".into(),
            repeat: "".into(),
        }
    }

    #[test]
    fn a_booking_is_checked_field_by_field() {
        let now = datetime!(2026-11-26 10:00);
        let b = parse(&input(), now).unwrap();
        assert_eq!(b.starts, datetime!(2026-12-01 14:30));
        assert_eq!((b.minutes, b.place, b.repeat), (45, Place::HomeVisit, 1));
        assert_eq!(b.place_detail.as_deref(), Some("12 rue des Lilas"));
        // Default duration one hour; weekly repetitions.
        let slot =
            parse(&AppointmentInput { duration: "".into(), repeat: "3".into(), ..input() }, now)
                .unwrap();
        assert_eq!(slot.minutes, 60);
        assert_eq!(
            slot.occurrences(),
            vec![
                datetime!(2026-12-01 14:30),
                datetime!(2026-12-08 14:30),
                datetime!(2026-12-15 14:30)
            ]
        );
        use Problem::*;
        let bad = AppointmentInput {
            date: "31/11/2026".into(),
            time: "25:00".into(),
            duration: "3".into(),
            place: "moon".into(),
            place_detail: "x".repeat(301),
            purpose: "".into(),
            repeat: "53".into(),
        };
        assert_eq!(
            parse(&bad, now).unwrap_err(),
            vec![
                ("date", DateInvalid),
                ("time", TimeInvalid),
                ("duration", DurationInvalid { min: 5, max: 720 }),
                ("place", PlaceRequired),
                ("place_detail", TooLong { max: 300 }),
                ("repeat", RepeatInvalid { max: 52 }),
            ]
        );
        let past = AppointmentInput { date: "2026-11-26".into(), time: "09:00".into(), ..input() };
        assert_eq!(parse(&past, now).unwrap_err(), vec![("date", InPast)]);
        // The current minute is not the past.
        let now_exactly =
            AppointmentInput { date: "2026-11-26".into(), time: "10:00".into(), ..input() };
        assert!(parse(&now_exactly, datetime!(2026-11-26 10:00:40)).is_ok());
        let far = AppointmentInput { date: "2030-01-01".into(), ..input() };
        assert_eq!(parse(&far, now).unwrap_err(), vec![("date", TooFar { years: 3 })]);
        let empty = AppointmentInput { date: "".into(), time: " ".into(), ..input() };
        assert_eq!(
            parse(&empty, now).unwrap_err(),
            vec![("date", DateRequired), ("time", TimeRequired)]
        );
    }

    #[test]
    fn statuses_move_as_the_day_goes() {
        use Status::*;
        assert!(may_change(Planned, Done, true) && !may_change(Planned, Done, false));
        assert!(may_change(Planned, Missed, true) && !may_change(Planned, Missed, false));
        assert!(may_change(Planned, Cancelled, false) && may_change(Planned, Cancelled, true));
        assert!(may_change(Done, Planned, true) && may_change(Cancelled, Planned, false));
        assert!(!may_change(Done, Missed, true) && !may_change(Cancelled, Done, true));
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for p in Place::ALL {
            assert_eq!(Place::parse(p.as_str()), Some(p));
        }
        for c in CancelledBy::ALL {
            assert_eq!(CancelledBy::parse(c.as_str()), Some(c));
        }
        assert_eq!(Place::HomeVisit.note_type(), "home_visit");
    }

    #[test]
    fn weeks_overlaps_and_initials() {
        assert_eq!(week_start(date!(2026 - 11 - 26)), date!(2026 - 11 - 23));
        assert_eq!(week_start(date!(2026 - 11 - 23)), date!(2026 - 11 - 23));
        assert_eq!(week_start(date!(2026 - 11 - 29)), date!(2026 - 11 - 23));
        assert_eq!(week_days(date!(2026 - 11 - 23))[6], date!(2026 - 11 - 29));
        assert!(weekend(date!(2026 - 11 - 28)) && !weekend(date!(2026 - 11 - 27)));
        assert!(overlaps(1, 3, 2, 4) && overlaps(2, 4, 1, 3) && overlaps(1, 5, 2, 3));
        assert!(!overlaps(1, 2, 2, 3), "back to back is no conflict");
        assert_eq!(initials("Martin Camille"), "M. C.");
        assert_eq!(initials("  d'Almeida   Élodie-Anne "), "D. É.");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn an_icalendar_text_is_escaped_folded_and_in_utc() {
        let e = IcsEvent {
            uid: "0193-abc@passerelle".into(),
            starts: datetime!(2026-12-01 13:30 UTC),
            ends: datetime!(2026-12-01 14:15 UTC),
            summary: "Visite à domicile, M. C.; point budget".into(),
            location: Some("12 rue des Lilas\n93200 Saint-Denis".into()),
            description: Some("é".repeat(60)),
            cancelled: false,
            sequence: 2,
        };
        let text = ics(
            "Agenda de Karim",
            &[e.clone(), IcsEvent { cancelled: true, ..e }],
            datetime!(2026-11-26 09:00 UTC),
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART:20261201T133000Z\r\nDTEND:20261201T141500Z\r\n"));
        assert!(text.contains("SUMMARY:Visite à domicile\\, M. C.\\; point budget\r\n"));
        assert!(text.contains("LOCATION:12 rue des Lilas\\n93200 Saint-Denis\r\n"));
        assert!(text.contains("STATUS:CONFIRMED") && text.contains("STATUS:CANCELLED"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        // Every line at most 75 octets, folded lines start with a space; unfolding gives back
        // the description whole.
        for l in text.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}\r\n", "é".repeat(60))));
        assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "CRLF only");
    }

    #[test]
    fn feed_tokens_are_random_parsed_and_hashed() {
        let a = FeedToken::generate();
        let b = FeedToken::generate();
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().starts_with("pcal_") && a.expose().len() == 69);
        let back = FeedToken::parse(&format!("{}.ics", a.expose())).unwrap();
        assert_eq!(back.hash(), a.hash());
        assert_ne!(a.hash(), b.hash());
        assert!(FeedToken::parse("pcal_1234").is_none());
        assert!(FeedToken::parse(&a.expose().to_uppercase()).is_none());
        assert!(FeedToken::parse(&a.expose().replace("pcal_", "psr_")).is_none());
        assert_eq!(format!("{a:?}"), "FeedToken(…)");
    }
}
