//! The partner directory, shared by every organisation of the instance: partner organisations,
//! their services and the life domains each serves, the search by need, place and words, the
//! private notes each organisation keeps about a partner, and imports (the file kept between
//! its preview and the confirmation, then the plan of what it creates and changes).
//!
//! Directory rows carry no `organisation_id`: they are no personal data and every organisation
//! reads them. Changes take the version the form was made from (`None` for imports, which
//! apply what the file says) and change nothing when it moved on.

use std::collections::HashMap;

use domain::partners::{
    ImportedPartner, ImportedService, Parsed, PartnerFields, PartnerKind, SearchQuery,
    ServiceFields, search_words,
};
use domain::{OrganisationId, PartnerId, PartnerServiceId, UserId};
use time::Duration;
use uuid::Uuid;

use crate::sql::Arg;
use crate::{Exec, StoreError, Ts, Tx};

/// A partner organisation, with the names of who created and last changed it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Partner {
    #[sqlx(try_from = "Uuid")]
    pub id: PartnerId,
    pub source_key: Option<String>,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub website: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
    pub linked_organisation_id: Option<Uuid>,
    pub linked_organisation_name: Option<String>,
    pub created_by_name: Option<String>,
    pub updated_by_name: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: i64,
}

impl Partner {
    pub fn kind(&self) -> PartnerKind {
        PartnerKind::parse(&self.kind).unwrap_or(PartnerKind::Other)
    }

    pub fn fields(&self) -> PartnerFields {
        PartnerFields {
            name: self.name.clone(),
            kind: self.kind(),
            description: self.description.clone(),
            website: self.website.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
        }
    }
}

const PARTNER_SELECT: &str = "SELECT p.id, p.source_key, p.name, p.kind, p.description, \
     p.website, p.phone, p.email, p.address, p.postal_code, p.city, p.linked_organisation_id, \
     o.name AS linked_organisation_name, cu.display_name AS created_by_name, \
     uu.display_name AS updated_by_name, p.created_at, p.updated_at, p.version \
     FROM partner_organisations p LEFT JOIN organisations o ON o.id = p.linked_organisation_id \
     LEFT JOIN users cu ON cu.id = p.created_by LEFT JOIN users uu ON uu.id = p.updated_by ";

/// A service of a partner, with its life domains.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Service {
    #[sqlx(try_from = "Uuid")]
    pub id: PartnerServiceId,
    #[sqlx(try_from = "Uuid")]
    pub partner_id: PartnerId,
    pub source_key: Option<String>,
    pub name: String,
    pub description: String,
    pub eligibility: String,
    pub area_served: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub hours: String,
    pub languages: String,
    pub contacts: String,
    pub how_to_refer: String,
    pub created_by_name: Option<String>,
    pub updated_by_name: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: i64,
    /// Sorted codes, from `partner_service_domains`.
    #[sqlx(skip)]
    pub domains: Vec<String>,
}

impl Service {
    pub fn fields(&self) -> ServiceFields {
        ServiceFields {
            name: self.name.clone(),
            description: self.description.clone(),
            eligibility: self.eligibility.clone(),
            area_served: self.area_served.clone(),
            address: self.address.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            hours: self.hours.clone(),
            languages: self.languages.clone(),
            contacts: self.contacts.clone(),
            how_to_refer: self.how_to_refer.clone(),
            domains: self.domains.clone(),
        }
    }
}

const SERVICE_SELECT: &str = "SELECT s.id, s.partner_id, s.source_key, s.name, s.description, \
     s.eligibility, s.area_served, s.address, s.postal_code, s.city, s.phone, s.email, \
     s.website, s.hours, s.languages, s.contacts, s.how_to_refer, \
     cu.display_name AS created_by_name, uu.display_name AS updated_by_name, s.created_at, \
     s.updated_at, s.version FROM partner_services s \
     LEFT JOIN users cu ON cu.id = s.created_by LEFT JOIN users uu ON uu.id = s.updated_by ";

#[derive(sqlx::FromRow)]
struct DomainRow {
    service_id: Uuid,
    domain_code: String,
}

