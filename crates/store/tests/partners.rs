//! The partner directory on both engines: entries and their versions, the search by words,
//! need and place with its pages, the private notes of each organisation, and imports that
//! find their entries again (a second import of the same file changes nothing).

use domain::accounts::Email;
use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::partners::{
    PartnerDraft, PartnerFields, SearchQuery, ServiceDraft, ServiceFields, default_domains,
    spreadsheet, validate_partner, validate_service,
};
use domain::{OrganisationId, PartnerId, PartnerServiceId, UserId};
use store::partners::{self, Action};
use store::{Db, Ts, accounts, organisations};
use testkit::engine_tests;
use time::macros::datetime;

fn now() -> Ts {
    Ts::from(datetime!(2026-11-26 10:00 UTC))
}

async fn user(db: &Db, name: &str) -> UserId {
    let id = UserId::new();
    let email = Email::parse(&format!("{name}@partners.example")).unwrap();
    let display = DisplayName::parse(name).unwrap();
    let new =
        accounts::NewUser { id, email: &email, display_name: &display, instance_admin: false };
    accounts::insert_user(db, &new, now()).await.unwrap();
    id
}

async fn organisation(db: &Db, slug: &str) -> OrganisationId {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(slug).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    organisations::insert(db, &new, now()).await.unwrap().id
}

fn partner(name: &str, city: &str, postal_code: &str) -> PartnerFields {
    validate_partner(&PartnerDraft {
        name: name.into(),
        kind: "association".into(),
        city: city.into(),
        postal_code: postal_code.into(),
        ..Default::default()
    })
    .unwrap()
}

fn service(name: &str, description: &str, area: &str, domains: &[&str]) -> ServiceFields {
    validate_service(
        &ServiceDraft {
            name: name.into(),
            description: description.into(),
            area_served: area.into(),
            domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            ..Default::default()
        },
        &default_domains(),
    )
    .unwrap()
}

