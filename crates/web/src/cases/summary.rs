//! The case summary ("synthèse", issue 7 point 8): a PDF of the sections the worker chooses,
//! for a meeting or a transfer, in French or English, with the confidentiality banner on
//! every page (ADR 0012).
//!
//! Only readers of the case's content make one (anyone else: "not found"), and not under an
//! emergency grant (break the glass reads the case, it does not take it away). The last
//! contacts are notes at the normal level only, whoever reads: never "referents only", never
//! "author only", not even the reader's own. The export is a `case_exported` audit event
//! naming the sections, the purpose and the language, never any text; it is recorded before
//! the PDF is sent.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawForm, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::accounts::Role;
use domain::audit::AuditAction;
use domain::cases::Confidentiality;
use domain::lists::{ListName, Lists};
use domain::policy::{NoteVisibility, Rule};
use domain::{CaseId, UserId};
use serde_json::{Value, json};
use store::Ts;
use store::audit::NewAuditEvent;

use super::pages::{Loaded, load, note_type_label, organisation};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::{Locale, Tr};
use crate::persons::{form_pairs, list_label};

/// Who may reach the summary: workers and supervisors; [`domain::policy::case_access`] then
/// decides per case (content, no emergency grant). A manager who also supervises the team
/// reads the case but makes no summary here (the route is stricter, as for note versions).
pub const CASE_SUMMARY_MAKERS: Rule = Rule::Roles(&[Role::Worker, Role::Supervisor]);

/// How many of the latest normal-level notes the "last contacts" section prints.
pub const SUMMARY_CONTACTS: i64 = 5;