fn partner_search(f: &PartnerFields) -> (String, String) {
    (search_words(&[&f.name, &f.description]), search_words(&[&f.postal_code, &f.city]))
}

fn service_search(f: &ServiceFields) -> (String, String) {
    (
        search_words(&[&f.name, &f.description]),
        search_words(&[&f.area_served, &f.postal_code, &f.city]),
    )
}

/// Adds a partner organisation.
#[allow(clippy::too_many_arguments)] // One row: which, from where, what, linked to whom, by whom.
#[tracing::instrument(skip_all)]
pub async fn insert_partner(
    tx: &mut Tx,
    id: PartnerId,
    source_key: Option<&str>,
    f: &PartnerFields,
    linked: Option<OrganisationId>,
    by: Option<UserId>,
    now: Ts,
) -> Result<(), StoreError> {
    let (search, area) = partner_search(f);
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO partner_organisations (id, source_key, name, kind, description, website, \
         phone, email, address, postal_code, city, linked_organisation_id, search_text, \
         area_text, created_by, updated_by, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, \
         $16, 1)",
        id.as_uuid(),
        source_key,
        f.name.as_str(),
        f.kind.as_str(),
        f.description.as_str(),
        f.website.as_str(),
        f.phone.as_str(),
        f.email.as_str(),
        f.address.as_str(),
        f.postal_code.as_str(),
        f.city.as_str(),
        linked.map(|o| o.as_uuid()),
        search,
        area,
        by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(())
}

/// Changes a partner's fields and link, if its version is still `expected` (any version when
/// `None`). Returns whether it changed.
#[allow(clippy::too_many_arguments)] // One change: which, from which version, what, by whom.
#[tracing::instrument(skip_all)]
pub async fn update_partner(
    tx: &mut Tx,
    id: PartnerId,
    expected: Option<i64>,
    f: &PartnerFields,
    linked: Option<OrganisationId>,
    by: Option<UserId>,
    now: Ts,
) -> Result<bool, StoreError> {
    let (search, area) = partner_search(f);
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE partner_organisations SET name = $3, kind = $4, description = $5, website = $6, \
         phone = $7, email = $8, address = $9, postal_code = $10, city = $11, \
         linked_organisation_id = $12, search_text = $13, area_text = $14, updated_by = $15, \
         updated_at = $16, version = version + 1 \
         WHERE id = $1 AND ($2 < 0 OR version = $2)",
        id.as_uuid(),
        expected.unwrap_or(-1),
        f.name.as_str(),
        f.kind.as_str(),
        f.description.as_str(),
        f.website.as_str(),
        f.phone.as_str(),
        f.email.as_str(),
        f.address.as_str(),
        f.postal_code.as_str(),
        f.city.as_str(),
        linked.map(|o| o.as_uuid()),
        search,
        area,
        by.map(|u| u.as_uuid()),
        now,
    )?;
    Ok(n == 1)
}

#[tracing::instrument(skip_all)]
pub async fn find_partner<'c>(
    exec: impl Into<Exec<'c>>,
    id: PartnerId,
) -> Result<Option<Partner>, StoreError> {
    let sql = format!("{PARTNER_SELECT}WHERE p.id = $1");
    Ok(sql!(as Partner, fetch_optional, exec, &sql, id.as_uuid())?)
}

async fn set_domains(
    tx: &mut Tx,
    id: PartnerServiceId,
    domains: &[String],
) -> Result<(), StoreError> {
    sql!(
        execute,
        &mut *tx,
        "DELETE FROM partner_service_domains WHERE service_id = $1",
        id.as_uuid()
    )?;
    for code in domains {
        sql!(
            execute,
            &mut *tx,
            "INSERT INTO partner_service_domains (service_id, domain_code) VALUES ($1, $2)",
            id.as_uuid(),
            code.as_str(),
        )?;
    }
    Ok(())
}

