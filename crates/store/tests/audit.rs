//! The audit log on both engines: chaining, append-only triggers, tamper detection,
//! transactions, concurrency and the DPO's search.

use std::time::Duration;

use domain::audit::{AuditAction, GENESIS_HASH, INSTANCE_CHAIN};
use domain::organisations::{DisplayName, NewOrganisation, Slug};
use domain::{OrganisationId, UserId};
use store::audit::{
    self, AuditCursor, AuditEvent, AuditFilter, AuditScope, BreakKind, ChainBreak, NewAuditEvent,
    SEARCH_MAX_LIMIT, VERIFY_PAGE_SIZE,
};
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

/// A user row, written directly: the audit log needs only an id to point to.
async fn user(db: &Db, email: &str) -> UserId {
    let id = UserId::new();
    let sql = "INSERT INTO users (id, email, display_name, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $4)";
    let now = Ts::now();
    match db {
        Db::Sqlite(p) => sqlx::query(sql)
            .bind(id.as_uuid())
            .bind(email)
            .bind("Test")
            .bind(now)
            .execute(p)
            .await
            .map(drop),
        Db::Postgres(p) => sqlx::query(sql)
            .bind(id.as_uuid())
            .bind(email)
            .bind("Test")
            .bind(now)
            .execute(p)
            .await
            .map(drop),
    }
    .unwrap();
    id
}

/// Runs one statement binding an event id, as someone with SQL access would.
async fn sql_on_event(db: &Db, sql: &str, id: Uuid) -> Result<u64, sqlx::Error> {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).bind(id).execute(p).await.map(|r| r.rows_affected()),
        Db::Postgres(p) => sqlx::query(sql).bind(id).execute(p).await.map(|r| r.rows_affected()),
    }
}

/// What a privileged tamperer does first: take the append-only triggers out of the way.
async fn disable_triggers(db: &Db) {
    match db {
        Db::Sqlite(p) => sqlx::raw_sql(
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; \
             DROP TRIGGER audit_chains_no_delete;",
        )
        .execute(p)
        .await
        .map(drop),
        Db::Postgres(p) => sqlx::raw_sql(
            "ALTER TABLE audit_events DISABLE TRIGGER USER; \
             ALTER TABLE audit_chains DISABLE TRIGGER USER;",
        )
        .execute(p)
        .await
        .map(drop),
    }
    .unwrap();
}

fn at(minutes: i64) -> Ts {
    Ts::from(datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(minutes))
}

fn read(org: &Organisation) -> NewAuditEvent {
    NewAuditEvent::new(AuditAction::PersonFileRead, Some(org.id)).on("person", Uuid::now_v7())
}

async fn append_at(db: &Db, event: NewAuditEvent, now: Ts) -> AuditEvent {
    let mut tx = db.begin_write().await.unwrap();
    let stored = audit::append(&mut tx, &event, now).await.unwrap();
    tx.commit().await.unwrap();
    stored
}

