//! Person search at the reception desk: the pure part.
//!
//! A person is indexed as a set of [`Term`]s ([`person_terms`]); what is typed becomes a
//! [`Plan`] ([`plan`]) the storage layer turns into SQL to find candidates; [`score`] then
//! judges and ranks each candidate from its terms. The SQL only has to be generous: `score` is
//! stricter (for instance it checks the real edit distance of a typo, where the stored
//! deletion variants also let some two-edit words through).
//!
//! Term namespaces (a name term only holds letters, digits and spacing marks, never `:` or
//! `#`, so they cannot collide):
//! - a name word or concatenation: `martin`, `legoff`, `김민준`;
//! - `d:YYYY-MM-DD` a birth date, `t:<digits>` a phone, `n:<letters and digits>` a number;
//! - `#<family terms>/<given terms>` (kind 0, at most one per person): which name terms come
//!   from the family names and which from the first names, for the ranking bonus. No slot ever
//!   matches it.
//!
//! Typos use symmetric deletion: a word of [`TYPO_MIN_LEN`]+ characters is stored with each of
//! its one-character deletions (kind [`KIND_DELETION`]); the query word brings its own deletions,
//! so a substitution, a transposition, an insertion or a deletion meet on an exact index lookup.

use std::borrow::Cow;

use time::{Date, Month};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Term kind of a name word, a concatenation, a date, a phone or a number.
pub const KIND_WORD: i64 = 0;
/// Term kind of a name word with one character deleted (typo tolerance).
pub const KIND_DELETION: i64 = 1;
/// Minimum length in characters of a name word for typo tolerance.
pub const TYPO_MIN_LEN: usize = 5;
/// Most slots in a plan: each slot is one more join (or `EXISTS`) in the SQL.
pub const MAX_SLOTS: usize = 8;

const DATE_PREFIX: &str = "d:";
const PHONE_PREFIX: &str = "t:";
const NUMBER_PREFIX: &str = "n:";
const FIELDS_MARKER: char = '#';
/// Longest run of adjacent query words tried as one stored word ("de la fuente" → "delafuente").
const JOIN_SPAN: usize = 3;

const EXACT: u32 = 100;
/// A prefix scores between `PREFIX` and `PREFIX + PREFIX_COVERAGE - 1`, more when it covers more
/// of the word, so always below `EXACT` and above `TYPO`.
const PREFIX: u32 = 50;
const PREFIX_COVERAGE: u32 = 40;
const TYPO: u32 = 30;
const CONCAT_BONUS: u32 = 60;
const FIELDS_BONUS: u32 = 40;

// ---------------------------------------------------------------------------------------------
// Folding

/// Folds text to its search form: lowercase, accents stripped, ligatures expanded, special
/// letters mapped; every char that is not a letter or digit (any script) becomes a word break;
/// apostrophes (' ’ ʼ `) and hyphens also break words. Returns the words.
///
/// The text goes through compatibility decomposition (NFKD, so fullwidth letters and digits,
/// `ﬁ` or `ĳ` fold too), loses its non-spacing and enclosing marks (general category Mn and
/// Me; the spacing marks Mc of Indic scripts are letters there and stay), is lowercased and
/// recomposed (NFC), which keeps Hangul syllables whole.
pub fn words(s: &str) -> Vec<String> {
    let folded = fold(s);
    let mut out = Vec::new();
    let mut word = String::new();
    for c in folded.chars() {
        if is_word_char(c) {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        // The common case, on every keystroke and for most of a million names at indexing.
        return if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        };
    }
    let mut buf = String::with_capacity(s.len());
    for c in s.nfkd() {
        if c.is_ascii() {
            buf.push(c.to_ascii_lowercase());
        } else if !is_stripped_mark(c) {
            // Lowercasing can add a mark ('İ' lowercases to "i\u{307}"); it goes too.
            for lower in c.to_lowercase().filter(|l| !is_stripped_mark(*l)) {
                push_plain(lower, &mut buf);
            }
        }
    }
    if buf.is_ascii() { Cow::Owned(buf) } else { Cow::Owned(buf.nfc().collect()) }
}

/// Letters that are not a base letter plus a mark, so decomposition leaves them alone, and that
/// people type as their plain form.
fn push_plain(c: char, buf: &mut String) {
    match c {
        'œ' => buf.push_str("oe"),
        'æ' => buf.push_str("ae"),
        'ß' => buf.push_str("ss"),
        'þ' => buf.push_str("th"),
        'ł' => buf.push('l'),
        'ø' => buf.push('o'),
        'đ' | 'ð' | 'ɖ' => buf.push('d'),
        'ı' => buf.push('i'),
        'ħ' => buf.push('h'),
        'ŧ' => buf.push('t'),
        'ɛ' => buf.push('e'),
        'ɔ' => buf.push('o'),
        'ƒ' => buf.push('f'),
        'ʋ' => buf.push('v'),
        // Lowercasing 'Σ' always gives 'σ'; a typed final sigma must meet it.
        'ς' => buf.push('σ'),
        _ => buf.push(c),
    }
}

/// Modifier letters used as apostrophes: they are letters for Unicode, word breaks for us.
fn is_apostrophe_letter(c: char) -> bool {
    matches!(c, 'ʼ' | 'ʻ' | 'ʾ' | 'ʿ')
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        // The marks left after folding are spacing marks, part of their word.
        !is_apostrophe_letter(c) && (c.is_alphanumeric() || is_combining_mark(c))
    }
}

fn is_stripped_mark(c: char) -> bool {
    !c.is_ascii() && is_combining_mark(c) && !is_spacing_mark(c)
}

fn is_spacing_mark(c: char) -> bool {
    let c = u32::from(c);
    SPACING_MARKS
        .binary_search_by(|&(start, end)| {
            if end < c {
                std::cmp::Ordering::Less
            } else if start > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn is_hangul(c: char) -> bool {
    matches!(c,
        '\u{AC00}'..='\u{D7A3}'   // syllables
        | '\u{1100}'..='\u{11FF}' // jamo
        | '\u{3130}'..='\u{318F}' // compatibility jamo
        | '\u{A960}'..='\u{A97F}'
        | '\u{D7B0}'..='\u{D7FF}')
}

/// Each distinct string made by deleting one character of `w`.
fn single_deletions(w: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(w.len());
    let mut previous = None;
    for (i, c) in w.char_indices() {
        // Deleting any char of a run of equal chars gives the same string.
        if previous == Some(c) {
            continue;
        }
        previous = Some(c);
        let mut s = String::with_capacity(w.len());
        s.push_str(&w[..i]);
        s.push_str(&w[i + c.len_utf8()..]);
        out.push(s);
    }
    out
}

/// Whether `a` and `b` are at most one substitution, insertion, deletion or adjacent
/// transposition apart (optimal string alignment distance ≤ 1).
fn within_one_edit(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let i = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[i + 1..] == long[i + 1..]
            || (i + 1 < short.len()
                && short[i] == long[i + 1]
                && short[i + 1] == long[i]
                && short[i + 2..] == long[i + 2..])
    } else {
        short[i..] == long[i + 1..]
    }
}

// ---------------------------------------------------------------------------------------------
// Dates, phones and numbers

fn date_term(year: i32, month: u8, day: u8) -> String {
    format!("{DATE_PREFIX}{year:04}-{month:02}-{day:02}")
}

fn is_valid_date(year: i32, month: u8, day: u8) -> bool {
    Month::try_from(month).is_ok_and(|m| Date::from_calendar_date(year, m, day).is_ok())
}

/// `dd/mm/yyyy`, `d/m/yyyy`, `yyyy-mm-dd`, with `/`, `-` or `.` as separator. Not checked for
/// validity: an impossible date gives a term that nothing has.
fn parse_date(token: &str) -> Option<(i32, u8, u8)> {
    let sep = token.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let mut parts = token.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !(digits(a) && digits(b) && digits(c)) {
        return None;
    }
    let (y, m, d) = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        (a, b, c)
    } else if a.len() <= 2 && b.len() <= 2 && c.len() == 4 {
        (c, b, a)
    } else {
        return None;
    };
    Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
}

/// The dates eight typed digits can be (`ddmmyyyy`, and `yyyymmdd`), when valid.
fn eight_digit_dates(digits: &str) -> Vec<String> {
    let mut out = Vec::new();
    if digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n = |r: std::ops::Range<usize>| digits[r].parse::<u16>().unwrap_or(0);
        for (y, m, d) in [(n(4..8), n(2..4), n(0..2)), (n(0..4), n(4..6), n(6..8))] {
            let (y, m, d) = (i32::from(y), m as u8, d as u8);
            if is_valid_date(y, m, d) {
                out.push(date_term(y, m, d));
            }
        }
    }
    out
}