/// Adds a service to a partner, with its life domains.
#[allow(clippy::too_many_arguments)] // One row: which, whose, from where, what, by whom.
#[tracing::instrument(skip_all)]
pub async fn insert_service(
    tx: &mut Tx,
    id: PartnerServiceId,
    partner: PartnerId,
    source_key: Option<&str>,
    f: &ServiceFields,
    by: Option<UserId>,
    now: Ts,
) -> Result<(), StoreError> {
    let (search, area) = service_search(f);
    sql!(
        execute,
        &mut *tx,
        "INSERT INTO partner_services (id, partner_id, source_key, name, description, \
         eligibility, area_served, address, postal_code, city, phone, email, website, hours, \
         languages, contacts, how_to_refer, search_text, area_text, created_by, updated_by, \
         created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21, $21, 1)",
        id.as_uuid(),
        partner.as_uuid(),
        source_key,
        f.name.as_str(),
        f.description.as_str(),
        f.eligibility.as_str(),
        f.area_served.as_str(),
        f.address.as_str(),
        f.postal_code.as_str(),
        f.city.as_str(),
        f.phone.as_str(),
        f.email.as_str(),
        f.website.as_str(),
        f.hours.as_str(),
        f.languages.as_str(),
        f.contacts.as_str(),
        f.how_to_refer.as_str(),
        search,
        area,
        by.map(|u| u.as_uuid()),
        now,
    )?;
    set_domains(tx, id, &f.domains).await
}

/// Changes a service (and moves it to `partner`), if its version is still `expected` (any when
/// `None`). Returns whether it changed.
#[allow(clippy::too_many_arguments)] // One change: which, whose, from which version, what, by whom.
#[tracing::instrument(skip_all)]
pub async fn update_service(
    tx: &mut Tx,
    id: PartnerServiceId,
    partner: PartnerId,
    expected: Option<i64>,
    f: &ServiceFields,
    by: Option<UserId>,
    now: Ts,
) -> Result<bool, StoreError> {
    let (search, area) = service_search(f);
    let n = sql!(
        execute,
        &mut *tx,
        "UPDATE partner_services SET partner_id = $3, name = $4, description = $5, \
         eligibility = $6, area_served = $7, address = $8, postal_code = $9, city = $10, \
         phone = $11, email = $12, website = $13, hours = $14, languages = $15, contacts = $16, \
         how_to_refer = $17, search_text = $18, area_text = $19, updated_by = $20, \
         updated_at = $21, version = version + 1 WHERE id = $1 AND ($2 < 0 OR version = $2)",
        id.as_uuid(),
        expected.unwrap_or(-1),
        partner.as_uuid(),
        f.name.as_str(),
        f.description.as_str(),
        f.eligibility.as_str(),
        f.area_served.as_str(),
        f.address.as_str(),
        f.postal_code.as_str(),
        f.city.as_str(),
        f.phone.as_str(),
        f.email.as_str(),
        f.website.as_str(),
        f.hours.as_str(),
        f.languages.as_str(),
        f.contacts.as_str(),
        f.how_to_refer.as_str(),
        search,
        area,
        by.map(|u| u.as_uuid()),
        now,
    )?;
    if n != 1 {
        return Ok(false);
    }
    set_domains(tx, id, &f.domains).await?;
    Ok(true)
}

fn attach_domains(services: &mut [Service], rows: Vec<DomainRow>) {
    let mut by: HashMap<Uuid, Vec<String>> = HashMap::new();
    for r in rows {
        by.entry(r.service_id).or_default().push(r.domain_code);
    }
    for s in services {
        let mut d = by.remove(&s.id.as_uuid()).unwrap_or_default();
        d.sort();
        s.domains = d;
    }
}

