//! Open Referral HSDS 3.0: our directory to its tables and back.

use super::*;

/// A partner to export, with its services: `id` is the identifier written (the one it was
/// imported under, else ours).
#[derive(Debug, Clone)]
pub struct ExportPartner {
    pub id: String,
    pub fields: PartnerFields,
    pub services: Vec<(String, ServiceFields)>,
}

fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The directory as HSDS tables. Child rows get identifiers derived from their parent's,
/// so that the same directory always exports the same file.
pub fn to_tables(partners: &[ExportPartner]) -> Tables {
    let mut t: BTreeMap<String, Rows> = BTreeMap::new();
    let mut push = |table: &str, r: BTreeMap<String, String>| {
        t.entry(table.to_owned()).or_default().push(r);
    };
    let mut terms: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for p in partners {
        let f = &p.fields;
        push(
            "organization",
            row(&[
                ("id", &p.id),
                ("name", &f.name),
                ("description", &f.description),
                ("email", &f.email),
                ("website", &f.website),
            ]),
        );
        if !f.phone.is_empty() {
            let id = format!("{}-phone", p.id);
            push("phone", row(&[("id", &id), ("organization_id", &p.id), ("number", &f.phone)]));
        }
        if !(f.address.is_empty() && f.postal_code.is_empty() && f.city.is_empty()) {
            let loc = format!("{}-location", p.id);
            push(
                "location",
                row(&[
                    ("id", &loc),
                    ("location_type", "physical"),
                    ("organization_id", &p.id),
                    ("name", &f.name),
                ]),
            );
            address(&mut push, &loc, &f.address, &f.postal_code, &f.city);
        }
        let term_id = format!("{KIND_TAXONOMY}-{}", f.kind.as_str());
        terms.entry(term_id.clone()).or_insert_with(|| {
            row(&[
                ("id", &term_id),
                ("code", f.kind.as_str()),
                ("name", f.kind.as_str()),
                ("taxonomy", KIND_TAXONOMY),
            ])
        });
        let attr = format!("{}-kind", p.id);
        push(
            "attribute",
            row(&[
                ("id", &attr),
                ("link_id", &p.id),
                ("link_type", "organization_type"),
                ("link_entity", "organization"),
                ("taxonomy_term_id", &term_id),
            ]),
        );
        for (sid, s) in &p.services {
            push(
                "service",
                row(&[
                    ("id", sid),
                    ("organization_id", &p.id),
                    ("name", &s.name),
                    ("description", &s.description),
                    ("url", &s.website),
                    ("email", &s.email),
                    ("status", "active"),
                    ("application_process", &s.how_to_refer),
                    ("eligibility_description", &s.eligibility),
                ]),
            );
            if !s.phone.is_empty() {
                let id = format!("{sid}-phone");
                push("phone", row(&[("id", &id), ("service_id", sid), ("number", &s.phone)]));
            }
            if !(s.address.is_empty() && s.postal_code.is_empty() && s.city.is_empty()) {
                let loc = format!("{sid}-location");
                push(
                    "location",
                    row(&[("id", &loc), ("location_type", "physical"), ("name", &s.name)]),
                );
                address(&mut push, &loc, &s.address, &s.postal_code, &s.city);
                let sal = format!("{sid}-at-location");
                push(
                    "service_at_location",
                    row(&[("id", &sal), ("service_id", sid), ("location_id", &loc)]),
                );
            }
            if !s.hours.is_empty() {
                let id = format!("{sid}-schedule");
                push(
                    "schedule",
                    row(&[("id", &id), ("service_id", sid), ("description", &s.hours)]),
                );
            }
            for (i, area) in s.area_list().iter().enumerate() {
                let id = format!("{sid}-area-{}", i + 1);
                push("service_area", row(&[("id", &id), ("service_id", sid), ("name", area)]));
            }
            for (i, lang) in s.language_list().iter().enumerate() {
                let id = format!("{sid}-language-{}", i + 1);
                push("language", row(&[("id", &id), ("service_id", sid), ("name", lang)]));
            }
            for (i, c) in s.contacts.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                let id = format!("{sid}-contact-{}", i + 1);
                push("contact", row(&[("id", &id), ("service_id", sid), ("name", c.trim())]));
            }
            for d in &s.domains {
                let term_id = format!("{DOMAIN_TAXONOMY}-{d}");
                terms.entry(term_id.clone()).or_insert_with(|| {
                    row(&[
                        ("id", &term_id),
                        ("code", d),
                        ("name", d),
                        ("taxonomy", DOMAIN_TAXONOMY),
                    ])
                });
                let attr = format!("{sid}-domain-{d}");
                push(
                    "attribute",
                    row(&[
                        ("id", &attr),
                        ("link_id", sid),
                        ("link_type", "service_category"),
                        ("link_entity", "service"),
                        ("taxonomy_term_id", &term_id),
                    ]),
                );
            }
        }
    }
    t.insert("taxonomy_term".to_owned(), terms.into_values().collect());
    Tables(t)
}