/// Country codes whose numbers are dialled from France as 0 + the national number: France and
/// its overseas departments (Réunion and Mayotte, Guadeloupe, Guyane, Martinique).
const FRENCH_CODES: [&str; 5] = ["33", "262", "590", "594", "596"];

/// The digits of a phone number in one form: a leading `+` becomes `00`; French numbers
/// (`+33 6…`, `0033 6…`, `+33 (0)6…`) become their national form `06…`; foreign numbers keep
/// their `00` and country code; a `(0)` after the country code is dropped.
fn phone_digits(raw: &str) -> String {
    let mut digits = String::with_capacity(raw.len() + 2);
    let mut plus = false;
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        if !digits.is_empty() && rest.starts_with("(0)") {
            // The trunk prefix written after a country code.
            rest = &rest[3..];
            continue;
        }
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c == '+' && digits.is_empty() {
            plus = true;
        }
        rest = &rest[c.len_utf8()..];
    }
    if plus {
        digits.insert_str(0, "00");
    }
    if let Some(international) = digits.strip_prefix("00") {
        for code in FRENCH_CODES {
            if let Some(national) = international.strip_prefix(code) {
                let national = national.strip_prefix('0').unwrap_or(national);
                return format!("0{national}");
            }
        }
    }
    digits
}

/// A number (benefit office, employment service…) without case, accents, spaces or punctuation.
fn number_form(raw: &str) -> String {
    words(raw).concat()
}

// ---------------------------------------------------------------------------------------------
// Indexing

/// What of a person is searchable.
#[derive(Debug, Clone, Default)]
pub struct Searchable<'a> {
    pub birth_name: Option<&'a str>,
    pub used_name: Option<&'a str>,
    pub first_names: Option<&'a str>,
    pub birth_date: Option<time::Date>,
    pub phones: Vec<&'a str>,
    pub numbers: Vec<&'a str>,
}

/// One row of the search index of a person.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term {
    pub text: String,
    pub kind: i64,
}

impl Term {
    fn word(text: String) -> Self {
        Self { text, kind: KIND_WORD }
    }
}

/// The terms stored for a person, deduplicated and sorted: every name word (kind 0); for each
/// name field with several words their concatenation ("le goff" → also "legoff"; "n'diaye" →
/// "n", "diaye", "ndiaye"); when a name contains Hangul, the concatenations family+given
/// (birth name + first names, used name + first names) too; for every kind-0 name term of
/// TYPO_MIN_LEN+ chars, each single-char deletion (kind 1); the birth date as "d:YYYY-MM-DD";
/// each phone as "t:<normalised digits>"; each number as "n:<folded alphanumerics, no spaces>".
///
/// Also, when the person has both a family name and first names, one kind-0 marker
/// `#<family terms>/<given terms>` (space-separated) that [`score`] reads to know which field a
/// matched word comes from. It starts with `#` so that no slot ever matches it.
pub fn person_terms(s: &Searchable<'_>) -> Vec<Term> {
    let birth = s.birth_name.map(words).unwrap_or_default();
    let used = s.used_name.map(words).unwrap_or_default();
    let given = s.first_names.map(words).unwrap_or_default();

    let mut family_terms = Vec::new();
    for field in [&birth, &used] {
        push_field_terms(field, &mut family_terms);
    }
    let mut given_terms = Vec::new();
    push_field_terms(&given, &mut given_terms);
    family_terms.sort_unstable();
    family_terms.dedup();
    given_terms.sort_unstable();
    given_terms.dedup();

    let mut names: Vec<String> = family_terms.iter().chain(&given_terms).cloned().collect();
    let has_hangul =
        [&birth, &used, &given].iter().any(|field| field.iter().any(|w| w.chars().any(is_hangul)));
    if has_hangul && !given.is_empty() {
        // Korean names are written family name first with no space: "김민준".
        let given_joined = given.concat();
        for family in [&birth, &used] {
            if !family.is_empty() {
                names.push(family.concat() + &given_joined);
            }
        }
    }

    let mut terms = Vec::with_capacity(names.len() * 8 + 4);
    for name in names {
        if name.chars().count() >= TYPO_MIN_LEN {
            terms.extend(
                single_deletions(&name).into_iter().map(|text| Term { text, kind: KIND_DELETION }),
            );
        }
        terms.push(Term::word(name));
    }
    if !family_terms.is_empty() && !given_terms.is_empty() {
        terms.push(Term::word(format!(
            "{FIELDS_MARKER}{}/{}",
            family_terms.join(" "),
            given_terms.join(" ")
        )));
    }
    if let Some(date) = s.birth_date {
        terms.push(Term::word(date_term(date.year(), u8::from(date.month()), date.day())));
    }
    for phone in &s.phones {
        let digits = phone_digits(phone);
        if !digits.is_empty() {
            terms.push(Term::word(format!("{PHONE_PREFIX}{digits}")));
        }
    }
    for number in &s.numbers {
        let form = number_form(number);
        if !form.is_empty() {
            terms.push(Term::word(format!("{NUMBER_PREFIX}{form}")));
        }
    }
    terms.sort_unstable();
    terms.dedup();
    terms
}

/// The words of one name field, and their concatenation when there are several.
fn push_field_terms(field: &[String], out: &mut Vec<String>) {
    out.extend(field.iter().cloned());
    if field.len() > 1 {
        out.push(field.concat());
    }
}

// ---------------------------------------------------------------------------------------------
// Querying

/// One part of a query that every result must match (AND across slots). A stored term
/// matches the slot when: (kind 0 and term starts with `prefix`), or (kind 0 and term is in
/// `words`), or (kind 1 and term is in `deletions`).
///
/// `words` and `deletions` may be empty (then that part of the condition is false), `prefix`
/// may be `None` (a date: exact terms only). Terms and prefixes never contain `%`, `_` or `\`,
/// so `LIKE prefix || '%'` needs no escaping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub prefix: Option<String>,
    pub words: Vec<String>,
    pub deletions: Vec<String>,
}

impl Slot {
    /// Whether one stored term answers this slot, by the rule above: what the SQL must do.
    pub fn matches(&self, term: &Term) -> bool {
        match term.kind {
            KIND_WORD => {
                self.prefix.as_deref().is_some_and(|p| term.text.starts_with(p))
                    || self.words.contains(&term.text)
            }
            KIND_DELETION => self.deletions.contains(&term.text),
            _ => false,
        }
    }

    fn exact(words: Vec<String>) -> Self {
        Self { prefix: None, words, deletions: Vec::new() }
    }

    /// How few persons this slot is likely to match; the higher the fewer.
    fn selectivity(&self) -> (u8, usize) {
        match self.prefix.as_deref() {
            None => (2, 0),
            Some(p) => match p.split_once(':') {
                // A phone or number prefix of a few digits matches more than a name would.
                Some((_, rest)) if rest.chars().count() >= 4 => (1, rest.chars().count()),
                Some((_, rest)) => (0, rest.chars().count()),
                None => (0, p.chars().count()),
            },
        }
    }
}

/// What was typed, as slots every result must answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub slots: Vec<Slot>,
}

impl Plan {
    /// The index of the slot to drive the SQL from: the most selective one (longest exact
    /// prefix; a date or phone or number slot before a name slot). None when the plan is empty.
    ///
    /// A date (exact terms only) comes first; then a phone or number of 4+ digits or
    /// characters, the longest first; then names and shorter numbers, the longest first. On a
    /// tie, the first slot.
    pub fn driver(&self) -> Option<usize> {
        let mut best: Option<(usize, (u8, usize))> = None;
        for (i, slot) in self.slots.iter().enumerate() {
            let key = slot.selectivity();
            if best.is_none_or(|(_, best_key)| key > best_key) {
                best = Some((i, key));
            }
        }
        best.map(|(i, _)| i)
    }

