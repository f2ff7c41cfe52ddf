//! The JSON API of persons and households, registered (with each route's rule and scope) in
//! [`crate::api`].
//!
//! The same rules as the pages: the store looks only inside the caller's organisation, so
//! another organisation's id answers 404 like an unknown one; what a role sees and changes
//! comes from [`person_access`]; reading a file and every change is an audit event, written in
//! the transaction of the change, naming fields and never their values.
//!
//! Choices an API client relies on:
//! - JSON names are [`Field::name`]; dates are `YYYY-MM-DD`; phones an array of strings;
//!   resources `[{"code", "amount_cents"}]`. The schemas are built from [`Field::ALL`], so the
//!   document cannot drift from the record.
//! - A field the caller may not read is *absent* from a record (`null` means empty).
//! - A field the caller may not change, present in a body, refuses the whole request with 403
//!   `fields_not_editable` rather than being dropped: a client never believes it saved what
//!   was thrown away. Presence is enough, whatever the value, so the answer tells nothing of a
//!   value the caller cannot see.
//! - `PATCH` changes only the fields present (`null` empties one) and needs the `version` read;
//!   any other version answers 409 with the current record. Unlike the page, the API does not
//!   merge: the client holds its own change and applies it again.
//! - Bodies are read after the record is found, so another organisation's id answers 404
//!   whatever the body.

use std::borrow::Cow;
use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::audit::AuditAction;
use domain::lists::{ListName, Lists};
use domain::persons::{self, Field, Group, Kind, PersonForm, PersonRecord, Problem};
use domain::policy::{PersonAccess, person_access};
use domain::{HouseholdId, OrganisationId, PersonId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use store::Ts;
use store::audit::NewAuditEvent;
use store::households::Member;
use store::persons::Person;
use time::Date;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{RefOr, schema::SchemaType};
use uuid::Uuid;

use super::form;
use super::pages::{self, organisation, today};
use crate::AppState;
use crate::audit_trail::{self, RequestMeta};
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;

// ---------------------------------------------------------------------------------------------
// Answers

/// A refusal: `{"error": {"code", "message", "request_id", "fields"?}}`, the shape of every API
/// error, with the refused fields when there are some.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiProblem {
    pub error: ApiProblemDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiProblemDetail {
    /// Stable: `validation_failed` (422), `fields_not_editable` (403), `version_conflict`
    /// (409), `invalid_body` (400), `unsupported_media_type` (415).
    #[schema(example = "validation_failed")]
    pub code: &'static str,
    /// For people, in the language of `Accept-Language` (fr, en).
    pub message: String,
    pub request_id: String,
    /// Each refused field, when the refusal is about fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// Why one field was refused.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's JSON name (`birth_date`, `phones`…, `version`).
    #[schema(example = "birth_date")]
    pub field: String,
    /// Stable: `required`, `wrong_type`, `unknown_field`, `not_editable`, `name_required`,
    /// `too_long`, `control_characters`, `date_invalid`, `date_in_future`, `date_too_old`,
    /// `phone_invalid`, `too_many_phones`, `email_invalid`, `unknown_value`, `amount_invalid`,
    /// `review_before_start`, `unknown_person`, `already_member`.
    #[schema(example = "date_in_future")]
    pub code: &'static str,
    /// For people, in the caller's language.
    pub message: String,
}

/// 409: the version sent is not the record's; `current` is the record as it is now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionConflict {
    pub error: ApiProblemDetail,
    pub current: PersonOut,
}

/// Why a request was not carried out.
pub enum Failure {
    Web(WebError),
    Refused(StatusCode, ApiProblem),
    Conflict(Box<VersionConflict>),
}

impl From<WebError> for Failure {
    fn from(e: WebError) -> Failure {
        Failure::Web(e)
    }
}

impl From<store::StoreError> for Failure {
    fn from(e: store::StoreError) -> Failure {
        Failure::Web(WebError::Store(e))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Web(e) => e.into_response(),
            Failure::Refused(status, body) => (status, Json(body)).into_response(),
            Failure::Conflict(body) => (StatusCode::CONFLICT, Json(*body)).into_response(),
        }
    }
}

/// What answers need from the request: its language and its id.
struct Ctx {
    t: Tr,
    meta: RequestMeta,
}

impl Ctx {
    fn detail(
        &self,
        code: &'static str,
        message: String,
        fields: Vec<FieldError>,
    ) -> ApiProblemDetail {
        ApiProblemDetail { code, message, request_id: self.meta.request_id.clone(), fields }
    }

    fn refuse(&self, status: StatusCode, code: &'static str, message_id: &str) -> Failure {
        let error = self.detail(code, self.t.msg(message_id), vec![]);
        Failure::Refused(status, ApiProblem { error })
    }

    fn invalid(&self, fields: Vec<FieldError>) -> Failure {
        let message = self.t.msg("persons-api-error-validation");
        let error = self.detail("validation_failed", message, fields);
        Failure::Refused(StatusCode::UNPROCESSABLE_ENTITY, ApiProblem { error })
    }

