//! The default value lists of `shared/DOMAIN.md` §2, by their stable codes. Labels live in the
//! message files (`list-<list>-<code>`); an organisation may hide a default, relabel it or add
//! values of its own ([`Override`]), without code. Codes never change once published: reports
//! and imports rely on them.

/// A value list a form offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListName {
    Sex,
    HousingSituation,
    FamilySituation,
    Resources,
    ProtectionMeasure,
    Relationship,
    UrgencyFlag,
    /// How a contact happened (the type of a case note), §2.7.
    ContactMedium,
    /// Who sent the person to the organisation, §2.8.
    OrientationSource,
    /// Why a case was closed, §2.9.
    CaseClosureReason,
    /// The life domains an assessment rates, §2.15.
    LifeDomain,
    /// The types of documents, §2.13.
    DocumentType,
    /// The aid catalogue's types, §2.12 and issue 10 (each type's rules: `store::aid`).
    AidType,
    /// How an aid is paid, §2.11.
    PaymentMethod,
    /// Why an aid request was refused (issue 10: refusal reasons for statistics).
    AidRefusalReason,
}

impl ListName {
    pub const ALL: [ListName; 15] = [
        ListName::Sex,
        ListName::HousingSituation,
        ListName::FamilySituation,
        ListName::Resources,
        ListName::ProtectionMeasure,
        ListName::Relationship,
        ListName::UrgencyFlag,
        ListName::ContactMedium,
        ListName::OrientationSource,
        ListName::CaseClosureReason,
        ListName::LifeDomain,
        ListName::DocumentType,
        ListName::AidType,
        ListName::PaymentMethod,
        ListName::AidRefusalReason,
    ];