/// One service of a partner, with its domains.
#[tracing::instrument(skip_all)]
pub async fn find_service<'c>(
    exec: impl Into<Exec<'c>>,
    partner: PartnerId,
    id: PartnerServiceId,
) -> Result<Option<Service>, StoreError> {
    let mut exec = exec.into();
    let sql = format!("{SERVICE_SELECT}WHERE s.partner_id = $1 AND s.id = $2");
    let found: Option<Service> =
        sql!(as Service, fetch_optional, &mut exec, &sql, partner.as_uuid(), id.as_uuid())?;
    let Some(mut s) = found else { return Ok(None) };
    let rows: Vec<DomainRow> = sql!(
        as DomainRow,
        fetch_all,
        &mut exec,
        "SELECT service_id, domain_code FROM partner_service_domains WHERE service_id = $1",
        id.as_uuid(),
    )?;
    attach_domains(std::slice::from_mut(&mut s), rows);
    Ok(Some(s))
}

/// A partner's services by name, with their domains (two queries).
#[tracing::instrument(skip_all)]
pub async fn services_of<'c>(
    exec: impl Into<Exec<'c>>,
    partner: PartnerId,
) -> Result<Vec<Service>, StoreError> {
    let mut exec = exec.into();
    let sql = format!("{SERVICE_SELECT}WHERE s.partner_id = $1 ORDER BY s.name, s.id");
    let mut services: Vec<Service> =
        sql!(as Service, fetch_all, &mut exec, &sql, partner.as_uuid())?;
    let rows: Vec<DomainRow> = sql!(
        as DomainRow,
        fetch_all,
        &mut exec,
        "SELECT d.service_id, d.domain_code FROM partner_service_domains d \
         JOIN partner_services s ON s.id = d.service_id WHERE s.partner_id = $1",
        partner.as_uuid(),
    )?;
    attach_domains(&mut services, rows);
    Ok(services)
}

/// The whole directory, partners by name with their services (three queries): for exports,
/// and to compare an import with what is there.
#[tracing::instrument(skip_all)]
pub async fn all<'c>(
    exec: impl Into<Exec<'c>>,
) -> Result<Vec<(Partner, Vec<Service>)>, StoreError> {
    let mut exec = exec.into();
    let sql = format!("{PARTNER_SELECT}ORDER BY p.name, p.id");
    let partners: Vec<Partner> = sql!(as Partner, fetch_all, &mut exec, &sql)?;
    let sql = format!("{SERVICE_SELECT}ORDER BY s.name, s.id");
    let mut services: Vec<Service> = sql!(as Service, fetch_all, &mut exec, &sql)?;
    let rows: Vec<DomainRow> = sql!(
        as DomainRow,
        fetch_all,
        &mut exec,
        "SELECT service_id, domain_code FROM partner_service_domains",
    )?;
    attach_domains(&mut services, rows);
    let mut by: HashMap<PartnerId, Vec<Service>> = HashMap::new();
    for s in services {
        by.entry(s.partner_id).or_default().push(s);
    }
    Ok(partners
        .into_iter()
        .map(|p| {
            let s = by.remove(&p.id).unwrap_or_default();
            (p, s)
        })
        .collect())
}

/// One line of search results: a service and its partner, or a partner with no service.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Hit {
    #[sqlx(try_from = "Uuid")]
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub partner_kind: String,
    pub partner_city: String,
    pub service_id: Option<Uuid>,
    pub service_name: Option<String>,
    pub area_served: Option<String>,
    pub service_city: Option<String>,
    #[sqlx(skip)]
    pub domains: Vec<String>,
}

