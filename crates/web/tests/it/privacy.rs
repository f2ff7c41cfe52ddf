//! The register of processing (issue 12, point 1): who reaches it, and that the page and both
//! downloads carry every column of the data inventory — on SQLite and PostgreSQL.

use domain::accounts::Role;
use domain::inventory::{self, Category};
use testkit::engine_tests;

use crate::helpers::{TestApp, member, visible_text};

engine_tests! {
    async fn the_register_lists_every_column_for_those_who_keep_it(db) {
        let app = TestApp::spawn(db).await;
        let dpo = member(&app, "ccas", "Delphine", Role::Dpo, &[]).await;
        let manager = member(&app, "ccas", "Manon", Role::Manager, &[]).await;
        let worker = member(&app, "ccas", "Alice", Role::Worker, &[]).await;
        let reception = member(&app, "ccas", "Rachid", Role::Reception, &[]).await;

        // The page, in French by default and in English.
        let page = dpo.page(&app, "/privacy/register").await;
        let text = visible_text(&page);
        assert!(text.contains("Registre des traitements"), "{text}");
        assert!(text.contains("Accompagnement social des personnes et des ménages"));
        assert!(text.contains("Base légale"));
        for table in inventory::tables() {
            assert!(page.contains(&format!("data-table=\"{}\"", table.name)), "{} on the page", table.name);
        }
        // The persons' record: its identity columns shown under their category.
        let row = page.split("data-table=\"persons\" data-category=\"identity\"").nth(1).unwrap();
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("birth_name") && row.contains("first_names") && !row.contains("phones"));
        let en = manager.get_en(&app, "/privacy/register").await;
        assert!(visible_text(&en).contains("Register of processing"));
        assert!(visible_text(&en).contains("Removed by anonymisation"));

        // The CSV: a header, then exactly one line per column of the inventory.
        let res = dpo.get(&app, "/privacy/register.csv").await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let body = res.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let columns: usize = inventory::tables().map(|t| t.tagged().count()).sum();
        assert_eq!(rows.len(), columns);
        let birth = rows.iter().find(|r| &r[2] == "persons" && &r[3] == "birth_name").unwrap();
        assert_eq!((&birth[0], &birth[4], &birth[6], &birth[7]), ("social_support", "identity", "oui", "oui"));
        let hash = rows.iter().find(|r| &r[2] == "users" && &r[3] == "password_hash").unwrap();
        assert_eq!((&hash[0], &hash[4], &hash[6]), ("accounts", "credentials", "non"));
        for category in Category::ALL {
            assert!(rows.iter().any(|r| &r[4] == category.code()), "{category:?} used");
        }

        // The Markdown: each processing with its facts and its tables.
        let res = manager.client.get(app.url("/privacy/register.md")).header("accept-language", "en").send().await.unwrap();
        assert_eq!(res.status(), 200);
        let md = res.text().await.unwrap();
        assert!(md.starts_with("# Register of processing"));
        assert!(md.contains("## Referrals to partners (`referrals`)"));
        assert!(md.contains("- **Legal basis**:"));
        assert!(md.contains("| `consents` | Third parties (`third_party`) | recipient, given_by_name |"), "{md}");

        // Nobody else: a worker and reception get "not found"; so does someone signed out.
        for who in [&worker, &reception] {
            for path in ["/privacy/register", "/privacy/register.csv", "/privacy/register.md"] {
                assert_eq!(who.get(&app, path).await.status(), 404, "{path}");
            }
        }
        let anonymous = TestApp::new_client();
        let res = anonymous.get(app.url("/privacy/register.csv")).send().await.unwrap();
        assert_eq!(res.status(), 303, "sign in first");
        // The DPO's menu leads there.
        assert!(page.contains("href=\"/privacy/register\""));
        assert!(!worker.page(&app, "/").await.contains("href=\"/privacy/register\""));
    }
}
