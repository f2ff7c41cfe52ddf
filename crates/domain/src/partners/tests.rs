//! Unit tests of the directory's rules and formats.

use super::*;

fn allowed() -> Vec<String> {
    default_domains()
}

fn partner(name: &str) -> PartnerFields {
    validate_partner(&PartnerDraft {
        name: name.into(),
        kind: "mission_locale".into(),
        description: "Jeunes de 16 à 25 ans\nsur rendez-vous".into(),
        website: "www.ml.example".into(),
        phone: "01 02 03 04 05".into(),
        email: "contact@ml.example".into(),
        address: "3 rue des Lilas".into(),
        postal_code: "99100".into(),
        city: "Valbourg".into(),
    })
    .unwrap()
}

fn service(name: &str, domains: &[&str]) -> ServiceFields {
    validate_service(
        &ServiceDraft {
            name: name.into(),
            description: "Accompagnement vers l'emploi".into(),
            eligibility: "16-25 ans".into(),
            area_served: "Valbourg ; Montclair".into(),
            address: "3 rue des Lilas".into(),
            postal_code: "99100".into(),
            city: "Valbourg".into(),
            phone: "01 02 03 04 06".into(),
            email: "cej@ml.example".into(),
            website: "https://ml.example/cej".into(),
            hours: "Lundi 9h-12h\nMardi 14h-17h".into(),
            languages: "fr, en".into(),
            contacts: "Mme Durand\nM. Petit".into(),
            how_to_refer: "Fiche de liaison".into(),
            domains: domains.iter().map(|d| (*d).to_owned()).collect(),
        },
        &allowed(),
    )
    .unwrap()
}

#[test]
fn partner_fields_are_checked_and_normalised() {
    let p = partner("  Mission   locale  ");
    assert_eq!(p.name, "Mission locale");
    assert_eq!(p.kind, PartnerKind::MissionLocale);
    assert_eq!(p.website, "https://www.ml.example");
    let bad = validate_partner(&PartnerDraft {
        name: " ".into(),
        kind: "bank".into(),
        email: "not an email".into(),
        website: "javascript:alert(1)".into(),
        ..Default::default()
    })
    .unwrap_err();
    let fields: Vec<&str> = bad.iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, ["name", "kind", "website", "email"]);
    assert_eq!(
        validate_partner(&PartnerDraft { name: "X".into(), ..Default::default() }).unwrap().kind,
        PartnerKind::Other
    );
    let long = "a".repeat(NAME_MAX + 1);
    assert_eq!(
        validate_partner(&PartnerDraft { name: long, ..Default::default() }).unwrap_err(),
        vec![("name", FieldProblem::TooLong { max: NAME_MAX })]
    );
}

#[test]
fn service_lists_and_domains_are_normalised() {
    let s = service("CEJ", &["employment", "education", "employment"]);
    assert_eq!(s.area_served, "Valbourg; Montclair");
    assert_eq!(s.languages, "fr; en");
    assert_eq!(s.domains, ["education", "employment"]);
    let err = validate_service(
        &ServiceDraft { name: "X".into(), domains: vec!["astrology".into()], ..Default::default() },
        &allowed(),
    )
    .unwrap_err();
    assert_eq!(err, vec![("domains", FieldProblem::Domain("astrology".into()))]);
}

#[test]
fn websites_and_emails() {
    assert_eq!(normalise_website("http://a.fr/x").as_deref(), Some("http://a.fr/x"));
    assert_eq!(normalise_website("a.fr").as_deref(), Some("https://a.fr"));
    assert_eq!(normalise_website(""), Some(String::new()));
    for bad in ["ftp://a.fr", "javascript:x", "a b.fr", "https://", "nodot"] {
        assert_eq!(normalise_website(bad), None, "{bad}");
    }
    assert!(plausible_email("a@b.fr"));
    for bad in ["a@b", "@b.fr", "a b@c.fr", "a@.fr", "a@b.fr."] {
        assert!(!plausible_email(bad), "{bad}");
    }
}

#[test]
fn themes_map_to_life_domains() {
    let table = [
        ("logement-hebergement--mal-loges-sans-logis", Some("housing")),
        ("logement-hebergement", Some("housing")),
        ("gestion-financiere--obtenir-une-aide-alimentaire", Some("food")),
        ("gestion-financiere--apprendre-a-gerer-son-budget", Some("budget")),
        ("acces-aux-droits-et-citoyennete--accompagnement-juridique", Some("justice")),
        ("sante--bien-etre-psychologique", Some("mental_health")),
        ("apprendre-francais--suivre-formation", Some("french_language")),
        ("numerique", Some("digital")),
        ("trouver-un-emploi", Some("employment")),
        ("Mental Health Care", Some("mental_health")),
        ("Housing", Some("housing")),
        ("Food Pantry", Some("food")),
        ("Legal Services", Some("justice")),
        ("mobility", Some("mobility")),
        ("astrologie", None),
    ];
    for (theme, expected) in table {
        assert_eq!(domain_for_theme(theme), expected, "{theme}");
    }
}