engine_tests! {
    async fn events_chain_per_organisation_from_seq_one_and_the_instance_chain_apart(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "org-a").await, org(&db, "org-b").await);
        let admin = user(&db, "admin@example.org").await;
        let created = NewAuditEvent::new(AuditAction::OrganisationCreated, None)
            .by(admin)
            .on("organisation", a.id.as_uuid())
            .from_request(Some("192.0.2.7".into()), Some("req-42".into()))
            .detail("role", "admin");
        let mut stored = Vec::new();
        for event in [read(&a), created.clone(), read(&b), read(&a), created, read(&a)] {
            stored.push(audit::append_now(&db, &event).await.unwrap());
        }
        let chain = |id: Uuid| stored.iter().filter(move |e| e.chain_id == id).collect::<Vec<_>>();
        for (chain_id, n) in [(a.id.as_uuid(), 3), (b.id.as_uuid(), 1), (INSTANCE_CHAIN, 2)] {
            let events = chain(chain_id);
            let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
            assert_eq!(seqs, (1..=n).collect::<Vec<_>>());
            assert_eq!(events[0].prev_hash, GENESIS_HASH, "each chain starts from genesis");
            for pair in events.windows(2) {
                assert_eq!(pair[1].prev_hash, pair[0].hash, "each event links to the one before");
            }
        }
        let instance = chain(INSTANCE_CHAIN)[0];
        assert_eq!(instance.organisation_id, None);
        assert_eq!(instance.actor(), Some(admin));
        assert_eq!(instance.action(), Ok(AuditAction::OrganisationCreated));
        assert_eq!(instance.subject_type.as_deref(), Some("organisation"));
        assert_eq!(instance.client_addr.as_deref(), Some("192.0.2.7"));
        assert_eq!(instance.request_id.as_deref(), Some("req-42"));
        assert_eq!(instance.details.as_deref(), Some(r#"{"role":"admin"}"#));
        assert_eq!(chain(a.id.as_uuid())[0].organisation(), Some(a.id));
    }

    async fn an_untouched_log_verifies_chain_by_chain(db) {
        let db = db.migrated().await;
        assert!(audit::verify(&db).await.unwrap().chains.is_empty(), "an empty log has no chain");
        let (a, b) = (org(&db, "org-a").await, org(&db, "org-b").await);
        let admin = NewAuditEvent::new(AuditAction::AdminAction, None);
        for event in [read(&a), read(&b), read(&a), admin] {
            audit::append_now(&db, &event).await.unwrap();
        }
        let report = audit::verify(&db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.chains.len(), 3);
        assert!(report.chains[0].is_instance(), "the instance chain comes first");
        assert_eq!(report.chains[0].events, 1);
        let chain_a = report.chain(a.id.as_uuid()).unwrap();
        assert_eq!((chain_a.events, chain_a.organisation_slug.as_deref()), (2, Some("org-a")));
        assert_eq!(report.chain(b.id.as_uuid()).unwrap().events, 1);
    }

    async fn updating_or_deleting_an_event_by_sql_is_refused_by_the_triggers(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let event = audit::append_now(&db, &read(&a)).await.unwrap();
        for sql in [
            "UPDATE audit_events SET reason = 'nothing to see' WHERE id = $1",
            "DELETE FROM audit_events WHERE id = $1",
        ] {
            let err = sql_on_event(&db, sql, event.id).await.unwrap_err();
            assert!(err.to_string().contains("audit events are append-only"), "{sql}: {err}");
        }
        let err = sql_on_event(&db, "DELETE FROM audit_chains WHERE chain_id = $1", a.id.as_uuid())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("audit chains are append-only"), "{err}");
        assert!(audit::verify(&db).await.unwrap().is_intact());
    }

    async fn a_reason_changed_behind_the_triggers_back_is_named_by_verify(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "org-a").await, org(&db, "org-b").await);
        let mut events = Vec::new();
        for _ in 0..4 {
            events.push(audit::append_now(&db, &read(&a).because("follow-up")).await.unwrap());
            audit::append_now(&db, &read(&b)).await.unwrap();
        }
        disable_triggers(&db).await;
        let target = &events[1];
        let changed =
            sql_on_event(&db, "UPDATE audit_events SET reason = 'routine' WHERE id = $1", target.id)
                .await
                .unwrap();
        assert_eq!(changed, 1);
        let report = audit::verify(&db).await.unwrap();
        assert!(!report.is_intact());
        let chain_a = report.chain(a.id.as_uuid()).unwrap();
        assert_eq!(
            chain_a.first_break,
            Some(ChainBreak { event_id: Some(target.id), seq: 2, problem: BreakKind::HashMismatch })
        );
        assert_eq!(chain_a.events, 4);
        assert!(report.chain(b.id.as_uuid()).unwrap().first_break.is_none(), "other chains hold");
    }

    async fn a_deleted_middle_event_is_reported_as_a_sequence_gap(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let mut events = Vec::new();
        for _ in 0..5 {
            events.push(audit::append_now(&db, &read(&a)).await.unwrap());
        }
        disable_triggers(&db).await;
        sql_on_event(&db, "DELETE FROM audit_events WHERE id = $1", events[2].id).await.unwrap();
        let report = audit::verify(&db).await.unwrap();
        let chain_a = report.chain(a.id.as_uuid()).unwrap();
        assert_eq!(chain_a.events, 4);
        let broken = chain_a.first_break.clone().unwrap();
        assert_eq!(broken.event_id, Some(events[3].id), "named: the first event after the gap");
        assert_eq!(broken.problem, BreakKind::SeqGap { expected: 3, found: 4 });
        assert_eq!(broken.problem.to_string(), "sequence gap: event seq 3 is missing");
    }

    async fn a_deleted_newest_event_is_caught_by_the_chain_head(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let mut events = Vec::new();
        for _ in 0..3 {
            events.push(audit::append_now(&db, &read(&a)).await.unwrap());
        }
        disable_triggers(&db).await;
        sql_on_event(&db, "DELETE FROM audit_events WHERE id = $1", events[2].id).await.unwrap();
        let report = audit::verify(&db).await.unwrap();
        let broken = report.chain(a.id.as_uuid()).unwrap().first_break.clone().unwrap();
        assert_eq!(broken.event_id, Some(events[1].id));
        assert_eq!(broken.problem, BreakKind::HeadMismatch { head_seq: 3, last_seq: 2 });
        // And with every event gone, the head still tells.
        for e in &events[..2] {
            sql_on_event(&db, "DELETE FROM audit_events WHERE id = $1", e.id).await.unwrap();
        }
        let report = audit::verify(&db).await.unwrap();
        let chain_a = report.chain(a.id.as_uuid()).unwrap();
        assert_eq!(chain_a.events, 0);
        assert_eq!(
            chain_a.first_break,
            Some(ChainBreak {
                event_id: None,
                seq: 1,
                problem: BreakKind::NoEvents { head_seq: 3 },
            })
        );
    }

    async fn an_event_appended_in_a_rolled_back_transaction_leaves_no_trace(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        audit::append_now(&db, &read(&a)).await.unwrap();
        let ghost = OrganisationId::new();
        {
            let mut tx = db.begin_write().await.unwrap();
            let new = NewOrganisation {
                id: ghost,
                slug: Slug::parse("ghost").unwrap(),
                name: DisplayName::parse("Ghost").unwrap(),
                time_zone: "Europe/Paris".into(),
            };
            organisations::insert(&mut tx, &new, Ts::now()).await.unwrap();
            let created = NewAuditEvent::new(AuditAction::OrganisationCreated, Some(ghost));
            audit::append(&mut tx, &created, Ts::now()).await.unwrap();
            audit::append(&mut tx, &read(&a), Ts::now()).await.unwrap();
            // Dropped without commit.
        }
        let report = audit::verify(&db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert!(report.chain(ghost.as_uuid()).is_none(), "no event, no chain head");
        assert_eq!(report.chain(a.id.as_uuid()).unwrap().events, 1);
        let next = audit::append_now(&db, &read(&a)).await.unwrap();
        assert_eq!(next.seq, 2, "the rolled-back append used no sequence number");
        assert!(audit::verify(&db).await.unwrap().is_intact());
    }

    async fn concurrent_appends_to_one_chain_get_seq_1_to_200_without_a_gap(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (db, event) = (db.clone(), read(&a));
                tokio::spawn(async move {
                    for _ in 0..25 {
                        audit::append_now(&db, &event).await.unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            tokio::time::timeout(Duration::from_secs(120), task).await.unwrap().unwrap();
        }
        let page = audit::search(&db, &AuditFilter::new(AuditScope::Organisation(a.id)), None, 200)
            .await
            .unwrap();
        let mut seqs: Vec<i64> = page.events.iter().map(|e| e.seq).collect();
        seqs.sort();
        assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
        let report = audit::verify(&db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.chain(a.id.as_uuid()).unwrap().events, 200);
    }

    async fn verify_reads_page_after_page_and_finds_a_change_beyond_the_first(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "org-a").await, org(&db, "org-b").await);
        // Chain a straddles the page boundary; chain b starts on the second page.
        let n = VERIFY_PAGE_SIZE + 5;
        let mut tx = db.begin_write().await.unwrap();
        let mut target = None;
        for i in 1..=n {
            let stored = audit::append(&mut tx, &read(&a), Ts::now()).await.unwrap();
            if i == VERIFY_PAGE_SIZE + 2 {
                target = Some(stored);
            }
        }
        for _ in 0..3 {
            audit::append(&mut tx, &read(&b), Ts::now()).await.unwrap();
        }
        tx.commit().await.unwrap();
        let report = audit::verify(&db).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.chain(a.id.as_uuid()).unwrap().events, n as u64);
        assert_eq!(report.chain(b.id.as_uuid()).unwrap().events, 3);
        let target = target.unwrap();
        disable_triggers(&db).await;
        sql_on_event(&db, "UPDATE audit_events SET subject_id = NULL WHERE id = $1", target.id)
            .await
            .unwrap();
        let broken = audit::verify(&db).await.unwrap();
        let chain_a = broken.chain(a.id.as_uuid()).unwrap();
        assert_eq!(chain_a.first_break.as_ref().and_then(|b| b.event_id), Some(target.id));
        assert_eq!(chain_a.first_break.as_ref().map(|b| b.seq), Some(VERIFY_PAGE_SIZE + 2));
        assert!(broken.chain(b.id.as_uuid()).unwrap().first_break.is_none());
    }

    async fn search_filters_by_organisation_actor_subject_action_and_dates(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "org-a").await, org(&db, "org-b").await);
        let (u1, u2) = (user(&db, "u1@example.org").await, user(&db, "u2@example.org").await);
        let (p1, p2, p3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let ev = |action, org: &Organisation, actor, subject: Option<Uuid>| {
            let e = NewAuditEvent::new(action, Some(org.id)).by(actor);
            match subject {
                Some(s) => e.on("person", s),
                None => e,
            }
        };
        use AuditAction::*;
        let events = [
            ev(PersonFileRead, &a, u1, Some(p1)),
            ev(PersonFileRead, &a, u2, Some(p1)),
            ev(RecordUpdated, &a, u1, Some(p2)),
            ev(Export, &a, u1, None),
            ev(PersonFileRead, &b, u1, Some(p3)),
            NewAuditEvent::new(OrganisationCreated, None).by(u1).on("organisation", a.id.as_uuid()),
        ];
        let mut ids = Vec::new();
        for (minute, event) in events.into_iter().enumerate() {
            ids.push(append_at(&db, event, at(minute as i64)).await.id);
        }
        let ids = &ids;
        let found = |filter: AuditFilter| {
            let db = db.clone();
            async move {
                let page = audit::search(&db, &filter, None, 50).await.unwrap();
                assert!(page.next.is_none());
                let index_of = |e: &AuditEvent| ids.iter().position(|id| *id == e.id).unwrap();
                page.events.iter().map(index_of).collect::<Vec<_>>()
            }
        };
        let in_a = AuditFilter::new(AuditScope::Organisation(a.id));
        assert_eq!(found(in_a.clone()).await, [3, 2, 1, 0], "newest first, organisation a only");
        assert_eq!(found(AuditFilter { actor_user_id: Some(u1), ..in_a.clone() }).await, [3, 2, 0]);
        assert_eq!(found(AuditFilter { subject_id: Some(p1), ..in_a.clone() }).await, [1, 0]);
        let reads = AuditFilter { action: Some(PersonFileRead), ..in_a.clone() };
        assert_eq!(found(reads).await, [1, 0]);
        assert_eq!(
            found(AuditFilter { from: Some(at(1)), until: Some(at(3)), ..in_a.clone() }).await,
            [2, 1],
            "from is included, until is not"
        );
        let in_b = AuditFilter::new(AuditScope::Organisation(b.id));
        assert_eq!(found(AuditFilter { subject_id: Some(p1), ..in_b }).await, [] as [usize; 0]);
        assert_eq!(found(AuditFilter::new(AuditScope::Instance)).await, [5]);
        let everywhere =
            AuditFilter { actor_user_id: Some(u1), ..AuditFilter::new(AuditScope::Everything) };
        assert_eq!(found(everywhere).await, [5, 4, 3, 2, 0]);
    }

    async fn search_pages_newest_first_without_loss_or_repeat_and_bounds_the_limit(db) {
        let db = db.migrated().await;
        let a = org(&db, "org-a").await;
        let n = SEARCH_MAX_LIMIT as usize + 5;
        let mut tx = db.begin_write().await.unwrap();
        let mut all = Vec::new();
        for i in 0..n {
            // Three events share each instant: the id breaks the tie.
            all.push(audit::append(&mut tx, &read(&a), at((i / 3) as i64)).await.unwrap());
        }
        tx.commit().await.unwrap();
        all.sort_by_key(|e| std::cmp::Reverse((e.occurred_at, e.id)));
        let filter = AuditFilter::new(AuditScope::Organisation(a.id));

        let big = audit::search(&db, &filter, None, 10_000).await.unwrap();
        assert_eq!(big.events.len(), SEARCH_MAX_LIMIT as usize, "the limit is bounded");
        assert!(big.next.is_some());
        assert_eq!(audit::search(&db, &filter, None, 0).await.unwrap().events.len(), 1);

        let mut seen = Vec::new();
        let mut after: Option<AuditCursor> = None;
        loop {
            let page = audit::search(&db, &filter, after, 7).await.unwrap();
            assert!(page.events.len() <= 7);
            seen.extend(page.events.iter().map(|e| e.id));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, all.iter().map(|e| e.id).collect::<Vec<_>>());
    }
}

