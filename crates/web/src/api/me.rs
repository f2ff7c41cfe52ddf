//! `GET /api/v1/me`: who the caller is, as the API sees them.

use axum::Json;
use serde::Serialize;
use uuid::Uuid;

use crate::auth::SignedIn;
use crate::middleware::ApiErrorBody;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user: MeUser,
    /// The organisation the caller acts in: the token's, or the session's active one; null
    /// for an instance administrator acting in none.
    pub organisation: Option<MeOrganisation>,
    /// The role in that organisation: `manager`, `worker`, `reception`, `supervisor`, `dpo`,
    /// `peer-mediator` or `partner`; null without an organisation.
    #[schema(example = "worker")]
    pub role: Option<&'static str>,
    /// Whether the user administers this instance.
    pub instance_admin: bool,
    /// The API token's scopes (`persons:read`, …, `all`); null for a browser session, which
    /// has the user's own rights.
    #[schema(example = json!(["persons:read", "cases:read"]))]
    pub scopes: Option<Vec<&'static str>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeOrganisation {
    pub id: Uuid,
    pub name: String,
}

/// The caller: their account, the organisation and role they act with, and, with an API
/// token, its scopes.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "meta",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, body = Me),
        (status = 401, body = ApiErrorBody, description = "No valid credentials: no token and no session, or a malformed, unknown, revoked or expired token"),
    )
)]
pub async fn me(signed_in: SignedIn) -> Json<Me> {
    let actor = &signed_in.actor;
    let organisation = actor
        .organisation()
        .zip(signed_in.organisation_name.clone())
        .map(|(id, name)| MeOrganisation { id: id.as_uuid(), name });
    Json(Me {
        user: MeUser {
            id: actor.user_id.as_uuid(),
            email: signed_in.email.clone(),
            name: signed_in.display_name.clone(),
        },
        organisation,
        role: actor.role().map(|r| r.as_str()),
        instance_admin: actor.instance_admin,
        scopes: signed_in
            .via_token
            .as_ref()
            .map(|grant| grant.scopes.as_slice().iter().map(|s| s.as_str()).collect()),
    })
}
