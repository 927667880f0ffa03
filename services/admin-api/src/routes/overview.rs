//! `GET /api/admin/overview`: one dashboard payload gathered over REST from
//! the other services' `/internal/summary`, with a service token acting for
//! the admin (see `crate::peers`). A service that does not answer is marked
//! unavailable; the overview itself still answers 200.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use sora_common::ApiError;
use sora_common::auth::Admin;
use sora_common::metrics::{EventSummary, Metrics};
use sora_common::ops::ServiceSummary;
use sora_common::problems;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::db;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/admin/overview").get(overview));
}

/// One service's part of the overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerStatus {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    pub summary: Option<ServiceSummary>,
    /// Why it is unavailable.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminFigures {
    pub users: i64,
    pub audit_entries: i64,
    pub events: EventSummary,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Overview {
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    pub admin: AdminFigures,
    /// file-server, feedback-api and recommendation, by name.
    pub services: BTreeMap<String, PeerStatus>,
}

/// The dashboard (admin role): catalog size and downloads from file-server,
/// every service's outbox backlog and queue/DLQ depths, users and audit size.
#[utoipa::path(get, path = "/api/admin/overview", tag = "overview", security(("bearer" = [])), responses(
    (status = 200, body = Overview),
    problems::SignedIn,
))]
pub async fn overview(
    Admin(caller): Admin,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, ApiError> {
    let token = state
        .identity
        .service_token(&caller)
        .map_err(ApiError::internal)?;
    let calls = state.peers.peers.iter().map(|peer| async {
        let status = match state.peers.summary(peer, &token).await {
            Ok(summary) => PeerStatus {
                status: "ok",
                summary: Some(summary),
                reason: None,
            },
            Err(reason) => PeerStatus {
                status: "unavailable",
                summary: None,
                reason: Some(reason),
            },
        };
        (peer.name.to_owned(), status)
    });
    let figures = async {
        let mut conn = state.db.acquire().await?;
        db::audit::figures(&mut conn).await
    };
    let (services, figures) =
        futures_util::future::join(futures_util::future::join_all(calls), figures).await;
    let (users, audit_entries) = figures?;
    Ok(HttpResponse::Ok().json(Overview {
        generated_at: OffsetDateTime::now_utc(),
        admin: AdminFigures {
            users,
            audit_entries,
            events: metrics.event_summary(),
        },
        services: services.into_iter().collect(),
    }))
}
