//! Documents on the web — on SQLite and PostgreSQL: an upload to a case (encrypted on disk: the
//! test reads the file), its page, download and preview with their headers and audit events,
//! the lists on the person's and the case's pages and the timeline event; each malicious upload
//! refused with a clear message and what was typed kept (an HTML page renamed .pdf, an SVG with
//! a script, a zip bomb disguised as DOCX, a 200 MB file refused while streaming with memory
//! flat); who reads a confidential document, another organisation's document by its id; share
//! links opened without an account, counted, expired, revoked, and never in the logs.

use std::io::Write;

use domain::TeamId;
use domain::accounts::Role;
use domain::organisations::{DisplayName, NewTeam};
use futures_util::StreamExt;
use store::Ts;
use testkit::engine_tests;

use crate::helpers::{TestApp, csrf_in, logs, visible_text};

mod s3;

const PASSWORD: &str = "correct horse battery staple";
const ORG: &str = "ccas-documents";

struct Browser {
    client: reqwest::Client,
    csrf: String,
    id: String,
}

async fn exec(app: &TestApp, sql: &str, id: uuid::Uuid) {
    match &app.state.db {
        store::Db::Sqlite(p) => sqlx::query(sql).bind(id).execute(p).await.map(drop),
        store::Db::Postgres(p) => sqlx::query(sql).bind(id).execute(p).await.map(drop),
    }
    .unwrap();
}

