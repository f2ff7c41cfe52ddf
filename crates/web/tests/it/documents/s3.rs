//! The documents journey once more with the files in an S3-compatible bucket (moto, started by
//! scripts/test.sh; without `PASSERELLE_TEST_S3_URL` these tests say they did not run): upload,
//! the bucket holding only ciphertext, download, a share link; refused uploads, the 200 MB one
//! included, leave no object and no open multipart upload behind.

use files::s3::testing;
use web::routes::Routes;

use super::*;

async fn spawn_on_s3(db: testkit::TestDb, test: &str) -> Option<(TestApp, files::S3Config)> {
    let config = testing::config(test)?;
    let mut web = crate::helpers::test_config();
    web.files = crate::helpers::test_files_s3(&config);
    Some((TestApp::spawn_configured(db, web, Routes::new()).await, config))
}

engine_tests! {
    async fn on_s3_a_document_is_uploaded_encrypted_downloaded_and_shared(db) {
        let Some((app, config)) = spawn_on_s3(db, "documents::s3::upload_download_share").await else { return };
        assert!(app.state.config.files.store.local_root().is_none(), "the bucket, not a folder");
        let insertion = team(&app, ORG, "Insertion").await;
        let alice = user(&app, ORG, "Alice", Role::Worker, &[(insertion, false)]).await;
        let (person, case) = person_with_case(&app, &alice, insertion, "Haddad").await;
        let content = pdf("HADDAD Amel titre de sejour numero 7501234567");
        let res = alice
            .upload(&app, &person, &[("type", "residence_permit"), ("case", &case)], "titre.pdf", content.clone())
            .await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let id = document_id(&res);

        // The bucket holds one object: ciphertext under the document's object name.
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let doc = store::documents::find(&app.state.db, org, id).await.unwrap().unwrap();
        let store = &app.state.config.files.store;
        assert_eq!(store.names().await.unwrap(), vec![doc.object_name.clone()]);
        let stored = store.stored_bytes(&doc.object_name).await.unwrap();
        assert_ne!(stored, content);
        assert!(!stored.windows(6).any(|w| w == b"HADDAD"), "the bucket sees ciphertext only");
        assert!(!stored.windows(5).any(|w| w == b"%PDF-"));
        assert_eq!(files::crypt::key_id_of(&stored), Some("test-1"));
        assert_eq!(doc.key_id, "test-1");

        // Downloaded and previewed whole, audited.
        let res = alice.get(&app, &format!("/documents/{id}/download")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.bytes().await.unwrap().to_vec(), content);
        assert_eq!(audit_count(&app, "document_downloaded", id).await, 1);
        let res = alice.get(&app, &format!("/documents/{id}/preview")).await;
        assert_eq!(res.bytes().await.unwrap().to_vec(), content);

        // Shared: the link downloads it without an account.
        let res = alice
            .post(&app, &format!("/documents/{id}/shares"), &[("recipient", "partner"), ("label", "CAF"), ("days", "7")])
            .await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        let start = html.find("/shared/").expect("the link is shown once");
        let link = html[start..start + 8 + 64].to_owned();
        let res = TestApp::new_client().get(app.url(&link)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.unwrap().to_vec(), content);
        assert_eq!(audit_count(&app, "document_share_used", id).await, 1);

        // A web page renamed .pdf: refused, nothing stored, no upload left open.
        let page = b"<!DOCTYPE html><html><body>x</body></html>".to_vec();
        let res = alice.upload(&app, &person, &[("type", "tax_notice")], "avis.pdf", page).await;
        assert_eq!(res.status(), 422);
        assert_eq!(objects_stored(&app).await, 1);
        assert_eq!(testing::open_uploads(&config).await, 0);
    }

    async fn on_s3_a_200_mb_upload_is_refused_while_streaming_and_its_upload_aborted(db) {
        let Some((app, config)) = spawn_on_s3(db, "documents::s3::200_mb").await else { return };
        refuse_200_mb(&app).await;
        assert_eq!(testing::open_uploads(&config).await, 0, "the multipart upload was aborted");
    }
}
