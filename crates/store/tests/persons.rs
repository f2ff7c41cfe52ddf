//! Persons, households and person search, on both engines.

use domain::lists::Lists;
use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::persons::{PersonForm, PersonRecord};
use domain::{OrganisationId, PersonId};
use store::{Db, Ts, households, merges, organisations, persons};
use testkit::engine_tests;
use time::macros::date;

async fn org(db: &Db, slug: &str) -> OrganisationId {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(slug).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    organisations::insert(db, &new, Ts::now()).await.unwrap().id
}

fn record(pairs: &[(&str, &str)]) -> PersonRecord {
    let form = PersonForm::from_pairs(pairs.iter().copied());
    PersonRecord::parse(&form, &Lists::default(), date!(2026 - 11 - 26), None)
        .unwrap_or_else(|p| panic!("{pairs:?}: {p:?}"))
}

async fn add(db: &Db, org: OrganisationId, pairs: &[(&str, &str)]) -> PersonId {
    let id = PersonId::new();
    let mut tx = db.begin_write().await.unwrap();
    persons::insert(&mut tx, org, id, &record(pairs), None, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// The people of the search quality table: every rule of the issue has its tricky name here.
const PEOPLE: &[(&str, &[(&str, &str)])] = &[
    (
        "helene",
        &[
            ("birth_name", "Dupont"),
            ("first_names", "Hélène"),
            ("birth_date", "12/03/1985"),
            ("phones", "06 12 34 56 78"),
            ("benefit_office_number", "1234567A"),
            ("town", "Valbourg"),
        ],
    ),
    (
        "yannick",
        &[("birth_name", "Le Goff"), ("first_names", "Yannick"), ("birth_date", "01/05/1970")],
    ),
    (
        "aminata",
        &[
            ("birth_name", "N'Diaye"),
            ("first_names", "Aminata"),
            ("birth_date", "14/07/1992"),
            ("phones", "+33 7 11 22 33 44"),
        ],
    ),
    (
        "sophie-martin",
        &[("birth_name", "Martin"), ("first_names", "Sophie"), ("birth_date", "29/02/1988")],
    ),
    (
        "jean-pierre",
        &[("birth_name", "Lefebvre"), ("first_names", "Jean-Pierre"), ("birth_date", "11/11/1955")],
    ),
    (
        "lukasz",
        &[("birth_name", "Wiśniewski"), ("first_names", "Łukasz"), ("birth_date", "20/01/1990")],
    ),
    (
        "soren",
        &[("birth_name", "Ødegaard"), ("first_names", "Søren"), ("birth_date", "09/09/1979")],
    ),
    ("hoa", &[("birth_name", "Nguyễn"), ("first_names", "Thị Hoa"), ("birth_date", "03/08/1983")]),
    ("minjun", &[("birth_name", "김"), ("first_names", "민준"), ("birth_date", "04/04/1995")]),
    ("isu", &[("birth_name", "이"), ("first_names", "수"), ("birth_date", "05/05/1999")]),
    (
        "marie-laure",
        &[
            ("birth_name", "Cœurdevey"),
            ("first_names", "Marie-Laure"),
            ("birth_date", "06/06/1966"),
        ],
    ),
    (
        "laetitia",
        &[("birth_name", "Bréhat"), ("first_names", "Lætitia"), ("birth_date", "01/12/2001")],
    ),
    (
        "mohamed",
        &[("birth_name", "Ben Ali"), ("first_names", "Mohamed"), ("birth_date", "15/01/1980")],
    ),
    (
        "francois",
        &[("birth_name", "D'Almeida"), ("first_names", "François"), ("birth_date", "02/02/1975")],
    ),
    (
        "martine",
        &[("birth_name", "Dupond"), ("first_names", "Martine"), ("birth_date", "07/07/1960")],
    ),
    (
        "sophie-marin",
        &[("birth_name", "Marin"), ("first_names", "Sophie"), ("birth_date", "10/10/1990")],
    ),
    (
        "karim",
        &[
            ("birth_name", "Haddad"),
            ("first_names", "Karim"),
            ("phones", "01.23.45.67.89"),
            ("employment_service_id", "FT 998877"),
        ],
    ),
    (
        "chloe",
        &[
            ("used_name", "Müller"),
            ("birth_name", "Schmitt"),
            ("first_names", "Chloé"),
            ("birth_date", "21/03/1994"),
        ],
    ),
    (
        "agnieszka",
        &[("birth_name", "Dąbrowska"), ("first_names", "Agnieszka"), ("birth_date", "30/06/1987")],
    ),
];

/// (what reception types, who must come first).
const QUALITY: &[(&str, &str)] = &[
    ("Helene Dupont", "helene"),
    ("helene", "helene"),
    ("DUPONT HÉLÈNE", "helene"),
    ("Dupont Helene", "helene"),
    ("hel dup", "helene"),
    ("Dupotn", "helene"),
    ("Helene Dupond", "helene"),
    ("12/03/1985", "helene"),
    ("1985-03-12", "helene"),
    ("12.03.1985", "helene"),
    ("0612345678", "helene"),
    ("06 12 34 56 78", "helene"),
    ("+33 6 12 34 56 78", "helene"),
    ("1234567a", "helene"),
    ("Le Goff", "yannick"),
    ("Legoff", "yannick"),
    ("legof", "yannick"),
    ("Yannick Legoff", "yannick"),
    ("N'Diaye", "aminata"),
    ("Ndiaye", "aminata"),
    ("ndiaye aminata", "aminata"),
    ("07 11 22 33 44", "aminata"),
    ("0033711223344", "aminata"),
    ("Martin Sophie", "sophie-martin"),
    ("Sophie Marin", "sophie-marin"),
    ("29/02/1988", "sophie-martin"),
    ("Jean Pierre Lefebvre", "jean-pierre"),
    ("Jean-Pierre", "jean-pierre"),
    ("jeanpierre", "jean-pierre"),
    ("Lefebre", "jean-pierre"),
    ("Lefevbre", "jean-pierre"),
    ("Lukasz", "lukasz"),
    ("Wisniewski", "lukasz"),
    ("Soren Odegaard", "soren"),
    ("Nguyen", "hoa"),
    ("Nguyen Thi Hoa", "hoa"),
    ("김민준", "minjun"),
    ("민준", "minjun"),
    ("김", "minjun"),
    ("이수", "isu"),
    ("Coeurdevey", "marie-laure"),
    ("Marie Laure", "marie-laure"),
    ("Laetitia", "laetitia"),
    ("Benali", "mohamed"),
    ("Ben Ali Mohamed", "mohamed"),
    ("Dalmeida", "francois"),
    ("d'almeida françois", "francois"),
    ("01 23 45 67 89", "karim"),
    ("Muller", "chloe"),
    ("Schmitt Chloe", "chloe"),
    ("Dabrowska", "agnieszka"),
];

/// What must find nobody.
const NOBODY: &[&str] = &["Durand", "Jaen Pierre", "13/03/1985", "0612345679", "   ", "!!!"];

engine_tests! {
    async fn the_search_quality_table_holds(db) {
        let conn = db.migrated().await;
        let org = org(&conn, "quality").await;
        let other = org_other(&conn).await;
        let mut ids = std::collections::HashMap::new();
        for (key, pairs) in PEOPLE {
            ids.insert(*key, add(&conn, org, pairs).await);
        }
        // A namesake in another organisation is never found.
        add(&conn, other, &[("birth_name", "Dupont"), ("first_names", "Hélène")]).await;
        let mut failures = Vec::new();
        for (query, expected) in QUALITY {
            let hits = persons::search(&conn, org, query, 10).await.unwrap();
            let first = hits.first().map(|h| h.id);
            if first != Some(ids[expected]) {
                let got: Vec<_> = hits
                    .iter()
                    .map(|h| {
                        let key = ids.iter().find(|(_, id)| **id == h.id).map(|(k, _)| *k);
                        format!("{key:?}:{}", h.score)
                    })
                    .collect();
                failures.push(format!("{query:?} → expected {expected}, got {got:?}"));
            }
        }
        for query in NOBODY {
            let hits = persons::search(&conn, org, query, 10).await.unwrap();
            if !hits.is_empty() {
                failures.push(format!("{query:?} → expected nobody, got {} hits", hits.len()));
            }
        }
        assert!(QUALITY.len() >= 40);
        assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    }

    async fn a_record_round_trips_with_its_resources_history_and_terms(db) {
        let conn = db.migrated().await;
        let org = org(&conn, "round-trip").await;
        let rec = record(&[
            ("birth_name", "Martin"),
            ("first_names", "Sophie"),
            ("birth_date", "29/02/1988"),
            ("phones", "06 12 34 56 78\n01 02 03 04 05"),
            ("interpreter_needed", "on"),
            ("housing_situation", "hosted_by_third_party"),
            ("resource", "rsa"),
            ("amount_rsa", "607,75"),
            ("resource", "housing_benefit"),
            ("protection_start", "01/01/2024"),
            ("own_words", "Je veux un logement\npour mes enfants."),
        ]);
        let id = PersonId::new();
        let mut tx = conn.begin_write().await.unwrap();
        persons::insert(&mut tx, org, id, &rec, None, Ts::now()).await.unwrap();
        tx.commit().await.unwrap();
        let found = persons::find(&conn, org, id).await.unwrap().unwrap();
        assert_eq!(found.record, rec);
        assert_eq!(found.version, 1);
        assert_eq!(persons::revision(&conn, org, id, 1).await.unwrap(), Some(rec.to_form()));

        // Another organisation sees nothing of it.
        let other = org_other(&conn).await;
        assert!(persons::find(&conn, other, id).await.unwrap().is_none());
        assert!(persons::search(&conn, other, "Martin", 10).await.unwrap().is_empty());

        // A stale version writes nothing; the right one writes, and the terms follow the name.
        let renamed = record(&[("birth_name", "Lambert"), ("first_names", "Sophie")]);
        let mut tx = conn.begin_write().await.unwrap();
        assert_eq!(persons::update(&mut tx, org, id, 7, &renamed, None, Ts::now()).await.unwrap(), None);
        assert_eq!(persons::update(&mut tx, org, id, 1, &renamed, None, Ts::now()).await.unwrap(), Some(2));
        tx.commit().await.unwrap();
        let found = persons::find(&conn, org, id).await.unwrap().unwrap();
        assert_eq!((found.version, found.record.clone()), (2, renamed.clone()));
        assert!(found.record.resources.is_empty(), "resources follow the record");
        assert!(persons::search(&conn, org, "Martin", 10).await.unwrap().is_empty());
        assert_eq!(persons::search(&conn, org, "Lambert", 10).await.unwrap()[0].id, id);
        // The history keeps both versions.
        assert_eq!(persons::revision(&conn, org, id, 1).await.unwrap(), Some(rec.to_form()));
        assert_eq!(persons::revision(&conn, org, id, 2).await.unwrap(), Some(renamed.to_form()));
        assert_eq!(persons::count(&conn, org).await.unwrap(), 1);
    }

    async fn a_household_keeps_its_history(db) {
        let conn = db.migrated().await;
        let org = org(&conn, "households").await;
        let mother = add(&conn, org, &[("birth_name", "Haddad"), ("first_names", "Nadia"), ("birth_date", "01/01/1985")]).await;
        let child = add(&conn, org, &[("birth_name", "Haddad"), ("first_names", "Inès"), ("birth_date", "01/01/2015")]).await;
        let partner = add(&conn, org, &[("birth_name", "Roux"), ("first_names", "Marc")]).await;
        let mut tx = conn.begin_write().await.unwrap();
        let h = households::create(&mut tx, org, mother, Some(date!(2020 - 01 - 01)), None, Ts::now()).await.unwrap();
        households::add_member(&mut tx, h, child, "minor_child", Some(date!(2020 - 01 - 01)), Ts::now()).await.unwrap();
        let p = households::add_member(&mut tx, h, partner, "spouse_partner", None, Ts::now()).await.unwrap();
        tx.commit().await.unwrap();
        assert!(!households::end_member(&conn, h, p, 9, date!(2025 - 06 - 30), Ts::now()).await.unwrap(), "stale version");
        assert!(households::end_member(&conn, h, p, 1, date!(2025 - 06 - 30), Ts::now()).await.unwrap());
        let members = households::members(&conn, h).await.unwrap();
        assert_eq!(members.len(), 3, "a member who left stays in the history");
        assert_eq!(members[0].person_id, mother, "the reference person first");
        let today = date!(2026 - 11 - 26);
        let current: Vec<_> = members.iter().filter(|m| m.current(today)).map(|m| m.person_id).collect();
        assert_eq!(current, vec![mother, child]);
        let of_partner = households::of_person(&conn, org, partner).await.unwrap();
        assert_eq!(of_partner.len(), 3, "the partner's history shows the household they left");
        let other = org_other(&conn).await;
        assert!(households::find(&conn, other, h).await.unwrap().is_none());
        assert!(households::of_person(&conn, other, partner).await.unwrap().is_empty());
    }

    async fn similar_records_are_found_by_name_and_date_phone_or_number(db) {
        let conn = db.migrated().await;
        let org = org(&conn, "duplicates").await;
        let helene = add(&conn, org, &[("birth_name", "Dupont"), ("first_names", "Hélène"), ("birth_date", "12/03/1985")]).await;
        let karim = add(&conn, org, &[("birth_name", "Haddad"), ("first_names", "Karim"), ("phones", "06 12 34 56 78")]).await;
        let numbered = add(&conn, org, &[("birth_name", "Benali"), ("benefit_office_number", "1234567A")]).await;
        add(&conn, org, &[("birth_name", "Dupont"), ("first_names", "Hélène"), ("birth_date", "01/01/1950")]).await;
        let new = record(&[("birth_name", "Dupond"), ("first_names", "Helene"), ("birth_date", "12/03/1985")]);
        let found = persons::similar(&conn, org, &new, None).await.unwrap();
        assert_eq!(found.iter().map(|s| s.person.id).collect::<Vec<_>>(), vec![helene], "the namesake born in 1950 is not listed");
        assert_eq!(found[0].similarity.score, 85);
        let by_phone = persons::similar(&conn, org, &record(&[("birth_name", "Inconnu"), ("phones", "+33 6 12 34 56 78")]), None).await.unwrap();
        assert_eq!(by_phone[0].person.id, karim);
        let by_number = persons::similar(&conn, org, &record(&[("birth_name", "X"), ("benefit_office_number", "1234567 a")]), None).await.unwrap();
        assert_eq!(by_number[0].person.id, numbered);
        // Confirmed different: not proposed again for that record.
        let mut tx = conn.begin_write().await.unwrap();
        persons::record_distinct(&mut tx, org, karim, numbered, None, Ts::now()).await.unwrap();
        tx.commit().await.unwrap();
        let karim_rec = persons::find(&conn, org, karim).await.unwrap().unwrap().record;
        let mut same_number = karim_rec.clone();
        same_number.benefit_office_number = Some("1234567A".into());
        assert!(persons::similar(&conn, org, &same_number, Some(karim)).await.unwrap().is_empty());
        let other = org_other(&conn).await;
        assert!(persons::similar(&conn, other, &new, None).await.unwrap().is_empty());
    }

    async fn a_merge_keeps_both_records_and_undo_restores_them(db) {
        let conn = db.migrated().await;
        let org = org(&conn, "merges").await;
        let kept = add(&conn, org, &[("birth_name", "Dupont"), ("first_names", "Hélène"), ("town", "Valbourg")]).await;
        let twin = add(&conn, org, &[("birth_name", "Dupond"), ("first_names", "Helene"), ("birth_date", "12/03/1985"), ("phones", "0612345678")]).await;
        let older = add(&conn, org, &[("birth_name", "Dupont-Martin"), ("first_names", "Hélène")]).await;
        // An earlier merge of a third record into the twin.
        let twin_rec = persons::find(&conn, org, twin).await.unwrap().unwrap();
        let mut tx = conn.begin_write().await.unwrap();
        merges::merge(&mut tx, org, twin, 1, older, 1, &twin_rec.record, None, Ts::now()).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        // The kept record takes the twin's birth date and phone.
        let chosen = record(&[("birth_name", "Dupont"), ("first_names", "Hélène"), ("town", "Valbourg"), ("birth_date", "12/03/1985"), ("phones", "0612345678")]);
        let mut tx = conn.begin_write().await.unwrap();
        assert_eq!(merges::merge(&mut tx, org, kept, 1, twin, 1, &chosen, None, Ts::now()).await.unwrap(), Err(merges::MergeRefused::Stale), "the twin's version moved on");
        drop(tx);
        let mut tx = conn.begin_write().await.unwrap();
        let merge = merges::merge(&mut tx, org, kept, 1, twin, 2, &chosen, None, Ts::now()).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        let twin_now = persons::find(&conn, org, twin).await.unwrap().unwrap();
        assert_eq!(twin_now.merged_into, Some(kept));
        assert_eq!(persons::find(&conn, org, older).await.unwrap().unwrap().merged_into, Some(kept), "the chain follows");
        // The old spellings find the kept record, once.
        let hits = persons::search(&conn, org, "Dupond", 10).await.unwrap();
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![kept]);
        let hits = persons::search(&conn, org, "Dupont Martin", 10).await.unwrap();
        assert_eq!(hits[0].id, kept);
        assert_eq!(persons::count(&conn, org).await.unwrap(), 1);
        // Someone corrects the town after the merge; undo keeps that, restores the rest.
        let mut corrected = chosen.clone();
        corrected.town = Some("Lyon".into());
        corrected.phones = vec!["0612345678".into()];
        let mut tx = conn.begin_write().await.unwrap();
        persons::update(&mut tx, org, kept, 2, &corrected, None, Ts::now()).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        let lists = domain::lists::Lists::default();
        let mut tx = conn.begin_write().await.unwrap();
        let undone = merges::undo(&mut tx, org, merge, &lists, None, Ts::now()).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        assert_eq!(undone.restored, vec![domain::persons::Field::BirthDate, domain::persons::Field::Phones]);
        let kept_now = persons::find(&conn, org, kept).await.unwrap().unwrap();
        assert_eq!(kept_now.record.birth_date, None);
        assert!(kept_now.record.phones.is_empty());
        assert_eq!(kept_now.record.town.as_deref(), Some("Lyon"), "a later correction is kept");
        assert_eq!(persons::find(&conn, org, twin).await.unwrap().unwrap().merged_into, None);
        assert_eq!(persons::find(&conn, org, older).await.unwrap().unwrap().merged_into, Some(twin), "the chain goes back");
        let mut tx = conn.begin_write().await.unwrap();
        assert_eq!(merges::undo(&mut tx, org, merge, &lists, None, Ts::now()).await.unwrap(), None, "once only");
        drop(tx);
        assert_eq!(persons::search(&conn, org, "Dupond", 10).await.unwrap()[0].id, twin);
    }
}

async fn org_other(db: &Db) -> OrganisationId {
    org(db, &format!("other-{}", &uuid::Uuid::now_v7().simple().to_string()[20..])).await
}

/// SQLite plans without table statistics until something runs `ANALYZE`; an organisation
/// that grew from nothing has none. Every lookup of the driving search slot must still be an
/// index search on the term, never a read of all the organisation's terms. (PostgreSQL keeps
/// its statistics by autovacuum; its plans are measured by the search benchmark.)
#[tokio::test]
async fn search_lookups_use_the_term_index_without_statistics() {
    let test = testkit::TestDb::sqlite().await;
    let db = test.migrated().await;
    let org = org(&db, "plans").await;
    for p in PEOPLE {
        add(&db, org, p.1).await;
    }
    for query in ["dupont", "hélène dupont", "dupnot", "12/03/1985", "06 12 34 56 78", "nguyen v"]
    {
        let plan = persons::search_plan(&db, org, query).await.unwrap();
        assert!(!plan.is_empty(), "{query}");
        // "SEARCH t USING INDEX …" for the driving slot, "SEARCH e1 …" for the others' EXISTS.
        let on = |l: &String| l.split_whitespace().nth(1).map(str::to_owned).unwrap_or_default();
        let driving: Vec<&String> = plan.iter().filter(|l| on(l) == "t").collect();
        assert!(!driving.is_empty(), "{query}: {plan:#?}");
        for l in driving {
            assert!(
                l.starts_with(
                    "SEARCH t USING INDEX person_terms_lookup_idx (organisation_id=? AND term"
                ),
                "{query}: {l} in {plan:#?}"
            );
        }
        for l in plan.iter().filter(|l| on(l).starts_with('e')) {
            assert!(
                l.starts_with("SEARCH") && l.contains("person_id=?"),
                "{query}: {l} in {plan:#?}"
            );
        }
    }
}

engine_tests! {
    /// Which of two names drives the search depends on how common each is here: the rarer one,
    /// so the other is checked on few people.
    async fn the_rarer_name_drives_the_search(db) {
        let db = db.migrated().await;
        let org = org(&db, "drivers").await;
        for i in 0..30 {
            add(&db, org, &[("birth_name", &format!("Michel{i:02}x")), ("first_names", "Paul")]).await;
            add(&db, org, &[("birth_name", "Michel"), ("first_names", "Jean")]).await;
        }
        let fatou = add(&db, org, &[("birth_name", "Michel"), ("first_names", "Fatou")]).await;
        assert_eq!(persons::search_driver(&db, org, "fatou michel").await.unwrap().as_deref(), Some("fatou"));
        // The text alone would pick the longer word: without data, michel.
        let empty = org_other(&db).await;
        assert_eq!(persons::search_driver(&db, empty, "fatou michel").await.unwrap().as_deref(), Some("michel"));
        // Either way, the same people are found.
        let hits = persons::search(&db, org, "fatou michel", 10).await.unwrap();
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [fatou]);
        // A date drives alone, however many share the name.
        assert_eq!(persons::search_driver(&db, org, "michel 12/03/1985").await.unwrap(), None);
    }
}

