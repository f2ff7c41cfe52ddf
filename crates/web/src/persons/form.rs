//! The person form as the templates draw it: fieldsets of fields, each with its label, hint,
//! error and value as typed, limited to what the user may see and change.

use domain::lists::{ListName, Lists};
use domain::persons::{Field, Group, Kind, PersonForm, Problem, Problems};
use domain::policy::PersonAccess;

use crate::i18n::Tr;

/// One choice of a select, or one row of the resources table.
pub struct OptionView {
    pub code: String,
    pub label: String,
    pub selected: bool,
    /// For resources: the amount typed.
    pub amount: String,
}

pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    /// "text", "date", "email", "tel", "textarea", "select", "checkbox", "resources".
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<OptionView>,
    pub autocomplete: &'static str,
    /// Shown but not editable by this user (kept as it is on save).
    pub readonly: bool,
}

impl FieldView {
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

pub struct FieldsetView {
    pub legend: String,
    pub fields: Vec<FieldView>,
}

/// A field's label in the user's language.
pub fn label(t: &Tr, field: Field) -> String {
    t.msg(&format!("person-field-{}", field.name()))
}

/// A list value's label: the organisation's own when it set one, else the default.
pub fn value_label(t: &Tr, lists: &Lists, list: ListName, code: &str) -> String {
    lists
        .values(list)
        .into_iter()
        .find(|v| v.code == code)
        .and_then(|v| v.own_label(t.lang()).map(str::to_owned))
        .unwrap_or_else(|| {
            if list.defaults().contains(&code) {
                t.msg(&format!("list-{}-{}", list.as_str(), code))
            } else {
                code.to_owned()
            }
        })
}

/// A monthly amount as the user's language writes it ("607,75" in French, "607.75" in
/// English); both parse back.
pub fn amount(t: &Tr, cents: i64) -> String {
    let plain = domain::persons::format_amount(cents);
    if t.lang() == "fr" { plain.replace('.', ",") } else { plain }
}

/// The message for a refused value.
pub fn problem_message(t: &Tr, lists: &Lists, problem: &Problem) -> String {
    match problem {
        Problem::NameRequired => t.msg("person-error-name-required"),
        Problem::TooLong { max } => {
            t.msg_args("person-error-too-long", &[("max", &max.to_string())])
        }
        Problem::ControlCharacters => t.msg("person-error-control"),
        Problem::DateInvalid => t.msg("person-error-date"),
        Problem::DateInFuture => t.msg("person-error-date-future"),
        Problem::DateTooOld => t.msg("person-error-date-old"),
        Problem::PhoneInvalid { line } => {
            t.msg_args("person-error-phone", &[("line", &line.to_string())])
        }
        Problem::TooManyPhones { max } => {
            t.msg_args("person-error-phones-many", &[("max", &max.to_string())])
        }
        Problem::EmailInvalid => t.msg("person-error-email"),
        Problem::UnknownValue => t.msg("person-error-unknown-value"),
        Problem::AmountInvalid { code } => t.msg_args(
            "person-error-amount",
            &[("resource", &value_label(t, lists, ListName::Resources, code))],
        ),
        Problem::ReviewBeforeStart => t.msg("person-error-review-before-start"),
    }
}

fn group_legend(t: &Tr, group: Group, first: Field) -> String {
    match (group, first) {
        (Group::Identity, _) => t.msg("person-group-identity"),
        (Group::Contact, Field::Phones) => t.msg("person-group-contact"),
        (Group::Contact, _) => t.msg("person-group-numbers"),
        (Group::Situation, Field::ProtectionMeasure) => t.msg("person-group-protection"),
        (Group::Situation, _) => t.msg("person-group-situation"),
    }
}

/// Where the form breaks into fieldsets: each entry starts one.
const FIELDSET_STARTS: &[Field] = &[
    Field::BirthName,
    Field::Phones,
    Field::BenefitOfficeNumber,
    Field::HousingSituation,
    Field::ProtectionMeasure,
];

/// The fieldsets of the form for `access`: fields the user may not see are left out; fields
/// they may see but not change are shown read-only.
pub fn fieldsets(
    t: &Tr,
    lists: &Lists,
    access: &PersonAccess,
    form: &PersonForm,
    problems: &Problems,
) -> Vec<FieldsetView> {
    let mut sets: Vec<FieldsetView> = Vec::new();
    for field in Field::ALL {
        if FIELDSET_STARTS.contains(&field) {
            sets.push(FieldsetView {
                legend: group_legend(t, field.group(), field),
                fields: vec![],
            });
        }
        if !access.reads(field.group()) {
            continue;
        }
        let error = problems
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, p)| problem_message(t, lists, p))
            .collect::<Vec<_>>();
        let view = field_view(t, lists, field, form, error, !access.edits(field.group()));
        if let Some(set) = sets.last_mut() {
            set.fields.push(view);
        }
    }
    sets.retain(|s| !s.fields.is_empty());
    sets
}

