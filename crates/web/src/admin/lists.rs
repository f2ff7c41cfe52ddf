//! The organisation's value lists, for its manager: hide a default value, give it the
//! organisation's own French and English labels, move it, and add values of the organisation's
//! own — without code. Codes never change: a hidden value is no longer offered for a new choice
//! but stays on the records that hold it, and reports keep counting it by its code.
//!
//! A list is saved as one form, each value carrying the version it was shown at and the state
//! it was shown in. A value someone else changed meanwhile is merged field by field: what this
//! manager left as shown takes the colleague's change; what both changed differently is shown
//! side by side (stored, typed) and nothing is written, everything typed kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::lists::{ListName, Lists, Override, valid_code};
use serde::Deserialize;
use store::Ts;
use store::audit::NewAuditEvent;
use store::lists::StoredOverride;

use super::{FieldError, Section, error_for, one_of, organisation};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;
use crate::i18n::{Locale, Tr};

/// The longest label, in characters: a label fits on one line of a select.
const MAX_LABEL: usize = 100;
/// Positions beyond this are typing mistakes.
const MAX_POSITION: i64 = 100_000;
/// How many times a save is tried again when another write slips in between reading the list
/// and writing it (PostgreSQL does not lock on read).
const ATTEMPTS: usize = 3;

fn list_name(t: &Tr, list: ListName) -> String {
    t.msg(&format!("list-name-{}", list.as_str()))
}

fn parse_list(name: &str) -> Result<ListName, WebError> {
    ListName::parse(name).ok_or(WebError::NotFound)
}

// ---------------------------------------------------------------------------------------------
// The index: every list with what the organisation changed in it.

/// One list as the index shows it.
pub struct ListSummary {
    pub code: &'static str,
    pub name: String,
    pub name_fr: String,
    pub name_en: String,
    pub values: usize,
    pub hidden: usize,
    pub relabelled: usize,
    pub own: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/lists.html")]
pub struct ListsPage {
    chrome: Chrome,
    section: Section,
    lists: Vec<ListSummary>,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<ListsPage, WebError> {
    let org = organisation(&signed_in)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let summaries = ListName::ALL
        .into_iter()
        .map(|list| {
            let values = lists.values(list);
            let key = format!("list-name-{}", list.as_str());
            ListSummary {
                code: list.as_str(),
                name: list_name(&ctx.t, list),
                name_fr: state.i18n.message(Locale::Fr, &key, None),
                name_en: state.i18n.message(Locale::En, &key, None),
                values: values.len(),
                hidden: values.iter().filter(|v| v.hidden).count(),
                relabelled: values
                    .iter()
                    .filter(|v| !v.custom && (v.label_fr.is_some() || v.label_en.is_some()))
                    .count(),
                own: values.iter().filter(|v| v.custom).count(),
            }
        })
        .collect();
    Ok(ListsPage {
        chrome: Chrome::new(ctx, &state, Nav::Admin),
        section: Section::Lists,
        lists: summaries,
    })
}

// ---------------------------------------------------------------------------------------------
// One list: what is stored, what was typed, and how the two meet.

/// The editable state of one value, as stored (and shown) or as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowState {
    pub fr: String,
    pub en: String,
    pub hidden: bool,
    pub position: String,
}

/// One value of the list as stored now.
#[derive(Debug, Clone)]
struct CurrentRow {
    code: String,
    custom: bool,
    /// Where it stands: its own position, else its place among the defaults or the own values.
    position: i64,
    /// A default's place, which a position equal to it need not store.
    default_position: Option<i64>,
    stored: Option<Override>,
    version: i64,
}

impl CurrentRow {
    fn state(&self) -> RowState {
        let o = self.stored.as_ref();
        RowState {
            fr: o.and_then(|o| o.label_fr.clone()).unwrap_or_default(),
            en: o.and_then(|o| o.label_en.clone()).unwrap_or_default(),
            hidden: o.is_some_and(|o| o.hidden),
            position: self.position.to_string(),
        }
    }
}

/// Every value of `list` with what the organisation stored about it, in the order forms show
/// them. The fallback positions follow `domain::lists::Lists::values` (defaults ten apart,
/// then the organisation's own values by code), so the numbers shown are the real order.
fn current_rows(list: ListName, stored: &[StoredOverride]) -> Vec<CurrentRow> {
    let defaults = list.defaults();
    let find = |code: &str| stored.iter().find(|s| s.change.code == code);
    let mut rows: Vec<CurrentRow> = defaults
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let s = find(code);
            let default_position = i as i64 * 10;
            CurrentRow {
                code: (*code).to_owned(),
                custom: false,
                position: s.and_then(|s| s.change.position).unwrap_or(default_position),
                default_position: Some(default_position),
                stored: s.map(|s| s.change.clone()),
                version: s.map_or(0, |s| s.version),
            }
        })
        .collect();
    let base = defaults.len() as i64 * 10;
    for (i, s) in stored.iter().filter(|s| !defaults.contains(&s.change.code.as_str())).enumerate()
    {
        rows.push(CurrentRow {
            code: s.change.code.clone(),
            custom: true,
            position: s.change.position.unwrap_or(base + i as i64 * 10),
            default_position: None,
            stored: Some(s.change.clone()),
            version: s.version,
        });
    }
    rows.sort_by_key(|r| r.position);
    rows
}

