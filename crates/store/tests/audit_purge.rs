//! Access-log retention on both engines (issue 12 point 2, ADR 0040): old events purged under
//! an anchor, verification still passing and still catching tampering after the anchor, with
//! the kept events, and with the anchor itself.

use domain::OrganisationId;
use domain::audit::AuditAction;
use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::retention::RetentionSettings;
use store::audit::purge::{self, Purge};
use store::audit::{self, AuditEvent, AuditFilter, AuditScope, BreakKind, NewAuditEvent};
use store::organisations::{self, Organisation};
use store::{Db, Ts};
use testkit::engine_tests;
use time::macros::datetime;
use uuid::Uuid;

async fn org(db: &Db, slug: &str) -> Organisation {
    let new = NewOrganisation {
        id: OrganisationId::new(),
        slug: Slug::parse(slug).unwrap(),
        name: DisplayName::parse(slug).unwrap(),
        time_zone: "Europe/Paris".into(),
    };
    organisations::insert(db, &new, Ts::now()).await.unwrap()
}

/// The day of the purge.
fn now() -> Ts {
    Ts::from(datetime!(2026-11-27 04:00 UTC))
}

fn days_ago(days: i64) -> Ts {
    Ts::from(now().get() - time::Duration::days(days))
}

async fn append_at(db: &Db, event: NewAuditEvent, at: Ts) -> AuditEvent {
    let mut tx = db.begin_write().await.unwrap();
    let stored = audit::append(&mut tx, &event, at).await.unwrap();
    tx.commit().await.unwrap();
    stored
}

fn ev(action: AuditAction, org: &Organisation) -> NewAuditEvent {
    NewAuditEvent::new(action, Some(org.id)).on("person", Uuid::now_v7())
}

/// Runs statements as someone with SQL access would.
async fn raw(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    match db {
        Db::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|r| r.rows_affected()),
        Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|r| r.rows_affected()),
    }
}

async fn on_id(db: &Db, sql: &str, id: Uuid) -> Result<u64, sqlx::Error> {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).bind(id).execute(p).await.map(|r| r.rows_affected()),
        Db::Postgres(p) => sqlx::query(sql).bind(id).execute(p).await.map(|r| r.rows_affected()),
    }
}

/// What a privileged tamperer does first.
async fn disable_triggers(db: &Db) {
    let sql = match db {
        Db::Sqlite(_) => {
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; \
             DROP TRIGGER audit_anchors_no_update; DROP TRIGGER audit_anchors_no_delete;"
        }
        Db::Postgres(_) => {
            "ALTER TABLE audit_events DISABLE TRIGGER USER; \
             ALTER TABLE audit_anchors DISABLE TRIGGER USER;"
        }
    };
    raw(db, sql).await.unwrap();
}

async fn stored_ids(db: &Db, org: &Organisation) -> Vec<Uuid> {
    let page = audit::search(db, &AuditFilter::new(AuditScope::Organisation(org.id)), None, 200)
        .await
        .unwrap();
    page.events.into_iter().map(|e| e.id).collect()
}

/// An organisation's chain: 30 reads and logins and 3 accountability events more than twelve
/// months old, then 5 reads of last month. Returns (old reads, old kept, recent).
async fn history(db: &Db, a: &Organisation) -> (Vec<AuditEvent>, Vec<AuditEvent>, Vec<AuditEvent>) {
    let (mut reads, mut kept, mut recent) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..33 {
        let at = days_ago(500 - i);
        match i {
            7 => kept.push(append_at(db, ev(AuditAction::RetentionDecided, a), at).await),
            15 => kept.push(append_at(db, ev(AuditAction::Erased, a), at).await),
            31 => kept.push(append_at(db, ev(AuditAction::Export, a), at).await),
            i if i % 3 == 0 => {
                reads.push(
                    append_at(db, NewAuditEvent::new(AuditAction::LoginSucceeded, Some(a.id)), at)
                        .await,
                );
            }
            _ => reads.push(append_at(db, ev(AuditAction::PersonFileRead, a), at).await),
        }
    }
    for i in 0..5 {
        recent.push(append_at(db, ev(AuditAction::CaseFileRead, a), days_ago(30 - i)).await);
    }
    (reads, kept, recent)
}

async fn purge_a(db: &Db, a: &Organisation, dry_run: bool) -> Purge {
    purge::purge_access_log(db, Some((a.id, "Europe/Paris")), now(), dry_run).await.unwrap()
}