engine_tests! {
    /// Typo variants are a fallback of the search: with more exact namesakes than a page holds
    /// they are not looked up, with fewer they are. The duplicate check still finds a typo of
    /// the name born the same day, however many namesakes there are.
    async fn typo_variants_when_few_match_and_the_birth_date_for_duplicates(db) {
        let db = db.migrated().await;
        let org = org(&db, "variants").await;
        let typo = add(&db, org, &[("birth_name", "Laurant"), ("first_names", "François"), ("birth_date", "12/03/1985")]).await;
        let exact = add(&db, org, &[("birth_name", "Laurent"), ("first_names", "François")]).await;
        let found = |hits: Vec<persons::SearchHit>| hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
        let hits = found(persons::search(&db, org, "francois laurent", 25).await.unwrap());
        assert!(hits.contains(&exact) && hits.contains(&typo), "{hits:?}");
        for _ in 0..30 {
            add(&db, org, &[("birth_name", "Laurent"), ("first_names", "François")]).await;
        }
        let hits = found(persons::search(&db, org, "francois laurent", 25).await.unwrap());
        assert_eq!(hits.len(), 25);
        assert!(!hits.contains(&typo), "31 exact namesakes fill the page before any typo");
        // Asked for more than there are exact namesakes, the search looks at variants again.
        let hits = found(persons::search(&db, org, "francois laurent", 40).await.unwrap());
        assert!(hits.contains(&typo), "{hits:?}");
        // Registering a "François Laurent" born on the typo's birth date: the typo is similar.
        let new = record(&[("birth_name", "Laurent"), ("first_names", "François"), ("birth_date", "12/03/1985")]);
        let similar = persons::similar(&db, org, &new, None).await.unwrap();
        assert!(similar.iter().any(|s| s.person.id == typo), "{:?}", similar.len());
    }
}