async fn count(app: &TestApp, sql: &str, id: uuid::Uuid) -> i64 {
    match &app.state.db {
        store::Db::Sqlite(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.unwrap(),
        store::Db::Postgres(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await.unwrap(),
    }
}

async fn audit_count(app: &TestApp, action: &str, document: uuid::Uuid) -> i64 {
    let sql =
        format!("SELECT count(*) FROM audit_events WHERE action = '{action}' AND subject_id = $1");
    count(app, &sql, document).await
}

async fn user(
    app: &TestApp,
    org: &str,
    name: &str,
    role: Role,
    teams: &[(TeamId, bool)],
) -> Browser {
    let email = format!("{}@{org}.example", name.to_lowercase());
    let id = app.create_user(&email, PASSWORD, Some((org, role))).await;
    let db = &app.state.db;
    let o = store::organisations::find_by_slug(db, org).await.unwrap().unwrap().id;
    let member = store::accounts::find_member_by_user(db, o, id).await.unwrap().unwrap();
    for (team, supervises) in teams {
        store::accounts::add_membership_team(db, member.membership_id, *team, *supervises)
            .await
            .unwrap();
    }
    let client = TestApp::new_client();
    assert_eq!(app.sign_in_with(&client, &email, PASSWORD).await.status(), 303);
    let html = client.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    Browser { csrf: csrf_in(&html).unwrap(), client, id: id.to_string() }
}

async fn team(app: &TestApp, org: &str, name: &str) -> TeamId {
    let db = &app.state.db;
    let o = match store::organisations::find_by_slug(db, org).await.unwrap() {
        Some(o) => o.id,
        None => {
            app.create_user(&format!("bootstrap@{org}.example"), PASSWORD, Some((org, Role::Dpo)))
                .await;
            store::organisations::find_by_slug(db, org).await.unwrap().unwrap().id
        }
    };
    let new =
        NewTeam { id: TeamId::new(), organisation_id: o, name: DisplayName::parse(name).unwrap() };
    store::teams::insert(db, &new, Ts::now()).await.unwrap().id
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

impl Browser {
    async fn post(&self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(app.url(path))
            .header("accept-language", "en")
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.client.get(app.url(path)).header("accept-language", "en").send().await.unwrap()
    }

    async fn page(&self, app: &TestApp, path: &str) -> String {
        let res = self.get(app, path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.text().await.unwrap()
    }

    /// Sends the upload form: the token first, as the page's form does, then the fields and
    /// the file.
    async fn upload(
        &self,
        app: &TestApp,
        person: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().text("csrf_token", self.csrf.clone());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str("application/pdf")
            .unwrap();
        form = form.part("file", part);
        self.client
            .post(app.url(&format!("/persons/{person}/documents/new")))
            .header("accept-language", "en")
            .multipart(form)
            .send()
            .await
            .unwrap()
    }
}

/// A person and a case followed by `referent`.
async fn person_with_case(
    app: &TestApp,
    referent: &Browser,
    team: TeamId,
    name: &str,
) -> (String, String) {
    let res = referent
        .post(
            app,
            "/persons/new",
            &[("birth_name", name), ("first_names", "Amel"), ("birth_date", "12/03/1985")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let person =
        location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
    let res = referent
        .post(
            app,
            &format!("/persons/{person}/cases/new"),
            &[
                ("reason", "Titre de séjour"),
                ("team", &team.to_string()),
                ("referent", &referent.id),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let case = location(&res).trim_start_matches("/cases/").split('?').next().unwrap().to_owned();
    (person, case)
}

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n").into_bytes()
}

fn document_id(res: &reqwest::Response) -> uuid::Uuid {
    let loc = location(res);
    loc.trim_start_matches("/documents/").split('?').next().unwrap().parse().unwrap()
}

/// The largest resident set size of this process seen so far (kB), from /proc.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// The objects in the store, and on a local store the partial ones in its `tmp/` folder too.
async fn objects_stored(app: &TestApp) -> usize {
    let store = &app.state.config.files.store;
    let mut n = store.names().await.unwrap().len();
    if let Some(root) = store.local_root() {
        n += std::fs::read_dir(root.join("tmp")).unwrap().count();
    }
    n
}

/// A 200 MB upload: refused while it streams, with memory flat, nothing left in the store.
async fn refuse_200_mb(app: &TestApp) {
    let insertion = team(app, ORG, "Insertion").await;
    let alice = user(app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
    let (person, _) = person_with_case(app, &alice, insertion, "Haddad").await;
    static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
    const CHUNKS: usize = 200 * 16; // 200 MB of 64 KiB
    let head = axum::body::Bytes::from_static(b"%PDF-1.7\n");
    let body = futures_util::stream::iter(
        std::iter::once(head).chain((0..CHUNKS).map(|_| axum::body::Bytes::from_static(&ZEROS))),
    )
    .map(Ok::<_, std::io::Error>);
    let length = 9 + (CHUNKS * ZEROS.len()) as u64;
    let part =
        reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(body), length)
            .file_name("scan.pdf");
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", alice.csrf.clone())
        .text("type", "tax_notice")
        .part("file", part);
    // Watch this process's memory while the upload runs: client and server both stream.
    let before = rss_kib();
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let peak = {
        let watching = watching.clone();
        tokio::spawn(async move {
            let mut peak = 0;
            while watching.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib());
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            peak
        })
    };
    let res = alice
        .client
        .post(app.url(&format!("/persons/{person}/documents/new")))
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap();
    watching.store(false, std::sync::atomic::Ordering::Relaxed);
    let peak = peak.await.unwrap();
    assert_eq!(res.status(), 413);
    let text = visible_text(&res.text().await.unwrap());
    assert!(text.contains("The file is larger than 20 MB"), "{text}");
    let grown_mib = peak.saturating_sub(before) / 1024;
    assert!(grown_mib < 64, "memory grew by {grown_mib} MiB for a 200 MB upload");
    assert_eq!(objects_stored(app).await, 0, "the partial object is gone");
}

engine_tests! {
    async fn an_uploaded_document_is_encrypted_on_disk_downloaded_previewed_and_audited(db) {
        let app = TestApp::spawn(db).await;
        let insertion = team(&app, ORG, "Insertion").await;
        let alice = user(&app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
        let (person, case) = person_with_case(&app, &alice, insertion, "Haddad").await;

        let form = alice.page(&app, &format!("/persons/{person}/documents/new?case={case}")).await;
        assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
        assert!(form.contains("capture=\"environment\""));
        assert!(form.contains("accept=\".pdf,application/pdf"));
        let secret = "HADDAD Amel titre de sejour numero 7501234567";
        let content = pdf(secret);
        let expires = time::OffsetDateTime::now_utc().date() + time::Duration::days(14);
        let (iso, shown) = (domain::persons::iso_date(expires), domain::persons::french_date(expires));
        let res = alice
            .upload(
                &app,
                &person,
                &[("type", "residence_permit"), ("expires_on", &iso), ("case", &case)],
                "C:\\scans\\titre séjour.pdf",
                content.clone(),
            )
            .await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let id = document_id(&res);

        // Expiring within the reminder window: the referent's task is made at once (in the
        // upload's transaction), not at the periodic job's next run.
        let reminders = "SELECT count(*) FROM tasks WHERE kind = 'document_expiring' AND source_id = $1";
        assert_eq!(count(&app, reminders, id).await, 1);
        let day = visible_text(&alice.page(&app, "/my-day").await);
        assert!(day.contains("Document about to expire"), "{day}");
        // One expiring in two years: no reminder yet.
        let later = domain::persons::iso_date(expires + time::Duration::days(730));
        let res = alice
            .upload(&app, &person, &[("type", "residence_permit"), ("expires_on", &later), ("case", &case)], "carte.pdf", pdf("carte"))
            .await;
        assert_eq!(count(&app, reminders, document_id(&res)).await, 0);

        // On disk: not the plaintext.
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let doc = store::documents::find(&app.state.db, org, id).await.unwrap().unwrap();
        assert_eq!((doc.file_name.as_str(), doc.file_type.as_str()), ("titre séjour.pdf", "pdf"));
        assert_eq!(doc.size_bytes, content.len() as i64);
        let path = app.state.config.files.store.local_path(&doc.object_name).unwrap();
        let on_disk = std::fs::read(&path).unwrap();
        assert_ne!(on_disk, content);
        assert!(!on_disk.windows(6).any(|w| w == b"HADDAD"), "the stored bytes are encrypted");
        assert!(!on_disk.windows(5).any(|w| w == b"%PDF-"));

        // Its page: type, expiry in words, a PDF preview in a frame the page's policy allows.
        let res = alice.get(&app, &format!("/documents/{id}?uploaded=1")).await;
        assert_eq!(res.status(), 200);
        let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("frame-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
        let html = res.text().await.unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Residence permit"), "{text}");
        assert!(text.contains("The document was added."));
        assert!(text.contains(&format!("Expires soon: {shown} (in 14 days)")), "{text}");
        assert!(html.contains(&format!("<iframe src=\"/documents/{id}/preview\"")));

        // Download: an attachment with its name in UTF-8, its type, no sniffing.
        let res = alice.get(&app, &format!("/documents/{id}/download")).await;
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "application/pdf");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(
            h["content-disposition"],
            "attachment; filename=\"titre s_jour.pdf\"; filename*=UTF-8''titre%20s%C3%A9jour.pdf"
        );
        assert_eq!(res.bytes().await.unwrap().to_vec(), content);
        assert_eq!(audit_count(&app, "document_downloaded", id).await, 1);

        // Preview: inline, framed only by our pages, nothing else loads.
        let res = alice.get(&app, &format!("/documents/{id}/preview")).await;
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        assert!(h["content-disposition"].to_str().unwrap().starts_with("inline;"));
        assert_eq!(h["x-frame-options"], "SAMEORIGIN");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'self'"), "{csp}");
        assert_eq!(res.bytes().await.unwrap().to_vec(), content);
        assert_eq!(audit_count(&app, "document_previewed", id).await, 1);
        assert_eq!(audit_count(&app, "record_created", id).await, 1);

        // Listed on the case's and the person's pages; an event on the timeline.
        let case_page = visible_text(&alice.page(&app, &format!("/cases/{case}")).await);
        assert!(case_page.contains("Documents") && case_page.contains("Residence permit"), "{case_page}");
        assert!(case_page.contains("Document added"));
        assert!(case_page.contains(&format!("Expires soon: {shown}")));
        let person_page = visible_text(&alice.page(&app, &format!("/persons/{person}")).await);
        assert!(person_page.contains("titre séjour.pdf") && person_page.contains("Add a document"));

        // A JPEG photo: previewed as an image under a sandboxing policy.
        let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0u8; 100]].concat();
        let res = alice.upload(&app, &person, &[("type", "identity_document")], "photo.jpg", jpeg).await;
        assert_eq!(res.status(), 303);
        let photo = document_id(&res);
        let html = alice.page(&app, &format!("/documents/{photo}")).await;
        assert!(html.contains(&format!("<img src=\"/documents/{photo}/preview\"")));
        let res = alice.get(&app, &format!("/documents/{photo}/preview")).await;
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    }

    async fn malicious_uploads_are_refused_with_a_clear_message_and_the_form_kept(db) {
        let app = TestApp::spawn(db).await;
        let insertion = team(&app, ORG, "Insertion").await;
        let alice = user(&app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
        let (person, _) = person_with_case(&app, &alice, insertion, "Haddad").await;
        let fields = [("type", "tax_notice"), ("expires_on", "2027-05-01"), ("confidential", "yes")];

        // An HTML page renamed .pdf.
        let html = b"<!DOCTYPE html><html><body><script>fetch('/persons')</script></body></html>".to_vec();
        let res = alice.upload(&app, &person, &fields, "avis.pdf", html).await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        let text = visible_text(&page);
        assert!(text.contains("Web pages and SVG images are not accepted"), "{text}");
        // What was chosen stays.
        assert!(page.contains("<option value=\"tax_notice\" selected>"), "{page}");
        assert!(page.contains("value=\"2027-05-01\""));
        assert!(page.contains("value=\"yes\" checked"));

        // An SVG with a script.
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#.to_vec();
        let res = alice.upload(&app, &person, &fields, "logo.png", svg).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Web pages and SVG images are not accepted"));

        // A zip bomb disguised as DOCX.
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflate = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file("[Content_Types].xml", deflate).unwrap();
        w.write_all(b"<Types><Override ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>").unwrap();
        w.start_file("word/document.xml", deflate).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..40 {
            w.write_all(&zeros).unwrap();
        }
        let bomb = w.finish().unwrap().into_inner();
        assert!(bomb.len() < 200 * 1024);
        let res = alice.upload(&app, &person, &fields, "rapport.docx", bomb).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("expands to far more than a document"));

        // A file of an unlisted type, an empty one, none at all.
        let res = alice.upload(&app, &person, &fields, "x.exe", b"MZ\x90\0binary".to_vec()).await;
        assert!(visible_text(&res.text().await.unwrap()).contains("This type of file is not accepted"));
        let res = alice.upload(&app, &person, &fields, "vide.pdf", vec![]).await;
        assert_eq!(res.status(), 422);

        // A good file with a form error: the file must be chosen again, and says so.
        let res = alice.upload(&app, &person, &[("type", "")], "avis.pdf", pdf("ok")).await;
        assert_eq!(res.status(), 422);
        let text = visible_text(&res.text().await.unwrap());
        assert!(text.contains("Choose the type of document.") && text.contains("choose it again"), "{text}");

        // Nothing was kept of any of them.
        assert_eq!(objects_stored(&app).await, 0);
        let p: uuid::Uuid = person.parse().unwrap();
        assert_eq!(count(&app, "SELECT count(*) FROM documents WHERE person_id = $1", p).await, 0);
    }

    async fn a_200_mb_upload_is_refused_while_streaming_with_memory_flat(db) {
        let app = TestApp::spawn(db).await;
        refuse_200_mb(&app).await;
    }

    async fn confidential_documents_are_read_by_referents_and_the_uploader_only(db) {
        let app = TestApp::spawn(db).await;
        let insertion = team(&app, ORG, "Insertion").await;
        let alice = user(&app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
        let chloe = user(&app, ORG, "Chloe", Role::Worker, &[(insertion, false)]).await;
        let rita = user(&app, ORG, "Rita", Role::Reception, &[]).await;
        let (person, case) = person_with_case(&app, &alice, insertion, "Haddad").await;
        // A court decision: confidential by type.
        let res = alice
            .upload(&app, &person, &[("type", "court_decision"), ("case", &case)], "jugement.pdf", pdf("jugement"))
            .await;
        assert_eq!(res.status(), 303);
        let court = document_id(&res);
        // A payslip of the same case: normal.
        let res = alice.upload(&app, &person, &[("type", "payslip"), ("case", &case)], "paie.pdf", pdf("paie")).await;
        let payslip = document_id(&res);
        // Reception takes a paper at the desk for the person.
        let res = rita.upload(&app, &person, &[("type", "medical_document")], "certificat.pdf", pdf("certif")).await;
        assert_eq!(res.status(), 303);
        let medical = document_id(&res);

        // The referent reads all three; the uploader at the desk her own only.
        for id in [court, payslip, medical] {
            assert_eq!(alice.get(&app, &format!("/documents/{id}/download")).await.status(), 200);
        }
        assert_eq!(rita.get(&app, &format!("/documents/{medical}/download")).await.status(), 200);
        assert_eq!(rita.get(&app, &format!("/documents/{payslip}")).await.status(), 404);
        // A colleague of the team reads the normal one, not the confidential ones.
        assert_eq!(chloe.get(&app, &format!("/documents/{payslip}/download")).await.status(), 200);
        for path in ["", "/download", "/preview"] {
            assert_eq!(chloe.get(&app, &format!("/documents/{court}{path}")).await.status(), 404);
            assert_eq!(chloe.get(&app, &format!("/documents/{medical}{path}")).await.status(), 404);
        }
        let listed = visible_text(&chloe.page(&app, &format!("/cases/{case}")).await);
        assert!(listed.contains("Payslip") && !listed.contains("Court decision"), "{listed}");
        // The timeline says a confidential document was added, not which.
        assert!(listed.contains("Confidential document"));
        // Another organisation's worker, by the document's id: not found.
        let other_team = team(&app, "ccas-other", "Accueil").await;
        let mallory = user(&app, "ccas-other", "Mallory", Role::Worker, &[(other_team, false)]).await;
        for path in ["", "/download", "/preview"] {
            assert_eq!(mallory.get(&app, &format!("/documents/{payslip}{path}")).await.status(), 404);
        }
        assert_eq!(
            mallory.get(&app, &format!("/persons/{person}/documents/new")).await.status(),
            404
        );
        // The refusals were not audited as downloads.
        assert_eq!(audit_count(&app, "document_downloaded", court).await, 1);
    }

    async fn share_links_open_without_an_account_until_revoked_or_expired(db) {
        let log = logs();
        let app = TestApp::spawn(db).await;
        let insertion = team(&app, ORG, "Insertion").await;
        let alice = user(&app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
        let (person, _) = person_with_case(&app, &alice, insertion, "Haddad").await;
        let content = pdf("avis d'imposition 2025");
        let res = alice.upload(&app, &person, &[("type", "tax_notice")], "avis.pdf", content.clone()).await;
        let id = document_id(&res);

        let res = alice
            .post(&app, &format!("/documents/{id}/shares"), &[("recipient", "partner"), ("label", "CAF de Paris"), ("days", "99")])
            .await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("from 1 to 30"));
        let res = alice
            .post(&app, &format!("/documents/{id}/shares"), &[("recipient", "partner"), ("label", "CAF de Paris"), ("days", "7")])
            .await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        let start = html.find("/shared/").expect("the link is shown once");
        let token = html[start + 8..start + 8 + 64].to_owned();
        let link = format!("/shared/{token}");
        // Anyone with the link downloads the document, with no account.
        let stranger = TestApp::new_client();
        for _ in 0..2 {
            let res = stranger.get(app.url(&link)).send().await.unwrap();
            assert_eq!(res.status(), 200);
            assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
            assert_eq!(res.bytes().await.unwrap().to_vec(), content);
        }
        assert_eq!(audit_count(&app, "document_share_used", id).await, 2);
        assert_eq!(audit_count(&app, "document_shared", id).await, 1);
        // The page lists it with its uses; the token is stored only as a hash, never logged.
        let text = visible_text(&alice.page(&app, &format!("/documents/{id}")).await);
        assert!(text.contains("CAF de Paris") && text.contains("Active"), "{text}");
        assert!(!alice.page(&app, &format!("/documents/{id}")).await.contains(&token));
        assert!(!log.contents().contains(&token), "the share token is in the logs");
        use sha2::Digest;
        let hash = hex::encode(sha2::Sha256::digest(token.as_bytes()));
        let sql = format!("SELECT count(*) FROM document_shares WHERE document_id = $1 AND token_hash = '{hash}'");
        assert_eq!(count(&app, &sql, id).await, 1, "only the token's hash is stored");
        let shares = store::documents::shares_of(
            &app.state.db,
            store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id,
            id,
        )
        .await
        .unwrap();
        assert_eq!(shares[0].use_count, 2);
        // Revoked: the link opens nothing any more.
        let res = alice.post(&app, &format!("/documents/{id}/shares/{}/revoke", shares[0].id), &[]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(stranger.get(app.url(&link)).send().await.unwrap().status(), 404);
        assert_eq!(audit_count(&app, "document_share_revoked", id).await, 1);
        // Another link, then expired: nothing either.
        let res = alice.post(&app, &format!("/documents/{id}/shares"), &[("recipient", "person"), ("days", "1")]).await;
        let html = res.text().await.unwrap();
        let start = html.find("/shared/").unwrap();
        let second = format!("/shared/{}", &html[start + 8..start + 8 + 64]);
        assert_eq!(stranger.get(app.url(&second)).send().await.unwrap().status(), 200);
        exec(&app, "UPDATE document_shares SET expires_at = created_at WHERE document_id = $1", id).await;
        assert_eq!(stranger.get(app.url(&second)).send().await.unwrap().status(), 404);
        // A guessed token, a malformed one.
        assert_eq!(stranger.get(app.url(&format!("/shared/{}", "0".repeat(64)))).send().await.unwrap().status(), 404);
        assert_eq!(stranger.get(app.url("/shared/..%2F..%2Fetc")).send().await.unwrap().status(), 404);
        // Sharing is for workers who read the document: not for another organisation.
        let other_team = team(&app, "ccas-other", "Accueil").await;
        let mallory = user(&app, "ccas-other", "Mallory", Role::Worker, &[(other_team, false)]).await;
        let res = mallory.post(&app, &format!("/documents/{id}/shares"), &[("recipient", "person"), ("days", "1")]).await;
        assert_eq!(res.status(), 404);
    }

    async fn an_upload_without_the_anti_forgery_token_is_refused_before_reading_the_file(db) {
        let app = TestApp::spawn(db).await;
        let insertion = team(&app, ORG, "Insertion").await;
        let alice = user(&app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
        let (person, _) = person_with_case(&app, &alice, insertion, "Haddad").await;
        let part = reqwest::multipart::Part::bytes(pdf("x")).file_name("x.pdf");
        let form = reqwest::multipart::Form::new().text("type", "tax_notice").part("file", part);
        let res = alice
            .client
            .post(app.url(&format!("/persons/{person}/documents/new")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(objects_stored(&app).await, 0);
    }
}
