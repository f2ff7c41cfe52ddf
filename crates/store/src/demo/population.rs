//! A fictitious population of the Haute-Vallée: households of one to eight persons with their
//! names, ages, relationships, addresses, phones, resources and situations, drawn from one
//! random stream so that a seed always gives the same people.
//!
//! The demo and `passerelle bench-data` both draw from here, so the benchmarks search the kind
//! of data the demo shows. Every town is invented (postcodes 99xxx, which La Poste does not
//! use); names are ordinary first names and family names combined at random, so no one real is
//! described. About 85 % of households carry French names (with accents, hyphens, particles
//! such as Le, N' or D', and the names of families who came from elsewhere long ago), 5 %
//! Korean names (in Hangul or in Latin letters), 5 % Vietnamese (with or without their
//! diacritics) and 5 % Polish.

use domain::persons::PersonRecord;
use domain::{HouseholdId, HouseholdMemberId, PersonId};
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};
use uuid::Uuid;

use super::names::*;
use super::situation::Place;
use crate::Ts;

/// One generated household: the reference person first (relationship `self`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub id: HouseholdId,
    /// When the household and its members were registered.
    pub created_at: Ts,
    pub members: Vec<Member>,
}

/// A person and their place in the household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person_id: PersonId,
    pub membership_id: HouseholdMemberId,
    /// `self` for the reference person, else a code of [`ListName::Relationship`].
    pub relationship: &'static str,
    pub from_date: Option<Date>,
    /// Set when the member has left the household.
    pub to_date: Option<Date>,
    pub record: PersonRecord,
}

/// Where the households live and how their phone numbers are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Mostly Valbourg, some in the neighbouring towns (the CCAS, the association).
    Valbourg,
    /// Every town of the département alike.
    HauteVallee,
}

/// How phone numbers are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phones {
    /// Within a few blocks of 10 000 numbers kept for fiction (01 99 00 …, 06 39 98 …): for
    /// data people see. Shared by many persons in a large data set.
    Fiction,
    /// Any French mobile number (06 or 07), so that a phone search finds one or two persons
    /// even among a million, as it does in real life. For generated benchmark data.
    Spread,
}

/// Draws households one after the other.
pub struct Generator {
    pub(super) rng: ChaCha8Rng,
    pub(super) area: Area,
    pub(super) phones: Phones,
    /// Registration time of the next household, in milliseconds since the epoch.
    pub(super) next_ms: i64,
    pub(super) step_ms: i64,
    pub(super) french_family: WeightedIndex<u32>,
    pub(super) female: WeightedIndex<u32>,
    pub(super) male: WeightedIndex<u32>,
}