/// A section of the summary, in the order the PDF prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Identity,
    Reason,
    Assessment,
    Plan,
    Contacts,
    Flags,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Identity,
        Section::Reason,
        Section::Assessment,
        Section::Plan,
        Section::Contacts,
        Section::Flags,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Section::Identity => "identity",
            Section::Reason => "reason",
            Section::Assessment => "assessment",
            Section::Plan => "plan",
            Section::Contacts => "contacts",
            Section::Flags => "flags",
        }
    }

    fn parse(code: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Why the summary is made; printed on it and kept in the audit event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Meeting,
    Transfer,
    Other,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [Purpose::Meeting, Purpose::Transfer, Purpose::Other];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Meeting => "meeting",
            Purpose::Transfer => "transfer",
            Purpose::Other => "other",
        }
    }

    fn parse(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The languages a summary is written in.
const LANGUAGES: [Locale; 2] = [Locale::Fr, Locale::En];

/// A box or a radio button of the form.
pub struct Tick {
    pub code: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub checked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/summary_form.html")]
pub struct SummaryPage {
    chrome: Chrome,
    case_id: CaseId,
    person_id: domain::PersonId,
    person_name: String,
    sections: Vec<Tick>,
    purposes: Vec<Tick>,
    languages: Vec<Tick>,
    /// (field id, message), in the order of the form.
    errors: Vec<(&'static str, String)>,
}

impl SummaryPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// What the form sent.
struct Choice {
    sections: Vec<Section>,
    purpose: Option<Purpose>,
    language: Option<Locale>,
}

impl Choice {
    fn parse(body: &[u8]) -> Choice {
        let pairs = form_pairs(body);
        let all = |key: &'static str| {
            pairs.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
        };
        let chosen: Vec<Section> = all("sections").filter_map(Section::parse).collect();
        Choice {
            // In the PDF's order, each once.
            sections: Section::ALL.into_iter().filter(|s| chosen.contains(s)).collect(),
            purpose: all("purpose").find_map(Purpose::parse),
            language: all("language").find_map(Locale::from_tag).filter(|l| LANGUAGES.contains(l)),
        }
    }
}

/// A case whose summary the user may make: content readers without an emergency grant;
/// anyone else is answered "not found".
async fn summarisable(
    state: &AppState,
    signed_in: &SignedIn,
    id: CaseId,
) -> Result<Loaded, WebError> {
    let loaded = load(state, signed_in, id).await?;
    if !loaded.access.content || loaded.access.emergency {
        return Err(WebError::NotFound);
    }
    Ok(loaded)
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    signed_in: &SignedIn,
    loaded: &Loaded,
    typed: &Choice,
    errors: Vec<(&'static str, String)>,
) -> Result<SummaryPage, WebError> {
    let org = organisation(signed_in)?;
    let person = store::persons::find(&state.db, org, loaded.case.person_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let t = &ctx.t;
    let sections = Section::ALL
        .into_iter()
        .map(|s| Tick {
            code: s.code(),
            label: t.msg(&format!("summary-section-{}", s.code())),
            hint: Some(t.msg(&format!("summary-section-{}-hint", s.code()))),
            checked: typed.sections.contains(&s),
        })
        .collect();
    let purposes = Purpose::ALL
        .into_iter()
        .map(|p| Tick {
            code: p.code(),
            label: t.msg(&format!("summary-purpose-{}", p.code())),
            hint: None,
            checked: typed.purpose == Some(p),
        })
        .collect();
    let language =
        typed.language.unwrap_or(if t.locale() == Locale::En { Locale::En } else { Locale::Fr });
    let languages = LANGUAGES
        .into_iter()
        .map(|l| Tick {
            code: l.tag(),
            label: t.msg(&format!("summary-language-{}", l.tag())),
            hint: None,
            checked: l == language,
        })
        .collect();
    Ok(SummaryPage {
        case_id: loaded.case.id,
        person_id: loaded.case.person_id,
        person_name: person.record.display_name(),
        sections,
        purposes,
        languages,
        errors,
        chrome: Chrome::new(ctx, state, Nav::Persons),
    })
}

/// The form: which sections, for what, in which language.
pub async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
) -> Result<SummaryPage, WebError> {
    let loaded = summarisable(&state, &signed_in, id).await?;
    // Everything but the last contacts is ticked to begin with.
    let typed = Choice {
        sections: Section::ALL.into_iter().filter(|s| *s != Section::Contacts).collect(),
        purpose: None,
        language: None,
    };
    page(&state, ctx, &signed_in, &loaded, &typed, vec![]).await
}

/// Makes the PDF, records the export, and sends it.
pub async fn generate(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<CaseId>,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let loaded = summarisable(&state, &signed_in, id).await?;
    let typed = Choice::parse(&body);
    let mut errors = Vec::new();
    if typed.sections.is_empty() {
        errors.push(("sections", ctx.t.msg("summary-error-sections")));
    }
    if typed.purpose.is_none() {
        errors.push(("purpose", ctx.t.msg("summary-error-purpose")));
    }
    if typed.language.is_none() {
        errors.push(("language", ctx.t.msg("summary-error-language")));
    }
    let (Some(purpose), Some(language), false) =
        (typed.purpose, typed.language, typed.sections.is_empty())
    else {
        let page = page(&state, ctx, &signed_in, &loaded, &typed, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let t = Tr::new(state.i18n.clone(), language);
    let data = summary_data(&state, &signed_in, &loaded, &t, &typed.sections, purpose).await?;
    let pdf = tokio::task::spawn_blocking(move || {
        documents::render(documents::Template::CaseSummary, &data)
    })
    .await
    .map_err(|_| WebError::Internal("the summary's rendering task failed"))?
    .map_err(|e| {
        // The error names the template and line, never the data (ADR 0012).
        tracing::error!(error = %e, "case summary PDF");
        WebError::Internal("the summary PDF could not be made")
    })?;

    let org = organisation(&signed_in)?;
    let sections: Vec<&str> = typed.sections.iter().map(|s| s.code()).collect();
    let mut tx = state.db.begin_write().await?;
    let event = NewAuditEvent::new(AuditAction::CaseExported, Some(org))
        .by(signed_in.actor.user_id)
        .on("case", id.as_uuid())
        .detail("document", "case_summary")
        .detail("sections", sections.join(","))
        .detail("purpose", purpose.code())
        .detail("language", language.tag())
        .detail("bytes", pdf.len() as u64);
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;

    let file = format!(
        "attachment; filename=\"{}-{}.pdf\"",
        t.msg("summary-file-name"),
        Ts::now().get().date()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, file),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

/// One block of a section, as the template prints it (`templates/case_summary.typ`).
fn fields(rows: Vec<Value>) -> Value {
    json!({ "kind": "fields", "rows": rows })
}

fn field(label: String, value: impl Into<String>) -> Value {
    json!([label, value.into()])
}

fn table(caption: String, header: Vec<String>, rows: Vec<Value>) -> Value {
    json!({ "kind": "table", "caption": caption, "header": header, "rows": rows })
}

fn heading(text: impl Into<String>) -> Value {
    json!({ "kind": "heading", "text": text.into() })
}

fn text(text: impl Into<String>) -> Value {
    json!({ "kind": "text", "text": text.into() })
}

fn meta(text: impl Into<String>) -> Value {
    json!({ "kind": "meta", "text": text.into() })
}

fn empty(text: String) -> Value {
    json!({ "kind": "empty", "text": text })
}

/// The data of the summary's template: the letterhead's fields and the blocks of each section.
async fn summary_data(
    state: &AppState,
    signed_in: &SignedIn,
    loaded: &Loaded,
    t: &Tr,
    sections: &[Section],
    purpose: Purpose,
) -> Result<Value, WebError> {
    let org = organisation(signed_in)?;
    let case = &loaded.case;
    let db = &state.db;
    let person = store::persons::find(db, org, case.person_id).await?.ok_or(WebError::NotFound)?;
    let lists = store::lists::for_organisation(db, org).await?;
    let settings = store::organisations::settings(db, org).await?;
    let now = Ts::now();
    let today = time::OffsetDateTime::now_utc().date();
    let name = person.record.display_name();
    let purpose_label = t.msg(&format!("summary-purpose-{}", purpose.code()));
    let me = store::accounts::find_user(db, signed_in.actor.user_id)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();

    let mut out = Vec::new();
    for section in sections {
        let blocks = match section {
            Section::Identity => identity(state, t, &lists, loaded, &person, today).await?,
            Section::Reason => reason(t, &lists, loaded),
            Section::Assessment => assessment(state, t, &lists, loaded).await?,
            Section::Plan => plan(state, t, &lists, loaded, today).await?,
            Section::Contacts => contacts(state, signed_in, t, &lists, loaded).await?,
            Section::Flags => flags(state, t, &lists, loaded).await?,
        };
        out.push(json!({
            "code": section.code(),
            "title": t.msg(&format!("summary-section-{}", section.code())),
            "blocks": blocks,
        }));
    }
    Ok(json!({
        "lang": t.lang(),
        "date": today.to_string(),
        "organisation": settings.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| t.msg("app-name")),
        "footer": settings.as_ref().and_then(|s| s.letterhead_footer.clone()).unwrap_or_default(),
        "title": t.msg("summary-pdf-title"),
        "subtitle": t.msg_args("summary-pdf-subtitle", &[("name", &name), ("purpose", &purpose_label)]),
        "generated": t.msg_args("summary-pdf-generated", &[
            ("date", &crate::dates::for_user(now, signed_in)),
            ("author", &me),
        ]),
        "banner": t.msg("summary-pdf-banner"),
        "page_format": t.msg("summary-pdf-page"),
        "sections": out,
    }))
}

async fn identity(
    state: &AppState,
    t: &Tr,
    lists: &Lists,
    loaded: &Loaded,
    person: &store::persons::Person,
    today: time::Date,
) -> Result<Vec<Value>, WebError> {
    let case = &loaded.case;
    let record = &person.record;
    let mut rows = vec![field(t.msg("summary-pdf-name"), record.display_name())];
    if let Some(b) = record.birth_date {
        let age = domain::persons::age_on(b, today) as i64;
        rows.push(field(
            t.msg("summary-pdf-birth-date"),
            format!("{} ({})", domain::persons::french_date(b), t.msg_count("person-age", &age)),
        ));
    }
    let mut out = vec![fields(rows)];
    let members =
        store::households::of_person(&state.db, case.organisation_id, case.person_id).await?;
    let household = case.household_id.map(domain::HouseholdId::from_uuid).or_else(|| {
        members
            .iter()
            .find(|m| m.person_id == case.person_id && m.current(today))
            .map(|m| m.household_id)
    });
    let rows: Vec<Value> = members
        .iter()
        .filter(|m| {
            Some(m.household_id) == household && m.current(today) && m.person_id != case.person_id
        })
        .map(|m| {
            let family = m.used_name.as_deref().or(m.birth_name.as_deref());
            let name = [family, m.first_names.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let age = m
                .birth_date
                .map(|b| t.msg_count("person-age", &(domain::persons::age_on(b, today) as i64)))
                .unwrap_or_default();
            json!([name, list_label(t, lists, ListName::Relationship, &m.relationship), age])
        })
        .collect();
    if !rows.is_empty() {
        let header =
            ["case-member-name", "case-member-relationship", "case-member-age"].map(|k| t.msg(k));
        out.push(table(t.msg("summary-pdf-household"), header.to_vec(), rows));
    }
    Ok(out)
}

fn reason(t: &Tr, lists: &Lists, loaded: &Loaded) -> Vec<Value> {
    let case = &loaded.case;
    let mut rows = vec![
        field(t.msg("case-status"), t.msg(&format!("case-status-{}", case.status().as_str()))),
        field(t.msg("case-opened"), domain::persons::french_date(case.opened_at.get().date())),
    ];
    if let Some(s) = case.orientation_source.as_deref() {
        rows.push(field(
            t.msg("case-source"),
            list_label(t, lists, ListName::OrientationSource, s),
        ));
    }
    rows.push(field(t.msg("case-team"), case.team_name.clone()));
    rows.push(field(
        t.msg("case-referent"),
        case.referent_name.clone().unwrap_or_else(|| t.msg("case-no-referent")),
    ));
    if !case.co_referents.is_empty() {
        let names: Vec<&str> = case.co_referents.iter().map(|(_, n)| n.as_str()).collect();
        rows.push(field(t.msg("case-co-referents"), names.join(", ")));
    }
    vec![fields(rows), heading(t.msg("case-reason")), text(case.reason.clone())]
}

fn level(t: &Tr, level: Option<u8>) -> String {
    match level {
        Some(l) => t.msg_args(
            "summary-pdf-level",
            &[("level", &l.to_string()), ("max", &domain::assessments::LEVEL_MAX.to_string())],
        ),
        None => "—".to_owned(),
    }
}

/// The latest assessment: each domain's levels (the worker's, the person's), the priorities,
/// then the person's words and the strengths noted.
async fn assessment(
    state: &AppState,
    t: &Tr,
    lists: &Lists,
    loaded: &Loaded,
) -> Result<Vec<Value>, WebError> {
    let case = &loaded.case;
    let latest = store::assessments::latest_two(&state.db, case.organisation_id, case.id).await?;
    let Some(a) = latest.into_iter().next() else {
        return Ok(vec![empty(t.msg("summary-pdf-no-assessment"))]);
    };
    let c = &a.content;
    let mut out = vec![meta(t.msg_args(
        "summary-pdf-assessed",
        &[
            ("date", &domain::persons::french_date(c.assessed_on)),
            ("author", a.assessed_by_name.as_deref().unwrap_or("—")),
        ],
    ))];
    let rows: Vec<Value> = c
        .ratings
        .iter()
        .map(|r| {
            json!([
                list_label(t, lists, ListName::LifeDomain, &r.domain),
                level(t, r.need),
                level(t, r.person),
                if r.priority { t.msg("summary-pdf-yes") } else { String::new() },
            ])
        })
        .collect();
    if rows.is_empty() {
        out.push(empty(t.msg("summary-pdf-no-assessment")));
        return Ok(out);
    }
    let header = [
        "summary-pdf-domain",
        "summary-pdf-need",
        "summary-pdf-person-level",
        "summary-pdf-priority",
    ]
    .map(|k| t.msg(k));
    out.push(table(t.msg("summary-pdf-ratings"), header.to_vec(), rows));
    for r in &c.ratings {
        let words = r.person_words.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let strengths = r.strengths.as_deref().map(str::trim).filter(|w| !w.is_empty());
        if words.is_none() && strengths.is_none() {
            continue;
        }
        out.push(heading(list_label(t, lists, ListName::LifeDomain, &r.domain)));
        let mut rows = Vec::new();
        if let Some(w) = words {
            rows.push(field(t.msg("summary-pdf-person-words"), w));
        }
        if let Some(s) = strengths {
            rows.push(field(t.msg("summary-pdf-strengths"), s));
        }
        out.push(fields(rows));
    }
    Ok(out)
}

/// The plan: each goal in the person's words with its steps, then the victories and the
/// latest agreement.
async fn plan(
    state: &AppState,
    t: &Tr,
    lists: &Lists,
    loaded: &Loaded,
    today: time::Date,
) -> Result<Vec<Value>, WebError> {
    let case = &loaded.case;
    let plan = store::plans::plan_of(&state.db, case.organisation_id, case.id).await?;
    let mut out = Vec::new();
    if let Some(a) = &plan.agreement {
        out.push(meta(t.msg_args(
            "summary-pdf-agreed",
            &[
                ("date", &domain::persons::french_date(a.agreed_on)),
                ("method", &t.msg(&format!("summary-pdf-agreement-{}", a.method))),
            ],
        )));
    }
    if plan.goals.is_empty() {
        out.push(empty(t.msg("summary-pdf-no-goal")));
    }
    for g in &plan.goals {
        out.push(heading(g.person_words.clone()));
        let mut rows = vec![field(
            t.msg("summary-pdf-goal-status"),
            t.msg(&format!("summary-pdf-goal-{}", g.status().as_str())),
        )];
        if let Some(w) = g.worker_words.as_deref().filter(|w| !w.trim().is_empty()) {
            rows.push(field(t.msg("summary-pdf-worker-words"), w));
        }
        if !g.domains.is_empty() {
            let names: Vec<String> =
                g.domains.iter().map(|d| list_label(t, lists, ListName::LifeDomain, d)).collect();
            rows.push(field(t.msg("summary-pdf-domains"), names.join(", ")));
        }
        out.push(fields(rows));
        if !g.steps.is_empty() {
            let rows: Vec<Value> = g
                .steps
                .iter()
                .map(|s| {
                    let who = match (s.owner(), s.partner_name.as_deref()) {
                        (domain::plans::StepOwner::Partner, Some(p)) if !p.trim().is_empty() => {
                            p.to_owned()
                        }
                        (o, _) => t.msg(&format!("summary-pdf-owner-{}", o.as_str())),
                    };
                    let mut status = t.msg(&format!("summary-pdf-step-{}", s.status().as_str()));
                    if s.overdue(today) {
                        status = format!("{status} ({})", t.msg("summary-pdf-overdue"));
                    }
                    json!([
                        s.action,
                        who,
                        s.due_on.map(domain::persons::french_date).unwrap_or_default(),
                        status
                    ])
                })
                .collect();
            let header =
                ["summary-pdf-step", "summary-pdf-who", "summary-pdf-due", "summary-pdf-status"]
                    .map(|k| t.msg(k));
            out.push(table(t.msg("summary-pdf-steps"), header.to_vec(), rows));
        }
    }
    out.push(heading(t.msg("summary-pdf-victories")));
    if plan.victories.is_empty() {
        out.push(empty(t.msg("summary-pdf-no-victory")));
    } else {
        let rows = plan
            .victories
            .iter()
            .map(|v| field(domain::persons::french_date(v.occurred_on), v.person_words.clone()))
            .collect();
        out.push(fields(rows));
    }
    Ok(out)
}

/// The latest notes at the normal level: read with a visibility that is nobody's (so no note
/// is the reader's own) and admits no "referents only" note, then checked once more.
async fn contacts(
    state: &AppState,
    signed_in: &SignedIn,
    t: &Tr,
    lists: &Lists,
    loaded: &Loaded,
) -> Result<Vec<Value>, WebError> {
    let case = &loaded.case;
    let normal_only = NoteVisibility { viewer: UserId::new(), referents_level: false };
    let notes = store::cases::last_contacts(
        &state.db,
        case.organisation_id,
        case.id,
        normal_only,
        SUMMARY_CONTACTS,
    )
    .await?;
    let notes: Vec<_> = notes
        .iter()
        .filter(|e| e.confidentiality() == Confidentiality::Normal && e.deleted_at.is_none())
        .collect();
    if notes.is_empty() {
        return Ok(vec![empty(t.msg("case-no-contact"))]);
    }
    let mut out = vec![meta(t.msg("summary-pdf-contacts-hint"))];
    for e in notes {
        let when = crate::dates::for_user(e.occurred_at, signed_in);
        let when = when.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let kind = note_type_label(t, lists, e.note_type.as_deref().unwrap_or(""));
        out.push(heading(format!("{when} — {kind}")));
        let mut line = Vec::new();
        if let Some(a) = &e.author_name {
            line.push(t.msg_args("summary-pdf-by", &[("author", a)]));
        }
        if let Some(d) = e.duration_minutes {
            line.push(t.msg_count("summary-pdf-minutes", &d));
        }
        for extra in [e.place.as_deref(), e.participants.as_deref()].into_iter().flatten() {
            if !extra.trim().is_empty() {
                line.push(extra.to_owned());
            }
        }
        if !line.is_empty() {
            out.push(meta(line.join(" · ")));
        }
        out.push(json!({ "kind": "rich", "blocks": blocks(e.body.as_deref().unwrap_or("")) }));
    }
    Ok(out)
}

/// A note's body as the template's rich text: blocks of lines of spans (`domain::markup`).
fn blocks(body: &str) -> Value {
    let blocks: Vec<Value> = domain::markup::parse(body)
        .into_iter()
        .map(|b| {
            let lines: Vec<Value> = b
                .lines
                .iter()
                .map(|l| {
                    Value::Array(
                        l.iter()
                            .map(|s| json!({ "text": s.text, "bold": s.bold, "italic": s.italic }))
                            .collect(),
                    )
                })
                .collect();
            json!({ "list": b.list, "lines": lines })
        })
        .collect();
    Value::Array(blocks)
}

async fn flags(
    state: &AppState,
    t: &Tr,
    lists: &Lists,
    loaded: &Loaded,
) -> Result<Vec<Value>, WebError> {
    let case = &loaded.case;
    let flags = store::intake::flags_of(&state.db, case.organisation_id, case.person_id).await?;
    let rows: Vec<Value> = flags
        .iter()
        .filter(|f| f.status() != domain::intake::FlagStatus::Closed)
        .map(|f| {
            let since = domain::persons::french_date(f.raised_at.get().date());
            field(
                list_label(t, lists, ListName::UrgencyFlag, &f.code),
                t.msg_args("summary-pdf-flag-since", &[("date", &since)]),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(vec![empty(t.msg("summary-pdf-no-flag"))]);
    }
    Ok(vec![fields(rows)])
}

/// Whether the case page offers the summary: to a reader of the content whom the route lets
/// in, without an emergency grant.
pub fn offered(chrome: &Chrome, content: &bool, emergency: bool) -> bool {
    *content
        && !emergency
        && chrome.user.as_ref().is_some_and(|u| {
            domain::policy::check(CASE_SUMMARY_MAKERS, Some(&u.actor))
                == domain::policy::Decision::Allow
        })
}