engine_tests! {
    async fn old_access_events_go_under_an_anchor_and_the_chain_still_verifies(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "org-a").await, org(&db, "org-b").await);
        let (reads, kept, recent) = history(&db, &a).await;
        let other = append_at(&db, ev(AuditAction::PersonFileRead, &b), days_ago(600)).await;

        // A dry run says what would go and changes nothing.
        let Purge::Done(planned) = purge_a(&db, &a, true).await else { panic!("nothing planned") };
        assert_eq!((planned.purged, planned.kept), (reads.len() as i64, kept.len() as i64));
        assert_eq!(stored_ids(&db, &a).await.len(), 38);
        assert!(purge::anchors(&db, Some(a.id)).await.unwrap().is_empty());

        let Purge::Done(anchor) = purge_a(&db, &a, false).await else { panic!("nothing purged") };
        assert_eq!((anchor.from_seq, anchor.through_seq), (1, 33));
        assert_eq!(anchor.through_hash, reads.last().unwrap().hash, "the last old event's hash");
        assert_eq!((anchor.purged, anchor.kept), (30, 3));
        assert_eq!(anchor.first_at, Some(reads[0].occurred_at));
        assert_eq!(anchor.last_at, Some(reads.last().unwrap().occurred_at));
        let ids = stored_ids(&db, &a).await;
        assert!(reads.iter().all(|r| !ids.contains(&r.id)), "old reads are gone");
        assert!(kept.iter().chain(&recent).all(|e| ids.contains(&e.id)), "the rest stays");
        assert_eq!(ids.len(), 3 + 5 + 1, "with the purge's own event");

        let report = audit::verify(&db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        let chain = report.chain(a.id.as_uuid()).unwrap();
        assert_eq!((chain.events, chain.purged, chain.anchored_through), (9, 30, Some(33)));
        // The other organisation's chain is its own: untouched.
        assert_eq!(report.chain(b.id.as_uuid()).unwrap().events, 1);
        assert!(stored_ids(&db, &b).await.contains(&other.id));

        // Again on the same day: nothing more is old.
        assert_eq!(purge_a(&db, &a, false).await, Purge::Nothing);
        assert_eq!(purge::anchors(&db, Some(a.id)).await.unwrap().len(), 1);
    }

    async fn a_second_purge_anchors_after_the_first_and_both_verify(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        history(&db, &a).await;
        assert!(matches!(purge_a(&db, &a, false).await, Purge::Done(_)));
        // A year later, with six months kept: last month's reads and the first purge's
        // event are old in turn; the purge event outlives the log.
        for i in 0..4 {
            append_at(&db, ev(AuditAction::DocumentDownloaded, &a), days_ago(-300 - i)).await;
        }
        let dpo = user(&db).await;
        let mut tx = db.begin_write().await.unwrap();
        let six = RetentionSettings { audit_months: 6, ..RetentionSettings::default() };
        store::retention::save_settings(&mut tx, a.id, &six, None, None, dpo, now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let later = Ts::from(now().get() + time::Duration::days(365));
        let second = purge::purge_access_log(&db, Some((a.id, "Europe/Paris")), later, false)
            .await
            .unwrap();
        let Purge::Done(second) = second else { panic!("nothing purged: {second:?}") };
        assert_eq!((second.from_seq, second.through_seq), (34, 39));
        assert_eq!((second.purged, second.kept), (5, 1));
        let report = audit::verify(&db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        let chain = report.chain(a.id.as_uuid()).unwrap();
        assert_eq!((chain.purged, chain.anchored_through), (35, Some(39)));
    }

    async fn tampering_after_the_anchor_or_under_it_is_still_caught(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let (_, kept, recent) = history(&db, &a).await;
        assert!(matches!(purge_a(&db, &a, false).await, Purge::Done(_)));
        disable_triggers(&db).await;

        // An event after the anchor, changed.
        on_id(&db, "UPDATE audit_events SET reason = 'routine' WHERE id = $1", recent[2].id)
            .await
            .unwrap();
        let report = audit::verify(&db).await.unwrap();
        let broken = report.chain(a.id.as_uuid()).unwrap().first_break.clone().unwrap();
        assert_eq!((broken.event_id, broken.problem), (Some(recent[2].id), BreakKind::HashMismatch));
        on_id(&db, "UPDATE audit_events SET reason = NULL WHERE id = $1", recent[2].id)
            .await
            .unwrap();
        assert!(audit::verify(&db).await.unwrap().is_intact(), "restored");

        // A kept event under the anchor, changed, then removed.
        on_id(&db, "UPDATE audit_events SET subject_id = NULL WHERE id = $1", kept[1].id)
            .await
            .unwrap();
        let report = audit::verify(&db).await.unwrap();
        let broken = report.chain(a.id.as_uuid()).unwrap().first_break.clone().unwrap();
        assert_eq!((broken.event_id, broken.problem), (Some(kept[1].id), BreakKind::HashMismatch));
        on_id(&db, "DELETE FROM audit_events WHERE id = $1", kept[1].id).await.unwrap();
        let report = audit::verify(&db).await.unwrap();
        let broken = report.chain(a.id.as_uuid()).unwrap().first_break.clone().unwrap();
        assert_eq!((broken.seq, broken.problem), (33, BreakKind::KeptMismatch));
    }

    async fn tampering_with_the_anchor_is_caught(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let (_, _, recent) = history(&db, &a).await;
        let Purge::Done(anchor) = purge_a(&db, &a, false).await else { panic!() };
        // Refused by the triggers first.
        let err = on_id(&db, "UPDATE audit_anchors SET purged = 0 WHERE id = $1", anchor.id)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("audit anchors are append-only"), "{err}");
        let err = on_id(&db, "DELETE FROM audit_anchors WHERE id = $1", anchor.id).await.unwrap_err();
        assert!(err.to_string().contains("audit anchors are append-only"), "{err}");
        // A recent event is not under any anchor: still refused.
        let err = on_id(&db, "DELETE FROM audit_events WHERE id = $1", recent[0].id)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("audit events are append-only"), "{err}");
        disable_triggers(&db).await;

        // Its counts changed: the purge event says otherwise.
        on_id(&db, "UPDATE audit_anchors SET purged = 3 WHERE id = $1", anchor.id).await.unwrap();
        let report = audit::verify(&db).await.unwrap();
        let broken = report.chain(a.id.as_uuid()).unwrap().first_break.clone().unwrap();
        assert_eq!(broken.problem, BreakKind::AnchorMismatch);
        on_id(&db, "UPDATE audit_anchors SET purged = 30 WHERE id = $1", anchor.id).await.unwrap();
        assert!(audit::verify(&db).await.unwrap().is_intact(), "restored");

        // Its hash changed: the first event after it no longer links.
        let fake = "f".repeat(64);
        match &db {
            Db::Sqlite(p) => sqlx::query("UPDATE audit_anchors SET through_hash = $1")
                .bind(&fake)
                .execute(p)
                .await
                .map(drop),
            Db::Postgres(p) => sqlx::query("UPDATE audit_anchors SET through_hash = $1")
                .bind(&fake)
                .execute(p)
                .await
                .map(drop),
        }
        .unwrap();
        let report = audit::verify(&db).await.unwrap();
        let broken = report.chain(a.id.as_uuid()).unwrap().first_break.clone().unwrap();
        assert_eq!(broken.problem, BreakKind::PrevHashMismatch);

        // Gone: the chain starts at seq 34 with nothing before.
        on_id(&db, "DELETE FROM audit_anchors WHERE id = $1", anchor.id).await.unwrap();
        let report = audit::verify(&db).await.unwrap();
        let broken = report.chain(a.id.as_uuid()).unwrap().first_break.clone().unwrap();
        assert!(matches!(broken.problem, BreakKind::SeqGap { expected: 1, .. }), "{broken:?}");
    }

    async fn an_anchor_no_purge_recorded_is_caught(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let (reads, _, _) = history(&db, &a).await;
        disable_triggers(&db).await;
        // Someone removes the first two events and writes an anchor to hide it.
        for r in &reads[..2] {
            on_id(&db, "DELETE FROM audit_events WHERE id = $1", r.id).await.unwrap();
        }
        let sql = "INSERT INTO audit_anchors (id, chain_id, from_seq, through_seq, through_hash, \
                   purged, kept, kept_digest, first_at, last_at, created_at) \
                   VALUES ($1, $2, 1, 2, $3, 2, 0, $4, NULL, NULL, $5)";
        let digest = domain::audit::kept_digest(std::iter::empty());
        match &db {
            Db::Sqlite(p) => sqlx::query(sql)
                .bind(Uuid::now_v7()).bind(a.id.as_uuid()).bind(&reads[1].hash).bind(&digest)
                .bind(now()).execute(p).await.map(drop),
            Db::Postgres(p) => sqlx::query(sql)
                .bind(Uuid::now_v7()).bind(a.id.as_uuid()).bind(&reads[1].hash).bind(&digest)
                .bind(now()).execute(p).await.map(drop),
        }
        .unwrap();
        let report = audit::verify(&db).await.unwrap();
        let broken = report.chain(a.id.as_uuid()).unwrap().first_break.clone().unwrap();
        assert_eq!((broken.seq, broken.problem), (2, BreakKind::AnchorUnrecorded));
    }

    async fn a_chain_broken_in_the_old_range_is_not_purged(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let (reads, _, _) = history(&db, &a).await;
        disable_triggers(&db).await;
        on_id(&db, "UPDATE audit_events SET reason = 'routine' WHERE id = $1", reads[4].id)
            .await
            .unwrap();
        let Purge::Refused(at) = purge_a(&db, &a, false).await else { panic!("purged anyway") };
        assert_eq!((at.event_id, at.problem), (Some(reads[4].id), BreakKind::HashMismatch));
        assert_eq!(stored_ids(&db, &a).await.len(), 38, "nothing removed");
        assert!(purge::anchors(&db, Some(a.id)).await.unwrap().is_empty());
    }
}

/// A user row, for the settings' author.
async fn user(db: &Db) -> domain::UserId {
    let id = domain::UserId::new();
    let sql = "INSERT INTO users (id, email, display_name, created_at, updated_at) \
               VALUES ($1, $2, 'Test', $3, $3)";
    match db {
        Db::Sqlite(p) => sqlx::query(sql)
            .bind(id.as_uuid())
            .bind("dpo@example.org")
            .bind(now())
            .execute(p)
            .await
            .map(drop),
        Db::Postgres(p) => sqlx::query(sql)
            .bind(id.as_uuid())
            .bind("dpo@example.org")
            .bind(now())
            .execute(p)
            .await
            .map(drop),
    }
    .unwrap();
    id
}
