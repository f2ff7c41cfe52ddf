//! Writing audit events from requests: who (the session's user), from where (the real client
//! address, see [`crate::client_addr`]) and which request, in the transaction of the change.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use store::audit::NewAuditEvent;
use store::{StoreError, Ts, Tx};

use crate::AppState;
use crate::client_addr::ClientAddr;
use crate::middleware::RequestId;

/// Where a request came from, for the audit log.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub client_addr: IpAddr,
    pub request_id: String,
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientAddr(client_addr) = ClientAddr::from_request_parts(parts, state).await?;
        let request_id =
            parts.extensions.get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();
        Ok(RequestMeta { client_addr, request_id })
    }
}

/// Appends `event`, stamped with the request's origin, inside `tx`.
pub async fn record(
    tx: &mut Tx,
    meta: &RequestMeta,
    event: NewAuditEvent,
) -> Result<(), StoreError> {
    let event =
        event.from_request(Some(meta.client_addr.to_string()), Some(meta.request_id.clone()));
    store::audit::append(tx, &event, Ts::now()).await.map(|_| ())
}