    fn field_error(&self, field: &str, code: &'static str, message_id: &str) -> FieldError {
        FieldError { field: field.to_owned(), code, message: self.t.msg(message_id) }
    }

    /// The body as `T`: JSON only (415 otherwise), of the documented shape (400 otherwise).
    fn body<T: DeserializeOwned>(&self, headers: &HeaderMap, body: &Bytes) -> Result<T, Failure> {
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .is_some_and(|ct| ct == "application/json" || ct.ends_with("+json"));
        if !is_json {
            return Err(self.refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "persons-api-error-media-type",
            ));
        }
        serde_json::from_slice(body).map_err(|_| {
            self.refuse(StatusCode::BAD_REQUEST, "invalid_body", "persons-api-error-invalid-body")
        })
    }
}

fn record_id<T: std::str::FromStr>(raw: &str) -> Result<T, WebError> {
    // A malformed id is as unknown as a missing one.
    raw.parse().map_err(|_| WebError::NotFound)
}

fn iso(d: Option<Date>) -> Option<String> {
    d.map(persons::iso_date)
}

/// `YYYY-MM-DD` and nothing else: what JSON dates look like here.
fn iso_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

/// Tells a key given as `null` from a key left out: `Some(None)` and `None`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

// ---------------------------------------------------------------------------------------------
// Persons: JSON shapes

fn date_of(rec: &PersonRecord, field: Field) -> Option<Date> {
    match field {
        Field::BirthDate => rec.birth_date,
        Field::ProtectionStart => rec.protection_start,
        Field::ProtectionReview => rec.protection_review,
        _ => None,
    }
}

/// One field of a stored record as JSON.
fn field_json(rec: &PersonRecord, form: &PersonForm, field: Field) -> Value {
    match field.kind() {
        Kind::Date => iso(date_of(rec, field)).map_or(Value::Null, Value::String),
        Kind::Flag => Value::Bool(rec.interpreter_needed),
        Kind::Phones => Value::from(rec.phones.clone()),
        Kind::Resources => Value::Array(
            rec.resources
                .iter()
                .map(|r| serde_json::json!({ "code": r.code, "amount_cents": r.amount_cents }))
                .collect(),
        ),
        Kind::Text { .. } | Kind::LongText { .. } | Kind::Email | Kind::Choice(_) => {
            match form.get(field) {
                "" => Value::Null,
                v => Value::String(v.to_owned()),
            }
        }
    }
}

/// A person's record as the caller may see it: fields of a group they may not read are left
/// out. (Its schema is built from [`Field::ALL`].)
#[derive(Serialize)]
#[serde(transparent)]
pub struct PersonOut(Map<String, Value>);

impl PersonOut {
    fn new(person: &Person, access: &PersonAccess) -> PersonOut {
        let mut map = Map::new();
        map.insert("id".into(), Value::String(person.id.to_string()));
        map.insert("version".into(), Value::from(person.version));
        map.insert("created_at".into(), Value::String(person.created_at.canonical()));
        map.insert("updated_at".into(), Value::String(person.updated_at.canonical()));
        let form = person.record.to_form();
        for field in Field::ALL.into_iter().filter(|f| access.reads(f.group())) {
            map.insert(field.name().into(), field_json(&person.record, &form, field));
        }
        PersonOut(map)
    }
}

/// The body of `POST /api/v1/persons`: the fields to register, by name.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct PersonInput(Map<String, Value>);

/// The body of `PATCH /api/v1/persons/{person_id}`: the version read, and the fields to change.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct PersonPatch(Map<String, Value>);

fn group_name(group: Group) -> &'static str {
    match group {
        Group::Identity => "identity",
        Group::Contact => "contact",
        Group::Situation => "situation",
    }
}

