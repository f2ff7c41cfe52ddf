//! Our plain spreadsheet: one row per service, the partner's columns repeated on each of its
//! services' rows (a partner with no service: the service columns left blank). Keys are
//! `csv:` and the partner's identifier, or its folded name when the column is blank; a
//! service's, the partner's key and the service's identifier or folded name.

use super::*;

/// The columns, in the template's order. `partner_name` is required; every other may be
/// left out or blank.
pub const COLUMNS: &[&str] = &[
    "partner_id",
    "partner_name",
    "partner_type",
    "partner_description",
    "partner_website",
    "partner_phone",
    "partner_email",
    "partner_address",
    "partner_postal_code",
    "partner_city",
    "service_id",
    "service_name",
    "description",
    "eligibility",
    "area_served",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
    "website",
    "hours",
    "languages",
    "contacts",
    "how_to_refer",
    "life_domains",
];

/// The template to download: the header and one example row.
pub fn template() -> String {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    let example: &[&str] = &[
        "",
        "CCAS de Valbourg",
        "ccas",
        "Centre communal d'action sociale",
        "https://ccas.valbourg.example",
        "01 23 45 67 89",
        "accueil@ccas.valbourg.example",
        "1 place de la Mairie",
        "99100",
        "Valbourg",
        "",
        "Aide alimentaire",
        "Colis et bons alimentaires",
        "Habitants de Valbourg",
        "Valbourg; 99100",
        "1 place de la Mairie",
        "99100",
        "Valbourg",
        "01 23 45 67 80",
        "",
        "",
        "Lundi et jeudi 9h-12h",
        "fr; en",
        "Mme Martin, conseillère",
        "Sur rendez-vous, fiche de liaison",
        "food; budget",
    ];
    let _ = w.write_record(example);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn folded(s: &str) -> String {
    crate::search::words(s).join("-")
}

pub fn parse(bytes: &[u8], allowed: &[String]) -> Result<Parsed, FileProblem> {
    let (headers, records) = read_csv(bytes)?;
    if headers.iter().all(|h| h.is_empty()) {
        return Err(FileProblem::Empty);
    }
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    if col("partner_name").is_none() {
        return Err(FileProblem::MissingColumn("partner_name"));
    }
    let mut out = Parsed::default();
    let mut partners: HashMap<String, usize> = HashMap::new();
    let mut seen_services = HashSet::new();
    let mut rows_of = HashMap::new();
    for (i, rec) in records.iter().enumerate() {
        let row = i + 1;
        let get = |name: &str| col(name).and_then(|c| rec.get(c)).map_or("", |v| v.trim());
        let partner_name = get("partner_name");
        let partner_id = if get("partner_id").is_empty() {
            folded(partner_name)
        } else {
            get("partner_id").to_owned()
        };
        if partner_id.is_empty() {
            out.problem(
                "row",
                row,
                "",
                RowProblemKind::Field("partner_name", FieldProblem::Required),
            );
            continue;
        }
        let partner_key = format!("csv:{partner_id}");
        if !partners.contains_key(&partner_key) {
            let mut kind = get("partner_type").to_owned();
            if !kind.is_empty() && PartnerKind::parse(&kind).is_none() {
                out.problem("row", row, &partner_id, RowProblemKind::UnknownKind(kind.clone()));
                kind = PartnerKind::Other.as_str().to_owned();
            }
            let draft = PartnerDraft {
                name: partner_name.to_owned(),
                kind,
                description: get("partner_description").to_owned(),
                website: get("partner_website").to_owned(),
                phone: get("partner_phone").to_owned(),
                email: get("partner_email").to_owned(),
                address: get("partner_address").to_owned(),
                postal_code: get("partner_postal_code").to_owned(),
                city: get("partner_city").to_owned(),
            };
            match validate_partner(&draft) {
                Ok(fields) => {
                    partners.insert(partner_key.clone(), row);
                    out.partners.push(ImportedPartner {
                        source_key: partner_key.clone(),
                        source_id: partner_id.clone(),
                        fields,
                    });
                }
                Err(p) => {
                    out.field_problems("row", row, &partner_id, p);
                    continue;
                }
            }
        }
        let service_name = get("service_name");
        let service_id = if get("service_id").is_empty() {
            folded(service_name)
        } else {
            get("service_id").to_owned()
        };
        if service_id.is_empty() {
            // A partner without a service on this row.
            continue;
        }
        let key = format!("{partner_key}/{service_id}");
        if !seen_services.insert(key.clone()) {
            out.problem("row", row, &service_id, RowProblemKind::DuplicateId);
            continue;
        }
        let themes: Vec<String> =
            split_list(get("life_domains")).iter().map(|s| s.to_string()).collect();
        let (domains, unmapped) = themes_to_domains(&themes, allowed);
        for theme in unmapped {
            out.problem("row", row, &service_id, RowProblemKind::UnmappedTheme(theme));
        }
        let draft = ServiceDraft {
            name: service_name.to_owned(),
            description: get("description").to_owned(),
            eligibility: get("eligibility").to_owned(),
            area_served: get("area_served").to_owned(),
            address: get("address").to_owned(),
            postal_code: get("postal_code").to_owned(),
            city: get("city").to_owned(),
            phone: get("phone").to_owned(),
            email: get("email").to_owned(),
            website: get("website").to_owned(),
            hours: get("hours").to_owned(),
            languages: get("languages").to_owned(),
            contacts: get("contacts").to_owned(),
            how_to_refer: get("how_to_refer").to_owned(),
            domains,
        };
        match validate_service(&draft, allowed) {
            Ok(fields) => {
                rows_of.insert(key.clone(), row);
                out.services.push(ImportedService {
                    source_key: key,
                    source_id: service_id,
                    partner_key: partner_key.clone(),
                    fields,
                })
            }
            Err(p) => out.field_problems("row", row, &service_id, p),
        }
    }
    out.drop_orphans("row", &rows_of);
    Ok(out)
}
