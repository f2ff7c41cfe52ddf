//! Import of persons and households through the web: the dry run with its per-line report,
//! all or nothing, duplicates flagged on a second run, XLSX and Windows-1252 files, the
//! anti-forgery check on a multipart upload — on SQLite and PostgreSQL.

use domain::accounts::Role;
use domain::audit::AuditAction;
use store::audit::{AuditFilter, AuditScope};
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, visible_text};

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-import";

async fn signed_in(app: &TestApp, email: &str, role: Role) -> (reqwest::Client, String) {
    app.create_user(email, PASSWORD, Some((ORG, role))).await;
    let client = TestApp::new_client();
    assert_eq!(app.sign_in_with(&client, email, PASSWORD).await.status(), 303);
    let html = client.get(app.url("/persons")).send().await.unwrap().text().await.unwrap();
    (client, csrf_in(&html).expect("the persons page carries a token"))
}

async fn org_id(app: &TestApp) -> domain::OrganisationId {
    store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id
}

async fn persons(app: &TestApp) -> i64 {
    store::persons::count(&app.state.db, org_id(app).await).await.unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    match &app.state.db {
        store::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        store::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

/// Sends a file as the upload form does (the token first); returns the status and the page.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    let res = client.post(app.url("/persons/import")).multipart(form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn attribute(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker} in {html}")) + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// The dry run's form action, `/persons/import/{id}`.
fn review_path(html: &str) -> String {
    format!("/persons/import/{}", attribute(html, "action=\"/persons/import/"))
}

/// Confirms (or re-checks) the dry run shown in `html` with the columns it showed.
async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    html: &str,
    action: &str,
    extra: &[(&str, &str)],
) -> (u16, String) {
    let checked = attribute(html, "name=\"checked\" value=\"");
    let mut form = vec![("csrf_token", csrf), ("checked", checked.as_str()), ("action", action)];
    form.extend_from_slice(extra);
    let res = client.post(app.url(&review_path(html))).form(&form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The line numbers of a table of the report, after its caption's id.
fn table_lines(html: &str, caption_id: &str) -> Vec<usize> {
    let Some(start) = html.find(&format!("id=\"{caption_id}\"")) else { return vec![] };
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    table
        .split("<th scope=\"row\" class=\"numeric\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].parse().unwrap())
        .collect()
}

const FAMILIES: [&str; 25] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Haddad",
];
const FIRSTS: [&str; 20] = [
    "Sophie", "Hélène", "Nadia", "Camille", "Léa", "Inès", "Zoé", "Chloé", "Manon", "Sarah",
    "Paul", "Karim", "Lucas", "Hugo", "Yanis", "Louis", "Jules", "Adam", "Noé", "Mehdi",
];

/// A French Excel-style export of `n` persons in households of one to three (a reference
/// person, then a spouse, then a minor child), every person distinct: its own name, birth date
/// and phone. `bad` lines (as the spreadsheet numbers them) get the given cell replaced.
fn generated_csv(n: usize, bad: &[(usize, usize, &str)]) -> Vec<u8> {
    let mut out = String::from(
        "N° foyer;Nom;Prénom(s);Né(e) le;Téléphone;Code postal;Commune;Lien;Remarques\r\n",
    );
    let start = time::macros::date!(1950 - 01 - 01);
    for i in 0..n {
        let line = i + 2;
        let household = i / 3;
        let relationship = match i % 3 {
            0 => "",
            1 => "Conjoint(e)",
            _ => "Enfant mineur",
        };
        let birth = start + time::Duration::days((i * 37) as i64);
        let mut cells = vec![
            format!("F{household:03}"),
            FAMILIES[household % FAMILIES.len()].to_owned(),
            FIRSTS[(i + household / FAMILIES.len()) % FIRSTS.len()].to_owned(),
            domain::persons::french_date(birth),
            format!("06 {:02} {:02} {:02} {:02}", 10 + i / 100, i % 100, (i * 7) % 100, 42),
            "73000".to_owned(),
            "Valbourg".to_owned(),
            relationship.to_owned(),
            "à rappeler".to_owned(),
        ];
        for (bad_line, column, value) in bad {
            if *bad_line == line {
                cells[*column] = (*value).to_owned();
            }
        }
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

engine_tests! {
    async fn a_file_with_three_bad_lines_out_of_500_reports_exactly_those_lines_and_imports_nothing(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "manager@import.example", Role::Manager).await;
        let bad = [(17, 3, "01/01/2090"), (123, 3, "31/02/1990"), (456, 4, "06 12 AB CD")];
        let (status, html) = upload(&app, &client, &csrf, "personnes.csv", generated_csv(500, &bad)).await;
        assert_eq!(status, 200, "{html}");
        let text = visible_text(&html);
        assert!(text.contains("500 lignes de données"), "{text}");
        assert!(text.contains("3 lignes en erreur"), "{text}");
        assert!(text.contains("Rien n'est importé tant que des erreurs restent"), "{text}");
        assert_eq!(table_lines(&html, "errors-caption"), vec![17, 123, 456]);
        assert!(text.contains("17 Date de naissance Né(e) le Une date de naissance ne peut pas être dans le futur."), "{text}");
        assert!(text.contains("123 Date de naissance Né(e) le"), "{text}");
        assert!(text.contains("456 Téléphones Téléphone La ligne 1 n'est pas un numéro de téléphone"), "{text}");
        assert!(text.contains("Colonnes ignorées (non importées) : « Remarques »"), "{text}");
        assert!(!html.contains("value=\"import\""), "no import button while errors remain");

        // Forcing the import changes nothing.
        let (status, html) = submit(&app, &client, &csrf, &html, "import", &[]).await;
        assert_eq!(status, 422);
        assert!(visible_text(&html).contains("Rien n'a été importé : le fichier contient des erreurs."));
        assert_eq!(persons(&app).await, 0);
        assert_eq!(count(&app, "SELECT count(*) FROM households").await, 0);
    }

    async fn a_clean_file_imports_everything_and_a_second_run_flags_every_row_as_a_duplicate(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "manager@import.example", Role::Manager).await;
        let file = generated_csv(500, &[]);
        let (status, html) = upload(&app, &client, &csrf, "personnes.csv", file.clone()).await;
        assert_eq!(status, 200);
        let text = visible_text(&html);
        assert!(text.contains("Prêt à importer : 500 personnes et 167 foyers."), "{text}");
        assert!(html.contains("value=\"import\""), "the import button");
        assert_eq!(persons(&app).await, 0, "the dry run writes nothing");

        let (status, done) = submit(&app, &client, &csrf, &html, "import", &[]).await;
        assert_eq!(status, 200, "{done}");
        assert!(visible_text(&done).contains("Importé : 500 personnes et 167 foyers."), "{}", visible_text(&done));
        assert_eq!(persons(&app).await, 500);
        assert_eq!(count(&app, "SELECT count(*) FROM households").await, 167);
        assert_eq!(count(&app, "SELECT count(*) FROM household_members").await, 500);
        assert_eq!(count(&app, "SELECT count(*) FROM household_members WHERE relationship = 'self'").await, 167);
        assert_eq!(count(&app, "SELECT count(*) FROM household_members WHERE relationship = 'minor_child'").await, 166);
        assert_eq!(count(&app, "SELECT count(*) FROM import_uploads").await, 0, "the file is gone once imported");
        // The imported people are found like any other.
        let res = client.post(app.url("/persons/search")).form(&[("csrf_token", csrf.as_str()), ("q", "sophie martin")]).send().await.unwrap();
        assert!(visible_text(&res.text().await.unwrap()).contains("Martin Sophie"));

        // One audit event, with counts and no personal data.
        let filter = AuditFilter { action: Some(AuditAction::Import), ..AuditFilter::new(AuditScope::Organisation(org_id(&app).await)) };
        let events = store::audit::search(&app.state.db, &filter, None, 10).await.unwrap().events;
        assert_eq!(events.len(), 1);
        let details = events[0].details.clone().unwrap();
        assert!(details.contains("\"persons\":500") && details.contains("\"households\":167"), "{details}");
        assert!(!details.contains("Martin") && !details.contains("personnes.csv"), "{details}");

        // The same file again: every row is flagged, nobody is doubled.
        let (status, again) = upload(&app, &client, &csrf, "personnes.csv", file).await;
        assert_eq!(status, 200);
        let text = visible_text(&again);
        assert!(text.contains("500 lignes laissées de côté (doublons possibles)"), "{text}");
        assert!(text.contains("Doublon possible de Martin Sophie, né(e) le 01/01/1950, déjà enregistré(e)."), "{text}");
        assert_eq!(table_lines(&again, "skipped-caption").len(), 500);
        assert!(text.contains("Prêt à importer : aucune personne et aucun foyer."), "{text}");
        assert!(!again.contains("value=\"import\""));
        let (status, html) = submit(&app, &client, &csrf, &again, "import", &[]).await;
        assert_eq!(status, 200);
        assert!(visible_text(&html).contains("Rien à importer : toutes les lignes sont laissées de côté."));
        assert_eq!(persons(&app).await, 500);
        assert_eq!(count(&app, "SELECT count(*) FROM households").await, 167);
    }

    async fn rows_alike_within_the_file_are_flagged_and_their_household_left_out(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "manager@import.example", Role::Manager).await;
        let file = "Foyer,Nom,Prénom,Date de naissance,Lien\n\
                    A,Haddad,Nadia,01/01/1985,\n\
                    A,Haddad,Inès,02/05/2015,enfant mineur\n\
                    B,Martin,Sophie,29/02/1988,\n\
                    C,Martín,Sophie,29/02/1988,\n\
                    C,Martin,Paul,03/03/1987,Conjoint(e)\n";
        let (_, html) = upload(&app, &client, &csrf, "doublons.csv", file.as_bytes().to_vec()).await;
        let text = visible_text(&html);
        assert_eq!(table_lines(&html, "skipped-caption"), vec![5, 6]);
        assert!(text.contains("5 Doublon possible de la ligne 4 du fichier."), "{text}");
        assert!(text.contains("6 Foyer laissé de côté : la ligne 5 de ce foyer est un doublon possible."), "{text}");
        let (status, _) = submit(&app, &client, &csrf, &html, "import", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(persons(&app).await, 3);
        assert_eq!(count(&app, "SELECT count(*) FROM households").await, 2);
    }

    async fn an_xlsx_file_imports_with_its_date_cells_as_dates(db) {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "manager@import.example", Role::Manager).await;
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        for (c, h) in ["Nom", "Prénom", "Date de naissance", "Portable", "Sexe", "Situation familiale"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "Lévêque").unwrap();
        sheet.write_string(1, 1, "Irène").unwrap();
        sheet.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(1985, 3, 12).unwrap(), &date).unwrap();
        sheet.write_number(1, 3, 612_345_678.0).unwrap();
        sheet.write_string(1, 4, "F").unwrap();
        sheet.write_string(1, 5, "Célibataire").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let (status, html) = upload(&app, &client, &csrf, "export.xlsx", bytes).await;
        assert_eq!(status, 200, "{html}");
        assert!(visible_text(&html).contains("Prêt à importer : une personne et aucun foyer."), "{}", visible_text(&html));
        let (status, _) = submit(&app, &client, &csrf, &html, "import", &[]).await;
        assert_eq!(status, 200);
        let hits = store::persons::search(&app.state.db, org_id(&app).await, "Leveque Irene", 5).await.unwrap();
        assert_eq!(hits.len(), 1);
        let person = store::persons::find(&app.state.db, org_id(&app).await, hits[0].id).await.unwrap().unwrap();
        assert_eq!(person.record.birth_date, Some(time::macros::date!(1985 - 03 - 12)));
        assert_eq!(person.record.phones, vec!["612345678"], "kept as the cell holds it");
        assert_eq!(person.record.sex.as_deref(), Some("female"));
        assert_eq!(person.record.family_situation.as_deref(), Some("single"));
    }

    async fn a_semicolon_separated_windows_1252_file_keeps_its_accents(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "manager@import.example", Role::Manager).await;
        // "Nom;Prénom;Né(e) le;Ville" and "Lefèvre;Zoé;05/07/1990;Saint-Étienne" in Windows-1252.
        let bytes = b"Nom;Pr\xe9nom;N\xe9(e) le;Ville\r\nLef\xe8vre;Zo\xe9;05/07/1990;Saint-\xc9tienne\r\n".to_vec();
        let (status, html) = upload(&app, &client, &csrf, "export.csv", bytes).await;
        assert_eq!(status, 200);
        assert!(html.contains("Prénom") && html.contains("Saint-Étienne"), "{html}");
        submit(&app, &client, &csrf, &html, "import", &[]).await;
        let hits = store::persons::search(&app.state.db, org_id(&app).await, "Lefevre Zoe", 5).await.unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].birth_name.as_deref(), Some("Lefèvre"));
        assert_eq!(hits[0].first_names.as_deref(), Some("Zoé"));
        assert_eq!(hits[0].town.as_deref(), Some("Saint-Étienne"));
    }

    async fn columns_are_remapped_on_the_report_and_a_changed_mapping_is_checked_before_import(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "manager@import.example", Role::Manager).await;
        let file = "Nom,Col2,Remarques\nMartin,Sophie,x\n";
        let (_, html) = upload(&app, &client, &csrf, "a.csv", file.as_bytes().to_vec()).await;
        let text = visible_text(&html);
        assert!(text.contains("Colonnes ignorées (non importées) : « Col2 », « Remarques »"), "{text}");
        assert!(html.contains("<label for=\"map_1\" class=\"visually-hidden\">Champ pour la colonne « Col2 »</label>"));
        // Two columns on one field: refused, nothing imported.
        let (status, clash) = submit(&app, &client, &csrf, &html, "check", &[("map_0", "birth_name"), ("map_1", "birth_name"), ("map_2", "")]).await;
        assert_eq!(status, 200);
        assert!(visible_text(&clash).contains("Plusieurs colonnes alimentent « Nom de naissance » : « Nom », « Col2 »"), "{}", visible_text(&clash));
        // The user picks first names for Col2 and presses Import without checking again: the
        // new report is shown, nothing imported.
        let mapping = [("map_0", "birth_name"), ("map_1", "first_names"), ("map_2", "")];
        let (status, changed) = submit(&app, &client, &csrf, &html, "import", &mapping).await;
        assert_eq!(status, 200);
        assert!(visible_text(&changed).contains("Les colonnes ont changé depuis la dernière vérification"));
        assert_eq!(persons(&app).await, 0);
        assert!(changed.contains("<option value=\"first_names\" selected>"));
        let (status, _) = submit(&app, &client, &csrf, &changed, "import", &mapping).await;
        assert_eq!(status, 200);
        let hits = store::persons::search(&app.state.db, org_id(&app).await, "Martin Sophie", 5).await.unwrap();
        assert_eq!(hits[0].first_names.as_deref(), Some("Sophie"));
    }

    async fn a_multipart_post_without_the_token_is_refused_and_with_it_passes(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "manager@import.example", Role::Manager).await;
        let file = || reqwest::multipart::Part::bytes(b"Nom\nMartin\n".to_vec()).file_name("a.csv");
        let without = reqwest::multipart::Form::new().part("file", file());
        let res = client.post(app.url("/persons/import")).multipart(without).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let wrong = reqwest::multipart::Form::new().text("csrf_token", "0".repeat(64)).part("file", file());
        let res = client.post(app.url("/persons/import")).multipart(wrong).send().await.unwrap();
        assert_eq!(res.status(), 403);
        // The token after the file is not looked for: the form puts it first.
        let after = reqwest::multipart::Form::new().part("file", file()).text("csrf_token", csrf.clone());
        let res = client.post(app.url("/persons/import")).multipart(after).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(count(&app, "SELECT count(*) FROM import_uploads").await, 0);
        let (status, html) = upload(&app, &client, &csrf, "a.csv", b"Nom\nMartin\n".to_vec()).await;
        assert_eq!(status, 200, "{html}");
        assert_eq!(count(&app, "SELECT count(*) FROM import_uploads").await, 1);
        // A file larger than the first read still arrives whole past the token.
        let mut big = String::from("Nom;Prénom\n");
        for i in 0..20_000 {
            big.push_str(&format!("Nom{};Prénom\n", i % 7));
        }
        let (status, html) = upload(&app, &client, &csrf, "big.csv", big.into_bytes()).await;
        assert_eq!(status, 422, "read whole: too many rows");
        assert!(visible_text(&html).contains("Ce fichier dépasse 10000 lignes"), "{}", visible_text(&html));
    }

    async fn a_file_over_10_mb_or_not_a_spreadsheet_is_refused_with_a_clear_message(db) {
        let app = TestApp::spawn(db).await;
        let (client, csrf) = signed_in(&app, "manager@import.example", Role::Manager).await;
        let (status, html) = upload(&app, &client, &csrf, "huge.csv", vec![b'a'; 10 * 1024 * 1024 + 10]).await;
        assert_eq!(status, 413);
        assert!(visible_text(&html).contains("Ce fichier dépasse 10 Mo"), "{}", visible_text(&html));
        assert!(html.contains("aria-invalid=\"true\""));
        let (status, html) = upload(&app, &client, &csrf, "old.xls", vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).await;
        assert_eq!(status, 422);
        assert!(visible_text(&html).contains("ancien classeur Excel (.xls)"));
        let (status, html) = upload(&app, &client, &csrf, "vide.csv", vec![]).await;
        assert_eq!(status, 422);
        assert!(visible_text(&html).contains("Ce fichier est vide"));
        assert_eq!(count(&app, "SELECT count(*) FROM import_uploads").await, 0);
    }

    async fn an_upload_is_read_back_only_by_its_sender_for_an_hour_and_cancel_deletes_it(db) {
        let app = TestApp::spawn(db).await;
        let (alice, alice_csrf) = signed_in(&app, "alice@import.example", Role::Manager).await;
        let (bob, bob_csrf) = signed_in(&app, "bob@import.example", Role::Manager).await;
        let (_, html) = upload(&app, &alice, &alice_csrf, "a.csv", b"Nom\nMartin\n".to_vec()).await;
        let path = review_path(&html);
        let res = bob.post(app.url(&path)).form(&[("csrf_token", bob_csrf.as_str())]).send().await.unwrap();
        assert_eq!(res.status(), 404, "another manager of the organisation");
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Ce fichier n'est plus disponible"), "{text}");
        let res = alice.post(app.url(&path)).form(&[("csrf_token", alice_csrf.as_str())]).send().await.unwrap();
        assert_eq!(res.status(), 200, "a re-check without a mapping detects it again");

        // Kept an hour at most.
        let org = org_id(&app).await;
        let user = store::accounts::find_user_by_email(&app.state.db, "alice@import.example").await.unwrap().unwrap().id;
        let old = store::Ts::from(store::Ts::now().get() - time::Duration::minutes(61));
        let id = store::import::save_upload(&app.state.db, org, user, "old.csv", b"Nom\nA\n", old).await.unwrap();
        let res = alice.post(app.url(&format!("/persons/import/{id}"))).form(&[("csrf_token", alice_csrf.as_str())]).send().await.unwrap();
        assert_eq!(res.status(), 404);
        assert_eq!(store::import::purge_expired(&app.state.db, store::Ts::now()).await.unwrap(), 1);

        let res = alice.post(app.url(&path)).form(&[("csrf_token", alice_csrf.as_str()), ("action", "cancel")]).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/persons/import?cancelled=1");
        assert_eq!(count(&app, "SELECT count(*) FROM import_uploads").await, 0);
        let page = alice.get(app.url("/persons/import?cancelled=1")).send().await.unwrap().text().await.unwrap();
        assert!(visible_text(&page).contains("L'import est annulé et le fichier effacé."));
    }

    async fn only_managers_see_the_import_link_and_the_page_in_both_languages(db) {
        let app = TestApp::spawn(db).await;
        let (manager, _) = signed_in(&app, "manager@import.example", Role::Manager).await;
        let (worker, _) = signed_in(&app, "worker@import.example", Role::Worker).await;
        let page = |c: &reqwest::Client, path: &str, lang: &str| {
            c.get(app.url(path)).header("accept-language", lang).send()
        };
        let list = page(&manager, "/persons", "fr").await.unwrap().text().await.unwrap();
        assert!(list.contains("href=\"/persons/import\""));
        let list = page(&worker, "/persons", "fr").await.unwrap().text().await.unwrap();
        assert!(!list.contains("href=\"/persons/import\""));
        assert_eq!(page(&worker, "/persons/import", "fr").await.unwrap().status(), 404);
        let fr = page(&manager, "/persons/import", "fr").await.unwrap().text().await.unwrap();
        assert!(fr.contains("<label for=\"file\">Fichier à importer</label>"), "{fr}");
        assert!(fr.contains("enctype=\"multipart/form-data\""));
        let form = &fr[fr.find("enctype=\"multipart/form-data\"").unwrap()..];
        let first_input = form.find("<input").unwrap();
        assert!(form[first_input..].starts_with("<input type=\"hidden\" name=\"csrf_token\""), "the token comes first");
        let en = page(&manager, "/persons/import", "en").await.unwrap().text().await.unwrap();
        assert!(en.contains("Import persons and households"), "{en}");
    }
}