    /// The slots that could drive as well as [`Plan::driver`]'s choice by what the text alone
    /// says: every name slot when a name drives, since how common a name is depends on the
    /// people registered ("Fatou Michel": Michel is the longer word and the more common one).
    /// Only the driver when a date, a phone or a number drives. Empty for an empty plan.
    pub fn driver_rivals(&self) -> Vec<usize> {
        let Some(driver) = self.driver() else { return vec![] };
        let is_name = |slot: &Slot| slot.prefix.as_deref().is_some_and(|p| !p.contains(':'));
        if !is_name(&self.slots[driver]) {
            return vec![driver];
        }
        let mut rivals = vec![driver];
        rivals.extend((0..self.slots.len()).filter(|&i| i != driver && is_name(&self.slots[i])));
        rivals
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// Parses what was typed into a plan. Empty/only punctuation → empty plan. Dates and phone-like
/// runs (digits with spaces, dots, dashes, leading + : at least 6 digits) are recognised on the
/// raw text first, the rest is folded into name words. A name word of TYPO_MIN_LEN+ chars gets
/// typo forms: `deletions` = {word} ∪ single-char deletions of word (to meet stored kind-1
/// variants), and `words` gains its single-char deletions of TYPO_MIN_LEN+ chars (stored word
/// with one letter less). A short word (≤ 3 chars, like "le", "n", "mc", "van") next to another
/// word also yields the joined form in `words` of both slots ("le goff" → slot "le" words
/// {legoff}, slot "goff" words {legoff}), so "Le Goff" finds "Legoff". Digits-only tokens:
/// prefix "t:…" for phones if 4+ digits, and the "n:" prefix forms; never more than 8 slots
/// (extra words dropped, least selective first).
///
/// In detail:
/// - the text is split on white space; a token `dd/mm/yyyy`, `d/m/yyyy`, `yyyy-mm-dd` (with
///   `/`, `-` or `.`) is a date slot (`words` = {`d:…`}, no prefix); a token of digits and `/`
///   that is not yet a whole date is ignored, so the results do not vanish while it is typed;
/// - consecutive tokens of ASCII digits, letters and `. - ( )` (a `+` only at the start of the
///   first one) with at least one digit form one run (so "06 12 34 56 78" is one slot,
///   whatever its length); a run of digits alone followed by a single letter takes it as a key
///   ("1234567 A");
/// - a run with letters is a number: prefix `n:<folded>`;
/// - a run of digits that starts with `+` or `0` (the shape of every normalised phone) and has
///   4+ phone digits: prefix `t:<phone digits>`, `words` {`n:<digits>`}; any other run of
///   digits: prefix `n:<digits>`, `words` {`t:<phone digits>`} (and `t:0<digits>` for nine
///   digits, a French number typed without its 0); eight digits also bring the valid dates they
///   spell (`ddmmyyyy`, `yyyymmdd`) into `words`;
/// - every other token is folded into name words: prefix = the word; joined forms of it with
///   its neighbours (runs of 2 or 3 adjacent name words, any length, so "Jean Pierre" finds
///   "Jeanpierre" too) in `words`; typo forms as above.
pub fn plan(query: &str) -> Plan {
    let text: Cow<'_, str> = if query.is_ascii() {
        Cow::Borrowed(query)
    } else {
        // Fullwidth digits and signs, as some input methods type them, become ASCII.
        Cow::Owned(query.nfkc().collect())
    };
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut slots = Vec::new();
    // Name words with the stretch of the query they belong to: only words of one stretch are
    // joined.
    let mut names: Vec<(String, usize)> = Vec::new();
    let mut stretch = 0;
    let mut i = 0;
    while i < tokens.len() {
        let token = trim_punctuation(tokens[i]);
        if let Some((y, m, d)) = parse_date(token) {
            slots.push(Slot::exact(vec![date_term(y, m, d)]));
            stretch += 1;
            i += 1;
        } else if is_partial_date(token) {
            stretch += 1;
            i += 1;
        } else if is_numeric_token(token) {
            let mut run = vec![token];
            i += 1;
            while let Some(next) = tokens.get(i).map(|t| trim_punctuation(t)) {
                if next.starts_with('+') || parse_date(next).is_some() || !is_numeric_token(next) {
                    break;
                }
                run.push(next);
                i += 1;
            }
            let mut has_letters = run.iter().any(|t| t.bytes().any(|b| b.is_ascii_alphabetic()));
            // The key letter of a number, typed apart ("1234567 A").
            let key = tokens.get(i).map(|t| trim_punctuation(t));
            if !has_letters
                && !looks_like_phone(run[0])
                && let Some(key) =
                    key.filter(|k| k.len() == 1 && k.as_bytes()[0].is_ascii_alphabetic())
            {
                run.push(key);
                has_letters = true;
                i += 1;
            }
            let run = run.join(" ");
            slots.push(if has_letters { number_slot(&run) } else { digits_slot(&run) });
            stretch += 1;
        } else {
            for word in words(tokens[i]) {
                if word.bytes().all(|b| b.is_ascii_digit()) {
                    slots.push(digits_slot(&word));
                    stretch += 1;
                } else if word.bytes().any(|b| b.is_ascii_digit()) {
                    slots.push(number_slot(&word));
                    stretch += 1;
                } else {
                    names.push((word, stretch));
                }
            }
            i += 1;
        }
    }
    slots.extend(name_slots(&names));

    let mut unique: Vec<Slot> = Vec::with_capacity(slots.len());
    for slot in slots {
        if !unique.contains(&slot) {
            unique.push(slot);
        }
    }
    while unique.len() > MAX_SLOTS {
        let mut weakest = 0;
        for (i, slot) in unique.iter().enumerate() {
            // `<=`: of equally weak slots, the last typed goes first.
            if slot.selectivity() <= unique[weakest].selectivity() {
                weakest = i;
            }
        }
        unique.remove(weakest);
    }
    Plan { slots: unique }
}

/// Strips the punctuation around a token ("12/03/1985," or "(06 12…)"), keeping what a phone
/// number may start or end with, and the slash of a date being typed ("12/").
fn trim_punctuation(token: &str) -> &str {
    token.trim_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '+' | '(' | ')' | '/'))
}

fn is_partial_date(token: &str) -> bool {
    token.contains('/')
        && token.bytes().any(|b| b.is_ascii_digit())
        && token.bytes().all(|b| b.is_ascii_digit() || b == b'/')
}

fn is_numeric_token(token: &str) -> bool {
    token.bytes().any(|b| b.is_ascii_digit())
        && token.bytes().enumerate().all(|(i, b)| {
            b.is_ascii_alphanumeric() || b"().-".contains(&b) || (b == b'+' && i == 0)
        })
}

/// Every normalised phone starts with 0: national numbers, and 00 + the country code.
fn looks_like_phone(raw: &str) -> bool {
    raw.starts_with('+') || raw.trim_start_matches('(').starts_with('0')
}

fn number_slot(raw: &str) -> Slot {
    Slot {
        prefix: Some(format!("{NUMBER_PREFIX}{}", number_form(raw))),
        words: Vec::new(),
        deletions: Vec::new(),
    }
}

fn digits_slot(raw: &str) -> Slot {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let phone = phone_digits(raw);
    let mut words = Vec::new();
    if !raw.starts_with('+') {
        words.extend(eight_digit_dates(&digits));
    }
    let prefix = if looks_like_phone(raw) && phone.len() >= 4 {
        words.push(format!("{NUMBER_PREFIX}{digits}"));
        format!("{PHONE_PREFIX}{phone}")
    } else {
        words.push(format!("{PHONE_PREFIX}{phone}"));
        if digits.len() == 9 && !digits.starts_with('0') {
            words.push(format!("{PHONE_PREFIX}0{digits}"));
        }
        format!("{NUMBER_PREFIX}{digits}")
    };
    words.sort_unstable();
    words.dedup();
    Slot { prefix: Some(prefix), words, deletions: Vec::new() }
}