/// The services (and partners without services) that match `q`, by partner and service name,
/// one page of them, and how many match in all (three queries).
#[tracing::instrument(skip_all)]
pub async fn search<'c>(
    exec: impl Into<Exec<'c>>,
    q: &SearchQuery,
) -> Result<(i64, Vec<Hit>), StoreError> {
    let mut exec = exec.into();
    let mut filter = String::from(
        " FROM partner_organisations p LEFT JOIN partner_services s ON s.partner_id = p.id \
         WHERE 1 = 1",
    );
    let mut args: Vec<Arg> = Vec::new();
    if let Some(d) = &q.domain {
        args.push(Arg::Text(d.clone()));
        filter.push_str(&format!(
            " AND s.id IN (SELECT service_id FROM partner_service_domains WHERE domain_code = ${})",
            args.len()
        ));
    }
    for w in &q.text {
        args.push(Arg::Text(format!("% {w}%")));
        let n = args.len();
        filter.push_str(&format!(" AND (p.search_text LIKE ${n} OR s.search_text LIKE ${n})"));
    }
    for w in &q.area {
        args.push(Arg::Text(format!("% {w}%")));
        let n = args.len();
        filter.push_str(&format!(" AND (p.area_text LIKE ${n} OR s.area_text LIKE ${n})"));
    }
    let count_sql = format!("SELECT COUNT(*){filter}");
    let (total,): (i64,) = sql!(dyn as (i64,), fetch_one, &mut exec, &count_sql, args.clone())?;
    let mut page_args = args;
    page_args.push(Arg::Int(domain::partners::PAGE_SIZE));
    page_args.push(Arg::Int(q.offset()));
    let n = page_args.len();
    let page_sql = format!(
        "SELECT p.id AS partner_id, p.name AS partner_name, p.kind AS partner_kind, \
         p.city AS partner_city, s.id AS service_id, s.name AS service_name, s.area_served, \
         s.city AS service_city{filter} ORDER BY p.name, p.id, s.name, s.id \
         LIMIT ${} OFFSET ${n}",
        n - 1
    );
    let mut hits: Vec<Hit> = sql!(dyn as Hit, fetch_all, &mut exec, &page_sql, page_args)?;
    let ids: Vec<Uuid> = hits.iter().filter_map(|h| h.service_id).collect();
    if !ids.is_empty() {
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT service_id, domain_code FROM partner_service_domains \
             WHERE service_id IN ({}) ORDER BY domain_code",
            marks.join(", ")
        );
        let rows: Vec<DomainRow> = sql!(dyn as DomainRow, fetch_all, &mut exec, &sql, ids.into_iter().map(Arg::Uuid).collect())?;
        for h in &mut hits {
            h.domains = rows
                .iter()
                .filter(|r| Some(r.service_id) == h.service_id)
                .map(|r| r.domain_code.clone())
                .collect();
        }
    }
    Ok((total, hits))
}

// ---------------------------------------------------------------------------------------------
// Private notes.

/// What one organisation keeps about a partner.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PrivateNotes {
    pub contacts: String,
    pub notes: String,
    pub updated_by_name: Option<String>,
    pub updated_at: Ts,
    pub version: i64,
}

/// `organisation`'s notes about a partner, if it wrote any.
#[tracing::instrument(skip_all)]
pub async fn notes<'c>(
    exec: impl Into<Exec<'c>>,
    partner: PartnerId,
    organisation: OrganisationId,
) -> Result<Option<PrivateNotes>, StoreError> {
    Ok(sql!(
        as PrivateNotes,
        fetch_optional,
        exec,
        "SELECT n.contacts, n.notes, u.display_name AS updated_by_name, n.updated_at, n.version \
         FROM partner_private_notes n LEFT JOIN users u ON u.id = n.updated_by \
         WHERE n.partner_id = $1 AND n.organisation_id = $2",
        partner.as_uuid(),
        organisation.as_uuid(),
    )?)
}

/// Writes `organisation`'s notes about a partner: the first ones when `expected` is `None`
/// (and there are none yet), else if their version is still `expected`. Returns whether
/// they were written.
#[allow(clippy::too_many_arguments)] // One change: whose, about whom, from which version, what.
#[tracing::instrument(skip_all)]
pub async fn save_notes(
    tx: &mut Tx,
    partner: PartnerId,
    organisation: OrganisationId,
    expected: Option<i64>,
    contacts: &str,
    notes: &str,
    by: UserId,
    now: Ts,
) -> Result<bool, StoreError> {
    let n = match expected {
        None => {
            let exists: Option<(i64,)> = sql!(
                as (i64,),
                fetch_optional,
                &mut *tx,
                "SELECT version FROM partner_private_notes WHERE partner_id = $1 \
                 AND organisation_id = $2",
                partner.as_uuid(),
                organisation.as_uuid(),
            )?;
            if exists.is_some() {
                return Ok(false);
            }
            sql!(
                execute,
                &mut *tx,
                "INSERT INTO partner_private_notes (id, partner_id, organisation_id, contacts, \
                 notes, created_by, updated_by, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7, 1)",
                Uuid::now_v7(),
                partner.as_uuid(),
                organisation.as_uuid(),
                contacts,
                notes,
                by.as_uuid(),
                now,
            )?
        }
        Some(v) => sql!(
            execute,
            &mut *tx,
            "UPDATE partner_private_notes SET contacts = $4, notes = $5, updated_by = $6, \
             updated_at = $7, version = version + 1 \
             WHERE partner_id = $1 AND organisation_id = $2 AND version = $3",
            partner.as_uuid(),
            organisation.as_uuid(),
            v,
            contacts,
            notes,
            by.as_uuid(),
            now,
        )?,
    };
    Ok(n == 1)
}