    /// The list's name in storage and in message keys.
    pub fn as_str(self) -> &'static str {
        match self {
            ListName::Sex => "sex",
            ListName::HousingSituation => "housing_situation",
            ListName::FamilySituation => "family_situation",
            ListName::Resources => "resources",
            ListName::ProtectionMeasure => "protection_measure",
            ListName::Relationship => "relationship",
            ListName::UrgencyFlag => "urgency_flag",
            ListName::ContactMedium => "contact_medium",
            ListName::OrientationSource => "orientation_source",
            ListName::CaseClosureReason => "case_closure_reason",
            ListName::LifeDomain => "life_domain",
            ListName::DocumentType => "document_type",
            ListName::AidType => "aid_type",
            ListName::PaymentMethod => "payment_method",
            ListName::AidRefusalReason => "aid_refusal_reason",
        }
    }

    pub fn parse(s: &str) -> Option<ListName> {
        ListName::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The default codes, in the order forms show them.
    pub fn defaults(self) -> &'static [&'static str] {
        match self {
            ListName::Sex => &["female", "male", "other", "not_stated"],
            ListName::HousingSituation => &[
                "no_accommodation",
                "owner",
                "social_tenant",
                "private_tenant",
                "makeshift",
                "emergency_shelter",
                "hosted_by_third_party",
                "with_parents",
                "substandard",
                "care_home",
                "hotel",
                "supported_housing",
                "mobile_home",
                "hospital_or_prison",
            ],
            ListName::FamilySituation => &[
                "single",
                "married",
                "civil_partnership",
                "cohabiting",
                "separated",
                "divorced",
                "widowed",
                "single_parent",
                "couple_with_children",
            ],
            ListName::Resources => &[
                "salary",
                "self_employment",
                "unemployment_benefit",
                "ass",
                "rsa",
                "activity_bonus",
                "family_benefits",
                "housing_benefit",
                "aah",
                "invalidity_pension",
                "daily_allowance",
                "retirement_pension",
                "aspa",
                "maintenance_received",
                "youth_allowance",
                "asylum_allowance",
                "student_grant",
                "no_income",
            ],
            ListName::ProtectionMeasure => &[
                "none",
                "temporary_judicial_protection",
                "curatorship",
                "enhanced_curatorship",
                "guardianship",
                "family_authorisation",
                "spousal_authorisation",
                "future_protection_mandate",
                "masp",
                "maj",
                "mjagbf",
                "pending",
            ],
            ListName::Relationship => &[
                "spouse_partner",
                "minor_child",
                "adult_child",
                "parent",
                "grandparent",
                "sibling",
                "other_family",
                "neighbour",
                "third_party",
                "stepchild",
                "foster_child",
                "host",
                "hosted",
            ],
            ListName::UrgencyFlag => &[
                "imminent_eviction",
                "danger_violence",
                "no_shelter_tonight",
                "no_income",
                "no_food",
                "energy_cut",
                "health_emergency",
                "child_at_risk",
            ],
            ListName::ContactMedium => &[
                "in_person_appointment",
                "walk_in",
                "phone",
                "home_visit",
                "external_appointment",
                "postal_mail",
                "email",
                "video_call",
                "third_party",
                "text_message",
                "group_session",
                "other",
            ],
            ListName::OrientationSource => &[
                "self_referral",
                "elected_official",
                "departement",
                "association",
                "third_party_report",
                "official_office",
                "caf_msa",
                "france_travail",
                "mission_locale",
                "health_service",
                "social_landlord",
                "school",
                "justice",
                "siao_115",
                "other",
            ],
            ListName::CaseClosureReason => &[
                "goals_achieved",
                "autonomy",
                "handed_over",
                "moved_away",
                "person_ended",
                "lost_contact",
                "not_eligible",
                "entered_institution",
                "protection_officer",
                "deceased",
                "other",
            ],
            ListName::LifeDomain => &[
                "housing",
                "employment",
                "budget",
                "health",
                "mental_health",
                "family",
                "justice",
                "education",
                "mobility",
                "social_life",
                "rights",
                "food",
                "digital",
                "french_language",
            ],
            ListName::DocumentType => &[
                "identity_document",
                "residence_permit",
                "proof_of_address",
                "domiciliation_certificate",
                "tax_notice",
                "payslip",
                "benefit_statement",
                "bank_details",
                "lease_rent",
                "utility_bill",
                "eviction_document",
                "court_decision",
                "medical_document",
                "cerfa_form",
                "correspondence",
                "report",
            ],
            ListName::AidType => &[
                "domiciliation",
                "rsa",
                "css",
                "puma",
                "aspa",
                "apa",
                "housing_solidarity_fund",
                "energy_voucher",
                "maintenance_obligation",
                "social_aid",
                "care_home_older",
                "disability_facility",
                "energy_aid",
                "food_aid",
                "food_voucher",
                "social_grocery",
                "grant",
                "loan",
                "transport_aid",
                "school_canteen",
                "holiday_help",
                "culture_aid",
                "social_support",
                "administrative_help",
                "digital_inclusion",
                "rehousing",
                "senior_activities",
                "family_activities",
                "alert_register",
            ],
            ListName::PaymentMethod => &[
                "bank_transfer",
                "bank_card",
                "cash",
                "cheque",
                "food_vouchers",
                "paid_to_creditor",
                "service_vouchers",
                "in_kind",
            ],
            ListName::AidRefusalReason => &[
                "over_income_ceiling",
                "yearly_maximum_reached",
                "file_incomplete",
                "not_eligible",
                "other_aid_available",
                "not_residing",
                "other",
            ],
        }
    }
}

/// An organisation's change to one list: a default hidden or relabelled, or its own value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub list: ListName,
    pub code: String,
    pub label_fr: Option<String>,
    pub label_en: Option<String>,
    pub hidden: bool,
    pub position: Option<i64>,
}

/// One value as a form offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub code: String,
    /// The organisation's own labels, when it relabelled the value or added it.
    pub label_fr: Option<String>,
    pub label_en: Option<String>,
    pub hidden: bool,
    /// Not one of the defaults: the organisation added it.
    pub custom: bool,
}

impl Value {
    /// The organisation's label in `locale` ("fr", "en"…), if it set one.
    pub fn own_label(&self, locale: &str) -> Option<&str> {
        match locale {
            "fr" => self.label_fr.as_deref(),
            _ => self.label_en.as_deref().or(self.label_fr.as_deref()),
        }
    }
}

/// The lists as one organisation sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lists {
    overrides: Vec<Override>,
}

impl Lists {
    pub fn new(overrides: Vec<Override>) -> Lists {
        Lists { overrides }
    }

