//! The access matrix: every route of the router × nobody and one signed-in user per role,
//! checked against `domain::policy::check`, then the same routes with real ids of another
//! organisation, which must answer 404 (no existence leak) — on SQLite and PostgreSQL.
//!
//! A route whose path takes a parameter the matrix does not know how to fill fails the test:
//! whoever adds one extends [`param_kind`] and the fixture.

use std::sync::Arc;
use std::time::Instant;

use domain::accounts::{LinkToken, Role};
use domain::ids::InvitationId;
use domain::policy::{self, ActiveMembership, Actor, Decision};
use domain::{
    ApiTokenId, HouseholdId, HouseholdMemberId, MembershipId, OrganisationId, PersonId, TeamId,
    UserId,
};
use store::accounts::{self, TokenPurpose};
use store::{Ts, demo, organisations, teams};
use testkit::engine_tests;
use web::routes::RouteRule;

use crate::helpers::{TestApp, csrf_in};

/// How many routes `web::startup::routes()` declared when this test was written: an
/// enumeration that finds fewer has lost some (or all) of them.
const KNOWN_ROUTES: usize = 196;

/// Organisation A: the visitors act in it.
const ORG_A: &str = "ccas-valbourg";
/// Organisation B: its ids must open nothing to A's visitors.
const ORG_B: &str = "le-relais";

/// The visitors, in the order the report lists them: nobody, then one account per role.
const ROLES: [Role; 8] = Role::ALL;

/// Routes whose request ends or replaces the visitor's session: each is sent from a fresh
/// session of its own, after everything else (`/logout/everywhere` ends every session of the
/// user, so it comes last).
const SESSION_ENDING: [&str; 3] = ["/account/organisation", "/logout", "/logout/everywhere"];

/// The kinds of path parameter the matrix knows how to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    /// A membership of the organisation (`/admin/users/{membership_id}…`).
    Membership,
    /// A team of the organisation.
    Team,
    /// An API token: only its owner may act on it, so "A's id" is the visitor's own token.
    ApiToken,
    /// An invitation: only its invitee answers it, so "A's id" is the visitor's own (already
    /// expired, so that answering it changes nothing the other checks rely on).
    Invitation,
    /// A one-time link (set or reset a password). The token is the credential itself, on a
    /// public route, and names no organisation: there is no cross-organisation variant.
    LinkToken,
    /// `/static/{name}`: a fixed, existing asset.
    Asset,
    /// `/language/{tag}`: a fixed language.
    Language,
    /// `/admin/lists/{list}…`: a fixed value list; every organisation has every list, so the
    /// list names no organisation's record.
    ValueList,
    /// A person of the organisation.
    Person,
    /// A household of the organisation.
    Household,
    /// A membership of a household (with the household it belongs to).
    HouseholdMember,
    /// A merge of two records of a person.
    Merge,
    /// An urgency flag on a person.
    Flag,
    /// A visit recorded at the desk.
    Visit,
    /// A file uploaded for an import (only its sender reads it back).
    Upload,
    /// A background job: the instance's, of no organisation, so there is no cross-organisation
    /// variant.
    Job,
    /// A user of the organisation (`/caseloads/{user_id}`): the demo worker, whose caseload
    /// the manager and the supervisor of the worker's team see.
    User,
    /// A follow-up check of A's case (scheduled, never recorded by the matrix's empty forms).
    FollowUp,
    /// A case (accompagnement), of the team of the organisation's demo worker.
    Case,
    /// A note of that case, written by the demo worker.
    CaseEntry,
    /// An assessment of that case.
    Assessment,
    /// A case of A in a team of its own, which no visitor follows, supervises or works in:
    /// the one the workers and supervisors may open in an emergency (break the glass).
    EmergencyCase,
    /// A goal of that case's action plan.
    Goal,
    /// A step of that goal.
    Step,
    /// A task: the visitor's own (given to and by them); another user's answers 404.
    Task,
    /// An appointment of A's case in the demo worker's calendar (every calendar user of A
    /// sees when colleagues are busy).
    Appointment,
    /// A calendar feed's secret (`/calendar/{token}`), on a public route; it names no
    /// organisation: there is no cross-organisation variant.
    FeedToken,
    /// A document of A's case: each visitor's own upload (the uploader reads it whatever else
    /// the policy says, so every role the route's rule lets in reaches one).
    Document,
    /// A share link of the visitor's own document.
    Share,
    /// A live share link's token (`/shared/{token}`): the credential itself, on a public route,
    /// so no cross-organisation variant.
    ShareToken,
    /// A partner of the shared directory: the instance's, of no organisation, so there is no
    /// cross-organisation variant (its private notes are chosen by the visitor's organisation).
    Partner,
    /// A service of that partner.
    PartnerService,
    /// A referral of A's case to a service outside Passerelle (sent, consent running).
    Referral,
    /// A referral of B's case to a service linked to A: in A's inbox.
    ReceivedReferral,
    /// A document of B shared by that referral (`/referrals/inbox/{received_id}/documents/…`).
    SharedDocument,
    /// A consent of A's person (of a draft referral), which the first visitor withdraws.
    Consent,
    /// A voice note of A's case recorded by the demo worker (workers of the case read it).
    VoiceNote,
    /// An aid request of A's case, decided (so that its letter exists).
    Aid,
    /// A commission session of A, with an empty agenda.
    AidSession,
    /// Mail kept for A's person, whose election of domicile is running.
    Mail,
    /// A partner instance registered on this one (instance-level: no cross-organisation
    /// variant).
    Peer,
    /// A referral received by A from a partner instance, with an answer package sent back.
    FederatedReferral,
    /// A data-subject request about A's person (access, open).
    SubjectRequest,
    /// A document received with that referral.
    FederatedDocument,
    /// A statutory table's definition of A (`/admin/statistics-tables/{table_id}`).
    StatisticsTable,
    /// A line of A's retention review list about a person followed as a minor (its package
    /// for the public archives).
    RetentionLine,
}

impl Param {
    /// Whether the value names a record of one organisation, so that another organisation's
    /// value must answer 404.
    fn organisation_scoped(self) -> bool {
        matches!(
            self,
            Param::Membership
                | Param::Team
                | Param::ApiToken
                | Param::Invitation
                | Param::Person
                | Param::Household
                | Param::HouseholdMember
                | Param::Merge
                | Param::Flag
                | Param::Visit
                | Param::Upload
                | Param::User
                | Param::FollowUp
                | Param::Case
                | Param::CaseEntry
                | Param::Assessment
                | Param::EmergencyCase
                | Param::Goal
                | Param::Step
                | Param::Task
                | Param::Appointment
                | Param::Document
                | Param::Share
                | Param::Referral
                | Param::ReceivedReferral
                | Param::Consent
                | Param::VoiceNote
                | Param::Aid
                | Param::AidSession
                | Param::Mail
                | Param::FederatedReferral
                | Param::SubjectRequest
                | Param::StatisticsTable
                | Param::RetentionLine
        )
    }
}

/// A registered peer; a referral received from it by `org_a` (with a document, and an answer
/// package sent back) and one by `org_b`; a package of `sent`, A's referral to a service
/// outside, so that its file downloads.
async fn federation_fixture(
    db: &store::Db,
    org_a: OrganisationId,
    org_b: OrganisationId,
    sent: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    use domain::federation::{
        self as fed, ConsentPayload, Contact, DocumentPayload, ReferralPayload,
    };
    let keys = fed::InstanceKeys::generate();
    let them = uuid::Uuid::now_v7();
    let admin = UserId::new();
    let mut tx = db.begin_write().await.unwrap();
    let admin_email = domain::accounts::Email::parse("matrix.peer@valbourg.example").unwrap();
    let admin_name = domain::organisations::DisplayName::parse("Matrix").unwrap();
    let new_admin = store::accounts::NewUser {
        id: admin,
        email: &admin_email,
        display_name: &admin_name,
        instance_admin: true,
    };
    store::accounts::insert_user(&mut tx, &new_admin, Ts::now()).await.unwrap();
    let new = store::federation::NewPeer {
        instance_id: them,
        name: "Instance partenaire",
        base_url: "https://partenaire.example",
        keys: keys.public(),
        partner_id: None,
        organisation_id: Some(org_a),
        by: admin,
    };
    let peer = store::federation::add_peer(&mut tx, &new, Ts::now()).await.unwrap();
    let payload = |id| ReferralPayload {
        referral_id: id,
        sender_organisation: "CCAS partenaire".into(),
        referent: Contact { name: "Référente".into(), email: None },
        service_name: "Accueil".into(),
        reason: "Logement".into(),
        request: "Rendez-vous".into(),
        urgency: "normal".into(),
        consent: ConsentPayload {
            given_by: "person".into(),
            given_by_name: None,
            method: "oral".into(),
            given_on: "2026-11-20".into(),
            scope: vec![],
        },
        identity: vec![],
        domains: vec![],
        documents: vec![],
    };
    let doc = DocumentPayload {
        title: "a.pdf".into(),
        file_name: "a.pdf".into(),
        media_type: "application/pdf".into(),
        content: String::new(),
    };
    let a = store::federation::receive_referral(
        &mut tx,
        org_a.as_uuid(),
        peer,
        &payload(uuid::Uuid::now_v7()),
        &[(doc, b"%PDF-1.4".to_vec())],
        Ts::now(),
    )
    .await
    .unwrap();
    let b = store::federation::receive_referral(
        &mut tx,
        org_b.as_uuid(),
        peer,
        &payload(uuid::Uuid::now_v7()),
        &[],
        Ts::now(),
    )
    .await
    .unwrap();
    let document = store::federation::received_documents(&mut tx, a).await.unwrap()[0].id;
    for (kind, subject) in [(fed::Kind::Answer, a), (fed::Kind::Referral, sent)] {
        let package = fed::seal(
            kind,
            uuid::Uuid::now_v7(),
            them,
            &keys,
            them,
            &keys.public(),
            b"{}",
            Ts::now().get(),
        );
        store::federation::send(&mut tx, &package, peer, subject, Ts::now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    (peer, a, document, b)
}

/// A line of the retention review list of `org` about `person`, followed as a minor, due and
/// waiting for the public archives (as the daily run lists it).
async fn minor_retention_line(
    db: &store::Db,
    org: OrganisationId,
    person: domain::PersonId,
) -> uuid::Uuid {
    let id = uuid::Uuid::now_v7();
    let day = time::macros::date!(2026 - 01 - 10);
    let sql = "INSERT INTO retention_reviews (id, organisation_id, person_id, last_contact_on, \
               due_on, minor, decision, created_at, updated_at, version) \
               VALUES ($1, $2, $3, $4, $4, $5, 'pending', $6, $6, 1)";
    let now = Ts::now();
    match db {
        store::Db::Sqlite(p) => sqlx::query(sql)
            .bind(id)
            .bind(org.as_uuid())
            .bind(person.as_uuid())
            .bind(day)
            .bind(true)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ()),
        store::Db::Postgres(p) => sqlx::query(sql)
            .bind(id)
            .bind(org.as_uuid())
            .bind(person.as_uuid())
            .bind(day)
            .bind(true)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ()),
    }
    .unwrap();
    id
}