fn name_slots(names: &[(String, usize)]) -> Vec<Slot> {
    let mut slots = Vec::with_capacity(names.len());
    for (i, (word, stretch)) in names.iter().enumerate() {
        let mut words = Vec::new();
        // Every run of 2..=JOIN_SPAN adjacent words of the same stretch that contains this one.
        for start in i.saturating_sub(JOIN_SPAN - 1)..=i {
            for end in (i + 1).max(start + 2)..=(start + JOIN_SPAN).min(names.len()) {
                let run = &names[start..end];
                if run.iter().all(|(_, s)| s == stretch) {
                    words.push(run.iter().map(|(w, _)| w.as_str()).collect::<String>());
                }
            }
        }
        let len = word.chars().count();
        let mut deletions = Vec::new();
        if len >= TYPO_MIN_LEN {
            let shorter = single_deletions(word);
            if len > TYPO_MIN_LEN {
                words.extend(shorter.iter().cloned());
            }
            deletions.push(word.clone());
            deletions.extend(shorter);
        }
        words.sort_unstable();
        words.dedup();
        deletions.sort_unstable();
        deletions.dedup();
        slots.push(Slot { prefix: Some(word.clone()), words, deletions });
    }
    slots
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// How well a person's terms (from `person_terms`) answer the plan: None when some slot is not
/// matched (the SQL only finds candidates; this is the final judge); else a score where, per
/// slot, exact word > prefix > typo, plus a bonus when the whole query equals a stored
/// concatenation or the matched words come from both family and first names. Deterministic.
///
/// Per slot: an exact word (or a joined form, or a whole date, phone or number) 100, a prefix
/// 50 to 89 (more when it covers more of the word), a typo 30 (true edit distance 1, both words
/// of TYPO_MIN_LEN+ chars). Bonuses: 60 when two or more name words typed together equal a
/// stored word ("le goff" and "legoff"); 40 when one name word matched a family name and
/// another a first name. Pass all the person's terms (kind-1 terms are ignored). An empty plan
/// scores `Some(0)`.
pub fn score(plan: &Plan, terms: &[Term]) -> Option<u32> {
    let stored: Vec<&str> =
        terms.iter().filter(|t| t.kind == KIND_WORD).map(|t| t.text.as_str()).collect();
    let names: Vec<&str> = stored.iter().copied().filter(|t| is_name_term(t)).collect();
    let (family, given) = fields(&stored);

    let mut total = 0;
    let mut typed_names = Vec::new();
    let mut sides = Vec::new();
    for slot in &plan.slots {
        match slot.prefix.as_deref() {
            Some(p) if is_name_term(p) => {
                let (points, matched) = name_slot_score(slot, p, &names)?;
                total += points;
                typed_names.push(p);
                sides.push((
                    matched.iter().any(|t| family.contains(t)),
                    matched.iter().any(|t| given.contains(t)),
                ));
            }
            _ => total += other_slot_score(slot, &stored)?,
        }
    }
    if typed_names.len() >= 2 && names.contains(&typed_names.concat().as_str()) {
        total += CONCAT_BONUS;
    }
    let both_fields = sides.iter().enumerate().any(|(i, (family_side, _))| {
        *family_side && sides.iter().enumerate().any(|(j, (_, given_side))| i != j && *given_side)
    });
    if both_fields {
        total += FIELDS_BONUS;
    }
    Some(total)
}

fn is_name_term(text: &str) -> bool {
    !text.contains(':') && !text.starts_with(FIELDS_MARKER)
}

/// The family and the given name terms, from the marker of [`person_terms`].
fn fields<'t>(stored: &[&'t str]) -> (Vec<&'t str>, Vec<&'t str>) {
    let marker =
        stored.iter().find_map(|t| t.strip_prefix(FIELDS_MARKER)).and_then(|m| m.split_once('/'));
    match marker {
        Some((family, given)) => (
            family.split(' ').filter(|w| !w.is_empty()).collect(),
            given.split(' ').filter(|w| !w.is_empty()).collect(),
        ),
        None => (Vec::new(), Vec::new()),
    }
}

fn prefix_points(prefix_len: usize, term_len: usize) -> u32 {
    let coverage = prefix_len * PREFIX_COVERAGE as usize / term_len.max(1);
    PREFIX + u32::try_from(coverage.min(PREFIX_COVERAGE as usize - 1)).unwrap_or(0)
}

/// The best points of a name slot and the stored words that earned them.
fn name_slot_score<'t>(slot: &Slot, typed: &str, names: &[&'t str]) -> Option<(u32, Vec<&'t str>)> {
    let typed_len = typed.chars().count();
    let mut best = 0;
    let mut matched = Vec::new();
    for &term in names {
        let points = if term == typed
            // Joined forms are longer than the word, its typo forms shorter.
            || (term.len() > typed.len() && slot.words.iter().any(|w| w == term))
        {
            EXACT
        } else if term.starts_with(typed) {
            prefix_points(typed_len, term.chars().count())
        } else if typed_len >= TYPO_MIN_LEN
            && term.len().abs_diff(typed.len()) <= 4
            && term.chars().count() >= TYPO_MIN_LEN
            && within_one_edit(typed, term)
        {
            TYPO
        } else {
            continue;
        };
        if points > best {
            best = points;
            matched.clear();
        }
        if points == best {
            matched.push(term);
        }
    }
    (best > 0).then_some((best, matched))
}

fn other_slot_score(slot: &Slot, stored: &[&str]) -> Option<u32> {
    let mut best = 0;
    for &term in stored {
        let points = if slot.words.iter().any(|w| w == term) || slot.prefix.as_deref() == Some(term)
        {
            EXACT
        } else if let Some(prefix) = slot.prefix.as_deref().filter(|p| term.starts_with(p)) {
            prefix_points(prefix.chars().count(), term.chars().count())
        } else {
            continue;
        };
        best = best.max(points);
    }
    (best > 0).then_some(best)
}