    /// Every value of `list`, hidden ones included (a stored record may hold one), in order:
    /// defaults first in their order unless a position moves them, then the organisation's own.
    pub fn values(&self, list: ListName) -> Vec<Value> {
        let mut out: Vec<(i64, Value)> = list
            .defaults()
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let o = self.find(list, code);
                (
                    o.and_then(|o| o.position).unwrap_or(i as i64 * 10),
                    Value {
                        code: (*code).to_owned(),
                        label_fr: o.and_then(|o| o.label_fr.clone()),
                        label_en: o.and_then(|o| o.label_en.clone()),
                        hidden: o.is_some_and(|o| o.hidden),
                        custom: false,
                    },
                )
            })
            .collect();
        let base = list.defaults().len() as i64 * 10;
        for (i, o) in self
            .overrides
            .iter()
            .filter(|o| o.list == list && !list.defaults().contains(&o.code.as_str()))
            .enumerate()
        {
            out.push((
                o.position.unwrap_or(base + i as i64 * 10),
                Value {
                    code: o.code.clone(),
                    label_fr: o.label_fr.clone(),
                    label_en: o.label_en.clone(),
                    hidden: o.hidden,
                    custom: true,
                },
            ));
        }
        out.sort_by_key(|(pos, _)| *pos);
        out.into_iter().map(|(_, v)| v).collect()
    }

    /// The values a form offers for a new choice: hidden ones left out.
    pub fn offered(&self, list: ListName) -> Vec<Value> {
        self.values(list).into_iter().filter(|v| !v.hidden).collect()
    }

    /// Whether `code` may be chosen now; `current` (what the record holds) stays acceptable
    /// even if the organisation hid it since, so saving a form never loses it.
    pub fn accepts(&self, list: ListName, code: &str, current: Option<&str>) -> bool {
        current == Some(code) || self.offered(list).iter().any(|v| v.code == code)
    }

    fn find(&self, list: ListName, code: &str) -> Option<&Override> {
        self.overrides.iter().find(|o| o.list == list && o.code == code)
    }
}

/// Whether `code` is a well-formed code for an organisation's own value: lowercase ASCII
/// letters, digits and underscores, 2 to 40 characters, starting with a letter.
pub fn valid_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hide(list: ListName, code: &str) -> Override {
        Override {
            list,
            code: code.into(),
            label_fr: None,
            label_en: None,
            hidden: true,
            position: None,
        }
    }

    #[test]
    fn defaults_come_in_the_documented_order_with_stable_codes() {
        let lists = Lists::default();
        let housing = lists.offered(ListName::HousingSituation);
        assert_eq!(housing.len(), 14);
        assert_eq!(housing[0].code, "no_accommodation");
        assert!(lists.accepts(ListName::Resources, "rsa", None));
        assert!(!lists.accepts(ListName::Resources, "lottery", None));
        for list in ListName::ALL {
            for code in list.defaults() {
                assert!(valid_code(code), "{code}");
            }
            assert_eq!(ListName::parse(list.as_str()), Some(list));
        }
    }

    #[test]
    fn an_organisation_hides_relabels_and_extends_without_losing_stored_values() {
        let lists = Lists::new(vec![
            hide(ListName::HousingSituation, "owner"),
            Override {
                list: ListName::HousingSituation,
                code: "social_tenant".into(),
                label_fr: Some("Locataire HLM".into()),
                label_en: None,
                hidden: false,
                position: Some(-1),
            },
            Override {
                list: ListName::HousingSituation,
                code: "boat".into(),
                label_fr: Some("Péniche".into()),
                label_en: Some("Houseboat".into()),
                hidden: false,
                position: None,
            },
        ]);
        let offered = lists.offered(ListName::HousingSituation);
        assert_eq!(offered[0].code, "social_tenant", "a position moves a default first");
        assert_eq!(offered[0].own_label("fr"), Some("Locataire HLM"));
        assert_eq!(offered[0].own_label("en"), Some("Locataire HLM"), "falls back to French");
        assert!(!offered.iter().any(|v| v.code == "owner"));
        let boat = offered.last().unwrap();
        assert!(boat.custom && boat.code == "boat");
        assert!(!lists.accepts(ListName::HousingSituation, "owner", None));
        assert!(lists.accepts(ListName::HousingSituation, "owner", Some("owner")));
        assert_eq!(lists.values(ListName::HousingSituation).len(), 15);
    }

    #[test]
    fn own_codes_are_plain_identifiers() {
        assert!(valid_code("boat_2"));
        assert!(!valid_code("Boat"));
        assert!(!valid_code("2boat"));
        assert!(!valid_code("b"));
        assert!(!valid_code("péniche"));
    }
}