engine_tests! {
    async fn an_actor_is_found_by_address_only_where_the_scope_knows_them(db) {
        let db = db.migrated().await;
        let (a, b) = (org(&db, "org-a").await, org(&db, "org-b").await);
        let member = user(&db, "member@example.org").await;
        let visitor = user(&db, "visitor@example.org").await;
        let stranger = user(&db, "stranger@example.org").await;
        store::accounts::insert_membership(
            &db,
            domain::MembershipId::new(),
            member,
            a.id,
            domain::accounts::Role::Worker,
            Ts::now(),
        )
        .await
        .unwrap();
        // Acted in a's chain without a membership (an administrator, say).
        audit::append_now(&db, &NewAuditEvent::new(AuditAction::TeamCreated, Some(a.id)).by(visitor))
            .await
            .unwrap();
        let find = |scope, email: &'static str| {
            let db = db.clone();
            async move { audit::find_actor_by_email(&db, scope, email).await.unwrap() }
        };
        let in_a = AuditScope::Organisation(a.id);
        assert_eq!(find(in_a, "member@example.org").await, Some(member));
        assert_eq!(find(in_a, "visitor@example.org").await, Some(visitor));
        assert_eq!(find(in_a, "stranger@example.org").await, None, "not known to a");
        assert_eq!(find(in_a, "nobody@example.org").await, None);
        assert_eq!(find(AuditScope::Organisation(b.id), "member@example.org").await, None);
        assert_eq!(find(AuditScope::Instance, "stranger@example.org").await, Some(stranger));

        let mut names = audit::actors(&db, &[member, stranger, UserId::new()]).await.unwrap();
        names.sort_by(|x, y| x.email.cmp(&y.email));
        let emails: Vec<_> = names.iter().map(|n| (n.id, n.email.as_str())).collect();
        assert_eq!(emails, [(member, "member@example.org"), (stranger, "stranger@example.org")]);
        assert!(audit::actors(&db, &[]).await.unwrap().is_empty());
    }
}