/// What fills the parameter `name` of `route`, or `None` when the matrix does not know.
fn param_kind(route: &RouteRule, name: &str) -> Option<Param> {
    match (route.path, name) {
        (_, "membership_id") => Some(Param::Membership),
        (_, "team_id") => Some(Param::Team),
        (path, "id") if path.starts_with("/account/tokens/") => Some(Param::ApiToken),
        (_, "invitation_id") => Some(Param::Invitation),
        (path, "token") if path.starts_with("/account/password/") => Some(Param::LinkToken),
        ("/shared/{token}", "token") => Some(Param::ShareToken),
        (path, "document_id") if path.starts_with("/referrals/federated/") => {
            Some(Param::FederatedDocument)
        }
        (_, "peer_id") => Some(Param::Peer),
        (_, "federated_id") => Some(Param::FederatedReferral),
        (path, "request_id") if path.contains("/privacy/requests/") => Some(Param::SubjectRequest),
        (path, "line") if path.starts_with("/privacy/retention/") => Some(Param::RetentionLine),
        (path, "document_id") if path.starts_with("/referrals/inbox/") => {
            Some(Param::SharedDocument)
        }
        (_, "document_id") => Some(Param::Document),
        (_, "referral_id") => Some(Param::Referral),
        (_, "received_id") => Some(Param::ReceivedReferral),
        (_, "consent_id") => Some(Param::Consent),
        (_, "voice_note_id") => Some(Param::VoiceNote),
        (_, "aid_id") => Some(Param::Aid),
        (_, "mail_id") => Some(Param::Mail),
        (_, "session_id") if path_is_aid(route.path) => Some(Param::AidSession),
        (_, "share_id") => Some(Param::Share),
        ("/static/{name}", "name") => Some(Param::Asset),
        ("/language/{tag}", "tag") => Some(Param::Language),
        (path, "list") if path.starts_with("/admin/lists/") => Some(Param::ValueList),
        (_, "person_id" | "other_id") => Some(Param::Person),
        (_, "merge_id") => Some(Param::Merge),
        (_, "flag_id") => Some(Param::Flag),
        (_, "visit_id") => Some(Param::Visit),
        (_, "upload_id") => Some(Param::Upload),
        (_, "job_id") => Some(Param::Job),
        (path, "table_id") if path.starts_with("/admin/statistics-tables/") => {
            Some(Param::StatisticsTable)
        }
        (_, "user_id") => Some(Param::User),
        (_, "follow_up_id") => Some(Param::FollowUp),
        (path, "case_id") if path.ends_with("/emergency") => Some(Param::EmergencyCase),
        (_, "case_id") => Some(Param::Case),
        (_, "entry_id") => Some(Param::CaseEntry),
        (_, "assessment_id") => Some(Param::Assessment),
        (_, "goal_id") => Some(Param::Goal),
        (_, "step_id") => Some(Param::Step),
        (_, "household_id") => Some(Param::Household),
        (_, "partner_id") => Some(Param::Partner),
        (_, "service_id") => Some(Param::PartnerService),
        (_, "member_id") => Some(Param::HouseholdMember),
        (_, "task_id") => Some(Param::Task),
        (_, "appointment_id") => Some(Param::Appointment),
        (path, "token") if path.starts_with("/calendar/") => Some(Param::FeedToken),
        _ => None,
    }
}

fn path_is_aid(path: &str) -> bool {
    path.starts_with("/aid/sessions/") || path.starts_with("/api/v1/aid/sessions/")
}

/// A running election of domicile for `person` and a piece of mail waiting for them.
async fn mail_of(db: &store::Db, org: OrganisationId, person: PersonId) -> uuid::Uuid {
    let start = time::macros::date!(2026 - 01 - 15);
    let due = domain::domiciliation::renewal_due(start);
    let d =
        store::domiciliations::start(db, org, person, start, due, None, Ts::now()).await.unwrap();
    let received = time::macros::date!(2026 - 11 - 20);
    store::domiciliations::add_mail(db, org, d, received, "letter", Some("CAF"), None, Ts::now())
        .await
        .unwrap()
}

/// An aid request of `case` (energy aid, 300 €), decided (granted) when `decided`; and a
/// commission session of `org`. Returns both.
async fn aid_of(
    db: &store::Db,
    org: OrganisationId,
    person: PersonId,
    case: domain::CaseId,
    by: UserId,
    decided: bool,
) -> (uuid::Uuid, uuid::Uuid) {
    use domain::aid::{Decision, RequestFields, Status};
    let fields = RequestFields {
        aid_type: "energy_aid".into(),
        requested_on: time::macros::date!(2026 - 11 - 20),
        asked_cents: Some(30_000),
        presentation: "Facture".into(),
    };
    let new = store::aid::NewRequest {
        organisation_id: org,
        case_id: case,
        person_id: person,
        fields: &fields,
        by,
    };
    let mut tx = db.begin_write().await.unwrap();
    let id = store::aid::create(&mut tx, &new, Ts::now()).await.unwrap();
    let session =
        store::aid::create_session(&mut tx, org, "Commission", fields.requested_on, by, Ts::now())
            .await
            .unwrap();
    if decided {
        let r = store::aid::find(&mut tx, org, id).await.unwrap().unwrap();
        store::aid::move_to(&mut tx, &r, 1, Status::UnderReview, by, Ts::now()).await.unwrap();
        let r = store::aid::find(&mut tx, org, id).await.unwrap().unwrap();
        let d = Decision {
            outcome: Status::Accepted,
            granted_cents: Some(30_000),
            refusal_reason: None,
            comment: None,
        };
        assert!(store::aid::decide(&mut tx, &r, r.version, &d, by, Ts::now()).await.unwrap());
    }
    tx.commit().await.unwrap();
    (id, session)
}