/// A field's schema, built from its kind; `nullable` for bodies (where `null` empties it).
fn field_schema(field: Field, nullable: bool) -> Schema {
    let ty = |t: Type| -> SchemaType {
        if nullable { SchemaType::from_iter([t, Type::Null]) } else { SchemaType::new(t) }
    };
    let group = format!("Group: {}.", group_name(field.group()));
    let string = |max: usize, more: &str| {
        ObjectBuilder::new()
            .schema_type(ty(Type::String))
            .max_length(Some(max))
            .description(Some(format!("{more}{group}")))
    };
    let date = || {
        ObjectBuilder::new()
            .schema_type(ty(Type::String))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
    };
    match field.kind() {
        Kind::Text { max } => string(max, "").build().into(),
        Kind::LongText { max } => string(max, "Line breaks allowed. ").build().into(),
        Kind::Email => string(254, "")
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
            .build()
            .into(),
        Kind::Date if field == Field::BirthDate => date()
            .description(Some(format!("Not in the future, at most 130 years ago. {group}")))
            .examples(["1985-03-12"])
            .build()
            .into(),
        Kind::Date => date().description(Some(group)).build().into(),
        Kind::Choice(list) => ObjectBuilder::new()
            .schema_type(ty(Type::String))
            .description(Some(format!(
                "A code of the organisation's `{}` list; by default one of: {}. Organisations may \
                 hide defaults and add codes of their own. {group}",
                list.as_str(),
                list.defaults().join(", ")
            )))
            .examples([list.defaults()[0]])
            .build()
            .into(),
        Kind::Flag => {
            let null = if nullable { "`null` counts as `false`. " } else { "" };
            ObjectBuilder::new()
                .schema_type(ty(Type::Boolean))
                .description(Some(format!("{null}{group}")))
                .build()
                .into()
        }
        Kind::Phones => ArrayBuilder::new()
            .schema_type(ty(Type::Array))
            .items(ObjectBuilder::new().schema_type(Type::String).max_length(Some(60)))
            .max_items(Some(5))
            .description(Some(format!(
                "One number per item, formatted as people write them (6 to 20 digits). {group}"
            )))
            .examples([serde_json::json!(["06 12 34 56 78"])])
            .build()
            .into(),
        Kind::Resources => {
            let item = ObjectBuilder::new()
                .property(
                    "code",
                    ObjectBuilder::new().schema_type(Type::String).description(Some(format!(
                        "A code of the organisation's `resources` list; by default one of: {}.",
                        ListName::Resources.defaults().join(", ")
                    ))),
                )
                .required("code")
                .property(
                    "amount_cents",
                    ObjectBuilder::new()
                        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
                        .minimum(Some(0))
                        .description(Some("Monthly amount in euro cents; null when not known.")),
                )
                .additional_properties(Some(AdditionalProperties::FreeForm(false)));
            ArrayBuilder::new()
                .schema_type(ty(Type::Array))
                .items(item)
                .description(Some(format!("Resources and benefits. {group}")))
                .examples([serde_json::json!([{ "code": "rsa", "amount_cents": 60775 }])])
                .build()
                .into()
        }
    }
}

const ACCESS_NOTE: &str = "Fields are grouped: `identity` and `contact` are read by every role \
     that finds persons (manager, worker, reception, supervisor) and changed by manager, worker \
     and reception; `situation` is read by worker and supervisor and changed by workers only.";

/// The fields of a body: every one optional, unknown ones refused.
fn fields_object(description: String) -> ObjectBuilder {
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for field in Field::ALL {
        object = object.property(field.name(), field_schema(field, true));
    }
    object
}

impl utoipa::PartialSchema for PersonInput {
    fn schema() -> RefOr<Schema> {
        fields_object(format!(
            "The fields of a new person, each optional except a name: at least one of \
             `birth_name`, `used_name` and `first_names`. Sending a field your role may not \
             change refuses the request (403 `fields_not_editable`). {ACCESS_NOTE}"
        ))
        .build()
        .into()
    }
}

impl utoipa::ToSchema for PersonInput {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PersonInput")
    }
}

impl utoipa::PartialSchema for PersonPatch {
    fn schema() -> RefOr<Schema> {
        fields_object(format!(
            "The version read and the fields to change: only the fields present change, `null` \
             empties one. Sending a field your role may not change refuses the request (403 \
             `fields_not_editable`). {ACCESS_NOTE}"
        ))
        .property(
            "version",
            ObjectBuilder::new().schema_type(Type::Integer).description(Some(
                "The record's version as read; another version answers 409 with the current \
                 record.",
            )),
        )
        .required("version")
        .build()
        .into()
    }
}

impl utoipa::ToSchema for PersonPatch {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PersonPatch")
    }
}

impl utoipa::PartialSchema for PersonOut {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new().schema_type(Type::Object).description(Some(format!(
            "A person's record. A field of a group the caller may not read is absent; `null` \
             (or `[]`, `false`) means empty. {ACCESS_NOTE}"
        )));
        let meta: [(&str, Schema); 4] = [
            (
                "id",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .build()
                    .into(),
            ),
            (
                "version",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .description(Some("Send it back to change the record."))
                    .build()
                    .into(),
            ),
            (
                "created_at",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                    .build()
                    .into(),
            ),
            (
                "updated_at",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                    .build()
                    .into(),
            ),
        ];
        for (name, schema) in meta {
            object = object.property(name, schema).required(name);
        }
        for field in Field::ALL {
            object = object.property(
                field.name(),
                field_schema(
                    field,
                    !matches!(field.kind(), Kind::Flag | Kind::Phones | Kind::Resources),
                ),
            );
        }
        object.build().into()
    }
}

impl utoipa::ToSchema for PersonOut {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Person")
    }
}

// ---------------------------------------------------------------------------------------------
// Persons: reading bodies