async fn add_partner(db: &Db, f: &PartnerFields, by: UserId) -> PartnerId {
    let id = PartnerId::new();
    let mut tx = db.begin_write().await.unwrap();
    partners::insert_partner(&mut tx, id, None, f, None, Some(by), now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn add_service(db: &Db, p: PartnerId, f: &ServiceFields, by: UserId) -> PartnerServiceId {
    let id = PartnerServiceId::new();
    let mut tx = db.begin_write().await.unwrap();
    partners::insert_service(&mut tx, id, p, None, f, Some(by), now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn names(db: &Db, q: SearchQuery) -> (i64, Vec<String>) {
    let (total, hits) = partners::search(db, &q).await.unwrap();
    let names = hits
        .into_iter()
        .map(|h| h.service_name.unwrap_or_else(|| format!("[{}]", h.partner_name)))
        .collect();
    (total, names)
}

engine_tests! {
    async fn entries_are_attributed_and_a_stale_version_changes_nothing(db) {
        let db = db.migrated().await;
        let camille = user(&db, "camille").await;
        let noor = user(&db, "noor").await;
        let p = add_partner(&db, &partner("Épicerie solidaire", "Valbourg", "99100"), camille).await;
        let s = add_service(&db, p, &service("Colis", "Colis alimentaires", "Valbourg", &["food", "budget"]), camille).await;
        let stored = partners::find_partner(&db, p).await.unwrap().unwrap();
        assert_eq!(stored.version, 1);
        assert_eq!(stored.created_by_name.as_deref(), Some("camille"));
        let svc = partners::find_service(&db, p, s).await.unwrap().unwrap();
        assert_eq!(svc.domains, ["budget", "food"]);
        // Another partner's id finds nothing.
        assert!(partners::find_service(&db, PartnerId::new(), s).await.unwrap().is_none());

        let mut changed = stored.fields();
        changed.description = "Ouverte le mardi".into();
        let mut tx = db.begin_write().await.unwrap();
        assert!(partners::update_partner(&mut tx, p, Some(1), &changed, None, Some(noor), now()).await.unwrap());
        // The same form sent again is one version late.
        assert!(!partners::update_partner(&mut tx, p, Some(1), &partner("Écrasé", "", ""), None, Some(noor), now()).await.unwrap());
        tx.commit().await.unwrap();
        let stored = partners::find_partner(&db, p).await.unwrap().unwrap();
        assert_eq!((stored.version, stored.description.as_str()), (2, "Ouverte le mardi"));
        assert_eq!(stored.updated_by_name.as_deref(), Some("noor"));
        assert_eq!(stored.created_by_name.as_deref(), Some("camille"));

        let mut f = svc.fields();
        f.domains = vec!["housing".into()];
        let mut tx = db.begin_write().await.unwrap();
        assert!(!partners::update_service(&mut tx, s, p, Some(7), &f, Some(noor), now()).await.unwrap());
        assert!(partners::update_service(&mut tx, s, p, Some(1), &f, Some(noor), now()).await.unwrap());
        tx.commit().await.unwrap();
        let svc = partners::find_service(&db, p, s).await.unwrap().unwrap();
        assert_eq!((svc.version, svc.domains.clone()), (2, vec!["housing".to_owned()]));
    }

    async fn the_search_finds_by_words_need_and_place_page_by_page(db) {
        let db = db.migrated().await;
        let by = user(&db, "camille").await;
        let epicerie = add_partner(&db, &partner("Épicerie solidaire du Lac", "Valbourg", "99100"), by).await;
        add_service(&db, epicerie, &service("Colis alimentaires", "Pour les familles", "Valbourg; 99100", &["food"]), by).await;
        add_service(&db, epicerie, &service("Atelier budget", "Apprendre à gérer", "Valbourg", &["budget"]), by).await;
        let ml = add_partner(&db, &partner("Mission locale", "Montclair", "99200"), by).await;
        add_service(&db, ml, &service("Contrat d'engagement jeune", "Emploi des 16-25 ans", "Montclair", &["employment", "education"]), by).await;
        add_partner(&db, &partner("Club de quartier", "Valbourg", "99100"), by).await;

        let q = |text: &str, domain: &str, area: &str| SearchQuery::parse(text, domain, area, None);
        assert_eq!(names(&db, q("", "", "")).await.0, 4, "three services and a partner without one");
        // Words: folded, prefixes, in the partner's name or the service's.
        assert_eq!(names(&db, q("EPICER", "", "")).await.1, ["Atelier budget", "Colis alimentaires"]);
        assert_eq!(names(&db, q("familles colis", "", "")).await.1, ["Colis alimentaires"]);
        assert_eq!(names(&db, q("jeune", "", "")).await.1, ["Contrat d'engagement jeune"]);
        assert_eq!(names(&db, q("quartier", "", "")).await.1, ["[Club de quartier]"]);
        // Need.
        assert_eq!(names(&db, q("", "education", "")).await.1, ["Contrat d'engagement jeune"]);
        assert_eq!(names(&db, q("", "housing", "")).await.0, 0);
        // Place: postal code prefix, or the town.
        assert_eq!(names(&db, q("", "", "992")).await.1, ["Contrat d'engagement jeune"]);
        assert_eq!(names(&db, q("", "food", "valbourg")).await.1, ["Colis alimentaires"]);
        assert_eq!(names(&db, q("", "", "Valbourg")).await.0, 3);
        // Pages of twenty.
        let many = add_partner(&db, &partner("Réseau", "Lyon", "69001"), by).await;
        for i in 0..25 {
            add_service(&db, many, &service(&format!("Permanence {i:02}"), "", "Lyon", &["rights"]), by).await;
        }
        let (total, first) = names(&db, SearchQuery::parse("", "rights", "", Some(1))).await;
        assert_eq!((total, first.len()), (25, 20));
        let (_, second) = names(&db, SearchQuery::parse("", "rights", "", Some(2))).await;
        assert_eq!(second, ["Permanence 20", "Permanence 21", "Permanence 22", "Permanence 23", "Permanence 24"]);
        let (_, hits) = partners::search(&db, &SearchQuery::parse("", "rights", "", Some(2))).await.unwrap();
        assert_eq!(hits[0].domains, ["rights"]);
    }

    async fn each_organisation_reads_only_its_own_private_notes(db) {
        let db = db.migrated().await;
        let by = user(&db, "camille").await;
        let a = organisation(&db, "ccas-a").await;
        let b = organisation(&db, "asso-b").await;
        let p = add_partner(&db, &partner("Bailleur", "Valbourg", "99100"), by).await;
        let mut tx = db.begin_write().await.unwrap();
        assert!(partners::save_notes(&mut tx, p, a, None, "M. Roux 06 00 00 00 00", "Répond vite", by, now()).await.unwrap());
        // A second "first" write (another tab) is refused rather than lost.
        assert!(!partners::save_notes(&mut tx, p, a, None, "x", "y", by, now()).await.unwrap());
        tx.commit().await.unwrap();
        let notes = partners::notes(&db, p, a).await.unwrap().unwrap();
        assert_eq!((notes.contacts.as_str(), notes.notes.as_str(), notes.version), ("M. Roux 06 00 00 00 00", "Répond vite", 1));
        assert_eq!(partners::notes(&db, p, b).await.unwrap(), None, "B reads nothing of A's");
        let mut tx = db.begin_write().await.unwrap();
        assert!(partners::save_notes(&mut tx, p, a, Some(1), "", "Nouveau numéro", by, now()).await.unwrap());
        assert!(!partners::save_notes(&mut tx, p, a, Some(1), "", "En retard", by, now()).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(partners::notes(&db, p, a).await.unwrap().unwrap().notes, "Nouveau numéro");
    }

    async fn an_import_finds_its_entries_again_and_changes_nothing_twice(db) {
        let db = db.migrated().await;
        let by = user(&db, "camille").await;
        let other = user(&db, "noor").await;
        let csv = "partner_name;partner_type;partner_city;service_name;life_domains;area_served\n\
                   CCAS de Valbourg;ccas;Valbourg;Domiciliation;rights;Valbourg\n\
                   CCAS de Valbourg;ccas;Valbourg;Aide alimentaire;food;Valbourg\n\
                   Mission locale;mission_locale;Montclair;CEJ;employment;Montclair\n";
        let parsed = spreadsheet::parse(csv.as_bytes(), &default_domains()).unwrap();
        let plan = partners::plan_import(&db, &parsed).await.unwrap();
        assert_eq!(plan.counts(), ([2, 0, 0], [3, 0, 0]));
        let mut tx = db.begin_write().await.unwrap();
        partners::apply_import(&mut tx, &plan, by, now()).await.unwrap();
        tx.commit().await.unwrap();
        let all = partners::all(&db).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].0.name, "CCAS de Valbourg");
        assert_eq!(all[0].1.len(), 2);
        assert_eq!(all[0].0.source_key.as_deref(), Some("csv:ccas-de-valbourg"));

        // The same file again: nothing to do.
        let plan = partners::plan_import(&db, &parsed).await.unwrap();
        assert_eq!(plan.counts(), ([0, 0, 2], [0, 0, 3]));
        // One changed cell: one service to change, found by its key.
        let changed = csv.replace("CEJ;employment", "CEJ;employment, education");
        let parsed = spreadsheet::parse(changed.as_bytes(), &default_domains()).unwrap();
        let plan = partners::plan_import(&db, &parsed).await.unwrap();
        assert_eq!(plan.counts(), ([0, 0, 2], [0, 1, 2]));
        let Some((_, Action::Update(id), _)) = plan.services.iter().find(|(s, _, _)| s.fields.name == "CEJ") else {
            panic!("CEJ is to change")
        };
        let mut tx = db.begin_write().await.unwrap();
        partners::apply_import(&mut tx, &plan, by, now()).await.unwrap();
        tx.commit().await.unwrap();
        let ml = all.iter().find(|(p, _)| p.name == "Mission locale").unwrap().0.id;
        let cej = partners::find_service(&db, ml, *id).await.unwrap().unwrap();
        assert_eq!(cej.domains, ["education", "employment"]);
        assert_eq!(cej.version, 2);

        // An upload is its sender's only.
        let upload = partners::save_upload(&db, by, "annuaire.csv", "spreadsheet", csv.as_bytes(), now()).await.unwrap();
        assert!(partners::find_upload(&db, other, upload, now()).await.unwrap().is_none());
        let kept = partners::find_upload(&db, by, upload, now()).await.unwrap().unwrap();
        assert_eq!(kept.content, csv.as_bytes());
        let later = Ts::from(now().get() + time::Duration::hours(2));
        assert!(partners::find_upload(&db, by, upload, later).await.unwrap().is_none(), "expired");
    }
}
