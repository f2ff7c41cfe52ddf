//! What the demo population's households live on and with: addresses, phones, e-mail
//! addresses, benefit numbers, resources with amounts, protection measures and what people say
//! of their situation.

use domain::lists::ListName;
use domain::persons::{PersonRecord, Resource};
use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use time::{Date, Duration};

use super::names::*;
use super::population::{Area, Culture, Generator, Phones, Sex, Shape};

/// Where an adult stands in the household: the benefit file and the housing benefit are the
/// reference person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Reference,
    Partner,
    Other,
}

pub(super) struct Address {
    pub(super) line1: Option<String>,
    pub(super) line2: Option<String>,
    pub(super) postcode: &'static str,
    pub(super) town: &'static str,
}

impl Generator {
    pub(super) fn home(&mut self) -> usize {
        if self.area == Area::Valbourg && self.chance(0.75) {
            0
        } else {
            self.rng.random_range(0..TOWNS.len())
        }
    }

    pub(super) fn housing(&mut self) -> Option<&'static str> {
        const HOUSING: [(&str, u32); 14] = [
            ("social_tenant", 28),
            ("private_tenant", 20),
            ("owner", 8),
            ("hosted_by_third_party", 10),
            ("with_parents", 6),
            ("emergency_shelter", 5),
            ("no_accommodation", 4),
            ("supported_housing", 4),
            ("substandard", 3),
            ("hotel", 3),
            ("makeshift", 2),
            ("care_home", 3),
            ("mobile_home", 2),
            ("hospital_or_prison", 2),
        ];
        debug_assert!(
            HOUSING.iter().all(|(c, _)| ListName::HousingSituation.defaults().contains(c))
        );
        let i = WeightedIndex::new(HOUSING.iter().map(|(_, w)| *w)).expect("weights");
        Some(HOUSING[i.sample(&mut self.rng)].0)
    }

    pub(super) fn address(&mut self, home: usize, housing: Option<&str>) -> Address {
        let (town, postcode) = TOWNS[home];
        if matches!(housing, Some("no_accommodation" | "makeshift")) {
            return Address {
                line1: Some(format!("Domiciliation : CCAS de {town}, 2 place de la Mairie")),
                line2: None,
                postcode,
                town,
            };
        }
        let number = self.rng.random_range(1..120);
        let bis = if self.chance(0.05) { " bis" } else { "" };
        let street = self.pick(STREETS);
        let line2 = match housing {
            Some("emergency_shelter") => Some(self.pick(SHELTERS).to_owned()),
            Some("hosted_by_third_party") if self.chance(0.5) => {
                let host = self.pick(&FRENCH_FAMILY[..60]);
                Some(format!("Chez M. ou Mme {host}"))
            }
            Some("social_tenant") if self.chance(0.6) => Some(format!(
                "Bâtiment {}, appartement {}",
                self.pick(&["A", "B", "C", "D", "E"]),
                self.rng.random_range(1..60)
            )),
            _ if self.chance(0.08) => Some(format!("Appartement {}", self.rng.random_range(1..30))),
            _ => None,
        };
        Address { line1: Some(format!("{number}{bis} {street}")), line2, postcode, town }
    }

    pub(super) fn set_address(&mut self, p: &mut PersonRecord, a: &Address) {
        if self.chance(0.93) {
            p.address_line1 = a.line1.clone();
            p.address_line2 = a.line2.clone();
            p.postcode = Some(a.postcode.to_owned());
        }
        p.town = Some(a.town.to_owned());
    }

    /// Phones, e-mail, numbers, resources, protection and own words of an adult.
    #[allow(clippy::too_many_arguments)] // the facts of the household this adult's lot depends on
    pub(super) fn adult_extras(
        &mut self,
        p: &mut PersonRecord,
        age: i32,
        culture: Culture,
        place: Place,
        minors: usize,
        shape: Shape,
        today: Date,
    ) {
        let head = place == Place::Reference;
        let phone_odds = if place == Place::Other { 0.65 } else { 0.85 };
        if self.chance(phone_odds) {
            p.phones.push(self.phone());
            if self.chance(0.15) {
                p.phones.push(self.phone());
            }
        }
        if age < 70 && self.chance(0.3) {
            let family = p.birth_name.as_deref().unwrap_or("x");
            let first = p.first_names.as_deref().and_then(|f| f.split(' ').next()).unwrap_or("x");
            let local = format!("{}.{}", ascii_slug(first, culture), ascii_slug(family, culture));
            let n = if self.chance(0.3) {
                self.rng.random_range(1..99).to_string()
            } else {
                String::new()
            };
            let domain = self.pick(&["courriel.example", "boite.example", "messagerie.example"]);
            p.email = Some(format!("{local}{n}@{domain}"));
        }
        if head && self.chance(0.45) {
            p.benefit_office_number = Some(format!("{:07}", self.rng.random_range(0..10_000_000)));
        }
        if (18..62).contains(&age) && self.chance(0.2) {
            let letter = (b'A' + self.rng.random_range(0..26)) as char;
            p.employment_service_id =
                Some(format!("{:07}{letter}", self.rng.random_range(0..10_000_000)));
        }
        p.resources = self.resources(age, culture, head, minors, shape);
        let protection_odds = if age >= 75 { 0.12 } else { 0.03 };
        if self.chance(protection_odds) {
            let measure = self.pick(&[
                "curatorship",
                "curatorship",
                "enhanced_curatorship",
                "enhanced_curatorship",
                "guardianship",
                "temporary_judicial_protection",
                "masp",
                "maj",
                "family_authorisation",
                "future_protection_mandate",
            ]);
            p.protection_measure = Some(measure.to_owned());
            if self.chance(0.85) {
                let (name, contact) = self.protector(measure);
                p.protector_name = Some(name);
                p.protector_contact = contact;
            }
            if self.chance(0.8) {
                let start = today - Duration::days(self.rng.random_range(30..3650));
                p.protection_start = Some(start);
                let years = if measure == "guardianship" { 10 } else { 5 };
                p.protection_review = self
                    .chance(0.8)
                    .then(|| start + Duration::days(years * 365 + self.rng.random_range(0..30)));
            }
        }
        if head && self.chance(0.15) {
            let first = self.pick(OWN_WORDS);
            p.own_words = Some(if self.chance(0.35) {
                let second = self.pick(OWN_WORDS);
                if second == first { first.to_owned() } else { format!("{first} {second}") }
            } else {
                first.to_owned()
            });
        }
    }

    pub(super) fn protector(&mut self, measure: &str) -> (String, Option<String>) {
        if measure == "family_authorisation" {
            let name =
                format!("{} {}", self.french_first(Sex::Female), self.pick(&FRENCH_FAMILY[..80]));
            return (name, Some(self.phone()));
        }
        let (name, email) = self.pick(PROTECTORS);
        let contact = match self.rng.random_range(0..3) {
            0 => format!("{}\n{email}", self.landline()),
            1 => self.landline(),
            _ => email.to_owned(),
        };
        (name.to_owned(), Some(contact))
    }

    pub(super) fn resources(
        &mut self,
        age: i32,
        culture: Culture,
        head: bool,
        minors: usize,
        shape: Shape,
    ) -> Vec<Resource> {
        let mut out: Vec<(&'static str, Option<i64>)> = Vec::new();
        let mut add = |g: &mut Self, code: &'static str, lo: i64, hi: i64| {
            let amount = g.chance(0.85).then(|| g.rng.random_range(lo..=hi));
            out.push((code, amount));
        };
        if age >= 62 {
            if self.chance(0.8) {
                add(self, "retirement_pension", 65_000, 180_000);
            }
            if self.chance(0.15) {
                add(self, "aspa", 103_428, 103_428);
            }
        } else {
            if self.chance(0.35) {
                add(self, "salary", 60_000, 240_000);
                if self.chance(0.3) {
                    add(self, "activity_bonus", 8_000, 35_000);
                }
            } else if self.chance(0.4) {
                add(self, "rsa", 35_000, 110_000);
            } else if self.chance(0.3) {
                add(self, "unemployment_benefit", 50_000, 160_000);
            } else if self.chance(0.15) {
                add(self, "ass", 54_500, 54_500);
            }
            if self.chance(0.07) {
                add(self, "aah", 101_605, 103_332);
            }
            if self.chance(0.03) {
                add(self, "invalidity_pension", 40_000, 120_000);
            }
            if self.chance(0.03) {
                add(self, "daily_allowance", 30_000, 150_000);
            }
            if self.chance(0.04) {
                add(self, "self_employment", 20_000, 180_000);
            }
            if age < 26 && self.chance(0.15) {
                let code = if self.chance(0.6) { "youth_allowance" } else { "student_grant" };
                add(self, code, 10_000, 54_500);
            }
            if culture != Culture::French && self.chance(0.04) {
                add(self, "asylum_allowance", 20_000, 42_600);
            }
        }
        if head {
            if self.chance(0.45) {
                add(self, "housing_benefit", 12_000, 48_000);
            }
            if minors >= 2 {
                let base = match minors {
                    2 => 14_852,
                    3 => 33_881,
                    n => 33_881 + (n as i64 - 3) * 19_029,
                };
                add(self, "family_benefits", base, base + 12_000);
            }
            if shape == Shape::SingleParent && minors > 0 && self.chance(0.3) {
                add(self, "maintenance_received", 10_000, 40_000);
            }
        }
        if out.is_empty() && self.chance(0.3) {
            out.push(("no_income", None));
        }
        out.sort_by_key(|(code, _)| *code);
        out.dedup_by_key(|(code, _)| *code);
        out.into_iter()
            .map(|(code, amount_cents)| Resource { code: code.to_owned(), amount_cents })
            .collect()
    }

    /// A phone number in one of the ways people write them.
    pub(super) fn phone(&mut self) -> String {
        let digits: String = match self.phones {
            Phones::Fiction => {
                let block =
                    self.pick(&["063998", "063998", "063998", "019900", "026191", "046571"]);
                format!("{block}{:04}", self.rng.random_range(0..10_000))
            }
            Phones::Spread => {
                let prefix = if self.chance(0.8) { "06" } else { "07" };
                format!("{prefix}{:08}", self.rng.random_range(0..100_000_000))
            }
        };
        let pairs: Vec<&str> = (0..5).map(|i| &digits[i * 2..i * 2 + 2]).collect();
        let national = &digits[1..];
        match self.rng.random_range(0..100) {
            0..40 => pairs.join(" "),
            40..60 => digits.clone(),
            60..72 => pairs.join("."),
            72..80 => pairs.join("-"),
            80..90 => format!("+33 {} {}", &national[..1], pairs[1..].join(" ")),
            90..95 => format!("+33{national}"),
            _ => format!("+33 (0){} {}", &national[..1], pairs[1..].join(" ")),
        }
    }

    pub(super) fn landline(&mut self) -> String {
        format!(
            "04 65 71 {:02} {:02}",
            self.rng.random_range(0..100),
            self.rng.random_range(0..100)
        )
    }
}

/// A name as the ASCII part of an e-mail address.
fn ascii_slug(s: &str, culture: Culture) -> String {
    let words = domain::search::words(s);
    let slug: String = words.concat().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if slug.is_empty() {
        // A name in Hangul: addresses use the Latin form; any plain word will do.
        match culture {
            Culture::Korean => "kim".to_owned(),
            _ => "contact".to_owned(),
        }
    } else {
        slug
    }
}