/// The organisations hosted on the instance, by name: what a directory entry may be linked to.
#[tracing::instrument(skip_all)]
pub async fn hosted_organisations<'c>(
    exec: impl Into<Exec<'c>>,
) -> Result<Vec<(Uuid, String)>, StoreError> {
    Ok(
        sql!(as (Uuid, String), fetch_all, exec, "SELECT id, name FROM organisations ORDER BY name, id")?,
    )
}

// ---------------------------------------------------------------------------------------------
// Imports.

/// How long an uploaded directory file is kept without being imported.
pub const UPLOAD_LIFETIME: Duration = Duration::hours(1);

/// A file kept for an import.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Upload {
    pub id: Uuid,
    pub file_name: String,
    pub format: String,
    pub content: Vec<u8>,
}

/// Keeps a file for `user` and returns its id (random); files past their lifetime go.
#[tracing::instrument(skip_all)]
pub async fn save_upload<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    file_name: &str,
    format: &str,
    content: &[u8],
    now: Ts,
) -> Result<Uuid, StoreError> {
    let mut exec = exec.into();
    sql!(
        execute,
        &mut exec,
        "DELETE FROM partner_import_uploads WHERE created_at <= $1",
        Ts::from(now.get() - UPLOAD_LIFETIME),
    )?;
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    sql!(
        execute,
        &mut exec,
        "INSERT INTO partner_import_uploads (id, user_id, file_name, format, content, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        user.as_uuid(),
        file_name,
        format,
        content,
        now,
    )?;
    Ok(id)
}

/// The file `user` uploaded as `id`, unless it expired.
#[tracing::instrument(skip_all)]
pub async fn find_upload<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    id: Uuid,
    now: Ts,
) -> Result<Option<Upload>, StoreError> {
    Ok(sql!(
        as Upload,
        fetch_optional,
        exec,
        "SELECT id, file_name, format, content FROM partner_import_uploads \
         WHERE user_id = $1 AND id = $2 AND created_at > $3",
        user.as_uuid(),
        id,
        Ts::from(now.get() - UPLOAD_LIFETIME),
    )?)
}

/// Forgets an uploaded file.
#[tracing::instrument(skip_all)]
pub async fn delete_upload<'c>(
    exec: impl Into<Exec<'c>>,
    user: UserId,
    id: Uuid,
) -> Result<(), StoreError> {
    sql!(
        execute,
        exec,
        "DELETE FROM partner_import_uploads WHERE user_id = $1 AND id = $2",
        user.as_uuid(),
        id,
    )?;
    Ok(())
}

/// What an import does with one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<Id> {
    Create(Id),
    Update(Id),
    Unchanged(Id),
}

impl<Id: Copy> Action<Id> {
    pub fn id(&self) -> Id {
        match self {
            Action::Create(i) | Action::Update(i) | Action::Unchanged(i) => *i,
        }
    }
}

/// What an import would do: every entry of the file with its action.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub partners: Vec<(ImportedPartner, Action<PartnerId>)>,
    pub services: Vec<(ImportedService, Action<PartnerServiceId>, PartnerId)>,
}