/// Why a JSON value cannot be a field's value.
enum Refused {
    /// Not the JSON type the field takes (message id).
    Type(&'static str),
    /// What the domain would say of it.
    Problem(Problem),
    /// A resource amount that is not a whole number of cents.
    Amount(String),
}

/// The largest monthly amount the domain accepts (nine digits of euros).
const MAX_CENTS: u64 = 99_999_999_999;

/// Puts a field's JSON value into the form as the domain parses it.
fn set_from_json(form: &mut PersonForm, field: Field, value: &Value) -> Result<(), Refused> {
    let text = match (field.kind(), value) {
        (Kind::Resources, Value::Null) => {
            form.resources.clear();
            return Ok(());
        }
        (Kind::Resources, Value::Array(items)) => {
            let mut resources = BTreeMap::new();
            for item in items {
                let Some(object) = item.as_object() else {
                    return Err(Refused::Type("persons-api-error-type-resources"));
                };
                let Some(Value::String(code)) = object.get("code") else {
                    return Err(Refused::Type("persons-api-error-type-resources"));
                };
                if object.keys().any(|k| k != "code" && k != "amount_cents") {
                    return Err(Refused::Type("persons-api-error-type-resources"));
                }
                let amount = match object.get("amount_cents") {
                    None | Some(Value::Null) => String::new(),
                    Some(v) => match v.as_u64().filter(|c| *c <= MAX_CENTS) {
                        Some(c) => persons::format_amount(c as i64),
                        None => return Err(Refused::Amount(code.clone())),
                    },
                };
                resources.insert(code.clone(), amount);
            }
            form.resources = resources;
            return Ok(());
        }
        (Kind::Resources, _) => return Err(Refused::Type("persons-api-error-type-resources")),
        (Kind::Flag, Value::Null | Value::Bool(false)) => String::new(),
        (Kind::Flag, Value::Bool(true)) => "on".to_owned(),
        (Kind::Flag, _) => return Err(Refused::Type("persons-api-error-type-flag")),
        (Kind::Phones, Value::Null) => String::new(),
        (Kind::Phones, Value::Array(items)) => {
            let mut lines = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let Some(phone) = item.as_str() else {
                    return Err(Refused::Type("persons-api-error-type-phones"));
                };
                // The form separates numbers by lines, commas and semicolons: inside one item
                // they would silently make two.
                if phone.contains(['\n', '\r', ',', ';']) {
                    return Err(Refused::Problem(Problem::PhoneInvalid { line: i + 1 }));
                }
                lines.push(phone);
            }
            lines.join("\n")
        }
        (Kind::Phones, _) => return Err(Refused::Type("persons-api-error-type-phones")),
        (_, Value::Null) => String::new(),
        (Kind::Date, Value::String(s)) if !iso_shaped(s.trim()) => {
            return Err(Refused::Problem(Problem::DateInvalid));
        }
        (_, Value::String(s)) => s.clone(),
        (_, _) => return Err(Refused::Type("persons-api-error-type-text")),
    };
    form.set(field, text);
    Ok(())
}

fn problem_code(problem: &Problem) -> &'static str {
    match problem {
        Problem::NameRequired => "name_required",
        Problem::TooLong { .. } => "too_long",
        Problem::ControlCharacters => "control_characters",
        Problem::DateInvalid => "date_invalid",
        Problem::DateInFuture => "date_in_future",
        Problem::DateTooOld => "date_too_old",
        Problem::PhoneInvalid { .. } => "phone_invalid",
        Problem::TooManyPhones { .. } => "too_many_phones",
        Problem::EmailInvalid => "email_invalid",
        Problem::UnknownValue => "unknown_value",
        Problem::AmountInvalid { .. } => "amount_invalid",
        Problem::ReviewBeforeStart => "review_before_start",
    }
}

fn problem_error(t: &Tr, lists: &Lists, field: Field, problem: &Problem) -> FieldError {
    let message = match problem {
        // The form's messages speak of dd/mm/yyyy and lines; JSON has ISO dates and arrays.
        Problem::DateInvalid => t.msg("persons-api-error-date"),
        Problem::PhoneInvalid { line } => {
            t.msg_args("persons-api-error-phone", &[("number", &line.to_string())])
        }
        Problem::AmountInvalid { code } => amount_message(t, lists, code),
        other => form::problem_message(t, lists, other),
    };
    FieldError { field: field.name().to_owned(), code: problem_code(problem), message }
}

fn amount_message(t: &Tr, lists: &Lists, code: &str) -> String {
    let resource = form::value_label(t, lists, ListName::Resources, code);
    t.msg_args("persons-api-error-amount", &[("resource", &resource)])
}

/// The fields of a body the caller may not change: 403, listing them.
fn refuse_not_editable(
    ctx: &Ctx,
    body: &Map<String, Value>,
    access: &PersonAccess,
) -> Result<(), Failure> {
    let refused: Vec<Field> =
        body.keys().filter_map(|k| Field::parse(k)).filter(|f| !access.edits(f.group())).collect();
    if refused.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = refused.iter().map(|f| f.name()).collect();
    let message =
        ctx.t.msg_args("persons-api-error-not-editable", &[("fields", &names.join(", "))]);
    let fields = refused
        .iter()
        .map(|f| ctx.field_error(f.name(), "not_editable", "persons-api-error-not-editable-field"))
        .collect();
    let error = ctx.detail("fields_not_editable", message, fields);
    Err(Failure::Refused(StatusCode::FORBIDDEN, ApiProblem { error }))
}

