//! The delivery job: posts an outgoing package to its peer's endpoint with the token the peer
//! issued us, over reqwest (rustls on ring, no redirects, timeouts — as the SMS webhook).
//! Delivered on a 2xx; a refusal (4xx) is final and recorded with the peer's code; anything
//! else (no connection, 5xx, no token recorded yet) is retried with the runner's backoff, the
//! referral's page showing the reason meanwhile. Logs carry ids and codes, never a body.

use std::time::Duration;

use serde::Deserialize;
use store::jobs::runner::{JobContext, JobError, Registry};
use store::{Db, Ts};
use uuid::Uuid;

/// What the delivery job needs.
#[derive(Clone)]
pub struct FederationJobs {
    pub db: Db,
    pub client: reqwest::Client,
}

impl FederationJobs {
    pub fn new(db: Db) -> Result<FederationJobs, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client could not start: {e}"))?;
        Ok(FederationJobs { db, client })
    }
}

/// Adds the delivery job to `registry`.
pub fn register(registry: Registry, deps: FederationJobs) -> Registry {
    registry.handle(store::federation::DELIVER_JOB, move |ctx| deliver(deps.clone(), ctx))
}

#[derive(Deserialize)]
struct Payload {
    package_id: Uuid,
}

#[derive(Deserialize)]
struct Refusal {
    error: RefusalDetail,
}

#[derive(Deserialize)]
struct RefusalDetail {
    code: String,
}

async fn deliver(deps: FederationJobs, ctx: JobContext) -> Result<(), JobError> {
    let Payload { package_id } = ctx.payload()?;
    let db = &deps.db;
    let Some((peer_id, body)) = store::federation::outgoing(db, package_id).await? else {
        return Ok(());
    };
    let Some(peer) = store::federation::peer(db, peer_id).await? else { return Ok(()) };
    let Some(token) = store::federation::outbound_token(db, peer_id).await? else {
        let why = "no token from the partner instance is recorded yet";
        store::federation::set_state(
            db,
            package_id,
            store::federation::WAITING,
            Some(why),
            Ts::now(),
        )
        .await?;
        return Err(JobError::new(why));
    };
    let url = format!("{}{}", peer.base_url.trim_end_matches('/'), super::PACKAGES_PATH);
    let answer = deps
        .client
        .post(url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await;
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            let why = if e.is_timeout() {
                "the partner instance did not answer in time"
            } else if e.is_connect() {
                "the partner instance could not be reached"
            } else {
                "the delivery failed"
            };
            store::federation::set_state(
                db,
                package_id,
                store::federation::WAITING,
                Some(why),
                Ts::now(),
            )
            .await?;
            return Err(JobError::new(why));
        }
    };
    let status = answer.status();
    if status.is_success() {
        store::federation::set_state(db, package_id, store::federation::DELIVERED, None, Ts::now())
            .await?;
        tracing::info!(job_id = %ctx.job().id, %package_id, "federation package delivered");
        return Ok(());
    }
    if status.is_client_error() {
        // The partner refused it for good: its code says why (a tampered copy, a token it
        // revoked, a package it already has).
        let code = answer
            .json::<Refusal>()
            .await
            .map(|r| r.error.code)
            .unwrap_or_else(|_| status.as_u16().to_string());
        let code: String =
            code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(40).collect();
        let why = format!("refused by the partner instance: {code}");
        store::federation::set_state(
            db,
            package_id,
            store::federation::FAILED,
            Some(&why),
            Ts::now(),
        )
        .await?;
        tracing::warn!(job_id = %ctx.job().id, %package_id, code, "federation package refused");
        return Ok(());
    }
    let why = format!("the partner instance answered {}", status.as_u16());
    store::federation::set_state(db, package_id, store::federation::WAITING, Some(&why), Ts::now())
        .await?;
    Err(JobError::new(why))
}