/// One value as the form sent it back.
#[derive(Debug, Clone)]
struct Submitted {
    typed: RowState,
    /// The state the form showed, to tell what this manager changed from what they left.
    shown: RowState,
    version: i64,
}

fn submitted(fields: &[(String, String)], code: &str) -> Submitted {
    let field = |name: &str| one_of(fields, &format!("{name}-{code}"));
    let state = |prefix: &str| RowState {
        fr: field(&format!("{prefix}fr")).trim().to_owned(),
        en: field(&format!("{prefix}en")).trim().to_owned(),
        hidden: !field(&format!("{prefix}hidden")).is_empty(),
        position: field(&format!("{prefix}position")).trim().to_owned(),
    };
    Submitted {
        typed: state(""),
        shown: state("shown-"),
        // A version that is not a number can only come from a tampered form: treat it as stale.
        version: field("version").parse().unwrap_or(-1),
    }
}

/// One row of the form to draw: what is stored, and what to put in the inputs.
#[derive(Debug, Clone)]
struct EditRow {
    current: CurrentRow,
    typed: RowState,
    /// Someone else changed a field this manager changed too, differently.
    collision: bool,
}

/// One field of a stale row: this manager's value where they changed it, the colleague's
/// where only the colleague did; `None` when both changed it, differently.
fn pick<T: PartialEq + Clone>(typed: &T, shown: &T, stored: &T) -> Option<T> {
    if stored == shown || typed == stored {
        Some(typed.clone())
    } else if typed == shown {
        Some(stored.clone())
    } else {
        None
    }
}

/// Merges `typed` (shown as `shown`) with `stored`, field by field. Returns the merged state
/// (what was typed where fields collide) and whether any did.
fn merge_fields(typed: &RowState, shown: &RowState, stored: &RowState) -> (RowState, bool) {
    let fr = pick(&typed.fr, &shown.fr, &stored.fr);
    let en = pick(&typed.en, &shown.en, &stored.en);
    let hidden = pick(&typed.hidden, &shown.hidden, &stored.hidden);
    let position = pick(&typed.position, &shown.position, &stored.position);
    let collision = fr.is_none() || en.is_none() || hidden.is_none() || position.is_none();
    let merged = RowState {
        fr: fr.unwrap_or_else(|| typed.fr.clone()),
        en: en.unwrap_or_else(|| typed.en.clone()),
        hidden: hidden.unwrap_or(typed.hidden),
        position: position.unwrap_or_else(|| typed.position.clone()),
    };
    (merged, collision)
}

/// The rows to save or show again: each stored value with what the form says about it, merged
/// with what changed meanwhile. Values the form did not carry (added meanwhile) keep their
/// stored state.
fn merge(fields: &[(String, String)], current: Vec<CurrentRow>) -> Vec<EditRow> {
    let sent: Vec<String> =
        fields.iter().filter(|(k, _)| k == "code").map(|(_, v)| v.clone()).collect();
    current
        .into_iter()
        .map(|current| {
            let stored = current.state();
            if !sent.contains(&current.code) {
                return EditRow { typed: stored, current, collision: false };
            }
            let s = submitted(fields, &current.code);
            if s.version == current.version {
                return EditRow { typed: s.typed, current, collision: false };
            }
            let (typed, collision) = merge_fields(&s.typed, &s.shown, &stored);
            EditRow { typed, current, collision }
        })
        .collect()
}