/// General category Mc (spacing combining marks), as ranges, from Unicode 14 (Python's
/// `unicodedata`). A spacing mark added later is stripped like a non-spacing one: both sides of
/// a search fold the same way, so that only costs a little precision in a few scripts.
#[rustfmt::skip] // One range per line would make this table 180 lines long.
const SPACING_MARKS: &[(u32, u32)] = &[
    (0x0903, 0x0903), (0x093B, 0x093B), (0x093E, 0x0940), (0x0949, 0x094C), (0x094E, 0x094F),
    (0x0982, 0x0983), (0x09BE, 0x09C0), (0x09C7, 0x09C8), (0x09CB, 0x09CC), (0x09D7, 0x09D7),
    (0x0A03, 0x0A03), (0x0A3E, 0x0A40), (0x0A83, 0x0A83), (0x0ABE, 0x0AC0), (0x0AC9, 0x0AC9),
    (0x0ACB, 0x0ACC), (0x0B02, 0x0B03), (0x0B3E, 0x0B3E), (0x0B40, 0x0B40), (0x0B47, 0x0B48),
    (0x0B4B, 0x0B4C), (0x0B57, 0x0B57), (0x0BBE, 0x0BBF), (0x0BC1, 0x0BC2), (0x0BC6, 0x0BC8),
    (0x0BCA, 0x0BCC), (0x0BD7, 0x0BD7), (0x0C01, 0x0C03), (0x0C41, 0x0C44), (0x0C82, 0x0C83),
    (0x0CBE, 0x0CBE), (0x0CC0, 0x0CC4), (0x0CC7, 0x0CC8), (0x0CCA, 0x0CCB), (0x0CD5, 0x0CD6),
    (0x0D02, 0x0D03), (0x0D3E, 0x0D40), (0x0D46, 0x0D48), (0x0D4A, 0x0D4C), (0x0D57, 0x0D57),
    (0x0D82, 0x0D83), (0x0DCF, 0x0DD1), (0x0DD8, 0x0DDF), (0x0DF2, 0x0DF3), (0x0F3E, 0x0F3F),
    (0x0F7F, 0x0F7F), (0x102B, 0x102C), (0x1031, 0x1031), (0x1038, 0x1038), (0x103B, 0x103C),
    (0x1056, 0x1057), (0x1062, 0x1064), (0x1067, 0x106D), (0x1083, 0x1084), (0x1087, 0x108C),
    (0x108F, 0x108F), (0x109A, 0x109C), (0x1715, 0x1715), (0x1734, 0x1734), (0x17B6, 0x17B6),
    (0x17BE, 0x17C5), (0x17C7, 0x17C8), (0x1923, 0x1926), (0x1929, 0x192B), (0x1930, 0x1931),
    (0x1933, 0x1938), (0x1A19, 0x1A1A), (0x1A55, 0x1A55), (0x1A57, 0x1A57), (0x1A61, 0x1A61),
    (0x1A63, 0x1A64), (0x1A6D, 0x1A72), (0x1B04, 0x1B04), (0x1B35, 0x1B35), (0x1B3B, 0x1B3B),
    (0x1B3D, 0x1B41), (0x1B43, 0x1B44), (0x1B82, 0x1B82), (0x1BA1, 0x1BA1), (0x1BA6, 0x1BA7),
    (0x1BAA, 0x1BAA), (0x1BE7, 0x1BE7), (0x1BEA, 0x1BEC), (0x1BEE, 0x1BEE), (0x1BF2, 0x1BF3),
    (0x1C24, 0x1C2B), (0x1C34, 0x1C35), (0x1CE1, 0x1CE1), (0x1CF7, 0x1CF7), (0x302E, 0x302F),
    (0xA823, 0xA824), (0xA827, 0xA827), (0xA880, 0xA881), (0xA8B4, 0xA8C3), (0xA952, 0xA953),
    (0xA983, 0xA983), (0xA9B4, 0xA9B5), (0xA9BA, 0xA9BB), (0xA9BE, 0xA9C0), (0xAA2F, 0xAA30),
    (0xAA33, 0xAA34), (0xAA4D, 0xAA4D), (0xAA7B, 0xAA7B), (0xAA7D, 0xAA7D), (0xAAEB, 0xAAEB),
    (0xAAEE, 0xAAEF), (0xAAF5, 0xAAF5), (0xABE3, 0xABE4), (0xABE6, 0xABE7), (0xABE9, 0xABEA),
    (0xABEC, 0xABEC), (0x11000, 0x11000), (0x11002, 0x11002), (0x11082, 0x11082),
    (0x110B0, 0x110B2), (0x110B7, 0x110B8), (0x1112C, 0x1112C), (0x11145, 0x11146),
    (0x11182, 0x11182), (0x111B3, 0x111B5), (0x111BF, 0x111C0), (0x111CE, 0x111CE),
    (0x1122C, 0x1122E), (0x11232, 0x11233), (0x11235, 0x11235), (0x112E0, 0x112E2),
    (0x11302, 0x11303), (0x1133E, 0x1133F), (0x11341, 0x11344), (0x11347, 0x11348),
    (0x1134B, 0x1134D), (0x11357, 0x11357), (0x11362, 0x11363), (0x11435, 0x11437),
    (0x11440, 0x11441), (0x11445, 0x11445), (0x114B0, 0x114B2), (0x114B9, 0x114B9),
    (0x114BB, 0x114BE), (0x114C1, 0x114C1), (0x115AF, 0x115B1), (0x115B8, 0x115BB),
    (0x115BE, 0x115BE), (0x11630, 0x11632), (0x1163B, 0x1163C), (0x1163E, 0x1163E),
    (0x116AC, 0x116AC), (0x116AE, 0x116AF), (0x116B6, 0x116B6), (0x11720, 0x11721),
    (0x11726, 0x11726), (0x1182C, 0x1182E), (0x11838, 0x11838), (0x11930, 0x11935),
    (0x11937, 0x11938), (0x1193D, 0x1193D), (0x11940, 0x11940), (0x11942, 0x11942),
    (0x119D1, 0x119D3), (0x119DC, 0x119DF), (0x119E4, 0x119E4), (0x11A39, 0x11A39),
    (0x11A57, 0x11A58), (0x11A97, 0x11A97), (0x11C2F, 0x11C2F), (0x11C3E, 0x11C3E),
    (0x11CA9, 0x11CA9), (0x11CB1, 0x11CB1), (0x11CB4, 0x11CB4), (0x11D8A, 0x11D8E),
    (0x11D93, 0x11D94), (0x11D96, 0x11D96), (0x11EF5, 0x11EF6), (0x16F51, 0x16F87),
    (0x16FF0, 0x16FF1), (0x1D165, 0x1D166), (0x1D16D, 0x1D172),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn named(birth: &str, first: &str) -> Vec<Term> {
        person_terms(&Searchable {
            birth_name: Some(birth),
            first_names: Some(first),
            ..Searchable::default()
        })
    }

    fn sql_retrieves(plan: &Plan, terms: &[Term]) -> bool {
        plan.slots.iter().all(|slot| terms.iter().any(|t| slot.matches(t)))
    }

    /// Whether typing `query` finds the person: retrieved by the SQL rule and accepted by score.
    fn finds(query: &str, terms: &[Term]) -> bool {
        let plan = plan(query);
        let scored = score(&plan, terms);
        assert!(
            scored.is_none() || sql_retrieves(&plan, terms),
            "score accepts {query:?} but the SQL would not retrieve it"
        );
        !plan.is_empty() && scored.is_some()
    }

    fn texts(terms: &[Term], kind: i64) -> Vec<&str> {
        terms.iter().filter(|t| t.kind == kind).map(|t| t.text.as_str()).collect()
    }

    // --- Folding ------------------------------------------------------------------------------

    #[test]
    fn words_are_lowercase_without_accents() {
        assert_eq!(words("Hélène DUPRÉ"), ["helene", "dupre"]);
        assert_eq!(words("Çelik Müller"), ["celik", "muller"]);
        assert_ne!(words("Hélène"), words("Helena"));
    }

    #[test]
    fn apostrophes_and_hyphens_break_words() {
        for typed in ["N'Diaye", "N’Diaye", "Nʼdiaye", "N`Diaye", "N-Diaye", "n diaye"] {
            assert_eq!(words(typed), ["n", "diaye"], "{typed}");
        }
        assert_eq!(words("Jean–Pierre"), ["jean", "pierre"]);
        assert_eq!(words("Ndiaye"), ["ndiaye"]);
    }

    #[test]
    fn ligatures_and_special_letters_fold_to_their_plain_form() {
        assert_eq!(words("Łukasz"), ["lukasz"]);
        assert_eq!(words("Søren"), ["soren"]);
        assert_eq!(words("Cœur"), ["coeur"]);
        assert_eq!(words("LÆTITIA"), ["laetitia"]);
        assert_eq!(words("Strauß STRAẞE"), ["strauss", "strasse"]);
        assert_eq!(words("Đorđević"), ["dordevic"]);
        assert_eq!(words("Guðrún Þór"), ["gudrun", "thor"]);
        assert_eq!(words("Iğdır İnce"), ["igdir", "ince"]);
        assert_eq!(words("ﬁlippi ĳsbrand"), ["filippi", "ijsbrand"]);
        assert_ne!(words("Søren"), words("Sören Sorel"));
    }

    #[test]
    fn vietnamese_tones_are_stripped() {
        assert_eq!(words("Nguyễn Thị Đặng"), ["nguyen", "thi", "dang"]);
    }

    #[test]
    fn hangul_syllables_stay_composed() {
        assert_eq!(words("김민준"), ["김민준"]);
        assert_eq!(words("김민준")[0].chars().count(), 3);
        // Typed as jamo (decomposed), folded to the same syllables.
        let decomposed: String = "김민준".nfd().collect();
        assert_eq!(words(&decomposed), ["김민준"]);
        assert_ne!(words("김민준"), words("김민수"));
    }

    #[test]
    fn other_scripts_and_digits_are_words() {
        assert_eq!(words("Ivanov Иванов 12"), ["ivanov", "иванов", "12"]);
        assert_eq!(words("ΣΩΚΡΆΤΗΣ"), words("σωκράτης"));
        assert_eq!(words("ＤＵＰＯＮＴ"), ["dupont"]);
        // A spacing vowel sign is part of a Devanagari name; dropping it would merge names.
        assert_eq!(words("राम"), ["राम"]);
        assert_ne!(words("राम"), words("रम"));
    }

    #[test]
    fn punctuation_alone_gives_no_words() {
        assert!(words("").is_empty());
        assert!(words("  -- ' , . ’ ʼ ()").is_empty());
    }

    #[test]
    fn within_one_edit_counts_one_edit_of_each_kind() {
        assert!(within_one_edit("dupont", "dupond")); // substitution
        assert!(within_one_edit("lefebre", "lefebvre")); // deletion
        assert!(within_one_edit("duppont", "dupont")); // insertion
        assert!(within_one_edit("martni", "martin")); // transposition
        assert!(!within_one_edit("mratni", "martin"));
        assert!(!within_one_edit("dupont", "durand"));
        assert!(!within_one_edit("lefebre", "lefebvres"));
    }

    // --- Indexing -----------------------------------------------------------------------------

    #[test]
    fn a_name_field_of_several_words_is_also_stored_joined() {
        let terms = named("Le Goff", "Jean-Pierre");
        let words = texts(&terms, KIND_WORD);
        for expected in ["le", "goff", "legoff", "jean", "pierre", "jeanpierre"] {
            assert!(words.contains(&expected), "{expected} in {words:?}");
        }
        let terms = named("N'Diaye", "Awa");
        let words = texts(&terms, KIND_WORD);
        for expected in ["n", "diaye", "ndiaye", "awa"] {
            assert!(words.contains(&expected), "{expected} in {words:?}");
        }
        // Latin family and first names are not joined across fields.
        assert!(!texts(&named("Martin", "Sophie"), KIND_WORD).contains(&"martinsophie"));
    }

    #[test]
    fn hangul_names_are_also_stored_family_name_first() {
        let terms = person_terms(&Searchable {
            birth_name: Some("김"),
            used_name: Some("박"),
            first_names: Some("민준"),
            ..Searchable::default()
        });
        let words = texts(&terms, KIND_WORD);
        for expected in ["김", "박", "민준", "김민준", "박민준"] {
            assert!(words.contains(&expected), "{expected} in {words:?}");
        }
    }

    #[test]
    fn only_names_of_five_letters_or_more_get_deletion_variants() {
        let terms = named("Martin", "Jean");
        let deletions = texts(&terms, KIND_DELETION);
        for expected in ["artin", "mrtin", "matin", "marin", "martn", "marti"] {
            assert!(deletions.contains(&expected), "{expected} in {deletions:?}");
        }
        assert_eq!(deletions.len(), 6);
        assert!(!deletions.iter().any(|d| d.chars().count() < 4));
        // A run of equal letters gives one variant.
        assert_eq!(texts(&named("Ballo", ""), KIND_DELETION).len(), 4);
    }

    #[test]
    fn dates_phones_and_numbers_are_stored_in_their_namespace() {
        let terms = person_terms(&Searchable {
            birth_date: Some(date!(1985 - 03 - 12)),
            phones: vec!["+33 6 12 34 56 78", "", "+32 470 12 34 56"],
            numbers: vec!["1234567 a", "  ", "FT-9876543B"],
            ..Searchable::default()
        });
        assert_eq!(
            texts(&terms, KIND_WORD),
            ["d:1985-03-12", "n:1234567a", "n:ft9876543b", "t:0032470123456", "t:0612345678"]
        );
        assert!(texts(&terms, KIND_DELETION).is_empty());
    }

    #[test]
    fn terms_are_sorted_and_unique() {
        let terms = person_terms(&Searchable {
            birth_name: Some("Martin"),
            used_name: Some("MARTIN"),
            first_names: Some("Martin Martin"),
            ..Searchable::default()
        });
        let mut sorted = terms.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(terms, sorted);
    }

    #[test]
    fn the_fields_marker_lists_family_and_given_terms() {
        let terms = named("Le Goff", "Anne");
        assert!(texts(&terms, KIND_WORD).contains(&"#goff le legoff/anne"));
        let without_first_names =
            person_terms(&Searchable { birth_name: Some("Le Goff"), ..Searchable::default() });
        assert!(!texts(&without_first_names, KIND_WORD).iter().any(|t| t.starts_with('#')));
    }

    #[test]
    fn phone_formats_are_all_the_same_number() {
        for typed in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "+33612345678",
            "0033612345678",
            "0033 6 12 34 56 78",
        ] {
            assert_eq!(phone_digits(typed), "0612345678", "{typed}");
        }
        assert_eq!(phone_digits("+32 470 12 34 56"), "0032470123456");
        assert_eq!(phone_digits("0032 470 12 34 56"), "0032470123456");
        assert_eq!(phone_digits("+262 692 12 34 56"), "0692123456");
        assert_eq!(phone_digits("(0)6 12 34 56 78"), "0612345678");
        assert_ne!(phone_digits("06 12 34 56 79"), "0612345678");
    }

    // --- Queries ------------------------------------------------------------------------------

    #[test]
    fn nothing_or_punctuation_gives_an_empty_plan() {
        for typed in ["", "   ", "-- , ' ’ .", "+", "()"] {
            assert!(plan(typed).is_empty(), "{typed:?}");
            assert_eq!(plan(typed).driver(), None);
        }
        assert!(!finds("", &named("Martin", "Sophie")));
    }

    #[test]
    fn a_long_name_word_gets_typo_forms() {
        let slots = plan("Martin").slots;
        assert_eq!(slots.len(), 1);
        let slot = &slots[0];
        assert_eq!(slot.prefix.as_deref(), Some("martin"));
        assert!(slot.deletions.contains(&"martin".to_owned()));
        assert!(slot.deletions.contains(&"marti".to_owned()));
        assert!(slot.words.contains(&"marti".to_owned()));
        // Five letters: deletion variants, but no stored word of four letters is sought.
        let slot = &plan("Marti").slots[0];
        assert!(slot.deletions.contains(&"mart".to_owned()));
        assert!(slot.words.is_empty());
        // Four letters: nothing.
        let slot = &plan("Jean").slots[0];
        assert!(slot.deletions.is_empty() && slot.words.is_empty());
    }

    #[test]
    fn short_words_are_joined_with_their_neighbours() {
        let slots = plan("le goff").slots;
        assert_eq!(slots.len(), 2);
        for slot in &slots {
            assert!(slot.words.contains(&"legoff".to_owned()), "{slot:?}");
        }
        let slots = plan("de la fuente").slots;
        assert!(slots[1].words.contains(&"delafuente".to_owned()));
        // A date between two words separates them.
        let slots = plan("le 12/03/1985 goff").slots;
        assert!(!slots.iter().any(|s| s.words.contains(&"legoff".to_owned())));
    }

    #[test]
    fn a_plan_has_at_most_eight_slots_keeping_the_longest_words() {
        let p = plan("a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjj");
        assert_eq!(p.slots.len(), MAX_SLOTS);
        let kept: Vec<_> = p.slots.iter().filter_map(|s| s.prefix.as_deref()).collect();
        assert!(!kept.contains(&"a") && !kept.contains(&"bb"));
        assert!(kept.contains(&"jjjjjjjjjj"));
    }

    #[test]
    fn a_word_typed_twice_is_one_slot() {
        assert_eq!(plan("Martin martin").slots.len(), 1);
    }

    #[test]
    fn the_driver_is_the_most_selective_slot() {
        let p = plan("sop 12/03/1985 martin");
        assert_eq!(p.slots[p.driver().unwrap()].prefix, None);
        let p = plan("martinez 06 12 34 56 78");
        assert_eq!(p.slots[p.driver().unwrap()].prefix.as_deref(), Some("t:0612345678"));
        let p = plan("sop martinez mar");
        assert_eq!(p.slots[p.driver().unwrap()].prefix.as_deref(), Some("martinez"));
        // A number of two digits says less than a name.
        let p = plan("12 dupont");
        assert_eq!(p.slots[p.driver().unwrap()].prefix.as_deref(), Some("dupont"));
        // On a tie, the first.
        let p = plan("anne paul");
        assert_eq!(p.driver(), Some(0));
    }

    #[test]
    fn name_slots_are_rivals_for_driving_dates_and_phones_are_not() {
        let prefixes = |q: &str| -> Vec<Option<String>> {
            let p = plan(q);
            p.driver_rivals().into_iter().map(|i| p.slots[i].prefix.clone()).collect()
        };
        // The text's choice first, then the other names in order.
        assert_eq!(prefixes("fatou michel"), [Some("michel".into()), Some("fatou".into())]);
        assert_eq!(prefixes("sop martinez mar").len(), 3);
        // A date or a phone drives alone: they are rare whatever the data.
        assert_eq!(prefixes("martin 12/03/1985"), [None]);
        assert_eq!(prefixes("martinez 06 12 34 56 78"), [Some("t:0612345678".into())]);
        // A short number beside a name: only the name is a name.
        assert_eq!(prefixes("12 dupont"), [Some("dupont".into())]);
        assert!(plan("").driver_rivals().is_empty());
    }

    // --- Names --------------------------------------------------------------------------------

    #[test]
    fn names_are_found_without_accents_or_case() {
        let helene = named("Dupré", "Hélène");
        assert!(finds("Helene", &helene));
        assert!(finds("HELENE DUPRE", &helene));
        assert!(finds("hélène", &named("Dupre", "Helene")));
        assert!(!finds("Helga", &helene));
    }

    #[test]
    fn names_are_found_in_any_order_and_by_prefixes() {
        let sophie = named("Martin", "Sophie");
        assert!(finds("Sophie Martin", &sophie));
        assert!(finds("Martin Sophie", &sophie));
        assert!(finds("Sop Mar", &sophie));
        assert!(finds("mar", &sophie));
        assert!(!finds("Sop Dur", &sophie));
        assert!(!finds("Sophie Marchand", &sophie));
        assert!(!finds("tin", &sophie));
    }

    #[test]
    fn hyphens_apostrophes_and_spaces_inside_names_do_not_matter() {
        for stored in ["Le Goff", "Legoff", "Le-Goff", "LE GOFF"] {
            let person = named(stored, "Anne");
            for typed in ["Le Goff", "Legoff", "le-goff", "LE GOFF Anne"] {
                assert!(finds(typed, &person), "{typed:?} finds {stored:?}");
            }
        }
        for stored in ["N'Diaye", "Ndiaye", "N’DIAYE"] {
            let person = named(stored, "Awa");
            for typed in ["N'Diaye", "Ndiaye", "n diaye", "ndiaye awa"] {
                assert!(finds(typed, &person), "{typed:?} finds {stored:?}");
            }
        }
        for stored in ["Jean-Pierre", "Jean Pierre", "Jeanpierre"] {
            let person = named("Durand", stored);
            for typed in ["Jean-Pierre", "Jean Pierre", "Jeanpierre", "Jean-Pierre Durand"] {
                assert!(finds(typed, &person), "{typed:?} finds {stored:?}");
            }
        }
        // Each word of a stored name is found alone, and while being typed.
        for typed in ["goff", "le go", "go"] {
            assert!(finds(typed, &named("Le Goff", "Anne")), "{typed:?}");
        }
        assert!(!finds("Le Goffic", &named("Le Goff", "Anne")));
        assert!(!finds("Jean Paul", &named("Durand", "Jean-Pierre")));
    }

    #[test]
    fn special_letters_are_found_by_their_plain_form() {
        assert!(finds("Lukasz", &named("Nowak", "Łukasz")));
        assert!(finds("soren", &named("Kierkegaard", "Søren")));
        assert!(finds("coeur", &named("Cœur", "Jacques")));
        assert!(finds("Strauss", &named("Strauß", "Johann")));
        assert!(finds("nguyen thi", &named("Nguyễn", "Thị Mai")));
        assert!(finds("Nguyễn", &named("Nguyen", "Thi")));
        assert!(!finds("lucas", &named("Nowak", "Łukasz")));
    }

    #[test]
    fn hangul_names_are_found_whole_or_by_part() {
        let kim = named("김", "민준");
        for typed in ["김민준", "민준", "김", "김 민준", "김민", "민준 김"] {
            assert!(finds(typed, &kim), "{typed}");
        }
        assert!(!finds("박민준", &kim));
        assert!(!finds("김민수", &kim));
        let lee = named("이", "수");
        assert!(finds("이수", &lee));
        let soo = named("박", "이수");
        assert!(finds("이수", &soo));
        assert!(!finds("이수", &named("박", "이준")));
    }

    // --- Typos --------------------------------------------------------------------------------

    #[test]
    fn one_typo_is_tolerated_on_names_of_five_letters_or_more() {
        assert!(finds("Dupond", &named("Dupont", "Marc"))); // substitution
        assert!(finds("Lefebre", &named("Lefebvre", "Anne"))); // deletion
        assert!(finds("Lefebvvre", &named("Lefebvre", "Anne"))); // insertion
        assert!(finds("Martni", &named("Martin", "Sophie"))); // transposition
        assert!(finds("Sophie Martni", &named("Martin", "Sophie")));
        assert!(finds("Jeanpiere", &named("Durand", "Jean-Pierre")));
    }

    #[test]
    fn no_typo_is_tolerated_beyond_one_edit_or_on_short_names() {
        assert!(!finds("Dupont", &named("Durand", "Marc")));
        assert!(!finds("Jaen", &named("Martin", "Jean")));
        assert!(!finds("Jeann", &named("Martin", "Jean")));
        assert!(!finds("Mratni", &named("Martin", "Sophie")));
        assert!(!finds("Lefbre", &named("Lefebvre", "Anne")));
    }

    #[test]
    fn the_score_rejects_two_edits_the_deletion_variants_let_through() {
        // "martn" is a deletion of both: the SQL retrieves, the edit distance is 2.
        let martin = named("Martin", "Sophie");
        let p = plan("marxtn");
        assert!(sql_retrieves(&p, &martin));
        assert_eq!(score(&p, &martin), None);
    }

    #[test]
    fn namespaced_terms_never_answer_a_name() {
        let person = person_terms(&Searchable {
            birth_name: Some("Martin"),
            first_names: Some("Sophie"),
            birth_date: Some(date!(1985 - 03 - 12)),
            phones: vec!["0612345678"],
            numbers: vec!["1234567A"],
            ..Searchable::default()
        });
        for typed in ["t", "d", "n", "t06", "n1234567a"] {
            assert!(!finds(typed, &person), "{typed}");
        }
    }

    // --- Dates, phones, numbers ---------------------------------------------------------------

    fn born(d: time::Date) -> Vec<Term> {
        person_terms(&Searchable {
            birth_name: Some("Martin"),
            first_names: Some("Sophie"),
            birth_date: Some(d),
            ..Searchable::default()
        })
    }

    #[test]
    fn a_birth_date_is_found_in_every_usual_format() {
        let sophie = born(date!(1985 - 03 - 12));
        for typed in [
            "12/03/1985",
            "12-03-1985",
            "12.03.1985",
            "1985-03-12",
            "12031985",
            "12/03/1985,",
            "martin 12/03/1985",
        ] {
            assert!(finds(typed, &sophie), "{typed}");
        }
        let early = born(date!(1985 - 03 - 02));
        for typed in ["2/3/1985", "02/03/1985", "1985-3-2", "02031985"] {
            assert!(finds(typed, &early), "{typed}");
        }
    }

    #[test]
    fn a_birth_date_finds_only_that_date() {
        let sophie = born(date!(1985 - 03 - 12));
        for typed in ["13/03/1985", "12/04/1985", "12/03/1986", "03/12/1985", "dupont 12/03/1985"] {
            assert!(!finds(typed, &sophie), "{typed}");
        }
        // An impossible date finds nobody rather than everybody.
        assert!(!finds("31/02/1985", &sophie));
        assert_eq!(plan("31/02/1985").slots.len(), 1);
    }

    #[test]
    fn a_date_being_typed_does_not_empty_the_results() {
        let sophie = born(date!(1985 - 03 - 12));
        for typed in ["martin 12/", "martin 12/03", "martin 12/03/19"] {
            assert!(finds(typed, &sophie), "{typed}");
        }
    }

    fn with_phone(phone: &str) -> Vec<Term> {
        person_terms(&Searchable {
            birth_name: Some("Martin"),
            phones: vec![phone],
            ..Searchable::default()
        })
    }

    #[test]
    fn a_phone_is_found_in_any_formatting() {
        let formats = [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "0612345678",
        ];
        for stored in formats {
            let person = with_phone(stored);
            for typed in formats {
                assert!(finds(typed, &person), "{typed:?} finds {stored:?}");
            }
            for typed in ["06 12 34", "0612", "+33 6 12", "martin 06 12 34 56 78"] {
                assert!(finds(typed, &person), "{typed:?} finds {stored:?}");
            }
            assert!(!finds("06 12 34 56 79", &person));
            assert!(!finds("07 12 34 56 78", &person));
        }
        let belgian = with_phone("+32 470 12 34 56");
        assert!(finds("0032 470 12 34 56", &belgian));
        assert!(finds("+32470123456", &belgian));
        assert!(!finds("0470 12 34 56", &belgian));
        // Typed without its leading 0.
        assert!(finds("6 12 34 56 78", &with_phone("0612345678")));
    }

    #[test]
    fn every_phone_format_gives_the_same_slot() {
        let expected = plan("0612345678");
        for typed in ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0033612345678"] {
            assert_eq!(plan(typed).slots[0].prefix, expected.slots[0].prefix, "{typed}");
        }
    }

    fn with_number(number: &str) -> Vec<Term> {
        person_terms(&Searchable {
            birth_name: Some("Martin"),
            numbers: vec![number],
            ..Searchable::default()
        })
    }

    #[test]
    fn an_administrative_number_is_found_without_case_or_spaces_and_by_prefix() {
        for stored in ["1234567A", "1234567 a", "12 34 567A"] {
            let person = with_number(stored);
            for typed in [
                "1234567A",
                "1234567a",
                "1234567 A",
                "12 34 567 a",
                "1234567",
                "12345",
                "martin 1234567A",
            ] {
                assert!(finds(typed, &person), "{typed:?} finds {stored:?}");
            }
            assert!(!finds("1234568A", &person));
            assert!(!finds("1234567B", &person));
            assert!(!finds("dupont 1234567A", &person));
        }
        let employment = with_number("FT 0123456X");
        assert!(finds("ft0123456x", &employment));
        assert!(finds("FT01234", &employment));
        assert!(!finds("FT0123457", &employment));
    }

    #[test]
    fn eight_digits_can_be_a_date_a_number_or_a_phone() {
        let slot = &plan("12031985").slots[0];
        assert_eq!(slot.prefix.as_deref(), Some("n:12031985"));
        assert!(slot.words.contains(&"d:1985-03-12".to_owned()));
        assert!(finds("12031985", &with_number("12031985")));
        assert!(finds("12031985", &born(date!(1985 - 03 - 12))));
    }

    // --- Ranking ------------------------------------------------------------------------------

    #[test]
    fn an_exact_word_ranks_before_a_prefix_before_a_typo() {
        let p = plan("Dupont");
        let exact = score(&p, &named("Dupont", "Marc")).unwrap();
        let prefix = score(&p, &named("Dupontel", "Marc")).unwrap();
        let typo = score(&p, &named("Dupond", "Marc")).unwrap();
        assert!(exact > prefix && prefix > typo, "{exact} {prefix} {typo}");
        // A prefix covering more of the word ranks higher.
        let p = plan("Mar");
        assert!(score(&p, &named("Mars", "")) > score(&p, &named("Martinez", "")));
    }

    #[test]
    fn a_whole_name_typed_as_stored_gets_a_bonus() {
        let p = plan("le goff");
        let le_goff = score(&p, &named("Le Goff", "Anne")).unwrap();
        let le_bris_goff = score(&p, &named("Le Bris", "Goff")).unwrap();
        assert!(le_goff > le_bris_goff, "{le_goff} {le_bris_goff}");
    }

    #[test]
    fn family_and_first_name_together_get_a_bonus() {
        let p = plan("Martin Sophie");
        let sophie_martin = score(&p, &named("Martin", "Sophie")).unwrap();
        let first_names_only = score(&p, &named("Dupont", "Sophie Anne Martin")).unwrap();
        assert!(sophie_martin > first_names_only, "{sophie_martin} {first_names_only}");
        // First names typed as they are stored are a whole-field match.
        let as_stored = score(&p, &named("Dupont", "Martin Sophie")).unwrap();
        assert!(as_stored > first_names_only, "{as_stored} {first_names_only}");
    }

    #[test]
    fn the_score_is_deterministic_and_does_not_depend_on_term_order() {
        let p = plan("sop martni 12/03/1985");
        let terms = born(date!(1985 - 03 - 12));
        let mut reversed = terms.clone();
        reversed.reverse();
        assert_eq!(score(&p, &terms), score(&p, &reversed));
        assert!(score(&p, &terms).is_some());
        assert_eq!(score(&Plan::default(), &terms), Some(0));
    }

    // --- Properties ---------------------------------------------------------------------------

    fn edit(word: &str, op: u8, at: usize, letter: char) -> String {
        let mut chars: Vec<char> = word.chars().collect();
        let at = at % chars.len();
        match op % 4 {
            0 => chars[at] = letter,
            1 => chars.insert(at, letter),
            2 => {
                chars.remove(at);
            }
            _ => {
                let at = at.min(chars.len() - 2);
                chars.swap(at, at + 1);
            }
        }
        chars.into_iter().collect()
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in any::<String>()) {
            let once = words(&s);
            prop_assert_eq!(words(&once.join(" ")), once);
        }

        #[test]
        fn folding_is_idempotent_on_name_like_text(s in "[\\p{L}\\p{M}\\p{N}' .-]{0,30}") {
            let once = words(&s);
            prop_assert_eq!(words(&once.join(" ")), once);
        }

        #[test]
        fn person_terms_never_contain_empty_strings(
            birth in any::<String>(),
            first in "\\PC{0,20}",
            phone in "[0-9 +().-]{0,15}",
            number in any::<String>(),
        ) {
            let terms = person_terms(&Searchable {
                birth_name: Some(&birth),
                used_name: Some(""),
                first_names: Some(&first),
                birth_date: None,
                phones: vec![&phone],
                numbers: vec![&number],
            });
            for term in &terms {
                prop_assert!(!term.text.is_empty());
                prop_assert!(!term.text.ends_with(':'));
                prop_assert!(term.kind == KIND_WORD || term.kind == KIND_DELETION);
            }
        }

        #[test]
        fn a_person_always_matches_their_own_birth_name(
            birth in "[\\p{L}\\p{M}' -]{1,40}",
            first in "[\\p{L}' -]{0,20}",
        ) {
            prop_assume!(!words(&birth).is_empty());
            let terms = named(&birth, &first);
            prop_assert!(finds(&birth, &terms));
        }

        #[test]
        fn one_edit_of_a_long_name_still_finds_the_person(
            name in "[a-z]{5,12}",
            op in 0u8..4,
            at in 0usize..12,
            letter in proptest::char::range('a', 'z'),
        ) {
            let typed = edit(&name, op, at, letter);
            prop_assume!(typed.len() >= TYPO_MIN_LEN);
            prop_assert!(finds(&typed, &named(&name, "Anne")));
        }

        #[test]
        fn the_score_never_accepts_what_the_sql_rule_would_not_retrieve(
            birth in "[ab]{1,7}( [ab]{1,7})?",
            first in "[ab]{1,7}",
            query in "[ab]{1,7}( [ab]{1,7}){0,2}",
        ) {
            let terms = named(&birth, &first);
            let p = plan(&query);
            if score(&p, &terms).is_some() {
                prop_assert!(sql_retrieves(&p, &terms));
            }
        }
    }
}
