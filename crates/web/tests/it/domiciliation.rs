//! Domiciliation at the desk — on SQLite and PostgreSQL: a reception agent registers a
//! person's election of domicile (renewal a year on by default), refused forms named with what
//! was typed kept (422), registers mail, sees it on the desk's list, hands it over; ends the
//! election with a reason; the same agent reads neither the household's budget nor the
//! person's cases; another organisation gets 404; views audited.

use domain::accounts::Role;
use testkit::engine_tests;

use crate::helpers::{TestApp, location, member, visible_text};

const ORG: &str = "ccas-domicile";

engine_tests! {
    async fn reception_registers_the_election_and_the_mail_and_hands_it_over(db) {
        let app = TestApp::spawn(db).await;
        let rita = member(&app, ORG, "Rita", Role::Reception, &[]).await;
        let stranger = member(&app, "ccas-autre", "Zoe", Role::Reception, &[]).await;
        let res = rita.post(&app, "/persons/new", &[("birth_name", "Traoré"), ("first_names", "Moussa"), ("birth_date", "02/02/1990")]).await;
        let person = location(&res).trim_start_matches("/persons/").split('?').next().unwrap().to_owned();
        let page = format!("/persons/{person}/domiciliation");
        assert!(rita.page(&app, &format!("/persons/{person}")).await.contains(&format!("href=\"{page}\"")));
        let text = visible_text(&rita.page(&app, &page).await);
        assert!(text.contains("Aucune domiciliation en cours."), "{text}");

        // Mail without an election, an impossible start: refused, named, typed kept.
        let res = rita.post(&app, &format!("{page}/mail"), &[("received_on", "2026-11-20"), ("kind", "letter"), ("sender", "CPAM")]).await;
        assert_eq!(res.status(), 422);
        assert!(visible_text(&res.text().await.unwrap()).contains("Aucune domiciliation n'est en cours pour cette personne."));
        let res = rita.post(&app, &page, &[("start_date", "31/02/2026"), ("renewal_due", "")]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(visible_text(&html).contains("Indiquez une date"), "{html}");
        assert!(html.contains("value=\"31/02/2026\""), "typed kept");

        let res = rita.post(&app, &page, &[("start_date", "2026-01-15"), ("renewal_due", "")]).await;
        assert_eq!(location(&res), format!("{page}?done=started"));
        let text = visible_text(&rita.page(&app, &page).await);
        assert!(text.contains("Début 15/01/2026 Renouvellement à faire le 15/01/2027"), "{text}");
        let res = rita.post(&app, &page, &[("start_date", "2026-02-01")]).await;
        assert_eq!(res.status(), 422, "one election at a time");

        // The attestation, printed at the desk: the person, the dates, the organisation.
        let res = rita.get(&app, &format!("{page}/attestation")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let pdf = res.bytes().await.unwrap();
        // Kept for a person to look at (pdftoppm): target/…/tmp of the test run.
        std::fs::write(std::env::temp_dir().join("passerelle-domiciliation-attestation.pdf"), &pdf).unwrap();
        let text = crate::case_summary::pdf_text(&pdf);
        for words in ["Attestation d", "lection de domicile", "Traoré Moussa", "02/02/1990", "15/01/2026", "15/01/2027", "a élu domicile"] {
            assert!(text.contains(words), "{words} in {text}");
        }
        assert_eq!(stranger.get(&app, &format!("{page}/attestation")).await.status(), 404);

        // Mail: an old registered letter still waiting, and today's.
        let res = rita.post(&app, &format!("{page}/mail"), &[("received_on", "2026-11-02"), ("kind", "registered"), ("sender", "CAF <Lyon>")]).await;
        assert_eq!(location(&res), format!("{page}?done=mail#mail"));
        let today = time::OffsetDateTime::now_utc().date();
        let today = domain::persons::iso_date(today);
        assert_eq!(rita.post(&app, &format!("{page}/mail"), &[("received_on", today.as_str()), ("kind", "letter"), ("sender", "")]).await.status(), 303);
        let html = rita.page(&app, "/domiciliation/mail").await;
        let text = visible_text(&html);
        assert!(text.contains("1 domiciliation en cours"), "{text}");
        assert!(text.contains("02/11/2026 (attend depuis plus de 15 jours) Traoré Moussa Recommandé CAF &#60;Lyon&#62;"), "{text}");
        assert!(html.contains("CAF &#60;Lyon&#62;"), "escaped");
        let mail = html.split("name=\"mail_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let res = rita.post(&app, &format!("{page}/collect"), &[("mail_id", mail.as_str()), ("from", "desk")]).await;
        assert_eq!(location(&res), "/domiciliation/mail?done=collected");
        let res = rita.post(&app, &format!("{page}/collect"), &[("mail_id", mail.as_str())]).await;
        assert_eq!(res.status(), 422, "handed over once");
        let text = visible_text(&rita.page(&app, "/domiciliation/mail").await);
        assert!(!text.contains("CAF &#60;Lyon&#62;") && text.contains("Lettre"), "{text}");

        // Another organisation: nothing.
        assert_eq!(stranger.get(&app, &page).await.status(), 404);
        assert_eq!(stranger.post(&app, &format!("{page}/mail"), &[("received_on", "2026-11-20"), ("kind", "letter")]).await.status(), 404);
        assert!(!visible_text(&stranger.page(&app, "/domiciliation/mail").await).contains("Traoré"));

        // Ended with a reason: no longer running.
        let res = rita.post(&app, &format!("{page}/end"), &[("version", "1"), ("end_date", "2026-11-25"), ("end_reason", "")]).await;
        assert_eq!(res.status(), 422);
        let res = rita.post(&app, &format!("{page}/end"), &[("version", "1"), ("end_date", "2026-11-25"), ("end_reason", "stable_address")]).await;
        assert_eq!(location(&res), format!("{page}?done=ended"));
        let text = visible_text(&rita.page(&app, &page).await);
        assert!(text.contains("15/01/2026 15/01/2027 25/11/2026 A trouvé une adresse stable"), "{text}");
        let org = store::organisations::find_by_slug(&app.state.db, ORG).await.unwrap().unwrap().id;
        let reads = store::audit::search(
            &app.state.db,
            &store::audit::AuditFilter {
                subject_id: Some(person.parse().unwrap()),
                action: Some(domain::audit::AuditAction::PersonFileRead),
                ..store::audit::AuditFilter::new(store::audit::AuditScope::Organisation(org))
            },
            None,
            100,
        )
        .await
        .unwrap();
        assert!(reads.events.len() >= 5, "every view of the page is audited");
    }
}