#[test]
fn search_words_fold_and_pad() {
    assert_eq!(
        search_words(&["Épicerie solidaire", "Montclair-sur-Loue"]),
        " epicerie solidaire montclair sur loue "
    );
    assert_eq!(search_words(&["", " "]), "");
    let q = SearchQuery::parse("Épicerie", "food", "99100", Some(0));
    assert_eq!(q.text, ["epicerie"]);
    assert_eq!(q.domain.as_deref(), Some("food"));
    assert_eq!(q.page, 1);
    assert!(SearchQuery::parse(" ", "", "", None).is_empty());
}

/// Partners by key, and services by key with their partner's key.
type Entries = (Vec<(String, PartnerFields)>, Vec<(String, String, ServiceFields)>);

fn sample() -> Vec<hsds::ExportPartner> {
    (0..3)
        .map(|i| hsds::ExportPartner {
            id: format!("org-{i}"),
            fields: partner(&format!("Partenaire {i}")),
            services: (0..2)
                .map(|j| {
                    (
                        format!("svc-{i}-{j}"),
                        service(&format!("Service {i}.{j}"), &["employment", "food"]),
                    )
                })
                .collect(),
        })
        .collect()
}

fn parsed_of(partners: &[hsds::ExportPartner]) -> Entries {
    let ps = partners.iter().map(|p| (format!("hsds:{}", p.id), p.fields.clone())).collect();
    let ss = partners
        .iter()
        .flat_map(|p| {
            p.services
                .iter()
                .map(move |(id, s)| (format!("hsds:{id}"), format!("hsds:{}", p.id), s.clone()))
        })
        .collect();
    (ps, ss)
}

fn flatten(parsed: &Parsed) -> Entries {
    (
        parsed.partners.iter().map(|p| (p.source_key.clone(), p.fields.clone())).collect(),
        parsed
            .services
            .iter()
            .map(|s| (s.source_key.clone(), s.partner_key.clone(), s.fields.clone()))
            .collect(),
    )
}

#[test]
fn hsds_json_and_csv_datapackages_round_trip() {
    let partners = sample();
    let tables = hsds::to_tables(&partners);
    let json = tables_to_json(&tables);
    let back = tables_from_json(&json).unwrap();
    let parsed = hsds::from_tables(&back, &allowed());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    assert_eq!(flatten(&parsed), parsed_of(&partners));
    let files = tables_to_csv_files(&tables);
    assert_eq!(files[0].0, "datapackage.json");
    let back = tables_from_csv_files(&files).unwrap();
    let parsed = hsds::from_tables(&back, &allowed());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    assert_eq!(flatten(&parsed), parsed_of(&partners));
}

#[test]
fn hsds_rows_with_problems_are_reported_with_their_table_and_number() {
    let mut tables = hsds::to_tables(&sample());
    let orgs = tables.0.get_mut("organization").unwrap();
    orgs[1].insert("email".into(), "broken".into());
    orgs.push(orgs[0].clone());
    let services = tables.0.get_mut("service").unwrap();
    services[0].remove("id");
    services.push(BTreeMap::from([
        ("id".to_owned(), "lost".to_owned()),
        ("name".to_owned(), "Orphan".to_owned()),
        ("organization_id".to_owned(), "nowhere".to_owned()),
    ]));
    // A foreign taxonomy term that maps, one that does not.
    tables.0.get_mut("taxonomy_term").unwrap().extend([
        BTreeMap::from([
            ("id".to_owned(), "t1".to_owned()),
            ("name".to_owned(), "Housing".to_owned()),
            ("taxonomy".to_owned(), "open_eligibility".to_owned()),
        ]),
        BTreeMap::from([
            ("id".to_owned(), "t2".to_owned()),
            ("name".to_owned(), "Astrology".to_owned()),
            ("taxonomy".to_owned(), "open_eligibility".to_owned()),
        ]),
    ]);
    for t in ["t1", "t2"] {
        tables.0.get_mut("attribute").unwrap().push(BTreeMap::from([
            ("id".to_owned(), format!("a-{t}")),
            ("link_id".to_owned(), "svc-0-1".to_owned()),
            ("link_entity".to_owned(), "service".to_owned()),
            ("taxonomy_term_id".to_owned(), t.to_owned()),
        ]));
    }
    let parsed = hsds::from_tables(&tables, &allowed());
    let got: Vec<(&str, usize, &str, &RowProblemKind)> =
        parsed.problems.iter().map(|p| (p.table, p.row, p.id.as_str(), &p.kind)).collect();
    assert!(
        got.contains(&(
            "organization",
            2,
            "org-1",
            &RowProblemKind::Field("email", FieldProblem::Email)
        )),
        "{got:?}"
    );
    assert!(got.contains(&("organization", 4, "org-0", &RowProblemKind::DuplicateId)), "{got:?}");
    assert!(got.contains(&("service", 1, "", &RowProblemKind::MissingId)), "{got:?}");
    assert!(
        got.contains(&("service", 7, "lost", &RowProblemKind::UnknownPartner("nowhere".into()))),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            "service",
            2,
            "svc-0-1",
            &RowProblemKind::UnmappedTheme("Astrology".into())
        )),
        "{got:?}"
    );
    // org-1's services are dropped with it; the rest stay.
    assert_eq!(parsed.partners.len(), 2);
    let svc = parsed.services.iter().find(|s| s.source_id == "svc-0-1").unwrap();
    assert_eq!(svc.fields.domains, ["employment", "food", "housing"]);
    assert_eq!(parsed.services.len(), 3);
}