/// `base` with the body's fields put in; what could not be put in, as field errors.
fn apply(
    ctx: &Ctx,
    lists: &Lists,
    body: &Map<String, Value>,
    base: PersonForm,
) -> (PersonForm, Vec<FieldError>) {
    let mut form = base;
    let mut errors = Vec::new();
    for (key, value) in body {
        let Some(field) = Field::parse(key) else {
            errors.push(ctx.field_error(key, "unknown_field", "persons-api-error-unknown-field"));
            continue;
        };
        match set_from_json(&mut form, field, value) {
            Ok(()) => {}
            Err(Refused::Type(message_id)) => {
                errors.push(ctx.field_error(key, "wrong_type", message_id));
            }
            Err(Refused::Problem(p)) => errors.push(problem_error(&ctx.t, lists, field, &p)),
            Err(Refused::Amount(code)) => errors.push(FieldError {
                field: key.clone(),
                code: "amount_invalid",
                message: amount_message(&ctx.t, lists, &code),
            }),
        }
    }
    (form, errors)
}

/// The domain's verdict on a form, with the errors met while reading the body (those first,
/// and a field refused there is not reported twice).
fn parse_record(
    ctx: &Ctx,
    lists: &Lists,
    form: &PersonForm,
    current: Option<&PersonRecord>,
    mut errors: Vec<FieldError>,
) -> Result<PersonRecord, Failure> {
    match PersonRecord::parse(form, lists, today(), current) {
        Ok(record) if errors.is_empty() => Ok(record),
        Ok(_) => Err(ctx.invalid(errors)),
        Err(problems) => {
            for (field, problem) in &problems {
                if !errors.iter().any(|e| e.field == field.name()) {
                    errors.push(problem_error(&ctx.t, lists, *field, problem));
                }
            }
            Err(ctx.invalid(errors))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Persons: handlers

async fn read_event(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    org: OrganisationId,
    id: PersonId,
    view: Option<&str>,
) -> Result<(), Failure> {
    let mut tx = state.db.begin_write().await?;
    let mut event = NewAuditEvent::new(AuditAction::PersonFileRead, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid());
    if let Some(view) = view {
        event = event.detail("view", view);
    }
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Registers a person.
#[utoipa::path(
    post,
    path = "/api/v1/persons",
    tag = "persons",
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = PersonInput,
    responses(
        (status = 201, body = PersonOut, description = "Registered; `Location` is the record's address", headers(("location" = String))),
        (status = 400, body = ApiProblem, description = "`invalid_body`: not a JSON object"),
        (status = 403, body = ApiProblem, description = "`fields_not_editable`: the body sets fields the caller's role may not change; or `forbidden`: the token lacks `persons:write`"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`: not sent as JSON"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` says which field was refused and why, in the caller's language"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = organisation(&signed_in)?;
    let access = person_access(&signed_in.actor);
    let PersonInput(body) = ctx.body(&headers, &body)?;
    refuse_not_editable(&ctx, &body, &access)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let (form, errors) = apply(&ctx, &lists, &body, PersonForm::default());
    let record = parse_record(&ctx, &lists, &form, None, errors)?;
    let id = PersonId::new();
    let filled: Vec<&str> = PersonForm::default()
        .changed_fields(&record.to_form())
        .into_iter()
        .map(Field::name)
        .collect();
    let mut tx = state.db.begin_write().await?;
    let person =
        store::persons::insert(&mut tx, org, id, &record, Some(signed_in.actor.user_id), Ts::now())
            .await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid())
        .detail("fields", filled.join(","));
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let location = format!("/api/v1/persons/{id}");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(PersonOut::new(&person, &access)),
    )
        .into_response())
}

/// A person's record, as much of it as the caller may read. Every call is recorded in the
/// audit log as an opening of the file, as on the person's page.
#[utoipa::path(
    get,
    path = "/api/v1/persons/{person_id}",
    tag = "persons",
    params(("person_id" = Uuid, Path, description = "The person's id")),
    security(("bearer" = ["persons:read"]), ("session" = [])),
    responses(
        (status = 200, body = PersonOut),
        (status = 308, description = "The record was merged into another: `Location` is the one kept"),
        (status = 404, body = ApiProblem, description = "No such person in the caller's organisation"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = organisation(&signed_in)?;
    let id: PersonId = record_id(&id)?;
    let access = person_access(&signed_in.actor);
    let person = pages::load(&state, org, id, signed_in.actor.user_id).await?;
    if let Some(target) = person.merged_into {
        return Ok(Redirect::permanent(&format!("/api/v1/persons/{target}")).into_response());
    }
    // The read is recorded before anything of the file is sent.
    read_event(&state, &ctx, &signed_in, org, id, None).await?;
    Ok(Json(PersonOut::new(&person, &access)).into_response())
}

/// Changes the fields present in the body, if the record is still at `version`.
#[utoipa::path(
    patch,
    path = "/api/v1/persons/{person_id}",
    tag = "persons",
    params(("person_id" = Uuid, Path, description = "The person's id")),
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = PersonPatch,
    responses(
        (status = 200, body = PersonOut, description = "Saved (or nothing to change): the record as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`: not a JSON object"),
        (status = 403, body = ApiProblem, description = "`fields_not_editable`: the body sets fields the caller's role may not change; or `forbidden`: the token lacks `persons:write`"),
        (status = 404, body = ApiProblem, description = "No such person in the caller's organisation"),
        (status = 409, body = VersionConflict, description = "`version_conflict`: the record changed since `version`; `current` is the record now (its reading is audited)"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`: not sent as JSON"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: `fields` says which field was refused and why (a missing `version` too)"),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = organisation(&signed_in)?;
    let id: PersonId = record_id(&id)?;
    let access = person_access(&signed_in.actor);
    let current = pages::load(&state, org, id, signed_in.actor.user_id).await?;
    if current.merged_into.is_some() {
        return Err(WebError::NotFound.into());
    }
    let PersonPatch(mut body) = ctx.body(&headers, &body)?;
    let version = body.remove("version");
    refuse_not_editable(&ctx, &body, &access)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let stored = current.record.to_form();
    let (form, mut errors) = apply(&ctx, &lists, &body, stored.clone());
    let sent = version.as_ref().and_then(Value::as_i64);
    if sent.is_none() {
        let code = if version.is_some() { "wrong_type" } else { "required" };
        errors.insert(0, ctx.field_error("version", code, "persons-api-error-version"));
    }
    let version = sent;
    let Some(version) = version.filter(|_| errors.is_empty()) else {
        return Err(ctx.invalid(errors));
    };
    if version != current.version {
        return Err(conflict(&state, &ctx, &signed_in, &access, current, version).await?);
    }
    let record = parse_record(&ctx, &lists, &form, Some(&current.record), errors)?;
    let changed: Vec<&str> =
        stored.changed_fields(&record.to_form()).into_iter().map(Field::name).collect();
    if changed.is_empty() {
        return Ok(Json(PersonOut::new(&current, &access)).into_response());
    }
    let now = Ts::now();
    let mut tx = state.db.begin_write().await?;
    let saved = store::persons::update(
        &mut tx,
        org,
        id,
        current.version,
        &record,
        Some(signed_in.actor.user_id),
        now,
    )
    .await?;
    let Some(new_version) = saved else {
        // Another save slipped in between our read and our write.
        drop(tx);
        let now_stored = pages::load(&state, org, id, signed_in.actor.user_id).await?;
        return Err(conflict(&state, &ctx, &signed_in, &access, now_stored, version).await?);
    };
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("person", id.as_uuid())
        .detail("fields", changed.join(","));
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let saved = Person { record, version: new_version, updated_at: now, ..current };
    Ok(Json(PersonOut::new(&saved, &access)).into_response())
}

/// The 409 answer: the record as it is now (an audited reading of the file).
async fn conflict(
    state: &AppState,
    ctx: &Ctx,
    signed_in: &SignedIn,
    access: &PersonAccess,
    current: Person,
    sent: i64,
) -> Result<Failure, Failure> {
    if current.merged_into.is_some() {
        return Err(WebError::NotFound.into());
    }
    read_event(state, ctx, signed_in, current.organisation_id, current.id, Some("conflict"))
        .await?;
    let message = ctx.t.msg_args(
        "persons-api-error-conflict",
        &[("version", &sent.to_string()), ("current", &current.version.to_string())],
    );
    let error = ctx.detail("version_conflict", message, vec![]);
    Ok(Failure::Conflict(Box::new(VersionConflict {
        error,
        current: PersonOut::new(&current, access),
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// What reception types: names in any order, with or without accents, hyphens or
    /// apostrophes, one typo tolerated on names of 5 letters or more, a prefix while typing;
    /// or a birth date (dd/mm/yyyy), a phone number, an administrative number. At most 200
    /// characters are read.
    #[schema(example = "helene dupotn")]
    pub q: String,
}

/// One person found: enough to tell people apart.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SearchHitOut {
    pub id: Uuid,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    #[schema(format = Date, example = "1985-03-12")]
    pub birth_date: Option<String>,
    pub town: Option<String>,
    /// The name of the person's referent worker; null until cases exist.
    pub referent: Option<String>,
}

/// Finds persons by name, birth date, phone or number, best match first (at most 25).
/// The terms travel in the body, never in the URL. Searching is not an opening of a file: it
/// is not audited, and answers only what tells people apart.
#[utoipa::path(
    post,
    path = "/api/v1/persons/search",
    tag = "persons",
    security(("bearer" = ["persons:read"]), ("session" = [])),
    request_body = SearchRequest,
    responses(
        (status = 200, body = Vec<SearchHitOut>, description = "By relevance, best first; empty for an empty query"),
        (status = 400, body = ApiProblem, description = "`invalid_body`: not `{\"q\": \"…\"}`"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`: not sent as JSON"),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = organisation(&signed_in)?;
    let access = person_access(&signed_in.actor);
    let SearchRequest { q } = ctx.body(&headers, &body)?;
    let query: String = q.chars().take(200).collect();
    let hits = store::persons::search(&state.db, org, &query, pages::RESULTS).await?;
    let shows = |f: Field| access.reads(f.group());
    let out: Vec<SearchHitOut> = hits
        .into_iter()
        .map(|h| SearchHitOut {
            id: h.id.as_uuid(),
            birth_name: h.birth_name.filter(|_| shows(Field::BirthName)),
            used_name: h.used_name.filter(|_| shows(Field::UsedName)),
            first_names: h.first_names.filter(|_| shows(Field::FirstNames)),
            birth_date: iso(h.birth_date.filter(|_| shows(Field::BirthDate))),
            town: h.town.filter(|_| shows(Field::Town)),
            referent: None,
        })
        .collect();
    Ok(Json(out).into_response())
}

// ---------------------------------------------------------------------------------------------
// Households

/// A household and its members, past ones included.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HouseholdOut {
    pub id: Uuid,
    pub version: i64,
    /// The reference person first, then by birth date.
    pub members: Vec<MemberOut>,
}

/// One person's membership of a household.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberOut {
    /// The membership's id (not the person's).
    pub member_id: Uuid,
    pub person_id: Uuid,
    pub birth_name: Option<String>,
    pub used_name: Option<String>,
    pub first_names: Option<String>,
    /// `self` for the reference person, else a code of the organisation's `relationship`
    /// list.
    #[schema(example = "minor_child")]
    pub relationship: String,
    #[schema(format = Date)]
    pub from_date: Option<String>,
    /// Set when the member left.
    #[schema(format = Date)]
    pub to_date: Option<String>,
    /// Age in whole years today, from the birth date; null when it is not known.
    pub age: Option<i32>,
    /// Still in the household today.
    pub current: bool,
}

fn member_out(m: &Member, day: Date) -> MemberOut {
    MemberOut {
        member_id: m.id.as_uuid(),
        person_id: m.person_id.as_uuid(),
        birth_name: m.birth_name.clone(),
        used_name: m.used_name.clone(),
        first_names: m.first_names.clone(),
        relationship: m.relationship.clone(),
        from_date: iso(m.from_date),
        to_date: iso(m.to_date),
        age: m.birth_date.map(|d| persons::age_on(d, day)),
        current: m.current(day),
    }
}

async fn household_out(
    state: &AppState,
    org: OrganisationId,
    id: HouseholdId,
) -> Result<HouseholdOut, Failure> {
    let household = store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let members = store::households::members(&state.db, id).await?;
    let day = today();
    Ok(HouseholdOut {
        id: household.id.as_uuid(),
        version: household.version,
        members: members.iter().map(|m| member_out(m, day)).collect(),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHousehold {
    /// The reference person: a person of the caller's organisation.
    #[schema(value_type = Uuid)]
    pub reference_person_id: Option<String>,
    /// Since when (`YYYY-MM-DD`): today when left out, not known when `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub from_date: Option<Option<String>>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// The person joining: a person of the caller's organisation.
    #[schema(value_type = Uuid)]
    pub person_id: Option<String>,
    /// A code of the organisation's `relationship` list (to the reference person).
    #[schema(value_type = String, example = "minor_child")]
    pub relationship: Option<String>,
    /// Since when (`YYYY-MM-DD`): today when left out, not known when `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub from_date: Option<Option<String>>,
}

/// A person of the organisation named in a body, not merged away; a field error otherwise
/// (unknown and another organisation's alike).
async fn person_in_body(
    state: &AppState,
    ctx: &Ctx,
    org: OrganisationId,
    key: &str,
    raw: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Result<Option<PersonId>, Failure> {
    let Some(raw) = raw else {
        errors.push(ctx.field_error(key, "required", "persons-api-error-required"));
        return Ok(None);
    };
    let Ok(id) = raw.parse::<PersonId>() else {
        errors.push(ctx.field_error(key, "wrong_type", "persons-api-error-id"));
        return Ok(None);
    };
    match store::persons::find(&state.db, org, id).await? {
        Some(p) if p.merged_into.is_none() => Ok(Some(id)),
        _ => {
            errors.push(ctx.field_error(key, "unknown_person", "persons-api-error-person"));
            Ok(None)
        }
    }
}

/// A `from_date` as sent: left out is today, `null` is not known.
fn from_date(ctx: &Ctx, raw: Option<Option<String>>, errors: &mut Vec<FieldError>) -> Option<Date> {
    match raw {
        None => Some(today()),
        Some(None) => None,
        Some(Some(s)) => {
            let parsed =
                if iso_shaped(s.trim()) { persons::parse_date(&s).ok().flatten() } else { None };
            if parsed.is_none() {
                errors.push(ctx.field_error("from_date", "date_invalid", "persons-api-error-date"));
            }
            parsed
        }
    }
}

/// Creates a household around a person, its reference person.
#[utoipa::path(
    post,
    path = "/api/v1/households",
    tag = "households",
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = NewHousehold,
    responses(
        (status = 201, body = HouseholdOut, description = "Created; `Location` is its address", headers(("location" = String))),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: no such person in the organisation (`unknown_person`), or a malformed date"),
    )
)]
pub async fn create_household(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = organisation(&signed_in)?;
    let NewHousehold { reference_person_id, from_date: raw_from } = ctx.body(&headers, &body)?;
    let mut errors = Vec::new();
    let person = person_in_body(
        &state,
        &ctx,
        org,
        "reference_person_id",
        reference_person_id.as_deref(),
        &mut errors,
    )
    .await?;
    let from = from_date(&ctx, raw_from, &mut errors);
    let Some(person) = person.filter(|_| errors.is_empty()) else {
        return Err(ctx.invalid(errors));
    };
    let mut tx = state.db.begin_write().await?;
    let household = store::households::create(
        &mut tx,
        org,
        person,
        from,
        Some(signed_in.actor.user_id),
        Ts::now(),
    )
    .await?;
    let event = NewAuditEvent::new(AuditAction::RecordCreated, Some(org))
        .by(signed_in.actor.user_id)
        .on("household", household.as_uuid())
        .detail("person", person.to_string());
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let out = household_out(&state, org, household).await?;
    let location = format!("/api/v1/households/{household}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(out)).into_response())
}

/// A household: its members with their relationship, dates and ages, past members included.
#[utoipa::path(
    get,
    path = "/api/v1/households/{household_id}",
    tag = "households",
    params(("household_id" = Uuid, Path, description = "The household's id")),
    security(("bearer" = ["persons:read"]), ("session" = [])),
    responses(
        (status = 200, body = HouseholdOut),
        (status = 404, body = ApiProblem, description = "No such household in the caller's organisation"),
    )
)]
pub async fn show_household(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let org = organisation(&signed_in)?;
    let id: HouseholdId = record_id(&id)?;
    Ok(Json(household_out(&state, org, id).await?).into_response())
}

/// Adds a person to a household.
#[utoipa::path(
    post,
    path = "/api/v1/households/{household_id}/members",
    tag = "households",
    params(("household_id" = Uuid, Path, description = "The household's id")),
    security(("bearer" = ["persons:write"]), ("session" = [])),
    request_body = NewMember,
    responses(
        (status = 201, body = HouseholdOut, description = "Added: the household as it now is"),
        (status = 400, body = ApiProblem, description = "`invalid_body`"),
        (status = 404, body = ApiProblem, description = "No such household in the caller's organisation"),
        (status = 415, body = ApiProblem, description = "`unsupported_media_type`"),
        (status = 422, body = ApiProblem, description = "`validation_failed`: no such person (`unknown_person`), already a current member (`already_member`), a relationship the list does not offer (`unknown_value`), or a malformed date"),
    )
)]
pub async fn add_member(
    State(state): State<AppState>,
    t: Tr,
    meta: RequestMeta,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = Ctx { t, meta };
    let org = organisation(&signed_in)?;
    let id: HouseholdId = record_id(&id)?;
    store::households::find(&state.db, org, id).await?.ok_or(WebError::NotFound)?;
    let NewMember { person_id, relationship, from_date: raw_from } = ctx.body(&headers, &body)?;
    let lists = store::lists::for_organisation(&state.db, org).await?;
    let mut errors = Vec::new();
    let person =
        person_in_body(&state, &ctx, org, "person_id", person_id.as_deref(), &mut errors).await?;
    if let Some(p) = person {
        let members = store::households::members(&state.db, id).await?;
        if members.iter().any(|m| m.person_id == p && m.current(today())) {
            errors.push(ctx.field_error("person_id", "already_member", "household-error-already"));
        }
    }
    let relationship = relationship.unwrap_or_default().trim().to_owned();
    if relationship.is_empty() {
        errors.push(ctx.field_error("relationship", "required", "persons-api-error-required"));
    } else if !lists.accepts(ListName::Relationship, &relationship, None) {
        errors.push(ctx.field_error("relationship", "unknown_value", "person-error-unknown-value"));
    }
    let from = from_date(&ctx, raw_from, &mut errors);
    let Some(person) = person.filter(|_| errors.is_empty()) else {
        return Err(ctx.invalid(errors));
    };
    let mut tx = state.db.begin_write().await?;
    store::households::add_member(&mut tx, id, person, &relationship, from, Ts::now()).await?;
    let event = NewAuditEvent::new(AuditAction::RecordUpdated, Some(org))
        .by(signed_in.actor.user_id)
        .on("household", id.as_uuid())
        .detail("member_added", person.to_string())
        .detail("relationship", relationship);
    audit_trail::record(&mut tx, &ctx.meta, event).await?;
    tx.commit().await?;
    let out = household_out(&state, org, id).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}