/// Why a label is refused, as a message id.
fn label_problem(label: &str, required: bool) -> Option<&'static str> {
    if label.is_empty() {
        required.then_some("lists-admin-error-fr-required")
    } else if label.chars().count() > MAX_LABEL {
        Some("lists-admin-error-label-long")
    } else if label.chars().any(char::is_control) {
        Some("lists-admin-error-label-control")
    } else {
        None
    }
}

/// A typed position: empty means "the default place".
fn parse_position(position: &str) -> Result<Option<i64>, ()> {
    if position.is_empty() {
        return Ok(None);
    }
    match position.parse::<i64>() {
        Ok(n) if n.abs() <= MAX_POSITION => Ok(Some(n)),
        _ => Err(()),
    }
}

/// The message for a refused field, naming the value it belongs to.
fn label_message(t: &Tr, problem: &str, value: &str) -> String {
    t.msg_args(problem, &[("value", value), ("max", &MAX_LABEL.to_string())])
}

/// The refused fields of the merged rows, in the order of the table.
fn validate(t: &Tr, lists: &Lists, list: ListName, rows: &[EditRow]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for row in rows {
        let code = &row.current.code;
        let name = crate::persons::list_label(t, lists, list, code);
        if let Some(p) = label_problem(&row.typed.fr, row.current.custom) {
            errors.push(FieldError::new(format!("fr-{code}"), label_message(t, p, &name)));
        }
        if let Some(p) = label_problem(&row.typed.en, false) {
            errors.push(FieldError::new(format!("en-{code}"), label_message(t, p, &name)));
        }
        if parse_position(&row.typed.position).is_err() {
            errors.push(FieldError::new(
                format!("position-{code}"),
                t.msg_args(
                    "lists-admin-error-position",
                    &[("value", &name), ("max", &MAX_POSITION.to_string())],
                ),
            ));
        }
    }
    errors
}

/// What to store for a valid row, or `None` when it would store nothing new.
fn change(list: ListName, row: &EditRow) -> Option<Override> {
    let label = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let typed_position = parse_position(&row.typed.position).ok()?;
    let stored_position = row.current.stored.as_ref().and_then(|o| o.position);
    let position = match typed_position {
        // Left where it stands: keep how it is stored (a fallback stays a fallback).
        Some(n) if n == row.current.position => stored_position,
        Some(n) if Some(n) == row.current.default_position => None,
        other => other,
    };
    let wanted = Override {
        list,
        code: row.current.code.clone(),
        label_fr: label(&row.typed.fr),
        label_en: label(&row.typed.en),
        hidden: row.typed.hidden,
        position,
    };
    let before = row.current.stored.clone().unwrap_or(Override {
        list,
        code: row.current.code.clone(),
        label_fr: None,
        label_en: None,
        hidden: false,
        position: None,
    });
    (wanted != before).then_some(wanted)
}

// ---------------------------------------------------------------------------------------------
// The list's page.

/// One row of the table.
pub struct RowView {
    pub code: String,
    /// The default label in the reader's language; `None` for the organisation's own values.
    pub default_label: Option<String>,
    pub typed: RowState,
    /// What is stored: the form sends it back to tell edits from a colleague's changes.
    pub shown: RowState,
    pub version: i64,
    /// The inputs' accessible names, naming the value by the label it goes by now.
    pub fr_label: String,
    pub en_label: String,
    pub hidden_label: String,
    pub position_label: String,
    pub fr_error: Option<String>,
    pub en_error: Option<String>,
    pub position_error: Option<String>,
}

/// A value changed here and elsewhere, differently.
pub struct ConflictView {
    pub name: String,
    pub code: String,
    pub stored: String,
    pub typed: String,
}

/// What was typed in the form adding a value.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewValueForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    label_fr: String,
    #[serde(default)]
    label_en: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/lists_edit.html")]
pub struct ListPage {
    chrome: Chrome,
    section: Section,
    list: &'static str,
    title: String,
    rows: Vec<RowView>,
    /// The table's refused fields.
    errors: Vec<FieldError>,
    conflict: Vec<ConflictView>,
    new_value: NewValueForm,
    /// The refused fields of the form adding a value.
    add_errors: Vec<FieldError>,
    notice: Option<&'static str>,
}