fn address(
    push: &mut impl FnMut(&str, BTreeMap<String, String>),
    location: &str,
    street: &str,
    postal_code: &str,
    city: &str,
) {
    let id = format!("{location}-address");
    push(
        "address",
        row(&[
            ("id", &id),
            ("location_id", location),
            ("address_1", street),
            ("city", city),
            ("postal_code", postal_code),
            ("country", "FR"),
            ("address_type", "physical"),
        ]),
    );
}

fn get<'a>(r: &'a BTreeMap<String, String>, k: &str) -> &'a str {
    r.get(k).map_or("", |v| v.trim())
}

/// Rows of `table` grouped by the value of `key`.
fn by<'a>(
    tables: &'a Tables,
    table: &str,
    key: &str,
) -> HashMap<&'a str, Vec<&'a BTreeMap<String, String>>> {
    let mut m: HashMap<&str, Vec<_>> = HashMap::new();
    for r in tables.rows(table) {
        let k = get(r, key);
        if !k.is_empty() {
            m.entry(k).or_default().push(r);
        }
    }
    m
}

/// The directory entries of HSDS tables, each organisation and service under the key
/// `hsds:ID`; `allowed` are the life domain codes the importer's organisation uses.
pub fn from_tables(tables: &Tables, allowed: &[String]) -> Parsed {
    let mut out = Parsed::default();
    let locations = by(tables, "location", "id");
    let loc_of_org = by(tables, "location", "organization_id");
    let addresses = by(tables, "address", "location_id");
    let phones_org = by(tables, "phone", "organization_id");
    let phones_svc = by(tables, "phone", "service_id");
    let at_location = by(tables, "service_at_location", "service_id");
    let schedules = by(tables, "schedule", "service_id");
    let areas = by(tables, "service_area", "service_id");
    let languages = by(tables, "language", "service_id");
    let contacts = by(tables, "contact", "service_id");
    let terms = by(tables, "taxonomy_term", "id");
    let attributes = by(tables, "attribute", "link_id");
    let address_of = |loc: &str| -> (String, String, String) {
        addresses
            .get(loc)
            .and_then(|a| a.first())
            .map(|a| {
                let street = [get(a, "address_1"), get(a, "address_2")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                (street, get(a, "postal_code").to_owned(), get(a, "city").to_owned())
            })
            .unwrap_or_default()
    };
    // The terms linked to an entity: (taxonomy, code, name).
    let terms_of = |id: &str, entity: &str| -> Vec<(String, String, String)> {
        attributes
            .get(id)
            .into_iter()
            .flatten()
            .filter(|a| {
                let e = get(a, "link_entity");
                e.is_empty() || e == entity
            })
            .filter_map(|a| terms.get(get(a, "taxonomy_term_id")).and_then(|t| t.first()))
            .map(|t| {
                let name = if get(t, "name").is_empty() { get(t, "term") } else { get(t, "name") };
                (get(t, "taxonomy").to_owned(), get(t, "code").to_owned(), name.to_owned())
            })
            .collect()
    };
    let mut seen = HashSet::new();
    for (i, r) in tables.rows("organization").iter().enumerate() {
        let row_no = i + 1;
        let id = get(r, "id");
        if id.is_empty() {
            out.problem("organization", row_no, "", RowProblemKind::MissingId);
            continue;
        }
        if !seen.insert(id) {
            out.problem("organization", row_no, id, RowProblemKind::DuplicateId);
            continue;
        }
        let mut kind = String::new();
        for (taxonomy, code, _) in terms_of(id, "organization") {
            if taxonomy == KIND_TAXONOMY {
                if PartnerKind::parse(&code).is_some() {
                    kind = code;
                } else {
                    out.problem("organization", row_no, id, RowProblemKind::UnknownKind(code));
                }
            }
        }
        let (address, postal_code, city) = loc_of_org
            .get(id)
            .and_then(|l| l.first())
            .map(|l| address_of(get(l, "id")))
            .unwrap_or_default();
        let draft = PartnerDraft {
            name: get(r, "name").to_owned(),
            kind,
            description: get(r, "description").to_owned(),
            website: get(r, "website").to_owned(),
            phone: phones_org
                .get(id)
                .and_then(|p| p.iter().find(|p| get(p, "service_id").is_empty()))
                .map(|p| get(p, "number").to_owned())
                .unwrap_or_default(),
            email: get(r, "email").to_owned(),
            address,
            postal_code,
            city,
        };
        match validate_partner(&draft) {
            Ok(fields) => out.partners.push(ImportedPartner {
                source_key: format!("hsds:{id}"),
                source_id: id.to_owned(),
                fields,
            }),
            Err(p) => out.field_problems("organization", row_no, id, p),
        }
    }
    let mut seen = HashSet::new();
    let mut rows_of = HashMap::new();
    for (i, r) in tables.rows("service").iter().enumerate() {
        let row_no = i + 1;
        let id = get(r, "id");
        if id.is_empty() {
            out.problem("service", row_no, "", RowProblemKind::MissingId);
            continue;
        }
        if !seen.insert(id) {
            out.problem("service", row_no, id, RowProblemKind::DuplicateId);
            continue;
        }
        let joined = |m: &HashMap<&str, Vec<&BTreeMap<String, String>>>, field: &str, sep: &str| {
            m.get(id)
                .into_iter()
                .flatten()
                .map(|x| {
                    let v = get(x, field);
                    if v.is_empty() && field == "name" { get(x, "code") } else { v }
                })
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(sep)
        };
        let (address, postal_code, city) = at_location
            .get(id)
            .and_then(|l| l.first())
            .map(|sal| get(sal, "location_id"))
            .filter(|l| locations.contains_key(l))
            .map(address_of)
            .unwrap_or_default();
        let mut themes = Vec::new();
        let mut domains = Vec::new();
        for (taxonomy, code, name) in terms_of(id, "service") {
            if taxonomy == DOMAIN_TAXONOMY {
                domains.push(code);
            } else if taxonomy == KIND_TAXONOMY {
                continue;
            } else if !code.is_empty() && domain_for_theme(&code).is_some() {
                themes.push(code);
            } else {
                themes.push(if name.is_empty() { code } else { name });
            }
        }
        let (mapped, unmapped) = themes_to_domains(&themes, allowed);
        for theme in unmapped {
            out.problem("service", row_no, id, RowProblemKind::UnmappedTheme(theme));
        }
        let mut unknown_domains = Vec::new();
        domains.retain(|d| {
            let ok = allowed.iter().any(|a| a == d);
            if !ok {
                unknown_domains.push(d.clone());
            }
            ok
        });
        for d in unknown_domains {
            out.problem("service", row_no, id, RowProblemKind::UnmappedTheme(d));
        }
        domains.extend(mapped);
        let draft = ServiceDraft {
            name: get(r, "name").to_owned(),
            description: get(r, "description").to_owned(),
            eligibility: get(r, "eligibility_description").to_owned(),
            area_served: joined(&areas, "name", "; "),
            address,
            postal_code,
            city,
            phone: phones_svc
                .get(id)
                .and_then(|p| p.first())
                .map(|p| get(p, "number").to_owned())
                .unwrap_or_default(),
            email: get(r, "email").to_owned(),
            website: get(r, "url").to_owned(),
            hours: joined(&schedules, "description", "\n"),
            languages: joined(&languages, "name", "; "),
            contacts: joined(&contacts, "name", "\n"),
            how_to_refer: get(r, "application_process").to_owned(),
            domains,
        };
        let org = get(r, "organization_id");
        match validate_service(&draft, allowed) {
            Ok(fields) => {
                let key = format!("hsds:{id}");
                rows_of.insert(key.clone(), row_no);
                out.services.push(ImportedService {
                    source_key: key,
                    source_id: id.to_owned(),
                    partner_key: format!("hsds:{org}"),
                    fields,
                })
            }
            Err(p) => out.field_problems("service", row_no, id, p),
        }
    }
    out.drop_orphans("service", &rows_of);
    out
}