impl Generator {
    /// A generator on `stream` of the seed's random sequence: households are registered from
    /// `first` on, one every `step` (plus a little jitter), so their ids (UUID v7) increase.
    pub fn new(
        seed: u64,
        stream: u64,
        first: Ts,
        step: Duration,
        area: Area,
        phones: Phones,
    ) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        // Name frequencies fall off with rank, as family and first names do.
        let zipf = |n: usize, flat: u32| {
            WeightedIndex::new((0..n as u32).map(|i| 100_000 / (i + flat)))
                .expect("name lists are not empty")
        };
        Generator {
            rng,
            area,
            phones,
            next_ms: (first.get().unix_timestamp_nanos() / 1_000_000) as i64,
            step_ms: (step.whole_milliseconds() as i64).max(1),
            french_family: zipf(FRENCH_FAMILY.len(), 20),
            female: zipf(FRENCH_FEMALE.len(), 15),
            male: zipf(FRENCH_MALE.len(), 15),
        }
    }

    pub(super) fn uuid(&mut self, millis: i64) -> Uuid {
        let random: [u8; 10] = self.rng.random();
        uuid::Builder::from_unix_timestamp_millis(millis as u64, &random).into_uuid()
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *items.choose(&mut self.rng).expect("lists are not empty")
    }

    /// The next household, of `size` persons (1–8), or of a size drawn from the distribution
    /// of households met by social services when `None`.
    pub fn household(&mut self, size: Option<usize>) -> Household {
        let jitter = self.rng.random_range(0..self.step_ms);
        let millis = self.next_ms + jitter;
        self.next_ms += self.step_ms;
        let created_at = Ts::from(
            time::OffsetDateTime::from_unix_timestamp_nanos(millis as i128 * 1_000_000)
                .expect("registration times are in range"),
        );
        let today = created_at.get().date();
        let id = HouseholdId::from_uuid(self.uuid(millis));
        let size = size.unwrap_or_else(|| {
            let weights = [34, 22, 16, 13, 7, 4, 2, 2];
            WeightedIndex::new(weights).expect("weights").sample(&mut self.rng) + 1
        });
        let culture = match self.rng.random_range(0..100) {
            0..85 => Culture::French,
            85..90 => Culture::Korean,
            90..95 => Culture::Vietnamese,
            _ => Culture::Polish,
        };
        let home = self.home();
        let family = self.family_name(culture);
        let ref_age = self.reference_age(size);
        let ref_sex = if self.chance(0.58) { Sex::Female } else { Sex::Male };

        // Who lives with the reference person, as (relationship, age, sex, culture).
        let mut others: Vec<(&'static str, i32, Sex, Culture)> = Vec::new();
        let shape = if size == 1 {
            Shape::Alone
        } else {
            match self.rng.random_range(0..100) {
                0..55 => Shape::Couple,
                55..88 => Shape::SingleParent,
                _ => Shape::Other,
            }
        };
        if shape == Shape::Couple {
            let age = (ref_age + self.rng.random_range(-6..=6)).max(18);
            let culture = if self.chance(0.12) { self.other_culture(culture) } else { culture };
            others.push(("spouse_partner", age, ref_sex.other(), culture));
        }
        if shape == Shape::Other && others.len() + 1 < size {
            let (rel, age) = if ref_age < 45 && self.chance(0.6) {
                ("parent", ref_age + self.rng.random_range(20..36))
            } else if self.chance(0.5) {
                ("sibling", (ref_age + self.rng.random_range(-8..=8)).max(16))
            } else {
                ("hosted", self.rng.random_range(18..70))
            };
            others.push((rel, age, self.any_sex(), culture));
        }
        while others.len() + 1 < size {
            // Children, then whoever else a large household holds.
            let youngest = (ref_age - 45).max(0);
            let oldest = ref_age - 18;
            let rel_age = if oldest >= youngest && oldest >= 0 && self.chance(0.9) {
                let age = self.rng.random_range(youngest..=oldest);
                let rel = match self.rng.random_range(0..100) {
                    _ if age >= 18 => "adult_child",
                    0..6 => "stepchild",
                    6..8 => "foster_child",
                    _ => "minor_child",
                };
                (rel, age)
            } else {
                match self.rng.random_range(0..4) {
                    0 => ("grandparent", (ref_age + self.rng.random_range(40..55)).min(98)),
                    1 => ("other_family", self.rng.random_range(0..80)),
                    2 => ("sibling", (ref_age + self.rng.random_range(-10..=10)).max(1)),
                    _ => ("hosted", self.rng.random_range(18..70)),
                }
            };
            others.push((rel_age.0, rel_age.1, self.any_sex(), culture));
        }

        let since = self.since(today, ref_age);
        let minors = others.iter().filter(|(_, age, _, _)| *age < 18).count();
        let children = others
            .iter()
            .filter(|(rel, ..)| matches!(*rel, "minor_child" | "adult_child" | "stepchild"))
            .count();
        let housing = match self.housing() {
            Some("care_home") if ref_age < 65 => Some("private_tenant"),
            Some("with_parents") if ref_age >= 35 => Some("hosted_by_third_party"),
            other => other,
        };
        let address = self.address(home, housing);
        let situation = |g: &mut Self, is_adult_couple: bool, age: i32| -> Option<String> {
            let code = match shape {
                Shape::Couple if is_adult_couple && children > 0 => {
                    g.pick(&["couple_with_children", "married", "civil_partnership", "cohabiting"])
                }
                Shape::Couple if is_adult_couple => {
                    g.pick(&["married", "civil_partnership", "cohabiting"])
                }
                Shape::SingleParent if is_adult_couple => "single_parent",
                _ if age >= 70 && g.chance(0.4) => "widowed",
                _ => g.pick(&["single", "single", "separated", "divorced"]),
            };
            g.chance(0.85).then(|| code.to_owned())
        };

        let mut members = Vec::with_capacity(size);
        let ref_record = {
            let mut p = self.person(culture, ref_sex, ref_age, &family, today, home);
            p.family_situation = situation(self, true, ref_age);
            p.housing_situation = housing.filter(|_| self.chance(0.9)).map(str::to_owned);
            self.set_address(&mut p, &address);
            self.adult_extras(&mut p, ref_age, culture, Place::Reference, minors, shape, today);
            p
        };
        let ref_used_name = ref_record.birth_name.clone();
        members.push(self.member(millis, "self", since, None, ref_record));
        let leaver = (size >= 3 && self.chance(0.05)).then(|| others.len() - 1);
        for (i, (rel, age, sex, member_culture)) in others.iter().copied().enumerate() {
            let spouse = rel == "spouse_partner";
            // Partners and hosted persons have names of their own; kin carry the household's.
            let own_family = spouse || rel == "hosted" || member_culture != culture;
            let member_family =
                if own_family { self.family_name(member_culture) } else { family.clone() };
            let mut p = self.person(member_culture, sex, age, &member_family, today, home);
            if spouse && member_culture == Culture::French && sex == Sex::Female && self.chance(0.5)
            {
                // Many married women use their spouse's name and keep their birth name.
                p.used_name = ref_used_name.clone();
            }
            if age >= 18 {
                p.family_situation = situation(self, spouse, age);
                if spouse || rel == "parent" || self.chance(0.3) {
                    p.housing_situation = housing.map(str::to_owned);
                }
                let place = if spouse { Place::Partner } else { Place::Other };
                self.adult_extras(&mut p, age, member_culture, place, 0, shape, today);
            } else {
                p.phones = if age >= 14 && self.chance(0.3) { vec![self.phone()] } else { vec![] };
            }
            if self.chance(0.9) {
                self.set_address(&mut p, &address);
            }
            let from = match (since, p.birth_date) {
                (Some(s), Some(b)) if b > s => Some(b),
                (s, _) => s,
            };
            let to = (Some(i) == leaver).then(|| {
                let back = self.rng.random_range(30..900);
                (today - Duration::days(back)).max(from.unwrap_or(today - Duration::days(back)))
            });
            members.push(self.member(millis, rel, from, to, p));
        }
        Household { id, created_at, members }
    }

    fn member(
        &mut self,
        millis: i64,
        relationship: &'static str,
        from_date: Option<Date>,
        to_date: Option<Date>,
        record: PersonRecord,
    ) -> Member {
        Member {
            person_id: PersonId::from_uuid(self.uuid(millis)),
            membership_id: HouseholdMemberId::from_uuid(self.uuid(millis)),
            relationship,
            from_date,
            to_date,
            record,
        }
    }

    fn reference_age(&mut self, size: usize) -> i32 {
        let band = match self.rng.random_range(0..100) {
            0..12 => 18..25,
            12..42 => 25..40,
            42..75 => 40..60,
            75..90 => 60..75,
            _ => 75..96,
        };
        let age = self.rng.random_range(band);
        // Large households have parents of an age to have children at home.
        if size >= 4 { age.clamp(24, 62) } else { age }
    }

    pub(super) fn any_sex(&mut self) -> Sex {
        if self.chance(0.5) { Sex::Female } else { Sex::Male }
    }

    fn other_culture(&mut self, not: Culture) -> Culture {
        loop {
            let c = self.pick(&[
                Culture::French,
                Culture::Korean,
                Culture::Vietnamese,
                Culture::Polish,
            ]);
            if c != not {
                return c;
            }
        }
    }

    /// Since when the household has lived together, when known.
    fn since(&mut self, today: Date, ref_age: i32) -> Option<Date> {
        if self.chance(0.3) {
            return None;
        }
        let max_years = (ref_age - 18).clamp(0, 15) as i64;
        let days = self.rng.random_range(0..=max_years * 365);
        Some(today - Duration::days(days))
    }

    fn family_name(&mut self, culture: Culture) -> Family {
        match culture {
            Culture::French => {
                let display = if self.chance(0.5) {
                    FRENCH_FAMILY[self.french_family.sample(&mut self.rng)].to_owned()
                } else {
                    format!("{}{}", self.pick(ROOTS), self.pick(ENDINGS))
                };
                Family { display, latin: None, polish: false }
            }
            Culture::Korean => {
                let (hangul, latin) = self.pick(KOREAN_FAMILY);
                Family { display: hangul.to_owned(), latin: Some(latin.to_owned()), polish: false }
            }
            Culture::Vietnamese => {
                let name = self.pick(VIETNAMESE_FAMILY);
                Family { display: name.to_owned(), latin: None, polish: false }
            }
            Culture::Polish => {
                let name = self.pick(POLISH_FAMILY);
                Family { display: name.to_owned(), latin: None, polish: true }
            }
        }
    }

    /// A person's identity: names, birth, nationality and languages.
    fn person(
        &mut self,
        culture: Culture,
        sex: Sex,
        age: i32,
        family: &Family,
        today: Date,
        home: usize,
    ) -> PersonRecord {
        let mut p = PersonRecord::default();
        let latin_letters = self.chance(0.4);
        match culture {
            Culture::French => {
                let first = self.french_first(sex);
                p.first_names = Some(if self.chance(0.2) {
                    format!("{first} {}", self.french_first(sex))
                } else {
                    first
                });
                let mut name = family.display.clone();
                if age < 18 && self.chance(0.1) {
                    // Children given both parents' names.
                    let other = FRENCH_FAMILY[self.french_family.sample(&mut self.rng)];
                    if !name.contains(' ') && !other.contains(' ') && other != name {
                        name = format!("{name}-{other}");
                    }
                }
                p.birth_name = Some(name);
            }
            Culture::Korean => {
                let (hangul, latin) = self.pick(KOREAN_GIVEN);
                match (&family.latin, latin_letters) {
                    (Some(family_latin), true) => {
                        p.birth_name = Some(family_latin.clone());
                        p.first_names = Some(latin.to_owned());
                    }
                    _ => {
                        p.birth_name = Some(family.display.clone());
                        p.first_names = Some(hangul.to_owned());
                    }
                }
            }
            Culture::Vietnamese => {
                let middle = match sex {
                    Sex::Female => self.pick(&["Thị", "Thị", "Ngọc", "Thu", "Minh"]),
                    Sex::Male => self.pick(&["Văn", "Văn", "Minh", "Quốc", "Đức", "Hoàng"]),
                };
                let given = self.pick(match sex {
                    Sex::Female => VIETNAMESE_FEMALE,
                    Sex::Male => VIETNAMESE_MALE,
                });
                let (family_name, first) = (family.display.clone(), format!("{middle} {given}"));
                if latin_letters {
                    // As many French forms have them: without the diacritics.
                    p.birth_name = Some(strip_marks(&family_name));
                    p.first_names = Some(strip_marks(&first));
                } else {
                    p.birth_name = Some(family_name);
                    p.first_names = Some(first);
                }
            }
            Culture::Polish => {
                p.birth_name = Some(if family.polish && sex == Sex::Female {
                    feminine_polish(&family.display)
                } else {
                    family.display.clone()
                });
                p.first_names = Some(
                    self.pick(match sex {
                        Sex::Female => POLISH_FEMALE,
                        Sex::Male => POLISH_MALE,
                    })
                    .to_owned(),
                );
            }
        }
        if self.chance(0.96) {
            let days = self.rng.random_range(0..365);
            let born = today - Duration::days(i64::from(age) * 365 + i64::from(age / 4) + days);
            p.birth_date = Some(born.min(today));
        }
        p.sex = match self.rng.random_range(0..100) {
            0..8 => None,
            8..10 => Some("not_stated".to_owned()),
            _ => Some(sex.code().to_owned()),
        };
        if self.chance(0.5) {
            p.birth_place = Some(if age < 25 && culture == Culture::French || self.chance(0.3) {
                TOWNS[if self.chance(0.7) { home } else { self.rng.random_range(0..TOWNS.len()) }]
                    .0
                    .to_owned()
            } else {
                self.pick(culture.birth_places()).to_owned()
            });
        }
        let (nationality, languages) = culture.nationality_and_languages();
        let foreign = culture != Culture::French && age >= 18 && self.chance(0.6);
        if self.chance(0.6) {
            p.nationality = Some(if foreign { nationality } else { "française" }.to_owned());
        }
        if foreign && self.chance(0.7) {
            p.residence_status = Some(self.pick(culture.residence_statuses()).to_owned());
        }
        if self.chance(0.5) {
            p.languages =
                Some(if culture == Culture::French { "français" } else { languages }.to_owned());
        }
        p.interpreter_needed = foreign && self.chance(0.3);
        p
    }

    pub(super) fn french_first(&mut self, sex: Sex) -> String {
        match sex {
            Sex::Female => FRENCH_FEMALE[self.female.sample(&mut self.rng)].to_owned(),
            Sex::Male => FRENCH_MALE[self.male.sample(&mut self.rng)].to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Alone,
    Couple,
    SingleParent,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sex {
    Female,
    Male,
}

impl Sex {
    pub(super) fn other(self) -> Sex {
        match self {
            Sex::Female => Sex::Male,
            Sex::Male => Sex::Female,
        }
    }

    pub(super) fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Culture {
    French,
    Korean,
    Vietnamese,
    Polish,
}

impl Culture {
    fn nationality_and_languages(self) -> (&'static str, &'static str) {
        match self {
            Culture::French => ("française", "français"),
            Culture::Korean => ("sud-coréenne", "coréen, français"),
            Culture::Vietnamese => ("vietnamienne", "vietnamien"),
            Culture::Polish => ("polonaise", "polonais, anglais"),
        }
    }

    fn birth_places(self) -> &'static [&'static str] {
        match self {
            Culture::French => &[
                "Lyon",
                "Grenoble",
                "Marseille",
                "Paris",
                "Dakar (Sénégal)",
                "Oran (Algérie)",
                "Porto (Portugal)",
                "Abidjan (Côte d'Ivoire)",
            ],
            Culture::Korean => {
                &["Séoul (Corée du Sud)", "Busan (Corée du Sud)", "Daegu (Corée du Sud)"]
            }
            Culture::Vietnamese => {
                &["Hanoï (Viêt Nam)", "Hô Chi Minh-Ville (Viêt Nam)", "Huế (Viêt Nam)"]
            }
            Culture::Polish => {
                &["Cracovie (Pologne)", "Łódź (Pologne)", "Gdańsk (Pologne)", "Wrocław (Pologne)"]
            }
        }
    }

    fn residence_statuses(self) -> &'static [&'static str] {
        match self {
            Culture::Polish => &["citoyen de l'Union européenne"],
            _ => &[
                "carte de résident",
                "titre de séjour pluriannuel",
                "titre de séjour temporaire",
                "récépissé de demande de titre",
                "demande d'asile en cours",
            ],
        }
    }
}

#[derive(Clone)]
struct Family {
    /// As written on the household's papers (Hangul for Korean names).
    display: String,
    /// The Latin-letter form of a Korean name.
    latin: Option<String>,
    /// A Polish name whose feminine form differs (-ski → -ska).
    polish: bool,
}

fn feminine_polish(name: &str) -> String {
    for (m, f) in [("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")] {
        if let Some(stem) = name.strip_suffix(m) {
            return format!("{stem}{f}");
        }
    }
    name.to_owned()
}

/// The text without its combining marks (Vietnamese written without diacritics): what the
/// search folds it to, but keeping case and spaces.
fn strip_marks(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'Đ' => 'D',
            'đ' => 'd',
            _ => c,
        })
        .flat_map(|c| {
            let mut buf = [0u8; 4];
            let folded = domain::search::words(c.encode_utf8(&mut buf));
            match folded.first().and_then(|w| w.chars().next()) {
                Some(plain) if c.is_uppercase() => plain.to_uppercase().collect::<Vec<_>>(),
                Some(plain) => vec![plain],
                None => vec![c],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::lists::{ListName, Lists};
    use time::macros::datetime;

    fn generator(seed: u64, phones: Phones) -> Generator {
        Generator::new(
            seed,
            1,
            Ts::from(datetime!(2026-01-06 09:00 UTC)),
            Duration::hours(1),
            Area::HauteVallee,
            phones,
        )
    }

    #[test]
    fn every_generated_record_is_one_the_person_form_accepts_unchanged() {
        let mut g = generator(11, Phones::Spread);
        let lists = Lists::default();
        for _ in 0..400 {
            let h = g.household(None);
            let today = h.created_at.get().date();
            for m in &h.members {
                let parsed = PersonRecord::parse(&m.record.to_form(), &lists, today, None)
                    .unwrap_or_else(|e| panic!("{:?} refused: {e:?}", m.record));
                assert_eq!(parsed, m.record);
                assert!(
                    m.relationship == "self"
                        || ListName::Relationship.defaults().contains(&m.relationship)
                );
                if let (Some(from), Some(to)) = (m.from_date, m.to_date) {
                    assert!(to >= from, "{from} {to}");
                }
            }
        }
    }

    #[test]
    fn households_have_one_to_eight_members_the_reference_person_first() {
        let mut g = generator(3, Phones::Fiction);
        let mut sizes = [0usize; 9];
        let mut persons = 0;
        let mut hangul = 0;
        let mut foreign = 0;
        for _ in 0..2000 {
            let h = g.household(None);
            sizes[h.members.len()] += 1;
            assert_eq!(h.members[0].relationship, "self");
            assert!(h.members[1..].iter().all(|m| m.relationship != "self"));
            for m in &h.members {
                persons += 1;
                let name = m.record.display_name();
                if name.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)) {
                    hangul += 1;
                }
                let n = m.record.birth_name.as_deref().unwrap_or("");
                if KOREAN_FAMILY.iter().any(|(h, l)| n == *h || n == *l)
                    || VIETNAMESE_FAMILY.iter().any(|v| n == *v || strip_marks(v) == n)
                    || POLISH_FAMILY.iter().any(|p| n == *p || feminine_polish(p) == n)
                {
                    foreign += 1;
                }
            }
        }
        assert_eq!(sizes[0], 0);
        assert!(sizes[1..].iter().all(|n| *n > 0), "every size from 1 to 8: {sizes:?}");
        let share = foreign as f64 / persons as f64;
        assert!((0.10..0.20).contains(&share), "{share}");
        assert!(hangul > 0);
    }

    #[test]
    fn the_same_seed_gives_the_same_households_and_another_seed_others() {
        let mut g1 = generator(5, Phones::Fiction);
        let mut g2 = generator(5, Phones::Fiction);
        let mut g3 = generator(6, Phones::Fiction);
        for _ in 0..50 {
            let (x, y, z) = (g1.household(None), g2.household(None), g3.household(None));
            assert_eq!(x, y);
            assert_ne!(x.members[0].record, z.members[0].record);
        }
    }

    #[test]
    fn phones_come_in_several_formats_that_all_parse() {
        let mut g = generator(9, Phones::Fiction);
        let phones: Vec<String> = (0..200).map(|_| g.phone()).collect();
        assert!(phones.iter().any(|p| p.starts_with("+33")));
        assert!(phones.iter().any(|p| p.contains('.')));
        assert!(phones.iter().any(|p| p.len() == 10));
        for p in &phones {
            let form = domain::persons::PersonForm::from_pairs([
                ("birth_name", "A"),
                ("phones", p.as_str()),
            ]);
            let today = time::macros::date!(2026 - 01 - 01);
            assert!(PersonRecord::parse(&form, &Lists::default(), today, None).is_ok(), "{p}");
        }
    }

    #[test]
    fn names_without_diacritics_keep_their_letters() {
        assert_eq!(strip_marks("Nguyễn Thị Hương"), "Nguyen Thi Huong");
        assert_eq!(strip_marks("Đặng"), "Dang");
        assert_eq!(feminine_polish("Wiśniewski"), "Wiśniewska");
        assert_eq!(feminine_polish("Nowak"), "Nowak");
    }
}