impl ImportPlan {
    /// (created, changed, unchanged) partners, then the same for services.
    pub fn counts(&self) -> ([usize; 3], [usize; 3]) {
        fn count<I>(actions: impl Iterator<Item = Action<I>>) -> [usize; 3] {
            let mut c = [0; 3];
            for a in actions {
                c[match a {
                    Action::Create(_) => 0,
                    Action::Update(_) => 1,
                    Action::Unchanged(_) => 2,
                }] += 1;
            }
            c
        }
        (
            count(self.partners.iter().map(|(_, a)| *a)),
            count(self.services.iter().map(|(_, a, _)| *a)),
        )
    }
}

/// Compares what a file gives with the directory: an entry is found again by the key it was
/// imported under, or by our own id when the file is one of our exports of entries typed here.
/// New entries get their ids now, so that the plan can be shown and applied as is.
#[tracing::instrument(skip_all)]
pub async fn plan_import<'c>(
    exec: impl Into<Exec<'c>>,
    parsed: &Parsed,
) -> Result<ImportPlan, StoreError> {
    let existing = all(exec).await?;
    let mut partner_by_key: HashMap<String, &Partner> = HashMap::new();
    let mut service_by_key: HashMap<String, &Service> = HashMap::new();
    for (p, services) in &existing {
        if let Some(k) = &p.source_key {
            partner_by_key.insert(k.clone(), p);
        }
        partner_by_key.insert(format!("id:{}", p.id), p);
        for s in services {
            if let Some(k) = &s.source_key {
                service_by_key.insert(k.clone(), s);
            }
            service_by_key.insert(format!("id:{}", s.id), s);
        }
    }
    let mut plan = ImportPlan::default();
    let mut partner_ids: HashMap<&str, PartnerId> = HashMap::new();
    for p in &parsed.partners {
        let found = partner_by_key
            .get(&p.source_key)
            .or_else(|| partner_by_key.get(&format!("id:{}", p.source_id)));
        let action = match found {
            None => Action::Create(PartnerId::new()),
            Some(e) if e.fields() == p.fields => Action::Unchanged(e.id),
            Some(e) => Action::Update(e.id),
        };
        partner_ids.insert(&p.source_key, action.id());
        plan.partners.push((p.clone(), action));
    }
    for s in &parsed.services {
        let Some(partner) = partner_ids.get(s.partner_key.as_str()).copied() else { continue };
        let found = service_by_key
            .get(&s.source_key)
            .or_else(|| service_by_key.get(&format!("id:{}", s.source_id)));
        let action = match found {
            None => Action::Create(PartnerServiceId::new()),
            Some(e) if e.fields() == s.fields && e.partner_id == partner => Action::Unchanged(e.id),
            Some(e) => Action::Update(e.id),
        };
        plan.services.push((s.clone(), action, partner));
    }
    Ok(plan)
}

/// Writes what a plan creates and changes, attributed to `by`.
#[tracing::instrument(skip_all)]
pub async fn apply_import(
    tx: &mut Tx,
    plan: &ImportPlan,
    by: UserId,
    now: Ts,
) -> Result<(), StoreError> {
    for (p, action) in &plan.partners {
        match action {
            Action::Create(id) => {
                insert_partner(tx, *id, Some(&p.source_key), &p.fields, None, Some(by), now).await?
            }
            Action::Update(id) => {
                // The link to a hosted organisation is no part of any file: it stays.
                let linked = find_partner(&mut *tx, *id)
                    .await?
                    .and_then(|e| e.linked_organisation_id)
                    .map(OrganisationId::from_uuid);
                update_partner(tx, *id, None, &p.fields, linked, Some(by), now).await?;
            }
            Action::Unchanged(_) => {}
        }
    }
    for (s, action, partner) in &plan.services {
        match action {
            Action::Create(id) => {
                insert_service(tx, *id, *partner, Some(&s.source_key), &s.fields, Some(by), now)
                    .await?
            }
            Action::Update(id) => {
                update_service(tx, *id, *partner, None, &s.fields, Some(by), now).await?;
            }
            Action::Unchanged(_) => {}
        }
    }
    Ok(())
}