/// A referral of `case` to `service` with `items`, sent (or left a draft); returns it with its
/// consent.
#[allow(clippy::too_many_arguments)] // A referral's parts, each named.
async fn referral(
    db: &store::Db,
    org: OrganisationId,
    person: PersonId,
    case: domain::CaseId,
    service: domain::PartnerServiceId,
    partner: Option<OrganisationId>,
    items: Vec<domain::referrals::ShareItem>,
    by: UserId,
    send: bool,
) -> (uuid::Uuid, uuid::Uuid) {
    use domain::referrals::*;
    let fields = ReferralFields {
        reason: "Matrice".into(),
        request: "Matrice".into(),
        urgency: Urgency::Normal,
        items,
        given_by: ConsentGiver::Person,
        given_by_name: None,
        method: ConsentMethod::Oral,
        given_on: time::macros::date!(2026 - 01 - 10),
    };
    let new = store::referrals::NewReferral {
        organisation_id: org,
        case_id: case,
        person_id: person,
        service_id: service,
        partner_organisation_id: partner,
        recipient: "Colis — Matrice",
        fields: &fields,
        by,
    };
    let mut tx = db.begin_write().await.unwrap();
    let id = store::referrals::create(&mut tx, &new, Ts::now()).await.unwrap();
    let r = store::referrals::find(&mut tx, org, id).await.unwrap().unwrap();
    if send {
        store::referrals::move_to(&mut tx, &r, 1, Status::Sent, Side::Sender, by, None, Ts::now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    (id, r.consent_id)
}

/// A partner of the directory with one service, linked to the hosted organisation `linked`.
async fn linked_entry(db: &store::Db, linked: OrganisationId) -> domain::PartnerServiceId {
    use domain::partners::{PartnerDraft, ServiceDraft, default_domains};
    let partner = domain::partners::validate_partner(&PartnerDraft {
        name: "Partenaire hébergé".into(),
        ..Default::default()
    })
    .unwrap();
    let service = domain::partners::validate_service(
        &ServiceDraft {
            name: "Accueil".into(),
            domains: vec!["food".into()],
            ..Default::default()
        },
        &default_domains(),
    )
    .unwrap();
    let (p, s) = (domain::PartnerId::new(), domain::PartnerServiceId::new());
    let mut tx = db.begin_write().await.unwrap();
    store::partners::insert_partner(&mut tx, p, None, &partner, Some(linked), None, Ts::now())
        .await
        .unwrap();
    store::partners::insert_service(&mut tx, s, p, None, &service, None, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    s
}

/// A partner of the directory with one service.
async fn directory_entry(db: &store::Db) -> (domain::PartnerId, domain::PartnerServiceId) {
    use domain::partners::{PartnerDraft, ServiceDraft, default_domains};
    let partner = domain::partners::validate_partner(&PartnerDraft {
        name: "Épicerie de la matrice".into(),
        ..Default::default()
    })
    .unwrap();
    let service = domain::partners::validate_service(
        &ServiceDraft { name: "Colis".into(), domains: vec!["food".into()], ..Default::default() },
        &default_domains(),
    )
    .unwrap();
    let (p, s) = (domain::PartnerId::new(), domain::PartnerServiceId::new());
    let mut tx = db.begin_write().await.unwrap();
    store::partners::insert_partner(&mut tx, p, None, &partner, None, None, Ts::now())
        .await
        .unwrap();
    store::partners::insert_service(&mut tx, s, p, None, &service, None, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    (p, s)
}

/// The parameter names of a path pattern, in order (`{*rest}` gives `rest`).
fn param_names(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|s| s.trim_start_matches('*'))
        .collect()
}

/// The path with each parameter replaced by `fill(kind, position)`; `None` when one cannot be
/// filled for this visitor.
fn substitute(
    route: &RouteRule,
    mut fill: impl FnMut(Param, usize) -> Option<String>,
) -> Option<String> {
    let mut position = 0;
    let mut segments = Vec::new();
    for segment in route.path.split('/') {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                let kind = param_kind(route, name.trim_start_matches('*'))
                    .expect("checked before the matrix runs");
                segments.push(fill(kind, position)?);
                position += 1;
            }
            None => segments.push(segment.to_owned()),
        }
    }
    Some(segments.join("/"))
}

/// Real ids of one organisation's records.
#[derive(Debug, Clone)]
struct OrgIds {
    organisation: OrganisationId,
    membership: MembershipId,
    team: TeamId,
    person: PersonId,
    household: HouseholdId,
    household_member: HouseholdMemberId,
    merge: uuid::Uuid,
    flag: uuid::Uuid,
    visit: uuid::Uuid,
    /// Uploaded by the manager visitor, the one role that imports.
    upload: uuid::Uuid,
    user: UserId,
    follow_up: uuid::Uuid,
    case: domain::CaseId,
    case_entry: domain::CaseEntryId,
    assessment: domain::assessments::AssessmentId,
    emergency_case: domain::CaseId,
    goal: domain::ids::GoalId,
    step: domain::ids::StepId,
    /// A task of a user of A who is no visitor, on no case: nobody else's to see.
    others_task: uuid::Uuid,
    appointment: uuid::Uuid,
    partner: domain::PartnerId,
    partner_service: domain::PartnerServiceId,
    referral: uuid::Uuid,
    received: uuid::Uuid,
    shared_document: uuid::Uuid,
    consent: uuid::Uuid,
    voice_note: uuid::Uuid,
    aid: uuid::Uuid,
    aid_session: uuid::Uuid,
    mail: uuid::Uuid,
    subject_request: uuid::Uuid,
    retention_line: uuid::Uuid,
    peer: uuid::Uuid,
    federated: uuid::Uuid,
    federated_document: uuid::Uuid,
    statistics_table: uuid::Uuid,
}

/// Another organisation's records, each with what it is, for the report.
#[derive(Debug, Clone)]
struct ForeignIds {
    organisation: OrganisationId,
    memberships: Vec<(&'static str, MembershipId)>,
    teams: Vec<(&'static str, TeamId)>,
    tokens: Vec<(&'static str, ApiTokenId)>,
    persons: Vec<(&'static str, PersonId)>,
    households: Vec<(&'static str, HouseholdId)>,
    household_members: Vec<(&'static str, HouseholdMemberId)>,
    merges: Vec<(&'static str, uuid::Uuid)>,
    flags: Vec<(&'static str, uuid::Uuid)>,
    visits: Vec<(&'static str, uuid::Uuid)>,
    uploads: Vec<(&'static str, uuid::Uuid)>,
    users: Vec<(&'static str, UserId)>,
    follow_ups: Vec<(&'static str, uuid::Uuid)>,
    cases: Vec<(&'static str, domain::CaseId)>,
    case_entries: Vec<(&'static str, domain::CaseEntryId)>,
    assessments: Vec<(&'static str, domain::assessments::AssessmentId)>,
    goals: Vec<(&'static str, domain::ids::GoalId)>,
    steps: Vec<(&'static str, domain::ids::StepId)>,
    tasks: Vec<(&'static str, uuid::Uuid)>,
    appointments: Vec<(&'static str, uuid::Uuid)>,
    documents: Vec<(&'static str, uuid::Uuid)>,
    shares: Vec<(&'static str, uuid::Uuid)>,
    referrals: Vec<(&'static str, uuid::Uuid)>,
    received: Vec<(&'static str, uuid::Uuid)>,
    consents: Vec<(&'static str, uuid::Uuid)>,
    voice_notes: Vec<(&'static str, uuid::Uuid)>,
    aid_requests: Vec<(&'static str, uuid::Uuid)>,
    aid_sessions: Vec<(&'static str, uuid::Uuid)>,
    mail: Vec<(&'static str, uuid::Uuid)>,
    subject_requests: Vec<(&'static str, uuid::Uuid)>,
    retention_lines: Vec<(&'static str, uuid::Uuid)>,
    federated: Vec<(&'static str, uuid::Uuid)>,
    statistics_tables: Vec<(&'static str, uuid::Uuid)>,
}

/// One visitor: nobody, or a signed-in user acting in organisation A.
#[derive(Clone)]
struct Visitor {
    name: String,
    email: Option<String>,
    /// As `/api/v1/me` describes the session; `None` for nobody.
    actor: Option<Actor>,
    client: reqwest::Client,
    csrf: String,
    /// The visitor's own API token in A (none for nobody and an instance admin without a
    /// membership, who can hold none).
    own_token: Option<ApiTokenId>,
    /// A token of another user of A: never the visitor's to revoke.
    others_token: ApiTokenId,
    /// The visitor's own invitation (none for nobody).
    own_invitation: Option<InvitationId>,
    /// An invitation of another user: never the visitor's to answer.
    others_invitation: InvitationId,
    /// Whether the user is also a member of B (then switching to B is legitimate).
    member_of_b: bool,
    /// The visitor's own task (none for those without a to-do list).
    own_task: Option<uuid::Uuid>,
}

/// Everything the visitors' tasks share.
struct Plan {
    base: String,
    routes: Vec<RouteRule>,
    a: OrgIds,
    b: ForeignIds,
    link_token: String,
    /// The secret of a calendar feed of a user of A who is no visitor.
    feed_token: String,
    /// A queued job (the administrator's retry or cancel of it answers, whatever it does).
    job: domain::JobId,
    /// Each visitor's own document of A's case, and a share link of it, by visitor name.
    documents: std::collections::HashMap<String, (uuid::Uuid, uuid::Uuid)>,
    /// A live share link of a document of A.
    share_token: String,
}

impl Plan {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A's value for a parameter, as `visitor` would use it.
    fn a_value(&self, visitor: &Visitor, kind: Param) -> Option<String> {
        Some(match kind {
            Param::Membership => self.a.membership.to_string(),
            Param::Team => self.a.team.to_string(),
            // Someone else's token answers 404 by design: the visitor uses its own, and one
            // without a token has no "A" value here (its foreign checks still run).
            Param::ApiToken => match (&visitor.actor, visitor.own_token) {
                (_, Some(own)) => own.to_string(),
                (None, None) => visitor.others_token.to_string(),
                (Some(_), None) => return None,
            },
            Param::Invitation => match visitor.own_invitation {
                Some(own) => own.to_string(),
                None => visitor.others_invitation.to_string(),
            },
            Param::LinkToken => self.link_token.clone(),
            Param::Asset => "app.css".to_owned(),
            Param::Language => "fr".to_owned(),
            Param::ValueList => "housing_situation".to_owned(),
            Param::Person => self.a.person.to_string(),
            Param::Household => self.a.household.to_string(),
            Param::HouseholdMember => self.a.household_member.to_string(),
            Param::Merge => self.a.merge.to_string(),
            Param::Flag => self.a.flag.to_string(),
            Param::Visit => self.a.visit.to_string(),
            Param::Upload => self.a.upload.to_string(),
            Param::Job => self.job.to_string(),
            Param::User => self.a.user.to_string(),
            Param::FollowUp => self.a.follow_up.to_string(),
            Param::Case => self.a.case.to_string(),
            Param::CaseEntry => self.a.case_entry.to_string(),
            Param::Assessment => self.a.assessment.to_string(),
            Param::EmergencyCase => self.a.emergency_case.to_string(),
            Param::Goal => self.a.goal.to_string(),
            Param::Step => self.a.step.to_string(),
            Param::Task => visitor.own_task.unwrap_or(self.a.others_task).to_string(),
            Param::Appointment => self.a.appointment.to_string(),
            Param::FeedToken => format!("{}.ics", self.feed_token),
            Param::Document | Param::Share => {
                let own = self.documents.get(&v_name(visitor)).or(self.documents.get("worker"));
                let (doc, share) = own.expect("the worker has a document");
                if kind == Param::Document { doc.to_string() } else { share.to_string() }
            }
            Param::ShareToken => self.share_token.clone(),
            Param::Partner => self.a.partner.to_string(),
            Param::PartnerService => self.a.partner_service.to_string(),
            Param::Referral => self.a.referral.to_string(),
            Param::ReceivedReferral => self.a.received.to_string(),
            Param::SharedDocument => self.a.shared_document.to_string(),
            Param::Consent => self.a.consent.to_string(),
            Param::VoiceNote => self.a.voice_note.to_string(),
            Param::Aid => self.a.aid.to_string(),
            Param::AidSession => self.a.aid_session.to_string(),
            Param::Mail => self.a.mail.to_string(),
            Param::SubjectRequest => self.a.subject_request.to_string(),
            Param::RetentionLine => self.a.retention_line.to_string(),
            Param::Peer => self.a.peer.to_string(),
            Param::FederatedReferral => self.a.federated.to_string(),
            Param::FederatedDocument => self.a.federated_document.to_string(),
            Param::StatisticsTable => self.a.statistics_table.to_string(),
        })
    }

    /// The other organisation's (or another user's) values for an organisation-scoped kind.
    fn foreign_values(&self, visitor: &Visitor, kind: Param) -> Vec<(String, String)> {
        match kind {
            Param::Membership => {
                self.b.memberships.iter().map(|(l, id)| (l.to_string(), id.to_string())).collect()
            }
            Param::Team => {
                self.b.teams.iter().map(|(l, id)| (l.to_string(), id.to_string())).collect()
            }
            Param::ApiToken => {
                let mut list: Vec<(String, String)> =
                    self.b.tokens.iter().map(|(l, id)| (l.to_string(), id.to_string())).collect();
                list.push((
                    "token of another user of A".to_owned(),
                    visitor.others_token.to_string(),
                ));
                list
            }
            Param::Invitation => vec![(
                "invitation of another user".to_owned(),
                visitor.others_invitation.to_string(),
            )],
            Param::Person => labelled(&self.b.persons),
            Param::Household => labelled(&self.b.households),
            Param::HouseholdMember => labelled(&self.b.household_members),
            Param::Merge => labelled(&self.b.merges),
            Param::Flag => labelled(&self.b.flags),
            Param::Visit => labelled(&self.b.visits),
            Param::Upload => labelled(&self.b.uploads),
            Param::StatisticsTable => labelled(&self.b.statistics_tables),
            Param::User => labelled(&self.b.users),
            Param::FollowUp => labelled(&self.b.follow_ups),
            Param::Case | Param::EmergencyCase => labelled(&self.b.cases),
            Param::CaseEntry => labelled(&self.b.case_entries),
            Param::Assessment => labelled(&self.b.assessments),
            Param::Goal => labelled(&self.b.goals),
            Param::Step => labelled(&self.b.steps),
            Param::Task => {
                let mut list = labelled(&self.b.tasks);
                list.push(("task of another user of A".to_owned(), self.a.others_task.to_string()));
                list
            }
            Param::Appointment => labelled(&self.b.appointments),
            Param::Document => labelled(&self.b.documents),
            Param::Share => labelled(&self.b.shares),
            Param::Referral => labelled(&self.b.referrals),
            Param::ReceivedReferral => labelled(&self.b.received),
            Param::Consent => labelled(&self.b.consents),
            Param::VoiceNote => labelled(&self.b.voice_notes),
            Param::Aid => labelled(&self.b.aid_requests),
            Param::AidSession => labelled(&self.b.aid_sessions),
            Param::Mail => labelled(&self.b.mail),
            Param::SubjectRequest => labelled(&self.b.subject_requests),
            Param::RetentionLine => labelled(&self.b.retention_lines),
            Param::FederatedReferral => labelled(&self.b.federated),
            Param::FeedToken
            | Param::LinkToken
            | Param::Asset
            | Param::Language
            | Param::ValueList
            | Param::Job
            | Param::ShareToken
            | Param::Partner
            | Param::PartnerService
            | Param::SharedDocument
            | Param::Peer
            | Param::FederatedDocument => vec![],
        }
    }
}

fn v_name(v: &Visitor) -> String {
    v.name.clone()
}

/// A document of `case` uploaded by `by`, its (encrypted) file in the app's store, and a live
/// share link of it with `token`.
async fn document_with_share(
    app: &TestApp,
    org: OrganisationId,
    person: PersonId,
    case: domain::CaseId,
    by: UserId,
    token: &str,
) -> (uuid::Uuid, uuid::Uuid) {
    let db = &app.state.db;
    let object = uuid::Uuid::now_v7().to_string();
    let mut upload = app.state.config.files.store.create(&object).await.unwrap();
    let content = b"%PDF-1.4\n% matrice\n%%EOF\n";
    upload.write(content).await.unwrap();
    upload.finish().await.unwrap();
    let id = uuid::Uuid::now_v7();
    let new = store::documents::NewDocument {
        id,
        organisation_id: org,
        person_id: person,
        case_id: Some(case),
        type_code: "tax_notice",
        file_name: "matrice.pdf",
        file_type: "pdf",
        size_bytes: content.len() as i64,
        object_name: &object,
        key_id: app.state.config.files.store.keys().current_id(),
        expires_on: None,
        confidential: false,
        uploaded_by: by,
    };
    let share = uuid::Uuid::now_v7();
    let hash = hex::encode(web::auth::token_hash(token));
    let link = store::documents::NewShare {
        id: share,
        organisation_id: org,
        document_id: id,
        token_hash: &hash,
        recipient: "partner",
        recipient_label: None,
        expires_at: in_days(2),
        created_by: by,
    };
    let mut tx = db.begin_write().await.unwrap();
    store::documents::insert(&mut tx, &new, "Avis d'imposition", Ts::now()).await.unwrap();
    store::documents::create_share(&mut tx, &link, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    (id, share)
}

/// A voice note of `case` recorded by `by`, its (encrypted) recording in the app's store.
async fn voice_note_of(
    app: &TestApp,
    org: OrganisationId,
    person: PersonId,
    case: domain::CaseId,
    by: UserId,
) -> uuid::Uuid {
    let object = uuid::Uuid::now_v7().to_string();
    let mut upload = app.state.config.files.store.create(&object).await.unwrap();
    let content = b"OggS\0\x02 matrice";
    upload.write(content).await.unwrap();
    upload.finish().await.unwrap();
    let id = uuid::Uuid::now_v7();
    let new = store::voice_notes::NewVoiceNote {
        id,
        organisation_id: org,
        person_id: person,
        case_id: case,
        author: by,
        note_type: "home_visit",
        file_type: "ogg",
        size_bytes: content.len() as i64,
        object_name: &object,
        key_id: app.state.config.files.store.keys().current_id(),
        language: "fr",
        status: domain::voice_notes::VoiceNoteStatus::Manual,
    };
    let mut tx = app.state.db.begin_write().await.unwrap();
    store::voice_notes::insert(&mut tx, &new, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

fn labelled<T: ToString>(list: &[(&'static str, T)]) -> Vec<(String, String)> {
    list.iter().map(|(l, id)| (l.to_string(), id.to_string())).collect()
}

/// A person with a household of one more member, and a merge of two other records, in `org`:
/// the ids the matrix fills in.
async fn person_with_household(
    db: &store::Db,
    org: OrganisationId,
) -> (PersonId, HouseholdId, HouseholdMemberId, uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    let rec = |name: &str| domain::persons::PersonRecord {
        birth_name: Some(name.to_owned()),
        ..Default::default()
    };
    let (person, child) = (PersonId::new(), PersonId::new());
    let mut tx = db.begin_write().await.unwrap();
    store::persons::insert(&mut tx, org, person, &rec("Matrice"), None, Ts::now()).await.unwrap();
    store::persons::insert(&mut tx, org, child, &rec("Matrice"), None, Ts::now()).await.unwrap();
    let household =
        store::households::create(&mut tx, org, person, None, None, Ts::now()).await.unwrap();
    let member =
        store::households::add_member(&mut tx, household, child, "minor_child", None, Ts::now())
            .await
            .unwrap();
    let (kept, twin) = (PersonId::new(), PersonId::new());
    store::persons::insert(&mut tx, org, kept, &rec("Jumeau"), None, Ts::now()).await.unwrap();
    store::persons::insert(&mut tx, org, twin, &rec("Jumeaux"), None, Ts::now()).await.unwrap();
    let merge =
        store::merges::merge(&mut tx, org, kept, 1, twin, 1, &rec("Jumeau"), None, Ts::now())
            .await
            .unwrap()
            .unwrap();
    let visit = domain::intake::parse_visit("Matrice", "appointment_requested", "", true).unwrap();
    let visit = store::intake::record_visit(&mut tx, org, person, &visit, None, None, Ts::now())
        .await
        .unwrap();
    let flag =
        store::intake::raise_flag(&mut tx, org, person, "no_food", None, None, None, Ts::now())
            .await
            .unwrap();
    tx.commit().await.unwrap();
    (person, household, member, merge, flag, visit)
}

/// An assessment of `case` by `worker`, the id the matrix fills in for assessments.
async fn assessment_of(
    db: &store::Db,
    org: OrganisationId,
    case: domain::CaseId,
    worker: UserId,
) -> domain::assessments::AssessmentId {
    let content = domain::assessments::AssessmentContent {
        assessed_on: time::macros::date!(2026 - 01 - 10),
        ratings: vec![domain::assessments::Rating {
            domain: "housing".into(),
            need: Some(3),
            person: Some(2),
            person_words: None,
            strengths: None,
            priority: true,
        }],
    };
    let mut tx = db.begin_write().await.unwrap();
    let new = store::assessments::NewAssessment {
        id: domain::assessments::AssessmentId::new(),
        organisation_id: org,
        case_id: case,
        content: &content,
        by: worker,
    };
    let id = store::assessments::record(&mut tx, &new, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// A case of `person` in `team`, followed by `referent`, with a note the referent wrote and
/// corrected once: the ids the matrix fills in for cases and notes.
async fn case_with_note(
    db: &store::Db,
    org: OrganisationId,
    person: PersonId,
    team: TeamId,
    referent: UserId,
) -> (domain::CaseId, domain::CaseEntryId) {
    let id = domain::CaseId::new();
    let mut tx = db.begin_write().await.unwrap();
    let new = store::cases::NewCase {
        id,
        organisation_id: org,
        person_id: person,
        household_id: None,
        team_id: team,
        referent_id: referent,
        co_referents: &[],
        reason: "Matrice",
        orientation_source: None,
        opened_by: referent,
    };
    store::cases::open(&mut tx, &new, Ts::now()).await.unwrap();
    let note = store::cases::NoteRecord {
        occurred_at: Ts::now(),
        duration_minutes: None,
        place: None,
        participants: None,
        note_type: "phone".into(),
        confidentiality: domain::cases::Confidentiality::Normal,
        body: "Matrice".into(),
    };
    let entry = store::cases::add_note(&mut tx, org, id, &note, referent, Ts::now()).await.unwrap();
    assert!(store::cases::correct_note(&mut tx, org, entry, 1, &note, Ts::now()).await.unwrap());
    tx.commit().await.unwrap();
    (id, entry)
}

/// A goal of `case`'s plan with one step: the ids the matrix fills in for plans.
async fn goal_with_step(
    db: &store::Db,
    org: OrganisationId,
    case: domain::CaseId,
    by: UserId,
) -> (domain::ids::GoalId, domain::ids::StepId) {
    let goal = domain::plans::Goal {
        person_words: "Matrice".into(),
        worker_words: None,
        domains: vec![],
        status: domain::plans::GoalStatus::Active,
    };
    let step = domain::plans::Step {
        action: "Matrice".into(),
        owner: domain::plans::StepOwner::Person,
        partner_name: None,
        due_on: None,
        status: domain::plans::StepStatus::Planned,
    };
    let mut tx = db.begin_write().await.unwrap();
    let g = store::plans::create_goal(&mut tx, org, case, &goal, by, Ts::now()).await.unwrap();
    let s = store::plans::add_step(&mut tx, org, case, g, &step, by, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    (g, s.unwrap())
}

/// A typed task given to and by `user`, on no case.
async fn own_task(db: &store::Db, org: OrganisationId, user: UserId) -> uuid::Uuid {
    let fields = domain::tasks::TaskFields { title: "Matrice".into(), details: None, due_on: None };
    let new = store::tasks::NewTask {
        organisation_id: org,
        fields: &fields,
        case_id: None,
        person_id: None,
        assignee: user,
        by: user,
    };
    let mut tx = db.begin_write().await.unwrap();
    let id = store::tasks::create(&mut tx, &new, Ts::now()).await.unwrap();
    tx.commit().await.unwrap();
    id
}

/// An appointment of `case` in `worker`'s calendar, tomorrow.
async fn appointment_of(
    db: &store::Db,
    org: OrganisationId,
    case: &store::cases::Case,
    worker: UserId,
) -> uuid::Uuid {
    let spans = [(in_days(1), Ts::from(in_days(1).get() + time::Duration::hours(1)))];
    let new = store::appointments::NewAppointment {
        organisation_id: org,
        worker,
        person_id: Some(case.person_id),
        case_id: Some(case.id),
        spans: &spans,
        place: domain::appointments::Place::Office,
        place_detail: None,
        purpose: Some("Matrice"),
        remind: None,
        by: worker,
    };
    let mut tx = db.begin_write().await.unwrap();
    let id = store::appointments::book(&mut tx, &new, Ts::now()).await.unwrap()[0];
    tx.commit().await.unwrap();
    id
}

/// The form a state-changing request sends: harmless values that the handler refuses, or that
/// change nothing that matters to the fixture.
fn form_fields(path: &str, visitor: &str, organisation: OrganisationId) -> Vec<(String, String)> {
    let pairs: Vec<(&str, String)> = match path {
        // An unknown account: 422, and nobody's session changes.
        "/login" => vec![
            ("email", format!("matrix-{visitor}@nowhere.example")),
            ("password", "not the password".to_owned()),
        ],
        // The organisation to act in: A (the visitor's own) or, crossing over, B's.
        "/account/organisation" => vec![("organisation_id", organisation.to_string())],
        // Everything else: empty fields, refused with a validation error (or nothing to do).
        _ => vec![],
    };
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// What the policy says a visitor must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    SignIn { api: bool },
    NotFound,
}

impl Expect {
    fn of(decision: Decision, path: &str) -> Expect {
        match decision {
            Decision::Allow => Expect::Allowed,
            Decision::SignInRequired => Expect::SignIn { api: path.starts_with("/api/") },
            Decision::Deny => Expect::NotFound,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Expect::Allowed => "allowed (not 404/401/403/5xx, no redirect to /login)",
            Expect::SignIn { api: false } => "sign-in (303 to /login)",
            Expect::SignIn { api: true } => "401",
            Expect::NotFound => "404",
        }
    }

    fn holds(self, status: u16, location: Option<&str>) -> bool {
        let to_login = (300..400).contains(&status) && location == Some("/login");
        match self {
            Expect::Allowed => !matches!(status, 401 | 403 | 404) && status < 500 && !to_login,
            Expect::SignIn { api: false } => status == 303 && location == Some("/login"),
            Expect::SignIn { api: true } => status == 401,
            Expect::NotFound => status == 404,
        }
    }
}

/// Sends one request; returns the status and the `Location`, if any.
async fn send(
    client: &reqwest::Client,
    url: String,
    method: &axum::http::Method,
    csrf: &str,
    fields: Vec<(String, String)>,
) -> (u16, Option<String>) {
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap();
    let request = client.request(method.clone(), url);
    let request = if matches!(method, reqwest::Method::GET | reqwest::Method::HEAD) {
        request
    } else {
        let mut fields = fields;
        fields.push(("csrf_token".to_owned(), csrf.to_owned()));
        request.form(&fields)
    };
    let res = request.send().await.expect("request sent");
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    (res.status().as_u16(), location)
}

/// One checked request, or a mismatch line.
fn verdict(
    who: &str,
    route: &RouteRule,
    path: &str,
    label: Option<&str>,
    expect: Expect,
    (status, location): (u16, Option<String>),
) -> Option<String> {
    if expect.holds(status, location.as_deref()) {
        return None;
    }
    // A one-time link's secret (64 hex digits) is not worth printing.
    let path: String = path
        .split('/')
        .map(|s| {
            let secret = s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
            if secret { "…" } else { s }
        })
        .collect::<Vec<_>>()
        .join("/");
    let context = match label {
        Some(l) => format!(" [{l}: {path}]"),
        None if path != route.path => format!(" [{path}]"),
        None => String::new(),
    };
    let location = location.map(|l| format!(" → {l}")).unwrap_or_default();
    Some(format!(
        "{who} {} {}{context}: expected {}, got {status}{location}",
        route.method,
        route.path,
        expect.describe()
    ))
}

/// A new browser for nobody: its anti-forgery token comes from the sign-in page.
async fn anonymous(plan: &Plan) -> (reqwest::Client, String) {
    let client = TestApp::new_client();
    let html = client.get(plan.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&html).expect("the sign-in form carries a token");
    (client, csrf)
}

/// A new browser signed in as `email`, acting in A when the user is a member of it; returns
/// it with its token and what `/api/v1/me` says of the session.
async fn session_in_a(plan: &Plan, email: &str) -> (reqwest::Client, String, serde_json::Value) {
    let (client, csrf) = anonymous(plan).await;
    let res = client
        .post(plan.url("/login"))
        .form(&[("csrf_token", csrf.as_str()), ("email", email), ("password", demo::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{email} signs in");
    let me = |client: reqwest::Client| async move {
        let res = client.get(plan.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(res.status(), 200, "/api/v1/me answers {email}");
        res.json::<serde_json::Value>().await.unwrap()
    };
    let token = |client: reqwest::Client| async move {
        let html = client.get(plan.url("/account")).send().await.unwrap().text().await.unwrap();
        csrf_in(&html).expect("the account page carries a token")
    };
    let mut described = me(client.clone()).await;
    let a = plan.a.organisation.to_string();
    let in_a = described["organisation"]["id"].as_str() == Some(a.as_str());
    if !described["organisation"].is_null() && !in_a {
        // The organisation last switched to, or the first by name, is active after sign-in:
        // switch to A.
        let res = client
            .post(plan.url("/account/organisation"))
            .form(&[("csrf_token", token(client.clone()).await), ("organisation_id", a)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{email} switches to {ORG_A}");
        described = me(client.clone()).await;
    }
    let csrf = token(client.clone()).await;
    (client, csrf, described)
}

/// The actor `/api/v1/me` describes.
fn actor_of(me: &serde_json::Value) -> Actor {
    let uuid = |v: &serde_json::Value| v.as_str().unwrap().parse::<uuid::Uuid>().unwrap();
    Actor {
        user_id: UserId::from_uuid(uuid(&me["user"]["id"])),
        instance_admin: me["instance_admin"].as_bool().unwrap(),
        membership: me["role"].as_str().map(|role| ActiveMembership {
            organisation_id: OrganisationId::from_uuid(uuid(&me["organisation"]["id"])),
            role: Role::parse(role).unwrap(),
            teams: vec![],
            supervised_teams: vec![],
        }),
    }
}

/// Checks every route for one visitor with A's ids, then every organisation-scoped id with
/// B's. Returns the mismatches and the numbers of (A, cross-organisation, not applicable)
/// checks.
async fn visit(plan: Arc<Plan>, v: Visitor) -> (Vec<String>, usize, usize, Vec<String>) {
    let mut mismatches = Vec::new();
    let mut skipped = Vec::new();
    let (mut own, mut cross) = (0, 0);
    // With A's ids.
    for route in plan.routes.iter().filter(|r| !SESSION_ENDING.contains(&r.path)) {
        let Some(path) = substitute(route, |kind, _| plan.a_value(&v, kind)) else {
            skipped.push(format!("{} {} {}", v.name, route.method, route.path));
            continue;
        };
        let expect = Expect::of(policy::check(route.rule, v.actor.as_ref()), route.path);
        let fields = form_fields(route.path, &v.name, plan.a.organisation);
        let got = send(&v.client, plan.url(&path), &route.method, &v.csrf, fields).await;
        mismatches.extend(verdict(&v.name, route, &path, None, expect, got));
        own += 1;
    }
    // With B's ids (and another user's token), where the policy lets the visitor in.
    for route in plan.routes.iter().filter(|r| !SESSION_ENDING.contains(&r.path)) {
        if policy::check(route.rule, v.actor.as_ref()) != Decision::Allow {
            continue;
        }
        let kinds: Vec<Param> =
            param_names(route.path).iter().filter_map(|n| param_kind(route, n)).collect();
        for (position, kind) in kinds.iter().enumerate() {
            if !kind.organisation_scoped() {
                continue;
            }
            for (label, value) in plan.foreign_values(&v, *kind) {
                let fill = |k: Param, p: usize| {
                    if p == position { Some(value.clone()) } else { plan.a_value(&v, k) }
                };
                let Some(path) = substitute(route, fill) else { continue };
                let fields = form_fields(route.path, &v.name, plan.a.organisation);
                let got = send(&v.client, plan.url(&path), &route.method, &v.csrf, fields).await;
                let line = verdict(&v.name, route, &path, Some(&label), Expect::NotFound, got);
                mismatches.extend(line);
                cross += 1;
            }
        }
    }
    (mismatches, own, cross, skipped)
}

/// The routes that end or replace a session, each request from a fresh session of the
/// visitor's, so that one that wrongly succeeds spoils nothing else. Returns the mismatches,
/// the numbers of (A, cross-organisation) checks and those not applicable.
async fn end_sessions(plan: Arc<Plan>, v: Visitor) -> (Vec<String>, usize, usize, Vec<String>) {
    let mut mismatches = Vec::new();
    let mut skipped = Vec::new();
    let (mut own, mut cross) = (0, 0);
    for path in SESSION_ENDING {
        for route in plan.routes.iter().filter(|r| r.path == path) {
            let decision = policy::check(route.rule, v.actor.as_ref());
            // (label, organisation in the form, expected): the own organisation first — A;
            // nobody is sent to sign in whatever it names; an instance admin without a
            // membership has none, so its attempts are all cross-organisation ones.
            let mut requests = Vec::new();
            match v.actor.as_ref().map(|a| a.organisation()) {
                Some(None) if path == "/account/organisation" => {
                    skipped.push(format!("{} {} {}", v.name, route.method, route.path));
                }
                Some(Some(org)) => requests.push((None, org, Expect::of(decision, path))),
                _ => requests.push((None, plan.a.organisation, Expect::of(decision, path))),
            }
            // The organisation to switch to travels in the form: one the user is not a member
            // of is unknown — B's, and A's for an instance admin without a membership there.
            if path == "/account/organisation" && decision == Decision::Allow {
                if !v.member_of_b {
                    requests.push((
                        Some("organisation_id of B"),
                        plan.b.organisation,
                        Expect::NotFound,
                    ));
                }
                if v.actor.as_ref().is_some_and(|a| a.organisation().is_none()) {
                    let label = "organisation_id of A, not a member";
                    requests.push((Some(label), plan.a.organisation, Expect::NotFound));
                }
            }
            for (label, organisation, expect) in requests {
                let (client, csrf) = match &v.email {
                    Some(email) => {
                        let (client, csrf, _) = session_in_a(&plan, email).await;
                        (client, csrf)
                    }
                    None => anonymous(&plan).await,
                };
                let fields = form_fields(route.path, &v.name, organisation);
                let got = send(&client, plan.url(route.path), &route.method, &csrf, fields).await;
                mismatches.extend(verdict(&v.name, route, route.path, label, expect, got));
                if label.is_some() {
                    cross += 1;
                } else {
                    own += 1;
                }
            }
        }
    }
    (mismatches, own, cross, skipped)
}

async fn user_id(app: &TestApp, email: &str) -> UserId {
    accounts::find_user_by_email(&app.state.db, email).await.unwrap().expect(email).id
}

async fn membership(app: &TestApp, org: OrganisationId, email: &str) -> MembershipId {
    let user = user_id(app, email).await;
    let member = accounts::find_member_by_user(&app.state.db, org, user).await.unwrap();
    member.unwrap_or_else(|| panic!("{email} is a member")).membership_id
}

async fn team(app: &TestApp, org: OrganisationId, name: &str) -> TeamId {
    let all = teams::list_for_organisation(&app.state.db, org).await.unwrap();
    all.into_iter().find(|t| t.name == name).unwrap_or_else(|| panic!("team {name}")).id
}

fn in_days(days: i64) -> Ts {
    Ts::from(Ts::now().get() + time::Duration::days(days))
}

engine_tests! {
    async fn every_route_answers_every_role_as_the_policy_says(db) {
        let started = Instant::now();
        let app = TestApp::spawn(db).await;
        let db = &app.state.db;
        let summary = demo::seed(db, demo::DEFAULT_SEED, crate::helpers::CHEAP).await.unwrap();

        // Every route, whatever its method.
        let routes = web::startup::routes().rules().to_vec();
        assert!(
            routes.len() >= KNOWN_ROUTES,
            "web::startup::routes() lists {} routes, fewer than the {KNOWN_ROUTES} known: the \
             enumeration lost some",
            routes.len()
        );
        let unknown: Vec<String> = routes
            .iter()
            .flat_map(|r| {
                param_names(r.path)
                    .into_iter()
                    .filter(|n| param_kind(r, n).is_none())
                    .map(move |n| format!("{} {} ({{{n}}})", r.method, r.path))
            })
            .collect();
        assert!(
            unknown.is_empty(),
            "the access matrix does not know how to fill these parameters; extend `param_kind` \
             and its fixture in tests/it/matrix.rs: {unknown:#?}"
        );

        // Organisation A, the demo's CCAS, and its records.
        let org = |slug: &'static str| async move {
            organisations::find_by_slug(db, slug).await.unwrap().expect(slug).id
        };
        let (org_a, org_b) = (org(ORG_A).await, org(ORG_B).await);
        // The visitors: a demo account per role acting in A, created where the demo has none.
        let mut emails = Vec::new();
        for role in ROLES {
            let home = if role == Role::Admin { "instance" } else { ORG_A };
            let demo_account = summary.accounts.iter().find(|(_, r, o)| r == role.as_str() && o == home);
            let email = match demo_account {
                Some((email, _, _)) => email.clone(),
                None => {
                    let email = format!("matrix.{}@valbourg.example", role.as_str());
                    app.create_user(&email, demo::DEMO_PASSWORD, Some((ORG_A, role))).await;
                    email
                }
            };
            emails.push((role, email));
        }
        let manager = &emails.iter().find(|(r, _)| *r == Role::Manager).unwrap().1;
        let (a_person, a_household, a_member, a_merge, a_flag, a_visit) =
            person_with_household(db, org_a).await;
        let (b_person, b_household, b_member, b_merge, b_flag, b_visit) =
            person_with_household(db, org_b).await;
        // A's case is in the demo worker's team, which the demo supervisor supervises.
        let a_worker = &emails.iter().find(|(r, _)| *r == Role::Worker).unwrap().1;
        let (a_case, a_entry) = case_with_note(
            db, org_a, a_person, team(&app, org_a, "Pôle insertion").await, user_id(&app, a_worker).await,
        ).await;
        let (b_case, b_entry) = case_with_note(
            db, org_b, b_person, team(&app, org_b, "Équipe de rue").await,
            user_id(&app, "min-jun.kim@lerelais.example").await,
        ).await;
        let (a_goal, a_step) = goal_with_step(db, org_a, a_case, user_id(&app, a_worker).await).await;
        let (b_goal, b_step) =
            goal_with_step(db, org_b, b_case, user_id(&app, "min-jun.kim@lerelais.example").await).await;
        // A case of A in a team nobody is in, followed by the manager (who may not break the
        // glass): the workers and supervisors of A may ask for emergency access to it.
        let emergency_team = TeamId::new();
        let new_team = domain::organisations::NewTeam {
            id: emergency_team,
            organisation_id: org_a,
            name: domain::organisations::DisplayName::parse("Matrice urgence").unwrap(),
        };
        teams::insert(db, &new_team, Ts::now()).await.unwrap();
        let (emergency_case, _) =
            case_with_note(db, org_a, a_person, emergency_team, user_id(&app, manager).await).await;
        // A follow-up check of each organisation's case, and whose caseload the matrix opens.
        let follow_up = |org, case, by| async move {
            let mut tx = db.begin_write().await.unwrap();
            let due = [time::macros::date!(2027 - 01 - 04)];
            let label = domain::persons::french_date;
            let ids = store::follow_ups::schedule(&mut tx, org, case, &due, label, by, Ts::now())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            ids[0]
        };
        let a_follow_up = follow_up(org_a, a_case, user_id(&app, a_worker).await).await;
        let b_follow_up =
            follow_up(org_b, b_case, user_id(&app, "min-jun.kim@lerelais.example").await).await;
        // A worker of A who is no visitor: their task and calendar feed are nobody else's.
        let bystander = app
            .create_user("matrix.bystander@valbourg.example", "a bystander's password", Some((ORG_A, Role::Worker)))
            .await;
        let a_case_row = store::cases::find(db, org_a, a_case).await.unwrap().unwrap();
        let b_case_row = store::cases::find(db, org_b, b_case).await.unwrap().unwrap();
        let feed = domain::appointments::FeedToken::generate();
        {
            let mut tx = db.begin_write().await.unwrap();
            store::appointments::replace_feed(&mut tx, org_a, bystander, &feed.hash(), false, Ts::now()).await.unwrap();
            tx.commit().await.unwrap();
        }
        let a_partner = directory_entry(db).await;
        // Referrals: A's case to a service outside Passerelle (sent), and a draft whose consent
        // the first visitor withdraws; B's case to a service linked to A, sharing a document of
        // B (in A's inbox); and the same the other way round, for the cross-organisation checks.
        use domain::referrals::{IdentityField, ShareItem};
        let name = || vec![ShareItem::Identity(IdentityField::Name)];
        let a_worker_id = user_id(&app, a_worker).await;
        let b_worker_id = user_id(&app, "min-jun.kim@lerelais.example").await;
        let (a_referral, _) = referral(db, org_a, a_person, a_case, a_partner.1, None, name(), a_worker_id, true).await;
        let (_, a_consent) = referral(db, org_a, a_person, a_case, a_partner.1, None, name(), a_worker_id, false).await;
        let shared = document_with_share(&app, org_b, b_person, b_case, b_worker_id, &web::auth::new_token()).await.0;
        let to_a = linked_entry(db, org_a).await;
        let mut items = name();
        items.push(ShareItem::Document(shared));
        let (a_received, _) = referral(db, org_b, b_person, b_case, to_a, Some(org_a), items, b_worker_id, true).await;
        let (b_referral, b_consent) = referral(db, org_b, b_person, b_case, a_partner.1, None, name(), b_worker_id, true).await;
        let to_b = linked_entry(db, org_b).await;
        let (b_received, _) = referral(db, org_a, a_person, a_case, to_b, Some(org_b), name(), a_worker_id, true).await;
        let (a_aid, a_aid_session) = aid_of(db, org_a, a_person, a_case, a_worker_id, true).await;
        let (b_aid, b_aid_session) = aid_of(db, org_b, b_person, b_case, b_worker_id, false).await;
        let a_mail = mail_of(db, org_a, a_person).await;
        let b_mail = mail_of(db, org_b, b_person).await;
        let subject_request = |org, person, by| async move {
            let day = time::macros::date!(2026 - 11 - 02);
            let kind = domain::subject_access::Kind::Access;
            store::subject_access::create(db, org, person, kind, day, by, Ts::now()).await.unwrap()
        };
        let a_subject_request = subject_request(org_a, a_person, a_worker_id).await;
        let b_subject_request = subject_request(org_b, b_person, b_worker_id).await;
        let a_retention_line = minor_retention_line(db, org_a, a_person).await;
        let b_retention_line = minor_retention_line(db, org_b, b_person).await;
        // Federation (ADR 0029): a peer, a referral received from it by A (with a document and
        // an answer package sent back) and one by B; A's sent referral has its package.
        let (peer, a_federated, a_federated_document, b_federated) =
            federation_fixture(db, org_a, org_b, a_referral).await;
        let first_table = |org| async move {
            store::statistics::tables::definitions(db, org, Ts::now()).await.unwrap()[0].id
        };
        let a_statistics_table = first_table(org_a).await;
        let b_statistics_table = first_table(org_b).await;
        let a = OrgIds {
            statistics_table: a_statistics_table,
            mail: a_mail,
            aid: a_aid,
            aid_session: a_aid_session,
            subject_request: a_subject_request,
            retention_line: a_retention_line,
            peer,
            federated: a_federated,
            federated_document: a_federated_document,
            referral: a_referral,
            received: a_received,
            shared_document: shared,
            consent: a_consent,
            others_task: own_task(db, org_a, bystander).await,
            appointment: appointment_of(db, org_a, &a_case_row, user_id(&app, a_worker).await).await,
            user: user_id(&app, a_worker).await,
            follow_up: a_follow_up,
            emergency_case,
            person: a_person,
            household: a_household,
            household_member: a_member,
            merge: a_merge,
            flag: a_flag,
            visit: a_visit,
            case: a_case,
            case_entry: a_entry,
            assessment: assessment_of(db, org_a, a_case, user_id(&app, a_worker).await).await,
            goal: a_goal,
            step: a_step,
            partner: a_partner.0,
            partner_service: a_partner.1,
            voice_note: voice_note_of(&app, org_a, a_person, a_case, user_id(&app, a_worker).await).await,
            upload: store::import::save_upload(db, org_a, user_id(&app, manager).await, "matrice.csv", b"Nom\nMatrice\n", Ts::now())
                .await
                .unwrap(),
            organisation: org_a,
            // The manager's own membership: every change to it is refused (no lock-out), so
            // the manager reaches each member route without changing anything.
            membership: membership(&app, org_a, manager).await,
            team: team(&app, org_a, "Pôle insertion").await,
        };
        // A one-time link of an account of A, made for the matrix (an empty password is refused,
        // so the link stays unused).
        let link_user = app
            .create_user("matrix.link@valbourg.example", "an old password here", Some((ORG_A, Role::Worker)))
            .await;
        let link = LinkToken::generate();
        let expires = in_days(1);
        accounts::insert_one_time_token(db, &link.hash(), link_user, TokenPurpose::SetPassword, Ts::now(), expires)
            .await
            .unwrap();

        // Each visitor's own document of A's case with a share link, and one of B's.
        let mut documents = std::collections::HashMap::new();
        for (role, email) in &emails {
            let token = web::auth::new_token();
            let by = user_id(&app, email).await;
            let made = document_with_share(&app, org_a, a_person, a_case, by, &token).await;
            documents.insert(role.as_str().to_owned(), made);
        }
        let share_token = web::auth::new_token();
        let worker_id = user_id(&app, a_worker).await;
        document_with_share(&app, org_a, a_person, a_case, worker_id, &share_token).await;
        let b_document = document_with_share(
            &app, org_b, b_person, b_case, user_id(&app, "min-jun.kim@lerelais.example").await,
            &web::auth::new_token(),
        ).await;

        // Organisation B, the demo's association: a worker, a supervisor who is also in A, a
        // team, the worker's API token.
        let b_worker = "min-jun.kim@lerelais.example";
        let b_also_in_a = "sophie.lambert@valbourg.example";
        let (b_token, _) = app.api_token(user_id(&app, b_worker).await, ORG_B, "all", in_days(30)).await;
        let b = ForeignIds {
            organisation: org_b,
            memberships: vec![
                ("membership of a worker of B", membership(&app, org_b, b_worker).await),
                ("B membership of a user also in A", membership(&app, org_b, b_also_in_a).await),
            ],
            teams: vec![("team of B", team(&app, org_b, "Équipe de rue").await)],
            tokens: vec![("API token of a worker of B", b_token)],
            persons: vec![("person of B", b_person)],
            households: vec![("household of B", b_household)],
            household_members: vec![("household member of B", b_member)],
            merges: vec![("merge of B", b_merge)],
            flags: vec![("urgency flag of B", b_flag)],
            users: vec![("worker of B", user_id(&app, b_worker).await)],
            follow_ups: vec![("follow-up check of a case of B", b_follow_up)],
            visits: vec![("visit of B", b_visit)],
            cases: vec![("case of B", b_case)],
            case_entries: vec![("note of a case of B", b_entry)],
            assessments: vec![(
                "assessment of a case of B",
                assessment_of(db, org_b, b_case, user_id(&app, b_worker).await).await,
            )],
            goals: vec![("goal of a plan of B", b_goal)],
            steps: vec![("step of a plan of B", b_step)],
            tasks: vec![("task of a worker of B", own_task(db, org_b, user_id(&app, b_worker).await).await)],
            appointments: vec![(
                "appointment of a case of B",
                appointment_of(db, org_b, &b_case_row, user_id(&app, b_worker).await).await,
            )],
            documents: vec![("document of a case of B", b_document.0)],
            voice_notes: vec![(
                "voice note of a case of B",
                voice_note_of(&app, org_b, b_person, b_case, user_id(&app, "min-jun.kim@lerelais.example").await).await,
            )],
            shares: vec![("share link of a document of B", b_document.1)],
            referrals: vec![("referral of a case of B", b_referral)],
            aid_requests: vec![("aid request of a case of B", b_aid)],
            aid_sessions: vec![("commission session of B", b_aid_session)],
            statistics_tables: vec![("statutory table of B", b_statistics_table)],
            mail: vec![("mail kept for a person of B", b_mail)],
            subject_requests: vec![("subject request about a person of B", b_subject_request)],
            retention_lines: vec![("retention line of a minor of B", b_retention_line)],
            received: vec![("referral received by B", b_received)],
            federated: vec![("referral received by B from a partner instance", b_federated)],
            consents: vec![("consent of a person of B", b_consent)],
            uploads: vec![(
                "import upload of B",
                store::import::save_upload(db, org_b, user_id(&app, b_worker).await, "b.csv", b"Nom\nB\n", Ts::now())
                    .await
                    .unwrap(),
            )],
        };
        let b_members: Vec<UserId> = {
            let mut ids = Vec::new();
            for email in [b_worker, b_also_in_a, "nadia.haddad@lerelais.example"] {
                ids.push(user_id(&app, email).await);
            }
            ids
        };

        // Invitations into the demo's third organisation: one per visitor, already expired
        // (answering it changes nothing), and a pending one of B's worker that nobody else
        // may answer.
        let org_c = org("dept-haute-vallee").await;
        let invite = |user: UserId, expires_at: Ts| async move {
            let id = InvitationId::new();
            let link = LinkToken::generate();
            let mut tx = db.begin_write().await.unwrap();
            let new = store::invitations::NewInvitation {
                id,
                organisation_id: org_c,
                user_id: user,
                role: Role::Worker,
                teams: &[],
                invited_name: "Matrix",
                link_hash: &link.hash(),
                invited_by: None,
                expires_at,
            };
            store::invitations::insert(&mut tx, &new, Ts::now()).await.unwrap();
            tx.commit().await.unwrap();
            id
        };
        let others_invitation = invite(user_id(&app, b_worker).await, in_days(3)).await;
        let expired = Ts::from(Ts::now().get() - time::Duration::minutes(1));

        let job = {
            let mut tx = db.begin_write().await.unwrap();
            let job = store::jobs::NewJob::new(domain::jobs::kinds::PURGE_SESSIONS, "matrix");
            let id = store::jobs::enqueue(&mut tx, &job, Ts::now()).await.unwrap().unwrap();
            tx.commit().await.unwrap();
            id
        };
        let plan = Arc::new(Plan {
            base: app.url(""),
            routes,
            a,
            b,
            link_token: link.expose().to_owned(),
            feed_token: feed.expose().to_owned(),
            job,
            documents,
            share_token,
        });

        // Each visitor's session (checked through /api/v1/me) and API token in A.
        let mut visitors = Vec::new();
        let (client, csrf) = anonymous(&plan).await;
        let manager_id = user_id(&app, manager).await;
        let (manager_token, _) = app.api_token(manager_id, ORG_A, "all", in_days(30)).await;
        let (worker_token, _) = app
            .api_token(user_id(&app, &emails.iter().find(|(r, _)| *r == Role::Worker).unwrap().1).await, ORG_A, "all", in_days(30))
            .await;
        visitors.push(Visitor {
            name: "nobody".into(),
            email: None,
            actor: None,
            client,
            csrf,
            own_token: None,
            others_token: manager_token,
            own_invitation: None,
            others_invitation,
            member_of_b: false,
            own_task: None,
        });
        for (role, email) in &emails {
            let (client, csrf, me) = session_in_a(&plan, email).await;
            let actor = actor_of(&me);
            assert_eq!(actor.role().unwrap_or(Role::Admin), *role, "{email}: {me}");
            assert_eq!(actor.instance_admin, *role == Role::Admin, "{email}: {me}");
            if *role != Role::Admin {
                assert_eq!(actor.organisation(), Some(org_a), "{email} acts in {ORG_A}: {me}");
            }
            let own_token = match role {
                Role::Admin => None,
                Role::Manager => Some(manager_token),
                Role::Worker => Some(worker_token),
                _ => Some(app.api_token(actor.user_id, ORG_A, "all", in_days(30)).await.0),
            };
            let own_invitation = Some(invite(actor.user_id, expired).await);
            let keeps_tasks = policy::check(policy::TASK_USERS, Some(&actor)) == Decision::Allow;
            let own_task = match keeps_tasks {
                true => Some(own_task(db, org_a, actor.user_id).await),
                false => None,
            };
            visitors.push(Visitor {
                own_task,
                name: role.as_str().to_owned(),
                email: Some(email.clone()),
                own_invitation,
                others_invitation,
                others_token: if *role == Role::Manager { worker_token } else { manager_token },
                member_of_b: b_members.contains(&actor.user_id),
                actor: Some(actor),
                client,
                csrf,
                own_token,
            });
        }
        let names: Vec<String> = visitors.iter().map(|v| v.name.clone()).collect();

        // Every route × visitor, visitors in parallel.
        let tasks: Vec<_> =
            visitors.iter().map(|v| tokio::spawn(visit(plan.clone(), v.clone()))).collect();
        let mut mismatches = Vec::new();
        let (mut own, mut cross, mut skipped) = (0, 0, Vec::new());
        for task in tasks {
            let (m, o, c, s) = task.await.unwrap();
            mismatches.extend(m);
            own += o;
            cross += c;
            skipped.extend(s);
        }
        // Then what ends a session, from fresh sessions (the main ones are no longer needed).
        let tasks: Vec<_> =
            visitors.into_iter().map(|v| tokio::spawn(end_sessions(plan.clone(), v))).collect();
        for task in tasks {
            let (m, o, c, s) = task.await.unwrap();
            mismatches.extend(m);
            own += o;
            cross += c;
            skipped.extend(s);
        }

        eprintln!(
            "access matrix on {:?}: {} routes × {} visitors ({}): {own} checks with A's ids, \
             {cross} with ids of B or of another user; not applicable: {skipped:?}; {} ms",
            app._db.engine,
            plan.routes.len(),
            names.len(),
            names.join(", "),
            started.elapsed().as_millis()
        );
        assert!(own >= KNOWN_ROUTES * names.len() - skipped.len(), "only {own} checks ran");
        assert!(
            mismatches.is_empty(),
            "{} route × visitor outcomes differ from the policy:\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
    }
}