impl ListPage {
    fn add_error_for(&self, field: &str) -> Option<&str> {
        error_for(&self.add_errors, field)
    }
}

/// A value's state in words, for the conflict table.
fn describe(t: &Tr, state: &RowState) -> String {
    let label =
        |s: &str| if s.is_empty() { t.msg("lists-admin-describe-default") } else { s.to_owned() };
    let mut parts = vec![
        t.msg_args("lists-admin-describe-fr", &[("label", &label(&state.fr))]),
        t.msg_args("lists-admin-describe-en", &[("label", &label(&state.en))]),
        t.msg(if state.hidden {
            "lists-admin-describe-hidden"
        } else {
            "lists-admin-describe-shown"
        }),
    ];
    if !state.position.is_empty() {
        parts.push(t.msg_args("lists-admin-describe-position", &[("position", &state.position)]));
    }
    parts.join(" · ")
}

/// What the page shows besides the list: the table as typed, and what happened.
#[derive(Default)]
struct Outcome {
    rows: Option<Vec<EditRow>>,
    errors: Vec<FieldError>,
    new_value: NewValueForm,
    add_errors: Vec<FieldError>,
    notice: Option<&'static str>,
}

fn list_page(
    state: &AppState,
    ctx: PageCtx,
    list: ListName,
    stored: &[StoredOverride],
    outcome: Outcome,
) -> ListPage {
    let t = &ctx.t;
    let lists = Lists::new(stored.iter().map(|s| s.change.clone()).collect());
    let rows = outcome.rows.unwrap_or_else(|| {
        current_rows(list, stored)
            .into_iter()
            .map(|current| EditRow { typed: current.state(), current, collision: false })
            .collect()
    });
    let name = |code: &str| crate::persons::list_label(t, &lists, list, code);
    let conflict = rows
        .iter()
        .filter(|r| r.collision)
        .map(|r| ConflictView {
            name: name(&r.current.code),
            code: r.current.code.clone(),
            stored: describe(t, &r.current.state()),
            typed: describe(t, &r.typed),
        })
        .collect();
    let errors = outcome.errors;
    let error = |prefix: &str, code: &str| {
        error_for(&errors, &format!("{prefix}-{code}")).map(str::to_owned)
    };
    let rows = rows
        .into_iter()
        .map(|r| {
            let shown = r.current.state();
            let code = r.current.code;
            let value = name(&code);
            let input = |id: &str| t.msg_args(id, &[("value", &value)]);
            RowView {
                default_label: (!r.current.custom)
                    .then(|| t.msg(&format!("list-{}-{}", list.as_str(), code))),
                shown,
                version: r.current.version,
                typed: r.typed,
                fr_label: input("lists-admin-input-fr"),
                en_label: input("lists-admin-input-en"),
                hidden_label: input("lists-admin-input-hidden"),
                position_label: input("lists-admin-input-position"),
                fr_error: error("fr", &code),
                en_error: error("en", &code),
                position_error: error("position", &code),
                code,
            }
        })
        .collect();
    let title = list_name(t, list);
    ListPage {
        chrome: Chrome::new(ctx, state, Nav::Admin),
        section: Section::Lists,
        list: list.as_str(),
        title,
        rows,
        errors,
        conflict,
        new_value: outcome.new_value,
        add_errors: outcome.add_errors,
        notice: outcome.notice,
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
    Path(list): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<ListPage, WebError> {
    let org = organisation(&signed_in)?;
    let list = parse_list(&list)?;
    let stored = store::lists::for_list(&state.db, org, list).await?;
    let notice = match q.notice.as_deref() {
        Some("saved") => Some("lists-admin-notice-saved"),
        Some("added") => Some("lists-admin-notice-added"),
        Some("unchanged") => Some("admin-notice-unchanged"),
        _ => None,
    };
    Ok(list_page(&state, ctx, list, &stored, Outcome { notice, ..Outcome::default() }))
}

/// The codes of the changes `keep` selects, comma-separated, for the audit event.
fn codes(
    changes: &[(Override, &CurrentRow)],
    keep: impl Fn(&Override, &CurrentRow) -> bool,
) -> String {
    changes
        .iter()
        .filter(|(o, cur)| keep(o, cur))
        .map(|(o, _)| o.code.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Saves the whole table: every value this manager changed, if nobody changed it differently
/// meanwhile; otherwise writes nothing and shows both versions.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(list): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let list = parse_list(&list)?;
    for _ in 0..ATTEMPTS {
        // Read and write in one transaction (on SQLite it holds the write lock from the start).
        let mut tx = state.db.begin_write().await?;
        let stored = store::lists::for_list(&mut tx, org, list).await?;
        let rows = merge(&fields, current_rows(list, &stored));
        let lists = Lists::new(stored.iter().map(|s| s.change.clone()).collect());
        let errors = validate(&ctx.t, &lists, list, &rows);
        let collided = rows.iter().any(|r| r.collision);
        if collided || !errors.is_empty() {
            drop(tx);
            let status =
                if collided { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            let outcome = Outcome { rows: Some(rows), errors, ..Outcome::default() };
            return Ok((status, list_page(&state, ctx, list, &stored, outcome)).into_response());
        }
        let changes: Vec<(Override, &CurrentRow)> =
            rows.iter().filter_map(|r| Some((change(list, r)?, &r.current))).collect();
        if changes.is_empty() {
            drop(tx);
            return Ok(Redirect::to(&format!("/admin/lists/{}?notice=unchanged", list.as_str()))
                .into_response());
        }
        let now = Ts::now();
        let mut all_written = true;
        for (o, current) in &changes {
            if !store::lists::save_if_unchanged(&mut tx, org, o, current.version, now).await? {
                all_written = false;
                break;
            }
        }
        if !all_written {
            // Someone wrote between our read and our write: read again and merge again.
            drop(tx);
            continue;
        }
        // Which values changed, and which were hidden or shown again: codes, never labels.
        let was_hidden = |cur: &CurrentRow| cur.stored.as_ref().is_some_and(|s| s.hidden);
        let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
            .by(signed_in.actor.user_id)
            .on("organisation", org.as_uuid())
            .detail("change", "list_values_saved")
            .detail("list", list.as_str())
            .detail("codes", codes(&changes, |_, _| true))
            .detail("hidden", codes(&changes, |o, cur| o.hidden && !was_hidden(cur)))
            .detail("shown", codes(&changes, |o, cur| !o.hidden && was_hidden(cur)));
        audit_trail::record(&mut tx, &meta, event).await?;
        tx.commit().await?;
        return Ok(
            Redirect::to(&format!("/admin/lists/{}?notice=saved", list.as_str())).into_response()
        );
    }
    Err(WebError::Internal("the list kept changing while it was being saved"))
}

/// Adds a value of the organisation's own at the end of the list.
pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(list): Path<String>,
    Form(form): Form<NewValueForm>,
) -> Result<Response, WebError> {
    let org = organisation(&signed_in)?;
    let list = parse_list(&list)?;
    let t = &ctx.t;
    let form = NewValueForm {
        code: form.code.trim().to_owned(),
        label_fr: form.label_fr.trim().to_owned(),
        label_en: form.label_en.trim().to_owned(),
    };
    let mut tx = state.db.begin_write().await?;
    let stored = store::lists::for_list(&mut tx, org, list).await?;
    let current = current_rows(list, &stored);
    let mut errors = Vec::new();
    if form.code.is_empty() {
        errors.push(FieldError::new("new-code", t.msg("lists-admin-error-code-required")));
    } else if !valid_code(&form.code) {
        errors.push(FieldError::new("new-code", t.msg("lists-admin-error-code-invalid")));
    } else if current.iter().any(|r| r.code == form.code) {
        errors.push(FieldError::new(
            "new-code",
            t.msg_args("lists-admin-error-code-taken", &[("code", &form.code)]),
        ));
    }
    let what = t.msg("lists-admin-new-value");
    if let Some(p) = label_problem(&form.label_fr, true) {
        errors.push(FieldError::new("new-label-fr", label_message(t, p, &what)));
    }
    if let Some(p) = label_problem(&form.label_en, false) {
        errors.push(FieldError::new("new-label-en", label_message(t, p, &what)));
    }
    let new = Override {
        list,
        code: form.code.clone(),
        label_fr: Some(form.label_fr.clone()),
        label_en: (!form.label_en.is_empty()).then(|| form.label_en.clone()),
        hidden: false,
        position: Some(current.iter().map(|r| r.position).max().unwrap_or(0) + 10),
    };
    let refused =
        |errors| Outcome { new_value: form.clone(), add_errors: errors, ..Outcome::default() };
    if !errors.is_empty() {
        drop(tx);
        let page = list_page(&state, ctx, list, &stored, refused(errors));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    if !store::lists::save_if_unchanged(&mut tx, org, &new, 0, Ts::now()).await? {
        // Added by someone else between our read and our write.
        drop(tx);
        let stored = store::lists::for_list(&state.db, org, list).await?;
        let errors = vec![FieldError::new(
            "new-code",
            t.msg_args("lists-admin-error-code-taken", &[("code", &form.code)]),
        )];
        let page = list_page(&state, ctx, list, &stored, refused(errors));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let event = NewAuditEvent::new(AuditAction::AdminAction, Some(org))
        .by(signed_in.actor.user_id)
        .on("organisation", org.as_uuid())
        .detail("change", "list_value_added")
        .detail("list", list.as_str())
        .detail("code", new.code.as_str());
    audit_trail::record(&mut tx, &meta, event).await?;
    tx.commit().await?;
    // Back to the top of the page, where the notice is (the form's own fragment would otherwise
    // carry over to this address).
    Ok(Redirect::to(&format!("/admin/lists/{}?notice=added#notice", list.as_str())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(fr: &str, hidden: bool, position: &str) -> RowState {
        RowState { fr: fr.into(), en: String::new(), hidden, position: position.into() }
    }

    #[test]
    fn a_colleagues_change_is_taken_where_this_manager_changed_nothing() {
        let shown = state("", false, "10");
        let stored = state("", true, "10");
        let typed = state("Locataire HLM", false, "10");
        let (merged, collision) = merge_fields(&typed, &shown, &stored);
        assert!(!collision);
        assert_eq!(merged, state("Locataire HLM", true, "10"));
    }

    #[test]
    fn the_same_field_changed_differently_on_both_sides_collides() {
        let shown = state("", false, "10");
        let stored = state("HLM", false, "10");
        let (merged, collision) =
            merge_fields(&state("Locataire HLM", false, "10"), &shown, &stored);
        assert!(collision);
        assert_eq!(merged.fr, "Locataire HLM", "what was typed is kept");
        let (_, same) = merge_fields(&state("HLM", false, "10"), &shown, &stored);
        assert!(!same, "the same change on both sides is no collision");
    }

    #[test]
    fn labels_are_short_and_printable_and_french_is_required_for_own_values() {
        assert_eq!(label_problem("", false), None);
        assert_eq!(label_problem("", true), Some("lists-admin-error-fr-required"));
        assert_eq!(label_problem(&"é".repeat(100), true), None);
        assert_eq!(label_problem(&"é".repeat(101), true), Some("lists-admin-error-label-long"));
        assert_eq!(label_problem("a\u{7}b", false), Some("lists-admin-error-label-control"));
        assert_eq!(parse_position(""), Ok(None));
        assert_eq!(parse_position("-5"), Ok(Some(-5)));
        assert!(parse_position("dix").is_err());
        assert!(parse_position("1000001").is_err());
    }

    #[test]
    fn positions_shown_are_the_real_order_and_unmoved_values_store_nothing() {
        let stored = vec![StoredOverride {
            change: Override {
                list: ListName::Sex,
                code: "nb".into(),
                label_fr: Some("Non binaire".into()),
                label_en: None,
                hidden: false,
                position: None,
            },
            version: 1,
        }];
        let rows = current_rows(ListName::Sex, &stored);
        let positions: Vec<(&str, i64)> =
            rows.iter().map(|r| (r.code.as_str(), r.position)).collect();
        assert_eq!(
            positions,
            [("female", 0), ("male", 10), ("other", 20), ("not_stated", 30), ("nb", 40)]
        );
        for row in &rows {
            let unchanged = EditRow { typed: row.state(), current: row.clone(), collision: false };
            assert_eq!(change(ListName::Sex, &unchanged), None, "{}", row.code);
        }
        let moved_back = EditRow {
            typed: state("", false, "10"),
            current: CurrentRow {
                stored: Some(Override {
                    list: ListName::Sex,
                    code: "male".into(),
                    label_fr: None,
                    label_en: None,
                    hidden: false,
                    position: Some(99),
                }),
                position: 99,
                ..rows[1].clone()
            },
            collision: false,
        };
        let back = change(ListName::Sex, &moved_back).unwrap();
        assert_eq!(back.position, None, "back at its default place, nothing to store");
    }
}