fn field_view(
    t: &Tr,
    lists: &Lists,
    field: Field,
    form: &PersonForm,
    errors: Vec<String>,
    readonly: bool,
) -> FieldView {
    let value = form.get(field).to_owned();
    let hint_key = match field {
        Field::BirthName => Some("person-hint-birth-name"),
        Field::BirthDate | Field::ProtectionStart | Field::ProtectionReview => {
            Some("person-hint-date")
        }
        Field::Phones => Some("person-hint-phones"),
        Field::Languages => Some("person-hint-languages"),
        Field::BenefitOfficeNumber => Some("person-hint-benefit-number"),
        Field::OwnWords => Some("person-hint-own-words"),
        Field::Resources => Some("person-hint-resources"),
        _ => None,
    };
    let (kind, options) = match field.kind() {
        Kind::Text { .. } => ("text", vec![]),
        Kind::LongText { .. } => ("textarea", vec![]),
        Kind::Date => ("date", vec![]),
        Kind::Email => ("email", vec![]),
        Kind::Phones => ("tel", vec![]),
        Kind::Flag => ("checkbox", vec![]),
        Kind::Choice(list) => ("select", choices(t, lists, list, &value)),
        Kind::Resources => (
            "resources",
            lists
                .values(ListName::Resources)
                .into_iter()
                .filter(|v| !v.hidden || form.resources.contains_key(&v.code))
                .map(|v| OptionView {
                    label: value_label(t, lists, ListName::Resources, &v.code),
                    selected: form.resources.contains_key(&v.code),
                    amount: form
                        .resources
                        .get(&v.code)
                        .map(|a| if t.lang() == "fr" { a.replace('.', ",") } else { a.clone() })
                        .unwrap_or_default(),
                    code: v.code,
                })
                .collect(),
        ),
    };
    let autocomplete = match field {
        Field::FirstNames => "given-name",
        Field::BirthName | Field::UsedName => "family-name",
        Field::BirthDate => "bday",
        Field::Email => "email",
        Field::AddressLine1 => "address-line1",
        Field::AddressLine2 => "address-line2",
        Field::Postcode => "postal-code",
        Field::Town => "address-level2",
        Field::Country => "country-name",
        _ => "off",
    };
    FieldView {
        name: field.name(),
        label: label(t, field),
        hint: hint_key.map(|k| t.msg(k)),
        error: (!errors.is_empty()).then(|| errors.join(" ")),
        kind,
        value,
        options,
        autocomplete,
        readonly,
    }
}

/// A select's options: an empty choice, then what the organisation offers, plus the stored
/// value if it was hidden since (never lose it).
fn choices(t: &Tr, lists: &Lists, list: ListName, current: &str) -> Vec<OptionView> {
    let mut out = vec![OptionView {
        code: String::new(),
        label: t.msg("person-choice-none"),
        selected: current.is_empty(),
        amount: String::new(),
    }];
    let mut seen = false;
    for v in lists.values(list) {
        let selected = v.code == current;
        seen |= selected;
        if v.hidden && !selected {
            continue;
        }
        out.push(OptionView {
            label: value_label(t, lists, list, &v.code),
            selected,
            amount: String::new(),
            code: v.code,
        });
    }
    if !seen && !current.is_empty() {
        // A value typed by hand or sent by an old form: shown so the user sees the refusal.
        out.push(OptionView {
            code: current.to_owned(),
            label: current.to_owned(),
            selected: true,
            amount: String::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use domain::lists::ListName;

    use crate::i18n::{I18n, Locale};

    #[test]
    fn every_default_list_value_has_a_label_in_french_and_english() {
        let i18n = Arc::new(I18n::load());
        for locale in [Locale::Fr, Locale::En] {
            let keys = i18n.keys(locale);
            for list in ListName::ALL {
                for code in list.defaults() {
                    let key = format!("list-{}-{}", list.as_str(), code);
                    assert!(keys.contains(&key), "{key} missing in {locale:?}");
                }
            }
        }
    }

    #[test]
    fn every_field_has_a_label_in_french_and_english() {
        let i18n = Arc::new(I18n::load());
        for locale in [Locale::Fr, Locale::En] {
            let keys = i18n.keys(locale);
            for field in domain::persons::Field::ALL {
                let key = format!("person-field-{}", field.name());
                assert!(keys.contains(&key), "{key} missing in {locale:?}");
            }
            for reason in [
                "similar-name",
                "same-birth-date",
                "same-phone",
                "same-number",
                "same-email",
                "different-birth-date",
            ] {
                assert!(keys.contains(&format!("person-reason-{reason}")), "{reason}");
            }
        }
    }
}