#[test]
fn data_inclusion_structures_and_services_are_read() {
    let json = serde_json::json!({
        "structures": [
            {"id": "s1", "source": "dora", "nom": "Mission locale du Val", "typologie": "ML",
             "commune": "Valbourg", "code_postal": "99100", "adresse": "2 rue Haute",
             "courriel": "ml@val.example", "site_web": "https://ml.val.example"},
            {"id": "s2", "source": "dora", "nom": "Club", "typologie": "XYZ"}
        ],
        "services": [
            {"id": "v1", "source": "dora", "structure_id": "s1", "nom": "Atelier CV",
             "description": "Atelier pour rédiger son CV",
             "thematiques": ["preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation", "numerique", "inconnu"],
             "types": ["atelier"], "modes_accueil": ["en-presentiel"],
             "zone_diffusion_type": "commune", "zone_diffusion_code": "99100", "zone_diffusion_nom": "Valbourg",
             "horaires_accueil": "Mo-Fr 09:00-12:00", "contact_nom_prenom": "Jeanne Dupuis"},
            {"id": "v2", "source": "dora", "structure_id": "s9", "nom": "Perdu"}
        ]
    });
    let parsed = data_inclusion::parse(json.to_string().as_bytes(), &allowed()).unwrap();
    assert_eq!(parsed.partners.len(), 2);
    assert_eq!(parsed.partners[0].source_key, "di:dora:s1");
    assert_eq!(parsed.partners[0].fields.kind, PartnerKind::MissionLocale);
    assert_eq!(parsed.partners[1].fields.kind, PartnerKind::Other);
    assert_eq!(parsed.services.len(), 1);
    let s = &parsed.services[0];
    assert_eq!(s.partner_key, "di:dora:s1");
    assert_eq!(s.fields.domains, ["digital", "employment"]);
    assert_eq!(s.fields.area_served, "Valbourg");
    assert_eq!(s.fields.hours, "Mo-Fr 09:00-12:00");
    assert!(s.fields.how_to_refer.contains("modes_accueil: en-presentiel"));
    let kinds: Vec<&RowProblemKind> = parsed.problems.iter().map(|p| &p.kind).collect();
    assert!(kinds.contains(&&RowProblemKind::UnknownKind("XYZ".into())));
    assert!(kinds.contains(&&RowProblemKind::UnmappedTheme("inconnu".into())));
    assert!(kinds.contains(&&RowProblemKind::UnknownPartner("s9".into())));
    assert_eq!(data_inclusion::parse(b"[]", &allowed()), Err(FileProblem::NotDatapackage));
    assert_eq!(data_inclusion::parse(b"{", &allowed()), Err(FileProblem::NotJson));
}

#[test]
fn spreadsheet_rows_group_services_under_their_partner() {
    let template = spreadsheet::template();
    let parsed = spreadsheet::parse(template.as_bytes(), &allowed()).unwrap();
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    assert_eq!(parsed.partners.len(), 1);
    assert_eq!(parsed.services[0].fields.domains, ["budget", "food"]);
    assert_eq!(parsed.services[0].source_key, "csv:ccas-de-valbourg/aide-alimentaire");
    let csv = "partner_name,partner_type,service_name,life_domains,email\n\
               Épicerie du Lac,association,Colis,food,\n\
               Épicerie du Lac,association,Repas,food;health,\n\
               Épicerie du Lac,association,Colis,food,\n\
               ,association,Rien,,\n\
               Club,bank,Sport,social_life,bad@\n";
    let parsed = spreadsheet::parse(csv.as_bytes(), &allowed()).unwrap();
    assert_eq!(parsed.partners.len(), 2);
    assert_eq!(parsed.partners[0].source_key, "csv:epicerie-du-lac");
    assert_eq!(parsed.services.len(), 2);
    let got: Vec<(usize, &RowProblemKind)> =
        parsed.problems.iter().map(|p| (p.row, &p.kind)).collect();
    assert!(got.contains(&(3, &RowProblemKind::DuplicateId)), "{got:?}");
    assert!(
        got.contains(&(4, &RowProblemKind::Field("partner_name", FieldProblem::Required))),
        "{got:?}"
    );
    assert!(got.contains(&(5, &RowProblemKind::UnknownKind("bank".into()))), "{got:?}");
    assert!(got.contains(&(5, &RowProblemKind::Field("email", FieldProblem::Email))), "{got:?}");
    assert_eq!(
        spreadsheet::parse(b"name;x\nA;b\n", &allowed()),
        Err(FileProblem::MissingColumn("partner_name"))
    );
}
